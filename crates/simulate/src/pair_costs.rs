//! Pair fixed effects as part of trade costs (the Advanced Guide's recommended baseline:
//! a panel with exporter-year, importer-year and pair effects).
//!
//! Given the slopes, the pair effects are the values that make every pair's fitted trade
//! over the sample equal its observed trade (PPML's conditions, solved by
//! [`hallyu_estimate::effects::poisson_effects`]). Pairs without an effect (never trading
//! in the sample) get one predicted by a second-stage PPML of `exp(pair effect)` on gravity
//! covariates with exporter and importer effects, as in the Guide's NAFTA application.
//! Whatever normalisation the effects take is absorbed by the multilateral resistances.

use crate::costs::regressors;
use crate::error::{Result, SimulateError};
use crate::world::{codes, SquareWorld};
use hallyu_data::{Column, Table};
use hallyu_estimate::design::{self, Design};
use hallyu_estimate::effects::{poisson_effects, poisson_effects_from};
use hallyu_estimate::{estimate, Estimator, Fit, FitRequest, Formula, NoProgress};
use std::collections::HashMap;
use std::sync::OnceLock;

/// Tolerance of the pair-effect recovery (relative gap of fitted and observed pair totals)
/// for the point estimate, and for coefficient draws, whose sampling spread is many orders
/// of magnitude larger than the difference.
const TOLERANCE: f64 = 1e-12;
const DRAW_TOLERANCE: f64 = 1e-9;
const MAX_SWEEPS: usize = 200_000;

/// What is needed to turn slopes into per-cell pair effects of a square world.
pub struct PairCosts {
    design: Design,
    pair_dim: usize,
    /// Group of the pair dimension for every world cell (`None`: not in the sample).
    group_of_cell: Vec<Option<u32>>,
    fill: Option<Fill>,
    countries: Vec<String>,
    /// Effects of the first solve (the point estimate): the start of every later one.
    first: OnceLock<Vec<Vec<f64>>>,
}

struct Fill {
    formula: Formula,
    /// World-year rows with the columns the fill formula reads.
    table: Table,
    cell_of_row: Vec<usize>,
    exporter: String,
    importer: String,
}

impl PairCosts {
    /// Prepares the recovery on the estimation `sample`; `pair_dim` is the formula's pair
    /// fixed effect; `fill` the covariates of the second stage.
    #[allow(clippy::too_many_arguments)]
    pub fn new(
        sample: &Table,
        formula: &Formula,
        pair_dim: usize,
        world_table: &Table,
        world: &SquareWorld,
        exporter: &str,
        importer: &str,
        fill: Option<&[String]>,
    ) -> Result<PairCosts> {
        let d = design::build(sample, formula, None, &[])?;
        if d.dropped_missing > 0 {
            return Err(SimulateError::IncompleteSample {
                rows: d.dropped_missing,
            });
        }
        let ex = codes(sample, exporter)?;
        let im = codes(sample, importer)?;
        let n = world.n();
        let mut group_of_pair: HashMap<(&str, &str), u32> = HashMap::new();
        for (r, g) in d.fe.ids[pair_dim].iter().enumerate() {
            let key = (ex[r].as_str(), im[r].as_str());
            if let Some(old) = group_of_pair.insert(key, *g) {
                if old != *g {
                    return Err(SimulateError::PairEffectVaries {
                        effect: d.fe.names[pair_dim].clone(),
                        exporter: key.0.to_string(),
                        importer: key.1.to_string(),
                    });
                }
            }
        }
        let group_of_cell = (0..n * n)
            .map(|c| {
                group_of_pair
                    .get(&(
                        world.countries[c / n].as_str(),
                        world.countries[c % n].as_str(),
                    ))
                    .copied()
            })
            .collect();
        let fill = match fill {
            Some(terms) if !terms.is_empty() => {
                let text = format!(
                    "hallyu_exp_pair_effect ~ {} | {exporter} + {importer}",
                    terms.join(" + ")
                );
                let formula = Formula::parse(&text)?;
                Some(Fill {
                    formula,
                    table: world_table.clone(),
                    cell_of_row: world.cell_of_row.clone(),
                    exporter: exporter.to_string(),
                    importer: importer.to_string(),
                })
            }
            _ => None,
        };
        Ok(PairCosts {
            design: d,
            pair_dim,
            group_of_cell,
            fill,
            countries: world.countries.clone(),
            first: OnceLock::new(),
        })
    }

    /// Pair effects (log scale) of every world cell for the given slopes.
    pub fn log_effects(&self, coefficients: &[(String, f64)]) -> Result<Vec<f64>> {
        Ok(self.log_effects_and_fill(coefficients)?.0)
    }

