//! Import throughput: a Watchlog CSV of 100,000 rows (`IMPORT_BENCH_N`)
//! built from the real titles in `../shared/fixtures/datasets/streaming/`,
//! imported through the full path (read, match, validate, write the search
//! index, one transaction, automatic backup first) into an empty library,
//! then imported a second time (every row matched, nothing changed), beside
//! a raw rusqlite insert of the same rows into one plain table in one
//! transaction, in the same run. Then the two real TV Time exports in
//! `../shared/fixtures/exports/tvtime/` (the 2024 one: 1,101 episode
//! watches and 228 films; the 2020 one: 7,723 seen episodes, 194 shows,
//! its watches known by TVDB episode id alone kept to be placed later):
//! read, preview, apply into an empty library, and apply again; then the
//! real 18,176-row Netflix viewing activity (four profiles) read, previewed
//! and applied profile by profile into one library, episode history
//! included. `IMPORT_BENCH=csv` or `netflix` runs one part only. A bench
//! binary, not a timed test: run `cargo bench -p watchlog-core --bench
//! import`.

use std::path::Path;
use std::time::Instant;

use watchlog_core::transfer::import::input::SourceFile;
use watchlog_core::transfer::import::{Import, ImportFormat, Mode, RunOptions};
use watchlog_core::{Error, Library, ReadOptions};
use watchlog_testkit::fixtures;

fn main() {
    let part = std::env::var("IMPORT_BENCH").unwrap_or_default();
    if part != "netflix" {
        watchlog_csv();
    }
    if part != "csv" {
        netflix();
    }
}

/// Leaves the benchmark when a fixture is missing: skipped, or a failure
/// under CI.
fn missing(what: &str) -> ! {
    eprintln!("missing {what}: the benchmark needs the shared fixtures");
    std::process::exit(if std::env::var("CI").is_ok_and(|v| v == "true") {
        1
    } else {
        0
    });
}

