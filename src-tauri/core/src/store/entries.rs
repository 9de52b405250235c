//! Adding, reading, changing and deleting entries and their titles.

use chrono::{DateTime, NaiveDate, Utc};
use rusqlite::{params, OptionalExtension, Row, Transaction};

use super::search;
use super::Library;
use crate::error::{Error, Result};
use crate::model::{
    rating_10, Entry, EntryFields, ExternalIds, NewEntry, Person, Status, StatusCounts, SubScores,
    Title, TitleFacts, Viewing, ViewingDetails,
};
use crate::rating::Rating;
use crate::text;

/// Longest review or note accepted, in bytes: far more than any review, small
/// enough that a pasted file by mistake is caught.
const MAX_TEXT: usize = 1 << 20;

impl Library {
    /// Adds a title and the user's entry for it; returns the entry id.
    pub fn add_entry(&mut self, new: &NewEntry) -> Result<i64> {
        self.add_entry_on(new, today())
    }

    /// `add_entry` with "today" given, so status-driven dates are testable.
    pub fn add_entry_on(&mut self, new: &NewEntry, today: NaiveDate) -> Result<i64> {
        let tx = self.conn.transaction()?;
        let id = insert_entry(&tx, new, today)?;
        tx.commit()?;
        Ok(id)
    }

    /// Adds several entries in one transaction: all of them or none.
    pub fn add_entries(&mut self, new: &[NewEntry]) -> Result<Vec<i64>> {
        let today = today();
        let tx = self.conn.transaction()?;
        let ids = new
            .iter()
            .map(|n| insert_entry(&tx, n, today))
            .collect::<Result<Vec<_>>>()?;
        tx.commit()?;
        Ok(ids)
    }

    /// Every entry, in id order: where every export starts, so output is
    /// stable.
    pub(crate) fn all_entries(&self) -> Result<Vec<Entry>> {
        let mut stmt = self.conn.prepare("SELECT id FROM entries ORDER BY id")?;
        let ids = stmt
            .query_map([], |r| r.get::<_, i64>(0))?
            .collect::<rusqlite::Result<Vec<_>>>()?;
        ids.into_iter().map(|id| self.entry(id)).collect()
    }

