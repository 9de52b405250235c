//! The poster cache in the app: the `poster://` protocol that serves cached
//! thumbnails to the webview, and the commands behind Settings → Posters
//! (status, fetch with progress and cancel, prune).
//!
//! The protocol maps an opaque id, `<content hash>-<size>`, to a file in the
//! cache folder; no filesystem path ever crosses IPC, and anything that is
//! not a known id is a 404. It only reads the disk, so the grid never waits
//! on the network: a title without a cached poster shows its placeholder.
//!
//! One more route, `poster://localhost/search/<encoded image address>`,
//! serves the small thumbnails beside catalogue search results. The webview
//! cannot load remote images (the CSP forbids it), so the app fetches them
//! — but only addresses a catalogue search has just returned (see
//! `CatalogState::allow_thumbnails`): the route is no open proxy.

use std::collections::HashSet;
use std::sync::Mutex;

use tauri::http::{header, Response, StatusCode};
use tauri::ipc::Channel;
use tauri::{Manager, Runtime, State, UriSchemeContext, UriSchemeResponder};
use watchlog_core::net::HttpClient;
use watchlog_core::posters::{
    fetch_all, FetchProgress, FetchSummary, PosterCache, PosterSelection, PosterStatus,
    PruneReport, DEFAULT_BUDGET_BYTES, DEFAULT_CONCURRENCY,
};

use super::run_slot::RunSlot;
use crate::error::CommandResult;
use crate::AppState;

/// The URI scheme: `poster://localhost/<id>` on Linux and macOS,
/// `http://poster.localhost/<id>` on Windows and Android.
pub const SCHEME: &str = "poster";

/// The poster side of the app's state.
pub struct PosterState {
    cache: PosterCache,
    /// The running fetch, so Cancel can reach it.
    run: RunSlot,
    /// Posters already marked as used this session: one write per poster
    /// per session is enough for least-recently-used pruning.
    touched: Mutex<HashSet<String>>,
}

impl PosterState {
    pub fn new(cache: PosterCache) -> Self {
        PosterState {
            cache,
            run: RunSlot::default(),
            touched: Mutex::new(HashSet::new()),
        }
    }

    /// The poster cache, for exports that embed thumbnails.
    pub fn cache(&self) -> &PosterCache {
        &self.cache
    }

    /// The library's cache in the user's cache folder (a temp folder if the
    /// system has none, so the app still starts), with the posters it used
    /// from the folder all libraries once shared.
    pub fn for_library(state: &AppState) -> Self {
        let root = PosterCache::default_dir()
            .unwrap_or_else(|| std::env::temp_dir().join("watchlog-posters"));
        let cache = PosterCache::of_library(&root, state.path());
        if let Ok(lib) = state.library() {
            // Not fatal: what cannot be linked is fetched again.
            let _ = lib.adopt_shared_posters(&cache);
        }
        PosterState::new(cache)
    }
}

/// Adds the poster protocol to a builder; the poster state is managed once
/// the library is known (see [`PosterState::for_library`]).
pub fn with_posters<R: Runtime>(builder: tauri::Builder<R>) -> tauri::Builder<R> {
    builder.register_asynchronous_uri_scheme_protocol(SCHEME, serve)
}

fn serve<R: Runtime>(
    ctx: UriSchemeContext<'_, R>,
    request: tauri::http::Request<Vec<u8>>,
    responder: UriSchemeResponder,
) {
    let app = ctx.app_handle().clone();
    let id = request.uri().path().trim_start_matches('/').to_string();
    if let Some(encoded) = id.strip_prefix("search/") {
        serve_search_thumbnail(app, encoded, responder);
        return;
    }
    // Reading a file is blocking work: keep it off the webview's thread.
    tauri::async_runtime::spawn_blocking(move || {
        let state = app.state::<PosterState>();
        let file = state.cache.resolve(&id).and_then(|p| std::fs::read(p).ok());
        let response = match file {
            Some(bytes) => {
                let hash = id.rsplit_once('-').map_or("", |(h, _)| h).to_string();
                let mut touched = state.touched.lock().unwrap_or_else(|p| p.into_inner());
                if !touched.contains(&hash) {
                    // Best effort: a busy write connection is not waited
                    // for just to record that a poster was shown; the next
                    // showing tries again.
                    if let Some(lib) = app.state::<AppState>().try_library() {
                        if lib.touch_poster(&hash).is_ok() {
                            touched.insert(hash);
                        }
                    }
                }
                drop(touched);
                Response::builder()
                    .status(StatusCode::OK)
                    .header(header::CONTENT_TYPE, "image/webp")
                    // Content-addressed: the bytes behind an id never change.
                    .header(header::CACHE_CONTROL, "public, max-age=31536000, immutable")
                    .body(bytes)
            }
            None => Response::builder()
                .status(StatusCode::NOT_FOUND)
                .header(header::CONTENT_TYPE, "text/plain")
                .body(b"no such poster".to_vec()),
        };
        responder.respond(response.unwrap_or_else(|_| Response::new(Vec::new())));
    });
}

