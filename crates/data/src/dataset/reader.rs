//! Reading a dataset folder back into one [`Table`].

use super::manifest::Manifest;
use super::COLUMNS;
use crate::read::{read_parquet, ReadOptions};
use crate::{Column, DataError, Result, StrColumn, Table, MISSING_CODE};
use std::collections::HashMap;
use std::path::{Path, PathBuf};

fn io(path: &Path) -> impl Fn(std::io::Error) -> DataError + '_ {
    move |source| DataError::Io {
        path: path.to_path_buf(),
        source,
    }
}

/// The years that have a `year=YYYY` folder in `dir`, ascending. A `year=` folder whose
/// suffix is not a year is an error (it would otherwise be skipped silently).
pub fn partition_years(dir: &Path) -> Result<Vec<i32>> {
    let mut years = Vec::new();
    for entry in std::fs::read_dir(dir).map_err(io(dir))? {
        let entry = entry.map_err(io(dir))?;
        let name = entry.file_name();
        let Some(suffix) = name.to_str().and_then(|n| n.strip_prefix("year=")) else {
            continue;
        };
        let year = suffix.parse::<i32>().map_err(|_| {
            DataError::InvalidArgument(format!(
                "{}: `{}` is not a year partition (expected year=YYYY)",
                dir.display(),
                name.to_string_lossy()
            ))
        })?;
        years.push(year);
    }
    years.sort_unstable();
    Ok(years)
}

/// The partition files of one year folder, sorted by name.
fn partition_files(year_dir: &Path) -> Result<Vec<PathBuf>> {
    let mut files = Vec::new();
    for entry in std::fs::read_dir(year_dir).map_err(io(year_dir))? {
        let entry = entry.map_err(io(year_dir))?;
        let name = entry.file_name();
        let Some(name) = name.to_str() else { continue };
        if name.starts_with("part-") && name.ends_with(".parquet") {
            files.push(entry.path());
        }
    }
    files.sort();
    Ok(files)
}

/// Reads every partition of the dataset in `dir` into one table with the canonical
/// [`COLUMNS`] (`year` as a number; text columns as text), rows ordered by year, then by
/// partition file name, then as written.
///
/// `years = Some((first, last))` keeps the years in that inclusive range, choosing the
/// partitions from the folder names alone: other years' files are never opened.
///
/// ```no_run
/// let t = hallyu_data::dataset::read_dataset(std::path::Path::new("trade"), Some((2019, 2021)))?;
/// let value = t.num("value")?;
/// # Ok::<(), hallyu_data::DataError>(())
/// ```
pub fn read_dataset(dir: &Path, years: Option<(i32, i32)>) -> Result<Table> {
    Manifest::load(dir)?;
    let options = ReadOptions {
        columns: Some(COLUMNS.iter().map(|c| c.to_string()).collect()),
        ..ReadOptions::default()
    };
    let mut out = Appender::new();
    for year in partition_years(dir)? {
        if years.is_some_and(|(a, b)| year < a || year > b) {
            continue;
        }
        for file in partition_files(&dir.join(format!("year={year}")))? {
            let part = read_parquet(&file, &options)?;
            out.append(&part, &file)?;
        }
    }
    out.finish()
}

enum Acc {
    Num(Vec<f64>),
    Str {
        codes: Vec<u32>,
        levels: Vec<String>,
        index: HashMap<String, u32>,
    },
}

/// Concatenates tables with the canonical columns, merging text dictionaries.
struct Appender {
    columns: Vec<Acc>,
}

impl Appender {
    fn new() -> Appender {
        let columns = COLUMNS
            .iter()
            .map(|c| match *c {
                "year" | "value" | "quantity" => Acc::Num(Vec::new()),
                _ => Acc::Str {
                    codes: Vec::new(),
                    levels: Vec::new(),
                    index: HashMap::new(),
                },
            })
            .collect();
        Appender { columns }
    }

    fn append(&mut self, part: &Table, file: &Path) -> Result<()> {
        for (name, acc) in COLUMNS.iter().zip(&mut self.columns) {
            match (acc, part.column(name)?) {
                (Acc::Num(v), Column::Num(x)) => v.extend_from_slice(x),
                (
                    Acc::Str {
                        codes,
                        levels,
                        index,
                    },
                    Column::Str(s),
                ) => {
                    let map: Vec<u32> = s
                        .levels
                        .iter()
                        .map(|l| {
                            *index.entry(l.clone()).or_insert_with(|| {
                                levels.push(l.clone());
                                (levels.len() - 1) as u32
                            })
                        })
                        .collect();
                    codes.extend(s.codes.iter().map(|&c| {
                        if c == MISSING_CODE {
                            MISSING_CODE
                        } else {
                            map[c as usize]
                        }
                    }));
                }
                (_, found) => {
                    return Err(DataError::ColumnType {
                        name: format!("{name}` in `{}", file.display()),
                        found: found.type_name().into(),
                        expected: "the dataset's canonical type".into(),
                    })
                }
            }
        }
        Ok(())
    }

