//! The reference tables: countries, blocs (membership by year), product groups; built in,
//! completed by the user's files.

use crate::{Context, Error, Result, Version};
use hallyu_data::reference::{countries, Bloc, Country, ProductGroup, Reference};
use serde::{Deserialize, Serialize};
use std::path::PathBuf;

/// Which reference table.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, schemars::JsonSchema)]
#[serde(rename_all = "snake_case")]
pub enum ReferenceTable {
    /// Country codes (ISO 3166-1, then those Comtrade and BACI use besides it).
    Countries,
    /// Blocs and their members by year.
    Blocs,
    /// Product groups (HS prefixes and the creative-goods classification).
    Groups,
}

impl ReferenceTable {
    /// Every table, by name.
    pub const ALL: [(&'static str, ReferenceTable); 3] = [
        ("countries", ReferenceTable::Countries),
        ("blocs", ReferenceTable::Blocs),
        ("groups", ReferenceTable::Groups),
    ];

    /// The table called `name`.
    pub fn parse(name: &str) -> Option<ReferenceTable> {
        Self::ALL.iter().find(|(n, _)| *n == name).map(|(_, t)| *t)
    }
}

/// A reference look-up.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, schemars::JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct ReferenceRequest {
    /// Request format version (1).
    #[serde(default)]
    pub version: Version,
    /// The table.
    pub table: ReferenceTable,
    /// Blocs only: the members in this year.
    #[serde(default)]
    pub year: Option<i32>,
    /// Blocs and product groups of the user's own (TOML), added to the built-in ones.
    #[serde(default)]
    pub reference: Option<PathBuf>,
    /// A CSV `hs6,group[,subgroup][,hs_version]` that overrides or completes the
    /// creative-goods classification.
    #[serde(default)]
    pub classification: Option<PathBuf>,
}

/// A bloc's members in one year.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, schemars::JsonSchema)]
pub struct BlocMembers {
    /// The bloc.
    pub name: String,
    /// The year.
    pub year: i32,
    /// Its members on 31 December of that year.
    pub members: Vec<String>,
}

/// A reference table's rows.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, schemars::JsonSchema)]
#[serde(tag = "table", content = "rows", rename_all = "snake_case")]
pub enum ReferenceRows {
    /// Country codes.
    Countries(Vec<Country>),
    /// Blocs with their membership periods.
    Blocs(Vec<Bloc>),
    /// Blocs' members in one year.
    BlocsInYear(Vec<BlocMembers>),
    /// Product groups.
    Groups(Vec<ProductGroup>),
}

/// Looks the table up.
pub fn compute(_ctx: &Context, req: &ReferenceRequest) -> Result<ReferenceRows> {
    if req.year.is_some() && req.table != ReferenceTable::Blocs {
        return Err(Error::field(
            "year",
            "a year applies to the blocs table only (members in that year)",
        ));
    }
    let mut reference = Reference::builtin();
    if let Some(path) = &req.reference {
        reference = reference.add_user_file(path)?;
    }
    if let Some(path) = &req.classification {
        reference = reference.with_classification_csv(path)?;
    }
    Ok(match (req.table, req.year) {
        (ReferenceTable::Countries, _) => ReferenceRows::Countries(countries().to_vec()),
        (ReferenceTable::Blocs, None) => ReferenceRows::Blocs(reference.blocs().to_vec()),
        (ReferenceTable::Blocs, Some(year)) => ReferenceRows::BlocsInYear(
            reference
                .blocs()
                .iter()
                .map(|b: &Bloc| BlocMembers {
                    name: b.name.clone(),
                    year,
                    members: b.members_in(year).into_iter().map(String::from).collect(),
                })
                .collect(),
        ),
        (ReferenceTable::Groups, _) => ReferenceRows::Groups(reference.product_groups().to_vec()),
    })
}
