//! This library's side of sync, kept in `sync_state`: its device, folder
//! and hybrid logical clock.
//!
//! The clock is one integer: the wall clock in milliseconds shifted left 16
//! bits, plus a counter. Every change takes `max(wall, last + 1)`, and every
//! file applied raises `last` to the newest clock in it, so a change made
//! after seeing another device's change is always later than it, even when
//! this computer's clock is behind; a computer whose clock runs ahead wins
//! only until the others have seen its changes.

use rusqlite::types::Value;
use rusqlite::{params, Connection, OptionalExtension};

use crate::error::Result;

pub(super) const DEVICE: &str = "device";
pub(super) const NAME: &str = "name";
pub(super) const FOLDER: &str = "folder";
/// The clock of everything the library held when it was linked.
pub(super) const INIT_HLC: &str = "init_hlc";
const HLC: &str = "hlc";
/// The newest clock of this device's that a change file holds.
pub(super) const WRITTEN_HLC: &str = "written_hlc";
/// The number of the last change file written.
pub(super) const WRITTEN_SEQ: &str = "written_seq";

pub(super) fn get(conn: &Connection, key: &str) -> Result<Option<Value>> {
    Ok(conn
        .prepare_cached("SELECT value FROM sync_state WHERE key = ?1")?
        .query_row([key], |r| r.get(0))
        .optional()?)
}

pub(super) fn text(conn: &Connection, key: &str) -> Result<Option<String>> {
    Ok(match get(conn, key)? {
        Some(Value::Text(s)) => Some(s),
        _ => None,
    })
}

pub(super) fn int(conn: &Connection, key: &str) -> Result<i64> {
    Ok(match get(conn, key)? {
        Some(Value::Integer(i)) => i,
        _ => 0,
    })
}

pub(super) fn set(conn: &Connection, key: &str, value: impl Into<Value>) -> Result<()> {
    conn.prepare_cached(
        "INSERT INTO sync_state (key, value) VALUES (?1, ?2)
         ON CONFLICT DO UPDATE SET value = excluded.value",
    )?
    .execute(params![key, value.into()])?;
    Ok(())
}

/// This device's id, when the library is linked.
pub(super) fn device(conn: &Connection) -> Result<Option<String>> {
    text(conn, DEVICE)
}

fn wall() -> i64 {
    chrono::Utc::now().timestamp_millis() << 16
}

/// The clock of a change made now.
pub(super) fn tick(conn: &Connection) -> Result<i64> {
    let next = wall().max(int(conn, HLC)? + 1);
    set(conn, HLC, next)?;
    Ok(next)
}

/// After applying another device's changes up to `seen`.
pub(super) fn observe(conn: &Connection, seen: i64) -> Result<()> {
    if seen > int(conn, HLC)? {
        set(conn, HLC, seen)?;
    }
    Ok(())
}

/// A clock value as the wall-clock instant it carries.
pub(super) fn instant(hlc: i64) -> Option<chrono::DateTime<chrono::Utc>> {
    chrono::DateTime::from_timestamp_millis(hlc >> 16)
}
