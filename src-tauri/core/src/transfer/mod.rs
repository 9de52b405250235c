//! Getting a library out to files and back in: exports (Watchlog JSON, CSV,
//! a Markdown review list, a self-contained HTML review page, Letterboxd's
//! import CSV) and imports (Watchlog JSON for now), one file per format
//! under `export/` and `import/`.
//!
//! Every export goes through [`export`]: one entry point taking a format, a
//! set of [`ExportOptions`] (shared filters and per-format choices) and any
//! writer, so the CLI can write to stdout and the app to a file chosen in a
//! dialog. Files are written with [`write_atomically`]: a failed export never
//! leaves half a file or damages the one that was there.

pub mod export;
pub mod ics;
pub mod import;
pub mod list_card;
pub mod year;

use std::collections::HashMap;
use std::fmt;
use std::io::{self, Write};
use std::path::Path;
use std::str::FromStr;

use chrono::{DateTime, NaiveDate, Utc};
use serde::{Deserialize, Serialize};

use crate::error::{Error, Result};
use crate::model::{Entry, ListSummary, Status};
use crate::progress::{CancelToken, Throttle};
use crate::rating::{Rating, RatingScale};
use crate::store::Library;

/// The formats a library can be exported to.
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum ExportFormat {
    /// Everything, lossless and versioned; Watchlog imports it back.
    WatchlogJson,
    /// One row per entry, for spreadsheets.
    Csv,
    /// The user's reviews as a Markdown document.
    Markdown,
    /// The user's reviews as one self-contained, printable web page.
    Html,
    /// Letterboxd's import CSV (films and miniseries only).
    Letterboxd,
}

impl ExportFormat {
    pub const ALL: [ExportFormat; 5] = [
        ExportFormat::WatchlogJson,
        ExportFormat::Csv,
        ExportFormat::Markdown,
        ExportFormat::Html,
        ExportFormat::Letterboxd,
    ];

    /// The CLI's and settings' word for the format.
    pub fn as_str(self) -> &'static str {
        match self {
            ExportFormat::WatchlogJson => "watchlog-json",
            ExportFormat::Csv => "csv",
            ExportFormat::Markdown => "markdown",
            ExportFormat::Html => "html",
            ExportFormat::Letterboxd => "letterboxd",
        }
    }

    /// The usual file extension, for save dialogs and default file names.
    pub fn extension(self) -> &'static str {
        match self {
            ExportFormat::WatchlogJson => "json",
            ExportFormat::Csv | ExportFormat::Letterboxd => "csv",
            ExportFormat::Markdown => "md",
            ExportFormat::Html => "html",
        }
    }

    /// The file name a save dialog suggests: `watchlog-reviews-2026-11-24.html`.
    pub fn default_file_name(self, day: NaiveDate) -> String {
        let what = match self {
            ExportFormat::WatchlogJson | ExportFormat::Csv => "library",
            ExportFormat::Markdown | ExportFormat::Html => "reviews",
            ExportFormat::Letterboxd => "letterboxd",
        };
        format!("watchlog-{what}-{day}.{}", self.extension())
    }

    /// [`Self::default_file_name`] for today, on the user's calendar.
    pub fn suggested_file_name(self) -> String {
        self.default_file_name(chrono::Local::now().date_naive())
    }

    /// What a save dialog's filter calls the format.
    pub fn file_kind(self) -> &'static str {
        match self {
            ExportFormat::WatchlogJson => "Watchlog JSON",
            ExportFormat::Csv => "CSV",
            ExportFormat::Markdown => "Markdown",
            ExportFormat::Html => "Web page",
            ExportFormat::Letterboxd => "Letterboxd CSV",
        }
    }
}

