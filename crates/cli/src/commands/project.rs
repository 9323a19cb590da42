//! `hallyu project`: compound growth paths and claim checks.

use crate::args::{OutputFormat, ProjectArgs};
use crate::output::emit;
use crate::EXIT_INVALID_RESULT;
use anyhow::Result;
use hallyu_measure::projection::{project, ProjectionInput};

/// Runs the command. Arguments that cannot be answered are usage errors (2); a claim
/// whose three numbers disagree is printed and exits with 3, a result that is not valid.
pub fn run(a: ProjectArgs) -> Result<u8> {
    let input = ProjectionInput {
        start_year: a.start.year,
        start_value: a.start.value,
        end_year: a.end.year,
        end_value: a.end.value,
        cagr_pct: a.cagr,
    };
    let p = project(&input)?;
    let text = match a.output.format {
        OutputFormat::Json => hallyu_report::projection_json(&p)?,
        OutputFormat::Csv => hallyu_report::projection_csv(&p)?,
        OutputFormat::Table => hallyu_report::projection_section(&p).terminal(),
        OutputFormat::Markdown => hallyu_report::projection_section(&p).markdown(),
        OutputFormat::Latex => hallyu_report::projection_section(&p).latex(),
    };
    emit(&text, a.output.out.as_deref())?;
    if !p.consistent {
        eprintln!(
            "error: the claim is not consistent: {} growing {}% a year for {} years gives {:.4}, not {}; reaching {} needs {:.4}% a year",
            p.start_value,
            p.cagr_pct,
            p.end_year - p.start_year,
            p.implied_end_value,
            p.end_value,
            p.end_value,
            p.implied_cagr_pct
        );
        return Ok(EXIT_INVALID_RESULT);
    }
    Ok(0)
}
