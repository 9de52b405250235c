//! Catalogue lookup from the app: search TVmaze or TMDB as the user types,
//! add a show in one step, refresh one title or all of them in the
//! background with progress and cancel, and keep the TMDB key.
//!
//! **Stale searches.** The Add dialog searches on every pause in typing, so
//! an older query can still be in flight when a newer one starts. Each
//! search runs as its own task; starting one aborts the previous task,
//! which drops its HTTP request (the core's calls are cancel-safe), and the
//! aborted call answers with the code `cancelled`. The UI also sends a
//! request number that comes back with the results, and ignores any answer
//! that is not for its latest query — the two together mean a late answer
//! can neither waste the network nor overwrite newer results.
//!
//! **No lock across the network.** The library's mutex is never held while
//! waiting for a catalogue: facts are fetched first, then the library is
//! locked for the one write transaction.

use std::collections::HashSet;
use std::sync::Mutex;

use tauri::async_runtime;
use tauri::ipc::Channel;
use tauri::State;
use tokio::task::AbortHandle;
use watchlog_core::catalog::{
    refresh_source, AiringStatus, Catalog, CatalogConfig, CatalogRef, CatalogStatus, Details,
    Provider, RefreshProgress, RefreshSelection, RefreshSummary, SearchAnswer, SearchResult,
};
use watchlog_core::net::HttpClient;
use watchlog_core::{Entry, EntryFields};

use super::run_slot::RunSlot;
use crate::error::{CommandError, CommandResult};
use crate::state::AppState;

/// The app's catalogue and the background work on it.
#[derive(Default)]
pub struct CatalogState {
    /// Built on first use, rebuilt when the TMDB key changes. Clones share
    /// the HTTP client, its rate limit and the response cache.
    catalog: Mutex<Option<Catalog>>,
    /// The search in flight, aborted when a newer one starts.
    search: Mutex<Option<AbortHandle>>,
    /// The refresh in flight, stopped by `cancel_refresh`.
    refresh: RunSlot,
    /// The background match of imported shows, stopped by `match_cancel`.
    pub(crate) matching: RunSlot,
    /// Image addresses recent searches returned: the only ones the poster
    /// protocol's search route will fetch.
    thumbnails: Mutex<HashSet<String>>,
}

fn lock<T>(m: &Mutex<T>) -> std::sync::MutexGuard<'_, T> {
    m.lock().unwrap_or_else(|p| p.into_inner())
}

/// How many search-result image addresses are remembered; a dialog shows a
/// few dozen at a time, so this spans many searches.
const MAX_THUMBNAILS: usize = 2_000;

impl CatalogState {
    /// Lets the poster protocol fetch these results' thumbnails.
    pub(crate) fn allow_thumbnails(&self, results: &[SearchResult]) {
        let mut allowed = lock(&self.thumbnails);
        if allowed.len() > MAX_THUMBNAILS {
            allowed.clear();
        }
        allowed.extend(results.iter().filter_map(|r| r.poster_thumb_url.clone()));
    }

    /// Whether a search returned `url` as a result's thumbnail.
    pub fn thumbnail_allowed(&self, url: &str) -> bool {
        lock(&self.thumbnails).contains(url)
    }

    /// The catalogue, reading the TMDB key from the library the first time.
    pub(crate) fn catalog(&self, app: &AppState) -> CommandResult<Catalog> {
        if let Some(c) = lock(&self.catalog).as_ref() {
            return Ok(c.clone());
        }
        let c = build(app)?;
        *lock(&self.catalog) = Some(c.clone());
        Ok(c)
    }

    /// Drops the catalogue so the next use builds it from the settings
    /// again (a new language).
    pub(crate) fn forget(&self) {
        *lock(&self.catalog) = None;
    }
}

fn build(app: &AppState) -> CommandResult<Catalog> {
    let config = CatalogConfig::for_library(&*app.reader()?)?;
    Ok(Catalog::with_client(HttpClient::shared()?, config))
}

