//! Drawing a [`Chart`] as SVG: the frame (title, legend, axes) and the marks of each
//! kind. Every coordinate goes through [`c`], every piece of text through [`escape`].

use super::layout::{c, colour, dash, shorten, text_width, tick, FONT, WIDTH};
use super::scale::Scale;
use super::{Chart, ChartKind, ChartSeries, Plotted, Positions};
use crate::format;
use crate::markup::escape;
use crate::model::Cell;

/// What drawing a chart gives.
#[derive(Debug, Clone, PartialEq)]
pub enum Drawn {
    /// The SVG, and a sentence for each series with no value to draw (left out of it).
    Svg {
        /// The `<svg>` element.
        svg: String,
        /// Why a series is missing from the drawing, one sentence each.
        unplotted: Vec<String>,
    },
    /// Nothing could be drawn: no series has a finite value. Said instead of an empty
    /// frame.
    Nothing {
        /// The sentence that says so, and why.
        reason: String,
    },
}

/// Height of the plotting area of line charts and stacked bars.
const PLOT_HEIGHT: f64 = 220.0;
/// Top of the legend under a title of one line.
pub(super) const LEGEND_TOP: f64 = 34.0;
/// Height of a line of the legend.
const LEGEND_LINE: f64 = 18.0;
/// Characters of the title that fit across the drawing at its size (15, bold).
pub(super) const TITLE_CHARS: usize = 48;
/// Height of a line of the title.
pub(super) const TITLE_LINE: f64 = 18.0;

pub(super) fn draw(chart: &Chart) -> Drawn {
    let unplotted: Vec<String> = chart
        .series
        .iter()
        .filter(|s| s.is_blank())
        .map(|s| match first_reason(s) {
            Some(why) => format!("{}: no value to draw ({why})", s.name),
            None => format!("{}: no value to draw", s.name),
        })
        .collect();
    let drawn: Vec<(usize, &ChartSeries)> = chart
        .series
        .iter()
        .enumerate()
        .filter(|(_, s)| !s.is_blank())
        .collect();
    if drawn.is_empty() || chart.x.is_empty() {
        let why = if chart.x.is_empty() {
            "there are no positions"
        } else {
            "no series has a value"
        };
        let mut reason = format!("{}: nothing to draw, {why}", chart.title);
        if !unplotted.is_empty() {
            reason.push_str(&format!(" ({})", unplotted.join("; ")));
        }
        return Drawn::Nothing { reason };
    }
    let mut body = String::new();
    // The title as drawn wraps over two lines at most; the whole of it is in `<title>`
    // and the label.
    let title_lines = wrap(&chart.title, TITLE_CHARS, 2);
    for (i, line) in title_lines.iter().enumerate() {
        body.push_str(&format!(
            "<text x=\"{}\" y=\"{}\" text-anchor=\"middle\" font-size=\"15\" font-weight=\"bold\">{}</text>",
            c(WIDTH / 2.0),
            c(20.0 + TITLE_LINE * i as f64),
            escape(line)
        ));
    }
    let legend_top = LEGEND_TOP + TITLE_LINE * title_lines.len().saturating_sub(1) as f64;
    let legend_bottom = legend(chart.kind, &drawn, legend_top, &mut body);
    let height = match chart.kind {
        ChartKind::Line | ChartKind::StackedBars => {
            vertical(chart, &drawn, legend_bottom, &mut body)
        }
        ChartKind::Bars | ChartKind::Dots => horizontal(chart, &drawn, legend_bottom, &mut body),
    };
    let title = escape(&chart.title);
    let svg = format!(
        "<svg xmlns=\"http://www.w3.org/2000/svg\" viewBox=\"0 0 {w} {h}\" role=\"img\" \
         aria-label=\"{title}\" font-family=\"sans-serif\" font-size=\"{FONT}\">\
         <title>{title}</title><desc>{desc}</desc>{body}</svg>",
        w = c(WIDTH),
        h = c(height),
        desc = escape(&description(chart, &drawn, &unplotted)),
    );
    Drawn::Svg { svg, unplotted }
}

