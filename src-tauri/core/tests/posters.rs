//! The poster pipeline against a real local HTTP server (a raw TCP listener
//! on 127.0.0.1, so it can also misbehave in ways a library server will not:
//! an endless slow body, a body past the cap with no Content-Length, a
//! connection reset), serving the real images in `../shared/fixtures/images/`:
//! real posters, decompression bombs, corrupt files and edge cases.

use std::io::{BufRead, BufReader, Write};
use std::net::{TcpListener, TcpStream};
use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex};
use std::thread;
use std::time::{Duration, Instant};

use watchlog_core::net::{HttpClient, NetConfig, RequestOptions};
use watchlog_core::posters::thumbs::{self, SIZES};
use watchlog_core::posters::{
    fetch_all_blocking, PosterCache, PosterOutcome, PosterResult, PosterSelection,
};
use watchlog_core::progress::CancelToken;
use watchlog_core::{EntryPatch, Kind, Library, NewEntry, Status, TitleFacts};
use watchlog_testkit::{fixtures, Sandbox};

// ---------------------------------------------------------------- fixtures

fn images_dir() -> PathBuf {
    fixtures::dir().join("images")
}

/// The image fixtures' folder, or `None` when they are missing (see
/// `fixtures::path`).
fn fixtures() -> Option<PathBuf> {
    fixtures::path("images/bomb/spark_225000x225000.png").map(|_| images_dir())
}

fn read(rel: &str) -> Vec<u8> {
    std::fs::read(images_dir().join(rel)).unwrap_or_else(|e| panic!("fixture {rel}: {e}"))
}

/// Every real poster file.
fn poster_files() -> Vec<String> {
    let mut out = Vec::new();
    for sub in ["cc_by_blender", "derived", "public_domain_vintage"] {
        let dir = images_dir().join("posters").join(sub);
        for e in std::fs::read_dir(&dir).unwrap().flatten() {
            out.push(format!("posters/{sub}/{}", e.file_name().to_string_lossy()));
        }
    }
    out.sort();
    out
}

// ------------------------------------------------------------------ server

/// A minimal HTTP/1.1 server on a free loopback port; one thread per
/// connection. Paths:
/// - `/img/<fixture path>`: the file, always labelled `image/jpeg` (the
///   pipeline must sniff, not trust the label); ETag `"<len>"`, answering
///   `304` to a matching `If-None-Match`;
/// - `/404`, `/500`, `/loop` (redirects to itself), `/to-loopback`
///   (redirects to `127.0.0.1` by its number), `/html`, `/slow` (one
///   byte every 200 ms, forever), `/huge` (no Content-Length, more than the
///   cap), `/reset` (closes without reading: the kernel sends RST).
struct Server {
    base: String,
    seen: Arc<Seen>,
}

/// Each request's path and `If-None-Match`, in order.
type Seen = Mutex<Vec<(String, Option<String>)>>;

impl Server {
    fn start() -> Server {
        let listener = TcpListener::bind("127.0.0.1:0").expect("bind 127.0.0.1:0");
        let base = format!("http://{}", listener.local_addr().unwrap());
        let seen: Arc<Seen> = Arc::default();
        let log = seen.clone();
        thread::spawn(move || {
            for stream in listener.incoming().flatten() {
                let log = log.clone();
                thread::spawn(move || {
                    let _ = serve(stream, &log);
                });
            }
        });
        Server { base, seen }
    }

    fn url(&self, path: &str) -> String {
        format!("{}{path}", self.base)
    }
}

