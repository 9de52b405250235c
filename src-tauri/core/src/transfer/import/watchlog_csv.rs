//! Reads the CSV that Watchlog's own CSV export writes (see
//! `transfer::export::csv`) into [`Incoming`], so a library edited in a
//! spreadsheet can come back.
//!
//! Columns are found by their header names, in any order; unknown columns
//! are ignored and only `title` is required, so a sheet with columns
//! removed or rearranged still reads. The CSV holds less than Watchlog JSON
//! (no genres, people, sub-scores or rewatch details): rewatches come back
//! as that many viewings without dates, tags are split on `;`.

use std::collections::HashMap;
use std::io::Read;

use crate::error::{Error, Result};
use crate::model::ViewingDetails;
use crate::model::{parse_date, EntryFields, ExternalIds, Kind, Status, TitleFacts};
use crate::model::{Incoming, IncomingEntry};
use crate::rating::{Rating, RatingScale};

/// Largest file read; a CSV of 100 000 entries with reviews is tens of MiB.
const MAX_BYTES: u64 = 512 << 20;

/// Most rewatches one row may ask for: a typo ("1000") should be an error,
/// not a thousand empty viewings.
const MAX_REWATCHES: u32 = 100;

/// Parses a Watchlog CSV export. The library is not touched; hand the
/// result to [`super::Import::new`].
pub fn parse(reader: impl Read) -> Result<Incoming> {
    let mut bytes = Vec::new();
    reader
        .take(MAX_BYTES + 1)
        .read_to_end(&mut bytes)
        .map_err(|e| Error::io("could not read the CSV file", e))?;
    if bytes.len() as u64 > MAX_BYTES {
        return Err(Error::invalid(format!(
            "this file is larger than {} MiB; it is not a Watchlog CSV export",
            MAX_BYTES >> 20
        )));
    }
    let text = String::from_utf8(bytes)
        .map_err(|_| Error::invalid("this is not a Watchlog CSV export: it is not UTF-8 text"))?;
    parse_str(&text)
}

/// [`parse`] for text already in memory.
pub fn parse_str(text: &str) -> Result<Incoming> {
    // Spreadsheets saving "CSV UTF-8" put a byte-order mark in front.
    let text = text.strip_prefix('\u{feff}').unwrap_or(text);
    let mut rdr = csv::ReaderBuilder::new()
        .has_headers(true)
        .flexible(false)
        .from_reader(text.as_bytes());
    let headers = rdr
        .headers()
        .map_err(|e| Error::invalid(format!("this CSV file cannot be read: {}", csv_msg(&e))))?
        .clone();
    let columns: HashMap<String, usize> = headers
        .iter()
        .enumerate()
        .map(|(i, h)| (h.trim().to_ascii_lowercase(), i))
        .collect();
    if !columns.contains_key("title") {
        return Err(Error::invalid(
            "this is not a Watchlog CSV export: it has no 'title' column in its first line",
        ));
    }
    let mut entries = Vec::new();
    for record in rdr.records() {
        let record = record.map_err(|e| {
            Error::invalid(format!("this CSV file cannot be read: {}", csv_msg(&e)))
        })?;
        let line = record.position().map_or(0, |p| p.line());
        let row = Row {
            record: &record,
            columns: &columns,
            line,
        };
        entries.push(row.entry()?);
    }
    Ok(Incoming {
        entries,
        ..Default::default()
    })
}

/// The csv crate's message, with the line it points at in our words.
fn csv_msg(e: &csv::Error) -> String {
    match e.kind() {
        csv::ErrorKind::UnequalLengths {
            pos,
            expected_len,
            len,
        } => format!(
            "line {} has {len} fields where the header has {expected_len}",
            pos.as_ref().map_or(0, |p| p.line())
        ),
        csv::ErrorKind::Utf8 { pos, .. } => format!(
            "line {} is not UTF-8 text",
            pos.as_ref().map_or(0, |p| p.line())
        ),
        _ => e.to_string(),
    }
}

/// One data row, read by column name.
struct Row<'a> {
    record: &'a csv::StringRecord,
    columns: &'a HashMap<String, usize>,
    line: u64,
}

