//! Absorbing fixed effects: weighted demeaning in the space of fixed-effect coefficients,
//! by preconditioned conjugate gradient (the default) or by alternating projections
//! accelerated with Irons and Tuck (1969), as fixest does ([`DemeanAlgorithm`]).
//!
//! For a column `x_n`, weights `w_n` and dimensions `q = 1..Q`, we look for coefficients
//! `α_q[g]` minimising `Σ_n w_n (x_n - Σ_q α_q[g_q(n)])²`. One sweep updates each dimension
//! in turn to its weighted group mean of the partial residual (block Gauss-Seidel):
//!
//! ```text
//! α_q[g] = ( Σ_{n∈g} w_n x_n - Σ_{n∈g} w_n Σ_{p≠q} α_p[g_p(n)] ) / Σ_{n∈g} w_n
//! ```
//!
//! Working on coefficients rather than on the residual vector means a sweep only reads the
//! group ids and weights (`Σ w x` per group is computed once), and the iteration state is
//! as small as the number of groups, which makes warm starts across IRLS iterations cheap.
//! The demeaned column is `x_n - Σ_q α_q[g_q(n)]`.
//!
//! Every pass over the data goes through [`FeOperator`]; a solve reports how it ended
//! ([`DemeanStatus`]), and a conjugate-gradient breakdown is finished by alternating
//! projections rather than counted as convergence.

use crate::fe_operator::{FeOperator, NormalScratch};
use crate::fixef::FixedEffects;
use crate::precond::BlockJacobi;
use rayon::prelude::*;

/// How the fixed-effect normal equations are solved (`alternating_projections` or
/// `conjugate_gradient` in requests).
#[derive(
    Debug, Clone, Copy, PartialEq, Eq, serde::Serialize, serde::Deserialize, schemars::JsonSchema,
)]
#[serde(rename_all = "snake_case")]
pub enum DemeanAlgorithm {
    /// Alternating projections (block Gauss-Seidel) with Irons-Tuck acceleration (fixest).
    AlternatingProjections,
    /// Conjugate gradient on `D'WD α = D'Wx`, preconditioned by the group weights and
    /// 2×2 blocks for groups that share their heaviest observation
    /// ([`crate::precond`]): one pass over the data per iteration.
    ConjugateGradient,
}

impl DemeanAlgorithm {
    /// Every algorithm, the default first.
    pub const ALL: [DemeanAlgorithm; 2] = [
        DemeanAlgorithm::ConjugateGradient,
        DemeanAlgorithm::AlternatingProjections,
    ];

    /// Name in outputs and option values: `cg` or `irons-tuck`.
    pub fn label(self) -> &'static str {
        match self {
            DemeanAlgorithm::ConjugateGradient => "cg",
            DemeanAlgorithm::AlternatingProjections => "irons-tuck",
        }
    }

    /// The algorithm named `name` ([`Self::label`], or `conjugate-gradient` /
    /// `alternating-projections`), ignoring case.
    pub fn from_label(name: &str) -> Option<Self> {
        match name.to_ascii_lowercase().as_str() {
            "cg" | "conjugate-gradient" => Some(DemeanAlgorithm::ConjugateGradient),
            "irons-tuck" | "alternating-projections" => {
                Some(DemeanAlgorithm::AlternatingProjections)
            }
            _ => None,
        }
    }
}

/// Knobs of the demeaning loop (fixest's `fixef.tol` and `fixef.iter`). Missing fields of a
/// request take their defaults.
#[derive(
    Debug, Clone, Copy, PartialEq, serde::Serialize, serde::Deserialize, schemars::JsonSchema,
)]
#[serde(default, deny_unknown_fields)]
pub struct DemeanOptions {
    /// The solver. Conjugate gradient by default: on the hard fixed-effect graphs of the
    /// README's performance section (1M rows) it reads the data 1.6 to 15 times less often
    /// than accelerated alternating projections for the same tolerance.
    /// Default: `conjugate_gradient`.
    pub algorithm: DemeanAlgorithm,
    /// The fixed-effect demeaning tolerance (fixest's `fixef.tol`), unitless, in (0, 1):
    /// largest change of a coefficient, relative as `|Δα| / (0.1 + |α|)` (fixest's
    /// criterion). Default 1e-8, which keeps slope estimates exact to about 1e-7 relative.
    pub tol: f64,
    /// Maximum accelerated iterations (each costs two sweeps). Default 50 000.
    pub max_iter: usize,
}

