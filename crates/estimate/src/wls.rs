//! Weighted least squares on columns already net of the fixed effects, with the
//! collinearity checks shared by OLS, each IRLS step and the separation check.

use crate::linalg::{cholesky, Cholesky, Mat};
use crate::rows;
use rayon::prelude::*;

/// Relative pivot below which a regressor is collinear with the earlier ones (fixest's
/// `collin.tol`).
pub const COLLINEAR_TOL: f64 = 1e-10;

/// Share of a regressor's weighted sum of squares that must survive demeaning for it not to
/// be absorbed by the fixed effects. Demeaning to 1e-8 leaves ~1e-16 of an absorbed column.
pub const ABSORBED_TOL: f64 = 1e-9;

/// `X'WX` over the given columns, each entry a sum split by rows between threads (a model
/// with one regressor has one entry, and a split by entry would leave a core idle).
pub fn xtwx(x: &[&[f64]], w: &[f64]) -> Mat {
    let k = x.len();
    let mut m = Mat::zeros(k);
    let pairs: Vec<(usize, usize)> = (0..k).flat_map(|i| (i..k).map(move |j| (i, j))).collect();
    let vals: Vec<f64> = pairs
        .par_iter()
        .map(|&(i, j)| rows::sum(w.len(), |n| x[i][n] * x[j][n] * w[n]))
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
        .map(|c| rows::sum(w.len(), |n| c[n] * w[n] * v[n]))
        .collect()
}

