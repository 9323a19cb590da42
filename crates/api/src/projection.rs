//! Compound growth: a value's path at a CAGR, the missing one of start, end and rate, or a
//! check that all three agree (a claim such as "8.1 bn in 2021, 20 bn by 2031 at 7.3%").

use crate::{Context, Result, Version};
use hallyu_measure::projection::{project, Projection, ProjectionInput, Stated};
use serde::{Deserialize, Serialize};

/// A projection or claim check. Values are written as the user wrote them (`"8.1"`): the
/// decimals are the precision a claim is checked at.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, schemars::JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct ProjectionRequest {
    /// Request format version (1).
    #[serde(default)]
    pub version: Version,
    /// First year.
    pub start_year: i32,
    /// Value in the first year; derived when left out.
    #[serde(default)]
    pub start_value: Option<Stated>,
    /// Last year.
    pub end_year: i32,
    /// Value in the last year; derived when left out.
    #[serde(default)]
    pub end_value: Option<Stated>,
    /// Compound annual growth rate in percent; derived when left out.
    #[serde(default)]
    pub cagr_pct: Option<Stated>,
}

/// Computes the projection.
pub fn compute(_ctx: &Context, req: &ProjectionRequest) -> Result<Projection> {
    let input = ProjectionInput {
        start_year: req.start_year,
        start_value: req.start_value,
        end_year: req.end_year,
        end_value: req.end_value,
        cagr_pct: req.cagr_pct,
    };
    Ok(project(&input)?)
}

/// Why a projection is not a valid answer, when it is not: a claim whose three numbers
/// disagree.
pub fn invalidity(p: &Projection) -> Option<String> {
    (!p.consistent).then(|| {
        format!(
            "the claim is not consistent: {} growing {}% a year for {} years gives {:.4}, not {}; reaching {} needs {:.4}% a year",
            p.start_value,
            p.cagr_pct,
            p.end_year - p.start_year,
            p.implied_end_value,
            p.end_value,
            p.end_value,
            p.implied_cagr_pct
        )
    })
}
