//! `watchlog search`, `watchlog add --from` and `watchlog refresh`: the
//! online catalogues (TVmaze, TMDB) from the command line.
//!
//! Every network call happens before the library is written, and each
//! write is one core transaction, so a catalogue that times out or answers
//! garbage leaves the library exactly as it was. The TMDB key comes from
//! `$WATCHLOG_TMDB_KEY`, else from the library (`watchlog settings
//! --tmdb-key`); it is never printed.

use std::io::IsTerminal;
use std::path::Path;

use clap::{ArgGroup, Args};
use indicatif::{ProgressBar, ProgressStyle};
use serde::Serialize;
use watchlog_core::catalog::blocking::BlockingCatalog;
use watchlog_core::catalog::{
    CatalogConfig, CatalogRef, Provider, RefreshProgress, RefreshSelection, SearchResult,
};
use watchlog_core::progress::CancelToken;
use watchlog_core::{EntryFields, Library, Status};

use crate::args::core_word;
use crate::commands::{creating, require_library};
use crate::error::CliError;
use crate::output::{emit, json, truncate, Align, Out, Table};

type Result<T = (), E = CliError> = std::result::Result<T, E>;

#[derive(Debug, Args)]
pub struct SearchArgs {
    /// tvmaze (no key needed) or tmdb (needs your API key: `watchlog settings --tmdb-key`).
    #[arg(long, default_value = "tvmaze", value_parser = core_word::<Provider>)]
    pub provider: Provider,
    /// Part of the title; several words are searched together.
    #[arg(required = true, num_args = 1.., value_name = "QUERY")]
    pub query: Vec<String>,
}

#[derive(Debug, Args)]
#[command(group(ArgGroup::new("which").required(true).args(["ids", "all", "airing"])))]
pub struct RefreshArgs {
    /// Entry ids to refresh.
    #[arg(value_name = "ID")]
    pub ids: Vec<i64>,
    /// Every entry that has a TVmaze or TMDB id.
    #[arg(long)]
    pub all: bool,
    /// Only shows that are running or upcoming (being watched, planned or
    /// on hold), passing over the TVmaze shows that have not changed.
    #[arg(long)]
    pub airing: bool,
}

/// The catalogue settings: the environment first (it is what a user sets
/// for one run), then the library's key and language, when there is one.
pub fn catalog(db: &Path) -> Result<BlockingCatalog> {
    let config = if db.exists() {
        CatalogConfig::for_library(&Library::open(db)?)?
    } else {
        CatalogConfig::from_env()
    };
    Ok(BlockingCatalog::new(config)?)
}

pub fn search(db: &Path, out: &Out, a: SearchArgs) -> Result {
    let query = a.query.join(" ");
    let results = catalog(db)?.search(a.provider, &query)?;
    if out.json {
        return json(&results);
    }
    if results.is_empty() {
        return emit(&format!(
            "{} has no show matching \"{}\"\n",
            a.provider.label(),
            query.trim()
        ));
    }
    emit(&results_table(&results))
}

fn results_table(results: &[SearchResult]) -> String {
    let mut t = Table::new(&[
        ("ID", Align::Left),
        ("NAME", Align::Left),
        ("ORIGINAL", Align::Left),
        ("YEAR", Align::Right),
        ("CC", Align::Left),
        ("NETWORK", Align::Left),
        ("KIND", Align::Left),
    ]);
    let opt = |v: &Option<String>| v.clone().unwrap_or_default();
    for r in results {
        // The original name is only worth a column when it differs.
        let original = r.original_name.clone().filter(|o| *o != r.name);
        t.row(vec![
            r.catalog_ref().to_string(),
            truncate(&r.name, 40),
            truncate(&original.unwrap_or_default(), 30),
            r.year.map(|y| y.to_string()).unwrap_or_default(),
            opt(&r.country),
            truncate(&opt(&r.network), 24),
            r.kind.as_str().to_string(),
        ]);
    }
    t.render()
}

