//! Uncertainty analysis: the build repeated under the user's uncertain choices (noise on
//! the weights, alternative imputations, normalisations and aggregations, one indicator
//! left out), each run drawn from its own seeded stream and run in parallel; per unit the
//! nominal rank, the median rank and its 5–95% interval.

use crate::build::{build, prepare, ranks, Pipeline, Weights};
use crate::dataset::DataSet;
use crate::framework::Framework;
use crate::steps::aggregate::aggregate;
use crate::steps::aggregate::Aggregate;
use crate::steps::impute::Impute;
use crate::steps::normalise::Normalise;
use crate::units::Units;
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
}

/// Most runs one analysis may make (memory: one rank per unit and run).
pub const MAX_RUNS: usize = 1_000_000;

/// Runs the analysis.
pub fn sensitivity(
    fw: &Framework,
    units: &Units,
    base: &Pipeline,
    u: &Uncertainty,
    runs: usize,
    seed: u64,
) -> Result<Sensitivity> {
    if runs == 0 || runs > MAX_RUNS {
        return Err(IndexError::Method(format!(
            "runs must be between 1 and {MAX_RUNS}, not {runs}"
        )));
    }
    if let Some(f) = u.weight_noise {
        if !(0.0..1.0).contains(&f) {
            return Err(IndexError::Method(format!(
                "the weight noise is a fraction in [0, 1), not {f}"
            )));
        }
    }
    let nominal_build = build(fw, units, base)?;
    let index_code = fw.index().code.clone();
    let nominal_units = nominal_build.aggregated().units.clone();
    let nominal = ranks(
        nominal_build
            .aggregated()
            .column(&index_code)
            .unwrap_or(&[]),
    );
    let choices: Vec<RunChoice> = (0..runs).map(|r| draw(fw, base, u, seed, r)).collect();
    // The steps up to normalisation depend only on the imputation and the normalisation
    // (and, with screening, on the indicator left out: availability counts indicators), so
    // each distinct combination is built once; a run then aggregates with its weights.
    let mut representatives: HashMap<Key, &RunChoice> = HashMap::new();
    for c in &choices {
        representatives.entry(key(base, c)).or_insert(c);
    }
    let prepared: HashMap<Key, std::result::Result<DataSet, String>> = representatives
        .into_par_iter()
        .map(|(k, c)| (k, prepare_for(fw, units, base, c)))
        .collect();
    let outcomes: Vec<std::result::Result<Vec<Option<usize>>, String>> = choices
        .par_iter()
        .map(|c| match &prepared[&key(base, c)] {
            Ok(normalised) => aggregate_run(fw, base, c, normalised, &index_code, &nominal_units),
            Err(e) => Err(e.clone()),
        })
        .collect();
    let mut failed = Vec::new();
    let mut per_unit: Vec<Vec<f64>> = vec![Vec::new(); nominal_units.len()];
    for (r, o) in outcomes.into_iter().enumerate() {
        match o {
            Ok(rk) => {
                for (slot, x) in per_unit.iter_mut().zip(rk) {
                    if let Some(x) = x {
                        slot.push(x as f64);
                    }
                }
            }
            Err(e) => failed.push((r, e)),
        }
    }
    let mut intervals: Vec<RankInterval> = nominal_units
        .iter()
        .enumerate()
        .map(|(i, unit)| {
            let mut v = per_unit[i].clone();
            v.sort_by(f64::total_cmp);
            let shift = nominal[i].and_then(|n| {
                (!v.is_empty())
                    .then(|| v.iter().map(|x| (x - n as f64).abs()).sum::<f64>() / v.len() as f64)
            });
            RankInterval {
                unit: unit.clone(),
                nominal: nominal[i],
                median: quantile(&v, 0.5),
                low: quantile(&v, 0.05),
                high: quantile(&v, 0.95),
                mean_shift: shift,
            }
        })
        .collect();
    intervals.sort_by_key(|r| (r.nominal.is_none(), r.nominal, r.unit.clone()));
    Ok(Sensitivity {
        runs,
        seed,
        failed,
        units: intervals,
        choices,
    })
}

/// R's default quantile (type 7): linear between order statistics; `None` without values.
pub fn quantile(sorted: &[f64], p: f64) -> Option<f64> {
    if sorted.is_empty() {
        return None;
    }
    let h = (sorted.len() - 1) as f64 * p;
    let lo = h.floor() as usize;
    let hi = h.ceil() as usize;
    Some(sorted[lo] + (h - lo as f64) * (sorted[hi] - sorted[lo]))
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
    let weights: HashMap<&str, f64> = f
        .indicators
        .iter()
        .chain(&f.aggregates)
        .map(|n| {
            (
                n.code.as_str(),
                n.weight * factors.get(n.code.as_str()).copied().unwrap_or(1.0),
            )
        })
        .collect();
    let weight_of = |code: &str| weights.get(code).copied().unwrap_or(f64::NAN);
    let agg = aggregate(&data, &f, c.aggregate, &weight_of).map_err(|e| e.to_string())?;
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

    /// The cached path (steps up to normalisation built once per combination) gives the
    /// ranks a build from scratch gives, run by run, with and without screening.
    #[test]
    fn cached_runs_equal_runs_built_from_scratch() {
        let (fw, units) = asem();
        let u = Uncertainty {
            weight_noise: Some(0.3),
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
        }
    }
}
