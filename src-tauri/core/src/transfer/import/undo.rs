//! "Undo last import": every applied import is preceded by an automatic
//! backup (`backup::backup_auto`), and the import's own transaction records
//! that backup's file name in the settings table. Undo restores it.
//!
//! Because the record is part of the imported state, undo is layered: the
//! restored library holds the record of the import before it, so undoing
//! again steps back one more import (as long as its backup is still kept).

use std::path::Path;

use rusqlite::{params, OptionalExtension, Transaction};
use serde::{Deserialize, Serialize};

use super::{apply_with, plan_with, ImportReport, Incoming, RunOptions};
use crate::backup::{self, default_backup_dir, find_backup};
use crate::error::{Error, Result};
use crate::store::Library;

/// The settings key holding the backup taken before the last import.
const KEY: &str = "last_import_backup";

pub(crate) fn record(tx: &Transaction, backup_name: &str) -> Result<()> {
    tx.execute(
        "INSERT INTO settings (key, value) VALUES (?1, ?2)
         ON CONFLICT(key) DO UPDATE SET value = excluded.value",
        params![KEY, backup_name],
    )?;
    Ok(())
}

/// The backup "undo last import" would restore, if there is one.
pub fn last_import_backup(lib: &Library) -> Result<Option<String>> {
    Ok(lib
        .connection()
        .query_row("SELECT value FROM settings WHERE key = ?1", [KEY], |r| {
            r.get(0)
        })
        .optional()?)
}

/// Applies an import the safe way: an automatic backup first (into the
/// `backups/` folder beside the library), then the import in one
/// transaction that also records the backup for [`undo_last_import`]. When
/// the import changes nothing, the backup is removed again and nothing is
/// recorded. A library only in memory has no backup and no undo.
pub fn apply_with_backup(
    lib: &mut Library,
    incoming: &Incoming,
    opts: &RunOptions,
) -> Result<ImportReport> {
    if lib.path().is_none() {
        return apply_with(lib, incoming, opts);
    }
    let info = backup::backup_auto(lib, None, None)?;
    let name = info
        .path
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_default();
    let opts = RunOptions {
        record_backup: Some(&name),
        ..*opts
    };
    let result = apply_with(lib, incoming, &opts);
    let keep = matches!(&result, Ok(r) if r.backup.is_some());
    if !keep {
        // Nothing was changed (or the import failed and rolled back): the
        // backup is the library as it still is.
        let _ = std::fs::remove_file(&info.path);
    }
    result
}

/// A preview with the same options, for symmetry with [`apply_with_backup`].
pub fn preview(lib: &mut Library, incoming: &Incoming, opts: &RunOptions) -> Result<ImportReport> {
    plan_with(lib, incoming, opts)
}

/// What undo did.
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct UndoReport {
    /// The backup restored (its file name in the backup folder).
    pub restored: String,
    /// Where the library as it was before the undo is kept (file name).
    pub previous_kept_as: Option<String>,
}

/// Restores the backup taken before the last import into `library_path`.
/// Close every [`Library`] on that file first. Changes made after the
/// import are undone too; the library as it was is kept beside it
/// (`.before-restore-…`), so nothing is lost for good.
pub fn undo_last_import(library_path: &Path) -> Result<UndoReport> {
    let name = {
        let lib = Library::open(library_path)?;
        last_import_backup(&lib)?
    };
    let Some(name) = name else {
        return Err(Error::invalid(
            "there is no import to undo (no import has been applied to this library)",
        ));
    };
    let dir = default_backup_dir(library_path);
    let backup = find_backup(&dir, &name).map_err(|_| {
        Error::invalid(format!(
            "the backup taken before the last import ({name}) is no longer in {}; it cannot be undone automatically",
            dir.display()
        ))
    })?;
    let info = backup::restore(library_path, &backup)?;
    Ok(UndoReport {
        restored: name,
        previous_kept_as: info
            .previous_kept_at
            .and_then(|p| p.file_name().map(|n| n.to_string_lossy().into_owned())),
    })
}
