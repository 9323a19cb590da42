//! Rows on their way into a partition: numeric columns as vectors, text columns as codes
//! into dictionaries shared by every chunk of an ingest.
//!
//! Codes instead of strings keep parsing allocation-free and let chunks be parsed on several
//! threads against read-only lookup tables (country numeric code → code, HS6 number → code).

use super::Flow;
use arrow_array::types::Int32Type;
use arrow_array::{ArrayRef, DictionaryArray, Float64Array, Int32Array, RecordBatch, StringArray};
use arrow_schema::{DataType, Field, Schema, SchemaRef};
use std::collections::HashMap;
use std::sync::{Arc, OnceLock};

/// The `reporter` code of a row that is nobody's report (written as null).
pub const NO_REPORTER: i32 = -1;

/// Distinct strings of one text column, each with a stable `i32` code.
#[derive(Debug, Default, Clone)]
pub struct Dictionary {
    values: Vec<String>,
    /// Built on first lookup: a prebuilt table (all HS6 codes) is only ever indexed by
    /// number, so hashing its million strings would be wasted.
    index: Option<HashMap<String, i32>>,
    array: Option<ArrayRef>,
}

impl Dictionary {
    /// An empty dictionary.
    pub fn new() -> Self {
        Self::default()
    }

    /// A dictionary holding `values` in order (code = position). The values should be
    /// distinct; a lookup of a repeated one finds its first position.
    pub fn from_values<I: IntoIterator<Item = String>>(values: I) -> Self {
        Dictionary {
            values: values.into_iter().collect(),
            index: None,
            array: None,
        }
    }

    fn index(&mut self) -> &mut HashMap<String, i32> {
        let values = &self.values;
        self.index.get_or_insert_with(|| {
            let mut index = HashMap::with_capacity(values.len());
            for (i, v) in values.iter().enumerate() {
                index.entry(v.clone()).or_insert(i as i32);
            }
            index
        })
    }

    /// The code of `value`, adding it when new.
    pub fn code(&mut self, value: &str) -> i32 {
        if let Some(&c) = self.index().get(value) {
            return c;
        }
        let c = self.values.len() as i32;
        self.index().insert(value.to_string(), c);
        self.values.push(value.to_string());
        self.array = None;
        c
    }

    /// The code of `value` if present.
    pub fn get(&mut self, value: &str) -> Option<i32> {
        self.index().get(value).copied()
    }

    /// The value of a code.
    pub fn value(&self, code: i32) -> Option<&str> {
        usize::try_from(code)
            .ok()
            .and_then(|c| self.values.get(c))
            .map(String::as_str)
    }

    /// Number of distinct values.
    pub fn len(&self) -> usize {
        self.values.len()
    }

    /// Whether the dictionary is empty.
    pub fn is_empty(&self) -> bool {
        self.values.is_empty()
    }

    /// The values as an Arrow array (rebuilt only after a new value was added).
    pub(crate) fn array(&mut self) -> ArrayRef {
        if let Some(a) = &self.array {
            return a.clone();
        }
        let a: ArrayRef = Arc::new(StringArray::from_iter_values(self.values.iter()));
        self.array = Some(a.clone());
        a
    }
}

/// The dictionaries of the text columns of one ingest.
#[derive(Debug, Default, Clone)]
pub struct Dictionaries {
    /// Exporter and importer codes (ISO3, `WLD`, or a bloc code for survey series).
    pub countries: Dictionary,
    /// Product codes (HS6, UNCTAD group code, or series sector).
    pub products: Dictionary,
    /// Classification names (`HS17`, `UNCTAD-CG`, `series`, ...).
    pub classifications: Dictionary,
    /// Source names (`baci`, `unctadstat`, `series:<stem>`).
    pub sources: Dictionary,
}

/// One row of the canonical schema, text columns as codes into [`Dictionaries`].
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Row {
    /// Year.
    pub year: i32,
    /// Exporter code (into `countries`).
    pub exporter: i32,
    /// Importer code (into `countries`).
    pub importer: i32,
    /// Reporter code (into `countries`), or [`NO_REPORTER`].
    pub reporter: i32,
    /// Who reported the row.
    pub flow: Flow,
    /// Product code (into `products`).
    pub product: i32,
    /// Classification code (into `classifications`).
    pub classification: i32,
    /// Value in US dollars.
    pub value: f64,
    /// Quantity; `NaN` when absent.
    pub quantity: f64,
    /// Source code (into `sources`).
    pub source: i32,
}

