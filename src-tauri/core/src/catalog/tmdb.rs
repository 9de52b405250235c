//! TMDB v3 (<https://developer.themoviedb.org/reference>) with the user's
//! own credentials: a v3 API key goes in the `api_key` query parameter, a v4
//! read-access token (a long JWT) in `Authorization: Bearer`. The key never
//! appears in a message or a log: every error is built from our own words
//! and the key is redacted from anything else.

use std::collections::BTreeMap;

use serde::Deserialize;

use super::{non_empty, parse_json, year_of, Catalog, Details, Episode, Provider, SearchResult};
use crate::error::{Error, Result};
use crate::model::{Airing, ExternalIds, Kind, Person, Role, TitleFacts};
use crate::net::{NetErrorKind, RequestOptions};

const SERVICE: &str = "TMDB";
const MAX_CAST: usize = 12;

#[derive(Debug, Deserialize)]
struct Page {
    results: Vec<Hit>,
}

#[derive(Debug, Deserialize)]
struct Hit {
    id: u64,
    name: Option<String>,
    original_name: Option<String>,
    first_air_date: Option<String>,
    #[serde(default)]
    origin_country: Vec<String>,
    poster_path: Option<String>,
    overview: Option<String>,
}

#[derive(Debug, Deserialize)]
struct Show {
    id: u64,
    name: String,
    original_name: Option<String>,
    first_air_date: Option<String>,
    #[serde(default)]
    origin_country: Vec<String>,
    original_language: Option<String>,
    #[serde(default)]
    networks: Vec<Named>,
    #[serde(default)]
    genres: Vec<Named>,
    number_of_seasons: Option<u32>,
    number_of_episodes: Option<u32>,
    #[serde(default)]
    episode_run_time: Vec<u32>,
    last_episode_to_air: Option<LastEpisode>,
    #[serde(default)]
    seasons: Vec<SeasonRef>,
    status: Option<String>,
    overview: Option<String>,
    poster_path: Option<String>,
    #[serde(rename = "type")]
    kind: Option<String>,
    #[serde(default)]
    created_by: Vec<Named>,
    external_ids: Option<Ids>,
    credits: Option<Credits>,
    #[serde(rename = "watch/providers")]
    watch_providers: Option<WatchProviders>,
}

#[derive(Debug, Deserialize)]
struct Named {
    name: String,
}

/// One row of `/search/movie`.
#[derive(Debug, Deserialize)]
struct FilmHit {
    id: u64,
    title: Option<String>,
    original_title: Option<String>,
    release_date: Option<String>,
    #[serde(default)]
    origin_country: Vec<String>,
    poster_path: Option<String>,
    overview: Option<String>,
}

#[derive(Debug, Deserialize)]
struct FilmPage {
    results: Vec<FilmHit>,
}

/// `/movie/{id}`.
#[derive(Debug, Deserialize)]
struct Film {
    id: u64,
    title: String,
    original_title: Option<String>,
    release_date: Option<String>,
    #[serde(default)]
    origin_country: Vec<String>,
    #[serde(default)]
    production_countries: Vec<Country>,
    original_language: Option<String>,
    #[serde(default)]
    genres: Vec<Named>,
    runtime: Option<u32>,
    overview: Option<String>,
    poster_path: Option<String>,
    imdb_id: Option<String>,
    credits: Option<Credits>,
    #[serde(rename = "watch/providers")]
    watch_providers: Option<WatchProviders>,
}

#[derive(Debug, Deserialize)]
struct Country {
    iso_3166_1: String,
}

/// `/find/{id}`: what carries an id of another database.
#[derive(Debug, Deserialize)]
struct FindPage {
    #[serde(default)]
    movie_results: Vec<IdOnly>,
    #[serde(default)]
    tv_results: Vec<IdOnly>,
    #[serde(default)]
    tv_episode_results: Vec<FoundEpisodeHit>,
}

#[derive(Debug, Deserialize)]
struct IdOnly {
    id: u64,
}

#[derive(Debug, Deserialize)]
struct FoundEpisodeHit {
    show_id: u64,
    season_number: Option<u32>,
    episode_number: Option<u32>,
}

