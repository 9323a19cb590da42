//! Fuzzing of model formulas: text over the formula language's alphabet must parse to a
//! formula or an error, and every formula that parses must fit (OLS and Poisson) on a
//! small panel or fail with an error, never panic or hang. A parsed formula reads only
//! columns its text names.
//!
//! In CI the targets run case counts sized for a few seconds in a debug build.
//! `PROPTEST_CASES=N` runs N cases; `HALLYU_FUZZ_SECONDS=S` runs for S seconds instead
//! (e.g. `HALLYU_FUZZ_SECONDS=600 cargo test -p hallyu-estimate --test fuzz -- --nocapture`).

use hallyu_data::{Column, Table, TextColumnBuilder};
use hallyu_estimate::{estimate, Estimator, FitRequest, Formula, NoProgress};
use proptest::prelude::*;
use proptest::test_runner::TestCaseError;

/// The shared runner of the fuzz targets (one copy for every crate).
#[path = "../../data/tests/support/fuzz_runner.rs"]
mod fuzz_runner;
use fuzz_runner::fuzz;

const ROWS: usize = 48;

/// A small panel: count outcome `y` with zeros, regressors `x`, `z` (with a zero and a
/// negative value, so `log` and `sqrt` meet their edges), a constant `k`, a missing value
/// in `m`, text groups `g`, `h` and a numeric group `n`.
fn panel() -> Table {
    let mut t = Table::new();
    let num = |f: &dyn Fn(usize) -> f64| Column::numbers((0..ROWS).map(f).collect());
    let text = |f: &dyn Fn(usize) -> String| {
        let mut b = TextColumnBuilder::default();
        for i in 0..ROWS {
            b.push(Some(&f(i)));
        }
        b.finish()
    };
    let columns = [
        ("y", num(&|i| ((i * 7) % 5) as f64)),
        ("x", num(&|i| (i as f64 * 0.37).sin() * 3.0)),
        ("z", num(&|i| ((i % 6) as f64 - 1.0) * 1.5)),
        ("k", num(&|_| 2.0)),
        ("m", num(&|i| if i % 9 == 4 { f64::NAN } else { i as f64 })),
        ("n", num(&|i| (i % 4) as f64)),
        ("g", text(&|i| format!("G{}", i % 6))),
        ("h", text(&|i| format!("H{}", i % 3))),
    ];
    for (name, column) in columns {
        t.push(name, column).expect("column");
    }
    t
}

/// Text over the formula language: names of the panel, names it lacks, functions,
/// operators, and stray characters.
fn formula_text() -> impl Strategy<Value = String> {
    let piece = prop_oneof![
        8 => prop_oneof![
            Just("y"), Just("x"), Just("z"), Just("k"), Just("m"), Just("n"), Just("g"),
            Just("h"), Just("nope"), Just("log(x)"), Just("exp(z)"), Just("sqrt(z)"),
            Just("abs(x)"), Just("log("), Just("i(g)"), Just("i(h, x)"), Just("i(g, ref = G2)"),
            Just("i(n, z, ref=1)"), Just("i("), Just("ref"), Just("1"), Just("0"), Just("-1"),
        ]
        .prop_map(str::to_string),
        8 => prop_oneof![
            Just(" ~ "), Just("~"), Just(" + "), Just(" - "), Just(":"), Just(" | "),
            Just("^"), Just("("), Just(")"), Just(","), Just("="), Just(" "),
        ]
        .prop_map(str::to_string),
        1 => "[ -~]{1,3}",
        1 => "\\PC{1,2}",
    ];
    prop::collection::vec(piece, 0..20).prop_map(|p| p.concat())
}

/// Formulas that mostly parse: an outcome, terms and fixed effects from the panel.
fn formula_shaped() -> impl Strategy<Value = String> {
    let term = prop_oneof![
        Just("x"),
        Just("z"),
        Just("k"),
        Just("m"),
        Just("log(x)"),
        Just("sqrt(z)"),
        Just("x:z"),
        Just("i(h)"),
        Just("i(g, x)"),
        Just("i(n, ref = 2)"),
        Just("1"),
        Just("0"),
    ];
    let fe = prop_oneof![Just("g"), Just("h"), Just("n"), Just("g^h"), Just("m")];
    (
        prop_oneof![Just("y"), Just("x"), Just("log(y)"), Just("k"), Just("m")],
        prop::collection::vec(term, 1..5),
        prop::collection::vec(fe, 0..3),
    )
        .prop_map(|(y, terms, fes)| {
            let mut s = format!("{y} ~ {}", terms.join(" + "));
            if !fes.is_empty() {
                s.push_str(&format!(" | {}", fes.join(" + ")));
            }
            s
        })
}

fn check(table: &Table, text: &str) -> Result<(), TestCaseError> {
    let Ok(formula) = Formula::parse(text) else {
        return Ok(());
    };
    for c in formula.columns() {
        prop_assert!(text.contains(&c), "`{}` reads `{}`", text, c);
    }
    for estimator in [Estimator::Ols, Estimator::Poisson] {
        let req = FitRequest::new(formula.clone(), estimator);
        // A fit or an error; a panic fails the case.
        if let Ok(fit) = estimate(table, &req, &NoProgress) {
            prop_assert!(fit.nobs <= ROWS, "`{}`: {} observations", text, fit.nobs)
        }
    }
    Ok(())
}

#[test]
fn formula_text_never_panics() {
    let table = panel();
    fuzz("formula (text)", 10_000, formula_text(), |text| {
        check(&table, &text)
    });
}

#[test]
fn formulas_fit_or_fail_cleanly() {
    let table = panel();
    fuzz("formula (fits)", 1000, formula_shaped(), |text| {
        check(&table, &text)
    });
}

/// Found by `formulas_fit_or_fail_cleanly`: OLS on an outcome it fits perfectly
/// (`k ~ x | g`, `m ~ m + ...`) has zero residuals, and the p-value of its NaN statistic
/// made statrs panic (`beta_reg` with x out of range, `XOutOfRange`). Such statistics are
/// undefined, never passed to the distribution.
#[test]
fn constant_outcome_fits_or_fails_cleanly() {
    let table = panel();
    for text in ["k ~ x | g", "m ~ m + i(g, x) | g + n"] {
        let formula = Formula::parse(text).expect("a formula");
        let req = FitRequest::new(formula, Estimator::Ols);
        if let Ok(fit) = estimate(&table, &req, &NoProgress) {
            assert!(fit.nobs <= ROWS, "`{text}`: {} observations", fit.nobs);
        }
    }
}
