//! What syncing changes with SQLite's session extension would cost on a
//! 100,000-title library, the engine the sync design starts from (the
//! undo of `store/undo.rs` already records with it):
//! - capture: one rating edit with a session attached to every library
//!   table, beside the same edit unrecorded, and beside the core's own
//!   `update_entry` (the edit a user makes), with the changeset's size;
//! - apply: 10,000 such edits made on one copy, applied to another copy in
//!   one transaction, beside writing the same 10,000 rows by plain SQL;
//! - first sync: every row of the library as one changeset applied to an
//!   empty library, beside copying the same rows by `INSERT … SELECT`;
//! - the process's peak resident memory after each part.
//!
//! `cargo bench -p watchlog-core --bench sync`. `SYNC_BENCH_DB` reuses a
//! generated library, `SYNC_BENCH_N` changes the title count. A plain bench
//! binary: one run prints one table.

use std::path::Path;
use std::time::{Duration, Instant};

use rusqlite::session::{ConflictAction, ConflictType, Session};
use rusqlite::Connection;
use watchlog_core::model::EntryPatch;
use watchlog_core::{Library, Rating};
use watchlog_testkit::bench::{copy_library as copy, median, ms, peak_mib};

mod common;

const EDITS: usize = 10_000;
const RUNS: usize = 301;

/// The tables a sync would carry: the library's own, not the search
/// indexes (derived, rebuilt where applied) nor SQLite's. The same rule as
/// the undo's session.
fn synced(table: &str) -> bool {
    !(table.starts_with("entry_search")
        || table.starts_with("entry_words")
        || table.starts_with("sqlite_"))
}

/// A session on every synced table of `conn`.
fn recording(conn: &Connection) -> Session<'_> {
    let mut s = Session::new(conn).unwrap();
    s.table_filter(Some(synced));
    s.attach(None::<&str>).unwrap();
    s
}

fn open(path: &Path) -> Connection {
    let conn = Connection::open(path).expect("the library opens raw");
    conn.pragma_update(None, "mmap_size", watchlog_core::store::MMAP_BYTES)
        .expect("mmap_size");
    conn
}

/// The entry ids, in order.
fn entry_ids(conn: &Connection) -> Vec<i64> {
    let mut stmt = conn.prepare("SELECT id FROM entries ORDER BY id").unwrap();
    let ids = stmt.query_map([], |r| r.get(0)).unwrap();
    ids.collect::<rusqlite::Result<_>>().unwrap()
}

/// The row a rating edit writes, as the core writes it.
const EDIT: &str = "UPDATE entries SET rating = ?2, updated_at = ?3 WHERE id = ?1";

/// One edit in its own write transaction; with `record`, under a session
/// whose changeset is taken before the commit, as a sync would keep it.
fn edit(conn: &Connection, id: i64, rating: i64, record: bool) -> Vec<u8> {
    let tx = conn.unchecked_transaction().unwrap();
    let mut out = Vec::new();
    let session = record.then(|| recording(conn));
    tx.execute(EDIT, rusqlite::params![id, rating, now()])
        .unwrap();
    if let Some(mut s) = session {
        s.changeset_strm(&mut out).unwrap();
    }
    tx.commit().unwrap();
    out
}

fn now() -> String {
    chrono::Utc::now().to_rfc3339()
}

/// Another device's changes win where they meet a row changed here; the
/// merge rules would decide, but the cost of applying is what is measured.
fn replace(t: ConflictType, _: rusqlite::session::ChangesetItem) -> ConflictAction {
    match t {
        ConflictType::SQLITE_CHANGESET_DATA | ConflictType::SQLITE_CHANGESET_CONFLICT => {
            ConflictAction::SQLITE_CHANGESET_REPLACE
        }
        _ => ConflictAction::SQLITE_CHANGESET_OMIT,
    }
}

/// The tables to carry, in the file's order.
fn tables(conn: &Connection) -> Vec<String> {
    let mut stmt = conn
        .prepare("SELECT name FROM sqlite_schema WHERE type = 'table' ORDER BY rowid")
        .unwrap();
    let names = stmt.query_map([], |r| r.get::<_, String>(0)).unwrap();
    names.map(Result::unwrap).filter(|n| synced(n)).collect()
}

