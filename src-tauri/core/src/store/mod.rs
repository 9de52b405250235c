//! The SQLite library file: opening it safely, upgrading its schema, and
//! every read and write of the user's data. One `Library` owns one
//! connection; every multi-row write runs in one transaction.

mod backup;
mod bulk;
mod bulk_change;
mod entries;
mod entry_stream;
mod episodes;
pub(crate) mod history;
pub(crate) mod history_io;
pub(crate) mod import;
mod lists;
mod matches;
mod platforms;
pub(crate) mod posters;
mod provider_keys;
mod query;
mod schema;
mod search;
mod settings;
mod stats;
mod sync;
pub(crate) mod tally;
mod undo;
mod upnext;
mod year;

use std::path::{Path, PathBuf};
use std::time::Duration;

use rusqlite::{Connection, ErrorCode, OpenFlags};

use crate::error::{Error, Result};
use crate::model::LibraryInfo;

pub(crate) use backup::copy_pages;
pub use bulk::{Dated, GeneratedShow};
pub use import::Scratch;
pub use query::{mark, MARK_END, MARK_START};
pub use schema::{APPLICATION_ID, LATEST_VERSION};
pub use upnext::{calendar_sql, up_next_params, up_next_sql};
pub use year::YEARS;

/// An open Watchlog library.
pub struct Library {
    conn: Connection,
    path: Option<PathBuf>,
    /// The last changes that can still be taken back (`undo`).
    undo: undo::UndoStack,
}

impl std::fmt::Debug for Library {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Library").field("path", &self.path).finish()
    }
}

impl Library {
    /// Opens the library at `path`, creating it (and its folder) if it does
    /// not exist. A file that is not a Watchlog library, is damaged, or was
    /// written by a newer Watchlog is refused before anything is written to
    /// it.
    pub fn open(path: impl AsRef<Path>) -> Result<Self> {
        let path = path.as_ref();
        Library::open_unchecked_space(path).map_err(|e| match e {
            // Opening in WAL mode creates the `-wal` and `-shm` files; on a
            // full disk SQLite reports that as a plain I/O error.
            Error::Database(ref d)
                if d.sqlite_error_code() == Some(ErrorCode::SystemIoFailure)
                    && disk_is_full(folder_of(path)) =>
            {
                Error::DiskFull
            }
            other => other,
        })
    }

    fn open_unchecked_space(path: &Path) -> Result<Self> {
        let exists = match std::fs::metadata(path) {
            Ok(m) if m.is_dir() => {
                return Err(Error::invalid(format!(
                    "{} is a folder; give the path of a library file",
                    path.display()
                )))
            }
            Ok(m) => m.len() > 0,
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => false,
            Err(e) => return Err(Error::io(format!("cannot read {}", path.display()), e)),
        };
        if exists {
            inspect(path)?;
        } else if let Some(dir) = path.parent().filter(|d| !d.as_os_str().is_empty()) {
            std::fs::create_dir_all(dir)
                .map_err(|e| Error::io(format!("cannot create the folder {}", dir.display()), e))?;
        }
        let conn = Connection::open(path).map_err(|e| classify(path, e))?;
        let mut lib = Library {
            conn,
            path: Some(path.to_path_buf()),
            undo: undo::UndoStack::default(),
        };
        lib.configure()?;
        lib.migrate()?;
        // The next start after a killed backup, restore or import clears
        // the staged files it left beside the library and in its backups
        // folder.
        let folder = folder_of(path);
        crate::staging::sweep(folder);
        crate::staging::sweep(&folder.join(BACKUP_FOLDER));
        Ok(lib)
    }

    /// A library that lives only in memory, for tests and previews.
    pub fn open_in_memory() -> Result<Self> {
        let mut lib = Library {
            conn: Connection::open_in_memory()?,
            path: None,
            undo: undo::UndoStack::default(),
        };
        lib.configure()?;
        lib.migrate()?;
        Ok(lib)
    }

