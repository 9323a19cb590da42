//! Speed benchmark of the exact full-endowment GE solver, and the inputs for comparing it
//! with other GE gravity implementations (`bench/ge/run.sh` runs it against gegravity).
//!
//! Two problems:
//! * `twb69`: the Advanced Guide's "trade without borders" (69 countries, 2006), built as
//!   `hallyu-replicate`'s chapter 2 builds it: PPML with exporter and importer effects on
//!   log distance, contiguity and an international-border dummy; the counterfactual drops the
//!   border coefficient;
//! * `synth200`: a deterministic synthetic world of 200 countries (random sizes and
//!   locations, a common border cost); the counterfactual removes the border between the
//!   members of a 40-country bloc.
//!
//! For each problem it times `solve_exact` alone and the whole chain (baseline resistances,
//! conditional GE, exact GE), and writes to `--out DIR/<problem>/`:
//! `pairs.csv` (exporter, importer, fitted baseline flow X0, t_BLN, t_CFL, B = t_CFL/t_BLN),
//! `meta.csv` (sigma, reference country) and `hallyu.csv` (per-country real-GDP and
//! price changes under both closures), plus `DIR/timings.csv`.
//!
//! Run: `cargo run --release -p hallyu-simulate --example ge_bench -- --out DIR [--reps 50]`

use hallyu_data::{embedded, filter, Column, Table};
use hallyu_estimate::{estimate, Estimator, FitRequest, Formula, NoProgress};
use hallyu_simulate::{
    costs, solve_exact, square_world, Baseline, Closure, Comparison, Direction, ExactOptions,
    FlowColumns, PriceReversal,
};
use rand::rngs::StdRng;
use rand::{Rng, SeedableRng};
use std::error::Error;
use std::fmt::Write as _;
use std::path::{Path, PathBuf};
use std::time::Instant;

type AnyResult<T> = Result<T, Box<dyn Error>>;

/// One GE problem: everything `Baseline::new` and `solve_exact` need.
struct Problem {
    name: &'static str,
    countries: Vec<String>,
    observed: Vec<f64>,
    t_bln: Vec<f64>,
    t_cfl: Vec<f64>,
    reference: usize,
    sigma: f64,
}

struct Args {
    out: PathBuf,
    reps: usize,
}

fn parse_args() -> AnyResult<Args> {
    let mut out = None;
    let mut reps = 50;
    let mut it = std::env::args().skip(1);
    while let Some(a) = it.next() {
        match a.as_str() {
            "--out" => out = it.next().map(PathBuf::from),
            "--reps" => {
                let v = it.next().ok_or("--reps needs a number")?;
                reps = v
                    .parse()
                    .map_err(|_| format!("--reps must be a positive integer, got `{v}`"))?;
                if reps == 0 {
                    return Err("--reps must be at least 1".into());
                }
            }
            other => {
                return Err(
                    format!("unknown argument `{other}` (expected --out DIR, --reps N)").into(),
                )
            }
        }
    }
    let out = out.ok_or("missing --out DIR (where the problems and timings are written)")?;
    Ok(Args { out, reps })
}

fn text(t: &Table, name: &str) -> AnyResult<Vec<String>> {
    match t.column(name)?.as_text() {
        Some(s) => Ok(s.iter().map(|v| v.unwrap_or("").to_string()).collect()),
        None => Err(format!("column `{name}` should hold country codes").into()),
    }
}