    fn finish(self) -> Result<Table> {
        let mut t = Table::new();
        for (name, acc) in COLUMNS.iter().zip(self.columns) {
            let col = match acc {
                Acc::Num(v) => Column::Num(v),
                Acc::Str { codes, levels, .. } => Column::Str(StrColumn { codes, levels }),
            };
            t.push(*name, col)?;
        }
        Ok(t)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::dataset::{Chunk, DatasetWriter, Flow, Row, MANIFEST_FILE, NO_REPORTER};

    /// A reconciled row (nobody's report), as BACI writes them.
    #[allow(clippy::too_many_arguments)]
    fn row(year: i32, e: i32, i: i32, k: i32, h: i32, v: f64, q: f64, s: i32) -> Row {
        Row {
            year,
            exporter: e,
            importer: i,
            reporter: NO_REPORTER,
            flow: Flow::Reconciled,
            product: k,
            classification: h,
            value: v,
            quantity: q,
            source: s,
        }
    }

    fn text(t: &Table, name: &str, i: usize) -> String {
        match t.column(name).unwrap() {
            Column::Str(s) => s.get(i).unwrap_or("<missing>").to_string(),
            _ => panic!("{name} is not text"),
        }
    }

    /// Two sources, three years; values summed per year by hand.
    fn sample(dir: &Path) {
        let mut w = DatasetWriter::create(dir, "baci", "baci").unwrap();
        let d = w.dictionaries();
        let (kor, jpn) = (d.countries.code("KOR"), d.countries.code("JPN"));
        let p = d.products.code("010121");
        let h = d.classifications.code("HS17");
        let s = d.sources.code("baci");
        let mut c = Chunk::default();
        c.push(row(2020, kor, jpn, p, h, 1000.0, 2.5, s));
        c.push(row(2021, jpn, kor, p, h, 250.0, f64::NAN, s));
        c.push(row(2020, jpn, kor, p, h, 500.0, 1.0, s));
        c.push(row(2019, kor, kor, p, h, 7.0, 0.0, s));
        w.write(&c).unwrap();
        w.commit().unwrap();

        let mut w = DatasetWriter::create(dir, "series:kr", "series").unwrap();
        let d = w.dictionaries();
        let (kor, wld) = (d.countries.code("KOR"), d.countries.code("WLD"));
        let p = d.products.code("total");
        let h = d.classifications.code("series");
        let s = d.sources.code("series:kr");
        let mut c = Chunk::default();
        c.push(Row {
            reporter: kor,
            flow: Flow::Export,
            ..row(2021, kor, wld, p, h, 12.45e9, f64::NAN, s)
        });
        w.write(&c).unwrap();
        w.commit().unwrap();
    }

    #[test]
    fn reads_back_what_was_written() {
        let dir = tempfile::tempdir().unwrap();
        sample(dir.path());
        let t = read_dataset(dir.path(), None).unwrap();
        assert_eq!(t.names(), COLUMNS);
        assert_eq!(t.nrows(), 5);
        let year = t.num("year").unwrap();
        let value = t.num("value").unwrap();
        let sum = |y: f64| -> f64 {
            year.iter()
                .zip(value)
                .filter(|(a, _)| **a == y)
                .map(|(_, v)| v)
                .sum()
        };
        assert_eq!(sum(2019.0), 7.0);
        assert_eq!(sum(2020.0), 1500.0);
        assert_eq!(sum(2021.0), 250.0 + 12.45e9);
        // 2021: part-baci before part-series-kr; null quantity reads back as missing.
        let q = t.num("quantity").unwrap();
        assert!(q[3].is_nan());
        assert_eq!(text(&t, "exporter", 3), "JPN");
        assert_eq!(text(&t, "importer", 4), "WLD");
        assert_eq!(text(&t, "source", 4), "series:kr");
        // Who reported: nobody for reconciled rows (null), Korea for its series.
        assert_eq!(text(&t, "reporter", 3), "<missing>");
        assert_eq!(text(&t, "flow", 3), "reconciled");
        assert_eq!(text(&t, "reporter", 4), "KOR");
        assert_eq!(text(&t, "flow", 4), "export");
        assert_eq!(text(&t, "product", 0), "010121");
        assert!(dir.path().join("year=2021/part-series-kr.parquet").exists());
    }

    #[test]
    fn year_range_skips_other_partitions_unopened() {
        let dir = tempfile::tempdir().unwrap();
        sample(dir.path());
        // A corrupt partition outside the range must not be touched.
        std::fs::write(dir.path().join("year=2019/part-baci.parquet"), b"junk").unwrap();
        let t = read_dataset(dir.path(), Some((2020, 2021))).unwrap();
        assert_eq!(t.nrows(), 4);
        let e = read_dataset(dir.path(), None).unwrap_err().to_string();
        assert!(e.contains("year=2019"), "{e}");
    }

    #[test]
    fn empty_range_gives_the_canonical_columns() {
        let dir = tempfile::tempdir().unwrap();
        sample(dir.path());
        let t = read_dataset(dir.path(), Some((1990, 1995))).unwrap();
        assert_eq!(t.nrows(), 0);
        assert_eq!(t.names(), COLUMNS);
    }

    #[test]
    fn not_a_dataset_names_the_manifest() {
        let dir = tempfile::tempdir().unwrap();
        let e = read_dataset(dir.path(), None).unwrap_err().to_string();
        assert!(e.contains(MANIFEST_FILE), "{e}");
        let e = read_dataset(&dir.path().join("nope"), None)
            .unwrap_err()
            .to_string();
        assert!(e.contains("not a hallyu dataset"), "{e}");
    }

    #[test]
    fn reingest_replaces_and_removes_stale_years() {
        let dir = tempfile::tempdir().unwrap();
        sample(dir.path());
        let mut w = DatasetWriter::create(dir.path(), "baci", "baci").unwrap();
        let d = w.dictionaries();
        let k = d.countries.code("KOR");
        let p = d.products.code("970110");
        let h = d.classifications.code("HS22");
        let s = d.sources.code("baci");
        let mut c = Chunk::default();
        c.push(row(2022, k, k, p, h, 3.0, f64::NAN, s));
        w.write(&c).unwrap();
        w.commit().unwrap();
        let t = read_dataset(dir.path(), None).unwrap();
        // baci 2019-2021 gone, series 2021 kept, baci 2022 new.
        assert_eq!(t.nrows(), 2);
        assert_eq!(t.num("value").unwrap(), &[12.45e9, 3.0]);
        let m = Manifest::load(dir.path()).unwrap();
        assert_eq!(m.sources.len(), 2);
        assert_eq!(m.source("baci").unwrap().years.len(), 1);
        assert_eq!(m.source("baci").unwrap().classifications, vec!["HS22"]);
    }

    #[test]
    fn dropped_writer_leaves_nothing() {
        let dir = tempfile::tempdir().unwrap();
        {
            let mut w = DatasetWriter::create(dir.path(), "baci", "baci").unwrap();
            let d = w.dictionaries();
            let k = d.countries.code("KOR");
            let p = d.products.code("x");
            let h = d.classifications.code("HS17");
            let s = d.sources.code("baci");
            let mut c = Chunk::default();
            c.push(row(2022, k, k, p, h, 3.0, f64::NAN, s));
            w.write(&c).unwrap();
        }
        assert_eq!(std::fs::read_dir(dir.path()).unwrap().count(), 0);
    }

    #[test]
    fn a_tiny_memory_budget_still_writes_every_row() {
        let dir = tempfile::tempdir().unwrap();
        let mut w = DatasetWriter::create(dir.path(), "unctadstat", "unctadstat").unwrap();
        w.set_memory_budget(1);
        let d = w.dictionaries();
        let k = d.countries.code("KOR");
        let p = d.products.code("CG00");
        let h = d.classifications.code("UNCTAD-CG");
        let s = d.sources.code("unctadstat");
        let mut expected = 0.0;
        // Forty years interleaved, in many small chunks: each flush starts a row group.
        for round in 0..5 {
            let mut c = Chunk::default();
            for y in 0..40 {
                let v = f64::from(round * 100 + y);
                c.push(row(1980 + y, k, k, p, h, v, f64::NAN, s));
                expected += v;
            }
            w.write(&c).unwrap();
        }
        w.commit().unwrap();
        let t = read_dataset(dir.path(), None).unwrap();
        assert_eq!(t.nrows(), 200);
        assert_eq!(t.num("value").unwrap().iter().sum::<f64>(), expected);
        let file =
            std::fs::File::open(dir.path().join("year=1999/part-unctadstat.parquet")).unwrap();
        let meta = parquet::file::reader::SerializedFileReader::new(file).unwrap();
        use parquet::file::reader::FileReader;
        assert_eq!(meta.metadata().num_row_groups(), 5);
    }

    #[test]
    fn refuses_a_non_empty_foreign_folder() {
        let dir = tempfile::tempdir().unwrap();
        std::fs::write(dir.path().join("thesis.tex"), "x").unwrap();
        let e = DatasetWriter::create(dir.path(), "baci", "baci")
            .err()
            .unwrap()
            .to_string();
        assert!(e.contains("thesis.tex") && e.contains(MANIFEST_FILE), "{e}");
    }
}
