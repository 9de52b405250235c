//! The TV Time reader: its tracking tables (Go map dumps, float ids, keys with Unix times), followed shows and the old seen-episode tables.
#![no_main]

use libfuzzer_sys::fuzz_target;
use watchlog_core::transfer::import::ImportFormat;

fuzz_target!(|data: &[u8]| {
    watchlog_fuzz::import_as(Some(ImportFormat::TvTime), &["tracking-prod-records-v2.csv", "tracking-prod-records.csv", "followed_tv_show.csv", "user_tv_show_data.csv", "seen_episode.csv"], data);
});
