//! The Advanced Guide's iterative GEPPML procedure (Yotov et al. 2016, Chapter 2), ported
//! step by step so that published full-endowment numbers can be reproduced.
//!
//! Each round re-solves the resistance system on flows updated by the previous round's
//! price and resistance changes, and stops when the round-to-round change of the price
//! ratios has a standard deviation and a (signed) maximum below the tolerance (0.01 in the
//! Guide). Its fixed point is not the exact equilibrium (see [`crate::solve_exact`]); it is
//! offered for comparability with published work.

use crate::equilibrium::{Baseline, State};
use crate::error::{Result, SimulateError};
use crate::mr::{self, MrOptions, MrSolution};

/// Settings of the loop.
#[derive(Debug, Clone, Copy)]
pub struct GeppmlOptions {
    /// Stop when the standard deviation and the signed maximum of the price-ratio change
    /// are both at most this (the Guide: 0.01).
    pub tolerance: f64,
    /// Give up (with an error) after this many rounds.
    pub max_iterations: usize,
}

impl Default for GeppmlOptions {
    fn default() -> Self {
        GeppmlOptions {
            tolerance: 0.01,
            max_iterations: 1_000,
        }
    }
}

/// Summary of one round, as the Guide's Stata code prints it (`summarize` of the change in
/// price ratios over all country pairs).
#[derive(Debug, Clone, PartialEq, serde::Serialize, serde::Deserialize, schemars::JsonSchema)]
pub struct RoundStats {
    /// The Guide's "iteration number".
    pub iteration: usize,
    /// Mean change.
    pub mean: f64,
    /// Standard deviation (n - 1 denominator, over all n^2 pair rows).
    pub sd: f64,
    /// Minimum change.
    pub min: f64,
    /// Maximum change.
    pub max: f64,
}

/// Result of the loop: the full-endowment state and the per-round log.
#[derive(Debug, Clone)]
pub struct GeppmlResult {
    /// Full-endowment state; `price` is the Guide's `change_pricei_FULL`.
    pub state: State,
    /// One entry per round.
    pub rounds: Vec<RoundStats>,
}

