//! The one HTTP client of the whole app: catalogue lookups use it today, the
//! poster pipeline will reuse it. Every request goes through the same
//! guards, so no caller can forget one:
//!
//! - rustls only (no OpenSSL), connect timeout 5 s, total timeout 20 s,
//!   at most 5 redirects and only to `http`/`https` addresses;
//! - the body is read in chunks and refused as soon as it passes the size
//!   cap, whatever `Content-Length` claimed;
//! - a polite client: a descriptive User-Agent, a per-host rate limit
//!   (TVmaze allows about 20 calls in 10 s), and bounded retries with
//!   backoff on 429 (honouring `Retry-After`) and 5xx;
//! - no request reaches loopback, the private network or any other
//!   non-public address — checked after DNS resolution (so a public name
//!   that resolves to `10.0.0.1` is refused too) and on every redirect —
//!   unless the host is allowed: the catalogue base URLs the user
//!   configured, the hosts in `WATCHLOG_ALLOW_HOSTS`, and Settings →
//!   "Hosts on your network". An imported `poster_url` is the user's data
//!   but not the user's choice of where to connect.
//!
//! **Why async.** The store is synchronous (rusqlite), but a network call is
//! the one thing a user wants to abandon half-way: the app's Add dialog
//! drops a search as the user keeps typing, and a dropped future is the
//! cancellation, with no flag to thread through. Tauri already runs a tokio
//! runtime, so its commands simply `.await` these functions. The CLI has no
//! runtime; [`crate::catalog::blocking::BlockingCatalog`] owns a small
//! current-thread runtime and blocks on the same async code, so there is one
//! implementation, not a sync and an async copy that drift apart.
//! (`reqwest::blocking` would have served the CLI but could not be cancelled
//! in the app without a thread per search.)

use std::collections::{HashMap, HashSet, VecDeque};
use std::net::{IpAddr, SocketAddr};
use std::sync::{Arc, Mutex, RwLock};
use std::time::{Duration, Instant};

use reqwest::dns::{Addrs, Name, Resolve, Resolving};
use reqwest::header::{
    HeaderMap, HeaderValue, CONTENT_LENGTH, CONTENT_TYPE, ETAG, IF_MODIFIED_SINCE, IF_NONE_MATCH,
    LAST_MODIFIED, RETRY_AFTER,
};
use reqwest::{redirect, StatusCode, Url};

use crate::error::{Error, Result};

/// The User-Agent every request carries, so providers can tell who calls.
pub const USER_AGENT: &str = "Watchlog/0.1 (+local-first watchlist)";

/// Hosts (comma-separated) that may be reached although they are on the
/// private network or loopback: a NAS that serves images, a local server.
pub const ALLOW_HOSTS_ENV: &str = "WATCHLOG_ALLOW_HOSTS";

/// Why a network call failed; each is a stable `code` the UI can branch on.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum NetErrorKind {
    /// No connection could be made (no network, DNS failure, refused).
    Offline,
    /// The server did not answer in time.
    Timeout,
    /// The server kept saying "too many requests".
    RateLimited,
    /// The server answered with an error of its own (5xx, unexpected 4xx).
    ProviderError,
    /// The answer was not what the API documents (not JSON, wrong shape,
    /// too large).
    BadResponse,
    /// The provider refused the API key.
    KeyRefused,
    /// The provider needs a key and none is set.
    KeyMissing,
    /// The provider has no such show.
    NotFound,
    /// The address is on the private network or loopback and its host is
    /// not allowed.
    PrivateAddress,
}

impl NetErrorKind {
    /// The machine code carried in `ErrorPayload.code`.
    pub fn code(self) -> &'static str {
        match self {
            NetErrorKind::Offline => "offline",
            NetErrorKind::Timeout => "timeout",
            NetErrorKind::RateLimited => "rate_limited",
            NetErrorKind::ProviderError => "provider_error",
            NetErrorKind::BadResponse => "bad_response",
            NetErrorKind::KeyRefused => "key_refused",
            NetErrorKind::KeyMissing => "key_missing",
            NetErrorKind::NotFound => "not_found",
            NetErrorKind::PrivateAddress => "private_address",
        }
    }
}

