//! Fuzzing of the index's parsers: native framework TOML, COINr's iMeta tables, replay files
//! and method names must give a result or an error, never a panic; a framework that parses
//! is a tree (one index, parents above their children) and builds or fails cleanly.
//!
//! In CI each target runs a case count sized for a few seconds in a debug build.
//! `PROPTEST_CASES=N` runs N cases; `HALLYU_FUZZ_SECONDS=S` runs for S seconds instead
//! (e.g. `HALLYU_FUZZ_SECONDS=600 cargo test -p hallyu-index --test fuzz -- --nocapture`).

use hallyu_data::{Column, Table};
use hallyu_index::{
    analyse_uncertainty, build, read_replay, Aggregate, Framework, FrameworkFile, Impute,
    Normalise, Pipeline, Spec, Treat, Units, Weights,
};
use proptest::prelude::*;
use proptest::test_runner::TestCaseError;
use std::io::Write;
use std::sync::atomic::{AtomicUsize, Ordering};

/// The shared runner of the fuzz targets (one copy for every crate).
#[path = "../../data/tests/support/fuzz_runner.rs"]
mod fuzz_runner;
use fuzz_runner::fuzz;

const CODES: [&str; 8] = ["I", "A", "B", "x", "y", "z", "w", "Idx"];

/// A code: mostly from a small set (so that parents resolve and cycles happen), sometimes
/// anything.
fn code() -> impl Strategy<Value = String> {
    prop_oneof![
        8 => prop::sample::select(CODES.to_vec()).prop_map(str::to_string),
        1 => "[ -~]{0,6}",
    ]
}

/// A TOML value as a user may write it, right or wrong.
fn value() -> impl Strategy<Value = String> {
    prop_oneof![
        code().prop_map(|c| format!("{c:?}")),
        any::<f64>().prop_map(|x| format!("{x:?}")),
        Just("-1".to_string()),
        Just("0".to_string()),
        Just("nan".to_string()),
        Just("inf".to_string()),
        Just("true".to_string()),
        Just("[]".to_string()),
        Just("\"minmax:0,100\"".to_string()),
        Just("\"rank\"".to_string()),
        Just("\"group-mean:g\"".to_string()),
        Just("\"gmean\"".to_string()),
        Just("\"pca\"".to_string()),
        Just("\"em\"".to_string()),
        Just("0.5".to_string()),
    ]
}

const NODE_KEYS: [&str; 9] = [
    "code",
    "name",
    "parent",
    "weight",
    "direction",
    "denominator",
    "target",
    "goalpost_lower",
    "colour",
];
const STEP_KEYS: [&str; 8] = [
    "denominate",
    "impute",
    "screen",
    "treat",
    "normalise",
    "weights",
    "aggregate",
    "normalize",
];

