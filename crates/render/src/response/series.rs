//! Figures of an embedded series (a survey, published totals), with their sources.

use super::{html_page, json};
use crate::{
    Cell, Chart, ChartKind, ChartSeries, ColumnSpec, Format, Positions, RenderError, Row, Section,
    Table,
};
use hallyu_api::series::{SeriesFigures, SeriesPoint};

/// Renders an embedded series' figures.
pub fn render_series(s: &SeriesFigures, format: Format) -> Result<String, RenderError> {
    Ok(match format {
        Format::Json => json("series", s)?,
        Format::Csv => {
            let mut t = String::from("year,label,value,source_url\n");
            for p in &s.points {
                let field = |v: &str| {
                    if v.contains([',', '"', '\n']) {
                        format!("\"{}\"", v.replace('"', "\"\""))
                    } else {
                        v.to_string()
                    }
                };
                t.push_str(&format!(
                    "{},{},{},{}\n",
                    p.year,
                    field(p.label.as_deref().unwrap_or_default()),
                    p.value.map_or(String::new(), |v| v.to_string()),
                    field(p.source_url.as_deref().unwrap_or_default())
                ));
            }
            t
        }
        Format::Html => html_page(&s.name, &[series_section(s)]),
        Format::Markdown => series_section(s).markdown(),
        Format::Latex => series_section(s).latex(),
        Format::Table => series_section(s).terminal(),
    })
}

/// The unit of an embedded series' value column, from its name.
fn series_unit(column: &str) -> Option<&'static str> {
    if column.ends_with("_usd_bn") {
        Some("USD bn")
    } else if column.ends_with("_pct") {
        Some("%")
    } else {
        None
    }
}

/// What an embedded series' value column holds, in words (`exports_usd_bn` → `exports`).
fn series_value_name(column: &str) -> String {
    column
        .trim_end_matches("_usd_bn")
        .trim_end_matches("_pct")
        .replace('_', " ")
}

/// The figures of an embedded series as a table, with who published them.
pub(super) fn series_section(s: &SeriesFigures) -> Section {
    let value = match series_unit(&s.column) {
        Some(u) => ColumnSpec::in_unit(series_value_name(&s.column), u),
        None => ColumnSpec::value(series_value_name(&s.column)),
    };
    let labelled = s.points.iter().any(|p| p.label.is_some());
    let mut columns = vec![ColumnSpec::label("year")];
    if labelled {
        columns.push(ColumnSpec::value("item"));
    }
    columns.push(value);
    columns.push(ColumnSpec::value("source"));
    let mut table = Table::new(columns);
    table.rows = s
        .points
        .iter()
        .map(|p| {
            let mut cells = vec![Cell::integer(p.year)];
            if labelled {
                cells.push(Cell::text(p.label.clone().unwrap_or_default()));
            }
            cells.push(Cell::or_null(p.value, Cell::exact, || {
                "the source leaves it empty".to_string()
            }));
            cells.push(Cell::text(p.source_url.clone().unwrap_or_default()));
            Row::Cells(cells)
        })
        .collect();
    Section::of_table(
        vec![format!("{}: {}", s.name, s.description)],
        table,
        vec![format!(
            "{}. Published by {}; compiled from the pages cited (CC0 compilation).",
            s.description, s.publisher
        )],
    )
}

/// An embedded series' figures drawn: over the years (a line), or, when each figure is
/// named (the sectors of one year), as bars without the total (the line's).
pub(super) fn series_chart(title: &str, f: &SeriesFigures) -> Option<Chart> {
    let unit = series_unit(&f.column).map(str::to_string);
    let value = |p: &SeriesPoint| {
        Cell::or_null(p.value, Cell::exact, || {
            "the source leaves it empty".to_string()
        })
    };
    if f.points.iter().any(|p| p.label.is_some()) {
        let parts: Vec<_> = f
            .points
            .iter()
            .filter(|p| p.label.as_deref() != Some("total"))
            .collect();
        let year = parts.first()?.year;
        return Some(Chart {
            kind: ChartKind::Bars,
            title: title.to_string(),
            x_label: "item".into(),
            value_label: series_value_name(&f.column),
            unit,
            x: Positions::Labels(
                parts
                    .iter()
                    .map(|p| p.label.clone().unwrap_or_default())
                    .collect(),
            ),
            series: vec![ChartSeries {
                name: year.to_string(),
                values: parts.iter().map(|p| value(p)).collect(),
            }],
            reference: None,
        });
    }
    Some(Chart {
        kind: ChartKind::Line,
        title: title.to_string(),
        x_label: "year".into(),
        value_label: series_value_name(&f.column),
        unit,
        x: Positions::Numbers(f.points.iter().map(|p| f64::from(p.year)).collect()),
        series: vec![ChartSeries {
            name: f.name.clone(),
            values: f.points.iter().map(value).collect(),
        }],
        reference: None,
    })
}
