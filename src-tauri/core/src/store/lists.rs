//! The user's lists: making, renaming and deleting them, putting entries on
//! them, taking them off and ordering them; and what an import brings in.
//!
//! An item's `position` orders its list. Every write rewrites the list's
//! positions as 1..n in its new order (lists are made by hand, so they are
//! short), and reading numbers the items in stored order, so the gap a
//! deleted entry leaves behind (the cascade removes its items) never
//! shows.

use std::collections::{HashMap, HashSet};

use chrono::{DateTime, Utc};
use rusqlite::{params, Connection, OptionalExtension, Transaction};

use super::entries::instant_at;
use super::query::summaries_by_id;
use super::Library;
use crate::error::{Error, Result};
use crate::model::{
    ImportReport, IncomingList, ListDetail, ListItem, ListMember, ListPatch, ListPut, ListSummary,
    NewList, MAX_LIST_NAME_CHARS, MAX_LIST_TEXT_CHARS,
};
use crate::text;

const SUMMARY: &str = "SELECT l.id, l.name, l.description, l.ranked,
        (SELECT count(*) FROM list_items i WHERE i.list_id = l.id), l.created_at, l.updated_at
     FROM lists l";

fn summary_at(r: &rusqlite::Row) -> rusqlite::Result<ListSummary> {
    Ok(ListSummary {
        id: r.get(0)?,
        name: r.get(1)?,
        description: r.get(2)?,
        ranked: r.get(3)?,
        items: r.get(4)?,
        created_at: instant_at(r, 5)?,
        updated_at: instant_at(r, 6)?,
    })
}

/// One stored item, in list order.
#[derive(Debug, Clone, PartialEq)]
struct Stored {
    entry_id: i64,
    note: Option<String>,
    added_at: DateTime<Utc>,
}

fn items_of(conn: &Connection, list: i64) -> Result<Vec<Stored>> {
    let mut stmt = conn.prepare_cached(
        "SELECT entry_id, note, added_at FROM list_items WHERE list_id = ?1
         ORDER BY position, entry_id",
    )?;
    let rows = stmt.query_map([list], |r| {
        Ok(Stored {
            entry_id: r.get(0)?,
            note: r.get(1)?,
            added_at: instant_at(r, 2)?,
        })
    })?;
    Ok(rows.collect::<rusqlite::Result<_>>()?)
}

fn summary_of(conn: &Connection, id: i64) -> Result<ListSummary> {
    conn.prepare_cached(&format!("{SUMMARY} WHERE l.id = ?1"))?
        .query_row([id], summary_at)
        .optional()?
        .ok_or(Error::NotFound { what: "list", id })
}

/// A list's name as it is stored: trimmed, not empty, not too long, one line.
fn list_name(name: &str) -> Result<String> {
    let name = name.trim();
    if name.is_empty() {
        return Err(Error::invalid_field("name", "a list needs a name"));
    }
    if name.chars().count() > MAX_LIST_NAME_CHARS {
        return Err(Error::invalid_field(
            "name",
            format!("a list's name can be at most {MAX_LIST_NAME_CHARS} characters"),
        ));
    }
    if name.chars().any(char::is_control) {
        return Err(Error::invalid_field(
            "name",
            "a list's name must be one line, without control characters",
        ));
    }
    Ok(name.to_string())
}

/// A description or note as stored: `None` when blank.
fn list_text(field: &'static str, text: Option<&str>) -> Result<Option<String>> {
    let Some(t) = text.filter(|t| !t.trim().is_empty()) else {
        return Ok(None);
    };
    if t.chars().count() > MAX_LIST_TEXT_CHARS {
        return Err(Error::invalid_field(
            field,
            format!("a list's {field} can be at most {MAX_LIST_TEXT_CHARS} characters"),
        ));
    }
    // Files from Windows (and Letterboxd's, inside quoted fields) end
    // lines with CR LF; the list keeps one kind.
    Ok(Some(t.trim_end().replace("\r\n", "\n")))
}

/// The id of the list with this name (any case, accents folded alike).
fn id_by_name(conn: &Connection, name: &str) -> Result<Option<i64>> {
    Ok(conn
        .prepare_cached("SELECT id FROM lists WHERE name_key = ?1")?
        .query_row([text::fold(name.trim())], |r| r.get(0))
        .optional()?)
}

fn taken(name: &str) -> Error {
    Error::Conflict(format!("there is already a list called '{name}'"))
}

