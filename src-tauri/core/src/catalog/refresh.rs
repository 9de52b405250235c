//! Refreshing titles from their catalogue: which show an entry refreshes
//! from, and the progress a long refresh reports. The fetching and writing
//! stay with the callers (the CLI one title at a time on its blocking
//! catalogue, the app on a background task it can cancel); what both must
//! agree on lives here.

use serde::{Deserialize, Serialize};

use super::{CatalogRef, Provider};
use crate::model::Entry;

#[cfg(feature = "ts")]
use ts_rs::TS;

/// The catalogue show an entry is refreshed from: TVmaze when it has a
/// TVmaze id (no key needed), else TMDB. `None` for a title typed in by
/// hand.
pub fn refresh_source(entry: &Entry) -> Option<CatalogRef> {
    let ids = &entry.title.facts.external_ids;
    let clean = |v: &Option<String>| {
        v.as_deref()
            .map(str::trim)
            .filter(|s| !s.is_empty() && s.chars().all(|c| c.is_ascii_digit()))
            .map(str::to_string)
    };
    clean(&ids.tvmaze)
        .map(|id| CatalogRef::new(Provider::Tvmaze, id))
        .or_else(|| clean(&ids.tmdb).map(|id| CatalogRef::new(Provider::Tmdb, id)))
}

/// One title of a refresh, reported as soon as it is done.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "ts", derive(TS))]
pub struct RefreshProgress {
    /// Titles finished so far, this one included.
    pub done: u32,
    pub total: u32,
    pub entry_id: i64,
    pub name: String,
    /// Why this title was not refreshed; `None` when it was.
    pub error: Option<String>,
}

/// How a whole refresh ended.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ts", derive(TS))]
pub struct RefreshSummary {
    pub refreshed: u32,
    pub failed: u32,
    /// The user stopped it; titles not reached were left as they were.
    pub cancelled: bool,
}
