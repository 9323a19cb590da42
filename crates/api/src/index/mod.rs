//! Composite indices: a framework (native TOML, or COINr's iMeta layout) built on unit data
//! (COINr's iData layout) step by step, with scores and ranks at every level and any
//! intermediate data set; with no framework, the embedded example scoreboard computed from
//! trade data.

pub mod example;

pub use hallyu_index::Design;

use crate::{Context, DataSource, Error, Result, Version};
use hallyu_index::{
    analyse, analyse_uncertainty, build, ranks, read_replay, Aggregate, Analysis, Build, DataSet,
    Framework, FrameworkFile, Impute, Normalise, Pipeline, Sensitivity, Spec, Step, StepSetting,
    Treat, Treatment, Uncertainty, Units, Weights,
};
use serde::{Deserialize, Serialize};
use std::path::PathBuf;

/// A composite-index build. Methods are written as on the command line; a method left
/// out is the framework file's, or the default.
///
/// The framework is a native TOML file (`framework`) or COINr's iMeta table (`meta`), each
/// with the unit data (`data`); with neither, the embedded example scoreboard is built
/// from the trade data (`trade`).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, schemars::JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct IndexRequest {
    /// Request format version (1).
    #[serde(default)]
    pub version: Version,
    /// Unit data in COINr's iData layout (`uCode`, `uName`, group and denominator columns,
    /// one column per indicator): CSV, Parquet or Stata.
    #[serde(default)]
    pub data: Option<PathBuf>,
    /// The framework in COINr's iMeta layout (`Level`, `iCode`, `iName`, `Direction`,
    /// `Weight`, `Denominator`, `Parent`, `Type`).
    #[serde(default)]
    pub meta: Option<PathBuf>,
    /// The framework in the native TOML format (index, aggregates, indicators, group and
    /// denominator columns, steps in order).
    #[serde(default)]
    pub framework: Option<PathBuf>,
    /// The trade flows the example scoreboard is computed from (only without a framework):
    /// the embedded panel by default, a file or a dataset folder.
    #[serde(default)]
    pub trade: DataSource,
    /// `meta` (divide by the framework's denominators; the default) or `none`.
    #[serde(default)]
    pub denominate: Option<String>,
    /// `none` (default), `mean`, `median`, `group-mean:COLUMN`, `group-median:COLUMN`,
    /// `em` (expectation–maximisation, the indicators of each aggregate together).
    #[serde(default)]
    pub impute: Option<String>,
    /// Remove units whose share of available indicator values is below this (0 to 1), or
    /// `"none"` (no screening, also when the framework file asks for it; the default).
    #[serde(default)]
    pub screen: Option<Screen>,
    /// `default` (COINr's: winsorise up to 5 points while |skew| ≥ 2 and kurtosis ≥ 3.5,
    /// else log; the default), `none`, `winmax:N`.
    #[serde(default)]
    pub treat: Option<String>,
    /// `minmax:LO,HI` (default `minmax:0,100`), `zscore`, `zscore:MEAN,SD`, `rank`,
    /// `borda`, `prank` (percentile ranks), `scaled:LO,HI[,FACTOR]`, `fracmax`, `dist2max`,
    /// `dist2ref:UNIT[,CAP]`, `dist2targ[:CAP]` (targets from the framework),
    /// `goalposts` (the framework's) or `goalposts:LO,HI,SCALE[,TRUNC]`, `none`.
    #[serde(default)]
    pub normalise: Option<String>,
    /// `amean` (default), `gmean`, `hmean`, `genmean:P`, `copeland`, `borda`.
    #[serde(default)]
    pub aggregate: Option<String>,
    /// `meta` (the framework's weights, default), `equal`, `pca` (indicators weighted by
    /// their loadings on their group's first principal component) or `pca:LEVEL`.
    #[serde(default)]
    pub weights: Option<String>,
    /// A unit with a smaller share of a group's children present gets no value for the
    /// group (COINr's `dat_thresh`, 0 to 1); by default one child present is enough.
    #[serde(default)]
    pub data_threshold: Option<f64>,
    /// A data set to return in full: `Raw`, `Denominated`, `Imputed`, `Screened`,
    /// `Treated`, `Normalised` or `Aggregated`.
    #[serde(default)]
    pub dataset: Option<String>,
    /// A Monte-Carlo analysis of the index ranks under uncertain choices.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub sensitivity: Option<SensitivityRequest>,
    /// The framework's statistical coherence: correlations, Cronbach's alpha and the first
    /// principal component of each group, and flags.
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub analysis: bool,
}