    /// Everything about one entry.
    pub fn entry(&self, id: i64) -> Result<Entry> {
        let row = self
            .conn
            .query_row(
                "SELECT e.id, e.title_id, e.status, e.rating, e.score_story, e.score_acting,
                        e.score_music, e.score_rewatch, e.review, e.review_spoiler, e.notes,
                        p.name, e.progress, e.favorite, e.started_on, e.finished_on,
                        e.added_at, e.updated_at
                 FROM entries e LEFT JOIN platforms p ON p.id = e.platform_id
                 WHERE e.id = ?1",
                [id],
                |r| {
                    Ok((
                        r.get::<_, i64>(1)?,
                        EntryFields {
                            status: word(r, 2)?,
                            rating: rating(r, 3)?,
                            scores: SubScores {
                                story: rating(r, 4)?,
                                acting: rating(r, 5)?,
                                music: rating(r, 6)?,
                                rewatch_value: rating(r, 7)?,
                            },
                            review: r.get(8)?,
                            review_spoiler: r.get(9)?,
                            notes: r.get(10)?,
                            platform: r.get(11)?,
                            progress: r.get(12)?,
                            favorite: r.get(13)?,
                            tags: Vec::new(),
                            started_on: r.get(14)?,
                            finished_on: r.get(15)?,
                        },
                        r.get(16)?,
                        r.get(17)?,
                    ))
                },
            )
            .optional()?
            .ok_or(Error::NotFound { what: "entry", id })?;
        let (title_id, mut fields, added_at, updated_at) = row;
        fields.tags = self.entry_tags(id)?;
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
        let mut facts = self.conn.query_row(
            "SELECT kind, name, original_name, year, country, language, network, seasons,
                    episodes, runtime_minutes, airing, synopsis, poster_url
             FROM titles WHERE id = ?1",
            [id],
            |r| {
                Ok(TitleFacts {
                    kind: word(r, 0)?,
                    name: r.get(1)?,
                    original_name: r.get(2)?,
                    year: r.get(3)?,
                    country: r.get(4)?,
                    language: r.get(5)?,
                    network: r.get(6)?,
                    genres: Vec::new(),
                    seasons: r.get(7)?,
                    episodes: r.get(8)?,
                    runtime_minutes: r.get(9)?,
                    airing: opt_word(r, 10)?,
                    synopsis: r.get(11)?,
                    poster_url: r.get(12)?,
                    people: Vec::new(),
                    external_ids: ExternalIds::default(),
                })
            },
        )?;
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
            .query_map([id], |r| {
                Ok(Person {
                    name: r.get(0)?,
                    role: word(r, 1)?,
                    character: r.get(2)?,
                })
            })?
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

    fn entry_tags(&self, id: i64) -> Result<Vec<String>> {
        let mut stmt = self.conn.prepare_cached(
            "SELECT t.name FROM entry_tags et JOIN tags t ON t.id = et.tag_id
             WHERE et.entry_id = ?1 ORDER BY t.name COLLATE NOCASE",
        )?;
        let tags = stmt
            .query_map([id], |r| r.get(0))?
            .collect::<rusqlite::Result<_>>()?;
        Ok(tags)
    }

    fn viewings(&self, id: i64) -> Result<Vec<Viewing>> {
        let mut stmt = self.conn.prepare_cached(
            "SELECT v.id, v.started_on, v.finished_on, p.name, v.progress
             FROM viewings v LEFT JOIN platforms p ON p.id = v.platform_id
             WHERE v.entry_id = ?1
             ORDER BY coalesce(v.started_on, v.finished_on), v.id",
        )?;
        let v = stmt
            .query_map([id], |r| {
                Ok(Viewing {
                    id: r.get(0)?,
                    details: ViewingDetails {
                        started_on: r.get(1)?,
                        finished_on: r.get(2)?,
                        platform: r.get(3)?,
                        progress: r.get(4)?,
                    },
                })
            })?
            .collect::<rusqlite::Result<_>>()?;
        Ok(v)
    }

    /// Replaces the user's fields of an entry. Moving to Watching fills an
    /// empty start date with today; moving to Completed fills an empty
    /// finish date and, when the episode count is known, the progress.
    pub fn update_entry(&mut self, id: i64, fields: &EntryFields) -> Result<Entry> {
        self.update_entry_on(id, fields, today())
    }

    /// `update_entry` with "today" given.
    pub fn update_entry_on(
        &mut self,
        id: i64,
        fields: &EntryFields,
        today: NaiveDate,
    ) -> Result<Entry> {
        let (old_status, episodes) = self.status_and_episodes(id)?;
        let mut fields = fields.clone();
        apply_status_change(Some(old_status), &mut fields, episodes, today);
        validate_fields(&fields, episodes)?;
        let tx = self.conn.transaction()?;
        write_fields(&tx, id, &fields)?;
        tx.execute(
            "UPDATE entries SET updated_at = ?2 WHERE id = ?1",
            params![id, Utc::now()],
        )?;
        search::reindex(&tx, id)?;
        tx.commit()?;
        self.entry(id)
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
        if let Some(eps) = facts.episodes {
            if progress > eps {
                return Err(Error::invalid(format!(
                    "you have watched {progress} episodes, so the episode count cannot be {eps}"
                )));
            }
        }
        let tx = self.conn.transaction()?;
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
    /// it was only planned and completing it on the last episode.
    pub fn add_episode(&mut self, id: i64) -> Result<Entry> {
        let entry = self.entry(id)?;
        let mut fields = entry.fields.clone();
        fields.progress += 1;
        if let Some(eps) = entry.title.facts.episodes {
            if fields.progress > eps {
                return Err(Error::invalid(format!(
                    "'{}' has {eps} episodes and you have watched them all",
                    entry.title.facts.name
                )));
            }
            if fields.progress == eps {
                fields.status = Status::Completed;
            }
        }
        if matches!(fields.status, Status::PlanToWatch | Status::OnHold) {
            fields.status = Status::Watching;
        }
        self.update_entry(id, &fields)
    }

    /// Deletes an entry with its title, viewings and tags.
    pub fn delete_entry(&mut self, id: i64) -> Result<()> {
        let tx = self.conn.transaction()?;
        let title_id: i64 = tx
            .query_row("SELECT title_id FROM entries WHERE id = ?1", [id], |r| {
                r.get(0)
            })
            .optional()?
            .ok_or(Error::NotFound { what: "entry", id })?;
        search::remove(&tx, id)?;
        tx.execute("DELETE FROM titles WHERE id = ?1", [title_id])?;
        tx.execute(
            "DELETE FROM tags WHERE id NOT IN (SELECT tag_id FROM entry_tags)",
            [],
        )?;
        tx.commit()?;
        Ok(())
    }

    /// Records another viewing (a rewatch) of an entry.
    pub fn add_viewing(&mut self, entry_id: i64, viewing: &ViewingDetails) -> Result<Entry> {
        let (_, episodes) = self.status_and_episodes(entry_id)?;
        validate_dates(viewing.started_on, viewing.finished_on)?;
        validate_progress(viewing.progress, episodes)?;
        let tx = self.conn.transaction()?;
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
        tx.execute(
            "UPDATE entries SET updated_at = ?2 WHERE id = ?1",
            params![entry_id, Utc::now()],
        )?;
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
        self.conn
            .execute("DELETE FROM viewings WHERE id = ?1", [viewing_id])?;
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

    fn status_and_episodes(&self, id: i64) -> Result<(Status, Option<u32>)> {
        self.conn
            .query_row(
                "SELECT e.status, t.episodes FROM entries e JOIN titles t ON t.id = e.title_id
                 WHERE e.id = ?1",
                [id],
                |r| Ok((word(r, 0)?, r.get(1)?)),
            )
            .optional()?
            .ok_or(Error::NotFound { what: "entry", id })
    }
}

/// The user's calendar day: a title finished at 1 a.m. in Seoul was finished
/// that day, not the UTC day before.
pub(super) fn today() -> NaiveDate {
    chrono::Local::now().date_naive()
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

/// Applies what a status change implies, filling only what is empty.
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

pub(super) fn validate_fields(f: &EntryFields, episodes: Option<u32>) -> Result<()> {
    validate_progress(f.progress, episodes)?;
    validate_dates(f.started_on, f.finished_on)?;
    for (name, text) in [("review", &f.review), ("notes", &f.notes)] {
        if text.as_ref().is_some_and(|t| t.len() > MAX_TEXT) {
            return Err(Error::invalid(format!(
                "the {name} is longer than {} MiB",
                MAX_TEXT >> 20
            )));
        }
    }
    for tag in &f.tags {
        if tag.chars().count() > 100 {
            return Err(Error::invalid("a tag may be at most 100 characters"));
        }
    }
    Ok(())
}

pub(super) fn validate_progress(progress: u32, episodes: Option<u32>) -> Result<()> {
    match episodes {
        Some(eps) if progress > eps => Err(Error::invalid(format!(
            "progress {progress} is more than the {eps} episodes this title has"
        ))),
        _ if progress > 100_000 => Err(Error::invalid(format!(
            "progress {progress} is not a plausible number of episodes"
        ))),
        _ => Ok(()),
    }
}

pub(super) fn validate_dates(
    started: Option<NaiveDate>,
    finished: Option<NaiveDate>,
) -> Result<()> {
    match (started, finished) {
        (Some(s), Some(f)) if f < s => Err(Error::invalid(format!(
            "the finish date {f} is before the start date {s}"
        ))),
        _ => Ok(()),
    }
}

/// Trims the facts and checks what the schema would otherwise reject with a
/// less helpful message.
pub(super) fn clean_facts(facts: &TitleFacts) -> Result<TitleFacts> {
    let mut f = facts.clone();
    f.name = f.name.trim().to_string();
    if f.name.is_empty() {
        return Err(Error::invalid("a title needs a name"));
    }
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
        if c.len() != 2 || !c.chars().all(|ch| ch.is_ascii_alphabetic()) {
            return Err(Error::invalid(format!(
                "'{c}' is not a country code (use two letters, such as KR, JP, CN, US)"
            )));
        }
        *c = c.to_ascii_uppercase();
    }
    if let Some(l) = &mut f.language {
        *l = l.to_ascii_lowercase();
    }
    if let Some(y) = f.year {
        if !(1800..=2200).contains(&y) {
            return Err(Error::invalid(format!("{y} is not a plausible year")));
        }
    }
    if let Some(url) = &f.poster_url {
        if !(url.starts_with("http://") || url.starts_with("https://")) {
            return Err(Error::invalid(format!(
                "the poster address '{url}' must start with http:// or https://"
            )));
        }
    }
    for (provider, value) in f.external_ids.pairs() {
        if value.is_some_and(|v| v.trim().is_empty()) {
            return Err(Error::invalid(format!("the {provider} id is empty")));
        }
    }
    f.genres.retain(|g| !g.trim().is_empty());
    f.genres.dedup();
    Ok(f)
}

/// Inserts a title with its genres, people and catalogue ids; returns its id.
pub(super) fn insert_title(
    tx: &Transaction,
    facts: &TitleFacts,
    now: DateTime<Utc>,
) -> Result<i64> {
    tx.execute(
        "INSERT INTO titles (kind, name, sort_name, original_name, year, country, language,
            network, seasons, episodes, runtime_minutes, airing, synopsis, poster_url,
            created_at, updated_at)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14, ?15, ?15)",
        params![
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
        ],
    )?;
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
    tx.execute(
        "UPDATE titles SET kind = ?2, name = ?3, sort_name = ?4, original_name = ?5, year = ?6,
            country = ?7, language = ?8, network = ?9, seasons = ?10, episodes = ?11,
            runtime_minutes = ?12, airing = ?13, synopsis = ?14, poster_url = ?15,
            updated_at = coalesce(?16, updated_at)
         WHERE id = ?1",
        params![
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
        ],
    )?;
    for table in ["title_genres", "title_people", "external_ids"] {
        tx.execute(
            &format!("DELETE FROM {table} WHERE title_id = ?1"),
            [title_id],
        )?;
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
    let blank = |s: &Option<String>| {
        s.as_deref()
            .filter(|t| !t.trim().is_empty())
            .map(str::to_string)
    };
    tx.execute(
        "UPDATE entries SET status = ?2, rating = ?3, score_story = ?4, score_acting = ?5,
            score_music = ?6, score_rewatch = ?7, review = ?8, review_spoiler = ?9, notes = ?10,
            platform_id = ?11, progress = ?12, favorite = ?13, started_on = ?14, finished_on = ?15
         WHERE id = ?1",
        params![
            id,
            f.status.as_str(),
            f.rating.map(Rating::get),
            f.scores.story.map(Rating::get),
            f.scores.acting.map(Rating::get),
            f.scores.music.map(Rating::get),
            f.scores.rewatch_value.map(Rating::get),
            blank(&f.review),
            f.review_spoiler,
            blank(&f.notes),
            platform,
            f.progress,
            f.favorite,
            f.started_on,
            f.finished_on,
        ],
    )?;
    tx.execute("DELETE FROM entry_tags WHERE entry_id = ?1", [id])?;
    for tag in &f.tags {
        let tag = tag.trim();
        if tag.is_empty() {
            continue;
        }
        tx.execute("INSERT OR IGNORE INTO tags (name) VALUES (?1)", [tag])?;
        tx.execute(
            "INSERT OR IGNORE INTO entry_tags (entry_id, tag_id)
             SELECT ?1, id FROM tags WHERE name = ?2",
            params![id, tag],
        )?;
    }
    tx.execute(
        "DELETE FROM tags WHERE id NOT IN (SELECT tag_id FROM entry_tags)",
        [],
    )?;
    Ok(())
}

/// The id of a platform named (in any case) `name`.
pub(super) fn platform_id(conn: &rusqlite::Connection, name: &str) -> Result<i64> {
    conn.query_row(
        "SELECT id FROM platforms WHERE name = ?1 COLLATE NOCASE",
        [name.trim()],
        |r| r.get(0),
    )
    .optional()?
    .ok_or_else(|| {
        let known: Vec<String> = conn
            .prepare("SELECT name FROM platforms ORDER BY position, name")
            .and_then(|mut s| s.query_map([], |r| r.get(0))?.collect())
            .unwrap_or_default();
        Error::invalid(format!(
            "'{}' is not one of your platforms (known: {}); add it in settings or with `watchlog platform add`",
            name.trim(),
            known.join(", ")
        ))
    })
}

pub(super) fn resolve_platform(tx: &Transaction, name: Option<&str>) -> Result<Option<i64>> {
    match name.map(str::trim).filter(|n| !n.is_empty()) {
        Some(n) => Ok(Some(platform_id(tx, n)?)),
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
