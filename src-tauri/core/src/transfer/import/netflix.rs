//! Reads what Netflix gives its members about their viewing, in either of
//! its two files (alone, or inside the "download your personal
//! information" zip or folder):
//! - `ViewingActivity.csv`: one row per play of every profile of the
//!   account (`Profile Name,Start Time,Duration,Attributes,Title,
//!   Supplemental Video Type,Device Type,Bookmark,Latest Bookmark,
//!   Country`). One profile is read: the one asked for
//!   ([`ReadOptions::profile`]), or the only one; with several and none
//!   chosen the file is refused with their names
//!   ([`Error::NeedsChoice`], field `profile`). A row whose
//!   `Supplemental Video Type` is set (TRAILER, HOOK, TEASER_TRAILER,
//!   RECAP, PROMOTIONAL…) is a preview Netflix played, not a viewing; a
//!   play shorter than [`ReadOptions::min_play`] minutes is not a watch.
//!   `Start Time` is UTC, so each watch keeps its instant. `Latest
//!   Bookmark` reads "Not latest view" on every play of a title but its
//!   last (a resumed episode, a rewatch): such a row is a viewing like any
//!   other, and an episode played in several sittings is one watch, at its
//!   first qualifying play. A file re-saved through a spreadsheet
//!   (`7/28/2022 4:22`, `0:00:25`) is read too.
//! - `NetflixViewingHistory.csv` (`Title,Date`, from the viewing-activity
//!   page): one row per title with the last day it was watched, written in
//!   the account's locale (`2020/05/27`, `18/06/20`, `10/13/25`). The order
//!   of day, month and year is found from the whole file (a part over 12
//!   is the day; a four-digit first part is the year), else taken from
//!   [`ReadOptions::date_order`]; a file that never tells is refused
//!   ([`Error::NeedsChoice`], field `date_order`), and one that mixes
//!   formats is refused naming the line.
//!
//! Titles become shows (kind series, or miniseries when every episode is
//! of a limited series; status watching; progress the distinct episodes
//! watched; the episode history by name, or by number where the title
//! gives season and episode) and films (completed, on the last day
//! played), all on the platform Netflix. How a title is read is
//! `netflix::titles`. Netflix gives no years, so titles match the library
//! by name and kind.

mod titles;

use std::collections::HashMap;

use chrono::{DateTime, NaiveDate, NaiveTime, Utc};

use super::input::{csv_files, SourceFile, Table};
use crate::error::{Error, Result};
use crate::model::{
    DateOrder, EntryFields, EpisodeRef, IncomingEntry, IncomingEpisode, IncomingWatch, Kind,
    ParsedExport, ReadOptions, Status, TitleFacts, WatchedWhen,
};

/// The platform every Netflix entry is on.
pub const PLATFORM: &str = "Netflix";

/// When a title was played: an instant (viewing activity) or a day
/// (viewing history). One file holds one kind.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
enum When {
    At(DateTime<Utc>),
    On(NaiveDate),
}

impl When {
    fn day(self) -> NaiveDate {
        match self {
            When::At(t) => t.date_naive(),
            When::On(d) => d,
        }
    }

    fn instant(self) -> DateTime<Utc> {
        match self {
            When::At(t) => t,
            When::On(d) => d.and_time(NaiveTime::MIN).and_utc(),
        }
    }

    fn watched(self) -> WatchedWhen {
        match self {
            When::At(t) => WatchedWhen::At(t),
            When::On(d) => WatchedWhen::On(d),
        }
    }
}

/// One play that counts as a viewing.
struct Play {
    title: String,
    when: When,
}

/// Which of Netflix's two files a text is, by its header.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Source {
    Activity,
    History,
}

