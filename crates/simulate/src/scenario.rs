//! A policy scenario as the user writes it (TOML), and its validation.
//!
//! ```toml
//! # Korea signs RTAs with every ASEAN member in 2006
//! [baseline]
//! year = 2006
//! formula = "trade ~ log(dist) + cntg + lang + clny + rta | exporter + importer"
//!
//! [[change]]
//! variable = "rta"
//! value = 1
//! between = ["KOR"]
//! and = ["asean"]
//! ```
//!
//! `[baseline]`: `data` (CSV, Parquet or .dta with one row per exporter-importer-year,
//! domestic flows included; default: the embedded Advanced Guide panel), `year` (the world
//! that is simulated), `estimation_years` (default: `[year]`), `formula` (fixest syntax,
//! estimated by PPML; fixed effects by exporter, importer and year, and at most one pair
//! effect, which then becomes part of the trade costs), `fill` (covariates of the
//! second-stage PPML that predicts the pair effect of pairs that never trade in the
//! sample, as in the Guide's NAFTA application), `coefficients` (a table `name = value` used
//! instead of estimating), `vcov` (`hetero` default, `iid`, or a cluster column such as
//! `pair_id`; used for `--draws`), `sigma` (7), `reference` (numeraire country, `DEU` when
//! present, else the first), `closure` (`deficit_ratio` as in the Advanced Guide, or
//! `additive` as `ge_gravity`), column names `exporter`, `importer`, `value`.
//! A formula may use `intl_border` (1 between different countries) without the data having it.
//!
//! `[[change]]` (one or more): either `variable` + `value` (set a regressor column for the
//! selected pairs) or `cost_factor` (multiply the iceberg trade cost of the selected pairs
//! by this factor; `t = tau^(1-sigma)` is multiplied by `cost_factor^(1-sigma)`). Pairs:
//! `between` and `and` (both directions; without `and`, every pair within `between`),
//! `from` and `to` (one direction), or `pairs = "all"`. Lists take ISO3 codes, bloc names
//! (membership in the simulated year) and `"all"`. Domestic pairs are never selected.

use crate::equilibrium::Closure;
use crate::error::{Result, SimulateError};
use serde::Deserialize;
use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

/// A scenario file.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Scenario {
    /// A title for reports.
    #[serde(default)]
    pub title: Option<String>,
    /// The baseline world and its cost function.
    pub baseline: BaselineSpec,
    /// Policy changes, applied in order.
    #[serde(default, rename = "change")]
    pub changes: Vec<Change>,
}

/// `[baseline]`.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct BaselineSpec {
    /// Data file; `None` = the embedded panel.
    #[serde(default)]
    pub data: Option<PathBuf>,
    /// Year of the simulated world.
    pub year: i32,
    /// Years of the estimation sample (default: `[year]`).
    #[serde(default)]
    pub estimation_years: Option<Vec<i32>>,
    /// Estimating equation.
    pub formula: String,
    /// Covariates predicting the pair effect of pairs without one (second stage), for a
    /// baseline with a pair fixed effect: e.g. `["log(dist)", "cntg", "lang", "clny"]`.
    #[serde(default)]
    pub fill: Option<Vec<String>>,
    /// Coefficients given instead of estimated.
    #[serde(default)]
    pub coefficients: Option<BTreeMap<String, f64>>,
    /// Variance for coefficient draws: `hetero`, `iid` or a cluster column.
    #[serde(default)]
    pub vcov: Option<String>,
    /// Elasticity of substitution.
    #[serde(default = "default_sigma")]
    pub sigma: f64,
    /// Reference (numeraire) country.
    #[serde(default)]
    pub reference: Option<String>,
    /// Trade-balance closure.
    #[serde(default = "default_closure")]
    pub closure: Closure,
    /// Column names.
    #[serde(default = "default_exporter")]
    pub exporter: String,
    /// Importer column.
    #[serde(default = "default_importer")]
    pub importer: String,
    /// Trade value column.
    #[serde(default = "default_value")]
    pub value: String,
    /// Year column.
    #[serde(default = "default_year")]
    pub year_column: String,
}

