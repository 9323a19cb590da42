//! Uncertainty analysis: the build repeated under the user's uncertain choices (noise on
//! the weights, alternative imputations, normalisations and aggregations, one indicator
//! left out), each run drawn from its own seeded stream and run in parallel; per unit the
//! nominal rank, the median rank and its 5–95% interval.

use crate::build::{build, prepare, ranks, weighted_framework, Pipeline, Weights};
use crate::dataset::DataSet;
use crate::framework::Framework;
use crate::steps::aggregate::aggregate;
use crate::steps::aggregate::Aggregate;
use crate::steps::impute::Impute;
use crate::steps::normalise::Normalise;
use crate::units::Units;
use crate::variance::{estimate, pick, saltelli_sample, SensitivityIndex};
use crate::{IndexError, Result};
use rand::{Rng, SeedableRng};
use rayon::prelude::*;
use std::collections::HashMap;

/// What is uncertain. Empty alternatives keep the pipeline's own method.
#[derive(
    Debug, Clone, Default, PartialEq, serde::Serialize, serde::Deserialize, schemars::JsonSchema,
)]
#[serde(deny_unknown_fields)]
pub struct Uncertainty {
    /// Each weight drawn uniformly between `w·(1 − f)` and `w·(1 + f)` (0 ≤ f < 1).
    #[serde(default)]
    pub weight_noise: Option<f64>,
    /// The levels whose weights get the noise (COINr's `get_noisy_weights` noise levels);
    /// empty: every node under the index.
    #[serde(default)]
    pub noise_levels: Vec<u32>,
    /// Imputations drawn from, equally likely.
    #[serde(default)]
    pub impute: Vec<Impute>,
    /// Normalisations drawn from, equally likely.
    #[serde(default)]
    pub normalise: Vec<Normalise>,
    /// Aggregations drawn from, equally likely.
    #[serde(default)]
    pub aggregate: Vec<Aggregate>,
    /// Leave out one indicator (or none), each equally likely.
    #[serde(default)]
    pub drop_indicator: bool,
}

/// One run's choices.
#[derive(Debug, Clone, PartialEq, serde::Serialize, serde::Deserialize, schemars::JsonSchema)]
pub struct RunChoice {
    /// The run, from 0.
    pub run: usize,
    /// The imputation used.
    pub impute: Impute,
    /// The normalisation used.
    pub normalise: Normalise,
    /// The aggregation used.
    pub aggregate: Aggregate,
    /// The indicator left out, if any.
    pub dropped: Option<String>,
    /// The multiplier of each node's weight (empty without weight noise).
    pub weight_factors: Vec<(String, f64)>,
    /// Weights given outright (a replayed run), which replace the framework's.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub weight_values: Vec<(String, f64)>,
}

/// A unit's rank under uncertainty.
#[derive(Debug, Clone, PartialEq, serde::Serialize, serde::Deserialize, schemars::JsonSchema)]
pub struct RankInterval {
    /// Unit code.
    pub unit: String,
    /// Rank in the build as specified.
    pub nominal: Option<usize>,
    /// Median rank over the runs.
    pub median: Option<f64>,
    /// 5th percentile of the ranks.
    pub low: Option<f64>,
    /// 95th percentile of the ranks.
    pub high: Option<f64>,
    /// Mean absolute difference between a run's rank and the nominal one.
    pub mean_shift: Option<f64>,
}

/// The analysis.
#[derive(Debug, Clone, PartialEq, serde::Serialize, serde::Deserialize, schemars::JsonSchema)]
pub struct Sensitivity {
    /// Runs made.
    pub runs: usize,
    /// The seed.
    pub seed: u64,
    /// Runs that could not be built (a geometric mean over a zero...), with why: left out
    /// of the intervals.
    pub failed: Vec<(usize, String)>,
    /// Units by nominal rank.
    pub units: Vec<RankInterval>,
    /// Every run's choices, in order.
    pub choices: Vec<RunChoice>,
    /// How the runs were chosen: `random`, `saltelli` (a design for sensitivity indices)
    /// or `replay` (from a file).
    #[serde(default = "random")]
    pub design: String,
    /// Variance-based sensitivity indices of the mean absolute rank change, per input.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub indices: Vec<SensitivityIndex>,
    /// The variance of the mean absolute rank change over the runs of A and B.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub output_variance: Option<f64>,
    /// Why indices were asked for but could not be estimated.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub indices_undefined: Option<String>,
    /// The units of `run_ranks`, in its order (with the runs kept).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub run_units: Vec<String>,
    /// Each run's index rank of every unit (with the runs kept), run by run, for
    /// comparison with another implementation's runs.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub run_ranks: Vec<Vec<Option<usize>>>,
}

