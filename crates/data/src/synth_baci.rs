//! Synthetic BACI releases of realistic size and shape, for ingestion benchmarks.
//!
//! One year has about `rows` flows (BACI 2021 has about 11 million, 400 MB of CSV): 200
//! countries whose sizes follow a log-normal law, ~5,000 HS6 products from all 97 chapters,
//! and for every ordered country pair a number of products proportional to the product of
//! the two sizes (so large pairs trade thousands of products and small ones a handful).
//! Values are log-normal (heavy right tail, thousands of USD with three decimals as BACI
//! writes them), quantities follow the values with noise and are `NA` in 2% of rows. Rows
//! are sorted by exporter, importer and product, as in BACI; product codes are written
//! without their leading zero (`10121`), as some releases do. The country file uses the
//! V202401 layout with made-up three-letter codes (`C004` style names), so nothing here
//! passes for real data.

use crate::{DataError, Result};
use rand::rngs::StdRng;
use rand::{Rng, SeedableRng};
use rand_distr::{Distribution, LogNormal, Normal};
use std::io::Write;

/// Options of the generator.
#[derive(Debug, Clone)]
pub struct BaciSynthOptions {
    /// Flows per year (approximately).
    pub rows: usize,
    /// Number of countries.
    pub countries: usize,
    /// Number of HS6 products.
    pub products: usize,
    /// Seed.
    pub seed: u64,
}

impl Default for BaciSynthOptions {
    fn default() -> Self {
        BaciSynthOptions {
            rows: 11_000_000,
            countries: 200,
            products: 5_000,
            seed: 42,
        }
    }
}

/// The release's countries and products (the same for every year).
#[derive(Debug, Clone)]
pub struct BaciUniverse {
    /// `(numeric code, ISO3-like code)` per country.
    pub countries: Vec<(u32, String)>,
    /// HS6 codes as numbers, ascending.
    pub products: Vec<u32>,
    sizes: Vec<f64>,
}

fn letters(mut n: usize) -> String {
    let mut s = [b'A'; 3];
    for b in s.iter_mut().rev() {
        *b = b'A' + (n % 26) as u8;
        n /= 26;
    }
    String::from_utf8_lossy(&s).into_owned()
}

/// Draws the countries and products.
pub fn universe(o: &BaciSynthOptions) -> Result<BaciUniverse> {
    if o.countries < 2 || o.countries > 999 || o.products < 1 || o.products > 90_000 {
        return Err(DataError::Usage(
            "synthetic BACI needs 2 to 999 countries (countries) and 1 to 90,000 products \
             (products)"
                .into(),
        ));
    }
    let mut rng = StdRng::seed_from_u64(o.seed);
    // Numeric codes spread over 4..=996 like ISO 3166's, distinct.
    let countries: Vec<(u32, String)> = (0..o.countries)
        .map(|n| {
            let code = 4 + (n * 992 / o.countries) as u32;
            (code, letters(n * 17 % 17_576))
        })
        .collect();
    let size = LogNormal::new(0.0, 1.5).map_err(|e| DataError::InvalidArgument(e.to_string()))?;
    let sizes: Vec<f64> = (0..o.countries).map(|_| size.sample(&mut rng)).collect();
    let mut products: Vec<u32> = Vec::with_capacity(o.products);
    let mut seen = std::collections::HashSet::new();
    while products.len() < o.products {
        let chapter = rng.random_range(1..=97u32);
        let rest = rng.random_range(100..10_000u32);
        let code = chapter * 10_000 + rest;
        if seen.insert(code) {
            products.push(code);
        }
    }
    products.sort_unstable();
    Ok(BaciUniverse {
        countries,
        products,
        sizes,
    })
}

/// Writes `country_codes_V<release>.csv` (V202401 layout).
pub fn write_country_codes<W: Write>(u: &BaciUniverse, mut sink: W) -> Result<()> {
    let err = |e: std::io::Error| DataError::Write(e.to_string());
    writeln!(sink, "country_code,country_name,country_iso2,country_iso3").map_err(err)?;
    for (code, iso3) in &u.countries {
        writeln!(
            sink,
            "{code},Synthetic country {code},{},{iso3}",
            &iso3[..2]
        )
        .map_err(err)?;
    }
    sink.flush().map_err(err)
}

