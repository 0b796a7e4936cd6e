//! How golive writes files: every file it writes goes through here, so that a crash, a
//! `kill -9`, a full disk or a second golive running at the same time leaves either the old
//! content or the new one, never a mix, a truncated file or an empty one.
//!
//! - [`write_atomic`]: the bytes go to a temporary file in the target's own directory, which is
//!   flushed to disk (`fsync`) and then renamed over the target (a rename within a directory is
//!   atomic), and the directory is flushed so that the rename itself survives a power cut.
//! - [`write_new`]: the same, for files that must not replace an existing one (`golive init`
//!   without `--force`): the temporary file is hard-linked to the target, which fails if the
//!   target exists, even when two processes race.
//! - [`lock`]: an exclusive advisory lock on `<target>.lock` beside the target, held for a whole
//!   read-modify-write (`golive checklist sign` reads the sign-offs, appends one event and
//!   writes them back): concurrent writers wait for each other instead of losing events. The
//!   lock is released when the guard is dropped or the process dies, however it dies.
//!
//! Test-only: when the environment variable `GOLIVE_TEST_WRITE_DELAY_MS` is set (to a number of
//! milliseconds), every step of a write prints `golive-test-write: STEP PATH` on stderr and then
//! sleeps that long, so that tests can kill the process at each step and check what is left.
//! It is not meant for any other use.

use std::fs::{File, OpenOptions};
use std::io::{self, Write};
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicU64, Ordering};

/// The environment variable of the test-only delay between the steps of a write.
pub const TEST_DELAY_ENV: &str = "GOLIVE_TEST_WRITE_DELAY_MS";

/// The part of a temporary file's name after the target's name: `.NAME.golive-tmp-PID-N`.
const TMP_MARK: &str = ".golive-tmp-";

fn test_step(step: &str, path: &Path) {
    if let Some(ms) = std::env::var_os(TEST_DELAY_ENV)
        .and_then(|v| v.to_str().and_then(|s| s.trim().parse::<u64>().ok()))
    {
        let mut err = io::stderr().lock();
        let _ = writeln!(err, "golive-test-write: {step} {}", path.display());
        let _ = err.flush();
        drop(err);
        std::thread::sleep(std::time::Duration::from_millis(ms));
    }
}

/// The directory a file is in (`.` for a bare file name).
fn parent_dir(path: &Path) -> &Path {
    match path.parent() {
        Some(d) if !d.as_os_str().is_empty() => d,
        _ => Path::new("."),
    }
}

fn file_name(path: &Path) -> io::Result<String> {
    path.file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .ok_or_else(|| {
            io::Error::new(
                io::ErrorKind::InvalidInput,
                format!("{} does not name a file", path.display()),
            )
        })
}

/// Flushes a directory's entries to disk (after a rename in it). Not possible on every
/// platform (Windows cannot open a directory as a file); there the rename is still atomic.
fn sync_dir(dir: &Path) -> io::Result<()> {
    #[cfg(unix)]
    {
        File::open(dir)?.sync_all()
    }
    #[cfg(not(unix))]
    {
        let _ = dir;
        Ok(())
    }
}

/// A fresh temporary file beside `target`, created exclusively.
fn temp_beside(target: &Path) -> io::Result<(PathBuf, File)> {
    static COUNTER: AtomicU64 = AtomicU64::new(0);
    let dir = parent_dir(target);
    let name = file_name(target)?;
    loop {
        let n = COUNTER.fetch_add(1, Ordering::Relaxed);
        let tmp = dir.join(format!(".{name}{TMP_MARK}{}-{n}", std::process::id()));
        match OpenOptions::new().write(true).create_new(true).open(&tmp) {
            Ok(f) => return Ok((tmp, f)),
            // Left by an earlier process with the same pid: try the next number.
            Err(e) if e.kind() == io::ErrorKind::AlreadyExists => continue,
            Err(e) => return Err(e),
        }
    }
}

