//! Adding, reading, changing and deleting entries and their titles.

use chrono::{DateTime, Datelike, NaiveDate, Utc};
use rusqlite::{params, Connection, OptionalExtension, Row, Transaction, TransactionBehavior};

use super::search;
use super::undo::Described;
use super::Library;
use crate::error::{Error, ErrorPayload, Result};
use crate::model::{
    rating_10, Entry, EntryFields, EntryPatch, EntryPreview, ExternalIds, NewEntry, Person, Status,
    StatusCounts, SubScores, Title, TitleFacts, UndoStep, Viewing, ViewingDetails, WatchedWhen,
    MAX_TAG_CHARS,
};
use crate::rating::Rating;
use crate::text;

/// Longest review or note accepted, in bytes: far more than any review, small
/// enough that a pasted file by mistake is caught.
const MAX_TEXT: usize = 1 << 20;

/// Most episodes a title or a viewing can have: well past the longest
/// running soap opera, so a typing slip is caught.
const MAX_EPISODES: u32 = 100_000;

/// Longest title name accepted, in characters.
const MAX_NAME: usize = 500;

// How an entry's rows are read, shared by `Library::entry` (one entry) and
// `entry_stream` (every entry in one pass), so the two cannot disagree on
// a column or an order. Macros rather than constants so each stays a
// literal inside the `concat!` of a cached statement.

/// The columns [`fields_at`] reads, from
/// `entries e LEFT JOIN platforms p ON p.id = e.platform_id`.
macro_rules! field_columns {
    () => {
        "e.status, e.rating, e.score_story, e.score_acting, e.score_music, e.score_rewatch,
         e.review, e.review_spoiler, e.notes, p.name, e.progress, e.favorite, e.started_on,
         e.finished_on, e.added_at, e.updated_at"
    };
}

/// The columns [`facts_at`] reads, from `titles t`.
macro_rules! fact_columns {
    () => {
        "t.kind, t.name, t.original_name, t.year, t.country, t.language, t.network, t.seasons,
         t.episodes, t.runtime_minutes, t.airing, t.synopsis, t.poster_url"
    };
}

/// The columns [`viewing_at`] reads, from
/// `viewings v LEFT JOIN platforms p ON p.id = v.platform_id`.
macro_rules! viewing_columns {
    () => {
        "v.id, v.started_on, v.finished_on, p.name, v.progress"
    };
}

/// An entry's viewings in the order it lists them: a rewatch's place in
/// that list is how files name it.
macro_rules! viewing_order {
    () => {
        "coalesce(v.started_on, v.finished_on), v.id"
    };
}

/// An entry's tags in the order it lists them (`tags t`).
macro_rules! tag_order {
    () => {
        "t.name COLLATE NOCASE"
    };
}

pub(super) use {fact_columns, field_columns, tag_order, viewing_columns, viewing_order};

/// An entry's fields (its tags aside, which are rows of their own) and its
/// added and changed times, from the [`field_columns`] at column `i` on.
pub(super) fn fields_at(
    r: &Row,
    i: usize,
) -> rusqlite::Result<(EntryFields, DateTime<Utc>, DateTime<Utc>)> {
    Ok((
        EntryFields {
            status: word(r, i)?,
            rating: rating(r, i + 1)?,
            scores: SubScores {
                story: rating(r, i + 2)?,
                acting: rating(r, i + 3)?,
                music: rating(r, i + 4)?,
                rewatch_value: rating(r, i + 5)?,
            },
            review: r.get(i + 6)?,
            review_spoiler: r.get(i + 7)?,
            notes: r.get(i + 8)?,
            platform: r.get(i + 9)?,
            progress: r.get(i + 10)?,
            favorite: r.get(i + 11)?,
            tags: Vec::new(),
            started_on: day_at(r, i + 12)?,
            finished_on: day_at(r, i + 13)?,
        },
        instant_at(r, i + 14)?,
        instant_at(r, i + 15)?,
    ))
}

/// A stored calendar day. Days are stored as `YYYY-MM-DD` and read here
/// by hand: chrono's format-string parser, which rusqlite uses, is most
/// of the cost of reading a whole library's dates. Anything else is left
/// to rusqlite, so its reading (and its errors) stay the rule.
pub(super) fn day_at(r: &Row, i: usize) -> rusqlite::Result<Option<NaiveDate>> {
    if let rusqlite::types::ValueRef::Text(b) = r.get_ref(i)? {
        if let Some(day) = parse_day(b) {
            return Ok(Some(day));
        }
    }
    r.get(i)
}

/// A stored instant, as rusqlite writes one (`2024-02-01 09:30:00.123+00:00`),
/// read by hand for the same reason as [`day_at`]; anything else (another
/// offset, a leap second) is left to rusqlite.
pub(super) fn instant_at(r: &Row, i: usize) -> rusqlite::Result<DateTime<Utc>> {
    if let rusqlite::types::ValueRef::Text(b) = r.get_ref(i)? {
        if let Some(t) = parse_instant(b) {
            return Ok(t);
        }
    }
    r.get(i)
}

fn digits(s: &[u8]) -> Option<u32> {
    s.iter().try_fold(0u32, |n, &c| {
        c.is_ascii_digit()
            .then(|| n.checked_mul(10)?.checked_add(u32::from(c - b'0')))
            .flatten()
    })
}

/// `YYYY-MM-DD`.
fn parse_day(b: &[u8]) -> Option<NaiveDate> {
    if b.len() != 10 || b[4] != b'-' || b[7] != b'-' {
        return None;
    }
    NaiveDate::from_ymd_opt(digits(&b[..4])? as i32, digits(&b[5..7])?, digits(&b[8..])?)
}

