//! TVmaze (<https://www.tvmaze.com/api>): free, no key, rate-limited to
//! about 20 calls in 10 seconds. Search, one show with its episodes and
//! cast embedded, its crew, and lookup by IMDb or TheTVDB id.

use std::collections::BTreeSet;

use serde::Deserialize;

use super::{
    date_of, html_to_text, language_code, non_empty, parse_json, year_of, Catalog, Details,
    Episode, Provider, SearchResult,
};
use crate::error::{Error, Result};
use crate::model::{Airing, ExternalIds, Kind, Person, Role, TitleFacts};
use crate::net::{NetErrorKind, RequestOptions};

const SERVICE: &str = "TVmaze";

/// Cast members kept: the leads, not the whole credits roll.
const MAX_CAST: usize = 12;

#[derive(Debug, Deserialize)]
struct SearchHit {
    show: Show,
}

#[derive(Debug, Deserialize)]
#[serde(rename_all = "camelCase")]
struct Show {
    id: u64,
    name: String,
    #[serde(rename = "type")]
    kind: Option<String>,
    language: Option<String>,
    #[serde(default)]
    genres: Vec<String>,
    status: Option<String>,
    runtime: Option<u32>,
    average_runtime: Option<u32>,
    premiered: Option<String>,
    network: Option<Channel>,
    web_channel: Option<Channel>,
    externals: Option<Externals>,
    image: Option<Image>,
    summary: Option<String>,
    updated: Option<i64>,
    #[serde(rename = "_embedded")]
    embedded: Option<Embedded>,
}

#[derive(Debug, Deserialize)]
struct Channel {
    name: String,
    country: Option<Country>,
}

#[derive(Debug, Deserialize)]
struct Country {
    code: Option<String>,
}

#[derive(Debug, Deserialize)]
struct Externals {
    imdb: Option<String>,
    thetvdb: Option<u64>,
}

#[derive(Debug, Deserialize)]
struct Image {
    medium: Option<String>,
    original: Option<String>,
}

#[derive(Debug, Default, Deserialize)]
struct Embedded {
    #[serde(default)]
    episodes: Vec<Ep>,
    #[serde(default)]
    cast: Vec<CastCredit>,
    #[serde(default)]
    seasons: Vec<serde_json::Value>,
}

#[derive(Debug, Deserialize)]
struct Ep {
    season: Option<u32>,
    number: Option<u32>,
    name: Option<String>,
    airdate: Option<String>,
    airstamp: Option<String>,
    runtime: Option<u32>,
}

#[derive(Debug, Deserialize)]
struct CastCredit {
    person: Named,
    character: Option<Named>,
}

#[derive(Debug, Deserialize)]
struct CrewCredit {
    #[serde(rename = "type")]
    kind: String,
    person: Named,
}

#[derive(Debug, Deserialize)]
struct Named {
    name: String,
}

fn base(catalog: &Catalog) -> &str {
    catalog.config().tvmaze_url.trim_end_matches('/')
}

fn opts() -> RequestOptions<'static> {
    RequestOptions {
        service: SERVICE,
        ..Default::default()
    }
}

/// Encodes one query value.
fn q(value: &str) -> String {
    let mut out = String::new();
    for b in value.bytes() {
        match b {
            b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'-' | b'.' | b'_' | b'~' => {
                out.push(b as char)
            }
            _ => out.push_str(&format!("%{b:02X}")),
        }
    }
    out
}

fn status_error(status: u16, what: &str) -> Error {
    match status {
        404 => Error::net(NetErrorKind::NotFound, format!("TVmaze has no {what}")),
        _ => Error::net(
            NetErrorKind::ProviderError,
            format!("TVmaze refused the request for {what} (HTTP {status})"),
        ),
    }
}

pub(super) async fn search(catalog: &Catalog, query: &str) -> Result<Vec<SearchResult>> {
    let url = format!("{}/search/shows?q={}", base(catalog), q(query));
    let (status, body, html) = catalog.fetch(&url, opts()).await?;
    if !(200..300).contains(&status) {
        return Err(status_error(status, "search results"));
    }
    let hits: Vec<SearchHit> = parse_json(SERVICE, &body, html, "a show list")?;
    Ok(hits.into_iter().map(|h| result(h.show)).collect())
}