/// What TMDB's `/find` says carries an IMDb or TVDB id.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub(super) struct Found {
    pub films: Vec<String>,
    pub shows: Vec<String>,
    /// (TMDB show id, season, number).
    pub episodes: Vec<(String, u32, u32)>,
}

#[derive(Debug, Deserialize)]
struct LastEpisode {
    runtime: Option<u32>,
}

/// One entry of a show's `seasons` list.
#[derive(Debug, Deserialize)]
struct SeasonRef {
    season_number: Option<u32>,
}

/// `/tv/{id}/season/{n}`.
#[derive(Debug, Deserialize)]
struct Season {
    #[serde(default)]
    episodes: Vec<SeasonEpisode>,
}

#[derive(Debug, Deserialize)]
struct SeasonEpisode {
    season_number: Option<u32>,
    episode_number: Option<u32>,
    name: Option<String>,
    air_date: Option<String>,
    runtime: Option<u32>,
}

#[derive(Debug, Deserialize)]
struct Ids {
    imdb_id: Option<String>,
    tvdb_id: Option<u64>,
}

#[derive(Debug, Default, Deserialize)]
struct Credits {
    #[serde(default)]
    cast: Vec<CastCredit>,
    #[serde(default)]
    crew: Vec<CrewCredit>,
}

#[derive(Debug, Deserialize)]
struct CastCredit {
    name: String,
    character: Option<String>,
}

#[derive(Debug, Deserialize)]
struct CrewCredit {
    name: String,
    job: Option<String>,
}

/// `watch/providers`: per country, who offers it how.
#[derive(Debug, Deserialize)]
pub(super) struct WatchProviders {
    #[serde(default)]
    results: BTreeMap<String, CountryOffers>,
}

#[derive(Debug, Default, Deserialize)]
struct CountryOffers {
    #[serde(default)]
    flatrate: Vec<Offer>,
    #[serde(default)]
    free: Vec<Offer>,
    #[serde(default)]
    ads: Vec<Offer>,
}

#[derive(Debug, Deserialize)]
struct Offer {
    provider_name: String,
    display_priority: Option<i64>,
}

/// TMDB's error body: `{"status_code": 7, "status_message": "..."}` or
/// `{"errors": ["..."]}`.
#[derive(Debug, Deserialize)]
struct ErrorBody {
    status_code: Option<i64>,
    status_message: Option<String>,
    #[serde(default)]
    errors: Vec<String>,
}

/// How the user's credential is sent.
enum Auth<'a> {
    ApiKey(&'a str),
    Bearer(&'a str),
}

fn auth(catalog: &Catalog) -> Result<Auth<'_>> {
    let key = catalog
        .config()
        .tmdb_key
        .as_deref()
        .map(str::trim)
        .filter(|k| !k.is_empty())
        .ok_or_else(|| {
            Error::net(
                NetErrorKind::KeyMissing,
                "searching TMDB needs your own API key; add it in Settings (or set WATCHLOG_TMDB_KEY)",
            )
        })?;
    // v3 keys are 32 hex digits; v4 read-access tokens are JWTs, hundreds
    // of characters with two dots.
    if key.len() > 64 || key.matches('.').count() == 2 {
        Ok(Auth::Bearer(key))
    } else {
        Ok(Auth::ApiKey(key))
    }
}

/// `url` with the viewer's language and the credential attached, and the
/// options to send it with. Every TMDB request passes here, so all of them
/// ask in one language (and the response cache, keyed by URL, keeps
/// languages apart).
fn authorised<'a>(catalog: &Catalog, url: String, auth: &Auth<'a>) -> (String, RequestOptions<'a>) {
    let url = match catalog.config().language.as_deref() {
        Some(lang) => {
            let sep = if url.contains('?') { '&' } else { '?' };
            format!("{url}{sep}language={}", encode(lang))
        }
        None => url,
    };
    match *auth {
        Auth::ApiKey(k) => {
            let sep = if url.contains('?') { '&' } else { '?' };
            (
                format!("{url}{sep}api_key={}", encode(k)),
                RequestOptions {
                    service: SERVICE,
                    bearer: None,
                    secret: Some(k),
                },
            )
        }
        Auth::Bearer(t) => (
            url,
            RequestOptions {
                service: SERVICE,
                bearer: Some(t),
                secret: Some(t),
            },
        ),
    }
}

