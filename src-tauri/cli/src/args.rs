//! The command line as clap sees it: every command, flag and value. Words,
//! dates and scales are parsed here with the core's own parsers, so a typo is
//! refused before the library file is opened, let alone written.

use std::path::PathBuf;

use chrono::NaiveDate;
use clap::builder::{BoolishValueParser, PossibleValuesParser};
use clap::{ArgGroup, Args, Parser, Subcommand};
use watchlog_core::{Kind, RatingScale, SortKey, Status, Theme};

const AFTER_HELP: &str = "\
The library file is --db PATH, else $WATCHLOG_DB, else the desktop app's library.
Exit status: 0 success, 2 bad input (usage, invalid value, unknown id),
1 anything else (the library file is newer, foreign or damaged; I/O errors).";

/// A watchlist for series and films, over the same library as the Watchlog app.
#[derive(Debug, Parser)]
#[command(name = "watchlog", version, after_help = AFTER_HELP)]
pub struct Cli {
    /// The library file [default: $WATCHLOG_DB, else the app's library].
    #[arg(long, global = true, value_name = "PATH")]
    pub db: Option<PathBuf>,

    /// Print machine-readable JSON on stdout (errors stay plain text on stderr).
    #[arg(long, global = true)]
    pub json: bool,

    #[command(subcommand)]
    pub command: Command,
}

#[derive(Debug, Subcommand)]
pub enum Command {
    /// Add a title by hand, or from a catalogue with --from; prints the new entry's id.
    Add(AddArgs),
    /// List the library as a table.
    List(ListArgs),
    /// Everything about one entry.
    Show { id: i64 },
    /// Change an entry's fields.
    Set(SetArgs),
    /// Rate an entry, in the scale from settings unless --scale says otherwise.
    Rate(RateArgs),
    /// Replace an entry's review (Markdown).
    Review(ReviewArgs),
    /// Delete an entry with its title, viewings and tags.
    Delete { id: i64 },
    /// Mark an episode watched (S1E4, or every one --until S1E4), unmark
    /// one with --unwatch, or with no episode count the next one; starts or
    /// completes the entry as needed.
    Episode(crate::episodes::EpisodeArgs),
    /// An entry's episodes by season: air times in your zone, which you watched and when.
    Episodes { id: i64 },
    /// Up next: for each show you watch, the episode to watch or wait for.
    Next(crate::episodes::NextArgs),
    /// The episodes airing in the next days, as text, JSON or an iCalendar file.
    Calendar(crate::episodes::CalendarArgs),
    /// Record another viewing (a rewatch), or start one with --start.
    Rewatch(RewatchArgs),
    /// Numbers about the whole library, or with --year one year in review.
    Stats(StatsArgs),
    /// Check the library file; exits 1 if SQLite finds it damaged.
    Doctor,
    /// List and edit platforms (streaming services and other ways of watching).
    #[command(subcommand)]
    Platform(PlatformCommand),
    /// Show the settings, or change them with flags.
    Settings(SettingsArgs),
    /// Load the sample library into an empty library.
    Sample,
    /// Export the library or your reviews: JSON, CSV, Markdown, HTML,
    /// Letterboxd; or a year in review as a web page or a PNG card.
    Export(crate::transfer::ExportArgs),
    /// Your lists: `lists` shows them; `lists add`, `put`, `take`, `show`,
    /// `edit`, `delete`.
    Lists(crate::lists::ListsArgs),
    /// Keep this library in step with your other computers through a
    /// sync folder: `sync init FOLDER [--device NAME]`, `sync now`, `sync status`.
    Sync(crate::sync::SyncArgs),
    /// Copy the library file (SQLite backup API); `backup list` shows the backups.
    Backup(crate::transfer::BackupArgs),
    /// Import from Letterboxd, Trakt, IMDb, Simkl, MyDramaList, TMDB, TV Time
    /// or a Watchlog export: shows the plan, imports with --apply; `import undo`.
    Import(crate::import::ImportArgs),
    /// Replace the library with a backup (the current one is kept aside).
    Restore {
        /// The backup file.
        path: PathBuf,
    },
    /// Search TVmaze or TMDB for a show to add with `add --from`.
    Search(crate::catalog::SearchArgs),
    /// Re-fetch titles' facts from their catalogue; your own fields never change.
    Refresh(crate::catalog::RefreshArgs),
    /// Match imported shows that have no catalogue id to TVmaze (or TMDB):
    /// facts, episodes and posters; your own fields never change.
    Match(crate::matching::MatchArgs),
    /// The shows still without a catalogue match, with the candidates of
    /// the ambiguous ones.
    Unmatched,
    /// Listen for Jellyfin, Emby and Plex webhooks and record what they
    /// report as watched to the end; prints the three URLs to give them.
    ServeWebhooks(crate::webhooks::ServeWebhooksArgs),
    /// The poster cache: fetch posters, show its status, prune it to a size.
    #[command(subcommand)]
    Posters(crate::posters::PostersCommand),
    /// Print the shell completion script for bash, zsh, fish, elvish or
    /// powershell (the .deb installs them already).
    Completions {
        #[arg(value_enum)]
        shell: clap_complete::Shell,
    },
    /// Development tools: `dev generate` builds a large sample library;
    /// `dev man` writes the man pages.
    #[command(subcommand)]
    Dev(crate::dev::DevCommand),
}

