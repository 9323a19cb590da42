//! The estimated fixed effects of a fit and predictions from them (fixest's `fixef()` and
//! `predict(newdata = ...)`).
//!
//! The estimation sweeps the fixed effects out and never computes them. Afterwards, each
//! observation's sum of fixed effects is known, `η − xβ` (η the linear predictor: `log μ`
//! for Poisson, the fitted value for least squares), and the values are recovered by solving
//! `Σ_q α_q[g_q(i)] = η_i − x_iβ` with alternating means (Gauss–Seidel). The sums identify
//! the values up to one constant per dimension beyond the first (per connected component):
//! as fixest, the first level of each dimension after the first, in sorted order, is set to
//! zero and the first dimension absorbs the shift.

use crate::design;
use crate::fit::{Estimator, Fit};
use crate::{EstimateError, FitRequest, Fitted, Result};
use hallyu_data::{ColumnView, Table};
use std::collections::HashMap;

/// The estimated values of one fixed-effect dimension.
#[derive(Debug, Clone, PartialEq)]
pub struct FixefValues {
    /// The dimension as written (`exporter^year`).
    pub name: String,
    /// Its levels in sorted order (numbers numerically); an interaction's level joins its
    /// columns' values with `_`, as fixest (`KOR_2006`).
    pub levels: Vec<String>,
    /// The value of each level.
    pub values: Vec<f64>,
}

/// Most sweeps of the alternating means; gravity panels need a few hundred.
const MAX_SWEEPS: usize = 100_000;

/// The fixed effects of `fit`, estimated by `req` on `table` with `fitted` values.
pub fn fixef_values(
    table: &Table,
    req: &FitRequest,
    fit: &Fit,
    fitted: &Fitted,
) -> Result<Vec<FixefValues>> {
    let dims = &req.formula.fixed_effects;
    if dims.is_empty() {
        return Err(EstimateError::NoFixedEffects);
    }
    if fitted.rows.len() != fit.nobs || fitted.values.len() != fit.nobs {
        return Err(EstimateError::VarianceInputsUnavailable);
    }
    let d = design::build(table, &req.formula, req.weights.as_deref(), &[])?;
    let mut position = vec![usize::MAX; table.nrows()];
    for (i, &r) in d.rows.iter().enumerate() {
        position[r] = i;
    }
    let beta = coefficients_by_column(fit, &d.names);
    // The sum of fixed effects of each sample observation.
    let mut target = Vec::with_capacity(fit.nobs);
    for (&row, &value) in fitted.rows.iter().zip(&fitted.values) {
        let i = *position.get(row).ok_or(EstimateError::TableMismatch {
            expected: fit.nobs,
            found: table.nrows(),
        })?;
        if i == usize::MAX {
            return Err(EstimateError::TableMismatch {
                expected: fit.nobs,
                found: table.nrows(),
            });
        }
        let link = fit.estimator.link(value);
        let xb: f64 = beta.iter().map(|&(j, b)| b * d.x[j][i]).sum();
        target.push(link - xb);
    }
    // Group ids over the sample, with the label of each group.
    let mut ids: Vec<Vec<u32>> = Vec::with_capacity(dims.len());
    let mut labels: Vec<Vec<String>> = Vec::with_capacity(dims.len());
    for columns in dims {
        let mut index: HashMap<String, u32> = HashMap::new();
        let mut names = Vec::new();
        let mut dim_ids = Vec::with_capacity(fit.nobs);
        for &row in &fitted.rows {
            let label = level_label(table, columns, row)?;
            let next = names.len() as u32;
            let id = *index.entry(label.clone()).or_insert_with(|| {
                names.push(label);
                next
            });
            dim_ids.push(id);
        }
        ids.push(dim_ids);
        labels.push(names);
    }
    let mut alpha = solve(&target, &ids, &labels)?;
    normalise(&mut alpha, &labels);
    Ok(dims
        .iter()
        .zip(labels)
        .zip(alpha)
        .map(|((columns, names), values)| sorted(columns.join("^"), names, values))
        .collect())
}

/// Predictions of `fit` on `table` with its fixed effects: the Poisson mean (or, with
/// `link`, the linear predictor) for each row; `NaN` where a variable is missing or a
/// fixed-effect level was not estimated.
pub fn predict(
    table: &Table,
    req: &FitRequest,
    fit: &Fit,
    fixef: &[FixefValues],
    link: bool,
) -> Result<Vec<f64>> {
    let d = design::build(table, &req.formula, None, &[])?;
    let beta = coefficients_by_column(fit, &d.names);
    let lookup: Vec<HashMap<&str, f64>> = fixef
        .iter()
        .map(|f| {
            f.levels
                .iter()
                .map(String::as_str)
                .zip(f.values.iter().copied())
                .collect()
        })
        .collect();
    let mut out = vec![f64::NAN; table.nrows()];
    for (i, &row) in d.rows.iter().enumerate() {
        let mut eta: f64 = beta.iter().map(|&(j, b)| b * d.x[j][i]).sum();
        for (columns, values) in req.formula.fixed_effects.iter().zip(&lookup) {
            let label = level_label(table, columns, row)?;
            eta += values.get(label.as_str()).copied().unwrap_or(f64::NAN);
        }
        out[row] = match (fit.estimator, link) {
            (Estimator::Poisson, false) => eta.exp(),
            _ => eta,
        };
    }
    Ok(out)
}

