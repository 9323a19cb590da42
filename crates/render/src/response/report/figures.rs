//! The report's key figures: its answer in a dozen lines.

use super::charts::indicators_of;
use crate::{Cell, ColumnSpec, Row, Table};
use hallyu_api::report::Report;
use hallyu_api::Response;
use hallyu_measure::claims::Verdict;

/// The report's answer in a dozen lines: the headline figures, each with where it comes
/// from; every one is a number of a section below.
pub(super) fn key_figures(r: &Report) -> Table {
    let mut t = Table::new(vec![
        ColumnSpec::label("figure"),
        ColumnSpec::label("value"),
    ]);
    // The section a figure comes from is named in the figure (the table stays narrow
    // enough for a phone).
    let mut row = |figure: String, value: String, _section: &str| {
        t.rows
            .push(Row::Cells(vec![Cell::text(figure), Cell::text(value)]));
    };
    let responses = |id: &str| -> Vec<&Response> {
        r.sections
            .iter()
            .filter(|s| s.id == id)
            .flat_map(|s| &s.calls)
            .filter_map(|c| c.response.as_ref())
            .collect()
    };
    let num = crate::num;
    if let Some(i) = indicators_of(r, "headline").first() {
        if let Some(y) = i.years.last() {
            row(
                format!("Exports of {}, {} ({})", r.country, y.year, i.group),
                format!("{} {}", num(y.exports, 0), i.unit),
                "Headline",
            );
            if let Some(g) = i.cagr.iter().find(|g| g.series == "exports") {
                if let Some(c) = g.cagr_pct {
                    row(
                        format!("Growth of exports, {}-{}", g.from, g.to),
                        format!("{} % a year", num(c, 2)),
                        "Headline",
                    );
                }
            }
            if let Some(w) = y.world_share_pct {
                row(
                    format!("Share of world exports, {}", y.year),
                    format!("{} %", num(w, 2)),
                    "Headline",
                );
            }
        }
        if let Some(p) = i.top_partners.partners.first() {
            row(
                format!("Largest export market, {}", i.top_partners.year),
                format!("{}, {} % of exports", p.partner, num(p.share_pct, 1)),
                "Markets",
            );
        }
    }
    if let Some(i) = indicators_of(r, "integration").first() {
        if let (Some(y), Some(bloc)) = (i.years.last(), &i.partner) {
            if let Some(share) = y.partner.as_ref().and_then(|p| p.share_of_trade_pct) {
                row(
                    format!("Trade with {bloc}, share of total trade, {}", y.year),
                    format!("{} %", num(share, 1)),
                    "Regional integration",
                );
            }
        }
    }
    for resp in responses("gravity") {
        match resp {
            Response::Fit(f) => {
                // The RTA effect of the model with pair effects.
                let pair = f
                    .fits
                    .iter()
                    .filter(|fit| fit.formula.contains("pair_id"))
                    .find_map(|fit| fit.coef("rta"));
                if let Some(c) = pair {
                    row(
                        "Trade agreement effect (PPML, pair effects)".into(),
                        format!(
                            "{} (s.e. {}): {} % more trade",
                            num(c.estimate, 3),
                            num(c.std_error, 3),
                            num((c.estimate.exp() - 1.0) * 100.0, 0)
                        ),
                        "Trade costs",
                    );
                }
            }
            Response::Potential(p) => {
                if let Some(m) = p.potential.untapped(1).next() {
                    row(
                        format!("Largest untapped market, {}", p.potential.year),
                        format!(
                            "{} ({} observed, {} predicted{})",
                            m.partner,
                            num(m.actual, 0),
                            num(m.predicted, 0),
                            p.potential
                                .unit
                                .as_ref()
                                .map_or(String::new(), |u| format!(", {u}"))
                        ),
                        "Export potential",
                    );
                }
            }
            _ => {}
        }
    }
    for resp in responses("scenario") {
        if let Response::Scenario(x) = resp {
            if let Some(e) = x.effects.iter().find(|e| e.country == r.country) {
                let interval = x
                    .intervals
                    .iter()
                    .find(|c| c.country == r.country)
                    .and_then(|c| c.measures.get(3))
                    .map_or(String::new(), |(_, iv)| {
                        format!(" [{}, {}]", num(iv.low, 3), num(iv.high, 3))
                    });
                row(
                    format!("Scenario: real GDP of {}", r.country),
                    format!("{} %{interval}", num(e.real_gdp_full, 3)),
                    "Policy scenario",
                );
            }
        }
    }
    let (mut consistent, mut inconsistent, mut unknown) = (0, 0, 0);
    for resp in responses("claims") {
        match resp {
            Response::Claim(c) => match c.verdict() {
                Verdict::Consistent => consistent += 1,
                Verdict::Inconsistent { .. } => inconsistent += 1,
                Verdict::NotCheckable { .. } => unknown += 1,
            },
            Response::Projection(p) if p.consistent => consistent += 1,
            Response::Projection(_) => inconsistent += 1,
            _ => {}
        }
    }
    if consistent + inconsistent + unknown > 0 {
        row(
            "Claims checked".into(),
            format!(
                "{consistent} consistent, {inconsistent} not consistent, {unknown} not checkable"
            ),
            "Claims check",
        );
    }
    t
}
