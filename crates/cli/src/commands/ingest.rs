//! `hallyu ingest`: trade data into a year-partitioned Parquet dataset.

use crate::args::{IngestArgs, IngestKind, OnDuplicateArg, OutputFormat, ReportFormat};
use anyhow::Result;
use hallyu_api::ingest::{IngestKind as Kind, IngestOutcome, IngestRequest};
use hallyu_api::{Context, Request, Response, Version};
use hallyu_data::ingest::{IngestProgress, IngestReport, OnDuplicate};
use indicatif::{ProgressBar, ProgressDrawTarget, ProgressStyle};
use std::io::IsTerminal;

/// A byte-count progress bar per input file on stderr (only on a terminal, never quiet);
/// the bar takes whatever width the file name and counters leave, so it never wraps.
struct Bar {
    bar: Option<ProgressBar>,
}

impl Bar {
    fn new(quiet: bool) -> Bar {
        if quiet || !std::io::stderr().is_terminal() {
            return Bar { bar: None };
        }
        let bar = ProgressBar::with_draw_target(None, ProgressDrawTarget::stderr());
        if let Ok(style) = ProgressStyle::with_template(
            "{spinner} {msg} [{wide_bar}] {bytes}/{total_bytes} {bytes_per_sec}",
        ) {
            bar.set_style(style.progress_chars("=> "));
        }
        Bar { bar: Some(bar) }
    }
}

impl IngestProgress for Bar {
    fn file(&self, name: &str, bytes: Option<u64>) {
        if let Some(b) = &self.bar {
            b.reset();
            b.set_length(bytes.unwrap_or(0));
            b.set_message(name.rsplit('/').next().unwrap_or(name).to_string());
        }
    }

    fn advance(&self, bytes: u64) {
        if let Some(b) = &self.bar {
            b.inc(bytes);
        }
    }
}

impl Drop for Bar {
    fn drop(&mut self) {
        if let Some(b) = &self.bar {
            b.finish_and_clear();
        }
    }
}

/// Runs the command.
pub fn run(a: IngestArgs) -> Result<u8> {
    let request = Request::Ingest(IngestRequest {
        version: Version,
        kind: match a.kind {
            IngestKind::Baci => Kind::Baci,
            IngestKind::Unctadstat => Kind::Unctadstat,
            IngestKind::Comtrade => Kind::Comtrade,
            IngestKind::Series => Kind::Series,
            IngestKind::Gravity => Kind::Gravity,
        },
        inputs: a.inputs.clone(),
        out: a.out.clone(),
        strict: a.strict,
        replace: a.replace,
        on_duplicate: match a.on_duplicate {
            OnDuplicateArg::Error => OnDuplicate::Error,
            OnDuplicateArg::KeepFirst => OnDuplicate::KeepFirst,
            OnDuplicateArg::Sum => OnDuplicate::Sum,
        },
    });
    if a.print_request {
        return super::execute(&request, OutputFormat::Json, None, true, true);
    }
    let outcome = {
        let bar = Bar::new(a.quiet);
        let ctx = Context::new(&hallyu_estimate::NoProgress).with_ingest_progress(&bar);
        let outcome = hallyu_api::run(&ctx, &request);
        // What the writer removed or replaced, whether or not the ingest then succeeded.
        for note in ctx.take_warnings() {
            eprintln!("warning: {note}");
        }
        outcome
    };
    let response = outcome.map_err(crate::exit::from_api)?;
    let Response::Ingest(outcome) = &response else {
        return Err(anyhow::anyhow!(
            "an ingest request answered with {response:?}"
        ));
    };
    if let IngestOutcome::Flows(reports) = outcome {
        warn(reports, &a.out);
    }
    if !a.quiet {
        let format = match a.format {
            ReportFormat::Json => OutputFormat::Json,
            ReportFormat::Table => OutputFormat::Table,
        };
        crate::output::emit(&super::render(&response, format)?, None)?;
    }
    Ok(0)
}

/// What the reports say the user should know, on stderr.
fn warn(reports: &[IngestReport], out: &std::path::Path) {
    for w in hallyu_render::response::ingest_warnings(reports, out) {
        eprintln!("warning: {w}");
    }
}
