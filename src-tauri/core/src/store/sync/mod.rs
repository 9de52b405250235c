//! One library on several computers, through a folder a file-sync engine
//! the user already runs keeps in step (docs/ARCHITECTURE.md § "Sync
//! between devices"). The library file itself never goes into the folder:
//! each device writes its changes there as numbered files and applies the
//! others' ([`file`]); what a change is comes from SQLite's session
//! extension ([`capture`]); how two devices' changes combine is in
//! [`merge`].

mod capture;
mod file;
mod merge;
mod rows;
mod spec;
mod state;

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use rusqlite::{params, OptionalExtension, Transaction};

use super::{search, Library};
use crate::error::{Error, Result};
use crate::model::{SyncDecision, SyncDevice, SyncReport, SyncStatus};
use crate::rating::{Rating, RatingScale};

/// What a device is called before one of its files has been read.
const NEW_DEVICE: &str = "a new device";

/// How many merge decisions the status shows.
const SHOWN_DECISIONS: u32 = 100;

impl Library {
    /// Links this library to a sync folder (creating it), as a device named
    /// `name` (the computer's name by default). Linking again keeps the
    /// device and moves it to `folder`; its next sync writes the whole
    /// library there.
    pub fn sync_init(&mut self, folder: &Path, name: Option<&str>) -> Result<SyncStatus> {
        let name = match name.map(str::trim) {
            Some("") => return Err(Error::invalid_field("device", "the device name is empty")),
            Some(n) => n.to_string(),
            None => computer_name(),
        };
        if folder.as_os_str().is_empty() {
            return Err(Error::invalid_field(
                "folder",
                "give the sync folder's path",
            ));
        }
        let folder = std::path::absolute(folder)
            .map_err(|e| Error::io(format!("cannot use {}", folder.display()), e))?;
        if folder.is_file() {
            return Err(Error::invalid_field(
                "folder",
                format!("{} is a file; give a folder", folder.display()),
            ));
        }
        std::fs::create_dir_all(&folder).map_err(|e| {
            Error::io(
                format!("cannot create the sync folder {}", folder.display()),
                e,
            )
        })?;
        let tx = self.conn.unchecked_transaction()?;
        let device = match state::device(&tx)? {
            Some(d) => d,
            None => {
                let d = uuid::Uuid::now_v7().to_string();
                state::set(&tx, state::DEVICE, d.clone())?;
                let base = state::tick(&tx)?;
                state::set(&tx, state::INIT_HLC, base)?;
                d
            }
        };
        let moved = state::text(&tx, state::FOLDER)?.as_deref() != Some(&*folder.to_string_lossy());
        if moved {
            state::set(&tx, state::FOLDER, folder.to_string_lossy().into_owned())?;
            state::set(&tx, state::WRITTEN_SEQ, 0)?;
            state::set(&tx, state::WRITTEN_HLC, 0)?;
            tx.execute("DELETE FROM sync_peers", [])?;
        }
        state::set(&tx, state::NAME, name)?;
        std::fs::create_dir_all(file::device_dir(&folder, &device)).map_err(|e| {
            Error::io(
                format!("cannot write into the sync folder {}", folder.display()),
                e,
            )
        })?;
        tx.commit()?;
        self.sync_status()
    }

    /// Where this library syncs and how far each device has come.
    pub fn sync_status(&self) -> Result<SyncStatus> {
        let conn = &self.conn;
        let Some(device) = state::device(conn)? else {
            return Ok(SyncStatus {
                linked: false,
                folder: None,
                device: None,
                devices: Vec::new(),
                pending: 0,
                decisions: Vec::new(),
            });
        };
        let folder = state::text(conn, state::FOLDER)?;
        let written = state::int(conn, state::WRITTEN_SEQ)?;
        let pending: u32 = if written == 0 {
            conn.query_row("SELECT count(*) FROM entries", [], |r| r.get(0))?
        } else {
            conn.query_row(
                "SELECT count(*) FROM (SELECT DISTINCT tbl, key FROM sync_clock WHERE origin = ?1 AND hlc > ?2)",
                params![device, state::int(conn, state::WRITTEN_HLC)?],
                |r| r.get(0),
            )?
        };
        let mut devices = Vec::new();
        let mut stmt = conn.prepare(
            "SELECT device, name, applied, hlc, problem FROM sync_peers ORDER BY name, device",
        )?;
        let peers = stmt.query_map([], |r| {
            Ok(SyncDevice {
                id: r.get(0)?,
                name: r.get(1)?,
                files: r.get::<_, i64>(2)? as u64,
                last_change: state::instant(r.get(3)?).map(|t| t.to_rfc3339()),
                problem: r.get(4)?,
            })
        })?;
        for peer in peers {
            devices.push(peer?);
        }
        // Devices whose files are in the folder but none applied yet.
        if let Some(folder) = folder.as_deref().map(Path::new).filter(|f| f.is_dir()) {
            for id in file::devices(folder)? {
                if id != device && !devices.iter().any(|d| d.id == id) {
                    devices.push(SyncDevice {
                        id,
                        name: NEW_DEVICE.into(),
                        files: 0,
                        last_change: None,
                        problem: None,
                    });
                }
            }
        }
        let scale = self.settings()?.rating_scale;
        let mut stmt = conn.prepare(
            "SELECT at, device, what, field, kept, other, outcome FROM sync_log ORDER BY id DESC LIMIT ?1",
        )?;
        let decisions = stmt
            .query_map([SHOWN_DECISIONS], |r| {
                let field: String = r.get(3)?;
                let shown = |v: Option<String>| v.map(|v| shown_value(&field, v, scale));
                Ok(SyncDecision {
                    at: r.get(0)?,
                    device: r.get(1)?,
                    what: r.get(2)?,
                    kept: shown(r.get(4)?),
                    other: shown(r.get(5)?),
                    field,
                    outcome: r.get(6)?,
                })
            })?
            .collect::<rusqlite::Result<_>>()?;
        Ok(SyncStatus {
            linked: true,
            folder: folder.clone(),
            device: Some(SyncDevice {
                id: device,
                name: state::text(conn, state::NAME)?.unwrap_or_default(),
                files: written as u64,
                last_change: None,
                problem: None,
            }),
            devices,
            pending,
            decisions,
        })
    }

