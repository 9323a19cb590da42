//! Product groups (HS prefixes) and UNCTAD's creative-goods classification.

use serde::{Deserialize, Serialize};

/// A named set of HS codes.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, schemars::JsonSchema)]
pub struct ProductGroup {
    /// Identifier, e.g. `creative.design.fashion` or `cosmetics`.
    pub name: String,
    /// What the group holds (and, for the creative groups, how complete it is).
    pub description: String,
    /// Where the list comes from (or the user file that defined it).
    pub source: String,
    /// The HS edition the codes belong to (e.g. `HS2022`); `None` when they mean the same
    /// in every edition.
    pub hs_version: Option<String>,
    /// HS prefixes of 2, 4 or 6 digits.
    pub codes: Vec<String>,
}

impl ProductGroup {
    /// Whether a product code belongs to the group (prefix match). Five-digit codes are
    /// read as six-digit codes that lost their leading zero (BACI's `k` read as a number).
    pub fn contains(&self, hs6: &str) -> bool {
        let hs6 = hs6.trim();
        let padded;
        let code = if hs6.len() == 5 && hs6.bytes().all(|b| b.is_ascii_digit()) {
            padded = format!("0{hs6}");
            padded.as_str()
        } else {
            hs6
        };
        self.codes.iter().any(|c| code.starts_with(c.as_str()))
    }
}

/// One line of the creative-goods classification.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, schemars::JsonSchema)]
pub struct CreativeCode {
    /// Six-digit HS code.
    pub hs6: String,
    /// UNCTAD group, e.g. `design` (see [`CREATIVE_GROUPS`]).
    pub group: String,
    /// UNCTAD subgroup, e.g. `fashion`.
    pub subgroup: Option<String>,
    /// HS editions in which the code exists with this meaning, e.g. `["HS2002", "HS2022"]`.
    pub editions: Vec<String>,
    /// `compiled` (UNCTAD's HS 2002 list, as compiled here), `successor` (the HS 2022
    /// code(s) a compiled code became) or `user` (from a classification CSV).
    pub basis: String,
}

/// UNCTAD's seven creative-goods groups and what each covers (Creative Economy Report
/// 2010, statistical annex).
pub const CREATIVE_GROUPS: [(&str, &str); 7] = [
    (
        "art_crafts",
        "Art crafts: carpets, celebration articles, paperware, wickerware, yarn (lace, embroidery, tapestries) and other crafts",
    ),
    ("audiovisuals", "Audiovisuals: cinematographic film"),
    (
        "design",
        "Design: architecture, fashion accessories, glassware, interior, jewellery and toys",
    ),
    ("new_media", "New media: recorded media and video games"),
    ("performing_arts", "Performing arts: recorded and printed music"),
    (
        "publishing",
        "Publishing: books, newspapers and other printed matter",
    ),
    (
        "visual_arts",
        "Visual arts: antiques, painting, photography and sculpture",
    ),
];

/// Code counts UNCTAD publishes for its HS 2002 list (Creative Economy Report 2010,
/// statistical annex, explanatory notes), where the notes give them: (group, subgroup,
/// count); an empty subgroup is the group total.
pub const PUBLISHED_COUNTS: [(&str, &str, usize); 16] = [
    ("art_crafts", "", 60),
    ("art_crafts", "carpets", 17),
    ("art_crafts", "yarn", 30),
    ("art_crafts", "wickerware", 4),
    ("art_crafts", "celebration", 2),
    ("art_crafts", "paperware", 1),
    ("art_crafts", "other", 6),
    ("visual_arts", "", 17),
    ("visual_arts", "photography", 4),
    ("visual_arts", "painting", 3),
    ("visual_arts", "sculpture", 7),
    ("visual_arts", "antiques", 3),
    ("publishing", "", 15),
    ("publishing", "newspapers", 3),
    ("publishing", "books", 4),
    ("publishing", "other_printed_matter", 8),
];

/// The edition the unsuffixed `creative` groups use.
pub const DEFAULT_EDITION: &str = "HS2022";

/// The group-name prefix of an edition: `creative` for HS 2022, `creative_hs2002` etc.
pub fn creative_prefix(edition: &str) -> String {
    if edition == DEFAULT_EDITION {
        "creative".to_string()
    } else {
        format!("creative_{}", edition.to_ascii_lowercase())
    }
}

const SOURCE: &str = "UNCTAD, Creative Economy Report 2010 (UNCTAD/DITC/TAB/2010/3), statistical annex: creative-goods groups and subgroups (HS 2002), compiled by subgroup description; HS 2022 successors from the HS 2022 nomenclature. See crates/data/reference/README.md";

