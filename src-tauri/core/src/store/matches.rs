//! Entries waiting for a catalogue match (imported rows with no TVmaze or
//! TMDB id): the *Needs a match* list, how each try ended, and attaching
//! the show or film a match found. A film counts as matched with a TMDB
//! id (TVmaze lists no films; a TVmaze id on a film is someone's mistake).

use chrono::Utc;
use rusqlite::{params, OptionalExtension};

use super::history::{parse_stamp, stamp};
use super::Library;
use crate::catalog::{Details, MatchState, SearchResult, Unmatched};
use crate::error::{Error, Result};
use crate::model::{Entry, EpisodeRef, ExternalIds};

/// Shows whose title holds neither a TVmaze nor a TMDB id, and films
/// without a TMDB id.
const UNMATCHED: &str = "
    FROM entries e JOIN titles t ON t.id = e.title_id
    LEFT JOIN match_state m ON m.entry_id = e.id
    WHERE NOT EXISTS (
        SELECT 1 FROM external_ids x
        WHERE x.title_id = t.id
          AND x.provider IN ('tmdb', CASE WHEN t.kind = 'film' THEN 'tmdb' ELSE 'tvmaze' END))";

impl Library {
    /// The shows with no catalogue id: waiting first, then those that need
    /// the viewer (ambiguous), those nothing was found for, and the ones
    /// kept as they are; by name within each.
    pub fn unmatched(&self) -> Result<Vec<Unmatched>> {
        let mut stmt = self.conn.prepare_cached(&format!(
            "SELECT e.id, t.name, t.year, t.kind, m.state, m.candidates, m.note, m.tried_at
             {UNMATCHED}
             ORDER BY CASE coalesce(m.state, 'waiting')
                 WHEN 'waiting' THEN 0 WHEN 'ambiguous' THEN 1 WHEN 'not_found' THEN 2 ELSE 3 END,
                 t.sort_name, e.id"
        ))?;
        let rows = stmt.query_map([], |r| {
            let state = match r.get::<_, Option<String>>(4)?.as_deref() {
                Some("ambiguous") => MatchState::Ambiguous,
                Some("not_found") => MatchState::NotFound,
                Some("kept") => MatchState::Kept,
                _ => MatchState::Waiting,
            };
            let candidates: Vec<SearchResult> = r
                .get::<_, Option<String>>(5)?
                .and_then(|c| serde_json::from_str(&c).ok())
                .unwrap_or_default();
            Ok(Unmatched {
                entry_id: r.get(0)?,
                title: r.get(1)?,
                year: r.get(2)?,
                kind: super::entries::word(r, 3)?,
                state,
                candidates,
                note: r.get(6)?,
                tried_at: parse_stamp(r.get(7)?),
            })
        })?;
        Ok(rows.collect::<rusqlite::Result<_>>()?)
    }

    /// Whether the entry is a show or film still without a catalogue id.
    pub fn is_unmatched(&self, entry_id: i64) -> Result<bool> {
        Ok(self
            .conn
            .query_row(
                &format!("SELECT 1 {UNMATCHED} AND e.id = ?1"),
                [entry_id],
                |_| Ok(()),
            )
            .optional()?
            .is_some())
    }

    /// Records how a try to match the entry ended (ambiguous with its
    /// candidates, or nothing found), so the next run does not ask again.
    pub fn record_match(
        &mut self,
        entry_id: i64,
        state: MatchState,
        candidates: &[SearchResult],
        note: Option<&str>,
    ) -> Result<()> {
        self.entry(entry_id)?;
        let candidates = (!candidates.is_empty())
            .then(|| serde_json::to_string(candidates))
            .transpose()
            .map_err(|e| Error::invalid(format!("the candidates could not be kept: {e}")))?;
        let state = match state {
            MatchState::Waiting => {
                self.conn
                    .execute("DELETE FROM match_state WHERE entry_id = ?1", [entry_id])?;
                return Ok(());
            }
            other => other.as_str(),
        };
        self.conn.execute(
            "INSERT INTO match_state (entry_id, state, candidates, note, tried_at)
             VALUES (?1, ?2, ?3, ?4, ?5)
             ON CONFLICT (entry_id) DO UPDATE SET state = excluded.state,
                 candidates = excluded.candidates, note = excluded.note,
                 tried_at = excluded.tried_at",
            params![entry_id, state, candidates, note, stamp(Utc::now())],
        )?;
        Ok(())
    }