fn serve(mut stream: TcpStream, log: &Seen) -> std::io::Result<()> {
    // `/reset` must be recognised before the request is read: closing a
    // socket with unread data makes Linux answer with RST.
    let mut peek = [0u8; 32];
    let n = stream.peek(&mut peek)?;
    if peek[..n].starts_with(b"GET /reset") {
        drop(stream);
        return Ok(());
    }
    let mut reader = BufReader::new(stream.try_clone()?);
    let mut line = String::new();
    reader.read_line(&mut line)?;
    let path = line.split_whitespace().nth(1).unwrap_or("/").to_string();
    let mut if_none_match = None;
    loop {
        let mut h = String::new();
        reader.read_line(&mut h)?;
        if h.trim().is_empty() {
            break;
        }
        if let Some((k, v)) = h.split_once(':') {
            if k.eq_ignore_ascii_case("if-none-match") {
                if_none_match = Some(v.trim().to_string());
            }
        }
    }
    log.lock()
        .unwrap()
        .push((path.clone(), if_none_match.clone()));
    let head = |status: &str, extra: &str, len: Option<usize>| {
        let len = len.map_or(String::new(), |l| format!("Content-Length: {l}\r\n"));
        format!("HTTP/1.1 {status}\r\n{extra}{len}Connection: close\r\n\r\n")
    };
    match path.as_str() {
        p if p.starts_with("/img/") => {
            let body = std::fs::read(images_dir().join(&p[5..]));
            let Ok(body) = body else {
                stream.write_all(head("404 Not Found", "", Some(0)).as_bytes())?;
                return Ok(());
            };
            let etag = format!("\"{}\"", body.len());
            if if_none_match.as_deref() == Some(etag.as_str()) {
                stream.write_all(
                    head("304 Not Modified", &format!("ETag: {etag}\r\n"), None).as_bytes(),
                )?;
                return Ok(());
            }
            let extra = format!("Content-Type: image/jpeg\r\nETag: {etag}\r\n");
            stream.write_all(head("200 OK", &extra, Some(body.len())).as_bytes())?;
            stream.write_all(&body)?;
        }
        "/500" => stream.write_all(head("500 Internal Server Error", "", Some(0)).as_bytes())?,
        "/to-loopback" => {
            let port = stream.local_addr()?.port();
            let to = format!("Location: http://127.0.0.1:{port}/404\r\n");
            stream.write_all(head("302 Found", &to, Some(0)).as_bytes())?
        }
        "/loop" => {
            stream.write_all(head("302 Found", "Location: /loop\r\n", Some(0)).as_bytes())?
        }
        "/html" => {
            let body = b"<!DOCTYPE html><html><body><h1>Welcome</h1></body></html>";
            stream.write_all(
                head("200 OK", "Content-Type: text/html\r\n", Some(body.len())).as_bytes(),
            )?;
            stream.write_all(body)?;
        }
        "/slow" => {
            stream.write_all(
                head("200 OK", "Content-Type: image/jpeg\r\n", Some(1 << 20)).as_bytes(),
            )?;
            stream.write_all(&[0xFF, 0xD8])?;
            loop {
                thread::sleep(Duration::from_millis(200));
                stream.write_all(&[0])?;
            }
        }
        "/huge" => {
            stream.write_all(head("200 OK", "Content-Type: image/jpeg\r\n", None).as_bytes())?;
            let chunk = vec![0u8; 64 << 10];
            for _ in 0..((10 << 20) / chunk.len()) {
                stream.write_all(&chunk)?;
            }
        }
        _ => stream.write_all(head("404 Not Found", "", Some(0)).as_bytes())?,
    }
    stream.flush()
}

// ------------------------------------------------------------------- setup

/// A client with short limits so the failure tests stay fast: 1.5 s total
/// timeout, the default 8 MB cap, no rate limit. The poster server is on
/// loopback, which a client refuses unless the host is allowed.
fn client() -> HttpClient {
    client_allowing(&["127.0.0.1"])
}

fn client_allowing(hosts: &[&str]) -> HttpClient {
    HttpClient::new(NetConfig {
        connect_timeout: Duration::from_secs(2),
        timeout: Duration::from_millis(1500),
        max_body_bytes: 8 << 20,
        max_attempts: 2,
        backoff: Duration::from_millis(10),
        max_retry_after: Duration::from_secs(1),
        rate_limit: None,
        allow_hosts: hosts.iter().map(|h| h.to_string()).collect(),
    })
    .unwrap()
}

struct Setup {
    lib: Library,
    cache: PosterCache,
    _sandbox: Sandbox,
}

fn setup() -> Setup {
    let sandbox = Sandbox::new();
    Setup {
        lib: Library::open(&sandbox.db).unwrap(),
        cache: PosterCache::new(sandbox.file("posters")),
        _sandbox: sandbox,
    }
}

