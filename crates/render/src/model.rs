//! The document model every output format is rendered from: titled sections of tables,
//! series and notes. Cells keep numbers as numbers (with how many decimals to show) so
//! that every format, and a chart, starts from the same data; text is made from them in
//! one place, [`crate::format`].

use serde::{Deserialize, Serialize};

/// A titled part of a report: tables, series and notes, in order.
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
pub struct Section {
    /// Lines shown above the content (a caption in LaTeX).
    pub title: Vec<String>,
    /// The content, in order.
    pub blocks: Vec<Block>,
}

/// One piece of a [`Section`].
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum Block {
    /// A table of typed cells.
    Table(Table),
    /// Values along an axis (years), for charts; text formats do not show it.
    Series(Series),
    /// Lines of text shown below a table.
    Notes {
        /// The lines.
        lines: Vec<String>,
    },
    /// A chart; text formats show the numbers it plots as a table.
    Chart(crate::chart::Chart),
    /// A heat map; text formats show its numbers as a table.
    HeatMap(crate::chart::HeatMap),
}

/// How a column's cells are aligned.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Align {
    /// Labels.
    Left,
    /// Numbers.
    #[default]
    Right,
}

/// A column: its header, the unit of its values, and its alignment.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ColumnSpec {
    /// What the column holds.
    pub header: String,
    /// Unit of the values (`%`), shown after the header.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub unit: Option<String>,
    /// Alignment of the header and the cells.
    #[serde(default)]
    pub align: Align,
}

impl ColumnSpec {
    /// A left-aligned column of labels.
    pub fn label(header: impl Into<String>) -> ColumnSpec {
        ColumnSpec {
            header: header.into(),
            unit: None,
            align: Align::Left,
        }
    }

    /// A right-aligned column of values.
    pub fn value(header: impl Into<String>) -> ColumnSpec {
        ColumnSpec {
            header: header.into(),
            unit: None,
            align: Align::Right,
        }
    }

    /// A right-aligned column of values in `unit`.
    pub fn in_unit(header: impl Into<String>, unit: impl Into<String>) -> ColumnSpec {
        ColumnSpec {
            header: header.into(),
            unit: Some(unit.into()),
            align: Align::Right,
        }
    }

    /// The header as a table shows it: the name, then the unit.
    pub fn heading(&self) -> String {
        match &self.unit {
            Some(u) => format!("{} {u}", self.header),
            None => self.header.clone(),
        }
    }
}

/// A table: columns and rows of typed cells.
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
pub struct Table {
    /// The columns.
    pub columns: Vec<ColumnSpec>,
    /// The body.
    pub rows: Vec<Row>,
    /// How a [`Cell::Null`] is shown in text (`n/a`, `-`, or nothing).
    #[serde(default = "default_null_text")]
    pub null_text: String,
}

fn default_null_text() -> String {
    "n/a".into()
}

impl Table {
    /// A table with these columns, no rows yet, and nulls shown as `n/a`.
    pub fn new(columns: Vec<ColumnSpec>) -> Table {
        Table {
            columns,
            rows: Vec::new(),
            null_text: default_null_text(),
        }
    }

    /// The same table with nulls shown as `text`.
    pub fn null_text(self, text: impl Into<String>) -> Table {
        Table {
            null_text: text.into(),
            ..self
        }
    }
}

/// A row of a [`Table`].
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(tag = "kind", content = "value", rename_all = "snake_case")]
pub enum Row {
    /// Cells, the first one the row's label.
    Cells(Vec<Cell>),
    /// A horizontal rule.
    Rule,
    /// A line of text across the whole table (a sub-heading; it sets no column width).
    Heading(String),
}

