//! Bringing entries into a library from another service's export (or a
//! Watchlog export), through one door: [`Import::read`] parses the file
//! once (no library involved) and keeps what it read; [`Import::run`] then
//! previews it ([`Mode::Preview`]: what would be added, updated, left
//! unchanged) or applies it ([`Mode::Apply`]: an automatic backup, then one
//! transaction, all or nothing). The same parsed value can be previewed and
//! then applied, so what is applied is exactly what was previewed.
//!
//! Matching makes imports idempotent: an incoming title is the library's
//! entry with one of the same catalogue ids, else the entry with the same
//! folded name, year and kind (`crate::text::fold`, so "Pokémon" and
//! "pokemon" match). A matched entry whose content would not change is left
//! alone, so importing the same file twice changes nothing the second time.
//!
//! The layers: readers (one file per format) use `input` and `merge` and
//! produce the model's [`ParsedExport`]; `formats` detects a format and
//! calls its reader; this module plans and applies through `store::import`,
//! which holds the SQL; `undo` wraps an apply in its backup.

mod formats;
pub mod imdb;
pub mod input;
pub mod letterboxd;
pub mod mdl;
pub mod merge;
pub mod netflix;
pub mod simkl;
pub mod tmdb;
pub mod trakt;
pub mod tvtime;
pub mod undo;
pub mod watchlog_csv;
pub mod watchlog_json;

use std::collections::{HashMap, HashSet};
use std::path::Path;

use chrono::{DateTime, Utc};
use rusqlite::Transaction;

use crate::error::{Error, Result};
use crate::progress::{CancelToken, Throttle};
use crate::store::import as raw;
use crate::store::{Library, Scratch};
use crate::text;
use input::SourceFile;

pub use crate::model::{
    ImportAction, ImportFormat, ImportItem, ImportProgress, ImportReport, Incoming, IncomingEntry,
    IncomingPlatform, ParsedExport, ReadOptions,
};

/// An export read and checked, ready to be previewed and applied. Reading
/// is the only step that looks at the file: keep this value between the
/// preview and the apply, and the file can change or go away meanwhile.
#[derive(Debug, Clone)]
pub struct Import {
    format: ImportFormat,
    parsed: ParsedExport,
}

/// What [`Import::run`] does with the library.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Mode {
    /// Work out what importing would do; the library is left as it was.
    Preview,
    /// Take the automatic backup, then import in one transaction and
    /// record the backup for `undo::undo_last_import`.
    Apply,
}

/// How an import runs beyond the file itself.
#[derive(Default, Clone, Copy)]
pub struct RunOptions<'a> {
    /// Whose values win when another service's export and the library
    /// disagree. Watchlog's own formats replace matched entries wholesale
    /// and ignore it.
    pub prefer: merge::Prefer,
    /// Called with (entries done, entries in all) inside the transaction,
    /// at the steps a [`Throttle`] finds worth reporting.
    pub progress: Option<&'a (dyn Fn(usize, usize) + Sync)>,
    /// Cancelled from anywhere to stop; the transaction is then rolled back.
    pub cancel: Option<&'a CancelToken>,
}

impl Import {
    /// Reads the export at `path` (a file, a folder or a zip) in `format`,
    /// or in the format detected from its content when `format` is `None`.
    pub fn read(format: Option<ImportFormat>, path: &Path) -> Result<Import> {
        Import::read_with(format, path, &ReadOptions::default())
    }

    /// [`Import::read`] with what the reader cannot tell from the file
    /// (which Netflix profile, the date order, the short-play threshold).
    pub fn read_with(
        format: Option<ImportFormat>,
        path: &Path,
        opts: &ReadOptions,
    ) -> Result<Import> {
        let files = input::gather(path)?;
        // A folder's files are named inside it: when none of them is an
        // export, the message names the folder the user chose instead.
        let folder = path.is_dir().then(|| {
            path.file_name().map_or_else(
                || path.display().to_string(),
                |n| n.to_string_lossy().into_owned(),
            )
        });
        let (format, parsed) = formats::read(format, files, opts, folder.as_deref())?;
        Ok(Import { format, parsed })
    }

    /// [`Import::read`] for files already in memory (a zip among them is
    /// unpacked with the same caps).
    pub fn from_files(format: Option<ImportFormat>, files: Vec<SourceFile>) -> Result<Import> {
        Import::from_files_with(format, files, &ReadOptions::default())
    }

