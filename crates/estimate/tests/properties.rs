//! Property tests: invariances that any correct OLS / Poisson-PML fit with absorbed fixed
//! effects must satisfy, checked on small random panels.
//!
//! Every case draws a panel from a seed (40-300 rows, two regressors correlated with the
//! fixed effects, two or three fixed-effect dimensions with 3-15 levels each), with Poisson
//! outcomes from a known log-linear model or OLS outcomes with normal noise, and checks:
//!
//! 1. row permutation invariance (estimates, standard errors, nobs, drops);
//! 2. fixed-effect relabelling invariance (renumbered, non-integer and text group labels);
//! 3. absorption: adding any function of a fixed-effect group to a regressor (and, for OLS,
//!    to the outcome) changes no estimate or standard error;
//! 4. an absorbed fixed effect equals explicit `i(g)` dummies with an intercept;
//! 5. Poisson scale invariance: `c·y` gives the same slopes and robust/clustered SEs;
//! 6. integer weights equal duplicating rows (estimates);
//! 7. duplicating the whole data set leaves estimates unchanged, and standard errors move
//!    exactly as the sandwich formulas say;
//!
//! plus one deterministic comparison of a two-way OLS fit with a dense least-squares
//! solution built from explicit dummies.
//!
//! Poisson fits run with the separation rectifier, except in 7: duplicating the data turns
//! singleton groups into pairs of identical rows, and on some panels the rectifier then
//! flags different rows than on the original data (`duplication_with_rectifier_regression`,
//! ignored, names the open bug).
//! `PROPTEST_CASES=2000` runs every property on more panels (about 35 s).
//!
//! # Tolerances
//!
//! Fits stop at a relative deviance change of 1e-8 (IRLS) and a demeaning tolerance of
//! 1e-8; IRLS converges quadratically, so estimates are much closer than that to the
//! optimum, and two fits of the same model on transformed data differ only by rounding and
//! by where inside those tolerances each stops. [`TOL`] = 1e-6 leaves two orders of
//! magnitude of headroom while any real defect (a wrong sample, a mis-indexed group, a
//! wrong weight) moves estimates by percents. Estimates are compared relative to
//! `max(|a|, |b|, se)`: a coefficient that happens to be near zero is judged on the scale
//! of its standard error, the natural unit of a coefficient.

use hallyu_data::{Column, Table, TextColumnBuilder};
use hallyu_estimate::{estimate, Estimator, Fit, FitRequest, Formula, NoProgress, Ssc, VcovSpec};
use proptest::prelude::*;
use proptest::test_runner::TestCaseError;
use rand::rngs::StdRng;
use rand::seq::SliceRandom;
use rand::{Rng, SeedableRng};
use rand_distr::{Distribution, Normal, Poisson};

/// Relative tolerance of every comparison (see the module documentation).
const TOL: f64 = 1e-6;

/// Number of random panels per property: each case runs several fits, and the whole file
/// must stay within a few seconds in debug builds. `PROPTEST_CASES` overrides it for
/// longer local runs.
const CASES: u32 = 24;

fn config() -> ProptestConfig {
    let cases = std::env::var("PROPTEST_CASES")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(CASES);
    ProptestConfig {
        cases,
        // Failing seeds are reported, not written next to this file.
        failure_persistence: None,
        ..ProptestConfig::default()
    }
}

// ---------------------------------------------------------------------------------------
// Data
// ---------------------------------------------------------------------------------------

#[derive(Clone, Copy, Debug, PartialEq)]
enum Kind {
    Ols,
    Poisson,
}

impl Kind {
    fn estimator(self) -> Estimator {
        match self {
            Kind::Ols => Estimator::Ols,
            Kind::Poisson => Estimator::Poisson,
        }
    }
}

/// A panel: outcome, two regressors and integer group codes per fixed-effect dimension.
#[derive(Clone, Debug)]
struct Panel {
    y: Vec<f64>,
    x1: Vec<f64>,
    x2: Vec<f64>,
    /// `g[q][i]`: level of observation `i` in dimension `q`, in `0..levels[q]`.
    g: Vec<Vec<u32>>,
    levels: Vec<usize>,
}

impl Panel {
    fn n(&self) -> usize {
        self.y.len()
    }

    /// The formula `y ~ x1 + x2 | g1 + g2 [+ g3]`.
    fn formula(&self) -> String {
        let fes: Vec<String> = (1..=self.g.len()).map(|q| format!("g{q}")).collect();
        format!("y ~ x1 + x2 | {}", fes.join(" + "))
    }

    /// Rows in the order `perm` (`perm[k]` = old index of new row k).
    fn permuted(&self, perm: &[usize]) -> Panel {
        let pick = |v: &[f64]| perm.iter().map(|&i| v[i]).collect::<Vec<_>>();
        Panel {
            y: pick(&self.y),
            x1: pick(&self.x1),
            x2: pick(&self.x2),
            g: self
                .g
                .iter()
                .map(|g| perm.iter().map(|&i| g[i]).collect())
                .collect(),
            levels: self.levels.clone(),
        }
    }

    /// Row `i` repeated `times[i]` times (zero drops it).
    fn repeated(&self, times: &[usize]) -> Panel {
        let idx: Vec<usize> = (0..self.n())
            .flat_map(|i| std::iter::repeat_n(i, times[i]))
            .collect();
        self.permuted(&idx)
    }
}