fn random() -> String {
    "random".into()
}

/// How the runs' choices are made.
#[derive(
    Debug,
    Clone,
    Copy,
    Default,
    PartialEq,
    serde::Serialize,
    serde::Deserialize,
    schemars::JsonSchema,
)]
#[serde(rename_all = "kebab-case")]
pub enum Design {
    /// Each run draws every uncertain choice independently.
    #[default]
    Random,
    /// Saltelli's design of `N(d + 2)` runs over the `d` uncertain inputs, for first-order
    /// and total sensitivity indices (COINr's `SA_type = "SA"`).
    Saltelli,
}

/// An analysis: what is uncertain, how runs are made and what is kept.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Spec {
    /// The uncertain choices.
    pub uncertainty: Uncertainty,
    /// Runs (random design) or the base sample size N (Saltelli's: `N(d + 2)` runs).
    pub runs: usize,
    /// Seed of every draw.
    pub seed: u64,
    /// Random runs or Saltelli's design.
    pub design: Design,
    /// Bootstrap resamples for the indices' intervals (0: none).
    pub bootstrap: usize,
    /// Runs given outright (a replay), instead of drawn.
    pub replay: Option<Replay>,
    /// Keep every run's choices and ranks in the result.
    pub keep_runs: bool,
}

/// Runs given outright, as another implementation made them.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Replay {
    /// The runs' choices, in order.
    pub choices: Vec<RunChoice>,
    /// With a Saltelli design in that order: the inputs, in the design's column order.
    pub inputs: Vec<String>,
}

/// Pre-drawn weight sets a Saltelli input picks among (COINr's examples use 100 noisy
/// weight sets as one discrete input).
pub const WEIGHT_SETS: usize = 100;

/// Most runs one analysis may make (memory: one rank per unit and run).
pub const MAX_RUNS: usize = 1_000_000;

/// Runs the analysis with random draws (the uncertainty analysis).
pub fn sensitivity(
    fw: &Framework,
    units: &Units,
    base: &Pipeline,
    u: &Uncertainty,
    runs: usize,
    seed: u64,
) -> Result<Sensitivity> {
    analyse_uncertainty(
        fw,
        units,
        base,
        &Spec {
            uncertainty: u.clone(),
            runs,
            seed,
            keep_runs: true,
            ..Spec::default()
        },
    )
}

