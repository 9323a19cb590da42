//! The endpoints: the dashboard's files at `/`, one `POST` per capability, reference
//! look-ups and the datasets under the data root as `GET`s, a health check; everything else
//! is a 404 problem.

use crate::problem::{Problem, ProblemType};
use crate::State;
use axum::body::Body;
use axum::extract::{Path, Query, Request as HttpRequest, State as Shared};
use axum::http::{header, HeaderMap, HeaderValue, Method, StatusCode, Uri};
use axum::middleware::{self, Next};
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};
use axum::Router;
use hallyu_api::reference::{ReferenceRequest, ReferenceTable};
use hallyu_api::{Context, Request, Version};
use serde::Deserialize;
use std::sync::Arc;

/// Capabilities answered over HTTP. `ingest` and `dataset` write files and are left to the
/// command line.
pub const SERVED: [&str; 10] = [
    "fit",
    "indicators",
    "projection",
    "scenario",
    "report",
    "reproduce",
    "potential",
    "claim",
    "series",
    "reference",
];

/// Capabilities that write files: refused.
const WRITES: [&str; 2] = ["ingest", "dataset"];

pub(crate) fn router(state: Arc<State>) -> Router {
    Router::new()
        .route("/", get(crate::assets::index))
        .route("/app.js", get(crate::assets::script))
        .route("/app.css", get(crate::assets::style))
        .route("/api/v1/health", get(health))
        .route("/api/v1/openapi.json", get(openapi))
        .route("/api/v1/datasets", get(datasets))
        .route("/api/v1/reference/{table}", get(reference))
        .route("/api/v1/jobs", post(submit_job))
        .route("/api/v1/jobs/{id}", get(job_status).delete(cancel_job))
        .route("/api/v1/jobs/{id}/result", get(job_result))
        .route("/api/v1/jobs/{id}/events", get(job_events))
        .route("/api/v1/{capability}", post(capability))
        .fallback(not_found)
        .layer(middleware::from_fn_with_state(Arc::clone(&state), auth))
        .with_state(state)
}

/// With a token configured, every API request carries `Authorization: Bearer <token>`.
async fn auth(Shared(s): Shared<Arc<State>>, req: HttpRequest, next: Next) -> Response {
    if let Some(token) = &s.config.token {
        if req.uri().path().starts_with("/api/") && !bearer_matches(req.headers(), token) {
            return Problem::new(
                ProblemType::Unauthorized,
                "send the server's token as `Authorization: Bearer <token>`",
            )
            .into_response();
        }
    }
    next.run(req).await
}

/// Whether the request's bearer token is `token`, compared in time independent of where
/// they differ.
fn bearer_matches(headers: &HeaderMap, token: &str) -> bool {
    let Some(given) = headers
        .get(header::AUTHORIZATION)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.strip_prefix("Bearer "))
    else {
        return false;
    };
    let (a, b) = (given.trim().as_bytes(), token.trim().as_bytes());
    a.len() == b.len() && a.iter().zip(b).fold(0u8, |acc, (x, y)| acc | (x ^ y)) == 0
}

async fn health() -> Response {
    json_response(
        serde_json::json!({
            "status": "ok",
            "version": env!("CARGO_PKG_VERSION"),
            "capabilities": SERVED,
        })
        .to_string(),
    )
}

/// `GET /api/v1/openapi.json`: the generated OpenAPI 3.1 document (built once).
async fn openapi() -> Response {
    static DOCUMENT: std::sync::OnceLock<Option<String>> = std::sync::OnceLock::new();
    match DOCUMENT.get_or_init(|| {
        crate::openapi::document().and_then(|d| serde_json::to_string_pretty(&d).ok())
    }) {
        Some(text) => json_response(text.clone()),
        None => Problem::new(
            ProblemType::Internal,
            "the OpenAPI document could not be generated from the types",
        )
        .into_response(),
    }
}