    /// Gives an unmatched entry the show a match found: its facts, ids,
    /// episode list and poster, as a refresh would (the viewer's own fields
    /// are never touched), and takes it off the *Needs a match* list.
    pub fn attach_match(&mut self, entry_id: i64, details: &Details) -> Result<Entry> {
        let entry = self.refresh_title(entry_id, details)?;
        self.conn
            .execute("DELETE FROM match_state WHERE entry_id = ?1", [entry_id])?;
        Ok(entry)
    }
}

/// Watched episodes known by a catalogue's episode id alone, waiting to be
/// placed: those with no show (`loose_watches`) and those under a known
/// entry waiting for a number (`pending_watches`).
impl Library {
    /// The episode ids of `provider` (`tvdb`) such watches wait on, each
    /// once, leaving out those a catalogue could not place before (they
    /// stay kept, and are not asked about again and again).
    pub fn waiting_episode_ids(&self, provider: &str) -> Result<Vec<String>> {
        let mut stmt = self.conn.prepare_cached(
            "SELECT external_id FROM loose_watches
             WHERE provider = ?1 AND tried_at IS NULL AND placed_at IS NULL
             UNION
             SELECT external_id FROM pending_watches
             WHERE provider = ?1 AND name IS NULL AND tried_at IS NULL
             ORDER BY 1",
        )?;
        let rows = stmt.query_map([provider], |r| r.get(0))?;
        Ok(rows.collect::<rusqlite::Result<_>>()?)
    }

    /// The watches known by a catalogue episode id alone, no show beside
    /// them, not placed yet (tried or not), in the order they were kept:
    /// what a Watchlog export carries so they wait in the library it is
    /// imported into as well.
    pub fn loose_watches(&self) -> Result<Vec<crate::model::LooseWatch>> {
        let mut stmt = self.conn.prepare_cached(
            "SELECT provider, external_id, rewatch, watched_on, watched_at FROM loose_watches
             WHERE placed_at IS NULL ORDER BY id",
        )?;
        let rows = stmt.query_map([], |r| {
            let on = super::entries::day_at(r, 3)?;
            let at = parse_stamp(r.get(4)?);
            Ok(crate::model::LooseWatch {
                provider: r.get(0)?,
                id: r.get(1)?,
                rewatch: r.get(2)?,
                when: crate::model::WatchedWhen::from_stored(at, on),
                day: on,
            })
        })?;
        Ok(rows.collect::<rusqlite::Result<_>>()?)
    }

    /// Every watch still waiting on a catalogue episode id, tried or not.
    pub fn waiting_episode_count(&self) -> Result<u64> {
        Ok(self.conn.query_row(
            "SELECT (SELECT count(*) FROM loose_watches WHERE placed_at IS NULL)
                  + (SELECT count(*) FROM pending_watches WHERE name IS NULL)",
            [],
            |r| r.get(0),
        )?)
    }

    /// Places the watches of the episode `provider`/`id` now known to be
    /// `episode` of the show with `show` ids: those under a known entry go
    /// into its history, the loose ones into the history of the entry
    /// holding one of `show`'s ids (rewatch N into the entry's Nth rewatch,
    /// made when missing), and are marked placed. Loose ones with no such
    /// entry are marked tried and kept. One transaction; returns the
    /// entries whose history changed.
    pub fn place_episode(
        &mut self,
        provider: &str,
        id: &str,
        show: &ExternalIds,
        episode: EpisodeRef,
    ) -> Result<Vec<i64>> {
        if episode.number == 0 {
            return Err(Error::invalid("episodes are numbered from 1"));
        }
        let tx = self.write()?;
        let mut changed = Vec::new();
        // Under a known entry.
        let pending: Vec<(i64, i64, Option<i64>)> = tx
            .prepare_cached(
                "SELECT id, entry_id, viewing_id FROM pending_watches
                 WHERE provider = ?1 AND external_id = ?2 AND name IS NULL",
            )?
            .query_map(params![provider, id], |r| {
                Ok((r.get(0)?, r.get(1)?, r.get(2)?))
            })?
            .collect::<rusqlite::Result<_>>()?;
        for (row, entry_id, viewing) in pending {
            tx.execute(
                &format!("{PLACE}, rating, note FROM pending_watches WHERE id = ?1 {ON_PLACED}"),
                params![row, entry_id, viewing, episode.season, episode.number],
            )?;
            tx.execute("DELETE FROM pending_watches WHERE id = ?1", [row])?;
            if !changed.contains(&entry_id) {
                changed.push(entry_id);
            }
        }
        // Loose: under the show's entry, if the library has it.
        let loose: Vec<(i64, u32, Option<String>)> = tx
            .prepare_cached(
                "SELECT id, rewatch, watched_on FROM loose_watches
                 WHERE provider = ?1 AND external_id = ?2 AND placed_at IS NULL
                 ORDER BY rewatch",
            )?
            .query_map(params![provider, id], |r| {
                Ok((r.get(0)?, r.get(1)?, r.get(2)?))
            })?
            .collect::<rusqlite::Result<_>>()?;
        if !loose.is_empty() {
            match super::entries::find_by_external_ids(&tx, show)? {
                None => {
                    tx.execute(
                        "UPDATE loose_watches SET tried_at = ?3
                         WHERE provider = ?1 AND external_id = ?2 AND placed_at IS NULL",
                        params![provider, id, stamp(Utc::now())],
                    )?;
                }
                Some(entry_id) => {
                    for (row, rewatch, day) in loose {
                        let viewing = match rewatch {
                            0 => None,
                            n => Some(rewatch_viewing(&tx, entry_id, n, day.as_deref())?),
                        };
                        tx.execute(
                            &format!(
                                "{PLACE}, NULL, NULL FROM loose_watches WHERE id = ?1 {ON_PLACED}"
                            ),
                            params![row, entry_id, viewing, episode.season, episode.number],
                        )?;
                        tx.execute(
                            "UPDATE loose_watches SET placed_at = ?2 WHERE id = ?1",
                            params![row, stamp(Utc::now())],
                        )?;
                    }
                    if !changed.contains(&entry_id) {
                        changed.push(entry_id);
                    }
                }
            }
        }
        for &entry_id in &changed {
            super::history_io::list_arrived(&tx, entry_id)?;
        }
        tx.commit()?;
        Ok(changed)
    }

