//! Layout of a compound-growth projection or claim check.

use crate::error::{json, CsvOut, RenderError};
use crate::format;
use crate::model::{Block, Cell, ColumnSpec, Row, Section, Series, Table};
use hallyu_measure::projection::Projection;

/// Values: enough decimals to see a miss in the first decimal of a figure like 16.4.
const DECIMALS: usize = 3;

fn value(x: f64) -> String {
    format::num(x, DECIMALS)
}

fn pct(x: f64) -> String {
    format::pct(x, DECIMALS)
}

/// Title, the year-by-year path (and the path the stated end value needs, when the claim
/// is inconsistent), then the implied values and the miss.
pub fn projection_section(p: &Projection) -> Section {
    let years = p.end_year - p.start_year;
    let needed = p.path.iter().any(|x| x.needed.is_some());
    let mut columns = vec![
        ColumnSpec::label("year"),
        ColumnSpec::value(format!("at {}", pct(p.cagr_pct))),
    ];
    if needed {
        columns.push(ColumnSpec::value(format!(
            "at {} (reaches {})",
            pct(p.implied_cagr_pct),
            value(p.end_value)
        )));
    }
    let mut table = Table::new(columns);
    table.rows = p
        .path
        .iter()
        .map(|x| {
            let mut cells = vec![Cell::integer(x.year), Cell::number(x.value, DECIMALS)];
            if let Some(n) = x.needed {
                cells.push(Cell::number(n, DECIMALS));
            }
            Row::Cells(cells)
        })
        .collect();
    let mut notes = Vec::new();
    match p.derived.as_deref() {
        Some("end_value") => notes.push(format!(
            "end value {} = {} × (1 + {})^{years}",
            value(p.end_value),
            value(p.start_value),
            pct(p.cagr_pct)
        )),
        Some("start_value") => notes.push(format!(
            "start value {} = {} / (1 + {})^{years}",
            value(p.start_value),
            value(p.end_value),
            pct(p.cagr_pct)
        )),
        Some(_) => notes.push(format!(
            "CAGR {} = ({} / {})^(1/{years}) − 1",
            pct(p.cagr_pct),
            value(p.end_value),
            value(p.start_value)
        )),
        None => {
            notes.push(format!(
                "implied end value: {} × (1 + {})^{years} = {} (stated {})",
                value(p.start_value),
                pct(p.cagr_pct),
                value(p.implied_end_value),
                value(p.end_value)
            ));
            notes.push(format!(
                "implied CAGR: ({} / {})^(1/{years}) − 1 = {} (stated {})",
                value(p.end_value),
                value(p.start_value),
                pct(p.implied_cagr_pct),
                pct(p.cagr_pct)
            ));
            if let Some(m) = p.miss {
                notes.push(format!(
                    "miss: {} ({}% of the stated end value); rate gap {} percentage points",
                    format::signed(m.absolute, DECIMALS),
                    format::signed(m.relative_pct, 2),
                    format::signed(m.cagr_gap_pts, DECIMALS)
                ));
            }
            notes.push(format!(
                "{} at the precision the end value and the rate were written with",
                if p.consistent {
                    "consistent"
                } else {
                    "NOT CONSISTENT"
                }
            ));
        }
    }
    let title = vec![format!(
        "{} in {} to {} in {}, {} years",
        value(p.start_value),
        p.start_year,
        value(p.end_value),
        p.end_year,
        years
    )];
    let mut section = Section::of_table(title, table, notes);
    section.blocks.push(Block::Series(Series {
        name: format!("at {}", pct(p.cagr_pct)),
        unit: None,
        points: p
            .path
            .iter()
            .map(|x| (f64::from(x.year), Some(x.value)))
            .collect(),
    }));
    if needed {
        section.blocks.push(Block::Series(Series {
            name: format!("at {}", pct(p.implied_cagr_pct)),
            unit: None,
            points: p
                .path
                .iter()
                .map(|x| (f64::from(x.year), x.needed))
                .collect(),
        }));
    }
    section
}