impl IndexRequest {
    /// A request for the embedded example on the embedded panel, every method the
    /// framework's.
    pub fn example() -> IndexRequest {
        IndexRequest {
            version: Version,
            data: None,
            meta: None,
            framework: None,
            trade: DataSource::Embedded,
            denominate: None,
            impute: None,
            screen: None,
            treat: None,
            normalise: None,
            aggregate: None,
            weights: None,
            data_threshold: None,
            dataset: None,
            sensitivity: None,
            analysis: false,
        }
    }
}

/// Screening: a share of available values, or `"none"`.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize, schemars::JsonSchema)]
#[serde(untagged)]
pub enum Screen {
    /// Remove units whose share of available indicator values is below this.
    Share(f64),
    /// No screening.
    Off(ScreenOff),
}

/// The word `none`.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize, schemars::JsonSchema)]
#[serde(rename_all = "lowercase")]
pub enum ScreenOff {
    /// No screening.
    None,
}

/// What is uncertain, and how many runs.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, schemars::JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct SensitivityRequest {
    /// Runs (1 to 100,000).
    #[serde(default = "thousand")]
    pub runs: usize,
    /// Seed of the draws: the same seed gives the same runs.
    #[serde(default = "one")]
    pub seed: u64,
    /// Each weight drawn uniformly within ±this fraction of itself (e.g. 0.25).
    #[serde(default)]
    pub weight_noise: Option<f64>,
    /// The levels whose weights get the noise (2: the aggregates above indicators);
    /// empty: every indicator and aggregate under the index.
    #[serde(default)]
    pub noise_levels: Vec<u32>,
    /// Imputations drawn from, written as for `impute`.
    #[serde(default)]
    pub impute: Vec<String>,
    /// Normalisations drawn from, written as for `normalise`.
    #[serde(default)]
    pub normalise: Vec<String>,
    /// Aggregations drawn from, written as for `aggregate`.
    #[serde(default)]
    pub aggregate: Vec<String>,
    /// Leave one indicator out (or none) in each run.
    #[serde(default)]
    pub drop_indicator: bool,
    /// Return every run's choices and its rank of every unit.
    #[serde(default)]
    pub keep_runs: bool,
    /// `random` (each run draws every choice; the default) or `saltelli` (Saltelli's
    /// design of N·(d + 2) runs, `runs` being N, giving first-order and total sensitivity
    /// indices of the mean absolute rank change for each of the d uncertain inputs).
    #[serde(default)]
    pub design: Design,
    /// Bootstrap resamples for the sensitivity indices' 5–95% intervals (0: none).
    #[serde(default = "hundred")]
    pub bootstrap: usize,
    /// Runs given outright instead of drawn (CSV, Parquet or Stata: columns `impute`,
    /// `normalise`, `aggregate`, `drop`, `w:CODE`, one row per run); with the `saltelli`
    /// design, rows in its order and the inputs in the file's column order.
    #[serde(default)]
    pub replay: Option<PathBuf>,
}

fn hundred() -> usize {
    100
}

fn thousand() -> usize {
    1000
}
fn one() -> u64 {
    1
}

/// Most runs a request may ask for.
pub const MAX_RUNS: usize = 100_000;

/// Most bootstrap resamples a request may ask for.
pub const MAX_BOOTSTRAP: usize = 10_000;

/// The data set names, in build order.
pub const DATASETS: [&str; 7] = [
    "Raw",
    "Denominated",
    "Imputed",
    "Screened",
    "Treated",
    "Normalised",
    "Aggregated",
];

/// One unit's scores and ranks.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, schemars::JsonSchema)]
pub struct UnitResult {
    /// Unit code.
    pub unit: String,
    /// Unit name.
    pub name: String,
    /// Rank on the index (1 = highest); none when the unit has no index score.
    pub rank: Option<usize>,
    /// Score of every aggregate, index first, then by level from the top (`null` when
    /// the unit has no value for it).
    pub scores: Vec<Option<f64>>,
    /// Rank on every aggregate, in the same order.
    pub ranks: Vec<Option<usize>>,
}

