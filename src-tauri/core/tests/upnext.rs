//! Episode history, Up next and the calendar: Mr. Robot's real TVmaze
//! answers served by a local HTTP server, and shows written here for what
//! no recording has (a KST drama, a DST change, date-only episodes,
//! specials). Time is fixed with `Clock::fixed`.

use chrono::{DateTime, NaiveDate, Utc};
use chrono_tz::Tz;
use watchlog_core::catalog::blocking::BlockingCatalog;
use watchlog_core::catalog::{CatalogConfig, CatalogRef, Details, Episode, Provider};
use watchlog_core::clock::Clock;
use watchlog_core::{
    Airing, CalendarQuery, EntryFields, EntryPatch, EpisodeRef, Kind, Library, ListQuery,
    NextEpisode, Status, TitleFacts, UpNextQuery, UpNextSection, WatchedWhen,
};
use watchlog_testkit::tvmaze::Tvmaze;
use watchlog_testkit::{Sandbox, Server};

fn at(s: &str) -> DateTime<Utc> {
    DateTime::parse_from_rfc3339(s).unwrap().with_timezone(&Utc)
}

fn day(s: &str) -> NaiveDate {
    s.parse().unwrap()
}

fn ep(s: &str) -> EpisodeRef {
    s.parse().unwrap()
}

fn clock(now: &str, tz: Tz) -> Clock {
    Clock::fixed(at(now), tz)
}

fn watching() -> EntryFields {
    EntryFields {
        status: Status::Watching,
        ..Default::default()
    }
}

/// The real client on a local server answering as `t` does.
fn serve(t: Tvmaze) -> (BlockingCatalog, Server) {
    let server = Server::start(move |req| {
        t.route(req)
            .unwrap_or_else(watchlog_testkit::Reply::not_found)
    });
    let cat = BlockingCatalog::new(CatalogConfig {
        tvmaze_url: server.base.clone(),
        ..CatalogConfig::default()
    })
    .unwrap();
    (cat, server)
}

/// Mr. Robot from the recorded TVmaze answers, through the real client.
fn robot(lib: &mut Library) -> Option<(i64, Server)> {
    let (cat, server) = serve(Tvmaze::load()?);
    let details = cat
        .details(&CatalogRef::new(Provider::Tvmaze, "1871"))
        .unwrap();
    let id = lib.add_from_catalog(&details, &watching()).unwrap();
    Some((id, server))
}

fn show(name: &str, airing: Option<Airing>, episodes: Vec<Episode>) -> Details {
    Details {
        facts: TitleFacts {
            kind: Kind::Series,
            name: name.into(),
            airing,
            episodes: Some(episodes.iter().filter(|e| e.season > 0).count() as u32),
            ..Default::default()
        },
        episodes,
        poster_url: None,
        providers: Vec::new(),
        catalog_updated: None,
    }
}

fn episode(season: u32, number: u32, airstamp: Option<&str>, airdate: Option<&str>) -> Episode {
    Episode {
        season,
        number,
        name: Some(format!("Episode {number}")),
        airdate: airdate.map(day),
        airstamp: airstamp.map(at),
        runtime_minutes: Some(60),
    }
}

/// The numbers of the episodes watched in the current viewing.
fn watched(lib: &Library, id: i64) -> Vec<u32> {
    lib.episode_progress(id)
        .unwrap()
        .iter()
        .filter(|p| p.watched)
        .map(|p| p.number)
        .collect()
}

#[test]
fn marking_moves_up_next_along_the_real_episode_list() {
    let sandbox = Sandbox::new();
    let mut lib = Library::open(&sandbox.db).unwrap();
    let Some((id, _server)) = robot(&mut lib) else {
        return;
    };
    // 16 July 2015, 12:00 in New York: episodes 1–4 have aired.
    let c = clock("2015-07-16T16:00:00Z", chrono_tz::America::New_York);
    let list = lib.episode_progress(id).unwrap();
    assert_eq!(list.len(), 10);
    assert_eq!(
        list[0].airstamp,
        Some(at("2015-06-25T02:00:00Z")),
        "TVmaze's airstamp, kept as an instant"
    );

    let next = lib.up_next(&UpNextQuery::default(), &c).unwrap();
    assert_eq!(next.len(), 1);
    let row = &next[0];
    assert_eq!((row.season, row.number), (Some(1), Some(1)));
    assert!(row.aired);
    assert_eq!(row.new_count, 4);
    assert_eq!(row.section, UpNextSection::ContinueWatching);

    let e = lib
        .mark_episode(
            id,
            ep("S1E1"),
            WatchedWhen::At(at("2015-07-16T01:00:00Z")),
            &c,
        )
        .unwrap();
    assert_eq!(e.fields.progress, 1);
    let row = &lib.up_next(&UpNextQuery::default(), &c).unwrap()[0];
    assert_eq!(
        (row.season, row.number, row.new_count),
        (Some(1), Some(2), 3)
    );

    let e = lib
        .mark_episodes_until(id, ep("S1E3"), WatchedWhen::On(day("2015-07-16")), &c)
        .unwrap();
    assert_eq!(e.fields.progress, 3);
    let days: Vec<Vec<NaiveDate>> = lib
        .episode_progress(id)
        .unwrap()
        .iter()
        .take(3)
        .map(|p| p.watched_on.clone())
        .collect();
    assert_eq!(
        days,
        [
            vec![day("2015-07-15")],
            vec![day("2015-07-16")],
            vec![day("2015-07-16")]
        ],
        "the first has the New York day of its instant; the others got the day given"
    );

    let e = lib.unmark_episode(id, ep("S1E2"), &c).unwrap();
    assert_eq!(e.fields.progress, 2);
    let row = &lib.up_next(&UpNextQuery::default(), &c).unwrap()[0];
    assert_eq!(
        (row.season, row.number),
        (Some(1), Some(4)),
        "next after the last one watched"
    );

    // E5 airs on 22 July (22:00 EDT): after E4, not aired yet.
    lib.mark_episode(id, ep("S1E4"), WatchedWhen::At(c.now()), &c)
        .unwrap();
    let row = &lib.up_next(&UpNextQuery::default(), &c).unwrap()[0];
    assert_eq!(
        (row.number, row.aired, row.section),
        (Some(5), false, UpNextSection::NotAired)
    );
    let later = clock("2015-07-23T12:00:00Z", chrono_tz::America::New_York);
    let row = &lib.up_next(&UpNextQuery::default(), &later).unwrap()[0];
    assert_eq!(
        (row.number, row.aired, row.section),
        (Some(5), true, UpNextSection::NewEpisodes),
        "aired after the viewer caught up"
    );
}

