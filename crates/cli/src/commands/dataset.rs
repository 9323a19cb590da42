//! `hallyu dataset verify|repair`: a dataset folder against its manifest.

use crate::args::{DatasetAction, DatasetArgs, ReportFormat};
use anyhow::Result;
use hallyu_data::dataset::{self, Verification};

/// Exit status when the folder is not what its manifest says (invalid data).
const EXIT_PROBLEMS: u8 = crate::exit::Status::Input as u8;

/// Runs the command.
pub fn run(a: DatasetArgs) -> Result<u8> {
    match a.action {
        DatasetAction::Verify { dir, format } => {
            let v = dataset::verify(&dir)?;
            let text = match format {
                ReportFormat::Json => json(serde_json::to_string_pretty(&v)?),
                ReportFormat::Table => render_verification(&v),
            };
            crate::output::emit(&text, None)?;
            Ok(if v.is_clean() { 0 } else { EXIT_PROBLEMS })
        }
        DatasetAction::Repair { dir, format } => {
            let r = dataset::repair(&dir)?;
            let text = match format {
                ReportFormat::Json => json(serde_json::to_string_pretty(&r)?),
                ReportFormat::Table => {
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
                    out.push_str(&render_verification(&r.after));
                    if !r.after.is_clean() {
                        out.push_str(
                            "repair never touches listed partitions: ingest their source again with --replace\n",
                        );
                    }
                    out
                }
            };
            crate::output::emit(&text, None)?;
            Ok(if r.after.is_clean() { 0 } else { EXIT_PROBLEMS })
        }
    }
}

fn json(mut s: String) -> String {
    s.push('\n');
    s
}

fn render_verification(v: &Verification) -> String {
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
