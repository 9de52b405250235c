//! The year in review as files: one self-contained web page (the review
//! page's look and guarantees — no script, a policy that loads nothing,
//! posters embedded, print and dark styles — with its month charts drawn
//! here as SVG) and a PNG card. Both carry exactly the numbers of
//! `Library::year_review`, which the app's page and `watchlog stats --year`
//! show too.

use std::path::Path;

use chrono::NaiveDate;

use crate::card;
use crate::chart;
use crate::error::Result;
use crate::model::{Count, YearReview};
use crate::rating::RatingScale;
use crate::store::Library;
use crate::transfer::export::html::{data_uri, escape, page_head, placeholder};
use crate::transfer::export::rating_label;
use crate::transfer::{save_to_path, Poster, PosterSource};

/// What the page and the card say of a year with nothing in it.
pub fn nothing_watched(year: i32) -> String {
    format!("Nothing was watched in {year} yet.")
}

/// The heading the page and the card take unless the user gives one.
pub fn default_title(year: i32) -> String {
    format!("My {year} in review")
}

/// The file name a save dialog suggests: `watchlog-2023-in-review.html`.
pub fn file_name(year: i32, extension: &str) -> String {
    format!("watchlog-{year}-in-review.{extension}")
}

/// The posters of the year's best-rated titles, in their order, from
/// `source` (the poster cache in the faces); `None` where there is none.
pub fn best_rated_posters(
    lib: &Library,
    review: &YearReview,
    source: &dyn PosterSource,
) -> Vec<Option<Poster>> {
    review
        .best_rated
        .iter()
        .map(|t| lib.entry(t.entry_id).ok().and_then(|e| source.poster(&e)))
        .collect()
}

/// The year's page as text with the numbers it holds. `title` defaults
/// to [`default_title`].
pub fn render_page(
    lib: &Library,
    year: i32,
    title: Option<&str>,
    posters: &dyn PosterSource,
) -> Result<(YearReview, String)> {
    // "Today" as every time rule sees it (WATCHLOG_NOW and TZ honoured).
    let today = crate::clock::Clock::system().today();
    drawn(lib, year, title, posters, |review, title, images, scale| {
        page(review, title, images, scale, today)
    })
}

/// The year's PNG card with the numbers it shows.
pub fn render_card(
    lib: &Library,
    year: i32,
    title: Option<&str>,
    posters: &dyn PosterSource,
) -> Result<(YearReview, Vec<u8>)> {
    drawn(lib, year, title, posters, card::year_card)
}

/// What the page and the card share: the year's numbers, the best rated
/// posters, the user's scale and the heading, read in one snapshot, then
/// handed to `draw`.
fn drawn<T>(
    lib: &Library,
    year: i32,
    title: Option<&str>,
    posters: &dyn PosterSource,
    draw: impl FnOnce(&YearReview, &str, &[Option<Poster>], RatingScale) -> Result<T>,
) -> Result<(YearReview, T)> {
    let _snapshot = lib.snapshot()?;
    let review = lib.year_review(year)?;
    let scale = lib.settings()?.rating_scale;
    let images = best_rated_posters(lib, &review, posters);
    let title = title.map_or_else(|| default_title(year), str::to_string);
    let drawn = draw(&review, &title, &images, scale)?;
    Ok((review, drawn))
}

/// Writes the year's page to `path`, atomically; returns the numbers it
/// holds.
pub fn export_page(
    lib: &Library,
    year: i32,
    title: Option<&str>,
    posters: &dyn PosterSource,
    path: &Path,
) -> Result<YearReview> {
    // Refused before the work, not only when the file is written.
    lib.refuse_own_files(path, "the year in review")?;
    let (review, html) = render_page(lib, year, title, posters)?;
    save_to_path(lib, path, "the year in review", html.as_bytes())?;
    Ok(review)
}

/// Writes the year's PNG card to `path`, atomically.
pub fn export_card(
    lib: &Library,
    year: i32,
    title: Option<&str>,
    posters: &dyn PosterSource,
    path: &Path,
) -> Result<YearReview> {
    // Refused before the work, not only when the file is written.
    lib.refuse_own_files(path, "the year in review card")?;
    let (review, png) = render_card(lib, year, title, posters)?;
    save_to_path(lib, path, "the year in review card", &png)?;
    Ok(review)
}

const YEAR_STYLE: &str = r#"
.figures { display: grid; grid-template-columns: repeat(auto-fill, minmax(10rem, 1fr));
  gap: .75rem; margin: 0; }
.figures div { background: var(--card); border: 1px solid var(--rule); border-radius: 10px;
  padding: .75rem 1rem; break-inside: avoid; }
