//! Normalisation onto a common scale, after multiplying each indicator by its direction.

use crate::dataset::DataSet;
use crate::framework::Framework;
use crate::{IndexError, Result};

/// A normalisation.
#[derive(
    Debug, Clone, Copy, PartialEq, serde::Serialize, serde::Deserialize, schemars::JsonSchema,
)]
#[serde(tag = "method", rename_all = "kebab-case")]
pub enum Normalise {
    /// `(x − min)/(max − min)·(hi − lo) + lo` (COINr's `n_minmax`).
    Minmax {
        /// Lower end (0).
        lo: f64,
        /// Upper end (100).
        hi: f64,
    },
    /// `(x − mean)/sd·sd' + mean'` (COINr's `n_zscore`, default mean 0 and sd 1).
    Zscore {
        /// Target mean.
        mean: f64,
        /// Target standard deviation.
        sd: f64,
    },
    /// None: the values as they are (times the direction).
    None,
}

impl std::str::FromStr for Normalise {
    type Err = IndexError;

    /// `minmax:LO,HI` (or `minmax` for 0..100), `zscore` (or `zscore:MEAN,SD`), `none`.
    fn from_str(s: &str) -> Result<Normalise> {
        let bad = || {
            IndexError::Method(format!(
                "normalisation `{s}` is not known: use minmax:LO,HI, zscore, zscore:MEAN,SD or none"
            ))
        };
        let (name, arg) = match s.split_once(':') {
            Some((n, a)) => (n.trim(), Some(a)),
            None => (s.trim(), None),
        };
        let pair = |a: &str| -> Result<(f64, f64)> {
            let (x, y) = a.split_once(',').ok_or_else(bad)?;
            let x: f64 = x.trim().parse().map_err(|_| bad())?;
            let y: f64 = y.trim().parse().map_err(|_| bad())?;
            if x.is_finite() && y.is_finite() {
                Ok((x, y))
            } else {
                Err(bad())
            }
        };
        match (name, arg) {
            ("minmax", None) => Ok(Normalise::Minmax { lo: 0.0, hi: 100.0 }),
            ("minmax", Some(a)) => {
                let (lo, hi) = pair(a)?;
                if lo >= hi {
                    return Err(IndexError::Method(format!(
                        "normalisation `{s}`: the lower end must be below the upper"
                    )));
                }
                Ok(Normalise::Minmax { lo, hi })
            }
            ("zscore", None) => Ok(Normalise::Zscore { mean: 0.0, sd: 1.0 }),
            ("zscore", Some(a)) => {
                let (mean, sd) = pair(a)?;
                Ok(Normalise::Zscore { mean, sd })
            }
            ("none", None) => Ok(Normalise::None),
            _ => Err(bad()),
        }
    }
}

/// Normalises every indicator (times its direction first).
pub fn normalise(data: &DataSet, fw: &Framework, method: Normalise) -> Result<DataSet> {
    let mut out = data.renamed("Normalised");
    for (col, node) in out.values.iter_mut().zip(&fw.indicators) {
        col.iter_mut().for_each(|v| *v *= node.direction);
        match method {
            Normalise::Minmax { lo, hi } => {
                let (min, max) = col
                    .iter()
                    .filter(|v| !v.is_nan())
                    .fold((f64::INFINITY, f64::NEG_INFINITY), |(a, b), &v| {
                        (a.min(v), b.max(v))
                    });
                if max.is_nan() || min.is_nan() || max <= min {
                    return Err(IndexError::Undefined(format!(
                        "indicator `{}` has the same value for every unit: it cannot be min-max normalised",
                        node.code
                    )));
                }
                col.iter_mut()
                    .for_each(|v| *v = (*v - min) / (max - min) * (hi - lo) + lo);
            }
            Normalise::Zscore { mean, sd } => {
                let m = super::mean(col.iter().copied());
                let s = super::sd(col);
                if s.is_nan() || s <= 0.0 {
                    return Err(IndexError::Undefined(format!(
                        "indicator `{}` has no spread: it cannot be z-scored",
                        node.code
                    )));
                }
                col.iter_mut().for_each(|v| *v = (*v - m) / s * sd + mean);
            }
            Normalise::None => {}
        }
    }
    Ok(out)
}
