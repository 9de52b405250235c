//! The app's background work for "what to watch next", while a window is
//! open: the shows that are running or upcoming are refreshed a little
//! after start and then every six hours (counted from the last refresh the
//! library records, so restarting the app does not refresh again; a
//! refresh that wrote something is announced as the `airing-changed`
//! event, so an open Up next or calendar reads the core again), and,
//! when the viewer turned it on, a desktop notification says when an
//! episode of a show being watched has aired — once per episode, one
//! notification for several that arrive together.
//!
//! Shows an import left without a catalogue match are matched on the same
//! beat while any wait.
//!
//! Offline, a refresh fails as offline and is passed over without a word:
//! Up next and the calendar work from what is stored, and Settings shows
//! when the last refresh was.

use std::time::Duration;

use tauri::{AppHandle, Emitter, Manager, Runtime};
use tauri_plugin_notification::NotificationExt;
use watchlog_core::catalog::{RefreshProgress, RefreshSummary};
use watchlog_core::clock::Clock;
use watchlog_core::AiredEpisode;

use crate::commands::catalog::{run_airing, CatalogState};
use crate::state::AppState;

/// Lets the first page paint before any network work.
const FIRST_DELAY: Duration = Duration::from_secs(20);
/// How often the notification check (and the refresh-due check) runs.
const CHECK_EVERY: Duration = Duration::from_secs(5 * 60);
/// How old the last refresh of airing shows may get, in seconds.
const REFRESH_EVERY_SECS: i64 = 6 * 60 * 60;
/// The event the UI may listen to for the background refresh's progress.
pub const PROGRESS_EVENT: &str = "airing-refresh";
/// The event the UI listens to for a background refresh that changed the
/// library (its `RefreshSummary` as payload): Up next and the calendar
/// read the core again.
pub const CHANGED_EVENT: &str = "airing-changed";
/// At most this many episodes are named in one notification.
const NAMED: usize = 4;

/// Starts the background loop; it ends with the app.
pub fn start<R: Runtime>(app: &AppHandle<R>) {
    let app = app.clone();
    tauri::async_runtime::spawn(async move {
        tokio::time::sleep(FIRST_DELAY).await;
        loop {
            if refresh_due(&app) {
                let handle = app.clone();
                let send = move |p: RefreshProgress| {
                    let _ = handle.emit(PROGRESS_EVENT, p);
                };
                // Offline or busy: passed over; the next check tries again.
                if let Ok(summary) = run_airing(
                    &app.state::<AppState>(),
                    &app.state::<CatalogState>(),
                    &send,
                )
                .await
                {
                    announce(&app, &summary);
                }
            }
            notify(&app);
            // Imported shows still waiting for a catalogue match (a run
            // cut short by a quit or by going offline) carry on.
            if crate::commands::matching::any_waiting(&app) {
                crate::commands::matching::spawn(&app);
            }
            tokio::time::sleep(CHECK_EVERY).await;
        }
    });
}

/// Tells the UI that a refresh wrote to the library; one that passed over
/// every show (none changed) or was stopped before writing says nothing,
/// so an open page is not read again for nothing.
fn announce<R: Runtime>(app: &AppHandle<R>, summary: &RefreshSummary) {
    if summary.refreshed > 0 {
        let _ = app.emit(CHANGED_EVENT, summary);
    }
}

fn refresh_due<R: Runtime>(app: &AppHandle<R>) -> bool {
    let state = app.state::<AppState>();
    let Ok(lib) = state.reader() else {
        return false;
    };
    match lib.airing_refreshed_at() {
        Ok(Some(last)) => (Clock::system().now() - last).num_seconds() >= REFRESH_EVERY_SECS,
        Ok(None) => true,
        Err(_) => false,
    }
}

/// Shows the episodes due, if notifications are on, and records them.
fn notify<R: Runtime>(app: &AppHandle<R>) {
    let state = app.state::<AppState>();
    let due = match state
        .reader()
        .map(|lib| lib.episodes_to_notify(&Clock::system()))
    {
        Ok(Ok(due)) if !due.is_empty() => due,
        _ => return,
    };
    let (title, body) = message(&due);
    // Without a notification service (a bare desktop session) nothing is
    // shown, and the episodes stay due for the next check.
    if app
        .notification()
        .builder()
        .title(title)
        .body(body)
        .show()
        .is_ok()
    {
        if let Ok(mut lib) = state.library() {
            let _ = lib.mark_notified(&due, Clock::system().now());
        }
    }
}

/// The notification's title and body: one episode by name, several as a
/// count with the first few named.
pub fn message(due: &[AiredEpisode]) -> (String, String) {
    let one = |e: &AiredEpisode| {
        let name = e
            .name
            .as_deref()
            .map(|n| format!(" · {n}"))
            .unwrap_or_default();
        format!("S{}E{}{name}", e.season, e.number)
    };
    match due {
        [e] => (format!("New episode of {}", e.title), one(e)),
        _ => {
            let mut lines: Vec<String> = due
                .iter()
                .take(NAMED)
                .map(|e| format!("{} {}", e.title, one(e)))
                .collect();
            if due.len() > NAMED {
                lines.push(format!("and {} more", due.len() - NAMED));
            }
            (format!("{} new episodes", due.len()), lines.join("\n"))
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn aired(title: &str, number: u32) -> AiredEpisode {
        AiredEpisode {
            entry_id: 1,
            title: title.into(),
            season: 1,
            number,
            name: Some(format!("Episode {number}")),
        }
    }

    /// A refresh that wrote something is announced with its summary; one
    /// that changed nothing is not.
    #[test]
    fn only_a_refresh_that_changed_something_is_announced() {
        use std::sync::{Arc, Mutex};
        use tauri::Listener;

        let app = tauri::test::mock_app();
        let heard = Arc::new(Mutex::new(Vec::new()));
        let sink = heard.clone();
        app.listen(CHANGED_EVENT, move |e| {
            sink.lock().unwrap().push(e.payload().to_string());
        });
        let summary = |refreshed, unchanged| RefreshSummary {
            refreshed,
            unchanged,
            ..RefreshSummary::default()
        };
        announce(app.handle(), &summary(0, 3));
        announce(app.handle(), &summary(2, 1));
        let heard = heard.lock().unwrap();
        assert_eq!(heard.len(), 1, "{heard:?}");
        let payload: RefreshSummary = serde_json::from_str(&heard[0]).unwrap();
        assert_eq!(payload, summary(2, 1));
    }

    #[test]
    fn several_episodes_make_one_notification() {
        assert_eq!(
            message(&[aired("Moon in the Day", 3)]),
            (
                "New episode of Moon in the Day".into(),
                "S1E3 · Episode 3".into()
            )
        );
        let many: Vec<AiredEpisode> = (1..=6).map(|n| aired("Weekly", n)).collect();
        let (title, body) = message(&many);
        assert_eq!(title, "6 new episodes");
        assert_eq!(body.lines().count(), NAMED + 1);
        assert!(body.ends_with("and 2 more"), "{body}");
    }
}
