//! The fixed-effect operator: every solver and every variance sum over fixed-effect groups
//! goes through it, so the hot loop is written once.
//!
//! For encoded dimensions `q = 1..Q` (dense `u32` group ids) and row weights `w_n` (unit
//! when absent), `D` is the `n × G` indicator matrix of all groups side by side (`G = Σ_q
//! levels_q`, dimension `q`'s groups at offset `offsets_q`), never materialised. In the
//! spirit of faer's `LinOp`:
//!
//! * [`FeOperator::apply`] is `Dᵀ W x`: weighted group sums, scattering rows into groups;
//! * [`FeOperator::transpose_apply`] is `D α`: gathering each row's group values. It is the
//!   adjoint of `apply` in the `W`-weighted inner product on rows (`⟨Dᵀ W x, α⟩ = ⟨x, D α⟩_W`);
//! * [`FeOperator::normal_apply`] is the fused product `Dᵀ W D α` for several columns at
//!   once (one pass reads the ids and weights once for all columns, rows split between
//!   threads, each with its own slice of the caller's [`NormalScratch`]).
//!
//! Group sums are accumulated in row order within each group, whatever the thread count, so
//! that `apply` is deterministic; `normal_apply` adds the threads' partial sums in a fixed
//! order.

use crate::fixef::FixedEffects;
use crate::rows;
use rayon::prelude::*;

/// `D` (with row weights) over the encoded fixed effects of one sample.
#[derive(Debug, Clone)]
pub struct FeOperator<'a> {
    ids: Vec<&'a [u32]>,
    levels: Vec<usize>,
    offsets: Vec<usize>,
    groups: usize,
    rows: usize,
    weights: Option<&'a [f64]>,
}

impl<'a> FeOperator<'a> {
    /// The operator of all dimensions of `fe`, with row weights (`None`: unit weights).
    pub fn new(fe: &'a FixedEffects, weights: Option<&'a [f64]>) -> Self {
        Self::from_ids(
            fe.ids.iter().map(Vec::as_slice).collect(),
            fe.levels.clone(),
            weights,
        )
    }

    /// The operator of dimensions given as group ids (`ids[q][n] < levels[q]`), e.g. the
    /// cluster ids of a variance. Every id slice and the weights have one entry per row.
    pub fn from_ids(ids: Vec<&'a [u32]>, levels: Vec<usize>, weights: Option<&'a [f64]>) -> Self {
        let rows = ids
            .first()
            .map(|i| i.len())
            .or(weights.map(<[f64]>::len))
            .unwrap_or(0);
        debug_assert!(ids.iter().all(|i| i.len() == rows));
        debug_assert!(weights.is_none_or(|w| w.len() == rows));
        let mut offsets = Vec::with_capacity(levels.len());
        let mut groups = 0;
        for &l in &levels {
            offsets.push(groups);
            groups += l;
        }
        FeOperator {
            ids,
            levels,
            offsets,
            groups,
            rows,
            weights,
        }
    }

