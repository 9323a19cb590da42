//! `hallyu run`: executes a request written as JSON (what `--print-request` prints).

use crate::args::RunArgs;
use anyhow::{Context as _, Result};
use hallyu_api::{Error, Request};
use std::io::Read;

/// The largest request file read: a request is a few kilobytes; this bounds what a wrong
/// file (a data file given by mistake) can make the program hold.
const MAX_REQUEST_BYTES: u64 = 16 * 1024 * 1024;

/// Runs the command.
pub fn run(a: RunArgs) -> Result<u8> {
    let (name, text) = if a.request.as_os_str() == "-" {
        let mut text = String::new();
        std::io::stdin()
            .take(MAX_REQUEST_BYTES)
            .read_to_string(&mut text)
            .context("reading the request from standard input")?;
        ("standard input".to_string(), text)
    } else {
        let file = std::fs::File::open(&a.request)
            .with_context(|| format!("cannot read {}", a.request.display()))?;
        let mut text = String::new();
        file.take(MAX_REQUEST_BYTES)
            .read_to_string(&mut text)
            .with_context(|| format!("cannot read {}", a.request.display()))?;
        (a.request.display().to_string(), text)
    };
    let request: Request = serde_json::from_str(&text).map_err(|e| {
        crate::exit::from_api(Error::Parse {
            what: name,
            message: e.to_string(),
        })
    })?;
    let o = &a.output;
    super::execute(
        &request,
        o.format,
        o.out.as_deref(),
        o.quiet,
        o.print_request,
    )
}
