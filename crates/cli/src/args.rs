//! Command-line arguments, as the user typed them (validated and converted to library
//! requests in `commands/`).

use clap::{Args, Parser, Subcommand, ValueEnum};
use hallyu_measure::projection::{Stated, YearValue};
use std::path::PathBuf;

/// hallyu: creative-economy trade analysis with structural gravity.
#[derive(Debug, Parser)]
#[command(name = "hallyu", version, about, long_about = None, propagate_version = true,
    after_help = EXIT_STATUSES)]
pub struct Cli {
    /// Worker threads for the parallel work of any command (estimation, simulation,
    /// indices, ingest), 1 to 1024. Default: every core (or RAYON_NUM_THREADS when set).
    /// Estimates do not depend on it beyond the last digits.
    #[arg(long, global = true, value_name = "N",
        value_parser = clap::value_parser!(u16).range(1..=MAX_THREADS))]
    pub threads: Option<u16>,
    #[command(subcommand)]
    pub command: Command,
}

/// The most threads `--threads` takes: far above any machine's cores, far below what would
/// exhaust the system's threads.
const MAX_THREADS: i64 = 1024;

/// The exit statuses, the same for every command (see `crate::exit`).
const EXIT_STATUSES: &str = "Exit status (every command): 0 ok; 1 invalid input or data (a file \
that cannot be read or used, malformed or negative values); 2 usage (an unknown option, \
value or name, e.g. a column, country or bloc the data does not have); 3 a result that is \
printed but not valid (no convergence, a published value missed, a claim that is not \
consistent); 4 internal error (please report it).";

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
    /// Export an embedded data set, or list the reference tables (countries, blocs, groups).
    ///
    /// Example: hallyu data blocs --year 1995
    Data(DataArgs),
    /// Compound growth: a value's path at a CAGR, the missing one of start, end and rate,
    /// or a check that all three agree.
    #[command(long_about = PROJECT_HELP)]
    Project(ProjectArgs),
    /// Trade indicators of a country or bloc for a product group: flows, growth, CAGR,
    /// world share, RCA, HHI, top partners and bloc shares, year by year.
    #[command(long_about = INDICATORS_HELP)]
    Indicators(IndicatorsArgs),
    /// General-equilibrium policy simulation from a scenario file (TOML).
    #[command(long_about = SIMULATE_HELP)]
    Simulate(SimulateArgs),
    /// Ingest trade data into a year-partitioned Parquet dataset folder.
    ///
    /// Example: hallyu ingest baci BACI_HS17_V202401.zip --out trade
    Ingest(IngestArgs),
    /// Check a dataset folder against its manifest, or remove what the manifest does not list.
    ///
    /// Example: hallyu dataset verify trade
    Dataset(DatasetArgs),
    /// Composite indices: build a framework's scores and ranks on unit data, step by step
    /// as COINr does.
    #[command(long_about = INDEX_HELP)]
    Index(IndexArgs),
    /// Run a request written as JSON: what `--print-request` prints for any command, so
    /// that any result can be reproduced from its request.
    #[command(long_about = RUN_HELP)]
    Run(RunArgs),
    /// Serve the library over HTTP: `POST /api/v1/<capability>` takes what `--print-request`
    /// prints and answers what `hallyu run --format json` answers; errors are
    /// application/problem+json.
    ///
    /// Example: hallyu serve --data-root ~/trade-data --port 8080
    Serve(ServeArgs),
    /// A country's creative-economy report: exports and growth, markets and peers, regional
    /// integration, structural gravity, a policy scenario and claim checks, every number
    /// with the request that produced it.
    ///
    /// Example: hallyu report --country KOR --format markdown --out kor.md
    Report(ReportArgs),
    /// Export potential: a country's exports by partner against what a PPML gravity model
    /// predicts; the largest shortfalls are its untapped markets.
    ///
    /// Example: hallyu potential KOR "trade ~ log(dist) + cntg + lang + clny + rta |
    /// exporter^year + importer^year" --where "exporter != importer and year in (2002,
    /// 2006)" --cluster pair_id
    Potential(PotentialArgs),
}

/// `hallyu potential` arguments: the exporter, then the gravity model as for `fepois`.
#[derive(Debug, Args)]
pub struct PotentialArgs {
    /// The exporter (ISO3).
    #[arg(value_name = "COUNTRY")]
    pub country: String,
    /// The year compared. Default: the last year of the model's sample in which the country
    /// exports.
    #[arg(long)]
    pub year: Option<i32>,
    #[command(flatten)]
    pub model: FitArgs,
}

