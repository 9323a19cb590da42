//! A general-equilibrium policy scenario's effects.

use super::{html_page, text_sections};
use crate::{
    scenario_chart, scenario_csv, scenario_json, scenario_sections, Block, Format, RenderError,
    Section,
};
use hallyu_simulate::ScenarioResult;

/// Renders a scenario's effects.
pub fn render_scenario(r: &ScenarioResult, format: Format) -> Result<String, RenderError> {
    Ok(match format {
        Format::Json => scenario_json(r)?,
        Format::Csv => scenario_csv(r)?,
        Format::Html => html_page("Scenario", &scenario_html_sections(r)),
        f => text_sections(&scenario_sections(r), f),
    })
}

/// The scenario's sections with its effects drawn after the effects table (text formats
/// leave the chart out: its numbers are the table's).
pub fn scenario_html_sections(r: &ScenarioResult) -> Vec<Section> {
    let mut sections = scenario_sections(r);
    if let (Some(first), Some(chart)) = (sections.first_mut(), scenario_chart(r)) {
        let at = first.blocks.len().min(1);
        first.blocks.insert(at, Block::Chart(chart));
    }
    sections
}
