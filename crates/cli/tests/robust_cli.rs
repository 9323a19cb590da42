//! Robustness through the real binary: one meaning per exit status across commands,
//! `--out` never replacing what is not a regular file, inputs that used to overflow the
//! stack or ask for unbounded memory, and error messages that name the file, row and
//! value.

mod util;

use util::Dir;

/// The Advanced Guide's gravity specification on the embedded panel's columns.
const GRAVITY: &str = "trade ~ log(dist) + cntg | exporter + importer";

/// A scenario on the embedded panel.
const BORDER: &str = r#"
[baseline]
year = 2006
formula = "trade ~ log(dist) + cntg + intl_border | exporter + importer"
[[change]]
variable = "intl_border"
value = 0
pairs = "all"
"#;

// ---------------------------------------------------------------------------------------
// Exit statuses: 1 invalid input or data, 2 usage, 3 a result that is not valid
// ---------------------------------------------------------------------------------------

/// Every command, run with input it cannot use: exit status 1, an error on stderr,
/// nothing on stdout.
#[test]
fn invalid_input_exits_1_in_every_command() {
    let d = Dir::new();
    let broken = d.write(
        "broken.csv",
        "exporter,importer,trade,dist,cntg\nKOR,JPN,1,2,0\nKOR\n",
    );
    let negative = d.write(
        "negative.csv",
        "exporter,importer,year,value\nKOR,JPN,2020,5\nJPN,KOR,2020,-3\n",
    );
    let scenario = d.write("bad_syntax.toml", "[baseline\nyear = 2006\n");
    let not_toml = d.write("blocs.toml", "this is not toml = = =\n");
    let cases: Vec<Vec<String>> = vec![
        vec![
            "fepois".into(),
            GRAVITY.into(),
            "--data".into(),
            "broken.csv".into(),
        ],
        vec![
            "feols".into(),
            GRAVITY.into(),
            "--data".into(),
            "broken.csv".into(),
        ],
        vec![
            "indicators".into(),
            "--data".into(),
            negative.display().to_string(),
            "--subject".into(),
            "KOR".into(),
        ],
        vec![
            "simulate".into(),
            scenario.display().to_string(),
            "-q".into(),
        ],
        vec!["simulate".into(), "missing.toml".into(), "-q".into()],
        vec![
            "ingest".into(),
            "unctadstat".into(),
            broken.display().to_string(),
            "--out".into(),
            "ds".into(),
            "--strict".into(),
            "-q".into(),
        ],
        vec![
            "data".into(),
            "blocs".into(),
            "--reference".into(),
            not_toml.display().to_string(),
        ],
    ];
    for args in cases {
        let r = d.hallyu(&args).run_err();
        assert!(!r.message().is_empty(), "{r}");
    }
}

/// Every command, asked what cannot be answered: exit status 2.
#[test]
fn usage_errors_exit_2_in_every_command() {
    let d = Dir::new();
    d.export_agtpa("panel.csv");
    let scenario = d.write(
        "unknown_country.toml",
        BORDER.replace("pairs = \"all\"", "between = [\"XYZ\"]"),
    );
    let cases: Vec<(Vec<&str>, &str)> = vec![
        (vec!["fepois", GRAVITY, "--tol", "2"], "--tol"),
        (
            vec!["feols", "trade ~ gdp_per_capita_ppp"],
            "the columns are",
        ),
        (
            vec!["fepois", GRAVITY, "--where", "year > 'x'"],
            "cannot compare",
        ),
        (vec!["fepois", "trade ~ ~"], "~"),
        (vec!["reproduce", "--chapter", "9"], "chapter 9"),
        (vec!["synth", "--countries", "1"], "--countries"),
        (vec!["data", "nothing"], "unknown data set"),
        (
            vec!["data", "countries", "--year", "2000"],
            "a year applies to the blocs table",
        ),
        (
            vec!["project", "--start", "2031:8", "--end", "2021:9"],
            "after",
        ),
        (vec!["indicators", "--subject", "XYZ"], "XYZ"),
        (
            vec!["simulate", scenario.to_str().expect("utf-8"), "-q"],
            "XYZ",
        ),
        (
            vec!["ingest", "baci", "a", "b", "--out", "ds"],
            "one release",
        ),
        // Syntax, as clap reports it.
        (vec!["fepois", GRAVITY, "--vcov", "robust"], "robust"),
        (vec!["frobnicate"], "frobnicate"),
    ];
    for (args, needle) in cases {
        let r = d.hallyu(&args).run_code(2);
        assert!(r.stdout.is_empty(), "{r}");
        r.assert_stderr_contains(needle);
    }
}