    /// Per-connection settings, all in one place.
    fn configure(&mut self) -> Result<()> {
        // WAL lets the app read while the CLI (or a backup) writes.
        // synchronous=NORMAL is the deliberate choice for WAL: a crash or
        // power cut can never corrupt the file, and at worst loses the last
        // transaction that was not yet checkpointed, for far fewer fsyncs.
        self.conn.pragma_update(None, "journal_mode", "WAL")?;
        self.conn.pragma_update(None, "synchronous", "NORMAL")?;
        self.conn.pragma_update(None, "foreign_keys", "ON")?;
        // Pages are read from the OS's cache through a mapping rather than
        // copied by a read() each: Up next and a month of the calendar at
        // 1,000,000 episodes cost about half the CPU (docs/BENCHMARKS.md).
        // A file larger than this is read the usual way past it.
        self.conn.pragma_update(None, "mmap_size", MMAP_BYTES)?;
        // A write transaction keeps this much of what it changed in memory
        // before spilling pages to the WAL. With SQLite's default (2 MB) a
        // large import spilled and then changed again the same index pages
        // over and over once its indexes outgrew the cache: 100,000 rows
        // took 20 times as long as 20,000 (14.1 s; 3.6–4.6 s with this
        // cache, docs/BENCHMARKS.md). Memory is only taken as pages are
        // used (negative: KiB).
        self.conn.pragma_update(None, "cache_size", -CACHE_KIB)?;
        self.conn.busy_handler(Some(wait_for_writer))?;
        // An import reuses a score of prepared statements per row (titles,
        // entries, tags, ids, search rows) and a sync's apply some fifty
        // across the synced tables; the default cache of 16 would evict and
        // prepare them again on every row. Preparing a write is not cheap:
        // SQLite compiles every trigger it fires into it (the kept counts).
        self.conn.set_prepared_statement_cache_capacity(256);
        // Every write transaction takes the write lock when it begins. A
        // deferred one that reads first and then writes cannot wait for
        // another writer in WAL mode: SQLite fails it at once with "database
        // is locked" rather than honour busy_timeout, because its snapshot
        // would be stale. Beginning IMMEDIATE makes the app and the CLI wait
        // for each other instead.
        self.conn
            .set_transaction_behavior(rusqlite::TransactionBehavior::Immediate);
        Ok(())
    }

    fn migrate(&mut self) -> Result<()> {
        schema::migrations().to_latest(&mut self.conn)?;
        Ok(())
    }

    /// The file this library lives in (`None` in memory).
    pub fn path(&self) -> Option<&Path> {
        self.path.as_deref()
    }

    /// The schema version of the file.
    pub fn schema_version(&self) -> Result<i64> {
        Ok(self
            .conn
            .pragma_query_value(None, "user_version", |r| r.get(0))?)
    }

    /// SQLite's full integrity check, then whether the counts kept on
    /// write agree with the rows: `["ok"]` or the problems found.
    pub fn integrity_check(&self) -> Result<Vec<String>> {
        let mut stmt = self.conn.prepare("PRAGMA integrity_check")?;
        let rows = stmt.query_map([], |r| r.get::<_, String>(0))?;
        let mut found: Vec<String> = rows.collect::<rusqlite::Result<_>>()?;
        if let Some(d) = tally::drift(&self.conn)? {
            if found == ["ok"] {
                found.clear();
            }
            found.push(format!(
                "the counts kept for the Stats screen differ from the library's rows ({d})"
            ));
        }
        Ok(found)
    }

    /// What `doctor` reports.
    pub fn info(&self) -> Result<LibraryInfo> {
        let entries: u32 = self
            .conn
            .query_row("SELECT count(*) FROM entries", [], |r| r.get(0))?;
        let size_bytes = self
            .path
            .as_ref()
            .and_then(|p| std::fs::metadata(p).ok())
            .map_or(0, |m| m.len());
        Ok(LibraryInfo {
            path: self
                .path
                .as_ref()
                .map_or_else(|| ":memory:".into(), |p| p.display().to_string()),
            schema_version: self.schema_version()?,
            supported_version: LATEST_VERSION,
            integrity: self.integrity_check()?,
            entries,
            size_bytes,
        })
    }

    /// Refuses to write `target` when it is this library's own file or one
    /// of its `-wal`, `-shm` or `-journal` companions (by any path: a link,
    /// `..`, another spelling): replacing one while the library is open
    /// would destroy it. `what` names the writing ("the backup").
    pub fn refuse_own_files(&self, target: &Path, what: &str) -> Result<()> {
        let Some(own) = &self.path else {
            return Ok(());
        };
        let target_id = file_identity(target);
        for suffix in ["", "-wal", "-shm", "-journal"] {
            let mut companion = own.as_os_str().to_owned();
            companion.push(suffix);
            let companion = PathBuf::from(companion);
            let same_path = same_place(&companion, target);
            let same_file = target_id.is_some() && file_identity(&companion) == target_id;
            if same_path || same_file {
                return Err(Error::invalid(format!(
                    "{} is {} of the open library; {what} would replace it and destroy the library. Choose another file.",
                    target.display(),
                    if suffix.is_empty() { "the file".to_string() } else { format!("the {suffix} file") }
                )));
            }
        }
        Ok(())
    }
}

