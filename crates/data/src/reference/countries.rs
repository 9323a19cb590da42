//! Countries and the numeric codes trade data uses for them.

use serde::{Deserialize, Serialize};
use std::collections::HashMap;
use std::sync::OnceLock;

static COUNTRIES_CSV: &str = include_str!("../../reference/countries.csv");

/// One country code: an ISO 3166-1 entry, or a code that UN Comtrade and CEPII's BACI use
/// besides ISO 3166-1 (historical entities such as 891 Serbia and Montenegro, customs
/// aggregates such as 711 Southern African Customs Union, and their own numeric codes for
/// some countries such as 842 USA or 490 "Other Asia, nes", which is Taiwan).
///
/// Several numeric codes can stand for one ISO3 code (251 and 250 are both France);
/// [`country_by_iso3`] returns the ISO 3166-1 entry.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, schemars::JsonSchema)]
pub struct Country {
    /// ISO 3166 alpha-3 code (ISO 3166-3 for dissolved entities; Comtrade's `ZA1` for the
    /// Southern African Customs Union).
    pub iso3: String,
    /// Numeric code as ISO 3166-1, Comtrade or BACI use it.
    pub numeric: u16,
    /// English short name.
    pub name: String,
    /// First year the code is valid, when it came into use after 1990.
    pub from_year: Option<i32>,
    /// Last year the code is valid, for historical codes.
    pub to_year: Option<i32>,
}

struct Index {
    all: Vec<Country>,
    by_iso3: HashMap<String, usize>,
    by_numeric: HashMap<u16, usize>,
}

fn index() -> &'static Index {
    static INDEX: OnceLock<Index> = OnceLock::new();
    INDEX.get_or_init(|| {
        // The embedded file is checked by the tests below; a malformed line cannot reach
        // a release, so failing loudly here is a build defect, not an input error.
        let all = parse_countries(COUNTRIES_CSV)
            .unwrap_or_else(|e| panic!("embedded countries.csv is invalid: {e}"));
        let mut by_iso3 = HashMap::new();
        let mut by_numeric = HashMap::new();
        for (i, c) in all.iter().enumerate() {
            // ISO 3166-1 rows come first in the file: the first row of an ISO3 code is
            // its standard entry.
            by_iso3.entry(c.iso3.clone()).or_insert(i);
            by_numeric.entry(c.numeric).or_insert(i);
        }
        Index {
            all,
            by_iso3,
            by_numeric,
        }
    })
}

fn parse_countries(text: &str) -> Result<Vec<Country>, String> {
    let mut reader = csv::Reader::from_reader(text.as_bytes());
    let mut out = Vec::new();
    for (i, record) in reader.records().enumerate() {
        let line = i + 2;
        let r = record.map_err(|e| format!("line {line}: {e}"))?;
        let field = |k: usize| r.get(k).unwrap_or("").trim();
        let year = |k: usize| -> Result<Option<i32>, String> {
            match field(k) {
                "" => Ok(None),
                s => s
                    .parse()
                    .map(Some)
                    .map_err(|_| format!("line {line}: bad year `{s}`")),
            }
        };
        out.push(Country {
            iso3: field(0).to_string(),
            numeric: field(1)
                .parse()
                .map_err(|_| format!("line {line}: bad numeric code `{}`", field(1)))?,
            name: field(2).to_string(),
            from_year: year(3)?,
            to_year: year(4)?,
        });
    }
    Ok(out)
}

/// Every country code, ISO 3166-1 entries first (sorted by ISO3), then the codes trade
/// data uses besides them.
pub fn countries() -> &'static [Country] {
    &index().all
}

/// The ISO 3166-1 entry of an alpha-3 code (case-insensitive); for codes only trade data
/// uses (`SCG`, `ANT`, `ZA1`...), their one entry.
pub fn country_by_iso3(iso3: &str) -> Option<&'static Country> {
    let ix = index();
    ix.by_iso3
        .get(&iso3.trim().to_ascii_uppercase())
        .map(|&i| &ix.all[i])
}

/// The entry of a numeric code as BACI or Comtrade report it (e.g. 410, 842, 490, 58).
pub fn country_by_numeric(code: u16) -> Option<&'static Country> {
    let ix = index();
    ix.by_numeric.get(&code).map(|&i| &ix.all[i])
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::collections::HashSet;

    #[test]
    fn embedded_table_parses_with_unique_numeric_codes() {
        let all = parse_countries(COUNTRIES_CSV).unwrap();
        assert_eq!(all.len(), 249 + 19);
        let numeric: HashSet<u16> = all.iter().map(|c| c.numeric).collect();
        assert_eq!(numeric.len(), all.len(), "a numeric code appears twice");
        for c in &all {
            assert_eq!(c.iso3.len(), 3, "{c:?}");
            assert!(c
                .iso3
                .chars()
                .all(|ch| ch.is_ascii_uppercase() || ch.is_ascii_digit()));
            assert!(!c.name.is_empty());
            if let (Some(a), Some(b)) = (c.from_year, c.to_year) {
                assert!(a <= b, "{c:?}");
            }
        }
    }

    #[test]
    fn iso_lookups() {
        let kor = country_by_iso3("kor").unwrap();
        assert_eq!(
            (kor.numeric, kor.name.as_str()),
            (410, "Korea, Republic of")
        );
        assert_eq!(country_by_numeric(410).unwrap().iso3, "KOR");
        assert_eq!(country_by_numeric(704).unwrap().iso3, "VNM");
        assert_eq!(country_by_iso3(" usa ").unwrap().numeric, 840);
        assert!(country_by_iso3("XXX").is_none());
        assert!(country_by_numeric(999).is_none());
    }

    #[test]
    fn trade_data_codes() {
        let expect = [
            (58, "BEL", Some(1998)),
            (251, "FRA", None),
            (381, "ITA", None),
            (490, "TWN", None),
            (579, "NOR", None),
            (699, "IND", None),
            (711, "ZA1", Some(1999)),
            (757, "CHE", None),
            (842, "USA", None),
            (891, "SCG", Some(2005)),
            (736, "SDN", Some(2011)),
            (530, "ANT", Some(2010)),
        ];
        for (code, iso3, to) in expect {
            let c = country_by_numeric(code).unwrap();
            assert_eq!((c.iso3.as_str(), c.to_year), (iso3, to), "{code}");
        }
        // The alternative codes do not shadow the standard entries.
        assert_eq!(country_by_iso3("FRA").unwrap().numeric, 250);
        assert_eq!(country_by_iso3("USA").unwrap().numeric, 840);
        assert_eq!(country_by_iso3("TWN").unwrap().numeric, 158);
        assert_eq!(country_by_iso3("SDN").unwrap().numeric, 729);
        assert_eq!(country_by_iso3("SCG").unwrap().numeric, 891);
        assert_eq!(country_by_iso3("SSD").unwrap().from_year, Some(2011));
    }
}
