//! The creative-economy report of a country: a composition of other requests (indicators
//! for the country, its peers and its bloc; a gravity fit; a policy scenario; claim checks),
//! each kept with its request and its response — or the reason it could not be answered —
//! in section order, so that every number can be re-run with `hallyu run`.

use crate::claims::{Check, ClaimRequest};
use crate::fit::FitRequest;
use crate::indicators::IndicatorsRequest;
use crate::potential::PotentialRequest;
use crate::projection::ProjectionRequest;
use crate::scenario::ScenarioRequest;
use crate::series::SeriesRequest;
use crate::{run, Context, DataSource, Error, ErrorCategory, Request, Response, Result, Version};
use hallyu_data::reference::Reference;
use hallyu_estimate::{Estimator, VcovChoice};
use hallyu_measure::projection::Stated;
use serde::{Deserialize, Serialize};

/// A report request.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, schemars::JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct ReportRequest {
    /// Request format version (1).
    #[serde(default)]
    pub version: Version,
    /// The country (ISO3).
    #[serde(default = "default_country")]
    pub country: String,
    /// Countries it is compared with (ISO3). Default: the large traders CHN, DEU, JPN, USA
    /// (without the country itself).
    #[serde(default)]
    pub peers: Option<Vec<String>>,
    /// The bloc whose integration is measured and with whose members the default scenario
    /// signs agreements. Default: ASEAN+3 for its members, else the first bloc the country
    /// belongs to in the last year.
    #[serde(default)]
    pub bloc: Option<String>,
    /// Product group (creative goods where the data has products). Default: every product.
    #[serde(default)]
    pub group: Option<String>,
    /// Years reported, `[first, last]`. Default: every year of the data.
    #[serde(default)]
    pub years: Option<(i32, i32)>,
    /// The trade data. Default: the embedded Advanced Guide panel (all manufacturing goods).
    #[serde(default)]
    pub data: DataSource,
    /// The policy scenario. Default: agreements (`rta = 1`) between the country and every
    /// member of the bloc, on the Advanced Guide's RTA specification.
    #[serde(default)]
    pub scenario: Option<Box<ScenarioRequest>>,
    /// Coefficient draws for the scenario's intervals.
    #[serde(default = "default_draws")]
    pub draws: usize,
    /// Claims to check. Default: for Korea, the figures the blueprint press pieces quote;
    /// none for other countries.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub claims: Option<Vec<ReportClaim>>,
    /// A composite index to place the country on (section `index`, "Composite index"):
    /// a framework with its unit data, or the embedded example scoreboard (give its
    /// `trade` as this report's `data`). The report asks it for the `Normalised` data set
    /// (drawn as a heat map). Default: none, and no such section.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub index: Option<Box<crate::index::IndexRequest>>,
}

/// A claim the report checks: what it says, and the request that checks it (a `claim`
/// or a `projection`).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, schemars::JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct ReportClaim {
    /// The claim in words.
    pub purpose: String,
    /// The check.
    pub request: Request,
}

fn default_country() -> String {
    "KOR".into()
}

fn default_draws() -> usize {
    100
}

impl Default for ReportRequest {
    fn default() -> Self {
        ReportRequest {
            version: Version,
            country: default_country(),
            peers: None,
            bloc: None,
            group: None,
            years: None,
            data: DataSource::Embedded,
            scenario: None,
            draws: default_draws(),
            claims: None,
            index: None,
        }
    }
}

/// One library call of a report: its request and its response, or why it failed.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, schemars::JsonSchema)]
pub struct Call {
    /// What the call is for, in words.
    pub purpose: String,
    /// The request (run it with `hallyu run` to get the same response).
    pub request: Request,
    /// The response, when the call succeeded.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub response: Option<Response>,
    /// Why the call failed, when it did.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub failure: Option<Failure>,
}

/// Why a call could not be answered.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, schemars::JsonSchema)]
pub struct Failure {
    /// The error's category.
    pub category: ErrorCategory,
    /// The message.
    pub message: String,
}

/// One section of the report.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, schemars::JsonSchema)]
pub struct ReportSection {
    /// Stable identifier (`headline`, `markets`, ...).
    pub id: String,
    /// Title.
    pub title: String,
    /// What the reader should know to read it (sources, caveats, what was not computed).
    #[serde(default)]
    pub notes: Vec<String>,
    /// The library calls, in order.
    pub calls: Vec<Call>,
}

/// The report's data.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, schemars::JsonSchema)]
pub struct Report {
    /// Title.
    pub title: String,
    /// The country.
    pub country: String,
    /// The bloc used, when there is one.
    pub bloc: Option<String>,
    /// The peers.
    pub peers: Vec<String>,
    /// Sections in reading order.
    pub sections: Vec<ReportSection>,
    /// What failed, one line per call, for the top of the report.
    pub warnings: Vec<String>,
    /// The software that made it.
    pub generator: String,
    /// Every source of the numbers, with its licence and vintage.
    pub sources: Vec<Source>,
    /// How each indicator is computed.
    pub definitions: Vec<String>,
}

/// A source of the report's numbers.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, schemars::JsonSchema)]
pub struct Source {
    /// What it is.
    pub name: String,
    /// What the report takes from it.
    pub used_for: String,
    /// Who published it.
    pub publisher: String,
    /// Its licence.
    pub licence: String,
    /// Which edition or years.
    pub vintage: String,
}