/// `YYYY-MM-DD HH:MM:SS`, a `T` or a space between, up to nine digits of
/// a second, and `+00:00` or `Z`.
fn parse_instant(b: &[u8]) -> Option<DateTime<Utc>> {
    if b.len() < 20 || !matches!(b[10], b' ' | b'T') || b[13] != b':' || b[16] != b':' {
        return None;
    }
    let day = parse_day(&b[..10])?;
    let (h, m, s) = (
        digits(&b[11..13])?,
        digits(&b[14..16])?,
        digits(&b[17..19])?,
    );
    let mut rest = &b[19..];
    let mut nanos = 0;
    if let Some(fraction) = rest.strip_prefix(b".") {
        let n = fraction.iter().take_while(|c| c.is_ascii_digit()).count();
        if n == 0 || n > 9 {
            return None;
        }
        nanos = digits(&fraction[..n])? * 10u32.pow(9 - n as u32);
        rest = &fraction[n..];
    }
    if rest != b"+00:00" && rest != b"Z" {
        return None;
    }
    let time = chrono::NaiveTime::from_hms_nano_opt(h, m, s, nanos)?;
    Some(day.and_time(time).and_utc())
}

/// A title's facts (genres, people and ids aside, which are rows of their
/// own), from the [`fact_columns`] at column `i` on.
pub(super) fn facts_at(r: &Row, i: usize) -> rusqlite::Result<TitleFacts> {
    Ok(TitleFacts {
        kind: word(r, i)?,
        name: r.get(i + 1)?,
        original_name: r.get(i + 2)?,
        year: r.get(i + 3)?,
        country: r.get(i + 4)?,
        language: r.get(i + 5)?,
        network: r.get(i + 6)?,
        genres: Vec::new(),
        seasons: r.get(i + 7)?,
        episodes: r.get(i + 8)?,
        runtime_minutes: r.get(i + 9)?,
        airing: opt_word(r, i + 10)?,
        synopsis: r.get(i + 11)?,
        poster_url: r.get(i + 12)?,
        people: Vec::new(),
        external_ids: ExternalIds::default(),
    })
}

/// A person of a title, from `name, role, character` at column `i` on.
pub(super) fn person_at(r: &Row, i: usize) -> rusqlite::Result<Person> {
    Ok(Person {
        name: r.get(i)?,
        role: word(r, i + 1)?,
        character: r.get(i + 2)?,
    })
}

/// A viewing, from the [`viewing_columns`] at column `i` on.
pub(super) fn viewing_at(r: &Row, i: usize) -> rusqlite::Result<Viewing> {
    Ok(Viewing {
        id: r.get(i)?,
        details: ViewingDetails {
            started_on: day_at(r, i + 1)?,
            finished_on: day_at(r, i + 2)?,
            platform: r.get(i + 3)?,
            progress: r.get(i + 4)?,
        },
    })
}

impl Library {
    /// Adds a title and the user's entry for it; returns the entry id.
    pub fn add_entry(&mut self, new: &NewEntry) -> Result<i64> {
        self.add_entry_on(new, today())
    }

    /// `add_entry` with "today" given, so status-driven dates are testable.
    pub fn add_entry_on(&mut self, new: &NewEntry, today: NaiveDate) -> Result<i64> {
        let tx = self.write()?;
        let id = insert_entry(&tx, new, today)?;
        tx.commit()?;
        Ok(id)
    }

    /// Adds several entries in one transaction: all of them or none.
    pub fn add_entries(&mut self, new: &[NewEntry]) -> Result<Vec<i64>> {
        let today = today();
        let tx = self.write()?;
        let ids = new
            .iter()
            .map(|n| insert_entry(&tx, n, today))
            .collect::<Result<Vec<_>>>()?;
        tx.commit()?;
        Ok(ids)
    }