    /// Marks the watches waiting on `provider`/`id` as tried: the
    /// catalogue does not know that episode. They stay kept.
    pub fn episode_not_found(&mut self, provider: &str, id: &str) -> Result<()> {
        let now = stamp(Utc::now());
        let tx = self.write()?;
        tx.execute(
            "UPDATE loose_watches SET tried_at = ?3
             WHERE provider = ?1 AND external_id = ?2 AND placed_at IS NULL",
            params![provider, id, now],
        )?;
        tx.execute(
            "UPDATE pending_watches SET tried_at = ?3
             WHERE provider = ?1 AND external_id = ?2 AND name IS NULL",
            params![provider, id, now],
        )?;
        tx.commit()?;
        Ok(())
    }
}

/// Copies one waiting watch (`?1`, from the table the caller names) into
/// entry `?2`'s history as `?4`/`?5`, in viewing `?3`; the caller adds
/// the rating and note columns and the table.
const PLACE: &str = "
    INSERT INTO episode_watches (entry_id, viewing_id, season, number, watched_on,
             watched_at, platform_id, recorded_at, rating, note)
    SELECT ?2, ?3, ?4, ?5, watched_on, watched_at,
           (SELECT platform_id FROM entries WHERE id = ?2), recorded_at";

/// A watch the history has already keeps it, taking a day it lacked.
const ON_PLACED: &str = "
    ON CONFLICT (entry_id, coalesce(viewing_id, 0), season, number) DO UPDATE SET
        watched_on = coalesce(watched_on, excluded.watched_on),
        watched_at = coalesce(watched_at, excluded.watched_at)";

/// The entry's `n`th rewatch (in the order [`Library::entry`] lists
/// them), made — with the missing ones before it — when the entry has
/// fewer, started on `day`.
fn rewatch_viewing(
    tx: &rusqlite::Transaction,
    entry_id: i64,
    n: u32,
    day: Option<&str>,
) -> Result<i64> {
    loop {
        let ids = viewing_ids(tx, entry_id)?;
        if let Some(&id) = ids.get(n as usize - 1) {
            return Ok(id);
        }
        tx.execute(
            "INSERT INTO viewings (entry_id, started_on) VALUES (?1, ?2)",
            params![entry_id, day],
        )?;
    }
}

/// An entry's viewings' ids, in the order they were watched (the first is
/// viewing 1).
pub(super) fn viewing_ids(tx: &rusqlite::Transaction, entry_id: i64) -> Result<Vec<i64>> {
    Ok(tx
        .prepare_cached(
            "SELECT id FROM viewings WHERE entry_id = ?1
             ORDER BY coalesce(started_on, finished_on), id",
        )?
        .query_map([entry_id], |r| r.get(0))?
        .collect::<rusqlite::Result<_>>()?)
}
