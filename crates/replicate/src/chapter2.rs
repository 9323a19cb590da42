//! Chapter 2 of the Advanced Guide: general-equilibrium analysis on the embedded panel.
//!
//! Two applications, built exactly as the book's Stata code builds them (the procedure is
//! written out in `data/GE_PROCEDURE.md`):
//! * "trade without borders": 2006 cross-section, PPML with exporter and importer effects,
//!   log distance, contiguity and an international-border dummy; the counterfactual removes
//!   the border;
//! * NAFTA: three-way PPML (exporter-year, importer-year, pair effects; all domestic pairs
//!   share one effect) on 1986-2006 every four years, pair effects recovered and filled for
//!   the pairs that never trade by a second-stage PPML on gravity covariates (1994); the
//!   counterfactual removes NAFTA, and effects are reported as the effect of NAFTA's existence.
//!
//! Each application is solved by the Guide's GEPPML loop (`geppml`) and exactly (`exact`).

use crate::panel::{strings, text_column};
use crate::{ReplicateError, Result};
use hallyu_data::{embedded, filter, Column, Table};
use hallyu_estimate::{estimate, Estimator, Fit, FitRequest, Formula, Progress, VcovSpec};
use hallyu_simulate::{
    costs, solve_exact, solve_geppml, square_world, Baseline, Closure, Comparison, Convergence,
    Direction, ExactOptions, FlowColumns, GeppmlOptions, PairCosts, PriceReversal, RoundStats,
    SquareWorld,
};
use std::collections::HashMap;

/// One reported number: `(application, method, country, measure, value)`.
#[derive(Debug, Clone, PartialEq, serde::Serialize, serde::Deserialize, schemars::JsonSchema)]
pub struct GeRecord {
    /// `trade_without_borders` or `nafta`.
    pub application: String,
    /// `geppml` (the Guide's loop) or `exact` (exact equilibrium, fixed deficit ratios).
    pub method: String,
    /// ISO3 code.
    pub country: String,
    /// Measure name as in the Guide's result files (`change_rGDP_FULL`, `Xi_BLN`, ...).
    pub measure: String,
    /// Value.
    pub value: f64,
}

/// Everything one application produced.
#[derive(Debug, Clone, PartialEq, serde::Serialize, serde::Deserialize, schemars::JsonSchema)]
pub struct ApplicationRun {
    /// Application id.
    pub application: String,
    /// Gravity estimates the scenario rests on.
    pub fits: Vec<Fit>,
    /// GEPPML loop log (the Guide prints it).
    pub rounds: Vec<RoundStats>,
    /// Exact solver convergence (fixed deficit ratios).
    pub exact: Convergence,
    /// Market-clearing residual of the GEPPML prices in the exact model.
    pub geppml_market_clearing: f64,
    /// Measures, both methods.
    pub records: Vec<GeRecord>,
    /// Exact equilibrium with additive deficits (`ge_gravity`'s default closure), same names.
    pub additive: Vec<GeRecord>,
    /// The book's published numbers for this application, where the project has them
    /// (method `book`).
    pub published: Vec<GeRecord>,
}

/// Runs both applications.
pub fn run_chapter2(progress: &dyn Progress) -> Result<Vec<ApplicationRun>> {
    Ok(vec![trade_without_borders(progress)?, nafta(progress)?])
}

fn sim(e: hallyu_simulate::SimulateError) -> ReplicateError {
    ReplicateError::Simulate(e)
}

fn est(spec: &str) -> impl Fn(hallyu_estimate::EstimateError) -> ReplicateError + '_ {
    move |source| ReplicateError::Estimate {
        spec: spec.to_string(),
        source,
    }
}

/// Tight IRLS settings: GE effects are compared to 1e-6 percentage points.
fn tight(formula: Formula) -> FitRequest {
    let mut req = FitRequest::new(formula, Estimator::Poisson);
    req.vcov = Some(VcovSpec::Hetero);
    req.options.irls.tol = 1e-12;
    req.options.irls.max_iter = 200;
    req
}

fn coefficients(fit: &Fit) -> Vec<(String, f64)> {
    fit.coefficients
        .iter()
        .map(|c| (c.term.clone(), c.estimate))
        .collect()
}

fn with_column(mut t: Table, name: &str, values: Vec<f64>) -> Result<Table> {
    t.push(name, Column::numbers(values))?;
    Ok(t)
}