impl Report {
    /// Whether at least one call on the trade data was answered (claims are checked
    /// against their own arithmetic or the embedded series, so they alone do not make a
    /// report).
    pub fn computed_anything(&self) -> bool {
        self.sections
            .iter()
            .flat_map(|s| &s.calls)
            .filter(|c| {
                !matches!(
                    c.request,
                    Request::Projection(_) | Request::Claim(_) | Request::Series(_)
                )
            })
            .any(|c| c.response.is_some())
    }
}

/// Export markets followed over the years.
const TOP_MARKETS: usize = 5;

/// The large traders a country is compared with by default.
const DEFAULT_PEERS: [&str; 4] = ["CHN", "DEU", "JPN", "USA"];

/// Builds the report. Calls that fail are kept with their reason and the rest goes on; the
/// report is an error only when its own request is invalid.
pub fn compute(ctx: &Context, req: &ReportRequest) -> Result<Report> {
    let country = req.country.trim().to_ascii_uppercase();
    if country.is_empty() {
        return Err(Error::field("country", "name the country (ISO3, e.g. KOR)"));
    }
    let peers: Vec<String> = match &req.peers {
        Some(p) => p.iter().map(|c| c.trim().to_ascii_uppercase()).collect(),
        None => DEFAULT_PEERS
            .iter()
            .filter(|p| **p != country)
            .map(|p| p.to_string())
            .collect(),
    };
    let bloc = req
        .bloc
        .clone()
        .or_else(|| default_bloc(&country, req.years));
    let reference = Reference::builtin();
    // Creative goods where the data has products (a dataset folder); the embedded panel
    // has none.
    let group = req
        .group
        .clone()
        .or_else(|| req.data.is_dataset().then(|| "creative".to_string()));
    let mut report = Report {
        title: format!("{country}: creative trade as an export engine"),
        country: country.clone(),
        bloc: bloc.clone(),
        peers: peers.clone(),
        sections: Vec::new(),
        warnings: Vec::new(),
        generator: format!("hallyu {}", env!("CARGO_PKG_VERSION")),
        sources: sources(&req.data, &country),
        definitions: hallyu_measure::indicators::DEFINITIONS
            .lines()
            .map(str::trim_end)
            .filter(|l| !l.trim().is_empty())
            .map(str::to_string)
            .collect(),
    };
    let indicators = |subject: &str, partner: Option<&str>, group: Option<&String>| {
        let mut r = IndicatorsRequest::new(subject);
        r.data = req.data.clone();
        r.group = group.cloned();
        r.years = req.years;
        r.partner = partner.map(str::to_string);
        Request::Indicators(r)
    };
    let call = |purpose: &str, request: Request| -> Call {
        ctx.stage(purpose);
        // A cancelled report stops calling: what is left fails with the reason, and the
        // caller (who cancelled) discards the report.
        if let Err(e) = ctx.check_cancelled() {
            return Call {
                purpose: purpose.to_string(),
                request,
                response: None,
                failure: Some(Failure {
                    category: e.category(),
                    message: e.to_string(),
                }),
            };
        }
        match run(ctx, &request) {
            Ok(response) => Call {
                purpose: purpose.to_string(),
                request,
                response: Some(response),
                failure: None,
            },
            Err(e) => Call {
                purpose: purpose.to_string(),
                request,
                response: None,
                failure: Some(Failure {
                    category: e.category(),
                    message: e.to_string(),
                }),
            },
        }
    };

    let what = match (&group, &req.data) {
        (Some(g), _) => format!("the product group `{g}`"),
        (None, DataSource::Embedded) => {
            "all manufacturing goods (the embedded Advanced Guide panel has no products: \
             creative goods need a dataset with products)"
                .to_string()
        }
        (None, _) => "every product of the data".to_string(),
    };
    let mut headline = ReportSection {
        id: "headline".into(),
        title: "Headline: exports and their growth".into(),
        notes: vec![format!("Goods: {what}; customs data.")],
        calls: vec![call(
            &format!("{country}'s trade indicators"),
            indicators(&country, None, group.as_ref()),
        )],
    };
    if country == "KOR" {
        headline.notes.push(
            "Korea's content-industry exports (games, music, broadcasting, characters...) \
             are shown next to them as what they are: a survey of firms (Ministry of Culture, \
             Sports and Tourism / KOCCA), mostly services and royalties, not customs data on \
             goods; the two are not added up or compared year by year."
                .into(),
        );
        headline.calls.push(call(
            "Korea's content-industry exports by year (survey)",
            Request::Series(survey(&[("sector", "total")], None, None)),
        ));
        headline.calls.push(call(
            "Korea's content-industry exports by sector, 2020 (survey)",
            Request::Series(survey(&[], Some(2020), Some("sector"))),
        ));
    }
    report.sections.push(headline);

    report.sections.push(composition(
        &country,
        &peers,
        group.as_deref(),
        &reference,
        &req.data,
        &|subject: &str, g: &String| indicators(subject, None, Some(g)),
        &call,
    ));

    // The country's largest export markets in the last year, each followed over the years.
    let top: Vec<String> = report
        .sections
        .first()
        .and_then(|h| h.calls.first())
        .and_then(|c| match &c.response {
            Some(Response::Indicators(i)) => Some(
                i.top_partners
                    .partners
                    .iter()
                    .take(TOP_MARKETS)
                    .map(|p| p.partner.clone())
                    .collect(),
            ),
            _ => None,
        })
        .unwrap_or_default();
    let mut markets = ReportSection {
        id: "markets".into(),
        title: "Markets and concentration against peers".into(),
        notes: vec![format!(
            "{}The concentration of its exports over partners (HHI) and its share of world \
             exports against its peers ({}).",
            if top.is_empty() {
                "No export market to follow: the country has no exports in the last year. "
                    .to_string()
            } else {
                format!(
                    "The country's {} largest export markets in the last year, followed over \
                     the years (their share of its trade). ",
                    top.len()
                )
            },
            peers.join(", ")
        )],
        calls: Vec::new(),
    };
    for p in &top {
        markets.calls.push(call(
            &format!("{country}'s trade with {p}"),
            indicators(&country, Some(p), group.as_ref()),
        ));
    }
    for p in &peers {
        markets.calls.push(call(
            &format!("{p}'s trade indicators (peer)"),
            indicators(p, None, group.as_ref()),
        ));
    }
    report.sections.push(markets);

    let mut integration = ReportSection {
        id: "integration".into(),
        title: "Regional integration".into(),
        notes: Vec::new(),
        calls: Vec::new(),
    };
    match &bloc {
        Some(b) => {
            integration.notes.push(format!(
                "Trade with {b} as a share of the country's total trade; membership applied year \
                 by year."
            ));
            let c = call(
                &format!("{country}'s trade with {b}"),
                indicators(&country, Some(b), group.as_ref()),
            );
            if let Some(Response::Indicators(i)) = &c.response {
                integration.notes.extend(membership_changes(b, i));
                let empty = i.years.iter().all(|y| {
                    y.partner
                        .as_ref()
                        .is_none_or(|p| p.members.iter().all(|m| *m == country))
                });
                if empty {
                    let why = format!(
                        "{b} has no member other than {country} in the data in these years: \
                         trade with it is undefined"
                    );
                    integration.notes.push(format!("{why}."));
                    report
                        .warnings
                        .push(format!("{}: {why}", integration.title));
                }
            }
            integration.calls.push(c);
        }
        None => integration.notes.push(format!(
            "{country} belongs to no bloc of the reference tables in these years."
        )),
    }
    report.sections.push(integration);

    if let Some(index) = &req.index {
        report.sections.push(index_section(&country, index, &call));
    }

    let models = Models::of(req);
    report
        .sections
        .push(gravity(&country, req, &models, group.as_ref(), &call)?);

    let scenario = match (&req.scenario, &bloc) {
        (Some(s), _) => Ok((**s).clone()),
        (None, Some(b)) => default_scenario(&country, b, &models, &req.data, group.as_ref())?,
        (None, None) => Err("no bloc to sign agreements with, and none given".to_string()),
    };
    let mut policy = ReportSection {
        id: "scenario".into(),
        title: "Policy scenario (general equilibrium)".into(),
        notes: Vec::new(),
        calls: Vec::new(),
    };
    match scenario {
        Ok(mut s) => {
            s.options.draws = req.draws;
            policy.notes.push(format!(
                "{}; changes in percent of the baseline, {}.",
                s.scenario
                    .title
                    .clone()
                    .unwrap_or_else(|| "the scenario".into()),
                match req.draws {
                    0 => "at the point estimates (no coefficient draws: no intervals)".to_string(),
                    n => format!("95% intervals from {n} coefficient draws"),
                }
            ));
            policy.calls.push(call(
                "the scenario's effects",
                Request::Scenario(Box::new(s)),
            ));
        }
        Err(why) => policy.notes.push(format!("No scenario: {why}.")),
    }
    report.sections.push(policy);

    let claims: Vec<Call> = match &req.claims {
        Some(list) => list
            .iter()
            .map(|c| call(&c.purpose, c.request.clone()))
            .collect(),
        None if country == "KOR" => default_claims()
            .into_iter()
            .map(|(purpose, r)| call(purpose, r))
            .collect(),
        None => Vec::new(),
    };
    let claims_note = match (&req.claims, claims.is_empty()) {
        (_, true) => format!("No claims about {country} are built in; give some in a file."),
        (Some(_), false) => "The claims given, each checked at the precision it was written \
                             with, against its source or its own arithmetic."
            .to_string(),
        (None, false) => format!(
            "Figures quoted in the press on the K-pop blueprint, each checked at the precision \
             it was written with, against its source or its own arithmetic. The ASEAN-Plus \
             Three figures are for 2019 and checked against the ASEAN Secretariat's published \
             totals and their own arithmetic, not against the trade data{}.",
            if matches!(req.data, DataSource::Embedded) {
                " (the embedded panel ends in 2006)"
            } else {
                ""
            }
        ),
    };
    report.sections.push(ReportSection {
        id: "claims".into(),
        title: "Claims check".into(),
        notes: vec![claims_note],
        calls: claims,
    });

    for s in &report.sections {
        for c in &s.calls {
            if let Some(f) = &c.failure {
                report
                    .warnings
                    .push(format!("{}: {}: {}", s.title, c.purpose, f.message));
            }
        }
    }
    Ok(report)
}

