//! Backups of the library file and restoring from one.
//!
//! A backup is a copy taken through SQLite's online backup API, so it is a
//! consistent snapshot even while the app or the CLI is writing, and it is
//! checked with `PRAGMA integrity_check` before it is put in place (under a
//! temporary name, renamed only once complete). Automatic backups go to a
//! `backups/` folder beside the library as `watchlog-YYYYMMDD-HHMMSS.db`
//! (UTC), keeping the newest few.
//!
//! Restoring checks that the file is a Watchlog library, undamaged and not
//! from a newer Watchlog *before* touching anything, keeps the current file
//! aside as `watchlog.db.before-restore-<timestamp>`, and swaps the backup
//! in with one rename.

use std::path::{Path, PathBuf};
use std::time::Duration;

use chrono::{DateTime, Utc};
use rusqlite::{Connection, OpenFlags};
use serde::{Deserialize, Serialize};

use crate::error::{Error, Result};
use crate::staging;
use crate::store::{self, Library, APPLICATION_ID};
use crate::transfer::sync_dir;

/// How many automatic backups are kept unless the user says otherwise.
pub const DEFAULT_RETENTION: usize = 10;

/// What a backup produced.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct BackupInfo {
    pub path: PathBuf,
    pub size_bytes: u64,
    /// Automatic backups removed to keep the folder at its retention count.
    pub pruned: Vec<PathBuf>,
}

/// What a restore did.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct RestoreInfo {
    pub restored_from: PathBuf,
    /// Where the library that was replaced now is (`None` when there was
    /// no library file yet).
    pub previous_kept_at: Option<PathBuf>,
}

impl Library {
    /// Copies the library to `dest` (replacing a file there only once the
    /// copy is complete and checked).
    pub fn backup_to(&self, dest: impl AsRef<Path>) -> Result<BackupInfo> {
        let dest = dest.as_ref();
        self.refuse_own_files(dest, "the backup")?;
        // Not `transfer::write_atomically`: SQLite must open the temporary
        // file itself, so the same steps are done in `copy_database`.
        copy_database(|dst| self.copy_pages_into(dst), dest, "the backup")?;
        Ok(BackupInfo {
            path: dest.to_path_buf(),
            size_bytes: std::fs::metadata(dest).map_or(0, |m| m.len()),
            pruned: Vec::new(),
        })
    }
}

/// The folder automatic backups go to: `backups/` beside the library file.
pub fn default_backup_dir(library_path: &Path) -> PathBuf {
    store::folder_of(library_path).join(store::BACKUP_FOLDER)
}

/// Takes a backup named after the current time into `dir` (default:
/// [`default_backup_dir`]) and removes the oldest automatic backups beyond
/// `retention` (default [`DEFAULT_RETENTION`]). Only files named like
/// automatic backups are ever removed.
pub fn backup_auto(
    lib: &Library,
    dir: Option<&Path>,
    retention: Option<usize>,
) -> Result<BackupInfo> {
    backup_auto_at(lib, dir, retention, Utc::now())
}

/// [`backup_auto`] with the time given, for tests.
pub fn backup_auto_at(
    lib: &Library,
    dir: Option<&Path>,
    retention: Option<usize>,
    now: DateTime<Utc>,
) -> Result<BackupInfo> {
    let retention = retention.unwrap_or(DEFAULT_RETENTION);
    if retention == 0 {
        return Err(Error::invalid(
            "keep at least one backup (the retention count must be 1 or more)",
        ));
    }
    let dir = match (dir, lib.path()) {
        (Some(d), _) => d.to_path_buf(),
        (None, Some(p)) => default_backup_dir(p),
        (None, None) => {
            return Err(Error::invalid(
                "this library is only in memory; give a folder for its backup",
            ))
        }
    };
    std::fs::create_dir_all(&dir).map_err(|e| {
        Error::io(
            format!("cannot create the backup folder {}", dir.display()),
            e,
        )
    })?;
    let stamp = now.format("%Y%m%d-%H%M%S").to_string();
    let mut path = dir.join(format!("watchlog-{stamp}.db"));
    let mut n = 2;
    while path.exists() {
        path = dir.join(format!("watchlog-{stamp}-{n}.db"));
        n += 1;
    }
    let mut info = lib.backup_to(&path)?;
    info.pruned = prune(&dir, retention)?;
    Ok(info)
}

