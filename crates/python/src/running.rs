//! Work off the GIL: the library runs on a worker thread while the calling thread waits with
//! the GIL released, relays progress to a Python callable (tqdm in a notebook) and turns
//! Ctrl-C into a cancellation the library honours at its next progress report.

use crate::{data, errors};
use hallyu_api::{Context, DataSource, ErrorCategory, Request};
use hallyu_data::ingest::IngestProgress;
use hallyu_estimate::Progress;
use hallyu_render::Format;
use pyo3::prelude::*;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Condvar, Mutex};
use std::time::Duration;

/// One progress report, as the callable receives it: `(kind, stage, iteration, value)`.
type Event = (&'static str, String, usize, f64);

/// Collects the library's progress reports for the waiting thread and carries its
/// cancellation to the library.
#[derive(Default)]
pub(crate) struct Relay {
    events: Mutex<Vec<Event>>,
    cancel: AtomicBool,
    done: Mutex<bool>,
    wake: Condvar,
}

impl Relay {
    fn push(&self, event: Event) {
        if let Ok(mut events) = self.events.lock() {
            // A callable that cannot keep up sees the latest reports, not a growing queue.
            if events.len() >= 1024 {
                events.remove(0);
            }
            events.push(event);
        }
    }

    fn take(&self) -> Vec<Event> {
        self.events
            .lock()
            .map(|mut e| std::mem::take(&mut *e))
            .unwrap_or_default()
    }

    fn finish(&self) {
        if let Ok(mut done) = self.done.lock() {
            *done = true;
        }
        self.wake.notify_all();
    }

    /// Waits up to `timeout` for the work to end; true when it has.
    fn wait(&self, timeout: Duration) -> bool {
        match self.done.lock() {
            Ok(done) if *done => true,
            Ok(done) => self
                .wake
                .wait_timeout(done, timeout)
                .map(|(d, _)| *d)
                .unwrap_or(true),
            Err(_) => true,
        }
    }

    /// Whether the work was cancelled (by Ctrl-C).
    pub(crate) fn was_cancelled(&self) -> bool {
        self.cancel.load(Ordering::Relaxed)
    }
}

impl Progress for Relay {
    fn update(&self, stage: &str, iteration: usize, criterion: f64) {
        self.push(("update", stage.to_string(), iteration, criterion));
    }

    fn stage(&self, what: &str) {
        self.push(("stage", what.to_string(), 0, f64::NAN));
    }

    fn cancelled(&self) -> bool {
        self.was_cancelled()
    }
}

impl IngestProgress for Relay {
    fn file(&self, name: &str, bytes: Option<u64>) {
        self.push((
            "file",
            name.to_string(),
            0,
            bytes.map_or(f64::NAN, |b| b as f64),
        ));
    }

    fn advance(&self, bytes: u64) {
        self.push(("bytes", String::new(), 0, bytes as f64));
    }
}

/// Tells the waiting thread that the work ended when dropped.
struct Finished<'a>(&'a Relay);

impl Drop for Finished<'_> {
    fn drop(&mut self) {
        self.0.finish();
    }
}

/// Runs `work` on a worker thread with the GIL released. Progress goes to `callback`
/// (called as `callback(kind, stage, iteration, value)`) every tenth of a second; Ctrl-C
/// (or any pending signal whose handler raises) cancels the work, waits for it to stop and
/// raises the handler's exception, `KeyboardInterrupt`.
pub(crate) fn off_the_gil<T: Send>(
    py: Python<'_>,
    callback: Option<&Bound<'_, PyAny>>,
    work: impl FnOnce(&Relay) -> T + Send,
) -> PyResult<T> {
    let relay = Relay::default();
    std::thread::scope(|scope| {
        let worker = scope.spawn(|| {
            // Wakes the waiting thread however the work ends, a panic included.
            let _finished = Finished(&relay);
            work(&relay)
        });
        let mut interrupted: Option<PyErr> = None;
        loop {
            let done = py.detach(|| relay.wait(Duration::from_millis(100)));
            if let Some(cb) = callback {
                for (kind, stage, iteration, value) in relay.take() {
                    // A failing progress callable must not lose the result: it is dropped.
                    if cb.call1((kind, stage, iteration, value)).is_err() {
                        break;
                    }
                }
            }
            if done {
                break;
            }
            if interrupted.is_none() {
                if let Err(e) = py.check_signals() {
                    relay.cancel.store(true, Ordering::Relaxed);
                    interrupted = Some(e);
                }
            }
        }
        let out = worker.join().map_err(|_| {
            errors::raise(
                py,
                ErrorCategory::Internal,
                "the computation panicked: please report it",
                None,
            )
        })?;
        match interrupted {
            Some(e) => Err(e),
            None => Ok(out),
        }
    })
}

