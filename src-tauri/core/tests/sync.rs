//! Sync on real library files through one real folder: three libraries
//! make seeded random edits (some to the same fields, some with a clock
//! running hours ahead), sync in random order, and end holding the same
//! library; change files that are cut short, damaged, from a newer
//! Watchlog, misplaced or read twice change nothing; a folder that is gone
//! is said so.

use std::path::Path;

use watchlog_core::{
    clock::Clock, EntryPatch, EpisodeRef, Library, ListQuery, NewEntry, RatingScale, Status,
    TitleFacts, WatchedWhen,
};
use watchlog_testkit::{sha256, sorted_rows, Sandbox};

const NAMES: [&str; 6] = [
    "Goblin",
    "Move to Heaven",
    "Reply 1988",
    "My Mister",
    "Signal",
    "Hospital Playlist",
];
const TAGS: [&str; 4] = ["cosy", "rewatch", "tearjerker", "Cosy"];

/// A small seeded generator: the same seed makes the same edits.
struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 ^= self.0 << 13;
        self.0 ^= self.0 >> 7;
        self.0 ^= self.0 << 17;
        self.0
    }
    fn below(&mut self, n: usize) -> usize {
        (self.next() % n as u64) as usize
    }
}

struct Device {
    sandbox: Sandbox,
    lib: Library,
}

fn device(folder: &Path, name: &str) -> Device {
    let sandbox = Sandbox::new();
    let mut lib = Library::open(&sandbox.db).unwrap();
    lib.sync_init(folder, Some(name)).unwrap();
    Device { sandbox, lib }
}

fn id_of(lib: &Library, name: &str) -> Option<i64> {
    lib.list(&ListQuery::default())
        .unwrap()
        .into_iter()
        .find(|r| r.name == name)
        .map(|r| r.id)
}

fn add(lib: &mut Library, name: &str) -> i64 {
    lib.add_entry(&NewEntry {
        title: TitleFacts {
            name: name.into(),
            year: Some(2016),
            ..TitleFacts::default()
        },
        fields: Default::default(),
    })
    .unwrap()
}

fn patch(json: serde_json::Value) -> EntryPatch {
    serde_json::from_value(json).unwrap()
}

/// One random edit; an edit the library refuses (a duplicate) is fine.
fn edit(rng: &mut Rng, lib: &mut Library) {
    let name = NAMES[rng.below(NAMES.len())];
    let Some(id) = id_of(lib, name) else {
        add(lib, name);
        return;
    };
    let statuses = [
        "plan_to_watch",
        "watching",
        "completed",
        "on_hold",
        "dropped",
    ];
    let _ = match rng.below(7) {
        0 => lib
            .update_entry(
                id,
                &patch(serde_json::json!({ "status": statuses[rng.below(5)] })),
            )
            .map(drop),
        1 => lib
            .update_entry(
                id,
                &patch(serde_json::json!({ "rating": 10 * rng.below(11) })),
            )
            .map(drop),
        2 => lib
            .update_entry(
                id,
                &patch(serde_json::json!({ "review": format!("take {}", rng.below(100)) })),
            )
            .map(drop),
        3 => lib.delete_entry(id).map(drop),
        4 => {
            let tags: Vec<&str> = TAGS.iter().copied().filter(|_| rng.below(2) == 0).collect();
            lib.update_entry(id, &patch(serde_json::json!({ "tags": tags })))
                .map(drop)
        }
        5 => lib
            .mark_episode(
                id,
                EpisodeRef::new(1, 1 + rng.below(4) as u32).unwrap(),
                WatchedWhen::Unknown,
                &Clock::system(),
            )
            .map(drop),
        _ => lib
            .update_entry(
                id,
                &patch(serde_json::json!({ "notes": format!("n{}", rng.below(9)) })),
            )
            .map(drop),
    };
}

