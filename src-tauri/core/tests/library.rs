//! The core's behaviour through its public API, on real SQLite files in
//! temporary folders: entries, status-driven dates, viewings, platforms,
//! settings, search, sorting, stats, and `open` refusing files it must not
//! touch while leaving them byte for byte as they were.

use std::path::{Path, PathBuf};

use chrono::NaiveDate;
use watchlog_core::{
    EntryFields, EntryPatch, Error, ExternalIds, Kind, Library, ListQuery, NewEntry, Rating,
    RatingScale, Settings, SortKey, Status, Theme, TitleFacts, ViewingDetails,
};
use watchlog_testkit::{strangers, Sandbox};

fn day(s: &str) -> NaiveDate {
    NaiveDate::parse_from_str(s, "%Y-%m-%d").unwrap()
}

fn fresh() -> (Sandbox, Library) {
    let sandbox = Sandbox::new();
    let lib = Library::open(&sandbox.db).expect("a new library opens");
    (sandbox, lib)
}

fn sample() -> (Sandbox, Library) {
    let (sandbox, mut lib) = fresh();
    assert_eq!(lib.load_sample().expect("the sample loads"), 14);
    (sandbox, lib)
}

fn title(name: &str, episodes: Option<u32>) -> NewEntry {
    NewEntry {
        title: TitleFacts {
            kind: Kind::Series,
            name: name.into(),
            episodes,
            ..Default::default()
        },
        fields: EntryFields::default(),
    }
}

fn soundtrack() -> NewEntry {
    let mut n = title("Soundtrack #2", Some(6));
    n.title.original_name = Some("사운드트랙 #2".into());
    n.title.year = Some(2023);
    n.title.country = Some("kr".into());
    n.fields.platform = Some("disney+".into());
    n
}

fn names(lib: &Library, q: &ListQuery) -> Vec<String> {
    lib.list(q)
        .unwrap_or_else(|e| panic!("listing {q:?} failed: {e}"))
        .into_iter()
        .map(|s| s.name)
        .collect()
}

fn search(lib: &Library, text: &str) -> Vec<String> {
    names(
        lib,
        &ListQuery {
            search: Some(text.into()),
            ..Default::default()
        },
    )
}

#[test]
fn add_get_list_update_delete() {
    let (_sandbox, mut lib) = fresh();
    let id = lib.add_entry(&soundtrack()).expect("adding works");
    let e = lib.entry(id).expect("the new entry reads back");
    assert_eq!(e.title.facts.name, "Soundtrack #2");
    assert_eq!(
        e.title.facts.original_name.as_deref(),
        Some("사운드트랙 #2")
    );
    assert_eq!(
        e.title.facts.country.as_deref(),
        Some("KR"),
        "country codes are stored upper case"
    );
    assert_eq!(
        e.fields.platform.as_deref(),
        Some("Disney+"),
        "the platform name is matched in any case and stored as the platform's own name"
    );
    assert_eq!(e.fields.status, Status::PlanToWatch);
    assert_eq!(e.rewatch_count, 0);

    let list = lib.list(&ListQuery::default()).unwrap();
    assert_eq!(list.len(), 1, "one entry listed: {list:?}");
    assert_eq!(list[0].id, id);
    assert_eq!(list[0].episodes, Some(6));

    let mut f = e.fields.clone();
    f.rating = Some(Rating::parse_in("8.5", RatingScale::Ten).unwrap());
    f.notes = Some("Watch with headphones".into());
    f.favorite = true;
    let e = lib
        .update_entry(id, &EntryPatch::all(&f))
        .expect("updating works");
    assert_eq!(e.fields.rating.map(Rating::get), Some(85));
    assert_eq!(e.rating_10, Some(8.5));
    assert!(e.fields.favorite);
    assert_eq!(e.fields.notes.as_deref(), Some("Watch with headphones"));

    lib.delete_entry(id).expect("deleting works");
    assert!(
        matches!(lib.entry(id), Err(Error::NotFound { what: "entry", .. })),
        "a deleted entry must be gone"
    );
    assert!(lib.list(&ListQuery::default()).unwrap().is_empty());
    assert!(
        matches!(lib.delete_entry(id), Err(Error::NotFound { .. })),
        "deleting twice must say the entry is not there"
    );
    assert!(
        matches!(
            lib.update_entry(id, &EntryPatch::all(&f)),
            Err(Error::NotFound { .. })
        ),
        "updating a missing entry must say it is not there"
    );
}

