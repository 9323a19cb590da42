//! Statistical coherence of a framework, group by group: correlations of each child with
//! its parent and with the index, Cronbach's alpha of each aggregate's children, the share
//! of their variance the first principal component explains, and flags for children that
//! work against their group or duplicate a sibling.

use crate::build::Build;
use crate::framework::Framework;

/// One aggregate's children, analysed.
#[derive(Debug, Clone, PartialEq, serde::Serialize, serde::Deserialize, schemars::JsonSchema)]
pub struct GroupAnalysis {
    /// The aggregate.
    pub aggregate: String,
    /// Its children, in order.
    pub children: Vec<String>,
    /// Cronbach's alpha of the children (COINr's `get_cronbach`: pairwise-complete
    /// covariances); `None` with fewer than two children.
    pub cronbach_alpha: Option<f64>,
    /// Share of the children's standardised variance along the first principal component
    /// (units complete on every child); `None` with fewer than two children or units.
    pub pc1_share: Option<f64>,
    /// Pearson correlation of each child with the aggregate (pairwise complete).
    pub child_parent: Vec<(String, Option<f64>)>,
    /// Pearson correlation of each child with the index.
    pub child_index: Vec<(String, Option<f64>)>,
    /// Each child's loading on the first principal component (standardised children,
    /// complete units; signed so that the loadings sum to a positive number).
    #[serde(default)]
    pub pc1_loadings: Vec<(String, f64)>,
}

/// A finding worth a look.
#[derive(Debug, Clone, PartialEq, serde::Serialize, serde::Deserialize, schemars::JsonSchema)]
pub struct Flag {
    /// The indicator or aggregate.
    pub code: String,
    /// What was found, in words.
    pub message: String,
}

/// The analysis of a build.
#[derive(Debug, Clone, PartialEq, serde::Serialize, serde::Deserialize, schemars::JsonSchema)]
pub struct Analysis {
    /// The data set analysed (normalised indicators and the aggregates).
    pub dataset: String,
    /// Every aggregate, bottom level first.
    pub groups: Vec<GroupAnalysis>,
    /// Children negatively correlated with their parent, siblings correlated above 0.9,
    /// indicators that barely move the index (weakly correlated with it, or weighing under
    /// 1% of it).
    pub flags: Vec<Flag>,
}

/// Correlation above which two siblings are flagged as near duplicates (COINr's
/// `get_corr_flags` default).
pub const DUPLICATE_ABOVE: f64 = 0.9;

/// Correlation with the index below which (in absolute value) an indicator is flagged as
/// barely moving it.
pub const WEAK_BELOW: f64 = 0.2;

/// Effective weight below which an indicator is flagged as barely moving the index.
pub const LIGHT_BELOW: f64 = 0.01;

