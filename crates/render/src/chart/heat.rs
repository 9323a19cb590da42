//! Heat maps: a value per row and column drawn as a colour on one sequential scale (an
//! indicator-by-unit map of normalised scores), with a legend, missing values drawn grey
//! and hatched, the columns grouped under their group's name, one row highlighted, and
//! at most [`HeatMap::max_rows`] rows drawn (every row is in the table that goes with it).
//!
//! The SVG follows the other charts: a title, a text alternative (`<title>`, `<desc>`,
//! `role="img"`, `aria-label`), a tooltip per cell, no script and no reference outside
//! the drawing (the hatching is a line per cell, not a pattern with an id).

use super::layout::{c, shorten, text_width, tick, FONT, WIDTH};
use super::svg::{wrap, LEGEND_TOP, TITLE_CHARS, TITLE_LINE};
use super::Drawn;
use crate::format;
use crate::markup::escape;
use crate::model::{Cell, ColumnSpec, Row, Table};
use serde::{Deserialize, Serialize};

/// A heat map: rows (units, in the order drawn) by columns (indicators, grouped), a
/// colour per value.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct HeatMap {
    /// What the map shows (its caption and the start of its text alternative).
    pub title: String,
    /// What the rows are (`unit`).
    pub row_label: String,
    /// What the values are (`normalised score`), shown with the legend.
    pub value_label: String,
    /// The rows' labels, in the order drawn (`1 CHN`).
    pub rows: Vec<String>,
    /// The columns, in order; consecutive columns of one group are drawn under its name.
    pub columns: Vec<HeatColumn>,
    /// `values[row][column]`: `None` (or a number that is not finite) is missing.
    pub values: Vec<Vec<Option<f64>>>,
    /// The row drawn highlighted, and drawn even when it is beyond `max_rows`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub highlight: Option<usize>,
    /// Rows drawn at most (the first ones, and the highlighted row); the others are in
    /// the table only, and a note says so.
    pub max_rows: usize,
}

/// One column of a [`HeatMap`].
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct HeatColumn {
    /// Its name (an indicator's code).
    pub name: String,
    /// The group it is drawn under (the aggregate it belongs to), if any.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub group: Option<String>,
}

/// The colour scale, light to dark (ColorBrewer's YlGnBu): lightness falls from one stop
/// to the next, so that order reads in grey print and with any colour blindness.
const STOPS: [[u8; 3]; 7] = [
    [0xff, 0xff, 0xcc],
    [0xc7, 0xe9, 0xb4],
    [0x7f, 0xcd, 0xbb],
    [0x41, 0xb6, 0xc4],
    [0x1d, 0x91, 0xc0],
    [0x22, 0x5e, 0xa8],
    [0x0c, 0x2c, 0x84],
];

/// Fill of a missing value (with a dark diagonal across it).
pub(crate) const MISSING_FILL: &str = "#d9d9d9";
/// Height of a row.
const ROW: f64 = 16.0;
/// Widest a cell is drawn.
const MAX_CELL: f64 = 72.0;
/// Gap between two groups of columns.
const GROUP_GAP: f64 = 4.0;
/// Characters of a row label drawn (the whole of it is in the tooltip and the table).
const ROW_CHARS: usize = 22;
/// Characters of a column label drawn.
const COLUMN_CHARS: usize = 18;

/// The colour of position `t` (0 lowest, 1 highest) on the scale, as `#rrggbb`.
pub(crate) fn colour_at(t: f64) -> String {
    let t = if t.is_finite() {
        t.clamp(0.0, 1.0)
    } else {
        0.0
    };
    let x = t * (STOPS.len() - 1) as f64;
    let i = (x.floor() as usize).min(STOPS.len() - 2);
    let f = x - i as f64;
    let (a, b) = (STOPS[i], STOPS[i + 1]);
    let mix = |k: usize| (a[k] as f64 + (b[k] as f64 - a[k] as f64) * f).round() as u8;
    format!("#{:02x}{:02x}{:02x}", mix(0), mix(1), mix(2))
}

impl HeatMap {
    /// The value at (`row`, `column`), if there is a finite one.
    pub fn value(&self, row: usize, column: usize) -> Option<f64> {
        self.values
            .get(row)
            .and_then(|r| r.get(column))
            .copied()
            .flatten()
            .filter(|v| v.is_finite())
    }