/// Rows of the canonical schema; text columns hold codes into [`Dictionaries`].
#[derive(Debug, Default, Clone, PartialEq)]
pub struct Chunk {
    /// Year of each row.
    pub year: Vec<i32>,
    /// Exporter code (into `countries`).
    pub exporter: Vec<i32>,
    /// Importer code (into `countries`).
    pub importer: Vec<i32>,
    /// Reporter code (into `countries`), [`NO_REPORTER`] when the row is nobody's report.
    pub reporter: Vec<i32>,
    /// Who reported each row.
    pub flow: Vec<Flow>,
    /// Product code (into `products`).
    pub product: Vec<i32>,
    /// Classification code (into `classifications`).
    pub classification: Vec<i32>,
    /// Value in US dollars.
    pub value: Vec<f64>,
    /// Quantity; `NaN` when absent (written as null).
    pub quantity: Vec<f64>,
    /// Source code (into `sources`).
    pub source: Vec<i32>,
}

impl Chunk {
    /// Number of rows.
    pub fn len(&self) -> usize {
        self.year.len()
    }

    /// Whether the chunk has no rows.
    pub fn is_empty(&self) -> bool {
        self.year.is_empty()
    }

    /// Appends one row.
    pub fn push(&mut self, row: Row) {
        self.year.push(row.year);
        self.exporter.push(row.exporter);
        self.importer.push(row.importer);
        self.reporter.push(row.reporter);
        self.flow.push(row.flow);
        self.product.push(row.product);
        self.classification.push(row.classification);
        self.value.push(row.value);
        self.quantity.push(row.quantity);
        self.source.push(row.source);
    }

    /// Row `r`.
    pub fn row(&self, r: usize) -> Row {
        Row {
            year: self.year[r],
            exporter: self.exporter[r],
            importer: self.importer[r],
            reporter: self.reporter[r],
            flow: self.flow[r],
            product: self.product[r],
            classification: self.classification[r],
            value: self.value[r],
            quantity: self.quantity[r],
            source: self.source[r],
        }
    }

    /// Removes every row, keeping the allocations.
    pub fn clear(&mut self) {
        self.year.clear();
        self.exporter.clear();
        self.importer.clear();
        self.reporter.clear();
        self.flow.clear();
        self.product.clear();
        self.classification.clear();
        self.value.clear();
        self.quantity.clear();
        self.source.clear();
    }

    /// The rows at `rows`, in that order.
    pub(crate) fn gather(&self, rows: &[usize]) -> Chunk {
        fn pick<T: Copy>(v: &[T], rows: &[usize]) -> Vec<T> {
            rows.iter().map(|&r| v[r]).collect()
        }
        Chunk {
            year: pick(&self.year, rows),
            exporter: pick(&self.exporter, rows),
            importer: pick(&self.importer, rows),
            reporter: pick(&self.reporter, rows),
            flow: pick(&self.flow, rows),
            product: pick(&self.product, rows),
            classification: pick(&self.classification, rows),
            value: pick(&self.value, rows),
            quantity: pick(&self.quantity, rows),
            source: pick(&self.source, rows),
        }
    }
}

fn text() -> DataType {
    DataType::Dictionary(Box::new(DataType::Int32), Box::new(DataType::Utf8))
}

/// The Arrow schema partitions are written with. Text columns are dictionary arrays in
/// memory; the files carry no Arrow schema, so every reader sees plain UTF-8 strings.
pub(crate) fn write_schema() -> SchemaRef {
    Arc::new(Schema::new(vec![
        Field::new("year", DataType::Int32, false),
        Field::new("exporter", text(), false),
        Field::new("importer", text(), false),
        Field::new("reporter", text(), true),
        Field::new("flow", text(), false),
        Field::new("product", text(), false),
        Field::new("classification", text(), false),
        Field::new("value", DataType::Float64, true),
        Field::new("quantity", DataType::Float64, true),
        Field::new("source", text(), false),
    ]))
}

