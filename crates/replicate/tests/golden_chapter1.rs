//! Golden test: every Chapter 1 value published for the Advanced Guide is reproduced.

use hallyu_estimate::NoProgress;

#[test]
fn every_published_chapter1_value_is_reproduced() {
    let outcomes = hallyu_replicate::run_chapter1(&NoProgress).expect("replication runs");
    assert_eq!(outcomes.len(), 19, "all specifications are present");
    let mut failures = Vec::new();
    for o in &outcomes {
        if let Some(e) = &o.error {
            failures.push(format!("{}: {e}", o.spec.id));
        }
        if !o.nobs_ok {
            failures.push(format!(
                "{}: nobs {:?} vs published {}",
                o.spec.id,
                o.fit.as_ref().map(|f| f.nobs),
                o.spec.nobs
            ));
        }
        for c in o.comparisons.iter().filter(|c| !c.ok) {
            failures.push(format!(
                "{} {}: estimate {:.6} vs {} ; se {:.6} vs {}",
                o.spec.id,
                c.term,
                c.estimate,
                c.published_estimate,
                c.std_error,
                c.published_std_error
            ));
        }
    }
    assert!(
        failures.is_empty(),
        "{} mismatches:\n{}",
        failures.len(),
        failures.join("\n")
    );
}

#[test]
fn the_comparison_can_fail() {
    // Guard against a vacuous golden test: every published row is compared, and a
    // perturbed published value is caught.
    let outcomes = hallyu_replicate::run_chapter1(&NoProgress).expect("replication runs");
    let compared: usize = outcomes.iter().map(|o| o.comparisons.len()).sum();
    assert_eq!(compared, 129);
    let c = &outcomes[0].comparisons[0];
    assert!((c.estimate - (c.published_estimate + 2e-4)).abs() > c.tolerance_estimate);
}
