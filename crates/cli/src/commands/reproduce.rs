//! `hallyu reproduce`: the Advanced Guide's published tables, re-estimated.

use crate::args::{OutputFormat, ReproduceArgs};
use anyhow::Result;
use hallyu_api::reproduce::{ReproduceRequest, Reproduction};
use hallyu_api::{Request, Version};

/// Runs the command; exits with 3 when a published value is missed.
pub fn run(a: ReproduceArgs) -> Result<u8> {
    let request = Request::Reproduce(ReproduceRequest {
        version: Version,
        chapter: a.chapter,
    });
    let o = &a.output;
    super::execute(
        &request,
        o.format,
        o.out.as_deref(),
        o.quiet,
        o.print_request,
    )
}

/// Renders a reproduction.
pub fn render(r: &Reproduction, format: OutputFormat) -> Result<String> {
    Ok(match r {
        Reproduction::Chapter1 { outcomes } => match format {
            OutputFormat::Json => hallyu_render::replication_json(outcomes)?,
            OutputFormat::Csv => hallyu_render::replication_csv(outcomes)?,
            OutputFormat::Table => hallyu_render::replication_section(outcomes).terminal(),
            OutputFormat::Markdown => hallyu_render::replication_section(outcomes).markdown(),
            OutputFormat::Latex => hallyu_render::replication_section(outcomes).latex(),
            OutputFormat::Html => super::html_page(
                "Reproduction of the Advanced Guide, chapter 1",
                &[hallyu_render::replication_section(outcomes)],
            ),
        },
        Reproduction::Chapter2 { runs, checks } => match format {
            OutputFormat::Json => hallyu_render::chapter2_json(runs)?,
            OutputFormat::Csv => hallyu_render::chapter2_csv(runs)?,
            OutputFormat::Html => super::html_page(
                "Reproduction of the Advanced Guide, chapter 2",
                &hallyu_render::chapter2_sections(runs, checks),
            ),
            f => {
                let sections = hallyu_render::chapter2_sections(runs, checks);
                let render = |g: &hallyu_render::Section| match f {
                    OutputFormat::Markdown => g.markdown(),
                    OutputFormat::Latex => g.latex(),
                    _ => g.terminal(),
                };
                sections.iter().map(render).collect::<Vec<_>>().join("\n")
            }
        },
    })
}
