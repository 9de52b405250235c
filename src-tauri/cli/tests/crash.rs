//! The crash harness: "nothing lost, ever", tried by killing the real
//! `watchlog` binary with SIGKILL at seeded pseudo-random moments while it
//! imports, restores, backs up, exports and upgrades an old library.
//!
//! For every operation one run is first left to finish, which gives its
//! duration and the library's state after it. Then each kill starts from a
//! fresh copy of the state before, waits a moment drawn from a seeded
//! xorshift generator over that duration, and kills the process. What is
//! left must be:
//! - a library that passes `PRAGMA integrity_check`, whose logical hash (the
//!   schema, `user_version`, `application_id` and every table's rows in
//!   primary-key order) is exactly the one before or the one after;
//! - a target (export or backup file) that is absent, the old file, or
//!   complete and valid, never partial;
//! - after the next start (`watchlog doctor` on the library, and the same
//!   export or backup run again to the same folder) no temporary file in the
//!   library's folder or the target's folder.
//!
//! `sync now` is killed the same way while it applies another device's
//! change file of a few thousand edits; see `killed_sync_apply_…` below.
//!
//! The short version runs in the normal test suite (3 kills per operation,
//! 2,000 rows; the change file a sync applies adds 1,000 titles);
//! `WATCHLOG_CRASH_LONG=1` (`make crash`) makes it 20 kills per operation
//! on 100,000 rows (3,000 titles in the change file).
//! `WATCHLOG_CRASH_KILLS`, `WATCHLOG_CRASH_ROWS`, `WATCHLOG_CRASH_SYNC_ROWS`
//! and `WATCHLOG_CRASH_SEED` override each figure. Each test prints one
//! summary line (`cargo test -- --nocapture` shows it).
#![cfg(unix)]

use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::sync::OnceLock;
use std::time::{Duration, Instant};

use rusqlite::types::ValueRef;
use rusqlite::{Connection, OpenFlags};
use sha2::{Digest, Sha256};
use watchlog_testkit::sorted_rows;

struct Config {
    kills: usize,
    rows: usize,
    /// Titles the other device adds in the change file a killed sync
    /// applies (three or so rows each: title, entry, tag).
    sync_rows: usize,
    seed: u64,
}

fn config() -> &'static Config {
    static CONFIG: OnceLock<Config> = OnceLock::new();
    CONFIG.get_or_init(|| {
        let long = std::env::var("WATCHLOG_CRASH_LONG").is_ok_and(|v| v == "1");
        let num = |key: &str, default: u64| {
            std::env::var(key)
                .ok()
                .map(|v| {
                    v.parse()
                        .unwrap_or_else(|_| panic!("{key}={v} is not a whole number"))
                })
                .unwrap_or(default)
        };
        Config {
            kills: num("WATCHLOG_CRASH_KILLS", if long { 20 } else { 3 }) as usize,
            rows: num("WATCHLOG_CRASH_ROWS", if long { 100_000 } else { 2_000 }) as usize,
            sync_rows: num("WATCHLOG_CRASH_SYNC_ROWS", if long { 3_000 } else { 1_000 }) as usize,
            seed: num("WATCHLOG_CRASH_SEED", 1),
        }
    })
}

/// xorshift64: enough to spread kill moments reproducibly, no crate needed.
struct Rng(u64);

impl Rng {
    fn new(seed: u64, salt: &str) -> Self {
        // Each operation gets its own stream, so adding one does not move
        // the others' kill moments.
        let mut s = seed ^ 0x9E37_79B9_7F4A_7C15;
        for b in salt.bytes() {
            s = (s ^ u64::from(b)).wrapping_mul(0x0100_0000_01B3);
        }
        Rng(s | 1)
    }

    fn next(&mut self) -> u64 {
        let mut x = self.0;
        x ^= x << 13;
        x ^= x >> 7;
        x ^= x << 17;
        self.0 = x;
        x
    }

    fn below(&mut self, n: u64) -> u64 {
        if n == 0 {
            0
        } else {
            self.next() % n
        }
    }
}

fn watchlog(cwd: &Path, args: &[&str]) -> Command {
    let mut c = Command::new(env!("CARGO_BIN_EXE_watchlog"));
    c.current_dir(cwd)
        .env_remove("WATCHLOG_DB")
        .env("HOME", cwd.join("home"))
        .env("XDG_DATA_HOME", cwd.join("home/data"))
        .env("XDG_CACHE_HOME", cwd.join("home/cache"))
        .args(args)
        .stdin(Stdio::null());
    c
}

/// Runs `watchlog` to the end and panics with its stderr if it fails.
fn ok(cwd: &Path, args: &[&str]) {
    let out = watchlog(cwd, args).output().unwrap();
    assert!(
        out.status.success(),
        "`watchlog {}` failed: {}",
        args.join(" "),
        String::from_utf8_lossy(&out.stderr)
    );
}

