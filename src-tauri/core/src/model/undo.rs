//! Changes that can be taken back: a delete, a bulk change of a
//! selection. Each returns an [`UndoStep`] the faces hold while they offer
//! "Undo"; the store keeps what reverses it.

use serde::{Deserialize, Serialize};

#[cfg(feature = "ts")]
use ts_rs::TS;

use super::{ListPut, Status};

/// A change the library can still take back, named for the user.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ts", derive(TS))]
pub struct UndoStep {
    /// What `undo` is given to take this change back.
    pub id: u64,
    /// What was done, in words ("Deleted “Move to Heaven”", "Changed 3
    /// titles").
    pub label: String,
    /// How many entries the change touched.
    pub entries: u32,
}

/// One change applied to every entry of a selection, in one transaction:
/// each key given is applied, the others are left alone.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "ts", derive(TS))]
pub struct BulkChange {
    /// The status to give each entry, with what it implies (a start or
    /// finish date filled, the progress of a completed title), as a single
    /// edit does.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[cfg_attr(feature = "ts", ts(optional))]
    pub status: Option<Status>,
    /// The platform of each entry's current viewing; `null` clears it.
    #[serde(
        default,
        skip_serializing_if = "Option::is_none",
        deserialize_with = "super::present"
    )]
    #[cfg_attr(feature = "ts", ts(optional))]
    pub platform: Option<Option<String>>,
    /// Tags each entry gains (one it has in any case is kept as it is).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    #[cfg_attr(feature = "ts", ts(as = "Option<Vec<String>>", optional))]
    pub add_tags: Vec<String>,
    /// Tags each entry loses, in any case.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    #[cfg_attr(feature = "ts", ts(as = "Option<Vec<String>>", optional))]
    pub remove_tags: Vec<String>,
    /// A list to put every entry on, at its end (those on it stay put).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[cfg_attr(feature = "ts", ts(optional))]
    pub list: Option<i64>,
}

impl BulkChange {
    /// Whether the change asks for nothing at all.
    pub fn is_empty(&self) -> bool {
        self.status.is_none()
            && self.platform.is_none()
            && self.add_tags.is_empty()
            && self.remove_tags.is_empty()
            && self.list.is_none()
    }
}

/// What a bulk change did.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "ts", derive(TS))]
pub struct BulkReport {
    /// Entries whose record (status, platform, tags) changed.
    pub changed: u32,
    /// Entries whose record already was as asked.
    pub unchanged: u32,
    /// When a list was given: what putting them on it did.
    pub list: Option<ListPut>,
}

/// A bulk change with the step that takes it back.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "ts", derive(TS))]
pub struct BulkOutcome {
    pub report: BulkReport,
    pub undo: UndoStep,
}
