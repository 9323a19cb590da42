//! The year-partitioned trade dataset that `hallyu ingest` writes and every analysis reads.
//!
//! A dataset is a folder:
//!
//! ```text
//! DIR/hallyu-dataset.json                  manifest: sources, years, row and malformed-row counts
//! DIR/year=2021/part-baci.parquet          one file per year and source
//! DIR/year=2021/part-series-kr_content.parquet
//! DIR/malformed-baci.csv                   rows that were rejected, with file and line
//! DIR/covariates-gravity.parquet           pair covariates (`hallyu ingest gravity`)
//! ```
//!
//! Every partition has the same eight columns ([`COLUMNS`]): `year` (Int32), `exporter`,
//! `importer` (ISO3, `WLD` for a world total), `product`, `classification`, `value` (Float64,
//! US dollars), `quantity` (Float64, null when absent) and `source` (text columns are
//! dictionary-encoded UTF-8). Partitions of a source are staged as hidden temporary files in
//! `DIR`, fully written and synced before the first one is renamed into place, so a failed or
//! interrupted ingest never leaves a half-written partition where [`read_dataset`] looks.
//! The manifest is rewritten last. A killed ingest can leave a hidden `.hallyu-*.tmp` file
//! in `DIR`: readers never look at it, later ingests ignore it, and it can be deleted.

mod chunk;
mod covariates;
mod manifest;
mod reader;
mod writer;

pub use chunk::{Chunk, Dictionaries, Dictionary, Row, NO_REPORTER};
pub use covariates::{covariates_file_name, read_covariates, write_covariates, CovariatesEntry};
pub use manifest::{MalformedRow, Manifest, SourceEntry, YearEntry, MANIFEST_FILE};
pub use reader::{partition_years, read_dataset};
pub use writer::{partition_file_name, DatasetWriter};

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
