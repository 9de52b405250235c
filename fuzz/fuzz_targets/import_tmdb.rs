//! The TMDB reader: ratings, watchlist and favourites exports.
#![no_main]

use libfuzzer_sys::fuzz_target;
use watchlog_core::transfer::import::ImportFormat;

fuzz_target!(|data: &[u8]| {
    watchlog_fuzz::import_as(Some(ImportFormat::Tmdb), &["ratings.csv", "watchlist.csv", "favorite.csv"], data);
});
