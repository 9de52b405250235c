//! The real `watchlog` binary on real library files: the Soundtrack #2 story
//! end to end, bad input refused with one clear line and the file's bytes
//! unchanged, files that are not ours left alone, and how the library file
//! is found.

use std::path::Path;

use assert_cmd::Command;
use serde_json::Value;
use unicode_width::UnicodeWidthStr;
use watchlog_testkit::sandbox::{assert_json_error, assert_one_line_error};
use watchlog_testkit::{strangers, Cli};

fn new_lib() -> Cli {
    Cli::new(env!("CARGO_BIN_EXE_watchlog"))
}

const REVIEW: &str = "A small, warm love triangle told through songs.\n\n**Spoiler:** the final song is the one they never finished writing together.";

/// Adds Soundtrack #2 the way the product story tells it; returns its id.
fn soundtrack(lib: &Cli) -> String {
    let out = lib.ok(&[
        "add",
        "Soundtrack #2",
        "--kind",
        "series",
        "--year",
        "2023",
        "--country",
        "KR",
        "--episodes",
        "6",
        "--platform",
        "Disney+",
        "--original-title",
        "사운드트랙 #2",
    ]);
    let id = out.trim().to_string();
    assert!(
        id.parse::<i64>().is_ok(),
        "`add` should print just the new id, printed {out:?}"
    );
    id
}

#[test]
fn soundtrack_story_end_to_end() {
    let lib = new_lib();
    let id = soundtrack(&lib);
    let id = id.as_str();
    // Watching started on the 20th: said explicitly, since "today" is long
    // after the finish date below and a start after the finish is refused.
    lib.ok(&["set", id, "--status", "watching", "--started", "2023-12-20"]);
    lib.ok(&["set", id, "--progress", "6"]);
    lib.ok(&[
        "set",
        id,
        "--status",
        "completed",
        "--finished",
        "2023-12-27",
    ]);
    lib.ok(&["rate", id, "8.5"]);
    lib.ok(&["review", id, "--text", REVIEW, "--spoiler"]);

    let e = lib.json(&["show", id]);
    let t = &e["title"];
    assert_eq!(t["name"], "Soundtrack #2");
    assert_eq!(t["original_name"], "사운드트랙 #2");
    assert_eq!(t["kind"], "series");
    assert_eq!(t["year"], 2023);
    assert_eq!(t["country"], "KR");
    assert_eq!(t["episodes"], 6);
    assert_eq!(e["platform"], "Disney+");
    assert_eq!(e["status"], "completed");
    assert_eq!(e["progress"], 6);
    assert_eq!(e["rating"], 85, "8.5/10 is stored as 85");
    assert_eq!(e["rating_10"], 8.5);
    assert_eq!(e["review"], REVIEW);
    assert_eq!(e["review_spoiler"], true);
    assert_eq!(e["started_on"], "2023-12-20");
    assert_eq!(e["finished_on"], "2023-12-27");
    assert_eq!(e["rewatch_count"], 0);
    assert_eq!(e["id"].to_string(), id);

    lib.ok(&[
        "rewatch",
        id,
        "--started",
        "2024-03-01",
        "--finished",
        "2024-03-05",
        "--platform",
        "Disney+",
        "--progress",
        "6",
    ]);
    let e = lib.json(&["show", id]);
    assert_eq!(e["rewatch_count"], 1);
    let v = &e["viewings"][0];
    assert_eq!(
        (
            &v["started_on"],
            &v["finished_on"],
            &v["platform"],
            &v["progress"]
        ),
        (
            &Value::from("2024-03-01"),
            &Value::from("2024-03-05"),
            &Value::from("Disney+"),
            &Value::from(6)
        ),
        "the rewatch should be recorded as given: {v}"
    );
    assert_eq!(
        e["finished_on"], "2023-12-27",
        "a rewatch must not touch the first viewing's dates"
    );

    let found = lib.json(&["list", "--search", "사운드"]);
    let found = found.as_array().expect("list --json prints an array");
    assert_eq!(
        found.len(),
        1,
        "searching 사운드 should find one entry: {found:?}"
    );
    assert_eq!(found[0]["name"], "Soundtrack #2");
    assert_eq!(found[0]["rating"], 85);

    // The human block shows the review as the Markdown that was typed.
    let shown = lib.ok(&["show", id]);
    for needle in [
        "Soundtrack #2 (사운드트랙 #2)",
        "8.5/10",
        "2023-12-27",
        "contains spoilers",
        "**Spoiler:** the final song",
        "2024-03-01",
    ] {
        assert!(shown.contains(needle), "`show` lacks '{needle}':\n{shown}");
    }
}

