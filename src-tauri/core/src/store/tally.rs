//! Counts kept on write (schema 13): the `tally` table, which triggers keep
//! equal to the `tally_rows` view grouped by dimension, status, platform
//! and label. The Stats screen and the filter chips read these few rows
//! instead of counting the library's indexes on every look.
//!
//! Only a bulk import steps around the triggers: it pauses them in its own
//! transaction and rebuilds the counts from the view once its rows are in,
//! one grouped pass instead of a trigger per row.

use std::collections::HashMap;

use rusqlite::types::ValueRef;
use rusqlite::Connection;

use crate::error::Result;

/// Stops the triggers for the rest of the transaction; [`rebuild`] must run
/// before it commits.
pub(crate) fn pause(conn: &Connection) -> Result<()> {
    conn.execute("INSERT OR IGNORE INTO tally_paused (id) VALUES (1)", [])?;
    Ok(())
}

/// Counts everything again from the view and starts the triggers again.
/// The view's rows are grouped here rather than by SQL's GROUP BY: at
/// 100,000 titles they are some 630,000, and sorting them cost more than
/// reading them.
pub(crate) fn rebuild(conn: &Connection) -> Result<()> {
    let mut groups: HashMap<Vec<u8>, Group> = HashMap::new();
    let mut key = Vec::new();
    {
        let mut stmt = conn.prepare_cached(
            "SELECT dim, status, platform, label, episodes, minutes FROM tally_rows",
        )?;
        let mut rows = stmt.query([])?;
        while let Some(r) = rows.next()? {
            key.clear();
            for i in 0..4 {
                match r.get_ref(i)? {
                    ValueRef::Text(t) => key.extend_from_slice(t),
                    ValueRef::Integer(n) => key.extend_from_slice(n.to_string().as_bytes()),
                    _ => {}
                }
                key.push(0);
            }
            let (episodes, minutes): (i64, i64) = (r.get(4)?, r.get(5)?);
            match groups.get_mut(key.as_slice()) {
                Some(g) => {
                    g.n += 1;
                    g.episodes += episodes;
                    g.minutes += minutes;
                }
                None => {
                    groups.insert(
                        key.clone(),
                        Group {
                            dim: r.get(0)?,
                            status: r.get(1)?,
                            platform: r.get(2)?,
                            label: r.get(3)?,
                            n: 1,
                            episodes,
                            minutes,
                        },
                    );
                }
            }
        }
    }
    conn.execute("DELETE FROM tally", [])?;
    let mut insert = conn.prepare_cached(
        "INSERT INTO tally (dim, status, platform, label, n, episodes, minutes)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)",
    )?;
    for g in groups.values() {
        insert.execute(rusqlite::params![
            g.dim, g.status, g.platform, g.label, g.n, g.episodes, g.minutes
        ])?;
    }
    conn.execute("DELETE FROM tally_paused", [])?;
    Ok(())
}

/// One row of `tally` as it is added up.
struct Group {
    dim: String,
    status: String,
    platform: i64,
    label: String,
    n: i64,
    episodes: i64,
    minutes: i64,
}

/// Whether the kept counts differ from a count made now, with the
/// triggers running: `None` when they agree, else the first difference.
pub(crate) fn drift(conn: &Connection) -> Result<Option<String>> {
    // A file opened read-only before its upgrade has no counts to check.
    let kept: bool = conn.query_row(
        "SELECT EXISTS (SELECT 1 FROM sqlite_schema WHERE name = 'tally')",
        [],
        |r| r.get(0),
    )?;
    if !kept {
        return Ok(None);
    }
    let found: Option<String> = conn
        .query_row(
            "WITH now AS (SELECT dim, status, platform, label, count(*) AS n,
                                 sum(episodes) AS episodes, sum(minutes) AS minutes
                          FROM tally_rows GROUP BY dim, status, platform, label),
                  kept AS (SELECT * FROM tally WHERE n != 0 OR episodes != 0 OR minutes != 0)
             SELECT dim || ' ' || status || ' ' || platform || ' ' || label FROM
               (SELECT * FROM now EXCEPT SELECT * FROM kept
                UNION ALL
                SELECT * FROM kept EXCEPT SELECT * FROM now)
             LIMIT 1",
            [],
            |r| r.get(0),
        )
        .map(Some)
        .or_else(|e| match e {
            rusqlite::Error::QueryReturnedNoRows => Ok(None),
            e => Err(e),
        })?;
    let paused: bool = conn.query_row("SELECT EXISTS (SELECT 1 FROM tally_paused)", [], |r| {
        r.get(0)
    })?;
    Ok(match (found, paused) {
        (_, true) => Some("the kept counts are paused outside an import".to_string()),
        (f, false) => f,
    })
}
