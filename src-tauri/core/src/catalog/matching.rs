//! Matching a title from elsewhere (an import row, a hand-typed entry) to a
//! catalogue show. Catalogue ids decide when there are any; otherwise the
//! name is searched and each result scored on its folded name, original
//! name, year (±1, since a December premiere is often listed under the next
//! year elsewhere) and kind. Two results scoring close is "ambiguous": the
//! importer asks the user instead of guessing.

use serde::{Deserialize, Serialize};

use super::{Catalog, Details, Provider, SearchResult};
use crate::error::Result;
use crate::model::{ExternalIds, Kind};
use crate::text::fold;

#[cfg(feature = "ts")]
use ts_rs::TS;

/// What is known about the title to match.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "ts", derive(TS))]
pub struct MatchQuery {
    pub title: String,
    pub original_title: Option<String>,
    pub year: Option<i32>,
    pub kind: Option<Kind>,
    pub external_ids: ExternalIds,
}

/// How sure the match is.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "ts", derive(TS))]
#[serde(tag = "outcome", content = "value", rename_all = "snake_case")]
pub enum MatchOutcome {
    /// Found through a catalogue id: certain.
    Exact(Box<Details>),
    /// One search result clearly best.
    Likely(SearchResult),
    /// Several results score close; best first.
    Ambiguous(Vec<SearchResult>),
    NotFound,
}

/// How matching an entry with no catalogue id stands.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ts", derive(TS))]
#[serde(rename_all = "snake_case")]
pub enum MatchState {
    /// Not tried yet (or an earlier try was stopped).
    Waiting,
    /// Several shows fit; the viewer picks one of the candidates.
    Ambiguous,
    /// No show fits, or the one that fits is another entry already.
    NotFound,
    /// The viewer keeps the entry as it is; never tried again.
    Kept,
}

impl MatchState {
    pub fn as_str(self) -> &'static str {
        match self {
            MatchState::Waiting => "waiting",
            MatchState::Ambiguous => "ambiguous",
            MatchState::NotFound => "not_found",
            MatchState::Kept => "kept",
        }
    }
}

/// One entry of the *Needs a match* list.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "ts", derive(TS))]
pub struct Unmatched {
    pub entry_id: i64,
    pub title: String,
    pub year: Option<i32>,
    pub kind: Kind,
    pub state: MatchState,
    /// For an ambiguous one: the shows that fit, best first.
    pub candidates: Vec<SearchResult>,
    /// Why it stands so, in words (e.g. the entry the match belongs to).
    pub note: Option<String>,
    #[cfg_attr(feature = "ts", ts(type = "string | null"))]
    pub tried_at: Option<chrono::DateTime<chrono::Utc>>,
}

/// Below this a result is not the title at all.
const MIN_SCORE: i32 = 50;
/// Results within this of the best are as likely as it.
const CLOSE: i32 = 15;
/// Most candidates offered when ambiguous.
const MAX_CANDIDATES: usize = 5;

/// Films are looked for in TMDB alone (TVmaze lists shows only), shows
/// in `provider`.
pub(super) async fn match_title(
    catalog: &Catalog,
    provider: Provider,
    query: &MatchQuery,
) -> Result<MatchOutcome> {
    let film = query.kind == Some(Kind::Film);
    if film && provider != Provider::Tmdb {
        return Ok(MatchOutcome::NotFound);
    }
    let found = if film {
        catalog.lookup_film(&query.external_ids).await?
    } else {
        catalog.lookup(&query.external_ids).await?
    };
    if let Some(details) = found {
        return Ok(MatchOutcome::Exact(Box::new(details)));
    }
    let mut results = Vec::new();
    for text in [Some(query.title.as_str()), query.original_title.as_deref()]
        .into_iter()
        .flatten()
        .map(str::trim)
        .filter(|t| !t.is_empty())
    {
        let hits = if film {
            catalog.search_films(text).await?
        } else {
            catalog.search(provider, text).await?
        };
        for r in hits {
            if !results
                .iter()
                .any(|x: &SearchResult| x.provider_id == r.provider_id)
            {
                results.push(r);
            }
        }
        if !results.is_empty() {
            break;
        }
    }
    Ok(decide(query, results))
}