    /// As [`PairCosts::log_effects`], with the second-stage fit when one was needed.
    pub fn log_effects_and_fill(
        &self,
        coefficients: &[(String, f64)],
    ) -> Result<(Vec<f64>, Option<Fit>)> {
        let d = &self.design;
        let mut offset = vec![0.0; d.y.len()];
        for (name, b) in coefficients {
            if let Some(k) = d.names.iter().position(|m| m == name) {
                for (o, x) in offset.iter_mut().zip(&d.x[k]) {
                    *o += b * x;
                }
            }
        }
        let fx = poisson_effects_from(
            &d.y,
            &offset,
            &d.fe,
            self.first.get().map(Vec::as_slice),
            if self.first.get().is_some() {
                DRAW_TOLERANCE
            } else {
                TOLERANCE
            },
            MAX_SWEEPS,
        )?;
        let _ = self.first.set(fx.clone());
        let effects = &fx[self.pair_dim];
        let mut gamma: Vec<Option<f64>> = self
            .group_of_cell
            .iter()
            .map(|g| g.map(|g| effects[g as usize]).filter(|v| v.is_finite()))
            .collect();
        let missing: Vec<usize> = (0..gamma.len()).filter(|c| gamma[*c].is_none()).collect();
        if !missing.is_empty() {
            let n = self.countries.len();
            let Some(fill) = &self.fill else {
                return Err(SimulateError::MissingPairEffects {
                    count: missing.len(),
                    examples: missing
                        .iter()
                        .take(5)
                        .map(|c| format!("{} -> {}", self.countries[c / n], self.countries[c % n]))
                        .collect(),
                });
            };
            let (predicted, fit) = fill.predict(&gamma)?;
            for c in missing {
                gamma[c] = Some(predicted[c]);
            }
            return Ok((
                gamma.into_iter().map(|g| g.unwrap_or(0.0)).collect(),
                Some(fit),
            ));
        }
        Ok((gamma.into_iter().map(|g| g.unwrap_or(0.0)).collect(), None))
    }
}

impl Fill {
    /// Predicted log pair effects for every cell (used where the recovery has none).
    fn predict(&self, gamma: &[Option<f64>]) -> Result<(Vec<f64>, Fit)> {
        let rows = self.table.nrows();
        let y: Vec<f64> = (0..rows)
            .map(|r| gamma[self.cell_of_row[r]].map_or(f64::NAN, f64::exp))
            .collect();
        let mut table = self.table.clone();
        table.push("hallyu_exp_pair_effect", Column::numbers(y.clone()))?;
        // International pairs only, as the Guide: domestic trade is not explained by the
        // gravity covariates that predict international pair costs.
        let (ex_all, im_all) = (
            codes(&self.table, &self.exporter)?,
            codes(&self.table, &self.importer)?,
        );
        let have: Vec<bool> = (0..rows)
            .map(|r| y[r].is_finite() && ex_all[r] != im_all[r])
            .collect();
        let sample = table.select_rows(&have);
        let fit = estimate(
            &sample,
            &FitRequest::new(self.formula.clone(), Estimator::Poisson),
            &NoProgress,
        )?;
        let b: Vec<(String, f64)> = fit
            .coefficients
            .iter()
            .filter(|c| c.estimate.is_finite())
            .map(|c| (c.term.clone(), c.estimate))
            .collect();
        let d = design::build(&sample, &self.formula, None, &[])?;
        if d.dropped_missing > 0 {
            return Err(SimulateError::MissingFillValues {
                pairs: d.dropped_missing,
                formula: self.formula.text.clone(),
            });
        }
        let index = |names: &[String], x: &[Vec<f64>]| -> Vec<f64> {
            let mut out = vec![0.0; x.first().map_or(0, Vec::len)];
            for (name, v) in &b {
                if let Some(k) = names.iter().position(|m| m == name) {
                    for (o, xv) in out.iter_mut().zip(&x[k]) {
                        *o += v * xv;
                    }
                }
            }
            out
        };
        let offset = index(&d.names, &d.x);
        let fx = poisson_effects(&d.y, &offset, &d.fe, TOLERANCE, MAX_SWEEPS)?;
        let (ex, im) = (
            codes(&sample, &self.exporter)?,
            codes(&sample, &self.importer)?,
        );
        let mut exp_fx: HashMap<&str, f64> = HashMap::new();
        let mut imp_fx: HashMap<&str, f64> = HashMap::new();
        for r in 0..sample.nrows() {
            exp_fx.insert(&ex[r], fx[0][d.fe.ids[0][r] as usize]);
            imp_fx.insert(&im[r], fx[1][d.fe.ids[1][r] as usize]);
        }
        // The covariates of every world row (the outcome column is irrelevant here).
        let mut all = self.table.clone();
        all.push("hallyu_exp_pair_effect", Column::numbers(vec![1.0; rows]))?;
        let regs = regressors(&all, &self.formula)?;
        let names: Vec<String> = regs.iter().map(|r| r.0.clone()).collect();
        let x: Vec<Vec<f64>> = regs.into_iter().map(|r| r.1).collect();
        let idx = index(&names, &x);
        let mut out = vec![0.0; gamma.len()];
        for r in 0..rows {
            let (Some(a), Some(bj)) = (
                exp_fx.get(ex_all[r].as_str()),
                imp_fx.get(im_all[r].as_str()),
            ) else {
                if gamma[self.cell_of_row[r]].is_none() {
                    return Err(SimulateError::UnpredictablePairEffect {
                        exporter: ex_all[r].clone(),
                        importer: im_all[r].clone(),
                    });
                }
                continue;
            };
            out[self.cell_of_row[r]] = a + bj + idx[r];
        }
        Ok((out, fit))
    }
}