fn default_sigma() -> f64 {
    7.0
}
fn default_closure() -> Closure {
    Closure::DeficitRatio
}
fn default_exporter() -> String {
    "exporter".into()
}
fn default_importer() -> String {
    "importer".into()
}
fn default_value() -> String {
    "trade".into()
}
fn default_year() -> String {
    "year".into()
}

/// `[[change]]`.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Change {
    /// Regressor column to set.
    #[serde(default)]
    pub variable: Option<String>,
    /// Its new value.
    #[serde(default)]
    pub value: Option<f64>,
    /// Iceberg-cost factor.
    #[serde(default)]
    pub cost_factor: Option<f64>,
    /// Symmetric selection, first side.
    #[serde(default)]
    pub between: Option<Vec<String>>,
    /// Symmetric selection, second side.
    #[serde(default)]
    pub and: Option<Vec<String>>,
    /// Directed selection, exporters.
    #[serde(default)]
    pub from: Option<Vec<String>>,
    /// Directed selection, importers.
    #[serde(default)]
    pub to: Option<Vec<String>>,
    /// `"all"`: every international pair.
    #[serde(default)]
    pub pairs: Option<String>,
}

/// What a change does to the selected pairs.
#[derive(Debug, Clone, PartialEq)]
pub enum Action {
    /// Set a regressor column.
    Set {
        /// Column.
        variable: String,
        /// Value.
        value: f64,
    },
    /// Multiply the iceberg cost.
    Scale(f64),
}

impl Change {
    /// The action, validated.
    pub fn action(&self, k: usize) -> Result<Action> {
        match (&self.variable, self.value, self.cost_factor) {
            (Some(v), Some(x), None) if x.is_finite() => Ok(Action::Set {
                variable: v.clone(),
                value: x,
            }),
            (None, None, Some(f)) if f.is_finite() && f > 0.0 => Ok(Action::Scale(f)),
            (None, None, Some(f)) => Err(SimulateError::Scenario(format!(
                "change {k}: cost_factor must be a positive number, got {f}"
            ))),
            _ => Err(SimulateError::Scenario(format!(
                "change {k}: give either `variable` and `value`, or `cost_factor`"
            ))),
        }
    }

    /// The directed pairs `(exporter, importer)` among `countries`, resolving bloc names
    /// for `year`. Codes not in the data are returned in `absent` (a bloc member missing
    /// from the data is not an error; an explicitly named country is).
    pub fn pairs(
        &self,
        k: usize,
        countries: &[String],
        year: i32,
        reference: &hallyu_data::reference::Reference,
    ) -> Result<Selection> {
        let mut absent = Vec::new();
        let mut side = |names: &[String]| -> Result<Vec<usize>> {
            let mut out = Vec::new();
            for name in names {
                out.extend(resolve(name, countries, year, reference, &mut absent)?);
            }
            out.sort_unstable();
            out.dedup();
            Ok(out)
        };
        let n = countries.len();
        let mut cells = Vec::new();
        let shapes = (
            &self.between,
            &self.and,
            &self.from,
            &self.to,
            self.pairs.as_deref(),
        );
        match shapes {
            (Some(a), b, None, None, None) => {
                let a = side(a)?;
                let b = match b {
                    Some(b) => side(b)?,
                    None => a.clone(),
                };
                for &i in &a {
                    for &j in &b {
                        cells.push(i * n + j);
                        cells.push(j * n + i);
                    }
                }
            }
            (None, None, Some(f), Some(t), None) => {
                let (f, t) = (side(f)?, side(t)?);
                for &i in &f {
                    for &j in &t {
                        cells.push(i * n + j);
                    }
                }
            }
            (None, None, None, None, Some(p)) if p.eq_ignore_ascii_case("all") => {
                cells.extend(0..n * n);
            }
            _ => {
                return Err(SimulateError::Scenario(format!(
                    "change {k}: select pairs with `between` (and optionally `and`), with `from` and `to`, or with `pairs = \"all\"`"
                )))
            }
        }
        cells.retain(|c| c / n != c % n);
        cells.sort_unstable();
        cells.dedup();
        if cells.is_empty() {
            return Err(SimulateError::Scenario(format!(
                "change {k} selects no pair of different countries present in the data{}",
                if absent.is_empty() {
                    String::new()
                } else {
                    format!(" (not in the data: {})", absent.join(", "))
                }
            )));
        }
        Ok(Selection { cells, absent })
    }
}

