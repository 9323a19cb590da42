//! `hallyu report`: a country's creative-economy report, composed by the library from the
//! other capabilities; rendered here as JSON (the report's data) or Markdown.

use crate::args::{OutputFormat, ReportArgs};
use crate::exit::usage_bail;
use anyhow::Result;
use hallyu_api::claims::{ClaimCheck, ClaimResult};
use hallyu_api::report::{claims_from_file, Report, ReportRequest};
use hallyu_api::scenario::ScenarioRequest;
use hallyu_api::series::SeriesFigures;
use hallyu_api::{DataSource, Request, Response, Version};
use hallyu_measure::claims::Verdict;
use hallyu_measure::indicators::{Indicators, YearIndicators};
use hallyu_render::{
    Block, Cell, Chart, ChartKind, ChartSeries, ColumnSpec, Positions, Row, Section, Table,
};

/// Runs the command.
pub fn run(a: ReportArgs) -> Result<u8> {
    let scenario = match &a.scenario {
        Some(path) => Some(Box::new(
            ScenarioRequest::from_toml_file(path).map_err(crate::exit::from_api)?,
        )),
        None => None,
    };
    let request = Request::Report(Box::new(ReportRequest {
        version: Version,
        country: a.country.clone(),
        peers: a.peers.clone(),
        bloc: a.bloc.clone(),
        group: a.group.clone(),
        years: a.years,
        data: a
            .data
            .clone()
            .map_or(DataSource::Embedded, DataSource::from_path),
        scenario,
        draws: a.draws,
        claims: match &a.claims {
            Some(path) => Some(claims_from_file(path).map_err(crate::exit::from_api)?),
            None => None,
        },
    }));
    let o = &a.output;
    // The report is a document: HTML unless another format is asked for, written to
    // `hallyu-report-<country>.html` unless --out names another place.
    let format = match o.format {
        OutputFormat::Table => OutputFormat::Html,
        f => f,
    };
    let out = match (&o.out, format, o.print_request) {
        (Some(p), _, _) => Some(p.clone()),
        (None, OutputFormat::Html, false) => Some(std::path::PathBuf::from(format!(
            "hallyu-report-{}.html",
            a.country.trim().to_ascii_uppercase()
        ))),
        _ => None,
    };
    let code = super::execute(&request, format, out.as_deref(), o.quiet, o.print_request)?;
    if let (Some(p), None, false, false) = (&out, &o.out, o.quiet, o.print_request) {
        if code != crate::exit::Status::Input.code() {
            eprintln!("wrote {}", p.display());
        }
    }
    Ok(code)
}

/// Renders a report: JSON (every call's request and response, in section order) or
/// Markdown (each response rendered as its command renders it).
pub fn render(r: &Report, format: OutputFormat) -> Result<String> {
    match format {
        OutputFormat::Json => {
            let mut s = serde_json::to_string_pretty(r)?;
            s.push('\n');
            Ok(s)
        }
        OutputFormat::Markdown => markdown(r),
        OutputFormat::Html => html(r),
        f => usage_bail!("a report is written as html, json or markdown, not {f:?}"),
    }
}

