//! Reading and editing the library: entries, platforms, settings, stats.

use tauri::{AppHandle, Manager, Runtime, State};
use tauri_plugin_opener::OpenerExt;
use watchlog_core::{
    markdown, BulkChange, BulkOutcome, Entry, EntryPatch, EntryPreview, ErrorPayload, Facets,
    LibraryInfo, ListPage, ListQuery, NewEntry, Platform, RatingScale, RatingTable, Settings,
    Stats, StatusCounts, TitleFacts, UndoStep, ViewingDetails, YearReview,
};

use crate::error::{Arg, CommandError, CommandResult};
use crate::state::AppState;

#[tauri::command]
pub async fn library_info(state: State<'_, AppState>) -> CommandResult<LibraryInfo> {
    Ok(state.reader()?.info()?)
}

/// One page of the library view: the rows from `query.cursor` (or
/// `query.offset`) on, and the cursor of the page after.
#[tauri::command]
pub async fn list_page(state: State<'_, AppState>, query: ListQuery) -> CommandResult<ListPage> {
    Ok(state.reader()?.list_page(&query)?)
}

/// How many entries match `query`, and the counts for its filter chips.
#[tauri::command]
pub async fn facet_counts(state: State<'_, AppState>, query: ListQuery) -> CommandResult<Facets> {
    Ok(state.reader()?.facet_counts(&query)?)
}

#[tauri::command]
pub async fn status_counts(state: State<'_, AppState>) -> CommandResult<StatusCounts> {
    Ok(state.reader()?.status_counts()?)
}

#[tauri::command]
pub async fn get_entry(state: State<'_, AppState>, id: i64) -> CommandResult<Entry> {
    Ok(state.reader()?.entry(id)?)
}

#[tauri::command]
pub async fn add_entry(state: State<'_, AppState>, entry: Arg<NewEntry>) -> CommandResult<Entry> {
    let entry = entry.get()?;
    let mut lib = state.library()?;
    let id = lib.add_entry(&entry)?;
    Ok(lib.entry(id)?)
}

/// Every problem with what the add dialog would add, by field.
#[tauri::command]
pub async fn check_new_entry(
    state: State<'_, AppState>,
    entry: Arg<NewEntry>,
) -> CommandResult<Vec<ErrorPayload>> {
    Ok(state.reader()?.check_new_entry(&entry.get()?))
}

/// Changes only the fields the patch names.
#[tauri::command]
pub async fn update_entry(
    state: State<'_, AppState>,
    id: i64,
    patch: Arg<EntryPatch>,
) -> CommandResult<Entry> {
    Ok(state.library()?.update_entry(id, &patch.get()?)?)
}

/// What saving the patch would store, with the status rules applied, and
/// its problems by field; nothing is written.
#[tauri::command]
pub async fn preview_entry(
    state: State<'_, AppState>,
    id: i64,
    patch: Arg<EntryPatch>,
) -> CommandResult<EntryPreview> {
    Ok(state.reader()?.preview_entry(id, &patch.get()?)?)
}

#[tauri::command]
pub async fn update_title(
    state: State<'_, AppState>,
    id: i64,
    facts: Arg<TitleFacts>,
) -> CommandResult<Entry> {
    Ok(state.library()?.update_title(id, &facts.get()?)?)
}

/// Every problem with new facts for an entry's title, by field.
#[tauri::command]
pub async fn check_title(
    state: State<'_, AppState>,
    id: i64,
    facts: Arg<TitleFacts>,
) -> CommandResult<Vec<ErrorPayload>> {
    Ok(state.reader()?.check_title(id, &facts.get()?)?)
}

/// A rating scale as the core defines it: the UI formats and reads ratings
/// by looking them up here.
#[tauri::command]
pub async fn rating_table(scale: RatingScale) -> RatingTable {
    RatingTable::new(scale)
}

#[tauri::command]
pub async fn add_episode(state: State<'_, AppState>, id: i64) -> CommandResult<Entry> {
    Ok(state.library()?.add_episode(id)?)
}

/// Deletes an entry; the step the answer carries takes it back (`undo`).
#[tauri::command]
pub async fn delete_entry(state: State<'_, AppState>, id: i64) -> CommandResult<UndoStep> {
    Ok(state.library()?.delete_entry(id)?)
}

/// Deletes a selection, all or none, as one step.
#[tauri::command]
pub async fn delete_entries(state: State<'_, AppState>, ids: Vec<i64>) -> CommandResult<UndoStep> {
    Ok(state.library()?.delete_entries(&ids)?)
}

