//! Test harness for the `hallyu` binary, in the style of ripgrep's `tests/util.rs`: every
//! test gets a scratch directory and runs the real binary in it; a failed expectation
//! prints the command line, the exit status, stdout and stderr.

#![allow(dead_code)]

pub mod browser;
pub mod server;

use std::ffi::OsStr;
use std::fmt;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};

/// Path of the binary under test.
pub fn bin() -> PathBuf {
    PathBuf::from(env!("CARGO_BIN_EXE_hallyu"))
}

/// Path of a fixture in `crates/cli/tests/data`.
pub fn fixture(name: &str) -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("tests/data")
        .join(name)
}

/// A scratch directory, removed when dropped.
pub struct Dir {
    tmp: tempfile::TempDir,
}

impl Dir {
    pub fn new() -> Dir {
        let tmp = tempfile::Builder::new()
            .prefix("hallyu-cli-test-")
            .tempdir()
            .expect("cannot create a scratch directory");
        Dir { tmp }
    }

    pub fn path(&self) -> &Path {
        self.tmp.path()
    }

    pub fn join(&self, name: &str) -> PathBuf {
        self.path().join(name)
    }

    /// Writes a file (relative to the scratch directory) and returns its path.
    pub fn write(&self, name: &str, contents: impl AsRef<[u8]>) -> PathBuf {
        let p = self.join(name);
        std::fs::write(&p, contents).expect("cannot write a test file");
        p
    }

    pub fn read(&self, name: &str) -> String {
        std::fs::read_to_string(self.join(name))
            .unwrap_or_else(|e| panic!("cannot read {name}: {e}"))
    }

    /// File names in the scratch directory, sorted (hidden ones included).
    pub fn listing(&self) -> Vec<String> {
        let mut names: Vec<String> = std::fs::read_dir(self.path())
            .expect("cannot list the scratch directory")
            .map(|e| {
                e.expect("bad directory entry")
                    .file_name()
                    .to_string_lossy()
                    .into_owned()
            })
            .collect();
        names.sort();
        names
    }

    /// Asserts that no temporary file of an atomic write is left behind.
    pub fn assert_no_temp_files(&self) {
        let left: Vec<String> = self
            .listing()
            .into_iter()
            .filter(|n| n.starts_with(".hallyu-") || n.ends_with(".tmp"))
            .collect();
        assert!(left.is_empty(), "temporary files left behind: {left:?}");
    }

    /// A `hallyu` command whose working directory is the scratch directory.
    pub fn command(&self) -> TestCommand {
        TestCommand::new(self.path())
    }

    /// `hallyu <args>` in the scratch directory.
    pub fn hallyu<I, S>(&self, args: I) -> TestCommand
    where
        I: IntoIterator<Item = S>,
        S: AsRef<OsStr>,
    {
        let mut c = self.command();
        c.args(args);
        c
    }

    /// Exports the embedded panel to `name` (.csv or .parquet) with `hallyu data agtpa`.
    pub fn export_agtpa(&self, name: &str) -> PathBuf {
        self.hallyu(["data", "agtpa", "--out", name]).run_ok();
        self.join(name)
    }
}

/// A `hallyu` invocation being built.
pub struct TestCommand {
    cmd: Command,
    shown: Vec<String>,
}

impl TestCommand {
    fn new(dir: &Path) -> TestCommand {
        let mut cmd = Command::new(bin());
        cmd.current_dir(dir);
        // Nothing from the developer's environment should change the outcome.
        cmd.env_remove("RUST_BACKTRACE");
        cmd.env_remove("RUST_LIB_BACKTRACE");
        TestCommand {
            cmd,
            shown: vec!["hallyu".to_string()],
        }
    }

    pub fn arg(&mut self, a: impl AsRef<OsStr>) -> &mut TestCommand {
        self.shown.push(shell_quote(&a.as_ref().to_string_lossy()));
        self.cmd.arg(a);
        self
    }

    pub fn args<I, S>(&mut self, args: I) -> &mut TestCommand
    where
        I: IntoIterator<Item = S>,
        S: AsRef<OsStr>,
    {
        for a in args {
            self.arg(a);
        }
        self
    }

