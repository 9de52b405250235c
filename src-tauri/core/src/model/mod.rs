//! The data model: what a title is (catalogue facts), what an entry is (the
//! user's own record of a title), and the values that go with them. These
//! types cross every boundary — SQLite rows, CLI JSON, IPC to the UI — so
//! their serde shape is part of the public contract (snake_case keys, ISO
//! dates, ratings as 0–100 integers).

use std::fmt;
use std::str::FromStr;

use chrono::{DateTime, NaiveDate, Utc};
use serde::{Deserialize, Serialize};

use crate::error::{Error, Result};
use crate::rating::{Rating, RatingScale};

#[cfg(feature = "ts")]
use ts_rs::TS;

mod import;
pub use import::*;
mod lists;
pub use lists::*;
mod undo;
pub use undo::*;
mod sync;
pub use sync::*;

/// Declares a string-valued enum once: its serde names, its parser (which
/// accepts `-` or `_` and any case) and its list of values.
macro_rules! word_enum {
    ($(#[$meta:meta])* $name:ident, $what:literal { $($(#[$vmeta:meta])* $variant:ident = $word:literal),+ $(,)? }) => {
        $(#[$meta])*
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
        #[cfg_attr(feature = "ts", derive(TS))]
        pub enum $name {
            $($(#[$vmeta])* #[serde(rename = $word)] $variant),+
        }

        impl $name {
            pub const ALL: &'static [$name] = &[$($name::$variant),+];

            /// The stored and serialised word.
            pub fn as_str(self) -> &'static str {
                match self { $($name::$variant => $word),+ }
            }
        }

        impl FromStr for $name {
            type Err = Error;
            fn from_str(s: &str) -> Result<Self> {
                let norm = s.trim().to_ascii_lowercase().replace('-', "_");
                match norm.as_str() {
                    $($word => Ok($name::$variant),)+
                    _ => Err(Error::invalid(format!(
                        "'{}' is not a {} (use one of: {})",
                        s.trim(),
                        $what,
                        [$($word.replace('_', "-")),+].join(", ")
                    ))),
                }
            }
        }

        impl fmt::Display for $name {
            fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str(self.as_str())
            }
        }
    };
}

// After the macro, which it uses.
mod episodes;
pub use episodes::*;

word_enum!(
    /// What sort of title this is.
    Kind, "kind" {
        Series = "series",
        Miniseries = "miniseries",
        Film = "film",
        Special = "special",
    }
);

word_enum!(
    /// Where the user is with a title.
    Status, "status" {
        PlanToWatch = "plan_to_watch",
        Watching = "watching",
        Completed = "completed",
        OnHold = "on_hold",
        Dropped = "dropped",
    }
);

impl Status {
    /// The CLI's spelling (`plan-to-watch`).
    pub fn cli_word(self) -> String {
        self.as_str().replace('_', "-")
    }

    /// The words a person reads ("Plan to watch").
    pub fn label(self) -> &'static str {
        match self {
            Status::PlanToWatch => "Plan to watch",
            Status::Watching => "Watching",
            Status::Completed => "Completed",
            Status::OnHold => "On hold",
            Status::Dropped => "Dropped",
        }
    }
}

word_enum!(
    /// Whether a series is still airing.
    Airing, "airing status" {
        Running = "running",
        Ended = "ended",
        Upcoming = "upcoming",
    }
);

word_enum!(
    /// What a credited person did.
    Role, "role" {
        Writer = "writer",
        Director = "director",
        Cast = "cast",
    }
);

word_enum!(
    /// The colour theme of the app.
    Theme, "theme" {
        System = "system",
        Light = "light",
        Dark = "dark",
    }
);

word_enum!(
    /// Orders a library listing.
    SortKey, "sort key" {
        Title = "title",
        Year = "year",
        Rating = "rating",
        Added = "added",
        Finished = "finished",
    }
);

// Written out rather than derived: `word_enum!` shares one derive list with
// enums that have no default (Airing, Role, SortKey), so it cannot derive
// `Default` for some of them only.
#[allow(clippy::derivable_impls)]
impl Default for Status {
    fn default() -> Self {
        Status::PlanToWatch
    }
}

#[allow(clippy::derivable_impls)]
impl Default for Kind {
    fn default() -> Self {
        Kind::Series
    }
}

#[allow(clippy::derivable_impls)]
impl Default for Theme {
    fn default() -> Self {
        Theme::System
    }
}

/// A person credited on a title.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ts", derive(TS))]
pub struct Person {
    pub name: String,
    pub role: Role,
    /// The part played, for cast.
    pub character: Option<String>,
}

/// A title's ids in online catalogues.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ts", derive(TS))]
pub struct ExternalIds {
    pub tvmaze: Option<String>,
    pub tmdb: Option<String>,
    pub imdb: Option<String>,
    pub tvdb: Option<String>,
    pub mydramalist: Option<String>,
    /// The film's Letterboxd address (`https://boxd.it/…`): Letterboxd has
    /// no public catalogue, but its exports name films by it, so it tells
    /// apart two films whose names and years agree.
    pub letterboxd: Option<String>,
}

impl ExternalIds {
    pub(crate) fn pairs(&self) -> [(&'static str, Option<&String>); 6] {
        [
            ("tvmaze", self.tvmaze.as_ref()),
            ("tmdb", self.tmdb.as_ref()),
            ("imdb", self.imdb.as_ref()),
            ("tvdb", self.tvdb.as_ref()),
            ("mydramalist", self.mydramalist.as_ref()),
            ("letterboxd", self.letterboxd.as_ref()),
        ]
    }

    pub(crate) fn set(&mut self, provider: &str, value: String) {
        let slot = match provider {
            "tvmaze" => &mut self.tvmaze,
            "tmdb" => &mut self.tmdb,
            "imdb" => &mut self.imdb,
            "tvdb" => &mut self.tvdb,
            "mydramalist" => &mut self.mydramalist,
            "letterboxd" => &mut self.letterboxd,
            _ => return,
        };
        *slot = Some(value);
    }
}

/// Catalogue facts about a title: everything a provider can refresh without
/// touching the user's own record.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "ts", derive(TS))]
pub struct TitleFacts {
    pub kind: Kind,
    pub name: String,
    /// The title in its own script (사운드트랙 #2).
    pub original_name: Option<String>,
    pub year: Option<i32>,
    /// ISO 3166-1 alpha-2 country of origin, upper case.
    pub country: Option<String>,
    /// ISO 639-1 original language, lower case.
    pub language: Option<String>,
    /// Network or streaming channel that made it.
    pub network: Option<String>,
    pub genres: Vec<String>,
    pub seasons: Option<u32>,
    pub episodes: Option<u32>,
    pub runtime_minutes: Option<u32>,
    pub airing: Option<Airing>,
    pub synopsis: Option<String>,
    pub poster_url: Option<String>,
    pub people: Vec<Person>,
    pub external_ids: ExternalIds,
}

/// A title as stored.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "ts", derive(TS))]
pub struct Title {
    pub id: i64,
    #[serde(flatten)]
    #[cfg_attr(feature = "ts", ts(flatten))]
    pub facts: TitleFacts,
}

/// Optional finer ratings beside the overall one.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ts", derive(TS))]
pub struct SubScores {
    pub story: Option<Rating>,
    pub acting: Option<Rating>,
    pub music: Option<Rating>,
    pub rewatch_value: Option<Rating>,
}

/// One more watch of a title, with its own dates, platform and progress.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ts", derive(TS))]
pub struct Viewing {
    pub id: i64,
    #[serde(flatten)]
    #[cfg_attr(feature = "ts", ts(flatten))]
    pub details: ViewingDetails,
}

/// What a viewing records.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ts", derive(TS))]
pub struct ViewingDetails {
    pub started_on: Option<NaiveDate>,
    pub finished_on: Option<NaiveDate>,
    pub platform: Option<String>,
    pub progress: u32,
}

/// The longest tag, in characters.
pub const MAX_TAG_CHARS: usize = 100;

/// The user's editable fields of an entry. The app's editor sends the whole
/// of it on save; the CLI reads, changes one field and writes it back.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "ts", derive(TS))]
pub struct EntryFields {
    pub status: Status,
    pub rating: Option<Rating>,
    pub scores: SubScores,
    /// Markdown.
    pub review: Option<String>,
    /// The review gives away the plot; it is hidden until asked for.
    pub review_spoiler: bool,
    pub notes: Option<String>,
    pub platform: Option<String>,
    /// Episodes watched in the current viewing.
    pub progress: u32,
    pub favorite: bool,
    pub tags: Vec<String>,
    pub started_on: Option<NaiveDate>,
    pub finished_on: Option<NaiveDate>,
}

/// A change to an entry's fields: only the fields present are changed, so
/// two faces editing different fields of one entry at the same time keep
/// both changes. A field that can be empty takes `null` to empty it.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "ts", derive(TS))]
pub struct EntryPatch {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[cfg_attr(feature = "ts", ts(optional))]
    pub status: Option<Status>,
    #[serde(
        default,
        skip_serializing_if = "Option::is_none",
        deserialize_with = "present"
    )]
    #[cfg_attr(feature = "ts", ts(optional))]
    pub rating: Option<Option<Rating>>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[cfg_attr(feature = "ts", ts(optional))]
    pub scores: Option<SubScores>,
    #[serde(
        default,
        skip_serializing_if = "Option::is_none",
        deserialize_with = "present"
    )]
    #[cfg_attr(feature = "ts", ts(optional))]
    pub review: Option<Option<String>>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[cfg_attr(feature = "ts", ts(optional))]
    pub review_spoiler: Option<bool>,
    #[serde(
        default,
        skip_serializing_if = "Option::is_none",
        deserialize_with = "present"
    )]
    #[cfg_attr(feature = "ts", ts(optional))]
    pub notes: Option<Option<String>>,
    #[serde(
        default,
        skip_serializing_if = "Option::is_none",
        deserialize_with = "present"
    )]
    #[cfg_attr(feature = "ts", ts(optional))]
    pub platform: Option<Option<String>>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[cfg_attr(feature = "ts", ts(optional))]
    pub progress: Option<u32>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[cfg_attr(feature = "ts", ts(optional))]
    pub favorite: Option<bool>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[cfg_attr(feature = "ts", ts(optional))]
    pub tags: Option<Vec<String>>,
    #[serde(
        default,
        skip_serializing_if = "Option::is_none",
        deserialize_with = "present"
    )]
    #[cfg_attr(feature = "ts", ts(optional))]
    pub started_on: Option<Option<NaiveDate>>,
    #[serde(
        default,
        skip_serializing_if = "Option::is_none",
        deserialize_with = "present"
    )]
    #[cfg_attr(feature = "ts", ts(optional))]
    pub finished_on: Option<Option<NaiveDate>>,
}

