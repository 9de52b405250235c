//! Every episode watched: marking one or several at once (a season, a
//! range, every one up to one), unmarking, an episode's own rating and
//! note, starting a rewatch (the current viewing's marks kept under an
//! earlier viewing), and the one rule that ties the history to the entry's
//! progress count. Where a title has an episode list, progress is the
//! number of episodes watched in the current viewing (specials never
//! count); where it has none, the count is what the user typed, and the
//! history only ever raises it. Each change is one transaction that ends
//! in `after_change`.

use chrono::{DateTime, NaiveDate, SecondsFormat, Utc};
use rusqlite::{params, OptionalExtension, Transaction};

use super::entries::patch_in;
use super::Library;
use crate::clock::Clock;
use crate::error::{Error, Result};
use crate::model::{Entry, EntryPatch, EpisodeProgress, EpisodeRef, Status, WatchedWhen};
use crate::rating::Rating;

/// An instant as stored: UTC, RFC 3339, to the second (sorts as text).
pub(crate) fn stamp(t: DateTime<Utc>) -> String {
    t.to_rfc3339_opts(SecondsFormat::Secs, true)
}

pub(crate) fn parse_stamp(s: Option<String>) -> Option<DateTime<Utc>> {
    s.and_then(|s| DateTime::parse_from_rfc3339(&s).ok())
        .map(|t| t.with_timezone(&Utc))
}

/// The longest note an episode takes.
pub(super) const MAX_NOTE_CHARS: usize = 2000;

/// One listed episode, as the rules need it.
#[derive(Debug, Clone)]
struct Listed {
    ep: EpisodeRef,
    airdate: Option<NaiveDate>,
    airstamp: Option<DateTime<Utc>>,
}

impl Library {
    /// Marks one episode watched, `when` the viewer says: the one-episode
    /// case of [`Library::mark_episodes`].
    pub fn mark_episode(
        &mut self,
        entry_id: i64,
        ep: EpisodeRef,
        when: WatchedWhen,
        clock: &Clock,
    ) -> Result<Entry> {
        self.mark_episodes(entry_id, &[ep], when, clock)
    }

    /// Marks episodes watched (a season, a range), `when` the viewer says,
    /// all or none: one that cannot be marked — not in the title's list
    /// (when it has one), watched in the future or before it aired, already
    /// watched — is refused in words and nothing is marked.
    pub fn mark_episodes(
        &mut self,
        entry_id: i64,
        eps: &[EpisodeRef],
        when: WatchedWhen,
        clock: &Clock,
    ) -> Result<Entry> {
        self.change_marks(entry_id, when, clock, |tx, name, list| {
            mark_each(tx, entry_id, name, list, eps, when, clock)
        })
    }

    /// Marks `ep` and every listed episode before it (specials excepted)
    /// that is not watched yet: "watched up to S1E8". Those already watched
    /// keep their days.
    pub fn mark_episodes_until(
        &mut self,
        entry_id: i64,
        ep: EpisodeRef,
        when: WatchedWhen,
        clock: &Clock,
    ) -> Result<Entry> {
        self.change_marks(entry_id, when, clock, |tx, name, list| {
            if list.is_empty() {
                return Err(no_list(name));
            }
            let aired = check_listed(name, list, ep)?;
            check_when(name, ep, aired, when, clock)?;
            let mut open = Vec::new();
            for l in list
                .iter()
                .filter(|l| l.ep == ep || (!l.ep.is_special() && l.ep < ep))
            {
                if !is_watched(tx, entry_id, l.ep)? {
                    open.push(l.ep);
                }
            }
            if open.is_empty() {
                return Err(Error::invalid(format!(
                    "every episode of '{name}' up to {ep} is already marked as watched"
                )));
            }
            mark_each(tx, entry_id, name, list, &open, when, clock)
        })
    }

    /// Unmarks one episode of the current viewing: the one-episode case of
    /// [`Library::unmark_episodes`].
    pub fn unmark_episode(
        &mut self,
        entry_id: i64,
        ep: EpisodeRef,
        clock: &Clock,
    ) -> Result<Entry> {
        self.unmark_episodes(entry_id, &[ep], clock)
    }

