//! The library view at 100,000 titles: a 50-row page for several filter and
//! sort combinations through the core beside hand-written SQL for the same
//! page; search through the core beside the same FTS5 work done by hand (and
//! beside a LIKE scan); stats; facet counts. Each pair runs interleaved in
//! the same process, and every figure is the median of several runs.
//!
//! `cargo bench -p watchlog-core --bench library`. The library is generated
//! from `../shared/fixtures/datasets` (seed 1) into a temporary file, or
//! read from `LIBRARY_BENCH_DB` when that names a generated library (opening
//! it upgrades its schema). `LIBRARY_BENCH_N` changes the title count;
//! `LIBRARY_BENCH_ONLY=pages|search|other` runs one part. A plain bench
//! binary: one run prints one table.

use std::collections::HashMap;
use std::path::PathBuf;
use std::time::Instant;

use rusqlite::Connection;
use watchlog_core::{Library, ListQuery, SortKey, Status};
use watchlog_testkit::bench::{ms, one, pair, raw};
use watchlog_testkit::fixtures;

const RUNS: usize = 15;

/// The columns of a listing row, as the core reads them.
const COLS: &str = "SELECT e.id, t.kind, t.name, t.original_name, t.year, t.country, e.status,
        e.rating, e.progress, t.episodes, p.name, e.favorite, t.poster_url, e.finished_on,
        e.added_at, (SELECT ps.hash FROM posters ps WHERE ps.title_id = t.id AND ps.source_url = t.poster_url)";
const ROWS: &str =
    " FROM entries e JOIN titles t ON t.id = e.title_id LEFT JOIN platforms p ON p.id = e.platform_id";

/// A search page in relevance order as one SQL statement: every match
/// joined to its entry and title, then sorted.
fn one_statement(index: &str) -> String {
    format!(
        "{COLS}{ROWS} JOIN (SELECT rowid AS id, bm25({index}, 10.0, 10.0, 3.0, 1.0, 1.0) AS rank
                              FROM {index} WHERE {index} MATCH ?1) s ON s.id = e.id
         ORDER BY s.rank, t.sort_name, t.id LIMIT 51"
    )
}

/// The same page by hand, the way the core answers an unfiltered search:
/// rank every match from the index alone, keep the best 51 ranks (with
/// ties), read just those rows and order them by rank, title sort key and
/// title id.
fn raw_ranked(conn: &Connection, index: &str, fts: &str) -> Vec<i64> {
    let mut stmt = conn
        .prepare_cached(&format!(
            "SELECT rowid, bm25({index}, 10.0, 10.0, 3.0, 1.0, 1.0) FROM {index} WHERE {index} MATCH ?1"
        ))
        .expect("ranking prepares");
    let mut all: Vec<(i64, f64)> = stmt
        .query_map([fts], |r| Ok((r.get(0)?, r.get(1)?)))
        .expect("ranking runs")
        .collect::<rusqlite::Result<_>>()
        .expect("ranks");
    if all.len() > 51 {
        all.select_nth_unstable_by(50, |a, b| a.1.total_cmp(&b.1));
        let cut = all[50].1;
        all.retain(|m| m.1 <= cut);
    }
    let ids = format!(
        "[{}]",
        all.iter()
            .map(|m| m.0.to_string())
            .collect::<Vec<_>>()
            .join(",")
    );
    let ranks: HashMap<i64, f64> = all.into_iter().collect();
    let mut stmt = conn
        .prepare_cached(&format!(
            "{COLS}, t.sort_name, t.id FROM json_each(?1) j CROSS JOIN entries e ON e.id = j.value
             JOIN titles t ON t.id = e.title_id LEFT JOIN platforms p ON p.id = e.platform_id"
        ))
        .expect("rows prepare");
    let mut rows = stmt.query([ids]).expect("rows run");
    let mut found: Vec<(f64, String, i64, i64)> = Vec::new();
    while let Some(r) = rows.next().expect("a row") {
        for i in 0..16 {
            std::hint::black_box(r.get_ref(i).expect("a column"));
        }
        let id: i64 = r.get(0).expect("an id");
        found.push((
            ranks[&id],
            r.get(16).expect("a sort key"),
            r.get(17).expect("a title id"),
            id,
        ));
    }
    found.sort_by(|a, b| {
        a.0.total_cmp(&b.0)
            .then_with(|| a.1.cmp(&b.1))
            .then(a.2.cmp(&b.2))
    });
    found.truncate(51);
    found.into_iter().map(|f| f.3).collect()
}