fn watchlog_csv() {
    let n: usize = std::env::var("IMPORT_BENCH_N")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(100_000);
    let dir = fixtures::dir().join("datasets/streaming");
    let mut titles: Vec<(String, String, String, String)> = Vec::new();
    let sources = [
        ("netflix_titles.csv", "Netflix"),
        ("hulu_titles.csv", "Hulu"),
        ("disney_plus_titles.csv", "Disney+"),
        ("amazon_prime_titles.csv", "Prime Video"),
    ];
    for (file, platform) in sources {
        let path = dir.join(file);
        let Ok(mut rdr) = csv::Reader::from_path(&path) else {
            missing(&path.display().to_string());
        };
        let headers = rdr.headers().unwrap().clone();
        let col = |name: &str| headers.iter().position(|h| h == name).unwrap();
        let (t, ty, y) = (col("title"), col("type"), col("release_year"));
        for r in rdr.records().flatten() {
            let kind = if r.get(ty) == Some("Movie") {
                "film"
            } else {
                "series"
            };
            titles.push((
                r[t].trim().to_string(),
                kind.into(),
                r[y].trim().to_string(),
                platform.into(),
            ));
        }
    }
    let statuses = [
        "plan_to_watch",
        "watching",
        "completed",
        "completed",
        "on_hold",
        "dropped",
    ];
    let mut csv_text = String::from("title,kind,year,status,rating_100,platform\n");
    let mut rows = Vec::with_capacity(n);
    for i in 0..n {
        let (t, k, y, p) = &titles[i % titles.len()];
        let round = i / titles.len();
        let name = if round == 0 {
            t.clone()
        } else {
            format!("{t} ({})", round + 1)
        };
        let status = statuses[i % statuses.len()];
        let rating = if status == "completed" {
            ((i * 7) % 101).to_string()
        } else {
            String::new()
        };
        let mut w = csv::Writer::from_writer(Vec::new());
        w.write_record([&name, k, y, status, &rating, p]).unwrap();
        csv_text.push_str(std::str::from_utf8(&w.into_inner().unwrap()).unwrap());
        rows.push((name, k.clone(), y.clone(), status, rating, p.clone()));
    }
    println!(
        "{n} rows from {} real titles; CSV {:.1} MiB",
        titles.len(),
        csv_text.len() as f64 / 1048576.0
    );

    let tmp = tempfile::tempdir().unwrap();
    let file = vec![SourceFile {
        name: "library.csv".into(),
        bytes: csv_text.clone().into_bytes(),
    }];

    let t0 = Instant::now();
    let first = Import::from_files(Some(ImportFormat::WatchlogCsv), file.clone()).unwrap();
    let parse = t0.elapsed().as_secs_f64();
    let mut lib = Library::open(tmp.path().join("watchlog.db")).unwrap();
    let t1 = Instant::now();
    let opts = RunOptions::default();
    let r = first.run(&mut lib, Mode::Apply, &opts).unwrap();
    let import = t1.elapsed().as_secs_f64();
    assert_eq!(r.added, n);
    let t2 = Instant::now();
    let second = Import::from_files(Some(ImportFormat::WatchlogCsv), file).unwrap();
    let t2_run = Instant::now();
    let r2 = second.run(&mut lib, Mode::Apply, &opts).unwrap();
    let again = t2.elapsed().as_secs_f64();
    let again_run = t2_run.elapsed().as_secs_f64();
    assert_eq!(r2.added + r2.updated, 0);
    assert_eq!(r2.unchanged, n);
    assert_eq!(r2.backup, None, "nothing changed: no backup kept");

    let raw_path = tmp.path().join("raw.db");
    let mut conn = rusqlite::Connection::open(&raw_path).unwrap();
    conn.execute_batch("PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL; CREATE TABLE t (title TEXT, kind TEXT, year INTEGER, status TEXT, rating INTEGER, platform TEXT);").unwrap();
    let t3 = Instant::now();
    let tx = conn.transaction().unwrap();
    {
        let mut st = tx
            .prepare("INSERT INTO t VALUES (?1, ?2, ?3, ?4, ?5, ?6)")
            .unwrap();
        for (a, b, c, d, e, f) in &rows {
            st.execute(rusqlite::params![
                a,
                b,
                c.parse::<i64>().ok(),
                d,
                e.parse::<i64>().ok(),
                f
            ])
            .unwrap();
        }
    }
    tx.commit().unwrap();
    let raw = t3.elapsed().as_secs_f64();

    let rate = |s: f64| (n as f64 / s).round();
    println!("| step | time | rows/s |");
    println!("|---|---:|---:|");
    println!("| read + parse the CSV | {parse:.2} s | {} |", rate(parse));
    println!("| import into an empty library (backup, match, insert, index, one transaction) | {import:.2} s | {} |", rate(import));
    println!(
        "| the same file again (read + parse, all matched, nothing written) | {again:.2} s | {} |",
        rate(again)
    );
    println!(
        "| … of which comparing (one read transaction, no write lock) | {again_run:.2} s | {} |",
        rate(again_run)
    );
    println!(
        "| raw rusqlite: one table, one transaction | {raw:.2} s | {} |",
        rate(raw)
    );
    println!(
        "import / raw: {:.1}×; again / raw: {:.1}×",
        import / raw,
        again / raw
    );

    println!();
    println!("| TV Time export | rows | read | preview | apply | again |");
    println!("|---|---:|---:|---:|---:|---:|");
    for name in [
        "tvtime_gdpr_2024_samindika97",
        "tvtime_gdpr_2020_arlessweschler",
    ] {
        let dir = fixtures::dir().join("exports/tvtime").join(name);
        if dir.exists() {
            tvtime(name, &dir);
        } else {
            fixtures::missing(&format!("{} is missing", dir.display()));
        }
    }
}