#[test]
fn bad_episode_marks_are_refused_in_words_and_change_nothing() {
    let sandbox = Sandbox::new();
    let mut lib = Library::open(&sandbox.db).unwrap();
    let Some((id, _server)) = robot(&mut lib) else {
        return;
    };
    let c = clock("2015-07-16T16:00:00Z", chrono_tz::America::New_York);
    lib.mark_episode(id, ep("S1E1"), WatchedWhen::Unknown, &c)
        .unwrap();
    let before = (lib.entry(id).unwrap(), lib.episode_progress(id).unwrap());
    let refusals = [
        (
            lib.mark_episode(id, ep("S1E11"), WatchedWhen::Unknown, &c),
            "has no S1E11 (its list has 10 episodes in 1 season)",
        ),
        (
            lib.mark_episode(id, ep("S1E2"), WatchedWhen::On(day("2015-07-17")), &c),
            "2015-07-17 is in the future",
        ),
        (
            lib.mark_episode(id, ep("S1E3"), WatchedWhen::On(day("2015-07-01")), &c),
            "S1E3 of 'Mr. Robot' aired on 2015-07-08; it cannot have been watched on 2015-07-01",
        ),
        (
            lib.mark_episode(id, ep("S1E1"), WatchedWhen::Unknown, &c),
            "already marked as watched",
        ),
        (
            lib.unmark_episode(id, ep("S1E5"), &c),
            "S1E5 of 'Mr. Robot' is not marked as watched",
        ),
        (
            lib.mark_episodes_until(id, ep("S1E4"), WatchedWhen::On(day("2015-07-10")), &c),
            "S1E4 of 'Mr. Robot' aired on 2015-07-15",
        ),
    ];
    for (result, words) in refusals {
        let e = result.unwrap_err().to_string();
        assert!(e.contains(words), "{e}");
    }
    assert!("S0E0".parse::<EpisodeRef>().is_err());
    assert_eq!(
        (lib.entry(id).unwrap(), lib.episode_progress(id).unwrap()),
        before,
        "nothing changed"
    );
}

/// A KST drama at 21:10 on Wednesday is Wednesday afternoon in Berlin and
/// Wednesday morning in New York; one at 09:00 KST is the evening before
/// in the Americas.
#[test]
fn a_kst_air_time_falls_on_the_viewers_own_day() {
    let sandbox = Sandbox::new();
    let mut lib = Library::open(&sandbox.db).unwrap();
    let drama = show(
        "Moon in the Day",
        Some(Airing::Running),
        vec![
            episode(1, 1, Some("2026-12-02T21:10:00+09:00"), Some("2026-12-02")),
            episode(1, 2, Some("2026-12-03T09:00:00+09:00"), Some("2026-12-03")),
        ],
    );
    let id = lib.add_from_catalog(&drama, &watching()).unwrap();
    let now = "2026-12-01T12:00:00Z";
    let week = |tz: Tz| {
        lib.calendar(
            &CalendarQuery {
                from: day("2026-12-01"),
                days: 7,
                statuses: vec![],
                on_my_services: false,
            },
            &clock(now, tz),
        )
        .unwrap()
        .into_iter()
        .map(|i| (i.number, i.day.to_string(), i.local_time.unwrap()))
        .collect::<Vec<_>>()
    };
    assert_eq!(
        week(chrono_tz::Asia::Seoul),
        [
            (1, "2026-12-02".into(), "21:10".into()),
            (2, "2026-12-03".into(), "09:00".into())
        ]
    );
    assert_eq!(
        week(chrono_tz::Europe::Berlin),
        [
            (1, "2026-12-02".into(), "13:10".into()),
            (2, "2026-12-03".into(), "01:00".into())
        ]
    );
    assert_eq!(
        week(chrono_tz::America::New_York),
        [
            (1, "2026-12-02".into(), "07:10".into()),
            (2, "2026-12-02".into(), "19:00".into())
        ],
        "the 09:00 KST episode is the evening before in New York"
    );
    let row = &lib
        .up_next(
            &UpNextQuery::default(),
            &clock(now, chrono_tz::America::New_York),
        )
        .unwrap()[0];
    assert_eq!((row.entry_id, row.section), (id, UpNextSection::NotAired));
    // A day's range is the viewer's: 2 December in New York holds both.
    let one_day = lib
        .calendar(
            &CalendarQuery {
                from: day("2026-12-02"),
                days: 1,
                statuses: vec![],
                on_my_services: false,
            },
            &clock(now, chrono_tz::America::New_York),
        )
        .unwrap();
    assert_eq!(one_day.len(), 2);
    assert!(one_day[0].premiere && !one_day[1].finale);
}

