//! The `posters` table's SQL: the rows a fetch plan and the cache status
//! are worked out from, what each fetch gave, and forgetting pruned files.
//! The decisions (which titles to fetch, what counts as cached, what to
//! prune) are the `posters` module's; this file only reads and writes rows.

use chrono::{DateTime, Utc};
use rusqlite::{params, OptionalExtension};

use super::Library;
use crate::error::Result;

/// One entry's title, its poster address and what the cache last recorded
/// for it (all `None` when it was never fetched).
pub(crate) struct PosterRow {
    pub title_id: i64,
    pub entry_id: i64,
    pub name: String,
    pub url: Option<String>,
    pub source_url: Option<String>,
    pub hash: Option<String>,
    pub etag: Option<String>,
    pub last_modified: Option<String>,
    pub error: Option<String>,
    pub bytes: Option<i64>,
}

/// What a successful download stores.
pub(crate) struct FetchedPoster<'a> {
    pub title_id: i64,
    pub url: &'a str,
    pub hash: &'a str,
    pub width: u32,
    pub height: u32,
    /// The thumbnail widths written, comma-separated.
    pub sizes: &'a str,
    pub bytes: u64,
    pub etag: Option<&'a str>,
    pub last_modified: Option<&'a str>,
}

impl Library {
    /// Every entry with its poster row, in entry id order.
    pub(crate) fn poster_rows(&self) -> Result<Vec<PosterRow>> {
        self.poster_rows_where("ORDER BY e.id")
    }

    /// The entries that have a poster address, with their poster rows, in
    /// title order.
    pub(crate) fn poster_rows_with_address(&self) -> Result<Vec<PosterRow>> {
        self.poster_rows_where(
            "WHERE t.poster_url IS NOT NULL AND trim(t.poster_url) <> '' ORDER BY t.sort_name",
        )
    }

    fn poster_rows_where(&self, tail: &str) -> Result<Vec<PosterRow>> {
        let mut stmt = self.conn.prepare_cached(&format!(
            "SELECT t.id, e.id, t.name, t.poster_url, p.source_url, p.hash, p.etag,
                    p.last_modified, p.error, p.bytes
             FROM entries e JOIN titles t ON t.id = e.title_id
             LEFT JOIN posters p ON p.title_id = t.id
             {tail}"
        ))?;
        let rows = stmt.query_map([], |r| {
            Ok(PosterRow {
                title_id: r.get(0)?,
                entry_id: r.get(1)?,
                name: r.get(2)?,
                url: r.get(3)?,
                source_url: r.get(4)?,
                hash: r.get(5)?,
                etag: r.get(6)?,
                last_modified: r.get(7)?,
                error: r.get(8)?,
                bytes: r.get(9)?,
            })
        })?;
        Ok(rows.collect::<rusqlite::Result<_>>()?)
    }

    /// Whether the title still exists (it may be deleted while its poster
    /// downloads).
    pub(crate) fn title_exists(&self, title_id: i64) -> Result<bool> {
        Ok(self.conn.query_row(
            "SELECT EXISTS (SELECT 1 FROM titles WHERE id = ?1)",
            [title_id],
            |r| r.get(0),
        )?)
    }

    /// Records a download: the new hash, sizes and validators, no error.
    pub(crate) fn poster_fetched(&self, p: &FetchedPoster, now: DateTime<Utc>) -> Result<()> {
        self.conn.execute(
            "INSERT INTO posters (title_id, source_url, hash, width, height, sizes, bytes,
                 fetched_at, last_used_at, etag, last_modified, error, attempted_at)
             VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?8, ?9, ?10, NULL, ?8)
             ON CONFLICT (title_id) DO UPDATE SET source_url = ?2, hash = ?3, width = ?4,
                 height = ?5, sizes = ?6, bytes = ?7, fetched_at = ?8, last_used_at = ?8,
                 etag = ?9, last_modified = ?10, error = NULL, attempted_at = ?8",
            params![
                p.title_id,
                p.url,
                p.hash,
                p.width,
                p.height,
                p.sizes,
                p.bytes as i64,
                now,
                p.etag,
                p.last_modified
            ],
        )?;
        Ok(())
    }

    /// Records that the cached copy is still current (a 304).
    pub(crate) fn poster_not_modified(&self, title_id: i64, now: DateTime<Utc>) -> Result<()> {
        self.conn.execute(
            "UPDATE posters SET fetched_at = ?2, attempted_at = ?2, error = NULL
             WHERE title_id = ?1",
            params![title_id, now],
        )?;
        Ok(())
    }

    /// Records a failed fetch of `url`. A cached copy of the same address
    /// is kept; one of another address is forgotten.
    pub(crate) fn poster_failed(
        &self,
        title_id: i64,
        url: &str,
        reason: &str,
        now: DateTime<Utc>,
    ) -> Result<()> {
        self.conn.execute(
            "INSERT INTO posters (title_id, source_url, error, attempted_at)
             VALUES (?1, ?2, ?3, ?4)
             ON CONFLICT (title_id) DO UPDATE SET error = ?3, attempted_at = ?4,
                 hash = CASE WHEN source_url = ?2 THEN hash END,
                 source_url = ?2",
            params![title_id, url, reason, now],
        )?;
        Ok(())
    }

    /// The opaque id (content hash) of the cached poster of an entry.
    pub fn poster_id(&self, entry_id: i64) -> Result<Option<String>> {
        Ok(self
            .conn
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
        self.conn.execute(
            "UPDATE posters SET last_used_at = ?2 WHERE hash = ?1",
            params![hash, Utc::now()],
        )?;
        Ok(())
    }

    /// When the poster of `entry_id` was last fetched, if ever.
    pub fn poster_fetched_at(&self, entry_id: i64) -> Result<Option<DateTime<Utc>>> {
        Ok(self
            .conn
            .query_row(
                "SELECT p.fetched_at FROM entries e JOIN posters p ON p.title_id = e.title_id
                 WHERE e.id = ?1",
                [entry_id],
                |r| r.get(0),
            )
            .optional()?
            .flatten())
    }

    /// The hash of each cached file, least recently shown first.
    pub(crate) fn cached_posters_by_last_use(&self) -> Result<Vec<String>> {
        let mut stmt = self.conn.prepare(
            "SELECT hash FROM posters WHERE hash IS NOT NULL GROUP BY hash
             ORDER BY max(coalesce(last_used_at, fetched_at, '')) ASC, hash",
        )?;
        let rows = stmt.query_map([], |r| r.get(0))?;
        Ok(rows.collect::<rusqlite::Result<_>>()?)
    }

    /// Forgets pruned files, in one transaction: their titles become
    /// "missing" and are fetched again when asked.
    pub(crate) fn forget_posters(&self, hashes: &[String]) -> Result<()> {
        let tx = self.conn.unchecked_transaction()?;
        for h in hashes {
            tx.execute(
                "UPDATE posters SET hash = NULL, bytes = 0, etag = NULL, last_modified = NULL
                 WHERE hash = ?1",
                [h],
            )?;
        }
        tx.commit()?;
        Ok(())
    }
}