fn encode(value: &str) -> String {
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

fn base(catalog: &Catalog) -> &str {
    catalog.config().tmdb_url.trim_end_matches('/')
}

fn image(catalog: &Catalog, size: &str, path: Option<&str>) -> Option<String> {
    let path = non_empty(path)?;
    let base = catalog.config().tmdb_image_url.trim_end_matches('/');
    Some(format!("{base}/{size}/{}", path.trim_start_matches('/')))
}

/// Turns a non-2xx answer into words, using TMDB's own error body.
fn status_error(status: u16, body: &[u8], what: &str, secret: Option<&str>) -> Error {
    let parsed: Option<ErrorBody> = serde_json::from_slice(body).ok();
    let code = parsed.as_ref().and_then(|b| b.status_code);
    if status == 401 || matches!(code, Some(3) | Some(7) | Some(10) | Some(14)) {
        return Error::net(
            NetErrorKind::KeyRefused,
            "TMDB refused the API key; check it in Settings",
        );
    }
    if status == 404 || code == Some(34) {
        return Error::net(NetErrorKind::NotFound, format!("TMDB has no {what}"));
    }
    let said = parsed
        .map(|b| {
            let mut parts = b.errors;
            parts.extend(b.status_message);
            parts.join("; ")
        })
        .filter(|s| !s.is_empty())
        .map(|s| format!(": {}", crate::net::redact(&s, secret)))
        .unwrap_or_default();
    Error::net(
        NetErrorKind::ProviderError,
        format!("TMDB refused the request for {what} (HTTP {status}){said}"),
    )
}

/// One page of TMDB's `/search/{what}` (`tv` or `movie`) for `query`,
/// parsed as `T` (`page` names it in an error).
async fn search_page<T: serde::de::DeserializeOwned>(
    catalog: &Catalog,
    what: &str,
    query: &str,
    page: &str,
) -> Result<T> {
    let auth = auth(catalog)?;
    let url = format!(
        "{}/search/{what}?query={}&include_adult=false",
        base(catalog),
        encode(query)
    );
    let (url, opts) = authorised(catalog, url, &auth);
    let (status, body, html) = catalog.fetch(&url, opts).await?;
    if !(200..300).contains(&status) {
        return Err(status_error(status, &body, "search results", opts.secret));
    }
    parse_json(SERVICE, &body, html, page)
}

pub(super) async fn search(catalog: &Catalog, query: &str) -> Result<Vec<SearchResult>> {
    let page: Page = search_page(catalog, "tv", query, "a show list").await?;
    Ok(page
        .results
        .into_iter()
        .filter_map(|h| {
            let name = non_empty(h.name.as_deref()).or(non_empty(h.original_name.as_deref()))?;
            let original = non_empty(h.original_name.as_deref()).filter(|o| *o != name);
            Some(SearchResult {
                provider: Provider::Tmdb,
                provider_id: h.id.to_string(),
                original_name: original,
                year: year_of(h.first_air_date.as_deref()),
                country: first_country(&h.origin_country),
                network: None,
                kind: Kind::Series,
                poster_thumb_url: image(catalog, "w342", h.poster_path.as_deref()),
                summary: non_empty(h.overview.as_deref()),
                name,
            })
        })
        .collect())
}

/// A show's details, or a film's for an id written `movie/603`.
pub(super) async fn details(catalog: &Catalog, id: &str) -> Result<Details> {
    let digits = |s: &str| !s.is_empty() && s.chars().all(|c| c.is_ascii_digit());
    if let Some(film) = id.strip_prefix(FILM).filter(|f| digits(f)) {
        return film_details(catalog, film).await;
    }
    if !digits(id) {
        return Err(Error::invalid(format!("'{id}' is not a TMDB show id")));
    }
    let auth = auth(catalog)?;
    let url = format!(
        "{}/tv/{id}?append_to_response=external_ids,credits,watch/providers",
        base(catalog)
    );
    let (url, opts) = authorised(catalog, url, &auth);
    let (status, body, html) = catalog.fetch(&url, opts).await?;
    if !(200..300).contains(&status) {
        return Err(status_error(
            status,
            &body,
            &format!("show with id {id}"),
            opts.secret,
        ));
    }
    let show: Show = parse_json(SERVICE, &body, html, "a show")?;
    let seasons: Vec<u32> = show
        .seasons
        .iter()
        .filter_map(|s| s.season_number)
        .filter(|&n| n > 0)
        .take(MAX_SEASONS)
        .collect();
    let mut details = to_details(catalog, show);
    details.episodes = episodes(catalog, id, &seasons, &auth).await?;
    Ok(details)
}

/// The prefix of a TMDB film's id in a [`super::CatalogRef`]: TMDB numbers
/// films and shows separately, so `tmdb:603` is a show and
/// `tmdb:movie/603` a film.
pub(super) const FILM: &str = "movie/";

/// Films whose title matches `query`, best first.
pub(super) async fn search_films(catalog: &Catalog, query: &str) -> Result<Vec<SearchResult>> {
    let page: FilmPage = search_page(catalog, "movie", query, "a film list").await?;
    Ok(page
        .results
        .into_iter()
        .filter_map(|h| {
            let name = non_empty(h.title.as_deref()).or(non_empty(h.original_title.as_deref()))?;
            let original = non_empty(h.original_title.as_deref()).filter(|o| *o != name);
            Some(SearchResult {
                provider: Provider::Tmdb,
                provider_id: format!("{FILM}{}", h.id),
                original_name: original,
                year: year_of(h.release_date.as_deref()),
                country: first_country(&h.origin_country),
                network: None,
                kind: Kind::Film,
                poster_thumb_url: image(catalog, "w342", h.poster_path.as_deref()),
                summary: non_empty(h.overview.as_deref()),
                name,
            })
        })
        .collect())
}

/// Facts, people and providers of one film.
async fn film_details(catalog: &Catalog, id: &str) -> Result<Details> {
    let auth = auth(catalog)?;
    let url = format!(
        "{}/movie/{id}?append_to_response=credits,watch/providers",
        base(catalog)
    );
    let (url, opts) = authorised(catalog, url, &auth);
    let (status, body, html) = catalog.fetch(&url, opts).await?;
    if !(200..300).contains(&status) {
        return Err(status_error(
            status,
            &body,
            &format!("film with id {id}"),
            opts.secret,
        ));
    }
    let film: Film = parse_json(SERVICE, &body, html, "a film")?;
    let name = film.title.trim().to_string();
    let mut countries = film.origin_country.clone();
    countries.extend(
        film.production_countries
            .iter()
            .map(|c| c.iso_3166_1.clone()),
    );
    let facts = TitleFacts {
        kind: Kind::Film,
        original_name: non_empty(film.original_title.as_deref()).filter(|o| *o != name),
        year: year_of(film.release_date.as_deref()),
        country: first_country(&countries),
        language: language(film.original_language.as_deref()),
        network: None,
        genres: film
            .genres
            .iter()
            .map(|g| g.name.trim().to_string())
            .collect(),
        seasons: None,
        episodes: None,
        runtime_minutes: film.runtime.filter(|&m| m > 0),
        airing: None,
        synopsis: non_empty(film.overview.as_deref()),
        poster_url: image(catalog, "w780", film.poster_path.as_deref()),
        people: people(&film.credits.unwrap_or_default(), &[]),
        external_ids: ExternalIds {
            // As every importer keeps a film's: TMDB numbers films apart
            // from shows.
            tmdb: Some(format!("{FILM}{}", film.id)),
            imdb: non_empty(film.imdb_id.as_deref()),
            ..Default::default()
        },
        name,
    };
    Ok(Details {
        facts,
        episodes: Vec::new(),
        poster_url: image(catalog, "original", film.poster_path.as_deref()),
        providers: film
            .watch_providers
            .map(|w| providers(&w))
            .unwrap_or_default(),
        catalog_updated: None,
    })
}

/// What TMDB has under an id of another database: `source` is
/// `imdb_id` or `tvdb_id`.
pub(super) async fn find(catalog: &Catalog, source: &str, id: &str) -> Result<Found> {
    let auth = auth(catalog)?;
    let url = format!(
        "{}/find/{}?external_source={source}",
        base(catalog),
        encode(id)
    );
    let (url, opts) = authorised(catalog, url, &auth);
    let (status, body, html) = catalog.fetch(&url, opts).await?;
    if !(200..300).contains(&status) {
        return Err(status_error(
            status,
            &body,
            &format!("title with the id {id}"),
            opts.secret,
        ));
    }
    let page: FindPage = parse_json(SERVICE, &body, html, "a list of titles")?;
    Ok(Found {
        films: page
            .movie_results
            .iter()
            .map(|h| h.id.to_string())
            .collect(),
        shows: page.tv_results.iter().map(|h| h.id.to_string()).collect(),
        episodes: page
            .tv_episode_results
            .iter()
            .filter_map(|e| {
                Some((
                    e.show_id.to_string(),
                    e.season_number?,
                    e.episode_number.filter(|&n| n > 0)?,
                ))
            })
            .collect(),
    })
}

/// A show's ids in other databases (`/tv/{id}/external_ids`), its TMDB
/// id among them.
pub(super) async fn show_ids(catalog: &Catalog, id: &str) -> Result<ExternalIds> {
    let auth = auth(catalog)?;
    let url = format!("{}/tv/{id}/external_ids", base(catalog));
    let (url, opts) = authorised(catalog, url, &auth);
    let (status, body, html) = catalog.fetch(&url, opts).await?;
    if !(200..300).contains(&status) {
        return Err(status_error(
            status,
            &body,
            &format!("show with id {id}"),
            opts.secret,
        ));
    }
    let ids: Ids = parse_json(SERVICE, &body, html, "a show's ids")?;
    Ok(ExternalIds {
        tmdb: Some(id.to_string()),
        imdb: non_empty(ids.imdb_id.as_deref()),
        tvdb: ids.tvdb_id.map(|v| v.to_string()),
        ..Default::default()
    })
}

/// Most seasons whose episode lists are fetched (one request each): a
/// long-running daily show lists fewer than this.
const MAX_SEASONS: usize = 60;

/// Every regular season's episodes, with their air days (TMDB gives no
/// times). All or nothing: a list with a season missing would make the
/// episodes after it look unwatched, so a season TMDB does not answer for
/// leaves the show without a list (its progress stays a count); a network
/// failure is the details' failure.
async fn episodes(
    catalog: &Catalog,
    id: &str,
    seasons: &[u32],
    auth: &Auth<'_>,
) -> Result<Vec<Episode>> {
    let mut out = Vec::new();
    for &n in seasons {
        let (url, opts) = authorised(
            catalog,
            format!("{}/tv/{id}/season/{n}", base(catalog)),
            auth,
        );
        let (status, body, html) = catalog.fetch(&url, opts).await?;
        if !(200..300).contains(&status) {
            return Ok(Vec::new());
        }
        let season: Season = parse_json(SERVICE, &body, html, "a season")?;
        out.extend(season.episodes.into_iter().filter_map(|e| {
            Some(Episode {
                season: e.season_number.unwrap_or(n),
                number: e.episode_number?,
                name: non_empty(e.name.as_deref()),
                airdate: e.air_date.as_deref().and_then(|d| d.parse().ok()),
                airstamp: None,
                runtime_minutes: e.runtime,
            })
        }));
    }
    Ok(out)
}

fn first_country(codes: &[String]) -> Option<String> {
    codes
        .iter()
        .map(|c| c.trim())
        .find(|c| c.len() == 2 && c.chars().all(|ch| ch.is_ascii_alphabetic()))
        .map(str::to_ascii_uppercase)
}

fn airing(status: Option<&str>) -> Option<Airing> {
    match status?.to_ascii_lowercase().as_str() {
        "returning series" => Some(Airing::Running),
        "ended" | "canceled" | "cancelled" => Some(Airing::Ended),
        "in production" | "planned" | "pilot" => Some(Airing::Upcoming),
        _ => None,
    }
}

/// Directors, writers (TMDB's "created by" when the crew names none) and
/// the first of the cast.
fn people(credits: &Credits, created_by: &[Named]) -> Vec<Person> {
    let mut people: Vec<Person> = Vec::new();
    let mut add = |name: &str, role: Role, character: Option<String>| {
        let name = name.trim();
        if !name.is_empty() && !people.iter().any(|p| p.name == name && p.role == role) {
            people.push(Person {
                name: name.to_string(),
                role,
                character,
            });
        }
    };
    for c in &credits.crew {
        match c.job.as_deref() {
            Some("Director") => add(&c.name, Role::Director, None),
            Some("Writer") | Some("Screenplay") | Some("Teleplay") => {
                add(&c.name, Role::Writer, None)
            }
            _ => {}
        }
    }
    // TMDB's "created by" is the writer of most dramas; used when the crew
    // names none.
    if !credits.crew.iter().any(|c| {
        matches!(
            c.job.as_deref(),
            Some("Writer") | Some("Screenplay") | Some("Teleplay")
        )
    }) {
        for c in created_by {
            add(&c.name, Role::Writer, None);
        }
    }
    for c in credits.cast.iter().take(MAX_CAST) {
        add(&c.name, Role::Cast, non_empty(c.character.as_deref()));
    }
    people
}

/// An ISO 639-1 code as TMDB writes it.
fn language(code: Option<&str>) -> Option<String> {
    non_empty(code)
        .filter(|l| l.len() == 2)
        .map(|l| l.to_ascii_lowercase())
}

fn to_details(catalog: &Catalog, show: Show) -> Details {
    let people = people(&show.credits.unwrap_or_default(), &show.created_by);
    let ids = show.external_ids.as_ref();
    let name = show.name.trim().to_string();
    let facts = TitleFacts {
        kind: match show.kind.as_deref() {
            Some("Miniseries") => Kind::Miniseries,
            _ => Kind::Series,
        },
        original_name: non_empty(show.original_name.as_deref()).filter(|o| *o != name),
        year: year_of(show.first_air_date.as_deref()),
        country: first_country(&show.origin_country),
        language: language(show.original_language.as_deref()),
        network: show.networks.first().and_then(|n| non_empty(Some(&n.name))),
        genres: show
            .genres
            .iter()
            .map(|g| g.name.trim().to_string())
            .collect(),
        seasons: show.number_of_seasons,
        episodes: show.number_of_episodes,
        runtime_minutes: show
            .episode_run_time
            .first()
            .copied()
            .or(show.last_episode_to_air.as_ref().and_then(|e| e.runtime)),
        airing: airing(show.status.as_deref()),
        synopsis: non_empty(show.overview.as_deref()),
        poster_url: image(catalog, "w780", show.poster_path.as_deref()),
        people,
        external_ids: ExternalIds {
            tmdb: Some(show.id.to_string()),
            imdb: ids.and_then(|i| non_empty(i.imdb_id.as_deref())),
            tvdb: ids.and_then(|i| i.tvdb_id).map(|v| v.to_string()),
            ..Default::default()
        },
        name,
    };
    Details {
        facts,
        episodes: Vec::new(),
        poster_url: image(catalog, "original", show.poster_path.as_deref()),
        providers: show
            .watch_providers
            .map(|w| providers(&w))
            .unwrap_or_default(),
        catalog_updated: None,
    }
}

/// (country, service) pairs for subscription, free and ad-supported
/// offers, by country and then TMDB's display order.
pub(super) fn providers(w: &WatchProviders) -> Vec<(String, String)> {
    let mut out = Vec::new();
    for (country, offers) in &w.results {
        let mut all: Vec<&Offer> = offers
            .flatrate
            .iter()
            .chain(&offers.free)
            .chain(&offers.ads)
            .collect();
        all.sort_by_key(|o| o.display_priority.unwrap_or(i64::MAX));
        let mut seen: Vec<&str> = Vec::new();
        for o in all {
            let name = o.provider_name.trim();
            if !name.is_empty() && !seen.contains(&name) {
                seen.push(name);
                out.push((country.to_ascii_uppercase(), name.to_string()));
            }
        }
    }
    out
}
