//! `hallyu index`: composite indices.

use crate::args::{IndexAction, IndexArgs, IndexBuildArgs};
use anyhow::Result;
use hallyu_api::index::{IndexRequest, SensitivityRequest};
use hallyu_api::{Request, Version};

/// Runs the command.
pub fn run(a: IndexArgs) -> Result<u8> {
    let (request, output) = match a.action {
        IndexAction::Build(b) => (request(&b, None)?, b.output),
        IndexAction::Sensitivity(s) => {
            let analysis = SensitivityRequest {
                runs: s.runs,
                seed: s.seed,
                weight_noise: s.weight_noise,
                impute: s.alt_impute,
                normalise: s.alt_normalise,
                aggregate: s.alt_aggregate,
                drop_indicator: s.drop_indicators,
                keep_runs: false,
            };
            (request(&s.build, Some(analysis))?, s.build.output)
        }
    };
    super::execute(
        &request,
        output.format,
        output.out.as_deref(),
        output.quiet,
        output.print_request,
    )
}

/// The request of the build flags, with an analysis when asked.
fn request(a: &IndexBuildArgs, sensitivity: Option<SensitivityRequest>) -> Result<Request> {
    let screen = match a.screen.trim() {
        "none" => None,
        s => Some(s.parse::<f64>().map_err(|_| {
            crate::exit::usage(format!(
                "--screen {s}: give a share between 0 and 1 (e.g. 0.9) or none"
            ))
        })?),
    };
    Ok(Request::Index(Box::new(IndexRequest {
        version: Version,
        data: a.data.clone(),
        meta: a.meta.clone(),
        denominate: a.denominate.clone(),
        impute: a.impute.clone(),
        screen,
        treat: a.treat.clone(),
        normalise: a.normalise.clone(),
        aggregate: a.aggregate.clone(),
        weights: a.weights.clone(),
        dataset: a.dataset.clone(),
        sensitivity,
        analysis: a.analysis,
    })))
}
