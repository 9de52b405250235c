//! `watchlog episodes`, `episode`, `next` and `calendar` on Mr. Robot's
//! real TVmaze answers, served by a local HTTP server, with "now" and the
//! zone fixed (`WATCHLOG_NOW`, `TZ`); a KST drama in TVmaze's shape for a
//! Seoul air time seen from Europe and the Americas; and every bad input
//! refused in one line with the library unchanged.

use icalendar::{CalendarComponent, Component};
use serde_json::Value;
use watchlog_testkit::tvmaze::Tvmaze;
use watchlog_testkit::{Cli, Reply, Server};

/// 16 July 2015, noon in New York: episodes 1 to 4 of Mr. Robot have aired.
const NOW: &str = "2015-07-16T16:00:00Z";

/// The id the KST drama is served under.
const DRAMA: &str = "9001";

/// Mr. Robot, and the drama made from its recorded show object: two
/// episodes at 21:10 KST on Wednesday and Thursday, 2 and 3 December 2026.
fn server() -> Option<Server> {
    let t = Tvmaze::load()?;
    let mut drama = t.show("1871")?;
    drama["id"] = DRAMA.parse::<u64>().unwrap().into();
    drama["name"] = "Moon in the Day".into();
    let first = drama["_embedded"]["episodes"][0].clone();
    let episodes: Vec<Value> = [(1, "2026-12-02", "Wed"), (2, "2026-12-03", "Thu")]
        .into_iter()
        .map(|(n, day, _)| {
            let mut e = first.clone();
            e["number"] = n.into();
            e["name"] = format!("Chapter {n}").into();
            e["airdate"] = day.into();
            e["airtime"] = "21:10".into();
            e["airstamp"] = format!("{day}T21:10:00+09:00").into();
            e["runtime"] = 70.into();
            e
        })
        .collect();
    drama["_embedded"]["episodes"] = episodes.into();
    Some(Server::start(move |req| {
        if req.path.trim_matches('/') == format!("shows/{DRAMA}") {
            return Reply::json(200, drama.to_string());
        }
        t.route(req).unwrap_or_else(Reply::not_found)
    }))
}

fn cli(server: &Server, now: &str, tz: &str) -> Cli {
    Cli::new(env!("CARGO_BIN_EXE_watchlog"))
        .env("WATCHLOG_TVMAZE_URL", server.base.clone())
        .env("WATCHLOG_NOW", now)
        .env("TZ", tz)
}

/// Mr. Robot added as being watched; its entry id.
fn robot(lib: &Cli) -> String {
    let id = lib.ok(&["add", "--from", "tvmaze:1871", "--status", "watching"]);
    id.trim().to_string()
}

/// The one Up next row.
fn next(lib: &Cli) -> Value {
    let rows = lib.json(&["next"]);
    assert_eq!(rows.as_array().unwrap().len(), 1, "{rows}");
    rows[0].clone()
}

fn episode_of(row: &Value) -> (u64, u64) {
    (
        row["season"].as_u64().unwrap(),
        row["number"].as_u64().unwrap(),
    )
}