/// The libraries every operation starts from, made once per test binary
/// run, in one folder under the target directory that the next run
/// replaces (a static's temporary folder would never be dropped).
struct Fixtures {
    dir: PathBuf,
}

impl Fixtures {
    /// `rows` titles imported from a generated Watchlog CSV.
    fn big(&self) -> PathBuf {
        self.dir.join("big/watchlog.db")
    }
    /// The 14-title sample library.
    fn sample(&self) -> PathBuf {
        self.dir.join("sample/watchlog.db")
    }
    /// `big`, as a library from before schema 4 (it upgrades on opening).
    fn old(&self) -> PathBuf {
        self.dir.join("old/watchlog.db")
    }
    /// The Watchlog CSV of `rows` titles.
    fn csv(&self) -> PathBuf {
        self.dir.join("import.csv")
    }
}

fn fixtures() -> &'static Fixtures {
    static FIXTURES: OnceLock<Fixtures> = OnceLock::new();
    FIXTURES.get_or_init(|| {
        let f = Fixtures {
            dir: Path::new(env!("CARGO_TARGET_TMPDIR")).join("crash-fixtures"),
        };
        let _ = std::fs::remove_dir_all(&f.dir);
        std::fs::create_dir_all(&f.dir).unwrap();
        let root = f.dir.as_path();
        write_csv(&f.csv(), config().rows);
        ok(root, &["--db", "sample/watchlog.db", "sample"]);
        ok(
            root,
            &[
                "--db",
                "big/watchlog.db",
                "settings",
                "--rating-scale",
                "10",
            ],
        );
        ok(
            root,
            &[
                "--db",
                "big/watchlog.db",
                "import",
                "watchlog-csv",
                "import.csv",
                "--apply",
            ],
        );
        std::fs::create_dir_all(root.join("old")).unwrap();
        std::fs::copy(f.big(), f.old()).unwrap();
        downgrade_to_v3(&f.old());
        f
    })
}

/// A Watchlog CSV of `rows` titles, each with a status, a rating, a tag
/// and notes.
fn write_csv(path: &Path, rows: usize) {
    let mut csv = String::from("title,kind,year,country,status,rating_100,tags,notes\n");
    let statuses = ["plan-to-watch", "on-hold", "dropped"];
    for i in 0..rows {
        csv.push_str(&format!(
            "Crash test {i},{},{},KR,{},{},t{},note {i} about word{} and more\n",
            if i % 4 == 0 { "film" } else { "series" },
            1950 + i % 75,
            statuses[i % 3],
            i % 101,
            i % 7,
            i % 13,
        ));
    }
    std::fs::write(path, csv).unwrap();
}

/// Takes schemas 4 to 14 back out of a library: migration 4 only adds the
/// word index and one covering index, migrations 6 to 14 tables, indexes
/// and columns (7 two tables, 9 one, 10 indexes alone, 11 two tables, 12
/// the sync tables, 13 the kept counts with their view and triggers, 14
/// one of 12's indexes again; 8
/// also replaced 6's
/// `episodes_airdate`, which 6 creates again), so dropping those and
/// setting `user_version`
/// to 3 gives the
/// file an older Watchlog wrote; migration 5 rebuilds `external_ids` and
/// runs again cleanly on its own result, so the opening under test runs
/// every migration from 4 on.
fn downgrade_to_v3(path: &Path) {
    let conn = Connection::open(path).unwrap();
    let version: i64 = conn
        .pragma_query_value(None, "user_version", |r| r.get(0))
        .unwrap();
    assert_eq!(
        version, 14,
        "the schema moved past version 14: teach downgrade_to_v3 the new migration"
    );
    let triggers: Vec<String> = conn
        .prepare("SELECT name FROM sqlite_schema WHERE type = 'trigger' AND name LIKE 'tally%'")
        .unwrap()
        .query_map([], |r| r.get(0))
        .unwrap()
        .collect::<rusqlite::Result<_>>()
        .unwrap();
    for name in triggers {
        conn.execute_batch(&format!("DROP TRIGGER {name}")).unwrap();
    }
    conn.execute_batch(
        "DROP VIEW tally_rows;
         DROP TABLE tally;
         DROP TABLE tally_paused;
         DROP TABLE sync_parked;
         DROP TABLE sync_log;
         DROP TABLE sync_peers;
         DROP TABLE sync_clock;
         DROP TABLE sync_ids;
         DROP TABLE sync_state;
         DROP TABLE list_items;
         DROP TABLE lists;
         DROP INDEX entries_tally;
         DROP INDEX entries_watched;
         DROP INDEX entries_reviewed;
         DROP INDEX titles_kind_country;
         DROP INDEX titles_runtime;
         DROP TABLE loose_watches;
         ALTER TABLE pending_watches DROP COLUMN tried_at;
         DROP INDEX episodes_aired_at;
         DROP INDEX episodes_aired_on;
         DROP INDEX episodes_day_only;
         DROP INDEX entries_next_airs;
         ALTER TABLE episodes DROP COLUMN ord;
         ALTER TABLE episodes DROP COLUMN premiere;
         ALTER TABLE episodes DROP COLUMN season_end;
         ALTER TABLE entries DROP COLUMN next_season;
         ALTER TABLE entries DROP COLUMN next_number;
         ALTER TABLE entries DROP COLUMN next_airs;
         ALTER TABLE entries DROP COLUMN last_watched;
         DROP TABLE entry_words;
         DROP INDEX entries_status_cover;
         DROP TABLE match_state;
         DROP TABLE pending_watches;
         DROP TABLE episode_watches;
         DROP INDEX episodes_airstamp;
         ALTER TABLE episodes DROP COLUMN airstamp;
         ALTER TABLE episodes DROP COLUMN notified_at;
         ALTER TABLE titles DROP COLUMN catalog_updated;
         PRAGMA user_version = 3;
         VACUUM;",
    )
    .unwrap();
}