/// The composite index: one call building it with its `Normalised` data set (the heat
/// map's), and a note when the country is not among its units.
fn index_section(
    country: &str,
    index: &crate::index::IndexRequest,
    call: &dyn Fn(&str, Request) -> Call,
) -> ReportSection {
    let mut request = index.clone();
    request.dataset = Some("Normalised".into());
    let what = match (&request.framework, &request.meta) {
        (Some(p), _) | (None, Some(p)) => format!(
            "the framework {}",
            p.file_name()
                .map_or_else(|| p.display().to_string(), |f| f.to_string_lossy().into())
        ),
        (None, None) => "the example scoreboard (not an official index)".to_string(),
    };
    let c = call(
        &format!("{country} on {what}"),
        Request::Index(Box::new(request)),
    );
    let mut notes = vec![format!(
        "{country}'s rank and score on the index and on each of its aggregates, the \
         best-ranked units, and the normalised indicators by unit (heat map); scores and \
         ranks are relative to the units of the index."
    )];
    if let Some(Response::Index(r)) = &c.response {
        if !r.units.iter().any(|u| u.unit.eq_ignore_ascii_case(country)) {
            notes.push(format!(
                "{country} is not among the index's {} units: it has no rank or score on it.",
                r.units.len()
            ));
        }
    }
    ReportSection {
        id: "index".into(),
        title: "Composite index".into(),
        notes,
        calls: vec![c],
    }
}

