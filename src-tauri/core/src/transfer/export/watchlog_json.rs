//! Watchlog JSON: the lossless, versioned export. Every title fact, every
//! user field, viewings, tags, catalogue ids, people and genres, in a stable
//! order (entries by id, platforms in the user's order), so exporting the
//! same library twice gives the same bytes apart from `exported_at`.
//! `docs/watchlog-export.schema.json` documents the shape; the reader is
//! `transfer::import::watchlog_json`.

use std::io::Write;

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};

use crate::error::Result;
use crate::model::{Entry, EntryFields, Platform, TitleFacts, ViewingDetails};
use crate::transfer::{write_error, Context, ExportFormat, ExportReport};

/// The `format` value that marks a Watchlog export.
pub const FORMAT: &str = "watchlog";

/// The version this build writes and the newest it reads. Bump it (and the
/// schema) when a change would make an older Watchlog misread a file.
pub const VERSION: u32 = 1;

/// The whole file.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct WatchlogFile {
    pub format: String,
    pub version: u32,
    pub exported_at: DateTime<Utc>,
    pub platforms: Vec<FilePlatform>,
    pub entries: Vec<FileEntry>,
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
}

impl From<&Entry> for FileEntry {
    fn from(e: &Entry) -> Self {
        FileEntry {
            id: e.id,
            title: e.title.facts.clone(),
            fields: e.fields.clone(),
            viewings: e.viewings.iter().map(|v| v.details.clone()).collect(),
            added_at: e.added_at,
            updated_at: e.updated_at,
        }
    }
}

pub(crate) fn write(
    ctx: &Context,
    platforms: &[Platform],
    out: &mut dyn Write,
    report: &mut ExportReport,
) -> Result<()> {
    let file = WatchlogFile {
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
        entries: ctx.entries.iter().map(FileEntry::from).collect(),
    };
    serde_json::to_writer_pretty(&mut *out, &file).map_err(|e| {
        write_error(
            ExportFormat::WatchlogJson,
            std::io::Error::other(e.to_string()),
        )
    })?;
    out.write_all(b"\n")
        .map_err(|e| write_error(ExportFormat::WatchlogJson, e))?;
    report.written = file.entries.len();
    Ok(())
}
