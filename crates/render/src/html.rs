//! One self-contained HTML file from typed sections: inline CSS and SVG, no script, no
//! font or address fetched; readable on a phone (tables scroll inside their box, charts
//! scale with their `viewBox`) and printed on A4. Every table has a caption, every null
//! cell its reason as a numbered footnote (and a `title`), every chart its text
//! alternative and the table of its numbers one click away. All text is escaped.

use crate::chart::{Chart, Drawn, HeatMap};
use crate::format;
use crate::markup::escape;
use crate::model::{Align, Block, Cell, Row, Section, Table};

/// What a document says about itself: what made it, when, and from which data.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct DocumentMeta {
    /// The program that wrote it (`hallyu`).
    pub generator: String,
    /// Its version.
    pub version: String,
    /// When it was made, as the caller writes dates (the renderer reads no clock).
    pub date: Option<String>,
    /// The data's sources, one line each (name, licence, vintage).
    pub sources: Vec<String>,
}

/// The style sheet: one column of text, tables that scroll sideways in their box,
/// charts that scale, and an A4 page in print. Every page holds it as its only `<style>`
/// element, so that a front end can allow exactly it in a content security policy.
pub const STYLE: &str = "\
:root{color-scheme:light}\
body{margin:0;color:#1a1a1a;background:#fff;font:16px/1.5 system-ui,-apple-system,'Segoe UI',Roboto,'Noto Sans',sans-serif}\
main{max-width:60rem;margin:0 auto;padding:1rem}\
h1{font-size:1.6rem;line-height:1.25;margin:.5rem 0}\
h2{font-size:1.3rem;line-height:1.3;margin:2rem 0 .5rem;padding-bottom:.2rem;border-bottom:1px solid #ccc}\
p,li{overflow-wrap:anywhere}\
.meta,.subtitle{color:#444;margin:.2rem 0}\
.table-wrap{overflow-x:auto;max-width:100%;margin:.75rem 0}\
table{border-collapse:collapse;font-size:.9rem;font-variant-numeric:tabular-nums}\
caption{text-align:left;font-weight:600;padding:.25rem 0;caption-side:top}\
th,td{padding:.2rem .6rem;white-space:nowrap;border-bottom:1px solid #eee}\
.r{text-align:right}.l{text-align:left}\
thead th{border-bottom:2px solid #333;vertical-align:bottom;white-space:normal}\
tbody+tbody{border-top:2px solid #999}\
tr.heading th{text-align:left;font-style:italic;background:#f5f5f5}\
td.null{color:#666}\
.reasons{font-size:.8rem;color:#444;margin:.25rem 0 1rem;padding-left:1.5rem}\
.notes{font-size:.9rem;color:#333}.notes p{margin:.2rem 0}\
figure.chart{margin:1.5rem 0}\
figure.chart svg{display:block;width:100%;max-width:36rem;height:auto}\
.no-chart{padding:1rem;border:1px dashed #999;color:#444}\
.unplotted{font-size:.9rem;color:#444}\
summary{cursor:pointer;color:#0057a0}\
footer{margin-top:2rem;border-top:1px solid #ccc;font-size:.85rem;color:#444}\
@media (max-width:40rem){body{font-size:15px}main{padding:.5rem}tbody th{white-space:normal}}\
@media print{@page{size:A4;margin:15mm}body{font-size:10pt}main{max-width:none;padding:0}\
.table-wrap{overflow:visible}figure{break-inside:avoid}h2{break-after:avoid}\
table{font-size:7.5pt}th,td{padding:.1rem .15rem;white-space:normal}\
figure.chart svg{max-width:14cm}summary{color:#000}}";

