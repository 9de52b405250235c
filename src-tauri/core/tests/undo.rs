//! Taking changes back on a real library file: a delete and a bulk change
//! undone restore every row they wrote (the entry, its viewings, episodes
//! and watch history, tags, list memberships) and the entry is found by
//! search again; an undo refused (twice, unknown, or after the other face
//! changed the row) leaves the file byte for byte as it was.

use chrono::{NaiveDate, TimeZone, Utc};
use rusqlite::types::Value;
use watchlog_core::catalog::Episode;
use watchlog_core::store::GeneratedShow;
use watchlog_core::{
    Airing, BulkChange, EntryPatch, EpisodeRef, Library, ListQuery, NewList, Rating, Status,
    ViewingDetails,
};
use watchlog_testkit::{sha256, Sandbox};

fn sample() -> (Sandbox, Library) {
    let sandbox = Sandbox::new();
    let mut lib = Library::open(&sandbox.db).unwrap();
    assert_eq!(lib.load_sample().unwrap(), 14);
    (sandbox, lib)
}

fn id_of(lib: &Library, name: &str) -> i64 {
    lib.list(&ListQuery::default())
        .unwrap()
        .into_iter()
        .find(|r| r.name == name)
        .unwrap_or_else(|| panic!("the sample has {name}"))
        .id
}

fn search(lib: &Library, text: &str) -> Vec<String> {
    lib.list(&ListQuery {
        search: Some(text.into()),
        ..ListQuery::default()
    })
    .unwrap()
    .into_iter()
    .map(|r| r.name)
    .collect()
}

fn file_hash(s: &Sandbox) -> String {
    rusqlite::Connection::open(&s.db)
        .unwrap()
        .execute_batch("PRAGMA wal_checkpoint(TRUNCATE)")
        .unwrap();
    sha256(&s.db)
}

/// Every row of every table but the search indexes and the kept counts
/// (derived, and checked through search and `integrity_check`), each
/// table's rows sorted: two dumps
/// are equal when the library holds the same data.
fn dump(s: &Sandbox) -> Vec<(String, Vec<String>)> {
    let conn = rusqlite::Connection::open(&s.db).unwrap();
    let tables: Vec<String> = conn
        .prepare(
            "SELECT name FROM sqlite_schema WHERE type = 'table'
             AND name NOT LIKE 'entry_search%' AND name NOT LIKE 'entry_words%'
             AND name NOT LIKE 'sqlite_%' AND name <> 'tally' ORDER BY name",
        )
        .unwrap()
        .query_map([], |r| r.get(0))
        .unwrap()
        .collect::<rusqlite::Result<_>>()
        .unwrap();
    tables
        .into_iter()
        .map(|t| {
            let mut stmt = conn.prepare(&format!("SELECT * FROM \"{t}\"")).unwrap();
            let n = stmt.column_count();
            let mut rows: Vec<String> = stmt
                .query_map([], |r| {
                    (0..n)
                        .map(|i| r.get::<_, Value>(i))
                        .collect::<rusqlite::Result<Vec<_>>>()
                        .map(|v| format!("{v:?}"))
                })
                .unwrap()
                .collect::<rusqlite::Result<_>>()
                .unwrap();
            rows.sort();
            (t, rows)
        })
        .collect()
}

fn day(y: i32, m: u32, d: u32) -> NaiveDate {
    NaiveDate::from_ymd_opt(y, m, d).unwrap()
}

/// Soundtrack #2 with everything an entry can have: a rewatch typed in,
/// its six episodes with three watched, its sample tags, a place on a list.
fn full_entry(lib: &mut Library) -> (i64, i64) {
    let id = id_of(lib, "Soundtrack #2");
    lib.add_viewing(
        id,
        &ViewingDetails {
            started_on: Some(day(2023, 1, 2)),
            finished_on: Some(day(2023, 1, 9)),
            platform: Some("Disney+".into()),
            progress: 6,
        },
    )
    .unwrap();
    let episodes = (1..=6)
        .map(|n| Episode {
            season: 1,
            number: n,
            name: Some(format!("Track {n}")),
            airdate: Some(day(2023, 12, 6)),
            airstamp: None,
            runtime_minutes: Some(50),
        })
        .collect();
    let watched = (1..=3)
        .map(|n| {
            (
                EpisodeRef::new(1, n).unwrap(),
                Some(Utc.with_ymd_and_hms(2024, 1, n, 21, 0, 0).unwrap()),
            )
        })
        .collect();
    lib.add_generated_shows(&[GeneratedShow {
        entry_id: id,
        airing: Airing::Ended,
        episodes,
        watched,
    }])
    .unwrap();
    let list = lib
        .create_list(&NewList {
            name: "Music dramas".into(),
            description: None,
            ranked: Some(true),
        })
        .unwrap();
    lib.put_entries_on_list(list.id, &[id_of(lib, "Reply 1988"), id])
        .unwrap();
    (id, list.id)
}

