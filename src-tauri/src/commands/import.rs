//! Importing from other services in the app. The file is picked in a
//! native dialog opened here, in Rust, and kept here: the webview only ever
//! sees its name. The flow is pick → preview (a dry run) → apply (with an
//! automatic backup, progress on a channel and a cancel flag) → optionally
//! undo, which restores the backup with the library closed meanwhile.

use std::path::PathBuf;
use std::sync::Mutex;

use tauri::ipc::Channel;
use tauri::{AppHandle, Runtime, State};
use tauri_plugin_dialog::DialogExt;
use watchlog_core::progress::CancelToken;
use watchlog_core::transfer::import::formats::{self, ImportFormat, ImportProgress};
use watchlog_core::transfer::import::merge::Prefer;
use watchlog_core::transfer::import::undo::{self, UndoReport};
use watchlog_core::transfer::import::ImportReport;
use watchlog_core::Library;

use crate::error::{CommandError, CommandResult};
use crate::state::AppState;

/// The picked file and the running import's cancel flag. One import at a
/// time per app, so a process-wide slot is enough and needs no wiring.
struct Slot {
    picked: Mutex<Option<PathBuf>>,
    cancel: Mutex<Option<CancelToken>>,
}

static SLOT: Slot = Slot {
    picked: Mutex::new(None),
    cancel: Mutex::new(None),
};

fn lock<T>(m: &Mutex<T>) -> std::sync::MutexGuard<'_, T> {
    m.lock().unwrap_or_else(|p| p.into_inner())
}

/// Opens the file dialog; returns the picked file's name, or `None` when
/// the user cancelled.
#[tauri::command]
pub async fn import_pick<R: Runtime>(app: AppHandle<R>) -> CommandResult<Option<String>> {
    let picked = app
        .dialog()
        .file()
        .set_title("Import")
        .add_filter("Exports", &["zip", "csv", "tsv", "json", "txt"])
        .blocking_pick_file();
    let Some(p) = picked else { return Ok(None) };
    let path = p.into_path().map_err(|e| {
        CommandError::new("invalid_input", format!("that file cannot be used: {e}"))
    })?;
    let name = path
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_default();
    set_picked(path);
    Ok(Some(name))
}

/// Sets the file to import without a dialog (the integration tests, which
/// cannot drive a native dialog, use it).
pub fn set_picked(path: PathBuf) {
    *lock(&SLOT.picked) = Some(path);
}

fn picked() -> CommandResult<PathBuf> {
    lock(&SLOT.picked)
        .clone()
        .ok_or_else(|| CommandError::new("invalid_input", "choose a file to import first"))
}

/// What importing the picked file would do; nothing is changed.
/// `format` `None` detects it from the content.
#[tauri::command]
pub async fn import_preview(
    state: State<'_, AppState>,
    format: Option<ImportFormat>,
    prefer: Prefer,
) -> CommandResult<ImportReport> {
    let path = picked()?;
    let (format, parsed) = formats::read_path(format, &path)?;
    let mut lib = state.library()?;
    Ok(formats::execute(
        &mut lib, format, &parsed, prefer, false, None, None,
    )?)
}

/// Imports the picked file: backup, then one transaction. Progress goes to
/// `on_progress`; `import_cancel` stops it and nothing is changed.
#[tauri::command]
pub async fn import_apply(
    state: State<'_, AppState>,
    format: Option<ImportFormat>,
    prefer: Prefer,
    on_progress: Channel<ImportProgress>,
) -> CommandResult<ImportReport> {
    let path = picked()?;
    let cancel = CancelToken::new();
    *lock(&SLOT.cancel) = Some(cancel.clone());
    let library = state.path().to_path_buf();
    // Its own connection on a worker thread: the window stays responsive,
    // and WAL lets the app read the library meanwhile.
    let task = tauri::async_runtime::spawn_blocking(move || {
        let (format, parsed) = formats::read_path(format, &path)?;
        let mut lib = Library::open(&library)?;
        let progress = |done: usize, total: usize| {
            let _ = on_progress.send(ImportProgress {
                done: done as u32,
                total: total as u32,
            });
        };
        formats::execute(
            &mut lib,
            format,
            &parsed,
            prefer,
            true,
            Some(&progress),
            Some(&cancel),
        )
    });
    let result = task
        .await
        .map_err(|e| CommandError::new("internal", format!("the import stopped: {e}")))?;
    lock(&SLOT.cancel).take();
    Ok(result?)
}

/// Stops the running import; it rolls back. `false` when none is running.
#[tauri::command]
pub async fn import_cancel() -> CommandResult<bool> {
    Ok(match lock(&SLOT.cancel).as_ref() {
        Some(c) => {
            c.cancel();
            true
        }
        None => false,
    })
}

/// The backup "undo last import" would restore, if any.
#[tauri::command]
pub async fn import_undo_available(state: State<'_, AppState>) -> CommandResult<Option<String>> {
    let lib = state.library()?;
    Ok(undo::last_import_backup(&lib)?)
}

/// Puts the library back as it was before the last import.
#[tauri::command]
pub async fn import_undo(state: State<'_, AppState>) -> CommandResult<UndoReport> {
    state.with_library_closed(undo::undo_last_import)
}
