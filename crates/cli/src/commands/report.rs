//! `hallyu report`: a country's creative-economy report, composed by the library from the
//! other capabilities; rendered here as JSON (the report's data) or Markdown.

use crate::args::{OutputFormat, ReportArgs};
use crate::exit::usage_bail;
use anyhow::Result;
use hallyu_api::claims::{ClaimCheck, ClaimResult};
use hallyu_api::report::{Report, ReportRequest};
use hallyu_api::scenario::ScenarioRequest;
use hallyu_api::{DataSource, Request, Version};
use hallyu_measure::claims::Verdict;

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

/// Renders a report: JSON (every call's request and response, in section order) or
/// Markdown (each response rendered as its command renders it).
pub fn render(r: &Report, format: OutputFormat) -> Result<String> {
    match format {
        OutputFormat::Json => {
            let mut s = serde_json::to_string_pretty(r)?;
            s.push('\n');
            Ok(s)
        }
        OutputFormat::Markdown => markdown(r),
        f => usage_bail!("a report is written as json or markdown, not {f:?}"),
    }
}

fn markdown(r: &Report) -> Result<String> {
    let mut out = format!("# {}\n\n", r.title);
    out.push_str(&format!(
        "Peers: {}. Bloc: {}. Made by {}.\n\n",
        r.peers.join(", "),
        r.bloc.as_deref().unwrap_or("none"),
        r.generator
    ));
    if !r.warnings.is_empty() {
        out.push_str("**Not computed:**\n\n");
        for w in &r.warnings {
            out.push_str(&format!("- {w}\n"));
        }
        out.push('\n');
    }
    for s in &r.sections {
        out.push_str(&format!("## {}\n\n", s.title));
        for n in &s.notes {
            out.push_str(&format!("{n}\n\n"));
        }
        for c in &s.calls {
            out.push_str(&format!("### {}\n\n", c.purpose));
            match (&c.response, &c.failure) {
                (Some(resp), _) => {
                    out.push_str(&super::render(resp, OutputFormat::Markdown)?);
                    out.push('\n');
                }
                (None, Some(f)) => out.push_str(&format!("*Not computed:* {}\n\n", f.message)),
                (None, None) => {}
            }
        }
    }
    out.push_str(
        "## Methods and data\n\nEvery number above comes from one of these requests; \
                  save one as a file and run it with `hallyu run FILE` to get the same answer.\n\n",
    );
    for s in &r.sections {
        for c in &s.calls {
            out.push_str(&format!(
                "- {}:\n\n```json\n{}\n```\n\n",
                c.purpose,
                serde_json::to_string(&c.request)?
            ));
        }
    }
    Ok(out)
}

/// Renders a claim check: JSON, or one paragraph with the numbers and the verdict.
pub fn render_claim(c: &ClaimCheck, format: OutputFormat) -> Result<String> {
    if format == OutputFormat::Json {
        let mut s = serde_json::to_string_pretty(c)?;
        s.push('\n');
        return Ok(s);
    }
    let numbers = match &c.result {
        ClaimResult::Share(s) => format!(
            "{} / {} = {:.4}% (stated {}%)",
            s.part.value, s.whole.value, s.implied_pct, s.pct.value
        ),
        ClaimResult::Value(v) => match v.found {
            Some(x) => format!("stated {}, the source gives {x}", v.stated.value),
            None => format!("stated {}", v.stated.value),
        },
    };
    let verdict = match c.verdict() {
        Verdict::Consistent => "consistent at the precision it was written with".to_string(),
        Verdict::Inconsistent { arithmetic } => format!("NOT CONSISTENT: {arithmetic}"),
        Verdict::NotCheckable { reason } => format!("not checkable: {reason}"),
    };
    Ok(match format {
        OutputFormat::Markdown => format!("\"{}\": {numbers}; **{verdict}**\n", c.statement),
        _ => format!("\"{}\": {numbers}; {verdict}\n", c.statement),
    })
}
