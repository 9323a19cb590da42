//! Apache Parquet through the arrow reader, reading only the selected columns.

use super::arrow::{check_types, ColumnBuilder};
use super::{io_error, resolve_columns, ReadOptions};
use crate::{Column, DataError, Result, Table};
use parquet::arrow::arrow_reader::ParquetRecordBatchReaderBuilder;
use parquet::arrow::ProjectionMask;
use parquet::file::reader::ChunkReader;
use std::path::{Path, PathBuf};

/// Reads a Parquet file.
pub fn read_parquet(path: &Path, options: &ReadOptions) -> Result<Table> {
    let file = std::fs::File::open(path).map_err(|e| io_error(path, e))?;
    read_from(file, path.to_path_buf(), options)
}

/// The column names of a Parquet file.
pub(crate) fn schema_names(path: &Path) -> Result<Vec<String>> {
    let file = std::fs::File::open(path).map_err(|e| io_error(path, e))?;
    names_of(file, path)
}

/// The column names of Parquet bytes held in memory.
pub fn parquet_bytes_names(bytes: bytes::Bytes) -> Result<Vec<String>> {
    names_of(bytes, Path::new("<embedded>"))
}

/// Runs the Parquet decoder on a file's bytes, turning a panic into an error naming the
/// file. The decoder asserts on some corrupt metadata (a negative column offset, found by
/// `tests/fuzz.rs`) instead of returning an error; a damaged file is bad input, not a bug
/// of ours, and must not abort the program.
fn guarded<T>(path: &Path, decode: impl FnOnce() -> Result<T>) -> Result<T> {
    std::panic::catch_unwind(std::panic::AssertUnwindSafe(decode)).unwrap_or_else(|payload| {
        let what = payload
            .downcast_ref::<&str>()
            .map(|s| s.to_string())
            .or_else(|| payload.downcast_ref::<String>().cloned())
            .unwrap_or_else(|| "no message".into());
        Err(DataError::Parquet {
            path: path.to_path_buf(),
            message: format!("the file is corrupt ({what})"),
        })
    })
}

fn names_of<R: ChunkReader + 'static>(source: R, path: &Path) -> Result<Vec<String>> {
    guarded(path, || names_unguarded(source, path))
}

fn names_unguarded<R: ChunkReader + 'static>(source: R, path: &Path) -> Result<Vec<String>> {
    let builder =
        ParquetRecordBatchReaderBuilder::try_new(source).map_err(|e| DataError::Parquet {
            path: path.to_path_buf(),
            message: e.to_string(),
        })?;
    Ok(builder
        .schema()
        .fields()
        .iter()
        .map(|f| f.name().clone())
        .collect())
}

/// Reads Parquet bytes held in memory (the embedded data sets).
pub fn read_parquet_bytes(bytes: bytes::Bytes, options: &ReadOptions) -> Result<Table> {
    read_from(bytes, PathBuf::from("<embedded>"), options)
}

/// Reads the bytes of the Parquet file `path`, already in memory (errors name `path`).
pub(crate) fn read_parquet_buffer(
    bytes: bytes::Bytes,
    path: &Path,
    options: &ReadOptions,
) -> Result<Table> {
    read_from(bytes, path.to_path_buf(), options)
}

/// Checks that every column chunk lies inside the file. The parquet crate asserts this
/// when it reads a chunk (a panic), and a corrupt footer can break it.
fn check_chunk_ranges(
    metadata: &parquet::file::metadata::ParquetMetaData,
    file_len: u64,
) -> std::result::Result<(), String> {
    for (r, group) in metadata.row_groups().iter().enumerate() {
        for chunk in group.columns() {
            let start = chunk
                .dictionary_page_offset()
                .unwrap_or(chunk.data_page_offset());
            let len = chunk.compressed_size();
            let inside = start >= 0
                && len >= 0
                && (start as u64)
                    .checked_add(len as u64)
                    .is_some_and(|end| end <= file_len);
            if !inside {
                return Err(format!(
                    "corrupt metadata: column `{}` of row group {} claims bytes {start}..{start}+{len}, outside the file's {file_len} bytes",
                    chunk.column_path(),
                    r + 1
                ));
            }
        }
    }
    Ok(())
}

fn read_from<R: ChunkReader + 'static>(
    source: R,
    path: PathBuf,
    options: &ReadOptions,
) -> Result<Table> {
    guarded(&path.clone(), || read_unguarded(source, path, options))
}

