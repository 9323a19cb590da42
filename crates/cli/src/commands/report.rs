//! `hallyu report`: a country's creative-economy report, composed by the library from the
//! other capabilities and rendered by `hallyu_render` (HTML by default, JSON or Markdown).

use crate::args::{OutputFormat, ReportArgs};
use anyhow::Result;
use hallyu_api::report::{claims_from_file, ReportRequest};
use hallyu_api::scenario::ScenarioRequest;
use hallyu_api::{DataSource, Request, Version};

/// Runs the command.
pub fn run(a: ReportArgs) -> Result<u8> {
    let scenario = match &a.scenario {
        Some(path) => Some(Box::new(
            ScenarioRequest::from_toml_file(path).map_err(crate::exit::from_api)?,
        )),
        None => None,
    };
    let request = Request::Report(Box::new(ReportRequest {
        version: Version,
        country: a.country.clone(),
        peers: a.peers.clone(),
        bloc: a.bloc.clone(),
        group: a.group.clone(),
        years: a.years,
        data: a
            .data
            .clone()
            .map_or(DataSource::Embedded, DataSource::from_path),
        scenario,
        draws: a.draws,
        claims: match &a.claims {
            Some(path) => Some(claims_from_file(path).map_err(crate::exit::from_api)?),
            None => None,
        },
    }));
    let o = &a.output;
    // The report is a document: HTML unless another format is asked for, written to
    // `hallyu-report-<country>.html` unless --out names another place.
    let format = match o.format {
        OutputFormat::Table => OutputFormat::Html,
        f => f,
    };
    let out = match (&o.out, format, o.print_request) {
        (Some(p), _, _) => Some(p.clone()),
        (None, OutputFormat::Html, false) => Some(std::path::PathBuf::from(format!(
            "hallyu-report-{}.html",
            a.country.trim().to_ascii_uppercase()
        ))),
        _ => None,
    };
    let code = super::execute(&request, format, out.as_deref(), o.quiet, o.print_request)?;
    if let (Some(p), None, false, false) = (&out, &o.out, o.quiet, o.print_request) {
        if code != crate::exit::Status::Input.code() {
            eprintln!("wrote {}", p.display());
        }
    }
    Ok(code)
}
