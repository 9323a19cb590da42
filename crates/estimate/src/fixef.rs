//! Fixed effects: dense group ids, group sizes, and the observation-dropping rules that
//! depend only on them (singletons, all-zero groups).
//!
//! Naming convention in this module and in [`crate::demean`] (after fixest's C++ kernels):
//! `_n` per observation, `_q` per fixed-effect dimension, `_g` per group of one dimension,
//! `_k` per coefficient.

use crate::fe_operator::FeOperator;
use hallyu_data::{Column, ColumnView, Table, MISSING_CODE};
use rayon::prelude::*;
use std::collections::HashMap;
use std::hash::{BuildHasherDefault, Hasher};

/// Hashes one `u64` key (the bits of a number, a combined pair of codes) with the
/// splitmix64 finaliser: every input bit reaches every output bit, which the hash table
/// needs (the bits of whole numbers such as years end in zeros), at a few instructions
/// instead of SipHash's rounds, a third of the time it took to encode a 5M-row panel's
/// `exporter^year` and `importer^year`. The keys come from the data, not from an adversary
/// who could pick colliding values to slow a fit down.
#[derive(Default)]
struct KeyHasher(u64);

impl Hasher for KeyHasher {
    fn finish(&self) -> u64 {
        let mut z = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    }

    fn write(&mut self, bytes: &[u8]) {
        for &b in bytes {
            self.0 = self.0.rotate_left(8) ^ u64::from(b);
        }
    }

    fn write_u64(&mut self, key: u64) {
        self.0 = key;
    }
}

/// Map from a `u64` key to its dense code.
type CodeMap = HashMap<u64, u32, BuildHasherDefault<KeyHasher>>;

/// Encoded fixed-effect dimensions over the estimation sample.
#[derive(Debug, Clone, PartialEq)]
pub struct FixedEffects {
    /// Name of each dimension as written in the formula (`exporter^year`).
    pub names: Vec<String>,
    /// `ids[q][n]`: dense group id (0..levels[q]) of observation `n` in dimension `q`.
    pub ids: Vec<Vec<u32>>,
    /// Number of groups of each dimension.
    pub levels: Vec<usize>,
}

impl FixedEffects {
    /// No fixed effects over `n` observations.
    pub fn empty() -> Self {
        FixedEffects {
            names: Vec::new(),
            ids: Vec::new(),
            levels: Vec::new(),
        }
    }

    /// Number of dimensions.
    pub fn len(&self) -> usize {
        self.ids.len()
    }

    /// Whether there are no fixed effects.
    pub fn is_empty(&self) -> bool {
        self.ids.is_empty()
    }

    /// Keeps the observations flagged in `keep` and renumbers groups densely.
    pub fn subset(&self, keep: &[bool]) -> FixedEffects {
        // One dimension per task.
        let (ids, levels): (Vec<Vec<u32>>, Vec<usize>) = self
            .ids
            .par_iter()
            .zip(&self.levels)
            .map(|(ids_n, &g)| densify(&crate::rows::kept(ids_n, keep), g))
            .unzip();
        FixedEffects {
            names: self.names.clone(),
            ids,
            levels,
        }
    }

    /// `Σ_{n∈g} value(n)` for every group `g` of every dimension (`out[q][g]`), rows
    /// split between threads.
    pub fn totals<T>(&self, value: impl Fn(usize) -> T + Sync) -> Vec<Vec<T>>
    where
        T: Copy + Default + Send + Sync + std::ops::AddAssign,
    {
        let offsets: Vec<usize> = self
            .levels
            .iter()
            .scan(0, |acc, &l| {
                *acc += l;
                Some(*acc - l)
            })
            .collect();
        let rows = self.ids.first().map_or(0, Vec::len);
        let all = crate::rows::scatter(
            rows,
            self.levels.iter().sum(),
            T::default(),
            |range, acc| {
                for (ids, &off) in self.ids.iter().zip(&offsets) {
                    let acc = &mut acc[off..];
                    for n in range.clone() {
                        acc[ids[n] as usize] += value(n);
                    }
                }
            },
            |a, b| *a += *b,
        );
        offsets
            .iter()
            .zip(&self.levels)
            .map(|(&off, &l)| all[off..off + l].to_vec())
            .collect()
    }

    /// Observation counts per group of dimension `q`.
    pub fn counts(&self, q: usize) -> Vec<u32> {
        let sizes = FeOperator::new(self, None).dimension(q).weight_sums();
        // Exact: a count is far below 2^53.
        sizes.into_iter().map(|c| c as u32).collect()
    }
}

