//! Lists the user makes: "Top 10 of 2023", "Comfort rewatches". A list has
//! a name, a Markdown description, ranked or not, and ordered items, each
//! an entry with an optional note; an entry can be on many lists.

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};

#[cfg(feature = "ts")]
use ts_rs::TS;

use super::EntrySummary;

/// The longest list name, in characters.
pub const MAX_LIST_NAME_CHARS: usize = 200;
/// The longest list description or item note, in characters.
pub const MAX_LIST_TEXT_CHARS: usize = 20_000;

/// A list as the sidebar and `watchlog lists` show it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "ts", derive(TS))]
pub struct ListSummary {
    pub id: i64,
    pub name: String,
    /// Markdown, shown through the one sanitising renderer.
    pub description: Option<String>,
    /// Ranked lists show each item's position as its rank.
    pub ranked: bool,
    /// How many entries are on the list.
    pub items: u32,
    #[cfg_attr(feature = "ts", ts(type = "string"))]
    pub created_at: DateTime<Utc>,
    #[cfg_attr(feature = "ts", ts(type = "string"))]
    pub updated_at: DateTime<Utc>,
}

/// One entry on a list, at its place.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "ts", derive(TS))]
pub struct ListItem {
    /// 1 for the first item; on a ranked list, its rank.
    pub position: u32,
    pub note: Option<String>,
    #[cfg_attr(feature = "ts", ts(type = "string"))]
    pub added_at: DateTime<Utc>,
    pub entry: EntrySummary,
}

/// A list with its items in order.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "ts", derive(TS))]
pub struct ListDetail {
    pub list: ListSummary,
    /// The description rendered and sanitised, for display.
    pub description_html: Option<String>,
    pub items: Vec<ListItem>,
}

/// A list to make.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "ts", derive(TS))]
pub struct NewList {
    pub name: String,
    #[serde(default)]
    #[cfg_attr(feature = "ts", ts(optional))]
    pub description: Option<String>,
    #[serde(default)]
    #[cfg_attr(feature = "ts", ts(optional))]
    pub ranked: Option<bool>,
}

/// A change to a list: only the keys sent change; `description: null`
/// empties it.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "ts", derive(TS))]
pub struct ListPatch {
    #[serde(default)]
    #[cfg_attr(feature = "ts", ts(optional))]
    pub name: Option<String>,
    #[serde(
        default,
        skip_serializing_if = "Option::is_none",
        deserialize_with = "super::present"
    )]
    #[cfg_attr(feature = "ts", ts(optional))]
    pub description: Option<Option<String>>,
    #[serde(default)]
    #[cfg_attr(feature = "ts", ts(optional))]
    pub ranked: Option<bool>,
}

/// What putting entries on a list did.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "ts", derive(TS))]
pub struct ListPut {
    /// Entries newly on the list.
    pub added: u32,
    /// Entries that were on it already, left where they were.
    pub already: u32,
    pub list: ListSummary,
}

/// One entry on a list, by id, as exports read it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ListMember {
    pub entry_id: i64,
    pub note: Option<String>,
    pub added_at: DateTime<Utc>,
}

/// A list as a file carries it (Watchlog JSON, another service's lists):
/// its items name entries of the same file by their index.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct IncomingList {
    pub name: String,
    pub description: Option<String>,
    pub ranked: bool,
    pub created_at: Option<DateTime<Utc>>,
    pub updated_at: Option<DateTime<Utc>>,
    /// In the list's order.
    pub items: Vec<IncomingListItem>,
}

/// One item of an [`IncomingList`].
#[derive(Debug, Clone, Default, PartialEq)]
pub struct IncomingListItem {
    /// Index into [`super::Incoming::entries`]; `None`: the file names a
    /// title it does not hold (reported, never dropped silently).
    pub entry: Option<usize>,
    /// The title as the file names it, for the report.
    pub title: String,
    pub note: Option<String>,
    pub added_at: Option<DateTime<Utc>>,
}