/// A hash of what the library holds: `application_id`, `user_version`,
/// the schema, and every real table's rows in primary-key order (virtual
/// tables are hashed through their shadow tables). Wall-clock values are
/// masked, so two runs of the same operation hash the same: columns named
/// `*_at`, and `YYYYMMDD-HHMMSS` stamps in text (backup names in settings).
/// Fails if SQLite's integrity check finds anything.
fn logical_hash(path: &Path) -> Result<String, String> {
    let conn = Connection::open_with_flags(path, OpenFlags::SQLITE_OPEN_READ_WRITE)
        .map_err(|e| format!("cannot open {}: {e}", path.display()))?;
    let sql_err = |e: rusqlite::Error| format!("{}: {e}", path.display());
    let integrity: Vec<String> = conn
        .prepare("PRAGMA integrity_check")
        .and_then(|mut s| {
            s.query_map([], |r| r.get(0))?
                .collect::<rusqlite::Result<_>>()
        })
        .map_err(sql_err)?;
    if integrity != ["ok"] {
        return Err(format!(
            "{} fails the integrity check: {}",
            path.display(),
            integrity.join("; ")
        ));
    }
    let mut h = Sha256::new();
    for pragma in ["application_id", "user_version"] {
        let v: i64 = conn
            .pragma_query_value(None, pragma, |r| r.get(0))
            .map_err(sql_err)?;
        h.update(format!("{pragma}={v}\n"));
    }
    let schema: Vec<(String, String, Option<String>)> = conn
        .prepare("SELECT type, name, sql FROM sqlite_schema ORDER BY type, name")
        .and_then(|mut s| {
            s.query_map([], |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)))?
                .collect::<rusqlite::Result<_>>()
        })
        .map_err(sql_err)?;
    for (kind, name, sql) in &schema {
        h.update(format!("{kind} {name} {}\n", sql.as_deref().unwrap_or("")));
    }
    for (kind, table, sql) in &schema {
        let is_virtual = sql
            .as_deref()
            .is_some_and(|s| s.starts_with("CREATE VIRTUAL TABLE"));
        if kind != "table" || is_virtual {
            continue;
        }
        let quoted = format!("\"{}\"", table.replace('"', "\"\""));
        let columns: Vec<(String, i64)> = conn
            .prepare(&format!(
                "SELECT name, pk FROM pragma_table_info('{table}')"
            ))
            .and_then(|mut s| {
                s.query_map([], |r| Ok((r.get(0)?, r.get(1)?)))?
                    .collect::<rusqlite::Result<_>>()
            })
            .map_err(sql_err)?;
        let mut pk: Vec<&(String, i64)> = columns.iter().filter(|c| c.1 > 0).collect();
        pk.sort_by_key(|c| c.1);
        let order = if pk.is_empty() {
            "rowid".to_string()
        } else {
            pk.iter()
                .map(|c| format!("\"{}\"", c.0))
                .collect::<Vec<_>>()
                .join(", ")
        };
        let masked: Vec<bool> = columns.iter().map(|c| c.0.ends_with("_at")).collect();
        let mut stmt = conn
            .prepare(&format!("SELECT * FROM {quoted} ORDER BY {order}"))
            .map_err(sql_err)?;
        let mut rows = stmt.query([]).map_err(sql_err)?;
        h.update(format!("rows of {table}\n"));
        while let Some(row) = rows.next().map_err(sql_err)? {
            for (i, &mask) in masked.iter().enumerate() {
                let v = row.get_ref(i).map_err(sql_err)?;
                match v {
                    ValueRef::Null => h.update(b"N"),
                    _ if mask => h.update(b"T"),
                    ValueRef::Integer(n) => h.update(format!("I{n}")),
                    ValueRef::Real(x) => h.update(format!("R{}", x.to_bits())),
                    ValueRef::Text(t) => {
                        h.update(b"S");
                        h.update(mask_stamps(t));
                    }
                    ValueRef::Blob(b) => {
                        h.update(format!("B{}:", b.len()));
                        h.update(b);
                    }
                }
                h.update(b"\x1f");
            }
            h.update(b"\x1e");
        }
    }
    Ok(h.finalize().iter().map(|b| format!("{b:02x}")).collect())
}

