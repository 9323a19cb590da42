//! `hallyu report`: a country's creative-economy report, composed by the library from the
//! other capabilities and rendered by `hallyu_render` (HTML by default, JSON or Markdown).

use crate::args::{OutputFormat, ReportArgs};
use crate::exit::usage_bail;
use anyhow::Result;
use hallyu_api::index::IndexRequest;
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
    let data = a
        .data
        .clone()
        .map_or(DataSource::Embedded, DataSource::from_path);
    let index = index_request(&a, &data)?;
    let request = Request::Report(Box::new(ReportRequest {
        version: Version,
        country: a.country.clone(),
        peers: a.peers.clone(),
        bloc: a.bloc.clone(),
        group: a.group.clone(),
        years: a.years,
        data,
        scenario,
        draws: a.draws,
        claims: match &a.claims {
            Some(path) => Some(claims_from_file(path).map_err(crate::exit::from_api)?),
            None => None,
        },
        index,
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

/// The index the report places the country on: `--index example` (the embedded
/// scoreboard on the report's trade data), `--index FRAMEWORK.toml --index-data UNITS`
/// or `--index-meta iMeta --index-data UNITS`; none without these flags.
fn index_request(a: &ReportArgs, data: &DataSource) -> Result<Option<Box<IndexRequest>>> {
    let request = match (a.index.as_deref(), &a.index_meta, &a.index_data) {
        (None, None, None) => return Ok(None),
        (Some(_), Some(_), _) => usage_bail!(
            "give one framework: --index FRAMEWORK.toml (or example) or --index-meta iMeta.csv, not both"
        ),
        (Some(e), None, None) if e.eq_ignore_ascii_case("example") => IndexRequest {
            trade: data.clone(),
            ..IndexRequest::example()
        },
        (Some(e), None, Some(_)) if e.eq_ignore_ascii_case("example") => usage_bail!(
            "--index example is built on the report's trade data: leave out --index-data"
        ),
        (Some(f), None, Some(units)) => IndexRequest {
            framework: Some(f.into()),
            data: Some(units.clone()),
            ..IndexRequest::example()
        },
        (Some(f), None, None) => usage_bail!(
            "--index {f}: a framework is built on unit data: add --index-data UNITS.csv (COINr's iData layout), or use --index example"
        ),
        (None, Some(meta), Some(units)) => IndexRequest {
            meta: Some(meta.clone()),
            data: Some(units.clone()),
            ..IndexRequest::example()
        },
        (None, Some(_), None) => {
            usage_bail!("--index-meta needs the unit data: add --index-data UNITS.csv")
        }
        (None, None, Some(_)) => usage_bail!(
            "--index-data needs its framework: --index FRAMEWORK.toml or --index-meta iMeta.csv"
        ),
    };
    Ok(Some(Box::new(request)))
}