    /// Runs to completion and captures everything.
    pub fn output(&mut self) -> Run {
        let out = self
            .cmd
            .stdin(Stdio::null())
            .output()
            .unwrap_or_else(|e| panic!("cannot run {}: {e}", bin().display()));
        Run {
            command: self.shown.join(" "),
            code: out.status.code(),
            stdout: String::from_utf8_lossy(&out.stdout).into_owned(),
            stderr: String::from_utf8_lossy(&out.stderr).into_owned(),
        }
    }

    /// Runs and expects exit status 0 and no panic.
    pub fn run_ok(&mut self) -> Run {
        let r = self.output();
        r.assert_no_panic();
        assert_eq!(r.code, Some(0), "expected success\n{r}");
        r
    }

    /// Runs and expects exactly `code`, and no panic.
    pub fn run_code(&mut self, code: i32) -> Run {
        let r = self.output();
        r.assert_no_panic();
        assert_eq!(r.code, Some(code), "expected exit status {code}\n{r}");
        r
    }

    /// Runs and expects a clean failure with exit status `code`: nothing on stdout, no
    /// panic, and an error message on stderr that starts with `error: `. Returns the run;
    /// its `message()` is the stderr text without the `error: ` prefix.
    pub fn run_failure(&mut self, code: i32) -> Run {
        let r = self.output();
        r.assert_no_panic();
        assert_eq!(r.code, Some(code), "expected exit status {code}\n{r}");
        assert!(r.stdout.is_empty(), "expected nothing on stdout\n{r}");
        assert!(
            r.stderr.starts_with("error: "),
            "expected `error: ...` on stderr\n{r}"
        );
        r
    }

    /// A clean failure on invalid input or data: exit status 1 (see `run_failure`).
    pub fn run_err(&mut self) -> Run {
        self.run_failure(1)
    }

    /// A clean usage error: exit status 2 (see `run_failure`).
    pub fn run_usage(&mut self) -> Run {
        self.run_failure(2)
    }

    /// As `run_usage`, and the message is a single line.
    pub fn run_usage_line(&mut self) -> Run {
        let r = self.run_usage();
        assert_eq!(
            r.stderr.trim_end().lines().count(),
            1,
            "expected a one-line error message\n{r}"
        );
        r
    }

    /// As `run_err`, and the message is a single line.
    pub fn run_err_line(&mut self) -> Run {
        let r = self.run_err();
        assert_eq!(
            r.stderr.trim_end().lines().count(),
            1,
            "expected a one-line error message\n{r}"
        );
        r
    }
}

/// The outcome of one run.
pub struct Run {
    pub command: String,
    pub code: Option<i32>,
    pub stdout: String,
    pub stderr: String,
}

impl Run {
    pub fn assert_no_panic(&self) {
        assert!(
            !self.stderr.contains("panicked") && !self.stderr.contains("RUST_BACKTRACE"),
            "the binary panicked\n{self}"
        );
        // 101 is the status of a Rust panic.
        assert_ne!(self.code, Some(101), "the binary panicked\n{self}");
        assert!(self.code.is_some(), "killed by a signal\n{self}");
    }

    /// Stderr without the `error: ` prefix and the final newline.
    pub fn message(&self) -> &str {
        self.stderr
            .trim_end()
            .strip_prefix("error: ")
            .unwrap_or(self.stderr.trim_end())
    }

    pub fn assert_stderr_contains(&self, needle: &str) -> &Run {
        assert!(
            self.stderr.contains(needle),
            "expected stderr to contain {needle:?}\n{self}"
        );
        self
    }

    pub fn assert_stdout_contains(&self, needle: &str) -> &Run {
        assert!(
            self.stdout.contains(needle),
            "expected stdout to contain {needle:?}\n{self}"
        );
        self
    }

    /// Parses stdout as JSON into `T`.
    pub fn json<T: serde::de::DeserializeOwned>(&self) -> T {
        serde_json::from_str(&self.stdout)
            .unwrap_or_else(|e| panic!("stdout is not the expected JSON: {e}\n{self}"))
    }

    /// Parses stdout as untyped JSON.
    pub fn value(&self) -> serde_json::Value {
        self.json()
    }
}

