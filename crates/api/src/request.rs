//! Every request and every response, in one tagged type each.

use crate::claims::{ClaimCheck, ClaimRequest};
use crate::dataset::{DatasetReport, DatasetRequest};
use crate::fit::{FitRequest, FitResponse};
use crate::indicators::IndicatorsRequest;
use crate::ingest::{IngestOutcome, IngestRequest};
use crate::potential::{Potential, PotentialRequest};
use crate::projection::ProjectionRequest;
use crate::reference::{ReferenceRequest, ReferenceRows};
use crate::report::{Report, ReportRequest};
use crate::reproduce::{ReproduceRequest, Reproduction};
use crate::scenario::ScenarioRequest;
use crate::series::{SeriesFigures, SeriesRequest};
use crate::{Context, ErrorCategory, Result};
use hallyu_measure::indicators::Indicators;
use hallyu_measure::projection::Projection;
use hallyu_simulate::ScenarioResult;
use serde::{Deserialize, Serialize};

/// A request for any capability. JSON: the capability's fields with `"capability"` naming
/// it, e.g. `{"capability": "indicators", "version": 1, "subject": "KOR"}`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, schemars::JsonSchema)]
#[serde(tag = "capability", rename_all = "snake_case")]
pub enum Request {
    /// PPML or least squares with high-dimensional fixed effects.
    Fit(Box<FitRequest>),
    /// Trade indicators of a country, bloc or list.
    Indicators(IndicatorsRequest),
    /// Compound growth and claim checks.
    Projection(ProjectionRequest),
    /// A country's export potential by partner (a gravity model's predictions against
    /// observed trade).
    Potential(Box<PotentialRequest>),
    /// A reference exercise of the Advanced Guide.
    Reproduce(ReproduceRequest),
    /// A reference table.
    Reference(ReferenceRequest),
    /// A dataset folder against its manifest.
    Dataset(DatasetRequest),
    /// Trade data or gravity covariates into a dataset folder.
    Ingest(IngestRequest),
    /// A general-equilibrium policy scenario.
    Scenario(Box<ScenarioRequest>),
    /// A claim: a value against its source, or a share.
    Claim(ClaimRequest),
    /// Figures of an embedded series (a survey, published totals), with their sources.
    Series(SeriesRequest),
    /// A country's creative-economy report (a composition of the requests above).
    Report(Box<ReportRequest>),
    /// A composite index built from a framework and unit data.
    Index(Box<crate::index::IndexRequest>),
}

/// The answer to a [`Request`], tagged the same way.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, schemars::JsonSchema)]
#[serde(tag = "capability", content = "result", rename_all = "snake_case")]
pub enum Response {
    /// Fits.
    Fit(FitResponse),
    /// Indicators.
    Indicators(Box<Indicators>),
    /// A projection.
    Projection(Projection),
    /// Export potential by partner.
    Potential(Box<Potential>),
    /// A reproduction.
    Reproduce(Reproduction),
    /// A reference table.
    Reference(ReferenceRows),
    /// A dataset report.
    Dataset(DatasetReport),
    /// What an ingest wrote.
    Ingest(IngestOutcome),
    /// A scenario's effects.
    Scenario(Box<ScenarioResult>),
    /// A claim's check.
    Claim(ClaimCheck),
    /// Figures of an embedded series.
    Series(SeriesFigures),
    /// A report: every call it made, with its request and response.
    Report(Box<Report>),
    /// A composite index: scores and ranks at every level.
    Index(Box<crate::index::IndexResult>),
}

impl Request {
    /// The capability's name, as in the JSON tag.
    pub fn capability(&self) -> &'static str {
        match self {
            Request::Fit(_) => "fit",
            Request::Indicators(_) => "indicators",
            Request::Projection(_) => "projection",
            Request::Potential(_) => "potential",
            Request::Reproduce(_) => "reproduce",
            Request::Reference(_) => "reference",
            Request::Dataset(_) => "dataset",
            Request::Ingest(_) => "ingest",
            Request::Scenario(_) => "scenario",
            Request::Claim(_) => "claim",
            Request::Series(_) => "series",
            Request::Index(_) => "index",
            Request::Report(_) => "report",
        }
    }
}

