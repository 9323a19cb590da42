//! Capitals of the ISO 3166-1 countries and the great-circle distance between them, the
//! gravity covariate that open data allows for every pair of countries.
//!
//! The coordinates come from REST Countries (Mozilla Public License 2.0; see
//! `crates/data/reference/README.md`); the distances are computed here, with the haversine
//! formula on a sphere of the Earth's mean radius, which is how CEPII's GeoDist computes its
//! `distcap` (distance between capitals) too.

use crate::{Column, StrColumnBuilder, Table};
use serde::Serialize;
use std::collections::HashMap;
use std::sync::OnceLock;

static CAPITALS_CSV: &str = include_str!("../../reference/capitals.csv");

/// Mean radius of the Earth in kilometres (IUGG).
pub const EARTH_RADIUS_KM: f64 = 6371.0088;

/// Where a country's point is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, schemars::JsonSchema)]
#[serde(rename_all = "lowercase")]
pub enum PointBasis {
    /// The capital city.
    Capital,
    /// A point of the territory, for territories without a capital (Antarctica, Bouvet
    /// Island, Heard and McDonald Islands, Macao, US Minor Outlying Islands).
    Territory,
}

/// A country's capital and its coordinates.
#[derive(Debug, Clone, PartialEq, Serialize, schemars::JsonSchema)]
pub struct Capital {
    /// ISO 3166-1 alpha-3 code.
    pub iso3: String,
    /// The capital's name (empty for a territory point).
    pub name: String,
    /// Latitude, decimal degrees north.
    pub lat: f64,
    /// Longitude, decimal degrees east.
    pub lon: f64,
    /// Whether the point is a capital or a point of the territory.
    pub basis: PointBasis,
}

struct Index {
    all: Vec<Capital>,
    by_iso3: HashMap<String, usize>,
}

fn parse_capitals(text: &str) -> Result<Vec<Capital>, String> {
    // The licence notice is a block of `#` lines above the header.
    let body: String = text
        .lines()
        .filter(|l| !l.starts_with('#'))
        .map(|l| format!("{l}\n"))
        .collect();
    let mut reader = csv::Reader::from_reader(body.as_bytes());
    let mut out = Vec::new();
    for (i, record) in reader.records().enumerate() {
        let row = i + 1;
        let r = record.map_err(|e| format!("data row {row}: {e}"))?;
        let field = |k: usize| r.get(k).unwrap_or("").trim();
        let degrees = |k: usize, limit: f64| -> Result<f64, String> {
            field(k)
                .parse::<f64>()
                .ok()
                .filter(|v| v.abs() <= limit)
                .ok_or_else(|| format!("data row {row}: bad coordinate `{}`", field(k)))
        };
        let basis = match field(4) {
            "capital" => PointBasis::Capital,
            "territory" => PointBasis::Territory,
            other => return Err(format!("data row {row}: bad basis `{other}`")),
        };
        out.push(Capital {
            iso3: field(0).to_string(),
            name: field(1).to_string(),
            lat: degrees(2, 90.0)?,
            lon: degrees(3, 180.0)?,
            basis,
        });
    }
    Ok(out)
}

fn index() -> &'static Index {
    static INDEX: OnceLock<Index> = OnceLock::new();
    INDEX.get_or_init(|| {
        // The embedded file is checked by the tests below; a malformed line cannot reach a
        // release, so failing loudly here is a build defect, not an input error.
        let all = parse_capitals(CAPITALS_CSV)
            .unwrap_or_else(|e| panic!("embedded capitals.csv is invalid: {e}"));
        let by_iso3 = all
            .iter()
            .enumerate()
            .map(|(i, c)| (c.iso3.clone(), i))
            .collect();
        Index { all, by_iso3 }
    })
}

/// Every capital, sorted by ISO3 code.
pub fn capitals() -> &'static [Capital] {
    &index().all
}

/// The capital of an ISO3 code (case-insensitive); `None` for codes without one
/// (historical entities, customs unions, codes that are not countries).
pub fn capital(iso3: &str) -> Option<&'static Capital> {
    let ix = index();
    ix.by_iso3
        .get(&iso3.trim().to_ascii_uppercase())
        .map(|&i| &ix.all[i])
}

