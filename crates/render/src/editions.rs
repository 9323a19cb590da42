//! Layout of how a product group defined in some HS editions was applied to the data's
//! editions: a block of the indicators table, one line per year and edition.

use crate::model::{Cell, Row};
use hallyu_measure::editions::GroupEditions;

/// `part` as a percentage of `whole`, or a null when the whole is zero (no value to share).
fn share(part: f64, whole: f64) -> Cell {
    if whole > 0.0 {
        Cell::percent(part / whole * 100.0, 1)
    } else {
        Cell::null("the group has no world exports in these codes")
    }
}

/// The rows of the block: a line saying what the columns are, then per year and data
/// edition the group's codes linked, the data codes reached and how many of them are not
/// one to one, and the group's world exports with the part in those codes.
pub(crate) fn group_edition_rows(g: &GroupEditions) -> Vec<Row> {
    if g.years.is_empty() {
        return Vec::new();
    }
    let mut rows = vec![
        Row::Rule,
        Row::Heading(format!(
            "{} (defined in {}) in the data's HS editions: year and edition, group codes \
             linked / in the group, data codes reached, of them one to many, world exports \
             of the group, of it in one-to-many codes, %",
            g.group,
            g.defined_in.join(" and ")
        )),
    ];
    for y in &g.years {
        rows.push(Row::Cells(vec![
            Cell::text(format!("  {} {}", y.year, y.edition)),
            Cell::counts([y.codes_mapped, y.group_codes]),
            Cell::integer(y.data_codes),
            Cell::integer(y.codes_one_to_many),
            Cell::number(y.value, 2),
            Cell::number(y.value_one_to_many, 2),
            share(y.value_one_to_many, y.value),
        ]));
    }
    rows
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::format::cell;
    use hallyu_measure::editions::EditionCoverage;

    fn year(year: i32, value: f64, one: f64) -> EditionCoverage {
        EditionCoverage {
            year,
            classification: "HS17".into(),
            edition: "HS2017".into(),
            group_edition: "HS2022".into(),
            path: vec!["HS2022".into(), "HS2017".into()],
            tables: vec!["UNSD correlation table HS2022–HS2017".into()],
            group_codes: 3,
            codes_mapped: 2,
            unmapped_codes: vec!["555555".into()],
            data_codes: 3,
            codes_one_to_many: 2,
            codes_with_other_products: 1,
            value,
            value_one_to_many: one,
            value_with_other_products: 0.0,
        }
    }

    #[test]
    fn one_line_per_year_and_edition() {
        let g = GroupEditions {
            group: "g".into(),
            defined_in: vec!["HS2002".into(), "HS2022".into()],
            years: vec![year(2020, 22.0, 12.0), year(2021, 0.0, 0.0)],
            not_hs: Vec::new(),
        };
        let rows = group_edition_rows(&g);
        assert_eq!(rows.len(), 4);
        assert!(
            matches!(&rows[1], Row::Heading(t) if t.starts_with("g (defined in HS2002 and HS2022)"))
        );
        let cells = |r: &Row| match r {
            Row::Cells(c) => c.iter().map(|c| cell(c, "n/a")).collect::<Vec<_>>(),
            _ => panic!("cells"),
        };
        assert_eq!(
            cells(&rows[2]),
            ["  2020 HS2017", "2/3", "3", "2", "22.00", "12.00", "54.5"]
        );
        // No value in the year: the share means nothing, and says why.
        assert_eq!(cells(&rows[3])[6], "n/a");
        assert!(matches!(&rows[3], Row::Cells(c) if matches!(c[6], Cell::Null { .. })));
        let empty = GroupEditions {
            years: Vec::new(),
            ..g
        };
        assert!(group_edition_rows(&empty).is_empty());
    }
}
