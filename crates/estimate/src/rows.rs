//! Loops over observations split between threads, with sums that do not depend on the
//! number of threads.
//!
//! Every per-observation loop of an estimation that runs once per IRLS iteration (weights,
//! working outcome, linear predictor, deviance) goes through here: left serial, they were
//! the part of a 5M-row PPML fit that a second core could not speed up.

use rayon::prelude::*;

/// Observations per task: large enough that scheduling costs nothing, small enough that
/// two threads share a 1M-row sample evenly. Fixed, so that [`sum`] adds the same partial
/// sums in the same order whatever the thread count.
pub const CHUNK: usize = 1 << 15;

/// `Σ_i term(i)` over `0..n`, summed chunk by chunk (rows in order within a chunk, chunks
/// in order): the same number with any thread count.
pub fn sum(n: usize, term: impl Fn(usize) -> f64 + Sync) -> f64 {
    let chunks = n.div_ceil(CHUNK);
    let partial: Vec<f64> = (0..chunks)
        .into_par_iter()
        .map(|c| {
            let mut s = 0.0;
            for i in c * CHUNK..((c + 1) * CHUNK).min(n) {
                s += term(i);
            }
            s
        })
        .collect();
    partial.iter().sum()
}

/// `out[i] = value(i)` for every observation, in parallel.
pub fn fill(out: &mut [f64], value: impl Fn(usize) -> f64 + Sync) {
    out.par_chunks_mut(CHUNK).enumerate().for_each(|(c, o)| {
        let base = c * CHUNK;
        for (k, v) in o.iter_mut().enumerate() {
            *v = value(base + k);
        }
    });
}

/// `value(i)` for every observation, in parallel.
pub fn collect(n: usize, value: impl Fn(usize) -> f64 + Sync) -> Vec<f64> {
    let mut out = vec![0.0; n];
    fill(&mut out, value);
    out
}

/// `update(i, &mut a[i], &mut b[i])` for every observation, in parallel.
pub fn update_pair(
    a: &mut [f64],
    b: &mut [f64],
    update: impl Fn(usize, &mut f64, &mut f64) + Sync,
) {
    a.par_chunks_mut(CHUNK)
        .zip(b.par_chunks_mut(CHUNK))
        .enumerate()
        .for_each(|(c, (a, b))| {
            let base = c * CHUNK;
            for (k, (x, y)) in a.iter_mut().zip(b.iter_mut()).enumerate() {
                update(base + k, x, y);
            }
        });
}

/// The entries of `v` at the rows flagged in `keep`, in order: the sample after a dropping
/// rule, for any column type.
pub fn kept<T: Copy>(v: &[T], keep: &[bool]) -> Vec<T> {
    v.iter()
        .zip(keep)
        .filter(|(_, &k)| k)
        .map(|(x, _)| *x)
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sums_do_not_depend_on_the_thread_count() {
        let n = 3 * CHUNK + 17;
        let term = |i: usize| ((i as f64) * 0.37).sin() * 1e3;
        let one = rayon::ThreadPoolBuilder::new()
            .num_threads(1)
            .build()
            .unwrap();
        let two = rayon::ThreadPoolBuilder::new()
            .num_threads(2)
            .build()
            .unwrap();
        let a = one.install(|| sum(n, term));
        let b = two.install(|| sum(n, term));
        assert_eq!(a.to_bits(), b.to_bits());
        let serial: f64 = (0..n).map(term).sum();
        assert!((a - serial).abs() < 1e-9 * serial.abs().max(1.0));
    }

    #[test]
    fn fills_and_updates_every_row() {
        let n = 2 * CHUNK + 5;
        let v = collect(n, |i| i as f64);
        assert!(v.iter().enumerate().all(|(i, x)| *x == i as f64));
        let (mut a, mut b) = (vec![1.0; n], vec![0.0; n]);
        update_pair(&mut a, &mut b, |i, x, y| {
            *y = *x + i as f64;
            *x = 0.0;
        });
        assert!(a.iter().all(|x| *x == 0.0));
        assert!(b.iter().enumerate().all(|(i, y)| *y == 1.0 + i as f64));
    }
}
