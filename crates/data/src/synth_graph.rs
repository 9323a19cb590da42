//! Synthetic panels whose two fixed effects form graphs on which demeaning is slow: the
//! structures of fixest issues #510 and #680 and pyfixest #1042, where alternating
//! projections take hours.
//!
//! Each panel has columns `y` (a Poisson count), `x` (a regressor), `fe1` and `fe2` (group
//! ids), drawn from `y ~ Poisson(exp(0.3·x + a[fe1] + b[fe2]))` with `a`, `b` standard
//! normal times 0.5 and `x` standard normal plus a quarter of `a[fe1]` (so that it is
//! correlated with the fixed effects, as a real regressor is). The fit is
//! `y ~ x | fe1 + fe2`; the true coefficient is 0.3.
//!
//! The graph: groups of `fe1` and of `fe2` are nodes, an observation an edge between its
//! two groups. How fast alternating projections converge depends on that graph's
//! algebraic connectivity — slow on long chains and on sparse bipartite graphs with few
//! movers.

use crate::{Column, DataError, Result, Table};
use rand::rngs::StdRng;
use rand::{Rng, SeedableRng};
use rand_distr::{Distribution, Normal, Poisson};

/// Which graph.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum GraphKind {
    /// Workers (`fe1`) and firms (`fe2`): each worker observed 10 periods, moving to a
    /// random firm with probability 0.02 a period (a sparse bipartite graph with few
    /// movers, as in matched employer–employee data; fixest #510).
    WorkerFirm,
    /// One long chain: link `l` joins `fe1 = ⌊l/2⌋` and `fe2 = ⌊(l+1)/2⌋`, five
    /// observations on each link, so the graph is a path through every group (the worst
    /// case for alternating projections) without singletons.
    Chain,
    /// Many small connected components: blocks of 3 × 3 groups, fully crossed with two
    /// observations a cell, and no observation between blocks (one reference level per
    /// component).
    Components,
    /// Nearly nested fixed effects: `fe2` (cities) inside `fe1` (regions) except one
    /// observation in a thousand in another region (nearly collinear, fixest #680).
    Nested,
}

impl GraphKind {
    /// Every kind.
    pub const ALL: [GraphKind; 4] = [
        GraphKind::WorkerFirm,
        GraphKind::Chain,
        GraphKind::Components,
        GraphKind::Nested,
    ];

    /// Its name on the command line.
    pub fn name(self) -> &'static str {
        match self {
            GraphKind::WorkerFirm => "worker-firm",
            GraphKind::Chain => "chain",
            GraphKind::Components => "components",
            GraphKind::Nested => "nested",
        }
    }

    /// The kind named `name`.
    pub fn from_name(name: &str) -> Option<GraphKind> {
        GraphKind::ALL.into_iter().find(|k| k.name() == name.trim())
    }
}

/// Most rows a graph panel may have (it is held in memory, about 40 bytes a row).
pub const MAX_GRAPH_ROWS: usize = 100_000_000;

/// Generates a panel of `rows` observations on the `kind` graph.
pub fn generate_graph(kind: GraphKind, rows: usize, seed: u64) -> Result<Table> {
    if !(8..=MAX_GRAPH_ROWS).contains(&rows) {
        return Err(DataError::Usage(format!(
            "a graph panel has 8 to {MAX_GRAPH_ROWS} rows, not {rows}"
        )));
    }
    let mut rng = StdRng::seed_from_u64(seed);
    let (fe1, fe2) = match kind {
        GraphKind::WorkerFirm => worker_firm(rows, &mut rng),
        GraphKind::Chain => (0..rows)
            .map(|i| {
                // Five observations on each link, so that no group is a singleton.
                let link = i / 5;
                ((link / 2) as u32, (link.div_ceil(2)) as u32)
            })
            .unzip(),
        GraphKind::Components => (0..rows)
            .map(|i| {
                // Blocks of 3 × 3 groups, two observations in each cell.
                let (block, cell) = ((i / 18) as u32, ((i % 18) / 2) as u32);
                (3 * block + cell / 3, 3 * block + cell % 3)
            })
            .unzip(),
        GraphKind::Nested => nested(rows, &mut rng),
    };
    let groups = |ids: &[u32]| ids.iter().copied().max().map_or(0, |m| m as usize + 1);
    let normal = Normal::new(0.0, 0.5).map_err(|e| DataError::InvalidArgument(e.to_string()))?;
    let a: Vec<f64> = (0..groups(&fe1)).map(|_| normal.sample(&mut rng)).collect();
    let b: Vec<f64> = (0..groups(&fe2)).map(|_| normal.sample(&mut rng)).collect();
    let mut x = Vec::with_capacity(rows);
    let mut y = Vec::with_capacity(rows);
    for (g1, g2) in fe1.iter().zip(&fe2) {
        let (ai, bj) = (a[*g1 as usize], b[*g2 as usize]);
        let xi = 2.0 * normal.sample(&mut rng) + 0.25 * ai;
        let mean = (0.3 * xi + ai + bj).exp();
        let count = Poisson::new(mean)
            .map_err(|e| DataError::InvalidArgument(e.to_string()))?
            .sample(&mut rng);
        x.push(xi);
        y.push(count);
    }
    let mut t = Table::new();
    t.push("y", Column::numbers(y))?;
    t.push("x", Column::numbers(x))?;
    t.push(
        "fe1",
        Column::numbers(fe1.iter().map(|&g| f64::from(g)).collect()),
    )?;
    t.push(
        "fe2",
        Column::numbers(fe2.iter().map(|&g| f64::from(g)).collect()),
    )?;
    Ok(t)
}