impl Default for DemeanOptions {
    fn default() -> Self {
        DemeanOptions {
            algorithm: DemeanAlgorithm::ConjugateGradient,
            tol: 1e-8,
            max_iter: 50_000,
        }
    }
}

/// How a solve of the fixed-effect normal equations ended.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum DemeanStatus {
    /// The tolerance was reached, or the solver stalled at the precision it can attain
    /// (see [`DemeanInfo::stalled`]).
    Converged,
    /// The iteration limit (max_iter) was reached first.
    MaxIter,
    /// The conjugate gradient broke down: its step length was undefined (`pᵀAp` not
    /// finite: the products overflowed). Never counted as convergence; see
    /// [`DemeanInfo::fallback`].
    Breakdown,
}

/// Outcome of demeaning one column.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct DemeanInfo {
    /// Sweeps over the data (those of a fallback included).
    pub sweeps: usize,
    /// How the selected algorithm ended.
    pub status: DemeanStatus,
    /// After a [`DemeanStatus::Breakdown`]: how alternating projections, started from the
    /// best conjugate-gradient iterate, ended. `None` when there was no breakdown.
    pub fallback: Option<DemeanStatus>,
    /// The conjugate-gradient residual stopped decreasing before the tolerance was met: a
    /// tolerance below what double precision attains on this problem. The coefficients
    /// returned are those with the smallest residual seen.
    pub stalled: bool,
}

impl DemeanInfo {
    /// Whether the coefficients solve the normal equations to the tolerance (or to the
    /// precision attainable): by the selected algorithm, or by the fallback after a
    /// breakdown.
    pub fn converged(&self) -> bool {
        match self.status {
            DemeanStatus::Converged => true,
            DemeanStatus::MaxIter => false,
            DemeanStatus::Breakdown => self.fallback == Some(DemeanStatus::Converged),
        }
    }
}

/// Passes without halving the smallest conjugate-gradient residual seen after which the
/// solve counts as stalled. Past that point rounding dominates: on singular fixed-effect
/// systems the iterates then drift along the null space, growing the coefficients until
/// `x - Dα` loses its precision (a 1e-14 tolerance moved a PPML estimate by 1e-4).
const STALL_PASSES: usize = 50;

/// Tracks the best conjugate-gradient iterate of one column and detects a stall.
#[derive(Debug, Clone)]
struct BestIterate {
    rz: f64,
    reference_rz: f64,
    since_progress: usize,
    alpha: Vec<f64>,
}

impl BestIterate {
    fn new(rz: f64, alpha: Vec<f64>) -> Self {
        BestIterate {
            rz,
            reference_rz: rz,
            since_progress: 0,
            alpha,
        }
    }

    /// Records the residual of the current iterate; `true` once the solve has stalled.
    fn record(&mut self, rz: f64, alpha: impl Fn(&mut [f64])) -> bool {
        if rz < self.rz {
            self.rz = rz;
            alpha(&mut self.alpha);
        }
        if rz < 0.25 * self.reference_rz {
            self.reference_rz = rz;
            self.since_progress = 0;
        } else {
            self.since_progress += 1;
        }
        self.since_progress >= STALL_PASSES || !rz.is_finite()
    }
}

/// Columns solved together by the conjugate gradient: each pass over the data then serves
/// up to this many columns (an outcome and three regressors in one pass).
const LOCKSTEP: usize = 4;

/// Demeans columns for fixed fixed effects and weights.
pub struct Demeaner<'a> {
    op: FeOperator<'a>,
    /// `1 / Σ_{n∈g} w_n` (0 for a group without weight): the diagonal of the
    /// Gauss-Seidel updates.
    inv_weight_g: Vec<f64>,
    /// The conjugate gradient's preconditioner.
    precond: BlockJacobi,
}

