//! Two faces writing one library at once: two loops of `watchlog`
//! processes on the same file for a bounded time, as the app and a script
//! would. One side counts episodes and writes notes; the other rates the
//! same entries, adds titles and applies small imports. No error may reach
//! the user (every process exits 0 with nothing on stderr but the notice
//! that it waits for the other side: no "database is locked"), and no write may be lost: each entry's progress is the number
//! of `episode` runs that succeeded, the last notes and rating written are
//! there, and every added and imported title is in the library.
//!
//! Runs for 4 seconds in the normal test suite; `WATCHLOG_CRASH_LONG=1`
//! (`make crash`) makes it 30, `WATCHLOG_CONCURRENT_SECS` sets it. It
//! prints one summary line (`cargo test -- --nocapture` shows it).

/// The start of the CLI's notice that a write waits for the other side.
const WAITING_PREFIX: &str = "watchlog: waiting for another Watchlog";

use std::collections::BTreeMap;
use std::path::PathBuf;
use std::process::Command;
use std::time::{Duration, Instant};

use serde_json::Value;

/// The entries both sides write to.
const SHARED: [u64; 3] = [1, 2, 3];

fn duration() -> Duration {
    let long = std::env::var("WATCHLOG_CRASH_LONG").is_ok_and(|v| v == "1");
    let secs = std::env::var("WATCHLOG_CONCURRENT_SECS")
        .ok()
        .map(|v| {
            v.parse()
                .unwrap_or_else(|_| panic!("WATCHLOG_CONCURRENT_SECS={v} is not a number"))
        })
        .unwrap_or(if long { 30.0 } else { 4.0 });
    Duration::from_secs_f64(secs)
}

struct Lib {
    dir: PathBuf,
}

impl Lib {
    fn cmd(&self, args: &[&str]) -> Command {
        let mut c = Command::new(env!("CARGO_BIN_EXE_watchlog"));
        c.env_remove("WATCHLOG_DB")
            .env("HOME", self.dir.join("home"))
            .env("XDG_DATA_HOME", self.dir.join("home/data"))
            .env("XDG_CACHE_HOME", self.dir.join("home/cache"))
            .arg("--db")
            .arg(self.dir.join("watchlog.db"))
            .args(args);
        c
    }

    /// Runs one command; `Err` describes anything but a clean success.
    fn run(&self, args: &[&str]) -> Result<String, String> {
        let out = self.cmd(args).output().unwrap();
        let stderr = String::from_utf8_lossy(&out.stderr);
        // Saying that it waits for the other side is not an error.
        let errors = stderr.lines().filter(|l| !l.starts_with(WAITING_PREFIX));
        if out.status.success() && errors.count() == 0 {
            Ok(String::from_utf8_lossy(&out.stdout).into_owned())
        } else {
            Err(format!(
                "`watchlog {}` exited {:?}: {stderr}",
                args.join(" "),
                out.status.code()
            ))
        }
    }

    fn json(&self, args: &[&str]) -> Value {
        let mut a = args.to_vec();
        a.push("--json");
        let text = self.run(&a).unwrap();
        serde_json::from_str(&text).unwrap()
    }
}

/// What one side did, to check against the library at the end.
#[derive(Default)]
struct Side {
    writes: usize,
    errors: Vec<String>,
}

impl Side {
    fn record(&mut self, r: Result<String, String>) -> bool {
        match r {
            Ok(_) => {
                self.writes += 1;
                true
            }
            Err(e) => {
                self.errors.push(e);
                false
            }
        }
    }
}

