//! `verify`: every way a dataset folder differs from its manifest, all at once; `repair`:
//! removing what the manifest does not list.

use super::lock;
use super::manifest::{Manifest, MANIFEST_FILE};
use super::reader::{listed_twice, load_partition, Fault};
use super::scan;
use crate::{DataError, Result};
use serde::{Deserialize, Serialize};
use std::path::Path;

/// What kind of problem a [`Problem`] is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, schemars::JsonSchema)]
#[serde(rename_all = "snake_case")]
pub enum ProblemKind {
    /// A Parquet file in a `year=` folder that the manifest does not list.
    Unlisted,
    /// A `.hallyu-*.tmp` file left by an interrupted ingest.
    LeftoverTemp,
    /// The manifest lists a file twice, or a source's year twice.
    ListedTwice,
    /// A listed partition whose path is not inside the `year=` folder of its year.
    WrongFolder,
    /// A listed partition that does not exist.
    Missing,
    /// A listed partition that cannot be read or is not valid Parquet.
    Unreadable,
    /// A listed partition whose row count differs from the manifest's.
    RowCount,
    /// A listed partition whose bytes differ from those ingested.
    Checksum,
    /// A listed partition that holds rows of other years than its own.
    WrongYear,
}

impl ProblemKind {
    /// The kind as written in reports (`row_count`, ...).
    pub fn name(self) -> &'static str {
        match self {
            ProblemKind::Unlisted => "unlisted",
            ProblemKind::LeftoverTemp => "leftover_temp",
            ProblemKind::ListedTwice => "listed_twice",
            ProblemKind::WrongFolder => "wrong_folder",
            ProblemKind::Missing => "missing",
            ProblemKind::Unreadable => "unreadable",
            ProblemKind::RowCount => "row_count",
            ProblemKind::Checksum => "checksum",
            ProblemKind::WrongYear => "wrong_year",
        }
    }

    /// Whether `repair` removes files of this kind (what the manifest does not list).
    pub fn removable(self) -> bool {
        matches!(self, ProblemKind::Unlisted | ProblemKind::LeftoverTemp)
    }
}

/// One way the folder differs from its manifest.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, schemars::JsonSchema)]
pub struct Problem {
    /// What kind of problem.
    pub kind: ProblemKind,
    /// The file, relative to the dataset folder.
    pub file: String,
    /// The source of a listed partition.
    pub source: Option<String>,
    /// The year of a listed partition.
    pub year: Option<i32>,
    /// What is wrong, in a sentence that names the file.
    pub message: String,
}

/// The outcome of [`verify`].
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, schemars::JsonSchema)]
pub struct Verification {
    /// The dataset folder.
    pub dataset: String,
    /// Partitions the manifest lists.
    pub partitions: usize,
    /// Rows the manifest lists.
    pub rows: u64,
    /// Every problem found (none when the folder is what its manifest says).
    pub problems: Vec<Problem>,
}

impl Verification {
    /// Whether the folder is exactly what its manifest says.
    pub fn is_clean(&self) -> bool {
        self.problems.is_empty()
    }
}

/// A file [`repair`] removed.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, schemars::JsonSchema)]
pub struct Removed {
    /// The file, relative to the dataset folder.
    pub file: String,
    /// Its size.
    pub bytes: u64,
    /// Why it was removed.
    pub kind: ProblemKind,
}

/// The outcome of [`repair`].
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, schemars::JsonSchema)]
pub struct Repair {
    /// The files removed.
    pub removed: Vec<Removed>,
    /// The folder checked again afterwards: what is left is listed data that repair does
    /// not touch (missing or damaged partitions need the source ingested again).
    pub after: Verification,
}

/// Checks the dataset in `dir` against its manifest and reports every problem: Parquet
/// files in `year=` folders the manifest does not list, leftover temporary files, and for
/// each listed partition a wrong folder, a missing file, a row count, checksum or years that
/// differ from the manifest. Reads every partition (its bytes and its `year` column).
/// Holds a shared lock, so no ingest changes the folder meanwhile; fails at once, naming the
/// lock file, when one is running.
pub fn verify(dir: &Path) -> Result<Verification> {
    Manifest::load(dir)?;
    let _shared = lock::read_lock(dir)?;
    verify_unlocked(dir)
}

