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
//! Each flow is read from one report, chosen by the request's [`Perspective`]: a source
//! that holds both the exporter's and the importer's report of a flow never has them
//! added. A country's totals come from its rows with the world as partner when it has
//! them, else from its partner breakdown — never both. World exports are the source's
//! own World row (world to world) where it has one, else the sum over every exporter;
//! each year says which ([`WorldBasis`]).
//!
//! A value whose denominator is zero (or whose previous year is missing) is `None`, with
//! the reason in the year's `undefined` map, never a `NaN` shown as a number.

use crate::error::span_text;
use crate::flows::Flows;
use crate::formulas::{balassa_rca, cagr_pct, growth_pct, hhi, share_pct};
use crate::perspective::Perspective;
use crate::select::{Countries, Products};
use crate::MeasureError;
use hallyu_data::dataset::WORLD;
use hallyu_data::MISSING_CODE;
use serde::{Deserialize, Serialize};
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
    /// Whose report of each flow is read.
    pub perspective: Perspective,
}

/// The subject's flows with the partner in one year; `None` (with the reason in the year's
/// `undefined` map) when the partner has no member in the data that year or is the
/// subject itself.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, schemars::JsonSchema)]
pub struct PartnerTrade {
    /// Partner countries present in the data that year.
    pub members: Vec<String>,
    /// `Σ_{i∈S, j∈P, i≠j, k∈G} X_{i→j,k,t}`.
    pub exports_to: Option<f64>,
    /// `Σ_{i∈P, j∈S, i≠j, k∈G} X_{i→j,k,t}`.
    pub imports_from: Option<f64>,
    /// `exports_to + imports_from`.
    pub trade_with: Option<f64>,
    /// `trade_with / total_trade · 100`.
    pub share_of_trade_pct: Option<f64>,
}

/// Every indicator of one year.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, schemars::JsonSchema)]
pub struct YearIndicators {
    /// The year.
    pub year: i32,
    /// Subject countries present in the data that year.
    pub members: Vec<String>,
    /// Exports of the group to every other country.
    pub exports: f64,
    /// Imports of the group from every other country (`None` when the data holds no import
    /// reports that year, e.g. a series of exports only).
    pub imports: Option<f64>,
    /// `exports − imports`.
    pub balance: Option<f64>,
    /// `exports + imports`.
    pub total_trade: Option<f64>,
    /// Growth of exports on the previous year, percent.
    pub exports_yoy_pct: Option<f64>,
    /// Growth of imports on the previous year, percent.
    pub imports_yoy_pct: Option<f64>,
    /// World exports of the group: the denominator of the world share.
    pub world_exports: f64,
    /// What `world_exports` is: the source's World row, or the sum over the exporters.
    pub world_exports_basis: WorldBasis,
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
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub partner: Option<PartnerTrade>,
    /// Why a value above is `None` (field name → reason).
    pub undefined: BTreeMap<String, String>,
}

/// A compound annual growth rate over a window.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, schemars::JsonSchema)]
pub struct GrowthRate {
    /// `exports`, `imports` or `trade_with_partner`.
    pub series: String,
    /// First year of the window.
    pub from: i32,
    /// Last year of the window.
    pub to: i32,
    /// Value in the first year (`None` when the series is undefined then).
    pub start_value: Option<f64>,
    /// Value in the last year (`None` when the series is undefined then).
    pub end_value: Option<f64>,
    /// `((end / start)^(1/(to − from)) − 1) · 100`.
    pub cagr_pct: Option<f64>,
    /// Why `cagr_pct` is `None`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub undefined: Option<String>,
}

/// One partner's part of the subject's exports.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, schemars::JsonSchema)]
pub struct PartnerShare {
    /// Partner ISO3 code.
    pub partner: String,
    /// Exports of the group to it.
    pub exports: f64,
    /// Its share of the subject's exports of the group, percent.
    pub share_pct: f64,
}