/// `text` in at most `lines` lines of at most `width` characters, broken between words;
/// what does not fit ends in an ellipsis.
pub(super) fn wrap(text: &str, width: usize, lines: usize) -> Vec<String> {
    let mut out: Vec<String> = Vec::new();
    let words: Vec<&str> = text.split_whitespace().collect();
    for (k, word) in words.iter().enumerate() {
        let fits = out
            .last()
            .is_some_and(|l| l.chars().count() + 1 + word.chars().count() <= width);
        if fits {
            if let Some(l) = out.last_mut() {
                l.push(' ');
                l.push_str(word);
            }
        } else if out.len() < lines {
            out.push(shorten(word, width));
        } else {
            // No room left: the last line ends in an ellipsis.
            if let Some(l) = out.last_mut() {
                let rest = format!("{l} {}", words[k..].join(" "));
                *l = shorten(&rest, width);
            }
            break;
        }
    }
    out
}

/// The reason of the series' first null, if it has one.
fn first_reason(s: &ChartSeries) -> Option<&str> {
    s.values.iter().find_map(|v| match v {
        Cell::Null { reason } => Some(reason.as_str()),
        _ => None,
    })
}

/// The text alternative: what is plotted over what, the range of the values with their
/// unit, and what could not be drawn.
fn description(chart: &Chart, drawn: &[(usize, &ChartSeries)], unplotted: &[String]) -> String {
    let kind = match chart.kind {
        ChartKind::Line => "Line chart",
        ChartKind::StackedBars => "Stacked bar chart",
        ChartKind::Bars => "Bar chart",
        ChartKind::Dots => "Dot plot",
    };
    let names: Vec<&str> = drawn.iter().map(|(_, s)| s.name.as_str()).collect();
    let n = chart.x.len();
    let span = if n == 1 {
        chart.x.label(0)
    } else {
        format!("{} to {}", chart.x.label(0), chart.x.label(n - 1))
    };
    let values: Vec<f64> = drawn
        .iter()
        .flat_map(|(_, s)| s.plotted().flatten().map(|p| p.value))
        .collect();
    let lo = values.iter().copied().fold(f64::INFINITY, f64::min);
    let hi = values.iter().copied().fold(f64::NEG_INFINITY, f64::max);
    let unit = chart
        .unit
        .as_deref()
        .map_or(String::new(), |u| format!(" {u}"));
    let mut d = format!(
        "{kind} of {} by {} ({n} positions, {span}); {} from {}{unit} to {}{unit}.",
        names.join(", "),
        chart.x_label,
        chart.value_label,
        format::exact(lo),
        format::exact(hi)
    );
    if let Some(r) = &chart.reference {
        d.push_str(&format!(
            " Reference line at {}: {}.",
            format::exact(r.value),
            r.label
        ));
    }
    for u in unplotted {
        d.push_str(&format!(" {u}."));
    }
    d.push_str(" The numbers are in the table that goes with the chart.");
    d
}

/// The legend: a key and a name per drawn series, wrapped over lines; returns its
/// bottom. The key is what the marks look like (a line with its dashes, a dot of its
/// shape, a block of colour), so that it reads without colour too.
fn legend(kind: ChartKind, drawn: &[(usize, &ChartSeries)], top: f64, out: &mut String) -> f64 {
    let (mut x, mut y) = (16.0, top);
    for (i, s) in drawn {
        let name = shorten(&s.name, 40);
        let w = 22.0 + text_width(&name, FONT) + 16.0;
        if x + w > WIDTH - 16.0 && x > 16.0 {
            x = 16.0;
            y += LEGEND_LINE;
        }
        let key = match kind {
            ChartKind::Line => format!(
                "<line x1=\"{}\" y1=\"{m}\" x2=\"{}\" y2=\"{m}\" stroke=\"{}\" stroke-width=\"2\"{}/>",
                c(x),
                c(x + 16.0),
                colour(*i),
                dash(*i),
                m = c(y + 5.0)
            ),
            ChartKind::Dots => key_dot(*i, x + 8.0, y + 5.0),
            ChartKind::StackedBars | ChartKind::Bars => format!(
                "<rect x=\"{}\" y=\"{}\" width=\"16\" height=\"10\" fill=\"{}\"/>",
                c(x),
                c(y),
                colour(*i)
            ),
        };
        out.push_str(&format!(
            "<g class=\"legend\">{key}<text x=\"{}\" y=\"{}\">{}</text></g>",
            c(x + 22.0),
            c(y + 9.5),
            escape(&name)
        ));
        x += w;
    }
    y + LEGEND_LINE
}