impl Error {
    pub(crate) fn net(kind: NetErrorKind, message: impl Into<String>) -> Self {
        Error::Network {
            kind,
            message: message.into(),
        }
    }
}

/// At most `requests` calls to one host in any window of `per`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct RateLimit {
    pub requests: u32,
    pub per: Duration,
}

/// The client's limits. `Default` is what the app uses; tests shorten the
/// timeouts and backoff so they stay fast.
#[derive(Debug, Clone)]
pub struct NetConfig {
    pub connect_timeout: Duration,
    /// Whole request, body included.
    pub timeout: Duration,
    /// Largest body accepted, in bytes.
    pub max_body_bytes: usize,
    /// Tries per request, the first included, for 429 and 5xx answers.
    pub max_attempts: u32,
    /// Wait before the second try; doubled for each further one.
    pub backoff: Duration,
    /// A `Retry-After` longer than this is not waited out: the call fails
    /// as rate-limited instead of hanging the user's search.
    pub max_retry_after: Duration,
    /// Per-host limit; `None` disables it.
    pub rate_limit: Option<RateLimit>,
    /// Hosts that may be reached on a private or loopback address (see
    /// [`HttpClient::allow_host`] for the ones added later).
    pub allow_hosts: Vec<String>,
}

impl NetConfig {
    /// The defaults with the hosts of `WATCHLOG_ALLOW_HOSTS` allowed, and
    /// those of the catalogue base URLs set in the environment (posters in
    /// a mirror's answers come from the mirror).
    pub fn from_env() -> Self {
        let allow_hosts = [
            ALLOW_HOSTS_ENV,
            crate::catalog::TVMAZE_URL_ENV,
            crate::catalog::TMDB_URL_ENV,
        ]
        .iter()
        .filter_map(|name| std::env::var(name).ok())
        .flat_map(|v| parse_hosts(&v))
        .collect();
        NetConfig {
            allow_hosts,
            ..NetConfig::default()
        }
    }
}

/// `"127.0.0.1, nas.local"` → the hosts, lower-cased; also accepts full
/// addresses (`http://nas.local:8080/images`), keeping only the host.
pub fn parse_hosts(text: &str) -> Vec<String> {
    text.split([',', '\n', ' ']).filter_map(host_of).collect()
}

/// The hosts the user typed, each a host name, an IP address or a web
/// address, as bare hosts without duplicates; the first that is none of
/// those is the error.
pub fn checked_hosts(typed: &[String]) -> std::result::Result<Vec<String>, String> {
    let mut out: Vec<String> = Vec::new();
    for t in typed.iter().map(|t| t.trim()).filter(|t| !t.is_empty()) {
        let host = host_of(t).filter(|h| !h.contains(['/', '@', ' ']));
        let host = host.ok_or_else(|| format!("'{t}' is not a host name or address"))?;
        if !out.contains(&host) {
            out.push(host);
        }
    }
    Ok(out)
}

/// The host of `text`, which is a bare host or a web address.
fn host_of(text: &str) -> Option<String> {
    let text = text.trim();
    if text.is_empty() {
        return None;
    }
    let url = Url::parse(text)
        .ok()
        .filter(|u| u.has_host())
        .or_else(|| Url::parse(&format!("http://{text}")).ok())?;
    url.host_str().map(normal_host)
}

/// What the rate limit counts calls to: a host and port (two services on
/// one machine keep their own paces).
fn authority(url: &Url) -> String {
    format!(
        "{}:{}",
        normal_host(url.host_str().unwrap_or("")),
        url.port_or_known_default().unwrap_or(0)
    )
}

/// `[::1]` and `::1` are one host; names compare case-insensitively.
fn normal_host(host: &str) -> String {
    host.trim_start_matches('[')
        .trim_end_matches(']')
        .trim_end_matches('.')
        .to_ascii_lowercase()
}

