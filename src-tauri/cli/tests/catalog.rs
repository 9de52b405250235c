//! `watchlog search`, `add --from` and `refresh` against a real local HTTP
//! server on 127.0.0.1 that serves the real recorded TVmaze and TMDB answers
//! in `../shared/fixtures/catalog/`, and misbehaves on demand (slow,
//! rate-limited, failing, garbage, an HTML page, a refused key) to check
//! that each failure is one clear line and leaves the library as it was.

use std::io::Cursor;
use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex};
use std::thread;
use std::time::Duration;

use assert_cmd::Command;
use serde_json::Value;
use sha2::{Digest, Sha256};
use tempfile::TempDir;

// ---------------------------------------------------------------- fixtures

fn fixtures_dir() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../../shared/fixtures/catalog")
}

/// A fixture's bytes; `None` (test skipped, reason printed) when missing,
/// except under CI where a missing fixture fails the test.
fn fixture(rel: &str) -> Option<Vec<u8>> {
    let path = fixtures_dir().join(rel);
    match std::fs::read(&path) {
        Ok(b) => Some(b),
        Err(e) => {
            let msg = format!("fixture {} is not readable: {e}", path.display());
            if std::env::var("CI").is_ok_and(|v| v == "true") {
                panic!("{msg} (CI=true: fixtures must be present)");
            }
            eprintln!("skipping: {msg}");
            None
        }
    }
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

struct Server {
    server: Arc<tiny_http::Server>,
    base: String,
    mode: Arc<Mutex<Mode>>,
}

impl Drop for Server {
    fn drop(&mut self) {
        self.server.unblock();
    }
}

struct Reply {
    status: u16,
    body: Vec<u8>,
    content_type: &'static str,
    headers: Vec<(&'static str, String)>,
    delay: Duration,
}

fn reply(status: u16, body: impl Into<Vec<u8>>) -> Reply {
    Reply {
        status,
        body: body.into(),
        content_type: "application/json; charset=utf-8",
        headers: Vec::new(),
        delay: Duration::ZERO,
    }
}

/// The recorded answers: TVmaze's `/search/shows?q=robot` (whatever the
/// query), its show objects under `/shows/{id}` with Mr. Robot's real
/// episode list embedded, and TMDB's search, details and invalid-key body.
struct Recorded {
    search: Vec<u8>,
    shows: Vec<Value>,
    robot_episodes: Value,
    tmdb_search: Vec<u8>,
    tmdb_details: Vec<u8>,
    tmdb_bad_key: Vec<u8>,
    tmdb_not_found: Vec<u8>,
}

fn recorded() -> Option<Recorded> {
    let search = fixture("tvmaze/search_shows_q_robot.json")?;
    let shows = json(&search)
        .as_array()
        .expect("a list of results")
        .iter()
        .map(|hit| hit["show"].clone())
        .collect();
    Some(Recorded {
        search,
        shows,
        robot_episodes: json(&fixture("tvmaze/shows_1871_episodes.json")?),
        tmdb_search: fixture("tmdb/tv-popular.json")?,
        tmdb_details: fixture("tmdb/tv-details.json")?,
        tmdb_bad_key: fixture("tmdb/invalid-api-key.json")?,
        tmdb_not_found: fixture("tmdb/resource-not-found.json")?,
    })
}

impl Server {
    fn start() -> Option<Self> {
        let rec = Arc::new(recorded()?);
        let server = Arc::new(tiny_http::Server::http("127.0.0.1:0").expect("bind 127.0.0.1:0"));
        let port = server.server_addr().to_ip().expect("an IP address").port();
        let mode = Arc::new(Mutex::new(Mode::Normal));
        let (srv, m) = (server.clone(), mode.clone());
        thread::spawn(move || {
            for request in srv.incoming_requests() {
                let (rec, m) = (rec.clone(), m.clone());
                thread::spawn(move || {
                    let url = request.url().to_string();
                    let mode = *m.lock().unwrap();
                    let r = route(&rec, mode, &url);
                    thread::sleep(r.delay);
                    let mut headers =
                        vec![
                            tiny_http::Header::from_bytes("Content-Type", r.content_type).unwrap(),
                        ];
                    for (k, v) in &r.headers {
                        headers.push(tiny_http::Header::from_bytes(*k, v.as_bytes()).unwrap());
                    }
                    let len = r.body.len();
                    let _ = request.respond(tiny_http::Response::new(
                        tiny_http::StatusCode(r.status),
                        headers,
                        Cursor::new(r.body),
                        Some(len),
                        None,
                    ));
                });
            }
        });
        Some(Server {
            server,
            base: format!("http://127.0.0.1:{port}"),
            mode,
        })
    }

    fn set(&self, mode: Mode) {
        *self.mode.lock().unwrap() = mode;
    }
}

fn route(rec: &Recorded, mode: Mode, url: &str) -> Reply {
    let (path, query) = url.split_once('?').unwrap_or((url, ""));
    match mode {
        Mode::Slow => {
            let mut r = reply(200, rec.search.clone());
            r.delay = Duration::from_secs(3);
            return r;
        }
        Mode::RateLimited => {
            let mut r = reply(429, "");
            r.headers.push(("Retry-After", "3600".into()));
            return r;
        }
        Mode::ServerError => return reply(500, r#"{"message":"internal error"}"#),
        Mode::Malformed => return reply(200, r#"{"id": 1871, "name": "Mr. Rob"#),
        Mode::HtmlPage => {
            let mut r = reply(
                200,
                "<!DOCTYPE html><html><body><h1>502 Bad Gateway</h1></body></html>",
            );
            r.content_type = "text/html";
            return r;
        }
        Mode::FailOne if path == "/shows/686" => return reply(500, "{}"),
        _ => {}
    }
    if let Some(tmdb) = path.strip_prefix("/3/") {
        if !query.contains(&format!("api_key={V3_KEY}")) {
            return reply(401, rec.tmdb_bad_key.clone());
        }
        return match tmdb {
            "search/tv" => reply(200, rec.tmdb_search.clone()),
            "tv/1399" => reply(200, rec.tmdb_details.clone()),
            _ => reply(404, rec.tmdb_not_found.clone()),
        };
    }
    let parts: Vec<&str> = path.trim_matches('/').split('/').collect();
    match parts.as_slice() {
        // No "soundtrack" search was ever recorded; this one is our own file
        // in TVmaze's shape.
        ["search", "shows"] if query.contains("q=soundtrack") => reply(
            200,
            include_bytes!("data/tvmaze-search-soundtrack.json").to_vec(),
        ),
        ["search", "shows"] => reply(200, rec.search.clone()),
        ["shows", id] => {
            let Some(mut show) = rec
                .shows
                .iter()
                .find(|s| s["id"].as_u64().is_some_and(|n| n.to_string() == *id))
                .cloned()
            else {
                return reply(404, r#"{"name":"Not Found","status":404}"#);
            };
            if *id == "1871" {
                show["_embedded"] =
                    serde_json::json!({ "episodes": rec.robot_episodes, "cast": [] });
            }
            reply(200, show.to_string())
        }
        _ => reply(404, r#"{"name":"Not Found","status":404}"#),
    }
}

// --------------------------------------------------------------- the CLI

struct Lib {
    dir: TempDir,
    path: PathBuf,
    base: String,
}

impl Lib {
    fn new(server: &Server) -> Self {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("watchlog.db");
        Lib {
            dir,
            path,
            base: server.base.clone(),
        }
    }

    fn cmd(&self, args: &[&str]) -> Command {
        let home: &Path = self.dir.path();
        let mut c = Command::new(env!("CARGO_BIN_EXE_watchlog"));
        c.env_remove("WATCHLOG_DB")
            .env_remove("WATCHLOG_TMDB_KEY")
            .env("HOME", home)
            .env("XDG_DATA_HOME", home.join("data"))
            .env("WATCHLOG_TVMAZE_URL", &self.base)
            .env("WATCHLOG_TMDB_URL", format!("{}/3", self.base))
            // Short enough to keep the timeout test quick.
            .env("WATCHLOG_NET_TIMEOUT", "1")
            .arg("--db")
            .arg(&self.path)
            .args(args);
        c
    }

    fn ok(&self, args: &[&str]) -> String {
        let out = self.cmd(args).output().unwrap();
        assert!(
            out.status.success(),
            "`watchlog {}` failed with {:?}: {}",
            args.join(" "),
            out.status.code(),
            String::from_utf8_lossy(&out.stderr)
        );
        String::from_utf8(out.stdout).expect("stdout is UTF-8")
    }

    fn json(&self, args: &[&str]) -> Value {
        let mut a = args.to_vec();
        a.push("--json");
        serde_json::from_str(&self.ok(&a)).expect("valid JSON")
    }

    /// Runs a command that must fail with exit status 1 and one line on
    /// stderr containing `keyword`; returns that line.
    fn fails(&self, args: &[&str], keyword: &str) -> String {
        let out = self.cmd(args).output().unwrap();
        let stderr = String::from_utf8_lossy(&out.stderr).to_string();
        assert_eq!(
            out.status.code(),
            Some(1),
            "`watchlog {}` should fail with 1: {stderr}",
            args.join(" ")
        );
        assert_eq!(stderr.lines().count(), 1, "one line on stderr: {stderr}");
        assert!(
            stderr.starts_with("watchlog: ") && stderr.contains(keyword),
            "`watchlog {}` should say '{keyword}', said: {stderr}",
            args.join(" ")
        );
        stderr
    }

    fn hash(&self) -> Vec<u8> {
        Sha256::digest(std::fs::read(&self.path).expect("library exists")).to_vec()
    }
}

fn recorded_show(id: u64) -> Value {
    let search = json(&fixture("tvmaze/search_shows_q_robot.json").unwrap());
    search
        .as_array()
        .unwrap()
        .iter()
        .map(|h| h["show"].clone())
        .find(|s| s["id"].as_u64() == Some(id))
        .expect("show in the recording")
}

// ------------------------------------------------------------------ tests

#[test]
fn search_lists_the_catalogue_results_without_creating_a_library() {
    let Some(server) = Server::start() else {
        return;
    };
    let lib = Lib::new(&server);
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
    assert!(!lib.path.exists(), "searching creates no library");
}

#[test]
fn search_soundtrack_finds_the_korean_drama() {
    let Some(server) = Server::start() else {
        return;
    };
    let lib = Lib::new(&server);
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
    let Some(server) = Server::start() else {
        return;
    };
    let lib = Lib::new(&server);
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
    lib.fails(&["add", "--from", "tvmaze:999999"], "TVmaze");
    let out = lib.cmd(&["add", "--from", "imdb:tt1"]).output().unwrap();
    assert_eq!(out.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&out.stderr).contains("tvmaze:ID"));
    assert_eq!(lib.hash(), before);
}

#[test]
fn refresh_keeps_the_users_fields_and_reports_each_title() {
    let Some(server) = Server::start() else {
        return;
    };
    let lib = Lib::new(&server);
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
    let Some(server) = Server::start() else {
        return;
    };
    let lib = Lib::new(&server);
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
        let line = lib.fails(&["add", "--from", "tvmaze:1871"], keyword);
        assert_eq!(lib.hash(), before, "{mode:?} changed the library: {line}");
        let search_keyword = if mode == Mode::Malformed {
            "TVmaze sent something"
        } else {
            keyword
        };
        lib.fails(&["search", "robot"], search_keyword);
    }
    server.set(Mode::Normal);
    assert_eq!(lib.json(&["list"]).as_array().unwrap().len(), 1);
}

#[test]
fn the_tmdb_key_is_kept_in_the_library_and_never_shown() {
    let Some(server) = Server::start() else {
        return;
    };
    let lib = Lib::new(&server);
    // No key: a clear message pointing to the setting.
    lib.fails(&["search", "--provider", "tmdb", "glory"], "key");

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
    assert!(!lib.path.exists(), "and no library is created for it");

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
    lib.fails(&["search", "--provider", "tmdb", "glory"], "key");
}
