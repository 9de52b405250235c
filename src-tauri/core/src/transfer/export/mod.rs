//! One file per export format, and what the review lists (Markdown and
//! HTML) share: how a rating is shown and how entries are ordered and
//! grouped into sections.

pub mod csv;
pub mod html;
pub mod letterboxd;
pub mod markdown;
pub mod watchlog_json;

use chrono::NaiveDate;

use crate::error::Result;
use crate::model::{Entry, IncomingWatch, Status};
use crate::rating::{Rating, RatingScale};
use crate::text;

use super::{ExportReport, ReviewOrder};

/// A rating the way a reader expects it in `scale`: "★★★★½" on five
/// stars, "8.5/10", "85/100".
pub fn rating_label(r: Rating, scale: RatingScale) -> String {
    match scale {
        RatingScale::Stars5 => {
            let halves = r.halves_in(scale);
            let mut s = "★".repeat((halves / 2) as usize);
            if halves % 2 == 1 {
                s.push('½');
            }
            if s.is_empty() {
                s.push_str("0 stars");
            }
            s
        }
        _ => r.out_of(scale),
    }
}

/// What every format's writer does with the entries an export reads: take
/// them one at a time, in id order, as they are read (the formats that
/// can write at once do, so memory does not grow with the library), then
/// finish the file.
pub(crate) trait EntrySink {
    /// One entry that passed the filter, with its episode history (read
    /// only for the formats that carry it).
    fn entry(
        &mut self,
        e: &Entry,
        history: &[IncomingWatch],
        report: &mut ExportReport,
    ) -> Result<()>;
    /// Writes what comes after the last entry.
    fn finish(self: Box<Self>, report: &mut ExportReport) -> Result<()>;
}

/// One entry of a review list (Markdown, HTML): what it is ordered and
/// grouped by, and its block, made as it was read. A list is ordered as a
/// whole, so it keeps its blocks (the size of the file) until the end, but
/// never the entries themselves.
pub(crate) struct ReviewItem {
    entry_id: i64,
    title: String,
    rating: Option<Rating>,
    finished_on: Option<NaiveDate>,
    status: Status,
    sort_key: String,
    /// The entry as the format writes it.
    pub body: String,
    /// Its spoiler review was left out; noted in the report in the list's
    /// order, as it is written.
    spoiler_left_out: bool,
    /// Its place on the list the export is of.
    position: Option<u32>,
}

/// One section of a review list.
pub(crate) struct Section {
    pub heading: String,
    pub items: Vec<ReviewItem>,
}

/// The entries of a review list as they are read, then ordered and split
/// into sections.
#[derive(Default)]
pub(crate) struct ReviewList {
    items: Vec<ReviewItem>,
}

impl ReviewList {
    /// Whether `e` has anything to show. Entries with neither a rating nor
    /// a review are reported as skipped, except on the list an export is
    /// of (`listed`), where being on it is the point.
    pub fn keeps(e: &Entry, listed: bool, report: &mut ExportReport) -> bool {
        if !listed && e.fields.rating.is_none() && !super::has_review(e) {
            report.skip(e, "no rating and no review yet");
            false
        } else {
            true
        }
    }

    /// Adds a kept entry with its block; `spoiler_left_out` when the block
    /// leaves its spoiler review out; `position`, its place on the list the
    /// export is of.
    pub fn push(&mut self, e: &Entry, body: String, spoiler_left_out: bool, position: Option<u32>) {
        self.items.push(ReviewItem {
            entry_id: e.id,
            title: e.title.facts.name.clone(),
            rating: e.fields.rating,
            finished_on: e.fields.finished_on,
            status: e.fields.status,
            sort_key: text::sort_key(&e.title.facts.name),
            body,
            spoiler_left_out,
            position,
        });
    }

    /// How many entries the list holds.
    pub fn count(&self) -> usize {
        self.items.len()
    }

