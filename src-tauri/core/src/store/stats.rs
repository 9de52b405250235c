//! Numbers about the whole library, for the stats screen and `watchlog stats`.
//!
//! Everything is counted from narrow covering indexes (migration 10) in as
//! few passes as the numbers allow, so the screen costs about what reading
//! those indexes once costs at 100,000 titles:
//! - one pass over `entries_tally` gives the counts by status and platform,
//!   the rating distribution, the averages (overall and per platform), the
//!   favourites and the episodes watched;
//! - one pass over `titles_kind_country` gives the counts by kind and
//!   country (when every title has its entry, which is how the store keeps
//!   a library; otherwise they are counted through the entries);
//! - one join of the entries that have progress to the titles that have a
//!   runtime gives the minutes, in total and per month finished;
//! - the finished days, the reviews, the genres and the rewatches each read
//!   an index of their own.
//!
//! The arithmetic is SQLite's own: integer sums, then the same divisions in
//! doubles, so every number is exactly what one `avg` or `sum` per figure
//! gave before.

use std::cmp::Ordering;
use std::collections::{BTreeMap, HashMap};

use rusqlite::types::ValueRef;

use super::entries::word;
use super::query::nocase_cmp;
use super::Library;
use crate::error::Result;
use crate::model::{Count, Measure, Stats, Status, StatusCounts};

/// What the stats add up per platform (or for no platform).
#[derive(Default, Clone, Copy)]
struct Tally {
    entries: u32,
    /// Rated entries and the sum of their ratings.
    rated: u32,
    rating_sum: i64,
}

/// Per month finished: titles and rewatches finished, and their minutes.
#[derive(Default)]
struct Month {
    finished: u32,
    minutes: i64,
}

