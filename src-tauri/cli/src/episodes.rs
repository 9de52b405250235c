//! What to watch next from the command line: `watchlog episodes` (an
//! entry's episode list), `watchlog episode` (mark one, mark up to one,
//! unmark one, or count the next one), `watchlog next` (Up next) and
//! `watchlog calendar` (the episodes airing in a range of days, as text,
//! JSON or an iCalendar file). Time is the core's `Clock::system()`, so
//! `WATCHLOG_NOW` and `TZ` fix it for scripts and tests.

use std::path::{Path, PathBuf};

use chrono::NaiveDate;
use clap::Args;
use watchlog_core::clock::Clock;
use watchlog_core::transfer::{self, ics};
use watchlog_core::{CalendarQuery, EpisodeRef, Status, UpNextQuery, WatchedWhen};

use crate::args::{core_word, date};
use crate::commands::existing;
use crate::error::CliError;
use crate::output::{self, Out};

type Result<T = (), E = CliError> = std::result::Result<T, E>;

#[derive(Debug, Args)]
pub struct EpisodeArgs {
    pub id: i64,
    /// The episode watched: S1E4 (also s01e04 or 1x04) [default: add one
    /// to the count, the next episode].
    #[arg(value_name = "EPISODE", value_parser = core_word::<EpisodeRef>, conflicts_with = "until")]
    pub episode: Option<EpisodeRef>,
    /// Mark this episode and every one before it (specials aside).
    #[arg(long, value_name = "EPISODE", value_parser = core_word::<EpisodeRef>)]
    pub until: Option<EpisodeRef>,
    /// When it was watched: YYYY-MM-DD, or "YYYY-MM-DD HH:MM" in your
    /// local time [default: now].
    #[arg(long, value_name = "DATE")]
    pub on: Option<String>,
    /// Unmark the episode instead.
    #[arg(long, requires = "episode", conflicts_with_all = ["until", "on"])]
    pub unwatch: bool,
}

#[derive(Debug, Args)]
pub struct NextArgs {
    /// Only shows on a platform you subscribe to.
    #[arg(long)]
    pub on_my_services: bool,
}

#[derive(Debug, Args)]
pub struct CalendarArgs {
    /// The first day, YYYY-MM-DD in your local time [default: today].
    #[arg(long, value_name = "DATE", value_parser = date)]
    pub from: Option<NaiveDate>,
    /// How many days.
    #[arg(long, value_name = "N", default_value_t = 7)]
    pub days: u32,
    /// An iCalendar file (RFC 5545) for a calendar app, instead of text.
    #[arg(long)]
    pub ics: bool,
    /// Write to this file instead of stdout (replaced only once complete).
    #[arg(long, short, value_name = "PATH")]
    pub out: Option<PathBuf>,
    /// Only entries with these statuses [default: watching, plan-to-watch
    /// and on-hold]; repeat the flag or separate with commas.
    #[arg(long, value_name = "S", value_delimiter = ',', value_parser = core_word::<Status>)]
    pub status: Vec<Status>,
    /// Only shows on a platform you subscribe to.
    #[arg(long)]
    pub on_my_services: bool,
}

pub fn episodes(db: &Path, out: &Out, id: i64) -> Result {
    let clock = Clock::system();
    existing(db, |lib| {
        let name = lib.entry(id)?.title.facts.name;
        out.episodes(&name, &lib.episode_progress(id)?, &clock)
    })
}

pub fn episode(db: &Path, out: &Out, a: EpisodeArgs) -> Result {
    let clock = Clock::system();
    if a.on.is_some() && a.episode.is_none() && a.until.is_none() {
        return Err(CliError::bad_input(
            "--on needs an episode: `watchlog episode ID S1E4 --on DATE` or `--until S1E4 --on DATE`",
        ));
    }
    let when = match &a.on {
        Some(text) => WatchedWhen::parse(text, &clock)?,
        None => WatchedWhen::At(clock.now()),
    };
    existing(db, |lib| {
        let entry = match (a.episode, a.until) {
            (Some(ep), _) if a.unwatch => lib.unmark_episode(a.id, ep, &clock)?,
            (Some(ep), _) => lib.mark_episode(a.id, ep, when, &clock)?,
            (None, Some(ep)) => lib.mark_episodes_until(a.id, ep, when, &clock)?,
            (None, None) => lib.add_episode(a.id)?,
        };
        out.changed(&entry, &lib.settings()?)
    })
}

pub fn next(db: &Path, out: &Out, a: NextArgs) -> Result {
    let clock = Clock::system();
    let query = UpNextQuery {
        on_my_services: a.on_my_services,
    };
    existing(db, |lib| out.up_next(&lib.up_next(&query, &clock)?, &clock))
}

pub fn calendar(db: &Path, out: &Out, a: CalendarArgs) -> Result {
    if a.ics && out.json {
        return Err(CliError::bad_input(
            "--json and --ics are two formats; give one of them",
        ));
    }
    let clock = Clock::system();
    let query = CalendarQuery {
        from: a.from.unwrap_or_else(|| clock.today()),
        days: a.days,
        statuses: a.status,
        on_my_services: a.on_my_services,
    };
    existing(db, |lib| {
        let items = lib.calendar(&query, &clock)?;
        let text = if a.ics {
            ics::calendar_ics(&items, clock.now())
        } else if out.json {
            output::json_text(&items)?
        } else {
            output::calendar_text(&items, &query)
        };
        match &a.out {
            Some(path) => {
                transfer::save_to_path(lib, path, "the calendar", text.as_bytes())?;
                eprintln!(
                    "Wrote {} episode{} to {}",
                    items.len(),
                    if items.len() == 1 { "" } else { "s" },
                    path.display()
                );
                Ok(())
            }
            None => output::emit(&text),
        }
    })
}
