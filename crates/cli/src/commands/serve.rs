//! `hallyu serve`: the library over HTTP (`hallyu_server`).

use crate::args::ServeArgs;
use anyhow::Result;
use hallyu_server::ServerConfig;

/// Runs the command: serves until SIGTERM or Ctrl-C.
pub fn run(a: ServeArgs) -> Result<u8> {
    let token = match &a.token_file {
        Some(path) => Some(
            std::fs::read_to_string(path)
                .map_err(|e| {
                    crate::exit::usage(format!(
                        "cannot read the token file {}: {e}",
                        path.display()
                    ))
                })?
                .trim()
                .to_string(),
        ),
        None => None,
    };
    let config = ServerConfig {
        host: a.host,
        port: a.port,
        data_root: a.data_root.clone(),
        token,
        max_jobs: a.max_jobs,
        limits: hallyu_server::Limits {
            rows: a.max_rows,
            ..Default::default()
        },
        ..ServerConfig::default()
    };
    let root = a.data_root.as_ref().map_or(
        "no data root: requests may not name files".to_string(),
        |r| format!("data root {}", r.display()),
    );
    hallyu_server::serve(config, |addr| {
        // Tests and scripts read the address from this line (port 0 picks a free one).
        eprintln!("listening on http://{addr} ({root}); Ctrl-C or SIGTERM stops");
    })
    .map_err(crate::exit::from_server)?;
    Ok(0)
}
