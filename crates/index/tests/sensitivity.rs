//! The uncertainty analysis on COINr's example: reproducible from its seed, degenerate
//! when nothing is uncertain, and intervals that contain the median.

use hallyu_index::sensitivity::quantile;
use hallyu_index::{
    sensitivity, Aggregate, Framework, Impute, Normalise, Pipeline, Uncertainty, Units,
};
use std::path::PathBuf;

fn data(name: &str) -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("tests/data/coinr_asem")
        .join(name)
}

fn inputs() -> (Framework, Units, Pipeline) {
    let fw = Framework::from_imeta(&data("ASEM_iMeta.csv")).expect("framework");
    let units = Units::read(&data("ASEM_iData.csv")).expect("units");
    let pipeline = Pipeline {
        impute: Impute::GroupMean("EurAsia_group".into()),
        screen: Some(0.9),
        ..Pipeline::default()
    };
    (fw, units, pipeline)
}

#[test]
fn nothing_uncertain_gives_the_nominal_rank_in_every_run() {
    let (fw, units, p) = inputs();
    let s = sensitivity(&fw, &units, &p, &Uncertainty::default(), 20, 7).expect("analysis");
    assert!(s.failed.is_empty());
    for u in &s.units {
        let n = u.nominal.expect("rank") as f64;
        assert_eq!(
            (u.low, u.median, u.high),
            (Some(n), Some(n), Some(n)),
            "{}",
            u.unit
        );
        assert_eq!(u.mean_shift, Some(0.0));
    }
    assert_eq!(s.units[0].unit, "CHE");
}

#[test]
fn the_same_seed_gives_the_same_runs_and_intervals_hold_the_median() {
    let (fw, units, p) = inputs();
    let u = Uncertainty {
        weight_noise: Some(0.25),
        normalise: vec![
            Normalise::Minmax { lo: 0.0, hi: 100.0 },
            Normalise::Zscore { mean: 0.0, sd: 1.0 },
        ],
        aggregate: vec![Aggregate::Amean],
        impute: vec![Impute::GroupMean("EurAsia_group".into()), Impute::Mean],
        drop_indicator: true,
        noise_levels: vec![],
    };
    let a = sensitivity(&fw, &units, &p, &u, 200, 42).expect("analysis");
    let b = sensitivity(&fw, &units, &p, &u, 200, 42).expect("analysis");
    assert_eq!(a, b);
    let c = sensitivity(&fw, &units, &p, &u, 200, 43).expect("analysis");
    assert_ne!(a.choices, c.choices);
    assert!(a.failed.is_empty(), "{:?}", a.failed);
    let mut moved = 0;
    for r in &a.units {
        let (lo, med, hi) = (
            r.low.expect("low"),
            r.median.expect("median"),
            r.high.expect("high"),
        );
        assert!(lo <= med && med <= hi, "{r:?}");
        assert!(lo >= 1.0 && hi <= 51.0);
        if hi > lo {
            moved += 1;
        }
    }
    assert!(moved > 10, "the choices moved only {moved} units");
    // Both normalisations were drawn, and some runs left an indicator out.
    assert!(a
        .choices
        .iter()
        .any(|c| matches!(c.normalise, Normalise::Zscore { .. })));
    assert!(a.choices.iter().any(|c| c.dropped.is_some()));
}

#[test]
fn quantiles_are_rs_type_7_and_bad_settings_are_refused() {
    assert_eq!(quantile(&[1.0, 2.0, 3.0, 4.0], 0.05), Some(1.15));
    assert_eq!(quantile(&[1.0, 2.0, 3.0, 4.0], 0.5), Some(2.5));
    assert_eq!(quantile(&[], 0.5), None);
    let (fw, units, p) = inputs();
    assert!(sensitivity(&fw, &units, &p, &Uncertainty::default(), 0, 1).is_err());
    let noisy = Uncertainty {
        weight_noise: Some(1.5),
        ..Uncertainty::default()
    };
    assert!(sensitivity(&fw, &units, &p, &noisy, 10, 1).is_err());
}
