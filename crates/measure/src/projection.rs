//! Compound growth between two years: projections and claim checks.
//!
//! With `n = end_year − start_year` years and a compound annual growth rate `r` (in
//! percent):
//!
//! - end value:  `end = start · (1 + r/100)^n`
//! - start value: `start = end / (1 + r/100)^n`
//! - CAGR: `r = ((end / start)^(1/n) − 1) · 100`
//!
//! Given any two of start value, end value and CAGR (the two years are always needed),
//! [`project`] fills in the third. Given all three, it reports the end value the start and
//! the rate imply (`implied_end_value`), the rate the start and the end imply
//! (`implied_cagr_pct`), and whether the three agree.
//!
//! **Precision rule for `consistent`.** A claim such as "USD 8.1 bn in 2021, USD 20 bn by
//! 2031 at 7.3%" is consistent when the implied end value, rounded to the number of
//! decimals the end value was written with, equals it, *or* the implied CAGR, rounded to the
//! decimals the CAGR was written with, equals it. Rounding is "within half a unit of the
//! last written digit" (inclusive). So 8.1 → 16.4 at 7.3% over ten years is consistent
//! (8.1 · 1.073^10 = 16.385… → 16.4), and 8.1 → 20 at 7.3% is not (16.4 ≠ 20, and the rate
//! 20 needs, 9.46%, rounds to 9.5 ≠ 7.3). Either check suffices because a claim written
//! with a rounded rate can miss the end value by more than its last digit (and vice versa)
//! while still being an honest rounding of one consistent set of numbers.

use crate::MeasureError;
use serde::{Deserialize, Deserializer, Serialize, Serializer};
use std::str::FromStr;

/// A number as the user wrote it: its value and how many decimals were written (the
/// precision a claim is checked at).
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Stated {
    /// The value.
    pub value: f64,
    /// Digits written after the decimal point (`8.1` → 1, `20` → 0, `16.40` → 2).
    pub decimals: u32,
}

impl Stated {
    /// Whether `x` rounds to this number at its written precision: `|x − value| ≤ ½·10^−d`.
    pub fn agrees_with(&self, x: f64) -> bool {
        let half_unit = 0.5 * 10f64.powi(-(self.decimals as i32));
        // The slack absorbs binary representation error only (e.g. 8.91 vs 8.910000000000002).
        (x - self.value).abs() <= half_unit * (1.0 + 1e-9) + 1e-12 * self.value.abs()
    }
}

/// Written as a string in plain decimal notation; read from such a string (white space
/// around it allowed) or from a JSON number.
impl schemars::JsonSchema for Stated {
    fn schema_name() -> std::borrow::Cow<'static, str> {
        "Stated".into()
    }

    fn json_schema(generator: &mut schemars::SchemaGenerator) -> schemars::Schema {
        let description = "A number as written, its decimals being the precision it is \
                           checked at: a string in plain decimal notation (`\"8.1\"`, \
                           `\"20\"`), or, when read, a JSON number, whose decimals are those \
                           of its shortest spelling.";
        if generator.contract().is_serialize() {
            schemars::json_schema!({
                "description": description,
                "type": "string",
                "pattern": "^-?[0-9]+(\\.[0-9]+)?$",
            })
        } else {
            schemars::json_schema!({
                "description": description,
                "oneOf": [
                    {"type": "string", "pattern": STATED_PATTERN},
                    {"type": "number"},
                ],
            })
        }
    }
}

/// What [`Stated::from_str`] accepts: an optional sign, digits, an optional point and
/// digits (at least one digit in all), white space around.
const STATED_PATTERN: &str = "^\\s*[+-]?([0-9]+(\\.[0-9]*)?|\\.[0-9]+)\\s*$";

/// Written as the user wrote it (`"8.1"`, `"20"`): the decimals are part of the claim.
impl Serialize for Stated {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(&format!("{:.*}", self.decimals as usize, self.value))
    }
}

