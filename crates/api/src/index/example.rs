//! The embedded example: a creative-trade competitiveness scoreboard of the countries in
//! the trade data, from indicators this project computes. An example of a framework, not
//! an official index.

use crate::indicators::{compute_each, IndicatorsRequest};
use crate::{Context, DataSource, Error, Result};
use hallyu_data::reference::country_by_iso3;
use hallyu_data::{Column, Table};
use hallyu_index::{FrameworkFile, Units};
use hallyu_measure::indicators::Indicators;

/// The example's framework file.
pub const FRAMEWORK: &str = include_str!("example.toml");

/// The blocs a country's integration is measured with: the first it belongs to in the
/// data's last year.
const BLOCS: [&str; 6] = ["eu", "asean", "usmca", "nafta", "mercosur", "eaeu"];

/// The indicators of the framework, in its order (creative RCA last).
const INDICATORS: [&str; 6] = [
    "export_growth",
    "world_share",
    "partner_hhi",
    "top_market_share",
    "bloc_trade_share",
    "creative_rca",
];

/// The example built on `trade`: its framework file, its units and what was assumed.
pub struct Example {
    /// The framework and its steps.
    pub file: FrameworkFile,
    /// One unit per country of the data.
    pub units: Units,
    /// What was computed, left out or assumed, in words.
    pub notes: Vec<String>,
}

/// Computes the example's indicators from `trade`.
pub fn example(ctx: &Context, trade: &DataSource) -> Result<Example> {
    let mut file = FrameworkFile::parse(FRAMEWORK)
        .map_err(|e| Error::internal(format!("the embedded example framework: {e}")))?;
    let mut notes = Vec::new();
    let base = IndicatorsRequest {
        data: trade.clone(),
        ..IndicatorsRequest::new("")
    };
    ctx.stage("computing the example's indicators");
    let mut year = None;
    let mut units: Vec<(String, Option<&'static str>)> = Vec::new();
    let general = compute_each(ctx, &base, |flows, reference| {
        year = flows.years().map(|(_, last)| last);
        for code in flows.countries() {
            if country_by_iso3(code).is_none() {
                continue;
            }
            let bloc = year.and_then(|y| {
                BLOCS
                    .into_iter()
                    .find(|b| reference.bloc(b).is_ok_and(|bloc| bloc.is_member(code, y)))
            });
            units.push((code.clone(), bloc));
        }
        units
            .iter()
            .map(|(c, b)| (c.clone(), b.map(str::to_string)))
            .collect()
    })?;
    let Some(year) = year else {
        return Err(
            hallyu_index::IndexError::Undefined("the trade data has no years".into()).into(),
        );
    };
    let creative = match trade {
        DataSource::Embedded => {
            notes.push(
                "creative specialisation left out: the embedded panel is aggregate manufacturing, without products".into(),
            );
            None
        }
        _ => {
            let req = IndicatorsRequest {
                group: Some("creative".into()),
                ..base.clone()
            };
            match compute_each(ctx, &req, |_, _| {
                units.iter().map(|(c, _)| (c.clone(), None)).collect()
            }) {
                Ok(r) => Some(r),
                Err(e) => {
                    notes.push(format!("creative specialisation left out: {e}"));
                    None
                }
            }
        }
    };
    if creative.is_none() {
        drop_pillar(&mut file, "Specialisation")?;
    }
    let mut columns: Vec<Vec<f64>> = vec![Vec::with_capacity(units.len()); INDICATORS.len()];
    let mut failed = Vec::new();
    for (i, result) in general.iter().enumerate() {
        let values = match result {
            Ok(r) => values(r, year),
            Err(e) => {
                failed.push(format!("{} ({e})", units[i].0));
                [f64::NAN; 5]
            }
        };
        for (c, v) in columns.iter_mut().zip(values) {
            c.push(v);
        }
        let rca = creative
            .as_ref()
            .and_then(|c| c[i].as_ref().ok())
            .and_then(|r| last(r, year))
            .and_then(|y| y.rca)
            .unwrap_or(f64::NAN);
        columns[5].push(rca);
    }
    if !failed.is_empty() {
        notes.push(format!(
            "no indicators for {} countries: {}",
            failed.len(),
            failed.join("; ")
        ));
    }
    let outside = units.iter().filter(|(_, b)| b.is_none()).count();
    notes.insert(
        0,
        format!(
            "the example scoreboard (not an official index) of {} countries in {year}: export growth over the data's years, world share, partner concentration and largest-market share in {year}, and the share of trade with the country's own bloc ({})",
            units.len(),
            BLOCS.join(", ")
        ),
    );
    if outside > 0 {
        notes.push(format!(
            "{outside} countries belong to none of those blocs in {year}: they have no Integration score, and their Scoreboard is the mean of their other pillars"
        ));
    }
    let mut table = Table::new();
    let push = |t: &mut Table, name: &str, c: Column| {
        t.push(name, c)
            .map_err(|e| Error::internal(format!("the example's table: {e}")))
    };
    push(
        &mut table,
        "uCode",
        Column::text_from(units.iter().map(|(c, _)| Some(c.as_str()))),
    )?;
    push(
        &mut table,
        "uName",
        Column::text_from(
            units
                .iter()
                .map(|(c, _)| country_by_iso3(c).map(|k| k.name.as_str())),
        ),
    )?;
    push(
        &mut table,
        "bloc",
        Column::text_from(units.iter().map(|(_, b)| *b)),
    )?;
    for (name, values) in INDICATORS.iter().zip(columns) {
        push(&mut table, name, Column::numbers(values))?;
    }
    let units = Units::from_table(table, "the example's indicators")?;
    Ok(Example { file, units, notes })
}

/// The year's entry of a result.
fn last(r: &Indicators, year: i32) -> Option<&hallyu_measure::indicators::YearIndicators> {
    r.years.iter().rev().find(|y| y.year == year)
}

/// The five general indicators of a country (missing as `NaN`).
fn values(r: &Indicators, year: i32) -> [f64; 5] {
    let y = last(r, year);
    let or_nan = |v: Option<f64>| v.unwrap_or(f64::NAN);
    let growth = r
        .cagr
        .iter()
        .find(|g| g.series == "exports")
        .and_then(|g| g.cagr_pct);
    let top = (r.top_partners.year == year)
        .then(|| r.top_partners.partners.first().map(|p| p.share_pct))
        .flatten();
    [
        or_nan(growth),
        or_nan(y.and_then(|y| y.world_share_pct)),
        or_nan(y.and_then(|y| y.hhi_partners)),
        or_nan(top),
        or_nan(
            y.and_then(|y| y.partner.as_ref())
                .and_then(|p| p.share_of_trade_pct),
        ),
    ]
}

/// Removes an aggregate and its indicators from the framework.
fn drop_pillar(file: &mut FrameworkFile, code: &str) -> Result<()> {
    let fw = &mut file.framework;
    fw.indicators.retain(|n| n.parent.as_deref() != Some(code));
    fw.aggregates.retain(|n| n.code != code);
    fw.validate()
        .map_err(|e| Error::internal(format!("the example framework without {code}: {e}")))
}
