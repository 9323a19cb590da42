//! Writing one source into a dataset folder: partitions are staged as hidden temporary files
//! next to their destination and renamed into place only when the whole source succeeded.

use super::chunk::{to_batch, write_schema, Chunk, Dictionaries};
use super::manifest::{MalformedRow, Manifest, SourceEntry, YearEntry, MANIFEST_FILE};
use crate::{DataError, Result};
use parquet::arrow::arrow_writer::ArrowWriterOptions;
use parquet::arrow::ArrowWriter;
use parquet::basic::Compression;
use parquet::file::properties::WriterProperties;
use parquet::schema::types::ColumnPath;
use std::collections::BTreeMap;
use std::fs::File;
use std::io::{BufWriter, Write};
use std::path::{Path, PathBuf};
use tempfile::NamedTempFile;

/// File name of a source's partition inside a `year=YYYY` folder: `part-<source>.parquet`,
/// with characters other than letters, digits, `_`, `-` and `.` replaced by `-` (so
/// `series:kr_content` becomes `part-series-kr_content.parquet`).
pub fn partition_file_name(source: &str) -> String {
    format!("part-{}.parquet", file_safe(source))
}

fn file_safe(source: &str) -> String {
    source
        .chars()
        .map(|c| {
            if c.is_ascii_alphanumeric() || "_-.".contains(c) {
                c
            } else {
                '-'
            }
        })
        .collect()
}

fn malformed_file_name(source: &str) -> String {
    format!("malformed-{}.csv", file_safe(source))
}

fn year_dir(year: i32) -> String {
    format!("year={year}")
}

struct OpenYear {
    tmp: NamedTempFile,
    writer: ArrowWriter<BufWriter<File>>,
    rows: u64,
}

struct Staged {
    tmp: NamedTempFile,
    rows: u64,
}

/// Writes one source (all its years) into a dataset folder.
///
/// Nothing is visible in the folder until [`DatasetWriter::commit`]; dropping the writer
/// (after an error, say) deletes everything it staged.
pub struct DatasetWriter {
    dir: PathBuf,
    source: String,
    kind: String,
    dicts: Dictionaries,
    props: WriterProperties,
    open: BTreeMap<i32, OpenYear>,
    staged: BTreeMap<i32, Staged>,
    inputs: Vec<String>,
    malformed: Option<(NamedTempFile, csv::Writer<BufWriter<File>>)>,
    malformed_rows: u64,
    memory_budget: usize,
}

/// Default bound on the bytes buffered by all open partitions together.
const MEMORY_BUDGET: usize = 256 << 20;

fn io(path: &Path) -> impl Fn(std::io::Error) -> DataError + '_ {
    move |source| DataError::Io {
        path: path.to_path_buf(),
        source,
    }
}

fn write_err(e: impl std::fmt::Display) -> DataError {
    DataError::Write(e.to_string())
}

impl DatasetWriter {
    /// A writer for `source` (of input kind `kind`) into `dir`, which is created when missing.
    /// `dir` must be a dataset already or an empty folder, so that ingesting into the wrong
    /// place never scatters files among unrelated ones.
    pub fn create(dir: &Path, source: &str, kind: &str) -> Result<DatasetWriter> {
        std::fs::create_dir_all(dir).map_err(io(dir))?;
        if !dir.join(MANIFEST_FILE).exists() {
            // Staging files of an ingest in progress (or of one that was killed) do not
            // make a folder foreign.
            let foreign = std::fs::read_dir(dir)
                .map_err(io(dir))?
                .filter_map(|e| e.ok())
                .find(|e| !e.file_name().to_string_lossy().starts_with(".hallyu-"));
            if let Some(entry) = foreign {
                let name = entry.file_name();
                return Err(DataError::InvalidArgument(format!(
                    "{} is neither empty nor a hallyu dataset (no {MANIFEST_FILE}, but it holds {}); \
                     choose a new or empty folder for --out",
                    dir.display(),
                    name.to_string_lossy()
                )));
            }
        } else {
            Manifest::load(dir)?;
        }
        let text_off = |b: parquet::file::properties::WriterPropertiesBuilder, c: &str| {
            b.set_column_dictionary_enabled(ColumnPath::from(c), false)
        };
        // Values and quantities are nearly all distinct: a dictionary would fill up and be
        // abandoned after costing a hash per value.
        let props = text_off(
            text_off(
                WriterProperties::builder().set_compression(Compression::SNAPPY),
                "value",
            ),
            "quantity",
        )
        .build();
        Ok(DatasetWriter {
            dir: dir.to_path_buf(),
            source: source.to_string(),
            kind: kind.to_string(),
            dicts: Dictionaries::default(),
            props,
            open: BTreeMap::new(),
            staged: BTreeMap::new(),
            inputs: Vec::new(),
            malformed: None,
            malformed_rows: 0,
            memory_budget: MEMORY_BUDGET,
        })
    }