#[test]
fn a_finish_before_the_automatic_start_is_refused_with_a_hint() {
    let lib = new_lib();
    let id = soundtrack(&lib);
    // "watching" without --started starts today, which is after 2023.
    lib.ok(&["set", &id, "--status", "watching"]);
    lib.refused(
        &[
            "set",
            &id,
            "--status",
            "completed",
            "--finished",
            "2023-12-27",
        ],
        2,
        "give --started as well",
    );
    lib.ok(&[
        "set",
        &id,
        "--status",
        "completed",
        "--started",
        "2023-12-20",
        "--finished",
        "2023-12-27",
    ]);
}

#[test]
fn bad_input_is_refused_and_changes_nothing() {
    let lib = new_lib();
    let id = soundtrack(&lib);
    let id = id.as_str();
    lib.ok(&["rate", id, "7"]);
    let cases: &[(&[&str], &str)] = &[
        (&["set", id, "--status", "finished"], "status"),
        (&["list", "--status", "finished"], "status"),
        (&["list", "--min-rating", "8.3"], "--min-rating"),
        (
            &["list", "--min-rating", "9", "--max-rating", "7"],
            "rating range",
        ),
        (&["add", "Other", "--status", "finished"], "status"),
        (&["add", "Other", "--kind", "opera"], "kind"),
        (&["rate", id, "11"], "rating"),
        (&["rate", id, "8.3"], "rating"),
        (&["rate", id, "-1"], "rating"),
        (&["rate", id, "101", "--scale", "100"], "rating"),
        (&["rate", id, "8", "--scale", "7"], "scale"),
        (&["set", id, "--started", "2023-02-30"], "2023-02-30"),
        (&["set", id, "--finished", "27/12/2023"], "date"),
        (&["rewatch", id, "--started", "2023-02-30"], "2023-02-30"),
        (
            &[
                "rewatch",
                id,
                "--started",
                "2024-03-05",
                "--finished",
                "2024-03-01",
            ],
            "before",
        ),
        (&["set", id, "--progress", "7"], "episodes"),
        (&["set", id, "--platform", "Nowhere+"], "platform"),
        (&["set", id, "--favorite", "maybe"], "favorite"),
        (&["set", id], "nothing to change"),
        (&["add", "Other", "--country", "Korea"], "country"),
        (&["add", "Other", "--platform", "Nowhere+"], "platform"),
        (
            &["add", "Other", "--poster-url", "javascript:alert(1)"],
            "poster",
        ),
        (&["add", "Other", "--year", "twenty"], "year"),
        (&["show", "999"], "no entry with id 999"),
        (
            &["set", "999", "--status", "watching"],
            "no entry with id 999",
        ),
        (&["rate", "999", "8"], "no entry with id 999"),
        (&["delete", "999"], "no entry with id 999"),
        (&["episode", "999"], "no entry with id 999"),
        (&["review", "999", "--text", "x"], "no entry with id 999"),
        (&["rewatch", "999"], "no entry with id 999"),
        (&["show", "abc"], "invalid value"),
        (&["review", id], "required"),
        (&["frobnicate"], "frobnicate"),
        (&["platform", "add", "netflix"], "already"),
        (&["platform", "remove", "999"], "no platform with id 999"),
        (&["settings", "--rating-scale", "7"], "scale"),
        (&["settings", "--default-platform", "Nowhere+"], "platform"),
    ];
    for (args, keyword) in cases {
        lib.refused(args, 2, keyword);
    }
    let e = lib.json(&["show", id]);
    assert_eq!(e["rating"], 70, "the rating survived every refused command");
    assert_eq!(e["status"], "plan_to_watch");
}

#[test]
fn json_errors_are_the_payload_on_stderr() {
    let lib = new_lib();
    soundtrack(&lib);
    lib.refused(&["show", "42", "--json"], 2, "no entry with id 42");
    let out = lib
        .cmd(&["set", "1", "--progress", "99", "--json"])
        .output()
        .unwrap();
    let payload = assert_json_error(
        &String::from_utf8_lossy(&out.stderr),
        "more than the 6 episodes",
        "set --progress 99 --json",
    );
    assert_eq!(payload["code"], "invalid_input");
    assert_eq!(payload["field"], "progress", "{payload}");
    // A usage error is the same shape, though the command line never parsed.
    let out = lib.cmd(&["set", "1", "--json", "--nope"]).output().unwrap();
    assert_eq!(out.status.code(), Some(2));
    let payload = assert_json_error(
        &String::from_utf8_lossy(&out.stderr),
        "--nope",
        "a usage error with --json",
    );
    assert_eq!(payload["code"], "usage");
}