#[derive(Debug, Args)]
pub struct StatsArgs {
    /// One calendar year in review: titles finished (new and rewatched),
    /// episodes and hours, best rated, favourites, streaks, month by month.
    #[arg(long, value_name = "YEAR")]
    pub year: Option<i32>,
}

#[derive(Debug, Args)]
pub struct AddArgs {
    /// The title as you know it (English or romanised).
    #[arg(required_unless_present = "from")]
    pub title: Option<String>,
    /// Add a catalogue show with all its facts and episodes: tvmaze:ID or
    /// tmdb:ID (ids from `watchlog search`).
    #[arg(long, value_name = "PROVIDER:ID", value_parser = core_word::<watchlog_core::catalog::CatalogRef>,
          conflicts_with_all = ["title", "kind", "year", "country", "original_title", "episodes", "poster_url"])]
    pub from: Option<watchlog_core::catalog::CatalogRef>,
    /// series, miniseries, film or special.
    #[arg(long, value_parser = core_word::<Kind>, default_value = "series")]
    pub kind: Kind,
    /// Year of first release.
    #[arg(long)]
    pub year: Option<i32>,
    /// Two-letter country code (KR, JP, CN…).
    #[arg(long)]
    pub country: Option<String>,
    /// The title in its own script.
    #[arg(long, value_name = "TITLE")]
    pub original_title: Option<String>,
    /// Number of episodes (1 for a film).
    #[arg(long, value_name = "N")]
    pub episodes: Option<u32>,
    /// One of your platforms [default: the default platform from settings].
    #[arg(long, value_name = "NAME")]
    pub platform: Option<String>,
    /// plan-to-watch, watching, completed, on-hold or dropped.
    #[arg(long, value_parser = core_word::<Status>, default_value = "plan-to-watch")]
    pub status: Status,
    /// An http(s) address of a poster image.
    #[arg(long, value_name = "URL")]
    pub poster_url: Option<String>,
}