/// Writes `order` as the list's items, positions 1..n; items not in it
/// leave the list. Only rows whose place or note changed are written.
fn write_items(tx: &Transaction, list: i64, order: &[Stored]) -> Result<()> {
    let before: HashMap<i64, (usize, Stored)> = items_of(tx, list)?
        .into_iter()
        .enumerate()
        .map(|(i, s)| (s.entry_id, (i, s)))
        .collect();
    let keep: HashSet<i64> = order.iter().map(|s| s.entry_id).collect();
    let mut gone =
        tx.prepare_cached("DELETE FROM list_items WHERE list_id = ?1 AND entry_id = ?2")?;
    for id in before.keys().filter(|id| !keep.contains(id)) {
        gone.execute(params![list, id])?;
    }
    let mut put = tx.prepare_cached(
        "INSERT INTO list_items (list_id, entry_id, position, note, added_at)
         VALUES (?1, ?2, ?3, ?4, ?5)
         ON CONFLICT (list_id, entry_id) DO UPDATE
         SET position = excluded.position, note = excluded.note",
    )?;
    for (i, s) in order.iter().enumerate() {
        if before
            .get(&s.entry_id)
            .is_some_and(|(was, old)| *was == i && old.note == s.note)
        {
            continue;
        }
        put.execute(params![list, s.entry_id, i as i64 + 1, s.note, s.added_at])?;
    }
    Ok(())
}

/// A new list row; `moments` are its creation and last change.
fn insert_list(
    tx: &Transaction,
    name: &str,
    description: Option<&str>,
    ranked: bool,
    moments: (DateTime<Utc>, DateTime<Utc>),
) -> Result<i64> {
    tx.execute(
        "INSERT INTO lists (name, name_key, description, ranked, created_at, updated_at)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6)",
        params![
            name,
            text::fold(name),
            description,
            ranked,
            moments.0,
            moments.1
        ],
    )?;
    Ok(tx.last_insert_rowid())
}

fn touch(tx: &Transaction, list: i64, now: DateTime<Utc>) -> Result<()> {
    tx.execute(
        "UPDATE lists SET updated_at = ?2 WHERE id = ?1",
        params![list, now],
    )?;
    Ok(())
}

fn entry_exists(conn: &Connection, id: i64) -> Result<()> {
    let found = conn
        .prepare_cached("SELECT 1 FROM entries WHERE id = ?1")?
        .exists([id])?;
    if found {
        Ok(())
    } else {
        Err(Error::NotFound { what: "entry", id })
    }
}

/// `put_entries_on_list` inside `tx`, which a bulk change shares.
pub(super) fn put_entries_in(tx: &Transaction, list: i64, entries: &[i64]) -> Result<ListPut> {
    summary_of(tx, list)?;
    let mut items = items_of(tx, list)?;
    let mut on: HashSet<i64> = items.iter().map(|s| s.entry_id).collect();
    let now = Utc::now();
    let (mut added, mut already) = (0, 0);
    for &entry in entries {
        entry_exists(tx, entry)?;
        if on.insert(entry) {
            items.push(Stored {
                entry_id: entry,
                note: None,
                added_at: now,
            });
            added += 1;
        } else {
            already += 1;
        }
    }
    if added > 0 {
        write_items(tx, list, &items)?;
        touch(tx, list, now)?;
    }
    Ok(ListPut {
        added,
        already,
        list: summary_of(tx, list)?,
    })
}

/// The error for a position outside 1..=`max` on `name`.
fn out_of_range(position: u32, name: &str, len: usize, max: usize) -> Error {
    let holds = match len {
        0 => "is empty".to_string(),
        1 => "holds 1 entry".to_string(),
        n => format!("holds {n} entries"),
    };
    Error::invalid_field(
        "position",
        format!("position {position} is out of range: '{name}' {holds}, so it can be 1 to {max}"),
    )
}

impl Library {
    /// Every list, by name.
    pub fn lists(&self) -> Result<Vec<ListSummary>> {
        let mut stmt = self
            .conn
            .prepare_cached(&format!("{SUMMARY} ORDER BY l.name_key, l.id"))?;
        let rows = stmt.query_map([], summary_at)?;
        Ok(rows.collect::<rusqlite::Result<_>>()?)
    }

    /// The lists `entry` is on, by name.
    pub fn lists_of_entry(&self, entry: i64) -> Result<Vec<ListSummary>> {
        entry_exists(&self.conn, entry)?;
        let mut stmt = self.conn.prepare_cached(&format!(
            "{SUMMARY} WHERE l.id IN (SELECT list_id FROM list_items WHERE entry_id = ?1)
             ORDER BY l.name_key, l.id"
        ))?;
        let rows = stmt.query_map([entry], summary_at)?;
        Ok(rows.collect::<rusqlite::Result<_>>()?)
    }

