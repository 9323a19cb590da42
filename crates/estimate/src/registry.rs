//! The variance registry, in the spirit of fixest's `vcov_setup()`: every variance kind with
//! its names (aliases of fixest and pyfixest), its label and how it finds its cluster
//! variables; [`VcovChoice`], a variance as a user writes it, and the rules that turn it
//! into the [`VcovSpec`] an estimation computes.
//!
//! Written forms (names are case-insensitive; variables separated by `,` or `+`, an
//! interaction written `a^b`):
//!
//! | written | meaning |
//! | --- | --- |
//! | `iid`, `standard`, `normal` | homoskedastic |
//! | `hetero`, `white`, `hc1` | heteroskedasticity-robust (HC1) |
//! | `cluster` | clustered by the model's first fixed effect (fixest's rule) |
//! | `cluster:pair_id`, `CRV1:pair_id`, `cl:pair_id`, `cluster(pair_id)` | clustered by `pair_id` |
//! | `cluster:exporter,importer` | two-way clustered |
//! | `twoway` | clustered by the model's first two fixed effects |
//!
//! pyfixest's dictionary form `{"CRV1": "pair_id"}` (or `"exporter+importer"`) is accepted
//! when deserialising.

use crate::error::ClusterProblem;
use crate::formula::Formula;
use crate::vcov::{Ssc, VcovSpec};
use crate::{EstimateError, Result};
use serde::{Deserialize, Deserializer, Serialize, Serializer};
use std::fmt;
use std::str::FromStr;

/// The family of a variance estimator.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum VcovKind {
    /// Homoskedastic.
    Iid,
    /// Heteroskedasticity-robust.
    Hetero,
    /// Clustered by the variables given, else by the model's first fixed effect.
    Cluster,
    /// Clustered by the variables given, else by the model's first two fixed effects.
    TwoWay,
}

/// Where a variance kind takes its cluster variables from.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ClusterSource {
    /// It takes none.
    None,
    /// Those given (one or two), else the model's first `n` fixed effects.
    GivenOrFixedEffects(usize),
}

/// One entry of the registry.
#[derive(Debug, Clone, Copy)]
pub struct VcovKindInfo {
    /// The kind.
    pub kind: VcovKind,
    /// Names it answers to; the first is the canonical one.
    pub names: &'static [&'static str],
    /// Human label (fixest's `vcov_label`).
    pub label: &'static str,
    /// Where its cluster variables come from.
    pub clusters: ClusterSource,
}

/// Every variance kind (fixest's names, and pyfixest's `HC1` and `CRV1`).
pub const VCOV_KINDS: [VcovKindInfo; 4] = [
    VcovKindInfo {
        kind: VcovKind::Iid,
        names: &["iid", "standard", "normal"],
        label: "IID",
        clusters: ClusterSource::None,
    },
    VcovKindInfo {
        kind: VcovKind::Hetero,
        names: &["hetero", "white", "hc1"],
        label: "Heteroskedasticity-robust",
        clusters: ClusterSource::None,
    },
    VcovKindInfo {
        kind: VcovKind::Cluster,
        names: &["cluster", "crv1", "cl"],
        label: "Clustered",
        clusters: ClusterSource::GivenOrFixedEffects(1),
    },
    VcovKindInfo {
        kind: VcovKind::TwoWay,
        names: &["twoway"],
        label: "Two-way clustered",
        clusters: ClusterSource::GivenOrFixedEffects(2),
    },
];

/// At most this many cluster variables (one- and two-way clustering).
pub const MAX_CLUSTER_VARIABLES: usize = 2;

impl VcovKind {
    /// Its registry entry.
    pub fn info(self) -> &'static VcovKindInfo {
        // Every kind has exactly one entry (checked by a test).
        match self {
            VcovKind::Iid => &VCOV_KINDS[0],
            VcovKind::Hetero => &VCOV_KINDS[1],
            VcovKind::Cluster => &VCOV_KINDS[2],
            VcovKind::TwoWay => &VCOV_KINDS[3],
        }
    }

    /// The kind a name stands for (case-insensitive), or an error with the nearest name.
    pub fn from_name(name: &str) -> Result<VcovKind> {
        let lower = name.trim().to_lowercase();
        VCOV_KINDS
            .iter()
            .find(|k| k.names.contains(&lower.as_str()))
            .map(|k| k.kind)
            .ok_or_else(|| EstimateError::VcovTypeNotSupported {
                name: name.trim().to_string(),
                suggestion: hallyu_data::nearest(
                    name.trim(),
                    VCOV_KINDS.iter().flat_map(|k| k.names.iter().copied()),
                ),
            })
    }
}

