//! Matching throughput: imported shows with no catalogue id matched against
//! a local stand-in for TVmaze, so the figure is Watchlog's own pace, not
//! the network's. Each show's search answers one hit, and `/shows/{id}` is
//! Mr. Robot's real recorded show with its real episode list, renamed and
//! renumbered per show, so every match goes the whole way: search, details
//! (episodes and cast embedded), crew, attach (facts, 40-odd episodes, the
//! search index) in its own transaction.
//!
//! Two runs: with no rate limit (what matching costs Watchlog itself, per
//! show), and with the client's default TVmaze limit (20 calls in 10 s),
//! beside the least time that limit allows for the requests the run made.
//! `MATCH_BENCH_N` (default 300) and `MATCH_BENCH_LIMITED_N` (default 40)
//! change the counts.

use std::time::{Duration, Instant};

use serde_json::Value;
use watchlog_core::catalog::blocking::BlockingCatalog;
use watchlog_core::catalog::{CatalogConfig, MatchSelection};
use watchlog_core::net::NetConfig;
use watchlog_core::progress::CancelToken;
use watchlog_core::{EntryFields, Kind, Library, NewEntry, Status, TitleFacts};
use watchlog_testkit::tvmaze::Tvmaze;
use watchlog_testkit::{Reply, Sandbox, Server};

/// Ids the stand-in gives its shows: `BASE + n` for "Drama n".
const BASE: u64 = 500_000;

fn count(var: &str, default: usize) -> usize {
    std::env::var(var)
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(default)
}

fn main() {
    let Some(t) = Tvmaze::load() else {
        eprintln!("the shared fixtures are missing; nothing to measure");
        return;
    };
    let robot = t.show("1871").expect("Mr. Robot is recorded");
    let server = Server::start(move |req| {
        let parts: Vec<&str> = req.path.trim_matches('/').split('/').collect();
        match parts.as_slice() {
            ["search", "shows"] => {
                // `q=Drama%2017` or `q=Drama+17`.
                let q = req.query.replace("%20", " ").replace('+', " ");
                let n: u64 = q
                    .rsplit(' ')
                    .next()
                    .and_then(|n| n.parse().ok())
                    .unwrap_or(0);
                let mut show = robot.clone();
                show["id"] = (BASE + n).into();
                show["name"] = format!("Drama {n}").into();
                show.as_object_mut().unwrap().remove("_embedded");
                let hits = serde_json::json!([{ "score": 0.9, "show": show }]);
                Reply::json(200, hits.to_string())
            }
            ["shows", id] => {
                let id: u64 = id.parse().unwrap_or(0);
                let mut show: Value = robot.clone();
                show["id"] = id.into();
                show["name"] = format!("Drama {}", id.saturating_sub(BASE)).into();
                show["externals"] = serde_json::json!({});
                Reply::json(200, show.to_string())
            }
            _ => Reply::json(200, "[]"),
        }
    });
    println!("| run | shows | requests | wall | per show | least the limit allows | ratio |");
    println!("|---|---:|---:|---:|---:|---:|---:|");
    let unlimited = count("MATCH_BENCH_N", 300);
    let (wall, requests) = run(&server, unlimited, None);
    println!(
        "| no rate limit | {unlimited} | {requests} | {:.2} s | {:.1} ms | – | – |",
        wall.as_secs_f64(),
        wall.as_secs_f64() * 1000.0 / unlimited as f64
    );
    let limited = count("MATCH_BENCH_LIMITED_N", 40);
    let limit = NetConfig::default().rate_limit.expect("a default limit");
    let (wall, requests) = run(&server, limited, Some(()));
    // A window of `limit.requests` calls per `limit.per`: call i may start
    // at floor(i / requests) windows.
    let least = limit.per * ((requests.saturating_sub(1)) / limit.requests as usize) as u32;
    println!(
        "| TVmaze's limit ({} calls / {} s) | {limited} | {requests} | {:.2} s | {:.1} ms | {:.2} s | {:.2}× |",
        limit.requests,
        limit.per.as_secs(),
        wall.as_secs_f64(),
        wall.as_secs_f64() * 1000.0 / limited as f64,
        least.as_secs_f64(),
        wall.as_secs_f64() / least.as_secs_f64().max(f64::EPSILON)
    );
}

/// Matches `n` fresh shows; the wall time and the requests it made.
fn run(server: &Server, n: usize, limited: Option<()>) -> (Duration, usize) {
    let sandbox = Sandbox::new();
    {
        let mut lib = Library::open(&sandbox.db).unwrap();
        for i in 0..n {
            lib.add_entry(&NewEntry {
                title: TitleFacts {
                    kind: Kind::Series,
                    name: format!("Drama {i}"),
                    ..Default::default()
                },
                fields: EntryFields {
                    status: Status::Watching,
                    ..Default::default()
                },
            })
            .unwrap();
        }
    }
    let mut net = NetConfig::default();
    if limited.is_none() {
        net.rate_limit = None;
    }
    let catalog = BlockingCatalog::new(CatalogConfig {
        tvmaze_url: server.base.clone(),
        cache_ttl: Duration::ZERO,
        net,
        ..CatalogConfig::default()
    })
    .unwrap();
    let before = server.hits().len();
    let start = Instant::now();
    let run = catalog
        .match_all(&sandbox.db, &MatchSelection::All, None, &CancelToken::new())
        .unwrap();
    let wall = start.elapsed();
    assert_eq!(run.matched as usize, n, "{run:#?}");
    (wall, server.hits().len() - before)
}
