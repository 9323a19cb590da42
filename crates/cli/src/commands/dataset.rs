//! `hallyu dataset verify|repair`: a dataset folder against its manifest.

use crate::args::{DatasetAction, DatasetArgs, OutputFormat, ReportFormat};
use crate::exit::usage_bail;
use anyhow::Result;
use hallyu_api::dataset::{DatasetAction as Action, DatasetReport, DatasetRequest};
use hallyu_api::{Request, Version};
use hallyu_data::dataset::Verification;

/// Runs the command: exit status 1 when the folder is not (or, after a repair, still not)
/// what its manifest says.
pub fn run(a: DatasetArgs) -> Result<u8> {
    let (action, dir, format, print_request) = match a.action {
        DatasetAction::Verify {
            dir,
            format,
            print_request,
        } => (Action::Verify, dir, format, print_request),
        DatasetAction::Repair {
            dir,
            format,
            print_request,
        } => (Action::Repair, dir, format, print_request),
    };
    let request = Request::Dataset(DatasetRequest {
        version: Version,
        action,
        dir,
    });
    let format = match format {
        ReportFormat::Table => OutputFormat::Table,
        ReportFormat::Json => OutputFormat::Json,
    };
    super::execute(&request, format, None, true, print_request)
}

/// Renders a dataset report.
pub fn render(report: &DatasetReport, format: OutputFormat) -> Result<String> {
    Ok(match (report, format) {
        (DatasetReport::Verify(v), OutputFormat::Json) => json(serde_json::to_string_pretty(v)?),
        (DatasetReport::Repair(r), OutputFormat::Json) => json(serde_json::to_string_pretty(r)?),
        (DatasetReport::Verify(v), OutputFormat::Table) => render_verification(v),
        (DatasetReport::Repair(r), OutputFormat::Table) => {
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
            out.push_str(&render_verification(&r.after));
            if !r.after.is_clean() {
                out.push_str(
                    "repair never touches listed partitions: ingest their source again with --replace\n",
                );
            }
            out
        }
        (_, f) => usage_bail!("dataset reports are written as table or json, not {f:?}"),
    })
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
