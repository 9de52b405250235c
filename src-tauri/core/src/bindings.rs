//! TypeScript bindings for the UI, generated from the model types so the two
//! sides cannot drift apart. `tests/bindings.rs` fails when the committed
//! files in `ui/src/lib/bindings/` differ from what this produces; run it
//! with `UPDATE_BINDINGS=1` to rewrite them.

use std::path::Path;

use ts_rs::{Config, ExportError, TS};

use crate::error::ErrorPayload;
use crate::model::*;
use crate::rating::RatingScale;

/// Writes every type the UI uses, with its dependencies, into `dir`.
pub fn export_all(dir: &Path) -> Result<(), ExportError> {
    // Ids and counts fit comfortably in a JavaScript number.
    let cfg = Config::new().with_out_dir(dir).with_large_int("number");
    Entry::export_all(&cfg)?;
    EntrySummary::export_all(&cfg)?;
    NewEntry::export_all(&cfg)?;
    ListQuery::export_all(&cfg)?;
    StatusCounts::export_all(&cfg)?;
    Platform::export_all(&cfg)?;
    Settings::export_all(&cfg)?;
    Stats::export_all(&cfg)?;
    LibraryInfo::export_all(&cfg)?;
    RatingScale::export_all(&cfg)?;
    ErrorPayload::export_all(&cfg)?;
    Ok(())
}
