//! The HS 2022 nomenclature's six-digit codes, to validate product lists against.

use std::collections::HashSet;
use std::sync::OnceLock;

static HS2022_CODES: &str = include_str!("../../reference/hs2022_codes.txt");

fn hs2022() -> &'static HashSet<&'static str> {
    static SET: OnceLock<HashSet<&'static str>> = OnceLock::new();
    SET.get_or_init(|| HS2022_CODES.split_whitespace().collect())
}

/// Whether `code` (2, 4 or 6 digits) is an HS 2022 chapter, heading or subheading: a
/// six-digit code must be a subheading; shorter ones must begin at least one.
pub fn in_hs2022(code: &str) -> bool {
    match code.len() {
        6 => hs2022().contains(code),
        2 | 4 => hs2022().iter().any(|c| c.starts_with(code)),
        _ => false,
    }
}

/// Number of six-digit subheadings in HS 2022.
pub fn hs2022_len() -> usize {
    hs2022().len()
}

/// Checks that `code` is an HS prefix of 2, 4 or 6 digits; returns why not.
pub(crate) fn check_hs_prefix(code: &str) -> Result<(), String> {
    if !matches!(code.len(), 2 | 4 | 6) || !code.bytes().all(|b| b.is_ascii_digit()) {
        return Err(format!(
            "`{code}` is not an HS code: use 2, 4 or 6 digits (a chapter, heading or subheading)"
        ));
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn hs2022_has_its_5612_subheadings() {
        // Level-6 rows of the UN Comtrade HS 2022 file, less its 999999 "not specified".
        assert_eq!(hs2022_len(), 5612);
        assert!(in_hs2022("330499"));
        assert!(in_hs2022("3304"));
        assert!(in_hs2022("97"));
        assert!(in_hs2022("970121"), "HS 2022 split of paintings");
        assert!(!in_hs2022("970110"), "HS 2017 code, gone in HS 2022");
        assert!(!in_hs2022("950300".get(..5).unwrap_or_default()));
        assert!(!in_hs2022("99"));
    }

    #[test]
    fn prefixes_are_checked() {
        assert!(check_hs_prefix("3304").is_ok());
        assert!(check_hs_prefix("330510").is_ok());
        assert!(check_hs_prefix("330").is_err());
        assert!(check_hs_prefix("33a4").is_err());
        assert!(check_hs_prefix("33041000").is_err());
    }
}
