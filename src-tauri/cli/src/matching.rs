//! `watchlog match` and `watchlog unmatched`: the shows and films an
//! import brought in without a catalogue id, matched to TVmaze (or TMDB
//! with a key; films through TMDB only) by the core's matching loop; the
//! ambiguous ones settled by hand.

use std::io::IsTerminal;
use std::path::Path;

use clap::{ArgGroup, Args};
use indicatif::{ProgressBar, ProgressStyle};
use watchlog_core::catalog::{
    CatalogRef, MatchProgress, MatchSelection, MatchState, MatchedAs, Unmatched,
};
use watchlog_core::model::Kind;
use watchlog_core::progress::CancelToken;
use watchlog_core::Library;

use crate::args::core_word;
use crate::catalog::catalog;
use crate::commands::require_library;
use crate::error::CliError;
use crate::output::{emit, json, Out};

type Result<T = (), E = CliError> = std::result::Result<T, E>;

#[derive(Debug, Args)]
#[command(group(ArgGroup::new("which").required(true).args(["ids", "all"])))]
pub struct MatchArgs {
    /// Entry ids to match.
    #[arg(value_name = "ID")]
    pub ids: Vec<i64>,
    /// Every show and film waiting for a match (the ambiguous ones wait
    /// for you).
    #[arg(long)]
    pub all: bool,
    /// Settle one entry: attach this show or film (tvmaze:ID, tmdb:ID or
    /// tmdb:movie/ID, e.g. a candidate `watchlog unmatched` lists).
    #[arg(long, value_name = "PROVIDER:ID", value_parser = core_word::<CatalogRef>,
          conflicts_with_all = ["all", "keep"])]
    pub pick: Option<CatalogRef>,
    /// Keep these entries as they are: never matched, off the list.
    #[arg(long, conflicts_with = "all")]
    pub keep: bool,
}

/// `unmatched`: the *Needs a match* list.
pub fn unmatched(db: &Path, out: &Out) -> Result {
    require_library(db)?;
    let rows = Library::open(db)?.unmatched()?;
    if out.json {
        return json(&rows);
    }
    if rows.is_empty() {
        return emit("every show and film in the library is matched to a catalogue\n");
    }
    let mut text = String::new();
    for u in &rows {
        text.push_str(&line(u));
        for c in &u.candidates {
            text.push_str(&format!(
                "    {}:{}  {}{}{}\n",
                c.provider,
                c.provider_id,
                c.name,
                c.year.map(|y| format!(" ({y})")).unwrap_or_default(),
                c.network
                    .as_deref()
                    .map(|n| format!(", {n}"))
                    .unwrap_or_default()
            ));
        }
    }
    emit(&text)
}

fn line(u: &Unmatched) -> String {
    let state = match u.state {
        MatchState::Waiting => "waiting",
        MatchState::Ambiguous if u.kind == Kind::Film => "several films fit",
        MatchState::Ambiguous => "several shows fit",
        MatchState::NotFound if u.kind == Kind::Film => "no film found",
        MatchState::NotFound => "no show found",
        MatchState::Kept => "kept as it is",
    };
    format!(
        "{} {}{}: {state}{}\n",
        u.entry_id,
        u.title,
        u.year.map(|y| format!(" ({y})")).unwrap_or_default(),
        u.note
            .as_deref()
            .map(|n| format!(" ({n})"))
            .unwrap_or_default()
    )
}

/// `match`: the core's loop over the chosen entries (each written as soon
/// as it is known, so an interrupted run keeps what it did), or one
/// entry settled by hand.
pub fn run(db: &Path, out: &Out, a: MatchArgs) -> Result {
    require_library(db)?;
    if a.keep {
        let mut lib = Library::open(db)?;
        for &id in &a.ids {
            lib.record_match(id, MatchState::Kept, &[], None)?;
        }
        return emit(&format!("kept {} as they are\n", a.ids.len()));
    }
    let catalog = catalog(db)?;
    if let Some(show) = &a.pick {
        let [id] = a.ids[..] else {
            return Err(CliError::usage("--pick settles one entry: give its id"));
        };
        let e = catalog.pick(db, id, show)?;
        if out.json {
            return json(&e);
        }
        return emit(&format!("{id} {}: matched to {show}\n", e.title.facts.name));
    }
    let which = if a.all {
        MatchSelection::All
    } else {
        MatchSelection::Entries(a.ids)
    };
    let bar = (std::io::stderr().is_terminal() && !out.json).then(|| {
        ProgressBar::new(0).with_style(
            ProgressStyle::with_template("{bar:30} {pos}/{len} titles  {msg}")
                .unwrap_or_else(|_| ProgressStyle::default_bar()),
        )
    });
    let draw = |p: MatchProgress| {
        if let Some(b) = &bar {
            b.set_length(p.total.into());
            b.set_position(p.done.into());
            b.set_message(format!("about {} s left", p.remaining_secs));
        }
    };
    let run = catalog.match_all(db, &which, Some(&draw), &CancelToken::new())?;
    if let Some(b) = &bar {
        b.finish_and_clear();
    }
    if out.json {
        json(&run)?;
    } else {
        let mut text = String::new();
        for t in &run.titles {
            let outcome = match t.outcome {
                MatchedAs::Matched => {
                    format!("matched to {}", t.source.as_deref().unwrap_or("a catalogue"))
                }
                MatchedAs::Ambiguous => format!(
                    "{} fit: pick one with `watchlog match {} --pick PROVIDER:ID` (see `watchlog unmatched`)",
                    t.candidates, t.entry_id
                ),
                MatchedAs::NotFound => match &t.error {
                    Some(why) => format!("not matched: {why}"),
                    None => "nothing found".into(),
                },
                MatchedAs::Failed => {
                    format!("not matched: {}", t.error.as_deref().unwrap_or_default())
                }
            };
            text.push_str(&format!("{} {}: {outcome}\n", t.entry_id, t.title));
        }
        text.push_str(&format!(
            "{} matched, {} to pick from, {} not found, {} failed\n",
            run.matched, run.ambiguous, run.not_found, run.failed
        ));
        if run.episodes_placed > 0 {
            text.push_str(&format!(
                "{} watched episodes known only by their TVDB ids were placed under their shows\n",
                run.episodes_placed
            ));
        }
        if run.episodes_waiting > 0 {
            text.push_str(&format!(
                "{} watched episodes known only by their TVDB ids still wait: TMDB has not told which show they belong to{}\n",
                run.episodes_waiting,
                if catalog.catalog().config().tmdb_key.is_some() { "" } else { " (that needs your own TMDB key)" }
            ));
        }
        if run.films_need_key > 0 {
            let n = run.films_need_key;
            text.push_str(&format!(
                "{n} {}: films are matched through TMDB, which needs your own API key (`watchlog settings --tmdb-key KEY`)\n",
                if n == 1 { "film waits" } else { "films wait" }
            ));
        }
        emit(&text)?;
    }
    if run.offline {
        return Err(CliError::failure(
            "the catalogue could not be reached; the shows not reached still wait: run `watchlog match --all` again when online",
        ));
    }
    if run.failed > 0 {
        return Err(CliError::failure(format!(
            "{} shows could not be matched (the others were)",
            run.failed
        )));
    }
    Ok(())
}
