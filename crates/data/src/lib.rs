//! # hallyu-data: everything that brings data in
//!
//! This crate owns the in-memory [`Table`], the readers for CSV, Parquet and Stata `.dta`
//! files, row selection (`--where` expressions), the embedded Advanced Guide panel, writers
//! that serialise a table to a caller-provided sink, and the synthetic gravity-panel generator
//! used for benchmarks and Monte Carlo work.
//!
//! It knows nothing about models or output formats: the estimation layer receives a `Table`
//! and asks it for columns by name. Other crates read a column only through its accessors
//! ([`Table::num`], [`Table::text`], [`Column::view`], [`TextColumn::level_ids`]) and build
//! one with [`Column::numbers`], [`Column::text_from`] or a [`TextColumnBuilder`], so that
//! the storage behind them (today vectors and dictionary-coded text) can change here alone.
//!
//! ```
//! let panel = hallyu_data::embedded::agtpa().unwrap();
//! assert_eq!(panel.nrows(), 99_981);
//! assert!(panel.column("trade").is_ok());
//! ```
#![deny(missing_docs)]

pub mod dataset;
pub mod embedded;
mod error;
pub mod filter;
pub mod ingest;
pub mod read;
pub mod reference;
mod suggest;
pub mod synth;
pub mod synth_baci;
pub mod synth_graph;
mod table;
pub mod write;

pub use error::{DataError, ErrorCategory, Result};
pub use suggest::nearest;
pub use table::{
    Column, ColumnKind, ColumnView, Numbers, StrColumn, StrColumnBuilder, Table, TextColumn,
    TextColumnBuilder, MISSING_CODE,
};
