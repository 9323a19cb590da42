//! Rows that repeat a key: an extract that repeats a year's block, or two files of one
//! download, would otherwise be summed without a word by every indicator.
//!
//! The key of a row is (year, reporter, exporter, importer, product, classification, flow,
//! source): one reporter's one report of one flow. The classification is part of the key
//! because product codes only mean something within it (a services `TOTAL` is not a goods
//! `TOTAL`). What happens to a repeated key is the user's choice ([`OnDuplicate`]); repeats
//! are always counted and the first one is quoted with both of its lines.

use crate::dataset::{Chunk, DatasetWriter, Dictionaries, Row, NO_REPORTER};
use crate::{DataError, Result};
use serde::{Deserialize, Serialize};
use std::collections::HashMap;
use std::path::PathBuf;

/// What to do with a row whose key an earlier row already has.
#[derive(
    Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize, schemars::JsonSchema,
)]
#[serde(rename_all = "kebab-case")]
pub enum OnDuplicate {
    /// Stop: nothing is written, the error names the file and both lines.
    #[default]
    Error,
    /// Keep the first row, drop the later ones (counted).
    KeepFirst,
    /// Add the later rows' values (and quantities) to the first one.
    Sum,
}

impl OnDuplicate {
    /// The option's spelling on the command line.
    pub fn as_str(self) -> &'static str {
        match self {
            OnDuplicate::Error => "error",
            OnDuplicate::KeepFirst => "keep-first",
            OnDuplicate::Sum => "sum",
        }
    }
}

/// Where a row came from.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, schemars::JsonSchema)]
pub struct Origin {
    /// The input file.
    pub file: String,
    /// 1-based line.
    pub line: u64,
}

/// The first repeated key of an ingest.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, schemars::JsonSchema)]
pub struct DuplicatePair {
    /// The key in words (year, reporter, flow, exporter → importer, product).
    pub key: String,
    /// The row kept (or summed into).
    pub first: Origin,
    /// The row that repeated it.
    pub repeat: Origin,
}

/// Repeated keys of an ingest, as the report states them.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, schemars::JsonSchema)]
pub struct DuplicateReport {
    /// The policy applied.
    pub policy: OnDuplicate,
    /// Rows whose key an earlier row had (dropped with `keep-first`, added with `sum`).
    pub rows: u64,
    /// The first of them, with the line it repeats.
    pub first: Option<DuplicatePair>,
}

/// Bits of each key field in the packed key.
const FIELDS: [(&str, u32); 8] = [
    ("year", 8),
    ("reporter", 16),
    ("exporter", 16),
    ("importer", 16),
    ("product", 24),
    ("classification", 10),
    ("flow", 2),
    ("source", 12),
];

/// The key of `row` as one integer (98 bits). Dictionary codes of one ingest stay far below
/// the field widths; a code that does not fit is an error rather than a silent collision.
fn pack(row: &Row) -> Result<u128> {
    let values = [
        i64::from(row.year) - 1900,
        i64::from(row.reporter) - i64::from(NO_REPORTER),
        i64::from(row.exporter),
        i64::from(row.importer),
        i64::from(row.product),
        i64::from(row.classification),
        row.flow as i64,
        i64::from(row.source),
    ];
    let mut key: u128 = 0;
    for ((name, bits), v) in FIELDS.iter().zip(values) {
        if v < 0 || v >= 1i64 << bits {
            return Err(DataError::InvalidArgument(format!(
                "row key field {name} = {v} does not fit the {bits}-bit duplicate key \
                 (more distinct {name} values in one ingest than hallyu supports)"
            )));
        }
        key = (key << bits) | v as u128;
    }
    Ok(key)
}

