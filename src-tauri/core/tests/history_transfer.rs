//! Episode history through exports and imports: Watchlog JSON carries every
//! watch (rewatches' and unnumbered ones too) and gives it back exactly;
//! another service's watches are added to the library's, once; watches
//! named by episode name find their numbers when the list is there, and
//! wait for it when not.

use chrono::{DateTime, NaiveDate, Utc};
use watchlog_core::catalog::{Details, Episode};
use watchlog_core::clock::Clock;
use watchlog_core::transfer::import::{
    watchlog_json, Import, ImportFormat, Incoming, Mode, ParsedExport, RunOptions,
};
use watchlog_core::transfer::{export, ExportFormat, ExportOptions};
use watchlog_core::{
    EntryFields, EpisodeRef, IncomingEntry, IncomingEpisode, IncomingWatch, Kind, Library, Status,
    TitleFacts, ViewingDetails, WatchedWhen,
};

fn at(s: &str) -> DateTime<Utc> {
    DateTime::parse_from_rfc3339(s).unwrap().with_timezone(&Utc)
}

fn day(s: &str) -> NaiveDate {
    s.parse().unwrap()
}

fn ep(s: &str) -> EpisodeRef {
    s.parse().unwrap()
}

fn clock() -> Clock {
    Clock::fixed(at("2024-06-01T12:00:00Z"), chrono_tz::Asia::Seoul)
}

/// A drama of 8 episodes in one season that aired in 2023, with a special.
fn drama(name: &str) -> Details {
    let mut episodes: Vec<Episode> = (1..=8)
        .map(|n| Episode {
            season: 1,
            number: n,
            name: Some(format!("Chapter {n}")),
            airdate: Some(day("2023-03-01") + chrono::Duration::days(7 * i64::from(n))),
            airstamp: None,
            runtime_minutes: Some(60),
        })
        .collect();
    episodes.push(Episode {
        season: 0,
        number: 1,
        name: Some("Behind the scenes".into()),
        airdate: Some(day("2023-05-01")),
        airstamp: None,
        runtime_minutes: Some(30),
    });
    Details {
        facts: TitleFacts {
            kind: Kind::Series,
            name: name.into(),
            year: Some(2023),
            episodes: Some(8),
            ..Default::default()
        },
        episodes,
        poster_url: None,
        providers: Vec::new(),
        catalog_updated: None,
    }
}

fn watching() -> EntryFields {
    EntryFields {
        status: Status::Watching,
        ..Default::default()
    }
}

fn export_json(lib: &Library) -> String {
    let mut out = Vec::new();
    let options = ExportOptions {
        exported_at: Some(at("2024-06-01T12:00:00Z")),
        ..Default::default()
    };
    export(lib, ExportFormat::WatchlogJson, &options, &mut out).unwrap();
    String::from_utf8(out).unwrap()
}

fn import(
    lib: &mut Library,
    format: ImportFormat,
    incoming: Incoming,
) -> watchlog_core::transfer::import::ImportReport {
    let parsed = ParsedExport {
        incoming,
        ..Default::default()
    };
    Import::new(format, parsed)
        .run(lib, Mode::Apply, &RunOptions::default())
        .unwrap()
}

/// (season, number, days watched) of every listed episode watched.
fn watched(lib: &Library, id: i64) -> Vec<(u32, u32, Vec<NaiveDate>)> {
    lib.episode_progress(id)
        .unwrap()
        .into_iter()
        .filter(|e| e.watched)
        .map(|e| (e.season, e.number, e.watched_on))
        .collect()
}

fn file_lib(dir: &tempfile::TempDir, name: &str) -> Library {
    Library::open(dir.path().join(name)).unwrap()
}