/// The report as one self-contained HTML page: each section's notes, then each call's own
/// tables and charts (or why it could not be answered), then the requests.
fn html(r: &Report) -> Result<String> {
    let mut sections: Vec<Section> = Vec::new();
    let mut head = vec![format!(
        "Peers: {}. Bloc: {}.",
        r.peers.join(", "),
        r.bloc.as_deref().unwrap_or("none")
    )];
    if !r.warnings.is_empty() {
        head.push("Not computed:".into());
        head.extend(r.warnings.iter().map(|w| format!("- {w}")));
    }
    sections.push(Section {
        title: vec!["Overview".into()],
        blocks: vec![Block::Table(key_figures(r)), Block::Notes { lines: head }],
    });
    for s in &r.sections {
        let mut blocks = vec![Block::Notes {
            lines: s.notes.clone(),
        }];
        blocks.extend(section_tables(r, &s.id).into_iter().map(Block::Table));
        blocks.extend(section_charts(r, &s.id).into_iter().map(Block::Chart));
        sections.push(Section {
            title: vec![s.title.clone()],
            blocks,
        });
        for c in &s.calls {
            match (&c.response, &c.failure) {
                // Each subgroup's indicators are drawn together above; their own tables
                // are in the JSON.
                (Some(_), _) if SUMMARISED.contains(&s.id.as_str()) => {}
                (Some(resp), _) => sections.extend(response_sections(&c.purpose, resp)?),
                (None, Some(f)) => sections.push(Section {
                    title: vec![c.purpose.clone()],
                    blocks: vec![Block::Notes {
                        lines: vec![format!("Not computed: {}", f.message)],
                    }],
                }),
                (None, None) => {}
            }
        }
    }
    sections.push(Section {
        title: vec!["Sources".into()],
        blocks: vec![Block::Table(sources_table(r))],
    });
    sections.push(Section {
        title: vec!["Definitions".into()],
        blocks: vec![Block::Notes {
            lines: r.definitions.clone(),
        }],
    });
    let mut methods = vec![format!(
        "Made by {}. Every number above comes from one of these requests; save one as a \
             file and run it with `hallyu run FILE` to get the same answer.",
        r.generator
    )];
    for s in &r.sections {
        for c in &s.calls {
            methods.push(format!(
                "{}: {}",
                c.purpose,
                serde_json::to_string(&c.request)?
            ));
        }
    }
    sections.push(Section {
        title: vec!["Methods and data".into()],
        blocks: vec![Block::Notes { lines: methods }],
    });
    let meta = hallyu_render::DocumentMeta {
        generator: "hallyu".into(),
        version: env!("CARGO_PKG_VERSION").into(),
        ..Default::default()
    };
    Ok(hallyu_render::html_document(&r.title, &sections, &meta))
}

/// Sections drawn as a whole (charts across their calls) rather than call by call: every
/// call's numbers are in the JSON format.
const SUMMARISED: [&str; 3] = ["composition", "markets", "integration"];

/// The indicators a section's calls answered.
fn indicators_of<'r>(r: &'r Report, id: &str) -> Vec<&'r Indicators> {
    r.sections
        .iter()
        .filter(|s| s.id == id)
        .flat_map(|s| &s.calls)
        .filter_map(|c| match &c.response {
            Some(Response::Indicators(i)) => Some(i.as_ref()),
            _ => None,
        })
        .collect()
}

/// Charts that compare across a section's calls: the country against its peers (HHI over
/// partners, world share) and the share of its trade with the bloc.
fn section_charts(r: &Report, id: &str) -> Vec<Chart> {
    let line = |title: String,
                label: &str,
                unit: &str,
                all: &[&Indicators],
                value: &dyn Fn(&YearIndicators) -> (Option<f64>, &'static str)| {
        // A series per subject, or per partner when the subjects are all one country.
        let by_partner = all.iter().all(|i| i.partner.is_some())
            && all.windows(2).all(|w| w[0].subject == w[1].subject);
        let mut years: Vec<i32> = all
            .iter()
            .flat_map(|i| i.years.iter().map(|y| y.year))
            .collect();
        years.sort_unstable();
        years.dedup();
        let series = all
            .iter()
            .map(|i| ChartSeries {
                name: if by_partner {
                    i.partner.clone().unwrap_or_default()
                } else {
                    i.subject.clone()
                },
                values: years
                    .iter()
                    .map(|year| match i.years.iter().find(|y| y.year == *year) {
                        None => Cell::null(format!("{} has no data for {year}", i.subject)),
                        Some(y) => match value(y) {
                            (Some(v), _) => Cell::number(v, 3),
                            (None, field) => Cell::null(
                                y.undefined
                                    .get(field)
                                    .cloned()
                                    .unwrap_or_else(|| "undefined".to_string()),
                            ),
                        },
                    })
                    .collect(),
            })
            .collect();
        Chart {
            kind: ChartKind::Line,
            title,
            x_label: "year".into(),
            value_label: label.into(),
            unit: (!unit.is_empty()).then(|| unit.to_string()),
            x: Positions::Numbers(years.iter().map(|y| f64::from(*y)).collect()),
            series,
            reference: None,
        }
    };
    match id {
        "markets" => {
            let (partners, peers): (Vec<&Indicators>, Vec<&Indicators>) =
                indicators_of(r, "markets")
                    .into_iter()
                    .partition(|i| i.partner.is_some());
            let mut charts = Vec::new();
            if !partners.is_empty() {
                charts.push(line(
                    format!(
                        "{}: its largest export markets, share of its trade",
                        r.country
                    ),
                    "share of trade",
                    "%",
                    &partners,
                    &|y| {
                        (
                            y.partner.as_ref().and_then(|p| p.share_of_trade_pct),
                            "share_of_trade_pct",
                        )
                    },
                ));
            }
            let mut all = indicators_of(r, "headline");
            all.extend(peers);
            if all.len() < 2 {
                return charts;
            }
            charts.extend([
                line(
                    format!(
                        "{} and its peers: concentration of exports over partners",
                        r.country
                    ),
                    "HHI over partners",
                    "0-10,000",
                    &all,
                    &|y| (y.hhi_partners_points, "hhi_partners"),
                ),
                line(
                    format!("{} and its peers: share of world exports", r.country),
                    "world share",
                    "%",
                    &all,
                    &|y| (y.world_share_pct, "world_share_pct"),
                ),
            ]);
            charts
        }
        "composition" => composition_charts(r),
        "integration" => {
            let all = indicators_of(r, "integration");
            match all.first() {
                Some(i) if i.partner.is_some() => vec![line(
                    format!(
                        "{}: trade with {} as a share of its trade",
                        r.country,
                        i.partner.as_deref().unwrap_or_default()
                    ),
                    "share of trade",
                    "%",
                    &all,
                    &|y| {
                        (
                            y.partner.as_ref().and_then(|p| p.share_of_trade_pct),
                            "share_of_trade_pct",
                        )
                    },
                )],
                _ => Vec::new(),
            }
        }
        _ => Vec::new(),
    }
}