/// Application 1: remove the international border in 2006.
pub fn trade_without_borders(progress: &dyn Progress) -> Result<ApplicationRun> {
    let id = "trade_without_borders";
    let all = embedded::agtpa()?;
    let t = all.select_rows(&filter::select(&all, "year == 2006")?);
    let ex = strings(&t, "exporter")?;
    let im = strings(&t, "importer")?;
    let border = ex
        .iter()
        .zip(&im)
        .map(|(a, b)| f64::from(u8::from(a != b)))
        .collect();
    let t = with_column(t, "intl_brdr", border)?;
    let formula = Formula::parse("trade ~ log(dist) + cntg + intl_brdr | exporter + importer")
        .map_err(est(id))?;
    let fit = estimate(&t, &tight(formula.clone()), progress).map_err(est(id))?;
    let world = square_world(&t, &FlowColumns::default()).map_err(sim)?;
    let regs = costs::regressors(&t, &formula).map_err(sim)?;
    let b = coefficients(&fit);
    let t_bln = costs::cost_matrix(&world, &regs, &b).map_err(sim)?;
    let no_border: Vec<(String, f64)> = b.into_iter().filter(|(n, _)| n != "intl_brdr").collect();
    let t_cfl = costs::cost_matrix(&world, &regs, &no_border).map_err(sim)?;
    solve_application(id, world, t_bln, t_cfl, Direction::Forward, vec![fit])
}

/// Application 2: the effect of NAFTA (1994 world with and without it).
pub fn nafta(progress: &dyn Progress) -> Result<ApplicationRun> {
    let id = "nafta";
    let all = embedded::agtpa()?;
    let panel = all.select_rows(&filter::select(
        &all,
        "year in (1986, 1990, 1994, 1998, 2002, 2006)",
    )?);
    let ex = strings(&panel, "exporter")?;
    let im = strings(&panel, "importer")?;
    let pair_id = panel.num("pair_id")?.to_vec();
    // One effect per international pair; all domestic pairs share one (the omitted category).
    let pair_fe: Vec<String> = (0..panel.nrows())
        .map(|r| {
            if ex[r] == im[r] {
                "domestic".to_string()
            } else {
                format!("{}", pair_id[r])
            }
        })
        .collect();
    let mut panel = panel;
    panel.push("pair_fe", text_column(pair_fe.iter().cloned()))?;
    let formula =
        Formula::parse("trade ~ rta | exporter^year + importer^year + pair_fe").map_err(est(id))?;
    let fit = estimate(&panel, &tight(formula.clone()), progress).map_err(est(id))?;
    let b_rta = fit
        .coef("rta")
        .map(|c| c.estimate)
        .ok_or_else(|| ReplicateError::Reference("the NAFTA stage-1 fit has no `rta`".into()))?;

    // The 1994 world; pair effects given b_RTA, the never-trading pairs filled by the
    // stage-2 PPML on gravity covariates (international pairs), exactly as scenarios do.
    let y94 = panel.select_rows(&filter::select(&panel, "year == 1994")?);
    let world = square_world(&y94, &FlowColumns::default()).map_err(sim)?;
    let fill: Vec<String> = ["log(dist)", "cntg", "lang", "clny"]
        .map(String::from)
        .to_vec();
    let pairs = PairCosts::new(
        &panel,
        &formula,
        2,
        &y94,
        &world,
        "exporter",
        "importer",
        Some(&fill),
    )
    .map_err(sim)?;
    let (gamma, fit2) = pairs
        .log_effects_and_fill(&coefficients(&fit))
        .map_err(sim)?;
    let fit2 = fit2.ok_or_else(|| {
        ReplicateError::Reference("the NAFTA panel has no never-trading pair to fill".into())
    })?;
    let ex94 = strings(&y94, "exporter")?;
    let im94 = strings(&y94, "importer")?;
    let rta = y94.num("rta")?.to_vec();
    let members = ["CAN", "MEX", "USA"];
    let cell_costs = |without_nafta: bool| -> Vec<f64> {
        let n = world.n();
        let mut t = vec![0.0; n * n];
        for (r, cell) in world.cell_of_row.iter().enumerate() {
            let inside = members.contains(&ex94[r].as_str())
                && members.contains(&im94[r].as_str())
                && ex94[r] != im94[r];
            let rta = if without_nafta && inside { 0.0 } else { rta[r] };
            t[*cell] = (gamma[*cell] + b_rta * rta).exp();
        }
        t
    };
    let t_bln = cell_costs(false);
    let t_cfl = cell_costs(true);
    solve_application(id, world, t_bln, t_cfl, Direction::Reverse, vec![fit, fit2])
}

