//! Layout of trade indicators: one line per year, then growth rates, top partners and
//! the reasons for every undefined value.

use crate::chart::{Chart, ChartKind, ChartSeries, Positions};
use crate::editions::group_edition_rows;
use crate::error::{json, CsvOut, RenderError};
use crate::format::{num, pct};
use crate::model::{Block, Cell, ColumnSpec, Row, Section, Series, Table};
use hallyu_measure::indicators::{Indicators, YearIndicators};

/// A value of the data's unit, to the cent.
fn amount(x: f64) -> Cell {
    Cell::number(x, 2)
}

/// `x` in `make`'s form, or a null with the reason the year gives for `field`.
fn value_or_reason(
    y: &YearIndicators,
    field: &str,
    x: Option<f64>,
    make: impl FnOnce(f64) -> Cell,
) -> Cell {
    Cell::or_null(x, make, || {
        y.undefined
            .get(field)
            .cloned()
            .unwrap_or_else(|| format!("{field} is undefined in {}", y.year))
    })
}

/// In notes: a value with `decimals` decimals, or `n/a`.
fn opt(x: Option<f64>, decimals: usize) -> String {
    x.map_or_else(|| "n/a".to_string(), |v| num(v, decimals))
}

/// Consecutive years with the same member list, as `first–last: A, B, C`.
fn membership_spells(
    years: &[YearIndicators],
    members: impl Fn(&YearIndicators) -> Vec<String>,
) -> Vec<String> {
    let mut out: Vec<(i32, i32, Vec<String>)> = Vec::new();
    for y in years {
        let m = members(y);
        match out.last_mut() {
            Some(last) if last.2 == m => last.1 = y.year,
            _ => out.push((y.year, y.year, m)),
        }
    }
    out.into_iter()
        .map(|(a, b, m)| {
            let span = if a == b {
                a.to_string()
            } else {
                format!("{a}–{b}")
            };
            let list = if m.is_empty() {
                "none in the data".to_string()
            } else {
                m.join(", ")
            };
            format!("{span}: {list}")
        })
        .collect()
}

