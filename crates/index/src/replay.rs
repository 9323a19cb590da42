//! Runs replayed from a file, so that an uncertainty analysis can be compared run by run
//! with another implementation's (COINr's `get_sensitivity` parameters written out).
//!
//! One row per run, in order; any of the columns `impute`, `normalise`, `aggregate` (methods
//! written as on the command line), `drop` (an indicator code, or empty / `none`) and
//! `w:CODE` (the weight of node `CODE` in that run); a column left out keeps the build's
//! own choice. `run` may number the rows and is otherwise ignored. As a Saltelli design
//! (rows A, B, then A with one input from B per input) the inputs are the columns in the
//! file's order, every `w:` column together being the input `weights`.

use crate::build::Pipeline;
use crate::framework::Framework;
use crate::sensitivity::{Replay, RunChoice};
use crate::{Aggregate, Impute, IndexError, Normalise, Result};
use hallyu_data::read::{read_path, ReadOptions};
use hallyu_data::ColumnView;
use std::path::Path;

/// The columns a replay file may have, besides `w:CODE`.
const COLUMNS: [&str; 5] = ["run", "impute", "normalise", "aggregate", "drop"];

/// Reads a replay file against the framework and the build's pipeline.
pub fn read_replay(path: &Path, fw: &Framework, base: &Pipeline) -> Result<Replay> {
    let t = read_path(path, &ReadOptions::default())?;
    let at = |row: usize, col: &str| format!("{}, row {}, column `{col}`", path.display(), row + 2);
    let nodes: Vec<&str> = fw
        .indicators
        .iter()
        .chain(&fw.aggregates)
        .filter(|n| n.parent.is_some())
        .map(|n| n.code.as_str())
        .collect();
    let mut inputs: Vec<String> = Vec::new();
    for name in t.names() {
        let input = match name.strip_prefix("w:") {
            Some(code) => {
                if !nodes.contains(&code) {
                    let hint = hallyu_data::nearest(code, nodes.iter().copied())
                        .map(|s| format!(" (did you mean `w:{s}`?)"))
                        .unwrap_or_default();
                    return Err(IndexError::MissingData(format!(
                        "{}: column `{name}` names no indicator or aggregate under the index{hint}",
                        path.display()
                    )));
                }
                "weights"
            }
            None if COLUMNS.contains(&name.as_str()) => name.as_str(),
            None => {
                let hint = hallyu_data::nearest(name, COLUMNS.iter().copied())
                    .map(|s| format!(" (did you mean `{s}`?)"))
                    .unwrap_or_default();
                return Err(IndexError::MissingData(format!(
                    "{}: column `{name}` is not one of {}, w:CODE{hint}",
                    path.display(),
                    COLUMNS.join(", ")
                )));
            }
        };
        if input != "run" && !inputs.iter().any(|i| i == input) {
            inputs.push(input.to_string());
        }
    }
    let text = |name: &str| -> Option<Vec<Option<String>>> {
        let c = t.column(name).ok()?;
        Some(match c.view() {
            ColumnView::Text(v) => v.iter().map(|s| s.map(str::to_string)).collect(),
            ColumnView::Numbers(v) => v
                .iter()
                .map(|x| (!x.is_nan()).then(|| format!("{x}")))
                .collect(),
        })
    };
    let impute = text("impute");
    let normalise = text("normalise");
    let aggregate = text("aggregate");
    let drop = text("drop");
    let weights: Vec<(String, Vec<f64>)> = t
        .names()
        .iter()
        .filter_map(|n| n.strip_prefix("w:").map(|c| (c.to_string(), n.clone())))
        .map(|(code, name)| match t.column(&name).map(|c| c.view()) {
            Ok(ColumnView::Numbers(v)) => Ok((code, v.to_vec())),
            _ => Err(IndexError::MissingData(format!(
                "{}: column `{name}` holds text; weights are numbers",
                path.display()
            ))),
        })
        .collect::<Result<_>>()?;
    let indicator_codes: Vec<&str> = fw.indicators.iter().map(|n| n.code.as_str()).collect();
    let mut choices = Vec::with_capacity(t.nrows());
    for row in 0..t.nrows() {
        let cell = |col: &Option<Vec<Option<String>>>| {
            col.as_ref()
                .and_then(|v| v[row].clone())
                .filter(|s| !s.trim().is_empty())
        };
        let method_err =
            |col: &str, e: IndexError| IndexError::Method(format!("{}: {e}", at(row, col)));
        let mut c = RunChoice {
            run: row,
            impute: base.impute.clone(),
            normalise: base.normalise,
            aggregate: base.aggregate,
            dropped: None,
            weight_factors: Vec::new(),
            weight_values: Vec::new(),
        };
        if let Some(m) = cell(&impute) {
            c.impute = m.parse::<Impute>().map_err(|e| method_err("impute", e))?;
        }
        if let Some(m) = cell(&normalise) {
            c.normalise = m
                .parse::<Normalise>()
                .map_err(|e| method_err("normalise", e))?;
        }
        if let Some(m) = cell(&aggregate) {
            c.aggregate = m
                .parse::<Aggregate>()
                .map_err(|e| method_err("aggregate", e))?;
        }
        if let Some(d) = cell(&drop).filter(|d| d.trim() != "none") {
            let d = d.trim().to_string();
            if !indicator_codes.contains(&d.as_str()) {
                let hint = hallyu_data::nearest(&d, indicator_codes.iter().copied())
                    .map(|s| format!(" (did you mean `{s}`?)"))
                    .unwrap_or_default();
                return Err(IndexError::MissingData(format!(
                    "{}: `{d}` is not an indicator{hint}",
                    at(row, "drop")
                )));
            }
            c.dropped = Some(d);
        }
        for (code, values) in &weights {
            let w = values[row];
            if w.is_nan() {
                continue;
            }
            if !(w.is_finite() && w >= 0.0) {
                return Err(IndexError::Method(format!(
                    "{}: weight {w}; weights are zero or positive",
                    at(row, &format!("w:{code}"))
                )));
            }
            c.weight_values.push((code.clone(), w));
        }
        choices.push(c);
    }
    Ok(Replay { choices, inputs })
}
