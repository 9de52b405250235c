//! Up next (for each show being watched, the episode to watch or wait for)
//! and the calendar (the episodes that air in a range of the viewer's
//! days). Both work offline from what is stored, in the viewer's zone.

use chrono::{DateTime, Duration, NaiveDate, Utc};
use rusqlite::{params, OptionalExtension};

use super::history::{parse_stamp, stamp};
use super::Library;
use crate::clock::Clock;
use crate::error::{Error, Result};
use crate::model::{
    AiredEpisode, CalendarItem, CalendarQuery, Status, UpNextQuery, UpNextRow, UpNextSection,
};

/// How far ahead "Starting soon" looks.
const STARTING_SOON_DAYS: i64 = 30;

/// The longest calendar range asked for at once: a year and a bit.
pub const MAX_CALENDAR_DAYS: u32 = 400;

/// The settings key of the instant notifications were turned on.
pub(super) const NOTIFY_SINCE: &str = "notify_since";

/// How long after it airs an episode is still announced (the app may have
/// been closed when it aired).
const NOTIFY_WITHIN_HOURS: i64 = 24;

impl Library {
    /// The Up next rows: continue watching and new episodes (most recently
    /// watched first), not aired yet (soonest first), starting soon
    /// (soonest first), waiting for the next season.
    pub fn up_next(&self, query: &UpNextQuery, clock: &Clock) -> Result<Vec<UpNextRow>> {
        let sql = up_next_sql(query);
        let mut stmt = self.conn.prepare_cached(&sql)?;
        let soon = clock.now() + Duration::days(STARTING_SOON_DAYS);
        let params = up_next_params(clock);
        let named: Vec<(&str, &dyn rusqlite::ToSql)> = params
            .iter()
            .map(|(k, v)| (*k, v as &dyn rusqlite::ToSql))
            .collect();
        let mut rows = stmt.query(named.as_slice())?;
        let mut out = Vec::new();
        while let Some(r) = rows.next()? {
            let status: Status = r.get::<_, String>(3)?.parse()?;
            let airing: Option<String> = r.get(4)?;
            let listed: bool = r.get(17)?;
            let last_watched = r
                .get::<_, Option<String>>(8)?
                .and_then(|s| instant_of(&s, clock));
            let season: Option<u32> = r.get(9)?;
            let airstamp = parse_stamp(r.get(13)?);
            let airdate: Option<NaiveDate> = r.get(12)?;
            let aired: bool = r.get::<_, Option<bool>>(15)?.unwrap_or(false);
            let air_instant = airstamp.or_else(|| airdate.map(|d| clock.start_of(d)));
            let section = match (status, season.is_some()) {
                (Status::PlanToWatch, true) => {
                    // Planned shows only while their first episode is near.
                    match air_instant {
                        Some(t) if t >= clock.now() && t <= soon && last_watched.is_none() => {
                            UpNextSection::StartingSoon
                        }
                        _ => continue,
                    }
                }
                (Status::PlanToWatch, false) => continue,
                (_, false) => {
                    let goes_on = matches!(airing.as_deref(), Some("running" | "upcoming"));
                    if !listed || !goes_on {
                        continue;
                    }
                    UpNextSection::WaitingForSeason
                }
                (_, true) if !aired => UpNextSection::NotAired,
                (_, true) => match (last_watched, air_instant) {
                    (Some(seen), Some(air)) if air > seen => UpNextSection::NewEpisodes,
                    _ => UpNextSection::ContinueWatching,
                },
            };
            out.push(UpNextRow {
                entry_id: r.get(0)?,
                title: r.get(1)?,
                original_title: r.get(2)?,
                section,
                status,
                season,
                number: r.get(10)?,
                episode_name: r.get(11)?,
                airstamp,
                airdate,
                runtime_minutes: r.get(14)?,
                aired,
                new_count: r.get(16)?,
                platform: r.get(7)?,
                poster: r.get(6)?,
                poster_url: r.get(5)?,
                last_watched,
            });
        }
        // Watched order is kept within the first two sections; the others
        // go by when the episode airs.
        out.sort_by_key(|row| match row.section {
            UpNextSection::ContinueWatching | UpNextSection::NewEpisodes => (0, None),
            UpNextSection::NotAired => (1, air_key(row, clock)),
            UpNextSection::StartingSoon => (2, air_key(row, clock)),
            UpNextSection::WaitingForSeason => (3, None),
        });
        Ok(out)
    }

