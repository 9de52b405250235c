//! Builds the app's permission manifest: every command the UI may call is
//! listed here, and `capabilities/default.json` grants exactly these.

/// The app's own commands. Keep in step with `commands.rs` and the capability.
const COMMANDS: &[&str] = &[
    "library_info",
    "list_page",
    "facet_counts",
    "status_counts",
    "get_entry",
    "add_entry",
    "check_new_entry",
    "update_entry",
    "preview_entry",
    "update_title",
    "check_title",
    "rating_table",
    "add_episode",
    "delete_entry",
    "add_viewing",
    "delete_viewing",
    "render_markdown",
    "list_platforms",
    "add_platform",
    "update_platform",
    "delete_platform",
    "get_settings",
    "save_settings",
    "load_sample",
    "stats",
    "open_url",
    "export_library",
    "backup_now",
    "list_backups",
    "restore_backup",
    "library_recovery",
    "dismiss_recovery",
    "catalog_search",
    "catalog_details",
    "add_from_catalog",
    "refresh_entry",
    "refresh_all",
    "cancel_refresh",
    "refresh_airing",
    "airing_status",
    "catalog_status",
    "set_tmdb_key",
    "poster_status",
    "entry_poster",
    "fetch_posters",
    "cancel_poster_fetch",
    "prune_posters",
    "import_pick",
    "import_preview",
    "import_apply",
    "import_cancel",
    "import_undo_available",
    "import_undo",
];

fn main() {
    tauri_build::try_build(
        tauri_build::Attributes::new()
            .app_manifest(tauri_build::AppManifest::new().commands(COMMANDS)),
    )
    .expect("failed to run tauri-build");
}