impl EntryPatch {
    /// The fields with this patch laid over them.
    pub fn apply_to(&self, fields: &EntryFields) -> EntryFields {
        let mut f = fields.clone();
        macro_rules! take {
            ($($name:ident),*) => {$(
                if let Some(v) = &self.$name {
                    f.$name = v.clone();
                }
            )*};
        }
        take!(
            status,
            rating,
            scores,
            review,
            review_spoiler,
            notes,
            platform,
            progress,
            favorite,
            tags,
            started_on,
            finished_on
        );
        f
    }

    /// A patch that sets every field to `fields`: for a caller that holds a
    /// whole record on purpose (a test, a restore). An editor sends only
    /// what it changed.
    pub fn all(fields: &EntryFields) -> Self {
        let f = fields.clone();
        EntryPatch {
            status: Some(f.status),
            rating: Some(f.rating),
            scores: Some(f.scores),
            review: Some(f.review),
            review_spoiler: Some(f.review_spoiler),
            notes: Some(f.notes),
            platform: Some(f.platform),
            progress: Some(f.progress),
            favorite: Some(f.favorite),
            tags: Some(f.tags),
            started_on: Some(f.started_on),
            finished_on: Some(f.finished_on),
        }
    }

    /// True when the patch changes nothing.
    pub fn is_empty(&self) -> bool {
        *self == EntryPatch::default()
    }
}

