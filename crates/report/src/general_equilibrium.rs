//! Layout of general-equilibrium results: the Chapter 2 reproduction and scenario effects.

use crate::grid::{Grid, Row};
use hallyu_replicate::{ApplicationRun, GeCheck, GeRecord};

fn fmt_diff(v: f64) -> String {
    if v == 0.0 {
        "0".into()
    } else {
        format!("{v:.1e}")
    }
}

/// Checks against the references, then headline effects for selected countries.
pub fn chapter2_grids(runs: &[ApplicationRun], checks: &[GeCheck]) -> [Grid; 2] {
    let mut rows = Vec::new();
    for c in checks {
        rows.push(Row::Cells(vec![
            c.application.clone(),
            c.what.clone(),
            c.reference.clone(),
            c.compared.to_string(),
            format!("{} {}", fmt_diff(c.max_diff), c.unit),
            c.worst.clone(),
            format!("{:.0e}", c.tolerance),
            if c.ok() {
                "ok".into()
            } else {
                "MISMATCH".into()
            },
        ]));
    }
    let value = |app: &str, method: &str, country: &str, measure: &str| {
        runs.iter()
            .filter(|r| r.application == app)
            .flat_map(|r| r.records.iter().chain(&r.published))
            .find(|r| r.method == method && r.country == country && r.measure == measure)
            .map_or("-".to_string(), |r| format!("{:.3}", r.value))
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
        effects.push(Row::Text(format!(
            "{app}{}",
            if app == "nafta" {
                " (effect of NAFTA's existence; the book's numbers are not embedded)"
            } else {
                ""
            }
        )));
        for c in countries {
            let mut cells = vec![format!("  {c}")];
            for m in ["change_rGDP_FULL", "change_Xi_FULL", "change_price_FULL"] {
                for method in ["book", "geppml", "exact"] {
                    cells.push(value(app, method, c, m));
                }
            }
            cells.push(value(app, "exact", c, "change_Xi_CDL"));
            effects.push(Row::Cells(cells));
        }
    }
    let effects = Grid {
        title: vec![
            "Headline effects, % change: the book, our GEPPML loop, the exact equilibrium".into(),
        ],
        header: [
            "country",
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
        .map(String::from)
        .to_vec(),
        rows: effects,
        notes: vec![],
    };
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
            "{}: GEPPML stopped after {} iterations (market-clearing residual of its prices {:.2e}); exact solver {} iterations, residual {:.1e}",
            r.application,
            r.rounds.len(),
            r.geppml_market_clearing,
            r.exact.iterations,
            r.exact.market_clearing_residual
        ));
    }
    notes.push("Every number: hallyu reproduce --chapter 2 --format csv".into());
    let checks = Grid {
        title: vec![
            "Yotov, Piermartini, Monteiro and Larch (2016), An Advanced Guide to Trade Policy Analysis, Chapter 2".into(),
            "General equilibrium on the embedded panel: the Guide's GEPPML loop and the exact equilibrium (sigma = 7, DEU numeraire)".into(),
        ],
        header: ["application", "compared", "reference", "n", "max diff", "worst", "tol", "status"]
            .map(String::from)
            .to_vec(),
        rows,
        notes,
    };
    [checks, effects]
}

fn all_records(runs: &[ApplicationRun]) -> impl Iterator<Item = &GeRecord> {
    runs.iter().flat_map(|r| &r.records)
}

/// JSON array of `{application, method, country, measure, value}`.
pub fn chapter2_json(runs: &[ApplicationRun]) -> String {
    let records: Vec<&GeRecord> = all_records(runs).collect();
    serde_json::to_string_pretty(&records)
        .map(|s| s + "\n")
        .unwrap_or_else(|e| format!("{{\"error\": \"{e}\"}}\n"))
}

/// CSV with the same columns as the JSON.
pub fn chapter2_csv(runs: &[ApplicationRun]) -> String {
    let mut w = csv::Writer::from_writer(Vec::new());
    let _ = w.write_record(["application", "method", "country", "measure", "value"]);
    for r in all_records(runs) {
        let _ = w.write_record([
            r.application.as_str(),
            r.method.as_str(),
            r.country.as_str(),
            r.measure.as_str(),
            &format!("{}", r.value),
        ]);
    }
    w.into_inner()
        .map(|b| String::from_utf8_lossy(&b).into_owned())
        .unwrap_or_default()
}
