//! Running a scenario: [`prepare`] (baseline data and estimation → a [`Prepared`] problem),
//! [`solve_point`] (the counterfactual at the point estimate) and [`solve_draws`]
//! (coefficient draws for intervals, failures counted by cause); [`run_scenario_on`]
//! composes them on a table.

use crate::draws;
use crate::equilibrium::{solve_exact, Baseline, ExactOptions, State};
use crate::error::{Result, SimulateError};
use crate::geppml::{solve_geppml, GeppmlOptions};
use crate::measures::{Comparison, CountryEffects, Direction, PriceReversal};
use crate::prepare::{prepare, Prepared};
use crate::result::{
    ConvergenceReport, CountryIntervals, DrawSummary, PairChange, ScenarioResult, MEASURES,
};
use crate::scenario::Scenario;
use hallyu_data::reference::Reference;
use hallyu_data::Table;
use hallyu_estimate::Progress;
use serde::{Deserialize, Serialize};

/// Full-endowment solution method.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, schemars::JsonSchema)]
#[serde(rename_all = "snake_case")]
pub enum Method {
    /// The exact equilibrium.
    Exact,
    /// The Advanced Guide's iterative loop with its stopping rule.
    Geppml,
}

impl Method {
    /// The method's name (`exact`, `geppml`).
    pub fn name(self) -> &'static str {
        match self {
            Method::Exact => "exact",
            Method::Geppml => "geppml",
        }
    }
}

/// The most coefficient draws a run takes; 1,000 already give stable 95% intervals.
pub const MAX_DRAWS: usize = 100_000;

/// Settings of a run.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, schemars::JsonSchema)]
#[serde(default, deny_unknown_fields)]
pub struct RunOptions {
    /// Solution method of the full-endowment equilibrium (default `exact`).
    pub method: Method,
    /// Tolerance (exact: market-clearing residual; geppml: the loop's stopping rule);
    /// `None`: the method's default.
    pub tolerance: Option<f64>,
    /// Iteration limit; `None`: the method's default.
    pub max_iterations: Option<usize>,
    /// Coefficient draws for intervals (0 = none, at most [`MAX_DRAWS`]).
    pub draws: usize,
    /// Seed of the draws (default 1).
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

impl RunOptions {
    /// Checks the options against their ranges.
    pub fn validate(&self) -> Result<()> {
        if self.draws > MAX_DRAWS {
            return Err(SimulateError::TooManyDraws {
                requested: self.draws,
                max: MAX_DRAWS,
            });
        }
        Ok(())
    }
}

/// The equilibria of one set of coefficients.
struct Solved {
    baseline: Baseline,
    conditional: State,
    full: State,
    convergence: ConvergenceReport,
}

fn solve(
    prepared: &Prepared,
    coefficients: &[(String, f64)],
    options: &RunOptions,
) -> Result<Solved> {
    let (t0, t1) = prepared.problem.costs(coefficients)?;
    let w = &prepared.problem.world;
    let b = &prepared.scenario.baseline;
    let baseline = Baseline::new(
        w.countries.clone(),
        &w.flows,
        t0,
        prepared.reference,
        b.sigma,
    )?;
    let (cdl_sol, conditional) = baseline.conditional(&t1)?;
    let closure = b.closure;
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

/// The counterfactual at the point estimate.
#[derive(Debug, Clone, PartialEq)]
pub struct PointSolution {
    /// Convergence of the full-endowment solve.
    pub convergence: ConvergenceReport,
    /// Per-country effects.
    pub effects: Vec<CountryEffects>,
    /// Pair-level changes (when the options ask for them).
    pub bilateral: Vec<PairChange>,
}

/// Solves the prepared scenario at its point estimate.
pub fn solve_point(prepared: &Prepared, options: &RunOptions) -> Result<PointSolution> {
    let solved = solve(prepared, &prepared.point(), options)?;
    let countries = prepared.countries();
    let effects = effects_of(&solved, countries, prepared.scenario.baseline.sigma);
    let n = countries.len();
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
                changed: prepared.problem.changed[c],
            })
            .collect()
    } else {
        Vec::new()
    };
    Ok(PointSolution {
        convergence: solved.convergence,
        effects,
        bilateral,
    })
}

