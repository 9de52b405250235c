//! One calendar year of watching (`Library::year_review`): what the year in
//! review page, `watchlog stats --year` and the exported page and card show.
//!
//! The year is read in four passes, each bounded by the year where an index
//! allows: the entries finished in it (`entries_finished_order`), every
//! viewing with a finish day (few: rewatches), the episode watches of its
//! days grouped by day in SQL, and the titles and genres of the finishes
//! by primary key. Everything else is arithmetic on those rows here.

use std::collections::{BTreeSet, HashMap};

use chrono::{Datelike, NaiveDate};
use rusqlite::OptionalExtension;

use super::entries::{rating, word};
use super::query::nocase_cmp;
use super::Library;
use crate::error::{Error, Result};
use crate::model::{Count, Kind, Streak, YearFinish, YearMonth, YearReview, YearTitle};
use crate::rating::Rating;

/// The years a review can be asked for: the plausible years the rest of
/// the library accepts (a title's year, an import's dates).
pub const YEARS: std::ops::RangeInclusive<i32> = 1800..=2200;

/// How many best-rated titles a review names, and how many countries,
/// platforms and genres.
const BEST: usize = 10;
const TOP: usize = 10;

/// A viewing finished in the year.
struct Finish {
    entry: i64,
    title: i64,
    on: NaiveDate,
    /// Orders finishes of one entry on the same day: an earlier viewing's
    /// id, the current viewing last.
    order: i64,
    platform: Option<i64>,
    rating: Option<Rating>,
}

/// The current viewing's place among an entry's viewings.
const CURRENT: i64 = i64::MAX;

/// What a review needs of a title.
struct TitleRow {
    kind: Kind,
    name: String,
    original_name: Option<String>,
    country: Option<String>,
    runtime: i64,
}

#[derive(Default, Clone, Copy)]
struct Month {
    finished: u32,
    episodes: u32,
    minutes: i64,
}