/// The folder beside the library that automatic backups go to
/// (`backup::default_backup_dir`); named in the store, which sits below
/// `backup`, so that opening a library can clear what a killed backup left.
pub(crate) const BACKUP_FOLDER: &str = "backups";

/// The folder holding the library file at `path` (`.` for a bare name).
pub(crate) fn folder_of(path: &Path) -> &Path {
    path.parent()
        .filter(|d| !d.as_os_str().is_empty())
        .unwrap_or(Path::new("."))
}

/// Looks at an existing file without writing to it: is it an SQLite file,
/// is it Watchlog's, and can this version read it?
pub(crate) fn inspect(path: &Path) -> Result<()> {
    let conn = open_for_inspection(path).map_err(|e| classify(path, e))?;
    let read = || -> rusqlite::Result<(i32, i64, i64)> {
        let app_id: i32 = conn.pragma_query_value(None, "application_id", |r| r.get(0))?;
        let version: i64 = conn.pragma_query_value(None, "user_version", |r| r.get(0))?;
        let tables: i64 = conn.query_row(
            "SELECT count(*) FROM sqlite_schema WHERE type = 'table'",
            [],
            |r| r.get(0),
        )?;
        Ok((app_id, version, tables))
    };
    let (app_id, version, tables) = read().map_err(|e| classify(path, e))?;
    if app_id != APPLICATION_ID && (app_id != 0 || tables > 0 || version != 0) {
        return Err(Error::NotALibrary {
            path: path.to_path_buf(),
        });
    }
    if version > LATEST_VERSION {
        return Err(Error::NewerDatabase {
            path: path.to_path_buf(),
            found: version,
            supported: LATEST_VERSION,
        });
    }
    Ok(())
}

/// Opens `path` read-only without leaving anything beside it. A read-only
/// connection to a WAL-mode file creates `-wal` and `-shm` files and, unable
/// to checkpoint, never removes them: a refused newer library would not be
/// left as it was. With no `-wal` file the main file holds everything, and
/// `immutable=1` reads it with no side files at all. With one (the app has
/// the library open, or a crash left it) the latest header may be in it, so
/// it is read normally; the side files were there already.
pub(crate) fn open_for_inspection(path: &Path) -> rusqlite::Result<Connection> {
    let flags = OpenFlags::SQLITE_OPEN_READ_ONLY | OpenFlags::SQLITE_OPEN_NO_MUTEX;
    let mut wal = path.as_os_str().to_owned();
    wal.push("-wal");
    if Path::new(&wal).exists() {
        return Connection::open_with_flags(path, flags);
    }
    let abs = std::path::absolute(path).unwrap_or_else(|_| path.to_path_buf());
    Connection::open_with_flags(immutable_uri(&abs), flags | OpenFlags::SQLITE_OPEN_URI)
}

/// `file:` URI for `path` with `immutable=1`. Every byte outside the
/// unreserved set is percent-encoded, so `?`, `#` and `%` in a file name
/// cannot be read as URI syntax.
fn immutable_uri(path: &Path) -> String {
    let mut uri = String::from("file:");
    let bytes = path.as_os_str().as_encoded_bytes();
    if cfg!(windows) && bytes.get(1) == Some(&b':') {
        // SQLite wants `file:/C:/...` for a drive path.
        uri.push('/');
    }
    for &b in bytes {
        match b {
            b'\\' if cfg!(windows) => uri.push('/'),
            b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'-' | b'.' | b'_' | b'~' | b'/' => {
                uri.push(b as char)
            }
            b':' if cfg!(windows) => uri.push(':'),
            _ => uri.push_str(&format!("%{b:02X}")),
        }
    }
    uri.push_str("?immutable=1");
    uri
}

