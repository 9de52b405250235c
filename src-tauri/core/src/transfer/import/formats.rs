//! Which format a file is, and one entry point that reads any of them:
//! [`read_path`] takes a file, a folder or a zip and a format (or `None` to
//! detect it from the content) and returns what to import, what the reader
//! had to leave out and why, and the merge policy that suits the format.

use std::fmt;
use std::path::Path;
use std::str::FromStr;

use serde::{Deserialize, Serialize};

use super::input::{decode, gather, SourceFile};
use super::{ImportAction, ImportItem, Incoming};
use crate::error::{Error, Result};

/// The formats Watchlog imports.
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum ImportFormat {
    WatchlogJson,
    WatchlogCsv,
    Letterboxd,
    Trakt,
    Imdb,
    Simkl,
    Mdl,
    Tmdb,
}

impl ImportFormat {
    pub const ALL: [ImportFormat; 8] = [
        ImportFormat::WatchlogJson,
        ImportFormat::WatchlogCsv,
        ImportFormat::Letterboxd,
        ImportFormat::Trakt,
        ImportFormat::Imdb,
        ImportFormat::Simkl,
        ImportFormat::Mdl,
        ImportFormat::Tmdb,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            ImportFormat::WatchlogJson => "watchlog-json",
            ImportFormat::WatchlogCsv => "watchlog-csv",
            ImportFormat::Letterboxd => "letterboxd",
            ImportFormat::Trakt => "trakt",
            ImportFormat::Imdb => "imdb",
            ImportFormat::Simkl => "simkl",
            ImportFormat::Mdl => "mdl",
            ImportFormat::Tmdb => "tmdb",
        }
    }

    /// Watchlog's own formats are lossless: a matched entry becomes what the
    /// file says. Other services' exports are partial and are merged.
    pub fn merges(self) -> bool {
        !matches!(self, ImportFormat::WatchlogJson | ImportFormat::WatchlogCsv)
    }
}

impl FromStr for ImportFormat {
    type Err = Error;
    fn from_str(s: &str) -> Result<Self> {
        let norm = s.trim().to_ascii_lowercase().replace('_', "-");
        let found = match norm.as_str() {
            "watchlog-json" | "watchlog" | "json" => Some(ImportFormat::WatchlogJson),
            "watchlog-csv" | "csv" => Some(ImportFormat::WatchlogCsv),
            "letterboxd" => Some(ImportFormat::Letterboxd),
            "trakt" => Some(ImportFormat::Trakt),
            "imdb" => Some(ImportFormat::Imdb),
            "simkl" => Some(ImportFormat::Simkl),
            "mdl" | "mydramalist" => Some(ImportFormat::Mdl),
            "tmdb" => Some(ImportFormat::Tmdb),
            _ => None,
        };
        found.ok_or_else(|| {
            Error::invalid(format!(
                "'{}' is not an import format (use one of: {}, or auto)",
                s.trim(),
                ImportFormat::ALL.map(ImportFormat::as_str).join(", ")
            ))
        })
    }
}

impl fmt::Display for ImportFormat {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// What a reader made of an export.
#[derive(Debug, Clone, Default)]
pub struct Parsed {
    pub incoming: Incoming,
    /// Lines left out, each with the reason (episodes, video games…).
    pub skipped: Vec<ImportItem>,
    /// What the reader noticed (a file read as Latin-1, ids not kept…).
    pub notes: Vec<String>,
}

impl Parsed {
    pub fn skip(&mut self, title: impl Into<String>, reason: impl Into<String>) {
        self.skipped.push(ImportItem {
            action: ImportAction::Skipped,
            entry_id: 0,
            title: title.into(),
            changes: Vec::new(),
            reason: Some(reason.into()),
        });
    }

    /// Decodes a file, noting a Latin-1 fallback.
    pub fn text(&mut self, f: &SourceFile) -> String {
        let d = decode(&f.bytes);
        if d.latin1 {
            self.notes.push(format!(
                "{} is not UTF-8; it was read as Latin-1 (Western European). Check accented titles in the preview",
                f.name
            ));
        }
        d.text
    }
}

/// Reads the export at `path` (a file, a folder or a zip) in `format`, or
/// in the format detected from its content when `format` is `None`.
pub fn read_path(format: Option<ImportFormat>, path: &Path) -> Result<(ImportFormat, Parsed)> {
    let files = gather(path)?;
    read_files(format, files)
}

/// [`read_path`] for files already in memory.
pub fn read_files(
    format: Option<ImportFormat>,
    files: Vec<SourceFile>,
) -> Result<(ImportFormat, Parsed)> {
    // A zip given among files (or as the one file) is unpacked, guarded.
    let mut files = files;
    if files.iter().any(|f| f.bytes.starts_with(b"PK\x03\x04")) {
        let mut out = Vec::new();
        for f in files {
            if f.bytes.starts_with(b"PK\x03\x04") {
                out.extend(super::input::unzip(&f.name, &f.bytes)?);
            } else {
                out.push(f);
            }
        }
        files = out;
    }
    if files.is_empty() {
        return Err(Error::invalid("there are no files in this export"));
    }
    let format = match format {
        Some(f) => f,
        None => detect(&files)?,
    };
    let parsed = match format {
        ImportFormat::WatchlogJson => Parsed {
            incoming: super::watchlog_json::parse(&single(&files, &["json"])?.bytes[..])?,
            ..Default::default()
        },
        ImportFormat::WatchlogCsv => Parsed {
            incoming: super::watchlog_csv::parse(&single(&files, &["csv"])?.bytes[..])?,
            ..Default::default()
        },
        ImportFormat::Letterboxd => super::letterboxd::read(&files)?,
        ImportFormat::Trakt => super::trakt::read(&files)?,
        ImportFormat::Imdb => super::imdb::read(&files)?,
        ImportFormat::Simkl => super::simkl::read(&files)?,
        ImportFormat::Mdl => super::mdl::read(&files)?,
        ImportFormat::Tmdb => super::tmdb::read(&files)?,
    };
    Ok((format, parsed))
}

fn single<'a>(files: &'a [SourceFile], ext: &[&str]) -> Result<&'a SourceFile> {
    if files.len() == 1 {
        return Ok(&files[0]);
    }
    files
        .iter()
        .find(|f| {
            ext.iter()
                .any(|e| f.base_name().ends_with(&format!(".{e}")))
        })
        .ok_or_else(|| Error::invalid("this export holds no file Watchlog can read in that format"))
}

