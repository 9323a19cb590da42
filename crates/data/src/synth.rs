//! Synthetic structural-gravity panels, for benchmarks and Monte Carlo studies.
//!
//! The data-generating process is the structural gravity model itself:
//!
//! ```text
//! trade_ijt ~ Poisson( exp(c + π_it + χ_jt + μ_ij + β·rta_ijt) · ε_ijt ),  ε ~ Gamma(1/θ, θ)
//! ```
//!
//! with exporter-year and importer-year effects (country size plus a trend and noise),
//! pair effects `μ_ij = -ln(dist_ij) + home bias + noise` from random coordinates, an RTA
//! dummy that switches on at a random year for a share of country pairs (symmetric), and
//! the constant `c` calibrated so that about `zero_share` of the flows are zero. Every draw
//! comes from one seeded generator, so the same options give the same file.

use crate::table::StrColumnBuilder;
use crate::{Column, DataError, Result, Table};
use rand::rngs::StdRng;
use rand::{Rng, SeedableRng};
use rand_distr::{Distribution, Gamma, Normal, Poisson};

/// Options of the generator; defaults give a 1M-row panel (200 countries × 25 years).
#[derive(Debug, Clone)]
pub struct SynthOptions {
    /// Number of countries (all ordered pairs, intra-national included).
    pub countries: usize,
    /// Number of years.
    pub years: usize,
    /// First year.
    pub first_year: i32,
    /// Number of products (1 = aggregate trade, no `product` column).
    pub products: usize,
    /// Seed of the random generator.
    pub seed: u64,
    /// True RTA coefficient β.
    pub rta_effect: f64,
    /// Share of country pairs that sign an RTA at some point.
    pub rta_share: f64,
    /// Target share of zero flows (calibrated, reached approximately).
    pub zero_share: f64,
    /// Over-dispersion θ of the multiplicative Gamma noise (0 = pure Poisson).
    pub dispersion: f64,
}

impl Default for SynthOptions {
    fn default() -> Self {
        SynthOptions {
            countries: 200,
            years: 25,
            first_year: 2000,
            products: 1,
            seed: 42,
            rta_effect: 0.5,
            rta_share: 0.3,
            zero_share: 0.25,
            dispersion: 0.5,
        }
    }
}

/// The largest panel [`generate`] builds. The panel is held in memory (about 70 bytes a
/// row while it is generated), so the bound is what a workstation holds: 100 million rows,
/// twenty times the largest benchmark panel.
pub const MAX_ROWS: usize = 100_000_000;

