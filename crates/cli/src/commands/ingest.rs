//! `hallyu ingest`: trade data into a year-partitioned Parquet dataset.

use crate::args::{IngestArgs, IngestKind, OnDuplicateArg, OutputFormat, ReportFormat};
use crate::exit::usage_bail;
use anyhow::Result;
use hallyu_api::ingest::{IngestKind as Kind, IngestOutcome, IngestRequest};
use hallyu_api::{Context, Request, Response, Version};
use hallyu_data::ingest::gravity::GravityReport;
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
        crate::output::emit(&render(outcome, format)?, None)?;
    }
    Ok(0)
}

/// What the reports say the user should know, on stderr.
fn warn(report: &[IngestReport], out: &std::path::Path) {
    for r in report {
        if added(r) == 0 {
            eprintln!(
                "warning: {}: the input brought no rows, so nothing was added (the source has {} rows)",
                r.source.source, r.source.rows
            );
        }
        for w in &r.warnings {
            eprintln!("warning: {}: {w}", r.source.source);
        }
        if let Some(pair) = &r.duplicates.first {
            eprintln!(
                "warning: {}: {} row(s) repeated an earlier row's key ({}); first: {}, line {} repeats {}, line {} ({})",
                r.source.source,
                r.duplicates.rows,
                match r.duplicates.policy {
                    OnDuplicate::Sum => "added to it",
                    _ => "dropped, the first kept",
                },
                pair.repeat.file,
                pair.repeat.line,
                pair.first.file,
                pair.first.line,
                pair.key
            );
        }
        if r.source.malformed_rows > 0 {
            eprintln!(
                "warning: {}: {} malformed row(s) not ingested, listed in {} (first: {}, line {}: {})",
                r.source.source,
                r.source.malformed_rows,
                out.join(r.source.malformed_file.as_deref().unwrap_or_default())
                    .display(),
                r.first_malformed.first().map_or("", |m| m.file.as_str()),
                r.first_malformed.first().map_or(0, |m| m.line),
                r.first_malformed.first().map_or("", |m| m.reason.as_str()),
            );
        }
    }
}

/// Renders what an ingest did.
pub fn render(outcome: &IngestOutcome, format: OutputFormat) -> Result<String> {
    Ok(match (outcome, format) {
        (IngestOutcome::Flows(r), OutputFormat::Json) => json(serde_json::to_string_pretty(r)?),
        (IngestOutcome::Gravity(r), OutputFormat::Json) => json(serde_json::to_string_pretty(r)?),
        (IngestOutcome::Flows(r), OutputFormat::Table) => render_flows(r),
        (IngestOutcome::Gravity(r), OutputFormat::Table) => render_gravity(r),
        (_, f) => usage_bail!("ingest reports are written as table or json, not {f:?}"),
    })
}

fn json(mut s: String) -> String {
    s.push('\n');
    s
}

fn render_gravity(r: &GravityReport) -> String {
    let mut s = format!(
        "gravity: {} rows by pair{} into {} ({} covariates: {})\n",
        r.rows,
        if r.by_year { " and year" } else { "" },
        r.dataset,
        r.columns.len(),
        r.columns.join(", ")
    );
    if r.skipped_not_existing > 0 {
        s.push_str(&format!(
            "  {} row(s) of countries that did not exist in the row's year skipped (country_exists_o/_d = 0)\n",
            r.skipped_not_existing
        ));
    }
    if !r.not_kept.is_empty() {
        s.push_str(&format!(
            "  text columns not kept: {}\n",
            r.not_kept.join(", ")
        ));
    }
    s
}

/// Rows this ingest wrote (the source's entry also counts the years it had before).
fn added(r: &IngestReport) -> u64 {
    r.files.iter().map(|f| f.rows).sum()
}

fn render_flows(reports: &[IngestReport]) -> String {
    let mut out = String::new();
    for r in reports {
        let s = &r.source;
        let now = added(r);
        out.push_str(&format!(
            "{}: {} rows in {} year(s) into {}{} ({} malformed{}{})\n",
            s.source,
            s.rows,
            s.years.len(),
            r.dataset,
            if now == s.rows {
                String::new()
            } else {
                format!(", {now} of them added by this ingest")
            },
            s.malformed_rows,
            if r.duplicates.rows > 0 {
                format!(
                    ", {} duplicate ({})",
                    r.duplicates.rows,
                    r.duplicates.policy.as_str()
                )
            } else {
                String::new()
            },
            r.skipped_reason
                .as_ref()
                .map(|why| format!(
                    "; {} skipped: {why}",
                    r.files.iter().map(|f| f.skipped_rows).sum::<u64>()
                ))
                .unwrap_or_default()
        ));
        let width = r
            .files
            .iter()
            .map(|f| f.file.len())
            .max()
            .unwrap_or(4)
            .max(4);
        out.push_str(&format!(
            "  {:width$}  {:>12}  {:>9}  {:>9}  {:>9}\n",
            "file", "rows", "malformed", "skipped", "duplicate"
        ));
        for f in &r.files {
            out.push_str(&format!(
                "  {:width$}  {:>12}  {:>9}  {:>9}  {:>9}\n",
                f.file, f.rows, f.malformed_rows, f.skipped_rows, f.duplicate_rows
            ));
        }
        for y in &s.years {
            out.push_str(&format!("  {} {:>12} rows  {}\n", y.year, y.rows, y.file));
        }
    }
    out
}
