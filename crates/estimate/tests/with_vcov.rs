//! Another variance without a refit: `fit.with_vcov(spec, ssc, table)` must give what a
//! refit with that variance gives (standard errors, variance matrix, degrees of freedom,
//! p-values, intervals, cluster counts, notes), for OLS and Poisson, with and without fixed
//! effects, for every variance kind and small-sample correction; and every fit must
//! round-trip through JSON.

use hallyu_data::{Table, TextColumnBuilder};
use hallyu_estimate::{
    estimate, EstimateError, Estimator, Fit, FitRequest, Formula, NoProgress, Ssc, VcovSpec,
};

/// Relative tolerance: the same arithmetic on the same inputs, so only a defect (a wrong
/// sample, correction or cluster numbering) can exceed it.
const TOL: f64 = 1e-12;

/// The Advanced Guide panel, 2006, international flows.
fn panel() -> Table {
    let t = hallyu_data::embedded::agtpa().expect("embedded panel");
    let keep = hallyu_data::filter::select(&t, "year == 2006 and exporter != importer")
        .expect("selection");
    t.select_rows(&keep)
}

fn cluster(vars: &[&str]) -> VcovSpec {
    VcovSpec::Cluster(
        vars.iter()
            .map(|v| v.split('^').map(str::to_string).collect())
            .collect(),
    )
}

fn fit(table: &Table, formula: &str, estimator: Estimator, vcov: VcovSpec, ssc: Ssc) -> Fit {
    let mut r = FitRequest::new(Formula::parse(formula).expect("formula"), estimator);
    r.vcov = Some(vcov);
    r.ssc = ssc;
    estimate(table, &r, &NoProgress).expect("fit")
}

fn close(a: f64, b: f64) -> bool {
    (a.is_nan() && b.is_nan()) || a == b || (a - b).abs() <= TOL * a.abs().max(b.abs())
}

fn assert_same(a: &Fit, b: &Fit, what: &str) {
    assert_eq!(a.vcov, b.vcov, "{what}");
    assert_eq!(a.ssc, b.ssc, "{what}");
    assert_eq!(a.distribution, b.distribution, "{what}");
    assert_eq!(a.clusters, b.clusters, "{what}: cluster counts");
    assert_eq!(a.notes, b.notes, "{what}");
    assert_eq!(a.nobs, b.nobs, "{what}");
    match (a.df, b.df) {
        (Some(x), Some(y)) => assert!(close(x, y), "{what}: df {x} vs {y}"),
        (x, y) => assert_eq!(x, y, "{what}: df"),
    }
    assert_eq!(a.coefficients.len(), b.coefficients.len(), "{what}");
    for (x, y) in a.coefficients.iter().zip(&b.coefficients) {
        assert_eq!(x.term, y.term);
        for (name, u, v) in [
            ("estimate", x.estimate, y.estimate),
            ("std_error", x.std_error, y.std_error),
            ("statistic", x.statistic, y.statistic),
            ("p_value", x.p_value, y.p_value),
            ("conf_low", x.conf_low, y.conf_low),
            ("conf_high", x.conf_high, y.conf_high),
        ] {
            assert!(close(u, v), "{what}: {} {name} {u} vs {v}", x.term);
        }
    }
    for (r, s) in a.vcov_matrix.iter().zip(&b.vcov_matrix) {
        for (u, v) in r.iter().zip(s) {
            assert!(close(*u, *v), "{what}: vcov {u} vs {v}");
        }
    }
}

/// The variances every model is checked with (each also under every correction).
fn specs(has_fe: bool) -> Vec<VcovSpec> {
    let mut v = vec![
        VcovSpec::Iid,
        VcovSpec::Hetero,
        cluster(&["pair_id"]),
        cluster(&["exporter"]),
        cluster(&["exporter", "importer"]),
        cluster(&["exporter^importer"]),
    ];
    if !has_fe {
        v.push(cluster(&["importer", "pair_id"]));
    }
    v
}

const SSCS: [Ssc; 4] = [Ssc::Fixest, Ssc::ClusterOnly, Ssc::Stata, Ssc::None];