fn read_unguarded<R: ChunkReader + 'static>(
    source: R,
    path: PathBuf,
    options: &ReadOptions,
) -> Result<Table> {
    let err = |e: &dyn std::fmt::Display| DataError::Parquet {
        path: path.clone(),
        message: e.to_string(),
    };
    let file_len = source.len();
    let builder = ParquetRecordBatchReaderBuilder::try_new(source).map_err(|e| err(&e))?;
    check_chunk_ranges(builder.metadata(), file_len).map_err(|m| err(&m))?;
    let schema = builder.schema().clone();
    let names: Vec<String> = schema.fields().iter().map(|f| f.name().clone()).collect();
    let selected = resolve_columns(&path, &names, &options.selection(&names))?;
    check_types(&schema, &selected)?;
    let mask = ProjectionMask::roots(builder.parquet_schema(), selected.iter().copied());
    let reader = builder
        .with_projection(mask)
        .with_batch_size(65_536)
        .build()
        .map_err(|e| err(&e))?;

    // The projected batch keeps the file's column order; map each back to its slot.
    let mut order: Vec<usize> = selected.clone();
    order.sort_unstable();
    let mut builders: Vec<ColumnBuilder> = order
        .iter()
        .map(|&i| ColumnBuilder::new(schema.field(i).data_type()))
        .collect();
    for batch in reader {
        let batch = batch.map_err(|e| err(&e))?;
        for (b, array) in builders.iter_mut().zip(batch.columns()) {
            b.append(array);
        }
    }
    let mut by_index: Vec<(usize, Column)> = order
        .into_iter()
        .zip(builders)
        .map(|(i, b)| (i, b.finish()))
        .collect();
    let mut table = Table::new();
    for &i in &selected {
        let pos = by_index
            .iter()
            .position(|(j, _)| *j == i)
            .ok_or_else(|| err(&"column vanished while reading"))?;
        let (_, column) = by_index.swap_remove(pos);
        table.push(names[i].clone(), column)?;
    }
    Ok(table)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::StrColumnBuilder;

    fn small_file() -> Vec<u8> {
        let mut t = Table::new();
        t.push("year", Column::numbers(vec![2020.0, 2021.0, 2022.0]))
            .unwrap();
        let mut b = StrColumnBuilder::default();
        for s in ["KOR", "JPN", "KOR"] {
            b.push(Some(s));
        }
        t.push("exporter", Column::Str(b.finish())).unwrap();
        let mut bytes = Vec::new();
        crate::write::write_parquet(&t, &mut bytes).unwrap();
        bytes
    }

    /// Every single-byte corruption of the footer (where the column offsets are) reads to
    /// a table or an error naming the file; some made the decoder assert (a negative
    /// column offset) and took the program down.
    #[test]
    fn corrupt_metadata_is_an_error_not_a_panic() {
        let good = small_file();
        let footer = good.len().saturating_sub(400);
        let mut corrupt = 0;
        for at in footer..good.len() {
            for v in [0x00, 0x80, 0xff, good[at] ^ 0x01, good[at] ^ 0x40] {
                let mut bytes = good.clone();
                bytes[at] = v;
                match read_parquet_bytes(bytes.into(), &ReadOptions::default()) {
                    // A byte the reader does not depend on (a statistic, a name).
                    Ok(_) => {}
                    Err(e) => {
                        let e = e.to_string();
                        assert!(e.contains("<embedded>"), "{e}");
                        corrupt += usize::from(e.contains("the file is corrupt ("));
                    }
                }
            }
        }
        // Not a requirement of the reader, a record of what the fix is for.
        eprintln!("{corrupt} corruptions made the decoder panic");
    }

    /// A synthetic 3-country panel written by `hallyu synth` with one footer byte changed
    /// (offset 1505 set to 0x7f), which makes a column chunk's offset negative: the parquet
    /// crate panics on it ("column start and length should not be negative").
    #[test]
    fn a_chunk_outside_the_file_is_an_error_not_a_panic() {
        let bytes =
            bytes::Bytes::from_static(include_bytes!("testdata/corrupt_chunk_offset.parquet"));
        let e = read_parquet_bytes(bytes, &ReadOptions::default())
            .expect_err("corrupt metadata must be refused")
            .to_string();
        assert!(
            e.contains("corrupt metadata") && e.contains("outside the file"),
            "{e}"
        );
    }
}
