//! The in-memory table: named columns of numbers or dictionary-encoded text.

use crate::{nearest, DataError, Result};
use std::collections::HashMap;

/// The storage of a numeric column: an Arrow buffer, so that a column received through the
/// Arrow C data interface (a pandas, polars or pyarrow column) is used where it lies, and a
/// `Vec<f64>` becomes one without a copy. Reads as `&[f64]`.
pub type Numbers = arrow_buffer::ScalarBuffer<f64>;

/// Code of a missing value in a [`StrColumn`].
pub const MISSING_CODE: u32 = u32::MAX;

/// A text column stored as dictionary codes: compact, and group ids come for free.
///
/// This is the storage; other crates read it through [`TextColumn`] and build it with
/// [`Column::text_from`] or [`TextColumnBuilder`].
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
        self.push_value(value);
    }

    /// Appends the code of a value pushed before (from [`StrColumnBuilder::push_value`]):
    /// a dictionary-encoded input looks each distinct value up once.
    pub(crate) fn push_code(&mut self, code: u32) {
        self.column.codes.push(code);
    }

    /// Appends a value and returns its code.
    pub(crate) fn push_value(&mut self, value: Option<&str>) -> u32 {
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
        code
    }

    /// The finished column.
    pub fn finish(self) -> StrColumn {
        self.column
    }
}

/// Builds a text column row by row.
#[derive(Debug, Default)]
pub struct TextColumnBuilder {
    inner: StrColumnBuilder,
}

impl TextColumnBuilder {
    /// Appends a value (`None` for missing).
    #[inline]
    pub fn push(&mut self, value: Option<&str>) {
        self.inner.push(value);
    }

    /// The finished column.
    #[inline]
    pub fn finish(self) -> Column {
        Column::Str(self.inner.finish())
    }
}

/// A read-only view of a text column: the value of each row, and the dense level id of
/// each row that groups equal values without comparing text.
#[derive(Debug, Clone, Copy)]
pub struct TextColumn<'a> {
    inner: &'a StrColumn,
}

impl<'a> TextColumn<'a> {
    /// Number of rows.
    #[inline]
    pub fn len(&self) -> usize {
        self.inner.codes.len()
    }

    /// Whether the column has no rows.
    #[inline]
    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    /// The value of row `i`, `None` when missing. Panics when `i` is not a row, as a
    /// slice index does.
    #[inline]
    pub fn get(&self, i: usize) -> Option<&'a str> {
        self.inner.get(i)
    }

    /// Whether row `i` is missing. Panics when `i` is not a row.
    #[inline]
    pub fn is_missing(&self, i: usize) -> bool {
        self.inner.codes[i] == MISSING_CODE
    }

    /// The values of the rows in order, `None` for a missing one.
    #[inline]
    pub fn iter(&self) -> impl Iterator<Item = Option<&'a str>> + 'a {
        let levels = &self.inner.levels;
        self.inner
            .codes
            .iter()
            .map(move |&c| levels.get(c as usize).map(String::as_str))
    }

    /// The level id of each row: an index into [`TextColumn::levels`], or [`MISSING_CODE`]
    /// for a missing value. Rows with equal values have equal ids, so these are group
    /// ids as they stand (borrowed, not copied).
    #[inline]
    pub fn level_ids(&self) -> &'a [u32] {
        &self.inner.codes
    }

    /// The distinct values, indexed by level id.
    #[inline]
    pub fn levels(&self) -> &'a [String] {
        &self.inner.levels
    }

    /// The value of level `id`, `None` for [`MISSING_CODE`] or an id past the levels.
    #[inline]
    pub fn level(&self, id: u32) -> Option<&'a str> {
        self.inner.levels.get(id as usize).map(String::as_str)
    }
}

/// What a column holds.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ColumnKind {
    /// Numbers (integers, floats and booleans alike); `NaN` marks a missing value.
    Numbers,
    /// Text.
    Text,
}