/// The largest destinations of the subject's exports in the last reported year.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, schemars::JsonSchema)]
pub struct TopPartners {
    /// The year ranked.
    pub year: i32,
    /// Partners by decreasing exports (ties by code); only partners with exports.
    pub partners: Vec<PartnerShare>,
}

/// The result of [`compute`].
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, schemars::JsonSchema)]
pub struct Indicators {
    /// Subject name (ISO3 code or bloc name).
    pub subject: String,
    /// Whether the subject is a bloc (totals follow the bloc convention).
    pub subject_is_bloc: bool,
    /// Partner name, if any.
    pub partner: Option<String>,
    /// Product group name.
    pub group: String,
    /// Whose report of each flow was read (`reporter`, `exporter`, `importer`, `mirror`).
    pub perspective: Perspective,
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
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub group_editions: Option<crate::editions::GroupEditions>,
}

/// Sums over the rows, for every year of the data.
struct Totals {
    first_year: i32,
    nyears: usize,
    ncountries: usize,
    rows: Vec<usize>,
    /// Rows read on the import side, per year: none means the data holds no import
    /// reports under the perspective (a survey series of exports only).
    import_rows: Vec<usize>,
    /// World exports (all products, the group) summed over every exporter's own total.
    world_all: Vec<f64>,
    world_group: Vec<f64>,
    /// The source's own World row (world → world), where it has one.
    world_row_all: Vec<Option<f64>>,
    world_row_group: Vec<Option<f64>>,
    /// Exporters (other than the subject's countries) counted in `world_group`, per year.
    other_exporters: Vec<usize>,
    exporters: Vec<usize>,
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
    /// Rows a perspective leaves out (the other side's report of a flow).
    other_side: usize,
    /// Rows of the world as exporter to one country, counted only as that country's
    /// imports (they are nobody's exports).
    world_to_country: usize,
    /// Country-years whose totals come from their world-partner rows.
    world_partner_totals: usize,
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

    /// World exports of the group in year `t` and what they are: the source's World row
    /// where it has one, else the sum over every exporter.
    fn world_group(&self, t: usize) -> (f64, WorldBasis) {
        match self.world_row_group[t] {
            Some(w) => (w, WorldBasis::SourceWorldRow),
            None => (
                self.world_group[t],
                WorldBasis::SumOfExporters {
                    exporters: self.exporters[t],
                },
            ),
        }
    }

    /// World exports of every product in year `t` (the same basis as the group's when the
    /// source's World row covers both).
    fn world_all(&self, t: usize) -> f64 {
        match (self.world_row_group[t], self.world_row_all[t]) {
            (Some(_), Some(w)) => w,
            _ => self.world_all[t],
        }
    }
}

/// What a world total is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, schemars::JsonSchema)]
#[serde(rename_all = "snake_case", tag = "kind")]
pub enum WorldBasis {
    /// The source's own World row (world as reporter, world as partner).
    SourceWorldRow,
    /// The sum of every exporter's exports in the data (world-partner totals where a
    /// country has them, else its bilateral flows).
    SumOfExporters {
        /// How many exporters the sum covers.
        exporters: usize,
    },
}

impl WorldBasis {
    /// The basis in words.
    pub fn describe(self) -> String {
        match self {
            WorldBasis::SourceWorldRow => "the source's World row".into(),
            WorldBasis::SumOfExporters { exporters } => {
                format!("the sum of {exporters} exporters' exports in the data")
            }
        }
    }
}

fn membership(set: &Countries, countries: &[String], first: i32, nyears: usize) -> Vec<bool> {
    let mut m = Vec::with_capacity(nyears * countries.len());
    for t in 0..nyears {
        let year = first + t as i32;
        m.extend(countries.iter().map(|c| set.contains(c, year)));
    }
    m
}

