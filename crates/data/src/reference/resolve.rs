//! One resolver for the country names a request gives: an ISO3 code of the data, a bloc, a
//! comma-separated list of codes, or `all`.
//!
//! Every front end and every analysis resolves names here, so a name means the same thing
//! everywhere and a mistake gets the same hint everywhere.
//!
//! ```
//! use hallyu_data::reference::{Reference, Resolved};
//!
//! let r = Reference::builtin();
//! let data: Vec<String> = ["KOR", "JPN", "VNM"].map(String::from).to_vec();
//! assert!(matches!(r.resolve("subject", "kor", &data, None, false), Ok(Resolved::Country(c)) if c == "KOR"));
//! assert!(matches!(r.resolve("subject", "asean", &data, Some(2006), false), Ok(Resolved::Bloc(b)) if b.name == "asean"));
//! assert!(matches!(r.resolve("subject", "KOR, jpn", &data, None, false), Ok(Resolved::List(l)) if l == ["KOR", "JPN"]));
//! let e = r.resolve("subject", "KRO", &data, None, false).unwrap_err();
//! assert!(e.to_string().contains("did you mean `KOR`?"), "{e}");
//! ```

use super::{country_by_iso3, Bloc, Reference};
use crate::error::DataError;
use crate::nearest;

/// What a country name stands for.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Resolved<'r> {
    /// One country of the data, spelt as the data spells it.
    Country(String),
    /// A bloc; its members in a year are [`Bloc::members_in`] or [`Bloc::is_member`].
    Bloc(&'r Bloc),
    /// Several countries of the data, in the order given, each once.
    List(Vec<String>),
    /// Every country of the data (only where the caller allows it).
    All,
}

impl Reference {
    /// Resolves `name` against the countries the data has (`known`) and the blocs.
    ///
    /// In order: `all` (case-insensitive, only when `allow_all`), a comma-separated list of
    /// codes of the data, a code of the data (case-insensitive; it wins over a bloc of the
    /// same name), a bloc. With `year`, a bloc without a member in that year is an error.
    /// `role` says what the name is for ("subject", "partner", "change 1: country") in
    /// the error.
    ///
    /// Errors (all of category input): [`DataError::UnknownCountry`], with a hint that puts
    /// swapped letters first (`KRO` → `KOR`) and then the nearest code or bloc by edit
    /// distance; [`DataError::CountryNotInData`] for a real country the data lacks;
    /// [`DataError::EmptyBloc`]; [`DataError::BlocInList`]; [`DataError::EmptyCountryList`].
    pub fn resolve<'r>(
        &'r self,
        role: &str,
        name: &str,
        known: &[String],
        year: Option<i32>,
        allow_all: bool,
    ) -> Result<Resolved<'r>, DataError> {
        let trimmed = name.trim();
        if allow_all && trimmed.eq_ignore_ascii_case("all") {
            return Ok(Resolved::All);
        }
        if trimmed.contains(',') {
            return self.resolve_list(role, trimmed, known);
        }
        if let Some(code) = in_data(trimmed, known) {
            return Ok(Resolved::Country(code.to_string()));
        }
        if let Ok(bloc) = self.bloc(trimmed) {
            if let Some(year) = year {
                if bloc.members_in(year).is_empty() {
                    return Err(DataError::EmptyBloc {
                        role: role.to_string(),
                        name: bloc.name.clone(),
                        year,
                    });
                }
            }
            return Ok(Resolved::Bloc(bloc));
        }
        Err(self.unknown(role, trimmed, known))
    }

    fn resolve_list<'r>(
        &'r self,
        role: &str,
        list: &str,
        known: &[String],
    ) -> Result<Resolved<'r>, DataError> {
        let mut codes: Vec<String> = Vec::new();
        for item in list.split(',').map(str::trim).filter(|c| !c.is_empty()) {
            let code = match in_data(item, known) {
                Some(code) => code,
                None if self.bloc(item).is_ok() => {
                    return Err(DataError::BlocInList {
                        role: role.to_string(),
                        list: list.to_string(),
                        name: item.to_string(),
                    })
                }
                None => return Err(self.unknown(role, item, known)),
            };
            if !codes.iter().any(|c| c == code) {
                codes.push(code.to_string());
            }
        }
        if codes.is_empty() {
            return Err(DataError::EmptyCountryList {
                role: role.to_string(),
                name: list.to_string(),
            });
        }
        Ok(Resolved::List(codes))
    }

    /// The error for a name that is neither a code of the data nor a bloc.
    fn unknown(&self, role: &str, name: &str, known: &[String]) -> DataError {
        let upper = name.to_ascii_uppercase();
        if country_by_iso3(&upper).is_some() {
            return DataError::CountryNotInData {
                role: role.to_string(),
                name: upper,
                countries: known.len(),
            };
        }
        let candidates = || {
            known
                .iter()
                .map(String::as_str)
                .chain(self.blocs().iter().map(|b| b.name.as_str()))
        };
        // Swapped letters (KRO for KOR) first: edit distance rates them no closer than an
        // unrelated code of the same length.
        let letters = sorted_letters(name);
        let suggestion = candidates()
            .find(|c| sorted_letters(c) == letters)
            .map(str::to_string)
            .or_else(|| nearest(name, candidates()));
        DataError::UnknownCountry {
            role: role.to_string(),
            name: name.to_string(),
            suggestion,
        }
    }
}

