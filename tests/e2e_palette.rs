//! End to end in the real webview: the command palette driven by the
//! keyboard alone, and a file dropped on the window going to the import.
//! Run under Xvfb like `e2e.rs`, with the same harness.

mod support;

use serde_json::json;
use support::{tools_present, App, Home};
use thirtyfour::prelude::*;
use watchlog_testkit::fixtures;

/// One app at a time: the app is single-instance.
static ONE_AT_A_TIME: tokio::sync::Mutex<()> = tokio::sync::Mutex::const_new(());

async fn press(app: &App, key: Key) {
    app.driver
        .action_chain()
        .send_keys(key)
        .perform()
        .await
        .unwrap();
}

async fn type_text(app: &App, text: &str) {
    app.driver
        .action_chain()
        .send_keys(text)
        .perform()
        .await
        .unwrap();
}

async fn ctrl_k(app: &App) {
    app.driver
        .action_chain()
        .key_down(Key::Control)
        .send_keys("k")
        .key_up(Key::Control)
        .perform()
        .await
        .unwrap();
}

/// The `data-testid` of the focused element, or "" for none.
/// Ctrl+K, and the palette's field has the keyboard.
async fn open_palette(app: &App) {
    ctrl_k(app).await;
    app.eventually("the palette opens", || async {
        focused(app).await == "palette-input"
    })
    .await;
}

async fn focused(app: &App) -> String {
    app.driver
        .execute(
            "return document.activeElement?.getAttribute('data-testid') ?? '';",
            vec![],
        )
        .await
        .unwrap()
        .json()
        .as_str()
        .unwrap_or_default()
        .to_string()
}

async fn palette_open(app: &App) -> bool {
    app.driver
        .execute(
            "return document.querySelector('[data-testid=palette]')?.open === true;",
            vec![],
        )
        .await
        .unwrap()
        .json()
        .as_bool()
        .unwrap_or(false)
}

/// The first option's (kind, action id or entry id, text).
async fn first_option(app: &App) -> (String, String, String) {
    let v = app
        .driver
        .execute(
            r#"const o = document.querySelector('[data-testid=palette-option]');
               return o ? [o.dataset.kind, o.dataset.actionId ?? o.dataset.entryId, o.textContent.trim()] : ['', '', ''];"#,
            vec![],
        )
        .await
        .unwrap()
        .json()
        .clone();
    let s = |i: usize| v[i].as_str().unwrap_or_default().to_string();
    (s(0), s(1), s(2))
}

