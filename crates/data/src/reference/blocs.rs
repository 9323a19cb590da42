//! Country groups whose membership changes over time.

use serde::{Deserialize, Serialize};

/// One spell of membership: `from` and `to` are inclusive years; `to = None` means the
/// country is still a member.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, schemars::JsonSchema)]
pub struct Membership {
    /// ISO 3166 alpha-3 code.
    pub iso3: String,
    /// First year of membership.
    pub from: i32,
    /// Last year of membership, if it ended.
    pub to: Option<i32>,
}

impl Membership {
    /// Whether this spell covers `year`.
    pub fn covers(&self, year: i32) -> bool {
        self.from <= year && self.to.is_none_or(|to| year <= to)
    }
}

/// A trade bloc or any other group of countries with membership by year.
///
/// A country counts as a member in year t when it is a member on 31 December of t (the
/// convention of the built-in blocs; see `crates/data/reference/README.md`).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, schemars::JsonSchema)]
pub struct Bloc {
    /// Lower-case identifier, e.g. `asean+3`.
    pub name: String,
    /// What the bloc is.
    pub description: String,
    /// Where the membership dates come from (or the user file that defined it).
    pub source: String,
    /// Membership spells; a country may have several (leaving and rejoining).
    pub members: Vec<Membership>,
}

impl Bloc {
    /// Members in `year`, sorted ISO3 codes.
    pub fn members_in(&self, year: i32) -> Vec<&str> {
        let mut out: Vec<&str> = self
            .members
            .iter()
            .filter(|m| m.covers(year))
            .map(|m| m.iso3.as_str())
            .collect();
        out.sort_unstable();
        out.dedup();
        out
    }

    /// Whether `iso3` (case-insensitive) is a member in `year`.
    pub fn is_member(&self, iso3: &str, year: i32) -> bool {
        let iso3 = iso3.trim();
        self.members
            .iter()
            .any(|m| m.iso3.eq_ignore_ascii_case(iso3) && m.covers(year))
    }

    /// Every country that was a member at some time, sorted ISO3 codes.
    pub fn ever_members(&self) -> Vec<&str> {
        let mut out: Vec<&str> = self.members.iter().map(|m| m.iso3.as_str()).collect();
        out.sort_unstable();
        out.dedup();
        out
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn m(iso3: &str, from: i32, to: Option<i32>) -> Membership {
        Membership {
            iso3: iso3.into(),
            from,
            to,
        }
    }

    #[test]
    fn membership_spells_are_inclusive_and_may_repeat() {
        let b = Bloc {
            name: "x".into(),
            description: String::new(),
            source: String::new(),
            members: vec![
                m("AAA", 2000, Some(2004)),
                m("AAA", 2010, None),
                m("BBB", 2002, None),
            ],
        };
        assert_eq!(b.members_in(1999), Vec::<&str>::new());
        assert_eq!(b.members_in(2000), vec!["AAA"]);
        assert_eq!(b.members_in(2004), vec!["AAA", "BBB"]);
        assert_eq!(b.members_in(2005), vec!["BBB"]);
        assert_eq!(b.members_in(2010), vec!["AAA", "BBB"]);
        assert!(b.is_member("aaa", 2004));
        assert!(!b.is_member("AAA", 2009));
        assert_eq!(b.ever_members(), vec!["AAA", "BBB"]);
    }
}