/// Copies every carried row of `src` (attached as `src`) into `conn`'s
/// own tables, replacing what is there; with `record`, under a session,
/// returning its changeset.
fn copy_rows(conn: &Connection, names: &[String], record: bool) -> Vec<u8> {
    conn.pragma_update(None, "foreign_keys", false).unwrap();
    let tx = conn.unchecked_transaction().unwrap();
    let mut out = Vec::new();
    let session = record.then(|| recording(conn));
    for n in names {
        tx.execute(
            &format!("INSERT OR REPLACE INTO main.\"{n}\" SELECT * FROM src.\"{n}\""),
            [],
        )
        .unwrap();
    }
    if let Some(mut s) = session {
        s.changeset_strm(&mut out).unwrap();
    }
    tx.commit().unwrap();
    conn.pragma_update(None, "foreign_keys", true).unwrap();
    out
}

fn apply(conn: &Connection, changesets: &[Vec<u8>]) -> Duration {
    let t = Instant::now();
    let tx = conn.unchecked_transaction().unwrap();
    for cs in changesets {
        tx.apply_strm(&mut cs.as_slice(), None::<fn(&str) -> bool>, replace)
            .unwrap();
    }
    tx.commit().unwrap();
    t.elapsed()
}

fn main() {
    let (_keep, path) = common::library("SYNC_BENCH_DB", "SYNC_BENCH_N");
    let work = tempfile::tempdir().unwrap();
    let here = work.path().join("here.db");
    let there = work.path().join("there.db");
    copy(&path, &here);
    let conn = open(&here);
    let ids = entry_ids(&conn);
    println!(
        "library: {} entries; milliseconds unless named; medians of {RUNS} edits\n",
        ids.len()
    );
    let memory_start = peak_mib();

    // Capture: each side edits its own spread of entries, alternately.
    let (mut plain, mut recorded, mut core) = (Vec::new(), Vec::new(), Vec::new());
    let mut sizes = Vec::new();
    let mut lib = Library::open(&here).expect("the core opens the copy");
    let step = ids.len() / (3 * RUNS);
    for i in 0..RUNS {
        let rating = 10 + (i as i64 % 90);
        // Which of the two goes first alternates, so neither always meets
        // the caches the other left.
        for record in [i % 2 == 0, i % 2 == 1] {
            let (id, into) = if record {
                (ids[(3 * i + 1) * step], &mut recorded)
            } else {
                (ids[3 * i * step], &mut plain)
            };
            let t = Instant::now();
            let cs = edit(&conn, id, rating, record);
            into.push(t.elapsed());
            if record {
                sizes.push(cs.len());
            }
        }
        let patch = EntryPatch {
            rating: Some(Some(Rating::new(rating as u8).unwrap())),
            ..Default::default()
        };
        let t = Instant::now();
        lib.update_entry(ids[(3 * i + 2) * step], &patch)
            .expect("the core edits");
        core.push(t.elapsed());
    }
    drop(lib);
    let (plain, recorded, core) = (median(plain), median(recorded), median(core));
    sizes.sort_unstable();
    let overhead = recorded.saturating_sub(plain);
    println!("| capture, one rating edit | time |");
    println!("|---|---:|");
    println!("| the edit's row, unrecorded | {} |", ms(plain));
    println!(
        "| the same, under a session, changeset taken | {} |",
        ms(recorded)
    );
    println!(
        "| the core's `update_entry` (the user's edit) | {} |",
        ms(core)
    );
    println!(
        "| capture overhead | {} ({:.1} % of the core's edit) |",
        ms(overhead),
        100.0 * overhead.as_secs_f64() / core.as_secs_f64()
    );
    println!(
        "| changeset of one edit | {} bytes |",
        sizes[sizes.len() / 2]
    );
    let memory_capture = peak_mib();

    // Apply: the other device starts where this one is now; 10,000 edits
    // made here, each its own changeset, are applied there in one
    // transaction, beside the same rows written there by plain SQL.
    copy(&here, &there);
    let fresh = work.path().join("fresh.db");
    copy(&here, &fresh);
    let picked: Vec<i64> = ids
        .iter()
        .step_by((ids.len() / EDITS).max(1))
        .take(EDITS)
        .copied()
        .collect();
    let changesets: Vec<Vec<u8>> = picked
        .iter()
        .enumerate()
        .map(|(i, &id)| edit(&conn, id, 20 + (i as i64 % 80), true))
        .collect();
    let bytes: usize = changesets.iter().map(Vec::len).sum();
    let target = open(&there);
    let applied = apply(&target, &changesets);
    // Every edited row there is now as it is here.
    target
        .execute("ATTACH ?1 AS here", [here.to_str().unwrap()])
        .unwrap();
    let differ: i64 = target
        .query_row(
            &format!(
                "SELECT count(*) FROM main.entries e JOIN here.entries h ON h.id = e.id
                 WHERE e.id IN ({}) AND (e.rating IS NOT h.rating OR e.updated_at IS NOT h.updated_at)",
                picked.iter().map(i64::to_string).collect::<Vec<_>>().join(",")
            ),
            [],
            |r| r.get(0),
        )
        .unwrap();
    // The same rows, as the plain statements would write them.
    let plain_target = open(&fresh);
    let t = Instant::now();
    {
        let tx = plain_target.unchecked_transaction().unwrap();
        let mut stmt = tx.prepare(EDIT).unwrap();
        for (i, &id) in picked.iter().enumerate() {
            stmt.execute(rusqlite::params![id, 20 + (i as i64 % 80), now()])
                .unwrap();
        }
        drop(stmt);
        tx.commit().unwrap();
    }
    let plain_apply = t.elapsed();
    let edits = picked.len();
    println!("\n| apply {edits} edits from another device | time |");
    println!("|---|---:|");
    println!(
        "| {} changesets, {:.0} KiB in all, one transaction | {} |",
        changesets.len(),
        bytes as f64 / 1024.0,
        ms(applied)
    );
    println!(
        "| the same rows by a prepared UPDATE | {} |",
        ms(plain_apply)
    );
    println!(
        "| ratio | {:.1}× (rows that differ from the editing device's after the apply: {differ} of {}) |",
        applied.as_secs_f64() / plain_apply.as_secs_f64(),
        picked.len()
    );
    let memory_apply = peak_mib();

    // First sync: every row of the library into an empty library.
    let empty = |name: &str| {
        let p = work.path().join(name);
        drop(Library::open(&p).expect("an empty library"));
        p
    };
    let source = work.path().join("source.db");
    copy(&path, &source);
    let names = tables(&open(&source));
    let capture = open(&empty("captured.db"));
    capture
        .execute("ATTACH ?1 AS src", [source.to_str().unwrap()])
        .unwrap();
    let t = Instant::now();
    let whole = copy_rows(&capture, &names, true);
    let captured = t.elapsed();
    let copied = open(&empty("copied.db"));
    copied
        .execute("ATTACH ?1 AS src", [source.to_str().unwrap()])
        .unwrap();
    let t = Instant::now();
    copy_rows(&copied, &names, false);
    let plain_copy = t.elapsed();
    let onto = open(&empty("synced.db"));
    onto.pragma_update(None, "foreign_keys", false).unwrap();
    let applied_whole = apply(&onto, std::slice::from_ref(&whole));
    onto.pragma_update(None, "foreign_keys", true).unwrap();
    let rows = |c: &Connection| -> i64 {
        names
            .iter()
            .map(|n| {
                c.query_row(&format!("SELECT count(*) FROM main.\"{n}\""), [], |r| {
                    r.get::<_, i64>(0)
                })
                .unwrap()
            })
            .sum()
    };
    println!("\n| first sync of the whole library onto an empty one | time |");
    println!("|---|---:|");
    println!(
        "| the changeset: every row of {} tables, {:.1} MiB | {} to record |",
        names.len(),
        whole.len() as f64 / (1024.0 * 1024.0),
        ms(captured)
    );
    println!(
        "| applied to an empty library, one transaction | {} |",
        ms(applied_whole)
    );
    println!(
        "| the same rows by `INSERT … SELECT` from the file | {} |",
        ms(plain_copy)
    );
    println!(
        "| ratio | {:.1}× (rows: {} applied, {} copied) |",
        applied_whole.as_secs_f64() / plain_copy.as_secs_f64(),
        rows(&onto),
        rows(&copied)
    );
    println!(
        "\npeak resident memory, MiB: {memory_start:.0} at start, {memory_capture:.0} after capture, {memory_apply:.0} after the {edits} edits applied, {:.0} after the first sync",
        peak_mib()
    );
}