/// When the bloc's membership changes within the years, the year and who joined or left:
/// a jump in the share of trade with the bloc that a reader must not take for trade.
fn membership_changes(bloc: &str, i: &hallyu_measure::indicators::Indicators) -> Vec<String> {
    let members = |y: &hallyu_measure::indicators::YearIndicators| {
        y.partner
            .as_ref()
            .map(|p| p.members.clone())
            .unwrap_or_default()
    };
    i.years
        .windows(2)
        .filter_map(|w| {
            let (before, after) = (members(&w[0]), members(&w[1]));
            let joined: Vec<&String> = after.iter().filter(|m| !before.contains(m)).collect();
            let left: Vec<&String> = before.iter().filter(|m| !after.contains(m)).collect();
            let list = |v: &[&String]| v.iter().map(|s| s.as_str()).collect::<Vec<_>>().join(", ");
            match (joined.is_empty(), left.is_empty()) {
                (true, true) => None,
                (false, true) => Some(format!(
                    "{}: {} joined {bloc} (in the data); the share of trade with the bloc \
                     counts them from this year on.",
                    w[1].year,
                    list(&joined)
                )),
                (true, false) => Some(format!(
                    "{}: {} left {bloc} (in the data).",
                    w[1].year,
                    list(&left)
                )),
                (false, false) => Some(format!(
                    "{}: {} joined and {} left {bloc} (in the data).",
                    w[1].year,
                    list(&joined),
                    list(&left)
                )),
            }
        })
        .collect()
}

/// A request for figures of Korea's content-industry survey.
fn survey(filter: &[(&str, &str)], year: Option<i32>, by: Option<&str>) -> SeriesRequest {
    SeriesRequest {
        version: Version,
        name: "kr_content_industry_exports".into(),
        column: "exports_usd_bn".into(),
        filter: filter
            .iter()
            .map(|(k, v)| (k.to_string(), v.to_string()))
            .collect(),
        year,
        by: by.map(str::to_string),
    }
}

/// Composition and specialisation: the group's subgroups, each for the country (its
/// exports by subgroup over the years) and its peers (RCA by subgroup).
fn composition(
    country: &str,
    peers: &[String],
    group: Option<&str>,
    reference: &Reference,
    data: &DataSource,
    indicators: &dyn Fn(&str, &String) -> Request,
    call: &dyn Fn(&str, Request) -> Call,
) -> ReportSection {
    let mut section = ReportSection {
        id: "composition".into(),
        title: "Composition and specialisation by product group".into(),
        notes: Vec::new(),
        calls: Vec::new(),
    };
    let Some(group) = group else {
        section.notes.push(match data {
            DataSource::Embedded => "The embedded panel has no products: composition by product \
                                     group and specialisation (RCA) need a dataset with products \
                                     (`hallyu ingest`, then `--data DIR`)."
                .into(),
            _ => "No product group chosen: composition and specialisation need one (e.g. \
                  `creative`)."
                .into(),
        });
        return section;
    };
    let depth = group.matches('.').count() + 1;
    let subgroups: Vec<String> = reference
        .product_groups()
        .iter()
        .map(|g| g.name.clone())
        .filter(|n| n.starts_with(&format!("{group}.")) && n.matches('.').count() == depth)
        .collect();
    if subgroups.is_empty() {
        section.notes.push(format!(
            "The group `{group}` has no subgroups to break it into."
        ));
        return section;
    }
    section.notes.push(format!(
        "Exports of {country} by subgroup of `{group}` (stacked), and the revealed comparative \
         advantage (RCA: the subgroup's share in the country's exports over its share in world \
         exports; above 1, specialised) of {country} and its peers in the last year."
    ));
    for subject in std::iter::once(country).chain(peers.iter().map(String::as_str)) {
        for g in &subgroups {
            section
                .calls
                .push(call(&format!("{subject}, {g}"), indicators(subject, g)));
        }
    }
    section
}