fn solve_application(
    id: &str,
    world: SquareWorld,
    t_bln: Vec<f64>,
    t_cfl: Vec<f64>,
    direction: Direction,
    fits: Vec<Fit>,
) -> Result<ApplicationRun> {
    let reference = world
        .index("DEU")
        .ok_or_else(|| ReplicateError::Reference("DEU is not in the panel".into()))?;
    let baseline =
        Baseline::new(world.countries.clone(), &world.flows, t_bln, reference, 7.0).map_err(sim)?;
    let (cdl_sol, cdl) = baseline.conditional(&t_cfl).map_err(sim)?;
    let loop_run =
        solve_geppml(&baseline, &cdl_sol, &t_cfl, GeppmlOptions::default()).map_err(sim)?;
    let geppml_market_clearing = hallyu_simulate::market_clearing_residual(
        &baseline,
        &t_cfl,
        &loop_run.state.price,
        Closure::DeficitRatio,
    )
    .map_err(sim)?;
    let (exact, exact_conv) =
        solve_exact(&baseline, &t_cfl, ExactOptions::default()).map_err(sim)?;
    let (additive, _) = solve_exact(
        &baseline,
        &t_cfl,
        ExactOptions {
            closure: Closure::Additive,
            ..Default::default()
        },
    )
    .map_err(sim)?;
    let compare = |full| Comparison {
        countries: &world.countries,
        sigma: 7.0,
        baseline: &baseline.state,
        conditional: &cdl,
        full,
    };
    let to_records = |method: &str, rows: Vec<(String, String, f64)>| -> Vec<GeRecord> {
        rows.into_iter()
            .map(|(country, measure, value)| GeRecord {
                application: id.to_string(),
                method: method.to_string(),
                country,
                measure,
                value,
            })
            .collect()
    };
    let mut records = to_records(
        "geppml",
        compare(&loop_run.state).records(direction, PriceReversal::FirstOrder),
    );
    records.extend(to_records(
        "exact",
        compare(&exact).records(direction, PriceReversal::Exact),
    ));
    let additive = to_records(
        "exact",
        compare(&additive).records(direction, PriceReversal::Exact),
    );
    Ok(ApplicationRun {
        application: id.to_string(),
        fits,
        rounds: loop_run.rounds,
        exact: exact_conv,
        geppml_market_clearing,
        records,
        additive,
        published: published(id)?,
    })
}

fn published(application: &str) -> Result<Vec<GeRecord>> {
    if application != "trade_without_borders" {
        return Ok(Vec::new());
    }
    let mut out: Vec<GeRecord> = parse_reference(STATA_TWB)?
        .into_iter()
        .map(|((country, measure), value)| GeRecord {
            application: application.to_string(),
            method: "book".into(),
            country,
            measure,
            value,
        })
        .collect();
    out.sort_by(|a, b| (&a.country, &a.measure).cmp(&(&b.country, &b.measure)));
    Ok(out)
}

/// One comparison of our numbers with a published or independently derived reference.
#[derive(Debug, Clone, PartialEq, serde::Serialize, serde::Deserialize, schemars::JsonSchema)]
pub struct GeCheck {
    /// Application id.
    pub application: String,
    /// What is compared (`estimates`, `GEPPML loop log`, `conditional GE changes`...).
    pub what: String,
    /// Which reference (`book (Stata)`, `exact equilibrium`...).
    pub reference: String,
    /// Numbers compared.
    pub compared: usize,
    /// Largest difference.
    pub max_diff: f64,
    /// Where the largest difference is.
    pub worst: String,
    /// Tolerance.
    pub tolerance: f64,
    /// `pp` (percentage points), `abs` or `relative`.
    pub unit: String,
}

impl GeCheck {
    /// Whether every number is within tolerance (and there was something to compare).
    pub fn ok(&self) -> bool {
        self.compared > 0 && self.max_diff <= self.tolerance
    }
}

const STATA_TWB: &str = include_str!("../data/trade_without_borders_stata.csv");
const EXACT_TWB: &str = include_str!("../data/trade_without_borders_exact.csv");

