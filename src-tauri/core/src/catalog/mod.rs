//! Online catalogues: search TVmaze (no key) or TMDB (the user's own key),
//! fetch one show's facts, episodes and streaming providers, and match a
//! title from an import to a catalogue entry. Everything goes through one
//! interface, [`Catalog`], whose methods are async (see [`crate::net`] for
//! why); the CLI uses [`blocking::BlockingCatalog`], the same calls on a
//! private runtime.
//!
//! Provider answers are turned into the model's own types here
//! ([`TitleFacts`], [`Episode`]), never passed on raw: HTML summaries become
//! plain text, language names become ISO 639-1 codes, and an answer of the
//! wrong shape is a clear `bad_response` error.

pub mod blocking;
mod link;
mod match_all;
mod matching;
mod refresh;
mod tmdb;
mod tvmaze;

use std::collections::HashMap;
use std::fmt;
use std::str::FromStr;
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use chrono::{DateTime, NaiveDate, Utc};
use serde::{Deserialize, Serialize};

use crate::error::{Error, Result};
use crate::model::{ExternalIds, Kind, TitleFacts};
use crate::net::{HttpClient, NetConfig, NetErrorKind, RateLimit, RequestOptions};

pub use link::{parse_link, CatalogLink, LINK_SCHEME};
pub use match_all::{
    anything_to_match, match_all, pick, MatchProgress, MatchRun, MatchSelection, MatchedAs,
    MatchedTitle,
};
pub use matching::{MatchOutcome, MatchQuery, MatchState, Unmatched};
pub use refresh::{
    refresh_all, refresh_source, RefreshProgress, RefreshRun, RefreshSelection, RefreshSummary,
    RefreshedTitle,
};

#[cfg(feature = "ts")]
use ts_rs::TS;

/// Environment variable overriding the TVmaze address (tests, mirrors).
pub const TVMAZE_URL_ENV: &str = "WATCHLOG_TVMAZE_URL";
/// Environment variable overriding the TMDB v3 address.
pub const TMDB_URL_ENV: &str = "WATCHLOG_TMDB_URL";
/// Environment variable holding the user's TMDB key or read-access token.
pub const TMDB_KEY_ENV: &str = "WATCHLOG_TMDB_KEY";
/// Environment variable setting the whole-request timeout, in seconds
/// (slow proxies want more; tests want less).
pub const NET_TIMEOUT_ENV: &str = "WATCHLOG_NET_TIMEOUT";

pub const DEFAULT_TVMAZE_URL: &str = "https://api.tvmaze.com";
pub const DEFAULT_TMDB_URL: &str = "https://api.themoviedb.org/3";
/// TMDB's documented image base; a size (`w342`, `w780`, `original`) and
/// the poster path follow it.
pub const DEFAULT_TMDB_IMAGE_URL: &str = "https://image.tmdb.org/t/p/";

/// An online catalogue.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, Default)]
#[cfg_attr(feature = "ts", derive(TS))]
#[serde(rename_all = "lowercase")]
pub enum Provider {
    /// Free, no key; the default.
    #[default]
    Tvmaze,
    /// Needs the user's API key.
    Tmdb,
}

impl Provider {
    pub const ALL: &'static [Provider] = &[Provider::Tvmaze, Provider::Tmdb];

    /// The word used in ids and on the command line.
    pub fn as_str(self) -> &'static str {
        match self {
            Provider::Tvmaze => "tvmaze",
            Provider::Tmdb => "tmdb",
        }
    }

    /// The name people know it by.
    pub fn label(self) -> &'static str {
        match self {
            Provider::Tvmaze => "TVmaze",
            Provider::Tmdb => "TMDB",
        }
    }
}

impl FromStr for Provider {
    type Err = Error;
    fn from_str(s: &str) -> Result<Self> {
        match s.trim().to_ascii_lowercase().as_str() {
            "tvmaze" => Ok(Provider::Tvmaze),
            "tmdb" | "themoviedb" => Ok(Provider::Tmdb),
            _ => Err(Error::invalid(format!(
                "'{}' is not a catalogue (use one of: tvmaze, tmdb)",
                s.trim()
            ))),
        }
    }
}

