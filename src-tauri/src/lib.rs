//! The Watchlog desktop app: a thin Tauri shell over `watchlog-core`. It
//! opens the library, registers the commands the UI calls and the plugins a
//! desktop user expects, and nothing else.

mod airing;
pub mod commands;
pub mod error;
pub mod links;
pub mod logs;
pub mod state;
pub mod sync_watch;
pub mod webhooks;

use std::path::PathBuf;

use tauri::{Manager, Runtime};

pub use state::AppState;

/// The library file the app opens: `WATCHLOG_DB` if set (as for the CLI),
/// else `watchlog.db` in the app's data folder, the CLI's default too.
pub fn library_path<R: Runtime>(app: &tauri::AppHandle<R>) -> tauri::Result<PathBuf> {
    if let Some(p) = std::env::var_os(watchlog_core::DB_ENV).filter(|p| !p.is_empty()) {
        return Ok(PathBuf::from(p));
    }
    Ok(app.path().app_data_dir()?.join("watchlog.db"))
}

/// Registers every command on a builder; shared by the app and the tests.
pub fn with_commands<R: Runtime>(builder: tauri::Builder<R>) -> tauri::Builder<R> {
    builder.invoke_handler(tauri::generate_handler![
        commands::library::library_info,
        commands::library::list_page,
        commands::library::facet_counts,
        commands::library::status_counts,
        commands::library::get_entry,
        commands::library::add_entry,
        commands::library::check_new_entry,
        commands::library::update_entry,
        commands::library::preview_entry,
        commands::library::update_title,
        commands::library::check_title,
        commands::library::rating_table,
        commands::library::add_episode,
        commands::library::delete_entry,
        commands::library::delete_entries,
        commands::library::bulk_change,
        commands::library::undo,
        commands::library::add_viewing,
        commands::library::delete_viewing,
        commands::library::render_markdown,
        commands::library::list_platforms,
        commands::library::add_platform,
        commands::library::update_platform,
        commands::library::delete_platform,
        commands::library::get_settings,
        commands::library::save_settings,
        commands::library::load_sample,
        commands::library::stats,
        commands::library::year_review,
        commands::library::system_language,
        commands::library::open_url,
        commands::transfer::export_library,
        commands::transfer::export_cancel,
        commands::transfer::export_year,
        commands::transfer::export_list_card,
        commands::sync::sync_status,
        commands::sync::sync_link,
        commands::sync::sync_now,
        commands::transfer::backup_now,
        commands::transfer::list_backups,
        commands::transfer::restore_backup,
        commands::transfer::library_recovery,
        commands::transfer::dismiss_recovery,
        commands::catalog::catalog_search,
        commands::catalog::catalog_details,
        commands::catalog::add_from_catalog,
        commands::catalog::refresh_entry,
        commands::catalog::refresh_all,
        commands::catalog::cancel_refresh,
        commands::catalog::refresh_airing,
        commands::catalog::airing_status,
        commands::matching::unmatched,
        commands::matching::match_start,
        commands::matching::match_cancel,
        commands::matching::match_pick,
        commands::matching::match_keep,
        webhooks::webhook_status,
        commands::catalog::catalog_status,
        commands::catalog::set_tmdb_key,
        commands::posters::poster_status,
        commands::posters::entry_poster,
        commands::posters::fetch_posters,
        commands::posters::cancel_poster_fetch,
        commands::posters::prune_posters,
        commands::import::import_pick,
        commands::import::import_drop,
        commands::import::import_preview,
        commands::import::import_apply,
        commands::import::import_cancel,
        commands::import::import_undo_available,
        commands::import::import_undo,
        commands::episodes::clock_now,
        commands::episodes::up_next,
        commands::episodes::calendar,
        commands::episodes::export_calendar,
        commands::episodes::episode_progress,
        commands::episodes::mark_episode,
        commands::episodes::mark_episodes_until,
        commands::episodes::mark_episodes,
        commands::episodes::unmark_episodes,
        commands::episodes::start_rewatch,
        commands::episodes::annotate_episode,
        commands::lists::lists,
        commands::lists::lists_of_entry,
        commands::lists::list_detail,
        commands::lists::create_list,
        commands::lists::update_list,
        commands::lists::delete_list,
        commands::lists::put_on_list,
        commands::lists::put_entries_on_list,
        commands::lists::set_list_note,
        commands::lists::take_from_list,
        commands::lists::reorder_list,
        links::take_links,
        links::read_link,
        logs::open_log_folder,
    ])
}

/// Starts the app.
pub fn run() {
    let builder = tauri::Builder::default()
        // First, so a second launch hands over to the running window before
        // anything else starts. With its `deep-link` feature it passes a
        // watchlog:// argument on to the deep-link plugin, which `links`
        // listens to. Without a D-Bus session bus it lets every launch run
        // on its own rather than fail.
        .plugin(tauri_plugin_single_instance::init(|app, _args, _cwd| {
            if let Some(w) = app.get_webview_window("main") {
                let _ = w.unminimize();
                let _ = w.show();
                let _ = w.set_focus();
            }
        }))
        .plugin(tauri_plugin_deep_link::init())
        .plugin(logs::plugin())
        .plugin(tauri_plugin_window_state::Builder::default().build())
        .plugin(tauri_plugin_dialog::init())
        .plugin(tauri_plugin_opener::init())
        .plugin(tauri_plugin_notification::init())
        .setup(|app| {
            let path = library_path(app.handle())?;
            log::info!(
                "Watchlog {} starting with the library {}",
                app.package_info().version,
                path.display()
            );
            let state = AppState::open(&path);
            app.manage(commands::posters::PosterState::for_library(&state));
            app.manage(state);
            app.manage(commands::catalog::CatalogState::default());
            app.manage(webhooks::WebhookState::default());
            airing::start(app.handle());
            webhooks::restart(app.handle());
            app.manage(links::LinkState::default());
            links::start(app.handle());
            app.manage(sync_watch::SyncWatchState::default());
            sync_watch::restart(app.handle());
            Ok(())
        });
    // The poster protocol serves cached thumbnails to the webview.
    commands::posters::with_posters(with_commands(builder))
        .run(tauri::generate_context!())
        .expect("error while running Watchlog");
}
