//! Export throughput on a 100,000-entry library, in every format, beside
//! SQLite's own CSV dump (`sqlite3 -csv`) of the same rows in the same run.
//!
//! The library is built from the real titles in
//! `../shared/fixtures/datasets/streaming/*.csv` (22k rows), repeated with
//! a suffix until there are 100,000, each with a status, a rating, a
//! platform and, for finished ones, the title's description as its review.
//!
//! `cargo bench -p watchlog-core --bench export` (env `EXPORT_BENCH_N`
//! changes the entry count; `EXPORT_BENCH_OUT=DIR` keeps the library and
//! the exports there, to compare two builds' files). A plain bench binary:
//! one run prints one table.

use std::path::{Path, PathBuf};
use std::process::Command;
use std::time::{Duration, Instant};

use chrono::NaiveDate;
use watchlog_core::transfer::import::{
    Import, ImportFormat, Incoming, IncomingEntry, Mode, ParsedExport, RunOptions,
};
use watchlog_core::transfer::{export_to_path, ExportFormat, ExportOptions, NoPosters};
use watchlog_core::{EntryFields, Kind, Library, Rating, Status, TitleFacts};
use watchlog_testkit::fixtures;

const RUNS: usize = 3;

/// The streaming catalogues' CSV files; `None` when they are missing (see
/// `fixtures::path`).
fn streaming_files() -> Option<Vec<PathBuf>> {
    let dir = fixtures::path("datasets/streaming")?;
    let mut files: Vec<PathBuf> = std::fs::read_dir(&dir)
        .ok()?
        .flatten()
        .map(|e| e.path())
        .filter(|p| p.extension().is_some_and(|x| x == "csv"))
        .collect();
    files.sort();
    (!files.is_empty()).then_some(files)
}

/// One row of the streaming catalogues: (title, kind, year, description, platform).
fn read_rows(files: &[PathBuf]) -> Vec<(String, Kind, Option<i32>, String, String)> {
    let mut rows = Vec::new();
    for f in files {
        let platform = match f.file_stem().and_then(|s| s.to_str()).unwrap_or("") {
            s if s.starts_with("netflix") => "Netflix",
            s if s.starts_with("disney") => "Disney+",
            s if s.starts_with("amazon") => "Prime Video",
            _ => "Hulu",
        };
        let mut rdr = csv::Reader::from_path(f).expect("read fixture");
        let headers = rdr.headers().unwrap().clone();
        let col = |name: &str| headers.iter().position(|h| h == name);
        let (title, kind, year, desc) = (
            col("title").unwrap(),
            col("type").unwrap(),
            col("release_year").unwrap(),
            col("description").unwrap(),
        );
        for r in rdr.records().flatten() {
            let name = r.get(title).unwrap_or("").trim();
            if name.is_empty() {
                continue;
            }
            rows.push((
                name.to_string(),
                if r.get(kind) == Some("Movie") {
                    Kind::Film
                } else {
                    Kind::Series
                },
                r.get(year).and_then(|y| y.parse().ok()),
                r.get(desc).unwrap_or("").to_string(),
                platform.to_string(),
            ));
        }
    }
    rows
}

fn build_library(path: &Path, n: usize, rows: &[(String, Kind, Option<i32>, String, String)]) {
    let statuses = [
        Status::Completed,
        Status::Completed,
        Status::Watching,
        Status::PlanToWatch,
        Status::Dropped,
    ];
    let entries = (0..n)
        .map(|i| {
            let (name, kind, year, desc, platform) = &rows[i % rows.len()];
            let round = i / rows.len();
            let status = statuses[i % statuses.len()];
            let done = status == Status::Completed;
            IncomingEntry {
                id: None,
                title: TitleFacts {
                    kind: *kind,
                    name: if round == 0 {
                        name.clone()
                    } else {
                        format!("{name} ({})", round + 1)
                    },
                    year: *year,
                    ..Default::default()
                },
                fields: EntryFields {
                    status,
                    rating: done.then(|| Rating::new((i * 7 % 21) as u8 * 5).unwrap()),
                    review: (done && !desc.is_empty()).then(|| desc.clone()),
                    review_spoiler: i % 10 == 0,
                    platform: Some(platform.clone()),
                    finished_on: done.then(|| {
                        NaiveDate::from_ymd_opt(
                            2015 + (i % 10) as i32,
                            1 + (i % 12) as u32,
                            1 + (i % 28) as u32,
                        )
                        .unwrap()
                    }),
                    ..Default::default()
                },
                ..Default::default()
            }
        })
        .collect();
    let mut lib = Library::open(path).unwrap();
    let parsed = ParsedExport {
        incoming: Incoming {
            entries,
            ..Default::default()
        },
        ..Default::default()
    };
    Import::new(ImportFormat::WatchlogJson, parsed)
        .run(&mut lib, Mode::Apply, &RunOptions::default())
        .unwrap();
}

