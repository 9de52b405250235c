//! The library view at 100,000 titles: a 50-row page for every sort order
//! against each kind of filter, through the core beside the core's own
//! statements run on a connection of their own (and beside the one plain
//! statement SQLite would plan by itself); search through the core beside
//! the same FTS5 work done by hand (and beside a LIKE scan); stats; facet
//! counts. Each pair runs interleaved in the same process, and every figure
//! is the median of several runs.
//!
//! `cargo bench -p watchlog-core --bench library`. The library is generated
//! from `../shared/fixtures/datasets` (seed 1) into a temporary file, or
//! read from `LIBRARY_BENCH_DB` when that names a generated library (opening
//! it upgrades its schema). `LIBRARY_BENCH_N` changes the title count;
//! `LIBRARY_BENCH_ONLY=pages|search|other` runs one part. A plain bench
//! binary: one run prints one table.

use std::collections::HashMap;
use std::time::Instant;

use rusqlite::types::Value;
use rusqlite::Connection;
use watchlog_core::{Library, ListQuery, Rating, SortKey, Status};
use watchlog_testkit::bench::{ms, one, pair, raw};

mod common;

const RUNS: usize = 15;

/// The columns of a listing row, as the core reads them.
const COLS: &str = "SELECT e.id, t.kind, t.name, t.original_name, t.year, t.country, e.status,
        e.rating, e.progress, t.episodes, p.name, e.favorite, t.poster_url, e.finished_on,
        e.added_at, (SELECT ps.hash FROM posters ps WHERE ps.title_id = t.id AND ps.source_url = t.poster_url)";
const ROWS: &str =
    " FROM entries e JOIN titles t ON t.id = e.title_id LEFT JOIN platforms p ON p.id = e.platform_id";

/// The relevance subquery, as the core writes it: the title matches
/// (tier 0) by the bm25 of the query on the title fields, then the other
/// matches (tier 1) by the bm25 of the query on every field. Parameters:
/// the title query, the query, the title query.
fn tiered(index: &str) -> String {
    let bm25 = format!("bm25({index}, 10.0, 10.0, 3.0, 1.0, 1.0)");
    format!(
        "SELECT rowid AS id, 0 AS tier, {bm25} AS rank FROM {index} WHERE {index} MATCH ?1
         UNION ALL
         SELECT rowid, 1, {bm25} FROM {index} WHERE {index} MATCH ?2
           AND rowid NOT IN (SELECT rowid FROM {index} WHERE {index} MATCH ?1)"
    )
}

fn in_titles(fts: &str) -> String {
    format!("{{name original_name}} : ({fts})")
}

/// A search page in relevance order as one SQL statement: every match
/// joined to its entry and title, then sorted.
fn one_statement(index: &str) -> String {
    format!(
        "{COLS}{ROWS} JOIN ({}) s ON s.id = e.id
         ORDER BY s.tier, s.rank, t.sort_name, t.id LIMIT 51",
        tiered(index)
    )
}

/// Every match of `fts` with its bm25, as `(id, tier, rank)`.
fn scored(conn: &Connection, index: &str, fts: &str, tier: i64) -> Vec<(i64, i64, f64)> {
    let mut stmt = conn
        .prepare_cached(&format!(
            "SELECT rowid, bm25({index}, 10.0, 10.0, 3.0, 1.0, 1.0) FROM {index} WHERE {index} MATCH ?1"
        ))
        .expect("ranking prepares");
    let rows = stmt
        .query_map([fts], |r| Ok((r.get(0)?, tier, r.get(1)?)))
        .expect("ranking runs");
    rows.collect::<rusqlite::Result<_>>().expect("ranks")
}