/// `watchlog-20261201-221500.db` → `watchlog-STAMP.db`.
fn mask_stamps(text: &[u8]) -> Vec<u8> {
    let mut out = Vec::with_capacity(text.len());
    let mut i = 0;
    while i < text.len() {
        let digits = |from: usize, n: usize| {
            text.get(from..from + n)
                .is_some_and(|s| s.iter().all(u8::is_ascii_digit))
        };
        if digits(i, 8) && text.get(i + 8) == Some(&b'-') && digits(i + 9, 6) {
            out.extend_from_slice(b"STAMP");
            i += 15;
        } else {
            out.push(text[i]);
            i += 1;
        }
    }
    out
}

/// One operation under test. Every run happens in a fresh folder holding
/// `lib/watchlog.db` (the library), `in/` (what the operation reads) and
/// `out/` (what it writes); `args` are relative to that folder.
struct Operation {
    name: &'static str,
    args: &'static [&'static str],
    /// Fills a fresh run folder with the state before the operation.
    setup: fn(&Path),
    /// Whether the library after differs from the library before (checked,
    /// so the hash is seen to tell them apart).
    changes_library: bool,
    /// The file the operation writes besides the library, if any, as it
    /// was before (`None`: absent). Checked old-or-complete after a kill,
    /// and the operation is run again to the same folder as the "next
    /// start" that must clear what a killed run left there.
    target: Option<&'static str>,
    /// Files other than the library and its `-wal`/`-shm` allowed in
    /// `lib/` after the next start (paths relative to `lib/`).
    allowed_in_lib: fn(&str) -> bool,
}

fn copy_into(src: &Path, run: &Path, rel: &str) {
    let dest = run.join(rel);
    std::fs::create_dir_all(dest.parent().unwrap()).unwrap();
    std::fs::copy(src, dest).unwrap();
}

fn base(run: &Path, library: &Path) {
    for d in ["lib", "in", "out", "home"] {
        std::fs::create_dir_all(run.join(d)).unwrap();
    }
    copy_into(library, run, "lib/watchlog.db");
}

fn nothing_else(_: &str) -> bool {
    false
}

fn backups(rel: &str) -> bool {
    rel == "backups"
        || rel
            .strip_prefix("backups/watchlog-")
            .is_some_and(|r| r.ends_with(".db") && !r.contains('/'))
}

const IMPORT: Operation = Operation {
    name: "import --apply",
    args: &[
        "--db",
        "lib/watchlog.db",
        "import",
        "watchlog-csv",
        "in/import.csv",
        "--apply",
    ],
    setup: |run| {
        base(run, &fixtures().sample());
        copy_into(&fixtures().csv(), run, "in/import.csv");
    },
    changes_library: true,
    target: None,
    // The automatic backup taken before the import.
    allowed_in_lib: backups,
};

const RESTORE: Operation = Operation {
    name: "restore",
    args: &["--db", "lib/watchlog.db", "restore", "in/backup.db"],
    setup: |run| {
        base(run, &fixtures().sample());
        copy_into(&fixtures().big(), run, "in/backup.db");
    },
    changes_library: true,
    target: None,
    // The library the restore replaces (or was about to) is kept aside.
    allowed_in_lib: |rel| rel.starts_with("watchlog.db.before-restore-") && !rel.contains('/'),
};

const BACKUP_TO: Operation = Operation {
    name: "backup PATH",
    args: &["--db", "lib/watchlog.db", "backup", "out/copy.db"],
    setup: |run| {
        base(run, &fixtures().big());
        // An older backup is already there: it must stay whole until the
        // new one replaces it.
        copy_into(&fixtures().sample(), run, "out/copy.db");
    },
    changes_library: false,
    target: Some("out/copy.db"),
    allowed_in_lib: nothing_else,
};

const BACKUP_AUTO: Operation = Operation {
    name: "backup",
    args: &["--db", "lib/watchlog.db", "backup"],
    setup: |run| base(run, &fixtures().big()),
    changes_library: false,
    target: None,
    allowed_in_lib: backups,
};

const EXPORT: Operation = Operation {
    name: "export watchlog-json --out",
    args: &[
        "--db",
        "lib/watchlog.db",
        "export",
        "watchlog-json",
        "--out",
        "out/export.json",
    ],
    setup: |run| {
        base(run, &fixtures().big());
        std::fs::write(run.join("out/export.json"), OLD_EXPORT).unwrap();
    },
    changes_library: false,
    target: Some("out/export.json"),
    allowed_in_lib: nothing_else,
};

