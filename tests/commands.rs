//! The app's commands driven through Tauri's mock runtime with the real
//! configuration and capabilities: argument names as the UI sends them, the
//! `{ code, message }` error shape, and the permission system refusing what
//! the window was not granted.

use serde_json::{json, Value};
use tauri::ipc::{CallbackFn, InvokeBody};
use tauri::test::{get_ipc_response, mock_builder, INVOKE_KEY};
use tauri::webview::InvokeRequest;
use tauri::{Manager, WebviewWindow, WebviewWindowBuilder};
use watchlog_app::{with_commands, AppState};
use watchlog_testkit::{fixtures, strangers, Sandbox};

struct TestApp {
    _app: tauri::App<tauri::test::MockRuntime>,
    window: WebviewWindow<tauri::test::MockRuntime>,
    _sandbox: Sandbox,
}

fn app() -> TestApp {
    let sandbox = Sandbox::new();
    let app = with_commands(mock_builder())
        .manage(AppState::open(&sandbox.db))
        .manage(watchlog_app::commands::catalog::CatalogState::default())
        .manage(watchlog_app::webhooks::WebhookState::default())
        .manage(watchlog_app::links::LinkState::default())
        .build(tauri::generate_context!())
        .expect("the app builds on the mock runtime");
    let window = WebviewWindowBuilder::new(&app, "main", Default::default())
        .build()
        .unwrap();
    TestApp {
        _app: app,
        window,
        _sandbox: sandbox,
    }
}

fn invoke(
    window: &WebviewWindow<tauri::test::MockRuntime>,
    cmd: &str,
    args: Value,
) -> Result<Value, Value> {
    get_ipc_response(
        window,
        InvokeRequest {
            cmd: cmd.into(),
            callback: CallbackFn(0),
            error: CallbackFn(1),
            url: "tauri://localhost".parse().unwrap(),
            body: InvokeBody::Json(args),
            headers: Default::default(),
            invoke_key: INVOKE_KEY.to_string(),
        },
    )
    .map(|b| b.deserialize::<Value>().unwrap())
}

fn soundtrack() -> Value {
    json!({
        "title": {
            "kind": "series", "name": "Soundtrack #2", "original_name": "사운드트랙 #2",
            "year": 2023, "country": "KR", "language": "ko", "network": "Disney+",
            "genres": ["Romance"], "seasons": 1, "episodes": 6, "runtime_minutes": 50,
            "airing": "ended", "synopsis": null, "poster_url": null, "people": [],
            "external_ids": { "tvmaze": null, "tmdb": null, "imdb": null, "tvdb": null, "mydramalist": null }
        },
        "fields": {
            "status": "plan_to_watch", "rating": null,
            "scores": { "story": null, "acting": null, "music": null, "rewatch_value": null },
            "review": null, "review_spoiler": false, "notes": null, "platform": "Disney+",
            "progress": 0, "favorite": false, "tags": [], "started_on": null, "finished_on": null
        }
    })
}

#[test]
fn add_edit_and_list_through_ipc() {
    let t = app();
    let added =
        invoke(&t.window, "add_entry", json!({ "entry": soundtrack() })).expect("add_entry");
    let id = added["id"].as_i64().unwrap();
    assert_eq!(added["title"]["original_name"], "사운드트랙 #2");

    // An edit is a patch: only the fields that changed are sent.
    let updated = invoke(
        &t.window,
        "update_entry",
        json!({ "id": id, "patch": { "status": "completed", "rating": 85, "finished_on": "2023-12-27" } }),
    )
    .expect("update_entry");
    assert_eq!(updated["rating_10"], json!(8.5));
    assert_eq!(
        updated["progress"],
        json!(6),
        "completing fills the progress"
    );

    // The library view's own calls: a page with its highlight, and counts.
    let page = invoke(
        &t.window,
        "list_page",
        json!({ "query": { "status": null, "platform": null, "search": "사운드", "sort": null, "reverse": false, "limit": 50, "offset": 0 } }),
    )
    .expect("list_page");
    assert_eq!(
        page["rows"].as_array().unwrap().len(),
        1,
        "Hangul substring search finds the entry: {page}"
    );
    assert_eq!(
        page["rows"][0]["highlight_original"],
        "\u{2}사운드\u{3}트랙 #2"
    );
    assert_eq!(page["next_cursor"], json!(null));
    let facets = invoke(
        &t.window,
        "facet_counts",
        json!({ "query": { "status": "completed", "platform": null, "search": null, "sort": null, "reverse": false, "limit": null } }),
    )
    .expect("facet_counts");
    assert_eq!(facets["total"], json!(1));
    assert_eq!(facets["country"], json!([{ "label": "KR", "count": 1 }]));

    // The UI sends camelCase argument names; `viewingId` reaches `viewing_id`.
    let err = invoke(&t.window, "delete_viewing", json!({ "viewingId": 999 })).unwrap_err();
    assert_eq!(err["code"], "not_found");
}

#[test]
fn errors_have_one_shape() {
    let t = app();
    let err = invoke(&t.window, "get_entry", json!({ "id": 42 })).unwrap_err();
    assert_eq!(
        err,
        json!({ "code": "not_found", "message": "there is no entry with id 42" })
    );

    let mut bad = soundtrack();
    bad["title"]["country"] = json!("Korea");
    let err = invoke(&t.window, "add_entry", json!({ "entry": bad })).unwrap_err();
    assert_eq!(err["code"], "invalid_input");
    assert!(
        err["message"].as_str().unwrap().contains("country code"),
        "{err}"
    );
}

#[test]
fn markdown_preview_is_sanitised() {
    let t = app();
    let html = invoke(
        &t.window,
        "render_markdown",
        json!({ "markdown": "**ok** <img src=x onerror=alert(1)><script>alert(2)</script>" }),
    )
    .unwrap();
    let html = html.as_str().unwrap();
    assert!(html.contains("<strong>ok</strong>"), "{html}");
    assert!(
        !html.contains("onerror") && !html.contains("<script"),
        "{html}"
    );
}

#[test]
fn commands_outside_the_capability_are_denied() {
    let t = app();
    // The window is granted the app's own commands: no plugin command
    // (here, the file dialog) may be called from the webview.
    let err = invoke(&t.window, "plugin:dialog|open", json!({ "options": {} })).unwrap_err();
    let text = err.to_string();
    assert!(
        text.contains("not allowed") || text.contains("not found"),
        "a plugin command outside the capability must be refused, got {text}"
    );

    // Listening to the app's events is granted (Up next and the calendar
    // hear `airing-changed`); sending them is not.
    invoke(
        &t.window,
        "plugin:event|listen",
        json!({ "event": "airing-changed", "target": { "kind": "Any" }, "handler": 7 }),
    )
    .expect("the main window may listen to the app's events");
    let err = invoke(
        &t.window,
        "plugin:event|emit",
        json!({ "event": "airing-changed", "payload": null }),
    )
    .unwrap_err();
    assert!(err.to_string().contains("not allowed"), "got {err}");

    // A window the capability does not name may call nothing.
    let other = WebviewWindowBuilder::new(&t._app, "other", Default::default())
        .build()
        .unwrap();
    let err = invoke(&other, "status_counts", json!({})).unwrap_err();
    assert!(err.to_string().contains("not allowed"), "got {err}");
}