fn source_of(text: &str) -> Option<Source> {
    let first = text.lines().next().unwrap_or("");
    let cols: Vec<String> = first
        .split([',', ';', '\t'])
        .map(|c| c.trim().trim_matches('"').trim().to_ascii_lowercase())
        .collect();
    let has = |c: &str| cols.iter().any(|x| x == c);
    if has("profile name") && has("start time") && has("title") {
        Some(Source::Activity)
    } else if cols.len() == 2 && has("title") && has("date") {
        Some(Source::History)
    } else {
        None
    }
}

pub fn read(files: &[SourceFile], opts: &ReadOptions) -> Result<ParsedExport> {
    let mut parsed = ParsedExport::default();
    let mut found: Vec<(Source, &SourceFile, String, Vec<String>)> = Vec::new();
    for f in csv_files(files) {
        let mut notes = Vec::new();
        let text = f.text(&mut notes);
        if let Some(kind) = source_of(&text) {
            found.push((kind, f, text, notes));
        }
    }
    // The activity file knows more (each play, its instant and length).
    found.sort_by_key(|(k, ..)| *k != Source::Activity);
    let Some((kind, file, text, notes)) = found.first() else {
        return Err(Error::invalid(
            "this export holds no Netflix viewing file (ViewingActivity.csv, with Profile Name and Start Time columns, or NetflixViewingHistory.csv, with Title and Date); nothing was imported",
        ));
    };
    parsed.notes.extend(notes.iter().cloned());
    for (_, other, ..) in &found[1..] {
        parsed.notes.push(format!(
            "{} was not read: one viewing file is read per import, here {}",
            other.name, file.name
        ));
    }
    let plays = match kind {
        Source::Activity => activity(&file.name, text, opts, &mut parsed.notes)?,
        Source::History => {
            parsed.notes.push(format!(
                "{} gives each title once, on the day it was last watched: episodes are dated that day",
                file.name
            ));
            history(&file.name, text, opts)?
        }
    };
    parsed.incoming.entries = entries(&plays);
    let shows = parsed
        .incoming
        .entries
        .iter()
        .filter(|e| e.title.kind != Kind::Film)
        .count();
    parsed.notes.push(format!(
        "{} shows and {} films; Netflix gives no years, so titles are matched by name",
        shows,
        parsed.incoming.entries.len() - shows
    ));
    Ok(parsed)
}

/// The plays of one profile that count as viewings.
fn activity(
    file: &str,
    text: &str,
    opts: &ReadOptions,
    notes: &mut Vec<String>,
) -> Result<Vec<Play>> {
    let t = Table::read(
        file,
        text,
        &["profile name", "start time", "duration", "title"],
    )?;
    if t.rows.is_empty() {
        return Err(Error::invalid(format!(
            "{file} holds no viewing activity; nothing was imported"
        )));
    }
    let profile = profile(file, &t, opts)?;
    let order = date_order(&t, "start time", opts.date_order)?;
    let min_seconds = u64::from(opts.min_play()) * 60;
    let (mut supplemental, mut short) = (0usize, 0usize);
    let mut plays = Vec::new();
    for row in &t.rows {
        let c = t.row(row);
        if c.get("profile name").unwrap_or("") != profile.as_str() {
            continue;
        }
        if c.get("supplemental video type").is_some() {
            supplemental += 1;
            continue;
        }
        let Some(title) = c.get("title") else {
            return Err(c.bad("title", "a play without a title"));
        };
        let Some(start) = c.get("start time") else {
            return Err(c.bad("start time", "a play without its start time"));
        };
        let at = parse_date(start, order).map_err(|m| c.bad("start time", m))?;
        let seconds = match c.get("duration") {
            Some(d) => duration(d).map_err(|m| c.bad("duration", m))?,
            None => return Err(c.bad("duration", "a play without its duration")),
        };
        if seconds < min_seconds {
            short += 1;
            continue;
        }
        plays.push(Play {
            title: title.to_string(),
            when: at,
        });
    }
    notes.push(format!(
        "{file}: the viewing of the profile '{profile}' (start times are UTC)"
    ));
    if supplemental > 0 {
        notes.push(format!(
            "{supplemental} trailers, teasers and other previews Netflix played were left out"
        ));
    }
    if short > 0 {
        notes.push(format!(
            "{short} plays shorter than {} minutes were not counted as watches",
            opts.min_play()
        ));
    }
    Ok(plays)
}

