//! CSV for spreadsheets: one row per entry, a header row, UTF-8. The `csv`
//! crate quotes commas, quotes and line breaks, so a multi-paragraph review
//! stays in its cell.

use std::io::Write;

use super::EntrySink;
use crate::error::Result;
use crate::model::{Entry, IncomingWatch};
use crate::rating::RatingScale;
use crate::transfer::{write_error, Context, ExportFormat, ExportReport};

/// The header row, in order.
pub const COLUMNS: [&str; 24] = [
    "id",
    "title",
    "original_title",
    "kind",
    "year",
    "country",
    "status",
    "rating",
    "rating_100",
    "progress",
    "episodes",
    "platform",
    "started",
    "finished",
    "favourite",
    "tags",
    "rewatches",
    "review",
    "review_spoiler",
    "notes",
    "imdb_id",
    "tmdb_id",
    "tvmaze_id",
    "rating_scale",
];

/// The CSV being written: the header row first, then each entry's row as
/// it is read.
pub(crate) struct Sink<'a> {
    w: csv::Writer<&'a mut dyn Write>,
    scale: RatingScale,
}

fn fail(e: csv::Error) -> crate::error::Error {
    write_error(ExportFormat::Csv, std::io::Error::other(e.to_string()))
}

pub(crate) fn start<'a>(ctx: &Context, out: &'a mut dyn Write) -> Result<Sink<'a>> {
    let mut w = csv::Writer::from_writer(out);
    w.write_record(COLUMNS).map_err(fail)?;
    Ok(Sink {
        w,
        scale: ctx.scale,
    })
}

impl EntrySink for Sink<'_> {
    fn entry(&mut self, e: &Entry, _: &[IncomingWatch], report: &mut ExportReport) -> Result<()> {
        let opt = |v: Option<String>| v.unwrap_or_default();
        let yes_no = |b: bool| if b { "yes" } else { "no" }.to_string();
        let t = &e.title.facts;
        let f = &e.fields;
        let record: [String; 24] = [
            e.id.to_string(),
            t.name.clone(),
            opt(t.original_name.clone()),
            t.kind.as_str().into(),
            opt(t.year.map(|y| y.to_string())),
            opt(t.country.clone()),
            f.status.as_str().into(),
            opt(f.rating.map(|r| r.format_in(self.scale))),
            opt(f.rating.map(|r| r.get().to_string())),
            f.progress.to_string(),
            opt(t.episodes.map(|n| n.to_string())),
            opt(f.platform.clone()),
            opt(f.started_on.map(|d| d.to_string())),
            opt(f.finished_on.map(|d| d.to_string())),
            yes_no(f.favorite),
            // Tags may hold commas; a semicolon is what spreadsheet users
            // split on next.
            f.tags.join("; "),
            e.rewatch_count.to_string(),
            opt(f.review.clone()),
            yes_no(f.review_spoiler),
            opt(f.notes.clone()),
            opt(t.external_ids.imdb.clone()),
            opt(t.external_ids.tmdb.clone()),
            opt(t.external_ids.tvmaze.clone()),
            self.scale.as_str().into(),
        ];
        self.w.write_record(&record).map_err(fail)?;
        report.written += 1;
        Ok(())
    }

    fn finish(mut self: Box<Self>, _: &mut ExportReport) -> Result<()> {
        self.w
            .flush()
            .map_err(|e| write_error(ExportFormat::Csv, e))
    }
}
