//! A synced row as it crosses devices: read from the library into a
//! [`Row`] with its clocks, and the values of one turned back into this
//! library's ids.

use std::collections::BTreeMap;

use rusqlite::types::Value;
use rusqlite::{params, Connection, OptionalExtension};

use super::capture::row_key;
use super::file::Row;
use super::spec::{Key, Spec, CHILD, CREATED, DELETED};
use crate::error::Result;

/// Where a key names a row in this library.
pub(super) enum Local {
    /// A `Row` table's id.
    Id(i64),
    /// A keyed table's key columns, local.
    Columns(Vec<Value>),
}

/// The local row a key names, if it is here.
pub(super) fn find(conn: &Connection, spec: &Spec, key: &str) -> Result<Option<Local>> {
    match spec.key {
        Key::Row => Ok(local_id(conn, spec.table, key)?.map(Local::Id)),
        Key::Columns(cols) => {
            let Some(values) = key_columns(conn, cols, key)? else {
                return Ok(None);
            };
            let sql = format!(
                "SELECT 1 FROM {} WHERE {}",
                spec.table,
                where_columns(cols.iter().map(|c| c.col))
            );
            let here = conn
                .prepare_cached(&sql)?
                .query_row(rusqlite::params_from_iter(&values), |_| Ok(()))
                .optional()?;
            Ok(here.map(|_| Local::Columns(values)))
        }
    }
}

/// The local id a uuid names in `table` (any of its uuids), while the row
/// is here.
pub(super) fn local_id(conn: &Connection, table: &str, uuid: &str) -> Result<Option<i64>> {
    Ok(conn
        .prepare_cached("SELECT local FROM sync_ids WHERE tbl = ?1 AND uuid = ?2")?
        .query_row(params![table, uuid], |r| r.get::<_, Option<i64>>(0))
        .optional()?
        .flatten())
}

/// A keyed row's key columns from its key, when every row it points at is
/// here.
pub(super) fn key_columns(
    conn: &Connection,
    cols: &[super::spec::Field],
    key: &str,
) -> Result<Option<Vec<Value>>> {
    let parts: Vec<&str> = key.split('/').collect();
    if parts.len() != cols.len() {
        return Ok(None);
    }
    let mut values = Vec::with_capacity(cols.len());
    for (col, part) in cols.iter().zip(parts) {
        values.push(match col.refs {
            Some(parent) => match local_id(conn, parent, part)? {
                Some(id) => Value::Integer(id),
                None => return Ok(None),
            },
            None => Value::Text(part.to_string()),
        });
    }
    Ok(Some(values))
}

pub(super) fn where_columns<'a>(cols: impl Iterator<Item = &'a str>) -> String {
    cols.enumerate()
        .map(|(i, c)| format!("{c} = ?{}", i + 1))
        .collect::<Vec<_>>()
        .join(" AND ")
}

/// The clocks a key holds here, by field.
pub(super) fn clocks(
    conn: &Connection,
    table: &str,
    key: &str,
) -> Result<BTreeMap<String, (i64, String)>> {
    let mut stmt = conn
        .prepare_cached("SELECT field, hlc, origin FROM sync_clock WHERE tbl = ?1 AND key = ?2")?;
    let rows = stmt.query_map(params![table, key], |r| {
        Ok((r.get(0)?, (r.get(1)?, r.get(2)?)))
    })?;
    Ok(rows.collect::<rusqlite::Result<_>>()?)
}

