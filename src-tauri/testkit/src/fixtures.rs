//! The shared fixtures: real API responses, real exports of other services,
//! real images and datasets, kept beside the repository in
//! `../shared/fixtures/` and never copied into it. A test that needs a
//! missing fixture is skipped with the reason printed, except under
//! `CI=true`, where it fails.

use std::path::{Path, PathBuf};

use serde_json::Value;

/// The fixtures folder, `../shared/fixtures` beside the workspace.
pub fn dir() -> PathBuf {
    // This crate is `src-tauri/testkit` inside the workspace.
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../../../shared/fixtures")
}

/// Whether tests run under CI, where every fixture must be present.
fn in_ci() -> bool {
    std::env::var("CI").is_ok_and(|v| v == "true")
}

/// Reports a missing fixture: a panic under CI, else a printed reason for
/// the skip.
pub fn missing(what: &str) {
    if in_ci() {
        panic!("{what} (CI=true: fixtures must be present)");
    }
    eprintln!("skipping: {what}");
}

/// The path of the fixture file or folder `rel` (such as
/// `exports/letterboxd`), or `None` when it is missing (see [`missing`]).
pub fn path(rel: &str) -> Option<PathBuf> {
    let p = dir().join(rel);
    if p.exists() {
        return Some(p);
    }
    missing(&format!("fixture {} is missing", p.display()));
    None
}

/// The bytes of the fixture file `rel`, or `None` when it cannot be read.
pub fn read(rel: &str) -> Option<Vec<u8>> {
    let p = dir().join(rel);
    match std::fs::read(&p) {
        Ok(b) => Some(b),
        Err(e) => {
            missing(&format!("fixture {} is not readable: {e}", p.display()));
            None
        }
    }
}

/// The fixture file `rel` parsed as JSON.
pub fn json(rel: &str) -> Option<Value> {
    let bytes = read(rel)?;
    Some(
        serde_json::from_slice(&bytes).unwrap_or_else(|e| panic!("fixture {rel} is not JSON: {e}")),
    )
}