/// One value of a table, typed; [`crate::format::cell`] makes its text.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum Cell {
    /// Text as it is.
    Text {
        /// The text.
        text: String,
    },
    /// A whole number.
    Integer {
        /// The number.
        value: i64,
    },
    /// A number with a fixed number of decimals, or its shortest exact form.
    Number {
        /// The number (non-finite: shown as `undefined`).
        #[serde(with = "nullable")]
        value: f64,
        /// Decimals shown; `None`: the shortest text that reads back as the same number.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        decimals: Option<usize>,
    },
    /// A percentage, in percent (12.5 is 12.5 %); the `%` sign is the column's unit.
    Percent {
        /// The percentage.
        #[serde(with = "nullable")]
        value: f64,
        /// Decimals shown.
        decimals: usize,
    },
    /// A number in scientific notation (`1.2e-5`), with its sign when `signed`.
    Scientific {
        /// The number.
        #[serde(with = "nullable")]
        value: f64,
        /// Decimals of the mantissa.
        decimals: usize,
        /// Whether a `+` is shown for positive values.
        #[serde(default)]
        signed: bool,
    },
    /// A difference: `0` when exactly none, else scientific with one decimal, then the unit.
    Difference {
        /// The difference.
        #[serde(with = "nullable")]
        value: f64,
        /// Unit shown after the number.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        unit: Option<String>,
    },
    /// Counts shown together (`2/3`, `0/1/0`): parts of one thing.
    Counts {
        /// The counts.
        values: Vec<u64>,
    },
    /// An estimate followed by its significance stars (`-0.8123***`).
    Estimate {
        /// The estimate.
        #[serde(with = "nullable")]
        value: f64,
        /// Decimals shown.
        decimals: usize,
        /// The p-value the stars come from.
        #[serde(with = "nullable")]
        p_value: f64,
    },
    /// A standard error in parentheses (`(0.0312)`).
    StdError {
        /// The standard error.
        #[serde(with = "nullable")]
        value: f64,
        /// Decimals shown.
        decimals: usize,
    },
    /// A p-value as R prints it (`< 1e-16`, `2.31e-05`, `0.0123`).
    PValue {
        /// The p-value.
        #[serde(with = "nullable")]
        value: f64,
    },
    /// The significance stars of a p-value alone.
    Stars {
        /// The p-value.
        #[serde(with = "nullable")]
        p_value: f64,
    },
    /// A value with an interval (`1.234 [1.100, 1.400]`).
    Interval {
        /// The point value.
        #[serde(with = "nullable")]
        value: f64,
        /// Lower end.
        #[serde(with = "nullable")]
        low: f64,
        /// Upper end.
        #[serde(with = "nullable")]
        high: f64,
        /// Decimals shown.
        decimals: usize,
    },
    /// No value, and why (never a zero for nothing).
    Null {
        /// Why there is no value.
        reason: String,
    },
}

impl Cell {
    /// A text cell.
    pub fn text(text: impl Into<String>) -> Cell {
        Cell::Text { text: text.into() }
    }

    /// A whole number; a count too large for `i64` (never met) saturates.
    pub fn integer(value: impl TryInto<i64>) -> Cell {
        Cell::Integer {
            value: value.try_into().unwrap_or(i64::MAX),
        }
    }

    /// Counts shown together (`2/3`).
    pub fn counts(values: impl IntoIterator<Item = usize>) -> Cell {
        Cell::Counts {
            values: values
                .into_iter()
                .map(|n| u64::try_from(n).unwrap_or(u64::MAX))
                .collect(),
        }
    }

    /// A number with `decimals` decimals.
    pub fn number(value: f64, decimals: usize) -> Cell {
        Cell::Number {
            value,
            decimals: Some(decimals),
        }
    }

    /// A number in its shortest exact form.
    pub fn exact(value: f64) -> Cell {
        Cell::Number {
            value,
            decimals: None,
        }
    }

    /// A percentage with `decimals` decimals.
    pub fn percent(value: f64, decimals: usize) -> Cell {
        Cell::Percent { value, decimals }
    }

    /// No value, for `reason`.
    pub fn null(reason: impl Into<String>) -> Cell {
        Cell::Null {
            reason: reason.into(),
        }
    }

    /// `make(value)` when there is a value, else a null for `reason`.
    pub fn or_null(
        value: Option<f64>,
        make: impl FnOnce(f64) -> Cell,
        reason: impl FnOnce() -> String,
    ) -> Cell {
        match value {
            Some(v) => make(v),
            None => Cell::Null { reason: reason() },
        }
    }
}