fn ids(page: &watchlog_core::ListPage) -> Vec<i64> {
    page.rows.iter().map(|r| r.id).collect()
}

fn first_50(mut v: Vec<i64>) -> Vec<i64> {
    v.truncate(50);
    v
}

fn library() -> (Option<tempfile::TempDir>, PathBuf) {
    if let Some(p) = std::env::var_os("LIBRARY_BENCH_DB")
        .map(PathBuf::from)
        .filter(|p| p.exists())
    {
        return (None, p);
    }
    let datasets = fixtures::dir().join("datasets");
    if !datasets.is_dir() {
        eprintln!("skipping: the datasets are not at {}", datasets.display());
        std::process::exit(0);
    }
    let n: usize = std::env::var("LIBRARY_BENCH_N")
        .ok()
        .and_then(|n| n.parse().ok())
        .unwrap_or(100_000);
    let dir = tempfile::tempdir().expect("a temp dir");
    let path = dir.path().join("bench.db");
    let t = Instant::now();
    let mut lib = Library::open(&path).expect("a new library");
    lib.generate_sample(&datasets, n, 1)
        .expect("the library generates");
    println!("generated {n} titles in {:.1} s", t.elapsed().as_secs_f64());
    (Some(dir), path)
}

fn main() {
    let (_keep, path) = library();
    let t = Instant::now();
    let lib = Library::open(&path).expect("the library opens");
    let opened = t.elapsed();
    // The raw SQL it is compared with runs on a connection of its own to
    // the same file, as another reader would.
    let conn = Connection::open(&path).expect("a raw connection");
    let titles = lib.status_counts().unwrap().all;
    println!(
        "library: {titles} titles (opened in {:.1} s); medians of {RUNS} runs; milliseconds\n",
        opened.as_secs_f64()
    );
    let only = std::env::var("LIBRARY_BENCH_ONLY").unwrap_or_default();
    let part = |name: &str| only.is_empty() || only == name;
    if part("pages") {
        pages(&lib, &conn);
    }
    if part("search") {
        search(&lib, &conn);
    }
    if part("other") {
        other(&lib);
    }
}

