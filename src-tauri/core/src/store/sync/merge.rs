//! Applying another device's rows: the merge rules, in one place.
//!
//! - Every field is a register: the value set by the later change wins,
//!   later by (hybrid logical clock, device id), so every device picks the
//!   same one whatever order it reads the files in. Status, rating, review,
//!   dates and notes merge field by field: a rating changed on the laptop
//!   and a status changed on the desktop are both kept.
//! - A row is deleted when its deletion is later than every change to it:
//!   a delete wins over an older edit and loses to a newer one, which
//!   brings the row back with the newer device's values.
//! - Tags on an entry, episodes watched and list items are rows of their
//!   own, so they merge as sets: an episode ticked on each device is
//!   ticked on both; one is unticked only by an untick later than its tick.
//! - A row first seen from another device that this library already holds
//!   under another key (the same title added on both before they were
//!   linked; a tag of the same name) becomes one row, not two.
//!
//! When both devices changed a field without having seen the other's
//! change, the decision goes to the conflict log.

use std::collections::{BTreeMap, BTreeSet};

use rusqlite::types::Value;
use rusqlite::{params, Connection, ErrorCode, OptionalExtension};

use super::capture::{forget_local, key_of, named, row_key};
use super::file::{Header, Row};
use super::rows::{self, Local};
use super::spec::{self, Key, Spec, CHILD, CREATED, DELETED, UNLOGGED};
use crate::error::{Error, Result};
use crate::store::{search, tally};

/// What applying one file did.
#[derive(Default)]
pub(super) struct Applied {
    pub rows: u32,
    pub decisions: u32,
    /// Entries whose search rows must follow.
    pub entries: BTreeSet<i64>,
}

type Clock = (i64, String);

/// Who this library is, for comparing clocks it never stamped.
pub(super) struct Me {
    pub device: String,
    /// The clock of what the library held when it was linked.
    pub base: Clock,
    pub now: String,
}

pub(super) fn apply(conn: &Connection, me: &Me, header: &Header, rows: &[Row]) -> Result<Applied> {
    let mut out = Applied::default();
    // A file large beside the library (a first sync, a bulk change made
    // elsewhere) counts everything once at the end, as an import does: a
    // count kept by trigger costs about 0.1 ms a row, counting a library
    // again about 6 µs an entry.
    let entries: i64 = conn.query_row("SELECT count(*) FROM entries", [], |r| r.get(0))?;
    let bulk = rows.len() as i64 * 16 > entries;
    if bulk {
        tally::pause(conn)?;
    }
    // Parents first, whatever order the writer used.
    let mut order: Vec<&Row> = rows.iter().collect();
    order.sort_by_key(|r| spec::SPECS.iter().position(|s| s.table == r.t));
    for row in order {
        if let Outcome::Parked = apply_one(conn, me, header, row, &mut out)? {
            conn.prepare_cached("INSERT INTO sync_parked (header, row) VALUES (?1, ?2)")?
                .execute(params![to_text(header), to_text(row)])?;
        }
        out.rows += 1;
    }
    retry_parked(conn, me, &mut out)?;
    collect_orphans(conn)?;
    if bulk {
        tally::rebuild(conn)?;
    }
    Ok(out)
}

/// What became of a row from another device.
enum Outcome {
    Done,
    /// It points at a row that is not here: kept aside until it is.
    Parked,
}

/// One row in its own savepoint: a row this library cannot hold as the
/// other device does is logged and left out, and the rest goes on.
fn apply_one(
    conn: &Connection,
    me: &Me,
    header: &Header,
    row: &Row,
    out: &mut Applied,
) -> Result<Outcome> {
    let Some(spec) = spec::spec(&row.t) else {
        return Ok(Outcome::Done);
    };
    // Cached statements: parsing these again for every row of a big file
    // cost more than the row.
    conn.prepare_cached("SAVEPOINT sync_row")?.execute([])?;
    let release = |conn: &Connection| -> Result<()> {
        conn.prepare_cached("RELEASE sync_row")?.execute([])?;
        Ok(())
    };
    match apply_row(conn, me, header, spec, row, out) {
        Ok(outcome) => {
            release(conn)?;
            Ok(outcome)
        }
        Err(Error::Database(e))
            if e.sqlite_error_code() == Some(ErrorCode::ConstraintViolation) =>
        {
            // The row cannot be held here as it is there (a list renamed
            // to a name another list has here): keep this library's row
            // and say so.
            conn.prepare_cached("ROLLBACK TO sync_row")?.execute([])?;
            release(conn)?;
            log(
                conn,
                me,
                header,
                &describe(conn, spec, None, row)?,
                "",
                None,
                None,
                &format!("not applied here: {e}"),
            )?;
            out.decisions += 1;
            Ok(Outcome::Done)
        }
        Err(e) => {
            conn.prepare_cached("ROLLBACK TO sync_row")?.execute([])?;
            release(conn)?;
            Err(e)
        }
    }
}

