//! What the poster pipeline asks of the library: which titles need a
//! poster, recording what each fetch gave, the cache's size, and
//! least-recently-used pruning to a budget. The decisions are made here;
//! the `posters` table's SQL is in `store::posters`.

use std::collections::HashMap;

use chrono::Utc;
use serde::{Deserialize, Serialize};

use super::{PosterCache, PosterJob, PosterOutcome, PosterResult, SIZES};
use crate::error::{Error, Result};
use crate::store::posters::FetchedPoster;
use crate::Library;

/// Which titles a fetch covers.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum PosterSelection {
    /// These entries (by entry id), cached or not: a refresh revalidates.
    Entries(Vec<i64>),
    /// Every title with a poster address; cached ones are revalidated.
    All,
    /// Titles with a poster address and no cached poster (never fetched,
    /// failed, pruned, or the address changed).
    Missing,
}

/// The jobs for a selection, and the entries asked for that cannot have one.
#[derive(Debug, Clone, Default)]
pub struct PosterPlan {
    pub jobs: Vec<PosterJob>,
    /// Entry id and why it was skipped.
    pub skipped: Vec<(i64, String)>,
}

/// One title whose last fetch failed.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct PosterFailure {
    pub entry_id: i64,
    pub name: String,
    pub reason: String,
}

/// The cache at a glance (`watchlog posters status`, the Settings section).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct PosterStatus {
    /// Titles that have a poster address.
    pub with_address: u32,
    /// Of those, with a cached poster.
    pub cached: u32,
    /// Of those, whose last fetch failed.
    pub failed: u32,
    /// Of those, never fetched (or pruned, or the address changed).
    pub missing: u32,
    /// Bytes of the cached thumbnails, each shared file counted once.
    #[cfg_attr(feature = "ts", ts(type = "number"))]
    pub bytes: u64,
    pub failures: Vec<PosterFailure>,
}

/// What a prune removed.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct PruneReport {
    pub removed_posters: u32,
    #[cfg_attr(feature = "ts", ts(type = "number"))]
    pub freed_bytes: u64,
    #[cfg_attr(feature = "ts", ts(type = "number"))]
    pub kept_bytes: u64,
}

impl Library {
    /// Links the posters this library refers to from the folder all
    /// libraries shared before each had its own (hard links, copies where
    /// the file system has none), once, when the library's folder does not
    /// exist yet. What cannot be linked is simply fetched again later.
    pub fn adopt_shared_posters(&self, cache: &PosterCache) -> Result<()> {
        let Some(shared) = cache.shared_parent() else {
            return Ok(());
        };
        if cache.dir().exists() {
            return Ok(());
        }
        let hashes = self.cached_posters_by_last_use()?;
        let had = |h: &String| {
            SIZES
                .iter()
                .all(|&s| shared.join(format!("{h}-{s}.webp")).is_file())
        };
        let hashes: Vec<&String> = hashes.iter().filter(|h| had(h)).collect();
        if hashes.is_empty() {
            return Ok(());
        }
        // Linked into a temp folder renamed at the end, so a kill half-way
        // leaves no folder and the next start links again.
        let staging = cache.dir().with_extension("adopting");
        let _ = std::fs::remove_dir_all(&staging);
        let io = |e| {
            Error::io(
                format!("cannot create the poster folder {}", staging.display()),
                e,
            )
        };
        std::fs::create_dir_all(&staging).map_err(io)?;
        for h in hashes {
            for &s in &SIZES {
                let name = format!("{h}-{s}.webp");
                let (from, to) = (shared.join(&name), staging.join(&name));
                if std::fs::hard_link(&from, &to).is_err() {
                    std::fs::copy(&from, &to).map_err(io)?;
                }
            }
        }
        std::fs::rename(&staging, cache.dir()).map_err(io)?;
        Ok(())
    }

    /// The jobs for `sel`. Only reads.
    pub fn poster_plan(&self, sel: &PosterSelection, cache: &PosterCache) -> Result<PosterPlan> {
        let rows = self.poster_rows()?;
        let mut plan = PosterPlan::default();
        let wanted: Option<Vec<i64>> = match sel {
            PosterSelection::Entries(ids) => Some(ids.clone()),
            _ => None,
        };
        if let Some(ids) = &wanted {
            for id in ids {
                if !rows.iter().any(|r| r.entry_id == *id) {
                    return Err(Error::NotFound {
                        what: "entry",
                        id: *id,
                    });
                }
            }
        }
        for row in rows {
            if let Some(ids) = &wanted {
                if !ids.contains(&row.entry_id) {
                    continue;
                }
            }
            let Some(url) = row.url.filter(|u| !u.trim().is_empty()) else {
                if wanted.is_some() {
                    plan.skipped
                        .push((row.entry_id, format!("{} has no poster address", row.name)));
                }
                continue;
            };
            // A cached poster from another address does not count.
            let same_source = row.source_url.as_deref() == Some(url.as_str());
            let cached_hash = row.hash.filter(|h| same_source && cache.has(h));
            if *sel == PosterSelection::Missing && cached_hash.is_some() {
                continue;
            }
            plan.jobs.push(PosterJob {
                title_id: row.title_id,
                entry_id: row.entry_id,
                name: row.name,
                url,
                etag: cached_hash.as_ref().and(row.etag),
                last_modified: cached_hash.as_ref().and(row.last_modified),
                cached_hash,
            });
        }
        Ok(plan)
    }

