//! Gravity covariates in CEPII's layouts (the Gravity database and GeoDist): one row per
//! origin-destination pair (and year in Gravity), with the codes in `iso3_o`/`iso3_d`
//! (Gravity) or `iso_o`/`iso_d` (GeoDist), into the dataset's covariates table `gravity`.
//!
//! Every numeric column is kept under its own name (`dist`, `distw`, `distcap`, `contig`,
//! `comlang_off`, `col45`, `colony`, `rta`, `fta_wto`, ...); text columns (country names,
//! CEPII's `country_id`) are not covariates and are listed as not kept. Gravity's rows for
//! a country that does not exist in that year (`country_exists_o` or `country_exists_d` =
//! 0) are skipped and counted: they carry no data and would repeat a pair under a
//! successor's code. Two rows for one pair (and year) are an error naming both.

use crate::dataset::{write_covariates, CovariatesEntry};
use crate::read::{column_names, read_path, ReadOptions};
use crate::{nearest, Column, DataError, Result, StrColumn, StrColumnBuilder, Table};
use serde::{Deserialize, Serialize};
use std::collections::HashMap;
use std::path::Path;

/// Name of the covariates table this reader writes.
pub const TABLE: &str = "gravity";

const ORIGIN: [&str; 2] = ["iso3_o", "iso_o"];
const DESTINATION: [&str; 2] = ["iso3_d", "iso_d"];
const EXISTS: [&str; 2] = ["country_exists_o", "country_exists_d"];

/// What an ingest of gravity covariates did.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, schemars::JsonSchema)]
pub struct GravityReport {
    /// The dataset folder.
    pub dataset: String,
    /// The file read.
    pub input: String,
    /// Rows written.
    pub rows: u64,
    /// Whether the table is by pair and year.
    pub by_year: bool,
    /// Covariates kept.
    pub columns: Vec<String>,
    /// Text columns that are not covariates and were not kept.
    pub not_kept: Vec<String>,
    /// Rows of countries that did not exist in the row's year (Gravity's
    /// `country_exists_*` = 0), skipped.
    pub skipped_not_existing: u64,
}

fn invalid(msg: String) -> DataError {
    DataError::InvalidArgument(msg)
}

fn code_column<'t>(table: &'t Table, name: &str, file: &str) -> Result<&'t StrColumn> {
    match table.column(name)? {
        Column::Str(s) => Ok(s),
        Column::Num(_) => Err(invalid(format!(
            "{file}: column `{name}` holds numbers; it must hold ISO3 country codes"
        ))),
    }
}

fn pick<'a>(names: &[String], candidates: &[&'a str]) -> Option<&'a str> {
    candidates
        .iter()
        .copied()
        .find(|c| names.iter().any(|n| n == c))
}

fn missing_column(file: &str, what: &str, candidates: &[&str], names: &[String]) -> DataError {
    let hint = candidates
        .iter()
        .find_map(|c| nearest(c, names.iter().map(String::as_str)))
        .map(|n| format!(" (is `{n}` it?)"))
        .unwrap_or_default();
    invalid(format!(
        "{file}: no {what} column (`{}`, as CEPII's Gravity and GeoDist name it){hint}; columns: {}",
        candidates.join("` or `"),
        names.join(", ")
    ))
}

