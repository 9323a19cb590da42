//! JSON Schemas of the variance choices and corrections, whose serde forms are written by
//! hand: each schema states what the hand-written serialiser writes and what the
//! deserialiser reads.

use crate::registry::VcovChoice;
use crate::vcov::{Ssc, VcovSpec};
use schemars::{json_schema, JsonSchema, Schema, SchemaGenerator};
use std::borrow::Cow;

/// Every name a correction is read by (trimmed, any case), as its parser knows them.
const SSC_READ_NAMES: [&str; 6] = [
    "fixest",
    "cluster-only",
    "cluster_only",
    "clusteronly",
    "stata",
    "none",
];

/// A pattern matching any of `names` in any ASCII case, surrounded by optional white
/// space: what a reader that trims and lower-cases accepts. JSON Schema patterns (ECMA
/// 262) have no case-insensitive flag, so each letter becomes a class (`f` → `[fF]`).
pub fn any_case_pattern(names: &[&str]) -> String {
    let alternatives: Vec<String> = names
        .iter()
        .map(|name| {
            name.chars()
                .map(|c| {
                    if c.is_ascii_alphabetic() {
                        format!("[{}{}]", c.to_ascii_lowercase(), c.to_ascii_uppercase())
                    } else if "^$\\.*+?()[]{}|/".contains(c) {
                        format!("\\{c}")
                    } else {
                        c.to_string()
                    }
                })
                .collect()
        })
        .collect();
    format!("^\\s*({})\\s*$", alternatives.join("|"))
}

/// The variance, as read: a written form (`iid`, `hetero`, `cluster:pair_id`,
/// `cluster(a, b^c)`...) or pyfixest's one-entry map (`{"CRV1": "pair_id"}`); written as a
/// string.
impl JsonSchema for VcovChoice {
    fn schema_name() -> Cow<'static, str> {
        "VcovChoice".into()
    }

    fn json_schema(generator: &mut SchemaGenerator) -> Schema {
        variance_schema(
            generator,
            "A variance: `iid`, `hetero` (`white`, `hc1`), `cluster` (by the first fixed \
             effect), `cluster:pair_id`, `cluster:exporter,importer`, `twoway`; when read, \
             also pyfixest's one-entry map such as `{\"CRV1\": \"pair_id\"}`.",
        )
    }
}

/// A resolved variance: written as its label (`iid`, `hetero`, `cluster(pair_id)`), read
/// as any variance that names its cluster variables.
impl JsonSchema for VcovSpec {
    fn schema_name() -> Cow<'static, str> {
        "VcovSpec".into()
    }

    fn json_schema(generator: &mut SchemaGenerator) -> Schema {
        variance_schema(
            generator,
            "The variance of a fit, written as its label: `iid`, `hetero`, \
             `cluster(pair_id)`, `cluster(exporter, importer)`.",
        )
    }
}

fn variance_schema(generator: &SchemaGenerator, description: &str) -> Schema {
    if generator.contract().is_serialize() {
        json_schema!({"description": description, "type": "string"})
    } else {
        json_schema!({
            "description": description,
            "oneOf": [
                {"type": "string"},
                {
                    "type": "object",
                    "minProperties": 1,
                    "maxProperties": 1,
                    "additionalProperties": {"type": "string"},
                },
            ],
        })
    }
}

/// Written as its label; read by any of its names in any case.
impl JsonSchema for Ssc {
    fn inline_schema() -> bool {
        true
    }

    fn schema_name() -> Cow<'static, str> {
        "Ssc".into()
    }

    fn json_schema(generator: &mut SchemaGenerator) -> Schema {
        let description =
            "Small-sample correction: `fixest` (default), `cluster-only`, `stata` or `none`.";
        if generator.contract().is_serialize() {
            let labels: Vec<&str> = [Ssc::Fixest, Ssc::ClusterOnly, Ssc::Stata, Ssc::None]
                .iter()
                .map(|s| s.label())
                .collect();
            json_schema!({"description": description, "type": "string", "enum": labels})
        } else {
            json_schema!({
                "description": format!("{description} When read, also pyfixest's ssc() dictionary \
                    for the corrections it expresses (`{{\"k_adj\": false}}` is cluster-only)."),
                "oneOf": [
                    {"type": "string", "pattern": any_case_pattern(&SSC_READ_NAMES)},
                    {
                        "type": "object",
                        "additionalProperties": false,
                        "properties": {
                            "k_adj": {"type": "boolean"},
                            "k_fixef": {"type": "string"},
                            "G_adj": {"type": "boolean"},
                            "G_df": {"type": "string"}
                        }
                    }
                ],
            })
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The read pattern lists exactly the names the parser takes: each parses, and the
    /// parser takes no other spelling of the four corrections.
    #[test]
    fn the_read_names_are_the_parsers() {
        for name in SSC_READ_NAMES {
            assert!(name.parse::<Ssc>().is_ok(), "{name}");
            assert!(name.to_uppercase().parse::<Ssc>().is_ok(), "{name}");
        }
        assert!("cluster only".parse::<Ssc>().is_err());
    }

    #[test]
    fn the_pattern_escapes_punctuation_and_ignores_case() {
        assert_eq!(
            any_case_pattern(&["a-b", "c_1", "d.e"]),
            "^\\s*([aA]-[bB]|[cC]_1|[dD]\\.[eE])\\s*$"
        );
    }
}
