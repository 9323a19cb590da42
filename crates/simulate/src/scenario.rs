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
//! `[baseline]`: `data` (in the file only, see below), `year` (the world
//! that is simulated), `estimation_years` (default: `[year]`), `formula` (fixest syntax,
//! estimated by PPML; fixed effects by exporter, importer and year, and at most one pair
//! effect, which then becomes part of the trade costs), `fill` (covariates of the
//! second-stage PPML that predicts the pair effect of pairs that never trade in the
//! sample, as in the Guide's NAFTA application), `coefficients` (a table `name = value` used
//! instead of estimating), `vcov` (`hetero` default, `iid`, or a cluster column such as
//! `pair_id`; used for coefficient draws), `sigma` (7), `reference` (numeraire country, `DEU` when
//! present, else the first), `closure` (`deficit_ratio` as in the Advanced Guide, or
//! `additive` as `ge_gravity`), column names `exporter`, `importer`, `value`.
//! A formula may use `intl_border` (1 between different countries) without the data having it.
//!
//! `[[change]]` (one or more): either `variable` + `value` (set a regressor column for the
//! selected pairs) or `cost_factor` (multiply the iceberg trade cost of the selected pairs
//! by this factor; `t = tau^(1-sigma)` is multiplied by `cost_factor^(1-sigma)`). Pairs:
//! `between` and `and` (both directions; without `and`, every pair within `between`),
//! `from` and `to` (one direction), or `pairs = "all"`. Lists take ISO3 codes, bloc names
//! (membership in the simulated year), comma-separated lists of codes and `"all"`, resolved by
//! [`Reference::resolve`](hallyu_data::reference::Reference::resolve). Domestic pairs are
//! never selected.
//!
//! A [`Scenario`] is owned data (Serialize + Deserialize) without a file path: where its
//! data come from is the caller's business. The file layout keeps `[baseline] data =
//! "flows.csv"` (CSV, Parquet or .dta with one row per exporter-importer-year, domestic
//! flows included; without it, the embedded Advanced Guide panel):
//! [`parse_scenario_toml`] returns the scenario and that data reference separately, and the
//! caller resolves the path (against the scenario file's folder) and loads the
//! [`Scenario::columns`] it needs. This crate reads no file.

use crate::equilibrium::Closure;
use crate::error::{Result, SimulateError};
use hallyu_data::reference::{Reference, Resolved};
use hallyu_estimate::Formula;
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;

/// A policy scenario: the baseline world and the changes applied to it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, schemars::JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Scenario {
    /// A title for reports.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub title: Option<String>,
    /// The baseline world and its cost function (`[baseline]`).
    pub baseline: BaselineSpec,
    /// Policy changes, applied in order (`[[change]]`).
    #[serde(default, rename = "change")]
    pub changes: Vec<Change>,
}

/// `[baseline]`: the simulated world, its estimation and its columns. Where the data come
/// from is not part of it (see [`parse_scenario_toml`]).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, schemars::JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct BaselineSpec {
    /// Year of the simulated world; the data must have it.
    pub year: i32,
    /// Years of the estimation sample (default: `[year]`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub estimation_years: Option<Vec<i32>>,
    /// Estimating equation in fixest syntax, estimated by PPML: fixed effects by exporter,
    /// importer and year, and at most one pair effect (which becomes part of trade costs).
    pub formula: String,
    /// Covariates predicting the pair effect of pairs without one (second stage), for a
    /// baseline with a pair fixed effect: e.g. `["log(dist)", "cntg", "lang", "clny"]`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub fill: Option<Vec<String>>,
    /// Coefficients given instead of estimated (`name = value`); coefficient draws then
    /// have no variance to draw from.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub coefficients: Option<BTreeMap<String, f64>>,
    /// Variance for coefficient draws: `hetero` (default), `iid` or cluster columns
    /// (`pair_id`, `exporter,importer`, `exporter^year`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub vcov: Option<String>,
    /// Elasticity of substitution, above 1 (default 7).
    #[serde(default = "default_sigma")]
    pub sigma: f64,
    /// Reference (numeraire) country: `DEU` when present, else the first country.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub reference: Option<String>,
    /// Trade-balance closure (default `deficit_ratio`, as in the Advanced Guide).
    #[serde(default = "default_closure")]
    pub closure: Closure,
    /// Exporter column (default `exporter`).
    #[serde(default = "default_exporter")]
    pub exporter: String,
    /// Importer column (default `importer`).
    #[serde(default = "default_importer")]
    pub importer: String,
    /// Trade value column (default `trade`).
    #[serde(default = "default_value")]
    pub value: String,
    /// Year column (default `year`).
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

