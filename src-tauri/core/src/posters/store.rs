//! The `posters` table: which titles need a poster, what each fetch gave,
//! the cache's size, and least-recently-used pruning to a budget.

use std::collections::HashMap;

use chrono::{DateTime, Utc};
use rusqlite::{params, OptionalExtension};
use serde::{Deserialize, Serialize};

use super::{PosterCache, PosterJob, PosterOutcome, PosterResult, SIZES};
use crate::error::{Error, Result};
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
    /// The jobs for `sel`. Only reads.
    pub fn poster_plan(&self, sel: &PosterSelection, cache: &PosterCache) -> Result<PosterPlan> {
        let conn = self.connection();
        let mut stmt = conn.prepare_cached(
            "SELECT t.id, e.id, t.name, t.poster_url, p.source_url, p.hash, p.etag, p.last_modified
             FROM entries e JOIN titles t ON t.id = e.title_id
             LEFT JOIN posters p ON p.title_id = t.id
             ORDER BY e.id",
        )?;
        type Row = (
            i64,
            i64,
            String,
            Option<String>,
            Option<String>,
            Option<String>,
            Option<String>,
            Option<String>,
        );
        let rows: Vec<Row> = stmt
            .query_map([], |r| {
                Ok((
                    r.get(0)?,
                    r.get(1)?,
                    r.get(2)?,
                    r.get(3)?,
                    r.get(4)?,
                    r.get(5)?,
                    r.get(6)?,
                    r.get(7)?,
                ))
            })?
            .collect::<rusqlite::Result<_>>()?;
        let mut plan = PosterPlan::default();
        let wanted: Option<Vec<i64>> = match sel {
            PosterSelection::Entries(ids) => Some(ids.clone()),
            _ => None,
        };
        if let Some(ids) = &wanted {
            for id in ids {
                if !rows.iter().any(|r| r.1 == *id) {
                    return Err(Error::NotFound {
                        what: "entry",
                        id: *id,
                    });
                }
            }
        }
        for (title_id, entry_id, name, url, source, hash, etag, last_modified) in rows {
            if let Some(ids) = &wanted {
                if !ids.contains(&entry_id) {
                    continue;
                }
            }
            let Some(url) = url.filter(|u| !u.trim().is_empty()) else {
                if wanted.is_some() {
                    plan.skipped
                        .push((entry_id, format!("{name} has no poster address")));
                }
                continue;
            };
            // A cached poster from another address does not count.
            let same_source = source.as_deref() == Some(url.as_str());
            let cached_hash = hash.filter(|h| same_source && cache.has(h));
            if *sel == PosterSelection::Missing && cached_hash.is_some() {
                continue;
            }
            plan.jobs.push(PosterJob {
                title_id,
                entry_id,
                name,
                url,
                etag: cached_hash.as_ref().and(etag),
                last_modified: cached_hash.as_ref().and(last_modified),
                cached_hash,
            });
        }
        Ok(plan)
    }

    /// Records one outcome. A failure keeps an earlier cached poster of the
    /// same address (a refresh that fails offline must not lose it).
    pub fn record_poster(&self, o: &PosterOutcome) -> Result<()> {
        let now = Utc::now();
        let conn = self.connection();
        let j = &o.job;
        // The title may have been deleted while its poster downloaded.
        let exists: Option<i64> = conn
            .query_row("SELECT id FROM titles WHERE id = ?1", [j.title_id], |r| {
                r.get(0)
            })
            .optional()?;
        if exists.is_none() {
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
                conn.execute(
                    "INSERT INTO posters (title_id, source_url, hash, width, height, sizes, bytes,
                         fetched_at, last_used_at, etag, last_modified, error, attempted_at)
                     VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?8, ?9, ?10, NULL, ?8)
                     ON CONFLICT (title_id) DO UPDATE SET source_url = ?2, hash = ?3, width = ?4,
                         height = ?5, sizes = ?6, bytes = ?7, fetched_at = ?8, last_used_at = ?8,
                         etag = ?9, last_modified = ?10, error = NULL, attempted_at = ?8",
                    params![
                        j.title_id,
                        j.url,
                        hash,
                        width,
                        height,
                        sizes,
                        *bytes as i64,
                        now,
                        etag,
                        last_modified
                    ],
                )?;
            }
            PosterResult::NotModified => {
                conn.execute(
                    "UPDATE posters SET fetched_at = ?2, attempted_at = ?2, error = NULL
                     WHERE title_id = ?1",
                    params![j.title_id, now],
                )?;
            }
            PosterResult::Failed { reason } => {
                conn.execute(
                    "INSERT INTO posters (title_id, source_url, error, attempted_at)
                     VALUES (?1, ?2, ?3, ?4)
                     ON CONFLICT (title_id) DO UPDATE SET error = ?3, attempted_at = ?4,
                         hash = CASE WHEN source_url = ?2 THEN hash END,
                         source_url = ?2",
                    params![j.title_id, j.url, reason, now],
                )?;
            }
            PosterResult::Cancelled => {}
        }
        Ok(())
    }

    /// The opaque id (content hash) of the cached poster of an entry.
    pub fn poster_id(&self, entry_id: i64) -> Result<Option<String>> {
        Ok(self
            .connection()
            .query_row(
                "SELECT p.hash FROM entries e JOIN posters p ON p.title_id = e.title_id
                 JOIN titles t ON t.id = e.title_id
                 WHERE e.id = ?1 AND p.source_url = t.poster_url",
                [entry_id],
                |r| r.get(0),
            )
            .optional()?
            .flatten())
    }

    /// Marks a poster as just shown, for least-recently-used pruning.
    pub fn touch_poster(&self, hash: &str) -> Result<()> {
        self.connection().execute(
            "UPDATE posters SET last_used_at = ?2 WHERE hash = ?1",
            params![hash, Utc::now()],
        )?;
        Ok(())
    }

    /// Counts and failures.
    pub fn poster_status(&self, cache: &PosterCache) -> Result<PosterStatus> {
        let conn = self.connection();
        let mut stmt = conn.prepare(
            "SELECT e.id, t.name, t.poster_url, p.source_url, p.hash, p.error, p.bytes
             FROM entries e JOIN titles t ON t.id = e.title_id
             LEFT JOIN posters p ON p.title_id = t.id
             WHERE t.poster_url IS NOT NULL AND trim(t.poster_url) <> ''
             ORDER BY t.sort_name",
        )?;
        let mut s = PosterStatus {
            with_address: 0,
            cached: 0,
            failed: 0,
            missing: 0,
            bytes: 0,
            failures: Vec::new(),
        };
        let mut seen = HashMap::new();
        let rows = stmt.query_map([], |r| {
            Ok((
                r.get::<_, i64>(0)?,
                r.get::<_, String>(1)?,
                r.get::<_, String>(2)?,
                r.get::<_, Option<String>>(3)?,
                r.get::<_, Option<String>>(4)?,
                r.get::<_, Option<String>>(5)?,
                r.get::<_, Option<i64>>(6)?,
            ))
        })?;
        for row in rows {
            let (entry_id, name, url, source, hash, error, bytes) = row?;
            s.with_address += 1;
            let same = source.as_deref() == Some(url.as_str());
            match (hash.filter(|h| same && cache.has(h)), error) {
                (Some(h), _) => {
                    s.cached += 1;
                    seen.insert(h, bytes.unwrap_or(0).max(0) as u64);
                }
                (None, Some(reason)) if same => {
                    s.failed += 1;
                    s.failures.push(PosterFailure {
                        entry_id,
                        name,
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
        let conn = self.connection();
        let mut stmt = conn.prepare(
            "SELECT hash, max(bytes), max(coalesce(last_used_at, fetched_at, ''))
             FROM posters WHERE hash IS NOT NULL GROUP BY hash
             ORDER BY 3 ASC, hash",
        )?;
        let posters: Vec<(String, i64, String)> = stmt
            .query_map([], |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)))?
            .collect::<rusqlite::Result<_>>()?;
        let mut report = PruneReport::default();
        // Stray files first: they hold space and nothing shows them.
        if let Ok(rd) = std::fs::read_dir(cache.dir()) {
            for e in rd.flatten() {
                let name = e.file_name().to_string_lossy().into_owned();
                let known = name
                    .strip_suffix(".webp")
                    .and_then(|s| s.rsplit_once('-'))
                    .is_some_and(|(h, _)| posters.iter().any(|p| p.0 == h));
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
        let mut sizes: Vec<(String, u64)> = posters
            .iter()
            .map(|(h, _, _)| (h.clone(), on_disk(h)))
            .collect();
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
        let tx = conn.unchecked_transaction()?;
        for h in &evicted {
            tx.execute(
                "UPDATE posters SET hash = NULL, bytes = 0, etag = NULL, last_modified = NULL
                 WHERE hash = ?1",
                [h],
            )?;
        }
        tx.commit()?;
        report.kept_bytes = total;
        Ok(report)
    }

    /// When the poster of `entry_id` was last fetched, if ever.
    pub fn poster_fetched_at(&self, entry_id: i64) -> Result<Option<DateTime<Utc>>> {
        Ok(self
            .connection()
            .query_row(
                "SELECT p.fetched_at FROM entries e JOIN posters p ON p.title_id = e.title_id
                 WHERE e.id = ?1",
                [entry_id],
                |r| r.get(0),
            )
            .optional()?
            .flatten())
    }
}
