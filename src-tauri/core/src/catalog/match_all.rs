//! Matching the library's shows and films that have no catalogue id (what
//! imports bring in) to TVmaze, or TMDB when a key is set (films: TMDB
//! only, so without a key they wait): the loop behind
//! `watchlog match` and the app's background matching. A certain or
//! clearly best match attaches the show (facts, ids, episode list, poster);
//! several close ones wait for the viewer with their candidates; a run cut
//! short (quit, cancel, offline) leaves the rest waiting for the next one.
//! Requests go through the catalogue client, so its per-host rate limit
//! sets the pace.

use std::collections::HashMap;
use std::path::Path;
use std::time::Instant;

use serde::{Deserialize, Serialize};

use super::{Catalog, CatalogRef, MatchOutcome, MatchQuery, MatchState, Provider};
use crate::error::{Error, Result};
use crate::model::EpisodeRef;
use crate::net::NetErrorKind;
use crate::progress::{CancelToken, Throttle};
use crate::store::Library;

#[cfg(feature = "ts")]
use ts_rs::TS;

/// Which entries [`match_all`] tries.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum MatchSelection {
    /// Every show waiting for a match, or found nothing for at an earlier
    /// try; the ambiguous ones wait for the viewer, and the kept ones are
    /// left alone.
    All,
    /// These entries, whatever their state (an entry that has a catalogue
    /// id already is reported as matched and not fetched again).
    Entries(Vec<i64>),
}

/// One entry of a matching run, reported as soon as it is done.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "ts", derive(TS))]
pub struct MatchProgress {
    pub done: u32,
    pub total: u32,
    pub entry_id: i64,
    pub title: String,
    pub outcome: MatchedAs,
    /// The time the rest should take at the pace so far (the catalogues'
    /// rate limits set it), in seconds.
    pub remaining_secs: u32,
}

/// How one entry's match ended.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ts", derive(TS))]
#[serde(rename_all = "snake_case")]
pub enum MatchedAs {
    /// The show is attached.
    Matched,
    /// Several fit; on the *Needs a match* list with its candidates.
    Ambiguous,
    NotFound,
    /// The catalogue failed for this one (the message says why); it waits
    /// for the next run.
    Failed,
}

/// One entry's outcome.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "ts", derive(TS))]
pub struct MatchedTitle {
    pub entry_id: i64,
    /// The catalogue's name once matched, else the entry's.
    pub title: String,
    pub outcome: MatchedAs,
    /// The show attached (`tvmaze:123`).
    pub source: Option<String>,
    /// Candidates offered, for an ambiguous one.
    pub candidates: u32,
    /// Why it was not matched, in words.
    pub error: Option<String>,
}

/// A whole run.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "ts", derive(TS))]
pub struct MatchRun {
    pub matched: u32,
    pub ambiguous: u32,
    pub not_found: u32,
    pub failed: u32,
    /// The viewer stopped it; entries not reached still wait.
    pub cancelled: bool,
    /// The catalogue could not be reached; entries not reached still wait.
    pub offline: bool,
    /// Films left waiting because only TMDB lists films and no TMDB key is
    /// set.
    pub films_need_key: u32,
    /// Watched episodes known by a TVDB episode id alone, placed in their
    /// shows' histories (TMDB told which show and episode each is).
    pub episodes_placed: u32,
    /// Such watches still waiting: TMDB does not know the episode, its
    /// show is not in the library, or there is no TMDB key to ask.
    pub episodes_waiting: u32,
    pub titles: Vec<MatchedTitle>,
}

/// Whether [`match_all`] with [`MatchSelection::All`] has anything to do
/// in `lib`: a show waiting, a film waiting while a TMDB key is set, or
/// (with a key) a watch waiting on a TVDB episode id not tried yet. A
/// background loop asks this before starting a run.
pub fn anything_to_match(lib: &Library, has_tmdb_key: bool) -> Result<bool> {
    let waiting = lib.unmatched()?.into_iter().any(|u| {
        u.state == MatchState::Waiting && (has_tmdb_key || u.kind != crate::model::Kind::Film)
    });
    Ok(waiting || (has_tmdb_key && !lib.waiting_episode_ids("tvdb")?.is_empty()))
}

