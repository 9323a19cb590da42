//! A build: the steps in COINr's order, every data set kept, scores and ranks at the end.

use crate::dataset::DataSet;
use crate::framework::Framework;
use crate::native::Step;
use crate::steps::aggregate::{aggregate, Aggregate};
use crate::steps::denominate::denominate;
use crate::steps::em::em_impute;
use crate::steps::impute::{impute, Impute};
use crate::steps::normalise::{normalise, Normalise};
use crate::steps::screen::screen;
use crate::steps::treat::{treat, Treat, Treatment};
use crate::units::Units;
use crate::{IndexError, Result};
use serde::Serialize;

/// The methods of a build; a step left out passes its data set on unchanged.
#[derive(Debug, Clone, PartialEq, serde::Serialize, serde::Deserialize, schemars::JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Pipeline {
    /// Divide indicators by the denominators the framework names.
    pub denominate: bool,
    /// Fill missing values.
    pub impute: Impute,
    /// Remove units whose share of available indicator values is below this.
    pub screen: Option<f64>,
    /// Outlier treatment.
    pub treat: Treat,
    /// Normalisation.
    pub normalise: Normalise,
    /// Aggregation.
    pub aggregate: Aggregate,
    /// Weights: the framework's, or equal within each parent.
    pub weights: Weights,
    /// The order of the steps before aggregation: each of denominate, impute, screen,
    /// treat and normalise once (COINr's order by default).
    #[serde(default = "default_order")]
    pub order: Vec<Step>,
    /// COINr's `dat_thresh`: a unit whose share of a group's children present is below
    /// this gets no value for the group (by default any child present gives one).
    #[serde(default)]
    pub data_threshold: Option<f64>,
}

fn default_order() -> Vec<Step> {
    Step::DATA.to_vec()
}

/// Where weights come from.
#[derive(
    Debug, Clone, Copy, PartialEq, serde::Serialize, serde::Deserialize, schemars::JsonSchema,
)]
#[serde(rename_all = "kebab-case")]
pub enum Weights {
    /// As the framework gives them.
    Meta,
    /// Equal among the children of each parent.
    Equal,
    /// The nodes of one level weighted by their loadings on the first principal component
    /// of their group (COINr's `get_PCA` weights: the loadings as they are, so a child
    /// negatively correlated with the rest gets a negative weight; a component's sign is
    /// arbitrary, and it is taken so that the loadings sum to a positive number); the
    /// others as the framework gives them.
    Pca {
        /// The level whose nodes get PCA weights (1: indicators).
        level: u32,
    },
}

impl std::str::FromStr for Weights {
    type Err = IndexError;

    /// `meta`, `equal`, `pca` (indicators) or `pca:LEVEL`.
    fn from_str(s: &str) -> Result<Weights> {
        let bad = || {
            IndexError::Method(format!(
                "weights `{s}` are not known: use meta, equal, pca or pca:LEVEL"
            ))
        };
        match s.trim() {
            "meta" => Ok(Weights::Meta),
            "equal" => Ok(Weights::Equal),
            "pca" => Ok(Weights::Pca { level: 1 }),
            other => match other.strip_prefix("pca:") {
                Some(l) => match l.trim().parse::<u32>() {
                    Ok(level) if level >= 1 => Ok(Weights::Pca { level }),
                    _ => Err(bad()),
                },
                None => Err(bad()),
            },
        }
    }
}

impl Default for Pipeline {
    /// COINr's defaults step by step: denominate by the framework's denominators, no
    /// imputation, no screening, the default treatment, min-max to 0-100, the weighted
    /// arithmetic mean with the framework's weights.
    fn default() -> Pipeline {
        Pipeline {
            denominate: true,
            impute: Impute::None,
            screen: None,
            treat: Treat::DEFAULT,
            normalise: Normalise::Minmax { lo: 0.0, hi: 100.0 },
            aggregate: Aggregate::Amean,
            weights: Weights::Meta,
            order: default_order(),
            data_threshold: None,
        }
    }
}

