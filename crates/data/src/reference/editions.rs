//! The editions of the Harmonized System and the names data sources give them.
//!
//! The HS is revised every five years or so; a six-digit code can be split, merged, moved
//! or reused between editions, so a list of codes means something only together with its
//! edition. Sources spell editions differently: BACI `HS17`, UN Comtrade `H5`, UNSD
//! `HS 2017`; [`HsEdition::parse`] reads them all and [`HsEdition::name`] writes one.

use std::fmt;

/// An edition of the Harmonized System, oldest first.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum HsEdition {
    /// HS 1992 (the 1988 nomenclature as applied from 1992; Comtrade `H0`, BACI `HS92`).
    Hs1992,
    /// HS 1996 (`H1`, `HS96`).
    Hs1996,
    /// HS 2002 (`H2`, `HS02`).
    Hs2002,
    /// HS 2007 (`H3`, `HS07`).
    Hs2007,
    /// HS 2012 (`H4`, `HS12`).
    Hs2012,
    /// HS 2017 (`H5`, `HS17`).
    Hs2017,
    /// HS 2022 (`H6`, `HS22`).
    Hs2022,
}

impl HsEdition {
    /// Every edition, oldest first.
    pub const ALL: [HsEdition; 7] = [
        HsEdition::Hs1992,
        HsEdition::Hs1996,
        HsEdition::Hs2002,
        HsEdition::Hs2007,
        HsEdition::Hs2012,
        HsEdition::Hs2017,
        HsEdition::Hs2022,
    ];

    /// The year the edition came into force (1992 for the first one).
    pub fn year(self) -> u16 {
        [1992, 1996, 2002, 2007, 2012, 2017, 2022][self as usize]
    }

    /// The name used throughout hallyu: `HS2017`.
    pub fn name(self) -> &'static str {
        match self {
            HsEdition::Hs1992 => "HS1992",
            HsEdition::Hs1996 => "HS1996",
            HsEdition::Hs2002 => "HS2002",
            HsEdition::Hs2007 => "HS2007",
            HsEdition::Hs2012 => "HS2012",
            HsEdition::Hs2017 => "HS2017",
            HsEdition::Hs2022 => "HS2022",
        }
    }

    /// The name of the BACI release in this edition: `HS17`.
    pub fn baci_name(self) -> String {
        format!("HS{:02}", self.year() % 100)
    }

    /// Reads an edition as sources write it, ignoring case and spaces: `HS2017`, `HS 2017`,
    /// `HS17` (BACI), `H5` (UN Comtrade), `HS1988` for HS 1992. `None` for anything else,
    /// including the plain `HS` of data "as reported" in several editions.
    pub fn parse(label: &str) -> Option<HsEdition> {
        let s: String = label
            .chars()
            .filter(|c| !c.is_whitespace())
            .collect::<String>()
            .to_ascii_uppercase();
        if let Some(d) = s.strip_prefix("HS") {
            let year = match d {
                "1988" | "88" | "1992" | "92" => 1992,
                "1996" | "96" => 1996,
                "2002" | "02" => 2002,
                "2007" | "07" => 2007,
                "2012" | "12" => 2012,
                "2017" | "17" => 2017,
                "2022" | "22" => 2022,
                _ => return None,
            };
            return HsEdition::ALL.into_iter().find(|e| e.year() == year);
        }
        // UN Comtrade's classification codes H0 (HS 1988/92) to H6 (HS 2022).
        match s.strip_prefix('H')?.as_bytes() {
            [d @ b'0'..=b'6'] => HsEdition::ALL.get(usize::from(d - b'0')).copied(),
            _ => None,
        }
    }
}

impl fmt::Display for HsEdition {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.name())
    }
}

/// The canonical name of a classification label: the edition's name (`HS2017`) when the
/// label is an HS edition, otherwise the label itself, trimmed (`UNCTAD-CG`, `series`).
pub fn classification_name(label: &str) -> String {
    match HsEdition::parse(label) {
        Some(e) => e.name().to_string(),
        None => label.trim().to_string(),
    }
}

/// Whether a classification label names HS codes: an edition, or a plain `HS` (codes of
/// an edition the data does not say).
pub fn is_hs(label: &str) -> bool {
    HsEdition::parse(label).is_some() || label.trim().eq_ignore_ascii_case("HS")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_spelling_of_an_edition() {
        for (label, want) in [
            ("HS17", HsEdition::Hs2017),
            ("hs2017", HsEdition::Hs2017),
            ("HS 2017", HsEdition::Hs2017),
            ("H5", HsEdition::Hs2017),
            ("HS92", HsEdition::Hs1992),
            ("H0", HsEdition::Hs1992),
            ("HS1988", HsEdition::Hs1992),
            ("HS02", HsEdition::Hs2002),
            ("H6", HsEdition::Hs2022),
        ] {
            assert_eq!(HsEdition::parse(label), Some(want), "{label}");
        }
        for label in [
            "HS",
            "H7",
            "HS2023",
            "UNCTAD-CG",
            "series",
            "",
            "HS0",
            "2017",
        ] {
            assert_eq!(HsEdition::parse(label), None, "{label}");
        }
    }

    #[test]
    fn names() {
        assert_eq!(HsEdition::Hs1992.name(), "HS1992");
        assert_eq!(HsEdition::Hs2002.to_string(), "HS2002");
        assert_eq!(HsEdition::Hs2002.baci_name(), "HS02");
        assert_eq!(HsEdition::Hs2022.baci_name(), "HS22");
        assert_eq!(classification_name("HS17"), "HS2017");
        assert_eq!(classification_name(" UNCTAD-CG "), "UNCTAD-CG");
        assert!(is_hs("hs") && is_hs("H4") && !is_hs("UNCTAD-CG") && !is_hs("series"));
        let years: Vec<u16> = HsEdition::ALL.iter().map(|e| e.year()).collect();
        assert_eq!(years, [1992, 1996, 2002, 2007, 2012, 2017, 2022]);
    }
}