    /// [`Import::from_files`] with reader options (see [`Import::read_with`]).
    pub fn from_files_with(
        format: Option<ImportFormat>,
        files: Vec<SourceFile>,
        opts: &ReadOptions,
    ) -> Result<Import> {
        let (format, parsed) = formats::read(format, files, opts, None)?;
        Ok(Import { format, parsed })
    }

    /// An import of entries made in code rather than read from a file
    /// (sample and benchmark libraries), run as `format` would be.
    pub fn new(format: ImportFormat, parsed: ParsedExport) -> Import {
        Import { format, parsed }
    }

    /// The format read (detected or given).
    pub fn format(&self) -> ImportFormat {
        self.format
    }

    /// What the file holds.
    pub fn incoming(&self) -> &Incoming {
        &self.parsed.incoming
    }

    /// What the reader noticed: a file read as Latin-1, ids not kept…
    pub fn notes(&self) -> &[String] {
        &self.parsed.notes
    }

    /// Lines the reader left out, each with its reason.
    pub fn skipped(&self) -> &[ImportItem] {
        &self.parsed.skipped
    }

    /// Previews or applies this import. Both run the same matching and
    /// writes inside one transaction; a preview runs them on a private copy
    /// of the library ([`Library::scratch_copy`]), so it cannot disagree
    /// with applying now, takes no write lock, and a file that cannot be
    /// imported fails the preview with the message applying would give.
    /// Other services'
    /// exports are merged into matched entries under `opts.prefer`;
    /// Watchlog's own formats replace them. The report carries the reader's
    /// skipped lines and notes as well.
    ///
    /// Both modes first compare the file with the library in one read
    /// transaction, writing nothing ([`Pass::Check`]): a file that would
    /// change nothing (the same file imported again) is answered from that
    /// pass alone, with no backup, no copy and no write lock. Only when it
    /// finds something to change does an apply take its backup and the
    /// write lock, and run the matching and comparing again under the lock
    /// ([`Pass::Write`]), so what another face wrote meanwhile is seen and
    /// never overwritten by a stale comparison.
    pub fn run(&self, lib: &mut Library, mode: Mode, opts: &RunOptions) -> Result<ImportReport> {
        let incoming = &self.parsed.incoming;
        let merge = self.format.merges().then_some(opts.prefer);
        let unchanged = lib.in_read_transaction(|lib, tx| {
            plan(lib, tx, incoming, Utc::now(), merge, opts, Pass::Check)
        })?;
        if let Some((mut report, _)) = unchanged {
            report.applied = mode == Mode::Apply;
            return Ok(self.with_reader_notes(report));
        }
        match mode {
            Mode::Preview => self.preview(&mut lib.scratch_copy()?, opts),
            Mode::Apply => {
                let report = undo::with_backup(lib, |lib, backup| {
                    apply(lib, incoming, merge, opts, backup)
                })?;
                Ok(self.with_reader_notes(report))
            }
        }
    }

    /// Writes what a media server reported (one title, its watch) the way
    /// another service's export is merged, in one transaction, without the
    /// automatic backup an import takes: such events come one at a time,
    /// all day long, and are not undone as imports are.
    pub fn record(lib: &mut Library, incoming: &Incoming) -> Result<ImportReport> {
        apply(
            lib,
            incoming,
            Some(merge::Prefer::Newer),
            &RunOptions::default(),
            None,
        )
    }

    /// What applying would do, worked out on `scratch` (which it changes:
    /// make a fresh copy for each preview). The app copies under its read
    /// connection and previews after letting go of it.
    pub fn preview(&self, scratch: &mut Scratch, opts: &RunOptions) -> Result<ImportReport> {
        let incoming = &self.parsed.incoming;
        let merge = self.format.merges().then_some(opts.prefer);
        let report = scratch.0.in_transaction(|lib, tx| {
            let (report, _) = write_plan(lib, tx, incoming, merge, opts)?;
            Ok((report, false))
        })?;
        Ok(self.with_reader_notes(report))
    }

