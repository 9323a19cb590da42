//! The reference exercises: the Advanced Guide's published tables, re-estimated and
//! compared with the published values.

use crate::{Context, Error, Result, Version};
use hallyu_replicate::{
    chapter2_checks, run_chapter1, run_chapter2, ApplicationRun, GeCheck, SpecOutcome,
};
use serde::{Deserialize, Serialize};

/// Which exercise to reproduce.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, schemars::JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct ReproduceRequest {
    /// Request format version (1).
    #[serde(default)]
    pub version: Version,
    /// Chapter of the Advanced Guide: 1 (partial-equilibrium gravity) or 2 (general
    /// equilibrium).
    #[serde(default = "first_chapter")]
    pub chapter: u32,
}

fn first_chapter() -> u32 {
    1
}

/// What a reproduction gives.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, schemars::JsonSchema)]
#[serde(tag = "chapter_kind", rename_all = "snake_case")]
pub enum Reproduction {
    /// Chapter 1: every specification, its fit and the comparison with the book.
    Chapter1 {
        /// One outcome per specification.
        outcomes: Vec<SpecOutcome>,
    },
    /// Chapter 2: both general-equilibrium applications, both methods, and the checks.
    Chapter2 {
        /// One run per application.
        runs: Vec<ApplicationRun>,
        /// Comparisons with the published and reference values.
        checks: Vec<GeCheck>,
    },
}

/// Runs the exercise.
pub fn compute(ctx: &Context, req: &ReproduceRequest) -> Result<Reproduction> {
    match req.chapter {
        1 => {
            ctx.stage("re-estimating Chapter 1");
            Ok(Reproduction::Chapter1 {
                outcomes: run_chapter1(ctx.progress)?,
            })
        }
        2 => {
            ctx.stage("solving Chapter 2");
            let runs = run_chapter2(ctx.progress)?;
            let checks = chapter2_checks(&runs)?;
            Ok(Reproduction::Chapter2 { runs, checks })
        }
        c => Err(Error::field(
            "chapter",
            format!(
                "chapter {c} is not available; chapters 1 (partial-equilibrium gravity) and 2 (general equilibrium) are"
            ),
        )),
    }
}

/// Why the reproduction is not a valid answer, when a published value is missed.
pub fn invalidity(r: &Reproduction) -> Option<String> {
    let ok = match r {
        Reproduction::Chapter1 { outcomes } => outcomes.iter().all(|o| o.ok()),
        Reproduction::Chapter2 { checks, .. } => checks.iter().all(|c| c.ok()),
    };
    (!ok).then(|| match r {
        Reproduction::Chapter1 { .. } => {
            "some published values were not reproduced within tolerance".to_string()
        }
        Reproduction::Chapter2 { .. } => {
            "some reference values were not reproduced within tolerance".to_string()
        }
    })
}