#[derive(Debug, Args)]
pub struct ListArgs {
    /// Only entries with this status.
    #[arg(long, value_parser = core_word::<Status>)]
    pub status: Option<Status>,
    /// Only entries watched on this platform.
    #[arg(long, value_name = "NAME")]
    pub platform: Option<String>,
    /// Substring of the title or original title, in any script.
    #[arg(long, value_name = "TEXT")]
    pub search: Option<String>,
    /// title, year, rating, added or finished [default: added, or relevance when searching].
    #[arg(long, value_parser = core_word::<SortKey>)]
    pub sort: Option<SortKey>,
    /// Reverse the order (titles Z→A; everything else lowest or oldest first).
    #[arg(long)]
    pub reverse: bool,
    /// At most N entries.
    #[arg(long, value_name = "N")]
    pub limit: Option<u32>,
    /// Only titles from this country (two-letter code: KR, JP…).
    #[arg(long, value_name = "CC")]
    pub country: Option<String>,
    /// Only titles with this genre.
    #[arg(long, value_name = "GENRE")]
    pub genre: Option<String>,
    /// Only entries with this tag.
    #[arg(long, value_name = "TAG")]
    pub tag: Option<String>,
    /// Only entries on this list (its id or name).
    #[arg(long, value_name = "LIST")]
    pub list: Option<String>,
    /// Only titles released in or after this year.
    #[arg(long, value_name = "YEAR")]
    pub from_year: Option<i32>,
    /// Only titles released in or before this year.
    #[arg(long, value_name = "YEAR")]
    pub to_year: Option<i32>,
    /// Lowest rating shown, in your scale (unrated entries are left out).
    #[arg(long, value_name = "V")]
    pub min_rating: Option<String>,
    /// Highest rating shown, in your scale (unrated entries are left out).
    #[arg(long, value_name = "V")]
    pub max_rating: Option<String>,
    /// Only favourites.
    #[arg(long)]
    pub favorite: bool,
    /// Only entries on a platform you subscribe to.
    #[arg(long)]
    pub on_my_services: bool,
}

#[derive(Debug, Args)]
pub struct SetArgs {
    pub id: i64,
    /// plan-to-watch, watching (fills an empty start date with today),
    /// completed (fills an empty finish date and the progress), on-hold or dropped.
    #[arg(long, value_parser = core_word::<Status>)]
    pub status: Option<Status>,
    /// Episodes watched.
    #[arg(long, value_name = "N")]
    pub progress: Option<u32>,
    /// One of your platforms; "" clears it.
    #[arg(long, value_name = "NAME")]
    pub platform: Option<String>,
    /// YYYY-MM-DD; "" clears it.
    #[arg(long, value_name = "DATE", value_parser = clearable_date)]
    pub started: Option<Clearable<NaiveDate>>,
    /// YYYY-MM-DD; "" clears it.
    #[arg(long, value_name = "DATE", value_parser = clearable_date)]
    pub finished: Option<Clearable<NaiveDate>>,
    /// Comma-separated; replaces every tag ("" removes them all).
    #[arg(long, value_name = "A,B")]
    pub tags: Option<String>,
    /// Mark or unmark as a favourite.
    #[arg(long, value_name = "true|false", value_parser = BoolishValueParser::new())]
    pub favorite: Option<bool>,
    /// Private notes (Markdown); "" clears them.
    #[arg(long, value_name = "TEXT")]
    pub notes: Option<String>,
}

#[derive(Debug, Args)]
pub struct RateArgs {
    pub id: i64,
    /// The rating ("8.5" on the 10-point scale), or "none" to clear it.
    // Hyphen values allowed so "-1" reaches the rating parser and gets its
    // message, rather than clap's "unexpected argument".
    #[arg(allow_hyphen_values = true)]
    pub value: String,
    /// 5, 10 or 100 [default: the scale from settings].
    #[arg(long, value_parser = core_word::<RatingScale>)]
    pub scale: Option<RatingScale>,
}

#[derive(Debug, Args)]
#[command(group(ArgGroup::new("source").required(true).args(["text", "file", "stdin"])))]
pub struct ReviewArgs {
    pub id: i64,
    /// The review, as Markdown ("" removes the review).
    #[arg(long, value_name = "MD")]
    pub text: Option<String>,
    /// Read the review from a file.
    #[arg(long, value_name = "PATH")]
    pub file: Option<PathBuf>,
    /// `-` reads the review from standard input.
    #[arg(value_name = "-", value_parser = PossibleValuesParser::new(["-"]))]
    pub stdin: Option<String>,
    /// The review gives away the plot.
    #[arg(long)]
    pub spoiler: bool,
}

