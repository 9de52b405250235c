//! Reads TMDB's account export CSVs (`TMDb ID, IMDb ID, Type, Name, Release
//! Date, Season Number, Episode Number, Rating, Your Rating, Date Rated`):
//! ratings, watchlist and favourites, told apart by the file name (and a
//! personal rating always means "seen"). Episode and season lines are
//! reported and left out: Watchlog keeps one rating per title. A film's TMDB
//! id is kept as `movie/<id>` (TMDB numbers films and series separately).

use super::input::{csv_files, SourceFile, Table};
use super::merge::{keys, Gather};
use crate::error::{Error, Result};
use crate::model::{
    EntryFields, ExternalIds, IncomingEntry, Kind, ParsedExport, Status, TitleFacts,
};

pub fn read(files: &[SourceFile]) -> Result<ParsedExport> {
    let mut parsed = ParsedExport::default();
    let mut gather = Gather::default();
    let mut any = false;
    for f in csv_files(files) {
        let base = f.base_name();
        let text = f.text(&mut parsed.notes);
        let t = Table::read(&f.name, &text, &["tmdb id", "type", "name"])?;
        any = true;
        for row in &t.rows {
            let c = t.row(row);
            let name = c
                .get("name")
                .ok_or_else(|| c.bad("name", "a row without a name"))?;
            if c.get("episode number").is_some() || c.get("season number").is_some() {
                parsed.skip(
                    name,
                    format!(
                        "{}, line {}: a season or episode (Watchlog keeps one rating per title)",
                        f.name,
                        c.line()
                    ),
                );
                continue;
            }
            let tmdb = c
                .get("tmdb id")
                .ok_or_else(|| c.bad("tmdb id", "a row without a TMDB id"))?;
            if !tmdb.chars().all(|ch| ch.is_ascii_digit()) {
                return Err(c.bad("tmdb id", format!("'{tmdb}' is not a TMDB id (a number)")));
            }
            let (kind, tmdb) = match c.get("type").map(str::to_ascii_lowercase).as_deref() {
                Some("movie") => (Kind::Film, format!("movie/{tmdb}")),
                Some("tv") | Some("show") | Some("series") => (Kind::Series, tmdb.to_string()),
                other => {
                    return Err(c.bad(
                        "type",
                        format!("'{}' is neither movie nor tv", other.unwrap_or("")),
                    ));
                }
            };
            let rating = c.rating("your rating", 0.5, 10.0)?;
            let when = c.when("date rated")?;
            let status = if rating.is_some() || base.contains("rating") {
                Status::Completed
            } else {
                Status::PlanToWatch
            };
            let title = TitleFacts {
                kind,
                name: name.to_string(),
                year: c.year("release date")?,
                episodes: (kind == Kind::Film).then_some(1),
                external_ids: ExternalIds {
                    tmdb: Some(tmdb),
                    imdb: c
                        .get("imdb id")
                        .filter(|i| i.starts_with("tt"))
                        .map(str::to_string),
                    ..Default::default()
                },
                ..Default::default()
            };
            gather.add(
                keys(&title),
                IncomingEntry {
                    id: None,
                    title,
                    fields: EntryFields {
                        status,
                        rating,
                        favorite: base.contains("favorite") || base.contains("favourite"),
                        progress: u32::from(status == Status::Completed && kind == Kind::Film),
                        ..Default::default()
                    },
                    viewings: Vec::new(),
                    added_at: when,
                    updated_at: when,
                    episodes: None,
                },
            );
        }
    }
    if !any {
        return Err(Error::invalid("this TMDB export holds no CSV file"));
    }
    parsed.incoming.entries = gather.into_entries();
    Ok(parsed)
}
