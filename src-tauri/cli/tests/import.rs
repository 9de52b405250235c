//! `watchlog import` as a user runs it: the plan by default, `--apply`,
//! `--json`, `--prefer`, `import undo`, every real export sample, bad files
//! refused with the library file unchanged, and the process killed with
//! SIGKILL in the middle of a big import leaving the library exactly as it
//! was.

use std::io::{BufRead, BufReader};
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};

use watchlog_testkit::{fixtures, Cli};

/// The export fixture `rel`, or `None` when it is missing (see
/// `fixtures::path`).
fn exports(rel: &str) -> Option<PathBuf> {
    fixtures::path(&format!("exports/{rel}"))
}

fn new_lib() -> Cli {
    Cli::new(env!("CARGO_BIN_EXE_watchlog"))
}

fn p(path: &Path) -> &str {
    path.to_str().unwrap()
}

#[test]
fn plan_then_apply_then_nothing_left_to_do() {
    let Some(dir) = exports("letterboxd") else {
        return;
    };
    let l = new_lib();
    l.ok(&["sample"]);
    let before = l.hash();
    let plan = l.ok(&["import", "letterboxd", p(&dir)]);
    assert!(plan.contains("nothing changed yet"), "{plan}");
    assert!(plan.contains("add       Filipiñana"), "{plan}");
    assert!(
        plan.contains("Conflicts: ratings: the more recent one wins"),
        "{plan}"
    );
    assert_eq!(before, l.hash(), "the plan changed the library");
    let r = l.json(&["import", "auto", p(&dir), "--apply"]);
    assert_eq!(r["applied"], true);
    assert_eq!(r["format"], "letterboxd");
    let added = r["added"].as_u64().unwrap();
    assert!(added >= 8, "{r}");
    assert!(r["backup"].as_str().unwrap().starts_with("watchlog-"));
    let again = l.json(&["import", "letterboxd", p(&dir), "--apply"]);
    assert_eq!(
        (again["added"].as_u64(), again["updated"].as_u64()),
        (Some(0), Some(0)),
        "{again}"
    );
    assert!(
        again["backup"].is_null(),
        "no backup is kept for an import that changed nothing"
    );
    let list = l.json(&["list", "--search", "Filipiñana"]);
    assert_eq!(list.as_array().unwrap().len(), 1);
}

#[test]
fn tvtime_export_plan_then_apply_then_nothing_left_to_do() {
    let Some(dir) = exports("tvtime/tvtime_gdpr_2024_samindika97") else {
        return;
    };
    let l = new_lib();
    l.ok(&["sample"]);
    let before = l.hash();
    let plan = l.json(&["import", "tvtime", p(&dir)]);
    assert_eq!(plan["applied"], false);
    assert_eq!(plan["format"], "tvtime");
    assert_eq!(plan["added"], 294, "66 shows and 228 films");
    assert_eq!(plan["episodes"], 1101);
    let notes = plan["notes"].to_string();
    assert!(notes.contains("UTC−03:00"), "{notes}");
    assert_eq!(l.hash(), before, "a plan changes nothing");
    let text = l.ok(&["import", "tv-time", p(&dir)]);
    assert!(text.contains("Plan for the tvtime export"), "{text}");
    assert!(text.contains("add       Breaking Bad"), "{text}");
    let r = l.json(&["import", "auto", p(&dir), "--apply"]);
    assert_eq!(
        (r["applied"].clone(), r["added"].clone()),
        (true.into(), 294.into())
    );
    let again = l.json(&["import", "tvtime", p(&dir), "--apply"]);
    assert_eq!(
        (again["added"].clone(), again["updated"].clone()),
        (0.into(), 0.into())
    );
    assert_eq!(again["episodes"], 0, "{again}");
    let list = l.json(&["list", "--search", "Breaking Bad"]);
    assert_eq!(list[0]["progress"], 62, "{list}");
    // The old export: shows by TVDB id, and what could not be imported said.
    let Some(old) = exports("tvtime/tvtime_gdpr_2020_arlessweschler") else {
        return;
    };
    // 22 of its 194 shows are already in the library by their TVDB ids,
    // and are merged into those entries rather than added as "TVDB <id>".
    let r = l.json(&["import", "tvtime", p(&old)]);
    assert_eq!(r["added"], 172, "{r}");
    let matched = r["updated"].as_u64().unwrap() + r["unchanged"].as_u64().unwrap();
    assert_eq!(matched, 22, "{r}");
    assert!(
        r["notes"].to_string().contains("7723 watched episodes"),
        "{}",
        r["notes"]
    );
}

