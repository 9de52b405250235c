//! Sync as built (`store/sync`), on a 100,000-title library, each figure
//! beside its lower bound from the same run:
//! - capture: the core's `update_entry` on a linked library beside the
//!   same edit on an unlinked copy, alternating, medians;
//! - apply: another device's 10,000 rating edits (one change file) applied
//!   by `sync_now`, beside a prepared UPDATE of the same rows;
//! - first sync: an empty device linked to the folder reading the other's
//!   first file (the whole library), beside importing the same library
//!   from its Watchlog JSON export into an empty library;
//! - change-file sizes and the process's peak resident memory.
//!
//! `cargo bench -p watchlog-core --bench sync_run`. `SYNC_BENCH_DB` reuses
//! a generated library, `SYNC_BENCH_N` changes the title count.

use std::path::Path;
use std::time::{Duration, Instant};

use watchlog_core::model::EntryPatch;
use watchlog_core::transfer::import::input::SourceFile;
use watchlog_core::transfer::import::{Import, Mode, RunOptions};
use watchlog_core::transfer::{export_to_path, ExportFormat, ExportOptions, NoPosters};
use watchlog_core::{ImportFormat, Library, ListQuery};
use watchlog_testkit::bench::{copy_library as copy, median, ms, peak_mib};

mod common;

const EDITS: usize = 10_000;
const RUNS: usize = 101;

fn rating(r: u8) -> EntryPatch {
    serde_json::from_value(serde_json::json!({ "rating": r })).unwrap()
}

fn folder_mib(dir: &Path) -> f64 {
    let mut n = 0u64;
    for e in std::fs::read_dir(dir).unwrap().flatten() {
        n += e.metadata().map(|m| m.len()).unwrap_or(0);
    }
    n as f64 / 1048576.0
}