/// What a library holds, named without its local ids: two libraries are
/// the same when these are equal.
fn content(lib: &Library, s: &Sandbox) -> Vec<String> {
    let _ = lib;
    let conn = rusqlite::Connection::open(&s.db).unwrap();
    let queries = [
        "SELECT t.kind, t.name, t.sort_name, t.original_name, t.year, e.status, e.rating,
                e.score_story, e.review, e.review_spoiler, e.notes, p.name, e.progress,
                e.favorite, e.started_on, e.finished_on, e.added_at, e.updated_at
         FROM entries e JOIN titles t ON t.id = e.title_id LEFT JOIN platforms p ON p.id = e.platform_id",
        "SELECT t.name, g.name FROM entry_tags x JOIN entries e ON e.id = x.entry_id
         JOIN titles t ON t.id = e.title_id JOIN tags g ON g.id = x.tag_id",
        "SELECT t.name, w.viewing_id IS NULL, w.season, w.number, w.watched_on, w.watched_at,
                w.rating, w.note, w.recorded_at
         FROM episode_watches w JOIN entries e ON e.id = w.entry_id JOIN titles t ON t.id = e.title_id",
        "SELECT name FROM tags",
        "SELECT name, subscribed FROM platforms",
        "SELECT count(*) FROM titles",
    ];
    let mut out = Vec::new();
    for q in queries {
        out.push(sorted_rows(&conn, q).join(
            "
",
        ));
    }
    out
}

/// The lines one content has and the other lacks.
fn differences(a: &[String], b: &[String]) -> String {
    let lines = |c: &[String]| -> std::collections::BTreeSet<String> {
        c.iter()
            .enumerate()
            .flat_map(|(q, rows)| rows.lines().map(move |l| format!("{q}: {l}")))
            .collect()
    };
    let (a, b) = (lines(a), lines(b));
    let mut out: Vec<String> = a.difference(&b).map(|l| format!("- {l}")).collect();
    out.extend(b.difference(&a).map(|l| format!("+ {l}")));
    out.join("\n")
}

fn sync_all(devices: &mut [Device]) {
    // Two rounds: after the first every file is written, after the second
    // every device has read every other's.
    for _ in 0..2 {
        for d in devices.iter_mut() {
            let report = d.lib.sync_now().unwrap();
            assert!(report.problems.is_empty(), "{:?}", report.problems);
        }
    }
}

/// One seeded run; the differences when the libraries do not end the same.
fn converge(seed: u64, skew_hours: i64) -> Result<(), String> {
    let folder = tempfile::tempdir().unwrap();
    let mut devices: Vec<Device> = ["laptop", "desktop", "tablet"]
        .iter()
        .map(|n| device(folder.path(), n))
        .collect();
    // One device's clock runs ahead: its changes carry a later clock
    // until the others have seen one of them.
    if skew_hours != 0 {
        let ahead = (chrono::Utc::now().timestamp_millis() + skew_hours * 3_600_000) << 16;
        let conn = rusqlite::Connection::open(&devices[2].sandbox.db).unwrap();
        conn.execute(
            "UPDATE sync_state SET value = ?1 WHERE key = 'hlc'",
            [ahead],
        )
        .unwrap();
    }
    let mut rng = Rng(seed * 2_654_435_761 + 1);
    for _ in 0..120 {
        let d = rng.below(devices.len());
        if rng.below(6) == 0 {
            devices[d].lib.sync_now().unwrap();
        } else {
            edit(&mut rng, &mut devices[d].lib);
        }
    }
    sync_all(&mut devices);
    let first = content(&devices[0].lib, &devices[0].sandbox);
    for d in &devices {
        assert_eq!(d.lib.integrity_check().unwrap(), vec!["ok".to_string()]);
    }
    for (i, d) in devices.iter().enumerate().skip(1) {
        let other = content(&d.lib, &d.sandbox);
        if other != first {
            return Err(format!(
                "seed {seed}: library {i} differs from library 0 after every device saw every change:\n{}",
                differences(&first, &other)
            ));
        }
    }
    Ok(())
}

/// Runs the seeds and says how many converged; fails naming the others.
fn converge_all(seeds: impl Iterator<Item = u64>, skew_hours: i64) {
    let mut failed = Vec::new();
    let mut runs = 0;
    for seed in seeds {
        runs += 1;
        if let Err(e) = converge(seed, skew_hours) {
            failed.push(e);
        }
    }
    println!(
        "{} of {runs} seeded runs converged (clock skew {skew_hours} h)",
        runs - failed.len()
    );
    assert!(
        failed.is_empty(),
        "{} of {runs} runs did not converge:\n{}",
        failed.len(),
        failed.join("\n")
    );
}

#[test]
fn three_libraries_converge_after_random_edits_in_random_order() {
    // SYNC_SEEDS runs more of them (`make test-sync-long`).
    let seeds: u64 = std::env::var("SYNC_SEEDS")
        .ok()
        .and_then(|s| s.parse().ok())
        .unwrap_or(8);
    let first: u64 = std::env::var("SYNC_FIRST")
        .ok()
        .and_then(|s| s.parse().ok())
        .unwrap_or(1);
    converge_all(first..first + seeds, 0);
}