    /// The operator of dimension `q` alone (same rows and weights).
    pub fn dimension(&self, q: usize) -> FeOperator<'a> {
        Self::from_ids(vec![self.ids[q]], vec![self.levels[q]], self.weights)
    }

    /// Number of dimensions `Q`.
    pub fn dims(&self) -> usize {
        self.ids.len()
    }

    /// Number of rows `n`.
    pub fn rows(&self) -> usize {
        self.rows
    }

    /// Number of groups of all dimensions, `G`: the length of a coefficient vector.
    pub fn groups(&self) -> usize {
        self.groups
    }

    /// Number of groups of dimension `q`.
    pub fn levels(&self, q: usize) -> usize {
        self.levels[q]
    }

    /// Dimension `q`'s part of a coefficient vector of length [`Self::groups`].
    pub fn block<'v>(&self, q: usize, v: &'v [f64]) -> &'v [f64] {
        &v[self.offsets[q]..self.offsets[q] + self.levels[q]]
    }

    /// Mutable [`Self::block`].
    pub fn block_mut<'v>(&self, q: usize, v: &'v mut [f64]) -> &'v mut [f64] {
        &mut v[self.offsets[q]..self.offsets[q] + self.levels[q]]
    }

    /// Group weight totals `Σ_{n∈g} w_n` of all dimensions (group sizes when unweighted),
    /// rows split between threads (see [`rows::scatter`]).
    pub fn weight_sums(&self) -> Vec<f64> {
        let w = |n: usize| self.weights.map_or(1.0, |w| w[n]);
        rows::scatter(
            self.rows,
            self.groups,
            0.0,
            |range, acc| {
                for (ids, off) in self.ids.iter().zip(&self.offsets) {
                    let acc = &mut acc[*off..];
                    for n in range.clone() {
                        acc[ids[n] as usize] += w(n);
                    }
                }
            },
            |a, b| *a += b,
        )
    }

    /// `out_g ← Dᵀ W x`: the weighted sum of `x_n` over each group of every dimension.
    pub fn apply(&self, x_n: &[f64], out_g: &mut [f64]) {
        for q in 0..self.dims() {
            self.apply_dimension(q, x_n, self.block_mut(q, out_g));
        }
    }

    /// [`Self::apply`] for several columns (`out[j]` of length [`Self::groups`]), the
    /// column-dimension pairs summed in parallel.
    pub fn apply_many(&self, columns: &[&[f64]], out: &mut [Vec<f64>]) {
        let mut tasks: Vec<(usize, usize, &mut [f64])> = Vec::new();
        for (j, o) in out.iter_mut().enumerate().take(columns.len()) {
            o.resize(self.groups, 0.0);
            let mut rest = o.as_mut_slice();
            for (q, &l) in self.levels.iter().enumerate() {
                let (head, tail) = rest.split_at_mut(l);
                tasks.push((j, q, head));
                rest = tail;
            }
        }
        tasks
            .into_par_iter()
            .for_each(|(j, q, block)| self.apply_dimension(q, columns[j], block));
    }

    fn apply_dimension(&self, q: usize, x_n: &[f64], out_g: &mut [f64]) {
        out_g.iter_mut().for_each(|v| *v = 0.0);
        let ids = self.ids[q];
        match self.weights {
            Some(w) => {
                for ((&g, &wn), &x) in ids.iter().zip(w).zip(x_n) {
                    out_g[g as usize] += wn * x;
                }
            }
            None => {
                for (&g, &x) in ids.iter().zip(x_n) {
                    out_g[g as usize] += x;
                }
            }
        }
    }

    /// `out_n ← D α`: the sum of each row's group coefficients.
    pub fn transpose_apply(&self, alpha: &[f64], out_n: &mut [f64]) {
        out_n.iter_mut().for_each(|v| *v = 0.0);
        self.subtract_gather(alpha, out_n);
        out_n.iter_mut().for_each(|v| *v = -*v);
    }

    /// `out_n ← x_n - D α`: the residual of a column net of the fixed effects.
    pub fn residual(&self, x_n: &[f64], alpha: &[f64], out_n: &mut [f64]) {
        out_n
            .par_chunks_mut(GATHER_CHUNK)
            .zip(x_n.par_chunks(GATHER_CHUNK))
            .for_each(|(o, x)| o.copy_from_slice(x));
        self.subtract_gather(alpha, out_n);
    }

    /// `out_n -= α_q[g_q(n)]`, dimension by dimension within each row (the order the
    /// residuals of the golden tests were computed in), rows split between threads: one
    /// column is demeaned at a time in the rectifier, so a split by column would leave a
    /// core idle.
    fn subtract_gather(&self, alpha: &[f64], out_n: &mut [f64]) {
        out_n
            .par_chunks_mut(GATHER_CHUNK)
            .enumerate()
            .for_each(|(c, o)| {
                let base = c * GATHER_CHUNK;
                for q in 0..self.dims() {
                    let a = self.block(q, alpha);
                    let ids = &self.ids[q][base..base + o.len()];
                    for (o, &g) in o.iter_mut().zip(ids) {
                        *o -= a[g as usize];
                    }
                }
            });
    }

    /// `rows_n[n] *= factor_g[g_q(n)]`: the multiplicative gather of alternating scaling.
    pub fn scale_rows(&self, q: usize, factor_g: &[f64], rows_n: &mut [f64]) {
        for (r, &g) in rows_n.iter_mut().zip(self.ids[q]) {
            *r *= factor_g[g as usize];
        }
    }

    /// `out_g ← Σ_{n∈g} w_n Σ_{p≠q} α_p[g_p(n)]` over the groups `g` of dimension `q`: the
    /// off-diagonal block row `q` of `Dᵀ W D` applied to `α`, which one Gauss-Seidel
    /// update of dimension `q` needs.
    pub fn cross_apply(&self, q: usize, alpha: &[f64], out_g: &mut [f64]) {
        out_g.iter_mut().for_each(|v| *v = 0.0);
        let ids_q = self.ids[q];
        let n_rows = self.rows;
        let w = |n: usize| self.weights.map_or(1.0, |w| w[n]);
        match self.dims() {
            // Zipped slices and the weights matched once: the indexed loop with a weight
            // closure compiled to a loop half again as slow in some builds (Irons-Tuck
            // on the chain graph: 48 s, then 78 s after unrelated changes to this module).
            2 => {
                let p = 1 - q;
                let (ids_p, ap) = (self.ids[p], self.block(p, alpha));
                match self.weights {
                    Some(w) => {
                        for ((&g, &h), &wn) in ids_q.iter().zip(ids_p).zip(w) {
                            out_g[g as usize] += wn * ap[h as usize];
                        }
                    }
                    None => {
                        for (&g, &h) in ids_q.iter().zip(ids_p) {
                            out_g[g as usize] += ap[h as usize];
                        }
                    }
                }
            }
            3 => {
                let (p1, p2) = match q {
                    0 => (1, 2),
                    1 => (0, 2),
                    _ => (0, 1),
                };
                let (i1, i2) = (self.ids[p1], self.ids[p2]);
                let (a1, a2) = (self.block(p1, alpha), self.block(p2, alpha));
                for n in 0..n_rows {
                    out_g[ids_q[n] as usize] += w(n) * (a1[i1[n] as usize] + a2[i2[n] as usize]);
                }
            }
            _ => {
                for n in 0..n_rows {
                    let mut s = 0.0;
                    for p in (0..self.dims()).filter(|&p| p != q) {
                        s += alpha[self.offsets[p] + self.ids[p][n] as usize];
                    }
                    out_g[ids_q[n] as usize] += w(n) * s;
                }
            }
        }
    }

    /// `out ← Dᵀ W D α` for `J` columns stored group-major (`alpha[g][j]`): one pass
    /// computes each row's fixed-effect sum and scatters it back, weighted, into every
    /// dimension. Rows are split between the scratch's slices, summed in parallel.
    pub fn normal_apply<const J: usize>(
        &self,
        alpha: &[[f64; J]],
        scratch: &mut NormalScratch<J>,
        out: &mut [[f64; J]],
    ) {
        let n = self.rows;
        let parts = &mut scratch.parts;
        let chunk = n.div_ceil(parts.len()).max(1);
        parts.par_iter_mut().enumerate().for_each(|(t, acc)| {
            acc.iter_mut().for_each(|v| *v = [0.0; J]);
            let start = (t * chunk).min(n);
            let end = ((t + 1) * chunk).min(n);
            self.normal_apply_rows(alpha, start..end, acc);
        });
        // The threads' sums added group range by group range, in parallel (the pair
        // dimension of a large panel has a quarter of a million groups), and in thread
        // order within each group.
        let parts = &scratch.parts;
        out.par_chunks_mut(REDUCE_CHUNK)
            .enumerate()
            .for_each(|(c, o)| {
                let base = c * REDUCE_CHUNK;
                o.copy_from_slice(&parts[0][base..base + o.len()]);
                for part in &parts[1..] {
                    for (o, p) in o.iter_mut().zip(&part[base..]) {
                        for j in 0..J {
                            o[j] += p[j];
                        }
                    }
                }
            });
    }

    /// The rows `range` of [`Self::normal_apply`], summed into `acc`.
    fn normal_apply_rows<const J: usize>(
        &self,
        alpha: &[[f64; J]],
        range: std::ops::Range<usize>,
        acc: &mut [[f64; J]],
    ) {
        // Monomorphised for both weight kinds, so the row loop has no branch on them.
        match self.weights {
            Some(w) => self.normal_rows(alpha, range.clone(), w[range].iter().copied(), acc),
            None => self.normal_rows(alpha, range, std::iter::repeat(1.0), acc),
        }
    }

    fn normal_rows<const J: usize>(
        &self,
        alpha: &[[f64; J]],
        range: std::ops::Range<usize>,
        weights: impl Iterator<Item = f64>,
        acc: &mut [[f64; J]],
    ) {
        let (start, end) = (range.start, range.end);
        let off = &self.offsets;
        // Runs of equal ids (sorted data: the pair of consecutive years) are summed in
        // registers, which breaks the store-to-load chain on `acc`.
        match self.dims() {
            3 => {
                let (i0, i1, i2) = (
                    &self.ids[0][start..end],
                    &self.ids[1][start..end],
                    &self.ids[2][start..end],
                );
                let mut runs = [Run::<J>::default(); 3];
                for (((&g0, &g1), &g2), wn) in i0.iter().zip(i1).zip(i2).zip(weights) {
                    let (a, b, c) = (
                        off[0] + g0 as usize,
                        off[1] + g1 as usize,
                        off[2] + g2 as usize,
                    );
                    let (pa, pb, pc) = (alpha[a], alpha[b], alpha[c]);
                    let v: [f64; J] = std::array::from_fn(|j| wn * (pa[j] + pb[j] + pc[j]));
                    runs[0].add(a, &v, acc);
                    runs[1].add(b, &v, acc);
                    runs[2].add(c, &v, acc);
                }
                runs.iter().for_each(|r| r.flush(acc));
            }
            2 => {
                let (i0, i1) = (&self.ids[0][start..end], &self.ids[1][start..end]);
                let mut runs = [Run::<J>::default(); 2];
                for ((&g0, &g1), wn) in i0.iter().zip(i1).zip(weights) {
                    let (a, b) = (off[0] + g0 as usize, off[1] + g1 as usize);
                    let (pa, pb) = (alpha[a], alpha[b]);
                    let v: [f64; J] = std::array::from_fn(|j| wn * (pa[j] + pb[j]));
                    runs[0].add(a, &v, acc);
                    runs[1].add(b, &v, acc);
                }
                runs.iter().for_each(|r| r.flush(acc));
            }
            dims => {
                for (n, wn) in (start..end).zip(weights) {
                    let mut v = [0.0; J];
                    for q in 0..dims {
                        let a = alpha[off[q] + self.ids[q][n] as usize];
                        v.iter_mut().zip(&a).for_each(|(v, a)| *v += a);
                    }
                    v.iter_mut().for_each(|v| *v *= wn);
                    for q in 0..dims {
                        let o = &mut acc[off[q] + self.ids[q][n] as usize];
                        o.iter_mut().zip(&v).for_each(|(o, v)| *o += v);
                    }
                }
            }
        }
    }
}

