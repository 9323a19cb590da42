//! The runner every fuzz target uses (included by path from each crate's `tests/fuzz.rs`):
//! a bounded number of proptest cases under `cargo test`, or as many as fit in
//! `HALLYU_FUZZ_SECONDS` seconds for a long run.

use proptest::strategy::Strategy;
use proptest::test_runner::{Config, TestCaseError, TestRunner};
use std::fmt::Debug;
use std::time::{Duration, Instant};

/// Runs `test` on values drawn from `strategy`: `cases` of them (or `PROPTEST_CASES`), or
/// as many as fit in `HALLYU_FUZZ_SECONDS` seconds. A failure panics with the smallest
/// failing input proptest finds.
pub fn fuzz<S>(
    name: &str,
    cases: u32,
    strategy: S,
    test: impl Fn(S::Value) -> Result<(), TestCaseError>,
) where
    S: Strategy,
    S::Value: Debug,
{
    let env = |key: &str| std::env::var(key).ok().and_then(|v| v.parse::<u64>().ok());
    let budget = env("HALLYU_FUZZ_SECONDS").map(Duration::from_secs);
    let batch = env("PROPTEST_CASES").map_or(cases, |c| c as u32);
    let config = Config {
        cases: batch,
        failure_persistence: None,
        ..Config::default()
    };
    let started = Instant::now();
    let mut total: u64 = 0;
    loop {
        // Each runner draws a fresh random seed, so batches do not repeat one another.
        let mut runner = TestRunner::new(config.clone());
        if let Err(e) = runner.run(&strategy, &test) {
            panic!("{name}: {e}");
        }
        total += u64::from(batch);
        match budget {
            Some(b) if started.elapsed() < b => continue,
            _ => break,
        }
    }
    if budget.is_some() {
        eprintln!(
            "{name}: {total} cases in {:.0} s, no failure",
            started.elapsed().as_secs_f64()
        );
    }
}
