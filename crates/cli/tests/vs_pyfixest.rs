//! Independent-implementation check: hallyu against pyfixest 0.60.
//!
//! `tests/reference/pyfixest/expected.csv` holds, for 45 models (Poisson and OLS; no, one,
//! two and three fixed effects, interacted `a^b` effects; iid, hetero, one- and two-way
//! clustered variances; the `fixest`, `cluster-only` and `none` small-sample corrections;
//! weights; `--where` subsamples), the estimates, standard errors and numbers of
//! observations that pyfixest gives (see `make_reference.py` next to it, which also writes
//! the small weighted data file some cases read). This test runs the real `hallyu` binary
//! with the recorded arguments plus `--format json --quiet` and compares.
//!
//! Tolerance: |hallyu - pyfixest| <= 1e-6 * max(|pyfixest|, 1e-3), for estimates and
//! standard errors alike. pyfixest was run with fixef_tol = iwls_tol = 1e-12, and hallyu
//! (at its default --tol 1e-8) converges the estimates to ~1e-9 relative, so the estimates
//! agree to ~1e-9. Poisson standard errors converge more slowly than the estimates: both
//! programs build the bread and scores from the IRLS weights of the last iteration but one,
//! so a standard error carries an error of the order of the relative change of mu in the
//! final step; at hallyu's default tolerance that is up to ~1e-6 (9.4e-7 in
//! `pois_1fe_hetero`, against a dense-dummy Newton fit), elsewhere 1e-7 or less. 1e-6 thus
//! tolerates the convergence noise of both sides while still catching every difference
//! of convention: a small-sample factor such as (n-1)/(n-K) with K off by one, or G/(G-1),
//! moves a standard error by 1e-5 relative or more on these samples. The floor 1e-3 keeps
//! coefficients that are essentially zero from demanding a meaningless relative accuracy.
//!
//! Cases with a non-empty `known_difference` column are differences of convention that
//! were investigated (see the README); they are skipped with the note printed.

use std::collections::BTreeMap;
use std::path::PathBuf;
use std::process::Command;

const REL_TOL: f64 = 1e-6;
const ABS_FLOOR: f64 = 1e-3;

fn reference_dir() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../tests/reference/pyfixest")
}

/// Minimal RFC 4180 reader: quoted fields, doubled quotes, commas and newlines inside quotes.
fn parse_csv(text: &str) -> Vec<Vec<String>> {
    let mut rows = Vec::new();
    let mut row = Vec::new();
    let mut field = String::new();
    let mut in_quotes = false;
    let mut chars = text.chars().peekable();
    while let Some(c) = chars.next() {
        if in_quotes {
            if c == '"' {
                if chars.peek() == Some(&'"') {
                    field.push('"');
                    chars.next();
                } else {
                    in_quotes = false;
                }
            } else {
                field.push(c);
            }
            continue;
        }
        match c {
            '"' => in_quotes = true,
            ',' => row.push(std::mem::take(&mut field)),
            '\r' => {}
            '\n' => {
                row.push(std::mem::take(&mut field));
                rows.push(std::mem::take(&mut row));
            }
            _ => field.push(c),
        }
    }
    if !field.is_empty() || !row.is_empty() {
        row.push(field);
        rows.push(row);
    }
    rows
}

struct Expected {
    term: String,
    estimate: f64,
    std_error: f64,
}

struct Case {
    name: String,
    command: Vec<String>,
    nobs: u64,
    known_difference: String,
    terms: Vec<Expected>,
}

fn load_cases() -> Vec<Case> {
    let path = reference_dir().join("expected.csv");
    let text = std::fs::read_to_string(&path)
        .unwrap_or_else(|e| panic!("reading {}: {e}", path.display()));
    let rows = parse_csv(&text);
    let header = &rows[0];
    let col = |name: &str| {
        header
            .iter()
            .position(|h| h == name)
            .unwrap_or_else(|| panic!("no column {name}"))
    };
    let (c_case, c_cmd, c_nobs, c_term, c_est, c_se, c_known) = (
        col("case"),
        col("command"),
        col("nobs"),
        col("term"),
        col("estimate"),
        col("std_error"),
        col("known_difference"),
    );
    let mut cases: Vec<Case> = Vec::new();
    for r in &rows[1..] {
        if r.len() < header.len() {
            continue;
        }
        if cases.last().map(|c| c.name != r[c_case]).unwrap_or(true) {
            cases.push(Case {
                name: r[c_case].clone(),
                command: serde_json::from_str(&r[c_cmd])
                    .expect("command is a JSON array of strings"),
                nobs: r[c_nobs].parse().expect("nobs"),
                known_difference: r[c_known].clone(),
                terms: Vec::new(),
            });
        }
        cases
            .last_mut()
            .expect("a case was just pushed")
            .terms
            .push(Expected {
                term: r[c_term].clone(),
                estimate: r[c_est].parse().expect("estimate"),
                std_error: r[c_se].parse().expect("std_error"),
            });
    }
    cases
}

struct Fit {
    nobs: u64,
    coefs: BTreeMap<String, (f64, f64)>,
}