impl Pipeline {
    /// Checks that the order names each step before aggregation once.
    pub fn check_order(&self) -> Result<()> {
        for step in Step::DATA {
            let n = self.order.iter().filter(|s| **s == step).count();
            if n != 1 {
                return Err(IndexError::Method(format!(
                    "the order of the steps has `{}` {n} times: each of {} comes once",
                    step.key(),
                    Step::DATA.map(Step::key).join(", ")
                )));
            }
        }
        if let Some(s) = self.order.iter().find(|s| !Step::DATA.contains(s)) {
            return Err(IndexError::Method(format!(
                "`{}` is not ordered with the data steps: weights and aggregation come last",
                s.key()
            )));
        }
        Ok(())
    }
}

/// Everything a build produced.
#[derive(Debug, Clone, PartialEq, Serialize, serde::Deserialize, schemars::JsonSchema)]
pub struct Build {
    /// Data sets in order: Raw, Denominated, Imputed, Screened, Treated, Normalised,
    /// Aggregated.
    pub datasets: Vec<DataSet>,
    /// What each step did, in words.
    pub log: Vec<String>,
    /// Units removed by screening, with their data availability.
    pub removed_units: Vec<(String, f64)>,
    /// The indicators treated, and how.
    pub treated: Vec<Treatment>,
    /// Effective weight of every indicator and aggregate.
    pub effective_weights: Vec<(String, f64)>,
}

impl Build {
    /// A data set by name.
    pub fn dataset(&self, name: &str) -> Option<&DataSet> {
        self.datasets
            .iter()
            .find(|d| d.name.eq_ignore_ascii_case(name))
    }

    /// The final data set (indicators normalised, then every aggregate).
    pub fn aggregated(&self) -> &DataSet {
        // build() always ends with the Aggregated data set.
        &self.datasets[self.datasets.len() - 1]
    }
}

/// Builds the index of `fw` on `units` with `pipeline`.
pub fn build(fw: &Framework, units: &Units, pipeline: &Pipeline) -> Result<Build> {
    let Prepared {
        mut datasets,
        mut log,
        removed_units,
        treated,
    } = prepare(fw, units, pipeline)?;
    if let Some(t) = pipeline.data_threshold {
        if !(0.0..=1.0).contains(&t) {
            return Err(IndexError::Method(format!(
                "the data availability threshold is a share between 0 and 1, not {t}"
            )));
        }
    }
    let normalised = &datasets[datasets.len() - 1];
    let weighted = weighted_framework(fw, pipeline, normalised, &mut log)?;
    let weight_of = |code: &str| -> f64 { node_weight(&weighted, code) };
    let aggregated = aggregate(
        normalised,
        &weighted,
        pipeline.aggregate,
        &weight_of,
        pipeline.data_threshold,
    )?;
    log.push(format!(
        "aggregated ({:?}) over {} levels{}",
        pipeline.aggregate,
        fw.aggregate_levels().len(),
        pipeline
            .data_threshold
            .map(|t| format!("; a group with less than {t} of its children present has no value"))
            .unwrap_or_default()
    ));
    datasets.push(aggregated);
    if pipeline.weights == Weights::Meta {
        let rescaled = fw.rescaled_groups();
        if !rescaled.is_empty() {
            let shown: Vec<String> = rescaled
                .iter()
                .take(5)
                .map(|(code, total)| format!("{code} {total}"))
                .collect();
            log.push(format!(
                "weights re-scaled to sum to 1 within {} of {} groups (sums: {}{})",
                rescaled.len(),
                fw.aggregates.len(),
                shown.join(", "),
                if rescaled.len() > 5 { ", ..." } else { "" }
            ));
        }
    }
    Ok(Build {
        datasets,
        log,
        removed_units,
        treated,
        effective_weights: weighted.effective_weights(),
    })
}

fn node_weight(fw: &Framework, code: &str) -> f64 {
    fw.indicators
        .iter()
        .chain(&fw.aggregates)
        .find(|n| n.code == code)
        .map_or(f64::NAN, |n| n.weight)
}

