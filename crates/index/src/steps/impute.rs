//! Imputation of missing values, indicator by indicator.

use super::{mean, median};
use crate::dataset::DataSet;
use crate::units::Units;
use crate::{IndexError, Result};

/// How missing values are filled.
#[derive(Debug, Clone, PartialEq, serde::Serialize, serde::Deserialize, schemars::JsonSchema)]
#[serde(tag = "method", content = "group", rename_all = "kebab-case")]
pub enum Impute {
    /// Left missing.
    None,
    /// The indicator's mean over the units.
    Mean,
    /// The indicator's median over the units.
    Median,
    /// The mean over the units of the same group (a group column of the data).
    GroupMean(String),
    /// The median over the units of the same group.
    GroupMedian(String),
    /// Expectation–maximisation under a multivariate normal model, the indicators of each
    /// aggregate together (see [`super::em`]).
    Em,
}

impl std::str::FromStr for Impute {
    type Err = IndexError;

    /// `none`, `mean`, `median`, `group-mean:COL`, `group-median:COL`, `em`.
    fn from_str(s: &str) -> Result<Impute> {
        let (name, arg) = match s.split_once(':') {
            Some((n, a)) => (n, Some(a.trim().to_string())),
            None => (s, None),
        };
        match (name.trim(), arg) {
            ("none", None) => Ok(Impute::None),
            ("mean", None) => Ok(Impute::Mean),
            ("median", None) => Ok(Impute::Median),
            ("em", None) => Ok(Impute::Em),
            ("group-mean", Some(g)) if !g.is_empty() => Ok(Impute::GroupMean(g)),
            ("group-median", Some(g)) if !g.is_empty() => Ok(Impute::GroupMedian(g)),
            _ => Err(IndexError::Method(format!(
                "imputation `{s}` is not known: use none, mean, median, group-mean:COLUMN, group-median:COLUMN or em"
            ))),
        }
    }
}

/// Fills the missing values; returns the data set and what was filled.
pub fn impute(data: &DataSet, method: &Impute, units: &Units) -> Result<(DataSet, Vec<String>)> {
    if *method == Impute::Em {
        return Err(IndexError::Method(
            "EM imputation needs the framework's groups: it runs through the build".into(),
        ));
    }
    let mut out = data.renamed("Imputed");
    let groups = match method {
        Impute::GroupMean(g) | Impute::GroupMedian(g) => Some(units.groups(g)?),
        _ => None,
    };
    let mut log = Vec::new();
    for (code, col) in out.columns.iter().zip(out.values.iter_mut()) {
        let before = col.iter().filter(|v| v.is_nan()).count();
        if before == 0 || *method == Impute::None {
            continue;
        }
        let original = col.clone();
        let stat = |rows: &mut dyn Iterator<Item = f64>| match method {
            Impute::Mean | Impute::GroupMean(_) => mean(rows),
            _ => median(rows),
        };
        for u in 0..col.len() {
            if !original[u].is_nan() {
                continue;
            }
            col[u] = match &groups {
                None => stat(&mut original.iter().copied()),
                Some(g) => match &g[u] {
                    // A unit without a group takes nothing: it stays missing.
                    None => f64::NAN,
                    Some(mine) => stat(
                        &mut original
                            .iter()
                            .zip(g)
                            .filter(|(_, gr)| gr.as_ref() == Some(mine))
                            .map(|(v, _)| *v),
                    ),
                },
            };
        }
        let after = col.iter().filter(|v| v.is_nan()).count();
        log.push(format!(
            "{code}: {} of {before} missing values filled",
            before - after
        ));
    }
    Ok((out, log))
}
