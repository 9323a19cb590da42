//! Composite indices: a framework (COINr's iMeta layout) built on unit data (its iData
//! layout) step by step, with scores and ranks at every level and any intermediate data set.

use crate::{Context, Error, Result, Version};
use hallyu_index::{
    analyse, build, ranks, sensitivity, Aggregate, Analysis, Build, DataSet, Framework, Impute,
    Normalise, Pipeline, Sensitivity, Treat, Treatment, Uncertainty, Units, Weights,
};
use serde::{Deserialize, Serialize};
use std::path::PathBuf;

/// A composite-index build. Methods are written as on the command line.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, schemars::JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct IndexRequest {
    /// Request format version (1).
    #[serde(default)]
    pub version: Version,
    /// Unit data in COINr's iData layout (`uCode`, `uName`, group and denominator columns,
    /// one column per indicator): CSV, Parquet or Stata.
    pub data: PathBuf,
    /// The framework in COINr's iMeta layout (`Level`, `iCode`, `iName`, `Direction`,
    /// `Weight`, `Denominator`, `Parent`, `Type`).
    pub meta: PathBuf,
    /// `meta` (divide by the framework's denominators, default) or `none`.
    #[serde(default = "meta")]
    pub denominate: String,
    /// `none` (default), `mean`, `median`, `group-mean:COLUMN`, `group-median:COLUMN`.
    #[serde(default = "none")]
    pub impute: String,
    /// Remove units whose share of available indicator values is below this (0 to 1).
    #[serde(default)]
    pub screen: Option<f64>,
    /// `default` (COINr's: winsorise up to 5 points while |skew| ≥ 2 and kurtosis ≥ 3.5,
    /// else log), `none`, `winmax:N`.
    #[serde(default = "default_treat")]
    pub treat: String,
    /// `minmax:LO,HI` (default `minmax:0,100`), `zscore`, `zscore:MEAN,SD`, `rank`,
    /// `borda`, `prank` (percentile ranks), `none`.
    #[serde(default = "minmax")]
    pub normalise: String,
    /// `amean` (default), `gmean`, `hmean`.
    #[serde(default = "amean")]
    pub aggregate: String,
    /// `meta` (the framework's weights, default) or `equal`.
    #[serde(default = "meta")]
    pub weights: String,
    /// A data set to return in full: `Raw`, `Denominated`, `Imputed`, `Screened`,
    /// `Treated`, `Normalised` or `Aggregated`.
    #[serde(default)]
    pub dataset: Option<String>,
    /// A Monte-Carlo analysis of the index ranks under uncertain choices.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub sensitivity: Option<SensitivityRequest>,
    /// The framework's statistical coherence: correlations, Cronbach's alpha and the first
    /// principal component of each group, and flags.
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub analysis: bool,
}

/// What is uncertain, and how many runs.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, schemars::JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct SensitivityRequest {
    /// Runs (1 to 100,000).
    #[serde(default = "thousand")]
    pub runs: usize,
    /// Seed of the draws: the same seed gives the same runs.
    #[serde(default = "one")]
    pub seed: u64,
    /// Each weight drawn uniformly within ±this fraction of itself (e.g. 0.25).
    #[serde(default)]
    pub weight_noise: Option<f64>,
    /// Imputations drawn from, written as for `impute`.
    #[serde(default)]
    pub impute: Vec<String>,
    /// Normalisations drawn from, written as for `normalise`.
    #[serde(default)]
    pub normalise: Vec<String>,
    /// Aggregations drawn from, written as for `aggregate`.
    #[serde(default)]
    pub aggregate: Vec<String>,
    /// Leave one indicator out (or none) in each run.
    #[serde(default)]
    pub drop_indicator: bool,
    /// Return every run's choices.
    #[serde(default)]
    pub keep_runs: bool,
}

fn thousand() -> usize {
    1000
}
fn one() -> u64 {
    1
}

/// Most runs a request may ask for.
pub const MAX_RUNS: usize = 100_000;

