//! Everything the CLI prints on stdout: pretty JSON in the core types' own
//! serde shape with `--json`, else tables and blocks for people. Columns are
//! aligned on display width, so Hangul and kana titles (two columns per
//! character) line up with Latin ones.

use std::fmt::Write as _;
use std::io::Write as _;
use std::path::Path;

use chrono::{DateTime, NaiveDate, Utc};
use serde::Serialize;
use unicode_width::{UnicodeWidthChar, UnicodeWidthStr};
use watchlog_core::clock::Clock;
use watchlog_core::{
    CalendarItem, CalendarQuery, Entry, EntrySummary, EpisodeProgress, LibraryInfo, Platform,
    Rating, RatingScale, Role, Settings, Stats, UpNextRow, UpNextSection, YearReview,
};

use crate::error::CliError;

type Result<T = (), E = CliError> = std::result::Result<T, E>;

/// The widest a title cell may grow before it is cut with an ellipsis; the
/// full title is in `show` and `--json`.
const TITLE_WIDTH: usize = 56;

pub struct Out {
    pub json: bool,
}

impl Out {
    pub fn added(&self, id: i64) -> Result {
        if self.json {
            return json(&serde_json::json!({ "id": id }));
        }
        emit(&format!("{id}\n"))
    }

    pub fn list(&self, rows: &[EntrySummary], settings: &Settings) -> Result {
        if self.json {
            return json(&rows);
        }
        if rows.is_empty() {
            return emit("No entries.\n");
        }
        let scale = settings.rating_scale;
        let mut t = Table::new(&[
            ("ID", Align::Right),
            ("STATUS", Align::Left),
            ("TITLE", Align::Left),
            ("YEAR", Align::Left),
            ("CC", Align::Left),
            ("EPS", Align::Right),
            (&format!("/{}", scale.max()), Align::Right),
            ("PLATFORM", Align::Left),
        ]);
        for r in rows {
            t.row(vec![
                r.id.to_string(),
                r.status.cli_word(),
                truncate(
                    &title_with_original(&r.name, r.original_name.as_deref()),
                    TITLE_WIDTH,
                ),
                opt(r.year),
                r.country.clone().unwrap_or_default(),
                progress(r.progress, r.episodes),
                rating(r.rating, scale),
                r.platform.clone().unwrap_or_default(),
            ]);
        }
        emit(&t.render())
    }

    pub fn entry(&self, e: &Entry, settings: &Settings) -> Result {
        if self.json {
            return json(e);
        }
        emit(&entry_block(e, settings.rating_scale))
    }

    /// After an edit: the whole entry as JSON, or one line saying where it
    /// stands now.
    pub fn changed(&self, e: &Entry, settings: &Settings) -> Result {
        if self.json {
            return json(e);
        }
        let f = &e.fields;
        let facts = &e.title.facts;
        let mut parts = vec![
            f.status.cli_word(),
            format!("{} episodes", progress(f.progress, facts.episodes)),
        ];
        if let Some(r) = f.rating {
            let scale = settings.rating_scale;
            parts.push(r.out_of(scale));
        }
        if let Some(p) = &f.platform {
            parts.push(p.clone());
        }
        if e.rewatch_count > 0 {
            parts.push(plural(e.rewatch_count, "rewatch", "rewatches"));
        }
        emit(&format!("{} {}: {}\n", e.id, facts.name, parts.join(" · ")))
    }

    pub fn deleted(&self, id: i64, name: &str) -> Result {
        if self.json {
            return json(&serde_json::json!({ "deleted": id }));
        }
        emit(&format!("Deleted {id} {name}\n"))
    }

    pub fn sample(&self, added: usize, path: &Path) -> Result {
        if self.json {
            return json(
                &serde_json::json!({ "added": added, "path": path.display().to_string() }),
            );
        }
        emit(&format!(
            "Loaded {added} sample titles into {}\n",
            path.display()
        ))
    }