/// A borrowed view of a column's values, by what it holds: match on it where both kinds
/// are handled, so that a new kind of storage is a compile error, not a silent default.
#[derive(Debug, Clone, Copy)]
pub enum ColumnView<'a> {
    /// Numbers; `NaN` marks a missing value.
    Numbers(&'a [f64]),
    /// Text.
    Text(TextColumn<'a>),
}

/// One column of a [`Table`].
///
/// Code outside this crate reads a column through [`Column::view`], [`Column::as_num`],
/// [`Column::as_text`] and [`Column::kind`], and builds one with [`Column::numbers`],
/// [`Column::text_from`] or a [`TextColumnBuilder`], so that the storage can change in
/// one place.
#[derive(Debug, Clone, PartialEq)]
pub enum Column {
    /// Numbers (integers, floats and booleans alike); `NaN` marks a missing value.
    Num(Numbers),
    /// Text.
    Str(StrColumn),
}

impl Column {
    /// A column of numbers (`NaN` for a missing value).
    #[inline]
    pub fn numbers(values: Vec<f64>) -> Column {
        Column::Num(Numbers::from(values))
    }

    /// A column of numbers sharing an Arrow buffer (a column handed over by Python or read
    /// from Arrow without nulls): no copy is made.
    #[inline]
    pub fn shared_numbers(values: Numbers) -> Column {
        Column::Num(values)
    }

    /// A text column of these values, in order (`None` for a missing one).
    #[inline]
    pub fn text_from<S: AsRef<str>>(values: impl IntoIterator<Item = Option<S>>) -> Column {
        let mut b = StrColumnBuilder::default();
        for v in values {
            b.push(v.as_ref().map(AsRef::as_ref));
        }
        Column::Str(b.finish())
    }

    /// What the column holds.
    #[inline]
    pub fn kind(&self) -> ColumnKind {
        match self {
            Column::Num(_) => ColumnKind::Numbers,
            Column::Str(_) => ColumnKind::Text,
        }
    }

    /// The values, borrowed, by what the column holds.
    #[inline]
    pub fn view(&self) -> ColumnView<'_> {
        match self {
            Column::Num(v) => ColumnView::Numbers(v),
            Column::Str(s) => ColumnView::Text(TextColumn { inner: s }),
        }
    }

    /// The numbers, `None` for a text column.
    #[inline]
    pub fn as_num(&self) -> Option<&[f64]> {
        match self {
            Column::Num(v) => Some(v),
            Column::Str(_) => None,
        }
    }

    /// A view of the text, `None` for a numeric column.
    #[inline]
    pub fn as_text(&self) -> Option<TextColumn<'_>> {
        match self {
            Column::Str(s) => Some(TextColumn { inner: s }),
            Column::Num(_) => None,
        }
    }

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
            Column::Num(v) => Column::numbers(
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

    /// The text column of that name.
    pub fn text(&self, name: &str) -> Result<TextColumn<'_>> {
        match self.column(name)?.as_text() {
            Some(t) => Ok(t),
            None => Err(DataError::ColumnType {
                name: name.to_string(),
                found: self.type_description(name),
                expected: "a text column".into(),
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
        t.push("trade", Column::numbers(vec![1.0])).unwrap();
        let e = t.column("trad").unwrap_err().to_string();
        assert!(e.contains("did you mean `trade`"), "{e}");
    }

    #[test]
    fn text_view_gives_values_and_group_ids() {
        let c = Column::text_from([Some("KOR"), None, Some("JPN"), Some("KOR")]);
        assert_eq!(c.kind(), ColumnKind::Text);
        assert!(c.as_num().is_none());
        let t = c.as_text().expect("text");
        assert_eq!((t.len(), t.is_empty()), (4, false));
        assert_eq!(t.get(0), Some("KOR"));
        assert_eq!(t.get(1), None);
        assert!(t.is_missing(1) && !t.is_missing(2));
        assert_eq!(t.levels(), ["KOR", "JPN"]);
        assert_eq!(t.level_ids(), [0, MISSING_CODE, 1, 0]);
        assert_eq!(t.level(1), Some("JPN"));
        assert_eq!(t.level(MISSING_CODE), None);
        let values: Vec<_> = t.iter().collect();
        assert_eq!(values, [Some("KOR"), None, Some("JPN"), Some("KOR")]);
    }

    #[test]
    fn level_ids_are_borrowed_from_the_column() {
        let c = Column::text_from(["a", "b", "a"].map(Some));
        let Column::Str(s) = &c else { panic!("text") };
        let ids = c.as_text().expect("text").level_ids();
        assert!(std::ptr::eq(ids, s.codes.as_slice()));
    }

    #[test]
    fn builder_matches_text_from() {
        let mut b = TextColumnBuilder::default();
        for v in [Some("x"), None, Some("y")] {
            b.push(v);
        }
        let built = b.finish();
        assert_eq!(built, Column::text_from([Some("x"), None, Some("y")]));
        assert_eq!(
            built,
            Column::text_from([Some("x".to_string()), None, Some("y".to_string())])
        );
    }

    #[test]
    fn numbers_and_kinds() {
        let c = Column::numbers(vec![1.0, f64::NAN]);
        assert_eq!(c.kind(), ColumnKind::Numbers);
        assert!(c.as_text().is_none());
        assert_eq!(c.as_num().map(<[f64]>::len), Some(2));
        assert!(matches!(c.view(), ColumnView::Numbers(v) if v.len() == 2));
        let t = Column::text_from([Some("a")]);
        assert!(matches!(t.view(), ColumnView::Text(s) if s.get(0) == Some("a")));
    }

    #[test]
    fn table_text_checks_the_type() {
        let mut t = Table::new();
        t.push("year", Column::numbers(vec![2020.0])).unwrap();
        t.push("exporter", Column::text_from([Some("KOR")]))
            .unwrap();
        assert_eq!(t.text("exporter").unwrap().get(0), Some("KOR"));
        let e = t.text("year").unwrap_err();
        assert!(
            matches!(&e, DataError::ColumnType { name, expected, .. } if name == "year" && expected == "a text column"),
            "{e}"
        );
        assert!(matches!(
            t.text("exportr"),
            Err(DataError::UnknownColumn { .. })
        ));
        assert!(t.num("exporter").is_err());
    }

    #[test]
    fn length_mismatch_is_an_error() {
        let mut t = Table::new();
        t.push("a", Column::numbers(vec![1.0, 2.0])).unwrap();
        assert!(t.push("b", Column::numbers(vec![1.0])).is_err());
    }
}