.figures dt { font: .8rem/1.4 system-ui, sans-serif; color: var(--muted); }
.figures dd { margin: .1rem 0 0; font: 700 1.6rem/1.2 system-ui, sans-serif; }
.figures dd small { display: block; font-size: .8rem; font-weight: 400; color: var(--muted); }
.chart svg { width: 100%; height: auto; display: block; }
.chart { margin: 0 0 1.5rem; }
.chart figcaption { font: .85rem/1.5 system-ui, sans-serif; color: var(--muted); }
.best { list-style: none; margin: 0; padding: 0; display: grid;
  grid-template-columns: repeat(auto-fill, minmax(8rem, 1fr)); gap: 1rem; }
.best li { break-inside: avoid; }
.best .poster { width: 100%; height: auto; aspect-ratio: 2 / 3; flex: none; }
.best h3 { font-size: 1rem; margin-top: .4rem; }
.tops { display: grid; grid-template-columns: repeat(auto-fill, minmax(12rem, 1fr)); gap: 1rem; }
.tops ol { margin: 0; padding-left: 1.4rem; font: .95rem/1.6 system-ui, sans-serif; }
.tops .n { color: var(--muted); }
.empty { font-size: 1.3rem; color: var(--muted); margin: 3rem 0; }
"#;

/// The page as text. `posters` follows `review.best_rated`.
pub fn page(
    review: &YearReview,
    title: &str,
    posters: &[Option<Poster>],
    scale: RatingScale,
    exported_on: NaiveDate,
) -> Result<String> {
    let mut h = page_head(title, YEAR_STYLE);
    h.push_str(&format!("<h1>{}</h1>\n", escape(title)));
    h.push_str(&format!(
        "<p class=\"meta\">{} · exported from Watchlog on {exported_on} · ratings out of {}</p>\n</header>\n<main>\n",
        review.year,
        scale.max()
    ));
    if review.days_watched == 0 {
        h.push_str(&format!(
            "<p class=\"empty\" data-figure=\"empty\">{}</p>\n",
            escape(&nothing_watched(review.year))
        ));
    } else {
        figures(&mut h, review);
        charts(&mut h, review)?;
        best(&mut h, review, posters, scale);
        tops(&mut h, review);
    }
    h.push_str("</main>\n<footer>Made with Watchlog.</footer>\n</body>\n</html>\n");
    Ok(h)
}

/// The numbers, each marked with the name its JSON gives it, so a reader
/// (or a test) can hold the page to `watchlog stats --year --json`.
fn figures(h: &mut String, r: &YearReview) {
    h.push_str("<section>\n<h2>The year in numbers</h2>\n<dl class=\"figures\">\n");
    let mut figure = |label: &str, key: &str, value: String, shown: String, note: String| {
        let note = if note.is_empty() {
            String::new()
        } else {
            format!("<small>{}</small>", escape(&note))
        };
        h.push_str(&format!(
            "<div><dt>{}</dt><dd data-figure=\"{key}\" data-value=\"{}\">{}{note}</dd></div>\n",
            escape(label),
            escape(&value),
            escape(&shown)
        ));
    };
    // The counts shown as they are.
    for (label, key, value) in [
        (
            "Titles finished",
            "titles_finished",
            r.titles_finished.to_string(),
        ),
        ("New", "new_titles", r.new_titles.to_string()),
        ("Rewatched", "rewatches", r.rewatches.to_string()),
        (
            "Episodes watched",
            "episodes_watched",
            r.episodes_watched.to_string(),
        ),
        (
            "Hours watched",
            "hours_watched",
            r.hours_watched.to_string(),
        ),
        (
            "Days with a watch",
            "days_watched",
            r.days_watched.to_string(),
        ),
    ] {
        figure(label, key, value.clone(), value, String::new());
    }
    if let Some(s) = &r.longest_streak {
        figure(
            "Longest streak",
            "longest_streak",
            s.days.to_string(),
            format!("{} {}", s.days, if s.days == 1 { "day" } else { "days" }),
            format!("{} to {}", s.first, s.last),
        );
    }
    if let Some(m) = &r.busiest_month {
        figure(
            "Busiest month",
            "busiest_month",
            m.month.clone(),
            month_name(&m.month, "%B"),
            format!(
                "{} hours · {} finished · {} episodes",
                m.hours, m.finished, m.episodes
            ),
        );
    }
    if let Some(f) = &r.first_finish {
        figure(
            "First finish",
            "first_finish",
            f.entry_id.to_string(),
            f.name.clone(),
            f.on.to_string(),
        );
    }
    if let Some(f) = &r.last_finish {
        figure(
            "Last finish",
            "last_finish",
            f.entry_id.to_string(),
            f.name.clone(),
            f.on.to_string(),
        );
    }
    h.push_str("</dl>\n</section>\n");
}

