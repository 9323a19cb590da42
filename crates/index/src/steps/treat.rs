//! Outlier treatment, COINr's default rule: an indicator whose absolute skewness is at least
//! `skew` and whose kurtosis is at least `kurt` is winsorised, one extreme at a time, up to
//! `winmax` points; if it still fails, the winsorisation is undone and the original values
//! are log-transformed instead.

use crate::dataset::DataSet;
use crate::{IndexError, Result};

/// The treatment.
#[derive(
    Debug, Clone, Copy, PartialEq, serde::Serialize, serde::Deserialize, schemars::JsonSchema,
)]
#[serde(tag = "method", rename_all = "kebab-case")]
pub enum Treat {
    /// No treatment.
    None,
    /// COINr's default rule with its thresholds.
    Winsorise {
        /// Most points winsorised per indicator (COINr: 5).
        winmax: usize,
        /// Absolute skewness threshold (2).
        skew: f64,
        /// Kurtosis threshold (3.5).
        kurt: f64,
    },
}

impl Treat {
    /// COINr's default: winmax 5, skewness 2, kurtosis 3.5.
    pub const DEFAULT: Treat = Treat::Winsorise {
        winmax: 5,
        skew: 2.0,
        kurt: 3.5,
    };
}

impl std::str::FromStr for Treat {
    type Err = IndexError;

    /// `default`, `none`, `winmax:N`.
    fn from_str(s: &str) -> Result<Treat> {
        match s.trim() {
            "default" => Ok(Treat::DEFAULT),
            "none" => Ok(Treat::None),
            other => match other
                .strip_prefix("winmax:")
                .map(|n| n.trim().parse::<usize>())
            {
                Some(Ok(n)) if n <= 1_000_000 => Ok(Treat::Winsorise {
                    winmax: n,
                    skew: 2.0,
                    kurt: 3.5,
                }),
                _ => Err(IndexError::Method(format!(
                    "treatment `{s}` is not known: use default, none or winmax:N"
                ))),
            },
        }
    }
}

/// What was done to one indicator.
#[derive(Debug, Clone, PartialEq, serde::Serialize, serde::Deserialize, schemars::JsonSchema)]
pub struct Treatment {
    /// The indicator.
    pub indicator: String,
    /// `winsorised`, `log` or `none` (it passed, or could not be tested).
    pub action: String,
    /// The units whose values were winsorised (none for a log transform).
    pub units: Vec<String>,
    /// Skewness and kurtosis before (`null` when undefined).
    pub before: (Option<f64>, Option<f64>),
    /// Skewness and kurtosis after.
    pub after: (Option<f64>, Option<f64>),
}

/// Sample skewness, e1071's type 2: `g·√(n(n−1))/(n−2)` with `g = √n·Σd³/(Σd²)^1.5`.
pub fn skewness(x: &[f64]) -> f64 {
    let v: Vec<f64> = x.iter().copied().filter(|v| !v.is_nan()).collect();
    let n = v.len() as f64;
    if v.len() < 3 {
        return f64::NAN;
    }
    let m = v.iter().sum::<f64>() / n;
    let (s2, s3) = v.iter().fold((0.0, 0.0), |(a, b), x| {
        let d = x - m;
        (a + d * d, b + d * d * d)
    });
    let g = n.sqrt() * s3 / s2.powf(1.5);
    g * (n * (n - 1.0)).sqrt() / (n - 2.0)
}

/// Sample excess kurtosis, e1071's type 2: `((n+1)(r−3)+6)(n−1)/((n−2)(n−3))` with
/// `r = n·Σd⁴/(Σd²)²`.
pub fn kurtosis(x: &[f64]) -> f64 {
    let v: Vec<f64> = x.iter().copied().filter(|v| !v.is_nan()).collect();
    let n = v.len() as f64;
    if v.len() < 4 {
        return f64::NAN;
    }
    let m = v.iter().sum::<f64>() / n;
    let (s2, s4) = v.iter().fold((0.0, 0.0), |(a, b), x| {
        let d = x - m;
        (a + d * d, b + d * d * d * d)
    });
    let r = n * s4 / (s2 * s2);
    ((n + 1.0) * (r - 3.0) + 6.0) * (n - 1.0) / ((n - 2.0) * (n - 3.0))
}

/// Skewness and kurtosis, `None` where undefined.
fn moments(x: &[f64]) -> (Option<f64>, Option<f64>) {
    let defined = |v: f64| v.is_finite().then_some(v);
    (defined(skewness(x)), defined(kurtosis(x)))
}

/// Whether a column passes: `|skew| < skew` or `kurt < kurt` (undefined statistics pass:
/// there is nothing to treat).
fn passes(x: &[f64], skew_t: f64, kurt_t: f64) -> bool {
    let (s, k) = (skewness(x), kurtosis(x));
    !(s.abs() >= skew_t && k >= kurt_t)
}

/// Treats every indicator.
pub fn treat(data: &DataSet, method: Treat) -> (DataSet, Vec<Treatment>) {
    let mut out = data.renamed("Treated");
    let Treat::Winsorise { winmax, skew, kurt } = method else {
        return (out, Vec::new());
    };
    let mut log = Vec::new();
    for (code, col) in out.columns.iter().zip(out.values.iter_mut()) {
        let before = moments(col);
        if passes(col, skew, kurt) {
            continue;
        }
        let original = col.clone();
        let mut count = 0usize;
        let mut changed: Vec<usize> = Vec::new();
        while !passes(col, skew, kurt) && count < winmax {
            let high = skewness(col) >= 0.0;
            let extreme = col.iter().copied().filter(|v| !v.is_nan()).fold(
                if high {
                    f64::NEG_INFINITY
                } else {
                    f64::INFINITY
                },
                |a, v| {
                    if high {
                        a.max(v)
                    } else {
                        a.min(v)
                    }
                },
            );
            let at: Vec<usize> = (0..col.len()).filter(|&i| col[i] == extreme).collect();
            let others = col
                .iter()
                .enumerate()
                .filter(|(i, v)| !v.is_nan() && !at.contains(i))
                .map(|(_, v)| *v);
            let replacement = if high {
                others.fold(f64::NEG_INFINITY, f64::max)
            } else {
                others.fold(f64::INFINITY, f64::min)
            };
            if !replacement.is_finite() {
                break;
            }
            for &i in &at {
                col[i] = replacement;
            }
            count = at.len();
            for i in at {
                if !changed.contains(&i) {
                    changed.push(i);
                }
            }
        }
        if passes(col, skew, kurt) {
            changed.sort_unstable();
            log.push(Treatment {
                indicator: code.clone(),
                action: "winsorised".into(),
                units: changed.iter().map(|&i| data.units[i].clone()).collect(),
                before,
                after: moments(col),
            });
            continue;
        }
        // Still failing: the winsorised values are discarded and the original column is
        // log-transformed, ln(x − min + 0.01·(max − min)).
        let (lo, hi) = original
            .iter()
            .filter(|v| !v.is_nan())
            .fold((f64::INFINITY, f64::NEG_INFINITY), |(a, b), &v| {
                (a.min(v), b.max(v))
            });
        for (c, o) in col.iter_mut().zip(&original) {
            *c = (o - lo + 0.01 * (hi - lo)).ln();
        }
        log.push(Treatment {
            indicator: code.clone(),
            action: "log".into(),
            units: Vec::new(),
            before,
            after: moments(col),
        });
    }
    (out, log)
}