/// Generates a panel with columns `exporter, importer, [product,] year, pair, dist, rta, trade`.
pub fn generate(o: &SynthOptions) -> Result<Table> {
    if o.countries < 2 || o.years < 1 || o.products < 1 {
        return Err(DataError::Usage(
            "a synthetic panel needs at least 2 countries (countries), 1 year (years) and 1 \
             product (products)"
                .into(),
        ));
    }
    if !(0.0..1.0).contains(&o.zero_share) || !(0.0..=1.0).contains(&o.rta_share) {
        return Err(DataError::Usage(
            "the share of zero flows (zero_share) must be in [0, 1) and the share of pairs in \
             a trade agreement (rta_share) in [0, 1]"
                .into(),
        ));
    }
    // Years are four-digit calendar years; the bound also keeps year arithmetic from
    // overflowing.
    let last_year = i64::from(o.first_year) + o.years.min(100_000) as i64 - 1;
    if o.first_year < 0 || last_year > 9999 {
        return Err(DataError::Usage(format!(
            "a panel of {1} years (years) from {0} (first_year) runs outside the years 0 to 9999",
            o.first_year, o.years
        )));
    }
    let rows = o
        .countries
        .checked_mul(o.countries)
        .and_then(|x| x.checked_mul(o.years))
        .and_then(|x| x.checked_mul(o.products))
        .filter(|&x| x <= MAX_ROWS)
        .ok_or_else(|| {
            DataError::Usage(format!(
                "{} countries (squared), {} years and {} products make a panel of more than \
                 {MAX_ROWS} rows, the most a synthetic panel has (it is held in memory)",
                o.countries, o.years, o.products
            ))
        })?;
    let (n, t) = (o.countries, o.years);
    let mut rng = StdRng::seed_from_u64(o.seed);
    let std_normal =
        Normal::new(0.0, 1.0).map_err(|e| DataError::InvalidArgument(e.to_string()))?;

    let coords: Vec<(f64, f64)> = (0..n)
        .map(|_| (rng.random::<f64>() * 100.0, rng.random::<f64>() * 100.0))
        .collect();
    let size: Vec<f64> = (0..n).map(|_| 1.5 * std_normal.sample(&mut rng)).collect();
    let exp_fe: Vec<f64> = (0..n * t)
        .map(|k| size[k / t] + 0.03 * (k % t) as f64 + 0.1 * std_normal.sample(&mut rng))
        .collect();
    let imp_fe: Vec<f64> = (0..n * t)
        .map(|k| size[k / t] + 0.02 * (k % t) as f64 + 0.1 * std_normal.sample(&mut rng))
        .collect();
    let prod_fe: Vec<f64> = (0..o.products)
        .map(|_| 0.8 * std_normal.sample(&mut rng))
        .collect();

    let mut dist = vec![0.0; n * n];
    let mut pair_fe = vec![0.0; n * n];
    let mut rta_start = vec![i32::MAX; n * n];
    for i in 0..n {
        for j in 0..=i {
            let d = if i == j {
                0.5 + rng.random::<f64>()
            } else {
                let (a, b) = (coords[i], coords[j]);
                ((a.0 - b.0).powi(2) + (a.1 - b.1).powi(2)).sqrt() + 1.0
            };
            let home = if i == j { 3.0 } else { 0.0 };
            for (x, y) in [(i, j), (j, i)] {
                dist[x * n + y] = d;
                pair_fe[x * n + y] = -d.ln() + home + 0.5 * std_normal.sample(&mut rng);
            }
            if i != j && rng.random::<f64>() < o.rta_share {
                // Signed somewhere between a third of the span before the panel and its end.
                let lead = (t as i32 / 3).max(1);
                let start = o.first_year + rng.random_range(-lead..t as i32);
                rta_start[i * n + j] = start;
                rta_start[j * n + i] = start;
            }
        }
    }

    let mut log_mean = Vec::with_capacity(rows);
    let mut rta = Vec::with_capacity(rows);
    for i in 0..n {
        for j in 0..n {
            for prod in &prod_fe {
                for y in 0..t {
                    let year = o.first_year + y as i32;
                    let r = f64::from(u8::from(year >= rta_start[i * n + j]));
                    rta.push(r);
                    log_mean.push(
                        exp_fe[i * t + y]
                            + imp_fe[j * t + y]
                            + pair_fe[i * n + j]
                            + prod
                            + o.rta_effect * r,
                    );
                }
            }
        }
    }
    let noise = if o.dispersion > 0.0 {
        Some(
            Gamma::new(1.0 / o.dispersion, o.dispersion)
                .map_err(|e| DataError::InvalidArgument(e.to_string()))?,
        )
    } else {
        None
    };
    let eps: Vec<f64> = (0..rows)
        .map(|_| noise.map_or(1.0, |g| g.sample(&mut rng)))
        .collect();
    let c = calibrate_constant(&log_mean, &eps, o.zero_share);
    let trade: Vec<f64> = log_mean
        .iter()
        .zip(&eps)
        .map(|(lm, e)| {
            let lambda = (c + lm).exp() * e;
            if lambda <= 0.0 {
                0.0
            } else if lambda > 1e12 {
                lambda.round()
            } else {
                Poisson::new(lambda).map_or(0.0, |d| d.sample(&mut rng))
            }
        })
        .collect();

    let names: Vec<String> = (0..n).map(|i| format!("C{i:04}")).collect();
    let mut exporter = StrColumnBuilder::default();
    let mut importer = StrColumnBuilder::default();
    let mut product = Vec::with_capacity(rows);
    let mut year = Vec::with_capacity(rows);
    let mut pair = Vec::with_capacity(rows);
    let mut dist_col = Vec::with_capacity(rows);
    for i in 0..n {
        for j in 0..n {
            for p in 0..o.products {
                for y in 0..t {
                    exporter.push(Some(&names[i]));
                    importer.push(Some(&names[j]));
                    product.push(p as f64 + 1.0);
                    year.push(f64::from(o.first_year + y as i32));
                    pair.push((i * n + j + 1) as f64);
                    dist_col.push(dist[i * n + j]);
                }
            }
        }
    }
    let mut table = Table::new();
    table.push("exporter", Column::Str(exporter.finish()))?;
    table.push("importer", Column::Str(importer.finish()))?;
    if o.products > 1 {
        table.push("product", Column::numbers(product))?;
    }
    table.push("year", Column::numbers(year))?;
    table.push("pair", Column::numbers(pair))?;
    table.push("dist", Column::numbers(dist_col))?;
    table.push("rta", Column::numbers(rta))?;
    table.push("trade", Column::numbers(trade))?;
    Ok(table)
}

/// The constant `c` with mean P(Poisson(exp(c + lm)·ε) = 0) ≈ target, by bisection on a
/// subsample (the probability falls monotonically in `c`).
fn calibrate_constant(log_mean: &[f64], eps: &[f64], target: f64) -> f64 {
    let step = (log_mean.len() / 200_000).max(1);
    let zero_share = |c: f64| {
        let (mut s, mut k) = (0.0, 0usize);
        for i in (0..log_mean.len()).step_by(step) {
            s += (-(c + log_mean[i]).exp() * eps[i]).exp();
            k += 1;
        }
        s / k as f64
    };
    let (mut lo, mut hi) = (-60.0, 60.0);
    for _ in 0..100 {
        let mid = 0.5 * (lo + hi);
        if zero_share(mid) > target {
            lo = mid;
        } else {
            hi = mid;
        }
    }
    0.5 * (lo + hi)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn same_seed_same_panel_and_zero_share_near_target() {
        let o = SynthOptions {
            countries: 20,
            years: 5,
            zero_share: 0.3,
            ..Default::default()
        };
        let a = generate(&o).unwrap();
        let b = generate(&o).unwrap();
        assert_eq!(a, b);
        assert_eq!(a.nrows(), 20 * 20 * 5);
        let trade = a.num("trade").unwrap();
        let zeros = trade.iter().filter(|&&x| x == 0.0).count() as f64 / trade.len() as f64;
        assert!((zeros - 0.3).abs() < 0.1, "zero share {zeros}");
        let rta = a.num("rta").unwrap();
        assert!(rta.contains(&1.0) && rta.contains(&0.0));
    }

    #[test]
    fn products_add_a_column() {
        let o = SynthOptions {
            countries: 3,
            years: 2,
            products: 4,
            ..Default::default()
        };
        let t = generate(&o).unwrap();
        assert_eq!(t.nrows(), 3 * 3 * 2 * 4);
        assert!(t.has("product"));
    }
}
