//! Writing many prepared entries at once with their own added dates and
//! rewatches, and generated episode lists with their watch history: what
//! the sample-library generator needs to build a library that looks like
//! years of use, in one transaction each.

use chrono::{DateTime, Utc};
use rusqlite::params;

use super::entries::{insert_entry, resolve_platform, today};
use super::history::stamp;
use super::Library;
use crate::catalog::Episode;
use crate::error::Result;
use crate::model::{Airing, EpisodeRef, NewEntry, Status, ViewingDetails};

/// A show's generated episode list and which of them the viewer watched
/// (and when, if known) in the current viewing.
#[derive(Debug, Clone, PartialEq)]
pub struct GeneratedShow {
    pub entry_id: i64,
    pub airing: Airing,
    pub episodes: Vec<Episode>,
    pub watched: Vec<(EpisodeRef, Option<DateTime<Utc>>)>,
}

/// An entry to add as if it had been added at `added_at`.
#[derive(Debug, Clone, PartialEq)]
pub struct Dated {
    pub entry: NewEntry,
    pub added_at: DateTime<Utc>,
    pub viewings: Vec<ViewingDetails>,
}

impl Library {
    /// Adds every entry, all of them or none, through the same checks and
    /// search indexing as `add_entry`, then backdates each. Returns the ids.
    pub fn add_dated_entries(&mut self, items: &[Dated]) -> Result<Vec<i64>> {
        let today = today();
        let tx = self.write()?;
        let mut ids = Vec::with_capacity(items.len());
        for item in items {
            let id = insert_entry(&tx, &item.entry, today)?;
            tx.prepare_cached("UPDATE entries SET added_at = ?2, updated_at = ?2 WHERE id = ?1")?
                .execute(params![id, item.added_at])?;
            for v in &item.viewings {
                let platform = resolve_platform(&tx, v.platform.as_deref())?;
                tx.prepare_cached(
                    "INSERT INTO viewings (entry_id, started_on, finished_on, platform_id, progress)
                     VALUES (?1, ?2, ?3, ?4, ?5)",
                )?
                .execute(params![id, v.started_on, v.finished_on, platform, v.progress])?;
            }
            ids.push(id);
        }
        tx.commit()?;
        // Fresh statistics let the query planner pick the filter and sort
        // indexes on a large library.
        // analysis_limit samples each index rather than reading it whole.
        self.conn
            .execute_batch("PRAGMA analysis_limit = 1000; ANALYZE;")?;
        Ok(ids)
    }

    /// The series and miniseries entries with their status and episode
    /// count, in id order: what episode lists are generated for.
    pub fn generated_show_candidates(&self) -> Result<Vec<(i64, Status, u32)>> {
        let mut stmt = self.conn.prepare(
            "SELECT e.id, e.status, coalesce(t.episodes, 0) FROM entries e
             JOIN titles t ON t.id = e.title_id
             WHERE t.kind IN ('series', 'miniseries') ORDER BY e.id",
        )?;
        let rows = stmt.query_map([], |r| {
            Ok((r.get::<_, i64>(0)?, r.get::<_, String>(1)?, r.get(2)?))
        })?;
        let mut out = Vec::new();
        for row in rows {
            let (id, status, eps) = row?;
            out.push((id, status.parse()?, eps));
        }
        Ok(out)
    }

    /// Writes each show's episode list and watches in one transaction; the
    /// entry's progress becomes the count watched (specials aside), as
    /// the history rule has it.
    pub fn add_generated_shows(&mut self, shows: &[GeneratedShow]) -> Result<usize> {
        let recorded = stamp(Utc::now());
        let tx = self.write()?;
        let mut rows = 0;
        for show in shows {
            let title_id: i64 = tx
                .prepare_cached("SELECT title_id FROM entries WHERE id = ?1")?
                .query_row([show.entry_id], |r| r.get(0))?;
            tx.prepare_cached("UPDATE titles SET airing = ?2, episodes = ?3 WHERE id = ?1")?
                .execute(params![
                    title_id,
                    show.airing.as_str(),
                    show.episodes.iter().filter(|e| e.season > 0).count() as u32
                ])?;
            let mut insert = tx.prepare_cached(
                "INSERT INTO episodes (title_id, season, number, name, airdate, airstamp, runtime_minutes)
                 VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)",
            )?;
            for e in &show.episodes {
                insert.execute(params![
                    title_id,
                    e.season,
                    e.number,
                    e.name,
                    e.airdate,
                    e.airstamp.map(stamp),
                    e.runtime_minutes
                ])?;
                rows += 1;
            }
            let mut watch = tx.prepare_cached(
                "INSERT INTO episode_watches (entry_id, season, number, watched_on, watched_at, recorded_at)
                 VALUES (?1, ?2, ?3, ?4, ?5, ?6)",
            )?;
            for (ep, at) in &show.watched {
                watch.execute(params![
                    show.entry_id,
                    ep.season,
                    ep.number,
                    at.map(|t| t.date_naive()),
                    at.map(stamp),
                    recorded
                ])?;
            }
            let progress = show.watched.iter().filter(|(e, _)| !e.is_special()).count() as u32;
            tx.prepare_cached("UPDATE entries SET progress = ?2 WHERE id = ?1")?
                .execute(params![show.entry_id, progress])?;
            super::episodes::number_episodes(&tx, title_id)?;
            super::history::refresh_next(&tx, show.entry_id)?;
        }
        tx.commit()?;
        self.conn
            .execute_batch("PRAGMA analysis_limit = 1000; ANALYZE;")?;
        Ok(rows)
    }
}