    /// A read transaction over what follows, unless one is open already:
    /// every read until it is dropped sees one state of the library. An
    /// export reads in one, so an edit or a delete by the other face
    /// meanwhile is either wholly in it or not at all, and cannot abort it
    /// halfway; WAL gives the reader its snapshot without blocking that
    /// writer.
    pub(crate) fn snapshot(&self) -> Result<Option<Transaction<'_>>> {
        Ok(self
            .conn
            .is_autocommit()
            .then(|| Transaction::new_unchecked(&self.conn, TransactionBehavior::Deferred))
            .transpose()?)
    }

    /// Everything about one entry.
    pub fn entry(&self, id: i64) -> Result<Entry> {
        let (title_id, fields, added_at, updated_at) = read_fields(&self.conn, id)?;
        let viewings = self.viewings(id)?;
        Ok(Entry {
            id,
            title: self.title(title_id)?,
            rating_10: rating_10(fields.rating),
            rewatch_count: viewings.len() as u32,
            fields,
            viewings,
            added_at,
            updated_at,
        })
    }

    fn title(&self, id: i64) -> Result<Title> {
        let mut facts = self
            .conn
            .prepare_cached(concat!(
                "SELECT ",
                fact_columns!(),
                " FROM titles t WHERE t.id = ?1"
            ))?
            .query_row([id], |r| facts_at(r, 0))?;
        let mut stmt = self.conn.prepare_cached(
            "SELECT genre FROM title_genres WHERE title_id = ?1 ORDER BY position",
        )?;
        facts.genres = stmt
            .query_map([id], |r| r.get(0))?
            .collect::<rusqlite::Result<_>>()?;
        let mut stmt = self.conn.prepare_cached(
            "SELECT name, role, character FROM title_people WHERE title_id = ?1 ORDER BY position",
        )?;
        facts.people = stmt
            .query_map([id], |r| person_at(r, 0))?
            .collect::<rusqlite::Result<_>>()?;
        let mut stmt = self
            .conn
            .prepare_cached("SELECT provider, value FROM external_ids WHERE title_id = ?1")?;
        let mut rows = stmt.query([id])?;
        while let Some(r) = rows.next()? {
            facts.external_ids.set(&r.get::<_, String>(0)?, r.get(1)?);
        }
        Ok(Title { id, facts })
    }

    fn viewings(&self, id: i64) -> Result<Vec<Viewing>> {
        let mut stmt = self.conn.prepare_cached(concat!(
            "SELECT ",
            viewing_columns!(),
            " FROM viewings v LEFT JOIN platforms p ON p.id = v.platform_id
             WHERE v.entry_id = ?1 ORDER BY ",
            viewing_order!()
        ))?;
        let v = stmt
            .query_map([id], |r| viewing_at(r, 0))?
            .collect::<rusqlite::Result<_>>()?;
        Ok(v)
    }

    /// Changes the fields a patch names, and what a status change implies
    /// (see [`derive_fields`]), in one write transaction that reads the
    /// entry as it is now: a field another face changed meanwhile is kept.
    pub fn update_entry(&mut self, id: i64, patch: &EntryPatch) -> Result<Entry> {
        self.update_entry_on(id, patch, today())
    }

    /// `update_entry` with "today" given.
    pub fn update_entry_on(
        &mut self,
        id: i64,
        patch: &EntryPatch,
        today: NaiveDate,
    ) -> Result<Entry> {
        let tx = self.write()?;
        patch_in(&tx, id, today, Some(WatchedWhen::Unknown), |_, _| {
            Ok(patch.clone())
        })?;
        tx.commit()?;
        self.entry(id)
    }

    /// What `update_entry` would store for `patch` now, and every problem
    /// with it by field; nothing is written.
    pub fn preview_entry(&self, id: i64, patch: &EntryPatch) -> Result<EntryPreview> {
        self.preview_entry_on(id, patch, today())
    }

    /// `preview_entry` with "today" given.
    pub fn preview_entry_on(
        &self,
        id: i64,
        patch: &EntryPatch,
        today: NaiveDate,
    ) -> Result<EntryPreview> {
        let (_, old, _, _) = read_fields(&self.conn, id)?;
        let episodes = episodes_of(&self.conn, id)?;
        let fields = derive_fields(&old, patch, episodes, today);
        let mut errors = field_errors(&fields, episodes);
        if let Err(e) = resolve_platform(&self.conn, fields.platform.as_deref()) {
            errors.push(e);
        }
        Ok(EntryPreview {
            fields,
            errors: errors.iter().map(ErrorPayload::from).collect(),
        })
    }

    /// Every problem with a title and first record the add dialog would
    /// add, by field; nothing is written.
    pub fn check_new_entry(&self, new: &NewEntry) -> Vec<ErrorPayload> {
        let mut errors = title_errors(&new.title);
        errors.extend(field_errors(&new.fields, new.title.episodes));
        if let Err(e) = resolve_platform(&self.conn, new.fields.platform.as_deref()) {
            errors.push(e);
        }
        errors.iter().map(ErrorPayload::from).collect()
    }

    /// Every problem with new facts for an entry's title ("Edit details"),
    /// by field; nothing is written.
    pub fn check_title(&self, entry_id: i64, facts: &TitleFacts) -> Result<Vec<ErrorPayload>> {
        let (_, fields, _, _) = read_fields(&self.conn, entry_id)?;
        let mut errors = title_errors(facts);
        errors.extend(episodes_error(fields.progress, facts.episodes));
        Ok(errors.iter().map(ErrorPayload::from).collect())
    }

    /// Replaces the catalogue facts of an entry's title; the user's fields
    /// are not touched.
    pub fn update_title(&mut self, entry_id: i64, facts: &TitleFacts) -> Result<Entry> {
        let facts = clean_facts(facts)?;
        let (title_id, progress): (i64, u32) = self
            .conn
            .query_row(
                "SELECT title_id, progress FROM entries WHERE id = ?1",
                [entry_id],
                |r| Ok((r.get(0)?, r.get(1)?)),
            )
            .optional()?
            .ok_or(Error::NotFound {
                what: "entry",
                id: entry_id,
            })?;
        if let Some(e) = episodes_error(progress, facts.episodes) {
            return Err(e);
        }
        let tx = self.write()?;
        if let Some(other) =
            find_by_external_ids(&tx, &facts.external_ids)?.filter(|&other| other != entry_id)
        {
            return Err(Error::Conflict(format!(
                "those catalogue ids already belong to entry {other}"
            )));
        }
        replace_title(&tx, title_id, &facts, Some(Utc::now()))?;
        search::reindex(&tx, entry_id)?;
        tx.commit()?;
        self.entry(entry_id)
    }

    /// Adds one episode to the progress ("+1 episode"), starting the entry if
    /// it was only planned and completing it on the last episode. Read and
    /// written in one transaction, so two quick presses count twice.
    pub fn add_episode(&mut self, id: i64) -> Result<Entry> {
        let tx = self.write()?;
        let today = today();
        patch_in(
            &tx,
            id,
            today,
            Some(WatchedWhen::On(today)),
            |old, episodes| {
                let progress = old.progress + 1;
                let mut status = old.status;
                if let Some(eps) = episodes {
                    if progress > eps {
                        let name: String = tx.query_row(
                            "SELECT t.name FROM entries e JOIN titles t ON t.id = e.title_id
                         WHERE e.id = ?1",
                            [id],
                            |r| r.get(0),
                        )?;
                        return Err(Error::invalid_field(
                            "progress",
                            format!("'{name}' has {eps} episodes and you have watched them all"),
                        ));
                    }
                    if progress == eps {
                        status = Status::Completed;
                    }
                }
                if matches!(status, Status::PlanToWatch | Status::OnHold) {
                    status = Status::Watching;
                }
                Ok(EntryPatch {
                    progress: Some(progress),
                    status: Some(status),
                    ..EntryPatch::default()
                })
            },
        )?;
        tx.commit()?;
        self.entry(id)
    }

    /// Deletes an entry with its title, viewings and tags; the step takes
    /// it back.
    pub fn delete_entry(&mut self, id: i64) -> Result<UndoStep> {
        self.delete_entries(&[id])
    }

    /// Deletes several entries with their titles, viewings and tags, all
    /// or none: an unknown id deletes nothing. The step takes them all
    /// back.
    pub fn delete_entries(&mut self, ids: &[i64]) -> Result<UndoStep> {
        let mut ids = ids.to_vec();
        ids.sort_unstable();
        ids.dedup();
        if ids.is_empty() {
            return Err(Error::invalid("no entries were given to delete"));
        }
        let (_, step) = self.record(
            |tx| {
                let mut names = Vec::with_capacity(ids.len());
                for &id in &ids {
                    let (title_id, name): (i64, String) = tx
                        .prepare_cached(
                            "SELECT e.title_id, t.name FROM entries e
                             JOIN titles t ON t.id = e.title_id WHERE e.id = ?1",
                        )?
                        .query_row([id], |r| Ok((r.get(0)?, r.get(1)?)))
                        .optional()?
                        .ok_or(Error::NotFound { what: "entry", id })?;
                    search::remove(tx, id)?;
                    tx.prepare_cached("DELETE FROM titles WHERE id = ?1")?
                        .execute([title_id])?;
                    names.push(name);
                }
                tx.execute(
                    "DELETE FROM tags WHERE id NOT IN (SELECT tag_id FROM entry_tags)",
                    [],
                )?;
                Ok(names)
            },
            |names| match names.as_slice() {
                [one] => Described {
                    label: format!("Deleted \u{201c}{one}\u{201d}"),
                    subject: format!("\u{201c}{one}\u{201d}"),
                    entries: ids.clone(),
                },
                many => Described {
                    label: format!("Deleted {} titles", many.len()),
                    subject: format!("One of the {} titles", many.len()),
                    entries: ids.clone(),
                },
            },
        )?;
        Ok(step)
    }

    /// Records another viewing (a rewatch) of an entry.
    pub fn add_viewing(&mut self, entry_id: i64, viewing: &ViewingDetails) -> Result<Entry> {
        let episodes = episodes_of(&self.conn, entry_id)?;
        validate_dates(viewing.started_on, viewing.finished_on)?;
        validate_progress(viewing.progress, episodes)?;
        let tx = self.write()?;
        let platform = resolve_platform(&tx, viewing.platform.as_deref())?;
        tx.execute(
            "INSERT INTO viewings (entry_id, started_on, finished_on, platform_id, progress)
             VALUES (?1, ?2, ?3, ?4, ?5)",
            params![
                entry_id,
                viewing.started_on,
                viewing.finished_on,
                platform,
                viewing.progress
            ],
        )?;
        tx.prepare_cached("UPDATE entries SET updated_at = ?2 WHERE id = ?1")?
            .execute(params![entry_id, Utc::now()])?;
        tx.commit()?;
        self.entry(entry_id)
    }

    /// Removes one viewing.
    pub fn delete_viewing(&mut self, viewing_id: i64) -> Result<Entry> {
        let entry_id: i64 = self
            .conn
            .query_row(
                "SELECT entry_id FROM viewings WHERE id = ?1",
                [viewing_id],
                |r| r.get(0),
            )
            .optional()?
            .ok_or(Error::NotFound {
                what: "viewing",
                id: viewing_id,
            })?;
        let tx = self.write()?;
        tx.execute("DELETE FROM viewings WHERE id = ?1", [viewing_id])?;
        // The viewing's own watches go with it, and with them perhaps the
        // entry's latest watch.
        super::history::refresh_next(&tx, entry_id)?;
        tx.commit()?;
        self.entry(entry_id)
    }

    /// How many entries each status tab holds.
    pub fn status_counts(&self) -> Result<StatusCounts> {
        let mut counts = StatusCounts::default();
        let mut stmt = self
            .conn
            .prepare_cached("SELECT status, count(*) FROM entries GROUP BY status")?;
        let mut rows = stmt.query([])?;
        while let Some(r) = rows.next()? {
            let n: u32 = r.get(1)?;
            counts.all += n;
            match word::<Status>(r, 0)? {
                Status::PlanToWatch => counts.plan_to_watch = n,
                Status::Watching => counts.watching = n,
                Status::Completed => counts.completed = n,
                Status::OnHold => counts.on_hold = n,
                Status::Dropped => counts.dropped = n,
            }
        }
        Ok(counts)
    }
}

