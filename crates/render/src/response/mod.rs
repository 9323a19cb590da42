//! Every response of the library API ([`hallyu_api::Response`]) as text, in one place for
//! every front end: the command line prints what [`render_response`] returns and the
//! server answers with it, so the two never differ.
//!
//! One function per capability, public where a front end needs a part (the scenario's
//! HTML sections, the report's sections); JSON is always the response's own serialisation
//! (pretty, with a final newline), the contract the server relies on.

mod claim;
mod contract;
mod dataset;
mod fit;
mod index;
mod indicators;
mod ingest;
mod potential;
mod projection;
mod reference;
mod report;
mod reproduce;
mod scenario;
mod series;

pub use claim::render_claim;
pub use contract::json_contract;
pub use dataset::render_dataset;
pub use fit::render_fit;
pub use index::render_index;
pub use indicators::render_indicators;
pub use ingest::{ingest_warnings, render_ingest};
pub use potential::render_potential;
pub use projection::render_projection;
pub use reference::render_reference;
pub use report::{render_report, report_sections};
pub use reproduce::render_reproduction;
pub use scenario::{render_scenario, scenario_html_sections};
pub use series::render_series;

// Pretty JSON with a final newline: the JSON contract of a response written whole.
use crate::error::json;
use crate::{html_document, DocumentMeta, Format, RenderError, Section};
use hallyu_api::Response;

/// Renders any response in `format`; a format the response has no rendering in is
/// [`RenderError::Unsupported`].
pub fn render_response(response: &Response, format: Format) -> Result<String, RenderError> {
    match response {
        Response::Fit(r) => render_fit(r, format),
        Response::Indicators(r) => render_indicators(r, format),
        Response::Projection(p) => render_projection(p, format),
        Response::Potential(p) => render_potential(p, format),
        Response::Reproduce(r) => render_reproduction(r, format),
        Response::Reference(r) => render_reference(r, format),
        Response::Dataset(r) => render_dataset(r, format),
        Response::Ingest(r) => render_ingest(r, format),
        Response::Scenario(r) => render_scenario(r, format),
        Response::Report(r) => render_report(r, format),
        Response::Claim(c) => render_claim(c, format),
        Response::Series(s) => render_series(s, format),
        Response::Index(r) => render_index(r, format),
    }
}

/// One self-contained HTML page of `sections` under `title`, saying which version of the
/// program made it (every crate of the workspace shares one version).
pub fn html_page(title: &str, sections: &[Section]) -> String {
    let meta = DocumentMeta {
        generator: "hallyu".into(),
        version: env!("CARGO_PKG_VERSION").into(),
        ..Default::default()
    };
    html_document(title, sections, &meta)
}

/// Sections rendered one after another in a text format (terminal, Markdown or LaTeX),
/// a blank line between them.
fn text_sections(sections: &[Section], format: Format) -> String {
    sections
        .iter()
        .map(|g| match format {
            Format::Markdown => g.markdown(),
            Format::Latex => g.latex(),
            _ => g.terminal(),
        })
        .collect::<Vec<_>>()
        .join("\n")
}

#[cfg(test)]
mod tests;
