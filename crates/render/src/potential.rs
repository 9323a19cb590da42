//! Layout of export potential: the gravity fit the predictions come from, then, by
//! partner, observed against predicted exports (the largest shortfalls first) with a chart
//! of the untapped markets.

use crate::chart::{Chart, ChartKind, ChartSeries, Positions};
use crate::error::{CsvOut, RenderError};
use crate::model::{Block, Cell, ColumnSpec, Row, Section, Table};
use hallyu_estimate::Fit;
use hallyu_measure::potential::{ExportPotential, MarketPotential};

/// Partners shown in the table and the chart on each side (below and above prediction);
/// every partner is in the JSON and CSV formats.
const SHOWN: usize = 10;

/// Decimals of trade values.
const DECIMALS: usize = 1;

/// The fit's coefficients, then the partners furthest below and above the prediction.
pub fn potential_sections(fit: &Fit, p: &ExportPotential, notes: &[String]) -> Vec<Section> {
    vec![
        crate::fits::comparison_section(std::slice::from_ref(fit)),
        potential_section(p, notes),
    ]
}

/// The partners furthest below and above the prediction (a table) and how to read them;
/// formats that draw add [`potential_chart`] (text formats would repeat the table's rows).
pub fn potential_section(p: &ExportPotential, notes: &[String]) -> Section {
    let unit = p.unit.clone().unwrap_or_default();
    let column = |name: &str| {
        if unit.is_empty() {
            ColumnSpec::value(name)
        } else {
            ColumnSpec::in_unit(name, unit.clone())
        }
    };
    let mut table = Table::new(vec![
        ColumnSpec::label("partner"),
        column("observed"),
        column("predicted"),
        column("gap"),
        ColumnSpec::in_unit("observed / predicted", "%"),
    ]);
    let row = |m: &MarketPotential| {
        Row::Cells(vec![
            Cell::text(&m.partner),
            Cell::number(m.actual, DECIMALS),
            Cell::number(m.predicted, DECIMALS),
            Cell::number(m.gap, DECIMALS),
            Cell::or_null(
                m.actual_to_predicted_pct,
                |v| Cell::percent(v, 1),
                || "nothing is predicted".to_string(),
            ),
        ])
    };
    let below: Vec<&MarketPotential> = p.untapped(SHOWN).collect();
    let mut above: Vec<&MarketPotential> = p
        .partners
        .iter()
        .rev()
        .filter(|m| m.gap < 0.0)
        .take(SHOWN)
        .collect();
    above.reverse();
    table.rows.push(Row::Heading(format!(
        "Selling less than predicted (largest gaps; {} of {} partners)",
        below.len(),
        p.partners.iter().filter(|m| m.gap > 0.0).count()
    )));
    table.rows.extend(below.iter().map(|m| row(m)));
    table.rows.push(Row::Heading(format!(
        "Selling more than predicted ({} of {} partners)",
        above.len(),
        p.partners.iter().filter(|m| m.gap < 0.0).count()
    )));
    table.rows.extend(above.iter().map(|m| row(m)));
    let mut lines = vec![format!(
        "{} partners in {}: observed exports {} against {} predicted{} (every partner in the JSON or CSV format).",
        p.partners.len(),
        p.year,
        crate::format::num(p.actual_total, DECIMALS),
        crate::format::num(p.predicted_total, DECIMALS),
        if unit.is_empty() { String::new() } else { format!(" ({unit})") }
    )];
    lines.extend(notes.iter().cloned());
    let blocks = vec![Block::Table(table), Block::Notes { lines }];
    Section {
        title: vec![format!(
            "{}: exports by partner in {} against a gravity model's prediction",
            p.country, p.year
        )],
        blocks,
    }
}

/// The untapped markets: observed and predicted exports to the partners furthest below
/// the prediction, one pair of bars each; `None` when the country sells at least the
/// prediction everywhere.
pub fn potential_chart(p: &ExportPotential) -> Option<Chart> {
    let below: Vec<&MarketPotential> = p.untapped(SHOWN).collect();
    if below.is_empty() {
        return None;
    }
    let series = |name: &str, value: fn(&MarketPotential) -> f64| ChartSeries {
        name: name.into(),
        values: below
            .iter()
            .map(|m| Cell::number(value(m), DECIMALS))
            .collect(),
    };
    Some(Chart {
        kind: ChartKind::Bars,
        title: format!(
            "{}: untapped markets in {} (observed against predicted exports)",
            p.country, p.year
        ),
        x_label: "partner".into(),
        value_label: "exports".into(),
        unit: p.unit.clone(),
        x: Positions::Labels(below.iter().map(|m| m.partner.clone()).collect()),
        series: vec![
            series("observed", |m| m.actual),
            series("predicted", |m| m.predicted),
        ],
        reference: None,
    })
}

/// CSV: `partner,observed,predicted,gap,observed_to_predicted_pct`, largest gap first.
pub fn potential_csv(p: &ExportPotential) -> Result<String, RenderError> {
    let mut w = CsvOut::new("export potential");
    w.record([
        "partner",
        "observed",
        "predicted",
        "gap",
        "observed_to_predicted_pct",
    ])?;
    for m in &p.partners {
        w.record([
            m.partner.as_str(),
            &m.actual.to_string(),
            &m.predicted.to_string(),
            &m.gap.to_string(),
            &m.actual_to_predicted_pct
                .map_or(String::new(), |v| v.to_string()),
        ])?;
    }
    w.finish()
}

#[cfg(test)]
mod tests {
    use super::*;
    use hallyu_measure::potential::export_potential;

    #[test]
    fn the_chart_shows_partners_below_prediction_only() {
        let p = export_potential(
            "KOR",
            2006,
            Some("million USD".into()),
            [
                ("USA".to_string(), 10.0, 8.0),
                ("VNM".to_string(), 1.0, 4.0),
            ],
        );
        let c = potential_chart(&p).expect("a chart");
        assert_eq!(c.x, Positions::Labels(vec!["VNM".into()]));
        assert_eq!(c.series.len(), 2);
        assert!(matches!(c.svg(), crate::chart::Drawn::Svg { .. }));
        let csv = potential_csv(&p).expect("csv");
        assert!(csv.starts_with("partner,observed,predicted,gap,observed_to_predicted_pct\nVNM,1,4,3,25\nUSA,10,8,-2,125\n"), "{csv}");
        let all_above = export_potential("KOR", 2006, None, [("USA".to_string(), 10.0, 8.0)]);
        assert!(potential_chart(&all_above).is_none());
    }
}
