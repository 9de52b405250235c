//! One function per command: finish checking the input, open the library,
//! call the core, hand the result to `output`. Everything that can be
//! checked without the library is checked before it is opened, and a command
//! that fails leaves no new library file behind.

use std::io::Read;
use std::path::{Path, PathBuf};

use watchlog_core::backup;
use watchlog_core::{
    EntryFields, EntryPatch, Library, ListQuery, NewEntry, Rating, TitleFacts, ViewingDetails,
    DB_ENV,
};

use crate::args::{
    AddArgs, Cli, Command, ListArgs, PlatformCommand, RateArgs, ReviewArgs, RewatchArgs, SetArgs,
    SettingsArgs,
};
use crate::error::CliError;
use crate::output::Out;

type Result<T, E = CliError> = std::result::Result<T, E>;

pub fn run(cli: Cli) -> Result<()> {
    // Needs no library, so it works where none can be found.
    if let Command::Completions { shell } = cli.command {
        return completions(shell);
    }
    let db = resolve_db(cli.db)?;
    let out = Out { json: cli.json };
    match cli.command {
        Command::Add(a) => add(&db, &out, a),
        Command::List(a) => list(&db, &out, a),
        Command::Show { id } => existing(&db, |lib| out.entry(&lib.entry(id)?, &lib.settings()?)),
        Command::Set(a) => set(&db, &out, a),
        Command::Rate(a) => rate(&db, &out, a),
        Command::Review(a) => review(&db, &out, a),
        Command::Delete { id } => existing(&db, |lib| {
            let name = lib.entry(id)?.title.facts.name;
            lib.delete_entry(id)?;
            out.deleted(id, &name)
        }),
        Command::Episode(a) => crate::episodes::episode(&db, &out, a),
        Command::Episodes { id } => crate::episodes::episodes(&db, &out, id),
        Command::Next(a) => crate::episodes::next(&db, &out, a),
        Command::Calendar(a) => crate::episodes::calendar(&db, &out, a),
        Command::Rewatch(a) => rewatch(&db, &out, a),
        Command::Stats(a) => existing(&db, |lib| match a.year {
            None => out.stats(&lib.stats()?, &lib.settings()?),
            Some(year) => out.year_review(&lib.year_review(year)?, &lib.settings()?),
        }),
        Command::Doctor => doctor(&db, &out),
        Command::Platform(p) => platform(&db, &out, p),
        Command::Settings(a) => settings(&db, &out, a),
        Command::Sample => creating(&db, |lib| {
            let added = lib.load_sample()?;
            out.sample(added, &db)
        }),
        Command::Export(a) => crate::transfer::export(&db, &out, a),
        Command::Lists(a) => crate::lists::run(&db, &out, a),
        Command::Sync(a) => crate::sync::run(&db, &out, a),
        Command::Backup(a) => crate::transfer::backup(&db, &out, a),
        Command::Restore { path } => crate::transfer::restore(&db, &out, &path),
        Command::Import(a) => crate::import::import(&db, &out, a),
        Command::Search(a) => crate::catalog::search(&db, &out, a),
        Command::Refresh(a) => crate::catalog::refresh(&db, &out, a),
        Command::Match(a) => crate::matching::run(&db, &out, a),
        Command::Unmatched => crate::matching::unmatched(&db, &out),
        Command::ServeWebhooks(a) => crate::webhooks::serve(&db, a),
        Command::Posters(c) => crate::posters::run(&db, &out, c),
        Command::Dev(c) => crate::dev::run(&db, &out, c),
        Command::Completions { .. } => unreachable!("answered before the library is looked for"),
    }
}

/// `--db`, else `$WATCHLOG_DB` (an empty value counts as unset), else the
/// desktop app's library.
fn resolve_db(flag: Option<PathBuf>) -> Result<PathBuf> {
    if let Some(p) = flag {
        return Ok(p);
    }
    if let Some(p) = std::env::var_os(DB_ENV).filter(|v| !v.is_empty()) {
        return Ok(PathBuf::from(p));
    }
    watchlog_core::default_library_path().ok_or_else(|| {
        CliError::failure(format!(
            "cannot find a data folder for the library; give --db PATH or set {DB_ENV}"
        ))
    })
}