/// Trade costs and export potential: the gravity fit (observable trade costs; pair effects
/// as well, where the data has more than one year), then the country's exports by partner
/// against the model's prediction.
fn gravity(
    country: &str,
    req: &ReportRequest,
    models: &Models,
    group: Option<&String>,
    call: &dyn Fn(&str, Request) -> Call,
) -> Result<ReportSection> {
    let model = |formulas: Vec<String>, sample: &String| -> Result<FitRequest> {
        let mut fit = FitRequest::new(Estimator::Poisson, formulas);
        fit.data = req.data.clone();
        fit.scope.group = group.cloned().filter(|_| req.data.is_dataset());
        fit.selection = Some(sample.clone());
        fit.vcov = vec![VcovChoice::new(
            hallyu_estimate::VcovKind::Cluster,
            vec![vec!["pair_id".to_string()]],
        )?];
        Ok(fit)
    };
    let costs = model(vec![models.gravity.clone()], &models.sample)?;
    let pair = match &models.pair {
        Some(p) => Some(model(vec![p.clone()], &models.pair_sample)?),
        None => None,
    };
    let potential = PotentialRequest {
        version: Version,
        country: country.to_string(),
        model: costs.clone(),
        year: None,
    };
    let mut notes = vec![format!(
        "PPML with exporter-year and importer-year fixed effects on international flows ({}), \
         standard errors clustered by pair, with observable trade costs: `{}`. The model's \
         predictions, by partner, against the country's exports give its untapped markets.",
        models.described, models.gravity
    )];
    notes.push(match &models.pair {
        Some(p) => format!(
            "Then with pair fixed effects (`{p}`, on `{}`), which absorb every time-invariant \
             cost and identify the RTA effect from agreements signed within the period{}.",
            models.pair_sample,
            if matches!(req.data, DataSource::Embedded) {
                ", intra-national flows included as in the Advanced Guide (0.557 there)"
            } else {
                ""
            }
        ),
        None => "No model with pair fixed effects: it needs an RTA variable and more than one \
                 year (`hallyu ingest gravity` adds the covariates to a dataset)."
            .to_string(),
    });
    Ok(ReportSection {
        id: "gravity".into(),
        title: "Trade costs and export potential: structural gravity".into(),
        notes,
        calls: std::iter::once(call(
            "gravity: observable trade costs",
            Request::Fit(Box::new(costs)),
        ))
        .chain(pair.map(|p| {
            call(
                "gravity: the effect of trade agreements (pair fixed effects)",
                Request::Fit(Box::new(p)),
            )
        }))
        .chain(std::iter::once(call(
            &format!("{country}'s export potential by partner"),
            Request::Potential(Box::new(potential)),
        )))
        .collect(),
    })
}

/// Agreements between the country and every member of the bloc, on the data's RTA
/// specification; `None` (with the reason) when the data has no RTA variable or no year.
fn default_scenario(
    country: &str,
    bloc: &str,
    models: &Models,
    data: &DataSource,
    group: Option<&String>,
) -> Result<std::result::Result<ScenarioRequest, String>> {
    let Some(year) = models.last_year else {
        return Ok(Err("the data has no year to simulate".into()));
    };
    if !models.has_rta {
        return Ok(Err(
            "the data has no RTA variable to change (`hallyu ingest gravity` adds the gravity \
             covariates to a dataset; or give a scenario)"
                .into(),
        ));
    }
    let list = |items: &[String], quoted: bool| {
        items
            .iter()
            .map(|i| {
                if quoted {
                    format!("\"{i}\"")
                } else {
                    i.clone()
                }
            })
            .collect::<Vec<_>>()
            .join(", ")
    };
    let years: Vec<String> = models
        .years
        .iter()
        .flatten()
        .map(|y| y.to_string())
        .collect();
    let (formula, fill) = match &models.pair {
        Some(p) => (p.clone(), list(&models.fill, true)),
        None => (
            format!(
                "trade ~ {} + rta | exporter + importer",
                models.fill.join(" + ")
            ),
            String::new(),
        ),
    };
    let text = format!(
        "title = \"{country} signs RTAs with every member of {bloc}\"\n\
         [baseline]\n\
         year = {year}\n\
         estimation_years = [{}]\n\
         formula = \"{formula}\"\n\
         fill = [{fill}]\n\
         vcov = \"pair_id\"\n\
         [[change]]\n\
         variable = \"rta\"\n\
         value = 1\n\
         between = [\"{country}\"]\n\
         and = [\"{bloc}\"]\n",
        if models.pair.is_some() {
            years.join(", ")
        } else {
            year.to_string()
        }
    );
    let (scenario, _) = hallyu_simulate::parse_scenario_toml(&text)?;
    let scope = crate::panel::PanelScope {
        group: group.cloned().filter(|_| data.is_dataset()),
        ..Default::default()
    };
    Ok(Ok(ScenarioRequest {
        version: Version,
        scenario,
        data: data.clone(),
        scope,
        options: Default::default(),
        reference: None,
    }))
}