/// The user's calendar day: a title finished at 1 a.m. in Seoul was finished
/// that day, not the UTC day before.
pub(super) fn today() -> NaiveDate {
    // The system clock, so `WATCHLOG_NOW` fixes the days filled in as it
    // fixes every other time rule.
    crate::clock::Clock::system().today()
}

/// Inserts a title, its entry and its search row inside `tx`.
pub(super) fn insert_entry(tx: &Transaction, new: &NewEntry, today: NaiveDate) -> Result<i64> {
    let facts = clean_facts(&new.title)?;
    let mut fields = new.fields.clone();
    apply_status_change(None, &mut fields, facts.episodes, today);
    validate_fields(&fields, facts.episodes)?;
    if let Some(existing) = find_by_external_ids(tx, &facts.external_ids)? {
        return Err(Error::Conflict(format!(
            "'{}' is already in your library (entry {existing})",
            facts.name
        )));
    }
    let now = Utc::now();
    let title_id = insert_title(tx, &facts, now)?;
    tx.execute(
        "INSERT INTO entries (title_id, status, added_at, updated_at) VALUES (?1, ?2, ?3, ?3)",
        params![title_id, fields.status.as_str(), now],
    )?;
    let entry_id = tx.last_insert_rowid();
    write_fields(tx, entry_id, &fields)?;
    search::reindex(tx, entry_id)?;
    Ok(entry_id)
}

/// The fields with `patch` laid over `old`, and what a status change
/// implies, filling only what is empty: moving to Watching fills the start
/// date with today; moving to Completed fills the finish date and, when the
/// episode count is known, the progress. This is the one place the rule
/// lives; the editor sees its effect through `preview_entry`.
pub(super) fn derive_fields(
    old: &EntryFields,
    patch: &EntryPatch,
    episodes: Option<u32>,
    today: NaiveDate,
) -> EntryFields {
    let mut fields = patch.apply_to(old);
    apply_status_change(Some(old.status), &mut fields, episodes, today);
    fields
}

/// The status rule of [`derive_fields`]; `old` is `None` for a new entry.
fn apply_status_change(
    old: Option<Status>,
    fields: &mut EntryFields,
    episodes: Option<u32>,
    today: NaiveDate,
) {
    if old == Some(fields.status) {
        return;
    }
    match fields.status {
        Status::Watching => {
            fields.started_on.get_or_insert(today);
        }
        Status::Completed => {
            if let Some(eps) = episodes {
                fields.progress = fields.progress.max(eps);
            }
            let started = fields.started_on;
            // A finish date before a typed start date would be refused; leave
            // it for the user rather than invent one.
            if started.is_none_or(|s| s <= today) {
                fields.finished_on.get_or_insert(today);
            }
        }
        _ => {}
    }
}