/// Rows per task of the gathers (`D α`): a few hundred kilobytes of ids and values, so
/// that a chunk stays in cache across the dimensions.
const GATHER_CHUNK: usize = 1 << 14;

/// Groups per task when [`FeOperator::normal_apply`] adds the threads' sums.
const REDUCE_CHUNK: usize = 1 << 14;

/// Per-thread accumulators of [`FeOperator::normal_apply`], allocated once per solve.
pub struct NormalScratch<const J: usize> {
    parts: Vec<Vec<[f64; J]>>,
}

impl<const J: usize> NormalScratch<J> {
    /// Scratch for `op`: one accumulator per thread.
    pub fn new(op: &FeOperator<'_>) -> Self {
        let threads = rayon::current_num_threads().clamp(1, 64);
        NormalScratch {
            parts: vec![vec![[0.0; J]; op.groups()]; threads],
        }
    }
}

/// A running sum over consecutive rows of one group, for `J` columns.
#[derive(Clone, Copy)]
struct Run<const J: usize> {
    index: usize,
    sum: [f64; J],
}

impl<const J: usize> Default for Run<J> {
    fn default() -> Self {
        Run {
            index: usize::MAX,
            sum: [0.0; J],
        }
    }
}

impl<const J: usize> Run<J> {
    #[inline(always)]
    fn add(&mut self, index: usize, v: &[f64; J], out: &mut [[f64; J]]) {
        if index == self.index {
            self.sum.iter_mut().zip(v).for_each(|(s, x)| *s += x);
        } else {
            self.flush(out);
            self.index = index;
            self.sum = *v;
        }
    }

