//! `watchlog dev …`: tools for developing and measuring Watchlog, not for
//! everyday use. `dev generate` builds a large library from the real
//! catalogue rows in the shared datasets folder.

use std::path::{Path, PathBuf};
use std::time::Instant;

use clap::{Args, Subcommand};

use crate::commands::creating;
use crate::error::CliError;
use crate::output::{emit, json, Out};

type Result<T = (), E = CliError> = std::result::Result<T, E>;

#[derive(Debug, Subcommand)]
pub enum DevCommand {
    /// Build a large library (statuses, ratings, reviews, dates) from real
    /// catalogue rows, in one transaction, into an empty library.
    Generate(GenerateArgs),
    /// Write the man pages (watchlog.1 and one per command) into a folder,
    /// as the .deb installs them.
    Man {
        /// The folder to write into; made if missing.
        #[arg(long, value_name = "PATH")]
        out: PathBuf,
    },
}

#[derive(Debug, Args)]
pub struct GenerateArgs {
    /// How many titles.
    #[arg(long, value_name = "N", default_value_t = 100_000,
          value_parser = clap::value_parser!(u32).range(1..=1_000_000))]
    pub titles: u32,
    /// The same seed builds the same library.
    #[arg(long, value_name = "N", default_value_t = 1)]
    pub seed: u64,
    /// Also give the series episode lists and a watch history, this many
    /// episode rows in all (shows being watched first); 0 leaves them out.
    #[arg(long, value_name = "N", default_value_t = 0,
          value_parser = clap::value_parser!(u32).range(0..=10_000_000))]
    pub episodes: u32,
    /// The datasets folder [default: ../shared/fixtures/datasets from the
    /// current folder].
    #[arg(long, value_name = "PATH")]
    pub datasets: Option<PathBuf>,
}

pub fn run(db: &Path, out: &Out, cmd: DevCommand) -> Result {
    match cmd {
        DevCommand::Man { out: folder } => {
            let failed = |e: std::io::Error| {
                CliError::failure(format!(
                    "could not write the man pages into {}: {e}",
                    folder.display()
                ))
            };
            std::fs::create_dir_all(&folder).map_err(failed)?;
            let cmd = <crate::args::Cli as clap::CommandFactory>::command();
            clap_mangen::generate_to(cmd, &folder).map_err(failed)?;
            emit(&format!("Wrote the man pages into {}\n", folder.display()))
        }
        DevCommand::Generate(a) => {
            let datasets = a
                .datasets
                .unwrap_or_else(|| watchlog_core::devdata::default_datasets_dir(Path::new(".")));
            // Checked before the library is created, so a wrong path leaves
            // nothing behind.
            if !datasets.is_dir() {
                return Err(CliError::bad_input(format!(
                    "the datasets folder {} does not exist; give its path with --datasets",
                    datasets.display()
                )));
            }
            let started = Instant::now();
            let (added, episodes) = creating(db, |lib| {
                let added = lib.generate_sample(&datasets, a.titles as usize, a.seed)?;
                let episodes = match a.episodes {
                    0 => 0,
                    n => lib.generate_episode_history(n as usize, a.seed)?,
                };
                Ok((added, episodes))
            })?;
            let seconds = started.elapsed().as_secs_f64();
            if out.json {
                return json(&serde_json::json!({
                    "added": added,
                    "episodes": episodes,
                    "seed": a.seed,
                    "seconds": (seconds * 10.0).round() / 10.0,
                    "path": db.display().to_string(),
                }));
            }
            let with = if episodes > 0 {
                format!(" and {episodes} episodes")
            } else {
                String::new()
            };
            emit(&format!(
                "Generated {added} titles{with} (seed {}) into {} in {seconds:.1} s\n",
                a.seed,
                db.display()
            ))
        }
    }
}
