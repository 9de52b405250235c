//! End to end in the real webview (WebKitGTK through tauri-driver): the
//! Soundtrack #2 story a user lives through, the sample library, and a
//! hostile review that must stay inert. Run under Xvfb (`make test`).

mod support;

use std::sync::{Arc, OnceLock};

use support::hostile::{
    assert_inert, assert_no_sideways_scroll, shows_text, watch_violations, Canary, HostileLibrary,
    Payloads,
};
use support::{app_log, launch_again, tools_present, App, Home, SessionBus};
use watchlog_testkit::tvmaze::Tvmaze;
use watchlog_testkit::{fixtures, Reply, Server};

/// One app at a time: the app is single-instance, and two WebKit windows on
/// two cores make each other's timeouts flaky.
static ONE_AT_A_TIME: tokio::sync::Mutex<()> = tokio::sync::Mutex::const_new(());

#[tokio::test]
async fn soundtrack_story_survives_a_restart() {
    if !tools_present() {
        return;
    }
    let _serial = ONE_AT_A_TIME.lock().await;
    let home = Home::new();
    let app = App::start(&home).await;

    // An empty library offers the sample and adding by hand.
    app.wait_for("sample-button").await;
    app.screenshot("empty-library").await;

    app.click("add-button").await;
    app.click("add-tab-hand").await;
    app.fill("add-title", "Soundtrack #2").await;
    app.fill("add-original-title", "사운드트랙 #2").await;
    app.fill("add-kind", "series").await;
    app.fill("add-year", "2023").await;
    app.fill("add-country", "KR").await;
    app.fill("add-episodes", "6").await;
    app.fill("add-platform", "Disney+").await;
    app.click("add-submit").await;

    let card = app.wait_for("entry-card").await;
    let id = card
        .attr("data-entry-id")
        .await
        .unwrap()
        .expect("cards carry their entry id");
    if app.count("entry-title").await == 0 {
        card.click().await.unwrap();
    }
    app.eventually("the editor shows the new title", || async {
        app.text("entry-title").await == "Soundtrack #2"
    })
    .await;

    app.click("status-watching").await;
    for _ in 0..6 {
        app.click("episode-plus").await;
    }
    app.eventually("progress reaches 6", || async {
        app.text("progress-value").await.contains('6')
    })
    .await;
    app.click("status-completed").await;
    let today = chrono_today();
    app.eventually("the finish date is today", || async {
        app.value("finished-date").await == today
    })
    .await;

    // On the 10-point scale the rating control's values are the stored
    // 0–100 numbers: 8.5 is 85.
    app.fill("rating-input", "85").await;
    app.fill(
        "review-text",
        "Six episodes of songs and longing.\n\n**Spoiler:** they finish the song together.",
    )
    .await;
    app.click("review-spoiler").await;
    app.fill("platform-select", "Disney+").await;
    app.eventually("the preview renders the Markdown", || async {
        app.driver
            .find(thirtyfour::By::Css("[data-testid=review-preview] strong"))
            .await
            .is_ok()
    })
    .await;
    app.click("save-entry").await;
    app.wait_for("review-read").await;
    app.screenshot("entry-editor").await;
    app.click("close-entry").await;

    // Search by a Hangul substring of the original title.
    app.click("library-nav").await;
    app.fill("search", "사운드").await;
    app.eventually("the Hangul search finds it", || async {
        app.count(&format!("[data-testid=entry-card][data-entry-id='{id}']"))
            .await
            == 1
    })
    .await;
    app.fill("search", "no such drama").await;
    app.eventually("a search with no match shows nothing", || async {
        app.count("entry-card").await == 0
    })
    .await;
    app.quit().await;

    // Everything is still there after a restart.
    let app = App::start(&home).await;
    // A library with titles opens on Up next; these checks are about the library.
    app.click("library-nav").await;
    app.click(&format!("[data-testid=entry-card][data-entry-id='{id}']"))
        .await;
    app.eventually("the editor opens on the entry", || async {
        app.text("entry-title").await == "Soundtrack #2"
    })
    .await;
    assert_eq!(app.value("rating-input").await, "85");
    assert_eq!(app.value("finished-date").await, today);
    // A saved spoiler review is shown read-only first, behind its veil.
    app.wait_for("show-spoiler").await;
    app.click("review-edit").await;
    assert!(app
        .value("review-text")
        .await
        .contains("finish the song together"));
    assert!(app.text("progress-value").await.contains('6'));
    app.quit().await;

    // And the CLI's library is the same file: the core reads what the app wrote.
    let lib = watchlog_core::Library::open(home.library()).unwrap();
    let entry = lib.entry(id.parse().unwrap()).unwrap();
    assert_eq!(entry.fields.status, watchlog_core::Status::Completed);
    assert_eq!(entry.fields.rating.map(|r| r.get()), Some(85));
    assert!(entry.fields.review_spoiler);
    assert_eq!(entry.fields.platform.as_deref(), Some("Disney+"));
    assert_eq!(
        entry.title.facts.original_name.as_deref(),
        Some("사운드트랙 #2")
    );
}

#[tokio::test]
async fn sample_library_and_a_hostile_review() {
    if !tools_present() {
        return;
    }
    let _serial = ONE_AT_A_TIME.lock().await;
    let home = Home::new();
    let app = App::start(&home).await;
    app.load_sample().await;
    app.screenshot("library-grid").await;

    app.click("entry-card").await;
    if app.count("review-edit").await > 0 {
        app.click("review-edit").await;
    }
    let hostile = "<img src=x onerror=\"window.__pwned = 1\">\n\n<script>window.__pwned = 2</script>\n\n[link](javascript:window.__pwned=3)";
    app.fill("review-text", hostile).await;
    app.eventually("the preview has rendered", || async {
        app.driver
            .find(thirtyfour::By::Css("[data-testid=review-preview] a"))
            .await
            .is_ok()
    })
    .await;
    let preview = app
        .wait_for("review-preview")
        .await
        .inner_html()
        .await
        .unwrap();
    app.click("save-entry").await;
    // Saved, the review is shown read-only; clicking its defused link must
    // not run anything either.
    let read = app.wait_for("review-read").await;
    read.find(thirtyfour::By::Css("a"))
        .await
        .unwrap()
        .click()
        .await
        .unwrap();
    let shown = read.inner_html().await.unwrap();
    for html in [&preview, &shown] {
        assert!(
            !html.contains("onerror") && !html.contains("<script") && !html.contains("javascript:"),
            "hostile markup survived sanitising: {html}"
        );
    }
    let untouched = app
        .driver
        .execute("return window.__pwned === undefined", vec![])
        .await
        .unwrap();
    assert_eq!(
        untouched.json(),
        &serde_json::json!(true),
        "a script in a review ran"
    );
    app.click("close-entry").await;

    // The dark theme, for the screenshots.
    app.click("settings-nav").await;
    app.fill("theme-select", "dark").await;
    app.click("library-nav").await;
    app.wait_for("entry-card").await;
    app.screenshot("library-dark").await;
    app.click("entry-card").await;
    app.wait_for("entry-title").await;
    app.screenshot("entry-dark").await;
    app.click("close-entry").await;

    // The stats charts draw under the strict CSP (Chart.js on a canvas).
    app.click("stats-nav").await;
    app.wait_for("chart-ratings").await;
    app.eventually("the rating chart has drawn", || async {
        app.driver
            .execute(
                "const c = document.querySelector('[data-testid=chart-ratings] canvas');
                 return !!c && c.width > 0 && c.getContext('2d').getImageData(0, 0, c.width, c.height).data.some(v => v !== 0);",
                vec![],
            )
            .await
            .is_ok_and(|r| r.json() == &serde_json::Value::Bool(true))
    })
    .await;
    app.screenshot("stats-dark").await;

    // Notifications are off until turned on, and the choice is kept.
    app.click("settings-nav").await;
    app.wait_for("notify-episodes").await;
    let checked = || async {
        js(
            &app,
            "return document.querySelector('[data-testid=notify-episodes]').checked;",
        )
        .await
    };
    assert_eq!(checked().await, serde_json::json!(false), "off by default");
    app.click("notify-episodes").await;
    app.click("library-nav").await;
    app.click("settings-nav").await;
    app.wait_for("airing-status").await;
    assert_eq!(
        checked().await,
        serde_json::json!(true),
        "the choice was saved"
    );
    app.screenshot("settings-dark").await;
    app.quit().await;
}

/// Stats › Year in review in the real webview: the year the page opens on
/// (the latest with a finish, as the sample has none in this year, 2025),
/// its figures and month charts drawn under the strict CSP, and the empty
/// year said in words.
#[tokio::test]
async fn the_year_in_review_page() {
    if !tools_present() {
        return;
    }
    let _serial = ONE_AT_A_TIME.lock().await;
    let home = Home::new();
    // The sample's last finish is in January 2024; now is fixed a year on.
    let app = App::start_with(&home, &[("WATCHLOG_NOW", "2025-06-01T12:00:00Z")]).await;
    app.load_sample().await;
    app.click("stats-nav").await;
    app.click("stats-tab-year").await;
    app.wait_for("year-tile").await;
    assert_eq!(
        app.value("year-picker").await,
        "2024",
        "the latest year with a finish"
    );
    app.fill("year-picker", "2023").await;
    app.eventually("2023 is shown", || async {
        texts(&app, "[data-testid=year-tile]")
            .await
            .iter()
            .any(|t| t.starts_with("Titles finished 2 ") && t.contains("2 new"))
    })
    .await;
    app.eventually("the hours chart has drawn", || async {
        app.driver
            .execute(
                "const c = document.querySelector('[data-testid=chart-year-hours] canvas');
                 return !!c && c.width > 0 && c.getContext('2d').getImageData(0, 0, c.width, c.height).data.some(v => v !== 0);",
                vec![],
            )
            .await
            .is_ok_and(|r| r.json() == &serde_json::Value::Bool(true))
    })
    .await;
    dismiss_toasts(&app).await;
    app.screenshot("year-in-review").await;
    let best = texts(&app, "[data-testid=year-best] .name").await;
    assert_eq!(best, ["Shoplifters", "Soundtrack #2"], "best rated first");

    let years = js(
        &app,
        "return [...document.querySelectorAll('[data-testid=year-picker] option')].map(o => o.value);",
    )
    .await;
    assert_eq!(
        years,
        serde_json::json!(["2025", "2024", "2023", "2022", "2021", "2020", "2019"]),
        "from the first finish to this year"
    );
    app.fill("year-picker", "2025").await;
    assert_eq!(
        app.text("year-empty").await,
        "Nothing was watched in 2025 yet."
    );
    app.quit().await;
}

