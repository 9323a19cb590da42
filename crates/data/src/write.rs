//! Serialising a table to a sink the caller opened (CSV or Parquet).
//!
//! This crate never creates files: the front end owns paths, temporary files and renames.

use crate::{Column, DataError, Result, Table};
use arrow_array::{ArrayRef, Float64Array, Int64Array, RecordBatch, StringArray};
use arrow_schema::{DataType, Field, Schema};
use parquet::arrow::ArrowWriter;
use parquet::basic::Compression;
use parquet::file::properties::WriterProperties;
use std::io::Write;
use std::sync::Arc;

/// Writes `table` as CSV with a header row. Missing values are empty fields.
pub fn write_csv<W: Write>(table: &Table, sink: W) -> Result<()> {
    let err = |e: &dyn std::fmt::Display| DataError::Write(e.to_string());
    let mut w = csv::Writer::from_writer(sink);
    w.write_record(table.names()).map_err(|e| err(&e))?;
    let cols: Vec<&Column> = table.iter().map(|(_, c)| c).collect();
    let mut row: Vec<String> = vec![String::new(); cols.len()];
    let mut ryu = Vec::new();
    for i in 0..table.nrows() {
        for (slot, c) in row.iter_mut().zip(&cols) {
            slot.clear();
            match c {
                Column::Num(v) if v[i].is_nan() => {}
                Column::Num(v) => {
                    ryu.clear();
                    format_number(v[i], &mut ryu);
                    slot.push_str(std::str::from_utf8(&ryu).unwrap_or_default());
                }
                Column::Str(s) => slot.push_str(s.get(i).unwrap_or("")),
            }
        }
        w.write_record(&row).map_err(|e| err(&e))?;
    }
    w.flush().map_err(|e| err(&e))
}

/// Shortest text that reads back as the same `f64`; integers without a decimal point.
fn format_number(x: f64, out: &mut Vec<u8>) {
    if x.fract() == 0.0 && x.abs() < 1e15 {
        let _ = write!(out, "{}", x as i64);
    } else {
        let _ = write!(out, "{x}");
    }
}

/// The table as one Arrow record batch: numeric columns whose values are all integers as
/// Int64, other numbers as Float64 with missing values as nulls, text as Utf8.
pub fn to_record_batch(table: &Table) -> Result<RecordBatch> {
    let mut fields = Vec::new();
    let mut arrays: Vec<ArrayRef> = Vec::new();
    for (name, col) in table.iter() {
        match col {
            Column::Num(v) if v.iter().all(|x| x.fract() == 0.0 && x.abs() < 9e15) => {
                fields.push(Field::new(name, DataType::Int64, false));
                arrays.push(Arc::new(Int64Array::from_iter_values(
                    v.iter().map(|x| *x as i64),
                )));
            }
            Column::Num(v) => {
                fields.push(Field::new(name, DataType::Float64, true));
                arrays.push(Arc::new(Float64Array::from_iter(
                    v.iter().map(|x| (!x.is_nan()).then_some(*x)),
                )));
            }
            Column::Str(s) => {
                fields.push(Field::new(name, DataType::Utf8, true));
                arrays.push(Arc::new(StringArray::from_iter(
                    (0..s.codes.len()).map(|i| s.get(i)),
                )));
            }
        }
    }
    let schema = Arc::new(Schema::new(fields));
    RecordBatch::try_new(schema, arrays).map_err(|e| DataError::Write(e.to_string()))
}

/// Writes `table` as a Snappy-compressed Parquet file, with the types of
/// [`to_record_batch`].
pub fn write_parquet<W: Write + Send>(table: &Table, sink: W) -> Result<()> {
    let err = |e: &dyn std::fmt::Display| DataError::Write(e.to_string());
    let batch = to_record_batch(table)?;
    let schema = batch.schema();
    let arrays = batch.columns();
    let props = WriterProperties::builder()
        .set_compression(Compression::SNAPPY)
        .build();
    let mut writer =
        ArrowWriter::try_new(sink, schema.clone(), Some(props)).map_err(|e| err(&e))?;
    // Row groups of ~1M rows keep memory bounded while writing and reading large panels.
    let n = table.nrows();
    let step = 1 << 20;
    let mut start = 0;
    while start < n || (n == 0 && start == 0) {
        let len = step.min(n - start);
        let slice: Vec<ArrayRef> = arrays.iter().map(|a| a.slice(start, len)).collect();
        let batch = RecordBatch::try_new(schema.clone(), slice).map_err(|e| err(&e))?;
        writer.write(&batch).map_err(|e| err(&e))?;
        if n == 0 {
            break;
        }
        start += len;
    }
    writer.close().map_err(|e| err(&e))?;
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::read::{read_csv, read_parquet, ReadOptions};
    use crate::table::StrColumnBuilder;

    fn sample() -> Table {
        let mut t = Table::new();
        t.push("x", Column::numbers(vec![1.0, 2.5, f64::NAN]))
            .unwrap();
        t.push("year", Column::numbers(vec![1986.0, 1990.0, 1994.0]))
            .unwrap();
        let mut b = StrColumnBuilder::default();
        b.push(Some("KOR"));
        b.push(None);
        b.push(Some("a, \"b\""));
        t.push("name", Column::Str(b.finish())).unwrap();
        t
    }

    #[test]
    fn csv_round_trip() {
        let f = tempfile::Builder::new().suffix(".csv").tempfile().unwrap();
        write_csv(&sample(), std::fs::File::create(f.path()).unwrap()).unwrap();
        let back = read_csv(f.path(), &ReadOptions::default()).unwrap();
        assert_eq!(back.num("x").unwrap()[1], 2.5);
        assert!(back.num("x").unwrap()[2].is_nan());
        assert_eq!(back.num("year").unwrap()[2], 1994.0);
    }

    #[test]
    fn parquet_round_trip() {
        let f = tempfile::Builder::new()
            .suffix(".parquet")
            .tempfile()
            .unwrap();
        write_parquet(&sample(), std::fs::File::create(f.path()).unwrap()).unwrap();
        let back = read_parquet(f.path(), &ReadOptions::default()).unwrap();
        assert!(back.num("x").unwrap()[2].is_nan());
        match back.column("name").unwrap() {
            Column::Str(s) => {
                assert_eq!(s.get(0), Some("KOR"));
                assert_eq!(s.get(1), None);
                assert_eq!(s.get(2), Some("a, \"b\""));
            }
            _ => panic!("name should be text"),
        }
    }
}
