//! What the bench binaries share: medians of interleaved runs, so a core
//! call and the raw SQL it is compared with see the same machine load, and
//! a raw reader that reads every column as the core would.

use std::time::{Duration, Instant};

use rusqlite::Connection;

pub fn median(mut v: Vec<Duration>) -> Duration {
    v.sort();
    v[v.len() / 2]
}

/// The process's peak resident memory so far, in MiB (NaN where
/// `/proc/self/status` cannot be read).
pub fn peak_mib() -> f64 {
    let status = std::fs::read_to_string("/proc/self/status").unwrap_or_default();
    status
        .lines()
        .find_map(|l| l.strip_prefix("VmHWM:"))
        .and_then(|v| v.trim().trim_end_matches("kB").trim().parse::<f64>().ok())
        .map_or(f64::NAN, |kb| kb / 1024.0)
}

/// A consistent copy of a library file, by SQLite's backup API.
pub fn copy_library(from: &std::path::Path, to: &std::path::Path) {
    let src = Connection::open(from).unwrap();
    src.backup(rusqlite::MAIN_DB, to, None).unwrap();
}

/// Milliseconds with two decimals.
pub fn ms(d: Duration) -> String {
    format!("{:.2}", d.as_secs_f64() * 1000.0)
}

/// Times `a` and `b` alternately, `runs` times each, after one warm-up
/// whose results are returned.
pub fn pair<A, B>(
    runs: usize,
    a: impl FnMut() -> A,
    b: impl FnMut() -> B,
) -> (Duration, Duration, A, B) {
    let (ta, tb, ra, rb) = pair_timed(runs, a, b);
    (ta.wall, tb.wall, ra, rb)
}

/// The medians of a run's wall time and of the CPU time its thread used.
#[derive(Debug, Clone, Copy)]
pub struct Timed {
    pub wall: Duration,
    pub cpu: Duration,
}

/// [`pair`], with each side's CPU time as well.
pub fn pair_timed<A, B>(
    runs: usize,
    mut a: impl FnMut() -> A,
    mut b: impl FnMut() -> B,
) -> (Timed, Timed, A, B) {
    let (ra, rb) = (a(), b());
    let (mut ta, mut tb) = (Vec::new(), Vec::new());
    let time = |f: &mut dyn FnMut(), into: &mut Vec<(Duration, Duration)>| {
        let (t, c) = (Instant::now(), thread_cpu());
        f();
        into.push((t.elapsed(), thread_cpu() - c));
    };
    for _ in 0..runs {
        time(&mut || drop(std::hint::black_box(a())), &mut ta);
        time(&mut || drop(std::hint::black_box(b())), &mut tb);
    }
    let medians = |v: Vec<(Duration, Duration)>| Timed {
        wall: median(v.iter().map(|t| t.0).collect()),
        cpu: median(v.iter().map(|t| t.1).collect()),
    };
    (medians(ta), medians(tb), ra, rb)
}

/// The CPU time the calling thread has used so far.
pub fn thread_cpu() -> Duration {
    let t = rustix::time::clock_gettime(rustix::time::ClockId::ThreadCPUTime);
    Duration::new(
        u64::try_from(t.tv_sec).unwrap_or(0),
        u32::try_from(t.tv_nsec).unwrap_or(0),
    )
}

/// The median of `runs` runs of `a`, after one warm-up.
pub fn one(runs: usize, mut a: impl FnMut()) -> Duration {
    a();
    median(
        (0..runs)
            .map(|_| {
                let t = Instant::now();
                a();
                t.elapsed()
            })
            .collect(),
    )
}

/// Runs hand-written SQL and reads every column of every row, as the
/// core does, without building the core's types. Returns the first column
/// (an id) of each row.
pub fn raw(conn: &Connection, sql: &str, params: impl rusqlite::Params) -> Vec<i64> {
    let mut stmt = conn.prepare_cached(sql).expect("raw SQL prepares");
    let mut rows = stmt.query(params).expect("raw SQL runs");
    let mut ids = Vec::new();
    while let Some(r) = rows.next().expect("raw row") {
        for i in 0..r.as_ref().column_count() {
            std::hint::black_box(r.get_ref(i).expect("a column"));
        }
        ids.push(r.get(0).expect("an id"));
    }
    ids
}
