//! Episodes as the viewer records them (which were watched, when) and as
//! the "what to watch next" screens show them: Up next and the calendar.

use std::fmt;
use std::str::FromStr;

use chrono::{DateTime, NaiveDate, NaiveDateTime, Utc};
use serde::{Deserialize, Serialize};

#[cfg(feature = "ts")]
use ts_rs::TS;

use super::Status;
use crate::clock::Clock;
use crate::error::{Error, Result};
use crate::rating::Rating;

/// The next episode of a show being watched, as its library card shows
/// it: the first listed episode after the last one watched, and when it
/// airs (its instant, else its day; neither when the list has no date).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ts", derive(TS))]
pub struct NextEpisode {
    pub season: u32,
    pub number: u32,
    #[cfg_attr(feature = "ts", ts(type = "string | null"))]
    pub airstamp: Option<DateTime<Utc>>,
    pub airdate: Option<NaiveDate>,
}

/// An episode named by season and number, written `S1E4` (also `s01e04`
/// and `1x04`). Season 0 holds the specials; episode numbers start at 1.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "ts", derive(TS))]
pub struct EpisodeRef {
    pub season: u32,
    pub number: u32,
}

impl EpisodeRef {
    pub fn new(season: u32, number: u32) -> Result<EpisodeRef> {
        if number == 0 {
            return Err(Error::invalid(format!(
                "S{season}E0 is not an episode: episodes are numbered from 1"
            )));
        }
        Ok(EpisodeRef { season, number })
    }

    /// Specials never count towards progress.
    pub fn is_special(self) -> bool {
        self.season == 0
    }
}

impl fmt::Display for EpisodeRef {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "S{}E{}", self.season, self.number)
    }
}

impl FromStr for EpisodeRef {
    type Err = Error;

    fn from_str(s: &str) -> Result<EpisodeRef> {
        let t = s.trim().to_ascii_lowercase();
        let parts = t
            .strip_prefix('s')
            .and_then(|rest| rest.split_once('e'))
            .or_else(|| t.split_once('x'));
        let bad = || {
            Error::invalid(format!(
                "'{s}' is not an episode; write it as S1E4 (season 1, episode 4)"
            ))
        };
        let (season, number) = parts.ok_or_else(bad)?;
        let season: u32 = season.parse().map_err(|_| bad())?;
        let number: u32 = number.parse().map_err(|_| bad())?;
        EpisodeRef::new(season, number)
    }
}

/// When an episode was watched, as precisely as the viewer says.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum WatchedWhen {
    /// Watched, the day not known (a count carried over, a past binge).
    #[default]
    Unknown,
    /// On the viewer's calendar day.
    On(NaiveDate),
    /// At an instant (now, or a time an import knows).
    At(DateTime<Utc>),
}

impl WatchedWhen {
    /// The moment as stored: the instant when there is one, else the day.
    pub fn from_stored(at: Option<DateTime<Utc>>, on: Option<NaiveDate>) -> Self {
        match (at, on) {
            (Some(t), _) => WatchedWhen::At(t),
            (None, Some(d)) => WatchedWhen::On(d),
            (None, None) => WatchedWhen::Unknown,
        }
    }

    /// The day and the instant to keep for this moment, [`Self::from_stored`]'s
    /// inverse: a moment on a day is that day; otherwise `day`, the viewer's
    /// day where it is known, goes beside the instant (if any).
    pub fn to_stored(&self, day: Option<NaiveDate>) -> (Option<NaiveDate>, Option<DateTime<Utc>>) {
        match *self {
            WatchedWhen::Unknown => (day, None),
            WatchedWhen::On(d) => (Some(d), None),
            WatchedWhen::At(t) => (day, Some(t)),
        }
    }

    /// A watch moment as people type it: `YYYY-MM-DD` (that day) or
    /// `YYYY-MM-DD HH:MM` (a local time in the clock's zone; one the
    /// clocks skipped is refused).
    pub fn parse(text: &str, clock: &Clock) -> Result<WatchedWhen> {
        let t = text.trim();
        if let Ok(at) = NaiveDateTime::parse_from_str(t, "%Y-%m-%d %H:%M") {
            return clock.local(at).map(WatchedWhen::At);
        }
        NaiveDate::parse_from_str(t, "%Y-%m-%d")
            .map(WatchedWhen::On)
            .map_err(|_| {
                Error::invalid(format!(
                    "'{t}' is not a day or a time; write YYYY-MM-DD or YYYY-MM-DD HH:MM (your local time)"
                ))
            })
    }
}

/// One episode of an entry: the catalogue's facts and the viewer's record.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "ts", derive(TS))]
pub struct EpisodeProgress {
    pub season: u32,
    pub number: u32,
    pub name: Option<String>,
    /// The day it aired where it aired.
    pub airdate: Option<NaiveDate>,
    /// The instant it aired, when the time is known.
    #[cfg_attr(feature = "ts", ts(type = "string | null"))]
    pub airstamp: Option<DateTime<Utc>>,
    pub runtime_minutes: Option<u32>,
    /// Watched in the viewing asked for (the current one unless an earlier
    /// one is named).
    pub watched: bool,
    /// Each known day it was watched, in any viewing, oldest first.
    pub watched_on: Vec<NaiveDate>,
    /// The viewer's rating of this episode (in that viewing).
    pub rating: Option<Rating>,
    pub note: Option<String>,
    /// False for an episode the viewer watched that the catalogue no longer
    /// lists (renumbered or dropped): kept, and shown so.
    pub listed: bool,
    /// The instant it was watched in that viewing, when marked at
    /// one ("now") rather than on a day.
    #[cfg_attr(feature = "ts", ts(type = "string | null"))]
    pub watched_at: Option<DateTime<Utc>>,
}