/// Runs the analysis as `spec` says: random runs, Saltelli's design with sensitivity
/// indices, or runs replayed from another implementation.
pub fn analyse_uncertainty(
    fw: &Framework,
    units: &Units,
    base: &Pipeline,
    spec: &Spec,
) -> Result<Sensitivity> {
    let u = &spec.uncertainty;
    if let Some(f) = u.weight_noise {
        if !(0.0..1.0).contains(&f) {
            return Err(IndexError::Method(format!(
                "the weight noise is a fraction in [0, 1), not {f}"
            )));
        }
    }
    let (choices, inputs, design) = match (&spec.replay, spec.design) {
        (Some(r), _) => {
            if r.choices.is_empty() {
                return Err(IndexError::Method("the replayed runs are empty".into()));
            }
            (r.choices.clone(), r.inputs.clone(), "replay")
        }
        (None, Design::Random) => {
            check_runs(spec.runs)?;
            let choices = (0..spec.runs)
                .map(|r| draw(fw, base, u, spec.seed, r))
                .collect();
            (choices, Vec::new(), "random")
        }
        (None, Design::Saltelli) => {
            let inputs = saltelli_inputs(fw, u);
            if inputs.len() < 2 {
                return Err(IndexError::Method(format!(
                    "sensitivity indices need at least two uncertain inputs (weight noise, alternative imputations, normalisations or aggregations, indicators left out); {} given{}",
                    inputs.len(),
                    if inputs.is_empty() { String::new() } else { format!(" ({})", inputs.join(", ")) }
                )));
            }
            let total = spec.runs.saturating_mul(inputs.len() + 2);
            if spec.runs < 2 || total > MAX_RUNS {
                return Err(IndexError::Method(format!(
                    "the base sample N must be at least 2 and N·(d + 2) = N·{} runs at most {MAX_RUNS}, not N = {}",
                    inputs.len() + 2,
                    spec.runs
                )));
            }
            let choices = saltelli_choices(fw, base, u, &inputs, spec.runs, spec.seed);
            (choices, inputs, "saltelli")
        }
    };
    let evaluated = evaluate(fw, units, base, &choices)?;
    let n_runs = choices.len();
    // With a Saltelli design, rank statistics use the runs of A and B only (COINr's rule):
    // the other runs are not independent draws.
    let n_base = if inputs.is_empty() {
        n_runs
    } else {
        let n = n_runs / (inputs.len() + 2);
        if n * (inputs.len() + 2) != n_runs {
            return Err(IndexError::Method(format!(
                "{n_runs} replayed runs are not N·(d + 2) for the d = {} inputs {}",
                inputs.len(),
                inputs.join(", ")
            )));
        }
        2 * n
    };
    let mut failed = Vec::new();
    let mut per_unit: Vec<Vec<f64>> = vec![Vec::new(); evaluated.units.len()];
    let mut outputs: Vec<f64> = Vec::with_capacity(n_runs);
    let mut run_ranks = Vec::new();
    for (r, o) in evaluated.outcomes.iter().enumerate() {
        match o {
            Ok(rk) => {
                if r < n_base {
                    for (slot, x) in per_unit.iter_mut().zip(rk) {
                        if let Some(x) = x {
                            slot.push(*x as f64);
                        }
                    }
                }
                outputs.push(mean_rank_change(rk, &evaluated.nominal));
            }
            Err(e) => {
                failed.push((r, e.clone()));
                outputs.push(f64::NAN);
            }
        }
        if spec.keep_runs {
            run_ranks.push(
                o.as_ref()
                    .map_or_else(|_| vec![None; evaluated.units.len()], Clone::clone),
            );
        }
    }
    let mut intervals: Vec<RankInterval> = evaluated
        .units
        .iter()
        .enumerate()
        .map(|(i, unit)| {
            let mut v = per_unit[i].clone();
            v.sort_by(f64::total_cmp);
            let shift = evaluated.nominal[i].and_then(|n| {
                (!v.is_empty())
                    .then(|| v.iter().map(|x| (x - n as f64).abs()).sum::<f64>() / v.len() as f64)
            });
            RankInterval {
                unit: unit.clone(),
                nominal: evaluated.nominal[i],
                median: quantile(&v, 0.5),
                low: quantile(&v, 0.05),
                high: quantile(&v, 0.95),
                mean_shift: shift,
            }
        })
        .collect();
    intervals.sort_by_key(|r| (r.nominal.is_none(), r.nominal, r.unit.clone()));
    let (mut indices, mut output_variance, mut indices_undefined) = (Vec::new(), None, None);
    if !inputs.is_empty() {
        if !failed.is_empty() {
            indices_undefined = Some(format!(
                "{} of {n_runs} runs could not be built; the estimators need every run",
                failed.len()
            ));
        } else {
            match estimate(&outputs, &inputs, spec.bootstrap, spec.seed ^ 0xB007) {
                Some((v, idx)) => {
                    output_variance = Some(v);
                    indices = idx;
                }
                None => {
                    indices_undefined = Some(
                        "the mean absolute rank change does not vary over the runs: no variance to attribute".into(),
                    )
                }
            }
        }
    }
    Ok(Sensitivity {
        runs: n_runs,
        seed: spec.seed,
        failed,
        units: intervals,
        choices: if spec.keep_runs { choices } else { Vec::new() },
        design: design.into(),
        indices,
        output_variance,
        indices_undefined,
        run_units: if spec.keep_runs {
            evaluated.units
        } else {
            Vec::new()
        },
        run_ranks,
    })
}

fn check_runs(runs: usize) -> Result<()> {
    if runs == 0 || runs > MAX_RUNS {
        return Err(IndexError::Method(format!(
            "runs must be between 1 and {MAX_RUNS}, not {runs}"
        )));
    }
    Ok(())
}

