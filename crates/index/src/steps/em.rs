//! Imputation by expectation–maximisation under a multivariate normal model, group by
//! group: the indicators under one aggregate are modelled together (a whole framework's
//! indicators usually outnumber its units, which leaves their covariance singular), each
//! missing value replaced by its conditional expectation given the unit's observed values in
//! the group, the mean and covariance re-estimated with the conditional covariances until
//! they stop changing (Dempster, Laird and Rubin 1977; Little and Rubin, ch. 11).

use crate::dataset::DataSet;
use crate::framework::Framework;
use crate::{IndexError, Result};

/// Most EM iterations before giving up.
const MAX_ITERATIONS: usize = 10_000;

/// Relative change of the mean and covariance under which EM has converged.
const TOLERANCE: f64 = 1e-10;

/// Fills the missing values of every group of indicators (the children of one aggregate)
/// by EM; returns the data set and what was filled.
pub fn em_impute(data: &DataSet, fw: &Framework) -> Result<(DataSet, Vec<String>)> {
    let mut out = data.renamed("Imputed");
    let mut log = Vec::new();
    for parent in &fw.aggregates {
        let cols: Vec<usize> = fw
            .children(&parent.code)
            .filter(|c| c.level == 1)
            .filter_map(|c| out.columns.iter().position(|x| *x == c.code))
            .collect();
        let missing: usize = cols
            .iter()
            .map(|&c| out.values[c].iter().filter(|v| v.is_nan()).count())
            .sum();
        if cols.is_empty() || missing == 0 {
            continue;
        }
        let x: Vec<Vec<f64>> = (0..out.units.len())
            .map(|u| cols.iter().map(|&c| out.values[c][u]).collect())
            .collect();
        let (filled, iterations) = em(&x).map_err(|why| {
            IndexError::Undefined(format!(
                "EM imputation of the indicators of `{}`: {why}",
                parent.code
            ))
        })?;
        for (u, row) in filled.iter().enumerate() {
            for (k, &c) in cols.iter().enumerate() {
                out.values[c][u] = row[k];
            }
        }
        log.push(format!(
            "{}: {missing} missing values filled by EM over its {} indicators ({iterations} iterations)",
            parent.code,
            cols.len()
        ));
    }
    Ok((out, log))
}

/// EM on the rows of `x` (`NaN` missing): the completed rows and the iterations taken.
pub fn em(x: &[Vec<f64>]) -> std::result::Result<(Vec<Vec<f64>>, usize), String> {
    let n = x.len();
    let p = x.first().map_or(0, Vec::len);
    if n < 2 || p == 0 {
        return Err("fewer than two units".into());
    }
    // Start: observed means, observed variances, no covariance.
    let mut mu = vec![0.0; p];
    let mut sigma = vec![vec![0.0; p]; p];
    for j in 0..p {
        let obs: Vec<f64> = x.iter().map(|r| r[j]).filter(|v| !v.is_nan()).collect();
        if obs.len() < 2 {
            return Err(format!(
                "indicator {} has fewer than two observed values",
                j + 1
            ));
        }
        mu[j] = obs.iter().sum::<f64>() / obs.len() as f64;
        sigma[j][j] = obs.iter().map(|v| (v - mu[j]).powi(2)).sum::<f64>() / obs.len() as f64;
        if sigma[j][j] <= 0.0 {
            return Err(format!("indicator {} does not vary", j + 1));
        }
    }
    let mut filled = x.to_vec();
    for iteration in 1..=MAX_ITERATIONS {
        // E-step: conditional expectations and the sum of conditional covariances.
        let mut extra = vec![vec![0.0; p]; p];
        for (row, orig) in filled.iter_mut().zip(x) {
            let m: Vec<usize> = (0..p).filter(|&j| orig[j].is_nan()).collect();
            if m.is_empty() {
                continue;
            }
            let o: Vec<usize> = (0..p).filter(|&j| !orig[j].is_nan()).collect();
            if o.is_empty() {
                for &a in &m {
                    row[a] = mu[a];
                    for &b in &m {
                        extra[a][b] += sigma[a][b];
                    }
                }
                continue;
            }
            let soo: Vec<Vec<f64>> = o
                .iter()
                .map(|&a| o.iter().map(|&b| sigma[a][b]).collect())
                .collect();
            let chol =
                cholesky(&soo).ok_or("the covariance of the observed indicators is singular")?;
            let dev: Vec<f64> = o.iter().map(|&a| orig[a] - mu[a]).collect();
            let w = solve(&chol, &dev);
            // Σ_oo⁻¹ Σ_om, one column per missing indicator.
            let b: Vec<Vec<f64>> = m
                .iter()
                .map(|&a| solve(&chol, &o.iter().map(|&c| sigma[c][a]).collect::<Vec<_>>()))
                .collect();
            for &a in &m {
                row[a] = mu[a]
                    + o.iter()
                        .zip(&w)
                        .map(|(&c, wc)| sigma[a][c] * wc)
                        .sum::<f64>();
                for (k, &bb) in m.iter().enumerate() {
                    let reduction: f64 = o.iter().zip(&b[k]).map(|(&c, bk)| sigma[a][c] * bk).sum();
                    extra[a][bb] += sigma[a][bb] - reduction;
                }
            }
        }
        // M-step.
        let new_mu: Vec<f64> = (0..p)
            .map(|j| filled.iter().map(|r| r[j]).sum::<f64>() / n as f64)
            .collect();
        let mut new_sigma = vec![vec![0.0; p]; p];
        for a in 0..p {
            for b in 0..p {
                let s: f64 = filled
                    .iter()
                    .map(|r| (r[a] - new_mu[a]) * (r[b] - new_mu[b]))
                    .sum();
                new_sigma[a][b] = (s + extra[a][b]) / n as f64;
            }
        }
        let scale = new_sigma
            .iter()
            .enumerate()
            .map(|(j, r)| r[j].abs())
            .fold(f64::MIN_POSITIVE, f64::max);
        let change = (0..p)
            .map(|a| {
                let dm = (new_mu[a] - mu[a]).abs() / scale.sqrt();
                let ds = (0..p)
                    .map(|b| (new_sigma[a][b] - sigma[a][b]).abs() / scale)
                    .fold(0.0, f64::max);
                dm.max(ds)
            })
            .fold(0.0, f64::max);
        mu = new_mu;
        sigma = new_sigma;
        if change < TOLERANCE {
            return Ok((filled, iteration));
        }
    }
    Err(format!("no convergence in {MAX_ITERATIONS} iterations"))
}

