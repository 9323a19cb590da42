//! One module per subcommand; each converts its arguments into a library request, runs
//! it, and renders the result.

mod data;
mod dataset;
mod fit;
mod indicators;
mod ingest;
mod panel;
mod project;
mod reference;
mod reproduce;
mod simulate;
mod synth;

use crate::args::{Cli, Command, OutputFormat};
use anyhow::Result;

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
    }
}

fn format(f: OutputFormat) -> hallyu_report::Format {
    match f {
        OutputFormat::Table => hallyu_report::Format::Table,
        OutputFormat::Json => hallyu_report::Format::Json,
        OutputFormat::Markdown => hallyu_report::Format::Markdown,
        OutputFormat::Latex => hallyu_report::Format::Latex,
        OutputFormat::Csv => hallyu_report::Format::Csv,
    }
}