#[test]
fn a_json_export_gives_back_every_watch() {
    let dir = tempfile::tempdir().unwrap();
    let mut lib = file_lib(&dir, "a.db");
    let c = clock();
    let id = lib
        .add_from_catalog(&drama("Move to Heaven"), &watching())
        .unwrap();
    lib.mark_episode(id, ep("S1E1"), WatchedWhen::On(day("2023-03-09")), &c)
        .unwrap();
    lib.mark_episode(
        id,
        ep("S1E2"),
        WatchedWhen::At(at("2023-03-16T13:40:00Z")),
        &c,
    )
    .unwrap();
    lib.mark_episode(id, ep("S0E1"), WatchedWhen::Unknown, &c)
        .unwrap();
    lib.annotate_episode(
        id,
        ep("S1E2"),
        Some(watchlog_core::Rating::new(90).unwrap()),
        Some("the letter"),
    )
    .unwrap();
    let first = export_json(&lib);
    let v: serde_json::Value = serde_json::from_str(&first).unwrap();
    assert_eq!(
        v["version"],
        watchlog_core::transfer::export::watchlog_json::VERSION
    );
    let eps = v["entries"][0]["episodes"].as_array().unwrap();
    assert_eq!(eps.len(), 3, "{eps:#?}");
    assert_eq!(eps[0]["season"], 0, "specials first: {eps:#?}");
    assert_eq!(eps[2]["watched_at"], "2023-03-16T13:40:00Z");
    // Seoul's day of that instant is the 16th, whatever the importing
    // machine's zone.
    assert_eq!(eps[2]["watched_on"], "2023-03-16");
    assert_eq!(eps[2]["rating"], 90);
    assert_eq!(eps[2]["note"], "the letter");

    let mut fresh = file_lib(&dir, "b.db");
    let report = import(
        &mut fresh,
        ImportFormat::WatchlogJson,
        watchlog_json::parse(first.as_bytes()).unwrap(),
    );
    assert_eq!((report.added, report.episodes), (1, 3));
    // The restored library has no episode list (a file carries no list),
    // so the history comes back whole, counted as progress.
    assert_eq!(
        export_json(&fresh),
        first,
        "a second export is byte for byte the first"
    );

    // Importing the same file again changes nothing.
    let again = import(
        &mut fresh,
        ImportFormat::WatchlogJson,
        watchlog_json::parse(first.as_bytes()).unwrap(),
    );
    assert_eq!((again.unchanged, again.updated, again.episodes), (1, 0, 0));
}

#[test]
fn a_json_file_replaces_the_history_and_an_old_one_keeps_it() {
    let dir = tempfile::tempdir().unwrap();
    let mut lib = file_lib(&dir, "a.db");
    let c = clock();
    let id = lib.add_from_catalog(&drama("Signal"), &watching()).unwrap();
    lib.mark_episodes_until(id, ep("S1E3"), WatchedWhen::On(day("2023-04-01")), &c)
        .unwrap();
    let saved = export_json(&lib);
    // After the export the viewer goes on, then restores the file: the
    // library is what the file says.
    lib.mark_episode(id, ep("S1E4"), WatchedWhen::On(day("2023-04-02")), &c)
        .unwrap();
    let report = import(
        &mut lib,
        ImportFormat::WatchlogJson,
        watchlog_json::parse(saved.as_bytes()).unwrap(),
    );
    assert_eq!(report.updated, 1, "{report:#?}");
    assert_eq!(
        watched(&lib, id).iter().map(|w| w.1).collect::<Vec<_>>(),
        [1, 2, 3]
    );
    assert_eq!(lib.entry(id).unwrap().fields.progress, 3);

    // A version 1 file says nothing of episodes: the history stays.
    let mut old: serde_json::Value = serde_json::from_str(&saved).unwrap();
    old["version"] = 1.into();
    old["entries"][0]
        .as_object_mut()
        .unwrap()
        .remove("episodes");
    lib.mark_episode(id, ep("S1E4"), WatchedWhen::On(day("2023-04-02")), &c)
        .unwrap();
    let old = serde_json::to_string(&old).unwrap();
    import(
        &mut lib,
        ImportFormat::WatchlogJson,
        watchlog_json::parse(old.as_bytes()).unwrap(),
    );
    assert_eq!(
        watched(&lib, id).iter().map(|w| w.1).collect::<Vec<_>>(),
        [1, 2, 3, 4]
    );
}