/// The synced fields of a local row, ids as they are here.
pub(super) fn values(conn: &Connection, spec: &Spec, at: &Local) -> Result<Vec<Value>> {
    let cols: Vec<&str> = spec.fields.iter().map(|f| f.col).collect();
    let select = if cols.is_empty() {
        "1".to_string()
    } else {
        cols.join(", ")
    };
    let (filter, args): (String, Vec<Value>) = match at {
        Local::Id(id) => ("id = ?1".into(), vec![Value::Integer(*id)]),
        Local::Columns(v) => {
            let Key::Columns(kc) = spec.key else {
                unreachable!("columns for a keyed table")
            };
            (where_columns(kc.iter().map(|c| c.col)), v.clone())
        }
    };
    let sql = format!("SELECT {select} FROM {} WHERE {filter}", spec.table);
    let mut stmt = conn.prepare_cached(&sql)?;
    let out = stmt.query_row(rusqlite::params_from_iter(&args), |r| {
        (0..cols.len()).map(|i| r.get::<_, Value>(i)).collect()
    })?;
    Ok(out)
}

/// A row as the other devices receive it: every field with the clock that
/// set it (`default` for one set before the library was linked), or only
/// its deletion.
pub(super) fn export(
    conn: &Connection,
    spec: &Spec,
    key: &str,
    default: &(i64, String),
) -> Result<Row> {
    let clocks = clocks(conn, spec.table, key)?;
    let mut f = BTreeMap::new();
    let clock_of = |field: &str| {
        clocks
            .get(field)
            .cloned()
            .unwrap_or_else(|| default.clone())
    };
    let mut ids = Vec::new();
    if let Some(at) = find(conn, spec, key)? {
        for (field, v) in spec.fields.iter().zip(values(conn, spec, &at)?) {
            let value = match (field.refs, v) {
                (Some(parent), Value::Integer(id)) => {
                    serde_json::Value::String(row_key(conn, parent, id)?)
                }
                (_, v) => to_json(v),
            };
            let (hlc, origin) = clock_of(field.col);
            f.insert(field.col.to_string(), (value, hlc, origin));
        }
        let (hlc, origin) = clock_of(CREATED);
        f.insert(CREATED.to_string(), (serde_json::Value::Null, hlc, origin));
        if let (Local::Id(id), "titles") = (&at, spec.table) {
            let mut stmt = conn.prepare_cached(
                "SELECT provider, value FROM external_ids WHERE title_id = ?1 ORDER BY provider",
            )?;
            let rows = stmt.query_map([id], |r| Ok((r.get(0)?, r.get(1)?)))?;
            ids = rows.collect::<rusqlite::Result<_>>()?;
        }
    }
    if let Some((hlc, origin)) = clocks.get(CHILD) {
        f.insert(
            CHILD.to_string(),
            (serde_json::Value::Null, *hlc, origin.clone()),
        );
    }
    if let Some((hlc, origin)) = clocks.get(DELETED) {
        f.insert(
            DELETED.to_string(),
            (serde_json::Value::Null, *hlc, origin.clone()),
        );
    }
    Ok(Row {
        t: spec.table.to_string(),
        k: key.to_string(),
        f,
        ids,
    })
}

pub(super) fn to_json(v: Value) -> serde_json::Value {
    match v {
        Value::Null => serde_json::Value::Null,
        Value::Integer(i) => i.into(),
        Value::Real(r) => r.into(),
        Value::Text(s) => s.into(),
        // No synced column holds bytes.
        Value::Blob(_) => serde_json::Value::Null,
    }
}

pub(super) fn from_json(v: &serde_json::Value) -> Value {
    match v {
        serde_json::Value::Null => Value::Null,
        serde_json::Value::Bool(b) => Value::Integer(i64::from(*b)),
        serde_json::Value::Number(n) => match n.as_i64() {
            Some(i) => Value::Integer(i),
            None => Value::Real(n.as_f64().unwrap_or_default()),
        },
        serde_json::Value::String(s) => Value::Text(s.clone()),
        other => Value::Text(other.to_string()),
    }
}

/// A cell for the conflict log: how a value reads.
pub(super) fn shown(v: &serde_json::Value) -> Option<String> {
    match v {
        serde_json::Value::Null => None,
        serde_json::Value::String(s) => Some(s.clone()),
        other => Some(other.to_string()),
    }
}
