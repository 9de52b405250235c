//! `watchlog://` links handed to the app: by the desktop when the app is
//! started with one, or by a second launch that single-instance forwards to
//! the running window. A link waits here until the UI takes it, so one that
//! arrives before the window has loaded is not lost; the UI then asks the
//! core what the link means (`read_link`) and asks the viewer before adding.

use std::sync::Mutex;

use tauri::{AppHandle, Emitter, Manager, Runtime, State};
use tauri_plugin_deep_link::DeepLinkExt;
use watchlog_core::catalog::{parse_link, CatalogLink, CatalogRef};

use crate::error::CommandResult;

/// The event that tells the UI a link is waiting.
pub const LINK_EVENT: &str = "link-waiting";

/// Links received and not yet taken by the UI.
#[derive(Default)]
pub struct LinkState {
    waiting: Mutex<Vec<String>>,
}

/// Queues the link the app was started with, and every link that arrives
/// later.
pub fn start<R: Runtime>(app: &AppHandle<R>) {
    let deep_link = app.deep_link();
    if let Ok(Some(urls)) = deep_link.get_current() {
        receive(app, urls.iter().map(|u| u.to_string()));
    }
    let handle = app.clone();
    deep_link.on_open_url(move |event| {
        receive(&handle, event.urls().iter().map(|u| u.to_string()));
    });
}

/// Queues links for the UI and tells it. Also how the tests hand the app a
/// link.
pub fn receive<R: Runtime>(app: &AppHandle<R>, links: impl IntoIterator<Item = String>) {
    let state = app.state::<LinkState>();
    let mut waiting = state.waiting.lock().unwrap_or_else(|p| p.into_inner());
    let before = waiting.len();
    waiting.extend(links);
    if waiting.len() > before {
        log::info!("{} watchlog link(s) received", waiting.len() - before);
        drop(waiting);
        if let Some(w) = app.get_webview_window("main") {
            let _ = w.unminimize();
            let _ = w.set_focus();
        }
        let _ = app.emit(LINK_EVENT, ());
    }
}

/// The links waiting, oldest first; each is handed out once.
#[tauri::command]
pub async fn take_links(state: State<'_, LinkState>) -> CommandResult<Vec<String>> {
    Ok(std::mem::take(
        &mut *state.waiting.lock().unwrap_or_else(|p| p.into_inner()),
    ))
}

/// The show a link names; a bad link is an error that says why.
#[tauri::command]
pub async fn read_link(link: String) -> CommandResult<CatalogRef> {
    match parse_link(&link) {
        Ok(CatalogLink::Add(reference)) => Ok(reference),
        Err(e) => {
            log::info!("a watchlog link was refused: {e}");
            Err(e.into())
        }
    }
}
