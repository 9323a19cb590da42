//! Files are read only under the data root: a request's paths are relative to it, never
//! absolute, never through `..`, and never through a symbolic link that leads out of it.

use crate::problem::{Problem, ProblemType};
use std::path::{Component, Path, PathBuf};

/// Rewrites every path of `request` to its place under `root`, or says why one is refused.
/// Without a root, a request that names any path is refused.
pub fn confine(request: &mut hallyu_api::Request, root: Option<&Path>) -> Result<(), Problem> {
    for path in request.files_mut() {
        let Some(root) = root else {
            return Err(Problem::new(
                ProblemType::Forbidden,
                format!(
                    "this server reads no files (it was started without a data root): `{}`",
                    path.display()
                ),
            ));
        };
        *path = under(root, path)?;
    }
    Ok(())
}

/// `text` (a message) with the data root's place on this machine taken out of the paths it
/// names, so that a client reads its own relative paths and learns nothing of the server's
/// folders.
pub fn unrooted(text: &str, root: Option<&Path>) -> String {
    let Some(root) = root else {
        return text.to_string();
    };
    // The server keeps its root absolute (`Server::bind`); a relative one would match
    // inside other paths.
    if !root.is_absolute() {
        return text.to_string();
    }
    let prefix = format!("{}/", root.display().to_string().trim_end_matches('/'));
    text.replace(&prefix, "")
}

/// `relative` resolved under `root`, checked to stay there once links are followed.
pub fn under(root: &Path, relative: &Path) -> Result<PathBuf, Problem> {
    let refuse = |why: &str| {
        Err(Problem::new(
            ProblemType::Forbidden,
            format!(
                "`{}` {why}: paths are relative to the data root",
                relative.display()
            ),
        ))
    };
    if relative.as_os_str().is_empty() {
        return refuse("is empty");
    }
    for c in relative.components() {
        match c {
            Component::Normal(_) | Component::CurDir => {}
            Component::ParentDir => return refuse("goes up with `..`"),
            Component::RootDir | Component::Prefix(_) => return refuse("is absolute"),
        }
    }
    let root = root.canonicalize().map_err(|e| {
        Problem::new(
            ProblemType::Internal,
            format!("the data root {} cannot be read: {e}", root.display()),
        )
    })?;
    let joined = root.join(relative);
    // A path that does not exist is left for the library to report (it names the file);
    // one that exists must resolve inside the root.
    match joined.canonicalize() {
        Ok(real) if real.starts_with(&root) => Ok(joined),
        Ok(_) => refuse("leads out of the data root through a link"),
        Err(_) => {
            // Its existing ancestors must not lead out either (a link to a folder outside
            // with the file not yet there).
            let mut ancestor = joined.parent();
            while let Some(a) = ancestor {
                if let Ok(real) = a.canonicalize() {
                    if !real.starts_with(&root) {
                        return refuse("leads out of the data root through a link");
                    }
                    break;
                }
                ancestor = a.parent();
            }
            Ok(joined)
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn root() -> PathBuf {
        let dir = std::env::temp_dir().join(format!("hallyu-confine-{}", std::process::id()));
        std::fs::create_dir_all(dir.join("data")).expect("a folder");
        std::fs::write(dir.join("data/panel.csv"), "a\n1\n").expect("a file");
        dir.join("data")
    }

    #[test]
    fn relative_paths_stay_under_the_root() {
        let root = root();
        let p = under(&root, Path::new("panel.csv")).expect("inside");
        assert!(p.ends_with("data/panel.csv"));
        // Not there yet: left to the library, which names the file.
        assert!(under(&root, Path::new("missing/file.csv")).is_ok());
    }

    #[test]
    fn escapes_are_refused() {
        let root = root();
        for bad in ["../secret", "/etc/passwd", "a/../../b", ""] {
            let e = under(&root, Path::new(bad)).expect_err(bad);
            assert_eq!(e.kind, ProblemType::Forbidden, "{bad}");
        }
        #[cfg(unix)]
        {
            let link = root.join("out");
            let _ = std::fs::remove_file(&link);
            std::os::unix::fs::symlink("/etc", &link).expect("a link");
            let e = under(&root, Path::new("out/hostname")).expect_err("a link out");
            assert!(e.detail.contains("link"), "{}", e.detail);
            let e = under(&root, Path::new("out/not-there.csv")).expect_err("a link out");
            assert!(e.detail.contains("link"), "{}", e.detail);
        }
    }
}
