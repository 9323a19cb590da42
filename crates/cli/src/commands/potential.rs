//! `hallyu potential`: a country's exports by partner against a gravity model's
//! prediction.

use crate::args::PotentialArgs;
use anyhow::Result;
use hallyu_api::potential::PotentialRequest;
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