/// The whole document: `title` as its heading, then each section, then the sources.
pub fn html_document(title: &str, sections: &[Section], meta: &DocumentMeta) -> String {
    let generator = format!("{} {}", meta.generator, meta.version);
    let mut out = format!(
        "<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\"/>\
         <meta name=\"viewport\" content=\"width=device-width, initial-scale=1\"/>\
         <meta name=\"generator\" content=\"{g}\"/><title>{t}</title><style>{STYLE}</style></head>\n\
         <body><main><header><h1>{t}</h1><p class=\"meta\">Produced by {g}{d}.</p></header>\n",
        g = escape(generator.trim()),
        t = escape(title),
        d = meta
            .date
            .as_deref()
            .map_or(String::new(), |d| format!(" on {}", escape(d))),
    );
    let mut ids = Ids::default();
    for s in sections {
        section(s, &mut ids, &mut out);
    }
    if !meta.sources.is_empty() {
        out.push_str("<footer><h2>Sources</h2><ul>");
        for s in &meta.sources {
            out.push_str(&format!("<li>{}</li>", escape(s)));
        }
        out.push_str("</ul></footer>");
    }
    out.push_str("</main></body></html>\n");
    out
}

/// Numbers that make the document's ids unique (footnotes of null cells).
#[derive(Default)]
struct Ids {
    tables: usize,
}

fn section(s: &Section, ids: &mut Ids, out: &mut String) {
    out.push_str("<section>");
    let mut title = s.title.iter();
    if let Some(h) = title.next() {
        out.push_str(&format!("<h2>{}</h2>", escape(h)));
    }
    for line in title {
        out.push_str(&format!("<p class=\"subtitle\">{}</p>", escape(line)));
    }
    let caption = s.title.first().map_or("Table", String::as_str);
    for b in &s.blocks {
        match b {
            Block::Table(t) => table(t, caption, ids, out),
            Block::Notes { lines } if !lines.is_empty() => {
                out.push_str("<div class=\"notes\">");
                for l in lines {
                    out.push_str(&format!("<p>{}</p>", escape(l)));
                }
                out.push_str("</div>");
            }
            Block::Chart(c) => chart(c, ids, out),
            Block::HeatMap(h) => heat_map(h, ids, out),
            // A series is data for a chart; a section shows it through a chart block.
            Block::Notes { .. } | Block::Series(_) => {}
        }
    }
    out.push_str("</section>\n");
}

/// A table in a box that scrolls sideways; nulls numbered, their reasons listed below.
fn table(t: &Table, caption: &str, ids: &mut Ids, out: &mut String) {
    ids.tables += 1;
    let id = ids.tables;
    let mut reasons: Vec<&str> = Vec::new();
    let align = |i: usize| match t.columns.get(i).map_or(Align::Right, |c| c.align) {
        Align::Left => "l",
        Align::Right => "r",
    };
    out.push_str(&format!(
        "<div class=\"table-wrap\" role=\"region\" tabindex=\"0\" aria-label=\"{c}\"><table><caption>{c}</caption><thead><tr>",
        c = escape(caption)
    ));
    for (i, col) in t.columns.iter().enumerate() {
        out.push_str(&format!(
            "<th scope=\"col\" class=\"{}\">{}</th>",
            align(i),
            escape(&col.heading())
        ));
    }
    out.push_str("</tr></thead><tbody>");
    let width = t.columns.len().max(1);
    for r in &t.rows {
        match r {
            Row::Rule => out.push_str("</tbody><tbody>"),
            Row::Heading(h) => out.push_str(&format!(
                "<tr class=\"heading\"><th colspan=\"{width}\" scope=\"colgroup\">{}</th></tr>",
                escape(h)
            )),
            Row::Cells(cells) => {
                out.push_str("<tr>");
                for (i, cell) in cells.iter().enumerate() {
                    let (tag, scope) = if i == 0 {
                        ("th", " scope=\"row\"")
                    } else {
                        ("td", "")
                    };
                    match cell {
                        Cell::Null { reason } => {
                            let k = match reasons.iter().position(|r| r == reason) {
                                Some(k) => k + 1,
                                None => {
                                    reasons.push(reason);
                                    reasons.len()
                                }
                            };
                            out.push_str(&format!(
                                "<{tag}{scope} class=\"{} null\" title=\"{}\">{}<sup><a href=\"#t{id}-r{k}\">{k}</a></sup></{tag}>",
                                align(i),
                                escape(reason),
                                escape(&t.null_text)
                            ));
                        }
                        c => out.push_str(&format!(
                            "<{tag}{scope} class=\"{}\">{}</{tag}>",
                            align(i),
                            escape(&format::cell(c, &t.null_text))
                        )),
                    }
                }
                out.push_str("</tr>");
            }
        }
    }
    out.push_str("</tbody></table></div>");
    if !reasons.is_empty() {
        out.push_str("<ol class=\"reasons\" aria-label=\"Why values are missing\">");
        for (k, r) in reasons.iter().enumerate() {
            out.push_str(&format!(
                "<li id=\"t{id}-r{}\">{}: {}</li>",
                k + 1,
                escape(&t.null_text),
                escape(r)
            ));
        }
        out.push_str("</ol>");
    }
}

