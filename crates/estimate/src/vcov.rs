//! Variance estimators and their small-sample corrections.
//!
//! All are sandwich forms built from the bread `(X̃'WX̃)⁻¹` and per-observation scores
//! `s_n = x̃_n · r_n` (`r_n = w_n e_n` for OLS, `w_n (y_n - μ_n)` for Poisson), where `x̃` are
//! the regressors net of the fixed effects:
//!
//! * `iid`: `σ² (X̃'WX̃)⁻¹`, with `σ² = RSS / (n - 1)` for OLS and 1 for Poisson;
//! * `hetero`: `B (Σ s_n s_n') B`;
//! * `cluster`: `B (Σ_g S_g S_g') B`, `S_g` the score sum of cluster g; two-way clustering
//!   adds the two one-way matrices and subtracts the one clustered by their intersection
//!   (Cameron, Gelbach and Miller 2011).
//!
//! Small-sample corrections ([`Ssc`]) multiply the result:
//!
//! * `fixest` (fixest's and pyfixest's default): `(n-1)/(n-K)` for iid and cluster,
//!   `n/(n-K)` for hetero, times `G/(G-1)` for cluster (G the smallest number of clusters).
//!   K counts slopes and the fixed-effect coefficients, except the fixed effects nested
//!   in a cluster variable.
//! * `cluster-only`: only `G/(G-1)`, Stata's convention for ML estimators and that of the
//!   Advanced Guide's published standard errors;
//! * `stata`: as `fixest`, but K is the exact rank of the fixed-effect dummies (Stata's
//!   `regress` with dummies, reghdfe), e.g. one redundancy per year for exporter-year and
//!   importer-year effects where fixest counts one in all;
//! * `none`: no correction.

use crate::fe_operator::FeOperator;
use crate::linalg::Mat;

/// Which variance estimator, resolved (cluster variables named). Serialises as its
/// [`label`](VcovSpec::label); the written forms and the registry of names are in
/// [`crate::registry`].
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum VcovSpec {
    /// Homoskedastic.
    Iid,
    /// Heteroskedasticity-robust (HC1 with the fixest correction).
    Hetero,
    /// Clustered by one or two variables (each possibly an interaction `a^b`).
    Cluster(Vec<Vec<String>>),
}

impl VcovSpec {
    /// Label used in outputs, e.g. `cluster(pair_id)`.
    pub fn label(&self) -> String {
        match self {
            VcovSpec::Iid => "iid".into(),
            VcovSpec::Hetero => "hetero".into(),
            VcovSpec::Cluster(c) => format!(
                "cluster({})",
                c.iter().map(|v| v.join("^")).collect::<Vec<_>>().join(", ")
            ),
        }
    }
}

/// Small-sample correction. Serialises as its [`label`](Ssc::label).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Ssc {
    /// fixest's default: `(n-1)/(n-K)` (hetero: `n/(n-K)`) and `G/(G-1)`.
    #[default]
    Fixest,
    /// Only `G/(G-1)` (Stata's ML convention; the Advanced Guide's published SEs).
    ClusterOnly,
    /// Stata's `regress`/reghdfe: `(n-1)/(n-K)` and `G/(G-1)` with K the exact rank of
    /// the slopes and fixed-effect dummies (fixed effects nested in a cluster excluded).
    Stata,
    /// No correction.
    None,
}

impl Ssc {
    /// Command-line spelling.
    pub fn label(self) -> &'static str {
        match self {
            Ssc::Fixest => "fixest",
            Ssc::ClusterOnly => "cluster-only",
            Ssc::Stata => "stata",
            Ssc::None => "none",
        }
    }
}

/// What the variance computation needs from a fit.
pub struct VcovInput<'a> {
    /// `(X̃'WX̃)⁻¹`.
    pub bread: &'a Mat,
    /// Per-coefficient score columns `s_k[n]`.
    pub scores: &'a [Vec<f64>],
    /// `σ²` for iid (OLS: RSS/(n-1); Poisson: 1).
    pub sigma2: f64,
    /// Observations.
    pub nobs: usize,
    /// Slopes plus absorbed fixed-effect degrees of freedom, for non-clustered corrections.
    pub k_total: usize,
    /// Same, without the fixed effects nested in a cluster variable.
    pub k_nested: usize,
    /// Cluster ids, one vector per clustering variable.
    pub clusters: &'a [Vec<u32>],
}

/// A variance matrix and the degrees of freedom for t tests.
pub struct VcovResult {
    /// The matrix (NaN everywhere when undefined).
    pub matrix: Mat,
    /// Residual degrees of freedom (`n - K`), or `G - 1` when clustered.
    pub df: f64,
    /// Cluster counts.
    pub cluster_sizes: Vec<usize>,
}