word_enum!(
    /// Where a show stands on Up next.
    UpNextSection, "Up next section" {
        /// The next episode aired before the viewer last watched: a backlog.
        ContinueWatching = "continue_watching",
        /// The viewer had caught up, and episodes aired since.
        NewEpisodes = "new_episodes",
        /// The next episode has not aired yet.
        NotAired = "not_aired",
        /// A planned show whose first episode airs within 30 days.
        StartingSoon = "starting_soon",
        /// Every listed episode watched, and the show goes on.
        WaitingForSeason = "waiting",
    }
);

/// One show on Up next with the episode to watch (or wait for).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "ts", derive(TS))]
pub struct UpNextRow {
    pub entry_id: i64,
    pub title: String,
    pub original_title: Option<String>,
    pub section: UpNextSection,
    pub status: Status,
    /// The episode; `None` only when waiting for a season not yet listed.
    pub season: Option<u32>,
    pub number: Option<u32>,
    pub episode_name: Option<String>,
    #[cfg_attr(feature = "ts", ts(type = "string | null"))]
    pub airstamp: Option<DateTime<Utc>>,
    pub airdate: Option<NaiveDate>,
    pub runtime_minutes: Option<u32>,
    /// Whether the episode has aired (by its time, else by its day).
    pub aired: bool,
    /// Episodes aired and not watched, this one included.
    pub new_count: u32,
    pub platform: Option<String>,
    /// Opaque id of the cached poster, as in `EntrySummary`.
    pub poster: Option<String>,
    pub poster_url: Option<String>,
    /// The last time the viewer watched an episode of it.
    #[cfg_attr(feature = "ts", ts(type = "string | null"))]
    pub last_watched: Option<DateTime<Utc>>,
}

/// What Up next asks for.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ts", derive(TS))]
pub struct UpNextQuery {
    /// Only shows on a platform the viewer subscribes to.
    #[serde(default)]
    pub on_my_services: bool,
}

/// One episode on the calendar.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "ts", derive(TS))]
pub struct CalendarItem {
    pub entry_id: i64,
    pub title: String,
    pub status: Status,
    pub season: u32,
    pub number: u32,
    pub episode_name: Option<String>,
    #[cfg_attr(feature = "ts", ts(type = "string | null"))]
    pub airstamp: Option<DateTime<Utc>>,
    /// The viewer's day it falls on (the air day where only that is known).
    pub day: NaiveDate,
    /// "21:00" in the viewer's zone, when the time is known.
    pub local_time: Option<String>,
    pub runtime_minutes: Option<u32>,
    pub platform: Option<String>,
    pub network: Option<String>,
    /// The first episode of a season.
    pub premiere: bool,
    /// The last listed episode of a season of a show that has ended, or of
    /// a season followed by another.
    pub finale: bool,
    pub watched: bool,
}

/// An episode of a show being watched that has just aired: what a desktop
/// notification says.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ts", derive(TS))]
pub struct AiredEpisode {
    pub entry_id: i64,
    pub title: String,
    pub season: u32,
    pub number: u32,
    pub name: Option<String>,
}

/// Which episodes the calendar shows.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ts", derive(TS))]
pub struct CalendarQuery {
    pub from: NaiveDate,
    pub days: u32,
    /// Entries with these statuses; empty is watching, planned and on hold.
    #[serde(default)]
    pub statuses: Vec<Status>,
    #[serde(default)]
    pub on_my_services: bool,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn episodes_are_written_as_people_write_them() {
        for s in ["S1E4", "s01e04", "1x04", " S1E04 "] {
            assert_eq!(
                s.parse::<EpisodeRef>().unwrap(),
                EpisodeRef {
                    season: 1,
                    number: 4
                }
            );
        }
        assert_eq!("S0E2".parse::<EpisodeRef>().unwrap().to_string(), "S0E2");
        let e = "S0E0".parse::<EpisodeRef>().unwrap_err().to_string();
        assert!(e.contains("numbered from 1"), "{e}");
        for bad in ["E4", "S1", "S1E", "4", "S-1E2", "S1E4x"] {
            assert!(bad.parse::<EpisodeRef>().is_err(), "{bad}");
        }
    }

    #[test]
    fn watch_moments_are_days_or_local_times() {
        let clock = Clock::fixed(
            DateTime::parse_from_rfc3339("2026-03-10T12:00:00Z")
                .unwrap()
                .with_timezone(&Utc),
            chrono_tz::America::New_York,
        );
        assert_eq!(
            WatchedWhen::parse("2026-03-01", &clock).unwrap(),
            WatchedWhen::On(NaiveDate::from_ymd_opt(2026, 3, 1).unwrap())
        );
        let WatchedWhen::At(t) = WatchedWhen::parse(" 2026-03-09 21:10 ", &clock).unwrap() else {
            panic!("a time is an instant");
        };
        assert_eq!(t.to_rfc3339(), "2026-03-10T01:10:00+00:00");
        let gap = WatchedWhen::parse("2026-03-08 02:30", &clock).unwrap_err();
        assert!(gap.to_string().contains("clocks went forward"), "{gap}");
        let bad = WatchedWhen::parse("yesterday", &clock).unwrap_err();
        assert!(bad.to_string().contains("YYYY-MM-DD HH:MM"), "{bad}");
    }
}
