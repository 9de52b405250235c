//! What media servers say when something was watched: Jellyfin (the
//! webhook plugin's JSON), Emby (`playback.stop`, JSON in a `data` form
//! field) and Plex (`media.scrobble`, JSON in the `payload` part of a
//! multipart body). [`parse`] turns a request body into a [`Played`] — an
//! episode or a film watched to the end, with what the server knows of it —
//! or `None` for an event that records nothing (a pause, a play, a stop
//! half-way, music). [`Library::record_played`] writes it through the
//! import door's history writer, so a replayed event records nothing twice.
//! [`answer`] is the whole of a request's handling (route, token, size,
//! parse, record), and [`Listener`] the small HTTP server (`tiny_http`)
//! both faces run it behind: `watchlog serve-webhooks` in the foreground,
//! the app on a thread while its setting is on.

use std::fmt;
use std::str::FromStr;

use chrono::{DateTime, TimeZone, Utc};
use serde::{Deserialize, Serialize};
use serde_json::Value;

use crate::error::{Error, Result};
use crate::model::{
    EntryFields, EpisodeRef, ExternalIds, Incoming, IncomingEntry, IncomingEpisode, IncomingWatch,
    Kind, Status, TitleFacts, WatchedWhen,
};
use crate::store::Library;
use crate::transfer::import::Import;

/// The largest body read: a Plex event carries a thumbnail beside its JSON.
pub const MAX_BODY: usize = 4 << 20;

/// The media servers that post webhooks.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Server {
    Jellyfin,
    Emby,
    Plex,
}

impl Server {
    pub const ALL: [Server; 3] = [Server::Jellyfin, Server::Emby, Server::Plex];

    pub fn as_str(self) -> &'static str {
        match self {
            Server::Jellyfin => "jellyfin",
            Server::Emby => "emby",
            Server::Plex => "plex",
        }
    }

    pub fn label(self) -> &'static str {
        match self {
            Server::Jellyfin => "Jellyfin",
            Server::Emby => "Emby",
            Server::Plex => "Plex",
        }
    }
}

impl FromStr for Server {
    type Err = Error;
    fn from_str(s: &str) -> Result<Self> {
        Server::ALL
            .into_iter()
            .find(|v| v.as_str() == s.trim().to_ascii_lowercase())
            .ok_or_else(|| Error::invalid(format!("'{s}' is not jellyfin, emby or plex")))
    }
}

impl fmt::Display for Server {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// Something watched to the end, as a media server tells it.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Played {
    pub server: Server,
    pub kind: Kind,
    /// The film's name, or the episode's show.
    pub title: String,
    pub year: Option<i32>,
    /// For an episode.
    pub episode: Option<EpisodeRef>,
    /// The film's ids, or the show's where the server gives them.
    pub ids: ExternalIds,
    pub at: DateTime<Utc>,
}

/// Reads one webhook body. `content_type` is the request's header.
/// `Ok(None)`: a well-formed event that records nothing.
pub fn parse(server: Server, content_type: Option<&str>, body: &[u8]) -> Result<Option<Played>> {
    if body.len() > MAX_BODY {
        return Err(Error::invalid(format!(
            "the {} event is larger than {} MiB",
            server.label(),
            MAX_BODY >> 20
        )));
    }
    let field = match server {
        Server::Jellyfin => None,
        Server::Emby => Some("data"),
        Server::Plex => Some("payload"),
    };
    let json = json_of(server, content_type, body, field)?;
    let v: Value = serde_json::from_slice(&json)
        .map_err(|e| Error::invalid(format!("the {} event is not JSON ({e})", server.label())))?;
    if !v.is_object() {
        return Err(Error::invalid(format!(
            "the {} event is not a JSON object",
            server.label()
        )));
    }
    match server {
        Server::Jellyfin => jellyfin(&v),
        Server::Emby => emby(&v),
        Server::Plex => plex(&v),
    }
}

