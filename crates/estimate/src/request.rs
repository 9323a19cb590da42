//! What defines one estimation, as owned data that crosses a wire: [`FitRequest`] and its
//! options, serialisable to and from JSON. Missing optional fields take their defaults;
//! unknown fields are an error (a misspelt option must not be ignored silently).

use crate::fit::Estimator;
use crate::formula::Formula;
use crate::poisson::IrlsOptions;
use crate::vcov::{Ssc, VcovSpec};
use crate::{EstimateError, Result};
use serde::{Deserialize, Deserializer, Serialize, Serializer};
use std::fmt;
use std::str::FromStr;

/// Which separation checks run before a Poisson fit. Written as `fe,relu` (both, the
/// default), `fe`, `relu` or `none`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct SeparationChecks {
    /// Drop observations in fixed-effect groups whose outcome is all zero, and those that
    /// two fixed-effect dimensions separate ([`crate::two_way_separation`]).
    pub fixed_effects: bool,
    /// Run the iterative rectifier (regressor- and FE-combination-driven separation).
    pub relu: bool,
}

impl Default for SeparationChecks {
    fn default() -> Self {
        SeparationChecks {
            fixed_effects: true,
            relu: true,
        }
    }
}

impl FromStr for SeparationChecks {
    type Err = EstimateError;

    /// `fe,relu` (or `relu,fe`), `fe`, `relu` or `none`; spaces are ignored.
    fn from_str(s: &str) -> Result<SeparationChecks> {
        let (fixed_effects, relu) = match s.replace(' ', "").to_lowercase().as_str() {
            "fe,relu" | "relu,fe" => (true, true),
            "fe" => (true, false),
            "relu" => (false, true),
            "none" => (false, false),
            _ => {
                return Err(EstimateError::InvalidSeparationChecks {
                    value: s.to_string(),
                })
            }
        };
        Ok(SeparationChecks {
            fixed_effects,
            relu,
        })
    }
}

impl fmt::Display for SeparationChecks {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match (self.fixed_effects, self.relu) {
            (true, true) => "fe,relu",
            (true, false) => "fe",
            (false, true) => "relu",
            (false, false) => "none",
        })
    }
}

/// Written as one of four names; read case-insensitively, spaces ignored and `relu,fe`
/// accepted, which a pattern states.
impl schemars::JsonSchema for SeparationChecks {
    fn inline_schema() -> bool {
        true
    }

    fn schema_name() -> std::borrow::Cow<'static, str> {
        "SeparationChecks".into()
    }

    fn json_schema(generator: &mut schemars::SchemaGenerator) -> schemars::Schema {
        let description =
            "Separation checks (Poisson): `fe,relu` (default), `fe`, `relu` or `none`.";
        if generator.contract().is_serialize() {
            schemars::json_schema!({
                "description": description,
                "type": "string",
                "enum": ["fe,relu", "fe", "relu", "none"],
            })
        } else {
            schemars::json_schema!({
                "description": description,
                "type": "string",
                "pattern": "^ *([Ff] *[Ee] *, *[Rr] *[Ee] *[Ll] *[Uu]|[Rr] *[Ee] *[Ll] *[Uu] *, *[Ff] *[Ee]|[Ff] *[Ee]|[Rr] *[Ee] *[Ll] *[Uu]|[Nn] *[Oo] *[Nn] *[Ee]) *$",
            })
        }
    }
}

impl Serialize for SeparationChecks {
    fn serialize<S: Serializer>(&self, s: S) -> std::result::Result<S::Ok, S::Error> {
        s.collect_str(self)
    }
}

impl<'de> Deserialize<'de> for SeparationChecks {
    fn deserialize<D: Deserializer<'de>>(d: D) -> std::result::Result<Self, D::Error> {
        String::deserialize(d)?
            .parse()
            .map_err(serde::de::Error::custom)
    }
}

