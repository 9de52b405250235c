//! Reads IMDb's ratings export and its list / watchlist exports. Columns
//! are found by header name (their order differs between the two and has
//! changed over the years). `Title Type` is written in the account's
//! language ("TV Series", "Serie TV", "Mini serie TV", "Série TV"…), so kinds
//! are recognised from word stems, not exact labels; episodes, video games,
//! podcasts and music videos are reported and left out.

use super::input::{csv_files, SourceFile, Table};
use super::merge::{keys, Gather};
use crate::error::{Error, Result};
use crate::model::{
    EntryFields, ExternalIds, IncomingEntry, Kind, ParsedExport, Status, TitleFacts,
};

/// What an IMDb title type means for Watchlog: a kind, or why it is left out.
pub fn classify(title_type: &str) -> std::result::Result<Kind, &'static str> {
    let t = crate::text::fold(title_type);
    let has = |words: &[&str]| words.iter().any(|w| t.contains(w));
    if has(&["episod"]) {
        return Err("a single episode (Watchlog tracks whole series)");
    }
    if has(&["game", "gioco", "juego", "jeu ", "spiel"]) {
        return Err("a video game");
    }
    if has(&["podcast"]) {
        return Err("a podcast");
    }
    if has(&["music video", "video musical", "videoclip", "musikvideo"]) {
        return Err("a music video");
    }
    if has(&["mini"]) {
        return Ok(Kind::Miniseries);
    }
    if has(&["special", "speciale", "especial", "spécial"]) {
        return Ok(Kind::Special);
    }
    if has(&["serie", "series", "show"]) {
        return Ok(Kind::Series);
    }
    if has(&[
        "movie", "film", "pelicula", "short", "corto", "court", "kurz", "video", "tv",
    ]) {
        return Ok(Kind::Film);
    }
    Err("a title type Watchlog does not know")
}

/// `tt0468569`, also from a bare number as some exports write it.
fn imdb_id(v: &str) -> Option<String> {
    let v = v.trim();
    if let Some(rest) = v.strip_prefix("tt") {
        return rest
            .chars()
            .all(|c| c.is_ascii_digit())
            .then(|| v.to_string());
    }
    v.chars()
        .all(|c| c.is_ascii_digit())
        .then(|| format!("tt{v:0>7}"))
        .filter(|_| !v.is_empty())
}

pub fn read(files: &[SourceFile]) -> Result<ParsedExport> {
    let mut parsed = ParsedExport::default();
    let mut gather = Gather::default();
    let mut any = false;
    for f in csv_files(files) {
        let text = f.text(&mut parsed.notes);
        let t = Table::read(&f.name, &text, &["const", "title"])?;
        any = true;
        for row in &t.rows {
            let c = t.row(row);
            let name = c
                .get("title")
                .ok_or_else(|| c.bad("title", "a row without a title"))?;
            let id = c.get("const").and_then(imdb_id).ok_or_else(|| {
                c.bad(
                    "const",
                    format!(
                        "'{}' is not an IMDb id (tt followed by digits)",
                        c.get("const").unwrap_or("")
                    ),
                )
            })?;
            let kind = match c.get("title type").map(classify) {
                Some(Ok(k)) => k,
                Some(Err(why)) => {
                    parsed.skip(name, format!("{}, line {}: {why}", f.name, c.line()));
                    continue;
                }
                None => Kind::Film,
            };
            let rating = c.rating("your rating", 1.0, 10.0)?;
            let rated = c.when("date rated")?;
            let listed = c.when("created")?;
            let original = c
                .get("original title")
                .filter(|o| *o != name)
                .map(str::to_string);
            let genres = c
                .get("genres")
                .map(|g| {
                    g.split(',')
                        .map(|s| s.trim().to_string())
                        .filter(|s| !s.is_empty())
                        .collect()
                })
                .unwrap_or_default();
            let title = TitleFacts {
                kind,
                name: name.to_string(),
                original_name: original,
                year: c.year("year")?,
                genres,
                runtime_minutes: c.number("runtime (mins)")?,
                episodes: (kind == Kind::Film).then_some(1),
                external_ids: ExternalIds {
                    imdb: Some(id),
                    ..Default::default()
                },
                ..Default::default()
            };
            // A rating means it was seen; a list line alone is a plan.
            let status = if rating.is_some() {
                Status::Completed
            } else {
                Status::PlanToWatch
            };
            let when = rated.or(listed);
            gather.add(
                keys(&title),
                IncomingEntry {
                    id: None,
                    title,
                    fields: EntryFields {
                        status,
                        rating,
                        progress: u32::from(status == Status::Completed && kind == Kind::Film),
                        ..Default::default()
                    },
                    viewings: Vec::new(),
                    added_at: listed.or(rated),
                    updated_at: when,
                    episodes: None,
                },
            );
        }
    }
    if !any {
        return Err(Error::invalid("this IMDb export holds no CSV file"));
    }
    parsed.incoming.entries = gather.into_entries();
    Ok(parsed)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn localised_title_types() {
        assert_eq!(classify("TV Series"), Ok(Kind::Series));
        assert_eq!(classify("Serie TV"), Ok(Kind::Series));
        assert_eq!(classify("Mini serie TV"), Ok(Kind::Miniseries));
        assert_eq!(classify("TV Mini Series"), Ok(Kind::Miniseries));
        assert_eq!(classify("Série TV"), Ok(Kind::Series));
        assert_eq!(classify("Film"), Ok(Kind::Film));
        assert_eq!(classify("TV Movie"), Ok(Kind::Film));
        assert_eq!(classify("Movie"), Ok(Kind::Film));
        assert_eq!(classify("TV Special"), Ok(Kind::Special));
        assert!(classify("TV Episode").is_err());
        assert!(classify("Episodio TV").is_err());
        assert!(classify("Video Game").is_err());
        assert!(classify("Podcast Series").is_err());
        assert_eq!(imdb_id("16968450").as_deref(), Some("tt16968450"));
        assert_eq!(imdb_id("123").as_deref(), Some("tt0000123"));
    }
}