/// The names of the registry, for messages: `iid (standard, normal), hetero (...), ...`.
pub(crate) fn known_names() -> String {
    VCOV_KINDS
        .iter()
        .map(|k| match k.names {
            [first] => (*first).to_string(),
            [first, rest @ ..] => format!("{first} ({})", rest.join(", ")),
            [] => String::new(),
        })
        .collect::<Vec<_>>()
        .join(", ")
}

/// A variance as a user asks for it: a kind and, for clustering, the variables (each
/// possibly an interaction `a^b`); none means the registry's default (the model's first
/// fixed effect, or first two for `twoway`). Serialises as its written form (`iid`,
/// `hetero`, `cluster`, `cluster:pair_id`, `cluster:exporter,importer`, `twoway`).
/// The default is `iid`, as in fixest 0.13 and pyfixest.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct VcovChoice {
    /// The family.
    pub kind: VcovKind,
    /// Cluster variables as given; each is one variable or an interaction `[a, b]`.
    pub clusters: Vec<Vec<String>>,
}

impl Default for VcovChoice {
    fn default() -> Self {
        VcovChoice {
            kind: VcovKind::Iid,
            clusters: Vec::new(),
        }
    }
}

impl VcovChoice {
    /// A choice of a kind and its variables, checked as the written form is.
    pub fn new(kind: VcovKind, clusters: Vec<Vec<String>>) -> Result<VcovChoice> {
        let choice = VcovChoice { kind, clusters };
        choice.check()?;
        Ok(choice)
    }

    /// The variance an estimation computes for this choice on a model: the default
    /// cluster rule (fixest's: `cluster` alone clusters by the first fixed effect, `twoway`
    /// by the first two) and at most two cluster variables.
    pub fn resolve(&self, formula: &Formula) -> Result<VcovSpec> {
        self.resolve_with(Some(&formula.fixed_effects))
    }

    /// The variance without a model: fails when the choice needs the model's fixed effects.
    pub fn resolve_explicit(&self) -> Result<VcovSpec> {
        self.resolve_with(None)
    }

    fn resolve_with(&self, fixed_effects: Option<&[Vec<String>]>) -> Result<VcovSpec> {
        self.check()?;
        match self.kind.info().clusters {
            ClusterSource::None => Ok(match self.kind {
                VcovKind::Hetero => VcovSpec::Hetero,
                _ => VcovSpec::Iid,
            }),
            ClusterSource::GivenOrFixedEffects(_) if !self.clusters.is_empty() => {
                Ok(VcovSpec::Cluster(self.clusters.clone()))
            }
            ClusterSource::GivenOrFixedEffects(needed) => {
                let fe = fixed_effects.unwrap_or(&[]);
                if fe.len() < needed {
                    return Err(self.problem(ClusterProblem::NotEnoughFixedEffects {
                        needed,
                        available: fe.len(),
                    }));
                }
                Ok(VcovSpec::Cluster(fe[..needed].to_vec()))
            }
        }
    }

    /// The rules every written form obeys, whatever the model.
    fn check(&self) -> Result<()> {
        if self.kind.info().clusters == ClusterSource::None && !self.clusters.is_empty() {
            return Err(self.problem(ClusterProblem::NotClustered));
        }
        check_clusters(&self.clusters).map_err(|p| self.problem(p))
    }

    fn problem(&self, problem: ClusterProblem) -> EstimateError {
        EstimateError::ClusterVariables {
            vcov: self.to_string(),
            problem,
        }
    }
}

/// Cluster variables usable as given: none empty, none repeated, at most two.
pub(crate) fn check_clusters(clusters: &[Vec<String>]) -> std::result::Result<(), ClusterProblem> {
    if clusters
        .iter()
        .any(|c| c.is_empty() || c.iter().any(|v| v.is_empty()))
    {
        return Err(ClusterProblem::EmptyName);
    }
    if clusters.len() > MAX_CLUSTER_VARIABLES {
        return Err(ClusterProblem::TooMany {
            count: clusters.len(),
        });
    }
    for (i, c) in clusters.iter().enumerate() {
        if clusters[..i].contains(c) {
            return Err(ClusterProblem::Repeated { name: c.join("^") });
        }
    }
    Ok(())
}