    fn with_reader_notes(&self, mut report: ImportReport) -> ImportReport {
        report.format = Some(self.format.as_str().to_string());
        report.skipped += self.parsed.skipped.len();
        report.items.extend(self.parsed.skipped.iter().cloned());
        report.notes.extend(self.parsed.notes.iter().cloned());
        report
    }
}

/// Imports `incoming` in one transaction, recording `backup` (in the same
/// transaction) as what "undo last import" restores. An import that
/// changes nothing commits nothing, so a second import of the same file
/// leaves the library file exactly as it was.
fn apply(
    lib: &mut Library,
    incoming: &Incoming,
    merge: Option<merge::Prefer>,
    opts: &RunOptions,
    backup: Option<&str>,
) -> Result<ImportReport> {
    let (mut report, changed) = lib.in_transaction(|lib, tx| {
        let (report, changed) = write_plan(lib, tx, incoming, merge, opts)?;
        if let Some(name) = backup.filter(|_| changed) {
            raw::record_backup(tx, name)?;
        }
        Ok(((report, changed), changed))
    })?;
    report.applied = true;
    if changed {
        report.backup = backup.map(str::to_string);
    }
    Ok(report)
}

/// How [`plan`] goes through a file.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Pass {
    /// Matches and compares, writing nothing (inside a read transaction);
    /// stops at the first entry or platform that would change.
    Check,
    /// Matches, compares and writes what changes.
    Write,
}

/// [`plan`]'s [`Pass::Write`] as of now, which never stops early.
fn write_plan(
    lib: &Library,
    tx: &Transaction,
    incoming: &Incoming,
    merge: Option<merge::Prefer>,
    opts: &RunOptions,
) -> Result<(ImportReport, bool)> {
    plan(lib, tx, incoming, Utc::now(), merge, opts, Pass::Write)?
        .ok_or_else(|| Error::invalid("an import's writing pass stopped early"))
}

