//! A claim's check: a value against its source, or a share.

use super::json;
use crate::{Format, RenderError};
use hallyu_api::claims::{ClaimCheck, ClaimResult};
use hallyu_measure::claims::Verdict;

/// Renders a claim check: JSON, or one paragraph with the numbers and the verdict (the
/// verdict in bold in Markdown).
pub fn render_claim(c: &ClaimCheck, format: Format) -> Result<String, RenderError> {
    if format == Format::Json {
        return json("claim check", c);
    }
    let numbers = match &c.result {
        ClaimResult::Share(s) => format!(
            "{} / {} = {:.4}% (stated {}%)",
            s.part.value, s.whole.value, s.implied_pct, s.pct.value
        ),
        ClaimResult::Value(v) => match v.found {
            Some(x) => format!("stated {}, the source gives {x}", v.stated.value),
            None => format!("stated {}", v.stated.value),
        },
    };
    let verdict = match c.verdict() {
        Verdict::Consistent => "consistent at the precision it was written with".to_string(),
        Verdict::Inconsistent { arithmetic } => format!("NOT CONSISTENT: {arithmetic}"),
        Verdict::NotCheckable { reason } => format!("not checkable: {reason}"),
    };
    Ok(match format {
        Format::Markdown => format!("\"{}\": {numbers}; **{verdict}**\n", c.statement),
        _ => format!("\"{}\": {numbers}; {verdict}\n", c.statement),
    })
}