impl Library {
    pub fn stats(&self) -> Result<Stats> {
        let mut by_status = StatusCounts::default();
        let mut platforms: HashMap<i64, Tally> = HashMap::new();
        let mut ratings = [0u32; 21];
        let (mut rated, mut rating_sum) = (0u32, 0i64);
        let (mut favorites, mut episodes) = (0i64, 0i64);
        {
            let mut stmt = self.conn.prepare_cached(
                "SELECT rating, status, platform_id, count(*), favorite, sum(progress)
                 FROM entries GROUP BY favorite, status, platform_id, rating",
            )?;
            let mut rows = stmt.query([])?;
            while let Some(r) = rows.next()? {
                let rating: Option<i64> = r.get(0)?;
                let n: u32 = r.get(3)?;
                let status: Status = word(r, 1)?;
                *match status {
                    Status::PlanToWatch => &mut by_status.plan_to_watch,
                    Status::Watching => &mut by_status.watching,
                    Status::Completed => &mut by_status.completed,
                    Status::OnHold => &mut by_status.on_hold,
                    Status::Dropped => &mut by_status.dropped,
                } += n;
                by_status.all += n;
                favorites += r.get::<_, i64>(4)? * i64::from(n);
                episodes += r.get::<_, i64>(5)?;
                if let Some(platform) = r.get::<_, Option<i64>>(2)? {
                    let t = platforms.entry(platform).or_default();
                    t.entries += n;
                    if let Some(rating) = rating {
                        t.rated += n;
                        t.rating_sum += rating * i64::from(n);
                    }
                }
                if let Some(rating) = rating {
                    rated += n;
                    rating_sum += rating * i64::from(n);
                    // Buckets of half a point on the 10-point scale, rounding
                    // half up as the display does.
                    if let Some(b) = usize::try_from((rating + 2) / 5)
                        .ok()
                        .and_then(|i| ratings.get_mut(i))
                    {
                        *b += n;
                    }
                }
            }
        }
        // Every bucket is listed so a chart has its axis.
        let rating_distribution = ratings
            .iter()
            .enumerate()
            .map(|(h, &count)| Count {
                label: if h % 2 == 0 {
                    format!("{}", h / 2)
                } else {
                    format!("{}.5", h / 2)
                },
                count,
            })
            .collect();

        let names: HashMap<i64, String> = {
            let mut stmt = self.conn.prepare_cached("SELECT id, name FROM platforms")?;
            let rows = stmt.query_map([], |r| Ok((r.get(0)?, r.get(1)?)))?;
            rows.collect::<rusqlite::Result<_>>()?
        };
        let named: Vec<(&str, Tally)> = platforms
            .iter()
            .filter_map(|(id, t)| names.get(id).map(|n| (n.as_str(), *t)))
            .collect();
        let mut by_platform: Vec<Count> = named
            .iter()
            .map(|(name, t)| Count {
                label: name.to_string(),
                count: t.entries,
            })
            .collect();
        // Platform names are COLLATE NOCASE, and so is their order.
        by_platform.sort_by(|a, b| {
            b.count
                .cmp(&a.count)
                .then_with(|| nocase_cmp(&a.label, &b.label))
        });
        let mut rating_by_platform: Vec<(f64, Measure)> = named
            .iter()
            .filter(|(_, t)| t.rated > 0)
            .map(|(name, t)| {
                let average = average(t.rating_sum, t.rated);
                (
                    average,
                    Measure {
                        label: name.to_string(),
                        value: round(average, 100.0),
                        count: t.rated,
                    },
                )
            })
            .collect();
        rating_by_platform.sort_by(|(a, x), (b, y)| {
            b.partial_cmp(a)
                .unwrap_or(Ordering::Equal)
                .then_with(|| nocase_cmp(&x.label, &y.label))
        });

        let one_to_one = self.every_title_has_its_entry(by_status.all)?;
        let (by_kind, by_country) = self.kinds_and_countries(one_to_one)?;

        // Minutes: each entry's episodes times its title's runtime where it
        // is known (an unknown runtime counts as none), in total and in the
        // month the entry was finished. Merged here from two narrow scans
        // rather than joined in SQL: a join seeks the title of each of the
        // 100,000 entries, which costs three times both scans.
        let mut months: BTreeMap<String, Month> = BTreeMap::new();
        let mut minutes = 0i64;
        match self.runtimes()? {
            Some(runtime) => {
                let mut stmt = self.conn.prepare_cached(
                    "SELECT title_id, progress, finished_on FROM entries
                     WHERE +progress > 0 OR +finished_on IS NOT NULL",
                )?;
                let mut rows = stmt.query([])?;
                while let Some(r) = rows.next()? {
                    let title = usize::try_from(r.get::<_, i64>(0)?).unwrap_or(usize::MAX);
                    let m = r.get::<_, i64>(1)? * runtime.get(title).copied().map_or(0, i64::from);
                    minutes += m;
                    if let ValueRef::Text(day) = r.get_ref(2)? {
                        finished_in(&mut months, day, m);
                    }
                }
            }
            None => {
                let mut stmt = self.conn.prepare_cached(
                    "SELECT e.finished_on, e.progress * coalesce(t.runtime_minutes, 0)
                     FROM entries e JOIN titles t ON t.id = e.title_id
                     WHERE e.progress > 0 OR e.finished_on IS NOT NULL",
                )?;
                let mut rows = stmt.query([])?;
                while let Some(r) = rows.next()? {
                    let m: i64 = r.get(1)?;
                    minutes += m;
                    if let ValueRef::Text(day) = r.get_ref(0)? {
                        finished_in(&mut months, day, m);
                    }
                }
            }
        }
        // Rewatches are few: each with its own progress and finish day, and
        // the runtime of its entry's title.
        {
            let mut stmt = self.conn.prepare_cached(
                "SELECT v.finished_on, v.progress, v.progress * coalesce(t.runtime_minutes, 0)
                 FROM viewings v JOIN entries e ON e.id = v.entry_id
                 JOIN titles t ON t.id = e.title_id",
            )?;
            let mut rows = stmt.query([])?;
            while let Some(r) = rows.next()? {
                episodes += r.get::<_, i64>(1)?;
                let m: i64 = r.get(2)?;
                minutes += m;
                if let ValueRef::Text(day) = r.get_ref(0)? {
                    finished_in(&mut months, day, m);
                }
            }
        }
        let finished_per_month = months
            .iter()
            .map(|(label, m)| Count {
                label: label.clone(),
                count: m.finished,
            })
            .collect();
        // There is no date per episode, so a viewing's hours count in the
        // month it was finished: the same months as `finished_per_month`.
        let hours_per_month = months
            .into_iter()
            .map(|(label, m)| Measure {
                label,
                value: round(m.minutes as f64 / 60.0, 10.0),
                count: m.finished,
            })
            .collect();

        let reviews: u32 = self.conn.query_row(
            "SELECT count(*) FROM entries WHERE review IS NOT NULL",
            [],
            |r| r.get(0),
        )?;
        let top_genres = self.top_genres(one_to_one)?;
        let average_rating = (rated > 0).then(|| average(rating_sum, rated));
        Ok(Stats {
            hours_per_month,
            top_genres,
            rating_by_platform: rating_by_platform.into_iter().map(|(_, m)| m).collect(),
            titles: by_status.all,
            by_status,
            by_kind,
            by_platform,
            by_country,
            rating_distribution,
            average_rating: average_rating.map(|a| round(a, 100.0)),
            episodes_watched: u32::try_from(episodes).unwrap_or(u32::MAX),
            hours_watched: round(minutes as f64 / 60.0, 10.0),
            finished_per_month,
            reviews,
            favorites: u32::try_from(favorites).unwrap_or(u32::MAX),
        })
    }