#[test]
fn bad_title_facts_are_refused() {
    let (_sandbox, mut lib) = fresh();
    for (what, new) in [
        ("an empty name", title("  ", None)),
        ("a three-letter country", {
            let mut n = title("X", None);
            n.title.country = Some("KOR".into());
            n
        }),
        ("a year out of range", {
            let mut n = title("X", None);
            n.title.year = Some(20230);
            n
        }),
        ("a poster URL that is not http", {
            let mut n = title("X", None);
            n.title.poster_url = Some("file:///etc/passwd".into());
            n
        }),
        ("an unknown platform", {
            let mut n = title("X", None);
            n.fields.platform = Some("Nowhere+".into());
            n
        }),
    ] {
        assert!(
            matches!(
                lib.add_entry(&new),
                Err(Error::InvalidInput(_) | Error::InvalidField { .. })
            ),
            "{what} should be refused as invalid input"
        );
    }
    assert!(
        lib.list(&ListQuery::default()).unwrap().is_empty(),
        "a refused add must leave nothing behind"
    );
}

#[test]
fn duplicate_catalogue_ids_conflict() {
    let (_sandbox, mut lib) = fresh();
    let mut n = soundtrack();
    n.title.external_ids = ExternalIds {
        tvmaze: Some("70000".into()),
        ..Default::default()
    };
    let id = lib.add_entry(&n).unwrap();
    match lib.add_entry(&n) {
        Err(Error::Conflict(msg)) => assert!(
            msg.contains(&id.to_string()),
            "the conflict should name entry {id}: {msg}"
        ),
        other => panic!("adding the same tvmaze id twice should conflict, got {other:?}"),
    }
}

#[test]
fn status_changes_fill_dates_and_progress() {
    let (_sandbox, mut lib) = fresh();
    let id = lib.add_entry_on(&soundtrack(), day("2023-12-19")).unwrap();
    let e = lib.entry(id).unwrap();
    assert_eq!(
        (e.fields.started_on, e.fields.finished_on),
        (None, None),
        "a planned title has no dates"
    );

    let mut f = e.fields.clone();
    f.status = Status::Watching;
    let e = lib
        .update_entry_on(id, &EntryPatch::all(&f), day("2023-12-20"))
        .unwrap();
    assert_eq!(
        e.fields.started_on,
        Some(day("2023-12-20")),
        "moving to Watching should start today"
    );

    let mut f = e.fields.clone();
    f.progress = 3;
    f.status = Status::Completed;
    let e = lib
        .update_entry_on(id, &EntryPatch::all(&f), day("2023-12-27"))
        .unwrap();
    assert_eq!(
        e.fields.finished_on,
        Some(day("2023-12-27")),
        "completing should finish today"
    );
    assert_eq!(
        e.fields.progress, 6,
        "completing should mark every episode watched"
    );
    assert_eq!(
        e.fields.started_on,
        Some(day("2023-12-20")),
        "completing must keep the start date"
    );

    // Back to watching and completed again: dates already there are kept.
    let mut f = e.fields.clone();
    f.status = Status::Watching;
    let e = lib
        .update_entry_on(id, &EntryPatch::all(&f), day("2024-05-01"))
        .unwrap();
    assert_eq!(e.fields.started_on, Some(day("2023-12-20")));
    let mut f = e.fields.clone();
    f.status = Status::Completed;
    let e = lib
        .update_entry_on(id, &EntryPatch::all(&f), day("2024-05-02"))
        .unwrap();
    assert_eq!(
        e.fields.finished_on,
        Some(day("2023-12-27")),
        "a finish date already there must not be overwritten"
    );

    // A typed finish date wins over today.
    let mut n = title("Parasite", Some(1));
    n.fields.status = Status::Completed;
    n.fields.finished_on = Some(day("2019-10-12"));
    let id2 = lib.add_entry_on(&n, day("2024-01-01")).unwrap();
    let e2 = lib.entry(id2).unwrap();
    assert_eq!(e2.fields.finished_on, Some(day("2019-10-12")));
    assert_eq!(
        e2.fields.progress, 1,
        "adding as completed should fill the progress"
    );
}

