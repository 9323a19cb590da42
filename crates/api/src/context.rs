//! What every computation receives besides its request: where progress and warnings go.

use hallyu_data::ingest::{IngestProgress, NoProgress as NoIngestProgress};
use hallyu_estimate::{NoProgress, Progress};
use std::sync::Mutex;

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
        }
    }

    /// The same context, reporting ingest progress to `progress`.
    pub fn with_ingest_progress(mut self, progress: &'a dyn IngestProgress) -> Context<'a> {
        self.ingest_progress = progress;
        self
    }

    /// Says what is being done now (e.g. "reading trade flows").
    pub fn stage(&self, what: &str) {
        self.progress.stage(what);
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