fn add(lib: &mut Library, name: &str, url: &str) -> i64 {
    lib.add_entry(&NewEntry {
        title: TitleFacts {
            kind: Kind::Series,
            name: name.into(),
            poster_url: Some(url.into()),
            ..Default::default()
        },
        fields: watchlog_core::EntryFields {
            status: Status::PlanToWatch,
            ..Default::default()
        },
    })
    .unwrap()
}

fn run(s: &Setup, sel: PosterSelection) -> Vec<PosterOutcome> {
    let plan = s.lib.poster_plan(&sel, &s.cache).unwrap();
    let record = |o: &PosterOutcome| s.lib.record_poster(o);
    fetch_all_blocking(
        &client(),
        &s.cache,
        plan.jobs,
        4,
        None,
        &CancelToken::new(),
        record,
    )
    .unwrap()
}

fn reason(o: &PosterOutcome) -> &str {
    match &o.result {
        PosterResult::Failed { reason } => reason,
        other => panic!("{} should have failed, got {other:?}", o.job.name),
    }
}

/// Names in the cache folder: no temp file may be left behind.
fn cache_files(cache: &PosterCache) -> Vec<String> {
    let mut v: Vec<String> = std::fs::read_dir(cache.dir())
        .map(|rd| {
            rd.flatten()
                .map(|e| e.file_name().to_string_lossy().into_owned())
                .collect()
        })
        .unwrap_or_default();
    v.sort();
    v
}

fn webp_dims(path: &Path) -> (u32, u32) {
    let img = image::load_from_memory(&std::fs::read(path).unwrap()).unwrap();
    (img.width(), img.height())
}

// ------------------------------------------------------------------- tests

#[test]
fn every_real_poster_becomes_two_thumbnails_in_the_cache() {
    let Some(_) = fixtures() else { return };
    let server = Server::start();
    let mut s = setup();
    let files = poster_files();
    assert!(
        files.len() >= 25,
        "expected the real poster set, found {}",
        files.len()
    );
    for f in &files {
        add(&mut s.lib, f, &server.url(&format!("/img/{f}")));
    }
    let outcomes = run(&s, PosterSelection::Missing);
    assert_eq!(outcomes.len(), files.len());
    for o in &outcomes {
        let PosterResult::Fetched {
            hash,
            width,
            height,
            bytes,
            etag,
            ..
        } = &o.result
        else {
            panic!("{}: {:?}", o.job.name, o.result)
        };
        assert!(
            *width >= 436 && *height >= 695,
            "{}: {width}×{height}",
            o.job.name
        );
        assert!(etag.is_some(), "the ETag is kept for revalidation");
        let mut total = 0;
        for size in SIZES {
            let p = s.cache.path(hash, size);
            let (w, h) = webp_dims(&p);
            assert_eq!(w, size.min(*width).min(w), "{}", o.job.name);
            assert!(w <= size, "{}: never wider than {size}", o.job.name);
            assert_eq!(h, (w as f64 * 1.5).round() as u32, "{}: 2:3", o.job.name);
            total += std::fs::metadata(&p).unwrap().len();
        }
        assert_eq!(total, *bytes);
    }
    let status = s.lib.poster_status(&s.cache).unwrap();
    assert_eq!(
        (
            status.with_address,
            status.cached,
            status.missing,
            status.failed
        ),
        (files.len() as u32, files.len() as u32, 0, 0)
    );
    assert!(cache_files(&s.cache).iter().all(|n| n.ends_with(".webp")));
    // The grid's listing carries the opaque id of each cached poster.
    let listed = s.lib.list(&Default::default()).unwrap();
    assert!(listed.iter().all(|e| e
        .poster
        .as_deref()
        .is_some_and(watchlog_core::posters::is_hash)));
    // Nothing is missing now.
    assert!(s
        .lib
        .poster_plan(&PosterSelection::Missing, &s.cache)
        .unwrap()
        .jobs
        .is_empty());
}