/// The Guide's "trade without borders" world, as `hallyu-replicate` builds it.
fn trade_without_borders() -> AnyResult<Problem> {
    let all = embedded::agtpa()?;
    let mut t = all.select_rows(&filter::select(&all, "year == 2006")?);
    let ex = text(&t, "exporter")?;
    let im = text(&t, "importer")?;
    let border = ex
        .iter()
        .zip(&im)
        .map(|(a, b)| f64::from(u8::from(a != b)))
        .collect();
    t.push("intl_brdr", Column::numbers(border))?;
    let formula = Formula::parse("trade ~ log(dist) + cntg + intl_brdr | exporter + importer")?;
    // The tight IRLS settings of the replication: GE effects are compared to 1e-6 pp there.
    let mut req = FitRequest::new(formula.clone(), Estimator::Poisson);
    req.options.irls.tol = 1e-12;
    req.options.irls.max_iter = 200;
    let fit = estimate(&t, &req, &NoProgress)?;
    let world = square_world(&t, &FlowColumns::default())?;
    let regs = costs::regressors(&t, &formula)?;
    let b: Vec<(String, f64)> = fit
        .coefficients
        .iter()
        .map(|c| (c.term.clone(), c.estimate))
        .collect();
    let t_bln = costs::cost_matrix(&world, &regs, &b)?;
    let no_border: Vec<(String, f64)> = b.into_iter().filter(|(n, _)| n != "intl_brdr").collect();
    let t_cfl = costs::cost_matrix(&world, &regs, &no_border)?;
    let reference = world.index("DEU").ok_or("DEU is not in the panel")?;
    Ok(Problem {
        name: "twb69",
        countries: world.countries,
        observed: world.flows,
        t_bln,
        t_cfl,
        reference,
        sigma: 7.0,
    })
}

/// A synthetic world of `n` countries: log-normal sizes, locations on a square map,
/// `t_ij = exp(-0.9 ln d_ij - 1.6 border_ij)`, observed flows = frictionless gravity times
/// log-normal noise (so output and expenditure differ: trade is unbalanced). The
/// counterfactual removes the border between the first `bloc` countries.
fn synthetic(n: usize, bloc: usize, seed: u64) -> Problem {
    let mut rng = StdRng::seed_from_u64(seed);
    let size: Vec<f64> = (0..n)
        .map(|_| {
            // Box-Muller: a standard normal from two uniforms, sd 1.5 on the log scale.
            let (u1, u2): (f64, f64) = (rng.random::<f64>().max(1e-300), rng.random());
            ((-2.0 * u1.ln()).sqrt() * (2.0 * std::f64::consts::PI * u2).cos() * 1.5).exp()
        })
        .collect();
    let loc: Vec<(f64, f64)> = (0..n)
        .map(|_| (rng.random::<f64>() * 100.0, rng.random::<f64>() * 100.0))
        .collect();
    let mut t_bln = vec![0.0; n * n];
    let mut t_cfl = vec![0.0; n * n];
    let mut observed = vec![0.0; n * n];
    for i in 0..n {
        for j in 0..n {
            let k = i * n + j;
            // Internal distance grows with size, as with area in real data.
            let d = if i == j {
                0.5 * size[i].sqrt().max(0.1)
            } else {
                let (dx, dy) = (loc[i].0 - loc[j].0, loc[i].1 - loc[j].1);
                (dx * dx + dy * dy).sqrt().max(0.5)
            };
            let border = if i == j { 0.0 } else { 1.0 };
            let in_bloc = i < bloc && j < bloc;
            t_bln[k] = (-0.9 * d.ln() - 1.6 * border).exp();
            t_cfl[k] = if in_bloc {
                (-0.9 * d.ln()).exp()
            } else {
                t_bln[k]
            };
            let noise = (rng.random::<f64>() - 0.5) * 1.0;
            observed[k] = size[i] * size[j] * t_bln[k] * noise.exp();
        }
    }
    Problem {
        name: "synth200",
        countries: (0..n).map(|i| format!("C{i:03}")).collect(),
        observed,
        t_bln,
        t_cfl,
        reference: 0,
        sigma: 5.0,
    }
}

/// Median and minimum of `reps` timed runs of `f`, in milliseconds.
fn time_ms(reps: usize, mut f: impl FnMut() -> AnyResult<()>) -> AnyResult<(f64, f64)> {
    let mut ms = Vec::with_capacity(reps);
    for _ in 0..reps {
        let start = Instant::now();
        f()?;
        ms.push(start.elapsed().as_secs_f64() * 1e3);
    }
    ms.sort_by(f64::total_cmp);
    let mid = ms.len() / 2;
    let median = if ms.len() % 2 == 1 {
        ms[mid]
    } else {
        (ms[mid - 1] + ms[mid]) / 2.0
    };
    Ok((median, ms[0]))
}

fn options(closure: Closure) -> ExactOptions {
    ExactOptions {
        closure,
        ..Default::default()
    }
}

