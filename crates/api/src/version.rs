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