/// Matches every incoming entry inside `tx` and, in [`Pass::Write`],
/// writes what changes; the caller commits or rolls back. `merge` `None`:
/// matched entries become what the file says. Says whether anything
/// changed (entries, or only platforms). In [`Pass::Check`], `None` as
/// soon as something would change; a report only when nothing would.
fn plan(
    lib: &Library,
    tx: &Transaction,
    incoming: &Incoming,
    now: DateTime<Utc>,
    merge: Option<merge::Prefer>,
    opts: &RunOptions,
    pass: Pass,
) -> Result<Option<(ImportReport, bool)>> {
    let write = pass == Pass::Write;
    let mut platforms_changed = false;
    for p in &incoming.platforms {
        platforms_changed |= raw::ensure_platform(tx, &p.name, p.subscribed, write)?;
    }
    // Each name once: a big file names the same few platforms on every line.
    let mut seen: HashSet<&str> = HashSet::new();
    for e in &incoming.entries {
        let names =
            std::iter::once(&e.fields.platform).chain(e.viewings.iter().map(|v| &v.platform));
        for name in names.flatten().filter(|n| !n.trim().is_empty()) {
            if seen.insert(name.trim()) {
                platforms_changed |= raw::ensure_platform(tx, name, false, write)?;
            }
        }
    }
    if platforms_changed && !write {
        return Ok(None);
    }
    let mut batch = raw::Batch::new();
    // Name matching is against what the library held before: two entries
    // of the file sharing a name and year are two titles (remakes, or the
    // user's own duplicates), not one.
    let keys = raw::title_keys(tx)?;
    let deferred = if write
        && incoming.entries.len() >= raw::DEFER_INDEXES_MIN
        && incoming.entries.len() > keys.len()
    {
        Some(raw::defer_indexes(tx)?)
    } else {
        None
    };
    // By folded name, so matching a big file is not a scan per line.
    let mut existing: HashMap<&str, Vec<&raw::TitleKey>> = HashMap::new();
    for k in &keys {
        existing.entry(k.folded_name.as_str()).or_default().push(k);
    }
    let mut claimed: HashSet<i64> = HashSet::new();
    let mut added: HashSet<i64> = HashSet::new();
    let mut report = ImportReport {
        policy: merge.map(|p| p.describe()),
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
        // The read-only pass reports no progress: it is quick, and an
        // apply that goes on to write reports from the start then.
        if let Some(p) = opts.progress.filter(|_| write && throttle.due(n)) {
            p(n, total);
        }
        let name = inc.title.name.trim().to_string();
        if let Some(prefer) = merge {
            let found = merge_one(
                lib,
                tx,
                inc,
                &name,
                now,
                prefer,
                &existing,
                &mut claimed,
                &mut report,
                &mut batch,
                write,
            )?;
            let Some(item) = found else {
                return Ok(None);
            };
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
                                && !k.conflicts(&inc.title)
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
        if !write && target.is_none() {
            return Ok(None);
        }
        let item = match target {
            None => {
                let (id, watches) =
                    raw::insert_incoming(tx, inc, now, &mut batch).map_err(context)?;
                added.insert(id);
                report.added += 1;
                report.episodes += watches;
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
                let outcome = if write {
                    raw::overwrite_if_changed(lib, tx, &before, inc, true, now, &mut batch)
                } else if raw::left_unchanged(tx, &before, inc, true, &batch).map_err(context)? {
                    Ok(None)
                } else {
                    return Ok(None);
                };
                match outcome.map_err(context)? {
                    None => {
                        report.unchanged += 1;
                        ImportItem {
                            action: ImportAction::Unchanged,
                            entry_id: id,
                            title: name,
                            changes: Vec::new(),
                            reason: None,
                        }
                    }
                    Some((after, watches)) => {
                        report.updated += 1;
                        report.episodes += watches;
                        ImportItem {
                            action: ImportAction::Updated,
                            entry_id: id,
                            title: name,
                            changes: merge::describe_changes(&before, &after, watches),
                            reason: None,
                        }
                    }
                }
            }
        };
        report.items.push(item);
    }
    batch.finish(tx)?;
    if let Some(defs) = deferred {
        raw::restore_indexes(tx, &defs)?;
    }
    match raw::write_loose(tx, &incoming.loose, write)? {
        Some(n) => report.loose_episodes = n,
        None => return Ok(None),
    }
    if !incoming.lists.is_empty() {
        // One item per incoming entry, in order, so the file's entry `i`
        // became the library's `items[i].entry_id` (0 when ambiguous).
        let entry_ids: Vec<i64> = report.items.iter().map(|i| i.entry_id).collect();
        let how = if merge.is_some() {
            raw::ListMerge::Merge
        } else {
            raw::ListMerge::Replace
        };
        if raw::write_lists(tx, &incoming.lists, &entry_ids, how, write, &mut report)?.is_none() {
            return Ok(None);
        }
    }
    if let Some(p) = opts.progress {
        p(total, total);
    }
    let changed = platforms_changed
        || report.added + report.updated + report.loose_episodes > 0
        || report.lists_added + report.lists_updated > 0;
    Ok(Some((report, changed)))
}

/// One entry of another service's export: matched (catalogue ids and the
/// service's own, then name + year + kind, then name + year of any kind
/// when only one entry fits; an entry holding a different id of the same
/// provider never matches by name, and among entries whose names fold
/// alike the one written the same wins), then merged into what the
/// library has. What cannot be matched
/// with certainty is reported, not guessed. Without `write` (the read-only
/// pass) nothing is written, and `None` says something would be.
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
    batch: &mut raw::Batch,
    write: bool,
) -> Result<Option<ImportItem>> {
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
            let same = |k: &&&raw::TitleKey| {
                (inc.title.year.is_none() || k.year == inc.title.year) && !k.conflicts(&inc.title)
            };
            let exact: Vec<&raw::TitleKey> = candidates
                .iter()
                .filter(|k| same(k) && k.kind == inc.title.kind)
                .copied()
                .collect();
            let loose: Vec<&raw::TitleKey> = candidates.iter().filter(same).copied().collect();
            let pick = if exact.is_empty() { loose } else { exact };
            // "Veronica" and "Verónica" fold alike: the name as written
            // tells them apart.
            let written: Vec<i64> = pick
                .iter()
                .filter(|k| k.name == name)
                .map(|k| k.entry_id)
                .collect();
            let pick = if written.len() == 1 {
                written
            } else {
                pick.iter().map(|k| k.entry_id).collect()
            };
            match pick.len() {
                0 => None,
                1 => Some(pick[0]),
                _ => {
                    report.ambiguous += 1;
                    let ids: Vec<String> = pick.iter().map(|i| i.to_string()).collect();
                    return Ok(Some(item(
                        ImportAction::Ambiguous,
                        0,
                        Vec::new(),
                        Some(format!(
                            "entries {} share this name and year; add a catalogue id to one of them or import it by hand",
                            ids.join(", ")
                        )),
                    )));
                }
            }
        }
        Err(Error::Conflict(m)) => {
            report.ambiguous += 1;
            return Ok(Some(item(ImportAction::Ambiguous, 0, Vec::new(), Some(m))));
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
        if !write {
            return Ok(None);
        }
        let (id, watches) = raw::insert_incoming(tx, inc, now, batch).map_err(context)?;
        claimed.insert(id);
        report.added += 1;
        report.episodes += watches;
        return Ok(Some(item(ImportAction::Added, id, Vec::new(), None)));
    };
    // Two lines of one export naming the same title (by different ids or
    // names) are the same title spoken of twice: both are merged in.
    claimed.insert(id);
    let before = lib.entry(id)?;
    let merged = merge::merge(&merge::from_entry(&before), inc, prefer);
    let outcome = if write {
        raw::overwrite_if_changed(lib, tx, &before, &merged, false, now, batch)
    } else if raw::left_unchanged(tx, &before, &merged, false, batch).map_err(context)? {
        Ok(None)
    } else {
        return Ok(None);
    };
    match outcome.map_err(context)? {
        None => {
            report.unchanged += 1;
            Ok(Some(item(ImportAction::Unchanged, id, Vec::new(), None)))
        }
        Some((after, watches)) => {
            report.updated += 1;
            report.episodes += watches;
            Ok(Some(item(
                ImportAction::Updated,
                id,
                merge::describe_changes(&before, &after, watches),
                None,
            )))
        }
    }
}