fn pages(lib: &Library, conn: &Connection) {
    println!(
        "{:<44} {:>9} {:>9} {:>7}",
        "50-row page", "core", "raw SQL", "ratio"
    );
    let deep = lib
        .list_page(&ListQuery {
            sort: Some(SortKey::Title),
            limit: Some(50_000),
            ..Default::default()
        })
        .unwrap()
        .next_cursor;
    let deep_key: (String, i64) = conn
        .query_row(
            "SELECT t.sort_name, t.id FROM entries e JOIN titles t ON t.id = e.title_id
             ORDER BY t.sort_name, t.id LIMIT 1 OFFSET 49999",
            [],
            |r| Ok((r.get(0)?, r.get(1)?)),
        )
        .unwrap();
    // Each raw statement is the core's own SQL for that page, written out:
    // the same joins, filters and ORDER BY (the `+` before e.status keeps
    // SQLite from starting at the status index, as the core does).
    type Raw = (String, Vec<Box<dyn rusqlite::ToSql>>);
    let cases: Vec<(&str, ListQuery, Raw)> = vec![
        (
            "newest added",
            ListQuery { limit: Some(50), ..Default::default() },
            (format!("{COLS}{ROWS} ORDER BY e.added_at DESC, e.id DESC LIMIT 51"), vec![]),
        ),
        (
            "title A→Z",
            ListQuery { sort: Some(SortKey::Title), limit: Some(50), ..Default::default() },
            (format!("{COLS}{ROWS} ORDER BY t.sort_name, t.id LIMIT 51"), vec![]),
        ),
        (
            "title A→Z, page after 50,000 rows (cursor)",
            ListQuery { sort: Some(SortKey::Title), limit: Some(50), cursor: deep, ..Default::default() },
            (
                format!("{COLS}{ROWS} WHERE t.sort_name >= ?1 AND (t.sort_name > ?1 OR (t.sort_name = ?1 AND t.id > ?2)) ORDER BY t.sort_name, t.id LIMIT 51"),
                vec![Box::new(deep_key.0.clone()), Box::new(deep_key.1)],
            ),
        ),
        (
            "year, newest first",
            ListQuery { sort: Some(SortKey::Year), limit: Some(50), ..Default::default() },
            (format!("{COLS}{ROWS} ORDER BY t.year IS NULL, t.year DESC, t.sort_name, t.id LIMIT 51"), vec![]),
        ),
        (
            "completed, KR, by rating",
            ListQuery { status: Some(Status::Completed), country: Some("KR".into()), sort: Some(SortKey::Rating), limit: Some(50), ..Default::default() },
            (
                format!("{COLS}{ROWS} WHERE +e.status = 'completed' AND t.country = 'KR' ORDER BY e.rating IS NULL, e.rating DESC, t.sort_name, t.id LIMIT 51"),
                vec![],
            ),
        ),
        (
            "genre Comedy, title A→Z",
            ListQuery { genre: Some("Comedy".into()), sort: Some(SortKey::Title), limit: Some(50), ..Default::default() },
            (
                format!("{COLS}{ROWS} WHERE e.title_id IN (SELECT title_id FROM title_genres WHERE genre = 'Comedy' COLLATE NOCASE) ORDER BY t.sort_name, t.id LIMIT 51"),
                vec![],
            ),
        ),
        (
            "on my services, finished recently",
            ListQuery { on_my_services: Some(true), sort: Some(SortKey::Finished), limit: Some(50), ..Default::default() },
            (
                format!("{COLS}{ROWS} WHERE e.platform_id IN (SELECT id FROM platforms WHERE subscribed = 1) ORDER BY e.finished_on IS NULL, e.finished_on DESC, t.sort_name, t.id LIMIT 51"),
                vec![],
            ),
        ),
        (
            "tag + favourite + 2010–2020, newest added",
            ListQuery { tag: Some("comfort".into()), favorite: Some(true), year_min: Some(2010), year_max: Some(2020), limit: Some(50), ..Default::default() },
            (
                format!("{COLS}{ROWS} WHERE e.id IN (SELECT et.entry_id FROM entry_tags et JOIN tags tg ON tg.id = et.tag_id WHERE tg.name = 'comfort') AND t.year >= 2010 AND t.year <= 2020 AND e.favorite = 1 ORDER BY e.added_at DESC, e.id DESC LIMIT 51"),
                vec![],
            ),
        ),
        (
            "status tab: completed, title A→Z",
            ListQuery { status: Some(Status::Completed), sort: Some(SortKey::Title), limit: Some(50), ..Default::default() },
            (
                format!("{COLS}{ROWS} WHERE +e.status = 'completed' ORDER BY t.sort_name, t.id LIMIT 51"),
                vec![],
            ),
        ),
    ];
    let mut worst_page: f64 = 0.0;
    for (name, q, (sql, params)) in &cases {
        let p: Vec<&dyn rusqlite::ToSql> = params.iter().map(|b| b.as_ref()).collect();
        let (c, r, core, raw_ids) = pair(
            RUNS,
            || lib.list_page(q).unwrap(),
            || raw(conn, sql, &p[..]),
        );
        assert_eq!(
            ids(&core),
            first_50(raw_ids),
            "{name}: the core and the raw SQL disagree on the page"
        );
        let ratio = c.as_secs_f64() / r.as_secs_f64();
        worst_page = worst_page.max(ratio);
        println!("{name:<44} {:>9} {:>9} {:>6.2}×", ms(c), ms(r), ratio);
    }
    println!("worst page ratio {worst_page:.2}× (goal ≤ 1.5×)\n");
}