/// Draws a panel from `seed`: `n` rows, one fixed-effect dimension per entry of `levels`.
///
/// Regressors are correlated with the fixed effects (so absorbing them matters); Poisson
/// outcomes follow `y ~ Poisson(exp(0.3 + 0.4 x1 - 0.25 x2 + Σ a_q[g_q]))`, OLS outcomes
/// `y = 1 + 0.7 x1 - 0.4 x2 + Σ a_q[g_q] + N(0, 1)`.
fn panel(seed: u64, n: usize, levels: &[usize], kind: Kind) -> Panel {
    let mut rng = StdRng::seed_from_u64(seed);
    let std = Normal::new(0.0, 1.0).expect("valid normal");
    let fe_sd = Normal::new(0.0, 0.5).expect("valid normal");
    let effects: Vec<Vec<f64>> = levels
        .iter()
        .map(|&l| (0..l).map(|_| fe_sd.sample(&mut rng)).collect())
        .collect();
    let g: Vec<Vec<u32>> = levels
        .iter()
        .map(|&l| (0..n).map(|_| rng.random_range(0..l as u32)).collect())
        .collect();
    let mut x1 = Vec::with_capacity(n);
    let mut x2 = Vec::with_capacity(n);
    let mut y = Vec::with_capacity(n);
    for i in 0..n {
        let fe: f64 = (0..levels.len())
            .map(|q| effects[q][g[q][i] as usize])
            .sum();
        let a = std.sample(&mut rng) + 0.8 * effects[0][g[0][i] as usize];
        let b = std.sample(&mut rng) + 0.3 * a - 0.5 * effects[1][g[1][i] as usize];
        let v = match kind {
            Kind::Poisson => {
                let mu = (0.3 + 0.4 * a - 0.25 * b + fe).exp();
                Poisson::new(mu).expect("positive mean").sample(&mut rng)
            }
            Kind::Ols => 1.0 + 0.7 * a - 0.4 * b + fe + std.sample(&mut rng),
        };
        x1.push(a);
        x2.push(b);
        y.push(v);
    }
    Panel {
        y,
        x1,
        x2,
        g,
        levels: levels.to_vec(),
    }
}

/// How group columns are written to the table.
#[derive(Clone, Debug)]
enum Labels {
    /// Numeric column with the codes themselves.
    Codes,
    /// Numeric column with `values[code]`.
    Num(Vec<f64>),
    /// Text column with `names[code]`.
    Str(Vec<String>),
}

fn num_col(v: &[f64]) -> Column {
    Column::numbers(v.to_vec())
}

fn group_col(codes: &[u32], labels: &Labels) -> Column {
    match labels {
        Labels::Codes => Column::numbers(codes.iter().map(|&c| f64::from(c)).collect()),
        Labels::Num(values) => Column::numbers(codes.iter().map(|&c| values[c as usize]).collect()),
        Labels::Str(names) => {
            let mut b = TextColumnBuilder::default();
            for &c in codes {
                b.push(Some(&names[c as usize]));
            }
            b.finish()
        }
    }
}

/// The table `y, x1, x2, g1.., [w]`, with group columns written as `labels[q]`.
fn table_with(p: &Panel, labels: &[Labels], weights: Option<&[f64]>) -> Table {
    let mut t = Table::new();
    t.push("y", num_col(&p.y)).expect("column");
    t.push("x1", num_col(&p.x1)).expect("column");
    t.push("x2", num_col(&p.x2)).expect("column");
    for (q, g) in p.g.iter().enumerate() {
        t.push(format!("g{}", q + 1), group_col(g, &labels[q]))
            .expect("column");
    }
    if let Some(w) = weights {
        t.push("w", num_col(w)).expect("column");
    }
    t
}

fn table(p: &Panel) -> Table {
    table_with(p, &vec![Labels::Codes; p.g.len()], None)
}

// ---------------------------------------------------------------------------------------
// Fitting and comparing
// ---------------------------------------------------------------------------------------

fn fit_with(
    t: &Table,
    formula: &str,
    kind: Kind,
    tweak: impl FnOnce(&mut FitRequest),
) -> Result<Fit, String> {
    let mut req = FitRequest::new(
        Formula::parse(formula).map_err(|e| e.to_string())?,
        kind.estimator(),
    );
    tweak(&mut req);
    estimate(t, &req, &NoProgress).map_err(|e| e.to_string())
}

fn cluster_g1() -> Option<VcovSpec> {
    Some(VcovSpec::Cluster(vec![vec!["g1".into()]]))
}

/// A fit worth comparing: it converged, kept both regressors and has finite standard
/// errors. Panels so thin that a regressor is collinear with the fixed effects, or that no
/// residual degree of freedom is left, say nothing about the properties: with zero residual
/// degrees of freedom a Poisson fit is saturated (deviance → 0, where the IRLS stopping rule
/// `|Δdev| / (0.1 + dev) < 1e-8` becomes an absolute 1e-9 on the deviance) and its
/// estimates are only determined to that tolerance, not to 1e-6 (seen: x1 = 54.951 vs
/// 54.947 on 16 rows, both fits agreeing on the sample).
///
/// Standard errors must also stay below [`MAX_SE`]: a Poisson model with separated
/// observations left in (the rectifier off, see [`RECTIFIER_NOTE`]) has no maximum, its
/// estimates drift towards ±∞ and IRLS stops wherever the deviance stalls (seen: x2 =
/// 15.16 vs 17.26 with a standard error of 1.8e6).
fn usable(f: &Result<Fit, String>) -> bool {
    matches!(f, Ok(f) if f.converged
        && f.collinear.is_empty()
        && f.coefficients.len() == 2
        && f.coefficients.iter().all(|c| c.std_error.is_finite() && c.std_error > 0.0 && c.std_error < MAX_SE))
}

