//! The raw writes an import needs and the everyday editor does not: putting
//! an entry in with its own dates and timestamps (a restore must not invent
//! "today"), keeping a file's entry id when it is free, replacing a matched
//! entry wholesale. The checks are the editor's own (`clean_facts`,
//! `validate_fields`), so an import cannot store what the editor would
//! refuse. Everything here runs inside the caller's transaction.

use chrono::{DateTime, Utc};
use rusqlite::{params, OptionalExtension, Transaction};

use super::entries::{
    clean_facts, insert_title, replace_title, resolve_platform, validate_dates, validate_fields,
    validate_progress, write_fields,
};
use super::{history_io, search, Library};
use crate::clock::Clock;
use crate::error::{Error, Result};
use crate::model::{Entry, ExternalIds, IncomingEntry, Kind, TitleFacts};
use crate::text;

/// A private copy of a library in memory: what a preview writes into, so it
/// takes no write lock and the library file never sees its writes. Made
/// only by [`Library::scratch_copy`].
pub struct Scratch(pub(crate) Library);

impl Library {
    /// Copies the whole library into memory in one read transaction
    /// (SQLite's online backup), so the copy is one consistent state and
    /// writers are not held up. Costs memory the size of the file, for as
    /// long as the copy lives.
    pub fn scratch_copy(&self) -> Result<Scratch> {
        let mut copy = Library::open_in_memory()?;
        rusqlite::backup::Backup::new(&self.conn, &mut copy.conn)?.run_to_completion(
            // Every page in one step: one read transaction, one state.
            i32::MAX,
            std::time::Duration::ZERO,
            None,
        )?;
        Ok(Scratch(copy))
    }

    /// Runs `f` inside one transaction on this library's connection; `f`
    /// decides from what it did whether to commit (an import that changed
    /// nothing, or a preview, rolls back). On an error every write `f` made
    /// is rolled back.
    pub(crate) fn in_transaction<T>(
        &mut self,
        f: impl FnOnce(&Library, &Transaction) -> Result<(T, bool)>,
    ) -> Result<T> {
        // `unchecked_transaction` borrows the connection shared, so `f` can
        // read through the library (which sees the uncommitted writes: same
        // connection) while the transaction is open. `&mut self` keeps
        // anyone else in this process from using the connection meanwhile.
        let tx = self.conn.unchecked_transaction()?;
        let (out, commit) = f(self, &tx)?;
        if commit {
            tx.commit()?;
        } else {
            tx.rollback()?;
        }
        Ok(out)
    }

    /// The backup "undo last import" would restore, if there is one.
    pub(crate) fn last_import_backup(&self) -> Result<Option<String>> {
        Ok(self
            .conn
            .query_row(
                "SELECT value FROM settings WHERE key = ?1",
                [LAST_IMPORT_BACKUP],
                |r| r.get(0),
            )
            .optional()?)
    }
}

/// The settings key holding the backup taken before the last import.
const LAST_IMPORT_BACKUP: &str = "last_import_backup";

/// Records, in the import's own transaction, the backup undo restores. It
/// is part of the imported state, so the restored library names the import
/// before it (undo is layered).
pub(crate) fn record_backup(tx: &Transaction, backup_name: &str) -> Result<()> {
    tx.execute(
        "INSERT INTO settings (key, value) VALUES (?1, ?2)
         ON CONFLICT(key) DO UPDATE SET value = excluded.value",
        params![LAST_IMPORT_BACKUP, backup_name],
    )?;
    Ok(())
}

/// One existing title's matching key: folded name, year and kind, with
/// the name as written and the ids that rule a name match out.
pub(crate) struct TitleKey {
    pub entry_id: i64,
    pub folded_name: String,
    pub name: String,
    pub year: Option<i32>,
    pub kind: Kind,
    pub ids: ExternalIds,
}

impl TitleKey {
    /// Whether this title and `facts` hold different ids of one provider:
    /// then they are two titles, whatever their names say.
    pub fn conflicts(&self, facts: &TitleFacts) -> bool {
        self.ids
            .pairs()
            .iter()
            .zip(facts.external_ids.pairs())
            .any(|((_, a), (_, b))| matches!((a, b), (Some(a), Some(b)) if a.trim() != b.trim()))
    }
}