/// Fetches and serves a search result's thumbnail, if a search returned its
/// address; anything else, or an image that fails, is a 404 and the dialog
/// keeps its placeholder.
fn serve_search_thumbnail<R: Runtime>(
    app: tauri::AppHandle<R>,
    encoded: &str,
    responder: UriSchemeResponder,
) {
    let url = percent_encoding::percent_decode_str(encoded)
        .decode_utf8_lossy()
        .into_owned();
    tauri::async_runtime::spawn(async move {
        let allowed = app
            .state::<crate::commands::catalog::CatalogState>()
            .thumbnail_allowed(&url);
        let thumb = match (allowed, HttpClient::shared()) {
            (true, Ok(client)) => watchlog_core::posters::preview::search_thumbnail(&client, &url)
                .await
                .ok(),
            _ => None,
        };
        let response = match thumb {
            Some(bytes) => Response::builder()
                .status(StatusCode::OK)
                .header(header::CONTENT_TYPE, "image/webp")
                .header(header::CACHE_CONTROL, "public, max-age=86400")
                .body(bytes),
            None => Response::builder()
                .status(StatusCode::NOT_FOUND)
                .header(header::CONTENT_TYPE, "text/plain")
                .body(b"no such thumbnail".to_vec()),
        };
        responder.respond(response.unwrap_or_else(|_| Response::new(Vec::new())));
    });
}

/// The opaque id of an entry's cached poster (for the detail view's large
/// poster), `null` when none is cached.
#[tauri::command]
pub async fn entry_poster(state: State<'_, AppState>, id: i64) -> CommandResult<Option<String>> {
    Ok(state.reader()?.poster_id(id)?)
}

/// Counts, failures and the cache's size, for Settings.
#[tauri::command]
pub async fn poster_status(
    state: State<'_, AppState>,
    posters: State<'_, PosterState>,
) -> CommandResult<PosterStatus> {
    Ok(state.library()?.poster_status(&posters.cache)?)
}

/// Fetches posters: `entries` when given (after adding a title), else the
/// missing ones (`all` revalidates every cached one too). Progress goes to
/// `on_progress` after each title; the results are recorded when the run
/// ends, a cancelled run included, so it keeps what it finished. One run at
/// a time.
#[tauri::command]
pub async fn fetch_posters(
    state: State<'_, AppState>,
    posters: State<'_, PosterState>,
    entries: Option<Vec<i64>>,
    all: Option<bool>,
    on_progress: Channel<FetchProgress>,
) -> CommandResult<FetchSummary> {
    let sel = match (entries, all.unwrap_or(false)) {
        (Some(ids), _) => PosterSelection::Entries(ids),
        (None, true) => PosterSelection::All,
        (None, false) => PosterSelection::Missing,
    };
    let (plan, settings) = {
        let lib = state.library()?;
        (lib.poster_plan(&sel, &posters.cache)?, lib.settings()?)
    };
    let cancel = posters
        .run
        .start("posters are already being fetched; wait for that to finish or cancel it")?;
    let client = HttpClient::shared_for(&settings)?;
    let outcomes = fetch_all(
        &client,
        &posters.cache,
        plan.jobs,
        DEFAULT_CONCURRENCY,
        Some(std::sync::Arc::new(move |p, _| {
            let _ = on_progress.send(p);
        })),
        &cancel,
        |o| -> CommandResult<()> { Ok(state.library()?.record_poster(o)?) },
    )
    .await;
    let result = outcomes.and_then(|outcomes| {
        state
            .library()?
            .prune_posters(&posters.cache, DEFAULT_BUDGET_BYTES)?;
        Ok(FetchSummary::of(&outcomes))
    });
    posters.run.finish(&cancel);
    result
}

/// Stops the running fetch, if any.
#[tauri::command]
pub async fn cancel_poster_fetch(posters: State<'_, PosterState>) -> CommandResult<()> {
    posters.run.cancel();
    Ok(())
}

/// Shrinks the cache to `max_bytes` (the default budget when absent).
#[tauri::command]
pub async fn prune_posters(
    state: State<'_, AppState>,
    posters: State<'_, PosterState>,
    max_bytes: Option<u64>,
) -> CommandResult<PruneReport> {
    Ok(state
        .library()?
        .prune_posters(&posters.cache, max_bytes.unwrap_or(DEFAULT_BUDGET_BYTES))?)
}