/// The event's JSON: the body itself, or the named form field of an
/// urlencoded or multipart body.
fn json_of(
    server: Server,
    content_type: Option<&str>,
    body: &[u8],
    field: Option<&str>,
) -> Result<Vec<u8>> {
    let mime: Option<mime::Mime> = content_type.and_then(|c| c.parse().ok());
    let Some(field) = field else {
        return Ok(body.to_vec());
    };
    let missing = || {
        Error::invalid(format!(
            "the {} event has no `{field}` field",
            server.label()
        ))
    };
    match mime.as_ref().map(|m| (m.type_(), m.subtype())) {
        Some((mime::MULTIPART, mime::FORM_DATA)) => {
            let boundary = mime
                .as_ref()
                .and_then(|m| m.get_param(mime::BOUNDARY))
                .ok_or_else(|| Error::invalid("a multipart body without a boundary"))?
                .to_string();
            multipart_field(body, &boundary, field)?.ok_or_else(missing)
        }
        Some((mime::APPLICATION, mime::WWW_FORM_URLENCODED)) => form_urlencoded::parse(body)
            .find(|(k, _)| k == field)
            .map(|(_, v)| v.into_owned().into_bytes())
            .ok_or_else(missing),
        // Sent as bare JSON (a relay, a test with curl).
        _ => Ok(body.to_vec()),
    }
}

fn multipart_field(body: &[u8], boundary: &str, field: &str) -> Result<Option<Vec<u8>>> {
    // Multipart lines end in CRLF; a body relayed through a tool that
    // wrote bare LF (and so carries no binary part) is read as if it did.
    let body = if body.contains(&b'\r') {
        bytes::Bytes::copy_from_slice(body)
    } else {
        let mut crlf = Vec::with_capacity(body.len() + body.len() / 16);
        for &b in body {
            if b == b'\n' {
                crlf.push(b'\r');
            }
            crlf.push(b);
        }
        bytes::Bytes::from(crlf)
    };
    let stream = futures_util::stream::once(async move { Ok::<_, std::convert::Infallible>(body) });
    let mut parts = multer::Multipart::new(stream, boundary);
    let bad = |e: multer::Error| Error::invalid(format!("the multipart body is damaged ({e})"));
    // The body is all in memory: nothing here ever waits.
    futures_executor::block_on(async {
        while let Some(part) = parts.next_field().await.map_err(bad)? {
            if part.name() == Some(field) {
                return Ok(Some(part.bytes().await.map_err(bad)?.to_vec()));
            }
        }
        Ok(None)
    })
}

fn text(v: &Value, key: &str) -> Option<String> {
    v.get(key)
        .and_then(Value::as_str)
        .map(str::trim)
        .filter(|s| !s.is_empty())
        .map(str::to_string)
}

fn number(v: &Value, key: &str) -> Option<u32> {
    match v.get(key)? {
        Value::Number(n) => n.as_u64().and_then(|n| u32::try_from(n).ok()),
        Value::String(s) => s.trim().parse().ok(),
        _ => None,
    }
}

fn instant(v: &Value, key: &str) -> Option<DateTime<Utc>> {
    DateTime::parse_from_rfc3339(v.get(key)?.as_str()?)
        .ok()
        .map(|t| t.with_timezone(&Utc))
}

fn episode_ref(season: Option<u32>, number: Option<u32>) -> Result<EpisodeRef> {
    match (season, number) {
        (Some(s), Some(n)) => EpisodeRef::new(s, n),
        _ => Err(Error::invalid(
            "the episode's season or number is missing from the event",
        )),
    }
}

fn kind_of(word: &str) -> Option<Kind> {
    match word.to_ascii_lowercase().as_str() {
        "movie" => Some(Kind::Film),
        "episode" => Some(Kind::Series),
        _ => None,
    }
}

/// Jellyfin's webhook plugin: `PlaybackStop` with `PlayedToCompletion`.
fn jellyfin(v: &Value) -> Result<Option<Played>> {
    let completed = v.get("PlayedToCompletion").and_then(Value::as_bool) == Some(true);
    if text(v, "NotificationType").as_deref() != Some("PlaybackStop") || !completed {
        return Ok(None);
    }
    let Some(kind) = text(v, "ItemType").as_deref().and_then(kind_of) else {
        return Ok(None);
    };
    let ids = |p: &str| text(v, &format!("Provider_{p}"));
    let (title, episode, ids) = if kind == Kind::Film {
        let ids = ExternalIds {
            tmdb: ids("tmdb").map(|t| format!("movie/{t}")),
            imdb: ids("imdb"),
            ..Default::default()
        };
        (text(v, "Name"), None, ids)
    } else {
        let season = number(v, "SeasonNumber").or(number(v, "SeasonNumber00"));
        let number = number(v, "EpisodeNumber").or(number(v, "EpisodeNumber00"));
        // The Provider_ ids of an episode are the episode's own.
        (
            text(v, "SeriesName"),
            Some(episode_ref(season, number)?),
            ExternalIds::default(),
        )
    };
    let title = title.ok_or_else(|| Error::invalid("the Jellyfin event names no title"))?;
    Ok(Some(Played {
        server: Server::Jellyfin,
        kind,
        title,
        year: number(v, "Year").and_then(|y| i32::try_from(y).ok()),
        episode,
        ids,
        at: instant(v, "UtcTimestamp").unwrap_or_else(Utc::now),
    }))
}

