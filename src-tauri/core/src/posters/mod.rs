//! The poster pipeline: download each title's poster once, turn it into two
//! small WebP thumbnails, keep them in a content-addressed cache folder, and
//! serve them offline from then on.
//!
//! - [`thumbs`]: decoding (format sniffed from the bytes, limits, EXIF
//!   orientation) and the 342/780 px thumbnails; pure, no I/O.
//! - [`PosterCache`]: the folder of files `<hash>-<size>.webp`, written
//!   atomically (temp file + rename), named by the BLAKE3 of the downloaded
//!   bytes so titles with the same poster share files.
//! - [`fetch_all`]: bounded parallel downloads through the shared
//!   [`HttpClient`], with a progress callback and a [`CancelToken`]; each
//!   title's failure is an outcome with a reason, never an abort.
//! - [`store`]: the `posters` table (what was fetched, from where, when,
//!   the validators for revalidation, the last error) and LRU pruning.
//!
//! The database is only touched by the caller, before (`poster_plan`) and
//! after (`record_poster`) the network work: the store is synchronous and
//! a download must not hold the library's lock.

mod export;
mod library;
pub mod preview;
pub mod thumbs;

use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::Arc;

use serde::{Deserialize, Serialize};

use crate::error::{Error, Result};
use crate::net::{Conditional, HttpClient, RequestOptions};
use crate::progress::{CancelToken, Throttle};

pub use export::CachedPosters;
pub use library::{PosterFailure, PosterPlan, PosterSelection, PosterStatus, PruneReport};
pub use thumbs::SIZES;

/// Default size budget of the cache folder: about 4000 posters.
pub const DEFAULT_BUDGET_BYTES: u64 = 500 << 20;

/// Downloads at a time. Poster hosts are CDNs; four keeps a 2-core machine
/// busy decoding while the next downloads arrive, without hammering a host.
pub const DEFAULT_CONCURRENCY: usize = 4;

/// The cache folder.
#[derive(Debug, Clone)]
pub struct PosterCache {
    dir: PathBuf,
}

impl PosterCache {
    /// A cache in `dir` (created on first write).
    pub fn new(dir: impl Into<PathBuf>) -> Self {
        PosterCache { dir: dir.into() }
    }

    /// The app's cache folder: `<cache dir>/app.watchlog.desktop/posters`
    /// (`$XDG_CACHE_HOME/...` on Linux), shared by the app and the CLI.
    pub fn default_dir() -> Option<PathBuf> {
        dirs::cache_dir().map(|d| d.join(crate::APP_IDENTIFIER).join("posters"))
    }

    /// The cache of the library file at `library`: its own folder inside
    /// `root`, named after the library's full path, so the app and the CLI
    /// on one library share it, and pruning one library never deletes a
    /// file another library shows. (A library moved to another path starts
    /// a new folder; `posters fetch --missing` fills it.)
    pub fn of_library(root: &Path, library: &Path) -> PosterCache {
        let full = std::fs::canonicalize(library).unwrap_or_else(|_| library.to_path_buf());
        let key = blake3::hash(full.as_os_str().as_encoded_bytes()).to_hex();
        PosterCache::new(root.join(format!("library-{}", &key[..16])))
    }

    /// The folder all libraries' caches were in before each had its own:
    /// files there are read (linked into a library's folder on its first
    /// use, see [`crate::Library::adopt_shared_posters`]) but never deleted, since
    /// any library may have used them.
    pub fn shared_parent(&self) -> Option<&Path> {
        self.dir
            .file_name()
            .is_some_and(|n| n.to_string_lossy().starts_with("library-"))
            .then(|| self.dir.parent())
            .flatten()
    }

    pub fn dir(&self) -> &Path {
        &self.dir
    }

    /// The file for `hash` at `size` (whether or not it exists).
    pub fn path(&self, hash: &str, size: u32) -> PathBuf {
        self.dir.join(format!("{hash}-{size}.webp"))
    }

    /// Whether every thumbnail of `hash` is on disk.
    pub fn has(&self, hash: &str) -> bool {
        SIZES.iter().all(|&s| self.path(hash, s).is_file())
    }

    /// Resolves an opaque poster id as the UI sends it (`<hash>-<size>`) to
    /// its file. Anything that is not exactly a known hash shape and size is
    /// refused, so no id can name a path outside the folder.
    pub fn resolve(&self, id: &str) -> Option<PathBuf> {
        let (hash, size) = id.rsplit_once('-')?;
        let size: u32 = size.parse().ok()?;
        if !SIZES.contains(&size) || !is_hash(hash) {
            return None;
        }
        let p = self.path(hash, size);
        p.is_file().then_some(p)
    }

