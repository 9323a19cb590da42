//! Claim checks beyond growth (which `projection` checks): a stated value against the
//! embedded series that is its source, and "X is p% of Y".

use crate::{Context, Error, Result, Version};
use hallyu_data::embedded;
use hallyu_measure::claims::{check_share, check_value, ShareCheck, ValueCheck, Verdict};
use hallyu_measure::projection::Stated;
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;

/// A claim to check.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, schemars::JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct ClaimRequest {
    /// Request format version (1).
    #[serde(default)]
    pub version: Version,
    /// The claim in words, as quoted.
    pub statement: String,
    /// What is checked.
    pub check: Check,
}

/// The kinds of claim.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, schemars::JsonSchema)]
#[serde(tag = "kind", rename_all = "snake_case", deny_unknown_fields)]
pub enum Check {
    /// "X is p% of Y": the stated share against the part and whole.
    Share {
        /// The part, as written.
        part: Stated,
        /// The whole, as written.
        whole: Stated,
        /// The share in percent, as written.
        pct: Stated,
    },
    /// A value in a year against an embedded series (`hallyu data series`).
    Value {
        /// The value, as written.
        stated: Stated,
        /// The year.
        year: i32,
        /// The embedded series (e.g. `kr_content_industry_exports`).
        series: String,
        /// Its value column (e.g. `exports_usd_bn`).
        column: String,
        /// Other columns that select the row (e.g. `sector = "total"`).
        #[serde(default)]
        filter: BTreeMap<String, String>,
    },
}

/// What a check found.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, schemars::JsonSchema)]
pub struct ClaimCheck {
    /// The claim in words.
    pub statement: String,
    /// The check's numbers and verdict.
    pub result: ClaimResult,
}

/// The numbers of a check.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, schemars::JsonSchema)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum ClaimResult {
    /// A share.
    Share(ShareCheck),
    /// A value.
    Value(ValueCheck),
}

impl ClaimCheck {
    /// The verdict.
    pub fn verdict(&self) -> &Verdict {
        match &self.result {
            ClaimResult::Share(s) => &s.verdict,
            ClaimResult::Value(v) => &v.verdict,
        }
    }
}

/// Checks the claim.
pub fn compute(_ctx: &Context, req: &ClaimRequest) -> Result<ClaimCheck> {
    let result = match &req.check {
        Check::Share { part, whole, pct } => ClaimResult::Share(check_share(*part, *whole, *pct)?),
        Check::Value {
            stated,
            year,
            series,
            column,
            filter,
        } => ClaimResult::Value(check_value(
            *stated,
            series_value(series, column, *year, filter)?,
        )),
    };
    Ok(ClaimCheck {
        statement: req.statement.clone(),
        result,
    })
}

/// The series' figure for the year and filter, or why there is none; an unknown series or
/// column, or a filter matching several rows, is an error of the request.
fn series_value(
    series: &str,
    column: &str,
    year: i32,
    filter: &BTreeMap<String, String>,
) -> Result<std::result::Result<f64, String>> {
    let table = embedded::series(series)?.table()?;
    let years = table.num("year")?;
    let values = table.num(column)?;
    let mut texts = Vec::new();
    for (name, wanted) in filter {
        texts.push((table.text(name)?, wanted.as_str()));
    }
    let rows: Vec<usize> = (0..table.nrows())
        .filter(|&i| years[i] == f64::from(year))
        .filter(|&i| {
            texts
                .iter()
                .all(|(col, wanted)| col.get(i) == Some(*wanted))
        })
        .collect();
    match rows.as_slice() {
        [] => Ok(Err(format!("the series {series} has no figure for {year}"))),
        [i] if values[*i].is_finite() => Ok(Ok(values[*i])),
        [_] => Ok(Err(format!(
            "the series {series} leaves {column} empty for {year}"
        ))),
        _ => Err(Error::field(
            "check.filter",
            format!(
                "{} rows of {series} match {year} and the filter; add columns to the filter",
                rows.len()
            ),
        )),
    }
}