/// Is `name` one of ours: `watchlog-YYYYMMDD-HHMMSS[-N].db`?
fn is_auto_backup(name: &str) -> bool {
    let Some(rest) = name
        .strip_prefix("watchlog-")
        .and_then(|r| r.strip_suffix(".db"))
    else {
        return false;
    };
    let b = rest.as_bytes();
    b.len() >= 15
        && b[..8].iter().all(u8::is_ascii_digit)
        && b[8] == b'-'
        && b[9..15].iter().all(u8::is_ascii_digit)
        && (b.len() == 15
            || (b[15] == b'-' && b.len() > 16 && b[16..].iter().all(u8::is_ascii_digit)))
}

/// The automatic backups in `dir`, oldest first.
pub fn list_backups(dir: &Path) -> Result<Vec<PathBuf>> {
    let read = std::fs::read_dir(dir).map_err(|e| {
        Error::io(
            format!("cannot read the backup folder {}", dir.display()),
            e,
        )
    })?;
    let mut found: Vec<(String, u32, PathBuf)> = read
        .flatten()
        .filter_map(|e| {
            let name = e.file_name().to_str()?.to_string();
            if !is_auto_backup(&name) {
                return None;
            }
            // Same-second backups get "-2", "-3": order them numerically.
            let stem = &name["watchlog-".len()..name.len() - 3];
            let seq = stem.get(16..).and_then(|s| s.parse().ok()).unwrap_or(1);
            Some((stem[..15].to_string(), seq, e.path()))
        })
        .collect();
    found.sort();
    Ok(found.into_iter().map(|(_, _, p)| p).collect())
}

fn prune(dir: &Path, retention: usize) -> Result<Vec<PathBuf>> {
    let all = list_backups(dir)?;
    let excess = all.len().saturating_sub(retention);
    let mut removed = Vec::new();
    for p in all.into_iter().take(excess) {
        std::fs::remove_file(&p)
            .map_err(|e| Error::io(format!("cannot remove the old backup {}", p.display()), e))?;
        removed.push(p);
    }
    Ok(removed)
}

/// Copies a database into `dest` through a temporary file in `dest`'s
/// folder: `fill` copies the pages in (the backup API), then the copy is
/// switched out of WAL (a backup is one self-contained file), checked,
/// fsynced and renamed. Returns the file, still open: while it is, its
/// staging lock keeps [`staging::sweep`] in other processes from taking it
/// for a killed run's leftover.
fn copy_database(
    fill: impl FnOnce(&mut Connection) -> Result<()>,
    dest: &Path,
    what: &str,
) -> Result<std::fs::File> {
    let dir = match dest.parent() {
        Some(d) if !d.as_os_str().is_empty() => d,
        _ => Path::new("."),
    };
    if dest.is_dir() {
        return Err(Error::invalid(format!(
            "{} is a folder; give the path of a file for {what}",
            dest.display()
        )));
    }
    // What an earlier, killed backup to this folder left.
    staging::sweep(dir);
    let tmp = staging::create(dir, ".db")
        .map_err(|e| Error::io(format!("cannot write {what} in {}", dir.display()), e))?;
    {
        let mut dst = Connection::open(tmp.path())?;
        fill(&mut dst)?;
        dst.pragma_update(None, "journal_mode", "DELETE")?;
        let problems = integrity(&dst)?;
        if problems != ["ok"] {
            return Err(Error::Corrupt {
                path: dest.to_path_buf(),
                detail: format!(
                    "the copy failed SQLite's integrity check: {}",
                    problems.join("; ")
                ),
            });
        }
    }
    tmp.as_file()
        .sync_all()
        .map_err(|e| Error::io(format!("could not save {what} {}", dest.display()), e))?;
    let file = tmp.persist(dest).map_err(|e| {
        Error::io(
            format!("could not put {what} in place at {}", dest.display()),
            e.error,
        )
    })?;
    sync_dir(dir);
    Ok(file)
}

fn integrity(conn: &Connection) -> Result<Vec<String>> {
    let mut stmt = conn.prepare("PRAGMA integrity_check")?;
    let rows = stmt.query_map([], |r| r.get::<_, String>(0))?;
    Ok(rows.collect::<rusqlite::Result<_>>()?)
}