/// `add --from tvmaze:ID`: the complete title (facts, ids, episodes) and
/// the user's first record of it, in one write.
pub fn add_from(
    db: &Path,
    out: &Out,
    from: &CatalogRef,
    status: Status,
    platform: Option<String>,
) -> Result {
    // Fetched before the library is touched: a failure here writes nothing.
    let details = catalog(db)?.details(from)?;
    creating(db, |lib| {
        let platform = match platform {
            Some(p) => Some(p),
            None => lib.settings()?.default_platform,
        };
        let fields = EntryFields {
            status,
            platform,
            ..Default::default()
        };
        // The core fills today's dates for watching/completed, as `set` does.
        let id = lib.add_from_catalog(&details, &fields)?;
        out.added(id)?;
        // A stored poster address is what the poster cache works from: the
        // title is now among `posters fetch --missing`. Said on stderr so
        // stdout stays the id alone.
        if details.facts.poster_url.is_some() {
            eprintln!("poster queued: `watchlog posters fetch --missing` downloads it");
        }
        Ok(())
    })
}

/// One title's outcome, for `--json`.
#[derive(Debug, Serialize)]
struct Refreshed {
    id: i64,
    name: String,
    /// The catalogue show it was refreshed from.
    from: Option<String>,
    ok: bool,
    /// Why it was not refreshed.
    error: Option<String>,
}

/// `refresh`: the core's refresh loop, which fetches and writes each title
/// on its own, so one failure is reported and the others still refresh.
/// The user's fields are never written (the core only touches catalogue
/// facts). On a terminal a bar on stderr shows where it is; the report of
/// every title follows when it ends.
pub fn refresh(db: &Path, out: &Out, a: RefreshArgs) -> Result {
    let catalog = catalog(db)?;
    require_library(db)?;
    let which = if a.airing {
        RefreshSelection::Airing
    } else if a.all {
        RefreshSelection::All
    } else {
        RefreshSelection::Entries(a.ids)
    };
    let bar = (std::io::stderr().is_terminal() && !out.json).then(|| {
        ProgressBar::new(0).with_style(
            ProgressStyle::with_template("{bar:30} {pos}/{len} titles  {msg}")
                .unwrap_or_else(|_| ProgressStyle::default_bar()),
        )
    });
    let draw = |p: RefreshProgress| {
        if let Some(b) = &bar {
            b.set_length(p.total.into());
            b.set_position(p.done.into());
            b.set_message(p.name);
        }
    };
    let run = catalog.refresh_all(db, &which, Some(&draw), &CancelToken::new())?;
    if let Some(b) = &bar {
        b.finish_and_clear();
    }
    let done: Vec<Refreshed> = run
        .titles
        .iter()
        .map(|t| Refreshed {
            id: t.entry_id,
            name: t.name.clone(),
            from: t.source.as_ref().map(|s| s.to_string()),
            ok: t.error.is_none(),
            error: t.error.clone(),
        })
        .collect();
    if done.is_empty() {
        let none = if a.airing {
            format!(
                "no airing show needed refreshing ({} unchanged)\n",
                run.summary.unchanged
            )
        } else {
            "no entry has a TVmaze or TMDB id to refresh from\n".into()
        };
        return emit_or_json(out, &done, &none);
    }
    if out.json {
        json(&done)?;
    } else {
        // Titles typed in by hand (asked for by id) come last: they were
        // not looked up at all.
        let (fetched, by_hand): (Vec<_>, Vec<_>) =
            run.titles.iter().partition(|t| t.source.is_some());
        let total = fetched.len();
        let mut text = String::new();
        for (n, t) in fetched.iter().enumerate() {
            let from = t.source.as_ref().map(|s| s.to_string()).unwrap_or_default();
            let outcome = match &t.error {
                None => format!(
                    "refreshed from {from}{}",
                    t.episodes
                        .map(|n| format!(" ({n} episodes)"))
                        .unwrap_or_default()
                ),
                Some(err) => format!("not refreshed: {err}"),
            };
            let line = format!("[{}/{total}] {} {}: {outcome}", n + 1, t.entry_id, t.name);
            text.push_str(&line.split_whitespace().collect::<Vec<_>>().join(" "));
            text.push('\n');
        }
        for t in by_hand {
            text.push_str(&format!(
                "{} {}: not refreshed: {}\n",
                t.entry_id,
                t.name,
                t.error.as_deref().unwrap_or_default()
            ));
        }
        emit(&text)?;
    }
    let failed = run.summary.failed;
    if failed > 0 {
        return Err(CliError::failure(format!(
            "{failed} of {} titles could not be refreshed (the others were)",
            done.len()
        )));
    }
    Ok(())
}

fn emit_or_json(out: &Out, done: &[Refreshed], text: &str) -> Result {
    if out.json {
        json(done)
    } else {
        emit(text)
    }
}
