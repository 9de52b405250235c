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

pub mod formats;
pub mod imdb;
pub mod input;
pub mod letterboxd;
pub mod mdl;
pub mod merge;
pub mod simkl;
pub mod tmdb;
pub mod trakt;
pub mod undo;
pub mod watchlog_csv;
pub mod watchlog_json;

use std::collections::{HashMap, HashSet};

use chrono::{DateTime, Utc};
use rusqlite::Transaction;
use serde::{Deserialize, Serialize};

use crate::error::{Error, Result};
use crate::model::{Entry, EntryFields, TitleFacts, ViewingDetails};
use crate::progress::{CancelToken, Throttle};
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
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ImportAction {
    /// A new entry.
    Added,
    /// An existing entry, changed to match the file.
    Updated,
    /// An existing entry the file agrees with; not touched.
    Unchanged,
    /// More than one entry could be meant (same name and year, or catalogue
    /// ids that point at two entries); left alone for the user to settle.
    Ambiguous,
    /// Not imported, for the reason given (e.g. the file names it twice).
    Skipped,
}

/// One line of an import report.
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ImportItem {
    pub action: ImportAction,
    /// The entry in the library. For a planned addition, the id it would
    /// get if applied now; 0 for an ambiguous or skipped line.
    pub entry_id: i64,
    pub title: String,
    /// For an update: what changes, in words ("rating 70/100 → 80/100").
    #[serde(default)]
    pub changes: Vec<String>,
    /// For an ambiguous or skipped line: why.
    #[serde(default)]
    pub reason: Option<String>,
}

/// What an import did (from [`apply`]) or would do (from [`plan`]).
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default)]
pub struct ImportReport {
    /// True once the changes are saved in the library.
    pub applied: bool,
    pub added: usize,
    pub updated: usize,
    pub unchanged: usize,
    /// Lines that could mean more than one entry; not imported.
    pub ambiguous: usize,
    /// Lines not imported (the reader's skips included), each with a reason.
    pub skipped: usize,
    pub items: Vec<ImportItem>,
    /// The format read (`letterboxd`, `trakt`…), when known.
    pub format: Option<String>,
    /// How conflicts are settled, in words; `None` when the file replaces
    /// entries wholesale (Watchlog's own formats).
    pub policy: Option<String>,
    /// What the reader noticed: a file read as Latin-1, ids not kept…
    pub notes: Vec<String>,
    /// The automatic backup taken before applying (its file name), which
    /// "undo last import" restores.
    pub backup: Option<String>,
}

/// How an import runs beyond the file itself.
#[derive(Default, Clone, Copy)]
pub struct RunOptions<'a> {
    /// `Some`: fold the file into matched entries under this policy (other
    /// services' partial exports). `None`: the file replaces matched
    /// entries wholesale (Watchlog's own lossless formats).
    pub merge: Option<merge::Prefer>,
    /// Called with (entries done, entries in all) inside the transaction,
    /// at the steps a [`Throttle`] finds worth reporting.
    pub progress: Option<&'a (dyn Fn(usize, usize) + Sync)>,
    /// Cancelled from anywhere to stop; the transaction is then rolled back.
    pub cancel: Option<&'a CancelToken>,
    /// Written (in the same transaction) as the backup "undo last import"
    /// restores.
    pub record_backup: Option<&'a str>,
}

/// Works out what importing `incoming` would do, without changing the
/// library: the import is run for real inside a transaction that is then
/// rolled back, so the preview cannot disagree with [`apply`]. A file that
/// cannot be imported fails here with the same message `apply` would give.
pub fn plan(lib: &mut Library, incoming: &Incoming) -> Result<ImportReport> {
    plan_with(lib, incoming, &RunOptions::default())
}

/// [`plan`] with a merge policy, progress and cancellation.
pub fn plan_with(
    lib: &mut Library,
    incoming: &Incoming,
    opts: &RunOptions,
) -> Result<ImportReport> {
    lib.in_transaction(false, |lib, tx| run(lib, tx, incoming, Utc::now(), opts))
}

/// [`apply`] with a merge policy, progress and cancellation.
pub fn apply_with(
    lib: &mut Library,
    incoming: &Incoming,
    opts: &RunOptions,
) -> Result<ImportReport> {
    let mut report = lib.in_transaction_deciding(|lib, tx| {
        let report = run(lib, tx, incoming, Utc::now(), opts)?;
        // Nothing to change: commit nothing, so a second import of the same
        // file leaves the library file exactly as it was.
        let changed = report.added + report.updated > 0;
        if changed {
            if let Some(name) = opts.record_backup {
                undo::record(tx, name)?;
            }
        }
        Ok((report, changed))
    })?;
    report.applied = true;
    if report.added + report.updated > 0 {
        report.backup = opts.record_backup.map(str::to_string);
    }
    Ok(report)
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
    let mut report = lib.in_transaction(true, |lib, tx| {
        run(lib, tx, incoming, now, &RunOptions::default())
    })?;
    report.applied = true;
    Ok(report)
}