/// Turns SQLite's "not a database" and "malformed" into the user-facing
/// corrupt-file error.
pub(crate) fn classify(path: &Path, e: rusqlite::Error) -> Error {
    match e.sqlite_error_code() {
        Some(ErrorCode::NotADatabase) | Some(ErrorCode::DatabaseCorrupt) => Error::Corrupt {
            path: path.to_path_buf(),
            detail: "SQLite cannot read it as a database".into(),
        },
        Some(ErrorCode::CannotOpen) | Some(ErrorCode::PermissionDenied) => Error::Io {
            context: format!("cannot open {}", path.display()),
            source: std::io::Error::new(std::io::ErrorKind::PermissionDenied, e.to_string()),
        },
        _ => Error::from(e),
    }
}

/// Where the desktop app keeps its library, and so the CLI's default: the
/// app's data folder for its identifier (`$XDG_DATA_HOME/<identifier>` on
/// Linux), the same folder Tauri resolves.
pub fn default_library_path() -> Option<PathBuf> {
    dirs::data_dir().map(|d| d.join(crate::APP_IDENTIFIER).join("watchlog.db"))
}

/// Whether two paths name the same place, whether or not a file is there
/// yet: their folders resolved (links, `..`) and their names compared.
fn same_place(a: &Path, b: &Path) -> bool {
    let resolve = |p: &Path| -> Option<PathBuf> {
        let abs = std::path::absolute(p).ok()?;
        let dir = abs.parent()?.canonicalize().ok()?;
        Some(dir.join(abs.file_name()?))
    };
    match (resolve(a), resolve(b)) {
        (Some(a), Some(b)) => a == b,
        _ => false,
    }
}

/// The device and inode of an existing file, so a hard link or a symbolic
/// link to the library is known for what it is.
#[cfg(unix)]
fn file_identity(p: &Path) -> Option<(u64, u64)> {
    use std::os::unix::fs::MetadataExt;
    std::fs::metadata(p).ok().map(|m| (m.dev(), m.ino()))
}

#[cfg(not(unix))]
fn file_identity(_: &Path) -> Option<(u64, u64)> {
    None
}

/// Whether the disk holding `folder` has no room for one more page: a
/// small write there fails with "no space left".
fn disk_is_full(folder: &Path) -> bool {
    let Ok(mut probe) = tempfile::Builder::new()
        .prefix(".watchlog-space-")
        .tempfile_in(folder)
    else {
        return false;
    };
    let wrote = std::io::Write::write_all(&mut probe, &[0u8; 4096])
        .and_then(|()| probe.as_file().sync_all());
    matches!(wrote, Err(e) if e.kind() == std::io::ErrorKind::StorageFull)
}

/// The page cache of each connection, in KiB (see `configure`): room for
/// the pages a 100,000-row import changes in one transaction.
const CACHE_KIB: i64 = 256 * 1024;

/// How much of the library file each connection maps into memory.
pub const MMAP_BYTES: i64 = 1 << 30;

/// How long a write waits for another Watchlog's write to finish (a
/// 100,000-row import holds the lock for seconds) before it gives up.
pub const BUSY_WAIT_SECS: u64 = 120;

/// One wait of the busy handler.
const BUSY_STEP: Duration = Duration::from_millis(50);

/// Called once per process when a write has waited a second for the
/// other face: the CLI says so on stderr, so a user knows why it waits.
static ON_WAIT: std::sync::OnceLock<fn()> = std::sync::OnceLock::new();

/// Sets what is done, once, when a write starts waiting for another
/// Watchlog (see [`BUSY_WAIT_SECS`]).
pub fn on_waiting_for_writer(notice: fn()) {
    let _ = ON_WAIT.set(notice);
}

/// SQLite's busy handler: waits in short steps while another connection
/// writes, says so once after a second, and gives up after
/// [`BUSY_WAIT_SECS`] (the write then fails as [`Error::Busy`]).
fn wait_for_writer(attempt: i32) -> bool {
    static NOTICED: std::sync::atomic::AtomicBool = std::sync::atomic::AtomicBool::new(false);
    let waited = BUSY_STEP * u32::try_from(attempt).unwrap_or(0);
    if waited >= Duration::from_secs(BUSY_WAIT_SECS) {
        return false;
    }
    if waited >= Duration::from_secs(1) && !NOTICED.swap(true, std::sync::atomic::Ordering::Relaxed)
    {
        if let Some(notice) = ON_WAIT.get() {
            notice();
        }
    }
    std::thread::sleep(BUSY_STEP);
    true
}