/// Computes the variance matrix.
pub fn compute(spec: &VcovSpec, ssc: Ssc, input: &VcovInput<'_>) -> VcovResult {
    let k = input.bread.k;
    let n = input.nobs as f64;
    let sandwich = |meat: &Mat| input.bread.mul(meat).mul(input.bread);
    match spec {
        VcovSpec::Iid => {
            let kk = input.k_total as f64;
            let adj = match ssc {
                Ssc::Fixest | Ssc::Stata => (n - 1.0) / (n - kk),
                _ => 1.0,
            };
            let mut m = input.bread.clone();
            let f = input.sigma2 * adj;
            m.a.iter_mut().for_each(|v| *v *= f);
            VcovResult {
                matrix: guard(m, n - kk),
                df: n - kk,
                cluster_sizes: vec![],
            }
        }
        VcovSpec::Hetero => {
            let kk = input.k_total as f64;
            let mut meat = Mat::zeros(k);
            for i in 0..k {
                for j in i..k {
                    let v: f64 = input.scores[i]
                        .iter()
                        .zip(&input.scores[j])
                        .map(|(a, b)| a * b)
                        .sum();
                    *meat.at_mut(i, j) = v;
                    *meat.at_mut(j, i) = v;
                }
            }
            let mut m = sandwich(&meat);
            let adj = match ssc {
                Ssc::Fixest | Ssc::Stata => n / (n - kk),
                _ => 1.0,
            };
            m.a.iter_mut().for_each(|v| *v *= adj);
            VcovResult {
                matrix: guard(m, n - kk),
                df: n - kk,
                cluster_sizes: vec![],
            }
        }
        VcovSpec::Cluster(_) => {
            let sizes: Vec<usize> = input
                .clusters
                .iter()
                .map(|c| c.iter().max().map_or(0, |m| *m as usize + 1))
                .collect();
            let g_min = sizes.iter().copied().min().unwrap_or(0) as f64;
            let kk = input.k_nested as f64;
            let mut total = Mat::zeros(k);
            let terms: Vec<(Vec<u32>, f64)> = match input.clusters {
                [a] => vec![(a.clone(), 1.0)],
                [a, b] => vec![(a.clone(), 1.0), (b.clone(), 1.0), (intersect(a, b), -1.0)],
                _ => vec![],
            };
            for (ids, sign) in &terms {
                let meat = cluster_meat(input.scores, ids);
                let part = sandwich(&meat);
                total
                    .a
                    .iter_mut()
                    .zip(&part.a)
                    .for_each(|(t, p)| *t += sign * p);
            }
            let adj = match ssc {
                Ssc::Fixest | Ssc::Stata => (n - 1.0) / (n - kk) * g_min / (g_min - 1.0),
                Ssc::ClusterOnly => g_min / (g_min - 1.0),
                Ssc::None => 1.0,
            };
            total.a.iter_mut().for_each(|v| *v *= adj);
            let df = g_min - 1.0;
            let valid = df.min(n - input.k_total as f64);
            VcovResult {
                matrix: guard(total, valid),
                df,
                cluster_sizes: sizes,
            }
        }
    }
}

/// Undefined (NaN) when no degrees of freedom are left.
fn guard(mut m: Mat, df: f64) -> Mat {
    if df <= 0.0 || m.a.iter().any(|v| !v.is_finite()) {
        m.a.iter_mut().for_each(|v| *v = f64::NAN);
    }
    m
}

fn cluster_meat(scores: &[Vec<f64>], ids: &[u32]) -> Mat {
    let k = scores.len();
    let g = ids.iter().max().map_or(0, |m| *m as usize + 1);
    // Score sums by cluster: the fixed-effect operator with the clusters as its one
    // dimension, unweighted.
    let clusters = FeOperator::from_ids(vec![ids], vec![g], None);
    let columns: Vec<&[f64]> = scores.iter().map(Vec::as_slice).collect();
    let mut sums = vec![Vec::new(); k];
    clusters.apply_many(&columns, &mut sums);
    let mut meat = Mat::zeros(k);
    let mut row = vec![0.0; k];
    for c in 0..g {
        row.iter_mut().zip(&sums).for_each(|(r, s)| *r = s[c]);
        for i in 0..k {
            for j in 0..k {
                meat.a[i * k + j] += row[i] * row[j];
            }
        }
    }
    meat
}

fn intersect(a: &[u32], b: &[u32]) -> Vec<u32> {
    let mut map = std::collections::HashMap::new();
    a.iter()
        .zip(b)
        .map(|(&x, &y)| {
            let n = map.len() as u32;
            *map.entry((x, y)).or_insert(n)
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn cluster_of_singletons_equals_hetero_without_corrections() {
        let bread = Mat { k: 1, a: vec![0.5] };
        let scores = vec![vec![1.0, -2.0, 0.5]];
        let ids = vec![vec![0, 1, 2]];
        let input = VcovInput {
            bread: &bread,
            scores: &scores,
            sigma2: 1.0,
            nobs: 3,
            k_total: 1,
            k_nested: 1,
            clusters: &ids,
        };
        let c = compute(
            &VcovSpec::Cluster(vec![vec!["id".into()]]),
            Ssc::None,
            &input,
        );
        let h = compute(&VcovSpec::Hetero, Ssc::None, &input);
        assert!((c.matrix.a[0] - h.matrix.a[0]).abs() < 1e-15);
        assert!((h.matrix.a[0] - 0.25 * 5.25).abs() < 1e-15);
    }

    #[test]
    fn no_degrees_of_freedom_gives_undefined() {
        let bread = Mat { k: 1, a: vec![0.5] };
        let scores = vec![vec![1.0]];
        let input = VcovInput {
            bread: &bread,
            scores: &scores,
            sigma2: 0.0,
            nobs: 1,
            k_total: 1,
            k_nested: 1,
            clusters: &[],
        };
        assert!(compute(&VcovSpec::Iid, Ssc::Fixest, &input).matrix.a[0].is_nan());
    }
}
