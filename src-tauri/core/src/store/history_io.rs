//! The episode history as files carry it: written by an import (added to
//! the library's, or replacing it for Watchlog's own formats), and the
//! watches a file named without a number (kept in `pending_watches`) moved
//! into the history once the title's episode list tells which episode each
//! one is. An export reads it with the entries (`entry_stream`). Everything that writes runs inside the
//! caller's transaction.

use std::collections::HashMap;

use chrono::{NaiveDate, Utc};
use rusqlite::{params, OptionalExtension, Transaction};

use super::history::{has_list, stamp, sync_to_progress, watched_count, MAX_NOTE_CHARS};
use crate::clock::Clock;
use crate::error::{Error, Result};
use crate::model::{EpisodeRef, IncomingEpisode, IncomingWatch, LooseWatch, WatchedWhen};
use crate::rating::Rating;
use crate::text;

/// A short text that changes whenever the entry's history does: an import
/// compares it before and after to tell "updated" from "unchanged".
pub(crate) fn fingerprint(tx: &Transaction, entry_id: i64) -> Result<String> {
    Ok(tx.query_row(
        "SELECT coalesce(group_concat(w, '|'), '') FROM (
             SELECT concat_ws(',', coalesce(viewing_id, 0), season, number, watched_on,
                              watched_at, rating, note) AS w
             FROM episode_watches WHERE entry_id = ?1
             UNION ALL
             SELECT concat_ws(',', 'p', coalesce(viewing_id, 0), season, name, provider,
                              external_id, watched_on, watched_at, rating, note)
             FROM pending_watches WHERE entry_id = ?1
             ORDER BY 1)",
        [entry_id],
        |r| r.get(0),
    )?)
}

/// Writes a file's watches for one entry; `viewings` are the ids of the
/// entry's rewatches in the file's order (what `IncomingWatch::viewing`
/// points into). `replace`: the entry's history becomes the file's
/// (Watchlog's own formats); else the file's watches are added to the
/// library's, and a day the file knows fills one the library does not.
/// Then progress follows the history where the title has an episode list.
/// Returns how many watches the library did not have.
pub(crate) fn write_history(
    tx: &Transaction,
    entry_id: i64,
    watches: &[IncomingWatch],
    viewings: &[i64],
    replace: bool,
    clock: &Clock,
) -> Result<usize> {
    if replace {
        tx.execute(
            "DELETE FROM episode_watches WHERE entry_id = ?1",
            [entry_id],
        )?;
        tx.execute(
            "DELETE FROM pending_watches WHERE entry_id = ?1",
            [entry_id],
        )?;
    }
    let mut numbered = tx.prepare_cached(
        "INSERT INTO episode_watches (entry_id, viewing_id, season, number, watched_on,
                 watched_at, rating, note, platform_id, recorded_at)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8,
                 (SELECT platform_id FROM entries WHERE id = ?1), ?9)
         ON CONFLICT (entry_id, coalesce(viewing_id, 0), season, number) DO UPDATE SET
             watched_on = coalesce(watched_on, excluded.watched_on),
             watched_at = coalesce(watched_at, excluded.watched_at),
             rating = coalesce(rating, excluded.rating),
             note = coalesce(note, excluded.note)",
    )?;
    let mut pending = tx.prepare_cached(
        "INSERT INTO pending_watches (entry_id, viewing_id, season, name, provider,
                 external_id, watched_on, watched_at, rating, note, recorded_at)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11)
         ON CONFLICT (entry_id, coalesce(viewing_id, 0), coalesce(season, -1),
                      coalesce(name, ''), coalesce(provider, ''), coalesce(external_id, ''))
         DO UPDATE SET
             watched_on = coalesce(watched_on, excluded.watched_on),
             watched_at = coalesce(watched_at, excluded.watched_at),
             rating = coalesce(rating, excluded.rating),
             note = coalesce(note, excluded.note)",
    )?;
    let before = count_all(tx, entry_id)?;
    let now = stamp(Utc::now());
    for w in watches {
        let viewing = match w.viewing {
            None => None,
            Some(i) => Some(*viewings.get(i).ok_or_else(|| {
                Error::invalid(format!(
                    "an episode watch belongs to rewatch {} but the entry has {}",
                    i + 1,
                    viewings.len()
                ))
            })?),
        };
        let note = w.note.as_deref().map(str::trim).filter(|n| !n.is_empty());
        if note.is_some_and(|n| n.chars().count() > MAX_NOTE_CHARS) {
            return Err(Error::invalid(format!(
                "an episode's note is longer than {MAX_NOTE_CHARS} characters"
            )));
        }
        let (on, at) = day_and_stamp(&w.when, w.day, clock);
        let rating = w.rating.map(Rating::get);
        // Waiting for a number: by its name, or by a catalogue's id.
        let (season, name, provider, id) = match &w.episode {
            IncomingEpisode::Numbered(ep) => {
                if ep.number == 0 {
                    return Err(Error::invalid(format!(
                        "S{}E0 is not an episode: episodes are numbered from 1",
                        ep.season
                    )));
                }
                numbered.execute(params![
                    entry_id, viewing, ep.season, ep.number, on, at, rating, note, now
                ])?;
                continue;
            }
            IncomingEpisode::Named { season, name } => (*season, Some(name.trim()), None, None),
            IncomingEpisode::Catalog { provider, id } => {
                (None, None, Some(provider.trim()), Some(id.trim()))
            }
        };
        if name.is_some_and(str::is_empty) {
            return Err(Error::invalid("an episode watch names no episode"));
        }
        pending.execute(params![
            entry_id, viewing, season, name, provider, id, on, at, rating, note, now
        ])?;
    }
    let added = count_all(tx, entry_id)?.saturating_sub(if replace { 0 } else { before });
    list_arrived(tx, entry_id)?;
    Ok(added)
}

