//! Builds the app's permission manifest: every command the UI may call is
//! listed here, and `capabilities/default.json` grants exactly these.

/// The app's own commands. Keep in step with `commands.rs` and the capability.
const COMMANDS: &[&str] = &[
    "library_info",
    "list_entries",
    "status_counts",
    "get_entry",
    "add_entry",
    "update_entry",
    "update_title",
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
];

fn main() {
    tauri_build::try_build(
        tauri_build::Attributes::new()
            .app_manifest(tauri_build::AppManifest::new().commands(COMMANDS)),
    )
    .expect("failed to run tauri-build");
}