/// Whether `ip` is an address anyone on the internet could reach: not
/// loopback, private, link-local, shared (CGNAT), multicast, documentation
/// or otherwise reserved. (`IpAddr::is_global` is not stable yet.)
pub fn is_public(ip: IpAddr) -> bool {
    match ip {
        IpAddr::V4(v4) => {
            let [a, b, c, _] = v4.octets();
            !(v4.is_unspecified()
                || v4.is_loopback()
                || v4.is_private()
                || v4.is_link_local()
                || v4.is_broadcast()
                || v4.is_multicast()
                || v4.is_documentation()
                || a == 0
                || (a == 100 && (64..128).contains(&b))
                || (a == 192 && b == 0 && c == 0)
                || (a == 198 && (18..20).contains(&b))
                || a >= 240)
        }
        IpAddr::V6(v6) => {
            if let Some(v4) = v6.to_ipv4_mapped() {
                return is_public(IpAddr::V4(v4));
            }
            let first = v6.segments()[0];
            !(v6.is_unspecified()
                || v6.is_loopback()
                || v6.is_multicast()
                || (first & 0xfe00) == 0xfc00
                || (first & 0xffc0) == 0xfe80
                || (first == 0x2001 && v6.segments()[1] == 0x0db8)
                // NAT64 and 6to4 addresses carry an IPv4 address that could
                // be a private one; nothing Watchlog calls uses them.
                || first == 0x0064
                || first == 0x2002)
        }
    }
}

/// Which hosts may be reached on a non-public address. Shared by a
/// client's clones and its resolver.
#[derive(Debug, Default)]
struct AllowedHosts {
    /// From the configuration and the catalogue base URLs; only grows.
    fixed: HashSet<String>,
    /// From the user's setting; replaced when the setting changes.
    user: HashSet<String>,
}

impl AllowedHosts {
    fn allows(&self, host: &str) -> bool {
        let host = normal_host(host);
        self.fixed.contains(&host) || self.user.contains(&host)
    }
}

type SharedAllowed = Arc<RwLock<AllowedHosts>>;

fn allows(allowed: &SharedAllowed, host: &str) -> bool {
    allowed
        .read()
        .unwrap_or_else(|p| p.into_inner())
        .allows(host)
}

/// Why the resolver refused a name; found again in the error chain so the
/// user reads "private address", not "check your internet connection".
#[derive(Debug)]
struct PrivateAddress(String);

impl std::fmt::Display for PrivateAddress {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{} is on the private network", self.0)
    }
}

impl std::error::Error for PrivateAddress {}

/// The system resolver, keeping only public addresses for hosts that are
/// not allowed. Connections use exactly the addresses it returns, so a
/// name cannot resolve to a public address when checked and a private one
/// when connected.
struct PublicOnly(SharedAllowed);

impl Resolve for PublicOnly {
    fn resolve(&self, name: Name) -> Resolving {
        let allowed = self.0.clone();
        Box::pin(async move {
            let host = name.as_str().to_string();
            let found: Vec<SocketAddr> =
                tokio::net::lookup_host((host.as_str(), 0)).await?.collect();
            let keep: Vec<SocketAddr> = if allows(&allowed, &host) {
                found
            } else {
                found.into_iter().filter(|a| is_public(a.ip())).collect()
            };
            if keep.is_empty() {
                return Err(
                    Box::new(PrivateAddress(host)) as Box<dyn std::error::Error + Send + Sync>
                );
            }
            Ok(Box::new(keep.into_iter()) as Addrs)
        })
    }
}

/// An address written as an IP (which no resolver sees) that is not
/// public and not allowed.
fn refused_literal(url: &Url, allowed: &SharedAllowed) -> bool {
    let ip = match url.host() {
        Some(url::Host::Ipv4(ip)) => IpAddr::V4(ip),
        Some(url::Host::Ipv6(ip)) => IpAddr::V6(ip),
        _ => return false,
    };
    !is_public(ip) && !allows(allowed, &ip.to_string())
}