impl FromStr for ExportFormat {
    type Err = Error;
    fn from_str(s: &str) -> Result<Self> {
        let norm = s.trim().to_ascii_lowercase().replace('_', "-");
        let found = match norm.as_str() {
            "watchlog-json" | "watchlog" | "json" => Some(ExportFormat::WatchlogJson),
            "csv" => Some(ExportFormat::Csv),
            "markdown" | "md" => Some(ExportFormat::Markdown),
            "html" => Some(ExportFormat::Html),
            "letterboxd" => Some(ExportFormat::Letterboxd),
            _ => None,
        };
        found.ok_or_else(|| {
            Error::invalid(format!(
                "'{}' is not an export format (use one of: {})",
                s.trim(),
                ExportFormat::ALL.map(ExportFormat::as_str).join(", ")
            ))
        })
    }
}

impl fmt::Display for ExportFormat {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// Which entries an export includes. Every part is optional; an empty
/// filter keeps everything.
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(default)]
pub struct ExportFilter {
    /// Keep only these statuses (empty: all).
    pub statuses: Vec<Status>,
    /// Lowest rating kept, inclusive; unrated entries are dropped when set.
    pub min_rating: Option<Rating>,
    /// Highest rating kept, inclusive; unrated entries are dropped when set.
    pub max_rating: Option<Rating>,
    /// Watched on this platform (any case).
    pub platform: Option<String>,
    /// Carrying this tag (any case).
    pub tag: Option<String>,
    /// Finished on or after this day; unfinished entries are dropped when set.
    pub finished_from: Option<NaiveDate>,
    /// Finished on or before this day; unfinished entries are dropped when set.
    pub finished_to: Option<NaiveDate>,
    /// Only entries with a written review.
    pub only_with_review: bool,
}

impl ExportFilter {
    /// Whether `e` passes every part of the filter.
    pub fn matches(&self, e: &Entry) -> bool {
        let f = &e.fields;
        let in_range = |r: Option<Rating>| match (r, self.min_rating, self.max_rating) {
            (_, None, None) => true,
            (None, _, _) => false,
            (Some(r), lo, hi) => lo.is_none_or(|lo| r >= lo) && hi.is_none_or(|hi| r <= hi),
        };
        let finished = match (f.finished_on, self.finished_from, self.finished_to) {
            (_, None, None) => true,
            (None, _, _) => false,
            (Some(d), from, to) => from.is_none_or(|x| d >= x) && to.is_none_or(|x| d <= x),
        };
        (self.statuses.is_empty() || self.statuses.contains(&f.status))
            && in_range(f.rating)
            && finished
            && self.platform.as_deref().is_none_or(|p| {
                f.platform
                    .as_deref()
                    .is_some_and(|fp| fp.trim().eq_ignore_ascii_case(p.trim()))
            })
            && self.tag.as_deref().is_none_or(|t| {
                f.tags
                    .iter()
                    .any(|ft| ft.trim().eq_ignore_ascii_case(t.trim()))
            })
            && (!self.only_with_review || has_review(e))
    }
}

/// How a review list (Markdown, HTML) is ordered and grouped.
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ReviewOrder {
    /// Highest rated first, one section per rating.
    #[default]
    Rating,
    /// Most recently finished first, one section per year.
    Finished,
    /// One section per status, titles A→Z within each.
    Status,
}

impl FromStr for ReviewOrder {
    type Err = Error;
    fn from_str(s: &str) -> Result<Self> {
        match s.trim().to_ascii_lowercase().as_str() {
            "rating" => Ok(ReviewOrder::Rating),
            "finished" | "date" => Ok(ReviewOrder::Finished),
            "status" => Ok(ReviewOrder::Status),
            other => Err(Error::invalid(format!(
                "'{other}' is not a way to order reviews (use rating, finished or status)"
            ))),
        }
    }
}

/// What a review list does with reviews marked as spoilers.
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum SpoilerMode {
    /// Inside a collapsed "Spoiler" block the reader opens on purpose.
    #[default]
    Hide,
    /// Left out of the export altogether (the title and rating stay).
    Omit,
}

impl FromStr for SpoilerMode {
    type Err = Error;
    fn from_str(s: &str) -> Result<Self> {
        match s.trim().to_ascii_lowercase().as_str() {
            "hide" => Ok(SpoilerMode::Hide),
            "omit" => Ok(SpoilerMode::Omit),
            other => Err(Error::invalid(format!(
                "'{other}' is not a spoiler choice (use hide or omit)"
            ))),
        }
    }
}