    /// Applies every other device's new change files, then writes this
    /// device's changes since its last file. A file that is not whole yet,
    /// damaged or from a newer Watchlog is left for later and named in the
    /// report; that device's later files wait for it. Each file applies in
    /// one transaction with the rows it names re-indexed, and is never
    /// applied twice.
    pub fn sync_now(&mut self) -> Result<SyncReport> {
        let Some(device) = state::device(&self.conn)? else {
            return Err(Error::invalid(
                "this library is not linked to a sync folder; link it first (watchlog sync init FOLDER)",
            ));
        };
        let folder = PathBuf::from(state::text(&self.conn, state::FOLDER)?.unwrap_or_default());
        if !folder.is_dir() {
            return Err(Error::invalid(format!(
                "the sync folder {} is not there (is its drive unmounted?); nothing was changed",
                folder.display()
            )));
        }
        let mut report = SyncReport::default();
        for peer in file::devices(&folder)? {
            if peer != device {
                self.take_from(&folder, &peer, &device, &mut report)?;
            }
        }
        self.give(&folder, &device, &mut report)?;
        Ok(report)
    }

    fn take_from(
        &mut self,
        folder: &Path,
        peer: &str,
        me: &str,
        report: &mut SyncReport,
    ) -> Result<()> {
        let dir = file::device_dir(folder, peer);
        let applied: i64 = self
            .conn
            .query_row(
                "SELECT applied FROM sync_peers WHERE device = ?1",
                [peer],
                |r| r.get(0),
            )
            .optional()?
            .unwrap_or(0);
        let mut next = applied as u64 + 1;
        let present = file::numbers(&dir)?;
        while present.binary_search(&next).is_ok() {
            let (header, rows) = match file::read(&dir, peer, next)? {
                Ok(read) => read,
                Err(why) => {
                    let words = why.words(&file::path_of(&dir, next));
                    self.conn.execute(
                        "INSERT INTO sync_peers (device, name, problem) VALUES (?1, ?3, ?2)
                         ON CONFLICT DO UPDATE SET problem = excluded.problem",
                        params![peer, words, NEW_DEVICE],
                    )?;
                    report.problems.push(words);
                    return Ok(());
                }
            };
            let tx = self.conn.unchecked_transaction()?;
            let who = merge::Me {
                device: me.to_string(),
                base: (state::int(&tx, state::INIT_HLC)?, me.to_string()),
                now: chrono::Utc::now().to_rfc3339_opts(chrono::SecondsFormat::Secs, true),
            };
            // Entries above every id the search index holds have no rows
            // in it yet: theirs are added in bulk without first deleting.
            let indexed: i64 = tx
                .query_row(
                    "SELECT rowid FROM entry_search ORDER BY rowid DESC LIMIT 1",
                    [],
                    |r| r.get(0),
                )
                .optional()?
                .unwrap_or(0);
            let applied = merge::apply(&tx, &who, &header, &rows)?;
            let (fresh, changed): (Vec<i64>, Vec<i64>) =
                applied.entries.iter().partition(|&&id| id > indexed);
            search::reindex_many(&tx, &fresh, &changed)?;
            // What the other device decided, unless this one decided the
            // same clash itself.
            for d in &header.decisions {
                tx.execute(
                    "INSERT INTO sync_log (at, device, what, field, kept, other, outcome, shared)
                     SELECT ?1, ?2, ?3, ?4, ?5, ?6, ?7, NULL
                     WHERE NOT EXISTS (SELECT 1 FROM sync_log WHERE what = ?3 AND field = ?4
                                         AND kept IS ?5 AND other IS ?6)",
                    params![
                        d.at,
                        header.name,
                        d.what,
                        d.field,
                        d.kept,
                        d.other,
                        d.outcome
                    ],
                )?;
            }
            let newest = merge::newest(&rows)
                .get(peer)
                .copied()
                .unwrap_or(0)
                .max(header.hlc);
            tx.execute(
                "INSERT INTO sync_peers (device, name, applied, hlc, changed_at, problem)
                 VALUES (?1, ?2, ?3, ?4, ?5, NULL)
                 ON CONFLICT DO UPDATE SET name = excluded.name, applied = excluded.applied,
                   hlc = excluded.hlc, changed_at = excluded.changed_at, problem = NULL",
                params![peer, header.name, next as i64, newest, header.written_at],
            )?;
            state::observe(&tx, header.hlc)?;
            tx.commit()?;
            report.files_in += 1;
            report.rows_in += applied.rows;
            report.decisions += applied.decisions;
            next += 1;
        }
        Ok(())
    }

