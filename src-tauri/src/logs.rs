//! The app's log: a file in the app's log folder (Linux:
//! `~/.local/share/app.watchlog.desktop/logs/`), rotated at about 1 MB with
//! the five latest kept, Info and above, for a viewer to attach to a bug
//! report. Every line passes through the core's `secrets::scrub` on its way
//! to the file, whoever wrote it, so a TMDB key or a webhook token in a
//! dependency's message never reaches the disk.

use tauri::{AppHandle, Manager, Runtime};
use tauri_plugin_log::{RotationStrategy, Target, TargetKind};
use tauri_plugin_opener::OpenerExt;
use watchlog_core::secrets::scrub;

use crate::error::{CommandError, CommandResult};

/// A file is rotated once it grows past this many bytes.
pub const MAX_FILE_BYTES: u128 = 1_000_000;
/// Rotated files kept beside the current one.
pub const KEEP_FILES: usize = 5;

/// The log plugin, set up as described above.
pub fn plugin<R: Runtime>() -> tauri::plugin::TauriPlugin<R> {
    let mut targets = vec![Target::new(TargetKind::LogDir { file_name: None })];
    if cfg!(debug_assertions) {
        targets.push(Target::new(TargetKind::Stdout));
    }
    tauri_plugin_log::Builder::new()
        .clear_targets()
        .targets(targets)
        .level(log::LevelFilter::Info)
        .max_file_size(MAX_FILE_BYTES)
        .rotation_strategy(RotationStrategy::KeepSome(KEEP_FILES))
        .format(|out, message, record| {
            out.finish(format_args!(
                "{}",
                line(
                    chrono::Local::now(),
                    record.level(),
                    record.target(),
                    &message.to_string()
                )
            ))
        })
        .build()
}

/// One line of the log file, secrets blanked.
pub fn line(
    at: chrono::DateTime<chrono::Local>,
    level: log::Level,
    target: &str,
    message: &str,
) -> String {
    let text = format!(
        "{} {level:<5} {target}: {message}",
        at.format("%Y-%m-%d %H:%M:%S%.3f %:z")
    );
    scrub(&text).into_owned()
}

/// Opens the log folder in the desktop's file manager (made first if
/// nothing was logged yet). The path never crosses IPC.
#[tauri::command]
pub async fn open_log_folder<R: Runtime>(app: AppHandle<R>) -> CommandResult<()> {
    let dir = app.path().app_log_dir()?;
    std::fs::create_dir_all(&dir).map_err(|e| {
        CommandError::new(
            "io",
            format!("could not make the logs folder {}: {e}", dir.display()),
        )
    })?;
    app.opener()
        .open_path(dir.to_string_lossy(), None::<&str>)
        .map_err(|e| CommandError::new("app", format!("could not open the logs folder: {e}")))
}
