//! Opening the desktop app on a 100,000-title library, in the end-to-end
//! harness (tauri-driver and WebKitWebDriver under Xvfb): the time from
//! asking for the WebDriver session, which launches the app, until the
//! first entry card is painted, beside an empty library; and the resident
//! memory of the app and of the WebKit processes it starts, once the
//! library is shown and again after scrolling it far down.
//!
//! `make bench-open` builds the UI and runs this under Xvfb, or by hand:
//! `xvfb-run -a -s "-screen 0 1280x800x24" cargo bench --profile dev -p watchlog-app --bench open`.
//! `--profile dev` measures the debug app binary, the one the end-to-end
//! tests drive. The library is generated from `../shared/fixtures/datasets`
//! (seed 1) into a temporary folder, or taken from `OPEN_BENCH_DB` when that
//! names a generated library (generating takes minutes in a debug build).
//! `OPEN_BENCH_RUNS` sets the runs per library (default 5), `OPEN_BENCH_N`
//! the title count (default 100,000). Every run opens a fresh copy of the
//! file in a fresh data folder. A plain bench binary, never a timed test:
//! one run prints one table of medians.

#[path = "../tests/support/mod.rs"]
mod support;

use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

use serde_json::json;
use support::{app_pid, processes, running, tools_present, tree, App, Home};
use thirtyfour::WebElement;
use watchlog_core::Library;

/// A debug build on a busy machine can take long over a large library;
/// this only bounds a run that has gone wrong.
const TIMEOUT: Duration = Duration::from_secs(180);
/// How long the app is left alone before its memory is read, so the
/// reading is of the app at rest rather than mid-render.
const SETTLE: Duration = Duration::from_secs(1);
/// Where the scrolling jumps to, as fractions of the list's height: down
/// the list a quarter at a time, then from its end back to the first
/// quarter, five times over: 20 far jumps.
const JUMPS: [f64; 20] = [
    0.25, 0.5, 0.75, 1.0, 0.25, 0.5, 0.75, 1.0, 0.25, 0.5, 0.75, 1.0, 0.25, 0.5, 0.75, 1.0, 0.25,
    0.5, 0.75, 1.0,
];
/// After how many jumps the memory is read on the way, to tell growth
/// that levels off from growth that goes on.
const READ_AFTER: usize = 4;
/// How long the app is then left alone before the last reading, to tell
/// memory kept from memory a collection or a cache's timer gives back.
const REST: Duration = Duration::from_secs(15);

const CARD: &str = "[data-testid=entry-card]";
const SHELL: &str = "[data-testid=library-nav]";
/// The page the app opens on: Up next with its rows or its empty state,
/// or, for an empty library, the welcome offering the sample.
const HOME: &str =
    "[data-testid=upnext-row], [data-testid=upnext-empty], [data-testid=sample-button]";

#[tokio::main]
async fn main() {
    if !tools_present() {
        eprintln!("error: this benchmark drives the real app; install the tools above (`make setup`) and run it under Xvfb (`make bench-open`)");
        std::process::exit(1);
    }
    let runs: usize = env_number("OPEN_BENCH_RUNS", 5);
    let titles: usize = env_number("OPEN_BENCH_N", 100_000);

    let work = tempfile::tempdir().expect("a temporary folder");
    let full = work.path().join("full.db");
    let empty = work.path().join("empty.db");
    let count = prepare_full(&full, titles);
    drop(Library::open(&empty).expect("an empty library is created"));

    println!("machine: {}", machine());
    println!("load average before the runs: {}", load_average());
    let binary = Path::new(env!("CARGO_BIN_EXE_watchlog-app"));
    let built = binary_stamp(binary);
    println!(
        "app binary: {} ({})",
        binary.display(),
        if cfg!(debug_assertions) {
            "the debug build the end-to-end tests drive"
        } else {
            "a release build"
        }
    );

    // One launch first, not counted: it brings the app binary and the
    // WebKit libraries into the page cache, and its first page is the
    // screenshot.
    let warm = run(&full, true, Some("open-100k")).await;
    println!(
        "warm-up on {count} titles: first card painted {} s after launch, {} cards in the page",
        secs(warm.card.expect("the full library shows cards")),
        warm.cards
    );

    let mut empties = Vec::new();
    let mut fulls = Vec::new();
    // Alternated, so a burst of load from elsewhere falls on both.
    for i in 0..runs {
        let e = run(&empty, false, None).await;
        let f = run(&full, true, None).await;
        println!(
            "run {}/{runs}: empty home {} s; {count} titles: home {} s, first card {} s, app+webkit RSS {:.1} MiB shown, {:.1} MiB scrolled",
            i + 1,
            secs(e.home),
            secs(f.home),
            secs(f.card.unwrap()),
            mib(f.shown.rss_sum()),
            mib(f.scrolled.as_ref().unwrap().rss_sum()),
        );
        empties.push(e);
        fulls.push(f);
    }

    let blank = blank_app(runs);
    report(count, runs, &empties, &fulls, &blank);
    if binary_stamp(binary) != built {
        eprintln!(
            "warning: {} was rebuilt while the benchmark ran, so the runs may mix two builds; run it again",
            binary.display()
        );
    }
}