impl<'a> Demeaner<'a> {
    /// Prepares group weight totals.
    pub fn new(fe: &'a FixedEffects, weights_n: &'a [f64]) -> Self {
        let op = FeOperator::new(fe, Some(weights_n));
        let ids: Vec<&[u32]> = fe.ids.iter().map(Vec::as_slice).collect();
        // The preconditioner's pass over the rows sums the group weights too.
        let precond = BlockJacobi::new(&ids, &fe.levels, Some(weights_n));
        let inv_weight_g = precond
            .weight_sums()
            .par_iter()
            .map(|&t| if t > 0.0 { 1.0 / t } else { 0.0 })
            .collect();
        Demeaner {
            op,
            inv_weight_g,
            precond,
        }
    }

    /// A fresh (all-zero) coefficient state for one column.
    pub fn new_state(&self) -> Vec<f64> {
        vec![0.0; self.op.groups()]
    }

    /// Demeans `x_n` into `out_n`, starting from (and updating) the coefficients in `state`.
    pub fn demean(
        &self,
        x_n: &[f64],
        state: &mut Vec<f64>,
        opts: DemeanOptions,
        out_n: &mut [f64],
    ) -> DemeanInfo {
        let info = self.solve(&[x_n], std::slice::from_mut(state), opts)[0];
        self.op.residual(x_n, state, out_n);
        info
    }

    /// Demeans several columns, each with its own warm-start state.
    pub fn demean_many(
        &self,
        columns: &[&[f64]],
        states: &mut [Vec<f64>],
        opts: DemeanOptions,
    ) -> (Vec<Vec<f64>>, Vec<DemeanInfo>) {
        let mut out = Vec::new();
        let infos = self.demean_many_into(columns, states, opts, &mut out);
        (out, infos)
    }

    /// [`Self::demean_many`] into `out`, whose vectors are reused (one per column, resized
    /// to the rows): an IRLS loop that keeps them avoids fresh pages every iteration, which
    /// the kernel must fault in and zero (a sixth of a 5M-row fit's time).
    pub fn demean_many_into(
        &self,
        columns: &[&[f64]],
        states: &mut [Vec<f64>],
        opts: DemeanOptions,
        out: &mut Vec<Vec<f64>>,
    ) -> Vec<DemeanInfo> {
        let infos = self.solve(columns, states, opts);
        let n = self.op.rows();
        out.resize_with(columns.len(), Vec::new);
        // Each residual splits its rows between threads.
        for ((o, x), st) in out.iter_mut().zip(columns).zip(states.iter()) {
            o.resize(n, 0.0);
            self.op.residual(x, st, o);
        }
        infos
    }

    /// Solves the fixed-effect normal equations of every column, updating `states`.
    fn solve(
        &self,
        columns: &[&[f64]],
        states: &mut [Vec<f64>],
        opts: DemeanOptions,
    ) -> Vec<DemeanInfo> {
        let converged = |sweeps| DemeanInfo {
            sweeps,
            status: DemeanStatus::Converged,
            fallback: None,
            stalled: false,
        };
        if self.op.dims() == 0 {
            return vec![converged(0); columns.len()];
        }
        for st in states.iter_mut() {
            if st.len() != self.op.groups() {
                *st = self.new_state();
            }
        }
        let mut b = vec![Vec::new(); columns.len()];
        self.op.apply_many(columns, &mut b);
        if self.op.dims() == 1 {
            // One dimension: the solution is the weighted group mean.
            for (st, b) in states.iter_mut().zip(&b) {
                for ((a, s), i) in st.iter_mut().zip(b).zip(&self.inv_weight_g) {
                    *a = s * i;
                }
            }
            return vec![converged(1); columns.len()];
        }
        match opts.algorithm {
            DemeanAlgorithm::AlternatingProjections => b
                .par_iter()
                .zip(states.par_iter_mut())
                .map(|(b, st)| self.alternating_projections(b, st, opts))
                .collect(),
            DemeanAlgorithm::ConjugateGradient => {
                let mut infos = Vec::with_capacity(columns.len());
                for (b, st) in b.chunks(LOCKSTEP).zip(states.chunks_mut(LOCKSTEP)) {
                    infos.extend(match b.len() {
                        1 => self.conjugate_gradient::<1>(b, st, opts),
                        2 => self.conjugate_gradient::<2>(b, st, opts),
                        3 => self.conjugate_gradient::<3>(b, st, opts),
                        _ => self.conjugate_gradient::<LOCKSTEP>(b, st, opts),
                    });
                }
                infos
            }
        }
    }

