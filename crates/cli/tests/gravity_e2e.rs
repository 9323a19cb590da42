//! From a release to a policy scenario, every number checked against an independent
//! computation: ingest a small BACI-like release (six countries, three years, HS 2022) and
//! CEPII-Gravity-like covariates, then `indicators`, `fepois` with exporter-year,
//! importer-year and pair effects on creative publishing goods, and `simulate` on that
//! baseline. `tests/data/gravity_e2e/check.py` recomputes every number from the raw files
//! with pandas and numpy (see its docstring and the folder's README).
//!
//! The check needs a Python with pandas and numpy: `HALLYU_PYTHON`, else `.venv/bin/python`
//! at the repository root, else `python3`. Without one the test says so and fails when `CI`
//! is set (`.ci/run` installs them); elsewhere it says so and skips the comparison.

mod util;

use util::{fixture, Dir};

const FORMULA: &str = "trade ~ rta | exporter^year + importer^year + pair_id";

#[test]
fn release_to_indicators_gravity_and_scenario_match_an_independent_computation() {
    let dir = Dir::new();
    let data = fixture("gravity_e2e");
    dir.hallyu(["ingest", "baci", "--quiet", "--out", "trade"])
        .arg(data.join("baci"))
        .run_ok();
    let r = dir
        .hallyu(["ingest", "gravity", "--out", "trade"])
        .arg(data.join("gravity.csv"))
        .run_ok();
    assert!(
        r.stdout.contains("108 rows by pair and year") && r.stdout.contains("3 row(s)"),
        "{r}"
    );

    let r = dir
        .hallyu([
            "indicators",
            "--data",
            "trade",
            "--subject",
            "KOR",
            "--group",
            "creative.publishing",
            "--format",
            "json",
        ])
        .run_ok();
    dir.write("indicators.json", &r.stdout);

    let r = dir
        .hallyu([
            "fepois",
            FORMULA,
            "--data",
            "trade",
            "--group",
            "creative.publishing",
            "--vcov",
            "hetero",
            "--ssc",
            "none",
            "--format",
            "json",
        ])
        .run_ok();
    dir.write("fepois.json", &r.stdout);
    // How the panel was built is said, not guessed: zeros, intra-national flows, joins.
    for note in [
        "note: panel: 30 pairs of 6 countries in 3 year(s) (2022-2024), 108 rows",
        "14 pair-year(s) without a reported flow are zeros",
        "18 intra-national flow(s) as supplied by the data",
        "covariates `gravity` joined by pair and year: 108 of 108 panel rows matched",
    ] {
        assert!(r.stderr.contains(note), "missing `{note}`\n{r}");
    }

    let r = dir
        .hallyu([
            "simulate",
            "--data",
            "trade",
            "--group",
            "creative.publishing",
        ])
        .arg(data.join("scenario.toml"))
        .args(["--format", "csv", "--quiet"])
        .run_ok();
    dir.write("simulate.csv", &r.stdout);

    let Some(stdout) = util::independent_check(&data.join("check.py"), &[&data, dir.path()]) else {
        return;
    };
    assert!(stdout.contains("all checks passed"), "{stdout}");
    // Every measure of every country was compared, not a sample.
    assert_eq!(stdout.matches("ok simulate").count(), 6 * 4, "{stdout}");
    assert_eq!(stdout.matches("ok indicators").count(), 3 * 5, "{stdout}");
}