/// Parked rows whose parent has come: applied, oldest first.
fn retry_parked(conn: &Connection, me: &Me, out: &mut Applied) -> Result<()> {
    let parked: Vec<(i64, String, String)> = {
        let mut stmt =
            conn.prepare_cached("SELECT id, header, row FROM sync_parked ORDER BY id")?;
        let rows = stmt.query_map([], |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)))?;
        rows.collect::<rusqlite::Result<_>>()?
    };
    for (id, header, row) in parked {
        let (Ok(header), Ok(row)) = (
            serde_json::from_str::<Header>(&header),
            serde_json::from_str::<Row>(&row),
        ) else {
            continue;
        };
        if let Outcome::Done = apply_one(conn, me, &header, &row, out)? {
            conn.prepare_cached("DELETE FROM sync_parked WHERE id = ?1")?
                .execute([id])?;
        }
    }
    Ok(())
}

/// Rows that live only while others point at them and no longer have
/// any here: deleted, with their clocks, as the store does after its own
/// deletes (no device sends their deletion).
fn collect_orphans(conn: &Connection) -> Result<()> {
    for spec in spec::SPECS {
        let spec::Lives::WithChildren(unused) = spec.lives else {
            continue;
        };
        let ids: Vec<i64> = {
            let mut stmt =
                conn.prepare_cached(&format!("SELECT id FROM {} WHERE {unused}", spec.table))?;
            let ids = stmt.query_map([], |r| r.get(0))?;
            ids.collect::<rusqlite::Result<_>>()?
        };
        if ids.is_empty() {
            continue;
        }
        for id in &ids {
            if let Some(key) = named(conn, spec.table, *id)? {
                conn.prepare_cached("DELETE FROM sync_clock WHERE tbl = ?1 AND key = ?2")?
                    .execute(params![spec.table, key])?;
                // The rows that go with it, keyed under it.
                for child in spec::SPECS
                    .iter()
                    .filter(|c| matches!(c.lives, spec::Lives::WithParent))
                {
                    conn.prepare_cached(
                        "DELETE FROM sync_clock WHERE tbl = ?1 AND substr(key, 1, ?3) = ?2",
                    )?
                    .execute(params![
                        child.table,
                        format!("{key}/"),
                        key.len() as i64 + 1
                    ])?;
                }
            }
            forget_with_cascade(conn, spec.table, *id)?;
        }
        conn.execute(&format!("DELETE FROM {} WHERE {unused}", spec.table), [])?;
    }
    Ok(())
}

fn later(a: &Clock, b: (i64, &str)) -> bool {
    (a.0, a.1.as_str()) > b
}

