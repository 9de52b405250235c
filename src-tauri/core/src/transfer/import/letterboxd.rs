//! Reads a Letterboxd export (the zip, its folder, or any of its CSVs):
//! `watched.csv`, `diary.csv`, `ratings.csv`, `reviews.csv`, `watchlist.csv`,
//! `likes/films.csv` and `lists/*.csv`. Letterboxd is films only.
//!
//! The lines of one film across files are merged (by name and year: the
//! `Letterboxd URI` of a diary line points at the diary entry, not the
//! film, so it cannot join files). Ratings of 0.5–5 stars become 10–100.
//! A diary line marked `Rewatch` is a viewing of its own. List files have a
//! metadata block, a blank line, then `Position,Name,Year,URL,Description`;
//! their films get the list's name as a tag.

use chrono::{DateTime, Utc};

use super::input::{csv_files, SourceFile, Table};
use super::merge::{keys, Gather};
use crate::error::Result;
use crate::model::{
    EntryFields, IncomingEntry, Kind, ParsedExport, Status, TitleFacts, ViewingDetails,
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
        if lower.contains("lists/") || text.starts_with("Letterboxd list export") {
            list(&f.name, &text, &mut gather)?;
            continue;
        }
        // profile.csv, comments.csv…: nothing about films. A lone CSV
        // with another name is read by its columns.
        let status = match base.as_str() {
            "watched.csv" | "diary.csv" | "reviews.csv" | "ratings.csv" => Status::Completed,
            "watchlist.csv" => Status::PlanToWatch,
            "films.csv" if lower.contains("likes/") => Status::Completed,
            _ if files.len() == 1 => Status::Completed,
            _ => continue,
        };
        rows(
            &f.name,
            &text,
            status,
            base.as_str(),
            lower.contains("likes/"),
            &mut gather,
        )?;
    }
    if gather.is_empty() && parsed.skipped.is_empty() {
        return Err(crate::error::Error::invalid(
            "this Letterboxd export holds no films (expected watched.csv, diary.csv, ratings.csv, reviews.csv, watchlist.csv or lists/*.csv)",
        ));
    }
    parsed.incoming.entries = gather.into_entries();
    Ok(parsed)
}

fn film(name: &str, year: Option<i32>) -> TitleFacts {
    TitleFacts {
        kind: Kind::Film,
        name: name.to_string(),
        year,
        episodes: Some(1),
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
        let title = film(name, year);
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
            },
        );
    }
    Ok(())
}

/// A list: metadata lines, a blank line, then the films.
fn list(file: &str, text: &str, gather: &mut Gather) -> Result<()> {
    let norm = text.replace("\r\n", "\n");
    let (meta, films) = match norm.find("\n\n") {
        Some(i) => (&norm[..i], &norm[i + 2..]),
        None => ("", norm.as_str()),
    };
    let mut list_name = None;
    if !meta.is_empty() {
        let body = meta.split_once('\n').map_or("", |x| x.1);
        if let Ok(t) = Table::read(file, body, &["name"]) {
            list_name = t
                .rows
                .first()
                .and_then(|r| t.row(r).get("name").map(str::to_string));
        }
    }
    let list_name = list_name.unwrap_or_else(|| {
        file.rsplit('/')
            .next()
            .unwrap_or(file)
            .trim_end_matches(".csv")
            .replace('-', " ")
    });
    // Line numbers in errors count from the top of the file.
    let offset = norm[..norm.len() - films.len()].matches('\n').count() as u64;
    let t = Table::read(file, films, &["name", "year"]).map_err(|e| shift(e, offset))?;
    for row in &t.rows {
        let c = t.row(row);
        let Some(name) = c.get("name") else { continue };
        let year = c.year("year").map_err(|e| shift(e, offset))?;
        let title = film(name, year);
        gather.add(
            keys(&title),
            IncomingEntry {
                title,
                fields: EntryFields {
                    status: Status::PlanToWatch,
                    tags: vec![list_name.clone()],
                    ..Default::default()
                },
                ..Default::default()
            },
        );
    }
    Ok(())
}

/// Moves "line N" in an error by `offset` lines.
fn shift(e: crate::error::Error, offset: u64) -> crate::error::Error {
    match e {
        crate::error::Error::InvalidInput(m) => {
            let re = m.find(", line ").and_then(|i| {
                let rest = &m[i + 7..];
                let end = rest.find(|c: char| !c.is_ascii_digit())?;
                let n: u64 = rest[..end].parse().ok()?;
                Some(format!("{}, line {}{}", &m[..i], n + offset, &rest[end..]))
            });
            crate::error::Error::InvalidInput(re.unwrap_or(m))
        }
        other => other,
    }
}
