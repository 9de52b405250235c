//! Titles that come from a catalogue: adding one with its episode list, and
//! refreshing its facts later without touching anything the user wrote.

use chrono::Utc;
use rusqlite::{params, OptionalExtension, Transaction};

use super::entries::{clean_facts, find_by_external_ids, insert_entry, replace_title, today};
use super::{search, Library};
use crate::catalog::{Details, Episode};
use crate::error::{Error, Result};
use crate::model::{Entry, EntryFields, NewEntry, TitleFacts};

impl Library {
    /// Adds a catalogue show (facts, ids, episode list) with the user's
    /// first record of it, in one transaction; returns the entry id. A show
    /// already in the library (same catalogue id) is a conflict.
    pub fn add_from_catalog(&mut self, details: &Details, fields: &EntryFields) -> Result<i64> {
        let tx = self.write()?;
        let new = NewEntry {
            title: details.facts.clone(),
            fields: fields.clone(),
        };
        let entry_id = insert_entry(&tx, &new, today())?;
        let title_id = title_of(&tx, entry_id)?;
        replace_episodes(&tx, title_id, &details.episodes)?;
        super::history_io::list_arrived(&tx, entry_id)?;
        set_catalog_updated(&tx, title_id, details.catalog_updated)?;
        tx.commit()?;
        Ok(entry_id)
    }

    /// Re-applies a catalogue's facts to an entry's title, in one
    /// transaction. The user's fields (status, progress, rating, review…)
    /// are never touched. Where the catalogue is silent (no original title,
    /// no poster, no cast) the stored value stays: refreshing a show added
    /// from TMDB against TVmaze must not drop its Hangul title. Catalogue
    /// ids are merged, the new ones winning. The episode list is replaced
    /// when the catalogue has one.
    ///
    /// If the catalogue now lists fewer episodes than the user has watched
    /// (a provider renumbering, or a wrong match), the count is raised to
    /// the progress rather than refusing the refresh or lowering the
    /// progress: what the user recorded wins.
    pub fn refresh_title(&mut self, entry_id: i64, details: &Details) -> Result<Entry> {
        let stored = self.entry(entry_id)?;
        let facts = merged(&stored.title.facts, &details.facts, stored.fields.progress);
        let facts = clean_facts(&facts)?;
        let tx = self.write()?;
        if let Some(other) =
            find_by_external_ids(&tx, &facts.external_ids)?.filter(|&other| other != entry_id)
        {
            return Err(Error::Conflict(format!(
                "those catalogue ids already belong to entry {other}"
            )));
        }
        let title_id = stored.title.id;
        replace_title(&tx, title_id, &facts, Some(Utc::now()))?;
        if !details.episodes.is_empty() {
            replace_episodes(&tx, title_id, &details.episodes)?;
            super::history_io::list_arrived(&tx, entry_id)?;
        }
        set_catalog_updated(&tx, title_id, details.catalog_updated)?;
        search::reindex(&tx, entry_id)?;
        tx.commit()?;
        self.entry(entry_id)
    }

    /// The entries a refresh of airing shows looks at: shows running or
    /// upcoming that are being watched, planned or on hold, with the
    /// catalogue's change stamp stored for each.
    pub fn airing_entries(&self) -> Result<Vec<(i64, Option<i64>)>> {
        let mut stmt = self.conn.prepare_cached(
            "SELECT e.id, t.catalog_updated FROM entries e JOIN titles t ON t.id = e.title_id
             WHERE t.airing IN ('running', 'upcoming')
               AND e.status IN ('watching', 'plan_to_watch', 'on_hold')
             ORDER BY e.id",
        )?;
        let rows = stmt.query_map([], |r| Ok((r.get(0)?, r.get(1)?)))?;
        Ok(rows.collect::<rusqlite::Result<_>>()?)
    }

    /// When the airing shows were last refreshed, if ever.
    pub fn airing_refreshed_at(&self) -> Result<Option<chrono::DateTime<Utc>>> {
        let v: Option<String> = self
            .conn
            .query_row(
                "SELECT value FROM settings WHERE key = 'airing_refreshed_at'",
                [],
                |r| r.get(0),
            )
            .optional()?;
        Ok(super::history::parse_stamp(v))
    }

    /// Records a finished refresh of the airing shows.
    pub fn set_airing_refreshed_at(&mut self, at: chrono::DateTime<Utc>) -> Result<()> {
        self.conn.execute(
            "INSERT INTO settings (key, value) VALUES ('airing_refreshed_at', ?1)
             ON CONFLICT(key) DO UPDATE SET value = excluded.value",
            [super::history::stamp(at)],
        )?;
        Ok(())
    }

    /// The episode list stored for an entry's title, in airing order.
    pub fn episodes(&self, entry_id: i64) -> Result<Vec<Episode>> {
        let title_id = title_of(&self.conn, entry_id)?;
        let mut stmt = self.conn.prepare_cached(
            "SELECT season, number, name, airdate, runtime_minutes, airstamp FROM episodes
             WHERE title_id = ?1 ORDER BY season, number",
        )?;
        let rows = stmt.query_map([title_id], |r| {
            Ok(Episode {
                season: r.get(0)?,
                number: r.get(1)?,
                name: r.get(2)?,
                airdate: r.get(3)?,
                runtime_minutes: r.get(4)?,
                airstamp: crate::store::history::parse_stamp(r.get(5)?),
            })
        })?;
        Ok(rows.collect::<rusqlite::Result<_>>()?)
    }
}