/// A Korean system gets the app in Korean without touching Settings, with
/// Korean dates and numbers; choosing Português in Settings switches every
/// word at once, and the choice outlives a restart.
#[tokio::test]
async fn the_app_speaks_the_systems_language_and_the_one_chosen() {
    if !tools_present() {
        return;
    }
    let _serial = ONE_AT_A_TIME.lock().await;
    let home = Home::new();
    let korean = [("LANG", "ko_KR.UTF-8"), ("LC_ALL", "ko_KR.UTF-8")];
    let app = App::start_with(&home, &korean).await;
    // The webview itself reports English where the locale is not built
    // (as on a fresh machine); the core's reading of the locale decides.
    app.eventually("the page speaks Korean", || async {
        js(&app, "return document.documentElement.lang;").await == "ko"
    })
    .await;
    app.load_sample().await;
    app.eventually("the statuses are in Korean", || async {
        texts(&app, ".badge").await.iter().any(|t| t == "보는 중")
    })
    .await;
    assert!(speaks(&app, "ko", "설정").await);
    // The Hangul must be drawn, not blank boxes: the screenshot is looked
    // at, and the fonts come from scripts/setup.sh alone.
    app.screenshot("korean").await;

    // Chosen in Settings, Portuguese replaces the system's Korean at once…
    pick_language(&app, "pt-BR").await;
    app.eventually("the page speaks Portuguese", || async {
        speaks(&app, "pt-BR", "Configurações").await
    })
    .await;
    app.screenshot("settings-language").await;
    app.quit().await;

    // …and is kept: the next start speaks it though the system is Korean.
    let app = App::start_with(&home, &korean).await;
    app.eventually("the saved language is spoken after a restart", || async {
        speaks(&app, "pt-BR", "Configurações").await
    })
    .await;
    // Back to the system's language.
    pick_language(&app, "").await;
    app.eventually("the system's Korean is back", || async {
        speaks(&app, "ko", "설정").await
    })
    .await;
    app.quit().await;
}

/// Whether the page is in `lang` and names Settings `settings` in the
/// sidebar. The sidebar may be narrow enough to show icons only; the
/// button's name is its title then.
async fn speaks(app: &App, lang: &str, settings: &str) -> bool {
    js(app, "return document.documentElement.lang;").await == lang
        && app.attr("settings-nav", "title").await.as_deref() == Some(settings)
}

/// Settings › Language: picks `code` ("" for the system's).
async fn pick_language(app: &App, code: &str) {
    app.click("settings-nav").await;
    app.wait_for("language-select").await;
    choose(app, "language-select", code).await;
}

/// Picks `value` in the `<select>` with this test id, as a click would.
async fn choose(app: &App, testid: &str, value: &str) {
    js(
        app,
        &format!(
            "const s = document.querySelector('[data-testid={testid}]');
             s.value = {value:?}; s.dispatchEvent(new Event('change', {{ bubbles: true }})); return true;"
        ),
    )
    .await;
}

fn chrono_today() -> String {
    chrono::Local::now()
        .date_naive()
        .format("%Y-%m-%d")
        .to_string()
}

fn tvmaze_server() -> Option<Server> {
    tvmaze_stand_in(None)
}

/// A real HTTP server on 127.0.0.1 answering like TVmaze with the recorded
/// answers (see `watchlog_testkit::tvmaze`), optionally also serving
/// `poster` (JPEG bytes) at `/poster.jpg` and pointing every show's image
/// at it. Stops when dropped.
fn tvmaze_stand_in(poster: Option<Vec<u8>>) -> Option<Server> {
    let recorded = Tvmaze::load()?;
    // The poster's address names the server's port, known once it runs;
    // no request comes before the app is started on it.
    let answers: Arc<OnceLock<Tvmaze>> = Arc::default();
    let (routes, image) = (answers.clone(), poster.clone());
    let server = Server::start(move |req| match (&image, req.path.as_str()) {
        (Some(jpeg), "/poster.jpg") => Reply::new(200, "image/jpeg", jpeg.clone()),
        _ => routes
            .get()
            .and_then(|t| t.route(req))
            .unwrap_or_else(Reply::not_found),
    });
    let recorded = match poster {
        Some(_) => recorded.with_poster(&server.url("/poster.jpg")),
        None => recorded,
    };
    answers.set(recorded).expect("set once");
    Some(server)
}

#[tokio::test]
async fn add_from_the_catalogue_in_one_step() {
    if !tools_present() {
        return;
    }
    let Some(tvmaze) = tvmaze_server() else {
        return;
    };
    let _serial = ONE_AT_A_TIME.lock().await;
    let home = Home::new();
    let app = App::start_with(&home, &[("WATCHLOG_TVMAZE_URL", tvmaze.base.as_str())]).await;

    app.click("add-button").await;
    // The catalogue tab is the dialog's first face, with the keyboard in its
    // search box (not on the close button): typing at once searches.
    app.eventually("the search box has the keyboard", || async {
        js(&app, "return document.activeElement?.dataset.testid ?? '';")
            .await
            .as_str()
            == Some("catalog-query")
    })
    .await;
    app.driver
        .action_chain()
        .send_keys("robot")
        .perform()
        .await
        .unwrap();
    app.eventually("the three recorded results are listed", || async {
        app.count("catalog-result").await == 3
    })
    .await;
    let second = "[data-testid=catalog-result]:nth-child(2)";
    let name = format!("{second} [data-testid=catalog-result-name]");
    let meta = format!("{second} [data-testid=catalog-result-meta]");
    // The dialog fades in: its text reads as empty until it is shown.
    app.eventually(
        "Mr. Robot is shown with its year, country, network and kind",
        || async {
            app.text(&name).await == "Mr. Robot"
                && app.text(&meta).await == "2015 · US · USA Network · Series"
        },
    )
    .await;
    app.screenshot("add-from-catalogue").await;

    app.click(&format!("{second} [data-testid=catalog-add]"))
        .await;
    app.wait_for("entry-card").await;
    app.eventually("the editor shows the added show", || async {
        app.count("entry-title").await == 1 && app.text("entry-title").await == "Mr. Robot"
    })
    .await;
    let meta = app.text(".hero .meta").await;
    for fact in ["2015", "Series", "USA Network", "episodes"] {
        assert!(meta.contains(fact), "the editor should show {fact}: {meta}");
    }
    app.wait_for("refresh-entry").await;
    app.quit().await;

    // The library holds the complete title: catalogue id and episode list.
    let db = rusqlite::Connection::open(home.library()).unwrap();
    let (tvmaze_id, episodes): (String, i64) = db
        .query_row(
            "SELECT x.value, (SELECT COUNT(*) FROM episodes e WHERE e.title_id = t.id)
             FROM titles t JOIN external_ids x ON x.title_id = t.id AND x.provider = 'tvmaze'",
            [],
            |r| Ok((r.get(0)?, r.get(1)?)),
        )
        .unwrap();
    assert_eq!(tvmaze_id, "1871");
    let recorded: serde_json::Value =
        fixtures::json("catalog/tvmaze/shows_1871_episodes.json").unwrap();
    assert_eq!(episodes as usize, recorded.as_array().unwrap().len());
}

/// A watchlog:// link opened on the desktop starts the app a second time
/// with the link as its argument; single-instance hands it to the running
/// app over a private session bus and the second launch exits. A bad link
/// is a toast saying why; a good one shows the show from the catalogue and
/// adds it only on Add. The log file records both links, and the webhook
/// token (set in the library before the start) appears nowhere in it.
#[tokio::test]
async fn a_link_from_a_second_launch_asks_before_adding() {
    if !tools_present() {
        return;
    }
    let Some(bus) = SessionBus::start() else {
        return;
    };
    let Some(tvmaze) = tvmaze_server() else {
        return;
    };
    let _serial = ONE_AT_A_TIME.lock().await;
    let home = Home::new();
    let token = "e2e0secret0webhook0token0never0logged0";
    let webhook_port = support::free_port();
    {
        std::fs::create_dir_all(home.library().parent().unwrap()).unwrap();
        let mut lib = watchlog_core::Library::open(home.library()).unwrap();
        let mut settings = lib.settings().unwrap();
        settings.webhook_port = Some(webhook_port);
        settings.webhook_token = Some(token.into());
        lib.save_settings(&settings).unwrap();
    }
    let env = [
        ("WATCHLOG_TVMAZE_URL", tvmaze.base.as_str()),
        ("DBUS_SESSION_BUS_ADDRESS", bus.address.as_str()),
    ];
    let app = App::start_with(&home, &env).await;
    // A media server's request carries the token in its address.
    {
        use std::io::{Read, Write};
        let mut media_server = std::net::TcpStream::connect(("127.0.0.1", webhook_port)).unwrap();
        write!(
            media_server,
            "POST /webhooks/plex?token={token} HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Length: 2\r\nConnection: close\r\n\r\n{{}}"
        )
        .unwrap();
        let mut answer = String::new();
        media_server.read_to_string(&mut answer).unwrap();
    }

    let (status, printed) = launch_again(&home, &env, &["watchlog://add?tvmaze=abc"]);
    assert!(
        status.success(),
        "the second launch should hand over and exit: {status}\n{printed}"
    );
    app.eventually("a toast says why the link is refused", || async {
        app.count("toast").await == 1
            && app
                .text("toast")
                .await
                .contains("'abc' is not a TVmaze show id")
    })
    .await;
    assert_eq!(
        app.count("link-show-name").await,
        0,
        "a bad link shows no show"
    );
    dismiss_toasts(&app).await;

    launch_again(&home, &env, &["watchlog://add?tvmaze=1871"]);
    app.eventually("the link's show is shown for confirmation", || async {
        app.count("link-show-name").await == 1 && app.text("link-show-name").await == "Mr. Robot"
    })
    .await;
    app.screenshot("add-from-a-link").await;
    app.click("link-cancel").await;
    app.eventually("Cancel closes the dialog", || async {
        app.count("link-show-name").await == 0
    })
    .await;
    assert_eq!(app.count("entry-card").await, 0, "Cancel adds nothing");

    launch_again(&home, &env, &["watchlog://add?tvmaze=1871"]);
    app.eventually("the show is asked about again", || async {
        app.count("link-show-name").await == 1
    })
    .await;
    app.click("link-add").await;
    app.eventually("the editor shows the added show", || async {
        app.count("entry-title").await == 1 && app.text("entry-title").await == "Mr. Robot"
    })
    .await;
    app.quit().await;

    let db = rusqlite::Connection::open(home.library()).unwrap();
    let ids: Vec<String> = db
        .prepare("SELECT value FROM external_ids WHERE provider = 'tvmaze'")
        .unwrap()
        .query_map([], |r| r.get(0))
        .unwrap()
        .collect::<Result<_, _>>()
        .unwrap();
    assert_eq!(ids, ["1871"], "only the confirmed link added a show");

    let log = app_log(&home);
    assert!(
        log.contains("starting with the library"),
        "the log file: {log}"
    );
    assert!(
        log.contains("watchlog link(s) received"),
        "the log file: {log}"
    );
    assert!(
        log.contains("a watchlog link was refused: 'abc' is not a TVmaze show id"),
        "the log file: {log}"
    );
    assert!(
        log.contains("webhook POST /webhooks/plex"),
        "the log file: {log}"
    );
    assert!(
        !log.contains(token),
        "the webhook token reached the log: {log}"
    );
}