/// A build's results.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, schemars::JsonSchema)]
pub struct IndexResult {
    /// The index's code.
    pub index: String,
    /// The aggregates the scores are given for: the index, then level by level down.
    pub aggregates: Vec<String>,
    /// Units by index score, highest first (units without one last).
    pub units: Vec<UnitResult>,
    /// What each step did.
    pub steps: Vec<String>,
    /// Indicators treated for outliers, and how.
    pub treated: Vec<Treatment>,
    /// Units removed by screening, with their data availability.
    pub removed_units: Vec<(String, f64)>,
    /// Effective weight of every indicator and aggregate.
    pub effective_weights: Vec<(String, f64)>,
    /// The data set asked for.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub dataset: Option<DataSet>,
    /// The Monte-Carlo analysis asked for.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub sensitivity: Option<Sensitivity>,
    /// The coherence analysis asked for.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub analysis: Option<Analysis>,
    /// What the framework is and what was assumed (the example's indicators), in words.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub notes: Vec<String>,
    /// The framework's tree: every indicator and aggregate with its name, level and parent.
    #[serde(default)]
    pub tree: Vec<TreeNode>,
}

/// One node of the framework.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, schemars::JsonSchema)]
pub struct TreeNode {
    /// Code.
    pub code: String,
    /// Name.
    pub name: String,
    /// Level: 1 for indicators, the index's the highest.
    pub level: u32,
    /// The aggregate it belongs to (none for the index).
    pub parent: Option<String>,
}

impl IndexRequest {
    /// The pipeline: each method the request's, else the framework file's step, else the
    /// default. When the file lists steps, a data step it leaves out is not run (unless
    /// the request names it); the order is the file's, with steps the request adds in
    /// COINr's place for them.
    pub fn pipeline(&self, file: &[StepSetting]) -> Result<Pipeline> {
        let from_file = |step: Step| {
            file.iter()
                .find(|s| s.step == step)
                .map(|s| s.method.clone())
        };
        let listed = !file.is_empty();
        // The method of a step and where it came from (for messages).
        let method = |step: Step, given: &Option<String>, default: &str| -> (String, String) {
            if let Some(m) = given {
                return (m.clone(), step.key().to_string());
            }
            if let Some(m) = from_file(step) {
                return (m, format!("the framework's {} step", step.key()));
            }
            let unlisted_means_none = listed && Step::DATA.contains(&step);
            (
                if unlisted_means_none { "none" } else { default }.to_string(),
                step.key().to_string(),
            )
        };
        let field = |name: &str, e: hallyu_index::IndexError| Error::field(name, e.to_string());
        let (denominate, at) = method(Step::Denominate, &self.denominate, "meta");
        let denominate = match denominate.as_str() {
            "meta" => true,
            "none" => false,
            other => {
                return Err(Error::field(
                    at,
                    format!("denomination `{other}` is not known: use meta or none"),
                ))
            }
        };
        let screen = match (self.screen, from_file(Step::Screen)) {
            (Some(Screen::Share(s)), _) => Some(s),
            (Some(Screen::Off(_)), _) => None,
            (None, Some(m)) if m.trim() == "none" => None,
            (None, Some(m)) => Some(m.trim().parse::<f64>().map_err(|_| {
                Error::field(
                    "the framework's screen step",
                    format!("`{m}` is not a share between 0 and 1 or none"),
                )
            })?),
            (None, None) => None,
        };
        let (impute, at_i) = method(Step::Impute, &self.impute, "none");
        let (treat, at_t) = method(Step::Treat, &self.treat, "default");
        let (normalise, at_n) = method(Step::Normalise, &self.normalise, "minmax:0,100");
        let (aggregate, at_a) = method(Step::Aggregate, &self.aggregate, "amean");
        let (weights, at_w) = method(Step::Weights, &self.weights, "meta");
        let mut order: Vec<Step> = file
            .iter()
            .map(|s| s.step)
            .filter(|s| Step::DATA.contains(s))
            .collect();
        let rank = |s: &Step| Step::DATA.iter().position(|d| d == s).unwrap_or(0);
        for step in Step::DATA {
            if !order.contains(&step) {
                let at = order
                    .iter()
                    .position(|o| rank(o) > rank(&step))
                    .unwrap_or(order.len());
                order.insert(at, step);
            }
        }
        Ok(Pipeline {
            denominate,
            impute: impute.parse::<Impute>().map_err(|e| field(&at_i, e))?,
            screen,
            treat: treat.parse::<Treat>().map_err(|e| field(&at_t, e))?,
            normalise: normalise
                .parse::<Normalise>()
                .map_err(|e| field(&at_n, e))?,
            aggregate: aggregate
                .parse::<Aggregate>()
                .map_err(|e| field(&at_a, e))?,
            weights: weights.parse::<Weights>().map_err(|e| field(&at_w, e))?,
            order,
            data_threshold: self.data_threshold,
        })
    }
}

