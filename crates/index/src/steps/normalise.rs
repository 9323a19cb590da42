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
    /// Ranks, lowest 1, ties sharing the lowest rank (COINr's `n_rank`).
    Rank,
    /// Borda scores: the rank minus one (`n_borda`).
    Borda,
    /// Percentile ranks: `(rank − 1)/(n − 1)` over the non-missing values (`n_prank`).
    Prank,
    /// None: the values as they are (times the direction).
    None,
}

impl std::str::FromStr for Normalise {
    type Err = IndexError;

    /// `minmax:LO,HI` (or `minmax` for 0..100), `zscore` (or `zscore:MEAN,SD`), `rank`,
    /// `borda`, `prank`, `none`.
    fn from_str(s: &str) -> Result<Normalise> {
        let bad = || {
            IndexError::Method(format!(
                "normalisation `{s}` is not known: use minmax:LO,HI, zscore, zscore:MEAN,SD, rank, borda, prank or none"
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
            ("rank", None) => Ok(Normalise::Rank),
            ("borda", None) => Ok(Normalise::Borda),
            ("prank", None) => Ok(Normalise::Prank),
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
            Normalise::Rank | Normalise::Borda | Normalise::Prank => {
                let ranks = ascending_min_ranks(col);
                let n = col.iter().filter(|v| !v.is_nan()).count() as f64;
                if method == Normalise::Prank && n < 2.0 {
                    return Err(IndexError::Undefined(format!(
                        "indicator `{}` has fewer than two values: no percentile ranks",
                        node.code
                    )));
                }
                for (v, r) in col.iter_mut().zip(ranks) {
                    *v = match (r, method) {
                        (None, _) => f64::NAN,
                        (Some(r), Normalise::Rank) => r,
                        (Some(r), Normalise::Borda) => r - 1.0,
                        (Some(r), _) => (r - 1.0) / (n - 1.0),
                    };
                }
            }
            Normalise::None => {}
        }
    }
    Ok(out)
}

/// R's `rank(x, ties.method = "min", na.last = "keep")`: 1 for the smallest, ties the
/// lowest of their ranks, missing values none.
fn ascending_min_ranks(x: &[f64]) -> Vec<Option<f64>> {
    x.iter()
        .map(|v| {
            (!v.is_nan()).then(|| 1.0 + x.iter().filter(|o| !o.is_nan() && *o < v).count() as f64)
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::framework::Node;

    fn one(values: Vec<f64>, direction: f64, method: &str) -> Vec<f64> {
        let fw = Framework {
            indicators: vec![Node {
                code: "x".into(),
                name: "x".into(),
                level: 1,
                direction,
                weight: 1.0,
                parent: Some("I".into()),
                denominator: None,
            }],
            aggregates: vec![],
            groups: vec![],
            denominators: vec![],
        };
        let d = DataSet {
            name: "Treated".into(),
            units: (0..values.len()).map(|i| format!("U{i}")).collect(),
            columns: vec!["x".into()],
            values: vec![values],
        };
        normalise(&d, &fw, method.parse().expect("method"))
            .expect("normalised")
            .values[0]
            .clone()
    }

    #[test]
    fn rank_borda_and_percentile_ranks_follow_rs_min_ties() {
        let x = vec![3.0, 1.0, f64::NAN, 3.0, 2.0];
        let r = one(x.clone(), 1.0, "rank");
        assert_eq!(r[0], 3.0);
        assert_eq!(r[1], 1.0);
        assert!(r[2].is_nan());
        assert_eq!(r[3], 3.0);
        assert_eq!(r[4], 2.0);
        assert_eq!(one(x.clone(), 1.0, "borda")[0], 2.0);
        // Four values: (rank − 1)/3.
        assert_eq!(one(x.clone(), 1.0, "prank")[0], 2.0 / 3.0);
        // Direction −1 ranks the smallest highest.
        assert_eq!(one(x, -1.0, "rank")[1], 4.0);
    }

    #[test]
    fn minmax_and_zscore_use_the_direction_and_refuse_no_spread() {
        let m = one(vec![1.0, 2.0, 3.0], -1.0, "minmax:0,10");
        assert_eq!(m, [10.0, 5.0, 0.0]);
        let z = one(vec![1.0, 2.0, 3.0], 1.0, "zscore");
        assert!((z[0] + 1.0).abs() < 1e-15 && z[1].abs() < 1e-15);
        assert!("minmax:5,1".parse::<Normalise>().is_err());
        assert!("ranks".parse::<Normalise>().is_err());
    }
}
