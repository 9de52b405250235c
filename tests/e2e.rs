//! End to end in the real webview (WebKitGTK through tauri-driver): the
//! Soundtrack #2 story a user lives through, the sample library, and a
//! hostile review that must stay inert. Run under Xvfb (`make test`).

mod support;

use support::{tools_present, App, Home};

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
    app.click("sample-button").await;
    app.eventually("the sample library is loaded", || async {
        app.count("entry-card").await >= 12
    })
    .await;
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
    app.quit().await;
}

fn chrono_today() -> String {
    chrono::Local::now()
        .date_naive()
        .format("%Y-%m-%d")
        .to_string()
}
