//! Weighted least squares on columns already net of the fixed effects, with the
//! collinearity checks shared by OLS, each IRLS step and the separation check.

use crate::linalg::{cholesky, Cholesky, Mat};
use rayon::prelude::*;

/// Relative pivot below which a regressor is collinear with the earlier ones (fixest's
/// `collin.tol`).
pub const COLLINEAR_TOL: f64 = 1e-10;

/// Share of a regressor's weighted sum of squares that must survive demeaning for it not to
/// be absorbed by the fixed effects. Demeaning to 1e-8 leaves ~1e-16 of an absorbed column.
pub const ABSORBED_TOL: f64 = 1e-9;

/// `X'WX` over the given columns.
pub fn xtwx(x: &[&[f64]], w: &[f64]) -> Mat {
    let k = x.len();
    let mut m = Mat::zeros(k);
    let pairs: Vec<(usize, usize)> = (0..k).flat_map(|i| (i..k).map(move |j| (i, j))).collect();
    let vals: Vec<f64> = pairs
        .par_iter()
        .map(|&(i, j)| {
            x[i].iter()
                .zip(x[j])
                .zip(w)
                .map(|((a, b), c)| a * b * c)
                .sum()
        })
        .collect();
    for (&(i, j), v) in pairs.iter().zip(vals) {
        *m.at_mut(i, j) = v;
        *m.at_mut(j, i) = v;
    }
    m
}

/// `X'Wv`.
pub fn xtwv(x: &[&[f64]], w: &[f64], v: &[f64]) -> Vec<f64> {
    x.par_iter()
        .map(|c| c.iter().zip(w).zip(v).map(|((a, b), c)| a * b * c).sum())
        .collect()
}

/// Which demeaned columns to keep: not absorbed by the fixed effects (compared with the
/// weighted sum of squares before demeaning), then not collinear with earlier columns.
pub fn select_columns(raw: &[&[f64]], demeaned: &[&[f64]], w: &[f64]) -> Vec<usize> {
    let candidates: Vec<usize> = (0..raw.len())
        .filter(|&j| {
            let before: f64 = raw[j].iter().zip(w).map(|(x, w)| w * x * x).sum();
            let after: f64 = demeaned[j].iter().zip(w).map(|(x, w)| w * x * x).sum();
            before > 0.0 && after > ABSORBED_TOL * before
        })
        .collect();
    let cols: Vec<&[f64]> = candidates.iter().map(|&j| demeaned[j]).collect();
    let chol = cholesky(&xtwx(&cols, w), COLLINEAR_TOL);
    chol.kept.iter().map(|&i| candidates[i]).collect()
}

/// Solves the weighted normal equations on the kept columns.
pub fn solve(x: &[&[f64]], w: &[f64], v: &[f64]) -> Option<(Cholesky, Vec<f64>)> {
    let a = xtwx(x, w);
    let chol = cholesky(&a, 0.0);
    if chol.kept.len() != x.len() {
        return None;
    }
    let beta = chol.solve(&xtwv(x, w, v));
    Some((chol, beta))
}