/// One usable row, located.
struct Located {
    t: usize,
    e: usize,
    i: usize,
    k: usize,
    v: f64,
    /// Read on the export side under the perspective.
    as_export: bool,
    /// Read on the import side under the perspective.
    as_import: bool,
}

/// The rows with a year, both countries, a product and a value, located; the others are
/// counted in `skipped`.
fn located<'f>(
    flows: &'f Flows,
    perspective: Perspective,
    first_year: i32,
    skipped: &'f mut usize,
) -> impl Iterator<Item = Located> + 'f {
    (0..flows.len()).filter_map(move |r| {
        let (y, v) = (flows.year[r], flows.value[r]);
        let (ec, ic) = (flows.exporter.level_ids()[r], flows.importer.level_ids()[r]);
        let product = flows.product_code(r);
        if y.is_nan() || v.is_nan() || ec == MISSING_CODE || ic == MISSING_CODE {
            *skipped += 1;
            return None;
        }
        let Some(k) = product else {
            *skipped += 1;
            return None;
        };
        let reported = flows.reported(r);
        Some(Located {
            t: (y as i32 - first_year) as usize,
            e: flows.exporter_country[ec as usize] as usize,
            i: flows.importer_country[ic as usize] as usize,
            k: k as usize,
            v,
            as_export: perspective.counts_as_export(reported),
            as_import: perspective.counts_as_import(reported),
        })
    })
}

/// Which countries have world-partner totals, per `year × country`: exports of every
/// product, exports of the group, imports of the group. A country's totals come from
/// these rows when it has them (its breakdown by partner may be partial or overlap them:
/// adding both would count its trade twice), else from its bilateral rows.
struct WorldPartnerRows {
    exports_all: Vec<bool>,
    exports_group: Vec<bool>,
    imports_group: Vec<bool>,
}

fn world_partner_rows(
    flows: &Flows,
    perspective: Perspective,
    first_year: i32,
    nyears: usize,
    in_group: &[bool],
    world: Option<usize>,
) -> WorldPartnerRows {
    let nc = flows.countries().len();
    let mut w = WorldPartnerRows {
        exports_all: vec![false; nyears * nc],
        exports_group: vec![false; nyears * nc],
        imports_group: vec![false; nyears * nc],
    };
    let Some(world) = world else {
        return w;
    };
    let mut skipped = 0;
    for row in located(flows, perspective, first_year, &mut skipped) {
        let base = row.t * nc;
        if row.as_export && row.i == world && row.e != world {
            w.exports_all[base + row.e] = true;
            if in_group[row.k] {
                w.exports_group[base + row.e] = true;
            }
        }
        if row.as_import && row.e == world && row.i != world && in_group[row.k] {
            w.imports_group[base + row.i] = true;
        }
    }
    w
}