/// Runs the loop from the baseline and the conditional solution for `costs`.
pub fn solve_geppml(
    baseline: &Baseline,
    conditional: &MrSolution,
    costs: &[f64],
    options: GeppmlOptions,
) -> Result<GeppmlResult> {
    let n = baseline.n();
    let r = baseline.reference;
    let e = 1.0 / (1.0 - baseline.sigma);
    let y0 = &baseline.state.output;
    let e0 = &baseline.state.expenditure;
    let phi: Vec<f64> = e0.iter().zip(y0).map(|(e, y)| e / y).collect();
    let a0 = &baseline.solution.a;
    let er0 = e0[r];

    let mut a_prev = conditional.a.clone();
    let mut b_cur = conditional.b.clone();
    let mut er_prev = er0;
    let mut flows = conditional.flows(costs);
    let mut p_prevprev = vec![0.0; n];
    let mut p_prev: Vec<f64> = a_prev
        .iter()
        .zip(a0)
        .map(|(a1, a0)| (a1 / a0).powf(e))
        .collect();
    let mut omr_prev: Vec<f64> = (0..n).map(|i| y0[i] * er0 / a_prev[i]).collect();
    let mut imr_prev: Vec<f64> = (0..n).map(|j| e0[j] / (b_cur[j] * er0)).collect();
    let mut d_omr = vec![1.0; n];
    let mut d_imr = vec![1.0; n];
    let mut e_cur = e0.clone();
    let mut rounds = Vec::new();

    for k in 2.. {
        if rounds.len() >= options.max_iterations {
            let last: &RoundStats = &rounds[rounds.len() - 1];
            return Err(SimulateError::NotConverged {
                what: "GEPPML loop".into(),
                iterations: rounds.len(),
                residual: last.sd.max(last.max.abs()),
                tolerance: options.tolerance,
            });
        }
        let mut rows = vec![0.0; n];
        let mut cols = vec![0.0; n];
        for i in 0..n {
            for j in 0..n {
                let v = flows[i * n + j] * p_prev[i] * p_prev[j] / (d_omr[i] * d_imr[j]);
                rows[i] += v;
                cols[j] += v;
            }
        }
        let sol = mr::solve_named(
            &baseline.countries,
            costs,
            &rows,
            &cols,
            r,
            MrOptions::default(),
        )?;
        flows = sol.flows(costs);
        let y_k: Vec<f64> = (0..n)
            .map(|i| flows[i * n..(i + 1) * n].iter().sum())
            .collect();
        e_cur = phi.iter().zip(&y_k).map(|(f, y)| f * y).collect();
        let er_k = e_cur[r];
        let p_k: Vec<f64> = (0..n)
            .map(|i| ((sol.a[i] / a_prev[i]) / (er_k / er_prev)).powf(e))
            .collect();
        let omr_k: Vec<f64> = (0..n).map(|i| y_k[i] * er_k / sol.a[i]).collect();
        let imr_k: Vec<f64> = (0..n).map(|j| e_cur[j] / (sol.b[j] * er_k)).collect();
        d_omr = omr_k.iter().zip(&omr_prev).map(|(a, b)| a / b).collect();
        d_imr = imr_k.iter().zip(&imr_prev).map(|(a, b)| a / b).collect();
        let d: Vec<f64> = p_prev.iter().zip(&p_prevprev).map(|(a, b)| a - b).collect();
        let stats = pair_stats(k - 1, &d);
        let stop = stats.sd <= options.tolerance && stats.max.abs() <= options.tolerance;
        rounds.push(stats);
        p_prevprev = std::mem::replace(&mut p_prev, p_k);
        a_prev = sol.a;
        b_cur = sol.b;
        er_prev = er_k;
        omr_prev = omr_k;
        imr_prev = imr_k;
        if stop {
            break;
        }
    }

    // Final quantities, exactly as the Guide computes them from the last round.
    let p_full: Vec<f64> = (0..n)
        .map(|i| ((a_prev[i] / a0[i]) / (er_prev / er0)).powf(e))
        .collect();
    let y_full: Vec<f64> = p_full.iter().zip(y0).map(|(p, y)| p * y).collect();
    let e_full: Vec<f64> = phi.iter().zip(&y_full).map(|(f, y)| f * y).collect();
    let omr: Vec<f64> = (0..n).map(|i| y_full[i] * er_prev / a_prev[i]).collect();
    let imr: Vec<f64> = (0..n).map(|j| e_cur[j] / (b_cur[j] * er_prev)).collect();
    let mut x = vec![0.0; n * n];
    for i in 0..n {
        for j in 0..n {
            x[i * n + j] = y_full[i] * e_full[j] * costs[i * n + j] / (imr[j] * omr[i]);
        }
    }
    Ok(GeppmlResult {
        state: State {
            output: y_full,
            expenditure: e_cur,
            omr,
            imr,
            flows: x,
            price: p_full,
        },
        rounds,
    })
}

/// Statistics of `d` repeated `n` times (one row per pair, the exporter's value).
fn pair_stats(iteration: usize, d: &[f64]) -> RoundStats {
    let n = d.len() as f64;
    let mean = d.iter().sum::<f64>() / n;
    let ss: f64 = d.iter().map(|v| (v - mean) * (v - mean)).sum::<f64>() * n;
    let rows = n * n;
    RoundStats {
        iteration,
        mean,
        sd: (ss / (rows - 1.0)).sqrt(),
        min: d.iter().cloned().fold(f64::INFINITY, f64::min),
        max: d.iter().cloned().fold(f64::NEG_INFINITY, f64::max),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn pair_rows_standard_deviation() {
        // Values 1 and 3, each repeated twice: mean 2, sum of squares 4 over 3 degrees.
        let s = pair_stats(1, &[1.0, 3.0]);
        assert_eq!(s.mean, 2.0);
        assert!((s.sd - (4.0f64 / 3.0).sqrt()).abs() < 1e-15);
        assert_eq!((s.min, s.max), (1.0, 3.0));
    }
}