/// Size and modification time, to notice another build replacing the app
/// binary mid-run (the target folder may be shared with other builds).
fn binary_stamp(binary: &Path) -> Option<(u64, std::time::SystemTime)> {
    let m = std::fs::metadata(binary).ok()?;
    Some((m.len(), m.modified().ok()?))
}

/// 100000 as "100,000".
fn thousands(n: u32) -> String {
    let digits = n.to_string();
    let mut out = String::new();
    for (i, c) in digits.chars().enumerate() {
        if i > 0 && (digits.len() - i) % 3 == 0 {
            out.push(',');
        }
        out.push(c);
    }
    out
}

fn env_number(name: &str, default: usize) -> usize {
    match std::env::var(name) {
        Ok(v) => v
            .parse()
            .unwrap_or_else(|_| panic!("{name} should be a whole number, not '{v}'")),
        Err(_) => default,
    }
}

/// Copies `OPEN_BENCH_DB` to `path`, or generates a library there. Opening
/// it once here applies any pending migrations, so the runs time only the
/// app. Returns the number of titles.
fn prepare_full(path: &Path, titles: usize) -> u32 {
    if let Some(given) = std::env::var_os("OPEN_BENCH_DB") {
        let given = PathBuf::from(given);
        if !given.is_file() {
            eprintln!(
                "error: OPEN_BENCH_DB names {}, which is not a file",
                given.display()
            );
            std::process::exit(1);
        }
        std::fs::copy(&given, path).expect("copy the given library");
        println!("library: a copy of {}", given.display());
    } else {
        let datasets = watchlog_testkit::fixtures::dir().join("datasets");
        let t = Instant::now();
        let mut lib = Library::open(path).expect("a new library");
        lib.generate_sample(&datasets, titles, 1)
            .unwrap_or_else(|e| panic!("generating the library: {e}"));
        println!(
            "library: generated {titles} titles (seed 1) in {:.1} s; set OPEN_BENCH_DB to a copy of it to skip this next time",
            t.elapsed().as_secs_f64()
        );
    }
    let lib = Library::open(path).expect("the library opens");
    let count = lib.status_counts().expect("the library counts").all;
    drop(lib);
    let size = std::fs::metadata(path).map(|m| m.len()).unwrap_or(0);
    println!(
        "library: {count} entries, {:.1} MiB",
        size as f64 / 1024.0 / 1024.0
    );
    count
}

/// What one launch measured.
struct Sample {
    /// Launch until the sidebar (the app's shell) is painted.
    shell: Duration,
    /// The same on the page's own clock, from the page's start.
    shell_page: Duration,
    /// Launch until the home page (Up next) is painted.
    home: Duration,
    home_page: Duration,
    /// Launch until the first entry card is painted, the Library opened as
    /// soon as the home page was (libraries with titles).
    card: Option<Duration>,
    card_page: Option<Duration>,
    /// Clicking the Library until its first entry card is painted.
    library: Option<Duration>,
    /// One scroll jump until cards are painted in view again, per jump.
    jumps: Vec<Duration>,
    shown: Memory,
    /// After the first [`READ_AFTER`] jumps, after all of them, and
    /// [`REST`] after that.
    early: Option<Memory>,
    scrolled: Option<Memory>,
    rested: Option<Memory>,
    /// Entry cards in the page at the end.
    cards: usize,
}