/// Renumbers ids in `0..upper` to `0..k` in order of first appearance.
pub(crate) fn densify(ids: &[u32], upper: usize) -> (Vec<u32>, usize) {
    let mut map = vec![u32::MAX; upper];
    let mut next = 0u32;
    let out = ids
        .iter()
        .map(|&i| {
            let m = &mut map[i as usize];
            if *m == u32::MAX {
                *m = next;
                next += 1;
            }
            *m
        })
        .collect();
    (out, next as usize)
}

/// Group codes of one column over all rows (`MISSING_CODE` for missing), and their count.
pub fn codes_of(column: &Column) -> (Vec<u32>, usize) {
    match column.view() {
        ColumnView::Text(s) => (s.level_ids().to_vec(), s.levels().len()),
        ColumnView::Numbers(v) => {
            let mut map = CodeMap::default();
            let codes = v
                .iter()
                .map(|x| {
                    if x.is_nan() {
                        MISSING_CODE
                    } else {
                        // +0.0 and -0.0 are one group.
                        let key = if *x == 0.0 { 0u64 } else { x.to_bits() };
                        let n = map.len() as u32;
                        *map.entry(key).or_insert(n)
                    }
                })
                .collect();
            (codes, map.len())
        }
    }
}

/// Codes of an interaction `a^b^...` over all rows of `table`.
pub fn interaction_codes(
    table: &Table,
    columns: &[String],
) -> hallyu_data::Result<(Vec<u32>, usize)> {
    let (mut codes, mut n) = codes_of(table.column(&columns[0])?);
    for c in &columns[1..] {
        let (other, m) = codes_of(table.column(c)?);
        let combined: Vec<u64> = codes
            .iter()
            .zip(&other)
            .map(|(&a, &b)| {
                if a == MISSING_CODE || b == MISSING_CODE {
                    u64::MAX
                } else {
                    u64::from(a) * m as u64 + u64::from(b)
                }
            })
            .collect();
        let space = n as u64 * m as u64;
        let mut next = 0u32;
        codes = if space <= 1 << 26 {
            let mut map = vec![u32::MAX; space as usize];
            combined
                .iter()
                .map(|&k| {
                    if k == u64::MAX {
                        return MISSING_CODE;
                    }
                    let slot = &mut map[k as usize];
                    if *slot == u32::MAX {
                        *slot = next;
                        next += 1;
                    }
                    *slot
                })
                .collect()
        } else {
            let mut map = CodeMap::default();
            combined
                .iter()
                .map(|&k| {
                    if k == u64::MAX {
                        return MISSING_CODE;
                    }
                    *map.entry(k).or_insert_with(|| {
                        next += 1;
                        next - 1
                    })
                })
                .collect()
        };
        n = next as usize;
    }
    Ok((codes, n))
}

/// Flags observations in singleton groups (one observation) of any dimension, repeating
/// until none is left, since dropping one can create another. Returns how many were flagged.
///
/// Each round judges every dimension on the same sample, rows split between threads. The
/// result does not depend on the order: a row alone in its group stays alone in any
/// smaller sample, so every order of removal ends at the same (largest) sample without
/// singletons.
pub fn flag_singletons(fe: &FixedEffects, keep: &mut [bool]) -> usize {
    let mut dropped = 0;
    loop {
        let counts = fe.totals(|n| u32::from(keep[n]));
        let changed = flag_rows(fe, keep, |q, g| counts[q][g] == 1);
        if changed == 0 {
            return dropped;
        }
        dropped += changed;
    }
}

/// Flags observations in groups whose outcome is zero for every observation: their fixed
/// effect goes to minus infinity in Poisson (separation by fixed effects, Correia, Guimarães
/// and Zylkin 2020). Returns how many were flagged. (Dropping a zero-outcome row leaves
/// every group's total as it was, so all dimensions are judged on the same sample.)
pub fn flag_zero_groups(fe: &FixedEffects, y: &[f64], keep: &mut [bool]) -> usize {
    let total = fe.totals(|n| if keep[n] { y[n] } else { 0.0 });
    flag_rows(fe, keep, |q, g| total[q][g] == 0.0)
}

/// Clears `keep` for the kept rows with a group `g` of some dimension `q` where
/// `flagged(q, g)`, rows split between threads; returns how many.
fn flag_rows(
    fe: &FixedEffects,
    keep: &mut [bool],
    flagged: impl Fn(usize, usize) -> bool + Sync,
) -> usize {
    keep.par_chunks_mut(crate::rows::CHUNK)
        .enumerate()
        .map(|(c, keep)| {
            let base = c * crate::rows::CHUNK;
            let mut count = 0;
            for (i, k) in keep.iter_mut().enumerate() {
                let n = base + i;
                if *k && (0..fe.len()).any(|q| flagged(q, fe.ids[q][n] as usize)) {
                    *k = false;
                    count += 1;
                }
            }
            count
        })
        .sum()
}