/// Values along an axis, for a chart: a point without a value is a gap, not a zero.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Series {
    /// What the values are.
    pub name: String,
    /// Their unit.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub unit: Option<String>,
    /// `(x, value)` pairs in order of x.
    pub points: Vec<(f64, Option<f64>)>,
}

impl Section {
    /// A section of one table followed by its notes (no notes block when there are none).
    pub fn of_table(title: Vec<String>, table: Table, notes: Vec<String>) -> Section {
        let mut blocks = vec![Block::Table(table)];
        if !notes.is_empty() {
            blocks.push(Block::Notes { lines: notes });
        }
        Section { title, blocks }
    }

    /// The tables of the section, in order.
    pub fn tables(&self) -> impl Iterator<Item = &Table> {
        self.blocks.iter().filter_map(|b| match b {
            Block::Table(t) => Some(t),
            _ => None,
        })
    }

    /// Every note line of the section, in order.
    pub fn notes(&self) -> impl Iterator<Item = &String> {
        self.blocks.iter().flat_map(|b| match b {
            Block::Notes { lines } => lines.as_slice(),
            _ => &[],
        })
    }
}

/// JSON has no NaN or infinity: a non-finite number is written as `null` and read back
/// as NaN, so that a model holding an undefined value still round-trips.
mod nullable {
    use serde::{Deserialize, Deserializer, Serializer};

    pub fn serialize<S: Serializer>(x: &f64, s: S) -> Result<S::Ok, S::Error> {
        if x.is_finite() {
            s.serialize_f64(*x)
        } else {
            s.serialize_none()
        }
    }

    pub fn deserialize<'de, D: Deserializer<'de>>(d: D) -> Result<f64, D::Error> {
        Ok(Option::<f64>::deserialize(d)?.unwrap_or(f64::NAN))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn section() -> Section {
        let mut t = Table::new(vec![
            ColumnSpec::label("term"),
            ColumnSpec::in_unit("share", "%"),
        ])
        .null_text("-");
        t.rows = vec![
            Row::Heading("block".into()),
            Row::Cells(vec![Cell::text("a"), Cell::percent(12.5, 1)]),
            Row::Rule,
            Row::Cells(vec![
                Cell::integer(3u64),
                Cell::null("no trade"),
                Cell::Estimate {
                    value: -0.8,
                    decimals: 4,
                    p_value: f64::NAN,
                },
                Cell::Counts { values: vec![2, 3] },
            ]),
        ];
        Section {
            title: vec!["T".into()],
            blocks: vec![
                Block::Table(t),
                Block::Series(Series {
                    name: "exports".into(),
                    unit: Some("USD".into()),
                    points: vec![(2020.0, Some(1.0)), (2021.0, None)],
                }),
                Block::Notes {
                    lines: vec!["n".into()],
                },
            ],
        }
    }

    #[test]
    fn round_trips_through_json_with_undefined_numbers() {
        let s = section();
        let json = serde_json::to_string(&s).expect("serialises");
        assert!(json.contains(r#""p_value":null"#), "{json}");
        let back: Section = serde_json::from_str(&json).expect("reads back");
        // NaN is never equal to itself: compare the text again instead.
        assert_eq!(serde_json::to_string(&back).expect("serialises"), json);
        assert_eq!(
            back.tables().next().map(|t| t.null_text.as_str()),
            Some("-")
        );
        assert_eq!(back.notes().collect::<Vec<_>>(), ["n"]);
    }

    #[test]
    fn heading_shows_the_unit() {
        assert_eq!(
            ColumnSpec::in_unit("world share", "%").heading(),
            "world share %"
        );
        assert_eq!(ColumnSpec::label("term").heading(), "term");
    }

    #[test]
    fn or_null_keeps_the_reason() {
        let c = Cell::or_null(None, |v| Cell::number(v, 2), || "no imports".into());
        assert_eq!(c, Cell::null("no imports"));
        assert_eq!(
            Cell::or_null(Some(1.5), |v| Cell::number(v, 2), String::new),
            Cell::number(1.5, 2)
        );
    }
}