/// Where the report's numbers come from.
fn sources(data: &DataSource, country: &str) -> Vec<Source> {
    let mut list = vec![match data {
        DataSource::Embedded => Source {
            name: "An Advanced Guide to Trade Policy Analysis: the structural gravity panel".into(),
            used_for: "trade flows (manufacturing, million USD), distance, contiguity, language, \
                       colony and RTAs"
                .into(),
            publisher: "Yotov, Piermartini, Monteiro and Larch (2016), WTO and UNCTAD; trade from \
                        UN COMTRADE, CEPII TradeProd and UNIDO INDSTAT, RTAs from Mario Larch's \
                        database, geography from CEPII GeoDist"
                .into(),
            licence: "CC BY 4.0, copyright the United Nations".into(),
            vintage: "the book's Chapter1Application3.dta; 69 countries, 1986-2006".into(),
        },
        other => Source {
            name: format!(
                "dataset {}",
                other
                    .path()
                    .map_or_else(|| "in memory".to_string(), |p| p.display().to_string())
            ),
            used_for: "trade flows".into(),
            publisher: "as its manifest.json records (source files, their publishers and \
                        releases; `hallyu dataset verify DIR`)"
                .into(),
            licence: "that of each source file, listed in the manifest".into(),
            vintage: "the releases listed in the manifest".into(),
        },
    }];
    list.push(Source {
        name: "hallyu reference tables".into(),
        used_for: "bloc membership by year, product groups (UNCTAD's creative-goods \
                   classification in HS2022 codes), country codes"
            .into(),
        publisher: "compiled from the blocs' treaties and accession dates, UNCTAD's creative \
                    economy classification and ISO 3166-1"
            .into(),
        licence: "as the project (`hallyu data blocs|groups|countries`)".into(),
        vintage: format!("hallyu {}", env!("CARGO_PKG_VERSION")),
    });
    let series: &[&str] = if country == "KOR" {
        &["kr_content_industry_exports", "asean_plus3_trade"]
    } else {
        &[]
    };
    for name in series {
        if let Ok(s) = hallyu_data::embedded::series(name) {
            list.push(Source {
                name: format!("series {}", s.name),
                used_for: s.description.to_string(),
                publisher: s.publisher.to_string(),
                licence: "CC0 compilation of published figures (each row cites its page); \
                          cite the publisher"
                    .into(),
                vintage: "as published on the pages cited (`hallyu data series`)".into(),
            });
        }
    }
    list
}

/// The gravity models the report fits, from what the data has: the Advanced Guide's on
/// the embedded panel; on a dataset folder, the covariates it holds (distance between
/// capitals when it has no other) over its years.
#[derive(Debug, Clone, PartialEq)]
struct Models {
    /// Observable trade costs, exporter-year and importer-year effects.
    gravity: String,
    /// Pair effects and the RTA dummy, when the data has RTAs and more than one year.
    pair: Option<String>,
    /// Row selection.
    sample: String,
    /// Row selection of the model with pair effects (the Guide's keeps intra-national
    /// flows, which identify the effect of agreements against domestic trade).
    pair_sample: String,
    /// Years of the estimation sample (every year when `None`).
    years: Option<Vec<i32>>,
    /// The simulated year.
    last_year: Option<i32>,
    /// Covariates that fill the cost of pairs without a pair effect.
    fill: Vec<String>,
    /// Whether the data has an RTA dummy.
    has_rta: bool,
    /// In words, for the section's note.
    described: String,
}

impl Models {
    fn of(req: &ReportRequest) -> Models {
        let years = |all: Vec<i32>| -> Vec<i32> {
            all.into_iter()
                .filter(|y| req.years.is_none_or(|(a, b)| *y >= a && *y <= b))
                .collect()
        };
        let dir = match &req.data {
            DataSource::Dataset { dir } => Some(dir),
            _ => None,
        };
        let Some(dir) = dir else {
            let guide = years(vec![1986, 1990, 1994, 1998, 2002, 2006]);
            let in_years = if req.years.is_none() {
                GRAVITY_SAMPLE.to_string()
            } else {
                format!(
                    "exporter != importer and year in ({})",
                    guide
                        .iter()
                        .map(|y| y.to_string())
                        .collect::<Vec<_>>()
                        .join(", ")
                )
            };
            return Models {
                gravity: GRAVITY_FORMULA.into(),
                pair: Some(PAIR_FORMULA.into()),
                pair_sample: format!(
                    "year in ({})",
                    guide
                        .iter()
                        .map(|y| y.to_string())
                        .collect::<Vec<_>>()
                        .join(", ")
                ),
                sample: in_years,
                last_year: guide.last().copied(),
                years: Some(guide),
                fill: ["log(dist)", "cntg", "lang", "clny"]
                    .map(String::from)
                    .to_vec(),
                has_rta: true,
                described: "the Advanced Guide's 4-yearly sample, 1986-2006".into(),
            };
        };
        // A folder whose manifest cannot be read is reported by the calls themselves.
        let manifest = hallyu_data::dataset::Manifest::load(dir).ok();
        let covariates: Vec<String> = manifest
            .iter()
            .flat_map(|m| &m.covariates)
            .flat_map(|c| c.columns.iter().cloned())
            .collect();
        let has = |c: &str| covariates.iter().any(|x| x == c);
        let mut terms = vec![if has("dist") {
            "log(dist)".to_string()
        } else {
            "log(distcap)".to_string()
        }];
        terms.extend(
            ["cntg", "lang", "clny"]
                .iter()
                .filter(|c| has(c))
                .map(|c| c.to_string()),
        );
        let fill = terms.clone();
        let has_rta = has("rta");
        if has_rta {
            terms.push("rta".into());
        }
        let data_years = years(manifest.map(|m| m.years()).unwrap_or_default());
        let sample = match req.years {
            Some((a, b)) => format!("exporter != importer and year >= {a} and year <= {b}"),
            None => "exporter != importer".to_string(),
        };
        Models {
            gravity: format!(
                "trade ~ {} | exporter^year + importer^year",
                terms.join(" + ")
            ),
            pair: (has_rta && data_years.len() > 1).then(|| PAIR_FORMULA.to_string()),
            pair_sample: sample.clone(),
            sample,
            last_year: data_years.last().copied(),
            described: match (data_years.first(), data_years.last()) {
                (Some(a), Some(b)) => format!("{a}-{b}"),
                _ => "every year of the data".into(),
            },
            years: Some(data_years),
            fill,
            has_rta,
        }
    }
}