/// The same page by hand, the way the core answers an unfiltered search:
/// rank the title matches from the index alone, and the others only when
/// the title matches do not fill the page; keep the best 51 (with ties),
/// read just those rows and order them by tier, rank, title sort key and
/// title id.
fn raw_ranked(conn: &Connection, index: &str, fts: &str) -> Vec<i64> {
    let mut all = scored(conn, index, &in_titles(fts), 0);
    if all.len() < 51 {
        let titled: std::collections::HashSet<i64> = all.iter().map(|m| m.0).collect();
        all.extend(
            scored(conn, index, fts, 1)
                .into_iter()
                .filter(|m| !titled.contains(&m.0)),
        );
    }
    let order = |a: &(i64, i64, f64), b: &(i64, i64, f64)| a.1.cmp(&b.1).then(a.2.total_cmp(&b.2));
    if all.len() > 51 {
        all.select_nth_unstable_by(50, order);
        let cut = all[50];
        all.retain(|m| order(m, &cut) != std::cmp::Ordering::Greater);
    }
    let ids = format!(
        "[{}]",
        all.iter()
            .map(|m| m.0.to_string())
            .collect::<Vec<_>>()
            .join(",")
    );
    let scores: HashMap<i64, (i64, f64)> = all.into_iter().map(|m| (m.0, (m.1, m.2))).collect();
    let mut stmt = conn
        .prepare_cached(&format!(
            "{COLS}, t.sort_name, t.id FROM json_each(?1) j CROSS JOIN entries e ON e.id = j.value
             JOIN titles t ON t.id = e.title_id LEFT JOIN platforms p ON p.id = e.platform_id"
        ))
        .expect("rows prepare");
    let mut rows = stmt.query([ids]).expect("rows run");
    let mut found: Vec<((i64, f64), String, i64, i64)> = Vec::new();
    while let Some(r) = rows.next().expect("a row") {
        for i in 0..16 {
            std::hint::black_box(r.get_ref(i).expect("a column"));
        }
        let id: i64 = r.get(0).expect("an id");
        found.push((
            scores[&id],
            r.get(16).expect("a sort key"),
            r.get(17).expect("a title id"),
            id,
        ));
    }
    found.sort_by(|a, b| {
        a.0 .0
            .cmp(&b.0 .0)
            .then(a.0 .1.total_cmp(&b.0 .1))
            .then_with(|| a.1.cmp(&b.1))
            .then(a.2.cmp(&b.2))
    });
    found.truncate(51);
    found.into_iter().map(|f| f.3).collect()
}

/// Runs the core's own statements for a page, as `list_page` does: their
/// rows in order until there are 51.
fn raw_statements(conn: &Connection, statements: &[(String, Vec<Value>)]) -> Vec<i64> {
    let mut ids = Vec::new();
    for (sql, params) in statements {
        if ids.len() >= 51 {
            break;
        }
        ids.extend(raw(conn, sql, rusqlite::params_from_iter(params.iter())));
    }
    ids.truncate(51);
    ids
}

fn ids(page: &watchlog_core::ListPage) -> Vec<i64> {
    page.rows.iter().map(|r| r.id).collect()
}

fn first_50(mut v: Vec<i64>) -> Vec<i64> {
    v.truncate(50);
    v
}

fn main() {
    let (_keep, path) = common::library("LIBRARY_BENCH_DB", "LIBRARY_BENCH_N");
    let t = Instant::now();
    let lib = Library::open(&path).expect("the library opens");
    let opened = t.elapsed();
    // The raw SQL it is compared with runs on a connection of its own to
    // the same file, as another reader would.
    let conn = Connection::open(&path).expect("a raw connection");
    // Configured as the core's own connection is: the file mapped.
    conn.pragma_update(None, "mmap_size", watchlog_core::store::MMAP_BYTES)
        .expect("mmap_size");
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
        other(&lib, &conn);
    }
}

