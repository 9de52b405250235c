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
///
/// Reads go through a second connection of their own (`reader`): in WAL
/// mode a reader sees the last committed state and never waits for a
/// writer, so the library view and the editor stay quick while a write, or
/// long work on the write connection, is under way. Long reads (an export)
/// open a connection of their own so they hold neither.
pub struct AppState {
    library: Mutex<Result<Library, ErrorPayload>>,
    reader: Mutex<Option<Library>>,
    /// Why the library could not be opened, if it could not: what readers
    /// answer, without waiting on the write connection to ask it.
    unavailable: Mutex<Option<ErrorPayload>>,
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

/// The read connection, for the length of one reading command.
pub struct ReaderGuard<'a>(MutexGuard<'a, Option<Library>>);

impl Deref for ReaderGuard<'_> {
    type Target = Library;
    fn deref(&self) -> &Library {
        // `AppState::reader` opens it before handing out a guard.
        self.0.as_ref().expect("an open read connection")
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
            unavailable: Mutex::new(library.as_ref().err().cloned()),
            library: Mutex::new(library),
            reader: Mutex::new(None),
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

    /// The write connection if no one holds it now, for work that may be
    /// skipped when it is busy (marking a poster as recently shown).
    pub fn try_library(&self) -> Option<LibraryGuard<'_>> {
        let guard = match self.library.try_lock() {
            Ok(g) => g,
            Err(std::sync::TryLockError::Poisoned(p)) => p.into_inner(),
            Err(std::sync::TryLockError::WouldBlock) => return None,
        };
        guard.is_ok().then(|| LibraryGuard(guard))
    }

    /// The read connection, for one command that only reads. It never waits
    /// for the write connection, only for another read.
    pub fn reader(&self) -> CommandResult<ReaderGuard<'_>> {
        // A restore holds this lock while it swaps the file.
        let mut guard = self.reader.lock().unwrap_or_else(|p| p.into_inner());
        if let Some(e) = self.unavailable() {
            return Err(CommandError(e));
        }
        if guard.is_none() {
            *guard = Some(Library::open(&self.path)?);
        }
        Ok(ReaderGuard(guard))
    }

    /// A connection of its own, for a long read (an export) that should hold
    /// neither the write nor the read connection for its length.
    pub fn own_connection(&self) -> CommandResult<Library> {
        if let Some(e) = self.unavailable() {
            return Err(CommandError(e));
        }
        Ok(Library::open(&self.path)?)
    }

    fn unavailable(&self) -> Option<ErrorPayload> {
        self.unavailable
            .lock()
            .unwrap_or_else(|p| p.into_inner())
            .clone()
    }

    /// Closes the library, runs `f` on its path (which may replace the
    /// file), then opens the file again, whether `f` succeeded or not. Other
    /// commands wait meanwhile. Used by restore, which must not replace a
    /// file the app still holds open.
    pub fn with_library_closed<T>(
        &self,
        f: impl FnOnce(&Path) -> watchlog_core::Result<T>,
    ) -> CommandResult<T> {
        // The read side first, as `reader` takes it: reads wait for the swap.
        let mut reader = self.reader.lock().unwrap_or_else(|p| p.into_inner());
        let mut guard = self.lock();
        // Dropping the old values closes their connections (and the WAL).
        *reader = None;
        *guard = Err(ErrorPayload::new("busy", "the library is being replaced"));
        let result = f(&self.path);
        *guard = open(&self.path);
        *self.unavailable.lock().unwrap_or_else(|p| p.into_inner()) = guard.as_ref().err().cloned();
        drop(guard);
        drop(reader);
        Ok(result?)
    }
}