/// `(design column, coefficient)` of each estimated regressor; collinear ones have none.
fn coefficients_by_column(fit: &Fit, names: &[String]) -> Vec<(usize, f64)> {
    names
        .iter()
        .enumerate()
        .filter_map(|(j, name)| fit.coef(name).map(|c| (j, c.estimate)))
        .collect()
}

/// The label of `row` in the dimension of `columns`: their values joined with `_`.
fn level_label(table: &Table, columns: &[String], row: usize) -> Result<String> {
    let mut parts = Vec::with_capacity(columns.len());
    for c in columns {
        let part = match table.column(c)?.view() {
            ColumnView::Numbers(v) => number_label(v[row]),
            ColumnView::Text(t) => t.get(row).unwrap_or("").to_string(),
        };
        parts.push(part);
    }
    Ok(parts.join("_"))
}

fn number_label(x: f64) -> String {
    if x.fract() == 0.0 && x.abs() < 1e15 {
        format!("{}", x as i64)
    } else {
        format!("{x}")
    }
}

/// Alternating means until the values stop moving.
fn solve(target: &[f64], ids: &[Vec<u32>], labels: &[Vec<String>]) -> Result<Vec<Vec<f64>>> {
    let counts: Vec<Vec<f64>> = ids
        .iter()
        .zip(labels)
        .map(|(dim, names)| {
            let mut c = vec![0.0; names.len()];
            dim.iter().for_each(|&g| c[g as usize] += 1.0);
            c
        })
        .collect();
    let mut alpha: Vec<Vec<f64>> = labels.iter().map(|l| vec![0.0; l.len()]).collect();
    // What the dimensions leave of each observation's target.
    let mut rest = target.to_vec();
    let scale = target.iter().fold(1.0f64, |m, v| m.max(v.abs()));
    let mut moved = f64::INFINITY;
    for _ in 0..MAX_SWEEPS {
        moved = 0.0f64;
        for q in 0..ids.len() {
            let mut sums = vec![0.0; alpha[q].len()];
            for (r, &g) in rest.iter().zip(&ids[q]) {
                sums[g as usize] += r + alpha[q][g as usize];
            }
            let new: Vec<f64> = sums.iter().zip(&counts[q]).map(|(s, c)| s / c).collect();
            for (r, &g) in rest.iter_mut().zip(&ids[q]) {
                *r -= new[g as usize] - alpha[q][g as usize];
            }
            for (a, b) in alpha[q].iter().zip(&new) {
                moved = moved.max((a - b).abs());
            }
            alpha[q] = new;
        }
        // Recomputed from scratch each sweep: no drift from the updates above.
        for (i, r) in rest.iter_mut().enumerate() {
            *r = target[i]
                - ids
                    .iter()
                    .zip(&alpha)
                    .map(|(d, a)| a[d[i] as usize])
                    .sum::<f64>();
        }
        if moved <= 1e-12 * scale {
            return Ok(alpha);
        }
    }
    Err(EstimateError::NotConverged {
        algorithm: "recovering the fixed-effect values".into(),
        iterations: MAX_SWEEPS,
        last_change: moved,
    })
}

/// One reference level (the first in sorted order) set to zero in each dimension after the
/// first; the first dimension takes the shift, so every sum is unchanged.
fn normalise(alpha: &mut [Vec<f64>], labels: &[Vec<String>]) {
    for q in 1..alpha.len() {
        let Some(reference) = sorted_order(&labels[q]).first().copied() else {
            continue;
        };
        let shift = alpha[q][reference];
        alpha[q].iter_mut().for_each(|a| *a -= shift);
        alpha[0].iter_mut().for_each(|a| *a += shift);
    }
}

/// Indices of `labels` in sorted order: numerically when every label is a number.
fn sorted_order(labels: &[String]) -> Vec<usize> {
    let numbers: Option<Vec<f64>> = labels.iter().map(|l| l.parse::<f64>().ok()).collect();
    let mut order: Vec<usize> = (0..labels.len()).collect();
    match numbers {
        Some(v) => order.sort_by(|&a, &b| v[a].total_cmp(&v[b])),
        None => order.sort_by(|&a, &b| labels[a].cmp(&labels[b])),
    }
    order
}

