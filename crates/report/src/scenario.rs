//! Layout of a scenario run: per-country effects (with intervals when draws were made),
//! the cost function, convergence, and pair-level changes on request.

use crate::grid::{Grid, Row};
use hallyu_simulate::{ScenarioResult, MEASURES};

const LABELS: [&str; 7] = [
    "exports CDL %",
    "exports GE %",
    "imports GE %",
    "real GDP %",
    "price %",
    "IMR %",
    "OMR %",
];

/// Effects table (countries sorted by real-GDP change, largest first) and, when pair-level
/// changes were asked for, a table of the pairs whose costs changed.
pub fn scenario_grids(r: &ScenarioResult) -> Vec<Grid> {
    let mut order: Vec<usize> = (0..r.effects.len()).collect();
    order.sort_by(|a, b| {
        r.effects[*b]
            .real_gdp_full
            .total_cmp(&r.effects[*a].real_gdp_full)
    });
    let rows = order
        .iter()
        .map(|&i| {
            let e = &r.effects[i];
            let mut cells = vec![e.country.clone()];
            let iv = r.intervals.iter().find(|c| c.country == e.country);
            for (m, v) in e.values().iter().enumerate() {
                cells.push(match iv {
                    Some(c) => format!(
                        "{v:.3} [{:.3}, {:.3}]",
                        c.measures[m].1.low, c.measures[m].1.high
                    ),
                    None => format!("{v:.3}"),
                });
            }
            Row::Cells(cells)
        })
        .collect();
    let coefs: Vec<String> = r
        .coefficients
        .iter()
        .map(|c| match c.std_error {
            Some(se) => format!("{} {:.4} ({:.4})", c.term, c.estimate, se),
            None => format!("{} {:.4} (given)", c.term, c.estimate),
        })
        .collect();
    let mut notes = vec![
        format!(
            "Cost function: {}{}",
            coefs.join(", "),
            r.estimation_nobs
                .map_or(String::new(), |n| format!("; PPML on {n} observations"))
        ),
        format!(
            "{} solution: {} iterations, largest market-clearing residual {:.1e}; {} directed pairs changed",
            r.convergence.method.name(), r.convergence.iterations, r.convergence.market_clearing_residual, r.changed_pairs
        ),
    ];
    if r.draws > 0 {
        notes.push(format!(
            "[low, high]: 95% interval over {} coefficient draws from the estimated variance ({} could not be solved and are left out); the point is the estimate's equilibrium",
            r.draws, r.draws_failed
        ));
    }
    notes.push("CDL: conditional GE (output and expenditure fixed); GE: full endowment (prices adjust). IMR/OMR: inward/outward multilateral resistance in price-index units.".into());
    notes.extend(r.notes.iter().cloned());
    let mut grids = vec![Grid {
        title: vec![format!(
            "{}{} world, {} countries, sigma {}, numeraire {}, closure {}",
            r.title.as_ref().map_or(String::new(), |t| format!("{t}: ")),
            r.year,
            r.countries,
            r.sigma,
            r.reference,
            r.closure.name()
        )],
        header: std::iter::once("country".to_string())
            .chain(LABELS.iter().map(|s| s.to_string()))
            .collect(),
        rows,
        notes,
    }];
    if !r.bilateral.is_empty() {
        let rows = r
            .bilateral
            .iter()
            .filter(|p| p.changed)
            .map(|p| {
                Row::Cells(vec![
                    p.exporter.clone(),
                    p.importer.clone(),
                    format!("{:.3}", p.baseline),
                    format!("{:.3}", p.change_cdl),
                    format!("{:.3}", p.change_full),
                ])
            })
            .collect();
        grids.push(Grid {
            title: vec![
                "Pairs whose trade costs changed (every pair: --format json or csv)".into(),
            ],
            header: ["exporter", "importer", "baseline flow", "CDL %", "GE %"]
                .map(String::from)
                .to_vec(),
            rows,
            notes: vec![],
        });
    }
    grids
}

/// JSON of the whole result.
pub fn scenario_json(r: &ScenarioResult) -> String {
    serde_json::to_string_pretty(r)
        .map(|s| s + "\n")
        .unwrap_or_else(|e| format!("{{\"error\": \"{e}\"}}\n"))
}

/// CSV: `country,measure,value,median,low,high` (interval columns empty without draws);
/// with pair-level changes, `exporter,importer,...` rows follow in a second block.
pub fn scenario_csv(r: &ScenarioResult) -> String {
    let mut w = csv::Writer::from_writer(Vec::new());
    let _ = w.write_record(["country", "measure", "value", "median", "low", "high"]);
    for e in &r.effects {
        let iv = r.intervals.iter().find(|c| c.country == e.country);
        for (m, v) in e.values().iter().enumerate() {
            let (med, lo, hi) = iv.map_or((String::new(), String::new(), String::new()), |c| {
                let i = c.measures[m].1;
                (i.median.to_string(), i.low.to_string(), i.high.to_string())
            });
            let _ = w.write_record([&e.country, MEASURES[m], &v.to_string(), &med, &lo, &hi]);
        }
    }
    let mut out = w
        .into_inner()
        .map(|b| String::from_utf8_lossy(&b).into_owned())
        .unwrap_or_default();
    if !r.bilateral.is_empty() {
        let mut w = csv::Writer::from_writer(Vec::new());
        let _ = w.write_record([
            "exporter",
            "importer",
            "baseline",
            "change_cdl",
            "change_full",
            "changed",
        ]);
        for p in &r.bilateral {
            let _ = w.write_record([
                p.exporter.as_str(),
                p.importer.as_str(),
                &p.baseline.to_string(),
                &p.change_cdl.to_string(),
                &p.change_full.to_string(),
                if p.changed { "true" } else { "false" },
            ]);
        }
        out.push('\n');
        out.push_str(
            &w.into_inner()
                .map(|b| String::from_utf8_lossy(&b).into_owned())
                .unwrap_or_default(),
        );
    }
    out
}