    /// The entries in `order`, in sections; the entries of a list in the
    /// list's order, in one section without a heading.
    pub fn sections(self, order: ReviewOrder, scale: RatingScale) -> Vec<Section> {
        let mut kept = self.items;
        if kept.iter().any(|i| i.position.is_some()) {
            kept.sort_by_key(|i| (i.position.unwrap_or(u32::MAX), i.entry_id));
            return vec![Section {
                heading: String::new(),
                items: kept,
            }];
        }
        let by_title = |a: &ReviewItem, b: &ReviewItem| {
            a.sort_key
                .cmp(&b.sort_key)
                .then(a.entry_id.cmp(&b.entry_id))
        };
        let heading_of: Box<dyn Fn(&ReviewItem) -> String> = match order {
            ReviewOrder::Rating => {
                kept.sort_by(|a, b| {
                    b.rating
                        .map(|r| r.halves_in(scale))
                        .cmp(&a.rating.map(|r| r.halves_in(scale)))
                        .then_with(|| by_title(a, b))
                });
                Box::new(move |e: &ReviewItem| match e.rating {
                    Some(r) => rating_label(r, scale),
                    None => "Not rated".to_string(),
                })
            }
            ReviewOrder::Finished => {
                kept.sort_by(|a, b| {
                    // Newest first; `None` sorts below every date, so unfinished come last.
                    b.finished_on
                        .cmp(&a.finished_on)
                        .then_with(|| by_title(a, b))
                });
                Box::new(|e: &ReviewItem| match e.finished_on {
                    Some(d) => d.format("%Y").to_string(),
                    None => "Not finished".to_string(),
                })
            }
            ReviewOrder::Status => {
                let rank = |s: Status| Status::ALL.iter().position(|&x| x == s);
                kept.sort_by(|a, b| {
                    rank(a.status)
                        .cmp(&rank(b.status))
                        .then_with(|| by_title(a, b))
                });
                Box::new(|e: &ReviewItem| e.status.label().to_string())
            }
        };
        let mut sections: Vec<Section> = Vec::new();
        for item in kept {
            let h = heading_of(&item);
            match sections.last_mut() {
                Some(s) if s.heading == h => s.items.push(item),
                _ => sections.push(Section {
                    heading: h,
                    items: vec![item],
                }),
            }
        }
        sections
    }
}

impl ReviewItem {
    /// Notes a spoiler review left out, when this entry's was.
    pub fn note_spoiler(&self, report: &mut ExportReport) {
        if self.spoiler_left_out {
            report.notes.push(super::SkippedRow {
                entry_id: self.entry_id,
                title: self.title.clone(),
                reason: "review left out: it is marked as a spoiler".into(),
            });
        }
    }
}

/// "Korea · 2023 · Series": the facts line under a title.
pub(crate) fn facts_line(e: &Entry) -> String {
    let f = &e.title.facts;
    let mut parts: Vec<String> = Vec::new();
    if let Some(o) = f.original_name.as_deref().filter(|o| *o != f.name) {
        parts.push(o.to_string());
    }
    if let Some(y) = f.year {
        parts.push(y.to_string());
    }
    if let Some(c) = &f.country {
        parts.push(c.clone());
    }
    parts.push(kind_label(f.kind).to_string());
    parts.join(" · ")
}

pub(crate) fn kind_label(k: crate::model::Kind) -> &'static str {
    use crate::model::Kind;
    match k {
        Kind::Series => "Series",
        Kind::Miniseries => "Miniseries",
        Kind::Film => "Film",
        Kind::Special => "Special",
    }
}

/// "Watched on Disney+ · 2023-12-20 → 2023-12-27 · rewatched once".
pub(crate) fn watch_line(e: &Entry) -> String {
    let f = &e.fields;
    let mut parts: Vec<String> = Vec::new();
    if let Some(p) = &f.platform {
        parts.push(format!("Watched on {p}"));
    }
    match (f.started_on, f.finished_on) {
        (Some(s), Some(fin)) if s == fin => parts.push(format!("{s}")),
        (Some(s), Some(fin)) => parts.push(format!("{s} → {fin}")),
        (Some(s), None) => parts.push(format!("started {s}")),
        (None, Some(fin)) => parts.push(format!("finished {fin}")),
        (None, None) => {}
    }
    match e.rewatch_count {
        0 => {}
        1 => parts.push("rewatched once".into()),
        n => parts.push(format!("rewatched {n} times")),
    }
    parts.join(" · ")
}