impl fmt::Display for Provider {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// One show in one catalogue: `tvmaze:123`, `tmdb:456`; or one film in
/// TMDB, which numbers films apart from shows: `tmdb:movie/603`.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "ts", derive(TS))]
pub struct CatalogRef {
    pub provider: Provider,
    pub id: String,
}

impl CatalogRef {
    pub fn new(provider: Provider, id: impl Into<String>) -> Self {
        CatalogRef {
            provider,
            id: id.into(),
        }
    }

    /// A TMDB film by its TMDB id.
    pub fn tmdb_film(id: &str) -> Self {
        CatalogRef::new(Provider::Tmdb, format!("{}{id}", tmdb::FILM))
    }
}

impl FromStr for CatalogRef {
    type Err = Error;
    fn from_str(s: &str) -> Result<Self> {
        let bad = || {
            Error::invalid(format!(
                "'{}' is not a catalogue id (write it as tvmaze:ID or tmdb:ID, such as tvmaze:82, or tmdb:movie/ID for a film)",
                s.trim()
            ))
        };
        let (provider, id) = s.trim().split_once(':').ok_or_else(bad)?;
        let provider: Provider = provider.parse().map_err(|_| bad())?;
        let id = id.trim();
        let digits = match (provider, id.strip_prefix(tmdb::FILM)) {
            (Provider::Tmdb, Some(film)) => film,
            _ => id,
        };
        if digits.is_empty() || !digits.chars().all(|c| c.is_ascii_digit()) {
            return Err(bad());
        }
        Ok(CatalogRef::new(provider, id))
    }
}

impl fmt::Display for CatalogRef {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}:{}", self.provider, self.id)
    }
}

/// One row of a catalogue search, enough to pick the right show.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "ts", derive(TS))]
pub struct SearchResult {
    pub provider: Provider,
    pub provider_id: String,
    pub name: String,
    /// The title in its own script, where the catalogue has it (TMDB).
    pub original_name: Option<String>,
    pub year: Option<i32>,
    /// ISO 3166-1 alpha-2, upper case.
    pub country: Option<String>,
    pub network: Option<String>,
    pub kind: Kind,
    /// A small poster for the result list.
    pub poster_thumb_url: Option<String>,
    /// Plain text, never HTML.
    pub summary: Option<String>,
}

impl SearchResult {
    /// `tvmaze:123`, ready for [`Catalog::details`].
    pub fn catalog_ref(&self) -> CatalogRef {
        CatalogRef::new(self.provider, self.provider_id.clone())
    }
}

/// One episode as the catalogue lists it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ts", derive(TS))]
pub struct Episode {
    pub season: u32,
    pub number: u32,
    pub name: Option<String>,
    /// The day it aired where it aired (the network's calendar).
    pub airdate: Option<NaiveDate>,
    /// The instant it aired, when the catalogue knows the time (TVmaze's
    /// `airstamp`); an episode with only a date has none.
    #[serde(default)]
    pub airstamp: Option<DateTime<Utc>>,
    pub runtime_minutes: Option<u32>,
}

/// Everything a catalogue knows about one show.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "ts", derive(TS))]
pub struct Details {
    /// Ready to store; `facts.poster_url` is a display-sized poster.
    pub facts: TitleFacts,
    /// Empty when the catalogue lists none (TMDB lists them per season,
    /// which is not fetched).
    pub episodes: Vec<Episode>,
    /// The largest poster the catalogue offers, for the poster cache.
    pub poster_url: Option<String>,
    /// Where it streams by subscription, free or with ads: (country, service)
    /// pairs, country ISO 3166-1 upper case. TMDB only.
    pub providers: Vec<(String, String)>,
    /// The catalogue's own change stamp of the show (TVmaze's `updated`),
    /// so a refresh of airing shows can pass over the unchanged ones.
    #[serde(default)]
    pub catalog_updated: Option<i64>,
}

/// The answer to one search typed in the app: the request number the UI
/// sent comes back with the results, so an answer to an older query that
/// arrives late is recognised and dropped.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "ts", derive(TS))]
pub struct SearchAnswer {
    pub request: u32,
    pub results: Vec<SearchResult>,
}

