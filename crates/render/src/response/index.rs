//! A composite index: units ranked with their scores at every level, or one intermediate
//! data set in full.

use super::{html_page, json};
use crate::error::CsvOut;
use crate::{
    Block, Cell, Chart, ChartKind, ChartSeries, ColumnSpec, Format, Positions, RenderError, Row,
    Section, Table,
};
use hallyu_api::index::IndexResult;
use hallyu_index::{Analysis, DataSet, Sensitivity};

/// Renders an index build.
pub fn render_index(r: &IndexResult, format: Format) -> Result<String, RenderError> {
    if format == Format::Json {
        return json("index", r);
    }
    if let Some(d) = &r.dataset {
        return match format {
            Format::Csv => dataset_csv(d),
            Format::Html => {
                let mut section = dataset_section(d);
                section
                    .blocks
                    .splice(0..0, normalised_heat_map(r, None).map(Block::HeatMap));
                Ok(html_page(&d.name, &[section]))
            }
            Format::Markdown => Ok(dataset_section(d).markdown()),
            Format::Latex => Ok(dataset_section(d).latex()),
            _ => Ok(dataset_section(d).terminal()),
        };
    }
    if let Some(a) = &r.sensitivity {
        let mut sections = vec![sensitivity_section(r, a)];
        sections.extend(indices_section(r, a));
        let joined =
            |f: fn(&Section) -> String| sections.iter().map(f).collect::<Vec<_>>().join("\n");
        return Ok(match format {
            Format::Csv => sensitivity_csv(a)?,
            Format::Html => {
                if let Some(chart) = rank_chart(r, a) {
                    sections[0].blocks.insert(0, Block::Chart(chart));
                }
                if let (Some(chart), Some(section)) = (indices_chart(r, a), sections.get_mut(1)) {
                    section.blocks.insert(0, Block::Chart(chart));
                }
                html_page(&format!("{} ranks under uncertainty", r.index), &sections)
            }
            Format::Markdown => joined(Section::markdown),
            Format::Latex => joined(Section::latex),
            _ => joined(Section::terminal),
        });
    }
    let mut sections = vec![results_section(r)];
    sections.extend(r.analysis.as_ref().map(analysis_section));
    let joined = |f: fn(&Section) -> String| sections.iter().map(f).collect::<Vec<_>>().join("\n");
    Ok(match format {
        Format::Csv => results_csv(r)?,
        Format::Html => html_page(&format!("{} scores and ranks", r.index), &sections),
        Format::Markdown => joined(Section::markdown),
        Format::Latex => joined(Section::latex),
        _ => joined(Section::terminal),
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
                None => Cell::null("no value: every child is missing (or below the data threshold), or the weights of those present sum to zero or less"),
            }));
            Row::Cells(cells)
        })
        .collect();
    let mut notes = r.notes.clone();
    notes.extend(r.steps.iter().cloned());
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

/// Units drawn in the rank chart (the best ranked).
const CHARTED: usize = 30;

/// `uCode,nominal,median,low,high,mean_shift` (empty where a unit has no rank).
fn sensitivity_csv(a: &Sensitivity) -> Result<String, RenderError> {
    let mut w = CsvOut::new("index sensitivity");
    w.record(["uCode", "nominal", "median", "p05", "p95", "mean_shift"])?;
    let opt = |v: Option<f64>| v.map(number).unwrap_or_default();
    for u in &a.units {
        w.record([
            u.unit.clone(),
            u.nominal.map(|x| x.to_string()).unwrap_or_default(),
            opt(u.median),
            opt(u.low),
            opt(u.high),
            opt(u.mean_shift),
        ])?;
    }
    w.finish()
}

fn sensitivity_section(r: &IndexResult, a: &Sensitivity) -> Section {
    let mut table = Table::new(vec![
        ColumnSpec::label("unit"),
        ColumnSpec::value("nominal rank"),
        ColumnSpec::value("median rank"),
        ColumnSpec::value("5%"),
        ColumnSpec::value("95%"),
        ColumnSpec::value("mean shift"),
    ])
    .null_text("–");
    let cell = |v: Option<f64>, d: usize| match v {
        Some(x) => Cell::number(x, d),
        None => Cell::null("no rank in any run"),
    };
    table.rows = a
        .units
        .iter()
        .map(|u| {
            Row::Cells(vec![
                Cell::text(u.unit.clone()),
                u.nominal
                    .map_or_else(|| Cell::null("no index score"), Cell::integer),
                cell(u.median, 1),
                cell(u.low, 1),
                cell(u.high, 1),
                cell(u.mean_shift, 2),
            ])
        })
        .collect();
    let mut notes = vec![format!(
        "{} runs ({}, seed {}); ranks on {}; 5% and 95%: percentiles of a unit's rank over the runs (R's type 7)",
        a.runs, a.design, a.seed, r.index
    )];
    if !a.failed.is_empty() {
        notes.push(format!(
            "{} runs could not be built and are left out (first: run {}: {})",
            a.failed.len(),
            a.failed[0].0,
            a.failed[0].1
        ));
    }
    Section::of_table(
        vec![format!("{}: ranks under uncertainty", r.index)],
        table,
        notes,
    )
}