impl fmt::Display for Run {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        const MAX: usize = 6000;
        let clip = |s: &str| -> String {
            if s.len() <= MAX {
                s.to_string()
            } else {
                let mut end = MAX;
                while !s.is_char_boundary(end) {
                    end -= 1;
                }
                format!("{}\n[... {} more bytes]", &s[..end], s.len() - end)
            }
        };
        write!(
            f,
            "\n===== command\n{}\n===== exit status: {}\n===== stdout\n{}\n===== stderr\n{}\n=====",
            self.command,
            self.code
                .map_or_else(|| "killed by a signal".to_string(), |c| c.to_string()),
            clip(&self.stdout),
            clip(&self.stderr)
        )
    }
}

fn shell_quote(s: &str) -> String {
    if !s.is_empty()
        && s.chars()
            .all(|c| c.is_ascii_alphanumeric() || "-_./=,:".contains(c))
    {
        s.to_string()
    } else {
        format!("'{}'", s.replace('\'', "'\\''"))
    }
}

/// Asserts that `stderr` shows `source` on its own line (indented) and a caret under
/// byte `pos` of it on the next line.
pub fn assert_caret(run: &Run, source: &str, pos: usize) {
    let lines: Vec<&str> = run.stderr.lines().collect();
    let i = lines
        .iter()
        .position(|l| l.trim_start() == source && l.ends_with(source))
        .unwrap_or_else(|| panic!("the input is not quoted on its own line\n{run}"));
    let indent = lines[i].len() - source.len();
    let caret = lines
        .get(i + 1)
        .unwrap_or_else(|| panic!("no caret line after the quoted input\n{run}"));
    assert_eq!(
        caret.trim_end(),
        format!("{}^", " ".repeat(indent + pos)),
        "the caret should point at byte {pos} ({:?}) of {source:?}\n{run}",
        &source[pos..]
    );
}

/// A Python that can import every one of `modules`, and else the candidates tried:
/// `HALLYU_PYTHON`, then `.venv/bin/python` at the repository root, then `python3`
/// (`.ci/run` installs what the tests need in `.venv-ci` and sets `HALLYU_PYTHON`).
pub fn python_with(modules: &str) -> Result<PathBuf, Vec<String>> {
    let root = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../..");
    let mut candidates: Vec<PathBuf> = Vec::new();
    if let Some(p) = std::env::var_os("HALLYU_PYTHON") {
        candidates.push(PathBuf::from(p));
    }
    candidates.push(root.join(".venv/bin/python"));
    candidates.push(PathBuf::from("python3"));
    let usable = |python: &Path| {
        Command::new(python)
            .args(["-c", &format!("import {modules}")])
            .output()
            .is_ok_and(|o| o.status.success())
    };
    match candidates.iter().find(|p| usable(p)) {
        Some(p) => Ok(p.clone()),
        None => Err(candidates.iter().map(|p| p.display().to_string()).collect()),
    }
}

/// Runs an independent check (a Python script using pandas and numpy) with `args` and
/// returns its standard output, failing the test when the script fails. Without such a
/// Python the check is skipped (said on stderr), except under `CI`, where it fails.
pub fn independent_check(script: &Path, args: &[&Path]) -> Option<String> {
    let python = match python_with_pandas() {
        Ok(p) => p,
        Err(tried) => {
            let msg = format!(
                "pandas and numpy are needed for the independent check and none of {} has \
                 them; set HALLYU_PYTHON or run .ci/run",
                tried.join(", ")
            );
            assert!(std::env::var_os("CI").is_none(), "{msg}");
            eprintln!("SKIPPED the independent comparison: {msg}");
            return None;
        }
    };
    let out = Command::new(&python)
        .arg(script)
        .args(args)
        .output()
        .expect("the check runs");
    let stdout = String::from_utf8_lossy(&out.stdout).to_string();
    assert!(
        out.status.success(),
        "independent check {} failed ({}):\n{stdout}\n{}",
        script.display(),
        python.display(),
        String::from_utf8_lossy(&out.stderr)
    );
    Some(stdout)
}

