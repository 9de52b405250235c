//! A disk that fills up while Watchlog writes: an import, an export and a
//! backup on a small tmpfs. Each says the disk is full, leaves the library
//! as it was and leaves no partial file behind. Mounting needs root (CI and
//! the development machines run as root); elsewhere the test says it did
//! not run.

use std::path::{Path, PathBuf};
use std::process::{Command, Output};

use tempfile::TempDir;
use watchlog_testkit::{fixtures, Reply, Server};

/// A size-limited tmpfs mounted on a temporary folder for one test.
struct SmallDisk {
    dir: TempDir,
}

impl SmallDisk {
    fn mount(size: &str) -> Option<SmallDisk> {
        let uid = Command::new("id").arg("-u").output().ok()?;
        if String::from_utf8_lossy(&uid.stdout).trim() != "0" {
            eprintln!("not run: mounting a small tmpfs needs root");
            return None;
        }
        let dir = tempfile::tempdir().unwrap();
        let ok = Command::new("mount")
            .args(["-t", "tmpfs", "-o", &format!("size={size}"), "tmpfs"])
            .arg(dir.path())
            .status()
            .unwrap()
            .success();
        assert!(ok, "as root, a tmpfs of {size} mounts");
        Some(SmallDisk { dir })
    }

    fn path(&self, name: &str) -> PathBuf {
        self.dir.path().join(name)
    }

    fn files(&self) -> Vec<String> {
        let mut names: Vec<String> = std::fs::read_dir(self.dir.path())
            .unwrap()
            .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
            .collect();
        names.sort();
        names
    }
}

impl Drop for SmallDisk {
    fn drop(&mut self) {
        let _ = Command::new("umount").arg(self.dir.path()).status();
    }
}

fn watchlog(db: &Path, args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_watchlog"))
        .env_remove("WATCHLOG_DB")
        .arg("--db")
        .arg(db)
        .args(args)
        .output()
        .unwrap()
}

