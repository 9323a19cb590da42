//! Normalisation onto a common scale, after multiplying each indicator by its direction.
//!
//! Every method is one of COINr's `n_*` functions. As in COINr's `Normalise()`, each
//! indicator is first multiplied by its direction (±1) and then normalised. The methods
//! with per-indicator parameters (`scaled`, `dist2targ`, `goalposts`) take them either
//! from the framework (COINr's `f_n_para = "use_iMeta"`: the iMeta columns `Target`,
//! `dist2targ_cap_max`, `goalpost_lower`, `goalpost_upper`, `goalpost_scale`,
//! `goalpost_trunc2posts`, `scaled_lower`, `scaled_upper`, `scale_factor`) or once for
//! every indicator from the command line. Either way the parameters are in the indicator's
//! own units and are flipped for an indicator of direction −1 exactly as COINr flips the
//! iMeta ones, so that a target or a goalpost means the same value of the raw indicator
//! whatever its direction.

use crate::dataset::DataSet;
use crate::framework::{Framework, Node};
use crate::{IndexError, Result};

/// Parameters of COINr's `n_scaled`: `(x − lower)/(upper − lower)·factor`.
#[derive(
    Debug, Clone, Copy, PartialEq, serde::Serialize, serde::Deserialize, schemars::JsonSchema,
)]
pub struct ScaledParams {
    /// `l`, in the indicator's units (iMeta `scaled_lower`).
    pub lower: f64,
    /// `u`, in the indicator's units (iMeta `scaled_upper`).
    pub upper: f64,
    /// The factor the result is multiplied by (iMeta `scale_factor`; COINr's default 100).
    pub factor: f64,
}

/// Parameters of COINr's `n_goalposts`.
#[derive(
    Debug, Clone, Copy, PartialEq, serde::Serialize, serde::Deserialize, schemars::JsonSchema,
)]
pub struct GoalpostParams {
    /// The lower goalpost, in the indicator's units (iMeta `goalpost_lower`).
    pub lower: f64,
    /// The upper goalpost, in the indicator's units (iMeta `goalpost_upper`).
    pub upper: f64,
    /// The factor the fraction is multiplied by (iMeta `goalpost_scale`).
    pub scale: f64,
    /// Whether values beyond the goalposts are truncated to them, i.e. the fraction to
    /// 0..1 (iMeta `goalpost_trunc2posts`; COINr's default `TRUE`).
    pub trunc2posts: bool,
}

/// Longest unit code a [`UnitCode`] holds, in bytes.
pub const UNIT_CODE_MAX: usize = 64;

/// A unit code held inline (so that [`Normalise`] stays `Copy`): at most
/// [`UNIT_CODE_MAX`] bytes of UTF-8. Written and read as a plain string.
#[derive(Clone, Copy, PartialEq, Eq, Hash)]
pub struct UnitCode {
    len: u8,
    bytes: [u8; UNIT_CODE_MAX],
}

impl UnitCode {
    /// The code as text.
    pub fn as_str(&self) -> &str {
        // Built only from a `&str` cut at its own length, so always valid UTF-8.
        std::str::from_utf8(&self.bytes[..self.len as usize]).unwrap_or_default()
    }
}

impl std::str::FromStr for UnitCode {
    type Err = IndexError;

    /// A non-empty code of at most [`UNIT_CODE_MAX`] bytes, surrounding spaces removed.
    fn from_str(s: &str) -> Result<UnitCode> {
        let s = s.trim();
        if s.is_empty() || s.len() > UNIT_CODE_MAX {
            return Err(IndexError::Method(format!(
                "unit code `{s}`: a unit code has 1 to {UNIT_CODE_MAX} bytes"
            )));
        }
        let mut bytes = [0u8; UNIT_CODE_MAX];
        bytes[..s.len()].copy_from_slice(s.as_bytes());
        Ok(UnitCode {
            len: s.len() as u8,
            bytes,
        })
    }
}

impl std::fmt::Debug for UnitCode {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        std::fmt::Debug::fmt(self.as_str(), f)
    }
}

impl std::fmt::Display for UnitCode {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.as_str())
    }
}

impl serde::Serialize for UnitCode {
    fn serialize<S: serde::Serializer>(&self, s: S) -> std::result::Result<S::Ok, S::Error> {
        s.serialize_str(self.as_str())
    }
}

impl<'de> serde::Deserialize<'de> for UnitCode {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> std::result::Result<UnitCode, D::Error> {
        let s = String::deserialize(d)?;
        s.parse().map_err(serde::de::Error::custom)
    }
}