/// One call's answer as sections, with the charts its kind has.
fn response_sections(purpose: &str, response: &Response) -> Result<Vec<Section>> {
    let titled = |mut s: Section| {
        s.title.insert(0, purpose.to_string());
        s
    };
    Ok(match response {
        Response::Indicators(i) => {
            let mut s = titled(hallyu_render::indicators_section(i));
            // Trade with a partner is drawn by the section (its share over the years); its
            // flows are the headline's.
            // A reader looks before reading: the charts come before the table.
            if i.partner.is_none() {
                let charts = hallyu_render::indicators_charts(i)
                    .into_iter()
                    .map(Block::Chart);
                s.blocks.splice(0..0, charts);
            }
            vec![s]
        }
        Response::Fit(f) => vec![titled(hallyu_render::comparison_section(&f.fits))],
        Response::Scenario(x) => super::simulate::scenario_html_sections(x)
            .into_iter()
            .map(titled)
            .collect(),
        Response::Potential(p) => {
            let mut s = titled(hallyu_render::potential_section(&p.potential, &p.notes));
            if let Some(chart) = hallyu_render::potential_chart(&p.potential) {
                s.blocks.insert(1, Block::Chart(chart));
            }
            vec![s]
        }
        Response::Series(s) => {
            let mut section = series_section(s);
            section.title = vec![purpose.to_string()];
            if let Some(chart) = series_chart(purpose, s) {
                section.blocks.insert(1, Block::Chart(chart));
            }
            vec![section]
        }
        Response::Projection(p) => vec![titled(hallyu_render::projection_section(p))],
        Response::Claim(c) => vec![Section {
            title: vec![purpose.to_string()],
            blocks: vec![Block::Notes {
                lines: vec![render_claim(c, OutputFormat::Table)?.trim_end().to_string()],
            }],
        }],
        other => vec![Section {
            title: vec![purpose.to_string()],
            blocks: vec![Block::Notes {
                lines: vec![super::render(other, OutputFormat::Table)?],
            }],
        }],
    })
}

