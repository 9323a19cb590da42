//! `hallyu index`: composite indices.

use crate::args::{IndexAction, IndexArgs, IndexBuildArgs};
use anyhow::Result;
use hallyu_api::index::{Design, IndexRequest, Screen, ScreenOff, SensitivityRequest};
use hallyu_api::{DataSource, Request};

/// Runs the command.
pub fn run(a: IndexArgs) -> Result<u8> {
    let (request, output) = match a.action {
        IndexAction::Build(b) => (request(&b, None)?, b.output),
        IndexAction::Sensitivity(s) => {
            let analysis = SensitivityRequest {
                runs: s.runs,
                seed: s.seed,
                weight_noise: s.weight_noise,
                noise_levels: s.noise_level,
                impute: s.alt_impute,
                normalise: s.alt_normalise,
                aggregate: s.alt_aggregate,
                drop_indicator: s.drop_indicators,
                keep_runs: s.keep_runs,
                design: if s.indices {
                    Design::Saltelli
                } else {
                    Design::Random
                },
                bootstrap: s.bootstrap,
                replay: s.replay,
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
    let screen = match a.screen.as_deref().map(str::trim) {
        None => None,
        // `none` given on the command line overrides a framework's screening.
        Some("none") => Some(Screen::Off(ScreenOff::None)),
        Some(s) => Some(Screen::Share(s.parse::<f64>().map_err(|_| {
            crate::exit::usage(format!(
                "--screen {s}: give a share between 0 and 1 (e.g. 0.9) or none"
            ))
        })?)),
    };
    let request = IndexRequest {
        screen,
        data: a.data.clone(),
        meta: a.meta.clone(),
        framework: a.framework.clone(),
        trade: a
            .trade
            .clone()
            .map_or(DataSource::Embedded, DataSource::from_path),
        denominate: a.denominate.clone(),
        impute: a.impute.clone(),
        treat: a.treat.clone(),
        normalise: a.normalise.clone(),
        aggregate: a.aggregate.clone(),
        weights: a.weights.clone(),
        data_threshold: a.data_threshold,
        dataset: a.dataset.clone(),
        sensitivity,
        analysis: a.analysis,
        ..IndexRequest::example()
    };
    Ok(Request::Index(Box::new(request)))
}