    /// Preconditioned conjugate gradient on `Dᵀ W D α = b` for `J` columns in lockstep:
    /// each pass over the data reads the group ids and weights once for all columns. The
    /// system is singular but consistent, which CG handles from any start.
    ///
    /// A breakdown (`pᵀ A p` not finite: it overflowed) ends the
    /// column's CG; alternating projections then go on from its best iterate.
    fn conjugate_gradient<const J: usize>(
        &self,
        b_cols: &[Vec<f64>],
        states: &mut [Vec<f64>],
        opts: DemeanOptions,
    ) -> Vec<DemeanInfo> {
        // Group-sized vectors are made in parallel too: with a fifth of the passes they
        // were, serial, a tenth of what a second core could not speed up.
        let g_all = self.op.groups();
        let group_major = |cols: &[Vec<f64>]| -> Vec<[f64; J]> {
            (0..g_all)
                .into_par_iter()
                .map(|g| std::array::from_fn(|j| cols[j][g]))
                .collect()
        };
        let mut alpha = group_major(states);
        let b = group_major(b_cols);
        let pre = &self.precond;
        let mut scratch = NormalScratch::<J>::new(&self.op);
        let mut ap = vec![[0.0; J]; g_all];
        self.op.normal_apply(&alpha, &mut scratch, &mut ap);
        let mut r: Vec<[f64; J]> = b
            .par_iter()
            .zip(&ap)
            .map(|(b, a)| std::array::from_fn(|j| b[j] - a[j]))
            .collect();
        let mut z: Vec<[f64; J]> = (0..g_all)
            .into_par_iter()
            .map(|g| pre.apply_group(g, &r))
            .collect();
        let mut p = z.clone();
        let dot = |x: &[[f64; J]], y: &[[f64; J]]| -> [f64; J] {
            sum_chunks(
                x.par_chunks(VECTOR_CHUNK)
                    .zip(y.par_chunks(VECTOR_CHUNK))
                    .map(|(x, y)| {
                        let mut d = [0.0; J];
                        for (a, c) in x.iter().zip(y) {
                            for j in 0..J {
                                d[j] += a[j] * c[j];
                            }
                        }
                        d
                    })
                    .collect(),
            )
        };
        let mut rz = dot(&r, &z);
        let mut infos = vec![
            DemeanInfo {
                sweeps: 1,
                status: DemeanStatus::MaxIter,
                fallback: None,
                stalled: false,
            };
            J
        ];
        let mut running = [true; J];
        let mut best: Vec<BestIterate> = (0..J)
            .map(|j| BestIterate::new(rz[j], alpha.par_iter().map(|a| a[j]).collect()))
            .collect();
        let mut passes = 1;
        while passes < opts.max_iter {
            let within = z
                .par_chunks(VECTOR_CHUNK)
                .zip(alpha.par_chunks(VECTOR_CHUNK))
                .map(|(z, alpha)| {
                    let mut ok = [true; J];
                    for (zz, a) in z.iter().zip(alpha) {
                        for j in 0..J {
                            ok[j] &= zz[j].abs() <= opts.tol * (0.1 + a[j].abs());
                        }
                    }
                    ok
                })
                .reduce(|| [true; J], |a, b| std::array::from_fn(|j| a[j] && b[j]));
            for j in 0..J {
                if running[j] && within[j] {
                    running[j] = false;
                    infos[j].status = DemeanStatus::Converged;
                }
            }
            if !running.contains(&true) {
                break;
            }
            self.op.normal_apply(&p, &mut scratch, &mut ap);
            passes += 1;
            let pap = dot(&p, &ap);
            let mut step = [0.0; J];
            for j in 0..J {
                if !running[j] {
                    continue;
                }
                infos[j].sweeps += 1;
                if !pap[j].is_finite() {
                    running[j] = false;
                    infos[j].status = DemeanStatus::Breakdown;
                } else if pap[j] <= 0.0 {
                    // `A` is positive semi-definite: a finite `pᵀAp ≤ 0` is rounding, the
                    // search direction has no component left that the data can see. The
                    // precision floor, as in a stall (the best iterate is kept).
                    running[j] = false;
                    infos[j].status = DemeanStatus::Converged;
                    infos[j].stalled = true;
                } else {
                    step[j] = rz[j] / pap[j];
                }
            }
            // The updates in one parallel pass over the groups; the preconditioned residual
            // and the new `rᵀz` in a second (a block reads its partner's residual).
            alpha
                .par_chunks_mut(VECTOR_CHUNK)
                .zip(r.par_chunks_mut(VECTOR_CHUNK))
                .zip(p.par_chunks(VECTOR_CHUNK))
                .zip(ap.par_chunks(VECTOR_CHUNK))
                .for_each(|(((alpha, r), p), ap)| {
                    for g in 0..alpha.len() {
                        for j in 0..J {
                            alpha[g][j] += step[j] * p[g][j];
                            r[g][j] -= step[j] * ap[g][j];
                        }
                    }
                });
            let rz_new = sum_chunks(
                z.par_chunks_mut(VECTOR_CHUNK)
                    .enumerate()
                    .map(|(c, z)| {
                        let base = c * VECTOR_CHUNK;
                        let mut d = [0.0; J];
                        for (k, zg) in z.iter_mut().enumerate() {
                            let g = base + k;
                            *zg = pre.apply_group(g, &r);
                            for j in 0..J {
                                d[j] += r[g][j] * zg[j];
                            }
                        }
                        d
                    })
                    .collect(),
            );
            let mut beta = [0.0; J];
            for j in 0..J {
                if step[j] != 0.0 {
                    beta[j] = rz_new[j] / rz[j];
                    rz[j] = rz_new[j];
                    if best[j].record(rz[j], |b| {
                        b.par_iter_mut()
                            .zip(alpha.par_iter())
                            .for_each(|(b, a)| *b = a[j])
                    }) {
                        // The precision floor: converged as far as double precision goes.
                        running[j] = false;
                        infos[j].status = DemeanStatus::Converged;
                        infos[j].stalled = true;
                    }
                }
            }
            p.par_chunks_mut(VECTOR_CHUNK)
                .zip(z.par_chunks(VECTOR_CHUNK))
                .for_each(|(p, z)| {
                    for (p, z) in p.iter_mut().zip(z) {
                        for j in 0..J {
                            if step[j] != 0.0 {
                                p[j] = z[j] + beta[j] * p[j];
                            }
                        }
                    }
                });
        }
        for (j, (st, (info, best))) in states
            .iter_mut()
            .zip(infos.iter_mut().zip(best))
            .enumerate()
        {
            if info.stalled || info.status == DemeanStatus::Breakdown {
                st.copy_from_slice(&best.alpha);
            } else {
                st.par_iter_mut().zip(&alpha).for_each(|(s, a)| *s = a[j]);
            }
            if info.status == DemeanStatus::Breakdown {
                let fallback = self.alternating_projections(&b_cols[j], st, opts);
                info.sweeps += fallback.sweeps;
                info.fallback = Some(fallback.status);
            }
        }
        infos
    }

