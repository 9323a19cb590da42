//! Ingest: trade data (BACI, UNCTADstat, Comtrade, tidy series) or gravity covariates into
//! a year-partitioned Parquet dataset folder.

use crate::{Context, Error, Result, Version};
use hallyu_data::ingest::{self, gravity::GravityReport, IngestOptions, IngestReport, OnDuplicate};
use serde::{Deserialize, Serialize};
use std::path::PathBuf;

/// What the inputs are.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, schemars::JsonSchema)]
#[serde(rename_all = "snake_case")]
pub enum IngestKind {
    /// A CEPII BACI release: folder, zip, or one BACI csv next to its country file.
    Baci,
    /// UNCTADstat bulk CSV files, either layout, recognised by their header.
    Unctadstat,
    /// UN Comtrade CSV downloads (Comtrade+ or legacy), recognised by their header.
    Comtrade,
    /// Tidy CSV series: country, [partner,] year, sector, flow, value, unit.
    Series,
    /// Gravity covariates in CEPII's layouts (Gravity, GeoDist) as .csv, .dta or .parquet.
    Gravity,
}

/// An ingest.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, schemars::JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct IngestRequest {
    /// Request format version (1).
    #[serde(default)]
    pub version: Version,
    /// What the inputs are.
    pub kind: IngestKind,
    /// Input files, folders or zip archives.
    pub inputs: Vec<PathBuf>,
    /// The dataset folder (created when missing; must be empty or a hallyu dataset).
    pub out: PathBuf,
    /// Fail at the first malformed row and write nothing (default: keep going, list the
    /// rejected rows in the folder's `malformed-<source>.csv`).
    #[serde(default)]
    pub strict: bool,
    /// Replace the source as a whole (all its years) instead of adding the years the input
    /// brings (a year the source already has is then refused).
    #[serde(default)]
    pub replace: bool,
    /// Rows with the same key as an earlier row: `error` (default), `keep-first` or `sum`.
    #[serde(default)]
    pub on_duplicate: OnDuplicate,
}

/// What an ingest did.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, schemars::JsonSchema)]
#[serde(tag = "kind", content = "reports", rename_all = "snake_case")]
pub enum IngestOutcome {
    /// Trade flows: one report per source written.
    Flows(Vec<IngestReport>),
    /// Gravity covariates.
    Gravity(GravityReport),
}

/// Runs the ingest. What the writer removed or replaced (leftovers of killed ingests,
/// years a replace dropped) goes to the context's warnings, whether or not the ingest
/// then succeeds.
pub fn compute(ctx: &Context, req: &IngestRequest) -> Result<IngestOutcome> {
    let one = |what: &str| -> Result<&PathBuf> {
        match req.inputs.as_slice() {
            [one] => Ok(one),
            inputs => Err(Error::field(
                "inputs",
                format!("{what}, got {} inputs", inputs.len()),
            )),
        }
    };
    if req.inputs.is_empty() {
        return Err(Error::field("inputs", "no input file given"));
    }
    let options = IngestOptions {
        out: req.out.clone(),
        strict: req.strict,
        replace: req.replace,
        on_duplicate: req.on_duplicate,
        ..IngestOptions::default()
    };
    let progress = ctx.ingest_progress;
    let outcome = match req.kind {
        IngestKind::Gravity => {
            let input = one(
                "gravity covariates come in one file (CEPII Gravity or GeoDist, .csv, .dta or .parquet)",
            )?;
            return Ok(IngestOutcome::Gravity(ingest::gravity::ingest(
                input, &req.out,
            )?));
        }
        IngestKind::Baci => {
            let input =
                one("a BACI ingest takes one release (a folder, a zip, or one BACI csv file)")?;
            ingest::baci::ingest(input, &options, progress).map(|r| vec![r])
        }
        IngestKind::Unctadstat => {
            ingest::unctadstat::ingest(&req.inputs, &options, progress).map(|r| vec![r])
        }
        IngestKind::Comtrade => {
            ingest::comtrade::ingest(&req.inputs, &options, progress).map(|r| vec![r])
        }
        IngestKind::Series => ingest::series::ingest(&req.inputs, &options, progress),
    };
    for note in options.notes.take() {
        ctx.warn(note);
    }
    Ok(IngestOutcome::Flows(outcome?))
}