/// Reads `Option<Option<T>>` for a patch: a missing key is `None` (leave
/// the field, by `#[serde(default)]`), `null` is `Some(None)` (empty it), a
/// value is `Some(Some(v))`. Serde's own serialising already writes it back
/// the same way.
fn present<'de, D, T>(d: D) -> std::result::Result<Option<Option<T>>, D::Error>
where
    D: serde::Deserializer<'de>,
    T: Deserialize<'de>,
{
    Option::<T>::deserialize(d).map(Some)
}

/// What saving a patch now would store, with the rules a status change
/// implies applied (the dates it fills, the progress it completes), and
/// every problem with it by field. Nothing is written: the editor asks for
/// this to show a rule's effect before saving instead of copying the rule.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "ts", derive(TS))]
pub struct EntryPreview {
    pub fields: EntryFields,
    pub errors: Vec<crate::error::ErrorPayload>,
}

/// A title to add together with the user's first record of it.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "ts", derive(TS))]
pub struct NewEntry {
    pub title: TitleFacts,
    pub fields: EntryFields,
}

/// An entry with everything known about it: what `show` prints and the
/// editor displays.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "ts", derive(TS))]
pub struct Entry {
    pub id: i64,
    pub title: Title,
    #[serde(flatten)]
    #[cfg_attr(feature = "ts", ts(flatten))]
    pub fields: EntryFields,
    /// The rating on the 10-point scale, for readers who do not want to divide.
    pub rating_10: Option<f64>,
    /// Rewatches after the first viewing, oldest first.
    pub viewings: Vec<Viewing>,
    /// Derived from `viewings`, never typed in.
    pub rewatch_count: u32,
    #[cfg_attr(feature = "ts", ts(type = "string"))]
    pub added_at: DateTime<Utc>,
    #[cfg_attr(feature = "ts", ts(type = "string"))]
    pub updated_at: DateTime<Utc>,
}

