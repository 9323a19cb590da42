//! Values of the fixed effects of a Poisson model once its slopes are known.
//!
//! Given the linear index of the slopes (`offset`), PPML's first-order conditions for the
//! fixed effects say that in every group of every dimension the fitted total equals the
//! observed total. Alternating scaling of the groups (iterative proportional fitting)
//! solves exactly these conditions, so it recovers the effects a full PPML fit would report,
//! up to the usual one normalisation per additional dimension. General-equilibrium work
//! needs them: pair fixed effects are trade costs.
//!
//! The multilateral-resistance solve of `hallyu-simulate` (`mr.rs`) is the same
//! alternating scaling for two dimensions (exporter, importer) with given margins, and
//! shares its scaling rule ([`scaling_factor`]). It keeps its own loop because its data
//! are a dense matrix of all pairs solved to 1e-14 thousands of times in general
//! equilibrium: it recomputes each sum from `a`, `b` and `t`, which cannot drift, where
//! this sample-based loop updates every row's mean multiplicatively through the
//! fixed-effect operator, one pass per dimension.

use crate::fe_operator::FeOperator;
use crate::fixef::FixedEffects;
use crate::{EstimateError, Result};

/// The factor that scales a group of alternating scaling (iterative proportional fitting,
/// RAS) to its target total: `target / fitted`, where `fitted` is the group's current total
/// per unit of the factor. Zero when either is zero: a group without a target, or one that
/// nothing can fill, gets no mass (and never an infinite or undefined factor).
///
/// Both alternating-scaling solvers use it: [`poisson_effects`] here, on the rows of a
/// sample, and the multilateral-resistance solve of `hallyu-simulate`, on a dense matrix of
/// all country pairs.
pub fn scaling_factor(target: f64, fitted: f64) -> f64 {
    if target > 0.0 && fitted > 0.0 {
        target / fitted
    } else {
        0.0
    }
}

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
    let op = FeOperator::new(fe, None);
    let totals: Vec<Vec<f64>> = (0..fe.len())
        .map(|q| {
            let mut t = vec![0.0; fe.levels[q]];
            op.dimension(q).apply(y, &mut t);
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
    for (q, s) in scale.iter().enumerate() {
        op.scale_rows(q, s, &mut mu);
    }
    let mut worst = f64::INFINITY;
    let mut fitted: Vec<Vec<f64>> = fe.levels.iter().map(|l| vec![0.0; *l]).collect();
    for _ in 0..max_iterations {
        worst = 0.0;
        for q in 0..fe.len() {
            let fitted = &mut fitted[q];
            op.dimension(q).apply(&mu, fitted);
            for (f, t) in fitted.iter_mut().zip(&totals[q]) {
                *f = scaling_factor(*t, *f);
                if *t > 0.0 {
                    worst = worst.max((*f - 1.0).abs());
                }
            }
            let ratio = &*fitted;
            for (s, r) in scale[q].iter_mut().zip(ratio) {
                *s *= r;
            }
            op.scale_rows(q, ratio, &mut mu);
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
    fn a_group_with_nothing_to_scale_gets_no_mass() {
        assert_eq!(scaling_factor(6.0, 2.0), 3.0);
        assert_eq!(scaling_factor(0.0, 2.0), 0.0);
        // Nothing can fill the group: zero, not an infinite factor.
        assert_eq!(scaling_factor(6.0, 0.0), 0.0);
    }

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