fn median(mut v: Vec<Duration>) -> Duration {
    v.sort();
    v[v.len() / 2]
}

fn main() {
    let Some(files) = streaming_files() else {
        return;
    };
    let n: usize = std::env::var("EXPORT_BENCH_N")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(100_000);
    let rows = read_rows(&files);
    let tmp = tempfile::tempdir().unwrap();
    let dir = match std::env::var_os("EXPORT_BENCH_OUT") {
        Some(d) => {
            let d = PathBuf::from(d);
            std::fs::create_dir_all(&d).unwrap();
            let _ = std::fs::remove_file(d.join("bench.db"));
            d
        }
        None => tmp.path().to_path_buf(),
    };
    let db = dir.join("bench.db");
    let t = Instant::now();
    build_library(&db, n, &rows);
    println!(
        "library: {n} entries from {} real titles, built in {:.1} s, {:.1} MiB",
        rows.len(),
        t.elapsed().as_secs_f64(),
        std::fs::metadata(&db).unwrap().len() as f64 / 1048576.0
    );
    let lib = Library::open(&db).unwrap();
    let options = ExportOptions::default();

    // SQLite's own CSV of the same rows (the CSV export's main columns).
    let sql =
        "SELECT e.id, t.name, t.original_name, t.kind, t.year, t.country, e.status, e.rating, \
               e.progress, t.episodes, p.name, e.started_on, e.finished_on, e.favorite, e.review, \
               e.review_spoiler, e.notes FROM entries e JOIN titles t ON t.id = e.title_id \
               LEFT JOIN platforms p ON p.id = e.platform_id ORDER BY e.id";
    let sqlite_out = dir.join("sqlite.csv");
    let sqlite = Command::new("sqlite3")
        .arg("-version")
        .output()
        .is_ok()
        .then(|| {
            median(
                (0..RUNS)
                    .map(|_| {
                        let t = Instant::now();
                        let out = Command::new("sqlite3")
                            .arg("-csv")
                            .arg(&db)
                            .arg(sql)
                            .output()
                            .unwrap();
                        assert!(
                            out.status.success(),
                            "sqlite3 failed: {}",
                            String::from_utf8_lossy(&out.stderr)
                        );
                        std::fs::write(&sqlite_out, &out.stdout).unwrap();
                        t.elapsed()
                    })
                    .collect(),
            )
        });

    println!(
        "\n{:<14} {:>9} {:>12} {:>10} {:>14}",
        "format", "median s", "entries/s", "MiB", "× sqlite3 -csv"
    );
    if let Some(s) = sqlite {
        let size = std::fs::metadata(&sqlite_out).unwrap().len() as f64 / 1048576.0;
        println!(
            "{:<14} {:>9.2} {:>12.0} {:>10.1} {:>14}",
            "sqlite3 -csv",
            s.as_secs_f64(),
            n as f64 / s.as_secs_f64(),
            size,
            "1.0"
        );
    } else {
        println!("(sqlite3 not installed: no baseline)");
    }
    for format in ExportFormat::ALL {
        let out = dir.join(format!("out-{}.{}", format.as_str(), format.extension()));
        let times: Vec<Duration> = (0..RUNS)
            .map(|_| {
                let t = Instant::now();
                export_to_path(&lib, format, &options, &NoPosters, &out).unwrap();
                t.elapsed()
            })
            .collect();
        let m = median(times);
        let size = std::fs::metadata(&out).unwrap().len() as f64 / 1048576.0;
        let ratio = sqlite.map_or("-".to_string(), |s| {
            format!("{:.1}", m.as_secs_f64() / s.as_secs_f64())
        });
        println!(
            "{:<14} {:>9.2} {:>12.0} {:>10.1} {:>14}",
            format.as_str(),
            m.as_secs_f64(),
            n as f64 / m.as_secs_f64(),
            size,
            ratio
        );
    }
}