/// Fails with a hint when there is no library at `path` (commands that only
/// read or change a library never create one).
pub(crate) fn require_library(path: &Path) -> Result<()> {
    if !path.exists() {
        return Err(CliError::failure(format!(
            "there is no library at {} (create one with `watchlog add` or `watchlog sample`, or give --db)",
            path.display()
        )));
    }
    Ok(())
}

/// Runs `f` on a library that must already exist: reading or editing a
/// library that is not there is a mistaken path, not a reason to make one.
pub(crate) fn existing<T>(path: &Path, f: impl FnOnce(&mut Library) -> Result<T>) -> Result<T> {
    require_library(path)?;
    let mut lib = Library::open(path)?;
    f(&mut lib)
}

/// Runs `f` on the library, creating it if needed. If it was created here and
/// `f` fails, the new file is removed again, so a refused command leaves the
/// disk as it found it.
pub(crate) fn creating<T>(path: &Path, f: impl FnOnce(&mut Library) -> Result<T>) -> Result<T> {
    let existed = path.exists();
    let result = Library::open(path)
        .map_err(CliError::from)
        .and_then(|mut lib| f(&mut lib));
    if result.is_err() && !existed {
        for suffix in ["", "-wal", "-shm"] {
            let mut p = path.as_os_str().to_owned();
            p.push(suffix);
            let _ = std::fs::remove_file(p);
        }
    }
    result
}

fn add(db: &Path, out: &Out, a: AddArgs) -> Result<()> {
    if let Some(from) = &a.from {
        return crate::catalog::add_from(db, out, from, a.status, a.platform);
    }
    let new = NewEntry {
        title: TitleFacts {
            kind: a.kind,
            name: a.title.unwrap_or_default(),
            original_name: a.original_title,
            year: a.year,
            country: a.country,
            episodes: a.episodes,
            poster_url: a.poster_url,
            ..Default::default()
        },
        fields: EntryFields {
            status: a.status,
            platform: a.platform,
            ..Default::default()
        },
    };
    creating(db, |lib| {
        let mut new = new;
        if new.fields.platform.is_none() {
            new.fields.platform = lib.settings()?.default_platform;
        }
        let id = lib.add_entry(&new)?;
        out.added(id)
    })
}

fn list(db: &Path, out: &Out, a: ListArgs) -> Result<()> {
    existing(db, |lib| {
        // Ratings are typed in the user's scale, which lives in the library.
        let settings = lib.settings()?;
        let rating = |flag: &str, v: &Option<String>| -> Result<Option<Rating>> {
            v.as_deref()
                .map(|v| {
                    Rating::parse_in(v, settings.rating_scale)
                        .map_err(|e| CliError::bad_input(format!("{flag}: {e}")))
                })
                .transpose()
        };
        let query = ListQuery {
            rating_min: rating("--min-rating", &a.min_rating)?,
            rating_max: rating("--max-rating", &a.max_rating)?,
            list: a
                .list
                .as_deref()
                .map(|l| lib.find_list(l).map(|l| l.id))
                .transpose()?,
            ..list_query(&a)
        };
        out.list(&lib.list(&query)?, &settings)
    })
}

/// The filters of `list` that need nothing from the library.
fn list_query(a: &ListArgs) -> ListQuery {
    ListQuery {
        status: a.status,
        platform: a.platform.clone(),
        search: a.search.clone(),
        sort: a.sort,
        reverse: a.reverse,
        limit: a.limit,
        country: a.country.clone(),
        genre: a.genre.clone(),
        tag: a.tag.clone(),
        year_min: a.from_year,
        year_max: a.to_year,
        favorite: a.favorite.then_some(true),
        on_my_services: a.on_my_services.then_some(true),
        ..Default::default()
    }
}