    pub fn stats(&self, s: &Stats, settings: &Settings) -> Result {
        if self.json {
            return json(s);
        }
        let scale = settings.rating_scale;
        let c = &s.by_status;
        let mut out = String::new();
        let mut kv = Kv::new(14);
        kv.line(
            "Titles",
            format!(
                "{} (plan-to-watch {} · watching {} · completed {} · on-hold {} · dropped {})",
                s.titles, c.plan_to_watch, c.watching, c.completed, c.on_hold, c.dropped
            ),
        );
        if let Some(avg) = s.average_rating {
            // The core reports the average on the 10-point scale.
            let v = avg * f64::from(scale.max()) / 10.0;
            kv.line("Average", format!("{v:.1}/{}", scale.max()));
        }
        kv.line(
            "Watched",
            format!(
                "{} episodes · {} hours",
                s.episodes_watched, s.hours_watched
            ),
        );
        kv.line(
            "Reviews",
            format!("{} · favorites {}", s.reviews, s.favorites),
        );
        let counts = |v: &[watchlog_core::Count]| {
            v.iter()
                .map(|c| format!("{} {}", c.label, c.count))
                .collect::<Vec<_>>()
                .join(" · ")
        };
        kv.line("By kind", counts(&s.by_kind));
        kv.line("By platform", counts(&s.by_platform));
        kv.line("By country", counts(&s.by_country));
        out.push_str(&kv.0);
        let ratings: Vec<_> = s
            .rating_distribution
            .iter()
            .filter(|c| c.count > 0)
            .collect();
        if !ratings.is_empty() {
            out.push_str("\nRatings (10-point scale)\n");
            out.push_str(&bars(ratings.iter().map(|c| (c.label.as_str(), c.count))));
        }
        if !s.finished_per_month.is_empty() {
            out.push_str("\nFinished per month\n");
            out.push_str(&bars(
                s.finished_per_month
                    .iter()
                    .map(|c| (c.label.as_str(), c.count)),
            ));
        }
        emit(&out)
    }

    /// One year for people: the figures, best rated, favourites and the
    /// months as bars; an empty year says so.
    pub fn year_review(&self, r: &YearReview, settings: &Settings) -> Result {
        if self.json {
            return json(r);
        }
        let mut out = format!("{} in review\n", r.year);
        if r.days_watched == 0 {
            out.push_str(&watchlog_core::transfer::year::nothing_watched(r.year));
            out.push('\n');
            return emit(&out);
        }
        let plural =
            |n: u32, one: &str, many: &str| format!("{n} {}", if n == 1 { one } else { many });
        let mut kv = Kv::new(14);
        kv.line(
            "Finished",
            format!(
                "{} ({} new · {} rewatched)",
                plural(r.titles_finished, "title", "titles"),
                r.new_titles,
                r.rewatches
            ),
        );
        kv.line(
            "Watched",
            format!(
                "{} · {} hours · {} with a watch",
                plural(r.episodes_watched, "episode", "episodes"),
                r.hours_watched,
                plural(r.days_watched, "day", "days")
            ),
        );
        if let Some(s) = &r.longest_streak {
            kv.line(
                "Longest run",
                format!(
                    "{} in a row ({} to {})",
                    plural(s.days, "day", "days"),
                    s.first,
                    s.last
                ),
            );
        }
        if let Some(m) = &r.busiest_month {
            kv.line(
                "Busiest month",
                format!(
                    "{} ({} hours · {} finished · {})",
                    m.month,
                    m.hours,
                    m.finished,
                    plural(m.episodes, "episode", "episodes")
                ),
            );
        }
        if let Some(f) = &r.first_finish {
            kv.line(
                "First finish",
                format!("{} {} ({})", f.on, f.name, f.entry_id),
            );
        }
        if let Some(f) = &r.last_finish {
            kv.line(
                "Last finish",
                format!("{} {} ({})", f.on, f.name, f.entry_id),
            );
        }
        let counts = |v: &[watchlog_core::Count]| {
            v.iter()
                .map(|c| format!("{} {}", c.label, c.count))
                .collect::<Vec<_>>()
                .join(" · ")
        };
        kv.line("Countries", counts(&r.top_countries));
        kv.line("Platforms", counts(&r.top_platforms));
        kv.line("Genres", counts(&r.top_genres));
        out.push_str(&kv.0);
        if !r.best_rated.is_empty() {
            out.push_str("\nBest rated\n");
            for t in &r.best_rated {
                let _ = writeln!(
                    out,
                    "  {:>7}  {} ({}, finished {})",
                    format!(
                        "{}/{}",
                        t.rating.format_in(settings.rating_scale),
                        settings.rating_scale.max()
                    ),
                    t.name,
                    t.entry_id,
                    t.finished_on
                );
            }
        }
        out.push_str("\nHours per month\n");
        let hours: Vec<(String, u32)> = r
            .months
            .iter()
            .map(|m| (m.month.clone(), (m.hours * 10.0).round() as u32))
            .collect();
        // Bars of tenths of an hour, labelled with the hours themselves.
        for (line, m) in bars(hours.iter().map(|(l, n)| (l.as_str(), *n)))
            .lines()
            .zip(&r.months)
        {
            let bar = line.rsplit_once(' ').map_or(line, |(b, _)| b);
            let _ = writeln!(
                out,
                "{bar} {} h · {} finished · {} episodes",
                m.hours, m.finished, m.episodes
            );
        }
        emit(&out)
    }