    fn give(&mut self, folder: &Path, me: &str, report: &mut SyncReport) -> Result<()> {
        let dir = file::device_dir(folder, me);
        // The write lock is held from reading the changes until the file's
        // number is recorded, so the app and the CLI never write the same
        // number.
        let tx = self.conn.unchecked_transaction()?;
        let written = state::int(&tx, state::WRITTEN_SEQ)?;
        let since = state::int(&tx, state::WRITTEN_HLC)?;
        let base = (state::int(&tx, state::INIT_HLC)?, me.to_string());
        let keys = if written == 0 {
            everything(&tx)?
        } else {
            changed_since(&tx, me, since)?
        };
        let decisions: Vec<file::Decision> = {
            let mut stmt = tx.prepare(
                "SELECT at, what, field, kept, other, outcome FROM sync_log WHERE shared = 0 ORDER BY id",
            )?;
            let rows = stmt.query_map([], |r| {
                Ok(file::Decision {
                    at: r.get(0)?,
                    what: r.get(1)?,
                    field: r.get(2)?,
                    kept: r.get(3)?,
                    other: r.get(4)?,
                    outcome: r.get(5)?,
                })
            })?;
            rows.collect::<rusqlite::Result<_>>()?
        };
        if written > 0 && keys.is_empty() && decisions.is_empty() {
            return Ok(());
        }
        let keys = with_parents(&tx, keys)?;
        let mut rows = Vec::with_capacity(keys.len());
        for (table, key) in &keys {
            let spec = spec::spec(table).expect("a synced table");
            rows.push(rows::export(&tx, spec, key, &base)?);
        }
        let upto = tx.query_row(
            "SELECT coalesce(max(hlc), 0) FROM sync_clock WHERE origin = ?1",
            [me],
            |r| r.get::<_, i64>(0),
        )?;
        // A file written by a sync killed before it recorded the number:
        // the next number follows it (its rows come again, harmlessly).
        let seq = file::numbers(&dir)?
            .last()
            .copied()
            .unwrap_or(0)
            .max(written as u64)
            + 1;
        let seen: BTreeMap<String, i64> = {
            let mut stmt = tx.prepare("SELECT device, hlc FROM sync_peers")?;
            let seen = stmt.query_map([], |r| Ok((r.get(0)?, r.get(1)?)))?;
            seen.collect::<rusqlite::Result<_>>()?
        };
        let header = file::Header {
            format: file::FORMAT,
            device: me.to_string(),
            name: state::text(&tx, state::NAME)?.unwrap_or_default(),
            seq,
            written_at: chrono::Utc::now().to_rfc3339_opts(chrono::SecondsFormat::Secs, true),
            hlc: state::tick(&tx)?,
            seen,
            decisions,
            rows: 0,
            bytes: 0,
            blake3: String::new(),
        };
        file::write(&dir, header, &rows)?;
        tx.execute("UPDATE sync_log SET shared = 1 WHERE shared = 0", [])?;
        state::set(&tx, state::WRITTEN_SEQ, seq as i64)?;
        state::set(&tx, state::WRITTEN_HLC, upto)?;
        tx.commit()?;
        report.written = Some(seq);
        report.rows_out = rows.len() as u32;
        Ok(())
    }
}