/// Solves, times and writes one problem; returns its rows of `timings.csv`.
fn run(p: &Problem, out: &Path, reps: usize) -> AnyResult<String> {
    let baseline = Baseline::new(
        p.countries.clone(),
        &p.observed,
        p.t_bln.clone(),
        p.reference,
        p.sigma,
    )?;
    let (_, cdl) = baseline.conditional(&p.t_cfl)?;
    let (ratio, ratio_conv) = solve_exact(&baseline, &p.t_cfl, options(Closure::DeficitRatio))?;
    let (additive, _) = solve_exact(&baseline, &p.t_cfl, options(Closure::Additive))?;
    let effects = |full| {
        Comparison {
            countries: &p.countries,
            sigma: p.sigma,
            baseline: &baseline.state,
            conditional: &cdl,
            full,
        }
        .effects(Direction::Forward, PriceReversal::Exact)
    };
    let (fx_ratio, fx_add) = (effects(&ratio), effects(&additive));

    let (exact_med, exact_min) = time_ms(reps, || {
        solve_exact(&baseline, &p.t_cfl, options(Closure::DeficitRatio))?;
        Ok(())
    })?;
    let (chain_med, chain_min) = time_ms(reps, || {
        let b = Baseline::new(
            p.countries.clone(),
            &p.observed,
            p.t_bln.clone(),
            p.reference,
            p.sigma,
        )?;
        b.conditional(&p.t_cfl)?;
        solve_exact(&b, &p.t_cfl, options(Closure::DeficitRatio))?;
        Ok(())
    })?;

    let dir = out.join(p.name);
    std::fs::create_dir_all(&dir)?;
    let n = p.countries.len();
    let mut pairs = String::from("exporter,importer,flow,t_bln,t_cfl,b\n");
    for i in 0..n {
        for j in 0..n {
            let k = i * n + j;
            writeln!(
                pairs,
                "{},{},{:e},{:e},{:e},{:e}",
                p.countries[i],
                p.countries[j],
                baseline.state.flows[k],
                p.t_bln[k],
                p.t_cfl[k],
                p.t_cfl[k] / p.t_bln[k]
            )?;
        }
    }
    std::fs::write(dir.join("pairs.csv"), pairs)?;
    std::fs::write(
        dir.join("meta.csv"),
        format!(
            "key,value\nsigma,{}\nreference,{}\ncountries,{}\nexact_iterations,{}\nexact_residual,{:e}\n",
            p.sigma, p.countries[p.reference], n, ratio_conv.iterations, ratio_conv.market_clearing_residual
        ),
    )?;
    let mut per_country = String::from(
        "country,real_gdp_ratio_closure,real_gdp_additive_closure,price_ratio_closure,price_additive_closure\n",
    );
    for (r, a) in fx_ratio.iter().zip(&fx_add) {
        writeln!(
            per_country,
            "{},{:e},{:e},{:e},{:e}",
            r.country, r.real_gdp_full, a.real_gdp_full, r.price_full, a.price_full
        )?;
    }
    std::fs::write(dir.join("hallyu.csv"), per_country)?;

    println!(
        "{:<9} n={n:<4} solve_exact median {exact_med:8.3} ms (min {exact_min:8.3}), \
         baseline+conditional+exact median {chain_med:8.3} ms (min {chain_min:8.3}), \
         {} price updates, residual {:.1e}",
        p.name, ratio_conv.iterations, ratio_conv.market_clearing_residual
    );
    Ok(format!(
        "{},{n},solve_exact,{reps},{exact_med},{exact_min}\n{},{n},baseline_conditional_exact,{reps},{chain_med},{chain_min}\n",
        p.name, p.name
    ))
}

fn main() -> AnyResult<()> {
    let args = parse_args()?;
    std::fs::create_dir_all(&args.out)?;
    let mut timings = String::from("problem,countries,what,reps,median_ms,min_ms\n");
    let build = Instant::now();
    let twb = trade_without_borders()?;
    println!(
        "twb69     built (PPML on the embedded 2006 panel) in {:.0} ms, not timed below",
        build.elapsed().as_secs_f64() * 1e3
    );
    timings.push_str(&run(&twb, &args.out, args.reps)?);
    timings.push_str(&run(&synthetic(200, 40, 20_240_601), &args.out, args.reps)?);
    std::fs::write(args.out.join("timings.csv"), timings)?;
    println!("wrote {}", args.out.display());
    Ok(())
}