/// The fields of the projection's JSON contract, in order (the `Projection`'s first eight).
pub const PROJECTION_JSON_FIELDS: [&str; 8] = [
    "start_year",
    "start_value",
    "end_year",
    "end_value",
    "cagr_pct",
    "implied_end_value",
    "implied_cagr_pct",
    "consistent",
];

/// The JSON contract: [`PROJECTION_JSON_FIELDS`].
pub fn projection_json(p: &Projection) -> Result<String, RenderError> {
    #[derive(serde::Serialize)]
    struct Contract {
        start_year: i32,
        start_value: f64,
        end_year: i32,
        end_value: f64,
        cagr_pct: f64,
        implied_end_value: f64,
        implied_cagr_pct: f64,
        consistent: bool,
    }
    let contract = Contract {
        start_year: p.start_year,
        start_value: p.start_value,
        end_year: p.end_year,
        end_value: p.end_value,
        cagr_pct: p.cagr_pct,
        implied_end_value: p.implied_end_value,
        implied_cagr_pct: p.implied_cagr_pct,
        consistent: p.consistent,
    };
    json("projection", &contract)
}

/// The path as CSV: `year,value,value_at_implied_cagr` (the last column empty unless the
/// stated values disagree).
pub fn projection_csv(p: &Projection) -> Result<String, RenderError> {
    let mut w = CsvOut::new("projection");
    w.record(["year", "value", "value_at_implied_cagr"])?;
    for x in &p.path {
        w.record([
            x.year.to_string(),
            format!("{}", x.value),
            x.needed.map_or(String::new(), |n| format!("{n}")),
        ])?;
    }
    w.finish()
}

#[cfg(test)]
mod tests {
    use super::*;
    use hallyu_measure::projection::{project, ProjectionInput};

    fn kpop() -> Projection {
        project(&ProjectionInput {
            start_year: 2021,
            start_value: "8.1".parse().ok(),
            end_year: 2031,
            end_value: "20".parse().ok(),
            cagr_pct: "7.3".parse().ok(),
        })
        .unwrap()
    }

    #[test]
    fn table_shows_path_and_miss() {
        let t = projection_section(&kpop()).terminal();
        assert!(
            t.contains("2031") && t.contains("16.386") && t.contains("20.000"),
            "{t}"
        );
        assert!(t.contains("NOT CONSISTENT"), "{t}");
        assert!(t.contains("miss: -3.614 (-18.07%"), "{t}");
        assert!(t.contains("9.460%"), "{t}");
    }

    #[test]
    fn section_round_trips_through_json_and_renders_the_same() {
        let s = projection_section(&kpop());
        let back: Section = serde_json::from_str(&serde_json::to_string(&s).unwrap()).unwrap();
        // serde_json reads a float back to within an ulp (no `float_roundtrip`): compare
        // what is shown.
        assert_eq!(back.terminal(), s.terminal());
        assert_eq!(back.markdown(), s.markdown());
        assert_eq!(back.latex(), s.latex());
        // The path and the one the stated end value needs, as series for a chart.
        let series: Vec<&Series> = s
            .blocks
            .iter()
            .filter_map(|b| match b {
                Block::Series(x) => Some(x),
                _ => None,
            })
            .collect();
        assert_eq!(series.len(), 2);
        assert_eq!(series[0].points.first(), Some(&(2021.0, Some(8.1))));
        assert_eq!(series[1].points.len(), 11);
    }

    #[test]
    fn json_has_exactly_the_contract_fields() {
        let v: serde_json::Value =
            serde_json::from_str(&projection_json(&kpop()).unwrap()).unwrap();
        let mut keys: Vec<&str> = v.as_object().unwrap().keys().map(String::as_str).collect();
        keys.sort();
        assert_eq!(
            keys,
            [
                "cagr_pct",
                "consistent",
                "end_value",
                "end_year",
                "implied_cagr_pct",
                "implied_end_value",
                "start_value",
                "start_year"
            ]
        );
    }

    #[test]
    fn csv_path() {
        let c = projection_csv(&kpop()).unwrap();
        let lines: Vec<&str> = c.lines().collect();
        assert_eq!(lines.len(), 12);
        assert_eq!(lines[1], "2021,8.1,8.1");
        assert!(lines[11].starts_with("2031,16.38"), "{c}");
    }
}
