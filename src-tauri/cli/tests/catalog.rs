//! `watchlog search`, `add --from` and `refresh` against a real local HTTP
//! server on 127.0.0.1 that serves the real recorded TVmaze and TMDB answers
//! in `../shared/fixtures/catalog/`, and misbehaves on demand (slow,
//! rate-limited, failing, garbage, an HTML page, a refused key) to check
//! that each failure is one clear line and leaves the library as it was.

use std::sync::{Arc, Mutex};
use std::time::Duration;

use serde_json::Value;
use watchlog_testkit::tvmaze::Tvmaze;
use watchlog_testkit::{fixtures, Cli, Reply, Req, Server};

// ---------------------------------------------------------------- fixtures

/// A catalogue fixture's bytes (`None`: skipped, see `fixtures::read`).
fn fixture(rel: &str) -> Option<Vec<u8>> {
    fixtures::read(&format!("catalog/{rel}"))
}

fn json(bytes: &[u8]) -> Value {
    serde_json::from_slice(bytes).expect("fixture is JSON")
}

// ------------------------------------------------------------------ server

/// How the server answers; tests switch it while the server runs.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Mode {
    Normal,
    Slow,
    RateLimited,
    ServerError,
    Malformed,
    HtmlPage,
    /// Only `/shows/686` fails (500); everything else is normal.
    FailOne,
}

const V3_KEY: &str = "0123456789abcdef0123456789abcdef";

/// The recorded answers: TVmaze's (see `Tvmaze`), and TMDB's search,
/// details and invalid-key body.
struct Recorded {
    tvmaze: Tvmaze,
    tmdb_search: Vec<u8>,
    tmdb_details: Vec<u8>,
    tmdb_bad_key: Vec<u8>,
    tmdb_not_found: Vec<u8>,
}

fn recorded() -> Option<Recorded> {
    Some(Recorded {
        tvmaze: Tvmaze::load()?,
        tmdb_search: fixture("tmdb/tv-popular.json")?,
        tmdb_details: fixture("tmdb/tv-details.json")?,
        tmdb_bad_key: fixture("tmdb/invalid-api-key.json")?,
        tmdb_not_found: fixture("tmdb/resource-not-found.json")?,
    })
}

/// The local catalogue server, misbehaving as its [`Mode`] says.
struct Stand {
    server: Server,
    mode: Arc<Mutex<Mode>>,
}

impl Stand {
    fn start() -> Option<Self> {
        let rec = recorded()?;
        let mode = Arc::new(Mutex::new(Mode::Normal));
        let m = mode.clone();
        let server = Server::start(move |req| {
            let mode = *m.lock().unwrap();
            route(&rec, mode, req)
        });
        Some(Stand { server, mode })
    }

    fn set(&self, mode: Mode) {
        *self.mode.lock().unwrap() = mode;
    }
}

