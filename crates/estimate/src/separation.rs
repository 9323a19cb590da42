//! Separation in Poisson models: observations whose conditional mean is zero at the
//! optimum, so that the maximum likelihood estimates do not exist unless they are dropped.
//!
//! Fixed-effect separation (groups whose outcome is all zero) is found by
//! [`crate::fixef::flag_zero_groups`]. The general case, driven by regressors or by
//! combinations of fixed effects, is found here with the iterative rectifier ("ReLU") of
//! Correia, Guimarães and Zylkin (2021), *Verifying the existence of maximum likelihood
//! estimates for generalized linear models*, section 4.2: find `z = Xγ + FE` with `z = 0` where
//! `y > 0` and `z ≥ 0` where `y = 0`; observations with `z > 0` are separated. Each step is a
//! weighted least-squares fit of the rectified `u` on the regressors and fixed effects,
//! with a very large weight on the `y > 0` observations to pin their fit at zero.

use crate::demean::{DemeanAlgorithm, DemeanOptions, Demeaner};
use crate::fixef::FixedEffects;
use crate::rows;
use crate::wls;
use rayon::prelude::*;

/// Tolerance below which a fitted value counts as zero (ppmlhdfe's default).
pub const RELU_TOL: f64 = 1e-4;

/// Residuals smaller than this count as zero in the stopping rule (ppmlhdfe's
/// `relu_zero_tol`); the heavy weights leave noise of about their inverse.
pub const RELU_ZERO_TOL: f64 = 1e-8;

/// Result of the rectifier.
pub struct ReluOutcome {
    /// `true` for separated observations.
    pub separated: Vec<bool>,
    /// Whether the rectifier converged (if not, nothing is flagged).
    pub converged: bool,
}

/// Runs the iterative rectifier.
pub fn relu(y: &[f64], x: &[Vec<f64>], fe: &FixedEffects, max_iter: usize) -> ReluOutcome {
    let n = y.len();
    let interior = y.par_iter().filter(|v| **v > 0.0).count();
    if interior == n {
        return ReluOutcome {
            separated: vec![false; n],
            converged: true,
        };
    }
    let heavy = interior as f64 / (RELU_TOL * RELU_TOL);
    let w = rows::collect(n, |i| if y[i] > 0.0 { heavy } else { 1.0 });
    // Weights some 1e9 apart stall alternating projections; conjugate gradient copes.
    let opts = DemeanOptions {
        tol: 1e-10,
        algorithm: DemeanAlgorithm::ConjugateGradient,
        ..DemeanOptions::default()
    };
    let fail = |n: usize| ReluOutcome {
        separated: vec![false; n],
        converged: false,
    };
    let raw: Vec<&[f64]> = x.iter().map(Vec::as_slice).collect();
    // Which regressors are collinear is a property of the design, judged with unit
    // weights: under the heavy weights a regressor that varies only where y = 0 looks
    // collinear to any relative tolerance, and that is exactly the regressor that separates.
    // (In a block of its own: the unit weights and columns are freed before the loop,
    // whose vectors are the peak memory of a large fit.)
    let kept = {
        let ones = rows::collect(n, |_| 1.0);
        let unit = Demeaner::new(fe, &ones);
        let mut unit_states = vec![Vec::new(); x.len()];
        let (xt_unit, infos) = unit.demean_many(&raw, &mut unit_states, opts);
        if infos.iter().any(|i| !i.converged()) {
            return fail(n);
        }
        let xt_unit_ref: Vec<&[f64]> = xt_unit.iter().map(Vec::as_slice).collect();
        wls::select_columns(&raw, &xt_unit_ref, &ones)
    };
    let kept_raw: Vec<&[f64]> = kept.iter().map(|&j| raw[j]).collect();
    let mut states = vec![Vec::new(); kept.len()];
    let mut xt: Vec<Vec<f64>> = Vec::new();
    // The weights the regressors were last demeaned with: `None` not yet, `Some(None)`
    // the base weights (not copied), `Some(Some(w))` accelerated ones.
    let mut xt_under: Option<Option<Vec<f64>>> = None;
    let mut u = rows::collect(n, |i| f64::from(u8::from(y[i] == 0.0)));
    let mut state = Vec::new();
    let mut ut = vec![0.0; n];
    let mut uhat = vec![0.0; n];
    let mut stuck = Stuck::new(u.iter().sum());
    for _ in 0..max_iter {
        // The weights change only while accelerating; the regressors are demeaned again
        // when they do.
        let w_now = stuck.weights(&w);
        let dm = Demeaner::new(fe, &w_now);
        let same = match &xt_under {
            None => false,
            Some(None) => *w == *w_now,
            Some(Some(prev)) => *prev == *w_now,
        };
        if !same {
            xt.clear();
            let (d, infos) = dm.demean_many(&kept_raw, &mut states, opts);
            if infos.iter().any(|i| !i.converged()) {
                return fail(n);
            }
            xt = d;
            xt_under = Some(match &w_now {
                std::borrow::Cow::Borrowed(_) => None,
                std::borrow::Cow::Owned(v) => Some(v.clone()),
            });
        }
        let xk: Vec<&[f64]> = xt.iter().map(Vec::as_slice).collect();
        if !dm.demean(&u, &mut state, opts, &mut ut).converged() {
            return fail(n);
        }
        let beta = if xk.is_empty() {
            None
        } else {
            wls::solve_qr(&xk, &w_now, &ut)
        };
        let resid = rows::collect(n, |i| {
            let mut r = ut[i];
            for (c, b) in xk.iter().zip(beta.iter().flatten()) {
                r -= b * c[i];
            }
            r
        });
        let fitted = rows::collect(n, |i| u[i] - resid[i]);
        rows::fill(&mut uhat, |i| {
            let v = fitted[i];
            if y[i] > 0.0 || (v > -0.1 * RELU_TOL && v < RELU_TOL) {
                0.0
            } else {
                v
            }
        });
        // (A NaN is not non-negative.)
        let all_nonneg = uhat.par_iter().all(|v| *v >= 0.0);
        if all_nonneg {
            return ReluOutcome {
                separated: uhat.iter().map(|v| *v > 0.0).collect(),
                converged: true,
            };
        }
        // ppmlhdfe's second rule: X'e = 0 and z >= 0 give z'e = 0, so when no zero-outcome
        // residual is negative no separated observation is left to find; those with a
        // positive fit and a residual within tolerance are separated.
        let min_resid = (0..n)
            .filter(|&i| y[i] == 0.0)
            .map(|i| {
                if resid[i].abs() < RELU_ZERO_TOL {
                    0.0
                } else {
                    resid[i]
                }
            })
            .fold(f64::INFINITY, f64::min);
        if min_resid >= 0.0 {
            let separated = (0..n)
                .map(|i| y[i] == 0.0 && uhat[i] > 0.0 && resid[i] <= RELU_TOL)
                .collect();
            return ReluOutcome {
                separated,
                converged: true,
            };
        }
        stuck.update(y, &fitted, &resid);
        for i in 0..n {
            if y[i] == 0.0 {
                u[i] = uhat[i].max(0.0);
            }
        }
    }
    fail(n)
}