    /// The rows drawn, in order: the first `max_rows`, then the highlighted row if it is
    /// not among them.
    pub fn drawn_rows(&self) -> Vec<usize> {
        let mut rows: Vec<usize> = (0..self.rows.len().min(self.max_rows)).collect();
        if let Some(h) = self.highlight.filter(|h| *h < self.rows.len()) {
            if !rows.contains(&h) {
                rows.push(h);
            }
        }
        rows
    }

    /// The sentence saying which rows are drawn, when not all of them are.
    pub fn row_note(&self) -> Option<String> {
        let drawn = self.drawn_rows();
        if drawn.len() >= self.rows.len() {
            return None;
        }
        let extra = match self.highlight {
            Some(h) if h >= self.max_rows && h < self.rows.len() => {
                format!(" and {}", self.rows[h])
            }
            _ => String::new(),
        };
        Some(format!(
            "The map draws the first {} of {} rows{extra}; the table of its numbers has every row.",
            self.max_rows.min(self.rows.len()),
            self.rows.len()
        ))
    }

    /// The numbers as a table: a row per row, a column per column (missing values are
    /// nulls that say so).
    pub fn table(&self) -> Table {
        self.table_of(0..self.columns.len())
    }

    /// The numbers as tables of at most `width` columns of values each (every one with
    /// the rows' labels), so that a wide map's numbers fit a printed page.
    pub fn tables(&self, width: usize) -> Vec<Table> {
        let width = width.max(1);
        if self.columns.len() <= width {
            return vec![self.table()];
        }
        (0..self.columns.len())
            .step_by(width)
            .map(|a| self.table_of(a..(a + width).min(self.columns.len())))
            .collect()
    }

    /// The table of the columns in `range`.
    fn table_of(&self, range: std::ops::Range<usize>) -> Table {
        let mut columns = vec![ColumnSpec::label(self.row_label.clone())];
        columns.extend(
            self.columns[range.clone()]
                .iter()
                .map(|col| match &col.group {
                    Some(g) => ColumnSpec::value(format!("{} ({g})", col.name)),
                    None => ColumnSpec::value(col.name.clone()),
                }),
        );
        let mut t = Table::new(columns).null_text("NA");
        t.rows = (0..self.rows.len())
            .map(|r| {
                let mut cells = vec![Cell::text(self.rows[r].clone())];
                cells.extend(range.clone().map(|k| match self.value(r, k) {
                    Some(v) => Cell::number(v, 2),
                    None => Cell::null("missing"),
                }));
                Row::Cells(cells)
            })
            .collect();
        t
    }

    /// The lowest and highest finite values of the rows drawn.
    fn extent(&self, rows: &[usize]) -> Option<(f64, f64)> {
        let mut out: Option<(f64, f64)> = None;
        for r in rows {
            for k in 0..self.columns.len() {
                if let Some(v) = self.value(*r, k) {
                    out = Some(out.map_or((v, v), |(l, h)| (l.min(v), h.max(v))));
                }
            }
        }
        out
    }