    pub fn doctor(&self, info: &LibraryInfo) -> Result {
        if self.json {
            return json(info);
        }
        let mut kv = Kv::new(11);
        kv.line("Library", info.path.clone());
        kv.line(
            "Schema",
            format!(
                "version {} (this watchlog reads up to {})",
                info.schema_version, info.supported_version
            ),
        );
        kv.line("Integrity", info.integrity.join("; "));
        kv.line("Entries", info.entries.to_string());
        kv.line("Size", human_size(info.size_bytes));
        emit(&kv.0)
    }

    pub fn platforms(&self, list: &[Platform]) -> Result {
        if self.json {
            return json(&list);
        }
        let mut t = Table::new(&[
            ("ID", Align::Right),
            ("NAME", Align::Left),
            ("SUBSCRIBED", Align::Left),
            ("ENTRIES", Align::Right),
        ]);
        for p in list {
            t.row(vec![
                p.id.to_string(),
                p.name.clone(),
                if p.subscribed { "yes" } else { "" }.into(),
                p.entries.to_string(),
            ]);
        }
        emit(&t.render())
    }

    pub fn platform_added(&self, p: &Platform) -> Result {
        if self.json {
            return json(p);
        }
        emit(&format!("{}\n", p.id))
    }

    pub fn platform_changed(&self, p: &Platform) -> Result {
        if self.json {
            return json(p);
        }
        let sub = if p.subscribed {
            "subscribed"
        } else {
            "not subscribed"
        };
        emit(&format!("{} {}: {sub}\n", p.id, p.name))
    }

    pub fn platform_removed(&self, id: i64) -> Result {
        if self.json {
            return json(&serde_json::json!({ "removed": id }));
        }
        emit(&format!("Removed platform {id}\n"))
    }

    pub fn settings(&self, s: &Settings) -> Result {
        if self.json {
            return json(s);
        }
        // Labelled with the flag names, so what is shown is what to type.
        let mut kv = Kv::new(18);
        kv.line("rating-scale", s.rating_scale.to_string());
        kv.line("theme", s.theme.to_string());
        kv.line(
            "default-platform",
            s.default_platform
                .clone()
                .unwrap_or_else(|| "(none)".into()),
        );
        let hosts = s.allowed_hosts.join(",");
        kv.line(
            "allow-hosts",
            if hosts.is_empty() {
                "(none)".into()
            } else {
                hosts
            },
        );
        emit(&kv.0)
    }

