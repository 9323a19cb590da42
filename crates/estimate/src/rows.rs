//! Loops over observations split between threads, with sums that do not depend on the
//! number of threads.
//!
//! Every per-observation loop of an estimation that runs once per IRLS iteration (weights,
//! working outcome, linear predictor, deviance) goes through here: left serial, they were
//! the part of a 5M-row PPML fit that a second core could not speed up.

use rayon::prelude::*;
use std::ops::Range;

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

/// Per-group accumulators over the rows `0..n`: `fold(range, acc)` adds the rows of
/// `range` into `acc` (one entry per group). Rows are split in contiguous ranges, one per
/// thread, each folded into its own accumulators, which are then merged group by group in
/// range order (`merge(into, from)`): a group's partial results combine in row order, so a
/// maximum with ties broken by the first row is the serial one, and a sum differs from the
/// serial loop's only in how the ranges bracket it.
///
/// Splitting by dimension instead leaves a core idle whenever the dimensions do not divide
/// evenly between threads (three dimensions on two cores: a third of the time).
pub fn scatter<T: Copy + Send + Sync>(
    n: usize,
    groups: usize,
    zero: T,
    fold: impl Fn(Range<usize>, &mut [T]) + Sync,
    merge: impl Fn(&mut T, &T) + Sync,
) -> Vec<T> {
    let parts = ranges_for(n, groups);
    if parts == 1 {
        let mut acc = vec![zero; groups];
        fold(0..n, &mut acc);
        return acc;
    }
    let len = n.div_ceil(parts);
    let mut partial: Vec<Vec<T>> = (0..parts)
        .into_par_iter()
        .map(|p| {
            let mut acc = vec![zero; groups];
            fold((p * len).min(n)..((p + 1) * len).min(n), &mut acc);
            acc
        })
        .collect();
    let mut merged = partial.remove(0);
    merged
        .par_chunks_mut(MERGE_CHUNK)
        .enumerate()
        .for_each(|(c, out)| {
            let base = c * MERGE_CHUNK;
            for part in &partial {
                for (o, p) in out.iter_mut().zip(&part[base..]) {
                    merge(o, p);
                }
            }
        });
    merged
}

/// How many ranges of rows to give per-thread accumulators of `groups` entries: one per
/// thread, no more than chunks of rows, and copies that together hold at most twice as many
/// entries as rows (a dimension with nearly as many groups as rows gains nothing from a
/// split).
pub fn ranges_for(n: usize, groups: usize) -> usize {
    rayon::current_num_threads()
        .min(n.div_ceil(CHUNK))
        .min(2 * n / groups.max(1))
        .max(1)
}

/// Groups per task when [`scatter`] merges the threads' accumulators.
const MERGE_CHUNK: usize = 1 << 14;

/// The entries of `v` at the rows flagged in `keep`, in order: the sample after a dropping
/// rule, for any column type. Serial: the callers copy several columns side by side, and a
/// parallel copy into a zeroed vector raised the peak memory of a 5M-row fit on two threads
/// by 60 MB (memory freed by worker threads stays in their allocator arenas) for no time
/// gained.
pub fn kept<T: Copy>(v: &[T], keep: &[bool]) -> Vec<T> {
    v.iter()
        .zip(keep)
        .filter(|(_, &k)| k)
        .map(|(x, _)| *x)
        .collect()
}

/// `value(i)` at the rows `i` flagged in `keep`, in order, chunks of rows counted and then
/// filled in parallel.
pub fn kept_with<T: Copy + Default + Send + Sync>(
    keep: &[bool],
    value: impl Fn(usize) -> T + Sync,
) -> Vec<T> {
    let counts: Vec<usize> = keep
        .par_chunks(CHUNK)
        .map(|k| k.iter().filter(|k| **k).count())
        .collect();
    // (Zero-filled by the allocator for numbers: no pass over the memory.)
    let mut out = vec![T::default(); counts.iter().sum()];
    let mut slices = Vec::with_capacity(counts.len());
    let mut rest = out.as_mut_slice();
    for &c in &counts {
        let (head, tail) = rest.split_at_mut(c);
        slices.push(head);
        rest = tail;
    }
    slices
        .into_par_iter()
        .zip(keep.par_chunks(CHUNK))
        .enumerate()
        .for_each(|(c, (out, keep))| {
            let base = c * CHUNK;
            let kept = keep.iter().enumerate().filter(|(_, &k)| k);
            out.iter_mut()
                .zip(kept)
                .for_each(|(o, (i, _))| *o = value(base + i));
        });
    out
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
    fn scattered_sums_and_maxima_match_a_serial_loop() {
        let n = 5 * CHUNK + 3;
        let groups = 1000;
        let g = |i: usize| (i * 7919) % groups;
        let v = |i: usize| ((i % 13) as f64) - 6.0;
        let serial_max = {
            let mut best = vec![(f64::NEG_INFINITY, usize::MAX); groups];
            for i in 0..n {
                if v(i) > best[g(i)].0 {
                    best[g(i)] = (v(i), i);
                }
            }
            best
        };
        for threads in [1, 2, 3, 8] {
            let pool = rayon::ThreadPoolBuilder::new()
                .num_threads(threads)
                .build()
                .unwrap();
            let (sums, maxima) = pool.install(|| {
                let sums = scatter(
                    n,
                    groups,
                    0.0,
                    |r, acc| r.for_each(|i| acc[g(i)] += v(i)),
                    |a, b| *a += b,
                );
                let maxima = scatter(
                    n,
                    groups,
                    (f64::NEG_INFINITY, usize::MAX),
                    |r, acc| {
                        for i in r {
                            if v(i) > acc[g(i)].0 {
                                acc[g(i)] = (v(i), i);
                            }
                        }
                    },
                    |a, b| {
                        if b.0 > a.0 {
                            *a = *b;
                        }
                    },
                );
                (sums, maxima)
            });
            // Integers: exact whatever the bracketing.
            for (k, s) in sums.iter().enumerate() {
                let want: f64 = (0..n).filter(|&i| g(i) == k).map(v).sum();
                assert_eq!(*s, want, "group {k}, {threads} threads");
            }
            assert_eq!(maxima, serial_max, "{threads} threads");
        }
    }

    #[test]
    fn kept_rows_stay_in_order() {
        let n = 3 * CHUNK + 11;
        let v: Vec<u32> = (0..n as u32).collect();
        let keep: Vec<bool> = (0..n).map(|i| i % 3 != 1 && i % 7 != 0).collect();
        let want: Vec<u32> = v.iter().copied().filter(|&i| keep[i as usize]).collect();
        assert_eq!(kept(&v, &keep), want);
        assert_eq!(kept_with(&keep, |i| v[i]), want);
        assert!(kept_with(&vec![false; n], |i| v[i]).is_empty());
        assert_eq!(kept_with(&vec![true; n], |i| v[i]), v);
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
