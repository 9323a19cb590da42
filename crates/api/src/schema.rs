//! JSON Schemas (draft 2020-12, the dialect of OpenAPI 3.1) of every request and response,
//! generated from the types: what [`Request`] reads and what [`Response`] writes, field by
//! field, with the types' documentation as descriptions.
//!
//! A request's schema describes what is read (fields with a default may be left out,
//! alternative spellings are accepted); a response's describes what is written (every field
//! that is always written is required). A type whose two forms differ has a schema for each:
//! in [`schemas`], the written one is named with [`OUTPUT_SUFFIX`].

mod integers;

use crate::{Request, Response};
use schemars::generate::{Contract, SchemaSettings};
use schemars::{JsonSchema, SchemaGenerator};
use serde_json::{Map, Value};
use std::collections::{BTreeMap, BTreeSet};

/// Every capability, as named in the `capability` tag of requests and responses.
pub const CAPABILITIES: [&str; 13] = [
    "fit",
    "indicators",
    "projection",
    "potential",
    "reproduce",
    "reference",
    "dataset",
    "ingest",
    "scenario",
    "claim",
    "series",
    "report",
    "index",
];

/// Appended to the name of a definition whose written form differs from its read form, in
/// the written one (`FitRequest` is read, `FitRequestOutput` is written in a report).
pub const OUTPUT_SUFFIX: &str = "Output";

/// The dialect every schema here is written in.
pub const DIALECT: &str = "https://json-schema.org/draft/2020-12/schema";

/// Every request body and response result, and the definitions they refer to, in one map:
/// what an OpenAPI 3.1 document puts under `components.schemas`.
#[derive(Debug, Clone, PartialEq)]
pub struct Schemas {
    /// By capability: the schema of the request body, with its `capability` tag (the JSON
    /// that `run` reads).
    pub requests: BTreeMap<&'static str, Value>,
    /// By capability: the schema of the response's `result` (the capability's answer).
    pub responses: BTreeMap<&'static str, Value>,
    /// The named schemas that requests and responses refer to, each `$ref` pointing at
    /// `#<definitions_path>/<name>`.
    pub definitions: Map<String, Value>,
}

/// The schema of `capability`'s request body, a standalone document (its definitions under
/// `$defs`); `None` for an unknown capability.
pub fn request_schema(capability: &str) -> Option<Value> {
    let (variants, definitions) = generate::<Request>(Contract::Deserialize, "/$defs")?;
    let body = variants.get(capability)?.clone();
    Some(standalone(body, &definitions))
}

/// The schema of `capability`'s answer (the `result` of its [`Response`]), a standalone
/// document (its definitions under `$defs`); `None` for an unknown capability.
pub fn response_schema(capability: &str) -> Option<Value> {
    let (variants, definitions) = generate::<Response>(Contract::Serialize, "/$defs")?;
    let result = variants.get(capability)?.get("properties")?.get("result")?;
    Some(standalone(result.clone(), &definitions))
}

/// Every request and response schema with their definitions in one map, which the `$ref`s
/// find at `definitions_path` (a JSON pointer such as `/components/schemas` or `/$defs`).
/// `None` only if the generated schemas are not shaped as the tagged enums promise (a
/// defect, caught by the tests).
pub fn schemas(definitions_path: &str) -> Option<Schemas> {
    let (request_variants, read) = generate::<Request>(Contract::Deserialize, definitions_path)?;
    let (response_variants, written) = generate::<Response>(Contract::Serialize, definitions_path)?;
    let path = definitions_path
        .trim_start_matches('#')
        .trim_end_matches('/');
    let mut definitions = read;
    // Written definitions join the read ones; one that differs from its read namesake is
    // renamed, and every written reference to it follows.
    let mut renamed = BTreeMap::new();
    for name in differing(&definitions, &written, path) {
        let mut new = format!("{name}{OUTPUT_SUFFIX}");
        while definitions.contains_key(&new) || written.contains_key(&new) {
            new.push_str(OUTPUT_SUFFIX);
        }
        renamed.insert(name, new);
    }
    let rename = |mut value: Value| {
        rename_refs(&mut value, path, &renamed);
        value
    };
    for (name, schema) in written {
        let name = renamed.get(&name).cloned().unwrap_or(name);
        definitions.insert(name, rename(schema));
    }
    let mut responses = BTreeMap::new();
    for (capability, variant) in response_variants {
        let result = variant.get("properties")?.get("result")?.clone();
        responses.insert(capability, rename(result));
    }
    Some(Schemas {
        requests: request_variants,
        responses,
        definitions,
    })
}

