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

/// Remainder of a column's norm, after the earlier columns, below which [`solve_qr`] calls
/// it collinear: a few hundred units of rounding.
const QR_RANK_TOL: f64 = 256.0 * f64::EPSILON;

/// Weighted least squares by Householder QR of `diag(√w) X`, for badly conditioned
/// weights: the normal equations square the condition number, and the separation check's
/// weights (some 1e8 apart) leave them only about four correct digits, too few to tell a
/// fitted zero from a small positive value. `None` when a column is (numerically) a
/// combination of the earlier ones.
pub fn solve_qr(x: &[&[f64]], w: &[f64], v: &[f64]) -> Option<Vec<f64>> {
    let k = x.len();
    let root: Vec<f64> = w.iter().map(|w| w.sqrt()).collect();
    let mut a: Vec<Vec<f64>> = x
        .iter()
        .map(|c| c.iter().zip(&root).map(|(x, r)| x * r).collect())
        .collect();
    let mut b: Vec<f64> = v.iter().zip(&root).map(|(v, r)| v * r).collect();
    let n = b.len();
    let norms: Vec<f64> = a.iter().map(|c| norm(c)).collect();
    for j in 0..k {
        let (done, rest) = a.split_at_mut(j + 1);
        let col = &mut done[j];
        let alpha = norm(&col[j..]);
        // Only rounding-level remainders count as collinear: under the separation check's
        // weights a column legitimately keeps 1e-5 or less of its norm once the heavy rows
        // are accounted for (the callers screen collinearity with unit weights first).
        let independent = alpha.is_finite() && alpha > QR_RANK_TOL * norms[j];
        if !independent {
            return None;
        }
        // Householder vector in col[j..]: v = x - (-sign(x_j)·‖x‖) e_1.
        let sign = if col[j] >= 0.0 { 1.0 } else { -1.0 };
        col[j] += sign * alpha;
        let vv: f64 = col[j..].iter().map(|t| t * t).sum();
        let reflect = |target: &mut [f64]| {
            let s: f64 = col[j..].iter().zip(&target[j..]).map(|(p, q)| p * q).sum();
            let f = 2.0 * s / vv;
            target[j..]
                .iter_mut()
                .zip(&col[j..])
                .for_each(|(t, p)| *t -= f * p);
        };
        rest.iter_mut().for_each(|c| reflect(c));
        reflect(&mut b);
        // R_jj = -sign·‖x‖; the rest of the column is no longer needed.
        col[j] = -sign * alpha;
    }
    // Back substitution on R (upper triangle of the reflected columns).
    let mut beta = vec![0.0; k];
    for j in (0..k).rev() {
        let mut s = b[j];
        for (m, c) in a.iter().enumerate().skip(j + 1) {
            s -= c[j] * beta[m];
        }
        beta[j] = s / a[j][j];
    }
    debug_assert!(n >= k || k == 0);
    Some(beta)
}

fn norm(v: &[f64]) -> f64 {
    // Scaled to avoid overflow and underflow of the squares.
    let m = v.iter().fold(0.0f64, |a, x| a.max(x.abs()));
    if m == 0.0 || !m.is_finite() {
        return m;
    }
    m * v.iter().map(|x| (x / m) * (x / m)).sum::<f64>().sqrt()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn qr_matches_the_normal_equations_when_well_conditioned() {
        let x0 = [1.0, 1.0, 1.0, 1.0, 1.0];
        let x1 = [0.5, -1.0, 2.0, 3.0, 0.0];
        let v = [1.0, 2.0, 0.5, -1.0, 4.0];
        let w = [1.0, 2.0, 0.5, 1.5, 1.0];
        let cols: [&[f64]; 2] = [&x0, &x1];
        let qr = solve_qr(&cols, &w, &v).unwrap();
        let ne = solve(&cols, &w, &v).unwrap().1;
        for (a, b) in qr.iter().zip(&ne) {
            assert!((a - b).abs() < 1e-12, "{qr:?} vs {ne:?}");
        }
        let x2: Vec<f64> = x0.iter().zip(&x1).map(|(a, b)| a + 2.0 * b).collect();
        let cols: [&[f64]; 3] = [&x0, &x1, &x2];
        assert!(solve_qr(&cols, &w, &v).is_none());
    }
}