/// `a, b^c` or `a + b^c` → `[[a], [b, c]]` (names trimmed, empty ones kept for the checks).
fn parse_variables(text: &str) -> Vec<Vec<String>> {
    text.split([',', '+'])
        .map(|v| v.split('^').map(|s| s.trim().to_string()).collect())
        .collect()
}

fn write_variables(clusters: &[Vec<String>]) -> String {
    clusters
        .iter()
        .map(|c| c.join("^"))
        .collect::<Vec<_>>()
        .join(",")
}

impl FromStr for VcovChoice {
    type Err = EstimateError;

    /// Parses `name`, `name:vars` or `name(vars)` (the label a fit reports).
    fn from_str(s: &str) -> Result<VcovChoice> {
        let s = s.trim();
        let (name, vars) = match (s.split_once(':'), s.split_once('(')) {
            (Some((name, vars)), _) => (name, Some(vars)),
            (None, Some((name, rest))) if rest.ends_with(')') => {
                (name, Some(&rest[..rest.len() - 1]))
            }
            _ => (s, None),
        };
        let kind = VcovKind::from_name(name)?;
        let clusters = vars.map(parse_variables).unwrap_or_default();
        let choice = VcovChoice { kind, clusters };
        choice.check()?;
        Ok(choice)
    }
}

impl fmt::Display for VcovChoice {
    /// The canonical written form: the kind's first name, then `:variables` if any.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let name = self.kind.info().names[0];
        if self.clusters.is_empty() {
            write!(f, "{name}")
        } else {
            write!(f, "{name}:{}", write_variables(&self.clusters))
        }
    }
}

impl Serialize for VcovChoice {
    fn serialize<S: Serializer>(&self, s: S) -> std::result::Result<S::Ok, S::Error> {
        s.collect_str(self)
    }
}

impl<'de> Deserialize<'de> for VcovChoice {
    fn deserialize<D: Deserializer<'de>>(d: D) -> std::result::Result<Self, D::Error> {
        /// A written form, or pyfixest's `{"CRV1": "a+b"}`.
        #[derive(Deserialize)]
        #[serde(untagged)]
        enum Written {
            Text(String),
            Map(std::collections::BTreeMap<String, String>),
        }
        let choice = match Written::deserialize(d)? {
            Written::Text(s) => s.parse(),
            Written::Map(m) if m.len() == 1 => {
                let (name, vars) = m.into_iter().next().unwrap_or_default();
                VcovKind::from_name(&name)
                    .and_then(|kind| VcovChoice::new(kind, parse_variables(&vars)))
            }
            Written::Map(_) => {
                return Err(serde::de::Error::custom(
                    "a variance as a map has exactly one entry, e.g. {\"CRV1\": \"pair_id\"}",
                ))
            }
        };
        choice.map_err(serde::de::Error::custom)
    }
}

// --- VcovSpec: the resolved variance, written as the label fits report -------------------

impl VcovSpec {
    /// Checks a variance built in code as its written form is checked: one or two cluster
    /// variables, none empty or repeated.
    pub fn validate(&self) -> Result<()> {
        match self {
            VcovSpec::Cluster(c) => {
                let problem = if c.is_empty() {
                    Err(ClusterProblem::NoVariables)
                } else {
                    check_clusters(c)
                };
                problem.map_err(|problem| EstimateError::ClusterVariables {
                    vcov: self.label(),
                    problem,
                })
            }
            VcovSpec::Iid | VcovSpec::Hetero => Ok(()),
        }
    }
}

impl fmt::Display for VcovSpec {
    /// The label of outputs: `iid`, `hetero`, `cluster(pair_id)`, `cluster(a, b^c)`.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.label())
    }
}

impl FromStr for VcovSpec {
    type Err = EstimateError;

    /// Any written form that names its cluster variables: the label (`cluster(pair_id)`) or
    /// a choice (`cluster:pair_id`, `hc1`); `cluster` alone needs a model (use
    /// [`VcovChoice::resolve`]).
    fn from_str(s: &str) -> Result<VcovSpec> {
        s.parse::<VcovChoice>()?.resolve_explicit()
    }
}

impl PartialEq<&str> for VcovSpec {
    fn eq(&self, other: &&str) -> bool {
        self.label() == *other
    }
}

impl Serialize for VcovSpec {
    fn serialize<S: Serializer>(&self, s: S) -> std::result::Result<S::Ok, S::Error> {
        s.serialize_str(&self.label())
    }
}

impl<'de> Deserialize<'de> for VcovSpec {
    fn deserialize<D: Deserializer<'de>>(d: D) -> std::result::Result<Self, D::Error> {
        let choice = VcovChoice::deserialize(d)?;
        choice.resolve_explicit().map_err(serde::de::Error::custom)
    }
}

