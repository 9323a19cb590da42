//! Frameworks and data that cannot be built say why, naming what is wrong.

use hallyu_index::{
    build, Aggregate, Framework, Impute, IndexError, Node, Normalise, Pipeline, Units,
};
use std::io::Write;

fn node(code: &str, level: u32, parent: Option<&str>) -> Node {
    Node {
        code: code.into(),
        name: code.into(),
        level,
        direction: 1.0,
        weight: 1.0,
        parent: parent.map(str::to_string),
        denominator: None,
        ..Default::default()
    }
}

fn framework(indicators: Vec<Node>, aggregates: Vec<Node>) -> Framework {
    Framework {
        indicators,
        aggregates,
        groups: vec![],
        denominators: vec![],
    }
}

fn message(r: hallyu_index::Result<()>) -> String {
    match r {
        Err(e) => e.to_string(),
        Ok(()) => panic!("expected an error"),
    }
}

#[test]
fn broken_trees_are_refused_with_the_node_named() {
    let ok = framework(
        vec![node("a", 1, Some("P")), node("b", 1, Some("P"))],
        vec![node("P", 2, Some("Index")), node("Index", 3, None)],
    );
    assert!(ok.validate().is_ok());
    let orphan = framework(
        vec![node("a", 1, Some("Pilar"))],
        vec![node("Pillar", 2, Some("Index")), node("Index", 3, None)],
    );
    let m = message(orphan.validate());
    assert!(
        m.contains("`Pilar`") && m.contains("did you mean `Pillar`"),
        "{m}"
    );
    let two_roots = framework(
        vec![node("a", 1, Some("P")), node("b", 1, Some("Q"))],
        vec![node("P", 2, None), node("Q", 2, None)],
    );
    assert!(message(two_roots.validate()).contains("one index"));
    let childless = framework(
        vec![node("a", 1, Some("Index"))],
        vec![node("P", 2, Some("Index")), node("Index", 3, None)],
    );
    assert!(message(childless.validate()).contains("`P` has no children"));
    // A cycle needs a parent at or below its child's level: refused as such.
    let cycle = framework(
        vec![node("a", 1, Some("P"))],
        vec![
            node("P", 2, Some("Q")),
            node("Q", 2, Some("P")),
            node("Index", 3, None),
        ],
    );
    assert!(message(cycle.validate()).contains("a parent is above its children"));
    let duplicate = framework(
        vec![node("a", 1, Some("Index")), node("a", 1, Some("Index"))],
        vec![node("Index", 2, None)],
    );
    assert!(message(duplicate.validate()).contains("used twice"));
}

fn units(csv: &str) -> Units {
    let mut f = tempfile::Builder::new()
        .suffix(".csv")
        .tempfile()
        .expect("temp");
    f.write_all(csv.as_bytes()).expect("write");
    Units::read(f.path()).expect("units")
}

#[test]
fn data_problems_are_named() {
    let fw = framework(
        vec![node("x", 1, Some("Index")), node("y", 1, Some("Index"))],
        vec![node("Index", 2, None)],
    );
    let u = units("uCode,x,z\nAAA,1,2\nBBB,2,3\nCCC,3,4\n");
    let e = build(&fw, &u, &Pipeline::default()).unwrap_err();
    assert!(matches!(e, IndexError::MissingData(_)));
    assert!(e.to_string().contains("`y`"), "{e}");

    // A geometric mean over a zero: an error naming the aggregate, the child and the unit.
    let u = units("uCode,x,y\nAAA,1,2\nBBB,2,3\nCCC,3,4\n");
    let gmean = Pipeline {
        aggregate: Aggregate::Gmean,
        ..Pipeline::default()
    };
    let e = build(&fw, &u, &gmean).unwrap_err().to_string();
    assert!(
        e.contains("geometric") && e.contains("`Index`") && e.contains("AAA"),
        "{e}"
    );
    // Normalised above zero, it works.
    let shifted = Pipeline {
        aggregate: Aggregate::Gmean,
        normalise: Normalise::Minmax { lo: 1.0, hi: 100.0 },
        ..Pipeline::default()
    };
    let b = build(&fw, &u, &shifted).expect("build");
    let index = b.aggregated().column("Index").expect("Index");
    assert!((index[0] - 1.0).abs() < 1e-12 && (index[2] - 100.0).abs() < 1e-12);

    // A constant indicator cannot be min-max normalised: said, not NaN.
    let u = units("uCode,x,y\nAAA,1,5\nBBB,2,5\nCCC,3,5\n");
    let e = build(&fw, &u, &Pipeline::default())
        .unwrap_err()
        .to_string();
    assert!(e.contains("`y`") && e.contains("same value"), "{e}");

    // Group imputation by a column the data lacks.
    let u = units("uCode,x,y\nAAA,1,\nBBB,2,3\nCCC,3,4\n");
    let by_region = Pipeline {
        impute: Impute::GroupMean("region".into()),
        ..Pipeline::default()
    };
    let e = build(&fw, &u, &by_region).unwrap_err().to_string();
    assert!(e.contains("region"), "{e}");
}

#[test]
fn a_unit_missing_every_child_has_no_score_and_no_rank() {
    let fw = framework(
        vec![node("x", 1, Some("P")), node("y", 1, Some("Q"))],
        vec![
            node("P", 2, Some("Index")),
            node("Q", 2, Some("Index")),
            node("Index", 3, None),
        ],
    );
    let u = units("uCode,x,y\nAAA,,2\nBBB,2,3\nCCC,3,4\n");
    let b = build(&fw, &u, &Pipeline::default()).expect("build");
    let p = b.aggregated().column("P").expect("P");
    assert!(p[0].is_nan());
    // The index takes the children present, weights re-scaled.
    let index = b.aggregated().column("Index").expect("Index");
    assert!((index[0] - 0.0).abs() < 1e-12);
    let r = hallyu_index::ranks(p);
    assert_eq!(r, [None, Some(2), Some(1)]);
}
