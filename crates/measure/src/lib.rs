//! # hallyu-measure: creative-trade indicators and growth projections
//!
//! Two independent parts, both pure computations on plain data (the results are `serde`
//! structs that `hallyu-render` renders):
//!
//! - [`projection`]: compound growth. Given two of a start value, an end value and a
//!   compound annual growth rate (CAGR), the third; given all three, whether they agree at
//!   the precision they were written with, and by how much they miss.
//! - [`indicators`]: exports, imports, balance, growth, CAGR, world market share, Balassa
//!   revealed comparative advantage, Herfindahl–Hirschman concentration and bloc shares,
//!   computed from a bilateral flow table (see [`indicators`] for every formula).
//!
//! ```
//! use hallyu_measure::projection::{project, Stated, ProjectionInput};
//! let input = ProjectionInput {
//!     start_year: 2021,
//!     start_value: Some("8.1".parse::<Stated>().unwrap()),
//!     end_year: 2031,
//!     end_value: Some("20".parse().unwrap()),
//!     cagr_pct: Some("7.3".parse().unwrap()),
//! };
//! let p = project(&input).unwrap();
//! assert!(!p.consistent); // 8.1 × 1.073^10 ≈ 16.4, not 20
//! assert!((p.implied_cagr_pct - 9.46).abs() < 0.01);
//! ```
#![deny(missing_docs)]

pub mod claims;
mod error;
pub mod projection;

pub use error::MeasureError;
pub mod editions;
pub mod flows;
mod formulas;
pub mod group;
pub mod indicators;
pub mod panel;
pub mod perspective;
pub mod potential;
pub mod scope;
pub mod select;

pub use flows::{FlowColumns, Flows};
pub use formulas::{balassa_rca, cagr_pct, growth_pct, hhi, share_pct, Undefined};
pub use perspective::{Perspective, Reported};
pub use select::{Countries, Products};