#[test]
fn another_variance_equals_a_refit() {
    let t = panel();
    let models = [
        (
            "trade ~ log(dist) + cntg + lang | exporter + importer",
            Estimator::Poisson,
            true,
        ),
        ("trade ~ log(dist) + cntg + lang", Estimator::Poisson, false),
        (
            "log(trade) ~ log(dist) + cntg + lang | exporter + importer",
            Estimator::Ols,
            true,
        ),
        (
            "log(trade) ~ log(dist) + cntg + lang",
            Estimator::Ols,
            false,
        ),
    ];
    for (formula, estimator, has_fe) in models {
        let base = fit(&t, formula, estimator, VcovSpec::Iid, Ssc::Fixest);
        assert!(base.has_variance_inputs());
        for spec in specs(has_fe) {
            for ssc in SSCS {
                let what = format!("{formula} with {spec}, {ssc}");
                let refit = fit(&t, formula, estimator, spec.clone(), ssc);
                let switched = base.with_vcov(&spec, ssc, &t).expect(&what);
                assert_same(&switched, &refit, &what);
                // Switching back from any variance restores the original.
                let back = switched
                    .with_vcov(&VcovSpec::Iid, Ssc::Fixest, &t)
                    .expect(&what);
                assert_same(&back, &base, &what);
            }
        }
    }
}

#[test]
fn dropped_observations_and_weights_keep_the_sample() {
    // Two years with pair effects: pairs that never trade are separated, and their rows
    // must stay out of the clusters of another variance as they stay out of a refit.
    let t = hallyu_data::embedded::agtpa().expect("embedded panel");
    let keep = hallyu_data::filter::select(&t, "year in (2002, 2006) and exporter != importer")
        .expect("selection");
    let t = t.select_rows(&keep);
    let f = "trade ~ rta | exporter^year + importer^year + pair_id";
    let base = fit(&t, f, Estimator::Poisson, VcovSpec::Iid, Ssc::Fixest);
    assert!(base.dropped.separated > 0, "{:?}", base.dropped);
    for spec in [
        cluster(&["pair_id"]),
        cluster(&["exporter", "importer"]),
        VcovSpec::Hetero,
    ] {
        for ssc in SSCS {
            let what = format!("{f} with {spec}, {ssc}");
            let refit = fit(&t, f, Estimator::Poisson, spec.clone(), ssc);
            assert_same(&base.with_vcov(&spec, ssc, &t).unwrap(), &refit, &what);
        }
    }

    // Weighted least squares: the weights enter the scores.
    let f = "log(trade) ~ log(dist) + cntg | exporter";
    let weighted = |vcov: VcovSpec, ssc: Ssc| {
        let mut r = FitRequest::new(Formula::parse(f).unwrap(), Estimator::Ols);
        r.vcov = Some(vcov);
        r.ssc = ssc;
        r.weights = Some("dist".into());
        estimate(&t, &r, &NoProgress).unwrap()
    };
    let base = weighted(VcovSpec::Iid, Ssc::Fixest);
    for spec in [
        VcovSpec::Hetero,
        cluster(&["pair_id"]),
        cluster(&["exporter", "year"]),
    ] {
        for ssc in SSCS {
            let what = format!("weighted {f} with {spec}, {ssc}");
            let refit = weighted(spec.clone(), ssc);
            assert_same(&base.with_vcov(&spec, ssc, &t).unwrap(), &refit, &what);
        }
    }
}

#[test]
fn the_variance_changes_nothing_but_the_inference() {
    let t = panel();
    let f = "trade ~ log(dist) + cntg | exporter + importer";
    let base = fit(&t, f, Estimator::Poisson, VcovSpec::Iid, Ssc::Fixest);
    let c = base
        .with_vcov(&cluster(&["pair_id"]), Ssc::Fixest, &t)
        .unwrap();
    assert_eq!(c.vcov.to_string(), "cluster(pair_id)");
    assert_eq!(c.clusters.len(), 1);
    assert_eq!(
        (c.fit, c.nobs, c.iterations),
        (base.fit, base.nobs, base.iterations)
    );
    // Clustering by directed pair on one year (one observation each) is the robust variance.
    let h = base.with_vcov(&VcovSpec::Hetero, Ssc::None, &t).unwrap();
    let cn = base
        .with_vcov(&cluster(&["exporter^importer"]), Ssc::None, &t)
        .unwrap();
    for (a, b) in h.coefficients.iter().zip(&cn.coefficients) {
        assert!((a.std_error - b.std_error).abs() <= 1e-12 * a.std_error);
        assert!(a.std_error != base.coef(&a.term).unwrap().std_error);
    }
}

