//! The Simkl reader: its JSON backup and its CSV export.
#![no_main]

use libfuzzer_sys::fuzz_target;
use watchlog_core::transfer::import::ImportFormat;

fuzz_target!(|data: &[u8]| {
    watchlog_fuzz::import_as(Some(ImportFormat::Simkl), &["simkl.json", "simkl.csv"], data);
});
