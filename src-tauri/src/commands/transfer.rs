//! Exports, backups and restores. The save and open dialogs are opened
//! here, in Rust, so the webview never handles a file path: it sends the
//! format and options and gets back a report, or `null` when the user
//! cancelled the dialog. An export reports its progress on a channel and
//! can be cancelled.

use std::path::PathBuf;

use tauri::ipc::Channel;
use tauri::{AppHandle, Runtime, State};
use tauri_plugin_dialog::DialogExt;
use watchlog_core::backup::{self, BackupFile, Recovery};
use watchlog_core::posters::{CachedPosters, PosterCache};
use watchlog_core::progress::CancelToken;
use watchlog_core::transfer::{
    self, ExportFormat, ExportOptions, ExportProgress, ExportReport, ExportRun,
};
use watchlog_core::{Library, YearReview};

use crate::commands::posters::PosterState;
use crate::commands::run_slot::RunSlot;
use crate::error::{CommandError, CommandResult};
use crate::state::AppState;

/// The running export, which `export_cancel` stops. One at a time.
static EXPORT: RunSlot = RunSlot::new();

/// Asks where to save, then exports there atomically. `None`: the dialog
/// was cancelled.
///
/// The export runs on a worker thread with a connection of its own;
/// progress goes to `on_progress` (entries done of the library's), and
/// `export_cancel` stops it with the error `cancelled`, leaving no file.
#[tauri::command]
pub async fn export_library<R: Runtime>(
    app: AppHandle<R>,
    state: State<'_, AppState>,
    posters: State<'_, PosterState>,
    format: ExportFormat,
    options: ExportOptions,
    on_progress: Channel<ExportProgress>,
) -> CommandResult<Option<ExportReport>> {
    let picked = save_dialog(
        &app,
        "Export",
        format.suggested_file_name(),
        format.file_kind(),
        format.extension(),
    )?;
    let Some(path) = picked else {
        return Ok(None);
    };
    let lib = state.own_connection()?;
    let cache = posters.cache().clone();
    let cancel = EXPORT.start("an export is running already")?;
    let token = cancel.clone();
    let result = on_worker(move || {
        let progress = |done: usize, total: usize| {
            let _ = on_progress.send(ExportProgress {
                done: done as u32,
                total: total as u32,
            });
        };
        run_export(
            &lib,
            &cache,
            format,
            &options,
            &path,
            Some(&progress),
            Some(&token),
        )
    })
    .await;
    EXPORT.finish(&cancel);
    result.map(Some)
}

/// Stops the running export; its file is not written. `false` when none
/// is running.
#[tauri::command]
pub async fn export_cancel() -> CommandResult<bool> {
    Ok(EXPORT.cancel())
}

/// The export itself, once a path is known; the integration tests call it
/// directly since a native dialog cannot be driven from them.
pub fn export_to(
    state: &AppState,
    posters: &PosterCache,
    format: ExportFormat,
    options: &ExportOptions,
    path: &std::path::Path,
) -> CommandResult<ExportReport> {
    let lib = state.own_connection()?;
    run_export(&lib, posters, format, options, path, None, None)
}

fn run_export(
    lib: &Library,
    posters: &PosterCache,
    format: ExportFormat,
    options: &ExportOptions,
    path: &std::path::Path,
    progress: Option<&dyn Fn(usize, usize)>,
    cancel: Option<&CancelToken>,
) -> CommandResult<ExportReport> {
    let run = ExportRun {
        posters: &CachedPosters::new(lib, posters),
        progress,
        cancel,
    };
    Ok(transfer::export_to_path_with(
        lib, format, options, &run, path,
    )?)
}

/// Asks where to save, then writes the year in review there: its web page,
/// or with `png` its card. `None`: the dialog was cancelled. The year is
/// checked first, so a bad one is refused before any dialog opens.
#[tauri::command]
pub async fn export_year<R: Runtime>(
    app: AppHandle<R>,
    state: State<'_, AppState>,
    posters: State<'_, PosterState>,
    year: i32,
    png: bool,
    title: Option<String>,
) -> CommandResult<Option<YearReview>> {
    state.reader()?.year_review(year)?;
    let (kind, extension) = if png {
        ("PNG image", "png")
    } else {
        ("Web page", "html")
    };
    let picked = save_dialog(
        &app,
        "Save the year in review",
        transfer::year::file_name(year, extension),
        kind,
        extension,
    )?;
    let Some(path) = picked else {
        return Ok(None);
    };
    let lib = state.own_connection()?;
    let cache = posters.cache().clone();
    // Drawing the charts and the card is work for a worker thread.
    on_worker(move || write_year(&lib, &cache, year, png, title.as_deref(), &path))
        .await
        .map(Some)
}

/// The year's export once a path is known; the integration tests call it
/// directly since a native dialog cannot be driven from them.
pub fn export_year_to(
    state: &AppState,
    posters: &PosterCache,
    year: i32,
    png: bool,
    title: Option<&str>,
    path: &std::path::Path,
) -> CommandResult<YearReview> {
    write_year(&state.own_connection()?, posters, year, png, title, path)
}

fn write_year(
    lib: &Library,
    posters: &PosterCache,
    year: i32,
    png: bool,
    title: Option<&str>,
    path: &std::path::Path,
) -> CommandResult<YearReview> {
    let source = CachedPosters::new(lib, posters);
    Ok(if png {
        transfer::year::export_card(lib, year, title, &source, path)?
    } else {
        transfer::year::export_page(lib, year, title, &source, path)?
    })
}