/// One row of a library listing.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "ts", derive(TS))]
pub struct EntrySummary {
    pub id: i64,
    pub kind: Kind,
    pub name: String,
    pub original_name: Option<String>,
    pub year: Option<i32>,
    pub country: Option<String>,
    pub status: Status,
    pub rating: Option<Rating>,
    pub rating_10: Option<f64>,
    pub progress: u32,
    pub episodes: Option<u32>,
    pub platform: Option<String>,
    pub favorite: bool,
    pub poster_url: Option<String>,
    pub finished_on: Option<NaiveDate>,
    #[cfg_attr(feature = "ts", ts(type = "string"))]
    pub added_at: DateTime<Utc>,
    /// Opaque id of the cached poster (its content hash) when one is cached
    /// for the current poster address; the app serves it as
    /// `poster://localhost/<id>-<size>`. Never a file path.
    #[serde(default)]
    pub poster: Option<String>,
    /// For a show being watched, the episode to watch next, when the list
    /// has one after the last watched.
    #[serde(default)]
    pub next_episode: Option<NextEpisode>,
    /// When searching: the title with each matched part between U+0002 and
    /// U+0003 (plain text, never HTML), if the title itself matched.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[cfg_attr(feature = "ts", ts(optional))]
    pub highlight: Option<String>,
    /// The same for the original title.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[cfg_attr(feature = "ts", ts(optional))]
    pub highlight_original: Option<String>,
}

