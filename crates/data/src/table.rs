//! The in-memory table: named columns of numbers or dictionary-encoded text.

use crate::{nearest, DataError, Result};
use std::collections::HashMap;

/// Code of a missing value in a [`StrColumn`].
pub const MISSING_CODE: u32 = u32::MAX;

/// A text column stored as dictionary codes: compact, and group ids come for free.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct StrColumn {
    /// One code per row, an index into `levels`, or [`MISSING_CODE`].
    pub codes: Vec<u32>,
    /// The distinct values, in order of first appearance.
    pub levels: Vec<String>,
}

impl StrColumn {
    /// The value of row `i`, `None` when missing.
    pub fn get(&self, i: usize) -> Option<&str> {
        match self.codes[i] {
            MISSING_CODE => None,
            c => Some(self.levels[c as usize].as_str()),
        }
    }
}

/// Builds a [`StrColumn`] row by row.
#[derive(Debug, Default)]
pub struct StrColumnBuilder {
    column: StrColumn,
    index: HashMap<String, u32>,
}

impl StrColumnBuilder {
    /// Appends a value (`None` for missing).
    pub fn push(&mut self, value: Option<&str>) {
        let code = match value {
            None => MISSING_CODE,
            Some(v) => match self.index.get(v) {
                Some(&c) => c,
                None => {
                    let c = self.column.levels.len() as u32;
                    self.column.levels.push(v.to_string());
                    self.index.insert(v.to_string(), c);
                    c
                }
            },
        };
        self.column.codes.push(code);
    }

    /// The finished column.
    pub fn finish(self) -> StrColumn {
        self.column
    }
}

/// One column of a [`Table`].
#[derive(Debug, Clone, PartialEq)]
pub enum Column {
    /// Numbers (integers, floats and booleans alike); `NaN` marks a missing value.
    Num(Vec<f64>),
    /// Text.
    Str(StrColumn),
}

impl Column {
    /// Number of rows.
    pub fn len(&self) -> usize {
        match self {
            Column::Num(v) => v.len(),
            Column::Str(s) => s.codes.len(),
        }
    }

    /// Whether the column has no rows.
    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    /// Whether row `i` is missing.
    pub fn is_missing(&self, i: usize) -> bool {
        match self {
            Column::Num(v) => v[i].is_nan(),
            Column::Str(s) => s.codes[i] == MISSING_CODE,
        }
    }

    /// A word for the column's type, for messages.
    pub fn type_name(&self) -> &'static str {
        match self {
            Column::Num(_) => "numeric",
            Column::Str(_) => "text",
        }
    }

    /// The rows where `keep` is true, in order.
    pub fn select(&self, keep: &[bool]) -> Column {
        match self {
            Column::Num(v) => Column::Num(
                v.iter()
                    .zip(keep)
                    .filter(|(_, &k)| k)
                    .map(|(x, _)| *x)
                    .collect(),
            ),
            Column::Str(s) => Column::Str(StrColumn {
                codes: s
                    .codes
                    .iter()
                    .zip(keep)
                    .filter(|(_, &k)| k)
                    .map(|(x, _)| *x)
                    .collect(),
                levels: s.levels.clone(),
            }),
        }
    }
}

/// A table of named, equally long columns.
#[derive(Debug, Clone, Default)]
pub struct Table {
    names: Vec<String>,
    columns: Vec<Column>,
    /// Why a column read from a text file is text (the first field that is not a
    /// number), so that a numeric use of it can say which row to fix.
    text_reasons: Vec<(String, String)>,
}

/// Tables are equal when their columns are: how a column came to be text is a note for
/// messages, not content.
impl PartialEq for Table {
    fn eq(&self, other: &Table) -> bool {
        self.names == other.names && self.columns == other.columns
    }
}

impl Table {
    /// An empty table.
    pub fn new() -> Self {
        Self::default()
    }

