//! What the fuzz targets share: feeding one input to an import reader
//! through the core's public door, under each file name the reader tells
//! apart. Each target is one `fuzz_targets/*.rs` calling into here or
//! straight into the core; see `scripts/fuzz.sh` for how they are seeded
//! and run.

use watchlog_core::transfer::import::input::SourceFile;
use watchlog_core::transfer::import::{Import, ImportFormat};

/// Reads `data` as the one file of an export in `format`, once under each
/// of `names`: readers choose what a file means by its name (a Letterboxd
/// watchlist or diary, a Trakt ratings or history file), so one input
/// exercises every branch. A zip is unpacked by the same door. Errors are
/// the expected answer to most inputs; a panic, hang or runaway allocation
/// is the bug.
pub fn import_as(format: Option<ImportFormat>, names: &[&str], data: &[u8]) {
    for name in names {
        let files = vec![SourceFile {
            name: (*name).to_string(),
            bytes: data.to_vec(),
        }];
        if let Ok(import) = Import::from_files(format, files) {
            // Touch what the preview shows, as the faces do.
            let _ = (import.incoming().entries.len(), import.skipped().len());
            let _ = import.notes().len();
        }
    }
}
