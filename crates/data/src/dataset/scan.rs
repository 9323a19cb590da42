//! What a dataset folder holds beyond its manifest: Parquet files in `year=` folders that
//! the manifest does not list (a copy, a file moved in by hand, the new partition of an
//! ingest that died before its commit) and temporary files of a killed ingest.

use super::checksum;
use super::manifest::Manifest;
use crate::{DataError, Result};
use std::collections::HashSet;
use std::path::{Path, PathBuf};

fn io(path: &Path) -> impl Fn(std::io::Error) -> DataError + '_ {
    move |source| DataError::Io {
        path: path.to_path_buf(),
        source,
    }
}

/// Whether a file name is one of the temporary files writers stage in the folder.
pub(crate) fn is_temp_name(name: &str) -> bool {
    name.starts_with(".hallyu-") && name.ends_with(".tmp")
}

/// The temporary files (`.hallyu-*.tmp`) in `dir`, with their sizes, sorted.
pub(crate) fn temp_files(dir: &Path) -> Result<Vec<(PathBuf, u64)>> {
    let mut out = Vec::new();
    for entry in std::fs::read_dir(dir).map_err(io(dir))? {
        let entry = entry.map_err(io(dir))?;
        let name = entry.file_name();
        if name.to_str().is_some_and(is_temp_name) {
            let bytes = entry.metadata().map(|m| m.len()).unwrap_or(0);
            out.push((entry.path(), bytes));
        }
    }
    out.sort();
    Ok(out)
}

/// The year of a `year=YYYY` folder name; `Some(None)` for a `year=` folder whose suffix
/// is not a year, `None` for any other name.
fn folder_year(name: &str) -> Option<Option<i32>> {
    name.strip_prefix("year=").map(|y| y.parse::<i32>().ok())
}

/// The Parquet files under `year=` folders of `dir` (in the inclusive year range when given;
/// folders whose suffix is not a year are always looked at) that `manifest` does not list,
/// as paths relative to `dir` with `/` separators, sorted.
pub(crate) fn unlisted_parquet(
    dir: &Path,
    manifest: &Manifest,
    years: Option<(i32, i32)>,
) -> Result<Vec<String>> {
    let listed: HashSet<&str> = manifest
        .sources
        .iter()
        .flat_map(|s| s.years.iter().map(|y| y.file.as_str()))
        .collect();
    let mut out = Vec::new();
    for entry in std::fs::read_dir(dir).map_err(io(dir))? {
        let entry = entry.map_err(io(dir))?;
        let folder = entry.file_name().to_string_lossy().into_owned();
        let Some(year) = folder_year(&folder) else {
            continue;
        };
        if let (Some(y), Some((a, b))) = (year, years) {
            if y < a || y > b {
                continue;
            }
        }
        let path = entry.path();
        if !path.is_dir() {
            continue;
        }
        for file in std::fs::read_dir(&path).map_err(io(&path))? {
            let file = file.map_err(io(&path))?;
            let name = file.file_name().to_string_lossy().into_owned();
            let rel = format!("{folder}/{name}");
            if name.to_ascii_lowercase().ends_with(".parquet")
                && !listed.contains(rel.as_str())
                && file.file_type().is_ok_and(|t| !t.is_dir())
            {
                out.push(rel);
            }
        }
    }
    out.sort();
    Ok(out)
}