#[test]
fn progress_is_limited_by_the_episode_count() {
    let (_sandbox, mut lib) = fresh();
    let id = lib.add_entry(&soundtrack()).unwrap();
    let mut f = lib.entry(id).unwrap().fields;
    f.progress = 7;
    assert!(
        matches!(
            lib.update_entry(id, &EntryPatch::all(&f)),
            Err(Error::InvalidInput(_) | Error::InvalidField { .. })
        ),
        "7 of 6 episodes should be refused"
    );
    assert_eq!(
        lib.entry(id).unwrap().fields.progress,
        0,
        "a refused update changes nothing"
    );

    let e = lib.add_episode(id).unwrap();
    assert_eq!(e.fields.progress, 1);
    assert_eq!(
        e.fields.status,
        Status::Watching,
        "the first episode starts a planned entry"
    );
    for _ in 2..=6 {
        lib.add_episode(id).unwrap();
    }
    let e = lib.entry(id).unwrap();
    assert_eq!(
        (e.fields.progress, e.fields.status),
        (6, Status::Completed),
        "the last episode completes the entry"
    );
    assert!(
        matches!(
            lib.add_episode(id),
            Err(Error::InvalidInput(_) | Error::InvalidField { .. })
        ),
        "there is no seventh episode"
    );

    // Without an episode count only implausible numbers are refused.
    let open_ended = lib.add_entry(&title("Running Man", None)).unwrap();
    let mut f = lib.entry(open_ended).unwrap().fields;
    f.progress = 700;
    assert_eq!(
        lib.update_entry(open_ended, &EntryPatch::all(&f))
            .unwrap()
            .fields
            .progress,
        700
    );
    f.progress = 1_000_000;
    assert!(matches!(
        lib.update_entry(open_ended, &EntryPatch::all(&f)),
        Err(Error::InvalidInput(_) | Error::InvalidField { .. })
    ));
}

#[test]
fn finishing_before_starting_is_refused() {
    let (_sandbox, mut lib) = fresh();
    let id = lib.add_entry(&soundtrack()).unwrap();
    let before = lib.entry(id).unwrap();
    let mut f = before.fields.clone();
    f.started_on = Some(day("2023-12-20"));
    f.finished_on = Some(day("2023-12-19"));
    match lib.update_entry(id, &EntryPatch::all(&f)) {
        Err(Error::InvalidField { message: msg, .. }) => assert!(
            msg.contains("2023-12-19") && msg.contains("2023-12-20"),
            "the message should name both dates: {msg}"
        ),
        other => panic!("finish before start should be refused, got {other:?}"),
    }
    assert_eq!(
        lib.entry(id).unwrap(),
        before,
        "a refused update must change nothing"
    );

    let bad = ViewingDetails {
        started_on: Some(day("2024-03-05")),
        finished_on: Some(day("2024-03-01")),
        platform: None,
        progress: 0,
    };
    assert!(
        matches!(
            lib.add_viewing(id, &bad),
            Err(Error::InvalidInput(_) | Error::InvalidField { .. })
        ),
        "a viewing that ends before it starts should be refused"
    );
    assert!(lib.entry(id).unwrap().viewings.is_empty());
}

#[test]
fn tags_are_trimmed_replaced_and_cleaned_up() {
    let (_sandbox, mut lib) = fresh();
    let id = lib.add_entry(&soundtrack()).unwrap();
    let other = lib.add_entry(&title("Reply 1988", Some(20))).unwrap();
    let mut f = lib.entry(id).unwrap().fields;
    f.tags = vec![" music ".into(), "short".into(), "".into(), "Music".into()];
    let e = lib.update_entry(id, &EntryPatch::all(&f)).unwrap();
    assert_eq!(
        e.fields.tags,
        vec!["music", "short"],
        "tags should be trimmed, blanks dropped and case-insensitive duplicates merged"
    );

    let mut g = lib.entry(other).unwrap().fields;
    g.tags = vec!["MUSIC".into(), "family".into()];
    let e2 = lib.update_entry(other, &EntryPatch::all(&g)).unwrap();
    assert_eq!(
        e2.fields.tags,
        vec!["family", "music"],
        "a tag shared by two entries keeps its first spelling"
    );

    f.tags.clear();
    assert!(lib
        .update_entry(id, &EntryPatch::all(&f))
        .unwrap()
        .fields
        .tags
        .is_empty());
    lib.delete_entry(other).unwrap();
    let left: i64 = rusqlite::Connection::open(lib.path().unwrap())
        .unwrap()
        .query_row("SELECT count(*) FROM tags", [], |r| r.get(0))
        .unwrap();
    assert_eq!(left, 0, "tags no entry uses should be deleted");
}

#[test]
fn viewings_are_kept_in_order_and_counted() {
    let (_sandbox, mut lib) = fresh();
    let id = lib.add_entry(&soundtrack()).unwrap();
    let v = |s: &str, f: &str| ViewingDetails {
        started_on: Some(day(s)),
        finished_on: Some(day(f)),
        platform: Some("Disney+".into()),
        progress: 6,
    };
    lib.add_viewing(id, &v("2025-01-01", "2025-01-03")).unwrap();
    let e = lib.add_viewing(id, &v("2024-03-01", "2024-03-05")).unwrap();
    assert_eq!(e.rewatch_count, 2);
    let starts: Vec<_> = e.viewings.iter().map(|v| v.details.started_on).collect();
    assert_eq!(
        starts,
        vec![Some(day("2024-03-01")), Some(day("2025-01-01"))],
        "viewings should be oldest first"
    );

    let mut too_many = v("2025-02-01", "2025-02-02");
    too_many.progress = 7;
    assert!(matches!(
        lib.add_viewing(id, &too_many),
        Err(Error::InvalidInput(_) | Error::InvalidField { .. })
    ));
    let mut unknown = v("2025-02-01", "2025-02-02");
    unknown.platform = Some("Nowhere+".into());
    assert!(matches!(
        lib.add_viewing(id, &unknown),
        Err(Error::InvalidInput(_) | Error::InvalidField { .. })
    ));
    assert!(matches!(
        lib.add_viewing(999, &v("2025-02-01", "2025-02-02")),
        Err(Error::NotFound { .. })
    ));

    let e = lib.delete_viewing(e.viewings[0].id).unwrap();
    assert_eq!(e.rewatch_count, 1, "deleting a viewing lowers the count");
    assert!(matches!(
        lib.delete_viewing(12345),
        Err(Error::NotFound {
            what: "viewing",
            ..
        })
    ));
}

