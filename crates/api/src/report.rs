//! The creative-economy report of a country: a composition of other requests (indicators
//! for the country, its peers and its bloc; a gravity fit; a policy scenario; claim checks),
//! each kept with its request and its response — or the reason it could not be answered —
//! in section order, so that every number can be re-run with `hallyu run`.

use crate::claims::{Check, ClaimRequest};
use crate::fit::FitRequest;
use crate::indicators::IndicatorsRequest;
use crate::projection::ProjectionRequest;
use crate::scenario::ScenarioRequest;
use crate::{run, Context, DataSource, Error, ErrorCategory, Request, Response, Result, Version};
use hallyu_data::reference::Reference;
use hallyu_estimate::{Estimator, VcovChoice};
use hallyu_measure::projection::Stated;
use serde::{Deserialize, Serialize};

/// A report request.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
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
        }
    }
}

/// One library call of a report: its request and its response, or why it failed.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
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
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Failure {
    /// The error's category.
    pub category: ErrorCategory,
    /// The message.
    pub message: String,
}

/// One section of the report.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
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
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
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
}

impl Report {
    /// Whether at least one call on the trade data was answered (claims are checked
    /// against their own arithmetic or the embedded series, so they alone do not make a
    /// report).
    pub fn computed_anything(&self) -> bool {
        self.sections
            .iter()
            .flat_map(|s| &s.calls)
            .filter(|c| !matches!(c.request, Request::Projection(_) | Request::Claim(_)))
            .any(|c| c.response.is_some())
    }
}

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
    let mut report = Report {
        title: format!("{country}: creative trade as an export engine"),
        country: country.clone(),
        bloc: bloc.clone(),
        peers: peers.clone(),
        sections: Vec::new(),
        warnings: Vec::new(),
        generator: format!("hallyu {}", env!("CARGO_PKG_VERSION")),
    };
    let indicators = |subject: &str, partner: Option<&str>| {
        let mut r = IndicatorsRequest::new(subject);
        r.data = req.data.clone();
        r.group = req.group.clone();
        r.years = req.years;
        r.partner = partner.map(str::to_string);
        Request::Indicators(r)
    };
    let call = |purpose: &str, request: Request| -> Call {
        ctx.stage(purpose);
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

    let what = match (&req.group, &req.data) {
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
        notes: vec![format!("Goods: {what}.")],
        calls: vec![call(
            &format!("{country}'s trade indicators"),
            indicators(&country, None),
        )],
    };
    if country == "KOR" {
        headline.notes.push(
            "Korea's content-industry exports (games, music, broadcasting...) are a survey \
             (Ministry of Culture, Sports and Tourism / KOCCA), not customs data: USD 12.45 bn in \
             2021, two thirds games (`hallyu data kr_content_industry_exports`)."
                .into(),
        );
    }
    report.sections.push(headline);

    let markets = ReportSection {
        id: "markets".into(),
        title: "Markets and specialisation against peers".into(),
        notes: vec![
            "Top partners and concentration (HHI over partners) of the country; the same \
             indicators for each peer, for comparison."
                .into(),
        ],
        calls: peers
            .iter()
            .map(|p| {
                call(
                    &format!("{p}'s trade indicators (peer)"),
                    indicators(p, None),
                )
            })
            .collect(),
    };
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
            integration.calls.push(call(
                &format!("{country}'s trade with {b}"),
                indicators(&country, Some(b)),
            ));
        }
        None => integration.notes.push(format!(
            "{country} belongs to no bloc of the reference tables in these years."
        )),
    }
    report.sections.push(integration);

    let mut gravity = FitRequest::new(Estimator::Poisson, vec![GRAVITY_FORMULA.to_string()]);
    gravity.data = req.data.clone();
    gravity.selection = Some(GRAVITY_SAMPLE.to_string());
    gravity.vcov = vec![VcovChoice::new(
        hallyu_estimate::VcovKind::Cluster,
        vec![vec!["pair_id".to_string()]],
    )?];
    report.sections.push(ReportSection {
        id: "gravity".into(),
        title: "Trade costs: structural gravity".into(),
        notes: vec![
            "PPML with exporter-year and importer-year fixed effects on international flows of \
             the Advanced Guide's 4-yearly sample (1986-2006), standard errors clustered by pair."
                .into(),
        ],
        calls: vec![call(
            "gravity: distance, contiguity, language, colony, RTAs",
            Request::Fit(Box::new(gravity)),
        )],
    });

    let scenario = match (&req.scenario, &bloc) {
        (Some(s), _) => Some((**s).clone()),
        (None, Some(b)) => Some(default_scenario(&country, b, &req.data)?),
        (None, None) => None,
    };
    let mut policy = ReportSection {
        id: "scenario".into(),
        title: "Policy scenario (general equilibrium)".into(),
        notes: Vec::new(),
        calls: Vec::new(),
    };
    match scenario {
        Some(mut s) => {
            s.options.draws = req.draws;
            policy.notes.push(format!(
                "{}; 95% intervals from {} coefficient draws.",
                s.scenario
                    .title
                    .clone()
                    .unwrap_or_else(|| "the scenario".into()),
                req.draws
            ));
            policy.calls.push(call(
                "the scenario's effects",
                Request::Scenario(Box::new(s)),
            ));
        }
        None => policy
            .notes
            .push("No scenario: no bloc to sign agreements with, and none given.".into()),
    }
    report.sections.push(policy);

    let claims: Vec<Call> = if country == "KOR" {
        default_claims()
            .into_iter()
            .map(|(purpose, r)| call(purpose, r))
            .collect()
    } else {
        Vec::new()
    };
    let claims_note = if claims.is_empty() {
        format!("No claims about {country} are built in.")
    } else {
        "Figures quoted in the press on the K-pop blueprint, each checked at the precision it \
         was written with, against its source or its own arithmetic."
            .to_string()
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

/// The gravity specification of the report (the Advanced Guide's, chapter 1).
const GRAVITY_FORMULA: &str =
    "trade ~ log(dist) + cntg + lang + clny + rta | exporter^year + importer^year";

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

/// Agreements between the country and every member of the bloc, on the Guide's RTA
/// specification.
fn default_scenario(country: &str, bloc: &str, data: &DataSource) -> Result<ScenarioRequest> {
    let text = format!(
        "title = \"{country} signs RTAs with every member of {bloc}\"\n\
         [baseline]\n\
         year = 2006\n\
         estimation_years = [1986, 1990, 1994, 1998, 2002, 2006]\n\
         formula = \"trade ~ rta | exporter^year + importer^year + pair_id\"\n\
         fill = [\"log(dist)\", \"cntg\", \"lang\", \"clny\"]\n\
         vcov = \"pair_id\"\n\
         [[change]]\n\
         variable = \"rta\"\n\
         value = 1\n\
         between = [\"{country}\"]\n\
         and = [\"{bloc}\"]\n"
    );
    let (scenario, _) = hallyu_simulate::parse_scenario_toml(&text)?;
    Ok(ScenarioRequest {
        version: Version,
        scenario,
        data: data.clone(),
        scope: Default::default(),
        options: Default::default(),
        reference: None,
    })
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