/// Where the refresh of airing shows stands, for Settings.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ts", derive(TS))]
pub struct AiringStatus {
    /// When the airing shows were last refreshed, if ever.
    #[cfg_attr(feature = "ts", ts(type = "string | null"))]
    pub last_refreshed: Option<DateTime<Utc>>,
    /// A refresh (of airing shows or of all) is running now.
    pub running: bool,
}

/// What the UI needs to know about the catalogues, the key itself excepted.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ts", derive(TS))]
pub struct CatalogStatus {
    /// A TMDB key is saved (or given in the environment).
    pub tmdb_key_set: bool,
}

/// Where the catalogues are and how to reach them. `Debug` hides the key
/// (see [`crate::secrets`]).
#[derive(Clone)]
pub struct CatalogConfig {
    pub tvmaze_url: String,
    pub tmdb_url: String,
    pub tmdb_image_url: String,
    /// A v3 API key (sent as `api_key`) or a v4 read-access token (sent as
    /// `Authorization: Bearer`); told apart by shape.
    pub tmdb_key: Option<String>,
    /// TMDB's `language` ("ko-KR"): names and overviews come translated
    /// where TMDB has them; `None` leaves TMDB's default (English).
    pub language: Option<String>,
    /// How long an identical request is answered from memory.
    pub cache_ttl: Duration,
    pub net: NetConfig,
}

impl fmt::Debug for CatalogConfig {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let CatalogConfig {
            tvmaze_url,
            tmdb_url,
            tmdb_image_url,
            tmdb_key,
            cache_ttl,
            net,
            language,
        } = self;
        f.debug_struct("CatalogConfig")
            .field("tvmaze_url", tvmaze_url)
            .field("tmdb_url", tmdb_url)
            .field("tmdb_image_url", tmdb_image_url)
            .field("tmdb_key", &crate::secrets::redacted(tmdb_key))
            .field("cache_ttl", cache_ttl)
            .field("net", net)
            .field("language", language)
            .finish()
    }
}

impl Default for CatalogConfig {
    fn default() -> Self {
        CatalogConfig {
            tvmaze_url: DEFAULT_TVMAZE_URL.into(),
            tmdb_url: DEFAULT_TMDB_URL.into(),
            tmdb_image_url: DEFAULT_TMDB_IMAGE_URL.into(),
            tmdb_key: None,
            language: None,
            cache_ttl: Duration::from_secs(300),
            net: NetConfig::default(),
        }
    }
}

impl CatalogConfig {
    /// The defaults, with `WATCHLOG_TVMAZE_URL`, `WATCHLOG_TMDB_URL`,
    /// `WATCHLOG_TMDB_KEY`, `WATCHLOG_NET_TIMEOUT` and
    /// `WATCHLOG_ALLOW_HOSTS` applied when set.
    pub fn from_env() -> Self {
        let var = |name: &str| {
            std::env::var(name)
                .ok()
                .map(|v| v.trim().to_string())
                .filter(|v| !v.is_empty())
        };
        let mut cfg = CatalogConfig {
            net: NetConfig::from_env(),
            ..CatalogConfig::default()
        };
        if let Some(u) = var(TVMAZE_URL_ENV) {
            cfg.tvmaze_url = u;
        }
        if let Some(u) = var(TMDB_URL_ENV) {
            cfg.tmdb_url = u;
        }
        cfg.tmdb_key = var(TMDB_KEY_ENV);
        cfg.language = crate::language::catalog_tag(None).map(str::to_string);
        let timeout = var(NET_TIMEOUT_ENV)
            .and_then(|v| v.parse::<f64>().ok())
            .filter(|s| s.is_finite() && *s > 0.0 && *s <= 600.0);
        if let Some(secs) = timeout {
            cfg.net.timeout = Duration::from_secs_f64(secs);
            cfg.net.connect_timeout = cfg.net.connect_timeout.min(cfg.net.timeout);
        }
        cfg
    }