    /// The episodes of the library's shows that air on the viewer's days
    /// `from` to `from + days - 1`, in airing order.
    pub fn calendar(&self, query: &CalendarQuery, clock: &Clock) -> Result<Vec<CalendarItem>> {
        if query.days == 0 || query.days > MAX_CALENDAR_DAYS {
            return Err(Error::invalid_field(
                "days",
                format!("the calendar shows 1 to {MAX_CALENDAR_DAYS} days at a time"),
            ));
        }
        let until = query.from + Duration::days(i64::from(query.days));
        let sql = calendar_sql(query);
        let mut stmt = self.conn.prepare_cached(&sql)?;
        let rows = stmt.query_map(
            params![
                stamp(clock.start_of(query.from)),
                stamp(clock.start_of(until)),
                query.from,
                until
            ],
            |r| {
                let airstamp = parse_stamp(r.get(6)?);
                let airdate: Option<NaiveDate> = r.get(7)?;
                let local = airstamp.map(|t| t.with_timezone(&clock.tz()));
                Ok((
                    CalendarItem {
                        entry_id: r.get(0)?,
                        title: r.get(1)?,
                        status: r.get::<_, String>(2)?.parse().unwrap_or(Status::Watching),
                        season: r.get(3)?,
                        number: r.get(4)?,
                        episode_name: r.get(5)?,
                        airstamp,
                        day: local
                            .map(|t| t.date_naive())
                            .or(airdate)
                            .unwrap_or(query.from),
                        local_time: local.map(|t| t.format("%H:%M").to_string()),
                        runtime_minutes: r.get(8)?,
                        platform: r.get(9)?,
                        network: r.get(10)?,
                        premiere: r.get::<_, Option<bool>>(11)?.unwrap_or(false),
                        finale: r.get::<_, Option<bool>>(12)?.unwrap_or(false),
                        watched: r.get(13)?,
                    },
                    r.get::<_, String>(14)?,
                ))
            },
        )?;
        let mut items: Vec<(CalendarItem, String)> = rows.collect::<rusqlite::Result<_>>()?;
        // Date-only episodes sort at the start of their day.
        items.sort_by(|(a, an), (b, bn)| {
            (a.day, &a.local_time, an, a.season, a.number).cmp(&(
                b.day,
                &b.local_time,
                bn,
                b.season,
                b.number,
            ))
        });
        Ok(items.into_iter().map(|(i, _)| i).collect())
    }
}