/// The profile to read: the one asked for, or the file's only one.
fn profile(file: &str, t: &Table, opts: &ReadOptions) -> Result<String> {
    let mut profiles: Vec<String> = Vec::new();
    for r in &t.rows {
        let p = t.row(r).get("profile name").unwrap_or("").to_string();
        if !profiles.contains(&p) {
            profiles.push(p);
        }
    }
    profiles.sort_by_key(|p| p.to_lowercase());
    let choose = |message: String| Error::NeedsChoice {
        field: "profile",
        choices: profiles.clone(),
        message,
    };
    let list = profiles.join(", ");
    match opts.profile.as_deref().map(str::trim) {
        Some(asked) => profiles
            .iter()
            .find(|p| p.to_lowercase() == asked.to_lowercase())
            .cloned()
            .ok_or_else(|| {
                choose(format!(
                    "{file} has no profile named '{asked}'; its profiles are {list} (choose one with --profile NAME); nothing was imported"
                ))
            }),
        None if profiles.len() == 1 => Ok(profiles[0].clone()),
        None => Err(choose(format!(
            "{file} holds the viewing of {} profiles: {list}; choose one with --profile NAME; nothing was imported",
            profiles.len()
        ))),
    }
}

/// The titles and days of a viewing-history file.
fn history(file: &str, text: &str, opts: &ReadOptions) -> Result<Vec<Play>> {
    let t = Table::read(file, text, &["title", "date"])?;
    if t.rows.is_empty() {
        return Err(Error::invalid(format!(
            "{file} holds no viewing history; nothing was imported"
        )));
    }
    let order = date_order(&t, "date", opts.date_order)?;
    let mut plays = Vec::new();
    for row in &t.rows {
        let c = t.row(row);
        let Some(title) = c.get("title") else {
            return Err(c.bad("title", "a row without a title"));
        };
        let Some(date) = c.get("date") else {
            return Err(c.bad("date", "a row without its date"));
        };
        let when = parse_date(date, order).map_err(|m| c.bad("date", m))?;
        plays.push(Play {
            title: title.to_string(),
            when: When::On(when.day()),
        });
    }
    Ok(plays)
}

/// A date (and maybe a time) written with numbers: its three date parts
/// as written, their widths, and what follows (the time).
fn numeric(v: &str) -> Option<([u32; 3], [usize; 3], &str)> {
    let v = v.trim();
    let (date, time) = v.split_once([' ', 'T']).unwrap_or((v, ""));
    let parts: Vec<&str> = date.split(['/', '-', '.']).collect();
    let [a, b, c] = parts[..] else { return None };
    let mut nums = [0u32; 3];
    let mut widths = [0usize; 3];
    for (i, p) in [a, b, c].iter().enumerate() {
        if p.is_empty() || p.len() > 4 || !p.chars().all(|c| c.is_ascii_digit()) {
            return None;
        }
        nums[i] = p.parse().ok()?;
        widths[i] = p.len();
    }
    Some((nums, widths, time.trim()))
}

/// What one date says of the file's order, if it says anything.
fn tells(nums: [u32; 3], widths: [usize; 3]) -> Option<DateOrder> {
    if widths[0] == 4 {
        Some(DateOrder::Ymd)
    } else if nums[0] > 12 {
        Some(DateOrder::Dmy)
    } else if nums[1] > 12 {
        Some(DateOrder::Mdy)
    } else {
        None
    }
}

