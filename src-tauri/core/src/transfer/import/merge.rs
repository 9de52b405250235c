//! Folding what another service knows about a title into what the library
//! (or an earlier line of the same export) already holds, under a policy the
//! user chose. Exports from other services are partial — a Letterboxd
//! rating line knows the rating and nothing else — so they fill and merge;
//! they never wipe what they do not mention.
//!
//! The policy, stated in every preview:
//! - **rating**: by `--prefer` — the newer change (default), the library's,
//!   or the file's. "Newer" compares the date the service gives (rated,
//!   watched, listed) with when the entry last changed.
//! - **review and notes**: the longer text is kept.
//! - **status**: a file moves an entry forward (plan to watch → watching →
//!   completed), never back, unless `--prefer incoming`.
//! - **dates, platform, progress, facts**: empty ones are filled; a date
//!   already set is kept unless `--prefer incoming`; progress is the larger.
//! - **tags and rewatches**: the union, without duplicates.

use std::collections::HashMap;
use std::fmt;
use std::str::FromStr;

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};

use crate::error::{Error, Result};
use crate::model::{Entry, IncomingEntry, IncomingWatch, Status, TitleFacts, ViewingDetails};

/// Whose rating wins when the library and the file disagree.
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Prefer {
    /// The more recent of the two (the file's date against the entry's last change).
    #[default]
    Newer,
    /// What the library already has.
    Existing,
    /// What the file says.
    Incoming,
}

impl Prefer {
    pub fn as_str(self) -> &'static str {
        match self {
            Prefer::Newer => "newer",
            Prefer::Existing => "existing",
            Prefer::Incoming => "incoming",
        }
    }

    /// The policy in a sentence, for previews.
    pub fn describe(self) -> String {
        let rating = match self {
            Prefer::Newer => "ratings: the more recent one wins",
            Prefer::Existing => "ratings: the library's are kept",
            Prefer::Incoming => "ratings: the file's win",
        };
        let status = if self == Prefer::Incoming {
            "status and dates: the file's win"
        } else {
            "status moves forward only; dates already set are kept"
        };
        format!("{rating}; reviews and notes: the longer is kept; {status}; tags and rewatches are combined")
    }
}

impl FromStr for Prefer {
    type Err = Error;
    fn from_str(s: &str) -> Result<Self> {
        match s.trim().to_ascii_lowercase().as_str() {
            "newer" | "newest" => Ok(Prefer::Newer),
            "existing" | "library" | "mine" => Ok(Prefer::Existing),
            "incoming" | "file" | "theirs" => Ok(Prefer::Incoming),
            other => Err(Error::invalid(format!(
                "'{other}' is not a conflict choice (use newer, existing or incoming)"
            ))),
        }
    }
}