    /// The dictionaries chunk codes refer to.
    pub fn dictionaries(&mut self) -> &mut Dictionaries {
        &mut self.dicts
    }

    /// Replaces the dictionaries (before the first chunk), e.g. with a prebuilt HS6 table.
    pub fn set_dictionaries(&mut self, dicts: Dictionaries) {
        self.dicts = dicts;
    }

    /// Records an input file name for the manifest.
    pub fn add_input(&mut self, name: &str) {
        self.inputs.push(name.to_string());
    }

    /// Bounds the bytes that open partitions buffer together (default 256 MiB). A source
    /// whose rows interleave many years (UNCTADstat files hold every year) keeps one
    /// partition open per year; past the budget, the largest buffered row group is written
    /// out early, so memory stays bounded however many years the input spans.
    pub fn set_memory_budget(&mut self, bytes: usize) {
        self.memory_budget = bytes;
    }

    /// Rows rejected so far.
    pub fn malformed_rows(&self) -> u64 {
        self.malformed_rows
    }

    /// Rows written so far.
    pub fn rows(&self) -> u64 {
        self.open.values().map(|o| o.rows).sum::<u64>()
            + self.staged.values().map(|s| s.rows).sum::<u64>()
    }

    /// Records a rejected row (kept in `malformed-<source>.csv` in the dataset folder).
    pub fn reject(&mut self, row: &MalformedRow) -> Result<()> {
        if self.malformed.is_none() {
            let tmp = self.temp_file()?;
            let file = tmp.reopen().map_err(io(tmp.path()))?;
            let mut w = csv::Writer::from_writer(BufWriter::new(file));
            w.write_record(["file", "line", "reason", "text"])
                .map_err(write_err)?;
            self.malformed = Some((tmp, w));
        }
        if let Some((_, w)) = &mut self.malformed {
            w.write_record([
                row.file.as_str(),
                &row.line.to_string(),
                row.reason.as_str(),
                row.text.as_str(),
            ])
            .map_err(write_err)?;
        }
        self.malformed_rows += 1;
        Ok(())
    }

    fn temp_file(&self) -> Result<NamedTempFile> {
        tempfile::Builder::new()
            .prefix(".hallyu-")
            .suffix(".tmp")
            .tempfile_in(&self.dir)
            .map_err(io(&self.dir))
    }

    /// Appends rows (of any years) to their partitions.
    pub fn write(&mut self, chunk: &Chunk) -> Result<()> {
        let Some(&first) = chunk.year.first() else {
            return Ok(());
        };
        if chunk.year.iter().all(|&y| y == first) {
            return self.write_year(first, chunk);
        }
        let mut by_year: BTreeMap<i32, Vec<usize>> = BTreeMap::new();
        for (i, &y) in chunk.year.iter().enumerate() {
            by_year.entry(y).or_default().push(i);
        }
        for (year, rows) in by_year {
            let part = chunk.gather(&rows);
            self.write_year(year, &part)?;
        }
        Ok(())
    }

    fn write_year(&mut self, year: i32, chunk: &Chunk) -> Result<()> {
        if self.staged.contains_key(&year) {
            return Err(DataError::InvalidArgument(format!(
                "rows of {year} arrived after that year's partition was closed"
            )));
        }
        if !self.open.contains_key(&year) {
            let tmp = self.temp_file()?;
            let file = tmp.reopen().map_err(io(tmp.path()))?;
            let options = ArrowWriterOptions::new()
                .with_properties(self.props.clone())
                .with_skip_arrow_metadata(true);
            let writer = ArrowWriter::try_new_with_options(
                BufWriter::with_capacity(1 << 20, file),
                write_schema(),
                options,
            )
            .map_err(write_err)?;
            self.open.insert(
                year,
                OpenYear {
                    tmp,
                    writer,
                    rows: 0,
                },
            );
        }
        let batch = to_batch(chunk, &mut self.dicts).map_err(write_err)?;
        if let Some(o) = self.open.get_mut(&year) {
            o.writer.write(&batch).map_err(write_err)?;
            o.rows += chunk.len() as u64;
        }
        while self
            .open
            .values()
            .map(|o| o.writer.memory_size())
            .sum::<usize>()
            > self.memory_budget
        {
            let Some(largest) = self
                .open
                .values_mut()
                .filter(|o| o.writer.in_progress_rows() > 0)
                .max_by_key(|o| o.writer.memory_size())
            else {
                break;
            };
            largest.writer.flush().map_err(write_err)?;
        }
        Ok(())
    }