/// Largest standard error of a usable fit: the panels' slopes (true values below 1,
/// regressors of unit variance, at least 40 rows) have standard errors of a few units at
/// most even in the thinnest panels; thousands mean a non-existent estimate.
const MAX_SE: f64 = 100.0;

fn close(a: f64, b: f64, scale: f64) -> bool {
    (a.is_nan() && b.is_nan()) || (a - b).abs() <= TOL * a.abs().max(b.abs()).max(scale)
}

/// Standard errors are compared relative to at least this. A clustered standard error can
/// be tiny through cancellation (scores summed within a few clusters that are also a fixed
/// effect: 2e-4 where the hetero one is 0.1), and then carries the absolute, not the
/// relative, precision of the fitted means (seen: 2.2690566e-4 vs 2.2690609e-4 for y and
/// 0.129·y). The panels' standard errors are 0.01 to 10, where this floor is inactive.
const SE_FLOOR: f64 = 1e-3;

/// Same terms, same estimates and (when `se`) the same standard errors multiplied by
/// `se_ratio` (`b.se = se_ratio · a.se`); terms of `b` not in `a` (dummies) are ignored.
fn compare(a: &Fit, b: &Fit, what: &str, se: Option<f64>) -> Result<(), TestCaseError> {
    prop_assert!(b.converged, "{what}: the transformed fit did not converge");
    for ca in &a.coefficients {
        let Some(cb) = b.coef(&ca.term) else {
            return Err(TestCaseError::fail(format!(
                "{what}: term {} missing in the transformed fit",
                ca.term
            )));
        };
        prop_assert!(
            close(ca.estimate, cb.estimate, ca.std_error),
            "{what}: estimate of {} differs: {} vs {} (se {})",
            ca.term,
            ca.estimate,
            cb.estimate,
            ca.std_error
        );
        if let Some(r) = se {
            prop_assert!(
                close(ca.std_error * r, cb.std_error, SE_FLOOR),
                "{what}: std. error of {} differs: {} (x{r}) vs {}",
                ca.term,
                ca.std_error,
                cb.std_error
            );
        }
    }
    Ok(())
}

/// Same sample: observations and every drop count.
fn same_sample(a: &Fit, b: &Fit, what: &str) -> Result<(), TestCaseError> {
    prop_assert_eq!(a.nobs, b.nobs, "{}: nobs", what);
    prop_assert_eq!(
        a.dropped.singletons,
        b.dropped.singletons,
        "{}: singletons",
        what
    );
    prop_assert_eq!(
        a.dropped.separated,
        b.dropped.separated,
        "{}: separated",
        what
    );
    Ok(())
}

/// The vcov settings every invariance is checked under: iid with the default correction,
/// hetero without correction, one-way clustered by `g1` with the default correction.
fn vcovs() -> Vec<(Option<VcovSpec>, Ssc)> {
    vec![
        (Some(VcovSpec::Iid), Ssc::Fixest),
        (Some(VcovSpec::Hetero), Ssc::None),
        (cluster_g1(), Ssc::Fixest),
    ]
}

/// Property 4: `y ~ x1 + x2 | g1` (singletons kept) against `y ~ x1 + x2 + i(g1)`.
fn check_dummies(p: &Panel, kind: Kind) -> Result<(), TestCaseError> {
    let t = table(p);
    for vcov in [VcovSpec::Iid, VcovSpec::Hetero] {
        let a = fit_with(&t, "y ~ x1 + x2 | g1", kind, |r| {
            r.vcov = Some(vcov.clone());
            r.ssc = Ssc::None;
            r.options.drop_singletons = false;
        });
        prop_assume!(usable(&a));
        let a = a.expect("usable");
        let b = fit_with(&t, "y ~ x1 + x2 + i(g1)", kind, |r| {
            r.vcov = Some(vcov.clone());
            r.ssc = Ssc::None;
        })
        .map_err(TestCaseError::fail)?;
        let what = format!("dummies vs absorbed, {vcov:?}");
        prop_assert_eq!(a.nobs, b.nobs, "{}: nobs", &what);
        prop_assert_eq!(&b.coefficients[0].term, "(Intercept)");
        compare(&a, &b, &what, Some(1.0))?;
    }
    Ok(())
}

/// Why properties 3, 6 and 7 switch the Poisson separation rectifier off.
///
/// With it on, each fails in roughly one Poisson panel in a thousand (seeds in the
/// `*_with_rectifier_regression` tests): the rectifier flags a different set of
/// observations as separated in data whose model is the same (same column span with the
/// fixed effects, or the same data weighted vs duplicated, or stacked twice), so the samples
/// and the estimates differ. With it off (all-zero fixed-effect groups are still dropped)
/// every variant agrees to 1e-10. The likely cause is the one shown by
/// `poisson_separation_missed_by_rectifier`: the rectifier's collinearity screens run
/// under weights `~1e8 · #positive` on the positive rows, so a regressor whose separating
/// variation lies on the zero rows is screened out as collinear or absorbed.
#[allow(dead_code)]
const RECTIFIER_NOTE: () = ();