#[test]
fn dataset_options_need_a_dataset_folder_and_name_what_is_wrong() {
    let dir = Dir::new();
    let data = fixture("gravity_e2e");
    dir.hallyu(["ingest", "baci", "--quiet", "--out", "trade"])
        .arg(data.join("baci"))
        .run_ok();
    // --group without a dataset folder is a usage error, not a silent no-op.
    let r = dir
        .hallyu(["fepois", FORMULA, "--group", "creative"])
        .run_code(2);
    assert!(
        r.stderr
            .contains("the group of a panel applies to a dataset folder"),
        "{r}"
    );
    // An unknown group, exit 2.
    let r = dir
        .hallyu([
            "fepois",
            FORMULA,
            "--data",
            "trade",
            "--group",
            "creative.nope",
        ])
        .run_code(2);
    assert!(r.stderr.contains("creative.nope"), "{r}");
    // A formula column the panel does not have names the panel's columns.
    let r = dir
        .hallyu([
            "fepois",
            "trade ~ contig",
            "--data",
            "trade",
            "--group",
            "creative",
        ])
        .output();
    assert_ne!(r.code, Some(0), "{r}");
    assert!(r.stderr.contains("contig"), "{r}");
    // Without covariates the panel still has the embedded distance between capitals.
    let r = dir
        .hallyu([
            "fepois",
            "trade ~ log(distcap) | exporter^year + importer^year",
            "--data",
            "trade",
            "--group",
            "creative.publishing",
            "--where",
            "exporter != importer",
        ])
        .run_ok();
    assert!(r.stderr.contains("distcap: great-circle distance"), "{r}");
    assert!(r.stdout.contains("Observations: 90"), "{r}");
    // A scenario on a panel without intra-national flows: general equilibrium needs them.
    let release = dir.join("intl");
    std::fs::create_dir(&release).expect("mkdir");
    for year in [2022, 2023, 2024] {
        let name = format!("BACI_HS22_Y{year}_V202501.csv");
        let rows: String = std::fs::read_to_string(data.join("baci").join(&name))
            .expect("fixture")
            .lines()
            .filter(|l| {
                let f: Vec<&str> = l.split(',').collect();
                f.len() < 3 || f[1] != f[2]
            })
            .map(|l| format!("{l}\n"))
            .collect();
        std::fs::write(release.join(name), rows).expect("write");
    }
    std::fs::copy(
        data.join("baci/country_codes_V202501.csv"),
        release.join("country_codes_V202501.csv"),
    )
    .expect("copy");
    dir.hallyu(["ingest", "baci", "--quiet", "--out", "intl_trade"])
        .arg(&release)
        .run_ok();
    dir.hallyu(["ingest", "gravity", "--quiet", "--out", "intl_trade"])
        .arg(data.join("gravity.csv"))
        .run_ok();
    let r = dir
        .hallyu([
            "simulate",
            "--data",
            "intl_trade",
            "--group",
            "creative.publishing",
        ])
        .arg(data.join("scenario.toml"))
        // Data that cannot carry the request (no domestic flows): invalid data, status 1.
        .run_code(1);
    assert!(
        r.stderr.contains("no intra-national flows") && r.stderr.contains("domestic flows"),
        "{r}"
    );
}

#[test]
fn data_distances_describes_and_writes_every_pair() {
    let dir = Dir::new();
    let r = dir.hallyu(["data", "distances"]).run_ok();
    for what in [
        "REST Countries",
        "Mozilla Public License 2.0",
        "haversine",
        "61752",
    ] {
        assert!(r.stdout.contains(what), "missing `{what}`\n{r}");
    }
    dir.hallyu(["data", "distances", "--out", "d.csv"]).run_ok();
    let text = dir.read("d.csv");
    let mut lines = text.lines();
    assert_eq!(lines.next(), Some("iso3_o,iso3_d,distcap"));
    let rows: Vec<&str> = lines.collect();
    assert_eq!(rows.len(), 249 * 248);
    // Seoul (37.55, 126.98) to Tokyo (35.68, 139.75), recomputed here with the spherical
    // law of cosines (a different formula from the haversine the table uses).
    let kj = rows
        .iter()
        .find(|l| l.starts_with("KOR,JPN,"))
        .and_then(|l| l.rsplit(',').next())
        .and_then(|v| v.parse::<f64>().ok())
        .expect("KOR,JPN row");
    let (p1, p2) = (37.55_f64.to_radians(), 35.68_f64.to_radians());
    let dl = (139.75_f64 - 126.98).to_radians();
    let cosines = (p1.sin() * p2.sin() + p1.cos() * p2.cos() * dl.cos()).acos() * 6371.0088;
    assert!((kj - cosines).abs() < 1e-6, "{kj} vs {cosines}");
}