    /// Unmarks episodes of the current viewing, all or none: one that is
    /// not marked is refused in words and nothing is unmarked.
    pub fn unmark_episodes(
        &mut self,
        entry_id: i64,
        eps: &[EpisodeRef],
        clock: &Clock,
    ) -> Result<Entry> {
        self.change_marks(entry_id, WatchedWhen::Unknown, clock, |tx, name, _| {
            for ep in named(eps)? {
                let n = tx.execute(
                    "DELETE FROM episode_watches
                     WHERE entry_id = ?1 AND viewing_id IS NULL AND season = ?2 AND number = ?3",
                    params![entry_id, ep.season, ep.number],
                )?;
                if n == 0 {
                    return Err(Error::invalid(format!(
                        "{ep} of '{name}' is not marked as watched, so there is nothing to unmark"
                    )));
                }
            }
            Ok(())
        })
    }

    /// Starts watching the entry again on `on`. What the current viewing
    /// recorded — its dates, platform, count and every episode marked with
    /// its day, rating and note — is kept as an earlier viewing (a row of
    /// `viewings`, its marks moved under it), and the entry starts again:
    /// Watching since `on`, nothing watched, so Up next offers the first
    /// episode. Refused: a current viewing with nothing watched yet, a day
    /// in the future.
    pub fn start_rewatch(&mut self, entry_id: i64, on: NaiveDate, clock: &Clock) -> Result<Entry> {
        self.change_marks(entry_id, WatchedWhen::On(on), clock, |tx, name, _| {
            let (progress, marks): (u32, u32) = tx.query_row(
                "SELECT progress, (SELECT count(*) FROM episode_watches w
                                   WHERE w.entry_id = e.id AND w.viewing_id IS NULL)
                 FROM entries e WHERE e.id = ?1",
                [entry_id],
                |r| Ok((r.get(0)?, r.get(1)?)),
            )?;
            // Dates alone are no viewing to keep: the first one is still going.
            if progress == 0 && marks == 0 {
                return Err(Error::invalid(format!(
                    "nothing of '{name}' is marked as watched yet, so there is no viewing to rewatch"
                )));
            }
            if on > clock.today() {
                return Err(Error::invalid(format!(
                    "{on} is in the future; a rewatch can only start today or before"
                )));
            }
            tx.execute(
                "INSERT INTO viewings (entry_id, started_on, finished_on, platform_id, progress)
                 SELECT id, started_on, finished_on, platform_id, progress FROM entries WHERE id = ?1",
                [entry_id],
            )?;
            tx.execute(
                "UPDATE episode_watches SET viewing_id = ?2 WHERE entry_id = ?1 AND viewing_id IS NULL",
                params![entry_id, tx.last_insert_rowid()],
            )?;
            // The history already moved, so the count is not carried into it.
            patch_in(tx, entry_id, on, None, |_, _| {
                Ok(EntryPatch {
                    status: Some(Status::Watching),
                    progress: Some(0),
                    started_on: Some(Some(on)),
                    finished_on: Some(None),
                    ..EntryPatch::default()
                })
            })
        })
    }

    /// One change to the current viewing's marks in one write transaction:
    /// `change` writes them (an error rolls everything back), then the
    /// count and status follow the history once (`after_change`).
    fn change_marks(
        &mut self,
        entry_id: i64,
        when: WatchedWhen,
        clock: &Clock,
        change: impl FnOnce(&Transaction, &str, &[Listed]) -> Result<()>,
    ) -> Result<Entry> {
        let tx = self.write()?;
        let (name, list) = listing(&tx, entry_id)?;
        change(&tx, &name, &list)?;
        after_change(&tx, entry_id, when, clock)?;
        tx.commit()?;
        self.entry(entry_id)
    }

    /// Sets a watched episode's own rating and note (`None` clears each).
    pub fn annotate_episode(
        &mut self,
        entry_id: i64,
        ep: EpisodeRef,
        rating: Option<Rating>,
        note: Option<&str>,
    ) -> Result<()> {
        let note = note.map(str::trim).filter(|n| !n.is_empty());
        if note.is_some_and(|n| n.chars().count() > MAX_NOTE_CHARS) {
            return Err(Error::invalid_field(
                "note",
                format!("an episode's note may be at most {MAX_NOTE_CHARS} characters"),
            ));
        }
        let tx = self.write()?;
        let (name, _) = listing(&tx, entry_id)?;
        let n = tx.execute(
            "UPDATE episode_watches SET rating = ?4, note = ?5
             WHERE entry_id = ?1 AND viewing_id IS NULL AND season = ?2 AND number = ?3",
            params![
                entry_id,
                ep.season,
                ep.number,
                rating.map(Rating::get),
                note
            ],
        )?;
        if n == 0 {
            return Err(Error::invalid(format!(
                "{ep} of '{name}' is not marked as watched; mark it before rating it"
            )));
        }
        tx.commit()?;
        Ok(())
    }

    /// The entry's episodes in airing order, each with whether and when it
    /// was watched in the current viewing, then any watched episode the
    /// list no longer has.
    pub fn episode_progress(&self, entry_id: i64) -> Result<Vec<EpisodeProgress>> {
        self.episode_progress_in(entry_id, None)
    }

    /// [`Library::episode_progress`] as of one viewing: `None` the current
    /// one, else an earlier viewing (a rewatch's predecessor) of the entry.
    pub fn episode_progress_in(
        &self,
        entry_id: i64,
        viewing: Option<i64>,
    ) -> Result<Vec<EpisodeProgress>> {
        let title_id = super::episodes::title_of(&self.conn, entry_id)?;
        if let Some(v) = viewing {
            self.conn
                .query_row(
                    "SELECT 1 FROM viewings WHERE id = ?1 AND entry_id = ?2",
                    params![v, entry_id],
                    |_| Ok(()),
                )
                .optional()?
                .ok_or(Error::NotFound {
                    what: "viewing",
                    id: v,
                })?;
        }
        let mut stmt = self.conn.prepare_cached(
            "SELECT ep.season, ep.number, ep.name, ep.airdate, ep.airstamp, ep.runtime_minutes,
                    w.id IS NOT NULL, w.rating, w.note,
                    (SELECT group_concat(d, ',') FROM (
                        SELECT DISTINCT x.watched_on AS d FROM episode_watches x
                        WHERE x.entry_id = ?2 AND x.season = ep.season AND x.number = ep.number
                          AND x.watched_on IS NOT NULL ORDER BY d)),
                    1, w.watched_at
             FROM episodes ep
             LEFT JOIN episode_watches w ON w.entry_id = ?2 AND coalesce(w.viewing_id, 0) = ?3
                  AND w.season = ep.season AND w.number = ep.number
             WHERE ep.title_id = ?1
             UNION ALL
             SELECT w.season, w.number, NULL, NULL, NULL, NULL, 1, w.rating, w.note,
                    (SELECT group_concat(d, ',') FROM (
                        SELECT DISTINCT x.watched_on AS d FROM episode_watches x
                        WHERE x.entry_id = ?2 AND x.season = w.season AND x.number = w.number
                          AND x.watched_on IS NOT NULL ORDER BY d)),
                    0, w.watched_at
             FROM episode_watches w
             WHERE w.entry_id = ?2 AND coalesce(w.viewing_id, 0) = ?3 AND NOT EXISTS (
                 SELECT 1 FROM episodes ep
                 WHERE ep.title_id = ?1 AND ep.season = w.season AND ep.number = w.number)
             ORDER BY 11 DESC, 1, 2",
        )?;
        // 0 is the current viewing, as in the index `episode_watches_one`.
        let rows = stmt.query_map(params![title_id, entry_id, viewing.unwrap_or(0)], |r| {
            let days: Option<String> = r.get(9)?;
            Ok(EpisodeProgress {
                season: r.get(0)?,
                number: r.get(1)?,
                name: r.get(2)?,
                airdate: r.get(3)?,
                airstamp: parse_stamp(r.get(4)?),
                runtime_minutes: r.get(5)?,
                watched: r.get(6)?,
                rating: r.get::<_, Option<u8>>(7)?.and_then(|v| Rating::new(v).ok()),
                note: r.get(8)?,
                watched_on: days
                    .iter()
                    .flat_map(|d| d.split(','))
                    .filter_map(|d| d.parse().ok())
                    .collect(),
                listed: r.get(10)?,
                watched_at: parse_stamp(r.get(11)?),
            })
        })?;
        Ok(rows.collect::<rusqlite::Result<_>>()?)
    }
}

