//! "Undo last import": every applied import is preceded by an automatic
//! backup (`backup::backup_auto`), and the import's own transaction records
//! that backup's file name in the settings table (`store::import`). Undo
//! restores it.
//!
//! Because the record is part of the imported state, undo is layered: the
//! restored library holds the record of the import before it, so undoing
//! again steps back one more import (as long as its backup is still kept).

use std::path::Path;

use serde::{Deserialize, Serialize};

use crate::backup::{self, default_backup_dir, find_backup};
use crate::error::{Error, Result};
use crate::model::ImportReport;
use crate::store::Library;

/// The backup "undo last import" would restore, if there is one.
pub fn last_import_backup(lib: &Library) -> Result<Option<String>> {
    lib.last_import_backup()
}

/// Runs `apply` the safe way: an automatic backup first (into the
/// `backups/` folder beside the library), whose name `apply` records in its
/// transaction for [`undo_last_import`]. When the import changes nothing
/// (its report names no backup) or fails, the backup is removed again. A
/// library only in memory has no backup and no undo.
pub(super) fn with_backup(
    lib: &mut Library,
    apply: impl FnOnce(&mut Library, Option<&str>) -> Result<ImportReport>,
) -> Result<ImportReport> {
    if lib.path().is_none() {
        return apply(lib, None);
    }
    let info = backup::backup_auto(lib, None, None)?;
    let name = info
        .path
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_default();
    let result = apply(lib, Some(&name));
    let keep = matches!(&result, Ok(r) if r.backup.is_some());
    if !keep {
        // Nothing was changed (or the import failed and rolled back): the
        // backup is the library as it still is.
        let _ = std::fs::remove_file(&info.path);
    }
    result
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
