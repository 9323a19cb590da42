//! What every computation receives besides its request: where progress goes.

use hallyu_estimate::{NoProgress, Progress};

/// The caller's side of a computation.
pub struct Context<'a> {
    /// Receives progress of long work (a spinner in a terminal, a job's state in the server,
    /// tqdm in a notebook); libraries never print.
    pub progress: &'a dyn Progress,
}

impl Context<'static> {
    /// A context that reports nothing.
    pub fn quiet() -> Context<'static> {
        Context {
            progress: &NoProgress,
        }
    }
}

impl<'a> Context<'a> {
    /// A context that reports to `progress`.
    pub fn new(progress: &'a dyn Progress) -> Context<'a> {
        Context { progress }
    }

    /// Says what is being done now (e.g. "reading trade flows").
    pub fn stage(&self, what: &str) {
        self.progress.stage(what);
    }
}