    /// Alternating projections (block Gauss-Seidel) with Irons-Tuck acceleration, from
    /// the coefficients in `state`.
    fn alternating_projections(
        &self,
        sum_wx_g: &[f64],
        state: &mut [f64],
        opts: DemeanOptions,
    ) -> DemeanInfo {
        let mut info = DemeanInfo {
            sweeps: 0,
            status: DemeanStatus::MaxIter,
            fallback: None,
            stalled: false,
        };
        let mut gx = state.to_vec();
        let mut ggx = state.to_vec();
        let widest = (0..self.op.dims()).map(|q| self.op.levels(q)).max();
        let mut scratch = vec![0.0; widest.unwrap_or(0)];
        while info.sweeps < 2 * opts.max_iter {
            gx.copy_from_slice(state);
            self.sweep(sum_wx_g, &mut gx, &mut scratch);
            ggx.copy_from_slice(&gx);
            self.sweep(sum_wx_g, &mut ggx, &mut scratch);
            info.sweeps += 2;
            if converged(&gx, &ggx, opts.tol) {
                state.copy_from_slice(&ggx);
                info.status = DemeanStatus::Converged;
                break;
            }
            // Irons-Tuck: extrapolate along the last two steps.
            let (mut vprod, mut ssq) = (0.0, 0.0);
            for ((x, g1), g2) in state.iter().zip(&gx).zip(&ggx) {
                let d_gx = g2 - g1;
                let d2 = d_gx - (g1 - x);
                vprod += d_gx * d2;
                ssq += d2 * d2;
            }
            if ssq == 0.0 || !vprod.is_finite() {
                state.copy_from_slice(&ggx);
                continue;
            }
            let coef = vprod / ssq;
            for ((x, g1), g2) in state.iter_mut().zip(&gx).zip(&ggx) {
                *x = g2 - coef * (g2 - g1);
            }
        }
        info
    }

