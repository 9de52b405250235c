//! One file per export format, and what the review lists (Markdown and
//! HTML) share: how a rating is shown and how entries are ordered and
//! grouped into sections.

pub mod csv;
pub mod html;
pub mod letterboxd;
pub mod markdown;
pub mod watchlog_json;

use crate::model::{Entry, Status};
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
        _ => format!("{}/{}", r.format_in(scale), scale.max()),
    }
}

/// One section of a review list.
pub(crate) struct Section<'a> {
    pub heading: String,
    pub entries: Vec<&'a Entry>,
}

/// Orders the entries of a review list and splits them into sections.
/// Entries with neither a rating nor a review have nothing to show and are
/// reported as skipped.
pub(crate) fn review_sections<'a>(
    entries: &'a [Entry],
    order: ReviewOrder,
    scale: RatingScale,
    report: &mut ExportReport,
) -> Vec<Section<'a>> {
    let mut kept: Vec<&Entry> = Vec::new();
    for e in entries {
        if e.fields.rating.is_none() && !super::has_review(e) {
            report.skip(e, "no rating and no review yet");
        } else {
            kept.push(e);
        }
    }
    let by_title = |a: &&Entry, b: &&Entry| {
        text::sort_key(&a.title.facts.name)
            .cmp(&text::sort_key(&b.title.facts.name))
            .then(a.id.cmp(&b.id))
    };
    let heading_of: Box<dyn Fn(&Entry) -> String> = match order {
        ReviewOrder::Rating => {
            kept.sort_by(|a, b| {
                b.fields
                    .rating
                    .map(|r| r.halves_in(scale))
                    .cmp(&a.fields.rating.map(|r| r.halves_in(scale)))
                    .then_with(|| by_title(a, b))
            });
            Box::new(move |e: &Entry| match e.fields.rating {
                Some(r) => rating_label(r, scale),
                None => "Not rated".to_string(),
            })
        }
        ReviewOrder::Finished => {
            kept.sort_by(|a, b| {
                // Newest first; `None` sorts below every date, so unfinished come last.
                b.fields
                    .finished_on
                    .cmp(&a.fields.finished_on)
                    .then_with(|| by_title(a, b))
            });
            Box::new(|e: &Entry| match e.fields.finished_on {
                Some(d) => d.format("%Y").to_string(),
                None => "Not finished".to_string(),
            })
        }
        ReviewOrder::Status => {
            let rank = |s: Status| Status::ALL.iter().position(|&x| x == s);
            kept.sort_by(|a, b| {
                rank(a.fields.status)
                    .cmp(&rank(b.fields.status))
                    .then_with(|| by_title(a, b))
            });
            Box::new(|e: &Entry| e.fields.status.label().to_string())
        }
    };
    let mut sections: Vec<Section> = Vec::new();
    for e in kept {
        let h = heading_of(e);
        match sections.last_mut() {
            Some(s) if s.heading == h => s.entries.push(e),
            _ => sections.push(Section {
                heading: h,
                entries: vec![e],
            }),
        }
    }
    sections
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