fn accumulate(flows: &Flows, req: &Request, span: (i32, i32), reported: (i32, i32)) -> Totals {
    let countries = flows.countries();
    let nc = countries.len();
    let nyears = (span.1 - span.0 + 1) as usize;
    let world = countries.iter().position(|c| c == WORLD);
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
    let totals = world_partner_rows(flows, req.perspective, span.0, nyears, &in_group, world);
    let nreported = (reported.1 - reported.0 + 1) as usize;
    let zeros = vec![0.0; nyears];
    let mut s = Totals {
        first_year: span.0,
        nyears,
        ncountries: nc,
        rows: vec![0; nyears],
        import_rows: vec![0; nyears],
        world_all: zeros.clone(),
        world_group: zeros.clone(),
        world_row_all: vec![None; nyears],
        world_row_group: vec![None; nyears],
        other_exporters: vec![0; nyears],
        exporters: vec![0; nyears],
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
        other_side: 0,
        world_to_country: 0,
        world_partner_totals: 0,
        traded: vec![false; in_group.len()],
        in_group,
    };
    let mut exporter_seen = vec![false; nyears * nc];
    let mut skipped = 0;
    for row in located(flows, req.perspective, span.0, &mut skipped) {
        let Located {
            t,
            e,
            i,
            k,
            v,
            as_export,
            as_import,
        } = row;
        s.rows[t] += 1;
        let is_world = |c: usize| Some(c) == world;
        if e == i && !is_world(e) {
            s.domestic += 1;
            continue;
        }
        if !as_export && !as_import {
            s.other_side += 1;
            continue;
        }
        let base = t * nc;
        s.seen[base + e] = true;
        s.seen[base + i] = true;
        s.traded[k] = true;
        let group = s.in_group[k];
        if as_import {
            s.import_rows[t] += 1;
        }
        if as_export {
            if is_world(e) && is_world(i) {
                let add = |w: &mut Option<f64>| *w = Some(w.unwrap_or(0.0) + v);
                add(&mut s.world_row_all[t]);
                if group {
                    add(&mut s.world_row_group[t]);
                }
            } else if is_world(e) {
                s.world_to_country += 1;
            } else {
                // A country's total is its world-partner rows when it has them, else its
                // bilateral rows; never both.
                let from_subject = s.subject[base + e];
                if is_world(i) == totals.exports_all[base + e] {
                    s.world_all[t] += v;
                    if from_subject {
                        s.exports_all[t] += v;
                    }
                }
                if group && is_world(i) == totals.exports_group[base + e] {
                    s.world_group[t] += v;
                    if !exporter_seen[base + e] {
                        exporter_seen[base + e] = true;
                        s.exporters[t] += 1;
                        if !from_subject {
                            s.other_exporters[t] += 1;
                        }
                    }
                    if from_subject {
                        s.exports[t] += v;
                        if let Some(d) = detail(t, span, reported) {
                            s.by_product[d][k] += v;
                        }
                    }
                }
                if group && from_subject && !is_world(i) {
                    if s.partner[base + i] {
                        s.exports_to_partner[t] += v;
                    }
                    if let Some(d) = detail(t, span, reported) {
                        s.by_partner[d][i] += v;
                    }
                }
            }
        }
        if as_import && group && !is_world(i) && s.subject[base + i] {
            if is_world(e) == totals.imports_group[base + i] {
                s.imports[t] += v;
            }
            if !is_world(e) && s.partner[base + e] {
                s.imports_from_partner[t] += v;
            }
        }
    }
    s.skipped_missing = skipped;
    s.world_partner_totals = totals
        .exports_group
        .iter()
        .zip(&totals.imports_group)
        .filter(|(x, m)| **x || **m)
        .count();
    s
}