/// The framework with the weights the pipeline uses: the framework's, equal ones, or PCA
/// loadings for one level computed on the normalised data (that level's aggregates first
/// built with the framework's weights).
pub(crate) fn weighted_framework(
    fw: &Framework,
    pipeline: &Pipeline,
    normalised: &DataSet,
    log: &mut Vec<String>,
) -> Result<Framework> {
    let mut weighted = fw.clone();
    match pipeline.weights {
        Weights::Meta => {}
        Weights::Equal => {
            for n in weighted
                .indicators
                .iter_mut()
                .chain(weighted.aggregates.iter_mut())
            {
                n.weight = 1.0;
            }
        }
        Weights::Pca { level } => {
            let top = fw.index().level;
            if level >= top {
                return Err(IndexError::Method(format!(
                    "PCA weights are for a level below the index (1 to {}), not {level}",
                    top - 1
                )));
            }
            let source = if level == 1 {
                normalised.clone()
            } else {
                let w = |code: &str| node_weight(fw, code);
                aggregate(
                    normalised,
                    fw,
                    pipeline.aggregate,
                    &w,
                    pipeline.data_threshold,
                )?
            };
            let mut said = Vec::new();
            for parent in &fw.aggregates {
                let children: Vec<&crate::Node> = fw
                    .children(&parent.code)
                    .filter(|c| c.level == level)
                    .collect();
                if children.is_empty() {
                    continue;
                }
                if children.len() == 1 {
                    said.push(format!("{}: {} alone", parent.code, children[0].code));
                    continue;
                }
                let columns: Vec<&[f64]> = children
                    .iter()
                    .map(|c| {
                        source.column(&c.code).ok_or_else(|| {
                            IndexError::Framework(format!("`{}` has no values", c.code))
                        })
                    })
                    .collect::<Result<_>>()?;
                let (loadings, share) = crate::analysis::first_component(&columns).ok_or_else(|| {
                    IndexError::Undefined(format!(
                        "PCA weights of `{}`: fewer than two units have every child, or a child does not vary",
                        parent.code
                    ))
                })?;
                // COINr uses the loadings as they are; one below zero makes its child count
                // against the group, which the log says.
                let against: Vec<&str> = children
                    .iter()
                    .zip(&loadings)
                    .filter(|(_, l)| **l < 0.0)
                    .map(|(c, _)| c.code.as_str())
                    .collect();
                for (c, l) in children.iter().zip(&loadings) {
                    if let Some(n) = weighted
                        .indicators
                        .iter_mut()
                        .chain(weighted.aggregates.iter_mut())
                        .find(|n| n.code == c.code)
                    {
                        n.weight = *l;
                    }
                }
                said.push(format!(
                    "{} ({:.0}% of variance): {}{}",
                    parent.code,
                    share * 100.0,
                    children
                        .iter()
                        .zip(&loadings)
                        .map(|(c, l)| format!("{} {l:.3}", c.code))
                        .collect::<Vec<_>>()
                        .join(", "),
                    if against.is_empty() {
                        String::new()
                    } else {
                        format!(
                            " — negative: {} counts against its group",
                            against.join(", ")
                        )
                    }
                ));
            }
            log.push(format!(
                "PCA weights at level {level} (first-component loadings): {}",
                said.join("; ")
            ));
        }
    }
    Ok(weighted)
}

/// The steps before aggregation.
pub(crate) struct Prepared {
    /// Raw, Denominated, Imputed, Screened, Treated, Normalised.
    pub(crate) datasets: Vec<DataSet>,
    pub(crate) log: Vec<String>,
    pub(crate) removed_units: Vec<(String, f64)>,
    pub(crate) treated: Vec<Treatment>,
}