/// The table: one row per year; growth rates, top partners, membership and undefined
/// values in the notes. An undefined value is a null with the reason the result gives.
pub fn indicators_section(r: &Indicators) -> Section {
    let with_partner = r.partner.is_some();
    let mut columns = vec![
        ColumnSpec::label("year"),
        ColumnSpec::value("exports"),
        ColumnSpec::value("imports"),
        ColumnSpec::value("balance"),
        ColumnSpec::in_unit("exports yoy", "%"),
        ColumnSpec::in_unit("imports yoy", "%"),
        ColumnSpec::in_unit("world share", "%"),
        ColumnSpec::value("RCA"),
        ColumnSpec::value("HHI partners"),
        ColumnSpec::value("HHI products"),
    ];
    if let Some(p) = &r.partner {
        columns.push(ColumnSpec::value(format!("exports to {p}")));
        columns.push(ColumnSpec::value(format!("imports from {p}")));
        columns.push(ColumnSpec::in_unit(format!("share with {p}"), "%"));
    }
    let mut rows: Vec<Row> = r
        .years
        .iter()
        .map(|y| {
            let number = |field: &str, x: Option<f64>, d: usize| {
                value_or_reason(y, field, x, |v| Cell::number(v, d))
            };
            let percent = |field: &str, x: Option<f64>, d: usize| {
                value_or_reason(y, field, x, |v| Cell::percent(v, d))
            };
            let mut cells = vec![
                Cell::integer(y.year),
                amount(y.exports),
                number("imports", y.imports, 2),
                number("balance", y.balance, 2),
                percent("exports_yoy_pct", y.exports_yoy_pct, 2),
                percent("imports_yoy_pct", y.imports_yoy_pct, 2),
                percent("world_share_pct", y.world_share_pct, 3),
                number("rca", y.rca, 3),
                number("hhi_partners_points", y.hhi_partners_points, 0),
                number("hhi_products_points", y.hhi_products_points, 0),
            ];
            if let Some(p) = &y.partner {
                cells.push(number("partner.exports_to", p.exports_to, 2));
                cells.push(number("partner.imports_from", p.imports_from, 2));
                cells.push(percent(
                    "partner.share_of_trade_pct",
                    p.share_of_trade_pct,
                    2,
                ));
            }
            Row::Cells(cells)
        })
        .collect();
    let top = &r.top_partners;
    if !top.partners.is_empty() {
        rows.push(Row::Rule);
        rows.push(Row::Heading(format!(
            "Top {} destinations of exports in {} (value, % of exports)",
            top.partners.len(),
            top.year
        )));
        for p in &top.partners {
            rows.push(Row::Cells(vec![
                Cell::text(format!("  {}", p.partner)),
                amount(p.exports),
                Cell::percent(p.share_pct, 2),
            ]));
        }
    }
    if let Some(g) = &r.group_editions {
        rows.extend(group_edition_rows(g));
    }
    let mut notes = Vec::new();
    for g in &r.cagr {
        notes.push(format!(
            "CAGR {}–{} of {}: {} ({} → {})",
            g.from,
            g.to,
            g.series.replace('_', " "),
            match (g.cagr_pct, &g.undefined) {
                (Some(v), _) => pct(v, 3),
                (None, Some(why)) => format!("undefined, {why}"),
                (None, None) => "undefined".into(),
            },
            opt(g.start_value, 2),
            opt(g.end_value, 2)
        ));
    }
    notes.push("HHI on the 0–10,000 scale; yoy: change on the previous year".into());
    if r.subject_is_bloc {
        for s in membership_spells(&r.years, |y| y.members.clone()) {
            notes.push(format!("{} members present {s}", r.subject));
        }
    }
    if let Some(p) = &r.partner {
        for s in membership_spells(&r.years, |y| {
            y.partner
                .as_ref()
                .map_or_else(Vec::new, |x| x.members.clone())
        }) {
            notes.push(format!("{p} members present {s}"));
        }
    }
    for y in &r.years {
        for (field, why) in &y.undefined {
            // The 0–10,000 twin of an HHI is undefined for the same reason as the HHI.
            if !field.ends_with("_points") {
                notes.push(format!(
                    "{} {}: n/a, {why}",
                    y.year,
                    field.replace('_', " ")
                ));
            }
        }
    }
    let mut bases: Vec<(String, Vec<String>)> = Vec::new();
    for y in &r.years {
        let basis = y.world_exports_basis.describe();
        match bases.iter_mut().find(|(b, _)| *b == basis) {
            Some((_, years)) => years.push(y.year.to_string()),
            None => bases.push((basis, vec![y.year.to_string()])),
        }
    }
    for (basis, years) in bases {
        notes.push(format!(
            "world exports of the group (world share, RCA): {basis} ({})",
            years.join(", ")
        ));
    }
    notes.extend(r.notes.iter().cloned());
    if let Some(g) = &r.group_editions {
        notes.extend(g.notes());
    }
    let mut title = vec![format!(
        "{} — {} — values in {}",
        r.subject,
        r.group,
        if r.unit.is_empty() {
            "the data's unit"
        } else {
            &r.unit
        }
    )];
    if with_partner {
        title.push(format!(
            "partner: {} (trade with it as a share of the subject's total trade)",
            r.partner.as_deref().unwrap_or_default()
        ));
    }
    let mut table = Table::new(columns);
    table.rows = rows;
    let mut section = Section::of_table(title, table, notes);
    section.blocks.extend(year_series(r).map(Block::Series));
    section
}

/// One value of a year, when it has one.
type YearValue = fn(&YearIndicators) -> Option<f64>;

/// Exports, imports and the world share year by year, for charts; a year without a value
/// is a gap.
fn year_series(r: &Indicators) -> impl Iterator<Item = Series> + '_ {
    let unit = (!r.unit.is_empty()).then(|| r.unit.clone());
    let get: [(&str, Option<String>, YearValue); 3] = [
        ("exports", unit.clone(), |y| Some(y.exports)),
        ("imports", unit, |y| y.imports),
        ("world share", Some("%".into()), |y| y.world_share_pct),
    ];
    get.into_iter().map(|(name, unit, value)| Series {
        name: name.into(),
        unit,
        points: r
            .years
            .iter()
            .map(|y| (f64::from(y.year), value(y)))
            .collect(),
    })
}