/// The book's printed loop logs (mean, sd, min, max of the price-ratio change per
/// iteration), from the `.log` files of the Stata application folders.
const LOG_TWB: [[f64; 4]; 5] = [
    [1.3052929, 0.0796225, 0.9666225, 1.4688824],
    [-0.3126514, 0.0902139, -0.4959582, 0.0765771],
    [0.0074778, 0.0139545, -0.0659928, 0.0318213],
    [0.0009588, 0.0067648, -0.0057220, 0.0355494],
    [-0.0022108, 0.0044307, -0.0200164, 0.0032467],
];
const LOG_NAFTA: [[f64; 4]; 3] = [
    [0.9994758, 0.0031412, 0.978553, 1.000545],
    [0.0006048, 0.0036707, -0.0006441, 0.025059],
    [-0.0001521, 0.000977, -0.0066189, 0.0001341],
];

fn parse_reference(text: &str) -> Result<HashMap<(String, String), f64>> {
    let mut out = HashMap::new();
    let mut rd = csv::Reader::from_reader(text.as_bytes());
    for r in rd.records() {
        let r = r.map_err(|e| ReplicateError::Reference(e.to_string()))?;
        let v: f64 = r[2]
            .parse()
            .map_err(|_| ReplicateError::Reference(format!("value `{}`", &r[2])))?;
        out.insert((r[0].to_string(), r[1].to_string()), v);
    }
    Ok(out)
}

struct Acc {
    check: GeCheck,
}

impl Acc {
    fn new(app: &str, what: &str, reference: &str, tolerance: f64, unit: &str) -> Acc {
        Acc {
            check: GeCheck {
                application: app.into(),
                what: what.into(),
                reference: reference.into(),
                compared: 0,
                max_diff: 0.0,
                worst: String::new(),
                tolerance,
                unit: unit.into(),
            },
        }
    }

    fn add(&mut self, label: impl FnOnce() -> String, ours: f64, theirs: f64) {
        let d = if self.check.unit == "relative" {
            (ours / theirs - 1.0).abs()
        } else {
            (ours - theirs).abs()
        };
        self.check.compared += 1;
        // A NaN difference must fail the check: it becomes an infinite difference.
        if d.is_nan() || d > self.check.max_diff {
            self.check.max_diff = if d.is_nan() { f64::INFINITY } else { d };
            self.check.worst = label();
        }
    }
}

fn records_against(
    records: &[GeRecord],
    method: &str,
    prefix: &str,
    reference: &HashMap<(String, String), f64>,
    mut acc: Acc,
    pick: impl Fn(&str) -> bool,
) -> GeCheck {
    for r in records
        .iter()
        .filter(|r| r.method == method && pick(&r.measure))
    {
        if let Some(v) = reference.get(&(r.country.clone(), format!("{prefix}{}", r.measure))) {
            acc.add(|| format!("{} {}", r.country, r.measure), r.value, *v);
        }
    }
    acc.check
}

fn estimates_check(app: &str, fit: &Fit, book: &[(&str, f64)], what: &str) -> GeCheck {
    let mut acc = Acc::new(app, what, "book (Stata, 7 digits)", 6e-7, "abs");
    for (term, v) in book {
        let ours = fit.coef(term).map_or(f64::NAN, |c| c.estimate);
        acc.add(|| (*term).to_string(), ours, *v);
    }
    acc.check
}

fn log_check(app: &str, rounds: &[RoundStats], book: &[[f64; 4]]) -> GeCheck {
    let mut acc = Acc::new(app, "GEPPML loop log", "book (Stata .log)", 1e-6, "abs");
    for (k, b) in book.iter().enumerate() {
        let ours = rounds
            .get(k)
            .map_or([f64::NAN; 4], |r| [r.mean, r.sd, r.min, r.max]);
        for (s, (o, t)) in ["mean", "sd", "min", "max"].iter().zip(ours.iter().zip(b)) {
            acc.add(|| format!("iteration {} {s}", k + 1), *o, *t);
        }
    }
    if rounds.len() != book.len() {
        acc.add(
            || "number of iterations".into(),
            rounds.len() as f64,
            book.len() as f64,
        );
    }
    acc.check
}

/// One measure-by-measure comparison of trade without borders with a reference file.
struct RecordCheck {
    what: &'static str,
    /// Compare the additive-closure records.
    additive: bool,
    method: &'static str,
    /// Measure-name prefix in the reference file.
    prefix: &'static str,
    /// The book's file (else the exact reference).
    book: bool,
    tolerance: f64,
    unit: &'static str,
    pick: fn(&str) -> bool,
}

