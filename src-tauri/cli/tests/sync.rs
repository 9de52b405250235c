//! `watchlog sync` on real library files and a real folder: two libraries
//! linked through one folder end up the same, with the JSON keys scripts
//! rely on; bad input is refused with one clear line.

use watchlog_testkit::Cli;

fn cli() -> Cli {
    Cli::new(env!("CARGO_BIN_EXE_watchlog"))
}

#[test]
fn two_libraries_linked_through_a_folder_hold_the_same_entries() {
    let folder = tempfile::tempdir().unwrap();
    let dir = folder.path().to_str().unwrap();
    let laptop = cli();
    laptop.ok(&["sample"]);
    let linked = laptop.json(&["sync", "init", dir, "--device", "laptop"]);
    assert_eq!(linked["linked"], true);
    assert_eq!(linked["device"]["name"], "laptop");
    assert_eq!(linked["folder"], dir);
    // A new computer: `sync init` makes its library.
    let desktop = cli();
    desktop.ok(&["sync", "init", dir, "--device", "desktop"]);

    let first = laptop.json(&["sync", "now"]);
    assert_eq!(first["written"], 1);
    assert!(first["rows_out"].as_u64().unwrap() > 0);
    let got = desktop.json(&["sync", "now"]);
    assert_eq!(got["files_in"], 1);
    assert_eq!(got["problems"], serde_json::json!([]));
    let names = |c: &Cli| -> Vec<String> {
        let mut v: Vec<String> = c
            .json(&["list"])
            .as_array()
            .unwrap()
            .iter()
            .map(|r| r["name"].as_str().unwrap().to_string())
            .collect();
        v.sort();
        v
    };
    assert_eq!(names(&laptop), names(&desktop));

    // A rating on the desktop reaches the laptop.
    let first_row = &desktop.json(&["list"])[0];
    let id = first_row["id"].as_i64().unwrap().to_string();
    let name = first_row["name"].as_str().unwrap().to_string();
    desktop.ok(&["rate", &id, "7"]);
    desktop.ok(&["sync", "now"]);
    let report = laptop.json(&["sync", "now"]);
    assert!(report["files_in"].as_u64().unwrap() >= 1, "{report}");
    let there = laptop.json(&["list"]);
    let row = there
        .as_array()
        .unwrap()
        .iter()
        .find(|r| r["name"] == name.as_str())
        .unwrap();
    assert_eq!(row["rating"], 70, "{row}");

    let status = laptop.json(&["sync", "status"]);
    for key in [
        "linked",
        "folder",
        "device",
        "devices",
        "pending",
        "decisions",
    ] {
        assert!(status.get(key).is_some(), "status has {key}: {status}");
    }
    let other = &status["devices"][0];
    assert_eq!(other["name"], "desktop");
    for key in ["id", "name", "files", "last_change", "problem"] {
        assert!(other.get(key).is_some(), "a device has {key}: {other}");
    }
    assert!(laptop.ok(&["sync", "status"]).contains("desktop: "));
}

#[test]
fn sync_before_linking_or_to_a_file_is_refused_in_words() {
    let lib = cli();
    lib.ok(&["sample"]);
    lib.refused(&["sync", "now"], 2, "not linked to a sync folder");
    assert_eq!(lib.json(&["sync", "status"])["linked"], false);
    let file = tempfile::NamedTempFile::new().unwrap();
    lib.refused(
        &["sync", "init", file.path().to_str().unwrap()],
        2,
        "is a file; give a folder",
    );
    let dir = tempfile::tempdir().unwrap();
    lib.refused(
        &[
            "sync",
            "init",
            dir.path().to_str().unwrap(),
            "--device",
            " ",
        ],
        2,
        "the device name is empty",
    );
}
