//! Reads a Trakt account export: JSON files, possibly paged
//! (`watched-history-1.json`, `-2.json`…). Understood: `watched-history`,
//! `watched-movies` / `watched-shows`, `ratings-movies` / `ratings-shows`
//! (and season / episode ratings, which are reported and left out: Watchlog
//! keeps one rating per title), `lists-watchlist` (plan to watch) and the
//! other `lists-*` files, which become lists in their `rank` order, each
//! item's notes its note on the list; `lists-lists.json`, when there, gives
//! their names, descriptions and whether they show numbers (ranked).
//!
//! Ids: TMDB, IMDb and TVDB ids are kept as catalogue ids. Trakt's own id
//! has no place in Watchlog's catalogue ids and is not kept, but within
//! one export it tells titles apart: lines with different Trakt ids are
//! never gathered into one entry. TMDB numbers films and series separately, so a film's TMDB
//! id is kept as `movie/<id>`, a series' as the bare number the catalogue
//! lookup also writes.

use std::collections::HashMap;

use chrono::{DateTime, Utc};
use serde_json::Value;

use super::input::{parse_when, SourceFile};
use super::merge::{keys, Gather};
use crate::error::{Error, Result};
use crate::model::{
    EntryFields, EpisodeRef, ExternalIds, IncomingEntry, IncomingEpisode, IncomingList,
    IncomingListItem, IncomingWatch, Kind, ParsedExport, Status, TitleFacts, ViewingDetails,
    WatchedWhen,
};
use crate::rating::Rating;

/// The file's kind, from its name with any page number removed.
fn kind_of(base: &str) -> String {
    let stem = base.trim_end_matches(".json");
    match stem.rsplit_once('-') {
        Some((head, tail)) if !tail.is_empty() && tail.chars().all(|c| c.is_ascii_digit()) => {
            head.to_string()
        }
        _ => stem.to_string(),
    }
}

