//! Multilateral-resistance solve: the exporter and importer fixed effects of a PPML
//! regression with exporter FE, importer FE and the offset `ln t`, found without a regression.
//!
//! Given positive trade costs `t_ij` (already raised to `1 - sigma`), target row sums `R`
//! (output) and column sums `C` (expenditure), find `a_i`, `b_j` with
//! `sum_j a_i b_j t_ij = R_i` and `sum_i a_i b_j t_ij = C_j`, normalised so that the
//! reference country's `b` is one. These are PPML's first-order conditions (its adding-up
//! property), so the solution is the regression's fixed effects to machine precision; the
//! alternating scaling below (RAS / Sinkhorn) converges to it linearly and is exact at the
//! fixed point.
//!
//! It is the alternating scaling of `hallyu_estimate::effects` (same scaling rule,
//! [`scaling_factor`]) specialised to a dense matrix of all pairs: every sum is recomputed
//! from `a`, `b` and `t`, so thousands of solves at 1e-14 accumulate no drift.

use crate::error::{Result, SimulateError};
use hallyu_estimate::effects::scaling_factor;

/// Exporter (`a`) and importer (`b`) scale factors of a solved system.
#[derive(Debug, Clone)]
pub struct MrSolution {
    /// `a_i = exp(exporter fixed effect)`.
    pub a: Vec<f64>,
    /// `b_j = exp(importer fixed effect)`, `b[reference] = 1`.
    pub b: Vec<f64>,
    /// Scaling sweeps used.
    pub iterations: usize,
    /// Largest relative row-sum error at the end (columns are exact after each sweep).
    pub residual: f64,
}

impl MrSolution {
    /// Fitted flow `a_i b_j t_ij`.
    pub fn flow(&self, t: &[f64], i: usize, j: usize) -> f64 {
        let n = self.a.len();
        self.a[i] * self.b[j] * t[i * n + j]
    }

    /// All fitted flows, row-major (exporter rows).
    pub fn flows(&self, t: &[f64]) -> Vec<f64> {
        let n = self.a.len();
        let mut x = vec![0.0; n * n];
        for i in 0..n {
            for j in 0..n {
                x[i * n + j] = self.a[i] * self.b[j] * t[i * n + j];
            }
        }
        x
    }
}

/// Settings of the scaling iterations.
#[derive(Debug, Clone, Copy)]
pub struct MrOptions {
    /// Stop when every row sum is within this relative distance of its target.
    pub tolerance: f64,
    /// Give up (with an error) after this many sweeps.
    pub max_iterations: usize,
}

impl Default for MrOptions {
    fn default() -> Self {
        MrOptions {
            tolerance: 1e-14,
            max_iterations: 100_000,
        }
    }
}

/// Solves the system for the `n x n` row-major matrix `t` (exporter rows). Cells with
/// `t_ij = 0` are pairs outside the system (no trade possible); a row or column whose
/// target is zero gets a zero scale factor.
pub fn solve(
    t: &[f64],
    rows: &[f64],
    cols: &[f64],
    reference: usize,
    options: MrOptions,
) -> Result<MrSolution> {
    solve_with(None, t, rows, cols, reference, options)
}

/// [`solve`] for the countries `countries` (ISO3 codes, in row order): messages name
/// them (`trade cost of KOR -> JPN`) instead of matrix positions.
pub fn solve_named(
    countries: &[String],
    t: &[f64],
    rows: &[f64],
    cols: &[f64],
    reference: usize,
    options: MrOptions,
) -> Result<MrSolution> {
    solve_with(Some(countries), t, rows, cols, reference, options)
}

