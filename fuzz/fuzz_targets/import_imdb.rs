//! The IMDb reader: ratings and list exports.
#![no_main]

use libfuzzer_sys::fuzz_target;
use watchlog_core::transfer::import::ImportFormat;

fuzz_target!(|data: &[u8]| {
    watchlog_fuzz::import_as(Some(ImportFormat::Imdb), &["ratings.csv", "watchlist.csv"], data);
});
