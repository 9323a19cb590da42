//! `hallyu simulate`: a general-equilibrium policy scenario.

use crate::args::{MethodArg, OutputFormat, SimulateArgs};
use crate::output::emit;
use crate::progress::Spinner;
use crate::EXIT_USAGE;
use anyhow::Result;
use hallyu_data::reference::Reference;
use hallyu_simulate::{read_scenario, run_scenario, Method, RunOptions, SimulateError};

/// Runs the command. Scenario mistakes exit with 2, failures to solve with 1.
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
    let result = match outcome {
        Ok(r) => r,
        Err(e @ (SimulateError::Scenario(_) | SimulateError::NotSquare(_))) => {
            eprintln!("error: {e}");
            return Ok(EXIT_USAGE);
        }
        Err(e) => return Err(e.into()),
    };
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
