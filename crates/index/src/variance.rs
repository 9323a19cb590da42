//! Variance-based sensitivity indices as COINr's `get_sensitivity(SA_type = "SA")` estimates
//! them: Saltelli's sample of `N(d + 2)` runs (matrices A and B, then A with column `i`
//! taken from B for each input `i`), first-order indices by Saltelli's 2010 estimator
//! `S_i = mean(y_B·(y_ABi − y_A)) / V`, total indices by Jansen's
//! `S_Ti = Σ(y_A − y_ABi)² / (2N·V)`, with `V` the sample variance of `y_A` and `y_B`
//! together, and bootstrap intervals (5th and 95th percentiles) from resampling each
//! estimator's terms with replacement.

use crate::sensitivity::quantile;
use rand::{Rng, SeedableRng};

/// Saltelli's design: `N(d + 2)` points in `[0, 1)^d`, rows A (N), B (N), then for each
/// input `i` the N rows of A with column `i` from B.
pub fn saltelli_sample(n: usize, d: usize, seed: u64) -> Vec<Vec<f64>> {
    let mut rng = rand::rngs::StdRng::seed_from_u64(seed);
    let a: Vec<Vec<f64>> = (0..n)
        .map(|_| (0..d).map(|_| rng.random::<f64>()).collect())
        .collect();
    let b: Vec<Vec<f64>> = (0..n)
        .map(|_| (0..d).map(|_| rng.random::<f64>()).collect())
        .collect();
    let mut out = Vec::with_capacity(n * (d + 2));
    out.extend(a.iter().cloned());
    out.extend(b.iter().cloned());
    for i in 0..d {
        for (ra, rb) in a.iter().zip(&b) {
            let mut row = ra.clone();
            row[i] = rb[i];
            out.push(row);
        }
    }
    out
}

/// One input's indices.
#[derive(Debug, Clone, PartialEq, serde::Serialize, serde::Deserialize, schemars::JsonSchema)]
pub struct SensitivityIndex {
    /// The uncertain input (`weights`, `impute`, `normalise`, `aggregate`, `drop`).
    pub input: String,
    /// First-order index: the share of the output's variance this input explains alone.
    pub first_order: f64,
    /// Total index: its share including its interactions with the others.
    pub total: f64,
    /// Bootstrap 5th percentile of the first-order index.
    pub first_order_low: Option<f64>,
    /// Bootstrap 95th percentile of the first-order index.
    pub first_order_high: Option<f64>,
    /// Bootstrap 5th percentile of the total index.
    pub total_low: Option<f64>,
    /// Bootstrap 95th percentile of the total index.
    pub total_high: Option<f64>,
}

/// The indices of `inputs` from the outputs `y` of a Saltelli design (`N(d + 2)` values in
/// the design's order), with `bootstrap` resamples (0: no intervals). `None` when the
/// output does not vary (every index would divide by zero).
pub fn estimate(
    y: &[f64],
    inputs: &[String],
    bootstrap: usize,
    seed: u64,
) -> Option<(f64, Vec<SensitivityIndex>)> {
    let d = inputs.len();
    let n = y.len() / (d + 2);
    if n < 2 || y.len() != n * (d + 2) {
        return None;
    }
    let (ya, rest) = y.split_at(n);
    let (yb, yab) = rest.split_at(n);
    let var = sample_variance(ya.iter().chain(yb).copied());
    if !(var.is_finite() && var > 0.0) {
        return None;
    }
    let mut rng = rand::rngs::StdRng::seed_from_u64(seed);
    let indices = inputs
        .iter()
        .enumerate()
        .map(|(i, input)| {
            let yi = &yab[i * n..(i + 1) * n];
            let first: Vec<f64> = (0..n).map(|k| yb[k] * (yi[k] - ya[k])).collect();
            let total: Vec<f64> = (0..n).map(|k| ya[k] - yi[k]).collect();
            let s = |terms: &[f64]| terms.iter().sum::<f64>() / n as f64 / var;
            let st =
                |terms: &[f64]| terms.iter().map(|t| t * t).sum::<f64>() / (2.0 * n as f64 * var);
            let (mut fl, mut fh, mut tl, mut th) = (None, None, None, None);
            if bootstrap > 0 {
                let mut fb = Vec::with_capacity(bootstrap);
                let mut tb = Vec::with_capacity(bootstrap);
                let mut buf = vec![0.0; n];
                for _ in 0..bootstrap {
                    // Each estimator's terms resampled on their own, as COINr does.
                    for slot in buf.iter_mut() {
                        *slot = first[rng.random_range(0..n)];
                    }
                    fb.push(s(&buf));
                    for slot in buf.iter_mut() {
                        *slot = total[rng.random_range(0..n)];
                    }
                    tb.push(st(&buf));
                }
                fb.sort_by(f64::total_cmp);
                tb.sort_by(f64::total_cmp);
                fl = quantile(&fb, 0.05);
                fh = quantile(&fb, 0.95);
                tl = quantile(&tb, 0.05);
                th = quantile(&tb, 0.95);
            }
            SensitivityIndex {
                input: input.clone(),
                first_order: s(&first),
                total: st(&total),
                first_order_low: fl,
                first_order_high: fh,
                total_low: tl,
                total_high: th,
            }
        })
        .collect();
    Some((var, indices))
}