#[test]
fn a_library_from_a_newer_version_is_reported_not_opened() {
    let sandbox = Sandbox::new();
    let path = sandbox.db.clone();
    strangers::newer_library(&path, false);
    let before = std::fs::read(&path).unwrap();
    let app = with_commands(mock_builder())
        .manage(AppState::open(&path))
        .build(tauri::generate_context!())
        .unwrap();
    let window = WebviewWindowBuilder::new(&app, "main", Default::default())
        .build()
        .unwrap();
    let err = invoke(&window, "status_counts", json!({})).unwrap_err();
    assert_eq!(err["code"], "newer_database", "{err}");
    assert!(
        err["message"]
            .as_str()
            .unwrap()
            .contains("newer version of Watchlog"),
        "{err}"
    );
    assert_eq!(
        std::fs::read(&path).unwrap(),
        before,
        "the newer file must be left untouched"
    );
}

/// Backup, change, restore by name through the commands: the library the
/// app holds open is closed, replaced and reopened, and later commands see
/// the restored data. A bad name is refused and changes nothing.
#[test]
fn backup_list_and_restore_through_commands() {
    let t = app();
    invoke(&t.window, "load_sample", json!({})).unwrap();
    let backups = invoke(&t.window, "list_backups", json!({})).unwrap();
    assert_eq!(backups, json!([]));
    let made = invoke(&t.window, "backup_now", json!({})).unwrap();
    let name = made["name"].as_str().unwrap().to_string();
    assert!(made["size_bytes"].as_u64().unwrap() > 4096, "{made}");
    let listed = invoke(&t.window, "list_backups", json!({})).unwrap();
    assert_eq!(listed[0]["name"], name.as_str());

    invoke(&t.window, "delete_entry", json!({ "id": 1 })).unwrap();
    assert_eq!(
        invoke(&t.window, "status_counts", json!({})).unwrap()["all"],
        13
    );
    for bad in [
        "../watchlog.db",
        "watchlog.db",
        "watchlog-20990101-000000.db",
    ] {
        let err = invoke(&t.window, "restore_backup", json!({ "name": bad })).unwrap_err();
        assert_eq!(err["code"], "invalid_input", "{bad}: {err}");
        assert!(err["message"]
            .as_str()
            .unwrap()
            .contains("no backup called"));
    }
    assert_eq!(
        invoke(&t.window, "status_counts", json!({})).unwrap()["all"],
        13,
        "a refused restore changed the library"
    );
    let done = invoke(&t.window, "restore_backup", json!({ "name": name })).unwrap();
    assert_eq!(done, json!(true));
    assert_eq!(
        invoke(&t.window, "status_counts", json!({})).unwrap()["all"],
        14,
        "the restored library is the one the commands now use"
    );
    assert_eq!(
        invoke(&t.window, "get_entry", json!({ "id": 1 })).unwrap()["title"]["name"],
        "Soundtrack #2"
    );
}

/// The export behind the save dialog writes the file atomically and
/// reports what it wrote.
#[test]
fn export_to_a_path_reports_rows() {
    let sandbox = Sandbox::new();
    let dir = sandbox.dir();
    let state = AppState::open(&sandbox.db);
    state.library().unwrap().load_sample().unwrap();
    let out = dir.join("reviews.html");
    let options: watchlog_core::transfer::ExportOptions = serde_json::from_value(json!({
        "filter": { "statuses": ["completed"] },
        "order": "finished",
        "spoilers": "omit"
    }))
    .unwrap();
    let posters = watchlog_core::posters::PosterCache::new(dir.join("posters"));
    let report = watchlog_app::commands::transfer::export_to(
        &state,
        &posters,
        watchlog_core::transfer::ExportFormat::Html,
        &options,
        &out,
    )
    .unwrap();
    assert_eq!(report.written, 8, "{report:?}");
    assert_eq!(report.filtered_out, 6);
    let html = std::fs::read_to_string(&out).unwrap();
    assert!(html.starts_with("<!DOCTYPE html>"));
    assert!(!html.contains("the final song"), "omitted spoiler leaked");
}

/// Stats › Year in review: the command answers the core's numbers for a
/// year, refuses an impossible one by field, and the export writes the
/// page and the card where the dialog would have put them.
#[test]
fn the_year_in_review_through_ipc_and_its_exports() {
    let t = app();
    invoke(&t.window, "load_sample", json!({})).unwrap();
    let r = invoke(&t.window, "year_review", json!({ "year": 2023 })).unwrap();
    assert_eq!(r["year"], 2023);
    assert_eq!(r["titles_finished"], 2, "{r}");
    assert_eq!(r["months"].as_array().unwrap().len(), 12);
    let e = invoke(&t.window, "year_review", json!({ "year": 0 })).unwrap_err();
    assert_eq!(e["code"], "invalid_input", "{e}");
    assert_eq!(e["field"], "year", "{e}");
    let empty = invoke(&t.window, "year_review", json!({ "year": 1999 })).unwrap();
    assert_eq!(empty["days_watched"], 0);

    let sandbox = Sandbox::new();
    let state = AppState::open(&sandbox.db);
    state.library().unwrap().load_sample().unwrap();
    let posters = watchlog_core::posters::PosterCache::new(sandbox.dir().join("posters"));
    let page = sandbox.dir().join("2023.html");
    let written = watchlog_app::commands::transfer::export_year_to(
        &state, &posters, 2023, false, None, &page,
    )
    .unwrap();
    assert_eq!(written.titles_finished, 2);
    let html = std::fs::read_to_string(&page).unwrap();
    assert!(html.contains("<h1>My 2023 in review</h1>"));
    assert!(!html.to_ascii_lowercase().contains("<script"));
    let card = sandbox.dir().join("2023.png");
    watchlog_app::commands::transfer::export_year_to(
        &state,
        &posters,
        2023,
        true,
        Some("Mine"),
        &card,
    )
    .unwrap();
    assert!(std::fs::read(&card).unwrap().starts_with(b"\x89PNG\r\n"));
}

/// The export dialog's Cancel reaches the app through its capability;
/// with no export running there is nothing to stop.
#[test]
fn export_cancel_is_allowed_and_stops_nothing_when_idle() {
    let t = app();
    assert_eq!(
        invoke(&t.window, "export_cancel", json!({})).unwrap(),
        json!(false)
    );
}

#[test]
fn catalogue_commands_keep_the_key_out_of_sight() {
    let t = app();
    let w = &t.window;
    let bad = invoke(w, "set_tmdb_key", json!({ "key": "my key" })).unwrap_err();
    assert_eq!(bad["code"], "invalid_input", "{bad}");
    if std::env::var_os("WATCHLOG_TMDB_KEY").is_none() {
        let s = invoke(w, "catalog_status", json!({})).unwrap();
        assert_eq!(s, json!({ "tmdb_key_set": false }));
    }
    let key = "0123456789abcdef0123456789abcdef";
    let s = invoke(w, "set_tmdb_key", json!({ "key": key })).unwrap();
    assert_eq!(s, json!({ "tmdb_key_set": true }));
    let settings = invoke(w, "get_settings", json!({})).unwrap();
    assert!(!settings.to_string().contains(key), "{settings}");

    // Checked before any request: an empty query, a title added by hand.
    let e = invoke(
        w,
        "catalog_search",
        json!({ "provider": "tvmaze", "query": "  ", "request": 1 }),
    )
    .unwrap_err();
    assert_eq!(e["code"], "invalid_input", "{e}");
    let added = invoke(w, "add_entry", json!({ "entry": soundtrack() })).unwrap();
    let e = invoke(w, "refresh_entry", json!({ "id": added["id"] })).unwrap_err();
    assert!(
        e["message"]
            .as_str()
            .unwrap()
            .contains("no TVmaze or TMDB id"),
        "{e}"
    );
    assert_eq!(
        invoke(w, "cancel_refresh", json!({})).unwrap(),
        json!(false)
    );
    assert_eq!(
        invoke(w, "airing_status", json!({})).unwrap(),
        json!({ "last_refreshed": null, "running": false }),
        "never refreshed, nothing running"
    );
}