/// A result that is printed but must not be trusted exits with 3: here a claim whose
/// three numbers disagree (it used to exit 0).
#[test]
fn an_inconsistent_claim_exits_3_after_printing_the_result() {
    let d = Dir::new();
    let r = d
        .hallyu([
            "project", "--start", "2021:8.1", "--end", "2031:20", "--cagr", "7.3", "-f", "json",
        ])
        .run_code(3);
    let v = r.value();
    assert_eq!(v["consistent"], false, "{r}");
    r.assert_stderr_contains("not consistent")
        .assert_stderr_contains("needs 9.4598% a year");
    // The rounded claim is consistent: 0.
    d.hallyu([
        "project",
        "--start",
        "2021:8.1",
        "--end",
        "2031:16.4",
        "--cagr",
        "7.3",
    ])
    .run_ok();
    // Non-convergence is the same status.
    let r = d
        .hallyu(["fepois", GRAVITY, "--max-iter", "1", "-q"])
        .run_code(3);
    assert!(!r.stdout.is_empty(), "the result is printed\n{r}");
}

// ---------------------------------------------------------------------------------------
// Inputs that used to crash or exhaust memory
// ---------------------------------------------------------------------------------------

#[test]
fn deeply_nested_where_is_a_usage_error_not_a_stack_overflow() {
    let d = Dir::new();
    let parens = format!("{}year > 2000{}", "(".repeat(10_000), ")".repeat(10_000));
    let nots = format!("{}year > 2000", "not ".repeat(30_000));
    for expr in [parens, nots] {
        let r = d.hallyu(["fepois", GRAVITY, "--where", &expr]).run_code(2);
        r.assert_stderr_contains("nest more than 100 levels");
    }
    // Within the limit it selects as written.
    let ok = format!("{}year == 2006{}", "(".repeat(60), ")".repeat(60));
    let ok = format!("{}{ok}", "not not ".repeat(20));
    d.hallyu(["feols", "log(trade) ~ log(dist)", "--where", &ok, "-q"])
        .run_ok();
}

#[test]
fn a_projection_over_a_billion_years_is_refused_before_allocating() {
    let d = Dir::new();
    let r = d
        .hallyu(["project", "--start", "2021:8.1", "--end", "999999999:20"])
        .run_code(2);
    r.assert_stderr_contains("the end year 999999999 is 999997978 years after the start year 2021")
        .assert_stderr_contains("at most 1000 years");
}

// ---------------------------------------------------------------------------------------
// Error messages in the user's words
// ---------------------------------------------------------------------------------------

#[test]
fn a_stray_value_in_a_numeric_column_is_named_with_its_row() {
    let d = Dir::new();
    let mut csv = String::from("exporter,importer,trade,dist\n");
    for i in 0..20_000 {
        csv.push_str(&format!(
            "C{},C{},{},{}\n",
            i % 20,
            (i / 20) % 20,
            1 + i % 7,
            10 + i
        ));
    }
    csv.push_str("C1,C2,5,n/a\n");
    d.write("flows.csv", csv);
    let r = d
        .hallyu([
            "fepois",
            "trade ~ log(dist) | exporter + importer",
            "--data",
            "flows.csv",
        ])
        .output();
    r.assert_no_panic();
    assert_eq!(r.code, Some(1), "{r}");
    r.assert_stderr_contains("flows.csv, line 20002 (data row 20001): `n/a` is not a number")
        .assert_stderr_contains("column `dist`");
}

#[test]
fn duplicate_column_names_are_an_error() {
    let d = Dir::new();
    d.write(
        "dup.csv",
        "exporter,importer,trade,trade\nKOR,JPN,1,2\nJPN,KOR,3,4\nKOR,CHN,5,6\n",
    );
    let r = d
        .hallyu(["feols", "trade ~ 1", "--data", "dup.csv"])
        .run_err_line();
    r.assert_stderr_contains("dup.csv")
        .assert_stderr_contains("column `trade` appears twice")
        .assert_stderr_contains("columns 3 and 4");
}

#[test]
fn an_unknown_column_far_from_any_lists_the_columns() {
    let d = Dir::new();
    d.write("f.csv", "exporter,importer,trade\nKOR,JPN,1\nJPN,KOR,2\n");
    let r = d
        .hallyu(["feols", "trade ~ gdp_per_capita_ppp", "--data", "f.csv"])
        .run_code(2);
    r.assert_stderr_contains("`exporter`, `importer`, `trade`");
}

#[test]
fn scenario_reports_use_the_scenario_names() {
    let d = Dir::new();
    let s = d.write("border.toml", BORDER);
    let r = d
        .hallyu(["simulate", s.to_str().expect("utf-8"), "-q"])
        .run_ok();
    r.assert_stdout_contains("closure deficit_ratio")
        .assert_stdout_contains("exact solution");
    assert!(!r.stdout.contains("DeficitRatio"), "{r}");
}

// ---------------------------------------------------------------------------------------
// --out
// ---------------------------------------------------------------------------------------

