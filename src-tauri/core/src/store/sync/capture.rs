//! Capturing what each write changed, for the other devices.
//!
//! Every write transaction of the store begins with [`Library::write`].
//! When the library is linked to a sync folder, an SQLite session records
//! the rows the transaction writes in the synced tables (foreign-key
//! cascades included), and just before the commit the changeset is turned
//! into clocks: each field it set, and each row it created or deleted, is
//! stamped with one hybrid-logical-clock value and this device, in the same
//! transaction. A write that is rolled back, or killed, stamps nothing. An
//! unlinked library attaches no session and pays nothing.
//!
//! The clocks are all sync needs: a change file carries the rows whose
//! clocks this device set since its last file, as they are then.

use std::collections::HashMap;
use std::ops::Deref;

use rusqlite::session::{Changeset, Session};
use rusqlite::types::Value;
use rusqlite::{params, Connection, OptionalExtension, Transaction};

use super::spec::{self, Key, Lives, Spec, CHILD, CREATED, DELETED};
use super::state;
use crate::error::Result;
use crate::store::Library;

/// A write transaction of the store, capturing for sync when linked.
/// `commit` stamps and commits; dropping it rolls back.
pub(crate) struct Write<'c> {
    // Declared first so it is dropped before the transaction rolls back.
    session: Option<(Session<'c>, String)>,
    tx: Transaction<'c>,
}

impl<'c> Deref for Write<'c> {
    type Target = Transaction<'c>;
    fn deref(&self) -> &Transaction<'c> {
        &self.tx
    }
}

impl Write<'_> {
    pub fn commit(mut self) -> Result<()> {
        if let Some((mut session, device)) = self.session.take() {
            if !session.is_empty() {
                let changes = session.changeset()?;
                drop(session);
                stamp(&self.tx, &changes, &device)?;
            }
        }
        self.tx.commit()?;
        Ok(())
    }
}

impl Library {
    /// Begins a write transaction (IMMEDIATE, as every write here) that the
    /// sync folder will hear of.
    pub(crate) fn write(&self) -> Result<Write<'_>> {
        let tx = self.conn.unchecked_transaction()?;
        // Read inside the transaction: the other face may have linked the
        // library since this one opened it.
        let session = match state::device(&tx)? {
            None => None,
            Some(device) => {
                let mut session = Session::new(&self.conn)?;
                session.table_filter(Some(|t: &str| spec::spec(t).is_some()));
                session.attach(None::<&str>)?;
                Some((session, device))
            }
        };
        Ok(Write { session, tx })
    }
}

/// One row a changeset touched.
struct Touched {
    spec: &'static Spec,
    kind: Kind,
    /// For a `Row` table its id; for a keyed one its key columns.
    pk: Vec<Value>,
    /// The synced fields it set.
    fields: Vec<&'static str>,
}

enum Kind {
    Created,
    Changed,
    Deleted,
}