/// The Import view's flow through IPC: preview changes nothing, apply
/// imports with progress, a second preview finds nothing new, undo puts the
/// library back. (The native file dialog cannot be driven from a test, so
/// the file is handed over the way the dialog does.)
/// The import commands share one process-wide slot (the picked file and
/// what was read from it), so the tests that use it take turns.
static IMPORT_SLOT: std::sync::Mutex<()> = std::sync::Mutex::new(());

fn import_slot() -> std::sync::MutexGuard<'static, ()> {
    IMPORT_SLOT.lock().unwrap_or_else(|p| p.into_inner())
}

#[test]
fn import_preview_apply_and_undo_through_ipc() {
    let _turn = import_slot();
    let Some(letterboxd) = fixtures::path("exports/letterboxd") else {
        return;
    };
    let t = app();
    watchlog_app::commands::import::set_picked(letterboxd);
    let count = |t: &TestApp| invoke(&t.window, "status_counts", json!({})).unwrap()["all"].clone();

    let preview = invoke(
        &t.window,
        "import_preview",
        json!({ "format": null, "prefer": "newer" }),
    )
    .expect("import_preview");
    let added = preview["added"].as_u64().unwrap();
    assert!(added > 0, "the preview lists films to add: {preview}");
    assert_eq!(count(&t), json!(0), "a preview changes nothing");

    let applied = invoke(
        &t.window,
        "import_apply",
        json!({ "format": null, "prefer": "newer", "onProgress": "__CHANNEL__:1" }),
    )
    .expect("import_apply");
    assert_eq!(applied["added"].as_u64(), Some(added), "{applied}");
    assert_eq!(count(&t), json!(added));
    let found = invoke(
        &t.window,
        "list_page",
        json!({ "query": { "status": null, "platform": null, "search": "Filipiñana", "sort": null, "reverse": false, "limit": 5 } }),
    )
    .unwrap()["rows"]
    .clone();
    assert_eq!(
        found.as_array().unwrap().len(),
        1,
        "the UTF-8 title survives: {found}"
    );

    let again = invoke(
        &t.window,
        "import_preview",
        json!({ "format": null, "prefer": "newer" }),
    )
    .unwrap();
    assert_eq!(
        again["added"],
        json!(0),
        "importing twice adds nothing: {again}"
    );
    assert_eq!(
        again["updated"],
        json!(0),
        "importing twice changes nothing: {again}"
    );

    assert!(invoke(&t.window, "import_undo_available", json!({}))
        .unwrap()
        .is_string());
    invoke(&t.window, "import_undo", json!({})).expect("import_undo");
    assert_eq!(count(&t), json!(0), "undo restores the library as it was");
}

/// The `watchlog` binary built beside this test (`cargo test --workspace`
/// builds it for the CLI's own tests).
fn cli_binary() -> std::path::PathBuf {
    let exe = std::env::current_exe().unwrap();
    let bin = exe
        .parent()
        .and_then(|deps| deps.parent())
        .map(|dir| dir.join(format!("watchlog{}", std::env::consts::EXE_SUFFIX)))
        .unwrap();
    assert!(
        bin.exists(),
        "{} is missing: build the CLI first (cargo build -p watchlog-cli)",
        bin.display()
    );
    bin
}

/// Runs the CLI with `--json` on the app's library; its error payload.
fn cli_error(t: &TestApp, args: &[&str]) -> Value {
    let out = std::process::Command::new(cli_binary())
        .arg("--db")
        .arg(&t._sandbox.db)
        .arg("--json")
        .args(args)
        .output()
        .unwrap();
    assert_eq!(
        out.status.code(),
        Some(2),
        "{args:?} is refused as bad input"
    );
    serde_json::from_slice(&out.stderr).unwrap_or_else(|e| {
        panic!(
            "{args:?}: stderr is one JSON payload ({e}): {}",
            String::from_utf8_lossy(&out.stderr)
        )
    })
}

#[test]
fn the_same_bad_value_gives_the_same_field_error_in_the_app_and_the_cli() {
    let t = app();
    let added = invoke(&t.window, "add_entry", json!({ "entry": soundtrack() })).unwrap();
    let id = added["id"].as_i64().unwrap();

    let progress = invoke(
        &t.window,
        "update_entry",
        json!({ "id": id, "patch": { "progress": 99 } }),
    )
    .unwrap_err();
    assert_eq!(progress["field"], "progress", "{progress}");
    let cli = cli_error(&t, &["set", &id.to_string(), "--progress", "99"]);
    assert_eq!(progress, cli, "the app and the CLI say the same");

    let mut old = soundtrack();
    old["title"]["name"] = json!("Too old");
    old["title"]["year"] = json!(1700);
    let app = invoke(&t.window, "add_entry", json!({ "entry": old })).unwrap_err();
    assert_eq!(app["field"], "year", "{app}");
    let cli = cli_error(&t, &["add", "Too old", "--year", "1700"]);
    assert_eq!(app, cli, "the app and the CLI say the same");

    // The editor's preview reports the same error before anything is saved.
    let preview = invoke(
        &t.window,
        "preview_entry",
        json!({ "id": id, "patch": { "progress": 99 } }),
    )
    .unwrap();
    assert_eq!(preview["errors"][0], progress);
}

#[test]
fn an_argument_of_the_wrong_shape_is_a_field_error_too() {
    let t = app();
    let mut entry = soundtrack();
    entry["title"]["year"] = json!("twenty twenty-three");
    let err = invoke(&t.window, "add_entry", json!({ "entry": entry })).unwrap_err();
    assert_eq!(err["code"], "invalid_input", "{err}");
    assert_eq!(err["field"], "year", "{err}");
    assert!(
        !err["message"].as_str().unwrap().contains("line 1"),
        "no JSON positions in words for people: {err}"
    );
    let err = invoke(
        &t.window,
        "update_entry",
        json!({ "id": 1, "patch": { "scores": { "story": 900 } } }),
    )
    .unwrap_err();
    assert_eq!(err["field"], "scores.story", "{err}");
}