/// The order of day, month and year in a column, found from every value
/// in it: the first value that tells decides; a value that tells another
/// order is a file that mixes formats. `given` is checked the same way.
fn date_order(t: &Table, column: &str, given: Option<DateOrder>) -> Result<DateOrder> {
    let mut decided: Option<(DateOrder, u64, String)> = None;
    let mut example = None;
    for row in &t.rows {
        let c = t.row(row);
        let Some(v) = c.get(column) else { continue };
        example.get_or_insert_with(|| v.to_string());
        let Some((nums, widths, _)) = numeric(v) else {
            return Err(c.bad(
                column,
                format!("'{v}' is not a date Netflix writes (numbers such as 2020/05/27, 18/06/20 or 7/28/2022 4:22)"),
            ));
        };
        let Some(says) = tells(nums, widths) else {
            continue;
        };
        if let Some(g) = given.filter(|g| *g != says) {
            return Err(c.bad(
                column,
                format!("'{v}' cannot be read in the date order {g} asked for; it is {says}"),
            ));
        }
        match &decided {
            None => decided = Some((says, c.line(), v.to_string())),
            Some((first, line, was)) if *first != says => {
                return Err(c.bad(
                    column,
                    format!(
                        "'{v}' is written {says} but line {line} ('{was}') is {first}: this file mixes date formats"
                    ),
                ))
            }
            Some(_) => {}
        }
    }
    if let Some(order) = given.or(decided.map(|d| d.0)) {
        return Ok(order);
    }
    let example = example.unwrap_or_default();
    Err(Error::NeedsChoice {
        field: "date_order",
        choices: vec!["dmy".into(), "mdy".into()],
        message: format!(
            "every date in this file could be read day first or month first (such as '{example}'); choose with --date-order dmy or --date-order mdy; nothing was imported"
        ),
    })
}

/// A date (and a time, when written) in `order`; a time is UTC.
fn parse_date(v: &str, order: DateOrder) -> std::result::Result<When, String> {
    let bad = || format!("'{v}' is not a date");
    let (nums, widths, time) = numeric(v).ok_or_else(bad)?;
    let (y, m, d, yw) = match order {
        DateOrder::Ymd => (nums[0], nums[1], nums[2], widths[0]),
        DateOrder::Dmy => (nums[2], nums[1], nums[0], widths[2]),
        DateOrder::Mdy => (nums[2], nums[0], nums[1], widths[2]),
    };
    // Netflix has streamed since 2007: a two-digit year is this century's.
    let y = if yw <= 2 { 2000 + y } else { y };
    let day = NaiveDate::from_ymd_opt(y as i32, m, d)
        .ok_or_else(|| format!("'{v}' is not a date (read as {order})"))?;
    if time.is_empty() {
        return Ok(When::On(day));
    }
    let t = NaiveTime::parse_from_str(time, "%H:%M:%S")
        .or_else(|_| NaiveTime::parse_from_str(time, "%H:%M"))
        .map_err(|_| format!("'{v}' has a time Watchlog cannot read ('{time}')"))?;
    Ok(When::At(day.and_time(t).and_utc()))
}

/// A duration `H:MM:SS` in seconds.
fn duration(v: &str) -> std::result::Result<u64, String> {
    let bad = || format!("'{v}' is not a duration (hours:minutes:seconds)");
    let parts: Vec<&str> = v.trim().split(':').collect();
    let [h, m, s] = parts[..] else {
        return Err(bad());
    };
    let n = |p: &str| p.parse::<u64>().map_err(|_| bad());
    let (h, m, s) = (n(h)?, n(m)?, n(s)?);
    if m >= 60 || s >= 60 {
        return Err(bad());
    }
    Ok(h * 3600 + m * 60 + s)
}

/// One title being gathered from its plays.
struct Gathered {
    facts: TitleFacts,
    first: When,
    last: When,
    /// Every episode once, at its first play.
    watches: Vec<(IncomingEpisode, When)>,
    /// Where each episode is in `watches`, by its season and number or
    /// name.
    places: HashMap<String, usize>,
    limited: bool,
}

