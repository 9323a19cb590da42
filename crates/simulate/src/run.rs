//! Running a scenario end to end: data → baseline estimation → trade costs → baseline,
//! conditional and full-endowment equilibria → per-country effects, with optional
//! coefficient draws for uncertainty.

use crate::costs::{self, regressors};
use crate::draws;
use crate::equilibrium::{solve_exact, Baseline, ExactOptions, State};
use crate::error::{Result, SimulateError};
use crate::geppml::{solve_geppml, GeppmlOptions, RoundStats};
use crate::measures::{Comparison, CountryEffects, Direction, PriceReversal};
use crate::pair_costs::PairCosts;
use crate::scenario::{Action, Scenario};
use crate::world::{codes, square_world, FlowColumns, SquareWorld};
use hallyu_data::{embedded, read, Column, Table};
use hallyu_estimate::{estimate, Estimator, FitRequest, Formula, Progress, VcovSpec};
use serde::Serialize;

/// Full-endowment solution method.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Method {
    /// The exact equilibrium.
    Exact,
    /// The Advanced Guide's iterative loop with its stopping rule.
    Geppml,
}

impl Method {
    /// The name the user writes (`--method exact|geppml`).
    pub fn name(self) -> &'static str {
        match self {
            Method::Exact => "exact",
            Method::Geppml => "geppml",
        }
    }
}

/// The most coefficient draws a run takes (`--draws`); 1,000 already give stable 95%
/// intervals.
pub const MAX_DRAWS: usize = 100_000;

/// Settings of a run.
#[derive(Debug, Clone)]
pub struct RunOptions {
    /// Solution method.
    pub method: Method,
    /// Tolerance (exact: market-clearing residual; geppml: the loop's stopping rule).
    pub tolerance: Option<f64>,
    /// Iteration limit.
    pub max_iterations: Option<usize>,
    /// Coefficient draws for intervals (0 = none).
    pub draws: usize,
    /// Seed of the draws.
    pub seed: u64,
    /// Report pair-level flow changes.
    pub bilateral: bool,
}

impl Default for RunOptions {
    fn default() -> Self {
        RunOptions {
            method: Method::Exact,
            tolerance: None,
            max_iterations: None,
            draws: 0,
            seed: 1,
            bilateral: false,
        }
    }
}

/// A coefficient of the cost function.
#[derive(Debug, Clone, Serialize)]
pub struct CostCoefficient {
    /// Regressor name.
    pub term: String,
    /// Value used.
    pub estimate: f64,
    /// Standard error (`None` when given by the user).
    pub std_error: Option<f64>,
}

/// Convergence of the full-endowment solve.
#[derive(Debug, Clone, Serialize)]
pub struct ConvergenceReport {
    /// Method.
    pub method: Method,
    /// Iterations.
    pub iterations: usize,
    /// Largest relative market-clearing residual of the reported prices in the exact model.
    pub market_clearing_residual: f64,
    /// GEPPML per-round log.
    pub rounds: Vec<RoundStats>,
}

/// Median and 95% interval of one measure over the draws.
#[derive(Debug, Clone, Copy, Serialize)]
pub struct Interval {
    /// Median.
    pub median: f64,
    /// 2.5th percentile.
    pub low: f64,
    /// 97.5th percentile.
    pub high: f64,
}

/// Intervals for one country.
#[derive(Debug, Clone, Serialize)]
pub struct CountryIntervals {
    /// Country.
    pub country: String,
    /// `(measure, interval)` in [`MEASURES`] order.
    pub measures: Vec<(String, Interval)>,
}

/// Flow change of one pair.
#[derive(Debug, Clone, Serialize)]
pub struct PairChange {
    /// Exporter.
    pub exporter: String,
    /// Importer.
    pub importer: String,
    /// Baseline (fitted) flow.
    pub baseline: f64,
    /// % change, conditional GE.
    pub change_cdl: f64,
    /// % change, full-endowment GE.
    pub change_full: f64,
    /// Whether the scenario changed this pair's cost.
    pub changed: bool,
}