/// Everything an export can be told. Serialisable so the app can send it
/// over IPC and remember the user's last choices.
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(default)]
pub struct ExportOptions {
    pub filter: ExportFilter,
    /// The scale ratings are shown in; `None` uses the library's setting.
    pub scale: Option<RatingScale>,
    /// Review lists: order and sections.
    pub order: ReviewOrder,
    /// Review lists: spoiler reviews hidden or left out.
    pub spoilers: SpoilerMode,
    /// Review lists: the heading of the page (default "My reviews").
    pub heading: Option<String>,
    /// One of the user's lists (its id): the export holds its entries in
    /// the list's order, with their notes, under the list's name and
    /// description (HTML, Markdown and Letterboxd's list CSV).
    #[cfg_attr(feature = "ts", ts(optional))]
    pub list: Option<i64>,
    /// The moment recorded in the export; `None` is now. Tests fix it so
    /// output is byte-for-byte stable.
    pub exported_at: Option<DateTime<Utc>>,
}

/// One entry an export could not hold, and why.
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct SkippedRow {
    pub entry_id: i64,
    pub title: String,
    pub reason: String,
}

/// What an export wrote, and what it could not write or had to change.
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ExportReport {
    pub format: ExportFormat,
    /// Rows (or entries) written.
    pub written: usize,
    /// Entries the filter left out.
    pub filtered_out: usize,
    /// Entries that passed the filter but the format cannot hold.
    pub skipped: Vec<SkippedRow>,
    /// Entries written with something changed or dropped (a rating rounded
    /// to half stars, a spoiler review left out).
    pub notes: Vec<SkippedRow>,
}

impl ExportReport {
    fn new(format: ExportFormat) -> Self {
        ExportReport {
            format,
            written: 0,
            filtered_out: 0,
            skipped: Vec::new(),
            notes: Vec::new(),
        }
    }

    fn skip(&mut self, e: &Entry, reason: impl Into<String>) {
        self.skipped.push(SkippedRow {
            entry_id: e.id,
            title: e.title.facts.name.clone(),
            reason: reason.into(),
        });
    }

    fn note(&mut self, e: &Entry, what: impl Into<String>) {
        self.notes.push(SkippedRow {
            entry_id: e.id,
            title: e.title.facts.name.clone(),
            reason: what.into(),
        });
    }
}

/// An image to embed for one entry.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Poster {
    /// `image/jpeg`, `image/png`, `image/webp`, `image/gif` or `image/avif`;
    /// anything else is ignored and the placeholder drawn instead.
    pub mime: String,
    pub bytes: Vec<u8>,
}

/// Where the HTML page gets poster thumbnails. The poster cache implements
/// it; until then (and for titles with no poster) the page draws a
/// placeholder. Any `Fn(&Entry) -> Option<Poster>` closure is one.
pub trait PosterSource {
    fn poster(&self, entry: &Entry) -> Option<Poster>;
}

impl<F: Fn(&Entry) -> Option<Poster>> PosterSource for F {
    fn poster(&self, entry: &Entry) -> Option<Poster> {
        self(entry)
    }
}

/// No posters: every entry gets its placeholder.
pub struct NoPosters;

impl PosterSource for NoPosters {
    fn poster(&self, _: &Entry) -> Option<Poster> {
        None
    }
}

/// Where a running export is, for a progress bar: entries read and
/// written (or left out by the filter) of the library's entries.
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct ExportProgress {
    pub done: u32,
    pub total: u32,
}

/// What an export is given beside its options: where the HTML page's
/// posters come from, and how a face follows and stops it.
#[derive(Clone, Copy)]
pub struct ExportRun<'a> {
    pub posters: &'a dyn PosterSource,
    /// Called with (entries done, entries in all) at the steps a
    /// [`Throttle`] finds worth reporting: the start, each percent, the end.
    pub progress: Option<&'a dyn Fn(usize, usize)>,
    /// Cancelled from anywhere to stop: the export ends with
    /// [`Error::Cancelled`], and a file written through
    /// [`export_to_path_with`] is not left behind.
    pub cancel: Option<&'a CancelToken>,
}