/// Reads an entry's fields inside `tx`, lets `make` choose a patch from
/// them, and writes only the columns that patch (and the status rule)
/// change. Reading and writing in the one write transaction is what keeps
/// another face's change to another field. A progress count set this way
/// is carried into the episode history as watched `sync` (`None`: the
/// history is what changed, and the count follows it).
pub(super) fn patch_in(
    tx: &Transaction,
    id: i64,
    today: NaiveDate,
    sync: Option<WatchedWhen>,
    make: impl FnOnce(&EntryFields, Option<u32>) -> Result<EntryPatch>,
) -> Result<()> {
    let (_, old, _, _) = read_fields(tx, id)?;
    let episodes = episodes_of(tx, id)?;
    let patch = make(&old, episodes)?;
    let new = derive_fields(&old, &patch, episodes, today);
    validate_fields(&new, episodes)?;
    if let Some(when) = sync.filter(|_| new.progress != old.progress) {
        super::history::sync_to_progress(tx, id, new.progress, when)?;
    }
    if write_changes(tx, id, &old, &new)? {
        tx.prepare_cached("UPDATE entries SET updated_at = ?2 WHERE id = ?1")?
            .execute(params![id, Utc::now()])?;
        search::reindex(tx, id)?;
    }
    Ok(())
}

/// Writes the columns where `new` differs from `old`; false when none does.
fn write_changes(tx: &Transaction, id: i64, old: &EntryFields, new: &EntryFields) -> Result<bool> {
    let mut sets: Vec<(&str, Box<dyn rusqlite::ToSql>)> = Vec::new();
    macro_rules! set {
        ($col:literal, $name:ident, $to_sql:expr) => {
            if old.$name != new.$name {
                sets.push(($col, Box::new($to_sql(&new.$name))));
            }
        };
    }
    set!("status", status, |s: &Status| s.as_str());
    set!("rating", rating, |r: &Option<Rating>| r.map(Rating::get));
    set!("review", review, |t: &Option<String>| blank_to_null(t));
    set!("review_spoiler", review_spoiler, |b: &bool| *b);
    set!("notes", notes, |t: &Option<String>| blank_to_null(t));
    set!("progress", progress, |p: &u32| *p);
    set!("favorite", favorite, |b: &bool| *b);
    set!("started_on", started_on, |d: &Option<NaiveDate>| *d);
    set!("finished_on", finished_on, |d: &Option<NaiveDate>| *d);
    let (o, n) = (&old.scores, &new.scores);
    for (col, a, b) in [
        ("score_story", o.story, n.story),
        ("score_acting", o.acting, n.acting),
        ("score_music", o.music, n.music),
        ("score_rewatch", o.rewatch_value, n.rewatch_value),
    ] {
        if a != b {
            sets.push((col, Box::new(b.map(Rating::get))));
        }
    }
    if old.platform != new.platform {
        let platform = resolve_platform(tx, new.platform.as_deref())?;
        sets.push(("platform_id", Box::new(platform)));
    }
    let tags_changed = old.tags != new.tags;
    if tags_changed {
        write_tags(tx, id, &new.tags)?;
    }
    if sets.is_empty() {
        return Ok(tags_changed);
    }
    let assignments: Vec<String> = sets
        .iter()
        .enumerate()
        .map(|(i, (col, _))| format!("{col} = ?{}", i + 2))
        .collect();
    let sql = format!(
        "UPDATE entries SET {} WHERE id = ?1",
        assignments.join(", ")
    );
    let mut values: Vec<&dyn rusqlite::ToSql> = vec![&id];
    values.extend(sets.iter().map(|(_, v)| v.as_ref()));
    // Cached: an edit changes the same few columns again and again, and
    // preparing the statement compiles the count triggers it fires.
    tx.prepare_cached(&sql)?.execute(values.as_slice())?;
    Ok(true)
}

/// Review and notes are stored as NULL rather than blank.
pub(super) fn blank_to_null(s: &Option<String>) -> Option<String> {
    s.as_deref()
        .filter(|t| !t.trim().is_empty())
        .map(str::to_string)
}

/// An entry's fields as stored, with its title id and timestamps.
fn read_fields(
    conn: &Connection,
    id: i64,
) -> Result<(i64, EntryFields, DateTime<Utc>, DateTime<Utc>)> {
    let row = conn
        .prepare_cached(concat!(
            "SELECT e.title_id, ",
            field_columns!(),
            " FROM entries e LEFT JOIN platforms p ON p.id = e.platform_id WHERE e.id = ?1"
        ))?
        .query_row([id], |r| {
            let (fields, added_at, updated_at) = fields_at(r, 1)?;
            Ok((r.get::<_, i64>(0)?, fields, added_at, updated_at))
        })
        .optional()?
        .ok_or(Error::NotFound { what: "entry", id })?;
    let (title_id, mut fields, added_at, updated_at) = row;
    fields.tags = entry_tags(conn, id)?;
    Ok((title_id, fields, added_at, updated_at))
}

fn entry_tags(conn: &Connection, id: i64) -> Result<Vec<String>> {
    let mut stmt = conn.prepare_cached(concat!(
        "SELECT t.name FROM entry_tags et JOIN tags t ON t.id = et.tag_id
             WHERE et.entry_id = ?1 ORDER BY ",
        tag_order!()
    ))?;
    let tags = stmt
        .query_map([id], |r| r.get(0))?
        .collect::<rusqlite::Result<_>>()?;
    Ok(tags)
}

/// The episode count of an entry's title, when known.
fn episodes_of(conn: &Connection, id: i64) -> Result<Option<u32>> {
    conn.query_row(
        "SELECT t.episodes FROM entries e JOIN titles t ON t.id = e.title_id WHERE e.id = ?1",
        [id],
        |r| r.get(0),
    )
    .optional()?
    .ok_or(Error::NotFound { what: "entry", id })
}