/// Which uncertain input drives the ranks: first-order and total sensitivity indices with
/// their bootstrap intervals (a Saltelli design only).
fn indices_section(r: &IndexResult, a: &Sensitivity) -> Option<Section> {
    if a.indices.is_empty() && a.indices_undefined.is_none() {
        return None;
    }
    let mut table = Table::new(vec![
        ColumnSpec::label("input"),
        ColumnSpec::value("first-order"),
        ColumnSpec::value("5%"),
        ColumnSpec::value("95%"),
        ColumnSpec::value("total"),
        ColumnSpec::value("5%"),
        ColumnSpec::value("95%"),
    ])
    .null_text("–");
    let opt = |v: Option<f64>| match v {
        Some(x) => Cell::number(x, 3),
        None => Cell::null("no bootstrap"),
    };
    table.rows = a
        .indices
        .iter()
        .map(|i| {
            Row::Cells(vec![
                Cell::text(i.input.clone()),
                Cell::number(i.first_order, 3),
                opt(i.first_order_low),
                opt(i.first_order_high),
                Cell::number(i.total, 3),
                opt(i.total_low),
                opt(i.total_high),
            ])
        })
        .collect();
    let mut notes = vec![format!(
        "output: the mean absolute change of the units' {} ranks from the nominal ones, per run (COINr's); first-order by Saltelli's 2010 estimator, total by Jansen's; {} runs in Saltelli's design{}",
        r.index,
        a.runs,
        a.output_variance
            .map(|v| format!("; output variance {}", number(v)))
            .unwrap_or_default()
    )];
    notes.push(
        "first-order: the share of the variance an input explains alone; total: with its interactions. Rank statistics above use the design's A and B runs only".into(),
    );
    notes.extend(
        a.indices_undefined
            .as_ref()
            .map(|why| format!("no indices: {why}")),
    );
    Some(Section::of_table(
        vec![format!(
            "{}: what drives the ranks (sensitivity indices)",
            r.index
        )],
        table,
        notes,
    ))
}

/// An index and its interval, from one input's indices.
type IndexParts = fn(&hallyu_index::SensitivityIndex) -> (f64, Option<f64>, Option<f64>);

/// First-order and total indices per input, with their bootstrap intervals.
fn indices_chart(r: &IndexResult, a: &Sensitivity) -> Option<Chart> {
    if a.indices.is_empty() {
        return None;
    }
    let series = |name: &str, get: IndexParts| ChartSeries {
        name: name.into(),
        values: a
            .indices
            .iter()
            .map(|i| {
                let (v, lo, hi) = get(i);
                match (lo, hi) {
                    (Some(low), Some(high)) => Cell::Interval {
                        value: v,
                        low,
                        high,
                        decimals: 3,
                    },
                    _ => Cell::number(v, 3),
                }
            })
            .collect(),
    };
    Some(Chart {
        kind: ChartKind::Dots,
        title: format!(
            "{}: sensitivity indices of the mean rank change, with 5–95% bootstrap intervals",
            r.index
        ),
        x_label: "uncertain input".into(),
        value_label: "share of variance".into(),
        unit: None,
        x: Positions::Labels(a.indices.iter().map(|i| i.input.clone()).collect()),
        series: vec![
            series("first-order", |i| {
                (i.first_order, i.first_order_low, i.first_order_high)
            }),
            series("total", |i| (i.total, i.total_low, i.total_high)),
        ],
        reference: None,
    })
}

/// The best-ranked units' median rank with its 5–95% interval.
fn rank_chart(r: &IndexResult, a: &Sensitivity) -> Option<Chart> {
    let shown: Vec<_> = a
        .units
        .iter()
        .filter(|u| u.median.is_some())
        .take(CHARTED)
        .collect();
    if shown.is_empty() {
        return None;
    }
    Some(Chart {
        kind: ChartKind::Dots,
        title: format!(
            "{}: median rank and 5–95% interval over {} runs (the {} best-ranked units)",
            r.index,
            a.runs,
            shown.len()
        ),
        x_label: "unit".into(),
        value_label: "rank".into(),
        unit: None,
        x: Positions::Labels(shown.iter().map(|u| u.unit.clone()).collect()),
        series: vec![ChartSeries {
            name: "median rank".into(),
            values: shown
                .iter()
                .map(|u| Cell::Interval {
                    value: u.median.unwrap_or(f64::NAN),
                    low: u.low.unwrap_or(f64::NAN),
                    high: u.high.unwrap_or(f64::NAN),
                    decimals: 1,
                })
                .collect(),
        }],
        reference: None,
    })
}