impl Default for ExportRun<'_> {
    fn default() -> Self {
        ExportRun {
            posters: &NoPosters,
            progress: None,
            cancel: None,
        }
    }
}

/// Exports `lib` in `format` to `out` (a file, stdout, a buffer). Returns
/// what was written and what was left out.
pub fn export(
    lib: &Library,
    format: ExportFormat,
    options: &ExportOptions,
    out: &mut dyn Write,
) -> Result<ExportReport> {
    export_with(lib, format, options, &ExportRun::default(), out)
}

/// [`export`], with poster thumbnails for the HTML page.
pub fn export_with_posters(
    lib: &Library,
    format: ExportFormat,
    options: &ExportOptions,
    posters: &dyn PosterSource,
    out: &mut dyn Write,
) -> Result<ExportReport> {
    let run = ExportRun {
        posters,
        ..ExportRun::default()
    };
    export_with(lib, format, options, &run, out)
}

/// [`export`], with posters, progress and cancel. The library is read in
/// one pass (`Library::for_each_entry`: one query per table) and each
/// entry goes to the format's writer as it is read.
pub fn export_with(
    lib: &Library,
    format: ExportFormat,
    options: &ExportOptions,
    run: &ExportRun,
    out: &mut dyn Write,
) -> Result<ExportReport> {
    // One snapshot for everything the export reads.
    let _snapshot = lib.snapshot()?;
    let total = lib.entry_count()?;
    let scale = match options.scale {
        Some(s) => s,
        None => lib.settings()?.rating_scale,
    };
    let list = options
        .list
        .map(|id| ListScope::read(lib, id))
        .transpose()?;
    let ctx = Context {
        scale,
        options,
        exported_at: options.exported_at.unwrap_or_else(Utc::now),
        list,
    };
    let mut report = ExportReport::new(format);
    let mut out = ErrorTracking::new(out);
    let result = write_entries(lib, format, &ctx, run, total, &mut out, &mut report);
    let result = result.and_then(|()| out.flush().map_err(|e| write_error(format, e)));
    // Serializers (csv, serde_json) wrap the writer's io::Error in their
    // own; prefer the original so "disk full" reads as such.
    match (result, out.take_error()) {
        (Err(_), Some(io)) => Err(write_error(format, io)),
        (r, _) => r.map(|()| report),
    }
}

fn write_entries(
    lib: &Library,
    format: ExportFormat,
    ctx: &Context,
    run: &ExportRun,
    total: usize,
    out: &mut dyn Write,
    report: &mut ExportReport,
) -> Result<()> {
    let mut sink: Box<dyn export::EntrySink + '_> = match format {
        ExportFormat::WatchlogJson => Box::new(export::watchlog_json::start(
            ctx,
            &lib.platforms()?,
            &lib.loose_watches()?,
            lib.lists()?
                .iter()
                .map(|l| {
                    Ok(export::watchlog_json::FileList::new(
                        l,
                        &lib.list_members(l.id)?,
                    ))
                })
                .collect::<Result<_>>()?,
            out,
        )?),
        ExportFormat::Csv => Box::new(export::csv::start(ctx, out)?),
        ExportFormat::Markdown => Box::new(export::markdown::start(ctx, out)),
        ExportFormat::Html => Box::new(export::html::start(ctx, run.posters, out)?),
        ExportFormat::Letterboxd => Box::new(export::letterboxd::start(ctx, out)?),
    };
    let throttle = Throttle::new(total);
    let progress = |done: usize| {
        if let Some(p) = run.progress.filter(|_| throttle.due(done)) {
            p(done, total);
        }
    };
    progress(0);
    let mut done = 0;
    // Only Watchlog JSON carries the episode history.
    let history = format == ExportFormat::WatchlogJson;
    lib.for_each_entry(history, |e, watches| {
        if run.cancel.is_some_and(CancelToken::is_cancelled) {
            return Err(Error::Cancelled("the export was cancelled".into()));
        }
        let on_list = ctx
            .list
            .as_ref()
            .is_none_or(|l| l.places.contains_key(&e.id));
        // The entries of other lists are not "left out": they were never in.
        if on_list && ctx.options.filter.matches(&e) {
            sink.entry(&e, &watches, report)?;
        } else if on_list {
            report.filtered_out += 1;
        }
        done += 1;
        progress(done);
        Ok(())
    })?;
    sink.finish(report)
}

