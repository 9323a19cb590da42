//! A dataset is what its manifest says: `hallyu ingest` into an existing dataset, readers
//! faced with files the manifest does not list (or listed files that are gone or changed),
//! `hallyu dataset verify|repair`, leftovers of a killed ingest and the writers' lock. The
//! real binary on the BACI fixture of `tests/data/ingest` (3 rows in 2020, 3 in 2021; see
//! its README), split into one release folder per year where an ingest adds a year.

mod util;

use hallyu_data::dataset::{read_dataset, Manifest, LOCK_FILE, MANIFEST_FILE};
use std::io::Write;
use std::path::{Path, PathBuf};
use util::{fixture, Dir, TestCommand};

/// A BACI release folder `name` with the fixture's country and product files and the data
/// files of `years`.
fn release(dir: &Dir, name: &str, years: &[i32]) -> PathBuf {
    let from = fixture("ingest/baci");
    let to = dir.join(name);
    std::fs::create_dir_all(&to).expect("mkdir");
    for f in [
        "country_codes_V202401.csv",
        "product_codes_HS17_V202401.csv",
    ] {
        std::fs::copy(from.join(f), to.join(f)).expect("copy");
    }
    for y in years {
        let f = format!("BACI_HS17_Y{y}_V202401.csv");
        std::fs::copy(from.join(&f), to.join(&f)).expect("copy");
    }
    to
}

/// `ds` holding both years of the fixture, from one ingest.
fn both_years(dir: &Dir) -> PathBuf {
    release(dir, "rel", &[2020, 2021]);
    dir.hallyu(["ingest", "baci", "rel", "--out", "ds", "--quiet"])
        .run_ok();
    dir.join("ds")
}

/// The partition file of baci's `year`, relative to the dataset folder.
fn listed(ds: &Path, year: i32) -> String {
    let m = Manifest::load(ds).expect("manifest");
    let baci = m.source("baci").expect("baci");
    baci.years
        .iter()
        .find(|y| y.year == year)
        .unwrap_or_else(|| panic!("no {year} in {baci:?}"))
        .file
        .clone()
}

/// Every regular file under `dir` with its bytes, relative, sorted.
fn snapshot(dir: &Path) -> Vec<(String, Vec<u8>)> {
    fn walk(base: &Path, dir: &Path, out: &mut Vec<(String, Vec<u8>)>) {
        for e in std::fs::read_dir(dir).expect("list").flatten() {
            let p = e.path();
            if p.is_dir() {
                walk(base, &p, out);
            } else {
                let rel = p
                    .strip_prefix(base)
                    .expect("relative")
                    .display()
                    .to_string();
                out.push((rel, std::fs::read(&p).expect("read")));
            }
        }
    }
    let mut out = Vec::new();
    walk(dir, dir, &mut out);
    out.sort();
    out
}

/// An analysis that reads the whole dataset.
fn indicators(dir: &Dir) -> TestCommand {
    dir.hallyu(["indicators", "--data", "ds", "--subject", "KOR"])
}

/// `hallyu dataset verify ds --format json`, expecting `code`.
fn verify_json(dir: &Dir, code: i32) -> serde_json::Value {
    dir.hallyu(["dataset", "verify", "ds", "--format", "json"])
        .run_code(code)
        .value()
}

/// (kind, file) of each problem of a verification.
fn problems(v: &serde_json::Value) -> Vec<(String, String)> {
    v["problems"]
        .as_array()
        .expect("problems")
        .iter()
        .map(|p| {
            (
                p["kind"].as_str().unwrap_or_default().to_string(),
                p["file"].as_str().unwrap_or_default().to_string(),
            )
        })
        .collect()
}

fn year_sum(ds: &Path, year: i32) -> f64 {
    let t = read_dataset(ds, Some((year, year))).expect("read");
    t.num("value").expect("value").iter().sum()
}