/// The evening's questions: what to watch next and when the next one airs.
/// Mr. Robot from the TVmaze stand-in, watched in New York on 16 July 2015
/// (episodes 1–4 have aired, episode 5 airs on the 22nd at 22:00): the
/// episode list marks a range, Up next moves on with each mark (the button
/// and the key), the calendar shows the week and the month, the editor's
/// list reflects every mark, a season's check marks what has aired, and a
/// rewatch starts the list (and Up next) again, the first viewing's marks
/// kept.
#[tokio::test]
async fn up_next_the_calendar_and_the_episode_list() {
    use thirtyfour::Key;
    if !tools_present() {
        return;
    }
    let Some(server) = poster_server() else {
        return;
    };
    let _serial = ONE_AT_A_TIME.lock().await;
    let home = Home::new();
    let app = App::start_with(
        &home,
        &[
            ("WATCHLOG_TVMAZE_URL", server.base.as_str()),
            ("WATCHLOG_NOW", "2015-07-16T16:00:00Z"),
            ("TZ", "America/New_York"),
        ],
    )
    .await;
    let progress = || async {
        js(
            &app,
            "return document.querySelector('[data-testid=progress-value]')?.textContent ?? '';",
        )
        .await
        .as_str()
        .unwrap_or_default()
        .to_string()
    };
    let checked = |ep: &'static str| {
        let app = &app;
        async move {
            js(
                app,
                &format!("return document.querySelector('[data-testid=episode-check][data-episode={ep}]')?.checked ?? null;"),
            )
            .await
        }
    };

    // Added from the catalogue as planned; the editor lists its episodes.
    app.click("add-button").await;
    app.fill("catalog-query", "robot").await;
    app.eventually("the recorded results are listed", || async {
        app.count("catalog-result").await == 3
    })
    .await;
    app.click("[data-testid=catalog-result]:nth-child(2) [data-testid=catalog-add]")
        .await;
    app.eventually("the editor lists season 1's episodes", || async {
        app.count("episode-check").await == 10
    })
    .await;

    // Shift-click on episode 2 marks 1 and 2; the progress and the status
    // are the core's answer.
    js(&app, "document.querySelector('[data-testid=episode-check][data-episode=S1E2]').scrollIntoView({ block: 'center' }); return true;").await;
    app.driver
        .action_chain()
        .key_down(Key::Shift)
        .click_element(
            &app.wait_for("[data-testid=episode-check][data-episode=S1E2]")
                .await,
        )
        .key_up(Key::Shift)
        .perform()
        .await
        .unwrap();
    app.eventually("episodes 1 and 2 are checked", || async {
        checked("S1E1").await == serde_json::json!(true)
            && checked("S1E2").await == serde_json::json!(true)
            && checked("S1E3").await == serde_json::json!(false)
    })
    .await;
    app.eventually("the editor's progress follows the marks", || async {
        progress().await.starts_with("2 ")
    })
    .await;
    app.eventually("marking moved it to Watching", || async {
        app.attr("status-watching", "aria-checked").await.as_deref() == Some("true")
    })
    .await;
    app.click("close-entry").await;

    // Up next: episode 3, with the two aired after it waiting.
    app.click("upnext-nav").await;
    let row = "[data-testid=upnext-row]";
    // Read in one script: the row is drawn anew when it moves between sections.
    let episode = || async {
        js(
            &app,
            "return document.querySelector('[data-testid=upnext-row] [data-testid=upnext-episode]')?.textContent ?? '';",
        )
        .await
    };
    app.eventually("Up next shows episode 3", || async {
        episode().await == "S1E3"
    })
    .await;
    let meta = app.text(&format!("{row} .meta")).await;
    assert!(
        meta.contains("2 new") && meta.contains("min"),
        "the aired backlog and the runtime: {meta}"
    );
    app.eventually("the poster has loaded", || poster_loaded_in(&app, row))
        .await;
    app.screenshot("up-next").await;

    // The button marks it; the row moves on to what the core says is next.
    app.click(&format!("{row} [data-testid=upnext-watched]"))
        .await;
    app.eventually("the row moves on to episode 4", || async {
        episode().await == "S1E4"
    })
    .await;
    // The key marks the focused row.
    js(
        &app,
        "document.querySelector('[data-testid=upnext-row]').focus(); return true;",
    )
    .await;
    app.driver
        .action_chain()
        .send_keys("w")
        .perform()
        .await
        .unwrap();
    app.eventually("the key moves it on to episode 5", || async {
        episode().await == "S1E5"
    })
    .await;
    app.wait_for("upnext-not_aired").await;
    let airs = app.text(&format!("{row} [data-testid=upnext-airs]")).await;
    assert!(
        airs.contains("22") && airs.contains("10:00"),
        "the local day and time: {airs}"
    );
    assert_eq!(
        app.text(&format!("{row} [data-testid=upnext-countdown]"))
            .await,
        "in 6 days"
    );
    dismiss_toasts(&app).await;
    app.screenshot("up-next-waiting").await;

    // The calendar's week holds the day episode 4 aired in New York.
    app.click("calendar-nav").await;
    app.eventually("the week shows episode 4 on 15 July", || async {
        app.count("[data-testid=calendar-day][data-day='2015-07-15'] [data-testid=calendar-item][data-episode=S1E4]").await == 1
    })
    .await;
    assert_eq!(
        app.count("[data-testid=calendar-day][aria-current=date][data-day='2015-07-16']")
            .await,
        1,
        "today is marked"
    );
    dismiss_toasts(&app).await;
    app.screenshot("calendar-week").await;
    app.click("calendar-month").await;
    app.eventually("the month shows July's five episodes", || async {
        app.count("[data-testid=calendar-item]").await >= 5
    })
    .await;
    assert!(app.text("calendar-title").await.contains("2015"));
    dismiss_toasts(&app).await;
    app.screenshot("calendar-month").await;
    app.click("calendar-prev").await;
    app.eventually("June has the premiere", || async {
        app.count("calendar-premiere").await == 1
    })
    .await;
    app.click("calendar-today").await;

    // An episode opens its entry, whose list shows the four marks.
    app.click("[data-testid=calendar-item][data-episode=S1E5]")
        .await;
    app.eventually("the editor shows four episodes watched", || async {
        checked("S1E4").await == serde_json::json!(true)
            && checked("S1E5").await == serde_json::json!(false)
    })
    .await;
    let shown = progress().await;
    assert!(shown.starts_with("4 "), "the editor's progress: {shown}");
    let days = texts(&app, "[data-testid=episode-watched-on]").await;
    assert_eq!(days.len(), 4, "{days:?}");
    assert!(
        days.iter().all(|d| d.contains("2015")),
        "each shows the day it was marked, now being 16 July 2015: {days:?}"
    );
    js(
        &app,
        "document.querySelector('[data-testid=episode-list]').scrollIntoView(); return true;",
    )
    .await;
    dismiss_toasts(&app).await;
    app.screenshot("episode-list").await;

    // Unchecking episode 4 takes the progress back, and Up next with it.
    app.click("[data-testid=episode-check][data-episode=S1E4]")
        .await;
    app.eventually("the progress follows the unmark", || async {
        progress().await.starts_with("3 ")
    })
    .await;
    app.click("close-entry").await;

    // The dark theme, for the screenshots.
    app.click("settings-nav").await;
    app.fill("theme-select", "dark").await;
    app.click("upnext-nav").await;
    app.eventually("Up next is back at episode 4", || async {
        episode().await == "S1E4"
    })
    .await;
    dismiss_toasts(&app).await;
    app.screenshot("up-next-dark").await;
    app.click("calendar-nav").await;
    app.click("calendar-month").await;
    app.wait_for("calendar-item").await;
    dismiss_toasts(&app).await;
    app.screenshot("calendar-dark").await;

    // The season's check marks what has aired of it (episode 4 again, in
    // one call); 5 to 10 air later and are left.
    app.click("[data-testid=calendar-item][data-episode=S1E5]")
        .await;
    app.wait_for("[data-testid=episode-check][data-episode=S1E4]")
        .await;
    app.click("season-check").await;
    app.eventually("the season's aired episodes are checked", || async {
        checked("S1E4").await == serde_json::json!(true)
            && checked("S1E5").await == serde_json::json!(false)
            && progress().await.starts_with("4 ")
    })
    .await;

    // A rewatch starts the list again; the first viewing's marks stay and
    // can be looked at, not changed.
    app.click("start-rewatch").await;
    app.click("confirm-rewatch").await;
    app.eventually("the rewatch starts at nothing watched", || async {
        progress().await.starts_with("0 ") && checked("S1E1").await == serde_json::json!(false)
    })
    .await;
    js(
        &app,
        "const s = document.querySelector('[data-testid=episode-viewing]'); s.selectedIndex = 1; s.dispatchEvent(new Event('change', { bubbles: true })); return true;",
    )
    .await;
    app.eventually("the earlier viewing shows its four episodes", || async {
        checked("S1E4").await == serde_json::json!(true)
            && checked("S1E5").await == serde_json::json!(false)
    })
    .await;
    assert_eq!(
        js(
            &app,
            "return document.querySelector('[data-testid=episode-check][data-episode=S1E1]').disabled;"
        )
        .await,
        serde_json::json!(true),
        "an earlier viewing is read-only"
    );
    app.click("close-entry").await;
    app.click("upnext-nav").await;
    app.eventually("Up next starts the rewatch at episode 1", || async {
        episode().await == "S1E1"
    })
    .await;
    app.quit().await;
}

/// Dismisses the toasts on screen, so a screenshot shows the page under them.
async fn dismiss_toasts(app: &App) {
    js(
        app,
        "document.querySelectorAll('[data-testid=toast] .close').forEach(b => b.click()); return true;",
    )
    .await;
    app.eventually("the toasts are gone", || async {
        app.count("toast").await == 0
    })
    .await;
}

