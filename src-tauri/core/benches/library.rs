//! The library view at 100,000 titles: a 50-row page for several filter and
//! sort combinations through the core beside hand-written SQL for the same
//! page; search through the core beside the raw FTS5 query and a LIKE scan;
//! stats; facet counts. Each pair runs interleaved in the same process, and
//! every figure is the median of several runs.
//!
//! `cargo bench -p watchlog-core --bench library`. The library is generated
//! from `../shared/fixtures/datasets` (seed 1) into a temporary file, or
//! read from `LIBRARY_BENCH_DB` when that names a generated library.
//! `LIBRARY_BENCH_N` changes the title count. A plain bench binary: one run
//! prints one table.

use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

use watchlog_core::{devdata, Library, ListQuery, SortKey, Status};

const RUNS: usize = 15;

fn median(mut v: Vec<Duration>) -> Duration {
    v.sort();
    v[v.len() / 2]
}

fn ms(d: Duration) -> String {
    format!("{:.2}", d.as_secs_f64() * 1000.0)
}

/// Times `a` and `b` alternately, `RUNS` times each, after one warm-up.
fn pair(
    mut a: impl FnMut() -> usize,
    mut b: impl FnMut() -> usize,
) -> (Duration, Duration, usize, usize) {
    let (ra, rb) = (a(), b());
    let (mut ta, mut tb) = (Vec::new(), Vec::new());
    for _ in 0..RUNS {
        let t = Instant::now();
        std::hint::black_box(a());
        ta.push(t.elapsed());
        let t = Instant::now();
        std::hint::black_box(b());
        tb.push(t.elapsed());
    }
    (median(ta), median(tb), ra, rb)
}

fn one(mut a: impl FnMut()) -> Duration {
    a();
    median(
        (0..RUNS)
            .map(|_| {
                let t = Instant::now();
                a();
                t.elapsed()
            })
            .collect(),
    )
}

/// Runs hand-written SQL and reads every column of every row, as the
/// core's listing does, without building the core's types.
fn raw(lib: &Library, sql: &str, params: &[&dyn rusqlite::ToSql]) -> usize {
    let mut stmt = lib
        .connection()
        .prepare_cached(sql)
        .expect("raw SQL prepares");
    let mut rows = stmt.query(params).expect("raw SQL runs");
    let mut n = 0;
    while let Some(r) = rows.next().expect("raw row") {
        for i in 0..r.as_ref().column_count() {
            std::hint::black_box(r.get_ref(i).expect("a column"));
        }
        n += 1;
    }
    n
}

const COLUMNS: &str = "SELECT e.id, t.kind, t.name, t.original_name, t.year, t.country, e.status,
        e.rating, e.progress, t.episodes, p.name, e.favorite, t.poster_url, e.finished_on,
        e.added_at, (SELECT ps.hash FROM posters ps WHERE ps.title_id = t.id AND ps.source_url = t.poster_url)
     FROM entries e JOIN titles t ON t.id = e.title_id LEFT JOIN platforms p ON p.id = e.platform_id";