#[test]
fn platforms_crud_and_conflicts() {
    let (_sandbox, mut lib) = fresh();
    let before = lib.platforms().unwrap();
    assert!(
        before.iter().any(|p| p.name == "Disney+"),
        "the built-in platforms should include Disney+"
    );

    let p = lib.add_platform("  Laftel ", true).unwrap();
    assert_eq!((p.name.as_str(), p.subscribed), ("Laftel", true));
    assert_eq!(
        lib.platforms().unwrap().last().map(|l| l.id),
        Some(p.id),
        "a new platform goes at the end"
    );
    assert!(
        matches!(lib.add_platform("laftel", false), Err(Error::Conflict(_))),
        "names are unique in any case"
    );
    assert!(matches!(
        lib.add_platform("   ", false),
        Err(Error::InvalidInput(_) | Error::InvalidField { .. })
    ));

    let netflix = before.iter().find(|p| p.name == "Netflix").unwrap().id;
    assert!(
        matches!(
            lib.update_platform(p.id, "NETFLIX", true),
            Err(Error::Conflict(_))
        ),
        "renaming onto another platform's name should conflict"
    );
    let renamed = lib.update_platform(p.id, "Laftel Plus", false).unwrap();
    assert_eq!(
        (renamed.name.as_str(), renamed.subscribed),
        ("Laftel Plus", false)
    );
    assert!(matches!(
        lib.update_platform(9999, "X", false),
        Err(Error::NotFound { .. })
    ));

    let mut n = soundtrack();
    n.fields.platform = Some("laftel plus".into());
    let id = lib.add_entry(&n).unwrap();
    assert_eq!(
        lib.platforms()
            .unwrap()
            .iter()
            .find(|q| q.id == p.id)
            .unwrap()
            .entries,
        1,
        "the platform should count the entry that names it"
    );
    lib.delete_platform(p.id).unwrap();
    assert_eq!(
        lib.entry(id).unwrap().fields.platform,
        None,
        "an entry whose platform is removed keeps no platform"
    );
    assert!(matches!(
        lib.delete_platform(p.id),
        Err(Error::NotFound { .. })
    ));
    assert!(lib.platforms().unwrap().iter().any(|q| q.id == netflix));
}

