//! Reads a Watchlog JSON export (see `transfer::export::watchlog_json` and
//! `docs/watchlog-export.schema.json`) into [`Incoming`].

use std::io::Read;

use serde::Deserialize;

use crate::error::{Error, Result};
use crate::model::{
    Incoming, IncomingEntry, IncomingList, IncomingListItem, IncomingPlatform, IncomingWatch,
};
use crate::transfer::export::watchlog_json::{WatchlogFile, FORMAT, VERSION};

/// Largest file read: far beyond any real library (a 10 000-entry export
/// with long reviews is a few tens of MiB), small enough that a wrong file
/// picked by mistake is refused rather than read into memory.
const MAX_BYTES: u64 = 512 << 20;

/// Parses a Watchlog JSON export. The library is not touched; hand the
/// result to [`super::Import::new`].
pub fn parse(mut reader: impl Read) -> Result<Incoming> {
    let mut text = String::new();
    (&mut reader)
        .take(MAX_BYTES + 1)
        .read_to_string(&mut text)
        .map_err(|e| match e.kind() {
            std::io::ErrorKind::InvalidData => {
                Error::invalid("this is not a Watchlog export: it is not UTF-8 text")
            }
            _ => Error::io("could not read the Watchlog export", e),
        })?;
    if text.len() as u64 > MAX_BYTES {
        return Err(Error::invalid(format!(
            "this file is larger than {} MiB; it is not a Watchlog export",
            MAX_BYTES >> 20
        )));
    }
    parse_str(&text)
}

/// [`parse`] for text already in memory.
pub fn parse_str(text: &str) -> Result<Incoming> {
    // Look at the envelope first, so a newer or foreign file gets a message
    // about that rather than about the first field this version lacks.
    #[derive(Deserialize)]
    struct Envelope {
        format: Option<serde_json::Value>,
        version: Option<serde_json::Value>,
    }
    let env: Envelope = serde_json::from_str(text)
        .map_err(|e| Error::invalid(format!("this is not a Watchlog export: {e}")))?;
    match env.format.as_ref().and_then(|f| f.as_str()) {
        Some(FORMAT) => {}
        Some(other) => {
            return Err(Error::invalid(format!(
                "this is not a Watchlog export (its format is '{other}')"
            )))
        }
        None => {
            return Err(Error::invalid(
                "this is not a Watchlog export (it has no \"format\": \"watchlog\")",
            ))
        }
    }
    match env.version.as_ref().and_then(|v| v.as_u64()) {
        Some(v) if v >= 1 && v <= u64::from(VERSION) => {}
        Some(v) if v > u64::from(VERSION) => {
            return Err(Error::invalid(format!(
                "this export was written by a newer Watchlog (export version {v}; this version reads up to {VERSION}); update Watchlog to import it"
            )))
        }
        _ => {
            return Err(Error::invalid(
                "this Watchlog export has no valid \"version\" (a whole number from 1)",
            ))
        }
    }
    let file: WatchlogFile = serde_json::from_str(text)
        .map_err(|e| Error::invalid(format!("this Watchlog export is damaged: {e}")))?;
    let index: std::collections::HashMap<i64, usize> = file
        .entries
        .iter()
        .enumerate()
        .map(|(i, e)| (e.id, i))
        .collect();
    let lists = file
        .lists
        .into_iter()
        .map(|l| IncomingList {
            name: l.name,
            description: l.description,
            ranked: l.ranked,
            created_at: Some(l.created_at),
            updated_at: Some(l.updated_at),
            items: l
                .items
                .into_iter()
                .map(|it| IncomingListItem {
                    entry: index.get(&it.entry_id).copied(),
                    title: match index.get(&it.entry_id) {
                        Some(&i) => file.entries[i].title.name.clone(),
                        None => format!("entry {} (not in this file)", it.entry_id),
                    },
                    note: it.note,
                    added_at: Some(it.added_at),
                })
                .collect(),
        })
        .collect();
    let entries = file
        .entries
        .into_iter()
        .map(|e| {
            let episodes = e
                .episodes
                .map(|w| w.into_iter().map(IncomingWatch::try_from).collect())
                .transpose()
                .map_err(|err| {
                    Error::invalid(format!(
                        "entry {} ('{}') of this Watchlog export: {err}",
                        e.id, e.title.name
                    ))
                })?;
            Ok(IncomingEntry {
                id: Some(e.id),
                title: e.title,
                fields: e.fields,
                viewings: e.viewings,
                added_at: Some(e.added_at),
                updated_at: Some(e.updated_at),
                episodes,
            })
        })
        .collect::<Result<_>>()?;
    Ok(Incoming {
        platforms: file
            .platforms
            .into_iter()
            .map(|p| IncomingPlatform {
                name: p.name,
                subscribed: p.subscribed,
            })
            .collect(),
        entries,
        loose: file.loose_watches.into_iter().map(Into::into).collect(),
        lists,
    })
}