impl fmt::Display for Prefer {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// How far along a status is; a file only moves an entry forward.
fn rank(s: Status) -> u8 {
    match s {
        Status::PlanToWatch => 0,
        Status::OnHold | Status::Dropped => 1,
        Status::Watching => 2,
        Status::Completed => 3,
    }
}

fn longer(a: &Option<String>, b: &Option<String>) -> bool {
    let len = |x: &Option<String>| x.as_deref().map_or(0, |s| s.trim().chars().count());
    len(b) > len(a)
}

/// The library's entry as an [`IncomingEntry`], the shape merging works on.
pub fn from_entry(e: &Entry) -> IncomingEntry {
    IncomingEntry {
        id: None,
        title: e.title.facts.clone(),
        fields: e.fields.clone(),
        viewings: e.viewings.iter().map(|v| v.details.clone()).collect(),
        added_at: Some(e.added_at),
        updated_at: Some(e.updated_at),
        episodes: None,
    }
}

fn fill_facts(base: &mut TitleFacts, inc: &TitleFacts) {
    macro_rules! fill {
        ($($f:ident),*) => { $( if base.$f.is_none() { base.$f = inc.$f.clone(); } )* };
    }
    fill!(
        original_name,
        year,
        country,
        language,
        network,
        seasons,
        episodes,
        runtime_minutes,
        airing,
        synopsis,
        poster_url
    );
    if base.genres.is_empty() {
        base.genres = inc.genres.clone();
    }
    if base.people.is_empty() {
        base.people = inc.people.clone();
    }
    for (p, v) in inc.external_ids.pairs() {
        if let Some(v) = v {
            if base
                .external_ids
                .pairs()
                .iter()
                .any(|(bp, bv)| *bp == p && bv.is_none())
            {
                base.external_ids.set(p, v.clone());
            }
        }
    }
}

/// `base` with what `inc` adds under `prefer`. `base.updated_at` is when
/// the base last changed; `inc.updated_at` the date the file gives.
pub fn merge(base: &IncomingEntry, inc: &IncomingEntry, prefer: Prefer) -> IncomingEntry {
    let mut out = base.clone();
    fill_facts(&mut out.title, &inc.title);
    let (b, i) = (&base.fields, &inc.fields);
    let f = &mut out.fields;
    let file_newer = match (base.updated_at, inc.updated_at) {
        (Some(b), Some(i)) => i > b,
        (None, Some(_)) => true,
        _ => false,
    };
    let take_file = match prefer {
        Prefer::Incoming => true,
        Prefer::Existing => false,
        Prefer::Newer => file_newer,
    };
    if i.rating.is_some() && (b.rating.is_none() || take_file) {
        f.rating = i.rating;
    }
    macro_rules! scores {
        ($($s:ident),*) => { $( if i.scores.$s.is_some() && (b.scores.$s.is_none() || take_file) { f.scores.$s = i.scores.$s; } )* };
    }
    scores!(story, acting, music, rewatch_value);
    if longer(&b.review, &i.review) {
        f.review = i.review.clone();
        f.review_spoiler = i.review_spoiler;
    }
    if longer(&b.notes, &i.notes) {
        f.notes = i.notes.clone();
    }
    if rank(i.status) > rank(b.status) || (prefer == Prefer::Incoming && i.status != b.status) {
        f.status = i.status;
    }
    let strong = prefer == Prefer::Incoming;
    if i.started_on.is_some() && (b.started_on.is_none() || strong) {
        f.started_on = i.started_on;
    }
    if i.finished_on.is_some() && (b.finished_on.is_none() || strong) {
        f.finished_on = i.finished_on;
    }
    // A finish before the start would be refused; keep the pair coherent.
    if let (Some(s), Some(e)) = (f.started_on, f.finished_on) {
        if e < s {
            f.started_on = b.started_on.filter(|s| *s <= e).or(None);
        }
    }
    if f.platform.as_deref().is_none_or(|p| p.trim().is_empty()) {
        f.platform = i.platform.clone();
    }
    f.progress = f.progress.max(i.progress);
    if let Some(eps) = out.title.episodes {
        f.progress = f.progress.min(eps);
    }
    f.favorite = b.favorite || i.favorite;
    for t in &i.tags {
        if !f.tags.iter().any(|x| x.eq_ignore_ascii_case(t)) {
            f.tags.push(t.clone());
        }
    }
    // As many of each viewing as the side with more of them: rewatches
    // without dates (a bare count) survive, and re-importing adds none.
    for v in &inc.viewings {
        let want = inc.viewings.iter().filter(|x| same_viewing(x, v)).count();
        let have = out.viewings.iter().filter(|x| same_viewing(x, v)).count();
        if have < want {
            out.viewings.push(v.clone());
        }
    }
    // Both sides' watches (the store folds repeats of one episode into
    // one), each rewatch's pointed at the same rewatch here.
    if let Some(watches) = &inc.episodes {
        let moved: Vec<IncomingWatch> = watches
            .iter()
            .map(|w| IncomingWatch {
                viewing: w
                    .viewing
                    .and_then(|i| same_place(&inc.viewings, i, &out.viewings)),
                ..w.clone()
            })
            .collect();
        out.episodes.get_or_insert_with(Vec::new).extend(moved);
    }
    out.added_at = match (base.added_at, inc.added_at) {
        (Some(a), Some(b)) => Some(a.min(b)),
        (a, b) => a.or(b),
    };
    out.updated_at = match (base.updated_at, inc.updated_at) {
        (Some(a), Some(b)) => Some(a.max(b)),
        (a, b) => a.or(b),
    };
    out
}

fn same_viewing(a: &ViewingDetails, b: &ViewingDetails) -> bool {
    a.started_on == b.started_on && a.finished_on == b.finished_on
}

/// Where `from[i]` is in `to`: the viewing with the same dates that comes
/// as many times before it.
fn same_place(from: &[ViewingDetails], i: usize, to: &[ViewingDetails]) -> Option<usize> {
    let v = from.get(i)?;
    let rank = from[..i].iter().filter(|x| same_viewing(x, v)).count();
    to.iter()
        .enumerate()
        .filter(|(_, x)| same_viewing(x, v))
        .nth(rank)
        .map(|(j, _)| j)
}

/// What one line of an export says identifies its title, for [`Gather`]:
/// its catalogue ids, the source's own id for it (a Letterboxd film URI, a
/// Trakt id) and its folded name, year and kind.
#[derive(Debug, Clone)]
pub struct Keys {
    /// (provider, value): catalogue ids first, then the source's own.
    ids: Vec<(String, String)>,
    /// Folded name and kind, without the year.
    name: String,
    /// The name as written, trimmed.
    written: String,
    year: Option<i32>,
}

impl Keys {
    /// Adds the source's own id for the title: lines with different ones
    /// are two titles even when their folded names and years agree
    /// ("Veronica" and "Verónica", both 2017).
    pub fn with_source(mut self, source: &str, id: Option<&str>) -> Keys {
        if let Some(id) = id.map(str::trim).filter(|id| !id.is_empty()) {
            self.ids.push((source.to_string(), id.to_string()));
        }
        self
    }

