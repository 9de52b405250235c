//! Refreshing titles from their catalogue: which show an entry refreshes
//! from, and the loop that refreshes many of them ([`refresh_all`]) with
//! progress and cancel. The app runs it in the background, the CLI blocks
//! on it (`BlockingCatalog::refresh_all`); both only draw what it reports.

use std::path::Path;

use chrono::Utc;
use serde::{Deserialize, Serialize};

use super::{Catalog, CatalogRef, Provider};
use crate::error::Result;
use crate::model::{Entry, ListQuery};
use crate::progress::{CancelToken, Throttle};
use crate::store::Library;

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
    if entry.title.facts.kind == crate::model::Kind::Film {
        // TVmaze lists no films; TMDB numbers its films apart from shows,
        // and a film's TMDB id is kept as `movie/603`.
        let tmdb = ids.tmdb.as_deref().map(str::trim);
        let id = tmdb.map(|t| t.strip_prefix(super::tmdb::FILM).unwrap_or(t));
        return id
            .filter(|s| !s.is_empty() && s.chars().all(|c| c.is_ascii_digit()))
            .map(CatalogRef::tmdb_film);
    }
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
    /// Airing shows passed over because TVmaze says they have not changed.
    #[serde(default)]
    pub unchanged: u32,
}

/// Which entries [`refresh_all`] refreshes.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum RefreshSelection {
    /// Every entry that came from a catalogue, by id; titles typed in by
    /// hand are passed over.
    All,
    /// These entries, in this order. An unknown id fails the run before any
    /// request; a title typed in by hand is reported as not refreshed.
    Entries(Vec<i64>),
    /// Shows that are running or upcoming and being watched, planned or on
    /// hold. TVmaze shows that TVmaze says have not changed since the last
    /// such refresh are passed over (one request lists the changed ones);
    /// a finished run is recorded as the last refresh.
    Airing,
}

/// What happened to one title of a refresh.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RefreshedTitle {
    pub entry_id: i64,
    /// The refreshed name when it was refreshed, else the stored one.
    pub name: String,
    /// The catalogue show it was refreshed from; `None` for a title typed
    /// in by hand.
    pub source: Option<CatalogRef>,
    /// The episode count after the refresh, where the catalogue knows it.
    pub episodes: Option<u32>,
    /// Why it was not refreshed; `None` when it was.
    pub error: Option<String>,
}

/// A whole refresh: the summary the app shows, and every title's outcome
/// (titles typed in by hand first, then the others in order; titles a
/// cancel left out are not listed).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct RefreshRun {
    pub summary: RefreshSummary,
    pub titles: Vec<RefreshedTitle>,
}

/// Refreshes the selected entries of the library at `library`, one title at
/// a time: its facts are fetched, then written in one transaction; a
/// failure is reported and the others go on. `progress` gets every failure,
/// each whole percent and the last title; `cancel` stops the run at once,
/// dropping a request in flight, and the titles already written stay
/// written.
///
/// No connection is held across the network: the targets are read first,
/// and each write opens the library for itself, so the app's own
/// connection stays free meanwhile (WAL lets both work) and a library
/// restored during the run is the one written to.
pub async fn refresh_all(
    library: &Path,
    catalog: &Catalog,
    which: &RefreshSelection,
    progress: Option<&(dyn Fn(RefreshProgress) + Sync)>,
    cancel: &CancelToken,
) -> Result<RefreshRun> {
    let mut run = RefreshRun::default();
    let mut targets = Vec::new();
    let started = Utc::now();
    {
        let lib = Library::open(library)?;
        let ids = match which {
            RefreshSelection::Airing => {
                let airing = lib.airing_entries()?;
                let changed = match lib.airing_refreshed_at()?.and_then(|t| since(started - t)) {
                    Some(window) => Some(super::tvmaze::updates(catalog, window).await?),
                    None => None,
                };
                let mut ids = Vec::new();
                for (id, stamp) in airing {
                    let e = lib.entry(id)?;
                    let tvmaze = e.title.facts.external_ids.tvmaze.clone();
                    let unchanged = match (&changed, tvmaze, stamp) {
                        (Some(changed), Some(show), Some(stamp)) => {
                            changed.get(&show).is_none_or(|&now| now == stamp)
                        }
                        _ => false,
                    };
                    if unchanged {
                        run.summary.unchanged += 1;
                    } else {
                        ids.push(id);
                    }
                }
                ids
            }
            RefreshSelection::All => {
                let mut ids: Vec<i64> = lib
                    .list(&ListQuery::default())?
                    .iter()
                    .map(|e| e.id)
                    .collect();
                ids.sort_unstable();
                ids
            }
            RefreshSelection::Entries(ids) => ids.clone(),
        };
        for id in ids {
            let e = lib.entry(id)?;
            match refresh_source(&e) {
                Some(source) => targets.push((id, e.title.facts.name, source)),
                None if matches!(which, RefreshSelection::Entries(_)) => {
                    run.summary.failed += 1;
                    run.titles.push(RefreshedTitle {
                        entry_id: id,
                        name: e.title.facts.name,
                        source: None,
                        episodes: None,
                        error: Some("it has no TVmaze or TMDB id (it was added by hand)".into()),
                    });
                }
                None => {}
            }
        }
    }
    let throttle = Throttle::new(targets.len());
    let total = targets.len() as u32;
    for (n, (entry_id, name, source)) in targets.into_iter().enumerate() {
        let Some(details) = cancel.race(catalog.details(&source)).await else {
            run.summary.cancelled = true;
            break;
        };
        let result = details.and_then(|d| Library::open(library)?.refresh_title(entry_id, &d));
        let error = result.as_ref().err().map(|e| e.to_string());
        if error.is_some() {
            run.summary.failed += 1;
        } else {
            run.summary.refreshed += 1;
        }
        let done = n + 1;
        if let Some(report) = progress.filter(|_| error.is_some() || throttle.due(done)) {
            report(RefreshProgress {
                done: done as u32,
                total,
                entry_id,
                name: name.clone(),
                error: error.clone(),
            });
        }
        let (name, episodes) = match result {
            Ok(e) => (e.title.facts.name, e.title.facts.episodes),
            Err(_) => (name, None),
        };
        run.titles.push(RefreshedTitle {
            entry_id,
            name,
            source: Some(source),
            episodes,
            error,
        });
    }
    if matches!(which, RefreshSelection::Airing) && !run.summary.cancelled {
        Library::open(library)?.set_airing_refreshed_at(started)?;
    }
    Ok(run)
}

/// The window of TVmaze's list of changed shows that covers `age`, if one
/// does (it goes back a day, a week or a month).
fn since(age: chrono::Duration) -> Option<&'static str> {
    [(1, "day"), (7, "week"), (30, "month")]
        .into_iter()
        .find(|&(days, _)| age <= chrono::Duration::days(days))
        .map(|(_, w)| w)
}
