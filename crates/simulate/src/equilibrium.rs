//! The structural-gravity world and its equilibria: baseline, conditional GE (output and
//! expenditure fixed) and the exact full-endowment GE (factory-gate prices adjust until
//! every market clears).
//!
//! Conventions (as in the Advanced Guide's Chapter 2): matrices are `n x n`, row-major, rows
//! are exporters; trade costs `t_ij` are already raised to `1 - sigma`; multilateral
//! resistances are `OMR_i = Y_i E_R / a_i` and `IMR_j = E_j / (b_j E_R)` with `R` the
//! reference country, so `IMR_j = (P_j / P_R)^(1 - sigma)`.

use crate::error::{Result, SimulateError};
use crate::mr::{self, MrOptions, MrSolution};

/// How expenditure follows output when output changes (the trade-balance closure).
#[derive(
    Debug, Clone, Copy, PartialEq, Eq, serde::Serialize, serde::Deserialize, schemars::JsonSchema,
)]
#[serde(rename_all = "snake_case")]
pub enum Closure {
    /// Fixed expenditure-to-output ratios `phi_j = E_j / Y_j`, rescaled so that world
    /// expenditure equals world output (the Guide's assumption; `ge_gravity, multiplicative`).
    DeficitRatio,
    /// Fixed deficits `E_j - Y_j`, scaled with world output (`ge_gravity`'s default).
    Additive,
}

impl Closure {
    /// The name the scenario file uses (`closure = "deficit_ratio"`).
    pub fn name(self) -> &'static str {
        match self {
            Closure::DeficitRatio => "deficit_ratio",
            Closure::Additive => "additive",
        }
    }

    /// Expenditure implied by `output` given the baseline output `y0` and expenditure `e0`.
    pub fn expenditure(self, output: &[f64], y0: &[f64], e0: &[f64]) -> Vec<f64> {
        let world: f64 = output.iter().sum();
        match self {
            Closure::DeficitRatio => {
                let raw: Vec<f64> = output
                    .iter()
                    .zip(y0.iter().zip(e0))
                    .map(|(y, (y0, e0))| if *y0 > 0.0 { y * e0 / y0 } else { *e0 })
                    .collect();
                let s: f64 = raw.iter().sum();
                raw.iter().map(|v| v * world / s).collect()
            }
            Closure::Additive => {
                let world0: f64 = y0.iter().sum();
                output
                    .iter()
                    .zip(y0.iter().zip(e0))
                    .map(|(y, (y0, e0))| y + (e0 - y0) * world / world0)
                    .collect()
            }
        }
    }
}

/// One state of the world: flows, output, expenditure and multilateral resistances.
#[derive(Debug, Clone)]
pub struct State {
    /// Output `Y_i` (the row sums the state was solved with).
    pub output: Vec<f64>,
    /// Expenditure `E_j` used in the inward resistance.
    pub expenditure: Vec<f64>,
    /// Outward multilateral resistance `OMR_i = Y_i E_R / a_i`.
    pub omr: Vec<f64>,
    /// Inward multilateral resistance `IMR_j = E_j / (b_j E_R)`.
    pub imr: Vec<f64>,
    /// Flows `X_ij`, row-major.
    pub flows: Vec<f64>,
    /// Factory-gate price relative to the baseline (ones for baseline and conditional).
    pub price: Vec<f64>,
}

impl State {
    /// Number of countries.
    pub fn n(&self) -> usize {
        self.output.len()
    }

    /// International exports `sum_{j != i} X_ij`.
    pub fn exports(&self) -> Vec<f64> {
        let n = self.n();
        (0..n)
            .map(|i| {
                (0..n)
                    .filter(|&j| j != i)
                    .map(|j| self.flows[i * n + j])
                    .sum()
            })
            .collect()
    }

    /// International imports `sum_{i != j} X_ij`.
    pub fn imports(&self) -> Vec<f64> {
        let n = self.n();
        (0..n)
            .map(|j| {
                (0..n)
                    .filter(|&i| i != j)
                    .map(|i| self.flows[i * n + j])
                    .sum()
            })
            .collect()
    }

    /// Builds the state of a solved resistance system.
    pub fn from_mr(
        sol: &MrSolution,
        t: &[f64],
        output: Vec<f64>,
        expenditure: Vec<f64>,
        reference: usize,
    ) -> State {
        let er = expenditure[reference];
        let omr = output.iter().zip(&sol.a).map(|(y, a)| y * er / a).collect();
        let imr = expenditure
            .iter()
            .zip(&sol.b)
            .map(|(e, b)| e / (b * er))
            .collect();
        let n = output.len();
        State {
            output,
            expenditure,
            omr,
            imr,
            flows: sol.flows(t),
            price: vec![1.0; n],
        }
    }
}