#[test]
fn every_sample_imports_and_undo_puts_the_library_back() {
    let l = new_lib();
    l.ok(&["sample"]);
    let list_before = l.json(&["list"]);
    let mut n = 0;
    for (format, rel) in [
        ("letterboxd", "letterboxd"),
        ("trakt", "trakt/export"),
        ("trakt", "trakt/api"),
        ("imdb", "imdb/imdb_list_export.csv"),
        ("tmdb", "tmdb"),
    ] {
        let Some(path) = exports(rel) else { return };
        let r = l.json(&[
            "import",
            format,
            p(&path),
            "--apply",
            "--prefer",
            "existing",
        ]);
        assert_eq!(r["applied"], true, "{format}: {r}");
        n += 1;
    }
    assert_eq!(n, 5);
    let list_after = l.json(&["list"]);
    assert!(list_after.as_array().unwrap().len() > list_before.as_array().unwrap().len());
    // Undo steps back one import at a time.
    for _ in 0..5 {
        let out = l.ok(&["import", "undo"]);
        assert!(out.contains("Undid the last import"), "{out}");
    }
    assert_eq!(
        l.json(&["list"]),
        list_before,
        "five undos give back the library from before"
    );
    let (code, _, err) = l.run(&["import", "undo"]);
    assert_eq!(code, 2);
    assert!(err.contains("no import to undo"), "{err}");
}

#[test]
fn bad_files_and_flags_are_refused_and_the_library_unchanged() {
    let l = new_lib();
    l.ok(&["sample"]);
    let before = l.hash();
    let bad = l.sandbox.file("ratings.csv");
    std::fs::write(
        &bad,
        "Date,Name,Year,Letterboxd URI,Rating\n2024-01-01,\"Broken,2020,x,3\n",
    )
    .unwrap();
    let (code, out, err) = l.run(&["import", "letterboxd", p(&bad), "--apply"]);
    assert_eq!(code, 2, "{out}{err}");
    assert!(
        err.starts_with("watchlog: ratings.csv, line 2, column 12"),
        "{err}"
    );
    assert_eq!(err.lines().count(), 1);
    let (code, _, err) = l.run(&["import", "myspace", p(&bad)]);
    assert_eq!(code, 2);
    assert!(err.contains("not an import format"), "{err}");
    let (code, _, err) = l.run(&["import", "letterboxd", p(&bad), "--prefer", "loudest"]);
    assert_eq!(code, 2);
    assert!(err.contains("not a conflict choice"), "{err}");
    let (code, _, err) = l.run(&["import", "trakt", p(&l.sandbox.file("missing.json"))]);
    assert_ne!(code, 0);
    assert!(err.contains("missing.json"), "{err}");
    assert_eq!(before, l.hash());
}

