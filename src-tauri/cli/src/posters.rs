//! `watchlog posters fetch|status|prune`: the poster cache from the command
//! line. Downloads run before each title's row is written, so a title whose
//! poster fails is reported with its reason and the others go on; the
//! library only ever records whole results.

use std::io::IsTerminal;
use std::path::Path;
use std::sync::Arc;

use clap::{ArgGroup, Args, Subcommand};
use indicatif::{ProgressBar, ProgressStyle};
use watchlog_core::net::HttpClient;
use watchlog_core::posters::{
    fetch_all_blocking, PosterCache, PosterResult, PosterSelection, DEFAULT_BUDGET_BYTES,
    DEFAULT_CONCURRENCY,
};
use watchlog_core::progress::CancelToken;
use watchlog_core::Library;

use crate::commands::existing;
use crate::error::CliError;
use crate::output::{emit, json, Out};

type Result<T = (), E = CliError> = std::result::Result<T, E>;

#[derive(Debug, Subcommand)]
pub enum PostersCommand {
    /// Download posters into the cache (entries by id, --all or --missing).
    Fetch(FetchArgs),
    /// How many posters are cached, missing or failed, and the cache's size.
    Status,
    /// Shrink the cache to a size, least recently shown posters first.
    Prune {
        /// The size to keep, e.g. 200MB, 1.5GB, 800KB [default: 500MB].
        #[arg(long, value_name = "SIZE", value_parser = parse_size)]
        max_size: Option<u64>,
    },
}

#[derive(Debug, Args)]
#[command(group(ArgGroup::new("which").required(true).args(["ids", "all", "missing"])))]
pub struct FetchArgs {
    /// Entry ids (their posters are downloaded again if changed).
    #[arg(value_name = "ID")]
    pub ids: Vec<i64>,
    /// Every entry with a poster address (cached ones are revalidated).
    #[arg(long)]
    pub all: bool,
    /// Only entries whose poster is not cached yet (or failed before).
    #[arg(long)]
    pub missing: bool,
}

/// "200MB", "1.5 GB", "800kb", "1048576" → bytes (binary units, as `du`).
pub fn parse_size(text: &str) -> Result<u64, String> {
    let t = text.trim().to_ascii_lowercase();
    let split = t
        .find(|c: char| !(c.is_ascii_digit() || c == '.'))
        .unwrap_or(t.len());
    let (num, unit) = t.split_at(split);
    let n: f64 = num
        .parse()
        .map_err(|_| format!("'{text}' is not a size; write e.g. 200MB or 1.5GB"))?;
    let mult: u64 = match unit.trim() {
        "" | "b" => 1,
        "k" | "kb" | "kib" => 1 << 10,
        "m" | "mb" | "mib" => 1 << 20,
        "g" | "gb" | "gib" => 1 << 30,
        _ => return Err(format!("'{text}' has an unknown unit; use KB, MB or GB")),
    };
    Ok((n * mult as f64) as u64)
}

fn human_bytes(b: u64) -> String {
    match b {
        b if b >= 1 << 30 => format!("{:.1} GB", b as f64 / (1u64 << 30) as f64),
        b if b >= 1 << 20 => format!("{:.1} MB", b as f64 / (1u64 << 20) as f64),
        b if b >= 1 << 10 => format!("{:.0} KB", b as f64 / 1024.0),
        b => format!("{b} bytes"),
    }
}

/// The poster cache of the library at `db`, the app's own, with the
/// posters it used from the folder all libraries once shared.
pub(crate) fn cache_of(lib: &Library, db: &Path) -> Result<PosterCache> {
    let root = PosterCache::default_dir()
        .ok_or_else(|| CliError::failure("cannot find a cache folder for the posters"))?;
    let cache = PosterCache::of_library(&root, db);
    lib.adopt_shared_posters(&cache)?;
    Ok(cache)
}

