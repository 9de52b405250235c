//! Settings › Sync: link this library to a sync folder, sync now, and
//! what the devices and the merge have done. The work is the core's; these
//! run off the window's thread like every command.

use std::path::PathBuf;

use tauri::{AppHandle, Runtime, State};
use tauri_plugin_dialog::DialogExt;
use watchlog_core::{SyncReport, SyncStatus};

use crate::commands::transfer::dialog_path;
use crate::error::CommandResult;
use crate::state::AppState;

/// Where this library syncs and how far each device has come.
#[tauri::command]
pub async fn sync_status(state: State<'_, AppState>) -> CommandResult<SyncStatus> {
    Ok(state.library()?.sync_status()?)
}

/// Links the library to `folder`, or to one the user picks when none is
/// given, as a device named `device`; `None` when the user cancelled. Given
/// the folder it is already linked to, it only renames the device.
#[tauri::command]
pub async fn sync_link<R: Runtime>(
    app: AppHandle<R>,
    state: State<'_, AppState>,
    folder: Option<String>,
    device: Option<String>,
) -> CommandResult<Option<SyncStatus>> {
    let folder = match folder {
        Some(f) => PathBuf::from(f),
        None => match app
            .dialog()
            .file()
            .set_title("Choose the sync folder")
            .blocking_pick_folder()
        {
            Some(p) => dialog_path(p)?,
            None => return Ok(None),
        },
    };
    let status = state.library()?.sync_init(&folder, device.as_deref())?;
    // Watch the folder now linked (and no longer the one before).
    crate::sync_watch::restart(&app);
    Ok(Some(status))
}

/// Applies the other devices' changes and writes this one's.
#[tauri::command]
pub async fn sync_now(state: State<'_, AppState>) -> CommandResult<SyncReport> {
    Ok(state.library()?.sync_now()?)
}
