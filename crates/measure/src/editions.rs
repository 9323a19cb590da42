//! A product group applied in the HS editions of the data.
//!
//! A creative-goods group is a list of codes of the editions it is defined in (UNCTAD's
//! HS 2002 list and its HS 2022 successors). Data of another edition write some of the
//! same products with other codes: a painting is `970110` in HS 2017 and `970121` or
//! `970191` in HS 2022. [`apply_group`] maps the group, for each classification of the
//! data, from the nearest edition it is defined in through concordance tables, and refuses
//! a classification no table reaches. [`GroupInData::coverage`] then says, year by year,
//! how exact the mapped group is:
//!
//! - a data code is **one to one** when exactly one group code is linked to it and that
//!   code is linked to nothing else; several group codes merging into a data code that
//!   holds nothing else are exact too;
//! - it is **one to many** when a group code linked to it is also linked to other data
//!   codes (the group code was split), or when it also holds codes outside the group;
//! - of these, the codes **with other products** hold products outside the group: their
//!   whole value counts in the group, so that value is an upper bound of the error.

use crate::flows::Flows;
use crate::perspective::Perspective;
use crate::select::{pad_hs, Products};
use crate::MeasureError;
use hallyu_data::reference::{classification_name, is_hs, CodeMap, Concordance, HsEdition};
use hallyu_data::MISSING_CODE;
use serde::{Deserialize, Serialize};
use std::collections::{BTreeMap, BTreeSet, HashMap};

/// A group's codes in one edition.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Definition {
    /// The edition the codes belong to.
    pub edition: HsEdition,
    /// HS prefixes of 2, 4 or 6 digits.
    pub codes: Vec<String>,
}

/// A group mapped to one HS classification of the data.
#[derive(Debug, Clone)]
struct Mapped {
    /// The edition whose list was used.
    group_edition: HsEdition,
    /// The group's six-digit codes in that edition (prefixes expanded), or its prefixes
    /// when the data are in the same edition.
    group_codes: Vec<String>,
    /// The group's codes as written, matched as prefixes when the data are in the same
    /// edition; empty otherwise.
    prefixes: Vec<String>,
    map: CodeMap,
    /// Data codes in the group → whether they also hold products outside it; only the
    /// codes that are not one to one are listed with `Some`.
    data_codes: HashMap<String, Option<bool>>,
}

impl Mapped {
    fn contains(&self, code: &str) -> bool {
        let code = pad_hs(code);
        if self.prefixes.is_empty() {
            self.data_codes.contains_key(code.as_ref())
        } else {
            self.prefixes.iter().any(|p| code.starts_with(p.as_str()))
        }
    }

    /// `None`: not in the group; `Some(None)`: one to one; `Some(Some(other))`: one to
    /// many, `other` when it also holds products outside the group.
    fn kind(&self, code: &str) -> Option<Option<bool>> {
        if !self.prefixes.is_empty() {
            return self.contains(code).then_some(None);
        }
        self.data_codes.get(pad_hs(code).as_ref()).copied()
    }
}

/// How a group applies to one classification of the data.
#[derive(Debug, Clone)]
enum InClass {
    /// HS codes of an edition the group reaches.
    Hs(Box<Mapped>),
    /// Not HS codes (UNCTADstat's creative-goods groups, a series' sectors): nothing in
    /// the group.
    NotHs,
}

/// A product group resolved for the classifications present in the data.
#[derive(Debug, Clone)]
pub struct GroupInData {
    name: String,
    defined_in: Vec<HsEdition>,
    /// Keyed by the classification as the data write it (`HS17`).
    by_class: BTreeMap<String, InClass>,
}

/// The classifications of the rows with a product, as the data write them; `None` for
/// rows without one.
fn classifications(flows: &Flows) -> BTreeSet<Option<String>> {
    (0..flows.product_levels().len())
        .map(|k| flows.product_classification(k).map(str::to_string))
        .collect()
}

fn names(editions: &[HsEdition]) -> Vec<String> {
    editions.iter().map(|e| e.name().to_string()).collect()
}