async fn not_found(method: Method, uri: Uri) -> Response {
    Problem::new(
        ProblemType::NotFound,
        format!(
            "no endpoint {method} {}: the dashboard is at / and the API under /api/v1/ (POST /api/v1/<capability>, \
             GET /api/v1/reference/<table>, GET /api/v1/datasets, GET /api/v1/health)",
            uri.path()
        ),
    )
    .into_response()
}

/// How a response is written: `?format=json` (default: what `hallyu run --format json`
/// writes), `html` (the page `--format html` writes, charts included), `csv`, `markdown`.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "snake_case")]
pub(crate) enum OutputFormat {
    /// JSON.
    #[default]
    Json,
    /// One self-contained HTML page.
    Html,
    /// CSV.
    Csv,
    /// Markdown.
    Markdown,
}

impl OutputFormat {
    fn render(self) -> hallyu_render::Format {
        match self {
            OutputFormat::Json => hallyu_render::Format::Json,
            OutputFormat::Html => hallyu_render::Format::Html,
            OutputFormat::Csv => hallyu_render::Format::Csv,
            OutputFormat::Markdown => hallyu_render::Format::Markdown,
        }
    }

    fn content_type(self) -> &'static str {
        match self {
            OutputFormat::Json => "application/json",
            OutputFormat::Html => "text/html; charset=utf-8",
            OutputFormat::Csv => "text/csv; charset=utf-8",
            OutputFormat::Markdown => "text/markdown; charset=utf-8",
        }
    }
}

/// Query of a capability endpoint.
#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
struct FormatQuery {
    #[serde(default)]
    format: OutputFormat,
}

/// `POST /api/v1/<capability>[?format=json|html|csv|markdown]`: the body is the request as
/// `--print-request` prints it (its `capability` may be left out).
async fn capability(
    Shared(s): Shared<Arc<State>>,
    Path(capability): Path<String>,
    query: Result<Query<FormatQuery>, axum::extract::rejection::QueryRejection>,
    headers: HeaderMap,
    body: Body,
) -> Response {
    let format = match query {
        Ok(Query(q)) => q.format,
        Err(e) => {
            return Problem::new(
                ProblemType::Input,
                format!("the query: {e} (format is json, html, csv or markdown)"),
            )
            .into_response()
        }
    };
    match parse(&s, &capability, &headers, body).await {
        Ok(request) => execute(s, request, format).await,
        Err(p) => p.into_response(),
    }
}

/// The request in the body, checked against the endpoint and the server's limits.
async fn parse(
    s: &State,
    capability: &str,
    headers: &HeaderMap,
    body: Body,
) -> Result<Request, Problem> {
    if WRITES.contains(&capability) {
        return Err(Problem::new(
            ProblemType::Forbidden,
            format!(
                "`{capability}` writes files and is not served over HTTP: use the command line"
            ),
        ));
    }
    if !SERVED.contains(&capability) {
        return Err(Problem::new(
            ProblemType::NotFound,
            format!(
                "no capability `{capability}`{}; served: {}",
                hallyu_data::nearest(capability, SERVED.iter().copied())
                    .map_or(String::new(), |n| format!(" (did you mean `{n}`?)")),
                SERVED.join(", ")
            ),
        ));
    }
    let limit = s.config.limits.body_bytes;
    let too_large = || {
        Problem::new(
            ProblemType::TooLarge,
            format!("the body is over this server's limit of {limit} bytes"),
        )
    };
    let declared = headers
        .get(header::CONTENT_LENGTH)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.parse::<usize>().ok());
    if declared.is_some_and(|n| n > limit) {
        return Err(too_large());
    }
    let bytes = axum::body::to_bytes(body, limit)
        .await
        .map_err(|_| too_large())?;
    let mut value: serde_json::Value = serde_json::from_slice(&bytes).map_err(|e| {
        Problem::new(ProblemType::Input, format!("the body is not JSON: {e}"))
            .with_status(StatusCode::BAD_REQUEST)
    })?;
    let Some(object) = value.as_object_mut() else {
        return Err(Problem::new(
            ProblemType::Input,
            "the body must be a JSON object: the request as `hallyu <command> --print-request` prints it",
        )
        .with_status(StatusCode::BAD_REQUEST));
    };
    match object.get("capability") {
        None => {
            object.insert("capability".into(), capability.into());
        }
        Some(serde_json::Value::String(c)) if c == capability => {}
        Some(other) => {
            return Err(Problem::new(
                ProblemType::Input,
                format!("the body's capability {other} is not this endpoint's `{capability}`"),
            ))
        }
    }
    let mut request: Request = serde_json::from_value(value)
        .map_err(|e| Problem::new(ProblemType::Input, format!("{capability} request: {e}")))?;
    s.config.limits.check(&request)?;
    crate::confine::confine(&mut request, s.config.data_root.as_deref())?;
    Ok(request)
}