/// The title's name and its listed episodes in airing order.
fn listing(tx: &Transaction, entry_id: i64) -> Result<(String, Vec<Listed>)> {
    let (title_id, name): (i64, String) = tx
        .query_row(
            "SELECT t.id, t.name FROM entries e JOIN titles t ON t.id = e.title_id WHERE e.id = ?1",
            [entry_id],
            |r| Ok((r.get(0)?, r.get(1)?)),
        )
        .optional()?
        .ok_or(Error::NotFound {
            what: "entry",
            id: entry_id,
        })?;
    let mut stmt = tx.prepare_cached(
        "SELECT season, number, airdate, airstamp FROM episodes
         WHERE title_id = ?1 ORDER BY season = 0, season, number",
    )?;
    let list = stmt
        .query_map([title_id], |r| {
            Ok(Listed {
                ep: EpisodeRef {
                    season: r.get(0)?,
                    number: r.get(1)?,
                },
                airdate: r.get(2)?,
                airstamp: parse_stamp(r.get(3)?),
            })
        })?
        .collect::<rusqlite::Result<Vec<_>>>()?;
    Ok((name, list))
}

/// The episodes a change names, each once, in the order given; none is
/// refused.
fn named(eps: &[EpisodeRef]) -> Result<Vec<EpisodeRef>> {
    if eps.is_empty() {
        return Err(Error::invalid(
            "no episodes were named, so nothing was changed",
        ));
    }
    let mut seen = std::collections::HashSet::new();
    Ok(eps.iter().copied().filter(|&ep| seen.insert(ep)).collect())
}