/// Checks that `backup` can replace a library: a Watchlog library, from
/// this version or an older one, that passes SQLite's integrity check.
/// Nothing is written.
pub fn check_backup(backup: &Path) -> Result<()> {
    if !backup.is_file() {
        return Err(Error::invalid(format!(
            "{} is not a file; give the path of a backup",
            backup.display()
        )));
    }
    store::inspect(backup)?;
    let conn = store::open_for_inspection(backup).map_err(|e| store::classify(backup, e))?;
    let app_id: i32 = conn
        .pragma_query_value(None, "application_id", |r| r.get(0))
        .map_err(|e| store::classify(backup, e))?;
    // `inspect` lets an empty file through (a new library); a backup must
    // be a real one.
    if app_id != APPLICATION_ID {
        return Err(Error::NotALibrary {
            path: backup.to_path_buf(),
        });
    }
    let problems = integrity(&conn).map_err(|e| match e {
        Error::Database(e) => store::classify(backup, e),
        other => other,
    })?;
    if problems != ["ok"] {
        return Err(Error::Corrupt {
            path: backup.to_path_buf(),
            detail: format!("SQLite's integrity check found: {}", problems.join("; ")),
        });
    }
    Ok(())
}

/// Replaces the library at `library_path` with `backup_path`. Close every
/// `Library` on that file first (the app drops its own; the CLI opens
/// none).
///
/// Nothing is touched unless the backup passes [`check_backup`]. The
/// current library is first checkpointed (so its `-wal` holds nothing
/// unsaved) and kept as `<name>.before-restore-<timestamp>`; the backup is
/// copied to a temporary file beside it, checked, synced and renamed over
/// the library in one step, so there is never a moment without a library
/// file.
pub fn restore(library_path: &Path, backup_path: &Path) -> Result<RestoreInfo> {
    restore_at(library_path, backup_path, Utc::now())
}

/// [`restore`] with the time given, for tests.
pub fn restore_at(
    library_path: &Path,
    backup_path: &Path,
    now: DateTime<Utc>,
) -> Result<RestoreInfo> {
    check_backup(backup_path)?;
    if let (Ok(a), Ok(b)) = (
        std::fs::canonicalize(library_path),
        std::fs::canonicalize(backup_path),
    ) {
        if a == b {
            return Err(Error::invalid(
                "the backup is the library itself; choose another file",
            ));
        }
    }
    let exists = library_path.is_file();
    if exists {
        settle_live_file(library_path)?;
    }
    // Copy the backup beside the library first: if that fails, nothing has
    // changed yet.
    let src =
        store::open_for_inspection(backup_path).map_err(|e| store::classify(backup_path, e))?;
    // Named like a staged file, so that if this process is killed before
    // the rename below, the next start removes it.
    let staged = library_path.with_file_name(format!(
        ".watchlog-restoring-{}.tmp",
        library_path
            .file_name()
            .map_or("watchlog.db".into(), |n| n.to_string_lossy())
    ));
    let staged_guard = RemoveOnDrop(staged.clone());
    let staged_lock = copy_database(
        |dst| store::copy_pages(&src, dst),
        &staged,
        "the restored library",
    )?;
    drop(src);
    let previous_kept_at = if exists {
        let aside = aside_name(library_path, now);
        keep_aside(library_path, &aside)?;
        Some(aside)
    } else {
        None
    };
    std::fs::rename(&staged, library_path).map_err(|e| {
        Error::io(
            format!(
                "could not put the backup in place at {} (your library is unchanged{})",
                library_path.display(),
                previous_kept_at
                    .as_ref()
                    .map(|p| format!("; a copy is also at {}", p.display()))
                    .unwrap_or_default()
            ),
            e,
        )
    })?;
    std::mem::forget(staged_guard);
    drop(staged_lock);
    if let Some(dir) = library_path.parent() {
        sync_dir(if dir.as_os_str().is_empty() {
            Path::new(".")
        } else {
            dir
        });
    }
    Ok(RestoreInfo {
        restored_from: backup_path.to_path_buf(),
        previous_kept_at,
    })
}

