//! The zip reader every import goes through (`input::unpack`): nested zips,
//! names that try to leave the export, bombs. Whatever the zip holds, what
//! comes out stays within the one budget for the whole import and has only
//! plain relative names.
#![no_main]

use libfuzzer_sys::fuzz_target;
use watchlog_core::transfer::import::input::{unpack, SourceFile, MAX_FILES, MAX_TOTAL_BYTES};

fuzz_target!(|data: &[u8]| {
    let files = vec![SourceFile {
        name: "export.zip".into(),
        bytes: data.to_vec(),
    }];
    let Ok(out) = unpack(files) else { return };
    let total: u64 = out.iter().map(|f| f.bytes.len() as u64).sum();
    assert!(total <= MAX_TOTAL_BYTES, "unpacked {total} bytes, over the budget");
    assert!(out.len() <= MAX_FILES, "unpacked {} files, over the cap", out.len());
    for f in &out {
        let leaves = f.name.starts_with('/')
            || f.name.contains('\\')
            || f.name.contains(':')
            || f.name.split('/').any(|part| part == "..");
        assert!(!leaves, "a name that leaves the export came out: {:?}", f.name);
    }
});
