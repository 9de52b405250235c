//! Taking a change back. A change that can be undone (a delete, a bulk
//! change) runs with an SQLite session recording every row it writes in
//! the library's tables, foreign-key cascades included; the inverse of
//! that changeset is kept in memory, in a short stack on the `Library`,
//! and applying it restores those rows exactly as they were.
//!
//! Memory rather than a table: an undo is offered only while its toast
//! shows, so a step need not outlive the open library, and a changeset
//! kept in the file would be one more thing for backups, exports and
//! migrations to carry.
//!
//! The search indexes are left out of the session: they are derived rows
//! the store writes by hand, so after an undo the entries the step touched
//! are indexed again instead.

use std::collections::VecDeque;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex};

use rusqlite::session::{invert_strm, ConflictAction, ConflictType, Session};
use rusqlite::Transaction;

use super::{search, Library};
use crate::error::{Error, Result, UndoRefusal};
use crate::model::UndoStep;

/// How many steps a library keeps; older ones can no longer be undone.
const KEPT: usize = 20;

/// How many taken-back ids are remembered, to say "already undone" rather
/// than "no longer" for a second press.
const KEPT_UNDONE: usize = 200;

/// Step ids are unique in the process, so a toast left from a library
/// closed and opened again can never undo a newer step by its number.
static NEXT_ID: AtomicU64 = AtomicU64::new(1);

/// One change and what reverses it.
struct Kept {
    step: UndoStep,
    /// Who the step is about in a refusal ("“Move to Heaven”").
    subject: String,
    /// The inverted changeset.
    inverse: Vec<u8>,
    /// The entries whose search rows follow the rows restored.
    entries: Vec<i64>,
}

/// The steps that can still be undone, newest last.
#[derive(Default)]
pub(super) struct UndoStack {
    kept: VecDeque<Kept>,
    undone: VecDeque<u64>,
}

/// What a recorded change is called and what it touched.
pub(super) struct Described {
    pub label: String,
    pub subject: String,
    pub entries: Vec<i64>,
}

/// Whether the session records a table: the library's own tables, not the
/// search indexes (each FTS5 table and its shadow tables), the counts its
/// triggers keep (applying the inverse fires them again) nor SQLite's.
fn recorded(table: &str) -> bool {
    !(table.starts_with(search::GRAMS)
        || table.starts_with("tally")
        || table.starts_with(search::WORDS)
        || table.starts_with("sqlite_")
        || table.starts_with("sync_"))
}

impl Library {
    /// Runs `change` in one write transaction, recording what it writes;
    /// `describe` names the step from the change's result. Nothing is kept
    /// when the change fails (its transaction is rolled back).
    pub(super) fn record<T>(
        &mut self,
        change: impl FnOnce(&Transaction) -> Result<T>,
        describe: impl FnOnce(&T) -> Described,
    ) -> Result<(T, UndoStep)> {
        let mut forward = Vec::new();
        let out = {
            // Unchecked: the session and the transaction both borrow the
            // connection.
            let tx = self.write()?;
            let mut session = Session::new(&self.conn)?;
            session.table_filter(Some(recorded));
            session.attach(None::<&str>)?;
            let out = change(&tx)?;
            session.changeset_strm(&mut forward)?;
            drop(session);
            tx.commit()?;
            out
        };
        let mut inverse = Vec::new();
        invert_strm(&mut forward.as_slice(), &mut inverse)?;
        let described = describe(&out);
        let step = UndoStep {
            id: NEXT_ID.fetch_add(1, Ordering::Relaxed),
            label: described.label,
            entries: described.entries.len() as u32,
        };
        let stack = &mut self.undo;
        if stack.kept.len() == KEPT {
            stack.kept.pop_front();
        }
        stack.kept.push_back(Kept {
            step: step.clone(),
            subject: described.subject,
            inverse,
            entries: described.entries,
        });
        Ok((out, step))
    }

    /// Takes a step back: every row it wrote returns to what it was, in
    /// one transaction, and the entries it touched are searchable as they
    /// were. If any of those rows was changed since (here or by the other
    /// face), nothing is changed and the error says so.
    pub fn undo(&mut self, step_id: u64) -> Result<UndoStep> {
        let Some(at) = self.undo.kept.iter().position(|k| k.step.id == step_id) else {
            return Err(Error::Undo(if self.undo.undone.contains(&step_id) {
                UndoRefusal::AlreadyUndone
            } else {
                UndoRefusal::Unknown
            }));
        };
        let kept = &self.undo.kept[at];
        self.apply_inverse(&kept.inverse, &kept.entries, &kept.subject)?;
        let kept = self.undo.kept.remove(at).expect("the step found above");
        if self.undo.undone.len() == KEPT_UNDONE {
            self.undo.undone.pop_front();
        }
        self.undo.undone.push_back(step_id);
        Ok(kept.step)
    }

    fn apply_inverse(&self, inverse: &[u8], entries: &[i64], subject: &str) -> Result<()> {
        if !self.conn.is_autocommit() {
            return Err(Error::invalid(
                "an undo cannot run inside another transaction",
            ));
        }
        // The changeset already holds what the cascades did (the session
        // saw those rows too), so the cascades must not run again: undoing
        // the tag an edit added would otherwise delete its entry_tags row
        // before the changeset does. The pragma only takes effect outside a
        // transaction; the foreign keys are checked by hand before commit.
        self.conn.pragma_update(None, "foreign_keys", "OFF")?;
        let result = self.apply_inverse_unguarded(inverse, entries, subject);
        let restored = self.conn.pragma_update(None, "foreign_keys", "ON");
        result?;
        restored?;
        Ok(())
    }

    fn apply_inverse_unguarded(
        &self,
        inverse: &[u8],
        entries: &[i64],
        subject: &str,
    ) -> Result<()> {
        // Through the store's write door: the rows an undo restores reach
        // the other devices like any other change.
        let tx = self.write()?;
        let conflict = Arc::new(Mutex::new(None::<ConflictType>));
        let seen = Arc::clone(&conflict);
        let applied = tx.apply_strm(
            &mut &inverse[..],
            None::<fn(&str) -> bool>,
            move |kind, _item| {
                // Any row not as the step left it: stop, change nothing.
                *seen.lock().expect("conflict slot") = Some(kind);
                ConflictAction::SQLITE_CHANGESET_ABORT
            },
        );
        let changed_since = || {
            Error::Undo(UndoRefusal::ChangedSince {
                what: subject.to_string(),
            })
        };
        if conflict.lock().expect("conflict slot").is_some() {
            return Err(changed_since());
        }
        applied?;
        let broken: i64 =
            tx.query_row("SELECT count(*) FROM pragma_foreign_key_check", [], |r| {
                r.get(0)
            })?;
        if broken > 0 {
            // A row the step's rows point at (a platform, a list) is gone.
            return Err(changed_since());
        }
        for &id in entries {
            search::reindex(&tx, id)?;
        }
        tx.commit()?;
        Ok(())
    }
}
