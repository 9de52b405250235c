//! `watchlog posters fetch|status|prune` against a real local HTTP server
//! serving a real poster from `../shared/fixtures/images/` and a 404.

use std::path::{Path, PathBuf};
use std::sync::Arc;

use assert_cmd::Command;
use serde_json::Value;

fn poster() -> Option<Vec<u8>> {
    let path = PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("../../../shared/fixtures/images/posters/derived/the-flirt_500x750.jpg");
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

/// Serves `/poster.jpg`; everything else is a 404. Stops when dropped.
struct Server(Arc<tiny_http::Server>, String);

impl Drop for Server {
    fn drop(&mut self) {
        self.0.unblock();
    }
}

fn server(body: Vec<u8>) -> Server {
    let s = Arc::new(tiny_http::Server::http("127.0.0.1:0").unwrap());
    let base = format!(
        "http://127.0.0.1:{}",
        s.server_addr().to_ip().unwrap().port()
    );
    let srv = s.clone();
    std::thread::spawn(move || {
        for req in srv.incoming_requests() {
            let status = if req.url() == "/poster.jpg" { 200 } else { 404 };
            let data = if status == 200 {
                body.clone()
            } else {
                Vec::new()
            };
            let _ = req.respond(tiny_http::Response::from_data(data).with_status_code(status));
        }
    });
    Server(s, base)
}

fn cmd(home: &Path, args: &[&str]) -> Command {
    let mut c = Command::new(env!("CARGO_BIN_EXE_watchlog"));
    c.env_remove("WATCHLOG_DB")
        .env("HOME", home)
        .env("XDG_DATA_HOME", home.join("data"))
        .env("XDG_CACHE_HOME", home.join("cache"))
        .args(args);
    c
}

#[test]
fn fetch_reports_each_title_and_status_and_prune_follow() {
    let Some(body) = poster() else { return };
    let srv = server(body);
    let dir = tempfile::tempdir().unwrap();
    let home = dir.path();
    let good = format!("{}/poster.jpg", srv.1);
    let gone = format!("{}/gone.jpg", srv.1);
    cmd(home, &["add", "The Flirt", "--poster-url", &good])
        .assert()
        .success();
    cmd(home, &["add", "Gone", "--poster-url", &gone])
        .assert()
        .success();
    cmd(home, &["add", "No Poster"]).assert().success();

    let out = cmd(home, &["posters", "fetch", "--missing"])
        .output()
        .unwrap();
    let (stdout, stderr) = (
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr),
    );
    assert_eq!(
        out.status.code(),
        Some(1),
        "a failed poster fails the run: {stderr}"
    );
    assert!(
        stdout.contains("1 posters downloaded, 0 already current, 1 failed"),
        "{stdout}"
    );
    assert!(stderr.contains("#1 The Flirt: downloaded"), "{stderr}");
    assert!(
        stderr.contains("#2 Gone: the poster's server has no image at this address (HTTP 404)"),
        "{stderr}"
    );
    assert!(stderr.contains("1 poster could not be fetched"), "{stderr}");

    let out = cmd(home, &["posters", "status", "--json"])
        .output()
        .unwrap();
    assert!(out.status.success());
    let s: Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(
        (
            s["with_address"].as_u64(),
            s["cached"].as_u64(),
            s["failed"].as_u64()
        ),
        (Some(2), Some(1), Some(1))
    );
    assert_eq!(s["failures"][0]["name"], "Gone");
    let cached = s["bytes"].as_u64().unwrap();
    assert!(cached > 1000);

    // Asking for a title without a poster address says so.
    let out = cmd(home, &["posters", "fetch", "3"]).output().unwrap();
    assert!(String::from_utf8_lossy(&out.stderr).contains("#3: No Poster has no poster address"));

    let out = cmd(home, &["posters", "prune", "--max-size", "0", "--json"])
        .output()
        .unwrap();
    assert!(out.status.success());
    let r: Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(r["removed_posters"], 1);
    assert_eq!(r["freed_bytes"].as_u64(), Some(cached));
    cmd(home, &["posters", "prune", "--max-size", "lots"])
        .assert()
        .code(2);
}