/// Which demeaned columns to keep: not absorbed by the fixed effects (compared with the
/// weighted sum of squares before demeaning), then not collinear with earlier columns.
pub fn select_columns(raw: &[&[f64]], demeaned: &[&[f64]], w: &[f64]) -> Vec<usize> {
    let candidates: Vec<usize> = (0..raw.len())
        .filter(|&j| {
            let before = rows::sum(w.len(), |n| w[n] * raw[j][n] * raw[j][n]);
            let after = rows::sum(w.len(), |n| w[n] * demeaned[j][n] * demeaned[j][n]);
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

/// Rows per block of [`solve_qr`]'s first stage: fixed, so that the result does not depend
/// on the thread count.
const QR_BLOCK: usize = 1 << 15;

/// Weighted least squares by Householder QR of `diag(√w) X`, for badly conditioned
/// weights: the normal equations square the condition number, and the separation check's
/// weights (some 1e8 apart) leave them only about four correct digits, too few to tell a
/// fitted zero from a small positive value. `None` when a column is (numerically) a
/// combination of the earlier ones.
///
/// Tall-skinny QR: blocks of rows are reduced to their `R` and `Qᵀv` in parallel, then the
/// stacked blocks once more (orthogonal steps throughout, so as stable as one QR of the
/// whole matrix, and the rank test sees the same column remainders).
pub fn solve_qr(x: &[&[f64]], w: &[f64], v: &[f64]) -> Option<Vec<f64>> {
    let k = x.len();
    let n = v.len();
    let norms: Vec<f64> = x
        .iter()
        .map(|c| {
            let m = (0..n)
                .into_par_iter()
                .map(|i| (c[i] * w[i].sqrt()).abs())
                .reduce(|| 0.0, f64::max);
            if m == 0.0 || !m.is_finite() {
                return m;
            }
            m * rows::sum(n, |i| {
                let t = c[i] * w[i].sqrt() / m;
                t * t
            })
            .sqrt()
        })
        .collect();
    let blocks: Vec<(Vec<Vec<f64>>, Vec<f64>)> = (0..n.div_ceil(QR_BLOCK))
        .into_par_iter()
        .map(|c| {
            let range = c * QR_BLOCK..((c + 1) * QR_BLOCK).min(n);
            let root: Vec<f64> = w[range.clone()].iter().map(|w| w.sqrt()).collect();
            let mut a: Vec<Vec<f64>> = x
                .iter()
                .map(|col| {
                    col[range.clone()]
                        .iter()
                        .zip(&root)
                        .map(|(x, r)| x * r)
                        .collect()
                })
                .collect();
            let mut b: Vec<f64> = v[range].iter().zip(&root).map(|(v, r)| v * r).collect();
            householder(&mut a, &mut b);
            // Only the triangle is `R`; below it are the reflections' vectors.
            let m = b.len().min(k);
            let r = a
                .iter()
                .enumerate()
                .map(|(j, col)| (0..m).map(|i| if i <= j { col[i] } else { 0.0 }).collect())
                .collect();
            b.truncate(m);
            (r, b)
        })
        .collect();
    let mut a: Vec<Vec<f64>> = (0..k)
        .map(|j| {
            blocks
                .iter()
                .flat_map(|(r, _)| r[j].iter().copied())
                .collect()
        })
        .collect();
    let mut b: Vec<f64> = blocks.iter().flat_map(|(_, b)| b.iter().copied()).collect();
    let remainders = householder(&mut a, &mut b);
    for (j, norm) in norms.iter().enumerate() {
        // Only rounding-level remainders count as collinear: under the separation check's
        // weights a column legitimately keeps 1e-5 or less of its norm once the heavy rows
        // are accounted for (the callers screen collinearity with unit weights first).
        let alpha = remainders.get(j).copied().unwrap_or(0.0);
        if !(alpha.is_finite() && alpha > QR_RANK_TOL * norm) {
            return None;
        }
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
    Some(beta)
}

/// Householder QR of the columns `a` (of `b.len()` rows each), applied to `b` too:
/// afterwards the upper triangle of `a` is `R` and the first entries of `b` are `Qᵀb`.
/// Returns each column's remainder `|R_jj|`, the norm of what the earlier columns leave of
/// it (0 for a column with nothing left, which is then not reflected).
fn householder(a: &mut [Vec<f64>], b: &mut [f64]) -> Vec<f64> {
    let steps = a.len().min(b.len());
    let mut remainders = Vec::with_capacity(steps);
    for j in 0..steps {
        let (done, rest) = a.split_at_mut(j + 1);
        let col = &mut done[j];
        let alpha = norm(&col[j..]);
        remainders.push(alpha);
        if !(alpha > 0.0 && alpha.is_finite()) {
            continue;
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
        reflect(b);
        // R_jj = -sign·‖x‖.
        col[j] = -sign * alpha;
    }
    remainders
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

    #[test]
    fn blocked_qr_matches_the_normal_equations_and_finds_collinearity_across_blocks() {
        // Several blocks, the last one shorter than the column count, and weights 1e8 apart.
        let n = 3 * QR_BLOCK + 2;
        let x0: Vec<f64> = (0..n)
            .map(|i| ((i * 37) % 101) as f64 / 50.0 - 1.0)
            .collect();
        let x1: Vec<f64> = (0..n).map(|i| ((i as f64) * 0.001).sin()).collect();
        let x2: Vec<f64> = (0..n).map(|i| (i % 7) as f64).collect();
        let v: Vec<f64> = (0..n)
            .map(|i| 0.5 * x0[i] - 2.0 * x1[i] + 0.25 * x2[i] + ((i % 5) as f64 - 2.0) * 1e-3)
            .collect();
        let w: Vec<f64> = (0..n).map(|i| if i % 3 == 0 { 1e8 } else { 1.0 }).collect();
        let cols: [&[f64]; 3] = [&x0, &x1, &x2];
        let qr = solve_qr(&cols, &w, &v).unwrap();
        let ne = solve(&cols, &w, &v).unwrap().1;
        for (a, b) in qr.iter().zip(&ne) {
            assert!((a - b).abs() < 1e-9, "{qr:?} vs {ne:?}");
        }
        for threads in [1, 3] {
            let pool = rayon::ThreadPoolBuilder::new()
                .num_threads(threads)
                .build()
                .unwrap();
            let again = pool.install(|| solve_qr(&cols, &w, &v).unwrap());
            assert_eq!(again, qr, "{threads} threads");
        }
        let x3: Vec<f64> = (0..n).map(|i| x0[i] - 3.0 * x2[i]).collect();
        let cols: [&[f64]; 4] = [&x0, &x1, &x2, &x3];
        assert!(solve_qr(&cols, &w, &v).is_none());
    }
}