/// The first problem with an entry's fields, if any (see [`field_errors`]).
pub(super) fn validate_fields(f: &EntryFields, episodes: Option<u32>) -> Result<()> {
    match field_errors(f, episodes).into_iter().next() {
        Some(e) => Err(e),
        None => Ok(()),
    }
}

/// Every problem with an entry's fields, each naming its field. Which
/// platforms exist is checked where the platform is resolved.
pub(super) fn field_errors(f: &EntryFields, episodes: Option<u32>) -> Vec<Error> {
    let mut errors: Vec<Error> = [
        validate_progress(f.progress, episodes).err(),
        validate_dates(f.started_on, f.finished_on).err(),
    ]
    .into_iter()
    .flatten()
    .collect();
    for (name, text) in [("review", &f.review), ("notes", &f.notes)] {
        if text.as_ref().is_some_and(|t| t.len() > MAX_TEXT) {
            errors.push(Error::invalid_field(
                name,
                format!("the {name} is longer than {} MiB", MAX_TEXT >> 20),
            ));
        }
    }
    if f.tags.iter().any(|tag| tag.chars().count() > MAX_TAG_CHARS) {
        errors.push(Error::invalid_field(
            "tags",
            format!("a tag may be at most {MAX_TAG_CHARS} characters"),
        ));
    }
    errors
}

pub(super) fn validate_progress(progress: u32, episodes: Option<u32>) -> Result<()> {
    match episodes {
        Some(eps) if progress > eps => Err(Error::invalid_field(
            "progress",
            format!("progress {progress} is more than the {eps} episodes this title has"),
        )),
        _ if progress > MAX_EPISODES => Err(Error::invalid_field(
            "progress",
            format!("progress {progress} is not a plausible number of episodes"),
        )),
        _ => Ok(()),
    }
}

pub(super) fn validate_dates(
    started: Option<NaiveDate>,
    finished: Option<NaiveDate>,
) -> Result<()> {
    match (started, finished) {
        (Some(s), Some(f)) if f < s => Err(Error::invalid_field(
            "finished_on",
            format!("the finish date {f} is before the start date {s}"),
        )),
        _ => Ok(()),
    }
}

/// An episode count lower than what was watched is refused.
fn episodes_error(progress: u32, episodes: Option<u32>) -> Option<Error> {
    episodes.filter(|&eps| progress > eps).map(|eps| {
        Error::invalid_field(
            "episodes",
            format!("you have watched {progress} episodes, so the episode count cannot be {eps}"),
        )
    })
}

/// The earliest year a title can have: the first films are from the 1870s.
pub const EARLIEST_YEAR: i32 = 1870;

/// The latest year a title can have: announced titles run a few years ahead.
pub fn latest_year(today: NaiveDate) -> i32 {
    today.year() + 10
}

/// Trims the facts and checks what the schema would otherwise reject with a
/// less helpful message; the first problem found (see [`title_errors`]).
pub(super) fn clean_facts(facts: &TitleFacts) -> Result<TitleFacts> {
    clean_facts_on(facts, today())
}

/// [`clean_facts`] with "today" given, so a loop over many titles (an
/// import) reads the clock once; the facts are trimmed once.
pub(super) fn clean_facts_on(facts: &TitleFacts, today: NaiveDate) -> Result<TitleFacts> {
    let f = trim_facts(facts);
    if let Some(e) = trimmed_title_errors(&f, today).into_iter().next() {
        return Err(e);
    }
    Ok(f)
}

/// Every problem with a title's facts, each naming its field.
pub(super) fn title_errors(facts: &TitleFacts) -> Vec<Error> {
    trimmed_title_errors(&trim_facts(facts), today())
}

/// [`title_errors`] of facts already trimmed.
fn trimmed_title_errors(f: &TitleFacts, today: NaiveDate) -> Vec<Error> {
    let mut errors = Vec::new();
    if f.name.is_empty() {
        errors.push(Error::invalid_field("name", "a title needs a name"));
    } else if f.name.chars().count() > MAX_NAME {
        errors.push(Error::invalid_field(
            "name",
            format!("a title's name may be at most {MAX_NAME} characters"),
        ));
    }
    if let Some(c) = &f.country {
        if c.len() != 2 || !c.chars().all(|ch| ch.is_ascii_alphabetic()) {
            errors.push(Error::invalid_field(
                "country",
                format!("'{c}' is not a country code (use two letters, such as KR, JP, CN, US)"),
            ));
        }
    }
    if let Some(y) = f.year {
        let latest = latest_year(today);
        if !(EARLIEST_YEAR..=latest).contains(&y) {
            errors.push(Error::invalid_field(
                "year",
                format!("{y} is not a plausible year (use {EARLIEST_YEAR} to {latest})"),
            ));
        }
    }
    if let Some(eps) = f.episodes {
        if eps > MAX_EPISODES {
            errors.push(Error::invalid_field(
                "episodes",
                format!("{eps} is not a plausible number of episodes (at most {MAX_EPISODES})"),
            ));
        }
    }
    if let Some(url) = &f.poster_url {
        if !(url.starts_with("http://") || url.starts_with("https://")) {
            errors.push(Error::invalid_field(
                "poster_url",
                format!("the poster address '{url}' must start with http:// or https://"),
            ));
        }
    }
    for (provider, value) in f.external_ids.pairs() {
        if value.is_some_and(|v| v.trim().is_empty()) {
            errors.push(Error::invalid_field(
                "external_ids",
                format!("the {provider} id is empty"),
            ));
        }
    }
    errors
}

/// The facts as stored: trimmed, blanks as `None`, the country upper-case
/// and the language lower-case, empty and repeated genres dropped.
fn trim_facts(facts: &TitleFacts) -> TitleFacts {
    let mut f = facts.clone();
    f.name = f.name.trim().to_string();
    let blank_to_none = |s: &mut Option<String>| {
        if s.as_deref().is_some_and(|v| v.trim().is_empty()) {
            *s = None;
        } else if let Some(v) = s {
            *v = v.trim().to_string();
        }
    };
    for s in [
        &mut f.original_name,
        &mut f.country,
        &mut f.language,
        &mut f.network,
        &mut f.synopsis,
        &mut f.poster_url,
    ] {
        blank_to_none(s);
    }
    if let Some(c) = &mut f.country {
        *c = c.to_ascii_uppercase();
    }
    if let Some(l) = &mut f.language {
        *l = l.to_ascii_lowercase();
    }
    f.genres.retain(|g| !g.trim().is_empty());
    f.genres.dedup();
    f
}