/// Kills `watchlog import --apply` with SIGKILL while its transaction is
/// running (it has printed a progress line) and checks the library file is
/// byte-for-byte what it was, and reads back the same.
#[cfg(unix)]
#[test]
fn sigkill_in_the_middle_of_a_big_import_leaves_the_library_as_it_was() {
    let l = new_lib();
    l.ok(&["sample"]);
    let list_before = l.json(&["list"]);
    let before = l.hash();
    // 40 000 films: long enough to be caught in the middle.
    let big = l.sandbox.file("ratings.csv");
    let mut text = String::from("Date,Name,Year,Letterboxd URI,Rating\n");
    for i in 0..40_000 {
        text.push_str(&format!(
            "2024-01-01,Film number {i},{},https://boxd.it/{i},{}\n",
            1950 + i % 70,
            0.5 + (i % 10) as f64 / 2.0
        ));
    }
    std::fs::write(&big, text).unwrap();
    let mut child = l
        .command(&["import", "letterboxd", p(&big), "--apply"])
        .stdout(Stdio::null())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let stderr = child.stderr.take().unwrap();
    let mut lines = BufReader::new(stderr).lines();
    // The second progress line: well inside the transaction.
    let mut seen = 0;
    for line in lines.by_ref() {
        let line = line.unwrap();
        if line.starts_with("importing: ") {
            seen += 1;
            if seen == 2 {
                break;
            }
        }
    }
    assert_eq!(seen, 2, "the import never reported progress");
    let killed = Command::new("kill")
        .args(["-KILL", &child.id().to_string()])
        .status()
        .unwrap();
    assert!(killed.success());
    let status = child.wait().unwrap();
    assert!(
        !status.success(),
        "the import finished before it was killed"
    );
    assert_eq!(before, l.hash(), "the library file changed");
    assert_eq!(
        l.json(&["list"]),
        list_before,
        "the library reads back differently"
    );
    let (code, _, err) = l.run(&["import", "undo"]);
    assert_eq!(code, 2, "a killed import is not recorded for undo: {err}");
}

#[test]
fn netflix_refuses_several_profiles_with_their_names_then_reads_one() {
    let Some(file) = exports("netflix/ViewingActivity_GT_es_4profiles_NorthDataScience.csv") else {
        return;
    };
    let l = new_lib();
    l.ok(&["sample"]);
    let e = l.refused(&["import", "netflix", p(&file)], 2, "--profile");
    assert!(
        e.contains("4 profiles: Abuelos, herbert, Kids, Sheily"),
        "{e}"
    );
    let e = l.refused(&["import", "auto", p(&file), "--json"], 2, "profile");
    let payload: serde_json::Value = serde_json::from_str(e.trim()).unwrap();
    assert_eq!(payload["code"], "needs_choice");
    assert_eq!(payload["field"], "profile");
    assert_eq!(payload["choices"].as_array().unwrap().len(), 4);
    l.refused(
        &["import", "netflix", p(&file), "--date-order", "ydm"],
        2,
        "date order",
    );
    let plan = l.ok(&["import", "netflix", p(&file), "--profile", "Abuelos"]);
    assert!(plan.contains("nothing changed yet"), "{plan}");
    assert!(plan.contains("add       La Reina del Sur"), "{plan}");
    assert!(plan.contains("episodes watched"), "{plan}");
    assert!(plan.contains("profile 'Abuelos'"), "{plan}");
    let r = l.json(&[
        "import",
        "netflix",
        p(&file),
        "--profile",
        "abuelos",
        "--apply",
    ]);
    assert_eq!(r["format"], "netflix");
    assert!(r["episodes"].as_u64().unwrap() > 50, "{r}");
    let again = l.json(&[
        "import",
        "netflix",
        p(&file),
        "--profile",
        "Abuelos",
        "--apply",
    ]);
    assert_eq!(
        (
            again["added"].as_u64(),
            again["updated"].as_u64(),
            again["episodes"].as_u64()
        ),
        (Some(0), Some(0), Some(0)),
        "{again}"
    );
    let list = l.json(&["list", "--search", "La Reina del Sur"]);
    assert_eq!(list.as_array().unwrap().len(), 1, "{list}");
}

#[test]
fn netflix_history_needs_the_date_order_only_when_the_file_cannot_tell() {
    let l = new_lib();
    let file = l.sandbox.file("NetflixViewingHistory.csv");
    std::fs::write(
        &file,
        "Title,Date\n\"Dark: Temporada 1: Secretos\",\"03/04/20\"\n\"Roma\",\"01/02/20\"\n",
    )
    .unwrap();
    l.refused(&["import", "auto", p(&file)], 2, "--date-order");
    let r = l.json(&[
        "import",
        "netflix",
        p(&file),
        "--date-order",
        "dmy",
        "--apply",
    ]);
    assert_eq!(r["added"], 2, "{r}");
    let roma = l.json(&["list", "--search", "Roma"]);
    assert_eq!(roma[0]["finished_on"], "2020-02-01", "{roma}");
}
