//! A country's creative-economy report, composed by the library from the other
//! capabilities: its data as JSON, or a document (HTML or Markdown) that opens with its
//! key figures, draws across calls where a section compares them, renders each other
//! call as its own command does, and ends with the sources, the definitions and every
//! request.

mod calls;
mod charts;
mod figures;
mod index;
mod tables;

use super::{html_page, json, render_response};
use crate::{Block, Format, RenderError, Section};
use calls::response_sections;
use charts::section_charts;
use figures::key_figures;
use hallyu_api::report::Report;
use hallyu_api::{Request, Response};
use index::index_sections;
use tables::{section_tables, sources_table};

/// The formats a report is written in.
const FORMATS: &[Format] = &[Format::Html, Format::Json, Format::Markdown];

/// Renders a report: JSON (every call's request and response, in section order), HTML
/// (one self-contained page) or Markdown (each response rendered as its command renders
/// it).
pub fn render_report(r: &Report, format: Format) -> Result<String, RenderError> {
    match format {
        Format::Json => json("report", r),
        Format::Markdown => markdown(r),
        Format::Html => Ok(html_page(&r.title, &report_sections(r)?)),
        format => Err(RenderError::Unsupported {
            what: "a report is",
            supported: FORMATS,
            format,
        }),
    }
}

/// The report's HTML page as sections: the key figures, each section's notes, then each
/// call's own tables and charts (or why it could not be answered), then the sources, the
/// definitions and the requests.
pub fn report_sections(r: &Report) -> Result<Vec<Section>, RenderError> {
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
        blocks: vec![Block::Table(key_figures(r)), Block::Notes { lines: head }],
    });
    for s in &r.sections {
        let mut blocks = vec![Block::Notes {
            lines: s.notes.clone(),
        }];
        blocks.extend(section_tables(r, &s.id).into_iter().map(Block::Table));
        blocks.extend(section_charts(r, &s.id).into_iter().map(Block::Chart));
        sections.push(Section {
            title: vec![s.title.clone()],
            blocks,
        });
        for c in &s.calls {
            match (&c.response, &c.failure) {
                // Each subgroup's indicators are drawn together above; their own tables
                // are in the JSON.
                (Some(_), _) if SUMMARISED.contains(&s.id.as_str()) => {}
                // The country on the index: its rank, the best-ranked, the heat map.
                (Some(Response::Index(i)), _) if s.id == INDEX => {
                    sections.extend(index_sections(&r.country, &c.purpose, i))
                }
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
    sections.push(Section {
        title: vec!["Sources".into()],
        blocks: vec![Block::Table(sources_table(r))],
    });
    sections.push(Section {
        title: vec!["Definitions".into()],
        blocks: vec![Block::Notes {
            lines: r.definitions.clone(),
        }],
    });
    let mut methods = vec![format!(
        "Made by {}. Every number above comes from one of these requests; save one as a \
             file and run it with `hallyu run FILE` to get the same answer.",
        r.generator
    )];
    for s in &r.sections {
        for c in &s.calls {
            methods.push(format!("{}: {}", c.purpose, request_json(&c.request)?));
        }
    }
    sections.push(Section {
        title: vec!["Methods and data".into()],
        blocks: vec![Block::Notes { lines: methods }],
    });
    Ok(sections)
}

/// A call's request on one line, as `hallyu run` reads it.
fn request_json(request: &Request) -> Result<String, RenderError> {
    serde_json::to_string(request).map_err(|source| RenderError::Json {
        what: "report's request",
        source,
    })
}

/// Sections drawn as a whole (charts across their calls) rather than call by call: every
/// call's numbers are in the JSON format.
const SUMMARISED: [&str; 3] = ["composition", "markets", "integration"];

/// The composite-index section, drawn for the report's country.
const INDEX: &str = "index";

/// The report in Markdown: its charts as their tables of numbers, each other call as
/// its command renders it in Markdown.
fn markdown(r: &Report) -> Result<String, RenderError> {
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
        if SUMMARISED.contains(&s.id.as_str()) {
            let mut blocks: Vec<Block> = section_tables(r, &s.id)
                .into_iter()
                .map(Block::Table)
                .collect();
            blocks.extend(section_charts(r, &s.id).into_iter().map(Block::Chart));
            if !blocks.is_empty() {
                let drawn = Section {
                    title: Vec::new(),
                    blocks,
                };
                out.push_str(&drawn.markdown());
                out.push('\n');
            }
            for c in s.calls.iter().filter(|c| c.failure.is_some()) {
                if let Some(f) = &c.failure {
                    out.push_str(&format!("*{}: not computed:* {}\n\n", c.purpose, f.message));
                }
            }
            continue;
        }
        for c in &s.calls {
            out.push_str(&format!("### {}\n\n", c.purpose));
            match (&c.response, &c.failure) {
                (Some(Response::Index(i)), _) if s.id == INDEX => {
                    for section in index_sections(&r.country, &c.purpose, i) {
                        out.push_str(&section.markdown());
                        out.push('\n');
                    }
                }
                (Some(resp), _) => {
                    out.push_str(&render_response(resp, Format::Markdown)?);
                    out.push('\n');
                }
                (None, Some(f)) => out.push_str(&format!("*Not computed:* {}\n\n", f.message)),
                (None, None) => {}
            }
        }
    }
    out.push_str("## Sources\n\n");
    out.push_str(&Section::of_table(Vec::new(), sources_table(r), Vec::new()).markdown());
    out.push_str("\n## Definitions\n\n");
    for d in &r.definitions {
        out.push_str(&format!("    {d}\n"));
    }
    out.push_str(&format!(
        "\n## Methods and data\n\nMade by {}. Every number above comes from one of these \
         requests; save one as a file and run it with `hallyu run FILE` to get the same \
         answer.\n\n",
        r.generator
    ));
    for s in &r.sections {
        for c in &s.calls {
            out.push_str(&format!(
                "- {}:\n\n```json\n{}\n```\n\n",
                c.purpose,
                request_json(&c.request)?
            ));
        }
    }
    Ok(out)
}