/// Read from a string in plain decimal notation (`"8.1"`), or from a JSON number, whose
/// decimals are those of its shortest exact spelling (`8.1` → 1, `20` → 0).
impl<'de> Deserialize<'de> for Stated {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        #[derive(Deserialize)]
        #[serde(untagged)]
        enum Written {
            Text(String),
            Number(f64),
        }
        let text = match Written::deserialize(d)? {
            Written::Text(t) => t,
            Written::Number(x) => format!("{x}"),
        };
        text.parse().map_err(serde::de::Error::custom)
    }
}

impl FromStr for Stated {
    type Err = MeasureError;

    /// Plain decimal notation: optional sign, digits, optional `.` and digits. Exponents,
    /// thousands separators and words (`inf`, `nan`) are refused because the written
    /// precision must be unambiguous.
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        let t = s.trim();
        let body = t.strip_prefix(['+', '-']).unwrap_or(t);
        let (int, frac) = match body.split_once('.') {
            Some((i, f)) => (i, Some(f)),
            None => (body, None),
        };
        let digits = |x: &str| x.chars().all(|c| c.is_ascii_digit());
        let ok = digits(int)
            && frac.is_none_or(digits)
            && (!int.is_empty() || frac.is_some_and(|f| !f.is_empty()));
        if !ok {
            return Err(MeasureError::NotADecimal {
                text: s.to_string(),
            });
        }
        let value: f64 = t.parse().map_err(|_| MeasureError::NotADecimal {
            text: s.to_string(),
        })?;
        Ok(Stated {
            value,
            decimals: frac.map_or(0, |f| f.len() as u32),
        })
    }
}

/// `YEAR` or `YEAR:VALUE`, as in `--start 2021:8.1` or `--end 2031`.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct YearValue {
    /// The year.
    pub year: i32,
    /// The value in that year, when given.
    pub value: Option<Stated>,
}

impl FromStr for YearValue {
    type Err = MeasureError;

    fn from_str(s: &str) -> Result<Self, Self::Err> {
        let bad = || MeasureError::NotAYearValue {
            text: s.to_string(),
        };
        let (y, v) = match s.trim().split_once(':') {
            Some((y, v)) => (y, Some(v)),
            None => (s.trim(), None),
        };
        if y.is_empty() || !y.chars().all(|c| c.is_ascii_digit()) {
            return Err(bad());
        }
        let year: i32 = y.parse().map_err(|_| bad())?;
        let value = match v {
            None => None,
            Some(v) => Some(
                v.parse::<Stated>()
                    .map_err(|_| MeasureError::YearValueNumber {
                        text: s.to_string(),
                        value: v.to_string(),
                    })?,
            ),
        };
        Ok(YearValue { year, value })
    }
}

/// Parses a growth rate in percent, `7.3` or `7.3%`.
pub fn parse_percent(s: &str) -> Result<Stated, MeasureError> {
    let t = s.trim();
    t.strip_suffix('%').unwrap_or(t).parse()
}

/// What the user gave: the two years and two or three of the values.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize, schemars::JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct ProjectionInput {
    /// First year.
    pub start_year: i32,
    /// Value in the first year, as written (its decimals are the claim's precision).
    #[serde(default)]
    pub start_value: Option<Stated>,
    /// Last year (after the first).
    pub end_year: i32,
    /// Value in the last year, as written.
    #[serde(default)]
    pub end_value: Option<Stated>,
    /// Compound annual growth rate, percent, as written.
    #[serde(default)]
    pub cagr_pct: Option<Stated>,
}

/// One year of a growth path.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize, schemars::JsonSchema)]
pub struct PathPoint {
    /// The year.
    pub year: i32,
    /// Value at `cagr_pct` (the stated rate, or the implied one when none was stated).
    pub value: f64,
    /// Value at the rate that reaches the stated end value, when all three were stated
    /// and they disagree.
    pub needed: Option<f64>,
}

/// How far a stated end value and rate are from each other (all three stated).
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize, schemars::JsonSchema)]
pub struct Miss {
    /// `implied_end_value − end_value`.
    pub absolute: f64,
    /// `(implied_end_value / end_value − 1) · 100`.
    pub relative_pct: f64,
    /// `implied_cagr_pct − cagr_pct`, percentage points.
    pub cagr_gap_pts: f64,
}

