//! Aggregation level by level, each parent from its children's values and weights.

use crate::dataset::DataSet;
use crate::framework::Framework;
use crate::{IndexError, Result};

/// How children are combined.
#[derive(
    Debug, Clone, Copy, PartialEq, serde::Serialize, serde::Deserialize, schemars::JsonSchema,
)]
#[serde(rename_all = "kebab-case")]
pub enum Aggregate {
    /// Weighted arithmetic mean (COINr's `a_amean`).
    Amean,
    /// Weighted geometric mean (`a_gmean`): children must be positive.
    Gmean,
    /// Weighted harmonic mean (`a_hmean`): children must be positive.
    Hmean,
}

impl std::str::FromStr for Aggregate {
    type Err = IndexError;

    /// `amean`, `gmean`, `hmean`.
    fn from_str(s: &str) -> Result<Aggregate> {
        match s.trim() {
            "amean" => Ok(Aggregate::Amean),
            "gmean" => Ok(Aggregate::Gmean),
            "hmean" => Ok(Aggregate::Hmean),
            _ => Err(IndexError::Method(format!(
                "aggregation `{s}` is not known: use amean, gmean or hmean"
            ))),
        }
    }
}

/// The normalised indicators followed by every aggregate, level by level. A child that is
/// missing for a unit is left out and the weights of the others re-scaled; a parent is
/// missing only when all its children are.
pub fn aggregate(
    data: &DataSet,
    fw: &Framework,
    method: Aggregate,
    weights: &dyn Fn(&str) -> f64,
) -> Result<DataSet> {
    let mut out = data.renamed("Aggregated");
    for level in fw.aggregate_levels() {
        for node in fw.aggregates.iter().filter(|n| n.level == level) {
            let children: Vec<(Vec<f64>, f64, &str)> = fw
                .children(&node.code)
                .map(|c| {
                    let values = out.column(&c.code).map(<[f64]>::to_vec).ok_or_else(|| {
                        IndexError::Framework(format!("`{}` has no values to aggregate", c.code))
                    })?;
                    Ok((values, weights(&c.code), c.code.as_str()))
                })
                .collect::<Result<_>>()?;
            let mut col = Vec::with_capacity(out.units.len());
            for u in 0..out.units.len() {
                let present: Vec<(f64, f64, &str)> = children
                    .iter()
                    .filter(|(v, _, _)| !v[u].is_nan())
                    .map(|(v, w, c)| (v[u], *w, *c))
                    .collect();
                let total: f64 = present.iter().map(|(_, w, _)| w).sum();
                if present.is_empty() || total.is_nan() || total <= 0.0 {
                    col.push(f64::NAN);
                    continue;
                }
                let value = match method {
                    Aggregate::Amean => present.iter().map(|(x, w, _)| w * x).sum::<f64>() / total,
                    Aggregate::Gmean | Aggregate::Hmean => {
                        if let Some((x, _, c)) = present.iter().find(|(x, _, _)| *x <= 0.0) {
                            return Err(IndexError::Undefined(format!(
                                "the {} mean of `{}` takes `{c}` = {x} for unit {}: it needs positive values (normalise to a range above zero, e.g. minmax:1,100)",
                                if method == Aggregate::Gmean { "geometric" } else { "harmonic" },
                                node.code,
                                out.units[u]
                            )));
                        }
                        if method == Aggregate::Gmean {
                            (present.iter().map(|(x, w, _)| w * x.ln()).sum::<f64>() / total).exp()
                        } else {
                            total / present.iter().map(|(x, w, _)| w / x).sum::<f64>()
                        }
                    }
                };
                col.push(value);
            }
            out.columns.push(node.code.clone());
            out.values.push(col);
        }
    }
    Ok(out)
}
