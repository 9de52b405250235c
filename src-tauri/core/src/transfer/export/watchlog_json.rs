//! Watchlog JSON: the lossless, versioned export. Every title fact, every
//! user field, viewings, tags, catalogue ids, people and genres, in a stable
//! order (entries by id, platforms in the user's order), so exporting the
//! same library twice gives the same bytes apart from `exported_at`.
//! `docs/watchlog-export.schema.json` documents the shape; the reader is
//! `transfer::import::watchlog_json`.

use std::io::Write;

use chrono::{DateTime, NaiveDate, Utc};
use serde::{Deserialize, Serialize};

use super::EntrySink;
use crate::error::Result;
use crate::model::{
    Entry, EntryFields, EpisodeRef, IncomingEpisode, IncomingWatch, ListMember, ListSummary,
    LooseWatch, Platform, TitleFacts, ViewingDetails, WatchedWhen,
};
use crate::rating::Rating;
use crate::transfer::{write_error, Context, ExportFormat, ExportReport};

/// The `format` value that marks a Watchlog export.
pub const FORMAT: &str = "watchlog";

/// The version this build writes and the newest it reads. Bump it (and the
/// schema) when a change would make an older Watchlog misread a file.
/// Version 2 added each entry's episode history, which version 1 would
/// have dropped without a word; version 3 the watches known by a
/// catalogue episode id alone (`loose_watches`), which version 2 would;
/// version 4 the user's lists (`lists`), which version 3 would.
pub const VERSION: u32 = 4;

/// The whole file.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct WatchlogFile {
    pub format: String,
    pub version: u32,
    pub exported_at: DateTime<Utc>,
    pub platforms: Vec<FilePlatform>,
    /// Watched episodes known only by a catalogue's episode id, with no
    /// show beside them yet (TV Time's oldest exports): kept so they wait
    /// for a match in the library the file goes into. Absent when none.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub loose_watches: Vec<FileLooseWatch>,
    /// The user's lists, by name; their items name entries by id. Absent
    /// when there are none.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub lists: Vec<FileList>,
    /// Last, so the entries can be written one at a time after the rest.
    pub entries: Vec<FileEntry>,
}

/// One watched episode known by a catalogue's episode id alone.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct FileLooseWatch {
    /// The catalogue (`tvdb`).
    pub provider: String,
    pub external_id: String,
    /// 0 the first time through, N the Nth rewatch.
    #[serde(default, skip_serializing_if = "is_zero")]
    pub rewatch: u32,
    pub watched_on: Option<NaiveDate>,
    pub watched_at: Option<DateTime<Utc>>,
}

fn is_zero(n: &u32) -> bool {
    *n == 0
}

impl From<&LooseWatch> for FileLooseWatch {
    fn from(w: &LooseWatch) -> Self {
        let (watched_on, watched_at) = w.when.to_stored(w.day);
        FileLooseWatch {
            provider: w.provider.clone(),
            external_id: w.id.clone(),
            rewatch: w.rewatch,
            watched_on,
            watched_at,
        }
    }
}

impl From<FileLooseWatch> for LooseWatch {
    fn from(w: FileLooseWatch) -> Self {
        LooseWatch {
            provider: w.provider,
            id: w.external_id,
            rewatch: w.rewatch,
            when: WatchedWhen::from_stored(w.watched_at, w.watched_on),
            day: w.watched_on,
        }
    }
}

/// One list with its items in order.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct FileList {
    pub name: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub description: Option<String>,
    #[serde(default)]
    pub ranked: bool,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
    pub items: Vec<FileListItem>,
}

/// One entry on a list, by the entry's `id` in this file.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct FileListItem {
    pub entry_id: i64,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub note: Option<String>,
    pub added_at: DateTime<Utc>,
}

impl FileList {
    pub(crate) fn new(list: &ListSummary, members: &[ListMember]) -> Self {
        FileList {
            name: list.name.clone(),
            description: list.description.clone(),
            ranked: list.ranked,
            created_at: list.created_at,
            updated_at: list.updated_at,
            items: members
                .iter()
                .map(|m| FileListItem {
                    entry_id: m.entry_id,
                    note: m.note.clone(),
                    added_at: m.added_at,
                })
                .collect(),
        }
    }
}

/// A platform, in the user's order.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct FilePlatform {
    pub name: String,
    pub subscribed: bool,
}