#[test]
fn what_another_variance_cannot_use_is_an_error() {
    let t = panel();
    let f = "trade ~ log(dist) + cntg | exporter + importer";
    let base = fit(&t, f, Estimator::Poisson, VcovSpec::Iid, Ssc::Fixest);

    // A fit read back from JSON does not carry its estimation data.
    let json = serde_json::to_string(&base).unwrap();
    let read: Fit = serde_json::from_str(&json).unwrap();
    assert!(!read.has_variance_inputs());
    let e = read
        .with_vcov(&VcovSpec::Hetero, Ssc::Fixest, &t)
        .unwrap_err();
    assert!(matches!(e, EstimateError::VarianceInputsUnavailable), "{e}");
    assert!(e.to_string().contains("JSON"), "{e}");

    // Another table.
    let keep: Vec<bool> = (0..t.nrows()).map(|i| i % 2 == 0).collect();
    let e = base
        .with_vcov(&VcovSpec::Hetero, Ssc::Fixest, &t.select_rows(&keep))
        .unwrap_err();
    assert!(matches!(e, EstimateError::TableMismatch { .. }), "{e}");

    // An unknown column, with the data layer's suggestion.
    let e = base
        .with_vcov(&cluster(&["pair_ib"]), Ssc::Fixest, &t)
        .unwrap_err();
    assert!(e.to_string().contains("pair_id"), "{e}");

    // Three cluster variables.
    let e = base
        .with_vcov(
            &cluster(&["exporter", "importer", "pair_id"]),
            Ssc::Fixest,
            &t,
        )
        .unwrap_err();
    assert!(matches!(e, EstimateError::ClusterVariables { .. }), "{e}");

    // A cluster variable missing on an estimation row: a refit would drop the row.
    let mut with_gap = t.clone();
    let mut b = TextColumnBuilder::default();
    for i in 0..t.nrows() {
        b.push(if i == 3 {
            None
        } else {
            Some(["a", "b", "c"][i % 3])
        });
    }
    with_gap.push("region", b.finish()).unwrap();
    let base = fit(&with_gap, f, Estimator::Poisson, VcovSpec::Iid, Ssc::Fixest);
    match base
        .with_vcov(&cluster(&["region"]), Ssc::Fixest, &with_gap)
        .unwrap_err()
    {
        EstimateError::MissingClusterValue { variable, row } => {
            assert_eq!((variable.as_str(), row), ("region", 4));
        }
        other => panic!("{other}"),
    }
}

#[test]
fn every_fit_round_trips_through_json() {
    let t = panel();
    for (formula, estimator) in [
        (
            "trade ~ log(dist) + cntg | exporter + importer",
            Estimator::Poisson,
        ),
        ("log(trade) ~ log(dist) + cntg", Estimator::Ols),
        (
            "log(trade) ~ log(dist) + cntg + cntg | exporter",
            Estimator::Ols,
        ),
    ] {
        for spec in [
            VcovSpec::Iid,
            VcovSpec::Hetero,
            cluster(&["exporter", "importer^year"]),
        ] {
            let f = fit(&t, formula, estimator, spec, Ssc::ClusterOnly);
            let json = serde_json::to_string(&f).unwrap();
            let back: Fit = serde_json::from_str(&json).unwrap();
            assert_eq!(back, f, "{json}");
            assert_eq!(serde_json::to_string(&back).unwrap(), json);
            let mut v: serde_json::Value = serde_json::from_str(&json).unwrap();
            assert_eq!(v["schema_version"], 1);
            // Written before the field existed: version 1.
            v.as_object_mut().unwrap().remove("schema_version");
            let unversioned: Fit = serde_json::from_value(v.clone()).unwrap();
            assert_eq!(unversioned.schema_version, 1);
            assert_eq!(v["ssc"], "cluster-only");
            assert_eq!(v["vcov"], serde_json::json!(f.vcov.label()));
            assert_eq!(
                v["distribution"],
                if estimator == Estimator::Ols {
                    "t"
                } else {
                    "normal"
                }
            );
        }
    }
}