fn set(db: &Path, out: &Out, a: SetArgs) -> Result<()> {
    let nothing = a.status.is_none()
        && a.progress.is_none()
        && a.platform.is_none()
        && a.started.is_none()
        && a.finished.is_none()
        && a.tags.is_none()
        && a.favorite.is_none()
        && a.notes.is_none();
    if nothing {
        return Err(CliError::bad_input(
            "nothing to change: give at least one of --status, --progress, --platform, --started, --finished, --tags, --favorite, --notes",
        ));
    }
    let patch = EntryPatch {
        status: a.status,
        progress: a.progress,
        platform: a.platform.map(|p| Some(p).filter(|p| !p.trim().is_empty())),
        started_on: a.started.map(|d| d.0),
        finished_on: a.finished.map(|d| d.0),
        tags: a.tags.as_deref().map(split_tags),
        favorite: a.favorite,
        notes: a.notes.map(Some),
        ..EntryPatch::default()
    };
    existing(db, |lib| {
        let entry = lib.update_entry(a.id, &patch).map_err(|e| {
            // The start date is often one `--status watching` filled in
            // earlier; saying which flag to add is friendlier.
            let hint = e.field() == Some("finished_on") && a.started.is_none();
            let mut e = CliError::from(e);
            if hint {
                e.payload.message.push_str(" (give --started as well)");
            }
            e
        })?;
        out.changed(&entry, &lib.settings()?)
    })
}

/// Checks the library. One SQLite cannot read at all is moved aside with
/// its side files (so the next command starts a new one, or a restore
/// replaces it) and the newest good backup is named with the command that
/// restores it.
fn doctor(db: &Path, out: &Out) -> Result<()> {
    if let Some(Err(e @ watchlog_core::Error::Corrupt { .. })) =
        db.exists().then(|| Library::open(db))
    {
        let r = backup::recover_damaged(db, &e)?;
        let offer = match &r.backup {
            Some(b) => format!(
                "The newest good backup is {}{}: restore it with `watchlog restore {}`",
                b.name,
                b.taken_at
                    .map(|t| t.format(" (taken %Y-%m-%d %H:%M UTC)").to_string())
                    .unwrap_or_default(),
                backup::default_backup_dir(db).join(&b.name).display()
            ),
            None => "No good backup was found; the next command starts a new library".into(),
        };
        return Err(CliError::failure(format!(
            "{} is damaged ({}). It was moved aside to {}. {offer}.",
            db.display(),
            r.problem,
            r.damaged_kept_at
        )));
    }
    existing(db, |lib| {
        let info = lib.info()?;
        out.doctor(&info)?;
        if info.integrity != ["ok"] {
            return Err(CliError::failure(format!(
                "{} is damaged: {}",
                info.path,
                info.integrity.join("; ")
            )));
        }
        Ok(())
    })
}

fn split_tags(text: &str) -> Vec<String> {
    text.split(',')
        .map(str::trim)
        .filter(|t| !t.is_empty())
        .map(str::to_string)
        .collect()
}

fn rate(db: &Path, out: &Out, a: RateArgs) -> Result<()> {
    let clear = a.value.trim().eq_ignore_ascii_case("none");
    // With --scale the value is checked before the library is opened; without
    // it the scale comes from the library, which is only read until the
    // value has been accepted.
    let early = match a.scale {
        Some(scale) if !clear => Some(Rating::parse_in(&a.value, scale)?),
        _ => None,
    };
    existing(db, |lib| {
        let rating = if clear {
            None
        } else if let Some(r) = early {
            Some(r)
        } else {
            Some(Rating::parse_in(&a.value, lib.settings()?.rating_scale)?)
        };
        let patch = EntryPatch {
            rating: Some(rating),
            ..EntryPatch::default()
        };
        let entry = lib.update_entry(a.id, &patch)?;
        out.changed(&entry, &lib.settings()?)
    })
}