/// The file is read once: apply runs what the preview read, even when the
/// file has changed or gone since; asking for another format reads again.
#[test]
fn import_apply_runs_what_the_preview_read() {
    let _turn = import_slot();
    let t = app();
    let export = t._sandbox.file("ratings.csv");
    std::fs::write(
        &export,
        "Date,Name,Year,Letterboxd URI,Rating\n2024-01-05,Parasite,2019,https://boxd.it/hTha,4.5\n",
    )
    .unwrap();
    watchlog_app::commands::import::set_picked(export.clone());
    let preview = invoke(
        &t.window,
        "import_preview",
        json!({ "format": null, "prefer": "newer" }),
    )
    .expect("import_preview");
    assert_eq!(preview["added"], json!(1), "{preview}");
    assert_eq!(preview["format"], json!("letterboxd"), "{preview}");

    // After the preview the file on disk says something else entirely.
    std::fs::write(&export, "not an export at all\n").unwrap();
    let applied = invoke(
        &t.window,
        "import_apply",
        json!({ "format": "letterboxd", "prefer": "newer", "onProgress": "__CHANNEL__:1" }),
    )
    .expect("import_apply runs the previewed import, not the changed file");
    assert_eq!(applied["added"], json!(1), "{applied}");
    let rows = invoke(
        &t.window,
        "list_page",
        json!({ "query": { "status": null, "platform": null, "search": "Parasite", "sort": null, "reverse": false, "limit": 5 } }),
    )
    .unwrap()["rows"]
    .clone();
    assert_eq!(rows.as_array().unwrap().len(), 1, "{rows}");

    // Another format is another reading, of the file as it is now.
    let e = invoke(
        &t.window,
        "import_preview",
        json!({ "format": "imdb", "prefer": "newer" }),
    )
    .expect_err("the changed file is read again for another format");
    assert_eq!(e["code"], json!("invalid_input"), "{e}");
}

/// A Netflix file with several profiles: the preview fails with the
/// profiles to offer, and one chosen in the options is read; apply runs
/// that same reading.
#[test]
fn import_preview_offers_the_profiles_of_a_netflix_file() {
    let _turn = import_slot();
    let Some(file) =
        fixtures::path("exports/netflix/ViewingActivity_US_excel-resaved_MDY_zwiora.csv")
    else {
        return;
    };
    let t = app();
    watchlog_app::commands::import::set_picked(file);
    let e = invoke(
        &t.window,
        "import_preview",
        json!({ "format": null, "prefer": "newer" }),
    )
    .expect_err("four profiles and none chosen");
    assert_eq!(e["code"], json!("needs_choice"), "{e}");
    assert_eq!(e["field"], json!("profile"), "{e}");
    assert_eq!(
        e["choices"],
        json!(["User1", "User2", "User3", "User4"]),
        "{e}"
    );
    let options = json!({ "profile": "User3", "date_order": null, "min_play_minutes": null });
    let preview = invoke(
        &t.window,
        "import_preview",
        json!({ "format": null, "prefer": "newer", "options": options }),
    )
    .expect("import_preview with a profile");
    assert_eq!(preview["format"], json!("netflix"), "{preview}");
    let added = preview["added"].as_u64().unwrap();
    assert!(
        added > 10 && preview["episodes"].as_u64().unwrap() > 50,
        "{preview}"
    );
    let applied = invoke(
        &t.window,
        "import_apply",
        json!({ "format": "netflix", "prefer": "newer", "options": options, "onProgress": "__CHANNEL__:1" }),
    )
    .expect("import_apply");
    assert_eq!(applied["added"].as_u64(), Some(added), "{applied}");
}

/// A library SQLite cannot read is moved aside when the app starts; the
/// app opens a new one at once and offers the newest good backup, which
/// one call restores.
#[test]
fn a_damaged_library_is_moved_aside_and_its_newest_backup_offered() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("watchlog.db");
    {
        let mut lib = watchlog_core::Library::open(&path).unwrap();
        lib.load_sample().unwrap();
        watchlog_core::backup::backup_auto(&lib, None, None).unwrap();
    }
    let mut junk = vec![0u8; 8192];
    junk[..16].copy_from_slice(b"not a database!!");
    std::fs::write(&path, junk).unwrap();
    std::fs::write(dir.path().join("watchlog.db-wal"), b"left by a crash").unwrap();

    let app = with_commands(mock_builder())
        .manage(AppState::open(&path))
        .manage(watchlog_app::commands::catalog::CatalogState::default())
        .build(tauri::generate_context!())
        .unwrap();
    let window = WebviewWindowBuilder::new(&app, "main", Default::default())
        .build()
        .unwrap();
    let recovery = invoke(&window, "library_recovery", json!({})).unwrap();
    assert!(
        recovery["damaged_kept_at"]
            .as_str()
            .unwrap()
            .contains("watchlog.db.damaged-"),
        "{recovery}"
    );
    let name = recovery["backup"]["name"]
        .as_str()
        .expect("a backup is offered");
    let counts = invoke(&window, "status_counts", json!({})).unwrap();
    assert_eq!(counts["all"], json!(0), "a new library works at once");

    assert_eq!(
        invoke(&window, "restore_backup", json!({ "name": name })).unwrap(),
        json!(true)
    );
    let counts = invoke(&window, "status_counts", json!({})).unwrap();
    assert_eq!(counts["all"], json!(14), "the backup is back");
    assert_eq!(
        invoke(&window, "library_recovery", json!({})).unwrap(),
        json!(null),
        "the offer is gone once taken"
    );
}

/// Reads have a connection of their own: while the write connection is
/// held (a long import, a restore's preparation), the library view still
/// answers at once instead of waiting for it.
#[test]
fn reads_do_not_wait_for_the_write_connection() {
    let t = app();
    invoke(&t.window, "add_entry", json!({ "entry": soundtrack() })).unwrap();
    let state = t.window.state::<AppState>();
    let held = state.library().unwrap();
    let (tx, rx) = std::sync::mpsc::channel();
    let window = t.window.clone();
    std::thread::spawn(move || {
        let page = invoke(
            &window,
            "list_page",
            json!({ "query": { "status": null, "platform": null, "search": null, "sort": null, "reverse": false, "limit": 10 } }),
        );
        let counts = invoke(&window, "status_counts", json!({}));
        let _ = tx.send((page, counts));
    });
    let (page, counts) = rx
        .recv_timeout(std::time::Duration::from_secs(10))
        .expect("the library view answers while the write connection is held");
    drop(held);
    assert_eq!(page.unwrap()["rows"].as_array().unwrap().len(), 1);
    assert_eq!(counts.unwrap()["all"], json!(1));
}

/// A watched show written straight into the library: three episodes that
/// aired long ago and one far ahead, so the answers do not depend on today.
fn watched_show(t: &TestApp) -> i64 {
    use watchlog_core::catalog::{Details, Episode};
    let at = |s: &str| {
        chrono::DateTime::parse_from_rfc3339(s)
            .unwrap()
            .with_timezone(&chrono::Utc)
    };
    let episode = |number, airstamp: &str| Episode {
        season: 1,
        number,
        name: Some(format!("Chapter {number}")),
        airdate: Some(at(airstamp).date_naive()),
        airstamp: Some(at(airstamp)),
        runtime_minutes: Some(60),
    };
    let details = Details {
        facts: watchlog_core::TitleFacts {
            kind: watchlog_core::Kind::Series,
            name: "Signal".into(),
            episodes: Some(4),
            airing: Some(watchlog_core::Airing::Running),
            ..Default::default()
        },
        episodes: vec![
            episode(1, "2016-01-22T11:00:00Z"),
            episode(2, "2016-01-23T11:00:00Z"),
            episode(3, "2016-01-29T11:00:00Z"),
            episode(4, "2090-01-05T11:00:00Z"),
        ],
        poster_url: None,
        providers: Vec::new(),
        catalog_updated: None,
    };
    let fields = watchlog_core::EntryFields {
        status: watchlog_core::Status::Watching,
        ..Default::default()
    };
    t.window
        .state::<AppState>()
        .library()
        .unwrap()
        .add_from_catalog(&details, &fields)
        .unwrap()
}