/// The key of a row in words, for messages.
pub(crate) fn describe(row: &Row, dicts: &Dictionaries) -> String {
    let name = |d: &crate::dataset::Dictionary, c: i32| d.value(c).unwrap_or("?").to_string();
    let who = if row.reporter == NO_REPORTER {
        format!("{}, no reporter", row.flow)
    } else {
        format!(
            "{} reported by {}",
            row.flow,
            name(&dicts.countries, row.reporter)
        )
    };
    format!(
        "{} {} {} → {} product {} ({}), {who}",
        name(&dicts.sources, row.source),
        row.year,
        name(&dicts.countries, row.exporter),
        name(&dicts.countries, row.importer),
        name(&dicts.products, row.product),
        name(&dicts.classifications, row.classification),
    )
}

struct Seen {
    file: u32,
    slot: u32,
    line: u64,
}

/// Rows on their way to the writer, with their keys remembered. Rows go out in blocks
/// as they come, except with [`OnDuplicate::Sum`], where they stay until [`Dedup::finish`]
/// because a later row may still add to any of them.
pub(crate) struct Dedup {
    policy: OnDuplicate,
    seen: HashMap<u128, Seen>,
    files: Vec<String>,
    pending: Chunk,
    rows: u64,
    first: Option<DuplicatePair>,
}

/// What became of a pushed row.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Pushed {
    /// A new key: the row is in.
    New,
    /// A repeated key, dropped or summed as the policy says.
    Repeat,
}

const BLOCK: usize = 1 << 16;

impl Dedup {
    pub(crate) fn new(policy: OnDuplicate) -> Dedup {
        Dedup {
            policy,
            seen: HashMap::new(),
            files: Vec::new(),
            pending: Chunk::default(),
            rows: 0,
            first: None,
        }
    }

    /// Registers an input file; rows pushed with the returned number come from it.
    pub(crate) fn file(&mut self, name: &str) -> u32 {
        self.files.push(name.to_string());
        (self.files.len() - 1) as u32
    }

    /// Takes one row read from `file` (as numbered by [`Dedup::file`]) at `line`.
    pub(crate) fn push(
        &mut self,
        row: Row,
        file: u32,
        line: u64,
        writer: &mut DatasetWriter,
    ) -> Result<Pushed> {
        let key = pack(&row)?;
        if let Some(seen) = self.seen.get(&key) {
            self.rows += 1;
            let origin = |f: u32, line: u64| Origin {
                file: self.files.get(f as usize).cloned().unwrap_or_default(),
                line,
            };
            let (first, repeat) = (origin(seen.file, seen.line), origin(file, line));
            if self.policy == OnDuplicate::Error {
                return Err(DataError::Csv {
                    path: PathBuf::from(&repeat.file),
                    line,
                    message: format!(
                        "this row repeats {}, line {} ({}); nothing was written. \
                         If the repeat is expected, choose what to do with repeated rows \
                         (on_duplicate): `keep-first` or `sum`",
                        first.file,
                        first.line,
                        describe(&row, writer.dictionaries())
                    ),
                });
            }
            if self.first.is_none() {
                self.first = Some(DuplicatePair {
                    key: describe(&row, writer.dictionaries()),
                    first,
                    repeat,
                });
            }
            if self.policy == OnDuplicate::Sum {
                let slot = seen.slot as usize;
                self.pending.value[slot] += row.value;
                let q = &mut self.pending.quantity[slot];
                // An unknown quantity makes the sum unknown.
                *q = if q.is_nan() || row.quantity.is_nan() {
                    f64::NAN
                } else {
                    *q + row.quantity
                };
            }
            return Ok(Pushed::Repeat);
        }
        let slot = u32::try_from(self.pending.len()).map_err(|_| {
            DataError::InvalidArgument(
                "more than 4 billion rows held to sum repeated rows (on_duplicate `sum`)".into(),
            )
        })?;
        self.seen.insert(key, Seen { file, slot, line });
        self.pending.push(row);
        if self.policy != OnDuplicate::Sum && self.pending.len() >= BLOCK {
            writer.write(&self.pending)?;
            self.pending.clear();
        }
        Ok(Pushed::New)
    }