    /// Writes every thumbnail of `p`, each atomically. Existing files of the
    /// same hash are the same content and are kept.
    pub fn write(&self, p: &thumbs::Processed) -> Result<()> {
        std::fs::create_dir_all(&self.dir).map_err(|e| {
            Error::io(
                format!("cannot create the poster folder {}", self.dir.display()),
                e,
            )
        })?;
        for t in &p.thumbs {
            let target = self.path(&p.hash, t.size);
            if target.is_file() {
                continue;
            }
            let io = |e| Error::io(format!("cannot write {}", target.display()), e);
            let mut tmp = tempfile::Builder::new()
                .prefix(".tmp-")
                .tempfile_in(&self.dir)
                .map_err(io)?;
            std::io::Write::write_all(&mut tmp, &t.data).map_err(io)?;
            tmp.persist(&target).map_err(|e| io(e.error))?;
        }
        Ok(())
    }

    /// Bytes of every file in the folder (thumbnails and stray temp files).
    pub fn disk_bytes(&self) -> u64 {
        std::fs::read_dir(&self.dir)
            .map(|rd| {
                rd.filter_map(|e| e.ok()?.metadata().ok())
                    .filter(|m| m.is_file())
                    .map(|m| m.len())
                    .sum()
            })
            .unwrap_or(0)
    }
}

/// A BLAKE3 hex digest: 64 lower-case hex digits.
pub fn is_hash(s: &str) -> bool {
    s.len() == 64
        && s.bytes()
            .all(|b| b.is_ascii_digit() || (b'a'..=b'f').contains(&b))
}

/// One title's poster to fetch.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct PosterJob {
    pub title_id: i64,
    pub entry_id: i64,
    pub name: String,
    pub url: String,
    /// Hash and validators of the cached copy, for a conditional request.
    pub cached_hash: Option<String>,
    pub etag: Option<String>,
    pub last_modified: Option<String>,
}

/// What happened to one title.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "result", rename_all = "snake_case")]
pub enum PosterResult {
    /// Downloaded and cached.
    Fetched {
        hash: String,
        width: u32,
        height: u32,
        bytes: u64,
        etag: Option<String>,
        last_modified: Option<String>,
    },
    /// The server said the cached copy is current (304).
    NotModified,
    /// Failed, with the reason in a user's words.
    Failed { reason: String },
    /// Not attempted: the run was cancelled first.
    Cancelled,
}

/// A job and its result.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct PosterOutcome {
    pub job: PosterJob,
    pub result: PosterResult,
}

/// Where a run is, after each title.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct FetchProgress {
    pub done: u32,
    pub total: u32,
    pub failed: u32,
}

/// What a whole run did.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct FetchSummary {
    pub fetched: u32,
    /// Revalidated: the server said the cached copy is current.
    pub current: u32,
    pub failed: u32,
    pub cancelled: u32,
}

impl FetchSummary {
    pub fn of(outcomes: &[PosterOutcome]) -> Self {
        let mut s = FetchSummary::default();
        for o in outcomes {
            match o.result {
                PosterResult::Fetched { .. } => s.fetched += 1,
                PosterResult::NotModified => s.current += 1,
                PosterResult::Failed { .. } => s.failed += 1,
                PosterResult::Cancelled => s.cancelled += 1,
            }
        }
        s
    }
}

/// Called as each title finishes, after each title worth
/// reporting: every failure, each whole percent and the last (see
/// [`Throttle`]).
pub type ProgressFn = Arc<dyn Fn(FetchProgress, &PosterOutcome) + Send + Sync>;

