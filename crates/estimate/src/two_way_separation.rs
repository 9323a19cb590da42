//! Separation by two fixed-effect dimensions, found exactly on their graph.
//!
//! An observation with `y = 0` is separated when some `z = Xγ + Dα` is zero wherever
//! `y > 0`, non-negative wherever `y = 0`, and positive at it (Correia, Guimarães and
//! Zylkin 2021): its mean goes to zero and the estimates do not exist with it. With `z` made
//! of two dimensions alone, `z_n = α[g(n)] + β[h(n)]`, this is a graph problem. Groups
//! linked by a `y > 0` observation must have `α = -β`, so each connected component `C` of
//! the groups under those links has one free level `t_C` (`α = t_C` for the first
//! dimension's groups, `β = -t_C` for the second's). A `y = 0` observation between
//! components `C1` (its first group) and `C2` (its second) asks `t_C1 ≥ t_C2`, and can be
//! strict unless the other constraints force `t_C2 ≥ t_C1`, i.e. unless `C2` reaches `C1`
//! in the graph of these constraints: the observation is separated exactly when `C1` and
//! `C2` lie in different strongly connected components.
//!
//! Every pair of dimensions is checked; a `z` of one pair is a valid `z` of the whole model,
//! so what is found is separated whatever the other dimensions and regressors (the
//! iterative rectifier of [`crate::separation`] looks for the rest). On graphs where
//! demeaning is slow (a worker–firm panel, a chain of groups) the rectifier's weighted
//! solves do not reach the precision it needs, and it missed most of these observations:
//! 34,050 of them on a 1M-row chain, confirmed by a linear program on a small one.

use crate::fixef::{find, union, FixedEffects};
use crate::rows;
use rayon::prelude::*;

/// Flags (in `keep`) the kept observations separated by some pair of fixed-effect
/// dimensions, and returns how many. Rows already dropped in `keep` are ignored.
pub fn flag_two_way(fe: &FixedEffects, y: &[f64], keep: &mut [bool]) -> usize {
    let pairs: Vec<(usize, usize)> = (0..fe.len())
        .flat_map(|p| (p + 1..fe.len()).map(move |q| (p, q)))
        .collect();
    // One pair per task; all pairs judge the same sample, so their findings add up (the
    // sum of two certificates `z` is one).
    let found: Vec<Vec<usize>> = {
        let keep: &[bool] = keep;
        pairs
            .par_iter()
            .map(|&(p, q)| {
                separated_by_pair(
                    (&fe.ids[p], fe.levels[p]),
                    (&fe.ids[q], fe.levels[q]),
                    y,
                    keep,
                )
            })
            .collect()
    };
    let mut flagged = 0;
    for n in found.into_iter().flatten() {
        if keep[n] {
            keep[n] = false;
            flagged += 1;
        }
    }
    flagged
}

/// The kept `y = 0` rows separated by the two dimensions `(ids, levels)`.
fn separated_by_pair(
    (a, la): (&[u32], usize),
    (b, lb): (&[u32], usize),
    y: &[f64],
    keep: &[bool],
) -> Vec<usize> {
    // Components of the groups (first dimension's, then the second's) under `y > 0` rows:
    // each thread joins its own range of rows, then the forests are merged. A root is always
    // the smallest group of its component, so the result does not depend on the split.
    let (n, groups) = (y.len(), la + lb);
    let parts = rows::ranges_for(n, groups);
    let len = n.div_ceil(parts);
    let mut forests: Vec<Vec<usize>> = (0..parts)
        .into_par_iter()
        .map(|p| {
            let mut parent: Vec<usize> = (0..groups).collect();
            for n in (p * len).min(n)..((p + 1) * len).min(n) {
                if keep[n] && y[n] > 0.0 {
                    union(&mut parent, a[n] as usize, la + b[n] as usize);
                }
            }
            parent
        })
        .collect();
    let mut parent = forests.remove(0);
    for mut other in forests {
        for g in 0..groups {
            let r = find(&mut other, g);
            if r != g {
                union(&mut parent, g, r);
            }
        }
    }
    let component: Vec<usize> = (0..groups).map(|g| find(&mut parent, g)).collect();
    // Constraint arcs `C1 → C2` (t_C1 ≥ t_C2) of the `y = 0` rows between components.
    let arcs: Vec<(usize, usize, usize)> = (0..n)
        .into_par_iter()
        .filter_map(|n| {
            if !(keep[n] && y[n] == 0.0) {
                return None;
            }
            let (c1, c2) = (component[a[n] as usize], component[la + b[n] as usize]);
            (c1 != c2).then_some((c1, c2, n))
        })
        .collect();
    if arcs.is_empty() {
        return Vec::new();
    }
    // Dense ids for the components the arcs touch.
    let mut id = vec![usize::MAX; la + lb];
    let mut nodes = 0;
    for &(c1, c2, _) in &arcs {
        for c in [c1, c2] {
            if id[c] == usize::MAX {
                id[c] = nodes;
                nodes += 1;
            }
        }
    }
    let edges: Vec<(usize, usize)> = arcs.iter().map(|&(c1, c2, _)| (id[c1], id[c2])).collect();
    let scc = strong_components(nodes, &edges);
    arcs.iter()
        .zip(&edges)
        .filter(|(_, &(u, v))| scc[u] != scc[v])
        .map(|(&(_, _, n), _)| n)
        .collect()
}