#[test]
fn three_libraries_converge_with_a_clock_hours_ahead() {
    let seeds: u64 = std::env::var("SYNC_SEEDS")
        .ok()
        .and_then(|s| s.parse().ok())
        .unwrap_or(6);
    converge_all(1000..1000 + seeds, 5);
}

#[test]
fn an_edit_on_each_side_of_the_same_entry_keeps_both_fields_and_logs_the_clash() {
    let folder = tempfile::tempdir().unwrap();
    let mut laptop = device(folder.path(), "laptop");
    let mut desktop = device(folder.path(), "desktop");
    let id = add(&mut laptop.lib, "Goblin");
    laptop.lib.sync_now().unwrap();
    desktop.lib.sync_now().unwrap();
    let there = id_of(&desktop.lib, "Goblin").expect("the entry crossed");
    // Offline, both edit: different fields, and the same one.
    laptop
        .lib
        .update_entry(
            id,
            &patch(serde_json::json!({ "rating": 90, "review": "laptop" })),
        )
        .unwrap();
    desktop
        .lib
        .update_entry(
            there,
            &patch(serde_json::json!({ "status": "completed", "review": "desktop" })),
        )
        .unwrap();
    laptop.lib.sync_now().unwrap();
    let report = desktop.lib.sync_now().unwrap();
    assert_eq!(report.files_in, 1);
    laptop.lib.sync_now().unwrap();
    for (lib, id) in [(&laptop.lib, id), (&desktop.lib, there)] {
        let e = lib.entry(id).unwrap();
        assert_eq!(e.fields.status, Status::Completed);
        assert_eq!(e.fields.rating.map(|r| r.get()), Some(90));
        // The desktop's review was the later change.
        assert_eq!(e.fields.review.as_deref(), Some("desktop"));
    }
    let log = laptop.lib.sync_status().unwrap().decisions;
    assert!(
        log.iter().any(|d| d.field == "review"
            && d.what == "“Goblin”"
            && d.kept.as_deref() == Some("desktop")),
        "{log:?}"
    );
    // Found by search on both, with the merged review.
    for lib in [&laptop.lib, &desktop.lib] {
        let found = lib
            .list(&ListQuery {
                search: Some("desktop".into()),
                ..ListQuery::default()
            })
            .unwrap();
        assert_eq!(found.len(), 1);
    }
}

#[test]
fn a_delete_wins_over_an_older_edit_and_loses_to_a_newer_one() {
    let folder = tempfile::tempdir().unwrap();
    let mut laptop = device(folder.path(), "laptop");
    let mut desktop = device(folder.path(), "desktop");
    let id = add(&mut laptop.lib, "Signal");
    laptop.lib.sync_now().unwrap();
    desktop.lib.sync_now().unwrap();
    let there = id_of(&desktop.lib, "Signal").unwrap();
    // Edited on the desktop, then deleted on the laptop: the delete is later.
    desktop
        .lib
        .update_entry(there, &patch(serde_json::json!({ "rating": 40 })))
        .unwrap();
    laptop.lib.delete_entry(id).unwrap();
    desktop.lib.sync_now().unwrap();
    laptop.lib.sync_now().unwrap();
    desktop.lib.sync_now().unwrap();
    assert_eq!(id_of(&laptop.lib, "Signal"), None);
    assert_eq!(id_of(&desktop.lib, "Signal"), None);

    // Deleted on the laptop, then edited on the desktop: the edit is later
    // and the entry comes back on both.
    let id = add(&mut laptop.lib, "Reply 1988");
    laptop.lib.sync_now().unwrap();
    desktop.lib.sync_now().unwrap();
    let there = id_of(&desktop.lib, "Reply 1988").unwrap();
    laptop.lib.delete_entry(id).unwrap();
    desktop
        .lib
        .update_entry(there, &patch(serde_json::json!({ "rating": 100 })))
        .unwrap();
    laptop.lib.sync_now().unwrap();
    desktop.lib.sync_now().unwrap();
    laptop.lib.sync_now().unwrap();
    let back = id_of(&laptop.lib, "Reply 1988").expect("the newer edit brings it back");
    assert_eq!(
        laptop
            .lib
            .entry(back)
            .unwrap()
            .fields
            .rating
            .map(|r| r.get()),
        Some(100)
    );
    assert!(id_of(&desktop.lib, "Reply 1988").is_some());
}

