//! Export potential: a country's exports by partner against a gravity model's
//! prediction.

use super::{html_page, json, text_sections};
use crate::{potential_chart, potential_csv, potential_sections, Block, Format, RenderError};
use hallyu_api::potential::Potential;

/// Renders the fit and the comparison; JSON is the whole response, CSV the comparison by
/// partner.
pub fn render_potential(p: &Potential, format: Format) -> Result<String, RenderError> {
    let sections = || potential_sections(&p.fit, &p.potential, &p.notes);
    Ok(match format {
        Format::Json => json("export potential", p)?,
        Format::Csv => potential_csv(&p.potential)?,
        Format::Html => {
            let mut sections = sections();
            if let (Some(last), Some(chart)) = (sections.last_mut(), potential_chart(&p.potential))
            {
                last.blocks.insert(1, Block::Chart(chart));
            }
            html_page("Export potential", &sections)
        }
        f => text_sections(&sections(), f),
    })
}