/// Matches the selected entries of the library at `library`, one at a
/// time, each written as soon as it is known (so a quit keeps what was
/// done). No connection is held across the network.
pub async fn match_all(
    library: &Path,
    catalog: &Catalog,
    which: &MatchSelection,
    progress: Option<&(dyn Fn(MatchProgress) + Sync)>,
    cancel: &CancelToken,
) -> Result<MatchRun> {
    let mut run = MatchRun::default();
    let targets: Vec<(i64, MatchQuery)> = {
        let lib = Library::open(library)?;
        let ids: Vec<i64> = match which {
            MatchSelection::All => lib
                .unmatched()?
                .into_iter()
                .filter(|u| matches!(u.state, MatchState::Waiting | MatchState::NotFound))
                .map(|u| u.entry_id)
                .collect(),
            MatchSelection::Entries(ids) => ids.clone(),
        };
        let mut targets = Vec::with_capacity(ids.len());
        for id in ids {
            let e = lib.entry(id)?;
            if !lib.is_unmatched(id)? {
                run.matched += 1;
                run.titles.push(MatchedTitle {
                    entry_id: id,
                    title: e.title.facts.name.clone(),
                    outcome: MatchedAs::Matched,
                    source: super::refresh_source(&e).map(|s| s.to_string()),
                    candidates: 0,
                    error: None,
                });
                continue;
            }
            let f = &e.title.facts;
            targets.push((
                id,
                MatchQuery {
                    title: f.name.clone(),
                    original_title: f.original_name.clone(),
                    year: f.year,
                    kind: Some(f.kind),
                    external_ids: f.external_ids.clone(),
                },
            ));
        }
        targets
    };
    let has_key = catalog.config().tmdb_key.is_some();
    let providers: Vec<Provider> = std::iter::once(Provider::Tvmaze)
        .chain(has_key.then_some(Provider::Tmdb))
        .collect();
    let mut targets = targets;
    if !has_key {
        let before = targets.len();
        targets.retain(|(_, q)| q.kind != Some(crate::model::Kind::Film));
        run.films_need_key = (before - targets.len()) as u32;
    }
    let pace = Pace::new(targets.len());
    for (n, (entry_id, query)) in targets.into_iter().enumerate() {
        let Some(found) = cancel.race(find(catalog, &providers, &query)).await else {
            run.cancelled = true;
            break;
        };
        let title = match found {
            Err(e) if is_offline(&e) => {
                run.offline = true;
                break;
            }
            Err(e) => {
                run.failed += 1;
                failed(entry_id, &query.title, e)
            }
            Ok(found) => record(library, entry_id, &query.title, found, &mut run)?,
        };
        pace.step(
            progress,
            n + 1,
            entry_id,
            || title.title.clone(),
            title.outcome,
        );
        run.titles.push(title);
    }
    if !run.cancelled && !run.offline && has_key {
        place_episodes(library, catalog, progress, cancel, &mut run).await?;
    }
    run.episodes_waiting = Library::open(library)?.waiting_episode_count()? as u32;
    Ok(run)
}

/// Asks TMDB which show and episode each waiting TVDB episode id is and
/// places its watches (see [`Library::place_episode`]), one id at a time,
/// each written as soon as it is known. A show's own ids are asked once
/// per run.
async fn place_episodes(
    library: &Path,
    catalog: &Catalog,
    progress: Option<&(dyn Fn(MatchProgress) + Sync)>,
    cancel: &CancelToken,
    run: &mut MatchRun,
) -> Result<()> {
    let ids = Library::open(library)?.waiting_episode_ids("tvdb")?;
    let mut shows: HashMap<String, crate::model::ExternalIds> = HashMap::new();
    let pace = Pace::new(ids.len());
    for (n, id) in ids.iter().enumerate() {
        let ask = async {
            let Some((show, season, number)) = catalog.find_tvdb_episode(id).await? else {
                return Ok(None);
            };
            let show_ids = match shows.get(&show.id) {
                Some(s) => s.clone(),
                None => catalog.tmdb_show_ids(&show.id).await?,
            };
            Ok::<_, Error>(Some((show.id, show_ids, EpisodeRef { season, number })))
        };
        let Some(found) = cancel.race(ask).await else {
            run.cancelled = true;
            break;
        };
        let mut lib = Library::open(library)?;
        let (entry_id, outcome) = match found {
            Err(e) if is_offline(&e) => {
                run.offline = true;
                break;
            }
            // This one only: asked again next run.
            Err(_) => (0, MatchedAs::Failed),
            Ok(None) => {
                lib.episode_not_found("tvdb", id)?;
                (0, MatchedAs::NotFound)
            }
            Ok(Some((show, show_ids, episode))) => {
                shows.insert(show, show_ids.clone());
                let placed = lib.place_episode("tvdb", id, &show_ids, episode)?;
                if placed.is_empty() {
                    (0, MatchedAs::NotFound)
                } else {
                    run.episodes_placed += 1;
                    (placed[0], MatchedAs::Matched)
                }
            }
        };
        pace.step(
            progress,
            n + 1,
            entry_id,
            || format!("TVDB episode {id}"),
            outcome,
        );
    }
    Ok(())
}