#[test]
fn two_faces_writing_at_once_lose_nothing_and_see_no_error() {
    let tmp = tempfile::tempdir().unwrap();
    let lib = Lib {
        dir: tmp.path().to_path_buf(),
    };
    for (i, id) in SHARED.iter().enumerate() {
        let out = lib
            .run(&["add", &format!("Shared show {i}"), "--episodes", "100000"])
            .unwrap();
        assert_eq!(out.trim(), id.to_string(), "ids are handed out in order");
    }
    let run_for = duration();
    let start = Instant::now();

    let (episodes_side, rates_side) = std::thread::scope(|s| {
        // The app's side: episodes and notes on the shared entries.
        let a = s.spawn(|| {
            let mut side = Side::default();
            let mut episodes: BTreeMap<u64, u64> = BTreeMap::new();
            let mut notes: BTreeMap<u64, String> = BTreeMap::new();
            let mut n = 0u64;
            while start.elapsed() < run_for {
                let id = SHARED[(n % 3) as usize];
                let key = id.to_string();
                if n % 2 == 0 {
                    if side.record(lib.run(&["episode", &key])) {
                        *episodes.entry(id).or_default() += 1;
                    }
                } else {
                    let text = format!("note {n} from side A");
                    if side.record(lib.run(&["set", &key, "--notes", &text])) {
                        notes.insert(id, text);
                    }
                }
                n += 1;
            }
            (side, episodes, notes)
        });
        // A script's side: ratings on the same entries, new titles, imports.
        let b = s.spawn(|| {
            let mut side = Side::default();
            let mut ratings: BTreeMap<u64, f64> = BTreeMap::new();
            let mut titles: Vec<String> = Vec::new();
            let mut n = 0u64;
            while start.elapsed() < run_for {
                let id = SHARED[(n % 3) as usize];
                match n % 3 {
                    0 => {
                        let value = (n % 21) as f64 / 2.0;
                        let arg = value.to_string();
                        if side.record(lib.run(&["rate", &id.to_string(), &arg])) {
                            ratings.insert(id, value);
                        }
                    }
                    1 => {
                        let name = format!("Added by B {n}");
                        if side.record(lib.run(&["add", &name, "--kind", "film"])) {
                            titles.push(name);
                        }
                    }
                    _ => {
                        let file = lib.dir.join(format!("import-{n}.csv"));
                        let names: Vec<String> =
                            (0..3).map(|i| format!("Imported by B {n}-{i}")).collect();
                        let mut csv = String::from("title,kind,year\n");
                        for name in &names {
                            csv.push_str(&format!("{name},series,2020\n"));
                        }
                        std::fs::write(&file, csv).unwrap();
                        let path = file.to_str().unwrap();
                        if side.record(lib.run(&["import", "watchlog-csv", path, "--apply"])) {
                            titles.extend(names);
                        }
                    }
                }
                n += 1;
            }
            (side, ratings, titles)
        });
        (a.join().unwrap(), b.join().unwrap())
    });
    let elapsed = start.elapsed();
    let (a, episodes, notes) = episodes_side;
    let (b, ratings, titles) = rates_side;

    eprintln!(
        "concurrent: {:.1} s; side A (episode, set --notes) {} writes, {} errors; \
         side B (rate, add, import --apply) {} writes, {} errors",
        elapsed.as_secs_f64(),
        a.writes,
        a.errors.len(),
        b.writes,
        b.errors.len()
    );
    let errors: Vec<&String> = a.errors.iter().chain(&b.errors).collect();
    assert!(
        errors.is_empty(),
        "{} commands failed or printed an error, the first: {}",
        errors.len(),
        errors[0]
    );
    assert!(
        a.writes >= 6 && b.writes >= 6,
        "the sides hardly ran ({} and {} writes): nothing was tried at the same time",
        a.writes,
        b.writes
    );

    for id in SHARED {
        let e = lib.json(&["show", &id.to_string()]);
        let want = episodes.get(&id).copied().unwrap_or(0);
        assert_eq!(
            e["progress"].as_u64(),
            Some(want),
            "entry {id}: {want} episode runs succeeded, the progress says otherwise"
        );
        assert_eq!(
            e["notes"].as_str(),
            notes.get(&id).map(String::as_str),
            "entry {id}: the last notes written are not there"
        );
        assert_eq!(
            e["rating_10"].as_f64(),
            ratings.get(&id).copied(),
            "entry {id}: the last rating written is not there"
        );
    }
    let listed: Vec<String> = lib
        .json(&["list"])
        .as_array()
        .unwrap()
        .iter()
        .map(|e| e["name"].as_str().unwrap().to_string())
        .collect();
    for name in &titles {
        assert!(
            listed.contains(name),
            "{name} was added, and is not in the library"
        );
    }
    assert_eq!(
        listed.len(),
        SHARED.len() + titles.len(),
        "the library holds titles nobody added"
    );
    lib.run(&["doctor"]).unwrap();
}

/// A write while the other face holds the write lock (the app in the middle
/// of an import) waits for it instead of failing, says once that it waits,
/// and then succeeds.
#[test]
fn a_write_waits_for_the_other_face_and_says_so() {
    let cli = watchlog_testkit::Cli::new(env!("CARGO_BIN_EXE_watchlog"));
    assert!(cli.output(&["sample"]).status.success());
    let other = rusqlite::Connection::open(cli.db()).unwrap();
    other
        .execute_batch("BEGIN IMMEDIATE; UPDATE settings SET value = value;")
        .unwrap();
    let child = cli
        .command(&["add", "Waited for"])
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::piped())
        .spawn()
        .unwrap();
    std::thread::sleep(Duration::from_millis(2500));
    other.execute_batch("COMMIT").unwrap();
    let out = child.wait_with_output().unwrap();
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(out.status.success(), "{stderr}");
    assert_eq!(stderr.lines().count(), 1, "{stderr}");
    assert!(stderr.starts_with(WAITING_PREFIX), "{stderr}");
    let list = cli.output(&["list", "--json"]);
    assert!(String::from_utf8_lossy(&list.stdout).contains("Waited for"));
}
