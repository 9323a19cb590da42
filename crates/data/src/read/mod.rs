//! Readers: CSV, Parquet and Stata `.dta`, chosen by file extension.
//!
//! Every reader takes an optional column selection so that a model touching five columns of
//! a wide file reads only those five (Parquet and Stata skip the others entirely).

mod arrow;
mod csv;
mod dta;
mod parquet;

pub use self::arrow::table_from_batches;

pub use self::csv::read_csv;
pub use self::dta::read_dta;
pub(crate) use self::parquet::read_parquet_buffer;
pub use self::parquet::{parquet_bytes_names, read_parquet, read_parquet_bytes};

use crate::{DataError, Result, Table};
use std::path::Path;

/// What to read.
#[derive(Debug, Clone, Default)]
pub struct ReadOptions {
    /// Only these columns (all when `None`). Unknown names are an error with a suggestion.
    pub columns: Option<Vec<String>>,
    /// CSV field delimiter; detected from the header line when `None`.
    pub delimiter: Option<u8>,
    /// Columns read when the file has them and skipped silently otherwise (a row filter's
    /// names, which may be literal values the filter itself reports on).
    pub optional_columns: Vec<String>,
}

impl ReadOptions {
    /// The selection to resolve: required columns plus the optional ones present.
    pub(crate) fn selection(&self, available: &[String]) -> Option<Vec<String>> {
        self.columns.as_ref().map(|cols| {
            let mut all = cols.clone();
            for c in &self.optional_columns {
                if available.contains(c) && !all.contains(c) {
                    all.push(c.clone());
                }
            }
            all
        })
    }
}

/// The file formats we read.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Format {
    /// Comma- (or tab-, semicolon-, pipe-) separated text with a header row.
    Csv,
    /// Apache Parquet.
    Parquet,
    /// Stata `.dta`, any version.
    Dta,
}

impl Format {
    /// The format named by a path's extension.
    pub fn from_path(path: &Path) -> Result<Format> {
        let ext = path
            .extension()
            .and_then(|e| e.to_str())
            .map(str::to_ascii_lowercase);
        match ext.as_deref() {
            Some("csv" | "tsv" | "txt") => Ok(Format::Csv),
            Some("parquet" | "pq") => Ok(Format::Parquet),
            Some("dta") => Ok(Format::Dta),
            _ => Err(DataError::UnknownFormat {
                path: path.to_path_buf(),
            }),
        }
    }
}

/// The column names of a file, reading only its header or schema.
pub fn column_names(path: &Path) -> Result<Vec<String>> {
    match Format::from_path(path)? {
        Format::Csv => csv::header(path),
        Format::Parquet => parquet::schema_names(path),
        Format::Dta => dta::variable_names(path),
    }
}

/// Reads a file, choosing the reader from the extension.
pub fn read_path(path: &Path, options: &ReadOptions) -> Result<Table> {
    match Format::from_path(path)? {
        Format::Csv => read_csv(path, options),
        Format::Parquet => read_parquet(path, options),
        Format::Dta => read_dta(path, options),
    }
}

pub(crate) fn io_error(path: &Path, source: std::io::Error) -> DataError {
    DataError::Io {
        path: path.to_path_buf(),
        source,
    }
}

/// Checks a column selection against the names a file has; returns the indices to read.
/// A selected name that the file has twice is an error: picking one would be a guess.
pub(crate) fn resolve_columns(
    path: &Path,
    available: &[String],
    wanted: &Option<Vec<String>>,
) -> Result<Vec<usize>> {
    let selected: Vec<usize> = match wanted {
        None => (0..available.len()).collect(),
        Some(w) => {
            w.iter()
                .map(|name| {
                    available.iter().position(|a| a == name).ok_or_else(|| {
                        DataError::UnknownColumn {
                            name: name.clone(),
                            suggestion: crate::nearest(name, available.iter().map(String::as_str)),
                            available: available.to_vec(),
                        }
                    })
                })
                .collect::<Result<_>>()?
        }
    };
    for &i in &selected {
        if let Some(j) = available
            .iter()
            .skip(i + 1)
            .position(|a| *a == available[i])
        {
            return Err(DataError::DuplicateColumn {
                path: path.to_path_buf(),
                name: available[i].clone(),
                first: i + 1,
                second: i + 2 + j,
            });
        }
    }
    Ok(selected)
}

/// Text that stands for a missing value in CSV files (R, Stata, pandas and SQL spellings).
pub(crate) fn is_missing_text(s: &str) -> bool {
    matches!(
        s,
        "" | "NA" | "N/A" | "." | "NaN" | "nan" | "NULL" | "null" | "na"
    )
}
