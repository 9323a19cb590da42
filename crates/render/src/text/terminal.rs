//! Aligned plain text for a terminal.

use super::{text_rows, TextRow};
use crate::model::{Align, Block, Section, Table};

/// Title lines, then each table (header, rule, rows) and each block of notes.
pub(super) fn render(s: &Section) -> String {
    let mut out = String::new();
    for t in &s.title {
        out.push_str(t);
        out.push('\n');
    }
    for b in &s.blocks {
        match b {
            Block::Table(t) => table(t, &mut out),
            Block::Chart(c) => {
                out.push_str(&c.title);
                out.push('\n');
                table(&c.table(), &mut out);
            }
            Block::HeatMap(h) => {
                out.push_str(&h.title);
                out.push('\n');
                table(&h.table(), &mut out);
            }
            Block::Notes { lines } => {
                for n in lines {
                    out.push_str(n);
                    out.push('\n');
                }
            }
            Block::Series(_) => {}
        }
    }
    out
}

fn table(t: &Table, out: &mut String) {
    let (header, rows) = text_rows(t);
    let mut w: Vec<usize> = header.iter().map(|h| h.chars().count()).collect();
    for r in &rows {
        if let TextRow::Cells(c) = r {
            for (i, s) in c.iter().enumerate() {
                if i >= w.len() {
                    w.push(0);
                }
                w[i] = w[i].max(s.chars().count());
            }
        }
    }
    let total: usize = w.iter().sum::<usize>() + 2 * w.len().saturating_sub(1);
    let align = |i: usize| t.columns.get(i).map_or(Align::Right, |c| c.align);
    let line = |cells: &[String]| {
        let mut s = String::new();
        for (i, c) in cells.iter().enumerate() {
            let pad = " ".repeat(w[i].saturating_sub(c.chars().count()));
            if i > 0 {
                s.push_str("  ");
            }
            match align(i) {
                Align::Left => {
                    s.push_str(c);
                    s.push_str(&pad);
                }
                Align::Right => {
                    s.push_str(&pad);
                    s.push_str(c);
                }
            }
        }
        s.trim_end().to_string()
    };
    out.push_str(&line(&header));
    out.push('\n');
    out.push_str(&"-".repeat(total));
    out.push('\n');
    for r in &rows {
        match r {
            TextRow::Cells(c) => out.push_str(&line(c)),
            TextRow::Rule => out.push_str(&"-".repeat(total)),
            TextRow::Heading(h) => out.push_str(h),
        }
        out.push('\n');
    }
}