#[test]
fn files_that_are_not_our_library_are_left_alone() {
    type MakeFile = fn(&Path);
    let cases: [(&str, MakeFile, &str); 3] = [
        (
            "newer",
            |p| strangers::newer_library(p, true),
            "newer version",
        ),
        ("random", |p| strangers::random_bytes(p, 12_000), "damaged"),
        ("foreign", strangers::foreign_database, "another program"),
    ];
    for (name, make, keyword) in cases {
        let lib = new_lib();
        make(lib.db());
        for args in [
            &["list"][..],
            &["show", "1"],
            &["add", "Soundtrack #2"],
            &["rate", "1", "8.5"],
            &["sample"],
            &["settings", "--theme", "dark"],
            &["list", "--json"],
        ] {
            lib.refused(args, 1, keyword);
        }
        let left: Vec<_> = std::fs::read_dir(lib.home())
            .unwrap()
            .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
            .collect();
        assert_eq!(
            left,
            vec!["watchlog.db"],
            "the {name} file should be alone in its folder"
        );
    }
}

#[test]
fn a_missing_library_is_only_created_by_commands_that_write() {
    let lib = new_lib();
    for args in [&["list"][..], &["show", "1"], &["stats"], &["doctor"]] {
        let out = lib.cmd(args).output().unwrap();
        assert_eq!(out.status.code(), Some(1), "{args:?} on a missing library");
        assert_one_line_error(
            &String::from_utf8_lossy(&out.stderr),
            "no library",
            &format!("{args:?}"),
        );
        assert!(!lib.db().exists(), "{args:?} created a library file");
    }
    // A refused first `add` leaves no empty library behind either.
    let out = lib
        .cmd(&["add", "X", "--platform", "Nowhere+"])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
    let left: Vec<_> = std::fs::read_dir(lib.home()).unwrap().collect();
    assert!(left.is_empty(), "a refused add left files: {left:?}");
    soundtrack(&lib);
    assert!(lib.db().exists());
}

#[test]
fn db_flag_beats_the_environment_which_beats_the_default() {
    let cli = new_lib();
    let bare = || cli.bare(&[]);
    let flag = cli.home().join("flag.db");
    let env = cli.home().join("env.db");
    let count = |path: &Path| -> usize {
        let out = bare()
            .args(["--db"])
            .arg(path)
            .args(["list", "--json"])
            .output()
            .unwrap();
        assert!(
            out.status.success(),
            "{}",
            String::from_utf8_lossy(&out.stderr)
        );
        serde_json::from_slice::<Vec<Value>>(&out.stdout)
            .unwrap()
            .len()
    };

    let ok = |c: &mut Command| {
        let out = c.output().unwrap();
        assert!(
            out.status.success(),
            "{}",
            String::from_utf8_lossy(&out.stderr)
        );
    };
    ok(bare()
        .env("WATCHLOG_DB", &env)
        .arg("--db")
        .arg(&flag)
        .args(["add", "From the flag"]));
    assert!(
        flag.exists() && !env.exists(),
        "--db should win over WATCHLOG_DB"
    );

    ok(bare()
        .env("WATCHLOG_DB", &env)
        .args(["add", "From the environment"]));
    assert_eq!(count(&env), 1, "WATCHLOG_DB should be used without --db");
    assert_eq!(count(&flag), 1, "the flag's library got nothing more");

    let doctor: Value = serde_json::from_slice(
        &bare()
            .env("WATCHLOG_DB", &env)
            .args(["doctor", "--json"])
            .output()
            .unwrap()
            .stdout,
    )
    .unwrap();
    assert_eq!(doctor["path"], env.display().to_string());

    // With neither, the app's library in the data folder (XDG on Linux).
    if cfg!(target_os = "linux") {
        ok(bare()
            .env("WATCHLOG_DB", "")
            .args(["add", "From the default"]));
        let default = cli
            .home()
            .join("data")
            .join("app.watchlog.desktop")
            .join("watchlog.db");
        assert!(
            default.exists(),
            "an empty WATCHLOG_DB should fall back to {}",
            default.display()
        );
    }
}

#[test]
fn doctor_reports_the_library() {
    let lib = new_lib();
    lib.ok(&["sample"]);
    let d = lib.json(&["doctor"]);
    assert_eq!(d["path"], lib.db().display().to_string());
    assert_eq!(d["schema_version"], 14);
    assert_eq!(d["supported_version"], 14);
    assert_eq!(d["integrity"], serde_json::json!(["ok"]));
    assert_eq!(d["entries"], 14);
    assert_eq!(
        d["size_bytes"].as_u64(),
        Some(std::fs::metadata(lib.db()).unwrap().len()),
        "size_bytes should be the file's size"
    );
    let human = lib.ok(&["doctor"]);
    assert!(human.contains("Integrity  ok"), "{human}");
}

