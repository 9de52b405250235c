//! Watchlog's own JSON export read back.
#![no_main]

use libfuzzer_sys::fuzz_target;
use watchlog_core::transfer::import::ImportFormat;

fuzz_target!(|data: &[u8]| {
    watchlog_fuzz::import_as(Some(ImportFormat::WatchlogJson), &["watchlog.json"], data);
});