/// The JSON of a small projection, the cheapest result to write.
fn project_to(d: &Dir, out: &std::path::Path) -> util::Run {
    d.hallyu([
        "project", "--start", "2021:8", "--end", "2031", "--cagr", "7", "-f", "json", "--out",
    ])
    .arg(out)
    .output()
}

#[cfg(unix)]
#[test]
fn out_through_a_symlink_replaces_the_target_and_keeps_the_link() {
    let d = Dir::new();
    std::fs::create_dir(d.join("results")).expect("folder");
    let target = d.write("results/r.json", "old");
    let link = d.join("latest.json");
    std::os::unix::fs::symlink("results/r.json", &link).expect("symlink");
    let r = project_to(&d, &link);
    assert_eq!(r.code, Some(0), "{r}");
    let meta = std::fs::symlink_metadata(&link).expect("link");
    assert!(meta.file_type().is_symlink(), "the link was replaced");
    let written = std::fs::read_to_string(&target).expect("target");
    assert!(
        written.contains("\"end_year\": 2031") || written.contains("\"end_year\":2031"),
        "{written}"
    );
    d.assert_no_temp_files();
}

#[cfg(unix)]
#[test]
fn out_into_a_fifo_writes_into_it() {
    let d = Dir::new();
    let fifo = d.join("pipe");
    let made = std::process::Command::new("mkfifo")
        .arg(&fifo)
        .status()
        .expect("mkfifo");
    assert!(made.success());
    // A reader on the other end, as `hallyu ... --out pipe & cat pipe` would have.
    let reader = {
        let fifo = fifo.clone();
        std::thread::spawn(move || std::fs::read_to_string(fifo).expect("read the fifo"))
    };
    let r = project_to(&d, &fifo);
    assert_eq!(r.code, Some(0), "{r}");
    let got = reader.join().expect("reader");
    assert!(got.contains("implied_end_value"), "{got}");
    use std::os::unix::fs::FileTypeExt;
    let kind = std::fs::symlink_metadata(&fifo).expect("fifo").file_type();
    assert!(kind.is_fifo(), "the FIFO was replaced");
    d.assert_no_temp_files();
}

#[cfg(target_os = "linux")]
#[test]
fn out_into_dev_null_and_dev_stdout_writes_into_them() {
    let d = Dir::new();
    let r = project_to(&d, std::path::Path::new("/dev/null"));
    assert_eq!(r.code, Some(0), "{r}");
    use std::os::unix::fs::FileTypeExt;
    let kind = std::fs::metadata("/dev/null")
        .expect("/dev/null")
        .file_type();
    assert!(kind.is_char_device(), "/dev/null was replaced");
    // /dev/stdout and /dev/fd/1 are the pipe the test reads.
    for path in ["/dev/stdout", "/dev/fd/1"] {
        let r = project_to(&d, std::path::Path::new(path));
        assert_eq!(r.code, Some(0), "{r}");
        assert!(r.stdout.contains("implied_end_value"), "{r}");
    }
    assert!(d.listing().is_empty(), "{:?}", d.listing());
}

#[cfg(unix)]
#[test]
fn out_onto_a_read_only_file_is_an_error_and_leaves_it() {
    use std::os::unix::fs::PermissionsExt;
    let d = Dir::new();
    let f = d.write("locked.json", "keep me");
    std::fs::set_permissions(&f, std::fs::Permissions::from_mode(0o444)).expect("chmod");
    let r = project_to(&d, &f);
    r.assert_no_panic();
    assert_eq!(r.code, Some(1), "{r}");
    r.assert_stderr_contains("locked.json")
        .assert_stderr_contains("read-only");
    assert_eq!(std::fs::read_to_string(&f).expect("file"), "keep me");
    let mode = std::fs::metadata(&f).expect("file").permissions().mode();
    assert_eq!(mode & 0o777, 0o444);
    d.assert_no_temp_files();
}

#[test]
fn out_onto_a_folder_is_an_error() {
    let d = Dir::new();
    std::fs::create_dir(d.join("results")).expect("folder");
    let r = project_to(&d, &d.join("results"));
    r.assert_no_panic();
    assert_eq!(r.code, Some(1), "{r}");
    r.assert_stderr_contains("folder");
    assert!(d.join("results").is_dir());
}

#[test]
fn a_regular_file_is_replaced_whole_and_keeps_its_mode() {
    let d = Dir::new();
    let f = d.write("r.json", "x".repeat(100_000));
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        std::fs::set_permissions(&f, std::fs::Permissions::from_mode(0o640)).expect("chmod");
    }
    let r = project_to(&d, &f);
    assert_eq!(r.code, Some(0), "{r}");
    let written = std::fs::read_to_string(&f).expect("file");
    assert!(
        written.starts_with('{') && !written.contains("xxx"),
        "{written}"
    );
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        let mode = std::fs::metadata(&f).expect("file").permissions().mode();
        assert_eq!(mode & 0o777, 0o640);
    }
    d.assert_no_temp_files();
}
