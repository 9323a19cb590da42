//! The reference tables, built in and the user's: countries, blocs, product groups.

use super::json;
use crate::{Cell, ColumnSpec, Format, RenderError, Row, Section, Table};
use hallyu_api::reference::{BlocMembers, ReferenceRows};
use hallyu_data::reference::{Bloc, Country, ProductGroup};

/// The formats a reference table is written in.
const FORMATS: &[Format] = &[Format::Table, Format::Json, Format::Csv];

/// The formats of [`FORMATS`], for matches that cover them all.
#[derive(Clone, Copy)]
enum List {
    Table,
    Json,
    Csv,
}

/// Renders a reference table as a terminal table, JSON or CSV.
pub fn render_reference(rows: &ReferenceRows, format: Format) -> Result<String, RenderError> {
    let format = match format {
        Format::Table => List::Table,
        Format::Json => List::Json,
        Format::Csv => List::Csv,
        format => {
            return Err(RenderError::Unsupported {
                what: "reference tables are",
                supported: FORMATS,
                format,
            })
        }
    };
    match rows {
        ReferenceRows::Countries(all) => countries_text(all, format),
        ReferenceRows::Blocs(blocs) => blocs_text(blocs, format),
        ReferenceRows::BlocsInYear(list) => blocs_in_year_text(list, format),
        ReferenceRows::Groups(groups) => groups_text(groups, format),
    }
}

fn year(y: Option<i32>) -> String {
    y.map_or_else(String::new, |y| y.to_string())
}

/// A terminal table of text: the first column left-aligned, the others right-aligned.
fn text_table(title: String, header: &[&str], rows: Vec<Row>, notes: Vec<String>) -> String {
    let mut columns: Vec<ColumnSpec> = header.iter().map(|h| ColumnSpec::value(*h)).collect();
    if let Some(first) = columns.first_mut() {
        *first = ColumnSpec::label(first.header.clone());
    }
    let mut table = Table::new(columns);
    table.rows = rows;
    Section::of_table(vec![title], table, notes).terminal()
}

fn text_row(cells: Vec<String>) -> Row {
    Row::Cells(cells.into_iter().map(Cell::text).collect())
}

/// One CSV field, quoted when it must be (RFC 4180).
fn field(s: &str) -> String {
    if s.contains([',', '"', '\n', '\r']) {
        format!("\"{}\"", s.replace('"', "\"\""))
    } else {
        s.to_string()
    }
}

fn csv(header: &[&str], rows: impl Iterator<Item = Vec<String>>) -> String {
    let mut out = header.join(",");
    out.push('\n');
    for r in rows {
        let line: Vec<String> = r.iter().map(|s| field(s)).collect();
        out.push_str(&line.join(","));
        out.push('\n');
    }
    out
}

fn countries_text(all: &[Country], format: List) -> Result<String, RenderError> {
    let row = |c: &Country| {
        vec![
            c.iso3.clone(),
            c.numeric.to_string(),
            c.name.clone(),
            year(c.from_year),
            year(c.to_year),
        ]
    };
    Ok(match format {
        List::Json => json("countries", all)?,
        List::Csv => csv(
            &["iso3", "numeric", "name", "from_year", "to_year"],
            all.iter().map(row),
        ),
        List::Table => text_table(
            format!(
                "Countries: {} codes (ISO 3166-1, then the codes Comtrade and BACI use besides it)",
                all.len()
            ),
            &["name", "iso3", "numeric", "from", "to"],
            all.iter()
                .map(|c| {
                    // The name leads: the table left-aligns only its first column.
                    let mut r = row(c);
                    let name = r.remove(2);
                    r.insert(0, name);
                    text_row(r)
                })
                .collect(),
            Vec::new(),
        ),
    })
}

fn blocs_text(blocs: &[Bloc], format: List) -> Result<String, RenderError> {
    Ok(match format {
        List::Json => json("blocs", blocs)?,
        List::Csv => csv(
            &["bloc", "iso3", "from", "to"],
            blocs.iter().flat_map(|b| {
                b.members.iter().map(move |m| {
                    vec![
                        b.name.clone(),
                        m.iso3.clone(),
                        m.from.to_string(),
                        year(m.to),
                    ]
                })
            }),
        ),
        List::Table => {
            let mut rows = Vec::new();
            for (i, b) in blocs.iter().enumerate() {
                if i > 0 {
                    rows.push(Row::Rule);
                }
                rows.push(Row::Heading(format!("{}: {}", b.name, b.description)));
                for m in &b.members {
                    rows.push(text_row(vec![
                        format!("  {}", m.iso3),
                        m.from.to_string(),
                        year(m.to),
                    ]));
                }
            }
            text_table(
                format!(
                    "{} blocs; a country is a member in a year when it is a member on 31 December (years inclusive)",
                    blocs.len()
                ),
                &["member", "from", "to"],
                rows,
                vec!["Sources: `hallyu data blocs --format json`".to_string()],
            )
        }
    })
}

fn blocs_in_year_text(list: &[BlocMembers], format: List) -> Result<String, RenderError> {
    // Every entry has the year asked for; an empty list (no bloc at all) has none to show.
    let y = list.first().map_or(String::new(), |b| b.year.to_string());
    Ok(match format {
        List::Json => json("bloc members", list)?,
        List::Csv => csv(
            &["bloc", "year", "iso3"],
            list.iter().flat_map(|b| {
                b.members
                    .iter()
                    .map(move |m| vec![b.name.clone(), b.year.to_string(), m.clone()])
            }),
        ),
        List::Table => text_table(
            format!("Bloc members in {y}"),
            &["bloc", "members", "iso3"],
            list.iter()
                .map(|b| {
                    text_row(vec![
                        b.name.to_string(),
                        b.members.len().to_string(),
                        b.members.join(" "),
                    ])
                })
                .collect(),
            Vec::new(),
        ),
    })
}

fn groups_text(groups: &[ProductGroup], format: List) -> Result<String, RenderError> {
    Ok(match format {
        List::Json => json("product groups", groups)?,
        List::Csv => csv(
            &["group", "hs_version", "code"],
            groups.iter().flat_map(|g| {
                let v = g.hs_version.clone().unwrap_or_default();
                g.codes
                    .iter()
                    .map(move |c| vec![g.name.clone(), v.clone(), c.clone()])
            }),
        ),
        List::Table => text_table(
            format!(
                "{} product groups (HS prefixes; `--format csv` lists the codes)",
                groups.len()
            ),
            &["group", "hs", "codes", "description"],
            groups
                .iter()
                .map(|g| {
                    text_row(vec![
                        g.name.clone(),
                        g.hs_version.clone().unwrap_or_else(|| "any".into()),
                        g.codes.len().to_string(),
                        g.description.clone(),
                    ])
                })
                .collect(),
            Vec::new(),
        ),
    })
}
