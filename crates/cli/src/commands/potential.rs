//! `hallyu potential`: a country's exports by partner against a gravity model's
//! prediction.

use crate::args::{OutputFormat, PotentialArgs};
use anyhow::Result;
use hallyu_api::potential::{Potential, PotentialRequest};
use hallyu_api::{Request, Version};
use hallyu_estimate::Estimator;

/// Runs the command.
pub fn run(a: PotentialArgs) -> Result<u8> {
    let request = Request::Potential(Box::new(PotentialRequest {
        version: Version,
        country: a.country.clone(),
        model: super::fit::request(&a.model, Estimator::Poisson)?,
        year: a.year,
    }));
    let o = &a.model.output;
    super::execute(
        &request,
        o.format,
        o.out.as_deref(),
        o.quiet,
        o.print_request,
    )
}

/// Renders the fit and the comparison; JSON is the whole response, CSV the comparison by
/// partner.
pub fn render(p: &Potential, format: OutputFormat) -> Result<String> {
    let sections = || hallyu_render::potential_sections(&p.fit, &p.potential, &p.notes);
    Ok(match format {
        OutputFormat::Json => {
            let mut s = serde_json::to_string_pretty(p)?;
            s.push('\n');
            s
        }
        OutputFormat::Csv => hallyu_render::potential_csv(&p.potential)?,
        OutputFormat::Html => {
            let mut sections = sections();
            if let (Some(last), Some(chart)) = (
                sections.last_mut(),
                hallyu_render::potential_chart(&p.potential),
            ) {
                last.blocks.insert(1, hallyu_render::Block::Chart(chart));
            }
            super::html_page("Export potential", &sections)
        }
        f => sections()
            .iter()
            .map(|g| match f {
                OutputFormat::Markdown => g.markdown(),
                OutputFormat::Latex => g.latex(),
                _ => g.terminal(),
            })
            .collect::<Vec<_>>()
            .join("\n"),
    })
}
