//! The app's shared state: the open library, or why it could not be opened.

use std::ops::{Deref, DerefMut};
use std::path::{Path, PathBuf};
use std::sync::{Mutex, MutexGuard};

use watchlog_core::backup::{self, Recovery};
use watchlog_core::{Error, ErrorPayload, Library};

use crate::error::{CommandError, CommandResult};

/// The library every command works on. If the file could not be opened (a
/// newer Watchlog wrote it, it is damaged, it is another program's), the app
/// still starts and every command answers with that reason, so the window
/// can say what is wrong instead of vanishing.
///
/// The library sits inside the mutex (rather than the mutex inside a
/// fixed result) so a restore can close it, replace the file and open the
/// new one while every other command waits.
pub struct AppState {
    library: Mutex<Result<Library, ErrorPayload>>,
    path: PathBuf,
    /// Set when the library was found damaged at start and moved aside: the
    /// window offers the newest good backup until the user restores or
    /// dismisses it.
    recovery: Mutex<Option<Recovery>>,
}

/// The locked library, for the length of one command.
pub struct LibraryGuard<'a>(MutexGuard<'a, Result<Library, ErrorPayload>>);

impl Deref for LibraryGuard<'_> {
    type Target = Library;
    fn deref(&self) -> &Library {
        // `AppState::library` only hands out guards over an open library.
        self.0.as_ref().expect("an open library")
    }
}

impl DerefMut for LibraryGuard<'_> {
    fn deref_mut(&mut self) -> &mut Library {
        self.0.as_mut().expect("an open library")
    }
}

fn open(path: &Path) -> Result<Library, ErrorPayload> {
    Library::open(path).map_err(|e| ErrorPayload::from(&e))
}

impl AppState {
    /// Opens the library at `path`. A damaged one (SQLite cannot read it)
    /// is moved aside with its side files and a new library takes its
    /// place, so the app works at once and can restore the newest good
    /// backup in one click. A newer or foreign file is never moved: it is
    /// someone's data that this version must not touch.
    pub fn open(path: &Path) -> Self {
        let (library, recovery) = match Library::open(path) {
            Err(e @ Error::Corrupt { .. }) => match backup::recover_damaged(path, &e) {
                Ok(recovery) => (open(path), Some(recovery)),
                Err(moving) => (Err(ErrorPayload::from(&moving)), None),
            },
            other => (other.map_err(|e| ErrorPayload::from(&e)), None),
        };
        AppState {
            library: Mutex::new(library),
            path: path.to_path_buf(),
            recovery: Mutex::new(recovery),
        }
    }

    /// The damaged library moved aside at start, while the user has not
    /// restored a backup or dismissed the offer.
    pub fn recovery(&self) -> Option<Recovery> {
        self.recovery
            .lock()
            .unwrap_or_else(|p| p.into_inner())
            .clone()
    }

    /// Forgets the recovery offer (after a restore, or when dismissed).
    pub fn dismiss_recovery(&self) {
        *self.recovery.lock().unwrap_or_else(|p| p.into_inner()) = None;
    }

    pub fn path(&self) -> &Path {
        &self.path
    }

    fn lock(&self) -> MutexGuard<'_, Result<Library, ErrorPayload>> {
        // A panic while holding the lock cannot leave SQLite half-written
        // (every write is a transaction), so a poisoned lock is safe to reuse.
        self.library.lock().unwrap_or_else(|p| p.into_inner())
    }

    /// The library, locked for the length of one command.
    pub fn library(&self) -> CommandResult<LibraryGuard<'_>> {
        let guard = self.lock();
        match &*guard {
            Ok(_) => Ok(LibraryGuard(guard)),
            Err(e) => Err(CommandError(e.clone())),
        }
    }

    /// Closes the library, runs `f` on its path (which may replace the
    /// file), then opens the file again, whether `f` succeeded or not. Other
    /// commands wait meanwhile. Used by restore, which must not replace a
    /// file the app still holds open.
    pub fn with_library_closed<T>(
        &self,
        f: impl FnOnce(&Path) -> watchlog_core::Result<T>,
    ) -> CommandResult<T> {
        let mut guard = self.lock();
        // Dropping the old value closes its connection (and its WAL).
        *guard = Err(ErrorPayload::new("busy", "the library is being replaced"));
        let result = f(&self.path);
        *guard = open(&self.path);
        Ok(result?)
    }
}
