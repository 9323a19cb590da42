//! Where a request's data comes from.

use hallyu_data::Table;
use serde::{Deserialize, Serialize};
use std::path::PathBuf;
use std::sync::Arc;

/// The data a request reads.
///
/// JSON: `{"kind": "embedded"}`, `{"kind": "file", "path": "flows.csv"}`,
/// `{"kind": "dataset", "dir": "trade"}`. A table already in memory (a DataFrame handed
/// over by Python) cannot be written as JSON: a request holding one is refused by the
/// serialiser, so it is never printed as if it could be replayed.
#[derive(Debug, Clone, Default, Serialize, Deserialize, schemars::JsonSchema)]
#[serde(tag = "kind", rename_all = "snake_case", deny_unknown_fields)]
pub enum DataSource {
    /// The data embedded in the binary: the Advanced Guide panel (99,981 rows of
    /// aggregate manufacturing trade, 69 countries, 1986–2006).
    #[default]
    Embedded,
    /// A file: .csv (header row), .parquet or .dta.
    File {
        /// The file.
        path: PathBuf,
    },
    /// A dataset folder written by `ingest` (year-partitioned Parquet and a manifest).
    Dataset {
        /// The folder.
        dir: PathBuf,
    },
    /// A table already in memory.
    #[serde(skip)]
    Table(Arc<Table>),
}

impl PartialEq for DataSource {
    fn eq(&self, other: &Self) -> bool {
        match (self, other) {
            (DataSource::Embedded, DataSource::Embedded) => true,
            (DataSource::File { path: a }, DataSource::File { path: b }) => a == b,
            (DataSource::Dataset { dir: a }, DataSource::Dataset { dir: b }) => a == b,
            (DataSource::Table(a), DataSource::Table(b)) => Arc::ptr_eq(a, b),
            _ => false,
        }
    }
}

impl DataSource {
    /// A file or a dataset folder, as a path names it: a folder is a dataset.
    pub fn from_path(path: PathBuf) -> DataSource {
        if path.is_dir() {
            DataSource::Dataset { dir: path }
        } else {
            DataSource::File { path }
        }
    }

    /// The path, for a file or a dataset.
    pub fn path(&self) -> Option<&std::path::Path> {
        match self {
            DataSource::File { path } => Some(path),
            DataSource::Dataset { dir } => Some(dir),
            _ => None,
        }
    }

    /// The unit of its trade values: million USD in the embedded panel, USD in a dataset
    /// folder; unknown for a file.
    pub fn unit(&self) -> Option<String> {
        match self {
            DataSource::Embedded => Some("million USD".into()),
            DataSource::Dataset { .. } => Some("USD".into()),
            DataSource::File { .. } | DataSource::Table(_) => None,
        }
    }

    /// Whether the source is a dataset folder.
    pub fn is_dataset(&self) -> bool {
        matches!(self, DataSource::Dataset { .. })
    }
}