/// COINr's output for sensitivity indices: the mean absolute difference between a run's
/// ranks and the nominal ones, over the units ranked in both.
fn mean_rank_change(ranks: &[Option<usize>], nominal: &[Option<usize>]) -> f64 {
    let (mut sum, mut n) = (0.0, 0usize);
    for (r, m) in ranks.iter().zip(nominal) {
        if let (Some(r), Some(m)) = (r, m) {
            sum += (*r as f64 - *m as f64).abs();
            n += 1;
        }
    }
    if n == 0 {
        f64::NAN
    } else {
        sum / n as f64
    }
}

/// The nominal build's units and index ranks, and every run's ranks of those units.
struct Evaluated {
    units: Vec<String>,
    nominal: Vec<Option<usize>>,
    outcomes: Vec<std::result::Result<Vec<Option<usize>>, String>>,
}

fn evaluate(
    fw: &Framework,
    units: &Units,
    base: &Pipeline,
    choices: &[RunChoice],
) -> Result<Evaluated> {
    let nominal_build = build(fw, units, base)?;
    // The runs vary the nominal build's weights (PCA weights are computed once, on its data).
    let normalised = nominal_build
        .dataset("Normalised")
        .ok_or_else(|| IndexError::Undefined("the build has no normalised data set".into()))?;
    let weighted = weighted_framework(fw, base, normalised, &mut Vec::new())?;
    let fw = &weighted;
    let base = &Pipeline {
        weights: Weights::Meta,
        ..base.clone()
    };
    let index_code = fw.index().code.clone();
    let nominal_units = nominal_build.aggregated().units.clone();
    let nominal = ranks(
        nominal_build
            .aggregated()
            .column(&index_code)
            .unwrap_or(&[]),
    );
    // The steps up to normalisation depend only on the imputation and the normalisation
    // (and, with screening, on the indicator left out: availability counts indicators), so
    // each distinct combination is built once; a run then aggregates with its weights.
    let mut representatives: HashMap<Key, &RunChoice> = HashMap::new();
    for c in choices {
        representatives.entry(key(base, c)).or_insert(c);
    }
    let prepared: HashMap<Key, std::result::Result<DataSet, String>> = representatives
        .into_par_iter()
        .map(|(k, c)| (k, prepare_for(fw, units, base, c)))
        .collect();
    let outcomes = choices
        .par_iter()
        .map(|c| match &prepared[&key(base, c)] {
            Ok(normalised) => aggregate_run(fw, base, c, normalised, &index_code, &nominal_units),
            Err(e) => Err(e.clone()),
        })
        .collect();
    Ok(Evaluated {
        units: nominal_units,
        nominal,
        outcomes,
    })
}

/// The uncertain inputs of a Saltelli design, in order: those with a choice to make.
fn saltelli_inputs(fw: &Framework, u: &Uncertainty) -> Vec<String> {
    let mut out = Vec::new();
    if u.weight_noise.is_some_and(|f| f > 0.0) {
        out.push("weights".to_string());
    }
    if u.impute.len() > 1 {
        out.push("impute".into());
    }
    if u.normalise.len() > 1 {
        out.push("normalise".into());
    }
    if u.aggregate.len() > 1 {
        out.push("aggregate".into());
    }
    if u.drop_indicator && !fw.indicators.is_empty() {
        out.push("drop".into());
    }
    out
}

