//! Counts kept on write (schema 13): the `tally` table, which triggers keep
//! equal to the `tally_rows` view grouped by dimension, status, platform
//! and label. The Stats screen and the filter chips read these few rows
//! instead of counting the library's indexes on every look.
//!
//! Only a bulk import steps around the triggers: it pauses them in its own
//! transaction and rebuilds the counts from the view once its rows are in,
//! one grouped pass instead of a trigger per row.

use rusqlite::Connection;

use crate::error::Result;

/// Stops the triggers for the rest of the transaction; [`rebuild`] must run
/// before it commits.
pub(crate) fn pause(conn: &Connection) -> Result<()> {
    conn.execute("INSERT OR IGNORE INTO tally_paused (id) VALUES (1)", [])?;
    Ok(())
}

/// Counts everything again from the view and starts the triggers again.
pub(crate) fn rebuild(conn: &Connection) -> Result<()> {
    conn.execute_batch(
        "DELETE FROM tally;
         INSERT INTO tally
             SELECT dim, status, platform, label, count(*), sum(episodes), sum(minutes)
             FROM tally_rows GROUP BY dim, status, platform, label;
         DELETE FROM tally_paused;",
    )?;
    Ok(())
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