/// One entry: the title's facts, the user's fields (flattened beside
/// them), the rewatches, and when it was added and last changed.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct FileEntry {
    /// The entry's id in the library it came from; kept on import when free.
    pub id: i64,
    pub title: TitleFacts,
    #[serde(flatten)]
    pub fields: EntryFields,
    /// Viewings after the first, oldest first.
    pub viewings: Vec<ViewingDetails>,
    pub added_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
    /// Every episode watched, rewatches' too (absent in version 1 files:
    /// then an import keeps the library's history as it is).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub episodes: Option<Vec<FileWatch>>,
}

/// One watched episode: by season and number, or (until the title's
/// episode list can tell its number) by the name or catalogue id the file
/// it was imported from gave.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct FileWatch {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub season: Option<u32>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub number: Option<u32>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub name: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub provider: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub external_id: Option<String>,
    /// The viewer's calendar day; absent when not known.
    pub watched_on: Option<NaiveDate>,
    /// The instant, when known.
    pub watched_at: Option<DateTime<Utc>>,
    /// The rewatch it belongs to (its place in `viewings`, from 0); absent
    /// for the current viewing.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub viewing: Option<usize>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub rating: Option<Rating>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub note: Option<String>,
}

impl From<&IncomingWatch> for FileWatch {
    fn from(w: &IncomingWatch) -> Self {
        let (season, number, name, provider, external_id) = match &w.episode {
            IncomingEpisode::Numbered(ep) => (Some(ep.season), Some(ep.number), None, None, None),
            IncomingEpisode::Named { season, name } => {
                (*season, None, Some(name.clone()), None, None)
            }
            IncomingEpisode::Catalog { provider, id } => {
                (None, None, None, Some(provider.clone()), Some(id.clone()))
            }
        };
        let (watched_on, watched_at) = w.when.to_stored(w.day);
        FileWatch {
            season,
            number,
            name,
            provider,
            external_id,
            watched_on,
            watched_at,
            viewing: w.viewing,
            rating: w.rating,
            note: w.note.clone(),
        }
    }
}

impl TryFrom<FileWatch> for IncomingWatch {
    type Error = crate::error::Error;
    fn try_from(w: FileWatch) -> Result<Self> {
        let episode = match (w.number, w.name, w.provider, w.external_id) {
            (Some(number), _, _, _) => {
                IncomingEpisode::Numbered(EpisodeRef::new(w.season.unwrap_or(1), number)?)
            }
            (None, Some(name), _, _) => IncomingEpisode::Named {
                season: w.season,
                name,
            },
            (None, None, Some(provider), Some(id)) => IncomingEpisode::Catalog { provider, id },
            _ => {
                return Err(crate::error::Error::invalid(
                    "an episode watch has neither a number, a name nor a catalogue id",
                ))
            }
        };
        Ok(IncomingWatch {
            episode,
            when: WatchedWhen::from_stored(w.watched_at, w.watched_on),
            day: w.watched_on,
            viewing: w.viewing,
            rating: w.rating,
            note: w.note,
        })
    }
}

impl FileEntry {
    /// The entry with its episode history.
    fn new(e: &Entry, history: &[IncomingWatch]) -> Self {
        FileEntry {
            id: e.id,
            title: e.title.facts.clone(),
            fields: e.fields.clone(),
            viewings: e.viewings.iter().map(|v| v.details.clone()).collect(),
            added_at: e.added_at,
            updated_at: e.updated_at,
            episodes: Some(history.iter().map(FileWatch::from).collect()),
        }
    }
}

/// The file being written: everything before the entries first, then each
/// entry as it is read, so the file is never whole in memory. The bytes
/// are exactly those of `serde_json::to_writer_pretty` of the whole
/// [`WatchlogFile`], which is what the reader reads back.
pub(crate) struct Sink<'a> {
    out: &'a mut dyn Write,
    written: usize,
    /// One entry's JSON; kept between entries so its memory is reused.
    json: Vec<u8>,
}

fn fail(e: impl std::fmt::Display) -> crate::error::Error {
    write_error(
        ExportFormat::WatchlogJson,
        std::io::Error::other(e.to_string()),
    )
}

/// Where the whole file without entries ends: its last key is `entries`,
/// and the entries are written between these brackets.
const NO_ENTRIES_END: &[u8] = b"[]\n}";

/// An item of `entries` is two levels in.
const ITEM_LEVEL: usize = 2;

/// `serde_json`'s pretty formatter (two spaces a level), starting
/// `level` levels in: one entry written with it is byte for byte that
/// entry inside the whole file written with the pretty formatter.
struct Nested {
    level: usize,
    has_value: bool,
}

impl Nested {
    fn indent(&self, w: &mut (impl ?Sized + Write)) -> std::io::Result<()> {
        for _ in 0..self.level {
            w.write_all(b"  ")?;
        }
        Ok(())
    }

