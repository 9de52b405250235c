//! The real `watchlog` binary exporting, backing up and restoring real
//! library files: every format to stdout and to a file, filters, a report on
//! stderr, unwritable destinations refused without partial files, and
//! restores that bring the data back or refuse and change nothing.

use std::path::{Path, PathBuf};

use serde_json::Value;
use watchlog_testkit::{sha256, strangers, Cli};

fn new_lib() -> Cli {
    Cli::new(env!("CARGO_BIN_EXE_watchlog"))
}

/// A library holding the 14-title sample.
fn sample() -> Cli {
    let lib = new_lib();
    lib.ok(&["sample"]);
    lib
}

/// The titles' names, A to Z.
fn names_of(lib: &Cli) -> Vec<String> {
    let v = lib.json(&["list", "--sort", "title"]);
    v.as_array()
        .unwrap()
        .iter()
        .map(|e| e["name"].as_str().unwrap().to_string())
        .collect()
}

fn listing(dir: &Path) -> Vec<String> {
    let mut v: Vec<String> = std::fs::read_dir(dir)
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .collect();
    v.sort();
    v
}

#[test]
fn every_format_to_stdout_and_to_a_file() {
    let lib = sample();
    // What each format starts with, and how many of the 14 sample entries
    // it holds (review lists skip the ones with no rating and no review;
    // Letterboxd holds watched films and miniseries only).
    let cases = [
        ("watchlog-json", "{", 14),
        ("csv", "id,title,original_title", 14),
        ("markdown", "# My reviews", 9),
        ("html", "<!DOCTYPE html>", 9),
        ("letterboxd", "LetterboxdURI,tmdbID,imdbID,Title,Year", 3),
    ];
    for (format, start, written) in cases {
        let (stdout, stderr) = lib.ok_with_stderr(&["export", format]);
        assert!(
            stdout.starts_with(start),
            "{format} to stdout should start with {start:?}: {}",
            &stdout[..stdout.len().min(200)]
        );
        let noun = if written == 1 { "entry" } else { "entries" };
        assert!(
            stderr.starts_with(&format!("Exported {written} {noun} as {format}\n")),
            "{format}: the report on stderr was: {stderr}"
        );
        let path = lib.sandbox.file(&format!("out-{format}"));
        let (stdout_file, stderr_file) =
            lib.ok_with_stderr(&["export", format, "--out", path.to_str().unwrap()]);
        assert!(stdout_file.is_empty(), "{format} --out printed on stdout");
        assert!(stderr_file.contains(&format!("to {}", path.display())));
        let written_text = std::fs::read_to_string(&path).unwrap();
        if format == "watchlog-json" {
            // The export time differs between the two runs; the rest must not.
            let a: Value = serde_json::from_str(&stdout).unwrap();
            let b: Value = serde_json::from_str(&written_text).unwrap();
            assert_eq!(a["entries"], b["entries"]);
            assert_eq!(a["entries"].as_array().unwrap().len(), written);
        } else {
            assert_eq!(stdout, written_text, "{format}: stdout and --out differ");
        }
    }
    // The Letterboxd report says why series were left out.
    let (_, stderr) = lib.ok_with_stderr(&["export", "letterboxd"]);
    assert!(stderr.contains("Skipped 11 entries:"), "{stderr}");
    assert!(
        stderr.contains("Soundtrack #2: Letterboxd lists films and miniseries, not series"),
        "{stderr}"
    );
}