fn route(rec: &Recorded, mode: Mode, req: &Req) -> Reply {
    let (path, query) = (req.path.as_str(), req.query.as_str());
    match mode {
        Mode::Slow => {
            let mut r = Reply::json(200, rec.tvmaze.search.clone());
            r.delay = Duration::from_secs(3);
            return r;
        }
        Mode::RateLimited => {
            let mut r = Reply::json(429, "");
            r.headers.push(("Retry-After", "3600".into()));
            return r;
        }
        Mode::ServerError => return Reply::json(500, r#"{"message":"internal error"}"#),
        Mode::Malformed => return Reply::json(200, r#"{"id": 1871, "name": "Mr. Rob"#),
        Mode::HtmlPage => {
            return Reply::new(
                200,
                "text/html",
                "<!DOCTYPE html><html><body><h1>502 Bad Gateway</h1></body></html>",
            );
        }
        Mode::FailOne if path == "/shows/686" => return Reply::json(500, "{}"),
        _ => {}
    }
    if let Some(tmdb) = path.strip_prefix("/3/") {
        if !query.contains(&format!("api_key={V3_KEY}")) {
            return Reply::json(401, rec.tmdb_bad_key.clone());
        }
        return match tmdb {
            "search/tv" => Reply::json(200, rec.tmdb_search.clone()),
            "tv/1399" => Reply::json(200, rec.tmdb_details.clone()),
            _ => Reply::json(404, rec.tmdb_not_found.clone()),
        };
    }
    // No "soundtrack" search was ever recorded; this one is our own file
    // in TVmaze's shape.
    if path == "/search/shows" && query.contains("q=soundtrack") {
        return Reply::json(
            200,
            include_bytes!("data/tvmaze-search-soundtrack.json").to_vec(),
        );
    }
    rec.tvmaze
        .route(req)
        .unwrap_or_else(|| Reply::json(404, r#"{"name":"Not Found","status":404}"#))
}

// --------------------------------------------------------------- the CLI

/// The CLI pointed at `stand` for both catalogues, with a timeout short
/// enough to keep the timeout test quick.
fn cli(stand: &Stand) -> Cli {
    Cli::new(env!("CARGO_BIN_EXE_watchlog"))
        .env("WATCHLOG_TVMAZE_URL", stand.server.base.clone())
        .env("WATCHLOG_TMDB_URL", stand.server.url("/3"))
        .env("WATCHLOG_NET_TIMEOUT", "1")
}

fn recorded_show(id: u64) -> Value {
    Tvmaze::load()
        .unwrap()
        .search_shows()
        .into_iter()
        .find(|s| s["id"].as_u64() == Some(id))
        .expect("show in the recording")
}

// ------------------------------------------------------------------ tests

#[test]
fn search_lists_the_catalogue_results_without_creating_a_library() {
    let Some(server) = Stand::start() else {
        return;
    };
    let lib = cli(&server);
    let table = lib.ok(&["search", "robot"]);
    let lines: Vec<&str> = table.lines().collect();
    assert!(
        lines[0].starts_with("ID") && lines[0].contains("NETWORK"),
        "{table}"
    );
    let robot = lines
        .iter()
        .find(|l| l.starts_with("tvmaze:1871 "))
        .unwrap_or_else(|| panic!("Mr. Robot listed as tvmaze:1871: {table}"));
    for fact in ["Mr. Robot", "2015", "US", "USA Network", "series"] {
        assert!(robot.contains(fact), "row should show {fact}: {robot}");
    }
    assert_eq!(lines.len(), 1 + 3, "a header and the 3 recorded results");

    let results = lib.json(&["search", "--provider", "tvmaze", "mr", "robot"]);
    let ids: Vec<&str> = results
        .as_array()
        .unwrap()
        .iter()
        .map(|r| r["provider_id"].as_str().unwrap())
        .collect();
    assert_eq!(ids, ["686", "1871", "2271"], "the recorded order");
    assert!(!lib.db().exists(), "searching creates no library");
}

#[test]
fn search_soundtrack_finds_the_korean_drama() {
    let Some(server) = Stand::start() else {
        return;
    };
    let lib = cli(&server);
    let table = lib.ok(&["search", "soundtrack"]);
    let first = table
        .lines()
        .nth(1)
        .unwrap_or_else(|| panic!("no results: {table}"));
    for fact in ["tvmaze:90001", "Soundtrack #2", "2023", "KR", "Disney+"] {
        assert!(
            first.contains(fact),
            "the best match should show {fact}: {table}"
        );
    }
    let results = lib.json(&["search", "soundtrack"]);
    let summary = results[0]["summary"].as_str().unwrap();
    assert!(
        !summary.contains('<') && !summary.contains("alert"),
        "the summary is plain text with the script dropped: {summary}"
    );
}

#[test]
fn add_from_tvmaze_creates_a_complete_title() {
    let Some(server) = Stand::start() else {
        return;
    };
    let lib = cli(&server);
    let out = lib
        .cmd(&["add", "--from", "tvmaze:1871", "--status", "watching"])
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert_eq!(
        String::from_utf8_lossy(&out.stdout),
        "1\n",
        "prints the new id alone"
    );
    assert!(
        String::from_utf8_lossy(&out.stderr).starts_with("poster queued"),
        "the poster is queued for the cache: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    let e = lib.json(&["show", "1"]);
    let raw = recorded_show(1871);
    let episodes = json(&fixture("tvmaze/shows_1871_episodes.json").unwrap());
    let t = &e["title"];
    assert_eq!(t["name"], "Mr. Robot");
    assert_eq!(t["year"], 2015);
    assert_eq!(t["country"], "US");
    assert_eq!(t["network"], raw["network"]["name"]);
    assert_eq!(t["language"], "en");
    assert_eq!(t["episodes"], episodes.as_array().unwrap().len());
    assert_eq!(t["external_ids"]["tvmaze"], "1871");
    assert_eq!(t["external_ids"]["imdb"], raw["externals"]["imdb"]);
    assert!(
        t["poster_url"]
            .as_str()
            .is_some_and(|u| u.starts_with("http")),
        "the poster address is stored: {t}"
    );
    assert!(
        !t["synopsis"].as_str().unwrap_or("<").contains('<'),
        "the summary is plain text"
    );
    assert_eq!(e["status"], "watching");
    assert!(e["started_on"].is_string(), "watching fills the start date");

    // The same show twice is refused and changes nothing.
    let before = lib.hash();
    let out = lib.cmd(&["add", "--from", "tvmaze:1871"]).output().unwrap();
    assert_eq!(out.status.code(), Some(2));
    assert!(
        String::from_utf8_lossy(&out.stderr).contains("already in your library"),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert_eq!(lib.hash(), before);

    // A catalogue id that does not exist is a clear error, and so is a
    // malformed one (before any request).
    lib.refused(&["add", "--from", "tvmaze:999999"], 1, "TVmaze");
    let out = lib.cmd(&["add", "--from", "imdb:tt1"]).output().unwrap();
    assert_eq!(out.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&out.stderr).contains("tvmaze:ID"));
    assert_eq!(lib.hash(), before);
}

#[test]
fn refresh_keeps_the_users_fields_and_reports_each_title() {
    let Some(server) = Stand::start() else {
        return;
    };
    let lib = cli(&server);
    lib.ok(&["add", "--from", "tvmaze:1871"]);
    lib.ok(&["add", "--from", "tvmaze:686"]);
    lib.ok(&["add", "By Hand", "--episodes", "3"]);
    lib.ok(&["set", "1", "--status", "watching", "--progress", "3"]);
    lib.ok(&["rate", "1", "8.5"]);
    lib.ok(&["review", "1", "--text", "Hello, *friend*.", "--spoiler"]);
    let before = lib.json(&["show", "1"]);

    let out = lib.ok(&["refresh", "--all"]);
    let lines: Vec<&str> = out.lines().collect();
    assert_eq!(lines.len(), 2, "one line per catalogue title: {out}");
    assert!(
        lines[0].starts_with("[1/2] 1 Mr. Robot: refreshed from tvmaze:1871"),
        "{out}"
    );
    assert!(lines[1].contains("refreshed from tvmaze:686"), "{out}");
    let after = lib.json(&["show", "1"]);
    for field in [
        "status",
        "rating",
        "review",
        "review_spoiler",
        "progress",
        "started_on",
    ] {
        assert_eq!(after[field], before[field], "{field} must not change");
    }
    assert_eq!(after["title"], before["title"], "same facts, same title");

    // One title fails: it is reported, the other still refreshes, and the
    // command ends with status 1 and a summary.
    server.set(Mode::FailOne);
    let output = lib.cmd(&["refresh", "1", "2", "3"]).output().unwrap();
    let stdout = String::from_utf8_lossy(&output.stdout);
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert_eq!(output.status.code(), Some(1), "{stdout}{stderr}");
    assert!(stdout.contains("1 Mr. Robot: refreshed"), "{stdout}");
    assert!(
        stdout.contains("2 Robot Chicken: not refreshed: TVmaze"),
        "{stdout}"
    );
    assert!(
        stdout.contains("3 By Hand: not refreshed: it has no TVmaze or TMDB id"),
        "{stdout}"
    );
    assert_eq!(
        stderr.trim(),
        "watchlog: 2 of 3 titles could not be refreshed (the others were)"
    );
    assert_eq!(lib.json(&["show", "2"])["title"]["name"], "Robot Chicken");

    let out = lib.cmd(&["refresh", "42"]).output().unwrap();
    assert_eq!(out.status.code(), Some(2), "an unknown id is bad input");
}

#[test]
fn every_catalogue_failure_is_one_clear_line_and_changes_nothing() {
    let Some(server) = Stand::start() else {
        return;
    };
    let lib = cli(&server);
    lib.ok(&["add", "By Hand"]);
    let before = lib.hash();
    let cases = [
        (Mode::Slow, "did not answer within"),
        (Mode::RateLimited, "too many requests"),
        (Mode::ServerError, "TVmaze"),
        (Mode::Malformed, "not a show"),
        (Mode::HtmlPage, "web page"),
    ];
    for (mode, keyword) in cases {
        server.set(mode);
        let line = lib.refused(&["add", "--from", "tvmaze:1871"], 1, keyword);
        assert_eq!(lib.hash(), before, "{mode:?} changed the library: {line}");
        let search_keyword = if mode == Mode::Malformed {
            "TVmaze sent something"
        } else {
            keyword
        };
        lib.refused(&["search", "robot"], 1, search_keyword);
    }
    server.set(Mode::Normal);
    assert_eq!(lib.json(&["list"]).as_array().unwrap().len(), 1);
}

#[test]
fn the_tmdb_key_is_kept_in_the_library_and_never_shown() {
    let Some(server) = Stand::start() else {
        return;
    };
    let lib = cli(&server);
    // No key: a clear message pointing to the setting.
    lib.refused(&["search", "--provider", "tmdb", "glory"], 1, "key");

    let wrong = "ffffffffffffffffffffffffffffffff";
    let mut c = lib.cmd(&["search", "--provider", "tmdb", "glory"]);
    let out = c.env("WATCHLOG_TMDB_KEY", wrong).output().unwrap();
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(1));
    assert_eq!(
        stderr.trim(),
        "watchlog: TMDB refused the API key; check it in Settings"
    );

    let bad = lib
        .cmd(&["settings", "--tmdb-key", "my key"])
        .output()
        .unwrap();
    assert_eq!(bad.status.code(), Some(2), "a pasted sentence is refused");
    assert!(!lib.db().exists(), "and no library is created for it");

    let shown = lib.ok(&["settings", "--tmdb-key", V3_KEY]);
    assert!(!shown.contains(V3_KEY), "the key is not printed: {shown}");
    assert!(!lib.ok(&["settings", "--json"]).contains(V3_KEY));
    let results = lib.json(&["search", "--provider", "tmdb", "glory"]);
    let first = &results[0];
    assert_eq!(first["provider"], "tmdb");
    assert!(first["original_name"].is_string(), "{first}");

    let id = lib.ok(&["add", "--from", "tmdb:1399"]);
    let e = lib.json(&["show", id.trim()]);
    assert_eq!(e["title"]["external_ids"]["tmdb"], "1399");
    lib.ok(&["settings", "--tmdb-key", ""]);
    lib.refused(&["search", "--provider", "tmdb", "glory"], 1, "key");
}