/// Checks and records each of `eps` (a repeat counts once) inside `tx`;
/// the first one refused ends it, and the caller's transaction rolls back
/// the ones before.
fn mark_each(
    tx: &Transaction,
    entry_id: i64,
    name: &str,
    list: &[Listed],
    eps: &[EpisodeRef],
    when: WatchedWhen,
    clock: &Clock,
) -> Result<()> {
    for ep in named(eps)? {
        let aired = check_listed(name, list, ep)?;
        check_when(name, ep, aired, when, clock)?;
        if is_watched(tx, entry_id, ep)? {
            return Err(Error::invalid(format!(
                "{ep} of '{name}' is already marked as watched"
            )));
        }
        insert_watch(tx, entry_id, ep, when, clock.tz())?;
    }
    Ok(())
}

fn no_list(name: &str) -> Error {
    Error::invalid(format!(
        "'{name}' has no episode list; refresh it from a catalogue, or count episodes with `watchlog episode ID`"
    ))
}

/// When `ep` aired, if it is listed (or the list is empty, when nothing is
/// known); an episode missing from a list is refused.
fn check_listed(name: &str, list: &[Listed], ep: EpisodeRef) -> Result<Option<Aired>> {
    if list.is_empty() {
        return Ok(None);
    }
    // The list is in airing order, specials last (`listing`), so a season
    // of thousands of episodes is checked without a scan per episode.
    let order = |e: EpisodeRef| (e.is_special(), e.season, e.number);
    match list.binary_search_by_key(&order(ep), |l| order(l.ep)) {
        Ok(i) => Ok(air_of(&list[i])),
        Err(_) => {
            let regular = list.iter().filter(|l| !l.ep.is_special()).count();
            let seasons = list
                .iter()
                .filter(|l| !l.ep.is_special())
                .map(|l| l.ep.season)
                .max()
                .unwrap_or(0);
            Err(Error::invalid(format!(
                "'{name}' has no {ep} (its list has {regular} episodes in {seasons} season{})",
                if seasons == 1 { "" } else { "s" }
            )))
        }
    }
}

/// When an episode aired: its instant, else its day.
#[derive(Debug, Clone, Copy)]
enum Aired {
    At(DateTime<Utc>),
    On(NaiveDate),
}

fn air_of(l: &Listed) -> Option<Aired> {
    l.airstamp.map(Aired::At).or(l.airdate.map(Aired::On))
}

/// A watch in the future, or before the episode aired, is refused.
fn check_when(
    name: &str,
    ep: EpisodeRef,
    aired: Option<Aired>,
    when: WatchedWhen,
    clock: &Clock,
) -> Result<()> {
    let day = match when {
        WatchedWhen::Unknown => return Ok(()),
        WatchedWhen::On(d) => d,
        WatchedWhen::At(t) => {
            if t > clock.now() {
                return Err(Error::invalid(format!(
                    "{} is in the future; an episode can only be marked as watched now or before",
                    t.with_timezone(&clock.tz()).format("%Y-%m-%d %H:%M")
                )));
            }
            t.with_timezone(&clock.tz()).date_naive()
        }
    };
    if day > clock.today() {
        return Err(Error::invalid(format!(
            "{day} is in the future; an episode can only be marked as watched today or before"
        )));
    }
    let aired_day = match aired {
        // The viewer's day it aired: a KST evening is the same morning in
        // Europe, so the check is against the viewer's calendar.
        Some(Aired::At(t)) => t.with_timezone(&clock.tz()).date_naive(),
        Some(Aired::On(d)) => d,
        None => return Ok(()),
    };
    if day < aired_day {
        return Err(Error::invalid(format!(
            "{ep} of '{name}' aired on {aired_day}; it cannot have been watched on {day}"
        )));
    }
    Ok(())
}