/// A matching loop's progress: reported about once a percent, with the
/// time the rest should take at the pace so far.
struct Pace {
    throttle: Throttle,
    total: usize,
    started: Instant,
}

impl Pace {
    fn new(total: usize) -> Self {
        Pace {
            throttle: Throttle::new(total),
            total,
            started: Instant::now(),
        }
    }

    /// Reports that `done` of the loop's steps are over, the last one
    /// `entry_id` (named by `title`) ending as `outcome`.
    fn step(
        &self,
        progress: Option<&(dyn Fn(MatchProgress) + Sync)>,
        done: usize,
        entry_id: i64,
        title: impl FnOnce() -> String,
        outcome: MatchedAs,
    ) {
        let Some(report) = progress.filter(|_| self.throttle.due(done)) else {
            return;
        };
        let per = self.started.elapsed().as_secs_f64() / done as f64;
        report(MatchProgress {
            done: done as u32,
            total: self.total as u32,
            entry_id,
            title: title(),
            outcome,
            remaining_secs: (per * self.total.saturating_sub(done) as f64).ceil() as u32,
        });
    }
}

/// What the catalogues say of one title: the first provider that finds
/// anything decides. A certain match comes with its details, a likely one
/// is fetched.
async fn find(
    catalog: &Catalog,
    providers: &[Provider],
    query: &MatchQuery,
) -> Result<MatchOutcome> {
    for &provider in providers {
        match catalog.match_title(provider, query).await? {
            MatchOutcome::NotFound => continue,
            MatchOutcome::Likely(r) => {
                let details = catalog.details(&r.catalog_ref()).await?;
                return Ok(MatchOutcome::Exact(Box::new(details)));
            }
            other => return Ok(other),
        }
    }
    Ok(MatchOutcome::NotFound)
}

/// Writes one outcome, and says what it was.
fn record(
    library: &Path,
    entry_id: i64,
    name: &str,
    found: MatchOutcome,
    run: &mut MatchRun,
) -> Result<MatchedTitle> {
    let mut lib = Library::open(library)?;
    let mut title = MatchedTitle {
        entry_id,
        title: name.to_string(),
        outcome: MatchedAs::NotFound,
        source: None,
        candidates: 0,
        error: None,
    };
    match found {
        MatchOutcome::Exact(details) => match lib.attach_match(entry_id, &details) {
            Ok(e) => {
                run.matched += 1;
                title.outcome = MatchedAs::Matched;
                title.source = super::refresh_source(&e).map(|s| s.to_string());
                title.title = e.title.facts.name;
            }
            // The show is in the library already, as another entry.
            Err(Error::Conflict(m)) => {
                run.not_found += 1;
                let note = format!("the show it matches is in the library already: {m}");
                lib.record_match(entry_id, MatchState::NotFound, &[], Some(&note))?;
                title.error = Some(note);
            }
            Err(e) => return Err(e),
        },
        MatchOutcome::Ambiguous(candidates) => {
            run.ambiguous += 1;
            lib.record_match(entry_id, MatchState::Ambiguous, &candidates, None)?;
            title.outcome = MatchedAs::Ambiguous;
            title.candidates = candidates.len() as u32;
        }
        MatchOutcome::NotFound | MatchOutcome::Likely(_) => {
            run.not_found += 1;
            lib.record_match(entry_id, MatchState::NotFound, &[], None)?;
        }
    }
    Ok(title)
}

fn failed(entry_id: i64, name: &str, e: Error) -> MatchedTitle {
    MatchedTitle {
        entry_id,
        title: name.to_string(),
        outcome: MatchedAs::Failed,
        source: None,
        candidates: 0,
        error: Some(e.to_string()),
    }
}

/// A failure that would fail every other entry too: stop and keep them
/// waiting.
fn is_offline(e: &Error) -> bool {
    matches!(
        e,
        Error::Network {
            kind: NetErrorKind::Offline | NetErrorKind::Timeout | NetErrorKind::RateLimited,
            ..
        }
    )
}

/// Settles an entry by hand: attaches the show the viewer picked among
/// the candidates (or found themselves).
pub async fn pick(
    library: &Path,
    catalog: &Catalog,
    entry_id: i64,
    show: &CatalogRef,
) -> Result<crate::model::Entry> {
    let details = catalog.details(show).await?;
    Library::open(library)?.attach_match(entry_id, &details)
}
