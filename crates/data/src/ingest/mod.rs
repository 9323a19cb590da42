//! Bringing trade data into a dataset folder: BACI releases, UNCTADstat bulk CSV files, UN
//! Comtrade downloads and tidy survey series, each streamed into [`crate::dataset`]
//! partitions. CSV layouts are told apart by their header ([`layout`]), never by file name.
//!
//! Rows that repeat an earlier row's key (year, reporter, exporter, importer, product,
//! classification, flow, source) are an error naming both lines unless
//! [`IngestOptions::on_duplicate`] says to keep the first or to add them up; they are
//! always counted in the [`IngestReport`]. Values that cannot be trade values (negative,
//! not finite) are malformed rows.
//!
//! Pair covariates in CEPII's layouts ([`gravity`]) go into a covariates table.
//!
//! Every reader validates row by row. A malformed row is never silently dropped or
//! accepted: it is counted, kept with its file, line and reason in the dataset's
//! `malformed-<source>.csv`, and the first ones are quoted in the [`IngestReport`]; with
//! `strict` the first one aborts the ingest and nothing is written.

pub mod baci;
mod columns;
pub mod comtrade;
mod duplicates;
pub mod gravity;
mod input;
pub mod layout;
mod numbers;
pub mod series;
pub mod unctadstat;

pub use duplicates::{DuplicatePair, DuplicateReport, OnDuplicate, Origin};
pub use input::{Input, InputKind};

use crate::dataset::{DatasetWriter, MalformedRow, Notes, SourceEntry, WriteMode, WriteOptions};
use crate::{DataError, Result};
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;
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
    /// What to do with rows that repeat an earlier row's key.
    pub on_duplicate: OnDuplicate,
    /// Replace each source as a whole instead of adding years to it (see
    /// [`crate::dataset::WriteMode`]).
    pub replace: bool,
    /// Collects what the ingest removed or replaced (leftover temporary files, years a
    /// replace dropped), for the front end to show.
    pub notes: Notes,
}

impl IngestOptions {
    /// A writer of `source` into the dataset folder, adding or replacing as asked.
    pub(crate) fn writer(&self, source: &str, kind: &str) -> Result<DatasetWriter> {
        DatasetWriter::open(
            &self.out,
            source,
            kind,
            WriteOptions {
                mode: if self.replace {
                    WriteMode::Replace
                } else {
                    WriteMode::Add
                },
                notes: self.notes.clone(),
            },
        )
    }
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
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq, schemars::JsonSchema)]
pub struct FileReport {
    /// The file (zip members as `archive.zip!member`).
    pub file: String,
    /// Rows written.
    pub rows: u64,
    /// Rows rejected.
    pub malformed_rows: u64,
    /// Rows deliberately not ingested, with the reason (e.g. regional aggregates).
    pub skipped_rows: u64,
    /// Rows whose key an earlier row already had (dropped or summed, see the report's
    /// `duplicates`); not counted in `rows`.
    pub duplicate_rows: u64,
}

/// The outcome of an ingest.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq, schemars::JsonSchema)]
pub struct IngestReport {
    /// The dataset folder.
    pub dataset: String,
    /// The source's manifest entry (years, rows, malformed-row count and file).
    pub source: SourceEntry,
    /// Per input file.
    pub files: Vec<FileReport>,
    /// Why rows were skipped, when some were.
    pub skipped_reason: Option<String>,
    /// Rows that repeated an earlier row's key, and what was done with them.
    pub duplicates: DuplicateReport,
    /// Things the user should know that did not stop the ingest (e.g. a country file of
    /// another release).
    pub warnings: Vec<String>,
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
                message: format!(
                    "{} (a strict ingest (strict) refuses malformed rows: nothing was written)",
                    row.reason
                ),
            });
        }
        writer.reject(&row)?;
        if self.first.len() < QUOTED_MALFORMED {
            self.first.push(row);
        }
        Ok(())
    }
}

/// Rows deliberately left out, counted by reason (never silently).
#[derive(Debug, Default)]
pub(crate) struct Skips {
    counts: BTreeMap<&'static str, u64>,
}

/// The end of an ingest of several files into one source: the duplicates settled, the
/// source committed, and the report of what each file brought.
pub(crate) fn finish(
    options: &IngestOptions,
    mut writer: DatasetWriter,
    dedup: duplicates::Dedup,
    skips: &Skips,
    rejects: Rejects,
    files: Vec<FileReport>,
) -> Result<IngestReport> {
    let duplicates = dedup.finish(&mut writer)?;
    let entry = writer.commit()?;
    Ok(IngestReport {
        dataset: options.out.display().to_string(),
        source: entry,
        skipped_reason: skips.describe(),
        files,
        duplicates,
        warnings: Vec::new(),
        first_malformed: rejects.first,
    })
}

impl Skips {
    pub(crate) fn add(&mut self, reason: &'static str) {
        *self.counts.entry(reason).or_default() += 1;
    }

    pub(crate) fn total(&self) -> u64 {
        self.counts.values().sum()
    }

    /// `12 regional aggregates, 3 empty value cells`, or `None` when nothing was skipped.
    pub(crate) fn describe(&self) -> Option<String> {
        (!self.counts.is_empty()).then(|| {
            self.counts
                .iter()
                .map(|(why, n)| format!("{n} {why}"))
                .collect::<Vec<_>>()
                .join(", ")
        })
    }
}

/// A value that can be a trade value: a finite, non-negative number of dollars. Negative
/// values (net recordings, corrections) and anything else are malformed rows, so that no
/// later computation meets them without the file and line.
pub(crate) fn trade_value(text: &str, scale: u32) -> std::result::Result<f64, String> {
    match numbers::parse_scaled(text.as_bytes(), scale) {
        // `-0` is zero, written as 0.
        Some(v) if v >= 0.0 => Ok(if v == 0.0 { 0.0 } else { v }),
        Some(_) => Err(format!(
            "value `{text}` is negative, which a trade value cannot be"
        )),
        None => Err(format!("value `{text}` is not a number")),
    }
}
