//! The schema of the JSON [`render_response`](super::render_response) writes, derived from
//! the generated schema of the response's content (`hallyu_api::schema`): for most
//! capabilities the JSON is the content itself; four write another shape, and that shape is
//! read off the content's schema here, next to the code that writes it, so that a change to
//! either shows in the tests that validate every answer.

use crate::PROJECTION_JSON_FIELDS;
use serde_json::{json, Map, Value};

/// The schema of `capability`'s JSON answer. `content` is the schema of its response's
/// content and `definitions` the named schemas its references reach (at
/// `#<definitions_path>/<name>`). `None` when the content's schema is not shaped as its
/// type promises (a defect the tests catch).
pub fn json_contract(
    capability: &str,
    content: &Value,
    definitions: &Map<String, Value>,
    definitions_path: &str,
) -> Option<Value> {
    let resolve = |v: &Value| -> Option<Value> {
        match v.get("$ref").and_then(Value::as_str) {
            Some(r) => {
                let name = r.strip_prefix(&format!("#{definitions_path}/"))?;
                definitions.get(name).cloned()
            }
            None => Some(v.clone()),
        }
    };
    let content_schema = resolve(content)?;
    Some(match capability {
        // One fit is written as the fit, several as the list (`fits_json`).
        "fit" => {
            let fit = content_schema
                .get("properties")?
                .get("fits")?
                .get("items")?;
            json!({ "oneOf": [fit, { "type": "array", "items": fit, "minItems": 2 }] })
        }
        // The projection's first eight fields (`projection_json`).
        "projection" => {
            let properties = content_schema.get("properties")?.as_object()?;
            let kept: Map<String, Value> = PROJECTION_JSON_FIELDS
                .iter()
                .map(|f| Some((f.to_string(), properties.get(*f)?.clone())))
                .collect::<Option<_>>()?;
            json!({
                "type": "object",
                "properties": kept,
                "required": PROJECTION_JSON_FIELDS,
                "additionalProperties": false,
            })
        }
        // A table's rows without their tag (`render_reference`).
        "reference" => {
            let rows: Vec<Value> = content_schema
                .get("oneOf")?
                .as_array()?
                .iter()
                .map(|v| v.get("properties")?.get("rows").cloned())
                .collect::<Option<_>>()?;
            json!({ "oneOf": rows })
        }
        // Chapter 1: the outcomes; chapter 2: every run's records in one list
        // (`render_reproduction`).
        "reproduce" => {
            let variants = content_schema.get("oneOf")?.as_array()?;
            let chapter = |kind: &str| {
                variants.iter().find(|v| {
                    v.pointer("/properties/chapter_kind/const")
                        .and_then(Value::as_str)
                        == Some(kind)
                })
            };
            let outcomes = chapter("chapter1")?
                .pointer("/properties/outcomes")?
                .clone();
            let run = resolve(chapter("chapter2")?.pointer("/properties/runs/items")?)?;
            let records = run.pointer("/properties/records")?.clone();
            json!({ "oneOf": [outcomes, records] })
        }
        _ => content.clone(),
    })
}