/// Workers observed 10 periods each, firms with ten workers each on average, a move to a
/// random firm with probability 0.02 a period.
fn worker_firm(rows: usize, rng: &mut StdRng) -> (Vec<u32>, Vec<u32>) {
    const PERIODS: usize = 10;
    const MOVE: f64 = 0.02;
    let workers = rows.div_ceil(PERIODS);
    let firms = (workers / 10).max(2);
    let mut fe1 = Vec::with_capacity(rows);
    let mut fe2 = Vec::with_capacity(rows);
    let mut firm = 0u32;
    for i in 0..rows {
        let (worker, period) = (i / PERIODS, i % PERIODS);
        // A new worker starts at a random firm; a worker moves with probability MOVE.
        if period == 0 || rng.random::<f64>() < MOVE {
            firm = rng.random_range(0..firms) as u32;
        }
        fe1.push(worker as u32);
        fe2.push(firm);
    }
    (fe1, fe2)
}

/// Regions of 100 cities, 10 observations a city; one observation in a thousand is put
/// in a random other region.
fn nested(rows: usize, rng: &mut StdRng) -> (Vec<u32>, Vec<u32>) {
    let cities = rows.div_ceil(10);
    let regions = cities.div_ceil(100).max(2);
    (0..rows)
        .map(|i| {
            let city = (i / 10) as u32;
            let home = ((i / 10) / 100) as u32 % regions as u32;
            let region = if rng.random::<f64>() < 0.001 {
                rng.random_range(0..regions) as u32
            } else {
                home
            };
            (region, city)
        })
        .unzip()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn ids(t: &Table, c: &str) -> Vec<usize> {
        t.num(c)
            .expect("column")
            .iter()
            .map(|v| *v as usize)
            .collect()
    }

    /// Connected components of the bipartite graph (union–find over fe1 and fe2 nodes).
    fn components(fe1: &[usize], fe2: &[usize]) -> usize {
        let n1 = fe1.iter().max().map_or(0, |m| m + 1);
        let n2 = fe2.iter().max().map_or(0, |m| m + 1);
        let mut parent: Vec<usize> = (0..n1 + n2).collect();
        fn find(p: &mut [usize], mut x: usize) -> usize {
            while p[x] != x {
                p[x] = p[p[x]];
                x = p[x];
            }
            x
        }
        for (a, b) in fe1.iter().zip(fe2) {
            let (ra, rb) = (find(&mut parent, *a), find(&mut parent, n1 + b));
            if ra != rb {
                parent[ra] = rb;
            }
        }
        let mut used = std::collections::HashSet::new();
        for a in fe1 {
            used.insert(find(&mut parent, *a));
        }
        for b in fe2 {
            used.insert(find(&mut parent, n1 + b));
        }
        used.len()
    }

    #[test]
    fn the_chain_is_one_path_through_every_group() {
        let t = generate_graph(GraphKind::Chain, 1000, 1).expect("panel");
        let (a, b) = (ids(&t, "fe1"), ids(&t, "fe2"));
        assert_eq!(components(&a, &b), 1);
        // A path: 200 links of 5 observations between 100 + 101 groups.
        assert_eq!(a.iter().max(), Some(&99));
        assert_eq!(b.iter().max(), Some(&100));
        let mut count = std::collections::HashMap::new();
        for g in &a {
            *count.entry(*g).or_insert(0) += 1;
        }
        assert!(count.values().all(|c| *c >= 5), "no singleton");
    }

    #[test]
    fn components_are_many_and_small() {
        let t = generate_graph(GraphKind::Components, 3600, 1).expect("panel");
        assert_eq!(components(&ids(&t, "fe1"), &ids(&t, "fe2")), 200);
    }

    #[test]
    fn workers_rarely_move_and_firms_still_connect() {
        let t = generate_graph(GraphKind::WorkerFirm, 100_000, 3).expect("panel");
        let (w, f) = (ids(&t, "fe1"), ids(&t, "fe2"));
        let moves = (1..w.len())
            .filter(|&i| w[i] == w[i - 1] && f[i] != f[i - 1])
            .count();
        let share = moves as f64 / (w.len() as f64 * 0.9);
        assert!((0.01..0.03).contains(&share), "{share}");
        // Few movers leave the graph in pieces, but most firms in one of them.
        assert!(components(&w, &f) > 1);
    }

    #[test]
    fn nested_effects_cross_regions_rarely() {
        let t = generate_graph(GraphKind::Nested, 100_000, 5).expect("panel");
        let (region, city) = (ids(&t, "fe1"), ids(&t, "fe2"));
        let away = region
            .iter()
            .zip(&city)
            .filter(|(r, c)| **r != (**c / 100) % 100)
            .count();
        assert!((50..200).contains(&away), "{away}");
    }

    #[test]
    fn the_outcome_is_a_count_and_sizes_are_bounded() {
        let t = generate_graph(GraphKind::WorkerFirm, 1000, 9).expect("panel");
        assert!(t
            .num("y")
            .expect("y")
            .iter()
            .all(|v| *v >= 0.0 && v.fract() == 0.0));
        assert!(generate_graph(GraphKind::Chain, 3, 1).is_err());
        assert!(generate_graph(GraphKind::Chain, MAX_GRAPH_ROWS + 1, 1).is_err());
        assert_eq!(
            GraphKind::from_name("worker-firm"),
            Some(GraphKind::WorkerFirm)
        );
    }
}