/// Where a write of `target` lands: the file a symbolic link points to (the link stays a
/// link, as with a plain write), else `target` itself.
fn resolve(target: &Path) -> PathBuf {
    match std::fs::symlink_metadata(target) {
        Ok(m) if m.file_type().is_symlink() => {
            std::fs::canonicalize(target).unwrap_or_else(|_| target.to_path_buf())
        }
        _ => target.to_path_buf(),
    }
}

/// Writes `bytes` to a temporary file beside `target` and flushes it to disk; returns its path.
/// The file gets the permissions of the file it replaces, if any. On error the temporary file
/// is removed.
fn write_temp(target: &Path, bytes: &[u8]) -> io::Result<PathBuf> {
    let dir = parent_dir(target);
    std::fs::create_dir_all(dir)?;
    let (tmp, mut f) = temp_beside(target)?;
    let result = (|| {
        if let Ok(m) = std::fs::metadata(target) {
            f.set_permissions(m.permissions())?;
        }
        test_step("temp-created", target);
        let half = bytes.len() / 2;
        f.write_all(&bytes[..half])?;
        test_step("half-written", target);
        f.write_all(&bytes[half..])?;
        test_step("written", target);
        f.sync_all()?;
        test_step("synced", target);
        Ok(())
    })();
    if let Err(e) = result {
        let _ = std::fs::remove_file(&tmp);
        return Err(e);
    }
    Ok(tmp)
}

/// Replaces `target` with `bytes`, atomically: readers and crashes see either the old file or
/// the new one. Creates the target's directory when missing.
pub fn write_atomic(target: &Path, bytes: impl AsRef<[u8]>) -> io::Result<()> {
    let target = &resolve(target);
    let tmp = write_temp(target, bytes.as_ref())?;
    if let Err(e) = std::fs::rename(&tmp, target) {
        let _ = std::fs::remove_file(&tmp);
        return Err(e);
    }
    test_step("renamed", target);
    sync_dir(parent_dir(target))?;
    test_step("done", target);
    Ok(())
}

/// Writes `target` only if it does not exist yet (atomically, as [`write_atomic`]); an
/// existing target gives an error of kind [`io::ErrorKind::AlreadyExists`] and is left as it is.
pub fn write_new(target: &Path, bytes: impl AsRef<[u8]>) -> io::Result<()> {
    let tmp = write_temp(target, bytes.as_ref())?;
    let linked = std::fs::hard_link(&tmp, target);
    let _ = std::fs::remove_file(&tmp);
    match linked {
        Ok(()) => {}
        Err(e) if e.kind() == io::ErrorKind::AlreadyExists => return Err(e),
        // A file system without hard links: fall back to a check and a rename (the race with
        // another writer is then only as narrow as the two calls).
        Err(_) => {
            let tmp = write_temp(target, bytes.as_ref())?;
            if target.exists() {
                let _ = std::fs::remove_file(&tmp);
                return Err(io::Error::new(
                    io::ErrorKind::AlreadyExists,
                    format!("{} already exists", target.display()),
                ));
            }
            if let Err(e) = std::fs::rename(&tmp, target) {
                let _ = std::fs::remove_file(&tmp);
                return Err(e);
            }
        }
    }
    test_step("renamed", target);
    sync_dir(parent_dir(target))?;
    test_step("done", target);
    Ok(())
}

/// An exclusive lock on a target file (on `<target>.lock`), released on drop.
#[derive(Debug)]
pub struct FileLock {
    file: File,
    path: PathBuf,
    target: PathBuf,
}

impl FileLock {
    /// The lock file (`<target>.lock`).
    pub fn path(&self) -> &Path {
        &self.path
    }

    /// Removes temporary files that writers of the target killed before their rename left
    /// behind. Only safe while holding the lock (every writer of the target takes it).
    pub fn clean_stale_temps(&self) {
        let Ok(name) = file_name(&self.target) else {
            return;
        };
        let prefix = format!(".{name}{TMP_MARK}");
        let Ok(entries) = std::fs::read_dir(parent_dir(&self.target)) else {
            return;
        };
        for e in entries.flatten() {
            if e.file_name().to_string_lossy().starts_with(&prefix) {
                let _ = std::fs::remove_file(e.path());
            }
        }
    }
}