#[test]
fn decompression_bombs_are_refused_at_the_header() {
    let Some(_) = fixtures() else { return };
    // Decoded directly: refused without allocating the claimed pixels.
    let t = Instant::now();
    let err = thumbs::decode(&read("bomb/spark_225000x225000.png")).unwrap_err();
    assert!(err.to_string().contains("larger than 12000×12000"), "{err}");
    let err = thumbs::decode(&read("bomb/pillow_decompression_bomb.gif")).unwrap_err();
    assert!(
        err.to_string()
            .contains("GIF image; Watchlog accepts JPEG, PNG and WebP"),
        "{err}"
    );
    assert!(
        t.elapsed() < Duration::from_secs(2),
        "refused quickly: {:?}",
        t.elapsed()
    );

    // And through the whole pipeline: per-title failures, nothing cached.
    let server = Server::start();
    let mut s = setup();
    add(
        &mut s.lib,
        "Spark",
        &server.url("/img/bomb/spark_225000x225000.png"),
    );
    add(
        &mut s.lib,
        "Gif",
        &server.url("/img/bomb/pillow_decompression_bomb.gif"),
    );
    let out = run(&s, PosterSelection::All);
    assert!(
        reason(&out[0]).contains("larger than"),
        "{}",
        reason(&out[0])
    );
    assert!(reason(&out[1]).contains("GIF"), "{}", reason(&out[1]));
    assert!(
        cache_files(&s.cache).is_empty(),
        "{:?}",
        cache_files(&s.cache)
    );
    let status = s.lib.poster_status(&s.cache).unwrap();
    assert_eq!((status.failed, status.cached), (2, 0));
    assert_eq!(
        status.failures[0].reason,
        reason(&out[1]),
        "failures are listed by name"
    );
}

#[test]
fn corrupt_images_are_refused_or_decoded_honestly() {
    let Some(_) = fixtures() else { return };
    let cases = [
        ("corrupt/pillars-1024x1024-truncated.jpg", "incomplete"),
        ("corrupt/pillars-1024x1024-truncated.png", ""),
        ("corrupt/png_x_ihdr_missing.png", ""),
        ("corrupt/png_x_unexpected_eof.png", ""),
        ("corrupt/pillow_broken.png", ""),
        (
            "corrupt/nonsense_random_bytes.bin",
            "did not return an image",
        ),
    ];
    for (file, words) in cases {
        match thumbs::process(&read(file)) {
            Err(e) => {
                let msg = e.to_string();
                assert!(
                    msg.starts_with("the poster"),
                    "{file}: a user's sentence: {msg}"
                );
                assert!(msg.contains(words), "{file}: {msg}");
            }
            Ok(p) => panic!(
                "{file} should be refused, decoded as {}×{}",
                p.width, p.height
            ),
        }
    }
}

#[test]
fn edge_cases_decode_correctly() {
    let Some(_) = fixtures() else { return };
    use image::{DynamicImage, ImageDecoder, ImageReader};
    // EXIF orientation 2 is a horizontal mirror: the pipeline's pixels must
    // equal the raw decode mirrored, not the raw decode.
    let bytes = read("edge_cases/jpeg_exif_orientation_portrait_2.jpg");
    let mut dec = ImageReader::new(std::io::Cursor::new(&bytes))
        .with_guessed_format()
        .unwrap()
        .into_decoder()
        .unwrap();
    assert_eq!(
        dec.orientation().unwrap(),
        image::metadata::Orientation::FlipHorizontal
    );
    let raw = DynamicImage::from_decoder(dec).unwrap().to_rgb8();
    let ours = thumbs::decode(&bytes).unwrap().to_rgb8();
    let mirrored = image::imageops::flip_horizontal(&raw);
    assert_eq!(ours.dimensions(), raw.dimensions());
    assert_ne!(ours, raw, "the orientation was applied");
    assert_eq!(ours, mirrored, "as a horizontal mirror");

    let progressive = thumbs::process(&read("edge_cases/jpeg_progressive_3.jpg")).unwrap();
    assert!(progressive.width > 0 && progressive.thumbs.len() == 2);

    // Animated WebP: the first frame.
    let anim = thumbs::decode(&read("edge_cases/webp_animated.webp")).unwrap();
    assert!(anim.width() > 0 && anim.height() > 0);

    // Alpha survives into the thumbnails.
    let alpha = thumbs::process(&read("edge_cases/webp_lossy_alpha.webp")).unwrap();
    let back = image::load_from_memory(&alpha.thumbs[0].data).unwrap();
    assert!(back.color().has_alpha(), "alpha kept");

    let lossless = thumbs::process(&read("edge_cases/webp_lossless_simple.webp")).unwrap();
    assert_eq!(lossless.thumbs.len(), 2);
}

