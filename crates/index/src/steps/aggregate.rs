//! Aggregation level by level, each parent from its children's values and weights.

use crate::dataset::DataSet;
use crate::framework::{Framework, Node};
use crate::steps::normalise::ascending_min_ranks;
use crate::{IndexError, Result};

/// How children are combined.
#[derive(
    Debug, Clone, Copy, PartialEq, serde::Serialize, serde::Deserialize, schemars::JsonSchema,
)]
#[serde(rename_all = "kebab-case")]
pub enum Aggregate {
    /// Weighted arithmetic mean (COINr's `a_amean`).
    Amean,
    /// Weighted geometric mean (`a_gmean`): children must be positive.
    Gmean,
    /// Weighted harmonic mean (`a_hmean`): children must be positive.
    Hmean,
    /// Weighted generalised (power) mean `(Σ wᵢ xᵢᵖ / Σ wᵢ)^(1/p)` (COINr's `a_genmean`):
    /// `p` is not zero (that limit is `gmean`); for `p < 0` children must be positive.
    Genmean {
        /// The exponent `p` (1 the arithmetic mean, −1 the harmonic, 2 the quadratic).
        p: f64,
    },
    /// Copeland scores (COINr's `a_copeland`): for every other unit, +1 when the unit
    /// outranks it (the weights of the children where it is higher exceed those where it
    /// is lower), −1 when it is outranked, 0 on a tie; the parent is the sum over all the
    /// other units.
    Copeland,
    /// Weighted Borda count (COINr has no such aggregation): each child's values become
    /// Borda scores over the units (the number of units with a lower value; ties share the
    /// lowest, as `n_borda`), and the parent is their weighted sum with the weights of the
    /// children present re-scaled to sum to one.
    Borda,
}

impl std::str::FromStr for Aggregate {
    type Err = IndexError;

    /// `amean`, `gmean`, `hmean`, `genmean:P` (P a non-zero number), `copeland`, `borda`.
    fn from_str(s: &str) -> Result<Aggregate> {
        let bad = || {
            IndexError::Method(format!(
                "aggregation `{s}` is not known: use amean, gmean, hmean, genmean:P (P a number other than 0), copeland or borda"
            ))
        };
        let (name, arg) = match s.split_once(':') {
            Some((n, a)) => (n.trim(), Some(a.trim())),
            None => (s.trim(), None),
        };
        match (name, arg) {
            ("amean", None) => Ok(Aggregate::Amean),
            ("gmean", None) => Ok(Aggregate::Gmean),
            ("hmean", None) => Ok(Aggregate::Hmean),
            ("genmean", Some(a)) => {
                let p: f64 = a.parse().map_err(|_| bad())?;
                if !p.is_finite() {
                    return Err(bad());
                }
                if p == 0.0 {
                    return Err(IndexError::Method(format!(
                        "aggregation `{s}`: the generalised mean with p = 0 is the geometric mean in the limit: use gmean"
                    )));
                }
                Ok(Aggregate::Genmean { p })
            }
            ("copeland", None) => Ok(Aggregate::Copeland),
            ("borda", None) => Ok(Aggregate::Borda),
            _ => Err(bad()),
        }
    }
}

/// One child of an aggregate: its values over the units, its weight and its code.
struct Child<'a> {
    values: Vec<f64>,
    weight: f64,
    code: &'a str,
}

/// The normalised indicators followed by every aggregate, level by level. A child that is
/// missing for a unit is left out and the weights of the others re-scaled; a parent is
/// missing only when all its children are (or the weights of those present sum to zero).
/// Copeland and Borda compare the units with each other, so they take each child's values
/// over all the units at once.
pub fn aggregate(
    data: &DataSet,
    fw: &Framework,
    method: Aggregate,
    weights: &dyn Fn(&str) -> f64,
    threshold: Option<f64>,
) -> Result<DataSet> {
    let mut out = data.renamed("Aggregated");
    for level in fw.aggregate_levels() {
        for node in fw.aggregates.iter().filter(|n| n.level == level) {
            let children: Vec<Child> = fw
                .children(&node.code)
                .map(|c| {
                    let values = out.column(&c.code).map(<[f64]>::to_vec).ok_or_else(|| {
                        IndexError::Framework(format!("`{}` has no values to aggregate", c.code))
                    })?;
                    Ok(Child {
                        values,
                        weight: weights(&c.code),
                        code: c.code.as_str(),
                    })
                })
                .collect::<Result<_>>()?;
            let col = match method {
                Aggregate::Copeland => copeland(&children, out.units.len()),
                Aggregate::Borda => borda(&children, out.units.len()),
                _ => (0..out.units.len())
                    .map(|u| unit_mean(method, node, &children, u, &out.units[u]))
                    .collect::<Result<_>>()?,
            };
            let mut col = col;
            if let Some(t) = threshold {
                // COINr's `dat_thresh`: a unit with a smaller share of its children present
                // gets no value for the parent.
                let n = children.len() as f64;
                for (u, v) in col.iter_mut().enumerate() {
                    let present = children.iter().filter(|c| !c.values[u].is_nan()).count();
                    if (present as f64) / n < t {
                        *v = f64::NAN;
                    }
                }
            }
            out.columns.push(node.code.clone());
            out.values.push(col);
        }
    }
    Ok(out)
}