/// Why a computed result must not be trusted as it stands.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Problem {
    /// `Numerical` for a result that is not valid (no convergence, a published value
    /// missed, a claim whose numbers disagree); `Data` for data found not to be what it
    /// should (a dataset folder that differs from its manifest).
    pub category: ErrorCategory,
    /// What to tell the user besides the result itself, when the result does not say it.
    pub message: Option<String>,
}

impl Response {
    /// The problem with the result, when it must not be trusted as it stands; `None` for a
    /// valid result. Front ends show the result and signal the problem (the command line
    /// with its exit status, the server in the response).
    pub fn problem(&self) -> Option<Problem> {
        let invalid = |message: Option<String>| {
            message.map(|m| Problem {
                category: ErrorCategory::Numerical,
                message: Some(m),
            })
        };
        match self {
            Response::Fit(f) => invalid(f.invalidity()),
            Response::Projection(p) => invalid(crate::projection::invalidity(p)),
            Response::Potential(p) => invalid(p.invalidity()),
            Response::Reproduce(r) => invalid(crate::reproduce::invalidity(r)),
            Response::Dataset(r) => (!r.is_clean()).then_some(Problem {
                category: ErrorCategory::Data,
                message: None,
            }),
            Response::Claim(c) => match c.verdict() {
                hallyu_measure::claims::Verdict::Inconsistent { arithmetic } => Some(Problem {
                    category: ErrorCategory::Numerical,
                    message: Some(format!("the claim is not consistent: {arithmetic}")),
                }),
                _ => None,
            },
            Response::Report(r) => (!r.computed_anything()).then(|| Problem {
                category: ErrorCategory::Data,
                message: Some("nothing in the report could be computed".into()),
            }),
            Response::Indicators(_)
            | Response::Reference(_)
            | Response::Ingest(_)
            | Response::Scenario(_)
            | Response::Series(_)
            | Response::Index(_) => None,
        }
    }
}

impl Response {
    /// What the user should see next to the result: for a report, the calls that could not
    /// be answered.
    pub fn warnings(&self) -> Vec<String> {
        match self {
            Response::Report(r) => r.warnings.clone(),
            _ => Vec::new(),
        }
    }
}

impl Request {
    /// The data source of a request that reads one (fits, indicators, scenarios, reports):
    /// a front end hands a table in memory over through it.
    pub fn data_mut(&mut self) -> Option<&mut crate::DataSource> {
        match self {
            Request::Fit(r) => Some(&mut r.data),
            Request::Indicators(r) => Some(&mut r.data),
            Request::Scenario(r) => Some(&mut r.data),
            Request::Report(r) => Some(&mut r.data),
            _ => None,
        }
    }
}

/// Runs any request.
pub fn run(ctx: &Context, request: &Request) -> Result<Response> {
    Ok(match request {
        Request::Fit(r) => Response::Fit(crate::fit::compute(ctx, r)?),
        Request::Indicators(r) => {
            Response::Indicators(Box::new(crate::indicators::compute(ctx, r)?))
        }
        Request::Projection(r) => Response::Projection(crate::projection::compute(ctx, r)?),
        Request::Potential(r) => Response::Potential(Box::new(crate::potential::compute(ctx, r)?)),
        Request::Reproduce(r) => Response::Reproduce(crate::reproduce::compute(ctx, r)?),
        Request::Reference(r) => Response::Reference(crate::reference::compute(ctx, r)?),
        Request::Dataset(r) => Response::Dataset(crate::dataset::compute(ctx, r)?),
        Request::Ingest(r) => Response::Ingest(crate::ingest::compute(ctx, r)?),
        Request::Scenario(r) => Response::Scenario(Box::new(crate::scenario::compute(ctx, r)?)),
        Request::Claim(r) => Response::Claim(crate::claims::compute(ctx, r)?),
        Request::Series(r) => Response::Series(crate::series::compute(ctx, r)?),
        Request::Index(r) => Response::Index(Box::new(crate::index::compute(ctx, r)?)),
        Request::Report(r) => Response::Report(Box::new(crate::report::compute(ctx, r)?)),
    })
}