#[test]
fn each_server_failure_is_a_clear_per_title_error_and_the_rest_go_on() {
    let Some(_) = fixtures() else { return };
    let server = Server::start();
    let mut s = setup();
    let good = "/img/posters/derived/spring_500x750.jpg";
    let cases = [
        ("Missing", "/404", "no image at this address"),
        ("Broken", "/500", "server error (HTTP 500) 2 times"),
        ("Loop", "/loop", "redirects"),
        ("Page", "/html", "web page, not an image"),
        ("Slow", "/slow", "did not answer within"),
        ("Huge", "/huge", "more than 8 MB"),
        ("Reset", "/reset", "connection"),
        ("Good", good, ""),
    ];
    for (name, path, _) in cases {
        add(&mut s.lib, name, &server.url(path));
    }
    let t = Instant::now();
    let out = run(&s, PosterSelection::All);
    assert!(
        t.elapsed() < Duration::from_secs(10),
        "bounded by the timeout: {:?}",
        t.elapsed()
    );
    for ((name, _, words), o) in cases.iter().zip(&out) {
        assert_eq!(&o.job.name, name);
        if *name == "Good" {
            assert!(
                matches!(o.result, PosterResult::Fetched { .. }),
                "{:?}",
                o.result
            );
        } else {
            assert!(reason(o).contains(words), "{name}: {}", reason(o));
        }
    }
    // Only the good poster's two files; no temp file from the failures.
    let files = cache_files(&s.cache);
    assert_eq!(files.len(), 2, "{files:?}");
    assert!(files.iter().all(|f| !f.starts_with(".tmp")));
    let status = s.lib.poster_status(&s.cache).unwrap();
    assert_eq!((status.cached, status.failed), (1, 7));
}

#[test]
fn a_refresh_revalidates_with_the_etag_and_keeps_the_poster_offline() {
    let Some(_) = fixtures() else { return };
    let server = Server::start();
    let mut s = setup();
    let id = add(
        &mut s.lib,
        "Spring",
        &server.url("/img/posters/derived/spring_500x750.webp"),
    );
    let first = run(&s, PosterSelection::Entries(vec![id]));
    assert!(matches!(first[0].result, PosterResult::Fetched { .. }));
    let second = run(&s, PosterSelection::Entries(vec![id]));
    assert_eq!(second[0].result, PosterResult::NotModified);
    let seen = server.seen.lock().unwrap().clone();
    assert_eq!(seen.len(), 2);
    assert_eq!(seen[0].1, None);
    assert!(seen[1].1.is_some(), "the second request was conditional");
    // A failed refresh (server gone) keeps the cached poster.
    let hash = s.lib.poster_id(id).unwrap().expect("cached");
    s.lib
        .record_poster(&PosterOutcome {
            job: second[0].job.clone(),
            result: PosterResult::Failed {
                reason: "offline".into(),
            },
        })
        .unwrap();
    assert_eq!(s.lib.poster_id(id).unwrap(), Some(hash.clone()));
    let resolved = s.cache.resolve(&format!("{hash}-342")).expect("served");
    assert!(resolved.starts_with(s.cache.dir()));
    // Ids that are not a hash and a size never resolve.
    for bad in [
        "../lib.db",
        &format!("{hash}-100"),
        &format!("{hash}/342"),
        "x-342",
        "",
    ] {
        assert!(s.cache.resolve(bad).is_none(), "{bad}");
    }
}