fn verify_unlocked(dir: &Path) -> Result<Verification> {
    let manifest = Manifest::load(dir)?;
    let mut problems = Vec::new();
    for twice in listed_twice(&manifest) {
        problems.push(Problem {
            kind: ProblemKind::ListedTwice,
            file: MANIFEST_FILE.into(),
            source: None,
            year: None,
            message: format!(
                "{}: {twice}, so its rows would be counted twice",
                dir.join(MANIFEST_FILE).display()
            ),
        });
    }
    for (path, bytes) in scan::temp_files(dir)? {
        problems.push(Problem {
            kind: ProblemKind::LeftoverTemp,
            file: relative(dir, &path),
            source: None,
            year: None,
            message: format!(
                "{} ({}) is a temporary file left by an interrupted ingest",
                path.display(),
                scan::human_bytes(bytes)
            ),
        });
    }
    for file in scan::unlisted_parquet(dir, &manifest, None)? {
        problems.push(Problem {
            kind: ProblemKind::Unlisted,
            message: format!(
                "{} is not listed in the manifest: it is not part of the dataset, and tools that read every file would count it twice",
                dir.join(&file).display()
            ),
            file,
            source: None,
            year: None,
        });
    }
    for (source, entry) in manifest.partitions() {
        let Err(fault) = load_partition(dir, entry, &["year"]) else {
            continue;
        };
        let kind = match fault {
            Fault::Folder => ProblemKind::WrongFolder,
            Fault::Missing => ProblemKind::Missing,
            Fault::Unreadable(_) => ProblemKind::Unreadable,
            Fault::Rows(_) => ProblemKind::RowCount,
            Fault::Checksum(..) => ProblemKind::Checksum,
            Fault::Years(_) => ProblemKind::WrongYear,
        };
        problems.push(Problem {
            kind,
            file: entry.file.clone(),
            source: Some(source.source.clone()),
            year: Some(entry.year),
            message: fault.describe(dir, source, entry),
        });
    }
    Ok(Verification {
        dataset: dir.display().to_string(),
        partitions: manifest.partitions().len(),
        rows: manifest.sources.iter().map(|s| s.rows).sum(),
        problems,
    })
}

/// Removes from `dir` what its manifest does not list: Parquet files in `year=` folders
/// that are not partitions, temporary files of interrupted ingests, and `year=` folders
/// left empty. Never touches a listed partition, even a damaged one: what remains wrong is
/// in [`Repair::after`]. Holds the writers' lock (fails at once when an ingest runs).
pub fn repair(dir: &Path) -> Result<Repair> {
    Manifest::load(dir)?;
    let lock::Taken { lock, fresh, .. } = lock::write_lock(dir)?;
    if !fresh {
        return Err(DataError::InvalidArgument(format!(
            "{} is being written by this process (lock {}); repair it when the ingest has finished",
            dir.display(),
            lock.path().display()
        )));
    }
    let before = verify_unlocked(dir)?;
    let mut removed = Vec::new();
    for p in before.problems.iter().filter(|p| p.kind.removable()) {
        let path = dir.join(&p.file);
        let bytes = std::fs::metadata(&path).map(|m| m.len()).unwrap_or(0);
        std::fs::remove_file(&path).map_err(|source| DataError::Io {
            path: path.clone(),
            source,
        })?;
        removed.push(Removed {
            file: p.file.clone(),
            bytes,
            kind: p.kind,
        });
    }
    for folder in scan::empty_year_folders(dir)? {
        let _ = std::fs::remove_dir(folder);
    }
    let after = verify_unlocked(dir)?;
    Ok(Repair { removed, after })
}

