//! Trade indicators of a country or bloc for a product group, year by year.
//!
//! Notation: `X_{i→j,k,t}` is the value of the flow from exporter `i` to importer `j` of
//! product `k` in year `t`; `S_t` is the set of subject countries in year `t` (one
//! country, or a bloc's members that year), `P_t` the partner's; `G` is the product group.
//! Intra-national flows (`i = j`) are never counted.
//!
#![doc = include_str!("definitions.txt")]
//!
//! Bloc membership is applied year by year: a country counts for a bloc in year `t` when
//! the membership test says so for `t` (the built-in blocs use membership on 31 December).
//! Flows with `WLD` (world or unspecified partner) count in totals and in no bloc.
//!
//! A value whose denominator is zero (or whose previous year is missing) is `None`, with
//! the reason in the year's `undefined` map, never a `NaN` shown as a number.

use crate::flows::Flows;
use crate::formulas::{balassa_rca, cagr_pct, growth_pct, hhi, share_pct};
use crate::select::{Countries, Products};
use crate::MeasureError;
use serde::Serialize;
use std::collections::BTreeMap;

/// The formulas of every indicator, as plain text (for `--help` and documentation).
pub const DEFINITIONS: &str = include_str!("definitions.txt");

/// What to compute.
#[derive(Debug)]
pub struct Request<'a> {
    /// The country or bloc measured.
    pub subject: &'a Countries<'a>,
    /// The partner country or bloc (for bilateral flows and the bloc share), if any.
    pub partner: Option<&'a Countries<'a>>,
    /// The product group.
    pub products: &'a Products<'a>,
    /// First and last year reported (inclusive); `None`: every year of the data.
    pub years: Option<(i32, i32)>,
    /// Window of the compound annual growth rates; `None`: the first and last reported
    /// year.
    pub cagr_window: Option<(i32, i32)>,
    /// How many partners to rank.
    pub top: usize,
    /// Unit of the values (e.g. `USD`, `million USD`), carried into the result.
    pub unit: String,
}

/// The subject's flows with the partner in one year.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct PartnerTrade {
    /// Partner countries present in the data that year.
    pub members: Vec<String>,
    /// `Σ_{i∈S, j∈P, i≠j, k∈G} X_{i→j,k,t}`.
    pub exports_to: f64,
    /// `Σ_{i∈P, j∈S, i≠j, k∈G} X_{i→j,k,t}`.
    pub imports_from: f64,
    /// `exports_to + imports_from`.
    pub trade_with: f64,
    /// `trade_with / total_trade · 100`.
    pub share_of_trade_pct: Option<f64>,
}

/// Every indicator of one year.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct YearIndicators {
    /// The year.
    pub year: i32,
    /// Subject countries present in the data that year.
    pub members: Vec<String>,
    /// Exports of the group to every other country.
    pub exports: f64,
    /// Imports of the group from every other country.
    pub imports: f64,
    /// `exports − imports`.
    pub balance: f64,
    /// `exports + imports`.
    pub total_trade: f64,
    /// Growth of exports on the previous year, percent.
    pub exports_yoy_pct: Option<f64>,
    /// Growth of imports on the previous year, percent.
    pub imports_yoy_pct: Option<f64>,
    /// Share of world exports of the group, percent.
    pub world_share_pct: Option<f64>,
    /// Balassa revealed comparative advantage in the group.
    pub rca: Option<f64>,
    /// Herfindahl–Hirschman index of exports over partner countries, 0–1.
    pub hhi_partners: Option<f64>,
    /// The same on the 0–10,000 scale.
    pub hhi_partners_points: Option<f64>,
    /// Herfindahl–Hirschman index of exports over the group's products, 0–1.
    pub hhi_products: Option<f64>,
    /// The same on the 0–10,000 scale.
    pub hhi_products_points: Option<f64>,
    /// Flows with the partner, when one was given.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub partner: Option<PartnerTrade>,
    /// Why a value above is `None` (field name → reason).
    pub undefined: BTreeMap<String, String>,
}

/// A compound annual growth rate over a window.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct GrowthRate {
    /// `exports`, `imports` or `trade_with_partner`.
    pub series: String,
    /// First year of the window.
    pub from: i32,
    /// Last year of the window.
    pub to: i32,
    /// Value in the first year.
    pub start_value: f64,
    /// Value in the last year.
    pub end_value: f64,
    /// `((end / start)^(1/(to − from)) − 1) · 100`.
    pub cagr_pct: Option<f64>,
    /// Why `cagr_pct` is `None`.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub undefined: Option<String>,
}

