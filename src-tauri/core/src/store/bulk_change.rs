//! One change to many entries at once (a selection in the library): a
//! status, a platform, tags gained or lost, a list. Each entry goes through
//! the same patch path as a single edit, so every rule stays in one place;
//! the whole selection is one transaction and one undo step.

use rusqlite::{OptionalExtension, Transaction};

use super::entries::{patch_in, today};
use super::lists::put_entries_in;
use super::undo::Described;
use super::Library;
use crate::error::{Error, Result};
use crate::model::{BulkChange, BulkOutcome, BulkReport, EntryPatch, WatchedWhen};

impl Library {
    /// Applies `change` to every entry in `ids`, all or none: an unknown id
    /// or a change one entry cannot take (a platform name too long, a tag
    /// too long) changes nothing. The step takes the whole change back.
    pub fn bulk_change(&mut self, ids: &[i64], change: &BulkChange) -> Result<BulkOutcome> {
        // In the order given: a list takes them in the selection's order.
        let mut seen = std::collections::HashSet::new();
        let ids: Vec<i64> = ids.iter().copied().filter(|id| seen.insert(*id)).collect();
        if ids.is_empty() {
            return Err(Error::invalid("select at least one title to change"));
        }
        if change.is_empty() {
            return Err(Error::invalid(
                "choose what to change: a status, a platform, a tag or a list",
            ));
        }
        let today = today();
        let (report, undo) = self.record(
            |tx| {
                let mut report = BulkReport {
                    changed: 0,
                    unchanged: 0,
                    list: None,
                };
                let mut names = Vec::with_capacity(ids.len());
                for &id in &ids {
                    let before = stamp_of(tx, id)?;
                    patch_in(tx, id, today, Some(WatchedWhen::Unknown), |old, _| {
                        Ok(patch_for(change, &old.tags))
                    })?;
                    if stamp_of(tx, id)? != before {
                        report.changed += 1;
                    } else {
                        report.unchanged += 1;
                    }
                    names.push(name_of(tx, id)?);
                }
                if let Some(list) = change.list {
                    report.list = Some(put_entries_in(tx, list, &ids)?);
                }
                Ok((report, names))
            },
            |(_, names)| match names.as_slice() {
                [one] => Described {
                    label: format!("Changed \u{201c}{one}\u{201d}"),
                    subject: format!("\u{201c}{one}\u{201d}"),
                    entries: ids.clone(),
                },
                many => Described {
                    label: format!("Changed {} titles", many.len()),
                    subject: format!("One of the {} titles", many.len()),
                    entries: ids.clone(),
                },
            },
        )?;
        Ok(BulkOutcome {
            report: report.0,
            undo,
        })
    }
}

/// The patch one entry gets: the status and platform as given, its tags
/// with those added (unless it has them in any case) and those removed.
fn patch_for(change: &BulkChange, tags: &[String]) -> EntryPatch {
    let mut patch = EntryPatch {
        status: change.status,
        platform: change.platform.clone(),
        ..EntryPatch::default()
    };
    if !change.add_tags.is_empty() || !change.remove_tags.is_empty() {
        // Tags compare as the tags table does (NOCASE: ASCII case).
        let same = |a: &str, b: &str| a.trim().eq_ignore_ascii_case(b.trim());
        let mut next: Vec<String> = tags
            .iter()
            .filter(|t| !change.remove_tags.iter().any(|r| same(t, r)))
            .cloned()
            .collect();
        for tag in &change.add_tags {
            let tag = tag.trim();
            if !tag.is_empty() && !next.iter().any(|t| same(t, tag)) {
                next.push(tag.to_string());
            }
        }
        patch.tags = Some(next);
    }
    patch
}

/// When an entry last changed; an unknown id is the error for it.
fn stamp_of(tx: &Transaction, id: i64) -> Result<String> {
    tx.prepare_cached("SELECT updated_at FROM entries WHERE id = ?1")?
        .query_row([id], |r| r.get(0))
        .optional()?
        .ok_or(Error::NotFound { what: "entry", id })
}

fn name_of(tx: &Transaction, id: i64) -> Result<String> {
    Ok(tx
        .prepare_cached(
            "SELECT t.name FROM entries e JOIN titles t ON t.id = e.title_id WHERE e.id = ?1",
        )?
        .query_row([id], |r| r.get(0))?)
}