const MIGRATE: Operation = Operation {
    name: "open an old library (migration 3 → 4)",
    args: &["--db", "lib/watchlog.db", "list", "--limit", "1"],
    setup: |run| base(run, &fixtures().old()),
    changes_library: true,
    target: None,
    allowed_in_lib: nothing_else,
};

const OLD_EXPORT: &[u8] = b"the export from last week\n";

/// What a killed run left, once checked.
#[derive(Debug, PartialEq)]
enum Landed {
    Before,
    After,
}

/// Every file and folder under `dir`, relative to it.
fn files_under(dir: &Path) -> Vec<String> {
    let mut found = Vec::new();
    let mut stack = vec![dir.to_path_buf()];
    while let Some(d) = stack.pop() {
        let Ok(read) = std::fs::read_dir(&d) else {
            continue;
        };
        for e in read.flatten() {
            let p = e.path();
            found.push(p.strip_prefix(dir).unwrap().to_string_lossy().into_owned());
            if p.is_dir() {
                stack.push(p);
            }
        }
    }
    found.sort();
    found
}

/// Checks the operation's target file: the old one (`Ok(false)`), or else
/// complete and valid (`Ok(true)`).
fn check_target(run: &Path, rel: &str, library_hash: &str) -> Result<bool, String> {
    let path = run.join(rel);
    let bytes = std::fs::read(&path).map_err(|e| format!("{rel} is gone: {e}"))?;
    if rel.ends_with(".json") {
        if bytes == OLD_EXPORT {
            return Ok(false);
        }
        let v: serde_json::Value = serde_json::from_slice(&bytes)
            .map_err(|e| format!("{rel} is neither the old file nor whole JSON: {e}"))?;
        let entries = v["entries"].as_array().map_or(0, Vec::len);
        if entries != config().rows {
            return Err(format!(
                "{rel} holds {entries} entries, not {}",
                config().rows
            ));
        }
        return Ok(true);
    }
    if bytes == std::fs::read(fixtures().sample()).unwrap() {
        return Ok(false);
    }
    let h = logical_hash(&path)?;
    if h != library_hash {
        return Err(format!("{rel} is a library, but not a copy of this one"));
    }
    Ok(true)
}

/// Everything left in `lib/` and `out/` must be expected; each backup or
/// kept-aside library there must be a whole copy of the library as it was
/// before.
fn check_leftovers(run: &Path, op: &Operation, before: &str) -> Result<(), String> {
    for rel in files_under(&run.join("lib")) {
        let library = ["watchlog.db", "watchlog.db-wal", "watchlog.db-shm"].contains(&rel.as_str());
        if !library && !(op.allowed_in_lib)(&rel) {
            return Err(format!("left behind in the library's folder: {rel}"));
        }
        let path = run.join("lib").join(&rel);
        if !library && path.is_file() && logical_hash(&path)? != before {
            return Err(format!("{rel} is not a copy of the library as it was"));
        }
    }
    for rel in files_under(&run.join("out")) {
        if op
            .target
            .is_none_or(|t| t.strip_prefix("out/") != Some(rel.as_str()))
        {
            return Err(format!("left behind in the target's folder: {rel}"));
        }
    }
    Ok(())
}