/// `hallyu report` arguments.
#[derive(Debug, Args)]
pub struct ReportArgs {
    /// The country (ISO3).
    #[arg(long, default_value = "KOR")]
    pub country: String,
    /// Peers to compare with (ISO3, comma-separated). Default: CHN, DEU, JPN, USA.
    #[arg(long, value_name = "A,B", value_delimiter = ',')]
    pub peers: Option<Vec<String>>,
    /// The bloc of the integration section and of the default scenario. Default: ASEAN+3
    /// for its members, else the country's first bloc.
    #[arg(long)]
    pub bloc: Option<String>,
    /// Product group, broken down by its subgroups. Default: `creative` (creative goods)
    /// with a dataset folder; every product of the embedded panel, which has none.
    #[arg(long, short = 'g')]
    pub group: Option<String>,
    /// Years reported, FIRST:LAST. Default: every year of the data.
    #[arg(long, value_name = "FIRST:LAST", value_parser = parse_year_range)]
    pub years: Option<(i32, i32)>,
    /// Claims to check (TOML: `[[claim]]` tables of kind "value", "share" or "growth"; see
    /// the README). Default: for Korea, the figures the blueprint press pieces quote.
    #[arg(long, value_name = "FILE.toml")]
    pub claims: Option<PathBuf>,
    /// Trade data: a dataset folder written by `hallyu ingest` or a file. Default: the
    /// embedded Advanced Guide panel.
    #[arg(long, short = 'd')]
    pub data: Option<PathBuf>,
    /// A scenario file (TOML, as for `hallyu simulate`) instead of the default agreements
    /// with the bloc's members.
    #[arg(long, value_name = "FILE.toml")]
    pub scenario: Option<PathBuf>,
    /// Coefficient draws for the scenario's 95% intervals.
    #[arg(long, default_value_t = 100)]
    pub draws: usize,
    /// A composite index to place the country on (section "Composite index"): a native
    /// framework (TOML, with --index-data), or `example` for the embedded example
    /// scoreboard built on the report's own trade data. With --index-meta instead, COINr's
    /// iMeta layout.
    #[arg(long, value_name = "FRAMEWORK.toml|example")]
    pub index: Option<String>,
    /// The index's framework in COINr's iMeta layout (with --index-data).
    #[arg(long, value_name = "iMeta.csv")]
    pub index_meta: Option<PathBuf>,
    /// The index's unit data in COINr's iData layout (uCode, uName, group and indicator
    /// columns), for --index FRAMEWORK.toml or --index-meta.
    #[arg(long, value_name = "UNITS.csv")]
    pub index_data: Option<PathBuf>,
    #[command(flatten)]
    pub output: OutputArgs,
}

const RUN_HELP: &str = "Run a request written as JSON.

Every command that computes something prints, with --print-request, the request its command
line makes (without running it or opening its files); `hallyu run` executes such a request
and renders the answer exactly as the command would, in --format. The request names its
capability and the version of the request format:

  {\"capability\": \"indicators\", \"version\": 1, \"subject\": \"KOR\", \"partner\": \"asean\",
   \"years\": [1986, 2006]}

Unknown fields are refused, naming the field. Exit statuses as for the command the request
stands for.

Examples:
  hallyu indicators --subject KOR --partner asean --print-request > kor.json
  hallyu run kor.json --format json
  hallyu project --start 2021:8.1 --end 2031:20 --print-request | hallyu run -";

/// `hallyu serve` arguments.
#[derive(Debug, Args)]
pub struct ServeArgs {
    /// Address to listen on. Beyond loopback (e.g. 0.0.0.0) the server refuses to start
    /// without --token-file.
    #[arg(long, default_value = "127.0.0.1")]
    pub host: std::net::IpAddr,
    /// Port (0: any free port, printed when the server is up).
    #[arg(long, default_value_t = 8080)]
    pub port: u16,
    /// Folder whose files requests may read (paths in requests are relative to it; no
    /// `..`, no absolute path, no link leading out). Without it, requests naming a file
    /// are refused.
    #[arg(long, value_name = "DIR")]
    pub data_root: Option<PathBuf>,
    /// File holding the bearer token every API request must carry (`Authorization: Bearer
    /// <token>`).
    #[arg(long, value_name = "FILE")]
    pub token_file: Option<PathBuf>,
    /// Computations running at once; past it the answer is 429 with Retry-After.
    #[arg(long, default_value_t = 2)]
    pub max_jobs: usize,
    /// Rows of data one computation may take; a request over it is refused (422).
    #[arg(long, default_value_t = 50_000_000)]
    pub max_rows: usize,
}

/// `hallyu run` arguments.
#[derive(Debug, Args)]
pub struct RunArgs {
    /// The request (JSON), or `-` for standard input.
    #[arg(value_name = "REQUEST.json")]
    pub request: PathBuf,
    #[command(flatten)]
    pub output: OutputArgs,
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
    /// A self-contained HTML page (inline style and charts, no script); indicators
    /// come with charts.
    Html,
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
    /// Data file: .csv (header row), .parquet or .dta, or a dataset folder written by
    /// `hallyu ingest`, read as a square country-pair panel (see --group, --source,
    /// --perspective). Default: the embedded Advanced Guide panel.
    #[arg(long, short = 'd')]
    pub data: Option<PathBuf>,
    #[command(flatten)]
    pub scope: PanelScopeArgs,
    /// Row selection, e.g. "trade > 0 and exporter != importer", "year in (1986, 2006)",
    /// "exporter == 'KOR'". Bare words are columns; quote text values.
    #[arg(long = "where", short = 'w', value_name = "EXPR")]
    pub where_: Option<String>,
    /// Variance estimator; give it several times to see the fit under each (computed from
    /// one estimation): iid (default, as fixest >= 0.13 and pyfixest; also standard),
    /// hetero (white, hc1), cluster (by --cluster, else by the first fixed effect),
    /// cluster:pair_id, cluster:exporter,importer, twoway.
    #[arg(long, value_name = "VCOV")]
    pub vcov: Vec<String>,
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
    /// Tolerance of the fixed-effect demeaning alone (fixest's fixef.tol). Default: --tol.
    #[arg(long, value_name = "TOL")]
    pub fixef_tol: Option<f64>,
    /// Maximum IRLS iterations (Poisson).
    #[arg(long, default_value_t = 100)]
    pub max_iter: usize,
    /// Keep observations alone in a fixed-effect group (dropped by default).
    #[arg(long)]
    pub keep_singletons: bool,
    /// Separation checks for Poisson: "fe" (all-zero fixed-effect groups, and observations
    /// that two fixed-effect dimensions separate, found on their graph), "relu" (the
    /// iterative rectifier, for separation involving regressors): "fe,relu" (default),
    /// "fe", "relu" or "none".
    #[arg(long, default_value = "fe,relu")]
    pub separation: String,
}

/// What a dataset folder (`--data DIR`) is turned into: the country-pair panel of one
/// source, product group and perspective (shared by fepois, feols and simulate).
#[derive(Debug, Args, Default)]
pub struct PanelScopeArgs {
    /// With --data DIR: product group (creative, creative.audiovisuals, ...) or HS prefixes
    /// (3303,3304) whose flows are added up per pair and year. Default: every product.
    #[arg(long, value_name = "GROUP")]
    pub group: Option<String>,
    /// With --data DIR: products by name, matched exactly (sectors of a series, UNCTADstat
    /// codes such as CG00). Not with --group.
    #[arg(
        long,
        value_name = "A,B",
        value_delimiter = ',',
        conflicts_with = "group"
    )]
    pub product: Option<Vec<String>>,
    /// With --data DIR: the source to read when the dataset holds several (`baci`,
    /// `unctadstat`, `series:<file stem>` or a prefix such as `series`).
    #[arg(long, value_name = "NAME")]
    pub source: Option<String>,
    /// With --data DIR: whose report of each flow is read: reporter (default: the
    /// exporter's report of its exports), exporter, importer or mirror (the importer's).
    #[arg(long, value_name = "NAME", value_parser = parse_perspective)]
    pub perspective: Option<hallyu_measure::Perspective>,
    /// With --data DIR and a --group defined in other HS editions than the data's: a user
    /// concordance table next to the built-in UNSD tables (see `hallyu indicators --help`).
    #[arg(long, value_name = "FILE.csv")]
    pub concordance: Option<PathBuf>,
}