/// The framework, its steps, the units and notes, from wherever the request says.
fn inputs(ctx: &Context, req: &IndexRequest) -> Result<(FrameworkFile, Units, Vec<String>)> {
    let read_units = |path: &PathBuf| -> Result<Units> {
        ctx.stage("reading the unit data");
        Units::read(path).map_err(|e| Error::from(e).context(format!("reading {}", path.display())))
    };
    let needs_data = |what: &str| {
        Error::field(
            "data",
            format!("a framework ({what}) is built on unit data: give the data (COINr's iData layout: uCode, uName, group and indicator columns)"),
        )
    };
    if req.trade != DataSource::Embedded && (req.framework.is_some() || req.meta.is_some()) {
        return Err(Error::field(
            "trade",
            "the trade data is used by the example scoreboard only: with a framework, give the unit data",
        ));
    }
    match (&req.framework, &req.meta, &req.data) {
        (Some(_), Some(_), _) => Err(Error::field(
            "meta",
            "give one framework: a native TOML file or COINr's iMeta table, not both",
        )),
        (Some(path), None, data) => {
            ctx.stage("reading the framework");
            let file = FrameworkFile::read(path)?;
            let data = data.as_ref().ok_or_else(|| needs_data("TOML"))?;
            Ok((file, read_units(data)?, Vec::new()))
        }
        (None, Some(path), data) => {
            ctx.stage("reading the framework");
            let framework = Framework::from_imeta(path)
                .map_err(|e| Error::from(e).context(format!("reading {}", path.display())))?;
            let data = data.as_ref().ok_or_else(|| needs_data("iMeta"))?;
            Ok((
                FrameworkFile {
                    framework,
                    steps: Vec::new(),
                },
                read_units(data)?,
                Vec::new(),
            ))
        }
        (None, None, Some(_)) => Err(Error::field(
            "framework",
            "unit data needs its framework: a native TOML file or COINr's iMeta table",
        )),
        (None, None, None) => {
            let e = example::example(ctx, &req.trade)?;
            Ok((e.file, e.units, e.notes))
        }
    }
}

/// Builds the index.
pub fn compute(ctx: &Context, req: &IndexRequest) -> Result<IndexResult> {
    let wanted = match &req.dataset {
        None => None,
        Some(d) => Some(
            DATASETS
                .iter()
                .find(|n| n.eq_ignore_ascii_case(d))
                .ok_or_else(|| {
                    let hint = hallyu_data::nearest(d, DATASETS.iter().copied())
                        .map(|s| format!(" (did you mean `{s}`?)"))
                        .unwrap_or_default();
                    Error::field(
                        "dataset",
                        format!(
                            "data set `{d}` is not known{hint}; the data sets are {}",
                            DATASETS.join(", ")
                        ),
                    )
                })?,
        ),
    };
    let (file, units, notes) = inputs(ctx, req)?;
    let fw = file.framework;
    ctx.check_rows(units.codes.len())?;
    let pipeline = req.pipeline(&file.steps)?;
    ctx.stage("building the index");
    let b = build(&fw, &units, &pipeline)?;
    let analysis = req.analysis.then(|| analyse(&fw, &b));
    let mut out = result(&fw, &units, b, wanted);
    out.analysis = analysis;
    out.notes = notes;
    if let Some(s) = &req.sensitivity {
        let u = s.uncertainty()?;
        if s.replay.is_none() && (s.runs == 0 || s.runs > MAX_RUNS) {
            return Err(Error::field(
                "sensitivity.runs",
                format!("runs must be between 1 and {MAX_RUNS}, not {}", s.runs),
            ));
        }
        let replay = match &s.replay {
            Some(path) => {
                ctx.stage("reading the replayed runs");
                let mut r = read_replay(path, &fw, &pipeline)
                    .map_err(|e| Error::from(e).context(format!("reading {}", path.display())))?;
                if r.choices.len() > MAX_RUNS {
                    return Err(Error::field(
                        "sensitivity.replay",
                        format!("{} runs: at most {MAX_RUNS}", r.choices.len()),
                    ));
                }
                if s.design == Design::Random {
                    // Not a design: the runs' rank statistics only.
                    r.inputs.clear();
                }
                Some(r)
            }
            None => None,
        };
        if s.bootstrap > MAX_BOOTSTRAP {
            return Err(Error::field(
                "sensitivity.bootstrap",
                format!("at most {MAX_BOOTSTRAP} resamples, not {}", s.bootstrap),
            ));
        }
        ctx.stage(&match (&replay, s.design) {
            (Some(r), _) => format!("{} replayed runs", r.choices.len()),
            (None, Design::Saltelli) => format!("Saltelli design on N = {}", s.runs),
            (None, Design::Random) => format!("{} Monte-Carlo runs", s.runs),
        });
        let spec = Spec {
            uncertainty: u,
            runs: s.runs,
            seed: s.seed,
            design: s.design,
            bootstrap: s.bootstrap,
            replay,
            keep_runs: s.keep_runs,
        };
        out.sensitivity = Some(analyse_uncertainty(&fw, &units, &pipeline, &spec)?);
    }
    Ok(out)
}

