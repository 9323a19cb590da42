//! Reference tables compiled into the binary: countries, blocs with membership by year,
//! and product groups (UNCTAD's creative-goods classification, cosmetics, consumer
//! electronics). Sources, licences and coverage are in `crates/data/reference/README.md`.
//!
//! ```
//! use hallyu_data::reference::{country_by_numeric, Reference};
//!
//! let r = Reference::builtin();
//! let asean = r.bloc("ASEAN").unwrap();
//! assert!(!asean.is_member("VNM", 1994));
//! assert!(asean.is_member("VNM", 1995));
//! assert_eq!(r.bloc("asean+3").unwrap().members_in(1999).len(), 13);
//! assert!(r.product_group("cosmetics").unwrap().contains("330499"));
//! assert!(r.product_group("creative.publishing.books").unwrap().contains("490199"));
//! assert_eq!(country_by_numeric(842).unwrap().iso3, "USA");
//! ```
//!
//! Country names a request gives (a code, a bloc, a list, `all`) resolve in one place,
//! [`Reference::resolve`], against the countries the data has.
//!
//! # User additions
//!
//! [`Reference::with_user_file`] adds blocs and product groups from a TOML file; one with
//! the name of a built-in one replaces it. Names are case-insensitive; ISO3 codes must be
//! in [`countries`]; years are inclusive (`to` may be left out); codes are HS prefixes of 2,
//! 4 or 6 digits; `description`, `source` and `hs_version` (`HS2017`...) are optional:
//!
//! ```toml
//! [[bloc]]
//! name = "my_bloc"
//! description = "..."
//! members = [{ iso3 = "KOR", from = 2006 }, { iso3 = "AGO", from = 2010, to = 2020 }]
//!
//! [[product_group]]
//! name = "kbeauty"
//! codes = ["3304", "330510"]
//! ```
//!
//! [`Reference::with_classification_csv`] overrides or completes the creative-goods
//! classification from a CSV with the header `hs6,group` and optionally `subgroup` and
//! `hs_version` (default `HS2022`). Each line puts a six-digit code in one of UNCTAD's
//! groups (`design` or `creative.design`), replacing its built-in place in that edition;
//! the group `none` drops the code. Groups of an edition are named `creative...` for
//! HS 2022 and `creative_hs2002...`, `creative_hs2017...` for the others.

mod blocs;
mod capitals;
mod concordance;
mod countries;
mod editions;
mod file;
mod groups;
mod hs;
mod resolve;

pub use blocs::{Bloc, Membership};
pub use capitals::{
    capital, capital_distance_km, capitals, distance_table, haversine_km, Capital, PointBasis,
    EARTH_RADIUS_KM,
};
pub use concordance::{parse_table, CodeMap, Concordance, LinkTable};
pub use countries::{countries, country_by_iso3, country_by_numeric, Country};
pub use editions::{classification_name, is_hs, HsEdition};
pub use groups::{
    creative_prefix, CreativeCode, ProductGroup, CREATIVE_GROUPS, DEFAULT_EDITION, PUBLISHED_COUNTS,
};
pub use hs::{hs2022_len, in_hs2022};
pub use resolve::Resolved;

use crate::error::DataError;
use crate::nearest;
use std::path::Path;
use std::sync::OnceLock;

static BLOCS_TOML: &str = include_str!("../../reference/blocs.toml");
static GROUPS_TOML: &str = include_str!("../../reference/product_groups.toml");
static CREATIVE_CSV: &str = include_str!("../../reference/creative_goods.csv");

/// Source, licence and coverage of the reference tables.
pub const README: &str = include_str!("../../reference/README.md");

/// Blocs and product groups: the built-in ones plus the user's.
#[derive(Debug, Clone)]
pub struct Reference {
    blocs: Vec<Bloc>,
    /// Product groups other than the creative ones (built in, then the user's).
    other_groups: Vec<ProductGroup>,
    creative: Vec<CreativeCode>,
    /// `creative...` groups (built from `creative`) followed by `other_groups`.
    groups: Vec<ProductGroup>,
}

fn builtin_parts() -> &'static Reference {
    static BUILTIN: OnceLock<Reference> = OnceLock::new();
    BUILTIN.get_or_init(|| {
        // The embedded files are validated by this module's tests; an error here is a
        // defect of the build, never of the user's input.
        let fail = |e: DataError| -> ! { panic!("embedded reference table is invalid: {e}") };
        let blocs = file::parse_toml(BLOCS_TOML, Path::new("<built-in blocs.toml>"))
            .unwrap_or_else(|e| fail(e))
            .blocs;
        let other_groups =
            file::parse_toml(GROUPS_TOML, Path::new("<built-in product_groups.toml>"))
                .unwrap_or_else(|e| fail(e))
                .groups;
        let creative = file::parse_classification(
            CREATIVE_CSV,
            Path::new("<built-in creative_goods.csv>"),
            true,
        )
        .unwrap_or_else(|e| fail(e));
        Reference::assemble(blocs, other_groups, creative)
    })
}

impl Reference {
    fn assemble(
        blocs: Vec<Bloc>,
        other_groups: Vec<ProductGroup>,
        creative: Vec<CreativeCode>,
    ) -> Reference {
        let mut groups = groups::creative_groups(&creative);
        groups.extend(other_groups.iter().cloned());
        Reference {
            blocs,
            other_groups,
            creative,
            groups,
        }
    }

    /// The built-in blocs and product groups.
    pub fn builtin() -> Reference {
        builtin_parts().clone()
    }

    /// The built-in tables plus the blocs and product groups of a TOML file (see the
    /// module documentation for its format).
    pub fn with_user_file(path: &Path) -> Result<Reference, DataError> {
        Reference::builtin().add_user_file(path)
    }