// --- Ssc: written as its label -------------------------------------------------------------

/// Every correction with its label and the names it answers to.
const SSC_NAMES: [(Ssc, &[&str]); 4] = [
    (Ssc::Fixest, &["fixest"]),
    (
        Ssc::ClusterOnly,
        &["cluster-only", "cluster_only", "clusteronly"],
    ),
    (Ssc::Stata, &["stata"]),
    (Ssc::None, &["none"]),
];

impl FromStr for Ssc {
    type Err = EstimateError;

    /// `fixest`, `cluster-only`, `stata` or `none` (case-insensitive).
    fn from_str(s: &str) -> Result<Ssc> {
        let lower = s.trim().to_lowercase();
        SSC_NAMES
            .iter()
            .find(|(_, names)| names.contains(&lower.as_str()))
            .map(|(ssc, _)| *ssc)
            .ok_or_else(|| EstimateError::UnknownSsc {
                name: s.trim().to_string(),
                suggestion: hallyu_data::nearest(
                    s.trim(),
                    SSC_NAMES.iter().map(|(c, _)| c.label()),
                ),
            })
    }
}

impl fmt::Display for Ssc {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.label())
    }
}

impl PartialEq<&str> for Ssc {
    fn eq(&self, other: &&str) -> bool {
        self.label() == *other
    }
}

impl Serialize for Ssc {
    fn serialize<S: Serializer>(&self, s: S) -> std::result::Result<S::Ok, S::Error> {
        s.serialize_str(self.label())
    }
}

impl<'de> Deserialize<'de> for Ssc {
    /// A name, or pyfixest's `ssc()` dictionary (`{"k_adj": false, "G_adj": true}`) for
    /// the corrections it can express.
    fn deserialize<D: Deserializer<'de>>(d: D) -> std::result::Result<Self, D::Error> {
        d.deserialize_any(SscVisitor)
    }
}

struct SscVisitor;

impl<'de> serde::de::Visitor<'de> for SscVisitor {
    type Value = Ssc;

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("a small-sample correction: fixest, cluster-only, stata, none, or pyfixest's ssc() dictionary")
    }

    fn visit_str<E: serde::de::Error>(self, v: &str) -> std::result::Result<Ssc, E> {
        v.parse().map_err(E::custom)
    }

    fn visit_map<A: serde::de::MapAccess<'de>>(
        self,
        mut map: A,
    ) -> std::result::Result<Ssc, A::Error> {
        use serde::de::Error;
        let mut p = PyfixestSsc {
            k_adj: yes(),
            k_fixef: nonnested(),
            g_adj: yes(),
            g_df: min(),
        };
        while let Some(key) = map.next_key::<String>()? {
            match key.as_str() {
                "k_adj" => p.k_adj = map.next_value()?,
                "k_fixef" => p.k_fixef = map.next_value()?,
                "G_adj" => p.g_adj = map.next_value()?,
                "G_df" => p.g_df = map.next_value()?,
                other => {
                    return Err(A::Error::custom(format!(
                        "unknown key `{other}` in pyfixest's ssc(): its keys are k_adj, k_fixef, G_adj, G_df"
                    )))
                }
            }
        }
        p.ssc().map_err(A::Error::custom)
    }
}

/// pyfixest's `ssc()` dictionary.
struct PyfixestSsc {
    k_adj: bool,
    k_fixef: String,
    g_adj: bool,
    g_df: String,
}

fn yes() -> bool {
    true
}

fn nonnested() -> String {
    "nonnested".into()
}

fn min() -> String {
    "min".into()
}