#[allow(clippy::too_many_lines)]
fn apply_row(
    conn: &Connection,
    me: &Me,
    header: &Header,
    spec: &'static Spec,
    row: &Row,
    out: &mut Applied,
) -> Result<Outcome> {
    // A row alive where it was written comes whole, its creation clock with it.
    let remote_alive = row.f.contains_key(CREATED);
    // Where the row is here, and the key its clocks are kept under.
    let (key, local) = match spec.key {
        Key::Row => match known(conn, spec.table, &row.k)? {
            Some((Some(local), key)) => (key, Some(Local::Id(local))),
            // New here, or gone here: another row here may be what it names
            // (the same title added on both before they were linked; the
            // title deleted and added again here, edited there since).
            gone => {
                let alias = if remote_alive {
                    natural(conn, spec, header, row)?
                } else {
                    None
                };
                match (alias, gone) {
                    (Some(id), gone) => {
                        // A row no device has named here yet takes the
                        // other device's key, so both name it alike from
                        // now on (and a third device meeting either finds
                        // it by that key); one named here keeps its own.
                        let key = match named(conn, spec.table, id)? {
                            Some(key) => key,
                            None => gone.map_or_else(|| row.k.clone(), |(_, key)| key),
                        };
                        remember(conn, spec.table, &row.k, Some(id), &key)?;
                        (key, Some(Local::Id(id)))
                    }
                    (None, Some((_, key))) => (key, None),
                    (None, None) => {
                        remember(conn, spec.table, &row.k, None, &row.k)?;
                        (row.k.clone(), None)
                    }
                }
            }
        },
        Key::Columns(cols) => {
            let parts: Vec<&str> = row.k.split('/').collect();
            if parts.len() != cols.len() {
                return Err(Error::invalid(format!(
                    "a change file names a row of {} by a key it cannot read",
                    spec.table
                )));
            }
            // The key its clocks are under here, and its key columns if
            // every row it points at is here.
            let mut key = Vec::with_capacity(cols.len());
            let mut values = Some(Vec::with_capacity(cols.len()));
            for (c, part) in cols.iter().zip(parts) {
                match c.refs {
                    Some(parent) => {
                        let (local, k) =
                            known(conn, parent, part)?.unwrap_or((None, part.to_string()));
                        key.push(k);
                        match (&mut values, local) {
                            (Some(v), Some(id)) => v.push(Value::Integer(id)),
                            _ => values = None,
                        }
                    }
                    None => {
                        key.push(part.to_string());
                        if let Some(v) = &mut values {
                            v.push(Value::Text(part.to_string()));
                        }
                    }
                }
            }
            let key = key.join("/");
            match values {
                // A row it points at is not here: alive there, it waits for
                // that row; deleted, its deletion is kept for when it comes.
                None if remote_alive => return Ok(Outcome::Parked),
                None => (key, None),
                Some(_) => {
                    let local = rows::find(conn, spec, &key)?;
                    (key, local)
                }
            }
        }
    };
    let mine = rows::clocks(conn, spec.table, &key)?;
    let here = local.is_some();
    // A field never stamped here was set before the library was linked.
    let clock_here = |field: &str| -> Option<Clock> {
        mine.get(field)
            .cloned()
            .or_else(|| here.then(|| me.base.clone()))
    };
    let mut wins: Vec<&str> = Vec::new();
    // Fields where this library's value stays over theirs.
    let mut kept: Vec<&str> = Vec::new();
    let mut newest_after: Option<Clock> = None;
    for field in spec.fields.iter().map(|f| f.col).chain([CREATED, CHILD]) {
        let theirs = row.f.get(field).map(|c| (c.1, c.2.clone()));
        let ours = clock_here(field);
        let merged = match (&theirs, &ours) {
            (Some(t), Some(o)) => {
                if later(t, (o.0, &o.1)) {
                    wins.push(field);
                    Some(t.clone())
                } else {
                    if t != o && mine.contains_key(field) {
                        kept.push(field);
                    }
                    Some(o.clone())
                }
            }
            (Some(t), None) => {
                wins.push(field);
                Some(t.clone())
            }
            (None, o) => o.clone(),
        };
        if let Some(m) = merged {
            if newest_after.as_ref().is_none_or(|n| later(&m, (n.0, &n.1))) {
                newest_after = Some(m);
            }
        }
    }
    let tomb_theirs = row.f.get(DELETED).map(|c| (c.1, c.2.clone()));
    let tomb_ours = mine.get(DELETED).cloned();
    let tomb = match (&tomb_theirs, &tomb_ours) {
        (Some(t), Some(o)) if later(o, (t.0, &t.1)) => Some(o.clone()),
        (Some(t), _) => Some(t.clone()),
        (None, o) => o.clone(),
    };
    let alive = match (&newest_after, &tomb) {
        (None, _) => false,
        (Some(_), None) => true,
        (Some(n), Some(t)) => later(n, (t.0, &t.1)),
    };
    let seen_of = |origin: &str| header.seen.get(origin).copied().unwrap_or(0);
    // Described only when a decision is logged: most rows log none.
    let entry_here = match (spec.table, &local) {
        ("entries", Some(Local::Id(id))) => Some(*id),
        _ => None,
    };
    let what = || describe(conn, spec, entry_here, row);
    let mut set_clock = conn.prepare_cached(
        "INSERT INTO sync_clock (tbl, key, field, hlc, origin) VALUES (?1, ?2, ?3, ?4, ?5)
         ON CONFLICT DO UPDATE SET hlc = excluded.hlc, origin = excluded.origin",
    )?;
    match (local, alive) {
        (Some(at), true) => {
            // Whether the search rows of the entry must follow: a rating
            // changed elsewhere leaves them as they are.
            let mut searched = false;
            let fields: Vec<&spec::Field> = spec
                .fields
                .iter()
                .filter(|f| wins.contains(&f.col))
                .collect();
            if !fields.is_empty() {
                let before = rows::values(conn, spec, &at)?;
                let mut sets = Vec::new();
                let mut args = Vec::new();
                for field in &fields {
                    let Some(v) = to_local(conn, field, &row.f[field.col].0)? else {
                        continue;
                    };
                    let i = spec
                        .fields
                        .iter()
                        .position(|f| f.col == field.col)
                        .expect("a field");
                    // Both changed it, neither having seen the other's change.
                    if let Some(ours) = mine.get(field.col) {
                        let theirs = &row.f[field.col];
                        if ours.1 != theirs.2
                            && ours.0 > seen_of(&ours.1)
                            && before[i] != v
                            && !UNLOGGED.contains(&field.col)
                        {
                            log(
                                conn,
                                me,
                                header,
                                &what()?,
                                field.col,
                                rows::shown(&theirs.0),
                                rows::shown(&rows::to_json(before[i].clone())),
                                "both devices changed it; the later change is kept",
                            )?;
                            out.decisions += 1;
                        }
                    }
                    // The same value under a later clock (two copies of
                    // one library meeting): only the clock moves.
                    if before[i] == v {
                        continue;
                    }
                    searched |= search::SEARCHED.contains(&(spec.table, field.col));
                    sets.push(format!("{} = ?{}", field.col, sets.len() + 1));
                    args.push(v);
                }
                if !sets.is_empty() {
                    let (filter, keys) = match &at {
                        Local::Id(id) => (
                            format!("id = ?{}", args.len() + 1),
                            vec![Value::Integer(*id)],
                        ),
                        Local::Columns(v) => {
                            let Key::Columns(kc) = spec.key else {
                                unreachable!()
                            };
                            let base = args.len();
                            let filter = kc
                                .iter()
                                .enumerate()
                                .map(|(i, c)| format!("{} = ?{}", c.col, base + i + 1))
                                .collect::<Vec<_>>()
                                .join(" AND ");
                            (filter, v.clone())
                        }
                    };
                    args.extend(keys);
                    let sql = format!(
                        "UPDATE {} SET {} WHERE {filter}",
                        spec.table,
                        sets.join(", ")
                    );
                    conn.prepare_cached(&sql)?
                        .execute(rusqlite::params_from_iter(&args))?;
                }
            }
            // Theirs was changed without having seen ours: a clash this
            // library decided for its own value.
            if let Some(row_here) = (!kept.is_empty())
                .then(|| rows::values(conn, spec, &at))
                .transpose()?
            {
                for field in &kept {
                    let Some(i) = spec.fields.iter().position(|f| f.col == *field) else {
                        continue;
                    };
                    let ours = &mine[*field];
                    let theirs = &row.f[*field];
                    let here = rows::to_json(row_here[i].clone());
                    if ours.1 != theirs.2
                        && ours.0 > seen_of(&ours.1)
                        && here != theirs.0
                        && !UNLOGGED.contains(field)
                    {
                        log(
                            conn,
                            me,
                            header,
                            &what()?,
                            field,
                            rows::shown(&here),
                            rows::shown(&theirs.0),
                            "both devices changed it; the later change is kept",
                        )?;
                        out.decisions += 1;
                    }
                }
            }
            if searched {
                touch(conn, spec, &at, out)?;
            }
            for field in &wins {
                let c = &row.f[*field];
                set_clock.execute(params![spec.table, key, field, c.1, c.2])?;
            }
        }
        (Some(at), false) => {
            // Deleted there after every change made to it here.
            if let Some((hlc, origin)) = mine
                .iter()
                .filter(|(f, _)| f.as_str() != DELETED)
                .map(|(_, c)| c)
                .max()
                .map(|c| (c.0, c.1.clone()))
            {
                if origin == me.device && hlc > seen_of(&origin) {
                    log(
                        conn,
                        me,
                        header,
                        &what()?,
                        "deleted",
                        None,
                        None,
                        "deleted there after it was changed here; the deletion is kept",
                    )?;
                    out.decisions += 1;
                }
            }
            touch(conn, spec, &at, out)?;
            delete(conn, spec, &at)?;
            conn.prepare_cached(
                "DELETE FROM sync_clock WHERE tbl = ?1 AND key = ?2 AND field <> ?3",
            )?
            .execute(params![spec.table, key, DELETED])?;
        }
        // Alive by this library's own clocks, but it is not here and the
        // file holds only its deletion: a row that went with its parent
        // here. There is nothing to hold it in.
        (None, true) if !remote_alive => {}
        (None, true) => {
            // New here, or deleted here before the change there: the row
            // as the other device holds it.
            let mut cols = Vec::new();
            let mut args = Vec::new();
            if let Key::Columns(kc) = spec.key {
                let values = rows::key_columns(conn, kc, &row.k)?.expect("resolved above");
                for (c, v) in kc.iter().zip(values) {
                    cols.push(c.col);
                    args.push(v);
                }
            }
            for field in spec.fields {
                let Some(cell) = row.f.get(field.col) else {
                    // A row that is alive there always comes whole.
                    return Err(Error::invalid(format!(
                        "a change file's row of {} lacks its field {}",
                        spec.table, field.col
                    )));
                };
                let Some(v) = to_local(conn, field, &cell.0)? else {
                    return Ok(Outcome::Parked);
                };
                cols.push(field.col);
                args.push(v);
            }
            // Made before its owner was deleted (here or where that
            // deletion came from): it went with it.
            if let Some(n) = &newest_after {
                for (col, parent) in owner_columns(spec) {
                    let i = cols
                        .iter()
                        .position(|c| *c == col)
                        .expect("an owner column");
                    if let Value::Integer(id) = args[i] {
                        let owner_key = row_key(conn, parent, id)?;
                        if let Some(t) = rows::clocks(conn, parent, &owner_key)?.get(DELETED) {
                            if later(t, (n.0, &n.1)) {
                                return Ok(Outcome::Done);
                            }
                        }
                    }
                }
            }
            for (col, from) in spec.copies {
                let i = spec
                    .fields
                    .iter()
                    .position(|f| f.col == *from)
                    .expect("a synced field");
                cols.push(col);
                args.push(args[args.len() - spec.fields.len() + i].clone());
            }
            if tomb_ours.is_some() {
                log(
                    conn,
                    me,
                    header,
                    &what()?,
                    "deleted",
                    None,
                    None,
                    "changed there after it was deleted here; it is back",
                )?;
                out.decisions += 1;
            }
            let marks: Vec<String> = (1..=cols.len()).map(|i| format!("?{i}")).collect();
            let sql = format!(
                "INSERT INTO {} ({}) VALUES ({})",
                spec.table,
                cols.join(", "),
                marks.join(", ")
            );
            conn.prepare_cached(&sql)?
                .execute(rusqlite::params_from_iter(&args))?;
            let at = match spec.key {
                Key::Row => {
                    let id = conn.last_insert_rowid();
                    conn.prepare_cached(
                        // By the key's index, named: with no statistics the
                        // planner took the primary key's `tbl` prefix and
                        // read every uuid of the table for each new row.
                        "UPDATE sync_ids INDEXED BY sync_ids_key SET local = ?3
                         WHERE tbl = ?1 AND key = ?2",
                    )?
                    .execute(params![spec.table, key, id])?;
                    Local::Id(id)
                }
                Key::Columns(kc) => Local::Columns(args[..kc.len()].to_vec()),
            };
            touch(conn, spec, &at, out)?;
            for field in spec.fields.iter().map(|f| f.col).chain([CREATED, CHILD]) {
                if let Some(c) = row.f.get(field) {
                    set_clock.execute(params![spec.table, key, field, c.1, c.2])?;
                }
            }
        }
        (None, false) => {}
    }
    if let (Some(t), Some(theirs)) = (&tomb, &tomb_theirs) {
        if t == theirs {
            set_clock.execute(params![spec.table, key, DELETED, t.0, t.1])?;
            // Kept by a newer edit, the row still loses what it owned that
            // is older than the deletion: as on the device that deleted it.
            if alive && tomb_ours.as_ref() != Some(t) {
                if let Some(Local::Id(id)) = rows::find(conn, spec, &key)? {
                    prune_owned(conn, me, spec, id, t, out)?;
                }
            }
        }
    }
    Ok(Outcome::Done)
}