#[test]
fn filters_order_and_spoilers() {
    let lib = sample();
    // Reviews span lines in CSV; the JSON export is simpler to read back.
    let csv_titles = |args: &[&str]| -> Vec<String> {
        let mut a = vec!["export", "watchlog-json"];
        a.extend_from_slice(args);
        let out = lib.ok(&a);
        let v: Value = serde_json::from_str(&out).unwrap();
        let mut titles: Vec<String> = v["entries"]
            .as_array()
            .unwrap()
            .iter()
            .map(|e| e["title"]["name"].as_str().unwrap().to_string())
            .collect();
        titles.sort();
        titles
    };
    let comma = csv_titles(&["--status", "watching,on-hold"]);
    let repeated = csv_titles(&["--status", "watching", "--status", "on_hold"]);
    assert_eq!(comma, repeated);
    assert_eq!(comma.len(), 3, "{comma:?}");
    assert_eq!(
        csv_titles(&["--min-rating", "9.5", "--max-rating", "10"]),
        ["My Mister", "Parasite", "Reply 1988"]
    );
    // Ratings are typed in the user's scale.
    lib.ok(&["settings", "--rating-scale", "5"]);
    assert_eq!(csv_titles(&["--min-rating", "5"]), ["Reply 1988"]);
    lib.refused(
        &["export", "csv", "--min-rating", "9.5"],
        2,
        "'9.5' is not a rating on the 5-star scale",
    );
    lib.ok(&["settings", "--rating-scale", "10"]);
    assert_eq!(
        csv_titles(&[
            "--platform",
            "disney+",
            "--finished-from",
            "2023-12-01",
            "--finished-to",
            "2023-12-31",
            "--with-review"
        ]),
        ["Soundtrack #2"]
    );
    assert_eq!(csv_titles(&["--tag", "COMFORT"]).len(), 3);
    // Soundtrack #2's review is a spoiler: hidden behind a click, or left out.
    let hidden = lib.ok(&["export", "markdown"]);
    assert!(hidden.contains("the final song"), "hide keeps the text");
    let (omitted, stderr) = lib.ok_with_stderr(&["export", "markdown", "--spoilers", "omit"]);
    assert!(!omitted.contains("the final song"), "omit drops the text");
    assert!(stderr.contains("Written with changes:"), "{stderr}");
    let by_status = lib.ok(&["export", "markdown", "--order", "status"]);
    let completed = by_status.find("## Completed").unwrap();
    let dropped = by_status.find("## Dropped").unwrap();
    assert!(completed < dropped, "status order follows the status list");
    lib.refused(&["export", "pdf"], 2, "'pdf' is not an export format");
    lib.refused(
        &["export", "csv", "--status", "finished"],
        2,
        "not a status",
    );
    lib.refused(
        &[
            "export",
            "csv",
            "--finished-from",
            "2024-01-01",
            "--finished-to",
            "2023-01-01",
        ],
        2,
        "before --finished-from",
    );
}

#[test]
fn unwritable_destinations_are_clear_errors_and_leave_no_partial_file() {
    let lib = sample();
    let before = listing(lib.home());
    let not_a_folder = lib.sandbox.file("watchlog.db").join("reviews.html");
    lib.refused(
        &["export", "html", "--out", not_a_folder.to_str().unwrap()],
        2,
        "cannot be written there",
    );
    let missing = lib.sandbox.file("no-such-folder").join("reviews.html");
    lib.refused(
        &["export", "html", "--out", missing.to_str().unwrap()],
        1,
        "does not exist",
    );
    lib.refused(
        &["export", "csv", "--out", lib.home().to_str().unwrap()],
        2,
        "is a folder",
    );
    assert_eq!(listing(lib.home()), before, "a failed export left files");
    // A file already there stays whole when the export fails before writing.
    let keep = lib.sandbox.file("keep.csv");
    std::fs::write(&keep, "mine\n").unwrap();
    lib.refused(
        &[
            "export",
            "csv",
            "--out",
            keep.to_str().unwrap(),
            "--min-rating",
            "11",
        ],
        2,
        "not a rating",
    );
    assert_eq!(std::fs::read_to_string(&keep).unwrap(), "mine\n");
    // Missing library: nothing created.
    let empty = new_lib();
    let out = empty.output(&["export", "csv"]);
    assert_eq!(out.status.code(), Some(1));
    assert!(listing(empty.home()).is_empty());
}