impl schemars::JsonSchema for UnitCode {
    fn inline_schema() -> bool {
        true
    }

    fn schema_name() -> std::borrow::Cow<'static, str> {
        "UnitCode".into()
    }

    fn json_schema(_: &mut schemars::SchemaGenerator) -> schemars::Schema {
        schemars::json_schema!({
            "type": "string",
            "minLength": 1,
            "description": "A unit code (`uCode`) of at most 64 bytes."
        })
    }
}

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
    /// `(x − l)/(u − l)·factor` (COINr's `n_scaled`, a linear rescaling, not min-max). For
    /// direction −1, `(l, u)` become `(−u, −l)`, so the result is `(u − x)/(u − l)·factor`.
    Scaled {
        /// The same parameters for every indicator, or none to take each indicator's
        /// `scaled_lower`, `scaled_upper` and `scale_factor` from the framework.
        params: Option<ScaledParams>,
    },
    /// `x / max(x)` (COINr's `n_fracmax`); the maximum must be above zero.
    Fracmax,
    /// `1 − (max − x)/(max − min)` (COINr's `n_dist2max`), 0 to 1.
    Dist2max,
    /// `1 − (x_ref − x)/(x_ref − min)`, `x_ref` the value of a reference unit (COINr's
    /// `n_dist2ref`, which names the unit by its row; here by its code).
    Dist2ref {
        /// The reference unit.
        unit: UnitCode,
        /// Whether scores above 1 (units beyond the reference) are capped at 1.
        cap_max: bool,
    },
    /// Distance to each indicator's target, `(x − min)/(target − min)`, or for direction −1
    /// `(max − x)/(max − target)` (COINr's `n_dist2targ`); the target is the framework's
    /// `Target`.
    Dist2targ {
        /// Whether scores above 1 (units beyond the target) are capped at 1 for every
        /// indicator, or none to take each indicator's `dist2targ_cap_max` (false when
        /// absent, as in COINr).
        cap_max: Option<bool>,
    },
    /// Goalposts: `(x − lower)/(upper − lower)`, or for direction −1
    /// `(upper − x)/(upper − lower)`, truncated to 0..1 unless told not to, times the scale
    /// (COINr's `n_goalposts`).
    Goalposts {
        /// The same goalposts for every indicator, or none to take each indicator's
        /// `goalpost_lower`, `goalpost_upper`, `goalpost_scale` and `goalpost_trunc2posts`
        /// from the framework.
        params: Option<GoalpostParams>,
    },
    /// None: the values as they are (times the direction).
    None,
}

/// Every normalisation and its syntax, for messages.
const KNOWN: &str = "minmax, minmax:LO,HI, zscore, zscore:MEAN,SD, rank, borda, prank, \
scaled, scaled:LO,HI, scaled:LO,HI,FACTOR, fracmax, dist2max, dist2ref:UNIT, \
dist2ref:UNIT,CAP, dist2targ, dist2targ:CAP, goalposts, goalposts:LO,HI,SCALE, \
goalposts:LO,HI,SCALE,TRUNC or none (CAP and TRUNC are true or false)";

/// `true`/`false` as written on a command line or by R (`TRUE`, `T`, `1`, ...).
fn flag(s: &str) -> Option<bool> {
    match s.trim().to_ascii_lowercase().as_str() {
        "true" | "t" | "1" | "yes" => Some(true),
        "false" | "f" | "0" | "no" => Some(false),
        _ => None,
    }
}

impl std::str::FromStr for Normalise {
    type Err = IndexError;

