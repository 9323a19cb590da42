//! A dataset folder against its manifest: verify, repair.

use crate::{Context, Result, Version};
use hallyu_data::dataset::{self, Repair, Verification};
use serde::{Deserialize, Serialize};
use std::path::PathBuf;

/// What to do with a dataset folder.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, schemars::JsonSchema)]
#[serde(rename_all = "snake_case")]
pub enum DatasetAction {
    /// Report every way the folder differs from its manifest; change nothing.
    Verify,
    /// Remove what the manifest does not list (stray Parquet files, leftovers of
    /// interrupted ingests); listed partitions are never touched.
    Repair,
}

/// A dataset check.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, schemars::JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct DatasetRequest {
    /// Request format version (1).
    #[serde(default)]
    pub version: Version,
    /// Verify or repair.
    pub action: DatasetAction,
    /// The dataset folder.
    pub dir: PathBuf,
}

/// What the check found (and, for a repair, what it removed).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, schemars::JsonSchema)]
#[serde(tag = "action", rename_all = "snake_case")]
pub enum DatasetReport {
    /// A verification.
    Verify(Verification),
    /// A repair and the verification after it.
    Repair(Repair),
}

impl DatasetReport {
    /// Whether the folder is (now) what its manifest says.
    pub fn is_clean(&self) -> bool {
        match self {
            DatasetReport::Verify(v) => v.is_clean(),
            DatasetReport::Repair(r) => r.after.is_clean(),
        }
    }
}

/// Runs the check.
pub fn compute(_ctx: &Context, req: &DatasetRequest) -> Result<DatasetReport> {
    Ok(match req.action {
        DatasetAction::Verify => DatasetReport::Verify(dataset::verify(&req.dir)?),
        DatasetAction::Repair => DatasetReport::Repair(dataset::repair(&req.dir)?),
    })
}