/// Up next, the calendar and the episode marks as the UI calls them: each
/// mark answers with the entry, whose progress follows the history.
#[test]
fn episode_marks_move_up_next_along() {
    let t = app();
    let id = watched_show(&t);
    let now = invoke(&t.window, "clock_now", json!({})).expect("clock_now");
    assert!(
        now["now"].as_str().is_some_and(|n| n.ends_with('Z')) && now["today"].is_string(),
        "{now}"
    );
    let next = |t: &TestApp| {
        let rows = invoke(&t.window, "up_next", json!({ "query": {} })).expect("up_next");
        assert_eq!(rows.as_array().unwrap().len(), 1, "{rows}");
        rows[0].clone()
    };
    let row = next(&t);
    assert_eq!(
        (row["season"].clone(), row["number"].clone()),
        (json!(1), json!(1))
    );
    assert_eq!(row["new_count"], json!(3));
    assert_eq!(row["episode_name"], "Chapter 1");

    let entry = invoke(
        &t.window,
        "mark_episode",
        json!({ "id": id, "episode": { "season": 1, "number": 1 } }),
    )
    .expect("mark_episode with no day marks it now");
    assert_eq!(entry["progress"], json!(1));
    assert_eq!(
        next(&t)["number"],
        json!(2),
        "the row moves to the next episode"
    );

    let entry = invoke(
        &t.window,
        "mark_episodes_until",
        json!({ "id": id, "episode": { "season": 1, "number": 3 }, "on": "2020-02-01" }),
    )
    .expect("mark_episodes_until");
    assert_eq!(entry["progress"], json!(3));
    let row = next(&t);
    assert_eq!(row["number"], json!(4));
    assert_eq!(row["section"], "not_aired");

    let entry = invoke(
        &t.window,
        "unmark_episodes",
        json!({ "id": id, "episodes": [{ "season": 1, "number": 3 }] }),
    )
    .expect("unmark_episodes");
    assert_eq!(entry["progress"], json!(2));

    invoke(
        &t.window,
        "annotate_episode",
        json!({ "id": id, "episode": { "season": 1, "number": 2 }, "rating": 80, "note": "The radio!" }),
    )
    .expect("annotate_episode");
    let list =
        invoke(&t.window, "episode_progress", json!({ "id": id })).expect("episode_progress");
    let list = list.as_array().unwrap();
    assert_eq!(list.len(), 4);
    assert_eq!(list[1]["watched_on"], json!(["2020-02-01"]));
    assert_eq!(
        (list[1]["rating"].clone(), list[1]["note"].clone()),
        (json!(80), json!("The radio!"))
    );
    assert_eq!(list[2]["watched"], json!(false));
    assert!(
        list[0]["watched_at"].is_string() && list[0]["watched_on"].as_array().unwrap().len() == 1,
        "a mark with no day keeps its instant, and the viewer's day of it: {}",
        list[0]
    );

    let week = invoke(
        &t.window,
        "calendar",
        json!({ "query": { "from": "2090-01-01", "days": 14 } }),
    )
    .expect("calendar with the default statuses");
    let week = week.as_array().unwrap();
    assert_eq!(week.len(), 1, "{week:?}");
    assert_eq!(
        (week[0]["entry_id"].clone(), week[0]["number"].clone()),
        (json!(id), json!(4))
    );
}

/// Bad episode marks come back in the one error shape, and change nothing.
#[test]
fn bad_episode_marks_are_errors_of_one_shape() {
    let t = app();
    let id = watched_show(&t);
    let err = invoke(
        &t.window,
        "mark_episode",
        json!({ "id": id, "episode": { "season": 0, "number": 0 } }),
    )
    .unwrap_err();
    assert_eq!(err["code"], "invalid_input");
    assert!(
        err["message"].as_str().unwrap().contains("numbered from 1"),
        "{err}"
    );

    let err = invoke(
        &t.window,
        "mark_episode",
        json!({ "id": id, "episode": { "season": "one", "number": 1 } }),
    )
    .unwrap_err();
    assert_eq!(err["code"], "invalid_input", "{err}");
    assert_eq!(err["field"], "season", "{err}");

    let err = invoke(
        &t.window,
        "mark_episode",
        json!({ "id": id, "episode": { "season": 1, "number": 1 }, "on": "soon" }),
    )
    .unwrap_err();
    assert_eq!(err["code"], "invalid_input", "a day that is no date: {err}");

    let err = invoke(
        &t.window,
        "unmark_episodes",
        json!({ "id": id, "episodes": [{ "season": 1, "number": 2 }] }),
    )
    .unwrap_err();
    assert!(
        err["message"].as_str().unwrap().contains("not marked"),
        "{err}"
    );

    let err = invoke(&t.window, "episode_progress", json!({ "id": 999 })).unwrap_err();
    assert_eq!(err["code"], "not_found");

    let err = invoke(
        &t.window,
        "calendar",
        json!({ "query": { "from": "next week", "days": 7 } }),
    )
    .unwrap_err();
    assert_eq!(err["field"], "from", "{err}");

    let list = invoke(&t.window, "episode_progress", json!({ "id": id })).unwrap();
    assert!(
        list.as_array()
            .unwrap()
            .iter()
            .all(|e| e["watched"] == json!(false)),
        "nothing was marked: {list}"
    );
}

#[test]
fn the_needs_a_match_list_through_ipc() {
    let t = app();
    let added =
        invoke(&t.window, "add_entry", json!({ "entry": soundtrack() })).expect("add_entry");
    let id = added["id"].as_i64().unwrap();
    let rows = invoke(&t.window, "unmatched", json!({})).expect("unmatched");
    assert_eq!(rows[0]["entry_id"], id, "{rows}");
    assert_eq!(rows[0]["state"], "waiting");
    // A show that is not one of the catalogue's is refused in words.
    let e = invoke(
        &t.window,
        "match_pick",
        json!({ "id": id, "show": { "provider": "tvmaze", "id": "not a number" } }),
    )
    .unwrap_err();
    assert_eq!(e["code"], "invalid_input", "{e}");
    assert!(e["message"]
        .as_str()
        .unwrap()
        .contains("not a TVmaze show id"));
    invoke(&t.window, "match_keep", json!({ "id": id })).expect("match_keep");
    let rows = invoke(&t.window, "unmatched", json!({})).expect("unmatched");
    assert_eq!(rows[0]["state"], "kept", "{rows}");
    assert_eq!(
        invoke(&t.window, "match_cancel", json!({})).unwrap(),
        json!(false),
        "no run to stop"
    );
}