    fn open<W: ?Sized + Write>(&mut self, w: &mut W, bracket: &[u8]) -> std::io::Result<()> {
        self.level += 1;
        self.has_value = false;
        w.write_all(bracket)
    }

    /// Closes a bracket on a line of its own when anything was inside it,
    /// right after the opening one (`[]`) when nothing was, as
    /// serde_json's pretty printer does.
    fn close<W: ?Sized + Write>(&mut self, w: &mut W, bracket: &[u8]) -> std::io::Result<()> {
        self.level -= 1;
        if self.has_value {
            w.write_all(b"\n")?;
            self.indent(w)?;
        }
        w.write_all(bracket)
    }
}

impl serde_json::ser::Formatter for Nested {
    fn begin_array<W: ?Sized + Write>(&mut self, w: &mut W) -> std::io::Result<()> {
        self.open(w, b"[")
    }
    fn end_array<W: ?Sized + Write>(&mut self, w: &mut W) -> std::io::Result<()> {
        self.close(w, b"]")
    }
    fn begin_array_value<W: ?Sized + Write>(
        &mut self,
        w: &mut W,
        first: bool,
    ) -> std::io::Result<()> {
        w.write_all(if first { b"\n" } else { b",\n" })?;
        self.indent(w)
    }
    fn end_array_value<W: ?Sized + Write>(&mut self, _: &mut W) -> std::io::Result<()> {
        self.has_value = true;
        Ok(())
    }
    fn begin_object<W: ?Sized + Write>(&mut self, w: &mut W) -> std::io::Result<()> {
        self.open(w, b"{")
    }
    fn end_object<W: ?Sized + Write>(&mut self, w: &mut W) -> std::io::Result<()> {
        self.close(w, b"}")
    }
    fn begin_object_key<W: ?Sized + Write>(
        &mut self,
        w: &mut W,
        first: bool,
    ) -> std::io::Result<()> {
        w.write_all(if first { b"\n" } else { b",\n" })?;
        self.indent(w)
    }
    fn begin_object_value<W: ?Sized + Write>(&mut self, w: &mut W) -> std::io::Result<()> {
        w.write_all(b": ")
    }
    fn end_object_value<W: ?Sized + Write>(&mut self, _: &mut W) -> std::io::Result<()> {
        self.has_value = true;
        Ok(())
    }
}

pub(crate) fn start<'a>(
    ctx: &Context,
    platforms: &[Platform],
    loose: &[LooseWatch],
    lists: Vec<FileList>,
    out: &'a mut dyn Write,
) -> Result<Sink<'a>> {
    let empty = WatchlogFile {
        format: FORMAT.into(),
        version: VERSION,
        exported_at: ctx.exported_at,
        platforms: platforms
            .iter()
            .map(|p| FilePlatform {
                name: p.name.clone(),
                subscribed: p.subscribed,
            })
            .collect(),
        loose_watches: loose.iter().map(FileLooseWatch::from).collect(),
        lists,
        entries: Vec::new(),
    };
    let head = serde_json::to_vec_pretty(&empty).map_err(fail)?;
    let head = head
        .strip_suffix(NO_ENTRIES_END)
        .ok_or_else(|| fail("the file's entries are not its last key"))?;
    out.write_all(head)
        .and_then(|()| out.write_all(b"["))
        .map_err(|e| write_error(ExportFormat::WatchlogJson, e))?;
    Ok(Sink {
        out,
        written: 0,
        json: Vec::new(),
    })
}

impl EntrySink for Sink<'_> {
    fn entry(
        &mut self,
        e: &Entry,
        history: &[IncomingWatch],
        report: &mut ExportReport,
    ) -> Result<()> {
        self.json.clear();
        // What the whole file's formatter writes before an item, then the
        // item at its depth.
        let sep: &[u8] = if self.written == 0 {
            b"\n    "
        } else {
            b",\n    "
        };
        self.json.extend_from_slice(sep);
        let mut ser = serde_json::Serializer::with_formatter(
            &mut self.json,
            Nested {
                level: ITEM_LEVEL,
                has_value: false,
            },
        );
        FileEntry::new(e, history)
            .serialize(&mut ser)
            .map_err(fail)?;
        self.out
            .write_all(&self.json)
            .map_err(|e| write_error(ExportFormat::WatchlogJson, e))?;
        self.written += 1;
        report.written += 1;
        Ok(())
    }

    fn finish(self: Box<Self>, _: &mut ExportReport) -> Result<()> {
        let end: &[u8] = if self.written == 0 {
            b"]\n}\n"
        } else {
            b"\n  ]\n}\n"
        };
        self.out
            .write_all(end)
            .map_err(|e| write_error(ExportFormat::WatchlogJson, e))
    }
}