#[test]
fn episodes_are_listed_and_marking_moves_next_on() {
    let Some(server) = server() else {
        return;
    };
    let lib = cli(&server, NOW, "America/New_York");
    let id = robot(&lib);

    let list = lib.json(&["episodes", &id]);
    let rows = list.as_array().unwrap();
    assert_eq!(rows.len(), 10);
    let first = &rows[0];
    for key in [
        "season",
        "number",
        "name",
        "airstamp",
        "watched",
        "watched_on",
    ] {
        assert!(
            first.get(key).is_some(),
            "episodes rows carry {key}: {first}"
        );
    }
    assert_eq!(first["name"], "eps1.0hellofriend.mov");
    assert_eq!(first["airstamp"], "2015-06-25T02:00:00Z");
    assert_eq!(first["watched"], false);
    assert_eq!(first["watched_on"], serde_json::json!([]));

    let table = lib.ok(&["episodes", &id]);
    assert!(table.contains("Season 1"), "{table}");
    assert!(
        table.contains("Wed 24 Jun 2015 22:00"),
        "air times in New York time: {table}"
    );

    let row = next(&lib);
    for key in [
        "entry_id",
        "title",
        "season",
        "number",
        "episode_name",
        "airstamp",
        "aired",
        "new_count",
    ] {
        assert!(row.get(key).is_some(), "next rows carry {key}: {row}");
    }
    assert_eq!(row["entry_id"].to_string(), id);
    assert_eq!(episode_of(&row), (1, 1));
    assert_eq!(row["aired"], true);
    assert_eq!(row["new_count"], 4);
    assert!(lib.ok(&["next"]).contains("Continue watching"));

    lib.ok(&["episode", &id, "S1E1", "--on", "2015-07-10"]);
    let row = next(&lib);
    assert_eq!(episode_of(&row), (1, 2));
    assert_eq!(row["new_count"], 3);

    let done = lib.json(&["episode", &id, "--until", "s01e03"]);
    assert_eq!(done["progress"], 3, "{done}");
    let row = next(&lib);
    assert_eq!(episode_of(&row), (1, 4));
    assert_eq!(row["new_count"], 1);

    let list = lib.json(&["episodes", &id]);
    assert_eq!(list[0]["watched_on"], serde_json::json!(["2015-07-10"]));
    assert_eq!(
        list[2]["watched_on"],
        serde_json::json!(["2015-07-16"]),
        "marked now: today in New York"
    );
    assert_eq!(list[3]["watched"], false);

    lib.ok(&["episode", &id, "S1E3", "--unwatch"]);
    assert_eq!(episode_of(&next(&lib)), (1, 3));
    // A local time is the viewer's.
    lib.ok(&["episode", &id, "1x03", "--on", "2015-07-15 23:30"]);
    let list = lib.json(&["episodes", &id]);
    assert_eq!(list[2]["watched_on"], serde_json::json!(["2015-07-15"]));

    // Plain `episode ID` still counts the next one.
    let line = lib.ok(&["episode", &id]);
    assert!(line.contains("4/10"), "{line}");
    let row = next(&lib);
    assert_eq!(episode_of(&row), (1, 5));
    assert_eq!(row["aired"], false);
    assert!(
        lib.ok(&["next"]).contains("Not aired yet"),
        "the next episode airs next week"
    );
}

#[test]
fn the_calendar_as_json_text_and_an_ics_file() {
    let Some(server) = server() else {
        return;
    };
    let lib = cli(&server, NOW, "America/New_York");
    let id = robot(&lib);
    let args = ["calendar", "--from", "2015-07-13", "--days", "14"];

    let items = lib.json(&args);
    let items = items.as_array().unwrap();
    assert_eq!(
        items.iter().map(episode_of).collect::<Vec<_>>(),
        [(1, 4), (1, 5)],
        "{items:?}"
    );
    for key in [
        "entry_id",
        "title",
        "season",
        "number",
        "episode_name",
        "airstamp",
    ] {
        assert!(items[0].get(key).is_some(), "calendar rows carry {key}");
    }
    assert_eq!(items[0]["entry_id"].to_string(), id);
    assert_eq!(items[0]["airstamp"], "2015-07-16T02:00:00Z");

    let text = lib.ok(&args);
    let lines: Vec<&str> = text.lines().collect();
    assert!(
        lines[0].starts_with("Wed 15 Jul 22:00 · Mr. Robot S1E4 '"),
        "{text}"
    );
    assert_eq!(lines.len(), 2, "{text}");

    // The default is seven days from today.
    let week = lib.json(&["calendar"]);
    assert_eq!(
        week.as_array()
            .unwrap()
            .iter()
            .map(episode_of)
            .collect::<Vec<_>>(),
        [(1, 5)]
    );

    let ics = lib.ok(&[&args[..], &["--ics"]].concat());
    let file = lib.home().join("robot.ics");
    let (stdout, stderr) =
        lib.ok_with_stderr(&[&args[..], &["--ics", "--out", file.to_str().unwrap()]].concat());
    assert!(stdout.is_empty(), "--out leaves stdout empty: {stdout}");
    assert!(stderr.contains("Wrote 2 episodes"), "{stderr}");
    let written = std::fs::read_to_string(&file).unwrap();
    assert_eq!(written, ics, "the file is what stdout gets");
    assert!(written.contains("\r\n") && !written.replace("\r\n", "").contains('\n'));

    let cal: icalendar::Calendar = written.parse().expect("the .ics parses");
    let events: Vec<_> = cal
        .components
        .iter()
        .filter_map(|c| match c {
            CalendarComponent::Event(e) => Some(e),
            _ => None,
        })
        .collect();
    assert_eq!(events.len(), 2);
    assert_eq!(
        events[0].get_uid(),
        Some(format!("watchlog-{id}-s1e4@watchlog").as_str())
    );
    assert_eq!(
        events[0].get_timestamp().map(|t| t.to_rfc3339()),
        Some("2015-07-16T16:00:00+00:00".into()),
        "DTSTAMP is now"
    );
    assert!(events[0]
        .get_summary()
        .unwrap()
        .starts_with("Mr. Robot S1E4 · "));
    assert!(written.contains("DTSTART:20150716T020000Z\r\nDTEND:20150716T030000Z\r\n"));

    // JSON to a file, through the same staged write.
    let json_file = lib.home().join("week.json");
    lib.ok(&[&args[..], &["--json", "--out", json_file.to_str().unwrap()]].concat());
    let saved: Value = serde_json::from_slice(&std::fs::read(&json_file).unwrap()).unwrap();
    assert_eq!(saved.as_array().unwrap().len(), 2);
}

