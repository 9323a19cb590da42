//! From a table and a formula to numeric arrays: outcome, regressors, weights, encoded
//! fixed effects and cluster ids, over the rows where everything is present.

use crate::fixef::{interaction_codes, FixedEffects};
use crate::formula::{Expr, Formula, Term};
use crate::rows;
use crate::{EstimateError, Result};
use hallyu_data::{Column, ColumnView, DataError, Table, MISSING_CODE};
use rayon::prelude::*;
use std::borrow::Cow;

/// The numeric problem, restricted to complete observations.
#[derive(Debug, Clone)]
pub struct Design {
    /// Outcome.
    pub y: Vec<f64>,
    /// Regressor columns.
    pub x: Vec<Vec<f64>>,
    /// Regressor names (fixest spelling).
    pub names: Vec<String>,
    /// Observation weights, when given.
    pub weights: Option<Vec<f64>>,
    /// Fixed effects.
    pub fe: FixedEffects,
    /// Cluster variables: name and dense ids.
    pub clusters: Vec<(String, Vec<u32>)>,
    /// For each cluster variable, the fixed-effect dimension with the same variables, whose
    /// ids it equals (both number groups by first appearance in the sample): a subset
    /// copies them instead of renumbering twice.
    pub cluster_is_fe: Vec<Option<usize>>,
    /// Rows dropped because a variable (or the weight) was missing or not finite.
    pub dropped_missing: usize,
    /// Complete rows dropped because their weight is zero (they carry no information).
    pub dropped_zero_weight: usize,
    /// For each observation, its 0-based row in the table the design was built from.
    pub rows: Vec<usize>,
}

impl Design {
    /// Number of observations.
    pub fn nobs(&self) -> usize {
        self.y.len()
    }

    /// Keeps the flagged observations.
    pub fn subset(&mut self, keep: &[bool]) {
        // Every column on its own task: serial, this was a twentieth of a 5M-row fit on
        // two threads.
        let Design {
            y,
            x,
            weights,
            fe,
            clusters,
            rows: row_numbers,
            cluster_is_fe,
            ..
        } = self;
        rayon::scope(|s| {
            s.spawn(|_| *y = rows::kept(y, keep));
            for c in x.iter_mut() {
                s.spawn(move |_| *c = rows::kept(c, keep));
            }
            if let Some(w) = weights.as_mut() {
                s.spawn(move |_| *w = rows::kept(w, keep));
            }
            s.spawn(|_| *fe = fe.subset(keep));
            s.spawn(|_| *row_numbers = rows::kept(row_numbers, keep));
            for ((_, ids), same) in clusters.iter_mut().zip(cluster_is_fe.iter()) {
                if same.is_none() {
                    s.spawn(move |_| *ids = densify(&rows::kept(ids, keep)));
                }
            }
        });
        for ((_, ids), same) in clusters.iter_mut().zip(cluster_is_fe.iter()) {
            if let Some(q) = same {
                ids.clone_from(&fe.ids[*q]);
            }
        }
    }
}

/// Largest magnitude whose square, summed over the sample, stays comfortably finite.
const MAX_MAGNITUDE: f64 = 1e150;
/// Smallest largest-magnitude of a non-zero column whose square stays a normal number.
const MIN_MAGNITUDE: f64 = 1e-150;

impl Design {
    /// Refuses regressors (and, with `outcome_squared`, the outcome, as least squares sums
    /// its squares) whose squares overflow or underflow double precision: such a column
    /// would otherwise look collinear (an infinite or zero pivot) or give infinite variances.
    pub fn check_magnitudes(&self, outcome: &str, outcome_squared: bool) -> Result<()> {
        let check = |role: &'static str, name: &str, v: &[f64]| -> Result<()> {
            let m = v.par_iter().map(|x| x.abs()).reduce(|| 0.0, f64::max);
            let why = if m > MAX_MAGNITUDE {
                "its squares overflow double precision"
            } else if m > 0.0 && m < MIN_MAGNITUDE {
                "its squares underflow to zero in double precision"
            } else {
                return Ok(());
            };
            Err(EstimateError::Magnitude {
                role,
                name: name.to_string(),
                value: m,
                why,
                scale: 10f64.powi(m.log10().floor() as i32),
            })
        };
        if outcome_squared {
            check("outcome", outcome, &self.y)?;
        }
        for (name, x) in self.names.iter().zip(&self.x) {
            check("regressor", name, x)?;
        }
        Ok(())
    }
}