/// R's `var`: the sample variance (n − 1).
fn sample_variance(values: impl Iterator<Item = f64> + Clone) -> f64 {
    let n = values.clone().count();
    if n < 2 {
        return f64::NAN;
    }
    let mean = values.clone().sum::<f64>() / n as f64;
    values.map(|v| (v - mean) * (v - mean)).sum::<f64>() / (n - 1) as f64
}

/// The alternative a uniform draw `x` picks among `n` equally likely ones.
pub fn pick(x: f64, n: usize) -> usize {
    ((x * n as f64) as usize).min(n.saturating_sub(1))
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The design's rows: A, B, then A with one column of B each.
    #[test]
    fn the_design_swaps_one_column_per_block() {
        let x = saltelli_sample(4, 3, 7);
        assert_eq!(x.len(), 4 * 5);
        for i in 0..3 {
            for k in 0..4 {
                let row = &x[8 + i * 4 + k];
                for j in 0..3 {
                    let want = if j == i { x[4 + k][j] } else { x[k][j] };
                    assert_eq!(row[j], want);
                }
            }
        }
    }

    /// On `y = x1 + 2·x2 + 0·x3` with uniform inputs the variances are 1/12, 4/12 and 0:
    /// first-order and total indices are 0.2, 0.8 and 0 (no interactions). Monte-Carlo
    /// error at N = 20,000 is well under 0.02.
    #[test]
    fn an_additive_function_gives_its_variance_shares() {
        let n = 20_000;
        let x = saltelli_sample(n, 3, 1);
        let y: Vec<f64> = x.iter().map(|r| r[0] + 2.0 * r[1] + 0.0 * r[2]).collect();
        let inputs = vec!["a".to_string(), "b".into(), "c".into()];
        let (var, idx) = estimate(&y, &inputs, 50, 3).expect("indices");
        assert!((var - 5.0 / 12.0).abs() < 0.01, "{var}");
        for (got, want) in idx.iter().zip([0.2, 0.8, 0.0]) {
            assert!((got.first_order - want).abs() < 0.02, "{got:?}");
            assert!((got.total - want).abs() < 0.02, "{got:?}");
            let (lo, hi) = (got.total_low.expect("low"), got.total_high.expect("high"));
            assert!(
                lo <= got.total + 1e-12 && got.total <= hi + 1e-12,
                "{got:?}"
            );
        }
        // The third input does nothing: its total index is exactly 0.
        assert_eq!(idx[2].total, 0.0);
    }

    /// A product `y = x1·x2` has interactions: total indices exceed first-order ones
    /// (analytically S1 = S2 = 3/7, ST1 = ST2 = 4/7).
    #[test]
    fn interactions_show_as_total_above_first_order() {
        let n = 50_000;
        let x = saltelli_sample(n, 2, 5);
        let y: Vec<f64> = x.iter().map(|r| r[0] * r[1]).collect();
        let (_, idx) = estimate(&y, &["a".into(), "b".into()], 0, 0).expect("indices");
        for i in &idx {
            assert!((i.first_order - 3.0 / 7.0).abs() < 0.03, "{i:?}");
            assert!((i.total - 4.0 / 7.0).abs() < 0.03, "{i:?}");
            assert!(i.first_order_low.is_none());
        }
    }

    /// The estimators on a fixed output equal COINr's formulas computed by hand.
    #[test]
    fn the_estimators_are_coinrs_formulas() {
        // N = 2, d = 2: yA, yB, yAB1, yAB2.
        let y = [1.0, 3.0, 2.0, 6.0, 1.5, 4.0, 2.5, 2.0];
        let (var, idx) = estimate(&y, &["p".into(), "q".into()], 0, 0).expect("indices");
        // var(c(1, 3, 2, 6)) = 14/3.
        assert!((var - 14.0 / 3.0).abs() < 1e-12);
        // S1 = mean(yB·(yAB1 − yA)) / V = mean(2·0.5, 6·1) / V = 3.5 / V.
        assert!((idx[0].first_order - 3.5 / var).abs() < 1e-12);
        // ST1 = Σ(yA − yAB1)² / (2N·V) = (0.25 + 1) / (4V).
        assert!((idx[0].total - 1.25 / (4.0 * var)).abs() < 1e-12);
        // S2 = mean(2·1.5, 6·(−1)) / V = −1.5 / V; ST2 = (2.25 + 1) / (4V).
        assert!((idx[1].first_order + 1.5 / var).abs() < 1e-12);
        assert!((idx[1].total - 3.25 / (4.0 * var)).abs() < 1e-12);
        // A constant output has no variance to share.
        assert!(estimate(&[1.0; 8], &["p".into(), "q".into()], 0, 0).is_none());
    }

    #[test]
    fn a_draw_picks_each_alternative_over_an_equal_interval() {
        assert_eq!(pick(0.0, 3), 0);
        assert_eq!(pick(0.333, 3), 0);
        assert_eq!(pick(0.334, 3), 1);
        assert_eq!(pick(0.999_999, 3), 2);
        assert_eq!(pick(1.0, 3), 2);
    }
}