/// What a library listing asks for.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "ts", derive(TS))]
pub struct ListQuery {
    pub status: Option<Status>,
    pub platform: Option<String>,
    /// Matches title and original title, substrings in any script.
    pub search: Option<String>,
    /// `None` orders by relevance when searching, else by date added.
    pub sort: Option<SortKey>,
    /// Reverse the natural order (titles A→Z; everything else newest or
    /// highest first).
    pub reverse: bool,
    pub limit: Option<u32>,
    /// Only titles from this country (ISO code, any case).
    #[serde(default)]
    #[cfg_attr(feature = "ts", ts(optional))]
    pub country: Option<String>,
    /// Only titles with this genre (any case).
    #[serde(default)]
    #[cfg_attr(feature = "ts", ts(optional))]
    pub genre: Option<String>,
    /// Only entries with this tag (any case).
    #[serde(default)]
    #[cfg_attr(feature = "ts", ts(optional))]
    pub tag: Option<String>,
    /// Only entries on this list (its id).
    #[serde(default)]
    #[cfg_attr(feature = "ts", ts(optional))]
    pub list: Option<i64>,
    /// Only titles released in or after this year.
    #[serde(default)]
    #[cfg_attr(feature = "ts", ts(optional))]
    pub year_min: Option<i32>,
    /// Only titles released in or before this year.
    #[serde(default)]
    #[cfg_attr(feature = "ts", ts(optional))]
    pub year_max: Option<i32>,
    /// Only entries rated at least this (0–100); unrated ones are left out.
    #[serde(default)]
    #[cfg_attr(feature = "ts", ts(optional))]
    pub rating_min: Option<Rating>,
    /// Only entries rated at most this (0–100); unrated ones are left out.
    #[serde(default)]
    #[cfg_attr(feature = "ts", ts(optional))]
    pub rating_max: Option<Rating>,
    /// `true`: only favourites; `false`: only the others.
    #[serde(default)]
    #[cfg_attr(feature = "ts", ts(optional))]
    pub favorite: Option<bool>,
    /// `true`: only entries on a platform you subscribe to; `false`: only
    /// the others (no platform, or one you do not subscribe to).
    #[serde(default)]
    #[cfg_attr(feature = "ts", ts(optional))]
    pub on_my_services: Option<bool>,
    /// Where to continue: the `next_cursor` of the previous page of the same
    /// listing. Opaque; `None` starts at the beginning.
    #[serde(default)]
    #[cfg_attr(feature = "ts", ts(optional))]
    pub cursor: Option<String>,
    /// Rows to skip before the page starts, for jumping straight to a far
    /// part of a long listing (a scrollbar dragged to the middle). Ignored
    /// when a cursor is given; continuing with the cursor is cheaper.
    #[serde(default)]
    #[cfg_attr(feature = "ts", ts(optional))]
    pub offset: Option<u32>,
}

/// One page of a library listing.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "ts", derive(TS))]
pub struct ListPage {
    pub rows: Vec<EntrySummary>,
    /// Pass this as `cursor` for the next page; `None` on the last page.
    pub next_cursor: Option<String>,
}

/// Counts for the filter chips: how many entries each value would show,
/// under every other active filter (a chip's own dimension is left out, so
/// picking Netflix still shows how many titles Viki has).
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "ts", derive(TS))]
pub struct Facets {
    /// Entries matching every filter.
    pub total: u32,
    /// By status word (`plan_to_watch`…), in the order of the tabs.
    pub status: Vec<Count>,
    pub platform: Vec<Count>,
    pub country: Vec<Count>,
    pub genre: Vec<Count>,
    /// By tag name.
    #[serde(default)]
    pub tag: Vec<Count>,
}

