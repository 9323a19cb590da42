//! Coefficient draws from the estimated sampling distribution `N(b, V)` and percentile
//! intervals of what they imply.

use crate::error::{Result, SimulateError};
use crate::result::{DrawFailure, Interval};
use rand::SeedableRng;
use rand_distr::{Distribution, StandardNormal};

/// Lower-triangular `L` with `L L' = V`; tiny negative pivots from rounding count as zero
/// (a coefficient with no variance is then held fixed).
fn cholesky(v: &[Vec<f64>]) -> Result<Vec<Vec<f64>>> {
    let k = v.len();
    let mut l = vec![vec![0.0; k]; k];
    for i in 0..k {
        if v[i].len() != k {
            return Err(SimulateError::DimensionMismatch {
                what: "variance matrix of the coefficients".into(),
                expected: format!("{k} entries in row {}", i + 1),
                found: v[i].len().to_string(),
            });
        }
        for j in 0..=i {
            let s: f64 = (0..j).map(|m| l[i][m] * l[j][m]).sum();
            if i == j {
                let d = v[i][i] - s;
                let scale = v[i][i].abs().max(f64::MIN_POSITIVE);
                if d < -1e-10 * scale || !d.is_finite() {
                    return Err(SimulateError::VarianceNotPsd { pivot: i, value: d });
                }
                l[i][i] = d.max(0.0).sqrt();
            } else {
                l[i][j] = if l[j][j] > 0.0 {
                    (v[i][j] - s) / l[j][j]
                } else {
                    0.0
                };
            }
        }
    }
    Ok(l)
}

/// `n` draws of `mean + L z`, `z` standard normal; reproducible for a seed.
pub fn normal_draws(mean: &[f64], vcov: &[Vec<f64>], n: usize, seed: u64) -> Result<Vec<Vec<f64>>> {
    if vcov.len() != mean.len() {
        return Err(SimulateError::DimensionMismatch {
            what: "coefficient draws".into(),
            expected: format!("a {0}x{0} variance matrix for {0} coefficients", mean.len()),
            found: format!("{0}x{0}", vcov.len()),
        });
    }
    let l = cholesky(vcov)?;
    let mut rng = rand::rngs::StdRng::seed_from_u64(seed);
    Ok((0..n)
        .map(|_| {
            let z: Vec<f64> = (0..mean.len())
                .map(|_| StandardNormal.sample(&mut rng))
                .collect();
            mean.iter()
                .enumerate()
                .map(|(i, m)| m + (0..=i).map(|j| l[i][j] * z[j]).sum::<f64>())
                .collect()
        })
        .collect())
}

/// Median and 2.5/97.5 percentiles (linear interpolation between order statistics, the
/// default of numpy and R's type 7).
pub fn interval(values: &mut [f64]) -> Interval {
    values.sort_by(f64::total_cmp);
    let q = |p: f64| {
        let n = values.len();
        if n == 0 {
            return f64::NAN;
        }
        let h = (n - 1) as f64 * p;
        let lo = h.floor() as usize;
        let hi = (lo + 1).min(n - 1);
        values[lo] + (h - lo as f64) * (values[hi] - values[lo])
    };
    Interval {
        median: q(0.5),
        low: q(0.025),
        high: q(0.975),
    }
}

/// Failed draws counted by [`SimulateError::cause`], most frequent first (ties in the
/// order they first occurred), each with the message of its first draw.
pub fn tally<'a>(failures: impl IntoIterator<Item = &'a SimulateError>) -> Vec<DrawFailure> {
    let mut out: Vec<DrawFailure> = Vec::new();
    for e in failures {
        let cause = e.cause();
        match out.iter_mut().find(|f| f.cause == cause) {
            Some(f) => f.count += 1,
            None => out.push(DrawFailure {
                cause,
                count: 1,
                example: e.to_string(),
            }),
        }
    }
    // A stable sort keeps first occurrence among equal counts.
    out.sort_by_key(|f| std::cmp::Reverse(f.count));
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn failures_are_counted_by_cause_most_frequent_first() {
        let nc = |r: f64| SimulateError::NotConverged {
            what: "exact full-endowment equilibrium".into(),
            iterations: 10,
            residual: r,
            tolerance: 1e-9,
        };
        let overflow = SimulateError::CostOverflow {
            exporter: "A".into(),
            importer: "B".into(),
            value: f64::INFINITY,
        };
        let errors = [overflow, nc(1.0), nc(2.0)];
        let t = tally(&errors);
        assert_eq!(t.len(), 2);
        assert_eq!(
            (t[0].cause.as_str(), t[0].count),
            ("exact full-endowment equilibrium did not converge", 2)
        );
        assert!(t[0].example.contains("1.000e0"), "{}", t[0].example);
        assert_eq!(t[1].count, 1);
        assert!(tally(&[]).is_empty());
    }

    #[test]
    fn percentiles_match_numpy() {
        // numpy.percentile(range(1, 11), [2.5, 50, 97.5]) = [1.225, 5.5, 9.775]
        let mut v: Vec<f64> = (1..=10).rev().map(f64::from).collect();
        let i = interval(&mut v);
        assert!((i.low - 1.225).abs() < 1e-12);
        assert!((i.median - 5.5).abs() < 1e-12);
        assert!((i.high - 9.775).abs() < 1e-12);
    }

    #[test]
    fn draws_have_the_requested_moments() {
        let mean = [1.0, -2.0];
        let v = vec![vec![0.04, 0.01], vec![0.01, 0.09]];
        let d = normal_draws(&mean, &v, 40_000, 7).unwrap();
        let n = d.len() as f64;
        let m0 = d.iter().map(|x| x[0]).sum::<f64>() / n;
        let m1 = d.iter().map(|x| x[1]).sum::<f64>() / n;
        let c01 = d.iter().map(|x| (x[0] - m0) * (x[1] - m1)).sum::<f64>() / n;
        let v1 = d.iter().map(|x| (x[1] - m1).powi(2)).sum::<f64>() / n;
        // Standard errors of these moments at n = 40 000 are below 0.002 / 0.0008.
        assert!((m0 - 1.0).abs() < 0.01 && (m1 + 2.0).abs() < 0.01);
        assert!((c01 - 0.01).abs() < 0.003 && (v1 - 0.09).abs() < 0.004);
        assert_eq!(
            normal_draws(&mean, &v, 3, 7).unwrap(),
            normal_draws(&mean, &v, 3, 7).unwrap()
        );
    }

    #[test]
    fn rejects_indefinite_variance() {
        let v = vec![vec![1.0, 2.0], vec![2.0, 1.0]];
        assert!(normal_draws(&[0.0, 0.0], &v, 1, 1).is_err());
    }
}
