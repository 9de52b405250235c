//! `watchlog import FORMAT PATH [--apply] [--prefer …] [--profile NAME]
//! [--date-order dmy|mdy|ymd] [--min-minutes N]` and `watchlog import
//! undo`: bring a library over from another service (or a Watchlog export).
//!
//! Without `--apply` it only prints the plan: what would be added, updated
//! (and how), left unchanged, found ambiguous or skipped, and the conflict
//! policy. `--apply` takes an automatic backup, then imports in one
//! transaction; `import undo` restores that backup. Progress of big imports
//! goes to stderr, so stdout stays the report (or its JSON with `--json`).

use std::io::Write;
use std::path::{Path, PathBuf};

use clap::{Args, Subcommand};
use watchlog_core::transfer::import::merge::Prefer;
use watchlog_core::transfer::import::{
    undo, Import, ImportAction, ImportFormat, ImportReport, Mode, ReadOptions, RunOptions,
};
use watchlog_core::DateOrder;

use crate::commands::creating;
use crate::error::CliError;
use crate::output::{emit, Out};

type Result<T = (), E = CliError> = std::result::Result<T, E>;

/// Below this many entries an import is quick enough to need no progress.
const PROGRESS_FROM: usize = 1_000;

#[derive(Debug, Args)]
#[command(args_conflicts_with_subcommands = true)]
pub struct ImportArgs {
    #[command(subcommand)]
    pub command: Option<ImportCommand>,
    /// watchlog-json, watchlog-csv, letterboxd, trakt, imdb, simkl, mdl,
    /// tmdb, tvtime, netflix, or auto (detected from the content).
    #[arg(value_name = "FORMAT")]
    pub format: Option<String>,
    /// The export: a file, a folder or a zip.
    #[arg(value_name = "PATH")]
    pub path: Option<PathBuf>,
    /// Import for real (after an automatic backup); without it, only the plan is shown.
    #[arg(long)]
    pub apply: bool,
    /// Whose rating wins when the library and the file disagree: newer
    /// (the more recent change), existing (the library's) or incoming (the file's).
    #[arg(long, value_name = "WHO", default_value = "newer")]
    pub prefer: String,
    /// The profile to read from an export holding several (Netflix's
    /// ViewingActivity.csv); without it such a file is refused with their names.
    #[arg(long, value_name = "NAME")]
    pub profile: Option<String>,
    /// How the file writes dates (dmy, mdy or ymd), when it cannot be told
    /// from the file itself (every date like 03/04/20).
    #[arg(long, value_name = "ORDER")]
    pub date_order: Option<String>,
    /// Plays shorter than this many minutes are not watches (Netflix;
    /// 5 unless given).
    #[arg(long, value_name = "N")]
    pub min_minutes: Option<u32>,
}

#[derive(Debug, Subcommand)]
pub enum ImportCommand {
    /// Put the library back as it was before the last applied import.
    Undo,
}

pub fn import(db: &Path, out: &Out, a: ImportArgs) -> Result {
    if let Some(ImportCommand::Undo) = a.command {
        return undo_last(db, out);
    }
    let (Some(format), Some(path)) = (a.format.as_deref(), a.path.as_deref()) else {
        return Err(CliError::bad_input(
            "give a format and the export's path (watchlog import FORMAT PATH), or `watchlog import undo`",
        ));
    };
    let format = match format.trim().to_ascii_lowercase().as_str() {
        "auto" => None,
        f => Some(f.parse::<ImportFormat>()?),
    };
    let prefer: Prefer = a.prefer.parse()?;
    let read = ReadOptions {
        profile: a.profile,
        date_order: a
            .date_order
            .as_deref()
            .map(str::parse::<DateOrder>)
            .transpose()?,
        min_play_minutes: a.min_minutes,
    };
    // Read and check the file before the library is opened: a bad file
    // never touches it.
    let import = Import::read_with(format, path, &read)?;
    creating(db, |lib| {
        let progress = move |done: usize, total: usize| {
            if total >= PROGRESS_FROM {
                // One line per step: readable in a log, and a sign for
                // scripts that the import's transaction is running.
                let mut err = std::io::stderr().lock();
                let _ = writeln!(err, "importing: {done} of {total} entries");
                let _ = err.flush();
            }
        };
        let mode = if a.apply { Mode::Apply } else { Mode::Preview };
        let opts = RunOptions {
            prefer,
            progress: Some(&progress),
            cancel: None,
        };
        let report = import.run(lib, mode, &opts)?;
        if out.json {
            return crate::output::json(&report);
        }
        print(&report);
        if report.applied && report.added > 0 {
            let waiting = lib
                .unmatched()?
                .iter()
                .filter(|u| u.state == watchlog_core::catalog::MatchState::Waiting)
                .count();
            if waiting > 0 {
                emit(&format!(
                    "{waiting} shows have no catalogue match yet: `watchlog match --all` fetches their facts, episodes and posters\n"
                ))?;
            }
        }
        Ok(())
    })
}

fn print(r: &ImportReport) {
    let mut s = String::new();
    let format = r.format.as_deref().unwrap_or("file");
    if r.applied {
        if r.added + r.updated == 0 {
            s.push_str(&format!(
                "Imported the {format} export: nothing to change\n"
            ));
        } else {
            s.push_str(&format!("Imported the {format} export\n"));
        }
    } else {
        s.push_str(&format!(
            "Plan for the {format} export (nothing changed yet; add --apply to import)\n"
        ));
    }
    if let Some(p) = &r.policy {
        s.push_str(&format!("Conflicts: {p}\n"));
    }
    s.push_str(&format!(
        "  added {}, updated {}, unchanged {}, ambiguous {}, skipped {}; {} episodes watched\n",
        r.added, r.updated, r.unchanged, r.ambiguous, r.skipped, r.episodes
    ));
    if r.lists_added + r.lists_updated > 0 {
        s.push_str(&format!(
            "  lists: {} new, {} changed\n",
            r.lists_added, r.lists_updated
        ));
    }
    for n in &r.notes {
        s.push_str(&format!("Note: {n}\n"));
    }
    for i in &r.items {
        let line = match i.action {
            ImportAction::Added => format!("  add       {}", i.title),
            ImportAction::Updated => format!(
                "  update    {} (entry {}): {}",
                i.title,
                i.entry_id,
                i.changes.join("; ")
            ),
            ImportAction::Unchanged => continue,
            ImportAction::Ambiguous => format!(
                "  ambiguous {}: {}",
                i.title,
                i.reason.as_deref().unwrap_or("")
            ),
            ImportAction::Skipped => format!(
                "  skip      {}: {}",
                i.title,
                i.reason.as_deref().unwrap_or("")
            ),
        };
        s.push_str(&line);
        s.push('\n');
    }
    if let Some(b) = &r.backup {
        s.push_str(&format!(
            "A backup was taken first ({b}); `watchlog import undo` puts the library back\n"
        ));
    }
    let _ = std::io::stdout().lock().write_all(s.as_bytes());
}

fn undo_last(db: &Path, out: &Out) -> Result {
    if !db.exists() {
        return Err(CliError::failure(format!(
            "there is no library at {}",
            db.display()
        )));
    }
    let u = undo::undo_last_import(db)?;
    if out.json {
        return crate::output::json(&u);
    }
    println!(
        "Undid the last import: restored the backup {}{}",
        u.restored,
        u.previous_kept_as
            .map(|p| format!(" (the library as it was is kept beside it as {p})"))
            .unwrap_or_default()
    );
    Ok(())
}