/// Tolerances: conditional GE and levels are exact solutions of the same system (only the
/// book's IRLS tolerance differs); the loop's full-endowment numbers come from the same loop
/// and stopping rule; the exact equilibrium from an independent exact solver.
const TWB_RECORD_CHECKS: [RecordCheck; 6] = [
    RecordCheck {
        what: "conditional GE, % changes",
        additive: false,
        method: "geppml",
        prefix: "",
        book: true,
        tolerance: 1e-4,
        unit: "pp",
        pick: |m| is_change(m) && m.ends_with("_CDL"),
    },
    RecordCheck {
        what: "baseline and conditional levels",
        additive: false,
        method: "geppml",
        prefix: "",
        book: true,
        tolerance: 1e-6,
        unit: "relative",
        pick: |m| !is_change(m) && (m.ends_with("_BLN") || m.ends_with("_CDL")),
    },
    RecordCheck {
        what: "GEPPML full endowment, % changes",
        additive: false,
        method: "geppml",
        prefix: "",
        book: true,
        tolerance: 1e-3,
        unit: "pp",
        pick: |m| is_change(m) && m.ends_with("_FULL"),
    },
    RecordCheck {
        what: "GEPPML full endowment, levels",
        additive: false,
        method: "geppml",
        prefix: "",
        book: true,
        tolerance: 1e-5,
        unit: "relative",
        pick: |m| !is_change(m) && m.ends_with("_FULL"),
    },
    RecordCheck {
        what: "exact equilibrium, fixed deficit ratios",
        additive: false,
        method: "exact",
        prefix: "exact_mult.",
        book: false,
        tolerance: 1e-6,
        unit: "pp",
        pick: |_| true,
    },
    RecordCheck {
        what: "exact equilibrium, additive deficits",
        additive: true,
        method: "exact",
        prefix: "exact_add.",
        book: false,
        tolerance: 1e-6,
        unit: "pp",
        pick: |_| true,
    },
];

/// A percentage change (compared in pp); `change_pricei_FULL` is a ratio.
fn is_change(m: &str) -> bool {
    m.starts_with("change_") && m != "change_pricei_FULL"
}

/// Compares both applications with the references: estimates and loop logs with the book,
/// trade without borders measure by measure with the book's results (GEPPML) and with the
/// exact equilibrium (exact method, both closures).
pub fn chapter2_checks(runs: &[ApplicationRun]) -> Result<Vec<GeCheck>> {
    let stata = parse_reference(STATA_TWB)?;
    let exact = parse_reference(EXACT_TWB)?;
    let mut out = Vec::new();
    for run in runs {
        let app = run.application.as_str();
        match app {
            "trade_without_borders" => {
                let fit = run.fits.first().ok_or_else(|| {
                    ReplicateError::Reference("trade without borders has no fit".into())
                })?;
                out.push(estimates_check(
                    app,
                    fit,
                    &[
                        ("log(dist)", -0.7912879),
                        ("cntg", 0.6736456),
                        ("intl_brdr", -2.47445),
                    ],
                    "PPML estimates",
                ));
                out.push(log_check(app, &run.rounds, &LOG_TWB));
                for c in &TWB_RECORD_CHECKS {
                    let (reference, name) = if c.book {
                        (&stata, "book (Stata)")
                    } else {
                        (&exact, "exact reference")
                    };
                    out.push(records_against(
                        if c.additive {
                            &run.additive
                        } else {
                            &run.records
                        },
                        c.method,
                        c.prefix,
                        reference,
                        Acc::new(app, c.what, name, c.tolerance, c.unit),
                        c.pick,
                    ));
                }
            }
            "nafta" => {
                if let Some(fit) = run.fits.first() {
                    out.push(estimates_check(
                        app,
                        fit,
                        &[("rta", 0.5571853)],
                        "stage-1 PPML",
                    ));
                }
                if let Some(fit) = run.fits.get(1) {
                    out.push(estimates_check(
                        app,
                        fit,
                        &[
                            ("log(dist)", -0.8475027),
                            ("cntg", 0.2940831),
                            ("lang", 0.3632659),
                            ("clny", 0.2394163),
                        ],
                        "stage-2 PPML (pair-cost fill)",
                    ));
                }
                out.push(log_check(app, &run.rounds, &LOG_NAFTA));
            }
            _ => {}
        }
    }
    Ok(out)
}