/// A weekly 21:00 show in New York keeps its local time across the end of
/// summer time, though its UTC time moves by an hour.
#[test]
fn a_weekly_time_survives_the_dst_change() {
    let sandbox = Sandbox::new();
    let mut lib = Library::open(&sandbox.db).unwrap();
    let weekly = show(
        "Weekly",
        Some(Airing::Ended),
        vec![
            episode(1, 1, Some("2026-10-26T01:00:00Z"), Some("2026-10-25")),
            episode(1, 2, Some("2026-11-02T02:00:00Z"), Some("2026-11-01")),
        ],
    );
    lib.add_from_catalog(&weekly, &watching()).unwrap();
    let items = lib
        .calendar(
            &CalendarQuery {
                from: day("2026-10-20"),
                days: 20,
                statuses: vec![],
                on_my_services: false,
            },
            &clock("2026-10-20T12:00:00Z", chrono_tz::America::New_York),
        )
        .unwrap();
    let times: Vec<(String, String)> = items
        .iter()
        .map(|i| (i.day.to_string(), i.local_time.clone().unwrap()))
        .collect();
    assert_eq!(
        times,
        [
            ("2026-10-25".into(), "21:00".into()),
            ("2026-11-01".into(), "21:00".into())
        ]
    );
    assert!(items[1].finale, "the last episode of an ended show");
}

/// Episodes with only a day, and specials: a special never counts towards
/// progress or comes up next; a dated episode is on its day with no time.
#[test]
fn date_only_episodes_and_specials() {
    let sandbox = Sandbox::new();
    let mut lib = Library::open(&sandbox.db).unwrap();
    let s = show(
        "Dated",
        Some(Airing::Running),
        vec![
            episode(0, 1, None, Some("2026-11-20")),
            episode(1, 1, None, Some("2026-11-25")),
            episode(1, 2, None, Some("2026-12-05")),
        ],
    );
    let id = lib.add_from_catalog(&s, &watching()).unwrap();
    let c = clock("2026-12-01T12:00:00Z", chrono_tz::Europe::London);
    let e = lib
        .mark_episode(id, ep("S0E1"), WatchedWhen::Unknown, &c)
        .unwrap();
    assert_eq!(e.fields.progress, 0, "a special does not count");
    let row = &lib.up_next(&UpNextQuery::default(), &c).unwrap()[0];
    assert_eq!(
        (row.season, row.number, row.aired),
        (Some(1), Some(1), true)
    );
    lib.mark_episode(id, ep("S1E1"), WatchedWhen::Unknown, &c)
        .unwrap();
    let row = &lib.up_next(&UpNextQuery::default(), &c).unwrap()[0];
    assert_eq!(
        (row.number, row.aired, row.section),
        (Some(2), false, UpNextSection::NotAired)
    );
    let items = lib
        .calendar(
            &CalendarQuery {
                from: day("2026-12-01"),
                days: 7,
                statuses: vec![],
                on_my_services: false,
            },
            &c,
        )
        .unwrap();
    assert_eq!(items.len(), 1);
    assert_eq!(
        (items[0].day, items[0].local_time.clone()),
        (day("2026-12-05"), None)
    );
    // Every listed episode watched, the show goes on: waiting.
    let later = clock("2026-12-06T12:00:00Z", chrono_tz::Europe::London);
    lib.mark_episode(id, ep("S1E2"), WatchedWhen::Unknown, &later)
        .unwrap();
    let row = &lib.up_next(&UpNextQuery::default(), &later).unwrap()[0];
    assert_eq!(
        (row.section, row.season),
        (UpNextSection::WaitingForSeason, None)
    );
}

/// A count set directly (the editor's field, "+1 episode", completing)
/// goes into the history; a catalogue that renumbers keeps what was
/// watched and shows it as no longer listed.
#[test]
fn the_count_and_the_history_agree_and_renumbering_loses_nothing() {
    let sandbox = Sandbox::new();
    let mut lib = Library::open(&sandbox.db).unwrap();
    let Some((id, server)) = robot(&mut lib) else {
        return;
    };
    lib.update_entry(
        id,
        &EntryPatch {
            progress: Some(5),
            ..Default::default()
        },
    )
    .unwrap();
    assert_eq!(watched(&lib, id), [1, 2, 3, 4, 5]);
    let e = lib.add_episode(id).unwrap();
    assert_eq!(e.fields.progress, 6);
    assert_eq!(watched(&lib, id), [1, 2, 3, 4, 5, 6]);
    lib.update_entry(
        id,
        &EntryPatch {
            progress: Some(2),
            ..Default::default()
        },
    )
    .unwrap();
    assert_eq!(watched(&lib, id), [1, 2]);

    // The catalogue now lists only the first episode.
    let cat = BlockingCatalog::new(CatalogConfig {
        tvmaze_url: server.base.clone(),
        ..CatalogConfig::default()
    })
    .unwrap();
    let mut details = cat
        .details(&CatalogRef::new(Provider::Tvmaze, "1871"))
        .unwrap();
    details.episodes.truncate(1);
    details.facts.episodes = Some(1);
    let e = lib.refresh_title(id, &details).unwrap();
    assert_eq!(e.fields.progress, 2, "what the viewer recorded stays");
    let list = lib.episode_progress(id).unwrap();
    assert_eq!(
        list.iter()
            .map(|p| (p.number, p.watched, p.listed))
            .collect::<Vec<_>>(),
        [(1, true, true), (2, true, false)],
        "the dropped episode is kept and reported"
    );
}

