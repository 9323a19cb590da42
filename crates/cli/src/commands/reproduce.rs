//! `hallyu reproduce`: the Advanced Guide's published tables, re-estimated.

use crate::args::ReproduceArgs;
use anyhow::Result;
use hallyu_api::reproduce::ReproduceRequest;
use hallyu_api::{Request, Version};

/// Runs the command; exits with 3 when a published value is missed.
pub fn run(a: ReproduceArgs) -> Result<u8> {
    let request = Request::Reproduce(ReproduceRequest {
        version: Version,
        chapter: a.chapter,
    });
    let o = &a.output;
    super::execute(
        &request,
        o.format,
        o.out.as_deref(),
        o.quiet,
        o.print_request,
    )
}