/// Inserts a title with its genres, people and catalogue ids; returns its id.
pub(super) fn insert_title(
    tx: &Transaction,
    facts: &TitleFacts,
    now: DateTime<Utc>,
) -> Result<i64> {
    tx.prepare_cached(
        "INSERT INTO titles (kind, name, sort_name, original_name, year, country, language,
            network, seasons, episodes, runtime_minutes, airing, synopsis, poster_url,
            created_at, updated_at)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14, ?15, ?15)",
    )?
    .execute(params![
        facts.kind.as_str(),
        facts.name,
        text::sort_key(&facts.name),
        facts.original_name,
        facts.year,
        facts.country,
        facts.language,
        facts.network,
        facts.seasons,
        facts.episodes,
        facts.runtime_minutes,
        facts.airing.map(|a| a.as_str()),
        facts.synopsis,
        facts.poster_url,
        now,
    ])?;
    let title_id = tx.last_insert_rowid();
    write_title_children(tx, title_id, facts)?;
    Ok(title_id)
}

/// Replaces a title's facts, genres, people and catalogue ids. `touched` is
/// the new `updated_at`, or `None` to keep it (an import restoring a library
/// as it was).
pub(super) fn replace_title(
    tx: &Transaction,
    title_id: i64,
    facts: &TitleFacts,
    touched: Option<DateTime<Utc>>,
) -> Result<()> {
    tx.prepare_cached(
        "UPDATE titles SET kind = ?2, name = ?3, sort_name = ?4, original_name = ?5, year = ?6,
            country = ?7, language = ?8, network = ?9, seasons = ?10, episodes = ?11,
            runtime_minutes = ?12, airing = ?13, synopsis = ?14, poster_url = ?15,
            updated_at = coalesce(?16, updated_at)
         WHERE id = ?1",
    )?
    .execute(params![
        title_id,
        facts.kind.as_str(),
        facts.name,
        text::sort_key(&facts.name),
        facts.original_name,
        facts.year,
        facts.country,
        facts.language,
        facts.network,
        facts.seasons,
        facts.episodes,
        facts.runtime_minutes,
        facts.airing.map(|a| a.as_str()),
        facts.synopsis,
        facts.poster_url,
        touched,
    ])?;
    for table in ["title_genres", "title_people", "external_ids"] {
        tx.prepare_cached(&format!("DELETE FROM {table} WHERE title_id = ?1"))?
            .execute([title_id])?;
    }
    write_title_children(tx, title_id, facts)
}

pub(super) fn write_title_children(
    tx: &Transaction,
    title_id: i64,
    facts: &TitleFacts,
) -> Result<()> {
    let mut g = tx.prepare_cached(
        "INSERT OR IGNORE INTO title_genres (title_id, position, genre) VALUES (?1, ?2, ?3)",
    )?;
    for (i, genre) in facts.genres.iter().enumerate() {
        g.execute(params![title_id, i as i64, genre.trim()])?;
    }
    let mut p = tx.prepare_cached(
        "INSERT INTO title_people (title_id, position, role, name, character) VALUES (?1, ?2, ?3, ?4, ?5)",
    )?;
    for (i, person) in facts.people.iter().enumerate() {
        p.execute(params![
            title_id,
            i as i64,
            person.role.as_str(),
            person.name.trim(),
            person.character
        ])?;
    }
    let mut x = tx.prepare_cached(
        "INSERT INTO external_ids (title_id, provider, value) VALUES (?1, ?2, ?3)",
    )?;
    for (provider, value) in facts.external_ids.pairs() {
        if let Some(v) = value {
            x.execute(params![title_id, provider, v.trim()])?;
        }
    }
    Ok(())
}

pub(super) fn write_fields(tx: &Transaction, id: i64, f: &EntryFields) -> Result<()> {
    let platform = resolve_platform(tx, f.platform.as_deref())?;
    tx.prepare_cached(
        "UPDATE entries SET status = ?2, rating = ?3, score_story = ?4, score_acting = ?5,
            score_music = ?6, score_rewatch = ?7, review = ?8, review_spoiler = ?9, notes = ?10,
            platform_id = ?11, progress = ?12, favorite = ?13, started_on = ?14, finished_on = ?15
         WHERE id = ?1",
    )?
    .execute(params![
        id,
        f.status.as_str(),
        f.rating.map(Rating::get),
        f.scores.story.map(Rating::get),
        f.scores.acting.map(Rating::get),
        f.scores.music.map(Rating::get),
        f.scores.rewatch_value.map(Rating::get),
        blank_to_null(&f.review),
        f.review_spoiler,
        blank_to_null(&f.notes),
        platform,
        f.progress,
        f.favorite,
        f.started_on,
        f.finished_on,
    ])?;
    write_tags(tx, id, &f.tags)
}

/// Inserts a new entry row with all its fields and tags in one statement
/// each, for an import adding many: the values stored are those
/// [`write_fields`] would store, without the deletes a new entry does not
/// need. `id` is kept when given (the caller checked it is free). Returns
/// the entry id.
pub(super) fn insert_entry_row(
    tx: &Transaction,
    id: Option<i64>,
    title_id: i64,
    f: &EntryFields,
    added: DateTime<Utc>,
    updated: DateTime<Utc>,
) -> Result<i64> {
    let platform = resolve_platform(tx, f.platform.as_deref())?;
    tx.prepare_cached(
        "INSERT INTO entries (id, title_id, status, rating, score_story, score_acting,
            score_music, score_rewatch, review, review_spoiler, notes, platform_id, progress,
            favorite, started_on, finished_on, added_at, updated_at)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14, ?15, ?16, ?17, ?18)",
    )?
    .execute(params![
        id,
        title_id,
        f.status.as_str(),
        f.rating.map(Rating::get),
        f.scores.story.map(Rating::get),
        f.scores.acting.map(Rating::get),
        f.scores.music.map(Rating::get),
        f.scores.rewatch_value.map(Rating::get),
        blank_to_null(&f.review),
        f.review_spoiler,
        blank_to_null(&f.notes),
        platform,
        f.progress,
        f.favorite,
        f.started_on,
        f.finished_on,
        added,
        updated,
    ])?;
    let entry_id = tx.last_insert_rowid();
    add_tags(tx, entry_id, &f.tags)?;
    Ok(entry_id)
}