    /// Drops everything written for `year` so far (its staging file is deleted), so that
    /// the year can be written again from scratch.
    pub fn discard_year(&mut self, year: i32) {
        self.open.remove(&year);
        self.staged.remove(&year);
    }

    /// Finishes the partition of `year` now (frees its buffers); later rows of that year
    /// are an error.
    pub fn close_year(&mut self, year: i32) -> Result<()> {
        if let Some(o) = self.open.remove(&year) {
            let rows = o.rows;
            let tmp = o.tmp;
            let buf = o.writer.into_inner().map_err(write_err)?;
            let file = buf.into_inner().map_err(|e| write_err(e.error()))?;
            file.sync_all().map_err(io(tmp.path()))?;
            self.staged.insert(year, Staged { tmp, rows });
        }
        Ok(())
    }

    /// Moves every staged partition into place, removes this source's partitions of years
    /// it no longer has, and rewrites the manifest. Returns the source's manifest entry.
    pub fn commit(mut self) -> Result<SourceEntry> {
        let years: Vec<i32> = self.open.keys().copied().collect();
        for y in years {
            self.close_year(y)?;
        }
        let mut manifest = Manifest::load_or_default(&self.dir)?;
        let malformed_name = malformed_file_name(&self.source);
        let malformed_tmp = match self.malformed.take() {
            Some((tmp, w)) => {
                let buf = w.into_inner().map_err(|e| write_err(e.error()))?;
                let file = buf.into_inner().map_err(|e| write_err(e.error()))?;
                file.sync_all().map_err(io(tmp.path()))?;
                Some(tmp)
            }
            None => None,
        };

        let file_name = partition_file_name(&self.source);
        let mut entries = Vec::new();
        for (year, staged) in std::mem::take(&mut self.staged) {
            let rel = format!("{}/{file_name}", year_dir(year));
            let ydir = self.dir.join(year_dir(year));
            std::fs::create_dir_all(&ydir).map_err(io(&ydir))?;
            let dest = self.dir.join(&rel);
            staged.tmp.persist(&dest).map_err(|e| DataError::Io {
                path: dest.clone(),
                source: e.error,
            })?;
            set_readable(&dest)?;
            entries.push(YearEntry {
                year,
                rows: staged.rows,
                file: rel,
            });
        }
        // Years this source had before but not now: their old partitions must go.
        for y in super::reader::partition_years(&self.dir)? {
            if entries.iter().any(|e| e.year == y) {
                continue;
            }
            let old = self.dir.join(year_dir(y)).join(&file_name);
            if old.exists() {
                std::fs::remove_file(&old).map_err(io(&old))?;
            }
        }
        let malformed_path = self.dir.join(&malformed_name);
        let malformed_file = match malformed_tmp {
            Some(tmp) => {
                tmp.persist(&malformed_path).map_err(|e| DataError::Io {
                    path: malformed_path.clone(),
                    source: e.error,
                })?;
                set_readable(&malformed_path)?;
                Some(malformed_name)
            }
            None => {
                if malformed_path.exists() {
                    std::fs::remove_file(&malformed_path).map_err(io(&malformed_path))?;
                }
                None
            }
        };
        let entry = SourceEntry {
            source: self.source.clone(),
            kind: self.kind.clone(),
            inputs: std::mem::take(&mut self.inputs),
            classifications: (0..self.dicts.classifications.len() as i32)
                .filter_map(|c| self.dicts.classifications.value(c).map(str::to_string))
                .collect(),
            rows: entries.iter().map(|e| e.rows).sum(),
            years: entries,
            malformed_rows: self.malformed_rows,
            malformed_file,
        };
        manifest.upsert(entry.clone());
        let mut tmp = self.temp_file()?;
        tmp.write_all(manifest.to_json().as_bytes())
            .map_err(io(tmp.path()))?;
        tmp.as_file().sync_all().map_err(io(tmp.path()))?;
        let mpath = self.dir.join(MANIFEST_FILE);
        tmp.persist(&mpath).map_err(|e| DataError::Io {
            path: mpath.clone(),
            source: e.error,
        })?;
        set_readable(&mpath)?;
        // Make the renames themselves durable.
        if let Ok(d) = File::open(&self.dir) {
            let _ = d.sync_all();
        }
        Ok(entry)
    }
}

/// Temporary files are private (0600); dataset files get ordinary permissions.
fn set_readable(path: &Path) -> Result<()> {
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        std::fs::set_permissions(path, std::fs::Permissions::from_mode(0o644)).map_err(io(path))?;
    }
    let _ = path;
    Ok(())
}