    #[inline(always)]
    fn flush(&self, out: &mut [[f64; J]]) {
        if let Some(o) = out.get_mut(self.index) {
            o.iter_mut().zip(&self.sum).for_each(|(o, s)| *o += s);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn sample() -> (FixedEffects, Vec<f64>) {
        let fe = FixedEffects {
            names: vec!["a".into(), "b".into(), "c".into()],
            ids: vec![
                vec![0, 0, 1, 1, 2, 2, 0],
                vec![0, 1, 0, 1, 0, 1, 1],
                vec![0, 0, 0, 1, 1, 1, 2],
            ],
            levels: vec![3, 2, 3],
        };
        (fe, vec![1.0, 2.0, 0.5, 3.0, 1.5, 0.25, 2.0])
    }

    /// Dense `D` for checking the matrix-free products.
    fn dense(fe: &FixedEffects) -> Vec<Vec<f64>> {
        let g: usize = fe.levels.iter().sum();
        (0..fe.ids[0].len())
            .map(|n| {
                let mut row = vec![0.0; g];
                let mut off = 0;
                for q in 0..fe.len() {
                    row[off + fe.ids[q][n] as usize] = 1.0;
                    off += fe.levels[q];
                }
                row
            })
            .collect()
    }

    #[test]
    fn products_match_the_dense_matrix() {
        for dims in 1..=3 {
            let (mut fe, w) = sample();
            fe.ids.truncate(dims);
            fe.levels.truncate(dims);
            fe.names.truncate(dims);
            let d = dense(&fe);
            let op = FeOperator::new(&fe, Some(&w));
            let x = [0.3, -1.0, 2.0, 0.7, -0.2, 1.1, 4.0];
            let alpha: Vec<f64> = (0..op.groups()).map(|g| 0.5 * g as f64 - 1.0).collect();
            // Dᵀ W x
            let mut got = vec![0.0; op.groups()];
            op.apply(&x, &mut got);
            for g in 0..op.groups() {
                let want: f64 = (0..7).map(|n| d[n][g] * w[n] * x[n]).sum();
                assert!((got[g] - want).abs() < 1e-12, "apply, {dims} dims");
            }
            // D α
            let mut da = vec![0.0; 7];
            op.transpose_apply(&alpha, &mut da);
            for n in 0..7 {
                let want: f64 = (0..op.groups()).map(|g| d[n][g] * alpha[g]).sum();
                assert!((da[n] - want).abs() < 1e-12, "transpose_apply, {dims} dims");
            }
            // Dᵀ W D α, for two columns at once (the second is -α).
            let two: Vec<[f64; 2]> = alpha.iter().map(|a| [*a, -a]).collect();
            let mut out = vec![[0.0; 2]; op.groups()];
            op.normal_apply(&two, &mut NormalScratch::new(&op), &mut out);
            let mut want = vec![0.0; op.groups()];
            op.apply(&da, &mut want);
            for g in 0..op.groups() {
                assert!((out[g][0] - want[g]).abs() < 1e-12, "normal_apply");
                assert!(
                    (out[g][1] + want[g]).abs() < 1e-12,
                    "normal_apply, column 2"
                );
            }
            // The off-diagonal block: Dᵀ W D α minus the dimension's own diagonal part.
            let sums = op.weight_sums();
            for q in 0..dims {
                let mut cross = vec![0.0; op.levels(q)];
                op.cross_apply(q, &alpha, &mut cross);
                for (g, c) in cross.iter().enumerate() {
                    let i = op.offsets[q] + g;
                    assert!((c - (want[i] - sums[i] * alpha[i])).abs() < 1e-12);
                }
            }
        }
    }

    #[test]
    fn apply_many_equals_apply_and_adjoint_holds() {
        let (fe, w) = sample();
        let op = FeOperator::new(&fe, Some(&w));
        let cols = [vec![1.0, 0.0, 2.0, -1.0, 3.0, 0.5, 1.0], vec![0.1; 7]];
        let refs: Vec<&[f64]> = cols.iter().map(Vec::as_slice).collect();
        let mut many = vec![Vec::new(); 2];
        op.apply_many(&refs, &mut many);
        let alpha: Vec<f64> = (0..op.groups()).map(|g| (g as f64).sin()).collect();
        let mut da = vec![0.0; 7];
        op.transpose_apply(&alpha, &mut da);
        for (c, m) in refs.iter().zip(&many) {
            let mut one = vec![0.0; op.groups()];
            op.apply(c, &mut one);
            assert_eq!(&one, m);
            // ⟨Dᵀ W x, α⟩ = ⟨x, D α⟩_W
            let lhs: f64 = one.iter().zip(&alpha).map(|(a, b)| a * b).sum();
            let rhs: f64 = (0..7).map(|n| c[n] * w[n] * da[n]).sum();
            assert!((lhs - rhs).abs() < 1e-12);
        }
    }

    #[test]
    fn unweighted_sums_count_and_scale_rows_gathers() {
        let ids = [1u32, 0, 1, 1];
        let op = FeOperator::from_ids(vec![&ids], vec![2], None);
        assert_eq!(op.weight_sums(), [1.0, 3.0]);
        let mut s = vec![0.0; 2];
        op.apply(&[1.0, 2.0, 3.0, 4.0], &mut s);
        assert_eq!(s, [2.0, 8.0]);
        let mut rows = vec![1.0, 1.0, 2.0, 3.0];
        op.scale_rows(0, &[10.0, 0.5], &mut rows);
        assert_eq!(rows, [0.5, 10.0, 1.0, 1.5]);
        let mut r = vec![0.0; 4];
        op.residual(&[1.0, 1.0, 1.0, 1.0], &[0.25, 1.0], &mut r);
        assert_eq!(r, [0.0, 0.75, 0.0, 0.0]);
    }
}