/// `[[change]]`: what changes (`variable` and `value`, or `cost_factor`) for which pairs
/// (`between`/`and`, `from`/`to`, or `pairs = "all"`).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, schemars::JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Change {
    /// Regressor column to set for the selected pairs.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub variable: Option<String>,
    /// Its new value (with `variable`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub value: Option<f64>,
    /// Factor on the iceberg trade cost of the selected pairs (`t = tau^(1-sigma)` is
    /// multiplied by `cost_factor^(1-sigma)`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub cost_factor: Option<f64>,
    /// Symmetric selection, first side: codes, blocs, lists or `all`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub between: Option<Vec<String>>,
    /// Symmetric selection, second side (default: `between` itself).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub and: Option<Vec<String>>,
    /// Directed selection, exporters.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub from: Option<Vec<String>>,
    /// Directed selection, importers.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub to: Option<Vec<String>>,
    /// `"all"`: every international pair.
    #[serde(default, skip_serializing_if = "Option::is_none")]
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
    /// The action, validated; `k` is the change's 1-based number for messages.
    pub fn action(&self, k: usize) -> Result<Action> {
        match (&self.variable, self.value, self.cost_factor) {
            (Some(v), Some(x), None) if x.is_finite() => Ok(Action::Set {
                variable: v.clone(),
                value: x,
            }),
            (Some(_), Some(x), None) => Err(SimulateError::NonFiniteValue {
                change: k,
                value: x,
            }),
            (None, None, Some(f)) if f.is_finite() && f > 0.0 => Ok(Action::Scale(f)),
            (None, None, Some(f)) => Err(SimulateError::InvalidCostFactor {
                change: k,
                value: f,
            }),
            _ => Err(SimulateError::ChangeWithoutAction { change: k }),
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
        reference: &Reference,
    ) -> Result<Selection> {
        let mut absent = Vec::new();
        let role = format!("change {k}: country");
        let mut side = |names: &[String]| -> Result<Vec<usize>> {
            let mut out = Vec::new();
            for name in names {
                out.extend(indices(
                    &role,
                    name,
                    countries,
                    year,
                    reference,
                    &mut absent,
                )?);
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
            (None, None, None, None, Some(p)) if p.trim().eq_ignore_ascii_case("all") => {
                cells.extend(0..n * n);
            }
            _ => return Err(SimulateError::ChangeWithoutPairs { change: k }),
        }
        cells.retain(|c| c / n != c % n);
        cells.sort_unstable();
        cells.dedup();
        if cells.is_empty() {
            return Err(SimulateError::NoPairSelected { change: k, absent });
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

/// Indices in `countries` of what `name` stands for; bloc members the data lacks go to
/// `absent` as `VNM (asean)`.
fn indices(
    role: &str,
    name: &str,
    countries: &[String],
    year: i32,
    reference: &Reference,
    absent: &mut Vec<String>,
) -> Result<Vec<usize>> {
    let index = |code: &str| countries.iter().position(|c| c == code);
    Ok(
        match reference.resolve(role, name, countries, Some(year), true)? {
            Resolved::All => (0..countries.len()).collect(),
            Resolved::Country(c) => index(&c).into_iter().collect(),
            Resolved::List(codes) => codes.iter().filter_map(|c| index(c)).collect(),
            Resolved::Bloc(bloc) => {
                let mut out = Vec::new();
                for m in bloc.members_in(year) {
                    match index(m) {
                        Some(i) => out.push(i),
                        None => absent.push(format!("{m} ({})", bloc.name)),
                    }
                }
                out
            }
        },
    )
}

impl Scenario {
    /// The columns a run reads from the data: the country, year and value columns, every
    /// column of the formula and of the fill covariates, and cluster columns of the
    /// variance. `intl_border` is among them when the formula uses it, but the run builds
    /// it (1 between different countries) when the data lack it, so a loader may skip it.
    pub fn columns(&self) -> Result<Vec<String>> {
        let b = &self.baseline;
        let mut out = vec![
            b.exporter.clone(),
            b.importer.clone(),
            b.year_column.clone(),
            b.value.clone(),
        ];
        out.extend(Formula::parse(&b.formula)?.columns());
        if let Some(fill) = b.fill.as_ref().filter(|f| !f.is_empty()) {
            let text = format!("{} ~ {}", b.value, fill.join(" + "));
            out.extend(Formula::parse(&text)?.columns());
        }
        if let Some(v) = b.vcov.as_deref() {
            out.extend(crate::prepare::cluster_columns(v).into_iter().flatten());
        }
        let mut seen = std::collections::HashSet::new();
        out.retain(|c| seen.insert(c.clone()));
        Ok(out)
    }

    /// Checks what can be checked without the data: at least one change, each with a
    /// valid action, and `sigma` above 1.
    pub fn validate(&self) -> Result<()> {
        if self.changes.is_empty() {
            return Err(SimulateError::NoChange);
        }
        for (k, c) in self.changes.iter().enumerate() {
            c.action(k + 1)?;
        }
        let sigma = self.baseline.sigma;
        if sigma.is_nan() || sigma <= 1.0 {
            return Err(SimulateError::InvalidSigma { sigma });
        }
        Ok(())
    }
}

/// Parses a scenario as TOML in its owned form (no `data` key), validated.
pub fn parse_scenario(text: &str) -> Result<Scenario> {
    let s: Scenario = toml::from_str(text).map_err(|e| SimulateError::ScenarioFormat {
        message: e.to_string(),
    })?;
    s.validate()?;
    Ok(s)
}

/// Parses a scenario file's text: the scenario, validated, and the data reference of
/// `[baseline] data` as written (a path the caller resolves, e.g. against the file's
/// folder; `None`: the embedded panel).
pub fn parse_scenario_toml(text: &str) -> Result<(Scenario, Option<String>)> {
    let format = |mut e: toml::de::Error| {
        e.set_input(Some(text));
        SimulateError::ScenarioFormat {
            message: e.to_string(),
        }
    };
    let mut root = toml::de::DeTable::parse(text).map_err(format)?;
    let mut data = None;
    if let Some(baseline) = root.get_mut().get_mut("baseline") {
        if let toml::de::DeValue::Table(t) = baseline.get_mut() {
            if let Some(value) = t.remove("data") {
                let span = value.span();
                match value.into_inner() {
                    toml::de::DeValue::String(s) => data = Some(s.into_owned()),
                    _ => {
                        let before = text.get(..span.start).unwrap_or(text);
                        let line = before.matches('\n').count() + 1;
                        return Err(SimulateError::ScenarioFormat {
                            message: format!(
                                "line {line}: `data` in [baseline] must be a file name in quotes"
                            ),
                        });
                    }
                }
            }
        }
    }
    // The document without `data` deserializes with its spans, so errors keep their lines.
    let s = Scenario::deserialize(toml::de::Deserializer::from(root)).map_err(format)?;
    s.validate()?;
    Ok((s, data))
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

    #[test]
    fn the_file_layout_gives_the_data_reference_apart_from_the_scenario() {
        let text = KOR_ASEAN.replace("[baseline]\n", "[baseline]\ndata = \"flows.csv\"\n");
        let (s, data) = parse_scenario_toml(&text).unwrap();
        assert_eq!(data.as_deref(), Some("flows.csv"));
        assert_eq!(s, parse_scenario(KOR_ASEAN).unwrap());
        let (_, data) = parse_scenario_toml(KOR_ASEAN).unwrap();
        assert_eq!(data, None);
        // The owned scenario has no file path: `data` is not one of its fields.
        let e = parse_scenario(&text).unwrap_err();
        assert!(matches!(e, SimulateError::ScenarioFormat { .. }), "{e}");
        // Errors keep their line, with or without `data`.
        let e = parse_scenario_toml(&text.replace("year = 2006", "year = 2006\nyaer = 1"))
            .unwrap_err()
            .to_string();
        // (The text starts with an empty line: `yaer` is on line 5.)
        assert!(e.contains("line 5") && e.contains("yaer"), "{e}");
        let e = parse_scenario_toml(&KOR_ASEAN.replace("[baseline]\n", "[baseline]\ndata = 3\n"))
            .unwrap_err();
        assert!(
            matches!(&e, SimulateError::ScenarioFormat { message } if message.contains("line 3")),
            "{e}"
        );
        assert_eq!(e.category(), hallyu_data::ErrorCategory::Data);
    }

    #[test]
    fn a_scenario_round_trips_through_json() {
        let text = KOR_ASEAN.replace(
            "[baseline]\n",
            "title = \"t\"\n[baseline]\nvcov = \"pair_id\"\nfill = [\"log(dist)\"]\ncoefficients = { rta = 0.5 }\n",
        );
        let s = parse_scenario(&text).unwrap();
        let json = serde_json::to_string(&s).unwrap();
        let back: Scenario = serde_json::from_str(&json).unwrap();
        assert_eq!(back, s);
        // Defaults are filled in, and unknown fields are refused in JSON as in TOML.
        let v: serde_json::Value = serde_json::from_str(&json).unwrap();
        assert_eq!(v["baseline"]["sigma"], 7.0);
        assert_eq!(v["baseline"]["closure"], "deficit_ratio");
        let bad = json.replace("\"year\":2006", "\"year\":2006,\"data\":\"x.csv\"");
        assert!(serde_json::from_str::<Scenario>(&bad).is_err());
    }

    #[test]
    fn columns_are_what_a_run_reads() {
        let text = KOR_ASEAN.replace(
            "[baseline]\n",
            "[baseline]\nvcov = \"exporter^year,pair_id\"\nfill = [\"log(dist)\", \"cntg\"]\n",
        );
        let s = parse_scenario(&text).unwrap();
        assert_eq!(
            s.columns().unwrap(),
            ["exporter", "importer", "year", "trade", "dist", "rta", "cntg", "pair_id"]
        );
        let s = parse_scenario(&KOR_ASEAN.replace("[baseline]\n", "[baseline]\nvcov = \"iid\"\n"))
            .unwrap();
        assert_eq!(
            s.columns().unwrap(),
            ["exporter", "importer", "year", "trade", "dist", "rta"]
        );
    }

    #[test]
    fn mistakes_are_structured_errors_of_category_input() {
        let r = Reference::builtin();
        let e = parse_scenario(&KOR_ASEAN.replace("value = 1", "value = nan")).unwrap_err();
        assert!(
            matches!(e, SimulateError::NonFiniteValue { change: 1, .. }),
            "{e}"
        );
        let s = parse_scenario(&KOR_ASEAN.replace("\"KOR\"", "\"KRO\"")).unwrap();
        let e = s.changes[0].pairs(1, &world(), 2006, &r).unwrap_err();
        assert!(
            matches!(&e, SimulateError::Data(hallyu_data::DataError::UnknownCountry { suggestion: Some(k), .. }) if k == "KOR"),
            "{e}"
        );
        assert_eq!(e.category(), hallyu_data::ErrorCategory::Input);
        let e = parse_scenario(&KOR_ASEAN.replace("between = [\"KOR\"]\nand = [\"asean\"]", ""))
            .unwrap()
            .changes[0]
            .pairs(1, &world(), 2006, &r)
            .unwrap_err();
        assert!(
            matches!(e, SimulateError::ChangeWithoutPairs { change: 1 }),
            "{e}"
        );
        // A list of codes in one string selects like separate names.
        let s = parse_scenario(&KOR_ASEAN.replace("[\"asean\"]", "[\"SGP, THA\"]")).unwrap();
        assert_eq!(
            s.changes[0]
                .pairs(1, &world(), 2006, &r)
                .unwrap()
                .cells
                .len(),
            4
        );
    }
}
