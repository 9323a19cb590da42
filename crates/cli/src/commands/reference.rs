//! `hallyu data countries|blocs|groups`: the reference tables, built in and the user's.

use crate::args::{DataArgs, ListFormat, OutputFormat};
use crate::exit::usage_bail;
use anyhow::Result;
use hallyu_api::reference::{ReferenceRequest, ReferenceTable};
use hallyu_api::{Request, Version};

/// Names of the reference tables `hallyu data` lists.
pub const TABLES: [&str; 3] = ["countries", "blocs", "groups"];

/// Lists one reference table.
pub fn run(a: &DataArgs) -> Result<u8> {
    let Some(table) = ReferenceTable::parse(&a.name) else {
        usage_bail!("unknown reference table `{}`", a.name);
    };
    let request = Request::Reference(ReferenceRequest {
        version: Version,
        table,
        year: a.year,
        reference: a.reference.clone(),
        classification: a.classification.clone(),
    });
    let format = match a.format {
        ListFormat::Table => OutputFormat::Table,
        ListFormat::Json => OutputFormat::Json,
        ListFormat::Csv => OutputFormat::Csv,
    };
    super::execute(&request, format, a.out.as_deref(), true, a.print_request)
}