/// Runs `request` on a worker thread and renders the response as `hallyu run --format
/// <format>` does; a result that must not be trusted says so in the `Hallyu-Problem` header.
async fn execute(s: Arc<State>, mut request: Request, format: OutputFormat) -> Response {
    // An answer that depends on the request alone (no file read) is served again as it was
    // rendered.
    let key = request
        .files_mut()
        .is_empty()
        .then(|| serde_json::to_string(&request).ok())
        .flatten()
        .map(|json| format!("{format:?} {json}"));
    if let Some(hit) = key.as_deref().and_then(|k| s.cache.get(k)) {
        return answer(hit.text, hit.problem.as_deref(), format);
    }
    // A request waits for a worker in a bounded line; past it, 429. (A client that
    // leaves while waiting drops this future and its place.)
    let waiting = s.waiting.fetch_add(1, std::sync::atomic::Ordering::SeqCst);
    let place = WaitingPlace(&s.waiting);
    if waiting >= s.config.max_waiting {
        drop(place);
        let mut p = Problem::new(
            ProblemType::Busy,
            format!(
                "all {} workers are busy and {waiting} requests wait: retry in a few seconds",
                s.config.max_jobs
            ),
        );
        p.retry_after = Some(2);
        return p.into_response();
    }
    let Ok(permit) = Arc::clone(&s.workers).acquire_owned().await else {
        return Problem::new(ProblemType::Internal, "the server is stopping").into_response();
    };
    drop(place);
    let rows = s.config.limits.rows;
    let work = tokio::task::spawn_blocking(move || {
        let _permit = permit;
        let ctx = Context::quiet().with_max_rows(rows);
        let response = hallyu_api::run(&ctx, &request)?;
        let text = hallyu_render::render_response(&response, format.render())
            .map_err(|e| Problem::new(ProblemType::of(e.category()), e.to_string()));
        Ok::<_, hallyu_api::Error>((text, response.problem()))
    })
    .await;
    match work {
        Ok(Ok((Ok(text), problem))) => {
            let problem = problem.map(|p| {
                let kind = ProblemType::of(p.category).name();
                match &p.message {
                    Some(m) => format!("{kind}: {m}"),
                    None => kind.to_string(),
                }
            });
            if let Some(k) = key {
                s.cache.put(
                    k,
                    crate::cache::Cached {
                        text: text.clone(),
                        problem: problem.clone(),
                    },
                );
            }
            answer(text, problem.as_deref(), format)
        }
        Ok(Ok((Err(p), _))) => p.into_response(),
        Ok(Err(e)) => {
            let mut p = Problem::from_api(&e);
            p.detail = crate::confine::unrooted(&p.detail, s.config.data_root.as_deref());
            p.into_response()
        }
        Err(e) => Problem::new(
            ProblemType::Internal,
            format!("the computation stopped: {e}"),
        )
        .into_response(),
    }
}