/// One partner's part of the subject's exports.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct PartnerShare {
    /// Partner ISO3 code.
    pub partner: String,
    /// Exports of the group to it.
    pub exports: f64,
    /// Its share of the subject's exports of the group, percent.
    pub share_pct: f64,
}

/// The largest destinations of the subject's exports in the last reported year.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct TopPartners {
    /// The year ranked.
    pub year: i32,
    /// Partners by decreasing exports (ties by code); only partners with exports.
    pub partners: Vec<PartnerShare>,
}

/// The result of [`compute`].
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Indicators {
    /// Subject name (ISO3 code or bloc name).
    pub subject: String,
    /// Whether the subject is a bloc (totals follow the bloc convention).
    pub subject_is_bloc: bool,
    /// Partner name, if any.
    pub partner: Option<String>,
    /// Product group name.
    pub group: String,
    /// Unit of every value.
    pub unit: String,
    /// One entry per reported year.
    pub years: Vec<YearIndicators>,
    /// Compound annual growth rates over the window.
    pub cagr: Vec<GrowthRate>,
    /// Largest partners in the last reported year.
    pub top_partners: TopPartners,
    /// What was skipped or assumed, in words.
    pub notes: Vec<String>,
    /// How the product group was applied in the data's HS editions, when it is defined
    /// in some (set by the caller, which resolves the group).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub group_editions: Option<crate::editions::GroupEditions>,
}

/// Sums over the rows, for every year of the data.
struct Totals {
    first_year: i32,
    nyears: usize,
    ncountries: usize,
    rows: Vec<usize>,
    world_all: Vec<f64>,
    world_group: Vec<f64>,
    exports_all: Vec<f64>,
    exports: Vec<f64>,
    imports: Vec<f64>,
    exports_to_partner: Vec<f64>,
    imports_from_partner: Vec<f64>,
    /// `year × country`: the country has a flow that year.
    seen: Vec<bool>,
    subject: Vec<bool>,
    partner: Vec<bool>,
    /// Per reported year: exports by partner country and by product.
    by_partner: Vec<Vec<f64>>,
    by_product: Vec<Vec<f64>>,
    skipped_missing: usize,
    domestic: usize,
    /// Per product level: it has a counted flow (not intra-national, nothing missing).
    traded: Vec<bool>,
    /// Per product level: it is in the group.
    in_group: Vec<bool>,
}

impl Totals {
    fn t(&self, year: i32) -> Option<usize> {
        let t = usize::try_from(year - self.first_year).ok()?;
        (t < self.nyears).then_some(t)
    }

    fn has_rows(&self, year: i32) -> bool {
        self.t(year).is_some_and(|t| self.rows[t] > 0)
    }

    fn members_of(&self, set: &[bool], countries: &[String], t: usize) -> Vec<String> {
        let base = t * self.ncountries;
        let mut m: Vec<String> = (0..self.ncountries)
            .filter(|&c| set[base + c] && self.seen[base + c])
            .map(|c| countries[c].clone())
            .collect();
        m.sort();
        m
    }
}

fn invalid(msg: String) -> MeasureError {
    MeasureError::InvalidRequest(msg)
}

fn membership(set: &Countries, countries: &[String], first: i32, nyears: usize) -> Vec<bool> {
    let mut m = Vec::with_capacity(nyears * countries.len());
    for t in 0..nyears {
        let year = first + t as i32;
        m.extend(countries.iter().map(|c| set.contains(c, year)));
    }
    m
}

