//! Apache Parquet through the arrow reader, reading only the selected columns.

use super::arrow::{check_types, ColumnBuilder};
use super::{io_error, resolve_columns, ReadOptions};
use crate::{Column, DataError, Result, Table};
use parquet::arrow::arrow_reader::{
    ArrowReaderMetadata, ArrowReaderOptions, ParquetRecordBatchReaderBuilder,
};
use parquet::arrow::ProjectionMask;
use parquet::file::reader::ChunkReader;
use rayon::prelude::*;
use std::path::{Path, PathBuf};

/// Reads a Parquet file.
pub fn read_parquet(path: &Path, options: &ReadOptions) -> Result<Table> {
    let file = std::fs::File::open(path).map_err(|e| io_error(path, e))?;
    #[cfg(unix)]
    {
        read_from(
            positioned::PositionedFile::new(file),
            path.to_path_buf(),
            options,
        )
    }
    #[cfg(not(unix))]
    {
        // Without positioned reads the columns cannot share the file: read it whole.
        use std::io::Read;
        let mut buffer = Vec::new();
        let mut file = file;
        file.read_to_end(&mut buffer)
            .map_err(|e| io_error(path, e))?;
        read_from(bytes::Bytes::from(buffer), path.to_path_buf(), options)
    }
}

#[cfg(unix)]
mod positioned {
    //! A Parquet source that several column decoders read at once: every read names its
    //! offset (`pread`), so no decoder moves another's position, which `File`'s own
    //! reader (clones sharing one offset) would.

    use bytes::Bytes;
    use parquet::errors::Result;
    use parquet::file::reader::{ChunkReader, Length};
    use std::fs::File;
    use std::io::{BufReader, Read};
    use std::os::unix::fs::FileExt;
    use std::sync::Arc;

    /// An open file shared by the decoders.
    #[derive(Clone)]
    pub struct PositionedFile {
        file: Arc<File>,
        len: u64,
    }

    impl PositionedFile {
        pub fn new(file: File) -> Self {
            let len = file.metadata().map(|m| m.len()).unwrap_or(0);
            PositionedFile {
                file: Arc::new(file),
                len,
            }
        }
    }

    impl Length for PositionedFile {
        fn len(&self) -> u64 {
            self.len
        }
    }

    /// Reads from `pos` on, advancing its own position only.
    pub struct At {
        file: Arc<File>,
        pos: u64,
    }

    impl Read for At {
        fn read(&mut self, buf: &mut [u8]) -> std::io::Result<usize> {
            let n = self.file.read_at(buf, self.pos)?;
            self.pos += n as u64;
            Ok(n)
        }
    }

    impl ChunkReader for PositionedFile {
        type T = BufReader<At>;

        fn get_read(&self, start: u64) -> Result<Self::T> {
            Ok(BufReader::new(At {
                file: Arc::clone(&self.file),
                pos: start,
            }))
        }

        fn get_bytes(&self, start: u64, length: usize) -> Result<Bytes> {
            // `length` comes from the file's metadata, checked against the file's size
            // before any column is read (`check_chunk_ranges`); a footer read asks for
            // less than the file holds.
            let mut buf = vec![0; length];
            self.file.read_exact_at(&mut buf, start)?;
            Ok(Bytes::from(buf))
        }
    }
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

fn read_from<R: ChunkReader + Clone + 'static>(
    source: R,
    path: PathBuf,
    options: &ReadOptions,
) -> Result<Table> {
    guarded(&path.clone(), || read_unguarded(source, path, options))
}

fn read_unguarded<R: ChunkReader + Clone + 'static>(
    source: R,
    path: PathBuf,
    options: &ReadOptions,
) -> Result<Table> {
    let err = |e: &dyn std::fmt::Display| DataError::Parquet {
        path: path.clone(),
        message: e.to_string(),
    };
    let file_len = source.len();
    let metadata =
        ArrowReaderMetadata::load(&source, ArrowReaderOptions::default()).map_err(|e| err(&e))?;
    check_chunk_ranges(metadata.metadata(), file_len).map_err(|m| err(&m))?;
    let schema = metadata.schema().clone();
    let names: Vec<String> = schema.fields().iter().map(|f| f.name().clone()).collect();
    let selected = resolve_columns(&path, &names, &options.selection(&names))?;
    check_types(&schema, &selected)?;

    // Each column decoded on its own task, from its own reader over the shared source:
    // decoding (strings into levels above all) was the serial part of a 5M-row fit.
    let mut order: Vec<usize> = selected.clone();
    order.sort_unstable();
    let decoded: Vec<Result<Column>> = order
        .par_iter()
        .map(|&i| {
            let builder = ParquetRecordBatchReaderBuilder::new_with_metadata(
                source.clone(),
                metadata.clone(),
            );
            let mask = ProjectionMask::roots(builder.parquet_schema(), [i]);
            let reader = builder
                .with_projection(mask)
                .with_batch_size(65_536)
                .build()
                .map_err(|e| err(&e))?;
            let mut column = ColumnBuilder::new(schema.field(i).data_type());
            for batch in reader {
                let batch = batch.map_err(|e| err(&e))?;
                for array in batch.columns() {
                    column.append(array);
                }
            }
            Ok(column.finish())
        })
        .collect();
    let mut by_index: Vec<(usize, Column)> = order
        .into_iter()
        .zip(decoded)
        .map(|(i, c)| c.map(|c| (i, c)))
        .collect::<Result<_>>()?;
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