/// `POST /api/v1/jobs`: the body is a request with its `capability`; the answer (202) is the
/// job's status, its URL in `Location`.
async fn submit_job(Shared(s): Shared<Arc<State>>, headers: HeaderMap, body: Body) -> Response {
    let limit = s.config.limits.body_bytes;
    let bytes = match axum::body::to_bytes(body, limit).await {
        Ok(b) => b,
        Err(_) => {
            return Problem::new(
                ProblemType::TooLarge,
                format!("the body is over this server's limit of {limit} bytes"),
            )
            .into_response()
        }
    };
    let capability = serde_json::from_slice::<serde_json::Value>(&bytes)
        .ok()
        .and_then(|v| v.get("capability")?.as_str().map(str::to_string));
    let Some(capability) = capability else {
        return Problem::new(
            ProblemType::Input,
            "a job's body is a request with its `capability` (as `--print-request` prints it)",
        )
        .with_status(StatusCode::BAD_REQUEST)
        .into_response();
    };
    let request = match parse(&s, &capability, &headers, Body::from(bytes)).await {
        Ok(r) => r,
        Err(p) => return p.into_response(),
    };
    let job = match s.jobs.submit(&capability) {
        Ok(j) => j,
        Err(p) => return p.into_response(),
    };
    let workers = Arc::clone(&s.workers);
    let worker_job = Arc::clone(&job);
    let root = s.config.data_root.clone();
    let rows = s.config.limits.rows;
    tokio::spawn(async move {
        // Queued until a worker is free; a job cancelled while queued never starts.
        let Ok(permit) = workers.acquire_owned().await else {
            return;
        };
        let _ = tokio::task::spawn_blocking(move || {
            let _permit = permit;
            crate::jobs::work(&worker_job, &request, root.as_deref(), rows);
        })
        .await;
    });
    let mut r = (
        StatusCode::ACCEPTED,
        serde_json::to_string(&job.status()).unwrap_or_default(),
    )
        .into_response();
    let headers = r.headers_mut();
    headers.insert(
        header::CONTENT_TYPE,
        HeaderValue::from_static("application/json"),
    );
    if let Ok(v) = HeaderValue::from_str(&format!("/api/v1/jobs/{}", job.id())) {
        headers.insert(header::LOCATION, v);
    }
    r
}

fn job_of(s: &State, id: &str) -> Result<Arc<crate::jobs::Job>, Problem> {
    let id: u64 = id.parse().map_err(|_| {
        Problem::new(
            ProblemType::NotFound,
            format!("no job `{id}`: job ids are numbers"),
        )
    })?;
    s.jobs.get(id)
}

/// `GET /api/v1/jobs/{id}`: state and progress.
async fn job_status(Shared(s): Shared<Arc<State>>, Path(id): Path<String>) -> Response {
    match job_of(&s, &id) {
        Ok(job) => json_response(serde_json::to_string(&job.status()).unwrap_or_default()),
        Err(p) => p.into_response(),
    }
}

/// `DELETE /api/v1/jobs/{id}`: cancels the job; the work stops at its next progress report.
async fn cancel_job(Shared(s): Shared<Arc<State>>, Path(id): Path<String>) -> Response {
    match job_of(&s, &id) {
        Ok(job) => {
            job.cancel();
            json_response(serde_json::to_string(&job.status()).unwrap_or_default())
        }
        Err(p) => p.into_response(),
    }
}