/// ppmlhdfe's acceleration of a stuck rectifier (`relu_fix_separation`): when the
/// residual sum of squares stops making progress and the count of candidate separated
/// observations stays put, zero-outcome observations whose fitted value is negative and
/// creeping towards zero get a weight that grows fourfold per iteration (up to 256), which
/// pushes the fit past them. Without it, the 12-row example of ppmlhdfe's separation guide
/// (nine separated observations, collinear regressors on the other three) takes about 390
/// iterations instead of a handful.
struct Stuck {
    /// Σ u'u of the first iteration: what the cumulated residual sum of squares is
    /// compared with.
    boundary_ss: f64,
    cumulated_ss: f64,
    /// Progress (percent) and candidate counts of the last two iterations.
    progress: [f64; 2],
    candidates: [usize; 2],
    iteration: usize,
    is_stuck: bool,
    /// Fitted values of the last two iterations.
    fitted: [Vec<f64>; 2],
    accelerated: Vec<usize>,
    value: f64,
}

/// Largest extra weight of an accelerated observation (ppmlhdfe's).
const MAX_ACCELERATION: f64 = 256.0;

impl Stuck {
    fn new(boundary_ss: f64) -> Self {
        Stuck {
            boundary_ss: boundary_ss.max(f64::MIN_POSITIVE),
            cumulated_ss: 0.0,
            progress: [f64::NAN; 2],
            candidates: [usize::MAX; 2],
            iteration: 0,
            is_stuck: false,
            fitted: [Vec::new(), Vec::new()],
            accelerated: Vec::new(),
            value: 1.0,
        }
    }

    /// The base weights with the accelerated observations' weight raised (the base
    /// itself, not a copy, while none is).
    fn weights<'w>(&self, base: &'w [f64]) -> std::borrow::Cow<'w, [f64]> {
        if self.accelerated.is_empty() {
            return std::borrow::Cow::Borrowed(base);
        }
        let mut w = base.to_vec();
        for &i in &self.accelerated {
            w[i] = self.value;
        }
        std::borrow::Cow::Owned(w)
    }

    fn update(&mut self, y: &[f64], fitted: &[f64], resid: &[f64]) {
        self.iteration += 1;
        self.cumulated_ss += resid.iter().map(|e| e * e).sum::<f64>();
        let progress = 100.0 * self.cumulated_ss / self.boundary_ss;
        let candidates = (0..y.len())
            .filter(|&i| y[i] == 0.0 && fitted[i] > RELU_TOL)
            .count();
        if !self.is_stuck {
            self.is_stuck = self.iteration > 3
                && progress - self.progress[1] < 1.0
                && candidates == self.candidates[1];
        }
        let [older, old] = &self.fitted;
        self.accelerated = if self.is_stuck && !older.is_empty() {
            (0..y.len())
                .filter(|&i| {
                    y[i] == 0.0
                        && older[i] < 1.01 * old[i]
                        && old[i] < 1.01 * fitted[i]
                        && fitted[i] < -0.1 * RELU_TOL
                })
                .collect()
        } else {
            Vec::new()
        };
        self.value = if self.accelerated.is_empty() {
            1.0
        } else {
            (4.0 * self.value).min(MAX_ACCELERATION)
        };
        self.progress = [progress, self.progress[0]];
        self.candidates = [candidates, self.candidates[0]];
        self.fitted = [std::mem::take(&mut self.fitted[1]), fitted.to_vec()];
    }
}