    /// One list, without its items.
    pub fn list_summary(&self, id: i64) -> Result<ListSummary> {
        summary_of(&self.conn, id)
    }

    /// A list by its id or its name (any case): what a person types.
    pub fn find_list(&self, reference: &str) -> Result<ListSummary> {
        let reference = reference.trim();
        if let Some(id) = id_by_name(&self.conn, reference)? {
            return summary_of(&self.conn, id);
        }
        match reference.parse::<i64>() {
            Ok(id) => summary_of(&self.conn, id),
            Err(_) => Err(Error::invalid(format!(
                "there is no list called '{reference}' (`watchlog lists` shows them)"
            ))),
        }
    }

    /// A list with its items in order, each with its entry's listing row.
    pub fn list_detail(&self, id: i64) -> Result<ListDetail> {
        let list = summary_of(&self.conn, id)?;
        let stored = items_of(&self.conn, id)?;
        let ids: Vec<i64> = stored.iter().map(|s| s.entry_id).collect();
        let mut rows = summaries_by_id(&self.conn, &ids)?;
        let items = stored
            .into_iter()
            .filter_map(|s| {
                let entry = rows.remove(&s.entry_id)?;
                Some((s, entry))
            })
            .enumerate()
            .map(|(i, (s, entry))| ListItem {
                position: i as u32 + 1,
                note: s.note,
                added_at: s.added_at,
                entry,
            })
            .collect();
        Ok(ListDetail {
            description_html: list.description.as_deref().map(crate::markdown::render),
            list,
            items,
        })
    }

    /// The entries of a list by id, in order (for exports, which read
    /// entries in their own order and place them by this).
    pub fn list_members(&self, id: i64) -> Result<Vec<ListMember>> {
        summary_of(&self.conn, id)?;
        Ok(items_of(&self.conn, id)?
            .into_iter()
            .map(|s| ListMember {
                entry_id: s.entry_id,
                note: s.note,
                added_at: s.added_at,
            })
            .collect())
    }

    /// Makes an empty list.
    pub fn create_list(&mut self, new: &NewList) -> Result<ListSummary> {
        let name = list_name(&new.name)?;
        let description = list_text("description", new.description.as_deref())?;
        let tx = self.write()?;
        if id_by_name(&tx, &name)?.is_some() {
            return Err(taken(&name));
        }
        let now = Utc::now();
        let id = insert_list(
            &tx,
            &name,
            description.as_deref(),
            new.ranked.unwrap_or(false),
            (now, now),
        )?;
        let list = summary_of(&tx, id)?;
        tx.commit()?;
        Ok(list)
    }

    /// Renames a list, changes its description or whether it is ranked.
    pub fn update_list(&mut self, id: i64, patch: &ListPatch) -> Result<ListSummary> {
        let tx = self.write()?;
        let before = summary_of(&tx, id)?;
        let name = match &patch.name {
            Some(n) => list_name(n)?,
            None => before.name.clone(),
        };
        if id_by_name(&tx, &name)?.is_some_and(|other| other != id) {
            return Err(taken(&name));
        }
        let description = match &patch.description {
            Some(d) => list_text("description", d.as_deref())?,
            None => before.description.clone(),
        };
        let ranked = patch.ranked.unwrap_or(before.ranked);
        if name != before.name || description != before.description || ranked != before.ranked {
            tx.execute(
                "UPDATE lists SET name = ?2, name_key = ?3, description = ?4, ranked = ?5,
                        updated_at = ?6 WHERE id = ?1",
                params![id, name, text::fold(&name), description, ranked, Utc::now()],
            )?;
        }
        let list = summary_of(&tx, id)?;
        tx.commit()?;
        Ok(list)
    }

    /// Deletes a list; its entries stay in the library.
    pub fn delete_list(&mut self, id: i64) -> Result<()> {
        let tx = self.write()?;
        let n = tx.execute("DELETE FROM lists WHERE id = ?1", [id])?;
        tx.commit()?;
        if n == 0 {
            return Err(Error::NotFound { what: "list", id });
        }
        Ok(())
    }