fn private_address_error(host: &str, service: &str) -> Error {
    Error::net(
        NetErrorKind::PrivateAddress,
        format!(
            "{service} is at {host}, an address on your own network or computer; \
             Watchlog fetches from those only from hosts you allow in \
             Settings → Posters (`watchlog settings --allow-hosts`, or {ALLOW_HOSTS_ENV})"
        ),
    )
}

impl Default for NetConfig {
    fn default() -> Self {
        NetConfig {
            connect_timeout: Duration::from_secs(5),
            timeout: Duration::from_secs(20),
            max_body_bytes: 8 << 20,
            max_attempts: 3,
            backoff: Duration::from_millis(500),
            max_retry_after: Duration::from_secs(30),
            rate_limit: Some(RateLimit {
                requests: 20,
                per: Duration::from_secs(10),
            }),
            allow_hosts: Vec::new(),
        }
    }
}

/// A successful (or deliberately not retried) answer, body fully read.
#[derive(Debug, Clone)]
pub struct Response {
    pub status: u16,
    pub content_type: Option<String>,
    pub body: Vec<u8>,
    /// Validators for a later conditional request (posters revalidate).
    pub etag: Option<String>,
    pub last_modified: Option<String>,
}

impl Response {
    pub fn is_success(&self) -> bool {
        (200..300).contains(&self.status)
    }

    /// Whether the server says the body is JSON (providers that fail often
    /// answer with an HTML page instead).
    pub fn looks_like_html(&self) -> bool {
        let ct = self
            .content_type
            .as_deref()
            .unwrap_or("")
            .to_ascii_lowercase();
        let head = String::from_utf8_lossy(&self.body[..self.body.len().min(256)])
            .trim_start()
            .to_ascii_lowercase();
        ct.contains("html") || head.starts_with("<!doctype html") || head.starts_with("<html")
    }
}

/// What one call asks for, beyond the URL.
#[derive(Debug, Clone, Copy, Default)]
pub struct RequestOptions<'a> {
    /// The service's name as users know it ("TVmaze"), for messages.
    pub service: &'a str,
    /// `Authorization: Bearer` token.
    pub bearer: Option<&'a str>,
    /// A secret that may appear in the URL (an API key); it is cut out of
    /// every message.
    pub secret: Option<&'a str>,
}

/// Extra request headers for callers that are not JSON APIs: what to
/// `Accept`, and the validators of a cached copy so the server can answer
/// `304 Not Modified` instead of sending the body again.
#[derive(Debug, Clone, Copy, Default)]
pub struct Conditional<'a> {
    /// `Accept` header; `application/json` when `None`.
    pub accept: Option<&'a str>,
    /// `If-None-Match`: the ETag of the cached copy.
    pub etag: Option<&'a str>,
    /// `If-Modified-Since`: the Last-Modified of the cached copy.
    pub last_modified: Option<&'a str>,
}

/// The shared client. Cheap to clone: clones share the connection pool and
/// the rate limiter.
#[derive(Clone)]
pub struct HttpClient {
    inner: reqwest::Client,
    config: Arc<NetConfig>,
    limiter: Arc<Mutex<HashMap<String, VecDeque<Instant>>>>,
    /// Hosts whose service allows another pace than `config.rate_limit`.
    host_limits: Arc<RwLock<HashMap<String, RateLimit>>>,
    allowed: SharedAllowed,
}

impl std::fmt::Debug for HttpClient {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("HttpClient")
            .field("config", &self.config)
            .finish()
    }
}

