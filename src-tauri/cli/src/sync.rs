//! `watchlog sync`: one library on several computers through a folder a
//! file-sync engine keeps in step. `init` links this library to the
//! folder, `now` applies the other devices' changes and writes this one's,
//! `status` shows the devices and the merge decisions.

use std::path::{Path, PathBuf};

use clap::{Args, Subcommand};
use watchlog_core::{SyncReport, SyncStatus};

use crate::commands::{creating, existing};
use crate::error::CliError;
use crate::output::{emit, json, Out};

type Result<T = (), E = CliError> = std::result::Result<T, E>;

#[derive(Debug, Args)]
pub struct SyncArgs {
    #[command(subcommand)]
    pub command: SyncCommand,
}

#[derive(Debug, Subcommand)]
pub enum SyncCommand {
    /// Link this library to a sync folder (Syncthing, Dropbox, a network
    /// share), as a device with a name; the library file stays where it is.
    Init {
        folder: PathBuf,
        /// This device's name, as the others show it [default: the computer's name].
        #[arg(long, value_name = "NAME")]
        device: Option<String>,
    },
    /// Apply the other devices' changes, then write this one's.
    Now,
    /// The folder, this device, the others with their last change, and the
    /// latest merge decisions.
    Status,
}

pub fn run(db: &Path, out: &Out, a: SyncArgs) -> Result {
    match a.command {
        // A new computer starts here: its library is made, then filled by `now`.
        SyncCommand::Init { folder, device } => creating(db, |lib| {
            let s = lib.sync_init(&folder, device.as_deref())?;
            if out.json {
                return json(&s);
            }
            let me = s.device.as_ref().map_or("", |d| d.name.as_str());
            emit(&format!(
                "Linked as \u{201c}{me}\u{201d} to {}\nRun `watchlog sync now` to write this library there and read the others.\n",
                s.folder.as_deref().unwrap_or_default()
            ))
        }),
        SyncCommand::Now => existing(db, |lib| {
            let r = lib.sync_now()?;
            if out.json {
                return json(&r);
            }
            emit(&report(&r))
        }),
        SyncCommand::Status => existing(db, |lib| {
            let s = lib.sync_status()?;
            if out.json {
                return json(&s);
            }
            emit(&status(&s))
        }),
    }
}

fn report(r: &SyncReport) -> String {
    let mut text = format!(
        "Read {} change file{} from other devices ({} rows)",
        r.files_in,
        if r.files_in == 1 { "" } else { "s" },
        r.rows_in
    );
    if r.decisions > 0 {
        text.push_str(&format!(
            ", {} merge decision{} (see `watchlog sync status`)",
            r.decisions,
            if r.decisions == 1 { "" } else { "s" }
        ));
    }
    text.push('\n');
    match r.written {
        Some(n) => text.push_str(&format!("Wrote change file {n} ({} rows)\n", r.rows_out)),
        None => text.push_str("Nothing new here to write\n"),
    }
    for p in &r.problems {
        text.push_str(&format!("Waiting: {p}\n"));
    }
    text
}

fn status(s: &SyncStatus) -> String {
    if !s.linked {
        return "Not linked to a sync folder; link it with `watchlog sync init FOLDER`.\n".into();
    }
    let mut text = String::new();
    if let Some(me) = &s.device {
        text.push_str(&format!(
            "This device: {} ({} change file{} written)\nFolder: {}\n",
            me.name,
            me.files,
            if me.files == 1 { "" } else { "s" },
            s.folder.as_deref().unwrap_or_default()
        ));
    }
    if s.pending > 0 {
        text.push_str(&format!("Not yet written: {} changed rows\n", s.pending));
    }
    if s.devices.is_empty() {
        text.push_str("No other device has written to the folder yet.\n");
    }
    for d in &s.devices {
        text.push_str(&format!(
            "  {}: {} files read, last change {}\n",
            d.name,
            d.files,
            d.last_change.as_deref().unwrap_or("none yet")
        ));
        if let Some(p) = &d.problem {
            text.push_str(&format!("    waiting: {p}\n"));
        }
    }
    if !s.decisions.is_empty() {
        text.push_str("Merge decisions, latest first:\n");
        for d in &s.decisions {
            let field = if d.field.is_empty() {
                String::new()
            } else {
                format!(" {}", d.field)
            };
            let values = match (&d.kept, &d.other) {
                (Some(k), Some(o)) => {
                    format!(": kept \u{201c}{k}\u{201d} over \u{201c}{o}\u{201d}")
                }
                (Some(k), None) => format!(": kept \u{201c}{k}\u{201d}"),
                _ => String::new(),
            };
            text.push_str(&format!(
                "  {} {}{field}{values} ({}, with {})\n",
                d.at, d.what, d.outcome, d.device
            ));
        }
    }
    text
}