#[test]
fn two_libraries_that_both_held_a_title_before_linking_hold_it_once() {
    let folder = tempfile::tempdir().unwrap();
    let a = Sandbox::new();
    let b = Sandbox::new();
    let mut la = Library::open(&a.db).unwrap();
    let mut lb = Library::open(&b.db).unwrap();
    add(&mut la, "My Mister");
    add(&mut lb, "My Mister");
    add(&mut lb, "Goblin");
    la.sync_init(folder.path(), Some("a")).unwrap();
    lb.sync_init(folder.path(), Some("b")).unwrap();
    for _ in 0..2 {
        la.sync_now().unwrap();
        lb.sync_now().unwrap();
    }
    for lib in [&la, &lb] {
        let names: Vec<String> = lib
            .list(&ListQuery::default())
            .unwrap()
            .into_iter()
            .map(|r| r.name)
            .collect();
        assert_eq!(names.len(), 2, "{names:?}");
    }
    assert_eq!(content(&la, &a), content(&lb, &b));
}

#[test]
fn titles_of_one_name_stay_apart_when_copies_meet_and_when_a_new_device_joins() {
    // Two films called "Home" from one year, neither with a catalogue id:
    // the name alone cannot tell them apart. The library is copied to a
    // second computer and both are linked; each "Home" must stay one entry
    // on both, and a rating given to one must land on that one.
    let folder = tempfile::tempdir().unwrap();
    let a = Sandbox::new();
    let b = Sandbox::new();
    let (first, second) = {
        let mut la = Library::open(&a.db).unwrap();
        add(&mut la, "Goblin");
        (add(&mut la, "Home"), add(&mut la, "Home"))
    };
    std::fs::copy(&a.db, &b.db).unwrap();
    let mut la = Library::open(&a.db).unwrap();
    let mut lb = Library::open(&b.db).unwrap();
    la.sync_init(folder.path(), Some("a")).unwrap();
    lb.sync_init(folder.path(), Some("b")).unwrap();
    la.sync_now().unwrap();
    lb.sync_now().unwrap();
    la.update_entry(first, &patch(serde_json::json!({ "rating": 20 })))
        .unwrap();
    la.update_entry(second, &patch(serde_json::json!({ "rating": 80 })))
        .unwrap();
    for _ in 0..2 {
        la.sync_now().unwrap();
        lb.sync_now().unwrap();
    }
    let rows = |lib: &Library| -> Vec<(i64, String, Option<u8>)> {
        lib.list(&ListQuery::default())
            .unwrap()
            .into_iter()
            .map(|r| (r.id, r.name, r.rating.map(|x| x.get())))
            .collect::<std::collections::BTreeSet<_>>()
            .into_iter()
            .collect()
    };
    assert_eq!(rows(&lb).len(), 3, "{:?}", rows(&lb));
    assert_eq!(rows(&la), rows(&lb));
    assert_eq!(content(&la, &a), content(&lb, &b));
    // A third computer, empty, reads both: it too holds two of "Home".
    let c = Sandbox::new();
    let mut lc = Library::open(&c.db).unwrap();
    lc.sync_init(folder.path(), Some("c")).unwrap();
    lc.sync_now().unwrap();
    let names = |lib: &Library| -> Vec<(String, Option<u8>)> {
        let mut v: Vec<_> = rows(lib).into_iter().map(|(_, n, r)| (n, r)).collect();
        v.sort();
        v
    };
    assert_eq!(names(&lc), names(&la));
}

