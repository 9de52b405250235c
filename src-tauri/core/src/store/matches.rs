//! Entries waiting for a catalogue match (imported rows with no TVmaze or
//! TMDB id): the *Needs a match* list, how each try ended, and attaching
//! the show a match found. Films are left out: the catalogues Watchlog
//! reads list shows.

use chrono::Utc;
use rusqlite::{params, OptionalExtension};

use super::history::{parse_stamp, stamp};
use super::Library;
use crate::catalog::{Details, MatchState, SearchResult, Unmatched};
use crate::error::{Error, Result};
use crate::model::Entry;

/// Shows whose title holds neither a TVmaze nor a TMDB id.
const UNMATCHED: &str = "
    FROM entries e JOIN titles t ON t.id = e.title_id
    LEFT JOIN match_state m ON m.entry_id = e.id
    WHERE t.kind <> 'film' AND NOT EXISTS (
        SELECT 1 FROM external_ids x
        WHERE x.title_id = t.id AND x.provider IN ('tvmaze', 'tmdb'))";

impl Library {
    /// The shows with no catalogue id: waiting first, then those that need
    /// the viewer (ambiguous), those nothing was found for, and the ones
    /// kept as they are; by name within each.
    pub fn unmatched(&self) -> Result<Vec<Unmatched>> {
        let mut stmt = self.conn.prepare_cached(&format!(
            "SELECT e.id, t.name, t.year, t.kind, m.state, m.candidates, m.note, m.tried_at
             {UNMATCHED}
             ORDER BY CASE coalesce(m.state, 'waiting')
                 WHEN 'waiting' THEN 0 WHEN 'ambiguous' THEN 1 WHEN 'not_found' THEN 2 ELSE 3 END,
                 t.sort_name, e.id"
        ))?;
        let rows = stmt.query_map([], |r| {
            let state = match r.get::<_, Option<String>>(4)?.as_deref() {
                Some("ambiguous") => MatchState::Ambiguous,
                Some("not_found") => MatchState::NotFound,
                Some("kept") => MatchState::Kept,
                _ => MatchState::Waiting,
            };
            let candidates: Vec<SearchResult> = r
                .get::<_, Option<String>>(5)?
                .and_then(|c| serde_json::from_str(&c).ok())
                .unwrap_or_default();
            Ok(Unmatched {
                entry_id: r.get(0)?,
                title: r.get(1)?,
                year: r.get(2)?,
                kind: super::entries::word(r, 3)?,
                state,
                candidates,
                note: r.get(6)?,
                tried_at: parse_stamp(r.get(7)?),
            })
        })?;
        Ok(rows.collect::<rusqlite::Result<_>>()?)
    }

    /// Whether the entry is a show still without a catalogue id.
    pub fn is_unmatched(&self, entry_id: i64) -> Result<bool> {
        Ok(self
            .conn
            .query_row(
                &format!("SELECT 1 {UNMATCHED} AND e.id = ?1"),
                [entry_id],
                |_| Ok(()),
            )
            .optional()?
            .is_some())
    }

    /// Records how a try to match the entry ended (ambiguous with its
    /// candidates, or nothing found), so the next run does not ask again.
    pub fn record_match(
        &mut self,
        entry_id: i64,
        state: MatchState,
        candidates: &[SearchResult],
        note: Option<&str>,
    ) -> Result<()> {
        self.entry(entry_id)?;
        let candidates = (!candidates.is_empty())
            .then(|| serde_json::to_string(candidates))
            .transpose()
            .map_err(|e| Error::invalid(format!("the candidates could not be kept: {e}")))?;
        let state = match state {
            MatchState::Waiting => {
                self.conn
                    .execute("DELETE FROM match_state WHERE entry_id = ?1", [entry_id])?;
                return Ok(());
            }
            other => other.as_str(),
        };
        self.conn.execute(
            "INSERT INTO match_state (entry_id, state, candidates, note, tried_at)
             VALUES (?1, ?2, ?3, ?4, ?5)
             ON CONFLICT (entry_id) DO UPDATE SET state = excluded.state,
                 candidates = excluded.candidates, note = excluded.note,
                 tried_at = excluded.tried_at",
            params![entry_id, state, candidates, note, stamp(Utc::now())],
        )?;
        Ok(())
    }

    /// Gives an unmatched entry the show a match found: its facts, ids,
    /// episode list and poster, as a refresh would (the viewer's own fields
    /// are never touched), and takes it off the *Needs a match* list.
    pub fn attach_match(&mut self, entry_id: i64, details: &Details) -> Result<Entry> {
        let entry = self.refresh_title(entry_id, details)?;
        self.conn
            .execute("DELETE FROM match_state WHERE entry_id = ?1", [entry_id])?;
        Ok(entry)
    }
}
