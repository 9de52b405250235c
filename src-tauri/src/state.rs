//! The app's shared state: the open library, or why it could not be opened.

use std::path::{Path, PathBuf};
use std::sync::{Mutex, MutexGuard};

use watchlog_core::{ErrorPayload, Library};

use crate::error::{CommandError, CommandResult};

/// The library every command works on. If the file could not be opened (a
/// newer Watchlog wrote it, it is damaged, it is another program's), the app
/// still starts and every command answers with that reason, so the window
/// can say what is wrong instead of vanishing.
pub struct AppState {
    library: Result<Mutex<Library>, ErrorPayload>,
    path: PathBuf,
}

impl AppState {
    pub fn open(path: &Path) -> Self {
        AppState {
            library: Library::open(path)
                .map(Mutex::new)
                .map_err(|e| ErrorPayload::from(&e)),
            path: path.to_path_buf(),
        }
    }

    pub fn path(&self) -> &Path {
        &self.path
    }

    /// The library, locked for the length of one command.
    pub fn library(&self) -> CommandResult<MutexGuard<'_, Library>> {
        match &self.library {
            // A panic while holding the lock cannot leave SQLite half-written
            // (every write is a transaction), so a poisoned lock is safe to reuse.
            Ok(m) => Ok(m.lock().unwrap_or_else(|p| p.into_inner())),
            Err(e) => Err(CommandError(e.clone())),
        }
    }
}
