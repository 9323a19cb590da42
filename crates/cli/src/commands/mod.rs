//! One module per subcommand; each parses its flags into a library request
//! (`hallyu_api`) and runs it through [`execute`], which renders the response with
//! `hallyu_render`.

mod data;
mod dataset;
mod fit;
mod index;
mod indicators;
mod ingest;
mod potential;
mod project;
mod reference;
mod report;
mod reproduce;
mod run;
mod serve;
mod simulate;
mod synth;

use crate::args::{Cli, Command, OutputFormat};
use crate::output::emit;
use crate::progress::Spinner;
use anyhow::Result;
use hallyu_api::{Context, Request, Response};
use std::path::Path;

/// Runs a parsed command line; returns the exit code.
pub fn run(cli: Cli) -> Result<u8> {
    match cli.command {
        Command::Fepois(a) => fit::run(a, hallyu_estimate::Estimator::Poisson),
        Command::Feols(a) => fit::run(a, hallyu_estimate::Estimator::Ols),
        Command::Reproduce(a) => reproduce::run(a),
        Command::Synth(a) => synth::run(a),
        Command::Data(a) => data::run(a),
        Command::Ingest(a) => ingest::run(a),
        Command::Dataset(a) => dataset::run(a),
        Command::Project(a) => project::run(a),
        Command::Indicators(a) => indicators::run(a),
        Command::Simulate(a) => simulate::run(a),
        Command::Run(a) => run::run(a),
        Command::Serve(a) => serve::run(a),
        Command::Report(a) => report::run(a),
        Command::Potential(a) => potential::run(a),
        Command::Index(a) => index::run(a),
    }
}

/// Prints `request` as JSON (with `print_request`), or runs it: progress on stderr unless
/// `quiet`, the response rendered in `format` to stdout or `out`, and the exit status of a
/// result that must not be trusted (the response says which).
pub fn execute(
    request: &Request,
    format: OutputFormat,
    out: Option<&Path>,
    quiet: bool,
    print_request: bool,
) -> Result<u8> {
    if print_request {
        let mut text = serde_json::to_string_pretty(request)?;
        text.push('\n');
        emit(&text, out)?;
        return Ok(0);
    }
    let spinner = Spinner::new("working", quiet);
    let (outcome, warnings, notes) = {
        let ctx = Context::new(&spinner);
        let outcome = hallyu_api::run(&ctx, request);
        (outcome, ctx.take_warnings(), ctx.take_notes())
    };
    drop(spinner);
    for w in warnings {
        eprintln!("warning: {w}");
    }
    if !quiet {
        for n in notes {
            eprintln!("note: {n}");
        }
    }
    let response = outcome.map_err(crate::exit::from_api)?;
    for w in response.warnings() {
        eprintln!("warning: {w}");
    }
    let text = render(&response, format)?;
    emit(&text, out)?;
    if let Some(problem) = response.problem() {
        if let Some(message) = &problem.message {
            eprintln!("error: {message}");
        }
        return Ok(crate::exit::of_category(problem.category).code());
    }
    Ok(0)
}

/// Renders any response in `format` (the library's renderer: the server answers with the
/// same text).
pub fn render(response: &Response, format: OutputFormat) -> Result<String> {
    Ok(hallyu_render::render_response(
        response,
        self::format(format),
    )?)
}

/// The renderer's format for the command line's `--format`.
fn format(f: OutputFormat) -> hallyu_render::Format {
    match f {
        OutputFormat::Table => hallyu_render::Format::Table,
        OutputFormat::Json => hallyu_render::Format::Json,
        OutputFormat::Markdown => hallyu_render::Format::Markdown,
        OutputFormat::Latex => hallyu_render::Format::Latex,
        OutputFormat::Csv => hallyu_render::Format::Csv,
        OutputFormat::Html => hallyu_render::Format::Html,
    }
}

#[cfg(test)]
mod tests {
    #[test]
    fn pages_name_this_programs_version() {
        // The renderer writes its own crate's version: the workspace's, which is this one.
        let page = hallyu_render::response::html_page("t", &[]);
        let this = concat!("hallyu ", env!("CARGO_PKG_VERSION"));
        assert!(page.contains(this), "{page}");
    }
}