fn pages(lib: &Library, conn: &Connection) {
    println!(
        "{:<44} {:>8} {:>8} {:>6} {:>9}",
        "50-row page", "core", "raw SQL", "ratio", "1 query"
    );
    let netflix: i64 = conn
        .query_row("SELECT id FROM platforms WHERE name = 'Netflix'", [], |r| {
            r.get(0)
        })
        .unwrap();
    // Each kind of filter, with its clause as one plain statement would
    // write it (the `+` before e.status keeps SQLite from starting at the
    // status index, as the core always did).
    let filters: Vec<(&str, ListQuery, String)> = vec![
        ("no filter", ListQuery::default(), String::new()),
        (
            "completed",
            ListQuery { status: Some(Status::Completed), ..Default::default() },
            "+e.status = 'completed'".into(),
        ),
        (
            "platform Netflix",
            ListQuery { platform: Some("Netflix".into()), ..Default::default() },
            format!("e.platform_id = {netflix}"),
        ),
        (
            "on my services",
            ListQuery { on_my_services: Some(true), ..Default::default() },
            "e.platform_id IN (SELECT id FROM platforms WHERE subscribed = 1)".into(),
        ),
        (
            "country KR",
            ListQuery { country: Some("KR".into()), ..Default::default() },
            "t.country = 'KR'".into(),
        ),
        (
            "genre Comedy",
            ListQuery { genre: Some("Comedy".into()), ..Default::default() },
            "e.title_id IN (SELECT title_id FROM title_genres WHERE genre = 'Comedy' COLLATE NOCASE)".into(),
        ),
        (
            "tag comfort",
            ListQuery { tag: Some("comfort".into()), ..Default::default() },
            "e.id IN (SELECT et.entry_id FROM entry_tags et JOIN tags tg ON tg.id = et.tag_id WHERE tg.name = 'comfort')".into(),
        ),
        (
            "years 2010–2020",
            ListQuery { year_min: Some(2010), year_max: Some(2020), ..Default::default() },
            "t.year >= 2010 AND t.year <= 2020".into(),
        ),
        (
            "rating 8 and up",
            ListQuery { rating_min: Some(Rating::new(80).unwrap()), ..Default::default() },
            "e.rating >= 80".into(),
        ),
        (
            "favourites",
            ListQuery { favorite: Some(true), ..Default::default() },
            "e.favorite = 1".into(),
        ),
        (
            "search 'lov'",
            ListQuery { search: Some("lov".into()), ..Default::default() },
            "e.id IN (SELECT rowid FROM entry_words WHERE entry_words MATCH '\"lov\"*')".into(),
        ),
        (
            "completed, KR",
            ListQuery { status: Some(Status::Completed), country: Some("KR".into()), ..Default::default() },
            "+e.status = 'completed' AND t.country = 'KR'".into(),
        ),
    ];
    let orders = [
        ("added", SortKey::Added, "e.added_at DESC, e.id DESC"),
        ("title", SortKey::Title, "t.sort_name, t.id"),
        (
            "year",
            SortKey::Year,
            "t.year IS NULL, t.year DESC, t.sort_name, t.id",
        ),
        (
            "rating",
            SortKey::Rating,
            "e.rating IS NULL, e.rating DESC, t.sort_name, t.id",
        ),
        (
            "finished",
            SortKey::Finished,
            "e.finished_on IS NULL, e.finished_on DESC, t.sort_name, t.id",
        ),
    ];
    let mut cases: Vec<(String, ListQuery, String)> = Vec::new();
    for (fname, fq, clause) in &filters {
        for (oname, sort, order_by) in &orders {
            let where_ = if clause.is_empty() {
                String::new()
            } else {
                format!(" WHERE {clause}")
            };
            cases.push((
                format!("{fname}, by {oname}"),
                ListQuery {
                    sort: Some(*sort),
                    limit: Some(50),
                    ..fq.clone()
                },
                format!("{COLS}{ROWS}{where_} ORDER BY {order_by} LIMIT 51"),
            ));
        }
    }
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
    cases.push((
        "title, page after 50,000 rows (cursor)".into(),
        ListQuery { sort: Some(SortKey::Title), limit: Some(50), cursor: deep, ..Default::default() },
        format!(
            "{COLS}{ROWS} WHERE t.sort_name >= '{0}' AND (t.sort_name > '{0}' OR (t.sort_name = '{0}' AND t.id > {1})) ORDER BY t.sort_name, t.id LIMIT 51",
            deep_key.0.replace('\'', "''"),
            deep_key.1
        ),
    ));
    let (mut worst_page, mut worst_ratio) = (0.0f64, 0.0f64);
    let mut worst_name = String::new();
    for (name, q, plain) in &cases {
        let statements = lib.list_statements(q).unwrap();
        let (c, r, core, raw_ids) = pair(
            RUNS,
            || lib.list_page(q).unwrap(),
            || raw_statements(conn, &statements),
        );
        assert_eq!(
            ids(&core),
            first_50(raw_ids),
            "{name}: the core and its statements disagree on the page"
        );
        let single = one(RUNS, || {
            raw(conn, plain, []);
        });
        assert_eq!(
            first_50(raw(conn, plain, [])),
            ids(&core),
            "{name}: the core and the plain statement disagree on the page"
        );
        let ratio = c.as_secs_f64() / r.as_secs_f64();
        worst_ratio = worst_ratio.max(ratio);
        if c.as_secs_f64() > worst_page {
            worst_page = c.as_secs_f64();
            worst_name = name.clone();
        }
        println!(
            "{name:<44} {:>8} {:>8} {:>5.2}× {:>9}",
            ms(c),
            ms(r),
            ratio,
            ms(single)
        );
    }
    println!(
        "{} pages; slowest {:.2} ms ({worst_name}; goal ≤ 5 ms); worst ratio {worst_ratio:.2}× (goal ≤ 1.5×)\n",
        cases.len(),
        worst_page * 1000.0
    );
}