/// Strongly connected component of each node of a directed graph (Tarjan's algorithm with
/// an explicit stack: a chain of a million components must not overflow the call stack).
fn strong_components(nodes: usize, edges: &[(usize, usize)]) -> Vec<usize> {
    // Adjacency in compressed rows.
    let mut start = vec![0usize; nodes + 1];
    for &(u, _) in edges {
        start[u + 1] += 1;
    }
    for i in 0..nodes {
        start[i + 1] += start[i];
    }
    let mut next = start.clone();
    let mut adj = vec![0usize; edges.len()];
    for &(u, v) in edges {
        adj[next[u]] = v;
        next[u] += 1;
    }
    const UNSEEN: usize = usize::MAX;
    let mut index = vec![UNSEEN; nodes];
    let mut low = vec![0usize; nodes];
    let mut on_stack = vec![false; nodes];
    let mut comp = vec![UNSEEN; nodes];
    let mut stack: Vec<usize> = Vec::new();
    // (node, position in its adjacency) of the depth-first search.
    let mut dfs: Vec<(usize, usize)> = Vec::new();
    let mut counter = 0;
    let mut components = 0;
    for root in 0..nodes {
        if index[root] != UNSEEN {
            continue;
        }
        dfs.push((root, start[root]));
        index[root] = counter;
        low[root] = counter;
        counter += 1;
        stack.push(root);
        on_stack[root] = true;
        while let Some(&(u, pos)) = dfs.last() {
            if pos < start[u + 1] {
                let v = adj[pos];
                if let Some(top) = dfs.last_mut() {
                    top.1 += 1;
                }
                if index[v] == UNSEEN {
                    index[v] = counter;
                    low[v] = counter;
                    counter += 1;
                    stack.push(v);
                    on_stack[v] = true;
                    dfs.push((v, start[v]));
                } else if on_stack[v] {
                    low[u] = low[u].min(index[v]);
                }
            } else {
                dfs.pop();
                if let Some(&(parent, _)) = dfs.last() {
                    low[parent] = low[parent].min(low[u]);
                }
                if low[u] == index[u] {
                    while let Some(w) = stack.pop() {
                        on_stack[w] = false;
                        comp[w] = components;
                        if w == u {
                            break;
                        }
                    }
                    components += 1;
                }
            }
        }
    }
    comp
}

#[cfg(test)]
mod tests {
    use super::*;
    use rand::{Rng, SeedableRng};

    fn two_way(a: Vec<u32>, b: Vec<u32>) -> FixedEffects {
        let levels = [&a, &b]
            .iter()
            .map(|v| v.iter().max().map_or(0, |m| *m as usize + 1))
            .collect();
        FixedEffects {
            names: vec!["a".into(), "b".into()],
            ids: vec![a, b],
            levels,
        }
    }

