//! The year-partitioned trade dataset that `hallyu ingest` writes and every analysis reads.
//!
//! A dataset is a folder:
//!
//! ```text
//! DIR/hallyu-dataset.json                       manifest: sources, and per year the partition
//!                                               file with its rows, size and checksum
//! DIR/year=2021/part-baci-<checksum>.parquet    one file per year and source
//! DIR/year=2021/part-series-kr_content-<checksum>.parquet
//! DIR/malformed-baci.csv                        rows that were rejected, with file and line
//! DIR/.hallyu-dataset.lock                      the writers' lock
//! DIR/covariates-gravity.parquet                pair covariates (`hallyu ingest gravity`)
//! ```
//!
//! Every partition has the same columns ([`COLUMNS`]): `year` (Int32), `exporter`,
//! `importer` (ISO3, `WLD` for a world total), `reporter` (who reported the row, null for
//! reconciled data), `flow` ([`Flow`]), `product`, `classification`, `value` (Float64, US
//! dollars), `quantity` (Float64, null when absent) and `source` (text columns are
//! dictionary-encoded UTF-8).
//!
//! **The dataset is what its manifest says.** [`read_dataset`] reads exactly the partitions
//! the manifest lists and checks each against it: a listed file that is missing, whose row
//! count or checksum differs, or that holds rows of another year than its entry is an
//! error naming the file; so is a Parquet file in a `year=` folder that the manifest does
//! not list (a copy would double a year). [`verify`] reports every such problem at once,
//! [`repair`] removes what the manifest does not list and never touches listed data.
//!
//! **Adding adds.** An ingest adds the years it brings to its source ([`WriteMode::Add`]);
//! a year the source has already is an error naming the source and its rows before and
//! after, so nothing is counted twice and an empty or truncated release never deletes what
//! is there. [`WriteMode::Replace`] replaces the
//! source as a whole and says so when the source loses rows or years.
//!
//! **One writer at a time, readers never see half an ingest.** A writer holds an OS
//! advisory lock on `DIR/.hallyu-dataset.lock` for its whole run, its pid written in the
//! file; a second writer waits briefly, then fails with a message naming the holder's pid
//! and the lock file. The lock of a killed writer is released by the operating system and
//! taken over by the next writer, which removes the `.hallyu-*.tmp` files the killed one
//! left (and the partitions of a commit that died before its manifest listed them) and
//! says so. Readers take no lock: a commit renames each new
//! partition to a name no manifest has listed yet, then replaces the manifest in one
//! atomic rename (the commit point), then removes the files it no longer lists. A reader
//! that loaded the old manifest reads the old files; should one be removed under it, it
//! notices (missing file, new manifest) and reads again from the new manifest. Files of a
//! commit in progress are in the folder unlisted for a moment; a reader tolerates unlisted
//! files only while a writer holds the lock. The guarantee assumes a local file system
//! with atomic rename and working advisory locks (not every network file system).

mod checksum;
mod chunk;
mod covariates;
mod lock;
mod manifest;
mod reader;
mod scan;
mod verify;
mod writer;

pub use chunk::{Chunk, Dictionaries, Dictionary, Row, NO_REPORTER};
pub use covariates::{covariates_file_name, read_covariates, write_covariates, CovariatesEntry};
pub use lock::LOCK_FILE;
pub use manifest::{MalformedRow, Manifest, SourceEntry, YearEntry, MANIFEST_FILE};
pub use reader::{partition_years, read_dataset, read_dataset_columns};
pub use verify::{repair, verify, Problem, ProblemKind, Repair, Verification};
pub use writer::{partition_file_name, DatasetWriter, Notes, WriteMode, WriteOptions};

/// The canonical columns, in file order.
pub const COLUMNS: [&str; 10] = [
    "year",
    "exporter",
    "importer",
    "reporter",
    "flow",
    "product",
    "classification",
    "value",
    "quantity",
    "source",
];

/// Partner code of a world total (a reporter's trade with all partners).
pub const WORLD: &str = "WLD";

/// Who reported a row: the direction of the report, not of the goods (goods always go from
/// `exporter` to `importer`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Flow {
    /// Reported by the exporter as its exports (`reporter` = `exporter`).
    Export = 0,
    /// Reported by the importer as its imports (`reporter` = `importer`).
    Import = 1,
    /// One figure standing for both reports, reconciled by the source (BACI).
    Reconciled = 2,
}

impl Flow {
    /// Every flow, in code order.
    pub const ALL: [Flow; 3] = [Flow::Export, Flow::Import, Flow::Reconciled];

    /// The name written in the `flow` column.
    pub fn as_str(self) -> &'static str {
        match self {
            Flow::Export => "export",
            Flow::Import => "import",
            Flow::Reconciled => "reconciled",
        }
    }

    /// The flow named `s` as written in the `flow` column (ASCII case ignored).
    pub fn parse(s: &str) -> Option<Flow> {
        Flow::ALL
            .into_iter()
            .find(|f| f.as_str().eq_ignore_ascii_case(s.trim()))
    }
}

impl std::fmt::Display for Flow {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.as_str())
    }
}
