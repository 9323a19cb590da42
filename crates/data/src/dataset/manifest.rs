//! `hallyu-dataset.json`: what a dataset folder holds, written last by every ingest. It is
//! the commit point: readers read the partitions it lists, with their row counts and
//! checksums, and nothing else.

use super::covariates::CovariatesEntry;
use crate::{DataError, Result};
use serde::{Deserialize, Serialize};
use std::io::Write;
use std::path::Path;

/// File name of the manifest inside a dataset folder.
pub const MANIFEST_FILE: &str = "hallyu-dataset.json";

const FORMAT: &str = "hallyu-dataset";
/// Version 2 added the `reporter` and `flow` columns, and lists every partition with its
/// size and checksum; version 1 folders mixed exporters' and importers' reports of one flow
/// and must be ingested again.
const VERSION: u32 = 2;

/// The manifest of a dataset folder.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, schemars::JsonSchema)]
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
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, schemars::JsonSchema)]
pub struct SourceEntry {
    /// Source name, as in the `source` column.
    pub source: String,
    /// Input kind (`baci`, `unctadstat`, `series`).
    pub kind: String,
    /// The files read, as named by the user (zip members as `archive.zip!member`), by every
    /// ingest that added to the source since it was last replaced.
    pub inputs: Vec<String>,
    /// Classifications present (`HS17`, `UNCTAD-CG`, ...).
    pub classifications: Vec<String>,
    /// Rows written per year, ascending.
    pub years: Vec<YearEntry>,
    /// Rows written in all.
    pub rows: u64,
    /// Rows rejected as malformed (not in the partitions).
    pub malformed_rows: u64,
    /// File in the dataset folder listing every rejected row with its file, line and reason.
    pub malformed_file: Option<String>,
}

/// Rows of one source in one year: one partition file.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, schemars::JsonSchema)]
pub struct YearEntry {
    /// The year.
    pub year: i32,
    /// Rows in the partition.
    pub rows: u64,
    /// The partition file, relative to the dataset folder (`year=YYYY/part-<source>-<hash>.parquet`).
    pub file: String,
    /// Size of the file in bytes.
    pub bytes: u64,
    /// Checksum of the file's bytes (`xxh3-64:<16 hex digits>`).
    pub checksum: String,
    /// The input files the rows came from.
    pub inputs: Vec<String>,
}

/// A rejected input row.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, schemars::JsonSchema)]
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
        #[derive(Deserialize)]
        struct Header {
            format: Option<serde_json::Value>,
            version: Option<serde_json::Value>,
        }
        // The format and version first, so that an older manifest is named as such rather
        // than as a file missing the newer fields.
        if let Ok(Header { format, version }) = serde_json::from_str::<Header>(&text) {
            let version_number = version.as_ref().and_then(|v| v.as_u64());
            if format.as_ref().and_then(|f| f.as_str()) == Some(FORMAT) && version_number == Some(1)
            {
                return Err(DataError::InvalidArgument(format!(
                    "{}: this dataset was written by an earlier hallyu (manifest version 1, rows \
                     without `reporter` and `flow`, so exporters' and importers' reports of one flow \
                     cannot be told apart, and partitions without checksums); ingest its files \
                     again into a new folder",
                    path.display()
                )));
            }
            if format.as_ref().and_then(|f| f.as_str()) == Some(FORMAT)
                && version_number != Some(u64::from(VERSION))
            {
                return Err(DataError::InvalidArgument(format!(
                    "{}: a hallyu dataset of layout version {}, which this version does not read (it reads version {VERSION}); \
                     ingest the source files again into a new folder",
                    path.display(),
                    version.map_or_else(|| "(none)".to_string(), |v| v.to_string())
                )));
            }
        }
        let m: Manifest = serde_json::from_str(&text).map_err(|e| {
            DataError::InvalidArgument(format!(
                "{}, line {}: not a valid hallyu dataset manifest: {e}",
                path.display(),
                e.line()
            ))
        })?;
        if m.format != FORMAT || m.version != VERSION {
            return Err(DataError::InvalidArgument(format!(
                "{}: format `{}` version {} is not a hallyu dataset manifest this version reads ({FORMAT} version {VERSION}); \
                 ingest the source files again into a new folder",
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

    /// Every partition (source, year entry), ordered by year, then by file name.
    pub fn partitions(&self) -> Vec<(&SourceEntry, &YearEntry)> {
        let mut p: Vec<(&SourceEntry, &YearEntry)> = self
            .sources
            .iter()
            .flat_map(|s| s.years.iter().map(move |y| (s, y)))
            .collect();
        p.sort_by(|a, b| (a.1.year, &a.1.file).cmp(&(b.1.year, &b.1.file)));
        p
    }

    /// Writes the manifest into `dir` atomically (a synced temporary file renamed over the
    /// old one): this rename is the moment an ingest becomes visible to readers.
    pub(crate) fn save(&self, dir: &Path) -> Result<()> {
        let io = |path: &Path| {
            let path = path.to_path_buf();
            move |source| DataError::Io { path, source }
        };
        let mut tmp = tempfile::Builder::new()
            .prefix(".hallyu-")
            .suffix(".tmp")
            .tempfile_in(dir)
            .map_err(io(dir))?;
        tmp.write_all(self.to_json().as_bytes())
            .map_err(io(tmp.path()))?;
        tmp.as_file().sync_all().map_err(io(tmp.path()))?;
        let path = dir.join(MANIFEST_FILE);
        tmp.persist(&path).map_err(|e| DataError::Io {
            path: path.clone(),
            source: e.error,
        })?;
        super::writer::set_readable(&path)?;
        // Make the rename itself durable.
        if let Ok(d) = std::fs::File::open(dir) {
            let _ = d.sync_all();
        }
        Ok(())
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
                file: "year=2021/part-baci-0123456789abcdef.parquet".into(),
                bytes: 1234,
                checksum: "xxh3-64:0123456789abcdef".into(),
                inputs: vec!["a.csv".into()],
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
    fn an_older_layout_is_named_as_such() {
        let dir = tempfile::tempdir().unwrap();
        let v1 = r#"{"format": "hallyu-dataset", "version": 1, "columns": [], "sources": [
            {"source": "baci", "kind": "baci", "inputs": [], "classifications": [],
             "years": [{"year": 2021, "rows": 3, "file": "year=2021/part-baci.parquet"}],
             "rows": 3, "malformed_rows": 0, "malformed_file": null}]}"#;
        std::fs::write(dir.path().join(MANIFEST_FILE), v1).unwrap();
        let e = Manifest::load(dir.path()).unwrap_err().to_string();
        assert!(
            e.contains("manifest version 1") && e.contains("ingest its files again"),
            "{e}"
        );
        std::fs::write(
            dir.path().join(MANIFEST_FILE),
            r#"{"format": "hallyu-dataset", "version": 7}"#,
        )
        .unwrap();
        let e = Manifest::load(dir.path()).unwrap_err().to_string();
        assert!(e.contains("layout version 7"), "{e}");
    }

    #[test]
    fn garbage_manifest_is_an_error_with_its_path() {
        let dir = tempfile::tempdir().unwrap();
        std::fs::write(dir.path().join(MANIFEST_FILE), "{\"format\": 1").unwrap();
        let e = Manifest::load(dir.path()).unwrap_err().to_string();
        assert!(e.contains(MANIFEST_FILE) && e.contains("line 1"), "{e}");
    }
}
