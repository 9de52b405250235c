//! What to watch next at 100,000 titles, 10,000 shows being watched and
//! 1,000,000 episode rows: Up next and a month of the calendar through the
//! core, each beside the core's own statement run raw (reading every
//! column, building none of the core's types), and marking an episode
//! watched beside the raw insert and progress update. Each pair runs
//! interleaved in the same process; every figure is a median.
//!
//! `cargo bench -p watchlog-core --bench upnext`. The library is generated
//! from `../shared/fixtures/datasets` (seed 1, `dev generate --episodes`)
//! into a temporary file, or read from `UPNEXT_BENCH_DB` when that names
//! such a library. The clock is the generator's [`GENERATED_NOW`] in Seoul.
//! A plain bench binary: one run prints one table.

use std::path::PathBuf;
use std::time::Instant;

use chrono::{DateTime, NaiveDate, Utc};
use rusqlite::Connection;
use watchlog_core::clock::Clock;
use watchlog_core::devdata::GENERATED_NOW;
use watchlog_core::store::{calendar_sql, up_next_params, up_next_sql};
use watchlog_core::{CalendarQuery, EpisodeRef, Library, UpNextQuery, UpNextSection, WatchedWhen};
use watchlog_testkit::bench::{median, ms, pair_timed, raw, thread_cpu, Timed};
use watchlog_testkit::fixtures;

const RUNS: usize = 15;
const EPISODE_ROWS: usize = 1_000_000;

fn stamp(t: DateTime<Utc>) -> String {
    t.to_rfc3339_opts(chrono::SecondsFormat::Secs, true)
}

fn library() -> (Option<tempfile::TempDir>, PathBuf) {
    let kept = std::env::var_os("UPNEXT_BENCH_DB").map(PathBuf::from);
    if let Some(p) = kept.as_ref().filter(|p| p.exists()) {
        return (None, p.clone());
    }
    let datasets = fixtures::dir().join("datasets");
    if !datasets.is_dir() {
        eprintln!("skipping: the datasets are not at {}", datasets.display());
        std::process::exit(0);
    }
    // A named file that is not there yet is generated and kept.
    let (dir, path) = match kept {
        Some(p) => (None, p),
        None => {
            let dir = tempfile::tempdir().expect("a temp dir");
            let path = dir.path().join("bench.db");
            (Some(dir), path)
        }
    };
    let t = Instant::now();
    let mut lib = Library::open(&path).expect("a new library");
    lib.generate_sample(&datasets, 100_000, 1)
        .expect("the library generates");
    let titles = t.elapsed();
    let t = Instant::now();
    let rows = lib
        .generate_episode_history(EPISODE_ROWS, 1)
        .expect("the episodes generate");
    println!(
        "generated 100000 titles in {:.1} s, {rows} episode rows and their history in {:.1} s",
        titles.as_secs_f64(),
        t.elapsed().as_secs_f64()
    );
    (dir, path)
}

