//! Bringing entries into a library from a file, in three steps every format
//! shares: a format's reader *parses* its file into [`Incoming`] (no library
//! involved); [`plan`] shows what importing it would do (added, updated,
//! unchanged) without changing anything; [`apply`] does it, in one
//! transaction, all or nothing.
//!
//! Matching makes imports idempotent: an incoming title is the library's
//! entry with one of the same catalogue ids, else the entry with the same
//! folded name, year and kind (`crate::text::fold`, so "Pokémon" and
//! "pokemon" match). A matched entry whose content would not change is left
//! alone, so importing the same file twice changes nothing the second time.

pub mod watchlog_json;

use std::collections::HashSet;

use chrono::{DateTime, Utc};
use rusqlite::Transaction;
use serde::{Deserialize, Serialize};

use crate::error::{Error, Result};
use crate::model::{Entry, EntryFields, TitleFacts, ViewingDetails};
use crate::store::import as raw;
use crate::store::Library;
use crate::text;

/// What a parsed file holds, whatever its format.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Incoming {
    /// Platforms the file knows, in its order.
    pub platforms: Vec<IncomingPlatform>,
    pub entries: Vec<IncomingEntry>,
}

/// A platform named in a file.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct IncomingPlatform {
    pub name: String,
    pub subscribed: bool,
}

/// One title with the user's record of it, as a file gives it.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct IncomingEntry {
    /// The entry's id where the file came from; kept when it is free, so a
    /// library restored into an empty one keeps its ids.
    pub id: Option<i64>,
    pub title: TitleFacts,
    pub fields: EntryFields,
    /// Rewatches after the first viewing.
    pub viewings: Vec<ViewingDetails>,
    /// `None`: now, for a new entry; kept as it is, for a matched one.
    pub added_at: Option<DateTime<Utc>>,
    pub updated_at: Option<DateTime<Utc>>,
}

/// What happens to one incoming entry.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ImportAction {
    /// A new entry.
    Added,
    /// An existing entry, changed to match the file.
    Updated,
    /// An existing entry the file agrees with; not touched.
    Unchanged,
}

/// One line of an import report.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ImportItem {
    pub action: ImportAction,
    /// The entry in the library. For a planned addition, the id it would
    /// get if applied now.
    pub entry_id: i64,
    pub title: String,
}

/// What an import did (from [`apply`]) or would do (from [`plan`]).
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct ImportReport {
    /// True once the changes are saved in the library.
    pub applied: bool,
    pub added: usize,
    pub updated: usize,
    pub unchanged: usize,
    pub items: Vec<ImportItem>,
}

/// Works out what importing `incoming` would do, without changing the
/// library: the import is run for real inside a transaction that is then
/// rolled back, so the preview cannot disagree with [`apply`]. A file that
/// cannot be imported fails here with the same message `apply` would give.
pub fn plan(lib: &mut Library, incoming: &Incoming) -> Result<ImportReport> {
    lib.in_transaction(false, |lib, tx| run(lib, tx, incoming, Utc::now()))
}

/// Imports `incoming` in one transaction: every entry or, on any error,
/// none, with the library exactly as it was.
pub fn apply(lib: &mut Library, incoming: &Incoming) -> Result<ImportReport> {
    apply_at(lib, incoming, Utc::now())
}

/// [`apply`] with "now" given, for entries the file gives no timestamps.
pub fn apply_at(
    lib: &mut Library,
    incoming: &Incoming,
    now: DateTime<Utc>,
) -> Result<ImportReport> {
    let mut report = lib.in_transaction(true, |lib, tx| run(lib, tx, incoming, now))?;
    report.applied = true;
    Ok(report)
}

fn run(
    lib: &Library,
    tx: &Transaction,
    incoming: &Incoming,
    now: DateTime<Utc>,
) -> Result<ImportReport> {
    for p in &incoming.platforms {
        raw::ensure_platform(tx, &p.name, p.subscribed)?;
    }
    for e in &incoming.entries {
        let names =
            std::iter::once(&e.fields.platform).chain(e.viewings.iter().map(|v| &v.platform));
        for name in names.flatten().filter(|n| !n.trim().is_empty()) {
            raw::ensure_platform(tx, name, false)?;
        }
    }
    // Name matching is against what the library held before: two entries
    // of the file sharing a name and year are two titles (remakes, or the
    // user's own duplicates), not one.
    let existing = raw::title_keys(tx)?;
    let mut claimed: HashSet<i64> = HashSet::new();
    let mut added: HashSet<i64> = HashSet::new();
    let mut report = ImportReport::default();
    for (n, inc) in incoming.entries.iter().enumerate() {
        let name = inc.title.name.trim().to_string();
        let context = |e: Error| match e {
            Error::InvalidInput(m) | Error::Conflict(m) => Error::InvalidInput(format!(
                "entry {} of the file ('{name}'): {m}; nothing was imported",
                n + 1
            )),
            other => other,
        };
        let target =
            match raw::entry_by_external_ids(tx, &inc.title.external_ids).map_err(context)? {
                Some(id) => Some(id),
                None => {
                    let folded = text::fold(&name);
                    existing
                        .iter()
                        .find(|k| {
                            !claimed.contains(&k.entry_id)
                                && k.folded_name == folded
                                && k.year == inc.title.year
                                && k.kind == inc.title.kind
                        })
                        .map(|k| k.entry_id)
                }
            };
        if let Some(id) = target {
            if added.contains(&id) || !claimed.insert(id) {
                return Err(context(Error::invalid(format!(
                    "the file holds this title twice (it matches entry {id} again)"
                ))));
            }
        }
        let item = match target {
            None => {
                let id = raw::insert_incoming(tx, inc, now).map_err(context)?;
                added.insert(id);
                report.added += 1;
                ImportItem {
                    action: ImportAction::Added,
                    entry_id: id,
                    title: name,
                }
            }
            Some(id) => {
                let before = lib.entry(id)?;
                tx.execute_batch("SAVEPOINT import_entry")?;
                raw::overwrite_incoming(tx, id, inc).map_err(context)?;
                let after = lib.entry(id)?;
                if same_content(&before, &after) {
                    // Put back exactly what was there (viewing ids included).
                    tx.execute_batch("ROLLBACK TO import_entry; RELEASE import_entry")?;
                    report.unchanged += 1;
                    ImportItem {
                        action: ImportAction::Unchanged,
                        entry_id: id,
                        title: name,
                    }
                } else {
                    raw::touch(tx, id, inc.updated_at.unwrap_or(now))?;
                    tx.execute_batch("RELEASE import_entry")?;
                    report.updated += 1;
                    ImportItem {
                        action: ImportAction::Updated,
                        entry_id: id,
                        title: name,
                    }
                }
            }
        };
        report.items.push(item);
    }
    Ok(report)
}

/// Same title facts, user fields, rewatches and date added: everything an
/// import writes except the "last changed" stamp.
fn same_content(a: &Entry, b: &Entry) -> bool {
    a.title.facts == b.title.facts
        && a.fields == b.fields
        && a.added_at == b.added_at
        && a.viewings.len() == b.viewings.len()
        && a.viewings
            .iter()
            .zip(&b.viewings)
            .all(|(x, y)| x.details == y.details)
}