fn is_watched(tx: &Transaction, entry_id: i64, ep: EpisodeRef) -> Result<bool> {
    Ok(tx
        .query_row(
            "SELECT 1 FROM episode_watches
             WHERE entry_id = ?1 AND viewing_id IS NULL AND season = ?2 AND number = ?3",
            params![entry_id, ep.season, ep.number],
            |_| Ok(()),
        )
        .optional()?
        .is_some())
}

/// Records one watch. A watch at an instant also gets its day in the
/// viewer's zone `tz`, so every known watch has a `watched_on` day.
fn insert_watch(
    tx: &Transaction,
    entry_id: i64,
    ep: EpisodeRef,
    when: WatchedWhen,
    tz: chrono_tz::Tz,
) -> Result<()> {
    let (on, at) = match when {
        WatchedWhen::Unknown => (None, None),
        WatchedWhen::On(d) => (Some(d), None),
        WatchedWhen::At(t) => (Some(t.with_timezone(&tz).date_naive()), Some(t)),
    };
    tx.execute(
        "INSERT INTO episode_watches
             (entry_id, season, number, watched_on, watched_at, platform_id, recorded_at)
         VALUES (?1, ?2, ?3, ?4, ?5, (SELECT platform_id FROM entries WHERE id = ?1), ?6)",
        params![
            entry_id,
            ep.season,
            ep.number,
            on,
            at.map(stamp),
            stamp(Utc::now())
        ],
    )?;
    Ok(())
}

/// For a watch known only by its instant, its day is filled in the
/// viewer's zone, so "watched on" is always a calendar day.
fn watched_day(when: WatchedWhen, clock: &Clock) -> NaiveDate {
    match when {
        WatchedWhen::On(d) => d,
        WatchedWhen::At(t) => t.with_timezone(&clock.tz()).date_naive(),
        WatchedWhen::Unknown => clock.today(),
    }
}

/// Episodes of the current viewing that count towards progress.
pub(super) fn watched_count(tx: &Transaction, entry_id: i64) -> Result<u32> {
    Ok(tx.query_row(
        "SELECT count(*) FROM episode_watches
         WHERE entry_id = ?1 AND viewing_id IS NULL AND season > 0",
        [entry_id],
        |r| r.get(0),
    )?)
}

/// Whether the entry's title has an episode list (specials aside).
pub(super) fn has_list(tx: &Transaction, entry_id: i64) -> Result<bool> {
    Ok(tx
        .query_row(
            "SELECT 1 FROM entries e JOIN episodes ep ON ep.title_id = e.title_id
             WHERE e.id = ?1 AND ep.season > 0 LIMIT 1",
            [entry_id],
            |_| Ok(()),
        )
        .optional()?
        .is_some())
}

/// Brings progress and status in line with the history: progress is the
/// count watched (capped at the title's episode count); a planned or
/// paused show becomes Watching, started on the day watched; an ended show
/// whose every listed episode is watched becomes Completed that day.
fn after_change(tx: &Transaction, entry_id: i64, when: WatchedWhen, clock: &Clock) -> Result<()> {
    refresh_next(tx, entry_id)?;
    let count = watched_count(tx, entry_id)?;
    let listed = has_list(tx, entry_id)?;
    let (regular, ended): (u32, bool) = tx.query_row(
        "SELECT (SELECT count(*) FROM episodes ep WHERE ep.title_id = t.id AND ep.season > 0),
                t.airing = 'ended'
         FROM entries e JOIN titles t ON t.id = e.title_id WHERE e.id = ?1",
        [entry_id],
        |r| Ok((r.get(0)?, r.get::<_, Option<bool>>(1)?.unwrap_or(false))),
    )?;
    patch_in(
        tx,
        entry_id,
        watched_day(when, clock),
        None,
        |old, episodes| {
            let progress = if listed {
                count.min(episodes.unwrap_or(u32::MAX))
            } else {
                old.progress.max(count)
            };
            let mut status = old.status;
            if progress > 0 && matches!(status, Status::PlanToWatch | Status::OnHold) {
                status = Status::Watching;
            }
            if listed && ended && regular > 0 && count >= regular && status == Status::Watching {
                status = Status::Completed;
            }
            Ok(EntryPatch {
                progress: Some(progress),
                status: Some(status),
                ..EntryPatch::default()
            })
        },
    )
}