/// Emby: `playback.stop` whose `PlaybackInfo.PlayedToCompletion` is true.
fn emby(v: &Value) -> Result<Option<Played>> {
    let completed = v
        .pointer("/PlaybackInfo/PlayedToCompletion")
        .and_then(Value::as_bool)
        == Some(true);
    if text(v, "Event").as_deref() != Some("playback.stop") || !completed {
        return Ok(None);
    }
    let item = v
        .get("Item")
        .ok_or_else(|| Error::invalid("the Emby event has no Item"))?;
    let Some(kind) = text(item, "Type").as_deref().and_then(kind_of) else {
        return Ok(None);
    };
    let provider = |p: &str| item.get("ProviderIds").and_then(|ids| text(ids, p));
    let (title, episode, ids) = if kind == Kind::Film {
        let ids = ExternalIds {
            tmdb: provider("Tmdb").map(|t| format!("movie/{t}")),
            imdb: provider("Imdb"),
            ..Default::default()
        };
        (text(item, "Name"), None, ids)
    } else {
        let ep = episode_ref(
            number(item, "ParentIndexNumber"),
            number(item, "IndexNumber"),
        )?;
        (text(item, "SeriesName"), Some(ep), ExternalIds::default())
    };
    let title = title.ok_or_else(|| Error::invalid("the Emby event names no title"))?;
    Ok(Some(Played {
        server: Server::Emby,
        kind,
        title,
        year: number(item, "ProductionYear").and_then(|y| i32::try_from(y).ok()),
        episode,
        ids,
        at: instant(v, "Date").unwrap_or_else(Utc::now),
    }))
}

/// Plex: `media.scrobble` (Plex sends it once 90% is watched).
fn plex(v: &Value) -> Result<Option<Played>> {
    if text(v, "event").as_deref() != Some("media.scrobble") {
        return Ok(None);
    }
    let m = v
        .get("Metadata")
        .ok_or_else(|| Error::invalid("the Plex event has no Metadata"))?;
    let Some(kind) = text(m, "type").as_deref().and_then(kind_of) else {
        return Ok(None);
    };
    let guids: Vec<String> = m
        .get("Guid")
        .and_then(Value::as_array)
        .into_iter()
        .flatten()
        .filter_map(|g| text(g, "id"))
        .collect();
    let guid = |scheme: &str| {
        guids
            .iter()
            .find_map(|g| g.strip_prefix(scheme).map(str::to_string))
    };
    // The legacy TVDB agent names the show, season and episode in the guid.
    let legacy: Option<(String, u32, u32)> = text(m, "guid").and_then(|g| {
        let rest = g.strip_prefix("com.plexapp.agents.thetvdb://")?;
        let path = rest.split('?').next()?;
        let mut it = path.split('/');
        Some((
            it.next()?.to_string(),
            it.next()?.parse().ok()?,
            it.next()?.parse().ok()?,
        ))
    });
    let (title, episode, ids) = if kind == Kind::Film {
        let ids = ExternalIds {
            tmdb: guid("tmdb://").map(|t| format!("movie/{t}")),
            imdb: guid("imdb://"),
            ..Default::default()
        };
        (text(m, "title"), None, ids)
    } else {
        let (ep, ids) = match legacy {
            Some((show, s, n)) => (
                EpisodeRef::new(s, n)?,
                ExternalIds {
                    tvdb: Some(show),
                    ..Default::default()
                },
            ),
            None => (
                episode_ref(number(m, "parentIndex"), number(m, "index"))?,
                ExternalIds::default(),
            ),
        };
        (text(m, "grandparentTitle"), Some(ep), ids)
    };
    let title = title.ok_or_else(|| Error::invalid("the Plex event names no title"))?;
    let at = m
        .get("lastViewedAt")
        .and_then(Value::as_i64)
        .and_then(|t| Utc.timestamp_opt(t, 0).single())
        .unwrap_or_else(Utc::now);
    Ok(Some(Played {
        server: Server::Plex,
        kind,
        // A show's year is its episode's in Plex: not the show's.
        year: if kind == Kind::Film {
            number(m, "year").and_then(|y| i32::try_from(y).ok())
        } else {
            None
        },
        title,
        episode,
        ids,
        at,
    }))
}