pub(super) async fn details(catalog: &Catalog, id: &str) -> Result<Details> {
    if id.is_empty() || !id.chars().all(|c| c.is_ascii_digit()) {
        return Err(Error::invalid(format!("'{id}' is not a TVmaze show id")));
    }
    let url = format!("{}/shows/{id}?embed[]=episodes&embed[]=cast", base(catalog));
    let what = format!("show with id {id}");
    let (status, body, html) = catalog.fetch(&url, opts()).await?;
    if !(200..300).contains(&status) {
        return Err(status_error(status, &what));
    }
    let show: Show = parse_json(SERVICE, &body, html, "a show")?;
    let crew = crew(catalog, id).await?;
    Ok(to_details(show, crew))
}

/// Writers and directors. Many shows (most dramas) have no crew listed; a
/// missing list is not an error.
async fn crew(catalog: &Catalog, id: &str) -> Result<Vec<CrewCredit>> {
    let url = format!("{}/shows/{id}/crew", base(catalog));
    let (status, body, html) = catalog.fetch(&url, opts()).await?;
    if status == 404 {
        return Ok(Vec::new());
    }
    if !(200..300).contains(&status) {
        return Err(status_error(status, "crew list"));
    }
    parse_json(SERVICE, &body, html, "a crew list")
}

/// The TVmaze id of the show with this IMDb (`imdb`) or TheTVDB
/// (`thetvdb`) id, if TVmaze knows it.
pub(super) async fn lookup(catalog: &Catalog, param: &str, value: &str) -> Result<Option<String>> {
    let url = format!("{}/lookup/shows?{param}={}", base(catalog), q(value));
    let (status, body, html) = catalog.fetch(&url, opts()).await?;
    if status == 404 {
        return Ok(None);
    }
    if !(200..300).contains(&status) {
        return Err(status_error(status, "lookup"));
    }
    let show: Show = parse_json(SERVICE, &body, html, "a show")?;
    Ok(Some(show.id.to_string()))
}

fn result(show: Show) -> SearchResult {
    let channel = show.network.as_ref().or(show.web_channel.as_ref());
    let language = show.language.as_deref().and_then(language_code);
    SearchResult {
        provider: Provider::Tvmaze,
        provider_id: show.id.to_string(),
        year: year_of(show.premiered.as_deref()),
        country: country(&show, language),
        network: channel.and_then(|c| non_empty(Some(&c.name))),
        kind: kind(show.kind.as_deref(), None),
        poster_thumb_url: show
            .image
            .as_ref()
            .and_then(|i| non_empty(i.medium.as_deref().or(i.original.as_deref()))),
        summary: show
            .summary
            .as_deref()
            .map(html_to_text)
            .filter(|s| !s.is_empty()),
        original_name: None,
        name: show.name.trim().to_string(),
    }
}

/// Network country, else web channel country; a streaming original with a
/// worldwide channel (Netflix) has none, and then a Korean, Japanese or
/// Thai original language says where it was made.
fn country(show: &Show, language: Option<&str>) -> Option<String> {
    [show.network.as_ref(), show.web_channel.as_ref()]
        .into_iter()
        .flatten()
        .find_map(|c| c.country.as_ref()?.code.clone())
        .filter(|c| c.len() == 2)
        .map(|c| c.to_ascii_uppercase())
        .or_else(|| {
            match language? {
                "ko" => Some("KR"),
                "ja" => Some("JP"),
                "th" => Some("TH"),
                _ => None,
            }
            .map(str::to_string)
        })
}

/// TVmaze's show type as our kind. TVmaze has no "miniseries" type, so a
/// scripted show that ended after one season of at most 8 episodes is
/// taken for one (`shape` = seasons, episodes, ended).
fn kind(tvmaze_type: Option<&str>, shape: Option<(u32, u32, bool)>) -> Kind {
    match tvmaze_type.map(str::to_ascii_lowercase).as_deref() {
        Some("award show") => Kind::Special,
        Some("scripted") | Some("animation") => match shape {
            Some((1, eps, true)) if (1..=8).contains(&eps) => Kind::Miniseries,
            _ => Kind::Series,
        },
        _ => Kind::Series,
    }
}

fn airing(status: Option<&str>) -> Option<Airing> {
    match status?.to_ascii_lowercase().as_str() {
        "running" => Some(Airing::Running),
        "ended" => Some(Airing::Ended),
        "in development" => Some(Airing::Upcoming),
        _ => None,
    }
}

