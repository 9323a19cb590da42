//! COINr's example build (ASEM connectivity) reproduced: every data set, score, rank and
//! effective weight to 1e-9 relative (COINr's tables are written with 17 significant
//! digits, so 1e-9 leaves room only for the order of floating-point sums).

use hallyu_data::read::{read_path, ReadOptions};
use hallyu_data::{ColumnView, Table};
use hallyu_index::{
    build, ranks, Aggregate, Build, Framework, Impute, Normalise, Pipeline, Step, Treat, Units,
    Weights,
};
use std::path::PathBuf;

fn data(name: &str) -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("tests/data/coinr_asem")
        .join(name)
}

fn default_build() -> Build {
    let fw = Framework::from_imeta(&data("ASEM_iMeta.csv")).expect("framework");
    let units = Units::read(&data("ASEM_iData.csv")).expect("units");
    let pipeline = Pipeline {
        denominate: true,
        impute: Impute::GroupMean("EurAsia_group".into()),
        screen: Some(0.9),
        treat: Treat::DEFAULT,
        normalise: Normalise::Minmax { lo: 0.0, hi: 100.0 },
        aggregate: Aggregate::Amean,
        weights: Weights::Meta,
        order: Step::DATA.to_vec(),
        data_threshold: None,
    };
    build(&fw, &units, &pipeline).expect("build")
}

fn table(name: &str) -> Table {
    read_path(
        &data(&format!("default/{name}.csv")),
        &ReadOptions::default(),
    )
    .expect("reference")
}

fn units_of(t: &Table) -> Vec<String> {
    match t.column("uCode").expect("uCode").view() {
        ColumnView::Text(v) => v.iter().map(|s| s.unwrap_or("").to_string()).collect(),
        ColumnView::Numbers(_) => panic!("uCode is text"),
    }
}

fn close(got: f64, want: f64) -> bool {
    (got.is_nan() && want.is_nan()) || (got - want).abs() <= 1e-9 * want.abs().max(1.0)
}

#[test]
fn every_data_set_equals_coinrs() {
    let b = default_build();
    for name in [
        "Raw",
        "Denominated",
        "Imputed",
        "Screened",
        "Treated",
        "Normalised",
        "Aggregated",
    ] {
        let reference = table(name);
        let ours = b.dataset(name).expect("data set");
        let want_units = units_of(&reference);
        assert_eq!(ours.units, want_units, "{name}: units");
        let mut compared = 0;
        for col in reference.names().iter().filter(|c| *c != "uCode") {
            let want = reference.num(col).expect("numbers");
            let got = ours
                .column(col)
                .unwrap_or_else(|| panic!("{name}: no column {col}"));
            for (u, (g, w)) in got.iter().zip(want).enumerate() {
                assert!(
                    close(*g, *w),
                    "{name} {col} {}: {g} vs COINr {w}",
                    ours.units[u]
                );
                compared += 1;
            }
        }
        assert_eq!(
            ours.columns.len(),
            reference.names().len() - 1,
            "{name}: columns"
        );
        assert!(compared > 0);
    }
}

#[test]
fn scores_ranks_and_effective_weights_equal_coinrs() {
    let b = default_build();
    let agg = b.aggregated();
    let scores = table("results_scores");
    let rank_table = table("results_ranks");
    let units = units_of(&scores);
    let want_rank = scores.num("Rank").expect("Rank");
    let index = agg.column("Index").expect("Index");
    let our_ranks = ranks(index);
    for (u, code) in units.iter().enumerate() {
        let i = agg.units.iter().position(|c| c == code).expect("unit");
        assert_eq!(our_ranks[i], Some(want_rank[u] as usize), "{code}");
        for col in scores
            .names()
            .iter()
            .filter(|c| !["uCode", "uName", "Rank"].contains(&c.as_str()))
        {
            let Ok(w) = scores.num(col) else { continue };
            let got = agg.column(col).unwrap_or_else(|| panic!("no column {col}"))[i];
            assert!(close(got, w[u]), "{col} {code}: {got} vs {}", w[u]);
            let r = ranks(agg.column(col).expect("column"));
            let want_r = rank_table.num(col).expect("rank column")[u];
            assert_eq!(
                r[i].map(|x| x as f64),
                Some(want_r),
                "rank of {col} for {code}"
            );
        }
    }
    let weights = table("weights_effective");
    let codes = units_of_named(&weights, "iCode");
    let eff = weights.num("EffWeight").expect("EffWeight");
    for (code, w) in codes.iter().zip(eff) {
        let ours = b
            .effective_weights
            .iter()
            .find(|(c, _)| c == code)
            .expect("weight")
            .1;
        assert!(close(ours, *w), "{code}: {ours} vs {w}");
    }
}

fn units_of_named(t: &Table, col: &str) -> Vec<String> {
    match t.column(col).expect("column").view() {
        ColumnView::Text(v) => v.iter().map(|s| s.unwrap_or("").to_string()).collect(),
        ColumnView::Numbers(_) => panic!("{col} is text"),
    }
}

#[test]
fn the_treatment_is_the_one_coinr_reports() {
    let b = default_build();
    let points: usize = b.treated.iter().map(|t| t.units.len()).sum();
    assert_eq!(b.treated.len(), 15, "{:#?}", b.treated);
    assert_eq!(points, 35);
    assert!(b.treated.iter().all(|t| t.action == "winsorised"));
    let bord = b
        .treated
        .iter()
        .find(|t| t.indicator == "Bord")
        .expect("Bord");
    assert_eq!(bord.units, ["BEL", "LUX", "SGP"]);
    assert!(b.removed_units.is_empty());
}