fn parse_perspective(s: &str) -> Result<hallyu_measure::Perspective, String> {
    hallyu_measure::Perspective::parse(s).ok_or_else(|| {
        let names: Vec<&str> = hallyu_measure::Perspective::ALL
            .iter()
            .map(|p| p.name())
            .collect();
        format!(
            "`{s}` is not a perspective; use one of {}",
            names.join(", ")
        )
    })
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
    /// Print the request this command line makes (JSON, for `hallyu run`) instead of
    /// running it; no file is opened.
    #[arg(long)]
    pub print_request: bool,
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
    /// Number of years; with --baci, the year(s) to write: 2021, 2019-2021 or 2019,2021
    /// (default 25 years; with --baci, 2021).
    #[arg(long)]
    pub years: Option<String>,
    /// First year.
    #[arg(long, default_value_t = 2000)]
    pub first_year: i32,
    /// Number of products (adds a `product` column when above 1; with --baci, HS6 codes,
    /// 5,000 unless given).
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
    /// Output file (.parquet or .csv); with --baci, the release folder.
    #[arg(long, short = 'o')]
    pub out: PathBuf,
    /// Print nothing.
    #[arg(long, short = 'q')]
    pub quiet: bool,
    /// Write a BACI-format release (yearly t,i,j,k,v,q CSV files, country and product
    /// codes) instead of a gravity panel.
    #[arg(long)]
    pub baci: bool,
    /// With --baci: flows per year (BACI 2021 has about 11 million); with --graph: the
    /// observations (default 1,000,000).
    #[arg(long)]
    pub rows: Option<usize>,
    /// Write a panel whose two fixed effects form a graph on which demeaning is slow,
    /// columns y, x, fe1, fe2, to fit `y ~ x | fe1 + fe2` (true coefficient 0.3):
    /// `worker-firm` (sparse bipartite, few movers), `chain` (one long path),
    /// `components` (many small connected components), `nested` (fe2 nearly nested in
    /// fe1).
    #[arg(long, value_name = "KIND", conflicts_with = "baci")]
    pub graph: Option<String>,
}

/// Input kinds of `hallyu ingest`.
#[derive(Debug, Clone, Copy, ValueEnum, PartialEq, Eq)]
pub enum IngestKind {
    /// A CEPII BACI release: folder, zip, or one BACI_HSxx_Y<year>_V<release>.csv next to
    /// its country_codes file.
    Baci,
    /// UNCTADstat bulk CSV files of any report (creative goods, creative services,
    /// digitally deliverable services, merchandise...), older or data-centre layout,
    /// recognised by their header.
    Unctadstat,
    /// UN Comtrade CSV downloads: Comtrade+ (API or bulk) or legacy layout, recognised by
    /// their header; totals only, exports and imports as reported.
    Comtrade,
    /// Tidy CSV series: country, [partner,] year, sector, flow, value, unit.
    Series,
    /// Gravity covariates in CEPII's layouts (Gravity: iso3_o, iso3_d, year, dist, contig,
    /// comlang_off, col45, rta, ...; GeoDist: iso_o, iso_d, dist, distcap, distw, ...), as
    /// .csv, .dta or .parquet, into the dataset's covariates table.
    Gravity,
}

