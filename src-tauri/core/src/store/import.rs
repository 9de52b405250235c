//! The raw writes an import needs and the everyday editor does not: putting
//! an entry in with its own dates and timestamps (a restore must not invent
//! "today"), keeping a file's entry id when it is free, replacing a matched
//! entry wholesale. The checks are the editor's own (`clean_facts`,
//! `validate_fields`), so an import cannot store what the editor would
//! refuse. Everything here runs inside the caller's transaction.

use std::collections::BTreeSet;

use chrono::{DateTime, NaiveDate, Utc};
use rusqlite::{params, OptionalExtension, Transaction, TransactionBehavior};

use super::entries::{
    blank_to_null, clean_facts_on, drop_unused_tags, insert_entry_row, insert_title, replace_title,
    resolve_platform, validate_dates, validate_fields, validate_progress, write_fields,
};
use super::{history, history_io, search, Library};
use crate::clock::Clock;
use crate::error::{Error, Result};
use crate::model::{
    Entry, EntryFields, ExternalIds, IncomingEntry, Kind, Person, TitleFacts, ViewingDetails,
};
use crate::text;

pub(crate) use super::lists::{write_lists, ListMerge};

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
        let tx = self.write()?;
        let (out, commit) = f(self, &tx)?;
        if commit {
            tx.commit()?;
        }
        // Not committed: dropping it rolls back.
        Ok(out)
    }

    /// Runs `f` inside one read transaction: it sees one state of the
    /// library and holds no write lock, so the other face can write
    /// meanwhile. The connection is query-only while `f` runs, so a write
    /// by mistake fails instead of quietly taking the lock.
    pub(crate) fn in_read_transaction<T>(
        &self,
        f: impl FnOnce(&Library, &Transaction) -> Result<T>,
    ) -> Result<T> {
        self.conn.pragma_update(None, "query_only", true)?;
        let out = Transaction::new_unchecked(&self.conn, TransactionBehavior::Deferred)
            .map_err(Error::from)
            .and_then(|tx| {
                let out = f(self, &tx)?;
                tx.commit()?;
                Ok(out)
            });
        self.conn.pragma_update(None, "query_only", false)?;
        out
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

/// What one import's writes share: the clock, read once (the editor's
/// checks need "today", watches at an instant need the viewer's zone), and
/// the entries whose search rows are written together at the end
/// ([`Batch::finish`]) instead of one by one.
pub(crate) struct Batch {
    clock: Clock,
    today: NaiveDate,
    fresh: Vec<i64>,
    changed: Vec<i64>,
}

impl Batch {
    pub fn new() -> Batch {
        let clock = Clock::system();
        Batch {
            today: clock.today(),
            clock,
            fresh: Vec::new(),
            changed: Vec::new(),
        }
    }

    /// Writes the search rows of every entry added or changed, and drops
    /// the tags no entry uses any more. Call once, before committing.
    pub fn finish(self, tx: &Transaction) -> Result<()> {
        if self.fresh.is_empty() && self.changed.is_empty() {
            return Ok(());
        }
        search::reindex_many(tx, &self.fresh, &self.changed)?;
        drop_unused_tags(tx)
    }
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

/// The fewest entries a file must hold for [`defer_indexes`] to pay.
pub(crate) const DEFER_INDEXES_MIN: usize = 2_000;

/// The listing, sort and stats indexes of titles, entries and genres,
/// dropped for a file bigger than the library (a first import of a long
/// history): filling a dozen indexes row by row costs more than building
/// each once from the finished table, sorted. Returns their definitions
/// for [`restore_indexes`], which the caller runs in the same transaction,
/// so a failed or cancelled import rolls back the drop with everything
/// else and readers never see the tables without them. What an import
/// looks up as it goes (primary keys, unique ids, the title keys it read
/// first) is left alone.
pub(crate) fn defer_indexes(tx: &Transaction) -> Result<Vec<(String, String)>> {
    let defs: Vec<(String, String)> = tx
        .prepare(
            "SELECT name, sql FROM sqlite_schema
             WHERE type = 'index' AND tbl_name IN ('titles', 'entries', 'title_genres')
               AND sql IS NOT NULL AND sql NOT LIKE 'CREATE UNIQUE%'
             ORDER BY name",
        )?
        .query_map([], |r| Ok((r.get(0)?, r.get(1)?)))?
        .collect::<rusqlite::Result<_>>()?;
    for (name, _) in &defs {
        tx.execute_batch(&format!("DROP INDEX \"{name}\""))?;
    }
    // The kept counts are one more index of these tables: counted once
    // from the finished tables rather than by a trigger per row.
    super::tally::pause(tx)?;
    Ok(defs)
}

/// Creates again what [`defer_indexes`] dropped, with fresh statistics for
/// each where the library keeps statistics (dropping an index drops them).
pub(crate) fn restore_indexes(tx: &Transaction, defs: &[(String, String)]) -> Result<()> {
    let analysed: bool = tx.query_row(
        "SELECT EXISTS (SELECT 1 FROM sqlite_schema WHERE name = 'sqlite_stat1')",
        [],
        |r| r.get(0),
    )?;
    for (name, sql) in defs {
        tx.execute_batch(sql)?;
        if analysed {
            tx.execute_batch(&format!("PRAGMA analysis_limit = 1000; ANALYZE \"{name}\""))?;
        }
    }
    super::tally::rebuild(tx)?;
    Ok(())
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

/// Keeps the file's watches that name no show (see
/// [`history_io::write_loose`]); how many are new. With `write` false
/// nothing is written, and `None` says something would change.
pub(crate) fn write_loose(
    tx: &Transaction,
    watches: &[crate::model::LooseWatch],
    write: bool,
) -> Result<Option<usize>> {
    let clock = Clock::system();
    if write {
        history_io::write_loose(tx, watches, &clock).map(Some)
    } else if history_io::loose_unchanged(tx, watches, &clock)? {
        Ok(Some(0))
    } else {
        Ok(None)
    }
}

/// Adds a platform by name unless one (in any case) exists; a file's
/// "I subscribe" only ever turns the flag on, never off. True when it
/// changed the library; with `write` false nothing is written, and true
/// says it would.
pub(crate) fn ensure_platform(
    tx: &Transaction,
    name: &str,
    subscribed: bool,
    write: bool,
) -> Result<bool> {
    let name = name.trim();
    if name.is_empty() {
        return Err(Error::invalid("a platform in the file has no name"));
    }
    if name.chars().count() > 60 {
        return Err(Error::invalid(format!(
            "the platform name '{name}' is longer than 60 characters"
        )));
    }
    let existing: Option<(i64, bool)> = tx
        .prepare_cached("SELECT id, subscribed FROM platforms WHERE name = ?1 COLLATE NOCASE")?
        .query_row([name], |r| Ok((r.get(0)?, r.get(1)?)))
        .optional()?;
    if !write {
        return Ok(match existing {
            Some((_, on)) => subscribed && !on,
            None => true,
        });
    }
    let changed = match existing {
        Some((id, _)) if subscribed => tx.execute(
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
/// cleaned facts. Run once per entry of a file.
fn check(inc: &IncomingEntry, today: NaiveDate) -> Result<TitleFacts> {
    let facts = clean_facts_on(&inc.title, today)?;
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
/// Its search rows are written by [`Batch::finish`].
pub(crate) fn insert_incoming(
    tx: &Transaction,
    inc: &IncomingEntry,
    now: DateTime<Utc>,
    batch: &mut Batch,
) -> Result<(i64, usize)> {
    let facts = check(inc, batch.today)?;
    let title_id = insert_title(tx, &facts, now)?;
    let free_id = match inc.id.filter(|&id| id > 0) {
        Some(id) => {
            let taken: bool = tx
                .prepare_cached("SELECT EXISTS (SELECT 1 FROM entries WHERE id = ?1)")?
                .query_row([id], |r| r.get(0))?;
            (!taken).then_some(id)
        }
        None => None,
    };
    let added = inc.added_at.unwrap_or(now);
    let updated = inc.updated_at.unwrap_or(added);
    let entry_id = insert_entry_row(tx, free_id, title_id, &inc.fields, added, updated)?;
    // A new entry has no rewatches to rewrite or cut back.
    let viewings = if inc.viewings.is_empty() {
        Vec::new()
    } else {
        write_viewings(tx, entry_id, inc)?
    };
    let watches = match &inc.episodes {
        Some(w) => history_io::write_history(tx, entry_id, w, &viewings, true, &batch.clock)?,
        None => 0,
    };
    batch.fresh.push(entry_id);
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
    mut facts: TitleFacts,
    replace_history: bool,
    clock: &Clock,
) -> Result<usize> {
    let title_id: i64 = tx
        .prepare_cached("SELECT title_id FROM entries WHERE id = ?1")?
        .query_row([entry_id], |r| r.get(0))?;
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
        Some(w) => history_io::write_history(tx, entry_id, w, &viewings, replace_history, clock)?,
        None => 0,
    };
    if let Some(added) = inc.added_at {
        tx.prepare_cached("UPDATE entries SET added_at = ?2 WHERE id = ?1")?
            .execute(params![entry_id, added])?;
    }
    Ok(watches)
}

/// Sets when an entry was last changed.
fn touch(tx: &Transaction, entry_id: i64, at: DateTime<Utc>) -> Result<()> {
    tx.prepare_cached("UPDATE entries SET updated_at = ?2 WHERE id = ?1")?
        .execute(params![entry_id, at])?;
    tx.prepare_cached(
        "UPDATE titles SET updated_at = ?2 WHERE id = (SELECT title_id FROM entries WHERE id = ?1)",
    )?
    .execute(params![entry_id, at])?;
    Ok(())
}

/// Makes the entry's rewatches the file's, place by place: the rows there
/// are kept (so each keeps its id and its episode history), rewritten,
/// added to or cut back. Returns their ids in the file's order.
fn write_viewings(tx: &Transaction, entry_id: i64, inc: &IncomingEntry) -> Result<Vec<i64>> {
    let existing = super::matches::viewing_ids(tx, entry_id)?;
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
/// it, with the number of episode watches recorded, and its search rows
/// are rewritten by [`Batch::finish`]. `None`: the file agrees with the
/// library, and nothing is written — found by comparing ([`unchanged`]),
/// or, where that cannot tell (an episode history to fold in), by writing
/// in a savepoint, comparing and putting back exactly what was there
/// (viewing ids included).
pub(crate) fn overwrite_if_changed(
    lib: &Library,
    tx: &Transaction,
    before: &Entry,
    inc: &IncomingEntry,
    replace_history: bool,
    now: DateTime<Utc>,
    batch: &mut Batch,
) -> Result<Option<(Entry, usize)>> {
    let facts = check(inc, batch.today)?;
    if unchanged(tx, before, inc, &facts, replace_history)? {
        return Ok(None);
    }
    let history = history_io::fingerprint(tx, before.id)?;
    tx.execute_batch("SAVEPOINT import_entry")?;
    let watches = overwrite_incoming(tx, before.id, inc, facts, replace_history, &batch.clock)?;
    let after = lib.entry(before.id)?;
    if same_content(before, &after) && history_io::fingerprint(tx, before.id)? == history {
        tx.execute_batch("ROLLBACK TO import_entry; RELEASE import_entry")?;
        return Ok(None);
    }
    touch(tx, before.id, inc.updated_at.unwrap_or(now))?;
    tx.execute_batch("RELEASE import_entry")?;
    batch.changed.push(before.id);
    Ok(Some((after, watches)))
}

/// Whether importing `inc` over the matched entry `before` would leave it
/// exactly as it is, worked out without writing (an import's first,
/// read-only pass). `false` also means "cannot tell without writing".
pub(crate) fn left_unchanged(
    tx: &Transaction,
    before: &Entry,
    inc: &IncomingEntry,
    replace_history: bool,
    batch: &Batch,
) -> Result<bool> {
    let facts = check(inc, batch.today)?;
    unchanged(tx, before, inc, &facts, replace_history)
}

/// Whether writing `inc` (its facts checked into `facts`) over `before`
/// would leave the entry's content and history as they are, without
/// writing: the file's values as [`overwrite_incoming`] would store them —
/// trimmed, blank text as none, a repeated genre dropped, the library's
/// catalogue ids kept where the file has none, a platform or tag named in
/// another case (SQLite's NOCASE folds ASCII only) as the one stored —
/// compared with what is stored, which is what `same_content` compares
/// after writing. A history the file brings is left to writing and
/// comparing (`false`), unless the file brings none and there is none to
/// change.
fn unchanged(
    tx: &Transaction,
    before: &Entry,
    inc: &IncomingEntry,
    facts: &TitleFacts,
    replace_history: bool,
) -> Result<bool> {
    let content = same_facts(&before.title.facts, facts)
        && same_fields(&before.fields, &inc.fields)
        && inc.added_at.is_none_or(|a| a == before.added_at)
        && before.viewings.len() == inc.viewings.len()
        && before
            .viewings
            .iter()
            .zip(&inc.viewings)
            .all(|(v, w)| same_viewing(&v.details, w));
    if !content {
        return Ok(false);
    }
    Ok(match &inc.episodes {
        None => true,
        // Nothing to add; replacing with nothing changes nothing only when
        // there is nothing, and without an episode list progress and
        // history are not brought in line either.
        Some(w) if w.is_empty() => {
            (!replace_history || history_io::fingerprint(tx, before.id)?.is_empty())
                && !history::has_list(tx, before.id)?
        }
        Some(_) => false,
    })
}

/// The stored facts against checked ones as `write_title_children` and
/// the merge of catalogue ids would store them.
fn same_facts(stored: &TitleFacts, f: &TitleFacts) -> bool {
    let mut want = f.clone();
    want.genres.clear();
    for g in &f.genres {
        let g = g.trim();
        if !want.genres.iter().any(|x| x == g) {
            want.genres.push(g.to_string());
        }
    }
    want.people = f
        .people
        .iter()
        .map(|p| Person {
            name: p.name.trim().to_string(),
            ..p.clone()
        })
        .collect();
    let given = f.external_ids.pairs();
    for ((provider, kept), (_, value)) in stored.external_ids.pairs().into_iter().zip(given) {
        match (value, kept) {
            (Some(v), _) => want.external_ids.set(provider, v.trim().to_string()),
            (None, Some(k)) => want.external_ids.set(provider, k.clone()),
            (None, None) => {}
        }
    }
    want == *stored
}

/// The stored fields against a file's as `write_fields` would store them.
fn same_fields(stored: &EntryFields, f: &EntryFields) -> bool {
    if !same_platform(&stored.platform, &f.platform) {
        return false;
    }
    let folded = |tags: &[String]| -> BTreeSet<String> {
        tags.iter()
            .map(|t| t.trim())
            .filter(|t| !t.is_empty())
            .map(str::to_ascii_lowercase)
            .collect()
    };
    if folded(&stored.tags) != folded(&f.tags) {
        return false;
    }
    let want = EntryFields {
        review: blank_to_null(&f.review),
        notes: blank_to_null(&f.notes),
        platform: stored.platform.clone(),
        tags: stored.tags.clone(),
        ..f.clone()
    };
    want == *stored
}

fn same_viewing(stored: &ViewingDetails, v: &ViewingDetails) -> bool {
    same_platform(&stored.platform, &v.platform)
        && ViewingDetails {
            platform: stored.platform.clone(),
            ..v.clone()
        } == *stored
}

/// Whether a platform named `given` (trimmed, blank as none) is the one
/// stored: names are unique without regard to ASCII case.
fn same_platform(stored: &Option<String>, given: &Option<String>) -> bool {
    match given.as_deref().map(str::trim).filter(|n| !n.is_empty()) {
        None => stored.is_none(),
        Some(n) => stored.as_deref().is_some_and(|s| s.eq_ignore_ascii_case(n)),
    }
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