/// Lower Cholesky factor of a symmetric positive-definite matrix.
fn cholesky(a: &[Vec<f64>]) -> Option<Vec<Vec<f64>>> {
    let n = a.len();
    let mut l = vec![vec![0.0; n]; n];
    for i in 0..n {
        for j in 0..=i {
            let s: f64 = (0..j).map(|k| l[i][k] * l[j][k]).sum();
            if i == j {
                let d = a[i][i] - s;
                // Not positive (or NaN): singular for this purpose.
                if d.is_nan() || d <= 1e-12 * a[i][i].abs().max(f64::MIN_POSITIVE) {
                    return None;
                }
                l[i][j] = d.sqrt();
            } else {
                l[i][j] = (a[i][j] - s) / l[j][j];
            }
        }
    }
    Some(l)
}

/// Solves `L·Lᵀ·x = b`.
fn solve(l: &[Vec<f64>], b: &[f64]) -> Vec<f64> {
    let n = b.len();
    let mut y = vec![0.0; n];
    for i in 0..n {
        y[i] = (b[i] - (0..i).map(|k| l[i][k] * y[k]).sum::<f64>()) / l[i][i];
    }
    let mut x = vec![0.0; n];
    for i in (0..n).rev() {
        x[i] = (y[i] - (i + 1..n).map(|k| l[k][i] * x[k]).sum::<f64>()) / l[i][i];
    }
    x
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Two indicators on one exact line: the missing values are the line's.
    #[test]
    fn an_exact_linear_relation_is_recovered() {
        let xs: [f64; 8] = [1.0, 2.0, 3.0, 4.0, 5.0, 6.0, 7.0, 8.0];
        let mut rows: Vec<Vec<f64>> = xs
            .iter()
            .map(|&x| vec![x, 2.0 * x + 1.0 + 0.01 * (x * 7.0).sin()])
            .collect();
        rows[2][1] = f64::NAN;
        rows[6][1] = f64::NAN;
        let (filled, _) = em(&rows).expect("em");
        // Near-exact: the small wiggle is noise around the line.
        assert!((filled[2][1] - 7.0).abs() < 0.05, "{}", filled[2][1]);
        assert!((filled[6][1] - 15.0).abs() < 0.05, "{}", filled[6][1]);
        // Observed values are untouched.
        assert_eq!(filled[0][1], rows[0][1]);
    }

    /// The fixed point: at convergence the mean and covariance re-estimated from the
    /// completed data (with the conditional covariances) give back the same imputations.
    #[test]
    fn the_result_is_a_fixed_point_of_the_conditional_expectation() {
        let data = [
            [3.1, 2.0, 5.5],
            [4.0, f64::NAN, 6.1],
            [2.2, 1.1, f64::NAN],
            [5.3, 3.9, 8.0],
            [f64::NAN, 2.8, 6.9],
            [3.8, 2.6, 6.0],
            [4.4, 3.1, f64::NAN],
            [2.9, 1.7, 5.0],
        ];
        let rows: Vec<Vec<f64>> = data.iter().map(|r| r.to_vec()).collect();
        let (filled, iterations) = em(&rows).expect("em");
        assert!(iterations > 1);
        let (again, _) = em(&filled).expect("complete data");
        assert_eq!(again, filled);
        for (r, f) in rows.iter().zip(&filled) {
            for (a, b) in r.iter().zip(f) {
                assert!(b.is_finite());
                if !a.is_nan() {
                    assert_eq!(a, b);
                }
            }
        }
    }

    #[test]
    fn a_constant_indicator_is_refused() {
        let rows = vec![vec![1.0, 2.0], vec![1.0, f64::NAN], vec![1.0, 3.0]];
        assert!(em(&rows).unwrap_err().contains("does not vary"));
    }
}
