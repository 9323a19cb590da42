//! Charts of a report's numbers, drawn as SVG.
//!
//! A [`Chart`] holds the numbers it plots as typed [`Cell`]s, so that the same values
//! give the chart, the table of plotted numbers beside it ([`Chart::table`]) and the text
//! formats, and a missing value keeps its reason. [`Chart::svg`] draws it: a line chart
//! over years, stacked bars, horizontal bars (with error bars where the cells are
//! intervals) or a dot plot with a reference line. A [`HeatMap`] draws a value per row
//! and column as a colour on one sequential scale. Every chart has a title, a text
//! alternative (`<title>`, `<desc>`, `role="img"`, `aria-label`), labelled axes with the
//! unit, and colours from one palette readable by colour-blind readers and in grey print.
//!
//! The SVG is written here rather than with a plotting crate. plotters 0.3 with its SVG
//! backend alone (`default-features = false`, `svg_backend`; text needs no font files)
//! builds in about 2 s and would serve for the lines, but it writes no
//! `<title>`/`<desc>`/ARIA and no per-mark tooltip, breaks no line at a missing value,
//! has no stacked or error bars over categories, and lays text out by byte count; all of
//! that would be patched into its output text. Its line chart of 3 series over 21 years
//! with a dot per value is 31 kB; the same chart here is 11 kB, a tooltip per value and
//! the text alternative included.

mod heat;
mod layout;
mod scale;
mod svg;

use crate::model::{Cell, ColumnSpec, Row, Table};
use serde::{Deserialize, Serialize};

pub use heat::{HeatColumn, HeatMap};
pub use svg::Drawn;

/// A chart and the numbers it plots.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Chart {
    /// How the numbers are drawn (`chart_kind` in JSON: a block's `kind` says that it is
    /// a chart).
    #[serde(rename = "chart_kind")]
    pub kind: ChartKind,
    /// What the chart shows (its caption and the start of its text alternative).
    pub title: String,
    /// What the positions are (`year`, `partner`): the horizontal axis of a line chart
    /// or of stacked bars, the vertical one of horizontal bars and dot plots.
    pub x_label: String,
    /// What the values are (`exports`, `RCA`).
    pub value_label: String,
    /// The values' unit (`USD`, `%`), shown with the value axis.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub unit: Option<String>,
    /// The positions the values are at.
    pub x: Positions,
    /// The series: one value per position each.
    pub series: Vec<ChartSeries>,
    /// A line drawn across at a value (RCA 1: as specialised as the world).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub reference: Option<Reference>,
}

/// How a [`Chart`] draws its numbers.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ChartKind {
    /// One line per series over numeric positions (years); a missing value is a gap.
    Line,
    /// Vertical bars per position, the series stacked (composition by group per year);
    /// negative values stack below zero.
    StackedBars,
    /// Horizontal bars, one group per position, one bar per series; an interval cell
    /// adds an error bar (scenario effects with their 95% interval).
    Bars,
    /// One dot per series and position, positions down the side (RCA of a country
    /// against its peers).
    Dots,
}

/// The positions of a chart's values.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(tag = "kind", content = "values", rename_all = "snake_case")]
pub enum Positions {
    /// Numbers, spaced as they are (years); only a line chart uses them as numbers.
    Numbers(Vec<f64>),
    /// Names (partners, product groups).
    Labels(Vec<String>),
}

impl Positions {
    /// How many positions there are.
    pub fn len(&self) -> usize {
        match self {
            Positions::Numbers(v) => v.len(),
            Positions::Labels(v) => v.len(),
        }
    }

    /// Whether there is none.
    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    /// The label of position `i` (a year without decimals).
    pub fn label(&self, i: usize) -> String {
        match self {
            Positions::Numbers(v) => v
                .get(i)
                .map_or_else(String::new, |x| crate::format::exact(*x)),
            Positions::Labels(v) => v.get(i).cloned().unwrap_or_default(),
        }
    }
}

/// One series of a [`Chart`].
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ChartSeries {
    /// What it is (shown in the legend).
    pub name: String,
    /// One cell per position: a number, an interval, or a null with its reason (a gap).
    pub values: Vec<Cell>,
}

/// A line across a chart at a value.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Reference {
    /// Where.
    pub value: f64,
    /// What it means (`RCA = 1`).
    pub label: String,
}

/// A value as a chart plots it: the point and, for an interval, its ends.
#[derive(Debug, Clone, Copy, PartialEq)]
pub(crate) struct Plotted {
    pub value: f64,
    pub interval: Option<(f64, f64)>,
}

/// The number a cell plots, if it is a finite one; text, nulls and undefined numbers
/// plot nothing.
pub(crate) fn plotted(c: &Cell) -> Option<Plotted> {
    let point = |value: f64| {
        value.is_finite().then_some(Plotted {
            value,
            interval: None,
        })
    };
    match c {
        Cell::Integer { value } => point(*value as f64),
        Cell::Number { value, .. }
        | Cell::Percent { value, .. }
        | Cell::Scientific { value, .. }
        | Cell::Estimate { value, .. } => point(*value),
        Cell::Interval {
            value, low, high, ..
        } => point(*value).map(|p| Plotted {
            interval: (low.is_finite() && high.is_finite()).then_some((*low, *high)),
            ..p
        }),
        Cell::Text { .. }
        | Cell::Difference { .. }
        | Cell::Counts { .. }
        | Cell::StdError { .. }
        | Cell::PValue { .. }
        | Cell::Stars { .. }
        | Cell::Null { .. } => None,
    }
}

impl ChartSeries {
    /// The plotted value at each position.
    pub(crate) fn plotted(&self) -> impl Iterator<Item = Option<Plotted>> + '_ {
        self.values.iter().map(plotted)
    }

    /// Whether no value of the series can be drawn.
    pub fn is_blank(&self) -> bool {
        self.plotted().all(|p| p.is_none())
    }
}

impl Chart {
    /// The numbers the chart plots as a table: a row per position, a column per series
    /// (nulls keep their reasons).
    pub fn table(&self) -> Table {
        let mut columns = vec![ColumnSpec::label(self.x_label.clone())];
        columns.extend(self.series.iter().map(|s| match &self.unit {
            Some(u) => ColumnSpec::in_unit(s.name.clone(), u.clone()),
            None => ColumnSpec::value(s.name.clone()),
        }));
        let mut t = Table::new(columns);
        t.rows = (0..self.x.len())
            .map(|i| {
                let mut cells = vec![Cell::text(self.x.label(i))];
                cells.extend(self.series.iter().map(|s| {
                    s.values
                        .get(i)
                        .cloned()
                        .unwrap_or_else(|| Cell::null(format!("{} has no value here", s.name)))
                }));
                Row::Cells(cells)
            })
            .collect();
        t
    }

    /// The value axis's title: the label and the unit (`exports (USD)`).
    pub fn value_axis_title(&self) -> String {
        match &self.unit {
            Some(u) if !u.is_empty() => format!("{} ({u})", self.value_label),
            _ => self.value_label.clone(),
        }
    }

    /// The chart as SVG, or, when no value of any series can be drawn, the sentence that
    /// says so instead of an empty frame.
    pub fn svg(&self) -> Drawn {
        svg::draw(self)
    }
}

#[cfg(test)]
pub(crate) mod tests;
