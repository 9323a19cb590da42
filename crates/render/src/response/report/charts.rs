//! Charts that compare across a section's calls: the country against its peers, its
//! composition by product group, its trade with the bloc.

use crate::{Cell, Chart, ChartKind, ChartSeries, Positions};
use hallyu_api::report::Report;
use hallyu_api::Response;
use hallyu_measure::indicators::{Indicators, YearIndicators};

/// The indicators a section's calls answered.
pub(super) fn indicators_of<'r>(r: &'r Report, id: &str) -> Vec<&'r Indicators> {
    r.sections
        .iter()
        .filter(|s| s.id == id)
        .flat_map(|s| &s.calls)
        .filter_map(|c| match &c.response {
            Some(Response::Indicators(i)) => Some(i.as_ref()),
            _ => None,
        })
        .collect()
}

/// Charts that compare across a section's calls: the country against its peers (HHI over
/// partners, world share) and the share of its trade with the bloc.
pub(super) fn section_charts(r: &Report, id: &str) -> Vec<Chart> {
    let line = |title: String,
                label: &str,
                unit: &str,
                all: &[&Indicators],
                value: &dyn Fn(&YearIndicators) -> (Option<f64>, &'static str)| {
        // A series per subject, or per partner when the subjects are all one country.
        let by_partner = all.iter().all(|i| i.partner.is_some())
            && all.windows(2).all(|w| w[0].subject == w[1].subject);
        let mut years: Vec<i32> = all
            .iter()
            .flat_map(|i| i.years.iter().map(|y| y.year))
            .collect();
        years.sort_unstable();
        years.dedup();
        let series = all
            .iter()
            .map(|i| ChartSeries {
                name: if by_partner {
                    i.partner.clone().unwrap_or_default()
                } else {
                    i.subject.clone()
                },
                values: years
                    .iter()
                    .map(|year| match i.years.iter().find(|y| y.year == *year) {
                        None => Cell::null(format!("{} has no data for {year}", i.subject)),
                        Some(y) => match value(y) {
                            (Some(v), _) => Cell::number(v, 3),
                            (None, field) => Cell::null(
                                y.undefined
                                    .get(field)
                                    .cloned()
                                    .unwrap_or_else(|| "undefined".to_string()),
                            ),
                        },
                    })
                    .collect(),
            })
            .collect();
        Chart {
            kind: ChartKind::Line,
            title,
            x_label: "year".into(),
            value_label: label.into(),
            unit: (!unit.is_empty()).then(|| unit.to_string()),
            x: Positions::Numbers(years.iter().map(|y| f64::from(*y)).collect()),
            series,
            reference: None,
        }
    };
    match id {
        "markets" => {
            let (partners, peers): (Vec<&Indicators>, Vec<&Indicators>) =
                indicators_of(r, "markets")
                    .into_iter()
                    .partition(|i| i.partner.is_some());
            let mut charts = Vec::new();
            if !partners.is_empty() {
                charts.push(line(
                    format!(
                        "{}: its largest export markets, share of its trade",
                        r.country
                    ),
                    "share of trade",
                    "%",
                    &partners,
                    &|y| {
                        (
                            y.partner.as_ref().and_then(|p| p.share_of_trade_pct),
                            "share_of_trade_pct",
                        )
                    },
                ));
            }
            let mut all = indicators_of(r, "headline");
            all.extend(peers);
            if all.len() < 2 {
                return charts;
            }
            charts.extend([
                line(
                    format!(
                        "{} and its peers: concentration of exports over partners",
                        r.country
                    ),
                    "HHI over partners",
                    "0-10,000",
                    &all,
                    &|y| (y.hhi_partners_points, "hhi_partners"),
                ),
                line(
                    format!("{} and its peers: share of world exports", r.country),
                    "world share",
                    "%",
                    &all,
                    &|y| (y.world_share_pct, "world_share_pct"),
                ),
            ]);
            charts
        }
        "composition" => composition_charts(r),
        "integration" => {
            let all = indicators_of(r, "integration");
            match all.first() {
                Some(i) if i.partner.is_some() => vec![line(
                    format!(
                        "{}: trade with {} as a share of its trade",
                        r.country,
                        i.partner.as_deref().unwrap_or_default()
                    ),
                    "share of trade",
                    "%",
                    &all,
                    &|y| {
                        (
                            y.partner.as_ref().and_then(|p| p.share_of_trade_pct),
                            "share_of_trade_pct",
                        )
                    },
                )],
                _ => Vec::new(),
            }
        }
        _ => Vec::new(),
    }
}