fn named(season: Option<u32>, name: &str, when: &str) -> IncomingWatch {
    IncomingWatch {
        episode: IncomingEpisode::Named {
            season,
            name: name.into(),
        },
        when: WatchedWhen::At(at(when)),
        ..Default::default()
    }
}

fn service_entry(name: &str, watches: Vec<IncomingWatch>) -> IncomingEntry {
    IncomingEntry {
        title: TitleFacts {
            kind: Kind::Series,
            name: name.into(),
            year: Some(2023),
            ..Default::default()
        },
        fields: EntryFields {
            status: Status::Watching,
            progress: watches.len() as u32,
            ..Default::default()
        },
        episodes: Some(watches),
        ..Default::default()
    }
}

#[test]
fn another_services_watches_are_added_once_and_names_find_their_numbers() {
    let dir = tempfile::tempdir().unwrap();
    let mut lib = file_lib(&dir, "a.db");
    let c = clock();
    let id = lib.add_from_catalog(&drama("Mouse"), &watching()).unwrap();
    lib.mark_episode(id, ep("S1E1"), WatchedWhen::On(day("2023-03-08")), &c)
        .unwrap();
    let file = Incoming {
        entries: vec![
            service_entry(
                "Mouse",
                vec![
                    named(Some(1), "Chapter 1", "2023-03-09T12:00:00Z"),
                    named(Some(1), "chapter 2", "2023-03-16T12:00:00Z"),
                    named(None, "Chapter 3", "2023-03-23T12:00:00Z"),
                    named(Some(1), "Deleted scene", "2023-03-24T12:00:00Z"),
                ],
            ),
            service_entry(
                "Not in the library",
                vec![named(Some(2), "Pilot", "2022-01-01T20:00:00Z")],
            ),
        ],
        ..Default::default()
    };
    let report = import(&mut lib, ImportFormat::Trakt, file.clone());
    assert_eq!((report.added, report.updated), (1, 1), "{report:#?}");
    let items: Vec<_> = report
        .items
        .iter()
        .map(|i| (&i.title, &i.changes))
        .collect();
    assert!(
        report.items[0]
            .changes
            .iter()
            .any(|c| c.contains("episodes watched")),
        "{items:#?}"
    );
    // Episode 1 keeps the day the viewer gave; 2 and 3 found their
    // numbers (case and season aside); the unknown name waits.
    let w = watched(&lib, id);
    assert_eq!(w.len(), 3, "{w:?}");
    assert_eq!(w[0], (1, 1, vec![day("2023-03-08")]));
    assert_eq!(w[1].0..=w[1].1, 1..=2);
    assert_eq!(w[1].2, vec![day("2023-03-16")]);
    assert_eq!(w[2].1, 3);
    // The waiting watch is one of the episodes seen: it counts, and no
    // episode is marked in its place.
    assert_eq!(lib.entry(id).unwrap().fields.progress, 4);
    let exported: serde_json::Value = serde_json::from_str(&export_json(&lib)).unwrap();
    let waiting: Vec<&serde_json::Value> = exported["entries"]
        .as_array()
        .unwrap()
        .iter()
        .flat_map(|e| e["episodes"].as_array().unwrap())
        .filter(|w| w.get("name").is_some())
        .collect();
    assert_eq!(
        waiting.len(),
        2,
        "kept for when a list can place them: {waiting:#?}"
    );

    // The same file again adds nothing.
    let again = import(&mut lib, ImportFormat::Trakt, file);
    assert_eq!(
        (again.added, again.updated, again.episodes),
        (0, 0, 0),
        "{again:#?}"
    );
}