fn sorted(name: String, labels: Vec<String>, values: Vec<f64>) -> FixefValues {
    let order = sorted_order(&labels);
    FixefValues {
        name,
        levels: order.iter().map(|&i| labels[i].clone()).collect(),
        values: order.iter().map(|&i| values[i]).collect(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::{estimate_fitted, Formula, NoProgress};
    use hallyu_data::Column;

    /// `y = 0.5 x + a[g] + b[h]` exactly, every (g, h) cell present once or twice.
    fn exact_table() -> (Table, Vec<f64>, Vec<f64>) {
        let a = [1.0, -2.0, 0.5];
        let b = [0.0, 3.0, -1.0, 2.5];
        let (mut g, mut h, mut x, mut y) = (vec![], vec![], vec![], vec![]);
        for (i, ai) in a.iter().enumerate() {
            for (j, bj) in b.iter().enumerate() {
                for k in 0..=((i + j) % 2) {
                    let xv = (i * 7 + j * 3 + k) as f64 * 0.37;
                    g.push(Some(format!("g{i}")));
                    h.push(Some(format!("h{j}")));
                    x.push(xv);
                    y.push(0.5 * xv + ai + bj);
                }
            }
        }
        let mut t = Table::new();
        t.push("g", Column::text_from(g)).unwrap();
        t.push("h", Column::text_from(h)).unwrap();
        t.push("x", Column::numbers(x)).unwrap();
        t.push("y", Column::numbers(y)).unwrap();
        (t, a.to_vec(), b.to_vec())
    }

    #[test]
    fn values_are_recovered_with_the_first_level_of_the_second_dimension_at_zero() {
        let (t, a, b) = exact_table();
        let req = FitRequest::new(Formula::parse("y ~ x | g + h").unwrap(), Estimator::Ols);
        let (fit, fitted) = estimate_fitted(&t, &req, &NoProgress).unwrap();
        let fe = fixef_values(&t, &req, &fit, &fitted).unwrap();
        assert_eq!(fe[0].name, "g");
        assert_eq!(fe[0].levels, ["g0", "g1", "g2"]);
        assert_eq!(fe[1].levels, ["h0", "h1", "h2", "h3"]);
        // b[0] is 0 already: the values are the generating ones.
        for (got, want) in fe[0].values.iter().zip(&a) {
            assert!((got - want).abs() < 1e-9, "{got} vs {want}");
        }
        for (got, want) in fe[1].values.iter().zip(&b) {
            assert!((got - want).abs() < 1e-9, "{got} vs {want}");
        }
        let p = predict(&t, &req, &fit, &fe, false).unwrap();
        for (got, want) in p.iter().zip(t.num("y").unwrap()) {
            assert!((got - want).abs() < 1e-9);
        }
    }

    #[test]
    fn interaction_levels_join_their_values_and_unknown_levels_predict_nothing() {
        let (mut t, _, _) = exact_table();
        let n = t.nrows();
        t.push("year", Column::numbers(vec![2006.0; n])).unwrap();
        let req = FitRequest::new(
            Formula::parse("y ~ x | g^year + h").unwrap(),
            Estimator::Ols,
        );
        let (fit, fitted) = estimate_fitted(&t, &req, &NoProgress).unwrap();
        let fe = fixef_values(&t, &req, &fit, &fitted).unwrap();
        assert_eq!(fe[0].name, "g^year");
        assert_eq!(fe[0].levels, ["g0_2006", "g1_2006", "g2_2006"]);
        let mut other = Table::new();
        other
            .push("g", Column::text_from([Some("g9"), Some("g1")]))
            .unwrap();
        other
            .push("h", Column::text_from([Some("h1"), Some("h1")]))
            .unwrap();
        other.push("x", Column::numbers(vec![1.0, 1.0])).unwrap();
        other
            .push("year", Column::numbers(vec![2006.0, 2006.0]))
            .unwrap();
        other.push("y", Column::numbers(vec![0.0, 0.0])).unwrap();
        let p = predict(&other, &req, &fit, &fe, false).unwrap();
        assert!(p[0].is_nan());
        assert!((p[1] - (0.5 - 2.0 + 3.0)).abs() < 1e-9, "{}", p[1]);
    }

    #[test]
    fn a_model_without_fixed_effects_has_no_values() {
        let (t, _, _) = exact_table();
        let req = FitRequest::new(Formula::parse("y ~ x").unwrap(), Estimator::Ols);
        let (fit, fitted) = estimate_fitted(&t, &req, &NoProgress).unwrap();
        assert!(matches!(
            fixef_values(&t, &req, &fit, &fitted),
            Err(EstimateError::NoFixedEffects)
        ));
    }
}