/// Everything a scenario run produces.
#[derive(Debug, Clone, Serialize)]
pub struct ScenarioResult {
    /// Title.
    pub title: Option<String>,
    /// Simulated year.
    pub year: i32,
    /// Countries in the world.
    pub countries: usize,
    /// Elasticity of substitution.
    pub sigma: f64,
    /// Numeraire country.
    pub reference: String,
    /// Trade-balance closure.
    pub closure: crate::Closure,
    /// Cost-function coefficients.
    pub coefficients: Vec<CostCoefficient>,
    /// Observations of the baseline estimation (`None` when coefficients were given).
    pub estimation_nobs: Option<usize>,
    /// Directed pairs whose cost changed.
    pub changed_pairs: usize,
    /// Things the user should know (bloc members absent from the data...).
    pub notes: Vec<String>,
    /// Convergence of the point estimate.
    pub convergence: ConvergenceReport,
    /// Per-country effects at the point estimate.
    pub effects: Vec<CountryEffects>,
    /// Draws requested and draws that failed to converge.
    pub draws: usize,
    /// Draws whose equilibrium could not be solved (left out of the intervals).
    pub draws_failed: usize,
    /// Per-country intervals over the draws.
    pub intervals: Vec<CountryIntervals>,
    /// Pair-level changes (on request).
    pub bilateral: Vec<PairChange>,
}

/// Measures with intervals, as `CountryEffects` field names.
pub const MEASURES: [&str; 7] = [
    "exports_cdl",
    "exports_full",
    "imports_full",
    "real_gdp_full",
    "price_full",
    "imr_full",
    "omr_full",
];

fn replace_column(table: &Table, name: &str, values: Vec<f64>) -> Result<Table> {
    let mut out = Table::new();
    let mut values = Some(values);
    for (n, c) in table.iter() {
        if n == name {
            out.push(n, Column::Num(values.take().unwrap_or_default()))?;
        } else {
            out.push(n, c.clone())?;
        }
    }
    if let Some(v) = values {
        out.push(name, Column::Num(v))?;
    }
    Ok(out)
}

/// The prepared problem: world, regressors of baseline and counterfactual, cost scaling.
struct Problem {
    world: SquareWorld,
    base_regs: Vec<(String, Vec<f64>)>,
    cfl_regs: Vec<(String, Vec<f64>)>,
    /// Multipliers of `t` from `cost_factor` changes (1 elsewhere), per cell.
    scale: Vec<f64>,
    changed: Vec<bool>,
    /// Pair fixed effects, when the baseline has them.
    pair: Option<PairCosts>,
}

impl Problem {
    fn costs(&self, coefficients: &[(String, f64)]) -> Result<(Vec<f64>, Vec<f64>)> {
        let mut t0 = costs::cost_matrix(&self.world, &self.base_regs, coefficients)?;
        let mut t1 = costs::cost_matrix(&self.world, &self.cfl_regs, coefficients)?;
        t1.iter_mut().zip(&self.scale).for_each(|(t, s)| *t *= s);
        if let Some(pair) = &self.pair {
            let gamma = pair.log_effects(coefficients)?;
            for ((a, b), g) in t0.iter_mut().zip(t1.iter_mut()).zip(&gamma) {
                let e = g.exp();
                *a *= e;
                *b *= e;
            }
        }
        Ok((t0, t1))
    }
}

struct Solved {
    baseline: Baseline,
    conditional: State,
    full: State,
    convergence: ConvergenceReport,
}