fn accumulate(flows: &Flows, req: &Request, span: (i32, i32), reported: (i32, i32)) -> Totals {
    let countries = flows.countries();
    let nc = countries.len();
    let nyears = (span.1 - span.0 + 1) as usize;
    let subject = membership(req.subject, countries, span.0, nyears);
    let partner = match req.partner {
        Some(p) => membership(p, countries, span.0, nyears),
        None => vec![false; nyears * nc],
    };
    let in_group: Vec<bool> = flows
        .product_levels()
        .iter()
        .enumerate()
        .map(|(k, code)| {
            req.products
                .contains_in(code, flows.product_classification(k))
        })
        .collect();
    let nreported = (reported.1 - reported.0 + 1) as usize;
    let zeros = vec![0.0; nyears];
    let mut s = Totals {
        first_year: span.0,
        nyears,
        ncountries: nc,
        rows: vec![0; nyears],
        world_all: zeros.clone(),
        world_group: zeros.clone(),
        exports_all: zeros.clone(),
        exports: zeros.clone(),
        imports: zeros.clone(),
        exports_to_partner: zeros.clone(),
        imports_from_partner: zeros,
        seen: vec![false; nyears * nc],
        subject,
        partner,
        by_partner: vec![vec![0.0; nc]; nreported],
        by_product: vec![vec![0.0; in_group.len()]; nreported],
        skipped_missing: 0,
        domestic: 0,
        traded: vec![false; in_group.len()],
        in_group,
    };
    for r in 0..flows.len() {
        let (y, v) = (flows.year[r], flows.value[r]);
        let (ec, ic) = (flows.exporter.codes[r], flows.importer.codes[r]);
        let product = flows.product_code(r);
        if y.is_nan()
            || v.is_nan()
            || ec == hallyu_data::MISSING_CODE
            || ic == hallyu_data::MISSING_CODE
        {
            s.skipped_missing += 1;
            continue;
        }
        let Some(k) = product else {
            s.skipped_missing += 1;
            continue;
        };
        let (e, i) = (
            flows.exporter_country[ec as usize] as usize,
            flows.importer_country[ic as usize] as usize,
        );
        let t = (y as i32 - span.0) as usize;
        s.rows[t] += 1;
        if e == i {
            s.domestic += 1;
            continue;
        }
        let base = t * nc;
        s.seen[base + e] = true;
        s.seen[base + i] = true;
        s.world_all[t] += v;
        s.traded[k as usize] = true;
        let from_subject = s.subject[base + e];
        if from_subject {
            s.exports_all[t] += v;
        }
        if !s.in_group[k as usize] {
            continue;
        }
        s.world_group[t] += v;
        let detail = (y as i32 >= reported.0 && y as i32 <= reported.1)
            .then(|| (y as i32 - reported.0) as usize);
        if from_subject {
            s.exports[t] += v;
            if s.partner[base + i] {
                s.exports_to_partner[t] += v;
            }
            if let Some(d) = detail {
                s.by_partner[d][i] += v;
                s.by_product[d][k as usize] += v;
            }
        }
        if s.subject[base + i] {
            s.imports[t] += v;
            if s.partner[base + e] {
                s.imports_from_partner[t] += v;
            }
        }
    }
    s
}

/// What the group makes true whatever the flows, when anything: a group holding every
/// traded product has the world's trade in its numerator and denominator alike (RCA 1), a
/// group of one traded product has one share (product HHI 10,000).
fn by_construction(s: &Totals) -> Option<String> {
    let traded = s.traded.iter().filter(|&&t| t).count();
    let in_group = s
        .traded
        .iter()
        .zip(&s.in_group)
        .filter(|(&t, &g)| t && g)
        .count();
    match (in_group == traded, in_group) {
        (_, 0) => None,
        (true, 1) => Some(
            "the group is the only product traded in the data: RCA is 1 and HHI over products \
             10,000 by construction"
                .into(),
        ),
        (true, n) => Some(format!(
            "the group is every product traded in the data ({n} products): RCA is 1 by \
             construction"
        )),
        (false, 1) => Some(
            "the group holds one product traded in the data: HHI over products is 10,000 by \
             construction"
                .into(),
        ),
        (false, _) => None,
    }
}

/// Stores `Ok` values and records the reason of `Err` ones under `field`.
fn defined(
    undefined: &mut BTreeMap<String, String>,
    field: &str,
    r: Result<f64, String>,
) -> Option<f64> {
    match r {
        Ok(v) => Some(v),
        Err(why) => {
            undefined.insert(field.to_string(), why);
            None
        }
    }
}