/// Which format a set of files is, from their content (names only help).
pub fn detect(files: &[SourceFile]) -> Result<ImportFormat> {
    for f in files {
        if let Some(found) = detect_one(f) {
            return Ok(found);
        }
    }
    Err(Error::invalid(format!(
        "Watchlog cannot tell which service {} comes from; choose the format ({})",
        files
            .first()
            .map_or("this export".to_string(), |f| f.name.clone()),
        ImportFormat::ALL.map(ImportFormat::as_str).join(", ")
    )))
}

fn detect_one(f: &SourceFile) -> Option<ImportFormat> {
    let head = decode(&f.bytes[..f.bytes.len().min(64 * 1024)]).text;
    let trimmed = head.trim_start();
    let lower = trimmed.to_ascii_lowercase();
    let first = lower.lines().next().unwrap_or("");
    if trimmed.starts_with('{') || trimmed.starts_with('[') {
        let compact: String = lower.chars().filter(|c| !c.is_whitespace()).collect();
        if compact.contains("\"format\":\"watchlog\"") {
            return Some(ImportFormat::WatchlogJson);
        }
        if trimmed.starts_with('{')
            && (compact.contains("\"shows\":")
                || compact.contains("\"movies\":")
                || compact.contains("\"anime\":"))
        {
            return Some(ImportFormat::Simkl);
        }
        if trimmed.starts_with('[')
            && (compact.contains("\"movie\":")
                || compact.contains("\"show\":")
                || compact.contains("\"episode\":"))
        {
            return Some(ImportFormat::Trakt);
        }
        return None;
    }
    let has = |col: &str| {
        first
            .split([',', '\t', ';'])
            .any(|h| h.trim().trim_matches('"').trim() == col)
    };
    if first.starts_with("letterboxd list export") || has("letterboxd uri") {
        return Some(ImportFormat::Letterboxd);
    }
    if has("simkl_id") {
        return Some(ImportFormat::Simkl);
    }
    if has("tmdb id") {
        return Some(ImportFormat::Tmdb);
    }
    if has("const") && has("title type") {
        return Some(ImportFormat::Imdb);
    }
    if has("episodes watched") && has("title") {
        return Some(ImportFormat::Mdl);
    }
    if has("title") && (has("status") || has("rating_100")) {
        return Some(ImportFormat::WatchlogCsv);
    }
    None
}

/// The tabular files of an export (CSV, TSV, or text saved as such).
pub(crate) fn csv_files(files: &[SourceFile]) -> impl Iterator<Item = &SourceFile> {
    files.iter().filter(|f| {
        let n = f.base_name();
        n.ends_with(".csv") || n.ends_with(".tsv") || n.ends_with(".txt")
    })
}

/// Previews (`apply` false) or applies what a reader parsed: other
/// services' exports are merged under `prefer`, Watchlog's own replace;
/// applying takes the automatic backup first and records it for undo. The
/// report carries the reader's skipped lines and notes as well.
pub fn execute(
    lib: &mut crate::store::Library,
    format: ImportFormat,
    parsed: &Parsed,
    prefer: super::merge::Prefer,
    apply: bool,
    progress: Option<&(dyn Fn(usize, usize) + Sync)>,
    cancel: Option<&crate::progress::CancelToken>,
) -> Result<super::ImportReport> {
    let opts = super::RunOptions {
        merge: format.merges().then_some(prefer),
        progress,
        cancel,
        record_backup: None,
    };
    let mut report = if apply {
        super::undo::apply_with_backup(lib, &parsed.incoming, &opts)?
    } else {
        super::plan_with(lib, &parsed.incoming, &opts)?
    };
    report.format = Some(format.as_str().to_string());
    report.skipped += parsed.skipped.len();
    report.items.extend(parsed.skipped.iter().cloned());
    report.notes.extend(parsed.notes.iter().cloned());
    Ok(report)
}

/// Where a running import is, for a progress bar.
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct ImportProgress {
    pub done: u32,
    pub total: u32,
}
