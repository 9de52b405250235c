//! Sync between devices through a folder a file-sync engine keeps in step
//! (Syncthing, Dropbox, a network share): what the faces show of it.

use serde::{Deserialize, Serialize};

#[cfg(feature = "ts")]
use ts_rs::TS;

/// Where this library syncs, and how far it has come with each device.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ts", derive(TS))]
pub struct SyncStatus {
    /// Whether this library is linked to a sync folder.
    pub linked: bool,
    /// The folder, as given to `sync init`.
    pub folder: Option<String>,
    /// This device.
    pub device: Option<SyncDevice>,
    /// The other devices whose change files are in the folder.
    pub devices: Vec<SyncDevice>,
    /// Edits made here that are not yet written to the folder.
    pub pending: u32,
    /// The newest merge decisions, newest first.
    pub decisions: Vec<SyncDecision>,
}

/// A device that writes change files into the sync folder.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ts", derive(TS))]
pub struct SyncDevice {
    pub id: String,
    pub name: String,
    /// How many of its change files this library holds (for this device:
    /// has written).
    pub files: u64,
    /// When its last change file read here was written (RFC 3339).
    pub last_change: Option<String>,
    /// Why its next file is not applied yet, in words.
    pub problem: Option<String>,
}

/// What one sync did.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ts", derive(TS))]
pub struct SyncReport {
    /// The number of the change file written, when there was anything to
    /// write.
    pub written: Option<u64>,
    /// Rows in the file written.
    pub rows_out: u32,
    /// Change files of other devices applied.
    pub files_in: u32,
    /// Rows in them.
    pub rows_in: u32,
    /// Merge decisions added to the log (two devices changed one field).
    pub decisions: u32,
    /// Files that could not be applied yet, each in words.
    pub problems: Vec<String>,
}

/// One thing the merge decided, for the conflict log.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ts", derive(TS))]
pub struct SyncDecision {
    /// When it was decided (RFC 3339).
    pub at: String,
    /// The other device's name.
    pub device: String,
    /// What the row is ("“Move to Heaven”", "tag “cosy”").
    pub what: String,
    /// The field ("rating"), or "deleted".
    pub field: String,
    /// The value the library holds now.
    pub kept: Option<String>,
    /// The value that lost.
    pub other: Option<String>,
    /// The rule that decided, in words.
    pub outcome: String,
}