/// A value axis's ticks and grid lines across the plot.
struct ValueAxis<'a> {
    scale: &'a Scale,
    /// The other axis's extent, where grid lines start and end.
    across: (f64, f64),
}

/// Line charts and stacked bars: positions along the bottom, values up the side; returns
/// the drawing's height.
fn vertical(chart: &Chart, drawn: &[(usize, &ChartSeries)], top: f64, out: &mut String) -> f64 {
    let stacked = chart.kind == ChartKind::StackedBars;
    let values = value_extent(chart, drawn, stacked);
    let probe = Scale::covering(values.iter().copied(), 0.0, 1.0);
    let widest = probe
        .ticks
        .iter()
        .map(|t| text_width(&tick(*t, probe.decimals), FONT))
        .fold(0.0, f64::max);
    let left = 16.0 + 16.0 + widest + 8.0;
    let right = WIDTH - 16.0;
    let bottom = top + 12.0 + PLOT_HEIGHT;
    let y = Scale::covering(values, bottom, top + 12.0);
    grid(
        &ValueAxis {
            scale: &y,
            across: (left, right),
        },
        true,
        out,
    );
    // Value axis title, turned along the axis.
    let mid = (top + 12.0 + bottom) / 2.0;
    out.push_str(&format!(
        "<text x=\"14\" y=\"{m}\" transform=\"rotate(-90 14 {m})\" text-anchor=\"middle\" dy=\"0.35em\">{}</text>",
        escape(&chart.value_axis_title()),
        m = c(mid)
    ));
    let n = chart.x.len();
    // Where each position is drawn along the bottom.
    let xs: Vec<f64> = match (&chart.x, stacked) {
        (Positions::Numbers(v), false) => {
            let s = Scale::covering(v.iter().copied(), left + 8.0, right - 8.0);
            let (lo, hi) = v
                .iter()
                .filter(|x| x.is_finite())
                .fold((f64::INFINITY, f64::NEG_INFINITY), |(l, h), x| {
                    (l.min(*x), h.max(*x))
                });
            // Years span the plot exactly, not a widened round range.
            if hi > lo {
                v.iter()
                    .map(|x| left + 8.0 + (x - lo) / (hi - lo) * (right - left - 16.0))
                    .collect()
            } else {
                v.iter().map(|x| s.at(*x)).collect()
            }
        }
        _ => {
            let band = (right - left) / n as f64;
            (0..n).map(|i| left + band * (i as f64 + 0.5)).collect()
        }
    };
    // Position labels: every k-th, so that they do not overlap, counted from the last
    // (the latest year is the one a reader looks for).
    let widest_label = (0..n)
        .map(|i| text_width(&chart.x.label(i), FONT))
        .fold(0.0, f64::max)
        + 6.0;
    let room = (right - left) / n.max(1) as f64;
    let every = (widest_label / room).ceil().max(1.0) as usize;
    for (i, x) in xs.iter().enumerate() {
        if (n - 1 - i).is_multiple_of(every) {
            out.push_str(&format!(
                "<text x=\"{}\" y=\"{}\" text-anchor=\"middle\">{}</text>",
                c(*x),
                c(bottom + 16.0),
                escape(&chart.x.label(i))
            ));
        }
    }
    out.push_str(&format!(
        "<line x1=\"{}\" y1=\"{b}\" x2=\"{}\" y2=\"{b}\" stroke=\"#333\"/>",
        c(left),
        c(right),
        b = c(bottom)
    ));
    out.push_str(&format!(
        "<text x=\"{}\" y=\"{}\" text-anchor=\"middle\">{}</text>",
        c((left + right) / 2.0),
        c(bottom + 36.0),
        escape(&chart.x_label)
    ));
    if stacked {
        stacked_bars(chart, drawn, &xs, (right - left) / n as f64, &y, out);
    } else {
        lines(chart, drawn, &xs, &y, out);
    }
    reference(chart, &y, (left, right), true, out);
    bottom + 48.0
}