fn cancelled(what: &str) -> CommandError {
    CommandError::new("cancelled", format!("{what} was cancelled"))
}

/// Shows matching `query`. A newer call cancels this one (`cancelled`).
#[tauri::command]
pub async fn catalog_search(
    state: State<'_, AppState>,
    catalog_state: State<'_, CatalogState>,
    provider: Provider,
    query: String,
    request: u32,
) -> CommandResult<SearchAnswer> {
    let catalog = catalog_state.catalog(&state)?;
    let task = async_runtime::spawn(async move { catalog.search(provider, &query).await });
    if let Some(older) = lock(&catalog_state.search).replace(task.inner().abort_handle()) {
        older.abort();
    }
    // An aborted task ends with a join error: a newer search took over.
    let results = task.await.map_err(|_| cancelled("this search"))??;
    catalog_state.allow_thumbnails(&results);
    Ok(SearchAnswer { request, results })
}

/// Everything the catalogue knows about one show, for a preview.
#[tauri::command]
pub async fn catalog_details(
    state: State<'_, AppState>,
    catalog_state: State<'_, CatalogState>,
    reference: CatalogRef,
) -> CommandResult<Details> {
    let catalog = catalog_state.catalog(&state)?;
    Ok(catalog.details(&reference).await?)
}

/// Adds a catalogue show (facts, ids, episodes; the poster address is
/// stored) with the user's first record of it, in one write.
#[tauri::command]
pub async fn add_from_catalog(
    state: State<'_, AppState>,
    catalog_state: State<'_, CatalogState>,
    reference: CatalogRef,
    fields: EntryFields,
) -> CommandResult<Entry> {
    let catalog = catalog_state.catalog(&state)?;
    let details = catalog.details(&reference).await?;
    let mut lib = state.library()?;
    let id = lib.add_from_catalog(&details, &fields)?;
    Ok(lib.entry(id)?)
}

/// Re-fetches one entry's facts; the user's fields never change.
#[tauri::command]
pub async fn refresh_entry(
    state: State<'_, AppState>,
    catalog_state: State<'_, CatalogState>,
    id: i64,
) -> CommandResult<Entry> {
    let catalog = catalog_state.catalog(&state)?;
    let source = refresh_source(&state.library()?.entry(id)?).ok_or_else(|| {
        CommandError::new(
            "invalid_input",
            "this title has no TVmaze or TMDB id to refresh from (it was added by hand)",
        )
    })?;
    let details = catalog.details(&source).await?;
    Ok(state.library()?.refresh_title(id, &details)?)
}

/// Refreshes every entry that came from a catalogue (the core's
/// `refresh_all`), sending progress on `on_progress`: every failure, each
/// whole percent and the last title. Ends when all are done or
/// `cancel_refresh` is called; titles already refreshed stay refreshed.
/// One refresh at a time.
#[tauri::command]
pub async fn refresh_all(
    state: State<'_, AppState>,
    catalog_state: State<'_, CatalogState>,
    on_progress: Channel<RefreshProgress>,
) -> CommandResult<RefreshSummary> {
    run_refresh(
        &state,
        &catalog_state,
        &RefreshSelection::All,
        &sender(&on_progress),
    )
    .await
}

/// Refreshes the shows that are running or upcoming (the core's
/// `RefreshSelection::Airing`), as the background work does every few
/// hours, sending progress on `on_progress`; `cancel_refresh` stops it.
#[tauri::command]
pub async fn refresh_airing(
    state: State<'_, AppState>,
    catalog_state: State<'_, CatalogState>,
    on_progress: Channel<RefreshProgress>,
) -> CommandResult<RefreshSummary> {
    run_airing(&state, &catalog_state, &sender(&on_progress)).await
}

