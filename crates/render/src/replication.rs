//! Layout of a replication: ours next to the published values.

use crate::error::{json, CsvOut, RenderError};
use crate::model::{Cell, ColumnSpec, Row, Section, Table};
use hallyu_replicate::SpecOutcome;

/// One row per published number: spec, term, published and our estimate and SE, the
/// differences, and whether they are within tolerance.
pub fn replication_section(outcomes: &[SpecOutcome]) -> Section {
    let mut rows = Vec::new();
    let (mut ok, mut total) = (0, 0);
    for o in outcomes {
        if !rows.is_empty() {
            rows.push(Row::Rule);
        }
        let nobs = o
            .fit
            .as_ref()
            .map_or("-".to_string(), |f| f.nobs.to_string());
        rows.push(Row::Heading(format!(
            "{}: {}{}  (N {} / published {}{})",
            o.spec.id,
            o.spec.formula,
            if o.spec.sample.is_empty() {
                String::new()
            } else {
                format!(" if {}", o.spec.sample)
            },
            nobs,
            o.spec.nobs,
            if o.nobs_ok { "" } else { ", MISMATCH" }
        )));
        if let Some(e) = &o.error {
            rows.push(Row::Heading(format!("  error: {e}")));
        }
        for c in &o.comparisons {
            total += 1;
            ok += usize::from(c.ok);
            let diff = |value: f64| Cell::Scientific {
                value,
                decimals: 1,
                signed: true,
            };
            rows.push(Row::Cells(vec![
                Cell::text(format!("  {}", c.term)),
                Cell::exact(c.published_estimate),
                Cell::number(c.estimate, 5),
                diff(c.estimate - c.published_estimate),
                Cell::exact(c.published_std_error),
                Cell::number(c.std_error, 5),
                diff(c.std_error - c.published_std_error),
                Cell::text(if c.ok { "ok" } else { "MISMATCH" }),
            ]));
        }
    }
    let all_ok = outcomes.iter().all(SpecOutcome::ok);
    let title = vec![
        "Yotov, Piermartini, Monteiro and Larch (2016), An Advanced Guide to Trade Policy Analysis, Chapter 1".into(),
        "Re-estimated on the embedded panel; standard errors clustered by pair_id with the published correction".into(),
    ];
    let mut table = Table::new(vec![
        ColumnSpec::label("term"),
        ColumnSpec::value("published"),
        ColumnSpec::value("hallyu"),
        ColumnSpec::value("diff"),
        ColumnSpec::value("published SE"),
        ColumnSpec::value("hallyu SE"),
        ColumnSpec::value("diff"),
        ColumnSpec::value("status"),
    ]);
    table.rows = rows;
    let notes = vec![format!(
        "{ok} of {total} published values reproduced within tolerance (1e-4, or half a unit of the last printed digit); {}",
        if all_ok { "all specifications match." } else { "SOME VALUES DIFFER." }
    )];
    Section::of_table(title, table, notes)
}

/// JSON: every specification with its fit and comparisons.
pub fn replication_json(outcomes: &[SpecOutcome]) -> Result<String, RenderError> {
    json("replication", outcomes)
}

/// CSV: one row per published number.
pub fn replication_csv(outcomes: &[SpecOutcome]) -> Result<String, RenderError> {
    let mut w = CsvOut::new("replication");
    w.record([
        "spec",
        "term",
        "published_estimate",
        "estimate",
        "published_std_error",
        "std_error",
        "nobs",
        "published_nobs",
        "ok",
    ])?;
    for o in outcomes {
        for c in &o.comparisons {
            w.record([
                o.spec.id.clone(),
                c.term.clone(),
                c.published_estimate.to_string(),
                c.estimate.to_string(),
                c.published_std_error.to_string(),
                c.std_error.to_string(),
                o.fit.as_ref().map_or(String::new(), |f| f.nobs.to_string()),
                o.spec.nobs.to_string(),
                (c.ok && o.nobs_ok).to_string(),
            ])?;
        }
    }
    w.finish()
}
