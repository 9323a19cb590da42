//! `hallyu indicators`: trade indicators of a country or bloc.

use crate::args::IndicatorsArgs;
use anyhow::Result;
use hallyu_api::indicators::IndicatorsRequest;
use hallyu_api::{DataSource, Request, Version};

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