/// What `hallyu ingest` does with rows that repeat an earlier row's key.
#[derive(Debug, Clone, Copy, ValueEnum, PartialEq, Eq)]
pub enum OnDuplicateArg {
    /// Stop with an error naming the file and both lines; nothing is written.
    Error,
    /// Keep the first row, drop the repeats.
    KeepFirst,
    /// Add the repeats' values to the first row.
    Sum,
}

/// Formats of the ingest report.
#[derive(Debug, Clone, Copy, ValueEnum, PartialEq, Eq)]
pub enum ReportFormat {
    /// Aligned text.
    Table,
    /// JSON.
    Json,
}

#[derive(Debug, Args)]
pub struct IngestArgs {
    /// What the inputs are.
    #[arg(value_enum)]
    pub kind: IngestKind,
    /// Input files, folders or zip archives.
    #[arg(required = true, value_name = "INPUT")]
    pub inputs: Vec<PathBuf>,
    /// Dataset folder (created when missing; must be empty or a hallyu dataset).
    #[arg(long, short = 'o')]
    pub out: PathBuf,
    /// Fail at the first malformed row and write nothing (default: keep going, list the
    /// rejected rows in DIR/malformed-<source>.csv and report them).
    #[arg(long)]
    pub strict: bool,
    /// Replace the source as a whole (all its years) with this ingest, saying on stderr
    /// what it loses. Default: add the years the input brings and keep the others; a year
    /// the source already has is refused (exit status 2, nothing written), with the
    /// source's rows before and after a --replace.
    #[arg(long)]
    pub replace: bool,
    /// Rows with the same year, reporter, exporter, importer, product, classification, flow
    /// and source: an error naming both lines (default), keep the first one, or add them up.
    /// Always counted in the report.
    #[arg(long, value_enum, default_value = "error", value_name = "POLICY")]
    pub on_duplicate: OnDuplicateArg,
    /// Format of the report on stdout.
    #[arg(long, short = 'f', value_enum, default_value = "table")]
    pub format: ReportFormat,
    /// No progress bar and no report, only errors and warnings.
    #[arg(long, short = 'q')]
    pub quiet: bool,
    /// Print the request (JSON, for `hallyu run`) instead of running it; no file is opened.
    #[arg(long)]
    pub print_request: bool,
}

/// `hallyu index`: composite indices.
const INDEX_HELP: &str =
    "Composite indices, built step by step as COINr (the JRC's composite-indicator \
toolkit) builds them: denomination, imputation, screening, outlier treatment, normalisation, \
weighting and aggregation, with scores and ranks at every level.

The framework is a native TOML file (FRAMEWORK.toml: the index, its aggregates and \
indicators with direction, weight and parent, unit groupings, and the steps in order; see \
the README) or COINr's own tables, so that a COINr user's framework runs unchanged: --meta \
in its iMeta layout (Level, iCode, iName, Direction, Weight, Denominator, Parent, Type). The \
unit data (--data) is in COINr's iData layout (uCode, uName, group and denominator columns, \
one column per indicator). Every step is also a flag, which overrides the framework's.

With no framework, the embedded example runs: a creative-trade competitiveness scoreboard \
(an example, not an official index) of the countries in the trade data (--trade; the \
embedded panel by default), from indicators hallyu computes.

Examples:
  hallyu index build                                   # the example scoreboard
  hallyu index build framework.toml --data units.csv
  hallyu index build --data ASEM_iData.csv --meta ASEM_iMeta.csv --denominate meta \\
    --impute group-mean:EurAsia_group --screen 0.9 --treat default --normalise minmax:0,100 \\
    --aggregate amean                                  # COINr's example build
  ... --dataset Treated --format csv    # one intermediate data set in full";

#[derive(Debug, Args)]
pub struct IndexArgs {
    /// What to do.
    #[command(subcommand)]
    pub action: IndexAction,
}

/// The `hallyu index` subcommands.
#[derive(Debug, Subcommand)]
pub enum IndexAction {
    /// Build the index: scores and ranks of every unit at every level, or one intermediate
    /// data set with --dataset.
    ///
    /// Example: hallyu index build --data ASEM_iData.csv --meta ASEM_iMeta.csv --impute group-mean:EurAsia_group --screen 0.9
    Build(IndexBuildArgs),
    /// Monte-Carlo analysis of the ranks: the build repeated under uncertain choices (noise
    /// on the weights, alternative imputations, normalisations and aggregations, one
    /// indicator left out), in parallel; per unit the nominal rank, the median rank and
    /// its 5-95% interval. The same --seed gives the same runs.
    ///
    /// Example: hallyu index sensitivity --data ASEM_iData.csv --meta ASEM_iMeta.csv --impute group-mean:EurAsia_group --runs 1000 --weight-noise 0.25 --alt-normalise minmax:0,100 --alt-normalise rank --drop-indicators
    Sensitivity(IndexSensitivityArgs),
}