/// The layering, checked on the sources so a cycle cannot creep back in.
#[cfg(test)]
mod layering {
    use std::path::Path;

    /// Every `.rs` file in `dir` (under `src/`) with its code: comments and
    /// the unit tests left out.
    fn sources(dir: &str) -> Vec<(String, String)> {
        let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("src").join(dir);
        let mut out: Vec<(String, String)> = std::fs::read_dir(&dir)
            .unwrap()
            .map(|e| e.unwrap().path())
            .filter(|p| p.extension().is_some_and(|x| x == "rs"))
            .map(|p| {
                let name = p.file_name().unwrap().to_string_lossy().into_owned();
                let text = std::fs::read_to_string(&p).unwrap();
                let code = text.split("#[cfg(test)]").next().unwrap_or_default();
                let code: Vec<&str> = code
                    .lines()
                    .filter(|l| !l.trim_start().starts_with("//"))
                    .collect();
                (name, code.join("\n"))
            })
            .collect();
        out.sort();
        out
    }

    /// Readers depend on their shared helpers (`input`, `merge`) and the
    /// model, never on `formats` (which calls them) or this module.
    #[test]
    fn readers_use_only_their_helpers_and_the_model() {
        let not_readers = ["mod.rs", "formats.rs", "undo.rs", "input.rs", "merge.rs"];
        for (name, text) in sources("transfer/import") {
            if not_readers.contains(&name.as_str()) {
                continue;
            }
            for line in text.lines().map(str::trim) {
                let Some(path) = line.strip_prefix("use ") else {
                    continue;
                };
                let allowed = [
                    "std::",
                    "chrono::",
                    // Zones by IANA name (a TV Time export's account zone).
                    "chrono_tz::",
                    "serde",
                    "super::input::",
                    "super::merge::",
                    "crate::model::",
                    "crate::error::",
                    "crate::rating::",
                    // Watchlog's own JSON format is defined once, beside
                    // its writer; that module imports nothing from here.
                    "crate::transfer::export::watchlog_json::",
                ];
                assert!(
                    allowed.iter().any(|a| path.starts_with(a)),
                    "reader {name} uses {path}"
                );
            }
            assert!(
                !text.contains("super::formats") && !text.contains("super::{"),
                "reader {name} reaches into the import module"
            );
        }
    }

    /// The store sits below everything that uses it.
    #[test]
    fn the_store_never_uses_transfer_or_posters() {
        for (name, text) in sources("store") {
            for layer in ["crate::transfer", "crate::posters", "crate::backup"] {
                assert!(!text.contains(layer), "store/{name} uses {layer}");
            }
        }
    }
}