/// The answer, whole. (The JSON output of `hallyu project` is its first eight fields; the
/// path, the miss and what was derived are for the table.)
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, schemars::JsonSchema)]
pub struct Projection {
    /// First year.
    pub start_year: i32,
    /// Value in the first year (stated, or derived from end value and rate).
    pub start_value: f64,
    /// Last year.
    pub end_year: i32,
    /// Value in the last year (stated, or derived from start value and rate).
    pub end_value: f64,
    /// Compound annual growth rate, percent (stated, or derived from start and end).
    pub cagr_pct: f64,
    /// `start_value · (1 + cagr_pct/100)^years`.
    pub implied_end_value: f64,
    /// `((end_value / start_value)^(1/years) − 1) · 100`.
    pub implied_cagr_pct: f64,
    /// Whether the three agree at the precision they were written with (always true when
    /// one of them was derived); see the module documentation for the rule.
    pub consistent: bool,
    /// Which of the three was derived: `"start_value"`, `"end_value"`, `"cagr_pct"`, or
    /// `None` when all three were stated.
    pub derived: Option<String>,
    /// Year-by-year path from the first to the last year.
    pub path: Vec<PathPoint>,
    /// The miss, when all three were stated.
    pub miss: Option<Miss>,
}

/// The longest span a projection covers. The year-by-year path is materialised, so the
/// span bounds memory (a typo such as `--end 999999999:20` must not ask for 24 GB); a
/// millennium is far beyond any growth claim.
pub const MAX_YEARS: i32 = 1_000;

/// `start · (1 + r/100)^n`.
pub fn compound(start: f64, cagr_pct: f64, years: i32) -> f64 {
    start * (1.0 + cagr_pct / 100.0).powi(years)
}

/// `((end / start)^(1/n) − 1) · 100`.
pub fn cagr_pct(start: f64, end: f64, years: i32) -> f64 {
    ((end / start).powf(1.0 / f64::from(years)) - 1.0) * 100.0
}