/// Every entry's matching key, oldest entry first.
pub(crate) fn title_keys(tx: &Transaction) -> Result<Vec<TitleKey>> {
    let mut stmt = tx.prepare(
        "SELECT e.id, t.name, t.year, t.kind FROM entries e JOIN titles t ON t.id = e.title_id
         ORDER BY e.id",
    )?;
    let rows = stmt.query_map([], |r| {
        let name = r.get::<_, String>(1)?.trim().to_string();
        Ok(TitleKey {
            entry_id: r.get(0)?,
            folded_name: text::fold(&name),
            name,
            year: r.get(2)?,
            kind: super::entries::word(r, 3)?,
            ids: ExternalIds::default(),
        })
    })?;
    let mut keys: Vec<TitleKey> = rows.collect::<rusqlite::Result<_>>()?;
    let at: std::collections::HashMap<i64, usize> = keys
        .iter()
        .enumerate()
        .map(|(i, k)| (k.entry_id, i))
        .collect();
    let mut stmt = tx.prepare(
        "SELECT e.id, x.provider, x.value FROM external_ids x JOIN entries e ON e.title_id = x.title_id",
    )?;
    let mut rows = stmt.query([])?;
    while let Some(r) = rows.next()? {
        if let Some(&i) = at.get(&r.get::<_, i64>(0)?) {
            keys[i].ids.set(&r.get::<_, String>(1)?, r.get(2)?);
        }
    }
    Ok(keys)
}

/// The entry holding any of these catalogue ids, if one does. Two
/// different entries holding them is refused: merging them is the user's
/// call, not an import's.
pub(crate) fn entry_by_external_ids(tx: &Transaction, ids: &ExternalIds) -> Result<Option<i64>> {
    let mut stmt = tx.prepare_cached(
        "SELECT e.id FROM external_ids x JOIN entries e ON e.title_id = x.title_id
         WHERE x.provider = ?1 AND x.value = ?2",
    )?;
    let mut found: Option<(i64, &str, &str)> = None;
    for (provider, value) in ids.pairs() {
        let Some(v) = value else { continue };
        let owner: Option<i64> = stmt
            .query_row(params![provider, v.trim()], |r| r.get(0))
            .optional()?;
        match (owner, found) {
            (Some(o), Some((f, fp, fv))) if o != f => {
                return Err(Error::Conflict(format!(
                    "its {fp} id {fv} belongs to entry {f} but its {provider} id {v} to entry {o}; \
                     these look like the same title recorded twice: merge them first"
                )))
            }
            (Some(o), None) => found = Some((o, provider, v)),
            _ => {}
        }
    }
    Ok(found.map(|(id, _, _)| id))
}

/// Adds a platform by name unless one (in any case) exists; a file's
/// "I subscribe" only ever turns the flag on, never off. True when it
/// changed the library.
/// Keeps the file's watches that name no show (see
/// [`history_io::write_loose`]); how many are new.
pub(crate) fn write_loose(tx: &Transaction, watches: &[crate::model::LooseWatch]) -> Result<usize> {
    history_io::write_loose(tx, watches, &Clock::system())
}

pub(crate) fn ensure_platform(tx: &Transaction, name: &str, subscribed: bool) -> Result<bool> {
    let name = name.trim();
    if name.is_empty() {
        return Err(Error::invalid("a platform in the file has no name"));
    }
    if name.chars().count() > 60 {
        return Err(Error::invalid(format!(
            "the platform name '{name}' is longer than 60 characters"
        )));
    }
    let existing: Option<i64> = tx
        .query_row(
            "SELECT id FROM platforms WHERE name = ?1 COLLATE NOCASE",
            [name],
            |r| r.get(0),
        )
        .optional()?;
    let changed = match existing {
        Some(id) if subscribed => tx.execute(
            "UPDATE platforms SET subscribed = 1 WHERE id = ?1 AND NOT subscribed",
            [id],
        )?,
        Some(_) => 0,
        None => tx.execute(
            "INSERT INTO platforms (name, subscribed, position)
             VALUES (?1, ?2, (SELECT coalesce(max(position), 0) + 1 FROM platforms))",
            params![name, subscribed],
        )?,
    };
    Ok(changed > 0)
}

