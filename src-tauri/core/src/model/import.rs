//! The values an import passes around: what a reader makes of another
//! service's export ([`ParsedExport`], [`Incoming`]), which format it was
//! ([`ImportFormat`]), and what the faces show of a run ([`ImportReport`],
//! [`ImportProgress`]). They live in the model so the readers, the
//! planner, the store and the faces share them without depending on each
//! other. Their serde shape is the IPC and CLI JSON contract.

use std::fmt;
use std::str::FromStr;

use chrono::{DateTime, NaiveDate, Utc};
use serde::{Deserialize, Serialize};

use super::{EntryFields, EpisodeRef, TitleFacts, ViewingDetails, WatchedWhen};
use crate::error::{Error, Result};
use crate::rating::Rating;

/// What a parsed file holds, whatever its format.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Incoming {
    /// Platforms the file knows, in its order.
    pub platforms: Vec<IncomingPlatform>,
    pub entries: Vec<IncomingEntry>,
    /// Watched episodes the file names only by a catalogue's episode id,
    /// with no show beside them (TV Time's oldest exports).
    pub loose: Vec<LooseWatch>,
    /// Lists the file carries, naming its entries by index.
    pub lists: Vec<super::IncomingList>,
}

/// A watched episode known only by a catalogue's own episode id (TVDB),
/// not by its show: kept as it is until a catalogue says which show and
/// episode it is, then placed in that show's history.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LooseWatch {
    /// `tvdb`.
    pub provider: String,
    pub id: String,
    /// 0: the first time through; N: the Nth rewatch.
    pub rewatch: u32,
    pub when: WatchedWhen,
    /// The day in the viewer's zone, when known.
    pub day: Option<NaiveDate>,
}

/// A platform named in a file.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct IncomingPlatform {
    pub name: String,
    pub subscribed: bool,
}

/// One title with the user's record of it, as a file gives it.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct IncomingEntry {
    /// The entry's id where the file came from; kept when it is free, so a
    /// library restored into an empty one keeps its ids.
    pub id: Option<i64>,
    pub title: TitleFacts,
    pub fields: EntryFields,
    /// Rewatches after the first viewing.
    pub viewings: Vec<ViewingDetails>,
    /// `None`: now, for a new entry; kept as it is, for a matched one.
    pub added_at: Option<DateTime<Utc>>,
    pub updated_at: Option<DateTime<Utc>>,
    /// The episodes the file says were watched. `None`: the file says
    /// nothing of episodes, and the library's history stays as it is.
    /// Another service's history is added to the library's; Watchlog's own
    /// formats replace it.
    pub episodes: Option<Vec<IncomingWatch>>,
}

/// One watched episode, as a file gives it.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct IncomingWatch {
    pub episode: IncomingEpisode,
    pub when: WatchedWhen,
    /// The viewer's calendar day, when the file gives it beside an instant
    /// (Watchlog's own export); otherwise the instant's day in the
    /// viewer's zone.
    pub day: Option<NaiveDate>,
    /// `None`: the current viewing; `Some(i)`: the rewatch
    /// `viewings[i]` of the same [`IncomingEntry`].
    pub viewing: Option<usize>,
    pub rating: Option<Rating>,
    pub note: Option<String>,
}

/// How a file names an episode.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum IncomingEpisode {
    /// By season and number.
    Numbered(EpisodeRef),
    /// By its name as the service shows it (Netflix: "Temporada 1:
    /// Capítulo 3"), with its season when the file gives one. It becomes a
    /// number once the title's episode list holds an episode of that name;
    /// until then it is kept as it is, never dropped.
    Named { season: Option<u32>, name: String },
    /// By a catalogue's own episode id (TV Time's TVDB ids), kept until the
    /// title's episode list can tell its number.
    Catalog { provider: String, id: String },
}

impl Default for IncomingEpisode {
    fn default() -> Self {
        IncomingEpisode::Numbered(EpisodeRef {
            season: 1,
            number: 1,
        })
    }
}