/// Algorithm settings, with defaults matching fixest's precision. Missing fields of a
/// request take their defaults.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize, schemars::JsonSchema)]
#[serde(default, deny_unknown_fields)]
pub struct FitOptions {
    /// IRLS settings (Poisson) and demeaning settings (both): the IRLS deviance tolerance
    /// `irls.tol` and the fixed-effect demeaning tolerance `irls.demean.tol` are separate
    /// options, as fixest's `glm.tol` and `fixef.tol`.
    pub irls: IrlsOptions,
    /// Drop observations alone in a fixed-effect group, repeated until none is left
    /// (fixest's `fixef.rm = "singleton"`). Default true.
    pub drop_singletons: bool,
    /// Separation checks (Poisson), written `fe,relu` (default), `fe`, `relu` or `none`.
    pub separation: SeparationChecks,
}

impl Default for FitOptions {
    fn default() -> Self {
        FitOptions {
            irls: IrlsOptions::default(),
            drop_singletons: true,
            separation: SeparationChecks::default(),
        }
    }
}

impl FitOptions {
    /// Sets both tolerances, the IRLS deviance tolerance and the fixed-effect demeaning
    /// tolerance, to one value (the command line's single tolerance).
    pub fn set_tolerances(&mut self, tol: f64) {
        self.irls.tol = tol;
        self.irls.demean.tol = tol;
    }

    /// Checks the values: both tolerances in (0, 1).
    pub fn validate(&self) -> Result<()> {
        let tolerances = [
            ("IRLS deviance tolerance (irls.tol)", self.irls.tol),
            (
                "fixed-effect demeaning tolerance (irls.demean.tol)",
                self.irls.demean.tol,
            ),
        ];
        for (name, value) in tolerances {
            if !(value > 0.0 && value < 1.0) {
                return Err(EstimateError::InvalidTolerance { name, value });
            }
        }
        Ok(())
    }
}

/// Everything that defines one estimation.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, schemars::JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct FitRequest {
    /// The model, in fixest syntax (written and read as its text; reading parses it).
    pub formula: Formula,
    /// `fepois` (Poisson PML) or `feols` (least squares).
    pub estimator: Estimator,
    /// Variance estimator, written as `iid`, `hetero`, `cluster(pair_id)` or
    /// `cluster:exporter,importer` (see [`crate::registry`]); absent or `null` means iid
    /// (the default of fixest since 0.13 and of pyfixest). Gravity work usually wants
    /// clustering by country pair.
    #[serde(default)]
    pub vcov: Option<VcovSpec>,
    /// Small-sample correction: `fixest` (default), `cluster-only`, `stata` or `none`.
    #[serde(default)]
    pub ssc: Ssc,
    /// Column of observation weights (non-negative; zero-weight rows are dropped and
    /// counted). Default: none.
    #[serde(default)]
    pub weights: Option<String>,
    /// Algorithm settings.
    #[serde(default)]
    pub options: FitOptions,
}