/// The columns of a row that name the rows owning it.
fn owner_columns(spec: &Spec) -> Vec<(&'static str, &'static str)> {
    let keys = match spec.key {
        Key::Columns(cols) => cols,
        Key::Row => &[],
    };
    keys.iter()
        .chain(spec.fields)
        .filter(|f| f.owner)
        .filter_map(|f| f.refs.map(|r| (f.col, r)))
        .collect()
}

/// Deletes the rows `id` owns whose every change is older than `tomb`,
/// keeping their deletion.
fn prune_owned(
    conn: &Connection,
    me: &Me,
    owner: &Spec,
    id: i64,
    tomb: &Clock,
    out: &mut Applied,
) -> Result<()> {
    for child in spec::SPECS {
        for (col, parent) in owner_columns(child) {
            if parent != owner.table {
                continue;
            }
            let found: Vec<Local> = match child.key {
                Key::Row => {
                    let mut stmt = conn.prepare_cached(&format!(
                        "SELECT id FROM {} WHERE {col} = ?1",
                        child.table
                    ))?;
                    let ids = stmt.query_map([id], |r| r.get(0))?;
                    ids.map(|i| i.map(Local::Id))
                        .collect::<rusqlite::Result<_>>()?
                }
                Key::Columns(kc) => {
                    let names: Vec<&str> = kc.iter().map(|c| c.col).collect();
                    let mut stmt = conn.prepare_cached(&format!(
                        "SELECT {} FROM {} WHERE {col} = ?1",
                        names.join(", "),
                        child.table
                    ))?;
                    let rows = stmt.query_map([id], |r| {
                        (0..names.len())
                            .map(|i| r.get(i))
                            .collect::<rusqlite::Result<Vec<Value>>>()
                    })?;
                    rows.map(|v| v.map(Local::Columns))
                        .collect::<rusqlite::Result<_>>()?
                }
            };
            for at in found {
                let key = local_key(conn, child, &at)?;
                let clocks = rows::clocks(conn, child.table, &key)?;
                let newest = clocks
                    .iter()
                    .filter(|(f, _)| f.as_str() != DELETED)
                    .map(|(_, c)| c.clone())
                    .max()
                    .unwrap_or_else(|| me.base.clone());
                if later(tomb, (newest.0, &newest.1)) {
                    touch(conn, child, &at, out)?;
                    delete(conn, child, &at)?;
                    conn.prepare_cached("DELETE FROM sync_clock WHERE tbl = ?1 AND key = ?2")?
                        .execute(params![child.table, key])?;
                    conn.prepare_cached(
                        "INSERT INTO sync_clock (tbl, key, field, hlc, origin) VALUES (?1, ?2, ?3, ?4, ?5)",
                    )?
                    .execute(params![child.table, key, DELETED, tomb.0, tomb.1])?;
                }
            }
        }
    }
    Ok(())
}