fn to_details(mut show: Show, crew: Vec<CrewCredit>) -> Details {
    let embedded = show.embedded.take().unwrap_or_default();
    let episodes: Vec<Episode> = embedded
        .episodes
        .iter()
        .filter_map(|e| {
            Some(Episode {
                season: e.season?,
                number: e.number?,
                name: non_empty(e.name.as_deref()),
                airdate: date_of(e.airdate.as_deref()),
                airstamp: e
                    .airstamp
                    .as_deref()
                    .and_then(|s| chrono::DateTime::parse_from_rfc3339(s).ok())
                    .map(|t| t.with_timezone(&chrono::Utc)),
                runtime_minutes: e.runtime,
            })
        })
        .collect();
    let season_set: BTreeSet<u32> = episodes.iter().map(|e| e.season).collect();
    let seasons = if !season_set.is_empty() {
        Some(season_set.len() as u32)
    } else if !embedded.seasons.is_empty() {
        Some(embedded.seasons.len() as u32)
    } else {
        None
    };
    let episode_count = (!episodes.is_empty()).then_some(episodes.len() as u32);
    let airing = airing(show.status.as_deref());
    let shape = match (seasons, episode_count) {
        (Some(s), Some(e)) => Some((s, e, airing == Some(Airing::Ended))),
        _ => None,
    };
    let language = show.language.as_deref().and_then(language_code);
    let mut people: Vec<Person> = Vec::new();
    for c in &crew {
        let role = match c.kind.to_ascii_lowercase().as_str() {
            "director" => Role::Director,
            "writer" | "screenwriter" => Role::Writer,
            _ => continue,
        };
        if !people
            .iter()
            .any(|p| p.name == c.person.name && p.role == role)
        {
            people.push(Person {
                name: c.person.name.trim().to_string(),
                role,
                character: None,
            });
        }
    }
    for c in embedded.cast.iter().take(MAX_CAST) {
        people.push(Person {
            name: c.person.name.trim().to_string(),
            role: Role::Cast,
            character: c.character.as_ref().and_then(|n| non_empty(Some(&n.name))),
        });
    }
    people.retain(|p| !p.name.is_empty());
    let externals = show.externals.as_ref();
    let poster = show
        .image
        .as_ref()
        .and_then(|i| non_empty(i.original.as_deref().or(i.medium.as_deref())));
    let facts = TitleFacts {
        kind: kind(show.kind.as_deref(), shape),
        name: show.name.trim().to_string(),
        original_name: None,
        year: year_of(show.premiered.as_deref()),
        country: country(&show, language),
        language: language.map(str::to_string),
        network: show
            .network
            .as_ref()
            .or(show.web_channel.as_ref())
            .and_then(|c| non_empty(Some(&c.name))),
        genres: show.genres.clone(),
        seasons,
        episodes: episode_count,
        runtime_minutes: show.runtime.or(show.average_runtime),
        airing,
        synopsis: show
            .summary
            .as_deref()
            .map(html_to_text)
            .filter(|s| !s.is_empty()),
        poster_url: poster.clone(),
        people,
        external_ids: ExternalIds {
            tvmaze: Some(show.id.to_string()),
            imdb: externals.and_then(|x| non_empty(x.imdb.as_deref())),
            tvdb: externals.and_then(|x| x.thetvdb).map(|v| v.to_string()),
            ..Default::default()
        },
    };
    Details {
        facts,
        episodes,
        poster_url: poster,
        providers: Vec::new(),
        catalog_updated: show.updated,
    }
}

/// Each TVmaze show id changed within `since` (`day`, `week` or `month`),
/// with its change stamp: one small request that lets a refresh of airing
/// shows skip every show that did not change.
pub(super) async fn updates(
    catalog: &Catalog,
    since: &str,
) -> Result<std::collections::HashMap<String, i64>> {
    let url = format!("{}/updates/shows?since={since}", base(catalog));
    let (status, body, html) = catalog.fetch(&url, opts()).await?;
    if !(200..300).contains(&status) {
        return Err(status_error(status, "list of changed shows"));
    }
    parse_json(SERVICE, &body, html, "a list of changed shows")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn short_ended_scripted_shows_are_miniseries() {
        assert_eq!(kind(Some("Scripted"), Some((1, 6, true))), Kind::Miniseries);
        assert_eq!(kind(Some("Scripted"), Some((1, 16, true))), Kind::Series);
        assert_eq!(kind(Some("Scripted"), Some((1, 6, false))), Kind::Series);
        assert_eq!(kind(Some("Reality"), Some((1, 6, true))), Kind::Series);
        assert_eq!(kind(Some("Award Show"), None), Kind::Special);
    }

    #[test]
    fn query_values_are_encoded() {
        assert_eq!(
            q("사운드트랙 #2"),
            "%EC%82%AC%EC%9A%B4%EB%93%9C%ED%8A%B8%EB%9E%99%20%232"
        );
        assert_eq!(q("a&b=c"), "a%26b%3Dc");
    }
}
