//! `hallyu`: the command-line front end. It parses arguments, loads data through
//! `hallyu-data`, calls one library function, renders with `hallyu-render` and maps the
//! outcome to an exit code (one meaning per code, see [`exit`]). No statistics are
//! computed here.

mod args;
mod commands;
mod exit;
mod output;
mod progress;

use clap::Parser;
use std::process::ExitCode;

/// Exit status for results that exist but must not be trusted (non-convergence, a
/// replication that misses a published value, an inconsistent claim).
pub const EXIT_INVALID_RESULT: u8 = exit::Status::InvalidResult as u8;

/// Where a panic asks to be reported.
const REPORT_AT: &str = "https://github.com/hallyu-project/hallyu/issues";

/// The last panic's message and place, kept by the panic hook for `main` to print. A
/// panic that a library catches and turns into an error (the Parquet decoder's) is not a
/// crash and prints nothing.
static LAST_PANIC: std::sync::Mutex<Option<String>> = std::sync::Mutex::new(None);

fn main() -> ExitCode {
    let cli = args::Cli::parse();
    if let Some(n) = cli.threads {
        // The global pool is built here, before any parallel work; this cannot fail then.
        if let Err(e) = rayon::ThreadPoolBuilder::new()
            .num_threads(usize::from(n))
            .build_global()
        {
            eprintln!("error: internal error, please report it ({REPORT_AT}): thread pool: {e}");
            return ExitCode::from(exit::Status::Internal.code());
        }
    }
    // A panic is a bug, never a verdict on the input: it exits with the internal-error
    // status (4), not Rust's 101, with one line that says so instead of a backtrace hint.
    std::panic::set_hook(Box::new(|info| {
        let what = info
            .payload()
            .downcast_ref::<&str>()
            .map(|s| s.to_string())
            .or_else(|| info.payload().downcast_ref::<String>().cloned())
            .unwrap_or_else(|| "unknown panic".to_string());
        let at = info
            .location()
            .map(|l| format!(" at {}:{}", l.file(), l.line()))
            .unwrap_or_default();
        if let Ok(mut last) = LAST_PANIC.lock() {
            *last = Some(format!("{what}{at}"));
        }
    }));
    let outcome = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| commands::run(cli)));
    match outcome {
        Err(_) => {
            let what = LAST_PANIC
                .lock()
                .ok()
                .and_then(|mut last| last.take())
                .unwrap_or_else(|| "unknown panic".to_string());
            eprintln!("error: internal error, please report it ({REPORT_AT}): {what}");
            ExitCode::from(exit::Status::Internal.code())
        }
        Ok(Ok(code)) => ExitCode::from(code),
        Ok(Err(e)) => {
            if is_broken_pipe(&e) {
                return ExitCode::SUCCESS;
            }
            let chain: Vec<String> = e.chain().map(|c| c.to_string()).collect();
            eprintln!("error: {}", dedup_chain(&chain));
            ExitCode::from(exit::status_of(&e).code())
        }
    }
}

fn is_broken_pipe(e: &anyhow::Error) -> bool {
    e.chain().any(|c| {
        c.downcast_ref::<std::io::Error>()
            .is_some_and(|io| io.kind() == std::io::ErrorKind::BrokenPipe)
    })
}

/// Joins an error chain on one line, skipping a cause its parent already quotes.
fn dedup_chain(chain: &[String]) -> String {
    let mut out: Vec<&str> = Vec::new();
    for c in chain {
        if !out.iter().any(|o| o.contains(c.as_str())) {
            out.push(c);
        }
    }
    out.join(": ")
}