/// What happens to one incoming entry.
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ImportAction {
    /// A new entry.
    Added,
    /// An existing entry, changed to match the file.
    Updated,
    /// An existing entry the file agrees with; not touched.
    Unchanged,
    /// More than one entry could be meant (same name and year, or catalogue
    /// ids that point at two entries); left alone for the user to settle.
    Ambiguous,
    /// Not imported, for the reason given (e.g. the file names it twice).
    Skipped,
}

/// One line of an import report.
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ImportItem {
    pub action: ImportAction,
    /// The entry in the library. For a planned addition, the id it would
    /// get if applied now; 0 for an ambiguous or skipped line.
    pub entry_id: i64,
    pub title: String,
    /// For an update: what changes, in words ("rating 70/100 → 80/100").
    #[serde(default)]
    pub changes: Vec<String>,
    /// For an ambiguous or skipped line: why.
    #[serde(default)]
    pub reason: Option<String>,
}

/// What an import did (from [`apply`]) or would do (from [`plan`]).
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default)]
pub struct ImportReport {
    /// True once the changes are saved in the library.
    pub applied: bool,
    pub added: usize,
    pub updated: usize,
    pub unchanged: usize,
    /// Lines that could mean more than one entry; not imported.
    pub ambiguous: usize,
    /// Lines not imported (the reader's skips included), each with a reason.
    pub skipped: usize,
    /// Episode watches the library did not have (the added entries' and
    /// the updated ones').
    pub episodes: usize,
    /// Of the file's episode watches known only by a catalogue episode id
    /// (no show named), those the library did not have: they wait to be
    /// placed under their shows by matching.
    #[serde(default)]
    pub loose_episodes: usize,
    /// Lists the file made in the library.
    #[serde(default)]
    pub lists_added: usize,
    /// Lists of the library the file changed (items, order, notes).
    #[serde(default)]
    pub lists_updated: usize,
    pub items: Vec<ImportItem>,
    /// The format read (`letterboxd`, `trakt`…), when known.
    pub format: Option<String>,
    /// How conflicts are settled, in words; `None` when the file replaces
    /// entries wholesale (Watchlog's own formats).
    pub policy: Option<String>,
    /// What the reader noticed: a file read as Latin-1, ids not kept…
    pub notes: Vec<String>,
    /// The automatic backup taken before applying (its file name), which
    /// "undo last import" restores.
    pub backup: Option<String>,
}

/// The formats Watchlog imports.
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum ImportFormat {
    WatchlogJson,
    WatchlogCsv,
    Letterboxd,
    Trakt,
    Imdb,
    Simkl,
    Mdl,
    Tmdb,
    /// `tvtime` as the CLI and `as_str` name it, not kebab-case `tv-time`.
    #[serde(rename = "tvtime")]
    TvTime,
    Netflix,
}

impl ImportFormat {
    pub const ALL: [ImportFormat; 10] = [
        ImportFormat::WatchlogJson,
        ImportFormat::WatchlogCsv,
        ImportFormat::Letterboxd,
        ImportFormat::Trakt,
        ImportFormat::Imdb,
        ImportFormat::Simkl,
        ImportFormat::Mdl,
        ImportFormat::Tmdb,
        ImportFormat::TvTime,
        ImportFormat::Netflix,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            ImportFormat::WatchlogJson => "watchlog-json",
            ImportFormat::WatchlogCsv => "watchlog-csv",
            ImportFormat::Letterboxd => "letterboxd",
            ImportFormat::Trakt => "trakt",
            ImportFormat::Imdb => "imdb",
            ImportFormat::Simkl => "simkl",
            ImportFormat::Mdl => "mdl",
            ImportFormat::Tmdb => "tmdb",
            ImportFormat::TvTime => "tvtime",
            ImportFormat::Netflix => "netflix",
        }
    }

    /// Watchlog's own formats are lossless: a matched entry becomes what the
    /// file says. Other services' exports are partial and are merged.
    pub fn merges(self) -> bool {
        !matches!(self, ImportFormat::WatchlogJson | ImportFormat::WatchlogCsv)
    }
}