#[test]
fn backup_then_change_then_restore_brings_the_data_back() {
    let lib = sample();
    let names = names_of(&lib);
    let backup = lib.sandbox.file("before.db");
    let out = lib.ok(&["backup", backup.to_str().unwrap()]);
    assert!(
        out.starts_with(&format!("Backed up to {}", backup.display())),
        "{out}"
    );
    lib.ok(&["delete", "1"]);
    lib.ok(&["add", "Queen of Tears"]);
    assert_ne!(names_of(&lib), names);
    let out = lib.ok(&["restore", backup.to_str().unwrap()]);
    assert!(out.contains("kept at"), "{out}");
    assert_eq!(
        names_of(&lib),
        names,
        "the restore did not bring the data back"
    );
    // The replaced library is kept aside and holds the change.
    let aside = listing(lib.home())
        .into_iter()
        .find(|n| n.starts_with("watchlog.db.before-restore-"))
        .expect("the replaced library kept aside");
    let out = lib
        .bare(&["--db", lib.sandbox.file(&aside).to_str().unwrap()])
        .args(["list", "--search", "Queen of Tears", "--json"])
        .output()
        .unwrap();
    assert!(String::from_utf8_lossy(&out.stdout).contains("Queen of Tears"));
}

#[test]
fn automatic_backups_are_listed_newest_first() {
    let lib = sample();
    let out = lib.ok(&["backup", "list"]);
    assert!(out.starts_with("No backups in"), "{out}");
    let mut made = Vec::new();
    for _ in 0..2 {
        let out = lib.ok(&["backup"]);
        let path = out.strip_prefix("Backed up to ").unwrap();
        made.push(
            Path::new(path.split(" (").next().unwrap())
                .file_name()
                .unwrap()
                .to_string_lossy()
                .into_owned(),
        );
    }
    let out = lib.ok(&["backup", "list", "--json"]);
    let list: Value = serde_json::from_str(&out).unwrap();
    let list = list.as_array().unwrap();
    assert_eq!(list.len(), 2, "{out}");
    let names: Vec<&str> = list.iter().map(|b| b["name"].as_str().unwrap()).collect();
    assert!(names
        .iter()
        .all(|n| n.starts_with("watchlog-") && n.ends_with(".db")));
    made.reverse();
    assert_eq!(names, made, "newest first");
    assert!(list[0]["size_bytes"].as_u64().unwrap() > 4096);
    assert!(list[0]["taken_at"].is_string());
    // Each listed backup is a library with the same 14 entries.
    let path = lib.sandbox.file("backups").join(names[0]);
    let out = lib
        .bare(&["--db", path.to_str().unwrap(), "list", "--json"])
        .output()
        .unwrap();
    let v: Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(v.as_array().unwrap().len(), 14);
}

#[test]
fn restore_refuses_what_is_not_a_good_backup_and_changes_nothing() {
    let lib = sample();
    let newer = lib.sandbox.file("newer.db");
    strangers::newer_library(&newer, false);
    let foreign = lib.sandbox.file("foreign.db");
    strangers::foreign_database(&foreign);
    let garbage = lib.sandbox.file("garbage.db");
    strangers::random_bytes(&garbage, 8192);
    let text = lib.sandbox.file("notes.txt");
    std::fs::write(&text, "just some text\n").unwrap();
    let library_digest = sha256(lib.db());
    let before = listing(lib.home());
    let cases = [
        (&newer, "newer version of Watchlog"),
        (&foreign, "not a Watchlog library"),
        (&garbage, "not a Watchlog library or is damaged"),
        (&text, "not a Watchlog library or is damaged"),
    ];
    for (file, keyword) in cases {
        let file_digest = sha256(file);
        lib.refused(&["restore", file.to_str().unwrap()], 1, keyword);
        assert_eq!(sha256(file), file_digest, "{} changed", file.display());
        assert_eq!(sha256(lib.db()), library_digest, "the library changed");
        assert_eq!(listing(lib.home()), before, "files appeared or went");
    }
    lib.refused(
        &["restore", lib.sandbox.file("missing.db").to_str().unwrap()],
        2,
        "is not a file",
    );
    lib.refused(
        &["restore", lib.db().to_str().unwrap()],
        2,
        "the library itself",
    );
    assert_eq!(sha256(lib.db()), library_digest);
}