    /// Adds (or replaces) a column. Fails when its length differs from the table's.
    pub fn push(&mut self, name: impl Into<String>, column: Column) -> Result<()> {
        let name = name.into();
        if !self.columns.is_empty() && column.len() != self.nrows() {
            return Err(DataError::InvalidArgument(format!(
                "column `{name}` has {} rows, the table {}",
                column.len(),
                self.nrows()
            )));
        }
        self.text_reasons.retain(|(n, _)| *n != name);
        match self.names.iter().position(|n| *n == name) {
            Some(i) => self.columns[i] = column,
            None => {
                self.names.push(name);
                self.columns.push(column);
            }
        }
        Ok(())
    }

    /// Number of rows.
    pub fn nrows(&self) -> usize {
        self.columns.first().map_or(0, Column::len)
    }

    /// Column names, in order.
    pub fn names(&self) -> &[String] {
        &self.names
    }

    /// Whether a column of that name exists.
    pub fn has(&self, name: &str) -> bool {
        self.names.iter().any(|n| n == name)
    }

    /// The column of that name, or an error naming the closest existing one.
    pub fn column(&self, name: &str) -> Result<&Column> {
        match self.names.iter().position(|n| n == name) {
            Some(i) => Ok(&self.columns[i]),
            None => Err(self.unknown(name)),
        }
    }

    /// The numeric column of that name.
    pub fn num(&self, name: &str) -> Result<&[f64]> {
        match self.column(name)? {
            Column::Num(v) => Ok(v),
            Column::Str(_) => Err(DataError::ColumnType {
                name: name.to_string(),
                found: self.type_description(name),
                expected: "a numeric column".into(),
            }),
        }
    }

    /// Records why column `name` is text (e.g. "flows.csv, line 20002 (data row 20001): `n/a` is not a number"),
    /// for [`Table::type_description`].
    pub fn set_text_reason(&mut self, name: &str, reason: impl Into<String>) {
        self.text_reasons.retain(|(n, _)| n != name);
        self.text_reasons.push((name.to_string(), reason.into()));
    }

    /// The type of column `name` for a message: "numeric", "text", or "text (why)" when
    /// the reader recorded which field made it text.
    pub fn type_description(&self, name: &str) -> String {
        let Ok(column) = self.column(name) else {
            return "absent".into();
        };
        match self.text_reasons.iter().find(|(n, _)| n == name) {
            Some((_, why)) if matches!(column, Column::Str(_)) => format!("text ({why})"),
            _ => column.type_name().into(),
        }
    }

    /// The error for an unknown column, with a suggestion.
    pub fn unknown(&self, name: &str) -> DataError {
        DataError::UnknownColumn {
            name: name.to_string(),
            suggestion: nearest(name, self.names.iter().map(String::as_str)),
            available: self.names.clone(),
        }
    }

    /// Iterates over `(name, column)` pairs.
    pub fn iter(&self) -> impl Iterator<Item = (&str, &Column)> {
        self.names
            .iter()
            .map(String::as_str)
            .zip(self.columns.iter())
    }

    /// The rows where `keep` is true.
    pub fn select_rows(&self, keep: &[bool]) -> Table {
        Table {
            names: self.names.clone(),
            columns: self.columns.iter().map(|c| c.select(keep)).collect(),
            text_reasons: self.text_reasons.clone(),
        }
    }

    /// Only the named columns, in the order given.
    pub fn project(&self, names: &[&str]) -> Result<Table> {
        let mut out = Table::new();
        for n in names {
            out.push(*n, self.column(n)?.clone())?;
            if let Some((_, why)) = self.text_reasons.iter().find(|(m, _)| m == n) {
                out.set_text_reason(n, why.clone());
            }
        }
        Ok(out)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn unknown_column_suggests() {
        let mut t = Table::new();
        t.push("trade", Column::Num(vec![1.0])).unwrap();
        let e = t.column("trad").unwrap_err().to_string();
        assert!(e.contains("did you mean `trade`"), "{e}");
    }

    #[test]
    fn length_mismatch_is_an_error() {
        let mut t = Table::new();
        t.push("a", Column::Num(vec![1.0, 2.0])).unwrap();
        assert!(t.push("b", Column::Num(vec![1.0])).is_err());
    }
}
