//! `hallyu-dataset.json`: what a dataset folder holds, written last by every ingest.

use super::covariates::CovariatesEntry;
use crate::{DataError, Result};
use serde::{Deserialize, Serialize};
use std::path::Path;

/// File name of the manifest inside a dataset folder.
pub const MANIFEST_FILE: &str = "hallyu-dataset.json";

const FORMAT: &str = "hallyu-dataset";
/// Version 2 added the `reporter` and `flow` columns; version 1 folders mixed exporters' and
/// importers' reports of one flow and must be ingested again.
const VERSION: u32 = 2;

/// The manifest of a dataset folder.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Manifest {
    /// Always `hallyu-dataset`.
    pub format: String,
    /// Layout version (2).
    pub version: u32,
    /// The canonical columns every partition has.
    pub columns: Vec<String>,
    /// One entry per source, in the order they were first ingested.
    pub sources: Vec<SourceEntry>,
    /// Pair covariates stored next to the flows (`hallyu ingest gravity`); absent from
    /// manifests of datasets without any.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub covariates: Vec<CovariatesEntry>,
}

/// One source of a dataset (`baci`, `unctadstat`, `series:<stem>`).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct SourceEntry {
    /// Source name, as in the `source` column.
    pub source: String,
    /// Input kind (`baci`, `unctadstat`, `series`).
    pub kind: String,
    /// The files read, as named by the user (zip members as `archive.zip!member`).
    pub inputs: Vec<String>,
    /// Classifications present (`HS17`, `UNCTAD-CG`, ...).
    pub classifications: Vec<String>,
    /// Rows written per year.
    pub years: Vec<YearEntry>,
    /// Rows written in all.
    pub rows: u64,
    /// Rows rejected as malformed (not in the partitions).
    pub malformed_rows: u64,
    /// File in the dataset folder listing every rejected row with its file, line and reason.
    pub malformed_file: Option<String>,
}

/// Rows of one source in one year.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct YearEntry {
    /// The year.
    pub year: i32,
    /// Rows in the partition.
    pub rows: u64,
    /// The partition file, relative to the dataset folder.
    pub file: String,
}

/// A rejected input row.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct MalformedRow {
    /// The input file (zip members as `archive.zip!member`).
    pub file: String,
    /// 1-based line number in that file.
    pub line: u64,
    /// What is wrong with it.
    pub reason: String,
    /// The row as read (lossily decoded as UTF-8).
    pub text: String,
}

impl Default for Manifest {
    fn default() -> Self {
        Manifest {
            format: FORMAT.into(),
            version: VERSION,
            columns: super::COLUMNS.iter().map(|c| c.to_string()).collect(),
            sources: Vec::new(),
            covariates: Vec::new(),
        }
    }
}

impl Manifest {
    /// Reads `dir/hallyu-dataset.json`; a clear error when `dir` is not a dataset.
    pub fn load(dir: &Path) -> Result<Manifest> {
        let path = dir.join(MANIFEST_FILE);
        let text = match std::fs::read_to_string(&path) {
            Ok(t) => t,
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => {
                let what = if dir.is_dir() {
                    "a folder without"
                } else {
                    "not a folder, so it has no"
                };
                return Err(DataError::InvalidArgument(format!(
                    "{} is not a hallyu dataset: it is {what} manifest {} (create one with `hallyu ingest`)",
                    dir.display(),
                    path.display()
                )));
            }
            Err(e) => {
                return Err(DataError::Io { path, source: e });
            }
        };
        let m: Manifest = serde_json::from_str(&text).map_err(|e| {
            DataError::InvalidArgument(format!(
                "{}, line {}: not a valid hallyu dataset manifest: {e}",
                path.display(),
                e.line()
            ))
        })?;
        if m.format == FORMAT && m.version == 1 {
            return Err(DataError::InvalidArgument(format!(
                "{}: this dataset was written by an earlier hallyu (manifest version 1, rows \
                 without `reporter` and `flow`, so exporters' and importers' reports of one flow \
                 cannot be told apart); ingest its files again into a new folder",
                path.display()
            )));
        }
        if m.format != FORMAT || m.version != VERSION {
            return Err(DataError::InvalidArgument(format!(
                "{}: format `{}` version {} is not a hallyu dataset manifest this version reads ({FORMAT} version {VERSION})",
                path.display(),
                m.format,
                m.version
            )));
        }
        Ok(m)
    }

    /// The manifest of `dir`, or an empty one when `dir` has none yet.
    pub fn load_or_default(dir: &Path) -> Result<Manifest> {
        if dir.join(MANIFEST_FILE).exists() {
            Manifest::load(dir)
        } else {
            Ok(Manifest::default())
        }
    }

    /// The entry of a source.
    pub fn source(&self, name: &str) -> Option<&SourceEntry> {
        self.sources.iter().find(|s| s.source == name)
    }

    /// Adds or replaces the entry of `entry.source`.
    pub fn upsert(&mut self, entry: SourceEntry) {
        match self.sources.iter_mut().find(|s| s.source == entry.source) {
            Some(s) => *s = entry,
            None => self.sources.push(entry),
        }
    }

    /// Every year any source has, ascending.
    pub fn years(&self) -> Vec<i32> {
        let mut y: Vec<i32> = self
            .sources
            .iter()
            .flat_map(|s| s.years.iter().map(|y| y.year))
            .collect();
        y.sort_unstable();
        y.dedup();
        y
    }

    /// Serialised form (pretty JSON with a final newline).
    pub fn to_json(&self) -> String {
        let mut s = serde_json::to_string_pretty(self).unwrap_or_default();
        s.push('\n');
        s
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn missing_manifest_names_it() {
        let dir = tempfile::tempdir().unwrap();
        let e = Manifest::load(dir.path()).unwrap_err().to_string();
        assert!(e.contains("is not a hallyu dataset"), "{e}");
        assert!(e.contains(MANIFEST_FILE), "{e}");
    }

    #[test]
    fn round_trip_and_upsert() {
        let dir = tempfile::tempdir().unwrap();
        let mut m = Manifest::default();
        let entry = SourceEntry {
            source: "baci".into(),
            kind: "baci".into(),
            inputs: vec!["a.csv".into()],
            classifications: vec!["HS17".into()],
            years: vec![YearEntry {
                year: 2021,
                rows: 3,
                file: "year=2021/part-baci.parquet".into(),
            }],
            rows: 3,
            malformed_rows: 0,
            malformed_file: None,
        };
        m.upsert(entry.clone());
        m.upsert(SourceEntry {
            rows: 4,
            ..entry.clone()
        });
        assert_eq!(m.sources.len(), 1);
        assert_eq!(m.sources[0].rows, 4);
        std::fs::write(dir.path().join(MANIFEST_FILE), m.to_json()).unwrap();
        assert_eq!(Manifest::load(dir.path()).unwrap(), m);
        assert_eq!(m.years(), vec![2021]);
    }

    #[test]
    fn garbage_manifest_is_an_error_with_its_path() {
        let dir = tempfile::tempdir().unwrap();
        std::fs::write(dir.path().join(MANIFEST_FILE), "{\"format\": 1").unwrap();
        let e = Manifest::load(dir.path()).unwrap_err().to_string();
        assert!(e.contains(MANIFEST_FILE) && e.contains("line 1"), "{e}");
    }
}