fn dict(keys: &[i32], values: &ArrayRef) -> Result<ArrayRef, arrow_schema::ArrowError> {
    let keys = Int32Array::from(keys.to_vec());
    Ok(Arc::new(DictionaryArray::<Int32Type>::try_new(
        keys,
        values.clone(),
    )?))
}

/// Reporter codes, [`NO_REPORTER`] as null.
fn reporters(keys: &[i32], values: &ArrayRef) -> Result<ArrayRef, arrow_schema::ArrowError> {
    let keys = Int32Array::from_iter(keys.iter().map(|&k| (k != NO_REPORTER).then_some(k)));
    Ok(Arc::new(DictionaryArray::<Int32Type>::try_new(
        keys,
        values.clone(),
    )?))
}

/// The `flow` column: codes are positions in [`Flow::ALL`].
fn flows(flow: &[Flow]) -> Result<ArrayRef, arrow_schema::ArrowError> {
    static NAMES: OnceLock<ArrayRef> = OnceLock::new();
    let names = NAMES.get_or_init(|| {
        Arc::new(StringArray::from_iter_values(
            Flow::ALL.iter().map(|f| f.as_str()),
        ))
    });
    let keys: Vec<i32> = flow.iter().map(|&f| f as i32).collect();
    dict(&keys, names)
}

fn nullable(v: &[f64]) -> ArrayRef {
    if v.iter().any(|x| x.is_nan()) {
        Arc::new(Float64Array::from_iter(
            v.iter().map(|x| (!x.is_nan()).then_some(*x)),
        ))
    } else {
        Arc::new(Float64Array::from(v.to_vec()))
    }
}

/// An Arrow batch of `chunk` (codes are checked against the dictionaries).
pub(crate) fn to_batch(
    chunk: &Chunk,
    dicts: &mut Dictionaries,
) -> Result<RecordBatch, arrow_schema::ArrowError> {
    let countries = dicts.countries.array();
    let columns: Vec<ArrayRef> = vec![
        Arc::new(Int32Array::from(chunk.year.clone())),
        dict(&chunk.exporter, &countries)?,
        dict(&chunk.importer, &countries)?,
        reporters(&chunk.reporter, &countries)?,
        flows(&chunk.flow)?,
        dict(&chunk.product, &dicts.products.array())?,
        dict(&chunk.classification, &dicts.classifications.array())?,
        nullable(&chunk.value),
        nullable(&chunk.quantity),
        dict(&chunk.source, &dicts.sources.array())?,
    ];
    RecordBatch::try_new(write_schema(), columns)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn codes_are_stable_and_dense() {
        let mut d = Dictionary::new();
        assert_eq!(d.code("KOR"), 0);
        assert_eq!(d.code("JPN"), 1);
        assert_eq!(d.code("KOR"), 0);
        assert_eq!(d.value(1), Some("JPN"));
        assert_eq!(d.value(2), None);
        assert_eq!(d.value(-1), None);
        assert_eq!(d.array().len(), 2);
    }

    #[test]
    fn out_of_range_code_is_an_error_not_a_panic() {
        let mut dicts = Dictionaries::default();
        let k = dicts.countries.code("KOR");
        let p = dicts.products.code("010121");
        let h = dicts.classifications.code("HS17");
        let s = dicts.sources.code("baci");
        let row = Row {
            year: 2021,
            exporter: k,
            importer: k,
            reporter: NO_REPORTER,
            flow: Flow::Reconciled,
            product: p,
            classification: h,
            value: 1.0,
            quantity: f64::NAN,
            source: s,
        };
        let mut c = Chunk::default();
        c.push(row);
        assert!(to_batch(&c, &mut dicts).is_ok());
        c.push(Row {
            reporter: k,
            flow: Flow::Export,
            ..row
        });
        assert!(to_batch(&c, &mut dicts).is_ok());
        c.push(Row {
            importer: k + 5,
            ..row
        });
        assert!(to_batch(&c, &mut dicts).is_err());
    }
}
