//! `watchlog export`, `watchlog backup` and `watchlog restore`: getting the
//! library out as a file someone can read or another service can import,
//! and copying the library file itself aside and back.
//!
//! Exports write to stdout unless `--out` is given (then atomically: a
//! failed export leaves no partial file); the report of what was written
//! and what was left out always goes to stderr, so it never mixes with the
//! exported data.

use std::io::Write;
use std::path::{Path, PathBuf};

use chrono::NaiveDate;
use clap::{Args, Subcommand};
use watchlog_core::backup::{self, BackupFile};
use watchlog_core::posters::CachedPosters;
use watchlog_core::transfer::PosterSource;
use watchlog_core::transfer::{
    self, ExportFilter, ExportFormat, ExportOptions, ExportReport, ReviewOrder, SpoilerMode,
};
use watchlog_core::{Library, Rating, Status};

use crate::args::{core_word, date};
use crate::commands::existing;
use crate::error::CliError;
use crate::output::Out;

type Result<T = (), E = CliError> = std::result::Result<T, E>;

/// What `export` writes: the library in a format, a year in review (no
/// format of the library but a page or card of its numbers), or one list
/// (its page, or its card).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ExportWhat {
    Format(ExportFormat),
    Year,
    List,
}

fn export_what(text: &str) -> std::result::Result<ExportWhat, String> {
    if text.trim().eq_ignore_ascii_case("year") {
        return Ok(ExportWhat::Year);
    }
    if text.trim().eq_ignore_ascii_case("list") {
        return Ok(ExportWhat::List);
    }
    text.parse::<ExportFormat>()
        .map(ExportWhat::Format)
        .map_err(|_| {
            format!(
                "'{}' is not an export format (use one of: {}, year, list)",
                text.trim(),
                ExportFormat::ALL.map(ExportFormat::as_str).join(", ")
            )
        })
}

#[derive(Debug, Args)]
pub struct ExportArgs {
    /// watchlog-json (everything, imports back), csv (a spreadsheet),
    /// markdown or html (your reviews as a document or a web page),
    /// letterboxd (Letterboxd's import CSV: films and miniseries),
    /// year (a year in review as a web page, or a card with --png; needs --year),
    /// list LIST (one list as a web page, or a card with --png).
    #[arg(value_name = "FORMAT", value_parser = export_what)]
    pub format: ExportWhat,
    /// `export list`: the list, by its id or name.
    #[arg(value_name = "LIST")]
    pub target: Option<String>,
    /// Write to this file instead of stdout (replaced only once complete).
    #[arg(long, short, value_name = "PATH")]
    pub out: Option<PathBuf>,
    /// `export year`: the calendar year to review.
    #[arg(long, value_name = "YEAR")]
    pub year: Option<i32>,
    /// Write a PNG card (1080×1350) instead of a page; needs --out.
    #[arg(long)]
    pub png: bool,
    /// The page's or card's heading [default: "My reviews"; for a year,
    /// "My YEAR in review"].
    #[arg(long, value_name = "TEXT")]
    pub title: Option<String>,
    /// Only these statuses; repeat the flag or separate with commas.
    #[arg(long, value_name = "S", value_delimiter = ',', value_parser = core_word::<Status>)]
    pub status: Vec<Status>,
    /// Lowest rating kept, in your scale (unrated entries are left out).
    #[arg(long, value_name = "V")]
    pub min_rating: Option<String>,
    /// Highest rating kept, in your scale (unrated entries are left out).
    #[arg(long, value_name = "V")]
    pub max_rating: Option<String>,
    /// Only entries watched on this platform.
    #[arg(long, value_name = "NAME")]
    pub platform: Option<String>,
    /// Only entries with this tag.
    #[arg(long, value_name = "TAG")]
    pub tag: Option<String>,
    /// One of your lists (its id or name): its entries in its order, with
    /// their notes (html, markdown, letterboxd: Letterboxd's list CSV).
    #[arg(long, value_name = "LIST")]
    pub list: Option<String>,
    /// Only entries finished on or after this day (YYYY-MM-DD).
    #[arg(long, value_name = "DATE", value_parser = date)]
    pub finished_from: Option<NaiveDate>,
    /// Only entries finished on or before this day (YYYY-MM-DD).
    #[arg(long, value_name = "DATE", value_parser = date)]
    pub finished_to: Option<NaiveDate>,
    /// Only entries with a written review.
    #[arg(long)]
    pub with_review: bool,
    /// Review lists: rating (best first), finished (newest first) or status.
    #[arg(long, value_parser = core_word::<ReviewOrder>, default_value = "rating")]
    pub order: ReviewOrder,
    /// Review lists: hide spoiler reviews behind a click, or omit them.
    #[arg(long, value_parser = core_word::<SpoilerMode>, default_value = "hide")]
    pub spoilers: SpoilerMode,
}