#[tokio::test]
async fn the_palette_reaches_an_entry_and_a_page_by_keyboard() {
    if !tools_present() {
        return;
    }
    let _serial = ONE_AT_A_TIME.lock().await;
    let home = Home::new();
    let app = App::start(&home).await;
    app.load_sample().await;

    // Ctrl+K opens it from inside a text field too, and Esc gives the
    // focus back to that field.
    app.click("search").await;
    assert_eq!(focused(&app).await, "search");
    ctrl_k(&app).await;
    app.eventually("the palette opens with its field focused", || async {
        palette_open(&app).await && focused(&app).await == "palette-input"
    })
    .await;
    let roles = app
        .driver
        .execute(
            r#"const i = document.querySelector('[data-testid=palette-input]');
               const list = document.getElementById(i.getAttribute('aria-controls'));
               return [i.getAttribute('role'), list?.getAttribute('role'),
                       document.getElementById(i.getAttribute('aria-activedescendant'))?.getAttribute('role')];"#,
            vec![],
        )
        .await
        .unwrap()
        .json()
        .clone();
    assert_eq!(
        roles,
        json!(["combobox", "listbox", "option"]),
        "the field is a combobox over a listbox, its active row an option"
    );
    press(&app, Key::Escape).await;
    app.eventually(
        "Esc closes the palette, the focus back in the search field",
        || async { !palette_open(&app).await && focused(&app).await == "search" },
    )
    .await;
    assert_eq!(
        app.value("search").await,
        "",
        "the palette's keys reached no field behind it"
    );

    // Part of an entry's title, Enter: its panel opens.
    open_palette(&app).await;
    type_text(&app, "extraord").await;
    app.eventually("the entry is the first row", || async {
        let (kind, _, text) = first_option(&app).await;
        kind == "entry" && text.contains("Extraordinary Attorney Woo")
    })
    .await;
    app.screenshot("palette-entry").await;
    press(&app, Key::Enter).await;
    app.eventually("the entry's panel opens", || async {
        app.count("entry-title").await == 1
            && app.text("entry-title").await == "Extraordinary Attorney Woo"
    })
    .await;
    assert!(!palette_open(&app).await, "picking closes the palette");

    // "stats", Enter: the Stats page.
    open_palette(&app).await;
    type_text(&app, "stats").await;
    app.eventually("Go to Stats is the first row", || async {
        first_option(&app).await.1 == "stats"
    })
    .await;
    press(&app, Key::Enter).await;
    app.eventually("the Stats page shows", || async {
        app.attr("stats-nav", "aria-current").await.as_deref() == Some("page")
    })
    .await;

    // The Stats page's own tab: asked for again after a click moved off it,
    // it shows again.
    for _ in 0..2 {
        open_palette(&app).await;
        type_text(&app, "year in").await;
        app.eventually("Go to Year in review is the first row", || async {
            first_option(&app).await.1 == "year"
        })
        .await;
        press(&app, Key::Enter).await;
        app.eventually("the year in review shows", || async {
            app.attr("stats-tab-year", "aria-selected").await.as_deref() == Some("true")
        })
        .await;
        app.click("stats-tab-library").await;
        app.eventually("a click still moves to the other tab", || async {
            app.attr("stats-tab-library", "aria-selected")
                .await
                .as_deref()
                == Some("true")
        })
        .await;
    }

    // Arrows move the active row; Enter picks the one moved to.
    open_palette(&app).await;
    // With nothing typed every action is listed in order, Up next first.
    assert_eq!(first_option(&app).await.1, "page-upnext");
    press(&app, Key::Down).await;
    let active = app
        .driver
        .execute(
            "return document.querySelector('[data-testid=palette-input]').getAttribute('aria-activedescendant');",
            vec![],
        )
        .await
        .unwrap()
        .json()
        .clone();
    assert_eq!(active, json!("palette-action-page-calendar"));
    press(&app, Key::Enter).await;
    app.eventually("the Calendar page shows", || async {
        app.attr("calendar-nav", "aria-current").await.as_deref() == Some("page")
    })
    .await;
    app.quit().await;
}

/// Delivers a webview event to the UI's listeners as the app does when the
/// window reports a drag: through the listener table and `runCallback`.
/// Returns how many listeners got it.
async fn webview_event(app: &App, event: &str, payload: serde_json::Value) -> u64 {
    app.driver
        .execute(
            r#"const [name, payload] = arguments;
               const table = (window.__internal_unstable_listeners_object_id__ || {})[name] || {};
               let n = 0;
               for (const id of Object.getOwnPropertyNames(table)) {
                 window.__TAURI_INTERNALS__.runCallback(table[id].handlerId, { event: name, id: Number(id), payload });
                 n++;
               }
               return n;"#,
            vec![json!(event), payload],
        )
        .await
        .unwrap()
        .json()
        .as_u64()
        .unwrap_or(0)
}

async fn drop_paths(app: &App, paths: &[&std::path::Path]) {
    let paths: Vec<String> = paths.iter().map(|p| p.display().to_string()).collect();
    let at = json!({ "x": 400, "y": 300 });
    assert_eq!(
        webview_event(
            app,
            "tauri://drag-enter",
            json!({ "paths": paths, "position": at })
        )
        .await,
        1
    );
    app.eventually("the drop overlay shows", || async {
        app.count("drop-overlay").await == 1
    })
    .await;
    webview_event(
        app,
        "tauri://drag-drop",
        json!({ "paths": paths, "position": at }),
    )
    .await;
}