/// Keeps a file's watches known only by a catalogue episode id, with no
/// show, until matching places them; one already kept gains a day it
/// lacked. Returns how many the library did not have.
pub(crate) fn write_loose(
    tx: &Transaction,
    watches: &[LooseWatch],
    clock: &Clock,
) -> Result<usize> {
    if watches.is_empty() {
        return Ok(0);
    }
    let mut stmt = tx.prepare_cached(
        "INSERT INTO loose_watches (provider, external_id, rewatch, watched_on, watched_at,
                 recorded_at)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6)
         ON CONFLICT (provider, external_id, rewatch) DO UPDATE SET
             watched_on = coalesce(watched_on, excluded.watched_on),
             watched_at = coalesce(watched_at, excluded.watched_at)
         WHERE watched_on IS NULL AND excluded.watched_on IS NOT NULL
            OR watched_at IS NULL AND excluded.watched_at IS NOT NULL",
    )?;
    let count = |tx: &Transaction| -> Result<usize> {
        Ok(tx.query_row("SELECT count(*) FROM loose_watches", [], |r| r.get(0))?)
    };
    let before = count(tx)?;
    let now = stamp(Utc::now());
    for w in watches {
        let (provider, id) = (w.provider.trim(), w.id.trim());
        if provider.is_empty() || id.is_empty() {
            return Err(Error::invalid("an episode watch names no episode"));
        }
        let (on, at) = day_and_stamp(&w.when, w.day, clock);
        stmt.execute(params![provider, id, w.rewatch, on, at, now])?;
    }
    Ok(count(tx)? - before)
}

/// Whether [`write_loose`] would leave the library as it is: every watch
/// is kept already, with every date the file gives.
pub(crate) fn loose_unchanged(
    tx: &Transaction,
    watches: &[LooseWatch],
    clock: &Clock,
) -> Result<bool> {
    let mut stmt = tx.prepare_cached(
        "SELECT watched_on IS NOT NULL, watched_at IS NOT NULL FROM loose_watches
         WHERE provider = ?1 AND external_id = ?2 AND rewatch = ?3",
    )?;
    for w in watches {
        let (on, at) = day_and_stamp(&w.when, w.day, clock);
        let kept: Option<(bool, bool)> = stmt
            .query_row(params![w.provider.trim(), w.id.trim(), w.rewatch], |r| {
                Ok((r.get(0)?, r.get(1)?))
            })
            .optional()?;
        match kept {
            Some((has_on, has_at)) if (has_on || on.is_none()) && (has_at || at.is_none()) => {}
            _ => return Ok(false),
        }
    }
    Ok(true)
}

/// The day a watch is filed under (the viewer's day of its instant, when
/// the file gives no day) and its instant as stored.
fn day_and_stamp(
    when: &WatchedWhen,
    day: Option<NaiveDate>,
    clock: &Clock,
) -> (Option<NaiveDate>, Option<String>) {
    let (on, at) = when.to_stored(day);
    // An instant with no day given is on the viewer's day of it.
    let on = on.or_else(|| at.map(|t| t.with_timezone(&clock.tz()).date_naive()));
    (on, at.map(stamp))
}

