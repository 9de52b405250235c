//! Fails when the TypeScript bindings committed under `ui/src/lib/bindings/`
//! no longer match the Rust types. `UPDATE_BINDINGS=1 cargo test -p
//! watchlog-core --features ts --test bindings` rewrites them.
#![cfg(feature = "ts")]

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

fn read_dir(dir: &Path) -> BTreeMap<String, String> {
    let mut files = BTreeMap::new();
    if let Ok(entries) = std::fs::read_dir(dir) {
        for e in entries.flatten() {
            let name = e.file_name().to_string_lossy().into_owned();
            if name.ends_with(".ts") {
                files.insert(name, std::fs::read_to_string(e.path()).unwrap());
            }
        }
    }
    files
}

#[test]
fn bindings_are_current() {
    let committed: PathBuf = [
        env!("CARGO_MANIFEST_DIR"),
        "..",
        "..",
        "ui",
        "src",
        "lib",
        "bindings",
    ]
    .iter()
    .collect();
    let fresh = tempfile::tempdir().unwrap();
    watchlog_core::bindings::export_all(fresh.path()).expect("bindings export");
    let fresh_files = read_dir(fresh.path());
    if std::env::var_os("UPDATE_BINDINGS").is_some() {
        let _ = std::fs::remove_dir_all(&committed);
        std::fs::create_dir_all(&committed).unwrap();
        for (name, text) in &fresh_files {
            std::fs::write(committed.join(name), text).unwrap();
        }
        return;
    }
    let old = read_dir(&committed);
    let names = |m: &BTreeMap<String, String>| m.keys().cloned().collect::<Vec<_>>();
    assert_eq!(
        names(&old),
        names(&fresh_files),
        "the set of binding files changed; rerun with UPDATE_BINDINGS=1 and commit ui/src/lib/bindings"
    );
    for (name, text) in &fresh_files {
        assert_eq!(
            &old[name], text,
            "ui/src/lib/bindings/{name} is stale; rerun with UPDATE_BINDINGS=1 and commit it"
        );
    }
}
