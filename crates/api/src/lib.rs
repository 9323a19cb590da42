//! # hallyu-api: one way in for every capability
//!
//! Each capability has an owned request (Serialize + Deserialize, versioned, documented
//! field by field) and a `compute(&Context, &Request) -> Result<Response, Error>`. The
//! command line, the HTTP server and the Python package build these requests and render
//! these responses; they hold no domain rule. [`Request`] gathers them, tagged by
//! `capability`, so that any result can be reproduced from its request:
//!
//! ```
//! use hallyu_api::{run, Context, Request, Response};
//! let json = r#"{"capability": "projection", "version": 1,
//!                "start_year": 2021, "start_value": "8.1", "end_year": 2031, "cagr_pct": "7.3"}"#;
//! let request: Request = serde_json::from_str(json).unwrap();
//! let Response::Projection(p) = run(&Context::quiet(), &request).unwrap() else { panic!() };
//! assert!((p.end_value - 16.386).abs() < 1e-3);
//! ```
//!
//! Names (countries, blocs, lists), defaults and the checks a request needs before data is
//! read live here; the numerical work lives in `estimate`, `measure` and `simulate`.
#![deny(missing_docs)]

pub mod claims;
mod context;
pub mod dataset;
mod error;
mod files;
pub mod fit;
pub mod index;
pub mod indicators;
pub mod ingest;
pub mod panel;
pub mod potential;
pub mod projection;
pub mod reference;
pub mod report;
pub mod reproduce;
mod request;
pub mod scenario;
pub mod schema;
pub mod series;
mod source;
mod version;

pub use context::Context;
pub use error::{Error, Result};
pub use hallyu_data::ErrorCategory;
pub use request::{run, Problem, Request, Response};
pub use source::DataSource;
pub use version::{Version, REQUEST_VERSION};