    /// Writes what is still held and reports the repeats.
    pub(crate) fn finish(mut self, writer: &mut DatasetWriter) -> Result<DuplicateReport> {
        writer.write(&self.pending)?;
        self.pending.clear();
        Ok(DuplicateReport {
            policy: self.policy,
            rows: self.rows,
            first: self.first.take(),
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::dataset::Flow;

    fn row(year: i32, value: f64) -> Row {
        Row {
            year,
            exporter: 1,
            importer: 2,
            reporter: 1,
            flow: Flow::Export,
            product: 3,
            classification: 0,
            value,
            quantity: 1.0,
            source: 0,
        }
    }

    #[test]
    fn keys_differ_in_every_field() {
        let base = row(2021, 1.0);
        let variants = [
            Row { year: 2020, ..base },
            Row {
                reporter: 2,
                ..base
            },
            Row {
                reporter: NO_REPORTER,
                ..base
            },
            Row {
                exporter: 4,
                ..base
            },
            Row {
                importer: 4,
                ..base
            },
            Row { product: 4, ..base },
            Row {
                classification: 1,
                ..base
            },
            Row {
                flow: Flow::Import,
                ..base
            },
            Row { source: 1, ..base },
        ];
        let k = pack(&base).unwrap();
        for v in variants {
            assert_ne!(pack(&v).unwrap(), k, "{v:?}");
        }
        // The value is not part of the key.
        assert_eq!(pack(&row(2021, 5.0)).unwrap(), k);
        assert!(pack(&Row {
            product: 1 << 24,
            ..base
        })
        .is_err());
        assert!(pack(&Row { year: 1899, ..base }).is_err());
    }

    fn writer(dir: &std::path::Path) -> DatasetWriter {
        let mut w = DatasetWriter::create(dir, "t", "test").unwrap();
        let d = w.dictionaries();
        for c in ["X", "KOR", "JPN"] {
            d.countries.code(c);
        }
        for p in ["a", "b", "c", "d"] {
            d.products.code(p);
        }
        d.classifications.code("c");
        d.sources.code("t");
        w
    }

    #[test]
    fn policies() {
        let dir = tempfile::tempdir().unwrap();
        let mut w = writer(dir.path());
        let mut d = Dedup::new(OnDuplicate::Error);
        let f = d.file("a.csv");
        assert_eq!(d.push(row(2021, 1.0), f, 2, &mut w).unwrap(), Pushed::New);
        let e = d
            .push(row(2021, 2.0), f, 7, &mut w)
            .unwrap_err()
            .to_string();
        assert!(
            e.contains("a.csv, line 7: this row repeats a.csv, line 2")
                && e.contains("KOR → JPN product d"),
            "{e}"
        );

        let mut d = Dedup::new(OnDuplicate::Sum);
        let f = d.file("a.csv");
        d.push(row(2021, 1.0), f, 2, &mut w).unwrap();
        d.push(row(2020, 10.0), f, 3, &mut w).unwrap();
        assert_eq!(
            d.push(row(2021, 2.5), f, 4, &mut w).unwrap(),
            Pushed::Repeat
        );
        assert_eq!(d.pending.value, vec![3.5, 10.0]);
        assert_eq!(d.pending.quantity, vec![2.0, 1.0]);
        let r = d.finish(&mut w).unwrap();
        assert_eq!(r.rows, 1);
        let pair = r.first.unwrap();
        assert_eq!((pair.first.line, pair.repeat.line), (2, 4));

        let mut d = Dedup::new(OnDuplicate::KeepFirst);
        let f = d.file("a.csv");
        d.push(row(2021, 1.0), f, 2, &mut w).unwrap();
        d.push(row(2021, 2.5), f, 4, &mut w).unwrap();
        assert_eq!(d.pending.value, vec![1.0]);
        assert_eq!(d.finish(&mut w).unwrap().rows, 1);
    }
}