/// Whether the first poster `<img>` under `scope` has loaded real pixels.
async fn poster_loaded_in(app: &App, scope: &str) -> bool {
    app.driver
        .execute(
            &format!("const i = document.querySelector('{scope} [data-testid=poster-img]'); return !!i && i.complete && i.naturalWidth > 0;"),
            vec![],
        )
        .await
        .is_ok_and(|r| r.json() == &serde_json::Value::Bool(true))
}

/// The TVmaze stand-in whose shows carry a poster address on the same local
/// server, which serves a real poster. Stops when dropped.
fn poster_server() -> Option<Server> {
    let poster = fixtures::read("images/posters/derived/spring_500x750.jpg")?;
    tvmaze_stand_in(Some(poster))
}

/// Whether the grid's first poster `<img>` has loaded real pixels.
async fn poster_loaded(app: &App) -> bool {
    poster_loaded_in(app, "[data-testid=entry-card]").await
}

#[tokio::test]
async fn a_posters_thumbnail_shows_in_the_grid_and_offline() {
    if !tools_present() {
        return;
    }
    let Some(server) = poster_server() else {
        return;
    };
    let _serial = ONE_AT_A_TIME.lock().await;
    let home = Home::new();
    let app = App::start_with(&home, &[("WATCHLOG_TVMAZE_URL", server.base.as_str())]).await;
    app.click("add-button").await;
    app.fill("catalog-query", "robot").await;
    app.eventually("the recorded results are listed", || async {
        app.count("catalog-result").await == 3
    })
    .await;
    // Each result's thumbnail comes through the app (the webview may not
    // load remote images itself).
    app.eventually("the search results show their thumbnails", || async {
        app.driver
            .execute(
                "const imgs = [...document.querySelectorAll('[data-testid=catalog-result] [data-testid=poster-img]')];
                 return imgs.length === 3 && imgs.every(i => i.complete && i.naturalWidth > 0);",
                vec![],
            )
            .await
            .is_ok_and(|r| r.json() == &serde_json::Value::Bool(true))
    })
    .await;
    app.screenshot("catalogue-thumbnails").await;
    app.click("[data-testid=catalog-result]:nth-child(2) [data-testid=catalog-add]")
        .await;
    app.wait_for("entry-card").await;
    app.click("close-entry").await;
    app.eventually("the editor is closed", || async {
        app.count("entry-title").await == 0
    })
    .await;
    // Downloaded in the background after the add, then served from the
    // cache through the poster protocol.
    app.eventually("the grid shows the poster's thumbnail", || {
        poster_loaded(&app)
    })
    .await;
    app.screenshot("library-posters").await;
    app.quit().await;

    // Offline: the server is gone; the cached poster still shows.
    drop(server);
    let app = App::start(&home).await;
    app.click("library-nav").await;
    app.wait_for("entry-card").await;
    app.eventually("the cached poster shows offline", || poster_loaded(&app))
        .await;
    let src = app
        .wait_for("poster-img")
        .await
        .attr("src")
        .await
        .unwrap()
        .unwrap_or_default();
    assert!(
        src.starts_with("poster://localhost/") && src.ends_with("-342"),
        "{src}"
    );
    // The editor shows the larger thumbnail, offline too.
    app.click("entry-card").await;
    app.eventually("the editor shows the 780 px poster", || async {
        app.driver
            .execute(
                "const i = document.querySelector('[data-testid=poster-img][src$=\"-780\"]');
                 return !!i && i.complete && i.naturalWidth > 0;",
                vec![],
            )
            .await
            .is_ok_and(|r| r.json() == &serde_json::Value::Bool(true))
    })
    .await;
    app.quit().await;
    // The library's own folder inside the shared cache folder.
    let root = home.dir.path().join("cache/app.watchlog.desktop/posters");
    let folders: Vec<_> = std::fs::read_dir(&root).unwrap().flatten().collect();
    assert_eq!(folders.len(), 1, "one library, one folder");
    assert!(folders[0]
        .file_name()
        .to_string_lossy()
        .starts_with("library-"));
    let cached = std::fs::read_dir(folders[0].path()).unwrap().count();
    assert_eq!(cached, 2, "both thumbnail sizes are cached");
}

/// Runs `js` in the page and returns its JSON answer.
async fn js(app: &App, script: &str) -> serde_json::Value {
    app.driver
        .execute(script, vec![])
        .await
        .unwrap_or_else(|e| panic!("script failed: {e}\n{script}"))
        .json()
        .clone()
}

/// Presses a key in whatever has focus.
async fn press(app: &App, key: thirtyfour::Key) {
    app.driver
        .action_chain()
        .send_keys(key)
        .perform()
        .await
        .unwrap();
}

/// The number in the heading's "10,001 titles", whatever the grouping.
async fn result_count(app: &App) -> Option<usize> {
    let digits: String = app
        .text("result-count")
        .await
        .chars()
        .filter(char::is_ascii_digit)
        .collect();
    digits.parse().ok()
}

/// The `data-entry-index` of the focused element, if any.
async fn focused_index(app: &App) -> Option<i64> {
    js(app, "const i = document.activeElement?.dataset?.entryIndex; return i === undefined ? null : Number(i);")
        .await
        .as_i64()
}

#[tokio::test]
async fn a_large_library_scrolls_filters_searches_and_moves_by_keyboard() {
    use thirtyfour::prelude::*;
    use watchlog_core::{EntryFields, Kind, Library, NewEntry, Status, TitleFacts};
    if !tools_present() {
        return;
    }
    let datasets = fixtures::dir().join("datasets");
    if fixtures::path("datasets/imdb_tv_shows_with_synopsis_2470.csv").is_none() {
        return;
    }
    const TITLES: usize = 10_000;
    let home = Home::new();
    let probe_id = {
        std::fs::create_dir_all(home.library().parent().unwrap()).unwrap();
        let mut lib = Library::open(home.library()).unwrap();
        lib.generate_sample(&datasets, TITLES, 1).unwrap();
        // The newest entry, so first in the default order: a drama being
        // watched, for the keyboard's `+`.
        lib.add_entry(&NewEntry {
            title: TitleFacts {
                kind: Kind::Series,
                name: "Queen of Tears".into(),
                original_name: Some("눈물의 여왕".into()),
                country: Some("KR".into()),
                episodes: Some(16),
                ..Default::default()
            },
            fields: EntryFields {
                status: Status::Watching,
                progress: 3,
                ..Default::default()
            },
        })
        .unwrap()
    };
    let total = TITLES + 1;

    let _serial = ONE_AT_A_TIME.lock().await;
    let app = App::start(&home).await;
    app.click("library-nav").await;
    app.wait_for("entry-card").await;
    app.eventually("the count shows every title", || async {
        result_count(&app).await == Some(total)
    })
    .await;
    let drawn = app.count("entry-card").await;
    assert!(
        drawn > 0 && drawn < 200,
        "only the cards on screen exist, not {drawn}"
    );
    app.screenshot("large-library").await;

    // Scrolled to the very end, the last title is drawn, and still only a
    // screenful of cards exists.
    js(&app, "const s = document.querySelector('[data-testid=library-scroll]'); s.scrollTop = s.scrollHeight; return true;").await;
    let last = format!("[data-testid=entry-card][data-entry-index='{}']", total - 1);
    app.eventually("the last title is drawn at the bottom", || async {
        app.count(&last).await == 1
    })
    .await;
    assert!(app.count("entry-card").await < 200);

    // Another page and back: the same place in the list.
    app.click("stats-nav").await;
    app.wait_for("chart-ratings").await;
    app.click("library-nav").await;
    app.eventually("coming back lands at the end again", || async {
        app.count(&last).await == 1
    })
    .await;

    // Back at the top: arrows move between cards, `+` adds an episode,
    // Enter opens the editor.
    js(
        &app,
        "document.querySelector('[data-testid=library-scroll]').scrollTop = 0; return true;",
    )
    .await;
    app.eventually("the first card is drawn again", || async {
        app.count("[data-testid=entry-card][data-entry-index='0']")
            .await
            == 1
    })
    .await;
    let columns = js(
        &app,
        "const top = document.querySelector('[data-entry-index=\"0\"]').getBoundingClientRect().top;
         return [...document.querySelectorAll('[data-testid=entry-card]')].filter(c => c.getBoundingClientRect().top === top).length;",
    )
    .await
    .as_i64()
    .unwrap();
    assert!(columns >= 2, "a grid of several columns, not {columns}");
    js(
        &app,
        "document.querySelector('[data-entry-index=\"0\"]').focus(); return true;",
    )
    .await;
    press(&app, Key::Right).await;
    app.eventually("→ moves to the next card", || async {
        focused_index(&app).await == Some(1)
    })
    .await;
    press(&app, Key::Down).await;
    app.eventually("↓ moves a row down", || async {
        focused_index(&app).await == Some(1 + columns)
    })
    .await;
    press(&app, Key::Up).await;
    press(&app, Key::Left).await;
    app.eventually("← and ↑ come back to the first card", || async {
        focused_index(&app).await == Some(0)
    })
    .await;
    let focused_id = js(
        &app,
        "return Number(document.activeElement.dataset.entryId);",
    )
    .await
    .as_i64();
    assert_eq!(focused_id, Some(probe_id));
    app.driver
        .action_chain()
        .send_keys("+")
        .perform()
        .await
        .unwrap();
    app.eventually("+ adds an episode", || async {
        Library::open(home.library())
            .and_then(|l| l.entry(probe_id))
            .is_ok_and(|e| e.fields.progress == 4)
    })
    .await;
    press(&app, Key::Enter).await;
    app.eventually("Enter opens the editor", || async {
        app.count("entry-title").await == 1 && app.text("entry-title").await == "Queen of Tears"
    })
    .await;
    app.click("close-entry").await;

    // A filter chip narrows the list and shows its count.
    js(
        &app,
        "const s = document.querySelector('[data-testid=chip-country]');
         s.value = 'KR'; s.dispatchEvent(new Event('change', { bubbles: true })); return true;",
    )
    .await;
    app.eventually("the country chip narrows the list", || async {
        result_count(&app).await.is_some_and(|n| n > 0 && n < total)
    })
    .await;
    app.eventually("every card shown is Korean", || async {
        let countries = js(
            &app,
            "return [...document.querySelectorAll('[data-testid=entry-card] .line .muted')].map(e => e.textContent);",
        )
        .await;
        let countries = countries.as_array().unwrap();
        !countries.is_empty() && countries.iter().all(|c| c.as_str().unwrap().ends_with("KR"))
    })
    .await;

    // A year range, typed backwards first: refused with a reason, then applied.
    app.click("chip-year").await;
    app.fill("year-from", "2019").await;
    app.fill("year-to", "2015").await;
    app.click("year-apply").await;
    assert_eq!(
        app.text("year-error").await,
        "The first year is after the last."
    );
    app.fill("year-from", "2015").await;
    app.fill("year-to", "2019").await;
    app.click("year-apply").await;
    app.eventually("every card shown is from 2015–2019 and Korean", || async {
        let lines = js(
            &app,
            "return [...document.querySelectorAll('[data-testid=entry-card] .line .muted')].map(e => e.textContent);",
        )
        .await;
        let lines = lines.as_array().unwrap();
        !lines.is_empty()
            && lines.iter().all(|l| {
                let l = l.as_str().unwrap();
                l.ends_with("KR")
                    && l.get(..4)
                        .and_then(|y| y.parse::<i32>().ok())
                        .is_some_and(|y| (2015..=2019).contains(&y))
            })
    })
    .await;
    app.screenshot("large-library-filtered").await;
    app.click("[aria-label='Clear the year filter']").await;

    // A Hangul substring finds the drama and marks the match.
    app.fill("search", "눈물의").await;
    app.eventually("the Hangul search finds it, highlighted", || async {
        js(
            &app,
            "return [...document.querySelectorAll('[data-testid=entry-card] mark')].map(m => m.textContent);",
        )
        .await
        .as_array()
        .is_some_and(|m| m.iter().any(|t| t == "눈물의"))
    })
    .await;
    app.screenshot("large-library-search").await;
    app.click("clear-filters").await;
    app.fill("search", "").await;

    // The generated entries carry tags, so the tag chip is offered, counts
    // included, and narrows the list.
    app.fill("chip-tag", "comfort").await;
    app.eventually("the tag chip narrows the list", || async {
        result_count(&app).await.is_some_and(|n| n > 0 && n < total)
    })
    .await;
    app.quit().await;
}