    /// [`CatalogConfig::from_env`], then the library's own: its saved TMDB
    /// key when the environment gives none (a key set for one run wins),
    /// and the language chosen in its settings.
    pub fn for_library(lib: &crate::store::Library) -> Result<Self> {
        let mut cfg = Self::from_env();
        if cfg.tmdb_key.is_none() {
            cfg.tmdb_key = lib.tmdb_key()?;
        }
        if let Some(choice) = lib.settings()?.language {
            cfg.language = crate::language::catalog_tag(Some(&choice)).map(str::to_string);
        }
        Ok(cfg)
    }
}

/// TMDB's pace: it documents no fixed limit beyond "around 50 requests a
/// second" and answers 429 past it; Watchlog keeps well under. (TVmaze's
/// 20 calls in 10 seconds is the client's default.)
const TMDB_RATE: RateLimit = RateLimit {
    requests: 20,
    per: Duration::from_secs(1),
};

type Cache = HashMap<String, (Instant, Arc<Vec<u8>>)>;

/// Most responses kept in memory at once; a search session needs a few
/// dozen.
const CACHE_ENTRIES: usize = 256;

/// The catalogue lookups. Cheap to clone; clones share the HTTP client and
/// the response cache. Every method is cancel-safe: dropping its future
/// abandons the request and leaves nothing half-done.
#[derive(Clone)]
pub struct Catalog {
    http: HttpClient,
    config: Arc<CatalogConfig>,
    cache: Arc<Mutex<Cache>>,
}

impl fmt::Debug for Catalog {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        // The key stays out of logs.
        f.debug_struct("Catalog")
            .field("tvmaze_url", &self.config.tvmaze_url)
            .field("tmdb_url", &self.config.tmdb_url)
            .field("tmdb_key", &self.config.tmdb_key.as_ref().map(|_| "***"))
            .finish()
    }
}

impl Catalog {
    /// A catalogue with its own HTTP client built from `config.net`.
    pub fn new(config: CatalogConfig) -> Result<Self> {
        let http = HttpClient::new(config.net.clone())?;
        Ok(Catalog::with_client(http, config))
    }

    /// A catalogue on an existing client (the app passes
    /// [`HttpClient::shared`]); `config.net` is then not used. Base URLs
    /// the user pointed elsewhere than the providers (a mirror on their own
    /// network, a local server) are allowed on the client, private or not.
    pub fn with_client(http: HttpClient, config: CatalogConfig) -> Self {
        for (url, default) in [
            (&config.tvmaze_url, DEFAULT_TVMAZE_URL),
            (&config.tmdb_url, DEFAULT_TMDB_URL),
            (&config.tmdb_image_url, DEFAULT_TMDB_IMAGE_URL),
        ] {
            if url != default {
                http.allow_host(url);
            }
        }
        // TMDB's own pace, for TMDB itself: a mirror keeps the default.
        if config.tmdb_url == DEFAULT_TMDB_URL {
            http.limit_host(&config.tmdb_url, TMDB_RATE);
        }
        Catalog {
            http,
            config: Arc::new(config),
            cache: Arc::new(Mutex::new(HashMap::new())),
        }
    }

    pub fn config(&self) -> &CatalogConfig {
        &self.config
    }

    /// Shows whose name matches `query`, best first.
    pub async fn search(&self, provider: Provider, query: &str) -> Result<Vec<SearchResult>> {
        let query = query.trim();
        if query.is_empty() {
            return Err(Error::invalid("type part of a title to search for"));
        }
        match provider {
            Provider::Tvmaze => tvmaze::search(self, query).await,
            Provider::Tmdb => tmdb::search(self, query).await,
        }
    }

    /// Facts, episodes and providers of one show.
    pub async fn details(&self, show: &CatalogRef) -> Result<Details> {
        match show.provider {
            Provider::Tvmaze => tvmaze::details(self, &show.id).await,
            Provider::Tmdb => tmdb::details(self, &show.id).await,
        }
    }

