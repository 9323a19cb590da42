//! Product codes that stand for a sum of other product codes present in the same data.
//!
//! Two kinds are known. A product named `total` (any case) is the sum of every other
//! product next to it, as in a survey of sectors. And UNCTADstat's creative-goods report
//! (`US.CreativeGoodsValue`, read by `hallyu ingest unctadstat`) codes its products `CG`
//! followed by digits in a hierarchy: `CG00` is "All creative goods", two digits a group
//! (`CG03` Design), and a longer code a subgroup of the group whose digits it starts with
//! (`CG031` within `CG03`). A download of every product holds all levels at once, each
//! row already the sum of the rows below it.
//!
//! A `total` does not contain creative-goods codes: the one source that writes both is
//! UNCTADstat, whose `TOTAL` is the creative-services report's (a report without a product
//! dimension), a sum of services that no goods code is part of.

use super::TOTAL_PRODUCT;

/// The letters that open an UNCTADstat creative-goods product code.
const CREATIVE_GOODS: &str = "CG";

/// The digits of an UNCTADstat creative-goods code (`CG03` → `03`), or `None`.
fn creative_goods_digits(code: &str) -> Option<&str> {
    let prefix = code.get(..CREATIVE_GOODS.len())?;
    let digits = &code[CREATIVE_GOODS.len()..];
    (prefix.eq_ignore_ascii_case(CREATIVE_GOODS)
        && !digits.is_empty()
        && digits.bytes().all(|b| b.is_ascii_digit()))
    .then_some(digits)
}

/// Whether product `whole` already counts the trade of product `part`.
pub(super) fn contains(whole: &str, part: &str) -> bool {
    if whole == part {
        return false;
    }
    if whole.eq_ignore_ascii_case(TOTAL_PRODUCT) {
        return !part.eq_ignore_ascii_case(TOTAL_PRODUCT) && creative_goods_digits(part).is_none();
    }
    match (creative_goods_digits(whole), creative_goods_digits(part)) {
        // All zeros is every creative good; otherwise a subgroup extends its group's digits.
        (Some(w), Some(p)) => {
            (w.bytes().all(|b| b == b'0') && !p.bytes().all(|b| b == b'0'))
                || (p.len() > w.len() && p.starts_with(w))
        }
        _ => false,
    }
}

/// The first product of `present` (in its order) that contains others of `present`,
/// with those others.
pub(super) fn first_aggregate<'a>(present: &[&'a str]) -> Option<(&'a str, Vec<&'a str>)> {
    present.iter().find_map(|&whole| {
        let parts: Vec<&str> = present
            .iter()
            .copied()
            .filter(|&p| contains(whole, p))
            .collect();
        (!parts.is_empty()).then_some((whole, parts))
    })
}

/// The products of `among` that contain none of the others: they add up without
/// counting any trade twice.
pub(super) fn finest<'a>(among: &[&'a str]) -> Vec<&'a str> {
    among
        .iter()
        .copied()
        .filter(|&w| !among.iter().any(|&p| contains(w, p)))
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_creative_goods_hierarchy() {
        assert!(contains("CG00", "CG03"));
        assert!(contains("CG00", "CG031"));
        assert!(contains("cg03", "CG031"));
        assert!(contains("CG03", "CG0301"));
        assert!(!contains("CG03", "CG03"));
        assert!(!contains("CG03", "CG04"));
        assert!(!contains("CG03", "CG041"));
        assert!(!contains("CG031", "CG03"));
        assert!(!contains("CG03", "CG00"));
        // Not UNCTADstat codes: HS codes and names are never nested by their spelling.
        assert!(!contains("3304", "330499"));
        assert!(!contains("CG", "CG03"));
        assert!(!contains("CGX", "CGX1"));
        assert!(!contains("Ç", "ÇG"));
    }

    #[test]
    fn a_total_contains_everything_else() {
        assert!(contains("Total", "games"));
        // UNCTADstat's `TOTAL` is creative services: it holds no goods.
        assert!(!contains("TOTAL", "CG00"));
        assert!(!contains("total", "TOTAL"));
        assert!(!contains("games", "total"));
    }

    #[test]
    fn aggregates_and_the_finest_codes() {
        let present = ["CG00", "CG03", "CG031", "CG032", "CG05"];
        assert_eq!(
            first_aggregate(&present),
            Some(("CG00", vec!["CG03", "CG031", "CG032", "CG05"]))
        );
        assert_eq!(
            first_aggregate(&present[1..]),
            Some(("CG03", vec!["CG031", "CG032"]))
        );
        assert_eq!(first_aggregate(&["CG03", "CG05", "CG061"]), None);
        assert_eq!(first_aggregate(&["330499", "970110"]), None);
        assert_eq!(first_aggregate(&["CG00", "TOTAL"]), None);
        assert_eq!(finest(&present[1..]), ["CG031", "CG032", "CG05"]);
    }
}