/// Request tweak: switch the rectifier off for Poisson unless `relu`.
fn rectifier(r: &mut FitRequest, relu: bool) {
    r.options.separation.relu = relu;
}

/// With the rectifier off, a panel with regressor-driven separation has no estimates (they
/// drift to ±∞, and a transformed copy may even overflow), so such panels are skipped:
/// those where the rectifier, on, drops rows that the fit without it keeps.
fn no_hidden_separation(
    t: &Table,
    formula: &str,
    kind: Kind,
    off: &Fit,
    tweak: impl FnOnce(&mut FitRequest),
) -> bool {
    kind == Kind::Ols || matches!(fit_with(t, formula, kind, tweak), Ok(on) if on.nobs == off.nobs)
}

/// Property 3.
fn check_absorption(
    seed: u64,
    n: usize,
    levels: &[usize],
    kind: Kind,
    shift_seed: u64,
    relu: bool,
) -> Result<(), TestCaseError> {
    let p = panel(seed, n, levels, kind);
    let mut rng = StdRng::seed_from_u64(shift_seed);
    let draw = |rng: &mut StdRng, l: usize| {
        (0..l)
            .map(|_| rng.random_range(-3.0..3.0))
            .collect::<Vec<f64>>()
    };
    let c = draw(&mut rng, levels[0]);
    let last = levels.len() - 1;
    let d = draw(&mut rng, levels[last]);
    let e = draw(&mut rng, levels[1]);
    let mut q = p.clone();
    for i in 0..n {
        q.x1[i] += c[p.g[0][i] as usize];
        q.x2[i] += d[p.g[last][i] as usize];
        if kind == Kind::Ols {
            q.y[i] += e[p.g[1][i] as usize];
        }
    }
    for (vcov, ssc) in vcovs() {
        let set = |r: &mut FitRequest| {
            r.vcov = vcov.clone();
            r.ssc = ssc;
            rectifier(r, relu);
        };
        let a = fit_with(&table(&p), &p.formula(), kind, set);
        prop_assume!(usable(&a));
        let a = a.expect("usable");
        prop_assume!(relu || no_hidden_separation(&table(&p), &p.formula(), kind, &a, |_| {}));
        let b = fit_with(&table(&q), &q.formula(), kind, set).map_err(TestCaseError::fail)?;
        same_sample(&a, &b, "shifted")?;
        compare(
            &a,
            &b,
            &format!("shifted by group functions, {vcov:?}"),
            Some(1.0),
        )?;
    }
    Ok(())
}

/// Property 6.
fn check_weights(
    seed: u64,
    n: usize,
    levels: &[usize],
    kind: Kind,
    w: &[usize],
    relu: bool,
) -> Result<(), TestCaseError> {
    let p = panel(seed, n, levels, kind);
    let wf: Vec<f64> = w.iter().map(|&k| k as f64).collect();
    let weighted = table_with(&p, &vec![Labels::Codes; levels.len()], Some(&wf));
    let a = fit_with(&weighted, &p.formula(), kind, |r| {
        r.weights = Some("w".into());
        rectifier(r, relu);
    });
    prop_assume!(usable(&a));
    let a = a.expect("usable");
    prop_assume!(
        relu || no_hidden_separation(&weighted, &p.formula(), kind, &a, |r| r.weights =
            Some("w".into()))
    );
    let q = p.repeated(w);
    let b = fit_with(&table(&q), &q.formula(), kind, |r| rectifier(r, relu))
        .map_err(TestCaseError::fail)?;
    compare(&a, &b, "weights vs duplicated rows", None)
}

/// Property 7.
fn check_duplication(
    seed: u64,
    n: usize,
    levels: &[usize],
    kind: Kind,
    relu: bool,
) -> Result<(), TestCaseError> {
    let p = panel(seed, n, levels, kind);
    let idx: Vec<usize> = (0..n).chain(0..n).collect();
    let q = p.permuted(&idx);
    for vcov in [
        VcovSpec::Iid,
        VcovSpec::Hetero,
        VcovSpec::Cluster(vec![vec!["g1".into()]]),
    ] {
        let set = |r: &mut FitRequest| {
            r.vcov = Some(vcov.clone());
            r.ssc = Ssc::None;
            rectifier(r, relu);
        };
        let a = fit_with(&table(&p), &p.formula(), kind, set);
        prop_assume!(usable(&a));
        let a = a.expect("usable");
        prop_assume!(relu || no_hidden_separation(&table(&p), &p.formula(), kind, &a, |_| {}));
        let b = fit_with(&table(&q), &q.formula(), kind, set).map_err(TestCaseError::fail)?;
        let ratio = match (&vcov, kind) {
            (VcovSpec::Cluster(_), _) => 1.0,
            (VcovSpec::Iid, Kind::Ols) => ((a.nobs as f64 - 1.0) / (b.nobs as f64 - 1.0)).sqrt(),
            _ => 0.5f64.sqrt(),
        };
        compare(&a, &b, &format!("duplicated, {vcov:?}"), Some(ratio))?;
    }
    Ok(())
}

