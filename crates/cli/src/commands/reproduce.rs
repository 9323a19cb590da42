//! `hallyu reproduce`: the Advanced Guide's published tables, re-estimated.

use crate::args::{OutputFormat, ReproduceArgs};
use crate::output::emit;
use crate::progress::Spinner;
use crate::EXIT_INVALID_RESULT;
use anyhow::{bail, Result};
use hallyu_replicate::run_chapter1;

/// Runs the command; exits with 3 when a published value is missed.
pub fn run(a: ReproduceArgs) -> Result<u8> {
    if a.chapter != 1 {
        bail!(
            "chapter {} is not available; chapter 1 (partial-equilibrium gravity) is",
            a.chapter
        );
    }
    let spinner = Spinner::new("re-estimating Chapter 1", a.output.quiet);
    let outcomes = run_chapter1(&spinner)?;
    drop(spinner);
    let text = match a.output.format {
        OutputFormat::Json => hallyu_report::replication_json(&outcomes),
        OutputFormat::Csv => hallyu_report::replication_csv(&outcomes),
        OutputFormat::Table => hallyu_report::replication_grid(&outcomes).terminal(),
        OutputFormat::Markdown => hallyu_report::replication_grid(&outcomes).markdown(),
        OutputFormat::Latex => hallyu_report::replication_grid(&outcomes).latex(),
    };
    emit(&text, a.output.out.as_deref())?;
    if outcomes.iter().all(|o| o.ok()) {
        Ok(0)
    } else {
        eprintln!("error: some published values were not reproduced within tolerance");
        Ok(EXIT_INVALID_RESULT)
    }
}