fn search(lib: &Library, conn: &Connection) {
    println!(
        "{:<34} {:>7} {:>7} {:>6} {:>8} {:>8} {:>7}",
        "search (50 best matches)", "core", "by hand", "ratio", "1 query", "LIKE", "faster"
    );
    let (mut worst_ratio, mut least_faster) = (0.0f64, f64::INFINITY);
    // Which index answers each case, and its FTS5 query, as the core plans
    // it: Latin words are word prefixes in the word index, Hangul
    // substrings go to the trigram index.
    for (name, text, index, fts) in [
        ("Latin prefix 'soun'", "soun", "entry_words", "\"soun\"*"),
        ("Latin prefix 'lov'", "lov", "entry_words", "\"lov\"*"),
        (
            "Hangul substring '사운드트'",
            "사운드트",
            "entry_search",
            "\"사운드트\"",
        ),
        (
            "Hangul substring '최고의'",
            "최고의",
            "entry_search",
            "\"최고의\"",
        ),
        (
            "review text 'masterclass pacing'",
            "masterclass pacing",
            "entry_words",
            "\"masterclass\"* AND \"pacing\"*",
        ),
    ] {
        let q = ListQuery {
            search: Some(text.into()),
            limit: Some(50),
            ..Default::default()
        };
        let (c, h, core, by_hand) = pair(
            RUNS,
            || lib.list_page(&q).unwrap(),
            || raw_ranked(conn, index, fts),
        );
        assert_eq!(
            ids(&core),
            first_50(by_hand),
            "{name}: the core and the same work by hand disagree"
        );
        let single = one_statement(index);
        let one_query = one(RUNS, || {
            raw(conn, &single, [&fts]);
        });
        assert_eq!(
            first_50(raw(conn, &single, [&fts])),
            ids(&core),
            "{name}: the core and the single statement disagree"
        );
        // The LIKE scan: every searchable field, in title order, stopping
        // at the 51st match (unranked).
        let like_where = text
            .split_whitespace()
            .map(|w| {
                let w = w.replace('\'', "''");
                format!(
                    "(t.name LIKE '%{w}%' OR t.original_name LIKE '%{w}%' OR e.review LIKE '%{w}%' OR e.notes LIKE '%{w}%'
                      OR EXISTS (SELECT 1 FROM title_people tp WHERE tp.title_id = t.id AND tp.name LIKE '%{w}%'))"
                )
            })
            .collect::<Vec<_>>()
            .join(" AND ");
        let like_sql =
            format!("{COLS}{ROWS} WHERE {like_where} ORDER BY t.sort_name, t.id LIMIT 51");
        let like = one(RUNS, || {
            raw(conn, &like_sql, []);
        });
        let ratio = c.as_secs_f64() / h.as_secs_f64();
        let faster = like.as_secs_f64() / c.as_secs_f64();
        worst_ratio = worst_ratio.max(ratio);
        least_faster = least_faster.min(faster);
        println!(
            "{name:<34} {:>7} {:>7} {:>5.2}× {:>8} {:>8} {:>6.1}×",
            ms(c),
            ms(h),
            ratio,
            ms(one_query),
            ms(like),
            faster
        );
    }
    println!(
        "worst search ratio {worst_ratio:.2}× (goal ≤ 2×); least faster than LIKE {least_faster:.1}× (goal ≥ 10×)\n"
    );
}

fn other(lib: &Library) {
    let stats = one(RUNS, || {
        std::hint::black_box(lib.stats().unwrap());
    });
    println!(
        "{:<44} {:>9}",
        "stats (everything on the Stats screen)",
        ms(stats)
    );
    for (name, q) in [
        ("facet counts, no filter", ListQuery::default()),
        (
            "facet counts, completed",
            ListQuery {
                status: Some(Status::Completed),
                ..Default::default()
            },
        ),
        (
            "facet counts, completed + KR",
            ListQuery {
                status: Some(Status::Completed),
                country: Some("KR".into()),
                ..Default::default()
            },
        ),
        (
            "facet counts, search 'love'",
            ListQuery {
                search: Some("love".into()),
                ..Default::default()
            },
        ),
    ] {
        let facets = one(RUNS, || {
            std::hint::black_box(lib.facet_counts(&q).unwrap());
        });
        println!("{name:<44} {:>9}", ms(facets));
    }
}