fn kind_strategy() -> impl Strategy<Value = Kind> {
    prop_oneof![Just(Kind::Ols), Just(Kind::Poisson)]
}

/// (seed, rows, levels per dimension) with two or three dimensions.
fn panel_strategy() -> impl Strategy<Value = (u64, usize, Vec<usize>)> {
    (
        any::<u64>(),
        40usize..=300,
        prop::collection::vec(3usize..=15, 2..=3),
    )
}

// ---------------------------------------------------------------------------------------
// Properties
// ---------------------------------------------------------------------------------------

proptest! {
    #![proptest_config(config())]

    /// 1. Shuffling rows changes nothing.
    #[test]
    fn row_permutation_invariance(
        (seed, n, levels) in panel_strategy(),
        kind in kind_strategy(),
        perm_seed in any::<u64>(),
    ) {
        let p = panel(seed, n, &levels, kind);
        let mut perm: Vec<usize> = (0..n).collect();
        perm.shuffle(&mut StdRng::seed_from_u64(perm_seed));
        let q = p.permuted(&perm);
        for (vcov, ssc) in vcovs() {
            let set = |r: &mut FitRequest| { r.vcov = vcov.clone(); r.ssc = ssc; };
            let a = fit_with(&table(&p), &p.formula(), kind, set);
            prop_assume!(usable(&a));
            let a = a.expect("usable");
            let b = fit_with(&table(&q), &q.formula(), kind, set)
                .map_err(TestCaseError::fail)?;
            same_sample(&a, &b, "permuted")?;
            compare(&a, &b, &format!("permuted, {vcov:?}"), Some(1.0))?;
        }
    }

    /// 2. Renumbering groups, non-integer numeric labels and text labels change nothing
    /// (the cluster variable g1 is relabelled with its fixed effect).
    #[test]
    fn fe_relabelling_invariance(
        (seed, n, levels) in panel_strategy(),
        kind in kind_strategy(),
        relabel_seed in any::<u64>(),
    ) {
        let p = panel(seed, n, &levels, kind);
        let mut rng = StdRng::seed_from_u64(relabel_seed);
        let mut renumbered = Vec::new();
        let mut weird = Vec::new();
        let mut text = Vec::new();
        let mut mixed = Vec::new();
        for (q, &l) in levels.iter().enumerate() {
            let mut perm: Vec<usize> = (0..l).collect();
            perm.shuffle(&mut rng);
            renumbered.push(Labels::Num(perm.iter().map(|&k| k as f64).collect()));
            // Negative, fractional, far apart, and -0.0 for one level.
            weird.push(Labels::Num(
                perm.iter()
                    .map(|&k| if k == 0 { -0.0 } else { -1e6 + 7.25 * k as f64 * k as f64 })
                    .collect(),
            ));
            let names: Vec<String> = perm.iter().map(|&k| format!("lvl {}-{}", 99 - k, rng.random::<u16>())).collect();
            text.push(Labels::Str(names.clone()));
            mixed.push(if q % 2 == 0 { Labels::Str(names) } else { Labels::Codes });
        }
        for (vcov, ssc) in vcovs() {
            let set = |r: &mut FitRequest| { r.vcov = vcov.clone(); r.ssc = ssc; };
            let a = fit_with(&table(&p), &p.formula(), kind, set);
            prop_assume!(usable(&a));
            let a = a.expect("usable");
            for (name, labels) in [("renumbered", &renumbered), ("non-integer", &weird), ("text", &text), ("mixed", &mixed)] {
                let b = fit_with(&table_with(&p, labels, None), &p.formula(), kind, set)
                    .map_err(TestCaseError::fail)?;
                let what = format!("{name} labels, {vcov:?}");
                same_sample(&a, &b, &what)?;
                compare(&a, &b, &what, Some(1.0))?;
            }
        }
    }

    /// 3. Adding any function of a fixed-effect group to a regressor (x1 + c[g1],
    /// x2 + d[g_last]) is absorbed: same estimates and standard errors. For OLS the same
    /// holds for the outcome (y + e[g2]). Poisson fits run without the rectifier (see
    /// [`RECTIFIER_NOTE`]); with it: `fe_absorption_with_rectifier_regression`.
    #[test]
    fn fe_absorbs_group_functions(
        (seed, n, levels) in panel_strategy(),
        kind in kind_strategy(),
        shift_seed in any::<u64>(),
    ) {
        check_absorption(seed, n, &levels, kind, shift_seed, true)?;
    }

    /// 4. One absorbed fixed effect equals an intercept plus `i(g1)` dummies (first level
    /// the reference): same x1 and x2 estimates and the same iid and hetero standard errors
    /// without small-sample correction. Without a correction both are independent of K:
    /// OLS iid uses σ² = RSS/(n-1) in both models (Poisson σ² = 1) and the x-block of the
    /// dummy model's (sandwich) variance equals the FE model's by Frisch-Waugh-Lovell.
    /// Singletons are kept in the FE model, since the dummy model (no fixed effects) keeps
    /// them (a singleton is fitted exactly by its dummy, so it changes nothing else).
    ///
    /// Poisson panels get one positive outcome in every g1 group here: an all-zero group is
    /// separated, which the FE model finds by itself but the dummy model must leave to the
    /// rectifier, and that misses it (see `absorbed_fe_equals_dummies_poisson_zero_groups`).
    #[test]
    fn absorbed_fe_equals_dummies(
        seed in any::<u64>(),
        n in 40usize..=300,
        levels in 3usize..=15,
        kind in kind_strategy(),
    ) {
        let mut p = panel(seed, n, &[levels, 3], kind);
        if kind == Kind::Poisson {
            for l in 0..levels as u32 {
                let rows: Vec<usize> = (0..n).filter(|&i| p.g[0][i] == l).collect();
                if let Some(&first) = rows.first() {
                    if rows.iter().all(|&i| p.y[i] == 0.0) {
                        p.y[first] = 1.0;
                    }
                }
            }
        }
        check_dummies(&p, kind)?;
    }

    /// 5. Poisson PML is scale invariant: `c·y` gives the same slopes, and the same robust
    /// and clustered standard errors (the scores scale by c, the bread by 1/c). iid
    /// standard errors scale by 1/√c (the bread alone).
    #[test]
    fn poisson_scale_invariance(
        (seed, n, levels) in panel_strategy(),
        log_c in -5.0f64..8.0,
    ) {
        let p = panel(seed, n, &levels, Kind::Poisson);
        let c = log_c.exp();
        let mut q = p.clone();
        q.y.iter_mut().for_each(|v| *v *= c);
        let settings = [
            (VcovSpec::Hetero, Ssc::None, 1.0),
            (VcovSpec::Cluster(vec![vec!["g1".into()]]), Ssc::None, 1.0),
            (VcovSpec::Cluster(vec![vec!["g1".into()]]), Ssc::Fixest, 1.0),
            (VcovSpec::Iid, Ssc::None, 1.0 / c.sqrt()),
        ];
        for (vcov, ssc, ratio) in settings {
            let set = |r: &mut FitRequest| { r.vcov = Some(vcov.clone()); r.ssc = ssc; };
            let a = fit_with(&table(&p), &p.formula(), Kind::Poisson, set);
            prop_assume!(usable(&a));
            let a = a.expect("usable");
            let b = fit_with(&table(&q), &q.formula(), Kind::Poisson, set)
                .map_err(TestCaseError::fail)?;
            same_sample(&a, &b, "scaled")?;
            compare(&a, &b, &format!("y x {c}, {vcov:?} {ssc:?}"), Some(ratio))?;
        }
    }

    /// 6. Integer weights (0 to 3) give the same estimates as repeating each row that many
    /// times (standard errors differ by design: weights are not frequency counts in the
    /// degrees of freedom). Poisson without the rectifier (see [`RECTIFIER_NOTE`]); with
    /// it: `weights_with_rectifier_regression`.
    #[test]
    fn integer_weights_equal_duplication(
        (seed, n, levels) in panel_strategy(),
        kind in kind_strategy(),
        w in prop::collection::vec(0usize..=3, 300),
    ) {
        check_weights(seed, n, &levels, kind, &w[..n], false)?;
    }

    /// 7. Stacking the data set twice leaves estimates unchanged; without small-sample
    /// correction hetero variances halve (scores double, bread halves), clustered variances
    /// (same clusters, score sums double) are unchanged, Poisson iid variances halve and
    /// OLS iid variances scale by (n-1)/(n'-1) (σ² = RSS/(n-1) with RSS doubled). Poisson
    /// without the rectifier (see [`RECTIFIER_NOTE`]); with it:
    /// `duplication_with_rectifier_regression`.
    #[test]
    fn duplicating_data_set(
        (seed, n, levels) in panel_strategy(),
        kind in kind_strategy(),
    ) {
        check_duplication(seed, n, &levels, kind, false)?;
    }
}