    /// The strongest key, for a reader that collects more per title.
    pub fn first(&self) -> String {
        match self.ids.first() {
            Some((p, v)) => format!("{p}:{v}"),
            None => format!("{}|{}", self.name, self.year.unwrap_or(0)),
        }
    }

    /// Whether both name an id of one provider, and not the same one.
    fn conflicts(&self, other: &Keys) -> bool {
        self.ids
            .iter()
            .any(|(p, v)| other.ids.iter().any(|(op, ov)| op == p && ov != v))
    }

    /// Takes on what `other` (a line gathered into this title) adds.
    fn absorb(&mut self, other: &Keys) {
        for (p, v) in &other.ids {
            if !self.ids.iter().any(|(sp, _)| sp == p) {
                self.ids.push((p.clone(), v.clone()));
            }
        }
        self.year = self.year.or(other.year);
    }
}

/// Collects one export's lines into one entry per title, merging the lines
/// that speak of the same title (a diary line, a rating line and a review
/// line of one film). A line joins a title it shares an id with; else one
/// with the same folded name and kind whose year agrees (or one of the two
/// has none: a watchlist line without a year is the rated film with one)
/// and whose ids do not conflict. Where several fit, the same year and
/// then the name as written decide; titles of different years are not
/// guessed between.
#[derive(Default)]
pub struct Gather {
    slots: Vec<(IncomingEntry, Keys)>,
    by_id: HashMap<(String, String), usize>,
    by_name: HashMap<String, Vec<usize>>,
}

impl Gather {
    /// Gathers a line; returns the index its title has in
    /// [`Gather::into_entries`].
    pub fn add(&mut self, keys: Keys, e: IncomingEntry) -> usize {
        let found = keys
            .ids
            .iter()
            .find_map(|id| self.by_id.get(id).copied())
            .or_else(|| self.by_name(&keys));
        let slot = match found {
            Some(i) => {
                let (entry, known) = &mut self.slots[i];
                *entry = merge(entry, &e, Prefer::Newer);
                known.absorb(&keys);
                i
            }
            None => {
                self.by_name
                    .entry(keys.name.clone())
                    .or_default()
                    .push(self.slots.len());
                self.slots.push((e, keys.clone()));
                self.slots.len() - 1
            }
        };
        for id in keys.ids {
            self.by_id.entry(id).or_insert(slot);
        }
        slot
    }