    /// The show with one of these ids, found through catalogue ids alone
    /// (no fuzzy search): the TVmaze id itself, then TVmaze's lookup by
    /// IMDb and TheTVDB id, then the TMDB id when a key is set.
    pub async fn lookup(&self, ids: &ExternalIds) -> Result<Option<Details>> {
        let clean = |v: &Option<String>| {
            v.as_deref()
                .map(str::trim)
                .filter(|s| !s.is_empty())
                .map(str::to_string)
        };
        if let Some(id) = clean(&ids.tvmaze) {
            if let Some(d) = not_found_is_none(tvmaze::details(self, &id).await)? {
                return Ok(Some(d));
            }
        }
        for (param, value) in [("imdb", clean(&ids.imdb)), ("thetvdb", clean(&ids.tvdb))] {
            if let Some(v) = value {
                if let Some(id) = tvmaze::lookup(self, param, &v).await? {
                    return Ok(Some(tvmaze::details(self, &id).await?));
                }
            }
        }
        if let (Some(id), true) = (clean(&ids.tmdb), self.config.tmdb_key.is_some()) {
            if let Some(d) = not_found_is_none(tmdb::details(self, &id).await)? {
                return Ok(Some(d));
            }
        }
        Ok(None)
    }

    /// Films whose title matches `query` (TMDB: TVmaze lists no films).
    pub async fn search_films(&self, query: &str) -> Result<Vec<SearchResult>> {
        let query = query.trim();
        if query.is_empty() {
            return Err(Error::invalid("type part of a title to search for"));
        }
        tmdb::search_films(self, query).await
    }

    /// The film with one of these ids, through TMDB (its own id, else its
    /// `/find` by IMDb id); `None` without a TMDB key.
    pub async fn lookup_film(&self, ids: &ExternalIds) -> Result<Option<Details>> {
        if self.config.tmdb_key.is_none() {
            return Ok(None);
        }
        let clean = |v: &Option<String>| {
            v.as_deref()
                .map(str::trim)
                .filter(|s| !s.is_empty())
                .map(str::to_string)
        };
        // Kept as `movie/603`; a bare number from elsewhere is a film's too.
        let tmdb = clean(&ids.tmdb);
        let tmdb = tmdb
            .as_deref()
            .map(|t| t.strip_prefix(tmdb::FILM).unwrap_or(t));
        if let Some(id) = tmdb.filter(|i| i.chars().all(|c| c.is_ascii_digit())) {
            let film = CatalogRef::tmdb_film(id);
            if let Some(d) = not_found_is_none(self.details(&film).await)? {
                return Ok(Some(d));
            }
        }
        if let Some(imdb) = clean(&ids.imdb) {
            if let Some(id) = tmdb::find(self, "imdb_id", &imdb).await?.films.first() {
                return not_found_is_none(self.details(&CatalogRef::tmdb_film(id)).await);
            }
        }
        Ok(None)
    }

    /// Which show and episode a TVDB episode id is (TMDB's `/find`):
    /// the TMDB show, season and number. `None` when TMDB does not know
    /// it.
    pub async fn find_tvdb_episode(&self, id: &str) -> Result<Option<(CatalogRef, u32, u32)>> {
        let found = tmdb::find(self, "tvdb_id", id.trim()).await?;
        Ok(found
            .episodes
            .into_iter()
            .next()
            .map(|(show, season, number)| (CatalogRef::new(Provider::Tmdb, show), season, number)))
    }

    /// A TMDB show's ids in other databases (TVDB, IMDb), its own with
    /// them.
    pub async fn tmdb_show_ids(&self, id: &str) -> Result<ExternalIds> {
        tmdb::show_ids(self, id.trim()).await
    }

    /// Finds the catalogue show an imported title is: by its ids first,
    /// then by searching its name and scoring the results.
    pub async fn match_title(
        &self,
        provider: Provider,
        query: &MatchQuery,
    ) -> Result<MatchOutcome> {
        matching::match_title(self, provider, query).await
    }

