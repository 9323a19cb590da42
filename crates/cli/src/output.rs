//! Writing results: to stdout, or to the path of `--out` by a rule that never replaces
//! what is not a regular file.
//!
//! - A regular file, or a path that does not exist yet, is written to a temporary file in
//!   the same folder and renamed over it, so an interrupted run never leaves a
//!   half-written result. A symbolic link is followed to its target, which is what gets
//!   replaced (the link stays a link).
//! - An existing file that is read-only (or that this user may not write) is an error:
//!   renaming over it would get around its permissions.
//! - Anything else — a character device (`/dev/null`, `/dev/full`), a FIFO, a socket,
//!   `/dev/stdout` and other links through `/proc` to a file some process holds open — is
//!   opened and written into, never replaced.
//! - A folder is an error.

use anyhow::{anyhow, Context, Result};
use std::fs::{File, OpenOptions};
use std::io::Write;
use std::path::{Path, PathBuf};

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

/// Where the bytes for a user-named path go.
#[derive(Debug, PartialEq)]
enum Destination {
    /// A regular file or a new one at this (link-resolved) path: temporary file, rename.
    Replace(PathBuf),
    /// Open this path and write into it.
    WriteInto(PathBuf),
}

/// How many symbolic links are followed (Linux's own limit).
const MAX_LINKS: usize = 40;

/// Decides how to write `path` (see the module documentation).
fn destination(path: &Path) -> Result<Destination> {
    let cannot = |why: &str| anyhow!("cannot write {}: {why}", path.display());
    let mut p = path.to_path_buf();
    for _ in 0..MAX_LINKS {
        let meta = match std::fs::symlink_metadata(&p) {
            Ok(m) => m,
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => {
                return Ok(Destination::Replace(p))
            }
            Err(e) => return Err(cannot(&e.to_string())),
        };
        let kind = meta.file_type();
        if kind.is_symlink() {
            // Links under /proc (what /dev/stdout and /dev/fd/N lead to) name files that a
            // process holds open, some of them not files at all (`pipe:[123]`): write
            // through them, never rename over what they point at.
            if under_proc(&p) {
                return Ok(Destination::WriteInto(p));
            }
            let target = std::fs::read_link(&p).map_err(|e| cannot(&e.to_string()))?;
            p = match p.parent() {
                Some(dir) if target.is_relative() => dir.join(target),
                _ => target,
            };
            continue;
        }
        if kind.is_dir() {
            return Err(cannot("it is a folder"));
        }
        if kind.is_file() {
            // Root may rename over (or write) a file whose mode forbids writing; honour
            // the mode. For other users, opening to write (no truncation: this changes
            // nothing) is the permission check.
            let denied = meta.permissions().readonly()
                || OpenOptions::new()
                    .write(true)
                    .open(&p)
                    .is_err_and(|e| e.kind() == std::io::ErrorKind::PermissionDenied);
            if denied {
                return Err(cannot(
                    "permission denied (the file is read-only; it was left as it is)",
                ));
            }
            return Ok(Destination::Replace(p));
        }
        return Ok(Destination::WriteInto(p));
    }
    Err(cannot(&format!(
        "more than {MAX_LINKS} symbolic links to follow"
    )))
}

/// Whether `link` lies in /proc, directly or through a linked folder (`/dev/fd/1` is
/// `/proc/self/fd/1`).
fn under_proc(link: &Path) -> bool {
    link.starts_with("/proc")
        || link
            .parent()
            .and_then(|dir| std::fs::canonicalize(dir).ok())
            .is_some_and(|dir| dir.starts_with("/proc"))
}