/// Resolves a group defined in one or more HS editions for the classifications of
/// `flows`: for each, the definition with the shortest chain of tables (the earlier
/// edition on a tie) mapped through `concordance`.
///
/// Errors (of category input unless said): the data has no classification
/// column; a classification that is HS but that no table reaches from the group's
/// editions (the message names the editions that would work and a concordance table); data
/// whose classifications are all other than HS (UNCTADstat's groups, a series' sectors:
/// choose products by name); rows with a product and no classification
/// ([`MeasureError::RowsWithoutClassification`], of category data).
pub fn apply_group(
    name: &str,
    definitions: &[Definition],
    flows: &Flows,
    concordance: &Concordance,
) -> Result<GroupInData, MeasureError> {
    let mut defined_in: Vec<HsEdition> = definitions.iter().map(|d| d.edition).collect();
    defined_in.sort_unstable();
    defined_in.dedup();
    if !flows.has_classification() {
        return Err(MeasureError::GroupNeedsClassification {
            group: name.to_string(),
            editions: names(&defined_in),
        });
    }
    let mut by_class = BTreeMap::new();
    let mut unreachable = Vec::new();
    for label in classifications(flows) {
        let Some(label) = label else {
            return Err(MeasureError::RowsWithoutClassification {
                group: name.to_string(),
                editions: names(&defined_in),
            });
        };
        let canonical = classification_name(&label);
        let nearest = definitions
            .iter()
            .filter_map(|d| {
                concordance
                    .distance(d.edition.name(), &canonical)
                    .map(|n| (n, d.edition, d))
            })
            .min_by_key(|(n, e, _)| (*n, *e));
        match nearest {
            Some((_, _, d)) => {
                by_class.insert(
                    label,
                    InClass::Hs(Box::new(map_definition(d, &canonical, concordance))),
                );
            }
            None if !is_hs(&label) => {
                by_class.insert(label, InClass::NotHs);
            }
            None => unreachable.push(label),
        }
    }
    if let Some(label) = unreachable.first() {
        return Err(MeasureError::GroupUnreachable {
            group: name.to_string(),
            editions: names(&defined_in),
            releases: defined_in
                .iter()
                .map(|e| e.baci_name().to_string())
                .collect(),
            classification: label.clone(),
        });
    }
    if by_class.values().all(|c| matches!(c, InClass::NotHs)) {
        return Err(MeasureError::GroupOnOtherClassification {
            group: name.to_string(),
            classifications: by_class.keys().cloned().collect(),
        });
    }
    Ok(GroupInData {
        name: name.to_string(),
        defined_in,
        by_class,
    })
}

/// Maps one definition to a data classification.
fn map_definition(d: &Definition, data: &str, concordance: &Concordance) -> Mapped {
    let same = d.edition.name() == data;
    let known = if same {
        BTreeSet::new()
    } else {
        concordance.codes_of(d.edition.name())
    };
    // Prefixes of 2 or 4 digits stand for the subheadings of the edition they begin.
    let mut group_codes: Vec<String> = Vec::new();
    for c in &d.codes {
        if c.len() == 6 || known.is_empty() {
            group_codes.push(c.clone());
        } else {
            group_codes.extend(known.iter().filter(|k| k.starts_with(c.as_str())).cloned());
        }
    }
    group_codes.sort_unstable();
    group_codes.dedup();
    // `distance` found a route, so `map` does too; an empty map is the safe fallback.
    let map = concordance
        .map(&group_codes, d.edition.name(), data)
        .unwrap_or_else(|| CodeMap {
            from: d.edition.name().to_string(),
            to: data.to_string(),
            path: vec![d.edition.name().to_string()],
            tables: Vec::new(),
            targets: BTreeMap::new(),
            sources: BTreeMap::new(),
        });
    let in_group: BTreeSet<&String> = group_codes.iter().collect();
    let mut data_codes = HashMap::new();
    for (t, sources) in &map.sources {
        let other = sources.iter().any(|s| !in_group.contains(s));
        let split = sources
            .iter()
            .filter(|s| in_group.contains(s))
            .any(|s| map.targets.get(s).is_some_and(|ts| ts.len() > 1));
        data_codes.insert(t.clone(), (other || split).then_some(other));
    }
    Mapped {
        group_edition: d.edition,
        group_codes,
        prefixes: if same { d.codes.clone() } else { Vec::new() },
        map,
        data_codes,
    }
}