    #[test]
    fn a_zero_bridge_in_a_chain_is_separated_and_a_zero_row_in_a_cycle_is_not() {
        // Chain a0-b0-a1-b1: rows (a0,b0) y>0, (a1,b0) y=0, (a1,b1) y>0. The zero row is
        // the only link between {a0,b0} and {a1,b1}: separated.
        let fe = two_way(vec![0, 1, 1], vec![0, 0, 1]);
        let mut keep = vec![true; 3];
        assert_eq!(flag_two_way(&fe, &[1.0, 0.0, 2.0], &mut keep), 1);
        assert_eq!(keep, [true, false, true]);
        // Add (a0,b1) with y=0: the two zero rows ask t0 ≥ t1 and t1 ≥ t0, so both hold
        // with equality and nothing is separated.
        let fe = two_way(vec![0, 1, 1, 0], vec![0, 0, 1, 1]);
        let mut keep = vec![true; 4];
        assert_eq!(flag_two_way(&fe, &[1.0, 0.0, 2.0, 0.0], &mut keep), 0);
        // A positive row in the cycle joins the components: nothing either.
        let mut keep = vec![true; 4];
        assert_eq!(flag_two_way(&fe, &[1.0, 0.0, 2.0, 3.0], &mut keep), 0);
    }

    #[test]
    fn dropped_rows_are_ignored() {
        // Without the positive row (a1,b1) (dropped), a1 and b1 are components of their
        // own; the zero row (a1,b0) still links two different components.
        let fe = two_way(vec![0, 1, 1], vec![0, 0, 1]);
        let mut keep = vec![true, true, false];
        assert_eq!(flag_two_way(&fe, &[1.0, 0.0, 2.0], &mut keep), 1);
        assert_eq!(keep, [true, false, false]);
    }

    #[test]
    fn rows_split_between_threads_find_the_same_rows() {
        // A sparse random graph: many components, zero rows between them.
        let mut rng = rand::rngs::StdRng::seed_from_u64(11);
        let n = 3 * rows::CHUNK;
        let groups = 30_000;
        let a: Vec<u32> = (0..n).map(|_| rng.random_range(0..groups)).collect();
        let b: Vec<u32> = (0..n).map(|_| rng.random_range(0..groups)).collect();
        let y: Vec<f64> = (0..n)
            .map(|_| if rng.random_bool(0.5) { 1.0 } else { 0.0 })
            .collect();
        let fe = two_way(a, b);
        let flagged = |threads: usize| {
            let pool = rayon::ThreadPoolBuilder::new()
                .num_threads(threads)
                .build()
                .unwrap();
            let mut keep = vec![true; n];
            let count = pool.install(|| flag_two_way(&fe, &y, &mut keep));
            (count, keep)
        };
        let one = flagged(1);
        assert!(one.0 > 0);
        assert_eq!(flagged(3), one);
    }

    /// Whether `to` is reachable from `from` along `edges`, by breadth-first search.
    fn reaches(edges: &[(usize, usize)], from: usize, to: usize) -> bool {
        let mut seen = vec![from];
        let mut queue = vec![from];
        while let Some(u) = queue.pop() {
            if u == to {
                return true;
            }
            for &(x, v) in edges {
                if x == u && !seen.contains(&v) {
                    seen.push(v);
                    queue.push(v);
                }
            }
        }
        false
    }

    #[test]
    fn strong_components_agree_with_reachability() {
        let mut rng = rand::rngs::StdRng::seed_from_u64(7);
        for _ in 0..200 {
            let nodes = rng.random_range(1..12);
            let m = rng.random_range(0..20);
            let edges: Vec<(usize, usize)> = (0..m)
                .map(|_| (rng.random_range(0..nodes), rng.random_range(0..nodes)))
                .collect();
            let scc = strong_components(nodes, &edges);
            for u in 0..nodes {
                for v in 0..nodes {
                    let same = reaches(&edges, u, v) && reaches(&edges, v, u);
                    assert_eq!(scc[u] == scc[v], same, "{edges:?}: {u} {v}");
                }
            }
        }
    }

    #[test]
    fn a_long_chain_does_not_overflow_the_stack() {
        let nodes = 1_000_000;
        let edges: Vec<(usize, usize)> = (1..nodes).map(|i| (i - 1, i)).collect();
        let scc = strong_components(nodes, &edges);
        assert_eq!(
            scc.iter().collect::<std::collections::HashSet<_>>().len(),
            nodes
        );
    }
}