impl HttpClient {
    /// Builds a client with `config`. Needs no runtime; requests must be
    /// awaited on a tokio runtime.
    pub fn new(config: NetConfig) -> Result<Self> {
        let max_redirects = 5;
        let allowed: SharedAllowed = Arc::new(RwLock::new(AllowedHosts {
            fixed: config.allow_hosts.iter().map(|h| normal_host(h)).collect(),
            user: HashSet::new(),
        }));
        let redirect_allowed = allowed.clone();
        let policy = redirect::Policy::custom(move |attempt| {
            if attempt.previous().len() >= max_redirects {
                attempt.error("more than 5 redirects")
            } else if !matches!(attempt.url().scheme(), "http" | "https") {
                attempt.error("redirect to an address that is not http or https")
            } else if refused_literal(attempt.url(), &redirect_allowed) {
                let host = attempt.url().host_str().unwrap_or("").to_string();
                attempt.error(PrivateAddress(host))
            } else {
                attempt.follow()
            }
        });
        let inner = reqwest::Client::builder()
            .user_agent(USER_AGENT)
            .connect_timeout(config.connect_timeout)
            .timeout(config.timeout)
            .redirect(policy)
            .dns_resolver(Arc::new(PublicOnly(allowed.clone())))
            .build()
            .map_err(|e| {
                Error::net(
                    NetErrorKind::Offline,
                    format!("cannot set up the network client: {}", e.without_url()),
                )
            })?;
        Ok(HttpClient {
            inner,
            config: Arc::new(config),
            limiter: Arc::new(Mutex::new(HashMap::new())),
            host_limits: Arc::new(RwLock::new(HashMap::new())),
            allowed,
        })
    }

    /// Lets requests reach the host of `url_or_host` even on a private
    /// address: a catalogue base URL the user configured. Shared by every
    /// clone of this client.
    pub fn allow_host(&self, url_or_host: &str) {
        if let Some(host) = host_of(url_or_host) {
            let mut a = self.allowed.write().unwrap_or_else(|p| p.into_inner());
            a.fixed.insert(host);
        }
    }

    /// Calls to the host and port of `url` keep to `limit` instead of the
    /// client's own (a service that documents another pace). Nothing is
    /// limited when the client limits nothing. Shared by every clone.
    pub fn limit_host(&self, url: &str, limit: RateLimit) {
        if let Ok(u) = Url::parse(url.trim()) {
            let mut l = self.host_limits.write().unwrap_or_else(|p| p.into_inner());
            l.insert(authority(&u), limit);
        }
    }

    /// The process-wide client with the hosts `settings` allows: what every
    /// fetch on behalf of a library (posters) uses.
    pub fn shared_for(settings: &crate::model::Settings) -> Result<Self> {
        let c = HttpClient::shared()?;
        c.set_user_hosts(&settings.allowed_hosts);
        Ok(c)
    }

    /// Replaces the hosts the user allowed in Settings.
    pub fn set_user_hosts(&self, hosts: &[String]) {
        let mut a = self.allowed.write().unwrap_or_else(|p| p.into_inner());
        a.user = hosts.iter().filter_map(|h| host_of(h)).collect();
    }

    /// The process-wide client with the default limits. The app and the
    /// poster pipeline share it, so they share one rate limit per host.
    pub fn shared() -> Result<Self> {
        static SHARED: std::sync::OnceLock<HttpClient> = std::sync::OnceLock::new();
        if let Some(c) = SHARED.get() {
            return Ok(c.clone());
        }
        let c = HttpClient::new(NetConfig::from_env())?;
        Ok(SHARED.get_or_init(|| c).clone())
    }

    pub fn config(&self) -> &NetConfig {
        &self.config
    }

    /// GETs `url`, retrying 429 and 5xx politely. Answers other than those
    /// are returned (a 404 or 401 body tells the caller what went wrong); a
    /// 429 or 5xx that outlasts the retries is an error.
    pub async fn get(&self, url: &str, opts: RequestOptions<'_>) -> Result<Response> {
        self.get_conditional(url, opts, Conditional::default())
            .await
    }