/// Makes the main file hold everything and removes its `-wal` and `-shm`,
/// which would otherwise be replayed onto the restored file. Refuses while
/// another program holds the library open.
fn settle_live_file(path: &Path) -> Result<()> {
    let side = |suffix: &str| {
        let mut p = path.as_os_str().to_owned();
        p.push(suffix);
        PathBuf::from(p)
    };
    let wal = side("-wal");
    let shm = side("-shm");
    if !wal.exists() && !shm.exists() {
        return Ok(());
    }
    let busy = || {
        Error::invalid(format!(
            "{} is open in another program (the Watchlog app or a `watchlog` command); close it and restore again. Nothing was changed",
            path.display()
        ))
    };
    // A damaged library cannot be opened or checkpointed; its side files
    // are kept aside with it by `keep_aside`.
    if let Ok(conn) = Connection::open_with_flags(path, OpenFlags::SQLITE_OPEN_READ_WRITE) {
        {
            // An exclusive lock fails while anyone else has the file open.
            // A file SQLite cannot read is not busy but damaged: it is
            // kept aside as it is, side files and all.
            let damaged = |e: &rusqlite::Error| {
                matches!(
                    e.sqlite_error_code(),
                    Some(rusqlite::ErrorCode::NotADatabase | rusqlite::ErrorCode::DatabaseCorrupt)
                )
            };
            conn.busy_timeout(Duration::from_millis(500))?;
            match conn.pragma_update(None, "locking_mode", "EXCLUSIVE") {
                Err(e) if damaged(&e) => return Ok(()),
                other => other.map_err(|_| busy())?,
            }
            match conn.execute_batch("BEGIN EXCLUSIVE; COMMIT;") {
                Err(e) if damaged(&e) => return Ok(()),
                other => other.map_err(|_| busy())?,
            }
            let busy_flag: i64 = conn
                .query_row("PRAGMA wal_checkpoint(TRUNCATE)", [], |r| r.get(0))
                .map_err(|_| busy())?;
            if busy_flag != 0 {
                return Err(busy());
            }
            conn.pragma_update(None, "journal_mode", "DELETE")
                .map_err(|_| busy())?;
            drop(conn);
        }
    }
    Ok(())
}

fn aside_name(path: &Path, now: DateTime<Utc>) -> PathBuf {
    let name = path
        .file_name()
        .map_or("watchlog.db".into(), |n| n.to_string_lossy().into_owned());
    let stamp = now.format("%Y%m%d-%H%M%S");
    let mut aside = path.with_file_name(format!("{name}.before-restore-{stamp}"));
    let mut n = 2;
    while aside.exists() {
        aside = path.with_file_name(format!("{name}.before-restore-{stamp}-{n}"));
        n += 1;
    }
    aside
}

/// Keeps the current library (and any side files left) under `aside`,
/// without a moment where the library path is empty: a hard link where the
/// file system has them, a copy otherwise.
fn keep_aside(path: &Path, aside: &Path) -> Result<()> {
    if std::fs::hard_link(path, aside).is_err() {
        std::fs::copy(path, aside).map_err(|e| {
            Error::io(
                format!(
                    "could not keep the current library aside at {} (nothing was changed)",
                    aside.display()
                ),
                e,
            )
        })?;
    }
    for suffix in ["-wal", "-shm"] {
        let mut side = path.as_os_str().to_owned();
        side.push(suffix);
        let side = PathBuf::from(side);
        if side.exists() {
            let mut to = aside.as_os_str().to_owned();
            to.push(suffix);
            std::fs::rename(&side, PathBuf::from(to))
                .map_err(|e| Error::io(format!("could not move {} aside", side.display()), e))?;
        }
    }
    Ok(())
}

/// Removes a staged file if the restore stops before using it.
struct RemoveOnDrop(PathBuf);

impl Drop for RemoveOnDrop {
    fn drop(&mut self) {
        let _ = std::fs::remove_file(&self.0);
    }
}

/// One automatic backup as the CLI and the app list it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct BackupFile {
    /// The file name inside the backup folder (`watchlog-20261124-183000.db`);
    /// the app restores by this name, so no path crosses IPC.
    pub name: String,
    pub size_bytes: u64,
    /// When it was taken, read from its name (UTC).
    pub taken_at: Option<DateTime<Utc>>,
}

impl BackupFile {
    /// Describes the backup at `path` (an automatic one or any other file).
    pub fn describe(path: &Path) -> BackupFile {
        let name = path
            .file_name()
            .map(|n| n.to_string_lossy().into_owned())
            .unwrap_or_default();
        BackupFile {
            taken_at: taken_at(&name),
            size_bytes: std::fs::metadata(path).map_or(0, |m| m.len()),
            name,
        }
    }
}