async fn run(library: &Path, has_titles: bool, screenshot: Option<&str>) -> Sample {
    let home = Home::new();
    let db = home.dir.path().join("watchlog.db");
    std::fs::copy(library, &db).expect("copy the library for this run");
    let db = db.to_str().expect("a temporary path in UTF-8").to_string();

    let (app, launched) = App::launch(&home, &[("WATCHLOG_DB", db.as_str())]).await;
    let shell_page = painted(&app, SHELL).await;
    let shell = launched.elapsed();
    let home_page = painted(&app, HOME).await;
    let home = launched.elapsed();
    let (card, card_page, library) = if has_titles {
        let clicked = Instant::now();
        app.click("library-nav").await;
        let page = painted(&app, CARD).await;
        (
            Some(launched.elapsed()),
            Some(ms(page)),
            Some(clicked.elapsed()),
        )
    } else {
        (None, None, None)
    };

    let pid = app_pid(app.driver_pid()).expect("the app's process under WebKitWebDriver");
    tokio::time::sleep(SETTLE).await;
    let shown = Memory::read(pid);
    if let Some(name) = screenshot {
        app.screenshot(name).await;
    }

    let (jumps, early, scrolled, rested) = if has_titles {
        let mut jumps = scroll_far(&app, &JUMPS[..READ_AFTER]).await;
        tokio::time::sleep(SETTLE).await;
        let early = Memory::read(pid);
        jumps.extend(scroll_far(&app, &JUMPS[READ_AFTER..]).await);
        tokio::time::sleep(SETTLE).await;
        let scrolled = Memory::read(pid);
        tokio::time::sleep(REST).await;
        (jumps, Some(early), Some(scrolled), Some(Memory::read(pid)))
    } else {
        (Vec::new(), None, None, None)
    };
    let cards = app.count(CARD).await;

    app.quit().await;
    // The app is single-instance: the next launch must not find this one.
    let deadline = Instant::now() + Duration::from_secs(20);
    while let Some(state) = running(pid) {
        if Instant::now() > deadline {
            eprintln!(
                "note: the app (pid {pid}, state {state}) was still running 20 s after its session closed; stopping it"
            );
            let _ = std::process::Command::new("kill")
                .args(["-KILL", &pid.to_string()])
                .status();
            while running(pid).is_some() {
                tokio::time::sleep(Duration::from_millis(50)).await;
            }
            break;
        }
        tokio::time::sleep(Duration::from_millis(50)).await;
    }

    Sample {
        shell,
        shell_page: ms(shell_page),
        home,
        home_page: ms(home_page),
        card,
        card_page,
        library,
        jumps,
        shown,
        early,
        scrolled,
        rested,
        cards,
    }
}

/// Waits for `selector` to be painted; when it never is, keeps a
/// screenshot of what the window showed instead and stops the benchmark.
async fn painted(app: &App, selector: &str) -> f64 {
    match app.wait_painted(selector, TIMEOUT).await {
        Some(page_ms) => page_ms,
        None => {
            app.screenshot("open-bench-timeout").await;
            panic!(
                "'{selector}' was not shown within {} s; the window as it was is in the screenshot open-bench-timeout.png",
                TIMEOUT.as_secs()
            );
        }
    }
}