fn ok(db: &Path, args: &[&str]) -> String {
    let out = watchlog(db, args);
    assert!(
        out.status.success(),
        "`watchlog {}` failed: {}",
        args.join(" "),
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8(out.stdout).unwrap()
}

/// Fails with exit status 1 and ends with one line that says the disk is
/// full (an import prints its progress lines before it).
fn disk_full(db: &Path, args: &[&str]) {
    let out = watchlog(db, args);
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert_eq!(
        out.status.code(),
        Some(1),
        "`watchlog {}`: {stderr}",
        args.join(" ")
    );
    let last = stderr.lines().last().unwrap_or_default();
    assert!(
        last.starts_with("watchlog: ")
            && last.contains("disk is full")
            && !last.contains("database error"),
        "`watchlog {}` says the disk is full: {stderr}",
        args.join(" ")
    );
}

fn films_csv(dir: &Path, count: usize) -> PathBuf {
    let path = dir.join("ratings.csv");
    let mut text = String::from("Date,Name,Year,Letterboxd URI,Rating\n");
    for i in 0..count {
        text.push_str(&format!(
            "2024-01-01,A film with a rather long name to fill pages {i},{},https://boxd.it/{i},{}\n",
            1950 + i % 70,
            0.5 + (i % 10) as f64 / 2.0
        ));
    }
    std::fs::write(&path, text).unwrap();
    path
}

#[test]
fn a_full_disk_is_said_in_words_and_loses_nothing() {
    let Some(disk) = SmallDisk::mount("3m") else {
        return;
    };
    let db = disk.path("watchlog.db");
    ok(&db, &["sample"]);
    let before = ok(&db, &["list", "--json"]);

    // An import far larger than the disk: its transaction is rolled back.
    let elsewhere = tempfile::tempdir().unwrap();
    let big = films_csv(elsewhere.path(), 30_000);
    disk_full(
        &db,
        &["import", "letterboxd", big.to_str().unwrap(), "--apply"],
    );
    assert_eq!(
        ok(&db, &["list", "--json"]),
        before,
        "the library is as it was"
    );
    assert!(ok(&db, &["doctor"]).contains("ok"));

    // The library's own disk already full when it is opened (SQLite says
    // "disk I/O error" as it creates the `-wal` and `-shm` files).
    let fill = disk.path("filler");
    std::fs::write(&fill, vec![0u8; fs_free(disk.dir.path()) as usize]).unwrap();
    disk_full(&db, &["add", "One more"]);
    std::fs::remove_file(&fill).unwrap();
    assert_eq!(
        ok(&db, &["list", "--json"]),
        before,
        "the library is as it was"
    );

    // An export and a backup onto another disk, already nearly full (a
    // USB stick, a share): the library's own disk is not the one full here.
    let stick = SmallDisk::mount("256k").unwrap();
    let filler = stick.path("filler");
    let free = fs_free(stick.dir.path());
    std::fs::write(&filler, vec![0u8; free.saturating_sub(8 * 1024) as usize]).unwrap();
    let files_before = stick.files();
    let out = stick.path("export.json");
    disk_full(
        &db,
        &["export", "watchlog-json", "--out", out.to_str().unwrap()],
    );
    let copy = stick.path("copy.db");
    disk_full(&db, &["backup", copy.to_str().unwrap()]);
    assert_eq!(
        stick.files(),
        files_before,
        "no partial file is left behind"
    );
    assert_eq!(
        ok(&db, &["list", "--json"]),
        before,
        "the library is as it was"
    );
}

/// Free bytes on the filesystem holding `dir`, from `df`.
fn fs_free(dir: &Path) -> u64 {
    let out = Command::new("df")
        .args(["--output=avail", "-B1"])
        .arg(dir)
        .output()
        .unwrap();
    String::from_utf8_lossy(&out.stdout)
        .lines()
        .nth(1)
        .and_then(|l| l.trim().parse().ok())
        .expect("df prints the free bytes")
}

/// Posters cached onto a disk that fills up: the run stops with one line
/// that says the disk is full, the posters cached before it stay cached and
/// recorded, and no partial file is left in the cache folder.
#[test]
fn posters_cached_onto_a_full_disk_stop_in_words_and_keep_the_rest() {
    let names = [
        "caligari.png",
        "der-golem.png",
        "faust.png",
        "metropolis.png",
        "grandmas-boy.png",
        "just-suppose.png",
        "blondes-by-choice.png",
        "for-heavens-sake.png",
    ];
    let Some(posters) = names
        .iter()
        .map(|n| fixtures::read(&format!("images/posters/public_domain_vintage/{n}")))
        .collect::<Option<Vec<Vec<u8>>>>()
    else {
        return;
    };
    let Some(disk) = SmallDisk::mount("512k") else {
        return;
    };
    let server = Server::start(move |req| {
        let i: usize = req.path.trim_start_matches("/p").parse().unwrap_or(99);
        match posters.get(i) {
            Some(body) => Reply::new(200, "image/png", body.clone()),
            None => Reply::new(404, "text/plain", ""),
        }
    });
    let home = tempfile::tempdir().unwrap();
    let db = home.path().join("watchlog.db");
    let run = |args: &[&str]| {
        Command::new(env!("CARGO_BIN_EXE_watchlog"))
            .env_remove("WATCHLOG_DB")
            .env("XDG_CACHE_HOME", disk.path("cache"))
            .env("WATCHLOG_ALLOW_HOSTS", "127.0.0.1")
            .arg("--db")
            .arg(&db)
            .args(args)
            .output()
            .unwrap()
    };
    for i in 0..names.len() {
        let url = server.url(&format!("/p{i}"));
        assert!(run(&["add", &format!("Film {i}"), "--poster-url", &url])
            .status
            .success());
    }
    // Room for a few posters' thumbnails, not for all of them.
    let free = fs_free(disk.dir.path());
    std::fs::write(
        disk.path("filler"),
        vec![0u8; free.saturating_sub(200 * 1024) as usize],
    )
    .unwrap();

    let out = run(&["posters", "fetch", "--missing"]);
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(1), "{stderr}");
    let last = stderr.lines().last().unwrap_or_default();
    assert!(
        last.starts_with("watchlog: ") && last.contains("disk is full"),
        "says the disk is full: {stderr}"
    );

    let folder = std::fs::read_dir(disk.path("cache/app.watchlog.desktop/posters"))
        .unwrap()
        .flatten()
        .next()
        .expect("the library's poster folder")
        .path();
    let files: Vec<String> = std::fs::read_dir(&folder)
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .collect();
    assert!(
        files
            .iter()
            .all(|f| f.ends_with(".webp") && !f.starts_with('.')),
        "no partial file is left: {files:?}"
    );
    let status = run(&["posters", "status", "--json"]);
    let status: serde_json::Value = serde_json::from_slice(&status.stdout).unwrap();
    let cached = status["cached"].as_u64().unwrap();
    assert!(
        cached >= 1 && (cached as usize) < names.len(),
        "some posters were cached before the disk filled: {status}"
    );
    assert_eq!(
        files.len() as u64,
        cached * 2,
        "every cached poster is recorded, and only those: {files:?}"
    );
    assert!(run(&["doctor"]).status.success());
}