impl Library {
    /// The year in review for `year` (a calendar year on the viewer's
    /// days). A year with nothing watched is all zeros and empty lists.
    pub fn year_review(&self, year: i32) -> Result<YearReview> {
        if !YEARS.contains(&year) {
            return Err(Error::invalid_field(
                "year",
                format!(
                    "{year} is not a plausible year ({}–{})",
                    YEARS.start(),
                    YEARS.end()
                ),
            ));
        }
        // One snapshot, so the four passes see the same library.
        let _snapshot = self.snapshot()?;
        let (from, to) = (format!("{year:04}-01-01"), format!("{:04}-01-01", year + 1));

        // Every viewing with a finish day, by entry: the year's finishes
        // among them, and what tells a rewatch from a first time.
        let mut finished_viewings: HashMap<i64, Vec<(NaiveDate, i64)>> = HashMap::new();
        let mut finishes: Vec<Finish> = Vec::new();
        {
            let mut stmt = self.conn.prepare_cached(
                "SELECT v.id, v.entry_id, v.finished_on, v.platform_id, e.title_id, e.rating
                 FROM viewings v JOIN entries e ON e.id = v.entry_id
                 WHERE v.finished_on IS NOT NULL",
            )?;
            let mut rows = stmt.query([])?;
            while let Some(r) = rows.next()? {
                let (id, entry): (i64, i64) = (r.get(0)?, r.get(1)?);
                let on: NaiveDate = r.get(2)?;
                finished_viewings.entry(entry).or_default().push((on, id));
                if on.year() == year {
                    finishes.push(Finish {
                        entry,
                        title: r.get(4)?,
                        on,
                        order: id,
                        platform: r.get(3)?,
                        rating: rating(r, 5)?,
                    });
                }
            }
        }
        {
            // `(finished_on IS NULL) = 0` lets the range read the finish
            // order's index instead of every entry.
            let mut stmt = self.conn.prepare_cached(
                "SELECT id, title_id, finished_on, platform_id, rating FROM entries
                 WHERE (finished_on IS NULL) = 0 AND finished_on >= ?1 AND finished_on < ?2",
            )?;
            let mut rows = stmt.query([&from, &to])?;
            while let Some(r) = rows.next()? {
                finishes.push(Finish {
                    entry: r.get(0)?,
                    title: r.get(1)?,
                    on: r.get(2)?,
                    order: CURRENT,
                    platform: r.get(3)?,
                    rating: rating(r, 4)?,
                });
            }
        }
        // A rewatch of a viewing finished before needs the entry's current
        // finish too, when that came first (dates are typed freely).
        {
            let mut current = self
                .conn
                .prepare_cached("SELECT finished_on FROM entries WHERE id = ?1")?;
            let viewed: BTreeSet<i64> = finishes
                .iter()
                .filter(|f| f.order != CURRENT)
                .map(|f| f.entry)
                .collect();
            for entry in viewed {
                let on: Option<NaiveDate> = current
                    .query_row([entry], |r| r.get(0))
                    .optional()?
                    .flatten();
                if let Some(on) = on {
                    finished_viewings
                        .entry(entry)
                        .or_default()
                        .push((on, CURRENT));
                }
            }
        }
        finishes.sort_by_key(|f| (f.on, f.entry, f.order));
        let rewatches = finishes
            .iter()
            .filter(|f| {
                finished_viewings.get(&f.entry).is_some_and(|earlier| {
                    earlier
                        .iter()
                        .any(|&(on, order)| (on, order) < (f.on, f.order))
                })
            })
            .count() as u32;

        // The finishes' titles and genres, each read once.
        let mut titles: HashMap<i64, TitleRow> = HashMap::new();
        let mut genres: HashMap<i64, Vec<String>> = HashMap::new();
        {
            let mut title = self.conn.prepare_cached(
                "SELECT kind, name, original_name, country, coalesce(runtime_minutes, 0)
                 FROM titles WHERE id = ?1",
            )?;
            let mut genre = self.conn.prepare_cached(
                "SELECT genre FROM title_genres WHERE title_id = ?1 ORDER BY position",
            )?;
            for f in &finishes {
                if titles.contains_key(&f.title) {
                    continue;
                }
                let row = title.query_row([f.title], |r| {
                    Ok(TitleRow {
                        kind: word(r, 0)?,
                        name: r.get(1)?,
                        original_name: r.get(2)?,
                        country: r.get(3)?,
                        runtime: r.get(4)?,
                    })
                })?;
                titles.insert(f.title, row);
                let g = genre
                    .query_map([f.title], |r| r.get(0))?
                    .collect::<rusqlite::Result<Vec<String>>>()?;
                genres.insert(f.title, g);
            }
        }

        let mut months = [Month::default(); 12];
        let mut days: BTreeSet<NaiveDate> = BTreeSet::new();
        let mut minutes = 0i64;
        for f in &finishes {
            let m = &mut months[f.on.month0() as usize];
            m.finished += 1;
            days.insert(f.on);
            // A film is watched in one sitting: its runtime counts on the
            // day it was finished. Shows count their episodes instead.
            let t = &titles[&f.title];
            if t.kind == Kind::Film {
                m.minutes += t.runtime;
                minutes += t.runtime;
            }
        }
        let mut episodes = 0u32;
        {
            // Grouped by day in SQL: a year of a heavy watcher's history
            // is thousands of rows, its days at most 366.
            let mut stmt = self.conn.prepare_cached(
                "SELECT w.watched_on, count(*),
                        sum(coalesce(ep.runtime_minutes, t.runtime_minutes, 0))
                 FROM episode_watches w
                 JOIN entries e ON e.id = w.entry_id
                 JOIN titles t ON t.id = e.title_id
                 LEFT JOIN episodes ep ON ep.title_id = e.title_id
                      AND ep.season = w.season AND ep.number = w.number
                 WHERE w.watched_on >= ?1 AND w.watched_on < ?2
                 GROUP BY w.watched_on",
            )?;
            let mut rows = stmt.query([&from, &to])?;
            while let Some(r) = rows.next()? {
                let on: NaiveDate = r.get(0)?;
                let (n, m): (u32, i64) = (r.get(1)?, r.get(2)?);
                let month = &mut months[on.month0() as usize];
                month.episodes += n;
                month.minutes += m;
                episodes += n;
                minutes += m;
                days.insert(on);
            }
        }

        // The most minutes, then the most watches; the earliest of equals.
        let busiest = (0..12)
            .filter(|&i| months[i].finished + months[i].episodes > 0)
            .min_by_key(|&i| {
                let m = &months[i];
                (std::cmp::Reverse((m.minutes, m.finished + m.episodes)), i)
            });
        let months: Vec<YearMonth> = months
            .iter()
            .enumerate()
            .map(|(i, m)| YearMonth {
                month: format!("{year:04}-{:02}", i + 1),
                finished: m.finished,
                episodes: m.episodes,
                hours: hours(m.minutes),
            })
            .collect();
        let busiest_month = busiest.map(|i| months[i].clone());

        let first_finish = finishes.first().map(|f| year_finish(f, &titles));
        let last_finish = finishes.last().map(|f| year_finish(f, &titles));

        Ok(YearReview {
            year,
            titles_finished: finishes.len() as u32,
            new_titles: finishes.len() as u32 - rewatches,
            rewatches,
            episodes_watched: episodes,
            hours_watched: hours(minutes),
            days_watched: days.len() as u32,
            best_rated: self.best_rated(&finishes, &titles)?,
            top_countries: top(finishes
                .iter()
                .filter_map(|f| titles[&f.title].country.clone())),
            top_platforms: self.top_platforms(&finishes)?,
            top_genres: top_folded(
                finishes
                    .iter()
                    .flat_map(|f| genres[&f.title].iter().map(String::as_str)),
            ),
            months,
            busiest_month,
            longest_streak: longest_streak(&days),
            first_finish,
            last_finish,
        })
    }