/// Great-circle distance in kilometres between two points given in decimal degrees
/// (haversine formula, which stays accurate for nearby points, on a sphere of radius
/// [`EARTH_RADIUS_KM`]).
pub fn haversine_km(lat1: f64, lon1: f64, lat2: f64, lon2: f64) -> f64 {
    let (p1, p2) = (lat1.to_radians(), lat2.to_radians());
    let dp = p2 - p1;
    let dl = (lon2 - lon1).to_radians();
    let h = (dp / 2.0).sin().powi(2) + p1.cos() * p2.cos() * (dl / 2.0).sin().powi(2);
    // Rounding can push h a hair above 1 for antipodal points.
    2.0 * EARTH_RADIUS_KM * h.sqrt().min(1.0).asin()
}

/// Distance in kilometres between the capitals of two ISO3 codes; `None` when either has
/// no capital in the table. A country's distance to itself is 0.
pub fn capital_distance_km(a: &str, b: &str) -> Option<f64> {
    let (a, b) = (capital(a)?, capital(b)?);
    Some(haversine_km(a.lat, a.lon, b.lat, b.lon))
}

/// Every ordered pair of different countries with its distance between capitals:
/// `iso3_o, iso3_d, distcap` (kilometres), sorted by origin then destination.
pub fn distance_table() -> crate::Result<Table> {
    let all = capitals();
    let mut o = StrColumnBuilder::default();
    let mut d = StrColumnBuilder::default();
    let mut dist = Vec::with_capacity(all.len() * all.len());
    for a in all {
        for b in all.iter().filter(|b| b.iso3 != a.iso3) {
            o.push(Some(&a.iso3));
            d.push(Some(&b.iso3));
            dist.push(haversine_km(a.lat, a.lon, b.lat, b.lon));
        }
    }
    let mut t = Table::new();
    t.push("iso3_o", Column::Str(o.finish()))?;
    t.push("iso3_d", Column::Str(d.finish()))?;
    t.push("distcap", Column::numbers(dist))?;
    Ok(t)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::reference::countries;

    #[test]
    fn every_iso_country_has_a_point() {
        let all = parse_capitals(CAPITALS_CSV).unwrap();
        assert_eq!(all.len(), 249);
        // Exactly the ISO 3166-1 block of countries.csv.
        for c in countries().iter().take(249) {
            assert!(capital(&c.iso3).is_some(), "{} has no capital", c.iso3);
        }
        let territories: Vec<&str> = all
            .iter()
            .filter(|c| c.basis == PointBasis::Territory)
            .map(|c| c.iso3.as_str())
            .collect();
        assert_eq!(territories, ["ATA", "BVT", "HMD", "MAC", "UMI"]);
        assert_eq!(capital("kor").unwrap().name, "Seoul");
        assert!(capital("SUN").is_none());
    }

    #[test]
    fn haversine_matches_known_distances() {
        // Quarter of a great circle along the equator.
        let q = haversine_km(0.0, 0.0, 0.0, 90.0);
        assert!((q - std::f64::consts::FRAC_PI_2 * EARTH_RADIUS_KM).abs() < 1e-9);
        // Antipodes: half the circumference, no NaN from rounding (asin is ill-conditioned
        // at 1, so only to a metre).
        let h = haversine_km(10.0, 20.0, -10.0, -160.0);
        assert!(
            (h - std::f64::consts::PI * EARTH_RADIUS_KM).abs() < 1e-3,
            "{h}"
        );
        // Paris-London (48.87, 2.33)-(51.5, -0.08): about 344 km.
        let pl = capital_distance_km("FRA", "GBR").unwrap();
        assert!((pl - 344.0).abs() < 5.0, "{pl}");
        // Seoul-Tokyo about 1,160 km.
        let st = capital_distance_km("KOR", "JPN").unwrap();
        assert!((st - 1160.0).abs() < 15.0, "{st}");
        assert_eq!(capital_distance_km("KOR", "KOR"), Some(0.0));
        assert_eq!(
            capital_distance_km("KOR", "JPN"),
            capital_distance_km("JPN", "KOR")
        );
    }

    #[test]
    fn distance_table_covers_every_ordered_pair() {
        let t = distance_table().unwrap();
        assert_eq!(t.nrows(), 249 * 248);
        assert!(t.num("distcap").unwrap().iter().all(|d| *d > 0.0));
    }

    #[test]
    fn a_bad_row_is_an_error_naming_it() {
        let e = parse_capitals("iso3,capital,lat,lon,basis\nKOR,Seoul,97,1,capital\n").unwrap_err();
        assert!(e.contains("row 1") && e.contains("97"), "{e}");
    }
}