fn set_catalog_updated(tx: &Transaction, title_id: i64, stamp: Option<i64>) -> Result<()> {
    tx.execute(
        "UPDATE titles SET catalog_updated = ?2 WHERE id = ?1",
        params![title_id, stamp],
    )?;
    Ok(())
}

/// The title an entry is of; an unknown entry is `NotFound`.
pub(super) fn title_of(conn: &rusqlite::Connection, entry_id: i64) -> Result<i64> {
    conn.query_row(
        "SELECT title_id FROM entries WHERE id = ?1",
        [entry_id],
        |r| r.get(0),
    )
    .optional()?
    .ok_or(Error::NotFound {
        what: "entry",
        id: entry_id,
    })
}

/// Makes the stored list the catalogue's: each episode upserted, so what
/// is kept per episode (when the viewer was told it aired) survives a
/// refresh, and the ones it no longer lists removed from the list. The
/// history is keyed apart and never touched: a renumbered or dropped
/// episode the viewer watched stays watched.
fn replace_episodes(tx: &Transaction, title_id: i64, episodes: &[Episode]) -> Result<()> {
    let fresh: std::collections::HashSet<(u32, u32)> =
        episodes.iter().map(|e| (e.season, e.number)).collect();
    let stored: Vec<(u32, u32)> = tx
        .prepare_cached("SELECT season, number FROM episodes WHERE title_id = ?1")?
        .query_map([title_id], |r| Ok((r.get(0)?, r.get(1)?)))?
        .collect::<rusqlite::Result<_>>()?;
    let mut gone = tx.prepare_cached(
        "DELETE FROM episodes WHERE title_id = ?1 AND season = ?2 AND number = ?3",
    )?;
    for (season, number) in stored.into_iter().filter(|k| !fresh.contains(k)) {
        gone.execute(params![title_id, season, number])?;
    }
    let mut stmt = tx.prepare_cached(
        "INSERT INTO episodes
             (title_id, season, number, name, airdate, runtime_minutes, airstamp)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)
         ON CONFLICT (title_id, season, number) DO UPDATE SET
             name = excluded.name, airdate = excluded.airdate,
             runtime_minutes = excluded.runtime_minutes, airstamp = excluded.airstamp",
    )?;
    for e in episodes {
        stmt.execute(params![
            title_id,
            e.season,
            e.number,
            e.name.as_deref().map(str::trim).filter(|n| !n.is_empty()),
            e.airdate,
            e.runtime_minutes,
            e.airstamp.map(crate::store::history::stamp)
        ])?;
    }
    // The entry's next episode follows in `history_io::list_arrived`,
    // which every caller runs next.
    number_episodes(tx, title_id)
}

/// Stores each episode's place in the title's list (migration 8 says
/// what `ord`, `premiere` and `season_end` are); only rows whose place
/// moved are written, so a refresh that changes nothing rewrites nothing.
pub(super) fn number_episodes(tx: &Transaction, title_id: i64) -> Result<()> {
    tx.prepare_cached(
        "UPDATE episodes SET ord = f.ord, premiere = f.premiere, season_end = f.season_end
         FROM (SELECT season, number,
                      CASE WHEN season > 0 THEN
                          row_number() OVER (PARTITION BY season > 0 ORDER BY season, number)
                      END AS ord,
                      number = min(number) OVER (PARTITION BY season) AS premiere,
                      CASE WHEN number < max(number) OVER (PARTITION BY season) THEN 0
                           WHEN season < max(season) OVER () THEN 1
                           ELSE 2 END AS season_end
               FROM episodes WHERE title_id = ?1) f
         WHERE episodes.title_id = ?1 AND episodes.season = f.season
           AND episodes.number = f.number
           AND (episodes.ord IS NOT f.ord OR episodes.premiere <> f.premiere
                OR episodes.season_end <> f.season_end)",
    )?
    .execute([title_id])?;
    Ok(())
}

/// The catalogue's facts over the stored ones: the catalogue wins where it
/// says something, the stored value stays where it is silent.
fn merged(stored: &TitleFacts, fresh: &TitleFacts, progress: u32) -> TitleFacts {
    let mut f = fresh.clone();
    let keep = |new: &mut Option<String>, old: &Option<String>| {
        if new.as_deref().is_none_or(|v| v.trim().is_empty()) {
            new.clone_from(old);
        }
    };
    keep(&mut f.original_name, &stored.original_name);
    keep(&mut f.country, &stored.country);
    keep(&mut f.language, &stored.language);
    keep(&mut f.network, &stored.network);
    keep(&mut f.synopsis, &stored.synopsis);
    keep(&mut f.poster_url, &stored.poster_url);
    f.year = f.year.or(stored.year);
    f.seasons = f.seasons.or(stored.seasons);
    f.episodes = f.episodes.or(stored.episodes);
    f.runtime_minutes = f.runtime_minutes.or(stored.runtime_minutes);
    f.airing = f.airing.or(stored.airing);
    if f.genres.is_empty() {
        f.genres.clone_from(&stored.genres);
    }
    if f.people.is_empty() {
        f.people.clone_from(&stored.people);
    }
    for (provider, value) in stored.external_ids.pairs() {
        let has_new = f
            .external_ids
            .pairs()
            .iter()
            .any(|(p, v)| *p == provider && v.is_some());
        if let (Some(v), false) = (value, has_new) {
            f.external_ids.set(provider, v.clone());
        }
    }
    if let Some(eps) = f.episodes {
        if progress > eps {
            f.episodes = Some(progress);
        }
    }
    f
}