/// The baseline world: observed output and expenditure, baseline costs and the fitted flows.
#[derive(Debug, Clone)]
pub struct Baseline {
    /// ISO3 (or other) labels, one per country, in matrix order.
    pub countries: Vec<String>,
    /// Index of the reference (numeraire) country.
    pub reference: usize,
    /// Elasticity of substitution.
    pub sigma: f64,
    /// Baseline trade costs `t_ij` (power `1 - sigma` included).
    pub costs: Vec<f64>,
    /// Resistance solve of the baseline (the estimated exporter/importer effects).
    pub solution: MrSolution,
    /// Baseline state (fitted flows; output and expenditure as observed).
    pub state: State,
}

impl Baseline {
    /// Solves the baseline from observed flows (`n x n`, exporter rows, domestic flows on
    /// the diagonal) and baseline trade costs.
    pub fn new(
        countries: Vec<String>,
        observed: &[f64],
        costs: Vec<f64>,
        reference: usize,
        sigma: f64,
    ) -> Result<Baseline> {
        let n = countries.len();
        if observed.len() != n * n || costs.len() != n * n {
            return Err(SimulateError::DimensionMismatch {
                what: format!("a baseline of {n} countries"),
                expected: format!("{} flows and costs", n * n),
                found: format!("{} and {}", observed.len(), costs.len()),
            });
        }
        if sigma.is_nan() || sigma <= 1.0 || !sigma.is_finite() {
            return Err(SimulateError::InvalidSigma { sigma });
        }
        if let Some(k) = observed.iter().position(|v| !v.is_finite() || *v < 0.0) {
            return Err(SimulateError::InvalidFlow {
                row: None,
                exporter: countries[k / n].clone(),
                importer: countries[k % n].clone(),
                value: observed[k],
            });
        }
        let (y, e) = margins(observed, n);
        for (what, v) in [("output (total sales)", &y), ("expenditure", &e)] {
            if let Some(i) = v.iter().position(|x| *x <= 0.0) {
                return Err(SimulateError::ZeroTotal {
                    country: countries[i].clone(),
                    what: what.to_string(),
                });
            }
        }
        let solution =
            mr::solve_named(&countries, &costs, &y, &e, reference, MrOptions::default())?;
        let state = State::from_mr(&solution, &costs, y, e, reference);
        Ok(Baseline {
            countries,
            reference,
            sigma,
            costs,
            solution,
            state,
        })
    }

    /// Number of countries.
    pub fn n(&self) -> usize {
        self.countries.len()
    }

    /// Conditional GE: new costs, output and expenditure held at the baseline.
    pub fn conditional(&self, costs: &[f64]) -> Result<(MrSolution, State)> {
        let s = &self.state;
        let sol = mr::solve_named(
            &self.countries,
            costs,
            &s.output,
            &s.expenditure,
            self.reference,
            MrOptions::default(),
        )?;
        let state = State::from_mr(
            &sol,
            costs,
            s.output.clone(),
            s.expenditure.clone(),
            self.reference,
        );
        Ok((sol, state))
    }
}

/// Row sums (output) and column sums (expenditure) of an `n x n` matrix.
pub fn margins(x: &[f64], n: usize) -> (Vec<f64>, Vec<f64>) {
    let mut y = vec![0.0; n];
    let mut e = vec![0.0; n];
    for i in 0..n {
        for j in 0..n {
            y[i] += x[i * n + j];
            e[j] += x[i * n + j];
        }
    }
    (y, e)
}

/// Settings of the exact full-endowment solver.
#[derive(Debug, Clone, Copy)]
pub struct ExactOptions {
    /// Trade-balance closure.
    pub closure: Closure,
    /// Stop when every market clears to this relative residual.
    pub tolerance: f64,
    /// Give up (with an error) after this many price updates.
    pub max_iterations: usize,
}

impl Default for ExactOptions {
    fn default() -> Self {
        ExactOptions {
            closure: Closure::DeficitRatio,
            tolerance: 1e-13,
            max_iterations: 10_000,
        }
    }
}

