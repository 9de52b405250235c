//! Reads a TV Time GDPR export (the zip TV Time sent, or its folder): the
//! shows followed, the episodes watched with their times, rewatches, and
//! the films. Two generations of the export are understood.
//!
//! - **2021 onwards**: `followed_tv_show.csv` (the shows followed, by TVDB
//!   id, `active` and `archived`); `tracking-prod-records-v2.csv` (one row
//!   per `key`: `user-series-*` rows with `is_followed`, `is_archived`,
//!   `is_for_later` and the most recent episode as a Go `map[…]` dump;
//!   `watch-episode-*` and `rewatch-episode-*-N` rows naming the episode by
//!   `season_number`/`episode_number` or `s_no`/`ep_no`); and
//!   `tracking-prod-records.csv` (films: `follow`, `towatch` and `watch`
//!   rows by `uuid`, and some episode `watch` rows).
//! - **Before**: `user_tv_show_data.csv` (TVDB id, `is_followed`,
//!   `is_favorited`, `nb_episodes_seen`, sometimes `tv_show_name`),
//!   `seen_episode.csv` and `rewatched_episode.csv`, and the tables other
//!   trackers document for exports in between: `seen_episode_source.csv`,
//!   `seen_episode_latest.csv`, `show_seen_episode_latest.csv`,
//!   `watched_on_episode.csv` (`tv_show_name`, `episode_season_number`,
//!   `episode_number`, `created_at`) and `user_show_special_status.csv`
//!   (`for_later`, `favorite`).
//! - In any of them, `lists-prod-lists.csv`: each list's name becomes a tag
//!   of its shows (by TVDB id) and films (by uuid).
//!
//! Votes, reactions and comments are left out and named in the notes
//! (Watchlog keeps one rating and one review per title, TV Time's are per
//! episode), as is every file that holds nothing about what was watched.
//!
//! Times. The newer tables write `created_at` as a wall-clock time in the
//! account's zone (the zero time comes out as `0000-12-31 20:06:12`, Go's
//! year 1 in Buenos Aires' local mean time), and many rows carry the exact
//! instant too, as a Unix time in a key (`watch-episode-1595765111`,
//! `watch-date-…`) or a column. A row with an instant uses it; the others
//! are converted with the zone `user.csv` names, else with the offset the
//! export's own instants show beside their wall-clock times (the nearest
//! one, so a zone with summer time is followed), else read as UTC and
//! said so. The older tables write `… +0000 UTC`.
//!
//! Ids may be written as floats (`6.901475e+06`) and are read exactly.
//! Watches known only by a TVDB *episode* id cannot be tied to a show
//! without a catalogue; where no show is named beside them they are
//! imported as loose watches ([`LooseWatch`]), which matching places
//! under their shows once TMDB says which show each is. A row that cannot be read (a broken
//! date or id) is left out with its file, line and reason, and the rest is
//! imported; a known file whose columns are not the ones Watchlog reads
//! (another version of the export) refuses the import, naming the file.

use std::collections::{BTreeMap, HashMap};

use chrono::{DateTime, Datelike, Duration, NaiveDate, NaiveDateTime, TimeZone, Utc};
use chrono_tz::Tz;

use super::input::{csv_files, left_out, Cells, SourceFile, Table};
use crate::error::{Error, Result};
use crate::model::{
    EntryFields, EpisodeRef, ExternalIds, IncomingEntry, IncomingEpisode, IncomingWatch, Kind,
    LooseWatch, ParsedExport, Status, TitleFacts, ViewingDetails, WatchedWhen, MAX_TAG_CHARS,
};

/// The tables of seen episodes named by show name and numbers (or, in the
/// oldest exports, only by TVDB episode id).
const SEEN_FILES: [&str; 5] = [
    "seen_episode.csv",
    "seen_episode_source.csv",
    "seen_episode_latest.csv",
    "show_seen_episode_latest.csv",
    "watched_on_episode.csv",
];

pub fn read(files: &[SourceFile]) -> Result<ParsedExport> {
    let mut r = Reader::default();
    let mut csvs: Vec<&SourceFile> = csv_files(files).collect();
    // user.csv names the account's zone, which every other file's times need.
    if let Some(f) = csvs.iter().find(|f| f.base_name() == "user.csv") {
        r.zone_from_user(f);
    }
    // Files with TVDB show ids first, so the tables that name shows only by
    // name find them.
    let order = [
        "followed_tv_show.csv",
        "user_tv_show_data.csv",
        "tracking-prod-records-v2.csv",
        "tracking-prod-records.csv",
        "user_show_special_status.csv",
        "lists-prod-lists.csv",
        "rewatched_episode.csv",
    ];
    let rank = |f: &SourceFile| {
        let base = f.base_name();
        order.iter().position(|o| *o == base).unwrap_or(order.len())
    };
    csvs.sort_by_key(|f| rank(f));
    let mut read_files = Vec::new();
    let mut left = Vec::new();
    for f in csvs {
        let base = f.base_name();
        let read = match base.as_str() {
            "followed_tv_show.csv" => r.followed(f),
            "user_tv_show_data.csv" => r.user_shows(f),
            "tracking-prod-records-v2.csv" => r.records_v2(f),
            "tracking-prod-records.csv" => r.records(f),
            "user_show_special_status.csv" => r.special_status(f),
            "lists-prod-lists.csv" => r.lists(f),
            "rewatched_episode.csv" => r.seen(f, true),
            b if SEEN_FILES.contains(&b) => r.seen(f, false),
            "user.csv" => continue,
            _ => {
                left.push(f.name.clone());
                continue;
            }
        };
        read?;
        read_files.push(f.name.clone());
    }
    if read_files.is_empty() {
        return Err(Error::invalid(format!(
            "this export holds none of TV Time's files Watchlog reads (followed_tv_show.csv, tracking-prod-records-v2.csv, tracking-prod-records.csv, user_tv_show_data.csv, seen_episode.csv…){}; nothing was imported",
            if left.is_empty() {
                String::new()
            } else {
                format!(" — it holds {}", left.join(", "))
            }
        )));
    }
    r.finish(read_files, left)
}

/// When something happened, as TV Time wrote it.
#[derive(Debug, Clone, Copy, PartialEq)]
struct Stamp {
    /// The wall-clock time, in the account's zone unless `stated`.
    wall: Option<NaiveDateTime>,
    /// The instant, where the row also carries one.
    exact: Option<DateTime<Utc>>,
    /// The text gave its own zone (`+0000 UTC`): the wall clock is not the
    /// account's, so it says nothing of the viewer's day.
    stated: bool,
}