impl GroupInData {
    /// The group as a product test on (code, classification) for the indicators.
    pub fn products(&self) -> Products<'_> {
        Products::by_classification(&self.name, move |code, class| {
            match class.and_then(|c| self.by_class.get(c)) {
                Some(InClass::Hs(m)) => m.contains(code),
                _ => false,
            }
        })
    }

    /// Per year and classification of the data, how the group was mapped and how much of
    /// its value is one to many. Values are the group's world exports of the year in the
    /// data given: every exporter and importer, each flow read once, from the side
    /// `perspective` reads exports from (two reports of one flow would count it twice);
    /// intra-national rows and rows with a missing field left out, as in the indicators'
    /// world totals.
    pub fn coverage(&self, flows: &Flows, perspective: Perspective) -> GroupEditions {
        // Per product level: its classification's entry and the code's kind.
        let nlevels = flows.product_levels().len();
        let mut kind: Vec<Option<(usize, Option<bool>)>> = vec![None; nlevels];
        let labels: Vec<&String> = self.by_class.keys().collect();
        let mut level_class: Vec<Option<usize>> = vec![None; nlevels];
        for (k, code) in flows.product_levels().iter().enumerate() {
            let Some(class) = flows.product_classification(k) else {
                continue;
            };
            let Some(c) = labels.iter().position(|l| l.as_str() == class) else {
                continue;
            };
            level_class[k] = Some(c);
            if let Some(InClass::Hs(m)) = self.by_class.get(class) {
                kind[k] = m.kind(code).map(|x| (c, x));
            }
        }
        // As in the indicators' world totals: an exporter's total is its rows with the world
        // as partner when it has them, else its bilateral rows (never both); rows of the
        // world as exporter are nobody's exports.
        let world = flows
            .countries()
            .iter()
            .position(|c| c == hallyu_data::dataset::WORLD)
            .map(|w| w as u32);
        let is_world = |c: u32| Some(c) == world;
        let mut world_partner: std::collections::HashSet<(i32, u32)> = Default::default();
        if world.is_some() {
            for r in 0..flows.len() {
                let (e, i) = (flows.exporter.level_ids()[r], flows.importer.level_ids()[r]);
                if e == MISSING_CODE || i == MISSING_CODE || flows.year[r].is_nan() {
                    continue;
                }
                let (ec, ic) = (
                    flows.exporter_country[e as usize],
                    flows.importer_country[i as usize],
                );
                if is_world(ic) && !is_world(ec) && perspective.counts_as_export(flows.reported(r))
                {
                    world_partner.insert((flows.year[r] as i32, ec));
                }
            }
        }
        // (year, classification) → value, one to many, with other products.
        let mut sums: BTreeMap<(i32, usize), [f64; 3]> = BTreeMap::new();
        for r in 0..flows.len() {
            let (y, v) = (flows.year[r], flows.value[r]);
            let (e, i) = (flows.exporter.level_ids()[r], flows.importer.level_ids()[r]);
            let Some(k) = flows.product_code(r) else {
                continue;
            };
            let Some(c) = level_class[k as usize] else {
                continue;
            };
            if y.is_nan() || v.is_nan() || e == MISSING_CODE || i == MISSING_CODE {
                continue;
            }
            if !perspective.counts_as_export(flows.reported(r)) {
                continue;
            }
            let entry = sums.entry((y as i32, c)).or_insert([0.0; 3]);
            let (ec, ic) = (
                flows.exporter_country[e as usize],
                flows.importer_country[i as usize],
            );
            if ec == ic || is_world(ec) || is_world(ic) != world_partner.contains(&(y as i32, ec)) {
                continue;
            }
            if let Some((_, x)) = kind[k as usize] {
                entry[0] += v;
                if let Some(other) = x {
                    entry[1] += v;
                    if other {
                        entry[2] += v;
                    }
                }
            }
        }
        let years = sums
            .into_iter()
            .filter_map(|((year, c), [value, one_to_many, other])| {
                let InClass::Hs(m) = self.by_class.get(labels[c])? else {
                    return None;
                };
                Some(EditionCoverage::new(
                    year,
                    labels[c],
                    m,
                    [value, one_to_many, other],
                ))
            })
            .collect();
        let not_hs = self
            .by_class
            .iter()
            .filter(|(_, c)| matches!(c, InClass::NotHs))
            .map(|(l, _)| l.clone())
            .collect();
        GroupEditions {
            group: self.name.clone(),
            defined_in: self
                .defined_in
                .iter()
                .map(|e| e.name().to_string())
                .collect(),
            years,
            not_hs,
        }
    }
}