/// Whether unit `u` gets a value: some child present with weights of those present
/// summing above zero.
fn has_value(children: &[Child], u: usize) -> bool {
    let total: f64 = children
        .iter()
        .filter(|c| !c.values[u].is_nan())
        .map(|c| c.weight)
        .sum();
    total > 0.0
}

/// A weighted mean of one unit's children present (the means).
fn unit_mean(
    method: Aggregate,
    node: &Node,
    children: &[Child],
    u: usize,
    unit: &str,
) -> Result<f64> {
    let present: Vec<(f64, f64, &str)> = children
        .iter()
        .filter(|c| !c.values[u].is_nan())
        .map(|c| (c.values[u], c.weight, c.code))
        .collect();
    let total: f64 = present.iter().map(|(_, w, _)| w).sum();
    if present.is_empty() || total.is_nan() || total <= 0.0 {
        return Ok(f64::NAN);
    }
    Ok(match method {
        Aggregate::Gmean | Aggregate::Hmean => {
            if let Some((x, _, c)) = present.iter().find(|(x, _, _)| *x <= 0.0) {
                return Err(IndexError::Undefined(format!(
                    "the {} mean of `{}` takes `{c}` = {x} for unit {unit}: it needs positive values (normalise to a range above zero, e.g. minmax:1,100)",
                    if method == Aggregate::Gmean { "geometric" } else { "harmonic" },
                    node.code,
                )));
            }
            if method == Aggregate::Gmean {
                (present.iter().map(|(x, w, _)| w * x.ln()).sum::<f64>() / total).exp()
            } else {
                total / present.iter().map(|(x, w, _)| w / x).sum::<f64>()
            }
        }
        Aggregate::Genmean { p } => {
            if p < 0.0 {
                if let Some((x, _, c)) = present.iter().find(|(x, _, _)| *x <= 0.0) {
                    return Err(IndexError::Undefined(format!(
                        "the generalised mean (p = {p}) of `{}` takes `{c}` = {x} for unit {unit}: with a negative p it needs positive values (normalise to a range above zero, e.g. minmax:1,100)",
                        node.code,
                    )));
                }
            }
            let y =
                (present.iter().map(|(x, w, _)| w * x.powf(p)).sum::<f64>() / total).powf(1.0 / p);
            if y.is_nan() {
                return Err(IndexError::Undefined(format!(
                    "the generalised mean (p = {p}) of `{}` for unit {unit} is not a real number: negative values have no real power {p} (normalise to a range above zero, e.g. minmax:1,100)",
                    node.code,
                )));
            }
            y
        }
        // Amean, and the whole-column methods never reach here.
        _ => present.iter().map(|(x, w, _)| w * x).sum::<f64>() / total,
    })
}

/// Copeland scores of every unit over the children (COINr's `a_copeland` on the
/// outranking matrix of `outrankMatrix`). Unit `u` outranks unit `v` when the weights of
/// the children where `u` is higher exceed those where `v` is higher (the outranking
/// entry, those weights plus half the weights of ties over the total, is above ½); only
/// children present for both units count. A unit with no value (every child missing)
/// has none and is compared with no other.
fn copeland(children: &[Child], n: usize) -> Vec<f64> {
    let valued: Vec<bool> = (0..n).map(|u| has_value(children, u)).collect();
    let mut score: Vec<f64> = valued
        .iter()
        .map(|&ok| if ok { 0.0 } else { f64::NAN })
        .collect();
    for u in (0..n).filter(|&u| valued[u]) {
        for v in (u + 1..n).filter(|&v| valued[v]) {
            let (mut above, mut below) = (0.0, 0.0);
            for c in children {
                let (a, b) = (c.values[u], c.values[v]);
                if a > b {
                    above += c.weight;
                } else if a < b {
                    below += c.weight;
                }
            }
            if above > below {
                score[u] += 1.0;
                score[v] -= 1.0;
            } else if above < below {
                score[u] -= 1.0;
                score[v] += 1.0;
            }
        }
    }
    score
}

