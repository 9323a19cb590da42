//! Composite indices: a framework of indicators under aggregates, built step by step as
//! COINr (the JRC's composite-indicator toolkit) builds it — denomination, imputation,
//! screening, outlier treatment, normalisation, weighting, aggregation — with every
//! intermediate data set kept for inspection.

pub mod analysis;
mod build;
pub mod dataset;
mod error;
pub mod framework;
pub mod native;
pub mod replay;
pub mod sensitivity;
pub mod steps;
pub mod units;
pub mod variance;

pub use analysis::{analyse, Analysis, Flag, GroupAnalysis};
pub use build::{build, ranks, Build, Pipeline, Weights};
pub use dataset::DataSet;
pub use error::{IndexError, Result};
pub use framework::{Framework, Node};
pub use native::{FrameworkFile, Step, StepSetting};
pub use replay::read_replay;
pub use sensitivity::{
    analyse_uncertainty, sensitivity, Design, RankInterval, Replay, RunChoice, Sensitivity, Spec,
    Uncertainty,
};
pub use steps::aggregate::Aggregate;
pub use steps::impute::Impute;
pub use steps::normalise::Normalise;
pub use steps::treat::{Treat, Treatment};
pub use units::Units;
pub use variance::SensitivityIndex;