#[test]
fn episodes_ticked_in_the_file_that_deletes_another_show_all_arrive() {
    // The desktop ticks two episodes of "My Mister"; the laptop, having
    // read them, ticks three of "Signal" and deletes "My Mister". Applying
    // that one file, the desktop deletes "My Mister" and its watches go
    // with it; the new watches take the ids those freed, and the old
    // watches' deletions, after them in the file, must not take them.
    let folder = tempfile::tempdir().unwrap();
    let mut laptop = device(folder.path(), "laptop");
    let mut desktop = device(folder.path(), "desktop");
    let mister = add(&mut laptop.lib, "My Mister");
    let signal = add(&mut laptop.lib, "Signal");
    laptop.lib.sync_now().unwrap();
    desktop.lib.sync_now().unwrap();
    let there = id_of(&desktop.lib, "My Mister").unwrap();
    for n in [1, 2] {
        desktop
            .lib
            .mark_episode(
                there,
                EpisodeRef::new(1, n).unwrap(),
                WatchedWhen::Unknown,
                &Clock::system(),
            )
            .unwrap();
    }
    desktop.lib.sync_now().unwrap();
    laptop.lib.sync_now().unwrap();
    for n in [1, 2, 3] {
        laptop
            .lib
            .mark_episode(
                signal,
                EpisodeRef::new(1, n).unwrap(),
                WatchedWhen::Unknown,
                &Clock::system(),
            )
            .unwrap();
    }
    laptop.lib.delete_entry(mister).unwrap();
    laptop.lib.sync_now().unwrap();
    desktop.lib.sync_now().unwrap();
    let watched = |lib: &Library, id: i64| -> Vec<u32> {
        let mut eps: Vec<u32> = lib
            .episode_progress(id)
            .unwrap()
            .into_iter()
            .filter(|e| e.watched)
            .map(|e| e.number)
            .collect();
        eps.sort_unstable();
        eps
    };
    let signal_there = id_of(&desktop.lib, "Signal").unwrap();
    assert_eq!(id_of(&desktop.lib, "My Mister"), None);
    assert_eq!(watched(&desktop.lib, signal_there), vec![1, 2, 3]);
    assert_eq!(watched(&laptop.lib, signal), vec![1, 2, 3]);
    assert_eq!(
        content(&laptop.lib, &laptop.sandbox),
        content(&desktop.lib, &desktop.sandbox)
    );
}

/// Sets a device's clock to `days` from now, as if that much time had
/// passed: every change it makes from then on carries a later clock (the
/// clock never goes back, and the wall clock is behind it).
fn days_later(d: &Device, days: i64) {
    let at = (chrono::Utc::now().timestamp_millis() + days * 86_400_000) << 16;
    rusqlite::Connection::open(&d.sandbox.db)
        .unwrap()
        .execute("UPDATE sync_state SET value = ?1 WHERE key = 'hlc'", [at])
        .unwrap();
}

fn edit_of(lib: &mut Library, name: &str, json: serde_json::Value) {
    let id = id_of(lib, name).unwrap_or_else(|| panic!("{name} is here"));
    lib.update_entry(id, &patch(json)).unwrap();
}

fn delete_of(lib: &mut Library, name: &str) {
    let id = id_of(lib, name).unwrap_or_else(|| panic!("{name} is here"));
    lib.delete_entry(id).unwrap();
}