/// What Up next reads per show is kept with the entry; it follows every
/// change: a special watched, a mark, a list that drops and gains
/// episodes, an unmark, a count set directly. The count of new episodes
/// is the aired ones after the last watched, specials aside, whether an
/// episode has an instant, only a day, or no date at all.
#[test]
fn the_next_episode_follows_every_change_of_history_and_list() {
    let sandbox = Sandbox::new();
    let mut lib = Library::open(&sandbox.db).unwrap();
    let c = clock("2026-12-10T12:00:00Z", Tz::UTC);
    let first = vec![
        episode(0, 1, Some("2026-11-01T20:00:00Z"), None),
        episode(1, 1, Some("2026-11-01T21:00:00Z"), None),
        episode(1, 2, Some("2026-11-08T21:00:00Z"), None),
        episode(1, 3, Some("2026-11-15T21:00:00Z"), None),
        episode(1, 4, Some("2026-12-20T21:00:00Z"), None),
    ];
    let details = show("Kept", Some(Airing::Running), first);
    let id = lib.add_from_catalog(&details, &watching()).unwrap();
    let next = |lib: &Library| {
        let rows = lib.up_next(&UpNextQuery::default(), &c).unwrap();
        let r = rows.iter().find(|r| r.entry_id == id).unwrap();
        (r.season, r.number, r.new_count, r.section)
    };
    use UpNextSection::*;
    assert_eq!(next(&lib), (Some(1), Some(1), 3, ContinueWatching));
    lib.mark_episode(id, ep("S0E1"), WatchedWhen::At(c.now()), &c)
        .unwrap();
    assert_eq!(
        next(&lib),
        (Some(1), Some(1), 3, ContinueWatching),
        "a special is no step along the list"
    );
    lib.mark_episode(id, ep("S1E1"), WatchedWhen::At(c.now()), &c)
        .unwrap();
    assert_eq!(next(&lib), (Some(1), Some(2), 2, ContinueWatching));

    // The catalogue drops S1E2, moves S1E4 earlier and adds a season.
    let mut changed = details.clone();
    changed.episodes = vec![
        episode(0, 1, Some("2026-11-01T20:00:00Z"), None),
        episode(1, 1, Some("2026-11-01T21:00:00Z"), None),
        episode(1, 3, Some("2026-11-15T21:00:00Z"), None),
        episode(1, 4, Some("2026-12-01T21:00:00Z"), None),
        episode(2, 1, Some("2026-12-08T21:00:00Z"), None),
        episode(2, 2, Some("2026-12-15T21:00:00Z"), None),
    ];
    changed.facts.episodes = Some(5);
    lib.refresh_title(id, &changed).unwrap();
    assert_eq!(next(&lib), (Some(1), Some(3), 3, ContinueWatching));
    let week = |lib: &Library| {
        lib.calendar(
            &CalendarQuery {
                from: day("2026-12-01"),
                days: 15,
                statuses: vec![],
                on_my_services: false,
            },
            &c,
        )
        .unwrap()
        .into_iter()
        .map(|i| (i.season, i.number, i.premiere, i.finale))
        .collect::<Vec<_>>()
    };
    assert_eq!(
        week(&lib),
        [
            (1, 4, false, true),
            (2, 1, true, false),
            (2, 2, false, false)
        ],
        "S1E4 now ends a season followed by another"
    );
    changed.facts.airing = Some(Airing::Ended);
    lib.refresh_title(id, &changed).unwrap();
    assert_eq!(
        week(&lib)[2],
        (2, 2, false, true),
        "the last episode of a show that has ended is its finale"
    );

    lib.unmark_episode(id, ep("S1E1"), &c).unwrap();
    assert_eq!(next(&lib), (Some(1), Some(1), 4, ContinueWatching));
    lib.update_entry(
        id,
        &EntryPatch {
            status: Some(Status::Watching),
            progress: Some(4),
            ..Default::default()
        },
    )
    .unwrap();
    assert_eq!(
        next(&lib),
        (Some(2), Some(2), 0, NotAired),
        "a count set directly marks the next episodes"
    );

    // A list known only by days, one of its episodes with no date (taken
    // as aired), in Up next and on the library card.
    let dated = show(
        "Dated",
        Some(Airing::Running),
        vec![
            episode(1, 1, None, Some("2026-11-20")),
            episode(1, 2, None, Some("2026-12-10")),
            episode(1, 3, None, None),
            episode(1, 4, None, Some("2026-12-24")),
        ],
    );
    let dated_id = lib.add_from_catalog(&dated, &watching()).unwrap();
    let rows = lib.up_next(&UpNextQuery::default(), &c).unwrap();
    let r = rows.iter().find(|r| r.entry_id == dated_id).unwrap();
    assert_eq!(
        (r.number, r.new_count),
        (Some(1), 3),
        "E2 airs today in the viewer's calendar; E3 has no date"
    );
    lib.mark_episodes_until(dated_id, ep("S1E3"), WatchedWhen::Unknown, &c)
        .unwrap();

    // The library cards: the next episode of each show being watched, with
    // its instant or its day.
    let cards = lib.list(&ListQuery::default()).unwrap();
    let card = |id: i64| {
        cards
            .iter()
            .find(|s| s.id == id)
            .unwrap()
            .next_episode
            .clone()
    };
    assert_eq!(
        card(id),
        Some(NextEpisode {
            season: 2,
            number: 2,
            airstamp: Some(at("2026-12-15T21:00:00Z")),
            airdate: None
        })
    );
    assert_eq!(
        card(dated_id),
        Some(NextEpisode {
            season: 1,
            number: 4,
            airstamp: None,
            airdate: Some(day("2026-12-24"))
        })
    );
    lib.update_entry(
        dated_id,
        &EntryPatch {
            status: Some(Status::OnHold),
            ..Default::default()
        },
    )
    .unwrap();
    let cards = lib.list(&ListQuery::default()).unwrap();
    assert!(
        cards
            .iter()
            .find(|s| s.id == dated_id)
            .unwrap()
            .next_episode
            .is_none(),
        "only a show being watched shows its next episode"
    );
}