/// `GET /api/v1/jobs/{id}/result[?format=...]`: the answer of a finished job, rendered as
/// the capability's endpoint renders it; 409 while it runs.
async fn job_result(
    Shared(s): Shared<Arc<State>>,
    Path(id): Path<String>,
    query: Result<Query<FormatQuery>, axum::extract::rejection::QueryRejection>,
) -> Response {
    let format = match query {
        Ok(Query(q)) => q.format,
        Err(e) => {
            return Problem::new(ProblemType::Input, format!("the query: {e}")).into_response()
        }
    };
    let job = match job_of(&s, &id) {
        Ok(j) => j,
        Err(p) => return p.into_response(),
    };
    let status = job.status();
    match (status.state, job.response()) {
        (crate::jobs::JobState::Done, Some(response)) => {
            let rendered = tokio::task::spawn_blocking(move || {
                hallyu_render::render_response(&response, format.render())
            })
            .await;
            match rendered {
                Ok(Ok(text)) => {
                    let mut r = text_response(text, format.content_type());
                    if let Some(p) = status.problem.as_deref().and_then(ascii_header) {
                        r.headers_mut().insert("hallyu-problem", p);
                    }
                    r
                }
                Ok(Err(e)) => {
                    Problem::new(ProblemType::of(e.category()), e.to_string()).into_response()
                }
                Err(e) => Problem::new(ProblemType::Internal, e.to_string()).into_response(),
            }
        }
        (crate::jobs::JobState::Failed, _) => status
            .error
            .unwrap_or_else(|| Problem::new(ProblemType::Internal, "failed without a reason"))
            .into_response(),
        (state, _) => Problem::new(
            ProblemType::Input,
            format!(
                "job {} is {}: its result is there once it is done",
                status.id,
                serde_json::to_string(&state)
                    .unwrap_or_default()
                    .trim_matches('"')
            ),
        )
        .with_status(StatusCode::CONFLICT)
        .into_response(),
    }
}

/// `GET /api/v1/jobs/{id}/events`: the job's status at every change, as server-sent events
/// (`event: status`), ending with the finished state. Leaving the stream early cancels the
/// job.
async fn job_events(Shared(s): Shared<Arc<State>>, Path(id): Path<String>) -> Response {
    use axum::response::sse::{Event, KeepAlive, Sse};
    let job = match job_of(&s, &id) {
        Ok(j) => j,
        Err(p) => return p.into_response(),
    };
    /// Cancels the job when the client leaves before it finished.
    struct Watch {
        job: Arc<crate::jobs::Job>,
        rx: tokio::sync::watch::Receiver<u64>,
        done: bool,
    }
    impl Drop for Watch {
        fn drop(&mut self) {
            if !self.job.status().state.finished() {
                self.job.cancel();
            }
        }
    }
    let rx = job.subscribe();
    let start = Watch {
        job,
        rx,
        done: false,
    };
    let stream = futures_util::stream::unfold(Some(start), |state| async move {
        let mut w = state?;
        if w.done {
            return None;
        }
        let status = w.job.status();
        w.done = status.state.finished();
        let event = Event::default()
            .event("status")
            .data(serde_json::to_string(&status).unwrap_or_default());
        if !w.done {
            // Wait for the next change (at most a second, so that elapsed time moves).
            let _ = tokio::time::timeout(std::time::Duration::from_secs(1), w.rx.changed()).await;
        }
        Some((Ok::<_, std::convert::Infallible>(event), Some(w)))
    });
    Sse::new(stream)
        .keep_alive(KeepAlive::default())
        .into_response()
}

/// A header value of visible ASCII (anything else replaced), or none.
fn ascii_header(text: &str) -> Option<HeaderValue> {
    let ascii: String = text
        .chars()
        .map(|c| {
            if c.is_ascii_graphic() || c == ' ' {
                c
            } else {
                '?'
            }
        })
        .collect();
    HeaderValue::from_str(&ascii).ok()
}

/// A rendered answer with its content type and, for a result not to be trusted as it
/// stands, the `Hallyu-Problem` header.
fn answer(text: String, problem: Option<&str>, format: OutputFormat) -> Response {
    let mut r = text_response(text, format.content_type());
    if let Some(v) = problem.and_then(ascii_header) {
        r.headers_mut().insert("hallyu-problem", v);
    }
    r
}