pub fn read(files: &[SourceFile]) -> Result<ParsedExport> {
    let mut parsed = ParsedExport::default();
    let mut gather = Gather::default();
    let mut episode_ratings = 0usize;
    let mut episodes_seen: HashMap<String, std::collections::HashSet<(i64, i64)>> = HashMap::new();
    let mut read_any = false;
    // Custom lists by slug, and what lists-lists.json says of them.
    let mut on_lists: HashMap<String, Vec<Listed>> = HashMap::new();
    let mut about: HashMap<String, (String, Option<String>, bool)> = HashMap::new();
    for f in files.iter().filter(|f| f.base_name().ends_with(".json")) {
        let kind = kind_of(&f.base_name());
        let text = f.text(&mut parsed.notes);
        let v: Value = serde_json::from_str(&text).map_err(|e| {
            Error::invalid(format!(
                "{}, line {}, column {}: this is not valid JSON ({e}); nothing was imported",
                f.name,
                e.line(),
                e.column()
            ))
        })?;
        // Files renamed by the user (or API dumps) are known by their items.
        let kind = if ["watched", "ratings", "lists"]
            .iter()
            .any(|k| kind.starts_with(k))
        {
            kind
        } else {
            let first = v.as_array().and_then(|a| a.first());
            let has = |k: &str| first.is_some_and(|i| i.get(k).is_some());
            if has("rated_at") || has("rating") {
                "ratings".to_string()
            } else if has("plays") || has("watched_at") || has("last_watched_at") {
                "watched".to_string()
            } else if has("listed_at") {
                "lists-watchlist".to_string()
            } else {
                continue;
            }
        };
        if kind == "lists-lists" {
            for l in v.as_array().into_iter().flatten() {
                let slug = l
                    .get("ids")
                    .and_then(|i| i.get("slug"))
                    .and_then(Value::as_str);
                let name = l.get("name").and_then(Value::as_str);
                if let (Some(slug), Some(name)) = (slug, name) {
                    about.insert(
                        slug.to_string(),
                        (
                            name.to_string(),
                            l.get("description")
                                .and_then(Value::as_str)
                                .map(str::to_string),
                            l.get("display_numbers")
                                .and_then(Value::as_bool)
                                .unwrap_or(false),
                        ),
                    );
                }
            }
            continue;
        }
        let Value::Array(items) = v else {
            return Err(Error::invalid(format!(
                "{}: a Trakt export file holds a list ([…]) of items, this one does not; nothing was imported",
                f.name
            )));
        };
        read_any = true;
        let list_slug = kind
            .strip_prefix("lists-")
            .filter(|k| *k != "watchlist")
            .map(str::to_string);
        for (i, item) in items.iter().enumerate() {
            let bad = |what: &str| {
                Error::invalid(format!(
                    "{}, item {}: {what}; nothing was imported",
                    f.name,
                    i + 1
                ))
            };
            if !item.is_object() {
                return Err(bad("each item must be an object with a movie or a show"));
            }
            let ty = item.get("type").and_then(Value::as_str).unwrap_or_else(|| {
                if item.get("movie").is_some() {
                    "movie"
                } else {
                    "show"
                }
            });
            let date = |k: &str| -> Result<Option<DateTime<Utc>>> {
                match item.get(k).and_then(Value::as_str) {
                    Some(s) => parse_when(s).map(Some).map_err(|m| bad(&m)),
                    None => Ok(None),
                }
            };
            let (media, is_movie) = match ty {
                "movie" => (item.get("movie"), true),
                "show" | "season" | "episode" => (item.get("show"), false),
                other => {
                    parsed.skip(
                        other.to_string(),
                        format!(
                            "{}: Trakt item of type '{other}' (not a film or series)",
                            f.name
                        ),
                    );
                    continue;
                }
            };
            let Some(media) = media.filter(|m| m.is_object()) else {
                return Err(bad(&format!(
                    "a '{ty}' item without its {}",
                    if is_movie { "movie" } else { "show" }
                )));
            };
            let title = facts(media, is_movie).map_err(|m| bad(&m))?;
            let mut fields = EntryFields::default();
            let mut viewings = Vec::new();
            let mut watches = Vec::new();
            let mut when = None;
            if kind.starts_with("ratings") {
                if ty == "season" || ty == "episode" {
                    episode_ratings += 1;
                    continue;
                }
                let r = item
                    .get("rating")
                    .and_then(Value::as_f64)
                    .ok_or_else(|| bad("a rating item without a rating"))?;
                if !(1.0..=10.0).contains(&r) {
                    return Err(bad(&format!("the rating {r} is outside Trakt's 1–10")));
                }
                fields.rating = Some(Rating::new((r * 10.0).round() as u8)?);
                fields.status = Status::Completed;
                when = date("rated_at")?;
            } else if kind.starts_with("lists") {
                fields.status = Status::PlanToWatch;
                let notes = item
                    .get("notes")
                    .and_then(Value::as_str)
                    .map(str::to_string);
                when = date("listed_at")?;
                match &list_slug {
                    // On a list of the user's own, a note is about the
                    // title's place there.
                    Some(slug) => {
                        let rank = item.get("rank").and_then(Value::as_i64).unwrap_or(i64::MAX);
                        on_lists.entry(slug.clone()).or_default().push(Listed {
                            rank,
                            line: i,
                            entry: 0,
                            title: title.name.clone(),
                            note: notes,
                            listed_at: when,
                        });
                    }
                    None => fields.notes = notes,
                }
            } else if kind.starts_with("watched") {
                // watched-history: one line per play; watched-shows/movies:
                // one line per title with plays and seasons.
                let watched = date("watched_at")?.or(date("last_watched_at")?);
                when = watched;
                if is_movie {
                    fields.status = Status::Completed;
                    fields.progress = 1;
                    let plays = item
                        .get("plays")
                        .and_then(Value::as_u64)
                        .unwrap_or(1)
                        .min(100);
                    fields.finished_on = watched.map(|w| w.date_naive());
                    for _ in 1..plays {
                        viewings.push(ViewingDetails {
                            progress: 1,
                            ..Default::default()
                        });
                    }
                } else {
                    let key = keys(&title).first();
                    let seen = episodes_seen.entry(key).or_default();
                    // Each play of an episode is a watch at its time.
                    let mut watch = |s: i64, n: i64, at: Option<DateTime<Utc>>| {
                        seen.insert((s, n));
                        let ep = u32::try_from(s)
                            .ok()
                            .zip(u32::try_from(n).ok())
                            .and_then(|(s, n)| EpisodeRef::new(s, n).ok());
                        if let Some(ep) = ep {
                            watches.push(IncomingWatch {
                                episode: IncomingEpisode::Numbered(ep),
                                when: at.map_or(WatchedWhen::Unknown, WatchedWhen::At),
                                ..Default::default()
                            });
                        }
                    };
                    if let Some(ep) = item.get("episode") {
                        let s = ep.get("season").and_then(Value::as_i64).unwrap_or(0);
                        let n = ep.get("number").and_then(Value::as_i64).unwrap_or(0);
                        watch(s, n, watched);
                    }
                    for season in item
                        .get("seasons")
                        .and_then(Value::as_array)
                        .into_iter()
                        .flatten()
                    {
                        let s = season.get("number").and_then(Value::as_i64).unwrap_or(0);
                        for ep in season
                            .get("episodes")
                            .and_then(Value::as_array)
                            .into_iter()
                            .flatten()
                        {
                            let n = ep.get("number").and_then(Value::as_i64).unwrap_or(0);
                            let at = match ep.get("last_watched_at").and_then(Value::as_str) {
                                Some(t) => Some(parse_when(t).map_err(|m| bad(&m))?),
                                None => None,
                            };
                            watch(s, n, at);
                        }
                    }
                    // Specials (season 0) do not count towards progress.
                    let mut count = seen.iter().filter(|(s, _)| *s > 0).count() as u32;
                    if let Some(total) = title.episodes {
                        count = count.min(total);
                    }
                    fields.progress = count;
                    fields.status = match title.episodes {
                        Some(total) if total > 0 && count >= total => Status::Completed,
                        _ => Status::Watching,
                    };
                    if fields.status == Status::Completed {
                        fields.finished_on = watched.map(|w| w.date_naive());
                    }
                }
            }
            // Trakt numbers films and shows separately.
            let trakt_id = media
                .get("ids")
                .and_then(|ids| match ids.get("trakt")? {
                    Value::Number(n) => Some(n.to_string()),
                    Value::String(s) => Some(s.clone()),
                    _ => None,
                })
                .map(|t| format!("{}/{t}", if is_movie { "movie" } else { "show" }));
            let slot = gather.add(
                keys(&title).with_source("trakt", trakt_id.as_deref()),
                IncomingEntry {
                    id: None,
                    title,
                    fields,
                    viewings,
                    added_at: when,
                    updated_at: when,
                    episodes: (!watches.is_empty()).then_some(watches),
                },
            );
            if let Some(l) = list_slug.as_ref().and_then(|s| on_lists.get_mut(s)) {
                if let Some(last) = l.last_mut().filter(|x| x.line == i) {
                    last.entry = slot;
                }
            }
        }
    }
    let mut slugs: Vec<String> = on_lists.keys().cloned().collect();
    slugs.sort();
    for slug in slugs {
        let mut items = on_lists.remove(&slug).unwrap_or_default();
        items.sort_by_key(|x| (x.rank, x.line));
        let (name, description, ranked) = about
            .remove(&slug)
            .unwrap_or_else(|| (slug.replace('-', " "), None, false));
        parsed.incoming.lists.push(IncomingList {
            name,
            description,
            ranked,
            created_at: None,
            updated_at: None,
            items: items
                .into_iter()
                .map(|x| IncomingListItem {
                    entry: Some(x.entry),
                    title: x.title,
                    note: x.note,
                    added_at: x.listed_at,
                })
                .collect(),
        });
    }
    if !read_any {
        return Err(Error::invalid(
            "this Trakt export holds none of watched-history, watched-movies, watched-shows, ratings-* or lists-* JSON files",
        ));
    }
    if episode_ratings > 0 {
        parsed.notes.push(format!(
            "{episode_ratings} season or episode ratings were left out: Watchlog keeps one rating per title"
        ));
    }
    parsed.notes.push(
        "Trakt's own ids are not kept; titles are matched by their TMDB, IMDb and TVDB ids".into(),
    );
    parsed.incoming.entries = gather.into_entries();
    Ok(parsed)
}

