//! `hallyu ingest`: trade data into a year-partitioned Parquet dataset.

use crate::args::{IngestArgs, IngestKind, OnDuplicateArg, ReportFormat};
use crate::exit::usage_bail;
use anyhow::Result;
use hallyu_data::ingest::{self, IngestOptions, IngestProgress, IngestReport, OnDuplicate};
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

/// `hallyu ingest gravity FILE`: covariates, not flows.
fn gravity(a: &IngestArgs) -> Result<u8> {
    if a.inputs.len() != 1 {
        usage_bail!(
            "ingest gravity takes one file (CEPII Gravity or GeoDist, .csv, .dta or .parquet), got {}",
            a.inputs.len()
        );
    }
    let r = ingest::gravity::ingest(&a.inputs[0], &a.out)?;
    if !a.quiet {
        let text = match a.format {
            ReportFormat::Json => {
                let mut s = serde_json::to_string_pretty(&r)?;
                s.push('\n');
                s
            }
            ReportFormat::Table => {
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
        };
        crate::output::emit(&text, None)?;
    }
    Ok(0)
}

/// Runs the command.
pub fn run(a: IngestArgs) -> Result<u8> {
    let options = IngestOptions {
        out: a.out.clone(),
        strict: a.strict,
        replace: a.replace,
        on_duplicate: match a.on_duplicate {
            OnDuplicateArg::Error => OnDuplicate::Error,
            OnDuplicateArg::KeepFirst => OnDuplicate::KeepFirst,
            OnDuplicateArg::Sum => OnDuplicate::Sum,
        },
        ..IngestOptions::default()
    };
    let outcome = {
        let bar = Bar::new(a.quiet);
        match a.kind {
            IngestKind::Baci => {
                if a.inputs.len() != 1 {
                    usage_bail!("ingest baci takes one release (a folder, a zip, or one BACI csv file), got {}", a.inputs.len());
                }
                ingest::baci::ingest(&a.inputs[0], &options, &bar).map(|r| vec![r])
            }
            IngestKind::Unctadstat => {
                ingest::unctadstat::ingest(&a.inputs, &options, &bar).map(|r| vec![r])
            }
            IngestKind::Comtrade => {
                ingest::comtrade::ingest(&a.inputs, &options, &bar).map(|r| vec![r])
            }
            IngestKind::Series => ingest::series::ingest(&a.inputs, &options, &bar),
            IngestKind::Gravity => return gravity(&a),
        }
    };
    // What the writer removed or replaced, whether or not the ingest then succeeded.
    for note in options.notes.take() {
        eprintln!("warning: {note}");
    }
    // A choice only the user can make (add or --replace) is a usage error, by the error's
    // variant (see `crate::exit`).
    let report = outcome?;
    for r in &report {
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
                a.out
                    .join(r.source.malformed_file.as_deref().unwrap_or_default())
                    .display(),
                r.first_malformed.first().map_or("", |m| m.file.as_str()),
                r.first_malformed.first().map_or(0, |m| m.line),
                r.first_malformed.first().map_or("", |m| m.reason.as_str()),
            );
        }
    }
    if !a.quiet {
        let text = match a.format {
            ReportFormat::Json => {
                let mut s = serde_json::to_string_pretty(&report)?;
                s.push('\n');
                s
            }
            ReportFormat::Table => render(&report),
        };
        crate::output::emit(&text, None)?;
    }
    Ok(0)
}

/// Rows this ingest wrote (the source's entry also counts the years it had before).
fn added(r: &IngestReport) -> u64 {
    r.files.iter().map(|f| f.rows).sum()
}

fn render(reports: &[IngestReport]) -> String {
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
