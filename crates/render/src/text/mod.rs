//! The text formats of a [`Section`]: an aligned terminal table, GitHub-flavoured
//! Markdown, and a LaTeX `table`. Cells become text through [`crate::format::cell`] only.

mod latex;
mod markdown;
mod terminal;

use crate::format;
use crate::model::{Row, Section, Table};

impl Section {
    /// Aligned plain text: labels left-aligned, values right-aligned.
    pub fn terminal(&self) -> String {
        terminal::render(self)
    }

    /// GitHub-flavoured Markdown.
    pub fn markdown(&self) -> String {
        markdown::render(self)
    }

    /// A LaTeX `table` with a `tabular` (booktabs rules).
    pub fn latex(&self) -> String {
        latex::render(self)
    }
}

/// A row with its cells made text.
enum TextRow {
    Cells(Vec<String>),
    Rule,
    Heading(String),
}

/// The headers and the rows of a table as text.
fn text_rows(t: &Table) -> (Vec<String>, Vec<TextRow>) {
    let header = t.columns.iter().map(|c| c.heading()).collect();
    let rows = t
        .rows
        .iter()
        .map(|r| match r {
            Row::Cells(cells) => TextRow::Cells(
                cells
                    .iter()
                    .map(|c| format::cell(c, &t.null_text))
                    .collect(),
            ),
            Row::Rule => TextRow::Rule,
            Row::Heading(h) => TextRow::Heading(h.clone()),
        })
        .collect();
    (header, rows)
}

#[cfg(test)]
mod tests {
    use crate::model::{Cell, ColumnSpec, Row, Section, Table};

    fn section() -> Section {
        let mut t = Table::new(vec![
            ColumnSpec::label("term"),
            ColumnSpec::value("estimate"),
        ]);
        t.rows = vec![
            Row::Cells(vec![Cell::text("log_dist"), Cell::number(-0.8, 1)]),
            Row::Rule,
            Row::Cells(vec![Cell::text("N"), Cell::integer(10)]),
        ];
        Section::of_table(vec!["T".into()], t, vec!["note".into()])
    }

    #[test]
    fn terminal_aligns_right() {
        let t = section().terminal();
        assert!(t.contains("log_dist      -0.8"), "{t}");
        assert!(t.contains("N               10"), "{t}");
    }

    #[test]
    fn latex_escapes() {
        let l = section().latex();
        assert!(l.contains("log\\_dist & -0.8"), "{l}");
        assert!(l.contains("\\toprule"));
    }

    #[test]
    fn markdown_has_alignment_row() {
        assert!(section().markdown().contains("| :-- | --: |"));
    }

    #[test]
    fn left_aligned_value_columns_pad_on_the_right() {
        let mut t = Table::new(vec![
            ColumnSpec::label("a"),
            ColumnSpec::label("bb"),
            ColumnSpec::value("c"),
        ]);
        t.rows = vec![Row::Cells(vec![
            Cell::text("x"),
            Cell::text("y"),
            Cell::integer(1),
        ])];
        let s = Section::of_table(Vec::new(), t, Vec::new());
        assert_eq!(s.terminal(), "a  bb  c\n--------\nx  y   1\n");
        assert!(s.markdown().contains("| :-- | :-- | --: |"));
        assert!(s.latex().contains("\\begin{tabular}{llr}"));
    }

    #[test]
    fn a_chart_shows_as_the_table_of_its_numbers() {
        let mut s = section();
        let before = s.terminal();
        s.blocks
            .push(crate::model::Block::Chart(crate::chart::tests::line()));
        let text = s.terminal();
        assert!(text.starts_with(&before), "{text}");
        assert!(
            text.contains("Trade of <KOR> & peers\nyear  exports USD bn"),
            "{text}"
        );
        assert!(text.contains("2012            3.50"), "{text}");
        let md = s.markdown();
        assert!(md.contains("*Trade of <KOR> & peers*"), "{md}");
        assert!(md.contains("| 2012 | 3.50 | n/a | n/a |"), "{md}");
        assert!(s
            .latex()
            .contains("\\par Trade of \\textless{}KOR\\textgreater{} \\& peers"));
    }
}
