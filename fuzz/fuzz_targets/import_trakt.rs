//! The Trakt reader: watched, ratings and watchlist files, and a renamed file known by its items.
#![no_main]

use libfuzzer_sys::fuzz_target;
use watchlog_core::transfer::import::ImportFormat;

fuzz_target!(|data: &[u8]| {
    watchlog_fuzz::import_as(Some(ImportFormat::Trakt), &["watched-movies.json", "ratings-shows.json", "lists-watchlist.json", "history.json"], data);
});
