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
    // Edits are patches; the editor previews a rule's effect before saving.
    EntryPatch::export_all(&cfg)?;
    EntryPreview::export_all(&cfg)?;
    ListQuery::export_all(&cfg)?;
    StatusCounts::export_all(&cfg)?;
    Platform::export_all(&cfg)?;
    Settings::export_all(&cfg)?;
    Stats::export_all(&cfg)?;
    YearReview::export_all(&cfg)?;
    // Library listings at scale: pages with cursors, filter-chip counts.
    ListPage::export_all(&cfg)?;
    Facets::export_all(&cfg)?;
    LibraryInfo::export_all(&cfg)?;
    RatingScale::export_all(&cfg)?;
    crate::rating::RatingTable::export_all(&cfg)?;
    ErrorPayload::export_all(&cfg)?;
    // What to watch next: Up next, the calendar, one entry's episodes.
    UpNextRow::export_all(&cfg)?;
    UpNextQuery::export_all(&cfg)?;
    CalendarItem::export_all(&cfg)?;
    CalendarQuery::export_all(&cfg)?;
    EpisodeProgress::export_all(&cfg)?;
    EpisodeRef::export_all(&cfg)?;
    // Lists.
    ListSummary::export_all(&cfg)?;
    ListDetail::export_all(&cfg)?;
    NewList::export_all(&cfg)?;
    ListPatch::export_all(&cfg)?;
    ListPut::export_all(&cfg)?;
    // Undo and bulk changes of a selection.
    UndoStep::export_all(&cfg)?;
    BulkChange::export_all(&cfg)?;
    BulkOutcome::export_all(&cfg)?;
    // Exports and backups.
    crate::transfer::ExportOptions::export_all(&cfg)?;
    crate::transfer::ExportReport::export_all(&cfg)?;
    crate::transfer::ExportProgress::export_all(&cfg)?;
    crate::backup::BackupFile::export_all(&cfg)?;
    crate::backup::Recovery::export_all(&cfg)?;
    // Sync between devices.
    crate::model::SyncStatus::export_all(&cfg)?;
    crate::model::SyncReport::export_all(&cfg)?;
    // Imports.
    crate::model::ImportReport::export_all(&cfg)?;
    crate::model::ImportFormat::export_all(&cfg)?;
    crate::model::ImportProgress::export_all(&cfg)?;
    crate::model::ReadOptions::export_all(&cfg)?;
    crate::transfer::import::merge::Prefer::export_all(&cfg)?;
    crate::transfer::import::undo::UndoReport::export_all(&cfg)?;
    // Catalogue lookup.
    crate::catalog::SearchAnswer::export_all(&cfg)?;
    crate::catalog::CatalogRef::export_all(&cfg)?;
    crate::catalog::Details::export_all(&cfg)?;
    crate::catalog::RefreshProgress::export_all(&cfg)?;
    crate::catalog::RefreshSummary::export_all(&cfg)?;
    crate::catalog::MatchProgress::export_all(&cfg)?;
    crate::catalog::MatchRun::export_all(&cfg)?;
    crate::catalog::Unmatched::export_all(&cfg)?;
    crate::webhooks::ListenerStatus::export_all(&cfg)?;
    crate::catalog::CatalogStatus::export_all(&cfg)?;
    crate::catalog::AiringStatus::export_all(&cfg)?;
    crate::model::AiredEpisode::export_all(&cfg)?;
    // Poster cache.
    crate::posters::PosterStatus::export_all(&cfg)?;
    crate::posters::PruneReport::export_all(&cfg)?;
    crate::posters::FetchProgress::export_all(&cfg)?;
    crate::posters::FetchSummary::export_all(&cfg)?;
    Ok(())
}