fn meta() -> String {
    "meta".into()
}
fn none() -> String {
    "none".into()
}
fn default_treat() -> String {
    "default".into()
}
fn minmax() -> String {
    "minmax:0,100".into()
}
fn amean() -> String {
    "amean".into()
}

/// The data set names, in build order.
pub const DATASETS: [&str; 7] = [
    "Raw",
    "Denominated",
    "Imputed",
    "Screened",
    "Treated",
    "Normalised",
    "Aggregated",
];

/// One unit's scores and ranks.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, schemars::JsonSchema)]
pub struct UnitResult {
    /// Unit code.
    pub unit: String,
    /// Unit name.
    pub name: String,
    /// Rank on the index (1 = highest); none when the unit has no index score.
    pub rank: Option<usize>,
    /// Score of every aggregate, index first, then by level from the top (`null` when
    /// the unit has no value for it).
    pub scores: Vec<Option<f64>>,
    /// Rank on every aggregate, in the same order.
    pub ranks: Vec<Option<usize>>,
}

/// A build's results.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, schemars::JsonSchema)]
pub struct IndexResult {
    /// The index's code.
    pub index: String,
    /// The aggregates the scores are given for: the index, then level by level down.
    pub aggregates: Vec<String>,
    /// Units by index score, highest first (units without one last).
    pub units: Vec<UnitResult>,
    /// What each step did.
    pub steps: Vec<String>,
    /// Indicators treated for outliers, and how.
    pub treated: Vec<Treatment>,
    /// Units removed by screening, with their data availability.
    pub removed_units: Vec<(String, f64)>,
    /// Effective weight of every indicator and aggregate.
    pub effective_weights: Vec<(String, f64)>,
    /// The data set asked for.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub dataset: Option<DataSet>,
    /// The Monte-Carlo analysis asked for.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub sensitivity: Option<Sensitivity>,
    /// The coherence analysis asked for.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub analysis: Option<Analysis>,
}

impl IndexRequest {
    /// The pipeline the request's methods describe.
    pub fn pipeline(&self) -> Result<Pipeline> {
        let field = |name: &str, e: hallyu_index::IndexError| Error::field(name, e.to_string());
        Ok(Pipeline {
            denominate: match self.denominate.as_str() {
                "meta" => true,
                "none" => false,
                other => {
                    return Err(Error::field(
                        "denominate",
                        format!("denomination `{other}` is not known: use meta or none"),
                    ))
                }
            },
            impute: self
                .impute
                .parse::<Impute>()
                .map_err(|e| field("impute", e))?,
            screen: self.screen,
            treat: self.treat.parse::<Treat>().map_err(|e| field("treat", e))?,
            normalise: self
                .normalise
                .parse::<Normalise>()
                .map_err(|e| field("normalise", e))?,
            aggregate: self
                .aggregate
                .parse::<Aggregate>()
                .map_err(|e| field("aggregate", e))?,
            weights: self
                .weights
                .parse::<Weights>()
                .map_err(|e| field("weights", e))?,
        })
    }
}

