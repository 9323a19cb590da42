//! A dataset folder against its manifest: what `verify` found, what `repair` removed.

use super::json;
use crate::{Format, RenderError};
use hallyu_api::dataset::DatasetReport;
use hallyu_data::dataset::Verification;

/// The formats a dataset report is written in.
const FORMATS: &[Format] = &[Format::Table, Format::Json];

/// Renders a dataset report as a table or JSON.
pub fn render_dataset(report: &DatasetReport, format: Format) -> Result<String, RenderError> {
    Ok(match (report, format) {
        (DatasetReport::Verify(v), Format::Json) => json("dataset verification", v)?,
        (DatasetReport::Repair(r), Format::Json) => json("dataset repair", r)?,
        (DatasetReport::Verify(v), Format::Table) => verification_text(v),
        (DatasetReport::Repair(r), Format::Table) => {
            let dir = std::path::Path::new(&r.after.dataset);
            let mut out = String::new();
            if r.removed.is_empty() {
                out.push_str(&format!("{}: nothing to remove\n", dir.display()));
            }
            for f in &r.removed {
                out.push_str(&format!(
                    "removed {} ({} bytes, {})\n",
                    dir.join(&f.file).display(),
                    f.bytes,
                    f.kind.name()
                ));
            }
            out.push_str(&verification_text(&r.after));
            if !r.after.is_clean() {
                out.push_str(
                    "repair never touches listed partitions: ingest their source again with --replace\n",
                );
            }
            out
        }
        (_, format) => {
            return Err(RenderError::Unsupported {
                what: "dataset reports are",
                supported: FORMATS,
                format,
            })
        }
    })
}

/// A verification: the folder's counts, then its problems one a line, or that it is
/// clean.
fn verification_text(v: &Verification) -> String {
    let mut out = format!(
        "{}: {} partition(s), {} rows listed; ",
        v.dataset, v.partitions, v.rows
    );
    if v.is_clean() {
        out.push_str("clean: the folder is what its manifest says\n");
        return out;
    }
    out.push_str(&format!("{} problem(s)\n", v.problems.len()));
    let width = v
        .problems
        .iter()
        .map(|p| p.kind.name().len())
        .max()
        .unwrap_or(0);
    for p in &v.problems {
        out.push_str(&format!("  {:width$}  {}\n", p.kind.name(), p.message));
    }
    out
}
