//! Number parsing for the hot loops: exact decimal scaling and small integers, on bytes.

/// Parses an unsigned integer of at most 9 digits (codes, years).
pub(crate) fn parse_u32(s: &[u8]) -> Option<u32> {
    if s.is_empty() || s.len() > 9 {
        return None;
    }
    let mut v: u32 = 0;
    for &b in s {
        let d = b.wrapping_sub(b'0');
        if d > 9 {
            return None;
        }
        v = v * 10 + u32::from(d);
    }
    Some(v)
}

/// Parses a decimal number and multiplies it by `10^scale` (0 ≤ scale ≤ 9), exactly when
/// the result is an integer below 2^53: BACI's thousands of dollars with three decimals
/// become whole dollars without the rounding error of `x * 1000.0`. Accepts an optional
/// sign and exponent (falling back to `f64` arithmetic for those).
pub(crate) fn parse_scaled(s: &[u8], scale: u32) -> Option<f64> {
    let (neg, body) = match s.first() {
        Some(b'-') => (true, &s[1..]),
        Some(b'+') => (false, &s[1..]),
        _ => (false, s),
    };
    if body.is_empty() {
        return None;
    }
    let mut mantissa: u64 = 0;
    let mut digits = 0u32;
    let mut decimals = 0u32;
    let mut seen_dot = false;
    let mut simple = true;
    for &b in body {
        match b {
            b'0'..=b'9' => {
                if digits >= 18 {
                    simple = false;
                    break;
                }
                mantissa = mantissa * 10 + u64::from(b - b'0');
                if mantissa > 0 {
                    digits += 1;
                }
                if seen_dot {
                    decimals += 1;
                }
            }
            b'.' if !seen_dot => seen_dot = true,
            _ => {
                simple = false;
                break;
            }
        }
    }
    let value = if simple {
        if body == b"." {
            return None;
        }
        let m = if decimals <= scale {
            mantissa.checked_mul(10u64.pow(scale - decimals))
        } else {
            None
        };
        match m {
            Some(m) if m < (1 << 53) => m as f64,
            _ => mantissa as f64 * 10f64.powi(scale as i32 - decimals as i32),
        }
    } else {
        let text = std::str::from_utf8(body).ok()?;
        let x: f64 = text.parse().ok()?;
        x * 10f64.powi(scale as i32)
    };
    if !value.is_finite() {
        return None;
    }
    Some(if neg { -value } else { value })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn integers() {
        assert_eq!(parse_u32(b"2021"), Some(2021));
        assert_eq!(parse_u32(b"004"), Some(4));
        assert_eq!(parse_u32(b""), None);
        assert_eq!(parse_u32(b"12a"), None);
        assert_eq!(parse_u32(b"-1"), None);
        assert_eq!(parse_u32(b"1234567890"), None);
    }

    #[test]
    fn thousands_become_exact_dollars() {
        assert_eq!(parse_scaled(b"1.234", 3), Some(1234.0));
        assert_eq!(parse_scaled(b"0.001", 3), Some(1.0));
        assert_eq!(parse_scaled(b"12", 3), Some(12000.0));
        assert_eq!(parse_scaled(b"12.", 3), Some(12000.0));
        assert_eq!(parse_scaled(b".5", 3), Some(500.0));
        // 0.1 * 1000.0 and 1.005 * 1000.0 are not exact in f64 arithmetic; parsing is.
        assert_eq!(parse_scaled(b"1.005", 3), Some(1005.0));
        assert_eq!(parse_scaled(b"4.35", 3), Some(4350.0));
        assert_eq!(parse_scaled(b"-2.5", 3), Some(-2500.0));
        assert_eq!(parse_scaled(b"1.2345", 3), Some(1234.5));
        assert_eq!(parse_scaled(b"1e3", 3), Some(1e6));
        assert_eq!(parse_scaled(b"3.5", 0), Some(3.5));
    }

    #[test]
    fn rejects_garbage() {
        for bad in [
            &b""[..],
            b".",
            b"-",
            b"1.2.3",
            b"abc",
            b"1,5",
            b"NA",
            b"inf",
            b"1e999",
        ] {
            assert_eq!(
                parse_scaled(bad, 3),
                None,
                "{:?}",
                String::from_utf8_lossy(bad)
            );
        }
    }
}