/// Convergence record of a full-endowment solve.
#[derive(Debug, Clone, PartialEq, serde::Serialize, serde::Deserialize, schemars::JsonSchema)]
pub struct Convergence {
    /// Price updates (exact) or PPML solves (GEPPML) done.
    pub iterations: usize,
    /// Largest relative market-clearing residual `|sum_j X_ij / (p_i Y_i) - 1|` of the
    /// reported equilibrium, evaluated in the exact model.
    pub market_clearing_residual: f64,
}

/// The exact full-endowment equilibrium ("exact hat algebra" on the fitted baseline):
/// factory-gate prices `p` such that every country's output `p_i Y_i` equals world demand
/// for it, expenditure follows the closure, and the reference country's consumer price
/// index is unchanged.
pub fn solve_exact(
    baseline: &Baseline,
    costs: &[f64],
    options: ExactOptions,
) -> Result<(State, Convergence)> {
    let n = baseline.n();
    let hat = HatModel::new(baseline, costs)?;
    let mut p = vec![1.0; n];
    let mut residual = f64::INFINITY;
    let mut iterations = 0;
    let mut demand = vec![0.0; n];
    while iterations < options.max_iterations {
        iterations += 1;
        residual = hat.demand(&p, options.closure, &mut demand);
        if residual <= options.tolerance {
            break;
        }
        // Demand for i's good moves with p_i^(-sigma) relative to its value p_i Y_i: this
        // update clears each market given the others' prices (a Jacobi step).
        for i in 0..n {
            p[i] *= (demand[i] / (p[i] * hat.y[i])).powf(1.0 / hat.sigma);
        }
        let scale = hat.price_index(&p, baseline.reference);
        p.iter_mut().for_each(|v| *v /= scale);
    }
    if residual > options.tolerance {
        return Err(SimulateError::NotConverged {
            what: "exact full-endowment equilibrium".into(),
            iterations,
            residual,
            tolerance: options.tolerance,
        });
    }
    let output: Vec<f64> = p.iter().zip(hat.y).map(|(p, y)| p * y).collect();
    let expenditure = options.closure.expenditure(&output, hat.y, hat.e);
    let sol = mr::solve_named(
        &baseline.countries,
        costs,
        &output,
        &expenditure,
        baseline.reference,
        MrOptions::default(),
    )?;
    let mut state = State::from_mr(&sol, costs, output, expenditure, baseline.reference);
    state.price = p;
    Ok((
        state,
        Convergence {
            iterations,
            market_clearing_residual: residual,
        },
    ))
}

/// Largest market-clearing residual of prices `p` in the exact model: how far a set of
/// prices (for example the GEPPML loop's) is from an equilibrium.
pub fn market_clearing_residual(
    baseline: &Baseline,
    costs: &[f64],
    p: &[f64],
    closure: Closure,
) -> Result<f64> {
    let hat = HatModel::new(baseline, costs)?;
    let mut demand = vec![0.0; baseline.n()];
    Ok(hat.demand(p, closure, &mut demand))
}

/// The model in changes relative to the fitted baseline.
struct HatModel<'a> {
    n: usize,
    sigma: f64,
    /// `X0_ij * t'_ij / t_ij / E_j`: baseline expenditure shares times the cost change.
    shares: Vec<f64>,
    x0: &'a [f64],
    change: Vec<f64>,
    y: &'a [f64],
    e: &'a [f64],
}

impl<'a> HatModel<'a> {
    fn new(baseline: &'a Baseline, costs: &[f64]) -> Result<Self> {
        let n = baseline.n();
        if costs.len() != n * n {
            return Err(SimulateError::DimensionMismatch {
                what: format!("counterfactual costs of {n} countries"),
                expected: (n * n).to_string(),
                found: costs.len().to_string(),
            });
        }
        let change: Vec<f64> = baseline
            .costs
            .iter()
            .zip(costs)
            .map(|(t0, t1)| if *t0 > 0.0 { t1 / t0 } else { 0.0 })
            .collect();
        if let Some(k) = change.iter().position(|v| !v.is_finite() || *v < 0.0) {
            return Err(SimulateError::InvalidCostChange {
                exporter: baseline.countries[k / n].clone(),
                importer: baseline.countries[k % n].clone(),
                value: change[k],
            });
        }
        let s = &baseline.state;
        let shares = (0..n * n)
            .map(|k| s.flows[k] * change[k] / s.expenditure[k % n])
            .collect();
        Ok(HatModel {
            n,
            sigma: baseline.sigma,
            shares,
            x0: &s.flows,
            change,
            y: &s.output,
            e: &s.expenditure,
        })
    }