pub fn run(db: &Path, out: &Out, cmd: PostersCommand) -> Result {
    match cmd {
        PostersCommand::Fetch(a) => fetch(db, out, a),
        PostersCommand::Status => existing(db, |lib| {
            let s = lib.poster_status(&cache_of(lib, db)?)?;
            if out.json {
                return json(&s);
            }
            let mut text = format!(
                "{} titles with a poster address: {} cached, {} missing, {} failed\ncache: {}\n",
                s.with_address,
                s.cached,
                s.missing,
                s.failed,
                human_bytes(s.bytes)
            );
            for f in &s.failures {
                text.push_str(&format!("  #{} {}: {}\n", f.entry_id, f.name, f.reason));
            }
            emit(&text)
        }),
        PostersCommand::Prune { max_size } => existing(db, |lib| {
            let r = lib.prune_posters(
                &cache_of(lib, db)?,
                max_size.unwrap_or(DEFAULT_BUDGET_BYTES),
            )?;
            if out.json {
                return json(&r);
            }
            emit(&format!(
                "removed {} posters, freed {}; the cache holds {}\n",
                r.removed_posters,
                human_bytes(r.freed_bytes),
                human_bytes(r.kept_bytes)
            ))
        }),
    }
}

fn fetch(db: &Path, out: &Out, a: FetchArgs) -> Result {
    let sel = if a.all {
        PosterSelection::All
    } else if a.missing {
        PosterSelection::Missing
    } else {
        PosterSelection::Entries(a.ids)
    };
    existing(db, |lib| {
        let cache = cache_of(lib, db)?;
        let plan = lib.poster_plan(&sel, &cache)?;
        let mut failures = plan.skipped.len();
        for (id, why) in &plan.skipped {
            eprintln!("#{id}: {why}");
        }
        let total = plan.jobs.len();
        let tty = std::io::stderr().is_terminal() && !out.json;
        let bar = tty.then(|| {
            let b = ProgressBar::new(total as u64);
            b.set_style(
                ProgressStyle::with_template("{bar:30} {pos}/{len} posters  {msg}")
                    .unwrap_or_else(|_| ProgressStyle::default_bar()),
            );
            b
        });
        let bar2 = bar.clone();
        let cb: watchlog_core::posters::ProgressFn = Arc::new(move |p, o| {
            let line = match &o.result {
                PosterResult::Failed { reason } => {
                    Some(format!("#{} {}: {}", o.job.entry_id, o.job.name, reason))
                }
                _ if bar2.is_none() => Some(format!(
                    "#{} {}: {} ({}/{})",
                    o.job.entry_id,
                    o.job.name,
                    verb(&o.result),
                    p.done,
                    p.total
                )),
                _ => None,
            };
            match (&bar2, line) {
                (Some(b), Some(l)) => {
                    b.println(l);
                    b.set_position(p.done.into())
                }
                (Some(b), None) => {
                    b.set_message(o.job.name.clone());
                    b.set_position(p.done.into())
                }
                (None, Some(l)) => eprintln!("{l}"),
                (None, None) => {}
            }
        });
        let client = HttpClient::shared_for(&lib.settings()?)?;
        let outcomes = fetch_all_blocking(
            &client,
            &cache,
            plan.jobs,
            DEFAULT_CONCURRENCY,
            Some(cb),
            &CancelToken::new(),
            |o| lib.record_poster(o),
        )?;
        if let Some(b) = &bar {
            b.finish_and_clear();
        }
        lib.prune_posters(&cache, DEFAULT_BUDGET_BYTES)?;
        let count = |f: fn(&PosterResult) -> bool| outcomes.iter().filter(|o| f(&o.result)).count();
        let fetched = count(|r| matches!(r, PosterResult::Fetched { .. }));
        let current = count(|r| matches!(r, PosterResult::NotModified));
        failures += count(|r| matches!(r, PosterResult::Failed { .. }));
        if out.json {
            json(&outcomes)?;
        } else {
            emit(&format!(
                "{fetched} posters downloaded, {current} already current, {failures} failed\n"
            ))?;
        }
        if failures > 0 {
            return Err(CliError::failure(format!(
                "{failures} poster{} could not be fetched (reasons above)",
                if failures == 1 { "" } else { "s" }
            )));
        }
        Ok(())
    })
}

fn verb(r: &PosterResult) -> &'static str {
    match r {
        PosterResult::Fetched { .. } => "downloaded",
        PosterResult::NotModified => "already current",
        PosterResult::Failed { .. } => "failed",
        PosterResult::Cancelled => "cancelled",
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sizes_read_as_people_write_them() {
        assert_eq!(parse_size("200MB"), Ok(200 << 20));
        assert_eq!(parse_size("1.5 GB"), Ok(3 << 29));
        assert_eq!(parse_size("800kb"), Ok(800 << 10));
        assert_eq!(parse_size("1048576"), Ok(1 << 20));
        assert!(parse_size("lots").is_err());
        assert!(parse_size("5 parsecs").is_err());
    }
}
