//! `hallyu simulate`: a general-equilibrium policy scenario.

use crate::args::{MethodArg, OutputFormat, SimulateArgs};
use crate::exit::usage_bail;
use anyhow::Result;
use hallyu_api::panel::PanelScope;
use hallyu_api::scenario::ScenarioRequest;
use hallyu_api::{DataSource, Request};
use hallyu_simulate::{Method, RunOptions, ScenarioResult};

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

/// Renders a scenario's effects.
pub fn render(r: &ScenarioResult, format: OutputFormat) -> Result<String> {
    Ok(match format {
        OutputFormat::Json => hallyu_render::scenario_json(r)?,
        OutputFormat::Csv => hallyu_render::scenario_csv(r)?,
        OutputFormat::Html => super::html_page("Scenario", &scenario_html_sections(r)),
        f => hallyu_render::scenario_sections(r)
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

/// The scenario's sections with its effects drawn after the effects table (text formats
/// leave the chart out: its numbers are the table's).
pub fn scenario_html_sections(r: &ScenarioResult) -> Vec<hallyu_render::Section> {
    let mut sections = hallyu_render::scenario_sections(r);
    if let (Some(first), Some(chart)) = (sections.first_mut(), hallyu_render::scenario_chart(r)) {
        let at = first.blocks.len().min(1);
        first.blocks.insert(at, hallyu_render::Block::Chart(chart));
    }
    sections
}
