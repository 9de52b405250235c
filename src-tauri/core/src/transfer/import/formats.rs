//! Which format an export is, and the dispatch to its reader: [`read`]
//! takes the export's files, a format (or `None` to detect it from the
//! content) and the reader options, and returns what the reader made of
//! them. Readers never call
//! back into this file; `Import::read` is the public door.

use super::input::{decode, unpack, SourceFile};
use super::{
    imdb, letterboxd, mdl, netflix, simkl, tmdb, trakt, tvtime, watchlog_csv, watchlog_json,
};
use crate::error::{Error, Result};
use crate::model::{ImportFormat, ParsedExport, ReadOptions};

/// Reads an export's files in `format`, or in the format detected from
/// their content when `format` is `None`. `folder` names the folder the
/// files were gathered from, if they were, for the messages.
pub(super) fn read(
    format: Option<ImportFormat>,
    files: Vec<SourceFile>,
    opts: &ReadOptions,
    folder: Option<&str>,
) -> Result<(ImportFormat, ParsedExport)> {
    // Zips among the files (or as the one file) are unpacked, guarded by
    // one budget for the whole import.
    let files = unpack(files)?;
    if files.is_empty() {
        return Err(Error::invalid(match folder {
            Some(name) => format!(
                "the folder {name} holds no files; choose an export (a .zip, .csv or .json file) or the folder it was unpacked into"
            ),
            None => "there are no files in this export".to_string(),
        }));
    }
    let format = match format {
        Some(f) => f,
        None => detect(&files, folder)?,
    };
    let parsed = match format {
        ImportFormat::WatchlogJson => ParsedExport {
            incoming: watchlog_json::parse(&single(&files, &["json"])?.bytes[..])?,
            ..Default::default()
        },
        ImportFormat::WatchlogCsv => ParsedExport {
            incoming: watchlog_csv::parse(&single(&files, &["csv"])?.bytes[..])?,
            ..Default::default()
        },
        ImportFormat::Letterboxd => letterboxd::read(&files)?,
        ImportFormat::Trakt => trakt::read(&files)?,
        ImportFormat::Imdb => imdb::read(&files)?,
        ImportFormat::Simkl => simkl::read(&files)?,
        ImportFormat::Mdl => mdl::read(&files)?,
        ImportFormat::Tmdb => tmdb::read(&files)?,
        ImportFormat::TvTime => tvtime::read(&files)?,
        ImportFormat::Netflix => netflix::read(&files, opts)?,
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
fn detect(files: &[SourceFile], folder: Option<&str>) -> Result<ImportFormat> {
    for f in files {
        if let Some(found) = detect_one(f) {
            return Ok(found);
        }
    }
    let formats = ImportFormat::ALL.map(ImportFormat::as_str).join(", ");
    if let Some(name) = folder {
        return Err(Error::invalid(format!(
            "none of the files in the folder {name} is an export Watchlog can read ({formats}); choose the export's own file or folder, or choose its format"
        )));
    }
    Err(Error::invalid(format!(
        "Watchlog cannot tell which service {} comes from; choose the format ({formats})",
        files
            .first()
            .map_or("this export".to_string(), |f| f.name.clone()),
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
    // TV Time's tables: TVDB show ids, its own tracking keys, or the old
    // seen-episode tables (TVDB episode ids beside TV Time's social columns).
    if has("tv_show_id")
        || has("type-uuid-n")
        || has("episode_season_number")
        || (has("s_id") && has("key"))
        || (has("episode_id") && (has("cpt") || has("fb_action_id")))
    {
        return Some(ImportFormat::TvTime);
    }
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
    let columns = first.split([',', '\t', ';']).count();
    if (has("profile name") && has("start time")) || (columns == 2 && has("title") && has("date")) {
        return Some(ImportFormat::Netflix);
    }
    if has("title") && (has("status") || has("rating_100")) {
        return Some(ImportFormat::WatchlogCsv);
    }
    None
}