/// The runs of Saltelli's design: each row's uniform draws mapped to the inputs' choices
/// (alternatives over equal intervals; weights among [`WEIGHT_SETS`] noisy sets).
fn saltelli_choices(
    fw: &Framework,
    base: &Pipeline,
    u: &Uncertainty,
    inputs: &[String],
    n: usize,
    seed: u64,
) -> Vec<RunChoice> {
    let weights_only = Uncertainty {
        weight_noise: u.weight_noise,
        noise_levels: u.noise_levels.clone(),
        ..Uncertainty::default()
    };
    let weight_sets: Vec<Vec<(String, f64)>> = (0..WEIGHT_SETS)
        .map(|k| draw(fw, base, &weights_only, seed ^ 0x5EED, k).weight_factors)
        .collect();
    saltelli_sample(n, inputs.len(), seed)
        .into_iter()
        .enumerate()
        .map(|(run, x)| {
            let mut c = RunChoice {
                run,
                impute: base.impute.clone(),
                normalise: base.normalise,
                aggregate: base.aggregate,
                dropped: None,
                weight_factors: Vec::new(),
                weight_values: Vec::new(),
            };
            for (input, &xi) in inputs.iter().zip(&x) {
                match input.as_str() {
                    "weights" => c.weight_factors = weight_sets[pick(xi, WEIGHT_SETS)].clone(),
                    "impute" => c.impute = u.impute[pick(xi, u.impute.len())].clone(),
                    "normalise" => c.normalise = u.normalise[pick(xi, u.normalise.len())],
                    "aggregate" => c.aggregate = u.aggregate[pick(xi, u.aggregate.len())],
                    _ => {
                        let k = pick(xi, fw.indicators.len() + 1);
                        c.dropped = (k > 0).then(|| fw.indicators[k - 1].code.clone());
                    }
                }
            }
            c
        })
        .collect()
}

/// R's default quantile (type 7): linear between order statistics; `None` without values.
pub fn quantile(sorted: &[f64], p: f64) -> Option<f64> {
    if sorted.is_empty() {
        return None;
    }
    // R's own arithmetic (1-based `index = 1 + (n − 1)·p`, `(1 − h)·x[lo] + h·x[hi]`), so
    // that percentiles equal R's to the last bit, not only to rounding.
    let index = 1.0 + (sorted.len() - 1) as f64 * p;
    let lo = index.floor();
    let hi = index.ceil();
    let (xl, xh) = (sorted[lo as usize - 1], sorted[hi as usize - 1]);
    if index > lo && xh != xl {
        let h = index - lo;
        Some((1.0 - h) * xl + h * xh)
    } else {
        Some(xl)
    }
}

/// The choices of run `r`: drawn from a stream seeded by `(seed, r)`, so a run's choices do
/// not depend on how runs are spread over threads.
fn draw(fw: &Framework, base: &Pipeline, u: &Uncertainty, seed: u64, r: usize) -> RunChoice {
    let mut rng =
        rand::rngs::StdRng::seed_from_u64(seed ^ (r as u64).wrapping_mul(0x9E37_79B9_7F4A_7C15));
    let pick = |rng: &mut rand::rngs::StdRng, n: usize| rng.random_range(0..n);
    let impute = match u.impute.len() {
        0 => base.impute.clone(),
        n => u.impute[pick(&mut rng, n)].clone(),
    };
    let normalise = match u.normalise.len() {
        0 => base.normalise,
        n => u.normalise[pick(&mut rng, n)],
    };
    let aggregate = match u.aggregate.len() {
        0 => base.aggregate,
        n => u.aggregate[pick(&mut rng, n)],
    };
    let dropped = if u.drop_indicator {
        let k = pick(&mut rng, fw.indicators.len() + 1);
        (k > 0).then(|| fw.indicators[k - 1].code.clone())
    } else {
        None
    };
    let weight_factors = match u.weight_noise {
        Some(f) if f > 0.0 => fw
            .indicators
            .iter()
            .chain(&fw.aggregates)
            .filter(|n| n.parent.is_some())
            .filter(|n| u.noise_levels.is_empty() || u.noise_levels.contains(&n.level))
            .map(|n| (n.code.clone(), 1.0 + f * (2.0 * rng.random::<f64>() - 1.0)))
            .collect(),
        _ => Vec::new(),
    };
    RunChoice {
        run: r,
        impute,
        normalise,
        aggregate,
        dropped,
        weight_factors,
        weight_values: Vec::new(),
    }
}

/// What the steps up to normalisation depend on: the imputation, the normalisation and,
/// with screening, the indicator left out.
type Key = (String, String, Option<String>);

fn key(base: &Pipeline, c: &RunChoice) -> Key {
    (
        format!("{:?}", c.impute),
        format!("{:?}", c.normalise),
        base.screen.and(c.dropped.clone()),
    )
}