    /// Puts an entry on a list: at `position` (1 is the top; `None`: the
    /// end), with `note`. An entry already on the list is refused unless a
    /// position or note is given, which then move it or change its note.
    pub fn put_on_list(
        &mut self,
        list: i64,
        entry: i64,
        note: Option<Option<String>>,
        position: Option<u32>,
    ) -> Result<ListDetail> {
        let tx = self.write()?;
        let summary = summary_of(&tx, list)?;
        entry_exists(&tx, entry)?;
        let note = note.map(|n| list_text("note", n.as_deref())).transpose()?;
        let mut items = items_of(&tx, list)?;
        let now = Utc::now();
        let at = items.iter().position(|s| s.entry_id == entry);
        let item = match at {
            Some(i) => {
                if note.is_none() && position.is_none() {
                    return Err(Error::Conflict(format!(
                        "entry {entry} is already on '{}' (at {}); give it a position to move it, or a note",
                        summary.name,
                        i + 1
                    )));
                }
                let mut s = items.remove(i);
                if let Some(n) = note {
                    s.note = n;
                }
                s
            }
            None => Stored {
                entry_id: entry,
                note: note.flatten(),
                added_at: now,
            },
        };
        let max = items.len() + 1;
        let to = match position {
            None => at.unwrap_or(items.len()),
            Some(p) if p >= 1 && (p as usize) <= max => p as usize - 1,
            Some(p) => {
                let len = items.len() + usize::from(at.is_some());
                return Err(out_of_range(p, &summary.name, len, max));
            }
        };
        items.insert(to, item);
        write_items(&tx, list, &items)?;
        touch(&tx, list, now)?;
        tx.commit()?;
        self.list_detail(list)
    }

    /// Puts several entries at the end of a list, in the order given (a
    /// multi-selection in the library); those already on it stay where
    /// they are. All or none: an unknown entry changes nothing.
    pub fn put_entries_on_list(&mut self, list: i64, entries: &[i64]) -> Result<ListPut> {
        let tx = self.write()?;
        let put = put_entries_in(&tx, list, entries)?;
        tx.commit()?;
        Ok(put)
    }

    /// Takes an entry off a list; the entry stays in the library.
    pub fn take_from_list(&mut self, list: i64, entry: i64) -> Result<ListDetail> {
        let tx = self.write()?;
        let summary = summary_of(&tx, list)?;
        let mut items = items_of(&tx, list)?;
        let Some(i) = items.iter().position(|s| s.entry_id == entry) else {
            entry_exists(&tx, entry)?;
            return Err(Error::invalid(format!(
                "entry {entry} is not on '{}'",
                summary.name
            )));
        };
        items.remove(i);
        write_items(&tx, list, &items)?;
        touch(&tx, list, Utc::now())?;
        tx.commit()?;
        self.list_detail(list)
    }

    /// Puts the list's items in `order`, which must name each of them once
    /// (a drag in the app sends the whole new order).
    pub fn reorder_list(&mut self, list: i64, order: &[i64]) -> Result<ListDetail> {
        let tx = self.write()?;
        let summary = summary_of(&tx, list)?;
        let items = items_of(&tx, list)?;
        let mut by_id: HashMap<i64, Stored> =
            items.iter().cloned().map(|s| (s.entry_id, s)).collect();
        let mut next = Vec::with_capacity(items.len());
        for id in order {
            match by_id.remove(id) {
                Some(s) => next.push(s),
                None => {
                    return Err(Error::invalid_field(
                        "order",
                        format!(
                            "entry {id} is not on '{}', or is named twice; nothing was moved",
                            summary.name
                        ),
                    ))
                }
            }
        }
        if !by_id.is_empty() {
            return Err(Error::invalid_field(
                "order",
                format!(
                    "the new order of '{}' leaves out {} of its entries; nothing was moved",
                    summary.name,
                    by_id.len()
                ),
            ));
        }
        if next != items {
            write_items(&tx, list, &next)?;
            touch(&tx, list, Utc::now())?;
        }
        tx.commit()?;
        self.list_detail(list)
    }
}

/// What [`write_lists`] is told of how a file's lists meet the library's.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum ListMerge {
    /// Watchlog's own formats: a list of the same name becomes the file's.
    Replace,
    /// Another service's lists: the file's items come first in its order,
    /// the entries the library's list has beside them stay after them,
    /// and a note or description the file lacks is kept.
    Merge,
}