impl Stamp {
    /// One event told by two rows (an episode row and the show's "most
    /// recent episode", or the same episode in two tables): the earlier of
    /// each, so a wall clock one row lacks comes from the other.
    fn join(&self, other: &Stamp) -> Stamp {
        let (wall, stated) = match (self.wall, other.wall) {
            (Some(a), Some(b)) if b < a => (Some(b), other.stated),
            (Some(a), _) => (Some(a), self.stated),
            (None, b) => (b, other.stated),
        };
        let exact = match (self.exact, other.exact) {
            (Some(x), Some(y)) => Some(x.min(y)),
            (x, y) => x.or(y),
        };
        Stamp {
            wall,
            exact,
            stated,
        }
    }
}

/// How the account's wall-clock times become instants.
enum Zone {
    /// The zone `user.csv` names.
    Named(Tz),
    /// The offsets (seconds east of UTC) the export's own instants show
    /// beside their wall-clock times, by wall-clock time.
    Offsets(Vec<(NaiveDateTime, i64)>),
    /// Nothing says; wall-clock times are read as UTC.
    Unknown,
}

impl Zone {
    fn instant(&self, s: &Stamp) -> Option<DateTime<Utc>> {
        if s.exact.is_some() {
            return s.exact;
        }
        let wall = s.wall?;
        Some(match self {
            Zone::Named(tz) => match tz.from_local_datetime(&wall).earliest() {
                Some(t) => t.with_timezone(&Utc),
                // A time the clocks skipped: the hour after it.
                None => wall
                    .checked_add_signed(Duration::hours(1))
                    .and_then(|w| tz.from_local_datetime(&w).earliest())
                    .map_or_else(|| wall.and_utc(), |t| t.with_timezone(&Utc)),
            },
            Zone::Offsets(pairs) => {
                let i = pairs.partition_point(|(w, _)| *w < wall);
                let near = [i.checked_sub(1), Some(i)]
                    .into_iter()
                    .flatten()
                    .filter_map(|j| pairs.get(j))
                    .min_by_key(|(w, _)| (*w - wall).num_seconds().abs());
                let off = near.map_or(0, |(_, o)| *o);
                wall.checked_sub_signed(Duration::seconds(off))
                    .unwrap_or(wall)
                    .and_utc()
            }
            Zone::Unknown => wall.and_utc(),
        })
    }

    /// The viewer's calendar day, where the wall clock is the account's.
    fn day(&self, s: &Stamp) -> Option<NaiveDate> {
        match (self, s.wall) {
            (Zone::Unknown, _) | (_, None) => None,
            (_, Some(w)) if !s.stated => Some(w.date()),
            _ => None,
        }
    }
}

/// A show as the export's tables describe it.
#[derive(Default)]
struct Show {
    tvdb: Option<String>,
    name: Option<String>,
    followed: Option<Stamp>,
    archived: bool,
    stopped: bool,
    later: bool,
    favorite: bool,
    /// The names of the lists it is on.
    tags: Vec<String>,
    /// The export's own count of episodes seen.
    count: u32,
    /// (viewing, season, number) → when: viewing 0 is the first watch,
    /// N the N-th rewatch.
    watches: BTreeMap<(usize, u32, u32), Stamp>,
    /// (viewing, TVDB episode id) → when, for rows without numbers.
    by_id: BTreeMap<(usize, String), Stamp>,
}

/// The columns a table names an episode watch by.
struct EpisodeColumns {
    show_id: &'static str,
    show_name: &'static str,
    season: &'static [&'static str],
    number: &'static [&'static str],
    episode_id: &'static [&'static str],
}

const V2_EPISODES: EpisodeColumns = EpisodeColumns {
    show_id: "s_id",
    show_name: "series_name",
    season: &["season_number", "s_no"],
    number: &["episode_number", "ep_no"],
    episode_id: &["episode_id", "ep_id"],
};

const V1_EPISODES: EpisodeColumns = EpisodeColumns {
    show_id: "series_id",
    show_name: "series_name",
    season: &["season_number"],
    number: &["episode_number"],
    episode_id: &["episode_id"],
};

const SEEN_EPISODES: EpisodeColumns = EpisodeColumns {
    show_id: "tv_show_id",
    show_name: "tv_show_name",
    season: &["episode_season_number"],
    number: &["episode_number"],
    episode_id: &["episode_id"],
};

/// One watched episode as a row names it.
struct EpisodeRow {
    show: usize,
    season: Option<u32>,
    number: Option<u32>,
    episode_id: Option<String>,
    when: Stamp,
}

/// A film, from its `follow`, `towatch` and `watch` rows.
#[derive(Default)]
struct Film {
    name: String,
    year: Option<i32>,
    runtime_minutes: Option<u32>,
    followed: Option<Stamp>,
    watched: Option<Stamp>,
    rewatches: u32,
    tags: Vec<String>,
}

#[derive(Default)]
struct Reader {
    parsed: ParsedExport,
    shows: Vec<Show>,
    by_tvdb: HashMap<String, usize>,
    by_name: HashMap<String, Vec<usize>>,
    films: Vec<Film>,
    film_keys: HashMap<String, usize>,
    named_zone: Option<Tz>,
    /// (wall clock, offset) where a row gave both.
    pairs: Vec<(NaiveDateTime, i64)>,
    /// Watches known only by a TVDB episode id, with no show beside them:
    /// when each was watched, by episode id and rewatch number.
    unattached: BTreeMap<(String, u32), Option<Stamp>>,
    unattached_files: Vec<String>,
    /// Files left out for a stated reason.
    reasons: Vec<String>,
}

/// The folded name a show is found by.
fn name_key(name: &str) -> String {
    crate::text::fold(name.trim())
}

/// "Prehistoric Planet (2022)": TV Time's way of telling two shows of one
/// name apart; the year becomes the title's year.
fn split_year(name: &str) -> (String, Option<i32>) {
    let t = name.trim();
    if let Some(head) = t.strip_suffix(')') {
        if let Some((base, y)) = head.rsplit_once(" (") {
            if let Ok(y) = y.parse::<i32>() {
                if (1900..=2200).contains(&y) && !base.trim().is_empty() {
                    return (base.trim().to_string(), Some(y));
                }
            }
        }
    }
    (t.to_string(), None)
}

