//! `watchlog unmatched` and `watchlog match` against Mr. Robot's real
//! TVmaze answers served by a local HTTP server: an imported show with no
//! catalogue id and episodes known by name is matched, gets its facts and
//! episode list, and its watches find their numbers; an ambiguous one is
//! listed with candidates and settled by hand; offline, nothing is lost.

use serde_json::Value;
use watchlog_testkit::tvmaze::Tvmaze;
use watchlog_testkit::{Cli, Reply, Server};

fn server() -> Option<Server> {
    let t = Tvmaze::load()?;
    Some(Server::start(move |req| {
        t.route(req).unwrap_or_else(Reply::not_found)
    }))
}

fn cli(base: &str) -> Cli {
    Cli::new(env!("CARGO_BIN_EXE_watchlog"))
        .env("WATCHLOG_TVMAZE_URL", base.to_string())
        .env("WATCHLOG_NET_TIMEOUT", "1")
        .env("TZ", "America/New_York")
}

/// A Watchlog export holding Mr. Robot as another service would leave it
/// (a name and a year, no catalogue id), with two episodes known only by
/// their names, a show no search can place, and a film.
fn imported(lib: &Cli) {
    let source = Cli::new(env!("CARGO_BIN_EXE_watchlog"));
    source.ok(&[
        "add",
        "Mr. Robot",
        "--year",
        "2015",
        "--status",
        "watching",
        "--episodes",
        "10",
    ]);
    source.ok(&["add", "Robot", "--status", "watching"]);
    source.ok(&["add", "Parasite", "--kind", "film", "--year", "2019"]);
    let file = source.home().join("export.json");
    source.ok(&["export", "watchlog-json", "--out", file.to_str().unwrap()]);
    let mut json: Value = serde_json::from_slice(&std::fs::read(&file).unwrap()).unwrap();
    json["entries"][0]["progress"] = 2.into();
    json["entries"][0]["episodes"] = serde_json::json!([
        {"season": 1, "name": "eps1.0hellofriend.mov", "watched_on": "2015-06-25", "watched_at": null},
        {"name": "EPS1.1_ONES-AND-ZER0ES.MPEG", "watched_on": "2015-07-02", "watched_at": null}
    ]);
    std::fs::write(&file, json.to_string()).unwrap();
    lib.ok(&["import", "watchlog-json", file.to_str().unwrap(), "--apply"]);
}

fn states(lib: &Cli) -> Vec<(String, String)> {
    lib.json(&["unmatched"])
        .as_array()
        .unwrap()
        .iter()
        .map(|u| {
            (
                u["title"].as_str().unwrap().to_string(),
                u["state"].as_str().unwrap().to_string(),
            )
        })
        .collect()
}

#[test]
fn an_imported_show_is_matched_and_its_named_episodes_find_their_numbers() {
    let Some(server) = server() else {
        return;
    };
    let lib = cli(&server.base);
    imported(&lib);
    assert_eq!(
        states(&lib),
        [
            ("Mr. Robot".into(), "waiting".into()),
            ("Parasite".into(), "waiting".into()),
            ("Robot".into(), "waiting".into())
        ]
    );
    let run = lib.json(&["match", "--all"]);
    assert_eq!(run["matched"], 1, "{run:#}");
    // Only TMDB lists films, and there is no key: the film waits, untried.
    assert_eq!(run["films_need_key"], 1, "{run:#}");
    let text = lib.ok(&["match", "--all"]);
    assert!(
        text.contains("1 film waits: films are matched through TMDB"),
        "{text}"
    );
    let robot = run["titles"]
        .as_array()
        .unwrap()
        .iter()
        .find(|t| t["outcome"] == "matched")
        .unwrap()
        .clone();
    assert_eq!(robot["source"], "tvmaze:1871");
    let id = robot["entry_id"].to_string();
    let entry = lib.json(&["show", &id]);
    assert_eq!(entry["title"]["external_ids"]["tvmaze"], "1871");
    assert_eq!(entry["status"], "watching", "the viewer's fields stay");
    let episodes = lib.json(&["episodes", &id]);
    let watched: Vec<(u64, u64, Value)> = episodes
        .as_array()
        .unwrap()
        .iter()
        .filter(|e| e["watched"] == true)
        .map(|e| {
            (
                e["season"].as_u64().unwrap(),
                e["number"].as_u64().unwrap(),
                e["watched_on"].clone(),
            )
        })
        .collect();
    assert_eq!(
        watched,
        [
            (1, 1, serde_json::json!(["2015-06-25"])),
            (1, 2, serde_json::json!(["2015-07-02"]))
        ]
    );
    // The one no show fits stays on the list, so marked; a second run
    // tries it again and leaves the matched one alone.
    let left = states(&lib);
    assert_eq!(
        left,
        [
            ("Parasite".into(), "waiting".into()),
            ("Robot".into(), "not_found".into())
        ]
    );
    let again = lib.json(&["match", "--all"]);
    assert_eq!(again["matched"], 0, "{again:#}");
}

#[test]
fn an_ambiguous_show_is_settled_by_hand_or_kept() {
    let Some(server) = server() else {
        return;
    };
    let lib = cli(&server.base);
    // "Robot" of 2015 is in the names of two shows of that year.
    lib.ok(&["add", "Robot", "--year", "2015", "--status", "watching"]);
    let id = "1";
    let run = lib.json(&["match", id]);
    assert_eq!(run["titles"][0]["outcome"], "ambiguous", "{run:#}");
    let listed = lib.json(&["unmatched"]);
    assert_eq!(listed[0]["state"], "ambiguous");
    let candidates: Vec<&str> = listed[0]["candidates"]
        .as_array()
        .unwrap()
        .iter()
        .map(|c| c["name"].as_str().unwrap())
        .collect();
    assert!(candidates.contains(&"Mr. Robot"), "{listed:#}");
    lib.ok(&["match", id, "--pick", "tvmaze:1871"]);
    let entry = lib.json(&["show", id]);
    assert_eq!(entry["title"]["name"], "Mr. Robot");
    assert_eq!(lib.json(&["unmatched"]), serde_json::json!([]));

    let other = lib
        .ok(&["add", "Robot", "--year", "1999"])
        .trim()
        .to_string();
    lib.ok(&["match", &other, "--keep"]);
    assert_eq!(states(&lib), [("Robot".into(), "kept".into())]);
    let all = lib.json(&["match", "--all"]);
    assert_eq!(
        all["titles"],
        serde_json::json!([]),
        "a kept one is left alone"
    );
}

#[test]
fn offline_matching_keeps_every_show_waiting() {
    let Some(server) = server() else {
        return;
    };
    let base = server.base.clone();
    let lib = cli(&base);
    imported(&lib);
    drop(server);
    let (code, _, stderr) = lib.run(&["match", "--all"]);
    assert_eq!(code, 1, "{stderr}");
    assert!(stderr.contains("could not be reached"), "{stderr}");
    assert_eq!(
        states(&lib),
        [
            ("Mr. Robot".into(), "waiting".into()),
            ("Parasite".into(), "waiting".into()),
            ("Robot".into(), "waiting".into())
        ]
    );
}
