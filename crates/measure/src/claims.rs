//! Checks of figures quoted in the press: a value against its source, and "X is p% of Y".
//! Each stated number is checked at the precision it was written with (the rule of
//! [`crate::projection`]: within half a unit of its last written digit).

use crate::projection::Stated;
use crate::MeasureError;
use serde::{Deserialize, Serialize};

/// What a check found.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, schemars::JsonSchema)]
#[serde(tag = "verdict", rename_all = "snake_case")]
pub enum Verdict {
    /// The stated numbers agree at the precision they were written with.
    Consistent,
    /// They do not; the arithmetic says by how much.
    Inconsistent {
        /// The arithmetic, in words.
        arithmetic: String,
    },
    /// The data cannot say (no figure for that year, or no source).
    NotCheckable {
        /// Why.
        reason: String,
    },
}

/// "X is p% of Y": the share the stated part and whole imply, against the stated share.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, schemars::JsonSchema)]
pub struct ShareCheck {
    /// The part, as stated.
    pub part: Stated,
    /// The whole, as stated.
    pub whole: Stated,
    /// The share in percent, as stated.
    pub pct: Stated,
    /// `part / whole · 100`.
    pub implied_pct: f64,
    /// The verdict.
    pub verdict: Verdict,
}

/// Checks a share claim. The whole must be positive.
pub fn check_share(part: Stated, whole: Stated, pct: Stated) -> Result<ShareCheck, MeasureError> {
    if whole.value <= 0.0 || !whole.value.is_finite() || !part.value.is_finite() {
        return Err(MeasureError::ShareWhole { value: whole.value });
    }
    let implied_pct = part.value / whole.value * 100.0;
    let verdict = if pct.agrees_with(implied_pct) {
        Verdict::Consistent
    } else {
        Verdict::Inconsistent {
            arithmetic: format!(
                "{} / {} = {:.4}%, not {}%",
                part.value, whole.value, implied_pct, pct.value
            ),
        }
    };
    Ok(ShareCheck {
        part,
        whole,
        pct,
        implied_pct,
        verdict,
    })
}

/// A stated value against the figure its source gives.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, schemars::JsonSchema)]
pub struct ValueCheck {
    /// The value, as stated.
    pub stated: Stated,
    /// The source's figure, when it has one.
    pub found: Option<f64>,
    /// The verdict.
    pub verdict: Verdict,
}

/// Checks a stated value against `found` (the source's figure, or why there is none).
pub fn check_value(stated: Stated, found: Result<f64, String>) -> ValueCheck {
    match found {
        Ok(x) => ValueCheck {
            stated,
            found: Some(x),
            verdict: if stated.agrees_with(x) {
                Verdict::Consistent
            } else {
                Verdict::Inconsistent {
                    arithmetic: format!(
                        "the source gives {x}, which does not round to {}",
                        stated.value
                    ),
                }
            },
        },
        Err(reason) => ValueCheck {
            stated,
            found: None,
            verdict: Verdict::NotCheckable { reason },
        },
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn s(text: &str) -> Stated {
        text.parse().expect("a number")
    }

    #[test]
    fn asean_plus3_2019_share_adds_up_and_a_wrong_one_does_not() {
        // 890.2 / 2817 = 31.601%: "31.6%" holds at one decimal.
        let c = check_share(s("890.2"), s("2817"), s("31.6")).expect("share");
        assert_eq!(c.verdict, Verdict::Consistent);
        assert!((c.implied_pct - 31.6010).abs() < 1e-3);
        let c = check_share(s("890.2"), s("2817"), s("33")).expect("share");
        assert!(matches!(c.verdict, Verdict::Inconsistent { .. }), "{c:?}");
        assert!(check_share(s("1"), s("0"), s("5")).is_err());
    }

    #[test]
    fn a_value_rounds_to_what_was_written_or_is_not_checkable() {
        // 12.45 is "12.4" at one decimal (half a unit, inclusive).
        assert_eq!(
            check_value(s("12.4"), Ok(12.45)).verdict,
            Verdict::Consistent
        );
        assert!(matches!(
            check_value(s("12.4"), Ok(12.6)).verdict,
            Verdict::Inconsistent { .. }
        ));
        let c = check_value(s("890.2"), Err("the data end in 2006".into()));
        assert_eq!(c.found, None);
        assert!(matches!(c.verdict, Verdict::NotCheckable { .. }));
    }
}
