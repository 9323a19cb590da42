//! Long work as jobs: `POST /api/v1/jobs` queues a request and answers its id at once;
//! `GET /api/v1/jobs/{id}` says its state and progress; `GET /api/v1/jobs/{id}/events` streams
//! them (server-sent events; a client that leaves the stream before the end cancels the
//! job); `GET /api/v1/jobs/{id}/result` renders the answer; `DELETE /api/v1/jobs/{id}`
//! cancels it and the work stops at its next progress report. At most `max_jobs` jobs are
//! queued or running; past that the answer is 429 with `Retry-After`.

use crate::problem::{Problem, ProblemType};
use hallyu_estimate::Progress;
use serde::Serialize;
use std::collections::{HashMap, VecDeque};
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::sync::{Arc, Mutex};
use std::time::Instant;
use tokio::sync::watch;

/// Finished jobs kept for their results; the oldest go first.
const KEPT_FINISHED: usize = 64;

/// Where a job is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, schemars::JsonSchema)]
#[serde(rename_all = "snake_case")]
pub enum JobState {
    /// Waiting for a worker.
    Queued,
    /// Computing.
    Running,
    /// Finished with a result.
    Done,
    /// Finished with an error.
    Failed,
    /// Stopped by its client.
    Cancelled,
}

impl JobState {
    /// Whether the job will not change any more.
    pub fn finished(self) -> bool {
        matches!(
            self,
            JobState::Done | JobState::Failed | JobState::Cancelled
        )
    }
}

/// What a client sees of a job.
#[derive(Debug, Clone, Serialize, schemars::JsonSchema)]
pub struct JobStatus {
    /// Its id.
    pub id: u64,
    /// The capability it runs.
    pub capability: String,
    /// Where it is.
    pub state: JobState,
    /// The stage of the work now (e.g. "fepois: trade ~ rta | ...").
    #[serde(skip_serializing_if = "Option::is_none")]
    pub stage: Option<String>,
    /// Iterations of the stage so far.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub iteration: Option<usize>,
    /// The stage's convergence criterion at the last iteration.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub criterion: Option<f64>,
    /// Seconds since it was submitted.
    pub elapsed_s: f64,
    /// Why it failed.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub error: Option<Problem>,
    /// That the result must not be trusted as it stands, and why (as `Hallyu-Problem`).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub problem: Option<String>,
}

/// One job.
pub struct Job {
    id: u64,
    capability: String,
    created: Instant,
    cancel: AtomicBool,
    inner: Mutex<Inner>,
    /// Bumped on every change, for the event stream.
    changed: watch::Sender<u64>,
}

struct Inner {
    state: JobState,
    stage: Option<String>,
    iteration: Option<usize>,
    criterion: Option<f64>,
    error: Option<Problem>,
    problem: Option<String>,
    /// The response, kept to be rendered in the format asked.
    response: Option<Arc<hallyu_api::Response>>,
}

impl Job {
    fn lock(&self) -> std::sync::MutexGuard<'_, Inner> {
        self.inner
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner)
    }

    fn touch(&self) {
        self.changed.send_modify(|v| *v += 1);
    }

    /// Its id.
    pub fn id(&self) -> u64 {
        self.id
    }

    /// What a client sees of it now.
    pub fn status(&self) -> JobStatus {
        let i = self.lock();
        JobStatus {
            id: self.id,
            capability: self.capability.clone(),
            state: i.state,
            stage: i.stage.clone(),
            iteration: i.iteration,
            criterion: i.criterion,
            elapsed_s: self.created.elapsed().as_secs_f64(),
            error: i.error.clone(),
            problem: i.problem.clone(),
        }
    }

    /// Its response, once done.
    pub fn response(&self) -> Option<Arc<hallyu_api::Response>> {
        self.lock().response.clone()
    }

    /// A receiver woken at each change.
    pub fn subscribe(&self) -> watch::Receiver<u64> {
        self.changed.subscribe()
    }

    /// Asks the work to stop; a job not yet finished becomes cancelled.
    pub fn cancel(&self) {
        self.cancel.store(true, Ordering::SeqCst);
        let mut i = self.lock();
        if !i.state.finished() {
            i.state = JobState::Cancelled;
            i.response = None;
        }
        drop(i);
        self.touch();
    }

    /// Whether the job was cancelled.
    pub fn is_cancelled(&self) -> bool {
        self.cancel.load(Ordering::SeqCst)
    }

    fn set_running(&self) {
        let mut i = self.lock();
        if i.state == JobState::Queued {
            i.state = JobState::Running;
        }
        drop(i);
        self.touch();
    }

    /// Records how the work ended (a cancelled job stays cancelled).
    pub(crate) fn finish(&self, outcome: Result<hallyu_api::Response, Problem>) {
        let mut i = self.lock();
        if i.state != JobState::Cancelled {
            match outcome {
                Ok(r) => {
                    i.problem = r.problem().map(|p| match p.message {
                        Some(m) => format!("{}: {m}", ProblemType::of(p.category).name()),
                        None => ProblemType::of(p.category).name().to_string(),
                    });
                    i.response = Some(Arc::new(r));
                    i.state = JobState::Done;
                }
                Err(p) => {
                    i.error = Some(p);
                    i.state = JobState::Failed;
                }
            }
        }
        drop(i);
        self.touch();
    }
}

impl std::fmt::Debug for Job {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Job")
            .field("id", &self.id)
            .field("capability", &self.capability)
            .field("state", &self.lock().state)
            .finish()
    }
}

/// The job's side of the library's progress reports: it records them, and tells the
/// library to stop once the job is cancelled.
pub struct JobProgress(pub Arc<Job>);