/// A season's check as the UI sends it: the episodes in one call, all of
/// them or none; then a rewatch, which keeps those marks under the earlier
/// viewing (read back with `viewing`) and starts the list again.
#[test]
fn a_season_is_marked_in_one_call_and_a_rewatch_starts_again() {
    let t = app();
    let id = watched_show(&t);
    let eps = |numbers: &[u32]| {
        numbers
            .iter()
            .map(|&n| json!({ "season": 1, "number": n }))
            .collect::<Vec<_>>()
    };
    let watched = |t: &TestApp, args: Value| {
        invoke(&t.window, "episode_progress", args)
            .expect("episode_progress")
            .as_array()
            .unwrap()
            .iter()
            .filter(|e| e["watched"] == json!(true))
            .map(|e| e["number"].as_u64().unwrap())
            .collect::<Vec<_>>()
    };

    let err = invoke(
        &t.window,
        "mark_episodes",
        json!({ "id": id, "episodes": eps(&[1, 2, 3, 4]) }),
    )
    .unwrap_err();
    assert_eq!(err["code"], "invalid_input", "{err}");
    assert!(
        err["message"]
            .as_str()
            .unwrap()
            .contains("S1E4 of 'Signal'"),
        "episode 4 airs in 2090: {err}"
    );
    assert!(
        watched(&t, json!({ "id": id })).is_empty(),
        "nothing was marked"
    );
    let err = invoke(
        &t.window,
        "mark_episodes",
        json!({ "id": id, "episodes": [{ "season": 1, "number": 0 }] }),
    )
    .unwrap_err();
    assert!(
        err["message"].as_str().unwrap().contains("numbered from 1"),
        "{err}"
    );

    let entry = invoke(
        &t.window,
        "mark_episodes",
        json!({ "id": id, "episodes": eps(&[1, 2, 3]), "on": "2020-02-01" }),
    )
    .expect("mark_episodes");
    assert_eq!(entry["progress"], json!(3));
    let entry = invoke(
        &t.window,
        "unmark_episodes",
        json!({ "id": id, "episodes": eps(&[2, 3]) }),
    )
    .expect("unmark_episodes");
    assert_eq!(entry["progress"], json!(1));
    invoke(
        &t.window,
        "mark_episodes",
        json!({ "id": id, "episodes": eps(&[2, 3]) }),
    )
    .expect("mark_episodes now");

    let entry = invoke(
        &t.window,
        "start_rewatch",
        json!({ "id": id, "on": "2021-05-01" }),
    )
    .expect("start_rewatch");
    assert_eq!(
        (
            entry["progress"].clone(),
            entry["status"].clone(),
            entry["started_on"].clone()
        ),
        (json!(0), json!("watching"), json!("2021-05-01"))
    );
    let viewing = entry["viewings"][0]["id"].clone();
    assert_eq!(entry["viewings"][0]["progress"], json!(3), "{entry}");
    assert!(watched(&t, json!({ "id": id })).is_empty());
    assert_eq!(
        watched(&t, json!({ "id": id, "viewing": viewing })),
        [1, 2, 3],
        "the earlier viewing keeps its marks"
    );
    let rows = invoke(&t.window, "up_next", json!({ "query": {} })).unwrap();
    assert_eq!(
        (rows[0]["season"].clone(), rows[0]["number"].clone()),
        (json!(1), json!(1))
    );
    let err = invoke(
        &t.window,
        "episode_progress",
        json!({ "id": id, "viewing": 999 }),
    )
    .unwrap_err();
    assert_eq!(err["code"], "not_found", "{err}");
}

#[test]
fn the_apps_webhook_listener_follows_its_setting_and_records_a_finished_film() {
    let Some(jellyfin) =
        fixtures::read("webhooks/jellyfin/jellyfin_PlaybackStop_movie_allprops_10.8.8_movary.json")
    else {
        return;
    };
    let t = app();
    let w = &t.window;
    let off = invoke(w, "webhook_status", json!({})).unwrap();
    assert_eq!(off["urls"], json!([]), "not listening until a port is set");
    let port = std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port();
    let mut settings = invoke(w, "get_settings", json!({})).unwrap();
    settings["webhook_port"] = port.into();
    let saved = invoke(w, "save_settings", json!({ "settings": settings })).unwrap();
    let token = saved["webhook_token"].as_str().unwrap().to_string();
    let on = invoke(w, "webhook_status", json!({})).unwrap();
    let jellyfin_url = format!("http://127.0.0.1:{port}/webhooks/jellyfin?token={token}");
    assert_eq!(on["urls"][0], jellyfin_url.as_str(), "{on}");

    use std::io::{Read, Write};
    let mut s = std::net::TcpStream::connect(("127.0.0.1", port)).unwrap();
    write!(
        s,
        "POST /webhooks/jellyfin?token={token} HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nContent-Length: {}\r\nConnection: close\r\n\r\n",
        jellyfin.len()
    )
    .unwrap();
    s.write_all(&jellyfin).unwrap();
    let mut answer = String::new();
    s.read_to_string(&mut answer).unwrap();
    assert!(answer.starts_with("HTTP/1.1 200"), "{answer}");
    let page = invoke(
        w,
        "list_page",
        json!({ "query": { "status": null, "platform": null, "search": "menu", "sort": null, "reverse": false, "limit": 50, "offset": 0 } }),
    )
    .unwrap();
    assert_eq!(page["rows"][0]["name"], "The Menu", "{page}");

    // Another setting saved leaves the listener as it is.
    let mut themed = invoke(w, "get_settings", json!({})).unwrap();
    themed["theme"] = "dark".into();
    invoke(w, "save_settings", json!({ "settings": themed })).unwrap();
    assert_eq!(invoke(w, "webhook_status", json!({})).unwrap(), on);
    settings = invoke(w, "get_settings", json!({})).unwrap();

    // Turned off, the port is let go.
    settings["webhook_port"] = json!(null);
    invoke(w, "save_settings", json!({ "settings": settings })).unwrap();
    assert_eq!(
        invoke(w, "webhook_status", json!({})).unwrap()["urls"],
        json!([])
    );
    std::thread::sleep(std::time::Duration::from_millis(200));
    assert!(
        std::net::TcpListener::bind(("127.0.0.1", port)).is_ok(),
        "the listener let go of its port"
    );
}

/// The names of a list's items, in order, as `list_detail` answers.
fn item_names(detail: &Value) -> Vec<String> {
    detail["items"]
        .as_array()
        .unwrap_or_else(|| panic!("a list detail has items: {detail}"))
        .iter()
        .map(|i| i["entry"]["name"].as_str().unwrap().to_string())
        .collect()
}

fn item_ids(detail: &Value) -> Vec<i64> {
    detail["items"]
        .as_array()
        .unwrap()
        .iter()
        .map(|i| i["entry"]["id"].as_i64().unwrap())
        .collect()
}