/// A whole number written as digits or as a float (`6.901475e+06`, a
/// Go `map[…]` dump's way), read exactly; `None` for anything that is not
/// a whole number.
pub fn parse_id(v: &str) -> Option<u64> {
    let v = v.trim();
    if !v.is_empty() && v.bytes().all(|b| b.is_ascii_digit()) {
        return v.parse().ok();
    }
    let (mantissa, exp) = match v.split_once(['e', 'E']) {
        Some((m, e)) => (m, e.trim_start_matches('+').parse::<i32>().ok()?),
        None => (v, 0),
    };
    let (int, frac) = mantissa.split_once('.').unwrap_or((mantissa, ""));
    if int.is_empty() && frac.is_empty()
        || !int.bytes().chain(frac.bytes()).all(|b| b.is_ascii_digit())
    {
        return None;
    }
    let digits = format!("{int}{frac}");
    let shift = exp - frac.len() as i32;
    let (digits, shift) = if shift >= 0 {
        (digits, shift as u32)
    } else {
        // A fraction is fine only where it is zeros.
        let cut = digits.len().checked_sub(shift.unsigned_abs() as usize)?;
        if digits[cut..].bytes().any(|b| b != b'0') {
            return None;
        }
        (digits[..cut].to_string(), 0)
    };
    let n: u128 = if digits.is_empty() {
        0
    } else {
        digits.parse().ok()?
    };
    let n = n.checked_mul(10u128.checked_pow(shift)?)?;
    u64::try_from(n).ok()
}

/// A Unix time in seconds, milliseconds or microseconds (TV Time writes
/// all three), as digits or a float.
fn unix(v: &str) -> Option<DateTime<Utc>> {
    let n = parse_id(v)? as i64;
    let (secs, micros) = if n >= 100_000_000_000_000 {
        (n / 1_000_000, n % 1_000_000)
    } else if n >= 100_000_000_000 {
        (n / 1_000, n % 1_000 * 1_000)
    } else {
        (n, 0)
    };
    // TV Time's own years: anything outside is not a time it wrote.
    let t = DateTime::from_timestamp(secs, (micros * 1_000) as u32)?;
    (2000..=2100)
        .contains(&t.date_naive().year_ce().1)
        .then_some(t)
}

/// The Unix time at the end of a key such as `watch-episode-1595765111`
/// or `follow-follow-date-1637723500`.
fn unix_in_key(key: Option<&str>) -> Option<DateTime<Utc>> {
    let tail = key?.rsplit('-').next()?;
    (tail.len() >= 9).then(|| unix(tail)).flatten()
}

/// A wall-clock time as TV Time writes it: `2020-07-26 07:21:34`, or Go's
/// `2017-05-02 21:24:51 +0000 UTC` with its own zone.
fn parse_time(v: &str) -> std::result::Result<(NaiveDateTime, Option<DateTime<Utc>>), String> {
    let v = v.trim();
    let parts: Vec<&str> = v.split_whitespace().collect();
    let bad = || {
        format!("'{v}' is not a time TV Time writes (like 2020-07-26 07:21:34 or 2017-05-02 21:24:51 +0000 UTC)")
    };
    let naive = |s: &str| {
        NaiveDateTime::parse_from_str(s, "%Y-%m-%d %H:%M:%S%.f")
            .or_else(|_| NaiveDateTime::parse_from_str(s, "%Y-%m-%dT%H:%M:%S%.f"))
            .or_else(|_| {
                NaiveDate::parse_from_str(s, "%Y-%m-%d")
                    .map(|d| d.and_hms_opt(0, 0, 0).unwrap_or_default())
            })
    };
    match parts.as_slice() {
        [d, t, off, ..] if off.starts_with(['+', '-']) => {
            let at = DateTime::parse_from_str(&format!("{d} {t} {off}"), "%Y-%m-%d %H:%M:%S%.f %z")
                .map_err(|_| bad())?;
            Ok((at.naive_local(), Some(at.with_timezone(&Utc))))
        }
        [d, t] => Ok((naive(&format!("{d} {t}")).map_err(|_| bad())?, None)),
        [one] => Ok((naive(one).map_err(|_| bad())?, None)),
        _ => Err(bad()),
    }
}

/// "true", "1"… as a flag; `None` for an empty cell.
fn flag(c: &Cells, column: &str) -> Result<Option<bool>> {
    match c.get(column) {
        None => Ok(None),
        Some(v) => match v.to_ascii_lowercase().as_str() {
            "1" | "true" | "t" | "yes" => Ok(Some(true)),
            "0" | "false" | "f" | "no" => Ok(Some(false)),
            _ => Err(c.bad(column, format!("'{v}' is neither true nor false"))),
        },
    }
}

/// An id column: digits or a float written for one.
fn id(c: &Cells, column: &str) -> Result<Option<String>> {
    c.get(column)
        .map(|v| {
            parse_id(v)
                .map(|n| n.to_string())
                .ok_or_else(|| c.bad(column, format!("'{v}' is not an id (a whole number)")))
        })
        .transpose()
}

/// A count or an episode or season number, from the first of `columns`
/// that has one.
fn number(c: &Cells, columns: &[&str]) -> Result<Option<u32>> {
    for col in columns {
        if let Some(v) = c.get(col) {
            return parse_id(v)
                .and_then(|n| u32::try_from(n).ok())
                .map(Some)
                .ok_or_else(|| c.bad(col, format!("'{v}' is not a whole number")));
        }
    }
    Ok(None)
}

/// A Go `map[k:v k:v]` dump as its pairs.
fn go_map(v: &str) -> HashMap<&str, &str> {
    v.trim()
        .strip_prefix("map[")
        .and_then(|m| m.strip_suffix(']'))
        .unwrap_or("")
        .split_whitespace()
        .filter_map(|kv| kv.split_once(':'))
        .collect()
}

/// A table of a TV Time file; a file without the columns Watchlog reads
/// is another version of the export, and refused by name.
fn table(f: &SourceFile, text: &str, required: &[&str]) -> Result<Table> {
    Table::read(&f.name, text, required).map_err(|e| {
        Error::invalid(format!(
            "{} — {} may come from a version of TV Time's export Watchlog does not know; nothing was imported",
            left_out(&e),
            f.name
        ))
    })
}

impl Reader {
    /// The account's zone from `user.csv`'s `timezone`. The file is
    /// otherwise the account's personal details, so one Watchlog cannot
    /// read costs only the zone.
    fn zone_from_user(&mut self, f: &SourceFile) {
        let text = f.text(&mut self.parsed.notes);
        let Ok(t) = Table::read(&f.name, &text, &["timezone"]) else {
            return;
        };
        let Some(z) = t
            .rows
            .first()
            .and_then(|row| t.row(row).get("timezone").map(str::to_string))
        else {
            return;
        };
        match z.parse::<Tz>() {
            Ok(tz) => self.named_zone = Some(tz),
            Err(_) => self.parsed.notes.push(format!(
                "{}: the zone '{z}' is not one Watchlog knows; times were converted as the export's own exact times show",
                f.name
            )),
        }
    }

