//! `hallyu simulate`: a general-equilibrium policy scenario.

use crate::args::{MethodArg, OutputFormat, SimulateArgs};
use crate::output::emit;
use crate::progress::Spinner;
use anyhow::Result;
use hallyu_data::reference::Reference;
use hallyu_simulate::{read_scenario, run_scenario, Method, RunOptions};

/// Runs the command. Names a scenario gets wrong exit with 2, unusable files or data with
/// 1, a solve that does not converge with 3 (see `crate::exit`).
pub fn run(a: SimulateArgs) -> Result<u8> {
    let reference = match &a.reference {
        Some(p) => Reference::with_user_file(p)?,
        None => Reference::builtin(),
    };
    let options = RunOptions {
        method: match a.method {
            MethodArg::Exact => Method::Exact,
            MethodArg::Geppml => Method::Geppml,
        },
        tolerance: a.tolerance,
        max_iterations: a.max_iter,
        draws: a.draws,
        seed: a.seed,
        bilateral: a.bilateral,
    };
    let outcome = read_scenario(&a.scenario).and_then(|s| {
        let spinner = Spinner::new("solving the scenario", a.output.quiet);
        run_scenario(&s, &options, &reference, &spinner)
    });
    let result = outcome?;
    let text = match a.output.format {
        OutputFormat::Json => hallyu_report::scenario_json(&result),
        OutputFormat::Csv => hallyu_report::scenario_csv(&result),
        f => hallyu_report::scenario_grids(&result)
            .iter()
            .map(|g| match f {
                OutputFormat::Markdown => g.markdown(),
                OutputFormat::Latex => g.latex(),
                _ => g.terminal(),
            })
            .collect::<Vec<_>>()
            .join("\n"),
    };
    emit(&text, a.output.out.as_deref())?;
    Ok(0)
}