    /// Records one outcome. A failure keeps an earlier cached poster of the
    /// same address (a refresh that fails offline must not lose it).
    pub fn record_poster(&self, o: &PosterOutcome) -> Result<()> {
        let now = Utc::now();
        let j = &o.job;
        // The title may have been deleted while its poster downloaded.
        if !self.title_exists(j.title_id)? {
            return Ok(());
        }
        match &o.result {
            PosterResult::Fetched {
                hash,
                width,
                height,
                bytes,
                etag,
                last_modified,
            } => {
                let sizes = SIZES.map(|s| s.to_string()).join(",");
                let fetched = FetchedPoster {
                    title_id: j.title_id,
                    url: &j.url,
                    hash,
                    width: *width,
                    height: *height,
                    sizes: &sizes,
                    bytes: *bytes,
                    etag: etag.as_deref(),
                    last_modified: last_modified.as_deref(),
                };
                self.poster_fetched(&fetched, now)
            }
            PosterResult::NotModified => self.poster_not_modified(j.title_id, now),
            PosterResult::Failed { reason } => self.poster_failed(j.title_id, &j.url, reason, now),
            PosterResult::Cancelled => Ok(()),
        }
    }

    /// Counts and failures.
    pub fn poster_status(&self, cache: &PosterCache) -> Result<PosterStatus> {
        let mut s = PosterStatus {
            with_address: 0,
            cached: 0,
            failed: 0,
            missing: 0,
            bytes: 0,
            failures: Vec::new(),
        };
        let mut seen = HashMap::new();
        for row in self.poster_rows_with_address()? {
            s.with_address += 1;
            let same = row.source_url.is_some() && row.source_url == row.url;
            match (row.hash.filter(|h| same && cache.has(h)), row.error) {
                (Some(h), _) => {
                    s.cached += 1;
                    seen.insert(h, row.bytes.unwrap_or(0).max(0) as u64);
                }
                (None, Some(reason)) if same => {
                    s.failed += 1;
                    s.failures.push(PosterFailure {
                        entry_id: row.entry_id,
                        name: row.name,
                        reason,
                    });
                }
                _ => s.missing += 1,
            }
        }
        s.bytes = seen.values().sum();
        Ok(s)
    }

    /// Shrinks the cache to `max_bytes`: removes files no row refers to
    /// (and temp files a crash left), then whole posters, least recently
    /// used first. Pruned titles become "missing" and are fetched again
    /// when asked.
    pub fn prune_posters(&self, cache: &PosterCache, max_bytes: u64) -> Result<PruneReport> {
        let posters = self.cached_posters_by_last_use()?;
        let mut report = PruneReport::default();
        // Stray files first: they hold space and nothing shows them.
        if let Ok(rd) = std::fs::read_dir(cache.dir()) {
            for e in rd.flatten() {
                let name = e.file_name().to_string_lossy().into_owned();
                let known = name
                    .strip_suffix(".webp")
                    .and_then(|s| s.rsplit_once('-'))
                    .is_some_and(|(h, _)| posters.iter().any(|p| p == h));
                if !known {
                    let len = e.metadata().map(|m| m.len()).unwrap_or(0);
                    if e.metadata().is_ok_and(|m| m.is_file())
                        && std::fs::remove_file(e.path()).is_ok()
                    {
                        report.freed_bytes += len;
                    }
                }
            }
        }
        let on_disk = |h: &str| -> u64 {
            SIZES
                .iter()
                .filter_map(|&s| std::fs::metadata(cache.path(h, s)).ok())
                .map(|m| m.len())
                .sum()
        };
        let mut sizes: Vec<(String, u64)> =
            posters.iter().map(|h| (h.clone(), on_disk(h))).collect();
        let mut total: u64 = sizes.iter().map(|s| s.1).sum();
        let mut evicted = Vec::new();
        for (hash, size) in sizes.iter_mut() {
            if total <= max_bytes {
                break;
            }
            for &s in &SIZES {
                let _ = std::fs::remove_file(cache.path(hash, s));
            }
            total -= *size;
            report.freed_bytes += *size;
            report.removed_posters += 1;
            evicted.push(hash.clone());
        }
        self.forget_posters(&evicted)?;
        report.kept_bytes = total;
        Ok(report)
    }
}
