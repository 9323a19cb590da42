//! Pair covariates stored next to the flows: one Parquet table per covariate source
//! (`covariates-<name>.parquet`), listed in the manifest with its rows and columns.
//!
//! A covariates table has the text columns `exporter` and `importer` (ISO3), optionally a
//! numeric `year`, and numeric covariates named as their source names them (CEPII's `dist`,
//! `distw`, `contig`, `comlang_off`, `col45`, `rta`, ...). At most one row per pair (and
//! year when the table has years).

use super::manifest::{Manifest, MANIFEST_FILE};
use crate::read::{read_parquet, ReadOptions};
use crate::{DataError, Result, Table};
use serde::{Deserialize, Serialize};
use std::io::Write;
use std::path::Path;

/// One covariates table of a dataset, as its manifest lists it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, schemars::JsonSchema)]
pub struct CovariatesEntry {
    /// Name of the table (`gravity`).
    pub name: String,
    /// Layout of the input (`cepii-gravity`).
    pub kind: String,
    /// The file(s) read, as named by the user.
    pub inputs: Vec<String>,
    /// The table's file, relative to the dataset folder.
    pub file: String,
    /// Rows in the table.
    pub rows: u64,
    /// The covariate columns (besides `exporter`, `importer` and `year`).
    pub columns: Vec<String>,
    /// Whether rows are by pair and year (`true`) or by pair only.
    pub by_year: bool,
}

/// File name of covariates table `name` in a dataset folder.
pub fn covariates_file_name(name: &str) -> String {
    format!("covariates-{name}.parquet")
}

fn io(path: &Path) -> impl Fn(std::io::Error) -> DataError + '_ {
    move |source| DataError::Io {
        path: path.to_path_buf(),
        source,
    }
}

fn staged(dir: &Path) -> Result<tempfile::NamedTempFile> {
    tempfile::Builder::new()
        .prefix(".hallyu-")
        .suffix(".tmp")
        .tempfile_in(dir)
        .map_err(io(dir))
}

/// Writes `table` as covariates table `entry.name` of the dataset in `dir` (created when
/// missing) and lists it in the manifest, replacing a table of the same name. The table is
/// staged and synced before it is renamed into place, and the manifest is rewritten last.
pub fn write_covariates(dir: &Path, table: &Table, mut entry: CovariatesEntry) -> Result<()> {
    std::fs::create_dir_all(dir).map_err(io(dir))?;
    // The manifest is read, changed and written back: no other writer may commit between.
    let taken = super::lock::write_lock(dir)?;
    let _turn = taken.lock.commit_turn();
    let mut manifest = Manifest::load_or_default(dir)?;
    if !dir.join(MANIFEST_FILE).exists() {
        let foreign = std::fs::read_dir(dir)
            .map_err(io(dir))?
            .filter_map(|e| e.ok())
            .find(|e| !e.file_name().to_string_lossy().starts_with(".hallyu-"));
        if let Some(f) = foreign {
            return Err(DataError::InvalidArgument(format!(
                "{} is neither empty nor a hallyu dataset (no {MANIFEST_FILE}, but it holds {}); \
                 choose a new or empty folder for the dataset (out)",
                dir.display(),
                f.file_name().to_string_lossy()
            )));
        }
    }
    entry.file = covariates_file_name(&entry.name);
    entry.rows = table.nrows() as u64;
    let tmp = staged(dir)?;
    {
        let file = tmp.reopen().map_err(io(tmp.path()))?;
        crate::write::write_parquet(table, std::io::BufWriter::new(file))?;
    }
    tmp.as_file().sync_all().map_err(io(tmp.path()))?;
    let dest = dir.join(&entry.file);
    tmp.persist(&dest).map_err(|e| DataError::Io {
        path: dest.clone(),
        source: e.error,
    })?;
    set_readable(&dest)?;
    match manifest
        .covariates
        .iter_mut()
        .find(|c| c.name == entry.name)
    {
        Some(c) => *c = entry,
        None => manifest.covariates.push(entry),
    }
    let mut tmp = staged(dir)?;
    tmp.write_all(manifest.to_json().as_bytes())
        .map_err(io(tmp.path()))?;
    tmp.as_file().sync_all().map_err(io(tmp.path()))?;
    let mpath = dir.join(MANIFEST_FILE);
    tmp.persist(&mpath).map_err(|e| DataError::Io {
        path: mpath.clone(),
        source: e.error,
    })?;
    set_readable(&mpath)
}