/// How many entries each status tab holds.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ts", derive(TS))]
pub struct StatusCounts {
    pub all: u32,
    pub plan_to_watch: u32,
    pub watching: u32,
    pub completed: u32,
    pub on_hold: u32,
    pub dropped: u32,
}

/// A streaming service or channel the user watches on.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ts", derive(TS))]
pub struct Platform {
    pub id: i64,
    pub name: String,
    /// The user pays for it ("I subscribe").
    pub subscribed: bool,
    /// How many entries name it.
    pub entries: u32,
}

/// The user's preferences, stored in the library file so the CLI and the app
/// agree. `Debug` hides the webhook token (see [`crate::secrets`]).
#[derive(Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ts", derive(TS))]
pub struct Settings {
    pub rating_scale: RatingScale,
    pub theme: Theme,
    pub default_platform: Option<String>,
    /// Hosts on the user's own network (a NAS serving posters) that
    /// Watchlog may fetch from; every other private address is refused.
    #[serde(default)]
    pub allowed_hosts: Vec<String>,
    /// A desktop notification when an episode of a show being watched
    /// airs (off until the viewer turns it on).
    #[serde(default)]
    pub notify_new_episodes: bool,
    /// The port the app listens on for Jellyfin, Emby and Plex webhooks
    /// (on loopback); `None`: it does not listen.
    #[serde(default)]
    pub webhook_port: Option<u16>,
    /// The secret the webhook addresses carry; made when a port is first
    /// set.
    #[serde(default)]
    pub webhook_token: Option<String>,
    /// The language the app speaks and asks the catalogues in, one of
    /// `language::LANGUAGES`; `None` follows the system's.
    #[serde(default)]
    pub language: Option<String>,
}

impl std::fmt::Debug for Settings {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        // Taken apart whole, so a new field cannot be left out unseen.
        let Settings {
            rating_scale,
            theme,
            default_platform,
            allowed_hosts,
            notify_new_episodes,
            webhook_port,
            webhook_token,
            language,
        } = self;
        f.debug_struct("Settings")
            .field("rating_scale", rating_scale)
            .field("theme", theme)
            .field("default_platform", default_platform)
            .field("allowed_hosts", allowed_hosts)
            .field("notify_new_episodes", notify_new_episodes)
            .field("webhook_port", webhook_port)
            .field("webhook_token", &crate::secrets::redacted(webhook_token))
            .field("language", language)
            .finish()
    }
}

/// One labelled number in a breakdown.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "ts", derive(TS))]
pub struct Count {
    pub label: String,
    pub count: u32,
}

/// Numbers about the whole library.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "ts", derive(TS))]
pub struct Stats {
    pub titles: u32,
    pub by_status: StatusCounts,
    pub by_kind: Vec<Count>,
    pub by_platform: Vec<Count>,
    pub by_country: Vec<Count>,
    /// How many entries have each rating on the 10-point scale, 0 to 10 in halves.
    pub rating_distribution: Vec<Count>,
    pub average_rating: Option<f64>,
    pub episodes_watched: u32,
    /// Episodes watched times their runtime, where the runtime is known.
    pub hours_watched: f64,
    /// Titles finished per month, "YYYY-MM", oldest first.
    pub finished_per_month: Vec<Count>,
    pub reviews: u32,
    pub favorites: u32,
    /// Hours watched per month, "YYYY-MM", oldest first: each finished
    /// viewing's episodes times the runtime, counted in the month it was
    /// finished (`count` is the viewings finished that month).
    #[serde(default)]
    pub hours_per_month: Vec<Measure>,
    /// The most common genres among the library's titles, most first.
    #[serde(default)]
    pub top_genres: Vec<Count>,
    /// Average rating on the 10-point scale per platform (`count` is the
    /// rated entries), highest first.
    #[serde(default)]
    pub rating_by_platform: Vec<Measure>,
}

