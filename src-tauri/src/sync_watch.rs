//! Syncs soon after another device's change file arrives: a watcher on the
//! linked sync folder. The app syncs on start and every five minutes
//! anyway; this makes an edit on the other computer show up here within
//! seconds of the sync engine delivering it.
//!
//! Events are debounced (a file-sync engine writes a file in pieces, then
//! renames it, and several may come together), and only a `.wlsync` file in
//! another device's folder counts: this device's own writes and a sync
//! engine's temporary files do not start a sync. The sync runs on the
//! watcher's thread, never the window's, through the same core call as
//! "Sync now"; when it is done the `sync-done` event carries its report, and
//! the window refreshes as after "Sync now".

use std::path::{Path, PathBuf};
use std::sync::Mutex;
use std::time::Duration;

use notify_debouncer_mini::notify::{RecommendedWatcher, RecursiveMode};
use notify_debouncer_mini::{new_debouncer, DebounceEventResult, Debouncer};
use tauri::{AppHandle, Emitter, Manager, Runtime};

use crate::state::AppState;

/// The event the window listens to: a sync the watcher ran, its
/// `SyncReport` as payload.
pub const SYNCED_EVENT: &str = "sync-done";

/// How long the folder must be quiet before the sync: long enough for a
/// sync engine to finish writing a file and the ones that come with it.
const QUIET: Duration = Duration::from_secs(2);

/// The watcher there is, and the folder it watches.
#[derive(Default)]
pub struct SyncWatchState {
    watching: Mutex<Option<(PathBuf, Debouncer<RecommendedWatcher>)>>,
}

/// Watches the folder the library is linked to (none when it is not),
/// stopping the watcher on another folder. Called at start and after
/// linking.
pub fn restart<R: Runtime>(app: &AppHandle<R>) {
    // Apps built without the watcher's state (the command tests) have
    // nothing to watch.
    let Some(watch) = app.try_state::<SyncWatchState>() else {
        return;
    };
    let status = app
        .state::<AppState>()
        .reader()
        .and_then(|lib| Ok(lib.sync_status()?));
    let wanted = status.ok().and_then(|s| {
        let own = s.device?.id;
        Some((PathBuf::from(s.folder?), own))
    });
    let mut watching = watch.watching.lock().unwrap_or_else(|p| p.into_inner());
    if watching.as_ref().map(|w| &w.0) == wanted.as_ref().map(|w| &w.0) {
        return;
    }
    // Dropping the debouncer stops its watcher and its thread.
    *watching = None;
    let Some((folder, own)) = wanted else {
        return;
    };
    match watch_folder(app.clone(), &folder, own) {
        Ok(d) => *watching = Some((folder, d)),
        // A folder not there (an unmounted drive): the timer still syncs,
        // and says so then.
        Err(e) => log::warn!("cannot watch the sync folder {}: {e}", folder.display()),
    }
}

fn watch_folder<R: Runtime>(
    app: AppHandle<R>,
    folder: &Path,
    own: String,
) -> notify_debouncer_mini::notify::Result<Debouncer<RecommendedWatcher>> {
    let own_dir = folder.join(own);
    let mut debouncer = new_debouncer(QUIET, move |events: DebounceEventResult| {
        let Ok(events) = events else {
            return;
        };
        if events.iter().any(|e| arrived(&e.path, &own_dir)) {
            sync(&app);
        }
    })?;
    // Recursive: each device writes into its own sub-folder, and a device
    // new to the folder makes one.
    debouncer
        .watcher()
        .watch(folder, RecursiveMode::Recursive)?;
    Ok(debouncer)
}

/// Whether a path is a change file another device wrote.
fn arrived(path: &Path, own_dir: &Path) -> bool {
    path.extension().is_some_and(|x| x == "wlsync")
        && path.parent().is_some_and(|dir| dir != own_dir)
        && !path
            .file_name()
            .is_some_and(|n| n.to_string_lossy().starts_with('.'))
}

fn sync<R: Runtime>(app: &AppHandle<R>) {
    let result = app
        .state::<AppState>()
        .library()
        .and_then(|mut lib| Ok(lib.sync_now()?));
    match result {
        Ok(report) => {
            let _ = app.emit(SYNCED_EVENT, report);
        }
        // Said by the next sync the window runs (the timer, "Sync now"),
        // which shows it in Settings › Sync.
        Err(e) => log::warn!("sync after the folder changed failed: {}", e.0.message),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_another_devices_change_file_counts() {
        let own = Path::new("/s/aaaa");
        assert!(arrived(Path::new("/s/bbbb/0000000002.wlsync"), own));
        assert!(!arrived(Path::new("/s/aaaa/0000000002.wlsync"), own));
        assert!(!arrived(Path::new("/s/bbbb/.writing-x.tmp"), own));
        assert!(!arrived(
            Path::new("/s/bbbb/.syncthing.0000000002.wlsync.tmp"),
            own
        ));
        assert!(!arrived(
            Path::new("/s/bbbb/~syncthing~0000000002.wlsync.tmp"),
            own
        ));
    }
}