/// A library damaged while the app was away: the app moves it aside, opens
/// a new one at once and offers the newest good backup in one click.
#[tokio::test]
async fn a_damaged_library_is_moved_aside_and_restored_in_one_click() {
    if !tools_present() {
        return;
    }
    let _serial = ONE_AT_A_TIME.lock().await;
    let home = Home::new();
    let path = home.library();
    {
        let mut lib = watchlog_core::Library::open(&path).unwrap();
        lib.load_sample().unwrap();
        watchlog_core::backup::backup_auto(&lib, None, None).unwrap();
    }
    let mut junk = vec![0u8; 8192];
    junk[..16].copy_from_slice(b"not a database!!");
    std::fs::write(&path, junk).unwrap();

    let app = App::start(&home).await;
    let notice = app.wait_for("recovery").await.text().await.unwrap();
    assert!(
        notice.contains("damaged") && notice.contains("moved it aside"),
        "{notice}"
    );
    app.screenshot("damaged-library").await;
    app.click("recovery-restore").await;
    app.eventually("the backup's titles are back", || async {
        app.count("entry-card").await >= 12
    })
    .await;
    assert_eq!(app.count("recovery").await, 0, "the notice is gone");
    let aside = std::fs::read_dir(path.parent().unwrap())
        .unwrap()
        .filter_map(|e| e.ok())
        .any(|e| {
            e.file_name()
                .to_string_lossy()
                .starts_with("watchlog.db.damaged-")
        });
    assert!(aside, "the damaged file is kept aside");
    app.quit().await;
}

/// The URL prefixes of what the app itself loads: its pages and scripts,
/// its IPC, its poster protocol and embedded images.
const APP_OWN: &[&str] = &[
    "tauri:",
    "ipc:",
    "http://ipc.localhost",
    "poster:",
    "http://poster.localhost",
    "asset:",
    "http://asset.localhost",
    "data:",
];

/// A private home whose library holds the hostile entries, and the canary
/// their payloads aim at.
struct Hostile {
    canary: Canary,
    payloads: Payloads,
    library: HostileLibrary,
    home: Home,
}

/// Writes the hostile library's Watchlog JSON file and imports it through
/// the one import door, as a user importing it would.
fn hostile_home() -> Hostile {
    let canary = Canary::start();
    let payloads = Payloads::new(&canary);
    let library = payloads.library();
    eprintln!(
        "hostile text: {} payloads in the library file",
        payloads.places(&library.json).len()
    );
    let home = Home::new();
    import_hostile(&home, &library);
    Hostile {
        canary,
        payloads,
        library,
        home,
    }
}

fn import_hostile(home: &Home, library: &HostileLibrary) {
    use watchlog_core::transfer::import::{Import, Mode, RunOptions};
    let path = home.dir.path().join("hostile.json");
    std::fs::write(&path, &library.json).unwrap();
    std::fs::create_dir_all(home.library().parent().unwrap()).unwrap();
    let mut lib = watchlog_core::Library::open(home.library()).unwrap();
    let import = Import::read(Some(watchlog_core::ImportFormat::WatchlogJson), &path).unwrap();
    let report = import
        .run(&mut lib, Mode::Apply, &RunOptions::default())
        .unwrap();
    for e in &library.entries {
        let entry = lib
            .entry(e.id)
            .unwrap_or_else(|err| panic!("entry {} is imported ({err}): {report:?}", e.id));
        assert_eq!(entry.title.facts.name, e.name, "imported as written");
    }
}

/// The TVmaze stand-in whose Mr. Robot (the second search result) has a
/// hostile name, network, genres, summary and cast, and whose shows have
/// no images (so nothing is fetched for them). Stops when dropped.
fn hostile_tvmaze(mut recorded: Tvmaze, p: &Payloads) -> Server {
    let spoil = |show: &mut serde_json::Value| {
        show["image"] = serde_json::Value::Null;
        if show["id"] == 1871 {
            show["name"] = format!("Hostile catalogue {}", p.short("tvmaze-name")).into();
            show["network"]["name"] = p.short("tvmaze-network").into();
            show["genres"] = serde_json::json!([p.short("tvmaze-genre")]);
            show["summary"] = format!("<p>{}</p>", p.long("tvmaze-summary")).into();
        }
    };
    let mut hits: serde_json::Value = serde_json::from_slice(&recorded.search).unwrap();
    for h in hits.as_array_mut().unwrap() {
        spoil(&mut h["show"]);
    }
    recorded.search = hits.to_string().into_bytes();
    recorded.shows.iter_mut().for_each(spoil);
    let mut robot = recorded.show("1871").expect("Mr. Robot is recorded");
    robot["_embedded"]["cast"] = serde_json::json!([{
        "person": { "name": p.short("tvmaze-cast") },
        "character": { "name": format!("<script>{}</script>", p.run("tvmaze-character")) },
    }]);
    let answers = format!("{}{robot}", String::from_utf8_lossy(&recorded.search));
    eprintln!(
        "hostile text: {} payloads in the catalogue's answers",
        p.places(&answers).len()
    );
    Server::start(move |req| match req.path.as_str() {
        "/shows/1871" => Reply::json(200, robot.to_string()),
        _ => recorded.route(req).unwrap_or_else(Reply::not_found),
    })
}

/// The text content of every element matching `selector`.
async fn texts(app: &App, selector: &str) -> Vec<String> {
    let found = app
        .driver
        .execute(
            "return [...document.querySelectorAll(arguments[0])].map(e => e.textContent.trim());",
            vec![serde_json::json!(selector)],
        )
        .await
        .unwrap();
    serde_json::from_value(found.json().clone()).unwrap()
}

/// Closes the entry editor, discarding what opening its parts may have
/// changed in the draft.
async fn close_editor(app: &App) {
    app.click("close-entry").await;
    if app.count("discard-changes").await > 0 {
        app.click("discard-changes").await;
    }
    app.eventually("the editor is closed", || async {
        app.count("entry-title").await == 0
    })
    .await;
}