/// Builds the index.
pub fn compute(ctx: &Context, req: &IndexRequest) -> Result<IndexResult> {
    let pipeline = req.pipeline()?;
    let wanted = match &req.dataset {
        None => None,
        Some(d) => Some(
            DATASETS
                .iter()
                .find(|n| n.eq_ignore_ascii_case(d))
                .ok_or_else(|| {
                    let hint = hallyu_data::nearest(d, DATASETS.iter().copied())
                        .map(|s| format!(" (did you mean `{s}`?)"))
                        .unwrap_or_default();
                    Error::field(
                        "dataset",
                        format!(
                            "data set `{d}` is not known{hint}; the data sets are {}",
                            DATASETS.join(", ")
                        ),
                    )
                })?,
        ),
    };
    ctx.stage("reading the framework");
    let fw = Framework::from_imeta(&req.meta)
        .map_err(|e| Error::from(e).context(format!("reading {}", req.meta.display())))?;
    ctx.stage("reading the unit data");
    let units = Units::read(&req.data)
        .map_err(|e| Error::from(e).context(format!("reading {}", req.data.display())))?;
    ctx.check_rows(units.codes.len())?;
    ctx.stage("building the index");
    let b = build(&fw, &units, &pipeline)?;
    let analysis = req.analysis.then(|| analyse(&fw, &b));
    let mut out = result(&fw, &units, b, wanted);
    out.analysis = analysis;
    if let Some(s) = &req.sensitivity {
        let u = s.uncertainty()?;
        if s.runs == 0 || s.runs > MAX_RUNS {
            return Err(Error::field(
                "sensitivity.runs",
                format!("runs must be between 1 and {MAX_RUNS}, not {}", s.runs),
            ));
        }
        ctx.stage(&format!("{} Monte-Carlo runs", s.runs));
        let mut analysis = sensitivity(&fw, &units, &pipeline, &u, s.runs, s.seed)?;
        if !s.keep_runs {
            analysis.choices.clear();
        }
        out.sensitivity = Some(analysis);
    }
    Ok(out)
}

impl SensitivityRequest {
    /// The uncertain choices, parsed.
    pub fn uncertainty(&self) -> Result<Uncertainty> {
        let field = |name: &str, e: hallyu_index::IndexError| {
            Error::field(format!("sensitivity.{name}"), e.to_string())
        };
        Ok(Uncertainty {
            weight_noise: self.weight_noise,
            impute: self
                .impute
                .iter()
                .map(|m| m.parse::<Impute>().map_err(|e| field("impute", e)))
                .collect::<Result<_>>()?,
            normalise: self
                .normalise
                .iter()
                .map(|m| m.parse::<Normalise>().map_err(|e| field("normalise", e)))
                .collect::<Result<_>>()?,
            aggregate: self
                .aggregate
                .iter()
                .map(|m| m.parse::<Aggregate>().map_err(|e| field("aggregate", e)))
                .collect::<Result<_>>()?,
            drop_indicator: self.drop_indicator,
        })
    }
}

fn result(fw: &Framework, units: &Units, b: Build, wanted: Option<&&str>) -> IndexResult {
    let agg = b.aggregated();
    // The index first, then each level from the top down.
    let mut aggregates: Vec<&hallyu_index::Node> = fw.aggregates.iter().collect();
    aggregates.sort_by_key(|n| std::cmp::Reverse(n.level));
    let codes: Vec<String> = aggregates.iter().map(|n| n.code.clone()).collect();
    let columns: Vec<&[f64]> = codes.iter().map(|c| agg.column(c).unwrap_or(&[])).collect();
    let rank_columns: Vec<Vec<Option<usize>>> = columns.iter().map(|c| ranks(c)).collect();
    let mut rows: Vec<UnitResult> = agg
        .units
        .iter()
        .enumerate()
        .map(|(u, code)| UnitResult {
            unit: code.clone(),
            name: units
                .codes
                .iter()
                .position(|c| c == code)
                .map(|i| units.names[i].clone())
                .unwrap_or_default(),
            rank: rank_columns
                .first()
                .and_then(|r| r.get(u).copied().flatten()),
            scores: columns
                .iter()
                .map(|c| c.get(u).copied().filter(|v| !v.is_nan()))
                .collect(),
            ranks: rank_columns
                .iter()
                .map(|r| r.get(u).copied().flatten())
                .collect(),
        })
        .collect();
    rows.sort_by_key(|r| (r.rank.is_none(), r.rank, r.unit.clone()));
    let dataset = wanted.and_then(|w| b.dataset(w).cloned());
    IndexResult {
        index: fw.index().code.clone(),
        aggregates: codes,
        units: rows,
        steps: b.log,
        treated: b.treated,
        removed_units: b.removed_units,
        effective_weights: b.effective_weights,
        dataset,
        sensitivity: None,
        analysis: None,
    }
}