#[test]
fn a_device_back_after_months_offline_converges_field_by_field() {
    let folder = tempfile::tempdir().unwrap();
    let mut laptop = device(folder.path(), "laptop");
    let mut desktop = device(folder.path(), "desktop");
    for i in 0..12 {
        let id = add(&mut laptop.lib, &format!("Show {i}"));
        laptop
            .lib
            .update_entry(id, &patch(serde_json::json!({ "rating": 50 })))
            .unwrap();
    }
    laptop.lib.sync_now().unwrap();
    desktop.lib.sync_now().unwrap();
    laptop.lib.sync_now().unwrap();
    assert_eq!(desktop.lib.list(&ListQuery::default()).unwrap().len(), 12);

    // The desktop goes offline. A month in, it still gets edited.
    days_later(&desktop, 30);
    edit_of(
        &mut desktop.lib,
        "Show 1",
        serde_json::json!({ "rating": 30 }),
    );
    edit_of(
        &mut desktop.lib,
        "Show 6",
        serde_json::json!({ "review": "early" }),
    );

    // Six months on the laptop, syncing every week into the folder.
    for week in 1..=26 {
        days_later(&laptop, 7 * week);
        edit_of(
            &mut laptop.lib,
            "Show 0",
            serde_json::json!({ "notes": format!("week {week}") }),
        );
        match week {
            5 => {
                edit_of(
                    &mut laptop.lib,
                    "Show 2",
                    serde_json::json!({ "status": "on_hold" }),
                );
                edit_of(
                    &mut laptop.lib,
                    "Show 3",
                    serde_json::json!({ "notes": "first" }),
                );
            }
            9 => {
                delete_of(&mut laptop.lib, "Show 4");
                delete_of(&mut laptop.lib, "Show 5");
            }
            13 => {
                edit_of(
                    &mut laptop.lib,
                    "Show 1",
                    serde_json::json!({ "rating": 80 }),
                );
                edit_of(
                    &mut laptop.lib,
                    "Show 7",
                    serde_json::json!({ "rating": 90 }),
                );
            }
            17 => {
                // Deleted in week 9, added again: a new entry, rated anew.
                let id = add(&mut laptop.lib, "Show 4");
                laptop
                    .lib
                    .update_entry(id, &patch(serde_json::json!({ "rating": 20 })))
                    .unwrap();
                delete_of(&mut laptop.lib, "Show 8");
            }
            21 => {
                delete_of(&mut laptop.lib, "Show 6");
                add(&mut laptop.lib, "New on the laptop");
                edit_of(
                    &mut laptop.lib,
                    "Show 10",
                    serde_json::json!({ "status": "dropped" }),
                );
            }
            25 => {
                delete_of(&mut laptop.lib, "Show 9");
                edit_of(
                    &mut laptop.lib,
                    "Show 3",
                    serde_json::json!({ "notes": "later" }),
                );
                edit_of(
                    &mut laptop.lib,
                    "Show 11",
                    serde_json::json!({ "review": "laptop" }),
                );
            }
            _ => {}
        }
        let report = laptop.lib.sync_now().unwrap();
        assert_eq!(report.files_in, 0, "the desktop wrote nothing meanwhile");
    }

    // Seven months in, the desktop is edited again, offline still.
    days_later(&desktop, 210);
    edit_of(
        &mut desktop.lib,
        "Show 5",
        serde_json::json!({ "rating": 60 }),
    );
    edit_of(
        &mut desktop.lib,
        "Show 7",
        serde_json::json!({ "status": "watching" }),
    );
    edit_of(
        &mut desktop.lib,
        "Show 10",
        serde_json::json!({ "status": "on_hold" }),
    );
    edit_of(
        &mut desktop.lib,
        "Show 11",
        serde_json::json!({ "review": "desktop" }),
    );
    edit_of(
        &mut desktop.lib,
        "Show 3",
        serde_json::json!({ "review": "desktop" }),
    );
    add(&mut desktop.lib, "New on the desktop");

    // Back online: half a year of the laptop's files at once.
    let back = desktop.lib.sync_now().unwrap();
    assert_eq!(back.files_in, 26, "{back:?}");
    assert!(back.problems.is_empty(), "{:?}", back.problems);
    laptop.lib.sync_now().unwrap();
    desktop.lib.sync_now().unwrap();
    laptop.lib.sync_now().unwrap();

    for d in [&laptop, &desktop] {
        assert_eq!(d.lib.integrity_check().unwrap(), vec!["ok".to_string()]);
    }
    assert_eq!(
        content(&laptop.lib, &laptop.sandbox),
        content(&desktop.lib, &desktop.sandbox),
        "{}",
        differences(
            &content(&laptop.lib, &laptop.sandbox),
            &content(&desktop.lib, &desktop.sandbox)
        )
    );
    for d in [&laptop, &desktop] {
        let lib = &d.lib;
        let entry = |name: &str| lib.entry(id_of(lib, name).unwrap()).unwrap().fields;
        // The laptop's deletes of entries the desktop did not touch hold;
        // so does one made after the desktop's early edit.
        for gone in ["Show 8", "Show 9", "Show 6"] {
            assert_eq!(id_of(lib, gone), None, "{gone} stays deleted");
        }
        // Deleted and added again: the new entry, with its new rating.
        assert_eq!(entry("Show 4").rating.map(|r| r.get()), Some(20));
        // Deleted in week 9, rated on the desktop in month 7: it comes back.
        assert_eq!(entry("Show 5").rating.map(|r| r.get()), Some(60));
        // The desktop's early rating lost to the laptop's later one.
        assert_eq!(entry("Show 1").rating.map(|r| r.get()), Some(80));
        // Field by field: the laptop's rating, the desktop's newer status.
        let seven = entry("Show 7");
        assert_eq!(seven.rating.map(|r| r.get()), Some(90));
        assert_eq!(seven.status, Status::Watching);
        assert_eq!(entry("Show 10").status, Status::OnHold);
        assert_eq!(entry("Show 11").review.as_deref(), Some("desktop"));
        let three = entry("Show 3");
        assert_eq!(three.notes.as_deref(), Some("later"));
        assert_eq!(three.review.as_deref(), Some("desktop"));
        assert_eq!(entry("Show 2").status, Status::OnHold);
        assert_eq!(entry("Show 0").notes.as_deref(), Some("week 26"));
        assert!(id_of(lib, "New on the laptop").is_some());
        assert!(id_of(lib, "New on the desktop").is_some());
        assert_eq!(lib.list(&ListQuery::default()).unwrap().len(), 11);
    }
}

