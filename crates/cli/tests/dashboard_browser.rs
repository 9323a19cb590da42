//! The dashboard in a real browser: `hallyu serve` on an ephemeral port, and headless
//! Chromium driven by `tests/data/browser/dashboard.py` through every panel: the indicators
//! of KOR with ASEAN (a chart with drawn marks), the Advanced Guide's RTA specification
//! (rta = 0.557), the KOR–ASEAN scenario (progress, then the effects table), every result
//! saved as JSON and CSV, the report opened in a new tab, a cancelled scenario and an API
//! error shown in its panel, on a desktop and on a phone; any console error or failed
//! request fails. With a token the page asks for it once and then works.
//! Screenshots go to `target/browser-screenshots/dashboard-*.png`.
//!
//! Needs what `report_browser.rs` needs (chromium, chromium-driver, selenium, Pillow); without
//! them the tests say `skipped: ...` and pass, unless `HALLYU_REQUIRE_BROWSER=1`.

mod util;

use std::process::Command;
use util::server::Server;
use util::Dir;

/// What the driver said: its exit status, its JSON (steps and problems), its summary.
struct Driven {
    code: i32,
    json: serde_json::Value,
    summary: String,
}

/// Runs the driver against `server` with `args`; `None` when no browser can run here.
fn drive(server: &Server, args: &[&str]) -> Option<Driven> {
    let python = match util::browser::python_with_selenium() {
        Ok(p) => p,
        Err(why) => {
            util::browser::unavailable(&why);
            return None;
        }
    };
    let shots = util::browser::screenshot_dir();
    let out = Command::new(&python)
        .arg(util::fixture("browser/dashboard.py"))
        .arg(format!("http://{}", server.addr))
        .arg("--screenshots")
        .arg(&shots)
        .args(args)
        .output()
        .unwrap_or_else(|e| panic!("cannot run {}: {e}", python.display()));
    let stdout = String::from_utf8_lossy(&out.stdout);
    let summary = String::from_utf8_lossy(&out.stderr).into_owned();
    let json: serde_json::Value = serde_json::from_str(&stdout)
        .unwrap_or_else(|e| panic!("the driver's output is not JSON: {e}\n{stdout}\n{summary}"));
    let code = out.status.code().unwrap_or(-1);
    if code == 3 {
        util::browser::unavailable(json["unavailable"].as_str().unwrap_or("unknown"));
        return None;
    }
    Some(Driven {
        code,
        json,
        summary,
    })
}

/// The step whose name starts with `name`.
fn step<'a>(json: &'a serde_json::Value, name: &str) -> &'a serde_json::Value {
    json["steps"]
        .as_array()
        .expect("steps")
        .iter()
        .find(|s| s["step"].as_str().is_some_and(|n| n.starts_with(name)))
        .unwrap_or_else(|| panic!("no step {name:?} in {json:#}"))
}

/// A new user does everything the dashboard offers, on a laptop and on a phone, and the
/// browser sees no error.
#[test]
fn the_dashboard_works_end_to_end_in_a_browser() {
    let d = Dir::new();
    let server = Server::start(d.path(), &[]);
    let Some(run) = drive(&server, &["--draws", "10"]) else {
        return;
    };
    assert_eq!(run.code, 0, "the browser found problems:\n{}", run.summary);
    let json = &run.json;
    for view in ["desktop", "phone"] {
        let ind = step(json, &format!("{view}: indicators"));
        let charts = ind["frame"]["charts"].as_array().expect("charts");
        assert!(
            charts.iter().any(|c| c["marks"].as_u64() > Some(0)),
            "{view}: {ind:#}"
        );
        let sc = step(json, &format!("{view}: scenario"));
        assert!(sc["frame"]["tables"].as_u64() > Some(0), "{view}: {sc:#}");
        assert!(sc["statuses"].as_u64() > Some(0), "{view}: {sc:#}");
        assert!(sc["progress_values"].as_u64() > Some(0), "{view}: {sc:#}");
    }
    // The Guide's RTA estimate, as the page renders it (0.557185 in R's fixest).
    let fit = step(json, "desktop: gravity");
    let rta = fit["rta"].as_str().expect("an rta row");
    assert!(rta.starts_with("0.557"), "{fit:#}");
    assert!(fit["progress_lines"].as_u64() > Some(0), "{fit:#}");
    // Every result saves as JSON and CSV, read back and checked by the driver.
    for name in [
        "desktop: indicators",
        "desktop: gravity",
        "desktop: scenario",
    ] {
        let saved = &step(json, name)["downloads"];
        assert_eq!(saved.as_array().map(Vec::len), Some(2), "{name}: {saved}");
    }
    assert_eq!(step(json, "desktop: cancel")["cancelled"], true);
    let report = &step(json, "desktop: open the report")["report"];
    assert!(report["marks"].as_u64() > Some(0), "{report}");
    let error = step(json, "desktop: an API error")["error"]
        .as_str()
        .expect("an error shown")
        .to_string();
    assert!(error.contains("unknown column `nosuchcolumn`"), "{error}");
    for s in json["steps"].as_array().expect("steps") {
        if let Some(shot) = s["screenshot"].as_str() {
            let size = std::fs::metadata(shot).map_or(0, |m| m.len());
            assert!(size > 1000, "{shot}: {size} bytes");
        }
    }
    eprintln!("{}", run.summary);
}

/// With a token, the page asks for it once, in the page, and then every request carries it.
#[test]
fn the_dashboard_asks_for_the_token_once() {
    let d = Dir::new();
    d.write("token", "s3cret-token\n");
    let server = Server::start(d.path(), &["--token-file", "token"]);
    let Some(run) = drive(
        &server,
        &["--token", "s3cret-token", "--only", "indicators"],
    ) else {
        return;
    };
    assert_eq!(run.code, 0, "the browser found problems:\n{}", run.summary);
    assert_eq!(step(&run.json, "desktop: open")["token_asked"], 1);
    let ind = step(&run.json, "desktop: indicators");
    assert!(ind["frame"]["charts"]
        .as_array()
        .is_some_and(|c| !c.is_empty()));
}

/// The datasets under the data root are offered in the Indicators panel, and a product
/// group of one gives its chart.
#[test]
fn the_dashboard_reads_a_dataset_under_the_data_root() {
    let d = Dir::new();
    util::product_level_dataset(&d);
    let server = Server::start(d.path(), &["--data-root", "."]);
    let Some(run) = drive(
        &server,
        &[
            "--only",
            "indicators",
            "--data",
            "trade",
            "--group",
            "creative",
        ],
    ) else {
        return;
    };
    assert_eq!(run.code, 0, "the browser found problems:\n{}", run.summary);
    let ind = step(&run.json, "desktop: indicators");
    let charts = ind["frame"]["charts"].as_array().expect("charts");
    assert!(
        charts.iter().any(|c| c["marks"].as_u64() > Some(0)),
        "{ind:#}"
    );
    let title = ind["frame"]["title"].as_str().unwrap_or_default();
    assert!(title.contains("KOR"), "{ind:#}");
}
