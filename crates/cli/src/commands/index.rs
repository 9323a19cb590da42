//! `hallyu index`: composite indices.

use crate::args::{IndexAction, IndexArgs, IndexBuildArgs};
use anyhow::Result;
use hallyu_api::index::IndexRequest;
use hallyu_api::{Request, Version};

/// Runs the command.
pub fn run(a: IndexArgs) -> Result<u8> {
    match a.action {
        IndexAction::Build(b) => build(b),
    }
}

fn build(a: IndexBuildArgs) -> Result<u8> {
    let screen = match a.screen.trim() {
        "none" => None,
        s => Some(s.parse::<f64>().map_err(|_| {
            crate::exit::usage(format!(
                "--screen {s}: give a share between 0 and 1 (e.g. 0.9) or none"
            ))
        })?),
    };
    let request = Request::Index(Box::new(IndexRequest {
        version: Version,
        data: a.data,
        meta: a.meta,
        denominate: a.denominate,
        impute: a.impute,
        screen,
        treat: a.treat,
        normalise: a.normalise,
        aggregate: a.aggregate,
        weights: a.weights,
        dataset: a.dataset,
    }));
    let o = &a.output;
    super::execute(
        &request,
        o.format,
        o.out.as_deref(),
        o.quiet,
        o.print_request,
    )
}