/// Index of year `t` among the reported years, if it is one.
fn detail(t: usize, span: (i32, i32), reported: (i32, i32)) -> Option<usize> {
    let y = span.0 + t as i32;
    (y >= reported.0 && y <= reported.1).then(|| (y - reported.0) as usize)
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

/// Why the subject's imports are undefined in year `t`, if they are.
fn imports_undefined(s: &Totals, req: &Request, year: i32, t: usize) -> Option<String> {
    (s.import_rows[t] == 0).then(|| {
        format!(
            "the data has no import reports in {year} under the `{}` perspective ({})",
            req.perspective,
            req.perspective.describe()
        )
    })
}

/// Why world exports cannot be a denominator in year `t`, if they cannot: summed over
/// exporters, they hold only the subject's own exports (a series of one reporter).
fn world_undefined(s: &Totals, t: usize) -> Option<String> {
    (s.world_row_group[t].is_none() && s.other_exporters[t] == 0).then(|| {
        "the data holds no exporter of the group other than the subject and no World row: \
         a world total needs every exporter's exports"
            .to_string()
    })
}

/// Why the partner's trade is undefined in year `t`, if it is.
fn partner_undefined(s: &Totals, req: &Request, t: usize) -> Option<String> {
    let partner = req.partner?;
    let base = t * s.ncountries;
    let range = base..base + s.ncountries;
    if !s.partner[range.clone()].iter().any(|&m| m) {
        return Some(format!(
            "`{}` has no member in the data in {}",
            partner.name(),
            s.first_year + t as i32
        ));
    }
    let same = s.partner[range.clone()] == s.subject[range];
    same.then(|| {
        format!(
            "the partner `{}` is the subject `{}` itself: trade of a country with itself is \
             intra-national and never counted",
            partner.name(),
            req.subject.name()
        )
    })
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
    let imports_why = imports_undefined(s, req, year, t);
    let imports = match &imports_why {
        None => Some(s.imports[t]),
        Some(why) => {
            for field in ["imports", "balance", "total_trade", "imports_yoy_pct"] {
                undefined.insert(field.to_string(), why.clone());
            }
            None
        }
    };
    let previous = |series: &[f64]| -> Result<f64, String> {
        match s.t(year - 1).filter(|&p| s.rows[p] > 0) {
            Some(p) => Ok(series[p]),
            None => Err(format!("no data for {}", year - 1)),
        }
    };
    let yoy = |series: &[f64]| previous(series).and_then(|p| growth_pct(p, series[t]));
    let exports_yoy_pct = defined(&mut undefined, "exports_yoy_pct", yoy(&s.exports));
    let imports_yoy_pct = match imports {
        None => None,
        Some(_) => match s.t(year - 1).filter(|&p| s.rows[p] > 0) {
            Some(p) if s.import_rows[p] == 0 => {
                undefined.insert(
                    "imports_yoy_pct".into(),
                    format!("no import reports in {}", year - 1),
                );
                None
            }
            _ => defined(&mut undefined, "imports_yoy_pct", yoy(&s.imports)),
        },
    };
    let (world_exports, world_exports_basis) = s.world_group(t);
    let (world_share_pct, rca) = match world_undefined(s, t) {
        Some(why) => {
            undefined.insert("world_share_pct".into(), why.clone());
            undefined.insert("rca".into(), why);
            (None, None)
        }
        None => (
            defined(
                &mut undefined,
                "world_share_pct",
                share_pct(s.exports[t], world_exports, "world exports of the group"),
            ),
            defined(
                &mut undefined,
                "rca",
                balassa_rca(
                    s.exports[t],
                    s.exports_all[t],
                    world_exports,
                    s.world_all(t),
                ),
            ),
        ),
    };
    // Exports known only as totals with the world have no partner breakdown to measure.
    let no_exports = |r: Result<f64, String>| {
        r.map_err(|_| {
            if s.exports[t] > 0.0 {
                "the data has the subject's exports of the group only as totals with the \
                 world (WLD), no breakdown"
                    .to_string()
            } else {
                "no exports of the group".to_string()
            }
        })
    };
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
    let total_trade = imports.map(|m| s.exports[t] + m);
    let partner = req.partner.map(|_| {
        let members = s.members_of(&s.partner, countries, t);
        if let Some(why) = partner_undefined(s, req, t) {
            for field in [
                "exports_to",
                "imports_from",
                "trade_with",
                "share_of_trade_pct",
            ] {
                undefined.insert(format!("partner.{field}"), why.clone());
            }
            return PartnerTrade {
                members,
                exports_to: None,
                imports_from: None,
                trade_with: None,
                share_of_trade_pct: None,
            };
        }
        let imports_from = match &imports_why {
            None => Some(s.imports_from_partner[t]),
            Some(why) => {
                for field in ["imports_from", "trade_with", "share_of_trade_pct"] {
                    undefined.insert(format!("partner.{field}"), why.clone());
                }
                None
            }
        };
        let trade_with = imports_from.map(|m| s.exports_to_partner[t] + m);
        let share_of_trade_pct = match (trade_with, total_trade) {
            (Some(w), Some(total)) => defined(
                &mut undefined,
                "partner.share_of_trade_pct",
                share_pct(w, total, "total trade"),
            ),
            _ => None,
        };
        PartnerTrade {
            members,
            exports_to: Some(s.exports_to_partner[t]),
            imports_from,
            trade_with,
            share_of_trade_pct,
        }
    });
    YearIndicators {
        year,
        members: s.members_of(&s.subject, countries, t),
        exports: s.exports[t],
        imports,
        balance: imports.map(|m| s.exports[t] - m),
        total_trade,
        exports_yoy_pct,
        imports_yoy_pct,
        world_exports,
        world_exports_basis,
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
    // The series, and whether it reads import reports (undefined in a year without them).
    let mut series: Vec<(&str, Vec<f64>, bool)> = vec![
        ("exports", s.exports.clone(), false),
        ("imports", s.imports.clone(), true),
    ];
    if req.partner.is_some() {
        let trade: Vec<f64> = s
            .exports_to_partner
            .iter()
            .zip(&s.imports_from_partner)
            .map(|(x, m)| x + m)
            .collect();
        series.push(("trade_with_partner", trade, true));
    }
    series
        .into_iter()
        .map(|(name, x, needs_imports)| {
            let missing = |t: usize, year: i32| {
                (needs_imports)
                    .then(|| imports_undefined(s, req, year, t))
                    .flatten()
            };
            let (start, end) = (missing(ta, a), missing(tb, b));
            let r = match start.clone().or(end.clone()) {
                Some(why) => Err(why),
                None => cagr_pct(a, x[ta], b, x[tb]),
            };
            GrowthRate {
                series: name.to_string(),
                from: a,
                to: b,
                start_value: start.is_none().then_some(x[ta]),
                end_value: end.is_none().then_some(x[tb]),
                cagr_pct: r.as_ref().ok().copied(),
                undefined: r.err(),
            }
        })
        .collect()
}

/// Computes every indicator for the years asked.
///
/// Errors: no usable year in the data, a year range or CAGR window outside the data, or a
/// subject with no flows in any reported year.
pub fn compute(flows: &Flows, req: &Request) -> Result<Indicators, MeasureError> {
    let span = flows.years().ok_or_else(|| MeasureError::NoYears {
        column: flows.columns().year.clone(),
    })?;
    let asked = req.years.unwrap_or(span);
    if asked.0 > asked.1 {
        return Err(MeasureError::ReversedYears {
            first: asked.0,
            last: asked.1,
        });
    }
    let reported = (asked.0.max(span.0), asked.1.min(span.1));
    if reported.0 > reported.1 {
        return Err(MeasureError::YearsOutOfRange {
            asked,
            covered: span,
        });
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
        return Err(MeasureError::SubjectWithoutFlows {
            subject: req.subject.name().to_string(),
            years: reported,
            bloc: req.subject.is_bloc(),
        });
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
                return Err(MeasureError::CagrWindowOrder {
                    first: w.0,
                    last: w.1,
                });
            }
            for y in [w.0, w.1] {
                if !s.has_rows(y) {
                    return Err(MeasureError::CagrWindowYear {
                        window: w,
                        year: y,
                        covered: span,
                    });
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
    notes.insert(
        0,
        format!(
            "perspective `{}`: {}",
            req.perspective,
            req.perspective.describe()
        ),
    );
    if s.other_side > 0 {
        notes.push(format!(
            "rows of the other side's report, not read under this perspective: {}",
            s.other_side
        ));
    }
    if s.world_partner_totals > 0 {
        notes.push(format!(
            "totals of {} country-year(s) come from their rows with the world as partner, \
             not from their partner breakdown (never both)",
            s.world_partner_totals
        ));
    }
    if s.world_to_country > 0 {
        notes.push(format!(
            "rows with the world as exporter to one country count only as that country's \
             imports: {}",
            s.world_to_country
        ));
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
        perspective: req.perspective,
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