    /// A stamp from a wall-clock column and an instant the row may carry.
    fn stamp(
        &mut self,
        c: &Cells,
        column: &str,
        exact: Option<DateTime<Utc>>,
    ) -> Result<Option<Stamp>> {
        let Some(v) = c.get(column) else {
            return Ok(exact.map(|e| Stamp {
                wall: None,
                exact: Some(e),
                stated: false,
            }));
        };
        let (wall, stated) = parse_time(v).map_err(|m| c.bad(column, m))?;
        // Go's zero time: no time at all.
        if wall.year() < 1900 {
            return Ok(None);
        }
        if wall.year() > 2100 {
            return Err(c.bad(
                column,
                format!("'{v}' is not a time TV Time could have written"),
            ));
        }
        if let (Some(e), None) = (exact, stated) {
            let off = (wall - e.naive_utc()).num_seconds();
            // Offsets are whole quarter hours; a second of difference
            // between two columns written apart is not one.
            let off = (off as f64 / 900.0).round() as i64 * 900;
            if off.abs() <= 14 * 3600 {
                self.pairs.push((wall, off));
            }
        }
        Ok(Some(Stamp {
            wall: Some(wall),
            exact: stated.or(exact),
            stated: stated.is_some(),
        }))
    }

    /// The show with this TVDB id or (without one) this name, made when new.
    fn show(&mut self, tvdb: Option<&str>, name: Option<&str>) -> usize {
        let name = name.map(str::trim).filter(|n| !n.is_empty());
        let found = match tvdb {
            Some(t) => self.by_tvdb.get(t).copied(),
            None => name.and_then(|n| match self.by_name.get(&name_key(n)) {
                Some(v) if v.len() == 1 => Some(v[0]),
                _ => None,
            }),
        };
        let i = match found {
            Some(i) => i,
            None => {
                self.shows.push(Show {
                    tvdb: tvdb.map(str::to_string),
                    ..Default::default()
                });
                let i = self.shows.len() - 1;
                if let Some(t) = tvdb {
                    self.by_tvdb.insert(t.to_string(), i);
                }
                i
            }
        };
        if let Some(n) = name {
            if self.shows[i].name.is_none() {
                self.shows[i].name = Some(n.to_string());
                let key = name_key(n);
                let list = self.by_name.entry(key).or_default();
                if !list.contains(&i) {
                    list.push(i);
                }
            }
        }
        i
    }

    /// Runs `each` on every row; a row it cannot read is left out with its
    /// line and reason.
    fn rows(
        &mut self,
        t: &Table,
        label: &[&str],
        mut each: impl FnMut(&mut Self, &Cells) -> Result<()>,
    ) {
        for row in &t.rows {
            let c = t.row(row);
            if let Err(e) = each(self, &c) {
                let what = c
                    .any(label)
                    .map_or_else(|| format!("{}, line {}", t.file, c.line()), str::to_string);
                self.parsed
                    .skip(what, format!("this line was left out: {}", left_out(&e)));
            }
        }
    }

    fn followed(&mut self, f: &SourceFile) -> Result<()> {
        let text = f.text(&mut self.parsed.notes);
        let t = table(f, &text, &["tv_show_id"])?;
        self.rows(&t, &["tv_show_name"], |r, c| {
            let tvdb = id(c, "tv_show_id")?
                .ok_or_else(|| c.bad("tv_show_id", "a followed show without its TVDB id"))?;
            let exact = unix_in_key(c.get("follow_date_range_key"));
            let followed = r.stamp(c, "created_at", exact)?;
            let archived = flag(c, "archived")?.unwrap_or(false);
            let active = flag(c, "active")?.unwrap_or(true);
            let i = r.show(Some(&tvdb), c.get("tv_show_name"));
            let s = &mut r.shows[i];
            s.followed = s.followed.or(followed);
            s.archived |= archived;
            s.stopped |= !active;
            Ok(())
        });
        Ok(())
    }

    fn user_shows(&mut self, f: &SourceFile) -> Result<()> {
        let text = f.text(&mut self.parsed.notes);
        let t = table(f, &text, &["tv_show_id"])?;
        self.rows(&t, &["tv_show_name", "tv_show_id"], |r, c| {
            let tvdb = id(c, "tv_show_id")?
                .ok_or_else(|| c.bad("tv_show_id", "a show without its TVDB id"))?;
            let followed = flag(c, "is_followed")?;
            let archived = flag(c, "is_archived")?.unwrap_or(false);
            let favorite = flag(c, "is_favorited")?.unwrap_or(false);
            let count = number(c, &["nb_episodes_seen"])?.unwrap_or(0);
            let i = r.show(Some(&tvdb), c.get("tv_show_name"));
            let s = &mut r.shows[i];
            s.stopped |= followed == Some(false);
            s.archived |= archived;
            s.favorite |= favorite;
            s.count = s.count.max(count);
            Ok(())
        });
        Ok(())
    }

    /// `lists-prod-lists.csv`: each list's `name` becomes a tag of its
    /// titles, named in `objects` (a Go dump `[map[id:… type:series
    /// uuid:…] …]`, or JSON in some versions): a series by its TVDB id
    /// (`id`), a film by its uuid. A film the rest of the export never
    /// names cannot be imported; they are counted in a note.
    fn lists(&mut self, f: &SourceFile) -> Result<()> {
        let text = f.text(&mut self.parsed.notes);
        let t = table(f, &text, &["name", "objects"])?;
        let mut unnamed = 0usize;
        self.rows(&t, &["name"], |r, c| {
            let Some(name) = c.get("name") else {
                return Err(c.bad("name", "a list without a name"));
            };
            let tag: String = name.chars().take(MAX_TAG_CHARS).collect();
            for item in list_items(c.get("objects").unwrap_or("")) {
                let id = item
                    .get("id")
                    .and_then(|v| parse_id(v))
                    .map(|n| n.to_string());
                let uuid = item.get("uuid").cloned();
                match (item.get("type").map(String::as_str), id, uuid) {
                    (Some("series" | "show"), Some(tvdb), _) => {
                        let i = r.show(Some(&tvdb), None);
                        push_tag(&mut r.shows[i].tags, &tag);
                    }
                    (Some("movie"), _, Some(uuid)) => match r.film_keys.get(&uuid) {
                        Some(&i) => push_tag(&mut r.films[i].tags, &tag),
                        None => unnamed += 1,
                    },
                    _ => unnamed += 1,
                }
            }
            Ok(())
        });
        if unnamed > 0 {
            self.parsed.notes.push(format!(
                "{}: {unnamed} listed titles are named only by TV Time's own ids, which the rest of the export does not name; they were not imported",
                f.name
            ));
        }
        Ok(())
    }