/// One change to every entry of a selection, in one transaction.
#[tauri::command]
pub async fn bulk_change(
    state: State<'_, AppState>,
    ids: Vec<i64>,
    change: Arg<BulkChange>,
) -> CommandResult<BulkOutcome> {
    Ok(state.library()?.bulk_change(&ids, &change.get()?)?)
}

/// Takes back a step a delete or a bulk change returned.
#[tauri::command]
pub async fn undo(state: State<'_, AppState>, step: u64) -> CommandResult<UndoStep> {
    Ok(state.library()?.undo(step)?)
}

#[tauri::command]
pub async fn add_viewing(
    state: State<'_, AppState>,
    id: i64,
    viewing: Arg<ViewingDetails>,
) -> CommandResult<Entry> {
    Ok(state.library()?.add_viewing(id, &viewing.get()?)?)
}

#[tauri::command]
pub async fn delete_viewing(state: State<'_, AppState>, viewing_id: i64) -> CommandResult<Entry> {
    Ok(state.library()?.delete_viewing(viewing_id)?)
}

/// The review preview: the same sanitising renderer the exports use.
#[tauri::command]
pub async fn render_markdown(markdown: String) -> String {
    markdown::render(&markdown)
}

#[tauri::command]
pub async fn list_platforms(state: State<'_, AppState>) -> CommandResult<Vec<Platform>> {
    Ok(state.reader()?.platforms()?)
}

#[tauri::command]
pub async fn add_platform(
    state: State<'_, AppState>,
    name: String,
    subscribed: bool,
) -> CommandResult<Platform> {
    Ok(state.library()?.add_platform(&name, subscribed)?)
}

#[tauri::command]
pub async fn update_platform(
    state: State<'_, AppState>,
    id: i64,
    name: String,
    subscribed: bool,
) -> CommandResult<Platform> {
    Ok(state.library()?.update_platform(id, &name, subscribed)?)
}

#[tauri::command]
pub async fn delete_platform(state: State<'_, AppState>, id: i64) -> CommandResult<()> {
    Ok(state.library()?.delete_platform(id)?)
}

#[tauri::command]
pub async fn get_settings(state: State<'_, AppState>) -> CommandResult<Settings> {
    Ok(state.reader()?.settings()?)
}

#[tauri::command]
pub async fn save_settings<R: Runtime>(
    app: AppHandle<R>,
    state: State<'_, AppState>,
    settings: Arg<Settings>,
) -> CommandResult<Settings> {
    let saved = state.library()?.save_settings(&settings.get()?)?;
    // The webhook listener follows its port (it reads the settings itself),
    // and the catalogue the language.
    crate::webhooks::restart(&app);
    app.state::<crate::commands::catalog::CatalogState>()
        .forget();
    Ok(saved)
}

/// The system's language, if Watchlog speaks it: what "System" in the
/// language picker means. Read from the process's locale variables, which
/// a Korean desktop sets even where the webview reports English.
#[tauri::command]
pub async fn system_language() -> CommandResult<Option<String>> {
    Ok(watchlog_core::language::system().map(str::to_string))
}

#[tauri::command]
pub async fn load_sample(state: State<'_, AppState>) -> CommandResult<usize> {
    Ok(state.library()?.load_sample()?)
}

#[tauri::command]
pub async fn stats(state: State<'_, AppState>) -> CommandResult<Stats> {
    Ok(state.reader()?.stats()?)
}

/// One calendar year in review (Stats › Year in review).
#[tauri::command]
pub async fn year_review(state: State<'_, AppState>, year: i32) -> CommandResult<YearReview> {
    Ok(state.reader()?.year_review(year)?)
}

/// Opens a web link from a review in the user's browser. Only http(s) and
/// mailto links are opened; the webview itself never navigates away.
#[tauri::command]
pub async fn open_url<R: Runtime>(app: tauri::AppHandle<R>, url: String) -> CommandResult<()> {
    let parsed = url::Url::parse(&url)
        .map_err(|_| CommandError::new("invalid_input", format!("'{url}' is not a web address")))?;
    if !matches!(parsed.scheme(), "http" | "https" | "mailto") {
        return Err(CommandError::new(
            "invalid_input",
            format!(
                "only web and mail links can be opened, not '{}:'",
                parsed.scheme()
            ),
        ));
    }
    app.opener()
        .open_url(parsed.as_str(), None::<&str>)
        .map_err(|e| CommandError::new("app", format!("could not open the link: {e}")))
}
