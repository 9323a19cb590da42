//! GitHub-flavoured Markdown.

use super::{text_rows, TextRow};
use crate::model::{Align, Block, Section, Table};

fn esc(s: &str) -> String {
    s.replace('|', "\\|")
}

/// Bold title lines, then each table and each block of notes (lines ending in a hard
/// break).
pub(super) fn render(s: &Section) -> String {
    let mut out = String::new();
    for t in &s.title {
        out.push_str(&format!("**{}**\n\n", esc(t)));
    }
    for b in &s.blocks {
        match b {
            Block::Table(t) => table(t, &mut out),
            Block::Chart(c) => {
                out.push_str(&format!("\n*{}*\n\n", esc(&c.title)));
                table(&c.table(), &mut out);
            }
            Block::HeatMap(h) => {
                out.push_str(&format!("\n*{}*\n\n", esc(&h.title)));
                table(&h.table(), &mut out);
            }
            Block::Notes { lines } if !lines.is_empty() => {
                out.push('\n');
                for n in lines {
                    out.push_str(&format!("{}  \n", esc(n)));
                }
            }
            Block::Notes { .. } | Block::Series(_) => {}
        }
    }
    out
}

fn table(t: &Table, out: &mut String) {
    let (header, rows) = text_rows(t);
    let join = |cells: &[String]| cells.iter().map(|x| esc(x)).collect::<Vec<_>>().join(" | ");
    out.push_str(&format!("| {} |\n", join(&header)));
    let align: Vec<&str> = t
        .columns
        .iter()
        .map(|c| match c.align {
            Align::Left => ":--",
            Align::Right => "--:",
        })
        .collect();
    out.push_str(&format!("| {} |\n", align.join(" | ")));
    for r in &rows {
        match r {
            TextRow::Cells(c) => out.push_str(&format!("| {} |\n", join(c))),
            TextRow::Heading(h) => {
                let blanks = " |".repeat(t.columns.len().saturating_sub(1));
                out.push_str(&format!("| **{}** |{blanks}\n", esc(h)));
            }
            TextRow::Rule => {}
        }
    }
}