    fn special_status(&mut self, f: &SourceFile) -> Result<()> {
        let text = f.text(&mut self.parsed.notes);
        let t = table(f, &text, &["status"])?;
        if !t.has("tv_show_id") && !t.has("tv_show_name") {
            return Err(Error::invalid(format!(
                "{}, line 1: the header names neither 'tv_show_id' nor 'tv_show_name' — it may come from a version of TV Time's export Watchlog does not know; nothing was imported",
                f.name
            )));
        }
        self.rows(&t, &["tv_show_name"], |r, c| {
            let tvdb = id(c, "tv_show_id")?;
            let Some(status) = c.get("status").map(str::to_ascii_lowercase) else {
                return Ok(());
            };
            if tvdb.is_none() && c.get("tv_show_name").is_none() {
                return Err(c.bad("tv_show_name", "a show without its name or TVDB id"));
            }
            let i = r.show(tvdb.as_deref(), c.get("tv_show_name"));
            match status.as_str() {
                "for_later" => r.shows[i].later = true,
                "favorite" | "favourite" => r.shows[i].favorite = true,
                _ => {}
            }
            Ok(())
        });
        Ok(())
    }

    /// A row naming a watched episode under `cols`: its show (made when
    /// new), season and number, TVDB episode id and time.
    fn episode_row(
        &mut self,
        c: &Cells,
        cols: &EpisodeColumns,
        exact: Option<DateTime<Utc>>,
    ) -> Result<EpisodeRow> {
        let tvdb = id(c, cols.show_id)?;
        let name = c.get(cols.show_name);
        if tvdb.is_none() && name.is_none() {
            return Err(c.bad(cols.show_id, "a watched episode without its show"));
        }
        let Some(when) = self.stamp(c, "created_at", exact)? else {
            return Err(c.bad("created_at", "a watched episode without its time"));
        };
        let mut episode_id = None;
        for col in cols.episode_id {
            episode_id = episode_id.or(id(c, col)?);
        }
        Ok(EpisodeRow {
            show: self.show(tvdb.as_deref(), name),
            season: number(c, cols.season)?,
            number: number(c, cols.number)?,
            episode_id,
            when,
        })
    }

    /// Records a watched episode in `viewing`: by numbers where the row
    /// gives them, else by its TVDB episode id. The same episode twice in
    /// one viewing is one watch, at the earlier time (see [`Stamp::join`]).
    fn watch(&mut self, c: &Cells, viewing: usize, row: &EpisodeRow) -> Result<()> {
        let s = &mut self.shows[row.show];
        let when = row.when;
        match (row.season, row.number) {
            (Some(_), Some(0)) => Err(c.bad(
                "episode_number",
                "episode 0 is not an episode: episodes are numbered from 1",
            )),
            (Some(se), Some(n)) => {
                let slot = s.watches.entry((viewing, se, n)).or_insert(when);
                *slot = slot.join(&when);
                Ok(())
            }
            _ => match &row.episode_id {
                Some(e) => {
                    let slot = s.by_id.entry((viewing, e.clone())).or_insert(when);
                    *slot = slot.join(&when);
                    Ok(())
                }
                None => Err(c.bad(
                    "episode_number",
                    "a watched episode without its season and number or its id",
                )),
            },
        }
    }

    fn records_v2(&mut self, f: &SourceFile) -> Result<()> {
        let text = f.text(&mut self.parsed.notes);
        let t = table(f, &text, &["key", "created_at"])?;
        self.rows(&t, &["series_name"], |r, c| {
            let Some(key) = c.get("key") else {
                return Ok(());
            };
            let tvdb = id(c, "s_id")?;
            let name = c.get("series_name");
            if key.starts_with("user-series-") {
                let exact = c.get("followed_at").and_then(unix);
                let followed = r.stamp(c, "created_at", exact)?;
                let i = r.show(tvdb.as_deref(), name);
                let s = &mut r.shows[i];
                s.followed = s.followed.or(followed);
                s.archived |= flag(c, "is_archived")?.unwrap_or(false);
                s.stopped |= flag(c, "is_followed")? == Some(false);
                s.later |= flag(c, "is_for_later")?.unwrap_or(false);
                s.count = s.count.max(number(c, &["ep_watch_count"])?.unwrap_or(0));
                // The most recent episode, as a Go map: its exact time, and
                // a watch the episode rows may lack.
                if let Some(m) = c.get("most_recent_ep_watched") {
                    let m = go_map(m);
                    let num = |k: &str| m.get(k).and_then(|v| parse_id(v)).map(|n| n as u32);
                    if let (Some(se), Some(n), Some(at)) = (
                        num("s_no"),
                        num("ep_no"),
                        m.get("watch_date").and_then(|v| unix(v)),
                    ) {
                        if n > 0 {
                            let at = Stamp {
                                wall: None,
                                exact: Some(at),
                                stated: false,
                            };
                            let slot = r.shows[i].watches.entry((0, se, n)).or_insert(at);
                            *slot = slot.join(&at);
                        }
                    }
                }
                return Ok(());
            }
            let viewing = if key.starts_with("watch-episode-") {
                0
            } else if let Some(rest) = key.strip_prefix("rewatch-episode-") {
                rest.rsplit('-')
                    .next()
                    .and_then(|n| n.parse::<usize>().ok())
                    .filter(|n| *n >= 1 && *n <= 1000)
                    .ok_or_else(|| {
                        c.bad("key", format!("'{key}' does not end in a rewatch number"))
                    })?
            } else {
                // tracking-stats and other roll-ups.
                return Ok(());
            };
            let row = r.episode_row(c, &V2_EPISODES, unix_in_key(c.get("gsi")))?;
            r.watch(c, viewing, &row)
        });
        Ok(())
    }