/// The framework without indicator `d`, unless it is alone under its parent (dropping it
/// would empty the parent: it is kept).
fn without(fw: &Framework, d: &str) -> Framework {
    let mut f = fw.clone();
    let parent = f
        .indicators
        .iter()
        .find(|n| n.code == d)
        .and_then(|n| n.parent.clone());
    let siblings = parent.as_ref().map_or(0, |p| {
        f.indicators
            .iter()
            .filter(|n| n.parent.as_ref() == Some(p))
            .count()
    });
    if siblings > 1 {
        f.indicators.retain(|n| n.code != d);
    }
    f
}

/// The normalised data set of a combination, from a run that has it.
fn prepare_for(
    fw: &Framework,
    units: &Units,
    base: &Pipeline,
    c: &RunChoice,
) -> std::result::Result<DataSet, String> {
    let f = match (&c.dropped, base.screen) {
        (Some(d), Some(_)) => without(fw, d),
        _ => fw.clone(),
    };
    let pipeline = Pipeline {
        impute: c.impute.clone(),
        normalise: c.normalise,
        ..base.clone()
    };
    prepare(&f, units, &pipeline)
        .map_err(|e| e.to_string())
        .and_then(|mut p| {
            p.datasets
                .pop()
                .ok_or_else(|| "the build produced no normalised data set".to_string())
        })
}

/// One run from its combination's normalised data set: the indicator left out (without
/// screening), the weights drawn, aggregated; the index ranks of the nominal units.
fn aggregate_run(
    fw: &Framework,
    base: &Pipeline,
    c: &RunChoice,
    normalised: &DataSet,
    index_code: &str,
    nominal_units: &[String],
) -> std::result::Result<Vec<Option<usize>>, String> {
    let mut f = match &c.dropped {
        Some(d) => without(fw, d),
        None => fw.clone(),
    };
    let mut data = normalised.clone();
    if let Some(i) = data
        .columns
        .iter()
        .position(|col| !f.indicators.iter().any(|n| n.code == *col))
    {
        data.columns.remove(i);
        data.values.remove(i);
    }
    if base.weights == Weights::Equal {
        for n in f.indicators.iter_mut().chain(f.aggregates.iter_mut()) {
            n.weight = 1.0;
        }
    }
    let factors: HashMap<&str, f64> = c
        .weight_factors
        .iter()
        .map(|(k, v)| (k.as_str(), *v))
        .collect();
    let given: HashMap<&str, f64> = c
        .weight_values
        .iter()
        .map(|(k, v)| (k.as_str(), *v))
        .collect();
    let weights: HashMap<&str, f64> = f
        .indicators
        .iter()
        .chain(&f.aggregates)
        .map(|n| {
            let code = n.code.as_str();
            let w = match given.get(code) {
                Some(w) => *w,
                None => n.weight * factors.get(code).copied().unwrap_or(1.0),
            };
            (code, w)
        })
        .collect();
    let weight_of = |code: &str| weights.get(code).copied().unwrap_or(f64::NAN);
    let agg = aggregate(&data, &f, c.aggregate, &weight_of, base.data_threshold)
        .map_err(|e| e.to_string())?;
    Ok(index_ranks(&agg, index_code, nominal_units))
}

/// The index ranks of the nominal units in an aggregated data set (a unit screened out of
/// it has none).
fn index_ranks(agg: &DataSet, index_code: &str, nominal_units: &[String]) -> Vec<Option<usize>> {
    let r = ranks(agg.column(index_code).unwrap_or(&[]));
    nominal_units
        .iter()
        .map(|u| agg.units.iter().position(|x| x == u).and_then(|i| r[i]))
        .collect()
}