#[test]
fn settings_round_trip() {
    let sandbox = Sandbox::new();
    let path = sandbox.db.clone();
    let mut lib = Library::open(&path).unwrap();
    assert_eq!(
        lib.settings().unwrap(),
        Settings::default(),
        "a new library has default settings"
    );
    assert_eq!(lib.settings().unwrap().rating_scale, RatingScale::Ten);

    let saved = lib
        .save_settings(&Settings {
            rating_scale: RatingScale::Hundred,
            theme: Theme::Dark,
            default_platform: Some("viki".into()),
            allowed_hosts: vec![
                "NAS.local".into(),
                " http://192.168.1.20:8080/img ".into(),
                "nas.local".into(),
            ],
            notify_new_episodes: false,
            webhook_port: None,
            webhook_token: None,
            language: Some("ko".into()),
        })
        .unwrap();
    assert_eq!(saved.language.as_deref(), Some("ko"));
    let e = lib
        .save_settings(&Settings {
            language: Some("tlh".into()),
            ..saved.clone()
        })
        .unwrap_err();
    assert_eq!(e.field(), Some("language"), "{e}");
    assert!(e.to_string().contains("'tlh'"), "{e}");
    assert_eq!(
        lib.settings().unwrap().language.as_deref(),
        Some("ko"),
        "a refused language changes nothing"
    );
    assert_eq!(
        saved.default_platform.as_deref(),
        Some("Viki"),
        "the default platform is stored under the platform's own name"
    );
    assert_eq!(
        saved.allowed_hosts,
        ["nas.local", "192.168.1.20"],
        "hosts are kept bare, lower-case, once each"
    );
    let e = lib
        .save_settings(&Settings {
            allowed_hosts: vec!["nas local/x".into()],
            ..saved.clone()
        })
        .unwrap_err();
    assert_eq!(e.field(), Some("allowed_hosts"), "{e}");
    assert!(e.to_string().contains("'nas local/x'"), "{e}");
    assert_eq!(
        lib.settings().unwrap(),
        saved,
        "a refused setting changes nothing"
    );
    // A webhook port gets a token once, kept when the port changes or
    // the listener is turned off; a port below 1024 is refused.
    let on = lib
        .save_settings(&Settings {
            webhook_port: Some(8787),
            ..saved.clone()
        })
        .unwrap();
    let token = on.webhook_token.clone().expect("a token is made");
    assert_eq!(token.len(), 48);
    let moved = lib
        .save_settings(&Settings {
            webhook_port: Some(9000),
            webhook_token: None,
            ..on.clone()
        })
        .unwrap();
    assert_eq!(moved.webhook_token.as_deref(), Some(token.as_str()));
    let off = lib
        .save_settings(&Settings {
            webhook_port: None,
            ..moved
        })
        .unwrap();
    assert_eq!(
        (off.webhook_port, off.webhook_token.as_deref()),
        (None, Some(token.as_str()))
    );
    let e = lib
        .save_settings(&Settings {
            webhook_port: Some(80),
            ..off.clone()
        })
        .unwrap_err();
    assert_eq!(e.field(), Some("webhook_port"), "{e}");
    let kept = lib
        .save_settings(&Settings {
            webhook_token: None,
            ..off
        })
        .unwrap();
    assert_eq!(
        kept.webhook_token.as_deref(),
        Some(token.as_str()),
        "a listener turned off keeps its token for next time"
    );
    drop(lib);
    let mut lib = Library::open(&path).unwrap();
    let s = lib.settings().unwrap();
    assert_eq!(
        (s.rating_scale, s.theme),
        (RatingScale::Hundred, Theme::Dark),
        "settings survive reopening"
    );
    assert_eq!(
        Rating::parse_in("85", s.rating_scale).unwrap().get(),
        85,
        "the 100-point scale stores the number as typed"
    );

    let before = lib.settings().unwrap();
    assert!(
        matches!(
            lib.save_settings(&Settings {
                default_platform: Some("Nowhere+".into()),
                ..before.clone()
            }),
            Err(Error::InvalidInput(_) | Error::InvalidField { .. })
        ),
        "an unknown default platform should be refused"
    );
    assert_eq!(
        lib.settings().unwrap(),
        before,
        "a refused save changes nothing"
    );

    let cleared = lib
        .save_settings(&Settings {
            default_platform: None,
            ..before
        })
        .unwrap();
    assert_eq!(cleared.default_platform, None);
}

#[test]
fn search_finds_substrings_in_any_script() {
    let (_sandbox, mut lib) = sample();
    let mut p = title("Pokémon: The First Movie", Some(1));
    p.title.original_name = Some("ミュウツーの逆襲".into());
    lib.add_entry(&p).unwrap();

    let hits = search(&lib, "사운드");
    assert_eq!(
        hits,
        vec!["Soundtrack #2"],
        "Hangul substring of the original title"
    );
    assert_eq!(search(&lib, "사운드트랙 #2"), vec!["Soundtrack #2"]);
    assert_eq!(
        search(&lib, "Sound"),
        vec!["Soundtrack #2"],
        "a Latin prefix, any case"
    );
    assert_eq!(search(&lib, "untam"), vec!["The Untamed"]);
    assert_eq!(
        search(&lib, "pokemon"),
        vec!["Pokémon: The First Movie"],
        "accents are folded"
    );
    assert_eq!(search(&lib, "ミュウツー"), vec!["Pokémon: The First Movie"]);
    assert_eq!(
        search(&lib, "응답"),
        vec!["Reply 1988"],
        "a two-character Hangul word"
    );
    assert_eq!(
        search(&lib, "#2"),
        vec!["Soundtrack #2"],
        "a two-character term"
    );
    assert!(
        search(&lib, "Jung Hye-seung").contains(&"Soundtrack #2".to_string()),
        "people are searchable"
    );
    for hostile in [
        "\"",
        "%",
        "100%",
        "a\"b",
        "_",
        "\\",
        "' OR 1=1 --",
        "NEAR(",
        "*",
    ] {
        let hits = lib.list(&ListQuery {
            search: Some(hostile.into()),
            ..Default::default()
        });
        match hits {
            Ok(h) => assert!(
                h.is_empty(),
                "searching for {hostile:?} should match nothing literally, got {:?}",
                h.iter().map(|s| &s.name).collect::<Vec<_>>()
            ),
            Err(e) => panic!("searching for {hostile:?} failed: {e}"),
        }
    }
    assert_eq!(
        lib.list(&ListQuery {
            search: Some("   ".into()),
            ..Default::default()
        })
        .unwrap()
        .len(),
        15,
        "a blank search lists everything"
    );
}