proptest! {
    #![proptest_config(config())]

    /// 4b. As 4, for Poisson panels whose reference g1 group (the smallest code present)
    /// has only zero outcomes. That group is separated: the FE model drops it as an
    /// all-zero group, the dummy model must find it with the rectifier (the separating
    /// direction is the intercept minus all dummies). Other all-zero groups are found by
    /// both (property 4 with the panels as drawn fails only through this case, in about
    /// one panel in 500).
    #[test]
    fn absorbed_fe_equals_dummies_poisson_zero_reference(
        seed in any::<u64>(),
        n in 40usize..=300,
        levels in 3usize..=15,
    ) {
        let mut p = panel(seed, n, &[levels, 3], Kind::Poisson);
        let reference = p.g[0].iter().copied().min().expect("rows");
        for i in 0..n {
            if p.g[0][i] == reference {
                p.y[i] = 0.0;
            }
        }
        check_dummies(&p, Kind::Poisson)?;
    }
}

// ---------------------------------------------------------------------------------------
// Dense reference
// ---------------------------------------------------------------------------------------

/// Inverse of a symmetric positive definite matrix by Gauss-Jordan elimination with
/// partial pivoting.
fn invert(mut a: Vec<Vec<f64>>) -> Vec<Vec<f64>> {
    let k = a.len();
    let mut inv: Vec<Vec<f64>> = (0..k)
        .map(|i| (0..k).map(|j| f64::from(u8::from(i == j))).collect())
        .collect();
    for col in 0..k {
        let piv = (col..k)
            .max_by(|&i, &j| a[i][col].abs().total_cmp(&a[j][col].abs()))
            .expect("non-empty");
        a.swap(col, piv);
        inv.swap(col, piv);
        let d = a[col][col];
        assert!(d.abs() > 1e-12, "singular normal equations");
        for j in 0..k {
            a[col][j] /= d;
            inv[col][j] /= d;
        }
        for i in 0..k {
            if i != col {
                let f = a[i][col];
                if f != 0.0 {
                    for j in 0..k {
                        a[i][j] -= f * a[col][j];
                        inv[i][j] -= f * inv[col][j];
                    }
                }
            }
        }
    }
    inv
}

