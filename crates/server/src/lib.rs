//! # hallyu-server: the library API over HTTP
//!
//! `POST /api/v1/<capability>` takes exactly the JSON that `hallyu <command>
//! --print-request` prints and answers exactly what `hallyu run` answers for it (the
//! renderer is the same); reference look-ups are `GET`s. Errors are
//! `application/problem+json` whose `type` is the library's error category. The server
//! holds no domain rule: it parses, confines paths to its data root, bounds what a request
//! may ask, runs the request through `hallyu_api::run` on a worker thread and renders the
//! response.
#![deny(missing_docs)]

mod assets;
pub mod cache;
pub mod confine;
pub mod csp;
pub mod jobs;
pub mod limits;
pub mod openapi;
pub mod problem;
mod routes;

pub use limits::Limits;
pub use problem::{Problem, ProblemType};

use std::net::{IpAddr, SocketAddr};
use std::path::PathBuf;
use std::sync::Arc;
use tokio::net::TcpListener;
use tokio::sync::Semaphore;

/// How a server is set up.
#[derive(Debug, Clone)]
pub struct ServerConfig {
    /// Address to listen on (loopback unless said otherwise).
    pub host: IpAddr,
    /// Port (0: any free one; [`Server::local_addr`] says which).
    pub port: u16,
    /// The folder requests may read files under; without it, requests that name a file are
    /// refused.
    pub data_root: Option<PathBuf>,
    /// The bearer token every API request must carry; required to listen beyond loopback.
    pub token: Option<String>,
    /// Computations running at once, and jobs queued or running; past it a job submission
    /// is answered 429 with `Retry-After`.
    pub max_jobs: usize,
    /// Direct requests waiting for a worker; past it the answer is 429 with `Retry-After`.
    pub max_waiting: usize,
    /// What one request may ask.
    pub limits: Limits,
}

impl Default for ServerConfig {
    fn default() -> Self {
        ServerConfig {
            host: IpAddr::from([127, 0, 0, 1]),
            port: 8080,
            data_root: None,
            token: None,
            max_jobs: 2,
            max_waiting: 256,
            limits: Limits::default(),
        }
    }
}

/// Why a server could not start.
#[derive(Debug, thiserror::Error)]
pub enum ServerError {
    /// Listening beyond loopback without a token would open the engine to the network.
    #[error("the server listens on {0}, beyond this machine: give a bearer token file (token_file) or listen on 127.0.0.1")]
    NoToken(IpAddr),
    /// The token is empty.
    #[error("the token is empty")]
    EmptyToken,
    /// The data root is not a folder.
    #[error("the data root {0} is not a folder")]
    DataRoot(PathBuf),
    /// No computation could ever run.
    #[error("max_jobs must be at least 1")]
    NoWorkers,
    /// The address could not be bound or served.
    #[error("{0}")]
    Io(#[from] std::io::Error),
}

impl ServerError {
    /// The error's category: the configuration is the user's input; a socket that cannot
    /// be bound is the machine's.
    pub fn category(&self) -> hallyu_data::ErrorCategory {
        match self {
            ServerError::Io(_) => hallyu_data::ErrorCategory::Data,
            _ => hallyu_data::ErrorCategory::Input,
        }
    }
}

/// What every handler shares.
pub(crate) struct State {
    pub config: ServerConfig,
    /// One permit per computation that may run now.
    pub workers: Arc<Semaphore>,
    /// Long work submitted as jobs.
    pub jobs: jobs::Jobs,
    /// Direct requests waiting for a worker now.
    pub waiting: std::sync::atomic::AtomicUsize,
    /// Answers to requests that read no file.
    pub cache: cache::ResponseCache,
}

/// A server bound to its address, not yet serving.
pub struct Server {
    listener: TcpListener,
    state: Arc<State>,
}

impl Server {
    /// Checks the configuration and binds the address.
    pub async fn bind(mut config: ServerConfig) -> Result<Server, ServerError> {
        match &config.token {
            Some(t) if t.trim().is_empty() => return Err(ServerError::EmptyToken),
            None if !config.host.is_loopback() => return Err(ServerError::NoToken(config.host)),
            _ => {}
        }
        if let Some(root) = &config.data_root {
            if !root.is_dir() {
                return Err(ServerError::DataRoot(root.clone()));
            }
            // One absolute form of the root, for confinement and for taking it out of
            // messages.
            config.data_root = Some(
                root.canonicalize()
                    .map_err(|_| ServerError::DataRoot(root.clone()))?,
            );
        }
        if config.max_jobs == 0 {
            return Err(ServerError::NoWorkers);
        }
        let listener = TcpListener::bind(SocketAddr::new(config.host, config.port)).await?;
        let workers = Arc::new(Semaphore::new(config.max_jobs));
        let jobs = jobs::Jobs::new(config.max_jobs);
        Ok(Server {
            listener,
            state: Arc::new(State {
                config,
                workers,
                jobs,
                waiting: std::sync::atomic::AtomicUsize::new(0),
                // 256 answers, 64 MB at most (a report's JSON is about 200 kB).
                cache: cache::ResponseCache::new(256, 64 << 20),
            }),
        })
    }

    /// The address it listens on.
    pub fn local_addr(&self) -> Result<SocketAddr, ServerError> {
        Ok(self.listener.local_addr()?)
    }

    /// Serves until `shutdown` completes, then stops taking connections and lets the
    /// requests in flight finish.
    pub async fn run(
        self,
        shutdown: impl std::future::Future<Output = ()> + Send + 'static,
    ) -> Result<(), ServerError> {
        let state = Arc::clone(&self.state);
        let app = routes::router(self.state);
        // On shutdown the jobs are cancelled (their work stops at its next progress report)
        // and the requests in flight finish; nothing is written by the server.
        let stop = async move {
            shutdown.await;
            state.jobs.cancel_all();
        };
        axum::serve(self.listener, app)
            .with_graceful_shutdown(stop)
            .await?;
        Ok(())
    }
}

/// Completes on SIGTERM or Ctrl-C.
pub async fn shutdown_signal() {
    let ctrl_c = async {
        // Without a handler there is nothing to wait for: never complete on this branch.
        if tokio::signal::ctrl_c().await.is_err() {
            std::future::pending::<()>().await;
        }
    };
    #[cfg(unix)]
    let term = async {
        match tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate()) {
            Ok(mut s) => {
                s.recv().await;
            }
            Err(_) => std::future::pending::<()>().await,
        }
    };
    #[cfg(not(unix))]
    let term = std::future::pending::<()>();
    tokio::select! {
        _ = ctrl_c => {},
        _ = term => {},
    }
}

/// Starts a runtime, binds, tells `on_bound` the address (a caller prints it; with port 0
/// it is the only way to know it), and serves until SIGTERM or Ctrl-C.
pub fn serve(config: ServerConfig, on_bound: impl FnOnce(SocketAddr)) -> Result<(), ServerError> {
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()?;
    runtime.block_on(async {
        let server = Server::bind(config).await?;
        on_bound(server.local_addr()?);
        server.run(shutdown_signal()).await
    })
}