/// Reads a CEPII Gravity or GeoDist file (.csv, .dta or .parquet) and stores its covariates
/// as the covariates table `gravity` of the dataset in `out`, replacing an earlier one.
pub fn ingest(path: &Path, out: &Path) -> Result<GravityReport> {
    let file = path.display().to_string();
    let names = column_names(path)?;
    let origin = pick(&names, &ORIGIN)
        .ok_or_else(|| missing_column(&file, "origin country", &ORIGIN, &names))?;
    let destination = pick(&names, &DESTINATION)
        .ok_or_else(|| missing_column(&file, "destination country", &DESTINATION, &names))?;
    let table = read_path(path, &ReadOptions::default())?;
    let o = code_column(&table, origin, &file)?;
    let d = code_column(&table, destination, &file)?;
    let year = match table.column("year") {
        Ok(Column::Num(v)) => Some(&v[..]),
        Ok(Column::Str(_)) => {
            return Err(invalid(format!(
                "{file}: column `year` holds text; it must hold years"
            )))
        }
        Err(_) => None,
    };
    let exists: Vec<&[f64]> = EXISTS
        .iter()
        .filter_map(|c| match table.column(c) {
            Ok(Column::Num(v)) => Some(&v[..]),
            _ => None,
        })
        .collect();

    let mut keep = vec![true; table.nrows()];
    let mut skipped = 0u64;
    let mut seen: HashMap<(String, String, i64), usize> = HashMap::new();
    for r in 0..table.nrows() {
        if exists.iter().any(|e| e[r] == 0.0) {
            keep[r] = false;
            skipped += 1;
            continue;
        }
        let row = r + 1;
        let (Some(oc), Some(dc)) = (o.get(r), d.get(r)) else {
            let which = if o.get(r).is_none() {
                origin
            } else {
                destination
            };
            return Err(invalid(format!(
                "{file}, data row {row}: `{which}` is missing; every row needs both country codes"
            )));
        };
        for code in [oc, dc] {
            if code.trim().len() != 3 {
                return Err(invalid(format!(
                    "{file}, data row {row}: `{code}` is not an ISO3 country code"
                )));
            }
        }
        let y = match year {
            Some(v) => {
                let y = v[r];
                if !(y.fract() == 0.0 && (0.0..=9999.0).contains(&y)) {
                    return Err(invalid(format!(
                        "{file}, data row {row}: year `{y}` is not a year"
                    )));
                }
                y as i64
            }
            None => 0,
        };
        let key = (
            oc.trim().to_ascii_uppercase(),
            dc.trim().to_ascii_uppercase(),
            y,
        );
        if let Some(first) = seen.insert(key, row) {
            let when = year.map(|_| format!(" in {y}")).unwrap_or_default();
            return Err(invalid(format!(
                "{file}: data rows {first} and {row} both give the pair {oc} -> {dc}{when}; a \
                 covariates table holds one row per pair{}",
                if year.is_some() { " and year" } else { "" }
            )));
        }
    }

    let mut out_table = Table::new();
    let codes = |col: &StrColumn| {
        let mut b = StrColumnBuilder::default();
        for r in (0..col.codes.len()).filter(|&r| keep[r]) {
            b.push(col.get(r).map(|c| c.trim().to_ascii_uppercase()).as_deref());
        }
        Column::Str(b.finish())
    };
    out_table.push("exporter", codes(o))?;
    out_table.push("importer", codes(d))?;
    let identifiers = [origin, destination, "year", EXISTS[0], EXISTS[1]];
    let mut columns = Vec::new();
    let mut not_kept = Vec::new();
    for (name, column) in table.iter() {
        if identifiers.contains(&name) && name != "year" {
            continue;
        }
        match column {
            Column::Num(v) => {
                let kept: Vec<f64> = v
                    .iter()
                    .zip(&keep)
                    .filter(|(_, k)| **k)
                    .map(|(x, _)| *x)
                    .collect();
                if name == "year" {
                    out_table.push("year", Column::numbers(kept))?;
                } else if name == "exporter" || name == "importer" {
                    return Err(invalid(format!(
                        "{file}: column `{name}` would clash with the pair's codes; rename it"
                    )));
                } else {
                    out_table.push(name, Column::numbers(kept))?;
                    columns.push(name.to_string());
                }
            }
            Column::Str(_) => not_kept.push(name.to_string()),
        }
    }
    if columns.is_empty() {
        return Err(invalid(format!(
            "{file}: no numeric covariate column (dist, contig, comlang_off, ...); columns: {}",
            names.join(", ")
        )));
    }
    let entry = CovariatesEntry {
        name: TABLE.into(),
        kind: if year.is_some() {
            "cepii-gravity"
        } else {
            "cepii-geodist"
        }
        .into(),
        inputs: vec![file.clone()],
        file: String::new(),
        rows: 0,
        columns: columns.clone(),
        by_year: year.is_some(),
    };
    write_covariates(out, &out_table, entry)?;
    Ok(GravityReport {
        dataset: out.display().to_string(),
        input: file,
        rows: out_table.nrows() as u64,
        by_year: year.is_some(),
        columns,
        not_kept,
        skipped_not_existing: skipped,
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::dataset::read_covariates;

    fn write(dir: &Path, name: &str, text: &str) -> std::path::PathBuf {
        let p = dir.join(name);
        std::fs::write(&p, text).unwrap();
        p
    }

    #[test]
    fn gravity_layout_with_years_and_non_existing_countries() {
        let tmp = tempfile::tempdir().unwrap();
        let f = write(
            tmp.path(),
            "gravity.csv",
            "year,iso3_o,iso3_d,country_id_o,country_exists_o,country_exists_d,dist,contig,comlang_off,rta\n\
             2019,KOR,JPN,KOR,1,1,1150.5,0,0,0\n\
             2019,jpn,KOR,JPN,1,1,1150.5,0,0,0\n\
             2019,SUN,KOR,SUN.1,0,1,,,,\n\
             2020,KOR,JPN,KOR,1,1,1150.5,0,0,1\n",
        );
        let out = tmp.path().join("trade");
        let r = ingest(&f, &out).unwrap();
        assert_eq!(r.rows, 3);
        assert_eq!(r.skipped_not_existing, 1);
        assert!(r.by_year);
        assert_eq!(r.columns, ["dist", "contig", "comlang_off", "rta"]);
        assert_eq!(r.not_kept, ["country_id_o"]);
        let tables = read_covariates(&out).unwrap();
        assert_eq!(tables.len(), 1);
        let (entry, t) = &tables[0];
        assert_eq!(entry.file, "covariates-gravity.parquet");
        assert_eq!(t.num("rta").unwrap(), [0.0, 0.0, 1.0]);
        let Column::Str(imp) = t.column("importer").unwrap() else {
            panic!("importer is text")
        };
        assert_eq!(imp.get(1), Some("KOR"));
        let Column::Str(exp) = t.column("exporter").unwrap() else {
            panic!("exporter is text")
        };
        assert_eq!(exp.get(1), Some("JPN"));
    }

    #[test]
    fn geodist_layout_without_years() {
        let tmp = tempfile::tempdir().unwrap();
        let f = write(
            tmp.path(),
            "dist_cepii.csv",
            "iso_o,iso_d,contig,comlang_off,colony,dist,distcap,distw\nKOR,JPN,0,0,1,1150,1160,1200\n",
        );
        let r = ingest(&f, &tmp.path().join("d")).unwrap();
        assert!(!r.by_year);
        assert_eq!(r.rows, 1);
    }

    #[test]
    fn duplicates_missing_columns_and_bad_codes_are_errors_naming_the_row() {
        let tmp = tempfile::tempdir().unwrap();
        let f = write(
            tmp.path(),
            "g.csv",
            "year,iso3_o,iso3_d,dist\n2019,KOR,JPN,1\n2019,KOR,USA,2\n2019,KOR,JPN,1\n",
        );
        let e = ingest(&f, &tmp.path().join("a")).unwrap_err().to_string();
        assert!(
            e.contains("data rows 1 and 3") && e.contains("KOR -> JPN in 2019"),
            "{e}"
        );
        let f = write(
            tmp.path(),
            "h.csv",
            "year,origin,iso3_d,dist\n2019,KOR,JPN,1\n",
        );
        let e = ingest(&f, &tmp.path().join("b")).unwrap_err().to_string();
        assert!(
            e.contains("iso3_o") && e.contains("columns: year, origin"),
            "{e}"
        );
        let f = write(tmp.path(), "i.csv", "iso3_o,iso3_d,dist\nKOREA,JPN,1\n");
        let e = ingest(&f, &tmp.path().join("c")).unwrap_err().to_string();
        assert!(e.contains("data row 1") && e.contains("`KOREA`"), "{e}");
        assert!(!tmp
            .path()
            .join("c")
            .join("covariates-gravity.parquet")
            .exists());
    }
}