    /// An entry's episodes: one table per season, air times in the
    /// viewer's zone, the days each was watched.
    pub fn episodes(&self, name: &str, list: &[EpisodeProgress], clock: &Clock) -> Result {
        if self.json {
            return json(list);
        }
        if list.is_empty() {
            return emit(&format!(
                "{name} has no episode list (add it from a catalogue, or refresh it).\n"
            ));
        }
        let mut out = format!("{name}\n");
        let mut seasons: Vec<u32> = list.iter().map(|e| e.season).collect();
        seasons.dedup();
        // Specials last, as the catalogues list them.
        seasons.sort_by_key(|s| (*s == 0, *s));
        seasons.dedup();
        for season in seasons {
            let heading = if season == 0 {
                "Specials".to_string()
            } else {
                format!("Season {season}")
            };
            let _ = writeln!(out, "\n{heading}");
            let mut t = Table::new(&[
                ("EP", Align::Right),
                ("AIRS", Align::Left),
                ("NAME", Align::Left),
                ("WATCHED", Align::Left),
            ]);
            for e in list.iter().filter(|e| e.season == season) {
                let airs = match (e.airstamp, e.airdate) {
                    (Some(t), _) => local_time(t, clock, "%a %-d %b %Y %H:%M"),
                    (None, Some(d)) => d.format("%a %-d %b %Y").to_string(),
                    (None, None) => String::new(),
                };
                let name = if e.listed {
                    e.name.clone().unwrap_or_default()
                } else {
                    "(no longer listed)".to_string()
                };
                let watched = match (e.watched, e.watched_on.is_empty()) {
                    (true, true) => "yes".to_string(),
                    (_, false) => e
                        .watched_on
                        .iter()
                        .map(NaiveDate::to_string)
                        .collect::<Vec<_>>()
                        .join(", "),
                    (false, true) => String::new(),
                };
                t.row(vec![
                    e.number.to_string(),
                    airs,
                    truncate(&name, TITLE_WIDTH),
                    watched,
                ]);
            }
            out.push_str(&t.render());
        }
        emit(&out)
    }

    /// Up next, one block per section.
    pub fn up_next(&self, rows: &[UpNextRow], clock: &Clock) -> Result {
        if self.json {
            return json(rows);
        }
        if rows.is_empty() {
            return emit("Nothing up next: no show is being watched.\n");
        }
        let mut out = String::new();
        let mut start = 0;
        while start < rows.len() {
            let section = rows[start].section;
            let end = rows[start..]
                .iter()
                .position(|r| r.section != section)
                .map_or(rows.len(), |n| start + n);
            if start > 0 {
                out.push('\n');
            }
            let _ = writeln!(out, "{}", section_heading(section));
            let mut t = Table::new(&[
                ("ID", Align::Right),
                ("TITLE", Align::Left),
                ("EPISODE", Align::Left),
                ("AIRS", Align::Left),
                ("NEW", Align::Right),
            ]);
            for r in &rows[start..end] {
                let episode = match (r.season, r.number) {
                    (Some(s), Some(n)) => match &r.episode_name {
                        Some(name) => format!("S{s}E{n} '{}'", truncate(name, 40)),
                        None => format!("S{s}E{n}"),
                    },
                    _ => String::new(),
                };
                let airs = match (r.airstamp, r.airdate) {
                    (Some(t), _) => {
                        let shown = local_time(t, clock, "%a %-d %b %Y %H:%M");
                        match countdown(clock.now(), t) {
                            Some(c) if !r.aired => format!("{shown} ({c})"),
                            _ => shown,
                        }
                    }
                    (None, Some(d)) => d.format("%a %-d %b %Y").to_string(),
                    (None, None) => String::new(),
                };
                t.row(vec![
                    r.entry_id.to_string(),
                    truncate(&r.title, TITLE_WIDTH),
                    episode,
                    airs,
                    if r.new_count > 0 {
                        r.new_count.to_string()
                    } else {
                        String::new()
                    },
                ]);
            }
            out.push_str(&t.render());
            start = end;
        }
        emit(&out)
    }
}