fn solve(
    problem: &Problem,
    coefficients: &[(String, f64)],
    reference: usize,
    scenario: &Scenario,
    options: &RunOptions,
) -> Result<Solved> {
    let (t0, t1) = problem.costs(coefficients)?;
    let w = &problem.world;
    let baseline = Baseline::new(
        w.countries.clone(),
        &w.flows,
        t0,
        reference,
        scenario.baseline.sigma,
    )?;
    let (cdl_sol, conditional) = baseline.conditional(&t1)?;
    let closure = scenario.baseline.closure;
    let (full, convergence) = match options.method {
        Method::Exact => {
            let mut o = ExactOptions {
                closure,
                ..Default::default()
            };
            if let Some(t) = options.tolerance {
                o.tolerance = t;
            }
            if let Some(m) = options.max_iterations {
                o.max_iterations = m;
            }
            let (s, c) = solve_exact(&baseline, &t1, o)?;
            (
                s,
                ConvergenceReport {
                    method: Method::Exact,
                    iterations: c.iterations,
                    market_clearing_residual: c.market_clearing_residual,
                    rounds: vec![],
                },
            )
        }
        Method::Geppml => {
            let mut o = GeppmlOptions::default();
            if let Some(t) = options.tolerance {
                o.tolerance = t;
            }
            if let Some(m) = options.max_iterations {
                o.max_iterations = m;
            }
            let r = solve_geppml(&baseline, &cdl_sol, &t1, o)?;
            let residual =
                crate::market_clearing_residual(&baseline, &t1, &r.state.price, closure)?;
            (
                r.state,
                ConvergenceReport {
                    method: Method::Geppml,
                    iterations: r.rounds.len(),
                    market_clearing_residual: residual,
                    rounds: r.rounds,
                },
            )
        }
    };
    Ok(Solved {
        baseline,
        conditional,
        full,
        convergence,
    })
}

fn effects_of(solved: &Solved, countries: &[String], sigma: f64) -> Vec<CountryEffects> {
    Comparison {
        countries,
        sigma,
        baseline: &solved.baseline.state,
        conditional: &solved.conditional,
        full: &solved.full,
    }
    .effects(Direction::Forward, PriceReversal::Exact)
}

/// Runs a scenario on its `data` file (or the embedded panel when it names none).
pub fn run_scenario(
    scenario: &Scenario,
    options: &RunOptions,
    reference_tables: &hallyu_data::reference::Reference,
    progress: &dyn Progress,
) -> Result<ScenarioResult> {
    let table = match &scenario.baseline.data {
        Some(path) if path.is_dir() => {
            return Err(SimulateError::Scenario(format!(
                "data {} is a folder: a dataset folder is read as a gravity panel with \
                 `hallyu simulate SCENARIO --data {}` (and --group, --source, --perspective)",
                path.display(),
                path.display()
            )))
        }
        Some(path) => read::read_path(path, &read::ReadOptions::default())?,
        None => embedded::agtpa()?,
    };
    run_scenario_on(scenario, table, options, reference_tables, progress)
}