/// Jumps the list's scrolling element to each of `fractions` of its
/// height, each time waiting until entry cards are painted inside its
/// visible part. The scroller is the nearest scrollable ancestor of the
/// first card, whatever the layout around it. Returns how long each jump
/// took to show cards.
async fn scroll_far(app: &App, fractions: &[f64]) -> Vec<Duration> {
    let scroller: WebElement = app
        .driver
        .execute(
            "let el = document.querySelector(arguments[0]).parentElement;
             while (el && el !== document.body && el !== document.documentElement) {
               const o = getComputedStyle(el).overflowY;
               if ((o === 'auto' || o === 'scroll' || o === 'overlay') && el.scrollHeight > el.clientHeight) return el;
               el = el.parentElement;
             }
             return document.scrollingElement;",
            vec![json!(CARD)],
        )
        .await
        .expect("finding the library's scrolling element")
        .element()
        .expect("the scrolling element");
    let mut jumps = Vec::new();
    for &fraction in fractions {
        // Timed inside the page, frame by frame, so WebDriver's own round
        // trips are not counted: from setting scrollTop until a frame after
        // the one where an entry card is first laid out in view.
        let ms = app
            .driver
            .execute_async(
                "const [s, selector, fraction, done] = arguments;
                 const box = () => s === document.scrollingElement
                   ? { top: 0, bottom: innerHeight } : s.getBoundingClientRect();
                 const shown = () => {
                   const b = box();
                   return [...document.querySelectorAll(selector)].some(c => {
                     const r = c.getBoundingClientRect();
                     return r.height > 0 && r.bottom > b.top && r.top < b.bottom;
                   });
                 };
                 const t0 = performance.now();
                 s.scrollTop = (s.scrollHeight - s.clientHeight) * fraction;
                 const tick = () => {
                   if (shown()) {
                     requestAnimationFrame(() => requestAnimationFrame(() => done(performance.now() - t0)));
                   } else if (performance.now() - t0 > 20000) {
                     done(-1);
                   } else {
                     requestAnimationFrame(tick);
                   }
                 };
                 requestAnimationFrame(tick);",
                vec![scroller.to_json().unwrap(), json!(CARD), json!(fraction)],
            )
            .await
            .expect("scrolling the library")
            .json()
            .as_f64()
            .unwrap_or(-1.0);
        assert!(ms >= 0.0, "no entry cards came into view after scrolling");
        jumps.push(Duration::from_secs_f64(ms / 1000.0));
    }
    jumps
}

/// The resident memory of an empty Tauri app (`examples/blank.rs`: the
/// same Tauri, WebKitGTK and window, a blank page, no commands), built
/// beside the app binary with the same profile, launched `runs` times
/// straight under the display and read once its page has settled. Empty
/// when the example was not built (`make bench-open` builds it).
fn blank_app(runs: usize) -> Vec<Memory> {
    let app = Path::new(env!("CARGO_BIN_EXE_watchlog-app"));
    let blank = app.with_file_name("examples").join("blank");
    if !blank.is_file() {
        eprintln!(
            "note: {} is not built, so the empty Tauri app is left out (`cargo build --example blank` with this profile builds it)",
            blank.display()
        );
        return Vec::new();
    }
    (0..runs)
        .map(|_| {
            let home = Home::new();
            let mut child = std::process::Command::new(&blank)
                .env("HOME", home.dir.path())
                .env("XDG_DATA_HOME", home.dir.path().join("data"))
                .env("XDG_CONFIG_HOME", home.dir.path().join("config"))
                .env("XDG_CACHE_HOME", home.dir.path().join("cache"))
                .spawn()
                .expect("starting the empty Tauri app");
            // Long enough for the web process to start and paint the page:
            // the full app paints its sidebar within this on this machine.
            std::thread::sleep(Duration::from_secs(5));
            let m = Memory::read_named(child.id(), "blank");
            let _ = child.kill();
            let _ = child.wait();
            m
        })
        .collect()
}

fn kib_field(path: &str, field: &str) -> u64 {
    std::fs::read_to_string(path)
        .ok()
        .and_then(|text| {
            text.lines()
                .find(|l| l.starts_with(field))
                .and_then(|l| l.split_whitespace().nth(1))
                .and_then(|v| v.parse().ok())
        })
        .unwrap_or(0)
}

/// Resident memory of the app and everything it started, in KiB.
#[derive(Default, Clone)]
struct Memory {
    app: u64,
    web: u64,
    web_processes: usize,
    network: u64,
    /// Any other helper (a sandbox, a GPU process), if there is one.
    other: u64,
    /// Proportional set size over the same processes: the libraries they
    /// share counted once, where the RSS sum counts them in each.
    pss: u64,
    /// The RSS sum split: anonymous memory (heaps: what grows when
    /// something is kept), and pages of files, the library's mapped pages
    /// among them (the kernel's page cache, given back under pressure).
    anon: u64,
    file: u64,
}

impl Memory {
    fn read(app: u32) -> Memory {
        Memory::read_named(app, "watchlog-app")
    }