// ---------------------------------------------- the HTML page in a browser

mod html_in_a_browser {
    use super::*;
    use watchlog_testkit::{Reply, Server};

    /// Headless Chromium, or why it cannot run. On CI its absence fails.
    fn chromium() -> Option<PathBuf> {
        let found = ["chromium", "chromium-browser", "google-chrome"]
            .iter()
            .flat_map(|name| {
                std::env::var_os("PATH")
                    .map(|p| {
                        std::env::split_paths(&p)
                            .map(|d| d.join(name))
                            .collect::<Vec<_>>()
                    })
                    .unwrap_or_default()
            })
            .find(|p| p.is_file());
        if found.is_none() {
            assert!(
                std::env::var("CI").as_deref() != Ok("true"),
                "Chromium is needed for the HTML page test on CI (apt-get install chromium; scripts/setup.sh installs it)"
            );
            eprintln!("skipping: no chromium on PATH (apt-get install chromium)");
        }
        found
    }

    /// A local HTTP server, the only origin the page can reach: it serves
    /// `pages` by path and records every request it gets.
    fn server(pages: Vec<(&'static str, String)>) -> Server {
        Server::start(
            move |req| match pages.iter().find(|(p, _)| *p == req.path) {
                Some((_, body)) => Reply::new(200, "text/html; charset=utf-8", body.clone()),
                None => Reply::new(404, "text/html; charset=utf-8", ""),
            },
        )
    }

    fn requests(server: &Server) -> Vec<String> {
        server.hits().into_iter().map(|r| r.path).collect()
    }

    /// Loads `url` in headless Chromium, lets scripts and timers run, and
    /// returns the DOM as it is afterwards.
    fn dump_dom(chromium: &Path, profile: &Path, url: &str) -> String {
        let out = std::process::Command::new(chromium)
            .args([
                "--headless",
                "--no-sandbox",
                "--disable-gpu",
                "--no-first-run",
                "--no-proxy-server",
                "--disable-background-networking",
                "--virtual-time-budget=3000",
                "--dump-dom",
            ])
            .arg(format!("--user-data-dir={}", profile.display()))
            .arg(url)
            .output()
            .unwrap();
        assert!(
            out.status.success(),
            "chromium failed: {}",
            String::from_utf8_lossy(&out.stderr)
        );
        String::from_utf8_lossy(&out.stdout).into_owned()
    }

    #[test]
    fn a_hostile_review_runs_no_script_and_loads_nothing() {
        let Some(chromium) = chromium() else { return };
        let lib = sample();
        let hostile = "Hostile <script>document.title='PWNED';fetch('/script')</script> text.\n\n\
            <img src=\"/img\" onerror=\"document.body.dataset.pwned='1';fetch('/onerror')\">\n\n\
            [a link](javascript:fetch('/js-md')) and <a href=\"javascript:fetch('/js-raw')\">raw</a> \
            <iframe src=\"/frame\"></iframe> <link rel=stylesheet href=\"/css\"> \
            <svg onload=\"fetch('/svg')\"></svg>\n\n**Spoiler:** the final song.";
        lib.ok(&["review", "1", "--spoiler", "--text", hostile]);
        let page = lib.ok(&["export", "html"]);
        assert!(page.contains("Hostile"), "the review is on the page");

        // The control proves the harness sees what a script or image does.
        let control = "<!DOCTYPE html><body><img src=\"/control-img\"><script>fetch('/control-script')</script></body>".to_string();
        let server = server(vec![("/", page), ("/control", control)]);
        let profile = tempfile::tempdir().unwrap();
        let dom = dump_dom(&chromium, profile.path(), &server.url("/control"));
        assert!(dom.contains("control-img"));
        let seen = requests(&server);
        assert!(
            seen.contains(&"/control-img".to_string())
                && seen.contains(&"/control-script".to_string()),
            "the control page's image and script should reach the server: {seen:?}"
        );

        server.seen.lock().unwrap().clear();
        let dom = dump_dom(&chromium, profile.path(), &server.url("/"));
        assert!(
            dom.contains("Soundtrack #2"),
            "the page rendered: {}",
            &dom[..dom.len().min(300)]
        );
        assert!(
            !dom.contains("PWNED") && !dom.contains("data-pwned"),
            "a script ran"
        );
        assert_eq!(
            requests(&server),
            ["/"],
            "the review page made requests beyond itself"
        );
    }
}

/// What `export` writes, `import` reads back: into an empty library, the
/// same entries come out again.
#[test]
fn exports_read_back_with_import() {
    let lib = sample();
    for (export, import) in [("watchlog-json", "watchlog-json"), ("csv", "watchlog-csv")] {
        let file = lib.sandbox.file(&format!("library-{export}"));
        lib.ok(&["export", export, "--out", file.to_str().unwrap()]);
        let fresh = new_lib();
        fresh.ok(&["import", import, file.to_str().unwrap(), "--apply"]);
        let again = lib.sandbox.file(&format!("again-{export}"));
        fresh.ok(&["export", export, "--out", again.to_str().unwrap()]);
        let (a, b) = (
            std::fs::read_to_string(&file).unwrap(),
            std::fs::read_to_string(&again).unwrap(),
        );
        if export == "csv" {
            assert_eq!(a, b, "CSV export → import → export changed the file");
        } else {
            let (a, b): (Value, Value) = (
                serde_json::from_str(&a).unwrap(),
                serde_json::from_str(&b).unwrap(),
            );
            assert_eq!(
                a["entries"], b["entries"],
                "JSON export → import → export changed the entries"
            );
        }
    }
}

/// `backup` and `export --out` aimed at the open library itself, at its
/// `-wal` file, or at it through another path are refused; the library and
/// its side files are left exactly as they were and still open.
#[test]
fn writing_over_the_live_library_is_refused() {
    let lib = sample();
    // A connection holding the library open, as the app would, keeps the
    // `-wal` file in place.
    let holder = rusqlite::Connection::open(lib.db()).unwrap();
    holder
        .query_row("SELECT count(*) FROM entries", [], |r| r.get::<_, i64>(0))
        .unwrap();
    let wal = lib.sandbox.file("watchlog.db-wal");
    let before = sha256(lib.db());
    let via_dot = lib.home().join(".").join("watchlog.db");
    std::os::unix::fs::symlink(lib.db(), lib.sandbox.file("link.db")).unwrap();
    let (own, wal_s, dot, link) = (
        lib.db().to_str().unwrap().to_string(),
        wal.to_str().unwrap().to_string(),
        via_dot.to_str().unwrap().to_string(),
        lib.sandbox.file("link.db").to_str().unwrap().to_string(),
    );
    for target in [&own, &wal_s, &dot, &link] {
        lib.refused(&["backup", target], 2, "destroy the library");
        lib.refused(
            &["export", "watchlog-json", "--out", target],
            2,
            "destroy the library",
        );
    }
    assert_eq!(sha256(lib.db()), before, "the library is untouched");
    let count: i64 = holder
        .query_row("SELECT count(*) FROM entries", [], |r| r.get(0))
        .expect("the open connection still reads the library");
    assert_eq!(count, 14);
    drop(holder);
    let out = lib.ok(&["doctor", "--json"]);
    assert!(out.contains("\"ok\""), "{out}");
}