#[test]
fn two_ingests_of_different_years_keep_both() {
    let dir = Dir::new();
    release(&dir, "r2020", &[2020]);
    release(&dir, "r2021", &[2021]);
    dir.hallyu(["ingest", "baci", "r2020", "--out", "ds"])
        .run_ok()
        .assert_stdout_contains("baci: 3 rows in 1 year(s) into ds (0 malformed)");
    dir.hallyu(["ingest", "baci", "r2021", "--out", "ds"])
        .run_ok()
        .assert_stdout_contains(
            "baci: 6 rows in 2 year(s) into ds, 3 of them added by this ingest",
        );
    let ds = dir.join("ds");
    assert_eq!(read_dataset(&ds, None).expect("read").nrows(), 6);
    // The fixture's README: 2020 sums to 13,750, 2021 to 104,126.
    assert_eq!(year_sum(&ds, 2020), 13_750.0);
    assert_eq!(year_sum(&ds, 2021), 104_126.0);
    let m = Manifest::load(&ds).expect("manifest");
    let baci = m.source("baci").expect("baci");
    assert_eq!(baci.rows, 6);
    assert_eq!(
        baci.years
            .iter()
            .map(|y| (y.year, y.rows))
            .collect::<Vec<_>>(),
        [(2020, 3), (2021, 3)]
    );
    assert!(baci.years[0].inputs[0].ends_with("BACI_HS17_Y2020_V202401.csv"));
    assert!(baci.years[1].inputs[0].ends_with("BACI_HS17_Y2021_V202401.csv"));
    assert!(baci
        .years
        .iter()
        .all(|y| y.checksum.starts_with("xxh3-64:")));
    let v = verify_json(&dir, 0);
    assert_eq!(
        (v["partitions"].as_u64(), v["rows"].as_u64()),
        (Some(2), Some(6))
    );
}

#[test]
fn a_smaller_reingest_is_refused_without_replace() {
    let dir = Dir::new();
    let ds = both_years(&dir);
    let before = snapshot(&ds);
    // A truncated 2021 release: one row of three.
    let short = release(&dir, "short", &[2021]);
    let f = short.join("BACI_HS17_Y2021_V202401.csv");
    let text = std::fs::read_to_string(&f).expect("read");
    let kept: Vec<&str> = text.lines().take(2).collect();
    std::fs::write(&f, kept.join("\n") + "\n").expect("write");

    let r = dir
        .hallyu(["ingest", "baci", "short", "--out", "ds"])
        .run_code(2);
    assert!(r.stdout.is_empty(), "{r}");
    r.assert_stderr_contains("source `baci` already has 2021 (3 rows")
        .assert_stderr_contains("this ingest brings 1 rows")
        .assert_stderr_contains(
            "would then have 1 rows in 1 year (2021), where it has 6 rows in 2 years (2020-2021) now",
        )
        .assert_stderr_contains("fewer rows than it has (5 fewer)")
        .assert_stderr_contains("or replace source `baci` as a whole (replace)");
    assert_eq!(snapshot(&ds), before, "a refused ingest changes nothing");

    // The very same release again is refused too: adding it would count 2021 twice.
    release(&dir, "again", &[2021]);
    dir.hallyu(["ingest", "baci", "again", "--out", "ds"])
        .run_code(2)
        .assert_stderr_contains("adding it again would count it twice");
    assert_eq!(snapshot(&ds), before);

    // Explicitly: the source becomes exactly the truncated release, and says what it lost.
    let r = dir
        .hallyu(["ingest", "baci", "short", "--out", "ds", "--replace"])
        .run_ok();
    r.assert_stderr_contains(
        "source `baci` now has 1 rows in 1 year (2021), where it had 6 rows in 2 years (2020-2021); no longer in the dataset: 2020",
    );
    let t = read_dataset(&ds, None).expect("read");
    assert_eq!(t.nrows(), 1);
    assert_eq!(t.num("value").expect("value"), [1.0]);
    // The replaced partitions are gone, not left for a file-globbing tool to find.
    let parquet: Vec<String> = snapshot(&ds)
        .into_iter()
        .map(|(f, _)| f)
        .filter(|f| f.ends_with(".parquet"))
        .collect();
    assert_eq!(parquet, [listed(&ds, 2021)]);
    verify_json(&dir, 0);
}