/// A Python that has pandas and numpy, for the independent checks (see [`python_with`]).
pub fn python_with_pandas() -> Result<PathBuf, Vec<String>> {
    python_with("pandas, numpy")
}

/// Countries of the product-level release below: BACI's numeric code and ISO3.
const RELEASE_COUNTRIES: [(u32, &str); 12] = [
    (410, "KOR"),
    (392, "JPN"),
    (842, "USA"),
    (156, "CHN"),
    (276, "DEU"),
    (704, "VNM"),
    (764, "THA"),
    (360, "IDN"),
    (458, "MYS"),
    (608, "PHL"),
    (250, "FRA"),
    (826, "GBR"),
];

/// HS2017 products: one of each creative group (video game consoles, recorded media,
/// books, paintings, jewellery, carpets, printed music, film) and cars.
const RELEASE_PRODUCTS: [&str; 9] = [
    "950450", "852349", "490199", "970110", "711319", "570110", "490400", "370610", "870323",
];

/// A BACI-format release (2019-2021) of 12 countries and 9 products, every flow a
/// deterministic value, one in seven absent (a zero), then ingested as a dataset folder.
#[allow(dead_code)] // not every test binary builds a dataset
pub fn product_level_dataset(d: &Dir) -> std::path::PathBuf {
    std::fs::create_dir_all(d.join("release")).expect("a folder");
    let mut codes = String::from("country_code,country_name,country_iso2,country_iso3\n");
    for (code, iso3) in RELEASE_COUNTRIES {
        codes.push_str(&format!("{code},{iso3},{},{iso3}\n", &iso3[..2]));
    }
    d.write("release/country_codes_V202401.csv", codes);
    let mut products = String::from("code,description\n");
    for k in RELEASE_PRODUCTS {
        products.push_str(&format!("{k},product {k}\n"));
    }
    d.write("release/product_codes_HS17_V202401.csv", products);
    for year in 2019..=2021u32 {
        let mut flows = String::from("t,i,j,k,v,q\n");
        for (a, (i, _)) in RELEASE_COUNTRIES.iter().enumerate() {
            for (b, (j, _)) in RELEASE_COUNTRIES.iter().enumerate() {
                for (c, k) in RELEASE_PRODUCTS.iter().enumerate() {
                    let n = a * 31 + b * 17 + c * 13 + year as usize * 7;
                    if a == b || n.is_multiple_of(7) {
                        continue;
                    }
                    let v = 1.0 + (n % 97) as f64 * 10.5 + (year - 2019) as f64 * (a + 1) as f64;
                    flows.push_str(&format!("{year},{i},{j},{k},{v},NA\n"));
                }
            }
        }
        d.write(&format!("release/BACI_HS17_Y{year}_V202401.csv"), flows);
    }
    d.hallyu(["ingest", "baci", "release", "--out", "trade", "-q"])
        .run_ok();
    d.join("trade")
}

/// The header row of a CSV reader, as owned names.
pub fn csv_header<R: std::io::Read>(r: &mut csv::Reader<R>) -> Vec<String> {
    r.headers()
        .expect("header")
        .iter()
        .map(str::to_string)
        .collect()
}

/// A CSV of units with `uCode` first (as `hallyu index ... --format csv` writes it): unit →
/// column → value (empty or `NA` is NaN).
pub fn read_unit_csv(
    text: &str,
) -> std::collections::HashMap<String, std::collections::HashMap<String, f64>> {
    let mut r = csv::Reader::from_reader(text.as_bytes());
    let header = csv_header(&mut r);
    let mut out = std::collections::HashMap::new();
    for rec in r.records() {
        let rec = rec.expect("record");
        let row = header
            .iter()
            .zip(rec.iter())
            .skip(1)
            .map(|(h, v)| (h.clone(), v.parse::<f64>().unwrap_or(f64::NAN)))
            .collect();
        out.insert(rec.get(0).expect("unit").to_string(), row);
    }
    out
}

/// Equal to 1e-9 relative (absolute near zero), both missing counting as equal.
pub fn close_1e9(got: f64, want: f64) -> bool {
    (got.is_nan() && want.is_nan()) || (got - want).abs() <= 1e-9 * want.abs().max(1.0)
}