/// Every value a chart must show on its value axis (stacked: the sums above and below
/// zero; bars: zero and the interval ends; a reference).
fn value_extent(chart: &Chart, drawn: &[(usize, &ChartSeries)], stacked: bool) -> Vec<f64> {
    let mut v: Vec<f64> = Vec::new();
    if stacked {
        for i in 0..chart.x.len() {
            let (mut up, mut down) = (0.0, 0.0);
            for (_, s) in drawn {
                if let Some(p) = s.values.get(i).and_then(super::plotted) {
                    if p.value >= 0.0 {
                        up += p.value;
                    } else {
                        down += p.value;
                    }
                }
            }
            v.extend([up, down]);
        }
    } else {
        for (_, s) in drawn {
            for p in s.plotted().take(chart.x.len()).flatten() {
                v.push(p.value);
                // Only bars and dots draw intervals; a line's would widen the axis for
                // nothing drawn.
                if let (Some((l, h)), ChartKind::Bars | ChartKind::Dots) = (p.interval, chart.kind)
                {
                    v.extend([l, h]);
                }
            }
        }
        if chart.kind == ChartKind::Bars {
            v.push(0.0);
        }
    }
    if let Some(r) = &chart.reference {
        v.push(r.value);
    }
    v
}

/// Grid lines and tick labels of the value axis (`up`: values up the side).
fn grid(axis: &ValueAxis, up: bool, out: &mut String) {
    let s = axis.scale;
    let (a, b) = axis.across;
    for t in &s.ticks {
        let p = c(s.at(*t));
        let label = escape(&tick(*t, s.decimals));
        let stroke = if *t == 0.0 { "#888" } else { "#ddd" };
        if up {
            out.push_str(&format!(
                "<line x1=\"{}\" y1=\"{p}\" x2=\"{}\" y2=\"{p}\" stroke=\"{stroke}\"/>\
                 <text x=\"{}\" y=\"{p}\" text-anchor=\"end\" dy=\"0.35em\">{label}</text>",
                c(a),
                c(b),
                c(a - 6.0)
            ));
        } else {
            out.push_str(&format!(
                "<line x1=\"{p}\" y1=\"{}\" x2=\"{p}\" y2=\"{}\" stroke=\"{stroke}\"/>\
                 <text x=\"{p}\" y=\"{}\" text-anchor=\"middle\">{label}</text>",
                c(a),
                c(b),
                c(b + 16.0)
            ));
        }
    }
}

/// A mark's tooltip: series, position and the value as the tables write it.
fn mark_title(chart: &Chart, s: &ChartSeries, i: usize) -> String {
    let value = s
        .values
        .get(i)
        .map_or_else(String::new, |v| format::cell(v, "n/a"));
    let unit = chart
        .unit
        .as_deref()
        .map_or(String::new(), |u| format!(" {u}"));
    escape(&format!("{}, {}: {value}{unit}", s.name, chart.x.label(i)))
}

/// One line per series (a gap where a value is missing) and a dot per value, so that a
/// value between two gaps still shows.
fn lines(chart: &Chart, drawn: &[(usize, &ChartSeries)], xs: &[f64], y: &Scale, out: &mut String) {
    for (k, s) in drawn {
        let points: Vec<Option<(f64, f64)>> = s
            .plotted()
            .zip(xs)
            .map(|(p, x)| p.filter(|_| x.is_finite()).map(|p| (*x, y.at(p.value))))
            .collect();
        for run in points.split(|p| p.is_none()) {
            if run.len() < 2 {
                continue;
            }
            let d: Vec<String> = run
                .iter()
                .flatten()
                .enumerate()
                .map(|(j, (px, py))| {
                    format!("{}{} {}", if j == 0 { "M" } else { "L" }, c(*px), c(*py))
                })
                .collect();
            out.push_str(&format!(
                "<path d=\"{}\" fill=\"none\" stroke=\"{}\" stroke-width=\"2\"{}/>",
                d.join(" "),
                colour(*k),
                dash(*k)
            ));
        }
        for (i, p) in points.iter().enumerate() {
            if let Some((px, py)) = p {
                out.push_str(&format!(
                    "<circle class=\"mark\" cx=\"{}\" cy=\"{}\" r=\"3\" fill=\"{}\"><title>{}</title></circle>",
                    c(*px),
                    c(*py),
                    colour(*k),
                    mark_title(chart, s, i)
                ));
            }
        }
    }
}