#[derive(Debug, Args)]
#[command(args_conflicts_with_subcommands = true)]
pub struct BackupArgs {
    #[command(subcommand)]
    pub command: Option<BackupCommand>,
    /// Where to write the backup [default: a new timestamped file in the
    /// `backups` folder beside the library, keeping the newest 10].
    #[arg(value_name = "PATH")]
    pub path: Option<PathBuf>,
}

#[derive(Debug, Subcommand)]
pub enum BackupCommand {
    /// The automatic backups beside the library, newest first.
    List,
}

pub fn export(db: &Path, out: &Out, a: ExportArgs) -> Result {
    let format = match a.format {
        ExportWhat::Year => return export_year(db, out, a),
        ExportWhat::List => return export_list(db, out, a),
        ExportWhat::Format(f) => f,
    };
    if let Some(extra) = &a.target {
        return Err(CliError::bad_input(format!(
            "'{extra}': only `export list LIST` takes a second word"
        )));
    }
    if a.png {
        return Err(CliError::bad_input(format!(
            "--png makes a card, and {format} has none; `export year --year YEAR --png` or \
             `export list LIST --png` makes one"
        )));
    }
    if let Some(year) = a.year {
        return Err(CliError::bad_input(format!(
            "--year is for `export year`; to export what was finished in {year}, use \
             --finished-from {year}-01-01 --finished-to {year}-12-31"
        )));
    }
    if let (Some(from), Some(to)) = (a.finished_from, a.finished_to) {
        if to < from {
            return Err(CliError::bad_input(format!(
                "--finished-to {to} is before --finished-from {from}"
            )));
        }
    }
    existing(db, |lib| {
        // Ratings are typed in the user's scale, which lives in the library.
        let scale = lib.settings()?.rating_scale;
        let rating = |flag: &str, v: &Option<String>| -> Result<Option<Rating>> {
            v.as_deref()
                .map(|v| {
                    Rating::parse_in(v, scale)
                        .map_err(|e| CliError::bad_input(format!("{flag}: {e}")))
                })
                .transpose()
        };
        let options = ExportOptions {
            filter: ExportFilter {
                statuses: a.status.clone(),
                min_rating: rating("--min-rating", &a.min_rating)?,
                max_rating: rating("--max-rating", &a.max_rating)?,
                platform: a.platform.clone(),
                tag: a.tag.clone(),
                finished_from: a.finished_from,
                finished_to: a.finished_to,
                only_with_review: a.with_review,
            },
            order: a.order,
            spoilers: a.spoilers,
            list: a
                .list
                .as_deref()
                .map(|l| lib.find_list(l).map(|l| l.id))
                .transpose()?,
            heading: a.title.clone(),
            ..Default::default()
        };
        with_posters(lib, db, |posters| {
            let report = match &a.out {
                Some(path) => transfer::export_to_path(lib, format, &options, posters, path)?,
                None => {
                    let stdout = std::io::stdout();
                    let mut w = std::io::BufWriter::new(stdout.lock());
                    let report =
                        transfer::export_with_posters(lib, format, &options, posters, &mut w)?;
                    w.flush().map_err(|e| {
                        CliError::failure(format!("could not write the export to stdout: {e}"))
                    })?;
                    report
                }
            };
            eprint!("{}", report_text(&report, a.out.as_deref()));
            // With --out, stdout is free for the report as JSON.
            if out.json && a.out.is_some() {
                json(&report)?;
            }
            Ok(())
        })
    })
}