#[derive(Debug, Args)]
pub struct RewatchArgs {
    pub id: i64,
    /// YYYY-MM-DD.
    #[arg(long, value_name = "DATE", value_parser = date)]
    pub started: Option<NaiveDate>,
    /// YYYY-MM-DD.
    #[arg(long, value_name = "DATE", value_parser = date)]
    pub finished: Option<NaiveDate>,
    /// One of your platforms.
    #[arg(long, value_name = "NAME")]
    pub platform: Option<String>,
    /// Episodes watched in this viewing.
    #[arg(long, value_name = "N", default_value_t = 0)]
    pub progress: u32,
    /// Start watching again instead: the current viewing, with every
    /// episode marked, is kept as an earlier one, and the entry starts
    /// again at nothing watched.
    #[arg(long, conflicts_with_all = ["started", "finished", "platform", "progress"])]
    pub start: bool,
    /// The day the rewatch started (with --start; default today).
    #[arg(long, value_name = "DATE", value_parser = date, requires = "start")]
    pub on: Option<NaiveDate>,
}

#[derive(Debug, Subcommand)]
pub enum PlatformCommand {
    /// Every platform, in your order.
    List,
    /// Add a platform; prints its id.
    Add {
        name: String,
        /// You pay for it.
        #[arg(long)]
        subscribed: bool,
    },
    /// Rename a platform or change its "I subscribe" flag.
    Set {
        id: i64,
        /// The new name.
        #[arg(long, value_name = "N")]
        name: Option<String>,
        /// Whether you pay for it.
        #[arg(long, value_name = "true|false", value_parser = BoolishValueParser::new())]
        subscribed: Option<bool>,
    },
    /// Remove a platform; entries that named it keep no platform.
    Remove { id: i64 },
}

#[derive(Debug, Args)]
pub struct SettingsArgs {
    /// 5, 10 or 100.
    #[arg(long, value_parser = core_word::<RatingScale>)]
    pub rating_scale: Option<RatingScale>,
    /// system, light or dark.
    #[arg(long, value_parser = core_word::<Theme>)]
    pub theme: Option<Theme>,
    /// One of your platforms; "" clears it.
    #[arg(long, value_name = "NAME")]
    pub default_platform: Option<String>,
    /// Your TMDB API key or read-access token, for `search --provider tmdb`; "" removes it.
    #[arg(long, value_name = "KEY")]
    pub tmdb_key: Option<String>,
    /// Hosts on your own network Watchlog may fetch posters from,
    /// comma-separated (`nas.local,192.168.1.20`); "" allows none.
    #[arg(long, value_name = "HOSTS")]
    pub allow_hosts: Option<String>,
}

impl SettingsArgs {
    pub fn is_empty(&self) -> bool {
        self.rating_scale.is_none()
            && self.theme.is_none()
            && self.default_platform.is_none()
            && self.tmdb_key.is_none()
            && self.allow_hosts.is_none()
    }
}

/// A value a flag either sets or, given as "", clears.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Clearable<T>(pub Option<T>);

/// Parses with the core's `FromStr`, so the CLI accepts exactly the words the
/// core does and repeats its message (which lists the allowed words).
pub(crate) fn core_word<T>(text: &str) -> Result<T, String>
where
    T: std::str::FromStr<Err = watchlog_core::Error>,
{
    text.parse()
        .map_err(|e: watchlog_core::Error| e.to_string())
}

pub(crate) fn date(text: &str) -> Result<NaiveDate, String> {
    watchlog_core::parse_date(text).map_err(|e| e.to_string())
}

fn clearable_date(text: &str) -> Result<Clearable<NaiveDate>, String> {
    if text.trim().is_empty() {
        Ok(Clearable(None))
    } else {
        date(text).map(|d| Clearable(Some(d)))
    }
}

#[cfg(test)]
mod tests {
    use clap::CommandFactory;

    #[test]
    fn command_line_is_consistent() {
        super::Cli::command().debug_assert();
    }
}