/// Checks an incoming entry the way the editor would, returning its
/// cleaned facts.
fn check(inc: &IncomingEntry) -> Result<TitleFacts> {
    let facts = clean_facts(&inc.title)?;
    validate_fields(&inc.fields, facts.episodes)?;
    for v in &inc.viewings {
        validate_dates(v.started_on, v.finished_on)?;
        validate_progress(v.progress, facts.episodes)?;
    }
    Ok(facts)
}

/// Inserts a new title and entry, keeping `inc.id` as the entry id when no
/// entry has it (so a library restored from its own export keeps its ids).
/// Returns the entry id and how many episode watches were recorded.
pub(crate) fn insert_incoming(
    tx: &Transaction,
    inc: &IncomingEntry,
    now: DateTime<Utc>,
) -> Result<(i64, usize)> {
    let facts = check(inc)?;
    let title_id = insert_title(tx, &facts, now)?;
    let free_id = match inc.id.filter(|&id| id > 0) {
        Some(id) => {
            let taken: bool = tx.query_row(
                "SELECT EXISTS (SELECT 1 FROM entries WHERE id = ?1)",
                [id],
                |r| r.get(0),
            )?;
            (!taken).then_some(id)
        }
        None => None,
    };
    let added = inc.added_at.unwrap_or(now);
    let updated = inc.updated_at.unwrap_or(added);
    tx.execute(
        "INSERT INTO entries (id, title_id, status, added_at, updated_at) VALUES (?1, ?2, ?3, ?4, ?5)",
        params![free_id, title_id, inc.fields.status.as_str(), added, updated],
    )?;
    let entry_id = tx.last_insert_rowid();
    write_fields(tx, entry_id, &inc.fields)?;
    let viewings = write_viewings(tx, entry_id, inc)?;
    let watches = match &inc.episodes {
        Some(w) => history_io::write_history(tx, entry_id, w, &viewings, true, &Clock::system())?,
        None => 0,
    };
    search::reindex(tx, entry_id)?;
    Ok((entry_id, watches))
}

/// Replaces a matched entry's facts, fields, tags and viewings with the
/// file's. Catalogue ids are merged (the file's win for the same
/// catalogue), so an id the library knows and the file does not survives.
/// The file's episode history replaces the entry's (`replace_history`) or
/// is added to it. Returns how many episode watches were recorded.
fn overwrite_incoming(
    tx: &Transaction,
    entry_id: i64,
    inc: &IncomingEntry,
    replace_history: bool,
) -> Result<usize> {
    let mut facts = check(inc)?;
    let title_id: i64 = tx.query_row(
        "SELECT title_id FROM entries WHERE id = ?1",
        [entry_id],
        |r| r.get(0),
    )?;
    let mut stmt =
        tx.prepare_cached("SELECT provider, value FROM external_ids WHERE title_id = ?1")?;
    let mut rows = stmt.query([title_id])?;
    while let Some(r) = rows.next()? {
        let provider: String = r.get(0)?;
        if facts
            .external_ids
            .pairs()
            .iter()
            .any(|(p, v)| *p == provider && v.is_none())
        {
            facts.external_ids.set(&provider, r.get(1)?);
        }
    }
    drop(rows);
    replace_title(tx, title_id, &facts, None)?;
    write_fields(tx, entry_id, &inc.fields)?;
    let viewings = write_viewings(tx, entry_id, inc)?;
    let watches = match &inc.episodes {
        Some(w) => history_io::write_history(
            tx,
            entry_id,
            w,
            &viewings,
            replace_history,
            &Clock::system(),
        )?,
        None => 0,
    };
    if let Some(added) = inc.added_at {
        tx.execute(
            "UPDATE entries SET added_at = ?2 WHERE id = ?1",
            params![entry_id, added],
        )?;
    }
    search::reindex(tx, entry_id)?;
    Ok(watches)
}