fn set_readable(path: &Path) -> Result<()> {
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        std::fs::set_permissions(path, std::fs::Permissions::from_mode(0o644)).map_err(io(path))?;
    }
    let _ = path;
    Ok(())
}

/// Reads every covariates table the manifest of `dir` lists, with its entry. A listed file
/// that is missing, or whose row count differs from the manifest's, is an error naming it.
pub fn read_covariates(dir: &Path) -> Result<Vec<(CovariatesEntry, Table)>> {
    let manifest = Manifest::load(dir)?;
    let mut out = Vec::new();
    for entry in manifest.covariates {
        let path = dir.join(&entry.file);
        if !path.is_file() {
            return Err(DataError::InvalidArgument(format!(
                "{}: the manifest lists covariates table `{}` in {}, which is missing; ingest \
                 the gravity covariates into the dataset {} again",
                dir.join(MANIFEST_FILE).display(),
                entry.name,
                path.display(),
                dir.display()
            )));
        }
        let table = read_parquet(&path, &ReadOptions::default())?;
        if table.nrows() as u64 != entry.rows {
            return Err(DataError::InvalidArgument(format!(
                "{}: {} rows, but the manifest lists {}; ingest the covariates again",
                path.display(),
                table.nrows(),
                entry.rows
            )));
        }
        out.push((entry, table));
    }
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::{Column, StrColumnBuilder};

    fn table() -> Table {
        let mut e = StrColumnBuilder::default();
        let mut i = StrColumnBuilder::default();
        e.push(Some("KOR"));
        i.push(Some("JPN"));
        let mut t = Table::new();
        t.push("exporter", Column::Str(e.finish())).unwrap();
        t.push("importer", Column::Str(i.finish())).unwrap();
        t.push("dist", Column::numbers(vec![1150.0])).unwrap();
        t
    }

    fn entry() -> CovariatesEntry {
        CovariatesEntry {
            name: "gravity".into(),
            kind: "cepii-geodist".into(),
            inputs: vec!["dist_cepii.csv".into()],
            file: String::new(),
            rows: 0,
            columns: vec!["dist".into()],
            by_year: false,
        }
    }

    #[test]
    fn listed_in_the_manifest_and_read_back() {
        let dir = tempfile::tempdir().unwrap();
        write_covariates(dir.path(), &table(), entry()).unwrap();
        let m = Manifest::load(dir.path()).unwrap();
        assert_eq!(m.covariates.len(), 1);
        assert_eq!(m.covariates[0].file, "covariates-gravity.parquet");
        assert_eq!(m.covariates[0].rows, 1);
        let back = read_covariates(dir.path()).unwrap();
        assert_eq!(back[0].1.num("dist").unwrap(), [1150.0]);
        // Writing again replaces the table, it does not list it twice.
        write_covariates(dir.path(), &table(), entry()).unwrap();
        assert_eq!(Manifest::load(dir.path()).unwrap().covariates.len(), 1);
        let names: Vec<String> = std::fs::read_dir(dir.path())
            .unwrap()
            .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
            .collect();
        assert!(names.iter().all(|n| !n.ends_with(".tmp")), "{names:?}");
    }

    #[test]
    fn a_missing_or_altered_table_is_an_error_naming_it() {
        let dir = tempfile::tempdir().unwrap();
        write_covariates(dir.path(), &table(), entry()).unwrap();
        let mut m = Manifest::load(dir.path()).unwrap();
        m.covariates[0].rows = 2;
        std::fs::write(dir.path().join(MANIFEST_FILE), m.to_json()).unwrap();
        let e = read_covariates(dir.path()).unwrap_err().to_string();
        assert!(e.contains("1 rows, but the manifest lists 2"), "{e}");
        std::fs::remove_file(dir.path().join("covariates-gravity.parquet")).unwrap();
        let e = read_covariates(dir.path()).unwrap_err().to_string();
        assert!(
            e.contains("covariates-gravity.parquet") && e.contains("missing"),
            "{e}"
        );
    }

    #[test]
    fn a_foreign_folder_is_refused() {
        let dir = tempfile::tempdir().unwrap();
        std::fs::write(dir.path().join("notes.txt"), "mine").unwrap();
        let e = write_covariates(dir.path(), &table(), entry())
            .unwrap_err()
            .to_string();
        assert!(e.contains("neither empty nor a hallyu dataset"), "{e}");
    }
}