/// Degrees of freedom absorbed by the included fixed-effect dimensions.
///
/// `exact = false` is fixest's count: `Σ levels - (Q - 1)`, one redundant coefficient per
/// extra dimension. `exact = true` is the rank of the dummy matrix as Stata's `regress` with
/// dummies (and reghdfe) count it: two dimensions lose one coefficient per connected
/// component of their bipartite graph (e.g. one per year for exporter-year and
/// importer-year effects); further dimensions are counted as `levels - 1`.
pub fn absorbed_dof(fe: &FixedEffects, include: &[bool], exact: bool) -> usize {
    let dims: Vec<usize> = (0..fe.len()).filter(|&q| include[q]).collect();
    match dims.as_slice() {
        [] => 0,
        [q] => fe.levels[*q],
        [a, b, rest @ ..] => {
            let redundant = if exact { components(fe, *a, *b) } else { 1 };
            let mut k = fe.levels[*a] + fe.levels[*b] - redundant;
            for &q in rest {
                k += fe.levels[q] - 1;
            }
            k
        }
    }
}

/// Connected components of the bipartite graph linking groups of dimensions `a` and `b`.
fn components(fe: &FixedEffects, a: usize, b: usize) -> usize {
    let na = fe.levels[a];
    let mut parent: Vec<usize> = (0..na + fe.levels[b]).collect();
    for (&ga, &gb) in fe.ids[a].iter().zip(&fe.ids[b]) {
        union(&mut parent, ga as usize, na + gb as usize);
    }
    (0..parent.len())
        .filter(|&x| find(&mut parent, x) == x)
        .count()
}

/// The root of `x` in a union-find forest (`parent[r] == r` at a root), halving the path.
pub(crate) fn find(parent: &mut [usize], mut x: usize) -> usize {
    while parent[x] != x {
        parent[x] = parent[parent[x]];
        x = parent[x];
    }
    x
}

/// Joins the trees of `x` and `y` (the smaller root becomes the root).
pub(crate) fn union(parent: &mut [usize], x: usize, y: usize) {
    let (rx, ry) = (find(parent, x), find(parent, y));
    if rx != ry {
        parent[rx.max(ry)] = rx.min(ry);
    }
}

/// Whether every group of dimension `q` lies within a single cluster (the fixed effect is
/// nested in the cluster variable, so it costs no degrees of freedom in clustered SEs).
pub fn nested_in(fe_ids: &[u32], fe_levels: usize, cluster: &[u32]) -> bool {
    let mut owner = vec![u32::MAX; fe_levels];
    for (&g, &c) in fe_ids.iter().zip(cluster) {
        let o = &mut owner[g as usize];
        if *o == u32::MAX {
            *o = c;
        } else if *o != c {
            return false;
        }
    }
    true
}

#[cfg(test)]
mod tests {
    use super::*;

    fn fe(ids: Vec<Vec<u32>>) -> FixedEffects {
        let levels = ids
            .iter()
            .map(|v| v.iter().max().map_or(0, |m| *m as usize + 1))
            .collect();
        FixedEffects {
            names: vec!["a".into(); ids.len()],
            ids,
            levels,
        }
    }

    #[test]
    fn singletons_cascade() {
        // Dropping obs 3 (singleton in dim 0) makes obs 2 a singleton in dim 1.
        let f = fe(vec![vec![0, 0, 1, 2], vec![0, 0, 1, 1]]);
        let mut keep = vec![true; 4];
        assert_eq!(flag_singletons(&f, &mut keep), 2);
        assert_eq!(keep, [true, true, false, false]);
    }

    #[test]
    fn zero_groups() {
        let f = fe(vec![vec![0, 0, 1, 1]]);
        let mut keep = vec![true; 4];
        assert_eq!(flag_zero_groups(&f, &[0.0, 0.0, 1.0, 0.0], &mut keep), 2);
        assert_eq!(keep, [false, false, true, true]);
    }

    #[test]
    fn dof_counts_components() {
        // Two disconnected blocks: {a0,b0} and {a1,b1}.
        let f = fe(vec![vec![0, 0, 1, 1], vec![0, 0, 1, 1]]);
        assert_eq!(absorbed_dof(&f, &[true, true], true), 2);
        assert_eq!(absorbed_dof(&f, &[true, true], false), 3);
        let g = fe(vec![vec![0, 0, 1, 1], vec![0, 1, 0, 1]]);
        assert_eq!(absorbed_dof(&g, &[true, true], true), 3);
    }

    #[test]
    fn subset_renumbers() {
        let f = fe(vec![vec![5, 2, 5, 0]]);
        let s = f.subset(&[true, false, true, true]);
        assert_eq!(s.ids[0], [0, 0, 1]);
        assert_eq!(s.levels[0], 2);
    }
}