#[test]
fn another_method_changes_the_result_so_the_comparison_can_fail() {
    let fw = Framework::from_imeta(&data("ASEM_iMeta.csv")).expect("framework");
    let units = Units::read(&data("ASEM_iData.csv")).expect("units");
    let pipeline = Pipeline {
        impute: Impute::GroupMean("EurAsia_group".into()),
        screen: Some(0.9),
        treat: Treat::None,
        ..Pipeline::default()
    };
    let b = build(&fw, &units, &pipeline).expect("build");
    let che = b
        .aggregated()
        .units
        .iter()
        .position(|u| u == "CHE")
        .expect("CHE");
    let index = b.aggregated().column("Index").expect("Index")[che];
    // COINr's default build gives CHE 68.383724238341713; without treatment it differs.
    assert!(!close(index, 68.383_724_238_341_71), "{index}");
    let d = default_build();
    let che_default = d.aggregated().column("Index").expect("Index")[che];
    assert!(close(che_default, 68.383_724_238_341_71), "{che_default}");
}

#[test]
fn steps_run_in_the_order_given_each_on_the_previous_data_set() {
    use hallyu_index::steps::{denominate::denominate, impute::impute, normalise::normalise};
    use hallyu_index::steps::{screen::screen, treat::treat};
    let fw = Framework::from_imeta(&data("ASEM_iMeta.csv")).expect("framework");
    let units = Units::read(&data("ASEM_iData.csv")).expect("units");
    // Outliers treated before imputation and screening: COINr lets the user choose.
    let order = vec![
        Step::Denominate,
        Step::Treat,
        Step::Impute,
        Step::Screen,
        Step::Normalise,
    ];
    let pipeline = Pipeline {
        impute: Impute::GroupMean("EurAsia_group".into()),
        screen: Some(0.9),
        order: order.clone(),
        ..Pipeline::default()
    };
    let b = build(&fw, &units, &pipeline).expect("build");
    let names: Vec<&str> = b.datasets.iter().map(|d| d.name.as_str()).collect();
    assert_eq!(
        names,
        [
            "Raw",
            "Denominated",
            "Treated",
            "Imputed",
            "Screened",
            "Normalised",
            "Aggregated"
        ]
    );
    // The same steps composed by hand, in that order.
    let raw = units.raw(&fw).expect("raw");
    let (d, _) = denominate(&raw, &fw, &units).expect("denominate");
    let (t, _) = treat(&d, Treat::DEFAULT);
    assert!(t.missing() > 0, "treated before imputation: gaps remain");
    let (i, _) = impute(&t, &pipeline.impute, &units).expect("impute");
    let (s, _) = screen(&i, 0.9);
    let n = normalise(&s, &fw, pipeline.normalise).expect("normalise");
    let built = b.dataset("Normalised").expect("Normalised");
    assert_eq!(built.units, n.units);
    assert_eq!(built.values, n.values);
    // And it is not the default order's result.
    let default = default_build();
    assert_ne!(
        default.dataset("Normalised").expect("Normalised").values,
        built.values
    );
    // An order that leaves a step out, or repeats one, is refused.
    let bad = Pipeline {
        order: vec![
            Step::Impute,
            Step::Impute,
            Step::Treat,
            Step::Screen,
            Step::Normalise,
        ],
        ..Pipeline::default()
    };
    let e = build(&fw, &units, &bad).expect_err("bad order").to_string();
    assert!(e.contains("`denominate` 0 times"), "{e}");
}

#[test]
fn the_data_threshold_leaves_groups_with_too_few_children_missing() {
    let fw = Framework::from_imeta(&data("ASEM_iMeta.csv")).expect("framework");
    let units = Units::read(&data("ASEM_iData.csv")).expect("units");
    let plain = build(&fw, &units, &Pipeline::default()).expect("build");
    let strict = Pipeline {
        data_threshold: Some(0.8),
        ..Pipeline::default()
    };
    let b = build(&fw, &units, &strict).expect("build");
    let normalised = b.dataset("Normalised").expect("Normalised");
    let mut emptied = 0;
    // Level-2 groups (indicators as children): availability from the normalised data.
    for a in fw.aggregates.iter().filter(|a| a.level == 2) {
        let children: Vec<&[f64]> = fw
            .children(&a.code)
            .map(|c| normalised.column(&c.code).expect("child"))
            .collect();
        let with = b.aggregated().column(&a.code).expect("group");
        let without = plain.aggregated().column(&a.code).expect("group");
        for u in 0..normalised.units.len() {
            let present = children.iter().filter(|c| !c[u].is_nan()).count();
            let share = present as f64 / children.len() as f64;
            if share < 0.8 {
                assert!(with[u].is_nan(), "{} {}", a.code, normalised.units[u]);
                emptied += usize::from(!without[u].is_nan());
            } else {
                assert_eq!(with[u].to_bits(), without[u].to_bits());
            }
        }
    }
    assert!(
        emptied > 0,
        "the threshold removed nothing: the test would not fail"
    );
    let bad = Pipeline {
        data_threshold: Some(1.5),
        ..Pipeline::default()
    };
    assert!(build(&fw, &units, &bad).is_err());
}
