//! A composite index: units ranked with their scores at every level, or one intermediate
//! data set in full.

use super::{html_page, json};
use crate::error::CsvOut;
use crate::{Cell, ColumnSpec, Format, RenderError, Row, Section, Table};
use hallyu_api::index::IndexResult;
use hallyu_index::DataSet;

/// Renders an index build.
pub fn render_index(r: &IndexResult, format: Format) -> Result<String, RenderError> {
    if format == Format::Json {
        return json("index", r);
    }
    if let Some(d) = &r.dataset {
        return match format {
            Format::Csv => dataset_csv(d),
            Format::Html => Ok(html_page(&d.name, &[dataset_section(d)])),
            Format::Markdown => Ok(dataset_section(d).markdown()),
            Format::Latex => Ok(dataset_section(d).latex()),
            _ => Ok(dataset_section(d).terminal()),
        };
    }
    Ok(match format {
        Format::Csv => results_csv(r)?,
        Format::Html => html_page(
            &format!("{} scores and ranks", r.index),
            &[results_section(r)],
        ),
        Format::Markdown => results_section(r).markdown(),
        Format::Latex => results_section(r).latex(),
        _ => results_section(r).terminal(),
    })
}

fn number(v: f64) -> String {
    if v.is_nan() {
        String::new()
    } else {
        // Shortest text that reads back as the same double.
        format!("{v}")
    }
}

/// A data set as CSV: `uCode`, then one column per indicator or aggregate; empty when
/// missing.
fn dataset_csv(d: &DataSet) -> Result<String, RenderError> {
    let mut w = CsvOut::new("index data set");
    let mut header = vec!["uCode".to_string()];
    header.extend(d.columns.iter().cloned());
    w.record(&header)?;
    for (u, unit) in d.units.iter().enumerate() {
        let mut row = vec![unit.clone()];
        row.extend(d.values.iter().map(|c| number(c[u])));
        w.record(&row)?;
    }
    w.finish()
}

/// Scores and ranks as CSV: `uCode`, `uName`, `Rank`, each aggregate's score, then each
/// aggregate's rank (`Rank_<code>`).
fn results_csv(r: &IndexResult) -> Result<String, RenderError> {
    let mut w = CsvOut::new("index results");
    let mut header = vec!["uCode".to_string(), "uName".into(), "Rank".into()];
    header.extend(r.aggregates.iter().cloned());
    header.extend(r.aggregates.iter().map(|a| format!("Rank_{a}")));
    w.record(&header)?;
    for u in &r.units {
        let mut row = vec![
            u.unit.clone(),
            u.name.clone(),
            u.rank.map(|x| x.to_string()).unwrap_or_default(),
        ];
        row.extend(u.scores.iter().map(|s| s.map(number).unwrap_or_default()));
        row.extend(
            u.ranks
                .iter()
                .map(|s| s.map(|x| x.to_string()).unwrap_or_default()),
        );
        w.record(&row)?;
    }
    w.finish()
}

/// The ranking: rank, unit, the index and the aggregates of the level below it.
fn results_section(r: &IndexResult) -> Section {
    // The index and the aggregates one level under it (the full set is in csv and json).
    let shown = r.aggregates.len().min(4);
    let mut columns = vec![
        ColumnSpec::label("rank"),
        ColumnSpec::label("unit"),
        ColumnSpec::label("name"),
    ];
    columns.extend(
        r.aggregates[..shown]
            .iter()
            .map(|a| ColumnSpec::value(a.clone())),
    );
    let mut table = Table::new(columns).null_text("–");
    table.rows = r
        .units
        .iter()
        .map(|u| {
            let mut cells = vec![
                u.rank
                    .map_or_else(|| Cell::null("no index score"), Cell::integer),
                Cell::text(u.unit.clone()),
                Cell::text(u.name.clone()),
            ];
            cells.extend(u.scores[..shown].iter().map(|s| match s {
                Some(v) => Cell::number(*v, 2),
                None => Cell::null("every child is missing for this unit"),
            }));
            Row::Cells(cells)
        })
        .collect();
    let mut notes = r.steps.clone();
    if shown < r.aggregates.len() {
        notes.push(format!(
            "{} more aggregates in --format csv or json: {}",
            r.aggregates.len() - shown,
            r.aggregates[shown..].join(", ")
        ));
    }
    Section::of_table(
        vec![format!(
            "{}: scores and ranks ({} units)",
            r.index,
            r.units.len()
        )],
        table,
        notes,
    )
}

fn dataset_section(d: &DataSet) -> Section {
    let mut columns = vec![ColumnSpec::label("uCode")];
    columns.extend(d.columns.iter().map(|c| ColumnSpec::value(c.clone())));
    let mut table = Table::new(columns).null_text("NA");
    table.rows = d
        .units
        .iter()
        .enumerate()
        .map(|(u, unit)| {
            let mut cells = vec![Cell::text(unit.clone())];
            cells.extend(d.values.iter().map(|c| {
                if c[u].is_nan() {
                    Cell::null("missing")
                } else {
                    Cell::exact(c[u])
                }
            }));
            Row::Cells(cells)
        })
        .collect();
    Section::of_table(vec![format!("data set {}", d.name)], table, Vec::new())
}