/// Composition and specialisation: the country's exports by subgroup over the years
/// (stacked bars) and the RCA by subgroup of the country and its peers in the last year
/// with data (dots, a line at 1).
fn composition_charts(r: &Report) -> Vec<Chart> {
    let all = indicators_of(r, "composition");
    if all.is_empty() {
        return Vec::new();
    }
    let mut groups: Vec<String> = Vec::new();
    for i in &all {
        if !groups.contains(&i.group) {
            groups.push(i.group.clone());
        }
    }
    let find = |subject: &str, group: &str| {
        all.iter()
            .find(|i| i.subject == subject && i.group == group)
            .copied()
    };
    let short = |g: &str| g.rsplit('.').next().unwrap_or(g).to_string();
    let mut charts = Vec::new();
    let own: Vec<&Indicators> = all
        .iter()
        .filter(|i| i.subject == r.country)
        .copied()
        .collect();
    let mut years: Vec<i32> = own
        .iter()
        .flat_map(|i| i.years.iter().map(|y| y.year))
        .collect();
    years.sort_unstable();
    years.dedup();
    if !years.is_empty() {
        let unit = own
            .first()
            .map(|i| i.unit.clone())
            .filter(|u| !u.is_empty());
        charts.push(Chart {
            kind: ChartKind::StackedBars,
            title: format!("{}: exports by product group", r.country),
            x_label: "year".into(),
            value_label: "exports".into(),
            unit,
            x: Positions::Labels(years.iter().map(|y| y.to_string()).collect()),
            series: groups
                .iter()
                .map(|g| ChartSeries {
                    name: short(g),
                    values: years
                        .iter()
                        .map(|year| {
                            match find(&r.country, g)
                                .and_then(|i| i.years.iter().find(|y| y.year == *year))
                            {
                                Some(y) => Cell::number(y.exports, 0),
                                None => Cell::null(format!("no data on {g} in {year}")),
                            }
                        })
                        .collect(),
                })
                .collect(),
            reference: None,
        });
    }
    let mut subjects = vec![r.country.clone()];
    subjects.extend(r.peers.iter().cloned());
    let last = years.last().copied();
    if let Some(last) = last {
        charts.push(Chart {
            kind: ChartKind::Dots,
            title: format!(
                "Specialisation by product group, {last}: {} and its peers (RCA)",
                r.country
            ),
            x_label: "product group".into(),
            value_label: "RCA".into(),
            unit: None,
            x: Positions::Labels(groups.iter().map(|g| short(g)).collect()),
            series: subjects
                .iter()
                .map(|s| ChartSeries {
                    name: s.clone(),
                    values: groups
                        .iter()
                        .map(|g| {
                            match find(s, g).and_then(|i| i.years.iter().find(|y| y.year == last)) {
                                Some(y) => match y.rca {
                                    Some(v) => Cell::number(v, 2),
                                    None => Cell::null(
                                        y.undefined
                                            .get("rca")
                                            .cloned()
                                            .unwrap_or_else(|| "undefined".into()),
                                    ),
                                },
                                None => Cell::null(format!("no data for {s} on {g} in {last}")),
                            }
                        })
                        .collect(),
                })
                .collect(),
            reference: Some(crate::Reference {
                value: 1.0,
                label: "RCA = 1: as specialised as the world".into(),
            }),
        });
    }
    charts
}