impl Progress for JobProgress {
    fn update(&self, stage: &str, iteration: usize, criterion: f64) {
        let mut i = self.0.lock();
        i.stage = Some(stage.to_string());
        i.iteration = Some(iteration);
        i.criterion = criterion.is_finite().then_some(criterion);
        drop(i);
        self.0.touch();
    }

    fn stage(&self, what: &str) {
        let mut i = self.0.lock();
        i.stage = Some(what.to_string());
        i.iteration = None;
        i.criterion = None;
        drop(i);
        self.0.touch();
    }

    fn cancelled(&self) -> bool {
        self.0.is_cancelled()
    }
}

/// Every job of the server.
pub struct Jobs {
    next: AtomicU64,
    capacity: usize,
    all: Mutex<JobTable>,
}

#[derive(Default)]
struct JobTable {
    by_id: HashMap<u64, Arc<Job>>,
    finished: VecDeque<u64>,
}

impl Jobs {
    /// Room for `capacity` queued or running jobs.
    pub fn new(capacity: usize) -> Jobs {
        Jobs {
            next: AtomicU64::new(1),
            capacity,
            all: Mutex::new(JobTable::default()),
        }
    }

    fn table(&self) -> std::sync::MutexGuard<'_, JobTable> {
        self.all
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner)
    }

    /// A new queued job, or `busy` when `capacity` jobs are queued or running.
    pub fn submit(&self, capability: &str) -> Result<Arc<Job>, Problem> {
        let mut t = self.table();
        // Jobs that finished since the last submission make room and are kept for their
        // results, up to a bound.
        let finished: Vec<u64> = t
            .by_id
            .values()
            .filter(|j| j.lock().state.finished())
            .map(|j| j.id)
            .filter(|id| !t.finished.contains(id))
            .collect();
        t.finished.extend(finished);
        while t.finished.len() > KEPT_FINISHED {
            if let Some(old) = t.finished.pop_front() {
                t.by_id.remove(&old);
            }
        }
        let active = t.by_id.len() - t.finished.len();
        if active >= self.capacity {
            let mut p = Problem::new(
                ProblemType::Busy,
                format!(
                    "{active} jobs are queued or running, this server's limit: retry when one ends"
                ),
            );
            p.retry_after = Some(5);
            return Err(p);
        }
        let id = self.next.fetch_add(1, Ordering::SeqCst);
        let (changed, _) = watch::channel(0);
        let job = Arc::new(Job {
            id,
            capability: capability.to_string(),
            created: Instant::now(),
            cancel: AtomicBool::new(false),
            inner: Mutex::new(Inner {
                state: JobState::Queued,
                stage: None,
                iteration: None,
                criterion: None,
                error: None,
                problem: None,
                response: None,
            }),
            changed,
        });
        t.by_id.insert(id, Arc::clone(&job));
        Ok(job)
    }

    /// The job `id`.
    pub fn get(&self, id: u64) -> Result<Arc<Job>, Problem> {
        self.table().by_id.get(&id).cloned().ok_or_else(|| {
            Problem::new(
                ProblemType::NotFound,
                format!("no job {id} (finished jobs are kept for a while, then forgotten)"),
            )
        })
    }

    /// Cancels every job not finished (the server is stopping).
    pub fn cancel_all(&self) {
        for job in self.table().by_id.values() {
            job.cancel();
        }
    }
}

/// Runs `request` for `job` on the calling (blocking) thread; an error's message names paths
/// relative to the data root, as the client did.
pub(crate) fn work(
    job: &Arc<Job>,
    request: &hallyu_api::Request,
    root: Option<&std::path::Path>,
    max_rows: usize,
) {
    if job.is_cancelled() {
        return;
    }
    job.set_running();
    let progress = JobProgress(Arc::clone(job));
    let ctx = hallyu_api::Context::new(&progress).with_max_rows(max_rows);
    let outcome = hallyu_api::run(&ctx, request).map_err(|e| {
        let mut p = Problem::from_api(&e);
        p.detail = crate::confine::unrooted(&p.detail, root);
        p
    });
    job.finish(outcome);
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_queue_is_bounded_and_finished_jobs_make_room() {
        let jobs = Jobs::new(2);
        let a = jobs.submit("fit").expect("room");
        let _b = jobs.submit("fit").expect("room");
        let busy = jobs.submit("fit").expect_err("full");
        assert_eq!(busy.kind, ProblemType::Busy);
        assert_eq!(busy.retry_after, Some(5));
        a.cancel();
        assert_eq!(a.status().state, JobState::Cancelled);
        let c = jobs.submit("fit").expect("a cancelled job made room");
        assert!(jobs.get(a.id()).is_ok(), "kept for its status");
        assert!(jobs.get(c.id()).is_ok());
        assert_eq!(
            jobs.get(999).expect_err("unknown").kind,
            ProblemType::NotFound
        );
    }

    #[test]
    fn progress_is_recorded_and_cancellation_seen() {
        let jobs = Jobs::new(1);
        let job = jobs.submit("fit").expect("room");
        let p = JobProgress(Arc::clone(&job));
        p.stage("reading data");
        p.update("fepois", 3, 1e-5);
        let s = job.status();
        assert_eq!(s.stage.as_deref(), Some("fepois"));
        assert_eq!(s.iteration, Some(3));
        assert!(!p.cancelled());
        job.cancel();
        assert!(p.cancelled());
        // A result arriving after the cancellation does not revive the job.
        job.finish(Err(Problem::new(ProblemType::Internal, "late")));
        assert_eq!(job.status().state, JobState::Cancelled);
    }
}