fn main() {
    let (_keep, path) = library();
    let mut lib = Library::open(&path).expect("the library opens");
    let conn = Connection::open(&path).expect("a raw connection");
    // Configured as the core configures its own, so the two read alike.
    conn.pragma_update(None, "mmap_size", watchlog_core::store::MMAP_BYTES)
        .expect("the raw connection maps the file");
    let now = DateTime::parse_from_rfc3339(GENERATED_NOW)
        .unwrap()
        .with_timezone(&Utc);
    let clock = Clock::fixed(now, chrono_tz::Asia::Seoul);
    let count = |sql: &str| -> i64 { conn.query_row(sql, [], |r| r.get(0)).unwrap() };
    println!(
        "library: {} titles, {} being watched, {} episode rows, {} watches; medians of {RUNS} runs; milliseconds\n",
        count("SELECT count(*) FROM entries"),
        count("SELECT count(*) FROM entries WHERE status = 'watching'"),
        count("SELECT count(*) FROM episodes"),
        count("SELECT count(*) FROM episode_watches"),
    );
    println!(
        "{:<32} {:>9} {:>9} {:>7}  {:>9} {:>9} {:>7}  rows",
        "", "core", "raw SQL", "ratio", "core CPU", "raw CPU", "ratio"
    );

    // The raw side runs the core's own statements on its own connection.
    let up_next = up_next_sql(&UpNextQuery::default());
    let params = up_next_params(&clock);
    let named: Vec<(&str, &dyn rusqlite::ToSql)> = params
        .iter()
        .map(|(k, v)| (*k, v as &dyn rusqlite::ToSql))
        .collect();
    let (now_s, today) = (stamp(now), clock.today().to_string());
    let (c, r, rows, raw_rows) = pair_timed(
        RUNS,
        || lib.up_next(&UpNextQuery::default(), &clock).unwrap(),
        || raw(&conn, &up_next, named.as_slice()),
    );
    line(
        "Up next",
        c,
        r,
        format!("{} of {}", rows.len(), raw_rows.len()),
    );

    let from = NaiveDate::from_ymd_opt(2025, 1, 1).unwrap();
    let until = NaiveDate::from_ymd_opt(2025, 2, 1).unwrap();
    let query = CalendarQuery {
        from,
        days: 31,
        statuses: Vec::new(),
        on_my_services: false,
    };
    let sql = calendar_sql(&query);
    let (start, end) = (stamp(clock.start_of(from)), stamp(clock.start_of(until)));
    let (c, r, items, raw_items) = pair_timed(
        RUNS,
        || lib.calendar(&query, &clock).unwrap(),
        || raw(&conn, &sql, rusqlite::params![start, end, from, until]),
    );
    assert_eq!(items.len(), raw_items.len(), "the same episodes");
    line("calendar, January (31 days)", c, r, items.len().to_string());

    // Marking: each run marks the next episode of another show being
    // watched (and unmarks it again, untimed); the raw side inserts the
    // watch and raises the count in one transaction.
    let next: Vec<(i64, EpisodeRef)> = rows
        .iter()
        .filter(|r| {
            matches!(
                r.section,
                UpNextSection::ContinueWatching | UpNextSection::NewEpisodes
            )
        })
        .filter_map(|r| Some((r.entry_id, EpisodeRef::new(r.season?, r.number?).ok()?)))
        .take(RUNS * 2 + 2)
        .collect();
    assert!(next.len() > RUNS * 2, "enough shows to mark");
    let (mut core_t, mut raw_t) = (Vec::new(), Vec::new());
    let (mut core_c, mut raw_c) = (Vec::new(), Vec::new());
    for (i, (id, ep)) in next.iter().enumerate() {
        if i % 2 == 0 {
            let (t, cpu) = (Instant::now(), thread_cpu());
            lib.mark_episode(*id, *ep, WatchedWhen::At(now), &clock)
                .unwrap();
            core_t.push(t.elapsed());
            core_c.push(thread_cpu() - cpu);
            lib.unmark_episode(*id, *ep, &clock).unwrap();
        } else {
            let (t, cpu) = (Instant::now(), thread_cpu());
            let tx = conn.unchecked_transaction().unwrap();
            tx.execute(
                "INSERT INTO episode_watches (entry_id, season, number, watched_on, watched_at, recorded_at)
                 VALUES (?1, ?2, ?3, ?4, ?5, ?5)",
                rusqlite::params![id, ep.season, ep.number, today, now_s],
            )
            .unwrap();
            tx.execute(
                "UPDATE entries SET progress = progress + 1 WHERE id = ?1",
                [id],
            )
            .unwrap();
            tx.commit().unwrap();
            raw_t.push(t.elapsed());
            raw_c.push(thread_cpu() - cpu);
            conn.execute(
                "DELETE FROM episode_watches WHERE entry_id = ?1 AND season = ?2 AND number = ?3",
                rusqlite::params![id, ep.season, ep.number],
            )
            .unwrap();
            conn.execute(
                "UPDATE entries SET progress = progress - 1 WHERE id = ?1",
                [id],
            )
            .unwrap();
        }
    }
    let timed = |wall, cpu| Timed {
        wall: median(wall),
        cpu: median(cpu),
    };
    line(
        "mark an episode watched",
        timed(core_t, core_c),
        timed(raw_t, raw_c),
        "1".into(),
    );
}

/// Wall time, then the CPU time the thread used: on a machine other
/// processes load, the second says what the work costs.
fn line(name: &str, core: Timed, raw: Timed, rows: String) {
    let ratio = |a: std::time::Duration, b: std::time::Duration| a.as_secs_f64() / b.as_secs_f64();
    println!(
        "{name:<32} {:>9} {:>9} {:>6.2}×  {:>9} {:>9} {:>6.2}×  {rows}",
        ms(core.wall),
        ms(raw.wall),
        ratio(core.wall, raw.wall),
        ms(core.cpu),
        ms(raw.cpu),
        ratio(core.cpu, raw.cpu)
    );
}
