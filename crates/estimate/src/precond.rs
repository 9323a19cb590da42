//! The conjugate gradient's preconditioner: Jacobi (one over each group's weight), with a
//! 2×2 block for every two groups of different dimensions whose heaviest observation is
//! the same.
//!
//! Why the blocks: in a gravity panel with intra-national flows, exporter-year `(c, t)`
//! and importer-year `(c, t)` share the domestic observation `(c, c, t)`, which under PPML
//! weights (the fitted flows) carries nearly all of both groups' weight. Moving the two
//! coefficients in opposite directions then changes almost no fitted value, so the
//! Jacobi-preconditioned normal matrix has eigenvalues near `1 - ρ` (`ρ` the share of the
//! groups' weight that the shared observation carries): on a 60-country, 12-year synthetic
//! panel at the PPML solution its condition number is 715, and 5.5 with these blocks (7.2
//! without the domestic flows, where Jacobi alone is enough). The conjugate gradient needs
//! about `√κ` passes per decade of accuracy, so the blocks cut the passes several-fold.
//!
//! Pairing: each group's heaviest observation (first in row order on ties) is found; two
//! groups of different dimensions are paired when each is the other's group in its own
//! heaviest observation, and neither is paired yet (dimension pairs `(0,1), (0,2), …, (1,2),
//! …` in turn). The block is the exact principal 2×2 submatrix `[[a, c], [c, b]]` of `DᵀWD`,
//! `c` the weight the two groups share; its determinant is formed from the shared and
//! unshared weights, `c (ā + b̄) + ā b̄` (`ā = a - c`), so that it keeps its precision
//! when the groups nearly coincide. Two groups with the same observations (determinant 0:
//! a direction of the null space) stay Jacobi.

use crate::rows;
use rayon::prelude::*;

/// Block-Jacobi preconditioner over all groups of all dimensions (dimension `q`'s groups at
/// its offset, as in [`crate::fe_operator::FeOperator`]).
#[derive(Debug, Clone)]
pub struct BlockJacobi {
    /// The group paired with each group (the group itself when unpaired).
    partner: Vec<usize>,
    /// Diagonal entry of the inverse block (`1 / weight` when unpaired, 0 without weight).
    diag: Vec<f64>,
    /// Off-diagonal entry of the inverse block (0 when unpaired).
    off: Vec<f64>,
    pairs: usize,
    /// Each group's weight total `Σ_{n∈g} w_n`.
    weight: Vec<f64>,
}

/// What [`BlockJacobi::new`] needs of each group: its weight total and heaviest row.
#[derive(Clone, Copy)]
struct GroupWeight {
    total: f64,
    heaviest_weight: f64,
    heaviest: usize,
}

impl Default for GroupWeight {
    fn default() -> Self {
        GroupWeight {
            total: 0.0,
            heaviest_weight: f64::NEG_INFINITY,
            heaviest: NONE,
        }
    }
}

/// No observation: a group without rows.
const NONE: usize = usize::MAX;

