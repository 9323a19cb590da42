//! `hallyu project`: compound growth paths and claim checks.

use crate::args::ProjectArgs;
use anyhow::Result;
use hallyu_api::projection::ProjectionRequest;
use hallyu_api::{Request, Version};

/// Runs the command. Arguments that cannot be answered are usage errors (2); a claim
/// whose three numbers disagree is printed and exits with 3, a result that is not valid.
pub fn run(a: ProjectArgs) -> Result<u8> {
    let request = Request::Projection(ProjectionRequest {
        version: Version,
        start_year: a.start.year,
        start_value: a.start.value,
        end_year: a.end.year,
        end_value: a.end.value,
        cagr_pct: a.cagr,
    });
    let o = &a.output;
    super::execute(
        &request,
        o.format,
        o.out.as_deref(),
        o.quiet,
        o.print_request,
    )
}