/// The written definitions that cannot share their read namesake's entry: those whose
/// schema differs, and those that refer to one of them (the same text then means another
/// schema once the reference is renamed).
fn differing(
    read: &Map<String, Value>,
    written: &Map<String, Value>,
    path: &str,
) -> BTreeSet<String> {
    let mut found: BTreeSet<String> = written
        .iter()
        .filter(|(name, schema)| read.get(*name).is_some_and(|r| r != *schema))
        .map(|(name, _)| name.clone())
        .collect();
    loop {
        let more: Vec<String> = written
            .iter()
            .filter(|(name, schema)| {
                read.contains_key(*name)
                    && !found.contains(*name)
                    && refs(schema, path).iter().any(|r| found.contains(r))
            })
            .map(|(name, _)| name.clone())
            .collect();
        if more.is_empty() {
            return found;
        }
        found.extend(more);
    }
}

/// The variants of a tagged enum `T` by capability, and the definitions they refer to.
type Generated = (BTreeMap<&'static str, Value>, Map<String, Value>);

/// Generates `T`'s schema under `contract`, and splits its `oneOf` by the `capability` tag.
fn generate<T: JsonSchema>(contract: Contract, definitions_path: &str) -> Option<Generated> {
    let mut settings = SchemaSettings::draft2020_12();
    settings.definitions_path = definitions_path.to_string().into();
    settings.contract = contract;
    let mut generator = SchemaGenerator::new(settings);
    // Inline, not a reference: its variants are split below.
    let mut root = T::json_schema(&mut generator).to_value();
    integers::bound_integers(&mut root);
    let mut definitions = generator.take_definitions(true);
    definitions.values_mut().for_each(integers::bound_integers);
    let mut variants = BTreeMap::new();
    for variant in root.get("oneOf")?.as_array()? {
        let tag = variant
            .get("properties")?
            .get("capability")?
            .get("const")?
            .as_str()?;
        let capability = CAPABILITIES.iter().find(|c| **c == tag)?;
        variants.insert(*capability, variant.clone());
    }
    (variants.len() == CAPABILITIES.len()).then_some((variants, definitions))
}

/// `schema` as a document of its own: the dialect, and the definitions it reaches.
fn standalone(schema: Value, definitions: &Map<String, Value>) -> Value {
    let mut document = match schema {
        Value::Object(map) => map,
        other => {
            let mut map = Map::new();
            map.insert("allOf".into(), Value::Array(vec![other]));
            map
        }
    };
    let reached = reachable(&Value::Object(document.clone()), definitions, "/$defs");
    let defs: Map<String, Value> = definitions
        .iter()
        .filter(|(name, _)| reached.contains(name.as_str()))
        .map(|(name, schema)| (name.clone(), schema.clone()))
        .collect();
    document.insert("$schema".into(), Value::String(DIALECT.into()));
    if !defs.is_empty() {
        document.insert("$defs".into(), Value::Object(defs));
    }
    Value::Object(document)
}

/// The names of the definitions `schema` refers to, directly or through other definitions.
fn reachable<'a>(
    schema: &Value,
    definitions: &'a Map<String, Value>,
    path: &str,
) -> BTreeSet<&'a str> {
    let mut reached = BTreeSet::new();
    let mut pending = vec![schema];
    while let Some(next) = pending.pop() {
        for name in refs(next, path) {
            if let Some((key, schema)) = definitions.get_key_value(&name) {
                if reached.insert(key.as_str()) {
                    pending.push(schema);
                }
            }
        }
    }
    reached
}

/// The definition names of the `$ref`s in `schema` that point under `path`.
fn refs(schema: &Value, path: &str) -> Vec<String> {
    let prefix = format!("#{path}/");
    let mut found = Vec::new();
    let mut pending = vec![schema];
    while let Some(value) = pending.pop() {
        match value {
            Value::Object(map) => {
                for (key, v) in map {
                    match (key.as_str(), v) {
                        ("$ref", Value::String(r)) => {
                            if let Some(name) = r.strip_prefix(&prefix) {
                                found.push(decode_pointer_token(name));
                            }
                        }
                        _ => pending.push(v),
                    }
                }
            }
            Value::Array(items) => pending.extend(items),
            _ => {}
        }
    }
    found
}

