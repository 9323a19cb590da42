//! The intermediate table every text format is rendered from.

/// A row of a [`Grid`].
#[derive(Debug, Clone, PartialEq)]
pub enum Row {
    /// Cells, first one the label.
    Cells(Vec<String>),
    /// A horizontal rule.
    Rule,
    /// A line of text across the whole table (does not set column widths).
    Text(String),
}

/// A titled table with notes.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct Grid {
    /// Lines printed above the table.
    pub title: Vec<String>,
    /// Column headers.
    pub header: Vec<String>,
    /// Body.
    pub rows: Vec<Row>,
    /// Lines printed below the table.
    pub notes: Vec<String>,
}

impl Grid {
    fn widths(&self) -> Vec<usize> {
        let mut w: Vec<usize> = self.header.iter().map(|h| h.chars().count()).collect();
        for r in &self.rows {
            if let Row::Cells(c) = r {
                for (i, s) in c.iter().enumerate() {
                    if i >= w.len() {
                        w.push(0);
                    }
                    w[i] = w[i].max(s.chars().count());
                }
            }
        }
        w
    }

    /// Aligned plain text: label column left-aligned, the others right-aligned.
    pub fn terminal(&self) -> String {
        let w = self.widths();
        let total: usize = w.iter().sum::<usize>() + 2 * w.len().saturating_sub(1);
        let line = |cells: &[String]| {
            let mut s = String::new();
            for (i, c) in cells.iter().enumerate() {
                let pad = w[i].saturating_sub(c.chars().count());
                if i == 0 {
                    s.push_str(c);
                    s.push_str(&" ".repeat(pad));
                } else {
                    s.push_str("  ");
                    s.push_str(&" ".repeat(pad));
                    s.push_str(c);
                }
            }
            s.trim_end().to_string()
        };
        let mut out = String::new();
        for t in &self.title {
            out.push_str(t);
            out.push('\n');
        }
        out.push_str(&line(&self.header));
        out.push('\n');
        out.push_str(&"-".repeat(total));
        out.push('\n');
        for r in &self.rows {
            match r {
                Row::Cells(c) => out.push_str(&line(c)),
                Row::Rule => out.push_str(&"-".repeat(total)),
                Row::Text(t) => out.push_str(t),
            }
            out.push('\n');
        }
        for n in &self.notes {
            out.push_str(n);
            out.push('\n');
        }
        out
    }

    /// GitHub-flavoured Markdown.
    pub fn markdown(&self) -> String {
        let esc = |s: &str| s.replace('|', "\\|");
        let mut out = String::new();
        for t in &self.title {
            out.push_str(&format!("**{}**\n\n", esc(t)));
        }
        out.push_str(&format!(
            "| {} |\n",
            self.header
                .iter()
                .map(|h| esc(h))
                .collect::<Vec<_>>()
                .join(" | ")
        ));
        let align: Vec<&str> = (0..self.header.len())
            .map(|i| if i == 0 { ":--" } else { "--:" })
            .collect();
        out.push_str(&format!("| {} |\n", align.join(" | ")));
        for r in &self.rows {
            match r {
                Row::Cells(c) => out.push_str(&format!(
                    "| {} |\n",
                    c.iter().map(|x| esc(x)).collect::<Vec<_>>().join(" | ")
                )),
                Row::Text(t) => {
                    let blanks = " |".repeat(self.header.len().saturating_sub(1));
                    out.push_str(&format!("| **{}** |{blanks}\n", esc(t)));
                }
                Row::Rule => {}
            }
        }
        if !self.notes.is_empty() {
            out.push('\n');
            for n in &self.notes {
                out.push_str(&format!("{}  \n", esc(n)));
            }
        }
        out
    }

    /// A LaTeX `table` with a `tabular` (booktabs rules).
    pub fn latex(&self) -> String {
        let esc = |s: &str| {
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
        };
        let cols = format!("l{}", "r".repeat(self.header.len().saturating_sub(1)));
        let mut out = String::from("\\begin{table}[htbp]\n\\centering\n");
        if !self.title.is_empty() {
            out.push_str(&format!("\\caption{{{}}}\n", esc(&self.title.join("; "))));
        }
        out.push_str(&format!("\\begin{{tabular}}{{{cols}}}\n\\toprule\n"));
        out.push_str(&format!(
            "{} \\\\\n\\midrule\n",
            self.header
                .iter()
                .map(|h| esc(h))
                .collect::<Vec<_>>()
                .join(" & ")
        ));
        for r in &self.rows {
            match r {
                Row::Cells(c) => out.push_str(&format!(
                    "{} \\\\\n",
                    c.iter().map(|x| esc(x)).collect::<Vec<_>>().join(" & ")
                )),
                Row::Rule => out.push_str("\\midrule\n"),
                Row::Text(t) => out.push_str(&format!(
                    "\\multicolumn{{{}}}{{l}}{{{}}} \\\\\n",
                    self.header.len().max(1),
                    esc(t)
                )),
            }
        }
        out.push_str("\\bottomrule\n\\end{tabular}\n");
        if !self.notes.is_empty() {
            out.push_str(&format!(
                "\\par\\footnotesize {}\n",
                esc(&self.notes.join(" "))
            ));
        }
        out.push_str("\\end{table}\n");
        out
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn grid() -> Grid {
        Grid {
            title: vec!["T".into()],
            header: vec!["term".into(), "estimate".into()],
            rows: vec![
                Row::Cells(vec!["log_dist".into(), "-0.8".into()]),
                Row::Rule,
                Row::Cells(vec!["N".into(), "10".into()]),
            ],
            notes: vec!["note".into()],
        }
    }

    #[test]
    fn terminal_aligns_right() {
        let t = grid().terminal();
        assert!(t.contains("log_dist      -0.8"), "{t}");
        assert!(t.contains("N               10"), "{t}");
    }

    #[test]
    fn latex_escapes() {
        let l = grid().latex();
        assert!(l.contains("log\\_dist & -0.8"), "{l}");
        assert!(l.contains("\\toprule"));
    }

    #[test]
    fn markdown_has_alignment_row() {
        assert!(grid().markdown().contains("| :-- | --: |"));
    }
}