/// Bars per position, series stacked in order: positive values up from zero, negative
/// ones down from it.
fn stacked_bars(
    chart: &Chart,
    drawn: &[(usize, &ChartSeries)],
    xs: &[f64],
    band: f64,
    y: &Scale,
    out: &mut String,
) {
    let w = (band * 0.7).max(1.0);
    for (i, x) in xs.iter().enumerate() {
        let (mut up, mut down) = (0.0, 0.0);
        for (k, s) in drawn {
            let Some(Plotted { value, .. }) = s.values.get(i).and_then(super::plotted) else {
                continue;
            };
            let (from, to) = if value >= 0.0 {
                up += value;
                (up - value, up)
            } else {
                down += value;
                (down - value, down)
            };
            let (a, b) = (y.at(from), y.at(to));
            out.push_str(&format!(
                "<rect class=\"mark\" x=\"{}\" y=\"{}\" width=\"{}\" height=\"{}\" fill=\"{}\" stroke=\"#fff\" stroke-width=\"0.5\"><title>{}</title></rect>",
                c(x - w / 2.0),
                c(a.min(b)),
                c(w),
                c((a - b).abs()),
                colour(*k),
                mark_title(chart, s, i)
            ));
        }
    }
}

/// Horizontal bars and dot plots: positions down the side, values along the bottom;
/// returns the drawing's height.
fn horizontal(chart: &Chart, drawn: &[(usize, &ChartSeries)], top: f64, out: &mut String) -> f64 {
    let bars = chart.kind == ChartKind::Bars;
    let n = chart.x.len();
    let labels: Vec<String> = (0..n).map(|i| shorten(&chart.x.label(i), 28)).collect();
    let widest = labels
        .iter()
        .map(|l| text_width(l, FONT))
        .fold(0.0, f64::max);
    let left = 16.0 + widest + 8.0;
    let extent = value_extent(chart, drawn, false);
    // The last tick's label is centred on the right end: the margin holds half of it.
    let mut right = WIDTH - 24.0;
    let mut x = Scale::covering(extent.iter().copied(), left, right);
    let half_last = x
        .ticks
        .last()
        .map_or(0.0, |t| text_width(&tick(*t, x.decimals), FONT) / 2.0 + 4.0);
    if half_last > WIDTH - right {
        right = WIDTH - half_last;
        x = Scale::covering(extent.iter().copied(), left, right);
    }
    let band = if bars {
        (drawn.len() as f64 * 10.0 + 10.0).max(22.0)
    } else {
        22.0
    };
    let plot_top = top + 8.0;
    let bottom = plot_top + band * n as f64;
    grid(
        &ValueAxis {
            scale: &x,
            across: (plot_top, bottom),
        },
        false,
        out,
    );
    for (i, label) in labels.iter().enumerate() {
        let mid = plot_top + band * (i as f64 + 0.5);
        out.push_str(&format!(
            "<text x=\"{}\" y=\"{}\" text-anchor=\"end\" dy=\"0.35em\">{}</text>",
            c(left - 6.0),
            c(mid),
            escape(label)
        ));
        if !bars {
            out.push_str(&format!(
                "<line x1=\"{}\" y1=\"{m}\" x2=\"{}\" y2=\"{m}\" stroke=\"#eee\"/>",
                c(left),
                c(right),
                m = c(mid)
            ));
        }
    }
    out.push_str(&format!(
        "<text x=\"{}\" y=\"{}\" text-anchor=\"middle\">{}</text>",
        c((left + right) / 2.0),
        c(bottom + 36.0),
        escape(&chart.value_axis_title())
    ));
    let zero = x.at(0.0);
    let bar_h = (band - 10.0) / drawn.len() as f64;
    for (slot, (k, s)) in drawn.iter().enumerate() {
        for (i, p) in s.plotted().take(n).enumerate() {
            let Some(p) = p else { continue };
            let row = plot_top + band * i as f64;
            let v = x.at(p.value);
            let title = mark_title(chart, s, i);
            let mid = if bars {
                let y0 = row + 5.0 + bar_h * slot as f64;
                out.push_str(&format!(
                    "<rect class=\"mark\" x=\"{}\" y=\"{}\" width=\"{}\" height=\"{}\" fill=\"{}\"><title>{title}</title></rect>",
                    c(zero.min(v)),
                    c(y0),
                    c((v - zero).abs()),
                    c(bar_h * 0.9),
                    colour(*k)
                ));
                y0 + bar_h * 0.45
            } else {
                let mid = row + band / 2.0;
                out.push_str(&dot(*k, v, mid, &title));
                mid
            };
            if let Some((l, h)) = p.interval {
                let (a, b) = (x.at(l), x.at(h));
                out.push_str(&format!(
                    "<path class=\"interval\" d=\"M{a} {m} H{b} M{a} {t} V{u} M{b} {t} V{u}\" stroke=\"#222\" stroke-width=\"1.2\" fill=\"none\"/>",
                    a = c(a),
                    b = c(b),
                    m = c(mid),
                    t = c(mid - 3.5),
                    u = c(mid + 3.5)
                ));
            }
        }
    }
    if bars {
        out.push_str(&format!(
            "<line x1=\"{z}\" y1=\"{}\" x2=\"{z}\" y2=\"{}\" stroke=\"#333\"/>",
            c(plot_top),
            c(bottom),
            z = c(zero)
        ));
    }
    reference(chart, &x, (plot_top, bottom), false, out);
    bottom + 48.0
}

