//! Files at a library's path that Watchlog must refuse and leave byte for
//! byte as they are: a newer Watchlog's library, another program's SQLite
//! database, and random bytes. The refusal tests of the core, the CLI and
//! the app all make them here.

use std::path::Path;

/// Watchlog's `application_id` ("WTLG"), written out rather than taken from
/// the core, so a changed constant there makes the refusal tests fail
/// instead of following it.
const APPLICATION_ID: i64 = 0x5754_4C47;

/// A library from a newer Watchlog (`user_version` 99), in WAL mode when
/// `wal`; closed cleanly, so nothing is left beside it.
pub fn newer_library(path: &Path, wal: bool) {
    let conn = rusqlite::Connection::open(path).expect("a new SQLite file");
    if wal {
        conn.pragma_update(None, "journal_mode", "WAL").unwrap();
    }
    conn.pragma_update(None, "application_id", APPLICATION_ID)
        .unwrap();
    conn.pragma_update(None, "user_version", 99).unwrap();
    conn.execute_batch("CREATE TABLE entries (id INTEGER PRIMARY KEY, future TEXT)")
        .unwrap();
    conn.close().expect("the file closes cleanly");
    for suffix in ["-wal", "-shm", "-journal"] {
        let mut side = path.as_os_str().to_owned();
        side.push(suffix);
        assert!(
            !Path::new(&side).exists(),
            "{suffix} left beside the newer library"
        );
    }
}

/// Another program's SQLite database, holding one row of its own.
pub fn foreign_database(path: &Path) {
    let conn = rusqlite::Connection::open(path).expect("a new SQLite file");
    conn.execute_batch(
        "CREATE TABLE moz_places (id INTEGER PRIMARY KEY, url TEXT);
         INSERT INTO moz_places (url) VALUES ('https://example.com');",
    )
    .unwrap();
}

/// `len` bytes of a fixed pseudo-random pattern (xorshift), so a failure
/// can be reproduced.
pub fn random_bytes(path: &Path, len: usize) {
    let mut x: u64 = 0x2545_F491_4F6C_DD1D;
    let bytes: Vec<u8> = (0..len)
        .map(|_| {
            x ^= x << 13;
            x ^= x >> 7;
            x ^= x << 17;
            (x >> 24) as u8
        })
        .collect();
    std::fs::write(path, bytes).expect("the file is written");
}