    /// Adds the blocs and product groups of a TOML file; those named like existing ones
    /// replace them.
    pub fn add_user_file(self, path: &Path) -> Result<Reference, DataError> {
        let text = std::fs::read_to_string(path).map_err(|source| DataError::Io {
            path: path.to_path_buf(),
            source,
        })?;
        let parsed = file::parse_toml(&text, path)?;
        let Reference {
            mut blocs,
            mut other_groups,
            creative,
            ..
        } = self;
        let creative_names: Vec<String> = groups::creative_groups(&creative)
            .into_iter()
            .map(|g| g.name)
            .collect();
        for b in parsed.blocs {
            match blocs.iter_mut().find(|x| x.name == b.name) {
                Some(x) => *x = b,
                None => blocs.push(b),
            }
        }
        for g in parsed.groups {
            if creative_names.contains(&g.name) {
                return Err(DataError::Reference {
                    path: path.to_path_buf(),
                    line: None,
                    message: format!(
                        "product group `{}` is a creative-goods group: change the classification with a CSV file instead",
                        g.name
                    ),
                });
            }
            match other_groups.iter_mut().find(|x| x.name == g.name) {
                Some(x) => *x = g,
                None => other_groups.push(g),
            }
        }
        Ok(Reference::assemble(blocs, other_groups, creative))
    }

    /// Overrides or completes the creative-goods classification from a CSV `hs6,group`
    /// (+ optional `subgroup`, `hs_version`); see the module documentation.
    pub fn with_classification_csv(self, path: &Path) -> Result<Reference, DataError> {
        let text = std::fs::read_to_string(path).map_err(|source| DataError::Io {
            path: path.to_path_buf(),
            source,
        })?;
        let rows = file::parse_classification(&text, path, false)?;
        let Reference {
            blocs,
            other_groups,
            mut creative,
            ..
        } = self;
        for row in rows {
            // A user line decides the code's place in its edition; other editions keep
            // the built-in one.
            for c in creative.iter_mut().filter(|c| c.hs6 == row.hs6) {
                c.editions.retain(|e| !row.editions.contains(e));
            }
            creative.retain(|c| !c.editions.is_empty());
            if row.group != "none" {
                creative.push(row);
            }
        }
        Ok(Reference::assemble(blocs, other_groups, creative))
    }

    /// A bloc by name (case-insensitive).
    pub fn bloc(&self, name: &str) -> Result<&Bloc, DataError> {
        let key = name.trim().to_lowercase();
        self.blocs
            .iter()
            .find(|b| b.name == key)
            .ok_or_else(|| DataError::UnknownReference {
                kind: "bloc".into(),
                name: name.to_string(),
                suggestion: nearest(&key, self.blocs.iter().map(|b| b.name.as_str())),
            })
    }

    /// Every bloc, built-in ones first.
    pub fn blocs(&self) -> &[Bloc] {
        &self.blocs
    }

    /// A product group by name (case-insensitive).
    pub fn product_group(&self, name: &str) -> Result<&ProductGroup, DataError> {
        let key = name.trim().to_lowercase();
        self.groups
            .iter()
            .find(|g| g.name == key)
            .ok_or_else(|| DataError::UnknownReference {
                kind: "product group".into(),
                name: name.to_string(),
                suggestion: nearest(&key, self.groups.iter().map(|g| g.name.as_str())),
            })
    }

    /// A product group in every HS edition it is defined in, the group named first: for
    /// a creative-goods group named `creative...` (`creative.visual_arts`), its lists in
    /// each edition of the classification (HS 2022 and HS 2002 built in, more from a
    /// classification file); for one named after an edition (`creative_hs2002...`), or
    /// any other group, the group alone.
    ///
    /// ```
    /// let r = hallyu_data::reference::Reference::builtin();
    /// let defs = r.group_definitions("creative.visual_arts").unwrap();
    /// let editions: Vec<_> = defs.iter().map(|g| g.hs_version.as_deref()).collect();
    /// assert_eq!(editions, [Some("HS2022"), Some("HS2002")]);
    /// assert_eq!(r.group_definitions("creative_hs2002.visual_arts").unwrap().len(), 1);
    /// ```
    pub fn group_definitions(&self, name: &str) -> Result<Vec<&ProductGroup>, DataError> {
        let group = self.product_group(name)?;
        let mut out = vec![group];
        let Some(rest) = group.name.strip_prefix("creative") else {
            return Ok(out);
        };
        if !(rest.is_empty() || rest.starts_with('.')) {
            return Ok(out);
        }
        // The same group under the prefix of every other edition.
        let same_group = |g: &&ProductGroup| {
            g.name != group.name
                && g.hs_version
                    .as_deref()
                    .is_some_and(|e| g.name.strip_prefix(&groups::creative_prefix(e)) == Some(rest))
        };
        out.extend(self.groups.iter().filter(same_group));
        Ok(out)
    }

    /// Every product group: the creative ones (HS 2022 first), then the others.
    pub fn product_groups(&self) -> &[ProductGroup] {
        &self.groups
    }

    /// The creative-goods classification, line by line.
    pub fn creative_codes(&self) -> &[CreativeCode] {
        &self.creative
    }

    /// The creative-goods line of a six-digit code in an HS edition (`HS2022`, `HS2002`...).
    pub fn classify(&self, hs6: &str, edition: &str) -> Option<&CreativeCode> {
        let hs6 = hs6.trim();
        self.creative
            .iter()
            .find(|c| c.hs6 == hs6 && c.editions.iter().any(|e| e.eq_ignore_ascii_case(edition)))
    }
}

#[cfg(test)]
mod tests;