impl BlockJacobi {
    /// The preconditioner of dimensions `ids` (`ids[q][n] < levels[q]`) with row weights
    /// `weights` (`None`: unit weights).
    pub fn new(ids: &[&[u32]], levels: &[usize], weights: Option<&[f64]>) -> Self {
        let offsets: Vec<usize> = levels
            .iter()
            .scan(0, |acc, &l| {
                let o = *acc;
                *acc += l;
                Some(o)
            })
            .collect();
        let groups: usize = levels.iter().sum();
        let rows = ids.first().map_or(0, |i| i.len());
        let dims = ids.len();
        let w = |n: usize| weights.map_or(1.0, |w| w[n]);
        // One pass over the rows, split between threads: every group's weight total and
        // heaviest observation.
        let stats = rows::scatter(
            rows,
            groups,
            GroupWeight::default(),
            |range, acc| {
                // Dimension by dimension within the range: one group array at a time
                // stays in cache.
                for (ids_q, off) in ids.iter().zip(&offsets) {
                    let acc = &mut acc[*off..];
                    for n in range.clone() {
                        let (s, wn) = (&mut acc[ids_q[n] as usize], w(n));
                        s.total += wn;
                        if wn > s.heaviest_weight {
                            s.heaviest_weight = wn;
                            s.heaviest = n;
                        }
                    }
                }
            },
            |a, b| {
                a.total += b.total;
                if b.heaviest_weight > a.heaviest_weight {
                    a.heaviest_weight = b.heaviest_weight;
                    a.heaviest = b.heaviest;
                }
            },
        );
        let weight: Vec<f64> = stats.par_iter().map(|s| s.total).collect();
        let diag: Vec<f64> = weight
            .par_iter()
            .map(|&t| if t > 0.0 { 1.0 / t } else { 0.0 })
            .collect();
        let mut pre = BlockJacobi {
            partner: (0..groups).collect(),
            diag,
            off: vec![0.0; groups],
            pairs: 0,
            weight,
        };
        if dims < 2 {
            return pre;
        }
        let heaviest = |q: usize, g: usize| stats[offsets[q] + g].heaviest;
        // Mutual pairs, greedily by dimension pair. `dim_of_partner[g]` is the partner's
        // dimension (meaningful only for paired groups).
        let mut dim_of_partner = vec![0usize; groups];
        let mut paired = vec![false; groups];
        for q in 0..dims {
            for r in q + 1..dims {
                for g in 0..levels[q] {
                    let n = heaviest(q, g);
                    let gg = offsets[q] + g;
                    if n == NONE || paired[gg] {
                        continue;
                    }
                    let h = ids[r][n] as usize;
                    let hh = offsets[r] + h;
                    if paired[hh] || heaviest(r, h) != n {
                        continue;
                    }
                    paired[gg] = true;
                    paired[hh] = true;
                    pre.partner[gg] = hh;
                    pre.partner[hh] = gg;
                    dim_of_partner[gg] = r;
                    dim_of_partner[hh] = q;
                }
            }
        }
        // Shared and unshared weight of every paired group, in a second pass. (`shared[g]`
        // and `shared[h]` add the same rows with the same bracketing: equal to the bit.)
        let (partner, paired, dim_of_partner) = (&pre.partner, &paired, &dim_of_partner);
        let split = rows::scatter(
            rows,
            groups,
            [0.0f64; 2],
            |range, acc| {
                for q in 0..dims {
                    for n in range.clone() {
                        let gg = offsets[q] + ids[q][n] as usize;
                        if !paired[gg] {
                            continue;
                        }
                        let r = dim_of_partner[gg];
                        let alone = offsets[r] + ids[r][n] as usize != partner[gg];
                        acc[gg][usize::from(alone)] += w(n);
                    }
                }
            },
            |a, b| {
                a[0] += b[0];
                a[1] += b[1];
            },
        );
        for g in 0..groups {
            let h = pre.partner[g];
            if h <= g {
                continue;
            }
            // `shared[g]` and `shared[h]` add the same rows in the same order.
            let (c, ea, eb) = (split[g][0], split[g][1], split[h][1]);
            let det = c * (ea + eb) + ea * eb;
            if c > 0.0 && det > 0.0 && det.is_finite() {
                pre.diag[g] = (c + eb) / det;
                pre.diag[h] = (c + ea) / det;
                pre.off[g] = -c / det;
                pre.off[h] = -c / det;
                pre.pairs += 1;
            } else {
                pre.partner[g] = g;
                pre.partner[h] = h;
            }
        }
        pre
    }

    /// Each group's weight total `Σ_{n∈g} w_n` (its size under unit weights).
    pub fn weight_sums(&self) -> &[f64] {
        &self.weight
    }

    /// Number of 2×2 blocks.
    pub fn pairs(&self) -> usize {
        self.pairs
    }