/// Selected cells of the `n x n` world and the named countries missing from the data.
#[derive(Debug, Clone)]
pub struct Selection {
    /// Cells `i * n + j`.
    pub cells: Vec<usize>,
    /// Bloc members named by the scenario but absent from the data.
    pub absent: Vec<String>,
}

fn resolve(
    name: &str,
    countries: &[String],
    year: i32,
    reference: &hallyu_data::reference::Reference,
    absent: &mut Vec<String>,
) -> Result<Vec<usize>> {
    let trimmed = name.trim();
    if trimmed.eq_ignore_ascii_case("all") {
        return Ok((0..countries.len()).collect());
    }
    let upper = trimmed.to_uppercase();
    if let Some(i) = countries.iter().position(|c| *c == upper) {
        return Ok(vec![i]);
    }
    if let Ok(bloc) = reference.bloc(trimmed) {
        let members = bloc.members_in(year);
        let mut out = Vec::new();
        for m in &members {
            match countries.iter().position(|c| c == m) {
                Some(i) => out.push(i),
                None => absent.push(format!("{m} ({})", bloc.name)),
            }
        }
        if members.is_empty() {
            return Err(SimulateError::Scenario(format!(
                "bloc `{}` has no members in {year}",
                bloc.name
            )));
        }
        return Ok(out);
    }
    // Neither a country of the data nor a bloc: say which, with the nearest names.
    let known = hallyu_data::reference::country_by_iso3(&upper).is_some();
    // A three-letter name is most likely a country code, anything else a bloc name.
    let codes = || countries.iter().map(String::as_str);
    let blocs = || reference.blocs().iter().map(|b| b.name.as_str());
    let suggestion = if trimmed.len() == 3 {
        hallyu_data::nearest(&upper, codes()).or_else(|| hallyu_data::nearest(trimmed, blocs()))
    } else {
        hallyu_data::nearest(trimmed, blocs()).or_else(|| hallyu_data::nearest(&upper, codes()))
    };
    Err(SimulateError::Scenario(if known {
        format!(
            "country `{upper}` is not in the data ({} countries)",
            countries.len()
        )
    } else {
        format!(
            "`{trimmed}` is neither a country code of the data nor a bloc{}",
            suggestion.map_or(String::new(), |s| format!("; did you mean `{s}`?"))
        )
    }))
}

/// Reads and parses a scenario file; relative data paths are taken from the file's folder.
pub fn read_scenario(path: &Path) -> Result<Scenario> {
    let text = std::fs::read_to_string(path)
        .map_err(|e| SimulateError::ScenarioFile(format!("cannot read {}: {e}", path.display())))?;
    let mut s = parse_scenario(&text).map_err(|e| match e {
        SimulateError::Scenario(m) => SimulateError::Scenario(format!("{}: {m}", path.display())),
        SimulateError::ScenarioFile(m) => {
            SimulateError::ScenarioFile(format!("{}: {m}", path.display()))
        }
        other => other,
    })?;
    if let (Some(data), Some(dir)) = (&s.baseline.data, path.parent()) {
        if data.is_relative() {
            s.baseline.data = Some(dir.join(data));
        }
    }
    Ok(s)
}