    /// [`Memory::read`] of an app whose process is called `name`.
    fn read_named(app: u32, name: &str) -> Memory {
        let all = processes();
        let mut m = Memory::default();
        for p in tree(&all, app) {
            let status = format!("/proc/{}/status", p.pid);
            let rss = kib_field(&status, "VmRSS:");
            m.anon += kib_field(&status, "RssAnon:");
            m.file += kib_field(&status, "RssFile:") + kib_field(&status, "RssShmem:");
            m.pss += kib_field(&format!("/proc/{}/smaps_rollup", p.pid), "Pss:");
            match p.name.as_str() {
                n if n == name && p.pid == app => m.app += rss,
                "WebKitWebProcess" => {
                    m.web += rss;
                    m.web_processes += 1;
                }
                "WebKitNetworkProcess" => m.network += rss,
                _ => m.other += rss,
            }
        }
        m
    }

    fn rss_sum(&self) -> u64 {
        self.app + self.web + self.network + self.other
    }
}

fn ms(page_ms: f64) -> Duration {
    Duration::from_secs_f64(page_ms.max(0.0) / 1000.0)
}

fn secs(d: Duration) -> String {
    format!("{:.2}", d.as_secs_f64())
}

fn mib(kib: u64) -> f64 {
    kib as f64 / 1024.0
}

/// "median (min–max)" of durations in seconds.
fn spread_secs(mut v: Vec<Duration>) -> String {
    v.sort();
    format!(
        "{} s ({}–{})",
        secs(v[v.len() / 2]),
        secs(v[0]),
        secs(v[v.len() - 1])
    )
}

/// "median (min–max)" of KiB figures in MiB.
fn spread_mib(mut v: Vec<u64>) -> String {
    v.sort();
    format!(
        "{:.0} ({:.0}–{:.0})",
        mib(v[v.len() / 2]),
        mib(v[0]),
        mib(v[v.len() - 1])
    )
}