    /// GETs `url` as JSON-bearing bytes, from the cache when the same
    /// address was fetched within `cache_ttl`. Non-2xx answers come back
    /// uncached for the provider to interpret.
    pub(crate) async fn fetch(
        &self,
        url: &str,
        opts: RequestOptions<'_>,
    ) -> Result<(u16, Arc<Vec<u8>>, bool)> {
        if let Some(body) = self.cached(url) {
            return Ok((200, body, false));
        }
        let resp = self.http.get(url, opts).await?;
        let html = resp.looks_like_html();
        let body = Arc::new(resp.body);
        if (200..300).contains(&resp.status) && !html && !self.config.cache_ttl.is_zero() {
            let mut cache = self.cache.lock().unwrap_or_else(|p| p.into_inner());
            let ttl = self.config.cache_ttl;
            cache.retain(|_, (at, _)| at.elapsed() < ttl);
            if cache.len() >= CACHE_ENTRIES {
                cache.clear();
            }
            cache.insert(url.to_string(), (Instant::now(), body.clone()));
        }
        Ok((resp.status, body, html))
    }

    fn cached(&self, url: &str) -> Option<Arc<Vec<u8>>> {
        let cache = self.cache.lock().unwrap_or_else(|p| p.into_inner());
        cache
            .get(url)
            .filter(|(at, _)| at.elapsed() < self.config.cache_ttl)
            .map(|(_, body)| body.clone())
    }
}

fn not_found_is_none<T>(r: Result<T>) -> Result<Option<T>> {
    match r {
        Ok(v) => Ok(Some(v)),
        Err(Error::Network {
            kind: NetErrorKind::NotFound,
            ..
        }) => Ok(None),
        Err(e) => Err(e),
    }
}

/// Parses a JSON body into `T`, or says in words what came instead.
pub(crate) fn parse_json<T: serde::de::DeserializeOwned>(
    service: &str,
    body: &[u8],
    html: bool,
    what: &str,
) -> Result<T> {
    if html {
        return Err(Error::net(
            NetErrorKind::BadResponse,
            format!("{service} sent a web page instead of {what}; it may be down or blocked on this network"),
        ));
    }
    serde_json::from_slice(body).map_err(|e| {
        Error::net(
            NetErrorKind::BadResponse,
            format!("{service} sent something that is not {what} ({e})"),
        )
    })
}

/// Catalogue HTML (TVmaze summaries) as plain text: tags dropped, script
/// and style contents dropped, entities decoded, paragraphs kept apart.
/// The result is inert: it is never rendered as HTML anywhere.
pub fn html_to_text(html: &str) -> String {
    // Paragraph and line breaks would otherwise glue sentences together.
    let mut spaced = String::with_capacity(html.len() + 16);
    let lower = html.to_ascii_lowercase();
    let mut last = 0;
    for (i, _) in lower.match_indices('<') {
        let rest = &lower[i..];
        let brk = ["</p>", "<br>", "<br/>", "<br />", "</li>", "</div>"]
            .iter()
            .any(|t| rest.starts_with(t));
        if brk {
            spaced.push_str(&html[last..i]);
            spaced.push('\n');
            last = i;
        }
    }
    spaced.push_str(&html[last..]);
    let cleaned = ammonia::Builder::empty()
        .clean_content_tags(["script", "style"].into_iter().collect())
        .clean(&spaced)
        .to_string();
    // ammonia's output is HTML; with no tags left, the only escapes in it
    // are these four (the parser already decoded every entity of the input).
    let text = cleaned
        .replace("&lt;", "<")
        .replace("&gt;", ">")
        .replace("&nbsp;", " ")
        .replace("&amp;", "&");
    let lines: Vec<String> = text
        .lines()
        .map(|l| l.split_whitespace().collect::<Vec<_>>().join(" "))
        .filter(|l| !l.is_empty())
        .collect();
    lines.join("\n\n")
}

/// `Some(text)` unless empty after trimming.
pub(crate) fn non_empty(s: Option<&str>) -> Option<String> {
    s.map(str::trim)
        .filter(|s| !s.is_empty())
        .map(str::to_string)
}

/// The year of an ISO date ("2023-12-13" → 2023).
pub(crate) fn year_of(date: Option<&str>) -> Option<i32> {
    let d = date?.trim();
    d.get(..4)?
        .parse()
        .ok()
        .filter(|y| (1800..=2200).contains(y))
}

