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
    /// Children negatively correlated with their parent, siblings correlated above 0.9.
    pub flags: Vec<Flag>,
}

/// Correlation above which two siblings are flagged as near duplicates.
pub const DUPLICATE_ABOVE: f64 = 0.9;

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
        groups.push(GroupAnalysis {
            aggregate: a.code.clone(),
            cronbach_alpha: cronbach(&columns),
            pc1_share: pc1_share(&columns),
            child_index: children
                .iter()
                .zip(&columns)
                .map(|(c, x)| (c.clone(), pearson(x, index)))
                .collect(),
            child_parent,
            children,
        });
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
    let k = columns.len();
    if k < 2 {
        return None;
    }
    let n = columns[0].len();
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
    // Power iteration: the correlation matrix is symmetric positive semi-definite, so it
    // converges to the largest eigenvalue.
    let mut v = vec![1.0 / (k as f64).sqrt(); k];
    let mut lambda = 0.0;
    for _ in 0..10_000 {
        let w: Vec<f64> = (0..k)
            .map(|i| (0..k).map(|j| corr[i][j] * v[j]).sum())
            .collect();
        let norm = w.iter().map(|x| x * x).sum::<f64>().sqrt();
        if norm == 0.0 {
            return None;
        }
        let next: Vec<f64> = w.iter().map(|x| x / norm).collect();
        let change = next
            .iter()
            .zip(&v)
            .map(|(a, b)| (a - b).abs())
            .fold(0.0, f64::max);
        v = next;
        lambda = norm;
        if change < 1e-13 {
            break;
        }
    }
    Some(lambda / k as f64)
}

#[cfg(test)]
mod tests {
    use super::*;

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