fn entry_block(e: &Entry, scale: RatingScale) -> String {
    let facts = &e.title.facts;
    let f = &e.fields;
    let mut out = String::new();
    let _ = writeln!(
        out,
        "{}",
        title_with_original(&facts.name, facts.original_name.as_deref())
    );
    let mut line: Vec<String> = vec![facts.kind.to_string()];
    line.extend(facts.year.map(|y| y.to_string()));
    line.extend(facts.country.clone());
    line.extend(facts.language.clone());
    line.extend(facts.network.clone());
    line.extend(facts.seasons.map(|s| plural(s, "season", "seasons")));
    line.extend(facts.episodes.map(|n| plural(n, "episode", "episodes")));
    line.extend(facts.runtime_minutes.map(|m| format!("{m} min")));
    line.extend(facts.airing.map(|a| a.to_string()));
    let _ = writeln!(out, "{}", line.join(" · "));
    if !facts.genres.is_empty() {
        let _ = writeln!(out, "{}", facts.genres.join(", "));
    }
    out.push('\n');

    let mut kv = Kv::new(13);
    kv.line("Id", e.id.to_string());
    kv.line("Status", f.status.cli_word());
    kv.line(
        "Progress",
        format!("{} episodes", progress(f.progress, facts.episodes)),
    );
    kv.line("Rating", rating_long(f.rating, scale));
    let subs: Vec<String> = [
        ("story", f.scores.story),
        ("acting", f.scores.acting),
        ("music", f.scores.music),
        ("rewatch value", f.scores.rewatch_value),
    ]
    .into_iter()
    .filter_map(|(name, r)| r.map(|r| format!("{name} {}", r.format_in(scale))))
    .collect();
    if !subs.is_empty() {
        kv.line("Sub-scores", subs.join(" · "));
    }
    kv.line("Platform", f.platform.clone().unwrap_or_default());
    kv.line("Started", opt(f.started_on));
    kv.line("Finished", opt(f.finished_on));
    kv.line("Favorite", if f.favorite { "yes" } else { "no" }.into());
    kv.line("Tags", f.tags.join(", "));
    kv.line("Rewatches", e.rewatch_count.to_string());
    kv.line("Added", e.added_at.format("%Y-%m-%d %H:%M UTC").to_string());
    kv.line(
        "Updated",
        e.updated_at.format("%Y-%m-%d %H:%M UTC").to_string(),
    );
    if let Some(url) = &facts.poster_url {
        kv.line("Poster", url.clone());
    }
    for (provider, id) in [
        ("TVmaze", &facts.external_ids.tvmaze),
        ("TMDB", &facts.external_ids.tmdb),
        ("IMDb", &facts.external_ids.imdb),
        ("TVDB", &facts.external_ids.tvdb),
        ("MyDramaList", &facts.external_ids.mydramalist),
        ("Letterboxd", &facts.external_ids.letterboxd),
    ] {
        if let Some(id) = id {
            kv.line(provider, id.clone());
        }
    }
    for (role, label) in [
        (Role::Writer, "Written by"),
        (Role::Director, "Directed by"),
        (Role::Cast, "Cast"),
    ] {
        let names: Vec<String> = facts
            .people
            .iter()
            .filter(|p| p.role == role)
            .map(|p| match &p.character {
                Some(c) => format!("{} ({c})", p.name),
                None => p.name.clone(),
            })
            .collect();
        if !names.is_empty() {
            kv.line(label, names.join(", "));
        }
    }
    out.push_str(&kv.0);

    if let Some(s) = &facts.synopsis {
        section(&mut out, "Synopsis", s);
    }
    if let Some(r) = &f.review {
        let heading = if f.review_spoiler {
            "Review (contains spoilers)"
        } else {
            "Review"
        };
        section(&mut out, heading, r);
    }
    if let Some(n) = &f.notes {
        section(&mut out, "Notes", n);
    }
    if !e.viewings.is_empty() {
        out.push_str("\nRewatches\n");
        let mut t = Table::new(&[
            ("ID", Align::Right),
            ("STARTED", Align::Left),
            ("FINISHED", Align::Left),
            ("EPS", Align::Right),
            ("PLATFORM", Align::Left),
        ]);
        for v in &e.viewings {
            let d = &v.details;
            t.row(vec![
                v.id.to_string(),
                opt(d.started_on),
                opt(d.finished_on),
                progress(d.progress, facts.episodes),
                d.platform.clone().unwrap_or_default(),
            ]);
        }
        for l in t.render().lines() {
            let _ = writeln!(out, "  {l}");
        }
    }
    out
}

/// A headed block of the user's own text, Markdown kept as typed.
fn section(out: &mut String, heading: &str, body: &str) {
    let _ = writeln!(out, "\n{heading}");
    for l in body.lines() {
        if l.trim().is_empty() {
            out.push('\n');
        } else {
            let _ = writeln!(out, "  {l}");
        }
    }
}

pub(crate) fn title_with_original(name: &str, original: Option<&str>) -> String {
    match original.filter(|o| *o != name) {
        Some(o) => format!("{name} ({o})"),
        None => name.to_string(),
    }
}

fn progress(done: u32, episodes: Option<u32>) -> String {
    match episodes {
        Some(n) => format!("{done}/{n}"),
        None => format!("{done}/?"),
    }
}