/// Creates or replaces `path` with what `fill` writes (see the module documentation).
pub fn write_atomic(path: &Path, fill: impl FnOnce(&mut File) -> Result<()>) -> Result<()> {
    match destination(path)? {
        Destination::WriteInto(target) => {
            // Appending never truncates what a process holds open (`>> log` through
            // /dev/stdout); a device or a FIFO has no end to append at.
            let mut file = OpenOptions::new()
                .append(true)
                .open(&target)
                .with_context(|| format!("cannot open {}", path.display()))?;
            fill(&mut file).with_context(|| format!("while writing {}", path.display()))?;
            file.flush()
                .with_context(|| format!("while writing {}", path.display()))?;
            Ok(())
        }
        Destination::Replace(target) => replace(path, &target, fill),
    }
}

/// Writes a temporary file next to `target` and renames it over `target`.
fn replace(shown: &Path, target: &Path, fill: impl FnOnce(&mut File) -> Result<()>) -> Result<()> {
    let dir = match target.parent() {
        Some(d) if !d.as_os_str().is_empty() => d,
        _ => Path::new("."),
    };
    // An existing file keeps its permissions; a new one gets ordinary ones (temporary
    // files are private, 0600).
    let permissions = std::fs::metadata(target).ok().map(|m| m.permissions());
    let mut tmp = tempfile::Builder::new()
        .prefix(".hallyu-")
        .suffix(".tmp")
        .tempfile_in(dir)
        .map_err(|e| anyhow!("cannot create a file in {}: {}", dir.display(), e.kind()))?;
    fill(tmp.as_file_mut()).with_context(|| format!("while writing {}", shown.display()))?;
    tmp.as_file_mut()
        .sync_all()
        .with_context(|| format!("while writing {}", shown.display()))?;
    match permissions {
        Some(p) => tmp.as_file().set_permissions(p)?,
        None => {
            #[cfg(unix)]
            {
                use std::os::unix::fs::PermissionsExt;
                tmp.as_file()
                    .set_permissions(std::fs::Permissions::from_mode(0o644))?;
            }
        }
    }
    tmp.persist(target)
        .map_err(|e| e.error)
        .with_context(|| format!("cannot write {}", shown.display()))?;
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn regular_new_and_linked_paths_are_replaced_at_the_target() {
        let d = tempfile::tempdir().unwrap();
        let f = d.path().join("r.json");
        assert_eq!(destination(&f).unwrap(), Destination::Replace(f.clone()));
        std::fs::write(&f, "old").unwrap();
        assert_eq!(destination(&f).unwrap(), Destination::Replace(f.clone()));
        #[cfg(unix)]
        {
            let link = d.path().join("link.json");
            std::os::unix::fs::symlink("r.json", &link).unwrap();
            assert_eq!(destination(&link).unwrap(), Destination::Replace(f.clone()));
            let dangling = d.path().join("dangling.json");
            std::os::unix::fs::symlink("new.json", &dangling).unwrap();
            assert_eq!(
                destination(&dangling).unwrap(),
                Destination::Replace(d.path().join("new.json"))
            );
            let a = d.path().join("a");
            let b = d.path().join("b");
            std::os::unix::fs::symlink("b", &a).unwrap();
            std::os::unix::fs::symlink("a", &b).unwrap();
            let e = destination(&a).unwrap_err().to_string();
            assert!(e.contains("symbolic links"), "{e}");
        }
    }

    #[test]
    fn devices_and_folders() {
        #[cfg(target_os = "linux")]
        {
            assert_eq!(
                destination(Path::new("/dev/null")).unwrap(),
                Destination::WriteInto("/dev/null".into())
            );
            assert!(matches!(
                destination(Path::new("/dev/stdout")).unwrap(),
                Destination::WriteInto(p) if p.starts_with("/proc")
            ));
            // The link itself names a pipe (`pipe:[123]`) when stdout is one: written
            // through, never resolved to a file next to it.
            assert_eq!(
                destination(Path::new("/dev/fd/1")).unwrap(),
                Destination::WriteInto("/dev/fd/1".into())
            );
        }
        let d = tempfile::tempdir().unwrap();
        let e = destination(d.path()).unwrap_err().to_string();
        assert!(e.contains("folder"), "{e}");
    }
}