#[test]
fn search_combines_with_filters() {
    let (_sandbox, lib) = sample();
    let q = ListQuery {
        status: Some(Status::Completed),
        platform: Some("netflix".into()),
        ..Default::default()
    };
    let hits = names(&lib, &q);
    assert_eq!(hits.len(), 5, "completed on Netflix: {hits:?}");
    assert!(matches!(
        lib.list(&ListQuery {
            platform: Some("Nowhere+".into()),
            ..Default::default()
        }),
        Err(Error::InvalidInput(_) | Error::InvalidField { .. })
    ));
    let limited = lib
        .list(&ListQuery {
            limit: Some(3),
            ..Default::default()
        })
        .unwrap();
    assert_eq!(limited.len(), 3);
}

#[test]
fn title_sort_ignores_leading_articles() {
    let (_sandbox, lib) = sample();
    let q = ListQuery {
        sort: Some(SortKey::Title),
        ..Default::default()
    };
    let sorted = names(&lib, &q);
    let pos = |n: &str| {
        sorted
            .iter()
            .position(|s| s == n)
            .unwrap_or_else(|| panic!("{n} missing from {sorted:?}"))
    };
    assert!(
        pos("Extraordinary Attorney Woo") < pos("The King: Eternal Monarch")
            && pos("The King: Eternal Monarch") < pos("Little Forest"),
        "'The King' should sort under K: {sorted:?}"
    );
    assert_eq!(
        sorted.last().map(String::as_str),
        Some("The Untamed"),
        "'The Untamed' should sort under U, last: {sorted:?}"
    );
    assert_eq!(sorted.first().map(String::as_str), Some("Bad Genius"));

    let reversed = names(&lib, &ListQuery { reverse: true, ..q });
    let mut expected = sorted.clone();
    expected.reverse();
    assert_eq!(reversed, expected, "--reverse reverses the title order");

    let by_rating = lib
        .list(&ListQuery {
            sort: Some(SortKey::Rating),
            ..Default::default()
        })
        .unwrap();
    assert_eq!(by_rating[0].name, "Reply 1988", "highest rating first");
    assert!(
        by_rating.last().unwrap().rating.is_none(),
        "unrated entries go last"
    );
}

#[test]
fn stats_on_the_sample_library() {
    let (_sandbox, lib) = sample();
    let s = lib.stats().unwrap();
    assert_eq!(s.titles, 14);
    let c = &s.by_status;
    assert_eq!(
        (
            c.plan_to_watch,
            c.watching,
            c.completed,
            c.on_hold,
            c.dropped
        ),
        (2, 2, 8, 1, 1),
        "status counts"
    );
    let count = |v: &[watchlog_core::Count], label: &str| {
        v.iter().find(|c| c.label == label).map_or(0, |c| c.count)
    };
    assert_eq!(count(&s.by_kind, "series"), 10);
    assert_eq!(count(&s.by_kind, "film"), 4);
    assert_eq!(count(&s.by_platform, "Netflix"), 8);
    assert_eq!(count(&s.by_country, "KR"), 9);
    assert_eq!(s.average_rating, Some(8.5), "nine ratings summing to 765");
    assert_eq!(
        s.episodes_watched, 122,
        "102 episodes in entries plus the 20 of Reply 1988's rewatch"
    );
    assert_eq!(s.hours_watched, 152.3, "9138 minutes");
    assert_eq!(s.reviews, 9);
    assert_eq!(s.favorites, 3);
    assert_eq!(s.rating_distribution.len(), 21, "0 to 10 in halves");
    assert_eq!(count(&s.rating_distribution, "8.5"), 1);
    assert_eq!(count(&s.rating_distribution, "9.5"), 2);
    assert_eq!(count(&s.rating_distribution, "10"), 1);
    assert_eq!(
        count(&s.finished_per_month, "2024-01"),
        2,
        "Bad Genius and the end of Reply 1988's rewatch"
    );
}

#[test]
fn the_sample_only_loads_into_an_empty_library() {
    let (_sandbox, mut lib) = sample();
    assert!(matches!(
        lib.load_sample(),
        Err(Error::InvalidInput(_) | Error::InvalidField { .. })
    ));
    assert_eq!(lib.status_counts().unwrap().all, 14);
}

// ---- opening files that are not ours to write ----