fn table(name: &'static str, keys: &'static [&'static str]) -> impl Strategy<Value = String> {
    prop::collection::vec((prop::sample::select(keys.to_vec()), value()), 0..5).prop_map(
        move |pairs| {
            let mut s = format!("[[{name}]]\n");
            let mut seen = std::collections::HashSet::new();
            for (k, v) in pairs {
                if seen.insert(k) {
                    s.push_str(&format!("{k} = {v}\n"));
                }
            }
            s
        },
    )
}

/// A step table with exactly one key.
fn one_step() -> impl Strategy<Value = String> {
    (prop::sample::select(STEP_KEYS.to_vec()), value())
        .prop_map(|(k, v)| format!("[[step]]\n{k} = {v}\n"))
}

/// A tree that is valid by construction: index `I`, aggregates `A` (under `I`) and `B`
/// (under `I` or `A`), indicators under `A`, `B` or `I`, weights and directions right or
/// wrong, steps one key each.
fn valid_tree() -> impl Strategy<Value = String> {
    let weight = prop_oneof![
        Just("1".to_string()),
        Just("2.5".to_string()),
        Just("0".to_string()),
        (0.0f64..10.0).prop_map(|x| format!("{x:?}")),
    ];
    (
        prop::sample::select(vec!["I", "A"]),
        prop::collection::vec(
            (prop::sample::select(vec!["A", "B", "I"]), weight, any::<bool>()),
            2..5,
        ),
        prop::collection::vec(one_step(), 0..4),
    )
        .prop_map(|(b_parent, indicators, steps)| {
            let mut s = String::from("groups = [\"g\"]\ndenominators = [\"d\"]\n[index]\ncode = \"I\"\n");
            s.push_str("[[aggregate]]\ncode = \"A\"\nparent = \"I\"\n");
            s.push_str(&format!("[[aggregate]]\ncode = \"B\"\nparent = \"{b_parent}\"\n"));
            // Every aggregate gets one indicator first, so none is childless.
            s.push_str("[[indicator]]\ncode = \"x\"\nparent = \"A\"\n");
            s.push_str("[[indicator]]\ncode = \"y\"\nparent = \"B\"\n");
            for ((parent, weight, negative), code) in indicators.into_iter().zip(["z", "w", "Idx"]) {
                s.push_str(&format!(
                    "[[indicator]]\ncode = \"{code}\"\nparent = \"{parent}\"\nweight = {weight}\ndirection = {}\n",
                    if negative { -1 } else { 1 }
                ));
            }
            s.extend(steps);
            s
        })
}

/// Framework text: a valid tree, or an index, aggregates, indicators and steps with keys
/// from the real ones (and some that are not), with codes and parents that may or may not
/// form a tree.
fn framework_text() -> impl Strategy<Value = String> {
    let node = || (code(), code(), prop::option::of(value()), any::<bool>());
    let random = (
        any::<bool>(),
        code(),
        prop::collection::vec(node(), 0..5),
        prop::collection::vec(node(), 0..7),
        prop::collection::vec(table("step", &STEP_KEYS), 0..5),
        prop::collection::vec(table("indicator", &NODE_KEYS), 0..2),
    )
        .prop_map(|(has_index, index, aggregates, indicators, steps, extra)| {
            let mut s = String::from("groups = [\"g\"]\ndenominators = [\"d\"]\n");
            if has_index {
                s.push_str(&format!("[index]\ncode = {index:?}\n"));
            }
            for (kind, nodes) in [("aggregate", aggregates), ("indicator", indicators)] {
                for (c, p, w, den) in nodes {
                    s.push_str(&format!("[[{kind}]]\ncode = {c:?}\nparent = {p:?}\n"));
                    if let Some(w) = w {
                        s.push_str(&format!("weight = {w}\n"));
                    }
                    if den && kind == "indicator" {
                        s.push_str("denominator = \"d\"\n");
                    }
                }
            }
            s.extend(extra);
            s.extend(steps);
            s
        });
    prop_oneof![1 => random, 1 => valid_tree()]
}

/// Six units with every code as an indicator column, a group and a denominator.
fn units() -> Units {
    let mut t = Table::new();
    let n = 6;
    t.push(
        "uCode",
        Column::text_from((0..n).map(|i| Some(format!("U{i}")))),
    )
    .expect("uCode");
    t.push(
        "g",
        Column::text_from((0..n).map(|i| Some(if i % 2 == 0 { "a" } else { "b" }))),
    )
    .expect("g");
    t.push("d", Column::numbers((1..=n).map(|i| i as f64).collect()))
        .expect("d");
    for (k, c) in CODES.iter().enumerate() {
        let values = (0..n)
            .map(|i| {
                if (i + k) % 5 == 4 {
                    f64::NAN
                } else {
                    ((i * 7 + k * 3) % 11) as f64 + 0.5
                }
            })
            .collect();
        t.push(*c, Column::numbers(values)).expect("column");
    }
    Units::from_table(t, "fuzz units").expect("units")
}

/// The tree's promises: one index, every parent an aggregate above its children.
fn check_tree(fw: &Framework) -> Result<(), TestCaseError> {
    let roots = fw.aggregates.iter().filter(|n| n.parent.is_none()).count();
    prop_assert_eq!(roots, 1);
    for n in fw.indicators.iter().chain(&fw.aggregates) {
        if let Some(p) = &n.parent {
            let parent = fw.aggregates.iter().find(|a| &a.code == p);
            prop_assert!(parent.is_some(), "parent {p} of {} is no aggregate", n.code);
            prop_assert!(parent.map_or(0, |a| a.level) > n.level);
        }
    }
    Ok(())
}

#[test]
fn framework_toml_parses_to_a_tree_or_fails_cleanly() {
    let units = units();
    let parsed = AtomicUsize::new(0);
    let built = AtomicUsize::new(0);
    fuzz("framework (toml)", 3_000, framework_text(), |text| {
        let Ok(file) = FrameworkFile::parse(&text) else {
            return Ok(());
        };
        parsed.fetch_add(1, Ordering::Relaxed);
        check_tree(&file.framework)?;
        // Builds or fails with an error, whatever the steps.
        let mut pipeline = Pipeline::default();
        for s in &file.steps {
            match s.step.key() {
                "impute" => {
                    if let Ok(m) = s.method.parse::<Impute>() {
                        pipeline.impute = m;
                    }
                }
                "normalise" => {
                    if let Ok(m) = s.method.parse::<Normalise>() {
                        pipeline.normalise = m;
                    }
                }
                "aggregate" => {
                    if let Ok(m) = s.method.parse::<Aggregate>() {
                        pipeline.aggregate = m;
                    }
                }
                "weights" => {
                    if let Ok(m) = s.method.parse::<Weights>() {
                        pipeline.weights = m;
                    }
                }
                _ => {}
            }
        }
        if build(&file.framework, &units, &pipeline).is_ok() {
            built.fetch_add(1, Ordering::Relaxed);
        }
        Ok(())
    });
    // The generator reaches valid frameworks and builds, not only errors.
    assert!(parsed.load(Ordering::Relaxed) > 0, "no framework parsed");
    assert!(built.load(Ordering::Relaxed) > 0, "no framework built");
}

/// iMeta rows: types, levels, weights, directions and parents of any kind.
fn imeta_text() -> impl Strategy<Value = String> {
    let row = (
        prop_oneof![
            Just("1"),
            Just("2"),
            Just("3"),
            Just("0"),
            Just("1.5"),
            Just("NA"),
            Just("x")
        ],
        code(),
        prop_oneof![Just("1"), Just("-1"), Just("2"), Just("NA"), Just("")],
        prop_oneof![
            Just("1"),
            Just("0"),
            Just("-3"),
            Just("NA"),
            Just("1e308"),
            Just("w")
        ],
        prop_oneof![code(), Just("NA".to_string())],
        prop_oneof![
            Just("Indicator"),
            Just("Aggregate"),
            Just("Group"),
            Just("Denominator"),
            Just("Other")
        ],
    );
    prop::collection::vec(row, 0..10).prop_map(|rows| {
        let mut s = String::from("Level,iCode,iName,Direction,Weight,Parent,Type\n");
        for (l, c, d, w, p, t) in rows {
            s.push_str(&format!("{l},{c:?},{c:?},{d},{w},{p:?},{t}\n"));
        }
        s
    })
}

#[test]
fn imeta_tables_parse_to_a_tree_or_fail_cleanly() {
    let dir = tempfile::tempdir().expect("dir");
    let path = dir.path().join("iMeta.csv");
    fuzz("iMeta (csv)", 1_000, imeta_text(), |text| {
        std::fs::File::create(&path)
            .and_then(|mut f| f.write_all(text.as_bytes()))
            .expect("write");
        if let Ok(fw) = Framework::from_imeta(&path) {
            check_tree(&fw)?;
        }
        Ok(())
    });
}

/// Replay files: known and unknown columns, methods right and wrong, weights of any value.
fn replay_text() -> impl Strategy<Value = String> {
    let columns = prop::collection::vec(
        prop::sample::select(vec![
            "run",
            "impute",
            "normalise",
            "aggregate",
            "drop",
            "w:x",
            "w:A",
            "w:Q",
            "colour",
        ]),
        1..5,
    );
    let cell = prop_oneof![
        Just("mean"),
        Just("median"),
        Just("rank"),
        Just("\"minmax:1,100\""),
        Just("gmean"),
        Just("amean"),
        Just("x"),
        Just("y"),
        Just("none"),
        Just(""),
        Just("0.5"),
        Just("-2"),
        Just("NA"),
        Just("1e309"),
    ];
    (
        columns,
        prop::collection::vec(prop::collection::vec(cell, 5), 0..6),
    )
        .prop_map(|(mut cols, rows)| {
            let mut seen = std::collections::HashSet::new();
            cols.retain(|c| seen.insert(*c));
            let mut s = cols.join(",");
            s.push('\n');
            for r in rows {
                s.push_str(&r[..cols.len()].join(","));
                s.push('\n');
            }
            s
        })
}

#[test]
fn replay_files_read_or_fail_cleanly_and_replay_without_panic() {
    let units = units();
    let fw = FrameworkFile::parse(
        "[index]\ncode = \"I\"\n[[aggregate]]\ncode = \"A\"\nparent = \"I\"\n\
         [[indicator]]\ncode = \"x\"\nparent = \"A\"\n[[indicator]]\ncode = \"y\"\nparent = \"A\"\n\
         [[indicator]]\ncode = \"z\"\nparent = \"I\"\n",
    )
    .expect("framework")
    .framework;
    let base = Pipeline {
        impute: Impute::Mean,
        treat: Treat::None,
        normalise: Normalise::Minmax { lo: 1.0, hi: 100.0 },
        ..Pipeline::default()
    };
    let dir = tempfile::tempdir().expect("dir");
    let path = dir.path().join("runs.csv");
    let read = AtomicUsize::new(0);
    fuzz("replay (csv)", 1_000, replay_text(), |text| {
        std::fs::File::create(&path)
            .and_then(|mut f| f.write_all(text.as_bytes()))
            .expect("write");
        let Ok(replay) = read_replay(&path, &fw, &base) else {
            return Ok(());
        };
        read.fetch_add(1, Ordering::Relaxed);
        let spec = Spec {
            replay: Some(replay),
            bootstrap: 5,
            ..Spec::default()
        };
        if let Ok(s) = analyse_uncertainty(&fw, &units, &base, &spec) {
            for u in &s.units {
                if let (Some(lo), Some(hi)) = (u.low, u.high) {
                    prop_assert!(lo <= hi);
                }
            }
        }
        Ok(())
    });
    assert!(read.load(Ordering::Relaxed) > 0, "no replay file was read");
}

#[test]
fn method_names_parse_or_fail_cleanly() {
    fuzz("methods", 5_000, "[ -~]{0,24}", |s| {
        let _ = s.parse::<Normalise>();
        let _ = s.parse::<Aggregate>();
        let _ = s.parse::<Impute>();
        let _ = s.parse::<Treat>();
        let _ = s.parse::<Weights>();
        Ok(())
    });
}
