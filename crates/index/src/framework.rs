//! The framework: indicators under aggregates, level by level, up to one index.
//!
//! Read from COINr's `iMeta` layout (columns `Level`, `iCode`, `iName`, `Direction`,
//! `Weight`, `Denominator`, `Parent`, `Type`; `Type` is `Indicator`, `Aggregate`, `Group` or
//! `Denominator`), so that a COINr user's framework runs unchanged.

use crate::{IndexError, Result};
use hallyu_data::read::{read_path, ReadOptions};
use hallyu_data::{ColumnView, Table};
use std::collections::HashMap;
use std::path::Path;

/// One indicator or aggregate.
#[derive(Debug, Clone, Default, PartialEq, serde::Serialize, schemars::JsonSchema)]
pub struct Node {
    /// Code (`LPI`, `Physical`, `Index`).
    pub code: String,
    /// Name.
    pub name: String,
    /// 1 for indicators, 2 and up for aggregates; the index has the highest.
    pub level: u32,
    /// +1 when more is better, −1 when less is better (indicators).
    pub direction: f64,
    /// Weight within its parent.
    pub weight: f64,
    /// The aggregate one level up (none for the index).
    pub parent: Option<String>,
    /// The denominator column an indicator is divided by, if any.
    pub denominator: Option<String>,
    /// The indicator's target for distance-to-target normalisation (iMeta `Target`, in the
    /// indicator's units).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub target: Option<f64>,
    /// Whether distance-to-target scores above 1 are capped at 1 (iMeta
    /// `dist2targ_cap_max`; absent means no, as in COINr).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub dist2targ_cap_max: Option<bool>,
    /// The lower goalpost, in the indicator's units (iMeta `goalpost_lower`).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub goalpost_lower: Option<f64>,
    /// The upper goalpost, in the indicator's units (iMeta `goalpost_upper`).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub goalpost_upper: Option<f64>,
    /// The factor goalpost fractions are multiplied by (iMeta `goalpost_scale`).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub goalpost_scale: Option<f64>,
    /// Whether values beyond the goalposts are truncated to them (iMeta
    /// `goalpost_trunc2posts`; absent means yes, COINr's default).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub goalpost_trunc2posts: Option<bool>,
    /// `l` of the `scaled` normalisation `(x − l)/(u − l)·factor` (iMeta `scaled_lower`).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub scaled_lower: Option<f64>,
    /// `u` of the `scaled` normalisation (iMeta `scaled_upper`).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub scaled_upper: Option<f64>,
    /// `factor` of the `scaled` normalisation (iMeta `scale_factor`).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub scale_factor: Option<f64>,
}

/// A framework: its nodes and the unit metadata columns it names.
#[derive(Debug, Clone, PartialEq, serde::Serialize, schemars::JsonSchema)]
pub struct Framework {
    /// Indicators (level 1), in the order given.
    pub indicators: Vec<Node>,
    /// Aggregates, by level then in the order given; the last is the index.
    pub aggregates: Vec<Node>,
    /// Group columns (unit groupings for group-wise imputation).
    pub groups: Vec<String>,
    /// Denominator columns.
    pub denominators: Vec<String>,
}