/// A planned show whose first episode airs within 30 days is "starting
/// soon"; one further off is not on Up next at all.
#[test]
fn planned_shows_starting_soon() {
    let sandbox = Sandbox::new();
    let mut lib = Library::open(&sandbox.db).unwrap();
    let planned = EntryFields::default();
    let soon = show(
        "Soon",
        Some(Airing::Upcoming),
        vec![episode(1, 1, Some("2026-12-20T12:00:00Z"), None)],
    );
    let far = show(
        "Far",
        Some(Airing::Upcoming),
        vec![episode(1, 1, Some("2027-03-01T12:00:00Z"), None)],
    );
    let id = lib.add_from_catalog(&soon, &planned).unwrap();
    lib.add_from_catalog(&far, &planned).unwrap();
    let rows = lib
        .up_next(
            &UpNextQuery::default(),
            &clock("2026-12-01T12:00:00Z", Tz::UTC),
        )
        .unwrap();
    assert_eq!(
        rows.iter()
            .map(|r| (r.entry_id, r.section))
            .collect::<Vec<_>>(),
        [(id, UpNextSection::StartingSoon)]
    );
}

/// `refresh --airing`: only running and upcoming shows; after a first run,
/// one request to TVmaze's list of changed shows lets the next pass over a
/// show that has not changed, and refresh it once it has. Offline, the run
/// fails as offline and records nothing.
#[test]
fn a_refresh_of_airing_shows_passes_over_the_unchanged_ones() {
    use std::sync::{Arc, Mutex};
    use watchlog_core::catalog::RefreshSelection;
    use watchlog_core::progress::CancelToken;

    let Some(t) = Tvmaze::load() else { return };
    let stamp = Arc::new(Mutex::new(1_442_760_093_i64));
    let current = stamp.clone();
    let server = Server::start(move |req| {
        if req.path == "/updates/shows" {
            assert_eq!(req.query, "since=day");
            let body = format!("{{\"1871\": {}, \"99\": 5}}", current.lock().unwrap());
            return watchlog_testkit::Reply::json(200, body);
        }
        t.route(req)
            .unwrap_or_else(watchlog_testkit::Reply::not_found)
    });
    let sandbox = Sandbox::new();
    // No answers kept in memory, so each run asks again.
    let cat = BlockingCatalog::new(CatalogConfig {
        tvmaze_url: server.base.clone(),
        cache_ttl: std::time::Duration::ZERO,
        ..CatalogConfig::default()
    })
    .unwrap();
    {
        let mut lib = Library::open(&sandbox.db).unwrap();
        let details = cat
            .details(&CatalogRef::new(Provider::Tvmaze, "1871"))
            .unwrap();
        assert_eq!(details.catalog_updated, Some(1_442_760_093));
        lib.add_from_catalog(&details, &watching()).unwrap();
        assert!(lib.airing_refreshed_at().unwrap().is_none());
    }
    let run = |cat: &BlockingCatalog| {
        cat.refresh_all(
            &sandbox.db,
            &RefreshSelection::Airing,
            None,
            &CancelToken::new(),
        )
    };
    let asked = |path: &str| server.hits().iter().filter(|r| r.path == path).count();

    // Never refreshed before: every airing show, no list of changes.
    let first = run(&cat).unwrap();
    assert_eq!((first.summary.refreshed, first.summary.unchanged), (1, 0));
    assert_eq!(asked("/updates/shows"), 0);
    assert!(Library::open(&sandbox.db)
        .unwrap()
        .airing_refreshed_at()
        .unwrap()
        .is_some());

    let shows_before = asked("/shows/1871");
    let second = run(&cat).unwrap();
    assert_eq!((second.summary.refreshed, second.summary.unchanged), (0, 1));
    assert_eq!(asked("/updates/shows"), 1);
    assert_eq!(
        asked("/shows/1871"),
        shows_before,
        "the unchanged show was not fetched"
    );

    *stamp.lock().unwrap() += 1;
    let third = run(&cat).unwrap();
    assert_eq!((third.summary.refreshed, third.summary.unchanged), (1, 0));

    let closed = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let offline_url = format!("http://{}", closed.local_addr().unwrap());
    drop(closed);
    let offline = BlockingCatalog::new(CatalogConfig {
        tvmaze_url: offline_url,
        ..CatalogConfig::default()
    })
    .unwrap();
    let before = Library::open(&sandbox.db)
        .unwrap()
        .airing_refreshed_at()
        .unwrap();
    let e = run(&offline).unwrap_err();
    assert_eq!(e.code(), "offline", "{e}");
    assert_eq!(
        Library::open(&sandbox.db)
            .unwrap()
            .airing_refreshed_at()
            .unwrap(),
        before,
        "an offline run records nothing"
    );
}

