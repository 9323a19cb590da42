//! `hallyu indicators`: trade indicators of a country or bloc.

use crate::args::{IndicatorsArgs, OutputFormat};
use anyhow::Result;
use hallyu_api::indicators::IndicatorsRequest;
use hallyu_api::{DataSource, Request, Version};
use hallyu_measure::indicators::Indicators;

/// Runs the command.
pub fn run(a: IndicatorsArgs) -> Result<u8> {
    let request = Request::Indicators(request(&a));
    let o = &a.output;
    super::execute(
        &request,
        o.format,
        o.out.as_deref(),
        o.quiet,
        o.print_request,
    )
}

/// The request the flags make.
fn request(a: &IndicatorsArgs) -> IndicatorsRequest {
    IndicatorsRequest {
        version: Version,
        data: a
            .data
            .clone()
            .map_or(DataSource::Embedded, DataSource::from_path),
        subject: a.subject.clone(),
        partner: a.partner.clone(),
        group: a.group.clone(),
        product: a.product.clone(),
        source: a.source.clone(),
        years: a.years,
        cagr_window: a.cagr_window,
        top: a.top,
        blocs: a.blocs.clone(),
        concordance: a.concordance.clone(),
        value: a.value.clone(),
        perspective: a.perspective.unwrap_or_default(),
    }
}

/// Renders indicators.
pub fn render(r: &Indicators, format: OutputFormat) -> Result<String> {
    Ok(match format {
        OutputFormat::Json => hallyu_render::indicators_json(r)?,
        OutputFormat::Csv => hallyu_render::indicators_csv(r)?,
        OutputFormat::Table => hallyu_render::indicators_section(r).terminal(),
        OutputFormat::Markdown => hallyu_render::indicators_section(r).markdown(),
        OutputFormat::Latex => hallyu_render::indicators_section(r).latex(),
        OutputFormat::Html => {
            let mut section = hallyu_render::indicators_section(r);
            section.blocks.extend(
                hallyu_render::indicators_charts(r)
                    .into_iter()
                    .map(hallyu_render::Block::Chart),
            );
            super::html_page(&format!("Trade indicators: {}", r.subject), &[section])
        }
    })
}
