//! # hallyu-render: results to text
//!
//! Every result is first laid out as typed [`Section`]s — tables of numbers with their
//! units, series, notes — and then rendered as a terminal table, Markdown or LaTeX
//! ([`Section::terminal`], [`Section::markdown`], [`Section::latex`]) or a self-contained
//! HTML document with SVG charts ([`html_document`], [`chart`]); numbers stay numbers
//! until [`format`] makes text of them, in one place. CSV and JSON are written from the
//! result types directly, and report their write errors ([`RenderError`]). Renderers
//! return strings: they open no files and compute no statistics (p-values and intervals
//! come with the [`hallyu_estimate::Fit`]).
//!
//! [`response`] renders every answer of the library API ([`hallyu_api::Response`]) in
//! every format through one entry point, [`render_response`]: the command line prints
//! what it returns and the server answers with it.
#![deny(missing_docs)]

pub mod chart;
mod editions;
mod error;
mod fits;
pub mod format;
mod general_equilibrium;
mod html;
mod indicators;
mod markup;
mod model;
mod potential;
mod projection;
mod replication;
pub mod response;
mod scenario;
mod text;

pub use chart::{Chart, ChartKind, ChartSeries, Drawn, HeatColumn, HeatMap, Positions, Reference};
pub use error::RenderError;
pub use fits::{coefficient_section, comparison_section, fits_csv, fits_json};
pub use format::{num, stars};
pub use general_equilibrium::{chapter2_csv, chapter2_json, chapter2_sections};
pub use html::{html_document, DocumentMeta, STYLE as PAGE_STYLE};
pub use indicators::{indicators_charts, indicators_csv, indicators_json, indicators_section};
pub use markup::escape;
pub use model::{Align, Block, Cell, ColumnSpec, Row, Section, Series, Table};
pub use potential::{potential_chart, potential_csv, potential_section, potential_sections};
pub use projection::{projection_csv, projection_json, projection_section, PROJECTION_JSON_FIELDS};
pub use replication::{replication_csv, replication_json, replication_section};
pub use response::render_response;
pub use scenario::{scenario_chart, scenario_csv, scenario_json, scenario_sections};

/// Output formats.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Format {
    /// Aligned plain-text table for a terminal.
    Table,
    /// Machine-readable JSON.
    Json,
    /// GitHub-flavoured Markdown.
    Markdown,
    /// LaTeX `tabular`.
    Latex,
    /// Comma-separated values, one row per coefficient.
    Csv,
    /// A self-contained HTML page of the table.
    Html,
}

impl Format {
    /// Every format, in the order help texts list them.
    pub const ALL: [Format; 6] = [
        Format::Table,
        Format::Json,
        Format::Markdown,
        Format::Latex,
        Format::Csv,
        Format::Html,
    ];

    /// The format of a name (`table`, `json`, ...), `None` for another.
    pub fn from_name(name: &str) -> Option<Format> {
        Format::ALL.into_iter().find(|f| f.name() == name)
    }

    /// The format's name as users write it (`table`, `json`, `markdown`, `latex`, `csv`,
    /// `html`).
    pub fn name(self) -> &'static str {
        match self {
            Format::Table => "table",
            Format::Json => "json",
            Format::Markdown => "markdown",
            Format::Latex => "latex",
            Format::Csv => "csv",
            Format::Html => "html",
        }
    }
}

/// Renders fits: one model in full (coefficient table), several side by side.
pub fn render_fits(fits: &[hallyu_estimate::Fit], format: Format) -> Result<String, RenderError> {
    let section = || {
        if fits.len() == 1 {
            coefficient_section(&fits[0])
        } else {
            comparison_section(fits)
        }
    };
    Ok(match format {
        Format::Json => fits_json(fits)?,
        Format::Csv => fits_csv(fits)?,
        Format::Table => section().terminal(),
        Format::Markdown => section().markdown(),
        Format::Latex => section().latex(),
        Format::Html => response::html_page("Estimation", &[section()]),
    })
}