/// The gravity specification of the report (the Advanced Guide's, chapter 1).
const GRAVITY_FORMULA: &str =
    "trade ~ log(dist) + cntg + lang + clny + rta | exporter^year + importer^year";

/// The same with pair fixed effects (the Guide's RTA estimate, 0.557 on its sample).
const PAIR_FORMULA: &str = "trade ~ rta | exporter^year + importer^year + pair_id";

/// Its sample: international flows every four years.
const GRAVITY_SAMPLE: &str =
    "exporter != importer and year in (1986, 1990, 1994, 1998, 2002, 2006)";

/// ASEAN+3 for its members, else the first bloc the country belongs to.
fn default_bloc(country: &str, years: Option<(i32, i32)>) -> Option<String> {
    let reference = Reference::builtin();
    let year = years.map_or(2006, |(_, last)| last);
    let blocs = reference.blocs();
    let member = |name: &str| {
        blocs
            .iter()
            .find(|b| b.name == name)
            .is_some_and(|b| b.is_member(country, year))
    };
    if member("asean+3") {
        return Some("asean+3".into());
    }
    blocs
        .iter()
        .find(|b| b.is_member(country, year))
        .map(|b| b.name.clone())
}

/// The figures the blueprint press pieces quote about Korea.
fn default_claims() -> Vec<(&'static str, Request)> {
    // As written: the decimals are the precision each figure is checked at.
    let number = |value: f64, decimals: u32| Stated { value, decimals };
    vec![
        (
            "USD 12.4 bn of content exports in 2021 (the content-industry survey)",
            Request::Claim(ClaimRequest {
                version: Version,
                statement: "Korea's cultural content exports were USD 12.4 bn in 2021".into(),
                check: Check::Value {
                    stated: number(12.4, 1),
                    year: 2021,
                    series: "kr_content_industry_exports".into(),
                    column: "exports_usd_bn".into(),
                    filter: [("sector".to_string(), "total".to_string())].into(),
                },
            }),
        ),
        (
            "K-pop market: USD 8.1 bn (2021) to 20 bn (2031) at 7.3% a year",
            Request::Projection(ProjectionRequest {
                version: Version,
                start_year: 2021,
                start_value: Some(number(8.1, 1)),
                end_year: 2031,
                end_value: Some(number(20.0, 0)),
                cagr_pct: Some(number(7.3, 1)),
            }),
        ),
        (
            "ASEAN-Plus Three trade: USD 890.2 bn in 2019 (the ASEAN Secretariat's figure)",
            Request::Claim(ClaimRequest {
                version: Version,
                statement: "ASEAN-Plus Three trade was USD 890.2 bn in 2019".into(),
                check: Check::Value {
                    stated: number(890.2, 1),
                    year: 2019,
                    series: "asean_plus3_trade".into(),
                    column: "asean_plus3_trade_usd_bn".into(),
                    filter: Default::default(),
                },
            }),
        ),
        (
            "ASEAN-Plus Three trade: USD 890.2 bn, 31.6% of ASEAN's trade (2019)",
            Request::Claim(ClaimRequest {
                version: Version,
                statement: "ASEAN-Plus Three trade was USD 890.2 bn in 2019, 31.6% of ASEAN's \
                            total trade (USD 2,817 bn)"
                    .into(),
                check: Check::Share {
                    part: number(890.2, 1),
                    whole: number(2817.0, 0),
                    pct: number(31.6, 1),
                },
            }),
        ),
    ]
}

/// A claims file: `[[claim]]` tables, each with a `statement` and a `kind`:
///
/// ```toml
/// [[claim]]
/// kind = "value"            # a value in a year against an embedded series
/// statement = "Korea's cultural content exports were USD 12.4 bn in 2021"
/// stated = "12.4"           # as written: the decimals are the precision checked
/// year = 2021
/// series = "kr_content_industry_exports"
/// column = "exports_usd_bn"
/// filter = { sector = "total" }
///
/// [[claim]]
/// kind = "growth"           # X in year A, Y by year B at g% a year (any two of the three)
/// statement = "K-pop: USD 8.1 bn (2021) to 20 bn (2031) at 7.3% a year"
/// start_year = 2021
/// start_value = "8.1"
/// end_year = 2031
/// end_value = "20"
/// cagr_pct = "7.3"
///
/// [[claim]]
/// kind = "share"            # X is p% of Y
/// statement = "USD 890.2 bn is 31.6% of ASEAN's USD 2,817 bn"
/// part = "890.2"
/// whole = "2817"
/// pct = "31.6"
/// ```
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct ClaimsFile {
    claim: Vec<ClaimEntry>,
}