#[test]
fn the_merge_log_shows_ratings_in_each_devices_own_scale() {
    let folder = tempfile::tempdir().unwrap();
    let mut laptop = device(folder.path(), "laptop");
    let mut desktop = device(folder.path(), "desktop");
    for (d, scale) in [
        (&mut laptop, RatingScale::Ten),
        (&mut desktop, RatingScale::Stars5),
    ] {
        let mut s = d.lib.settings().unwrap();
        s.rating_scale = scale;
        d.lib.save_settings(&s).unwrap();
    }
    let id = add(&mut laptop.lib, "Move to Heaven");
    laptop.lib.sync_now().unwrap();
    desktop.lib.sync_now().unwrap();
    let there = id_of(&desktop.lib, "Move to Heaven").unwrap();
    // Offline on both: the same rating, sub-score and review changed.
    laptop
        .lib
        .update_entry(
            id,
            &patch(serde_json::json!({
                "rating": 90, "scores": { "story": 100 }, "review": "laptop"
            })),
        )
        .unwrap();
    desktop
        .lib
        .update_entry(
            there,
            &patch(serde_json::json!({
                "rating": 70, "scores": { "story": 60 }, "review": "desktop"
            })),
        )
        .unwrap();
    laptop.lib.sync_now().unwrap();
    desktop.lib.sync_now().unwrap();
    laptop.lib.sync_now().unwrap();
    let logged = |lib: &Library, field: &str| -> (Option<String>, Option<String>) {
        let log = lib.sync_status().unwrap().decisions;
        let d = log
            .iter()
            .find(|d| d.field == field)
            .unwrap_or_else(|| panic!("{field} is in the log: {log:?}"));
        (d.kept.clone(), d.other.clone())
    };
    let pair = |a: &str, b: &str| (Some(a.to_string()), Some(b.to_string()));
    // The desktop's changes were the later ones; each device shows them on
    // its own scale.
    assert_eq!(logged(&laptop.lib, "rating"), pair("7/10", "9/10"));
    assert_eq!(logged(&laptop.lib, "score_story"), pair("6/10", "10/10"));
    assert_eq!(logged(&desktop.lib, "rating"), pair("3.5/5", "4.5/5"));
    assert_eq!(logged(&desktop.lib, "score_story"), pair("3/5", "5/5"));
    // Other values are shown as they are.
    assert_eq!(logged(&laptop.lib, "review"), pair("desktop", "laptop"));
    // The log itself keeps the stored values, which is what travels.
    let stored: String = rusqlite::Connection::open(&laptop.sandbox.db)
        .unwrap()
        .query_row(
            "SELECT kept FROM sync_log WHERE field = 'rating'",
            [],
            |r| r.get(0),
        )
        .unwrap();
    assert_eq!(stored, "70");
}

/// The one change file device `d` has written, as bytes and path.
fn only_file(folder: &Path, d: &Device) -> std::path::PathBuf {
    let id = d.lib.sync_status().unwrap().device.unwrap().id;
    let dir = folder.join(id);
    let mut files: Vec<_> = std::fs::read_dir(&dir)
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| p.extension().is_some_and(|e| e == "wlsync"))
        .collect();
    files.sort();
    files.pop().unwrap()
}

fn checkpointed_hash(s: &Sandbox) -> String {
    rusqlite::Connection::open(&s.db)
        .unwrap()
        .execute_batch("PRAGMA wal_checkpoint(TRUNCATE)")
        .unwrap();
    sha256(&s.db)
}