/// What recording an event did.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Recorded {
    pub entry_id: i64,
    /// False when the library had it already (a replayed event).
    pub changed: bool,
    /// Whether a new entry was made for it (it then waits in *Needs a
    /// match*, for a show).
    pub added: bool,
}

impl Library {
    /// Records a watch a media server reported, as a one-line import: the
    /// title is found by its ids, else by name, year and kind (a new
    /// entry when none fits); a film becomes completed that day, an
    /// episode goes into the show's history at that instant. A second
    /// time changes nothing.
    pub fn record_played(&mut self, played: &Played) -> Result<Recorded> {
        let watched = played.at;
        let mut entry = IncomingEntry {
            title: TitleFacts {
                kind: played.kind,
                name: played.title.clone(),
                year: played.year,
                external_ids: played.ids.clone(),
                ..Default::default()
            },
            fields: EntryFields {
                status: match played.kind {
                    Kind::Film => Status::Completed,
                    _ => Status::Watching,
                },
                ..Default::default()
            },
            ..Default::default()
        };
        match played.episode {
            Some(ep) => {
                entry.episodes = Some(vec![IncomingWatch {
                    episode: IncomingEpisode::Numbered(ep),
                    when: WatchedWhen::At(watched),
                    ..Default::default()
                }]);
            }
            None => {
                entry.fields.progress = 1;
                entry.fields.finished_on = Some(watched.date_naive());
            }
        }
        let incoming = Incoming {
            entries: vec![entry],
            ..Default::default()
        };
        let report = Import::record(self, &incoming)?;
        let item = report
            .items
            .first()
            .ok_or_else(|| Error::invalid("the event named nothing to record"))?;
        if item.entry_id == 0 {
            return Err(Error::invalid(format!(
                "'{}' could mean several entries: {}",
                played.title,
                item.reason.as_deref().unwrap_or("settle it in the library")
            )));
        }
        Ok(Recorded {
            entry_id: item.entry_id,
            changed: report.added + report.updated > 0,
            added: report.added > 0,
        })
    }
}

/// The reply to one webhook request.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Answer {
    pub status: u16,
    /// One line saying what happened, for the reply and the log.
    pub message: String,
    /// Whether the library changed.
    pub recorded: bool,
}

fn reply(status: u16, message: impl Into<String>) -> Answer {
    Answer {
        status,
        message: message.into(),
        recorded: false,
    }
}

fn recorded(message: String) -> Answer {
    Answer {
        recorded: true,
        ..reply(200, message)
    }
}

/// Where an app's listener stands, for its settings page.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct ListenerStatus {
    /// The three addresses to give the media servers, while listening.
    pub urls: Vec<String>,
    /// Why it is not listening although a port is set (the port is taken).
    pub error: Option<String>,
}

/// The three addresses a listener at `host:port` answers, to give the
/// media servers.
pub fn urls(host: &str, port: u16, token: &str) -> Vec<String> {
    Server::ALL
        .iter()
        .map(|s| format!("http://{host}:{port}/webhooks/{s}?token={token}"))
        .collect()
}

/// Handles one request to `url` (path and query) for the library at
/// `library`: the path names the server, the query must carry `token`,
/// the body is read by [`parse`] and recorded by
/// [`Library::record_played`]. A wrong token, a malformed or oversized
/// body writes nothing. `body` is `None` when it was over [`MAX_BODY`].
pub fn answer(
    library: &std::path::Path,
    token: &str,
    url: &str,
    is_post: bool,
    content_type: Option<&str>,
    body: Option<&[u8]>,
) -> Answer {
    let (path, query) = url.split_once('?').unwrap_or((url, ""));
    let Some(server) = path
        .strip_prefix("/webhooks/")
        .and_then(|s| s.parse::<Server>().ok())
    else {
        return reply(
            404,
            "no such webhook (use /webhooks/jellyfin, /webhooks/emby or /webhooks/plex)",
        );
    };
    let given = form_urlencoded::parse(query.as_bytes())
        .find(|(k, _)| k == "token")
        .map(|(_, v)| v.into_owned());
    if !given.is_some_and(|g| same(g.as_bytes(), token.as_bytes())) {
        return reply(401, "wrong or missing token; nothing was recorded");
    }
    if !is_post {
        return reply(405, "webhooks are POSTed");
    }
    let Some(body) = body.filter(|b| b.len() <= MAX_BODY) else {
        return reply(
            413,
            format!(
                "the body is over {} MiB; nothing was recorded",
                MAX_BODY >> 20
            ),
        );
    };
    let played = match parse(server, content_type, body) {
        Ok(Some(p)) => p,
        Ok(None) => return reply(200, format!("{} event: nothing to record", server.label())),
        Err(e) => return reply(400, format!("{e}; nothing was recorded")),
    };
    let what = match played.episode {
        Some(ep) => format!("{} {ep}", played.title),
        None => played.title.clone(),
    };
    match Library::open(library).and_then(|mut lib| lib.record_played(&played)) {
        Ok(r) if !r.changed => reply(200, format!("{what}: already recorded")),
        Ok(r) if r.added => recorded(format!(
            "{what}: recorded as a new entry {} (it waits for a catalogue match)",
            r.entry_id
        )),
        Ok(r) => recorded(format!("{what}: recorded in entry {}", r.entry_id)),
        Err(e) => reply(500, format!("{what}: {e}")),
    }
}