    /// One Gauss-Seidel sweep over all dimensions, in place: each dimension's
    /// coefficients become the weighted group means of the partial residual
    /// `(Σ w x - Σ w Σ_{p≠q} α_p) / Σ w`.
    fn sweep(&self, sum_wx_g: &[f64], alpha: &mut [f64], scratch: &mut [f64]) {
        let op = &self.op;
        for q in 0..op.dims() {
            let cross = &mut scratch[..op.levels(q)];
            op.cross_apply(q, alpha, cross);
            let (b, inv) = (op.block(q, sum_wx_g), op.block(q, &self.inv_weight_g));
            for (((a, b), c), i) in op
                .block_mut(q, alpha)
                .iter_mut()
                .zip(b)
                .zip(&*cross)
                .zip(inv)
            {
                *a = (b - c) * i;
            }
        }
    }
}

/// Coefficients per task in the conjugate gradient's vector updates and inner products.
/// Fixed, so that the inner products add the same partial sums in the same order whatever
/// the thread count.
const VECTOR_CHUNK: usize = 1 << 13;

/// The chunks' partial sums of `J` columns, added in chunk order.
fn sum_chunks<const J: usize>(parts: Vec<[f64; J]>) -> [f64; J] {
    let mut total = [0.0; J];
    for p in parts {
        for j in 0..J {
            total[j] += p[j];
        }
    }
    total
}

fn converged(a: &[f64], b: &[f64], tol: f64) -> bool {
    a.iter()
        .zip(b)
        .all(|(x, y)| (x - y).abs() <= tol * (0.1 + y.abs()))
}

#[cfg(test)]
mod tests {
    use super::*;
    use rand::{Rng, SeedableRng};

    fn random_fe(n: usize, levels: &[usize], seed: u64) -> FixedEffects {
        let mut rng = rand::rngs::StdRng::seed_from_u64(seed);
        let ids: Vec<Vec<u32>> = levels
            .iter()
            .map(|&l| {
                (0..n)
                    .map(|i| {
                        if i < l {
                            i as u32
                        } else {
                            rng.random_range(0..l as u32)
                        }
                    })
                    .collect()
            })
            .collect();
        FixedEffects {
            names: vec!["f".into(); levels.len()],
            ids,
            levels: levels.to_vec(),
        }
    }