/// Points every `$ref` to a renamed definition at its new name.
fn rename_refs(schema: &mut Value, path: &str, renamed: &BTreeMap<String, String>) {
    if renamed.is_empty() {
        return;
    }
    let prefix = format!("#{path}/");
    match schema {
        Value::Object(map) => {
            for (key, v) in map.iter_mut() {
                if let ("$ref", Value::String(r)) = (key.as_str(), &*v) {
                    let new = r
                        .strip_prefix(&prefix)
                        .and_then(|name| renamed.get(&decode_pointer_token(name)))
                        .map(|name| format!("{prefix}{}", encode_pointer_token(name)));
                    if let Some(new) = new {
                        *v = Value::String(new);
                    }
                } else {
                    rename_refs(v, path, renamed);
                }
            }
        }
        Value::Array(items) => {
            for v in items {
                rename_refs(v, path, renamed);
            }
        }
        _ => {}
    }
}

/// A JSON pointer token as a name (RFC 6901: `~1` is `/`, `~0` is `~`).
fn decode_pointer_token(token: &str) -> String {
    token.replace("~1", "/").replace("~0", "~")
}

/// A name as a JSON pointer token.
fn encode_pointer_token(name: &str) -> String {
    name.replace('~', "~0").replace('/', "~1")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_capability_has_both_schemas_and_no_other_has_any() {
        for capability in CAPABILITIES {
            let request = request_schema(capability).expect(capability);
            assert_eq!(
                request["properties"]["capability"]["const"],
                Value::from(capability)
            );
            assert_eq!(request["$schema"], Value::from(DIALECT));
            assert!(response_schema(capability).is_some(), "{capability}");
        }
        assert!(request_schema("fits").is_none());
        assert!(response_schema("").is_none());
    }

    #[test]
    fn a_standalone_schema_carries_every_definition_it_reaches_and_no_other() {
        let projection = request_schema("projection").expect("projection");
        let defs = projection["$defs"].as_object().expect("$defs");
        assert!(defs.contains_key("Stated"), "{defs:?}");
        assert!(!defs.contains_key("FitRequest"), "{defs:?}");
        for name in refs(&projection, "/$defs") {
            assert!(
                defs.contains_key(&name),
                "{name} is referred to but missing"
            );
        }
    }

    #[test]
    fn the_combined_map_resolves_every_reference_and_keeps_both_forms_apart() {
        let all = schemas("/components/schemas").expect("schemas");
        assert_eq!(all.requests.len(), CAPABILITIES.len());
        assert_eq!(all.responses.len(), CAPABILITIES.len());
        let mut everything: Vec<&Value> = all.requests.values().collect();
        everything.extend(all.responses.values());
        everything.extend(all.definitions.values());
        for schema in everything {
            for name in refs(schema, "/components/schemas") {
                assert!(all.definitions.contains_key(&name), "{name} is missing");
            }
            assert!(refs(schema, "/$defs").is_empty());
        }
        // A report's calls write their requests, where every defaulted field is present:
        // the written form of a fit request is not the read one.
        let read = &all.definitions["FitRequest"];
        let written = &all.definitions[&format!("FitRequest{OUTPUT_SUFFIX}")];
        assert_ne!(read, written);
        // A report's claims read the same in both forms, but the written one holds a
        // written request.
        let claim = &all.definitions[&format!("ReportClaim{OUTPUT_SUFFIX}")];
        assert_eq!(
            claim["properties"]["request"]["$ref"],
            format!("#/components/schemas/Request{OUTPUT_SUFFIX}")
        );
    }

    #[test]
    fn a_definition_that_refers_to_a_differing_one_differs_too() {
        let defs = |b: Value| {
            let mut map = Map::new();
            map.insert("A".into(), serde_json::json!({"$ref": "#/$defs/B"}));
            map.insert("B".into(), b);
            map.insert("C".into(), serde_json::json!({"type": "null"}));
            map
        };
        let read = defs(serde_json::json!({"type": "string"}));
        let written = defs(serde_json::json!({"type": "integer"}));
        let found = differing(&read, &written, "/$defs");
        assert_eq!(found, ["A".to_string(), "B".to_string()].into());
    }

    #[test]
    fn pointer_tokens_round_trip() {
        for name in ["a/b", "c~d", "plain", "~1"] {
            assert_eq!(decode_pointer_token(&encode_pointer_token(name)), name);
        }
    }
}
