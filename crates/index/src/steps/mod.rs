//! The steps of a build, each from one data set to the next, as COINr defines them.

pub mod aggregate;
pub mod denominate;
pub mod em;
pub mod impute;
pub mod normalise;
pub mod screen;
pub mod treat;

/// Mean of the non-missing values (`NaN` when there are none).
pub(crate) fn mean(values: impl IntoIterator<Item = f64>) -> f64 {
    let (mut sum, mut n) = (0.0, 0usize);
    for v in values.into_iter().filter(|v| !v.is_nan()) {
        sum += v;
        n += 1;
    }
    if n == 0 {
        f64::NAN
    } else {
        sum / n as f64
    }
}

/// Median of the non-missing values (`NaN` when there are none), as R's `median`.
pub(crate) fn median(values: impl IntoIterator<Item = f64>) -> f64 {
    let mut v: Vec<f64> = values.into_iter().filter(|v| !v.is_nan()).collect();
    if v.is_empty() {
        return f64::NAN;
    }
    v.sort_by(f64::total_cmp);
    let n = v.len();
    if n % 2 == 1 {
        v[n / 2]
    } else {
        (v[n / 2 - 1] + v[n / 2]) / 2.0
    }
}

/// Sample standard deviation of the non-missing values (R's `sd`).
pub(crate) fn sd(values: &[f64]) -> f64 {
    let m = mean(values.iter().copied());
    let v: Vec<f64> = values.iter().copied().filter(|v| !v.is_nan()).collect();
    if v.len() < 2 {
        return f64::NAN;
    }
    (v.iter().map(|x| (x - m) * (x - m)).sum::<f64>() / (v.len() - 1) as f64).sqrt()
}

/// Element-wise within 1e-12 relative (absolute near zero); NaN only where expected.
#[cfg(test)]
pub(crate) fn assert_close(got: &[f64], want: &[f64]) {
    assert_eq!(got.len(), want.len(), "{got:?} vs {want:?}");
    for (g, w) in got.iter().zip(want) {
        if w.is_nan() {
            assert!(g.is_nan(), "{got:?} vs {want:?}: expected missing");
        } else {
            assert!(
                (g - w).abs() <= 1e-12 * w.abs().max(1.0),
                "{got:?} vs {want:?}"
            );
        }
    }
}
