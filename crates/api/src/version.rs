//! The version of the request format, written in every request.

use serde::{Deserialize, Deserializer, Serialize, Serializer};

/// The request format this library reads and writes.
pub const REQUEST_VERSION: u32 = 1;

/// A request's `version` field: always [`REQUEST_VERSION`] when written; a request of
/// another version is refused when read, rather than half understood.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Version;

impl Default for Version {
    fn default() -> Self {
        Version
    }
}

/// The integer 1: the only version read or written.
impl schemars::JsonSchema for Version {
    fn inline_schema() -> bool {
        true
    }

    fn schema_name() -> std::borrow::Cow<'static, str> {
        "Version".into()
    }

    fn json_schema(_: &mut schemars::SchemaGenerator) -> schemars::Schema {
        schemars::json_schema!({
            "description": "Request format version: 1, the only one this hallyu reads.",
            "type": "integer",
            "const": REQUEST_VERSION,
        })
    }
}

impl Serialize for Version {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_u32(REQUEST_VERSION)
    }
}

impl<'de> Deserialize<'de> for Version {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        let found = u32::deserialize(d)?;
        if found == REQUEST_VERSION {
            Ok(Version)
        } else {
            Err(serde::de::Error::custom(format!(
                "request version {found} is not supported; this hallyu reads version {REQUEST_VERSION}"
            )))
        }
    }
}