/// Fills in the missing one of start value, end value and CAGR, or checks all three.
///
/// Errors: the end year not after the start year or more than [`MAX_YEARS`] after it, a
/// start or end value that is not positive, a rate at or below −100%, fewer than two of the three values, or a result too
/// large to represent.
pub fn project(input: &ProjectionInput) -> Result<Projection, MeasureError> {
    let years = input
        .end_year
        .checked_sub(input.start_year)
        .filter(|n| *n > 0)
        .ok_or(MeasureError::EndNotAfterStart {
            start: input.start_year,
            end: input.end_year,
        })?;
    if years > MAX_YEARS {
        return Err(MeasureError::ProjectionSpan {
            start: input.start_year,
            end: input.end_year,
            years,
            max: MAX_YEARS,
        });
    }
    for (name, v) in [("start", input.start_value), ("end", input.end_value)] {
        if let Some(v) = v {
            if v.value <= 0.0 {
                return Err(MeasureError::NotPositive {
                    which: name,
                    value: v.value,
                });
            }
        }
    }
    if let Some(r) = input.cagr_pct {
        if r.value <= -100.0 {
            return Err(MeasureError::RateTooLow { value: r.value });
        }
    }
    let (start, end, rate, derived) = match (input.start_value, input.end_value, input.cagr_pct) {
        (Some(s), Some(e), Some(r)) => (s.value, e.value, r.value, None),
        (Some(s), Some(e), None) => {
            let r = cagr_pct(s.value, e.value, years);
            (s.value, e.value, r, Some("cagr_pct"))
        }
        (Some(s), None, Some(r)) => {
            let e = compound(s.value, r.value, years);
            (s.value, e, r.value, Some("end_value"))
        }
        (None, Some(e), Some(r)) => {
            let s = e.value / (1.0 + r.value / 100.0).powi(years);
            (s, e.value, r.value, Some("start_value"))
        }
        _ => return Err(MeasureError::TooFewValues),
    };
    let (implied_end, implied_cagr) = match derived {
        // Derived values agree by construction; repeating the arithmetic would only add
        // rounding noise to the output.
        Some(_) => (end, rate),
        None => (compound(start, rate, years), cagr_pct(start, end, years)),
    };
    let all = [start, end, rate, implied_end, implied_cagr];
    if all.iter().any(|x| !x.is_finite()) || start <= 0.0 || end <= 0.0 {
        return Err(MeasureError::Unrepresentable { years });
    }
    let consistent = match (input.end_value, input.cagr_pct, derived) {
        (Some(e), Some(r), None) => e.agrees_with(implied_end) || r.agrees_with(implied_cagr),
        _ => true,
    };
    let miss = derived.is_none().then(|| Miss {
        absolute: implied_end - end,
        relative_pct: (implied_end / end - 1.0) * 100.0,
        cagr_gap_pts: implied_cagr - rate,
    });
    let path = (0..=years)
        .map(|k| PathPoint {
            year: input.start_year + k,
            value: compound(start, rate, k),
            needed: (!consistent).then(|| compound(start, implied_cagr, k)),
        })
        .collect();
    Ok(Projection {
        start_year: input.start_year,
        start_value: start,
        end_year: input.end_year,
        end_value: end,
        cagr_pct: rate,
        implied_end_value: implied_end,
        implied_cagr_pct: implied_cagr,
        consistent,
        derived: derived.map(str::to_string),
        path,
        miss,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn st(s: &str) -> Option<Stated> {
        Some(s.parse().unwrap())
    }

    fn input(start: &str, end: &str, cagr: &str) -> ProjectionInput {
        let yv = |s: &str| s.parse::<YearValue>().unwrap();
        let (s, e) = (yv(start), yv(end));
        ProjectionInput {
            start_year: s.year,
            start_value: s.value,
            end_year: e.year,
            end_value: e.value,
            cagr_pct: if cagr.is_empty() { None } else { st(cagr) },
        }
    }

    fn close(a: f64, b: f64, tol: f64) {
        assert!((a - b).abs() <= tol, "{a} vs {b}");
    }

    #[test]
    fn parses_written_precision() {
        assert_eq!(
            "8.1".parse::<Stated>().unwrap(),
            Stated {
                value: 8.1,
                decimals: 1
            }
        );
        assert_eq!("20".parse::<Stated>().unwrap().decimals, 0);
        assert_eq!("16.40".parse::<Stated>().unwrap().decimals, 2);
        assert_eq!(".5".parse::<Stated>().unwrap().value, 0.5);
        assert_eq!("-3".parse::<Stated>().unwrap().value, -3.0);
        assert_eq!(parse_percent("7.3%").unwrap().value, 7.3);
        for bad in ["", ".", "1e3", "1,000", "inf", "NaN", "8.1.2", "abc", "-"] {
            assert!(bad.parse::<Stated>().is_err(), "{bad:?} accepted");
        }
    }

    #[test]
    fn parses_year_value() {
        let v: YearValue = "2021:8.1".parse().unwrap();
        assert_eq!((v.year, v.value.unwrap().value), (2021, 8.1));
        assert_eq!("2031".parse::<YearValue>().unwrap().value, None);
        let e = "2021-8.1".parse::<YearValue>().unwrap_err().to_string();
        assert!(e.contains("YEAR:VALUE") && e.contains("2021-8.1"), "{e}");
        assert!("2021:".parse::<YearValue>().is_err());
        assert!(":8.1".parse::<YearValue>().is_err());
        assert!("99999999999:1".parse::<YearValue>().is_err());
    }

    // Hand computation: ln 1.073 = 0.0704677; ×10 = 0.704677; e^0.704677 = 2.02301;
    // 8.1 × 2.02301 = 16.3864. (20/8.1)^(1/10): ln 2.469136 = 0.903868; /10 → e^0.0903868
    // = 1.094598, i.e. 9.4598%.
    #[test]
    fn the_k_pop_claim_does_not_add_up() {
        let p = project(&input("2021:8.1", "2031:20", "7.3")).unwrap();
        close(p.implied_end_value, 16.3864, 5e-4);
        close(p.implied_cagr_pct, 9.4598, 5e-4);
        assert!(!p.consistent);
        assert_eq!(p.derived, None);
        let m = p.miss.unwrap();
        close(m.absolute, 16.3864 - 20.0, 5e-4);
        close(m.relative_pct, (16.3864 / 20.0 - 1.0) * 100.0, 5e-3);
        close(m.cagr_gap_pts, 9.4598 - 7.3, 5e-4);
        assert_eq!(p.path.len(), 11);
        close(p.path[1].value, 8.1 * 1.073, 1e-12);
        close(p.path[10].value, p.implied_end_value, 1e-12);
        close(p.path[10].needed.unwrap(), 20.0, 1e-9);
    }

    #[test]
    fn rounded_claims_are_consistent() {
        let check = |e: &str, r: &str| project(&input("2021:8.1", e, r)).unwrap().consistent;
        // 16.3864 → 16.4 at one decimal.
        assert!(check("2031:16.4", "7.3"));
        // Within half a cent of 16.39.
        assert!(check("2031:16.39", "7.3"));
        // 16.44 is 0.054 off, but the rate it needs (7.3351%) rounds to 7.3 ...
        assert!(check("2031:16.44", "7.3"));
        // ... and not to 7.30 at two decimals.
        assert!(!check("2031:16.44", "7.30"));
        // 16.5 needs 7.3742% → 7.4.
        assert!(!check("2031:16.5", "7.3"));
    }

    #[test]
    fn fills_in_the_third() {
        // 100 at 10% for 2 years = 121.
        let p = project(&input("2000:100", "2002", "10")).unwrap();
        close(p.end_value, 121.0, 1e-9);
        assert_eq!(p.implied_end_value, p.end_value);
        assert_eq!(
            (p.derived.as_deref(), p.consistent),
            (Some("end_value"), true)
        );
        assert_eq!(p.miss, None);
        // 100 → 121 over 2 years = 10%.
        let p = project(&input("2000:100", "2002:121", "")).unwrap();
        close(p.cagr_pct, 10.0, 1e-9);
        assert_eq!(p.derived.as_deref(), Some("cagr_pct"));
        // 121 at 10% over 2 years started at 100.
        let p = project(&input("2000", "2002:121", "10")).unwrap();
        close(p.start_value, 100.0, 1e-9);
        assert_eq!(p.derived.as_deref(), Some("start_value"));
        // Decline: 100 → 81 over 2 years = −10%.
        let p = project(&input("2000:100", "2002:81", "")).unwrap();
        close(p.cagr_pct, -10.0, 1e-9);
    }

    #[test]
    fn refuses_what_it_cannot_answer() {
        let err = |s: &str, e: &str, r: &str| project(&input(s, e, r)).unwrap_err().to_string();
        assert!(err("2021:8.1", "2021:9", "").contains("must be after"));
        assert!(err("2021:8.1", "2011:9", "").contains("must be after"));
        assert!(err("2021:0", "2031:9", "").contains("positive"));
        assert!(err("2021:-1", "2031", "5").contains("positive"));
        assert!(err("2021:8.1", "2031", "").contains("give two"));
        assert!(err("2021", "2031", "7").contains("give two"));
        assert!(err("2021:8", "2031", "-100").contains("above -100%"));
        assert!(err("1000:1", "2000", "500").contains("cannot be represented"));
    }

    #[test]
    fn a_span_beyond_the_limit_is_refused_before_allocating() {
        let e = project(&input("2021:8.1", "999999999:20", "7.3"))
            .unwrap_err()
            .to_string();
        assert!(
            e.contains("the end year 999999999 is") && e.contains("at most 1000 years"),
            "{e}"
        );
        let e = project(&input("0:1", "2000000000", "50"))
            .unwrap_err()
            .to_string();
        assert!(e.contains("at most 1000 years"), "{e}");
        // The limit itself is allowed.
        let p = project(&input("2000:1", "3000", "0.1")).unwrap();
        assert_eq!(p.path.len(), 1001);
    }
}