/// Compares without stopping at the first difference, so the time taken
/// says nothing about how much of a guess was right.
fn same(a: &[u8], b: &[u8]) -> bool {
    a.len() == b.len() && a.iter().zip(b).fold(0u8, |acc, (x, y)| acc | (x ^ y)) == 0
}

/// The shortest token a listener takes: it is all that keeps others from
/// writing to the library.
pub const MIN_TOKEN_CHARS: usize = 8;

/// 24 random bytes from the system, as hex: a webhook token.
pub fn new_token() -> Result<String> {
    let mut bytes = [0u8; 24];
    getrandom::fill(&mut bytes)
        .map_err(|e| Error::invalid(format!("no random bytes for a token: {e}")))?;
    Ok(bytes.iter().map(|b| format!("{b:02x}")).collect())
}

/// A webhook listener bound to an address; [`Listener::run`] serves it
/// until [`Listener::stop`] is called from elsewhere.
pub struct Listener {
    server: std::sync::Arc<tiny_http::Server>,
}

impl Listener {
    /// Binds `ip:port` (port 0: any free one).
    pub fn bind(ip: std::net::IpAddr, port: u16) -> Result<Listener> {
        let server = tiny_http::Server::http((ip, port)).map_err(|e| {
            Error::invalid(format!("could not listen for webhooks on {ip}:{port}: {e}"))
        })?;
        Ok(Listener {
            server: std::sync::Arc::new(server),
        })
    }

    /// The port it listens on.
    pub fn port(&self) -> u16 {
        self.server
            .server_addr()
            .to_ip()
            .map_or(0, |addr| addr.port())
    }

    /// Answers requests for the library at `library` until stopped;
    /// `log` hears each request (its method and address, the token left
    /// out) with the answer.
    pub fn run(&self, library: &std::path::Path, token: &str, log: impl Fn(&str, &Answer)) {
        for mut request in self.server.incoming_requests() {
            let a = read_and_answer(library, token, &mut request);
            let line = format!("{} {}", request.method(), request.url().replace(token, "…"));
            log(&line, &a);
            let _ = request.respond(
                tiny_http::Response::from_string(format!("{}\n", a.message))
                    .with_status_code(a.status),
            );
        }
    }

    /// Makes [`Listener::run`] return, from any thread.
    pub fn stop(&self) {
        self.server.unblock();
    }

    /// A handle that can stop this listener from another thread.
    pub fn stopper(&self) -> Listener {
        Listener {
            server: self.server.clone(),
        }
    }
}

/// Reads the request (at most [`MAX_BODY`] bytes) and answers it.
fn read_and_answer(
    library: &std::path::Path,
    token: &str,
    request: &mut tiny_http::Request,
) -> Answer {
    use std::io::Read;
    let too_big = request.body_length().is_some_and(|n| n > MAX_BODY);
    let mut body = Vec::new();
    if !too_big {
        if let Err(e) = request
            .as_reader()
            .take(MAX_BODY as u64 + 1)
            .read_to_end(&mut body)
        {
            return reply(
                400,
                format!("the body could not be read ({e}); nothing was recorded"),
            );
        }
    }
    let content_type = request
        .headers()
        .iter()
        .find(|h| h.field.equiv("Content-Type"))
        .map(|h| h.value.as_str().to_string());
    answer(
        library,
        token,
        request.url(),
        *request.method() == tiny_http::Method::Post,
        content_type.as_deref(),
        (!too_big).then_some(&body[..]),
    )
}