    /// `z_g ← (M⁻¹ r)_g` for the `J` columns of group `g`, `r` all groups' residuals.
    #[inline(always)]
    pub fn apply_group<const J: usize>(&self, g: usize, r: &[[f64; J]]) -> [f64; J] {
        let (d, o, h) = (self.diag[g], self.off[g], self.partner[g]);
        let (rg, rh) = (r[g], r[h]);
        std::array::from_fn(|j| d * rg[j] + o * rh[j])
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Dense `DᵀWD` of the dimensions.
    fn normal_matrix(ids: &[&[u32]], levels: &[usize], w: &[f64]) -> Vec<Vec<f64>> {
        let g: usize = levels.iter().sum();
        let mut a = vec![vec![0.0; g]; g];
        for (n, &wn) in w.iter().enumerate() {
            let cols: Vec<usize> = ids
                .iter()
                .zip(levels.iter().scan(0, |acc, &l| {
                    let o = *acc;
                    *acc += l;
                    Some(o)
                }))
                .map(|(i, o)| o + i[n] as usize)
                .collect();
            for &i in &cols {
                for &j in &cols {
                    a[i][j] += wn;
                }
            }
        }
        a
    }

    #[test]
    fn a_shared_heavy_row_pairs_two_groups_with_the_exact_block_inverse() {
        // Exporter-year (dim 0) and importer-year (dim 1) of two countries in one year;
        // the domestic rows 0 and 3 carry most of the weight.
        let e: Vec<u32> = vec![0, 0, 1, 1];
        let i: Vec<u32> = vec![0, 1, 0, 1];
        let w = [100.0, 1.0, 2.0, 50.0];
        let levels = [2, 2];
        let ids: [&[u32]; 2] = [&e, &i];
        let a = normal_matrix(&ids, &levels, &w);
        let sums: Vec<f64> = (0..4).map(|g| a[g][g]).collect();
        let pre = BlockJacobi::new(&ids, &levels, Some(&w));
        assert_eq!(pre.weight_sums(), sums);
        assert_eq!(pre.pairs(), 2);
        assert_eq!(pre.partner, vec![2, 3, 0, 1]);
        // M⁻¹ times the 2×2 principal submatrix is the identity.
        for (g, h) in [(0, 2), (1, 3)] {
            let r: Vec<[f64; 2]> = (0..4)
                .map(|k| {
                    if k == g {
                        [a[g][g], a[g][h]]
                    } else if k == h {
                        [a[h][g], a[h][h]]
                    } else {
                        [0.0, 0.0]
                    }
                })
                .collect();
            let zg = pre.apply_group(g, &r);
            let zh = pre.apply_group(h, &r);
            for (got, want) in [(zg[0], 1.0), (zg[1], 0.0), (zh[0], 0.0), (zh[1], 1.0)] {
                assert!((got - want).abs() < 1e-14, "{got} vs {want}");
            }
        }
    }

    #[test]
    fn groups_with_the_same_rows_stay_jacobi() {
        // Dimension 1 repeats dimension 0: each pair of groups spans the null space.
        let e: Vec<u32> = vec![0, 0, 1, 1];
        let w = [1.0, 2.0, 3.0, 4.0];
        let ids: [&[u32]; 2] = [&e, &e];
        let sums = [3.0, 7.0, 3.0, 7.0];
        let pre = BlockJacobi::new(&ids, &[2, 2], Some(&w));
        assert_eq!(pre.weight_sums(), sums);
        assert_eq!(pre.pairs(), 0);
        let r = [[1.0], [1.0], [1.0], [1.0]];
        for (g, sum) in sums.iter().enumerate() {
            assert_eq!(pre.apply_group(g, &r)[0], 1.0 / sum);
        }
    }

    #[test]
    fn one_dimension_and_empty_groups_are_jacobi() {
        let e: Vec<u32> = vec![0, 0, 2];
        let ids: [&[u32]; 1] = [&e];
        let pre = BlockJacobi::new(&ids, &[3], None);
        assert_eq!(pre.weight_sums(), [2.0, 0.0, 1.0]);
        assert_eq!(pre.pairs(), 0);
        let r = [[4.0], [4.0], [4.0]];
        let z: Vec<f64> = (0..3).map(|g| pre.apply_group(g, &r)[0]).collect();
        assert_eq!(z, vec![2.0, 0.0, 4.0]);
    }
}