#[test]
fn pruning_removes_the_least_recently_used_first() {
    let Some(_) = fixtures() else { return };
    let server = Server::start();
    let mut s = setup();
    let files = [
        "posters/derived/spring_500x750.jpg",
        "posters/derived/the-flirt_500x750.jpg",
        "posters/derived/good-references_500x750.jpg",
    ];
    let ids: Vec<i64> = files
        .iter()
        .map(|f| add(&mut s.lib, f, &server.url(&format!("/img/{f}"))))
        .collect();
    run(&s, PosterSelection::All);
    let hashes: Vec<String> = ids
        .iter()
        .map(|&i| s.lib.poster_id(i).unwrap().unwrap())
        .collect();
    // Shown in the order 1, 2, 0: poster 1 is now the least recently used.
    for i in [1, 2, 0] {
        thread::sleep(Duration::from_millis(5));
        s.lib.touch_poster(&hashes[i]).unwrap();
    }
    // A stray temp file, as a crash would leave.
    std::fs::write(s.cache.dir().join(".tmp-crash"), b"partial").unwrap();
    let sizes: Vec<u64> = hashes
        .iter()
        .map(|h| {
            SIZES
                .iter()
                .map(|&z| std::fs::metadata(s.cache.path(h, z)).unwrap().len())
                .sum()
        })
        .collect();
    let budget = sizes[0] + sizes[2];
    let r = s.lib.prune_posters(&s.cache, budget).unwrap();
    assert_eq!(r.removed_posters, 1);
    assert_eq!(r.freed_bytes, sizes[1] + 7);
    assert_eq!(r.kept_bytes, budget);
    assert!(!s.cache.has(&hashes[1]) && s.cache.has(&hashes[0]) && s.cache.has(&hashes[2]));
    assert_eq!(s.lib.poster_id(ids[1]).unwrap(), None);
    let missing = s
        .lib
        .poster_plan(&PosterSelection::Missing, &s.cache)
        .unwrap();
    assert_eq!(
        missing.jobs.iter().map(|j| j.entry_id).collect::<Vec<_>>(),
        vec![ids[1]]
    );
    assert_eq!(s.lib.poster_status(&s.cache).unwrap().missing, 1);
}

#[test]
fn cancelling_stops_the_run_and_reports_the_rest_cancelled() {
    let Some(_) = fixtures() else { return };
    let server = Server::start();
    let mut s = setup();
    for i in 0..6 {
        add(&mut s.lib, &format!("Slow {i}"), &server.url("/slow"));
    }
    let plan = s.lib.poster_plan(&PosterSelection::All, &s.cache).unwrap();
    let cancel = CancelToken::new();
    let c2 = cancel.clone();
    thread::spawn(move || {
        thread::sleep(Duration::from_millis(200));
        c2.cancel();
    });
    let t = Instant::now();
    let out = fetch_all_blocking(&client(), &s.cache, plan.jobs, 2, None, &cancel, |o| {
        s.lib.record_poster(o)
    })
    .unwrap();
    assert!(
        t.elapsed() < Duration::from_millis(1200),
        "stopped before the timeout: {:?}",
        t.elapsed()
    );
    assert!(
        out.iter().all(|o| o.result == PosterResult::Cancelled),
        "{out:?}"
    );
    assert_eq!(
        s.lib.poster_status(&s.cache).unwrap().missing,
        6,
        "nothing recorded"
    );
}

#[test]
fn entries_without_a_poster_address_are_skipped_with_a_reason() {
    let mut s = setup();
    let id = s
        .lib
        .add_entry(&NewEntry {
            title: TitleFacts {
                kind: Kind::Film,
                name: "No Poster".into(),
                ..Default::default()
            },
            fields: Default::default(),
        })
        .unwrap();
    let plan = s
        .lib
        .poster_plan(&PosterSelection::Entries(vec![id]), &s.cache)
        .unwrap();
    assert!(plan.jobs.is_empty());
    assert_eq!(
        plan.skipped,
        vec![(id, "No Poster has no poster address".to_string())]
    );
    let err = s
        .lib
        .poster_plan(&PosterSelection::Entries(vec![999]), &s.cache)
        .unwrap_err();
    assert_eq!(err.code(), "not_found");
}