fn year_row(
    s: &Totals,
    req: &Request,
    countries: &[String],
    year: i32,
    t: usize,
    d: usize,
) -> YearIndicators {
    let mut undefined = BTreeMap::new();
    let previous = |series: &[f64]| -> Result<f64, String> {
        match s.t(year - 1).filter(|&p| s.rows[p] > 0) {
            Some(p) => Ok(series[p]),
            None => Err(format!("no data for {}", year - 1)),
        }
    };
    let yoy = |series: &[f64]| previous(series).and_then(|p| growth_pct(p, series[t]));
    let exports_yoy_pct = defined(&mut undefined, "exports_yoy_pct", yoy(&s.exports));
    let imports_yoy_pct = defined(&mut undefined, "imports_yoy_pct", yoy(&s.imports));
    let world_share_pct = defined(
        &mut undefined,
        "world_share_pct",
        share_pct(s.exports[t], s.world_group[t], "world exports of the group"),
    );
    let rca = defined(
        &mut undefined,
        "rca",
        balassa_rca(
            s.exports[t],
            s.exports_all[t],
            s.world_group[t],
            s.world_all[t],
        ),
    );
    let no_exports = |r: Result<f64, String>| r.map_err(|_| "no exports of the group".to_string());
    let hhi_partners = defined(
        &mut undefined,
        "hhi_partners",
        no_exports(hhi(s.by_partner[d].iter().copied())),
    );
    let hhi_products = defined(
        &mut undefined,
        "hhi_products",
        no_exports(hhi(s.by_product[d].iter().copied())),
    );
    for (field, v) in [
        ("hhi_partners", hhi_partners),
        ("hhi_products", hhi_products),
    ] {
        if v.is_none() {
            let why = undefined[field].clone();
            undefined.insert(format!("{field}_points"), why);
        }
    }
    let total_trade = s.exports[t] + s.imports[t];
    let partner = req.partner.map(|_| {
        let trade_with = s.exports_to_partner[t] + s.imports_from_partner[t];
        PartnerTrade {
            members: s.members_of(&s.partner, countries, t),
            exports_to: s.exports_to_partner[t],
            imports_from: s.imports_from_partner[t],
            trade_with,
            share_of_trade_pct: defined(
                &mut undefined,
                "partner.share_of_trade_pct",
                share_pct(trade_with, total_trade, "total trade"),
            ),
        }
    });
    YearIndicators {
        year,
        members: s.members_of(&s.subject, countries, t),
        exports: s.exports[t],
        imports: s.imports[t],
        balance: s.exports[t] - s.imports[t],
        total_trade,
        exports_yoy_pct,
        imports_yoy_pct,
        world_share_pct,
        rca,
        hhi_partners,
        hhi_partners_points: hhi_partners.map(|h| h * 10_000.0),
        hhi_products,
        hhi_products_points: hhi_products.map(|h| h * 10_000.0),
        partner,
        undefined,
    }
}

fn top_partners(
    s: &Totals,
    countries: &[String],
    year: i32,
    t: usize,
    d: usize,
    n: usize,
) -> TopPartners {
    let total = s.exports[t];
    let mut ranked: Vec<(usize, f64)> = s.by_partner[d]
        .iter()
        .copied()
        .enumerate()
        .filter(|(_, x)| *x > 0.0)
        .collect();
    ranked.sort_by(|a, b| {
        b.1.total_cmp(&a.1)
            .then_with(|| countries[a.0].cmp(&countries[b.0]))
    });
    TopPartners {
        year,
        partners: ranked
            .into_iter()
            .take(n)
            .map(|(c, x)| PartnerShare {
                partner: countries[c].clone(),
                exports: x,
                share_pct: x / total * 100.0,
            })
            .collect(),
    }
}

fn growth_rates(s: &Totals, req: &Request, window: (i32, i32)) -> Vec<GrowthRate> {
    let (a, b) = window;
    let (ta, tb) = match (s.t(a), s.t(b)) {
        (Some(ta), Some(tb)) => (ta, tb),
        _ => return Vec::new(),
    };
    let mut series: Vec<(&str, Vec<f64>)> = vec![
        ("exports", s.exports.clone()),
        ("imports", s.imports.clone()),
    ];
    if req.partner.is_some() {
        let trade: Vec<f64> = s
            .exports_to_partner
            .iter()
            .zip(&s.imports_from_partner)
            .map(|(x, m)| x + m)
            .collect();
        series.push(("trade_with_partner", trade));
    }
    series
        .into_iter()
        .map(|(name, x)| {
            let r = cagr_pct(a, x[ta], b, x[tb]);
            GrowthRate {
                series: name.to_string(),
                from: a,
                to: b,
                start_value: x[ta],
                end_value: x[tb],
                cagr_pct: r.as_ref().ok().copied(),
                undefined: r.err(),
            }
        })
        .collect()
}

fn span_text((a, b): (i32, i32)) -> String {
    if a == b {
        a.to_string()
    } else {
        format!("{a}–{b}")
    }
}