    /// [`HttpClient::get`] with an `Accept` of the caller's choice and the
    /// validators of a cached copy; a `304` comes back as a response with
    /// an empty body for the caller to recognise.
    pub async fn get_conditional(
        &self,
        url: &str,
        opts: RequestOptions<'_>,
        cond: Conditional<'_>,
    ) -> Result<Response> {
        let service = if opts.service.is_empty() {
            "the server"
        } else {
            opts.service
        };
        let parsed = Url::parse(url).map_err(|_| {
            Error::invalid(format!(
                "'{}' is not a web address",
                redact(url, opts.secret)
            ))
        })?;
        if !matches!(parsed.scheme(), "http" | "https") {
            return Err(Error::invalid(format!(
                "'{}' must start with http:// or https://",
                redact(url, opts.secret)
            )));
        }
        let host = parsed.host_str().unwrap_or("").to_string();
        if refused_literal(&parsed, &self.allowed) {
            return Err(private_address_error(&host, service));
        }
        let cfg = &self.config;
        let mut attempt = 0;
        loop {
            attempt += 1;
            self.wait_turn(&authority(&parsed)).await;
            let resp = self.send_once(&parsed, opts, cond, service).await?;
            let retryable =
                resp.status == 429 || (500..600).contains(&resp.status) && resp.status != 501;
            if !retryable {
                return Ok(resp.into_response());
            }
            let last = attempt >= cfg.max_attempts.max(1);
            let wait = resp
                .retry_after
                .unwrap_or_else(|| cfg.backoff * 2u32.saturating_pow(attempt - 1));
            if resp.status == 429 && (last || wait > cfg.max_retry_after) {
                return Err(Error::net(
                    NetErrorKind::RateLimited,
                    format!(
                        "{service} is receiving too many requests from Watchlog; wait {} and try again",
                        human_wait(wait)
                    ),
                ));
            }
            if last {
                return Err(Error::net(
                    NetErrorKind::ProviderError,
                    format!(
                        "{service} answered with a server error (HTTP {}) {attempt} times; it may be down, try again later",
                        resp.status
                    ),
                ));
            }
            tokio::time::sleep(wait.min(cfg.max_retry_after)).await;
        }
    }

    async fn send_once(
        &self,
        url: &Url,
        opts: RequestOptions<'_>,
        cond: Conditional<'_>,
        service: &str,
    ) -> Result<RawResponse> {
        let mut req = self.inner.get(url.clone());
        if let Some(token) = opts.bearer {
            let mut v = HeaderValue::from_str(&format!("Bearer {token}")).map_err(|_| {
                Error::invalid(format!("the {service} token has invalid characters"))
            })?;
            v.set_sensitive(true);
            req = req.header(reqwest::header::AUTHORIZATION, v);
        }
        // Validators come from an earlier answer; one that is not a valid
        // header value is simply not sent (the body is fetched again).
        for (name, value) in [
            (IF_NONE_MATCH, cond.etag),
            (IF_MODIFIED_SINCE, cond.last_modified),
        ] {
            if let Some(v) = value.and_then(|v| HeaderValue::from_str(v).ok()) {
                req = req.header(name, v);
            }
        }
        let mut resp = req
            .header(
                reqwest::header::ACCEPT,
                cond.accept.unwrap_or("application/json"),
            )
            .send()
            .await
            .map_err(|e| transport_error(&e, service, &self.config, opts.secret))?;
        let status = resp.status();
        let headers = resp.headers().clone();
        let cap = self.config.max_body_bytes;
        let too_large = || {
            Error::net(
                NetErrorKind::BadResponse,
                format!(
                    "{service} sent more than {} MB; the answer was refused",
                    (cap as f64 / (1 << 20) as f64).max(0.01)
                ),
            )
        };
        if content_length(&headers).is_some_and(|n| n > cap as u64) {
            return Err(too_large());
        }
        let mut body = Vec::new();
        while let Some(chunk) = resp
            .chunk()
            .await
            .map_err(|e| transport_error(&e, service, &self.config, opts.secret))?
        {
            if body.len() + chunk.len() > cap {
                return Err(too_large());
            }
            body.extend_from_slice(&chunk);
        }
        Ok(RawResponse {
            status: status.as_u16(),
            content_type: headers
                .get(CONTENT_TYPE)
                .and_then(|v| v.to_str().ok())
                .map(str::to_string),
            retry_after: retry_after(&headers, status),
            etag: header_text(&headers, ETAG),
            last_modified: header_text(&headers, LAST_MODIFIED),
            body,
        })
    }

