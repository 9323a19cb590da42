//! Command-line arguments, as the user typed them (validated and converted to library
//! requests in `commands/`).

use clap::{Args, Parser, Subcommand, ValueEnum};
use std::path::PathBuf;

/// hallyu: creative-economy trade analysis with structural gravity.
#[derive(Debug, Parser)]
#[command(name = "hallyu", version, about, long_about = None, propagate_version = true)]
pub struct Cli {
    #[command(subcommand)]
    pub command: Command,
}

#[derive(Debug, Subcommand)]
pub enum Command {
    /// Poisson PML with high-dimensional fixed effects (the structural gravity estimator).
    ///
    /// Example: hallyu fepois "trade ~ rta | exporter^year + importer^year + pair_id" --cluster pair_id
    Fepois(FitArgs),
    /// OLS with high-dimensional fixed effects.
    ///
    /// Example: hallyu feols "log(trade) ~ log(dist) + cntg + lang + clny | exporter^year + importer^year" --where "trade > 0 and exporter != importer"
    Feols(FitArgs),
    /// Re-estimate a published reference exercise and compare with the published values.
    Reproduce(ReproduceArgs),
    /// Write a synthetic structural-gravity panel (for benchmarks and Monte Carlo studies).
    Synth(SynthArgs),
    /// Export an embedded data set.
    Data(DataArgs),
}

/// Output formats.
#[derive(Debug, Clone, Copy, ValueEnum, PartialEq, Eq)]
pub enum OutputFormat {
    /// Aligned table for the terminal.
    Table,
    /// JSON (one object per formula; an array for several).
    Json,
    /// Markdown table.
    Markdown,
    /// LaTeX table.
    Latex,
    /// CSV, one row per coefficient.
    Csv,
}

/// Variance estimators.
#[derive(Debug, Clone, Copy, ValueEnum, PartialEq, Eq)]
pub enum VcovArg {
    /// Homoskedastic.
    Iid,
    /// Heteroskedasticity-robust.
    Hetero,
    /// Clustered (by --cluster; by the first fixed effect when --cluster is absent).
    Cluster,
}

/// Small-sample corrections.
#[derive(Debug, Clone, Copy, ValueEnum, PartialEq, Eq)]
pub enum SscArg {
    /// fixest's default: (n-1)/(n-K) [hetero: n/(n-K)] times G/(G-1) when clustered; K =
    /// slopes + fixed-effect coefficients not nested in the cluster variable.
    Fixest,
    /// Only G/(G-1): Stata's convention for ML estimators (ppml, ppmlhdfe) and the one of
    /// the Advanced Guide's published standard errors.
    ClusterOnly,
    /// As fixest, but K is the exact rank of the fixed-effect dummies (Stata regress/reghdfe).
    Stata,
    /// No correction.
    None,
}

#[derive(Debug, Args)]
pub struct FitArgs {
    /// One or more formulas in fixest syntax: "y ~ x1 + log(x2) + x3:x4 + i(f) | fe1 + a^b".
    /// Several formulas are estimated on the same data and shown side by side.
    #[arg(required = true, value_name = "FORMULA")]
    pub formulas: Vec<String>,
    /// Data file: .csv (header row), .parquet or .dta. Default: the embedded Advanced Guide panel.
    #[arg(long, short = 'd')]
    pub data: Option<PathBuf>,
    /// Row selection, e.g. "trade > 0 and exporter != importer", "year in (1986, 2006)",
    /// "exporter == 'KOR'". Bare words are columns; quote text values.
    #[arg(long = "where", short = 'w', value_name = "EXPR")]
    pub where_: Option<String>,
    /// Variance estimator. Default: iid (as fixest >= 0.13 and pyfixest); --cluster implies
    /// cluster; `--vcov cluster` without --cluster clusters by the first fixed effect.
    #[arg(long, value_enum)]
    pub vcov: Option<VcovArg>,
    /// Cluster variable(s): "pair_id", two-way "exporter,importer", interactions "a^b".
    #[arg(long, value_name = "COLS")]
    pub cluster: Option<String>,
    /// Small-sample correction of the standard errors.
    #[arg(long, value_enum, default_value = "fixest")]
    pub ssc: SscArg,
    /// Column of observation weights.
    #[arg(long)]
    pub weights: Option<String>,
    #[command(flatten)]
    pub output: OutputArgs,
    /// Convergence tolerance (relative change in deviance for Poisson; the fixed-effect
    /// demeaning uses it too).
    #[arg(long, default_value_t = 1e-8)]
    pub tol: f64,
    /// Maximum IRLS iterations (Poisson).
    #[arg(long, default_value_t = 100)]
    pub max_iter: usize,
    /// Keep observations alone in a fixed-effect group (dropped by default).
    #[arg(long)]
    pub keep_singletons: bool,
    /// Separation checks for Poisson: "fe,relu" (default), "fe", "relu" or "none".
    #[arg(long, default_value = "fe,relu")]
    pub separation: String,
}

/// Where and how results are written (shared by the commands that print results).
#[derive(Debug, Args)]
pub struct OutputArgs {
    /// Output format.
    #[arg(long, short = 'f', value_enum, default_value = "table")]
    pub format: OutputFormat,
    /// Write the result to this file (atomically) instead of stdout.
    #[arg(long, short = 'o')]
    pub out: Option<PathBuf>,
    /// Print nothing but the result.
    #[arg(long, short = 'q')]
    pub quiet: bool,
}

#[derive(Debug, Args)]
pub struct ReproduceArgs {
    /// Chapter of the Advanced Guide.
    #[arg(long, default_value_t = 1)]
    pub chapter: u32,
    #[command(flatten)]
    pub output: OutputArgs,
}

#[derive(Debug, Args)]
pub struct SynthArgs {
    /// Number of countries (every ordered pair, intra-national included).
    #[arg(long, default_value_t = 200)]
    pub countries: usize,
    /// Number of years.
    #[arg(long, default_value_t = 25)]
    pub years: usize,
    /// First year.
    #[arg(long, default_value_t = 2000)]
    pub first_year: i32,
    /// Number of products (adds a `product` column when above 1).
    #[arg(long, default_value_t = 1)]
    pub products: usize,
    /// Random seed.
    #[arg(long, default_value_t = 42)]
    pub seed: u64,
    /// True RTA coefficient.
    #[arg(long, default_value_t = 0.5)]
    pub rta_effect: f64,
    /// Target share of zero flows.
    #[arg(long, default_value_t = 0.25)]
    pub zero_share: f64,
    /// Output file (.parquet or .csv).
    #[arg(long, short = 'o')]
    pub out: PathBuf,
    /// Print nothing.
    #[arg(long, short = 'q')]
    pub quiet: bool,
}

#[derive(Debug, Args)]
pub struct DataArgs {
    /// Data set: `agtpa` (Advanced Guide panel, 99,981 rows, CC BY 4.0).
    pub name: String,
    /// Output file (.parquet or .csv). Without it, the data set's description is printed.
    #[arg(long, short = 'o')]
    pub out: Option<PathBuf>,
}
