//! Reading and editing the library: entries, platforms, settings, stats.

use tauri::{Runtime, State};
use tauri_plugin_opener::OpenerExt;
use watchlog_core::{
    markdown, Entry, EntryFields, Facets, LibraryInfo, ListPage, ListQuery, NewEntry, Platform,
    Settings, Stats, StatusCounts, TitleFacts, ViewingDetails,
};

use crate::error::{CommandError, CommandResult};
use crate::state::AppState;

#[tauri::command]
pub async fn library_info(state: State<'_, AppState>) -> CommandResult<LibraryInfo> {
    Ok(state.library()?.info()?)
}

/// One page of the library view: the rows from `query.cursor` (or
/// `query.offset`) on, and the cursor of the page after.
#[tauri::command]
pub async fn list_page(state: State<'_, AppState>, query: ListQuery) -> CommandResult<ListPage> {
    Ok(state.library()?.list_page(&query)?)
}

/// How many entries match `query`, and the counts for its filter chips.
#[tauri::command]
pub async fn facet_counts(state: State<'_, AppState>, query: ListQuery) -> CommandResult<Facets> {
    Ok(state.library()?.facet_counts(&query)?)
}

#[tauri::command]
pub async fn status_counts(state: State<'_, AppState>) -> CommandResult<StatusCounts> {
    Ok(state.library()?.status_counts()?)
}

#[tauri::command]
pub async fn get_entry(state: State<'_, AppState>, id: i64) -> CommandResult<Entry> {
    Ok(state.library()?.entry(id)?)
}

#[tauri::command]
pub async fn add_entry(state: State<'_, AppState>, entry: NewEntry) -> CommandResult<Entry> {
    let mut lib = state.library()?;
    let id = lib.add_entry(&entry)?;
    Ok(lib.entry(id)?)
}

#[tauri::command]
pub async fn update_entry(
    state: State<'_, AppState>,
    id: i64,
    fields: EntryFields,
) -> CommandResult<Entry> {
    Ok(state.library()?.update_entry(id, &fields)?)
}

#[tauri::command]
pub async fn update_title(
    state: State<'_, AppState>,
    id: i64,
    facts: TitleFacts,
) -> CommandResult<Entry> {
    Ok(state.library()?.update_title(id, &facts)?)
}

#[tauri::command]
pub async fn add_episode(state: State<'_, AppState>, id: i64) -> CommandResult<Entry> {
    Ok(state.library()?.add_episode(id)?)
}

#[tauri::command]
pub async fn delete_entry(state: State<'_, AppState>, id: i64) -> CommandResult<()> {
    Ok(state.library()?.delete_entry(id)?)
}

#[tauri::command]
pub async fn add_viewing(
    state: State<'_, AppState>,
    id: i64,
    viewing: ViewingDetails,
) -> CommandResult<Entry> {
    Ok(state.library()?.add_viewing(id, &viewing)?)
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
    Ok(state.library()?.platforms()?)
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
    Ok(state.library()?.settings()?)
}

#[tauri::command]
pub async fn save_settings(
    state: State<'_, AppState>,
    settings: Settings,
) -> CommandResult<Settings> {
    Ok(state.library()?.save_settings(&settings)?)
}

#[tauri::command]
pub async fn load_sample(state: State<'_, AppState>) -> CommandResult<usize> {
    Ok(state.library()?.load_sample()?)
}

#[tauri::command]
pub async fn stats(state: State<'_, AppState>) -> CommandResult<Stats> {
    Ok(state.library()?.stats()?)
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