/// Hostile text in every field of an imported library, and from a
/// catalogue answer: shown as text everywhere it appears — the grid, the
/// list, a search, the editor with its review, notes, tags, platforms,
/// rewatches and facts editor, the filter chips, stats, settings and the
/// catalogue's results — and nothing runs, nothing is fetched.
#[tokio::test]
async fn hostile_text_stays_text_in_the_app() {
    if !tools_present() {
        return;
    }
    let Some(recorded) = Tvmaze::load() else {
        return;
    };
    let Hostile {
        canary,
        payloads,
        library: hostile,
        home,
    } = hostile_home();
    let tvmaze = hostile_tvmaze(recorded, &payloads);
    let _serial = ONE_AT_A_TIME.lock().await;
    let app = App::start_with(&home, &[("WATCHLOG_TVMAZE_URL", tvmaze.base.as_str())]).await;
    watch_violations(&app).await;
    app.click("library-nav").await;
    let inert = |where_: &'static str| assert_inert(&app, &canary, APP_OWN, "Watchlog", where_);

    app.eventually("the hostile entries are listed", || async {
        app.count("entry-card").await == hostile.entries.len()
    })
    .await;
    let names = texts(&app, "[data-testid=entry-card] .title").await;
    for e in &hostile.entries {
        assert!(
            names.contains(&e.name),
            "the grid shows the name as text: {:?} among {names:?}",
            e.name
        );
    }
    inert("the grid").await;

    for e in &hostile.entries {
        app.click(&format!(
            "[data-testid=entry-card][data-entry-id='{}']",
            e.id
        ))
        .await;
        app.eventually("the editor shows the hostile name as text", || async {
            texts(&app, "[data-testid=entry-title]").await == [e.name.clone()]
        })
        .await;
        assert_eq!(
            texts(&app, ".hero .native").await,
            [e.original_name.as_str()]
        );
        assert_eq!(app.value("[id=entry-notes]").await, e.notes);
        assert_eq!(app.value("platform-select").await, e.platform);
        let chips = texts(&app, "[data-testid=tags-input] .chip").await;
        for tag in &e.tags {
            assert!(
                chips.iter().any(|c| c.starts_with(tag.trim())),
                "the tag {tag:?} is shown as text among {chips:?}"
            );
        }
        // The saved review, read-only (a spoiler behind its veil first).
        if app.count("show-spoiler").await > 0 {
            app.click("show-spoiler").await;
        }
        app.wait_for("review-read").await;
        if e.id == 101 {
            app.screenshot("hostile-text").await;
        }
        inert("the editor with the review read").await;
        assert_no_sideways_scroll(&app, "the editor").await;
        // The review in the editor, with its live preview.
        app.click("review-edit").await;
        let review = app.value("review-text").await;
        assert!(review.contains("javascript:"), "the review as written");
        app.wait_for("[data-testid=review-preview] p").await;
        // The facts editor holds every fact as typed.
        open_facts(&app).await;
        assert_eq!(app.value("facts-title").await, e.name);
        assert_eq!(app.value("facts-original-title").await, e.original_name);
        inert("the editor with the review preview and the facts editor").await;
        assert_no_sideways_scroll(&app, "the review's preview").await;
        close_editor(&app).await;
    }
    for place in ["a-review", "b-review"] {
        assert!(
            !shows_text(&app, &format!("Hostile {place} text stays text.")).await,
            "the editor is closed"
        );
    }

    // A search finds them all, its matches marked as text.
    app.fill("search", "hostile").await;
    app.eventually("the search finds every hostile entry", || async {
        app.count("[data-testid=entry-card] mark").await >= hostile.entries.len()
    })
    .await;
    assert_eq!(
        texts(&app, "[data-testid=entry-card] .title").await.len(),
        hostile.entries.len()
    );
    inert("a search").await;
    app.fill("search", "").await;

    // The list layout, then a hostile tag picked on its chip.
    app.click("[aria-label=List]").await;
    app.eventually("the list shows the hostile names", || async {
        shows_text(&app, "Hostile long WWW").await
    })
    .await;
    let tag = &hostile.entries[0].tags[0];
    app.fill("chip-tag", tag).await;
    app.eventually("the tag chip narrows to its entry", || async {
        app.count("entry-card").await == 1
    })
    .await;
    inert("the list, narrowed by a hostile tag").await;
    assert_no_sideways_scroll(&app, "the list").await;
    app.click("clear-filters").await;
    app.click("[aria-label=Posters]").await;

    // Stats name the platforms; settings list them as editable text.
    app.click("stats-nav").await;
    app.wait_for("chart-ratings").await;
    app.eventually("stats name a hostile platform", || async {
        texts(&app, ".list .name")
            .await
            .contains(&hostile.entries[0].platform)
    })
    .await;
    inert("stats").await;
    assert_no_sideways_scroll(&app, "stats").await;
    app.click("settings-nav").await;
    app.eventually("settings list every hostile platform", || async {
        let names = js(
            &app,
            "return [...document.querySelectorAll('[data-testid=platform-row] input.cell-input')].map(i => i.value);",
        )
        .await;
        hostile
            .entries
            .iter()
            .all(|e| names.as_array().is_some_and(|n| n.contains(&e.platform.clone().into())))
    })
    .await;
    inert("settings").await;
    assert_no_sideways_scroll(&app, "settings").await;

    // The catalogue's answer: its hostile name listed, then added.
    app.click("library-nav").await;
    app.click("add-button").await;
    app.fill("catalog-query", "robot").await;
    let robot = "[data-testid=catalog-result]:nth-child(2)";
    app.eventually("the hostile catalogue name is listed as text", || async {
        texts(&app, &format!("{robot} [data-testid=catalog-result-name]"))
            .await
            .first()
            .is_some_and(|n| n.starts_with("Hostile catalogue <img"))
    })
    .await;
    inert("the catalogue's results").await;
    app.click(&format!("{robot} [data-testid=catalog-add]"))
        .await;
    app.eventually("the added title opens with its hostile facts", || async {
        texts(&app, "[data-testid=entry-title]")
            .await
            .first()
            .is_some_and(|n| n.starts_with("Hostile catalogue <img"))
            && shows_text(&app, &payloads.short("tvmaze-cast")).await
    })
    .await;
    inert("the entry added from the catalogue").await;
    close_editor(&app).await;
    inert("the end").await;
    app.quit().await;
}

/// Opens the facts editor from the entry's hero. The panel may still be
/// scrolling to the review editor just opened, and a click aimed at where
/// the button was can land beside it; so the button is clicked again, at
/// most twice more, while no facts editor has shown for a second.
async fn open_facts(app: &App) {
    for _ in 0..3 {
        app.click("edit-details").await;
        for _ in 0..10 {
            if app.count("facts-title").await == 1 {
                return;
            }
            tokio::time::sleep(std::time::Duration::from_millis(100)).await;
        }
    }
    panic!("the facts editor never opened");
}

/// Opens `page` (a file) in the app's webview and waits until it has
/// loaded and had a moment for any image error, load handler or fetch.
async fn open_page(app: &App, page: &std::path::Path) {
    let url = format!("file://{}", page.display());
    app.driver
        .goto(&url)
        .await
        .unwrap_or_else(|e| panic!("the webview opens {url}: {e}"));
    app.eventually("the page has loaded", || async {
        js(
            app,
            "return document.readyState === 'complete' && location.protocol === 'file:';",
        )
        .await
            == serde_json::json!(true)
    })
    .await;
    tokio::time::sleep(std::time::Duration::from_millis(500)).await;
    app.painted().await;
}

/// The hostile library's review lists as a user would open them: the HTML
/// export as written, the same page without its Content Security Policy
/// (so its escaping alone must keep it inert), and the Markdown export
/// rendered by a renderer that keeps raw HTML, as many Markdown viewers
/// do. Each is opened in the real webview from its `file://` address:
/// nothing runs, nothing is fetched, and the names are shown as text.
#[tokio::test]
async fn hostile_text_stays_text_in_the_exports() {
    use pulldown_cmark::Options;
    use watchlog_core::transfer::{export_to_path, ExportFormat, ExportOptions, NoPosters};
    if !tools_present() {
        return;
    }
    let Hostile {
        canary,
        library: hostile,
        home,
        ..
    } = hostile_home();
    let out = home.dir.path().join("exports");
    std::fs::create_dir_all(&out).unwrap();
    let (html, bare, markdown) = (
        out.join("reviews.html"),
        out.join("reviews-without-policy.html"),
        out.join("reviews.md"),
    );
    {
        let lib = watchlog_core::Library::open(home.library()).unwrap();
        for (format, path) in [
            (ExportFormat::Html, &html),
            (ExportFormat::Markdown, &markdown),
        ] {
            let report =
                export_to_path(&lib, format, &ExportOptions::default(), &NoPosters, path).unwrap();
            assert_eq!(
                report.written,
                hostile.entries.len(),
                "{format:?}: {report:?}"
            );
        }
    }
    let page = std::fs::read_to_string(&html).unwrap();
    let policy = format!(
        "<meta http-equiv=\"Content-Security-Policy\" content=\"{}\">\n",
        watchlog_core::transfer::export::html::CSP
    );
    assert!(page.contains(&policy), "the export carries its policy");
    std::fs::write(&bare, page.replace(&policy, "")).unwrap();
    let md = std::fs::read_to_string(&markdown).unwrap();
    let mut rendered = String::new();
    pulldown_cmark::html::push_html(
        &mut rendered,
        pulldown_cmark::Parser::new_ext(
            &md,
            Options::ENABLE_TABLES
                | Options::ENABLE_FOOTNOTES
                | Options::ENABLE_STRIKETHROUGH
                | Options::ENABLE_TASKLISTS,
        ),
    );
    let md_page = out.join("reviews-md.html");
    std::fs::write(
        &md_page,
        format!("<!DOCTYPE html>\n<html><head><meta charset=\"utf-8\"><title>My reviews</title></head>\n<body>\n{rendered}</body></html>\n"),
    )
    .unwrap();

    let _serial = ONE_AT_A_TIME.lock().await;
    let app = App::start(&home).await;
    for (page, what) in [
        (&html, "the HTML export"),
        (&bare, "the HTML export without its policy"),
        (&md_page, "the Markdown export rendered with its raw HTML"),
    ] {
        open_page(&app, page).await;
        if page == &html {
            app.screenshot("hostile-export").await;
        }
        assert_inert(&app, &canary, &["data:"], "My reviews", what).await;
        let headings = texts(&app, "h3").await;
        for e in &hostile.entries {
            assert!(
                headings.contains(&e.name),
                "{what} shows the name as text: {:?} among {headings:?}",
                e.name
            );
        }
        assert!(
            shows_text(&app, "Hostile a-review text stays text.").await,
            "{what} shows the first review"
        );
        // The spoiler review is folded away, but there.
        assert_eq!(
            js(
                &app,
                "return document.body.textContent.includes('Hostile b-review text stays text.');"
            )
            .await,
            serde_json::json!(true),
            "{what} holds the spoiler review"
        );
    }
    app.quit().await;
}

/// What an import leaves without a catalogue id waits on *Needs a match*:
/// "Match now" attaches Mr. Robot from the TVmaze stand-in, leaves "Robot"
/// (2015), which two recorded shows fit, with its candidates, and the
/// viewer's pick settles it.
#[tokio::test]
async fn imported_shows_are_matched_and_the_ambiguous_one_picked() {
    if !tools_present() {
        return;
    }
    let Some(tvmaze) = tvmaze_server() else {
        return;
    };
    let _serial = ONE_AT_A_TIME.lock().await;
    let home = Home::new();
    std::fs::create_dir_all(home.library().parent().unwrap()).unwrap();
    {
        let mut lib = watchlog_core::Library::open(home.library()).unwrap();
        for name in ["Mr. Robot", "Robot"] {
            let mut entry = watchlog_core::NewEntry::default();
            entry.title.name = name.into();
            entry.title.year = Some(2015);
            entry.fields.status = watchlog_core::Status::Watching;
            lib.add_entry(&entry).unwrap();
        }
    }
    let app = App::start_with(&home, &[("WATCHLOG_TVMAZE_URL", tvmaze.base.as_str())]).await;
    app.click("matches-nav").await;
    app.eventually("both shows wait", || async {
        app.count("unmatched-row").await == 2
    })
    .await;
    app.click("match-now").await;
    app.eventually("Mr. Robot is matched and Robot has candidates", || async {
        app.count("unmatched-row").await == 1 && app.count("candidate").await == 2
    })
    .await;
    app.screenshot("needs-a-match").await;
    let names = texts(&app, "[data-testid=candidate] .name").await;
    assert_eq!(names, ["Mr. Robot", "Transformers: Robots in Disguise"]);
    app.click("[data-testid=candidate]:nth-child(2) [data-testid=pick]")
        .await;
    app.wait_for("needs-match-empty").await;
    app.quit().await;

    let db = rusqlite::Connection::open(home.library()).unwrap();
    let mut ids: Vec<(String, String)> = db
        .prepare(
            "SELECT t.name, x.value FROM titles t
             JOIN external_ids x ON x.title_id = t.id AND x.provider = 'tvmaze' ORDER BY x.value",
        )
        .unwrap()
        .query_map([], |r| Ok((r.get(0)?, r.get(1)?)))
        .unwrap()
        .collect::<rusqlite::Result<_>>()
        .unwrap();
    ids.sort();
    assert_eq!(
        ids,
        [
            ("Mr. Robot".to_string(), "1871".to_string()),
            (
                "Transformers: Robots in Disguise".to_string(),
                "2271".to_string()
            )
        ]
    );
}