#[test]
fn the_html_review_page_embeds_cached_posters() {
    let Some(_) = fixtures() else { return };
    let server = Server::start();
    let mut s = setup();
    let with_poster = add(
        &mut s.lib,
        "Spring",
        &server.url("/img/posters/derived/spring_500x750.webp"),
    );
    let without = add(&mut s.lib, "Never Fetched", &server.url("/missing.jpg"));
    let fetched = run(&s, PosterSelection::Entries(vec![with_poster]));
    assert!(matches!(fetched[0].result, PosterResult::Fetched { .. }));
    for id in [with_poster, without] {
        let mut fields = s.lib.entry(id).unwrap().fields;
        fields.review = Some("Worth it.".into());
        s.lib.update_entry(id, &EntryPatch::all(&fields)).unwrap();
    }

    let mut html = Vec::new();
    watchlog_core::transfer::export_with_posters(
        &s.lib,
        watchlog_core::transfer::ExportFormat::Html,
        &Default::default(),
        &watchlog_core::posters::CachedPosters::new(&s.lib, &s.cache),
        &mut html,
    )
    .unwrap();
    let html = String::from_utf8(html).unwrap();
    assert_eq!(
        html.matches("data:image/webp;base64,").count(),
        1,
        "the fetched poster is embedded and the other entry gets its placeholder"
    );
    assert!(
        !html.contains(&server.url("")),
        "the page must not point at the network"
    );
}

/// An imported `poster_url`, or a redirect, that points at the user's own
/// computer or network is refused before anything is sent to it, unless
/// the host is allowed — by name, after resolving, and on each redirect.
#[test]
fn addresses_on_the_private_network_are_refused_unless_the_host_is_allowed() {
    let server = Server::start();
    let port = server.base.rsplit(':').next().unwrap().to_string();
    let rt = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .unwrap();
    let get = |c: &HttpClient, url: &str| rt.block_on(c.get(url, RequestOptions::default()));
    let refused = |c: &HttpClient, url: &str| {
        let e = get(c, url).expect_err(url);
        assert_eq!(e.code(), "private_address", "{url}: {e}");
        e.to_string()
    };

    let strict = client_allowing(&[]);
    let msg = refused(&strict, &server.url("/img/x"));
    assert!(
        msg.contains("127.0.0.1") && msg.contains("Settings"),
        "says which address and where to allow it: {msg}"
    );
    refused(&strict, &format!("http://localhost:{port}/img/x"));
    refused(&strict, &format!("http://[::ffff:127.0.0.1]:{port}/img/x"));
    assert!(
        server.seen.lock().unwrap().is_empty(),
        "nothing reached the server"
    );

    // Allowed by name, redirected to a number that is not allowed.
    let by_name = client_allowing(&["localhost"]);
    refused(&by_name, &format!("http://localhost:{port}/to-loopback"));
    let paths: Vec<String> = server
        .seen
        .lock()
        .unwrap()
        .iter()
        .map(|s| s.0.clone())
        .collect();
    assert_eq!(paths, ["/to-loopback"], "only the allowed host was called");

    // The user allows the address in Settings: the same redirect is followed.
    by_name.set_user_hosts(&["127.0.0.1".to_string()]);
    let resp = get(&by_name, &format!("http://localhost:{port}/to-loopback")).unwrap();
    assert_eq!(resp.status, 404, "followed to the allowed address");
    by_name.set_user_hosts(&[]);
    refused(&by_name, &format!("http://localhost:{port}/to-loopback"));
}

