//! `hallyu project`: compound growth paths and claim checks.

use crate::args::{OutputFormat, ProjectArgs};
use crate::output::emit;
use crate::EXIT_USAGE;
use anyhow::Result;
use hallyu_measure::projection::{project, ProjectionInput};

/// Runs the command; arguments that cannot be answered exit with status 2.
pub fn run(a: ProjectArgs) -> Result<u8> {
    let input = ProjectionInput {
        start_year: a.start.year,
        start_value: a.start.value,
        end_year: a.end.year,
        end_value: a.end.value,
        cagr_pct: a.cagr,
    };
    let p = match project(&input) {
        Ok(p) => p,
        Err(e) => {
            eprintln!("error: {e}");
            return Ok(EXIT_USAGE);
        }
    };
    let text = match a.output.format {
        OutputFormat::Json => hallyu_report::projection_json(&p),
        OutputFormat::Csv => hallyu_report::projection_csv(&p),
        OutputFormat::Table => hallyu_report::projection_grid(&p).terminal(),
        OutputFormat::Markdown => hallyu_report::projection_grid(&p).markdown(),
        OutputFormat::Latex => hallyu_report::projection_grid(&p).latex(),
    };
    emit(&text, a.output.out.as_deref())?;
    Ok(0)
}
