//! Writing results: stdout, or a file replaced atomically (temporary file in the same
//! folder, then rename), so a crash never leaves a half-written output behind.

use anyhow::{Context, Result};
use std::io::Write;
use std::path::Path;

/// Writes `text` to `path`, or to stdout when `path` is `None`.
pub fn emit(text: &str, path: Option<&Path>) -> Result<()> {
    match path {
        None => {
            let mut out = std::io::stdout().lock();
            out.write_all(text.as_bytes())?;
            out.flush()?;
            Ok(())
        }
        Some(p) => write_atomic(p, |f| {
            f.write_all(text.as_bytes()).map_err(anyhow::Error::from)
        }),
    }
}

/// Creates `path` atomically from what `fill` writes into a temporary file next to it.
pub fn write_atomic(
    path: &Path,
    fill: impl FnOnce(&mut std::fs::File) -> Result<()>,
) -> Result<()> {
    let dir = match path.parent() {
        Some(d) if !d.as_os_str().is_empty() => d,
        _ => Path::new("."),
    };
    let mut tmp = tempfile::Builder::new()
        .prefix(".hallyu-")
        .suffix(".tmp")
        .tempfile_in(dir)
        .map_err(|e| anyhow::anyhow!("cannot create a file in {}: {}", dir.display(), e.kind()))?;
    fill(tmp.as_file_mut()).with_context(|| format!("while writing {}", path.display()))?;
    tmp.as_file_mut().sync_all()?;
    // Temporary files are private (0600); the result gets ordinary permissions.
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        tmp.as_file()
            .set_permissions(std::fs::Permissions::from_mode(0o644))?;
    }
    tmp.persist(path)
        .map_err(|e| e.error)
        .with_context(|| format!("cannot write {}", path.display()))?;
    Ok(())
}
