//! What an indicator is computed for: a subject (a country or a bloc), an optional partner,
//! and a product group. Each is a name plus a membership test, so any source of
//! membership (a built-in bloc with accession years, a user file, a fixed list) plugs in
//! without this crate knowing where it came from.

/// `is_member(iso3, year)`.
type MembershipTest<'a> = Box<dyn Fn(&str, i32) -> bool + 'a>;

/// A set of countries whose membership may change by year.
pub struct Countries<'a> {
    name: String,
    is_bloc: bool,
    test: MembershipTest<'a>,
}

impl<'a> Countries<'a> {
    /// One country, by ISO3 code (compared case-insensitively).
    pub fn country(iso3: &str) -> Countries<'a> {
        let code = iso3.trim().to_ascii_uppercase();
        Countries {
            name: code.clone(),
            is_bloc: false,
            test: Box::new(move |c, _| c.eq_ignore_ascii_case(&code)),
        }
    }

    /// A fixed list of countries, members in every year.
    pub fn fixed(name: &str, iso3: &[&str]) -> Countries<'a> {
        let codes: Vec<String> = iso3.iter().map(|c| c.trim().to_ascii_uppercase()).collect();
        Countries {
            name: name.to_string(),
            is_bloc: true,
            test: Box::new(move |c, _| codes.iter().any(|m| m.eq_ignore_ascii_case(c))),
        }
    }

    /// A bloc whose membership in a year is decided by `is_member(iso3, year)`.
    pub fn bloc(name: &str, is_member: impl Fn(&str, i32) -> bool + 'a) -> Countries<'a> {
        Countries {
            name: name.to_string(),
            is_bloc: true,
            test: Box::new(is_member),
        }
    }

    /// The name shown in results.
    pub fn name(&self) -> &str {
        &self.name
    }

    /// Whether this is a group of countries rather than one country.
    pub fn is_bloc(&self) -> bool {
        self.is_bloc
    }

    /// Whether `iso3` belongs to the set in `year`.
    pub fn contains(&self, iso3: &str, year: i32) -> bool {
        (self.test)(iso3, year)
    }
}

impl std::fmt::Debug for Countries<'_> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Countries")
            .field("name", &self.name)
            .field("is_bloc", &self.is_bloc)
            .finish_non_exhaustive()
    }
}

/// `contains(code, classification)`: the classification is the row's (`HS17`), `None` when
/// the data has none.
type ProductTest<'a> = Box<dyn Fn(&str, Option<&str>) -> bool + 'a>;

/// A set of products (HS codes, or the sector names of aggregate data).
pub struct Products<'a> {
    name: String,
    test: ProductTest<'a>,
}

impl<'a> Products<'a> {
    /// Every product.
    pub fn all() -> Products<'a> {
        Products {
            name: "all products".into(),
            test: Box::new(|_, _| true),
        }
    }

    /// Codes starting with one of the prefixes (e.g. `3303`, `3304` for perfumes and
    /// make-up), in whatever edition the data is. Five-digit numeric codes are read as
    /// six-digit HS codes that lost their leading zero.
    pub fn hs_prefixes(prefixes: &[&str]) -> Products<'a> {
        let list: Vec<String> = prefixes.iter().map(|p| p.trim().to_string()).collect();
        Products {
            name: format!("HS {}", list.join(", ")),
            test: Box::new(move |code, _| {
                let code = pad_hs(code);
                list.iter().any(|p| code.starts_with(p.as_str()))
            }),
        }
    }

    /// A named group whose membership is decided by `contains(code)`, whatever the
    /// classification of the data.
    pub fn group(name: &str, contains: impl Fn(&str) -> bool + 'a) -> Products<'a> {
        Products {
            name: name.to_string(),
            test: Box::new(move |code, _| contains(code)),
        }
    }

    /// A named group whose membership depends on the classification of the row:
    /// `contains(code, classification)`, e.g. the same creative-goods group as HS 2017
    /// codes in rows classified `HS17` and as HS 2022 codes in rows classified `HS22`.
    pub fn by_classification(
        name: &str,
        contains: impl Fn(&str, Option<&str>) -> bool + 'a,
    ) -> Products<'a> {
        Products {
            name: name.to_string(),
            test: Box::new(contains),
        }
    }

    /// The name shown in results.
    pub fn name(&self) -> &str {
        &self.name
    }

    /// Whether a product code belongs to the group, for data without a classification.
    pub fn contains(&self, code: &str) -> bool {
        (self.test)(code, None)
    }

    /// Whether a product code of a classification (`HS17`) belongs to the group.
    pub fn contains_in(&self, code: &str, classification: Option<&str>) -> bool {
        (self.test)(code, classification)
    }
}

impl std::fmt::Debug for Products<'_> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Products")
            .field("name", &self.name)
            .finish_non_exhaustive()
    }
}

/// HS codes read as numbers lose their leading zero (`010121` → `10121`).
pub(crate) fn pad_hs(code: &str) -> std::borrow::Cow<'_, str> {
    let code = code.trim();
    if code.len() == 5 && code.bytes().all(|b| b.is_ascii_digit()) {
        std::borrow::Cow::Owned(format!("0{code}"))
    } else {
        std::borrow::Cow::Borrowed(code)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn membership_tests() {
        let kor = Countries::country("kor");
        assert!(kor.contains("KOR", 1990) && !kor.contains("JPN", 1990));
        assert!(!kor.is_bloc());
        let grown = Countries::bloc("grown", |c, y| c == "A" || (c == "B" && y >= 2000));
        assert!(grown.contains("B", 2000) && !grown.contains("B", 1999));
        let fixed = Countries::fixed("ab", &["A", "b"]);
        assert!(fixed.contains("B", 1) && fixed.is_bloc());
        let cosmetics = Products::hs_prefixes(&["3303", "3304"]);
        assert!(cosmetics.contains("330499") && !cosmetics.contains("330510"));
        assert!(Products::hs_prefixes(&["01"]).contains("10121"));
        assert!(Products::all().contains("anything"));
        let by_edition = Products::by_classification("p", |k, c| match c {
            Some("HS17") => k == "970110",
            _ => k == "970121",
        });
        assert!(by_edition.contains_in("970110", Some("HS17")));
        assert!(!by_edition.contains_in("970110", Some("HS22")));
        assert!(by_edition.contains_in("970121", None) && by_edition.contains("970121"));
    }
}