    /// Entries by their title's kind and by country, largest first and then
    /// by label.
    fn kinds_and_countries(&self, one_to_one: bool) -> Result<(Vec<Count>, Vec<Count>)> {
        if !one_to_one {
            return Ok((
                self.counts(
                    "SELECT t.kind, count(*) FROM entries e JOIN titles t ON t.id = e.title_id
                     GROUP BY t.kind ORDER BY count(*) DESC, t.kind",
                )?,
                self.counts(
                    "SELECT t.country, count(*) FROM entries e JOIN titles t ON t.id = e.title_id
                     WHERE t.country IS NOT NULL GROUP BY t.country
                     ORDER BY count(*) DESC, t.country",
                )?,
            ));
        }
        let mut kinds: BTreeMap<String, u32> = BTreeMap::new();
        let mut countries: BTreeMap<String, u32> = BTreeMap::new();
        let mut stmt = self
            .conn
            .prepare_cached("SELECT kind, country, count(*) FROM titles GROUP BY kind, country")?;
        let mut rows = stmt.query([])?;
        while let Some(r) = rows.next()? {
            let n: u32 = r.get(2)?;
            *kinds.entry(r.get(0)?).or_default() += n;
            if let Some(country) = r.get::<_, Option<String>>(1)? {
                *countries.entry(country).or_default() += n;
            }
        }
        // Labels compare as BINARY does (bytes), which is String's order.
        let largest_first = |m: BTreeMap<String, u32>| {
            let mut v: Vec<Count> = m
                .into_iter()
                .map(|(label, count)| Count { label, count })
                .collect();
            v.sort_by(|a, b| b.count.cmp(&a.count).then_with(|| a.label.cmp(&b.label)));
            v
        };
        Ok((largest_first(kinds), largest_first(countries)))
    }