/// The moment in an automatic backup's name, if it is one.
fn taken_at(name: &str) -> Option<DateTime<Utc>> {
    if !is_auto_backup(name) {
        return None;
    }
    let stamp = &name["watchlog-".len().."watchlog-".len() + 15];
    chrono::NaiveDateTime::parse_from_str(stamp, "%Y%m%d-%H%M%S")
        .ok()
        .map(|t| t.and_utc())
}

/// The automatic backups in `dir`, newest first, described. A folder that
/// does not exist yet holds none.
pub fn describe_backups(dir: &Path) -> Result<Vec<BackupFile>> {
    if !dir.exists() {
        return Ok(Vec::new());
    }
    let mut all: Vec<BackupFile> = list_backups(dir)?
        .iter()
        .map(|p| BackupFile::describe(p))
        .collect();
    all.reverse();
    Ok(all)
}

/// The automatic backup called `name` in `dir`. Only names that
/// [`list_backups`] would list are accepted, so a name can never reach
/// outside the backup folder.
pub fn find_backup(dir: &Path, name: &str) -> Result<PathBuf> {
    let path = dir.join(name);
    if !is_auto_backup(name) || !path.is_file() {
        return Err(Error::invalid(format!(
            "there is no backup called '{name}' in {}",
            dir.display()
        )));
    }
    Ok(path)
}

/// A damaged library moved out of the way, and the newest backup that
/// passes its checks, which the app offers in one click and `watchlog
/// doctor` names.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct Recovery {
    /// What was wrong, in words ("SQLite cannot read it as a database").
    pub problem: String,
    /// Where the damaged file now is (`watchlog.db.damaged-<time>`; its
    /// `-wal` and `-shm` files beside it under the same name).
    pub damaged_kept_at: String,
    /// The newest automatic backup that opens and passes SQLite's
    /// integrity check.
    pub backup: Option<BackupFile>,
}

/// Moves the damaged library at `library_path` aside with its side files,
/// so a new library (or a restored backup) can take its place, and finds
/// the newest good backup. `problem` says what was wrong.
pub fn recover_damaged(library_path: &Path, problem: &Error) -> Result<Recovery> {
    recover_damaged_at(library_path, problem, Utc::now())
}

/// [`recover_damaged`] with the time given, for tests.
pub fn recover_damaged_at(
    library_path: &Path,
    problem: &Error,
    now: DateTime<Utc>,
) -> Result<Recovery> {
    let name = library_path
        .file_name()
        .map_or("watchlog.db".into(), |n| n.to_string_lossy().into_owned());
    let stamp = now.format("%Y%m%d-%H%M%S");
    let mut aside = library_path.with_file_name(format!("{name}.damaged-{stamp}"));
    let mut n = 2;
    while aside.exists() {
        aside = library_path.with_file_name(format!("{name}.damaged-{stamp}-{n}"));
        n += 1;
    }
    // The main file last: until it moves, the library is where it was.
    for suffix in ["-wal", "-shm", ""] {
        let mut from = library_path.as_os_str().to_owned();
        from.push(suffix);
        let mut to = aside.as_os_str().to_owned();
        to.push(suffix);
        match std::fs::rename(&from, &to) {
            Err(e) if e.kind() == std::io::ErrorKind::NotFound && !suffix.is_empty() => {}
            other => other.map_err(|e| {
                Error::io(
                    format!(
                        "cannot move the damaged library {} aside",
                        library_path.display()
                    ),
                    e,
                )
            })?,
        }
    }
    if let Some(dir) = aside.parent() {
        crate::transfer::sync_dir(dir);
    }
    Ok(Recovery {
        // The detail alone: the error's own sentence says the file was not
        // changed, which is no longer true once it has moved.
        problem: match problem {
            Error::Corrupt { detail, .. } => detail.clone(),
            other => other.to_string(),
        },
        damaged_kept_at: aside.display().to_string(),
        backup: newest_good_backup(&default_backup_dir(library_path))?,
    })
}

/// The newest automatic backup in `dir` that opens and passes SQLite's
/// integrity check; damaged or foreign ones are passed over.
pub fn newest_good_backup(dir: &Path) -> Result<Option<BackupFile>> {
    Ok(describe_backups(dir)?
        .into_iter()
        .find(|b| check_backup(&dir.join(&b.name)).is_ok()))
}