/// Fetches every job with at most `concurrency` downloads at a time, writes
/// the thumbnails into `cache`, hands each title's outcome to `record` as
/// soon as it is known (so a run that is killed half-way keeps what it
/// fetched), and returns one outcome per job in the jobs' order. Decoding
/// runs on tokio's blocking pool so downloads keep flowing. A cancel
/// reports the titles not started `Cancelled` (not recorded) and drops the
/// downloads in flight, so nothing of them reaches the cache. An error from
/// `record`, or a cache folder whose disk is full, stops the run and is
/// returned; what was recorded before it stays. Must run on a tokio
/// runtime.
pub async fn fetch_all<E: From<Error>>(
    client: &HttpClient,
    cache: &PosterCache,
    jobs: Vec<PosterJob>,
    concurrency: usize,
    progress: Option<ProgressFn>,
    cancel: &CancelToken,
    mut record: impl FnMut(&PosterOutcome) -> std::result::Result<(), E>,
) -> std::result::Result<Vec<PosterOutcome>, E> {
    let total = jobs.len();
    let throttle = Throttle::new(total);
    let jobs: Arc<Vec<PosterJob>> = Arc::new(jobs);
    let next = Arc::new(AtomicUsize::new(0));
    let (tx, mut rx) = tokio::sync::mpsc::unbounded_channel::<(usize, Result<PosterResult>)>();
    let mut set = tokio::task::JoinSet::new();
    for _ in 0..concurrency.clamp(1, 16).min(total.max(1)) {
        let (client, cache, jobs, next, cancel, tx) = (
            client.clone(),
            cache.clone(),
            jobs.clone(),
            next.clone(),
            cancel.clone(),
            tx.clone(),
        );
        set.spawn(async move {
            loop {
                let i = next.fetch_add(1, Ordering::SeqCst);
                let Some(job) = jobs.get(i) else { break };
                let result = if cancel.is_cancelled() {
                    Ok(PosterResult::Cancelled)
                } else {
                    cancel
                        .race(fetch_one(&client, &cache, job))
                        .await
                        .unwrap_or(Ok(PosterResult::Cancelled))
                };
                if tx.send((i, result)).is_err() {
                    break;
                }
            }
        });
    }
    // The workers hold the only senders left: the channel ends with them.
    drop(tx);
    let mut results: Vec<Option<PosterResult>> = vec![None; total];
    let (mut done, mut failures) = (0, 0);
    let mut refused = None;
    while let Some((i, result)) = rx.recv().await {
        let result = result.unwrap_or_else(|e| {
            // Every later title would fail the same way.
            let reason = e.to_string();
            if refused.is_none() {
                refused = Some(E::from(e));
                cancel.cancel();
            }
            failed(reason)
        });
        let outcome = PosterOutcome {
            job: jobs[i].clone(),
            result,
        };
        done += 1;
        let is_failure = matches!(outcome.result, PosterResult::Failed { .. });
        failures += usize::from(is_failure);
        if refused.is_none() && outcome.result != PosterResult::Cancelled {
            if let Err(e) = record(&outcome) {
                refused = Some(e);
                cancel.cancel();
            }
        }
        if let Some(cb) = progress
            .as_ref()
            .filter(|_| is_failure || throttle.due(done))
        {
            let p = FetchProgress {
                done: done as u32,
                total: total as u32,
                failed: failures as u32,
            };
            cb(p, &outcome);
        }
        results[i] = Some(outcome.result);
    }
    while set.join_next().await.is_some() {}
    if let Some(e) = refused {
        return Err(e);
    }
    Ok(jobs
        .iter()
        .cloned()
        .zip(results)
        .map(|(job, r)| PosterOutcome {
            job,
            result: r.unwrap_or(PosterResult::Cancelled),
        })
        .collect())
}

/// Blocking wrapper for callers without a runtime (the CLI): a small
/// current-thread runtime, the same code as the app's. `record` runs on
/// the calling thread, so it may hold the library.
pub fn fetch_all_blocking(
    client: &HttpClient,
    cache: &PosterCache,
    jobs: Vec<PosterJob>,
    concurrency: usize,
    progress: Option<ProgressFn>,
    cancel: &CancelToken,
    record: impl FnMut(&PosterOutcome) -> Result<()>,
) -> Result<Vec<PosterOutcome>> {
    let rt = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .map_err(|e| Error::io("cannot start the download runtime", e))?;
    rt.block_on(fetch_all(
        client,
        cache,
        jobs,
        concurrency,
        progress,
        cancel,
        record,
    ))
}

/// One title's result; an error only when the run cannot go on (the cache's
/// disk is full).
async fn fetch_one(
    client: &HttpClient,
    cache: &PosterCache,
    job: &PosterJob,
) -> Result<PosterResult> {
    let cached = job.cached_hash.as_deref().filter(|h| cache.has(h));
    let cond = Conditional {
        accept: Some("image/webp,image/png,image/jpeg;q=0.9,*/*;q=0.5"),
        etag: cached.and(job.etag.as_deref()),
        last_modified: cached.and(job.last_modified.as_deref()),
    };
    let opts = RequestOptions {
        service: "the poster's server",
        ..Default::default()
    };
    let resp = match client.get_conditional(&job.url, opts, cond).await {
        Ok(r) => r,
        Err(e) => return Ok(failed(e.to_string())),
    };
    if resp.status == 304 && cached.is_some() {
        return Ok(PosterResult::NotModified);
    }
    if !resp.is_success() {
        return Ok(failed(match resp.status {
            404 | 410 => "the poster's server has no image at this address (HTTP 404)".into(),
            401 | 403 => format!(
                "the poster's server refused to send the image (HTTP {})",
                resp.status
            ),
            s => format!("the poster's server answered with an error (HTTP {s})"),
        }));
    }
    let (etag, last_modified) = (resp.etag.clone(), resp.last_modified.clone());
    let cache = cache.clone();
    let work = tokio::task::spawn_blocking(move || -> Result<thumbs::Processed> {
        let p = thumbs::process(&resp.body)?;
        cache.write(&p)?;
        Ok(p)
    });
    Ok(match work.await {
        Ok(Ok(p)) => PosterResult::Fetched {
            bytes: p.bytes(),
            hash: p.hash,
            width: p.width,
            height: p.height,
            etag,
            last_modified,
        },
        Ok(Err(Error::Io { source, .. })) if source.kind() == std::io::ErrorKind::StorageFull => {
            return Err(Error::io(
                "the disk is full, so the poster cache cannot grow (the posters cached \
                 before are kept); free some space and fetch the missing ones again",
                source,
            ))
        }
        Ok(Err(e)) => failed(e.to_string()),
        Err(_) => failed("the poster image crashed the decoder; it was refused".into()),
    })
}

fn failed(reason: String) -> PosterResult {
    PosterResult::Failed { reason }
}