/// How a group defined in some HS editions was applied to the data, year by year.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, schemars::JsonSchema)]
pub struct GroupEditions {
    /// The group.
    pub group: String,
    /// The editions it is defined in (its own code lists), e.g. `HS2002`, `HS2022`.
    pub defined_in: Vec<String>,
    /// One entry per year and HS classification of the data.
    pub years: Vec<EditionCoverage>,
    /// Classifications of the data that are not HS codes: no row of theirs is in the
    /// group.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub not_hs: Vec<String>,
}

/// The group in one year and classification of the data.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, schemars::JsonSchema)]
pub struct EditionCoverage {
    /// The year.
    pub year: i32,
    /// The data's classification as the data write it (`HS17`).
    pub classification: String,
    /// The same as an edition (`HS2017`).
    pub edition: String,
    /// The edition whose code list was applied (`HS2022`).
    pub group_edition: String,
    /// Editions passed through, the group's first and the data's last (one: the same).
    pub path: Vec<String>,
    /// The concordance tables used, in order (none for the same edition).
    pub tables: Vec<String>,
    /// Codes of the group in its edition.
    pub group_codes: usize,
    /// Of them, codes linked to at least one code of the data's edition.
    pub codes_mapped: usize,
    /// Group codes linked to no code of the data's edition.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub unmapped_codes: Vec<String>,
    /// Codes of the data's edition the group maps to.
    pub data_codes: usize,
    /// Of them, codes that are not one to one (split, or holding other products).
    pub codes_one_to_many: usize,
    /// Of these, codes that also hold products outside the group.
    pub codes_with_other_products: usize,
    /// Value of the year's rows in the group's data codes.
    pub value: f64,
    /// Of it, the value in codes that are not one to one.
    pub value_one_to_many: f64,
    /// Of that, the value in codes that also hold products outside the group (counted in
    /// full: an upper bound of what the group overstates).
    pub value_with_other_products: f64,
}

impl EditionCoverage {
    fn new(year: i32, label: &str, m: &Mapped, [value, one, other]: [f64; 3]) -> EditionCoverage {
        let unmapped_codes: Vec<String> = m
            .map
            .targets
            .iter()
            .filter(|(_, t)| t.is_empty())
            .map(|(c, _)| c.clone())
            .collect();
        let same = !m.prefixes.is_empty();
        EditionCoverage {
            year,
            classification: label.to_string(),
            edition: classification_name(label),
            group_edition: m.group_edition.name().to_string(),
            path: m.map.path.clone(),
            tables: m.map.tables.clone(),
            group_codes: m.group_codes.len(),
            codes_mapped: m.group_codes.len() - unmapped_codes.len(),
            unmapped_codes,
            data_codes: if same {
                m.group_codes.len()
            } else {
                m.data_codes.len()
            },
            codes_one_to_many: m.data_codes.values().filter(|k| k.is_some()).count(),
            codes_with_other_products: m.data_codes.values().filter(|k| **k == Some(true)).count(),
            value,
            value_one_to_many: one,
            value_with_other_products: other,
        }
    }
}

fn span_text(years: &[i32]) -> String {
    match (years.first(), years.last()) {
        (Some(a), Some(b)) if a == b => a.to_string(),
        (Some(a), Some(b)) => format!("{a}–{b}"),
        _ => String::new(),
    }
}

fn pct(part: f64, whole: f64) -> String {
    if whole > 0.0 {
        format!("{:.1}%", part / whole * 100.0)
    } else {
        "no value".into()
    }
}