/// Brings a file's lists into the library inside the import's `tx`.
/// `entry_ids[i]` is the library entry the file's entry `i` became (0:
/// none, when it was ambiguous). A list is matched by its name in any
/// case. Items that name no entry are reported in `report.notes`. Without
/// `write`, `None` as soon as something would change.
pub(crate) fn write_lists(
    tx: &Transaction,
    lists: &[IncomingList],
    entry_ids: &[i64],
    how: ListMerge,
    write: bool,
    report: &mut ImportReport,
) -> Result<Option<()>> {
    let now = Utc::now();
    for l in lists {
        let name = match list_name(&l.name) {
            Ok(n) => n,
            Err(e) => {
                report.notes.push(format!("a list was left out: {e}"));
                continue;
            }
        };
        let mut seen = HashSet::new();
        // Items whose moment the file gives; the others keep the
        // library's, or are now.
        let mut dated = HashSet::new();
        let mut items: Vec<Stored> = Vec::with_capacity(l.items.len());
        for it in &l.items {
            let id = it
                .entry
                .and_then(|i| entry_ids.get(i).copied())
                .unwrap_or(0);
            if id == 0 {
                report.notes.push(format!(
                    "list '{name}': '{}' matches no single entry, so it was left off the list",
                    it.title
                ));
                continue;
            }
            if seen.insert(id) {
                if it.added_at.is_some() {
                    dated.insert(id);
                }
                items.push(Stored {
                    entry_id: id,
                    note: list_text("note", it.note.as_deref()).unwrap_or(None),
                    added_at: it.added_at.unwrap_or(now),
                });
            }
        }
        let description = list_text("description", l.description.as_deref()).unwrap_or(None);
        let Some(id) = id_by_name(tx, &name)? else {
            if !write {
                return Ok(None);
            }
            let created = l.created_at.unwrap_or(now);
            let updated = l.updated_at.or(l.created_at).unwrap_or(now);
            let id = insert_list(
                tx,
                &name,
                description.as_deref(),
                l.ranked,
                (created, updated),
            )?;
            write_items(tx, id, &items)?;
            report.lists_added += 1;
            continue;
        };
        let before = summary_of(tx, id)?;
        let stored = items_of(tx, id)?;
        let (items, description, ranked) = match how {
            ListMerge::Replace => {
                let old: HashMap<i64, DateTime<Utc>> =
                    stored.iter().map(|s| (s.entry_id, s.added_at)).collect();
                let items = items
                    .into_iter()
                    .map(|mut s| {
                        if !dated.contains(&s.entry_id) {
                            s.added_at = old.get(&s.entry_id).copied().unwrap_or(s.added_at);
                        }
                        s
                    })
                    .collect();
                (items, description, l.ranked)
            }
            ListMerge::Merge => {
                let old: HashMap<i64, &Stored> = stored.iter().map(|s| (s.entry_id, s)).collect();
                let mut merged: Vec<Stored> = items
                    .into_iter()
                    .map(|mut s| {
                        if let Some(o) = old.get(&s.entry_id) {
                            s.added_at = o.added_at;
                            if s.note.is_none() {
                                s.note = o.note.clone();
                            }
                        }
                        s
                    })
                    .collect();
                let placed: HashSet<i64> = merged.iter().map(|s| s.entry_id).collect();
                merged.extend(
                    stored
                        .iter()
                        .filter(|s| !placed.contains(&s.entry_id))
                        .cloned(),
                );
                (
                    merged,
                    description.or(before.description.clone()),
                    before.ranked || l.ranked,
                )
            }
        };
        // In replace mode the file's moments are the list's; in merge
        // mode an item the library had keeps its own.
        let same = items.len() == stored.len()
            && items.iter().zip(&stored).all(|(a, b)| {
                a.entry_id == b.entry_id
                    && a.note == b.note
                    && (how == ListMerge::Merge || a.added_at == b.added_at)
            });
        let dates_same = how == ListMerge::Merge
            || (l.created_at.is_none_or(|c| c == before.created_at)
                && l.updated_at.is_none_or(|u| u == before.updated_at));
        if same && dates_same && description == before.description && ranked == before.ranked {
            continue;
        }
        if !write {
            return Ok(None);
        }
        write_items(tx, id, &items)?;
        let (created, updated) = match how {
            ListMerge::Replace => (
                l.created_at.unwrap_or(before.created_at),
                l.updated_at.unwrap_or(now),
            ),
            ListMerge::Merge => (before.created_at, now),
        };
        tx.execute(
            "UPDATE lists SET description = ?2, ranked = ?3, created_at = ?4, updated_at = ?5
             WHERE id = ?1",
            params![id, description, ranked, created, updated],
        )?;
        report.lists_updated += 1;
    }
    Ok(Some(()))
}