/// Analyses the aggregated data set of a build.
pub fn analyse(fw: &Framework, b: &Build) -> Analysis {
    let data = b.aggregated();
    let index = data.column(&fw.index().code).unwrap_or(&[]);
    let mut groups = Vec::new();
    let mut flags = Vec::new();
    for a in &fw.aggregates {
        let children: Vec<String> = fw.children(&a.code).map(|c| c.code.clone()).collect();
        let columns: Vec<&[f64]> = children.iter().filter_map(|c| data.column(c)).collect();
        let parent = data.column(&a.code).unwrap_or(&[]);
        let child_parent: Vec<(String, Option<f64>)> = children
            .iter()
            .zip(&columns)
            .map(|(c, x)| (c.clone(), pearson(x, parent)))
            .collect();
        for (c, r) in &child_parent {
            if let Some(r) = r {
                if *r < 0.0 {
                    flags.push(Flag {
                        code: c.clone(),
                        message: format!(
                            "negatively correlated with its parent {} (r = {r:.2})",
                            a.code
                        ),
                    });
                }
            }
        }
        for i in 0..columns.len() {
            for j in i + 1..columns.len() {
                if let Some(r) = pearson(columns[i], columns[j]) {
                    if r > DUPLICATE_ABOVE {
                        flags.push(Flag {
                            code: children[i].clone(),
                            message: format!(
                                "correlated with its sibling {} at r = {r:.2} (above {DUPLICATE_ABOVE}): nearly the same information twice in {}",
                                children[j], a.code
                            ),
                        });
                    }
                }
            }
        }
        let first = (columns.len() >= 2)
            .then(|| first_component(&columns))
            .flatten();
        groups.push(GroupAnalysis {
            aggregate: a.code.clone(),
            cronbach_alpha: cronbach(&columns),
            pc1_share: first.as_ref().map(|(_, share)| *share),
            pc1_loadings: first
                .map(|(v, _)| children.iter().cloned().zip(v).collect())
                .unwrap_or_default(),
            child_index: children
                .iter()
                .zip(&columns)
                .map(|(c, x)| (c.clone(), pearson(x, index)))
                .collect(),
            child_parent,
            children,
        });
    }
    let effective: std::collections::HashMap<&str, f64> = b
        .effective_weights
        .iter()
        .map(|(c, w)| (c.as_str(), *w))
        .collect();
    for n in &fw.indicators {
        let Some(x) = data.column(&n.code) else {
            continue;
        };
        if let Some(r) = pearson(x, index) {
            if r.abs() < WEAK_BELOW {
                flags.push(Flag {
                    code: n.code.clone(),
                    message: format!(
                        "barely moves the index: r = {r:.2} with {} (below {WEAK_BELOW} in absolute value)",
                        fw.index().code
                    ),
                });
            }
        }
        if let Some(w) = effective.get(n.code.as_str()) {
            if *w < LIGHT_BELOW {
                flags.push(Flag {
                    code: n.code.clone(),
                    message: format!(
                        "barely moves the index: its effective weight is {:.2}% (below {}%)",
                        w * 100.0,
                        LIGHT_BELOW * 100.0
                    ),
                });
            }
        }
    }
    Analysis {
        dataset: data.name.clone(),
        groups,
        flags,
    }
}

/// R's `cov(x, y, use = "pairwise.complete.obs")`: over the rows where both are present,
/// with those rows' means; `None` with fewer than two such rows.
pub fn pairwise_cov(x: &[f64], y: &[f64]) -> Option<f64> {
    let pairs: Vec<(f64, f64)> = x
        .iter()
        .zip(y)
        .filter(|(a, b)| !a.is_nan() && !b.is_nan())
        .map(|(a, b)| (*a, *b))
        .collect();
    let n = pairs.len();
    if n < 2 {
        return None;
    }
    let mx = pairs.iter().map(|p| p.0).sum::<f64>() / n as f64;
    let my = pairs.iter().map(|p| p.1).sum::<f64>() / n as f64;
    Some(pairs.iter().map(|(a, b)| (a - mx) * (b - my)).sum::<f64>() / (n - 1) as f64)
}

/// Pearson correlation over the rows where both are present; `None` when undefined.
pub fn pearson(x: &[f64], y: &[f64]) -> Option<f64> {
    if x.len() != y.len() {
        return None;
    }
    let pairs: Vec<(f64, f64)> = x
        .iter()
        .zip(y)
        .filter(|(a, b)| !a.is_nan() && !b.is_nan())
        .map(|(a, b)| (*a, *b))
        .collect();
    let (xs, ys): (Vec<f64>, Vec<f64>) = pairs.into_iter().unzip();
    let cxy = pairwise_cov(&xs, &ys)?;
    let sx = pairwise_cov(&xs, &xs)?.sqrt();
    let sy = pairwise_cov(&ys, &ys)?.sqrt();
    let r = cxy / (sx * sy);
    r.is_finite().then_some(r)
}

/// Cronbach's alpha as COINr's `get_cronbach`: `k²·σ̄/Σ` with `Σ` the sum of the
/// pairwise-complete covariance matrix and `σ̄` the mean of its off-diagonal elements.
pub fn cronbach(columns: &[&[f64]]) -> Option<f64> {
    let k = columns.len();
    if k < 2 {
        return None;
    }
    let mut all = 0.0;
    let mut diagonal = 0.0;
    for i in 0..k {
        for j in 0..k {
            // R's sum(..., na.rm = TRUE): an undefined covariance adds nothing.
            if let Some(c) = pairwise_cov(columns[i], columns[j]) {
                all += c;
                if i == j {
                    diagonal += c;
                }
            }
        }
    }
    let kf = k as f64;
    let mean_off = (all - diagonal) / (kf * (kf - 1.0));
    let alpha = kf * kf * mean_off / all;
    alpha.is_finite().then_some(alpha)
}