/// The key a local row's clocks are under.
fn local_key(conn: &Connection, spec: &Spec, at: &Local) -> Result<String> {
    match at {
        Local::Id(id) => key_of(conn, spec, &[Value::Integer(*id)]),
        Local::Columns(values) => key_of(conn, spec, values),
    }
}

/// A uuid this library has met: the row it names here (none once
/// deleted) and the key its clocks are under.
fn known(conn: &Connection, table: &str, uuid: &str) -> Result<Option<(Option<i64>, String)>> {
    Ok(conn
        .prepare_cached("SELECT local, key FROM sync_ids WHERE tbl = ?1 AND uuid = ?2")?
        .query_row(params![table, uuid], |r| Ok((r.get(0)?, r.get(1)?)))
        .optional()?)
}

fn remember(
    conn: &Connection,
    table: &str,
    uuid: &str,
    local: Option<i64>,
    key: &str,
) -> Result<()> {
    conn.prepare_cached(
        "INSERT OR REPLACE INTO sync_ids (tbl, uuid, local, key) VALUES (?1, ?2, ?3, ?4)",
    )?
    .execute(params![table, uuid, local, key])?;
    Ok(())
}

/// The row here that another device's new row is, by what names it.
fn natural(conn: &Connection, spec: &Spec, header: &Header, row: &Row) -> Result<Option<i64>> {
    if spec.table == "titles" {
        for (provider, value) in &row.ids {
            let found = conn
                .prepare_cached(
                    "SELECT title_id FROM external_ids WHERE provider = ?1 AND value = ?2",
                )?
                .query_row(params![provider, value], |r| r.get(0))
                .optional()?;
            if found.is_some() {
                return Ok(found);
            }
        }
        if !row.ids.is_empty() {
            return Ok(None);
        }
    }
    let Some(sql) = spec.natural else {
        return Ok(None);
    };
    let mut args = Vec::with_capacity(spec.fields.len());
    for field in spec.fields {
        let v = match row.f.get(field.col) {
            Some(c) => to_local(conn, field, &c.0)?.unwrap_or(Value::Null),
            None => Value::Null,
        };
        args.push(v);
    }
    // Only as many arguments as the statement takes.
    let mut stmt = conn.prepare_cached(sql)?;
    let n = stmt.parameter_count();
    let mut found: Vec<i64> = stmt
        .query_map(rusqlite::params_from_iter(&args[..n]), |r| r.get(0))?
        .collect::<rusqlite::Result<_>>()?;
    // A row the sending device made itself, under another key, is another
    // of its rows, not this one: two films called "Home" from one year,
    // neither with a catalogue id, are two rows there and stay two here.
    let mut open = Vec::with_capacity(found.len());
    for id in found.drain(..) {
        let sent_by_them = conn
            .prepare_cached(
                "SELECT 1 FROM sync_ids i JOIN sync_clock c
                   ON c.tbl = i.tbl AND c.key = i.key AND c.field = ?3
                 WHERE i.tbl = ?1 AND i.local = ?2 AND c.origin = ?4",
            )?
            .exists(params![spec.table, id, CREATED, header.device])?;
        if !sent_by_them {
            open.push(id);
        }
    }
    if open.len() < 2 {
        return Ok(open.pop());
    }
    // Several rows here go by that name. Two copies of one library meeting
    // send them in id order, and each takes the first of them here that no
    // device has named yet, so each pairs with its own copy. When every
    // one is named, none is surely the one: the row is new here.
    open.sort_unstable();
    for id in open {
        if named(conn, spec.table, id)?.is_none() {
            return Ok(Some(id));
        }
    }
    Ok(None)
}