/// The plays as entries: one per show and one per film, in the order the
/// file first names them (Netflix writes the newest first).
fn entries(plays: &[Play]) -> Vec<IncomingEntry> {
    let readings = titles::read_titles(plays.iter().map(|p| p.title.as_str()));
    let mut slots: Vec<Gathered> = Vec::new();
    let mut by_key: HashMap<String, usize> = HashMap::new();
    for p in plays {
        let (key, name, kind, episode) = match &readings[p.title.as_str()] {
            titles::Reading::Film => (
                format!("film|{}", p.title.to_lowercase()),
                p.title.clone(),
                Kind::Film,
                None,
            ),
            titles::Reading::Episode {
                show,
                season,
                episode,
            } => {
                let s = season.and_then(titles::Season::number);
                let (key, ep) = match (s, episode.number) {
                    (Some(season), Some(number)) => (
                        format!("{season}#{number}"),
                        IncomingEpisode::Numbered(EpisodeRef { season, number }),
                    ),
                    _ => (
                        format!("{s:?}|{}", episode.name.to_lowercase()),
                        IncomingEpisode::Named {
                            season: s,
                            name: episode.name.clone(),
                        },
                    ),
                };
                let limited = *season == Some(titles::Season::Limited);
                (
                    format!("show|{}", show.to_lowercase()),
                    show.clone(),
                    Kind::Series,
                    Some((key, ep, limited)),
                )
            }
        };
        let i = *by_key.entry(key).or_insert_with(|| {
            slots.push(Gathered {
                facts: TitleFacts {
                    kind,
                    name,
                    episodes: (kind == Kind::Film).then_some(1),
                    ..Default::default()
                },
                first: p.when,
                last: p.when,
                watches: Vec::new(),
                places: HashMap::new(),
                limited: true,
            });
            slots.len() - 1
        });
        let g = &mut slots[i];
        g.first = g.first.min(p.when);
        g.last = g.last.max(p.when);
        if let Some((key, ep, limited)) = episode {
            g.limited &= limited;
            match g.places.get(&key) {
                Some(&at) => g.watches[at].1 = g.watches[at].1.min(p.when),
                None => {
                    g.places.insert(key, g.watches.len());
                    g.watches.push((ep, p.when));
                }
            }
        }
    }
    slots.into_iter().map(entry).collect()
}