fn review(db: &Path, out: &Out, a: ReviewArgs) -> Result<()> {
    let text = if let Some(t) = a.text {
        t
    } else if let Some(path) = a.file {
        std::fs::read_to_string(&path).map_err(|e| {
            CliError::bad_input(format!(
                "cannot read the review from {}: {e}",
                path.display()
            ))
        })?
    } else {
        let mut t = String::new();
        std::io::stdin()
            .read_to_string(&mut t)
            .map_err(|e| CliError::bad_input(format!("cannot read the review from stdin: {e}")))?;
        t
    };
    let text = text.trim_end().to_string();
    existing(db, |lib| {
        let patch = EntryPatch {
            review_spoiler: Some(a.spoiler && !text.is_empty()),
            review: Some(Some(text).filter(|t| !t.trim().is_empty())),
            ..EntryPatch::default()
        };
        let entry = lib.update_entry(a.id, &patch)?;
        out.changed(&entry, &lib.settings()?)
    })
}

fn rewatch(db: &Path, out: &Out, a: RewatchArgs) -> Result<()> {
    if a.start {
        let clock = watchlog_core::clock::Clock::system();
        let on = a.on.unwrap_or(clock.today());
        return existing(db, |lib| {
            let entry = lib.start_rewatch(a.id, on, &clock)?;
            out.changed(&entry, &lib.settings()?)
        });
    }
    let viewing = ViewingDetails {
        started_on: a.started,
        finished_on: a.finished,
        platform: a.platform.filter(|p| !p.trim().is_empty()),
        progress: a.progress,
    };
    existing(db, |lib| {
        let entry = lib.add_viewing(a.id, &viewing)?;
        out.changed(&entry, &lib.settings()?)
    })
}

fn platform(db: &Path, out: &Out, cmd: PlatformCommand) -> Result<()> {
    match cmd {
        PlatformCommand::List => existing(db, |lib| out.platforms(&lib.platforms()?)),
        PlatformCommand::Add { name, subscribed } => creating(db, |lib| {
            let p = lib.add_platform(&name, subscribed)?;
            out.platform_added(&p)
        }),
        PlatformCommand::Set {
            id,
            name,
            subscribed,
        } => {
            if name.is_none() && subscribed.is_none() {
                return Err(CliError::bad_input(
                    "nothing to change: give --name or --subscribed",
                ));
            }
            existing(db, |lib| {
                let old = lib.platforms()?.into_iter().find(|p| p.id == id).ok_or(
                    watchlog_core::Error::NotFound {
                        what: "platform",
                        id,
                    },
                )?;
                let p = lib.update_platform(
                    id,
                    name.as_deref().unwrap_or(&old.name),
                    subscribed.unwrap_or(old.subscribed),
                )?;
                out.platform_changed(&p)
            })
        }
        PlatformCommand::Remove { id } => existing(db, |lib| {
            lib.delete_platform(id)?;
            out.platform_removed(id)
        }),
    }
}

fn settings(db: &Path, out: &Out, a: SettingsArgs) -> Result<()> {
    if a.is_empty() {
        return existing(db, |lib| out.settings(&lib.settings()?));
    }
    // A mistyped key is refused before anything is saved.
    Library::check_tmdb_key(a.tmdb_key.as_deref())?;
    creating(db, |lib| {
        let mut s = lib.settings()?;
        if let Some(scale) = a.rating_scale {
            s.rating_scale = scale;
        }
        if let Some(theme) = a.theme {
            s.theme = theme;
        }
        if let Some(p) = a.default_platform {
            s.default_platform = Some(p).filter(|p| !p.trim().is_empty());
        }
        if let Some(h) = a.allow_hosts {
            s.allowed_hosts = h.split(',').map(str::to_string).collect();
        }
        let saved = lib.save_settings(&s)?;
        if let Some(k) = &a.tmdb_key {
            lib.set_tmdb_key(Some(k.as_str()))?;
        }
        out.settings(&saved)
    })
}

fn completions(shell: clap_complete::Shell) -> Result<()> {
    let mut cmd = <Cli as clap::CommandFactory>::command();
    let mut script = Vec::new();
    clap_complete::generate(shell, &mut cmd, "watchlog", &mut script);
    crate::output::emit(&String::from_utf8_lossy(&script))
}