fn side_files(path: &Path) -> Vec<PathBuf> {
    ["-wal", "-shm", "-journal"]
        .iter()
        .map(|s| {
            let mut p = path.as_os_str().to_owned();
            p.push(s);
            PathBuf::from(p)
        })
        .filter(|p| p.exists())
        .collect()
}

/// Opens `path`, which must be refused, and checks it was left exactly as
/// it was with nothing created beside it.
fn assert_refused(path: &Path, check: impl Fn(&Error) -> bool, what: &str) {
    let before = std::fs::read(path).unwrap();
    let err = Library::open(path).expect_err(&format!("{what} should be refused"));
    assert!(
        check(&err),
        "{what} was refused with the wrong error: {err:?}"
    );
    assert!(
        err.to_string().contains("not changed"),
        "the message should reassure that the file was not changed: {err}"
    );
    assert!(
        std::fs::read(path).unwrap() == before,
        "{what} was modified by a refused open"
    );
    assert_eq!(
        side_files(path),
        Vec::<PathBuf>::new(),
        "{what}: a refused open left files beside the library"
    );
}

#[test]
fn open_refuses_a_newer_library() {
    for wal in [false, true] {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("newer.db");
        strangers::newer_library(&path, wal);
        assert_refused(
            &path,
            |e| {
                matches!(
                    e,
                    Error::NewerDatabase {
                        found: 99,
                        supported: watchlog_core::store::LATEST_VERSION,
                        ..
                    }
                )
            },
            &format!("a library from a newer version (wal: {wal})"),
        );
    }
}

#[test]
fn open_refuses_random_bytes() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("random.db");
    strangers::random_bytes(&path, 16_384);
    assert_refused(
        &path,
        |e| matches!(e, Error::Corrupt { .. }),
        "a file of random bytes",
    );
}

#[test]
fn open_refuses_another_programs_database() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("browser-history.sqlite");
    strangers::foreign_database(&path);
    assert_refused(
        &path,
        |e| matches!(e, Error::NotALibrary { .. }),
        "another program's SQLite file",
    );
}

#[test]
fn open_refuses_a_folder() {
    let dir = tempfile::tempdir().unwrap();
    assert!(matches!(
        Library::open(dir.path()),
        Err(Error::InvalidInput(_) | Error::InvalidField { .. })
    ));
}

#[test]
fn reopening_a_library_leaves_it_byte_for_byte() {
    let dir = tempfile::tempdir().unwrap();
    // URI syntax in the folder name: the read-only inspection must still
    // find the file.
    let path = dir.path().join("odd ?#% name").join("watchlog.db");
    let mut lib = Library::open(&path).expect("open creates the folder and the file");
    lib.add_entry(&soundtrack()).unwrap();
    drop(lib);
    assert!(
        side_files(&path).is_empty(),
        "closing the library should checkpoint and remove the WAL: {:?}",
        side_files(&path)
    );
    let before = std::fs::read(&path).unwrap();
    let lib = Library::open(&path).unwrap();
    assert_eq!(lib.list(&ListQuery::default()).unwrap().len(), 1);
    let info = lib.info().unwrap();
    assert_eq!(info.integrity, vec!["ok"]);
    let latest = watchlog_core::store::LATEST_VERSION;
    assert_eq!(
        (info.schema_version, info.supported_version),
        (latest, latest)
    );
    assert_eq!(info.entries, 1);
    drop(lib);
    assert!(
        std::fs::read(&path).unwrap() == before,
        "opening and reading a library must not change its bytes"
    );
}

// ------------------------------------------------------------ patches

#[test]
fn a_patch_changes_only_the_fields_it_names() {
    let (_sandbox, mut lib) = fresh();
    let id = lib.add_entry(&soundtrack()).unwrap();
    let mut f = lib.entry(id).unwrap().fields;
    f.notes = Some("with a friend".into());
    f.tags = vec!["cozy".into()];
    lib.update_entry(id, &EntryPatch::all(&f)).unwrap();
    let before = lib.entry(id).unwrap();

    let e = lib
        .update_entry(
            id,
            &EntryPatch {
                rating: Some(Some(Rating::new(85).unwrap())),
                ..Default::default()
            },
        )
        .unwrap();
    assert_eq!(e.fields.rating, Some(Rating::new(85).unwrap()));
    let mut expected = before.fields.clone();
    expected.rating = e.fields.rating;
    assert_eq!(e.fields, expected, "only the rating changed");

    // `null` empties a field; an empty patch writes nothing at all.
    let e = lib
        .update_entry(
            id,
            &EntryPatch {
                notes: Some(None),
                ..Default::default()
            },
        )
        .unwrap();
    assert_eq!(e.fields.notes, None);
    let e2 = lib.update_entry(id, &EntryPatch::default()).unwrap();
    assert_eq!(
        e2.updated_at, e.updated_at,
        "an empty patch changes nothing"
    );
}