#[derive(Debug, Args)]
pub struct IndexSensitivityArgs {
    #[command(flatten)]
    pub build: IndexBuildArgs,
    /// Runs (1 to 100,000).
    #[arg(long, default_value_t = 1000)]
    pub runs: usize,
    /// Seed of the draws.
    #[arg(long, default_value_t = 1)]
    pub seed: u64,
    /// Draw each weight uniformly within this fraction of itself (0.25: ±25%).
    #[arg(long, value_name = "FRACTION")]
    pub weight_noise: Option<f64>,
    /// Only the weights of this level get noise (repeat for several; 1: indicators, 2: the
    /// aggregates above them...), as COINr's get_noisy_weights; default every level.
    #[arg(long, value_name = "LEVEL")]
    pub noise_level: Vec<u32>,
    /// An imputation drawn from (repeat the flag for each alternative).
    #[arg(long, value_name = "METHOD")]
    pub alt_impute: Vec<String>,
    /// A normalisation drawn from (repeat the flag for each alternative).
    #[arg(long, value_name = "METHOD")]
    pub alt_normalise: Vec<String>,
    /// An aggregation drawn from (repeat the flag for each alternative).
    #[arg(long, value_name = "METHOD")]
    pub alt_aggregate: Vec<String>,
    /// Leave one indicator out (or none) in each run.
    #[arg(long)]
    pub drop_indicators: bool,
    /// Variance-based sensitivity indices (first-order and total) of the mean absolute
    /// rank change for each uncertain input, from Saltelli's design: --runs is then the
    /// base sample N, and N·(d + 2) runs are made for d inputs (as COINr's SA_type = "SA").
    #[arg(long)]
    pub indices: bool,
    /// Bootstrap resamples for the indices' 5-95% intervals (0: none).
    #[arg(long, default_value_t = 100, value_name = "N")]
    pub bootstrap: usize,
    /// Take the runs from a file instead of drawing them, to compare run by run with
    /// another implementation: one row per run, columns impute, normalise, aggregate, drop
    /// and w:CODE (a node's weight); with --indices, rows in Saltelli's order and the
    /// inputs in the file's column order.
    #[arg(long, value_name = "FILE")]
    pub replay: Option<PathBuf>,
    /// Keep every run's choices and ranks in the JSON output.
    #[arg(long)]
    pub keep_runs: bool,
}

#[derive(Debug, Args)]
pub struct IndexBuildArgs {
    /// The framework in the native TOML format. Without it and without --meta: the
    /// embedded example scoreboard.
    #[arg(value_name = "FRAMEWORK.toml")]
    pub framework: Option<PathBuf>,
    /// Unit data in COINr's iData layout (.csv, .parquet or .dta).
    #[arg(long)]
    pub data: Option<PathBuf>,
    /// The framework in COINr's iMeta layout (.csv, .parquet or .dta).
    #[arg(long, conflicts_with = "framework")]
    pub meta: Option<PathBuf>,
    /// Trade flows the example scoreboard is computed from (a file or a dataset folder);
    /// default: the embedded panel. Only without a framework.
    #[arg(long, value_name = "PATH")]
    pub trade: Option<PathBuf>,
    /// Divide indicators by their denominators: `meta` (as the framework names them; the
    /// default) or `none`.
    #[arg(long, value_name = "meta|none")]
    pub denominate: Option<String>,
    /// Fill missing values: `none` (default), `mean`, `median`, `group-mean:COLUMN`,
    /// `group-median:COLUMN`, `em` (expectation-maximisation, the indicators of each
    /// aggregate together).
    #[arg(long, value_name = "METHOD")]
    pub impute: Option<String>,
    /// Remove units with a smaller share of available indicator values (0 to 1), or `none`
    /// (the default).
    #[arg(long, value_name = "SHARE|none")]
    pub screen: Option<String>,
    /// Outlier treatment: `default` (winsorise up to 5 points while |skewness| >= 2 and
    /// kurtosis >= 3.5, else a log transform), `none`, `winmax:N`.
    #[arg(long, value_name = "METHOD")]
    pub treat: Option<String>,
    /// Normalisation: `minmax:LO,HI` (default minmax:0,100), `zscore`, `zscore:MEAN,SD`,
    /// `rank`, `borda`, `prank` (percentile ranks), `scaled:LO,HI[,FACTOR]`, `fracmax`,
    /// `dist2max`, `dist2ref:UNIT[,CAP]` (distance to a reference unit), `dist2targ[:CAP]`
    /// (to each indicator's target in the framework), `goalposts` (the framework's) or
    /// `goalposts:LO,HI,SCALE[,TRUNC]`, `none`.
    #[arg(long, value_name = "METHOD")]
    pub normalise: Option<String>,
    /// Aggregation at every level: `amean` (default), `gmean`, `hmean`, `genmean:P`
    /// (generalised mean), `copeland` (Copeland count), `borda` (weighted Borda count).
    #[arg(long, value_name = "METHOD")]
    pub aggregate: Option<String>,
    /// Weights: `meta` (the framework's; the default), `equal`, `pca` (each indicator
    /// weighted by its loading on its group's first principal component, as COINr's
    /// get_PCA) or `pca:LEVEL` (the aggregates of that level).
    #[arg(long, value_name = "meta|equal|pca[:LEVEL]")]
    pub weights: Option<String>,
    /// A unit with a smaller share of a group's children present gets no value for that
    /// group (COINr's dat_thresh, 0 to 1); by default one child present is enough.
    #[arg(long, value_name = "SHARE")]
    pub data_threshold: Option<f64>,
    /// Print one data set in full instead of the scores: Raw, Denominated, Imputed,
    /// Screened, Treated, Normalised, Aggregated.
    #[arg(long, value_name = "NAME")]
    pub dataset: Option<String>,
    /// Add the framework's coherence: per aggregate, Cronbach's alpha and the first
    /// principal component's share of its children, their correlations with it and with the
    /// index; flags for children negatively correlated with their parent or duplicating a
    /// sibling (r > 0.9).
    #[arg(long)]
    pub analysis: bool,
    #[command(flatten)]
    pub output: OutputArgs,
}

