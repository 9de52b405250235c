//! Reads a Letterboxd export (the zip, its folder, or any of its CSVs):
//! `watched.csv`, `diary.csv`, `ratings.csv`, `reviews.csv`, `watchlist.csv`,
//! `likes/films.csv` and `lists/*.csv`. Letterboxd is films only.
//!
//! The lines of one film across files are merged: by the film's
//! `Letterboxd URI` where a file gives it (watched, ratings, watchlist,
//! likes and lists do), kept as the title's `letterboxd` id, so two films
//! whose names differ only by accents (or not at all) stay two and match
//! their entries again on the next import; else by name and year (the URI
//! of a diary or review line points at that entry, not the film, so it
//! cannot join files). Ratings of 0.5–5 stars become 10–100. A diary line
//! marked `Rewatch` is a viewing of its own. List files are CSV records: a
//! block about the list (its name), then the films under
//! `Position,Name,Year,URL,Description`; a quoted description may hold
//! blank lines. Each becomes a list in its `Position` order, a film's
//! `Description` its note there, the list's own its description; a list
//! is ranked when its name says so ("… Ranked", "Top 10 …"), since the
//! export does not carry Letterboxd's "show numbers" setting. A list that
//! cannot be read is left out and named in the preview.

use chrono::{DateTime, Utc};

use super::input::{csv_files, left_out, SourceFile, Table};
use super::merge::{keys, Gather};
use crate::error::Result;
use crate::model::{
    EntryFields, ExternalIds, IncomingEntry, IncomingList, IncomingListItem, Kind, ParsedExport,
    Status, TitleFacts, ViewingDetails,
};

pub fn read(files: &[SourceFile]) -> Result<ParsedExport> {
    let mut parsed = ParsedExport::default();
    let mut gather = Gather::default();
    for f in csv_files(files) {
        let lower = f.name.to_ascii_lowercase();
        // Letterboxd keeps deleted diary entries in their own folders.
        if lower.contains("deleted/") || lower.contains("orphaned/") {
            continue;
        }
        let base = f.base_name();
        let text = f.text(&mut parsed.notes);
        if lower.contains("lists/") || text.trim_start().starts_with("Letterboxd list export") {
            // One odd list must not stop the rest of a user's history.
            if let Err(e) = list(&f.name, &text, &mut gather, &mut parsed.incoming.lists) {
                parsed.skip(
                    f.name.clone(),
                    format!("this list was left out: {}", left_out(&e)),
                );
            }
            continue;
        }
        // profile.csv, comments.csv…: nothing about films. A lone CSV
        // with another name is read by its columns. likes/ also holds the
        // lists and other people's reviews the user liked: only
        // likes/films.csv is about the user's own films.
        let liked = lower.contains("likes/");
        let status = match base.as_str() {
            "films.csv" if liked => Status::Completed,
            _ if liked => continue,
            "watched.csv" | "diary.csv" | "reviews.csv" | "ratings.csv" => Status::Completed,
            "watchlist.csv" => Status::PlanToWatch,
            _ if files.len() == 1 => Status::Completed,
            _ => continue,
        };
        rows(&f.name, &text, status, base.as_str(), liked, &mut gather)?;
    }
    if gather.is_empty() && parsed.skipped.is_empty() {
        return Err(crate::error::Error::invalid(
            "this Letterboxd export holds no films (expected watched.csv, diary.csv, ratings.csv, reviews.csv, watchlist.csv or lists/*.csv)",
        ));
    }
    parsed.incoming.entries = gather.into_entries();
    Ok(parsed)
}

/// A film, with its Letterboxd address when the line gives the film's own.
fn film(name: &str, year: Option<i32>, uri: Option<&str>) -> TitleFacts {
    TitleFacts {
        kind: Kind::Film,
        name: name.to_string(),
        year,
        episodes: Some(1),
        external_ids: ExternalIds {
            letterboxd: uri.map(|u| u.trim().trim_end_matches('/').to_string()),
            ..Default::default()
        },
        ..Default::default()
    }
}

fn at_midnight(d: Option<chrono::NaiveDate>) -> Option<DateTime<Utc>> {
    d.and_then(|d| d.and_hms_opt(0, 0, 0)).map(|t| t.and_utc())
}