/// A title on one of the user's Trakt lists, at its rank.
struct Listed {
    rank: i64,
    /// The item's place in its file, for ties and to find its entry.
    line: usize,
    /// Its index among the gathered entries.
    entry: usize,
    title: String,
    note: Option<String>,
    listed_at: Option<DateTime<Utc>>,
}

fn facts(media: &Value, is_movie: bool) -> std::result::Result<TitleFacts, String> {
    let name = media
        .get("title")
        .and_then(Value::as_str)
        .filter(|s| !s.trim().is_empty())
        .ok_or("a title without a name")?;
    let year = match media.get("year") {
        Some(Value::Number(n)) => {
            let y = n.as_i64().ok_or("the year is not a whole number")?;
            if !(1800..=2200).contains(&y) {
                return Err(format!("{y} is not a plausible year"));
            }
            Some(y as i32)
        }
        Some(Value::Null) | None => None,
        Some(_) => return Err("the year is not a number".into()),
    };
    let ids = media.get("ids");
    let id = |k: &str| -> Option<String> {
        match ids?.get(k)? {
            Value::Number(n) => Some(n.to_string()),
            Value::String(s) if !s.trim().is_empty() => Some(s.trim().to_string()),
            _ => None,
        }
    };
    let tmdb = id("tmdb").map(|t| if is_movie { format!("movie/{t}") } else { t });
    Ok(TitleFacts {
        kind: if is_movie { Kind::Film } else { Kind::Series },
        name: name.trim().to_string(),
        year,
        episodes: if is_movie {
            Some(1)
        } else {
            media
                .get("aired_episodes")
                .and_then(Value::as_u64)
                .filter(|n| *n > 0 && *n < 100_000)
                .map(|n| n as u32)
        },
        external_ids: ExternalIds {
            tmdb,
            imdb: id("imdb").filter(|i| i.starts_with("tt")),
            tvdb: if is_movie { None } else { id("tvdb") },
            ..Default::default()
        },
        ..Default::default()
    })
}