/// A place in the line of requests waiting for a worker, given back when dropped.
struct WaitingPlace<'a>(&'a std::sync::atomic::AtomicUsize);

impl Drop for WaitingPlace<'_> {
    fn drop(&mut self) {
        self.0.fetch_sub(1, std::sync::atomic::Ordering::SeqCst);
    }
}

/// Query of a reference look-up.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct ReferenceQuery {
    year: Option<i32>,
}

/// `GET /api/v1/reference/<countries|blocs|groups>[?year=Y]`.
async fn reference(
    Shared(s): Shared<Arc<State>>,
    Path(table): Path<String>,
    query: Result<Query<ReferenceQuery>, axum::extract::rejection::QueryRejection>,
) -> Response {
    let Some(t) = ReferenceTable::parse(&table) else {
        return Problem::new(
            ProblemType::NotFound,
            format!(
                "no reference table `{table}`; the tables: {}",
                ReferenceTable::ALL
                    .iter()
                    .map(|(n, _)| *n)
                    .collect::<Vec<_>>()
                    .join(", ")
            ),
        )
        .into_response();
    };
    let year = match query {
        Ok(Query(q)) => q.year,
        Err(e) => {
            return Problem::new(ProblemType::Input, format!("the query: {e}")).into_response()
        }
    };
    execute(
        s,
        Request::Reference(ReferenceRequest {
            version: Version,
            table: t,
            year,
            reference: None,
            classification: None,
        }),
        OutputFormat::Json,
    )
    .await
}

/// `GET /api/v1/datasets`: the dataset folders directly under the data root, with the
/// years and sources their manifests list.
async fn datasets(Shared(s): Shared<Arc<State>>) -> Response {
    let Some(root) = s.config.data_root.clone() else {
        return json_response("[]\n".into());
    };
    let listed = tokio::task::spawn_blocking(move || -> Result<String, Problem> {
        let entries = std::fs::read_dir(&root).map_err(|e| {
            Problem::new(
                ProblemType::Internal,
                format!("the data root {} cannot be listed: {e}", root.display()),
            )
        })?;
        let mut found = Vec::new();
        for entry in entries.flatten() {
            let path = entry.path();
            let Ok(manifest) = hallyu_data::dataset::Manifest::load(&path) else {
                continue;
            };
            found.push(serde_json::json!({
                "name": entry.file_name().to_string_lossy(),
                "years": manifest.years(),
                "sources": manifest.sources.iter().map(|s| s.source.clone()).collect::<Vec<_>>(),
            }));
        }
        found.sort_by(|a, b| a["name"].as_str().cmp(&b["name"].as_str()));
        let mut text = serde_json::to_string_pretty(&found)
            .map_err(|e| Problem::new(ProblemType::Internal, e.to_string()))?;
        text.push('\n');
        Ok(text)
    })
    .await;
    match listed {
        Ok(Ok(text)) => json_response(text),
        Ok(Err(p)) => p.into_response(),
        Err(e) => Problem::new(ProblemType::Internal, e.to_string()).into_response(),
    }
}

fn json_response(text: String) -> Response {
    text_response(text, "application/json")
}

fn text_response(text: String, content_type: &'static str) -> Response {
    let mut r = (StatusCode::OK, text).into_response();
    r.headers_mut()
        .insert(header::CONTENT_TYPE, HeaderValue::from_static(content_type));
    r
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn tokens_are_compared_whole() {
        let mut h = HeaderMap::new();
        assert!(!bearer_matches(&h, "secret"));
        h.insert(
            header::AUTHORIZATION,
            HeaderValue::from_static("Bearer secret"),
        );
        assert!(bearer_matches(&h, "secret"));
        assert!(!bearer_matches(&h, "secret2"));
        assert!(!bearer_matches(&h, "secreT"));
        h.insert(
            header::AUTHORIZATION,
            HeaderValue::from_static("Basic secret"),
        );
        assert!(!bearer_matches(&h, "secret"));
    }
}
