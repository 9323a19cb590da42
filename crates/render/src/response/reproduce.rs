//! The Advanced Guide's published tables, re-estimated.

use super::{html_page, text_sections};
use crate::{
    chapter2_csv, chapter2_json, chapter2_sections, replication_csv, replication_json,
    replication_section, Format, RenderError,
};
use hallyu_api::reproduce::Reproduction;

/// Renders a reproduction.
pub fn render_reproduction(r: &Reproduction, format: Format) -> Result<String, RenderError> {
    Ok(match r {
        Reproduction::Chapter1 { outcomes } => match format {
            Format::Json => replication_json(outcomes)?,
            Format::Csv => replication_csv(outcomes)?,
            Format::Table => replication_section(outcomes).terminal(),
            Format::Markdown => replication_section(outcomes).markdown(),
            Format::Latex => replication_section(outcomes).latex(),
            Format::Html => html_page(
                "Reproduction of the Advanced Guide, chapter 1",
                &[replication_section(outcomes)],
            ),
        },
        Reproduction::Chapter2 { runs, checks } => match format {
            Format::Json => chapter2_json(runs)?,
            Format::Csv => chapter2_csv(runs)?,
            Format::Html => html_page(
                "Reproduction of the Advanced Guide, chapter 2",
                &chapter2_sections(runs, checks),
            ),
            f => text_sections(&chapter2_sections(runs, checks), f),
        },
    })
}