/// Notifications: nothing while the setting is off; once on, each episode
/// of a show being watched that airs from then is announced once, a
/// watched one never.
#[test]
fn each_aired_episode_is_announced_once_and_only_while_notifications_are_on() {
    let sandbox = Sandbox::new();
    let mut lib = Library::open(&sandbox.db).unwrap();
    let base = Utc::now();
    let t = |minutes: i64| (base + chrono::Duration::minutes(minutes)).to_rfc3339();
    let drama = show(
        "Moon in the Day",
        Some(Airing::Running),
        vec![
            episode(1, 1, Some(&t(-90)), None),
            episode(1, 2, Some(&t(60)), None),
            episode(1, 3, Some(&t(90)), None),
            episode(1, 4, Some(&t(180)), None),
        ],
    );
    let id = lib.add_from_catalog(&drama, &watching()).unwrap();
    let c = Clock::fixed(base + chrono::Duration::minutes(120), Tz::UTC);
    assert!(
        lib.episodes_to_notify(&c).unwrap().is_empty(),
        "off by default"
    );
    let mut s = lib.settings().unwrap();
    s.notify_new_episodes = true;
    lib.save_settings(&s).unwrap();
    lib.mark_episode(id, ep("S1E3"), WatchedWhen::Unknown, &c)
        .unwrap();
    let due = lib.episodes_to_notify(&c).unwrap();
    assert_eq!(
        due.iter().map(|e| e.number).collect::<Vec<_>>(),
        [2],
        "E1 aired before notifications were on, E3 is watched, E4 has not aired"
    );
    lib.mark_notified(&due, c.now()).unwrap();
    assert!(
        lib.episodes_to_notify(&c).unwrap().is_empty(),
        "announced once"
    );
    // A refresh of the list keeps what was announced.
    lib.refresh_title(id, &drama).unwrap();
    assert!(lib.episodes_to_notify(&c).unwrap().is_empty());
}

/// A season's check is one transaction: every episode marked (or
/// unmarked) at once, or — one of them refused — none.
#[test]
fn a_set_of_episodes_is_marked_and_unmarked_all_or_nothing() {
    let sandbox = Sandbox::new();
    let mut lib = Library::open(&sandbox.db).unwrap();
    let Some((id, _server)) = robot(&mut lib) else {
        return;
    };
    let c = clock("2015-07-16T16:00:00Z", chrono_tz::America::New_York);
    let eps = |list: &[&str]| list.iter().map(|s| ep(s)).collect::<Vec<_>>();
    let before = (lib.entry(id).unwrap(), lib.episode_progress(id).unwrap());
    for (set, words) in [
        (
            eps(&["S1E1", "S1E2", "S1E11"]),
            "has no S1E11 (its list has 10 episodes",
        ),
        (
            eps(&["S1E4", "S1E5"]),
            "S1E5 of 'Mr. Robot' aired on 2015-07-22",
        ),
        (vec![], "no episodes were named"),
    ] {
        let e = lib
            .mark_episodes(id, &set, WatchedWhen::On(day("2015-07-16")), &c)
            .unwrap_err()
            .to_string();
        assert!(e.contains(words), "{e}");
        assert_eq!(
            (lib.entry(id).unwrap(), lib.episode_progress(id).unwrap()),
            before,
            "a refused set marks none of its episodes: {set:?}"
        );
    }

    // A repeat counts once; the count and status follow once.
    let e = lib
        .mark_episodes(
            id,
            &eps(&["S1E1", "S1E2", "S1E3", "S1E2"]),
            WatchedWhen::On(day("2015-07-16")),
            &c,
        )
        .unwrap();
    assert_eq!(e.fields.progress, 3);
    assert_eq!(watched(&lib, id), [1, 2, 3]);
    let e = lib
        .mark_episodes(id, &eps(&["S1E3", "S1E4"]), WatchedWhen::Unknown, &c)
        .unwrap_err()
        .to_string();
    assert!(e.contains("S1E3 of 'Mr. Robot' is already marked"), "{e}");
    assert_eq!(watched(&lib, id), [1, 2, 3], "S1E4 was not marked either");

    let e = lib
        .unmark_episodes(id, &eps(&["S1E2", "S1E4"]), &c)
        .unwrap_err()
        .to_string();
    assert!(e.contains("S1E4 of 'Mr. Robot' is not marked"), "{e}");
    assert_eq!(watched(&lib, id), [1, 2, 3], "S1E2 stays marked");
    let e = lib
        .unmark_episodes(id, &eps(&["S1E1", "S1E3", "S1E1"]), &c)
        .unwrap();
    assert_eq!(e.fields.progress, 1);
    assert_eq!(watched(&lib, id), [2]);
    let row = &lib.up_next(&UpNextQuery::default(), &c).unwrap()[0];
    assert_eq!((row.season, row.number), (Some(1), Some(3)));
}