/// The entry ids of a list's items as its page shows them, in order.
async fn list_order(app: &App) -> Vec<i64> {
    serde_json::from_value(
        js(
            app,
            "return [...document.querySelectorAll('[data-testid=list-item]')].map(e => Number(e.dataset.entryId));",
        )
        .await,
    )
    .unwrap()
}

/// The list's entry ids in order as the library file holds them.
fn stored_order(home: &Home, list: i64) -> Vec<i64> {
    let lib = watchlog_core::Library::open(home.library()).unwrap();
    lib.list_detail(list)
        .unwrap()
        .items
        .iter()
        .map(|i| i.entry.id)
        .collect()
}

/// Scrolls `el` to the middle of its scrolling area: WebDriver actions,
/// unlike a plain click, act where the element is on screen.
async fn into_view(app: &App, el: &thirtyfour::WebElement) {
    app.driver
        .execute(
            "arguments[0].scrollIntoView({ block: 'center' }); return true;",
            vec![el.to_json().unwrap()],
        )
        .await
        .unwrap();
    app.painted().await;
}

/// Clicks `el` with Ctrl held, as picking a second card does.
async fn ctrl_click(app: &App, el: &thirtyfour::WebElement) {
    use thirtyfour::Key;
    into_view(app, el).await;
    app.driver
        .action_chain()
        .key_down(Key::Control)
        .click_element(el)
        .key_up(Key::Control)
        .perform()
        .await
        .unwrap();
}

/// A ranked list made from the sidebar, filled from a card's menu and a
/// Ctrl-click selection, reordered by keyboard and by dragging, its order
/// kept in the library file and across a reload, and exported as the HTML
/// page in that order. The export flow is opened from the list's page;
/// the native save dialog cannot be driven, so the file is written as the
/// export command writes it, with the list the dialog was opened for.
#[tokio::test]
async fn a_ranked_list_is_made_filled_reordered_and_exported() {
    use thirtyfour::prelude::*;
    use watchlog_core::transfer::{export_to_path, ExportFormat, ExportOptions, NoPosters};
    if !tools_present() {
        return;
    }
    let _serial = ONE_AT_A_TIME.lock().await;
    let home = Home::new();
    let app = App::start(&home).await;
    app.load_sample().await;

    // Made from the sidebar; a taken name is refused in the core's words.
    app.click("new-list").await;
    app.fill("list-name", "Top 10 of 2023").await;
    app.fill(
        "list-description",
        "The dramas that stayed with me in **2023**, best first.",
    )
    .await;
    app.click("list-ranked").await;
    app.click("list-submit").await;
    app.eventually("the new list's page is shown", || async {
        app.count("list-title").await == 1 && app.text("list-title").await == "Top 10 of 2023"
    })
    .await;
    app.wait_for("list-empty").await;
    assert_eq!(app.text("list-ranked-badge").await, "RANKED");
    let list: i64 = app
        .wait_for("[data-testid=list-nav]")
        .await
        .attr("data-list-id")
        .await
        .unwrap()
        .unwrap()
        .parse()
        .unwrap();
    app.click("new-list").await;
    app.fill("list-name", "top 10 of 2023").await;
    app.click("list-submit").await;
    assert_eq!(
        app.text("list-error").await,
        "there is already a list called 'top 10 of 2023'"
    );
    app.driver
        .action_chain()
        .send_keys(Key::Escape)
        .perform()
        .await
        .unwrap();
    app.eventually("the dialog is closed", || async {
        app.count("[data-testid=list-dialog][open]").await == 0
    })
    .await;

    // One entry from its card's menu (a right-click), two more picked with
    // Ctrl-click; the one already on the list is reported, not doubled.
    app.click("library-nav").await;
    let card = |id: i64| format!("[data-testid=entry-card][data-entry-id=\"{id}\"]");
    let first = app.wait_for(&card(3)).await;
    into_view(&app, &first).await;
    app.driver
        .action_chain()
        .context_click_element(&first)
        .perform()
        .await
        .unwrap();
    app.click("menu-add-to-list").await;
    app.click(&format!("[data-testid=menu-list][data-list-id=\"{list}\"]"))
        .await;
    app.eventually("the menu has put it on the list", || async {
        stored_order(&home, list) == [3]
    })
    .await;
    for id in [5, 2, 3, 1, 11] {
        let el = app.wait_for(&card(id)).await;
        ctrl_click(&app, &el).await;
    }
    assert_eq!(app.text("selection-count").await, "5 selected");
    assert_eq!(
        app.count("[data-testid=entry-card][data-picked]").await,
        5,
        "the picked cards are marked"
    );
    assert_eq!(
        app.count("entry-title").await,
        0,
        "Ctrl-click picks, it does not open"
    );
    app.click("selection-add").await;
    app.click(&format!("[data-testid=menu-list][data-list-id=\"{list}\"]"))
        .await;
    app.eventually("the core's answer is shown", || async {
        texts(&app, "[data-testid=toast]")
            .await
            .iter()
            .any(|t| t.contains("Added 4 to “Top 10 of 2023”, 1 was already on the list."))
    })
    .await;
    assert_eq!(
        app.count("selection-bar").await,
        0,
        "the selection is cleared"
    );
    assert_eq!(stored_order(&home, list), [3, 5, 2, 1, 11]);

    // The library filtered by the list shows its five.
    app.fill("chip-list", &list.to_string()).await;
    app.eventually("the library shows the list's entries", || async {
        result_count(&app).await == Some(5)
    })
    .await;
    app.click("clear-filters").await;

    // Reordered by keyboard: the third one up to the top, one step at a time.
    app.click(&format!("[data-testid=list-nav][data-list-id=\"{list}\"]"))
        .await;
    app.eventually("the list shows its five", || async {
        list_order(&app).await == [3, 5, 2, 1, 11]
    })
    .await;
    js(
        &app,
        "document.querySelector('[data-testid=list-item][data-entry-id=\"2\"]').focus(); return true;",
    )
    .await;
    for _ in 0..2 {
        app.driver
            .action_chain()
            .key_down(Key::Alt)
            .send_keys(Key::Up)
            .key_up(Key::Alt)
            .perform()
            .await
            .unwrap();
    }
    app.eventually(
        "Alt+↑ twice moved it to the top, in the library file too",
        || async {
            list_order(&app).await == [2, 3, 5, 1, 11]
                && stored_order(&home, list) == [2, 3, 5, 1, 11]
        },
    )
    .await;
    assert_eq!(
        js(
            &app,
            "return document.activeElement?.dataset?.entryId ?? null;"
        )
        .await,
        serde_json::json!("2"),
        "the moved item keeps the focus"
    );
    assert_eq!(
        texts(&app, "[data-testid=list-item-rank]").await,
        ["1", "2", "3", "4", "5"]
    );

    // Dragged by its handle: the third item onto the top, with the drop line
    // shown where it will land.
    let handle = app
        .wait_for("[data-testid=list-item][data-entry-id=\"5\"] [data-testid=list-item-handle]")
        .await;
    let top = app
        .wait_for("[data-testid=list-item][data-entry-id=\"2\"]")
        .await
        .rect()
        .await
        .unwrap();
    let from = handle.rect().await.unwrap();
    let (x, y) = (from.x + from.width / 2.0, from.y + from.height / 2.0);
    let to_y = top.y + 8.0;
    let mut chain = app
        .driver
        .action_chain()
        .move_to(x as i64, y as i64)
        .click_and_hold();
    let steps = 6;
    for s in 1..=steps {
        let at = y + (to_y - y) * f64::from(s) / f64::from(steps);
        chain = chain.move_to(x as i64, at as i64);
    }
    chain.perform().await.unwrap();
    assert_eq!(
        app.count("[data-testid=list-item].drop-before").await,
        1,
        "a drop line shows while dragging"
    );
    app.driver.action_chain().release().perform().await.unwrap();
    app.eventually(
        "the drag moved it to the top, in the library file too",
        || async {
            list_order(&app).await == [5, 2, 3, 1, 11]
                && stored_order(&home, list) == [5, 2, 3, 1, 11]
        },
    )
    .await;

    // A note, saved when the field is left.
    app.fill(
        "[data-testid=list-item][data-entry-id=\"2\"] [data-testid=list-item-note]",
        "Cried at every episode.",
    )
    .await;
    app.eventually("the note is saved", || async {
        let lib = watchlog_core::Library::open(home.library()).unwrap();
        lib.list_detail(list).unwrap().items[1].note.as_deref() == Some("Cried at every episode.")
    })
    .await;

    // The order is the library's, not the page's: a reload shows it.
    app.driver.refresh().await.unwrap();
    app.click(&format!("[data-testid=list-nav][data-list-id=\"{list}\"]"))
        .await;
    app.eventually("the reloaded page shows the stored order", || async {
        list_order(&app).await == [5, 2, 3, 1, 11]
    })
    .await;
    let names = texts(&app, "[data-testid=list-item-title]").await;

    // An item opens in the editor, whose Lists section names the list.
    // WebKitWebDriver reports the list's items as not displayed although
    // they are on top and on screen, so the click skips that wait.
    app.wait_for("[data-testid=list-item][data-entry-id=\"5\"] [data-testid=list-item-title]")
        .await
        .click()
        .await
        .expect("clicking an item's title");
    app.eventually("the editor shows the item", || async {
        app.count("entry-title").await == 1 && app.text("entry-title").await == names[0]
    })
    .await;
    assert_eq!(
        texts(&app, "[data-testid=entry-list] .chip-name").await,
        ["Top 10 of 2023"]
    );
    close_editor(&app).await;
    assert!(
        app.wait_for("list-description-html")
            .await
            .inner_html()
            .await
            .unwrap()
            .contains("<strong>2023</strong>"),
        "the description is the core's rendered Markdown"
    );
    dismiss_toasts(&app).await;
    app.screenshot("list").await;

    // The export flow, opened from the list's page: the list's own formats,
    // HTML first.
    app.click("list-export").await;
    app.click("list-export-html").await;
    app.wait_for("export-list").await;
    assert_eq!(
        app.attr("[id=export-form]", "data-list-id").await,
        Some(list.to_string())
    );
    assert_eq!(
        js(
            &app,
            "return document.querySelector('[data-testid=export-format-html]').checked;"
        )
        .await,
        serde_json::json!(true)
    );
    assert_eq!(app.count("[data-testid^=export-format-]").await, 3);
    assert_eq!(
        app.count("[data-testid=export-format-csv]").await,
        0,
        "a list is not offered as the library's CSV"
    );

    let page = home.dir.path().join("top-10.html");
    {
        let lib = watchlog_core::Library::open(home.library()).unwrap();
        let options = ExportOptions {
            list: Some(list),
            ..ExportOptions::default()
        };
        let report = export_to_path(&lib, ExportFormat::Html, &options, &NoPosters, &page).unwrap();
        assert_eq!(report.written, 5, "{report:?}");
    }
    let html = std::fs::read_to_string(&page).unwrap();
    assert!(html.contains("Top 10 of 2023"), "the page is the list's");
    assert!(
        html.contains("Cried at every episode."),
        "the page has the note"
    );
    let at: Vec<usize> = names
        .iter()
        .map(|n| {
            html.find(&n.replace('&', "&amp;"))
                .unwrap_or_else(|| panic!("{n} is not on the exported page"))
        })
        .collect();
    assert!(
        at.windows(2).all(|w| w[0] < w[1]),
        "the page lists {names:?} in the list's order: {at:?}"
    );
    app.quit().await;
}

