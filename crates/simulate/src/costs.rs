//! Bilateral trade costs `t_ij = exp(sum_k b_k z_ijk)` from a formula's regressors and a set
//! of coefficients, on the rows of a square world.

use crate::error::{Result, SimulateError};
use crate::world::SquareWorld;
use hallyu_data::Table;
use hallyu_estimate::{design, Formula};

/// Named coefficients of the cost function.
pub type Coefficients = Vec<(String, f64)>;

/// The regressor columns of `formula` evaluated on every row of `table`, by name
/// (fixest spelling: `log(dist)`, `a:b`). Every row must be complete: a cost the model
/// cannot compute would silently leave a pair out of the world.
pub fn regressors(table: &Table, formula: &Formula) -> Result<Vec<(String, Vec<f64>)>> {
    let d = design::build(table, formula, None, &[])?;
    if d.dropped_missing > 0 {
        return Err(SimulateError::MissingRegressors {
            rows: d.dropped_missing,
            formula: formula.text.clone(),
        });
    }
    Ok(d.names.into_iter().zip(d.x).collect())
}

/// `t_ij` for every cell of `world` (row-major), from the rows' regressors and the
/// coefficients; regressors without a coefficient (the intercept) are ignored.
pub fn cost_matrix(
    world: &SquareWorld,
    regressors: &[(String, Vec<f64>)],
    coefficients: &[(String, f64)],
) -> Result<Vec<f64>> {
    let n = world.n();
    let mut index = vec![0.0; world.cell_of_row.len()];
    for (name, b) in coefficients {
        let column = regressors
            .iter()
            .find(|(r, _)| r == name)
            .map(|(_, v)| v)
            .ok_or_else(|| SimulateError::UnknownCoefficient {
                name: name.clone(),
                regressors: regressors.iter().map(|(r, _)| r.clone()).collect(),
            })?;
        for (acc, x) in index.iter_mut().zip(column) {
            *acc += b * x;
        }
    }
    let mut t = vec![0.0; n * n];
    for (row, cell) in world.cell_of_row.iter().enumerate() {
        t[*cell] = index[row].exp();
    }
    if let Some(k) = t.iter().position(|v| !v.is_finite() || *v <= 0.0) {
        return Err(SimulateError::CostOverflow {
            exporter: world.countries[k / n].clone(),
            importer: world.countries[k % n].clone(),
            value: t[k],
        });
    }
    Ok(t)
}