#[derive(Debug, Args)]
pub struct DatasetArgs {
    /// What to do with the folder.
    #[command(subcommand)]
    pub action: DatasetAction,
}

/// The `hallyu dataset` subcommands.
#[derive(Debug, Subcommand)]
pub enum DatasetAction {
    /// Report every way the folder differs from its manifest: Parquet files it does not
    /// list, listed files that are missing, or whose rows, checksum or years differ, and
    /// temporary files of interrupted ingests. Exit status 0 when clean, 1 otherwise.
    ///
    /// Changes nothing. Waits briefly for an ingest in progress, then fails naming it.
    ///
    /// Example: hallyu dataset verify trade --format json
    Verify {
        /// The dataset folder.
        dir: PathBuf,
        /// Format of the report on stdout.
        #[arg(long, short = 'f', value_enum, default_value = "table")]
        format: ReportFormat,
        /// Print the request (JSON, for `hallyu run`) instead of running it.
        #[arg(long)]
        print_request: bool,
    },
    /// Remove what the manifest does not list (stray Parquet files, leftover temporary
    /// files) and print what was removed. Listed partitions are never touched: a missing or
    /// damaged one is reported (exit status 1) and needs its source ingested again.
    ///
    /// Takes the writers' lock, so it never runs beside an ingest.
    ///
    /// Example: hallyu dataset repair trade
    Repair {
        /// The dataset folder.
        dir: PathBuf,
        /// Format of the report on stdout.
        #[arg(long, short = 'f', value_enum, default_value = "table")]
        format: ReportFormat,
        /// Print the request (JSON, for `hallyu run`) instead of running it.
        #[arg(long)]
        print_request: bool,
    },
}

#[derive(Debug, Args)]
pub struct DataArgs {
    /// Data set: `agtpa` (Advanced Guide panel, 99,981 rows, CC BY 4.0), `distances`
    /// (great-circle distance between the capitals of every pair of countries), `series`
    /// (lists the small real series embedded: Korea's content-industry exports, ASEAN+3
    /// trade, ...; each by its name), or a reference table: `countries`, `blocs` (membership
    /// by year), `groups` (HS product groups, creative goods).
    pub name: String,
    /// Output file (.parquet or .csv). Without it, the data set's description is printed.
    #[arg(long, short = 'o')]
    pub out: Option<PathBuf>,
    /// Reference tables: members in this year only (`blocs`).
    #[arg(long)]
    pub year: Option<i32>,
    /// Reference tables: output format.
    #[arg(long, short = 'f', value_enum, default_value = "table")]
    pub format: ListFormat,
    /// Reference tables: add blocs and product groups from a TOML file.
    #[arg(long, value_name = "FILE.toml")]
    pub reference: Option<PathBuf>,
    /// Reference tables: override or complete the creative-goods classification from a
    /// CSV `hs6,group[,subgroup][,hs_version]`.
    #[arg(long, value_name = "FILE.csv")]
    pub classification: Option<PathBuf>,
    /// Reference tables: print the request (JSON, for `hallyu run`) instead of running it.
    #[arg(long)]
    pub print_request: bool,
}

/// Output formats of the reference tables.
#[derive(Debug, Clone, Copy, ValueEnum, PartialEq, Eq)]
pub enum ListFormat {
    /// Aligned table for the terminal.
    Table,
    /// JSON array.
    Json,
    /// CSV, one row per member, code or country.
    Csv,
}

const PROJECT_HELP: &str = "\
Compound growth between two years (n = end year - start year):
  end = start * (1 + r/100)^n;  start = end / (1 + r/100)^n;  r = ((end/start)^(1/n) - 1) * 100

Give two of the start value, the end value and the rate (CAGR, percent) to get the third
and the year-by-year path. Give all three to check a claim: the output shows the end value
the start and rate imply, the rate the start and end imply, and the miss. The claim is
consistent when the implied end value, rounded to the decimals the end value was written
with, equals it, or the implied rate, rounded to the decimals the rate was written with,
equals it (8.1 -> 16.4 at 7.3% over 10 years is consistent; 8.1 -> 20 is not: it needs 9.46%).

--format json: {start_year, start_value, end_year, end_value, cagr_pct, implied_end_value,
implied_cagr_pct, consistent}; --format csv: the path (year, value, value_at_implied_cagr).
A claim that is not consistent is printed and exits with status 3; invalid arguments exit
with status 2.

