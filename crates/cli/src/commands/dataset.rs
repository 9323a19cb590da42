//! `hallyu dataset verify|repair`: a dataset folder against its manifest.

use crate::args::{DatasetAction, DatasetArgs, OutputFormat, ReportFormat};
use anyhow::Result;
use hallyu_api::dataset::{DatasetAction as Action, DatasetRequest};
use hallyu_api::{Request, Version};

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
