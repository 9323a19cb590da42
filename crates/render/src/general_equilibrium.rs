//! Layout of general-equilibrium results: the Chapter 2 reproduction and scenario effects.

use crate::error::{json, CsvOut, RenderError};
use crate::format::scientific;
use crate::model::{Cell, ColumnSpec, Row, Section, Table};
use hallyu_replicate::{ApplicationRun, GeCheck, GeRecord};

/// Checks against the references, then headline effects for selected countries.
pub fn chapter2_sections(runs: &[ApplicationRun], checks: &[GeCheck]) -> [Section; 2] {
    let mut rows = Vec::new();
    for c in checks {
        rows.push(Row::Cells(vec![
            Cell::text(&c.application),
            Cell::text(&c.what),
            Cell::text(&c.reference),
            Cell::integer(c.compared),
            Cell::Difference {
                value: c.max_diff,
                unit: Some(c.unit.clone()),
            },
            Cell::text(&c.worst),
            Cell::Scientific {
                value: c.tolerance,
                decimals: 0,
                signed: false,
            },
            Cell::text(if c.ok() { "ok" } else { "MISMATCH" }),
        ]));
    }
    let value = |app: &str, method: &str, country: &str, measure: &str| {
        runs.iter()
            .filter(|r| r.application == app)
            .flat_map(|r| r.records.iter().chain(&r.published))
            .find(|r| r.method == method && r.country == country && r.measure == measure)
            .map_or_else(
                || Cell::null(format!("no {method} value of {measure} for {country}")),
                |r| Cell::percent(r.value, 3),
            )
    };
    let mut effects = Vec::new();
    for (app, countries) in [
        (
            "trade_without_borders",
            ["USA", "CAN", "MEX", "DEU", "CHN", "JPN", "KOR"].as_slice(),
        ),
        (
            "nafta",
            ["CAN", "MEX", "USA", "DEU", "JPN", "KOR"].as_slice(),
        ),
    ] {
        if !effects.is_empty() {
            effects.push(Row::Rule);
        }
        effects.push(Row::Heading(format!(
            "{app}{}",
            if app == "nafta" {
                " (effect of NAFTA's existence; the book's numbers are not embedded)"
            } else {
                ""
            }
        )));
        for c in countries {
            let mut cells = vec![Cell::text(format!("  {c}"))];
            for m in ["change_rGDP_FULL", "change_Xi_FULL", "change_price_FULL"] {
                for method in ["book", "geppml", "exact"] {
                    cells.push(value(app, method, c, m));
                }
            }
            cells.push(value(app, "exact", c, "change_Xi_CDL"));
            effects.push(Row::Cells(cells));
        }
    }
    let mut table = Table::new(
        std::iter::once(ColumnSpec::label("country"))
            .chain(
                [
                    "rGDP book",
                    "GEPPML",
                    "exact",
                    "exports book",
                    "GEPPML",
                    "exact",
                    "price book",
                    "GEPPML",
                    "exact",
                    "exports CDL",
                ]
                .map(ColumnSpec::value),
            )
            .collect(),
    )
    .null_text("-");
    table.rows = effects;
    let effects = Section::of_table(
        vec!["Headline effects, % change: the book, our GEPPML loop, the exact equilibrium".into()],
        table,
        Vec::new(),
    );
    let ok = checks.iter().filter(|c| c.ok()).count();
    let mut notes = vec![format!(
        "{ok} of {} checks within tolerance; {}",
        checks.len(),
        if ok == checks.len() {
            "Chapter 2 reproduced."
        } else {
            "SOME CHECKS FAIL."
        }
    )];
    for r in runs {
        notes.push(format!(
            "{}: GEPPML stopped after {} iterations (market-clearing residual of its prices {}); exact solver {} iterations, residual {}",
            r.application,
            r.rounds.len(),
            scientific(r.geppml_market_clearing, 2, false),
            r.exact.iterations,
            scientific(r.exact.market_clearing_residual, 1, false)
        ));
    }
    // Said in words: the same report is rendered for every front end, which each have
    // their own way to ask for a format.
    notes.push("Every number: chapter 2 reproduced in the CSV format".into());
    let title = vec![
        "Yotov, Piermartini, Monteiro and Larch (2016), An Advanced Guide to Trade Policy Analysis, Chapter 2".into(),
        "General equilibrium on the embedded panel: the Guide's GEPPML loop and the exact equilibrium (sigma = 7, DEU numeraire)".into(),
    ];
    let mut table = Table::new(
        std::iter::once(ColumnSpec::label("application"))
            .chain(
                [
                    "compared",
                    "reference",
                    "n",
                    "max diff",
                    "worst",
                    "tol",
                    "status",
                ]
                .map(ColumnSpec::value),
            )
            .collect(),
    );
    table.rows = rows;
    let checks = Section::of_table(title, table, notes);
    [checks, effects]
}

fn all_records(runs: &[ApplicationRun]) -> impl Iterator<Item = &GeRecord> {
    runs.iter().flat_map(|r| &r.records)
}

/// JSON array of `{application, method, country, measure, value}`.
pub fn chapter2_json(runs: &[ApplicationRun]) -> Result<String, RenderError> {
    let records: Vec<&GeRecord> = all_records(runs).collect();
    json("Chapter 2 records", &records)
}

/// CSV with the same columns as the JSON.
pub fn chapter2_csv(runs: &[ApplicationRun]) -> Result<String, RenderError> {
    let mut w = CsvOut::new("Chapter 2 records");
    w.record(["application", "method", "country", "measure", "value"])?;
    for r in all_records(runs) {
        w.record([
            r.application.as_str(),
            r.method.as_str(),
            r.country.as_str(),
            r.measure.as_str(),
            &format!("{}", r.value),
        ])?;
    }
    w.finish()
}