#[test]
fn a_stray_copy_is_an_error_until_repaired() {
    let dir = Dir::new();
    let ds = both_years(&dir);
    let clean = indicators(&dir).run_ok().stdout;
    let copy = "year=2021/part-baci (copy).parquet";
    std::fs::copy(ds.join(listed(&ds, 2021)), ds.join(copy)).expect("copy");
    let before = snapshot(&ds);

    let r = indicators(&dir).run_err_line();
    r.assert_stderr_contains(copy)
        .assert_stderr_contains("is not listed in the manifest")
        .assert_stderr_contains("hallyu dataset repair ds");

    let r = dir.hallyu(["dataset", "verify", "ds"]).run_code(1);
    r.assert_stdout_contains("2 partition(s), 6 rows listed; 1 problem(s)")
        .assert_stdout_contains("unlisted")
        .assert_stdout_contains(copy);
    let v = verify_json(&dir, 1);
    assert_eq!(problems(&v), [("unlisted".to_string(), copy.to_string())]);
    assert_eq!(snapshot(&ds), before, "verify changes nothing");

    let r = dir.hallyu(["dataset", "repair", "ds"]).run_ok();
    r.assert_stdout_contains("removed")
        .assert_stdout_contains(copy)
        .assert_stdout_contains("clean");
    assert!(!ds.join(copy).exists());
    // Every listed file is untouched: only the copy went.
    let after = snapshot(&ds);
    let expected: Vec<(String, Vec<u8>)> = before.into_iter().filter(|(f, _)| f != copy).collect();
    assert_eq!(after, expected);
    assert_eq!(indicators(&dir).run_ok().stdout, clean);
    dir.hallyu(["dataset", "repair", "ds"])
        .run_ok()
        .assert_stdout_contains("nothing to remove");
}

#[test]
fn a_partition_under_the_wrong_year_folder_is_an_error() {
    let dir = Dir::new();
    let ds = both_years(&dir);
    // 2020's partition copied under year=2021 would add 2020's rows to 2021.
    let name = Path::new(&listed(&ds, 2020))
        .file_name()
        .expect("name")
        .to_string_lossy()
        .into_owned();
    let wrong = format!("year=2021/{name}");
    std::fs::copy(ds.join(listed(&ds, 2020)), ds.join(&wrong)).expect("copy");
    indicators(&dir)
        .run_err_line()
        .assert_stderr_contains(&wrong)
        .assert_stderr_contains("is not listed in the manifest");
    // Only the years asked for are looked at: 2020 alone still reads.
    assert_eq!(
        read_dataset(&ds, Some((2020, 2020))).expect("2020").nrows(),
        3
    );
    let v = verify_json(&dir, 1);
    assert_eq!(problems(&v), [("unlisted".to_string(), wrong.clone())]);

    // The listed 2021 file swapped for 2020's (same row count): its checksum tells.
    std::fs::remove_file(ds.join(&wrong)).expect("rm");
    std::fs::copy(ds.join(listed(&ds, 2020)), ds.join(listed(&ds, 2021))).expect("copy");
    indicators(&dir)
        .run_err_line()
        .assert_stderr_contains(&listed(&ds, 2021))
        .assert_stderr_contains("is not the file that was ingested for source `baci` in 2021");
    let v = verify_json(&dir, 1);
    assert_eq!(problems(&v), [("checksum".to_string(), listed(&ds, 2021))]);
    assert_eq!(v["problems"][0]["source"], "baci");
    assert_eq!(v["problems"][0]["year"], 2021);
}

#[test]
fn a_missing_partition_is_an_error_not_a_missing_year() {
    let dir = Dir::new();
    let ds = both_years(&dir);
    let gone = listed(&ds, 2020);
    std::fs::remove_file(ds.join(&gone)).expect("rm");
    indicators(&dir)
        .run_err_line()
        .assert_stderr_contains(&gone)
        .assert_stderr_contains(
            "is listed in the manifest (3 rows of source `baci` in 2020) but is missing",
        );
    let v = verify_json(&dir, 1);
    assert_eq!(problems(&v), [("missing".to_string(), gone.clone())]);
    // Repair removes only what the manifest does not list: a missing partition stays a
    // problem, reported with the way out.
    let r = dir.hallyu(["dataset", "repair", "ds"]).run_code(1);
    r.assert_stdout_contains("nothing to remove")
        .assert_stdout_contains("missing")
        .assert_stdout_contains("ingest their source again with --replace");
    assert!(ds.join(listed(&ds, 2021)).exists());
}

#[test]
fn leftover_temporary_files_are_removed_by_the_next_ingest() {
    let dir = Dir::new();
    release(&dir, "r2020", &[2020]);
    release(&dir, "r2021", &[2021]);
    dir.hallyu(["ingest", "baci", "r2020", "--out", "ds", "--quiet"])
        .run_ok();
    // What a killed ingest leaves: a staged partition under a temporary name.
    let left = dir.join("ds/.hallyu-Kq3v9X.tmp");
    std::fs::write(&left, vec![7u8; 36_000]).expect("write");
    let v = verify_json(&dir, 1);
    assert_eq!(
        problems(&v),
        [(
            "leftover_temp".to_string(),
            ".hallyu-Kq3v9X.tmp".to_string()
        )]
    );
    // Readers never look at it.
    assert_eq!(
        read_dataset(&dir.join("ds"), None).expect("read").nrows(),
        3
    );
    let r = dir
        .hallyu(["ingest", "baci", "r2021", "--out", "ds", "--quiet"])
        .run_ok();
    r.assert_stderr_contains("warning: removed")
        .assert_stderr_contains(
            ".hallyu-Kq3v9X.tmp (36.0 KB), a temporary file left by an interrupted ingest",
        );
    assert!(!left.exists());
    verify_json(&dir, 0);
    assert_eq!(
        read_dataset(&dir.join("ds"), None).expect("read").nrows(),
        6
    );
}