fn run_hallyu(case: &Case) -> Result<Fit, String> {
    let out = Command::new(env!("CARGO_BIN_EXE_hallyu"))
        .current_dir(reference_dir()) // `--data` paths in the commands are relative to it
        .args(&case.command)
        .args(["--format", "json", "--quiet"])
        .output()
        .map_err(|e| format!("cannot run hallyu: {e}"))?;
    if !out.status.success() {
        return Err(format!(
            "hallyu failed ({}): {}",
            out.status,
            String::from_utf8_lossy(&out.stderr).trim()
        ));
    }
    let v: serde_json::Value =
        serde_json::from_slice(&out.stdout).map_err(|e| format!("bad JSON from hallyu: {e}"))?;
    let v = if v.is_array() { v[0].clone() } else { v };
    let nobs = v["nobs"].as_u64().ok_or("no nobs in JSON")?;
    let mut coefs = BTreeMap::new();
    for c in v["coefficients"]
        .as_array()
        .ok_or("no coefficients in JSON")?
    {
        let term = c["term"]
            .as_str()
            .ok_or("coefficient without term")?
            .to_string();
        let est = c["estimate"].as_f64().unwrap_or(f64::NAN);
        let se = c["std_error"].as_f64().unwrap_or(f64::NAN);
        coefs.insert(term, (est, se));
    }
    Ok(Fit { nobs, coefs })
}

fn close(a: f64, b: f64) -> bool {
    (a - b).abs() <= REL_TOL * b.abs().max(ABS_FLOOR)
}

/// Largest relative difference seen so far, and where.
#[derive(Default)]
struct Worst {
    rel: f64,
    at: String,
}

/// Compares one case; returns the mismatch lines (empty when hallyu agrees).
fn compare(case: &Case, worst_est: &mut Worst, worst_se: &mut Worst) -> Vec<String> {
    let mut out = Vec::new();
    let fit = match run_hallyu(case) {
        Ok(f) => f,
        Err(e) => return vec![format!("{:<30} {e}", case.name)],
    };
    if fit.nobs != case.nobs {
        out.push(format!(
            "{:<30} {:<18} nobs      hallyu {}  pyfixest {}",
            case.name, "", fit.nobs, case.nobs
        ));
    }
    for t in &case.terms {
        let Some(&(est, se)) = fit.coefs.get(&t.term) else {
            out.push(format!(
                "{:<30} {:<18} missing in hallyu's output (it has: {})",
                case.name,
                t.term,
                fit.coefs.keys().cloned().collect::<Vec<_>>().join(", ")
            ));
            continue;
        };
        for (what, h, p) in [
            ("estimate", est, t.estimate),
            ("std_error", se, t.std_error),
        ] {
            let rel = (h - p) / p.abs().max(ABS_FLOOR);
            let worst = if what == "estimate" {
                &mut *worst_est
            } else {
                &mut *worst_se
            };
            if rel.abs() > worst.rel {
                *worst = Worst {
                    rel: rel.abs(),
                    at: format!("{} {}", case.name, t.term),
                };
            }
            if !close(h, p) {
                out.push(format!(
                    "{:<30} {:<18} {:<9} hallyu {:>+.10e}  pyfixest {:>+.10e}  rel.diff {:+.2e}",
                    case.name, t.term, what, h, p, rel
                ));
            }
        }
    }
    let extra: Vec<&String> = fit
        .coefs
        .keys()
        .filter(|k| !case.terms.iter().any(|t| &t.term == *k))
        .collect();
    if !extra.is_empty() {
        out.push(format!(
            "{:<30} hallyu reports terms pyfixest does not: {extra:?}",
            case.name
        ));
    }
    out
}

#[test]
fn hallyu_matches_pyfixest() {
    let cases = load_cases();
    assert!(
        cases.len() >= 25,
        "expected.csv has only {} cases",
        cases.len()
    );
    let mut mismatches: Vec<String> = Vec::new();
    let (mut checked, mut skipped) = (0, 0);
    // Largest relative differences among the checked cases, to show the margin.
    let (mut worst_est, mut worst_se) = (Worst::default(), Worst::default());
    for case in &cases {
        if case.known_difference.is_empty() {
            checked += 1;
            mismatches.extend(compare(case, &mut worst_est, &mut worst_se));
            continue;
        }
        skipped += 1;
        println!(
            "SKIP {} (known difference): {}",
            case.name, case.known_difference
        );
        // Still run it, so that a fixed engine is noticed.
        if compare(case, &mut Worst::default(), &mut Worst::default()).is_empty() {
            println!(
                "NOTE {} now agrees with pyfixest: drop it from KNOWN_DIFFERENCES in make_reference.py and regenerate",
                case.name
            );
        }
    }
    println!("vs_pyfixest: {checked} cases checked, {skipped} skipped as known differences");
    println!(
        "largest relative difference: estimates {:.1e} ({}), standard errors {:.1e} ({})",
        worst_est.rel, worst_est.at, worst_se.rel, worst_se.at
    );
    if !mismatches.is_empty() {
        panic!(
            "hallyu disagrees with pyfixest (tolerance {REL_TOL:e} relative) in {} place(s):\n{:<30} {:<18} {}\n{}\n",
            mismatches.len(),
            "case",
            "term",
            "what",
            mismatches.join("\n")
        );
    }
}