fn solve_with(
    countries: Option<&[String]>,
    t: &[f64],
    rows: &[f64],
    cols: &[f64],
    reference: usize,
    options: MrOptions,
) -> Result<MrSolution> {
    let n = rows.len();
    let country = |i: usize| match countries.and_then(|c| c.get(i)) {
        Some(code) => code.clone(),
        None => format!("country {i}"),
    };
    if t.len() != n * n || cols.len() != n || reference >= n {
        return Err(SimulateError::DimensionMismatch {
            what: "multilateral-resistance solve".into(),
            expected: format!("{} costs, {n} columns and a reference below {n}", n * n),
            found: format!(
                "{} costs, {} columns and reference {reference}",
                t.len(),
                cols.len()
            ),
        });
    }
    if let Some(bad) = t.iter().position(|v| !v.is_finite() || *v < 0.0) {
        return Err(SimulateError::InvalidCost {
            exporter: country(bad / n),
            importer: country(bad % n),
            value: t[bad],
        });
    }
    for (what, v) in [("output", rows), ("expenditure", cols)] {
        if let Some(k) = v.iter().position(|x| !x.is_finite() || *x < 0.0) {
            return Err(SimulateError::InvalidTotal {
                what: what.to_string(),
                country: country(k),
                value: v[k],
            });
        }
    }
    let (sr, sc): (f64, f64) = (rows.iter().sum(), cols.iter().sum());
    if sr <= 0.0 || ((sr - sc) / sr).abs() > 1e-10 {
        return Err(SimulateError::UnbalancedWorld {
            output: sr,
            expenditure: sc,
        });
    }
    let mut a = vec![0.0; n];
    let mut b = vec![1.0; n];
    let mut colsum = vec![0.0; n];
    let mut residual = f64::INFINITY;
    for iteration in 1..=options.max_iterations {
        // a from the rows given b; then b from the columns given a (columns exact after this).
        for i in 0..n {
            let row = &t[i * n..(i + 1) * n];
            let s: f64 = row.iter().zip(&b).map(|(t, b)| t * b).sum();
            a[i] = scaling_factor(rows[i], s);
        }
        colsum.iter_mut().for_each(|c| *c = 0.0);
        for i in 0..n {
            let ai = a[i];
            let row = &t[i * n..(i + 1) * n];
            for (c, tij) in colsum.iter_mut().zip(row) {
                *c += ai * tij;
            }
        }
        for j in 0..n {
            b[j] = scaling_factor(cols[j], colsum[j]);
        }
        residual = 0.0;
        for i in 0..n {
            if rows[i] == 0.0 {
                continue;
            }
            let row = &t[i * n..(i + 1) * n];
            let s: f64 = row.iter().zip(&b).map(|(t, b)| t * b).sum::<f64>() * a[i];
            residual = f64::max(residual, ((s - rows[i]) / rows[i]).abs());
        }
        if residual <= options.tolerance {
            let scale = b[reference];
            if scale.is_nan() || scale <= 0.0 {
                return Err(SimulateError::ReferenceWithoutExpenditure {
                    country: country(reference),
                });
            }
            b.iter_mut().for_each(|v| *v /= scale);
            a.iter_mut().for_each(|v| *v *= scale);
            return Ok(MrSolution {
                a,
                b,
                iterations: iteration,
                residual,
            });
        }
    }
    Err(SimulateError::NotConverged {
        what: "multilateral-resistance solve".into(),
        iterations: options.max_iterations,
        residual,
        tolerance: options.tolerance,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn recovers_known_scale_factors() {
        let n = 4;
        let a0 = [2.0, 0.5, 1.5, 3.0];
        let b0 = [0.7, 1.3, 0.9, 1.0];
        let t: Vec<f64> = (0..n * n)
            .map(|k| 1.0 / (1.0 + ((k / n) as f64 - (k % n) as f64).abs()))
            .collect();
        let mut rows = vec![0.0; n];
        let mut cols = vec![0.0; n];
        for i in 0..n {
            for j in 0..n {
                let x = a0[i] * b0[j] * t[i * n + j];
                rows[i] += x;
                cols[j] += x;
            }
        }
        let s = solve(&t, &rows, &cols, 3, MrOptions::default()).unwrap();
        for i in 0..n {
            assert!((s.a[i] / a0[i] - 1.0).abs() < 1e-12, "{:?}", s.a);
            assert!((s.b[i] / b0[i] - 1.0).abs() < 1e-12, "{:?}", s.b);
        }
    }

    #[test]
    fn rejects_unbalanced_margins() {
        let t = vec![1.0; 4];
        assert!(solve(&t, &[1.0, 1.0], &[1.0, 2.0], 0, MrOptions::default()).is_err());
    }

    #[test]
    fn rejects_negative_costs() {
        let t = vec![1.0, -1.0, 1.0, 1.0];
        let e = solve(&t, &[1.0, 1.0], &[1.0, 1.0], 0, MrOptions::default()).unwrap_err();
        assert!(e.to_string().contains("country 0 -> country 1"), "{e}");
        let names = ["KOR".to_string(), "JPN".to_string()];
        let e = solve_named(
            &names,
            &t,
            &[1.0, 1.0],
            &[1.0, 1.0],
            0,
            MrOptions::default(),
        )
        .unwrap_err();
        assert!(
            e.to_string().contains("trade cost of KOR -> JPN is -1"),
            "{e}"
        );
    }
}
