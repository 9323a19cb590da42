//! Progress on stderr: a spinner with the current iteration, shown only on a terminal and
//! never with `--quiet`.

use hallyu_estimate::Progress;
use indicatif::{ProgressBar, ProgressDrawTarget, ProgressStyle};
use std::io::IsTerminal;
use std::time::Duration;

/// Draws estimation progress.
pub struct Spinner {
    bar: Option<ProgressBar>,
}

impl Spinner {
    /// A spinner with a message, or nothing when quiet or stderr is not a terminal.
    pub fn new(message: &str, quiet: bool) -> Spinner {
        if quiet || !std::io::stderr().is_terminal() {
            return Spinner { bar: None };
        }
        let bar = ProgressBar::with_draw_target(None, ProgressDrawTarget::stderr());
        if let Ok(style) = ProgressStyle::with_template("{spinner} {elapsed:>4} {msg}") {
            bar.set_style(style);
        }
        bar.set_message(message.to_string());
        bar.enable_steady_tick(Duration::from_millis(120));
        Spinner { bar: Some(bar) }
    }

    /// Replaces the message.
    pub fn set(&self, message: String) {
        if let Some(b) = &self.bar {
            b.set_message(message);
        }
    }
}

impl Drop for Spinner {
    fn drop(&mut self) {
        if let Some(b) = &self.bar {
            b.finish_and_clear();
        }
    }
}

impl Progress for Spinner {
    fn stage(&self, what: &str) {
        self.set(what.to_string());
    }

    fn update(&self, stage: &str, iteration: usize, criterion: f64) {
        // Counted work (coefficient draws) has no convergence criterion.
        self.set(if criterion.is_finite() {
            format!("{stage}: iteration {iteration}, relative change in deviance {criterion:.2e}")
        } else {
            format!("{stage}: {iteration} done")
        });
    }
}