fn search(lib: &Library, conn: &Connection) {
    println!(
        "{:<34} {:>7} {:>7} {:>6} {:>8} {:>8} {:>7}",
        "search (50 best matches)", "core", "by hand", "ratio", "1 query", "LIKE", "faster"
    );
    let (mut worst_ratio, mut least_faster, mut slowest) = (0.0f64, f64::INFINITY, 0.0f64);
    // Which index answers each case, and its FTS5 query, as the core plans
    // it: Latin words are word prefixes in the word index, Hangul
    // substrings go to the trigram index.
    for (name, text, index, fts) in [
        ("Latin prefix 'soun'", "soun", "entry_words", "\"soun\"*"),
        ("Latin prefix 'lov'", "lov", "entry_words", "\"lov\"*"),
        (
            "Latin substring 'ory' (fallback)",
            "ory",
            "entry_search",
            "\"ory\"",
        ),
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
        let titles = in_titles(fts);
        assert_eq!(
            ids(&core),
            first_50(by_hand),
            "{name}: the core and the same work by hand disagree"
        );
        let single = one_statement(index);
        let one_query = one(RUNS, || {
            raw(conn, &single, [&titles, fts]);
        });
        assert_eq!(
            first_50(raw(conn, &single, [&titles, fts])),
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
        slowest = slowest.max(c.as_secs_f64());
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
        "worst search ratio {worst_ratio:.2}× (goal ≤ 2×); slowest {:.2} ms (goal ≤ 5 ms); least faster than LIKE {least_faster:.1}× (goal ≥ 1×)\n",
        slowest * 1000.0
    );
}

/// The statements the stats screen ran before migration 10, one per
/// figure, each reading the wide entry and title rows: the "before" beside
/// the core's figure, measured in the same run.
const STATS_BEFORE: &[&str] = &[
    "SELECT status, count(*) FROM entries GROUP BY status",
    "SELECT t.kind, count(*) FROM entries e JOIN titles t ON t.id = e.title_id
     GROUP BY t.kind ORDER BY count(*) DESC, t.kind",
    "SELECT p.name, count(*) FROM entries e JOIN platforms p ON p.id = e.platform_id
     GROUP BY p.id ORDER BY count(*) DESC, p.name",
    "SELECT t.country, count(*) FROM entries e JOIN titles t ON t.id = e.title_id
     WHERE t.country IS NOT NULL GROUP BY t.country ORDER BY count(*) DESC, t.country",
    "SELECT CAST((rating + 2) / 5 AS TEXT), count(*) FROM entries
     WHERE rating IS NOT NULL GROUP BY (rating + 2) / 5",
    "SELECT avg(e.rating) / 10.0,
            coalesce(sum(e.progress), 0) + coalesce((SELECT sum(progress) FROM viewings), 0),
            coalesce(sum(e.progress * t.runtime_minutes), 0)
              + coalesce((SELECT sum(v.progress * t2.runtime_minutes) FROM viewings v
                          JOIN entries e2 ON e2.id = v.entry_id
                          JOIN titles t2 ON t2.id = e2.title_id), 0),
            count(e.review), sum(e.favorite)
     FROM entries e JOIN titles t ON t.id = e.title_id",
    "SELECT substr(finished_on, 1, 7) AS month, count(*) FROM (
         SELECT finished_on FROM entries WHERE finished_on IS NOT NULL
         UNION ALL
         SELECT finished_on FROM viewings WHERE finished_on IS NOT NULL)
     GROUP BY month ORDER BY month",
    "SELECT substr(finished_on, 1, 7) AS month, sum(minutes) / 60.0, count(*) FROM (
         SELECT e.finished_on, e.progress * coalesce(t.runtime_minutes, 0) AS minutes
         FROM entries e JOIN titles t ON t.id = e.title_id
         WHERE e.finished_on IS NOT NULL
         UNION ALL
         SELECT v.finished_on, v.progress * coalesce(t.runtime_minutes, 0)
         FROM viewings v JOIN entries e ON e.id = v.entry_id
         JOIN titles t ON t.id = e.title_id
         WHERE v.finished_on IS NOT NULL)
     GROUP BY month ORDER BY month",
    "SELECT min(g.genre), count(*) AS n FROM title_genres g
     JOIN entries e ON e.title_id = g.title_id
     GROUP BY g.genre COLLATE NOCASE ORDER BY n DESC, 1 LIMIT 12",
    "SELECT p.name, avg(e.rating) / 10.0 AS average, count(*) FROM entries e
     JOIN platforms p ON p.id = e.platform_id
     WHERE e.rating IS NOT NULL
     GROUP BY p.id ORDER BY average DESC, p.name",
];