Example: hallyu project --start 2021:8.1 --end 2031:20 --cagr 7.3";

#[derive(Debug, Args)]
pub struct ProjectArgs {
    /// First year and, unless it is to be derived, its value: 2021:8.1 or 2021.
    #[arg(long, value_name = "YEAR[:VALUE]", value_parser = parse_year_value)]
    pub start: YearValue,
    /// Last year and, unless it is to be derived, its value: 2031:20 or 2031.
    #[arg(long, value_name = "YEAR[:VALUE]", value_parser = parse_year_value)]
    pub end: YearValue,
    /// Compound annual growth rate in percent (7.3 or 7.3%); derived when left out.
    #[arg(long, value_name = "PERCENT", value_parser = parse_cagr, allow_hyphen_values = true)]
    pub cagr: Option<Stated>,
    #[command(flatten)]
    pub output: OutputArgs,
}

fn parse_year_value(s: &str) -> Result<YearValue, String> {
    s.parse()
        .map_err(|e: hallyu_measure::MeasureError| e.to_string())
}

fn parse_cagr(s: &str) -> Result<Stated, String> {
    hallyu_measure::projection::parse_percent(s).map_err(|e| e.to_string())
}

const SIMULATE_HELP: &str = "General-equilibrium policy simulation of structural gravity.