/// A ranked list made, filled, reordered and trimmed through the commands
/// the list page and the library's menus call, with the core's refusals
/// coming back in its own words.
#[test]
fn lists_are_made_filled_reordered_and_trimmed_through_ipc() {
    let t = app();
    invoke(&t.window, "load_sample", json!({})).unwrap();

    let made = invoke(
        &t.window,
        "create_list",
        json!({ "list": { "name": "Top 10 of 2023", "description": "The *best*.", "ranked": true } }),
    )
    .expect("create_list");
    let list = made["id"].as_i64().unwrap();
    assert_eq!(made["ranked"], json!(true));
    assert_eq!(made["items"], json!(0));

    // The name is taken in any case; the message is the core's.
    let err = invoke(
        &t.window,
        "create_list",
        json!({ "list": { "name": "top 10 OF 2023" } }),
    )
    .unwrap_err();
    assert_eq!(
        err,
        json!({ "code": "conflict", "message": "there is already a list called 'top 10 OF 2023'" })
    );
    let err = invoke(
        &t.window,
        "create_list",
        json!({ "list": { "name": "  " } }),
    )
    .unwrap_err();
    assert_eq!(err["field"], "name", "{err}");

    for entry in [1, 2, 3] {
        invoke(
            &t.window,
            "put_on_list",
            json!({ "list": list, "entry": entry }),
        )
        .expect("put_on_list");
    }
    let err = invoke(
        &t.window,
        "put_on_list",
        json!({ "list": list, "entry": 2 }),
    )
    .unwrap_err();
    assert_eq!(err["code"], "conflict", "{err}");
    // At a position: on top.
    let detail = invoke(
        &t.window,
        "put_on_list",
        json!({ "list": list, "entry": 5, "position": 1 }),
    )
    .unwrap();
    assert_eq!(item_ids(&detail), [5, 1, 2, 3]);

    // A selection: those on the list already stay where they are.
    let put = invoke(
        &t.window,
        "put_entries_on_list",
        json!({ "list": list, "entries": [3, 4, 1] }),
    )
    .unwrap();
    assert_eq!(
        (put["added"].clone(), put["already"].clone()),
        (json!(1), json!(2))
    );
    assert_eq!(put["list"]["items"], json!(5));

    let detail = invoke(
        &t.window,
        "reorder_list",
        json!({ "list": list, "order": [4, 3, 5, 1, 2] }),
    )
    .expect("reorder_list");
    assert_eq!(item_ids(&detail), [4, 3, 5, 1, 2]);
    assert_eq!(detail["items"][0]["position"], json!(1));
    assert_eq!(detail["description_html"], "<p>The <em>best</em>.</p>\n");
    let err = invoke(
        &t.window,
        "reorder_list",
        json!({ "list": list, "order": [4, 3, 5, 1] }),
    )
    .unwrap_err();
    assert_eq!(err["field"], "order", "{err}");
    assert!(
        err["message"]
            .as_str()
            .unwrap()
            .contains("nothing was moved"),
        "{err}"
    );
    assert_eq!(
        item_ids(&invoke(&t.window, "list_detail", json!({ "list": list })).unwrap()),
        [4, 3, 5, 1, 2],
        "a refused reorder moved something"
    );

    let detail = invoke(
        &t.window,
        "set_list_note",
        json!({ "list": list, "entry": 3, "note": "the finale!" }),
    )
    .unwrap();
    assert_eq!(detail["items"][1]["note"], "the finale!");
    let detail = invoke(
        &t.window,
        "take_from_list",
        json!({ "list": list, "entry": 5 }),
    )
    .expect("take_from_list");
    assert_eq!(item_ids(&detail), [4, 3, 1, 2]);
    assert_eq!(
        detail["items"][2]["position"],
        json!(3),
        "positions close up"
    );

    // The editor's "Lists" control and the library's list filter.
    let of = invoke(&t.window, "lists_of_entry", json!({ "entry": 3 })).unwrap();
    assert_eq!(of[0]["name"], "Top 10 of 2023");
    assert_eq!(
        invoke(&t.window, "lists_of_entry", json!({ "entry": 5 })).unwrap(),
        json!([])
    );
    let page = invoke(
        &t.window,
        "list_page",
        json!({ "query": { "status": null, "platform": null, "search": null, "sort": "title", "reverse": false, "limit": 50, "list": list } }),
    )
    .unwrap();
    assert_eq!(page["rows"].as_array().unwrap().len(), 4, "{page}");

    let updated = invoke(
        &t.window,
        "update_list",
        json!({ "list": list, "patch": { "name": "Best of 2023", "description": null } }),
    )
    .expect("update_list");
    assert_eq!(updated["name"], "Best of 2023");
    assert_eq!(updated["description"], json!(null));
    assert_eq!(updated["ranked"], json!(true), "a key not sent is kept");
}

/// Deleting an entry takes it off its lists and leaves the lists; deleting
/// a list leaves its entries in the library.
#[test]
fn deleting_an_entry_leaves_its_lists_and_deleting_a_list_its_entries() {
    let t = app();
    invoke(&t.window, "load_sample", json!({})).unwrap();
    let list = invoke(
        &t.window,
        "create_list",
        json!({ "list": { "name": "Comfort rewatches" } }),
    )
    .unwrap()["id"]
        .as_i64()
        .unwrap();
    invoke(
        &t.window,
        "put_entries_on_list",
        json!({ "list": list, "entries": [2, 1, 3] }),
    )
    .unwrap();
    let before = invoke(&t.window, "list_detail", json!({ "list": list })).unwrap();
    let names = item_names(&before);

    invoke(&t.window, "delete_entry", json!({ "id": 1 })).unwrap();
    let lists = invoke(&t.window, "lists", json!({})).unwrap();
    assert_eq!(lists.as_array().unwrap().len(), 1, "{lists}");
    assert_eq!(lists[0]["items"], json!(2));
    let after = invoke(&t.window, "list_detail", json!({ "list": list })).unwrap();
    assert_eq!(item_names(&after), [names[0].clone(), names[2].clone()]);

    invoke(&t.window, "delete_list", json!({ "list": list })).unwrap();
    assert_eq!(invoke(&t.window, "lists", json!({})).unwrap(), json!([]));
    assert_eq!(
        invoke(&t.window, "status_counts", json!({})).unwrap()["all"],
        13,
        "deleting a list deleted entries"
    );
    let err = invoke(&t.window, "list_detail", json!({ "list": list })).unwrap_err();
    assert_eq!(err["code"], "not_found", "{err}");
}

/// The list page's Export: the options it sends (the list, no filter, the
/// review order it does not show) reach the export behind the save dialog,
/// which writes the list alone, in its order, ranked.
#[test]
fn a_list_exports_in_its_order_with_the_options_the_list_page_sends() {
    let sandbox = Sandbox::new();
    let dir = sandbox.dir();
    let state = AppState::open(&sandbox.db);
    let list = {
        let mut lib = state.library().unwrap();
        lib.load_sample().unwrap();
        let list = lib
            .create_list(&watchlog_core::NewList {
                name: "Top 10 of 2023".into(),
                ranked: Some(true),
                ..Default::default()
            })
            .unwrap()
            .id;
        lib.put_entries_on_list(list, &[3, 5, 2]).unwrap();
        lib.reorder_list(list, &[2, 3, 5]).unwrap();
        list
    };
    let options: watchlog_core::transfer::ExportOptions = serde_json::from_value(json!({
        "filter": {
            "statuses": [], "min_rating": null, "max_rating": null, "platform": null, "tag": null,
            "finished_from": null, "finished_to": null, "only_with_review": false
        },
        "scale": null, "order": "rating", "spoilers": "hide", "heading": null,
        "list": list, "exported_at": null
    }))
    .expect("the list page's options decode");
    let out = dir.join("top-10.md");
    let posters = watchlog_core::posters::PosterCache::new(dir.join("posters"));
    let report = watchlog_app::commands::transfer::export_to(
        &state,
        &posters,
        watchlog_core::transfer::ExportFormat::Markdown,
        &options,
        &out,
    )
    .unwrap();
    assert_eq!(report.written, 3, "{report:?}");
    let md = std::fs::read_to_string(&out).unwrap();
    let names: Vec<String> = {
        let lib = state.reader().unwrap();
        [2, 3, 5]
            .iter()
            .map(|&id| lib.entry(id).unwrap().title.facts.name)
            .collect()
    };
    let at: Vec<usize> = names
        .iter()
        .enumerate()
        .map(|(i, n)| {
            md.find(&format!("### {}\\. {n}", i + 1))
                .unwrap_or_else(|| panic!("{n} is not ranked {} in:\n{md}", i + 1))
        })
        .collect();
    assert!(
        at.windows(2).all(|w| w[0] < w[1]),
        "{names:?} out of order:\n{md}"
    );
}

