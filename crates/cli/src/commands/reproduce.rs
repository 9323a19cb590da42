//! `hallyu reproduce`: the Advanced Guide's published tables, re-estimated.

use crate::args::{OutputFormat, ReproduceArgs};
use crate::exit::usage_bail;
use crate::output::emit;
use crate::progress::Spinner;
use crate::EXIT_INVALID_RESULT;
use anyhow::Result;
use hallyu_replicate::{chapter2_checks, run_chapter1, run_chapter2};

/// Runs the command; exits with 3 when a published value is missed.
pub fn run(a: ReproduceArgs) -> Result<u8> {
    match a.chapter {
        1 => {}
        2 => return chapter2(a),
        c => usage_bail!(
            "chapter {c} is not available; chapters 1 (partial-equilibrium gravity) and 2 (general equilibrium) are"
        ),
    }
    let spinner = Spinner::new("re-estimating Chapter 1", a.output.quiet);
    let outcomes = run_chapter1(&spinner)?;
    drop(spinner);
    let text = match a.output.format {
        OutputFormat::Json => hallyu_report::replication_json(&outcomes)?,
        OutputFormat::Csv => hallyu_report::replication_csv(&outcomes)?,
        OutputFormat::Table => hallyu_report::replication_section(&outcomes).terminal(),
        OutputFormat::Markdown => hallyu_report::replication_section(&outcomes).markdown(),
        OutputFormat::Latex => hallyu_report::replication_section(&outcomes).latex(),
    };
    emit(&text, a.output.out.as_deref())?;
    if outcomes.iter().all(|o| o.ok()) {
        Ok(0)
    } else {
        eprintln!("error: some published values were not reproduced within tolerance");
        Ok(EXIT_INVALID_RESULT)
    }
}

/// Chapter 2: both general-equilibrium applications, both methods.
fn chapter2(a: ReproduceArgs) -> Result<u8> {
    let spinner = Spinner::new("solving Chapter 2", a.output.quiet);
    let runs = run_chapter2(&spinner)?;
    drop(spinner);
    let checks = chapter2_checks(&runs)?;
    let text = match a.output.format {
        OutputFormat::Json => hallyu_report::chapter2_json(&runs)?,
        OutputFormat::Csv => hallyu_report::chapter2_csv(&runs)?,
        f => {
            let grids = hallyu_report::chapter2_sections(&runs, &checks);
            let render = |g: &hallyu_report::Section| match f {
                OutputFormat::Markdown => g.markdown(),
                OutputFormat::Latex => g.latex(),
                _ => g.terminal(),
            };
            grids.iter().map(render).collect::<Vec<_>>().join("\n")
        }
    };
    emit(&text, a.output.out.as_deref())?;
    if checks.iter().all(|c| c.ok()) {
        Ok(0)
    } else {
        eprintln!("error: some reference values were not reproduced within tolerance");
        Ok(EXIT_INVALID_RESULT)
    }
}
