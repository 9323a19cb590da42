//! A build: the steps in COINr's order, every data set kept, scores and ranks at the end.

use crate::dataset::DataSet;
use crate::framework::Framework;
use crate::native::Step;
use crate::steps::aggregate::{aggregate, Aggregate};
use crate::steps::denominate::denominate;
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
}

impl std::str::FromStr for Weights {
    type Err = IndexError;

    /// `meta` or `equal`.
    fn from_str(s: &str) -> Result<Weights> {
        match s.trim() {
            "meta" => Ok(Weights::Meta),
            "equal" => Ok(Weights::Equal),
            _ => Err(IndexError::Method(format!(
                "weights `{s}` are not known: use meta or equal"
            ))),
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
    let weight_of = |code: &str| -> f64 {
        match pipeline.weights {
            Weights::Equal => 1.0,
            Weights::Meta => fw
                .indicators
                .iter()
                .chain(&fw.aggregates)
                .find(|n| n.code == code)
                .map_or(f64::NAN, |n| n.weight),
        }
    };
    let normalised = &datasets[datasets.len() - 1];
    let aggregated = aggregate(normalised, fw, pipeline.aggregate, &weight_of)?;
    log.push(format!(
        "aggregated ({:?}) over {} levels",
        pipeline.aggregate,
        fw.aggregate_levels().len()
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
    let mut weighted = fw.clone();
    if pipeline.weights == Weights::Equal {
        for n in weighted
            .indicators
            .iter_mut()
            .chain(weighted.aggregates.iter_mut())
        {
            n.weight = 1.0;
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
                let (imputed, l) = impute(last, &pipeline.impute, units)?;
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