#[derive(Debug, Deserialize)]
#[serde(tag = "kind", rename_all = "snake_case", deny_unknown_fields)]
enum ClaimEntry {
    Value {
        statement: String,
        stated: Stated,
        year: i32,
        series: String,
        column: String,
        #[serde(default)]
        filter: std::collections::BTreeMap<String, String>,
    },
    Share {
        statement: String,
        part: Stated,
        whole: Stated,
        pct: Stated,
    },
    Growth {
        statement: String,
        start_year: i32,
        #[serde(default)]
        start_value: Option<Stated>,
        end_year: i32,
        #[serde(default)]
        end_value: Option<Stated>,
        #[serde(default)]
        cagr_pct: Option<Stated>,
    },
}

/// The claims of a TOML claims file (see [`ClaimsFile`] above for the format), as the
/// report's requests.
pub fn claims_from_toml(text: &str) -> Result<Vec<ReportClaim>> {
    let file: ClaimsFile =
        toml::from_str(text).map_err(|e| Error::field("claims", e.to_string()))?;
    if file.claim.is_empty() {
        return Err(Error::field("claims", "the file has no [[claim]]"));
    }
    Ok(file
        .claim
        .into_iter()
        .map(|c| match c {
            ClaimEntry::Value {
                statement,
                stated,
                year,
                series,
                column,
                filter,
            } => ReportClaim {
                purpose: statement.clone(),
                request: Request::Claim(ClaimRequest {
                    version: Version,
                    statement,
                    check: Check::Value {
                        stated,
                        year,
                        series,
                        column,
                        filter,
                    },
                }),
            },
            ClaimEntry::Share {
                statement,
                part,
                whole,
                pct,
            } => ReportClaim {
                purpose: statement.clone(),
                request: Request::Claim(ClaimRequest {
                    version: Version,
                    statement,
                    check: Check::Share { part, whole, pct },
                }),
            },
            ClaimEntry::Growth {
                statement,
                start_year,
                start_value,
                end_year,
                end_value,
                cagr_pct,
            } => ReportClaim {
                purpose: statement,
                request: Request::Projection(ProjectionRequest {
                    version: Version,
                    start_year,
                    start_value,
                    end_year,
                    end_value,
                    cagr_pct,
                }),
            },
        })
        .collect())
}

/// The claims of a TOML file; errors name the file.
pub fn claims_from_file(path: &std::path::Path) -> Result<Vec<ReportClaim>> {
    let text = std::fs::read_to_string(path)
        .map_err(|e| Error::field("claims", format!("cannot read {}: {e}", path.display())))?;
    claims_from_toml(&text).map_err(|e| e.context(format!("reading {}", path.display())))
}

#[cfg(test)]
mod claims_file_tests {
    use super::*;

    #[test]
    fn the_three_kinds_read_into_requests() {
        let claims = claims_from_toml(
            r#"
[[claim]]
kind = "value"
statement = "content exports were USD 12.4 bn in 2021"
stated = "12.4"
year = 2021
series = "kr_content_industry_exports"
column = "exports_usd_bn"
filter = { sector = "total" }

[[claim]]
kind = "growth"
statement = "8.1 to 20 at 7.3%"
start_year = 2021
start_value = 8.1
end_year = 2031
end_value = "20"
cagr_pct = "7.3"

[[claim]]
kind = "share"
statement = "890.2 is 31.6% of 2817"
part = "890.2"
whole = 2817
pct = "31.6"
"#,
        )
        .expect("claims");
        assert_eq!(claims.len(), 3);
        let ctx = Context::quiet();
        let answers: Vec<Response> = claims
            .iter()
            .map(|c| run(&ctx, &c.request).expect("checked"))
            .collect();
        // The growth claim is inconsistent (8.1 at 7.3% for ten years is 16.4, not 20).
        let problems: Vec<bool> = answers.iter().map(|a| a.problem().is_some()).collect();
        assert_eq!(problems, [false, true, false]);
        let Request::Projection(p) = &claims[1].request else {
            panic!("a projection")
        };
        assert_eq!(p.start_value.map(|s| s.decimals), Some(1));
    }

    #[test]
    fn mistakes_name_the_field() {
        let e = claims_from_toml("[[claim]]\nkind = 'value'\nstatement = 'x'\nstated = 1\n")
            .expect_err("missing fields")
            .to_string();
        assert!(e.contains("missing field"), "{e}");
        let e = claims_from_toml("[[claim]]\nkind = 'guess'\nstatement = 'x'\n")
            .expect_err("unknown kind")
            .to_string();
        assert!(e.contains("guess"), "{e}");
        let e = claims_from_toml(
            "[[claim]]\nkind = 'share'\nstatement = 'x'\npart = 1\nwhole = 2\npct = 50\nyear = 3\n",
        )
        .expect_err("unknown field")
        .to_string();
        assert!(e.contains("year"), "{e}");
        assert!(claims_from_toml("").is_err());
    }
}