/// Starting a rewatch keeps the current viewing's marks under the earlier
/// viewing, with their days; the new viewing starts at nothing watched and
/// Up next offers S1E1 again.
#[test]
fn a_rewatch_keeps_the_earlier_viewings_episodes_and_starts_again() {
    let sandbox = Sandbox::new();
    let mut lib = Library::open(&sandbox.db).unwrap();
    let Some((id, _server)) = robot(&mut lib) else {
        return;
    };
    let c = clock("2015-09-20T16:00:00Z", chrono_tz::America::New_York);
    // Added as Watching today; this viewing began at the premiere.
    lib.update_entry(
        id,
        &EntryPatch {
            started_on: Some(Some(day("2015-06-24"))),
            ..Default::default()
        },
    )
    .unwrap();
    let refused = lib
        .start_rewatch(id, day("2015-09-20"), &c)
        .unwrap_err()
        .to_string();
    assert!(
        refused.contains("nothing of 'Mr. Robot' is marked as watched yet"),
        "{refused}"
    );

    lib.mark_episodes_until(id, ep("S1E10"), WatchedWhen::On(day("2015-09-05")), &c)
        .unwrap();
    lib.annotate_episode(
        id,
        ep("S1E1"),
        Some(watchlog_core::Rating::new(90).unwrap()),
        Some("Hello, friend."),
    )
    .unwrap();
    let done = lib.entry(id).unwrap();
    assert_eq!(done.fields.progress, 10);
    let first = lib.episode_progress(id).unwrap();

    let e = lib
        .start_rewatch(id, day("2015-09-21"), &c)
        .unwrap_err()
        .to_string();
    assert!(e.contains("2015-09-21 is in the future"), "{e}");
    assert_eq!(
        lib.entry(id).unwrap(),
        done,
        "a refused rewatch changes nothing"
    );

    let e = lib.start_rewatch(id, day("2015-09-20"), &c).unwrap();
    assert_eq!(
        (
            e.fields.status,
            e.fields.progress,
            e.fields.started_on,
            e.fields.finished_on
        ),
        (Status::Watching, 0, Some(day("2015-09-20")), None),
        "the new viewing starts at nothing watched"
    );
    assert_eq!(e.rewatch_count, 1);
    let earlier = &e.viewings[0];
    assert_eq!(
        (
            earlier.details.started_on,
            earlier.details.finished_on,
            earlier.details.progress
        ),
        (done.fields.started_on, done.fields.finished_on, 10),
        "the earlier viewing keeps its dates and count"
    );
    assert!(lib.episode_progress(id).unwrap().iter().all(|p| !p.watched));
    assert_eq!(
        lib.episode_progress_in(id, Some(earlier.id)).unwrap(),
        first,
        "every mark, its day, rating and note, is kept under the earlier viewing"
    );
    let row = &lib.up_next(&UpNextQuery::default(), &c).unwrap()[0];
    assert_eq!(
        (row.entry_id, row.season, row.number),
        (id, Some(1), Some(1))
    );

    // The rewatch has its own history; the earlier viewing's stays as it was.
    let e = lib
        .mark_episode(id, ep("S1E1"), WatchedWhen::At(c.now()), &c)
        .unwrap();
    assert_eq!(e.fields.progress, 1);
    let now = lib.episode_progress(id).unwrap();
    assert_eq!(
        now[0].watched_on,
        [day("2015-09-05"), day("2015-09-20")],
        "every day it was watched, in any viewing"
    );
    assert_eq!((now[0].rating, now[0].note.clone()), (None, None));
    assert_eq!(
        lib.episode_progress_in(id, Some(earlier.id)).unwrap()[1..],
        first[1..]
    );
    let row = &lib.up_next(&UpNextQuery::default(), &c).unwrap()[0];
    assert_eq!((row.season, row.number), (Some(1), Some(2)));

    let e = lib
        .episode_progress_in(id, Some(earlier.id + 1))
        .unwrap_err();
    assert_eq!(e.code(), "not_found", "{e}");
}

