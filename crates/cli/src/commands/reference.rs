//! `hallyu data countries|blocs|groups`: the reference tables, built in and the user's.

use crate::args::{DataArgs, ListFormat, OutputFormat};
use crate::exit::usage_bail;
use anyhow::Result;
use hallyu_api::reference::{BlocMembers, ReferenceRequest, ReferenceRows, ReferenceTable};
use hallyu_api::{Request, Version};
use hallyu_data::reference::{Bloc, Country, ProductGroup};
use hallyu_render::{Cell, ColumnSpec, Row, Section, Table};

/// Names of the reference tables `hallyu data` lists.
pub const TABLES: [&str; 3] = ["countries", "blocs", "groups"];

/// Lists one reference table.
pub fn run(a: &DataArgs) -> Result<u8> {
    let Some(table) = ReferenceTable::parse(&a.name) else {
        usage_bail!("unknown reference table `{}`", a.name);
    };
    let request = Request::Reference(ReferenceRequest {
        version: Version,
        table,
        year: a.year,
        reference: a.reference.clone(),
        classification: a.classification.clone(),
    });
    let format = match a.format {
        ListFormat::Table => OutputFormat::Table,
        ListFormat::Json => OutputFormat::Json,
        ListFormat::Csv => OutputFormat::Csv,
    };
    super::execute(&request, format, a.out.as_deref(), true, a.print_request)
}

/// Renders a reference table.
pub fn render(rows: &ReferenceRows, format: OutputFormat) -> Result<String> {
    let format = match format {
        OutputFormat::Table => ListFormat::Table,
        OutputFormat::Json => ListFormat::Json,
        OutputFormat::Csv => ListFormat::Csv,
        f => usage_bail!("reference tables are written as table, json or csv, not {f:?}"),
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

/// Pretty JSON with a final newline.
macro_rules! json {
    ($value:expr) => {{
        let mut s = serde_json::to_string_pretty($value)?;
        s.push('\n');
        s
    }};
}

fn countries_text(all: &[Country], format: ListFormat) -> Result<String> {
    let row = |c: &hallyu_data::reference::Country| {
        vec![
            c.iso3.clone(),
            c.numeric.to_string(),
            c.name.clone(),
            year(c.from_year),
            year(c.to_year),
        ]
    };
    Ok(match format {
        ListFormat::Json => json!(all),
        ListFormat::Csv => csv(
            &["iso3", "numeric", "name", "from_year", "to_year"],
            all.iter().map(row),
        ),
        ListFormat::Table => text_table(
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

fn blocs_text(blocs: &[Bloc], format: ListFormat) -> Result<String> {
    Ok(match format {
        ListFormat::Json => json!(blocs),
        ListFormat::Csv => csv(
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
        ListFormat::Table => {
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

fn blocs_in_year_text(list: &[BlocMembers], format: ListFormat) -> Result<String> {
    // Every entry has the year asked for; an empty list (no bloc at all) has none to show.
    let y = list.first().map_or(String::new(), |b| b.year.to_string());
    Ok(match format {
        ListFormat::Json => json!(list),
        ListFormat::Csv => csv(
            &["bloc", "year", "iso3"],
            list.iter().flat_map(|b| {
                b.members
                    .iter()
                    .map(move |m| vec![b.name.clone(), b.year.to_string(), m.clone()])
            }),
        ),
        ListFormat::Table => text_table(
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

fn groups_text(groups: &[ProductGroup], format: ListFormat) -> Result<String> {
    Ok(match format {
        ListFormat::Json => json!(groups),
        ListFormat::Csv => csv(
            &["group", "hs_version", "code"],
            groups.iter().flat_map(|g| {
                let v = g.hs_version.clone().unwrap_or_default();
                g.codes
                    .iter()
                    .map(move |c| vec![g.name.clone(), v.clone(), c.clone()])
            }),
        ),
        ListFormat::Table => text_table(
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
