//! Letterboxd's import CSV. Letterboxd lists films (and some miniseries),
//! rates in half stars from ½ to 5, and logs each watch as a diary row, so:
//! series and specials are skipped, titles only planned are skipped (an
//! import would log them as watched), a rating that is not a half star is
//! rounded and noted, and each rewatch becomes its own row flagged
//! `Rewatch`.

use std::io::Write;

use super::EntrySink;
use crate::error::Result;
use crate::model::{Entry, IncomingWatch, Kind, Role, Status};
use crate::rating::RatingScale;
use crate::transfer::{write_error, Context, ExportFormat, ExportReport, ListScope};

/// Letterboxd's column names, in the order its importer documents.
pub const COLUMNS: [&str; 12] = [
    "LetterboxdURI",
    "tmdbID",
    "imdbID",
    "Title",
    "Year",
    "Directors",
    "Rating",
    "Rating10",
    "WatchedDate",
    "Rewatch",
    "Tags",
    "Review",
];

/// The columns of Letterboxd's list importer: the film, its place, and
/// its note on the list (which the importer reads from `Review`).
pub const LIST_COLUMNS: [&str; 8] = [
    "Position",
    "LetterboxdURI",
    "tmdbID",
    "imdbID",
    "Title",
    "Year",
    "Directors",
    "Review",
];

/// The CSV being written: the header row first, then each entry's rows
/// as it is read; the rows of a list are written in its order at the end.
pub(crate) struct Sink<'a> {
    w: csv::Writer<&'a mut dyn Write>,
    list: Option<ListScope>,
    /// A list's rows by position, until the end.
    placed: Vec<(u32, [String; 8])>,
}

fn fail(e: csv::Error) -> crate::error::Error {
    write_error(
        ExportFormat::Letterboxd,
        std::io::Error::other(e.to_string()),
    )
}

pub(crate) fn start<'a>(ctx: &Context, out: &'a mut dyn Write) -> Result<Sink<'a>> {
    let mut w = csv::Writer::from_writer(out);
    match &ctx.list {
        Some(_) => w.write_record(LIST_COLUMNS),
        None => w.write_record(COLUMNS),
    }
    .map_err(fail)?;
    Ok(Sink {
        w,
        list: ctx.list.clone(),
        placed: Vec::new(),
    })
}

impl EntrySink for Sink<'_> {
    fn entry(&mut self, e: &Entry, _: &[IncomingWatch], report: &mut ExportReport) -> Result<()> {
        let w = &mut self.w;
        let t = &e.title.facts;
        let f = &e.fields;
        match t.kind {
            Kind::Film | Kind::Miniseries => {}
            Kind::Series => {
                report.skip(e, "Letterboxd lists films and miniseries, not series");
                return Ok(());
            }
            Kind::Special => {
                report.skip(e, "Letterboxd lists films and miniseries, not specials");
                return Ok(());
            }
        }
        let directors: Vec<&str> = t
            .people
            .iter()
            .filter(|p| p.role == Role::Director)
            .map(|p| p.name.as_str())
            .collect();
        let imdb = t.external_ids.imdb.clone().unwrap_or_default();
        let tmdb = t.external_ids.tmdb.clone().unwrap_or_default();
        let year = t.year.map(|y| y.to_string()).unwrap_or_default();
        // A list names films whatever their status: nothing is logged.
        if let Some(place) = self.list.as_ref().and_then(|l| l.place(e.id)) {
            self.placed.push((
                place.position,
                [
                    place.position.to_string(),
                    t.external_ids.letterboxd.clone().unwrap_or_default(),
                    tmdb.trim_start_matches("movie/").to_string(),
                    imdb,
                    t.name.clone(),
                    year,
                    directors.join(", "),
                    place.note.clone().unwrap_or_default(),
                ],
            ));
            report.written += 1;
            return Ok(());
        }
        if f.status == Status::PlanToWatch {
            report.skip(
                e,
                "not watched yet: Letterboxd would log it as watched (add it to your Letterboxd watchlist instead)",
            );
            return Ok(());
        }
        let (stars, rating10) = match f.rating {
            None => (String::new(), String::new()),
            Some(r) => {
                let halves = r.halves_in(RatingScale::Stars5);
                if halves == 0 {
                    report.note(e, "Letterboxd has no zero-star rating; left unrated");
                    (String::new(), String::new())
                } else {
                    if u32::from(r.get()) != halves * 10 {
                        report.note(
                            e,
                            format!(
                                "rating {}/10 rounded to {} stars",
                                r.format_in(RatingScale::Ten),
                                r.format_in(RatingScale::Stars5)
                            ),
                        );
                    }
                    (r.format_in(RatingScale::Stars5), halves.to_string())
                }
            }
        };
        let tags = f.tags.join(", ");
        let review = f.review.as_deref().map(str::trim).unwrap_or_default();
        if f.review_spoiler && !review.is_empty() {
            report.note(
                e,
                "Letterboxd's CSV cannot mark a review as a spoiler; mark it on the site",
            );
        }
        let row = |date: String, rewatch: bool, review: &str| -> [String; 12] {
            [
                String::new(),
                tmdb.clone(),
                imdb.clone(),
                t.name.clone(),
                year.clone(),
                directors.join(", "),
                stars.clone(),
                rating10.clone(),
                date,
                if rewatch { "Yes" } else { "No" }.into(),
                tags.clone(),
                review.to_string(),
            ]
        };
        let first = f.finished_on.map(|d| d.to_string()).unwrap_or_default();
        w.write_record(row(first, false, review)).map_err(fail)?;
        report.written += 1;
        for v in &e.viewings {
            let date = v.details.finished_on.or(v.details.started_on);
            w.write_record(row(
                date.map(|d| d.to_string()).unwrap_or_default(),
                true,
                "",
            ))
            .map_err(fail)?;
            report.written += 1;
        }
        Ok(())
    }

    fn finish(mut self: Box<Self>, _: &mut ExportReport) -> Result<()> {
        self.placed.sort_by_key(|(p, _)| *p);
        for (_, row) in std::mem::take(&mut self.placed) {
            self.w.write_record(row).map_err(fail)?;
        }
        self.w
            .flush()
            .map_err(|e| write_error(ExportFormat::Letterboxd, e))
    }
}