/// The list page's "Image to post" writes the list's card once a path is
/// chosen; an unknown list is refused and writes nothing.
#[test]
fn a_list_saves_as_a_card() {
    let sandbox = Sandbox::new();
    let state = AppState::open(&sandbox.db);
    let list = {
        let mut lib = state.library().unwrap();
        lib.load_sample().unwrap();
        let list = lib
            .create_list(&watchlog_core::NewList {
                name: "나의 최고".into(),
                ..Default::default()
            })
            .unwrap()
            .id;
        lib.put_entries_on_list(list, &[1, 2]).unwrap();
        list
    };
    let posters = watchlog_core::posters::PosterCache::new(sandbox.dir().join("posters"));
    let card = sandbox.dir().join("card.png");
    watchlog_app::commands::transfer::export_list_card_to(&state, &posters, list, &card).unwrap();
    assert!(std::fs::read(&card).unwrap().starts_with(b"\x89PNG\r\n"));
    let gone = sandbox.dir().join("gone.png");
    let e = watchlog_app::commands::transfer::export_list_card_to(&state, &posters, 999, &gone)
        .unwrap_err();
    assert_eq!(e.0.code, "not_found", "{}", e.0.message);
    assert!(!gone.exists());
}

/// A selection changed in bulk and deleted through the commands, each
/// taken back by the step its answer carries; a second undo is refused in
/// words, and a bulk change with an unknown id changes nothing.
#[test]
fn bulk_change_delete_and_undo_through_commands() {
    let t = app();
    invoke(&t.window, "load_sample", json!({})).unwrap();
    let status_of =
        |id: i64| invoke(&t.window, "get_entry", json!({ "id": id })).unwrap()["status"].clone();
    let before = [status_of(1), status_of(2)];

    let out = invoke(
        &t.window,
        "bulk_change",
        json!({ "ids": [1, 2], "change": { "status": "dropped", "add_tags": ["later"] } }),
    )
    .unwrap();
    assert_eq!(out["report"]["changed"], 2, "{out}");
    assert_eq!(out["undo"]["label"], "Changed 2 titles");
    assert_eq!(status_of(1), "dropped");
    let step = out["undo"]["id"].clone();
    let undone = invoke(&t.window, "undo", json!({ "step": step })).unwrap();
    assert_eq!(undone["id"], step);
    assert_eq!([status_of(1), status_of(2)], before);
    let again = invoke(&t.window, "undo", json!({ "step": step })).unwrap_err();
    assert_eq!(again["code"], "already_undone", "{again}");
    assert_eq!(again["message"], "That change was already undone.");

    let bad = invoke(
        &t.window,
        "bulk_change",
        json!({ "ids": [1, 999], "change": { "status": "dropped" } }),
    )
    .unwrap_err();
    assert_eq!(bad["code"], "not_found", "{bad}");
    assert_eq!([status_of(1), status_of(2)], before, "nothing changed");
    let shape = invoke(
        &t.window,
        "bulk_change",
        json!({ "ids": [1], "change": { "status": "someday" } }),
    )
    .unwrap_err();
    assert_eq!(shape["code"], "invalid_input", "{shape}");

    let deleted = invoke(&t.window, "delete_entries", json!({ "ids": [1, 2, 3] })).unwrap();
    assert_eq!(deleted["label"], "Deleted 3 titles");
    assert_eq!(
        invoke(&t.window, "status_counts", json!({})).unwrap()["all"],
        11
    );
    invoke(&t.window, "undo", json!({ "step": deleted["id"] })).unwrap();
    assert_eq!(
        invoke(&t.window, "status_counts", json!({})).unwrap()["all"],
        14
    );
    let one = invoke(&t.window, "delete_entry", json!({ "id": 1 })).unwrap();
    assert!(
        one["label"]
            .as_str()
            .unwrap()
            .starts_with("Deleted \u{201c}"),
        "{one}"
    );
}

/// What the app does with a watchlog:// link, from the moment the desktop
/// hands it over: it waits until the UI takes it (once), the core reads it,
/// and a bad one is an error saying why while the library stays as it was.
/// (The hand-over itself, a second launch forwarded over D-Bus, is the
/// end-to-end test `a_link_from_a_second_launch_asks_before_adding`.)
#[test]
fn links_wait_for_the_ui_and_the_core_reads_them() {
    let t = app();
    watchlog_app::links::receive(
        t.window.app_handle(),
        [
            "watchlog://add?tmdb=movie/603".to_string(),
            "watchlog://add?tvmaze=abc".to_string(),
        ],
    );
    let taken = invoke(&t.window, "take_links", json!({})).expect("take_links");
    assert_eq!(
        taken,
        json!(["watchlog://add?tmdb=movie/603", "watchlog://add?tvmaze=abc"])
    );
    let again = invoke(&t.window, "take_links", json!({})).expect("take_links");
    assert_eq!(again, json!([]), "a link is handed out once");

    let film = invoke(
        &t.window,
        "read_link",
        json!({ "link": "watchlog://add?tmdb=movie/603" }),
    )
    .expect("a good link is read");
    assert_eq!(film, json!({ "provider": "tmdb", "id": "movie/603" }));
    let show = invoke(
        &t.window,
        "read_link",
        json!({ "link": "watchlog://add?tmdb=tv/1399" }),
    )
    .expect("a good link is read");
    assert_eq!(show, json!({ "provider": "tmdb", "id": "1399" }));

    for (link, says) in [
        ("watchlog://add?tvmaze=abc", "'abc' is not a TVmaze show id"),
        (
            "watchlog://add?tmdb=person/1",
            "'person/1' is not a TMDB id",
        ),
        ("watchlog://add?imdb=tt1", "'imdb' is not a catalogue"),
        ("watchlog://delete?tvmaze=1", "can only add a show"),
        ("https://www.tvmaze.com/shows/82", "is not a Watchlog link"),
    ] {
        let err = invoke(&t.window, "read_link", json!({ "link": link }))
            .expect_err("a bad link is refused");
        assert_eq!(err["code"], "invalid_input", "{link}: {err}");
        let message = err["message"].as_str().unwrap();
        assert!(message.contains(says), "{link}: {message}");
    }
    let info = invoke(&t.window, "library_info", json!({})).expect("library_info");
    assert_eq!(info["entries"], 0, "reading links changes nothing: {info}");
}