    fn records(&mut self, f: &SourceFile) -> Result<()> {
        let text = f.text(&mut self.parsed.notes);
        let t = table(f, &text, &["type", "created_at"])?;
        self.rows(&t, &["movie_name", "series_name"], |r, c| {
            let ty = c.get("type").unwrap_or("").to_ascii_lowercase();
            let entity = c.get("entity_type").unwrap_or("").to_ascii_lowercase();
            let exact = unix_in_key(c.get("watch_date_range_key"))
                .or_else(|| c.get("watch_date").and_then(unix));
            if entity == "movie" || (entity.is_empty() && c.get("movie_name").is_some()) {
                let Some(name) = c.get("movie_name") else {
                    return Err(c.bad("movie_name", "a film without its name"));
                };
                let (name, year_in_name) = split_year(name);
                let key = c
                    .get("uuid")
                    .map_or_else(|| format!("name:{}", name_key(&name)), str::to_string);
                let year = release_year(c)?.or(year_in_name);
                let runtime = number(c, &["runtime"])?
                    .filter(|s| *s > 0)
                    .map(|s| (s + 30) / 60);
                let rewatches = number(c, &["rewatch_count"])?.unwrap_or(0).min(100);
                let stamp = match ty.as_str() {
                    "watch" | "rewatch" => r.stamp(c, "created_at", exact)?,
                    _ => r.stamp(c, "created_at", unix_in_key(c.get("follow_date_range_key")))?,
                };
                let i = match r.film_keys.get(&key) {
                    Some(&i) => i,
                    None => {
                        r.films.push(Film {
                            name,
                            ..Default::default()
                        });
                        r.film_keys.insert(key, r.films.len() - 1);
                        r.films.len() - 1
                    }
                };
                let film = &mut r.films[i];
                film.year = film.year.or(year);
                film.runtime_minutes = film.runtime_minutes.or(runtime);
                film.rewatches = film.rewatches.max(rewatches);
                match ty.as_str() {
                    "watch" => film.watched = earlier(film.watched, stamp),
                    "rewatch" => film.rewatches += 1,
                    _ => film.followed = earlier(film.followed, stamp),
                }
                return Ok(());
            }
            if entity == "episode" && ty == "watch" {
                let row = r.episode_row(c, &V1_EPISODES, exact)?;
                return r.watch(c, 0, &row);
            }
            // Counts, the last episode watched, runtimes: roll-ups of the
            // rows above.
            Ok(())
        });
        Ok(())
    }

    /// `seen_episode*.csv`, `watched_on_episode.csv` and
    /// `rewatched_episode.csv` (each of its rows `cpt` rewatches).
    fn seen(&mut self, f: &SourceFile, rewatched: bool) -> Result<()> {
        let text = f.text(&mut self.parsed.notes);
        let t = table(f, &text, &["created_at"])?;
        let named = (t.has("tv_show_name") || t.has("tv_show_id"))
            && t.has("episode_season_number")
            && t.has("episode_number");
        if !named && !t.has("episode_id") {
            return Err(Error::invalid(format!(
                "{}, line 1: the header names neither the show and episode numbers (tv_show_name, episode_season_number, episode_number) nor 'episode_id' — it may come from a version of TV Time's export Watchlog does not know; nothing was imported",
                f.name
            )));
        }
        if !named {
            // TVDB episode ids alone: kept as they are until a catalogue
            // tells which show each belongs to.
            self.rows(&t, &["episode_id"], |r, c| {
                let episode = id(c, "episode_id")?
                    .ok_or_else(|| c.bad("episode_id", "a watched episode without its id"))?;
                let when = r.stamp(c, "created_at", None)?;
                let times = if rewatched {
                    number(c, &["cpt"])?.unwrap_or(1).clamp(1, 100)
                } else {
                    1
                };
                for k in 0..times {
                    let rewatch = if rewatched { k + 1 } else { 0 };
                    // Told twice: the earlier time.
                    let slot = r
                        .unattached
                        .entry((episode.clone(), rewatch))
                        .or_insert(when);
                    *slot = match (*slot, when) {
                        (Some(a), Some(b)) => Some(a.join(&b)),
                        (a, b) => a.or(b),
                    };
                }
                Ok(())
            });
            self.unattached_files.push(f.name.clone());
            return Ok(());
        }
        self.rows(&t, &["tv_show_name"], |r, c| {
            let row = r.episode_row(c, &SEEN_EPISODES, None)?;
            let times = if rewatched {
                number(c, &["cpt"])?.unwrap_or(1).clamp(1, 100) as usize
            } else {
                1
            };
            for k in 0..times {
                let viewing = if rewatched { k + 1 } else { 0 };
                r.watch(c, viewing, &row)?;
            }
            Ok(())
        });
        Ok(())
    }

    fn finish(mut self, read: Vec<String>, left: Vec<String>) -> Result<ParsedExport> {
        let zone = match self.named_zone {
            Some(tz) => Zone::Named(tz),
            None if !self.pairs.is_empty() => {
                self.pairs.sort();
                Zone::Offsets(std::mem::take(&mut self.pairs))
            }
            None => Zone::Unknown,
        };
        let has_local_walls = self
            .shows
            .iter()
            .flat_map(|s| s.watches.values().chain(s.by_id.values()))
            .chain(self.films.iter().flat_map(|f| f.watched.iter()))
            .any(|s| s.wall.is_some() && !s.stated && s.exact.is_none());
        match &zone {
            Zone::Named(tz) => self.parsed.notes.push(format!(
                "TV Time writes times in the account's zone; they were read in {tz}, the zone user.csv names"
            )),
            Zone::Offsets(p) if has_local_walls => {
                let mut offs: Vec<i64> = p.iter().map(|(_, o)| *o).collect();
                offs.sort_unstable();
                offs.dedup();
                self.parsed.notes.push(format!(
                    "TV Time writes times in the account's zone without saying which; they were converted from {}, the offset the export's own exact times show",
                    offs.iter().map(|o| utc_offset(*o)).collect::<Vec<_>>().join(" and ")
                ));
            }
            Zone::Unknown if has_local_walls => self.parsed.notes.push(
                "TV Time writes times in the account's zone and this export does not say which; they were read as UTC".into(),
            ),
            _ => {}
        }
        let mut placeholders = 0usize;
        let mut entries = Vec::new();
        for s in std::mem::take(&mut self.shows) {
            let (entry, placeholder) = show_entry(s, &zone);
            placeholders += usize::from(placeholder);
            entries.push(entry);
        }
        for f in std::mem::take(&mut self.films) {
            entries.push(film_entry(f, &zone));
        }
        let notes = &mut self.parsed.notes;
        if placeholders > 0 {
            notes.push(format!(
                "{placeholders} shows are known only by their TVDB ids (this export does not name them); they are named \"TVDB <id>\" until a catalogue match gives them their names"
            ));
        }
        if !self.unattached.is_empty() {
            let rewatches = self.unattached.keys().filter(|(_, r)| *r > 0).count();
            notes.push(format!(
                "{} watched episodes and {} rewatches ({}) name only TVDB episode ids, which do not say which show they belong to; they are kept, and matching places each under its show once TMDB tells which show it is (a TMDB key is needed)",
                self.unattached.len() - rewatches,
                rewatches,
                self.unattached_files.join(", ")
            ));
        }
        let loose = std::mem::take(&mut self.unattached)
            .into_iter()
            .map(|((id, rewatch), stamp)| {
                let at = stamp.as_ref().and_then(|st| zone.instant(st));
                let day = stamp.as_ref().and_then(|st| zone.day(st));
                LooseWatch {
                    provider: "tvdb".into(),
                    id,
                    rewatch,
                    when: match at {
                        Some(t) => WatchedWhen::At(t),
                        None => day.map_or(WatchedWhen::Unknown, WatchedWhen::On),
                    },
                    day,
                }
            })
            .collect();
        self.parsed.incoming.loose = loose;
        for name in &left {
            let base = name.rsplit('/').next().unwrap_or(name).to_ascii_lowercase();
            let why = if base.contains("vote") {
                "episode and film votes and reactions: Watchlog keeps one rating per title"
            } else if base.contains("comment") {
                "comments: Watchlog keeps one review per title"
            } else if base.contains("list") {
                "lists"
            } else {
                "nothing about what was watched"
            };
            self.reasons.push(format!("{name} ({why})"));
        }
        notes.push(format!("Read {}", read.join(", ")));
        if !self.reasons.is_empty() {
            notes.push(format!("Left out {}", self.reasons.join("; ")));
        }
        self.parsed.incoming.entries = entries;
        Ok(self.parsed)
    }
}