#[test]
fn set_clears_with_empty_values() {
    let lib = new_lib();
    let id = soundtrack(&lib);
    let id = id.as_str();
    let e = lib.json(&[
        "set",
        id,
        "--tags",
        "music, short",
        "--favorite",
        "true",
        "--notes",
        "headphones",
        "--started",
        "2023-12-20",
    ]);
    assert_eq!(e["tags"], serde_json::json!(["music", "short"]));
    assert_eq!(
        (&e["favorite"], &e["notes"]),
        (&Value::from(true), &Value::from("headphones"))
    );
    let e = lib.json(&[
        "set",
        id,
        "--tags",
        "",
        "--platform",
        "",
        "--started",
        "",
        "--notes",
        "",
        "--favorite",
        "false",
    ]);
    assert_eq!(
        e["tags"],
        serde_json::json!([]),
        "--tags \"\" clears the tags"
    );
    assert_eq!(e["platform"], Value::Null, "--platform \"\" clears it");
    assert_eq!(e["started_on"], Value::Null, "--started \"\" clears it");
    assert_eq!(e["notes"], Value::Null);
    assert_eq!(e["favorite"], false);
}

#[test]
fn ratings_follow_the_scale() {
    let lib = new_lib();
    let id = soundtrack(&lib);
    let id = id.as_str();
    assert_eq!(
        lib.json(&["rate", id, "85", "--scale", "100"])["rating"],
        85
    );
    assert_eq!(lib.json(&["rate", id, "none"])["rating"], Value::Null);
    let s = lib.json(&["settings", "--rating-scale", "5"]);
    assert_eq!(s["rating_scale"], "5");
    assert_eq!(
        lib.json(&["rate", id, "4.5"])["rating"],
        90,
        "4.5 stars is 90 once the scale is 5"
    );
    lib.refused(&["rate", id, "6"], 2, "5-star");
    let list = lib.ok(&["list"]);
    assert!(
        list.lines().next().unwrap().contains("/5") && list.contains("4.5"),
        "the list shows ratings in stars:\n{list}"
    );
    // `list` takes its rating range in the same scale.
    assert_eq!(
        lib.json(&["list", "--min-rating", "4.5"])
            .as_array()
            .unwrap()
            .len(),
        1
    );
    assert_eq!(
        lib.json(&["list", "--max-rating", "4"])
            .as_array()
            .unwrap()
            .len(),
        0
    );
}

#[test]
fn review_from_stdin_and_file() {
    let lib = new_lib();
    let id = soundtrack(&lib);
    let out = lib
        .cmd(&["review", &id, "-", "--json"])
        .write_stdin("From **stdin**.\n")
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let e: Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(e["review"], "From **stdin**.");
    assert_eq!(e["review_spoiler"], false);

    let file = lib.home().join("review.md");
    std::fs::write(&file, "From a file.\n").unwrap();
    let e = lib.json(&["review", &id, "--file", file.to_str().unwrap()]);
    assert_eq!(e["review"], "From a file.");
    lib.refused(
        &["review", &id, "--file", "/no/such/review.md"],
        2,
        "cannot read",
    );
    assert_eq!(
        lib.json(&["review", &id, "--text", ""])["review"],
        Value::Null
    );
}

#[test]
fn episodes_delete_and_platforms() {
    let lib = new_lib();
    let id = soundtrack(&lib);
    let e = lib.json(&["episode", &id]);
    assert_eq!(
        (&e["progress"], &e["status"]),
        (&Value::from(1), &Value::from("watching"))
    );

    let p = lib.json(&["platform", "add", "Laftel", "--subscribed"]);
    assert_eq!(
        (&p["name"], &p["subscribed"]),
        (&Value::from("Laftel"), &Value::from(true))
    );
    let pid = p["id"].to_string();
    let p = lib.json(&[
        "platform",
        "set",
        &pid,
        "--name",
        "Laftel+",
        "--subscribed",
        "false",
    ]);
    assert_eq!(
        (&p["name"], &p["subscribed"]),
        (&Value::from("Laftel+"), &Value::from(false))
    );
    let all = lib.json(&["platform", "list"]);
    assert!(all
        .as_array()
        .unwrap()
        .iter()
        .any(|q| q["name"] == "Laftel+"));
    lib.ok(&["platform", "remove", &pid]);
    let all = lib.json(&["platform", "list"]);
    assert!(!all
        .as_array()
        .unwrap()
        .iter()
        .any(|q| q["name"] == "Laftel+"));

    assert_eq!(lib.json(&["delete", &id])["deleted"].to_string(), id);
    lib.refused(&["show", &id], 2, "no entry");
}