impl Framework {
    /// Reads a framework in COINr's `iMeta` layout (CSV, Parquet or Stata).
    pub fn from_imeta(path: &Path) -> Result<Framework> {
        let t = read_path(path, &ReadOptions::default())?;
        let what = |row: usize| format!("{}, row {}", path.display(), row + 2);
        let kind = text_column(&t, "Type")?;
        let code = text_column(&t, "iCode")?;
        let name = text_column(&t, "iName").unwrap_or_else(|_| code.clone());
        let level = number_column(&t, "Level")?;
        let direction = number_column(&t, "Direction")?;
        let weight = number_column(&t, "Weight")?;
        let parent = text_column(&t, "Parent")?;
        let denominator = if t.has("Denominator") {
            text_column(&t, "Denominator")?
        } else {
            vec![None; t.nrows()]
        };
        // Optional normalisation parameters (COINr's `use_iMeta` columns): missing columns
        // and NA cells are none.
        let optional_numbers = |col: &str| -> Result<Vec<Option<f64>>> {
            Ok(if t.has(col) {
                number_column(&t, col)?
                    .into_iter()
                    .map(|x| (!x.is_nan()).then_some(x))
                    .collect()
            } else {
                vec![None; t.nrows()]
            })
        };
        let optional_flags = |col: &str| -> Result<Vec<Option<bool>>> {
            if !t.has(col) {
                return Ok(vec![None; t.nrows()]);
            }
            text_column(&t, col)?
                .into_iter()
                .enumerate()
                .map(|(row, cell)| {
                    let Some(cell) = cell else { return Ok(None) };
                    match cell.trim().to_ascii_lowercase().as_str() {
                        "" | "na" => Ok(None),
                        "true" | "t" | "1" => Ok(Some(true)),
                        "false" | "f" | "0" => Ok(Some(false)),
                        _ => Err(IndexError::Framework(format!(
                            "{}: `{col}` is `{cell}`; it is TRUE or FALSE",
                            what(row)
                        ))),
                    }
                })
                .collect()
        };
        let target = optional_numbers("Target")?;
        let dist2targ_cap_max = optional_flags("dist2targ_cap_max")?;
        let goalpost_lower = optional_numbers("goalpost_lower")?;
        let goalpost_upper = optional_numbers("goalpost_upper")?;
        let goalpost_scale = optional_numbers("goalpost_scale")?;
        let goalpost_trunc2posts = optional_flags("goalpost_trunc2posts")?;
        let scaled_lower = optional_numbers("scaled_lower")?;
        let scaled_upper = optional_numbers("scaled_upper")?;
        let scale_factor = optional_numbers("scale_factor")?;
        let mut fw = Framework {
            indicators: Vec::new(),
            aggregates: Vec::new(),
            groups: Vec::new(),
            denominators: Vec::new(),
        };
        for row in 0..t.nrows() {
            let Some(c) = code[row].clone() else {
                return Err(IndexError::Framework(format!("{}: no iCode", what(row))));
            };
            let k = kind[row].as_deref().unwrap_or("");
            match k {
                "Group" => fw.groups.push(c),
                "Denominator" => fw.denominators.push(c),
                "Indicator" | "Aggregate" => {
                    let lvl = level[row];
                    if !(lvl.is_finite() && lvl >= 1.0 && lvl.fract() == 0.0 && lvl < 1e6) {
                        return Err(IndexError::Framework(format!(
                            "{}: `{c}` has level {lvl}; levels are whole numbers from 1 (indicators) up",
                            what(row)
                        )));
                    }
                    let w = if weight[row].is_nan() {
                        1.0
                    } else {
                        weight[row]
                    };
                    if !(w.is_finite() && w >= 0.0) {
                        return Err(IndexError::Framework(format!(
                            "{}: `{c}` has weight {w}; weights are zero or positive",
                            what(row)
                        )));
                    }
                    let d = if direction[row].is_nan() {
                        1.0
                    } else {
                        direction[row]
                    };
                    if d != 1.0 && d != -1.0 {
                        return Err(IndexError::Framework(format!(
                            "{}: `{c}` has direction {d}; directions are 1 or -1",
                            what(row)
                        )));
                    }
                    let node = Node {
                        code: c,
                        name: name[row].clone().unwrap_or_default(),
                        level: lvl as u32,
                        direction: d,
                        weight: w,
                        parent: parent[row].clone(),
                        denominator: denominator[row].clone(),
                        target: target[row],
                        dist2targ_cap_max: dist2targ_cap_max[row],
                        goalpost_lower: goalpost_lower[row],
                        goalpost_upper: goalpost_upper[row],
                        goalpost_scale: goalpost_scale[row],
                        goalpost_trunc2posts: goalpost_trunc2posts[row],
                        scaled_lower: scaled_lower[row],
                        scaled_upper: scaled_upper[row],
                        scale_factor: scale_factor[row],
                    };
                    if k == "Indicator" {
                        fw.indicators.push(node);
                    } else {
                        fw.aggregates.push(node);
                    }
                }
                other => {
                    return Err(IndexError::Framework(format!(
                        "{}: type `{other}` is not one of Indicator, Aggregate, Group, Denominator",
                        what(row)
                    )))
                }
            }
        }
        fw.aggregates.sort_by_key(|n| n.level);
        fw.validate()?;
        Ok(fw)
    }