fn entry(g: Gathered) -> IncomingEntry {
    let mut facts = g.facts;
    let platform = Some(PLATFORM.to_string());
    let (fields, episodes) = if facts.kind == Kind::Film {
        let fields = EntryFields {
            status: Status::Completed,
            progress: 1,
            platform,
            finished_on: Some(g.last.day()),
            ..Default::default()
        };
        (fields, None)
    } else {
        if g.limited {
            facts.kind = Kind::Miniseries;
        }
        let mut watches = g.watches;
        watches.sort_by_key(|(_, when)| *when);
        let fields = EntryFields {
            status: Status::Watching,
            progress: watches.len() as u32,
            platform,
            started_on: Some(g.first.day()),
            ..Default::default()
        };
        let episodes = watches
            .into_iter()
            .map(|(episode, when)| IncomingWatch {
                episode,
                when: when.watched(),
                ..Default::default()
            })
            .collect();
        (fields, Some(episodes))
    };
    IncomingEntry {
        title: facts,
        fields,
        added_at: Some(g.first.instant()),
        updated_at: Some(g.last.instant()),
        episodes,
        ..Default::default()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn read_text(name: &str, text: &str, opts: &ReadOptions) -> Result<ParsedExport> {
        read(
            &[SourceFile {
                name: name.into(),
                bytes: text.as_bytes().to_vec(),
            }],
            opts,
        )
    }

    fn history_of(dates: &[&str]) -> String {
        let mut s = String::from("Title,Date\n");
        for (i, d) in dates.iter().enumerate() {
            s.push_str(&format!("\"Film {i}\",\"{d}\"\n"));
        }
        s
    }

    /// The day the file's first title was finished, read with `opts`.
    fn first_day(dates: &[&str], opts: &ReadOptions) -> String {
        let p = read_text("h.csv", &history_of(dates), opts).unwrap();
        p.incoming.entries[0]
            .fields
            .finished_on
            .unwrap()
            .to_string()
    }

    /// Why a file of these dates is refused.
    fn refusal(dates: &[&str]) -> String {
        read_text("h.csv", &history_of(dates), &ReadOptions::default())
            .unwrap_err()
            .to_string()
    }

    #[test]
    fn the_date_order_is_found_from_the_whole_file() {
        let opts = ReadOptions::default();
        assert_eq!(first_day(&["03/04/20", "18/06/20"], &opts), "2020-04-03");
        assert_eq!(first_day(&["03/04/20", "10/13/25"], &opts), "2020-03-04");
        assert_eq!(first_day(&["2020/05/27"], &opts), "2020-05-27");
    }

    #[test]
    fn an_ambiguous_file_asks_for_the_order() {
        let dates = ["03/04/20", "01/02/21"];
        let e = read_text("h.csv", &history_of(&dates), &ReadOptions::default()).unwrap_err();
        let Error::NeedsChoice { field, choices, .. } = &e else {
            panic!("{e}")
        };
        assert_eq!((*field, choices.len()), ("date_order", 2));
        assert!(e.to_string().contains("--date-order"), "{e}");
        let opts = ReadOptions {
            date_order: Some(DateOrder::Mdy),
            ..Default::default()
        };
        assert_eq!(first_day(&dates, &opts), "2020-03-04");
    }

    #[test]
    fn mixed_formats_are_refused_naming_the_line() {
        let e = refusal(&["18/06/20", "01/01/20", "10/13/25"]);
        assert!(e.contains("h.csv, line 4"), "{e}");
        assert!(e.contains("mixes date formats"), "{e}");
        let e = refusal(&["2020/05/27", "18/06/20"]);
        assert!(e.contains("line 3") && e.contains("mixes"), "{e}");
        let e = refusal(&["18/06/20", "yesterday"]);
        assert!(e.contains("line 3") && e.contains("'yesterday'"), "{e}");
    }

    #[test]
    fn durations_and_times_as_netflix_and_spreadsheets_write_them() {
        assert_eq!(duration("00:18:40"), Ok(1120));
        assert_eq!(duration("0:00:25"), Ok(25));
        assert_eq!(duration("2:19:28"), Ok(8368));
        assert!(duration("18:40").is_err());
        assert!(duration("0:61:00").is_err());
        let at = |v, o| match parse_date(v, o).unwrap() {
            When::At(t) => t.to_rfc3339(),
            When::On(d) => d.to_string(),
        };
        assert_eq!(
            at("2023-01-25 21:08:18", DateOrder::Ymd),
            "2023-01-25T21:08:18+00:00"
        );
        assert_eq!(
            at("7/28/2022 4:22", DateOrder::Mdy),
            "2022-07-28T04:22:00+00:00"
        );
        assert!(parse_date("31/02/20", DateOrder::Dmy).is_err());
    }

    #[test]
    fn a_show_gathers_its_episodes_and_a_film_stays_one() {
        let text = "Title,Date\n\
            \"Dark: Temporada 2: Materia oscura\",\"16/06/20\"\n\
            \"Dark: Temporada 2: Principios y finales\",\"16/06/20\"\n\
            \"Dark: Temporada 1: Secretos\",\"14/06/20\"\n\
            \"El Camino: Una película de Breaking Bad\",\"13/06/20\"\n";
        let p = read_text("NetflixViewingHistory.csv", text, &ReadOptions::default()).unwrap();
        let [dark, camino] = &p.incoming.entries[..] else {
            panic!("{:?}", p.incoming.entries)
        };
        assert_eq!(dark.title.name, "Dark");
        assert_eq!(dark.title.kind, Kind::Series);
        assert_eq!(dark.fields.status, Status::Watching);
        assert_eq!(dark.fields.progress, 3);
        assert_eq!(dark.fields.platform.as_deref(), Some(PLATFORM));
        assert_eq!(dark.fields.started_on.unwrap().to_string(), "2020-06-14");
        let eps = dark.episodes.as_ref().unwrap();
        assert_eq!(
            eps[0].episode,
            IncomingEpisode::Named {
                season: Some(1),
                name: "Secretos".into()
            }
        );
        assert_eq!(
            eps[0].when,
            WatchedWhen::On(NaiveDate::from_ymd_opt(2020, 6, 14).unwrap())
        );
        assert_eq!(camino.title.kind, Kind::Film);
        assert_eq!(camino.fields.status, Status::Completed);
        assert!(camino.episodes.is_none());
    }

    #[test]
    fn profiles_previews_and_short_plays() {
        let head = "Profile Name,Start Time,Duration,Attributes,Title,Supplemental Video Type,Device Type,Bookmark,Latest Bookmark,Country\n";
        let text = format!(
            "{head}\
            Ana,2023-01-25 21:08:18,00:18:40,,Dark: Season 1: Secrets (Episode 2),,TV,00:18:41,00:18:41,ES (Spain)\n\
            Ana,2023-01-25 21:00:00,00:00:40,,Dark: Season 1: Origins (Episode 3),,TV,00:00:40,00:00:40,ES (Spain)\n\
            Ana,2023-01-25 20:59:00,00:00:21,Autoplayed: user action: None; ,Dark: Season 2 (Trailer),TRAILER,TV,00:00:21,00:00:21,ES (Spain)\n\
            Ana,2023-01-24 20:00:00,00:40:00,,Dark: Season 1: Secrets (Episode 2),,TV,00:20:00,Not latest view,ES (Spain)\n\
            Ben,2023-01-24 20:00:00,01:40:00,,Roma,,TV,01:40:00,01:40:00,ES (Spain)\n"
        );
        let e = read_text("ViewingActivity.csv", &text, &ReadOptions::default()).unwrap_err();
        let Error::NeedsChoice { field, choices, .. } = &e else {
            panic!("{e}")
        };
        assert_eq!(
            (*field, &choices[..]),
            ("profile", &["Ana".to_string(), "Ben".to_string()][..])
        );
        let opts = ReadOptions {
            profile: Some("ana".into()),
            ..Default::default()
        };
        let p = read_text("ViewingActivity.csv", &text, &opts).unwrap();
        let [dark] = &p.incoming.entries[..] else {
            panic!("{:?}", p.incoming.entries)
        };
        let eps = dark.episodes.as_ref().unwrap();
        assert_eq!(
            eps.len(),
            1,
            "a short play is no watch, a resumed one is one"
        );
        assert_eq!(
            eps[0].episode,
            IncomingEpisode::Numbered(EpisodeRef {
                season: 1,
                number: 2
            })
        );
        assert_eq!(
            eps[0].when,
            WatchedWhen::At("2023-01-24T20:00:00Z".parse().unwrap()),
            "an episode's watch is its first play"
        );
        assert!(
            p.notes.iter().any(|n| n.starts_with("1 trailers")),
            "{:?}",
            p.notes
        );
        assert!(
            p.notes.iter().any(|n| n.starts_with("1 plays shorter")),
            "{:?}",
            p.notes
        );
        let opts = ReadOptions {
            profile: Some("Carla".into()),
            ..Default::default()
        };
        let e = read_text("ViewingActivity.csv", &text, &opts)
            .unwrap_err()
            .to_string();
        assert!(
            e.contains("no profile named 'Carla'") && e.contains("Ana, Ben"),
            "{e}"
        );
    }
}
