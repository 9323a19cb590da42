//! Input files: plain files, the files of a folder, or the members of a zip archive
//! (streamed, never extracted to disk).

use crate::{DataError, Result};
use std::fs::File;
use std::io::{BufReader, Read};
use std::path::{Path, PathBuf};

/// Where an input's bytes come from.
#[derive(Debug, Clone, PartialEq)]
pub enum InputKind {
    /// A file on disk.
    File(PathBuf),
    /// A member of a zip archive.
    ZipMember {
        /// The archive.
        archive: PathBuf,
        /// The member's index in the archive.
        index: usize,
    },
}

/// One input file.
#[derive(Debug, Clone, PartialEq)]
pub struct Input {
    /// Name for messages: the path, or `archive.zip!member` for a zip member.
    pub name: String,
    /// The file name alone (what release layouts are recognised by).
    pub file_name: String,
    /// Where to read it.
    pub kind: InputKind,
    /// Size in bytes (uncompressed for zip members), when known.
    pub size: Option<u64>,
}

fn io(path: &Path) -> impl Fn(std::io::Error) -> DataError + '_ {
    move |source| DataError::Io {
        path: path.to_path_buf(),
        source,
    }
}

fn zip_err(path: &Path, e: zip::result::ZipError) -> DataError {
    DataError::InvalidArgument(format!("{}: invalid zip archive: {e}", path.display()))
}

fn is_zip(path: &Path) -> bool {
    path.extension()
        .and_then(|e| e.to_str())
        .is_some_and(|e| e.eq_ignore_ascii_case("zip"))
}

impl Input {
    /// The inputs a path stands for: a folder's files (and those of its sub-folders, as
    /// release archives unpack into one), a zip archive's members, or the file itself.
    /// Sorted by name so that every run reads them in the same order.
    pub fn list(path: &Path) -> Result<Vec<Input>> {
        let meta = std::fs::metadata(path).map_err(io(path))?;
        let mut out = Vec::new();
        if meta.is_dir() {
            walk(path, 0, &mut out)?;
        } else if is_zip(path) {
            let file = File::open(path).map_err(io(path))?;
            let mut archive =
                zip::ZipArchive::new(BufReader::new(file)).map_err(|e| zip_err(path, e))?;
            for index in 0..archive.len() {
                let member = archive.by_index(index).map_err(|e| zip_err(path, e))?;
                if member.is_dir() {
                    continue;
                }
                let inner = member.name().to_string();
                let file_name = inner.rsplit('/').next().unwrap_or(&inner).to_string();
                out.push(Input {
                    name: format!("{}!{inner}", path.display()),
                    file_name,
                    kind: InputKind::ZipMember {
                        archive: path.to_path_buf(),
                        index,
                    },
                    size: Some(member.size()),
                });
            }
        } else {
            out.push(Input::file(path, Some(meta.len())));
        }
        out.sort_by(|a, b| a.name.cmp(&b.name));
        Ok(out)
    }

    fn file(path: &Path, size: Option<u64>) -> Input {
        Input {
            name: path.display().to_string(),
            file_name: path
                .file_name()
                .map(|n| n.to_string_lossy().into_owned())
                .unwrap_or_default(),
            kind: InputKind::File(path.to_path_buf()),
            size,
        }
    }

    /// Runs `f` on a reader of the input's bytes.
    pub fn read<T>(&self, f: impl FnOnce(&mut dyn Read) -> Result<T>) -> Result<T> {
        match &self.kind {
            InputKind::File(path) => {
                let mut file = File::open(path).map_err(io(path))?;
                f(&mut file)
            }
            InputKind::ZipMember { archive, index } => {
                let file = File::open(archive).map_err(io(archive))?;
                let mut zip =
                    zip::ZipArchive::new(BufReader::new(file)).map_err(|e| zip_err(archive, e))?;
                let mut member = zip.by_index(*index).map_err(|e| zip_err(archive, e))?;
                f(&mut member)
            }
        }
    }

    /// The whole input in memory (for small files such as code lists).
    pub fn read_all(&self) -> Result<Vec<u8>> {
        let name = PathBuf::from(&self.name);
        self.read(|r| {
            let mut buf = Vec::new();
            r.read_to_end(&mut buf).map_err(io(&name))?;
            Ok(buf)
        })
    }
}

fn walk(dir: &Path, depth: usize, out: &mut Vec<Input>) -> Result<()> {
    for entry in std::fs::read_dir(dir).map_err(io(dir))? {
        let entry = entry.map_err(io(dir))?;
        let path = entry.path();
        let meta = entry.metadata().map_err(io(&path))?;
        if meta.is_dir() {
            if depth < 2 {
                walk(&path, depth + 1, out)?;
            }
        } else {
            out.push(Input::file(&path, Some(meta.len())));
        }
    }
    Ok(())
}