/// Runs a scenario on `table` (one row per exporter, importer and year, domestic flows
/// included) instead of the scenario's `data`.
pub fn run_scenario_on(
    scenario: &Scenario,
    mut table: Table,
    options: &RunOptions,
    reference_tables: &hallyu_data::reference::Reference,
    progress: &dyn Progress,
) -> Result<ScenarioResult> {
    if options.draws > MAX_DRAWS {
        return Err(SimulateError::InvalidOption(format!(
            "--draws {}: at most {MAX_DRAWS} coefficient draws (each is a full solve, and every one is kept until the intervals are taken)",
            options.draws
        )));
    }
    let b = &scenario.baseline;
    let formula = Formula::parse(&b.formula)?;
    let allowed = [&b.exporter, &b.importer, &b.year_column];
    let mut pair_dim = None;
    for (q, fe) in formula.fixed_effects.iter().enumerate() {
        if fe.iter().all(|c| allowed.contains(&c))
            && fe != &[b.exporter.clone(), b.importer.clone()]
        {
            continue;
        }
        if pair_dim.is_some() {
            return Err(SimulateError::Scenario(format!(
                "fixed effect `{}`: a scenario's baseline may absorb exporter, importer and year effects and one pair effect",
                Formula::fe_name(fe)
            )));
        }
        pair_dim = Some(q);
    }
    let exporters = codes(&table, &b.exporter)?;
    let importers = codes(&table, &b.importer)?;
    if formula.columns().iter().any(|c| c == "intl_border") && !table.has("intl_border") {
        let border = exporters
            .iter()
            .zip(&importers)
            .map(|(e, i)| f64::from(u8::from(e != i)))
            .collect();
        table.push("intl_border", Column::Num(border))?;
    }
    let years = table.num(&b.year_column)?.to_vec();
    let estimation_years = b.estimation_years.clone().unwrap_or_else(|| vec![b.year]);
    let in_years = |y: f64, list: &[i32]| list.iter().any(|v| f64::from(*v) == y);
    let world_rows: Vec<bool> = years.iter().map(|y| in_years(*y, &[b.year])).collect();
    if !world_rows.iter().any(|k| *k) {
        let mut present: Vec<i64> = years.iter().map(|y| *y as i64).collect();
        present.sort_unstable();
        present.dedup();
        return Err(SimulateError::Scenario(format!(
            "year {} is not in the data (years: {}..{})",
            b.year,
            present.first().copied().unwrap_or(0),
            present.last().copied().unwrap_or(0)
        )));
    }

    let est_rows: Vec<bool> = years
        .iter()
        .map(|y| in_years(*y, &estimation_years))
        .collect();
    // Cost-function coefficients: given, or estimated by PPML.
    let (coefs, fit): (Vec<CostCoefficient>, Option<hallyu_estimate::Fit>) = match &b.coefficients {
        Some(given) => (
            given
                .iter()
                .map(|(k, v)| CostCoefficient {
                    term: k.clone(),
                    estimate: *v,
                    std_error: None,
                })
                .collect(),
            None,
        ),
        None => {
            let sample = table.select_rows(&est_rows);
            let mut req = FitRequest::new(formula.clone(), Estimator::Poisson);
            req.vcov = Some(match b.vcov.as_deref().unwrap_or("hetero") {
                "hetero" => VcovSpec::Hetero,
                "iid" => VcovSpec::Iid,
                cluster => VcovSpec::Cluster(
                    cluster
                        .split(',')
                        .map(|c| c.trim().split('^').map(str::to_string).collect())
                        .collect(),
                ),
            });
            let fit = estimate(&sample, &req, progress)?;
            if !fit.converged {
                return Err(SimulateError::NotConverged {
                    what: "baseline PPML".into(),
                    iterations: fit.iterations,
                    residual: f64::NAN,
                    tolerance: req.options.irls.tol,
                });
            }
            let c = fit
                .coefficients
                .iter()
                .filter(|c| c.estimate.is_finite())
                .map(|c| CostCoefficient {
                    term: c.term.clone(),
                    estimate: c.estimate,
                    std_error: Some(c.std_error),
                })
                .collect();
            (c, Some(fit))
        }
    };
    let point: Vec<(String, f64)> = coefs.iter().map(|c| (c.term.clone(), c.estimate)).collect();

    // The world and its counterfactual.
    let world_table = table.select_rows(&world_rows);
    let cols = FlowColumns {
        exporter: b.exporter.clone(),
        importer: b.importer.clone(),
        value: b.value.clone(),
    };
    let world = square_world(&world_table, &cols)?;
    let n = world.n();
    let reference = match &b.reference {
        Some(r) => world.index(&r.to_uppercase()).ok_or_else(|| {
            SimulateError::Scenario(format!("reference country `{r}` is not in the data"))
        })?,
        None => world.index("DEU").unwrap_or(0),
    };
    let base_regs = regressors(&world_table, &formula)?;
    let mut row_of_cell = vec![0usize; n * n];
    for (r, c) in world.cell_of_row.iter().enumerate() {
        row_of_cell[*c] = r;
    }
    let mut cfl_table = world_table.clone();
    let mut scale = vec![1.0; n * n];
    let mut changed = vec![false; n * n];
    let mut notes = Vec::new();
    let used = formula.columns();
    for (k, change) in scenario.changes.iter().enumerate() {
        let k = k + 1;
        let selection = change.pairs(k, &world.countries, b.year, reference_tables)?;
        if !selection.absent.is_empty() {
            notes.push(format!(
                "change {k}: not in the data, left out: {}",
                selection.absent.join(", ")
            ));
        }
        match change.action(k)? {
            Action::Set { variable, value } => {
                if !used.contains(&variable) || variable == b.value {
                    return Err(SimulateError::Scenario(format!(
                        "change {k}: `{variable}` is not a regressor of the formula `{}`",
                        b.formula
                    )));
                }
                let mut v = cfl_table.num(&variable)?.to_vec();
                let mut already = Vec::new();
                for c in &selection.cells {
                    let r = row_of_cell[*c];
                    if v[r] != value {
                        v[r] = value;
                        changed[*c] = true;
                    } else {
                        already.push(format!(
                            "{}-{}",
                            world.countries[c / n],
                            world.countries[c % n]
                        ));
                    }
                }
                if !already.is_empty() && already.len() < selection.cells.len() {
                    let shown = already
                        .iter()
                        .take(12)
                        .cloned()
                        .collect::<Vec<_>>()
                        .join(", ");
                    notes.push(format!(
                        "change {k}: {} of the {} selected pairs already have {variable} = {value} and are unchanged: {shown}{}",
                        already.len(),
                        selection.cells.len(),
                        if already.len() > 12 { ", ..." } else { "" }
                    ));
                }
                if already.len() == selection.cells.len() {
                    return Err(SimulateError::Scenario(format!(
                        "change {k} changes nothing: `{variable}` is already {value} for all {} selected pairs",
                        selection.cells.len()
                    )));
                }
                cfl_table = replace_column(&cfl_table, &variable, v)?;
            }
            Action::Scale(f) => {
                if f == 1.0 {
                    return Err(SimulateError::Scenario(format!(
                        "change {k} changes nothing: cost_factor is 1"
                    )));
                }
                let m = f.powf(1.0 - b.sigma);
                for c in &selection.cells {
                    scale[*c] *= m;
                    changed[*c] = true;
                }
            }
        }
    }
    let cfl_regs = regressors(&cfl_table, &formula)?;
    let pair = match pair_dim {
        Some(q) => Some(PairCosts::new(
            &table.select_rows(&est_rows),
            &formula,
            q,
            &world_table,
            &world,
            &b.exporter,
            &b.importer,
            b.fill.as_deref(),
        )?),
        None => None,
    };
    let problem = Problem {
        world,
        base_regs,
        cfl_regs,
        scale,
        changed,
        pair,
    };
    // Pair effects are common to both worlds, so the regressors and cost factors decide.
    let t0 = costs::cost_matrix(&problem.world, &problem.base_regs, &point)?;
    let t1 = costs::cost_matrix(&problem.world, &problem.cfl_regs, &point)?;
    if t0 == t1 && problem.scale.iter().all(|s| *s == 1.0) {
        return Err(SimulateError::Scenario(
            "the scenario changes nothing: the changed variables have zero coefficients".into(),
        ));
    }
    let solved = solve(&problem, &point, reference, scenario, options)?;
    let countries = &problem.world.countries;
    let effects = effects_of(&solved, countries, b.sigma);
    let bilateral = if options.bilateral {
        let x0 = &solved.baseline.state.flows;
        let (xc, xf) = (&solved.conditional.flows, &solved.full.flows);
        (0..n * n)
            .map(|c| PairChange {
                exporter: countries[c / n].clone(),
                importer: countries[c % n].clone(),
                baseline: x0[c],
                change_cdl: (xc[c] / x0[c] - 1.0) * 100.0,
                change_full: (xf[c] / x0[c] - 1.0) * 100.0,
                changed: problem.changed[c],
            })
            .collect()
    } else {
        Vec::new()
    };

    // Uncertainty: re-solve for draws from the estimated sampling distribution.
    let (intervals, draws_failed) = if options.draws > 0 {
        let fit = fit.as_ref().ok_or_else(|| {
            SimulateError::Scenario(
                "--draws needs estimated coefficients (the scenario gives them directly, without a variance)".into(),
            )
        })?;
        let names: Vec<String> = fit.coefficients.iter().map(|c| c.term.clone()).collect();
        let mean: Vec<f64> = fit.coefficients.iter().map(|c| c.estimate).collect();
        let samples = draws::normal_draws(&mean, &fit.vcov_matrix, options.draws, options.seed)?;
        let results: Vec<Option<Vec<[f64; 7]>>> = {
            use rayon::prelude::*;
            samples
                .par_iter()
                .map(|beta| {
                    let c: Vec<(String, f64)> =
                        names.iter().cloned().zip(beta.iter().copied()).collect();
                    solve(&problem, &c, reference, scenario, options)
                        .ok()
                        .map(|s| {
                            effects_of(&s, countries, b.sigma)
                                .iter()
                                .map(CountryEffects::values)
                                .collect()
                        })
                })
                .collect()
        };
        let ok: Vec<&Vec<[f64; 7]>> = results.iter().flatten().collect();
        let failed = results.len() - ok.len();
        if ok.len() < 2 {
            return Err(SimulateError::Unsolved(format!(
                "{failed} of {} coefficient draws could not be solved; no interval can be reported",
                results.len()
            )));
        }
        let intervals = countries
            .iter()
            .enumerate()
            .map(|(i, c)| CountryIntervals {
                country: c.clone(),
                measures: MEASURES
                    .iter()
                    .enumerate()
                    .map(|(m, name)| {
                        let mut v: Vec<f64> = ok.iter().map(|d| d[i][m]).collect();
                        (name.to_string(), draws::interval(&mut v))
                    })
                    .collect(),
            })
            .collect();
        (intervals, failed)
    } else {
        (Vec::new(), 0)
    };

    Ok(ScenarioResult {
        title: scenario.title.clone(),
        year: b.year,
        countries: n,
        sigma: b.sigma,
        reference: countries[reference].clone(),
        closure: b.closure,
        coefficients: coefs,
        estimation_nobs: fit.as_ref().map(|f| f.nobs),
        changed_pairs: problem.changed.iter().filter(|c| **c).count(),
        notes,
        convergence: solved.convergence,
        effects,
        draws: options.draws,
        draws_failed,
        intervals,
        bilateral,
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::scenario::parse_scenario;
    use hallyu_estimate::NoProgress;

    #[test]
    fn removing_the_border_reproduces_the_chapter_2_exact_equilibrium() {
        // The trade-without-borders exercise written as a scenario gives the exact
        // reference (USA real GDP +10.6813 %, procedure document section 6).
        let s = parse_scenario(
            r#"
[baseline]
year = 2006
formula = "trade ~ log(dist) + cntg + intl_border | exporter + importer"
[[change]]
variable = "intl_border"
value = 0
pairs = "all"
"#,
        )
        .unwrap();
        let r = run_scenario(
            &s,
            &RunOptions::default(),
            &hallyu_data::reference::Reference::builtin(),
            &NoProgress,
        )
        .unwrap();
        let usa = r.effects.iter().find(|e| e.country == "USA").unwrap();
        assert!(
            (usa.real_gdp_full - 10.681326906471389).abs() < 1e-5,
            "{}",
            usa.real_gdp_full
        );
        assert_eq!(r.changed_pairs, 69 * 68);
        assert!(r.convergence.market_clearing_residual < 1e-12);
    }
}