/// Two connections (the app and the CLI) edit different fields of one
/// entry at the same time: every change of both is there at the end, and
/// neither sees "database is locked". Writing the whole record read before
/// the other's write would lose the other's change.
#[test]
fn two_faces_editing_different_fields_at_once_keep_both_changes() {
    let (sandbox, mut lib) = fresh();
    let path = sandbox.db.clone();
    let mut n = title("Moving", Some(60));
    n.fields.status = Status::Watching;
    let id = lib.add_entry(&n).unwrap();
    drop(lib);

    const ROUNDS: u32 = 40;
    let start = std::sync::Arc::new(std::sync::Barrier::new(2));
    let episodes = {
        let (path, start) = (path.clone(), start.clone());
        std::thread::spawn(move || {
            let mut lib = Library::open(&path).unwrap();
            start.wait();
            for _ in 0..ROUNDS {
                lib.add_episode(id)
                    .expect("+1 episode waits for the other writer");
            }
        })
    };
    let notes = {
        let (path, start) = (path.clone(), start.clone());
        std::thread::spawn(move || {
            let mut lib = Library::open(&path).unwrap();
            start.wait();
            for i in 1..=ROUNDS {
                let patch = EntryPatch {
                    notes: Some(Some(format!("note {i}"))),
                    rating: Some(Some(Rating::new(i as u8).unwrap())),
                    ..Default::default()
                };
                lib.update_entry(id, &patch)
                    .expect("a patch waits for the other writer");
            }
        })
    };
    episodes.join().unwrap();
    notes.join().unwrap();

    let e = Library::open(&path).unwrap().entry(id).unwrap();
    assert_eq!(e.fields.progress, ROUNDS, "no +1 episode was lost");
    assert_eq!(e.fields.notes.as_deref(), Some("note 40"));
    assert_eq!(e.fields.rating, Some(Rating::new(ROUNDS as u8).unwrap()));
}

#[test]
fn a_preview_shows_the_status_rules_and_every_field_error_without_writing() {
    let (_sandbox, mut lib) = fresh();
    let id = lib.add_entry(&soundtrack()).unwrap();
    let before = lib.entry(id).unwrap();
    let completing = EntryPatch {
        status: Some(Status::Completed),
        ..Default::default()
    };
    let p = lib
        .preview_entry_on(id, &completing, day("2024-01-05"))
        .unwrap();
    assert!(p.errors.is_empty(), "{:?}", p.errors);
    assert_eq!(p.fields.progress, 6, "completing fills the progress");
    assert_eq!(p.fields.finished_on, Some(day("2024-01-05")));
    assert_eq!(
        p.fields.started_on, None,
        "completing fills only the finish"
    );
    assert_eq!(lib.entry(id).unwrap(), before, "a preview writes nothing");

    let bad = EntryPatch {
        progress: Some(9),
        started_on: Some(Some(day("2024-02-01"))),
        finished_on: Some(Some(day("2024-01-01"))),
        platform: Some(Some("Nowhere+".into())),
        ..Default::default()
    };
    let fields: Vec<_> = lib
        .preview_entry(id, &bad)
        .unwrap()
        .errors
        .into_iter()
        .map(|e| e.field.unwrap_or_default())
        .collect();
    assert_eq!(fields, ["progress", "finished_on", "platform"]);
    let err = lib.update_entry(id, &bad).unwrap_err();
    assert_eq!(err.field(), Some("progress"), "saving refuses the first");
}

#[test]
fn title_checks_name_their_fields() {
    let (_sandbox, mut lib) = fresh();
    let mut n = soundtrack();
    n.title.name = "  ".into();
    n.title.year = Some(1700);
    n.title.country = Some("Korea".into());
    n.fields.platform = Some("Nowhere+".into());
    let fields: Vec<_> = lib
        .check_new_entry(&n)
        .into_iter()
        .map(|e| e.field.unwrap_or_default())
        .collect();
    assert_eq!(fields, ["name", "country", "year", "platform"]);
    let err = lib.add_entry(&n).unwrap_err();
    assert_eq!(err.field(), Some("name"));

    let id = lib.add_entry(&soundtrack()).unwrap();
    lib.update_entry(
        id,
        &EntryPatch {
            progress: Some(4),
            ..Default::default()
        },
    )
    .unwrap();
    let mut facts = lib.entry(id).unwrap().title.facts;
    facts.episodes = Some(3);
    let errors = lib.check_title(id, &facts).unwrap();
    assert_eq!(errors.len(), 1);
    assert_eq!(errors[0].field.as_deref(), Some("episodes"));
    assert_eq!(
        lib.update_title(id, &facts).unwrap_err().field(),
        Some("episodes")
    );
}
