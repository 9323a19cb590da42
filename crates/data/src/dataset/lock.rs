//! One writer at a time per dataset folder.
//!
//! Writers (ingest, `dataset repair`) hold an exclusive OS advisory lock on
//! `DIR/.hallyu-dataset.lock` from start to finish, with their process id written in it so
//! that a second writer can name the holder; `dataset verify` holds a shared one. A writer
//! that finds the folder locked waits briefly ([`WAIT`]) for the holder to finish, then
//! fails with a message naming the holder's pid and the lock file.
//!
//! The operating system releases the lock when the process ends however it ends, so a
//! killed ingest never leaves the folder locked: its lock file still names it, and the next
//! writer takes the lock over and says so. A writer that finishes normally empties the
//! file. The file itself stays: deleting it would let a second process lock a new file
//! while a first still holds the old one.
//!
//! Within one process, writers of the same folder share the lock (a series ingest stages
//! one writer per file), and their commits take turns on a mutex.

use crate::{DataError, Result};
use std::fs::{File, OpenOptions, TryLockError};
use std::io::{Read, Seek, Write};
use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex, MutexGuard, Weak};
use std::time::{Duration, Instant};

/// File name of the lock file inside a dataset folder.
pub const LOCK_FILE: &str = ".hallyu-dataset.lock";

/// How long a writer waits for another process to release the folder before failing.
pub(crate) const WAIT: Duration = Duration::from_secs(3);

/// How often a waiting writer tries again.
const POLL: Duration = Duration::from_millis(100);

/// The exclusive lock of one dataset folder, shared by the writers of this process.
#[derive(Debug)]
pub(crate) struct WriteLock {
    file: File,
    path: PathBuf,
    commits: Mutex<()>,
}

impl WriteLock {
    /// Serialises commits of writers of this process.
    pub(crate) fn commit_turn(&self) -> MutexGuard<'_, ()> {
        self.commits
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner)
    }

    /// The lock file.
    pub(crate) fn path(&self) -> &Path {
        &self.path
    }
}

impl Drop for WriteLock {
    /// A writer that ends normally empties the file before the lock is released, so that a
    /// holder still named in it later is one that was killed.
    fn drop(&mut self) {
        let _ = self.file.set_len(0);
    }
}

/// What taking the write lock found.
#[derive(Debug)]
pub(crate) struct Taken {
    /// The lock, shared with the other writers of this process.
    pub(crate) lock: Arc<WriteLock>,
    /// True when this call took the OS lock (no other writer of this process is active),
    /// so whatever temporary files the folder holds belong to dead writers.
    pub(crate) fresh: bool,
    /// The process a killed writer left named in the lock file, whose lock this call took
    /// over.
    pub(crate) stale_holder: Option<String>,
}

/// Locks held by this process, by canonical folder path.
static HELD: Mutex<Vec<(PathBuf, Weak<WriteLock>)>> = Mutex::new(Vec::new());

/// The exclusive lock of `dir` (an existing folder). When another process holds it, waits
/// up to [`WAIT`] for it, then fails naming the holder.
pub(crate) fn write_lock(dir: &Path) -> Result<Taken> {
    write_lock_waiting(dir, WAIT)
}

fn write_lock_waiting(dir: &Path, wait: Duration) -> Result<Taken> {
    let key = dir.canonicalize().map_err(|source| DataError::Io {
        path: dir.to_path_buf(),
        source,
    })?;
    let mut held = HELD
        .lock()
        .unwrap_or_else(std::sync::PoisonError::into_inner);
    held.retain(|(_, w)| w.strong_count() > 0);
    if let Some(lock) = held
        .iter()
        .find(|(k, _)| *k == key)
        .and_then(|(_, w)| w.upgrade())
    {
        return Ok(Taken {
            lock,
            fresh: false,
            stale_holder: None,
        });
    }
    let path = dir.join(LOCK_FILE);
    let io = |source| DataError::Io {
        path: path.clone(),
        source,
    };
    let mut file = OpenOptions::new()
        .read(true)
        .write(true)
        .create(true)
        .truncate(false)
        .open(&path)
        .map_err(io)?;
    let start = Instant::now();
    loop {
        match file.try_lock() {
            Ok(()) => break,
            Err(TryLockError::WouldBlock) if start.elapsed() < wait => std::thread::sleep(POLL),
            Err(TryLockError::WouldBlock) => return Err(busy(dir, &path, wait)),
            Err(TryLockError::Error(source)) => return Err(io(source)),
        }
    }
    let stale_holder = holder(&mut file);
    file.set_len(0).map_err(io)?;
    file.rewind().map_err(io)?;
    writeln!(file, "pid {}", std::process::id()).map_err(io)?;
    file.flush().map_err(io)?;
    let lock = Arc::new(WriteLock {
        file,
        path,
        commits: Mutex::new(()),
    });
    held.push((key, Arc::downgrade(&lock)));
    Ok(Taken {
        lock,
        fresh: true,
        stale_holder,
    })
}

/// The holder named in a lock file (`pid 1234`), if any.
fn holder(file: &mut File) -> Option<String> {
    let mut text = String::new();
    file.rewind().ok()?;
    // The file is a line written by hallyu; a few bytes are enough to name the holder.
    file.take(200).read_to_string(&mut text).ok()?;
    let line = text.lines().next()?.trim();
    (!line.is_empty()).then(|| line.to_string())
}

