//! Writing one source into a dataset folder.
//!
//! A writer holds the folder's lock (see [`super::lock`]) from [`DatasetWriter::open`] to
//! the end of [`DatasetWriter::commit`]. Partitions are staged as hidden temporary files,
//! hashed as they are written, and committed in an order that keeps every reader on one
//! consistent state: each new partition is renamed to a name no manifest has listed yet
//! (`part-<source>-<checksum>.parquet`), then the manifest is replaced in one rename (the
//! commit point), then the files the new manifest no longer lists are removed.

use super::checksum::{self, HashingWriter};
use super::chunk::{to_batch, write_schema, Chunk, Dictionaries};
use super::lock::{self, WriteLock};
use super::manifest::{MalformedRow, Manifest, SourceEntry, YearEntry, MANIFEST_FILE};
use super::scan;
use crate::{DataError, Result};
use parquet::arrow::arrow_writer::ArrowWriterOptions;
use parquet::arrow::ArrowWriter;
use parquet::basic::Compression;
use parquet::file::properties::WriterProperties;
use parquet::schema::types::ColumnPath;
use std::collections::{BTreeMap, BTreeSet};
use std::fs::File;
use std::io::{BufRead, BufReader, BufWriter};
use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex};
use tempfile::NamedTempFile;

/// File name of a source's partition inside a `year=YYYY` folder:
/// `part-<source>-<checksum digits>.parquet`, with characters of the source other than
/// letters, digits, `_`, `-` and `.` replaced by `-` (so `series:kr_content` becomes
/// `part-series-kr_content-<digits>.parquet`). The checksum makes the name new whenever
/// the content is, so a commit never overwrites a file that the previous manifest lists.
pub fn partition_file_name(source: &str, checksum: &str) -> String {
    format!(
        "part-{}-{}.parquet",
        file_safe(source),
        checksum::digits(checksum)
    )
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

/// What an ingest does with a source the dataset already has.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub enum WriteMode {
    /// Add the years the ingest brings to the source. A year the source already has is an
    /// error ([`DataError::Usage`]): adding it again would count it twice.
    #[default]
    Add,
    /// Replace the source as a whole: afterwards it has exactly the years of this ingest.
    Replace,
}

/// Messages for the user about what a writer removed or replaced, collected for the front
/// end to show (the library never prints).
#[derive(Debug, Clone, Default)]
pub struct Notes(Arc<Mutex<Vec<String>>>);

impl Notes {
    /// Adds a message.
    pub fn push(&self, message: String) {
        self.0
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner)
            .push(message);
    }

    /// Takes the messages collected so far.
    pub fn take(&self) -> Vec<String> {
        std::mem::take(
            &mut *self
                .0
                .lock()
                .unwrap_or_else(std::sync::PoisonError::into_inner),
        )
    }
}

/// How a writer writes: add or replace, and where its notes go.
#[derive(Debug, Clone, Default)]
pub struct WriteOptions {
    /// Add to the source (default) or replace it.
    pub mode: WriteMode,
    /// Collects what the writer removed or replaced.
    pub notes: Notes,
}

type PartitionWriter = ArrowWriter<HashingWriter<BufWriter<File>>>;

struct OpenYear {
    tmp: NamedTempFile,
    writer: PartitionWriter,
    rows: u64,
}

struct Staged {
    tmp: NamedTempFile,
    rows: u64,
    bytes: u64,
    checksum: String,
}

/// Writes one source (all its years) into a dataset folder.
///
/// Nothing is visible in the folder until [`DatasetWriter::commit`]; dropping the writer
/// (after an error, say) deletes everything it staged and releases the lock.
pub struct DatasetWriter {
    dir: PathBuf,
    source: String,
    kind: String,
    options: WriteOptions,
    lock: Arc<WriteLock>,
    /// The source's entry when the writer started (under the lock).
    existing: Option<SourceEntry>,
    dicts: Dictionaries,
    props: WriterProperties,
    open: BTreeMap<i32, OpenYear>,
    staged: BTreeMap<i32, Staged>,
    inputs: Vec<String>,
    /// The input whose rows arrive now, and the inputs each year's rows came from.
    current_input: Option<usize>,
    year_inputs: BTreeMap<i32, BTreeSet<usize>>,
    malformed: Option<(NamedTempFile, csv::Writer<BufWriter<File>>)>,
    malformed_rows: u64,
    /// When adding: rows of years the source already has, counted but not written (the
    /// commit refuses them, saying how many rows there are before and after).
    refused: BTreeMap<i32, u64>,
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

/// `2019, 2020, 2021` or `1995-2021` when consecutive.
fn year_list(years: &[i32]) -> String {
    match years {
        [] => "no year".into(),
        [y] => y.to_string(),
        [a, .., b] if i64::from(*b) - i64::from(*a) + 1 == years.len() as i64 => {
            format!("{a}-{b}")
        }
        _ => years
            .iter()
            .map(i32::to_string)
            .collect::<Vec<_>>()
            .join(", "),
    }
}

impl DatasetWriter {
    /// A writer that adds `source` (of input kind `kind`) to the dataset in `dir`; see
    /// [`DatasetWriter::open`].
    pub fn create(dir: &Path, source: &str, kind: &str) -> Result<DatasetWriter> {
        DatasetWriter::open(dir, source, kind, WriteOptions::default())
    }

