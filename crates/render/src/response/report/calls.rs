//! One call of a report rendered on its own: its response's sections with the charts
//! its kind has.

use super::super::series::{series_chart, series_section};
use super::super::{render_claim, render_response, scenario_html_sections};
use crate::{Block, Format, RenderError, Section};
use hallyu_api::Response;

/// One call's answer as sections, with the charts its kind has.
pub(super) fn response_sections(
    purpose: &str,
    response: &Response,
) -> Result<Vec<Section>, RenderError> {
    let titled = |mut s: Section| {
        s.title.insert(0, purpose.to_string());
        s
    };
    Ok(match response {
        Response::Indicators(i) => {
            let mut s = titled(crate::indicators_section(i));
            // Trade with a partner is drawn by the section (its share over the years); its
            // flows are the headline's.
            // A reader looks before reading: the charts come before the table.
            if i.partner.is_none() {
                let charts = crate::indicators_charts(i).into_iter().map(Block::Chart);
                s.blocks.splice(0..0, charts);
            }
            vec![s]
        }
        Response::Fit(f) => vec![titled(crate::comparison_section(&f.fits))],
        Response::Scenario(x) => scenario_html_sections(x).into_iter().map(titled).collect(),
        Response::Potential(p) => {
            let mut s = titled(crate::potential_section(&p.potential, &p.notes));
            if let Some(chart) = crate::potential_chart(&p.potential) {
                s.blocks.insert(1, Block::Chart(chart));
            }
            vec![s]
        }
        Response::Series(s) => {
            let mut section = series_section(s);
            section.title = vec![purpose.to_string()];
            if let Some(chart) = series_chart(purpose, s) {
                section.blocks.insert(1, Block::Chart(chart));
            }
            vec![section]
        }
        Response::Projection(p) => vec![titled(crate::projection_section(p))],
        Response::Claim(c) => vec![Section {
            title: vec![purpose.to_string()],
            blocks: vec![Block::Notes {
                lines: vec![render_claim(c, Format::Table)?.trim_end().to_string()],
            }],
        }],
        other => vec![Section {
            title: vec![purpose.to_string()],
            blocks: vec![Block::Notes {
                lines: vec![render_response(other, Format::Table)?],
            }],
        }],
    })
}