/// The data's spelling of `code` (case-insensitive), if the data has it.
fn in_data<'k>(code: &str, known: &'k [String]) -> Option<&'k str> {
    known
        .iter()
        .find(|c| c.eq_ignore_ascii_case(code))
        .map(String::as_str)
}

fn sorted_letters(name: &str) -> Vec<char> {
    let mut v: Vec<char> = name.to_lowercase().chars().collect();
    v.sort_unstable();
    v
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::ErrorCategory;

    fn data() -> Vec<String> {
        ["DEU", "IDN", "KOR", "SGP", "THA", "USA"]
            .map(String::from)
            .to_vec()
    }

    #[test]
    fn codes_blocs_lists_and_all() {
        let r = Reference::builtin();
        let k = data();
        assert_eq!(
            r.resolve("subject", " usa ", &k, None, false).unwrap(),
            Resolved::Country("USA".into())
        );
        match r
            .resolve("subject", "ASEAN", &k, Some(2006), false)
            .unwrap()
        {
            Resolved::Bloc(b) => {
                assert_eq!(b.name, "asean");
                assert!(b.is_member("VNM", 2006) && !b.is_member("VNM", 1994));
            }
            other => panic!("{other:?}"),
        }
        assert_eq!(
            r.resolve("subject", "kor,USA, kor,", &k, None, false)
                .unwrap(),
            Resolved::List(vec!["KOR".into(), "USA".into()])
        );
        assert_eq!(
            r.resolve("subject", "All", &k, None, true).unwrap(),
            Resolved::All
        );
    }

    #[test]
    fn all_only_where_the_caller_allows_it() {
        let r = Reference::builtin();
        let e = r
            .resolve("subject", "all", &data(), None, false)
            .unwrap_err();
        assert!(matches!(e, DataError::UnknownCountry { .. }), "{e}");
    }

    #[test]
    fn swapped_letters_come_before_edit_distance() {
        let r = Reference::builtin();
        // KRO is as far from KOR as from, say, ARG by edit distance; the swap wins.
        let e = r
            .resolve("subject", "KRO", &data(), None, false)
            .unwrap_err();
        match &e {
            DataError::UnknownCountry {
                role,
                name,
                suggestion,
            } => {
                assert_eq!(
                    (role.as_str(), name.as_str(), suggestion.as_deref()),
                    ("subject", "KRO", Some("KOR"))
                );
            }
            other => panic!("{other:?}"),
        }
        assert_eq!(e.category(), ErrorCategory::Input);
        assert_eq!(
            e.to_string(),
            "subject `KRO` is neither a bloc nor a country code in the data (did you mean `KOR`?)"
        );
        // A misspelt bloc gets the bloc; a list names the bad item.
        let e = r
            .resolve("partner", "asaen", &data(), None, false)
            .unwrap_err();
        assert!(e.to_string().contains("did you mean `asean`?"), "{e}");
        let e = r
            .resolve("partner", "KOR,UAS", &data(), None, false)
            .unwrap_err();
        assert!(
            e.to_string().starts_with("partner `UAS`") && e.to_string().contains("`USA`"),
            "{e}"
        );
        let e = r
            .resolve("partner", "XQZW", &data(), None, false)
            .unwrap_err();
        assert!(!e.to_string().contains("did you mean"), "{e}");
    }

    #[test]
    fn real_countries_absent_from_the_data_blocs_without_members_and_bad_lists() {
        let r = Reference::builtin();
        let resolve = |name: &str, year| r.resolve("subject", name, &data(), year, false);
        let absent = resolve("ago", None).unwrap_err();
        assert!(
            matches!(absent, DataError::CountryNotInData { ref name, countries: 6, .. } if name == "AGO")
        );
        assert!(absent.to_string().contains("not in the data"), "{absent}");
        // The EU did not exist in 1950.
        let empty = resolve("eu", Some(1950)).unwrap_err();
        assert!(
            matches!(empty, DataError::EmptyBloc { year: 1950, .. }),
            "{empty}"
        );
        assert!(resolve("eu", None).is_ok());
        let bloc = resolve("KOR,asean", None).unwrap_err();
        assert!(
            matches!(bloc, DataError::BlocInList { ref name, .. } if name == "asean"),
            "{bloc}"
        );
        let none = resolve(" , ", None).unwrap_err();
        assert!(matches!(none, DataError::EmptyCountryList { .. }), "{none}");
        for e in [absent, empty, bloc, none] {
            assert_eq!(e.category(), ErrorCategory::Input, "{e}");
        }
    }
}
