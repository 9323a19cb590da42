//! What every chart shares: the palette, line dashes and marker shapes that tell series
//! apart in colour and in grey print, text widths, and tick labels.

use crate::format;

/// The Okabe–Ito palette (black last): told apart by readers with any common colour
/// blindness, and distinct in lightness when printed in grey.
pub(crate) const PALETTE: [&str; 7] = [
    "#0072B2", "#E69F00", "#009E73", "#D55E00", "#CC79A7", "#56B4E9", "#000000",
];

/// Line dashes, so that lines differ without colour too.
const DASHES: [&str; 4] = ["", "6 3", "2 3", "8 3 2 3"];

/// The colour of series `i`.
pub(crate) fn colour(i: usize) -> &'static str {
    PALETTE[i % PALETTE.len()]
}

/// The `stroke-dasharray` attribute of series `i` (none for the first).
pub(crate) fn dash(i: usize) -> String {
    match DASHES[i % DASHES.len()] {
        "" => String::new(),
        d => format!(" stroke-dasharray=\"{d}\""),
    }
}

/// Width of the drawing, in user units (it scales with its box: `viewBox`).
pub(crate) const WIDTH: f64 = 480.0;
/// Font size of labels.
pub(crate) const FONT: f64 = 12.0;

/// Estimated width of `text` at `size`: SVG text is measured by the reader's font, so an
/// average glyph width, wide enough for digits and capitals, keeps labels inside.
pub(crate) fn text_width(text: &str, size: f64) -> f64 {
    text.chars().count() as f64 * size * 0.6
}

/// `text` cut to `max` characters with an ellipsis.
pub(crate) fn shorten(text: &str, max: usize) -> String {
    if text.chars().count() <= max {
        text.to_string()
    } else {
        let mut s: String = text.chars().take(max.saturating_sub(1)).collect();
        s.push('…');
        s
    }
}

/// A tick label: the number with `decimals` decimals and thousands separated by commas.
pub(crate) fn tick(v: f64, decimals: usize) -> String {
    let text = format::num(v, decimals);
    let (sign, digits) = match text.strip_prefix('-') {
        Some(d) => ("-", d),
        None => ("", text.as_str()),
    };
    let (int, frac) = match digits.split_once('.') {
        Some((i, f)) => (i, Some(f)),
        None => (digits, None),
    };
    if !int.chars().all(|c| c.is_ascii_digit()) {
        return text;
    }
    let mut grouped = String::new();
    for (i, c) in int.chars().enumerate() {
        if i > 0 && (int.len() - i) % 3 == 0 {
            grouped.push(',');
        }
        grouped.push(c);
    }
    match frac {
        Some(f) => format!("{sign}{grouped}.{f}"),
        None => format!("{sign}{grouped}"),
    }
}

/// A coordinate as SVG text: one decimal is finer than a screen pixel.
pub(crate) fn c(x: f64) -> String {
    if x.is_finite() {
        let r = (x * 10.0).round() / 10.0;
        format!("{r}")
    } else {
        "0".into()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ticks_group_thousands() {
        assert_eq!(tick(1234567.0, 0), "1,234,567");
        assert_eq!(tick(-1234.5, 1), "-1,234.5");
        assert_eq!(tick(999.0, 0), "999");
        assert_eq!(tick(0.25, 2), "0.25");
        assert_eq!(tick(f64::NAN, 0), "undefined");
    }

    #[test]
    fn coordinates_are_short_and_never_nan() {
        assert_eq!(c(12.345), "12.3");
        assert_eq!(c(40.0), "40");
        assert_eq!(c(f64::NAN), "0");
    }

    #[test]
    fn long_labels_are_shortened() {
        assert_eq!(shorten("abcdef", 4), "abc…");
        assert_eq!(shorten("한국", 4), "한국");
    }
}
