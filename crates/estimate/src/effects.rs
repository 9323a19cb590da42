//! Values of the fixed effects of a Poisson model once its slopes are known.
//!
//! Given the linear index of the slopes (`offset`), PPML's first-order conditions for the
//! fixed effects say that in every group of every dimension the fitted total equals the
//! observed total. Alternating scaling of the groups (iterative proportional fitting)
//! solves exactly these conditions, so it recovers the effects a full PPML fit would report,
//! up to the usual one normalisation per additional dimension. General-equilibrium work
//! needs them: pair fixed effects are trade costs.

use crate::fixef::FixedEffects;
use crate::{EstimateError, Result};

/// Fixed-effect values `alpha[q][g]` (log scale) with `y ~ Poisson(exp(offset + sum_q
/// alpha[q][g_q]))`. Groups whose outcome is all zero get `-inf` (their fitted mean is zero).
/// Converges when every group's fitted total is within `tolerance` (relative) of its
/// observed total.
pub fn poisson_effects(
    y: &[f64],
    offset: &[f64],
    fe: &FixedEffects,
    tolerance: f64,
    max_iterations: usize,
) -> Result<Vec<Vec<f64>>> {
    poisson_effects_from(y, offset, fe, None, tolerance, max_iterations)
}

/// As [`poisson_effects`], starting from `start` (effects of a nearby problem, e.g. the same
/// model at slightly different slopes), which saves most sweeps. Starting values of `-inf`
/// or NaN start from zero.
pub fn poisson_effects_from(
    y: &[f64],
    offset: &[f64],
    fe: &FixedEffects,
    start: Option<&[Vec<f64>]>,
    tolerance: f64,
    max_iterations: usize,
) -> Result<Vec<Vec<f64>>> {
    let n = y.len();
    if offset.len() != n || fe.ids.iter().any(|ids| ids.len() != n) {
        return Err(EstimateError::LengthMismatch {
            what: "fixed-effect recovery: outcome, offset and group ids".into(),
        });
    }
    if let Some(i) = y.iter().position(|v| !v.is_finite() || *v < 0.0) {
        return Err(EstimateError::InvalidOutcomeValue {
            what: "fixed-effect recovery".into(),
            row: i + 1,
            value: y[i],
        });
    }
    let totals: Vec<Vec<f64>> = (0..fe.len())
        .map(|q| {
            let mut t = vec![0.0; fe.levels[q]];
            for (g, v) in fe.ids[q].iter().zip(y) {
                t[*g as usize] += v;
            }
            t
        })
        .collect();
    let mut scale: Vec<Vec<f64>> = match start {
        Some(s) if s.len() == fe.len() && s.iter().zip(&fe.levels).all(|(v, l)| v.len() == *l) => s
            .iter()
            .map(|v| {
                v.iter()
                    .map(|a| if a.is_finite() { a.exp() } else { 1.0 })
                    .collect()
            })
            .collect(),
        _ => fe.levels.iter().map(|l| vec![1.0; *l]).collect(),
    };
    let mut mu: Vec<f64> = offset.iter().map(|o| o.exp()).collect();
    for (q, ids) in fe.ids.iter().enumerate() {
        for (m, g) in mu.iter_mut().zip(ids) {
            *m *= scale[q][*g as usize];
        }
    }
    let mut worst = f64::INFINITY;
    for _ in 0..max_iterations {
        worst = 0.0;
        for q in 0..fe.len() {
            let mut fitted = vec![0.0; fe.levels[q]];
            for (g, m) in fe.ids[q].iter().zip(&mu) {
                fitted[*g as usize] += m;
            }
            let ratio: Vec<f64> = totals[q]
                .iter()
                .zip(&fitted)
                .map(|(t, f)| if *t > 0.0 { t / f } else { 0.0 })
                .collect();
            for (t, r) in totals[q].iter().zip(&ratio) {
                if *t > 0.0 {
                    worst = worst.max((r - 1.0).abs());
                }
            }
            for (s, r) in scale[q].iter_mut().zip(&ratio) {
                *s *= r;
            }
            for (m, g) in mu.iter_mut().zip(&fe.ids[q]) {
                *m *= ratio[*g as usize];
            }
        }
        if worst <= tolerance {
            return Ok(scale
                .into_iter()
                .map(|s| s.into_iter().map(f64::ln).collect())
                .collect());
        }
    }
    Err(EstimateError::NotConverged {
        algorithm: "fixed-effect recovery (alternating scaling)".into(),
        iterations: max_iterations,
        last_change: worst,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn recovers_two_way_effects_of_exact_data() {
        // y = exp(0.3 x + a_i + b_j) exactly: the recovered effects reproduce every mean.
        let (a, b) = ([0.5, -0.2, 1.0], [0.0, 0.7]);
        let mut y = Vec::new();
        let mut off = Vec::new();
        let (mut gi, mut gj) = (Vec::new(), Vec::new());
        for i in 0..3u32 {
            for j in 0..2u32 {
                let x = f64::from(i * 2 + j);
                off.push(0.3 * x);
                y.push((0.3 * x + a[i as usize] + b[j as usize]).exp());
                gi.push(i);
                gj.push(j);
            }
        }
        let fe = FixedEffects {
            names: vec!["i".into(), "j".into()],
            ids: vec![gi.clone(), gj.clone()],
            levels: vec![3, 2],
        };
        let e = poisson_effects(&y, &off, &fe, 1e-14, 10_000).unwrap();
        // Too few sweeps: non-convergence, a numerical failure, not an option error.
        let short = poisson_effects(&y, &off, &fe, 1e-14, 1).unwrap_err();
        assert!(
            matches!(short, EstimateError::NotConverged { iterations: 1, .. }),
            "{short}"
        );
        assert_eq!(short.category(), hallyu_data::ErrorCategory::Numerical);
        assert!(
            short.to_string().contains("iteration limit (max_iter)"),
            "{short}"
        );
        for k in 0..y.len() {
            let m = (off[k] + e[0][gi[k] as usize] + e[1][gj[k] as usize]).exp();
            assert!((m / y[k] - 1.0).abs() < 1e-12);
        }
    }
}
