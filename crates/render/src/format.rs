//! Numbers to text, in one place: decimals, scientific notation, p-values, stars, and
//! what an undefined value reads as. Tables ([`cell`]) and notes both use these.

use crate::model::Cell;

/// Significance marks as fixest prints them: `***` p < 0.001, `**` < 0.01, `*` < 0.05,
/// `.` < 0.1.
pub fn stars(p: f64) -> &'static str {
    if !p.is_finite() {
        ""
    } else if p < 0.001 {
        "***"
    } else if p < 0.01 {
        "**"
    } else if p < 0.05 {
        "*"
    } else if p < 0.1 {
        "."
    } else {
        ""
    }
}

/// A number with `d` decimals, or `undefined` when it is not finite.
pub fn num(x: f64, d: usize) -> String {
    if x.is_finite() {
        format!("{x:.d$}")
    } else {
        "undefined".to_string()
    }
}

/// A number with `d` decimals and its sign (`+2.160`, `-3.614`).
pub fn signed(x: f64, d: usize) -> String {
    if x.is_finite() {
        format!("{x:+.d$}")
    } else {
        "undefined".to_string()
    }
}

/// The shortest text that reads back as the same number.
pub fn exact(x: f64) -> String {
    if x.is_finite() {
        format!("{x}")
    } else {
        "undefined".to_string()
    }
}

/// Scientific notation with `d` decimals (`1.2e-5`), with a `+` on positive values when
/// `signed`.
pub fn scientific(x: f64, d: usize, signed: bool) -> String {
    match (x.is_finite(), signed) {
        (false, _) => "undefined".to_string(),
        (true, true) => format!("{x:+.d$e}"),
        (true, false) => format!("{x:.d$e}"),
    }
}

/// A difference: `0` when there is none, else scientific with one decimal.
pub fn difference(x: f64) -> String {
    if x == 0.0 {
        "0".into()
    } else {
        scientific(x, 1, false)
    }
}

/// A percentage with `d` decimals and its sign (`7.300%`).
pub fn pct(x: f64, d: usize) -> String {
    if x.is_finite() {
        format!("{x:.d$}%")
    } else {
        "undefined".to_string()
    }
}

/// A p-value as R prints it: `< 1e-16`, two significant digits below 1e-4, else four
/// decimals.
pub fn p_value(p: f64) -> String {
    if !p.is_finite() {
        "undefined".into()
    } else if p < 1e-16 {
        "< 1e-16".into()
    } else if p < 1e-4 {
        format!("{p:.2e}")
    } else {
        format!("{p:.4}")
    }
}

/// The text of a cell; `null_text` is how the table shows a missing value.
pub fn cell(c: &Cell, null_text: &str) -> String {
    match c {
        Cell::Text { text } => text.clone(),
        Cell::Integer { value } => value.to_string(),
        Cell::Number { value, decimals } => match decimals {
            Some(d) => num(*value, *d),
            None => exact(*value),
        },
        Cell::Percent { value, decimals } => num(*value, *decimals),
        Cell::Scientific {
            value,
            decimals,
            signed,
        } => scientific(*value, *decimals, *signed),
        Cell::Difference { value, unit } => match unit {
            Some(u) => format!("{} {u}", difference(*value)),
            None => difference(*value),
        },
        Cell::Counts { values } => values
            .iter()
            .map(u64::to_string)
            .collect::<Vec<_>>()
            .join("/"),
        Cell::Estimate {
            value,
            decimals,
            p_value,
        } => format!("{}{}", num(*value, *decimals), stars(*p_value)),
        Cell::StdError { value, decimals } => format!("({})", num(*value, *decimals)),
        Cell::PValue { value } => p_value(*value),
        Cell::Stars { p_value } => stars(*p_value).to_string(),
        Cell::Interval {
            value,
            low,
            high,
            decimals,
        } => format!(
            "{} [{}, {}]",
            num(*value, *decimals),
            num(*low, *decimals),
            num(*high, *decimals)
        ),
        Cell::Null { .. } => null_text.to_string(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn undefined_numbers_are_said_so_never_printed_as_nan() {
        for c in [
            Cell::number(f64::NAN, 2),
            Cell::exact(f64::INFINITY),
            Cell::percent(f64::NAN, 1),
            Cell::Scientific {
                value: f64::NAN,
                decimals: 1,
                signed: true,
            },
        ] {
            assert_eq!(cell(&c, "n/a"), "undefined", "{c:?}");
        }
        assert_eq!(cell(&Cell::null("none"), "-"), "-");
        assert_eq!(signed(f64::NAN, 3), "undefined");
        assert_eq!(pct(f64::INFINITY, 3), "undefined");
    }

    #[test]
    fn each_kind_of_cell() {
        let est = Cell::Estimate {
            value: -0.81234,
            decimals: 4,
            p_value: 0.002,
        };
        assert_eq!(cell(&est, ""), "-0.8123**");
        assert_eq!(
            cell(
                &Cell::StdError {
                    value: 0.05,
                    decimals: 4
                },
                ""
            ),
            "(0.0500)"
        );
        assert_eq!(cell(&Cell::PValue { value: 1e-20 }, ""), "< 1e-16");
        assert_eq!(cell(&Cell::PValue { value: 2.3e-5 }, ""), "2.30e-5");
        assert_eq!(cell(&Cell::PValue { value: 0.01234 }, ""), "0.0123");
        assert_eq!(
            cell(
                &Cell::Scientific {
                    value: 0.00012,
                    decimals: 1,
                    signed: true
                },
                ""
            ),
            "+1.2e-4"
        );
        let diff = |value| Cell::Difference {
            value,
            unit: Some("pp".into()),
        };
        assert_eq!(cell(&diff(0.0), ""), "0 pp");
        assert_eq!(cell(&diff(3e-7), ""), "3.0e-7 pp");
        assert_eq!(
            cell(
                &Cell::Counts {
                    values: vec![0, 1, 2]
                },
                ""
            ),
            "0/1/2"
        );
        assert_eq!(cell(&Cell::exact(8.1), ""), "8.1");
        assert_eq!(cell(&Cell::integer(2006), ""), "2006");
        assert_eq!(signed(2.16, 3), "+2.160");
        assert_eq!(signed(-3.6144, 3), "-3.614");
        assert_eq!(pct(7.3, 3), "7.300%");
        assert_eq!(
            cell(
                &Cell::Interval {
                    value: 1.0,
                    low: 0.5,
                    high: 1.25,
                    decimals: 3
                },
                ""
            ),
            "1.000 [0.500, 1.250]"
        );
    }
}