/// Reads, previews, applies and applies again one TV Time export, into a
/// library of its own; prints one row of the table.
fn tvtime(name: &str, dir: &Path) {
    let rows: usize = std::fs::read_dir(dir)
        .unwrap()
        .flatten()
        .map(|f| {
            let text = std::fs::read_to_string(f.path()).unwrap_or_default();
            text.lines().count().saturating_sub(1)
        })
        .sum();
    let tmp = tempfile::tempdir().unwrap();
    let mut lib = Library::open(tmp.path().join("watchlog.db")).unwrap();
    let opts = RunOptions::default();
    let t0 = Instant::now();
    let import = Import::read(Some(ImportFormat::TvTime), dir).unwrap();
    let read = t0.elapsed().as_secs_f64();
    let t1 = Instant::now();
    let plan = import.run(&mut lib, Mode::Preview, &opts).unwrap();
    let preview = t1.elapsed().as_secs_f64();
    let t2 = Instant::now();
    let r = import.run(&mut lib, Mode::Apply, &opts).unwrap();
    let apply = t2.elapsed().as_secs_f64();
    assert_eq!((plan.added, plan.episodes), (r.added, r.episodes));
    let t3 = Instant::now();
    let again = Import::read(Some(ImportFormat::TvTime), dir)
        .unwrap()
        .run(&mut lib, Mode::Apply, &opts)
        .unwrap();
    let twice = t3.elapsed().as_secs_f64();
    assert_eq!(again.added + again.updated + again.loose_episodes, 0);
    let ms = |s: f64| format!("{:.0} ms", s * 1000.0);
    println!(
        "| {name}: {} entries, {} episode watches, {} by episode id alone | {rows} | {} | {} | {} | {} |",
        r.added,
        r.episodes,
        r.loose_episodes,
        ms(read),
        ms(preview),
        ms(apply),
        ms(twice)
    );
}

/// The Guatemalan viewing activity: 18,176 rows, four profiles. Each
/// profile is read (the whole file is parsed each time), previewed and
/// applied into one library; then the largest is applied again.
fn netflix() {
    let rel = "exports/netflix/ViewingActivity_GT_es_4profiles_NorthDataScience.csv";
    let path = fixtures::dir().join(rel);
    if !path.exists() {
        missing(&path.display().to_string());
    }
    let profiles = match Import::read(Some(ImportFormat::Netflix), &path) {
        Err(Error::NeedsChoice { choices, .. }) => choices,
        other => panic!("the file holds several profiles: {other:?}"),
    };
    let tmp = tempfile::tempdir().unwrap();
    let mut lib = Library::open(tmp.path().join("watchlog.db")).unwrap();
    let opts = RunOptions::default();
    println!("Netflix viewing activity, {rel}");
    println!("| profile | watches | entries | episodes recorded | read | preview | apply |");
    println!("|---|---:|---:|---:|---:|---:|---:|");
    let mut largest = (0, ReadOptions::default());
    for p in profiles {
        let read_opts = ReadOptions {
            profile: Some(p.clone()),
            ..Default::default()
        };
        let t0 = Instant::now();
        let import = Import::read_with(Some(ImportFormat::Netflix), &path, &read_opts).unwrap();
        let read = t0.elapsed().as_secs_f64();
        let t1 = Instant::now();
        let preview = import.run(&mut lib, Mode::Preview, &opts).unwrap();
        let previewed = t1.elapsed().as_secs_f64();
        let t2 = Instant::now();
        let applied = import.run(&mut lib, Mode::Apply, &opts).unwrap();
        let apply = t2.elapsed().as_secs_f64();
        assert_eq!(applied.added, preview.added);
        let watches: usize = import
            .incoming()
            .entries
            .iter()
            .map(|e| e.episodes.as_ref().map_or(1, Vec::len))
            .sum();
        println!(
            "| {p} | {watches} | {} | {} | {read:.2} s | {previewed:.2} s | {apply:.2} s |",
            applied.added + applied.updated,
            applied.episodes
        );
        if watches > largest.0 {
            largest = (watches, read_opts);
        }
    }
    let t = Instant::now();
    let again = Import::read_with(Some(ImportFormat::Netflix), &path, &largest.1).unwrap();
    let r = again.run(&mut lib, Mode::Apply, &opts).unwrap();
    assert_eq!(r.added + r.updated + r.episodes, 0);
    println!(
        "the largest profile again (read, all matched, nothing written): {:.2} s",
        t.elapsed().as_secs_f64()
    );
}