/// A dot of series `k`: a circle, square or diamond in turn, so that series differ in
/// grey print.
fn dot(k: usize, x: f64, y: f64, title: &str) -> String {
    shape(
        k,
        x,
        y,
        " class=\"mark\"",
        &format!("<title>{title}</title>"),
    )
}

/// The legend's key of series `k` in a dot plot: its dot, without a tooltip.
fn key_dot(k: usize, x: f64, y: f64) -> String {
    shape(k, x, y, "", "")
}

/// The shape of series `k` at (`x`, `y`), with `attributes` and `inner` content.
fn shape(k: usize, x: f64, y: f64, attributes: &str, inner: &str) -> String {
    let fill = colour(k);
    match k % 3 {
        0 => format!(
            "<circle{attributes} cx=\"{}\" cy=\"{}\" r=\"5\" fill=\"{fill}\">{inner}</circle>",
            c(x),
            c(y)
        ),
        1 => format!(
            "<rect{attributes} x=\"{}\" y=\"{}\" width=\"9\" height=\"9\" fill=\"{fill}\">{inner}</rect>",
            c(x - 4.5),
            c(y - 4.5)
        ),
        _ => format!(
            "<path{attributes} d=\"M{} {} L{} {} L{} {} L{} {} Z\" fill=\"{fill}\">{inner}</path>",
            c(x),
            c(y - 6.0),
            c(x + 6.0),
            c(y),
            c(x),
            c(y + 6.0),
            c(x - 6.0),
            c(y)
        ),
    }
}

/// The chart's reference line, dashed, with its label (`up`: values up the side).
fn reference(chart: &Chart, s: &Scale, across: (f64, f64), up: bool, out: &mut String) {
    let Some(r) = &chart.reference else { return };
    if !r.value.is_finite() {
        return;
    }
    let p = s.at(r.value);
    let label = escape(&r.label);
    let (a, b) = across;
    if up {
        out.push_str(&format!(
            "<line class=\"reference\" x1=\"{}\" y1=\"{p}\" x2=\"{}\" y2=\"{p}\" stroke=\"#555\" stroke-dasharray=\"4 3\"/>\
             <text x=\"{}\" y=\"{}\" text-anchor=\"end\" fill=\"#555\">{label}</text>",
            c(a),
            c(b),
            c(b),
            c(s.at(r.value) - 4.0),
            p = c(p)
        ));
    } else {
        out.push_str(&format!(
            "<line class=\"reference\" x1=\"{p}\" y1=\"{}\" x2=\"{p}\" y2=\"{}\" stroke=\"#555\" stroke-dasharray=\"4 3\"/>\
             <text x=\"{p}\" y=\"{}\" text-anchor=\"middle\" fill=\"#555\">{label}</text>",
            c(a),
            c(b),
            c(a - 2.0),
            p = c(p)
        ));
    }
}