impl GroupEditions {
    /// The report in words, for the notes of a table: one line per classification of the
    /// data (codes mapped, tables used) and one with the years' one-to-many shares.
    pub fn notes(&self) -> Vec<String> {
        let mut out = Vec::new();
        let mut labels: Vec<&str> = self
            .years
            .iter()
            .map(|y| y.classification.as_str())
            .collect();
        labels.sort_unstable();
        labels.dedup();
        for label in labels {
            let years: Vec<&EditionCoverage> = self
                .years
                .iter()
                .filter(|y| y.classification == label)
                .collect();
            let Some(first) = years.first() else {
                continue;
            };
            let span = span_text(&years.iter().map(|y| y.year).collect::<Vec<_>>());
            let how = if first.tables.is_empty() {
                format!("its {} codes applied as they are", first.group_edition)
            } else {
                let mut s = format!(
                    "mapped from {} through {} ({} of the {} codes linked, to {} {} codes; \
                     {} of them one to many, {} holding products outside the group)",
                    first.group_edition,
                    first.tables.join(", then "),
                    first.codes_mapped,
                    first.group_codes,
                    first.data_codes,
                    first.edition,
                    first.codes_one_to_many,
                    first.codes_with_other_products
                );
                if !first.unmapped_codes.is_empty() {
                    s.push_str(&format!(
                        "; not linked: {}",
                        first.unmapped_codes.join(", ")
                    ));
                }
                s
            };
            out.push(format!(
                "{} is defined in {}; the data is {} ({span}): {how}",
                self.group,
                self.defined_in.join(" and "),
                first.edition
            ));
            if !first.tables.is_empty() {
                let shares: Vec<String> = years
                    .iter()
                    .map(|y| {
                        format!(
                            "{} {} ({} with other products)",
                            y.year,
                            pct(y.value_one_to_many, y.value),
                            pct(y.value_with_other_products, y.value)
                        )
                    })
                    .collect();
                out.push(format!(
                    "{} in {}: share of the group's value in one-to-many codes: {}",
                    self.group,
                    first.edition,
                    shares.join("; ")
                ));
            }
        }
        if !self.not_hs.is_empty() {
            out.push(format!(
                "rows classified {} are not HS codes: none of them is in {}",
                self.not_hs.join(", "),
                self.group
            ));
        }
        out
    }
}

/// For a group of HS prefixes that mean the same in every edition (the group `9701`,
/// `cosmetics`): a note naming the data's classifications and their years, or an error
/// when no row is classified by HS code.
pub fn prefixes_note(name: &str, flows: &Flows) -> Result<Option<String>, MeasureError> {
    if !flows.has_classification() {
        return Ok(Some(format!(
            "the product group `{name}`: HS prefixes matched as text; the data has no \
             `classification` column to say which HS edition its codes are in"
        )));
    }
    // Years of each classification.
    let nlevels = flows.product_levels().len();
    let class_of: Vec<Option<&str>> = (0..nlevels)
        .map(|k| flows.product_classification(k))
        .collect();
    let mut years: BTreeMap<&str, BTreeSet<i32>> = BTreeMap::new();
    for r in 0..flows.len() {
        let (Some(k), y) = (flows.product_code(r), flows.year[r]) else {
            continue;
        };
        if let (Some(c), false) = (class_of[k as usize], y.is_nan()) {
            years.entry(c).or_default().insert(y as i32);
        }
    }
    let labels: Vec<&str> = years.keys().copied().collect();
    if !labels.is_empty() && labels.iter().all(|l| !is_hs(l)) {
        return Err(MeasureError::GroupOnOtherClassification {
            group: name.to_string(),
            classifications: labels.iter().map(|l| l.to_string()).collect(),
        });
    }
    let parts: Vec<String> = years
        .iter()
        .map(|(c, ys)| {
            let ys: Vec<i32> = ys.iter().copied().collect();
            let what = if is_hs(c) {
                classification_name(c)
            } else {
                format!("{c} (not HS codes: in no HS group)")
            };
            format!("{what} in {}", span_text(&ys))
        })
        .collect();
    Ok(Some(format!(
        "the product group `{name}`: HS prefixes matched as text, the same in every edition; \
         the data is {}",
        parts.join(", ")
    )))
}

#[cfg(test)]
mod tests;
