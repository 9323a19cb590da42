//! Bringing trade data into a dataset folder: BACI releases, UNCTADstat bulk CSV files and
//! tidy survey series, each streamed in bounded memory into [`crate::dataset`] partitions;
//! and pair covariates in CEPII's layouts ([`gravity`]) into a covariates table.
//!
//! Every reader validates row by row. A malformed row is never silently dropped or
//! accepted: it is counted, kept with its file, line and reason in the dataset's
//! `malformed-<source>.csv`, and the first ones are quoted in the [`IngestReport`]; with
//! `strict` the first one aborts the ingest and nothing is written.

pub mod baci;
mod columns;
pub mod gravity;
mod input;
mod numbers;
pub mod series;
pub mod unctadstat;

pub use input::{Input, InputKind};

use crate::dataset::{DatasetWriter, MalformedRow, SourceEntry};
use crate::{DataError, Result};
use serde::Serialize;
use std::path::PathBuf;

/// How many malformed rows the report quotes (all of them are in the malformed file).
pub const QUOTED_MALFORMED: usize = 10;

/// Options common to every input kind.
#[derive(Debug, Clone, Default)]
pub struct IngestOptions {
    /// The dataset folder.
    pub out: PathBuf,
    /// Abort at the first malformed row (nothing is written).
    pub strict: bool,
}

/// Progress callbacks (the front end draws a bar; the library only reports).
pub trait IngestProgress: Sync {
    /// A new input file starts; `bytes` is its size when known.
    fn file(&self, name: &str, bytes: Option<u64>);
    /// `bytes` more bytes of the current file were read.
    fn advance(&self, bytes: u64);
}

/// Progress that draws nothing.
pub struct NoProgress;

impl IngestProgress for NoProgress {
    fn file(&self, _: &str, _: Option<u64>) {}
    fn advance(&self, _: u64) {}
}

/// What one input file contributed.
#[derive(Debug, Clone, Serialize, PartialEq)]
pub struct FileReport {
    /// The file (zip members as `archive.zip!member`).
    pub file: String,
    /// Rows written.
    pub rows: u64,
    /// Rows rejected.
    pub malformed_rows: u64,
    /// Rows deliberately not ingested, with the reason (e.g. regional aggregates).
    pub skipped_rows: u64,
}

/// The outcome of an ingest.
#[derive(Debug, Clone, Serialize, PartialEq)]
pub struct IngestReport {
    /// The dataset folder.
    pub dataset: String,
    /// The source's manifest entry (years, rows, malformed-row count and file).
    pub source: SourceEntry,
    /// Per input file.
    pub files: Vec<FileReport>,
    /// Why rows were skipped, when some were.
    pub skipped_reason: Option<String>,
    /// The first malformed rows (all are in the malformed file).
    pub first_malformed: Vec<MalformedRow>,
}

/// Collects malformed rows: into the writer's malformed file, the first few into the
/// report, and in strict mode turns the first one into an error.
pub(crate) struct Rejects {
    strict: bool,
    pub(crate) first: Vec<MalformedRow>,
}

impl Rejects {
    pub(crate) fn new(strict: bool) -> Rejects {
        Rejects {
            strict,
            first: Vec::new(),
        }
    }

    pub(crate) fn reject(&mut self, writer: &mut DatasetWriter, row: MalformedRow) -> Result<()> {
        if self.strict {
            return Err(DataError::Csv {
                path: PathBuf::from(&row.file),
                line: row.line,
                message: format!("{} (--strict: nothing was written)", row.reason),
            });
        }
        writer.reject(&row)?;
        if self.first.len() < QUOTED_MALFORMED {
            self.first.push(row);
        }
        Ok(())
    }
}