fn main() {
    let (_keep, path) = common::library("SYNC_BENCH_DB", "SYNC_BENCH_N");
    let tmp = tempfile::tempdir().unwrap();
    let folder = tmp.path().join("folder");
    let (pa, pu) = (tmp.path().join("a.db"), tmp.path().join("unlinked.db"));
    copy(&path, &pa);
    copy(&path, &pu);
    let mut a = Library::open(&pa).unwrap();
    let mut unlinked = Library::open(&pu).unwrap();
    let ids: Vec<i64> = a
        .list(&ListQuery {
            limit: Some(u32::MAX),
            ..ListQuery::default()
        })
        .unwrap()
        .iter()
        .map(|r| r.id)
        .collect();
    let edits_n = EDITS.min(ids.len());
    println!(
        "library: {} entries, {} peak MiB",
        ids.len(),
        peak_mib() as u64
    );

    // The first file: the whole library.
    a.sync_init(&folder, Some("a")).unwrap();
    let t = Instant::now();
    let first = a.sync_now().unwrap();
    let write_first = t.elapsed();
    let a_dir = std::fs::read_dir(&folder)
        .unwrap()
        .flatten()
        .next()
        .unwrap()
        .path();
    let first_mib = folder_mib(&a_dir);
    println!(
        "first file: {} rows, {:.1} MiB, written in {}; peak {} MiB",
        first.rows_out,
        first_mib,
        ms(write_first),
        peak_mib() as u64
    );

    // Capture: the same edit on the linked and the unlinked copy, in turns.
    let mut linked_t = Vec::with_capacity(RUNS);
    let mut plain_t = Vec::with_capacity(RUNS);
    for i in 0..RUNS {
        let id = ids[i % ids.len()];
        let r = (i % 10) as u8 * 10;
        let timed = |lib: &mut Library| {
            let t = Instant::now();
            lib.update_entry(id, &rating(r)).unwrap();
            t.elapsed()
        };
        if i % 2 == 0 {
            linked_t.push(timed(&mut a));
            plain_t.push(timed(&mut unlinked));
        } else {
            plain_t.push(timed(&mut unlinked));
            linked_t.push(timed(&mut a));
        }
    }
    let (linked_m, plain_m) = (median(linked_t), median(plain_t));
    println!(
        "capture: update_entry linked {} vs unlinked {}: +{:.1} %",
        ms(linked_m),
        ms(plain_m),
        (linked_m.as_secs_f64() / plain_m.as_secs_f64() - 1.0) * 100.0
    );

    // Device b: a copy of a made before any edit, linked, has read a's
    // first file; then a makes 10,000 edits and b applies them.
    let pb = tmp.path().join("b.db");
    copy(&path, &pb);
    let mut b = Library::open(&pb).unwrap();
    b.sync_init(&folder, Some("b")).unwrap();
    let t = Instant::now();
    let met = b.sync_now().unwrap();
    let meet = t.elapsed();
    println!(
        "two copies of one library meeting: {} rows read and {} written in {}",
        met.rows_in,
        met.rows_out,
        ms(meet)
    );
    a.sync_now().unwrap();
    for (i, id) in ids.iter().take(edits_n).enumerate() {
        a.update_entry(*id, &rating(((i % 9) as u8 + 1) * 10))
            .unwrap();
    }
    let t = Instant::now();
    let edits = a.sync_now().unwrap();
    let write_edits = t.elapsed();
    let t = Instant::now();
    let applied = b.sync_now().unwrap();
    let apply = t.elapsed();
    assert!(applied.files_in >= 1);
    let check = rusqlite::Connection::open(&pb).unwrap();
    let differ: i64 = check
        .query_row(
            "SELECT count(*) FROM entries e JOIN (SELECT value AS id, key FROM json_each(?1)) x ON x.id = e.id
             WHERE e.rating IS NOT ((x.key % 9) + 1) * 10",
            [serde_json::to_string(&ids[..edits_n]).unwrap()],
            |r| r.get(0),
        )
        .unwrap();
    // The lower bound: the same 10,000 rows by a prepared UPDATE.
    let raw = rusqlite::Connection::open(&pu).unwrap();
    let t = Instant::now();
    let tx = raw.unchecked_transaction().unwrap();
    {
        let mut st = tx
            .prepare("UPDATE entries SET rating = ?2, updated_at = ?3 WHERE id = ?1")
            .unwrap();
        for (i, id) in ids.iter().take(edits_n).enumerate() {
            st.execute(rusqlite::params![
                id,
                ((i % 9) + 1) * 10,
                "2026-12-03 00:00:00"
            ])
            .unwrap();
        }
    }
    tx.commit().unwrap();
    let raw_apply = t.elapsed();
    println!(
        "apply {edits_n} edits: sync_now {} ({} rows, file written in {}) vs prepared UPDATE {}: {:.1}×; {differ} rows differ; peak {} MiB",
        ms(apply),
        edits.rows_out,
        ms(write_edits),
        ms(raw_apply),
        apply.as_secs_f64() / raw_apply.as_secs_f64(),
        peak_mib() as u64
    );

    // First sync onto an empty device, beside importing the same library.
    let pe = tmp.path().join("empty.db");
    let mut e = Library::open(&pe).unwrap();
    e.sync_init(&folder, Some("empty")).unwrap();
    let t = Instant::now();
    let got = e.sync_now().unwrap();
    let first_sync = t.elapsed();
    let json = tmp.path().join("library.json");
    export_to_path(
        &a,
        ExportFormat::WatchlogJson,
        &ExportOptions::default(),
        &NoPosters,
        &json,
    )
    .unwrap();
    let bytes = std::fs::read(&json).unwrap();
    let t = Instant::now();
    let import = Import::from_files(
        Some(ImportFormat::WatchlogJson),
        vec![SourceFile {
            name: "library.json".into(),
            bytes,
        }],
    )
    .unwrap();
    let mut i = Library::open(tmp.path().join("imported.db")).unwrap();
    import
        .run(&mut i, Mode::Apply, &RunOptions::default())
        .unwrap();
    let imported = t.elapsed();
    let n_e: i64 = rusqlite::Connection::open(&pe)
        .unwrap()
        .query_row("SELECT count(*) FROM entries", [], |r| r.get(0))
        .unwrap();
    println!(
        "first sync onto an empty device: {} ({} files, {} rows, {n_e} entries) vs import of the JSON export {}: {:.2}×; peak {} MiB",
        ms(first_sync),
        got.files_in,
        got.rows_in,
        ms(imported),
        first_sync.as_secs_f64() / imported.as_secs_f64(),
        peak_mib() as u64
    );
    let _ = Duration::ZERO;
}