    /// Waits until `host` may be called again under the rate limit. Safe to
    /// cancel: a dropped waiter has taken no slot.
    async fn wait_turn(&self, host: &str) {
        let Some(limit) = self.config.rate_limit else {
            return;
        };
        let limit = self
            .host_limits
            .read()
            .unwrap_or_else(|p| p.into_inner())
            .get(host)
            .copied()
            .unwrap_or(limit);
        loop {
            let wait = {
                let mut map = self.limiter.lock().unwrap_or_else(|p| p.into_inner());
                let window = map.entry(host.to_string()).or_default();
                let now = Instant::now();
                while window
                    .front()
                    .is_some_and(|&t| now.duration_since(t) >= limit.per)
                {
                    window.pop_front();
                }
                if window.len() < limit.requests.max(1) as usize {
                    window.push_back(now);
                    return;
                }
                let oldest = *window.front().expect("a full window is not empty");
                limit.per.saturating_sub(now.duration_since(oldest))
            };
            tokio::time::sleep(wait.max(Duration::from_millis(1))).await;
        }
    }
}

struct RawResponse {
    status: u16,
    content_type: Option<String>,
    retry_after: Option<Duration>,
    etag: Option<String>,
    last_modified: Option<String>,
    body: Vec<u8>,
}

impl RawResponse {
    fn into_response(self) -> Response {
        Response {
            status: self.status,
            content_type: self.content_type,
            body: self.body,
            etag: self.etag,
            last_modified: self.last_modified,
        }
    }
}

fn header_text(headers: &HeaderMap, name: reqwest::header::HeaderName) -> Option<String> {
    headers
        .get(name)
        .and_then(|v| v.to_str().ok())
        .map(str::to_string)
}

fn content_length(headers: &HeaderMap) -> Option<u64> {
    headers
        .get(CONTENT_LENGTH)
        .and_then(|v| v.to_str().ok())
        .and_then(|s| s.trim().parse().ok())
}

/// `Retry-After` as seconds or an HTTP date; only meaningful on 429/503.
fn retry_after(headers: &HeaderMap, status: StatusCode) -> Option<Duration> {
    if status != StatusCode::TOO_MANY_REQUESTS && status != StatusCode::SERVICE_UNAVAILABLE {
        return None;
    }
    let v = headers.get(RETRY_AFTER)?.to_str().ok()?.trim();
    if let Ok(secs) = v.parse::<u64>() {
        return Some(Duration::from_secs(secs));
    }
    let at = chrono::DateTime::parse_from_rfc2822(v).ok()?;
    let secs = (at.timestamp() - chrono::Utc::now().timestamp()).max(0);
    Some(Duration::from_secs(secs as u64))
}

fn transport_error(
    e: &reqwest::Error,
    service: &str,
    cfg: &NetConfig,
    secret: Option<&str>,
) -> Error {
    if let Some(refused) = private_address_in(e) {
        return private_address_error(&refused.0, service);
    }
    if e.is_timeout() {
        return Error::net(
            NetErrorKind::Timeout,
            format!(
                "{service} did not answer within {}",
                human_wait(cfg.timeout)
            ),
        );
    }
    if e.is_redirect() {
        return Error::net(
            NetErrorKind::BadResponse,
            format!(
                "{service} sent Watchlog round in redirects or to an address it will not follow"
            ),
        );
    }
    if e.is_connect() {
        return Error::net(
            NetErrorKind::Offline,
            format!("cannot reach {service}; check your internet connection"),
        );
    }
    // Anything else: the connection broke mid-answer. reqwest's message
    // carries the URL (and so a key); `without_url` drops it.
    let detail = redact(&cut_url(e), secret);
    Error::net(
        NetErrorKind::Offline,
        format!("the connection to {service} failed ({detail})"),
    )
}