    /// The map as SVG, or the sentence saying why nothing can be drawn.
    pub fn svg(&self) -> Drawn {
        let rows = self.drawn_rows();
        let Some((lo, hi)) = self.extent(&rows) else {
            let why = if rows.is_empty() || self.columns.is_empty() {
                "there are no rows or no columns"
            } else {
                "every value is missing"
            };
            return Drawn::Nothing {
                reason: format!("{}: nothing to draw, {why}", self.title),
            };
        };
        let position = |v: f64| {
            if hi > lo {
                (v - lo) / (hi - lo)
            } else {
                0.5
            }
        };
        let mut body = String::new();
        let title_lines = wrap(&self.title, TITLE_CHARS, 2);
        for (i, line) in title_lines.iter().enumerate() {
            body.push_str(&format!(
                "<text x=\"{}\" y=\"{}\" text-anchor=\"middle\" font-size=\"15\" font-weight=\"bold\">{}</text>",
                c(WIDTH / 2.0),
                c(20.0 + TITLE_LINE * i as f64),
                escape(line)
            ));
        }
        let top = LEGEND_TOP + TITLE_LINE * title_lines.len().saturating_sub(1) as f64;
        let mut y = self.legend(lo, hi, top, &mut body);

        // Row labels down the left; cells across, groups apart.
        let labels: Vec<String> = rows
            .iter()
            .map(|r| shorten(&self.rows[*r], ROW_CHARS))
            .collect();
        let widest = labels
            .iter()
            .map(|l| text_width(l, FONT))
            .fold(0.0, f64::max);
        let left = 16.0 + widest + 8.0;
        let n = self.columns.len();
        let breaks = (1..n)
            .filter(|k| self.columns[*k].group != self.columns[k - 1].group)
            .count();
        let cell =
            ((WIDTH - 16.0 - left - GROUP_GAP * breaks as f64) / n as f64).clamp(1.0, MAX_CELL);
        let mut xs = Vec::with_capacity(n);
        let mut x = left;
        for k in 0..n {
            if k > 0 && self.columns[k].group != self.columns[k - 1].group {
                x += GROUP_GAP;
            }
            xs.push(x);
            x += cell;
        }
        let right = x;

        // Group names over their columns, where a group has any.
        if self.columns.iter().any(|col| col.group.is_some()) {
            let mut k = 0;
            while k < n {
                let mut end = k + 1;
                while end < n && self.columns[end].group == self.columns[k].group {
                    end += 1;
                }
                if let Some(g) = &self.columns[k].group {
                    let (a, b) = (xs[k], xs[end - 1] + cell);
                    let fits = ((b - a - 4.0) / (FONT * 0.6)).floor().max(0.0) as usize;
                    if fits >= 2 {
                        body.push_str(&format!(
                            "<text x=\"{}\" y=\"{}\" text-anchor=\"middle\">{}</text>",
                            c((a + b) / 2.0),
                            c(y + 12.0),
                            escape(&shorten(g, fits))
                        ));
                    }
                    body.push_str(&format!(
                        "<line x1=\"{}\" y1=\"{l}\" x2=\"{}\" y2=\"{l}\" stroke=\"#555\"/>",
                        c(a + 1.0),
                        c(b - 1.0),
                        l = c(y + 17.0)
                    ));
                }
                k = end;
            }
            y += 22.0;
        }

        // Column labels, turned to read upwards, above their column.
        let column_font = (cell * 0.75).min(FONT);
        let column_labels: Vec<String> = self
            .columns
            .iter()
            .map(|col| shorten(&col.name, COLUMN_CHARS))
            .collect();
        let tallest = column_labels
            .iter()
            .map(|l| text_width(l, column_font))
            .fold(0.0, f64::max);
        let cells_top = y + tallest + 8.0;
        for (k, label) in column_labels.iter().enumerate() {
            let (lx, ly) = (xs[k] + cell / 2.0, cells_top - 4.0);
            body.push_str(&format!(
                "<text x=\"{x}\" y=\"{y}\" transform=\"rotate(-90 {x} {y})\" dy=\"0.35em\" font-size=\"{}\">{}</text>",
                c(column_font),
                escape(label),
                x = c(lx),
                y = c(ly)
            ));
        }

        // The rows: a gap before a highlighted row drawn beyond the first ones.
        let mut row_top = cells_top;
        for (i, r) in rows.iter().enumerate() {
            if i > 0 && rows[i - 1] + 1 != *r {
                row_top += ROW / 2.0;
            }
            let highlighted = self.highlight == Some(*r);
            let weight = if highlighted {
                " font-weight=\"bold\""
            } else {
                ""
            };
            body.push_str(&format!(
                "<text x=\"{}\" y=\"{}\" text-anchor=\"end\" dy=\"0.35em\"{weight}>{}</text>",
                c(left - 6.0),
                c(row_top + ROW / 2.0),
                escape(&labels[i])
            ));
            for (k, col) in self.columns.iter().enumerate() {
                let (cx, cy, w, h) = (xs[k], row_top, (cell - 1.0).max(0.5), ROW - 1.0);
                match self.value(*r, k) {
                    Some(v) => body.push_str(&format!(
                        "<rect class=\"mark\" x=\"{}\" y=\"{}\" width=\"{}\" height=\"{}\" fill=\"{}\"><title>{}</title></rect>",
                        c(cx),
                        c(cy),
                        c(w),
                        c(h),
                        colour_at(position(v)),
                        escape(&format!(
                            "{}, {}: {}",
                            self.rows[*r],
                            col.name,
                            format::num(v, 2)
                        ))
                    )),
                    None => body.push_str(&format!(
                        "<g class=\"missing\"><title>{}</title><rect x=\"{}\" y=\"{}\" width=\"{}\" height=\"{}\" fill=\"{MISSING_FILL}\"/>\
                         <path d=\"M{} {} L{} {}\" stroke=\"#666\" stroke-width=\"1\"/></g>",
                        escape(&format!("{}, {}: missing", self.rows[*r], col.name)),
                        c(cx),
                        c(cy),
                        c(w),
                        c(h),
                        c(cx),
                        c(cy + h),
                        c(cx + w),
                        c(cy)
                    )),
                }
            }
            if highlighted {
                body.push_str(&format!(
                    "<rect class=\"highlight\" x=\"{}\" y=\"{}\" width=\"{}\" height=\"{}\" fill=\"none\" stroke=\"#000\" stroke-width=\"2\"/>",
                    c(left - 1.0),
                    c(row_top - 1.0),
                    c(right - left + 1.0),
                    c(ROW + 1.0)
                ));
            }
            row_top += ROW;
        }
        let height = row_top + 16.0;
        let title = escape(&self.title);
        let svg = format!(
            "<svg xmlns=\"http://www.w3.org/2000/svg\" viewBox=\"0 0 {w} {h}\" role=\"img\" \
             aria-label=\"{title}\" font-family=\"sans-serif\" font-size=\"{FONT}\">\
             <title>{title}</title><desc>{desc}</desc>{body}</svg>",
            w = c(WIDTH),
            h = c(height),
            desc = escape(&self.description(&rows, lo, hi)),
        );
        Drawn::Svg {
            svg,
            unplotted: self.row_note().into_iter().collect(),
        }
    }