/// Sets when an entry was last changed.
fn touch(tx: &Transaction, entry_id: i64, at: DateTime<Utc>) -> Result<()> {
    tx.execute(
        "UPDATE entries SET updated_at = ?2 WHERE id = ?1",
        params![entry_id, at],
    )?;
    tx.execute(
        "UPDATE titles SET updated_at = ?2 WHERE id = (SELECT title_id FROM entries WHERE id = ?1)",
        params![entry_id, at],
    )?;
    Ok(())
}

/// Makes the entry's rewatches the file's, place by place: the rows there
/// are kept (so each keeps its id and its episode history), rewritten,
/// added to or cut back. Returns their ids in the file's order.
fn write_viewings(tx: &Transaction, entry_id: i64, inc: &IncomingEntry) -> Result<Vec<i64>> {
    let existing: Vec<i64> = tx
        .prepare_cached(
            "SELECT id FROM viewings WHERE entry_id = ?1
             ORDER BY coalesce(started_on, finished_on), id",
        )?
        .query_map([entry_id], |r| r.get(0))?
        .collect::<rusqlite::Result<_>>()?;
    let mut ids = Vec::with_capacity(inc.viewings.len());
    for (i, v) in inc.viewings.iter().enumerate() {
        let platform = resolve_platform(tx, v.platform.as_deref())?;
        match existing.get(i) {
            Some(&id) => {
                tx.execute(
                    "UPDATE viewings SET started_on = ?2, finished_on = ?3, platform_id = ?4,
                         progress = ?5 WHERE id = ?1",
                    params![id, v.started_on, v.finished_on, platform, v.progress],
                )?;
                ids.push(id);
            }
            None => {
                tx.execute(
                    "INSERT INTO viewings (entry_id, started_on, finished_on, platform_id, progress)
                     VALUES (?1, ?2, ?3, ?4, ?5)",
                    params![entry_id, v.started_on, v.finished_on, platform, v.progress],
                )?;
                ids.push(tx.last_insert_rowid());
            }
        }
    }
    for id in existing.iter().skip(inc.viewings.len()) {
        tx.execute("DELETE FROM viewings WHERE id = ?1", [id])?;
    }
    Ok(ids)
}

/// Replaces the matched entry `before` with `inc` and keeps the change only
/// when the entry's content or episode history differs: then it is stamped
/// as changed (the file's time, else `now`) and returned as the file made
/// it, with the number of episode watches recorded. `None`: the file
/// agrees with the library, and exactly what was there is put back
/// (viewing ids included).
pub(crate) fn overwrite_if_changed(
    lib: &Library,
    tx: &Transaction,
    before: &Entry,
    inc: &IncomingEntry,
    replace_history: bool,
    now: DateTime<Utc>,
) -> Result<Option<(Entry, usize)>> {
    let history = history_io::fingerprint(tx, before.id)?;
    tx.execute_batch("SAVEPOINT import_entry")?;
    let watches = overwrite_incoming(tx, before.id, inc, replace_history)?;
    let after = lib.entry(before.id)?;
    if same_content(before, &after) && history_io::fingerprint(tx, before.id)? == history {
        tx.execute_batch("ROLLBACK TO import_entry; RELEASE import_entry")?;
        return Ok(None);
    }
    touch(tx, before.id, inc.updated_at.unwrap_or(now))?;
    tx.execute_batch("RELEASE import_entry")?;
    Ok(Some((after, watches)))
}

/// Same title facts, user fields, rewatches and date added: everything an
/// import writes except the "last changed" stamp.
fn same_content(a: &Entry, b: &Entry) -> bool {
    a.title.facts == b.title.facts
        && a.fields == b.fields
        && a.added_at == b.added_at
        && a.viewings.len() == b.viewings.len()
        && a.viewings
            .iter()
            .zip(&b.viewings)
            .all(|(x, y)| x.details == y.details)
}
