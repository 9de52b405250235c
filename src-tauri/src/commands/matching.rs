//! The *Needs a match* list from the app: the shows imports brought in
//! without a catalogue id, matched in the background (after an import, and
//! by the background loop while any wait, so a run cut short by a quit or
//! by going offline carries on later), with progress and the time left as
//! events, cancel, and the viewer's own pick or "keep as it is". The loop
//! itself is the core's `catalog::match_all`.

use tauri::{AppHandle, Emitter, Manager, Runtime, State};
use watchlog_core::catalog::{
    CatalogRef, MatchProgress, MatchRun, MatchSelection, MatchState, Unmatched,
};
use watchlog_core::Entry;

use super::catalog::CatalogState;
use crate::error::CommandResult;
use crate::state::AppState;

/// Each show matched (or not) during a run: `MatchProgress`.
pub const PROGRESS_EVENT: &str = "match-progress";
/// A run ended: `MatchRun`.
pub const DONE_EVENT: &str = "match-done";

/// The shows with no catalogue match; the candidates' thumbnails may then
/// be shown.
#[tauri::command]
pub async fn unmatched(
    state: State<'_, AppState>,
    catalog_state: State<'_, CatalogState>,
) -> CommandResult<Vec<Unmatched>> {
    let rows = state.reader()?.unmatched()?;
    for r in &rows {
        catalog_state.allow_thumbnails(&r.candidates);
    }
    Ok(rows)
}

/// Starts matching every waiting show in the background, unless a run is
/// on already; `false` then. Progress and the end come as events.
#[tauri::command]
pub async fn match_start<R: Runtime>(app: AppHandle<R>) -> CommandResult<bool> {
    Ok(spawn(&app))
}

/// Stops a running match; the shows not reached keep waiting.
#[tauri::command]
pub async fn match_cancel(catalog_state: State<'_, CatalogState>) -> CommandResult<bool> {
    Ok(catalog_state.matching.cancel())
}

/// Attaches the show the viewer picked to the entry.
#[tauri::command]
pub async fn match_pick(
    state: State<'_, AppState>,
    catalog_state: State<'_, CatalogState>,
    id: i64,
    show: CatalogRef,
) -> CommandResult<Entry> {
    let catalog = catalog_state.catalog(&state)?;
    let details = catalog.details(&show).await?;
    Ok(state.library()?.attach_match(id, &details)?)
}

/// Keeps the entry as it is: off the list, never matched.
#[tauri::command]
pub async fn match_keep(state: State<'_, AppState>, id: i64) -> CommandResult<()> {
    Ok(state
        .library()?
        .record_match(id, MatchState::Kept, &[], None)?)
}

/// Whether a background run would have anything to do (the core says).
pub fn any_waiting<R: Runtime>(app: &AppHandle<R>) -> bool {
    let state = app.state::<AppState>();
    let has_key = app
        .state::<CatalogState>()
        .catalog(&state)
        .is_ok_and(|c| c.config().tmdb_key.is_some());
    state
        .reader()
        .and_then(|lib| Ok(watchlog_core::catalog::anything_to_match(&lib, has_key)?))
        .unwrap_or(false)
}

/// Starts a background run unless one is on; `true` when it started.
pub fn spawn<R: Runtime>(app: &AppHandle<R>) -> bool {
    if app.state::<CatalogState>().matching.is_running() {
        return false;
    }
    let app = app.clone();
    tauri::async_runtime::spawn(async move {
        // Busy (a run started meanwhile) or offline: the background loop
        // tries again later.
        if let Ok(run) = run(&app).await {
            let _ = app.emit(DONE_EVENT, run);
        }
    });
    true
}

async fn run<R: Runtime>(app: &AppHandle<R>) -> CommandResult<MatchRun> {
    let state = app.state::<AppState>();
    let catalog_state = app.state::<CatalogState>();
    let catalog = catalog_state.catalog(&state)?;
    let cancel = catalog_state
        .matching
        .start("shows are being matched already")?;
    let send = |p: MatchProgress| {
        let _ = app.emit(PROGRESS_EVENT, p);
    };
    let run = watchlog_core::catalog::match_all(
        state.path(),
        &catalog,
        &MatchSelection::All,
        Some(&send),
        &cancel,
    )
    .await;
    catalog_state.matching.finish(&cancel);
    Ok(run?)
}