fn markdown(r: &Report) -> Result<String> {
    let mut out = format!("# {}\n\n", r.title);
    out.push_str(&format!(
        "Peers: {}. Bloc: {}. Made by {}.\n\n",
        r.peers.join(", "),
        r.bloc.as_deref().unwrap_or("none"),
        r.generator
    ));
    if !r.warnings.is_empty() {
        out.push_str("**Not computed:**\n\n");
        for w in &r.warnings {
            out.push_str(&format!("- {w}\n"));
        }
        out.push('\n');
    }
    for s in &r.sections {
        out.push_str(&format!("## {}\n\n", s.title));
        for n in &s.notes {
            out.push_str(&format!("{n}\n\n"));
        }
        if SUMMARISED.contains(&s.id.as_str()) {
            let mut blocks: Vec<Block> = section_tables(r, &s.id)
                .into_iter()
                .map(Block::Table)
                .collect();
            blocks.extend(section_charts(r, &s.id).into_iter().map(Block::Chart));
            if !blocks.is_empty() {
                let drawn = Section {
                    title: Vec::new(),
                    blocks,
                };
                out.push_str(&drawn.markdown());
                out.push('\n');
            }
            for c in s.calls.iter().filter(|c| c.failure.is_some()) {
                if let Some(f) = &c.failure {
                    out.push_str(&format!("*{}: not computed:* {}\n\n", c.purpose, f.message));
                }
            }
            continue;
        }
        for c in &s.calls {
            out.push_str(&format!("### {}\n\n", c.purpose));
            match (&c.response, &c.failure) {
                (Some(resp), _) => {
                    out.push_str(&super::render(resp, OutputFormat::Markdown)?);
                    out.push('\n');
                }
                (None, Some(f)) => out.push_str(&format!("*Not computed:* {}\n\n", f.message)),
                (None, None) => {}
            }
        }
    }
    out.push_str("## Sources\n\n");
    out.push_str(&Section::of_table(Vec::new(), sources_table(r), Vec::new()).markdown());
    out.push_str("\n## Definitions\n\n");
    for d in &r.definitions {
        out.push_str(&format!("    {d}\n"));
    }
    out.push_str(&format!(
        "\n## Methods and data\n\nMade by {}. Every number above comes from one of these \
         requests; save one as a file and run it with `hallyu run FILE` to get the same \
         answer.\n\n",
        r.generator
    ));
    for s in &r.sections {
        for c in &s.calls {
            out.push_str(&format!(
                "- {}:\n\n```json\n{}\n```\n\n",
                c.purpose,
                serde_json::to_string(&c.request)?
            ));
        }
    }
    Ok(out)
}