/// Partitions left by a commit that died after renaming them into place but before its
/// manifest listed them (or, after a replace, before it removed the partitions it
/// replaced): files in `year=` folders that `manifest` does not list, named as a writer
/// names them (`part-<source>-<16 hex digits>.parquet`), whose content has the checksum in
/// their name, a checksum no listed partition has. A copy of a listed partition (its
/// checksum is listed) or any other file is not one: `dataset repair` is for those.
/// Returns the paths with their sizes.
pub(crate) fn dead_commit_files(dir: &Path, manifest: &Manifest) -> Result<Vec<(PathBuf, u64)>> {
    let listed: HashSet<&str> = manifest
        .sources
        .iter()
        .flat_map(|s| s.years.iter().map(|y| checksum::digits(&y.checksum)))
        .collect();
    let mut out = Vec::new();
    for rel in unlisted_parquet(dir, manifest, None)? {
        let name = rel.rsplit('/').next().unwrap_or_default();
        let Some((_, digits)) = name
            .strip_prefix("part-")
            .and_then(|n| n.strip_suffix(".parquet"))
            .and_then(|n| n.rsplit_once('-'))
        else {
            continue;
        };
        let hex = digits.len() == 16
            && digits
                .bytes()
                .all(|b| b.is_ascii_digit() || (b'a'..=b'f').contains(&b));
        if !hex || listed.contains(digits) {
            continue;
        }
        let path = dir.join(&rel);
        let mut file = std::fs::File::open(&path).map_err(io(&path))?;
        let mut hashing = checksum::HashingWriter::new(std::io::sink());
        std::io::copy(&mut file, &mut hashing).map_err(io(&path))?;
        let (_, sum, bytes) = hashing.finish();
        if checksum::digits(&sum) == digits {
            out.push((path, bytes));
        }
    }
    Ok(out)
}

/// `year=` folders of `dir` that are empty.
pub(crate) fn empty_year_folders(dir: &Path) -> Result<Vec<PathBuf>> {
    let mut out = Vec::new();
    for entry in std::fs::read_dir(dir).map_err(io(dir))? {
        let entry = entry.map_err(io(dir))?;
        let name = entry.file_name().to_string_lossy().into_owned();
        let path = entry.path();
        if folder_year(&name).is_some()
            && path.is_dir()
            && std::fs::read_dir(&path).is_ok_and(|mut d| d.next().is_none())
        {
            out.push(path);
        }
    }
    out.sort();
    Ok(out)
}

/// A byte count in a human unit (`36.2 MB`).
pub(crate) fn human_bytes(bytes: u64) -> String {
    const UNITS: [&str; 4] = ["KB", "MB", "GB", "TB"];
    if bytes < 1000 {
        return format!("{bytes} bytes");
    }
    let mut v = bytes as f64;
    let mut unit = "";
    for u in UNITS {
        v /= 1000.0;
        unit = u;
        if v < 1000.0 {
            break;
        }
    }
    format!("{v:.1} {unit}")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn folders_and_sizes() {
        assert_eq!(folder_year("year=2021"), Some(Some(2021)));
        assert_eq!(folder_year("year=20x1"), Some(None));
        assert_eq!(folder_year("malformed-baci.csv"), None);
        assert!(is_temp_name(".hallyu-abc123.tmp"));
        assert!(!is_temp_name(".hallyu-dataset.lock"));
        assert_eq!(human_bytes(999), "999 bytes");
        assert_eq!(human_bytes(36_200_000), "36.2 MB");
    }

    #[test]
    fn lists_unlisted_parquet_in_the_range_only() {
        let dir = tempfile::tempdir().unwrap();
        for f in [
            "year=2020/part-baci-1.parquet",
            "year=2021/part-baci (copy).parquet",
            "year=2021/notes.txt",
            "year=x/part.parquet",
        ] {
            let p = dir.path().join(f);
            std::fs::create_dir_all(p.parent().unwrap()).unwrap();
            std::fs::write(p, "x").unwrap();
        }
        std::fs::create_dir(dir.path().join("year=1999")).unwrap();
        let m = Manifest::default();
        assert_eq!(
            unlisted_parquet(dir.path(), &m, None).unwrap(),
            [
                "year=2020/part-baci-1.parquet",
                "year=2021/part-baci (copy).parquet",
                "year=x/part.parquet"
            ]
        );
        assert_eq!(
            unlisted_parquet(dir.path(), &m, Some((2021, 2022))).unwrap(),
            ["year=2021/part-baci (copy).parquet", "year=x/part.parquet"]
        );
        assert_eq!(
            empty_year_folders(dir.path()).unwrap(),
            [dir.path().join("year=1999")]
        );
    }
}