/// Two-way OLS against the textbook solution: regressors x1, x2, all g1 dummies and the g2
/// dummies but the first, β = (X'X)⁻¹X'y, iid variance RSS/(n-K)·(X'X)⁻¹ with K = 2 +
/// L1 + L2 - 1 (what fixest's correction gives for a connected two-way design), and
/// HC0 = (X'X)⁻¹ X'diag(e²)X (X'X)⁻¹ for hetero without correction.
///
/// Every (g1, g2) pair occurs, so there are no singletons and the design is connected.
/// Normal equations of a 12-column, well-conditioned design lose at most a few digits, so
/// agreement to 1e-8 relative is expected.
#[test]
fn two_way_ols_matches_dense_least_squares() {
    let (l1, l2, reps) = (6usize, 5usize, 4usize);
    let mut rng = StdRng::seed_from_u64(20240611);
    let std = Normal::new(0.0, 1.0).expect("valid normal");
    let a: Vec<f64> = (0..l1).map(|_| std.sample(&mut rng)).collect();
    let b: Vec<f64> = (0..l2).map(|_| std.sample(&mut rng)).collect();
    let (mut y, mut x1, mut x2, mut g1, mut g2) = (vec![], vec![], vec![], vec![], vec![]);
    for r in 0..reps {
        for (i, &ai) in a.iter().enumerate() {
            for (j, &bj) in b.iter().enumerate() {
                let u = std.sample(&mut rng) + 0.7 * ai + 0.1 * r as f64;
                let v = std.sample(&mut rng) - 0.4 * bj + 0.2 * u;
                // Heteroskedastic noise, so HC0 differs from iid.
                let e = std.sample(&mut rng) * (0.5 + u.abs());
                y.push(2.0 + 1.5 * u - 0.8 * v + ai + bj + e);
                x1.push(u);
                x2.push(v);
                g1.push(i as u32);
                g2.push(j as u32);
            }
        }
    }
    let n = y.len();
    let p = Panel {
        y: y.clone(),
        x1: x1.clone(),
        x2: x2.clone(),
        g: vec![g1.clone(), g2.clone()],
        levels: vec![l1, l2],
    };
    let t = table(&p);

    // Dense design.
    let mut cols: Vec<Vec<f64>> = vec![x1, x2];
    for l in 0..l1 {
        cols.push(
            g1.iter()
                .map(|&g| f64::from(u8::from(g as usize == l)))
                .collect(),
        );
    }
    for l in 1..l2 {
        cols.push(
            g2.iter()
                .map(|&g| f64::from(u8::from(g as usize == l)))
                .collect(),
        );
    }
    let k = cols.len();
    assert_eq!(k, 2 + l1 + l2 - 1);
    let dot = |u: &[f64], v: &[f64]| u.iter().zip(v).map(|(a, b)| a * b).sum::<f64>();
    let xtx: Vec<Vec<f64>> = (0..k)
        .map(|i| (0..k).map(|j| dot(&cols[i], &cols[j])).collect())
        .collect();
    let xty: Vec<f64> = (0..k).map(|i| dot(&cols[i], &y)).collect();
    let inv = invert(xtx);
    let beta: Vec<f64> = (0..k).map(|i| dot(&inv[i], &xty)).collect();
    let resid: Vec<f64> = (0..n)
        .map(|r| y[r] - (0..k).map(|j| cols[j][r] * beta[j]).sum::<f64>())
        .collect();
    let rss = dot(&resid, &resid);
    let s2 = rss / (n - k) as f64;
    let iid_se: Vec<f64> = (0..2).map(|i| (s2 * inv[i][i]).sqrt()).collect();
    // HC0 for the first two coefficients: rows i of (X'X)^-1 X'.
    let h: Vec<Vec<f64>> = (0..2)
        .map(|i| {
            (0..n)
                .map(|r| (0..k).map(|j| inv[i][j] * cols[j][r]).sum())
                .collect()
        })
        .collect();
    let hc0_se: Vec<f64> = (0..2)
        .map(|i| {
            (0..n)
                .map(|r| (h[i][r] * resid[r]).powi(2))
                .sum::<f64>()
                .sqrt()
        })
        .collect();

    let check = |fit: &Fit, se: &[f64], what: &str| {
        assert!(fit.converged, "{what}: not converged");
        assert_eq!(fit.nobs, n, "{what}: nobs");
        for (i, term) in ["x1", "x2"].iter().enumerate() {
            let c = fit.coef(term).expect("term present");
            let rel = |a: f64, b: f64| (a - b).abs() / b.abs();
            assert!(
                rel(c.estimate, beta[i]) < 1e-8,
                "{what}: {term} estimate {} vs dense {}",
                c.estimate,
                beta[i]
            );
            assert!(
                rel(c.std_error, se[i]) < 1e-8,
                "{what}: {term} std. error {} vs dense {}",
                c.std_error,
                se[i]
            );
        }
    };
    let f = "y ~ x1 + x2 | g1 + g2";
    let iid = fit_with(&t, f, Kind::Ols, |r| r.vcov = Some(VcovSpec::Iid)).expect("fit");
    check(&iid, &iid_se, "iid, fixest ssc");
    let het = fit_with(&t, f, Kind::Ols, |r| {
        r.vcov = Some(VcovSpec::Hetero);
        r.ssc = Ssc::None;
    })
    .expect("fit");
    check(&het, &hc0_se, "hetero, no ssc");
}