    /// After demeaning, the residual is orthogonal to every group indicator.
    fn assert_orthogonal(fe: &FixedEffects, w: &[f64], r: &[f64]) {
        for q in 0..fe.len() {
            let mut s = vec![0.0; fe.levels[q]];
            for n in 0..r.len() {
                s[fe.ids[q][n] as usize] += w[n] * r[n];
            }
            let worst = s.iter().fold(0.0f64, |m, v| m.max(v.abs()));
            assert!(worst < 1e-6, "dim {q}: group sum {worst}");
        }
    }

    #[test]
    fn three_way_weighted_is_orthogonal_and_idempotent() {
        let n = 3000;
        let fe = random_fe(n, &[40, 30, 200], 1);
        let mut rng = rand::rngs::StdRng::seed_from_u64(2);
        let w: Vec<f64> = (0..n).map(|_| rng.random_range(0.1..3.0)).collect();
        let x: Vec<f64> = (0..n).map(|_| rng.random_range(-5.0..5.0)).collect();
        let d = Demeaner::new(&fe, &w);
        let mut results = Vec::new();
        for algorithm in [
            DemeanAlgorithm::AlternatingProjections,
            DemeanAlgorithm::ConjugateGradient,
        ] {
            let opts = DemeanOptions {
                algorithm,
                ..DemeanOptions::default()
            };
            let mut st = d.new_state();
            let mut out = vec![0.0; n];
            let info = d.demean(&x, &mut st, opts, &mut out);
            assert!(info.converged(), "{algorithm:?}");
            assert_orthogonal(&fe, &w, &out);
            let mut again = vec![0.0; n];
            let mut st2 = d.new_state();
            d.demean(&out, &mut st2, opts, &mut again);
            for (a, b) in out.iter().zip(&again) {
                assert!(
                    (a - b).abs() < 1e-7,
                    "{algorithm:?}: demeaning twice changed {a} to {b}"
                );
            }
            results.push(out);
        }
        // Both solvers find the same projection.
        for (a, b) in results[0].iter().zip(&results[1]) {
            assert!((a - b).abs() < 1e-6, "{a} vs {b}");
        }
    }

    #[test]
    fn lockstep_columns_equal_one_by_one() {
        let n = 2000;
        let mut rng = rand::rngs::StdRng::seed_from_u64(5);
        for levels in [vec![30, 200], vec![25, 20, 150]] {
            let fe = random_fe(n, &levels, 3);
            let w: Vec<f64> = (0..n).map(|_| rng.random_range(0.1..3.0)).collect();
            let cols: Vec<Vec<f64>> = (0..3)
                .map(|_| (0..n).map(|_| rng.random_range(-5.0..5.0)).collect())
                .collect();
            let refs: Vec<&[f64]> = cols.iter().map(Vec::as_slice).collect();
            let d = Demeaner::new(&fe, &w);
            let opts = DemeanOptions::default();
            let mut states = vec![Vec::new(); 3];
            let (many, infos) = d.demean_many(&refs, &mut states, opts);
            assert!(infos.iter().all(|i| i.converged()));
            for (x, m) in refs.iter().zip(&many) {
                let mut one = vec![0.0; n];
                d.demean(x, &mut d.new_state(), opts, &mut one);
                for (a, b) in one.iter().zip(m) {
                    assert!((a - b).abs() < 1e-7, "{a} vs {b}");
                }
            }
        }
    }

    /// Largest weighted group sum of `r`, relative to the largest weighted sum of `|x|`.
    fn relative_orthogonality(fe: &FixedEffects, w: &[f64], x: &[f64], r: &[f64]) -> f64 {
        let op = FeOperator::new(fe, Some(w));
        let (mut s, mut scale) = (vec![0.0; op.groups()], vec![0.0; op.groups()]);
        op.apply(r, &mut s);
        let abs_x: Vec<f64> = x.iter().map(|v| v.abs()).collect();
        op.apply(&abs_x, &mut scale);
        let worst = s.iter().fold(0.0f64, |m, v| m.max(v.abs()));
        worst / scale.iter().fold(0.0f64, |m, v| m.max(*v))
    }