fn report(count: u32, runs: usize, empties: &[Sample], fulls: &[Sample], blank: &[Memory]) {
    println!();
    println!(
        "Opening the app: medians of {runs} runs per library (min–max); {} cores",
        cores()
    );
    println!();
    println!("| library | painted | launch → painted | page start → painted |");
    println!("|---|---|---:|---:|");
    let row = |library: &str, what: &str, total: Vec<Duration>, page: Vec<Duration>| {
        println!(
            "| {library} | {what} | {} | {} |",
            spread_secs(total),
            spread_secs(page)
        );
    };
    row(
        "empty",
        "sidebar",
        empties.iter().map(|s| s.shell).collect(),
        empties.iter().map(|s| s.shell_page).collect(),
    );
    let titles = format!("{} titles", thousands(count));
    row(
        &titles,
        "sidebar",
        fulls.iter().map(|s| s.shell).collect(),
        fulls.iter().map(|s| s.shell_page).collect(),
    );
    row(
        "empty",
        "home page",
        empties.iter().map(|s| s.home).collect(),
        empties.iter().map(|s| s.home_page).collect(),
    );
    row(
        &titles,
        "home page",
        fulls.iter().map(|s| s.home).collect(),
        fulls.iter().map(|s| s.home_page).collect(),
    );
    row(
        &titles,
        "first entry card, Library clicked at home",
        fulls.iter().filter_map(|s| s.card).collect(),
        fulls.iter().filter_map(|s| s.card_page).collect(),
    );
    let median = |mut v: Vec<Duration>| {
        v.sort();
        v[v.len() / 2].as_secs_f64()
    };
    println!();
    println!(
        "Home painted, {titles} against empty (medians, launch → painted): {:.2}×; Library clicked → first entry card painted: {}",
        median(fulls.iter().map(|s| s.home).collect()) / median(empties.iter().map(|s| s.home).collect()),
        spread_secs(fulls.iter().filter_map(|s| s.library).collect()),
    );
    println!();
    println!(
        "Scrolling {titles}: {} far jumps per run (to {} of the list, five times over), each until cards are painted in view: {} per jump; {} entry cards in the page at the end (median)",
        JUMPS.len(),
        JUMPS[..4]
            .iter()
            .map(|f| format!("{:.0} %", f * 100.0))
            .collect::<Vec<_>>()
            .join(", "),
        spread_secs(fulls.iter().flat_map(|s| s.jumps.iter().copied()).collect()),
        {
            let mut c: Vec<usize> = fulls.iter().map(|s| s.cards).collect();
            c.sort();
            c[c.len() / 2]
        }
    );
    println!();
    println!(
        "Resident memory, MiB, medians of {runs} runs (min–max), read {} s after the paint or the last scroll",
        SETTLE.as_secs()
    );
    println!();
    println!(
        "| library | when | app | web process | network process | other | RSS sum | PSS sum | anonymous | file pages |"
    );
    println!("|---|---|---:|---:|---:|---:|---:|---:|---:|---:|");
    let mem_row = |library: &str, when: &str, ms: Vec<Memory>| {
        let web_n = {
            let mut n: Vec<usize> = ms.iter().map(|m| m.web_processes).collect();
            n.sort();
            n[n.len() / 2]
        };
        println!(
            "| {library} | {when} | {} | {}{} | {} | {} | {} | {} | {} | {} |",
            spread_mib(ms.iter().map(|m| m.app).collect()),
            spread_mib(ms.iter().map(|m| m.web).collect()),
            if web_n == 1 {
                String::new()
            } else {
                format!(" ({web_n} processes)")
            },
            spread_mib(ms.iter().map(|m| m.network).collect()),
            spread_mib(ms.iter().map(|m| m.other).collect()),
            spread_mib(ms.iter().map(Memory::rss_sum).collect()),
            spread_mib(ms.iter().map(|m| m.pss).collect()),
            spread_mib(ms.iter().map(|m| m.anon).collect()),
            spread_mib(ms.iter().map(|m| m.file).collect()),
        );
    };
    if !blank.is_empty() {
        mem_row("an empty Tauri app", "a blank page shown", blank.to_vec());
    }
    mem_row(
        "empty",
        "shown",
        empties.iter().map(|s| s.shown.clone()).collect(),
    );
    mem_row(
        &titles,
        "first page shown",
        fulls.iter().map(|s| s.shown.clone()).collect(),
    );
    mem_row(
        &titles,
        &format!("after {READ_AFTER} jumps"),
        fulls.iter().filter_map(|s| s.early.clone()).collect(),
    );
    mem_row(
        &titles,
        &format!("after {} jumps", JUMPS.len()),
        fulls.iter().filter_map(|s| s.scrolled.clone()).collect(),
    );
    mem_row(
        &titles,
        &format!("{} s later, at rest", REST.as_secs()),
        fulls.iter().filter_map(|s| s.rested.clone()).collect(),
    );
    let ratio = |of: fn(&Memory) -> u64| {
        let mut r: Vec<f64> = fulls
            .iter()
            .filter_map(|s| Some(of(s.scrolled.as_ref()?) as f64 / of(&s.shown).max(1) as f64))
            .collect();
        r.sort_by(f64::total_cmp);
        r[r.len() / 2]
    };
    println!();
    println!(
        "After {} jumps against the first page shown (median of the runs' ratios): web process {:.2}×, RSS sum {:.2}×, PSS sum {:.2}×, anonymous {:.2}×",
        JUMPS.len(),
        ratio(|m| m.web),
        ratio(Memory::rss_sum),
        ratio(|m| m.pss),
        ratio(|m| m.anon),
    );
    println!();
    println!("machine: {}", machine());
    println!("load average after the runs: {}", load_average());
}

fn cores() -> usize {
    std::thread::available_parallelism().map_or(1, |n| n.get())
}

/// Cores, processor, memory and the WebKitGTK version, as far as they can
/// be read.
fn machine() -> String {
    let cpu = std::fs::read_to_string("/proc/cpuinfo")
        .ok()
        .and_then(|t| {
            t.lines()
                .find(|l| l.starts_with("model name"))
                .and_then(|l| l.split(':').nth(1))
                .map(|s| s.trim().to_string())
        })
        .unwrap_or_else(|| "unknown processor".into());
    let memory = mib(kib_field("/proc/meminfo", "MemTotal:")) / 1024.0;
    let webkit = std::process::Command::new("dpkg-query")
        .args(["-W", "-f=${Version}", "libwebkit2gtk-4.1-0"])
        .output()
        .ok()
        .filter(|o| o.status.success())
        .map(|o| format!(", WebKitGTK {}", String::from_utf8_lossy(&o.stdout)))
        .unwrap_or_default();
    format!("{} cores, {cpu}, {memory:.0} GiB memory{webkit}", cores())
}

fn load_average() -> String {
    std::fs::read_to_string("/proc/loadavg")
        .map(|t| t.split_whitespace().take(3).collect::<Vec<_>>().join(" "))
        .unwrap_or_default()
}
