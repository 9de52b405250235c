//! The calendar's iCalendar file: parsed back with a well-kept parser (the
//! `icalendar` crate) event by event, and held to the shape of the real
//! feeds in `../shared/fixtures/calendar/ics/` — what the feeds calendar
//! apps accept all have, and none of the faults of the one they refuse.

use std::collections::BTreeSet;

use chrono::{DateTime, Duration, NaiveDate, Utc};
use icalendar::{CalendarComponent, CalendarDateTime, Component, DatePerhapsTime};
use watchlog_core::catalog::{Details, Episode};
use watchlog_core::clock::Clock;
use watchlog_core::transfer::ics::{self, MAX_LINE_OCTETS};
use watchlog_core::{CalendarItem, CalendarQuery, EntryFields, Kind, Library, Status, TitleFacts};
use watchlog_testkit::{fixtures, Sandbox};

fn at(s: &str) -> DateTime<Utc> {
    DateTime::parse_from_rfc3339(s).unwrap().with_timezone(&Utc)
}

fn episode(number: u32, name: &str, airstamp: Option<&str>, airdate: &str) -> Episode {
    Episode {
        season: 1,
        number,
        name: Some(name.into()),
        airdate: Some(airdate.parse().unwrap()),
        airstamp: airstamp.map(at),
        runtime_minutes: Some(70),
    }
}

/// A week of a KST drama whose names need escaping and folding, and a
/// show that only has air days.
fn library_week(sandbox: &Sandbox) -> (Vec<CalendarItem>, Clock) {
    let mut lib = Library::open(&sandbox.db).unwrap();
    let long = "밤이 되었습니다, 모두 눈을 감으세요; 그리고 \\ 다시 떠요\n".repeat(3);
    let drama = Details {
        facts: TitleFacts {
            kind: Kind::Series,
            name: "낮에 뜨는 달 (Moon in the Day)".into(),
            network: Some("ENA, Genie TV".into()),
            ..Default::default()
        },
        episodes: vec![
            episode(1, "Pilot", Some("2026-12-02T12:10:00Z"), "2026-12-02"),
            episode(2, &long, Some("2026-12-03T12:10:00Z"), "2026-12-03"),
        ],
        poster_url: None,
        providers: Vec::new(),
        catalog_updated: None,
    };
    let dated = Details {
        facts: TitleFacts {
            kind: Kind::Series,
            name: "Daily Show".into(),
            ..Default::default()
        },
        episodes: vec![episode(1, "A day", None, "2026-12-04")],
        poster_url: None,
        providers: Vec::new(),
        catalog_updated: None,
    };
    let watching = EntryFields {
        status: Status::Watching,
        ..Default::default()
    };
    lib.add_from_catalog(&drama, &watching).unwrap();
    lib.add_from_catalog(&dated, &watching).unwrap();
    let clock = Clock::fixed(at("2026-12-01T09:00:00Z"), chrono_tz::Europe::Berlin);
    let items = lib
        .calendar(
            &CalendarQuery {
                from: "2026-12-01".parse().unwrap(),
                days: 7,
                statuses: Vec::new(),
                on_my_services: false,
            },
            &clock,
        )
        .unwrap();
    assert_eq!(items.len(), 3, "{items:?}");
    (items, clock)
}

/// The raw lines of a feed (CRLF or LF), folded as written.
fn raw_lines(text: &str) -> Vec<&str> {
    text.split('\n').map(|l| l.trim_end_matches('\r')).collect()
}

/// The property names every VEVENT of a feed has.
fn common_event_properties(text: &str) -> BTreeSet<String> {
    let unfolded = icalendar::parser::unfold(&text.replace("\r\n", "\n").replace('\n', "\r\n"));
    let mut common: Option<BTreeSet<String>> = None;
    let mut current = BTreeSet::new();
    for line in unfolded.split("\r\n") {
        if line == "BEGIN:VEVENT" {
            current.clear();
        } else if line == "END:VEVENT" {
            common = Some(match common {
                None => current.clone(),
                Some(c) => c.intersection(&current).cloned().collect(),
            });
        } else if let Some(name) = line.split([':', ';']).next() {
            current.insert(name.to_string());
        }
    }
    common.unwrap_or_default()
}