/// Locks the dataset's lock file from this process (not the binary's), naming `pid` in it
/// as a hallyu writer does.
fn hold_lock(ds: &Path, pid: u32) -> std::fs::File {
    let mut f = std::fs::OpenOptions::new()
        .read(true)
        .write(true)
        .create(true)
        .truncate(false)
        .open(ds.join(LOCK_FILE))
        .expect("open lock");
    f.lock().expect("lock");
    f.set_len(0).expect("truncate");
    writeln!(f, "pid {pid}").expect("write");
    f
}

#[test]
fn an_ingest_while_another_process_holds_the_lock_fails_naming_it() {
    let dir = Dir::new();
    release(&dir, "r2020", &[2020]);
    release(&dir, "r2021", &[2021]);
    dir.hallyu(["ingest", "baci", "r2020", "--out", "ds", "--quiet"])
        .run_ok();
    let ds = dir.join("ds");
    let before = snapshot(&ds);
    let me = std::process::id();
    let held = hold_lock(&ds, me);
    let started = std::time::Instant::now();
    let r = dir
        .hallyu(["ingest", "baci", "r2021", "--out", "ds"])
        .run_err_line();
    // It waited briefly for the holder before giving up.
    assert!(
        started.elapsed() >= std::time::Duration::from_secs(3),
        "{r}"
    );
    r.assert_stderr_contains(&format!("in use by another hallyu process (pid {me}"))
        .assert_stderr_contains(&format!("holds the lock ds/{LOCK_FILE}"));
    let snap = |s: Vec<(String, Vec<u8>)>| -> Vec<(String, Vec<u8>)> {
        s.into_iter().filter(|(f, _)| f != LOCK_FILE).collect()
    };
    assert_eq!(
        snap(snapshot(&ds)),
        snap(before),
        "nothing written beside the holder"
    );
    dir.hallyu(["dataset", "repair", "ds"])
        .run_err_line()
        .assert_stderr_contains(&format!("pid {me}"));
    dir.hallyu(["dataset", "verify", "ds"])
        .run_err_line()
        .assert_stderr_contains(&format!("pid {me}"));

    // The holder finishes as a writer does (its pid cleared, the lock released).
    held.set_len(0).expect("clear");
    held.unlock().expect("unlock");
    let r = dir
        .hallyu(["ingest", "baci", "r2021", "--out", "ds", "--quiet"])
        .run_ok();
    assert!(!r.stderr.contains("took over"), "{r}");
    assert_eq!(read_dataset(&ds, None).expect("read").nrows(), 6);
    assert_eq!(
        dir.read(&format!("ds/{LOCK_FILE}")),
        "",
        "released and cleared"
    );
}

#[test]
fn the_lock_of_a_dead_ingest_is_taken_over() {
    let dir = Dir::new();
    release(&dir, "r2020", &[2020]);
    release(&dir, "r2021", &[2021]);
    dir.hallyu(["ingest", "baci", "r2020", "--out", "ds", "--quiet"])
        .run_ok();
    // A process that has ended, named in a lock file nobody holds: what a killed ingest
    // leaves (the operating system released its lock).
    let mut child = std::process::Command::new("true").spawn().expect("spawn");
    let dead = child.id();
    child.wait().expect("wait");
    std::fs::write(
        dir.join(&format!("ds/{LOCK_FILE}")),
        format!("pid {dead}\n"),
    )
    .expect("write");
    dir.hallyu(["ingest", "baci", "r2021", "--out", "ds", "--quiet"])
        .run_ok()
        .assert_stderr_contains(&format!(
            "took over the lock ds/{LOCK_FILE} of an ingest that was interrupted (pid {dead}, no longer running)"
        ));
    assert_eq!(
        read_dataset(&dir.join("ds"), None).expect("read").nrows(),
        6
    );
}

