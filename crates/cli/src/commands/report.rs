//! `hallyu report`: a country's creative-economy report, composed by the library from the
//! other capabilities; rendered here as JSON (the report's data) or Markdown.

use crate::args::{OutputFormat, ReportArgs};
use crate::exit::usage_bail;
use anyhow::Result;
use hallyu_api::claims::{ClaimCheck, ClaimResult};
use hallyu_api::report::{Report, ReportRequest};
use hallyu_api::scenario::ScenarioRequest;
use hallyu_api::{DataSource, Request, Response, Version};
use hallyu_measure::claims::Verdict;
use hallyu_measure::indicators::{Indicators, YearIndicators};
use hallyu_report::{Block, Cell, Chart, ChartKind, ChartSeries, Positions, Section};

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
        OutputFormat::Html => html(r),
        f => usage_bail!("a report is written as html, json or markdown, not {f:?}"),
    }
}

/// The report as one self-contained HTML page: each section's notes, then each call's own
/// tables and charts (or why it could not be answered), then the requests.
fn html(r: &Report) -> Result<String> {
    let mut sections: Vec<Section> = Vec::new();
    let mut head = vec![format!(
        "Peers: {}. Bloc: {}.",
        r.peers.join(", "),
        r.bloc.as_deref().unwrap_or("none")
    )];
    if !r.warnings.is_empty() {
        head.push("Not computed:".into());
        head.extend(r.warnings.iter().map(|w| format!("- {w}")));
    }
    sections.push(Section {
        title: vec!["Overview".into()],
        blocks: vec![Block::Notes { lines: head }],
    });
    for s in &r.sections {
        let mut blocks = vec![Block::Notes {
            lines: s.notes.clone(),
        }];
        blocks.extend(section_charts(r, &s.id).into_iter().map(Block::Chart));
        sections.push(Section {
            title: vec![s.title.clone()],
            blocks,
        });
        for c in &s.calls {
            match (&c.response, &c.failure) {
                (Some(resp), _) => sections.extend(response_sections(&c.purpose, resp)?),
                (None, Some(f)) => sections.push(Section {
                    title: vec![c.purpose.clone()],
                    blocks: vec![Block::Notes {
                        lines: vec![format!("Not computed: {}", f.message)],
                    }],
                }),
                (None, None) => {}
            }
        }
    }
    let mut methods = vec![
        "Every number above comes from one of these requests; save one as a file and run it \
         with `hallyu run FILE` to get the same answer."
            .to_string(),
    ];
    for s in &r.sections {
        for c in &s.calls {
            methods.push(format!(
                "{}: {}",
                c.purpose,
                serde_json::to_string(&c.request)?
            ));
        }
    }
    sections.push(Section {
        title: vec!["Methods and data".into()],
        blocks: vec![Block::Notes { lines: methods }],
    });
    let meta = hallyu_report::DocumentMeta {
        generator: "hallyu".into(),
        version: env!("CARGO_PKG_VERSION").into(),
        ..Default::default()
    };
    Ok(hallyu_report::html_document(&r.title, &sections, &meta))
}

/// The indicators a section's calls answered.
fn indicators_of<'r>(r: &'r Report, id: &str) -> Vec<&'r Indicators> {
    r.sections
        .iter()
        .filter(|s| s.id == id)
        .flat_map(|s| &s.calls)
        .filter_map(|c| match &c.response {
            Some(Response::Indicators(i)) => Some(i.as_ref()),
            _ => None,
        })
        .collect()
}

/// Charts that compare across a section's calls: the country against its peers (HHI over
/// partners, world share) and the share of its trade with the bloc.
fn section_charts(r: &Report, id: &str) -> Vec<Chart> {
    let line = |title: String,
                label: &str,
                unit: &str,
                all: &[&Indicators],
                value: &dyn Fn(&YearIndicators) -> (Option<f64>, &'static str)| {
        let mut years: Vec<i32> = all
            .iter()
            .flat_map(|i| i.years.iter().map(|y| y.year))
            .collect();
        years.sort_unstable();
        years.dedup();
        let series = all
            .iter()
            .map(|i| ChartSeries {
                name: i.subject.clone(),
                values: years
                    .iter()
                    .map(|year| match i.years.iter().find(|y| y.year == *year) {
                        None => Cell::null(format!("{} has no data for {year}", i.subject)),
                        Some(y) => match value(y) {
                            (Some(v), _) => Cell::number(v, 3),
                            (None, field) => Cell::null(
                                y.undefined
                                    .get(field)
                                    .cloned()
                                    .unwrap_or_else(|| "undefined".to_string()),
                            ),
                        },
                    })
                    .collect(),
            })
            .collect();
        Chart {
            kind: ChartKind::Line,
            title,
            x_label: "year".into(),
            value_label: label.into(),
            unit: (!unit.is_empty()).then(|| unit.to_string()),
            x: Positions::Numbers(years.iter().map(|y| f64::from(*y)).collect()),
            series,
            reference: None,
        }
    };
    match id {
        "markets" => {
            let mut all = indicators_of(r, "headline");
            all.extend(indicators_of(r, "markets"));
            if all.len() < 2 {
                return Vec::new();
            }
            vec![
                line(
                    format!(
                        "{} and its peers: concentration of exports over partners",
                        r.country
                    ),
                    "HHI over partners",
                    "0-10,000",
                    &all,
                    &|y| (y.hhi_partners_points, "hhi_partners"),
                ),
                line(
                    format!("{} and its peers: share of world exports", r.country),
                    "world share",
                    "%",
                    &all,
                    &|y| (y.world_share_pct, "world_share_pct"),
                ),
            ]
        }
        "integration" => {
            let all = indicators_of(r, "integration");
            match all.first() {
                Some(i) if i.partner.is_some() => vec![line(
                    format!(
                        "{}: trade with {} as a share of its trade",
                        r.country,
                        i.partner.as_deref().unwrap_or_default()
                    ),
                    "share of trade",
                    "%",
                    &all,
                    &|y| {
                        (
                            y.partner.as_ref().and_then(|p| p.share_of_trade_pct),
                            "share_of_trade_pct",
                        )
                    },
                )],
                _ => Vec::new(),
            }
        }
        _ => Vec::new(),
    }
}

/// One call's answer as sections, with the charts its kind has.
fn response_sections(purpose: &str, response: &Response) -> Result<Vec<Section>> {
    let titled = |mut s: Section| {
        s.title.insert(0, purpose.to_string());
        s
    };
    Ok(match response {
        Response::Indicators(i) => {
            let mut s = titled(hallyu_report::indicators_section(i));
            // Trade with a partner is drawn by the section (its share over the years); its
            // flows are the headline's.
            if i.partner.is_none() {
                s.blocks.extend(
                    hallyu_report::indicators_charts(i)
                        .into_iter()
                        .map(Block::Chart),
                );
            }
            vec![s]
        }
        Response::Fit(f) => vec![titled(hallyu_report::comparison_section(&f.fits))],
        Response::Scenario(x) => hallyu_report::scenario_sections(x)
            .into_iter()
            .map(titled)
            .collect(),
        Response::Projection(p) => vec![titled(hallyu_report::projection_section(p))],
        Response::Claim(c) => vec![Section {
            title: vec![purpose.to_string()],
            blocks: vec![Block::Notes {
                lines: vec![render_claim(c, OutputFormat::Table)?.trim_end().to_string()],
            }],
        }],
        other => vec![Section {
            title: vec![purpose.to_string()],
            blocks: vec![Block::Notes {
                lines: vec![super::render(other, OutputFormat::Table)?],
            }],
        }],
    })
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