/// When an entry's title gets (or renews) its episode list: the watches
/// named by episode name find their numbers, progress and history agree
/// again, and the next episode is found anew.
pub(super) fn list_arrived(tx: &Transaction, entry_id: i64) -> Result<()> {
    resolve_pending(tx, entry_id)?;
    settle_progress(tx, entry_id)?;
    super::history::refresh_next(tx, entry_id)
}

/// Watches of every kind recorded for the entry.
fn count_all(tx: &Transaction, entry_id: i64) -> Result<usize> {
    Ok(tx.query_row(
        "SELECT (SELECT count(*) FROM episode_watches WHERE entry_id = ?1)
              + (SELECT count(*) FROM pending_watches WHERE entry_id = ?1)",
        [entry_id],
        |r| r.get(0),
    )?)
}

/// Where the title has an episode list, progress is at least what the
/// current viewing's history holds with its watches still waiting for a
/// number (capped at the list), and the history at least what progress
/// says ("the first N episodes, day unknown") less those waiting: a
/// waiting watch is one of the episodes the count speaks of, so none is
/// invented in its place.
fn settle_progress(tx: &Transaction, entry_id: i64) -> Result<()> {
    if !has_list(tx, entry_id)? {
        return Ok(());
    }
    let waiting: u32 = tx.query_row(
        "SELECT count(*) FROM pending_watches WHERE entry_id = ?1 AND viewing_id IS NULL",
        [entry_id],
        |r| r.get(0),
    )?;
    let count = watched_count(tx, entry_id)? + waiting;
    let progress: u32 = tx.query_row(
        "UPDATE entries SET progress = max(progress, min(?2, coalesce(
             (SELECT t.episodes FROM titles t WHERE t.id = entries.title_id), ?2)))
         WHERE id = ?1 RETURNING progress",
        params![entry_id, count],
        |r| r.get(0),
    )?;
    let placed = progress.saturating_sub(waiting);
    if placed > watched_count(tx, entry_id)? {
        sync_to_progress(tx, entry_id, placed, WatchedWhen::Unknown)?;
    }
    Ok(())
}

/// Moves the entry's watches named by episode name into the history where
/// its title's list now has exactly one episode of that name (in the
/// season the file gave, when it gave one). A watch of an episode already
/// in the history is folded into it. Returns how many moved.
fn resolve_pending(tx: &Transaction, entry_id: i64) -> Result<usize> {
    let mut stmt = tx.prepare_cached(
        "SELECT ep.season, ep.number, ep.name FROM entries e
         JOIN episodes ep ON ep.title_id = e.title_id
         WHERE e.id = ?1 AND ep.name IS NOT NULL",
    )?;
    let mut by_name: HashMap<String, Vec<EpisodeRef>> = HashMap::new();
    let mut rows = stmt.query([entry_id])?;
    while let Some(r) = rows.next()? {
        by_name
            .entry(text::fold(&r.get::<_, String>(2)?))
            .or_default()
            .push(EpisodeRef {
                season: r.get(0)?,
                number: r.get(1)?,
            });
    }
    drop(rows);
    if by_name.is_empty() {
        return Ok(0);
    }
    let mut stmt = tx.prepare_cached(
        "SELECT id, season, name FROM pending_watches WHERE entry_id = ?1 AND name IS NOT NULL",
    )?;
    let waiting: Vec<(i64, Option<u32>, String)> = stmt
        .query_map([entry_id], |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)))?
        .collect::<rusqlite::Result<_>>()?;
    let mut moved = 0;
    for (id, season, name) in waiting {
        let found: Vec<&EpisodeRef> = by_name
            .get(&text::fold(&name))
            .into_iter()
            .flatten()
            .filter(|ep| season.is_none_or(|s| s == ep.season))
            .collect();
        let [ep] = found[..] else { continue };
        tx.execute(
            "INSERT INTO episode_watches (entry_id, viewing_id, season, number, watched_on,
                     watched_at, rating, note, platform_id, recorded_at)
             SELECT entry_id, viewing_id, ?2, ?3, watched_on, watched_at, rating, note,
                    (SELECT platform_id FROM entries WHERE id = entry_id), recorded_at
             FROM pending_watches WHERE id = ?1
             ON CONFLICT (entry_id, coalesce(viewing_id, 0), season, number) DO UPDATE SET
                 watched_on = coalesce(watched_on, excluded.watched_on),
                 watched_at = coalesce(watched_at, excluded.watched_at)",
            params![id, ep.season, ep.number],
        )?;
        tx.execute("DELETE FROM pending_watches WHERE id = ?1", [id])?;
        moved += 1;
    }
    Ok(moved)
}