#[test]
fn a_seoul_air_time_seen_from_london_and_new_york() {
    let Some(server) = server() else {
        return;
    };
    let lib = cli(&server, "2026-12-01T12:00:00Z", "Asia/Seoul");
    lib.ok(&[
        "add",
        "--from",
        &format!("tvmaze:{DRAMA}"),
        "--status",
        "watching",
    ]);
    let week = |tz: &str, from: &str, days: &str| {
        let out = lib
            .cmd(&["calendar", "--from", from, "--days", days])
            .env("TZ", tz)
            .output()
            .unwrap();
        assert!(out.status.success(), "{out:?}");
        String::from_utf8(out.stdout).unwrap()
    };
    let seoul = week("Asia/Seoul", "2026-12-01", "7");
    assert!(
        seoul.starts_with("Wed 2 Dec 21:10 · Moon in the Day S1E1 'Chapter 1' · premiere\n"),
        "{seoul}"
    );
    let london = week("Europe/London", "2026-12-01", "7");
    assert!(
        london.starts_with("Wed 2 Dec 12:10 · Moon in the Day S1E1"),
        "{london}"
    );
    assert!(
        london.contains("Thu 3 Dec 12:10 · Moon in the Day S1E2"),
        "{london}"
    );
    let ny = week("America/New_York", "2026-12-01", "7");
    assert!(
        ny.starts_with("Wed 2 Dec 07:10 · Moon in the Day S1E1"),
        "{ny}"
    );
    // Seoul's Thursday-evening episode is Thursday morning in New York,
    // and a day in Los Angeles is cut at its own midnight.
    assert!(week("America/New_York", "2026-12-03", "1").starts_with("Thu 3 Dec 07:10"));
    let la = week("America/Los_Angeles", "2026-12-02", "1");
    assert!(
        la.starts_with("Wed 2 Dec 04:10 · Moon in the Day S1E1"),
        "{la}"
    );
    assert_eq!(la.lines().count(), 1, "{la}");

    // The air time in JSON is the instant, whatever the zone.
    let items = lib.json(&["calendar", "--from", "2026-12-01"]);
    assert_eq!(items[0]["airstamp"], "2026-12-02T12:10:00Z");
    assert_eq!(items[0]["local_time"], "21:10");
}

