//! `hallyu simulate`: a general-equilibrium policy scenario.

use super::panel::{self, PanelFailure};
use crate::args::{MethodArg, OutputFormat, SimulateArgs};
use crate::exit::usage;
use crate::output::emit;
use crate::progress::Spinner;
use anyhow::{Context, Result};
use hallyu_data::reference::Reference;
use hallyu_data::{embedded, read, Table};
use hallyu_simulate::{parse_scenario_toml, run_scenario_on, Method, RunOptions, Scenario};
use std::path::{Path, PathBuf};

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
    let (scenario, data) = read_scenario(&a.scenario)?;
    // A dataset folder, named here or as the scenario's data, is read as a gravity panel.
    let dataset = a
        .data
        .clone()
        .or_else(|| data.clone().filter(|p| p.is_dir()));
    if let Some(dir) = &a.data {
        if !dir.is_dir() {
            return Err(usage(format!(
                "--data {}: not a dataset folder (a data file goes in the scenario's `data`)",
                dir.display()
            )));
        }
    }
    let panel = match &dataset {
        Some(dir) => match panel::load(dir, &a.scope, &reference) {
            Ok(p) => {
                panel::print_notes(&p, a.output.quiet);
                Some(p)
            }
            Err(PanelFailure::Usage(m)) => return Err(usage(m)),
            Err(PanelFailure::Other(e)) => return Err(e),
        },
        None => {
            if let Some(m) = panel::unused_scope(&a.scope, None) {
                return Err(usage(m));
            }
            None
        }
    };
    let spinner = Spinner::new("solving the scenario", a.output.quiet);
    // An error returns through the spinner's drop, which clears its line first.
    let (table, panel_notes) = match panel {
        Some(p) => (p.table, p.notes),
        None => (load_data(&scenario, data.as_deref())?, Vec::new()),
    };
    let outcome = run_scenario_on(&scenario, table, &options, &reference, &spinner).map(|mut r| {
        r.notes.splice(0..0, panel_notes);
        r
    });
    drop(spinner);
    let result = outcome?;
    let text = match a.output.format {
        OutputFormat::Json => hallyu_report::scenario_json(&result)?,
        OutputFormat::Csv => hallyu_report::scenario_csv(&result)?,
        f => hallyu_report::scenario_sections(&result)
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

/// Reads a scenario file: the scenario and its `[baseline] data` file, a relative path taken
/// from the scenario file's folder.
fn read_scenario(path: &Path) -> Result<(Scenario, Option<PathBuf>)> {
    let text =
        std::fs::read_to_string(path).with_context(|| format!("cannot read {}", path.display()))?;
    let (scenario, data) =
        parse_scenario_toml(&text).with_context(|| path.display().to_string())?;
    let data = data.map(PathBuf::from).map(|d| match path.parent() {
        Some(dir) if d.is_relative() => dir.join(d),
        _ => d,
    });
    Ok((scenario, data))
}

/// The scenario's baseline data: the columns it reads from its data file, or the embedded
/// Advanced Guide panel when it names none.
fn load_data(scenario: &Scenario, data: Option<&Path>) -> Result<Table> {
    let Some(path) = data else {
        return Ok(embedded::agtpa()?);
    };
    // `intl_border` is built by the run when the file lacks it.
    let (optional, columns): (Vec<String>, Vec<String>) = scenario
        .columns()?
        .into_iter()
        .partition(|c| c == "intl_border");
    let options = read::ReadOptions {
        columns: Some(columns),
        optional_columns: optional,
        ..Default::default()
    };
    Ok(read::read_path(path, &options)?)
}