/// Renders a claim check: JSON, or one paragraph with the numbers and the verdict.
pub fn render_claim(c: &ClaimCheck, format: OutputFormat) -> Result<String> {
    if format == OutputFormat::Json {
        let mut s = serde_json::to_string_pretty(c)?;
        s.push('\n');
        return Ok(s);
    }
    let numbers = match &c.result {
        ClaimResult::Share(s) => format!(
            "{} / {} = {:.4}% (stated {}%)",
            s.part.value, s.whole.value, s.implied_pct, s.pct.value
        ),
        ClaimResult::Value(v) => match v.found {
            Some(x) => format!("stated {}, the source gives {x}", v.stated.value),
            None => format!("stated {}", v.stated.value),
        },
    };
    let verdict = match c.verdict() {
        Verdict::Consistent => "consistent at the precision it was written with".to_string(),
        Verdict::Inconsistent { arithmetic } => format!("NOT CONSISTENT: {arithmetic}"),
        Verdict::NotCheckable { reason } => format!("not checkable: {reason}"),
    };
    Ok(match format {
        OutputFormat::Markdown => format!("\"{}\": {numbers}; **{verdict}**\n", c.statement),
        _ => format!("\"{}\": {numbers}; {verdict}\n", c.statement),
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
fn series_section(s: &SeriesFigures) -> Section {
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

/// Renders an embedded series' figures.
pub fn render_series(s: &SeriesFigures, format: OutputFormat) -> Result<String> {
    Ok(match format {
        OutputFormat::Json => {
            let mut t = serde_json::to_string_pretty(s)?;
            t.push('\n');
            t
        }
        OutputFormat::Csv => {
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
        OutputFormat::Html => super::html_page(&s.name, &[series_section(s)]),
        OutputFormat::Markdown => series_section(s).markdown(),
        OutputFormat::Latex => series_section(s).latex(),
        OutputFormat::Table => series_section(s).terminal(),
    })
}

/// An embedded series' figures drawn: over the years (a line), or, when each figure is
/// named (the sectors of one year), as bars without the total (the line's).
fn series_chart(title: &str, f: &SeriesFigures) -> Option<Chart> {
    let unit = series_unit(&f.column).map(str::to_string);
    let value = |p: &hallyu_api::series::SeriesPoint| {
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

/// Composition and specialisation: the country's exports by subgroup over the years
/// (stacked bars) and the RCA by subgroup of the country and its peers in the last year
/// with data (dots, a line at 1).
fn composition_charts(r: &Report) -> Vec<Chart> {
    let all = indicators_of(r, "composition");
    if all.is_empty() {
        return Vec::new();
    }
    let mut groups: Vec<String> = Vec::new();
    for i in &all {
        if !groups.contains(&i.group) {
            groups.push(i.group.clone());
        }
    }
    let find = |subject: &str, group: &str| {
        all.iter()
            .find(|i| i.subject == subject && i.group == group)
            .copied()
    };
    let short = |g: &str| g.rsplit('.').next().unwrap_or(g).to_string();
    let mut charts = Vec::new();
    let own: Vec<&Indicators> = all
        .iter()
        .filter(|i| i.subject == r.country)
        .copied()
        .collect();
    let mut years: Vec<i32> = own
        .iter()
        .flat_map(|i| i.years.iter().map(|y| y.year))
        .collect();
    years.sort_unstable();
    years.dedup();
    if !years.is_empty() {
        let unit = own
            .first()
            .map(|i| i.unit.clone())
            .filter(|u| !u.is_empty());
        charts.push(Chart {
            kind: ChartKind::StackedBars,
            title: format!("{}: exports by product group", r.country),
            x_label: "year".into(),
            value_label: "exports".into(),
            unit,
            x: Positions::Labels(years.iter().map(|y| y.to_string()).collect()),
            series: groups
                .iter()
                .map(|g| ChartSeries {
                    name: short(g),
                    values: years
                        .iter()
                        .map(|year| {
                            match find(&r.country, g)
                                .and_then(|i| i.years.iter().find(|y| y.year == *year))
                            {
                                Some(y) => Cell::number(y.exports, 0),
                                None => Cell::null(format!("no data on {g} in {year}")),
                            }
                        })
                        .collect(),
                })
                .collect(),
            reference: None,
        });
    }
    let mut subjects = vec![r.country.clone()];
    subjects.extend(r.peers.iter().cloned());
    let last = years.last().copied();
    if let Some(last) = last {
        charts.push(Chart {
            kind: ChartKind::Dots,
            title: format!(
                "Specialisation by product group, {last}: {} and its peers (RCA)",
                r.country
            ),
            x_label: "product group".into(),
            value_label: "RCA".into(),
            unit: None,
            x: Positions::Labels(groups.iter().map(|g| short(g)).collect()),
            series: subjects
                .iter()
                .map(|s| ChartSeries {
                    name: s.clone(),
                    values: groups
                        .iter()
                        .map(|g| {
                            match find(s, g).and_then(|i| i.years.iter().find(|y| y.year == last)) {
                                Some(y) => match y.rca {
                                    Some(v) => Cell::number(v, 2),
                                    None => Cell::null(
                                        y.undefined
                                            .get("rca")
                                            .cloned()
                                            .unwrap_or_else(|| "undefined".into()),
                                    ),
                                },
                                None => Cell::null(format!("no data for {s} on {g} in {last}")),
                            }
                        })
                        .collect(),
                })
                .collect(),
            reference: Some(hallyu_render::Reference {
                value: 1.0,
                label: "RCA = 1: as specialised as the world".into(),
            }),
        });
    }
    charts
}

/// The report's sources: what each gives, who published it, licence and vintage.
fn sources_table(r: &Report) -> Table {
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
fn section_tables(r: &Report, id: &str) -> Vec<Table> {
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

/// The report's answer in a dozen lines: the headline figures, each with where it comes
/// from; every one is a number of a section below.
fn key_figures(r: &Report) -> Table {
    let mut t = Table::new(vec![
        ColumnSpec::label("figure"),
        ColumnSpec::label("value"),
    ]);
    // The section a figure comes from is named in the figure (the table stays narrow
    // enough for a phone).
    let mut row = |figure: String, value: String, _section: &str| {
        t.rows
            .push(Row::Cells(vec![Cell::text(figure), Cell::text(value)]));
    };
    let responses = |id: &str| -> Vec<&Response> {
        r.sections
            .iter()
            .filter(|s| s.id == id)
            .flat_map(|s| &s.calls)
            .filter_map(|c| c.response.as_ref())
            .collect()
    };
    let num = hallyu_render::num;
    if let Some(i) = indicators_of(r, "headline").first() {
        if let Some(y) = i.years.last() {
            row(
                format!("Exports of {}, {} ({})", r.country, y.year, i.group),
                format!("{} {}", num(y.exports, 0), i.unit),
                "Headline",
            );
            if let Some(g) = i.cagr.iter().find(|g| g.series == "exports") {
                if let Some(c) = g.cagr_pct {
                    row(
                        format!("Growth of exports, {}-{}", g.from, g.to),
                        format!("{} % a year", num(c, 2)),
                        "Headline",
                    );
                }
            }
            if let Some(w) = y.world_share_pct {
                row(
                    format!("Share of world exports, {}", y.year),
                    format!("{} %", num(w, 2)),
                    "Headline",
                );
            }
        }
        if let Some(p) = i.top_partners.partners.first() {
            row(
                format!("Largest export market, {}", i.top_partners.year),
                format!("{}, {} % of exports", p.partner, num(p.share_pct, 1)),
                "Markets",
            );
        }
    }
    if let Some(i) = indicators_of(r, "integration").first() {
        if let (Some(y), Some(bloc)) = (i.years.last(), &i.partner) {
            if let Some(share) = y.partner.as_ref().and_then(|p| p.share_of_trade_pct) {
                row(
                    format!("Trade with {bloc}, share of total trade, {}", y.year),
                    format!("{} %", num(share, 1)),
                    "Regional integration",
                );
            }
        }
    }
    for resp in responses("gravity") {
        match resp {
            Response::Fit(f) => {
                // The RTA effect of the model with pair effects.
                let pair = f
                    .fits
                    .iter()
                    .filter(|fit| fit.formula.contains("pair_id"))
                    .find_map(|fit| fit.coef("rta"));
                if let Some(c) = pair {
                    row(
                        "Trade agreement effect (PPML, pair effects)".into(),
                        format!(
                            "{} (s.e. {}): {} % more trade",
                            num(c.estimate, 3),
                            num(c.std_error, 3),
                            num((c.estimate.exp() - 1.0) * 100.0, 0)
                        ),
                        "Trade costs",
                    );
                }
            }
            Response::Potential(p) => {
                if let Some(m) = p.potential.untapped(1).next() {
                    row(
                        format!("Largest untapped market, {}", p.potential.year),
                        format!(
                            "{} ({} observed, {} predicted{})",
                            m.partner,
                            num(m.actual, 0),
                            num(m.predicted, 0),
                            p.potential
                                .unit
                                .as_ref()
                                .map_or(String::new(), |u| format!(", {u}"))
                        ),
                        "Export potential",
                    );
                }
            }
            _ => {}
        }
    }
    for resp in responses("scenario") {
        if let Response::Scenario(x) = resp {
            if let Some(e) = x.effects.iter().find(|e| e.country == r.country) {
                let interval = x
                    .intervals
                    .iter()
                    .find(|c| c.country == r.country)
                    .and_then(|c| c.measures.get(3))
                    .map_or(String::new(), |(_, iv)| {
                        format!(" [{}, {}]", num(iv.low, 3), num(iv.high, 3))
                    });
                row(
                    format!("Scenario: real GDP of {}", r.country),
                    format!("{} %{interval}", num(e.real_gdp_full, 3)),
                    "Policy scenario",
                );
            }
        }
    }
    let (mut consistent, mut inconsistent, mut unknown) = (0, 0, 0);
    for resp in responses("claims") {
        match resp {
            Response::Claim(c) => match c.verdict() {
                Verdict::Consistent => consistent += 1,
                Verdict::Inconsistent { .. } => inconsistent += 1,
                Verdict::NotCheckable { .. } => unknown += 1,
            },
            Response::Projection(p) if p.consistent => consistent += 1,
            Response::Projection(_) => inconsistent += 1,
            _ => {}
        }
    }
    if consistent + inconsistent + unknown > 0 {
        row(
            "Claims checked".into(),
            format!(
                "{consistent} consistent, {inconsistent} not consistent, {unknown} not checkable"
            ),
            "Claims check",
        );
    }
    t
}