impl FitRequest {
    /// A request with default variance, correction and settings.
    pub fn new(formula: Formula, estimator: Estimator) -> Self {
        FitRequest {
            formula,
            estimator,
            vcov: None,
            ssc: Ssc::default(),
            weights: None,
            options: FitOptions::default(),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::demean::DemeanAlgorithm;

    #[test]
    fn separation_checks_parse_once_in_the_library() {
        for (text, fe, relu) in [
            ("fe,relu", true, true),
            ("relu, fe", true, true),
            ("fe", true, false),
            ("relu", false, true),
            ("none", false, false),
        ] {
            let s: SeparationChecks = text.parse().unwrap();
            assert_eq!((s.fixed_effects, s.relu), (fe, relu), "{text}");
            let back: SeparationChecks = s.to_string().parse().unwrap();
            assert_eq!(back, s);
        }
        let e = "fe,rel".parse::<SeparationChecks>().unwrap_err();
        assert!(
            matches!(e, EstimateError::InvalidSeparationChecks { ref value } if value == "fe,rel")
        );
        assert_eq!(e.category(), hallyu_data::ErrorCategory::Input);
    }

    #[test]
    fn requests_round_trip_through_json() {
        let mut r = FitRequest::new(
            Formula::parse("trade ~ log(dist) + cntg | exporter^year + importer^year").unwrap(),
            Estimator::Poisson,
        );
        let default_json = serde_json::to_string(&r).unwrap();
        assert_eq!(
            serde_json::from_str::<FitRequest>(&default_json).unwrap(),
            r
        );
        r.vcov = Some(VcovSpec::Cluster(vec![
            vec!["exporter".into()],
            vec!["importer".into(), "year".into()],
        ]));
        r.ssc = Ssc::ClusterOnly;
        r.weights = Some("w".into());
        r.options.drop_singletons = false;
        r.options.separation = "fe".parse().unwrap();
        r.options.irls.tol = 1e-10;
        r.options.irls.max_iter = 7;
        r.options.irls.demean.tol = 1e-9;
        r.options.irls.demean.algorithm = DemeanAlgorithm::AlternatingProjections;
        let json = serde_json::to_string(&r).unwrap();
        assert!(
            json.contains(
                r#""formula":"trade ~ log(dist) + cntg | exporter^year + importer^year""#
            ),
            "{json}"
        );
        assert!(
            json.contains(r#""vcov":"cluster(exporter, importer^year)""#),
            "{json}"
        );
        assert!(json.contains(r#""separation":"fe""#), "{json}");
        assert!(
            json.contains(r#""algorithm":"alternating_projections""#),
            "{json}"
        );
        assert_eq!(serde_json::from_str::<FitRequest>(&json).unwrap(), r);
    }

    #[test]
    fn a_minimal_request_takes_the_defaults() {
        let r: FitRequest =
            serde_json::from_str(r#"{"formula": "y ~ x | g", "estimator": "feols"}"#).unwrap();
        assert_eq!(
            r,
            FitRequest::new(Formula::parse("y ~ x | g").unwrap(), Estimator::Ols)
        );
        let r: FitRequest = serde_json::from_str(
            r#"{"formula": "y ~ x | g", "estimator": "fepois", "vcov": "cluster:g",
                "options": {"irls": {"tol": 1e-6}}}"#,
        )
        .unwrap();
        assert_eq!(r.vcov, Some(VcovSpec::Cluster(vec![vec!["g".into()]])));
        assert_eq!(r.options.irls.tol, 1e-6);
        assert_eq!(r.options.irls.max_iter, IrlsOptions::default().max_iter);
        assert_eq!(
            r.options.irls.demean,
            crate::demean::DemeanOptions::default()
        );
    }

    #[test]
    fn bad_requests_are_serde_errors_that_say_why() {
        let err = |json: &str| {
            serde_json::from_str::<FitRequest>(json)
                .unwrap_err()
                .to_string()
        };
        let e = err(r#"{"formula": "y ~ x +", "estimator": "feols"}"#);
        assert!(e.contains("invalid formula"), "{e}");
        let e = err(r#"{"formula": "y ~ x", "estimator": "feols", "vcv": "iid"}"#);
        assert!(e.contains("unknown field `vcv`"), "{e}");
        let e = err(
            r#"{"formula": "y ~ x", "estimator": "feols", "options": {"irls": {"tolerance": 1}}}"#,
        );
        assert!(e.contains("unknown field `tolerance`"), "{e}");
        let e = err(r#"{"formula": "y ~ x", "estimator": "feols", "vcov": "robust"}"#);
        assert!(e.contains("`robust` is not supported"), "{e}");
        let e = err(r#"{"formula": "y ~ x", "estimator": "feols", "vcov": "cluster"}"#);
        assert!(e.contains("first fixed effect"), "{e}");
        let e = err(r#"{"formula": "y ~ x", "estimator": "feols", "ssc": "fixes"}"#);
        assert!(e.contains("did you mean `fixest`"), "{e}");
        let e =
            err(r#"{"formula": "y ~ x", "estimator": "feols", "options": {"separation": "all"}}"#);
        assert!(e.contains("separation checks `all`"), "{e}");
    }

    #[test]
    fn tolerances_are_checked_separately() {
        let mut o = FitOptions::default();
        assert!(o.validate().is_ok());
        o.irls.demean.tol = 0.0;
        match o.validate().unwrap_err() {
            EstimateError::InvalidTolerance { name, value } => {
                assert!(name.contains("demeaning"));
                assert_eq!(value, 0.0);
            }
            other => panic!("{other}"),
        }
        o.set_tolerances(1e-6);
        assert_eq!((o.irls.tol, o.irls.demean.tol), (1e-6, 1e-6));
        o.irls.tol = f64::NAN;
        assert!(matches!(
            o.validate(),
            Err(EstimateError::InvalidTolerance { name, .. }) if name.contains("IRLS")
        ));
    }
}