    /// The twelve most common genres, case folded as NOCASE folds them,
    /// each named by its smallest spelling, most first and then by name.
    /// Counted per spelling from the genre index in one pass, then folded
    /// here, which costs half what grouping by the folded name does in SQL.
    fn top_genres(&self, one_to_one: bool) -> Result<Vec<Count>> {
        let spellings = self.counts(if one_to_one {
            "SELECT genre, count(*) FROM title_genres GROUP BY genre"
        } else {
            "SELECT g.genre, count(*) FROM title_genres g
             JOIN entries e ON e.title_id = g.title_id GROUP BY g.genre"
        })?;
        // Each folded name is labelled by its smallest spelling (BINARY,
        // byte order), as `min(genre)` labels it.
        let mut folded: HashMap<Vec<u8>, usize> = HashMap::new();
        let mut out: Vec<Count> = Vec::new();
        for c in spellings {
            let key = c.label.bytes().map(|b| b.to_ascii_lowercase()).collect();
            match folded.get(&key) {
                Some(&i) => {
                    out[i].count += c.count;
                    if c.label < out[i].label {
                        out[i].label = c.label;
                    }
                }
                None => {
                    folded.insert(key, out.len());
                    out.push(c);
                }
            }
        }
        out.sort_by(|a, b| b.count.cmp(&a.count).then_with(|| a.label.cmp(&b.label)));
        out.truncate(12);
        Ok(out)
    }

    /// Each title's runtime in minutes by title id (0 when unknown), or
    /// `None` when the ids are too large to index an array by.
    fn runtimes(&self) -> Result<Option<Vec<u32>>> {
        const MAX_ID: i64 = 1 << 26;
        let top: Option<i64> = self
            .conn
            .query_row("SELECT max(id) FROM titles", [], |r| r.get(0))?;
        let Some(top) = top else {
            return Ok(Some(Vec::new()));
        };
        if !(0..MAX_ID).contains(&top) {
            return Ok(None);
        }
        let mut runtime = vec![0u32; top as usize + 1];
        let mut stmt = self.conn.prepare_cached(
            "SELECT id, runtime_minutes FROM titles WHERE runtime_minutes IS NOT NULL",
        )?;
        let mut rows = stmt.query([])?;
        while let Some(r) = rows.next()? {
            let Ok(id) = usize::try_from(r.get::<_, i64>(0)?) else {
                return Ok(None);
            };
            runtime[id] = r.get(1)?;
        }
        Ok(Some(runtime))
    }

    fn counts(&self, sql: &str) -> Result<Vec<Count>> {
        let mut stmt = self.conn.prepare_cached(sql)?;
        let rows = stmt.query_map([], |r| {
            Ok(Count {
                label: r.get(0)?,
                count: r.get(1)?,
            })
        })?;
        Ok(rows.collect::<rusqlite::Result<_>>()?)
    }

    /// Whether every title has its entry, given how many entries there are
    /// (`entries.title_id` is unique and must name a title, so equal counts
    /// mean one to one). It holds for any library this store wrote; then a
    /// count over the entries by a title column can read the title side
    /// alone.
    fn every_title_has_its_entry(&self, entries: u32) -> Result<bool> {
        let titles: u32 = self
            .conn
            .query_row("SELECT count(*) FROM titles", [], |r| r.get(0))?;
        Ok(titles == entries)
    }
}

/// `avg()` of integers as SQLite computes it (the integer sum over the
/// count, in doubles), on the 10-point scale.
fn average(sum: i64, n: u32) -> f64 {
    sum as f64 / f64::from(n) / 10.0
}

fn round(x: f64, to: f64) -> f64 {
    (x * to).round() / to
}

/// Counts a title or rewatch finished on `day`, with its minutes, in its
/// month: `substr(day, 1, 7)`, "YYYY-MM" of a stored day.
fn finished_in(months: &mut BTreeMap<String, Month>, day: &[u8], minutes: i64) {
    let day = String::from_utf8_lossy(day);
    let end = day.char_indices().nth(7).map_or(day.len(), |(i, _)| i);
    let label = &day[..end];
    if let Some(month) = months.get_mut(label) {
        month.finished += 1;
        month.minutes += minutes;
    } else {
        months.insert(
            label.to_string(),
            Month {
                finished: 1,
                minutes,
            },
        );
    }
}