fn relative(dir: &Path, path: &Path) -> String {
    path.strip_prefix(dir)
        .unwrap_or(path)
        .to_string_lossy()
        .replace('\\', "/")
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::dataset::writer::test_rows;
    use crate::dataset::DatasetWriter;

    /// baci 2019-2021, one row each.
    fn sample(dir: &Path) -> Manifest {
        let mut w = DatasetWriter::create(dir, "baci", "baci").unwrap();
        test_rows(
            &mut w,
            &[
                (2019, "KOR", "JPN", 1.0),
                (2020, "KOR", "JPN", 2.0),
                (2020, "JPN", "KOR", 3.0),
                (2021, "KOR", "JPN", 4.0),
            ],
        );
        w.commit().unwrap();
        Manifest::load(dir).unwrap()
    }

    fn kinds(v: &Verification) -> Vec<(ProblemKind, String)> {
        v.problems
            .iter()
            .map(|p| (p.kind, p.file.clone()))
            .collect()
    }

    #[test]
    fn a_clean_dataset_verifies_clean() {
        let dir = tempfile::tempdir().unwrap();
        sample(dir.path());
        let v = verify(dir.path()).unwrap();
        assert!(v.is_clean(), "{v:?}");
        assert_eq!((v.partitions, v.rows), (3, 4));
    }

    #[test]
    fn every_problem_at_once_and_repair_removes_only_the_unlisted() {
        let dir = tempfile::tempdir().unwrap();
        let m = sample(dir.path());
        let file = |y: i32| {
            m.sources[0]
                .years
                .iter()
                .find(|e| e.year == y)
                .unwrap()
                .file
                .clone()
        };
        let d = dir.path();
        std::fs::copy(
            d.join(file(2021)),
            d.join("year=2021/part-baci (copy).parquet"),
        )
        .unwrap();
        std::fs::write(d.join(".hallyu-k2.tmp"), b"half a partition").unwrap();
        std::fs::remove_file(d.join(file(2019))).unwrap();
        // 2021's file (1 row) in place of 2020's (2 rows).
        std::fs::copy(d.join(file(2021)), d.join(file(2020))).unwrap();
        let v = verify(d).unwrap();
        let mut found = kinds(&v);
        found.sort_by_key(|(k, f)| (k.name(), f.clone()));
        assert_eq!(
            found,
            [
                (ProblemKind::LeftoverTemp, ".hallyu-k2.tmp".to_string()),
                (ProblemKind::Missing, file(2019)),
                (ProblemKind::RowCount, file(2020)),
                (
                    ProblemKind::Unlisted,
                    "year=2021/part-baci (copy).parquet".to_string()
                ),
            ]
        );
        let r = repair(d).unwrap();
        let mut removed: Vec<&str> = r.removed.iter().map(|f| f.file.as_str()).collect();
        removed.sort_unstable();
        assert_eq!(
            removed,
            [".hallyu-k2.tmp", "year=2021/part-baci (copy).parquet"]
        );
        assert_eq!(r.removed.iter().map(|f| f.bytes).min(), Some(16));
        // Listed data untouched: the damaged 2020 file is still there, still reported.
        assert!(d.join(file(2020)).exists());
        assert_eq!(
            kinds(&r.after),
            [
                (ProblemKind::Missing, file(2019)),
                (ProblemKind::RowCount, file(2020))
            ]
        );
    }

    #[test]
    fn checksum_and_wrong_year_are_told_apart() {
        let dir = tempfile::tempdir().unwrap();
        let d = dir.path();
        let mut m = sample(d);
        // Same row count, other bytes: a checksum problem.
        let other = tempfile::tempdir().unwrap();
        let mut w = DatasetWriter::create(other.path(), "baci", "baci").unwrap();
        test_rows(
            &mut w,
            &[(2019, "USA", "JPN", 8.0), (2021, "USA", "JPN", 9.0)],
        );
        let o = w.commit().unwrap();
        std::fs::copy(
            other.path().join(&o.years[0].file),
            d.join(&m.sources[0].years[0].file),
        )
        .unwrap();
        // An entry of 2020 listing a file of 2021 rows, under year=2020 (as if moved and
        // listed by hand): checksum and rows agree, the years do not.
        let moved = "year=2020/part-baci-moved.parquet".to_string();
        std::fs::copy(other.path().join(&o.years[1].file), d.join(&moved)).unwrap();
        let y = &mut m.sources[0].years[1];
        std::fs::remove_file(d.join(&y.file)).unwrap();
        (y.file, y.rows, y.bytes, y.checksum) = (
            moved.clone(),
            1,
            o.years[1].bytes,
            o.years[1].checksum.clone(),
        );
        m.save(d).unwrap();
        let v = verify(d).unwrap();
        assert_eq!(
            kinds(&v),
            [
                (ProblemKind::Checksum, m.sources[0].years[0].file.clone()),
                (ProblemKind::WrongYear, moved)
            ],
            "{v:?}"
        );
        assert!(
            v.problems[1].message.contains("holds rows of 2021"),
            "{v:?}"
        );
    }

    #[test]
    fn verify_waits_for_no_writer_and_names_the_lock() {
        let dir = tempfile::tempdir().unwrap();
        sample(dir.path());
        let w = DatasetWriter::create(dir.path(), "baci", "baci").unwrap();
        let e = verify(dir.path()).unwrap_err().to_string();
        assert!(e.contains(super::super::LOCK_FILE), "{e}");
        let e = repair(dir.path()).unwrap_err().to_string();
        assert!(e.contains(super::super::LOCK_FILE), "{e}");
        drop(w);
        assert!(verify(dir.path()).unwrap().is_clean());
    }
}