/// A field's value from another device as this library holds it: a
/// row's uuid as its id here. `None` when it points at a row not here.
fn to_local(
    conn: &Connection,
    field: &spec::Field,
    v: &serde_json::Value,
) -> Result<Option<Value>> {
    match (field.refs, v) {
        (Some(parent), serde_json::Value::String(uuid)) => {
            Ok(match rows::local_id(conn, parent, uuid)? {
                Some(id) => Some(Value::Integer(id)),
                // A platform deleted here: the entry keeps no platform.
                None if field.col == "platform_id" || field.col == "viewing_id" => {
                    Some(Value::Null)
                }
                None => None,
            })
        }
        (_, v) => Ok(Some(rows::from_json(v))),
    }
}

fn delete(conn: &Connection, spec: &Spec, at: &Local) -> Result<()> {
    match at {
        Local::Id(id) => {
            forget_with_cascade(conn, spec.table, *id)?;
            conn.prepare_cached(&format!("DELETE FROM {} WHERE id = ?1", spec.table))?
                .execute([id])?;
        }
        Local::Columns(v) => {
            let Key::Columns(kc) = spec.key else {
                unreachable!()
            };
            let sql = format!(
                "DELETE FROM {} WHERE {}",
                spec.table,
                rows::where_columns(kc.iter().map(|c| c.col))
            );
            conn.prepare_cached(&sql)?
                .execute(rusqlite::params_from_iter(v))?;
        }
    }
    Ok(())
}