/// Makes the history of a listed title agree with a progress count set
/// directly (the editor's field, "+1 episode", completing): the next
/// unwatched episodes are marked `when`, or the last watched ones unmarked.
pub(super) fn sync_to_progress(
    tx: &Transaction,
    entry_id: i64,
    progress: u32,
    when: WatchedWhen,
) -> Result<()> {
    if !has_list(tx, entry_id)? {
        return Ok(());
    }
    let count = watched_count(tx, entry_id)?;
    if progress < count {
        tx.execute(
            "DELETE FROM episode_watches WHERE id IN (
                 SELECT id FROM episode_watches
                 WHERE entry_id = ?1 AND viewing_id IS NULL AND season > 0
                 ORDER BY season DESC, number DESC LIMIT ?2)",
            params![entry_id, count - progress],
        )?;
    } else if progress > count {
        // After the last one watched first; then any gap before it.
        let (ls, ln): (u32, u32) = tx
            .query_row(
                "SELECT season, number FROM episode_watches
                 WHERE entry_id = ?1 AND viewing_id IS NULL AND season > 0
                 ORDER BY season DESC, number DESC LIMIT 1",
                [entry_id],
                |r| Ok((r.get(0)?, r.get(1)?)),
            )
            .optional()?
            .unwrap_or((0, 0));
        let mut stmt = tx.prepare_cached(
            "SELECT ep.season, ep.number FROM entries e
             JOIN episodes ep ON ep.title_id = e.title_id AND ep.season > 0
             WHERE e.id = ?1 AND NOT EXISTS (
                 SELECT 1 FROM episode_watches w WHERE w.entry_id = e.id
                   AND w.viewing_id IS NULL AND w.season = ep.season AND w.number = ep.number)
             ORDER BY (ep.season < ?3 OR (ep.season = ?3 AND ep.number <= ?4)),
                      ep.season, ep.number
             LIMIT ?2",
        )?;
        let next: Vec<EpisodeRef> = stmt
            .query_map(params![entry_id, progress - count, ls, ln], |r| {
                Ok(EpisodeRef {
                    season: r.get(0)?,
                    number: r.get(1)?,
                })
            })?
            .collect::<rusqlite::Result<_>>()?;
        for ep in next {
            insert_watch(tx, entry_id, ep, when, Clock::system().tz())?;
        }
    }
    if progress != count {
        refresh_next(tx, entry_id)?;
    }
    Ok(())
}

/// Stores what Up next and the library card read of an entry: the first
/// listed regular episode after the last one watched in the current
/// viewing and when it airs, and the latest watch of any viewing. The one place these are
/// computed; every write of an entry's history or of its title's list
/// ends here (migration 8 filled them for the rows before it).
pub(super) fn refresh_next(tx: &Transaction, entry_id: i64) -> Result<()> {
    tx.prepare_cached(
        "UPDATE entries SET
             last_watched = (SELECT max(coalesce(x.watched_at, x.watched_on)) FROM episode_watches x
                             WHERE x.entry_id = entries.id),
             (next_season, next_number, next_airs) = (
                 SELECT y.season, y.number, coalesce(y.airstamp, y.airdate)
                 FROM episodes y,
                      (SELECT coalesce((SELECT x.season * 1000000 + x.number FROM episode_watches x
                                        WHERE x.entry_id = entries.id
                                          AND coalesce(x.viewing_id, 0) = 0 AND x.season > 0
                                        ORDER BY x.season DESC, x.number DESC LIMIT 1), 0) AS k) l
                 WHERE y.title_id = entries.title_id AND y.season > 0
                   AND (y.season, y.number) > (l.k / 1000000, l.k % 1000000)
                 ORDER BY y.season, y.number LIMIT 1)
         WHERE id = ?1",
    )?
    .execute([entry_id])?;
    Ok(())
}