    /// Checks the tree: codes unique, indicators at level 1, every parent an aggregate one
    /// level up, every aggregate with children, one index at the top.
    pub fn validate(&self) -> Result<()> {
        let err = |m: String| Err(IndexError::Framework(m));
        if self.indicators.is_empty() {
            return err("no indicators".into());
        }
        let mut by_code: HashMap<&str, &Node> = HashMap::new();
        for n in self.indicators.iter().chain(&self.aggregates) {
            if by_code.insert(n.code.as_str(), n).is_some() {
                return err(format!("the code `{}` is used twice", n.code));
            }
        }
        for n in &self.indicators {
            if n.level != 1 {
                return err(format!(
                    "indicator `{}` is at level {}, not 1",
                    n.code, n.level
                ));
            }
        }
        let top = self
            .aggregates
            .iter()
            .filter(|n| n.parent.is_none())
            .count();
        if self.aggregates.is_empty() || top != 1 {
            return err(format!(
                "there must be one index (an aggregate without a parent); found {top}"
            ));
        }
        for n in self.indicators.iter().chain(&self.aggregates) {
            let Some(p) = &n.parent else { continue };
            let Some(parent) = by_code.get(p.as_str()) else {
                let known: Vec<&str> = self.aggregates.iter().map(|a| a.code.as_str()).collect();
                let hint = hallyu_data::nearest(p, known.iter().copied())
                    .map(|s| format!(" (did you mean `{s}`?)"))
                    .unwrap_or_default();
                return err(format!(
                    "`{}` has parent `{p}`, which is not an aggregate{hint}",
                    n.code
                ));
            };
            if parent.level <= n.level {
                return err(format!(
                    "`{}` (level {}) has parent `{p}` at level {}: a parent is above its children",
                    n.code, n.level, parent.level
                ));
            }
            if self.indicators.iter().any(|i| i.code == *p) {
                return err(format!(
                    "`{}` has the indicator `{p}` as its parent",
                    n.code
                ));
            }
        }
        for a in &self.aggregates {
            if self.children(&a.code).next().is_none() {
                return err(format!("aggregate `{}` has no children", a.code));
            }
            if self.children(&a.code).all(|c| c.weight == 0.0) {
                return err(format!(
                    "every child of `{}` has weight 0: its score would be undefined",
                    a.code
                ));
            }
        }
        Ok(())
    }

    /// The children of an aggregate.
    pub fn children<'a>(&'a self, code: &'a str) -> impl Iterator<Item = &'a Node> + 'a {
        self.indicators
            .iter()
            .chain(&self.aggregates)
            .filter(move |n| n.parent.as_deref() == Some(code))
    }

    /// The index (the aggregate at the top).
    pub fn index(&self) -> &Node {
        // validate() guarantees exactly one aggregate without a parent.
        self.aggregates
            .iter()
            .find(|n| n.parent.is_none())
            .unwrap_or(&self.aggregates[self.aggregates.len() - 1])
    }

    /// Levels of aggregates, bottom up (2, 3, ...).
    pub fn aggregate_levels(&self) -> Vec<u32> {
        let mut levels: Vec<u32> = self.aggregates.iter().map(|n| n.level).collect();
        levels.dedup();
        levels
    }

    /// The aggregates whose children's weights do not sum to 1, with the sum: their weights
    /// are used relative to it.
    pub fn rescaled_groups(&self) -> Vec<(String, f64)> {
        self.aggregates
            .iter()
            .map(|a| {
                let total: f64 = self.children(&a.code).map(|c| c.weight).sum();
                (a.code.clone(), total)
            })
            .filter(|(_, total)| (total - 1.0).abs() > 1e-9)
            .collect()
    }

    /// The effective weight of every node: its weight over the sum of its siblings'
    /// weights, times its parent's effective weight (the index has 1).
    pub fn effective_weights(&self) -> Vec<(String, f64)> {
        let nodes: Vec<&Node> = self.indicators.iter().chain(&self.aggregates).collect();
        let mut eff: HashMap<&str, f64> = HashMap::new();
        // Top down: aggregates from the highest level.
        let mut order: Vec<&Node> = nodes.clone();
        order.sort_by_key(|n| std::cmp::Reverse(n.level));
        for n in order {
            let w = match &n.parent {
                None => 1.0,
                Some(p) => {
                    let total: f64 = self.children(p).map(|c| c.weight).sum();
                    let parent = eff.get(p.as_str()).copied().unwrap_or(f64::NAN);
                    if total > 0.0 {
                        n.weight / total * parent
                    } else {
                        f64::NAN
                    }
                }
            };
            eff.insert(n.code.as_str(), w);
        }
        nodes
            .iter()
            .map(|n| {
                (
                    n.code.clone(),
                    eff.get(n.code.as_str()).copied().unwrap_or(f64::NAN),
                )
            })
            .collect()
    }
}

fn text_column(t: &Table, name: &str) -> Result<Vec<Option<String>>> {
    let c = t.column(name)?;
    Ok(match c.view() {
        ColumnView::Text(v) => v.iter().map(|s| s.map(str::to_string)).collect(),
        // A column of numbers or all NA (e.g. `Parent` NA everywhere).
        ColumnView::Numbers(v) => v
            .iter()
            .map(|x| (!x.is_nan()).then(|| format!("{x}")))
            .collect(),
    })
}

fn number_column(t: &Table, name: &str) -> Result<Vec<f64>> {
    match t.column(name)?.view() {
        ColumnView::Numbers(v) => Ok(v.to_vec()),
        ColumnView::Text(v) => {
            let mut out = Vec::with_capacity(v.len());
            for (i, s) in v.iter().enumerate() {
                match s {
                    None => out.push(f64::NAN),
                    Some(s) => out.push(s.trim().parse::<f64>().map_err(|_| {
                        IndexError::Framework(format!(
                            "column `{name}`, row {}: `{s}` is not a number",
                            i + 2
                        ))
                    })?),
                }
            }
            Ok(out)
        }
    }
}
