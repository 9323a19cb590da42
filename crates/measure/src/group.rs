//! What `--group NAME` means on a set of flows: every product, HS prefixes typed by the
//! user, a group whose codes mean the same in every edition, or a creative-goods group
//! applied in the data's own HS editions through concordance tables ([`crate::editions`]).
//! One resolution for every front end and every command (indicators, gravity panels), so
//! that a group never counts different products in different places.

use crate::editions::{apply_group, prefixes_note, Definition, GroupInData};
use crate::flows::Flows;
use crate::select::Products;
use crate::MeasureError;
use hallyu_data::reference::{Concordance, HsEdition, ProductGroup, Reference};
use hallyu_data::DataError;

/// What `--group` resolved to.
pub enum ResolvedGroup<'r> {
    /// No `--group`: every product.
    All,
    /// HS prefixes typed on the command line (`9701,3304`), the same in every edition.
    Prefixes(Vec<String>),
    /// A group whose codes mean the same in every edition (`cosmetics`).
    Named(&'r ProductGroup),
    /// A group defined in some HS editions, applied in the data's editions.
    InEditions(GroupInData),
}

impl ResolvedGroup<'_> {
    /// The membership test of the resolved group.
    pub fn products(&self) -> Products<'_> {
        match self {
            ResolvedGroup::All => Products::all(),
            ResolvedGroup::Prefixes(p) => {
                Products::hs_prefixes(&p.iter().map(String::as_str).collect::<Vec<_>>())
            }
            ResolvedGroup::Named(g) => Products::group(&g.name, move |k| g.contains(k)),
            ResolvedGroup::InEditions(g) => g.products(),
        }
    }
}

/// The built-in HS concordance tables, with the user's table (`concordance`, a CSV file) when
/// one is given.
pub fn concordance(user: Option<&std::path::Path>) -> Result<Concordance, MeasureError> {
    let builtin = Concordance::builtin();
    Ok(match user {
        Some(path) => builtin.add_file(path)?,
        None => builtin,
    })
}

/// Resolves the product group `name` against `flows`: a group defined in HS editions is applied in
/// the data's editions through `concordance` (called only then: loading the tables has a
/// cost). Returns the group and a note on how it was applied.
///
/// Errors: a group on data without a product column, an unknown group, data whose
/// classification no table reaches (the message names the editions that would work).
pub fn resolve_group<'r>(
    name: Option<&str>,
    reference: &'r Reference,
    flows: &Flows,
    concordance: impl FnOnce() -> Result<Concordance, MeasureError>,
) -> Result<(ResolvedGroup<'r>, Option<String>), MeasureError> {
    let Some(name) = name else {
        return Ok((ResolvedGroup::All, None));
    };
    if flows.columns().product.is_none() {
        return Err(MeasureError::NoProductColumn {
            option: format!("the product group `{name}`"),
        });
    }
    let prefixes: Vec<&str> = name.split(',').map(str::trim).collect();
    if prefixes
        .iter()
        .all(|p| !p.is_empty() && p.bytes().all(|b| b.is_ascii_digit()))
    {
        let note = prefixes_note(name, flows)?;
        let prefixes = prefixes.iter().map(|p| p.to_string()).collect();
        return Ok((ResolvedGroup::Prefixes(prefixes), note));
    }
    let definitions = reference.group_definitions(name).map_err(|e| match e {
        DataError::UnknownReference {
            name, suggestion, ..
        } => MeasureError::UnknownGroup { name, suggestion },
        other => MeasureError::Data(other),
    })?;
    let in_editions: Vec<Definition> = definitions
        .iter()
        .filter_map(|g| {
            let edition = HsEdition::parse(g.hs_version.as_deref()?)?;
            Some(Definition {
                edition,
                codes: g.codes.clone(),
            })
        })
        .collect();
    let Some(first) = definitions.first().copied() else {
        return Err(MeasureError::UnknownGroup {
            name: name.to_string(),
            suggestion: None,
        });
    };
    if in_editions.is_empty() {
        let note = prefixes_note(&first.name, flows)?;
        return Ok((ResolvedGroup::Named(first), note));
    }
    let resolved = apply_group(&first.name, &in_editions, flows, &concordance()?)?;
    Ok((ResolvedGroup::InEditions(resolved), None))
}