/// Each aggregate's coherence: its children's alpha and first-component share, their
/// weakest correlation with it; the flags below.
fn analysis_section(a: &Analysis) -> Section {
    let mut table = Table::new(vec![
        ColumnSpec::label("aggregate"),
        ColumnSpec::value("children"),
        ColumnSpec::value("Cronbach's alpha"),
        ColumnSpec::value("PC1 share"),
        ColumnSpec::value("lowest r with it"),
        ColumnSpec::label("child"),
    ])
    .null_text("–");
    let opt = |v: Option<f64>, why: &str| match v {
        Some(x) => Cell::number(x, 3),
        None => Cell::null(why.to_string()),
    };
    table.rows = a
        .groups
        .iter()
        .map(|g| {
            let lowest = g
                .child_parent
                .iter()
                .filter_map(|(c, r)| r.map(|r| (c, r)))
                .min_by(|x, y| x.1.total_cmp(&y.1));
            Row::Cells(vec![
                Cell::text(g.aggregate.clone()),
                Cell::integer(g.children.len()),
                opt(g.cronbach_alpha, "fewer than two children"),
                opt(g.pc1_share, "fewer than two children or complete units"),
                opt(lowest.map(|l| l.1), "no correlation defined"),
                Cell::text(lowest.map(|l| l.0.clone()).unwrap_or_default()),
            ])
        })
        .collect();
    let mut notes = vec![format!(
        "on the {} data set; r: Pearson over the units where both are present; PC1 share: largest eigenvalue of the children's correlation matrix over their number",
        a.dataset
    )];
    notes.extend(
        a.flags
            .iter()
            .map(|f| format!("flag {}: {}", f.code, f.message)),
    );
    Section::of_table(vec!["coherence of the framework".into()], table, notes)
}

/// Units drawn in the heat map (the best ranked, and the unit of interest).
pub const HEAT_MAP_ROWS: usize = 30;

/// The normalised indicators by unit as a heat map, when the result holds the
/// `Normalised` data set: units by index rank (the best [`HEAT_MAP_ROWS`] drawn, and
/// `highlight`, highlighted, wherever it ranks), indicators in the framework's order.
pub fn normalised_heat_map(r: &IndexResult, highlight: Option<&str>) -> Option<crate::HeatMap> {
    let d = r.dataset.as_ref().filter(|d| d.name == "Normalised")?;
    // Units in rank order; a unit of the data set without a result (none: both are the
    // units kept by screening) goes last.
    let mut order: Vec<(usize, String)> = Vec::new();
    for u in &r.units {
        if let Some(i) = d.units.iter().position(|c| *c == u.unit) {
            let rank = u.rank.map_or_else(|| "–".to_string(), |k| k.to_string());
            order.push((i, format!("{rank} {}", u.unit)));
        }
    }
    for (i, code) in d.units.iter().enumerate() {
        if !order.iter().any(|(j, _)| *j == i) {
            order.push((i, format!("– {code}")));
        }
    }
    // Columns grouped under their aggregate, groups in the framework's order.
    let parent_of = |code: &str| {
        r.tree
            .iter()
            .find(|n| n.code == code)
            .and_then(|n| n.parent.clone())
    };
    let mut groups: Vec<Option<String>> = Vec::new();
    for c in &d.columns {
        let p = parent_of(c);
        if !groups.contains(&p) {
            groups.push(p);
        }
    }
    let mut columns: Vec<usize> = (0..d.columns.len()).collect();
    columns.sort_by_key(|&c| groups.iter().position(|g| *g == parent_of(&d.columns[c])));
    let values: Vec<Vec<Option<f64>>> = order
        .iter()
        .map(|(i, _)| {
            columns
                .iter()
                .map(|&c| d.values[c].get(*i).copied().filter(|v| v.is_finite()))
                .collect()
        })
        .collect();
    let highlighted = highlight.and_then(|h| order.iter().position(|(i, _)| d.units[*i] == h));
    let shown = order.len().min(HEAT_MAP_ROWS);
    let which = if shown < order.len() {
        format!("the {shown} best-ranked of {} units", order.len())
    } else {
        format!("{} units", order.len())
    };
    Some(crate::HeatMap {
        title: format!(
            "{}: normalised indicators by unit ({which}, by rank)",
            r.index
        ),
        row_label: "rank and unit".into(),
        value_label: "normalised score".into(),
        rows: order.into_iter().map(|(_, label)| label).collect(),
        columns: columns
            .iter()
            .map(|&c| crate::HeatColumn {
                name: d.columns[c].clone(),
                group: parent_of(&d.columns[c]),
            })
            .collect(),
        values,
        highlight: highlighted,
        max_rows: HEAT_MAP_ROWS,
    })
}
