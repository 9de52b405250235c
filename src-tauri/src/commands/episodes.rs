//! What to watch next: Up next, the calendar, and the episode list of one
//! entry with its marks. Each command reads the clock once (`Clock::system`,
//! which honours `WATCHLOG_NOW` and `TZ`), so "now" and the viewer's zone
//! come from the core's one clock, never from the webview.

use chrono::{DateTime, NaiveDate, Utc};
use serde::Serialize;
use tauri::State;
use watchlog_core::clock::Clock;
use watchlog_core::{
    CalendarItem, CalendarQuery, Entry, EpisodeProgress, EpisodeRef, Library, Rating, UpNextQuery,
    UpNextRow, WatchedWhen,
};

use crate::error::{Arg, CommandResult};
use crate::state::AppState;

/// The episode the UI names as `{ season, number }`, checked as the CLI's
/// `S1E4` is (so `S0E0` is refused with the same message).
fn episode(arg: Arg<EpisodeRef>) -> CommandResult<EpisodeRef> {
    let e = arg.get()?;
    Ok(EpisodeRef::new(e.season, e.number)?)
}

/// The core's "now" and the viewer's day, so the UI's countdowns and the
/// calendar's today agree with the core (and follow `WATCHLOG_NOW`).
#[derive(Debug, Serialize)]
pub struct Now {
    now: DateTime<Utc>,
    today: NaiveDate,
}

#[tauri::command]
pub async fn clock_now() -> Now {
    let clock = Clock::system();
    Now {
        now: clock.now(),
        today: clock.today(),
    }
}

#[tauri::command]
pub async fn up_next(
    state: State<'_, AppState>,
    query: Arg<UpNextQuery>,
) -> CommandResult<Vec<UpNextRow>> {
    Ok(state.reader()?.up_next(&query.get()?, &Clock::system())?)
}

#[tauri::command]
pub async fn calendar(
    state: State<'_, AppState>,
    query: Arg<CalendarQuery>,
) -> CommandResult<Vec<CalendarItem>> {
    Ok(state.reader()?.calendar(&query.get()?, &Clock::system())?)
}

/// Asks where to save, then writes the calendar of `query` there as an
/// iCalendar file (the core's `calendar_ics`, as `watchlog calendar --ics`
/// writes it) for a calendar app to import. `None`: cancelled.
#[tauri::command]
pub async fn export_calendar<R: tauri::Runtime>(
    app: tauri::AppHandle<R>,
    state: State<'_, AppState>,
    query: Arg<CalendarQuery>,
) -> CommandResult<Option<usize>> {
    let query = query.get()?;
    let clock = Clock::system();
    let items = state.reader()?.calendar(&query, &clock)?;
    let picked = super::transfer::save_dialog(
        &app,
        "Export the calendar",
        "watchlog-calendar.ics".into(),
        "iCalendar",
        "ics",
    )?;
    let Some(path) = picked else {
        return Ok(None);
    };
    let ics = watchlog_core::transfer::ics::calendar_ics(&items, clock.now());
    let lib = state.own_connection()?;
    watchlog_core::transfer::save_to_path(&lib, &path, "the calendar", ics.as_bytes())?;
    Ok(Some(items.len()))
}

/// The entry's episodes with the marks of its current viewing, or of the
/// earlier viewing `viewing` (read-only in the editor).
#[tauri::command]
pub async fn episode_progress(
    state: State<'_, AppState>,
    id: i64,
    viewing: Option<i64>,
) -> CommandResult<Vec<EpisodeProgress>> {
    Ok(state.reader()?.episode_progress_in(id, viewing)?)
}

/// Episodes the UI names as a list, each checked as `episode` checks one.
fn episodes(arg: Arg<Vec<EpisodeRef>>) -> CommandResult<Vec<EpisodeRef>> {
    Ok(arg
        .get()?
        .into_iter()
        .map(|e| EpisodeRef::new(e.season, e.number))
        .collect::<watchlog_core::Result<_>>()?)
}

/// Marks as `how` does, on the day the viewer sent, or now.
fn mark(
    state: &AppState,
    on: Option<Arg<NaiveDate>>,
    how: impl FnOnce(&mut Library, WatchedWhen, &Clock) -> watchlog_core::Result<Entry>,
) -> CommandResult<Entry> {
    let clock = Clock::system();
    let on = on.map(Arg::get).transpose()?;
    let when = on.map_or(WatchedWhen::At(clock.now()), WatchedWhen::On);
    Ok(how(&mut *state.library()?, when, &clock)?)
}

/// Marks one episode watched on `on`, or now.
#[tauri::command]
pub async fn mark_episode(
    state: State<'_, AppState>,
    id: i64,
    episode: Arg<EpisodeRef>,
    on: Option<Arg<NaiveDate>>,
) -> CommandResult<Entry> {
    let ep = self::episode(episode)?;
    mark(&state, on, |lib, when, clock| {
        lib.mark_episode(id, ep, when, clock)
    })
}

/// Marks several episodes (a season, a range) on `on`, or now: all of
/// them in one transaction, or none when one is refused.
#[tauri::command]
pub async fn mark_episodes(
    state: State<'_, AppState>,
    id: i64,
    episodes: Arg<Vec<EpisodeRef>>,
    on: Option<Arg<NaiveDate>>,
) -> CommandResult<Entry> {
    let eps = self::episodes(episodes)?;
    mark(&state, on, |lib, when, clock| {
        lib.mark_episodes(id, &eps, when, clock)
    })
}

/// Marks `episode` and every episode before it not watched yet.
#[tauri::command]
pub async fn mark_episodes_until(
    state: State<'_, AppState>,
    id: i64,
    episode: Arg<EpisodeRef>,
    on: Option<Arg<NaiveDate>>,
) -> CommandResult<Entry> {
    let ep = self::episode(episode)?;
    mark(&state, on, |lib, when, clock| {
        lib.mark_episodes_until(id, ep, when, clock)
    })
}

/// Unmarks episodes (one, a season, a range) in one transaction, or none
/// when one of them is not marked.
#[tauri::command]
pub async fn unmark_episodes(
    state: State<'_, AppState>,
    id: i64,
    episodes: Arg<Vec<EpisodeRef>>,
) -> CommandResult<Entry> {
    let eps = self::episodes(episodes)?;
    Ok(state
        .library()?
        .unmark_episodes(id, &eps, &Clock::system())?)
}

/// Starts watching the entry again on `on`, or today: the current
/// viewing, with its episode marks, is kept as an earlier viewing.
#[tauri::command]
pub async fn start_rewatch(
    state: State<'_, AppState>,
    id: i64,
    on: Option<Arg<NaiveDate>>,
) -> CommandResult<Entry> {
    let clock = Clock::system();
    let on = on.map(Arg::get).transpose()?.unwrap_or(clock.today());
    Ok(state.library()?.start_rewatch(id, on, &clock)?)
}

/// Sets a watched episode's own rating and note; `null` clears each.
#[tauri::command]
pub async fn annotate_episode(
    state: State<'_, AppState>,
    id: i64,
    episode: Arg<EpisodeRef>,
    rating: Option<Arg<Rating>>,
    note: Option<String>,
) -> CommandResult<()> {
    let ep = self::episode(episode)?;
    Ok(state.library()?.annotate_episode(
        id,
        ep,
        rating.map(Arg::get).transpose()?,
        note.as_deref(),
    )?)
}