pub(crate) fn densify(ids: &[u32]) -> Vec<u32> {
    let upper = ids.iter().max().map_or(0, |m| *m as usize + 1);
    crate::fixef::densify(ids, upper).0
}

fn numeric<'a>(table: &'a Table, name: &str, formula: &str) -> Result<&'a [f64]> {
    match table.column(name)?.as_num() {
        Some(v) => Ok(v),
        None => Err(EstimateError::Data(DataError::ColumnType {
            name: name.to_string(),
            found: table.type_description(name),
            expected: format!("a number in `{formula}` (use i({name}) for a categorical regressor, or a fixed effect)"),
        })),
    }
}

/// A term's values over all rows: the table's own column when the term is a column (no
/// copy: only the sample's rows are copied, once).
fn eval<'a>(table: &'a Table, e: &Expr, formula: &str) -> Result<Cow<'a, [f64]>> {
    let v = numeric(table, e.column(), formula)?;
    Ok(match e {
        Expr::Column(_) => Cow::Borrowed(v),
        Expr::Call(f, _) => Cow::Owned(v.par_iter().map(|&x| f.apply(x)).collect()),
    })
}

/// Level labels of a categorical column, and per-row level index (None = missing).
fn levels(column: &Column) -> (Vec<String>, Vec<Option<usize>>) {
    match column.view() {
        ColumnView::Text(s) => {
            let levels = s.levels();
            let mut order: Vec<usize> = (0..levels.len()).collect();
            order.sort_by(|&a, &b| levels[a].cmp(&levels[b]));
            let mut rank = vec![0; levels.len()];
            for (r, &o) in order.iter().enumerate() {
                rank[o] = r;
            }
            let labels = order.iter().map(|&o| levels[o].clone()).collect();
            let idx = s
                .level_ids()
                .iter()
                .map(|&c| (c != MISSING_CODE).then(|| rank[c as usize]))
                .collect();
            (labels, idx)
        }
        ColumnView::Numbers(v) => {
            let mut vals: Vec<f64> = v.iter().copied().filter(|x| x.is_finite()).collect();
            vals.sort_by(|a, b| a.total_cmp(b));
            vals.dedup();
            let labels = vals.iter().map(|x| format_level(*x)).collect();
            let idx = v
                .iter()
                .map(|x| {
                    if x.is_finite() {
                        vals.binary_search_by(|p| p.total_cmp(x)).ok()
                    } else {
                        None
                    }
                })
                .collect();
            (labels, idx)
        }
    }
}

fn format_level(x: f64) -> String {
    if x.fract() == 0.0 && x.abs() < 1e15 {
        format!("{}", x as i64)
    } else {
        format!("{x}")
    }
}

