//! Trade indicators of a country, bloc or list.

use super::html_page;
use crate::{
    indicators_charts, indicators_csv, indicators_json, indicators_section, Block, Format,
    RenderError,
};
use hallyu_measure::indicators::Indicators;

/// Renders indicators; HTML draws their charts after the tables.
pub fn render_indicators(r: &Indicators, format: Format) -> Result<String, RenderError> {
    Ok(match format {
        Format::Json => indicators_json(r)?,
        Format::Csv => indicators_csv(r)?,
        Format::Table => indicators_section(r).terminal(),
        Format::Markdown => indicators_section(r).markdown(),
        Format::Latex => indicators_section(r).latex(),
        Format::Html => {
            let mut section = indicators_section(r);
            section
                .blocks
                .extend(indicators_charts(r).into_iter().map(Block::Chart));
            html_page(&format!("Trade indicators: {}", r.subject), &[section])
        }
    })
}