    /// The rated entries finished in the year, best first; equals by the
    /// day they were (last) finished, then by id.
    fn best_rated(
        &self,
        finishes: &[Finish],
        titles: &HashMap<i64, TitleRow>,
    ) -> Result<Vec<YearTitle>> {
        // Finishes are in day order, so the last one seen is the latest.
        let mut latest: HashMap<i64, (&Finish, Rating)> = HashMap::new();
        for f in finishes {
            if let Some(r) = f.rating {
                latest.insert(f.entry, (f, r));
            }
        }
        let mut best: Vec<(&Finish, Rating)> = latest.into_values().collect();
        best.sort_by(|(a, ra), (b, rb)| {
            rb.cmp(ra).then(a.on.cmp(&b.on)).then(a.entry.cmp(&b.entry))
        });
        best.truncate(BEST);
        best.into_iter()
            .map(|(f, rating)| {
                let t = &titles[&f.title];
                Ok(YearTitle {
                    entry_id: f.entry,
                    name: t.name.clone(),
                    original_name: t.original_name.clone(),
                    rating,
                    finished_on: f.on,
                    poster: self.poster_id(f.entry)?,
                })
            })
            .collect()
    }

    /// The platforms the year's finishes were watched on, by name.
    fn top_platforms(&self, finishes: &[Finish]) -> Result<Vec<Count>> {
        let names: HashMap<i64, String> = {
            let mut stmt = self.conn.prepare_cached("SELECT id, name FROM platforms")?;
            let rows = stmt.query_map([], |r| Ok((r.get(0)?, r.get(1)?)))?;
            rows.collect::<rusqlite::Result<_>>()?
        };
        let mut counts: HashMap<&str, u32> = HashMap::new();
        for f in finishes {
            if let Some(name) = f.platform.and_then(|p| names.get(&p)) {
                *counts.entry(name).or_default() += 1;
            }
        }
        let mut v: Vec<Count> = counts
            .into_iter()
            .map(|(label, count)| Count {
                label: label.to_string(),
                count,
            })
            .collect();
        // Platform names are COLLATE NOCASE, as in the library's stats.
        v.sort_by(|a, b| {
            b.count
                .cmp(&a.count)
                .then_with(|| nocase_cmp(&a.label, &b.label))
        });
        v.truncate(TOP);
        Ok(v)
    }
}

fn year_finish(f: &Finish, titles: &HashMap<i64, TitleRow>) -> YearFinish {
    YearFinish {
        entry_id: f.entry,
        name: titles[&f.title].name.clone(),
        on: f.on,
    }
}

fn hours(minutes: i64) -> f64 {
    (minutes as f64 / 6.0).round() / 10.0
}

/// The longest run of consecutive days, the earliest of equals.
fn longest_streak(days: &BTreeSet<NaiveDate>) -> Option<Streak> {
    let mut best: Option<Streak> = None;
    let mut run: Option<Streak> = None;
    for &d in days {
        run = Some(match run {
            Some(r) if r.last.succ_opt() == Some(d) => Streak {
                days: r.days + 1,
                first: r.first,
                last: d,
            },
            _ => Streak {
                days: 1,
                first: d,
                last: d,
            },
        });
        let r = run.as_ref().expect("just set");
        if best.as_ref().is_none_or(|b| r.days > b.days) {
            best = run.clone();
        }
    }
    best
}

/// Labels counted, most first, then by label (byte order, as BINARY).
fn top(labels: impl Iterator<Item = String>) -> Vec<Count> {
    let mut counts: HashMap<String, u32> = HashMap::new();
    for l in labels {
        *counts.entry(l).or_default() += 1;
    }
    let mut v: Vec<Count> = counts
        .into_iter()
        .map(|(label, count)| Count { label, count })
        .collect();
    v.sort_by(|a, b| b.count.cmp(&a.count).then_with(|| a.label.cmp(&b.label)));
    v.truncate(TOP);
    v
}

/// Genres counted with case folded as NOCASE folds it, each named by its
/// smallest spelling, as the library's top genres are.
fn top_folded<'a>(genres: impl Iterator<Item = &'a str>) -> Vec<Count> {
    let mut folded: HashMap<String, Count> = HashMap::new();
    for g in genres {
        let c = folded
            .entry(g.to_ascii_lowercase())
            .or_insert_with(|| Count {
                label: g.to_string(),
                count: 0,
            });
        c.count += 1;
        if g < c.label.as_str() {
            c.label = g.to_string();
        }
    }
    let mut v: Vec<Count> = folded.into_values().collect();
    v.sort_by(|a, b| b.count.cmp(&a.count).then_with(|| a.label.cmp(&b.label)));
    v.truncate(TOP);
    v
}
