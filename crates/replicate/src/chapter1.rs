//! Chapter 1 specifications, their published values, and the comparison.

use crate::{chapter1_panel, ReplicateError, Result};
use hallyu_data::filter;
use hallyu_estimate::{estimate, Estimator, Fit, FitRequest, Formula, Progress, Ssc, VcovSpec};
use serde::{Deserialize, Serialize};

static PUBLISHED: &str = include_str!("../data/yotov2016_ch1.csv");

/// One published number.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, schemars::JsonSchema)]
pub struct PublishedRow {
    /// Specification id.
    pub spec: String,
    /// Application (traditional_gravity, distance_puzzle, rta_effects).
    pub application: String,
    /// `ols` or `poisson`.
    pub estimator: String,
    /// Years used.
    pub years: String,
    /// Row selection.
    pub sample: String,
    /// fixest formula.
    pub formula: String,
    /// Cluster variable.
    pub cluster: String,
    /// Small-sample correction of the published SEs.
    pub ssc: String,
    /// Observations used.
    pub nobs: usize,
    /// Term (or `lincom:`/`nlcom:` combination).
    pub term: String,
    /// Published estimate, as printed.
    pub estimate: String,
    /// Published standard error, as printed.
    pub std_error: String,
    /// Where it was published.
    pub source: String,
}

/// One specification with all its published numbers.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, schemars::JsonSchema)]
pub struct Spec {
    /// Id, e.g. `ch1_app3_ppml_pair`.
    pub id: String,
    /// Application.
    pub application: String,
    /// Estimator.
    pub estimator: Estimator,
    /// Formula.
    pub formula: String,
    /// Row selection (empty: all rows of the six years).
    pub sample: String,
    /// Cluster variable.
    pub cluster: String,
    /// Correction, written as first published (`Fixest`, `ClusterOnly`, `Stata`, `None`).
    #[serde(serialize_with = "ssc_as_first_published")]
    #[schemars(schema_with = "ssc_as_first_published_schema")]
    pub ssc: Ssc,
    /// Published number of observations.
    pub nobs: usize,
    /// Published values.
    pub rows: Vec<PublishedRow>,
}

/// The spelling of [`Spec::ssc`] in this output since its first version (the correction's
/// own serialisation is its label, `cluster-only`), kept so that the output is unchanged.
fn ssc_as_first_published<S: serde::Serializer>(
    ssc: &Ssc,
    s: S,
) -> std::result::Result<S::Ok, S::Error> {
    s.serialize_str(match ssc {
        Ssc::Fixest => "Fixest",
        Ssc::ClusterOnly => "ClusterOnly",
        Ssc::Stata => "Stata",
        Ssc::None => "None",
    })
}

/// Written in its first published spelling; read as any correction is.
fn ssc_as_first_published_schema(generator: &mut schemars::SchemaGenerator) -> schemars::Schema {
    if generator.contract().is_serialize() {
        schemars::json_schema!({
            "description": "The correction as first published.",
            "type": "string",
            "enum": ["Fixest", "ClusterOnly", "Stata", "None"],
        })
    } else {
        generator.subschema_for::<Ssc>()
    }
}

/// Our number next to a published one.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, schemars::JsonSchema)]
pub struct Comparison {
    /// Term.
    pub term: String,
    /// Published estimate.
    pub published_estimate: f64,
    /// Our estimate.
    pub estimate: f64,
    /// Published standard error.
    pub published_std_error: f64,
    /// Our standard error.
    pub std_error: f64,
    /// Allowed absolute difference (1e-4, or half a unit of the last printed digit if coarser).
    pub tolerance_estimate: f64,
    /// Same for the standard error.
    pub tolerance_std_error: f64,
    /// Whether both are within tolerance.
    pub ok: bool,
}

/// A specification re-estimated.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, schemars::JsonSchema)]
pub struct SpecOutcome {
    /// The specification.
    pub spec: Spec,
    /// Our fit, if it succeeded.
    pub fit: Option<Fit>,
    /// The error, if it failed.
    pub error: Option<String>,
    /// Term-by-term comparison.
    pub comparisons: Vec<Comparison>,
    /// Whether our number of observations equals the published one.
    pub nobs_ok: bool,
}

impl SpecOutcome {
    /// Whether everything matches.
    pub fn ok(&self) -> bool {
        self.error.is_none() && self.nobs_ok && self.comparisons.iter().all(|c| c.ok)
    }
}

/// The specifications, in the book's order.
pub fn chapter1_specs() -> Result<Vec<Spec>> {
    let mut reader = csv::Reader::from_reader(PUBLISHED.as_bytes());
    let mut specs: Vec<Spec> = Vec::new();
    for row in reader.deserialize::<PublishedRow>() {
        let row = row.map_err(|e| ReplicateError::Reference(e.to_string()))?;
        if let Some(s) = specs.iter_mut().find(|s| s.id == row.spec) {
            s.rows.push(row);
            continue;
        }
        let estimator = match row.estimator.as_str() {
            "poisson" => Estimator::Poisson,
            "ols" => Estimator::Ols,
            other => {
                return Err(ReplicateError::Reference(format!(
                    "unknown estimator {other}"
                )))
            }
        };
        let ssc = match row.ssc.as_str() {
            "cluster-only" => Ssc::ClusterOnly,
            "stata-regress" => Ssc::Stata,
            "fixest" => Ssc::Fixest,
            other => return Err(ReplicateError::Reference(format!("unknown ssc {other}"))),
        };
        specs.push(Spec {
            id: row.spec.clone(),
            application: row.application.clone(),
            estimator,
            formula: row.formula.clone(),
            sample: row.sample.clone(),
            cluster: row.cluster.clone(),
            ssc,
            nobs: row.nobs,
            rows: vec![row],
        });
    }
    Ok(specs)
}

