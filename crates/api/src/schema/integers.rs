//! The range of each integer type, which the derived schemas leave to their `format`
//! (`int32`, `uint32`, ...): a format is only an annotation in draft 2020-12, so a validator
//! would take a year of 3,000,000,000 that the library refuses. The bounds make the schema
//! refuse it too.

use serde_json::{Map, Value};

/// The bounds of the integer formats schemars writes without them.
fn bounds(format: &str) -> Option<(Value, Value)> {
    Some(match format {
        "int32" => (i32::MIN.into(), i32::MAX.into()),
        "uint32" => (0.into(), u32::MAX.into()),
        "int64" => (i64::MIN.into(), i64::MAX.into()),
        // usize: 64 bits on every target hallyu is built for.
        "uint64" | "uint" => (0.into(), u64::MAX.into()),
        _ => return None,
    })
}

/// Adds `minimum` and `maximum` to every integer schema in `schema` that has a format
/// with bounds, keeping any bound already there.
pub(super) fn bound_integers(schema: &mut Value) {
    match schema {
        Value::Object(map) => {
            bound(map);
            for value in map.values_mut() {
                bound_integers(value);
            }
        }
        Value::Array(items) => items.iter_mut().for_each(bound_integers),
        _ => {}
    }
}

fn bound(map: &mut Map<String, Value>) {
    let is_integer = match map.get("type") {
        Some(Value::String(t)) => t == "integer",
        Some(Value::Array(ts)) => ts.iter().any(|t| t == "integer"),
        _ => false,
    };
    let range = match map.get("format") {
        Some(Value::String(format)) if is_integer => bounds(format),
        _ => None,
    };
    if let Some((min, max)) = range {
        map.entry("minimum").or_insert(min);
        map.entry("maximum").or_insert(max);
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn integers_get_their_types_bounds_and_other_schemas_do_not() {
        let mut schema = json!({
            "properties": {
                "year": {"type": "integer", "format": "int32"},
                "chapter": {"type": ["integer", "null"], "format": "uint32", "minimum": 1},
                "value": {"type": "number", "format": "double"},
                "format": {"type": "string"},
            },
        });
        bound_integers(&mut schema);
        let p = &schema["properties"];
        assert_eq!(p["year"]["minimum"], i32::MIN);
        assert_eq!(p["year"]["maximum"], i32::MAX);
        assert_eq!(p["chapter"]["minimum"], 1);
        assert_eq!(p["chapter"]["maximum"], u32::MAX);
        assert!(p["value"].get("minimum").is_none());
        assert_eq!(p["format"], json!({"type": "string"}));
    }
}