/// Stamps the rows a transaction wrote with one clock value.
fn stamp(tx: &Transaction, changes: &Changeset, device: &str) -> Result<()> {
    let mut columns: HashMap<&'static str, Vec<String>> = HashMap::new();
    let mut touched = Vec::new();
    let mut iter = changes.iter()?;
    while let Some(item) =
        rusqlite::fallible_streaming_iterator::FallibleStreamingIterator::next(&mut iter)?
    {
        let op = item.op()?;
        let Some(spec) = spec::spec(op.table_name()) else {
            continue;
        };
        let cols = match columns.get(spec.table) {
            Some(c) => c,
            None => {
                let names = table_columns(tx, spec.table)?;
                columns.entry(spec.table).or_insert(names)
            }
        };
        let index = |name: &str| cols.iter().position(|c| c == name);
        let kind = match op.code() {
            rusqlite::hooks::Action::SQLITE_INSERT => Kind::Created,
            rusqlite::hooks::Action::SQLITE_DELETE => Kind::Deleted,
            _ => Kind::Changed,
        };
        let key_cols: Vec<&str> = match spec.key {
            Key::Row => vec!["id"],
            Key::Columns(k) => k.iter().map(|f| f.col).collect(),
        };
        let mut pk = Vec::with_capacity(key_cols.len());
        for col in key_cols {
            let i = index(col).expect("a synced table has its key columns");
            let v = match kind {
                Kind::Created => item.new_value(i)?,
                _ => item.old_value(i)?,
            };
            pk.push(Value::from(v));
        }
        let fields = match kind {
            Kind::Created => spec.fields.iter().map(|f| f.col).collect(),
            Kind::Deleted => Vec::new(),
            // An update holds new values only for the columns it changed.
            Kind::Changed => spec
                .fields
                .iter()
                .filter(|f| index(f.col).is_some_and(|i| item.new_value(i).is_ok()))
                .map(|f| f.col)
                .collect(),
        };
        touched.push(Touched {
            spec,
            kind,
            pk,
            fields,
        });
    }
    if touched.is_empty() {
        return Ok(());
    }
    // Every key first: a deleted entry's uuid must still be found for the
    // tags its deletion cascaded to.
    let keys = touched
        .iter()
        .map(|t| key_of(tx, t.spec, &t.pk))
        .collect::<Result<Vec<_>>>()?;
    let hlc = state::tick(tx)?;
    let mut set = tx.prepare_cached(
        "INSERT INTO sync_clock (tbl, key, field, hlc, origin) VALUES (?1, ?2, ?3, ?4, ?5)
         ON CONFLICT DO UPDATE SET hlc = excluded.hlc, origin = excluded.origin",
    )?;
    for (t, key) in touched.iter().zip(&keys) {
        match t.kind {
            Kind::Created => {
                set.execute(params![t.spec.table, key, CREATED, hlc, device])?;
            }
            Kind::Deleted => {
                // What the row held no longer matters: only whether an
                // edit elsewhere is newer than its deletion, for a row
                // whose deletion syncs at all.
                tx.prepare_cached(
                    "DELETE FROM sync_clock WHERE tbl = ?1 AND key = ?2 AND field <> ?3",
                )?
                .execute(params![t.spec.table, key, DELETED])?;
                if matches!(t.spec.lives, Lives::Own) {
                    set.execute(params![t.spec.table, key, DELETED, hlc, device])?;
                } else {
                    tx.prepare_cached("DELETE FROM sync_clock WHERE tbl = ?1 AND key = ?2")?
                        .execute(params![t.spec.table, key])?;
                }
            }
            Kind::Changed => {}
        }
        for field in &t.fields {
            set.execute(params![t.spec.table, key, field, hlc, device])?;
        }
    }
    // A change to an owned row is a change to its owner's life.
    for t in touched.iter().filter(|t| !matches!(t.kind, Kind::Deleted)) {
        for (parent, id) in owners(tx, t.spec, &t.pk)? {
            let key = row_key(tx, parent, id)?;
            set.execute(params![parent, key, CHILD, hlc, device])?;
        }
    }
    for t in touched.iter().filter(|t| matches!(t.kind, Kind::Deleted)) {
        if let (Key::Row, Some(Value::Integer(id))) = (&t.spec.key, t.pk.first()) {
            forget_local(tx, t.spec.table, *id)?;
        }
    }
    Ok(())
}

/// The rows that own a row still here: (table, local id).
fn owners(conn: &Connection, spec: &Spec, pk: &[Value]) -> Result<Vec<(&'static str, i64)>> {
    let mut out = Vec::new();
    match spec.key {
        Key::Columns(cols) => {
            for (c, v) in cols.iter().zip(pk) {
                if let (true, Some(parent), Value::Integer(id)) = (c.owner, c.refs, v) {
                    out.push((parent, *id));
                }
            }
        }
        Key::Row => {
            let owned: Vec<&spec::Field> = spec.fields.iter().filter(|f| f.owner).collect();
            if owned.is_empty() {
                return Ok(out);
            }
            let cols: Vec<&str> = owned.iter().map(|f| f.col).collect();
            let values: Option<Vec<Value>> = conn
                .prepare_cached(&format!(
                    "SELECT {} FROM {} WHERE id = ?1",
                    cols.join(", "),
                    spec.table
                ))?
                .query_row(rusqlite::params_from_iter(pk), |r| {
                    (0..cols.len()).map(|i| r.get(i)).collect()
                })
                .optional()?;
            for (field, v) in owned.iter().zip(values.unwrap_or_default()) {
                if let (Some(parent), Value::Integer(id)) = (field.refs, v) {
                    out.push((parent, id));
                }
            }
        }
    }
    Ok(out)
}

/// The names of a table's columns, in the changeset's order.
pub(super) fn table_columns(conn: &Connection, table: &str) -> Result<Vec<String>> {
    let mut stmt = conn.prepare_cached("SELECT name FROM pragma_table_info(?1) ORDER BY cid")?;
    let names = stmt.query_map([table], |r| r.get(0))?;
    Ok(names.collect::<rusqlite::Result<_>>()?)
}