/// A sync folder on a disk that fills up while this device's change file
/// is written: `sync now` says so in words naming the folder, leaves no
/// partial or temporary file there, and records nothing as written, so the
/// edits go out in the next file once there is room and another device
/// gets them.
#[test]
fn a_change_file_onto_a_full_disk_is_said_in_words_and_goes_out_later() {
    let Some(disk) = SmallDisk::mount("2m") else {
        return;
    };
    let home = tempfile::tempdir().unwrap();
    let laptop = home.path().join("laptop.db");
    let desktop = home.path().join("desktop.db");
    let folder = disk.path("sync");
    let folder_arg = folder.to_str().unwrap();
    ok(&laptop, &["sample"]);
    ok(&laptop, &["sync", "init", folder_arg, "--device", "laptop"]);
    ok(&laptop, &["sync", "now"]);
    ok(
        &desktop,
        &["sync", "init", folder_arg, "--device", "desktop"],
    );
    let status = |db: &Path| -> serde_json::Value {
        serde_json::from_str(&ok(db, &["sync", "status", "--json"])).unwrap()
    };
    let id = status(&laptop)["device"]["id"]
        .as_str()
        .unwrap()
        .to_string();
    let own = |disk: &SmallDisk| -> Vec<String> {
        let mut names: Vec<String> = std::fs::read_dir(disk.path("sync").join(&id))
            .unwrap()
            .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
            .collect();
        names.sort();
        names
    };
    assert_eq!(own(&disk), ["0000000001.wlsync"]);

    // Edits made offline: 300 films, a change file of some hundreds of KB.
    let films = films_csv(home.path(), 300);
    ok(
        &laptop,
        &["import", "letterboxd", films.to_str().unwrap(), "--apply"],
    );
    let pending = status(&laptop)["pending"].as_u64().unwrap();
    assert!(pending >= 300, "{pending} changed rows wait to be written");
    let library = ok(&laptop, &["list", "--json"]);

    // The folder's disk with 16 KiB left.
    let filler = disk.path("filler");
    let free = fs_free(disk.dir.path());
    std::fs::write(&filler, vec![0u8; free.saturating_sub(16 * 1024) as usize]).unwrap();
    let out = watchlog(&laptop, &["sync", "now"]);
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(1), "{stderr}");
    let last = stderr.lines().last().unwrap_or_default();
    assert!(
        last.starts_with("watchlog: the disk holding the sync folder ")
            && last.contains(folder_arg)
            && last.contains("is full")
            && last.contains("go out with the next sync"),
        "says the sync folder's disk is full, in words: {stderr}"
    );
    let out = watchlog(&laptop, &["sync", "now", "--json"]);
    let payload: serde_json::Value = serde_json::from_slice(&out.stderr).unwrap();
    assert_eq!(payload["code"], "disk_full", "{payload}");

    // Nothing partial, nothing temporary, nothing counted as written.
    assert_eq!(own(&disk), ["0000000001.wlsync"], "no partial file is left");
    let after = status(&laptop);
    assert_eq!(after["device"]["files"], 1, "{after}");
    assert_eq!(after["pending"].as_u64(), Some(pending), "{after}");
    assert_eq!(ok(&laptop, &["list", "--json"]), library);
    assert!(ok(&laptop, &["doctor"]).contains("ok"));

    // Room again: the same edits go out as the next number, and arrive.
    std::fs::remove_file(&filler).unwrap();
    let wrote = ok(&laptop, &["sync", "now"]);
    assert!(wrote.contains("Wrote change file 2"), "{wrote}");
    assert_eq!(own(&disk), ["0000000001.wlsync", "0000000002.wlsync"]);
    assert_eq!(status(&laptop)["pending"], 0);
    ok(&desktop, &["sync", "now"]);
    let names = |db: &Path| -> Vec<String> {
        let list: serde_json::Value = serde_json::from_str(&ok(db, &["list", "--json"])).unwrap();
        let mut names: Vec<String> = list
            .as_array()
            .unwrap()
            .iter()
            .map(|e| e["name"].as_str().unwrap().to_string())
            .collect();
        names.sort();
        names
    };
    let arrived = names(&desktop);
    assert_eq!(arrived, names(&laptop));
    assert!(arrived.len() >= 300, "{} entries arrived", arrived.len());
}
