//! One error type for the whole core. Every variant carries a human message
//! (its `Display`) and a stable machine `code` that the CLI, the IPC layer and
//! scripts can branch on.

use std::path::PathBuf;

/// Everything the core can fail with.
#[derive(Debug, thiserror::Error)]
pub enum Error {
    /// The user gave a value the core cannot accept. The message names the
    /// field and says what is allowed.
    #[error("{0}")]
    InvalidInput(String),

    /// A value the core cannot accept, in a named field of what was sent:
    /// a key of `EntryFields`, `TitleFacts` or `ViewingDetails`
    /// (`progress`, `year`, `scores.story`…). The faces show the message
    /// beside that field.
    #[error("{message}")]
    InvalidField {
        field: &'static str,
        message: String,
    },

    /// The input can be read more than one way and the user must pick
    /// (which profile of a Netflix export, which date order): `field` is
    /// the option to set (`profile`, `date_order`) and `choices` the values
    /// it can take, so a face can offer them without reading the message.
    #[error("{message}")]
    NeedsChoice {
        field: &'static str,
        choices: Vec<String>,
        message: String,
    },

    /// No entry, platform or viewing with that id.
    #[error("there is no {what} with id {id}")]
    NotFound { what: &'static str, id: i64 },

    /// A name that must be unique is already taken.
    #[error("{0}")]
    Conflict(String),

    /// The file was written by a newer Watchlog; opening it would risk the
    /// user's data, so it is left untouched.
    #[error(
        "{path} was written by a newer version of Watchlog (library format {found}; this version reads up to {supported}). Update Watchlog to open it; the file was not changed."
    )]
    NewerDatabase {
        path: PathBuf,
        found: i64,
        supported: i64,
    },

    /// A readable SQLite file that belongs to some other program.
    #[error("{path} is not a Watchlog library (it is a database of another program); the file was not changed")]
    NotALibrary { path: PathBuf },

    /// Not an SQLite file at all, or one damaged beyond reading.
    #[error("{path} is not a Watchlog library or is damaged ({detail}); the file was not changed")]
    Corrupt { path: PathBuf, detail: String },

    /// A file could not be read or written.
    #[error("{context}: {source}")]
    Io {
        context: String,
        #[source]
        source: std::io::Error,
    },

    /// A catalogue or other web service could not be used: offline, too
    /// slow, refused, or answered nonsense. The message names the service
    /// and says what to do; the kind gives the code.
    #[error("{message}")]
    Network {
        kind: crate::net::NetErrorKind,
        message: String,
    },

    /// The user stopped a long operation (an import); nothing was changed.
    #[error("{0}")]
    Cancelled(String),

    /// The disk holding the library (or a file being written) is full.
    /// SQLite rolls the transaction back, so nothing was changed.
    #[error("the disk is full, so nothing was changed; free some space and try again")]
    DiskFull,

    /// The disk holding the sync folder filled up while this device's
    /// change file was written. The file is not left behind, and the
    /// library still counts those changes as not written, so they go out
    /// with the next sync; what the same sync applied from other devices
    /// before it stays applied.
    #[error(
        "the disk holding the sync folder {} is full, so this device's latest changes could not \
         be written there; they are kept here and go out with the next sync once there is room",
        folder.display()
    )]
    SyncFolderFull { folder: PathBuf },

    /// Another Watchlog (the app or the CLI) kept the library's write lock
    /// longer than a write waits for it. Nothing was changed.
    #[error(
        "the library is busy: another Watchlog (the app or the `watchlog` command) has been \
         writing to it for over {} seconds; nothing was changed, try again when it has finished",
        crate::store::BUSY_WAIT_SECS
    )]
    Busy,

    /// An undo that cannot be done; nothing was changed.
    #[error("{0}")]
    Undo(UndoRefusal),

    /// An unexpected SQLite failure.
    #[error("database error: {0}")]
    Database(rusqlite::Error),
}