/// The largest eigenvalue of the children's correlation matrix (units complete on every
/// child) over the number of children: the share of standardised variance along the first
/// principal component.
pub fn pc1_share(columns: &[&[f64]]) -> Option<f64> {
    if columns.len() < 2 {
        return None;
    }
    first_component(columns).map(|(_, share)| share)
}

/// Eigenvalues and eigenvectors of a symmetric matrix by cyclic Jacobi rotations
/// (exact to rounding for the small matrices of a group's children): eigenvalues in
/// decreasing order, `vectors[k]` the unit eigenvector of `values[k]`.
pub fn symmetric_eigen(matrix: &[Vec<f64>]) -> (Vec<f64>, Vec<Vec<f64>>) {
    let n = matrix.len();
    let mut a: Vec<Vec<f64>> = matrix.to_vec();
    let mut v: Vec<Vec<f64>> = (0..n)
        .map(|i| (0..n).map(|j| if i == j { 1.0 } else { 0.0 }).collect())
        .collect();
    let scale: f64 = a
        .iter()
        .flatten()
        .map(|x| x * x)
        .sum::<f64>()
        .max(f64::MIN_POSITIVE);
    for _sweep in 0..100 {
        let off: f64 = (0..n)
            .flat_map(|i| (i + 1..n).map(move |j| (i, j)))
            .map(|(i, j)| a[i][j] * a[i][j])
            .sum();
        if off <= 1e-30 * scale {
            break;
        }
        for p in 0..n {
            for q in p + 1..n {
                if a[p][q] == 0.0 {
                    continue;
                }
                let theta = (a[q][q] - a[p][p]) / (2.0 * a[p][q]);
                let t = theta.signum() / (theta.abs() + (theta * theta + 1.0).sqrt());
                let c = 1.0 / (t * t + 1.0).sqrt();
                let s = t * c;
                for row in a.iter_mut() {
                    let (akp, akq) = (row[p], row[q]);
                    row[p] = c * akp - s * akq;
                    row[q] = s * akp + c * akq;
                }
                // Rows p < q, rotated together.
                let (upper, lower) = a.split_at_mut(q);
                for (x, y) in upper[p].iter_mut().zip(lower[0].iter_mut()) {
                    let (apk, aqk) = (*x, *y);
                    *x = c * apk - s * aqk;
                    *y = s * apk + c * aqk;
                }
                for row in v.iter_mut() {
                    let (vkp, vkq) = (row[p], row[q]);
                    row[p] = c * vkp - s * vkq;
                    row[q] = s * vkp + c * vkq;
                }
            }
        }
    }
    let mut order: Vec<usize> = (0..n).collect();
    order.sort_by(|&i, &j| a[j][j].total_cmp(&a[i][i]));
    let values = order.iter().map(|&k| a[k][k]).collect();
    let vectors = order
        .iter()
        .map(|&k| (0..n).map(|i| v[i][k]).collect())
        .collect();
    (values, vectors)
}

/// The correlation matrix of the columns over the units complete on every column (`None`
/// with fewer than two such units or a column without spread).
pub fn complete_correlations(columns: &[&[f64]]) -> Option<(usize, Vec<Vec<f64>>)> {
    let k = columns.len();
    let n = columns.first()?.len();
    let complete: Vec<usize> = (0..n)
        .filter(|&u| columns.iter().all(|c| !c[u].is_nan()))
        .collect();
    if complete.len() < 2 {
        return None;
    }
    let cols: Vec<Vec<f64>> = columns
        .iter()
        .map(|c| complete.iter().map(|&u| c[u]).collect())
        .collect();
    let mut corr = vec![vec![0.0; k]; k];
    for i in 0..k {
        for j in 0..k {
            corr[i][j] = if i == j {
                1.0
            } else {
                pearson(&cols[i], &cols[j])?
            };
        }
    }
    Some((complete.len(), corr))
}