/// The format of a name, or an input error listing the formats.
pub(crate) fn format_of(py: Python<'_>, name: &str) -> PyResult<Format> {
    Format::from_name(name).ok_or_else(|| {
        let names: Vec<&str> = Format::ALL.iter().map(|f| f.name()).collect();
        errors::input(
            py,
            format!(
                "unknown format `{name}`; the formats are {}",
                names.join(", ")
            ),
        )
    })
}

/// What `run` returns: the renderings, the problem `(category, message)` and the notes.
type Answer = (Vec<String>, Option<(String, String)>, Vec<String>);

/// Runs a request written as JSON and renders its answer.
///
/// Returns `(texts, problem, warnings)`: the answer in each of `formats` (as the command
/// line writes it), `(category, message)` when the result must not be trusted as it stands, and what
/// the user should know besides (notes on how the data was built, calls a report could not
/// answer). `data`, an object with `__arrow_c_stream__`, replaces the request's data source.
#[pyfunction]
#[pyo3(signature = (request, data=None, formats=vec!["json".to_string()], progress=None))]
pub(crate) fn run(
    py: Python<'_>,
    request: &str,
    data: Option<&Bound<'_, PyAny>>,
    formats: Vec<String>,
    progress: Option<&Bound<'_, PyAny>>,
) -> PyResult<Answer> {
    let formats = formats
        .iter()
        .map(|f| format_of(py, f))
        .collect::<PyResult<Vec<_>>>()?;
    let mut request = parse_request(py, request)?;
    if let Some(frame) = data {
        let Some(source) = request.data_mut() else {
            return Err(errors::input(
                py,
                format!(
                    "a `{}` request does not read a table: pass no data",
                    request.capability()
                ),
            ));
        };
        *source = DataSource::Table(Arc::new(data::table_of(py, frame, None)?));
    }
    let outcome = off_the_gil(py, progress, |relay| {
        let ctx = Context::new(relay).with_ingest_progress(relay);
        let response = hallyu_api::run(&ctx, &request);
        let mut notes = ctx.take_warnings();
        notes.extend(ctx.take_notes());
        (response, notes, relay.was_cancelled())
    })?;
    let (response, mut notes, _) = outcome;
    let response = response.map_err(|e| errors::to_py(py, &e))?;
    let texts = formats
        .into_iter()
        .map(|f| {
            hallyu_render::render_response(&response, f)
                .map_err(|e| errors::raise(py, ErrorCategory::Internal, &e.to_string(), None))
        })
        .collect::<PyResult<Vec<_>>>()?;
    let problem = response
        .problem()
        .map(|p| (p.category.name().to_string(), p.message.unwrap_or_default()));
    notes.extend(response.warnings());
    // What the command line warns of after an ingest (malformed rows, inputs that added
    // nothing), from the same renderer.
    if let (
        hallyu_api::Response::Ingest(hallyu_api::ingest::IngestOutcome::Flows(reports)),
        Request::Ingest(req),
    ) = (&response, &request)
    {
        notes.extend(hallyu_render::response::ingest_warnings(reports, &req.out));
    }
    Ok((texts, problem, notes))
}

/// A request from its JSON text.
pub(crate) fn parse_request(py: Python<'_>, json: &str) -> PyResult<Request> {
    serde_json::from_str(json).map_err(|e| errors::input(py, format!("request: {e}")))
}

/// The JSON of what a file holds: `scenario` (a scenario TOML, as a whole `scenario`
/// request whose data is the file's `[baseline] data`) or `claims` (a claims TOML, the
/// list a report request takes).
#[pyfunction]
pub(crate) fn read_file(py: Python<'_>, kind: &str, path: std::path::PathBuf) -> PyResult<String> {
    let json = match kind {
        "scenario" => hallyu_api::scenario::ScenarioRequest::from_toml_file(&path)
            .map(|r| serde_json::to_string(&Request::Scenario(Box::new(r)))),
        "claims" => hallyu_api::report::claims_from_file(&path).map(|c| serde_json::to_string(&c)),
        other => return Err(errors::input(py, format!("unknown file kind `{other}`"))),
    };
    json.map_err(|e| errors::to_py(py, &e))?
        .map_err(|e| errors::raise(py, ErrorCategory::Internal, &e.to_string(), None))
}