/// TVmaze's recorded `/schedule` answers through the real client and
/// parser: a CBS Sunday evening in New York (17 March 2024, 19:00–21:00
/// EDT) is that afternoon in Los Angeles and Monday morning in Seoul; the
/// streaming releases at 07:00 UTC on the 15th (no air time, no runtime)
/// are midnight in Los Angeles and 16:00 in Seoul. Up next is the same
/// seen from either zone; the day a mark can carry is the viewer's.
#[test]
fn the_recorded_schedules_land_on_the_viewers_own_days() {
    let Some(t) = Tvmaze::load().and_then(Tvmaze::with_schedule_shows) else {
        return;
    };
    let (cat, _server) = serve(t);
    let sandbox = Sandbox::new();
    let mut lib = Library::open(&sandbox.db).unwrap();
    let mut minutes = None;
    for show in ["3777", "42181", "18085", "65789", "69214", "48361"] {
        let details = cat
            .details(&CatalogRef::new(Provider::Tvmaze, show))
            .unwrap();
        assert_eq!(
            details.episodes.len(),
            1,
            "show {show}: its scheduled episode"
        );
        assert!(details.episodes[0].airstamp.is_some(), "show {show}");
        let id = lib.add_from_catalog(&details, &watching()).unwrap();
        if show == "3777" {
            minutes = Some(id);
        }
    }
    let minutes = minutes.unwrap();
    // Half past seven on the Sunday evening in New York: 60 Minutes has
    // aired, The Equalizer and NCIS: Los Angeles have not.
    let now = "2024-03-17T23:30:00Z";
    let (la, seoul) = (chrono_tz::America::Los_Angeles, chrono_tz::Asia::Seoul);
    let days = |lib: &Library, tz: Tz| {
        let mut items: Vec<(String, String, String)> = lib
            .calendar(
                &CalendarQuery {
                    from: day("2024-03-14"),
                    days: 6,
                    statuses: vec![],
                    on_my_services: false,
                },
                &clock(now, tz),
            )
            .unwrap()
            .into_iter()
            .map(|i| (i.day.to_string(), i.local_time.unwrap(), i.title))
            .collect();
        items.sort();
        items
    };
    // The three streaming releases share one instant; the three CBS shows
    // follow one another an hour apart.
    let schedule = |web: (&str, &str), us_day: &str, us_times: [&str; 3]| {
        let row = |d: &str, t: &str, title: &str| (d.to_string(), t.to_string(), title.to_string());
        let streamed = [
            "Girls5eva",
            "The Machine",
            "The Reluctant Traveler with Eugene Levy",
        ]
        .map(|title| row(web.0, web.1, title));
        let cbs = ["60 Minutes", "The Equalizer", "NCIS: Los Angeles"]
            .into_iter()
            .zip(us_times)
            .map(|(title, t)| row(us_day, t, title));
        streamed.into_iter().chain(cbs).collect::<Vec<_>>()
    };
    assert_eq!(
        days(&lib, la),
        schedule(
            ("2024-03-15", "00:00"),
            "2024-03-17",
            ["16:00", "17:00", "18:00"]
        ),
        "Los Angeles, on summer time since 10 March"
    );
    assert_eq!(
        days(&lib, seoul),
        schedule(
            ("2024-03-15", "16:00"),
            "2024-03-18",
            ["08:00", "09:00", "10:00"]
        ),
        "Seoul: the US Sunday evening is Monday morning"
    );

    let up_next = |lib: &Library, tz: Tz| {
        let mut rows: Vec<(String, UpNextSection, bool, u32)> = lib
            .up_next(&UpNextQuery::default(), &clock(now, tz))
            .unwrap()
            .into_iter()
            .map(|r| (r.title, r.section, r.aired, r.new_count))
            .collect();
        rows.sort_by(|a, b| a.0.cmp(&b.0));
        rows
    };
    let waiting = |title: &str| (title.to_string(), UpNextSection::NotAired, false, 0);
    let aired = |title: &str| (title.to_string(), UpNextSection::ContinueWatching, true, 1);
    let expected = [
        aired("60 Minutes"),
        aired("Girls5eva"),
        waiting("NCIS: Los Angeles"),
        waiting("The Equalizer"),
        aired("The Machine"),
        aired("The Reluctant Traveler with Eugene Levy"),
    ];
    assert_eq!(up_next(&lib, la), expected);
    assert_eq!(
        up_next(&lib, seoul),
        expected,
        "whether it aired is the instant's"
    );

    // Watched "on the 17th": that Sunday in Los Angeles, but in Seoul it
    // aired on the 18th.
    let e = lib
        .mark_episode(
            minutes,
            ep("S56E26"),
            WatchedWhen::On(day("2024-03-17")),
            &clock(now, seoul),
        )
        .unwrap_err()
        .to_string();
    assert!(e.contains("aired on 2024-03-18"), "{e}");
    lib.mark_episode(
        minutes,
        ep("S56E26"),
        WatchedWhen::On(day("2024-03-17")),
        &clock(now, la),
    )
    .unwrap();
    lib.unmark_episode(minutes, ep("S56E26"), &clock(now, la))
        .unwrap();
    // Marked now from Seoul, it was watched on the Seoul Monday.
    lib.mark_episode(
        minutes,
        ep("S56E26"),
        WatchedWhen::At(at(now)),
        &clock(now, seoul),
    )
    .unwrap();
    assert_eq!(
        lib.episode_progress(minutes).unwrap()[0].watched_on,
        [day("2024-03-18")]
    );
    let row = &lib
        .up_next(&UpNextQuery::default(), &clock(now, seoul))
        .unwrap();
    assert!(
        row.iter()
            .all(|r| r.entry_id != minutes || r.section == UpNextSection::WaitingForSeason),
        "every listed episode of 60 Minutes watched: {row:?}"
    );
}