#[test]
fn every_event_parses_back_as_written() {
    let sandbox = Sandbox::new();
    let (items, clock) = library_week(&sandbox);
    let text = ics::calendar_ics(&items, clock.now());
    let cal: icalendar::Calendar = text.parse().expect("our calendar parses");
    let events: Vec<_> = cal
        .components
        .iter()
        .filter_map(|c| match c {
            CalendarComponent::Event(e) => Some(e),
            _ => None,
        })
        .collect();
    assert_eq!(events.len(), items.len());
    for (e, item) in events.iter().zip(&items) {
        assert_eq!(e.get_uid(), Some(ics::uid(item).as_str()));
        assert_eq!(
            e.get_timestamp(),
            Some(clock.now()),
            "DTSTAMP is the clock's now"
        );
        assert_eq!(
            e.get_summary(),
            Some(ics::summary(item).as_str()),
            "the summary, unescaped, is ours"
        );
        match item.airstamp {
            Some(t) => {
                assert_eq!(
                    e.get_start(),
                    Some(DatePerhapsTime::DateTime(CalendarDateTime::Utc(t)))
                );
                let end = t + Duration::minutes(i64::from(item.runtime_minutes.unwrap()));
                assert_eq!(
                    e.get_end(),
                    Some(DatePerhapsTime::DateTime(CalendarDateTime::Utc(end)))
                );
            }
            None => {
                assert_eq!(e.get_start(), Some(DatePerhapsTime::Date(item.day)));
                assert_eq!(
                    e.get_end(),
                    Some(DatePerhapsTime::Date(item.day + Duration::days(1)))
                );
            }
        }
    }
    let date_only = items.iter().find(|i| i.airstamp.is_none()).unwrap();
    assert_eq!(date_only.day, NaiveDate::from_ymd_opt(2026, 12, 4).unwrap());
    assert!(
        text.contains("DTSTART;VALUE=DATE:20261204\r\n"),
        "a date-only episode is an all-day event"
    );
    assert!(
        text.contains("DTSTART:20261202T121000Z\r\n"),
        "an air time is written in UTC"
    );
    // The same episodes give the same UIDs and the same file.
    assert_eq!(ics::calendar_ics(&items, clock.now()), text);
}

#[test]
fn the_file_has_what_accepted_feeds_have_and_not_the_refused_ones_faults() {
    let sandbox = Sandbox::new();
    let (items, clock) = library_week(&sandbox);
    let ours = ics::calendar_ics(&items, clock.now());

    // CRLF only, every line at most 75 octets, folds between characters.
    assert!(ours.ends_with("\r\n"));
    let body = ours.strip_suffix("\r\n").unwrap();
    for line in body.split("\r\n") {
        assert!(
            !line.contains('\r') && !line.contains('\n'),
            "bare CR or LF: {line:?}"
        );
        assert!(
            line.len() <= MAX_LINE_OCTETS,
            "{} octets: {line}",
            line.len()
        );
    }
    assert!(
        body.split("\r\n").any(|l| l.starts_with(' ')),
        "the long episode name is folded"
    );

    let Some(v4) = fixtures::read("calendar/ics/sonarr_v4_ical-org_crlf_50ev_vonblubba.ics") else {
        return;
    };
    let Some(v3) = fixtures::read("calendar/ics/sonarr_v3_rianjs_lf_33ev_booYah187.ics") else {
        return;
    };
    let Some(refused) =
        fixtures::read("calendar/ics/emby_upcoming_icspy_no-dtstamp_unfolded_booYah187.ics")
    else {
        return;
    };
    let (v4, v3, refused) = (
        String::from_utf8(v4).unwrap(),
        String::from_utf8(v3).unwrap(),
        String::from_utf8(refused).unwrap(),
    );

    // What every event of both accepted feeds carries, ours carry too
    // (SEQUENCE and STATUS are for feeds that edit events in place;
    // CATEGORIES is the network, written where a show has one).
    let accepted: BTreeSet<String> = common_event_properties(&v4)
        .intersection(&common_event_properties(&v3))
        .cloned()
        .collect();
    let needed: BTreeSet<String> = accepted
        .into_iter()
        .filter(|p| !matches!(p.as_str(), "SEQUENCE" | "STATUS" | "CATEGORIES"))
        .collect();
    for p in ["UID", "DTSTAMP", "DTSTART", "SUMMARY"] {
        assert!(
            needed.contains(p),
            "the accepted feeds all have {p}: {needed:?}"
        );
    }
    let have = common_event_properties(&ours);
    let missing: Vec<_> = needed.difference(&have).collect();
    assert!(
        ours.contains("CATEGORIES:ENA\\, Genie TV\r\n"),
        "the network, escaped"
    );
    assert!(missing.is_empty(), "ours lack {missing:?}");
    // The accepted v4 feed is CRLF and folds; ours does both (above).
    assert!(v4.contains("\r\n "), "the accepted feed folds");

    // The refused feed: events with no DTSTAMP, lines past 75 octets, LF
    // line ends. Ours has none of that.
    assert!(!common_event_properties(&refused).contains("DTSTAMP"));
    assert!(raw_lines(&refused)
        .iter()
        .any(|l| l.len() > MAX_LINE_OCTETS));
    assert!(!refused.contains("\r\n"));
    assert!(have.contains("DTSTAMP"));
}
