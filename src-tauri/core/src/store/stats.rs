//! Numbers about the whole library, for the stats screen and `watchlog stats`.
//!
//! Everything comes from the counts kept on write (`store::tally`,
//! schema 13): a few thousand rows at any library size, read in one pass. Counting from the library's own indexes instead cost
//! about 32 ms at 100,000 titles in a warm process and three times that in
//! a fresh one, most of it reading the genre index.
//!
//! The arithmetic is SQLite's own: integer sums, then the same divisions in
//! doubles, so every number is exactly what one `avg` or `sum` per figure
//! gives.

use std::cmp::Ordering;
use std::collections::{BTreeMap, HashMap};

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
        let (mut favorites, mut episodes, mut minutes, mut reviews) = (0i64, 0i64, 0i64, 0u32);
        let mut kinds: BTreeMap<String, u32> = BTreeMap::new();
        let mut countries: BTreeMap<String, u32> = BTreeMap::new();
        let mut spellings: HashMap<String, u32> = HashMap::new();
        let mut months: BTreeMap<String, Month> = BTreeMap::new();
        {
            let mut stmt = self.conn.prepare_cached(
                "SELECT dim, status, platform, label, n, episodes, minutes FROM tally
                 WHERE n != 0",
            )?;
            let mut rows = stmt.query([])?;
            while let Some(r) = rows.next()? {
                let n: u32 = r.get(4)?;
                let platform: i64 = r.get(2)?;
                let dim: String = r.get(0)?;
                // Text but for the ratings.
                let label = || r.get::<_, String>(3);
                match dim.as_str() {
                    // Every entry counts once for its title's kind: the
                    // entries by status and platform.
                    "kind" => {
                        let status: Status = super::entries::word(r, 1)?;
                        *match status {
                            Status::PlanToWatch => &mut by_status.plan_to_watch,
                            Status::Watching => &mut by_status.watching,
                            Status::Completed => &mut by_status.completed,
                            Status::OnHold => &mut by_status.on_hold,
                            Status::Dropped => &mut by_status.dropped,
                        } += n;
                        by_status.all += n;
                        if platform != 0 {
                            platforms.entry(platform).or_default().entries += n;
                        }
                        *kinds.entry(label()?).or_default() += n;
                    }
                    "country" => *countries.entry(label()?).or_default() += n,
                    "genre" => *spellings.entry(label()?).or_default() += n,
                    "rating" => {
                        let rating: i64 = label()?.parse().map_err(|_| {
                            rusqlite::Error::InvalidColumnType(
                                3,
                                "label".into(),
                                rusqlite::types::Type::Text,
                            )
                        })?;
                        rated += n;
                        rating_sum += rating * i64::from(n);
                        if platform != 0 {
                            let t = platforms.entry(platform).or_default();
                            t.rated += n;
                            t.rating_sum += rating * i64::from(n);
                        }
                        // Buckets of half a point on the 10-point scale,
                        // rounding half up as the display does.
                        if let Some(b) = usize::try_from((rating + 2) / 5)
                            .ok()
                            .and_then(|i| ratings.get_mut(i))
                        {
                            *b += n;
                        }
                    }
                    "favorite" => favorites += i64::from(n),
                    "review" => reviews += n,
                    // Each entry's episodes, and its episodes times its
                    // title's runtime where known, in the month finished
                    // (no month: not finished).
                    // Rewatches count as the entries do, each in the month
                    // it was finished.
                    "watched" | "rewatch" => {
                        let m: i64 = r.get(6)?;
                        episodes += r.get::<_, i64>(5)?;
                        minutes += m;
                        let month = label()?;
                        if !month.is_empty() {
                            let month = months.entry(month).or_default();
                            month.finished += n;
                            month.minutes += m;
                        }
                    }
                    _ => {}
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

        let average_rating = (rated > 0).then(|| average(rating_sum, rated));
        Ok(Stats {
            hours_per_month,
            top_genres: top_genres(spellings),
            rating_by_platform: rating_by_platform.into_iter().map(|(_, m)| m).collect(),
            titles: by_status.all,
            by_status,
            by_kind: largest_first(kinds),
            by_platform,
            by_country: largest_first(countries),
            rating_distribution,
            average_rating: average_rating.map(|a| round(a, 100.0)),
            episodes_watched: u32::try_from(episodes).unwrap_or(u32::MAX),
            hours_watched: round(minutes as f64 / 60.0, 10.0),
            finished_per_month,
            reviews,
            favorites: u32::try_from(favorites).unwrap_or(u32::MAX),
        })
    }
}

/// Counts largest first, then by label as BINARY compares them (bytes),
/// which is String's order.
fn largest_first(m: BTreeMap<String, u32>) -> Vec<Count> {
    let mut v: Vec<Count> = m
        .into_iter()
        .map(|(label, count)| Count { label, count })
        .collect();
    v.sort_by(|a, b| b.count.cmp(&a.count).then_with(|| a.label.cmp(&b.label)));
    v
}

/// The twelve most common genres, case folded as NOCASE folds them,
/// each named by its smallest spelling, most first and then by name.
fn top_genres(spellings: HashMap<String, u32>) -> Vec<Count> {
    // Each folded name is labelled by its smallest spelling (BINARY,
    // byte order), as `min(genre)` labels it.
    let mut folded: HashMap<Vec<u8>, usize> = HashMap::new();
    let mut out: Vec<Count> = Vec::new();
    for (label, count) in spellings {
        let c = Count { label, count };
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
    out
}

/// `avg()` of integers as SQLite computes it (the integer sum over the
/// count, in doubles), on the 10-point scale.
fn average(sum: i64, n: u32) -> f64 {
    sum as f64 / f64::from(n) / 10.0
}

fn round(x: f64, to: f64) -> f64 {
    (x * to).round() / to
}
