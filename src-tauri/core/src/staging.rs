//! Temporary files that become a user's file by one rename (exports,
//! backups, a restore's staged copy), and clearing the ones a killed
//! process left behind.
//!
//! A process killed outright (SIGKILL, a power cut, the app force-quit)
//! runs no destructor, so its temporary file stays in the target folder.
//! The file is harmless — the target is only ever replaced by the rename —
//! but it would pile up beside the user's files. Every staged file is named
//! `.watchlog-*.tmp` and holds an exclusive advisory lock (`flock`) for as
//! long as its writer has it open; the kernel drops the lock when the
//! process dies, however it dies. [`sweep`] removes the staged files in a
//! folder whose lock it can take, and so never one that a live process,
//! this one or another, is still writing. It runs when a library is opened
//! (its folder and its `backups/` folder) and before each staged write
//! (the target's folder), so the next start clears what a killed run left.
//!
//! On platforms without `flock` files are staged the same way, unlocked,
//! and [`sweep`] only removes SQLite side files whose staged file is gone.

use std::fs::File;
use std::io;
use std::path::Path;

use tempfile::NamedTempFile;

const PREFIX: &str = ".watchlog-";
const SUFFIX: &str = ".tmp";
/// Files SQLite may keep beside a staged database while it writes it.
const SQLITE_SIDE_FILES: [&str; 3] = ["-journal", "-wal", "-shm"];

/// A new, locked temporary file in `dir`, named `.watchlog-XXXXXX<ext>.tmp`.
pub(crate) fn create(dir: &Path, ext: &str) -> io::Result<NamedTempFile> {
    let tmp = tempfile::Builder::new()
        .prefix(PREFIX)
        .suffix(&format!("{ext}{SUFFIX}"))
        .tempfile_in(dir)?;
    lock(tmp.as_file())?;
    Ok(tmp)
}

/// Is `name` a file [`create`] makes, or one of SQLite's files beside it?
/// Returns the staged file's own name.
fn staged_name(name: &str) -> Option<&str> {
    let base = SQLITE_SIDE_FILES
        .iter()
        .find_map(|side| name.strip_suffix(side))
        .unwrap_or(name);
    (base.starts_with(PREFIX) && base.ends_with(SUFFIX)).then_some(base)
}

/// Removes from `dir` the staged files no live process holds, with their
/// SQLite side files. Best effort: a folder that cannot be read, or a file
/// that cannot be removed, is left as it is.
pub(crate) fn sweep(dir: &Path) {
    let Ok(read) = std::fs::read_dir(dir) else {
        return;
    };
    for entry in read.flatten() {
        let name = entry.file_name();
        let Some(base) = name.to_str().and_then(staged_name) else {
            continue;
        };
        let path = entry.path();
        let base_path = dir.join(base);
        let abandoned = match File::open(&base_path) {
            // Locking a file that a live writer holds fails at once; the
            // lock taken here is dropped with `file` before the removal.
            Ok(file) => try_lock(&file),
            // A side file whose staged file is gone.
            Err(e) => e.kind() == io::ErrorKind::NotFound,
        };
        if abandoned {
            let _ = std::fs::remove_file(&path);
        }
    }
}

#[cfg(unix)]
fn lock(file: &File) -> io::Result<()> {
    rustix::fs::flock(file, rustix::fs::FlockOperation::LockExclusive).map_err(io::Error::from)
}

#[cfg(not(unix))]
fn lock(_: &File) -> io::Result<()> {
    Ok(())
}

#[cfg(unix)]
fn try_lock(file: &File) -> bool {
    rustix::fs::flock(file, rustix::fs::FlockOperation::NonBlockingLockExclusive).is_ok()
}

#[cfg(not(unix))]
fn try_lock(_: &File) -> bool {
    false
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn staged_names_and_their_side_files_are_recognised() {
        assert_eq!(
            staged_name(".watchlog-aB3dE9.db.tmp-journal"),
            Some(".watchlog-aB3dE9.db.tmp")
        );
        assert_eq!(
            staged_name(".watchlog-aB3dE9.tmp"),
            Some(".watchlog-aB3dE9.tmp")
        );
        assert_eq!(staged_name("watchlog.db"), None);
        assert_eq!(staged_name("watchlog.db-wal"), None);
        assert_eq!(staged_name(".watchlog-notes.txt"), None);
    }

    #[cfg(unix)]
    #[test]
    fn sweep_keeps_files_being_written_and_removes_abandoned_ones() {
        let dir = tempfile::tempdir().unwrap();
        let live = create(dir.path(), ".db").unwrap();
        // What a killed writer leaves: a staged file nobody holds, and an
        // SQLite journal beside it.
        let abandoned = dir.path().join(".watchlog-killed.db.tmp");
        std::fs::write(&abandoned, b"half a backup").unwrap();
        let journal = dir.path().join(".watchlog-killed.db.tmp-journal");
        std::fs::write(&journal, b"journal").unwrap();
        let users = dir.path().join("notes.tmp");
        std::fs::write(&users, b"the user's own file").unwrap();

        sweep(dir.path());

        assert!(
            live.path().exists(),
            "a file still being written was removed"
        );
        assert!(!abandoned.exists(), "an abandoned staged file was kept");
        assert!(!journal.exists(), "an abandoned journal was kept");
        assert!(users.exists(), "a file that is not ours was removed");
        let name = live.path().to_path_buf();
        drop(live);
        assert!(!name.exists());
    }
}