/// Each title is recorded as soon as its poster is in the cache, while the
/// others still download: a run killed half-way keeps what it fetched. A
/// record that fails (the disk is full) stops the run with its error.
#[test]
fn each_poster_is_recorded_as_it_arrives_and_a_failed_record_stops_the_run() {
    let Some(_) = fixtures() else { return };
    let server = Server::start();
    let mut s = setup();
    let fast = add(
        &mut s.lib,
        "Spring",
        &server.url("/img/posters/derived/spring_500x750.webp"),
    );
    add(&mut s.lib, "Slow", &server.url("/slow"));
    let plan = s.lib.poster_plan(&PosterSelection::All, &s.cache).unwrap();
    // The slow one never ends on its own; the run is cancelled once the
    // fast one is recorded, which can only be while the slow one downloads.
    let patient = HttpClient::new(NetConfig {
        timeout: Duration::from_secs(60),
        rate_limit: None,
        allow_hosts: vec!["127.0.0.1".into()],
        ..NetConfig::default()
    })
    .unwrap();
    let cancel = CancelToken::new();
    let mut recorded = Vec::new();
    fetch_all_blocking(
        &patient,
        &s.cache,
        plan.jobs.clone(),
        2,
        None,
        &cancel,
        |o| {
            s.lib.record_poster(o)?;
            recorded.push(o.job.entry_id);
            if o.job.entry_id == fast {
                cancel.cancel();
            }
            Ok(())
        },
    )
    .unwrap();
    assert_eq!(
        recorded,
        [fast],
        "recorded while the other still downloaded"
    );
    assert!(s.lib.poster_id(fast).unwrap().is_some());

    let rt = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .unwrap();
    let mut calls = 0;
    let fresh = setup();
    let out = rt.block_on(watchlog_core::posters::fetch_all(
        &client(),
        &fresh.cache,
        plan.jobs,
        1,
        None,
        &CancelToken::new(),
        |_| {
            calls += 1;
            Err(Refused)
        },
    ));
    assert!(matches!(out, Err(Refused)));
    assert_eq!(calls, 1, "the run stopped at the first refused record");
}

/// Two libraries share the cache folder but not their files: pruning one
/// to nothing leaves every poster the other shows, even the same image.
#[test]
fn pruning_one_library_never_deletes_another_librarys_posters() {
    let Some(_) = fixtures() else { return };
    let server = Server::start();
    let root = Sandbox::new();
    let url = server.url("/img/posters/derived/spring_500x750.webp");
    let mut libs: Vec<(Setup, i64)> = (0..2)
        .map(|_| {
            let sandbox = Sandbox::new();
            let mut lib = Library::open(&sandbox.db).unwrap();
            let id = add(&mut lib, "Spring", &url);
            let cache = PosterCache::of_library(root.dir(), &sandbox.db);
            (
                Setup {
                    lib,
                    cache,
                    _sandbox: sandbox,
                },
                id,
            )
        })
        .collect();
    for (s, _) in &libs {
        run(s, PosterSelection::All);
    }
    assert_ne!(libs[0].0.cache.dir(), libs[1].0.cache.dir());
    let (other, kept) = libs.pop().unwrap();
    let (pruned, _) = &libs[0];
    let r = pruned.lib.prune_posters(&pruned.cache, 0).unwrap();
    assert_eq!(r.removed_posters, 1);
    let hash = other.lib.poster_id(kept).unwrap().expect("cached");
    assert!(other.cache.has(&hash), "the other library keeps its poster");
    assert_eq!(other.lib.poster_status(&other.cache).unwrap().cached, 1);
}

/// A library whose posters are in the folder all libraries shared before
/// gets them linked into its own folder on first use; the shared files
/// stay for the other libraries that used them.
#[test]
fn posters_in_the_old_shared_folder_are_adopted_not_moved() {
    let Some(_) = fixtures() else { return };
    let server = Server::start();
    let mut s = setup();
    let root = s.cache.dir().to_path_buf();
    let id = add(
        &mut s.lib,
        "Spring",
        &server.url("/img/posters/derived/spring_500x750.webp"),
    );
    run(&s, PosterSelection::All);
    let hash = s.lib.poster_id(id).unwrap().expect("cached");
    let own = PosterCache::of_library(&root, s._sandbox.db.as_path());
    assert!(!own.has(&hash));
    s.lib.adopt_shared_posters(&own).unwrap();
    assert!(own.has(&hash), "linked into the library's own folder");
    assert!(s.cache.has(&hash), "still in the shared folder");
    assert_eq!(s.lib.poster_status(&own).unwrap().cached, 1);
}

/// What the test's recorder answers instead of recording.
#[derive(Debug)]
struct Refused;

impl From<watchlog_core::Error> for Refused {
    fn from(_: watchlog_core::Error) -> Self {
        Refused
    }
}