/// Picks the outcome from scored search results.
pub(super) fn decide(query: &MatchQuery, results: Vec<SearchResult>) -> MatchOutcome {
    let mut scored: Vec<(i32, SearchResult)> = results
        .into_iter()
        .map(|r| (score(query, &r), r))
        .filter(|(s, _)| *s >= MIN_SCORE)
        .collect();
    // Stable: equal scores keep the catalogue's own relevance order.
    scored.sort_by_key(|(s, _)| std::cmp::Reverse(*s));
    let Some(&(best, _)) = scored.first() else {
        return MatchOutcome::NotFound;
    };
    let close: Vec<SearchResult> = scored
        .into_iter()
        .filter(|(s, _)| best - s < CLOSE)
        .map(|(_, r)| r)
        .take(MAX_CANDIDATES)
        .collect();
    if close.len() == 1 {
        MatchOutcome::Likely(close.into_iter().next().expect("one"))
    } else {
        MatchOutcome::Ambiguous(close)
    }
}

/// Letters and digits only, folded: "Soundtrack #2" and "soundtrack 2"
/// compare equal.
fn squash(s: &str) -> String {
    fold(s).chars().filter(|c| c.is_alphanumeric()).collect()
}

/// How well `r` fits `q`: name up to 60, year up to 25 (or −40 when far
/// off), kind ±.
pub(super) fn score(q: &MatchQuery, r: &SearchResult) -> i32 {
    let wanted: Vec<String> = [Some(q.title.as_str()), q.original_title.as_deref()]
        .into_iter()
        .flatten()
        .map(str::trim)
        .filter(|s| !s.is_empty())
        .map(fold)
        .collect();
    let have: Vec<String> = [Some(r.name.as_str()), r.original_name.as_deref()]
        .into_iter()
        .flatten()
        .map(fold)
        .collect();
    let mut name = 0;
    for w in &wanted {
        for h in &have {
            let s = if w == h {
                60
            } else if !squash(w).is_empty() && squash(w) == squash(h) {
                50
            } else if h.contains(w.as_str()) || w.contains(h.as_str()) {
                25
            } else {
                0
            };
            name = name.max(s);
        }
    }
    let year = match (q.year, r.year) {
        (Some(a), Some(b)) if a == b => 25,
        (Some(a), Some(b)) if (a - b).abs() == 1 => 15,
        (Some(_), Some(_)) => -40,
        _ => 0,
    };
    let kind = match q.kind {
        Some(k) if k == r.kind => 10,
        Some(Kind::Series | Kind::Miniseries)
            if matches!(r.kind, Kind::Series | Kind::Miniseries) =>
        {
            5
        }
        Some(Kind::Film) => -20,
        _ => 0,
    };
    name + year + kind
}

#[cfg(test)]
mod tests {
    use super::*;

    fn result(id: &str, name: &str, original: Option<&str>, year: Option<i32>) -> SearchResult {
        SearchResult {
            provider: Provider::Tvmaze,
            provider_id: id.into(),
            name: name.into(),
            original_name: original.map(Into::into),
            year,
            country: None,
            network: None,
            kind: Kind::Series,
            poster_thumb_url: None,
            summary: None,
        }
    }

    fn query(title: &str, year: Option<i32>) -> MatchQuery {
        MatchQuery {
            title: title.into(),
            year,
            kind: Some(Kind::Series),
            ..Default::default()
        }
    }

    #[test]
    fn the_right_year_wins_over_a_remake() {
        let out = decide(
            &query("The Flash", Some(2014)),
            vec![
                result("1", "The Flash", None, Some(1990)),
                result("13", "The Flash", None, Some(2014)),
            ],
        );
        assert!(
            matches!(&out, MatchOutcome::Likely(r) if r.provider_id == "13"),
            "{out:?}"
        );
    }

    #[test]
    fn same_name_without_a_year_is_ambiguous() {
        let out = decide(
            &query("The Flash", None),
            vec![
                result("1", "The Flash", None, Some(1990)),
                result("13", "The Flash", None, Some(2014)),
                result("99", "Flashpoint", None, Some(2008)),
            ],
        );
        match out {
            MatchOutcome::Ambiguous(c) => {
                let ids: Vec<_> = c.iter().map(|r| r.provider_id.as_str()).collect();
                assert_eq!(ids, ["1", "13"]);
            }
            other => panic!("expected ambiguous, got {other:?}"),
        }
    }

    #[test]
    fn native_title_and_punctuation_match() {
        let q = MatchQuery {
            title: "사운드트랙 #2".into(),
            year: Some(2024),
            ..Default::default()
        };
        let r = result("7", "Soundtrack #2", Some("사운드트랙 #2"), Some(2023));
        assert_eq!(score(&q, &r), 60 + 15);
        assert!(score(&query("soundtrack 2", None), &r) >= 50);
        assert_eq!(
            decide(&query("Nothing Like It", None), vec![r]),
            MatchOutcome::NotFound
        );
    }
}