/// A chart (or the sentence saying why there is none), what it could not draw, and the
/// table of its numbers behind a click.
fn chart(c: &Chart, ids: &mut Ids, out: &mut String) {
    figure(c.svg(), &c.title, &[c.table()], ids, out);
}

/// Columns of values in one table of a heat map's numbers: a printed page holds them.
const HEAT_MAP_TABLE_COLUMNS: usize = 8;

/// A heat map, as a chart: its drawing, the rows it leaves out, its numbers behind a
/// click (in tables narrow enough to print).
fn heat_map(h: &HeatMap, ids: &mut Ids, out: &mut String) {
    figure(
        h.svg(),
        &h.title,
        &h.tables(HEAT_MAP_TABLE_COLUMNS),
        ids,
        out,
    );
}

/// A drawing (or why there is none), what it leaves out, and its tables of numbers
/// behind a click.
fn figure(drawn: Drawn, title: &str, numbers: &[Table], ids: &mut Ids, out: &mut String) {
    out.push_str("<figure class=\"chart\">");
    match drawn {
        Drawn::Svg { svg, unplotted } => {
            out.push_str(&svg);
            if !unplotted.is_empty() {
                out.push_str("<ul class=\"unplotted\">");
                for u in unplotted {
                    out.push_str(&format!("<li>{}</li>", escape(&u)));
                }
                out.push_str("</ul>");
            }
        }
        Drawn::Nothing { reason } => {
            out.push_str(&format!("<p class=\"no-chart\">{}</p>", escape(&reason)));
        }
    }
    out.push_str(&format!(
        "<figcaption><details><summary>Numbers plotted: {}</summary>",
        escape(title)
    ));
    for t in numbers {
        table(t, title, ids, out);
    }
    out.push_str("</details></figcaption></figure>");
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::chart::{ChartKind, ChartSeries, Positions};
    use crate::markup::tests::well_formed;
    use crate::model::ColumnSpec;

    const HOSTILE: &str = "<script>alert('x')</script>";

    /// A document with every kind of block: a table with a heading row, a rule and a
    /// null, notes, a series, a chart, and a chart with nothing to draw.
    fn document() -> String {
        let mut t = Table::new(vec![
            ColumnSpec::label("partner"),
            ColumnSpec::in_unit("share", "%"),
        ]);
        t.rows = vec![
            Row::Heading("Top partners".into()),
            Row::Cells(vec![
                Cell::text("Côte d'Ivoire & <Ghana>"),
                Cell::percent(12.345, 2),
            ]),
            Row::Rule,
            Row::Cells(vec![Cell::text("JPN"), Cell::null("no trade reported")]),
            Row::Cells(vec![Cell::text("CHN"), Cell::null("no trade reported")]),
        ];
        let chart = crate::chart::tests::line();
        let mut empty = chart.clone();
        empty.title = "Nothing here".into();
        empty.kind = ChartKind::Bars;
        empty.x = Positions::Labels(vec!["KOR".into()]);
        empty.series = vec![ChartSeries {
            name: "effect".into(),
            values: vec![Cell::null("the scenario failed")],
        }];
        let sections = vec![
            Section {
                title: vec!["Markets".into(), "values in USD".into()],
                blocks: vec![
                    Block::Table(t),
                    Block::Notes {
                        lines: vec![format!("a note {HOSTILE}")],
                    },
                    Block::Series(crate::model::Series {
                        name: "exports".into(),
                        unit: None,
                        points: vec![(2020.0, Some(1.0))],
                    }),
                ],
            },
            Section {
                title: vec!["Trends".into()],
                blocks: vec![Block::Chart(chart), Block::Chart(empty)],
            },
        ];
        let meta = DocumentMeta {
            generator: "hallyu".into(),
            version: "0.1.0".into(),
            date: Some("2026-12-06".into()),
            sources: vec!["CEPII gravity (Etalab 2.0), 2023 vintage".into()],
        };
        html_document(&format!("Report on {HOSTILE}"), &sections, &meta)
    }

    #[test]
    fn every_part_of_the_document_is_there() {
        let html = document();
        well_formed(&html).unwrap_or_else(|e| panic!("{e}"));
        for part in [
            "<!DOCTYPE html>",
            "<meta name=\"viewport\"",
            "<meta name=\"generator\" content=\"hallyu 0.1.0\"/>",
            "Produced by hallyu 0.1.0 on 2026-12-06.",
            "<h2>Markets</h2><p class=\"subtitle\">values in USD</p>",
            "<caption>Markets</caption>",
            "<th scope=\"col\" class=\"r\">share %</th>",
            "<tr class=\"heading\"><th colspan=\"2\" scope=\"colgroup\">Top partners</th></tr>",
            "</tbody><tbody>",
            "<td class=\"r\">12.35</td>",
            "<h2>Trends</h2>",
            "<figure class=\"chart\"><svg ",
            "<details><summary>Numbers plotted: Trade of &lt;KOR&gt; &amp; peers</summary>",
            "<p class=\"no-chart\">Nothing here: nothing to draw, no series has a value (effect: no value to draw (the scenario failed))</p>",
            "<footer><h2>Sources</h2><ul><li>CEPII gravity (Etalab 2.0), 2023 vintage</li>",
            "@media print{@page{size:A4",
            ".table-wrap{overflow-x:auto",
        ] {
            assert!(html.contains(part), "{part} missing from {html}");
        }
        // The series block is data for charts: nothing of it shows.
        assert_eq!(html.matches("<svg ").count(), 1);
        // One table per table block and per chart (behind its click), even the empty one.
        assert_eq!(html.matches("<table>").count(), 3);
    }

    #[test]
    fn nulls_keep_their_reason_once_per_table() {
        let html = document();
        let null = "<td class=\"r null\" title=\"no trade reported\">n/a<sup><a href=\"#t1-r1\">1</a></sup></td>";
        assert_eq!(html.matches(null).count(), 2, "{html}");
        assert_eq!(
            html.matches("<li id=\"t1-r1\">n/a: no trade reported</li>")
                .count(),
            1
        );
        // The chart's table numbers its own footnotes.
        assert!(
            html.contains("<li id=\"t2-r1\">n/a: no report this year</li>"),
            "{html}"
        );
    }

    #[test]
    fn user_text_is_escaped_and_nothing_is_fetched_or_run() {
        let html = document();
        assert!(!html.contains("<script"), "{html}");
        assert!(html.contains("a note &lt;script&gt;alert(&#39;x&#39;)&lt;/script&gt;"));
        assert!(html.contains("<title>Report on &lt;script&gt;"));
        assert!(html
            .contains("<th scope=\"row\" class=\"l\">Côte d&#39;Ivoire &amp; &lt;Ghana&gt;</th>"));
        for fetch in [
            "src=",
            "href=\"http",
            "url(",
            "@import",
            "<link",
            "<img",
            "<iframe",
        ] {
            assert!(!html.contains(fetch), "{fetch} in {html}");
        }
        assert!(!html.contains("NaN"));
    }
}
