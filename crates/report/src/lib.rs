//! # hallyu-report: results to text
//!
//! Every result is first laid out as a [`Grid`] (header, rows, notes), then rendered as a
//! terminal table, Markdown or LaTeX; CSV and JSON are written from the result types
//! directly. Renderers return strings: they open no files and compute no statistics
//! (p-values and intervals come with the [`hallyu_estimate::Fit`]).
#![deny(missing_docs)]

mod editions;
mod fits;
mod general_equilibrium;
mod grid;
mod indicators;
mod projection;
mod replication;
mod scenario;

pub use fits::{coefficient_grid, comparison_grid, fits_csv, fits_json};
pub use general_equilibrium::{chapter2_csv, chapter2_grids, chapter2_json};
pub use grid::{Grid, Row};
pub use indicators::{indicators_csv, indicators_grid, indicators_json};
pub use projection::{projection_csv, projection_grid, projection_json};
pub use replication::{replication_csv, replication_grid, replication_json};
pub use scenario::{scenario_csv, scenario_grids, scenario_json};

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
}

/// Renders fits: one model in full (coefficient table), several side by side.
pub fn render_fits(fits: &[hallyu_estimate::Fit], format: Format) -> String {
    let grid = || {
        if fits.len() == 1 {
            coefficient_grid(&fits[0])
        } else {
            comparison_grid(fits)
        }
    };
    match format {
        Format::Json => fits_json(fits),
        Format::Csv => fits_csv(fits),
        Format::Table => grid().terminal(),
        Format::Markdown => grid().markdown(),
        Format::Latex => grid().latex(),
    }
}

/// Significance marks as fixest prints them: `***` p < 0.001, `**` < 0.01, `*` < 0.05,
/// `.` < 0.1.
pub fn stars(p: f64) -> &'static str {
    if !p.is_finite() {
        ""
    } else if p < 0.001 {
        "***"
    } else if p < 0.01 {
        "**"
    } else if p < 0.05 {
        "*"
    } else if p < 0.1 {
        "."
    } else {
        ""
    }
}

/// A number with `d` decimals, or `—` when undefined.
pub fn num(x: f64, d: usize) -> String {
    if x.is_finite() {
        format!("{x:.d$}")
    } else {
        "undefined".to_string()
    }
}