/// Computes every indicator for the years asked.
///
/// Errors: no usable year in the data, a year range or CAGR window outside the data, or a
/// subject with no flows in any reported year.
pub fn compute(flows: &Flows, req: &Request) -> Result<Indicators, MeasureError> {
    let span = flows.years().ok_or_else(|| {
        invalid(format!(
            "the data has no row with a year (column `{}`)",
            flows.columns().year
        ))
    })?;
    let asked = req.years.unwrap_or(span);
    if asked.0 > asked.1 {
        return Err(invalid(format!(
            "the year range {}:{} is reversed; write FIRST:LAST",
            asked.0, asked.1
        )));
    }
    let reported = (asked.0.max(span.0), asked.1.min(span.1));
    if reported.0 > reported.1 {
        return Err(invalid(format!(
            "no data in {}: the data covers {}",
            span_text(asked),
            span_text(span)
        )));
    }
    let s = accumulate(flows, req, span, reported);
    let countries = flows.countries();
    let mut notes = Vec::new();
    if asked != reported {
        notes.push(format!(
            "the data covers {}; years outside it are not reported",
            span_text(span)
        ));
    }
    let mut rows = Vec::new();
    let mut absent = Vec::new();
    let mut last: Option<(i32, usize, usize)> = None;
    for year in reported.0..=reported.1 {
        let (Some(t), d) = (s.t(year), (year - reported.0) as usize) else {
            continue;
        };
        if s.rows[t] == 0 {
            notes.push(format!("no data for {year}"));
            continue;
        }
        if s.members_of(&s.subject, countries, t).is_empty() {
            absent.push(year);
            continue;
        }
        rows.push(year_row(&s, req, countries, year, t, d));
        last = Some((year, t, d));
    }
    let Some((last_year, lt, ld)) = last else {
        return Err(invalid(format!(
            "`{}` has no flows in the data in {}{}",
            req.subject.name(),
            span_text(reported),
            if req.subject.is_bloc() {
                " (no member of the bloc appears as exporter or importer)"
            } else {
                ""
            }
        )));
    };
    if !absent.is_empty() {
        notes.push(format!(
            "`{}` has no flows in {}; not reported",
            req.subject.name(),
            absent
                .iter()
                .map(i32::to_string)
                .collect::<Vec<_>>()
                .join(", ")
        ));
    }
    let window = match req.cagr_window {
        Some(w) => {
            if w.0 >= w.1 {
                return Err(invalid(format!(
                    "the CAGR window {}:{} must run from an earlier to a later year",
                    w.0, w.1
                )));
            }
            for y in [w.0, w.1] {
                if !s.has_rows(y) {
                    return Err(invalid(format!(
                        "the CAGR window {}:{} needs data for {y}; the data covers {}",
                        w.0,
                        w.1,
                        span_text(span)
                    )));
                }
            }
            Some(w)
        }
        None => {
            let first = rows.first().map(|r| r.year);
            first.filter(|&f| f < last_year).map(|f| (f, last_year))
        }
    };
    let cagr = window.map_or_else(Vec::new, |w| growth_rates(&s, req, w));
    if req.subject.is_bloc() {
        notes.push(

            "bloc totals: every member's trade with every other country, trade between members included \
             (once as the origin's export, once as the destination's import), as the ASEAN Secretariat counts \
             a bloc's total trade; membership applied year by year"
                .into(),
        );
    }
    notes.extend(by_construction(&s));
    if s.domestic > 0 {
        notes.push(format!(
            "intra-national rows (exporter = importer) excluded: {}",
            s.domestic
        ));
    }
    if s.skipped_missing > 0 {
        notes.push(format!(
            "rows skipped for a missing year, country, product or value: {}",
            s.skipped_missing
        ));
    }
    if countries.iter().any(|c| c == "WLD") {
        notes.push(
            "flows with WLD (world or unspecified partner) count in totals and in no bloc".into(),
        );
    }
    Ok(Indicators {
        subject: req.subject.name().to_string(),
        subject_is_bloc: req.subject.is_bloc(),
        partner: req.partner.map(|p| p.name().to_string()),
        group: req.products.name().to_string(),
        unit: req.unit.clone(),
        top_partners: top_partners(&s, countries, last_year, lt, ld, req.top),
        years: rows,
        cagr,
        notes,
        group_editions: None,
    })
}

#[cfg(test)]
mod tests;