/// The resolver's or the redirect policy's refusal, somewhere in the chain
/// of causes.
fn private_address_in(e: &reqwest::Error) -> Option<&PrivateAddress> {
    let mut cause: Option<&(dyn std::error::Error + 'static)> = Some(e);
    while let Some(c) = cause {
        if let Some(p) = c.downcast_ref::<PrivateAddress>() {
            return Some(p);
        }
        cause = c.source();
    }
    None
}

fn cut_url(e: &reqwest::Error) -> String {
    let mut msg = e.to_string();
    if let Some(url) = e.url() {
        msg = msg.replace(&format!(" for url ({url})"), "");
        msg = msg.replace(url.as_str(), "");
    }
    msg.trim().to_string()
}

/// Cuts `secret` out of `text`.
pub(crate) fn redact(text: &str, secret: Option<&str>) -> String {
    match secret.filter(|s| !s.is_empty()) {
        Some(s) => text.replace(s, "***"),
        None => text.to_string(),
    }
}

/// "20 seconds", "1 minute", "250 ms".
fn human_wait(d: Duration) -> String {
    let secs = d.as_secs();
    if d < Duration::from_secs(1) {
        format!("{} ms", d.as_millis())
    } else if secs < 120 {
        format!("{secs} second{}", if secs == 1 { "" } else { "s" })
    } else {
        format!("{} minutes", secs.div_ceil(60))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_internet_addresses_are_public() {
        for ip in [
            "127.0.0.1",
            "10.1.2.3",
            "172.16.0.1",
            "192.168.1.10",
            "169.254.169.254",
            "100.64.0.1",
            "0.0.0.0",
            "224.0.0.1",
            "255.255.255.255",
            "::1",
            "::",
            "fc00::1",
            "fd12:3456::1",
            "fe80::1",
            "::ffff:192.168.0.1",
            "2001:db8::1",
        ] {
            assert!(!is_public(ip.parse().unwrap()), "{ip} is not public");
        }
        for ip in ["1.1.1.1", "8.8.8.8", "151.101.1.1", "2606:4700::1111"] {
            assert!(is_public(ip.parse().unwrap()), "{ip} is public");
        }
    }

    #[test]
    fn allowed_hosts_are_read_from_names_and_addresses() {
        assert_eq!(
            parse_hosts(" 127.0.0.1, NAS.local ,http://[::1]:8080/x,,"),
            ["127.0.0.1", "nas.local", "::1"]
        );
    }

    #[test]
    fn waits_read_as_people_say_them() {
        assert_eq!(human_wait(Duration::from_secs(20)), "20 seconds");
        assert_eq!(human_wait(Duration::from_secs(1)), "1 second");
        assert_eq!(human_wait(Duration::from_millis(250)), "250 ms");
        assert_eq!(human_wait(Duration::from_secs(600)), "10 minutes");
    }

    #[test]
    fn secrets_are_cut_out() {
        assert_eq!(
            redact("https://x/tv?api_key=abc123&q=1", Some("abc123")),
            "https://x/tv?api_key=***&q=1"
        );
        assert_eq!(redact("no key", None), "no key");
    }

    #[test]
    fn retry_after_reads_seconds_and_dates() {
        let mut h = HeaderMap::new();
        h.insert(RETRY_AFTER, HeaderValue::from_static("3"));
        assert_eq!(
            retry_after(&h, StatusCode::TOO_MANY_REQUESTS),
            Some(Duration::from_secs(3))
        );
        assert_eq!(retry_after(&h, StatusCode::INTERNAL_SERVER_ERROR), None);
        h.insert(
            RETRY_AFTER,
            HeaderValue::from_static("Wed, 21 Oct 2015 07:28:00 GMT"),
        );
        assert_eq!(
            retry_after(&h, StatusCode::TOO_MANY_REQUESTS),
            Some(Duration::ZERO),
            "a date in the past means: try now"
        );
    }
}