fn push_tag(tags: &mut Vec<String>, tag: &str) {
    if !tags.iter().any(|t| t.eq_ignore_ascii_case(tag)) {
        tags.push(tag.to_string());
    }
}

/// A list's items: Go's `[map[k:v …] map[…]]`, or a JSON array of objects.
fn list_items(v: &str) -> Vec<HashMap<String, String>> {
    let v = v.trim();
    if let Ok(serde_json::Value::Array(items)) = serde_json::from_str::<serde_json::Value>(v) {
        return items
            .iter()
            .filter_map(|i| i.as_object())
            .map(|o| {
                o.iter()
                    .filter_map(|(k, v)| {
                        let v = match v {
                            serde_json::Value::String(s) => s.clone(),
                            serde_json::Value::Number(n) => n.to_string(),
                            _ => return None,
                        };
                        Some((k.clone(), v))
                    })
                    .collect()
            })
            .collect();
    }
    v.split("map[")
        .skip(1)
        .map(|chunk| {
            go_map(&format!("map[{}]", chunk.trim().trim_end_matches(']')))
                .into_iter()
                .map(|(k, v)| (k.to_string(), v.to_string()))
                .collect()
        })
        .collect()
}

fn utc_offset(secs: i64) -> String {
    let sign = if secs < 0 { '−' } else { '+' };
    let a = secs.abs();
    format!("UTC{sign}{:02}:{:02}", a / 3600, a % 3600 / 60)
}

/// The earlier of two stamps (an exact one against a wall clock compares
/// as written: both are minutes apart at most for one event).
fn earlier(a: Option<Stamp>, b: Option<Stamp>) -> Option<Stamp> {
    match (a, b) {
        (Some(x), Some(y)) => {
            let t = |s: &Stamp| s.exact.map(|e| e.naive_utc()).or(s.wall);
            Some(if t(&y) < t(&x) { y } else { x })
        }
        (x, y) => x.or(y),
    }
}

/// A film's year: from the release date key (`watch-release-date-2017-08-18`,
/// the date as released), else the release date, which TV Time writes as
/// the account's wall clock at that day's midnight UTC (21:00 the evening
/// before, three hours west).
fn release_year(c: &Cells) -> Result<Option<i32>> {
    if let Some(k) = c.get("release_date_range_key") {
        let tail: String = k
            .chars()
            .rev()
            .take(10)
            .collect::<String>()
            .chars()
            .rev()
            .collect();
        if let Ok(d) = NaiveDate::parse_from_str(&tail, "%Y-%m-%d") {
            return Ok(Some(d.year()).filter(|y| (1870..=2200).contains(y)));
        }
    }
    let Some(v) = c.get("release_date") else {
        return Ok(None);
    };
    let (wall, exact) = parse_time(v).map_err(|m| c.bad("release_date", m))?;
    // Go's zero time (year 0 or 1) means no date; a wall clock up to 14
    // hours west of midnight is still that day.
    let date = exact
        .map_or_else(
            || wall.checked_add_signed(Duration::hours(14)).unwrap_or(wall),
            |e| e.naive_utc(),
        )
        .date();
    Ok(Some(date.year()).filter(|y| (1870..=2200).contains(y)))
}

