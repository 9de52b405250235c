//! Importing from other services in the app. The file is picked in a
//! native dialog opened here, in Rust, and kept here: the webview only ever
//! sees its name. A file dropped on the window is the exception: the drop
//! event gives the webview its path, and `import_drop` takes it from there.
//! The flow is pick → preview (a dry run) → apply (with an
//! automatic backup, progress on a channel and a cancel flag) → optionally
//! undo, which restores the backup with the library closed meanwhile.
//!
//! The file is read once: the preview keeps the parsed import here, and
//! apply runs that same value, so what is applied is what was previewed
//! even if the file changes on disk in between. Picking another file,
//! format or reader option (a Netflix profile, a date order) reads again.
//! A file that needs one of those chosen fails the preview with
//! `needs_choice`, its `field` and the `choices` to offer.

use std::path::PathBuf;
use std::sync::{Arc, Mutex};

use tauri::ipc::Channel;
use tauri::{AppHandle, Runtime, State};
use tauri_plugin_dialog::DialogExt;
use watchlog_core::progress::CancelToken;
use watchlog_core::transfer::import::merge::Prefer;
use watchlog_core::transfer::import::undo::{self, UndoReport};
use watchlog_core::transfer::import::{
    Import, ImportFormat, ImportProgress, ImportReport, Mode, ReadOptions, RunOptions,
};
use watchlog_core::Library;

use crate::error::{CommandError, CommandResult};
use crate::state::AppState;

/// The picked file, what was read from it, and the running import's
/// cancel flag. One import at a time per app, so a process-wide slot is
/// enough and needs no wiring.
struct Slot {
    picked: Mutex<Option<Picked>>,
    cancel: Mutex<Option<CancelToken>>,
}

/// A picked file and, once previewed, the import read from it.
struct Picked {
    path: PathBuf,
    /// The format asked for when it was read (`None`: detected), the
    /// reader options, and the result, kept for the apply.
    read: Option<(Option<ImportFormat>, ReadOptions, Arc<Import>)>,
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

/// Takes the file dropped on the window as the one to import; returns its
/// name. The drop event hands the webview the path, so it comes back here;
/// what it holds (a folder, no export at all) is for the preview to say,
/// through the core's reading of it.
#[tauri::command]
pub async fn import_drop(path: PathBuf) -> CommandResult<String> {
    if !path.is_absolute() {
        return Err(CommandError::new(
            "invalid_input",
            "a dropped file arrives with its full path; this one has none",
        ));
    }
    let name = path
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_else(|| path.display().to_string());
    set_picked(path);
    Ok(name)
}

/// Sets the file to import without a dialog (the integration tests, which
/// cannot drive a native dialog, use it).
pub fn set_picked(path: PathBuf) {
    *lock(&SLOT.picked) = Some(Picked { path, read: None });
}

/// The import of the picked file in `format` with `options`: the one
/// already read when it was read so (or detected as that format), else
/// read now and kept.
fn picked_import(format: Option<ImportFormat>, options: ReadOptions) -> CommandResult<Arc<Import>> {
    let path = match lock(&SLOT.picked).as_ref() {
        None => {
            return Err(CommandError::new(
                "invalid_input",
                "choose a file to import first",
            ))
        }
        Some(Picked {
            read: Some((asked, read_with, import)),
            ..
        }) if (*asked == format || format == Some(import.format())) && *read_with == options => {
            return Ok(import.clone())
        }
        Some(p) => p.path.clone(),
    };
    // Read outside the lock: a big export takes a moment.
    let import = Arc::new(Import::read_with(format, &path, &options)?);
    if let Some(p) = lock(&SLOT.picked).as_mut().filter(|p| p.path == path) {
        p.read = Some((format, options, import.clone()));
    }
    Ok(import)
}

/// What importing the picked file would do; nothing is changed. Worked
/// out on a copy taken through the read connection, so a preview of a big
/// file holds up neither the library view nor the other face's writes.
/// `format` `None` detects it from the content; `options` (none: the
/// defaults) are what the reader cannot tell from the file. The file is
/// read here and kept: a later `import_apply` in the same format with the
/// same options applies exactly this, without reading the file again.
#[tauri::command]
pub async fn import_preview(
    state: State<'_, AppState>,
    format: Option<ImportFormat>,
    prefer: Prefer,
    options: Option<ReadOptions>,
) -> CommandResult<ImportReport> {
    let import = picked_import(format, options.unwrap_or_default())?;
    let mut scratch = state.reader()?.scratch_copy()?;
    let opts = RunOptions {
        prefer,
        ..Default::default()
    };
    Ok(import.preview(&mut scratch, &opts)?)
}

/// Imports the picked file (what the preview read, or read now when there
/// was none in this format): backup, then one transaction. Progress goes
/// to `on_progress`; `import_cancel` stops it and nothing is changed. An
/// import that added entries starts matching the new shows to a catalogue
/// in the background (`commands::matching`).
#[tauri::command]
pub async fn import_apply<R: Runtime>(
    app: AppHandle<R>,
    state: State<'_, AppState>,
    format: Option<ImportFormat>,
    prefer: Prefer,
    options: Option<ReadOptions>,
    on_progress: Channel<ImportProgress>,
) -> CommandResult<ImportReport> {
    let import = picked_import(format, options.unwrap_or_default())?;
    let cancel = CancelToken::new();
    *lock(&SLOT.cancel) = Some(cancel.clone());
    let library = state.path().to_path_buf();
    // Its own connection on a worker thread: the window stays responsive,
    // and WAL lets the app read the library meanwhile.
    let task = tauri::async_runtime::spawn_blocking(move || {
        let mut lib = Library::open(&library)?;
        let progress = |done: usize, total: usize| {
            let _ = on_progress.send(ImportProgress {
                done: done as u32,
                total: total as u32,
            });
        };
        let opts = RunOptions {
            prefer,
            progress: Some(&progress),
            cancel: Some(&cancel),
        };
        import.run(&mut lib, Mode::Apply, &opts)
    });
    let result = task
        .await
        .map_err(|e| CommandError::new("internal", format!("the import stopped: {e}")))?;
    lock(&SLOT.cancel).take();
    let report = result?;
    if report.added > 0 {
        super::matching::spawn(&app);
    }
    Ok(report)
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
