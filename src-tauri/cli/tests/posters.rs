//! `watchlog posters fetch|status|prune` against a real local HTTP server
//! serving a real poster from `../shared/fixtures/images/` and a 404.

use serde_json::Value;
use watchlog_testkit::{fixtures, Cli, Reply, Server};

/// Serves `/poster.jpg`; everything else is a 404.
fn server(body: Vec<u8>) -> Server {
    Server::start(move |req| match req.path.as_str() {
        "/poster.jpg" => Reply::new(200, "image/jpeg", body.clone()),
        _ => Reply::new(404, "text/plain", ""),
    })
}

#[test]
fn fetch_reports_each_title_and_status_and_prune_follow() {
    let Some(body) = fixtures::read("images/posters/derived/the-flirt_500x750.jpg") else {
        return;
    };
    let srv = server(body);
    // No `--db`: the library and the poster cache are the sandbox's own.
    let cli = Cli::new(env!("CARGO_BIN_EXE_watchlog"));
    // The server is on loopback, which is refused unless allowed.
    let cmd = |args: &[&str]| {
        let mut c = cli.bare(args);
        c.env("WATCHLOG_ALLOW_HOSTS", "127.0.0.1");
        c
    };
    let good = srv.url("/poster.jpg");
    let gone = srv.url("/gone.jpg");
    cmd(&["add", "The Flirt", "--poster-url", &good])
        .assert()
        .success();
    cmd(&["add", "Gone", "--poster-url", &gone])
        .assert()
        .success();
    cmd(&["add", "No Poster"]).assert().success();

    // Not allowed: each title says why, nothing reaches the server.
    let out = cli
        .bare(&["posters", "fetch", "--missing"])
        .output()
        .unwrap();
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(1), "{stderr}");
    assert!(
        stderr.contains("#1 The Flirt: ") && stderr.contains("an address on your own network"),
        "{stderr}"
    );
    assert!(srv.hits().is_empty(), "the server was not called");

    let out = cmd(&["posters", "fetch", "--missing"]).output().unwrap();
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

    let out = cmd(&["posters", "status", "--json"]).output().unwrap();
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
    let out = cmd(&["posters", "fetch", "3"]).output().unwrap();
    assert!(String::from_utf8_lossy(&out.stderr).contains("#3: No Poster has no poster address"));

    let out = cmd(&["posters", "prune", "--max-size", "0", "--json"])
        .output()
        .unwrap();
    assert!(out.status.success());
    let r: Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(r["removed_posters"], 1);
    assert_eq!(r["freed_bytes"].as_u64(), Some(cached));
    cmd(&["posters", "prune", "--max-size", "lots"])
        .assert()
        .code(2);
}