/// The values of [`up_next_sql`]'s named parameters at `clock`'s now;
/// public so the benchmark can run the same statement raw.
#[doc(hidden)]
pub fn up_next_params(clock: &Clock) -> [(&'static str, String); 4] {
    // Planned shows are read when their next episode's instant or day
    // falls from the day before the viewer's today to the day after the
    // window ends: the UTC day of an instant and the network's day are
    // within a day of the viewer's. The exact window is checked on each.
    let day = |n: i64| (clock.today() + Duration::days(n)).to_string();
    [
        (":now", stamp(clock.now())),
        (":today", clock.today().to_string()),
        (":first_day", day(-1)),
        (":soon_end", day(STARTING_SOON_DAYS + 2)),
    ]
}

/// Up next's statement (named parameters: [`up_next_params`]); public so
/// the benchmark can time the same SQL raw beside [`Library::up_next`].
#[doc(hidden)]
pub fn up_next_sql(query: &UpNextQuery) -> String {
    let services = if query.on_my_services {
        "AND p.subscribed = 1"
    } else {
        ""
    };
    // An episode has aired by its time, else by its day; one with
    // neither is taken as aired (a list without dates).
    let aired = |a: &str| {
        format!(
            "({a}.airstamp <= :now OR ({a}.airstamp IS NULL AND ({a}.airdate IS NULL OR {a}.airdate <= :today)))"
        )
    };
    // Each show's next episode and latest watch are stored with its entry
    // (`history::refresh_next`), so a show is one row and one primary-key
    // lookup of its next episode. The new episodes are those from the next
    // one to the latest aired, counted by their places in the list
    // (`episodes.ord`); the latest aired is one seek in each air-time index
    // (by instant; by day; with no date, which counts as aired). A planned
    // show is read only when its next episode airs around the "starting
    // soon" window (`entries_next_airs`: an instant or a day, as text,
    // between the day before today and the day after the window); the
    // rules in `Library::up_next` decide the rest.
    let latest = |cond: &str, order: &str| {
        format!(
            "coalesce((SELECT a.ord FROM episodes a
                       WHERE a.title_id = e.title_id AND a.ord IS NOT NULL AND {cond}
                       ORDER BY {order} LIMIT 1), 0)"
        )
    };
    format!(
        "SELECT e.id, t.name, t.original_name, e.status, t.airing, t.poster_url,
                (SELECT ps.hash FROM posters ps
                 WHERE ps.title_id = t.id AND ps.source_url = t.poster_url),
                p.name, e.last_watched,
                n.season, n.number, n.name, n.airdate, n.airstamp, n.runtime_minutes,
                {aired_n},
                CASE WHEN n.ord IS NOT NULL AND {aired_n} THEN max(0, 1 - n.ord + max({by_instant}, {by_day}, {undated}))
                     ELSE 0 END,
                e.next_season IS NOT NULL
                  OR EXISTS (SELECT 1 FROM episodes r WHERE r.title_id = e.title_id AND r.season > 0)
         FROM entries e JOIN titles t ON t.id = e.title_id
         LEFT JOIN platforms p ON p.id = e.platform_id
         LEFT JOIN episodes n ON n.title_id = e.title_id
              AND n.season = e.next_season AND n.number = e.next_number
         WHERE (e.status = 'watching' OR (e.status = 'plan_to_watch'
                 AND e.next_airs >= :first_day AND e.next_airs < :soon_end))
           {services}
         ORDER BY e.last_watched IS NULL, e.last_watched DESC, e.updated_at DESC, e.id",
        aired_n = aired("n"),
        by_instant = latest("a.airstamp <= :now", "a.airstamp DESC, a.ord DESC"),
        by_day = latest(
            "a.airstamp IS NULL AND coalesce(a.airdate, '') <= :today",
            "coalesce(a.airdate, '') DESC, a.ord DESC"
        ),
        undated = latest(
            "a.airstamp IS NULL AND coalesce(a.airdate, '') = ''",
            "a.ord DESC"
        ),
    )
}

/// The calendar's statement (`?1`–`?4`: the range's first and end instants,
/// then its first and end days); public so the benchmark can time the same
/// SQL raw beside [`Library::calendar`].
#[doc(hidden)]
pub fn calendar_sql(query: &CalendarQuery) -> String {
    let statuses: Vec<&str> = if query.statuses.is_empty() {
        vec!["watching", "plan_to_watch", "on_hold"]
    } else {
        query.statuses.iter().map(|s| s.as_str()).collect()
    };
    let status_list = statuses
        .iter()
        .map(|s| format!("'{s}'"))
        .collect::<Vec<_>>()
        .join(", ");
    let services = if query.on_my_services {
        "AND p.subscribed = 1"
    } else {
        ""
    };
    let select =
        "SELECT e.id, t.name, e.status, ep.season, ep.number, ep.name, ep.airstamp, ep.airdate,
                    ep.runtime_minutes, p.name, t.network,
                    ep.premiere,
                    ep.season_end = 1 OR (ep.season_end = 2 AND t.airing = 'ended'),
                    EXISTS (SELECT 1 FROM episode_watches w WHERE w.entry_id = e.id
                            AND coalesce(w.viewing_id, 0) = 0
                            AND w.season = ep.season AND w.number = ep.number),
                    t.sort_name
             FROM episodes ep CROSS JOIN titles t ON t.id = ep.title_id
             CROSS JOIN entries e ON e.title_id = t.id
             LEFT JOIN platforms p ON p.id = e.platform_id";
    // The episodes in the range drive the join (CROSS JOIN keeps the
    // order, `+e.status` keeps SQLite from starting at the status
    // index): a month is thousands of episodes, a status tens of
    // thousands of entries.
    let sql = format!(
        "{select} WHERE ep.airstamp >= ?1 AND ep.airstamp < ?2
                 AND +e.status IN ({status_list}) {services}
             UNION ALL
             {select} WHERE ep.airstamp IS NULL AND ep.airdate >= ?3 AND ep.airdate < ?4
                 AND +e.status IN ({status_list}) {services}"
    );
    sql
}

