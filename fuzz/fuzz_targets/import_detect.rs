//! Format detection: an import with no format chosen, as the app's and the
//! CLI's default, reads the file with whichever reader its content names.
#![no_main]

use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    watchlog_fuzz::import_as(None, &["export.csv", "export.json"], data);
});