#[test]
fn a_deleted_entry_comes_back_exactly_as_it_was() {
    let (s, mut lib) = sample();
    let (id, list) = full_entry(&mut lib);
    let entry = lib.entry(id).unwrap();
    assert_eq!(entry.viewings.len(), 1, "the rewatch typed in");
    assert_eq!(entry.fields.tags, ["music", "short"]);
    let progress = lib.episode_progress(id).unwrap();
    assert_eq!(progress.len(), 6, "six episodes");
    let lists = lib.lists_of_entry(id).unwrap();
    let order = lib.list_detail(list).unwrap();
    let rows = dump(&s);
    assert_eq!(search(&lib, "Soundtrack"), ["Soundtrack #2"]);
    assert_eq!(search(&lib, "사운드트랙"), ["Soundtrack #2"]);

    let step = lib.delete_entry(id).unwrap();
    assert_eq!(step.label, "Deleted \u{201c}Soundtrack #2\u{201d}");
    assert_eq!(step.entries, 1);
    assert!(lib.entry(id).is_err(), "the entry is gone");
    assert!(search(&lib, "Soundtrack").is_empty());
    assert_ne!(dump(&s), rows, "the delete changed the file");

    let undone = lib.undo(step.id).unwrap();
    assert_eq!(undone, step);
    assert_eq!(
        lib.entry(id).unwrap(),
        entry,
        "the entry, its title and viewings"
    );
    assert_eq!(
        lib.episode_progress(id).unwrap(),
        progress,
        "episodes and history"
    );
    assert_eq!(lib.lists_of_entry(id).unwrap(), lists);
    assert_eq!(
        lib.list_detail(list).unwrap(),
        order,
        "its place on the list"
    );
    assert_eq!(
        dump(&s),
        rows,
        "every row as it was, the unused tag 'short' too"
    );
    assert_eq!(search(&lib, "Soundtrack"), ["Soundtrack #2"]);
    assert_eq!(search(&lib, "사운드트랙"), ["Soundtrack #2"]);
    assert_eq!(lib.integrity_check().unwrap(), ["ok"]);
}

#[test]
fn a_bulk_change_applies_every_rule_and_undoes_whole() {
    let (s, mut lib) = sample();
    let ids = [
        id_of(&lib, "Move to Heaven"),
        id_of(&lib, "Little Forest"),
        id_of(&lib, "My Mister"),
    ];
    let list = lib
        .create_list(&NewList {
            name: "Weekend".into(),
            description: None,
            ranked: None,
        })
        .unwrap();
    let before: Vec<_> = ids.iter().map(|&id| lib.entry(id).unwrap()).collect();
    let rows = dump(&s);

    let out = lib
        .bulk_change(
            &ids,
            &BulkChange {
                status: Some(Status::Completed),
                platform: Some(Some("Netflix".into())),
                add_tags: vec!["weekend".into(), "COMFORT".into()],
                remove_tags: vec!["food".into()],
                list: Some(list.id),
            },
        )
        .unwrap();
    assert_eq!(out.report.changed, 3);
    assert_eq!(out.report.list.as_ref().unwrap().added, 3);
    assert_eq!(out.undo.label, "Changed 3 titles");
    assert_eq!(out.undo.entries, 3);
    let forest = lib.entry(ids[1]).unwrap();
    assert_eq!(forest.fields.status, Status::Completed);
    assert_eq!(forest.fields.platform.as_deref(), Some("Netflix"));
    // "comfort" was there in its own case; "food" went.
    assert_eq!(forest.fields.tags, ["comfort", "weekend"]);
    for id in ids {
        let e = lib.entry(id).unwrap();
        assert!(
            e.fields.finished_on.is_some(),
            "completing fills the finish date"
        );
        assert_eq!(e.fields.progress, e.title.facts.episodes.unwrap_or(0));
    }
    let on_list: Vec<i64> = lib
        .list_detail(list.id)
        .unwrap()
        .items
        .iter()
        .map(|i| i.entry.id)
        .collect();
    assert_eq!(on_list, ids, "on the list in the selection's order");

    lib.undo(out.undo.id).unwrap();
    let after: Vec<_> = ids.iter().map(|&id| lib.entry(id).unwrap()).collect();
    assert_eq!(after, before);
    assert_eq!(
        dump(&s),
        rows,
        "the list, the tags and the platforms as they were"
    );
    assert_eq!(search(&lib, "Little Forest"), ["Little Forest"]);
}