impl Library {
    /// Episodes of shows being watched that aired (by their time) since
    /// notifications were turned on and within the last day, not watched and
    /// not announced yet, oldest first. Empty while notifications are off.
    pub fn episodes_to_notify(&self, clock: &Clock) -> Result<Vec<AiredEpisode>> {
        if !self.settings()?.notify_new_episodes {
            return Ok(Vec::new());
        }
        let since: Option<String> = self
            .conn
            .query_row(
                "SELECT value FROM settings WHERE key = ?1",
                [NOTIFY_SINCE],
                |r| r.get(0),
            )
            .optional()?;
        let window = clock.now() - Duration::hours(NOTIFY_WITHIN_HOURS);
        let since = parse_stamp(since).map_or(window, |t| t.max(window));
        let mut stmt = self.conn.prepare_cached(
            "SELECT e.id, t.name, ep.season, ep.number, ep.name
             FROM episodes ep JOIN titles t ON t.id = ep.title_id
             JOIN entries e ON e.title_id = t.id
             WHERE ep.airstamp > ?1 AND ep.airstamp <= ?2 AND ep.notified_at IS NULL
               AND ep.season > 0 AND e.status = 'watching'
               AND NOT EXISTS (SELECT 1 FROM episode_watches w WHERE w.entry_id = e.id
                   AND coalesce(w.viewing_id, 0) = 0
                   AND w.season = ep.season AND w.number = ep.number)
             ORDER BY ep.airstamp, t.sort_name",
        )?;
        let rows = stmt.query_map(params![stamp(since), stamp(clock.now())], |r| {
            Ok(AiredEpisode {
                entry_id: r.get(0)?,
                title: r.get(1)?,
                season: r.get(2)?,
                number: r.get(3)?,
                name: r.get(4)?,
            })
        })?;
        Ok(rows.collect::<rusqlite::Result<_>>()?)
    }

    /// Records that these episodes were announced, so each is announced
    /// once.
    pub fn mark_notified(&mut self, episodes: &[AiredEpisode], at: DateTime<Utc>) -> Result<()> {
        let tx = self.write()?;
        {
            let mut stmt = tx.prepare_cached(
                "UPDATE episodes SET notified_at = ?4
                 WHERE title_id = (SELECT title_id FROM entries WHERE id = ?1)
                   AND season = ?2 AND number = ?3",
            )?;
            for e in episodes {
                stmt.execute(params![e.entry_id, e.season, e.number, stamp(at)])?;
            }
        }
        tx.commit()?;
        Ok(())
    }
}

/// A stored watch moment: an instant, or a day (its start in the zone).
fn instant_of(s: &str, clock: &Clock) -> Option<DateTime<Utc>> {
    parse_stamp(Some(s.to_string())).or_else(|| s.parse().ok().map(|d| clock.start_of(d)))
}

fn air_key(row: &UpNextRow, clock: &Clock) -> Option<DateTime<Utc>> {
    row.airstamp
        .or_else(|| row.airdate.map(|d| clock.start_of(d)))
}