#[test]
fn a_rewatch_keeps_its_own_watches_through_a_json_round_trip() {
    let dir = tempfile::tempdir().unwrap();
    let mut lib = file_lib(&dir, "a.db");
    let file = Incoming {
        entries: vec![IncomingEntry {
            title: TitleFacts {
                kind: Kind::Series,
                name: "Reply 1988".into(),
                year: Some(2015),
                ..Default::default()
            },
            fields: EntryFields {
                status: Status::Watching,
                progress: 1,
                ..Default::default()
            },
            viewings: vec![ViewingDetails {
                started_on: Some(day("2016-01-01")),
                finished_on: Some(day("2016-02-01")),
                platform: None,
                progress: 2,
            }],
            episodes: Some(vec![
                IncomingWatch {
                    episode: IncomingEpisode::Numbered(ep("S1E1")),
                    when: WatchedWhen::On(day("2016-01-01")),
                    viewing: Some(0),
                    ..Default::default()
                },
                IncomingWatch {
                    episode: IncomingEpisode::Numbered(ep("S1E2")),
                    when: WatchedWhen::On(day("2016-01-02")),
                    viewing: Some(0),
                    ..Default::default()
                },
                IncomingWatch {
                    episode: IncomingEpisode::Numbered(ep("S1E1")),
                    when: WatchedWhen::On(day("2024-05-01")),
                    ..Default::default()
                },
            ]),
            ..Default::default()
        }],
        ..Default::default()
    };
    let report = import(&mut lib, ImportFormat::Trakt, file);
    assert_eq!(report.episodes, 3, "{report:#?}");
    let first = export_json(&lib);
    let v: serde_json::Value = serde_json::from_str(&first).unwrap();
    let eps = v["entries"][0]["episodes"].as_array().unwrap();
    assert_eq!(eps.len(), 3);
    assert_eq!(
        eps[0].get("viewing"),
        None,
        "the current viewing first: {eps:#?}"
    );
    assert_eq!(eps[1]["viewing"], 0);
    let mut fresh = file_lib(&dir, "b.db");
    import(
        &mut fresh,
        ImportFormat::WatchlogJson,
        watchlog_json::parse(first.as_bytes()).unwrap(),
    );
    assert_eq!(export_json(&fresh), first);
}

#[test]
fn a_bad_watch_in_a_file_imports_nothing() {
    let dir = tempfile::tempdir().unwrap();
    let mut lib = file_lib(&dir, "a.db");
    let mut other = file_lib(&dir, "b.db");
    let id = other
        .add_from_catalog(&drama("Kingdom"), &watching())
        .unwrap();
    other
        .mark_episode(id, ep("S1E1"), WatchedWhen::Unknown, &clock())
        .unwrap();
    let mut file: serde_json::Value = serde_json::from_str(&export_json(&other)).unwrap();
    file["entries"][0]["episodes"][0]["number"] = 0.into();
    let text = serde_json::to_string(&file).unwrap();
    let err = watchlog_json::parse(text.as_bytes())
        .unwrap_err()
        .to_string();
    assert!(err.contains("'Kingdom'") && err.contains("S1E0"), "{err}");
    file["entries"][0]["episodes"][0]["number"] = 1.into();
    file["entries"][0]["episodes"][0]["viewing"] = 3.into();
    let pointing_nowhere = serde_json::to_string(&file).unwrap();
    let incoming = watchlog_json::parse(pointing_nowhere.as_bytes()).unwrap();
    let parsed = ParsedExport {
        incoming,
        ..Default::default()
    };
    let err = Import::new(ImportFormat::WatchlogJson, parsed)
        .run(&mut lib, Mode::Apply, &RunOptions::default())
        .unwrap_err()
        .to_string();
    assert!(err.contains("rewatch 4"), "{err}");
    assert!(lib.list(&Default::default()).unwrap().is_empty());
}
