//! The report's composite index: the country's rank and scores on the index and each of
//! its aggregates, the best-ranked units, the normalised indicators by unit as a heat map
//! (the country highlighted), and the index's notes.

use super::super::index::normalised_heat_map;
use crate::{Block, Cell, ColumnSpec, Row, Section, Table};
use hallyu_api::index::{IndexResult, UnitResult};

/// Units in the ranking table.
const TOP: usize = 10;

/// The sections of the index call `purpose` for `country`.
pub(super) fn index_sections(country: &str, purpose: &str, r: &IndexResult) -> Vec<Section> {
    let ranked = r.units.iter().filter(|u| u.rank.is_some()).count();
    let unit = r
        .units
        .iter()
        .find(|u| u.unit.eq_ignore_ascii_case(country));
    let mut sections = Vec::new();
    let position = match unit {
        Some(u) => {
            let lead = match (u.rank, u.scores.first().copied().flatten()) {
                (Some(k), Some(s)) => format!(
                    "{country} ranks {k} of {ranked} units on {} (score {s:.2}).",
                    r.index
                ),
                _ => format!(
                    "{country} has no score on {}: every part of it is missing for {country}.",
                    r.index
                ),
            };
            Section {
                title: vec![purpose.to_string(), lead],
                blocks: vec![
                    Block::Table(position_table(r, u)),
                    Block::Notes {
                        lines: vec![format!(
                            "rank: 1 is the highest score; of: the units with a score on it. \
                             {} is the index, the others its aggregates, level by level down.",
                            r.index
                        )],
                    },
                ],
            }
        }
        None => Section {
            title: vec![purpose.to_string()],
            blocks: vec![Block::Notes {
                lines: vec![format!(
                    "{country} is not among the index's {} units: it has no rank or score on it.",
                    r.units.len()
                )],
            }],
        },
    };
    sections.push(position);
    sections.push(Section {
        title: vec![format!(
            "{}: the {} best-ranked units",
            r.index,
            TOP.min(ranked)
        )],
        blocks: vec![Block::Table(top_table(r, unit))],
    });
    let mut notes = r.notes.clone();
    notes.extend(r.steps.iter().cloned());
    let mut blocks: Vec<Block> = normalised_heat_map(r, unit.map(|u| u.unit.as_str()))
        .map(Block::HeatMap)
        .into_iter()
        .collect();
    blocks.push(Block::Notes { lines: notes });
    sections.push(Section {
        title: vec![format!("{}: indicators and notes", r.index)],
        blocks,
    });
    sections
}

/// The unit's score and rank on the index and on each aggregate, with the units ranked
/// on each.
fn position_table(r: &IndexResult, u: &UnitResult) -> Table {
    let mut t = Table::new(vec![
        ColumnSpec::label("aggregate"),
        ColumnSpec::value("score"),
        ColumnSpec::value("rank"),
        ColumnSpec::value("of"),
    ])
    .null_text("–");
    t.rows = r
        .aggregates
        .iter()
        .enumerate()
        .map(|(k, a)| {
            let of = r
                .units
                .iter()
                .filter(|x| x.ranks.get(k).copied().flatten().is_some())
                .count();
            let name = if k == 0 {
                format!("{a} (index)")
            } else {
                a.clone()
            };
            Row::Cells(vec![
                Cell::text(name),
                match u.scores.get(k).copied().flatten() {
                    Some(s) => Cell::number(s, 2),
                    None => Cell::null("no value: every child is missing (or below the data threshold), or the weights of those present sum to zero or less"),
                },
                match u.ranks.get(k).copied().flatten() {
                    Some(x) => Cell::integer(x),
                    None => Cell::null("no score, no rank"),
                },
                Cell::integer(of),
            ])
        })
        .collect();
    t
}

/// The best-ranked units on the index, then the country if it is not among them.
fn top_table(r: &IndexResult, unit: Option<&UnitResult>) -> Table {
    let mut t = Table::new(vec![
        ColumnSpec::label("rank"),
        ColumnSpec::label("unit"),
        ColumnSpec::label("name"),
        ColumnSpec::value(r.index.clone()),
    ])
    .null_text("–");
    let row = |u: &UnitResult| {
        Row::Cells(vec![
            u.rank
                .map_or_else(|| Cell::null("no index score"), Cell::integer),
            Cell::text(u.unit.clone()),
            Cell::text(u.name.clone()),
            match u.scores.first().copied().flatten() {
                Some(s) => Cell::number(s, 2),
                None => Cell::null("no value: every child is missing (or below the data threshold), or the weights of those present sum to zero or less"),
            },
        ])
    };
    let top: Vec<&UnitResult> = r
        .units
        .iter()
        .filter(|u| u.rank.is_some())
        .take(TOP)
        .collect();
    t.rows = top.iter().map(|u| row(u)).collect();
    if let Some(u) = unit.filter(|u| !top.iter().any(|x| x.unit == u.unit)) {
        t.rows.push(Row::Rule);
        t.rows.push(row(u));
    }
    t
}