async fn close_import(app: &App) {
    app.click("[data-testid=import-dialog] header button").await;
    app.eventually("the import dialog closes", || async {
        app.count("import-preview").await == 0 && app.count("import-error").await == 0
    })
    .await;
}

#[tokio::test]
async fn a_dropped_export_opens_its_preview_and_bad_drops_say_why() {
    if !tools_present() {
        return;
    }
    let Some(diary) = fixtures::path("exports/letterboxd/diary.csv") else {
        return;
    };
    let _serial = ONE_AT_A_TIME.lock().await;
    let home = Home::new();
    let app = App::start(&home).await;
    app.wait_for("sample-button").await;
    app.eventually("the window listens for drops", || async {
        webview_event(&app, "tauri://drag-leave", json!(null)).await == 1
    })
    .await;

    // A file hovering: the overlay says what dropping does; leaving hides it.
    webview_event(
        &app,
        "tauri://drag-enter",
        json!({ "paths": [diary.display().to_string()], "position": { "x": 400, "y": 300 } }),
    )
    .await;
    app.eventually("the overlay shows", || async {
        app.count("drop-overlay").await == 1
    })
    .await;
    assert!(app.text("drop-overlay").await.contains("Drop to import"));
    app.screenshot("drop-overlay").await;
    webview_event(&app, "tauri://drag-leave", json!(null)).await;
    app.eventually("the overlay goes", || async {
        app.count("drop-overlay").await == 0
    })
    .await;

    // A Letterboxd file: the preview, its format detected; nothing imported.
    drop_paths(&app, &[&diary]).await;
    app.eventually("the preview shows the Letterboxd format", || async {
        app.count("import-preview").await == 1
            && app.text("import-counts").await.contains("(letterboxd)")
    })
    .await;
    assert_eq!(app.count("drop-overlay").await, 0);
    assert_eq!(app.text("import-file").await, "diary.csv");
    assert_eq!(
        app.value("import-format").await,
        "auto",
        "the format was detected, not chosen"
    );
    app.screenshot("drop-preview").await;
    close_import(&app).await;
    assert_eq!(
        app.attr("tab-all", "data-count").await.as_deref(),
        Some("0"),
        "a preview imports nothing"
    );

    // A folder with no export in it: the core's message, naming it.
    let folder = home.dir.path().join("Holiday photos");
    std::fs::create_dir(&folder).unwrap();
    std::fs::write(folder.join("notes.txt"), "socks, charger\n").unwrap();
    drop_paths(&app, &[&folder]).await;
    app.eventually("the dialog says the folder holds no export", || async {
        app.count("import-error").await == 1
            && app
                .text("import-error")
                .await
                .contains("none of the files in the folder Holiday photos is an export")
    })
    .await;
    assert_eq!(app.count("import-preview").await, 0);
    close_import(&app).await;

    // Several files at once: one export at a time, and no dialog.
    drop_paths(&app, &[&diary, &folder.join("notes.txt")]).await;
    app.eventually("a message says to drop one at a time", || async {
        app.driver
            .find_all(By::Css("[data-testid=toast][data-kind=error]"))
            .await
            .unwrap()
            .len()
            == 1
            && app
                .text("[data-testid=toast][data-kind=error]")
                .await
                .contains("2 files were dropped")
    })
    .await;
    assert_eq!(app.count("drop-overlay").await, 0);
    let dialog_open = app
        .driver
        .execute(
            "return document.querySelector('[data-testid=import-dialog]').open;",
            vec![],
        )
        .await
        .unwrap()
        .json()
        .clone();
    assert_eq!(dialog_open, json!(false), "several files open no import");
    assert_eq!(
        app.attr("tab-all", "data-count").await.as_deref(),
        Some("0"),
        "nothing was imported"
    );
    app.quit().await;
}