fn charts(h: &mut String, r: &YearReview) -> Result<()> {
    let labels: Vec<String> = r
        .months
        .iter()
        .map(|m| month_name(&m.month, "%b"))
        .collect();
    let hours: Vec<f64> = r.months.iter().map(|m| m.hours).collect();
    let finished: Vec<f64> = r.months.iter().map(|m| f64::from(m.finished)).collect();
    let episodes: Vec<f64> = r.months.iter().map(|m| f64::from(m.episodes)).collect();
    h.push_str("<section>\n<h2>Month by month</h2>\n");
    for (id, caption, values, colour) in [
        ("hours", "Hours watched", &hours, (0xb4, 0x46, 0x2b)),
        ("finished", "Titles finished", &finished, (0x2b, 0x6c, 0xb4)),
        (
            "episodes",
            "Episodes watched",
            &episodes,
            (0x5a, 0x8f, 0x3c),
        ),
    ] {
        // A chart of nothing but zeros says nothing (a year of films has
        // no episodes).
        if values.iter().all(|v| *v == 0.0) {
            continue;
        }
        let svg = chart::bar_chart(&labels, values, (720, 220), colour)?;
        h.push_str(&format!(
            "<figure class=\"chart\" data-chart=\"{id}\">\n<figcaption>{caption}</figcaption>\n{}\n</figure>\n",
            chart::inline(&svg)
        ));
    }
    h.push_str("</section>\n");
    Ok(())
}

fn best(h: &mut String, r: &YearReview, posters: &[Option<Poster>], scale: RatingScale) {
    if r.best_rated.is_empty() {
        return;
    }
    h.push_str("<section>\n<h2>Best rated</h2>\n<ol class=\"best\">\n");
    for (i, t) in r.best_rated.iter().enumerate() {
        h.push_str(&format!("<li data-entry=\"{}\">\n", t.entry_id));
        match posters.get(i).cloned().flatten().and_then(data_uri) {
            Some(uri) => h.push_str(&format!(
                "<img class=\"poster\" src=\"{uri}\" alt=\"Poster of {}\">\n",
                escape(&t.name)
            )),
            None => {
                let (initials, hue) = placeholder(&t.name);
                h.push_str(&format!(
                    "<div class=\"poster placeholder\" style=\"background:linear-gradient(160deg, hsl({hue} 45% 52%), hsl({} 45% 30%))\" aria-hidden=\"true\">{}</div>\n",
                    (hue + 40) % 360,
                    escape(&initials)
                ));
            }
        }
        h.push_str(&format!("<h3>{}</h3>\n", escape(&t.name)));
        if let Some(o) = t.original_name.as_deref().filter(|o| *o != t.name) {
            h.push_str(&format!("<p class=\"facts\">{}</p>\n", escape(o)));
        }
        h.push_str(&format!(
            "<p class=\"watch\"><span class=\"rating\">{}</span> · finished {}</p>\n</li>\n",
            escape(&rating_label(t.rating, scale)),
            t.finished_on
        ));
    }
    h.push_str("</ol>\n</section>\n");
}

fn tops(h: &mut String, r: &YearReview) {
    let lists: [(&str, &[Count]); 3] = [
        ("Countries", &r.top_countries),
        ("Platforms", &r.top_platforms),
        ("Genres", &r.top_genres),
    ];
    if lists.iter().all(|(_, l)| l.is_empty()) {
        return;
    }
    h.push_str("<section>\n<h2>Favourites</h2>\n<div class=\"tops\">\n");
    for (name, list) in lists.iter().filter(|(_, l)| !l.is_empty()) {
        h.push_str(&format!("<div>\n<h3>{name}</h3>\n<ol>\n"));
        for c in list.iter() {
            h.push_str(&format!(
                "<li>{} <span class=\"n\">{}</span></li>\n",
                escape(&c.label),
                c.count
            ));
        }
        h.push_str("</ol>\n</div>\n");
    }
    h.push_str("</div>\n</section>\n");
}

/// "2023-03" as `format` writes its month ("March", "Mar").
fn month_name(month: &str, format: &str) -> String {
    NaiveDate::parse_from_str(&format!("{month}-01"), "%Y-%m-%d")
        .map_or_else(|_| month.to_string(), |d| d.format(format).to_string())
}