impl Drop for FileLock {
    fn drop(&mut self) {
        let _ = self.file.unlock();
    }
}

/// The lock file of a target: `<target>.lock`, beside it.
pub fn lock_path(target: &Path) -> PathBuf {
    let mut s = target.as_os_str().to_owned();
    s.push(".lock");
    PathBuf::from(s)
}

/// Takes the exclusive lock of `target` (creating its directory and `<target>.lock` when
/// missing), waiting while another process holds it. The lock file is never removed (removing
/// it would let two processes lock two different files).
pub fn lock(target: &Path) -> io::Result<FileLock> {
    let path = lock_path(target);
    std::fs::create_dir_all(parent_dir(target))?;
    let file = OpenOptions::new()
        .read(true)
        .write(true)
        .create(true)
        .truncate(false)
        .open(&path)?;
    file.lock()?;
    test_step("locked", target);
    Ok(FileLock {
        file,
        path,
        target: target.to_path_buf(),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn atomic_write_replaces_and_leaves_no_temp() {
        let d = tempfile::tempdir().unwrap();
        let p = d.path().join("sub/x.toml");
        write_atomic(&p, "one\n").unwrap();
        write_atomic(&p, "two\n").unwrap();
        assert_eq!(std::fs::read_to_string(&p).unwrap(), "two\n");
        let names: Vec<_> = std::fs::read_dir(d.path().join("sub"))
            .unwrap()
            .map(|e| e.unwrap().file_name())
            .collect();
        assert_eq!(names, ["x.toml"]);
    }

    #[cfg(unix)]
    #[test]
    fn permissions_and_symlinks_are_kept() {
        use std::os::unix::fs::PermissionsExt;
        let d = tempfile::tempdir().unwrap();
        let real = d.path().join("real.json");
        write_atomic(&real, "old").unwrap();
        std::fs::set_permissions(&real, std::fs::Permissions::from_mode(0o600)).unwrap();
        let link = d.path().join("link.json");
        std::os::unix::fs::symlink(&real, &link).unwrap();
        write_atomic(&link, "new").unwrap();
        assert!(
            std::fs::symlink_metadata(&link)
                .unwrap()
                .file_type()
                .is_symlink()
        );
        assert_eq!(std::fs::read_to_string(&real).unwrap(), "new");
        let mode = std::fs::metadata(&real).unwrap().permissions().mode();
        assert_eq!(mode & 0o777, 0o600);
    }

    #[test]
    fn write_new_never_clobbers() {
        let d = tempfile::tempdir().unwrap();
        let p = d.path().join("golive.toml");
        write_new(&p, "first").unwrap();
        let e = write_new(&p, "second").unwrap_err();
        assert_eq!(e.kind(), io::ErrorKind::AlreadyExists);
        assert_eq!(std::fs::read_to_string(&p).unwrap(), "first");
        assert_eq!(std::fs::read_dir(d.path()).unwrap().count(), 1);
    }

    #[test]
    fn lock_excludes_a_second_holder_until_dropped() {
        let d = tempfile::tempdir().unwrap();
        let p = d.path().join("s.toml");
        let g = lock(&p).unwrap();
        assert_eq!(g.path(), d.path().join("s.toml.lock"));
        let other = OpenOptions::new().write(true).open(g.path()).unwrap();
        assert!(other.try_lock().is_err(), "a second lock must wait");
        drop(g);
        other.try_lock().expect("free after drop");
    }

    #[test]
    fn stale_temps_are_cleaned_under_the_lock() {
        let d = tempfile::tempdir().unwrap();
        let p = d.path().join("s.toml");
        std::fs::write(d.path().join(".s.toml.golive-tmp-1-0"), "half").unwrap();
        std::fs::write(d.path().join("keep.txt"), "x").unwrap();
        let g = lock(&p).unwrap();
        g.clean_stale_temps();
        let mut names: Vec<_> = std::fs::read_dir(d.path())
            .unwrap()
            .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
            .collect();
        names.sort();
        assert_eq!(names, ["keep.txt", "s.toml.lock"]);
    }
}