impl Row<'_> {
    /// The trimmed cell, `None` when the column is absent or the cell empty.
    fn get(&self, column: &str) -> Option<&str> {
        let i = *self.columns.get(column)?;
        Some(self.record.get(i)?.trim()).filter(|s| !s.is_empty())
    }

    /// The cell as written (reviews and notes keep their own whitespace).
    fn text(&self, column: &str) -> Option<String> {
        let i = *self.columns.get(column)?;
        let v = self.record.get(i)?;
        (!v.trim().is_empty()).then(|| v.to_string())
    }

    fn bad(&self, column: &str, why: impl std::fmt::Display) -> Error {
        Error::invalid(format!("line {}, column '{column}': {why}", self.line))
    }

    fn parsed<T>(&self, column: &str, f: impl Fn(&str) -> Result<T>) -> Result<Option<T>> {
        self.get(column)
            .map(|v| f(v).map_err(|e| self.bad(column, e)))
            .transpose()
    }

    fn number<T: std::str::FromStr>(&self, column: &str) -> Result<Option<T>> {
        self.parsed(column, |v| {
            v.parse::<T>()
                .map_err(|_| Error::invalid(format!("'{v}' is not a whole number")))
        })
    }

    fn yes_no(&self, column: &str) -> Result<bool> {
        Ok(self
            .parsed(column, |v| match v.to_ascii_lowercase().as_str() {
                "yes" | "true" | "1" | "y" => Ok(true),
                "no" | "false" | "0" | "n" => Ok(false),
                _ => Err(Error::invalid(format!("'{v}' is not yes or no"))),
            })?
            .unwrap_or(false))
    }

    /// `rating_100` is exact; `rating` is read in the row's `rating_scale`
    /// (10 when absent) for sheets where only the shown rating was kept.
    fn rating(&self) -> Result<Option<Rating>> {
        if let Some(r) = self.parsed("rating_100", |v| {
            let n: u8 = v.parse().map_err(|_| {
                Error::invalid(format!("'{v}' is not a whole number from 0 to 100"))
            })?;
            Rating::new(n)
        })? {
            return Ok(Some(r));
        }
        let scale = self
            .parsed("rating_scale", |v| v.parse::<RatingScale>())?
            .unwrap_or_default();
        self.parsed("rating", |v| Rating::parse_in(v, scale))
    }

    fn entry(&self) -> Result<IncomingEntry> {
        let name = self
            .get("title")
            .ok_or_else(|| self.bad("title", "every row needs a title"))?
            .to_string();
        let episodes = self.number::<u32>("episodes")?;
        let rewatches = self.number::<u32>("rewatches")?.unwrap_or(0);
        if rewatches > MAX_REWATCHES {
            return Err(self.bad(
                "rewatches",
                format!("{rewatches} is more rewatches than Watchlog accepts from a file (up to {MAX_REWATCHES})"),
            ));
        }
        let tags = self
            .get("tags")
            .map(|t| {
                t.split(';')
                    .map(str::trim)
                    .filter(|t| !t.is_empty())
                    .map(str::to_string)
                    .collect()
            })
            .unwrap_or_default();
        let title = TitleFacts {
            kind: self
                .parsed("kind", |v| v.parse::<Kind>())?
                .unwrap_or(Kind::Series),
            name,
            original_name: self.get("original_title").map(str::to_string),
            year: self.number::<i32>("year")?,
            country: self.get("country").map(str::to_string),
            episodes,
            external_ids: ExternalIds {
                imdb: self.get("imdb_id").map(str::to_string),
                tmdb: self.get("tmdb_id").map(str::to_string),
                tvmaze: self.get("tvmaze_id").map(str::to_string),
                ..Default::default()
            },
            ..Default::default()
        };
        let fields = EntryFields {
            status: self
                .parsed("status", |v| v.parse::<Status>())?
                .unwrap_or(Status::PlanToWatch),
            rating: self.rating()?,
            review: self.text("review"),
            review_spoiler: self.yes_no("review_spoiler")?,
            notes: self.text("notes"),
            platform: self.get("platform").map(str::to_string),
            progress: self.number::<u32>("progress")?.unwrap_or(0),
            favorite: self.yes_no("favourite")? || self.yes_no("favorite")?,
            tags,
            started_on: self.parsed("started", parse_date)?,
            finished_on: self.parsed("finished", parse_date)?,
            ..Default::default()
        };
        Ok(IncomingEntry {
            id: self.number::<i64>("id")?,
            title,
            fields,
            viewings: vec![ViewingDetails::default(); rewatches as usize],
            added_at: None,
            updated_at: None,
            episodes: None,
        })
    }
}