impl PyfixestSsc {
    /// The correction that computes the same: fixest (k and G adjusted, fixed effects nested
    /// in a cluster not counted, the smallest G for two-way clustering), cluster-only (G
    /// alone) or none.
    fn ssc(&self) -> std::result::Result<Ssc, String> {
        let defaults = self.k_fixef == "nonnested" && self.g_df == "min";
        match (self.k_adj, self.g_adj) {
            (true, true) if defaults => Ok(Ssc::Fixest),
            (false, true) if self.g_df == "min" => Ok(Ssc::ClusterOnly),
            (false, false) => Ok(Ssc::None),
            _ => Err(format!(
                "pyfixest's ssc(k_adj={}, k_fixef=\"{}\", G_adj={}, G_df=\"{}\") has no counterpart here; the corrections are fixest (k_adj and G_adj), cluster-only (G_adj alone), stata, none",
                self.k_adj, self.k_fixef, self.g_adj, self.g_df
            )),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn pyfixest_ssc_dictionaries_map_to_the_same_corrections() {
        let read = |json: &str| serde_json::from_str::<Ssc>(json);
        assert_eq!(
            read(r#"{"k_adj": true, "k_fixef": "nonnested", "G_adj": true, "G_df": "min"}"#)
                .unwrap(),
            Ssc::Fixest
        );
        assert_eq!(read(r#"{}"#).unwrap(), Ssc::Fixest);
        assert_eq!(read(r#"{"k_adj": false}"#).unwrap(), Ssc::ClusterOnly);
        assert_eq!(
            read(r#"{"k_adj": false, "G_adj": false}"#).unwrap(),
            Ssc::None
        );
        assert_eq!(read(r#""cluster-only""#).unwrap(), Ssc::ClusterOnly);
        let err = read(r#"{"k_adj": true, "G_adj": false}"#)
            .unwrap_err()
            .to_string();
        assert!(err.contains("no counterpart"), "{err}");
        assert!(read(r#"{"k_adjj": true}"#).is_err());
    }

    fn formula(fe: &str) -> Formula {
        Formula::parse(&format!("y ~ x{fe}")).unwrap()
    }

    #[test]
    fn every_kind_has_its_entry_and_names_are_unique() {
        for k in [
            VcovKind::Iid,
            VcovKind::Hetero,
            VcovKind::Cluster,
            VcovKind::TwoWay,
        ] {
            assert_eq!(k.info().kind, k);
        }
        let mut names: Vec<&str> = VCOV_KINDS
            .iter()
            .flat_map(|k| k.names.iter().copied())
            .collect();
        let n = names.len();
        names.sort_unstable();
        names.dedup();
        assert_eq!(names.len(), n);
    }

    #[test]
    fn aliases_of_fixest_and_pyfixest_resolve() {
        let f = formula(" | exporter + importer");
        let cases = [
            ("iid", VcovSpec::Iid),
            ("standard", VcovSpec::Iid),
            ("normal", VcovSpec::Iid),
            ("hetero", VcovSpec::Hetero),
            ("white", VcovSpec::Hetero),
            ("HC1", VcovSpec::Hetero),
            ("hc1", VcovSpec::Hetero),
            ("cluster", VcovSpec::Cluster(vec![vec!["exporter".into()]])),
            (
                "CRV1:pair_id",
                VcovSpec::Cluster(vec![vec!["pair_id".into()]]),
            ),
            (
                "cl: pair_id",
                VcovSpec::Cluster(vec![vec!["pair_id".into()]]),
            ),
            (
                "cluster:exporter,importer",
                VcovSpec::Cluster(vec![vec!["exporter".into()], vec!["importer".into()]]),
            ),
            (
                "cluster:exporter^year",
                VcovSpec::Cluster(vec![vec!["exporter".into(), "year".into()]]),
            ),
            (
                "twoway",
                VcovSpec::Cluster(vec![vec!["exporter".into()], vec!["importer".into()]]),
            ),
            (
                "cluster(exporter, importer^year)",
                VcovSpec::Cluster(vec![
                    vec!["exporter".into()],
                    vec!["importer".into(), "year".into()],
                ]),
            ),
        ];
        for (text, spec) in cases {
            let choice: VcovChoice = text.parse().unwrap();
            assert_eq!(choice.resolve(&f).unwrap(), spec, "{text}");
        }
    }

    #[test]
    fn the_default_cluster_rule_needs_fixed_effects() {
        let none = formula("");
        for (text, needed, available) in [("cluster", 1, 0), ("twoway", 2, 0)] {
            let e = text
                .parse::<VcovChoice>()
                .unwrap()
                .resolve(&none)
                .unwrap_err();
            match e {
                EstimateError::ClusterVariables {
                    problem:
                        ClusterProblem::NotEnoughFixedEffects {
                            needed: n,
                            available: a,
                        },
                    ..
                } => assert_eq!((n, a), (needed, available)),
                other => panic!("{other}"),
            }
        }
        let one = formula(" | exporter");
        let e = "twoway"
            .parse::<VcovChoice>()
            .unwrap()
            .resolve(&one)
            .unwrap_err();
        assert!(e.to_string().contains("first 2 fixed effects"), "{e}");
        assert!(!e.to_string().contains("--"), "{e}");
        // Without a model, a choice that needs one says so.
        assert!("cluster".parse::<VcovSpec>().is_err());
    }

    #[test]
    fn unknown_names_suggest_the_nearest_alias() {
        match "heteros".parse::<VcovChoice>().unwrap_err() {
            EstimateError::VcovTypeNotSupported { name, suggestion } => {
                assert_eq!(name, "heteros");
                assert_eq!(suggestion.as_deref(), Some("hetero"));
            }
            other => panic!("{other}"),
        }
        let e = "newey_west".parse::<VcovChoice>().unwrap_err();
        assert_eq!(e.category(), hallyu_data::ErrorCategory::Input);
        assert!(e.to_string().contains("iid (standard, normal)"), "{e}");
    }

    #[test]
    fn cluster_variable_rules() {
        let problem = |text: &str| match text.parse::<VcovChoice>().unwrap_err() {
            EstimateError::ClusterVariables { problem, .. } => problem,
            other => panic!("{other}"),
        };
        assert_eq!(
            problem("cluster:a,b,c"),
            ClusterProblem::TooMany { count: 3 }
        );
        assert_eq!(problem("cluster:a,,b"), ClusterProblem::EmptyName);
        assert_eq!(problem("cluster:a^"), ClusterProblem::EmptyName);
        assert_eq!(problem("hetero:a"), ClusterProblem::NotClustered);
        assert_eq!(
            problem("cluster:a,a"),
            ClusterProblem::Repeated { name: "a".into() }
        );
    }

    #[test]
    fn choices_round_trip_as_their_written_form() {
        for text in [
            "iid",
            "hetero",
            "cluster",
            "twoway",
            "cluster:pair_id",
            "cluster:exporter,importer",
            "cluster:exporter^year",
        ] {
            let c: VcovChoice = text.parse().unwrap();
            assert_eq!(c.to_string(), text);
            let json = serde_json::to_string(&c).unwrap();
            assert_eq!(json, format!("\"{text}\""));
            assert_eq!(serde_json::from_str::<VcovChoice>(&json).unwrap(), c);
        }
        let c: VcovChoice = serde_json::from_str(r#"{"CRV1": "exporter+importer"}"#).unwrap();
        assert_eq!(c.to_string(), "cluster:exporter,importer");
        assert_eq!(VcovChoice::default().to_string(), "iid");
        let e = serde_json::from_str::<VcovChoice>(r#"{"CRV3": "pair_id"}"#).unwrap_err();
        assert!(e.to_string().contains("`CRV3` is not supported"), "{e}");
        assert!(serde_json::from_str::<VcovChoice>(r#"{"CRV1": "a", "hetero": ""}"#).is_err());
    }

    #[test]
    fn specs_are_written_as_the_labels_fits_report() {
        let specs = [
            (VcovSpec::Iid, "iid"),
            (VcovSpec::Hetero, "hetero"),
            (
                VcovSpec::Cluster(vec![vec!["pair_id".into()]]),
                "cluster(pair_id)",
            ),
            (
                VcovSpec::Cluster(vec![
                    vec!["exporter".into()],
                    vec!["importer".into(), "year".into()],
                ]),
                "cluster(exporter, importer^year)",
            ),
        ];
        for (spec, label) in specs {
            let json = serde_json::to_string(&spec).unwrap();
            assert_eq!(json, format!("\"{label}\""));
            assert_eq!(serde_json::from_str::<VcovSpec>(&json).unwrap(), spec);
            assert_eq!(label.parse::<VcovSpec>().unwrap(), spec);
            assert!(spec == label);
        }
    }

    #[test]
    fn ssc_is_written_as_its_label() {
        for ssc in [Ssc::Fixest, Ssc::ClusterOnly, Ssc::Stata, Ssc::None] {
            let json = serde_json::to_string(&ssc).unwrap();
            assert_eq!(json, format!("\"{}\"", ssc.label()));
            assert_eq!(serde_json::from_str::<Ssc>(&json).unwrap(), ssc);
        }
        // The spelling of earlier outputs (`ClusterOnly`) reads back too.
        for (old, ssc) in [("Fixest", Ssc::Fixest), ("ClusterOnly", Ssc::ClusterOnly)] {
            assert_eq!(old.parse::<Ssc>().unwrap(), ssc);
        }
        match "fixst".parse::<Ssc>().unwrap_err() {
            EstimateError::UnknownSsc { suggestion, .. } => {
                assert_eq!(suggestion.as_deref(), Some("fixest"))
            }
            other => panic!("{other}"),
        }
    }
}