    /// The legend: the value label, the lowest value, swatches from light to dark, the
    /// highest value, then the key of a missing value; returns its bottom.
    fn legend(&self, lo: f64, hi: f64, top: f64, out: &mut String) -> f64 {
        let decimals = if hi - lo >= 10.0 || hi == lo { 0 } else { 2 };
        let label = format!("{}:", shorten(&self.value_label, 22));
        let (lo_text, hi_text) = (tick(lo, decimals), tick(hi, decimals));
        let mid = top + 5.0;
        let mut x = 16.0;
        let text = |x: f64, s: &str, out: &mut String| {
            out.push_str(&format!(
                "<text x=\"{}\" y=\"{}\" dy=\"0.35em\">{}</text>",
                c(x),
                c(mid),
                escape(s)
            ));
        };
        out.push_str("<g class=\"legend\">");
        text(x, &label, out);
        x += text_width(&label, FONT) + 6.0;
        text(x, &lo_text, out);
        x += text_width(&lo_text, FONT) + 4.0;
        const SWATCHES: usize = 5;
        for i in 0..SWATCHES {
            out.push_str(&format!(
                "<rect x=\"{}\" y=\"{}\" width=\"18\" height=\"10\" fill=\"{}\" stroke=\"#999\" stroke-width=\"0.5\"/>",
                c(x),
                c(top),
                colour_at(i as f64 / (SWATCHES - 1) as f64)
            ));
            x += 18.0;
        }
        x += 4.0;
        text(x, &hi_text, out);
        x += text_width(&hi_text, FONT) + 14.0;
        out.push_str(&format!(
            "<rect x=\"{}\" y=\"{}\" width=\"16\" height=\"10\" fill=\"{MISSING_FILL}\"/>\
             <path d=\"M{} {} L{} {}\" stroke=\"#666\" stroke-width=\"1\"/>",
            c(x),
            c(top),
            c(x),
            c(top + 10.0),
            c(x + 16.0),
            c(top)
        ));
        text(x + 22.0, "missing", out);
        out.push_str("</g>");
        top + 20.0
    }