/// `rewatch --start`: the episodes marked stay with the earlier viewing,
/// and the next episode is the first again.
#[test]
fn a_rewatch_starts_the_episodes_again() {
    let Some(server) = server() else {
        return;
    };
    let lib = cli(&server, NOW, "America/New_York");
    let id = robot(&lib);
    lib.refused(
        &["rewatch", &id, "--start"],
        2,
        "nothing of 'Mr. Robot' is marked",
    );
    lib.ok(&["episode", &id, "--until", "S1E4", "--on", "2015-07-15"]);
    let e = lib.json(&["rewatch", &id, "--start"]);
    assert_eq!(
        (
            e["progress"].clone(),
            e["started_on"].clone(),
            e["rewatch_count"].clone()
        ),
        (Value::from(0), Value::from("2015-07-16"), Value::from(1)),
        "{e}"
    );
    assert_eq!(e["viewings"][0]["progress"], 4, "{e}");
    assert_eq!(episode_of(&next(&lib)), (1, 1));
    let list = lib.json(&["episodes", &id]);
    assert_eq!(
        list[0]["watched"], false,
        "the new viewing starts at nothing"
    );
    assert_eq!(
        list[0]["watched_on"],
        serde_json::json!(["2015-07-15"]),
        "the day it was watched in the earlier viewing is kept"
    );
}

#[test]
fn bad_input_is_refused_in_one_line_and_changes_nothing() {
    let Some(server) = server() else {
        return;
    };
    let lib = cli(&server, NOW, "America/New_York");
    let id = robot(&lib);
    lib.ok(&["episode", &id, "S1E1", "--on", "2015-07-01"]);
    let id = id.as_str();
    let library = lib.db().to_str().unwrap().to_string();

    for (args, keyword) in [
        (vec!["episode", id, "S1E11"], "no S1E11"),
        (vec!["episode", id, "S3E1"], "no S3E1"),
        (vec!["episode", id, "S0E0"], "numbered from 1"),
        (vec!["episode", id, "E4"], "S1E4"),
        (vec!["episode", id, "S1E2", "--on", "2030-01-01"], "future"),
        (
            vec!["episode", id, "S1E2", "--on", "2015-07-16 18:00"],
            "future",
        ),
        (
            vec!["episode", id, "S1E2", "--on", "2015-06-30"],
            "aired on",
        ),
        (
            vec!["episode", id, "--until", "S1E4", "--on", "2015-07-10"],
            "aired on",
        ),
        (
            vec!["episode", id, "S1E2", "--on", "2015-03-08 02:30"],
            "clocks went forward",
        ),
        (
            vec!["episode", id, "S1E2", "--on", "yesterday"],
            "YYYY-MM-DD",
        ),
        (vec!["episode", id, "S1E1"], "already marked"),
        (
            vec!["episode", id, "S1E3", "--unwatch"],
            "not marked as watched",
        ),
        (vec!["episode", id, "--unwatch"], "EPISODE"),
        (
            vec!["episode", id, "--on", "2015-07-10"],
            "needs an episode",
        ),
        (vec!["episode", id, "S1E2", "--until", "S1E3"], "--until"),
        (vec!["episode", "999", "S1E1"], "999"),
        (vec!["episodes", "999"], "999"),
        (vec!["calendar", "--days", "0"], "days"),
        (vec!["calendar", "--days", "401"], "days"),
        (vec!["calendar", "--from", "2015-02-30"], "date"),
        (vec!["calendar", "--ics", "--json"], "--ics"),
        (vec!["calendar", "--status", "airing"], "airing"),
        (
            vec!["calendar", "--ics", "--out", &library],
            "destroy the library",
        ),
        (
            vec!["rewatch", id, "--start", "--on", "2015-07-17"],
            "future",
        ),
        (vec!["rewatch", id, "--on", "2015-07-10"], "--start"),
        (
            vec!["rewatch", id, "--start", "--progress", "2"],
            "--progress",
        ),
    ] {
        lib.refused(&args, 2, keyword);
    }
    // With --json the error is the core's payload.
    lib.refused(&["episode", id, "S1E11", "--json"], 2, "no S1E11");
}

#[test]
fn an_episode_of_a_title_without_a_list_is_counted_or_refused() {
    let Some(server) = server() else {
        return;
    };
    let lib = cli(&server, NOW, "America/New_York");
    let id = lib.ok(&[
        "add",
        "Hand Made",
        "--episodes",
        "8",
        "--status",
        "watching",
    ]);
    let id = id.trim();
    assert!(lib.ok(&["episodes", id]).contains("no episode list"));
    lib.refused(&["episode", id, "--until", "S1E3"], 2, "no episode list");
    let line = lib.ok(&["episode", id]);
    assert!(line.contains("1/8"), "{line}");
}
