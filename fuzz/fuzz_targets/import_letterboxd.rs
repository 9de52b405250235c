//! The Letterboxd reader: diary, watchlist, list and liked-films files (or a zip of an export).
#![no_main]

use libfuzzer_sys::fuzz_target;
use watchlog_core::transfer::import::ImportFormat;

fuzz_target!(|data: &[u8]| {
    watchlog_fuzz::import_as(Some(ImportFormat::Letterboxd), &["diary.csv", "watchlist.csv", "lists/fuzz.csv", "likes/films.csv"], data);
});