    /// The text alternative: what is drawn, the range of the values, the missing ones,
    /// the highlighted row and which rows are left out.
    fn description(&self, rows: &[usize], lo: f64, hi: f64) -> String {
        let missing = rows
            .iter()
            .map(|r| {
                (0..self.columns.len())
                    .filter(|k| self.value(*r, *k).is_none())
                    .count()
            })
            .sum::<usize>();
        let mut groups: Vec<&str> = self
            .columns
            .iter()
            .filter_map(|col| col.group.as_deref())
            .collect();
        groups.dedup();
        let mut d = format!(
            "Heat map of {} by {} ({} rows drawn, {} to {}) and column ({} columns{}); values \
             from {} to {}, darker is higher.",
            self.value_label,
            self.row_label,
            rows.len(),
            rows.first().map_or("", |r| self.rows[*r].as_str()),
            rows.last().map_or("", |r| self.rows[*r].as_str()),
            self.columns.len(),
            if groups.is_empty() {
                String::new()
            } else {
                format!(" under {}", groups.join(", "))
            },
            format::exact(lo),
            format::exact(hi)
        );
        if missing > 0 {
            d.push_str(&format!(
                " {missing} missing values drawn grey with a diagonal line."
            ));
        }
        if let Some(h) = self.highlight.and_then(|h| self.rows.get(h)) {
            d.push_str(&format!(" Highlighted: {h}."));
        }
        if let Some(note) = self.row_note() {
            d.push_str(&format!(" {note}"));
        }
        d.push_str(" The numbers are in the table that goes with the chart.");
        d
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::markup::tests::well_formed;

    /// A map of `n` rows by three columns in two groups: row `i` has value `i` in the
    /// first column, none in the second of row 1, and 10 * i in the third.
    fn map(n: usize, highlight: Option<usize>) -> HeatMap {
        HeatMap {
            title: "Scores of <units> & more".into(),
            row_label: "unit".into(),
            value_label: "normalised score".into(),
            rows: (0..n).map(|i| format!("{} U{i}", i + 1)).collect(),
            columns: vec![
                HeatColumn {
                    name: "a".into(),
                    group: Some("First".into()),
                },
                HeatColumn {
                    name: "b".into(),
                    group: Some("First".into()),
                },
                HeatColumn {
                    name: "c".into(),
                    group: Some("Second".into()),
                },
            ],
            values: (0..n)
                .map(|i| {
                    vec![
                        Some(i as f64),
                        (i != 1).then_some(50.0),
                        Some(10.0 * i as f64),
                    ]
                })
                .collect(),
            highlight,
            max_rows: 30,
        }
    }

    fn svg(h: &HeatMap) -> (String, Vec<String>) {
        match h.svg() {
            Drawn::Svg { svg, unplotted } => (svg, unplotted),
            Drawn::Nothing { reason } => panic!("nothing drawn: {reason}"),
        }
    }

    /// Relative luminance of `#rrggbb`.
    fn luminance(hex: &str) -> f64 {
        let channel = |k: usize| {
            let v = u8::from_str_radix(&hex[1 + 2 * k..3 + 2 * k], 16).expect("hex") as f64;
            let v = v / 255.0;
            if v <= 0.04045 {
                v / 12.92
            } else {
                ((v + 0.055) / 1.055).powf(2.4)
            }
        };
        0.2126 * channel(0) + 0.7152 * channel(1) + 0.0722 * channel(2)
    }

    #[test]
    fn colours_darken_monotonically_with_the_value() {
        let colours: Vec<String> = (0..=100).map(|i| colour_at(i as f64 / 100.0)).collect();
        for w in colours.windows(2) {
            assert!(
                luminance(&w[1]) <= luminance(&w[0]),
                "{} is lighter than {}",
                w[1],
                w[0]
            );
        }
        assert!(luminance(&colours[0]) - luminance(&colours[100]) > 0.7);
        assert_eq!(colour_at(f64::NAN), colour_at(0.0));
        assert_eq!(colour_at(2.0), colour_at(1.0));
        // In the drawing, the cells of the first column (values 0 to 4) darken down it.
        let (svg, _) = svg(&map(5, None));
        let fills: Vec<String> = (0..5)
            .map(|i| {
                let at = svg
                    .find(&format!("<title>{} U{i}, a: ", i + 1))
                    .expect("the cell's tooltip");
                let start = svg[..at].rfind("fill=\"").expect("its fill") + 6;
                svg[start..start + 7].to_string()
            })
            .collect();
        for w in fills.windows(2) {
            assert!(luminance(&w[1]) < luminance(&w[0]), "{fills:?}");
        }
    }

    #[test]
    fn missing_values_are_drawn_as_missing_with_a_legend_entry() {
        let h = map(5, None);
        let (svg, unplotted) = svg(&h);
        well_formed(&svg).unwrap_or_else(|e| panic!("{e}"));
        assert!(unplotted.is_empty());
        // One missing cell: grey, hatched, its tooltip says so, and it is not a mark.
        assert_eq!(svg.matches("<g class=\"missing\">").count(), 1);
        assert!(svg.contains("<title>2 U1, b: missing</title>"), "{svg}");
        assert_eq!(svg.matches("class=\"mark\"").count(), 5 * 3 - 1);
        assert!(svg.contains(&format!("fill=\"{MISSING_FILL}\"")));
        assert!(svg.contains(">missing</text>"), "the legend's entry");
        assert!(svg.contains("1 missing values drawn grey"), "{svg}");
        // The table keeps it as a null that says why.
        let t = h.table();
        let Row::Cells(cells) = &t.rows[1] else {
            panic!("cells")
        };
        assert_eq!(cells[2], Cell::null("missing"));
        // Groups are named over their columns; text is escaped; nothing is fetched or run.
        assert!(svg.contains(">First</text>") && svg.contains(">Second</text>"));
        assert!(svg.contains("Scores of &lt;units&gt; &amp; more"));
        assert!(!svg.contains("<script") && !svg.contains("href") && !svg.contains("NaN"));
        assert!(svg.contains("role=\"img\"") && svg.contains("<desc>Heat map of"));
    }

    #[test]
    fn rows_are_limited_with_a_note_and_the_highlighted_row_is_kept() {
        let h = map(50, Some(41));
        assert_eq!(h.drawn_rows().len(), 31);
        let (svg, unplotted) = svg(&h);
        well_formed(&svg).unwrap_or_else(|e| panic!("{e}"));
        assert_eq!(
            unplotted,
            ["The map draws the first 30 of 50 rows and 42 U41; the table of its numbers has every row."]
        );
        assert!(svg.contains(">30 U29</text>") && !svg.contains(">31 U30</text>"));
        assert!(svg.contains("font-weight=\"bold\">42 U41</text>"), "{svg}");
        assert_eq!(svg.matches("class=\"highlight\"").count(), 1);
        assert!(svg.contains("Highlighted: 42 U41."));
        // Every row is in the table; a wide map's numbers come in narrower tables.
        assert_eq!(h.table().rows.len(), 50);
        let parts = h.tables(2);
        assert_eq!(parts.len(), 2);
        assert_eq!(parts[0].columns.len(), 3);
        assert_eq!(parts[1].columns.len(), 2);
        assert!(parts.iter().all(|t| t.rows.len() == 50));
        assert_eq!(h.tables(3), [h.table()]);
        // Fewer rows than the limit: all drawn, no note.
        let small = map(10, Some(3));
        assert_eq!(small.row_note(), None);
        assert_eq!(small.drawn_rows(), (0..10).collect::<Vec<_>>());
    }

    #[test]
    fn the_drawing_fits_its_width_and_nothing_drawable_says_why() {
        // Many columns: every cell inside the drawing's width.
        let mut wide = map(3, None);
        wide.columns = (0..60)
            .map(|k| HeatColumn {
                name: format!("indicator_{k}"),
                group: Some(format!("G{}", k / 7)),
            })
            .collect();
        wide.values = vec![vec![Some(1.0); 60], vec![None; 60], vec![Some(3.0); 60]];
        let (svg, _) = svg(&wide);
        for part in svg.split("<rect ").skip(1) {
            let num = |attr: &str| -> f64 {
                let at = part.find(&format!("{attr}=\"")).expect(attr) + attr.len() + 2;
                part[at..]
                    .split('"')
                    .next()
                    .and_then(|v| v.parse().ok())
                    .expect("a number")
            };
            assert!(num("x") + num("width") <= WIDTH + 0.01, "{part}");
        }
        let mut empty = map(2, None);
        empty.values = vec![vec![None; 3]; 2];
        let Drawn::Nothing { reason } = empty.svg() else {
            panic!("nothing to draw")
        };
        assert!(
            reason.ends_with("nothing to draw, every value is missing"),
            "{reason}"
        );
    }
}