fn show_entry(s: Show, zone: &Zone) -> (IncomingEntry, bool) {
    let placeholder = s.name.is_none();
    let (name, year) = match &s.name {
        Some(n) => split_year(n),
        None => (format!("TVDB {}", s.tvdb.as_deref().unwrap_or("?")), None),
    };
    let mut episodes = Vec::new();
    let mut rewatches: BTreeMap<usize, Vec<NaiveDate>> = BTreeMap::new();
    let mut rewatch_count: BTreeMap<usize, u32> = BTreeMap::new();
    let mut first_days = Vec::new();
    let mut current = 0u32;
    let mut latest: Option<DateTime<Utc>> = None;
    let watch = |ep: IncomingEpisode, stamp: &Stamp, viewing: usize| {
        let at = zone.instant(stamp);
        let day = zone.day(stamp);
        let when = match at {
            Some(t) => WatchedWhen::At(t),
            None => day.map_or(WatchedWhen::Unknown, WatchedWhen::On),
        };
        (
            IncomingWatch {
                episode: ep,
                when,
                day,
                viewing: (viewing > 0).then(|| viewing - 1),
                rating: None,
                note: None,
            },
            at,
            day.or(at.map(|t| t.date_naive())),
        )
    };
    let all = s
        .watches
        .iter()
        .map(|(&(v, se, n), st)| {
            (
                v,
                se > 0,
                IncomingEpisode::Numbered(EpisodeRef {
                    season: se,
                    number: n,
                }),
                st,
            )
        })
        .chain(s.by_id.iter().map(|((v, id), st)| {
            (
                *v,
                false,
                IncomingEpisode::Catalog {
                    provider: "tvdb".into(),
                    id: id.clone(),
                },
                st,
            )
        }));
    for (v, counts, ep, st) in all {
        let (w, at, day) = watch(ep, st, v);
        latest = latest.max(at);
        if v == 0 {
            current += u32::from(counts);
            first_days.extend(day);
        } else {
            rewatches.entry(v).or_default().extend(day);
            *rewatch_count.entry(v).or_default() += u32::from(counts);
        }
        episodes.push(w);
    }
    // Rewatch N is viewings[N-1]; one the file skips still takes its place.
    let last = rewatch_count.keys().max().copied().unwrap_or(0);
    let viewings: Vec<ViewingDetails> = (1..=last)
        .map(|v| ViewingDetails {
            started_on: rewatches.get(&v).and_then(|d| d.iter().min().copied()),
            finished_on: None,
            progress: rewatch_count.get(&v).copied().unwrap_or(0),
            platform: None,
        })
        .collect();
    let progress = current.max(s.count);
    let watched = progress > 0 || !episodes.is_empty();
    let status = if s.archived || s.stopped {
        Status::Dropped
    } else if s.later {
        if watched {
            Status::OnHold
        } else {
            Status::PlanToWatch
        }
    } else if watched {
        Status::Watching
    } else {
        Status::PlanToWatch
    };
    let added = s.followed.as_ref().and_then(|f| zone.instant(f));
    let entry = IncomingEntry {
        id: None,
        title: TitleFacts {
            kind: Kind::Series,
            name,
            year,
            external_ids: ExternalIds {
                tvdb: s.tvdb.clone(),
                ..Default::default()
            },
            ..Default::default()
        },
        fields: EntryFields {
            status,
            progress,
            started_on: first_days.iter().min().copied(),
            favorite: s.favorite,
            tags: s.tags,
            ..Default::default()
        },
        viewings,
        added_at: added,
        updated_at: latest.max(added),
        episodes: (!episodes.is_empty()).then_some(episodes),
    };
    (entry, placeholder)
}

fn film_entry(f: Film, zone: &Zone) -> IncomingEntry {
    let watched_at = f.watched.as_ref().and_then(|w| zone.instant(w));
    let watched_on = f
        .watched
        .as_ref()
        .and_then(|w| zone.day(w).or(zone.instant(w).map(|t| t.date_naive())));
    let added = f
        .followed
        .as_ref()
        .and_then(|w| zone.instant(w))
        .or(watched_at);
    let seen = f.watched.is_some();
    IncomingEntry {
        id: None,
        title: TitleFacts {
            kind: Kind::Film,
            name: f.name,
            year: f.year,
            episodes: Some(1),
            runtime_minutes: f.runtime_minutes,
            ..Default::default()
        },
        fields: EntryFields {
            status: if seen {
                Status::Completed
            } else {
                Status::PlanToWatch
            },
            progress: u32::from(seen),
            finished_on: watched_on,
            tags: f.tags,
            ..Default::default()
        },
        viewings: (0..f.rewatches)
            .map(|_| ViewingDetails {
                progress: 1,
                ..Default::default()
            })
            .collect(),
        added_at: added,
        updated_at: watched_at.max(added),
        episodes: None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ids_written_as_floats_are_read_exactly() {
        assert_eq!(parse_id("6.901475e+06"), Some(6_901_475));
        assert_eq!(parse_id("7.810609e+06"), Some(7_810_609));
        assert_eq!(
            parse_id("1.657274697426847e+15"),
            Some(1_657_274_697_426_847)
        );
        assert_eq!(parse_id("497841"), Some(497_841));
        assert_eq!(parse_id("3.0"), Some(3));
        assert_eq!(parse_id("1.5"), None);
        assert_eq!(parse_id("6.9014755e+06"), None);
        assert_eq!(parse_id("abc"), None);
        assert_eq!(parse_id(""), None);
        assert_eq!(parse_id("-3"), None);
        assert_eq!(parse_id("1e400"), None);
    }

    #[test]
    fn times_in_both_forms_and_unix_times_in_any_unit() {
        let (w, e) = parse_time("2017-05-02 21:24:51 +0000 UTC").unwrap();
        assert_eq!(w.to_string(), "2017-05-02 21:24:51");
        assert_eq!(e.unwrap().to_rfc3339(), "2017-05-02T21:24:51+00:00");
        let (w, e) = parse_time("2020-07-26 07:21:34").unwrap();
        assert_eq!((w.to_string(), e), ("2020-07-26 07:21:34".into(), None));
        assert!(parse_time("26/07/2020 07:21").is_err());
        let t = "2020-07-26T12:05:11+00:00";
        assert_eq!(unix("1595765111").unwrap().to_rfc3339(), t);
        assert_eq!(unix("1.595765111e+15").unwrap().to_rfc3339(), t);
        assert_eq!(unix("1595765111000").unwrap().to_rfc3339(), t);
        assert_eq!(
            unix_in_key(Some("watch-episode-1595765111"))
                .unwrap()
                .to_rfc3339(),
            t
        );
        assert_eq!(unix_in_key(Some("towatch-follow-date-2020-08-09")), None);
    }

    #[test]
    fn go_maps_and_year_suffixes() {
        let m =
            go_map("map[ep_id:6.901475e+06 ep_no:1 first_air_date:2019-07-04T00:00:00Z s_no:2]");
        assert_eq!(m["ep_id"], "6.901475e+06");
        assert_eq!(m["first_air_date"], "2019-07-04T00:00:00Z");
        assert_eq!(
            split_year("Prehistoric Planet (2022)"),
            ("Prehistoric Planet".into(), Some(2022))
        );
        assert_eq!(split_year("Euphoria (US)"), ("Euphoria (US)".into(), None));
    }

    #[test]
    fn wall_clocks_follow_the_nearest_offset_the_export_shows() {
        let w = |s: &str| NaiveDateTime::parse_from_str(s, "%Y-%m-%d %H:%M:%S").unwrap();
        // Summer (UTC+2) and winter (UTC+1), as a European account's would be.
        let zone = Zone::Offsets(vec![
            (w("2021-01-10 10:00:00"), 3600),
            (w("2021-07-10 10:00:00"), 7200),
        ]);
        let at = |s: &str| {
            let st = Stamp {
                wall: Some(w(s)),
                exact: None,
                stated: false,
            };
            zone.instant(&st).unwrap().to_rfc3339()
        };
        assert_eq!(at("2021-02-01 20:00:00"), "2021-02-01T19:00:00+00:00");
        assert_eq!(at("2021-08-01 20:00:00"), "2021-08-01T18:00:00+00:00");
    }
}