/// Writes `product_codes_HS17_V<release>.csv`.
pub fn write_product_codes<W: Write>(u: &BaciUniverse, mut sink: W) -> Result<()> {
    let err = |e: std::io::Error| DataError::Write(e.to_string());
    writeln!(sink, "code,description").map_err(err)?;
    for k in &u.products {
        writeln!(sink, "{k:06},Synthetic product {k:06}").map_err(err)?;
    }
    sink.flush().map_err(err)
}

/// Writes one year of flows (`t,i,j,k,v,q`); returns the number of rows written.
pub fn write_year<W: Write>(
    u: &BaciUniverse,
    o: &BaciSynthOptions,
    year: i32,
    mut sink: W,
) -> Result<u64> {
    let err = |e: std::io::Error| DataError::Write(e.to_string());
    let bad = |e: rand_distr::NormalError| DataError::InvalidArgument(e.to_string());
    let mut rng = StdRng::seed_from_u64(o.seed ^ (year as u64).wrapping_mul(0x9E37_79B9_7F4A_7C15));
    let n = u.countries.len();
    let np = u.products.len();
    let value = LogNormal::new(3.0, 2.5).map_err(bad)?;
    let ratio = Normal::new(0.5, 1.5).map_err(bad)?;
    // Large pairs saturate at every product, so the scale that gives `rows` in expectation
    // is found by bisection on the capped total.
    let capped = |scale: f64| -> f64 {
        let mut t = 0.0;
        for i in 0..n {
            for j in 0..n {
                if i != j {
                    t += (scale * u.sizes[i] * u.sizes[j]).min(np as f64);
                }
            }
        }
        t
    };
    let (mut lo, mut hi) = (0.0, 1.0);
    while capped(hi) < o.rows as f64 && hi < 1e12 {
        hi *= 2.0;
    }
    for _ in 0..60 {
        let mid = 0.5 * (lo + hi);
        if capped(mid) < o.rows as f64 {
            lo = mid;
        } else {
            hi = mid;
        }
    }
    let scale = hi;
    let mut line = Vec::with_capacity(64);
    let mut picks: Vec<usize> = Vec::new();
    let mut rows = 0u64;
    writeln!(sink, "t,i,j,k,v,q").map_err(err)?;
    for i in 0..n {
        for j in 0..n {
            if i == j {
                continue;
            }
            let expected = scale * u.sizes[i] * u.sizes[j];
            // Stochastic rounding keeps the expected total at `rows`.
            let mut m = expected.floor() as usize;
            if rng.random::<f64>() < expected.fract() {
                m += 1;
            }
            let m = m.min(np);
            if m == 0 {
                continue;
            }
            picks.clear();
            picks.extend(rand::seq::index::sample(&mut rng, np, m).iter());
            picks.sort_unstable();
            let (ci, cj) = (u.countries[i].0, u.countries[j].0);
            for &p in &picks {
                let v: f64 = value.sample(&mut rng);
                let v = (v * 1000.0).round().max(1.0) / 1000.0;
                line.clear();
                let _ = write!(line, "{year},{ci},{cj},{},{v:.3},", u.products[p]);
                if rng.random::<f64>() < 0.02 {
                    line.extend_from_slice(b"NA");
                } else {
                    let r: f64 = ratio.sample(&mut rng);
                    let q = v * r.exp();
                    let _ = write!(line, "{q:.3}");
                }
                line.push(b'\n');
                sink.write_all(&line).map_err(err)?;
                rows += 1;
            }
        }
    }
    sink.flush().map_err(err)?;
    Ok(rows)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn small_release_has_the_asked_shape() {
        let o = BaciSynthOptions {
            rows: 20_000,
            countries: 30,
            products: 400,
            seed: 7,
        };
        let u = universe(&o).unwrap();
        assert_eq!(u.countries.len(), 30);
        assert_eq!(u.products.len(), 400);
        let mut buf = Vec::new();
        let rows = write_year(&u, &o, 2021, &mut buf).unwrap();
        let text = String::from_utf8(buf.clone()).unwrap();
        assert_eq!(text.lines().count() as u64, rows + 1);
        assert!((rows as f64 - 20_000.0).abs() < 600.0, "{rows}");
        assert!(text.starts_with("t,i,j,k,v,q\n2021,"));
        // Deterministic.
        let mut again = Vec::new();
        write_year(&u, &o, 2021, &mut again).unwrap();
        assert_eq!(buf, again);
        // Some quantities missing, values positive with three decimals.
        assert!(text.contains(",NA\n"));
        let line = text.lines().nth(1).unwrap();
        let v = line.split(',').nth(4).unwrap();
        assert_eq!(v.split('.').nth(1).map(str::len), Some(3), "{line}");
    }
}
