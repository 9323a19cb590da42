//! A LaTeX `table` environment with booktabs rules.

use super::{text_rows, TextRow};
use crate::model::{Align, Block, Section, Table};

fn esc(s: &str) -> String {
    s.replace('\\', "\\textbackslash{}")
        .replace('&', "\\&")
        .replace('%', "\\%")
        .replace('_', "\\_")
        .replace('#', "\\#")
        .replace('^', "\\^{}")
        .replace('$', "\\$")
        .replace('~', "\\textasciitilde{}")
        .replace('<', "\\textless{}")
        .replace('>', "\\textgreater{}")
        .replace('|', "\\textbar{}")
}

/// One `table`: the title as its caption, a `tabular` per table, the notes in small type.
pub(super) fn render(s: &Section) -> String {
    let mut out = String::from("\\begin{table}[htbp]\n\\centering\n");
    if !s.title.is_empty() {
        out.push_str(&format!("\\caption{{{}}}\n", esc(&s.title.join("; "))));
    }
    for b in &s.blocks {
        match b {
            Block::Table(t) => table(t, &mut out),
            Block::Chart(c) => {
                out.push_str(&format!("\\par {}\n", esc(&c.title)));
                table(&c.table(), &mut out);
            }
            Block::HeatMap(h) => {
                out.push_str(&format!("\\par {}\n", esc(&h.title)));
                table(&h.table(), &mut out);
            }
            Block::Notes { lines } if !lines.is_empty() => {
                out.push_str(&format!("\\par\\footnotesize {}\n", esc(&lines.join(" "))));
            }
            Block::Notes { .. } | Block::Series(_) => {}
        }
    }
    out.push_str("\\end{table}\n");
    out
}

fn table(t: &Table, out: &mut String) {
    let (header, rows) = text_rows(t);
    let cols: String = t
        .columns
        .iter()
        .map(|c| match c.align {
            Align::Left => 'l',
            Align::Right => 'r',
        })
        .collect();
    let join = |cells: &[String]| cells.iter().map(|x| esc(x)).collect::<Vec<_>>().join(" & ");
    out.push_str(&format!("\\begin{{tabular}}{{{cols}}}\n\\toprule\n"));
    out.push_str(&format!("{} \\\\\n\\midrule\n", join(&header)));
    for r in &rows {
        match r {
            TextRow::Cells(c) => out.push_str(&format!("{} \\\\\n", join(c))),
            TextRow::Rule => out.push_str("\\midrule\n"),
            TextRow::Heading(h) => out.push_str(&format!(
                "\\multicolumn{{{}}}{{l}}{{{}}} \\\\\n",
                t.columns.len().max(1),
                esc(h)
            )),
        }
    }
    out.push_str("\\bottomrule\n\\end{tabular}\n");
}