fn crash_test(op: &Operation) {
    let cfg = config();
    let scratch = tempfile::tempdir().unwrap();
    // The run left alone: the state after, and how long it takes.
    let reference = scratch.path().join("reference");
    (op.setup)(&reference);
    let before = logical_hash(&reference.join("lib/watchlog.db")).unwrap();
    let started = Instant::now();
    ok(&reference, op.args);
    let duration = started.elapsed();
    let after = logical_hash(&reference.join("lib/watchlog.db")).unwrap();
    assert_eq!(
        after != before,
        op.changes_library,
        "{}: the library's hash {} after the run left alone",
        op.name,
        if op.changes_library {
            "did not change"
        } else {
            "changed"
        }
    );
    if let Some(t) = op.target {
        assert!(
            check_target(&reference, t, &before).unwrap(),
            "{}: the run left alone did not write {t}",
            op.name
        );
    }
    check_leftovers(&reference, op, &before).unwrap();

    let mut rng = Rng::new(cfg.seed, op.name);
    let mut failures = Vec::new();
    let (mut landed_before, mut landed_after, mut finished, mut target_new) = (0, 0, 0, 0);
    for kill in 0..cfg.kills {
        let run = scratch.path().join(format!("kill-{kill}"));
        (op.setup)(&run);
        let delay = Duration::from_micros(rng.below(duration.as_micros() as u64));
        let mut child = watchlog(&run, op.args)
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .unwrap();
        std::thread::sleep(delay);
        // SIGKILL: no destructor, no handler, no last write.
        child.kill().unwrap();
        if child.wait().unwrap().success() {
            finished += 1;
        }
        let checked = (|| -> Result<Landed, String> {
            let h = logical_hash(&run.join("lib/watchlog.db"))?;
            let landed = if h == before {
                Landed::Before
            } else if h == after {
                Landed::After
            } else {
                return Err("the library is neither as before nor as after".into());
            };
            if let Some(t) = op.target {
                if check_target(&run, t, &before)? {
                    target_new += 1;
                }
            }
            // The next start.
            let out = watchlog(&run, &["--db", "lib/watchlog.db", "doctor"])
                .output()
                .unwrap();
            if !out.status.success() {
                return Err(format!(
                    "`watchlog doctor` failed: {}",
                    String::from_utf8_lossy(&out.stderr)
                ));
            }
            if let Some(t) = op.target {
                let again = watchlog(&run, op.args).output().unwrap();
                if !again.status.success() {
                    return Err(format!(
                        "running it again failed: {}",
                        String::from_utf8_lossy(&again.stderr)
                    ));
                }
                if !check_target(&run, t, &before)? {
                    return Err(format!("running it again did not write {t}"));
                }
            }
            check_leftovers(&run, op, &before)?;
            Ok(landed)
        })();
        match checked {
            Ok(Landed::Before) => landed_before += 1,
            Ok(Landed::After) => landed_after += 1,
            Err(e) => failures.push(format!("kill {kill} after {delay:?}: {e}")),
        }
        let _ = std::fs::remove_dir_all(&run);
    }
    let target = match op.target {
        Some(t) => format!(", {t} new after {target_new} (old after the others)"),
        None => String::new(),
    };
    eprintln!(
        "crash: {}: {} of {} kills survived (library as before {}, as after {}{target}; \
         {} runs had finished before the kill); unkilled run {:.2} s, {} rows, seed {}",
        op.name,
        cfg.kills - failures.len(),
        cfg.kills,
        landed_before,
        landed_after,
        finished,
        duration.as_secs_f64(),
        cfg.rows,
        cfg.seed,
    );
    assert!(
        failures.is_empty(),
        "{}: {} of {} kills found a problem:\n{}",
        op.name,
        failures.len(),
        cfg.kills,
        failures.join("\n")
    );
}

#[test]
fn killed_import_leaves_the_library_before_or_after() {
    crash_test(&IMPORT);
}

#[test]
fn killed_restore_leaves_the_library_before_or_after() {
    crash_test(&RESTORE);
}

#[test]
fn killed_backup_to_a_path_leaves_the_old_file_or_a_whole_copy() {
    crash_test(&BACKUP_TO);
}

#[test]
fn killed_automatic_backup_leaves_no_partial_backup() {
    crash_test(&BACKUP_AUTO);
}

#[test]
fn killed_export_leaves_the_old_file_or_a_whole_export() {
    crash_test(&EXPORT);
}

#[test]
fn killed_migration_leaves_the_old_schema_or_the_new() {
    crash_test(&MIGRATE);
}

/// Two libraries linked to one sync folder, as two computers leave them:
/// the laptop's (`local.db`, the sample library) has applied the desktop's
/// first change file; the desktop (`peer.db`) has since imported
/// `sync_rows` titles, and its second file, holding those edits, waits in
/// the folder for the laptop's next `sync now`.
struct SyncFixtures {
    dir: PathBuf,
    /// The desktop's device id: its folder, and its row in `sync_peers`.
    peer: String,
}

impl SyncFixtures {
    fn local(&self) -> PathBuf {
        self.dir.join("local.db")
    }
    fn peer_db(&self) -> PathBuf {
        self.dir.join("peer.db")
    }
    fn folder(&self) -> PathBuf {
        self.dir.join("folder")
    }
}

fn sync_fixtures() -> &'static SyncFixtures {
    static FIXTURES: OnceLock<SyncFixtures> = OnceLock::new();
    FIXTURES.get_or_init(|| {
        // Its own folder: `fixtures()` clears its folder when first used,
        // which may be while these are being made.
        let dir = Path::new(env!("CARGO_TARGET_TMPDIR")).join("crash-sync-fixtures");
        let _ = std::fs::remove_dir_all(&dir);
        std::fs::create_dir_all(&dir).unwrap();
        write_csv(&dir.join("peer.csv"), config().sync_rows);
        let local = ["--db", "local.db"];
        let peer = ["--db", "peer.db"];
        let run = |db: [&str; 2], args: &[&str]| ok(&dir, &[&db[..], args].concat());
        run(local, &["sample"]);
        run(local, &["sync", "init", "folder", "--device", "laptop"]);
        run(local, &["sync", "now"]);
        run(peer, &["sync", "init", "folder", "--device", "desktop"]);
        run(peer, &["sync", "now"]);
        run(local, &["sync", "now"]);
        run(peer, &["import", "watchlog-csv", "peer.csv", "--apply"]);
        run(peer, &["sync", "now"]);
        let conn = Connection::open(dir.join("local.db")).unwrap();
        // The folder named relative to the run's folder (the CLI runs
        // there), so every run's library is the same before, byte for
        // byte, and syncs with its own copy of the folder.
        conn.execute(
            "UPDATE sync_state SET value = 'folder' WHERE key = 'folder'",
            [],
        )
        .unwrap();
        drop(conn);
        let peer: String = Connection::open(dir.join("peer.db"))
            .unwrap()
            .query_row(
                "SELECT value FROM sync_state WHERE key = 'device'",
                [],
                |r| r.get(0),
            )
            .unwrap();
        assert_eq!(
            file_names(&dir.join("folder").join(&peer)),
            ["0000000001.wlsync", "0000000002.wlsync"],
            "the desktop wrote two change files"
        );
        SyncFixtures { dir, peer }
    })
}