#[test]
fn verify_and_repair_explain_themselves() {
    let dir = Dir::new();
    let r = dir.hallyu(["dataset", "--help"]).run_ok();
    r.assert_stdout_contains("verify")
        .assert_stdout_contains("repair");
    dir.hallyu(["dataset", "verify", "--help"])
        .run_ok()
        .assert_stdout_contains("does not list");
    dir.hallyu(["dataset", "repair", "--help"])
        .run_ok()
        .assert_stdout_contains("never touched");
    // Not a dataset: an error naming the manifest it lacks.
    std::fs::create_dir(dir.join("empty")).expect("mkdir");
    dir.hallyu(["dataset", "verify", "empty"])
        .run_err_line()
        .assert_stderr_contains(MANIFEST_FILE);
    dir.hallyu(["dataset", "repair", "empty"])
        .run_err_line()
        .assert_stderr_contains(MANIFEST_FILE);
}

/// A real ingest killed half way: it has staged one year of a synthetic release when it
/// blocks on the next year's file (a FIFO nobody writes to), and is killed there. The
/// dataset reads as before; the next ingest takes over the lock and removes what the dead
/// one left.
#[cfg(unix)]
#[test]
fn a_killed_ingest_leaves_nothing_the_next_one_does_not_clean() {
    use std::time::{Duration, Instant};
    let dir = Dir::new();
    release(&dir, "r2020", &[2020]);
    release(&dir, "r2021", &[2021]);
    dir.hallyu(["ingest", "baci", "r2020", "--out", "ds", "--quiet"])
        .run_ok();
    let ds = dir.join("ds");
    dir.hallyu(["synth", "--baci", "--years", "2018-2019", "--rows", "20000"])
        .args(["--out", "synthetic", "--quiet"])
        .run_ok();
    let blocked = dir.join("synthetic/BACI_HS17_Y2019_V202401.csv");
    std::fs::remove_file(&blocked).expect("rm");
    let made = std::process::Command::new("mkfifo")
        .arg(&blocked)
        .status()
        .expect("mkfifo");
    assert!(made.success());
    let mut child = std::process::Command::new(util::bin())
        .current_dir(dir.path())
        .args(["ingest", "baci", "synthetic", "--out", "ds", "--quiet"])
        .stdin(std::process::Stdio::null())
        .stdout(std::process::Stdio::null())
        .stderr(std::process::Stdio::null())
        .spawn()
        .expect("spawn");
    let temp = |ds: &Path| -> Vec<String> {
        let mut t: Vec<String> = std::fs::read_dir(ds)
            .expect("list")
            .flatten()
            .map(|e| e.file_name().to_string_lossy().into_owned())
            .filter(|n| n.starts_with(".hallyu-") && n.ends_with(".tmp"))
            .collect();
        t.sort();
        t
    };
    let start = Instant::now();
    while temp(&ds).is_empty() {
        assert!(
            start.elapsed() < Duration::from_secs(120),
            "the ingest staged nothing"
        );
        assert!(
            child.try_wait().expect("wait").is_none(),
            "the ingest ended"
        );
        std::thread::sleep(Duration::from_millis(20));
    }
    let pid = child.id();
    child.kill().expect("kill");
    child.wait().expect("wait");

    let left = temp(&ds);
    assert!(!left.is_empty());
    assert_eq!(dir.read(&format!("ds/{LOCK_FILE}")), format!("pid {pid}\n"));
    // Readers never see the staged year; verify names what was left.
    assert_eq!(read_dataset(&ds, None).expect("read").nrows(), 3);
    let v = verify_json(&dir, 1);
    assert!(
        problems(&v).iter().all(|(k, _)| k == "leftover_temp"),
        "{v}"
    );

    let r = dir
        .hallyu(["ingest", "baci", "r2021", "--out", "ds", "--quiet"])
        .run_ok();
    r.assert_stderr_contains(&format!(
        "took over the lock ds/{LOCK_FILE} of an ingest that was interrupted (pid {pid}, no longer running)"
    ));
    for f in &left {
        r.assert_stderr_contains(&format!("removed ds/{f} ("));
    }
    assert!(temp(&ds).is_empty());
    verify_json(&dir, 0);
    let m = Manifest::load(&ds).expect("manifest");
    assert_eq!(m.years(), [2020, 2021], "nothing of the killed ingest");
    assert_eq!(read_dataset(&ds, None).expect("read").nrows(), 6);
}