/// `export year`: the year's page (to stdout or a file) or its PNG card
/// (to a file), with a line on stderr of what was written.
fn export_year(db: &Path, out: &Out, a: ExportArgs) -> Result {
    let year = a.year.ok_or_else(|| {
        CliError::bad_input("export year needs the year to review: --year YEAR (e.g. --year 2023)")
    })?;
    if let Some(flag) = library_filter(&a) {
        return Err(CliError::bad_input(format!(
            "{flag} filters the library's exports; a year in review holds the whole year"
        )));
    }
    if let Some(extra) = &a.target {
        return Err(CliError::bad_input(format!(
            "'{extra}': `export year` takes its year as --year"
        )));
    }
    if a.png && a.out.is_none() {
        return Err(CliError::bad_input(
            "--png writes an image: give its file with --out FILE.png",
        ));
    }
    existing(db, |lib| {
        with_posters(lib, db, |posters| {
            let title = a.title.as_deref();
            let review = match (&a.out, a.png) {
                (Some(path), true) => transfer::year::export_card(lib, year, title, posters, path)?,
                (Some(path), false) => {
                    transfer::year::export_page(lib, year, title, posters, path)?
                }
                (None, _) => {
                    let (review, html) = transfer::year::render_page(lib, year, title, posters)?;
                    print(&html)?;
                    review
                }
            };
            let what = if a.png { "card" } else { "page" };
            let to = a
                .out
                .as_deref()
                .map_or_else(String::new, |p| format!(" to {}", p.display()));
            eprintln!(
                "Exported the {year} in review {what} ({} titles finished, {} episodes){to}",
                review.titles_finished, review.episodes_watched
            );
            if out.json && a.out.is_some() {
                json(&review)?;
            }
            Ok(())
        })
    })
}

/// The first of the library export's filters `a` sets, which a year in
/// review or a list does not take.
fn library_filter(a: &ExportArgs) -> Option<&'static str> {
    [
        ("--status", !a.status.is_empty()),
        ("--min-rating", a.min_rating.is_some()),
        ("--max-rating", a.max_rating.is_some()),
        ("--platform", a.platform.is_some()),
        ("--tag", a.tag.is_some()),
        ("--list", a.list.is_some()),
        ("--finished-from", a.finished_from.is_some()),
        ("--finished-to", a.finished_to.is_some()),
        ("--with-review", a.with_review),
    ]
    .into_iter()
    .find_map(|(flag, set)| set.then_some(flag))
}

/// `export list LIST`: the list's page (as `export html --list LIST`), or
/// with --png its card (to a file).
fn export_list(db: &Path, out: &Out, mut a: ExportArgs) -> Result {
    let Some(list) = a.target.take() else {
        return Err(CliError::bad_input(
            "export list needs the list: `export list LIST` (its id or name; `watchlog lists` shows them)",
        ));
    };
    if let Some(flag) = library_filter(&a) {
        return Err(CliError::bad_input(format!(
            "{flag} filters the library's exports; a list's export holds the list"
        )));
    }
    if a.year.is_some() {
        return Err(CliError::bad_input("--year is for `export year`"));
    }
    if !a.png {
        a.format = ExportWhat::Format(ExportFormat::Html);
        a.list = Some(list);
        return export(db, out, a);
    }
    let Some(path) = a.out.clone() else {
        return Err(CliError::bad_input(
            "--png writes an image: give its file with --out FILE.png",
        ));
    };
    existing(db, |lib| {
        let l = lib.find_list(&list)?;
        with_posters(lib, db, |posters| {
            transfer::list_card::export_card(lib, l.id, a.title.as_deref(), posters, &path)?;
            eprintln!(
                "Exported the card of '{}' ({} titles) to {}",
                l.name,
                l.items,
                path.display()
            );
            if out.json {
                json(&l)?;
            }
            Ok(())
        })
    })
}