/// Parses scenario text.
pub fn parse_scenario(text: &str) -> Result<Scenario> {
    let s: Scenario =
        toml::from_str(text).map_err(|e| SimulateError::ScenarioFile(e.to_string()))?;
    if s.changes.is_empty() {
        return Err(SimulateError::Scenario(
            "no [[change]]: a scenario must change at least one policy variable or cost".into(),
        ));
    }
    for (k, c) in s.changes.iter().enumerate() {
        c.action(k + 1)?;
    }
    if s.baseline.sigma.is_nan() || s.baseline.sigma <= 1.0 {
        return Err(SimulateError::Scenario(format!(
            "sigma must be above 1, got {}",
            s.baseline.sigma
        )));
    }
    Ok(s)
}

#[cfg(test)]
mod tests {
    use super::*;
    use hallyu_data::reference::Reference;

    const KOR_ASEAN: &str = r#"
[baseline]
year = 2006
formula = "trade ~ log(dist) + rta | exporter + importer"

[[change]]
variable = "rta"
value = 1
between = ["KOR"]
and = ["asean"]
"#;

    fn world() -> Vec<String> {
        ["DEU", "IDN", "KOR", "SGP", "THA", "USA"]
            .map(String::from)
            .to_vec()
    }

    #[test]
    fn bloc_pairs_both_directions_members_by_year() {
        let s = parse_scenario(KOR_ASEAN).unwrap();
        let r = Reference::builtin();
        let sel = s.changes[0].pairs(1, &world(), 2006, &r).unwrap();
        let n = 6;
        let names: Vec<String> = sel
            .cells
            .iter()
            .map(|c| format!("{}-{}", world()[c / n], world()[c % n]))
            .collect();
        assert_eq!(
            names,
            ["IDN-KOR", "KOR-IDN", "KOR-SGP", "KOR-THA", "SGP-KOR", "THA-KOR"]
        );
        // ASEAN members absent from this world are reported, not silently ignored.
        assert!(sel.absent.iter().any(|a| a.starts_with("VNM")));
    }

    #[test]
    fn unknown_names_and_empty_scenarios_are_errors() {
        let r = Reference::builtin();
        let s = parse_scenario(&KOR_ASEAN.replace("\"asean\"", "\"asaen\"")).unwrap();
        let e = s.changes[0]
            .pairs(1, &world(), 2006, &r)
            .unwrap_err()
            .to_string();
        assert!(e.contains("did you mean `asean`"), "{e}");
        let s = parse_scenario(&KOR_ASEAN.replace("\"KOR\"", "\"AGO\"")).unwrap();
        let e = s.changes[0]
            .pairs(1, &world(), 2006, &r)
            .unwrap_err()
            .to_string();
        assert!(e.contains("AGO") && e.contains("not in the data"), "{e}");
        let head = KOR_ASEAN.split("[[change]]").next().unwrap();
        let e = parse_scenario(head).unwrap_err().to_string();
        assert!(e.contains("at least one"), "{e}");
        let e = parse_scenario(&KOR_ASEAN.replace("value = 1", "cost_factor = 0.9"))
            .unwrap_err()
            .to_string();
        assert!(e.contains("either"), "{e}");
    }

    #[test]
    fn directed_and_all_pairs() {
        let r = Reference::builtin();
        let text = KOR_ASEAN.replace(
            "variable = \"rta\"\nvalue = 1\nbetween = [\"KOR\"]\nand = [\"asean\"]",
            "cost_factor = 0.9\nfrom = [\"KOR\"]\nto = [\"USA\", \"DEU\"]",
        );
        let s = parse_scenario(&text).unwrap();
        assert_eq!(s.changes[0].action(1).unwrap(), Action::Scale(0.9));
        let sel = s.changes[0].pairs(1, &world(), 2006, &r).unwrap();
        assert_eq!(sel.cells, [2 * 6, 2 * 6 + 5]);
        let text = KOR_ASEAN.replace("between = [\"KOR\"]\nand = [\"asean\"]", "pairs = \"all\"");
        let s = parse_scenario(&text).unwrap();
        assert_eq!(
            s.changes[0]
                .pairs(1, &world(), 2006, &r)
                .unwrap()
                .cells
                .len(),
            30
        );
    }
}