/// The first principal component of standardised columns (COINr's `get_PCA`: `prcomp`
/// with centring and scaling over complete rows): its loadings, oriented so that they sum
/// to a positive number (a component's sign is arbitrary), and its share of the variance.
pub fn first_component(columns: &[&[f64]]) -> Option<(Vec<f64>, f64)> {
    let (_, corr) = complete_correlations(columns)?;
    let (values, vectors) = symmetric_eigen(&corr);
    let mut v = vectors.into_iter().next()?;
    if v.iter().sum::<f64>() < 0.0 {
        v.iter_mut().for_each(|x| *x = -*x);
    }
    Some((v, values[0] / columns.len() as f64))
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A·v = λ·v for every pair, vectors orthonormal, eigenvalues summing to the trace.
    #[test]
    fn jacobi_gives_orthonormal_eigenpairs() {
        let m = vec![
            vec![4.0, 1.0, -2.0, 0.5],
            vec![1.0, 3.0, 0.0, 1.5],
            vec![-2.0, 0.0, 5.0, -1.0],
            vec![0.5, 1.5, -1.0, 2.0],
        ];
        let (values, vectors) = symmetric_eigen(&m);
        assert!((values.iter().sum::<f64>() - 14.0).abs() < 1e-12);
        assert!(values.windows(2).all(|w| w[0] >= w[1]));
        for (lambda, v) in values.iter().zip(&vectors) {
            for i in 0..4 {
                let av: f64 = (0..4).map(|j| m[i][j] * v[j]).sum();
                assert!(
                    (av - lambda * v[i]).abs() < 1e-12,
                    "{av} vs {}",
                    lambda * v[i]
                );
            }
        }
        for a in 0..4 {
            for b in 0..4 {
                let dot: f64 = (0..4).map(|i| vectors[a][i] * vectors[b][i]).sum();
                let want = if a == b { 1.0 } else { 0.0 };
                assert!((dot - want).abs() < 1e-12);
            }
        }
    }

    /// Two equally correlated columns load equally on the first component (1/√2 each),
    /// which holds 1 + r of the 2 units of variance.
    #[test]
    fn the_first_component_of_two_columns_is_their_mean_direction() {
        let x = [1.0, 2.0, 3.0, 4.0, 5.0];
        let y = [2.0, 1.0, 4.0, 3.0, 6.0];
        let r = pearson(&x, &y).expect("r");
        let (v, share) = first_component(&[&x, &y]).expect("pc1");
        assert!((v[0] - std::f64::consts::FRAC_1_SQRT_2).abs() < 1e-12);
        assert!((v[1] - std::f64::consts::FRAC_1_SQRT_2).abs() < 1e-12);
        assert!((share - (1.0 + r) / 2.0).abs() < 1e-12);
    }

    #[test]
    fn cronbach_alpha_matches_the_textbook_formula_on_complete_data() {
        // k/(k−1)·(1 − Σ var_i / var(Σ x_i)) on complete data.
        let a = [1.0, 2.0, 3.0, 4.0, 5.0];
        let b = [2.0, 1.0, 4.0, 3.0, 6.0];
        let c = [1.0, 3.0, 2.0, 5.0, 4.0];
        let cols: Vec<&[f64]> = vec![&a, &b, &c];
        let var = |x: &[f64]| pairwise_cov(x, x).expect("variance");
        let total: Vec<f64> = (0..5).map(|i| a[i] + b[i] + c[i]).collect();
        let textbook = 1.5 * (1.0 - (var(&a) + var(&b) + var(&c)) / var(&total));
        let got = cronbach(&cols).expect("alpha");
        assert!((got - textbook).abs() < 1e-12, "{got} vs {textbook}");
    }

    #[test]
    fn pearson_uses_pairwise_complete_rows_and_pc1_of_identical_columns_is_everything() {
        let x = [1.0, 2.0, f64::NAN, 4.0];
        let y = [2.0, 4.0, 5.0, 8.0];
        assert!((pearson(&x, &y).expect("r") - 1.0).abs() < 1e-12);
        assert_eq!(pearson(&[1.0, 1.0, 1.0], &[1.0, 2.0, 3.0]), None);
        let a = [1.0, 2.0, 3.0, 4.0];
        assert!((pc1_share(&[&a, &a]).expect("share") - 1.0).abs() < 1e-9);
        let b = [1.0, -1.0, 1.0, -1.0];
        let c = [1.0, 1.0, -1.0, -1.0];
        // Uncorrelated columns: each component explains half.
        assert!((pc1_share(&[&b, &c]).expect("share") - 0.5).abs() < 1e-9);
    }
}