/// Runs `f` with the posters the pages and cards embed: the poster
/// cache's, or without a cache folder none (every title gets its
/// placeholder).
fn with_posters<T>(
    lib: &Library,
    db: &Path,
    f: impl FnOnce(&dyn PosterSource) -> Result<T>,
) -> Result<T> {
    match crate::posters::cache_of(lib, db).ok() {
        Some(cache) => f(&CachedPosters::new(lib, &cache)),
        None => f(&transfer::NoPosters),
    }
}

/// The report for people: what was written, then every row left out or
/// changed, with the reason.
fn report_text(r: &ExportReport, path: Option<&Path>) -> String {
    let plural = |n: usize| if n == 1 { "entry" } else { "entries" };
    let mut s = format!(
        "Exported {} {} as {}",
        r.written,
        plural(r.written),
        r.format
    );
    if let Some(p) = path {
        s.push_str(&format!(" to {}", p.display()));
    }
    s.push('\n');
    if r.filtered_out > 0 {
        s.push_str(&format!(
            "Left out by the filters: {} {}\n",
            r.filtered_out,
            plural(r.filtered_out)
        ));
    }
    if !r.skipped.is_empty() {
        s.push_str(&format!(
            "Skipped {} {}:\n",
            r.skipped.len(),
            plural(r.skipped.len())
        ));
        for row in &r.skipped {
            s.push_str(&format!(
                "  {} {}: {}\n",
                row.entry_id, row.title, row.reason
            ));
        }
    }
    if !r.notes.is_empty() {
        s.push_str("Written with changes:\n");
        for row in &r.notes {
            s.push_str(&format!(
                "  {} {}: {}\n",
                row.entry_id, row.title, row.reason
            ));
        }
    }
    s
}

pub fn backup(db: &Path, out: &Out, a: BackupArgs) -> Result {
    if let Some(BackupCommand::List) = a.command {
        return list(db, out);
    }
    existing(db, |lib| {
        let info = match &a.path {
            Some(p) => lib.backup_to(p)?,
            None => backup::backup_auto(lib, None, None)?,
        };
        if out.json {
            return json(&info);
        }
        let mut s = format!(
            "Backed up to {} ({})\n",
            info.path.display(),
            size(info.size_bytes)
        );
        for p in &info.pruned {
            s.push_str(&format!("Removed the old backup {}\n", p.display()));
        }
        print(&s)
    })
}

fn list(db: &Path, out: &Out) -> Result {
    let dir = backup::default_backup_dir(db);
    let all = backup::describe_backups(&dir)?;
    if out.json {
        return json(&all);
    }
    if all.is_empty() {
        return print(&format!("No backups in {}\n", dir.display()));
    }
    let mut s = format!("Backups in {}\n", dir.display());
    for BackupFile {
        name,
        size_bytes,
        taken_at,
    } in &all
    {
        let when =
            taken_at.map_or_else(String::new, |t| t.format("%Y-%m-%d %H:%M UTC").to_string());
        s.push_str(&format!("  {name}  {when}  {:>10}\n", size(*size_bytes)));
    }
    print(&s)
}

pub fn restore(db: &Path, out: &Out, path: &Path) -> Result {
    let info = backup::restore(db, path)?;
    if out.json {
        return json(&info);
    }
    let mut s = format!("Restored {} from {}\n", db.display(), path.display());
    if let Some(p) = &info.previous_kept_at {
        s.push_str(&format!(
            "The library it replaced is kept at {}\n",
            p.display()
        ));
    }
    print(&s)
}

fn size(bytes: u64) -> String {
    match bytes {
        b if b < 1024 => format!("{b} B"),
        b if b < 1024 * 1024 => format!("{:.1} KiB", b as f64 / 1024.0),
        b => format!("{:.1} MiB", b as f64 / (1024.0 * 1024.0)),
    }
}

fn print(text: &str) -> Result {
    let mut o = std::io::stdout().lock();
    o.write_all(text.as_bytes())
        .and_then(|()| o.flush())
        .map_err(|e| CliError::failure(format!("could not write to stdout: {e}")))
}

fn json<T: serde::Serialize>(value: &T) -> Result {
    let text = serde_json::to_string_pretty(value)
        .map_err(|e| CliError::failure(format!("could not write JSON: {e}")))?;
    print(&format!("{text}\n"))
}