fn rows(
    file: &str,
    text: &str,
    status: Status,
    base: &str,
    liked: bool,
    gather: &mut Gather,
) -> Result<()> {
    let t = Table::read(file, text, &["name", "year"])?;
    for row in &t.rows {
        let c = t.row(row);
        let Some(name) = c.get("name") else {
            return Err(c.bad("name", "a film without a name"));
        };
        let year = c.year("year")?;
        let logged = c.date("date")?;
        let watched = c.date("watched date")?;
        let rating = c.rating("rating", 0.5, 5.0)?;
        let rewatch = c
            .get("rewatch")
            .is_some_and(|v| v.eq_ignore_ascii_case("yes") || v.eq_ignore_ascii_case("true"));
        let tags: Vec<String> = c
            .get("tags")
            .map(|t| {
                t.split(',')
                    .map(str::trim)
                    .filter(|t| !t.is_empty())
                    .map(str::to_string)
                    .collect()
            })
            .unwrap_or_default();
        let review = c
            .get("review")
            .map(|r| r.replace("<br>", "\n").replace("<br />", "\n"));
        let status = if base == "watchlist.csv" {
            Status::PlanToWatch
        } else {
            status
        };
        let mut fields = EntryFields {
            status,
            rating,
            review,
            tags,
            favorite: liked,
            ..Default::default()
        };
        if status == Status::Completed {
            fields.progress = 1;
        }
        let mut viewings = Vec::new();
        if rewatch {
            viewings.push(ViewingDetails {
                finished_on: watched,
                started_on: watched,
                progress: 1,
                platform: None,
            });
        } else {
            fields.finished_on = watched;
        }
        // Only these files' URIs name the film itself.
        let uri = matches!(
            base,
            "watched.csv" | "ratings.csv" | "watchlist.csv" | "films.csv"
        )
        .then(|| c.get("letterboxd uri"))
        .flatten();
        let title = film(name, year, uri);
        let when = at_midnight(logged.or(watched));
        gather.add(
            keys(&title),
            IncomingEntry {
                id: None,
                title,
                fields,
                viewings,
                added_at: when,
                updated_at: when,
                episodes: None,
            },
        );
    }
    Ok(())
}

/// A list: `Letterboxd list export v7`, `Date,Name,Tags,URL,Description`
/// and the list's row, then its films under their own header.
fn list(file: &str, text: &str, gather: &mut Gather, lists: &mut Vec<IncomingList>) -> Result<()> {
    let (above, t) = Table::below(file, text, &["position", "name", "year"])?;
    // The list's own row: the cell under each header cell.
    let about = |column: &str| {
        above.windows(2).find_map(|w| {
            let i = w[0]
                .cells
                .iter()
                .position(|c| c.trim().eq_ignore_ascii_case(column))?;
            Some(w[1].cells.get(i)?.trim().to_string()).filter(|n| !n.is_empty())
        })
    };
    let name = about("name").unwrap_or_else(|| {
        file.rsplit('/')
            .next()
            .unwrap_or(file)
            .trim_end_matches(".csv")
            .replace('-', " ")
    });
    let created = about("date")
        .and_then(|d| chrono::NaiveDate::parse_from_str(&d, "%Y-%m-%d").ok())
        .and_then(|d| at_midnight(Some(d)));
    let mut items = Vec::with_capacity(t.rows.len());
    let mut rows: Vec<(u32, usize, IncomingListItem)> = Vec::with_capacity(t.rows.len());
    for (line, row) in t.rows.iter().enumerate() {
        let c = t.row(row);
        let Some(film_name) = c.get("name") else {
            continue;
        };
        let title = film(film_name, c.year("year")?, c.get("url"));
        let position = c
            .get("position")
            .and_then(|p| p.trim().parse::<u32>().ok())
            .unwrap_or(u32::MAX);
        let slot = gather.add(
            keys(&title),
            IncomingEntry {
                title,
                fields: EntryFields {
                    status: Status::PlanToWatch,
                    ..Default::default()
                },
                ..Default::default()
            },
        );
        rows.push((
            position,
            line,
            IncomingListItem {
                entry: Some(slot),
                title: film_name.to_string(),
                note: c
                    .get("description")
                    .map(|d| d.replace("<br>", "\n").replace("<br />", "\n")),
                added_at: None,
            },
        ));
    }
    rows.sort_by_key(|(p, line, _)| (*p, *line));
    items.extend(rows.into_iter().map(|(_, _, it)| it));
    lists.push(IncomingList {
        ranked: says_ranked(&name),
        description: about("description"),
        created_at: created,
        updated_at: created,
        name,
        items,
    });
    Ok(())
}

/// Whether a list's name says it is a ranking: "Love, Death & Robots
/// Ranked", "Top 10 of 2023", "Mis películas favoritas (ranking)".
fn says_ranked(name: &str) -> bool {
    let words: Vec<String> = name
        .split(|c: char| !c.is_alphanumeric())
        .filter(|w| !w.is_empty())
        .map(str::to_lowercase)
        .collect();
    words.iter().any(|w| w == "ranked" || w == "ranking")
        || words
            .windows(2)
            .any(|w| w[0] == "top" && w[1].chars().all(|c| c.is_ascii_digit()))
}