/// One run built from scratch: the framework with its weights and indicators as chosen;
/// the index ranks of the nominal units (a unit screened out has none). The reference the
/// cached path is tested against.
#[cfg(test)]
fn run_one(
    fw: &Framework,
    units: &Units,
    base: &Pipeline,
    c: &RunChoice,
    index_code: &str,
    nominal_units: &[String],
) -> std::result::Result<Vec<Option<usize>>, String> {
    let mut f = fw.clone();
    if base.weights == Weights::Equal {
        for n in f.indicators.iter_mut().chain(f.aggregates.iter_mut()) {
            n.weight = 1.0;
        }
    }
    for (code, factor) in &c.weight_factors {
        if let Some(n) = f
            .indicators
            .iter_mut()
            .chain(f.aggregates.iter_mut())
            .find(|n| n.code == *code)
        {
            n.weight *= factor;
        }
    }
    for (code, w) in &c.weight_values {
        if let Some(n) = f
            .indicators
            .iter_mut()
            .chain(f.aggregates.iter_mut())
            .find(|n| n.code == *code)
        {
            n.weight = *w;
        }
    }
    if let Some(d) = &c.dropped {
        f = without(&f, d);
    }
    let pipeline = Pipeline {
        impute: c.impute.clone(),
        normalise: c.normalise,
        aggregate: c.aggregate,
        weights: Weights::Meta,
        ..base.clone()
    };
    let b = build(&f, units, &pipeline).map_err(|e| e.to_string())?;
    Ok(index_ranks(b.aggregated(), index_code, nominal_units))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::steps::normalise::Normalise;
    use std::path::PathBuf;

    fn asem() -> (Framework, Units) {
        let dir = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("tests/data/coinr_asem");
        (
            Framework::from_imeta(&dir.join("ASEM_iMeta.csv")).expect("framework"),
            Units::read(&dir.join("ASEM_iData.csv")).expect("units"),
        )
    }

    /// Noise on chosen levels only touches those levels' weights.
    #[test]
    fn noise_levels_restrict_which_weights_move() {
        let (fw, _) = asem();
        let u = Uncertainty {
            weight_noise: Some(0.25),
            noise_levels: vec![2, 3],
            ..Uncertainty::default()
        };
        let c = draw(&fw, &Pipeline::default(), &u, 5, 0);
        let level = |code: &str| {
            fw.indicators
                .iter()
                .chain(&fw.aggregates)
                .find(|n| n.code == code)
                .map(|n| n.level)
        };
        assert!(!c.weight_factors.is_empty());
        assert!(c
            .weight_factors
            .iter()
            .all(|(code, _)| matches!(level(code), Some(2 | 3))));
        // Every aggregate of levels 2 and 3 is drawn.
        let n = fw
            .aggregates
            .iter()
            .filter(|a| a.level == 2 || a.level == 3)
            .count();
        assert_eq!(c.weight_factors.len(), n);
    }

    /// The cached path (steps up to normalisation built once per combination) gives the
    /// ranks a build from scratch gives, run by run, with and without screening.
    #[test]
    fn cached_runs_equal_runs_built_from_scratch() {
        let (fw, units) = asem();
        let u = Uncertainty {
            weight_noise: Some(0.3),
            noise_levels: vec![],
            impute: vec![Impute::GroupMean("EurAsia_group".into()), Impute::Median],
            normalise: vec![Normalise::Minmax { lo: 1.0, hi: 100.0 }, Normalise::Rank],
            aggregate: vec![Aggregate::Amean, Aggregate::Gmean],
            drop_indicator: true,
        };
        for screen in [None, Some(0.9)] {
            let base = Pipeline {
                screen,
                ..Pipeline::default()
            };
            let nominal = build(&fw, &units, &base).expect("build");
            let code = fw.index().code.clone();
            let names = nominal.aggregated().units.clone();
            let s = sensitivity(&fw, &units, &base, &u, 60, 11).expect("analysis");
            let mut representatives: HashMap<Key, &RunChoice> = HashMap::new();
            for c in &s.choices {
                representatives.entry(key(&base, c)).or_insert(c);
                let normalised = prepare_for(&fw, &units, &base, c).expect("prepared");
                let fast = aggregate_run(&fw, &base, c, &normalised, &code, &names);
                let slow = run_one(&fw, &units, &base, c, &code, &names);
                assert_eq!(fast, slow, "run {} ({c:?})", c.run);
            }
            assert!(representatives.len() < s.choices.len());
            // Weights given outright (a replay) replace the framework's on both paths.
            let mut c = s.choices[0].clone();
            c.weight_values = vec![("Physical".into(), 3.0), ("LPI".into(), 0.0)];
            let normalised = prepare_for(&fw, &units, &base, &c).expect("prepared");
            let fast = aggregate_run(&fw, &base, &c, &normalised, &code, &names);
            assert_eq!(fast, run_one(&fw, &units, &base, &c, &code, &names));
            c.weight_values.clear();
            assert_ne!(
                fast,
                aggregate_run(&fw, &base, &c, &normalised, &code, &names)
            );
        }
    }
}