/// Builds the design. Rows with a missing or non-finite value in any variable used are
/// dropped and counted; so are rows with zero weight, separately. Negative weights are an
/// error.
pub fn build(
    table: &Table,
    formula: &Formula,
    weights: Option<&str>,
    clusters: &[Vec<String>],
) -> Result<Design> {
    let text = formula.text.as_str();
    // Check every name first, so the user sees the first unknown one with a suggestion.
    for c in formula
        .columns()
        .iter()
        .chain(weights.map(str::to_string).iter())
        .chain(clusters.iter().flatten())
    {
        table.column(c)?;
    }
    let n_all = table.nrows();
    let mut ok = vec![true; n_all];
    let y = eval(table, &formula.outcome, text)?;
    mark_finite(&mut ok, &y);

    // Numeric product terms.
    let mut products: Vec<(String, Cow<[f64]>)> = Vec::new();
    for t in &formula.terms {
        if let Term::Product(es) = t {
            let mut v = eval(table, &es[0], text)?;
            for e in &es[1..] {
                let w = eval(table, e, text)?;
                v.to_mut()
                    .par_iter_mut()
                    .zip(&*w)
                    .for_each(|(a, b)| *a *= b);
            }
            mark_finite(&mut ok, &v);
            let name = es.iter().map(Expr::label).collect::<Vec<_>>().join(":");
            products.push((name, v));
        }
    }
    // Categorical terms: missing levels and missing interacted variables.
    let mut cats = Vec::new();
    for t in &formula.terms {
        if let Term::Categorical {
            factor,
            var,
            reference,
        } = t
        {
            let (labels, idx) = levels(table.column(factor)?);
            for (o, i) in ok.iter_mut().zip(&idx) {
                *o &= i.is_some();
            }
            let v = match var {
                Some(e) => {
                    let v = eval(table, e, text)?;
                    mark_finite(&mut ok, &v);
                    Some((e.label(), v))
                }
                None => None,
            };
            if let Some(r) = reference {
                if !labels.contains(r) {
                    return Err(EstimateError::UnknownReferenceLevel {
                        factor: factor.clone(),
                        level: r.clone(),
                        levels: preview(&labels),
                    });
                }
            }
            cats.push((factor.clone(), labels, idx, v, reference.clone()));
        }
    }
    let weight_values = match weights {
        Some(w) => {
            let v = numeric(table, w, text)?;
            if let Some(i) = v.iter().position(|x| *x < 0.0) {
                return Err(EstimateError::NegativeWeight {
                    column: w.to_string(),
                    row: i + 1,
                    value: v[i],
                });
            }
            let v = v.to_vec();
            mark_finite(&mut ok, &v);
            Some(v)
        }
        None => None,
    };
    // Every fixed effect and cluster encoded at once, one per thread; a cluster that is
    // also a fixed effect (`| pair` with `cluster:pair`) is encoded once. `slot[k]` is the
    // encoding of the k-th fixed effect, then of the k-th cluster.
    let mut distinct: Vec<&[String]> = Vec::new();
    let slot: Vec<usize> = formula
        .fixed_effects
        .iter()
        .chain(clusters)
        .map(|v| {
            distinct
                .iter()
                .position(|d| *d == v.as_slice())
                .unwrap_or_else(|| {
                    distinct.push(v);
                    distinct.len() - 1
                })
        })
        .collect();
    let encoded: Vec<(Vec<u32>, usize)> = distinct
        .par_iter()
        .map(|v| interaction_codes(table, v))
        .collect::<hallyu_data::Result<_>>()?;
    for (codes, _) in &encoded {
        for (o, c) in ok.iter_mut().zip(codes) {
            *o &= *c != MISSING_CODE;
        }
    }
    let (fe_slots, cluster_slots) = slot.split_at(formula.fixed_effects.len());
    let fe_codes: Vec<(String, &Vec<u32>, usize)> = formula
        .fixed_effects
        .iter()
        .zip(fe_slots)
        .map(|(fe, &k)| (Formula::fe_name(fe), &encoded[k].0, encoded[k].1))
        .collect();
    let cluster_codes: Vec<(String, &Vec<u32>)> = clusters
        .iter()
        .zip(cluster_slots)
        .map(|(cl, &k)| (cl.join("^"), &encoded[k].0))
        .collect();

    let dropped_missing = ok.iter().filter(|k| !**k).count();
    // Zero weights are counted apart from missing values: the user asked for them.
    let mut dropped_zero_weight = 0;
    if let Some(w) = &weight_values {
        for (o, x) in ok.iter_mut().zip(w) {
            if *o && *x == 0.0 {
                *o = false;
                dropped_zero_weight += 1;
            }
        }
    }
    let pick = |v: &[f64]| rows::kept(v, &ok);
    let mut x = Vec::new();
    let mut names = Vec::new();
    if formula.intercept {
        names.push("(Intercept)".to_string());
        x.push(vec![1.0; n_all - dropped_missing - dropped_zero_weight]);
    }
    // Terms keep formula order.
    let (mut pi, mut ci) = (products.into_iter(), cats.into_iter());
    for t in &formula.terms {
        match t {
            Term::Product(_) => {
                if let Some((name, v)) = pi.next() {
                    names.push(name);
                    x.push(pick(&v));
                }
            }
            Term::Categorical { .. } => {
                if let Some((factor, labels, idx, var, reference)) = ci.next() {
                    let sample_idx: Vec<usize> = idx
                        .iter()
                        .zip(&ok)
                        .filter(|(_, &k)| k)
                        .map(|(i, _)| i.unwrap_or(0))
                        .collect();
                    let mut present = vec![false; labels.len()];
                    sample_idx.iter().for_each(|&i| present[i] = true);
                    let reference = match (&reference, &var) {
                        (Some(r), _) => labels.iter().position(|l| l == r),
                        // Plain dummies leave out the first level present in the sample.
                        (None, None) => present.iter().position(|p| *p),
                        (None, Some(_)) => None,
                    };
                    let var_sample = var.as_ref().map(|(label, v)| (label.clone(), pick(v)));
                    for (l, label) in labels.iter().enumerate() {
                        if !present[l] || Some(l) == reference {
                            continue;
                        }
                        let col: Vec<f64> = match &var_sample {
                            Some((_, v)) => sample_idx
                                .iter()
                                .zip(v)
                                .map(|(&i, &vv)| if i == l { vv } else { 0.0 })
                                .collect(),
                            None => sample_idx
                                .iter()
                                .map(|&i| f64::from(u8::from(i == l)))
                                .collect(),
                        };
                        names.push(match &var_sample {
                            Some((vl, _)) => format!("{factor}::{label}:{vl}"),
                            None => format!("{factor}::{label}"),
                        });
                        x.push(col);
                    }
                }
            }
        }
    }
    // The sample's rows of each fixed effect, renumbered densely (as
    // `FixedEffects::subset` does), one dimension per thread.
    let sampled: Vec<(Vec<u32>, usize)> = fe_codes
        .par_iter()
        .map(|(_, codes, levels)| crate::fixef::densify(&rows::kept(codes, &ok), *levels))
        .collect();
    let mut fe = FixedEffects::empty();
    for ((name, _, _), (ids, levels)) in fe_codes.into_iter().zip(sampled) {
        fe.names.push(name);
        fe.ids.push(ids);
        fe.levels.push(levels);
    }
    let cluster_is_fe: Vec<Option<usize>> = cluster_slots
        .iter()
        .map(|k| fe_slots.iter().position(|f| f == k))
        .collect();
    let clusters = cluster_codes
        .into_iter()
        .zip(&cluster_is_fe)
        .map(|((name, codes), same)| match same {
            Some(q) => (name, fe.ids[*q].clone()),
            None => (name, densify(&rows::kept(codes, &ok))),
        })
        .collect();
    Ok(Design {
        y: pick(&y),
        x,
        names,
        weights: weight_values.as_deref().map(pick),
        fe,
        clusters,
        cluster_is_fe,
        dropped_missing,
        dropped_zero_weight,
        rows: rows::kept_with(&ok, |r| r),
    })
}

fn mark_finite(ok: &mut [bool], v: &[f64]) {
    ok.par_iter_mut()
        .zip(v)
        .for_each(|(o, x)| *o &= x.is_finite());
}

fn preview(labels: &[String]) -> String {
    let mut s = labels
        .iter()
        .take(10)
        .cloned()
        .collect::<Vec<_>>()
        .join(", ");
    if labels.len() > 10 {
        s.push_str(", ...");
    }
    s
}
