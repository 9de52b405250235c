//! Reads a Simkl backup: the CSV (`SIMKL_ID, Title, Type, Year, Watchlist,
//! LastEpWatched, WatchedDate, Rating, Memo, TVDB, TMDB, IMDB`) or the JSON
//! (`{"shows": [{status, user_rating, last_watched_at,
//! watched_episodes_count, total_episodes_count, show: {title, year, ids}}],
//! "movies": […], "anime": […]}`). Simkl's own id is not kept (Watchlog has
//! no place for it); TMDB, IMDb and TVDB ids are.

use chrono::{DateTime, Utc};
use serde_json::Value;

use super::input::{csv_files, parse_when, scale_rating, SourceFile, Table};
use super::merge::{keys, Gather};
use crate::error::{Error, Result};
use crate::model::{
    EntryFields, ExternalIds, IncomingEntry, Kind, ParsedExport, Status, TitleFacts,
};

/// Simkl's list names.
fn status(word: &str) -> Option<Status> {
    match word
        .trim()
        .to_ascii_lowercase()
        .replace([' ', '_', '-'], "")
        .as_str()
    {
        "watching" => Some(Status::Watching),
        "plantowatch" | "watchlist" => Some(Status::PlanToWatch),
        "completed" | "watched" => Some(Status::Completed),
        "hold" | "onhold" => Some(Status::OnHold),
        "dropped" | "notinteresting" => Some(Status::Dropped),
        _ => None,
    }
}

fn kind(word: &str) -> Kind {
    match word.trim().to_ascii_lowercase().as_str() {
        "movie" | "movies" | "film" => Kind::Film,
        _ => Kind::Series,
    }
}

/// `s2e5`, `S02E05` or a bare episode number → an episode count guess
/// (exact for single-season shows, the only case a count can be known).
fn last_episode(v: &str) -> Option<u32> {
    let l = v.trim().to_ascii_lowercase();
    match l.split_once('e') {
        Some((_, ep)) => ep.parse().ok(),
        None => l.parse().ok(),
    }
}

pub fn read(files: &[SourceFile]) -> Result<ParsedExport> {
    let mut parsed = ParsedExport::default();
    let mut gather = Gather::default();
    let mut any = false;
    for f in files {
        let base = f.base_name();
        let text = f.text(&mut parsed.notes);
        if base.ends_with(".json") || text.trim_start().starts_with('{') {
            json(&f.name, &text, &mut gather, &mut parsed)?;
            any = true;
        }
    }
    for f in csv_files(files) {
        let text = f.text(&mut parsed.notes);
        let t = Table::read(&f.name, &text, &["title", "type"])?;
        any = true;
        for row in &t.rows {
            let c = t.row(row);
            let name = c
                .get("title")
                .ok_or_else(|| c.bad("title", "a row without a title"))?;
            let k = kind(c.get("type").unwrap_or(""));
            let st = match c.get("watchlist") {
                Some(w) => status(w).ok_or_else(|| c.bad("watchlist", format!("'{w}' is not a Simkl list (watching, plantowatch, completed, hold, dropped)")))?,
                None => Status::PlanToWatch,
            };
            let when = c.when("watcheddate")?;
            let mut progress = c.get("lastepwatched").and_then(last_episode).unwrap_or(0);
            if k == Kind::Film && st == Status::Completed {
                progress = 1;
            }
            let title = TitleFacts {
                kind: k,
                name: name.to_string(),
                year: c.year("year")?,
                episodes: (k == Kind::Film).then_some(1),
                external_ids: ids(c.get("tmdb"), c.get("imdb"), c.get("tvdb"), k),
                ..Default::default()
            };
            gather.add(
                keys(&title),
                IncomingEntry {
                    title,
                    fields: EntryFields {
                        status: st,
                        rating: c.rating("rating", 1.0, 10.0)?,
                        notes: c.get("memo").map(str::to_string),
                        progress: if k == Kind::Film {
                            progress.min(1)
                        } else {
                            progress
                        },
                        finished_on: when
                            .filter(|_| st == Status::Completed)
                            .map(|w| w.date_naive()),
                        ..Default::default()
                    },
                    added_at: when,
                    updated_at: when,
                    episodes: None,
                    ..Default::default()
                },
            );
        }
    }
    if !any {
        return Err(Error::invalid(
            "this Simkl backup holds no CSV or JSON file",
        ));
    }
    parsed.notes.push(
        "Simkl's own ids are not kept; titles are matched by their TMDB, IMDb and TVDB ids".into(),
    );
    parsed.incoming.entries = gather.into_entries();
    Ok(parsed)
}