impl SensitivityRequest {
    /// The uncertain choices, parsed.
    pub fn uncertainty(&self) -> Result<Uncertainty> {
        let field = |name: &str, e: hallyu_index::IndexError| {
            Error::field(format!("sensitivity.{name}"), e.to_string())
        };
        Ok(Uncertainty {
            weight_noise: self.weight_noise,
            noise_levels: self.noise_levels.clone(),
            impute: self
                .impute
                .iter()
                .map(|m| m.parse::<Impute>().map_err(|e| field("impute", e)))
                .collect::<Result<_>>()?,
            normalise: self
                .normalise
                .iter()
                .map(|m| m.parse::<Normalise>().map_err(|e| field("normalise", e)))
                .collect::<Result<_>>()?,
            aggregate: self
                .aggregate
                .iter()
                .map(|m| m.parse::<Aggregate>().map_err(|e| field("aggregate", e)))
                .collect::<Result<_>>()?,
            drop_indicator: self.drop_indicator,
        })
    }
}

fn result(fw: &Framework, units: &Units, b: Build, wanted: Option<&&str>) -> IndexResult {
    let agg = b.aggregated();
    // The index first, then each level from the top down.
    let mut aggregates: Vec<&hallyu_index::Node> = fw.aggregates.iter().collect();
    aggregates.sort_by_key(|n| std::cmp::Reverse(n.level));
    let codes: Vec<String> = aggregates.iter().map(|n| n.code.clone()).collect();
    let columns: Vec<&[f64]> = codes.iter().map(|c| agg.column(c).unwrap_or(&[])).collect();
    let rank_columns: Vec<Vec<Option<usize>>> = columns.iter().map(|c| ranks(c)).collect();
    let mut rows: Vec<UnitResult> = agg
        .units
        .iter()
        .enumerate()
        .map(|(u, code)| UnitResult {
            unit: code.clone(),
            name: units
                .codes
                .iter()
                .position(|c| c == code)
                .map(|i| units.names[i].clone())
                .unwrap_or_default(),
            rank: rank_columns
                .first()
                .and_then(|r| r.get(u).copied().flatten()),
            scores: columns
                .iter()
                .map(|c| c.get(u).copied().filter(|v| !v.is_nan()))
                .collect(),
            ranks: rank_columns
                .iter()
                .map(|r| r.get(u).copied().flatten())
                .collect(),
        })
        .collect();
    rows.sort_by_key(|r| (r.rank.is_none(), r.rank, r.unit.clone()));
    let dataset = wanted.and_then(|w| b.dataset(w).cloned());
    IndexResult {
        index: fw.index().code.clone(),
        aggregates: codes,
        units: rows,
        steps: b.log,
        treated: b.treated,
        removed_units: b.removed_units,
        effective_weights: b.effective_weights,
        dataset,
        sensitivity: None,
        analysis: None,
        notes: Vec::new(),
        tree: fw
            .indicators
            .iter()
            .chain(&fw.aggregates)
            .map(|n| TreeNode {
                code: n.code.clone(),
                name: n.name.clone(),
                level: n.level,
                parent: n.parent.clone(),
            })
            .collect(),
    }
}
