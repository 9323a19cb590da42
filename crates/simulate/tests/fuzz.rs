//! Fuzzing of scenario files: TOML text must parse to a scenario or an error, never a
//! panic, and every change of a scenario that parses selects pairs of the world that are
//! valid, international and, for ISO3 `from`/`to` lists, exactly the pairs named.
//!
//! In CI each target runs a case count sized for a few seconds in a debug build.
//! `PROPTEST_CASES=N` runs N cases; `HALLYU_FUZZ_SECONDS=S` runs for S seconds instead
//! (e.g. `HALLYU_FUZZ_SECONDS=600 cargo test -p hallyu-simulate --test fuzz -- --nocapture`).

use hallyu_data::reference::Reference;
use hallyu_simulate::parse_scenario;
use proptest::prelude::*;
use proptest::test_runner::TestCaseError;

/// The shared runner of the fuzz targets (one copy for every crate).
#[path = "../../data/tests/support/fuzz_runner.rs"]
mod fuzz_runner;
use fuzz_runner::fuzz;

const WORLD: [&str; 6] = ["DEU", "IDN", "KOR", "SGP", "THA", "USA"];

fn world() -> Vec<String> {
    WORLD.map(String::from).to_vec()
}

/// A TOML value as a user may write it, right or wrong.
fn toml_value() -> impl Strategy<Value = String> {
    prop_oneof![
        any::<i64>().prop_map(|i| i.to_string()),
        (1900i64..2100).prop_map(|i| i.to_string()),
        any::<f64>().prop_map(|x| format!("{x:?}")),
        Just("nan".to_string()),
        Just("-inf".to_string()),
        Just("0".to_string()),
        Just("\"\"".to_string()),
        Just("\"all\"".to_string()),
        Just("true".to_string()),
        Just("[]".to_string()),
        "\"[ -!#-~]{0,12}\"",
        prop::collection::vec(name(), 0..4).prop_map(|v| format!(
            "[{}]",
            v.iter()
                .map(|s| format!("\"{s}\""))
                .collect::<Vec<_>>()
                .join(", ")
        )),
    ]
}

/// A country or bloc name: of the world, of the reference, misspelt, or made up.
fn name() -> impl Strategy<Value = String> {
    prop_oneof![
        prop::sample::select(WORLD.to_vec()).prop_map(str::to_string),
        prop::sample::select(vec![
            "asean", "eu", "ASEAN", "all", "kor", " USA ", "AGO", "asaen", "nafta", "plus3"
        ])
        .prop_map(str::to_string),
        "[A-Za-z]{0,5}",
    ]
}

const BASELINE_KEYS: [&str; 12] = [
    "year",
    "formula",
    "sigma",
    "closure",
    "reference",
    "estimation_years",
    "vcov",
    "exporter",
    "importer",
    "value",
    "fill",
    "unknown_key",
];
const CHANGE_KEYS: [&str; 9] = [
    "variable",
    "value",
    "cost_factor",
    "between",
    "and",
    "from",
    "to",
    "pairs",
    "extra",
];

/// Scenario text: a `[baseline]` and changes with keys drawn from the real ones (and some
/// that are not), values of any type.
fn scenario_text() -> impl Strategy<Value = String> {
    let baseline = prop::collection::vec(
        (prop::sample::select(BASELINE_KEYS.to_vec()), toml_value()),
        0..6,
    );
    let change = prop::collection::vec(
        (prop::sample::select(CHANGE_KEYS.to_vec()), toml_value()),
        0..5,
    );
    (
        any::<bool>(),
        1900i32..2100,
        prop_oneof![
            Just("trade ~ log(dist) + rta | exporter + importer"),
            Just("trade ~ rta | exporter^year + importer^year + pair_id"),
            Just("trade ~ ~"),
        ],
        baseline,
        prop::collection::vec(change, 0..3),
    )
        .prop_map(|(required, year, formula, baseline, changes)| {
            let mut s = String::from("[baseline]\n");
            if required {
                s.push_str(&format!("year = {year}\nformula = \"{formula}\"\n"));
            }
            let mut seen = std::collections::HashSet::new();
            for (k, v) in baseline {
                // A key given twice is a TOML error; keep the first to reach the rest.
                if seen.insert(k) && !(required && (k == "year" || k == "formula")) {
                    s.push_str(&format!("{k} = {v}\n"));
                }
            }
            for change in changes {
                s.push_str("\n[[change]]\n");
                let mut seen = std::collections::HashSet::new();
                for (k, v) in change {
                    if seen.insert(k) {
                        s.push_str(&format!("{k} = {v}\n"));
                    }
                }
            }
            s
        })
}

#[test]
fn scenario_text_parses_or_fails_cleanly() {
    let reference = Reference::builtin();
    let world = world();
    let n = world.len();
    fuzz("scenario (toml)", 20_000, scenario_text(), |text| {
        let Ok(s) = parse_scenario(&text) else {
            return Ok(());
        };
        for (k, change) in s.changes.iter().enumerate() {
            let Ok(sel) = change.pairs(k + 1, &world, s.baseline.year, &reference) else {
                continue;
            };
            prop_assert!(!sel.cells.is_empty());
            prop_assert!(sel.cells.windows(2).all(|w| w[0] < w[1]), "{:?}", sel.cells);
            for &c in &sel.cells {
                prop_assert!(c < n * n && c / n != c % n, "cell {} of\n{}", c, text);
            }
        }
        Ok(())
    });
}

#[test]
fn directed_changes_select_exactly_the_pairs_named() {
    let reference = Reference::builtin();
    let world = world();
    let n = world.len();
    let codes = prop::collection::vec(0..n, 1..4);
    fuzz(
        "scenario (from/to)",
        3000,
        (codes.clone(), codes),
        |(from, to)| {
            let list = |ix: &[usize]| {
                ix.iter()
                    .map(|&i| format!("\"{}\"", WORLD[i]))
                    .collect::<Vec<_>>()
                    .join(", ")
            };
            let text = format!(
            "[baseline]\nyear = 2006\nformula = \"trade ~ rta | exporter + importer\"\n\n[[change]]\nvariable = \"rta\"\nvalue = 1\nfrom = [{}]\nto = [{}]\n",
            list(&from),
            list(&to)
        );
            let s = parse_scenario(&text).map_err(|e| TestCaseError::fail(e.to_string()))?;
            let mut want: Vec<usize> = from
                .iter()
                .flat_map(|&i| to.iter().map(move |&j| i * n + j))
                .filter(|c| c / n != c % n)
                .collect();
            want.sort_unstable();
            want.dedup();
            match s.changes[0].pairs(1, &world, 2006, &reference) {
                Ok(sel) => prop_assert_eq!(sel.cells, want),
                // Only a selection of nothing but domestic pairs is refused.
                Err(e) => prop_assert!(want.is_empty(), "{}", e),
            }
            Ok(())
        },
    );
}