pub(crate) fn rating(r: Option<Rating>, scale: RatingScale) -> String {
    r.map(|r| r.format_in(scale)).unwrap_or_default()
}

fn rating_long(r: Option<Rating>, scale: RatingScale) -> String {
    match r {
        Some(r) => r.out_of(scale),
        None => "not rated".into(),
    }
}

fn opt<T: ToString>(v: Option<T>) -> String {
    v.map(|v| v.to_string()).unwrap_or_default()
}

fn plural(n: u32, one: &str, many: &str) -> String {
    format!("{n} {}", if n == 1 { one } else { many })
}

fn human_size(bytes: u64) -> String {
    const KIB: f64 = 1024.0;
    let b = bytes as f64;
    if b < KIB {
        format!("{bytes} bytes")
    } else if b < KIB * KIB {
        format!("{:.1} KiB", b / KIB)
    } else {
        format!("{:.1} MiB", b / KIB / KIB)
    }
}

fn bars<'a>(items: impl Iterator<Item = (&'a str, u32)>) -> String {
    let items: Vec<_> = items.collect();
    let label_w = items.iter().map(|(l, _)| l.width()).max().unwrap_or(0);
    let max = items.iter().map(|(_, n)| *n).max().unwrap_or(1).max(1);
    let mut out = String::new();
    for (label, n) in items {
        // Scaled to 30 cells so a big library still fits a terminal.
        let len = (n * 30).div_ceil(max) as usize;
        let _ = writeln!(
            out,
            "  {}{}  {} {n}",
            " ".repeat(label_w - label.width()),
            label,
            "█".repeat(len)
        );
    }
    out
}

/// Cuts `text` to at most `max` display columns, marking the cut with "…".
pub(crate) fn truncate(text: &str, max: usize) -> String {
    if text.width() <= max {
        return text.to_string();
    }
    let mut out = String::new();
    let mut w = 0;
    for c in text.chars() {
        let cw = c.width().unwrap_or(0);
        if w + cw > max - 1 {
            break;
        }
        out.push(c);
        w += cw;
    }
    out.push('…');
    out
}

#[derive(Clone, Copy)]
pub(crate) enum Align {
    Left,
    Right,
}

/// A plain text table: a header row, columns two spaces apart, no trailing
/// blanks.
pub(crate) struct Table {
    headers: Vec<(String, Align)>,
    rows: Vec<Vec<String>>,
}

impl Table {
    pub(crate) fn new(headers: &[(&str, Align)]) -> Self {
        Table {
            headers: headers.iter().map(|(h, a)| (h.to_string(), *a)).collect(),
            rows: Vec::new(),
        }
    }

    pub(crate) fn row(&mut self, cells: Vec<String>) {
        self.rows.push(cells);
    }

    pub(crate) fn render(&self) -> String {
        let header: Vec<String> = self.headers.iter().map(|(h, _)| h.clone()).collect();
        let all: Vec<&Vec<String>> = std::iter::once(&header).chain(&self.rows).collect();
        let widths: Vec<usize> = (0..self.headers.len())
            .map(|i| all.iter().map(|r| r[i].width()).max().unwrap_or(0))
            .collect();
        let mut out = String::new();
        for r in all {
            let mut line = String::new();
            for (i, cell) in r.iter().enumerate() {
                if i > 0 {
                    line.push_str("  ");
                }
                let pad = " ".repeat(widths[i] - cell.width());
                match self.headers[i].1 {
                    Align::Left => {
                        line.push_str(cell);
                        line.push_str(&pad);
                    }
                    Align::Right => {
                        line.push_str(&pad);
                        line.push_str(cell);
                    }
                }
            }
            out.push_str(line.trim_end());
            out.push('\n');
        }
        out
    }
}

/// Label-value lines with the values in one column.
struct Kv(String, usize);

impl Kv {
    fn new(label_width: usize) -> Self {
        Kv(String::new(), label_width)
    }

    fn line(&mut self, label: &str, value: String) {
        let pad = " ".repeat(self.1.saturating_sub(label.width()).max(1));
        let _ = writeln!(self.0, "{}", format!("{label}{pad}{value}").trim_end());
    }
}

