//! Layout of a scenario run: per-country effects (with intervals when draws were made),
//! the cost function, convergence, and pair-level changes on request.

use crate::chart::{Chart, ChartKind, ChartSeries, Positions};
use crate::error::{json, CsvOut, RenderError};
use crate::format::{num, scientific};
use crate::model::{Cell, ColumnSpec, Row, Section, Table};
use hallyu_simulate::{ScenarioResult, MEASURES};

/// What each measure is; every one is a change in percent.
const LABELS: [&str; 7] = [
    "exports CDL",
    "exports GE",
    "imports GE",
    "real GDP",
    "price",
    "IMR",
    "OMR",
];

/// Decimals of a change in percent.
const DECIMALS: usize = 3;

/// Effects table (countries sorted by real-GDP change, largest first) and, when pair-level
/// changes were asked for, a table of the pairs whose costs changed.
pub fn scenario_sections(r: &ScenarioResult) -> Vec<Section> {
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
            let mut cells = vec![Cell::text(&e.country)];
            let iv = r.intervals.iter().find(|c| c.country == e.country);
            for (m, v) in e.values().iter().enumerate() {
                cells.push(match iv.and_then(|c| c.measures.get(m)) {
                    Some((_, i)) => Cell::Interval {
                        value: *v,
                        low: i.low,
                        high: i.high,
                        decimals: DECIMALS,
                    },
                    None => Cell::percent(*v, DECIMALS),
                });
            }
            Row::Cells(cells)
        })
        .collect();
    let coefs: Vec<String> = r
        .coefficients
        .iter()
        .map(|c| match c.std_error {
            Some(se) => format!("{} {} ({})", c.term, num(c.estimate, 4), num(se, 4)),
            None => format!("{} {} (given)", c.term, num(c.estimate, 4)),
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
            "{} solution: {} iterations, largest market-clearing residual {}; {} directed pairs changed",
            r.convergence.method.name(),
            r.convergence.iterations,
            scientific(r.convergence.market_clearing_residual, 1, false),
            r.changed_pairs
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
    let title = vec![format!(
        "{}{} world, {} countries, sigma {}, numeraire {}, closure {}",
        r.title.as_ref().map_or(String::new(), |t| format!("{t}: ")),
        r.year,
        r.countries,
        r.sigma,
        r.reference,
        r.closure.name()
    )];
    let mut effects = Table::new(
        std::iter::once(ColumnSpec::label("country"))
            .chain(LABELS.iter().map(|s| ColumnSpec::in_unit(*s, "%")))
            .collect(),
    );
    effects.rows = rows;
    let mut sections = vec![Section::of_table(title, effects, notes)];
    if !r.bilateral.is_empty() {
        let rows = r
            .bilateral
            .iter()
            .filter(|p| p.changed)
            .map(|p| {
                Row::Cells(vec![
                    Cell::text(&p.exporter),
                    Cell::text(&p.importer),
                    Cell::number(p.baseline, DECIMALS),
                    Cell::percent(p.change_cdl, DECIMALS),
                    Cell::percent(p.change_full, DECIMALS),
                ])
            })
            .collect();
        let mut pairs = Table::new(vec![
            ColumnSpec::label("exporter"),
            ColumnSpec::value("importer"),
            ColumnSpec::value("baseline flow"),
            ColumnSpec::in_unit("CDL", "%"),
            ColumnSpec::in_unit("GE", "%"),
        ]);
        pairs.rows = rows;
        sections.push(Section::of_table(
            vec!["Pairs whose trade costs changed (every pair: in the JSON or CSV format)".into()],
            pairs,
            Vec::new(),
        ));
    }
    sections
}

/// Countries drawn in the effects chart: the largest real-GDP changes.
const CHARTED: usize = 12;

/// The effects a reader looks at first, drawn: for the countries with the largest
/// real-GDP change (either sign), the change in exports, real GDP and the producer price,
/// each with its 95% interval over the draws when there are draws. `None` when no country
/// has an effect.
pub fn scenario_chart(r: &ScenarioResult) -> Option<Chart> {
    let mut order: Vec<usize> = (0..r.effects.len()).collect();
    order.sort_by(|a, b| {
        r.effects[*b]
            .real_gdp_full
            .abs()
            .total_cmp(&r.effects[*a].real_gdp_full.abs())
    });
    order.truncate(CHARTED);
    if order.is_empty() {
        return None;
    }
    // (label, index in MEASURES and in `CountryEffects::values`).
    let shown = [("exports (GE)", 1), ("real GDP", 3), ("price", 4)];
    let series = shown
        .iter()
        .map(|(name, m)| ChartSeries {
            name: (*name).into(),
            values: order
                .iter()
                .map(|&i| {
                    let e = &r.effects[i];
                    let value = e.values()[*m];
                    match r
                        .intervals
                        .iter()
                        .find(|c| c.country == e.country)
                        .and_then(|c| c.measures.get(*m))
                    {
                        Some((_, iv)) => Cell::Interval {
                            value,
                            low: iv.low,
                            high: iv.high,
                            decimals: DECIMALS,
                        },
                        None => Cell::percent(value, DECIMALS),
                    }
                })
                .collect(),
        })
        .collect();
    let intervals = if r.draws > 0 {
        format!(", 95% intervals over {} draws", r.draws)
    } else {
        String::new()
    };
    Some(Chart {
        kind: ChartKind::Bars,
        title: format!(
            "{}effects on the {} most affected countries{intervals}",
            r.title.as_ref().map_or(String::new(), |t| format!("{t}: ")),
            order.len()
        ),
        x_label: "country".into(),
        value_label: "change".into(),
        unit: Some("%".into()),
        x: Positions::Labels(
            order
                .iter()
                .map(|&i| r.effects[i].country.clone())
                .collect(),
        ),
        series,
        reference: None,
    })
}

/// JSON of the whole result.
pub fn scenario_json(r: &ScenarioResult) -> Result<String, RenderError> {
    json("scenario", r)
}

/// CSV: `country,measure,value,median,low,high` (interval columns empty without draws);
/// with pair-level changes, `exporter,importer,...` rows follow in a second block.
pub fn scenario_csv(r: &ScenarioResult) -> Result<String, RenderError> {
    let mut w = CsvOut::new("scenario effects");
    w.record(["country", "measure", "value", "median", "low", "high"])?;
    for e in &r.effects {
        let iv = r.intervals.iter().find(|c| c.country == e.country);
        for (m, v) in e.values().iter().enumerate() {
            let (med, lo, hi) = match iv.and_then(|c| c.measures.get(m)) {
                Some((_, i)) => (i.median.to_string(), i.low.to_string(), i.high.to_string()),
                None => (String::new(), String::new(), String::new()),
            };
            w.record([&e.country, MEASURES[m], &v.to_string(), &med, &lo, &hi])?;
        }
    }
    let mut out = w.finish()?;
    if !r.bilateral.is_empty() {
        let mut w = CsvOut::new("pair-level changes");
        w.record([
            "exporter",
            "importer",
            "baseline",
            "change_cdl",
            "change_full",
            "changed",
        ])?;
        for p in &r.bilateral {
            w.record([
                p.exporter.as_str(),
                p.importer.as_str(),
                &p.baseline.to_string(),
                &p.change_cdl.to_string(),
                &p.change_full.to_string(),
                if p.changed { "true" } else { "false" },
            ])?;
        }
        out.push('\n');
        out.push_str(&w.finish()?);
    }
    Ok(out)
}