/// A shared lock on `dir` (writers wait for it to be released), or `None` when the folder
/// has no lock file and cannot get one (a read-only copy: no writer can be active there).
/// When a writer holds the folder, waits up to [`WAIT`] for it, then fails naming it.
pub(crate) fn read_lock(dir: &Path) -> Result<Option<File>> {
    let path = dir.join(LOCK_FILE);
    let file = match OpenOptions::new()
        .read(true)
        .write(true)
        .create(true)
        .truncate(false)
        .open(&path)
    {
        Ok(f) => f,
        Err(_) => match File::open(&path) {
            Ok(f) => f,
            Err(_) => return Ok(None),
        },
    };
    let start = Instant::now();
    loop {
        match file.try_lock_shared() {
            Ok(()) => return Ok(Some(file)),
            Err(TryLockError::WouldBlock) if start.elapsed() < WAIT => std::thread::sleep(POLL),
            Err(TryLockError::WouldBlock) => return Err(busy(dir, &path, WAIT)),
            Err(TryLockError::Error(source)) => return Err(DataError::Io { path, source }),
        }
    }
}

/// Whether a writer holds `dir`'s lock right now (in this process or another).
pub(crate) fn writer_active(dir: &Path) -> bool {
    let Ok(file) = File::open(dir.join(LOCK_FILE)) else {
        return false;
    };
    matches!(file.try_lock_shared(), Err(TryLockError::WouldBlock))
}

fn busy(dir: &Path, lock: &Path, waited: Duration) -> DataError {
    let who = File::open(lock)
        .ok()
        .and_then(|mut f| holder(&mut f))
        .map_or_else(
            || "another hallyu process (a `hallyu dataset verify`, or a writer that has not named itself yet)".to_string(),
            |h| format!("another hallyu process ({h}: an ingest or `hallyu dataset repair`)"),
        );
    DataError::InvalidArgument(format!(
        "{} is in use by {who}, which holds the lock {}; waited {} s. \
         Run this again when it has finished (never two ingests into one folder at once)",
        dir.display(),
        lock.display(),
        waited.as_secs()
    ))
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Another open file description of the lock file, locked as another process would,
    /// naming `pid`.
    fn held_elsewhere(dir: &Path, pid: &str) -> File {
        let mut other = File::create(dir.join(LOCK_FILE)).unwrap();
        other.lock().unwrap();
        writeln!(other, "pid {pid}").unwrap();
        other
    }

    #[test]
    fn a_second_process_lock_is_refused_naming_its_pid() {
        let dir = tempfile::tempdir().unwrap();
        let other = held_elsewhere(dir.path(), "4242");
        assert!(writer_active(dir.path()));
        let e = write_lock_waiting(dir.path(), Duration::ZERO)
            .unwrap_err()
            .to_string();
        assert!(
            e.contains(LOCK_FILE) && e.contains("in use") && e.contains("pid 4242"),
            "{e}"
        );
        // Released as a writer that finishes releases it: its pid cleared first.
        other.set_len(0).unwrap();
        other.unlock().unwrap();
        assert!(!writer_active(dir.path()));
        let a = write_lock_waiting(dir.path(), Duration::ZERO).unwrap();
        // Released, not killed: nothing was taken over.
        assert!(a.fresh && a.stale_holder.is_none(), "{a:?}");
        assert!(writer_active(dir.path()));
        let text = std::fs::read_to_string(dir.path().join(LOCK_FILE)).unwrap();
        assert_eq!(text, format!("pid {}\n", std::process::id()));
        // A second writer of this process shares it, and is told so.
        let b = write_lock(dir.path()).unwrap();
        assert!(!b.fresh && Arc::ptr_eq(&a.lock, &b.lock));
        drop((a, b));
        assert!(!writer_active(dir.path()));
        // A writer that ends normally leaves the file empty.
        assert_eq!(std::fs::read(dir.path().join(LOCK_FILE)).unwrap(), b"");
        assert!(read_lock(dir.path()).unwrap().is_some());
    }

    #[test]
    fn a_writer_waits_for_a_holder_that_finishes() {
        let dir = tempfile::tempdir().unwrap();
        let other = held_elsewhere(dir.path(), "4242");
        let release = std::thread::spawn(move || {
            std::thread::sleep(Duration::from_millis(300));
            other.set_len(0).unwrap();
            other.unlock().unwrap();
        });
        let taken = write_lock_waiting(dir.path(), Duration::from_secs(10)).unwrap();
        release.join().unwrap();
        assert!(taken.fresh && taken.stale_holder.is_none(), "{taken:?}");
    }

    #[test]
    fn the_lock_of_a_dead_writer_is_taken_over_and_named() {
        let dir = tempfile::tempdir().unwrap();
        // What a killed writer leaves: its pid in a file no process has locked.
        std::fs::write(dir.path().join(LOCK_FILE), "pid 999999\n").unwrap();
        assert!(!writer_active(dir.path()));
        let taken = write_lock_waiting(dir.path(), Duration::ZERO).unwrap();
        assert!(taken.fresh);
        assert_eq!(taken.stale_holder.as_deref(), Some("pid 999999"));
    }

    #[test]
    fn verify_waits_then_names_the_writer() {
        let dir = tempfile::tempdir().unwrap();
        let _other = held_elsewhere(dir.path(), "4242");
        let e = read_lock(dir.path()).unwrap_err().to_string();
        assert!(e.contains(LOCK_FILE) && e.contains("pid 4242"), "{e}");
    }
}
