//! What every computation receives besides its request: where progress and warnings go.

use hallyu_data::ingest::{IngestProgress, NoProgress as NoIngestProgress};
use hallyu_data::Table;
use hallyu_estimate::{NoProgress, Progress};
use std::collections::HashMap;
use std::sync::{Arc, Mutex};

/// The caller's side of a computation.
pub struct Context<'a> {
    /// Receives progress of long work (a spinner in a terminal, a job's state in the server,
    /// tqdm in a notebook); libraries never print.
    pub progress: &'a dyn Progress,
    /// Receives the bytes read of each input file of an ingest.
    pub ingest_progress: &'a dyn IngestProgress,
    /// What the user should know that is not part of the result (files a dataset writer
    /// removed, ...), collected for the front end to show whatever the outcome.
    warnings: Mutex<Vec<String>>,
    /// How the data was built (a dataset read as a panel: rows left out, zeros filled...),
    /// for the front end to show next to the result.
    notes: Mutex<Vec<String>>,
    /// Tables read from dataset folders, by what was read: a composition of requests on
    /// one dataset (a report) reads it once. Lives as long as the context.
    tables: Mutex<HashMap<String, Arc<Table>>>,
    /// The most rows a computation may take from its data (a server's bound); none when
    /// `None`.
    max_rows: Option<usize>,
}

impl Context<'static> {
    /// A context that reports nothing.
    pub fn quiet() -> Context<'static> {
        Context::new(&NoProgress)
    }
}

impl<'a> Context<'a> {
    /// A context that reports to `progress`.
    pub fn new(progress: &'a dyn Progress) -> Context<'a> {
        Context {
            progress,
            ingest_progress: &NoIngestProgress,
            warnings: Mutex::new(Vec::new()),
            notes: Mutex::new(Vec::new()),
            tables: Mutex::new(HashMap::new()),
            max_rows: None,
        }
    }

    /// The same context, reporting ingest progress to `progress`.
    pub fn with_ingest_progress(mut self, progress: &'a dyn IngestProgress) -> Context<'a> {
        self.ingest_progress = progress;
        self
    }

    /// The same context, refusing data of more than `rows` rows.
    pub fn with_max_rows(mut self, rows: usize) -> Context<'a> {
        self.max_rows = Some(rows);
        self
    }

    /// An error when `rows` rows of data are more than the context allows.
    pub fn check_rows(&self, rows: usize) -> crate::Result<()> {
        match self.max_rows {
            Some(max) if rows > max => Err(crate::Error::field(
                "data",
                format!("the data has {rows} rows, over the limit of {max} rows"),
            )),
            _ => Ok(()),
        }
    }

    /// Says what is being done now (e.g. "reading trade flows").
    pub fn stage(&self, what: &str) {
        self.progress.stage(what);
    }

    /// An error when the caller asked the work to stop (between the calls of a
    /// composition such as the report; estimations also stop inside their loops).
    pub fn check_cancelled(&self) -> crate::Result<()> {
        if self.progress.cancelled() {
            return Err(hallyu_estimate::EstimateError::Cancelled.into());
        }
        Ok(())
    }

    /// Adds a warning.
    pub fn warn(&self, message: String) {
        push(&self.warnings, message);
    }

    /// Takes the warnings collected so far.
    pub fn take_warnings(&self) -> Vec<String> {
        take(&self.warnings)
    }

    /// Adds a note on how the data was built.
    pub fn note(&self, message: String) {
        push(&self.notes, message);
    }

    /// Takes the notes collected so far.
    pub fn take_notes(&self) -> Vec<String> {
        take(&self.notes)
    }

    /// The table `key` names, read by `read` the first time and kept for the context's
    /// lifetime. The key must say everything the read depends on (folder, years, columns).
    pub(crate) fn table(
        &self,
        key: String,
        read: impl FnOnce() -> crate::Result<Table>,
    ) -> crate::Result<Arc<Table>> {
        let cached = self
            .tables
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner)
            .get(&key)
            .cloned();
        if let Some(t) = cached {
            return Ok(t);
        }
        let t = Arc::new(read()?);
        self.tables
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner)
            .insert(key, Arc::clone(&t));
        Ok(t)
    }
}

fn push(list: &Mutex<Vec<String>>, message: String) {
    list.lock()
        .unwrap_or_else(std::sync::PoisonError::into_inner)
        .push(message);
}

fn take(list: &Mutex<Vec<String>>) -> Vec<String> {
    std::mem::take(
        &mut *list
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner),
    )
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::cell::Cell;

    #[test]
    fn a_table_is_read_once_per_key() {
        let ctx = Context::quiet();
        let reads = Cell::new(0);
        let read = || {
            reads.set(reads.get() + 1);
            Ok(Table::new())
        };
        let a = ctx.table("a".into(), read).expect("read");
        let again = ctx
            .table("a".into(), || panic!("read twice"))
            .expect("cached");
        assert!(Arc::ptr_eq(&a, &again));
        let _ = ctx.table("b".into(), read).expect("another key");
        assert_eq!(reads.get(), 2);
        assert!(ctx.check_rows(1_000_000_000).is_ok(), "no bound by default");
        let bounded = Context::quiet().with_max_rows(10);
        assert!(bounded.check_rows(10).is_ok());
        let e = bounded.check_rows(11).expect_err("over");
        assert_eq!(
            e.to_string(),
            "the data has 11 rows, over the limit of 10 rows"
        );
        // A failed read is not kept.
        let failed = ctx.table("c".into(), || Err(crate::Error::field("x", "no")));
        assert!(failed.is_err());
        assert!(ctx.table("c".into(), read).is_ok());
    }
}