fn library() -> (Option<tempfile::TempDir>, PathBuf) {
    if let Some(p) = std::env::var_os("LIBRARY_BENCH_DB")
        .map(PathBuf::from)
        .filter(|p| p.exists())
    {
        return (None, p);
    }
    let datasets =
        devdata::default_datasets_dir(&Path::new(env!("CARGO_MANIFEST_DIR")).join("../.."));
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
    let lib = Library::open(&path).expect("the library opens");
    let titles = lib.status_counts().unwrap().all;
    println!("library: {titles} titles; medians of {RUNS} runs; milliseconds\n");

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
    let deep_key: (String, i64) = lib
        .connection()
        .query_row(
            "SELECT t.sort_name, t.id FROM entries e JOIN titles t ON t.id = e.title_id
             ORDER BY t.sort_name, t.id LIMIT 1 OFFSET 49999",
            [],
            |r| Ok((r.get(0)?, r.get(1)?)),
        )
        .unwrap();
    type Raw<'a> = (&'a str, String, Vec<Box<dyn rusqlite::ToSql>>);
    let cases: Vec<(&str, ListQuery, Raw)> = vec![
        (
            "newest added",
            ListQuery { limit: Some(50), ..Default::default() },
            ("", format!("{COLUMNS} ORDER BY e.added_at DESC, e.id DESC LIMIT 51"), vec![]),
        ),
        (
            "title A→Z",
            ListQuery { sort: Some(SortKey::Title), limit: Some(50), ..Default::default() },
            ("", format!("{COLUMNS} ORDER BY t.sort_name, t.id LIMIT 51"), vec![]),
        ),
        (
            "title A→Z, page after 50,000 rows (cursor)",
            ListQuery { sort: Some(SortKey::Title), limit: Some(50), cursor: deep, ..Default::default() },
            (
                "",
                format!("{COLUMNS} WHERE t.sort_name > ?1 OR (t.sort_name = ?1 AND t.id > ?2) ORDER BY t.sort_name, t.id LIMIT 51"),
                vec![Box::new(deep_key.0.clone()), Box::new(deep_key.1)],
            ),
        ),
        (
            "year, newest first",
            ListQuery { sort: Some(SortKey::Year), limit: Some(50), ..Default::default() },
            ("", format!("{COLUMNS} ORDER BY t.year IS NULL, t.year DESC, t.sort_name, t.id LIMIT 51"), vec![]),
        ),
        (
            "completed, KR, by rating",
            ListQuery { status: Some(Status::Completed), country: Some("KR".into()), sort: Some(SortKey::Rating), limit: Some(50), ..Default::default() },
            (
                "",
                format!("{COLUMNS} WHERE e.status = 'completed' AND t.country = 'KR' ORDER BY e.rating IS NULL, e.rating DESC, t.sort_name, t.id LIMIT 51"),
                vec![],
            ),
        ),
        (
            "genre Comedy, title A→Z",
            ListQuery { genre: Some("Comedy".into()), sort: Some(SortKey::Title), limit: Some(50), ..Default::default() },
            (
                "",
                format!("{COLUMNS} WHERE t.id IN (SELECT title_id FROM title_genres WHERE genre = 'Comedy' COLLATE NOCASE) ORDER BY t.sort_name, t.id LIMIT 51"),
                vec![],
            ),
        ),
        (
            "on my services, finished recently",
            ListQuery { on_my_services: Some(true), sort: Some(SortKey::Finished), limit: Some(50), ..Default::default() },
            (
                "",
                format!("{COLUMNS} WHERE e.platform_id IN (SELECT id FROM platforms WHERE subscribed = 1) ORDER BY e.finished_on IS NULL, e.finished_on DESC, t.sort_name, t.id LIMIT 51"),
                vec![],
            ),
        ),
        (
            "tag + favourite + 2010–2020, newest added",
            ListQuery { tag: Some("comfort".into()), favorite: Some(true), year_min: Some(2010), year_max: Some(2020), limit: Some(50), ..Default::default() },
            (
                "",
                format!("{COLUMNS} WHERE e.id IN (SELECT et.entry_id FROM entry_tags et JOIN tags tg ON tg.id = et.tag_id WHERE tg.name = 'comfort') AND t.year >= 2010 AND t.year <= 2020 AND e.favorite = 1 ORDER BY e.added_at DESC, e.id DESC LIMIT 51"),
                vec![],
            ),
        ),
    ];
    let mut worst_page: f64 = 0.0;
    for (name, q, (_, sql, params)) in &cases {
        let p: Vec<&dyn rusqlite::ToSql> = params.iter().map(|b| b.as_ref()).collect();
        let (c, r, nc, nr) = pair(
            || lib.list_page(q).unwrap().rows.len(),
            || raw(&lib, sql, &p),
        );
        assert_eq!(
            nc.min(50),
            nr.min(50),
            "{name}: the core and the raw SQL disagree on the page size"
        );
        let ratio = c.as_secs_f64() / r.as_secs_f64();
        worst_page = worst_page.max(ratio);
        println!("{name:<44} {:>9} {:>9} {:>6.2}×", ms(c), ms(r), ratio);
    }

    println!(
        "\n{:<34} {:>8} {:>8} {:>6} {:>9} {:>8}",
        "search (50 best matches)", "core", "FTS5", "ratio", "LIKE", "faster"
    );
    for (name, text) in [
        ("Latin prefix 'soun'", "soun"),
        ("Hangul substring '사운드트'", "사운드트"),
        ("Hangul substring '최고의'", "최고의"),
        ("review text 'masterclass pacing'", "masterclass pacing"),
    ] {
        let q = ListQuery {
            search: Some(text.into()),
            limit: Some(50),
            ..Default::default()
        };
        let fts: String = text
            .split_whitespace()
            .map(|w| format!("\"{w}\""))
            .collect::<Vec<_>>()
            .join(" AND ");
        let fts_sql = format!(
            "{COLUMNS} JOIN (SELECT rowid AS id, bm25(entry_search, 10.0, 10.0, 3.0, 1.0, 1.0) AS rank
                              FROM entry_search WHERE entry_search MATCH ?1) s ON s.id = e.id
             ORDER BY s.rank, t.sort_name, t.id LIMIT 51"
        );
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
        let like_sql = format!("{COLUMNS} WHERE {like_where} ORDER BY t.sort_name, t.id LIMIT 51");
        let (c, f, nc, nf) = pair(
            || lib.list_page(&q).unwrap().rows.len(),
            || raw(&lib, &fts_sql, &[&fts]),
        );
        assert_eq!(nc.min(50), nf.min(50), "{name}: core and FTS5 disagree");
        let like = one(|| {
            raw(&lib, &like_sql, &[]);
        });
        println!(
            "{name:<34} {:>8} {:>8} {:>5.2}× {:>9} {:>7.0}×   ({nc} rows)",
            ms(c),
            ms(f),
            c.as_secs_f64() / f.as_secs_f64(),
            ms(like),
            like.as_secs_f64() / c.as_secs_f64()
        );
    }

    println!();
    let stats = one(|| {
        std::hint::black_box(lib.stats().unwrap());
    });
    println!(
        "{:<44} {:>9}",
        "stats (everything on the Stats screen)",
        ms(stats)
    );
    let facets = one(|| {
        std::hint::black_box(lib.facet_counts(&ListQuery::default()).unwrap());
    });
    println!("{:<44} {:>9}", "facet counts, no filter", ms(facets));
    let q = ListQuery {
        status: Some(Status::Completed),
        country: Some("KR".into()),
        ..Default::default()
    };
    let facets = one(|| {
        std::hint::black_box(lib.facet_counts(&q).unwrap());
    });
    println!("{:<44} {:>9}", "facet counts, completed + KR", ms(facets));
    let q = ListQuery {
        search: Some("love".into()),
        ..Default::default()
    };
    let facets = one(|| {
        std::hint::black_box(lib.facet_counts(&q).unwrap());
    });
    println!("{:<44} {:>9}", "facet counts, search 'love'", ms(facets));
    println!("\nworst page ratio {worst_page:.2}× (goal ≤ 1.5×)");
}