    /// `minmax` (0..100) or `minmax:LO,HI`; `zscore` (mean 0, sd 1) or `zscore:MEAN,SD`;
    /// `rank`; `borda`; `prank`; `scaled` (per indicator from the framework) or
    /// `scaled:LO,HI` (factor 100) or `scaled:LO,HI,FACTOR`; `fracmax`; `dist2max`;
    /// `dist2ref:UNIT` or `dist2ref:UNIT,CAP`; `dist2targ` (targets and caps from the
    /// framework) or `dist2targ:CAP`; `goalposts` (from the framework) or
    /// `goalposts:LO,HI,SCALE` (truncated) or `goalposts:LO,HI,SCALE,TRUNC`; `none`.
    /// `CAP` and `TRUNC` are `true` or `false`.
    fn from_str(s: &str) -> Result<Normalise> {
        let bad = || IndexError::Method(format!("normalisation `{s}` is not known: use {KNOWN}"));
        let invalid = |why: &str| IndexError::Method(format!("normalisation `{s}`: {why}"));
        let (name, arg) = match s.split_once(':') {
            Some((n, a)) => (n.trim(), Some(a)),
            None => (s.trim(), None),
        };
        // `n` finite numbers separated by commas, then up to `flags` true/false words.
        let numbers = |a: &str, n: usize| -> Result<(Vec<f64>, Vec<bool>)> {
            let parts: Vec<&str> = a.split(',').collect();
            if parts.len() < n {
                return Err(bad());
            }
            let mut x = Vec::with_capacity(n);
            for p in &parts[..n] {
                let v: f64 = p.trim().parse().map_err(|_| bad())?;
                if !v.is_finite() {
                    return Err(bad());
                }
                x.push(v);
            }
            let flags = parts[n..]
                .iter()
                .map(|p| flag(p).ok_or_else(bad))
                .collect::<Result<_>>()?;
            Ok((x, flags))
        };
        let pair = |a: &str| -> Result<(f64, f64)> {
            match numbers(a, 2)? {
                (x, f) if f.is_empty() => Ok((x[0], x[1])),
                _ => Err(bad()),
            }
        };
        match (name, arg) {
            ("minmax", None) => Ok(Normalise::Minmax { lo: 0.0, hi: 100.0 }),
            ("minmax", Some(a)) => {
                let (lo, hi) = pair(a)?;
                if lo >= hi {
                    return Err(invalid("the lower end must be below the upper"));
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
            ("scaled", None) => Ok(Normalise::Scaled { params: None }),
            ("scaled", Some(a)) => {
                let parts = a.split(',').count();
                if !(2..=3).contains(&parts) {
                    return Err(bad());
                }
                let (x, _) = numbers(a, parts)?;
                let p = ScaledParams {
                    lower: x[0],
                    upper: x[1],
                    factor: x.get(2).copied().unwrap_or(100.0),
                };
                p.check().map_err(|why| invalid(&why))?;
                Ok(Normalise::Scaled { params: Some(p) })
            }
            ("fracmax", None) => Ok(Normalise::Fracmax),
            ("dist2max", None) => Ok(Normalise::Dist2max),
            ("dist2ref", Some(a)) => {
                let (unit, cap_max) = match a.split_once(',') {
                    None => (a, false),
                    Some((u, c)) => (u, flag(c).ok_or_else(bad)?),
                };
                Ok(Normalise::Dist2ref {
                    unit: unit.parse().map_err(|_| {
                        invalid(&format!(
                            "the reference unit is a unit code of 1 to {UNIT_CODE_MAX} bytes"
                        ))
                    })?,
                    cap_max,
                })
            }
            ("dist2targ", None) => Ok(Normalise::Dist2targ { cap_max: None }),
            ("dist2targ", Some(a)) => Ok(Normalise::Dist2targ {
                cap_max: Some(flag(a).ok_or_else(bad)?),
            }),
            ("goalposts", None) => Ok(Normalise::Goalposts { params: None }),
            ("goalposts", Some(a)) => {
                let (x, flags) = numbers(a, 3)?;
                if flags.len() > 1 {
                    return Err(bad());
                }
                let p = GoalpostParams {
                    lower: x[0],
                    upper: x[1],
                    scale: x[2],
                    trunc2posts: flags.first().copied().unwrap_or(true),
                };
                p.check().map_err(|why| invalid(&why))?;
                Ok(Normalise::Goalposts { params: Some(p) })
            }
            ("none", None) => Ok(Normalise::None),
            _ => Err(bad()),
        }
    }
}

impl ScaledParams {
    /// Finite, with `lower ≠ upper`.
    fn check(&self) -> std::result::Result<(), String> {
        if !(self.lower.is_finite() && self.upper.is_finite() && self.factor.is_finite()) {
            return Err("the scaling parameters must be finite numbers".into());
        }
        if self.lower == self.upper {
            return Err(format!(
                "the lower and upper scaling values are both {}: nothing to divide by",
                self.lower
            ));
        }
        Ok(())
    }

    /// An indicator's parameters from the framework.
    fn of(node: &Node) -> Result<ScaledParams> {
        let need = |v: Option<f64>, col: &str| {
            v.ok_or_else(|| missing_parameter(node, "scaled", col, "scaled:LO,HI,FACTOR"))
        };
        let p = ScaledParams {
            lower: need(node.scaled_lower, "scaled_lower")?,
            upper: need(node.scaled_upper, "scaled_upper")?,
            factor: need(node.scale_factor, "scale_factor")?,
        };
        p.check()
            .map_err(|why| IndexError::Framework(format!("indicator `{}`: {why}", node.code)))?;
        Ok(p)
    }
}

impl GoalpostParams {
    /// Finite, with `lower < upper`.
    fn check(&self) -> std::result::Result<(), String> {
        if !(self.lower.is_finite() && self.upper.is_finite() && self.scale.is_finite()) {
            return Err("the goalposts and the scale must be finite numbers".into());
        }
        if self.lower >= self.upper {
            return Err(format!(
                "the lower goalpost ({}) must be below the upper ({})",
                self.lower, self.upper
            ));
        }
        Ok(())
    }

    /// An indicator's goalposts from the framework (truncated when `goalpost_trunc2posts`
    /// is absent, COINr's default).
    fn of(node: &Node) -> Result<GoalpostParams> {
        let need = |v: Option<f64>, col: &str| {
            v.ok_or_else(|| missing_parameter(node, "goalposts", col, "goalposts:LO,HI,SCALE"))
        };
        let p = GoalpostParams {
            lower: need(node.goalpost_lower, "goalpost_lower")?,
            upper: need(node.goalpost_upper, "goalpost_upper")?,
            scale: need(node.goalpost_scale, "goalpost_scale")?,
            trunc2posts: node.goalpost_trunc2posts.unwrap_or(true),
        };
        p.check()
            .map_err(|why| IndexError::Framework(format!("indicator `{}`: {why}", node.code)))?;
        Ok(p)
    }
}

/// The error for an indicator without a parameter its normalisation takes from the
/// framework.
fn missing_parameter(node: &Node, method: &str, column: &str, global: &str) -> IndexError {
    IndexError::Framework(format!(
        "indicator `{}` has no `{column}`: `{method}` without parameters takes it from the framework's `{column}` column (or give the same for every indicator: {global})",
        node.code
    ))
}

/// The smallest and largest non-missing value, or an error naming the indicator when it
/// has none.
fn range(col: &[f64], node: &Node, method: &str) -> Result<(f64, f64)> {
    let (min, max) = col
        .iter()
        .filter(|v| !v.is_nan())
        .fold((f64::INFINITY, f64::NEG_INFINITY), |(a, b), &v| {
            (a.min(v), b.max(v))
        });
    if min > max {
        return Err(IndexError::Undefined(format!(
            "indicator `{}` has no values: it cannot be normalised ({method})",
            node.code
        )));
    }
    Ok((min, max))
}

/// COINr's capping (`y[y > 1] <- 1`): missing values stay missing.
fn cap_at_one(col: &mut [f64]) {
    col.iter_mut().filter(|v| **v > 1.0).for_each(|v| *v = 1.0);
}

/// Normalises every indicator (times its direction first).
pub fn normalise(data: &DataSet, fw: &Framework, method: Normalise) -> Result<DataSet> {
    let reference = match method {
        Normalise::Dist2ref { unit, .. } => Some(
            data.units
                .iter()
                .position(|u| u == unit.as_str())
                .ok_or_else(|| {
                    let hint =
                        hallyu_data::nearest(unit.as_str(), data.units.iter().map(String::as_str))
                            .map(|s| format!(" (did you mean `{s}`?)"))
                            .unwrap_or_default();
                    IndexError::MissingData(format!(
                        "the reference unit `{unit}` of dist2ref is not among the units{hint}"
                    ))
                })?,
        ),
        _ => None,
    };
    let mut out = data.renamed("Normalised");
    for (col, node) in out.values.iter_mut().zip(&fw.indicators) {
        let d = node.direction;
        col.iter_mut().for_each(|v| *v *= d);
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
            Normalise::Scaled { params } => {
                let p = match params {
                    Some(p) => p,
                    None => ScaledParams::of(node)?,
                };
                // COINr (get_iMeta_norm_paras) passes c(u, l)·direction for direction −1.
                let (l, u) = if d == -1.0 {
                    (p.upper * d, p.lower * d)
                } else {
                    (p.lower, p.upper)
                };
                col.iter_mut()
                    .for_each(|v| *v = (*v - l) / (u - l) * p.factor);
            }
            Normalise::Fracmax => {
                let (_, max) = range(col, node, "fracmax")?;
                if max <= 0.0 {
                    return Err(IndexError::Undefined(format!(
                        "indicator `{}` has the highest value {max} (times its direction {d}): fracmax divides by the highest value, which must be above zero",
                        node.code
                    )));
                }
                col.iter_mut().for_each(|v| *v /= max);
            }
            Normalise::Dist2max => {
                let (min, max) = range(col, node, "dist2max")?;
                if max <= min {
                    return Err(IndexError::Undefined(format!(
                        "indicator `{}` has the same value for every unit: it has no distance to the maximum to scale",
                        node.code
                    )));
                }
                col.iter_mut()
                    .for_each(|v| *v = 1.0 - (max - *v) / (max - min));
            }
            Normalise::Dist2ref { unit, cap_max } => {
                let Some(r) = reference else {
                    unreachable!("the reference unit is looked up above for dist2ref")
                };
                let xref = col[r];
                if xref.is_nan() {
                    return Err(IndexError::Undefined(format!(
                        "the reference unit `{unit}` has no value for indicator `{}`: no distance to it",
                        node.code
                    )));
                }
                let (min, _) = range(col, node, "dist2ref")?;
                if xref == min {
                    return Err(IndexError::Undefined(format!(
                        "the reference unit `{unit}` has the lowest value of indicator `{}` (times its direction {d}): the distance from the lowest value to the reference is zero",
                        node.code
                    )));
                }
                col.iter_mut()
                    .for_each(|v| *v = 1.0 - (xref - *v) / (xref - min));
                if cap_max {
                    cap_at_one(col);
                }
            }
            Normalise::Dist2targ { cap_max } => {
                let target = match node.target {
                    Some(t) if t.is_finite() => t,
                    Some(t) => {
                        return Err(IndexError::Framework(format!(
                            "indicator `{}` has the target {t}: targets are finite numbers",
                            node.code
                        )))
                    }
                    None => {
                        return Err(IndexError::Framework(format!(
                            "indicator `{}` has no `Target`: dist2targ takes each indicator's target from the framework's `Target` column",
                            node.code
                        )))
                    }
                };
                let cap = cap_max.or(node.dist2targ_cap_max).unwrap_or(false);
                // As COINr: the target times the direction, then n_dist2targ with
                // direction 1 on the values times the direction.
                let targ = target * d;
                let (min, _) = range(col, node, "dist2targ")?;
                if targ == min {
                    return Err(IndexError::Undefined(format!(
                        "indicator `{}` has its target {target} as its {} value: the distance from it to the target is zero",
                        node.code,
                        if d == -1.0 { "highest" } else { "lowest" }
                    )));
                }
                col.iter_mut().for_each(|v| *v = (*v - min) / (targ - min));
                if cap {
                    cap_at_one(col);
                }
            }
            Normalise::Goalposts { params } => {
                let p = match params {
                    Some(p) => p,
                    None => GoalpostParams::of(node)?,
                };
                // COINr (get_iMeta_norm_paras) passes c(u, l)·direction for direction −1
                // and c(l, u)·direction otherwise, to n_goalposts with direction 1.
                let (g1, g2) = if d == -1.0 {
                    (p.upper * d, p.lower * d)
                } else {
                    (p.lower * d, p.upper * d)
                };
                for v in col.iter_mut() {
                    let mut y = (*v - g1) / (g2 - g1);
                    if p.trunc2posts {
                        // COINr: y[y > 1] <- 1; y[y < 0] <- 0 (missing stays missing).
                        y = y.clamp(0.0, 1.0);
                    }
                    *v = y * p.scale;
                }
            }
            Normalise::None => {}
        }
    }
    Ok(out)
}

/// R's `rank(x, ties.method = "min", na.last = "keep")`: 1 for the smallest, ties the
/// lowest of their ranks, missing values none.
pub(crate) fn ascending_min_ranks(x: &[f64]) -> Vec<Option<f64>> {
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

    /// An indicator `x` (level 1, under `I`) of the given direction.
    fn indicator(direction: f64) -> Node {
        Node {
            code: "x".into(),
            name: "x".into(),
            level: 1,
            direction,
            weight: 1.0,
            parent: Some("I".into()),
            denominator: None,
            ..Default::default()
        }
    }

    /// Normalises one indicator's values (units `U0`, `U1`, ...) with `method`.
    fn run(values: Vec<f64>, node: Node, method: &str) -> Result<Vec<f64>> {
        let fw = Framework {
            indicators: vec![node],
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
        Ok(normalise(&d, &fw, method.parse()?)?.values[0].clone())
    }

    fn one(values: Vec<f64>, direction: f64, method: &str) -> Vec<f64> {
        run(values, indicator(direction), method).expect("normalised")
    }

    /// The error message of a normalisation that fails.
    fn fails(values: Vec<f64>, node: Node, method: &str) -> String {
        match run(values, node, method) {
            Ok(v) => panic!("{method} should fail, gave {v:?}"),
            Err(e) => e.to_string(),
        }
    }

    use crate::steps::assert_close as close;

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

    const NA: f64 = f64::NAN;

    #[test]
    fn scaled_is_a_linear_rescaling_with_default_factor_100_and_flips_for_direction_minus_one() {
        // (x − 0)/(20 − 0)·100; missing stays missing.
        close(
            &one(vec![2.0, 4.0, NA, 10.0], 1.0, "scaled:0,20"),
            &[10.0, 20.0, NA, 50.0],
        );
        // Not min-max: values outside (l, u) go outside (0, factor).
        close(&one(vec![-2.0, 30.0], 1.0, "scaled:0,20,1"), &[-0.1, 1.5]);
        // Direction −1: COINr passes (−u, −l), i.e. (u − x)/(u − l)·factor.
        close(
            &one(vec![2.0, 4.0, NA, 10.0], -1.0, "scaled:0,20"),
            &[90.0, 80.0, NA, 50.0],
        );
    }

    #[test]
    fn scaled_without_parameters_reads_the_framework_and_names_an_indicator_lacking_them() {
        let mut node = indicator(-1.0);
        node.scaled_lower = Some(1.0);
        node.scaled_upper = Some(5.0);
        node.scale_factor = Some(10.0);
        // (5 − x)/4·10 for direction −1.
        close(
            &run(vec![1.0, 2.0, NA, 5.0], node.clone(), "scaled").expect("scaled"),
            &[10.0, 7.5, NA, 0.0],
        );
        node.scale_factor = None;
        let e = fails(vec![1.0, 2.0], node, "scaled");
        assert!(e.contains("`x`") && e.contains("scale_factor"), "{e}");
    }

    #[test]
    fn fracmax_divides_by_the_maximum_and_refuses_a_maximum_not_above_zero() {
        close(
            &one(vec![1.0, 4.0, NA, 2.0, -2.0], 1.0, "fracmax"),
            &[0.25, 1.0, NA, 0.5, -0.5],
        );
        // Direction −1 makes every value negative: x/max would reverse the order.
        let e = fails(vec![1.0, 4.0], indicator(-1.0), "fracmax");
        assert!(e.contains("`x`") && e.contains("above zero"), "{e}");
        let e = fails(vec![NA, NA], indicator(1.0), "fracmax");
        assert!(e.contains("no values"), "{e}");
    }

    #[test]
    fn dist2max_is_one_minus_the_distance_to_the_maximum_over_the_range() {
        close(
            &one(vec![1.0, 3.0, NA, 5.0, 3.0], 1.0, "dist2max"),
            &[0.0, 0.5, NA, 1.0, 0.5],
        );
        // Direction −1: the smallest raw value scores 1.
        close(
            &one(vec![1.0, 3.0, NA, 5.0], -1.0, "dist2max"),
            &[1.0, 0.5, NA, 0.0],
        );
        let e = fails(vec![2.0, 2.0, NA], indicator(1.0), "dist2max");
        assert!(e.contains("`x`") && e.contains("same value"), "{e}");
    }

    #[test]
    fn dist2ref_measures_from_the_minimum_to_a_reference_unit_with_optional_cap() {
        // 1 − (6 − x)/(6 − 2), the reference U1 = 6, minimum 2.
        let x = vec![2.0, 6.0, NA, 10.0];
        close(&one(x.clone(), 1.0, "dist2ref:U1"), &[0.0, 1.0, NA, 2.0]);
        close(
            &one(x.clone(), 1.0, "dist2ref:U1,true"),
            &[0.0, 1.0, NA, 1.0],
        );
        // Direction −1: values −x, reference −6, minimum −10: 1 − (x − 6)/(10 − 6).
        close(&one(x.clone(), -1.0, "dist2ref:U1"), &[2.0, 1.0, NA, 0.0]);
        // The reference missing, at the minimum, or not a unit.
        let e = fails(x.clone(), indicator(1.0), "dist2ref:U2");
        assert!(e.contains("`U2`") && e.contains("no value"), "{e}");
        let e = fails(x.clone(), indicator(1.0), "dist2ref:U0");
        assert!(e.contains("`U0`") && e.contains("lowest"), "{e}");
        let e = fails(x, indicator(1.0), "dist2ref:U9");
        assert!(
            e.contains("`U9`") && e.contains("not among the units"),
            "{e}"
        );
        assert!("dist2ref".parse::<Normalise>().is_err());
        assert!("dist2ref:U1,maybe".parse::<Normalise>().is_err());
    }

    #[test]
    fn dist2targ_uses_each_indicators_target_and_cap_and_flips_for_direction_minus_one() {
        let x = vec![2.0, 6.0, NA, 12.0];
        let mut node = indicator(1.0);
        node.target = Some(10.0);
        // (x − 2)/(10 − 2); not capped by default (COINr's cap_max = FALSE).
        close(
            &run(x.clone(), node.clone(), "dist2targ").expect("dist2targ"),
            &[0.0, 0.5, NA, 1.25],
        );
        close(
            &run(x.clone(), node.clone(), "dist2targ:true").expect("capped"),
            &[0.0, 0.5, NA, 1.0],
        );
        // The framework's dist2targ_cap_max, overridden by the command line.
        node.dist2targ_cap_max = Some(true);
        close(
            &run(x.clone(), node.clone(), "dist2targ").expect("capped"),
            &[0.0, 0.5, NA, 1.0],
        );
        close(
            &run(x.clone(), node.clone(), "dist2targ:false").expect("uncapped"),
            &[0.0, 0.5, NA, 1.25],
        );
        // Direction −1, target 4: COINr's (max − x)/(max − target) = (12 − x)/8, capped.
        let mut low = indicator(-1.0);
        low.target = Some(4.0);
        low.dist2targ_cap_max = Some(true);
        close(
            &run(x.clone(), low.clone(), "dist2targ").expect("dist2targ"),
            &[1.0, 0.75, NA, 0.0],
        );
        close(
            &run(x.clone(), low, "dist2targ:false").expect("dist2targ"),
            &[1.25, 0.75, NA, 0.0],
        );
        // No target: the error names the indicator and the column; a target at the
        // minimum leaves nothing to divide by.
        let e = fails(x.clone(), indicator(1.0), "dist2targ");
        assert!(e.contains("`x`") && e.contains("Target"), "{e}");
        node.target = Some(2.0);
        let e = fails(x, node, "dist2targ");
        assert!(e.contains("`x`") && e.contains("lowest"), "{e}");
        assert!("dist2targ:maybe".parse::<Normalise>().is_err());
    }

    #[test]
    fn goalposts_truncate_to_the_posts_unless_told_not_to_and_flip_for_direction_minus_one() {
        let x = vec![-5.0, 0.0, 2.5, NA, 10.0, 15.0];
        close(
            &one(x.clone(), 1.0, "goalposts:0,10,100"),
            &[0.0, 0.0, 25.0, NA, 100.0, 100.0],
        );
        close(
            &one(x.clone(), 1.0, "goalposts:0,10,100,false"),
            &[-50.0, 0.0, 25.0, NA, 100.0, 150.0],
        );
        // Direction −1: (upper − x)/(upper − lower), COINr's flipped goalposts.
        close(
            &one(x.clone(), -1.0, "goalposts:0,10,100"),
            &[100.0, 100.0, 75.0, NA, 0.0, 0.0],
        );
        // COINr's own examples: n_goalposts(1, c(0, 10, 1)) = 0.1, and 0.9 with direction −1.
        close(&one(vec![1.0], 1.0, "goalposts:0,10,1"), &[0.1]);
        close(&one(vec![1.0], -1.0, "goalposts:0,10,1"), &[0.9]);
        for bad in [
            "goalposts:10,0,1",
            "goalposts:5,5,1",
            "goalposts:0,10",
            "goalposts:0,10,1,maybe",
        ] {
            assert!(bad.parse::<Normalise>().is_err(), "{bad}");
        }
    }

    #[test]
    fn goalposts_without_parameters_read_the_framework_and_name_an_indicator_lacking_them() {
        let mut node = indicator(-1.0);
        node.goalpost_lower = Some(0.0);
        node.goalpost_upper = Some(10.0);
        node.goalpost_scale = Some(1.0);
        // goalpost_trunc2posts absent: truncated (COINr's default).
        close(
            &run(vec![-5.0, 4.0, NA], node.clone(), "goalposts").expect("goalposts"),
            &[1.0, 0.6, NA],
        );
        node.goalpost_trunc2posts = Some(false);
        close(
            &run(vec![-5.0, 4.0, NA], node.clone(), "goalposts").expect("goalposts"),
            &[1.5, 0.6, NA],
        );
        node.goalpost_upper = None;
        let e = fails(vec![1.0], node.clone(), "goalposts");
        assert!(e.contains("`x`") && e.contains("goalpost_upper"), "{e}");
        node.goalpost_upper = Some(-1.0);
        let e = fails(vec![1.0], node, "goalposts");
        assert!(e.contains("`x`") && e.contains("below the upper"), "{e}");
    }

    #[test]
    fn the_parameters_are_read_from_the_imeta_columns() {
        let dir = tempfile::tempdir().expect("tempdir");
        let path = dir.path().join("iMeta.csv");
        std::fs::write(
            &path,
            "iCode,iName,Level,Direction,Weight,Parent,Type,Target,dist2targ_cap_max,goalpost_lower,goalpost_upper,goalpost_scale,goalpost_trunc2posts,scaled_lower,scaled_upper,scale_factor\n\
             a,A,1,1,1,I,Indicator,10,TRUE,0,10,100,FALSE,0,20,100\n\
             b,B,1,-1,1,I,Indicator,4,NA,0,10,1,,,,\n\
             I,Index,2,,1,,Aggregate,,,,,,,,,\n",
        )
        .expect("write");
        let fw = Framework::from_imeta(&path).expect("framework");
        let a = &fw.indicators[0];
        assert_eq!(
            (a.target, a.dist2targ_cap_max, a.goalpost_trunc2posts),
            (Some(10.0), Some(true), Some(false))
        );
        assert_eq!(
            (a.scaled_lower, a.scaled_upper, a.scale_factor),
            (Some(0.0), Some(20.0), Some(100.0))
        );
        let b = &fw.indicators[1];
        assert_eq!((b.target, b.dist2targ_cap_max), (Some(4.0), None));
        assert_eq!(
            (
                b.goalpost_lower,
                b.goalpost_upper,
                b.goalpost_scale,
                b.scaled_lower
            ),
            (Some(0.0), Some(10.0), Some(1.0), None)
        );
        // Both indicators normalised with their own targets: a (x − 2)/(10 − 2), capped;
        // b direction −1, (12 − x)/(12 − 4), not capped.
        let d = DataSet {
            name: "Treated".into(),
            units: vec!["U0".into(), "U1".into(), "U2".into()],
            columns: vec!["a".into(), "b".into()],
            values: vec![vec![2.0, 6.0, 12.0], vec![2.0, 6.0, 12.0]],
        };
        let n = normalise(&d, &fw, "dist2targ".parse().expect("method")).expect("dist2targ");
        close(&n.values[0], &[0.0, 0.5, 1.0]);
        close(&n.values[1], &[1.25, 0.75, 0.0]);
        // scaled: b has no scaled_lower.
        let e = normalise(&d, &fw, "scaled".parse().expect("method")).expect_err("no params");
        assert!(e.to_string().contains("`b`"), "{e}");
        // A flag that is neither TRUE nor FALSE is refused with its row.
        std::fs::write(
            &path,
            "iCode,iName,Level,Direction,Weight,Parent,Type,dist2targ_cap_max\n\
             a,A,1,1,1,I,Indicator,maybe\n\
             I,Index,2,,1,,Aggregate,\n",
        )
        .expect("write");
        let e = Framework::from_imeta(&path)
            .expect_err("bad flag")
            .to_string();
        assert!(
            e.contains("row 2") && e.contains("dist2targ_cap_max"),
            "{e}"
        );
    }

    #[test]
    fn an_unknown_normalisation_lists_every_method() {
        let e = "goalpost"
            .parse::<Normalise>()
            .expect_err("unknown")
            .to_string();
        for name in [
            "minmax:LO,HI",
            "zscore:MEAN,SD",
            "rank",
            "borda",
            "prank",
            "scaled:LO,HI,FACTOR",
            "fracmax",
            "dist2max",
            "dist2ref:UNIT",
            "dist2targ:CAP",
            "goalposts:LO,HI,SCALE",
            "none",
        ] {
            assert!(e.contains(name), "{name} missing from: {e}");
        }
        for bad in [
            "fracmax:1",
            "dist2max:2",
            "scaled:1",
            "scaled:1,2,3,4",
            "scaled:3,3",
        ] {
            assert!(bad.parse::<Normalise>().is_err(), "{bad}");
        }
    }

    #[test]
    fn a_unit_code_is_held_inline_and_printed_as_text() {
        let u: UnitCode = " KOR ".parse().expect("code");
        assert_eq!(u.as_str(), "KOR");
        assert_eq!(format!("{u:?}"), "\"KOR\"");
        assert!("".parse::<UnitCode>().is_err());
        assert!("x".repeat(UNIT_CODE_MAX + 1).parse::<UnitCode>().is_err());
        let long: UnitCode = "é".repeat(UNIT_CODE_MAX / 2).parse().expect("64 bytes");
        assert_eq!(long.as_str().len(), UNIT_CODE_MAX);
    }
}
