//! `hallyu`: the command-line front end. It parses arguments, loads data through
//! `hallyu-data`, calls one library function, renders with `hallyu-report` and maps the
//! outcome to an exit code. No statistics are computed here.

mod args;
mod commands;
mod output;
mod progress;

use clap::Parser;
use std::process::ExitCode;

/// Exit status for results that exist but must not be trusted (non-convergence, a
/// replication that misses a published value).
pub const EXIT_INVALID_RESULT: u8 = 3;

/// Exit status for arguments that cannot be answered as given (as clap uses for syntax).
pub const EXIT_USAGE: u8 = 2;

fn main() -> ExitCode {
    let cli = args::Cli::parse();
    match commands::run(cli) {
        Ok(code) => ExitCode::from(code),
        Err(e) => {
            if is_broken_pipe(&e) {
                return ExitCode::SUCCESS;
            }
            let chain: Vec<String> = e.chain().map(|c| c.to_string()).collect();
            eprintln!("error: {}", dedup_chain(&chain));
            ExitCode::from(1)
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