pub(crate) fn json<T: Serialize + ?Sized>(value: &T) -> Result {
    emit(&json_text(value)?)
}

/// The pretty JSON `--json` prints, for writing elsewhere than stdout.
pub(crate) fn json_text<T: Serialize + ?Sized>(value: &T) -> Result<String> {
    let mut text = serde_json::to_string_pretty(value)
        .map_err(|e| CliError::failure(format!("cannot write JSON: {e}")))?;
    text.push('\n');
    Ok(text)
}

/// The calendar for people, one line an episode, times in the viewer's
/// zone: "Wed 2 Dec 21:10 · Moon in the Day S1E3 'name'".
pub(crate) fn calendar_text(items: &[CalendarItem], query: &CalendarQuery) -> String {
    if items.is_empty() {
        let last = query.from + chrono::Duration::days(i64::from(query.days) - 1);
        return format!("No episodes air from {} to {last}.\n", query.from);
    }
    let mut out = String::new();
    for i in items {
        let mut line = i.day.format("%a %-d %b").to_string();
        line.push(' ');
        line.push_str(i.local_time.as_deref().unwrap_or("all day"));
        let _ = write!(line, " · {} S{}E{}", i.title, i.season, i.number);
        if let Some(n) = &i.episode_name {
            let _ = write!(line, " '{n}'");
        }
        if i.premiere {
            line.push_str(" · premiere");
        }
        if i.finale {
            line.push_str(" · finale");
        }
        if i.watched {
            line.push_str(" · watched");
        }
        out.push_str(&line);
        out.push('\n');
    }
    out
}

fn section_heading(s: UpNextSection) -> &'static str {
    match s {
        UpNextSection::ContinueWatching => "Continue watching",
        UpNextSection::NewEpisodes => "New episodes",
        UpNextSection::NotAired => "Not aired yet",
        UpNextSection::StartingSoon => "Starting soon",
        UpNextSection::WaitingForSeason => "Waiting for the next season",
    }
}

fn local_time(t: DateTime<Utc>, clock: &Clock, format: &str) -> String {
    t.with_timezone(&clock.tz()).format(format).to_string()
}

/// "in 3 days", "in 5 hours", "in 20 minutes"; `None` once it is past.
fn countdown(now: DateTime<Utc>, at: DateTime<Utc>) -> Option<String> {
    let left = at - now;
    if left <= chrono::Duration::zero() {
        return None;
    }
    let (n, unit) = if left.num_days() >= 1 {
        (left.num_days(), "day")
    } else if left.num_hours() >= 1 {
        (left.num_hours(), "hour")
    } else {
        (left.num_minutes().max(1), "minute")
    };
    Some(format!("in {n} {unit}{}", if n == 1 { "" } else { "s" }))
}

/// Writes to stdout. A reader that stops early (`watchlog list | head`) is
/// not an error worth a message.
pub(crate) fn emit(text: &str) -> Result {
    let mut stdout = std::io::stdout().lock();
    match stdout
        .write_all(text.as_bytes())
        .and_then(|()| stdout.flush())
    {
        Ok(()) => Ok(()),
        Err(e) if e.kind() == std::io::ErrorKind::BrokenPipe => Ok(()),
        Err(e) => Err(CliError::failure(format!("cannot write the output: {e}"))),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn hangul_aligns_by_display_width() {
        let mut t = Table::new(&[("TITLE", Align::Left), ("CC", Align::Left)]);
        t.row(vec!["사운드트랙 #2".into(), "KR".into()]);
        t.row(vec!["Parasite".into(), "KR".into()]);
        let text = t.render();
        let cols: Vec<usize> = text
            .lines()
            .map(|l| l[..l.find("KR").or_else(|| l.find("CC")).unwrap()].width())
            .collect();
        assert!(
            cols.windows(2).all(|w| w[0] == w[1]),
            "the CC column starts at different display columns {cols:?}:\n{text}"
        );
    }

    #[test]
    fn truncates_on_display_width() {
        let cut = truncate("응답하라 1988 응답하라 1988", 10);
        assert!(cut.width() <= 10, "'{cut}' is wider than 10 columns");
        assert!(cut.ends_with('…'), "'{cut}' does not show it was cut");
        assert_eq!(truncate("Parasite", 10), "Parasite");
    }
}