    /// `P_R' / P_R`, the reference country's consumer-price change.
    fn price_index(&self, p: &[f64], reference: usize) -> f64 {
        let n = self.n;
        let s: f64 = (0..n)
            .map(|i| self.shares[i * n + reference] * p[i].powf(1.0 - self.sigma))
            .sum();
        s.powf(1.0 / (1.0 - self.sigma))
    }

    /// World demand for each country's output at prices `p`; returns the largest relative
    /// gap between demand and supply `p_i Y_i`.
    fn demand(&self, p: &[f64], closure: Closure, demand: &mut [f64]) -> f64 {
        let n = self.n;
        let pw: Vec<f64> = p.iter().map(|v| v.powf(1.0 - self.sigma)).collect();
        let output: Vec<f64> = p.iter().zip(self.y).map(|(p, y)| p * y).collect();
        let exp1 = closure.expenditure(&output, self.y, self.e);
        // P_j'^(1-sigma) / P_j^(1-sigma) for every importer.
        let mut index = vec![0.0; n];
        for i in 0..n {
            let row = &self.shares[i * n..(i + 1) * n];
            for (c, s) in index.iter_mut().zip(row) {
                *c += s * pw[i];
            }
        }
        let col: Vec<f64> = (0..n).map(|j| exp1[j] / self.e[j] / index[j]).collect();
        let mut worst: f64 = 0.0;
        for i in 0..n {
            let base = i * n;
            let d: f64 = (0..n)
                .map(|j| self.x0[base + j] * self.change[base + j] * col[j])
                .sum::<f64>()
                * pw[i];
            demand[i] = d;
            worst = worst.max((d / output[i] - 1.0).abs());
        }
        worst
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn toy() -> (Vec<String>, Vec<f64>, Vec<f64>) {
        let names = ["AAA", "BBB", "CCC"].map(String::from).to_vec();
        let x = vec![50.0, 10.0, 5.0, 8.0, 40.0, 6.0, 4.0, 7.0, 30.0];
        let t = vec![1.0, 0.2, 0.1, 0.2, 1.0, 0.15, 0.1, 0.15, 1.0];
        (names, x, t)
    }

    #[test]
    fn unchanged_costs_are_the_baseline() {
        let (names, x, t) = toy();
        let b = Baseline::new(names, &x, t.clone(), 2, 7.0).unwrap();
        for closure in [Closure::DeficitRatio, Closure::Additive] {
            let (s, c) = solve_exact(
                &b,
                &t,
                ExactOptions {
                    closure,
                    ..Default::default()
                },
            )
            .unwrap();
            assert!(c.iterations <= 2);
            for i in 0..3 {
                assert!((s.price[i] - 1.0).abs() < 1e-13);
                assert!((s.omr[i] / b.state.omr[i] - 1.0).abs() < 1e-12);
            }
        }
    }

    #[test]
    fn exact_equilibrium_clears_markets_and_keeps_numeraire() {
        let (names, x, t) = toy();
        let b = Baseline::new(names, &x, t.clone(), 2, 5.0).unwrap();
        let mut t1 = t.clone();
        t1[1] *= 2.0; // cheaper exports from AAA to BBB
        t1[3] *= 2.0;
        let (s, c) = solve_exact(&b, &t1, ExactOptions::default()).unwrap();
        assert!(c.market_clearing_residual < 1e-13);
        // Output equals the value of what the world buys from each country.
        for i in 0..3 {
            let sold: f64 = (0..3).map(|j| s.flows[i * 3 + j]).sum();
            assert!((sold / s.output[i] - 1.0).abs() < 1e-12);
        }
        // The reference country's inward resistance stays one.
        assert!((s.imr[2] - 1.0).abs() < 1e-14);
        assert!(s.price[0] > 1.0 && s.price[1] > 1.0);
    }

    #[test]
    fn closures_conserve_world_spending() {
        let y0 = [10.0, 20.0, 30.0];
        let e0 = [12.0, 18.0, 30.0];
        let y1 = [11.0, 25.0, 29.0];
        for c in [Closure::DeficitRatio, Closure::Additive] {
            let e1 = c.expenditure(&y1, &y0, &e0);
            let (a, b): (f64, f64) = (y1.iter().sum(), e1.iter().sum());
            assert!((a - b).abs() < 1e-12, "{c:?}");
        }
        // Additive: deficits scale with world output (65 / 60).
        let e1 = Closure::Additive.expenditure(&y1, &y0, &e0);
        assert!((e1[0] - (11.0 + 2.0 * 65.0 / 60.0)).abs() < 1e-12);
    }
}