/// Builds the `creative...` product groups of every edition present in `codes`.
pub(crate) fn creative_groups(codes: &[CreativeCode]) -> Vec<ProductGroup> {
    let mut editions: Vec<&str> = codes
        .iter()
        .flat_map(|c| c.editions.iter().map(String::as_str))
        .collect();
    editions.sort_unstable();
    editions.dedup();
    // HS 2022 first: it is the edition most users want.
    editions.sort_by_key(|e| *e != DEFAULT_EDITION);
    let mut out = Vec::new();
    for edition in editions {
        let in_edition: Vec<&CreativeCode> = codes
            .iter()
            .filter(|c| c.editions.iter().any(|e| e == edition))
            .collect();
        let prefix = creative_prefix(edition);
        let user = in_edition.iter().any(|c| c.basis == "user");
        let source = if user {
            format!("{SOURCE}; with user additions")
        } else {
            SOURCE.to_string()
        };
        let group = |name: String, description: String, members: Vec<&CreativeCode>| {
            let mut codes: Vec<String> = members.iter().map(|c| c.hs6.clone()).collect();
            codes.sort_unstable();
            codes.dedup();
            ProductGroup {
                name,
                description,
                source: source.clone(),
                hs_version: Some(edition.to_string()),
                codes,
            }
        };
        out.push(group(
            prefix.clone(),
            format!("All creative goods (UNCTAD classification, {edition} codes)"),
            in_edition.clone(),
        ));
        let mut groups: Vec<&str> = in_edition.iter().map(|c| c.group.as_str()).collect();
        groups.sort_unstable();
        groups.dedup();
        for g in groups {
            let members: Vec<&CreativeCode> = in_edition
                .iter()
                .copied()
                .filter(|c| c.group == g)
                .collect();
            let what = CREATIVE_GROUPS
                .iter()
                .find(|(n, _)| *n == g)
                .map_or(g, |(_, d)| d);
            let description = format!(
                "{what} ({edition} codes){}",
                coverage(g, "", &members, edition)
            );
            out.push(group(format!("{prefix}.{g}"), description, members.clone()));
            let mut subs: Vec<&str> = members
                .iter()
                .filter_map(|c| c.subgroup.as_deref())
                .collect();
            subs.sort_unstable();
            subs.dedup();
            for s in subs {
                let sub: Vec<&CreativeCode> = members
                    .iter()
                    .copied()
                    .filter(|c| c.subgroup.as_deref() == Some(s))
                    .collect();
                let description = format!(
                    "{g}, subgroup {s} ({edition} codes){}",
                    coverage(g, s, &sub, edition)
                );
                out.push(group(format!("{prefix}.{g}.{s}"), description, sub));
            }
        }
    }
    out
}

/// "; 17 of UNCTAD's 17 codes" for the HS 2002 edition where UNCTAD publishes a count.
fn coverage(group: &str, subgroup: &str, members: &[&CreativeCode], edition: &str) -> String {
    if edition != "HS2002" {
        return String::new();
    }
    let published = PUBLISHED_COUNTS
        .iter()
        .find(|(g, s, _)| *g == group && *s == subgroup);
    match published {
        Some((_, _, n)) => format!(
            "; {} of the {n} codes UNCTAD counts",
            members.iter().filter(|c| c.basis != "user").count()
        ),
        None => "; UNCTAD's code count not checked".to_string(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn group(codes: &[&str]) -> ProductGroup {
        ProductGroup {
            name: "g".into(),
            description: String::new(),
            source: String::new(),
            hs_version: None,
            codes: codes.iter().map(|s| s.to_string()).collect(),
        }
    }

    #[test]
    fn prefix_match() {
        let g = group(&["3304", "330510", "97"]);
        assert!(g.contains("330499"));
        assert!(g.contains("330510"));
        assert!(!g.contains("330590"));
        assert!(g.contains("970121"));
        assert!(!g.contains("330190"));
        let g = group(&["0101"]);
        assert!(g.contains("10121"), "leading zero lost by a numeric reader");
        assert!(!g.contains("10121x"));
    }

    #[test]
    fn editions_get_their_own_groups() {
        let c = |hs6: &str, g: &str, s: &str, eds: &[&str]| CreativeCode {
            hs6: hs6.into(),
            group: g.into(),
            subgroup: Some(s.into()),
            editions: eds.iter().map(|e| e.to_string()).collect(),
            basis: "compiled".into(),
        };
        let codes = vec![
            c("570110", "art_crafts", "carpets", &["HS2002", "HS2022"]),
            c("570251", "art_crafts", "carpets", &["HS2002"]),
            c("570250", "art_crafts", "carpets", &["HS2022"]),
        ];
        let groups = creative_groups(&codes);
        let names: Vec<&str> = groups.iter().map(|g| g.name.as_str()).collect();
        assert_eq!(
            names,
            [
                "creative",
                "creative.art_crafts",
                "creative.art_crafts.carpets",
                "creative_hs2002",
                "creative_hs2002.art_crafts",
                "creative_hs2002.art_crafts.carpets"
            ]
        );
        assert_eq!(groups[0].codes, ["570110", "570250"]);
        assert_eq!(groups[3].codes, ["570110", "570251"]);
        assert!(groups[5]
            .description
            .ends_with("; 2 of the 17 codes UNCTAD counts"));
    }
}
