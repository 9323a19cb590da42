//! Tables across a report's calls, and its sources.

use super::charts::indicators_of;
use crate::{Cell, ColumnSpec, Row, Table};
use hallyu_api::report::Report;
use hallyu_measure::indicators::Indicators;

/// The report's sources: what each gives, who published it, licence and vintage.
pub(super) fn sources_table(r: &Report) -> Table {
    let mut t = Table::new(vec![
        ColumnSpec::label("source"),
        ColumnSpec::value("used for"),
        ColumnSpec::value("publisher"),
        ColumnSpec::value("licence"),
        ColumnSpec::value("vintage"),
    ]);
    t.rows = r
        .sources
        .iter()
        .map(|s| {
            Row::Cells(vec![
                Cell::text(&s.name),
                Cell::text(&s.used_for),
                Cell::text(&s.publisher),
                Cell::text(&s.licence),
                Cell::text(&s.vintage),
            ])
        })
        .collect();
    t
}

/// Trade with a partner year by year: exports to it, imports from it, their sum and its
/// share of the subject's trade.
fn partner_table(i: &Indicators) -> Table {
    let unit = i.unit.clone();
    let column = |name: &str| {
        if unit.is_empty() {
            ColumnSpec::value(name)
        } else {
            ColumnSpec::in_unit(name, unit.clone())
        }
    };
    let mut t = Table::new(vec![
        ColumnSpec::label("year"),
        column("exports to"),
        column("imports from"),
        column("trade with"),
        ColumnSpec::in_unit("share of trade", "%"),
        ColumnSpec::value("members"),
    ]);
    for y in &i.years {
        let why = |field: &str| {
            y.undefined
                .get(field)
                .cloned()
                .unwrap_or_else(|| "undefined".to_string())
        };
        let p = y.partner.as_ref();
        let value =
            |v: Option<f64>, field: &str| Cell::or_null(v, |v| Cell::number(v, 0), || why(field));
        t.rows.push(Row::Cells(vec![
            Cell::integer(y.year),
            value(p.and_then(|p| p.exports_to), "exports_to"),
            value(p.and_then(|p| p.imports_from), "imports_from"),
            value(p.and_then(|p| p.trade_with), "trade_with"),
            Cell::or_null(
                p.and_then(|p| p.share_of_trade_pct),
                |v| Cell::percent(v, 1),
                || why("share_of_trade_pct"),
            ),
            Cell::integer(p.map_or(0, |p| p.members.len())),
        ]));
    }
    t
}

/// Tables across a section's calls: for the markets, the country and its peers side by
/// side in the last year; for integration, trade with the bloc year by year.
pub(super) fn section_tables(r: &Report, id: &str) -> Vec<Table> {
    if id == "integration" {
        return indicators_of(r, "integration")
            .into_iter()
            .map(partner_table)
            .collect();
    }
    if id != "markets" {
        return Vec::new();
    }
    let mut all = indicators_of(r, "headline");
    all.extend(
        indicators_of(r, "markets")
            .into_iter()
            .filter(|i| i.partner.is_none()),
    );
    let Some(unit) = all.first().map(|i| i.unit.clone()) else {
        return Vec::new();
    };
    let mut t = Table::new(vec![
        ColumnSpec::label("country"),
        ColumnSpec::value("year"),
        ColumnSpec::in_unit("exports", unit),
        ColumnSpec::in_unit("exports CAGR", "%"),
        ColumnSpec::in_unit("world share", "%"),
        ColumnSpec::in_unit("HHI", "0-10,000"),
        ColumnSpec::value("top market"),
        ColumnSpec::in_unit("share", "%"),
    ]);
    for i in all {
        let Some(y) = i.years.last() else { continue };
        let undefined = |field: &str| {
            y.undefined
                .get(field)
                .cloned()
                .unwrap_or_else(|| "undefined".to_string())
        };
        let cagr = i.cagr.iter().find(|g| g.series == "exports");
        let top = i.top_partners.partners.first();
        t.rows.push(Row::Cells(vec![
            Cell::text(&i.subject),
            Cell::integer(y.year),
            Cell::number(y.exports, 0),
            match cagr {
                Some(g) => Cell::or_null(
                    g.cagr_pct,
                    |v| Cell::percent(v, 2),
                    || g.undefined.clone().unwrap_or_else(|| "undefined".into()),
                ),
                None => Cell::null("no growth rate over the years"),
            },
            Cell::or_null(
                y.world_share_pct,
                |v| Cell::percent(v, 2),
                || undefined("world_share_pct"),
            ),
            Cell::or_null(
                y.hhi_partners_points,
                |v| Cell::number(v, 0),
                || undefined("hhi_partners"),
            ),
            match top {
                Some(p) => Cell::text(&p.partner),
                None => Cell::null("no exports to a partner"),
            },
            match top {
                Some(p) => Cell::percent(p.share_pct, 1),
                None => Cell::null("no exports to a partner"),
            },
        ]));
    }
    vec![t]
}