/// Charts of the indicators, for formats that draw: exports, imports and the balance
/// over the years (a line each), and the world share. A year without a value is a gap
/// whose reason the chart's table keeps.
pub fn indicators_charts(r: &Indicators) -> Vec<Chart> {
    let years = Positions::Numbers(r.years.iter().map(|y| f64::from(y.year)).collect());
    let unit = (!r.unit.is_empty()).then(|| r.unit.clone());
    let series = |name: &str, field: &str, value: YearValue, decimals: usize| ChartSeries {
        name: name.into(),
        values: r
            .years
            .iter()
            .map(|y| value_or_reason(y, field, value(y), |v| Cell::number(v, decimals)))
            .collect(),
    };
    let flows = Chart {
        kind: ChartKind::Line,
        title: format!("{}, {}: exports, imports and balance", r.subject, r.group),
        x_label: "year".into(),
        value_label: "value".into(),
        unit,
        x: years.clone(),
        series: vec![
            series("exports", "exports", |y| Some(y.exports), 2),
            series("imports", "imports", |y| y.imports, 2),
            series("balance", "balance", |y| y.balance, 2),
        ],
        reference: None,
    };
    let share = Chart {
        kind: ChartKind::Line,
        title: format!("{}, {}: share of world exports", r.subject, r.group),
        x_label: "year".into(),
        value_label: "world share".into(),
        unit: Some("%".into()),
        x: years,
        series: vec![series(
            "world share",
            "world_share_pct",
            |y| y.world_share_pct,
            3,
        )],
        reference: None,
    };
    vec![flows, share]
}

/// JSON: the [`Indicators`] structure as it is.
pub fn indicators_json(r: &Indicators) -> Result<String, RenderError> {
    json("indicators", r)
}

