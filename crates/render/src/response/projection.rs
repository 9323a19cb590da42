//! Compound growth paths and claim checks.

use super::html_page;
use crate::{projection_csv, projection_json, projection_section, Format, RenderError};
use hallyu_measure::projection::Projection;

/// Renders a projection.
pub fn render_projection(p: &Projection, format: Format) -> Result<String, RenderError> {
    Ok(match format {
        Format::Json => projection_json(p)?,
        Format::Csv => projection_csv(p)?,
        Format::Table => projection_section(p).terminal(),
        Format::Markdown => projection_section(p).markdown(),
        Format::Latex => projection_section(p).latex(),
        Format::Html => html_page("Projection", &[projection_section(p)]),
    })
}