/// What every exporter gets: the choices that apply to all formats.
pub(crate) struct Context<'a> {
    pub scale: RatingScale,
    pub options: &'a ExportOptions,
    pub exported_at: DateTime<Utc>,
    /// The list the export is of, when it is of one.
    pub list: Option<ListScope>,
}

/// The list an export is of: the list, and each of its entries' place.
#[derive(Clone)]
pub(crate) struct ListScope {
    pub list: ListSummary,
    pub places: HashMap<i64, Place>,
}

/// An entry's place on the list an export is of.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Place {
    /// 1 for the first.
    pub position: u32,
    /// The position, when the list is ranked.
    pub rank: Option<u32>,
    pub note: Option<String>,
}

impl ListScope {
    fn read(lib: &Library, id: i64) -> Result<ListScope> {
        let list = lib.list_summary(id)?;
        let places = lib
            .list_members(id)?
            .into_iter()
            .enumerate()
            .map(|(i, m)| {
                let position = i as u32 + 1;
                let place = Place {
                    position,
                    rank: list.ranked.then_some(position),
                    note: m.note,
                };
                (m.entry_id, place)
            })
            .collect();
        Ok(ListScope { list, places })
    }

    pub fn place(&self, entry: i64) -> Option<&Place> {
        self.places.get(&entry)
    }
}

pub(crate) fn has_review(e: &Entry) -> bool {
    e.fields
        .review
        .as_deref()
        .is_some_and(|r| !r.trim().is_empty())
}

pub(crate) fn write_error(format: ExportFormat, e: io::Error) -> Error {
    Error::io(
        format!("could not write the {format} export{}", disk_hint(&e)),
        e,
    )
}

/// A few words for the failures people can fix themselves.
fn disk_hint(e: &io::Error) -> &'static str {
    match e.kind() {
        io::ErrorKind::StorageFull => " (the disk is full; free some space and try again)",
        io::ErrorKind::PermissionDenied | io::ErrorKind::ReadOnlyFilesystem => {
            " (you may not write to that folder; choose another)"
        }
        io::ErrorKind::NotFound => " (the folder does not exist)",
        _ => "",
    }
}

/// Remembers the first I/O error of the underlying writer, which the csv
/// and JSON serializers otherwise bury in their own error types.
struct ErrorTracking<'a> {
    inner: &'a mut dyn Write,
    error: Option<io::Error>,
}

impl<'a> ErrorTracking<'a> {
    fn new(inner: &'a mut dyn Write) -> Self {
        ErrorTracking { inner, error: None }
    }

    fn take_error(&mut self) -> Option<io::Error> {
        self.error.take()
    }

    fn keep<T>(&mut self, r: io::Result<T>) -> io::Result<T> {
        if let Err(e) = &r {
            if self.error.is_none() {
                self.error = Some(io::Error::new(e.kind(), e.to_string()));
            }
        }
        r
    }
}

impl Write for ErrorTracking<'_> {
    fn write(&mut self, buf: &[u8]) -> io::Result<usize> {
        let r = self.inner.write(buf);
        self.keep(r)
    }
    fn flush(&mut self) -> io::Result<()> {
        let r = self.inner.flush();
        self.keep(r)
    }
}

