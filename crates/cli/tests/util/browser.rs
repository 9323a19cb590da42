//! What the browser tests share: the Python that drives Chromium and where screenshots go.

use std::path::{Path, PathBuf};
use std::process::Command;

/// Where the screenshots of the real pages go: `target/browser-screenshots` (under
/// `CARGO_TARGET_DIR` when it is set).
pub fn screenshot_dir() -> PathBuf {
    Path::new(env!("CARGO_TARGET_TMPDIR"))
        .parent()
        .map_or_else(
            || PathBuf::from(env!("CARGO_TARGET_TMPDIR")),
            Path::to_path_buf,
        )
        .join("browser-screenshots")
}

/// A Python with selenium and Pillow: `HALLYU_PYTHON`, then `.venv/bin/python` at the
/// repository root, then `python3`; else why there is none.
pub fn python_with_selenium() -> Result<PathBuf, String> {
    let root = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../..");
    let mut candidates: Vec<PathBuf> = Vec::new();
    if let Some(p) = std::env::var_os("HALLYU_PYTHON") {
        candidates.push(PathBuf::from(p));
    }
    candidates.push(root.join(".venv/bin/python"));
    candidates.push(PathBuf::from("python3"));
    let usable = |python: &Path| {
        Command::new(python)
            .args(["-c", "import selenium, PIL"])
            .output()
            .is_ok_and(|o| o.status.success())
    };
    candidates
        .iter()
        .find(|p| usable(p))
        .cloned()
        .ok_or_else(|| {
            let tried: Vec<String> = candidates.iter().map(|p| p.display().to_string()).collect();
            format!(
                "no Python with selenium and Pillow among {}",
                tried.join(", ")
            )
        })
}

/// Says why a browser test cannot run and lets it pass as skipped, unless
/// `HALLYU_REQUIRE_BROWSER=1`, where it fails instead.
pub fn unavailable(why: &str) {
    if std::env::var("HALLYU_REQUIRE_BROWSER").is_ok_and(|v| v == "1") {
        panic!("the browser test cannot run (HALLYU_REQUIRE_BROWSER=1): {why}");
    }
    eprintln!(
        "skipped: {why} (install chromium, chromium-driver, selenium and Pillow, or run .ci/run)"
    );
}