/// CSV: one row per year, every per-year indicator a column (empty when undefined);
/// growth rates and top partners are in the JSON and table outputs. With a partner, a
/// year without partner figures has empty partner cells, never a short record.
pub fn indicators_csv(r: &Indicators) -> Result<String, RenderError> {
    let mut w = CsvOut::new("indicators");
    let mut header = vec![
        "subject",
        "group",
        "unit",
        "perspective",
        "year",
        "exports",
        "imports",
        "balance",
        "total_trade",
        "exports_yoy_pct",
        "imports_yoy_pct",
        "world_exports",
        "world_exports_basis",
        "world_share_pct",
        "rca",
        "hhi_partners",
        "hhi_partners_points",
        "hhi_products",
        "hhi_products_points",
        "members",
    ];
    if r.partner.is_some() {
        header.extend([
            "partner",
            "exports_to_partner",
            "imports_from_partner",
            "trade_with_partner",
            "partner_share_of_trade_pct",
            "partner_members",
        ]);
    }
    w.record(&header)?;
    let cell = |x: Option<f64>| x.map_or(String::new(), |v| format!("{v}"));
    for y in &r.years {
        let mut rec = vec![
            r.subject.clone(),
            r.group.clone(),
            r.unit.clone(),
            r.perspective.to_string(),
            y.year.to_string(),
            format!("{}", y.exports),
            cell(y.imports),
            cell(y.balance),
            cell(y.total_trade),
            cell(y.exports_yoy_pct),
            cell(y.imports_yoy_pct),
            format!("{}", y.world_exports),
            y.world_exports_basis.describe(),
            cell(y.world_share_pct),
            cell(y.rca),
            cell(y.hhi_partners),
            cell(y.hhi_partners_points),
            cell(y.hhi_products),
            cell(y.hhi_products_points),
            y.members.join(" "),
        ];
        if let Some(name) = &r.partner {
            rec.push(name.clone());
            match &y.partner {
                Some(p) => rec.extend([
                    cell(p.exports_to),
                    cell(p.imports_from),
                    cell(p.trade_with),
                    cell(p.share_of_trade_pct),
                    p.members.join(" "),
                ]),
                None => rec.extend(std::iter::repeat_n(String::new(), 5)),
            }
        }
        w.record(&rec)?;
    }
    w.finish()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::format::cell;
    use hallyu_measure::indicators::{PartnerTrade, TopPartners, WorldBasis};
    use std::collections::BTreeMap;

    fn year(year: i32, partner: Option<PartnerTrade>) -> YearIndicators {
        let mut undefined = BTreeMap::new();
        undefined.insert(
            "imports".to_string(),
            "the data holds no import reports".to_string(),
        );
        YearIndicators {
            year,
            members: vec!["KOR".into()],
            exports: 100.0,
            imports: None,
            balance: None,
            total_trade: None,
            exports_yoy_pct: None,
            imports_yoy_pct: None,
            world_exports: 400.0,
            world_exports_basis: WorldBasis::SumOfExporters { exporters: 3 },
            world_share_pct: Some(25.0),
            rca: Some(1.25),
            hhi_partners: Some(0.5),
            hhi_partners_points: Some(5000.0),
            hhi_products: Some(1.0),
            hhi_products_points: Some(10000.0),
            partner,
            undefined,
        }
    }

    fn result(years: Vec<YearIndicators>) -> Indicators {
        Indicators {
            subject: "KOR".into(),
            subject_is_bloc: false,
            partner: Some("JPN".into()),
            group: "g".into(),
            perspective: Default::default(),
            unit: "USD".into(),
            years,
            cagr: Vec::new(),
            top_partners: TopPartners {
                year: 2021,
                partners: Vec::new(),
            },
            notes: Vec::new(),
            group_editions: None,
        }
    }

    fn jpn() -> PartnerTrade {
        PartnerTrade {
            members: vec!["JPN".into()],
            exports_to: Some(40.0),
            imports_from: None,
            trade_with: None,
            share_of_trade_pct: None,
        }
    }

    #[test]
    fn csv_year_without_partner_figures_keeps_every_column() {
        // Without its partner cells the record was short: the writer refused it, the
        // error was dropped, and the year ran into the next line.
        let csv = indicators_csv(&result(vec![year(2020, None), year(2021, Some(jpn()))]))
            .expect("written");
        let lines: Vec<&str> = csv.lines().collect();
        assert_eq!(lines.len(), 3, "{csv}");
        let fields = |l: &str| {
            csv::ReaderBuilder::new()
                .has_headers(false)
                .from_reader(l.as_bytes())
                .records()
                .next()
                .and_then(Result::ok)
                .map_or(0, |r| r.len())
        };
        assert!(lines.iter().all(|l| fields(l) == 26), "{csv}");
        assert!(
            lines[1].starts_with("KOR,g,USD,reporter,2020,100,"),
            "{csv}"
        );
        assert!(lines[1].ends_with(",KOR,JPN,,,,,"), "{csv}");
        assert!(lines[2].ends_with(",KOR,JPN,40,,,,JPN"), "{csv}");
    }

    #[test]
    fn an_undefined_value_is_a_null_with_the_reason() {
        let s = indicators_section(&result(vec![year(2021, Some(jpn()))]));
        let table = s.tables().next().expect("a table");
        assert_eq!(table.columns[6].heading(), "world share %");
        let Some(Row::Cells(cells)) = table.rows.first() else {
            panic!("a row of cells")
        };
        assert_eq!(cells[2], Cell::null("the data holds no import reports"));
        // No reason given for the partner's imports: the cell still says what is missing.
        assert_eq!(
            cells[11],
            Cell::null("partner.imports_from is undefined in 2021")
        );
        assert_eq!(cell(&cells[6], "n/a"), "25.000");
        // Imports have no value: a gap in their series, not a zero.
        let imports = s.blocks.iter().find_map(|b| match b {
            Block::Series(x) if x.name == "imports" => Some(x),
            _ => None,
        });
        assert_eq!(
            imports.map(|x| x.points.clone()),
            Some(vec![(2021.0, None)])
        );
        let text = s.terminal();
        assert!(text.contains("2021   100.00      n/a      n/a"), "{text}");
    }

    #[test]
    fn charts_plot_the_table_values_and_keep_the_reasons_of_gaps() {
        let r = result(vec![year(2020, None), year(2021, Some(jpn()))]);
        let charts = indicators_charts(&r);
        assert_eq!(charts.len(), 2);
        let flows = &charts[0];
        assert_eq!(flows.unit.as_deref(), Some("USD"));
        assert_eq!(flows.x, Positions::Numbers(vec![2020.0, 2021.0]));
        assert_eq!(
            flows.series[0].values,
            [Cell::number(100.0, 2), Cell::number(100.0, 2)]
        );
        assert_eq!(
            flows.series[1].values[0],
            Cell::null("the data holds no import reports")
        );
        assert_eq!(
            flows.series[2].values[1],
            Cell::null("balance is undefined in 2021")
        );
        // Imports and balance have no value: said in words, exports still drawn.
        let crate::chart::Drawn::Svg { unplotted, .. } = flows.svg() else {
            panic!("exports have values")
        };
        assert_eq!(unplotted.len(), 2, "{unplotted:?}");
        assert_eq!(charts[1].series[0].values[0], Cell::number(25.0, 3));
    }
}
