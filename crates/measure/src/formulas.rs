//! The indicator formulas on plain numbers. Each returns the value, or why it is
//! undefined (a zero or missing denominator), so no `NaN` ever reaches a user as a number.

/// Why a value could not be computed.
pub type Undefined = String;

/// Year-on-year growth, percent: `(x_t / x_{t−1} − 1) · 100`; undefined when `x_{t−1}`
/// is zero.
pub fn growth_pct(previous: f64, current: f64) -> Result<f64, Undefined> {
    if previous == 0.0 {
        return Err("zero in the previous year".into());
    }
    Ok((current / previous - 1.0) * 100.0)
}

/// Compound annual growth rate, percent, from year `a` to year `b`:
/// `((x_b / x_a)^(1/(b−a)) − 1) · 100`; undefined when `x_a ≤ 0`, `x_b < 0` or `b ≤ a`.
pub fn cagr_pct(a: i32, x_a: f64, b: i32, x_b: f64) -> Result<f64, Undefined> {
    if b <= a {
        return Err(format!("the window {a}:{b} has no length"));
    }
    if x_a <= 0.0 {
        return Err(format!("zero in {a}"));
    }
    if x_b < 0.0 {
        return Err(format!("negative in {b}"));
    }
    Ok(((x_b / x_a).powf(1.0 / f64::from(b - a)) - 1.0) * 100.0)
}

/// A share in percent: `part / whole · 100`; undefined when `whole` is zero.
pub fn share_pct(part: f64, whole: f64, what: &str) -> Result<f64, Undefined> {
    if whole == 0.0 {
        return Err(format!("{what} is zero"));
    }
    Ok(part / whole * 100.0)
}

/// Balassa's revealed comparative advantage:
/// `(x_group / x_all) / (world_group / world_all)`.
pub fn balassa_rca(
    x_group: f64,
    x_all: f64,
    world_group: f64,
    world_all: f64,
) -> Result<f64, Undefined> {
    if x_all == 0.0 {
        return Err("the subject exports nothing".into());
    }
    if world_group == 0.0 || world_all == 0.0 {
        return Err("the world exports none of the group".into());
    }
    Ok((x_group / x_all) / (world_group / world_all))
}

/// Herfindahl–Hirschman index of the parts' shares in their total, `Σ s_i²` (0–1; 1 is a
/// single part); undefined when the total is zero. Zero parts do not change it.
pub fn hhi(parts: impl IntoIterator<Item = f64> + Clone) -> Result<f64, Undefined> {
    let total: f64 = parts.clone().into_iter().sum();
    if total == 0.0 {
        return Err("no flows to share out".into());
    }
    Ok(parts.into_iter().map(|x| (x / total) * (x / total)).sum())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn close(a: f64, b: f64) {
        assert!((a - b).abs() < 1e-12, "{a} vs {b}");
    }

    #[test]
    fn by_hand() {
        close(growth_pct(80.0, 100.0).unwrap(), 25.0);
        close(growth_pct(100.0, 80.0).unwrap(), -20.0);
        assert!(growth_pct(0.0, 5.0).is_err());
        // 100 → 121 in two years: 10% a year; 100 → 0: −100%.
        close(cagr_pct(2000, 100.0, 2002, 121.0).unwrap(), 10.0);
        close(cagr_pct(2000, 100.0, 2001, 0.0).unwrap(), -100.0);
        assert!(cagr_pct(2000, 0.0, 2002, 1.0).is_err());
        assert!(cagr_pct(2002, 1.0, 2002, 1.0).is_err());
        close(share_pct(1.0, 4.0, "x").unwrap(), 25.0);
        assert_eq!(
            share_pct(1.0, 0.0, "world trade").unwrap_err(),
            "world trade is zero"
        );
        // Country: 30 of 100 in the group; world: 100 of 1000 → (0.3)/(0.1) = 3.
        close(balassa_rca(30.0, 100.0, 100.0, 1000.0).unwrap(), 3.0);
        assert!(balassa_rca(0.0, 0.0, 1.0, 1.0).is_err());
        assert!(balassa_rca(1.0, 1.0, 0.0, 1.0).is_err());
        // Shares 0.5, 0.3, 0.2 → 0.25 + 0.09 + 0.04 = 0.38.
        close(hhi([50.0, 30.0, 20.0, 0.0]).unwrap(), 0.38);
        close(hhi([7.0]).unwrap(), 1.0);
        assert!(hhi([0.0, 0.0]).is_err());
    }
}