/// Asks where to save, then writes one list's PNG card there (its name,
/// count and first ten with posters). `false` when the dialog was
/// cancelled. An unknown list is refused before any dialog opens.
#[tauri::command]
pub async fn export_list_card<R: Runtime>(
    app: AppHandle<R>,
    state: State<'_, AppState>,
    posters: State<'_, PosterState>,
    list: i64,
) -> CommandResult<bool> {
    let summary = state.reader()?.list_summary(list)?;
    let picked = save_dialog(
        &app,
        "Save the list as an image",
        transfer::list_card::file_name(&summary.name),
        "PNG image",
        "png",
    )?;
    let Some(path) = picked else {
        return Ok(false);
    };
    let lib = state.own_connection()?;
    let cache = posters.cache().clone();
    // Drawing the card is work for a worker thread.
    on_worker(move || export_list_card_with(&lib, &cache, list, &path)).await?;
    Ok(true)
}

/// The list's card once a path is known; the integration tests call it
/// directly since a native dialog cannot be driven from them.
pub fn export_list_card_to(
    state: &AppState,
    posters: &PosterCache,
    list: i64,
    path: &std::path::Path,
) -> CommandResult<()> {
    export_list_card_with(&state.own_connection()?, posters, list, path)
}

fn export_list_card_with(
    lib: &Library,
    posters: &PosterCache,
    list: i64,
    path: &std::path::Path,
) -> CommandResult<()> {
    let source = CachedPosters::new(lib, posters);
    Ok(transfer::list_card::export_card(
        lib, list, None, &source, path,
    )?)
}

/// Takes a backup into the `backups` folder beside the library, keeping
/// the newest few.
#[tauri::command]
pub async fn backup_now(state: State<'_, AppState>) -> CommandResult<BackupFile> {
    let lib = state.library()?;
    let info = backup::backup_auto(&lib, None, None)?;
    Ok(BackupFile::describe(&info.path))
}

/// The automatic backups, newest first.
#[tauri::command]
pub async fn list_backups(state: State<'_, AppState>) -> CommandResult<Vec<BackupFile>> {
    Ok(backup::describe_backups(&backup::default_backup_dir(
        state.path(),
    ))?)
}

/// Replaces the library with a backup: one from the list by its `name`, or,
/// with no name, a file the user picks. The library is closed for the swap
/// and opened again after. Returns `false` when the user cancelled.
#[tauri::command]
pub async fn restore_backup<R: Runtime>(
    app: AppHandle<R>,
    state: State<'_, AppState>,
    name: Option<String>,
) -> CommandResult<bool> {
    let dir = backup::default_backup_dir(state.path());
    let source = match name {
        Some(name) => backup::find_backup(&dir, &name)?,
        None => {
            let mut dialog = app
                .dialog()
                .file()
                .set_title("Restore a backup")
                .add_filter("Watchlog library", &["db"]);
            if dir.is_dir() {
                dialog = dialog.set_directory(&dir);
            }
            match dialog.blocking_pick_file() {
                Some(p) => dialog_path(p)?,
                None => return Ok(false),
            }
        }
    };
    // Checked before the library is closed, so a bad file costs nothing.
    backup::check_backup(&source)?;
    state.with_library_closed(|path| backup::restore(path, &source))?;
    state.dismiss_recovery();
    // The restored library may be linked to another sync folder, or to
    // none, and may listen for webhooks on another port.
    crate::sync_watch::restart(&app);
    crate::webhooks::restart(&app);
    Ok(true)
}

/// The damaged library moved aside at start, with the newest good backup
/// to offer, until the user restores or dismisses it.
#[tauri::command]
pub async fn library_recovery(state: State<'_, AppState>) -> CommandResult<Option<Recovery>> {
    Ok(state.recovery())
}

/// The user keeps the new, empty library; the damaged file stays aside.
#[tauri::command]
pub async fn dismiss_recovery(state: State<'_, AppState>) -> CommandResult<()> {
    state.dismiss_recovery();
    Ok(())
}

/// Asks where to save a file of one kind; `None` when the user cancels.
pub(crate) fn save_dialog<R: Runtime>(
    app: &AppHandle<R>,
    title: &str,
    file_name: String,
    kind: &str,
    extension: &str,
) -> CommandResult<Option<PathBuf>> {
    app.dialog()
        .file()
        .set_title(title)
        .set_file_name(file_name)
        .add_filter(kind, &[extension])
        .blocking_save_file()
        .map(dialog_path)
        .transpose()
}

/// Runs an export's work on a worker thread, off the async runtime.
async fn on_worker<T: Send + 'static>(
    work: impl FnOnce() -> CommandResult<T> + Send + 'static,
) -> CommandResult<T> {
    tauri::async_runtime::spawn_blocking(work)
        .await
        .map_err(|e| CommandError::new("internal", format!("the export stopped: {e}")))?
}

pub(crate) fn dialog_path(p: tauri_plugin_dialog::FilePath) -> CommandResult<PathBuf> {
    p.into_path().map_err(|e| {
        CommandError::new(
            "invalid_input",
            format!("that location cannot be used: {e}"),
        )
    })
}