/// Weighted Borda counts of every unit over the children: each child's Borda scores
/// (rank with ties at the lowest, minus one, over the units where it is present), summed
/// with the weights of the children present re-scaled to sum to one.
fn borda(children: &[Child], n: usize) -> Vec<f64> {
    let scores: Vec<Vec<Option<f64>>> = children
        .iter()
        .map(|c| ascending_min_ranks(&c.values))
        .collect();
    (0..n)
        .map(|u| {
            let (mut sum, mut total) = (0.0, 0.0);
            for (c, s) in children.iter().zip(&scores) {
                if let Some(r) = s[u] {
                    sum += c.weight * (r - 1.0);
                    total += c.weight;
                }
            }
            if total > 0.0 {
                sum / total
            } else {
                f64::NAN
            }
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    const NA: f64 = f64::NAN;

    /// Indicators `a`, `b`, ... with the given weights, all under the index `I`; `columns`
    /// are their values over units `U0`, `U1`, ...; returns the index column.
    fn index(columns: Vec<Vec<f64>>, weights: &[f64], method: &str) -> Result<Vec<f64>> {
        let codes: Vec<String> = (0..columns.len())
            .map(|i| ((b'a' + i as u8) as char).to_string())
            .collect();
        let node = |code: &str, level: u32, parent: Option<&str>, weight: f64| Node {
            code: code.into(),
            name: code.into(),
            level,
            direction: 1.0,
            weight,
            parent: parent.map(str::to_string),
            ..Default::default()
        };
        let fw = Framework {
            indicators: codes
                .iter()
                .zip(weights)
                .map(|(c, w)| node(c, 1, Some("I"), *w))
                .collect(),
            aggregates: vec![node("I", 2, None, 1.0)],
            groups: vec![],
            denominators: vec![],
        };
        let d = DataSet {
            name: "Normalised".into(),
            units: (0..columns[0].len()).map(|i| format!("U{i}")).collect(),
            columns: codes,
            values: columns,
        };
        let weight_of = |code: &str| {
            fw.indicators
                .iter()
                .find(|n| n.code == code)
                .map_or(f64::NAN, |n| n.weight)
        };
        let out = aggregate(&d, &fw, method.parse()?, &weight_of, None)?;
        assert_eq!(out.columns.last().map(String::as_str), Some("I"));
        Ok(out.values.last().cloned().unwrap_or_default())
    }

    use crate::steps::assert_close as close;

    /// Six units (rows) by three children (columns a, b, c); U1 and U4 are equal in every
    /// child, U0 and U1 tie on c.
    fn six_units() -> Vec<Vec<f64>> {
        let rows = [
            [1.0, 4.0, 1.0],
            [2.0, 3.0, 1.0],
            [3.0, 2.0, 5.0],
            [4.0, 1.0, 0.0],
            [2.0, 3.0, 1.0],
            [5.0, 0.0, 2.0],
        ];
        (0..3)
            .map(|c| rows.iter().map(|r| r[c]).collect())
            .collect()
    }

    #[test]
    fn copeland_matches_coinrs_outranking_matrix_with_ties_and_weights() {
        // Expected from a line-by-line Python port of COINr's outrankMatrix() and
        // a_copeland() (entries > ½ → 1, < ½ → −1, = ½ → 0, row sums).
        close(
            &index(six_units(), &[1.0, 1.0, 1.0], "copeland").expect("copeland"),
            &[-1.0, -1.0, 5.0, -5.0, -1.0, 3.0],
        );
        close(
            &index(six_units(), &[3.0, 1.0, 1.0], "copeland").expect("copeland"),
            &[-5.0, -2.0, 1.0, 3.0, -2.0, 5.0],
        );
        // Weights 2, 1, 1: U0 against U3 is 2 against 2, a tie (entry exactly ½).
        close(
            &index(six_units(), &[2.0, 1.0, 1.0], "copeland").expect("copeland"),
            &[-4.0, -1.0, 3.0, -1.0, -1.0, 4.0],
        );
    }

    #[test]
    fn copeland_leaves_a_unit_with_no_values_missing_and_compares_pairs_on_shared_children() {
        // U5 missing everywhere: no score, and the others score as among the first five
        // (the Python port of COINr on those five rows gives 0, 0, 4, −4, 0).
        let mut x = six_units();
        x.iter_mut().for_each(|c| c[5] = NA);
        close(
            &index(x.clone(), &[1.0, 1.0, 1.0], "copeland").expect("copeland"),
            &[0.0, 0.0, 4.0, -4.0, 0.0, NA],
        );
        // U3 missing b: against every other unit it is higher on a and lower on c, so
        // every pair with U3 is a tie and U3 scores 0; each other unit loses the point it
        // had won against U3. (COINr's outrankMatrix would give b's weight to the later
        // unit of each pair; here a missing child counts for neither.)
        x[1][3] = NA;
        close(
            &index(x, &[1.0, 1.0, 1.0], "copeland").expect("copeland"),
            &[-1.0, -1.0, 3.0, 0.0, -1.0, NA],
        );
    }

    #[test]
    fn borda_sums_the_childrens_borda_scores_with_weights_rescaled_over_those_present() {
        // a: 1, 2, 2, NA → Borda 0, 1, 1 (ties at the lowest), NA; b: 3, 1, 2, 5 → 2, 0, 1, 3.
        // Weights 1 and 3: U0 (0 + 3·2)/4, U1 (1 + 0)/4, U2 (1 + 3)/4, U3 b alone: 3.
        let x = vec![vec![1.0, 2.0, 2.0, NA], vec![3.0, 1.0, 2.0, 5.0]];
        close(
            &index(x, &[1.0, 3.0], "borda").expect("borda"),
            &[1.5, 0.25, 1.0, 3.0],
        );
        // Every child missing for a unit: missing.
        let x = vec![vec![1.0, NA, 3.0], vec![2.0, NA, 1.0]];
        close(
            &index(x, &[1.0, 1.0], "borda").expect("borda"),
            &[0.5, NA, 0.5],
        );
    }

    #[test]
    fn genmean_is_the_weighted_power_mean_and_skips_missing_children() {
        // x = 1, 4, 9 with weights 1, 2, 1; expected from numpy:
        // (np.sum(w * x**p) / np.sum(w))**(1/p).
        let x = |extra: f64| vec![vec![1.0, extra], vec![4.0, 4.0], vec![9.0, 9.0]];
        let w = [1.0, 2.0, 1.0];
        for (p, want) in [
            ("2", 5.338539126015656),
            ("0.5", 4.0),
            ("-1", 2.4827586206896552),
            ("3", 5.986078836291879),
            ("1", 4.5),
        ] {
            let got = index(x(1.0), &w, &format!("genmean:{p}")).expect("genmean");
            close(&got[..1], &[want]);
        }
        // A missing child is left out: (2·16 + 81)/3, square root.
        let got = index(x(NA), &w, "genmean:2").expect("genmean");
        close(&got[1..], &[(113.0f64 / 3.0).sqrt()]);
        // p = −1 is the harmonic mean.
        let h = index(x(1.0), &w, "hmean").expect("hmean");
        close(&index(x(1.0), &w, "genmean:-1").expect("genmean"), &h);
    }

    #[test]
    fn genmean_refuses_p_zero_and_values_it_cannot_raise() {
        for bad in ["genmean", "genmean:0", "genmean:x", "genmean:inf"] {
            assert!(bad.parse::<Aggregate>().is_err(), "{bad}");
        }
        let e = "genmean:0"
            .parse::<Aggregate>()
            .expect_err("p = 0")
            .to_string();
        assert!(e.contains("gmean"), "{e}");
        // Negative p needs positive values.
        let e = index(vec![vec![0.0], vec![1.0]], &[1.0, 1.0], "genmean:-2")
            .expect_err("zero")
            .to_string();
        assert!(e.contains("`a`") && e.contains("U0"), "{e}");
        // A negative value has no real square root.
        let e = index(vec![vec![-1.0], vec![1.0]], &[1.0, 1.0], "genmean:0.5")
            .expect_err("negative")
            .to_string();
        assert!(e.contains("not a real number"), "{e}");
    }

    #[test]
    fn an_unknown_aggregation_lists_every_method() {
        let e = "mean"
            .parse::<Aggregate>()
            .expect_err("unknown")
            .to_string();
        for name in ["amean", "gmean", "hmean", "genmean:P", "copeland", "borda"] {
            assert!(e.contains(name), "{name} missing from: {e}");
        }
        assert!("copeland:1".parse::<Aggregate>().is_err());
        assert_eq!(
            "genmean: 2".parse::<Aggregate>().expect("genmean"),
            Aggregate::Genmean { p: 2.0 }
        );
    }
}