/// Replaces an entry's tags, dropping tags no entry uses any more.
fn write_tags(tx: &Transaction, id: i64, tags: &[String]) -> Result<()> {
    tx.prepare_cached("DELETE FROM entry_tags WHERE entry_id = ?1")?
        .execute([id])?;
    add_tags(tx, id, tags)?;
    drop_unused_tags(tx)
}

/// Gives an entry these tags (in any case, the one stored first wins).
fn add_tags(tx: &Transaction, id: i64, tags: &[String]) -> Result<()> {
    for tag in tags {
        let tag = tag.trim();
        if tag.is_empty() {
            continue;
        }
        tx.prepare_cached("INSERT OR IGNORE INTO tags (name) VALUES (?1)")?
            .execute([tag])?;
        tx.prepare_cached(
            "INSERT OR IGNORE INTO entry_tags (entry_id, tag_id)
             SELECT ?1, id FROM tags WHERE name = ?2",
        )?
        .execute(params![id, tag])?;
    }
    Ok(())
}

/// Deletes the tags no entry uses any more.
pub(super) fn drop_unused_tags(tx: &Transaction) -> Result<()> {
    tx.prepare_cached("DELETE FROM tags WHERE id NOT IN (SELECT tag_id FROM entry_tags)")?
        .execute([])?;
    Ok(())
}

/// The id of a platform named (in any case) `name`.
pub(super) fn platform_id(conn: &rusqlite::Connection, name: &str) -> Result<i64> {
    conn.prepare_cached("SELECT id FROM platforms WHERE name = ?1 COLLATE NOCASE")?
        .query_row([name.trim()], |r| r.get(0))
        .optional()?
    .ok_or_else(|| {
        let known: Vec<String> = conn
            .prepare("SELECT name FROM platforms ORDER BY position, name")
            .and_then(|mut s| s.query_map([], |r| r.get(0))?.collect())
            .unwrap_or_default();
        Error::invalid_field("platform", format!(
            "'{}' is not one of your platforms (known: {}); add it in settings or with `watchlog platform add`",
            name.trim(),
            known.join(", ")
        ))
    })
}

pub(super) fn resolve_platform(conn: &Connection, name: Option<&str>) -> Result<Option<i64>> {
    match name.map(str::trim).filter(|n| !n.is_empty()) {
        Some(n) => Ok(Some(platform_id(conn, n)?)),
        None => Ok(None),
    }
}

pub(super) fn find_by_external_ids(tx: &Transaction, ids: &ExternalIds) -> Result<Option<i64>> {
    let mut stmt = tx.prepare_cached(
        "SELECT e.id FROM external_ids x JOIN entries e ON e.title_id = x.title_id
         WHERE x.provider = ?1 AND x.value = ?2",
    )?;
    for (provider, value) in ids.pairs() {
        if let Some(v) = value {
            if let Some(id) = stmt
                .query_row(params![provider, v.trim()], |r| r.get(0))
                .optional()?
            {
                return Ok(Some(id));
            }
        }
    }
    Ok(None)
}

/// Reads a stored enum word, failing loudly if the file holds one this
/// version does not know.
pub(super) fn word<T: std::str::FromStr>(r: &Row, i: usize) -> rusqlite::Result<T> {
    let s: String = r.get(i)?;
    s.parse().map_err(|_| {
        rusqlite::Error::FromSqlConversionFailure(
            i,
            rusqlite::types::Type::Text,
            format!("unknown value '{s}'").into(),
        )
    })
}

fn opt_word<T: std::str::FromStr>(r: &Row, i: usize) -> rusqlite::Result<Option<T>> {
    match r.get::<_, Option<String>>(i)? {
        None => Ok(None),
        Some(_) => word(r, i).map(Some),
    }
}

pub(super) fn rating(r: &Row, i: usize) -> rusqlite::Result<Option<Rating>> {
    match r.get::<_, Option<u8>>(i)? {
        None => Ok(None),
        Some(v) => Rating::new(v).map(Some).map_err(|e| {
            rusqlite::Error::FromSqlConversionFailure(i, rusqlite::types::Type::Integer, e.into())
        }),
    }
}

#[cfg(test)]
mod tests {
    use chrono::{DateTime, NaiveDate, Utc};

    /// The hand readers give what chrono's own parsers give, and leave
    /// what they do not know to them.
    #[test]
    fn stored_days_and_instants_read_as_chrono_reads_them() {
        for s in ["2024-02-01", "1870-01-01", "2026-12-31"] {
            assert_eq!(
                super::parse_day(s.as_bytes()),
                NaiveDate::parse_from_str(s, "%F").ok()
            );
        }
        for s in [
            "2024-02-30",
            "2024-2-01",
            "24-02-01",
            "2024-02-01x",
            "+2024-02-01",
        ] {
            assert_eq!(super::parse_day(s.as_bytes()), None, "{s}");
        }
        for s in [
            "2024-02-01 09:30:00+00:00",
            "2024-02-01T09:30:00Z",
            "2026-12-02 06:46:35.123456789+00:00",
            "2026-12-02 06:46:35.5+00:00",
        ] {
            assert_eq!(
                super::parse_instant(s.as_bytes()),
                s.parse::<DateTime<Utc>>().ok(),
                "{s}"
            );
        }
        for s in [
            "2024-02-01 09:30:00+09:00",
            "2024-02-01 09:30:60+00:00",
            "2024-02-01 09:30:00.+00:00",
            "2024-02-01 09:30:00.1234567890+00:00",
            "2024-02-01 09:30",
        ] {
            assert_eq!(super::parse_instant(s.as_bytes()), None, "{s}");
        }
    }
}
