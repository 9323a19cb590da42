//! Fuzzing of what users type and the files they bring: `--where` expressions, CSV text
//! and Parquet bytes. Nothing a user supplies may panic, overflow the stack or abort; what
//! is accepted must mean what it says.
//!
//! - `--where`: random expression trees, printed in varied spellings, must select exactly
//!   the rows an independent evaluation of the tree selects; random text over the
//!   language's alphabet must parse and evaluate to a result or an error, never a panic.
//! - CSV: random tables written with varied quoting, spacing and delimiters read back to
//!   the same numbers, bit for bit; random bytes read to a table or an error.
//! - Parquet: a valid file read back to the table written; the same file with bytes
//!   flipped, cut or inserted reads to a table or an error.
//!
//! In CI the targets run case counts sized for about fifteen seconds in all in a debug build.
//! `PROPTEST_CASES=N` runs N cases per target; `HALLYU_FUZZ_SECONDS=S` runs each target
//! for S seconds instead (e.g. `HALLYU_FUZZ_SECONDS=600 cargo test -p hallyu-data --test
//! fuzz -- --test-threads 1 --nocapture`).

use hallyu_data::filter::{Predicate, MAX_NESTING};
use hallyu_data::read::{read_csv, read_parquet_bytes, ReadOptions};
use hallyu_data::{Column, StrColumnBuilder, Table};
use proptest::prelude::*;
use proptest::test_runner::TestCaseError;
use std::fmt::Debug;
use std::io::Write;

/// The shared runner of the fuzz targets (one copy for every crate).
#[path = "support/fuzz_runner.rs"]
mod fuzz_runner;
use fuzz_runner::fuzz;

// ---------------------------------------------------------------------------------------
// Runner
// ---------------------------------------------------------------------------------------

// ---------------------------------------------------------------------------------------
// `--where`
// ---------------------------------------------------------------------------------------

const ROWS: usize = 6;
const TRADE: [f64; ROWS] = [0.0, 5.0, f64::NAN, 2.5, -1.0, 1e9];
const YEAR: [f64; ROWS] = [2019.0, 2020.0, 2021.0, 2019.0, 2020.0, 2021.0];
const EXPORTER: [Option<&str>; ROWS] = [
    Some("KOR"),
    Some("JPN"),
    None,
    Some("CHN"),
    Some("KOR"),
    Some("USA"),
];
const IMPORTER: [Option<&str>; ROWS] = [
    Some("JPN"),
    Some("KOR"),
    Some("KOR"),
    None,
    Some("CHN"),
    Some("KOR"),
];

fn text_column(values: &[Option<&str>]) -> Column {
    let mut b = StrColumnBuilder::default();
    for v in values {
        b.push(*v);
    }
    Column::Str(b.finish())
}

fn where_table() -> Table {
    let mut t = Table::new();
    t.push("trade", Column::numbers(TRADE.to_vec()))
        .expect("column");
    t.push("year", Column::numbers(YEAR.to_vec()))
        .expect("column");
    t.push("exporter", text_column(&EXPORTER)).expect("column");
    t.push("importer", text_column(&IMPORTER)).expect("column");
    t
}

/// One side of a comparison, typed so that generated comparisons are valid.
#[derive(Debug, Clone)]
enum Num {
    Col(&'static str),
    Lit(f64),
}

#[derive(Debug, Clone)]
enum Txt {
    Col(&'static str),
    Lit(String),
}

#[derive(Debug, Clone, Copy)]
enum Op {
    Eq,
    Ne,
    Lt,
    Le,
    Gt,
    Ge,
}

/// A `--where` expression tree with its own, independent meaning.
#[derive(Debug, Clone)]
enum Expr {
    NumCmp(Num, Op, Num),
    TxtCmp(Txt, Op, Txt),
    In(Txt, Vec<String>, bool),
    Not(Box<Expr>),
    And(Vec<Expr>),
    Or(Vec<Expr>),
}

fn holds(op: Op, o: Option<std::cmp::Ordering>) -> bool {
    use std::cmp::Ordering::*;
    // A comparison with a missing value is false.
    let Some(o) = o else { return false };
    match op {
        Op::Eq => o == Equal,
        Op::Ne => o != Equal,
        Op::Lt => o == Less,
        Op::Le => o != Greater,
        Op::Gt => o == Greater,
        Op::Ge => o != Less,
    }
}

fn num_at(n: &Num, row: usize) -> f64 {
    match n {
        Num::Col("trade") => TRADE[row],
        Num::Col(_) => YEAR[row],
        Num::Lit(x) => *x,
    }
}

fn txt_at(t: &Txt, row: usize) -> Option<String> {
    match t {
        Txt::Col("exporter") => EXPORTER[row].map(str::to_string),
        Txt::Col(_) => IMPORTER[row].map(str::to_string),
        Txt::Lit(s) => Some(s.clone()),
    }
}

impl Expr {
    /// The expression's value on one row, computed from the tree.
    fn at(&self, row: usize) -> bool {
        match self {
            Expr::NumCmp(a, op, b) => holds(*op, num_at(a, row).partial_cmp(&num_at(b, row))),
            Expr::TxtCmp(a, op, b) => match (txt_at(a, row), txt_at(b, row)) {
                (Some(x), Some(y)) => holds(*op, Some(x.cmp(&y))),
                _ => false,
            },
            Expr::In(a, values, negated) => {
                let hit = txt_at(a, row).is_some_and(|x| values.contains(&x));
                hit != *negated
            }
            Expr::Not(e) => !e.at(row),
            Expr::And(parts) => parts.iter().all(|p| p.at(row)),
            Expr::Or(parts) => parts.iter().any(|p| p.at(row)),
        }
    }