fn file_names(dir: &Path) -> Vec<String> {
    let mut names: Vec<String> = std::fs::read_dir(dir)
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .collect();
    names.sort();
    names
}

fn copy_tree(from: &Path, to: &Path) {
    std::fs::create_dir_all(to).unwrap();
    for e in std::fs::read_dir(from).unwrap().flatten() {
        let dest = to.join(e.file_name());
        if e.path().is_dir() {
            copy_tree(&e.path(), &dest);
        } else {
            std::fs::copy(e.path(), dest).unwrap();
        }
    }
}

/// A run folder: `lib/watchlog.db` (the laptop's library) and `folder/`
/// (its own copy of the sync folder).
fn sync_setup(run: &Path) {
    let f = sync_fixtures();
    base(run, &f.local());
    copy_tree(&f.folder(), &run.join("folder"));
}

const SYNC_NOW: Operation = Operation {
    name: "sync now",
    args: &["--db", "lib/watchlog.db", "sync", "now", "--json"],
    setup: sync_setup,
    changes_library: true,
    target: None,
    allowed_in_lib: nothing_else,
};

/// The number of the desktop's last file the library applied.
fn peer_applied(db: &Path) -> Result<i64, String> {
    let conn = Connection::open_with_flags(db, OpenFlags::SQLITE_OPEN_READ_ONLY)
        .map_err(|e| e.to_string())?;
    conn.query_row(
        "SELECT applied FROM sync_peers WHERE device = ?1",
        [&sync_fixtures().peer],
        |r| r.get(0),
    )
    .map_err(|e| format!("no sync_peers row for the desktop: {e}"))
}

/// What a library holds, named without its local ids, so two devices'
/// libraries compare: every entry with its title, fields and tags, every
/// tag, the number of titles.
fn content(db: &Path) -> Vec<String> {
    let conn = Connection::open_with_flags(db, OpenFlags::SQLITE_OPEN_READ_ONLY).unwrap();
    let queries = [
        "SELECT t.kind, t.name, t.year, e.status, e.rating, e.review, e.notes, e.progress,
                e.favorite, (SELECT group_concat(g.name) FROM (SELECT g.name FROM entry_tags x
                  JOIN tags g ON g.id = x.tag_id WHERE x.entry_id = e.id ORDER BY g.name) g)
         FROM entries e JOIN titles t ON t.id = e.title_id",
        "SELECT name FROM tags",
        "SELECT count(*) FROM titles",
    ];
    let mut out = Vec::new();
    for q in queries {
        out.extend(sorted_rows(&conn, q));
    }
    out
}