#[test]
fn the_list_table_aligns_hangul() {
    let lib = new_lib();
    lib.ok(&["sample"]);
    let table = lib.ok(&["list", "--sort", "title"]);
    let lines: Vec<&str> = table.lines().collect();
    assert_eq!(lines.len(), 15, "a header and 14 rows:\n{table}");
    // Every row's year column starts at the same display column as the
    // header's YEAR, whatever script the title is in.
    let year_col = lines[0][..lines[0].find("YEAR").unwrap()].width();
    for l in &lines[1..] {
        let at = l.find(" 20").or_else(|| l.find(" 19")).unwrap() + 1;
        assert_eq!(
            l[..at].width(),
            year_col,
            "the year is out of line in:\n{table}"
        );
    }
    assert!(
        lines.iter().all(|l| l == &l.trim_end()),
        "no trailing blanks:\n{table}"
    );
}

/// `doctor` on a library SQLite cannot read moves it aside with its side
/// files and names the newest backup that passes its checks, with the
/// command that restores it; the restore then works (it used to be refused
/// as "busy" because of the damaged file's `-wal`).
#[test]
fn doctor_moves_a_damaged_library_aside_and_offers_the_newest_good_backup() {
    let lib = new_lib();
    soundtrack(&lib);
    let out = lib.cmd(&["backup"]).output().unwrap();
    assert!(out.status.success());
    // A newer backup that is itself damaged is passed over.
    let backups = lib.home().join("backups");
    let good: Vec<_> = std::fs::read_dir(&backups)
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .collect();
    assert_eq!(good.len(), 1, "{good:?}");
    strangers::random_bytes(&backups.join("watchlog-29991231-235959.db"), 12_000);

    strangers::random_bytes(lib.db(), 12_000);
    std::fs::write(lib.home().join("watchlog.db-wal"), b"left by a crash").unwrap();
    let out = lib.cmd(&["doctor"]).output().unwrap();
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(1), "{stderr}");
    assert_one_line_error(&stderr, "moved aside to", "doctor on a damaged library");
    assert!(
        stderr.contains(&format!(
            "watchlog restore {}",
            backups.join(&good[0]).display()
        )),
        "the good backup is offered: {stderr}"
    );
    let mut left: Vec<String> = std::fs::read_dir(lib.home())
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .filter(|n| n != "backups")
        .collect();
    left.sort();
    assert!(
        left.iter().all(|n| n.starts_with("watchlog.db.damaged-"))
            && left.iter().any(|n| n.ends_with("-wal")),
        "the damaged file moved with its side files, nothing left in its place: {left:?}"
    );

    let backup = backups.join(&good[0]);
    let out = lib
        .cmd(&["restore", backup.to_str().unwrap()])
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let out = lib.cmd(&["list", "--json"]).output().unwrap();
    assert!(String::from_utf8_lossy(&out.stdout).contains("Soundtrack #2"));
}

/// What the .deb installs beside the app: completions and man pages made
/// from the same definition as the parser, so they name every command. A
/// completion needs no library, and neither makes one.
#[test]
fn completions_and_man_pages_name_every_command() {
    let lib = new_lib();
    for shell in ["bash", "zsh", "fish", "elvish", "powershell"] {
        let script = lib.ok(&["completions", shell]);
        for command in [
            "import",
            "export",
            "lists",
            "next",
            "calendar",
            "serve-webhooks",
        ] {
            assert!(
                script.contains(command),
                "the {shell} completion should offer `{command}`"
            );
        }
    }
    assert!(!lib.db().exists(), "completions made a library file");

    let (code, _, err) = lib.run(&["completions", "tcsh"]);
    assert_eq!(code, 2, "an unknown shell is bad input");
    assert_one_line_error(&err, "tcsh", "completions tcsh");

    let man = lib.home().join("man");
    lib.ok(&["dev", "man", "--out", man.to_str().unwrap()]);
    let page = std::fs::read_to_string(man.join("watchlog.1")).unwrap();
    assert!(
        page.contains(".TH watchlog 1"),
        "not a man page: {page:.200}"
    );
    let import = std::fs::read_to_string(man.join("watchlog-import.1")).unwrap();
    assert!(
        import.contains("\\-\\-apply"),
        "watchlog-import.1 lacks --apply"
    );
}
