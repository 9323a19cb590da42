//! `hallyu simulate`: a general-equilibrium policy scenario.

use crate::args::{MethodArg, SimulateArgs};
use crate::exit::usage_bail;
use anyhow::Result;
use hallyu_api::panel::PanelScope;
use hallyu_api::scenario::ScenarioRequest;
use hallyu_api::{DataSource, Request};
use hallyu_simulate::{Method, RunOptions};

/// Runs the command. Names a scenario gets wrong exit with 2, unusable files or data with
/// 1, a solve that does not converge with 3 (see `crate::exit`).
pub fn run(a: SimulateArgs) -> Result<u8> {
    if let Some(dir) = &a.data {
        if !dir.is_dir() {
            usage_bail!(
                "--data {}: not a dataset folder (a data file goes in the scenario's `data`)",
                dir.display()
            );
        }
    }
    // The scenario file is the request's content: it is read even to print the request.
    let mut request =
        ScenarioRequest::from_toml_file(&a.scenario).map_err(crate::exit::from_api)?;
    if let Some(dir) = &a.data {
        request.data = DataSource::Dataset { dir: dir.clone() };
    }
    request.scope = PanelScope {
        group: a.scope.group.clone(),
        product: a.scope.product.clone(),
        source: a.scope.source.clone(),
        perspective: a.scope.perspective,
        concordance: a.scope.concordance.clone(),
    };
    request.options = RunOptions {
        method: match a.method {
            MethodArg::Exact => Method::Exact,
            MethodArg::Geppml => Method::Geppml,
        },
        tolerance: a.tolerance,
        max_iterations: a.max_iter,
        draws: a.draws,
        seed: a.seed,
        bilateral: a.bilateral,
    };
    request.reference = a.reference.clone();
    let request = Request::Scenario(Box::new(request));
    let o = &a.output;
    super::execute(
        &request,
        o.format,
        o.out.as_deref(),
        o.quiet,
        o.print_request,
    )
}