/// An ISO calendar date, when it is one.
pub(crate) fn date_of(date: Option<&str>) -> Option<NaiveDate> {
    NaiveDate::parse_from_str(date?.trim(), "%Y-%m-%d").ok()
}

/// ISO 639-1 code for a language name as TVmaze writes it ("Korean" →
/// "ko"). Unknown names give `None` rather than a guess.
pub fn language_code(name: &str) -> Option<&'static str> {
    const LANGS: &[(&str, &str)] = &[
        ("korean", "ko"),
        ("japanese", "ja"),
        ("chinese", "zh"),
        ("mandarin", "zh"),
        ("cantonese", "zh"),
        ("taiwanese", "zh"),
        ("thai", "th"),
        ("english", "en"),
        ("french", "fr"),
        ("spanish", "es"),
        ("german", "de"),
        ("italian", "it"),
        ("portuguese", "pt"),
        ("russian", "ru"),
        ("hindi", "hi"),
        ("turkish", "tr"),
        ("indonesian", "id"),
        ("vietnamese", "vi"),
        ("tagalog", "tl"),
        ("filipino", "tl"),
        ("malay", "ms"),
        ("swedish", "sv"),
        ("danish", "da"),
        ("norwegian", "no"),
        ("dutch", "nl"),
        ("polish", "pl"),
        ("arabic", "ar"),
        ("hebrew", "he"),
        ("finnish", "fi"),
        ("icelandic", "is"),
        ("czech", "cs"),
        ("greek", "el"),
        ("hungarian", "hu"),
        ("persian", "fa"),
        ("tamil", "ta"),
        ("telugu", "te"),
        ("bengali", "bn"),
        ("urdu", "ur"),
        ("punjabi", "pa"),
        ("marathi", "mr"),
        ("malayalam", "ml"),
        ("kannada", "kn"),
        ("ukrainian", "uk"),
        ("romanian", "ro"),
        ("welsh", "cy"),
        ("irish", "ga"),
        ("catalan", "ca"),
        ("mongolian", "mn"),
    ];
    let n = name.trim().to_ascii_lowercase();
    LANGS.iter().find(|(k, _)| *k == n).map(|(_, c)| *c)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn refs_parse_and_print() {
        let r: CatalogRef = "tvmaze:123".parse().unwrap();
        assert_eq!(r, CatalogRef::new(Provider::Tvmaze, "123"));
        assert_eq!(r.to_string(), "tvmaze:123");
        assert_eq!(
            " TMDB:456 ".parse::<CatalogRef>().unwrap(),
            CatalogRef::new(Provider::Tmdb, "456")
        );
        for bad in ["123", "imdb:tt1", "tvmaze:", "tvmaze:12a", ""] {
            let e = bad.parse::<CatalogRef>().unwrap_err();
            assert!(e.to_string().contains("tvmaze:ID"), "{bad}: {e}");
        }
        assert_eq!("TVmaze".parse::<Provider>().unwrap(), Provider::Tvmaze);
        assert!("netflix".parse::<Provider>().is_err());
    }

    #[test]
    fn html_becomes_inert_plain_text() {
        assert_eq!(
            html_to_text("<p>Tom &amp; Jerry&#39;s <b>big</b> day</p><p>Part&nbsp;2 &lt;3</p>"),
            "Tom & Jerry's big day\n\nPart 2 <3"
        );
        let t = html_to_text("<p>Hi<script>alert('x')</script><img src=x onerror=alert(1)></p>");
        assert_eq!(t, "Hi");
        assert_eq!(
            html_to_text("사운드트랙 #2<br>Disney+"),
            "사운드트랙 #2\n\nDisney+"
        );
    }

    #[test]
    fn language_names_map_to_codes() {
        assert_eq!(language_code("Korean"), Some("ko"));
        assert_eq!(language_code("Japanese"), Some("ja"));
        assert_eq!(language_code("Klingon"), None);
    }

    #[test]
    fn years_come_from_dates() {
        assert_eq!(year_of(Some("2023-12-13")), Some(2023));
        assert_eq!(year_of(Some("")), None);
        assert_eq!(year_of(None), None);
    }
}