/// Intervals over coefficient draws and how the draws went.
#[derive(Debug, Clone, PartialEq)]
pub struct DrawsOutcome {
    /// Per-country intervals over the solved draws.
    pub intervals: Vec<CountryIntervals>,
    /// Draws asked for, solved, and failed by cause.
    pub summary: DrawSummary,
}

/// Re-solves the prepared scenario for `options.draws` draws from the estimated sampling
/// distribution of the coefficients. Draws that cannot be solved are left out of the
/// intervals and counted by cause; fewer than two solved draws is an error.
pub fn solve_draws(prepared: &Prepared, options: &RunOptions) -> Result<DrawsOutcome> {
    solve_draws_with(prepared, options, &hallyu_estimate::NoProgress)
}

/// As [`solve_draws`], reporting each solved draw to `progress` and stopping with
/// [`SimulateError::Cancelled`] once it asks to.
pub fn solve_draws_with(
    prepared: &Prepared,
    options: &RunOptions,
    progress: &dyn Progress,
) -> Result<DrawsOutcome> {
    options.validate()?;
    let done = std::sync::atomic::AtomicUsize::new(0);
    let fit = prepared.fit().ok_or(SimulateError::DrawsNeedVariance)?;
    let names: Vec<String> = fit.coefficients.iter().map(|c| c.term.clone()).collect();
    let mean: Vec<f64> = fit.coefficients.iter().map(|c| c.estimate).collect();
    let samples = draws::normal_draws(&mean, &fit.vcov_matrix, options.draws, options.seed)?;
    let countries = prepared.countries();
    let sigma = prepared.scenario.baseline.sigma;
    let results: Vec<Result<Vec<[f64; 7]>>> = {
        use rayon::prelude::*;
        samples
            .par_iter()
            .map(|beta| {
                if progress.cancelled() {
                    return Err(SimulateError::Cancelled);
                }
                let c: Vec<(String, f64)> =
                    names.iter().cloned().zip(beta.iter().copied()).collect();
                let solved = solve(prepared, &c, options).map(|s| {
                    effects_of(&s, countries, sigma)
                        .iter()
                        .map(CountryEffects::values)
                        .collect()
                });
                let n = done.fetch_add(1, std::sync::atomic::Ordering::Relaxed) + 1;
                progress.update("coefficient draws", n, f64::NAN);
                solved
            })
            .collect()
    };
    if progress.cancelled() {
        return Err(SimulateError::Cancelled);
    }
    let ok: Vec<&Vec<[f64; 7]>> = results.iter().filter_map(|r| r.as_ref().ok()).collect();
    let failed = draws::tally(results.iter().filter_map(|r| r.as_ref().err()));
    let summary = DrawSummary {
        requested: results.len(),
        solved: ok.len(),
        failed,
    };
    if ok.len() < 2 {
        return Err(SimulateError::DrawsUnsolved {
            failed: summary.requested - summary.solved,
            requested: summary.requested,
            causes: summary.failed,
        });
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
    Ok(DrawsOutcome { intervals, summary })
}

/// The note that says intervals rest on fewer draws than asked, and why.
fn draws_note(summary: &DrawSummary) -> Option<String> {
    if summary.solved == summary.requested {
        return None;
    }
    let causes: Vec<String> = summary
        .failed
        .iter()
        .map(|f| format!("{} x {}", f.count, f.cause))
        .collect();
    Some(format!(
        "intervals rest on {} of the {} coefficient draws asked for; the others could not be solved ({})",
        summary.solved,
        summary.requested,
        causes.join("; ")
    ))
}

/// Runs a scenario on `table` (one row per exporter, importer and year, domestic flows
/// included): prepare, solve at the point estimate, then the draws when asked for.
pub fn run_scenario_on(
    scenario: &Scenario,
    table: Table,
    options: &RunOptions,
    reference_tables: &Reference,
    progress: &dyn Progress,
) -> Result<ScenarioResult> {
    options.validate()?;
    let prepared = prepare(scenario, table, reference_tables, progress)?;
    let point = solve_point(&prepared, options)?;
    let mut notes = prepared.notes().to_vec();
    let (intervals, draw_summary) = if options.draws > 0 {
        let d = solve_draws_with(&prepared, options, progress)?;
        notes.extend(draws_note(&d.summary));
        (d.intervals, Some(d.summary))
    } else {
        (Vec::new(), None)
    };
    let b = &scenario.baseline;
    Ok(ScenarioResult {
        title: scenario.title.clone(),
        year: b.year,
        countries: prepared.countries().len(),
        sigma: b.sigma,
        reference: prepared.reference_country().to_string(),
        closure: b.closure,
        coefficients: prepared.coefficients().to_vec(),
        estimation_nobs: prepared.fit().map(|f| f.nobs),
        changed_pairs: prepared.changed_pairs(),
        notes,
        convergence: point.convergence,
        effects: point.effects,
        draws: options.draws,
        draws_failed: draw_summary.as_ref().map_or(0, |s| s.requested - s.solved),
        draw_summary,
        intervals,
        bilateral: point.bilateral,
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
        let r = run_scenario_on(
            &s,
            hallyu_data::embedded::agtpa().unwrap(),
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

    fn border() -> Scenario {
        parse_scenario(
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
        .unwrap()
    }

    #[test]
    fn a_result_with_draws_round_trips_through_json() {
        let options = RunOptions {
            draws: 4,
            bilateral: true,
            ..Default::default()
        };
        let r = run_scenario_on(
            &border(),
            hallyu_data::embedded::agtpa().unwrap(),
            &options,
            &hallyu_data::reference::Reference::builtin(),
            &NoProgress,
        )
        .unwrap();
        let summary = r.draw_summary.as_ref().unwrap();
        assert_eq!((summary.requested, summary.solved), (4, 4));
        assert!(summary.failed.is_empty() && r.draws_failed == 0);
        let json = serde_json::to_string(&r).unwrap();
        let back: ScenarioResult = serde_json::from_str(&json).unwrap();
        assert_eq!(back, r);
    }

    #[test]
    fn draw_failures_are_counted_by_cause_not_dropped() {
        let prepared = prepare(
            &border(),
            hallyu_data::embedded::agtpa().unwrap(),
            &hallyu_data::reference::Reference::builtin(),
            &NoProgress,
        )
        .unwrap();
        assert!(solve_point(&prepared, &RunOptions::default()).is_ok());
        // One iteration solves no draw: every failure is counted under its cause.
        let starved = RunOptions {
            draws: 5,
            max_iterations: Some(1),
            ..Default::default()
        };
        match solve_draws(&prepared, &starved).unwrap_err() {
            SimulateError::DrawsUnsolved {
                failed,
                requested,
                causes,
            } => {
                assert_eq!((failed, requested), (5, 5));
                assert_eq!(causes.len(), 1, "{causes:?}");
                assert_eq!(causes[0].count, 5);
                assert!(causes[0].cause.contains("did not converge"), "{causes:?}");
            }
            other => panic!("{other}"),
        }
        let e = solve_draws(
            &prepared,
            &RunOptions {
                draws: MAX_DRAWS + 1,
                ..Default::default()
            },
        )
        .unwrap_err();
        assert!(matches!(e, SimulateError::TooManyDraws { .. }), "{e}");
    }

    #[test]
    fn a_note_says_when_intervals_rest_on_fewer_draws() {
        let mut s = DrawSummary {
            requested: 5,
            solved: 5,
            failed: vec![],
        };
        assert_eq!(draws_note(&s), None);
        s.solved = 3;
        s.failed = vec![crate::DrawFailure {
            cause: "exact full-endowment equilibrium did not converge".into(),
            count: 2,
            example: String::new(),
        }];
        let note = draws_note(&s).unwrap();
        assert!(
            note.contains("3 of the 5") && note.contains("2 x exact full-endowment"),
            "{note}"
        );
    }

    #[test]
    fn given_coefficients_have_no_draws() {
        let mut s = border();
        s.baseline.coefficients = Some(
            [("log(dist)", -0.8), ("cntg", 0.6), ("intl_border", -2.0)]
                .map(|(k, v)| (k.to_string(), v))
                .into_iter()
                .collect(),
        );
        let prepared = prepare(
            &s,
            hallyu_data::embedded::agtpa().unwrap(),
            &hallyu_data::reference::Reference::builtin(),
            &NoProgress,
        )
        .unwrap();
        assert!(prepared.fit().is_none());
        let options = RunOptions {
            draws: 3,
            ..Default::default()
        };
        let e = solve_draws(&prepared, &options).unwrap_err();
        assert!(matches!(e, SimulateError::DrawsNeedVariance), "{e}");
        assert!(!e.to_string().contains("--"), "{e}");
    }
}
