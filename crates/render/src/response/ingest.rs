//! What an ingest wrote: rows by source, file and year, and what the user should know.

use super::json;
use crate::{Format, RenderError};
use hallyu_api::ingest::IngestOutcome;
use hallyu_data::ingest::gravity::GravityReport;
use hallyu_data::ingest::{IngestReport, OnDuplicate};
use std::path::Path;

/// The formats an ingest report is written in.
const FORMATS: &[Format] = &[Format::Table, Format::Json];

/// Renders what an ingest did, as a table or JSON.
pub fn render_ingest(outcome: &IngestOutcome, format: Format) -> Result<String, RenderError> {
    Ok(match (outcome, format) {
        (IngestOutcome::Flows(r), Format::Json) => json("ingest reports", r)?,
        (IngestOutcome::Gravity(r), Format::Json) => json("gravity ingest report", r)?,
        (IngestOutcome::Flows(r), Format::Table) => flows_text(r),
        (IngestOutcome::Gravity(r), Format::Table) => gravity_text(r),
        (_, format) => {
            return Err(RenderError::Unsupported {
                what: "ingest reports are",
                supported: FORMATS,
                format,
            })
        }
    })
}

/// What the reports of a flows ingest into the dataset folder `out` say the user should
/// know, one warning a line (without a `warning:` prefix): an input that added nothing,
/// the readers' warnings, repeated keys and malformed rows with the first of each.
pub fn ingest_warnings(reports: &[IngestReport], out: &Path) -> Vec<String> {
    let mut lines = Vec::new();
    for r in reports {
        if added(r) == 0 {
            lines.push(format!(
                "{}: the input brought no rows, so nothing was added (the source has {} rows)",
                r.source.source, r.source.rows
            ));
        }
        for w in &r.warnings {
            lines.push(format!("{}: {w}", r.source.source));
        }
        if let Some(pair) = &r.duplicates.first {
            lines.push(format!(
                "{}: {} row(s) repeated an earlier row's key ({}); first: {}, line {} repeats {}, line {} ({})",
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
            ));
        }
        if r.source.malformed_rows > 0 {
            lines.push(format!(
                "{}: {} malformed row(s) not ingested, listed in {} (first: {}, line {}: {})",
                r.source.source,
                r.source.malformed_rows,
                out.join(r.source.malformed_file.as_deref().unwrap_or_default())
                    .display(),
                r.first_malformed.first().map_or("", |m| m.file.as_str()),
                r.first_malformed.first().map_or(0, |m| m.line),
                r.first_malformed.first().map_or("", |m| m.reason.as_str()),
            ));
        }
    }
    lines
}

fn gravity_text(r: &GravityReport) -> String {
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

fn flows_text(reports: &[IngestReport]) -> String {
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