/// Re-estimates every specification; `progress` sees each fit.
pub fn run_chapter1(progress: &dyn Progress) -> Result<Vec<SpecOutcome>> {
    let panel = chapter1_panel()?;
    let mut out = Vec::new();
    for spec in chapter1_specs()? {
        out.push(run_spec(&panel, spec, progress));
    }
    Ok(out)
}

fn run_spec(panel: &hallyu_data::Table, spec: Spec, progress: &dyn Progress) -> SpecOutcome {
    let fit = (|| -> std::result::Result<Fit, String> {
        let table = if spec.sample.trim().is_empty() {
            panel.clone()
        } else {
            panel.select_rows(&filter::select(panel, &spec.sample).map_err(|e| e.to_string())?)
        };
        let formula = Formula::parse(&spec.formula).map_err(|e| e.to_string())?;
        let mut req = FitRequest::new(formula, spec.estimator);
        req.vcov = Some(VcovSpec::Cluster(vec![vec![spec.cluster.clone()]]));
        req.ssc = spec.ssc;
        estimate(&table, &req, progress).map_err(|e| e.to_string())
    })();
    match fit {
        Err(e) => SpecOutcome {
            spec,
            fit: None,
            error: Some(e),
            comparisons: vec![],
            nobs_ok: false,
        },
        Ok(fit) => {
            let comparisons = spec.rows.iter().map(|r| compare(&fit, r)).collect();
            let nobs_ok = fit.nobs == spec.nobs;
            SpecOutcome {
                spec,
                fit: Some(fit),
                error: None,
                comparisons,
                nobs_ok,
            }
        }
    }
}

/// Half a unit of the last printed digit, at least 1e-4.
fn tolerance(printed: &str) -> f64 {
    let decimals = printed.split('.').nth(1).map_or(0, str::len) as i32;
    (0.5 * 10f64.powi(-decimals)).max(1e-4) + 1e-12
}

fn compare(fit: &Fit, row: &PublishedRow) -> Comparison {
    let (estimate, std_error) = ours(fit, &row.term).unwrap_or((f64::NAN, f64::NAN));
    let pe: f64 = row.estimate.parse().unwrap_or(f64::NAN);
    let ps: f64 = row.std_error.parse().unwrap_or(f64::NAN);
    let (te, ts) = (tolerance(&row.estimate), tolerance(&row.std_error));
    let ok = (estimate - pe).abs() <= te && (std_error - ps).abs() <= ts;
    Comparison {
        term: row.term.clone(),
        published_estimate: pe,
        estimate,
        published_std_error: ps,
        std_error,
        tolerance_estimate: te,
        tolerance_std_error: ts,
        ok,
    }
}

fn index(fit: &Fit, term: &str) -> Option<usize> {
    fit.coefficients.iter().position(|c| c.term == term)
}

/// Our estimate and SE of a term, a sum of terms (`lincom:a+b`) or the percentage change
/// between two coefficients (`nlcom:pct_change(a,b)` = 100 (b - a) / a, delta method).
fn ours(fit: &Fit, term: &str) -> Option<(f64, f64)> {
    let v = &fit.vcov_matrix;
    if let Some(sum) = term.strip_prefix("lincom:") {
        let idx: Option<Vec<usize>> = sum.split('+').map(|t| index(fit, t.trim())).collect();
        let idx = idx?;
        let est = idx.iter().map(|&i| fit.coefficients[i].estimate).sum();
        let var: f64 = idx
            .iter()
            .flat_map(|&i| idx.iter().map(move |&j| (i, j)))
            .map(|(i, j)| v[i][j])
            .sum();
        return Some((est, var.sqrt()));
    }
    if let Some(args) = term
        .strip_prefix("nlcom:pct_change(")
        .and_then(|s| s.strip_suffix(')'))
    {
        let mut parts = args.split(',');
        let a = index(fit, parts.next()?.trim())?;
        let b = index(fit, parts.next()?.trim())?;
        let (ba, bb) = (fit.coefficients[a].estimate, fit.coefficients[b].estimate);
        let est = 100.0 * (bb - ba) / ba;
        let (ga, gb) = (-100.0 * bb / (ba * ba), 100.0 / ba);
        let var = ga * ga * v[a][a] + gb * gb * v[b][b] + 2.0 * ga * gb * v[a][b];
        return Some((est, var.sqrt()));
    }
    index(fit, term).map(|i| (fit.coefficients[i].estimate, fit.coefficients[i].std_error))
}