    /// Values near 1e160 overflow `pᵀAp` in the first conjugate-gradient pass: a
    /// breakdown, which used to be reported as convergence with the column left as it
    /// was. It must say so and finish with alternating projections.
    #[test]
    fn a_breakdown_is_reported_and_alternating_projections_finish() {
        let n = 1500;
        let mut rng = rand::rngs::StdRng::seed_from_u64(11);
        for levels in [vec![30, 100], vec![20, 15, 100]] {
            let fe = random_fe(n, &levels, 12);
            let w: Vec<f64> = (0..n).map(|_| rng.random_range(0.5..2.0)).collect();
            let x: Vec<f64> = (0..n).map(|_| 1e160 * rng.random_range(1.0..5.0)).collect();
            let d = Demeaner::new(&fe, &w);
            let mut out = vec![0.0; n];
            let info = d.demean(&x, &mut d.new_state(), DemeanOptions::default(), &mut out);
            assert_eq!(info.status, DemeanStatus::Breakdown, "{levels:?}");
            assert_eq!(info.fallback, Some(DemeanStatus::Converged), "{levels:?}");
            assert!(info.converged() && !info.stalled);
            let worst = relative_orthogonality(&fe, &w, &x, &out);
            assert!(worst < 1e-7, "{levels:?}: relative group sum {worst}");
            // The same in lockstep with a well-scaled column, which must not be affected.
            let y: Vec<f64> = (0..n).map(|_| rng.random_range(-5.0..5.0)).collect();
            let mut states = vec![Vec::new(); 2];
            let (outs, infos) = d.demean_many(&[&x, &y], &mut states, DemeanOptions::default());
            assert_eq!(infos[0].status, DemeanStatus::Breakdown);
            assert_eq!(infos[1].status, DemeanStatus::Converged);
            assert_eq!(infos[1].fallback, None);
            assert!(relative_orthogonality(&fe, &w, &x, &outs[0]) < 1e-7);
            assert_orthogonal(&fe, &w, &outs[1]);
        }
    }

    #[test]
    fn the_iteration_limit_is_not_convergence() {
        let n = 3000;
        let fe = random_fe(n, &[40, 30, 200], 1);
        let mut rng = rand::rngs::StdRng::seed_from_u64(2);
        let w: Vec<f64> = (0..n).map(|_| rng.random_range(0.1..3.0)).collect();
        let x: Vec<f64> = (0..n).map(|_| rng.random_range(-5.0..5.0)).collect();
        let d = Demeaner::new(&fe, &w);
        for algorithm in DemeanAlgorithm::ALL {
            let opts = DemeanOptions {
                algorithm,
                max_iter: 2,
                ..DemeanOptions::default()
            };
            let info = d.demean(&x, &mut d.new_state(), opts, &mut vec![0.0; n]);
            assert_eq!(info.status, DemeanStatus::MaxIter, "{algorithm:?}");
            assert!(!info.converged());
        }
    }

    #[test]
    fn algorithm_labels_round_trip() {
        for a in DemeanAlgorithm::ALL {
            assert_eq!(DemeanAlgorithm::from_label(a.label()), Some(a));
        }
        assert_eq!(
            DemeanAlgorithm::from_label("Alternating-Projections"),
            Some(DemeanAlgorithm::AlternatingProjections)
        );
        assert_eq!(DemeanAlgorithm::from_label("lsmr"), None);
    }

    #[test]
    fn one_way_is_the_group_mean() {
        let fe = FixedEffects {
            names: vec!["g".into()],
            ids: vec![vec![0, 0, 1]],
            levels: vec![2],
        };
        let d = Demeaner::new(&fe, &[1.0, 3.0, 1.0]);
        let mut st = d.new_state();
        let mut out = vec![0.0; 3];
        d.demean(
            &[1.0, 2.0, 5.0],
            &mut st,
            DemeanOptions::default(),
            &mut out,
        );
        // weighted mean of group 0 = (1 + 6) / 4 = 1.75
        assert!((out[0] + 0.75).abs() < 1e-12 && (out[1] - 0.25).abs() < 1e-12 && out[2] == 0.0);
    }
}
