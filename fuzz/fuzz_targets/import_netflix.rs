//! The Netflix reader: viewing activity and viewing history, with the
//! file's own profile and date order, then with one asked for.
#![no_main]

use libfuzzer_sys::fuzz_target;
use watchlog_core::transfer::import::ImportFormat;

fuzz_target!(|data: &[u8]| {
    watchlog_fuzz::import_as(
        Some(ImportFormat::Netflix),
        &["ViewingActivity.csv", "NetflixViewingHistory.csv"],
        data,
    );
});