/// Writes a file so that it is either wholly there or not at all: `write`
/// fills a temporary file in the same folder, which is flushed, synced to
/// disk and only then renamed over `path`. If anything fails (the disk
/// fills, `write` returns an error) the temporary file is removed and a
/// file already at `path` is left exactly as it was. If the process is
/// killed, the temporary file is removed by the next write to the folder.
pub fn write_atomically<T>(
    path: &Path,
    write: impl FnOnce(&mut dyn Write) -> Result<T>,
) -> Result<T> {
    let dir = match path.parent() {
        Some(d) if !d.as_os_str().is_empty() => d,
        _ => Path::new("."),
    };
    if path.is_dir() {
        return Err(Error::invalid(format!(
            "{} is a folder; give the path of a file to write",
            path.display()
        )));
    }
    match std::fs::metadata(dir) {
        Ok(m) if m.is_dir() => {}
        Ok(_) => {
            return Err(Error::invalid(format!(
                "{} is not a folder, so {} cannot be written there",
                dir.display(),
                path.display()
            )))
        }
        Err(e) => {
            return Err(Error::io(
                format!(
                    "cannot write {}: the folder {} does not exist or cannot be read",
                    path.display(),
                    dir.display()
                ),
                e,
            ))
        }
    }
    // What an earlier, killed write to this folder left.
    crate::staging::sweep(dir);
    let mut tmp = crate::staging::create(dir, "").map_err(|e| {
        Error::io(
            format!(
                "cannot write to the folder {}{}",
                dir.display(),
                disk_hint(&e)
            ),
            e,
        )
    })?;
    let value = {
        let mut buf = io::BufWriter::new(tmp.as_file_mut());
        let value = write(&mut buf)?;
        buf.flush().map_err(|e| {
            Error::io(
                format!("could not write {}{}", path.display(), disk_hint(&e)),
                e,
            )
        })?;
        value
    };
    tmp.as_file().sync_all().map_err(|e| {
        Error::io(
            format!("could not save {}{}", path.display(), disk_hint(&e)),
            e,
        )
    })?;
    tmp.persist(path).map_err(|e| {
        Error::io(
            format!(
                "could not put {} in place{}",
                path.display(),
                disk_hint(&e.error)
            ),
            e.error,
        )
    })?;
    sync_dir(dir);
    Ok(value)
}

/// Makes a rename durable. Best effort: not every platform can open a
/// folder for syncing, and the data itself is already on disk.
pub(crate) fn sync_dir(dir: &Path) {
    #[cfg(unix)]
    if let Ok(d) = std::fs::File::open(dir) {
        let _ = d.sync_all();
    }
    #[cfg(not(unix))]
    let _ = dir;
}

/// Exports to the file at `path`, atomically.
pub fn export_to_path(
    lib: &Library,
    format: ExportFormat,
    options: &ExportOptions,
    posters: &dyn PosterSource,
    path: &Path,
) -> Result<ExportReport> {
    let run = ExportRun {
        posters,
        ..ExportRun::default()
    };
    export_to_path_with(lib, format, options, &run, path)
}

/// [`export_to_path`], with progress and cancel: a cancelled export
/// leaves no file (the temporary one is removed) and any file already at
/// `path` as it was.
pub fn export_to_path_with(
    lib: &Library,
    format: ExportFormat,
    options: &ExportOptions,
    run: &ExportRun,
    path: &Path,
) -> Result<ExportReport> {
    lib.refuse_own_files(path, "the export")?;
    write_atomically(path, |w| export_with(lib, format, options, run, w))
}

/// Writes text a face made from the library (the calendar's `.ics`, its
/// JSON) to the file at `path` as exports are written: atomically, and
/// never over the library's own files. `what` names it in errors.
pub fn save_to_path(lib: &Library, path: &Path, what: &str, bytes: &[u8]) -> Result<()> {
    lib.refuse_own_files(path, what)?;
    write_atomically(path, |w| {
        w.write_all(bytes).map_err(|e| {
            Error::io(
                format!("could not write {}{}", path.display(), disk_hint(&e)),
                e,
            )
        })
    })
}