impl Error {
    /// A short, stable identifier for the kind of failure.
    pub fn code(&self) -> &'static str {
        match self {
            Error::InvalidInput(_) | Error::InvalidField { .. } => "invalid_input",
            Error::NeedsChoice { .. } => "needs_choice",
            Error::NotFound { .. } => "not_found",
            Error::Conflict(_) => "conflict",
            Error::NewerDatabase { .. } => "newer_database",
            Error::NotALibrary { .. } => "not_a_library",
            Error::Corrupt { .. } => "corrupt_database",
            Error::Io { .. } => "io",
            Error::Network { kind, .. } => kind.code(),
            Error::Cancelled(_) => "cancelled",
            // The same answer for a face: free some space, try again.
            Error::DiskFull | Error::SyncFolderFull { .. } => "disk_full",
            Error::Busy => "busy",
            Error::Undo(r) => r.code(),
            Error::Database(_) => "database",
        }
    }

    /// The input field the error is about, when it is about one.
    pub fn field(&self) -> Option<&'static str> {
        match self {
            Error::InvalidField { field, .. } | Error::NeedsChoice { field, .. } => Some(field),
            _ => None,
        }
    }

    pub(crate) fn invalid(msg: impl Into<String>) -> Self {
        Error::InvalidInput(msg.into())
    }

    pub(crate) fn invalid_field(field: &'static str, msg: impl Into<String>) -> Self {
        Error::InvalidField {
            field,
            message: msg.into(),
        }
    }

    pub(crate) fn io(context: impl Into<String>, source: std::io::Error) -> Self {
        Error::Io {
            context: context.into(),
            source,
        }
    }
}

/// Why a change cannot be taken back.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum UndoRefusal {
    /// The step was taken back before.
    #[error("That change was already undone.")]
    AlreadyUndone,
    /// No such step: never made, or too old to be kept (a library keeps
    /// its last few, and forgets them when it is closed).
    #[error("That change can no longer be undone.")]
    Unknown,
    /// What the step changed was changed again since (by this face or the
    /// other); `what` names it ("“Move to Heaven”", "One of the 3 titles").
    #[error("{what} was changed since, so it can't be undone; nothing was changed.")]
    ChangedSince { what: String },
}

impl UndoRefusal {
    pub fn code(&self) -> &'static str {
        match self {
            UndoRefusal::AlreadyUndone => "already_undone",
            UndoRefusal::Unknown => "undo_unknown",
            UndoRefusal::ChangedSince { .. } => "changed_since",
        }
    }
}

impl From<rusqlite::Error> for Error {
    fn from(e: rusqlite::Error) -> Self {
        match e.sqlite_error_code() {
            // SQLITE_FULL: a write found no room. The statement's
            // transaction is rolled back, so the library is as it was.
            Some(rusqlite::ErrorCode::DiskFull) => Error::DiskFull,
            // Only after the busy handler gave up waiting.
            Some(rusqlite::ErrorCode::DatabaseBusy) => Error::Busy,
            _ => Error::Database(e),
        }
    }
}

impl From<rusqlite_migration::Error> for Error {
    fn from(e: rusqlite_migration::Error) -> Self {
        match e {
            rusqlite_migration::Error::RusqliteError { err, .. } => Error::from(err),
            other => Error::InvalidInput(format!("library upgrade failed: {other}")),
        }
    }
}

/// The one shape an error takes when it leaves the core: over IPC to the UI
/// and in the CLI's JSON output (`--json` prints it on stderr).
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct ErrorPayload {
    pub code: String,
    pub message: String,
    /// The input field the error is about (`progress`, `year`…), so a face
    /// can show it beside that field without reading the message.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[cfg_attr(feature = "ts", ts(optional))]
    pub field: Option<String>,
    /// For `needs_choice`: the values `field` can take, to offer them.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[cfg_attr(feature = "ts", ts(optional))]
    pub choices: Option<Vec<String>>,
}

impl ErrorPayload {
    /// A payload for a failure that is not the core's (a face's own).
    pub fn new(code: &str, message: impl Into<String>) -> Self {
        ErrorPayload {
            code: code.into(),
            message: message.into(),
            field: None,
            choices: None,
        }
    }
}

impl From<&Error> for ErrorPayload {
    fn from(e: &Error) -> Self {
        ErrorPayload {
            code: e.code().to_string(),
            message: e.to_string(),
            field: e.field().map(str::to_string),
            choices: match e {
                Error::NeedsChoice { choices, .. } => Some(choices.clone()),
                _ => None,
            },
        }
    }
}

pub type Result<T, E = Error> = std::result::Result<T, E>;