#[test]
fn an_undo_twice_or_unknown_is_refused_and_changes_nothing() {
    let (s, mut lib) = sample();
    let id = id_of(&lib, "Parasite");
    let step = lib.delete_entry(id).unwrap();
    lib.undo(step.id).unwrap();
    let before = file_hash(&s);

    let again = lib.undo(step.id).unwrap_err();
    assert_eq!(again.code(), "already_undone");
    assert_eq!(again.to_string(), "That change was already undone.");
    let unknown = lib.undo(step.id + 1000).unwrap_err();
    assert_eq!(unknown.code(), "undo_unknown");
    assert_eq!(unknown.to_string(), "That change can no longer be undone.");
    assert_eq!(file_hash(&s), before);
    assert_eq!(lib.entry(id).unwrap().title.facts.name, "Parasite");
}

#[test]
fn an_undo_after_the_other_face_changed_the_row_is_refused_and_changes_nothing() {
    let (s, mut lib) = sample();
    let ids = [id_of(&lib, "Bad Genius"), id_of(&lib, "Shoplifters")];
    let out = lib
        .bulk_change(
            &ids,
            &BulkChange {
                status: Some(Status::OnHold),
                ..BulkChange::default()
            },
        )
        .unwrap();
    // The CLI, say, rates one of them meanwhile.
    let mut other = Library::open(&s.db).unwrap();
    other
        .update_entry(
            ids[1],
            &EntryPatch {
                rating: Some(Some(Rating::new(37).unwrap())),
                ..EntryPatch::default()
            },
        )
        .unwrap();
    drop(other);
    let before = file_hash(&s);

    let refused = lib.undo(out.undo.id).unwrap_err();
    assert_eq!(refused.code(), "changed_since");
    assert_eq!(
        refused.to_string(),
        "One of the 2 titles was changed since, so it can't be undone; nothing was changed."
    );
    assert_eq!(file_hash(&s), before, "the file is byte for byte as it was");
    for id in ids {
        assert_eq!(lib.entry(id).unwrap().fields.status, Status::OnHold);
    }
    assert_eq!(
        lib.entry(ids[1]).unwrap().fields.rating,
        Some(Rating::new(37).unwrap())
    );
    // Foreign keys are back on after the refusal: deleting a title still
    // takes its entry with it.
    lib.delete_entry(ids[0]).unwrap();
    let orphans: i64 = rusqlite::Connection::open(&s.db)
        .unwrap()
        .query_row(
            "SELECT count(*) FROM entries WHERE title_id NOT IN (SELECT id FROM titles)",
            [],
            |r| r.get(0),
        )
        .unwrap();
    assert_eq!(orphans, 0);
}

#[test]
fn deleting_many_is_all_or_none_and_undoes_together() {
    let (s, mut lib) = sample();
    let ids = [id_of(&lib, "The Untamed"), id_of(&lib, "Nirvana in Fire")];
    let before = file_hash(&s);
    let rows = dump(&s);

    let err = lib.delete_entries(&[ids[0], 99_999, ids[1]]).unwrap_err();
    assert_eq!(err.code(), "not_found");
    assert_eq!(err.to_string(), "there is no entry with id 99999");
    assert_eq!(file_hash(&s), before, "nothing was deleted");
    let err = lib.bulk_change(
        &[ids[0], 99_999],
        &BulkChange {
            status: Some(Status::Dropped),
            ..BulkChange::default()
        },
    );
    assert_eq!(err.unwrap_err().code(), "not_found");
    let empty = lib.bulk_change(&ids, &BulkChange::default()).unwrap_err();
    assert_eq!(empty.code(), "invalid_input");
    assert_eq!(
        file_hash(&s),
        before,
        "a refused bulk change changes nothing"
    );

    let step = lib.delete_entries(&ids).unwrap();
    assert_eq!(step.label, "Deleted 2 titles");
    assert_eq!(lib.list(&ListQuery::default()).unwrap().len(), 12);
    lib.undo(step.id).unwrap();
    assert_eq!(lib.list(&ListQuery::default()).unwrap().len(), 14);
    assert_eq!(dump(&s), rows);
    assert_eq!(search(&lib, "Nirvana"), ["Nirvana in Fire"]);
}