/// Before a row here is deleted: its uuids, and those of every synced row
/// the schema's `ON DELETE CASCADE` deletes with it (an entry's viewings
/// and episode watches), stop naming a row. SQLite gives a freed id to the
/// next row inserted, so a uuid left on one would name that row: a watch
/// of another show that the same file adds, which the file's deletion of
/// a cascaded watch would then delete in its place. The store's own
/// deletes learn of their cascades through the session (see `capture`);
/// the merge writes without one, so it asks the schema.
fn forget_with_cascade(conn: &Connection, table: &str, id: i64) -> Result<()> {
    for child in spec::SPECS.iter().filter(|s| matches!(s.key, Key::Row)) {
        let cols: Vec<String> = {
            let mut stmt = conn.prepare_cached(
                "SELECT \"from\" FROM pragma_foreign_key_list(?1)
                 WHERE \"table\" = ?2 COLLATE NOCASE AND on_delete = 'CASCADE'",
            )?;
            let cols = stmt.query_map([child.table, table], |r| r.get(0))?;
            cols.collect::<rusqlite::Result<_>>()?
        };
        for col in cols {
            let ids: Vec<i64> = {
                let mut stmt = conn
                    .prepare_cached(&format!("SELECT id FROM {} WHERE {col} = ?1", child.table))?;
                let ids = stmt.query_map([id], |r| r.get(0))?;
                ids.collect::<rusqlite::Result<_>>()?
            };
            for child_id in ids {
                forget_with_cascade(conn, child.table, child_id)?;
            }
        }
    }
    forget_local(conn, table, id)
}