/// Every step up to normalisation, in the pipeline's order.
pub(crate) fn prepare(fw: &Framework, units: &Units, pipeline: &Pipeline) -> Result<Prepared> {
    pipeline.check_order()?;
    let mut log = Vec::new();
    let raw = units.raw(fw)?;
    log.push(format!(
        "raw: {} units, {} indicators, {} missing values",
        raw.units.len(),
        raw.columns.len(),
        raw.missing()
    ));
    let mut datasets = vec![raw];
    let mut removed_units = Vec::new();
    let mut treated = Vec::new();
    for step in &pipeline.order {
        let last = &datasets[datasets.len() - 1];
        let next = match step {
            Step::Denominate => denominate_step(last, fw, units, pipeline, &mut log)?,
            Step::Impute => {
                let (imputed, l) = match pipeline.impute {
                    Impute::Em => em_impute(last, fw)?,
                    _ => impute(last, &pipeline.impute, units)?,
                };
                log.push(format!(
                    "imputed ({:?}): {}",
                    pipeline.impute,
                    if l.is_empty() {
                        "nothing to fill".to_string()
                    } else {
                        l.join("; ")
                    }
                ));
                imputed
            }
            Step::Screen => {
                let (s, r) = screen_step(last, pipeline.screen, &mut log)?;
                removed_units = r;
                s
            }
            Step::Treat => {
                let (t, treatments) = treat(last, pipeline.treat);
                log.push(treat_log(&treatments));
                treated = treatments;
                t
            }
            Step::Normalise => normalise(last, fw, pipeline.normalise)?,
            Step::Weights | Step::Aggregate => unreachable_step(*step)?,
        };
        let mut next = next;
        next.name = step.dataset().to_string();
        datasets.push(next);
    }
    Ok(Prepared {
        datasets,
        log,
        removed_units,
        treated,
    })
}

/// `check_order` refuses these; an error rather than a panic keeps that promise local.
fn unreachable_step(step: Step) -> Result<DataSet> {
    Err(IndexError::Method(format!(
        "`{}` is not a step before aggregation",
        step.key()
    )))
}

fn denominate_step(
    data: &DataSet,
    fw: &Framework,
    units: &Units,
    pipeline: &Pipeline,
    log: &mut Vec<String>,
) -> Result<DataSet> {
    if !pipeline.denominate {
        return Ok(data.clone());
    }
    let (d, l) = denominate(data, fw, units)?;
    log.push(format!(
        "denominated: {} ({} missing values after)",
        if l.is_empty() {
            "no indicator has a denominator".to_string()
        } else {
            l.join(", ")
        },
        d.missing()
    ));
    Ok(d)
}

fn screen_step(
    data: &DataSet,
    threshold: Option<f64>,
    log: &mut Vec<String>,
) -> Result<(DataSet, Vec<(String, f64)>)> {
    let Some(t) = threshold else {
        return Ok((data.clone(), Vec::new()));
    };
    if !(0.0..=1.0).contains(&t) {
        return Err(IndexError::Method(format!(
            "the screening threshold is a share between 0 and 1, not {t}"
        )));
    }
    let (s, r) = screen(data, t);
    log.push(format!(
        "screened at {t}: {} units removed{}",
        r.len(),
        if r.is_empty() {
            String::new()
        } else {
            format!(
                " ({})",
                r.iter()
                    .map(|(u, a)| format!("{u} {a:.2}"))
                    .collect::<Vec<_>>()
                    .join(", ")
            )
        }
    ));
    if s.units.is_empty() {
        return Err(IndexError::Undefined(
            "screening removed every unit: lower the threshold or impute first".into(),
        ));
    }
    Ok((s, r))
}

fn treat_log(treatments: &[Treatment]) -> String {
    format!(
        "treated: {}",
        if treatments.is_empty() {
            "no indicator needed it".to_string()
        } else {
            treatments
                .iter()
                .map(|t| match t.action.as_str() {
                    "log" => format!("{} log-transformed", t.indicator),
                    _ => format!("{} winsorised ({})", t.indicator, t.units.join(", ")),
                })
                .collect::<Vec<_>>()
                .join("; ")
        }
    )
}

/// Ranks of a column, highest first; ties share the lowest rank; missing values have none.
pub fn ranks(values: &[f64]) -> Vec<Option<usize>> {
    values
        .iter()
        .map(|v| (!v.is_nan()).then(|| 1 + values.iter().filter(|o| !o.is_nan() && *o > v).count()))
        .collect()
}