/// Minimal case behind the failure of property 4 for Poisson (found by shrinking a
/// failing panel; `y ~ i(g)` with a reference group holding one zero and one other group of
/// ten positive outcomes fails the same way). `1 - x1` is zero on every positive
/// observation and one on the first, so that observation is separated: ppmlhdfe drops it,
/// `x1` becomes collinear with the intercept, and nobs is 10. Hallyu keeps all 11 rows and
/// reports a converged fit with `(Intercept)` ≈ -18.6 and `x1` ≈ +19.3 (diverging to ∓∞).
///
/// With nine positive rows instead of ten it is found; with a one-level fixed effect
/// (`y ~ x1 | h`) it is missed from nine on. Both thresholds match the rectifier's heavy
/// weight `interior / RELU_TOL² = interior · 1e8` meeting the collinearity screens of
/// `wls::select_columns` (`ABSORBED_TOL` = 1e-9, `COLLINEAR_TOL` = 1e-10): the separating
/// direction lives only on the weight-1 zero rows, so relative to the heavy rows it looks
/// collinear and the column is screened out before the rectifier can use it.
#[test]
fn poisson_separation_missed_by_rectifier() {
    let mut t = Table::new();
    let y = vec![0.0, 2.0, 3.0, 1.0, 2.0, 3.0, 1.0, 2.0, 3.0, 1.0, 2.0];
    let mut x1 = vec![1.0; y.len()];
    x1[0] = 0.0;
    t.push("y", Column::numbers(y)).expect("column");
    t.push("x1", Column::numbers(x1)).expect("column");
    let fit = fit_with(&t, "y ~ x1", Kind::Poisson, |_| {}).expect("fit");
    assert_eq!(fit.dropped.separated, 1, "separated rows: {fit:?}");
    assert_eq!(fit.nobs, 10);
    assert_eq!(fit.collinear, vec!["x1".to_string()]);
}

/// Runs a property check on one fixed input, panicking with its message on failure.
fn run_case(r: Result<(), TestCaseError>) {
    match r {
        Ok(()) => {}
        Err(TestCaseError::Reject(why)) => panic!("case rejected as unusable: {why}"),
        Err(TestCaseError::Fail(why)) => panic!("{why}"),
    }
}

/// Property 3 with the rectifier, on the panel proptest found (shrunk). Without the
/// rectifier both fits keep 44 rows (1 singleton, 4 separated) with x1 = -0.0504; with it
/// the original data gives the same, but the shifted data (x1 + c[g1], x2 + d[g3]: the same
/// column span with the fixed effects) loses 13 singletons and 21 separated rows (nobs 15,
/// no residual degrees of freedom, x1 = -71.8). A 10-row version (keeping singletons,
/// found by deleting rows) separates 3 rows in the original and none in the shifted data.
#[test]
fn fe_absorption_with_rectifier_regression() {
    run_case(check_absorption(
        327661812102890722,
        49,
        &[13, 12, 6],
        Kind::Poisson,
        0,
        true,
    ));
}

/// Property 6 with the rectifier, on a panel proptest found (shrunk): x1 = 1.018 with
/// weights, 42.95 on the duplicated rows (standard error 7.4). (An earlier panel, seed
/// 8188406427333204063, n = 40, levels [10, 8, 9], stopped failing when the demeaning code
/// changed under this test: the verdicts sit on a numerical knife edge.)
#[test]
fn weights_with_rectifier_regression() {
    let w = [
        0, 1, 1, 0, 0, 0, 0, 2, 1, 0, 0, 1, 0, 0, 2, 1, 2, 0, 2, 0, 0, 1, 1, 1, 0, 1, 1, 2, 1, 1,
        1, 0, 0, 1, 0, 1, 2, 0, 1, 0, 0, 0, 0, 0, 0, 1, 1,
    ];
    run_case(check_weights(
        12236649318601161571,
        47,
        &[11, 6, 10],
        Kind::Poisson,
        &w,
        true,
    ));
}

/// Property 7 with the rectifier, on the panel proptest found (shrunk). The original fit
/// drops 7 singletons and 11 separated rows (nobs 35, x1 = 1.3652); the stacked data has
/// no singletons and drops 30 separated rows (nobs 76, x1 = 1.5242). Without the
/// rectifier every variant (singletons dropped or kept, data once or twice) gives
/// x1 = 1.36515034262; with it, keeping the singletons of the original data is enough to
/// get 1.5242: the rectifier flags other rows when the singletons are present.
#[test]
#[ignore = "bug: the rectifier's verdict depends on whether singletons were dropped first"]
fn duplication_with_rectifier_regression() {
    run_case(check_duplication(
        7901802479625522906,
        53,
        &[15, 15, 9],
        Kind::Poisson,
        true,
    ));
}