#[test]
fn a_file_cut_short_damaged_newer_or_misplaced_waits_and_changes_nothing() {
    let folder = tempfile::tempdir().unwrap();
    let mut laptop = device(folder.path(), "laptop");
    add(&mut laptop.lib, "Goblin");
    laptop.lib.sync_now().unwrap();
    let path = only_file(folder.path(), &laptop);
    let whole = std::fs::read(&path).unwrap();

    let cases: Vec<(Vec<u8>, &str)> = vec![
        (whole[..whole.len() - 20].to_vec(), "not whole yet"),
        (
            {
                let mut b = whole.clone();
                let at = b.len() - 10;
                b[at] ^= 0x20;
                b
            },
            "checksum does not match",
        ),
        (
            String::from_utf8(whole.clone())
                .unwrap()
                .replacen("\"format\":1", "\"format\":9", 1)
                .into_bytes(),
            "newer Watchlog",
        ),
        (
            String::from_utf8(whole.clone())
                .unwrap()
                .replacen("\"seq\":1", "\"seq\":7", 1)
                .into_bytes(),
            "does not belong where it is",
        ),
        (
            b"PK\x03\x04 not ours".to_vec(),
            "not a Watchlog change file",
        ),
    ];
    // A fresh library reads the laptop's file #1 each time.
    for (bytes, words) in cases {
        let mut fresh = device(folder.path(), "fresh");
        std::fs::write(&path, &bytes).unwrap();
        let report = fresh.lib.sync_now().unwrap();
        assert!(
            report.problems.iter().any(|p| p.contains(words)),
            "{words}: {:?}",
            report.problems
        );
        assert_eq!(report.files_in, 0, "{words}");
        assert_eq!(id_of(&fresh.lib, "Goblin"), None);
        let status = fresh.lib.sync_status().unwrap();
        assert!(
            status
                .devices
                .iter()
                .any(|d| d.problem.as_deref().is_some_and(|p| p.contains(words))),
            "{words}: {:?}",
            status.devices
        );
        std::fs::write(&path, &whole).unwrap();
        let report = fresh.lib.sync_now().unwrap();
        assert!(report.problems.is_empty(), "{:?}", report.problems);
        assert!(
            id_of(&fresh.lib, "Goblin").is_some(),
            "{words}: applied once whole"
        );
        std::fs::remove_dir_all(
            folder
                .path()
                .join(fresh.lib.sync_status().unwrap().device.unwrap().id),
        )
        .unwrap();
    }
    // Read twice: a library that applied #1 and wrote its own first file
    // is unchanged by syncing again, the same files all there.
    let mut desktop = device(folder.path(), "desktop");
    desktop.lib.sync_now().unwrap();
    desktop.lib.sync_now().unwrap();
    let before = checkpointed_hash(&desktop.sandbox);
    let report = desktop.lib.sync_now().unwrap();
    assert_eq!((report.files_in, report.written), (0, None));
    assert_eq!(checkpointed_hash(&desktop.sandbox), before);
}

#[test]
fn a_sync_engines_temporary_files_are_not_read() {
    let folder = tempfile::tempdir().unwrap();
    let mut laptop = device(folder.path(), "laptop");
    let mut desktop = device(folder.path(), "desktop");
    add(&mut laptop.lib, "Goblin");
    laptop.lib.sync_now().unwrap();
    let path = only_file(folder.path(), &laptop);
    let dir = path.parent().unwrap();
    let half = std::fs::read(&path).unwrap();
    std::fs::write(dir.join(".syncthing.0000000002.wlsync.tmp"), &half[..40]).unwrap();
    std::fs::write(dir.join("~syncthing~0000000003.wlsync.tmp"), &half[..40]).unwrap();
    std::fs::write(dir.join("0000000004.wlsync.partial"), &half[..40]).unwrap();
    let report = desktop.lib.sync_now().unwrap();
    assert!(report.problems.is_empty(), "{:?}", report.problems);
    assert_eq!(report.files_in, 1);
}

#[test]
fn a_sync_folder_that_is_gone_is_named_and_nothing_changes() {
    let folder = tempfile::tempdir().unwrap();
    let mut laptop = device(&folder.path().join("drive"), "laptop");
    add(&mut laptop.lib, "Goblin");
    std::fs::remove_dir_all(folder.path().join("drive")).unwrap();
    let before = checkpointed_hash(&laptop.sandbox);
    let err = laptop.lib.sync_now().unwrap_err().to_string();
    assert!(err.contains("is not there"), "{err}");
    assert!(err.contains("nothing was changed"), "{err}");
    assert_eq!(checkpointed_hash(&laptop.sandbox), before);
}

#[test]
fn an_unlinked_library_captures_nothing() {
    let s = Sandbox::new();
    let mut lib = Library::open(&s.db).unwrap();
    add(&mut lib, "Goblin");
    let conn = rusqlite::Connection::open(&s.db).unwrap();
    let n: i64 = conn
        .query_row(
            "SELECT (SELECT count(*) FROM sync_clock) + (SELECT count(*) FROM sync_ids)",
            [],
            |r| r.get(0),
        )
        .unwrap();
    assert_eq!(n, 0);
    assert!(!lib.sync_status().unwrap().linked);
    let err = lib.sync_now().unwrap_err().to_string();
    assert!(err.contains("not linked"), "{err}");
}
