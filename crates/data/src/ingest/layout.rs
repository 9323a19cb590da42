//! Which of the layouts hallyu reads a CSV file has, told from its header line alone: file
//! names change (downloads get renamed, UNCTADstat's differ between releases), headers are
//! what the publisher defines.

/// A CSV layout `hallyu ingest` reads.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Layout {
    /// UNCTADstat bulk CSV (older and data-centre layouts).
    Unctadstat,
    /// UN Comtrade+ API or bulk CSV (`typeCode,freqCode,refPeriodId,refYear,...`).
    ComtradePlus,
    /// UN Comtrade legacy CSV (`Classification,Year,Period,...,Trade Value (US$),...`).
    ComtradeLegacy,
    /// A BACI data file (`t,i,j,k,v,q`).
    BaciData,
    /// A BACI country code file.
    BaciCountries,
    /// A tidy series (`country, [partner,] year, sector, flow, value, unit`).
    Series,
}

impl Layout {
    /// The layout in words.
    pub fn name(self) -> &'static str {
        match self {
            Layout::Unctadstat => "an UNCTADstat bulk CSV",
            Layout::ComtradePlus => "a UN Comtrade+ CSV",
            Layout::ComtradeLegacy => "a UN Comtrade (legacy) CSV",
            Layout::BaciData => "a BACI data file",
            Layout::BaciCountries => "a BACI country code file",
            Layout::Series => "a tidy series",
        }
    }

    /// The `hallyu ingest` kind that reads it.
    pub fn kind(self) -> &'static str {
        match self {
            Layout::Unctadstat => "unctadstat",
            Layout::ComtradePlus | Layout::ComtradeLegacy => "comtrade",
            Layout::BaciData | Layout::BaciCountries => "baci",
            Layout::Series => "series",
        }
    }
}

fn has(names: &[String], want: &str) -> bool {
    names.iter().any(|n| n.eq_ignore_ascii_case(want))
}

fn has_all(names: &[String], want: &[&str]) -> bool {
    want.iter().all(|w| has(names, w))
}

/// Whether a column name is an UNCTADstat dollar measure (`US dollars at current prices in
/// thousands`, `… in millions`, `US$ at current prices in …`), not its footnote or
/// missing-value companion.
pub(crate) fn is_unctad_dollar_measure(name: &str) -> bool {
    let l = name.to_ascii_lowercase();
    (l.starts_with("us dollars at current prices in") || l.starts_with("us$ at current prices in"))
        && !l.ends_with("footnote")
        && !l.ends_with("missing value")
}

/// The layout of a header (names already trimmed, byte-order mark removed), if any.
pub fn detect(names: &[String]) -> Option<Layout> {
    if has_all(names, &["refYear", "flowCode", "cmdCode", "primaryValue"])
        && (has(names, "reporterISO") || has(names, "reporterCode"))
    {
        return Some(Layout::ComtradePlus);
    }
    if has_all(
        names,
        &["Trade Flow Code", "Commodity Code", "Trade Value (US$)"],
    ) && (has(names, "Reporter ISO") || has(names, "Reporter Code"))
    {
        return Some(Layout::ComtradeLegacy);
    }
    if has_all(names, &["Year", "Economy", "Flow Label"])
        && names.iter().any(|n| is_unctad_dollar_measure(n))
    {
        return Some(Layout::Unctadstat);
    }
    let lower: Vec<String> = names.iter().map(|n| n.to_ascii_lowercase()).collect();
    if lower == ["t", "i", "j", "k", "v", "q"] {
        return Some(Layout::BaciData);
    }
    if has(names, "country_code") && (has(names, "country_iso3") || has(names, "iso_3digit_alpha"))
    {
        return Some(Layout::BaciCountries);
    }
    if (has(names, "country") || has(names, "reporter"))
        && (has(names, "sector") || has(names, "product"))
        && has_all(names, &["year", "flow", "value", "unit"])
    {
        return Some(Layout::Series);
    }
    None
}

/// A sentence for an error about a file that is not of the layout `expected`: says which
/// layout it is when it is another one hallyu reads.
pub(crate) fn other_layout_hint(names: &[String], expected: Layout) -> String {
    match detect(names) {
        Some(found) if found != expected && found.kind() != expected.kind() => format!(
            "; this header is that of {}: read it with `hallyu ingest {}`",
            found.name(),
            found.kind()
        ),
        _ => String::new(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn names(s: &str) -> Vec<String> {
        s.split(',').map(str::to_string).collect()
    }

    /// Header lines as the publishers write them (sources in
    /// `crates/cli/tests/data/ingest/README.md`).
    pub(crate) const COMTRADE_PLUS: &str = "typeCode,freqCode,refPeriodId,refYear,refMonth,period,reporterCode,reporterISO,reporterDesc,flowCode,flowDesc,partnerCode,partnerISO,partnerDesc,partner2Code,partner2ISO,partner2Desc,classificationCode,classificationSearchCode,isOriginalClassification,cmdCode,cmdDesc,aggrLevel,isLeaf,customsCode,customsDesc,mosCode,motCode,motDesc,qtyUnitCode,qtyUnitAbbr,qty,isQtyEstimated,altQtyUnitCode,altQtyUnitAbbr,altQty,isAltQtyEstimated,netWgt,isNetWgtEstimated,grossWgt,isGrossWgtEstimated,cifvalue,fobvalue,primaryValue,legacyEstimationFlag,isReported,isAggregate";
    pub(crate) const COMTRADE_LEGACY: &str = "Classification,Year,Period,Period Desc.,Aggregate Level,Is Leaf Code,Trade Flow Code,Trade Flow,Reporter Code,Reporter,Reporter ISO,Partner Code,Partner,Partner ISO,2nd Partner Code,2nd Partner,2nd Partner ISO,Customs Proc. Code,Customs,Mode of Transport Code,Mode of Transport,Commodity Code,Commodity,Qty Unit Code,Qty Unit,Qty,Alt Qty Unit Code,Alt Qty Unit,Alt Qty,Netweight (kg),Gross weight (kg),Trade Value (US$),CIF Trade Value (US$),FOB Trade Value (US$),Flag";

    #[test]
    fn every_layout_by_its_header() {
        let cases = [
            (COMTRADE_PLUS, Some(Layout::ComtradePlus)),
            (COMTRADE_LEGACY, Some(Layout::ComtradeLegacy)),
            ("Year,Economy,Economy Label,Partner,Partner Label,Flow,Flow Label,Category,Category Label,US dollars at current prices in millions,US dollars at current prices in millions Footnote", Some(Layout::Unctadstat)),
            ("Year,Economy,Economy Label,Partner,Partner Label,Product,Product Label,Flow,Flow Label,US dollars at current prices in thousands,US dollars at current prices in thousands Footnote,US dollars at current prices in thousands Missing value", Some(Layout::Unctadstat)),
            ("t,i,j,k,v,q", Some(Layout::BaciData)),
            ("country_code,country_name,country_iso2,country_iso3", Some(Layout::BaciCountries)),
            ("country,year,sector,flow,value,unit", Some(Layout::Series)),
            ("year,exporter,importer,value", None),
        ];
        for (header, want) in cases {
            assert_eq!(detect(&names(header)), want, "{header}");
        }
        let hint = other_layout_hint(&names(COMTRADE_PLUS), Layout::Unctadstat);
        assert!(hint.contains("hallyu ingest comtrade"), "{hint}");
        assert_eq!(
            other_layout_hint(&names(COMTRADE_LEGACY), Layout::ComtradePlus),
            ""
        );
    }
}