/// The cross-device key of a row named by its local key: `[id]` for a
/// `Row` table, the key columns for a keyed one.
pub(super) fn key_of(conn: &Connection, spec: &Spec, pk: &[Value]) -> Result<String> {
    match spec.key {
        Key::Row => {
            let Value::Integer(id) = pk[0] else {
                unreachable!("an integer primary key")
            };
            row_key(conn, spec.table, id)
        }
        Key::Columns(cols) => {
            let mut parts = Vec::with_capacity(cols.len());
            for (col, v) in cols.iter().zip(pk) {
                parts.push(match (col.refs, v) {
                    (Some(parent), Value::Integer(id)) => row_key(conn, parent, *id)?,
                    (_, Value::Text(s)) => s.clone(),
                    (_, other) => format!("{other:?}"),
                });
            }
            Ok(parts.join("/"))
        }
    }
}

/// The key a local row goes by, once a device has named it.
pub(super) fn named(conn: &Connection, table: &str, id: i64) -> Result<Option<String>> {
    Ok(conn
        .prepare_cached("SELECT key FROM sync_ids WHERE tbl = ?1 AND local = ?2 LIMIT 1")?
        .query_row(params![table, id], |r| r.get(0))
        .optional()?)
}

/// The key of a local row, handing it a new uuid the first time.
pub(super) fn row_key(conn: &Connection, table: &str, id: i64) -> Result<String> {
    if let Some(key) = named(conn, table, id)? {
        return Ok(key);
    }
    // A row that is the same thing on every device (a title by kind,
    // year and name; its entry; a tag by name) gets the same key on every
    // device, so two devices that each added it, or one that deleted it
    // and added it again, name one row. Another row here already holding
    // that key (two titles of one name and year) gets a uuid.
    let uuid = match identity(conn, table, id)? {
        Some(name) => {
            let taken: Option<i64> = conn
                .prepare_cached("SELECT local FROM sync_ids WHERE tbl = ?1 AND uuid = ?2")?
                .query_row(params![table, name], |r| r.get(0))
                .optional()?
                .flatten();
            if taken.is_some_and(|other| other != id) {
                uuid::Uuid::now_v7().to_string()
            } else {
                name
            }
        }
        None => uuid::Uuid::now_v7().to_string(),
    };
    Ok(conn
        .prepare_cached(
            "INSERT INTO sync_ids (tbl, uuid, local, key) VALUES (?1, ?2, ?3, ?2)
         ON CONFLICT DO UPDATE SET local = excluded.local
         RETURNING key",
        )?
        .query_row(params![table, uuid, id], |r| r.get(0))?)
}

/// The key a row's identity gives it, for a table that has one.
fn identity(conn: &Connection, table: &str, id: i64) -> Result<Option<String>> {
    let Some(spec) = spec::spec(table) else {
        return Ok(None);
    };
    if spec.identity.is_empty() {
        return Ok(None);
    }
    let cols: Vec<&str> = spec.identity.iter().map(|f| f.col).collect();
    let values: Vec<Value> = conn
        .prepare_cached(&format!(
            "SELECT {} FROM {table} WHERE id = ?1",
            cols.join(", ")
        ))?
        .query_row([id], |r| (0..cols.len()).map(|i| r.get(i)).collect())?;
    let mut parts = Vec::with_capacity(values.len());
    for (field, v) in spec.identity.iter().zip(values) {
        parts.push(match (field.refs, v) {
            (Some(parent), Value::Integer(pid)) => row_key(conn, parent, pid)?,
            // As the columns compare: NOCASE folds ASCII only.
            (_, Value::Text(t)) => t.to_ascii_lowercase(),
            (_, Value::Integer(n)) => n.to_string(),
            _ => String::new(),
        });
    }
    // Hashed: a fixed length, and no character of a name can be taken for
    // the `/` that joins the parts of a keyed row's key.
    let digest = blake3::hash(parts.join("\u{1f}").as_bytes()).to_hex();
    Ok(Some(format!("{table}:{}", &digest[..32])))
}

/// A deleted row's uuids keep their clocks but no longer name a row here.
pub(super) fn forget_local(conn: &Connection, table: &str, id: i64) -> Result<()> {
    conn.prepare_cached("UPDATE sync_ids SET local = NULL WHERE tbl = ?1 AND local = ?2")?
        .execute(params![table, id])?;
    Ok(())
}