impl FromStr for ImportFormat {
    type Err = Error;
    fn from_str(s: &str) -> Result<Self> {
        let norm = s.trim().to_ascii_lowercase().replace('_', "-");
        let found = match norm.as_str() {
            "watchlog-json" | "watchlog" | "json" => Some(ImportFormat::WatchlogJson),
            "watchlog-csv" | "csv" => Some(ImportFormat::WatchlogCsv),
            "letterboxd" => Some(ImportFormat::Letterboxd),
            "trakt" => Some(ImportFormat::Trakt),
            "imdb" => Some(ImportFormat::Imdb),
            "simkl" => Some(ImportFormat::Simkl),
            "mdl" | "mydramalist" => Some(ImportFormat::Mdl),
            "tmdb" => Some(ImportFormat::Tmdb),
            "tvtime" | "tv-time" => Some(ImportFormat::TvTime),
            "netflix" => Some(ImportFormat::Netflix),
            _ => None,
        };
        found.ok_or_else(|| {
            Error::invalid(format!(
                "'{}' is not an import format (use one of: {}, or auto)",
                s.trim(),
                ImportFormat::ALL.map(ImportFormat::as_str).join(", ")
            ))
        })
    }
}

impl fmt::Display for ImportFormat {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// What a reader needs to know beyond the file, for the exports that
/// cannot tell it themselves. Every field has a default, so a caller that
/// knows nothing passes `ReadOptions::default()`.
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default)]
pub struct ReadOptions {
    /// The profile to read, in an export holding several (Netflix's
    /// viewing activity); `None` with several in the file is refused with
    /// their names ([`Error::NeedsChoice`]).
    pub profile: Option<String>,
    /// How the file writes its dates, when every date in it could be read
    /// two ways (Netflix's `03/04/20`); `None`: found from the file.
    pub date_order: Option<DateOrder>,
    /// A play shorter than this many minutes is not a watch (Netflix: a
    /// peek at an episode, a title left after the opening); `None`:
    /// [`ReadOptions::MIN_PLAY_MINUTES`].
    pub min_play_minutes: Option<u32>,
}

impl ReadOptions {
    /// The short-play threshold unless one is given.
    pub const MIN_PLAY_MINUTES: u32 = 5;

    /// The short-play threshold in force.
    pub fn min_play(&self) -> u32 {
        self.min_play_minutes.unwrap_or(Self::MIN_PLAY_MINUTES)
    }
}

/// The order of day, month and year in dates written with numbers only.
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum DateOrder {
    /// `18/06/20`: day, month, year.
    Dmy,
    /// `10/13/25`: month, day, year.
    Mdy,
    /// `2020/05/27`: year, month, day.
    Ymd,
}

impl DateOrder {
    pub fn as_str(self) -> &'static str {
        match self {
            DateOrder::Dmy => "dmy",
            DateOrder::Mdy => "mdy",
            DateOrder::Ymd => "ymd",
        }
    }
}

impl FromStr for DateOrder {
    type Err = Error;
    fn from_str(s: &str) -> Result<Self> {
        match s.trim().to_ascii_lowercase().as_str() {
            "dmy" => Ok(DateOrder::Dmy),
            "mdy" => Ok(DateOrder::Mdy),
            "ymd" => Ok(DateOrder::Ymd),
            other => Err(Error::invalid_field(
                "date_order",
                format!("'{other}' is not a date order (use dmy, mdy or ymd)"),
            )),
        }
    }
}

impl fmt::Display for DateOrder {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// What a reader made of an export: what to import, and what it left out
/// and noticed on the way.
#[derive(Debug, Clone, Default)]
pub struct ParsedExport {
    pub incoming: Incoming,
    /// Lines left out, each with the reason (episodes, video games…).
    pub skipped: Vec<ImportItem>,
    /// What the reader noticed (a file read as Latin-1, ids not kept…).
    pub notes: Vec<String>,
}

impl ParsedExport {
    /// Leaves a line out, saying why; the report lists it as skipped.
    pub fn skip(&mut self, title: impl Into<String>, reason: impl Into<String>) {
        self.skipped.push(ImportItem {
            action: ImportAction::Skipped,
            entry_id: 0,
            title: title.into(),
            changes: Vec::new(),
            reason: Some(reason.into()),
        });
    }
}

/// Where a running import is, for a progress bar.
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct ImportProgress {
    pub done: u32,
    pub total: u32,
}