/// Every synced row, parents first: a device's first file.
fn everything(tx: &Transaction) -> Result<Vec<(String, String)>> {
    let mut out = Vec::new();
    for spec in spec::SPECS {
        match spec.key {
            spec::Key::Row => {
                let ids: Vec<i64> = {
                    let mut stmt =
                        tx.prepare(&format!("SELECT id FROM {} ORDER BY id", spec.table))?;
                    let ids = stmt.query_map([], |r| r.get(0))?;
                    ids.collect::<rusqlite::Result<_>>()?
                };
                for id in ids {
                    out.push((
                        spec.table.to_string(),
                        capture::row_key(tx, spec.table, id)?,
                    ));
                }
            }
            spec::Key::Columns(cols) => {
                let names: Vec<&str> = cols.iter().map(|c| c.col).collect();
                let mut stmt =
                    tx.prepare(&format!("SELECT {} FROM {}", names.join(", "), spec.table))?;
                let rows: Vec<Vec<rusqlite::types::Value>> = stmt
                    .query_map([], |r| (0..names.len()).map(|i| r.get(i)).collect())?
                    .collect::<rusqlite::Result<_>>()?;
                for values in rows {
                    out.push((spec.table.to_string(), capture::key_of(tx, spec, &values)?));
                }
            }
        }
    }
    // Deletions made since the library was linked.
    let mut stmt = tx.prepare("SELECT tbl, key FROM sync_clock WHERE field = '-'")?;
    let gone = stmt.query_map([], |r| Ok((r.get(0)?, r.get(1)?)))?;
    for g in gone {
        out.push(g?);
    }
    Ok(out)
}

/// The keys, and the rows each points at, parents first: a device that
/// deleted an entry and receives a newer edit of it gets its title back
/// with it, and one that never had the title gets it with the entry.
fn with_parents(tx: &Transaction, keys: Vec<(String, String)>) -> Result<Vec<(String, String)>> {
    let mut seen: std::collections::HashSet<(String, String)> = keys.iter().cloned().collect();
    let mut out = keys;
    let mut i = 0;
    while i < out.len() {
        let (table, key) = out[i].clone();
        i += 1;
        let spec = spec::spec(&table).expect("a synced table");
        let Some(at) = rows::find(tx, spec, &key)? else {
            continue;
        };
        let mut parents = Vec::new();
        if let (spec::Key::Columns(cols), rows::Local::Columns(values)) = (&spec.key, &at) {
            for (c, v) in cols.iter().zip(values) {
                if let (Some(parent), rusqlite::types::Value::Integer(id)) = (c.refs, v) {
                    parents.push((parent, *id));
                }
            }
        }
        for (field, v) in spec.fields.iter().zip(rows::values(tx, spec, &at)?) {
            if let (Some(parent), rusqlite::types::Value::Integer(id)) = (field.refs, v) {
                parents.push((parent, id));
            }
        }
        for (parent, id) in parents {
            let k = (parent.to_string(), capture::row_key(tx, parent, id)?);
            if seen.insert(k.clone()) {
                out.push(k);
            }
        }
    }
    out.sort_by_key(|(t, _)| spec::SPECS.iter().position(|s| s.table == t));
    Ok(out)
}

/// The rows this device changed since its last file, parents first.
fn changed_since(tx: &Transaction, me: &str, since: i64) -> Result<Vec<(String, String)>> {
    let mut stmt =
        tx.prepare("SELECT DISTINCT tbl, key FROM sync_clock WHERE origin = ?1 AND hlc > ?2")?;
    let mut keys: Vec<(String, String)> = stmt
        .query_map(params![me, since], |r| Ok((r.get(0)?, r.get(1)?)))?
        .collect::<rusqlite::Result<_>>()?;
    keys.sort_by_key(|(t, _)| spec::SPECS.iter().position(|s| s.table == t));
    Ok(keys)
}

/// The fields that hold a rating (0–100 as stored): an entry's rating and
/// sub-scores, an episode's rating.
const RATING_FIELDS: [&str; 5] = [
    "rating",
    "score_story",
    "score_acting",
    "score_music",
    "score_rewatch",
];

/// A value in the merge log as the user reads it. The log keeps values as
/// stored ("90"), and the file that carries a decision to the other
/// devices carries them so, because each device has its own rating scale:
/// each shows a rating in its own ("9/10" here, "4.5/5" there) as it reads
/// the log.
fn shown_value(field: &str, value: String, scale: RatingScale) -> String {
    match value.parse::<u8>().ok().map(Rating::new) {
        Some(Ok(r)) if RATING_FIELDS.contains(&field) => r.out_of(scale),
        _ => value,
    }
}

/// This computer's name, for a device not named.
fn computer_name() -> String {
    std::fs::read_to_string("/etc/hostname")
        .ok()
        .or_else(|| std::env::var("COMPUTERNAME").ok())
        .or_else(|| std::env::var("HOSTNAME").ok())
        .map(|s| s.trim().to_string())
        .filter(|s| !s.is_empty())
        .unwrap_or_else(|| "this computer".into())
}
