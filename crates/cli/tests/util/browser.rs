//! What the browser tests share: the Python that drives Chromium and where screenshots go.

use std::path::{Path, PathBuf};

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

/// A Python with selenium and Pillow (see [`super::python_with`]); else why there is none.
pub fn python_with_selenium() -> Result<PathBuf, String> {
    super::python_with("selenium, PIL").map_err(|tried| {
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