    /// A writer for `source` (of input kind `kind`) into `dir`, which is created when
    /// missing. `dir` must be a dataset already or an empty folder, so that ingesting into
    /// the wrong place never scatters files among unrelated ones. Takes the folder's lock
    /// (an error naming the lock file when another process holds it) and, holding it,
    /// removes the temporary files a killed writer left.
    pub fn open(
        dir: &Path,
        source: &str,
        kind: &str,
        options: WriteOptions,
    ) -> Result<DatasetWriter> {
        std::fs::create_dir_all(dir).map_err(io(dir))?;
        if !dir.join(MANIFEST_FILE).exists() {
            // Staging files of an ingest in progress (or of one that was killed) and the
            // lock file do not make a folder foreign.
            let foreign = std::fs::read_dir(dir)
                .map_err(io(dir))?
                .filter_map(|e| e.ok())
                .find(|e| !e.file_name().to_string_lossy().starts_with(".hallyu-"));
            if let Some(entry) = foreign {
                let name = entry.file_name();
                return Err(DataError::InvalidArgument(format!(
                    "{} is neither empty nor a hallyu dataset (no {MANIFEST_FILE}, but it holds {}); \
                     choose a new or empty folder for the dataset (out)",
                    dir.display(),
                    name.to_string_lossy()
                )));
            }
        }
        let lock::Taken {
            lock,
            fresh,
            stale_holder,
        } = lock::write_lock(dir)?;
        if let Some(holder) = stale_holder {
            options.notes.push(format!(
                "took over the lock {} of an ingest that was interrupted ({holder}, no longer running)",
                lock.path().display()
            ));
        }
        if fresh {
            // No writer is alive (we hold the lock and no other writer of this process
            // does): every temporary file here was left by one that was killed.
            for (path, bytes) in scan::temp_files(dir)? {
                std::fs::remove_file(&path).map_err(io(&path))?;
                options.notes.push(format!(
                    "removed {} ({}), a temporary file left by an interrupted ingest",
                    path.display(),
                    scan::human_bytes(bytes)
                ));
            }
            let manifest = Manifest::load_or_default(dir)?;
            for (path, bytes) in scan::dead_commit_files(dir, &manifest)? {
                std::fs::remove_file(&path).map_err(io(&path))?;
                options.notes.push(format!(
                    "removed {} ({}), a partition of an ingest that was interrupted before its manifest listed it",
                    path.display(),
                    scan::human_bytes(bytes)
                ));
            }
            for folder in scan::empty_year_folders(dir)? {
                let _ = std::fs::remove_dir(folder);
            }
        }
        let existing = Manifest::load_or_default(dir)?.source(source).cloned();
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
            options,
            lock,
            existing,
            dicts: Dictionaries::default(),
            props,
            open: BTreeMap::new(),
            staged: BTreeMap::new(),
            inputs: Vec::new(),
            current_input: None,
            year_inputs: BTreeMap::new(),
            malformed: None,
            malformed_rows: 0,
            refused: BTreeMap::new(),
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

    /// Records an input file name for the manifest; the rows written from now on came
    /// from it.
    pub fn add_input(&mut self, name: &str) {
        self.inputs.push(name.to_string());
        self.current_input = Some(self.inputs.len() - 1);
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
        if self.options.mode == WriteMode::Add && self.already_has(year) {
            // Counted, not written: the commit refuses the ingest and says how many rows
            // the source would have with --replace.
            *self.refused.entry(year).or_default() += chunk.len() as u64;
            return Ok(());
        }
        if !self.open.contains_key(&year) {
            let tmp = self.temp_file()?;
            let file = tmp.reopen().map_err(io(tmp.path()))?;
            let options = ArrowWriterOptions::new()
                .with_properties(self.props.clone())
                .with_skip_arrow_metadata(true);
            let writer = ArrowWriter::try_new_with_options(
                HashingWriter::new(BufWriter::with_capacity(1 << 20, file)),
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
        if let Some(input) = self.current_input {
            self.year_inputs.entry(year).or_default().insert(input);
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
            let hashing = o.writer.into_inner().map_err(write_err)?;
            let (buf, checksum, bytes) = hashing.finish();
            let file = buf.into_inner().map_err(|e| write_err(e.error()))?;
            file.sync_all().map_err(io(tmp.path()))?;
            self.staged.insert(
                year,
                Staged {
                    tmp,
                    rows,
                    bytes,
                    checksum,
                },
            );
        }
        Ok(())
    }

    /// Whether the source had `year` when the writer started.
    fn already_has(&self, year: i32) -> bool {
        self.existing
            .as_ref()
            .is_some_and(|e| e.years.iter().any(|y| y.year == year))
    }

    /// Commits the source: moves every staged partition into place under a new name,
    /// replaces the manifest (the moment the ingest becomes visible), then removes the
    /// files the manifest no longer lists. Adding keeps the source's other years and
    /// accumulates its inputs and malformed rows; replacing leaves it with exactly this
    /// ingest's years. Returns the source's manifest entry.
    pub fn commit(mut self) -> Result<SourceEntry> {
        let years: Vec<i32> = self.open.keys().copied().collect();
        for y in years {
            self.close_year(y)?;
        }
        let lock = Arc::clone(&self.lock);
        let _turn = lock.commit_turn();
        // Read again under the lock: another writer of this process may have committed.
        let mut manifest = Manifest::load_or_default(&self.dir)?;
        let previous = manifest.source(&self.source).cloned();
        let added_rows: u64 = self.staged.values().map(|s| s.rows).sum();
        match (self.options.mode, &previous) {
            (WriteMode::Add, Some(prev)) => {
                let mut brought = std::mem::take(&mut self.refused);
                for (&year, staged) in &self.staged {
                    *brought.entry(year).or_default() += staged.rows;
                }
                if brought
                    .keys()
                    .any(|y| prev.years.iter().any(|p| p.year == *y))
                {
                    return Err(conflict(&self.dir, prev, &brought));
                }
            }
            (WriteMode::Replace, Some(prev)) if added_rows == 0 && prev.rows > 0 => {
                return Err(DataError::InvalidArgument(format!(
                    "{}: the input has no rows to replace source `{}` with ({} rows in {}); \
                     the dataset is unchanged",
                    self.dir.display(),
                    self.source,
                    prev.rows,
                    year_list(&prev.years.iter().map(|y| y.year).collect::<Vec<_>>())
                )));
            }
            _ => {}
        }
        let adding = self.options.mode == WriteMode::Add;
        let kept = previous.as_ref().filter(|_| adding);

        let mut new_years = Vec::new();
        for (year, staged) in std::mem::take(&mut self.staged) {
            let rel = format!(
                "{}/{}",
                year_dir(year),
                partition_file_name(&self.source, &staged.checksum)
            );
            let ydir = self.dir.join(year_dir(year));
            std::fs::create_dir_all(&ydir).map_err(io(&ydir))?;
            let dest = self.dir.join(&rel);
            staged.tmp.persist(&dest).map_err(|e| DataError::Io {
                path: dest.clone(),
                source: e.error,
            })?;
            set_readable(&dest)?;
            let inputs = self
                .year_inputs
                .get(&year)
                .into_iter()
                .flatten()
                .filter_map(|&i| self.inputs.get(i).cloned())
                .collect();
            new_years.push(YearEntry {
                year,
                rows: staged.rows,
                file: rel,
                bytes: staged.bytes,
                checksum: staged.checksum,
                inputs,
            });
        }

        let malformed_name = malformed_file_name(&self.source);
        let malformed_path = self.dir.join(&malformed_name);
        let old_malformed = kept
            .and_then(|p| p.malformed_file.as_ref())
            .map(|f| self.dir.join(f))
            .filter(|p| p.exists());
        let new_malformed = self.finish_malformed(old_malformed.as_deref())?;
        let malformed_file = match new_malformed {
            Some(tmp) => {
                tmp.persist(&malformed_path).map_err(|e| DataError::Io {
                    path: malformed_path.clone(),
                    source: e.error,
                })?;
                set_readable(&malformed_path)?;
                Some(malformed_name)
            }
            None => old_malformed.map(|_| malformed_name),
        };

        let mut years: Vec<YearEntry> = kept.map(|p| p.years.clone()).unwrap_or_default();
        years.extend(new_years);
        years.sort_by_key(|y| y.year);
        let mut inputs: Vec<String> = kept.map(|p| p.inputs.clone()).unwrap_or_default();
        let mut classifications = kept.map(|p| p.classifications.clone()).unwrap_or_default();
        for i in std::mem::take(&mut self.inputs) {
            if !inputs.contains(&i) {
                inputs.push(i);
            }
        }
        for c in (0..self.dicts.classifications.len() as i32)
            .filter_map(|c| self.dicts.classifications.value(c).map(str::to_string))
        {
            if !classifications.contains(&c) {
                classifications.push(c);
            }
        }
        let entry = SourceEntry {
            source: self.source.clone(),
            kind: self.kind.clone(),
            inputs,
            classifications,
            rows: years.iter().map(|e| e.rows).sum(),
            years,
            malformed_rows: kept.map_or(0, |p| p.malformed_rows) + self.malformed_rows,
            malformed_file,
        };
        manifest.upsert(entry.clone());
        manifest.save(&self.dir)?;

        // Committed. What follows only tidies up; a failure is a note, not an error.
        if let Some(prev) = previous.filter(|_| !adding) {
            self.remove_replaced(&prev, &entry);
        }
        Ok(entry)
    }

    /// The malformed rows file to commit: this ingest's rows after the source's earlier
    /// ones (`old`) when adding; `None` when this ingest rejected nothing.
    fn finish_malformed(&mut self, old: Option<&Path>) -> Result<Option<NamedTempFile>> {
        let Some((tmp, w)) = self.malformed.take() else {
            return Ok(None);
        };
        let buf = w.into_inner().map_err(|e| write_err(e.error()))?;
        let file = buf.into_inner().map_err(|e| write_err(e.error()))?;
        file.sync_all().map_err(io(tmp.path()))?;
        let Some(old) = old else {
            return Ok(Some(tmp));
        };
        let merged = self.temp_file()?;
        let mut out = BufWriter::new(merged.reopen().map_err(io(merged.path()))?);
        let mut earlier = File::open(old).map_err(io(old))?;
        std::io::copy(&mut earlier, &mut out).map_err(io(merged.path()))?;
        let mut new = BufReader::new(File::open(tmp.path()).map_err(io(tmp.path()))?);
        // This ingest's header line: the earlier file has one already.
        let mut header = Vec::new();
        new.read_until(b'\n', &mut header).map_err(io(tmp.path()))?;
        std::io::copy(&mut new, &mut out).map_err(io(merged.path()))?;
        let file = out.into_inner().map_err(|e| write_err(e.error()))?;
        file.sync_all().map_err(io(merged.path()))?;
        Ok(Some(merged))
    }

    /// After a replace: removes the previous partitions the new manifest does not list
    /// and the year folders left empty, and says so when the source lost rows or years.
    fn remove_replaced(&self, previous: &SourceEntry, now: &SourceEntry) {
        let notes = &self.options.notes;
        for old in &previous.years {
            // Only files inside the dataset's year folders, whatever the manifest says.
            if now.years.iter().any(|y| y.file == old.file)
                || !super::reader::is_partition_path(&old.file, old.year)
            {
                continue;
            }
            let path = self.dir.join(&old.file);
            if let Err(e) = std::fs::remove_file(&path) {
                if e.kind() != std::io::ErrorKind::NotFound {
                    notes.push(format!(
                        "could not remove the replaced partition {}: {e}; `hallyu dataset repair {}` removes it",
                        path.display(),
                        self.dir.display()
                    ));
                }
            }
        }
        if now.malformed_file.is_none() {
            if let Some(f) = &previous.malformed_file {
                let _ = std::fs::remove_file(self.dir.join(f));
            }
        }
        for folder in scan::empty_year_folders(&self.dir).unwrap_or_default() {
            let _ = std::fs::remove_dir(folder);
        }
        let years = |e: &SourceEntry| e.years.iter().map(|y| y.year).collect::<Vec<_>>();
        let gone: Vec<i32> = years(previous)
            .into_iter()
            .filter(|y| !now.years.iter().any(|n| n.year == *y))
            .collect();
        if now.rows < previous.rows || !gone.is_empty() {
            notes.push(format!(
                "replaced: source `{}` now has {} rows in {} ({}), where it had {} rows in {} \
                 ({}){}",
                now.source,
                now.rows,
                plural_years(now.years.len()),
                year_list(&years(now)),
                previous.rows,
                plural_years(previous.years.len()),
                year_list(&years(previous)),
                if gone.is_empty() {
                    String::new()
                } else {
                    format!("; no longer in the dataset: {}", year_list(&gone))
                }
            ));
        }
    }
}

fn plural_years(n: usize) -> String {
    if n == 1 {
        "1 year".into()
    } else {
        format!("{n} years")
    }
}

/// The error for adding to `source` in `dir` the rows `brought` (per year), some of whose
/// years it has already: names the source, those years with their rows before and in this
/// ingest, and the source's rows before and after replacing it.
fn conflict(dir: &Path, source: &SourceEntry, brought: &BTreeMap<i32, u64>) -> DataError {
    let name = &source.source;
    let clashes: Vec<String> = source
        .years
        .iter()
        .filter_map(|have| {
            let new = brought.get(&have.year)?;
            let from = if have.inputs.is_empty() {
                String::new()
            } else {
                format!(", from {}", have.inputs.join(", "))
            };
            Some(format!(
                "{} ({} rows{from}; this ingest brings {new} rows)",
                have.year, have.rows
            ))
        })
        .collect();
    let years = |list: Vec<i32>| year_list(&list);
    let after: u64 = brought.values().sum();
    let after_years = years(brought.keys().copied().collect());
    let before_years = years(source.years.iter().map(|y| y.year).collect());
    let mut fewer = String::new();
    if after < source.rows {
        fewer = format!(
            "; that would leave source `{name}` with fewer rows than it has ({} fewer)",
            source.rows - after
        );
    }
    let dropped: Vec<i32> = source
        .years
        .iter()
        .map(|y| y.year)
        .filter(|y| !brought.contains_key(y))
        .collect();
    if !dropped.is_empty() {
        fewer.push_str(&format!(
            "; {} would no longer be in the dataset (to revise one year, replace the source \
             (replace) with every file of it)",
            year_list(&dropped)
        ));
    }
    DataError::Usage(format!(
        "{}: source `{name}` already has {}; adding {} again would count {} twice, so \
         the dataset is unchanged. Ingest only years the source does not have (all files of \
         a year in one ingest), or replace source `{name}` as a whole (replace): it \
         would then have {after} rows in {} ({after_years}), where it has {} rows in {} \
         ({before_years}) now{fewer}",
        dir.display(),
        clashes.join(", "),
        if clashes.len() == 1 { "it" } else { "them" },
        if clashes.len() == 1 { "it" } else { "them" },
        plural_years(brought.len()),
        source.rows,
        plural_years(source.years.len()),
    ))
}

/// Temporary files are private (0600); dataset files get ordinary permissions.
pub(crate) fn set_readable(path: &Path) -> Result<()> {
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        std::fs::set_permissions(path, std::fs::Permissions::from_mode(0o644)).map_err(io(path))?;
    }
    let _ = path;
    Ok(())
}

/// Writes reconciled rows `(year, exporter, importer, value)` of product `970110` (HS17)
/// for the writer's source: the one place tests build partitions from.
#[cfg(test)]
pub(crate) fn test_rows(w: &mut DatasetWriter, rows: &[(i32, &str, &str, f64)]) {
    use super::{Flow, Row, NO_REPORTER};
    let source = w.source.clone();
    let d = w.dictionaries();
    let (p, h, s) = (
        d.products.code("970110"),
        d.classifications.code("HS17"),
        d.sources.code(&source),
    );
    let mut c = Chunk::default();
    for &(year, e, i, v) in rows {
        let d = w.dictionaries();
        let (exporter, importer) = (d.countries.code(e), d.countries.code(i));
        c.push(Row {
            year,
            exporter,
            importer,
            reporter: NO_REPORTER,
            flow: Flow::Reconciled,
            product: p,
            classification: h,
            value: v,
            quantity: f64::NAN,
            source: s,
        });
    }
    w.write(&c).expect("write test rows");
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::dataset::read_dataset;

    fn add(dir: &Path, source: &str, rows: &[(i32, &str, &str, f64)]) -> Result<SourceEntry> {
        let mut w = DatasetWriter::create(dir, source, source)?;
        w.add_input(&format!("{source}-{}.csv", rows[0].0));
        test_rows(&mut w, rows);
        w.commit()
    }

    fn replace(
        dir: &Path,
        source: &str,
        rows: &[(i32, &str, &str, f64)],
        notes: &Notes,
    ) -> Result<SourceEntry> {
        let options = WriteOptions {
            mode: WriteMode::Replace,
            notes: notes.clone(),
        };
        let mut w = DatasetWriter::open(dir, source, source, options)?;
        w.add_input("replacement.csv");
        test_rows(&mut w, rows);
        w.commit()
    }

    /// Every file under `dir`, relative, sorted, with its bytes.
    fn snapshot(dir: &Path) -> Vec<(String, Vec<u8>)> {
        let mut out = Vec::new();
        for e in std::fs::read_dir(dir).unwrap().flatten() {
            let p = e.path();
            if p.is_dir() {
                for f in std::fs::read_dir(&p).unwrap().flatten() {
                    let name = format!(
                        "{}/{}",
                        e.file_name().to_string_lossy(),
                        f.file_name().to_string_lossy()
                    );
                    out.push((name, std::fs::read(f.path()).unwrap()));
                }
            } else {
                let name = e.file_name().to_string_lossy().into_owned();
                out.push((name, std::fs::read(&p).unwrap()));
            }
        }
        out.sort();
        out
    }

    fn values(dir: &Path) -> Vec<f64> {
        read_dataset(dir, None)
            .unwrap()
            .num("value")
            .unwrap()
            .to_vec()
    }

    #[test]
    fn adding_a_year_keeps_the_others() {
        let dir = tempfile::tempdir().unwrap();
        add(
            dir.path(),
            "baci",
            &[(2020, "KOR", "JPN", 1.0), (2021, "KOR", "JPN", 2.0)],
        )
        .unwrap();
        let e = add(dir.path(), "baci", &[(2022, "KOR", "JPN", 4.0)]).unwrap();
        assert_eq!(values(dir.path()), [1.0, 2.0, 4.0]);
        assert_eq!(e.rows, 3);
        assert_eq!(
            e.years.iter().map(|y| y.year).collect::<Vec<_>>(),
            [2020, 2021, 2022]
        );
        assert_eq!(e.inputs, ["baci-2020.csv", "baci-2022.csv"]);
        assert_eq!(e.years[2].inputs, ["baci-2022.csv"]);
        assert_eq!(Manifest::load(dir.path()).unwrap().source("baci"), Some(&e));
    }

    #[test]
    fn adding_a_year_the_source_has_is_refused_and_changes_nothing() {
        let dir = tempfile::tempdir().unwrap();
        add(
            dir.path(),
            "baci",
            &[(2020, "KOR", "JPN", 1.0), (2021, "KOR", "JPN", 2.0)],
        )
        .unwrap();
        let before = snapshot(dir.path());
        let e = add(dir.path(), "baci", &[(2021, "KOR", "USA", 5.0)]).unwrap_err();
        assert!(matches!(e, DataError::Usage(_)), "{e:?}");
        let e = e.to_string();
        assert!(
            e.contains(
                "source `baci` already has 2021 (1 rows, from baci-2020.csv; this ingest brings 1 rows)"
            ) && e.contains("or replace source `baci` as a whole (replace)")
                && e.contains("would then have 1 rows in 1 year (2021), where it has 2 rows in 2 years (2020-2021) now; \
                     that would leave source `baci` with fewer rows than it has (1 fewer)"),
            "{e}"
        );
        assert_eq!(snapshot(dir.path()), before);
        // A release with more rows than the source has is refused all the same: adding
        // would count 2020 twice; nothing tells which of the two is right but the user.
        let e = add(
            dir.path(),
            "baci",
            &[
                (2020, "KOR", "USA", 5.0),
                (2020, "USA", "KOR", 6.0),
                (2022, "KOR", "USA", 7.0),
            ],
        )
        .unwrap_err()
        .to_string();
        assert!(
            e.contains("already has 2020 (1 rows, from baci-2020.csv; this ingest brings 2 rows)")
                && e.contains(
                    "would then have 3 rows in 2 years (2020, 2022), where it has 2 rows"
                )
                && !e.contains("fewer"),
            "{e}"
        );
        assert_eq!(snapshot(dir.path()), before);
        // Another source may have the same year.
        add(dir.path(), "series:x", &[(2021, "KOR", "WLD", 9.0)]).unwrap();
        assert_eq!(values(dir.path()), [1.0, 2.0, 9.0]);
    }

    #[test]
    fn replacing_leaves_exactly_the_new_years_and_says_what_was_lost() {
        let dir = tempfile::tempdir().unwrap();
        add(
            dir.path(),
            "baci",
            &[(2020, "KOR", "JPN", 1.0), (2021, "KOR", "JPN", 2.0)],
        )
        .unwrap();
        add(dir.path(), "series:x", &[(2020, "KOR", "WLD", 9.0)]).unwrap();
        let notes = Notes::default();
        let e = replace(dir.path(), "baci", &[(2021, "KOR", "JPN", 3.0)], &notes).unwrap();
        assert_eq!(e.years.len(), 1);
        assert_eq!(e.inputs, ["replacement.csv"]);
        assert_eq!(values(dir.path()), [9.0, 3.0]);
        let notes = notes.take();
        assert_eq!(notes.len(), 1, "{notes:?}");
        assert!(
            notes[0].contains(
                "now has 1 rows in 1 year (2021), where it had 2 rows in 2 years (2020-2021)"
            ) && notes[0].contains("no longer in the dataset: 2020"),
            "{notes:?}"
        );
        // The replaced files are gone; only the manifest's partitions remain.
        let files: Vec<String> = snapshot(dir.path())
            .into_iter()
            .map(|(n, _)| n)
            .filter(|n| n.ends_with(".parquet"))
            .collect();
        let m = Manifest::load(dir.path()).unwrap();
        let mut listed: Vec<String> = m.partitions().iter().map(|(_, y)| y.file.clone()).collect();
        listed.sort();
        assert_eq!(files, listed);
    }

    #[test]
    fn replacing_with_nothing_is_refused() {
        let dir = tempfile::tempdir().unwrap();
        add(dir.path(), "baci", &[(2020, "KOR", "JPN", 1.0)]).unwrap();
        let before = snapshot(dir.path());
        let notes = Notes::default();
        let e = replace(dir.path(), "baci", &[], &notes)
            .unwrap_err()
            .to_string();
        assert!(
            e.contains("no rows to replace source `baci` with (1 rows in 2020)"),
            "{e}"
        );
        assert_eq!(snapshot(dir.path()), before);
    }

    #[test]
    fn identical_content_keeps_its_name() {
        let dir = tempfile::tempdir().unwrap();
        let a = add(dir.path(), "baci", &[(2020, "KOR", "JPN", 1.0)]).unwrap();
        let b = replace(
            dir.path(),
            "baci",
            &[(2020, "KOR", "JPN", 1.0)],
            &Notes::default(),
        )
        .unwrap();
        assert_eq!(a.years[0].file, b.years[0].file);
        assert!(a.years[0]
            .file
            .contains(checksum::digits(&a.years[0].checksum)));
        assert_eq!(values(dir.path()), [1.0]);
    }

    #[test]
    fn malformed_rows_accumulate_across_adds() {
        let dir = tempfile::tempdir().unwrap();
        for (year, line) in [(2020, 7), (2021, 9)] {
            let mut w = DatasetWriter::create(dir.path(), "baci", "baci").unwrap();
            test_rows(&mut w, &[(year, "KOR", "JPN", 1.0)]);
            w.reject(&MalformedRow {
                file: format!("f{year}.csv"),
                line,
                reason: "bad".into(),
                text: "x".into(),
            })
            .unwrap();
            w.commit().unwrap();
        }
        let m = Manifest::load(dir.path()).unwrap();
        let baci = m.source("baci").unwrap();
        assert_eq!(baci.malformed_rows, 2);
        let text = std::fs::read_to_string(dir.path().join("malformed-baci.csv")).unwrap();
        assert_eq!(
            text,
            "file,line,reason,text\nf2020.csv,7,bad,x\nf2021.csv,9,bad,x\n"
        );
    }

    #[test]
    fn the_next_writer_removes_what_a_killed_one_left() {
        let dir = tempfile::tempdir().unwrap();
        add(dir.path(), "baci", &[(2020, "KOR", "JPN", 1.0)]).unwrap();
        let left = dir.path().join(".hallyu-Xk3a9Q.tmp");
        std::fs::write(&left, vec![0u8; 2048]).unwrap();
        let notes = Notes::default();
        let options = WriteOptions {
            notes: notes.clone(),
            ..WriteOptions::default()
        };
        let w = DatasetWriter::open(dir.path(), "baci", "baci", options).unwrap();
        assert!(!left.exists());
        let notes = notes.take();
        assert!(
            notes.len() == 1 && notes[0].contains(".hallyu-Xk3a9Q.tmp (2.0 KB)"),
            "{notes:?}"
        );
        // A second writer of this process must not remove the first one's staging files.
        let mut first = w;
        test_rows(&mut first, &[(2021, "KOR", "JPN", 2.0)]);
        let second = DatasetWriter::create(dir.path(), "series:x", "series").unwrap();
        drop(second);
        first.commit().unwrap();
        assert_eq!(values(dir.path()), [1.0, 2.0]);
    }

    #[test]
    fn partitions_of_a_commit_that_died_are_removed_and_copies_left_for_repair() {
        let dir = tempfile::tempdir().unwrap();
        let d = dir.path();
        add(d, "baci", &[(2020, "KOR", "JPN", 1.0)]).unwrap();
        let before = Manifest::load(d).unwrap();
        let e2021 = add(d, "baci", &[(2021, "KOR", "JPN", 2.0)]).unwrap();
        // Killed after renaming 2021's partition into place, before the manifest listed it.
        before.save(d).unwrap();
        let dead = d.join(&e2021.years[1].file);
        // A user's copy of the listed 2020 partition under year=2021, same name: not ours
        // to remove (its checksum is listed), but not part of the dataset either.
        let listed = &before.sources[0].years[0].file;
        let name = listed.rsplit('/').next().unwrap();
        let copy = d.join("year=2021").join(name);
        std::fs::copy(d.join(listed), &copy).unwrap();
        // And a file named like a partition whose content does not match its name.
        let forged = d.join("year=2021/part-baci-0123456789abcdef.parquet");
        std::fs::copy(d.join(listed), &forged).unwrap();
        let notes = Notes::default();
        let options = WriteOptions {
            notes: notes.clone(),
            ..WriteOptions::default()
        };
        drop(DatasetWriter::open(d, "series:x", "series", options).unwrap());
        assert!(!dead.exists());
        assert!(copy.exists() && forged.exists());
        let notes = notes.take();
        assert!(
            notes.len() == 1
                && notes[0].contains(&e2021.years[1].file)
                && notes[0].contains("before its manifest listed it"),
            "{notes:?}"
        );
        let left = crate::dataset::verify(d).unwrap();
        let mut unlisted: Vec<&str> = left.problems.iter().map(|p| p.file.as_str()).collect();
        unlisted.sort_unstable();
        let copy_rel = format!("year=2021/{name}");
        let mut expected = vec![
            copy_rel.as_str(),
            "year=2021/part-baci-0123456789abcdef.parquet",
        ];
        expected.sort_unstable();
        assert_eq!(unlisted, expected);
    }

    #[test]
    fn a_second_process_is_refused_with_the_lock_named() {
        let dir = tempfile::tempdir().unwrap();
        add(dir.path(), "baci", &[(2020, "KOR", "JPN", 1.0)]).unwrap();
        // Another open file description behaves as another process would.
        let other = File::open(dir.path().join(lock::LOCK_FILE)).unwrap();
        other.lock().unwrap();
        let e = add(dir.path(), "baci", &[(2021, "KOR", "JPN", 1.0)])
            .unwrap_err()
            .to_string();
        assert!(e.contains(lock::LOCK_FILE) && e.contains("in use"), "{e}");
        other.unlock().unwrap();
        add(dir.path(), "baci", &[(2021, "KOR", "JPN", 1.0)]).unwrap();
    }

    #[test]
    fn a_dropped_writer_leaves_only_the_lock_file() {
        let dir = tempfile::tempdir().unwrap();
        {
            let mut w = DatasetWriter::create(dir.path(), "baci", "baci").unwrap();
            test_rows(&mut w, &[(2022, "KOR", "KOR", 3.0)]);
        }
        let left: Vec<String> = snapshot(dir.path()).into_iter().map(|(n, _)| n).collect();
        assert_eq!(left, [lock::LOCK_FILE]);
    }
}