fn ids(tmdb: Option<&str>, imdb: Option<&str>, tvdb: Option<&str>, k: Kind) -> ExternalIds {
    ExternalIds {
        tmdb: tmdb.map(|t| {
            if k == Kind::Film {
                format!("movie/{t}")
            } else {
                t.to_string()
            }
        }),
        imdb: imdb.filter(|i| i.starts_with("tt")).map(str::to_string),
        tvdb: tvdb.filter(|_| k != Kind::Film).map(str::to_string),
        ..Default::default()
    }
}

fn json(file: &str, text: &str, gather: &mut Gather, _parsed: &mut ParsedExport) -> Result<()> {
    let v: Value = serde_json::from_str(text).map_err(|e| {
        Error::invalid(format!(
            "{file}, line {}, column {}: this is not valid JSON ({e}); nothing was imported",
            e.line(),
            e.column()
        ))
    })?;
    let Some(obj) = v.as_object() else {
        return Err(Error::invalid(format!(
            "{file}: a Simkl backup is an object with \"shows\", \"movies\" or \"anime\"; nothing was imported"
        )));
    };
    if !["shows", "movies", "anime"]
        .iter()
        .any(|k| obj.contains_key(*k))
    {
        return Err(Error::invalid(format!(
            "{file}: a Simkl backup has \"shows\", \"movies\" or \"anime\"; this file has none; nothing was imported"
        )));
    }
    for (group, media_key, k) in [
        ("shows", "show", Kind::Series),
        ("anime", "show", Kind::Series),
        ("movies", "movie", Kind::Film),
    ] {
        let Some(list) = obj.get(group) else { continue };
        let Some(list) = list.as_array() else {
            return Err(Error::invalid(format!(
                "{file}: \"{group}\" is not a list; nothing was imported"
            )));
        };
        for (i, item) in list.iter().enumerate() {
            let bad = |m: &str| {
                Error::invalid(format!(
                    "{file}, {group} item {}: {m}; nothing was imported",
                    i + 1
                ))
            };
            let media = item
                .get(media_key)
                .or_else(|| item.get("show"))
                .or_else(|| item.get("movie"));
            let Some(media) = media.filter(|m| m.is_object()) else {
                return Err(bad(&format!("no \"{media_key}\" object")));
            };
            let name = media
                .get("title")
                .and_then(Value::as_str)
                .filter(|s| !s.trim().is_empty())
                .ok_or_else(|| bad("a title without a name"))?;
            let year = match media.get("year") {
                Some(Value::Number(n)) => Some(
                    n.as_i64()
                        .filter(|y| (1800..=2200).contains(y))
                        .ok_or_else(|| bad("the year is not plausible"))?
                        as i32,
                ),
                _ => None,
            };
            let idv = |key: &str| -> Option<String> {
                match media.get("ids")?.get(key)? {
                    Value::Number(n) => Some(n.to_string()),
                    Value::String(s) if !s.is_empty() => Some(s.clone()),
                    _ => None,
                }
            };
            let st = match item.get("status").and_then(Value::as_str) {
                Some(s) => status(s).ok_or_else(|| bad(&format!("'{s}' is not a Simkl status")))?,
                None => Status::PlanToWatch,
            };
            let rating = match item.get("user_rating") {
                Some(Value::Number(n)) => {
                    Some(scale_rating(&n.to_string(), 1.0, 10.0).map_err(|m| bad(&m))?)
                }
                _ => None,
            };
            let when: Option<DateTime<Utc>> =
                match item.get("last_watched_at").and_then(Value::as_str) {
                    Some(s) => Some(parse_when(s).map_err(|m| bad(&m))?),
                    None => None,
                };
            let total = item
                .get("total_episodes_count")
                .and_then(Value::as_u64)
                .filter(|n| *n > 0 && *n < 100_000)
                .map(|n| n as u32);
            let watched = item
                .get("watched_episodes_count")
                .and_then(Value::as_u64)
                .unwrap_or(0)
                .min(100_000) as u32;
            let episodes = if k == Kind::Film { Some(1) } else { total };
            let mut progress = if k == Kind::Film {
                u32::from(st == Status::Completed)
            } else {
                watched
            };
            if let Some(t) = episodes {
                progress = progress.min(t);
            }
            let title = TitleFacts {
                kind: k,
                name: name.trim().to_string(),
                year,
                episodes,
                external_ids: ids(
                    idv("tmdb").as_deref(),
                    idv("imdb").as_deref(),
                    idv("tvdb").as_deref(),
                    k,
                ),
                ..Default::default()
            };
            gather.add(
                keys(&title),
                IncomingEntry {
                    title,
                    fields: EntryFields {
                        status: st,
                        rating,
                        progress,
                        finished_on: when
                            .filter(|_| st == Status::Completed)
                            .map(|w| w.date_naive()),
                        ..Default::default()
                    },
                    added_at: when,
                    updated_at: when,
                    episodes: None,
                    ..Default::default()
                },
            );
        }
    }
    Ok(())
}