/// One calendar year of watching: the year in review the app shows, that
/// `watchlog stats --year` prints and the exported page and card carry.
///
/// A *finish* is a viewing finished in the year: the entry's current one or
/// an earlier one (`viewings`), so a title finished twice counts twice. It
/// is a rewatch when the same entry has a viewing finished before it.
/// Days are the viewer's calendar days, as the history files them.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "ts", derive(TS))]
pub struct YearReview {
    pub year: i32,
    /// Viewings finished in the year; `new_titles + rewatches`.
    pub titles_finished: u32,
    /// Finishes of a title for the first time.
    pub new_titles: u32,
    /// Finishes of a title already finished before.
    pub rewatches: u32,
    /// Episodes whose watch falls on a day of the year.
    pub episodes_watched: u32,
    /// Those episodes' runtimes (the episode's, else the title's) and the
    /// runtimes of the films finished, where known.
    pub hours_watched: f64,
    /// Days of the year with any watch: an episode or a finish. Zero means
    /// nothing was watched that year.
    pub days_watched: u32,
    /// The best-rated titles finished in the year, best first.
    pub best_rated: Vec<YearTitle>,
    /// Countries, platforms and genres of the finishes, most first.
    pub top_countries: Vec<Count>,
    pub top_platforms: Vec<Count>,
    pub top_genres: Vec<Count>,
    /// January to December, always twelve.
    pub months: Vec<YearMonth>,
    /// The month with the most hours (then the most watches), the earliest
    /// of equals; none in an empty year.
    pub busiest_month: Option<YearMonth>,
    /// The longest run of days in a row with a watch, the earliest of
    /// equals.
    pub longest_streak: Option<Streak>,
    pub first_finish: Option<YearFinish>,
    pub last_finish: Option<YearFinish>,
}

/// One month of a [`YearReview`].
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "ts", derive(TS))]
pub struct YearMonth {
    /// "YYYY-MM".
    pub month: String,
    pub finished: u32,
    pub episodes: u32,
    pub hours: f64,
}

/// Days in a row with a watch, from `first` to `last`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ts", derive(TS))]
pub struct Streak {
    pub days: u32,
    pub first: NaiveDate,
    pub last: NaiveDate,
}

/// A title finished on a day.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ts", derive(TS))]
pub struct YearFinish {
    pub entry_id: i64,
    pub name: String,
    pub on: NaiveDate,
}

/// One of a year's best-rated titles.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ts", derive(TS))]
pub struct YearTitle {
    pub entry_id: i64,
    pub name: String,
    pub original_name: Option<String>,
    pub rating: Rating,
    /// Its last finish in the year.
    pub finished_on: NaiveDate,
    /// The cached poster's id for the app's poster protocol, when cached.
    pub poster: Option<String>,
}

/// One labelled amount with the number of things it was computed from.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "ts", derive(TS))]
pub struct Measure {
    pub label: String,
    pub value: f64,
    pub count: u32,
}

/// Facts about the library file, for `doctor` and the settings screen.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "ts", derive(TS))]
pub struct LibraryInfo {
    pub path: String,
    pub schema_version: i64,
    pub supported_version: i64,
    /// "ok", or the problems SQLite's integrity check found.
    pub integrity: Vec<String>,
    pub entries: u32,
    pub size_bytes: u64,
}

/// Parses a calendar date the way people type it in the CLI and forms:
/// ISO `YYYY-MM-DD`, and only real days (`2023-02-30` is refused).
pub fn parse_date(text: &str) -> Result<NaiveDate> {
    NaiveDate::parse_from_str(text.trim(), "%Y-%m-%d").map_err(|_| {
        Error::invalid(format!(
            "'{}' is not a date (write it as YYYY-MM-DD, a day that exists)",
            text.trim()
        ))
    })
}

/// The 10-point value shown beside a stored rating.
pub(crate) fn rating_10(r: Option<Rating>) -> Option<f64> {
    r.map(|r| r.value_in(RatingScale::Ten))
}