/// Runs `sql` and reads every column of every row.
fn read_all(conn: &Connection, sql: &str) {
    let mut stmt = conn.prepare_cached(sql).expect("SQL prepares");
    let mut rows = stmt.query([]).expect("SQL runs");
    while let Some(r) = rows.next().expect("a row") {
        for i in 0..r.as_ref().column_count() {
            std::hint::black_box(r.get_ref(i).expect("a column"));
        }
    }
}

fn other(lib: &Library, conn: &Connection) {
    let (stats, before, _, _) = pair(
        RUNS,
        || std::hint::black_box(lib.stats().unwrap()),
        || {
            for sql in STATS_BEFORE {
                read_all(conn, sql);
            }
        },
    );
    // The least any count of the entries costs: one pass over the
    // narrowest index of the table.
    let floor = one(RUNS, || {
        read_all(conn, "SELECT count(*) FROM entries");
    });
    println!(
        "{:<44} {:>9}   (the statements before: {}; one count of the entries: {})",
        "stats (everything on the Stats screen)",
        ms(stats),
        ms(before),
        ms(floor)
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

    // What keeping the counts adds to a write: the same single-row
    // updates with the triggers running and with them paused (the lower
    // bound), each run in a transaction rolled back, so the file is left
    // as it was.
    const EDITS: i64 = 1_000;
    let entries = i64::from(lib.status_counts().unwrap().all).max(1);
    let edits = |sql: &str, paused: bool| {
        conn.execute_batch("BEGIN IMMEDIATE").unwrap();
        if paused {
            conn.execute("INSERT INTO tally_paused (id) VALUES (1)", [])
                .unwrap();
        }
        let mut stmt = conn.prepare_cached(sql).unwrap();
        for i in 0..EDITS {
            stmt.execute([1 + (i * 7_919) % entries]).unwrap();
        }
        conn.execute_batch("ROLLBACK").unwrap();
    };
    for (name, sql) in [
        (
            "an edit of the status",
            "UPDATE entries SET status = CASE status WHEN 'completed' THEN 'dropped'
             ELSE 'completed' END WHERE id = ?1",
        ),
        (
            "an episode ticked (progress + 1)",
            "UPDATE entries SET progress = progress + 1 WHERE id = ?1",
        ),
    ] {
        let (kept, paused, _, _) = pair(5, || edits(sql, false), || edits(sql, true));
        let per = |d: std::time::Duration| d.as_secs_f64() * 1e6 / EDITS as f64;
        println!(
            "{name:<44} {:>6.1} µs a row, counts kept   ({:.1} µs with the triggers paused)",
            per(kept),
            per(paused)
        );
    }
}