/// Notes the entry a changed row belongs to, for its search rows.
fn touch(conn: &Connection, spec: &Spec, at: &Local, out: &mut Applied) -> Result<()> {
    let entry: Option<i64> = match (spec.table, at) {
        ("entries", Local::Id(id)) => Some(*id),
        ("titles", Local::Id(id)) => conn
            .prepare_cached("SELECT id FROM entries WHERE title_id = ?1")?
            .query_row([id], |r| r.get(0))
            .optional()?,
        // Nothing else is searched (`search::SEARCHED`).
        _ => None,
    };
    out.entries.extend(entry);
    Ok(())
}

/// What a row is, for the conflict log.
fn describe(conn: &Connection, spec: &Spec, entry: Option<i64>, row: &Row) -> Result<String> {
    let named = |key: &str| row.f.get(key).and_then(|c| rows::shown(&c.0));
    let quoted = |s: Option<String>| s.map(|s| format!("“{s}”"));
    Ok(match (spec.table, entry) {
        ("entries", Some(id)) => quoted(
            conn.prepare_cached(
                "SELECT t.name FROM entries e JOIN titles t ON t.id = e.title_id WHERE e.id = ?1",
            )?
            .query_row([id], |r| r.get(0))
            .optional()?,
        ),
        ("titles", _) => quoted(named("name")),
        ("tags", _) => quoted(named("name")).map(|n| format!("tag {n}")),
        ("lists", _) => quoted(named("name")).map(|n| format!("list {n}")),
        ("platforms", _) => quoted(named("name")).map(|n| format!("service {n}")),
        _ => None,
    }
    .unwrap_or_else(|| spec.table.replace('_', " ")))
}

#[allow(clippy::too_many_arguments)]
fn log(
    conn: &Connection,
    me: &Me,
    header: &Header,
    what: &str,
    field: &str,
    kept: Option<String>,
    other: Option<String>,
    outcome: &str,
) -> Result<()> {
    conn.prepare_cached(
        "INSERT INTO sync_log (at, device, what, field, kept, other, outcome, shared)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, 0)",
    )?
    .execute(params![
        me.now,
        header.name,
        what,
        field,
        kept,
        other,
        outcome
    ])?;
    Ok(())
}

/// The clocks a file holds, newest first per origin: what the writer had
/// seen of each device.
pub(super) fn newest(rows: &[Row]) -> BTreeMap<String, i64> {
    let mut out: BTreeMap<String, i64> = BTreeMap::new();
    for row in rows {
        for c in row.f.values() {
            let e = out.entry(c.2.clone()).or_default();
            *e = (*e).max(c.1);
        }
    }
    out
}

fn to_text(value: &impl serde::Serialize) -> String {
    // Plain data with string keys: it always serialises.
    serde_json::to_string(value).expect("a change file's row serialises")
}