/// The status of an entry as the library file holds it.
fn stored_status(home: &Home, id: i64) -> watchlog_core::Status {
    let lib = watchlog_core::Library::open(home.library()).unwrap();
    lib.entry(id).unwrap().fields.status
}

/// Two cards picked and set to Dropped from the selection bar in one call,
/// taken back by the toast's Undo (the old statuses in the file and on the
/// cards); an entry deleted from its editor and brought back by Ctrl+Z.
#[tokio::test]
async fn a_bulk_change_and_a_delete_are_undone() {
    use thirtyfour::prelude::*;
    use watchlog_core::Status;
    if !tools_present() {
        return;
    }
    let _serial = ONE_AT_A_TIME.lock().await;
    let home = Home::new();
    let app = App::start(&home).await;
    app.load_sample().await;
    let card = |id: i64| format!("[data-testid=entry-card][data-entry-id=\"{id}\"]");
    let label = |s: Status| match s {
        Status::PlanToWatch => "Plan to watch",
        Status::Watching => "Watching",
        Status::Completed => "Completed",
        Status::OnHold => "On hold",
        Status::Dropped => "Dropped",
    };
    let ids = [1, 2];
    let before = ids.map(|id| stored_status(&home, id));
    assert!(
        before.iter().all(|s| *s != Status::Dropped),
        "the sample's first two are not dropped: {before:?}"
    );
    for id in ids {
        let el = app.wait_for(&card(id)).await;
        ctrl_click(&app, &el).await;
    }
    assert_eq!(app.text("selection-count").await, "2 selected");
    app.fill("bulk-status", "dropped").await;
    app.eventually("both are dropped in the file", || async {
        ids.iter()
            .all(|&id| stored_status(&home, id) == Status::Dropped)
    })
    .await;
    app.eventually("the cards say so", || async {
        let mut all = true;
        for id in ids {
            all &= app.text(&card(id)).await.contains("Dropped");
        }
        all
    })
    .await;
    let toast = texts(&app, "[data-testid=toast]").await;
    assert!(
        toast.iter().any(|t| t.contains("Changed 2 titles.")),
        "{toast:?}"
    );
    app.click("toast-action").await;
    app.eventually("the old statuses are back in the file", || async {
        ids.map(|id| stored_status(&home, id)) == before
    })
    .await;
    app.eventually("and on the cards", || async {
        let mut all = true;
        for (id, s) in ids.iter().zip(before) {
            all &= app.text(&card(*id)).await.contains(label(s));
        }
        all
    })
    .await;
    assert_eq!(app.count("toast-action").await, 0, "an Undo runs once");

    // Deleted from its editor, back with Ctrl+Z while the toast shows.
    app.click("selection-clear").await;
    dismiss_toasts(&app).await;
    let third = app.wait_for(&card(3)).await;
    into_view(&app, &third).await;
    third.click().await.unwrap();
    let name = watchlog_core::Library::open(home.library())
        .unwrap()
        .entry(3)
        .unwrap()
        .title
        .facts
        .name;
    app.eventually("its editor is open", || async {
        app.count("entry-title").await == 1 && app.text("entry-title").await == name
    })
    .await;
    app.click("delete-entry").await;
    app.click("confirm-delete").await;
    app.eventually("the entry is deleted", || async {
        app.count(&card(3)).await == 0
    })
    .await;
    assert!(watchlog_core::Library::open(home.library())
        .unwrap()
        .entry(3)
        .is_err());
    let toast = texts(&app, "[data-testid=toast]").await;
    assert!(
        toast
            .iter()
            .any(|t| t.contains(&format!("Deleted “{name}”."))),
        "{toast:?}"
    );
    js(&app, "document.activeElement?.blur(); return true;").await;
    app.driver
        .action_chain()
        .key_down(Key::Control)
        .send_keys("z")
        .key_up(Key::Control)
        .perform()
        .await
        .unwrap();
    app.eventually("the entry is back", || async {
        app.count(&card(3)).await == 1
    })
    .await;
    let lib = watchlog_core::Library::open(home.library()).unwrap();
    assert_eq!(lib.entry(3).unwrap().title.facts.name, name);
    app.quit().await;
}

/// Two computers through one sync folder, in the real webview: the app's
/// library, linked but empty, syncs on start and shows the laptop's
/// titles; Settings › Sync names the laptop with its last change; a rating
/// made on the laptop arrives with "Sync now", and the app's own edit
/// reaches the laptop. The library files never go into the folder.
#[tokio::test]
async fn two_computers_sync_through_a_folder() {
    if !tools_present() {
        return;
    }
    let _serial = ONE_AT_A_TIME.lock().await;
    let home = Home::new();
    let folder = tempfile::tempdir().unwrap();
    let laptop_dir = tempfile::tempdir().unwrap();
    let mut laptop = watchlog_core::Library::open(laptop_dir.path().join("watchlog.db")).unwrap();
    laptop.load_sample().unwrap();
    laptop.sync_init(folder.path(), Some("laptop")).unwrap();
    laptop.sync_now().unwrap();
    std::fs::create_dir_all(home.library().parent().unwrap()).unwrap();
    watchlog_core::Library::open(home.library())
        .unwrap()
        .sync_init(folder.path(), Some("desktop"))
        .unwrap();

    let app = App::start(&home).await;
    app.click("library-nav").await;
    app.eventually("the laptop's titles arrive on start", || async {
        app.count("entry-card").await > 0
    })
    .await;

    // Offline, both rate the same title: the laptop first, the desktop
    // after. "Sync now" on the desktop keeps the later rating and says so.
    let rows = laptop.list(&watchlog_core::ListQuery::default()).unwrap();
    let target = rows
        .iter()
        .find(|r| r.name == "Bad Genius")
        .unwrap()
        .clone();
    let rate = |lib: &mut watchlog_core::Library, id: i64, json: serde_json::Value| {
        lib.update_entry(id, &serde_json::from_value(json).unwrap())
            .unwrap();
    };
    rate(
        &mut laptop,
        target.id,
        serde_json::json!({ "rating": 40, "review": "from the laptop" }),
    );
    let desktop = home.library();
    let here = {
        let mut lib = watchlog_core::Library::open(&desktop).unwrap();
        let rows = lib.list(&watchlog_core::ListQuery::default()).unwrap();
        let id = rows.iter().find(|r| r.name == "Bad Genius").unwrap().id;
        rate(&mut lib, id, serde_json::json!({ "rating": 90 }));
        id
    };
    // Written after both edits: the app's watcher may apply it before
    // "Sync now" is pressed, and the clash is the same either way.
    laptop.sync_now().unwrap();
    app.click("settings-nav").await;
    app.wait_for("sync-section").await;
    app.eventually("the laptop is listed", || async {
        app.count("sync-devices").await == 1 && app.text("sync-devices").await.contains("laptop")
    })
    .await;
    app.click("sync-now").await;
    app.eventually("the clash is in the log", || async {
        app.count("sync-decisions").await == 1
            && app.text("sync-decisions").await.contains("Bad Genius")
    })
    .await;
    // In the library's rating scale (10 by default), not as stored.
    let log = app.text("sync-decisions").await;
    assert!(log.contains("9/10") && log.contains("4/10"), "{log}");
    let lib = watchlog_core::Library::open(&desktop).unwrap();
    let entry = lib.entry(here).unwrap();
    assert_eq!(
        entry.fields.rating.map(|r| r.get()),
        Some(90),
        "the later rating"
    );
    assert_eq!(
        entry.fields.review.as_deref(),
        Some("from the laptop"),
        "the other field kept"
    );
    drop(lib);
    js(
        &app,
        "document.querySelector('[data-testid=sync-section]').scrollIntoView({ block: 'start' }); return true;",
    )
    .await;
    app.screenshot("settings-sync").await;

    // The desktop's rating, written by that sync, reaches the laptop.
    let deadline = std::time::Instant::now() + std::time::Duration::from_secs(20);
    loop {
        laptop.sync_now().unwrap();
        let rating = laptop
            .entry(target.id)
            .unwrap()
            .fields
            .rating
            .map(|r| r.get());
        if rating == Some(90) {
            break;
        }
        assert!(
            std::time::Instant::now() < deadline,
            "the desktop's rating never reached the laptop"
        );
        tokio::time::sleep(std::time::Duration::from_millis(200)).await;
    }
    assert!(laptop
        .sync_status()
        .unwrap()
        .decisions
        .iter()
        .any(|d| d.field == "rating"));
    // Another device's file arriving in the folder is synced within
    // seconds without "Sync now" (the app's watcher), and the list shows
    // what it brought.
    app.click("library-nav").await;
    app.wait_for("entry-card").await;
    laptop
        .add_entry(&watchlog_core::NewEntry {
            title: watchlog_core::TitleFacts {
                name: "Arrived by itself".into(),
                year: Some(2024),
                ..watchlog_core::TitleFacts::default()
            },
            fields: Default::default(),
        })
        .unwrap();
    assert!(laptop.sync_now().unwrap().written.is_some());
    app.eventually("the laptop's new title shows without Sync now", || async {
        texts(&app, "[data-testid=entry-card]")
            .await
            .iter()
            .any(|t| t.contains("Arrived by itself"))
    })
    .await;
    for entry in walk(folder.path()) {
        assert!(
            !entry.ends_with(".db") && !entry.contains(".db-"),
            "a library file in the sync folder: {entry}"
        );
    }
    app.quit().await;
}

fn walk(dir: &std::path::Path) -> Vec<String> {
    let mut out = Vec::new();
    for e in std::fs::read_dir(dir).unwrap().flatten() {
        let p = e.path();
        if p.is_dir() {
            out.extend(walk(&p));
        } else {
            out.push(p.display().to_string());
        }
    }
    out
}