    /// The expression as a user may type it; `style` picks among equivalent spellings.
    fn render(&self, style: u8) -> String {
        let op = |o: Op| match (o, style % 3) {
            (Op::Eq, 0) => "==",
            (Op::Eq, _) => "=",
            (Op::Ne, 1) => "<>",
            (Op::Ne, _) => "!=",
            (Op::Lt, _) => "<",
            (Op::Le, _) => "<=",
            (Op::Gt, _) => ">",
            (Op::Ge, _) => ">=",
        };
        let num = |n: &Num| match n {
            Num::Col(c) if matches!(style % 5, 0) => format!("`{c}`"),
            Num::Col(c) => c.to_string(),
            Num::Lit(x) => format!("{x:?}"),
        };
        let txt = |t: &Txt| match t {
            Txt::Col(c) => c.to_string(),
            Txt::Lit(s) if matches!(style % 2, 0) => format!("'{s}'"),
            Txt::Lit(s) => format!("\"{s}\""),
        };
        let (and, or, not) = match style % 4 {
            0 => (" and ", " or ", "not "),
            1 => (" AND ", " OR ", "NOT "),
            2 => ("&&", "||", "not "),
            _ => (" & ", " | ", "Not "),
        };
        match self {
            Expr::NumCmp(a, o, b) => format!("{} {} {}", num(a), op(*o), num(b)),
            Expr::TxtCmp(a, o, b) => format!("{}{}{}", txt(a), op(*o), txt(b)),
            Expr::In(a, values, negated) => format!(
                "{} {}in ({})",
                txt(a),
                if *negated { "not " } else { "" },
                values
                    .iter()
                    .map(|v| txt(&Txt::Lit(v.clone())))
                    .collect::<Vec<_>>()
                    .join(", ")
            ),
            Expr::Not(e) => format!("{not}({})", e.render(style)),
            Expr::And(parts) => parts
                .iter()
                .map(|p| format!("({})", p.render(style)))
                .collect::<Vec<_>>()
                .join(and),
            Expr::Or(parts) => parts
                .iter()
                .map(|p| format!("({})", p.render(style)))
                .collect::<Vec<_>>()
                .join(or),
        }
    }
}

fn op() -> impl Strategy<Value = Op> {
    prop_oneof![
        Just(Op::Eq),
        Just(Op::Ne),
        Just(Op::Lt),
        Just(Op::Le),
        Just(Op::Gt),
        Just(Op::Ge)
    ]
}

fn code() -> impl Strategy<Value = String> {
    prop_oneof![
        Just("KOR".to_string()),
        Just("JPN".to_string()),
        Just("CHN".to_string()),
        "[A-Z]{3}",
        "[a-z ]{0,4}",
    ]
}

fn leaf() -> impl Strategy<Value = Expr> {
    let num = prop_oneof![
        Just(Num::Col("trade")),
        Just(Num::Col("year")),
        prop_oneof![
            Just(0.0),
            Just(2.5),
            Just(2020.0),
            -10.0..2100.0f64,
            any::<f64>().prop_filter("finite", |x| x.is_finite()),
        ]
        .prop_map(Num::Lit),
    ];
    let txt = prop_oneof![
        Just(Txt::Col("exporter")),
        Just(Txt::Col("importer")),
        code().prop_map(Txt::Lit),
    ];
    let col = prop_oneof![Just(Txt::Col("exporter")), Just(Txt::Col("importer"))];
    prop_oneof![
        (num.clone(), op(), num).prop_map(|(a, o, b)| Expr::NumCmp(a, o, b)),
        (txt.clone(), op(), txt).prop_map(|(a, o, b)| Expr::TxtCmp(a, o, b)),
        (col, prop::collection::vec(code(), 1..4), any::<bool>())
            .prop_map(|(a, v, n)| Expr::In(a, v, n)),
    ]
}

fn expr() -> impl Strategy<Value = Expr> {
    leaf().prop_recursive(6, 48, 4, |inner| {
        prop_oneof![
            inner.clone().prop_map(|e| Expr::Not(Box::new(e))),
            prop::collection::vec(inner.clone(), 2..5).prop_map(Expr::And),
            prop::collection::vec(inner, 2..5).prop_map(Expr::Or),
        ]
    })
}

#[test]
fn where_selects_what_the_expression_means() {
    let table = where_table();
    fuzz(
        "where (meaning)",
        4000,
        (expr(), any::<u8>()),
        |(e, style)| {
            let text = e.render(style);
            let got = Predicate::parse(&text)
                .and_then(|p| p.evaluate(&table, &text))
                .map_err(|err| TestCaseError::fail(format!("`{text}`: {err}")))?;
            let want: Vec<bool> = (0..ROWS).map(|r| e.at(r)).collect();
            prop_assert_eq!(got, want, "`{}`", text);
            Ok(())
        },
    );
}

/// Text over the language's alphabet, with long runs of `(` and `not` to reach the
/// nesting limit.
fn where_text() -> impl Strategy<Value = String> {
    let piece = prop_oneof![
        Just("(".to_string()),
        Just(")".to_string()),
        Just("not ".to_string()),
        Just(" and ".to_string()),
        Just(" or ".to_string()),
        Just(" in ".to_string()),
        Just(",".to_string()),
        Just("trade".to_string()),
        Just("exporter".to_string()),
        Just("`year`".to_string()),
        Just("'KOR'".to_string()),
        Just("\"".to_string()),
        Just("'".to_string()),
        Just("`".to_string()),
        Just("==".to_string()),
        Just("<".to_string()),
        Just(">=".to_string()),
        Just("!".to_string()),
        Just("&".to_string()),
        Just("|".to_string()),
        Just("-1e5".to_string()),
        Just("3.".to_string()),
        Just("1e999".to_string()),
        Just("+.e-".to_string()),
        "[ -~]{1,3}",
        "\\PC{1,2}",
        (1usize..300).prop_map(|n| "(".repeat(n)),
        (1usize..300).prop_map(|n| "not ".repeat(n)),
    ];
    prop::collection::vec(piece, 0..24).prop_map(|p| p.concat())
}

#[test]
fn where_text_never_panics() {
    let table = where_table();
    fuzz("where (text)", 20_000, where_text(), |text| {
        if let Ok(p) = Predicate::parse(&text) {
            // A selection or a clear error, one flag per row.
            if let Ok(keep) = p.evaluate(&table, &text) {
                prop_assert_eq!(keep.len(), ROWS);
            }
        }
        Ok(())
    });
}

#[test]
fn where_nesting_beyond_the_limit_is_an_error() {
    fuzz(
        "where (depth)",
        1000,
        (0usize..3 * MAX_NESTING, 0usize..3 * MAX_NESTING),
        |(parens, nots)| {
            let text = format!(
                "{}{}trade > 0{}",
                "not ".repeat(nots),
                "(".repeat(parens),
                ")".repeat(parens)
            );
            let parsed = Predicate::parse(&text);
            if parens + nots > MAX_NESTING {
                let e = parsed.expect_err("too deep").to_string();
                prop_assert!(e.contains("levels deep"), "{}", e);
            } else {
                let p = parsed.map_err(|e| TestCaseError::fail(e.to_string()))?;
                let keep = p
                    .evaluate(&where_table(), &text)
                    .map_err(|e| TestCaseError::fail(e.to_string()))?;
                let want: Vec<bool> = TRADE
                    .iter()
                    .map(|t| (*t > 0.0) != (nots % 2 == 1))
                    .collect();
                prop_assert_eq!(keep, want);
            }
            Ok(())
        },
    );
}

// ---------------------------------------------------------------------------------------
// CSV
// ---------------------------------------------------------------------------------------

fn temp_file(suffix: &str, bytes: &[u8]) -> tempfile::NamedTempFile {
    let mut f = tempfile::Builder::new()
        .suffix(suffix)
        .tempfile()
        .expect("a temporary file");
    f.write_all(bytes).expect("write");
    f.flush().expect("flush");
    f
}

/// A numeric table: unique lower-case names and values with missing ones.
fn numeric_table() -> impl Strategy<Value = (Vec<String>, Vec<Vec<Option<f64>>>)> {
    let value = prop_oneof![
        4 => any::<f64>().prop_filter("finite", |x| x.is_finite()).prop_map(Some),
        4 => (-1_000_000i64..1_000_000).prop_map(|i| Some(i as f64)),
        1 => Just(None),
    ];
    (2usize..6, 0usize..30).prop_flat_map(move |(cols, rows)| {
        (
            prop::collection::hash_set("[a-z][a-z0-9_]{0,7}", cols)
                .prop_map(|s| s.into_iter().collect::<Vec<_>>()),
            prop::collection::vec(prop::collection::vec(value.clone(), cols), rows),
        )
    })
}

#[test]
fn csv_numbers_read_back_exactly() {
    fuzz(
        "csv (round trip)",
        2000,
        (numeric_table(), 0usize..3, any::<u8>()),
        |((names, rows), delimiter, style)| {
            let d = [",", ";", "\t"][delimiter];
            let mut text = String::new();
            if matches!(style % 7, 0) {
                text.push('\u{feff}');
            }
            text.push_str(&names.join(d));
            text.push_str(if matches!(style % 2, 0) { "\n" } else { "\r\n" });
            for row in &rows {
                let fields: Vec<String> = row
                    .iter()
                    .enumerate()
                    .map(|(i, v)| match v {
                        None => ["", "NA", "."][(i + style as usize) % 3].to_string(),
                        // `{:?}` prints the shortest text that reads back to the same f64.
                        Some(x) if matches!(style % 3, 0) => format!("\"{x:?}\""),
                        Some(x) if matches!(style % 5, 0) => format!(" {x:e} "),
                        Some(x) => format!("{x:?}"),
                    })
                    .collect();
                text.push_str(&fields.join(d));
                text.push_str(if matches!(style % 2, 0) { "\n" } else { "\r\n" });
            }
            let f = temp_file(".csv", text.as_bytes());
            let t = read_csv(f.path(), &ReadOptions::default())
                .map_err(|e| TestCaseError::fail(format!("{e}\n{text}")))?;
            prop_assert_eq!(t.nrows(), rows.len());
            for (j, name) in names.iter().enumerate() {
                let got = t
                    .num(name)
                    .map_err(|e| TestCaseError::fail(format!("{e}\n{text}")))?;
                for (r, row) in rows.iter().enumerate() {
                    match row[j] {
                        None => prop_assert!(got[r].is_nan()),
                        Some(x) => prop_assert_eq!(got[r].to_bits(), x.to_bits(), "{}", text),
                    }
                }
            }
            Ok(())
        },
    );
}

fn csv_bytes() -> impl Strategy<Value = Vec<u8>> {
    let piece = prop_oneof![
        Just(b",".to_vec()),
        Just(b";".to_vec()),
        Just(b"\t".to_vec()),
        Just(b"\n".to_vec()),
        Just(b"\r\n".to_vec()),
        Just(b"\"".to_vec()),
        Just(b"\"\"".to_vec()),
        Just(b"n/a".to_vec()),
        Just(b"NA".to_vec()),
        Just(b"1e308".to_vec()),
        Just(b"-0".to_vec()),
        Just(b"year".to_vec()),
        Just(b"value".to_vec()),
        Just("\u{feff}".as_bytes().to_vec()),
        prop::collection::vec(any::<u8>(), 1..4),
        "[0-9.eE+-]{1,6}".prop_map(String::into_bytes),
        "[a-zA-Z ]{1,6}".prop_map(String::into_bytes),
    ];
    prop::collection::vec(piece, 0..60).prop_map(|p| p.concat())
}

#[test]
fn csv_bytes_never_panic() {
    fuzz("csv (bytes)", 10_000, csv_bytes(), |bytes| {
        let f = temp_file(".csv", &bytes);
        if let Ok(t) = read_csv(f.path(), &ReadOptions::default()) {
            for (_, c) in t.iter() {
                let len = match c {
                    Column::Num(v) => v.len(),
                    Column::Str(s) => s.codes.len(),
                };
                prop_assert_eq!(len, t.nrows());
            }
        }
        Ok(())
    });
}

// ---------------------------------------------------------------------------------------
// Parquet
// ---------------------------------------------------------------------------------------

fn parquet_of(table: &Table) -> Vec<u8> {
    let mut bytes = Vec::new();
    hallyu_data::write::write_parquet(table, &mut bytes).expect("a Parquet file");
    bytes
}

fn sample_table(rows: usize) -> Table {
    let mut t = Table::new();
    let mut b = StrColumnBuilder::default();
    for i in 0..rows {
        b.push((i % 5 != 3).then_some(["KOR", "JPN", "CHN", "USA"][i % 4]));
    }
    t.push("exporter", Column::Str(b.finish())).expect("column");
    t.push(
        "year",
        Column::numbers((0..rows).map(|i| 2000.0 + (i % 7) as f64).collect()),
    )
    .expect("column");
    t.push(
        "value",
        Column::numbers(
            (0..rows)
                .map(|i| {
                    if i % 11 == 0 {
                        f64::NAN
                    } else {
                        i as f64 * 1.5
                    }
                })
                .collect(),
        ),
    )
    .expect("column");
    t
}

/// A change to a file's bytes.
#[derive(Debug, Clone)]
enum Mutation {
    /// Set the byte at this fraction of the length.
    Set(f64, u8),
    /// Flip one bit.
    Flip(f64, u8),
    /// Cut the file at this fraction of its length.
    Truncate(f64),
    /// Insert bytes here.
    Insert(f64, Vec<u8>),
    /// Remove up to this many bytes here.
    Remove(f64, usize),
}

fn mutation() -> impl Strategy<Value = Mutation> {
    let at = 0.0..1.0f64;
    prop_oneof![
        4 => (at.clone(), any::<u8>()).prop_map(|(a, v)| Mutation::Set(a, v)),
        4 => (at.clone(), 0u8..8).prop_map(|(a, b)| Mutation::Flip(a, b)),
        1 => at.clone().prop_map(Mutation::Truncate),
        1 => (at.clone(), prop::collection::vec(any::<u8>(), 1..8))
            .prop_map(|(a, v)| Mutation::Insert(a, v)),
        1 => (at, 1usize..16).prop_map(|(a, n)| Mutation::Remove(a, n)),
    ]
}

fn mutate(bytes: &mut Vec<u8>, m: &Mutation) {
    let pos = |f: f64, len: usize| ((f * len as f64) as usize).min(len.saturating_sub(1));
    if bytes.is_empty() {
        return;
    }
    match m {
        Mutation::Set(f, v) => {
            let i = pos(*f, bytes.len());
            bytes[i] = *v;
        }
        Mutation::Flip(f, bit) => {
            let i = pos(*f, bytes.len());
            bytes[i] ^= 1 << bit;
        }
        Mutation::Truncate(f) => bytes.truncate(pos(*f, bytes.len())),
        Mutation::Insert(f, v) => {
            let i = pos(*f, bytes.len());
            bytes.splice(i..i, v.iter().copied());
        }
        Mutation::Remove(f, n) => {
            let i = pos(*f, bytes.len());
            let end = (i + n).min(bytes.len());
            bytes.drain(i..end);
        }
    }
}

#[test]
fn parquet_reads_back_what_was_written() {
    fuzz("parquet (round trip)", 200, 0usize..2000, |rows| {
        let t = sample_table(rows);
        let back = read_parquet_bytes(parquet_of(&t).into(), &ReadOptions::default())
            .map_err(|e| TestCaseError::fail(e.to_string()))?;
        prop_assert_eq!(back.nrows(), rows);
        let (a, b) = (
            t.num("value").expect("value"),
            back.num("value").expect("value"),
        );
        prop_assert!(a.iter().zip(b).all(|(x, y)| x.to_bits() == y.to_bits()));
        Ok(())
    });
}

#[test]
fn corrupt_parquet_never_panics() {
    let files: Vec<Vec<u8>> = [1usize, 40, 3000]
        .iter()
        .map(|&n| parquet_of(&sample_table(n)))
        .collect();
    fuzz(
        "parquet (corrupt bytes)",
        10_000,
        (0..files.len(), prop::collection::vec(mutation(), 1..6)),
        |(which, mutations)| {
            let mut bytes = files[which].clone();
            for m in &mutations {
                mutate(&mut bytes, m);
            }
            if let Ok(t) = read_parquet_bytes(bytes.into(), &ReadOptions::default()) {
                for (_, c) in t.iter() {
                    let len = match c {
                        Column::Num(v) => v.len(),
                        Column::Str(s) => s.codes.len(),
                    };
                    prop_assert_eq!(len, t.nrows());
                }
            }
            Ok(())
        },
    );
}