    /// The title a line without a shared id joins by its name, if one fits.
    fn by_name(&self, k: &Keys) -> Option<usize> {
        let fits: Vec<usize> = self
            .by_name
            .get(&k.name)?
            .iter()
            .copied()
            .filter(|&i| {
                let s = &self.slots[i].1;
                (s.year.is_none() || k.year.is_none() || s.year == k.year) && !s.conflicts(k)
            })
            .collect();
        let narrow = |v: Vec<usize>, keep: &dyn Fn(&Keys) -> bool| {
            let n: Vec<usize> = v
                .iter()
                .copied()
                .filter(|&i| keep(&self.slots[i].1))
                .collect();
            if n.is_empty() {
                v
            } else {
                n
            }
        };
        let fits = narrow(fits, &|s| s.year == k.year);
        let fits = narrow(fits, &|s| s.written == k.written);
        let first = *fits.first()?;
        let year = self.slots[first].1.year;
        fits.iter()
            .all(|&i| self.slots[i].1.year == year)
            .then_some(first)
    }

    pub fn len(&self) -> usize {
        self.slots.len()
    }

    pub fn is_empty(&self) -> bool {
        self.slots.is_empty()
    }

    pub fn into_entries(self) -> Vec<IncomingEntry> {
        self.slots.into_iter().map(|(e, _)| e).collect()
    }
}

/// Every key of a title: its catalogue ids, then its folded name, year and kind.
pub fn keys(facts: &TitleFacts) -> Keys {
    Keys {
        ids: facts
            .external_ids
            .pairs()
            .iter()
            .filter_map(|(p, v)| v.map(|v| (p.to_string(), v.trim().to_string())))
            .collect(),
        name: format!(
            "{}|{}",
            crate::text::fold(facts.name.trim()),
            facts.kind.as_str()
        ),
        written: facts.name.trim().to_string(),
        year: facts.year,
    }
}

/// What an import changed in an entry, in words; `watches` is how many
/// episode watches it recorded.
pub fn describe_changes(before: &Entry, after: &Entry, watches: usize) -> Vec<String> {
    let mut out = Vec::new();
    let (b, a) = (&before.fields, &after.fields);
    let show =
        |r: Option<crate::rating::Rating>| r.map_or("none".into(), |r| format!("{}/100", r.get()));
    if b.status != a.status {
        out.push(format!(
            "status {} → {}",
            b.status.label(),
            a.status.label()
        ));
    }
    if b.rating != a.rating {
        out.push(format!("rating {} → {}", show(b.rating), show(a.rating)));
    }
    if b.scores != a.scores {
        out.push("sub-scores".into());
    }
    if b.review != a.review {
        out.push(if b.review.is_none() {
            "review added".into()
        } else {
            "review replaced by a longer one".into()
        });
    }
    if b.notes != a.notes {
        out.push("notes".into());
    }
    let d = |x: Option<chrono::NaiveDate>| x.map_or("none".into(), |d| d.to_string());
    if b.started_on != a.started_on {
        out.push(format!("started {} → {}", d(b.started_on), d(a.started_on)));
    }
    if b.finished_on != a.finished_on {
        out.push(format!(
            "finished {} → {}",
            d(b.finished_on),
            d(a.finished_on)
        ));
    }
    if b.progress != a.progress {
        out.push(format!("progress {} → {}", b.progress, a.progress));
    }
    if b.platform != a.platform {
        out.push(format!(
            "platform → {}",
            a.platform.as_deref().unwrap_or("none")
        ));
    }
    if b.favorite != a.favorite {
        out.push("favourite".into());
    }
    if b.tags != a.tags {
        let new: Vec<&String> = a.tags.iter().filter(|t| !b.tags.contains(t)).collect();
        out.push(format!(
            "tags + {}",
            new.iter()
                .map(|s| s.as_str())
                .collect::<Vec<_>>()
                .join(", ")
        ));
    }
    if before.viewings.len() != after.viewings.len() {
        out.push(format!(
            "rewatches {} → {}",
            before.viewings.len(),
            after.viewings.len()
        ));
    }
    if before.title.facts != after.title.facts {
        out.push("title facts or catalogue ids filled in".into());
    }
    if before.added_at != after.added_at {
        out.push("date added".into());
    }
    match watches {
        0 if out.is_empty() => out.push("episode history".into()),
        0 => {}
        1 => out.push("1 episode watched".into()),
        n => out.push(format!("{n} episodes watched")),
    }
    out
}

/// When a line of an export happened, for entries that have no other date.
pub fn latest(dates: impl IntoIterator<Item = Option<DateTime<Utc>>>) -> Option<DateTime<Utc>> {
    dates.into_iter().flatten().max()
}