/// One refresh of the airing shows: the command's and the background
/// work's.
pub(crate) async fn run_airing(
    state: &AppState,
    catalog_state: &CatalogState,
    progress: &(dyn Fn(RefreshProgress) + Sync),
) -> CommandResult<RefreshSummary> {
    run_refresh(state, catalog_state, &RefreshSelection::Airing, progress).await
}

/// Progress to the UI's channel; a closed window just stops hearing it.
fn sender(channel: &Channel<RefreshProgress>) -> impl Fn(RefreshProgress) + Sync + '_ {
    move |p| {
        let _ = channel.send(p);
    }
}

/// A refresh in the refresh slot, so two never run at once and
/// `cancel_refresh` stops whichever runs.
async fn run_refresh(
    state: &AppState,
    catalog_state: &CatalogState,
    which: &RefreshSelection,
    progress: &(dyn Fn(RefreshProgress) + Sync),
) -> CommandResult<RefreshSummary> {
    let catalog = catalog_state.catalog(state)?;
    let cancel = catalog_state
        .refresh
        .start("a refresh is already running; wait for it or cancel it")?;
    let run =
        watchlog_core::catalog::refresh_all(state.path(), &catalog, which, Some(progress), &cancel)
            .await;
    catalog_state.refresh.finish(&cancel);
    Ok(run?.summary)
}

/// When the airing shows were last refreshed, and whether a refresh runs.
#[tauri::command]
pub async fn airing_status(
    state: State<'_, AppState>,
    catalog_state: State<'_, CatalogState>,
) -> CommandResult<AiringStatus> {
    Ok(AiringStatus {
        last_refreshed: state.reader()?.airing_refreshed_at()?,
        running: catalog_state.refresh.is_running(),
    })
}

/// Stops a running refresh: a title being fetched is abandoned, one being
/// written is finished.
#[tauri::command]
pub async fn cancel_refresh(catalog_state: State<'_, CatalogState>) -> CommandResult<bool> {
    Ok(catalog_state.refresh.cancel())
}

/// Whether a TMDB key is set; the key itself never goes back to the UI.
#[tauri::command]
pub async fn catalog_status(
    state: State<'_, AppState>,
    catalog_state: State<'_, CatalogState>,
) -> CommandResult<CatalogStatus> {
    let catalog = catalog_state.catalog(&state)?;
    Ok(CatalogStatus {
        tmdb_key_set: catalog.config().tmdb_key.is_some(),
    })
}

/// Saves (or, with `null` or "", removes) the TMDB key and rebuilds the
/// catalogue with it.
#[tauri::command]
pub async fn set_tmdb_key(
    state: State<'_, AppState>,
    catalog_state: State<'_, CatalogState>,
    key: Option<String>,
) -> CommandResult<CatalogStatus> {
    state.library()?.set_tmdb_key(key.as_deref())?;
    let catalog = build(&state)?;
    let status = CatalogStatus {
        tmdb_key_set: catalog.config().tmdb_key.is_some(),
    };
    *lock(&catalog_state.catalog) = Some(catalog);
    Ok(status)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_addresses_a_search_returned_are_fetched_for_thumbnails() {
        let state = CatalogState::default();
        let url = "https://static.tvmaze.com/uploads/images/medium_portrait/1/2.jpg";
        assert!(
            !state.thumbnail_allowed(url),
            "nothing is allowed before a search"
        );
        state.allow_thumbnails(&[SearchResult {
            provider: Provider::Tvmaze,
            provider_id: "1871".into(),
            name: "Mr. Robot".into(),
            original_name: None,
            year: Some(2015),
            country: Some("US".into()),
            network: None,
            kind: watchlog_core::Kind::Series,
            poster_thumb_url: Some(url.into()),
            summary: None,
        }]);
        assert!(state.thumbnail_allowed(url));
        assert!(
            !state.thumbnail_allowed("http://127.0.0.1:8080/admin"),
            "the thumbnail route must not fetch arbitrary addresses"
        );
    }
}