fn run(
    lib: &Library,
    tx: &Transaction,
    incoming: &Incoming,
    now: DateTime<Utc>,
    opts: &RunOptions,
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
    let keys = raw::title_keys(tx)?;
    // By folded name, so matching a big file is not a scan per line.
    let mut existing: HashMap<&str, Vec<&raw::TitleKey>> = HashMap::new();
    for k in &keys {
        existing.entry(k.folded_name.as_str()).or_default().push(k);
    }
    let mut claimed: HashSet<i64> = HashSet::new();
    let mut added: HashSet<i64> = HashSet::new();
    let mut report = ImportReport {
        policy: opts.merge.map(|p| p.describe()),
        ..Default::default()
    };
    let total = incoming.entries.len();
    let throttle = Throttle::new(total);
    for (n, inc) in incoming.entries.iter().enumerate() {
        if opts.cancel.is_some_and(CancelToken::is_cancelled) {
            return Err(Error::Cancelled(
                "the import was cancelled; the library is as it was".into(),
            ));
        }
        if let Some(p) = opts.progress.filter(|_| throttle.due(n)) {
            p(n, total);
        }
        let name = inc.title.name.trim().to_string();
        if let Some(prefer) = opts.merge {
            let item = merge_one(
                lib,
                tx,
                inc,
                &name,
                now,
                prefer,
                &existing,
                &mut claimed,
                &mut report,
            )?;
            report.items.push(item);
            continue;
        }
        let context = |e: Error| match e {
            Error::InvalidInput(m)
            | Error::InvalidField { message: m, .. }
            | Error::Conflict(m) => Error::InvalidInput(format!(
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
                        .get(folded.as_str())
                        .into_iter()
                        .flatten()
                        .find(|k| {
                            !claimed.contains(&k.entry_id)
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
                    changes: Vec::new(),
                    reason: None,
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
                        changes: Vec::new(),
                        reason: None,
                    }
                } else {
                    raw::touch(tx, id, inc.updated_at.unwrap_or(now))?;
                    tx.execute_batch("RELEASE import_entry")?;
                    report.updated += 1;
                    ImportItem {
                        action: ImportAction::Updated,
                        entry_id: id,
                        title: name,
                        changes: merge::describe_changes(&before, &after),
                        reason: None,
                    }
                }
            }
        };
        report.items.push(item);
    }
    if let Some(p) = opts.progress {
        p(total, total);
    }
    Ok(report)
}

/// One entry of another service's export: matched (catalogue ids, then
/// name + year + kind, then name + year of any kind when only one entry
/// fits), then merged into what the library has. What cannot be matched
/// with certainty is reported, not guessed.
#[allow(clippy::too_many_arguments)]
fn merge_one(
    lib: &Library,
    tx: &Transaction,
    inc: &IncomingEntry,
    name: &str,
    now: DateTime<Utc>,
    prefer: merge::Prefer,
    existing: &HashMap<&str, Vec<&raw::TitleKey>>,
    claimed: &mut HashSet<i64>,
    report: &mut ImportReport,
) -> Result<ImportItem> {
    let item = |action, entry_id, changes, reason: Option<String>| ImportItem {
        action,
        entry_id,
        title: name.to_string(),
        changes,
        reason,
    };
    let target = match raw::entry_by_external_ids(tx, &inc.title.external_ids) {
        Ok(Some(id)) => Some(id),
        Ok(None) => {
            let folded = text::fold(name);
            // A file without years (MyDramaList's) matches on the name alone.
            let candidates = existing.get(folded.as_str()).map_or(&[][..], |v| &v[..]);
            let same = |k: &&&raw::TitleKey| inc.title.year.is_none() || k.year == inc.title.year;
            let exact: Vec<i64> = candidates
                .iter()
                .filter(|k| same(k) && k.kind == inc.title.kind)
                .map(|k| k.entry_id)
                .collect();
            let loose: Vec<i64> = candidates.iter().filter(same).map(|k| k.entry_id).collect();
            let pick = if exact.is_empty() { &loose } else { &exact };
            match pick.len() {
                0 => None,
                1 => Some(pick[0]),
                _ => {
                    report.ambiguous += 1;
                    let ids: Vec<String> = pick.iter().map(|i| i.to_string()).collect();
                    return Ok(item(
                        ImportAction::Ambiguous,
                        0,
                        Vec::new(),
                        Some(format!(
                            "entries {} share this name and year; add a catalogue id to one of them or import it by hand",
                            ids.join(", ")
                        )),
                    ));
                }
            }
        }
        Err(Error::Conflict(m)) => {
            report.ambiguous += 1;
            return Ok(item(ImportAction::Ambiguous, 0, Vec::new(), Some(m)));
        }
        Err(e) => return Err(e),
    };
    let context = |e: Error| match e {
        Error::InvalidInput(m) | Error::InvalidField { message: m, .. } | Error::Conflict(m) => {
            Error::InvalidInput(format!("'{name}': {m}; nothing was imported"))
        }
        other => other,
    };
    let Some(id) = target else {
        let id = raw::insert_incoming(tx, inc, now).map_err(context)?;
        claimed.insert(id);
        report.added += 1;
        return Ok(item(ImportAction::Added, id, Vec::new(), None));
    };
    // Two lines of one export naming the same title (by different ids or
    // names) are the same title spoken of twice: both are merged in.
    claimed.insert(id);
    let before = lib.entry(id)?;
    let merged = merge::merge(&merge::from_entry(&before), inc, prefer);
    tx.execute_batch("SAVEPOINT import_entry")?;
    raw::overwrite_incoming(tx, id, &merged).map_err(context)?;
    let after = lib.entry(id)?;
    if same_content(&before, &after) {
        tx.execute_batch("ROLLBACK TO import_entry; RELEASE import_entry")?;
        report.unchanged += 1;
        Ok(item(ImportAction::Unchanged, id, Vec::new(), None))
    } else {
        raw::touch(tx, id, merged.updated_at.unwrap_or(now))?;
        tx.execute_batch("RELEASE import_entry")?;
        report.updated += 1;
        Ok(item(
            ImportAction::Updated,
            id,
            merge::describe_changes(&before, &after),
            None,
        ))
    }
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
