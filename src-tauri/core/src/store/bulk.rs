//! Writing many prepared entries at once with their own added dates and
//! rewatches: what the sample-library generator needs to build a library
//! that looks like years of use, in one transaction.

use chrono::{DateTime, Utc};
use rusqlite::params;

use super::entries::{insert_entry, resolve_platform, today};
use super::Library;
use crate::error::Result;
use crate::model::{NewEntry, ViewingDetails};

/// An entry to add as if it had been added at `added_at`.
#[derive(Debug, Clone, PartialEq)]
pub struct Dated {
    pub entry: NewEntry,
    pub added_at: DateTime<Utc>,
    pub viewings: Vec<ViewingDetails>,
}

impl Library {
    /// Adds every entry, all of them or none, through the same checks and
    /// search indexing as `add_entry`, then backdates each. Returns the ids.
    pub fn add_dated_entries(&mut self, items: &[Dated]) -> Result<Vec<i64>> {
        let today = today();
        let tx = self.conn.transaction()?;
        let mut ids = Vec::with_capacity(items.len());
        for item in items {
            let id = insert_entry(&tx, &item.entry, today)?;
            tx.prepare_cached("UPDATE entries SET added_at = ?2, updated_at = ?2 WHERE id = ?1")?
                .execute(params![id, item.added_at])?;
            for v in &item.viewings {
                let platform = resolve_platform(&tx, v.platform.as_deref())?;
                tx.prepare_cached(
                    "INSERT INTO viewings (entry_id, started_on, finished_on, platform_id, progress)
                     VALUES (?1, ?2, ?3, ?4, ?5)",
                )?
                .execute(params![id, v.started_on, v.finished_on, platform, v.progress])?;
            }
            ids.push(id);
        }
        tx.commit()?;
        // Fresh statistics let the query planner pick the filter and sort
        // indexes on a large library.
        // analysis_limit samples each index rather than reading it whole.
        self.conn
            .execute_batch("PRAGMA analysis_limit = 1000; ANALYZE;")?;
        Ok(ids)
    }
}