The scenario file (TOML) names the baseline and the policy changes:

  title = \"Korea signs RTAs with every ASEAN member\"
  [baseline]
  year = 2006                       # the simulated world
  formula = \"trade ~ log(dist) + cntg + lang + clny + rta | exporter + importer\"
  # data = \"flows.csv\"             # default: the embedded Advanced Guide panel
  # estimation_years = [1994, 1998, 2002]  # default: [year]
  # FE: exporter, importer, year (and interactions) and at most one pair effect, e.g.
  #   \"trade ~ rta | exporter^year + importer^year + pair_id\"; pair effects become trade
  #   costs, and pairs that never trade get one from a second stage on covariates:
  # fill = [\"log(dist)\", \"cntg\", \"lang\", \"clny\"]
  # coefficients = { rta = 0.5 }     # given instead of estimated (no --draws then)
  # sigma = 7, reference = \"DEU\", closure = \"deficit_ratio\" | \"additive\", vcov = \"hetero\"
  [[change]]
  variable = \"rta\"                 # set a regressor for the selected pairs ...
  value = 1
  between = [\"KOR\"]               # ... both directions between two lists,
  and = [\"asean\"]                 # or from/to (one direction), or pairs = \"all\"
  # cost_factor = 0.9               # ... or scale iceberg trade costs by a factor

Lists take ISO3 codes, bloc names (membership in the simulated year; see `hallyu data blocs`)
and \"all\"; a formula may use intl_border (1 between different countries).

Results per country: % change in exports (conditional GE with output and expenditure fixed,
and full-endowment GE), imports, real GDP, factory-gate price and inward/outward multilateral
resistances. --method exact (default) solves the equilibrium to machine precision; --method
geppml runs the Advanced Guide's iterative procedure with its 0.01 stopping rule. A solve that
does not converge exits with status 3; a scenario naming what does not exist, with 2; a
scenario file or data that cannot be used, with 1.

Example: hallyu simulate kor_asean.toml --draws 200";

/// `hallyu simulate` arguments.
#[derive(Debug, Args)]
pub struct SimulateArgs {
    /// Scenario file (TOML).
    pub scenario: PathBuf,
    /// A dataset folder written by `hallyu ingest`, read as a square country-pair panel
    /// (see --group, --source, --perspective) instead of the scenario's `data`.
    #[arg(long, short = 'd', value_name = "DIR")]
    pub data: Option<PathBuf>,
    #[command(flatten)]
    pub scope: PanelScopeArgs,
    /// Full-endowment solution method.
    #[arg(long, value_enum, default_value = "exact")]
    pub method: MethodArg,
    /// Tolerance (exact: relative market-clearing residual, default 1e-13; geppml: the
    /// loop's stopping rule, default 0.01).
    #[arg(long)]
    pub tolerance: Option<f64>,
    /// Maximum iterations of the full-endowment solve.
    #[arg(long)]
    pub max_iter: Option<usize>,
    /// Coefficient draws from the estimated variance for 95% intervals (0: none).
    #[arg(long, default_value_t = 0)]
    pub draws: usize,
    /// Seed of the draws.
    #[arg(long, default_value_t = 1)]
    pub seed: u64,
    /// Also report pair-level flow changes.
    #[arg(long)]
    pub bilateral: bool,
    /// Extra blocs (TOML, as for `hallyu data blocs --reference`).
    #[arg(long)]
    pub reference: Option<PathBuf>,
    #[command(flatten)]
    pub output: OutputArgs,
}

/// Full-endowment solution methods.
#[derive(Debug, Clone, Copy, ValueEnum, PartialEq, Eq)]
pub enum MethodArg {
    /// Exact equilibrium.
    Exact,
    /// The Advanced Guide's GEPPML loop.
    Geppml,
}

const INDICATORS_HELP: &str = concat!(
    "Trade indicators of a country or bloc for a product group, year by year.\n\n",
    include_str!("../../measure/src/definitions.txt"),
    "\n--format json: subject, partner, group, perspective, unit, years[{year, members, exports, imports,
balance, total_trade, exports_yoy_pct, imports_yoy_pct, world_exports, world_exports_basis{kind,
exporters}, world_share_pct, rca, hhi_partners(_points),
hhi_products(_points), partner{members, exports_to, imports_from, trade_with,
share_of_trade_pct}, undefined{field: reason}}], cagr[{series, from, to, start_value,
end_value, cagr_pct}], top_partners{year, partners[{partner, exports, share_pct}]}, notes.
--format csv: one row per year. Unknown names and impossible year ranges exit with status 2.

Sources and totals are never added up: a dataset holding several sources (baci, unctadstat,
series:<file stem>) needs --source NAME (exact, or a prefix such as `series`), and rows with a
product `total` next to other products (a survey's total and its sectors) need --product total
or a list of sectors (--product games,music); so do UNCTADstat's all creative goods (CG00) next to
its groups, and a group next to its subgroups (CG03, CG031): --product CG00 or --product CG03,CG05.
--product matches product names exactly; --group takes HS groups and prefixes.

Examples:
  hallyu indicators --subject KOR --partner asean --years 1986:2006
  hallyu indicators --subject asean --partner plus3 --format json
  hallyu indicators --data trade/ --subject KOR --group creative.audiovisuals --years 2010:2021 --cagr-window 2017:2021
  hallyu indicators --data trade/ --source series --product total --subject KOR --years 2019:2021
  hallyu indicators --data trade/ --source unctadstat --subject KOR --perspective mirror"
);

#[derive(Debug, Args)]
pub struct IndicatorsArgs {
    /// Flow data: a folder written by `hallyu ingest`, or a .csv/.parquet/.dta file with the
    /// columns year, exporter, importer, product (optional), value. Default: the embedded
    /// Advanced Guide panel (aggregate manufacturing, million USD, column `trade`).
    #[arg(long, short = 'd')]
    pub data: Option<PathBuf>,
    /// Country (ISO3, e.g. KOR), bloc (asean, plus3, asean+3, eu, rcep, nafta, or one from
    /// --blocs) or a comma-separated list of ISO3 codes.
    #[arg(long, short = 's')]
    pub subject: String,
    /// Partner country, bloc or list, for bilateral flows and the share of the subject's
    /// trade with it.
    #[arg(long, short = 'p')]
    pub partner: Option<String>,
    /// Product group (creative, creative.audiovisuals, cosmetics, ...) or HS prefixes
    /// separated by commas (3303,3304). Default: every product.
    #[arg(long, short = 'g')]
    pub group: Option<String>,
    /// Products by name, separated by commas, matched exactly against the product column:
    /// the sectors of a tidy series or UNCTADstat data (games,music), or `total`. Not with
    /// --group.
    #[arg(
        long,
        value_name = "A,B",
        value_delimiter = ',',
        conflicts_with = "group"
    )]
    pub product: Option<Vec<String>>,
    /// The source to read from a dataset holding several: `baci`, `unctadstat`,
    /// `series:<file stem>`, or a prefix before `:` (`series`) when it names only one.
    #[arg(long, value_name = "NAME")]
    pub source: Option<String>,
    /// Years reported, FIRST:LAST or one year. Default: every year of the data.
    #[arg(long, value_name = "FIRST:LAST", value_parser = parse_year_range)]
    pub years: Option<(i32, i32)>,
    /// Window of the compound annual growth rates. Default: first and last reported year.
    #[arg(long, value_name = "FIRST:LAST", value_parser = parse_year_range)]
    pub cagr_window: Option<(i32, i32)>,
    /// How many partners to rank.
    #[arg(long, default_value_t = 10)]
    pub top: usize,
    /// Blocs and product groups of your own (TOML, see `hallyu data blocs --help`).
    #[arg(long, value_name = "FILE.toml")]
    pub blocs: Option<PathBuf>,
    /// A concordance table between two classifications, used with the built-in UNSD
    /// tables (HS1992 to HS2022) to apply a group in the data's HS edition: a CSV whose
    /// header names the two (e.g. `HS2022,HS2017`) and whose rows are pairs of linked
    /// codes. It replaces a built-in table between the same two editions.
    #[arg(long, value_name = "FILE.csv")]
    pub concordance: Option<PathBuf>,
    /// Value column. Default: `value`, or `trade` for the embedded panel.
    #[arg(long)]
    pub value: Option<String>,
    /// Whose report of each flow is read when the data holds both the exporter's and the
    /// importer's (UNCTADstat, Comtrade, survey series); the two are never added: reporter
    /// (default: exports as the exporters report them, imports as the importers do),
    /// exporter, importer or mirror (each country's flows as its partners report them).
    #[arg(long, value_name = "NAME", value_parser = parse_perspective)]
    pub perspective: Option<hallyu_measure::Perspective>,
    #[command(flatten)]
    pub output: OutputArgs,
}

fn parse_year_range(s: &str) -> Result<(i32, i32), String> {
    let year = |y: &str| {
        y.trim().parse::<i32>().map_err(|_| {
            format!("expected FIRST:LAST years (e.g. 2010:2021) or one year, got `{s}`")
        })
    };
    match s.split_once(':') {
        Some((a, b)) => Ok((year(a)?, year(b)?)),
        None => year(s).map(|y| (y, y)),
    }
}