/// `watchlog sync now` killed with SIGKILL at a seeded moment while it
/// applies the desktop's change file of a few thousand edits (nearly all
/// of its run is that apply). After each kill the library must pass the
/// integrity check and be exactly as before the file (the desktop's file
/// number 1 recorded as applied) or as the run left alone leaves it (file
/// 2 recorded): never half of it. Then the next start (`watchlog doctor`)
/// and a `sync now` must bring it to exactly the state of the run left
/// alone (the file applied once, never twice) and to the desktop's
/// content, leaving nothing behind in the library's folder or the sync
/// folder.
#[test]
fn killed_sync_apply_leaves_the_file_unapplied_or_wholly_applied() {
    let cfg = config();
    let f = sync_fixtures();
    let args = SYNC_NOW.args;
    let peer_content = content(&f.peer_db());
    let folder_files = files_under(&f.folder());
    let scratch = tempfile::tempdir().unwrap();

    let reference = scratch.path().join("reference");
    sync_setup(&reference);
    let before = logical_hash(&reference.join("lib/watchlog.db")).unwrap();
    assert_eq!(peer_applied(&reference.join("lib/watchlog.db")), Ok(1));
    // Kill moments are drawn over the shorter of two unkilled runs, so
    // that few land after a run has already ended (the first run on a
    // freshly written fixture is the slower).
    let again = scratch.path().join("timing");
    sync_setup(&again);
    let started = Instant::now();
    ok(&again, args);
    let mut duration = started.elapsed();
    let started = Instant::now();
    let out = watchlog(&reference, args).output().unwrap();
    duration = duration.min(started.elapsed());
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let report: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(report["files_in"], 1, "{report}");
    assert!(
        report["written"].is_null(),
        "nothing of the laptop's to write: {report}"
    );
    let edits = report["rows_in"].as_u64().unwrap();
    let lib = reference.join("lib/watchlog.db");
    let after = logical_hash(&lib).unwrap();
    assert_ne!(after, before, "the sync left alone changed the library");
    assert_eq!(peer_applied(&lib), Ok(2));
    assert_eq!(content(&lib), peer_content, "the sync left alone converges");
    // How long a sync takes that has nothing to apply: starting, opening
    // the library, reading the folder. A kill later than that, with the
    // library found as before, came while the file was being applied.
    let started = Instant::now();
    ok(&reference, args);
    let idle = started.elapsed();

    let mut rng = Rng::new(cfg.seed, "sync now");
    let mut failures = Vec::new();
    let (mut mid_apply, mut before_apply, mut landed_after, mut finished) = (0, 0, 0, 0);
    for kill in 0..cfg.kills {
        let run = scratch.path().join(format!("kill-{kill}"));
        sync_setup(&run);
        let delay = Duration::from_micros(rng.below(duration.as_micros() as u64));
        let mut child = watchlog(&run, args)
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .unwrap();
        std::thread::sleep(delay);
        child.kill().unwrap();
        if child.wait().unwrap().success() {
            finished += 1;
        }
        let lib = run.join("lib/watchlog.db");
        let checked = (|| -> Result<Landed, String> {
            let h = logical_hash(&lib)?;
            let applied = peer_applied(&lib)?;
            let landed = match (h == before, h == after, applied) {
                (true, _, 1) => Landed::Before,
                (_, true, 2) => Landed::After,
                (true, _, n) | (_, true, n) => {
                    return Err(format!(
                        "the library is whole but records file {n} as applied"
                    ))
                }
                _ => return Err("the library is neither as before the file nor as after it".into()),
            };
            let out = watchlog(&run, &["--db", "lib/watchlog.db", "doctor"])
                .output()
                .unwrap();
            if !out.status.success() {
                return Err(format!(
                    "`watchlog doctor` failed: {}",
                    String::from_utf8_lossy(&out.stderr)
                ));
            }
            let again = watchlog(&run, args).output().unwrap();
            if !again.status.success() {
                return Err(format!(
                    "the next `sync now` failed: {}",
                    String::from_utf8_lossy(&again.stderr)
                ));
            }
            let report: serde_json::Value =
                serde_json::from_slice(&again.stdout).map_err(|e| e.to_string())?;
            let expected = if landed == Landed::Before { 1 } else { 0 };
            if report["files_in"] != expected {
                return Err(format!(
                    "the next `sync now` read {} files, not {expected}",
                    report["files_in"]
                ));
            }
            if logical_hash(&lib)? != after || peer_applied(&lib)? != 2 {
                return Err(
                    "after the next `sync now` the library is not as the sync left alone left it"
                        .into(),
                );
            }
            if content(&lib) != peer_content {
                return Err(
                    "after the next `sync now` the library differs from the desktop's".into(),
                );
            }
            check_leftovers(&run, &SYNC_NOW, &before)?;
            if files_under(&run.join("folder")) != folder_files {
                return Err(format!(
                    "the sync folder changed: {:?}",
                    files_under(&run.join("folder"))
                ));
            }
            Ok(landed)
        })();
        match checked {
            Ok(Landed::Before) if delay > idle => mid_apply += 1,
            Ok(Landed::Before) => before_apply += 1,
            Ok(Landed::After) => landed_after += 1,
            Err(e) => failures.push(format!("kill {kill} after {delay:?}: {e}")),
        }
        let _ = std::fs::remove_dir_all(&run);
    }
    eprintln!(
        "crash: sync now: {} of {} kills survived (killed mid-apply, the file unapplied \
         {mid_apply}; killed before the apply began {before_apply}; the file wholly applied \
         {landed_after}; {finished} runs had finished before the kill); unkilled run {:.2} s \
         applying {edits} rows ({} titles), a sync with nothing to apply {:.3} s, seed {}",
        cfg.kills - failures.len(),
        cfg.kills,
        duration.as_secs_f64(),
        cfg.sync_rows,
        idle.as_secs_f64(),
        cfg.seed,
    );
    assert!(
        failures.is_empty(),
        "sync now: {} of {} kills found a problem:\n{}",
        failures.len(),
        cfg.kills,
        failures.join("\n")
    );
}
