//! The review list as one self-contained web page the user can share,
//! open offline or print. Everything is inside the file: inline CSS only,
//! poster thumbnails as `data:` URIs, no script, and a Content Security
//! Policy that forbids loading anything else, so even a review that slipped
//! past the sanitiser could not fetch or run anything. Reviews go through
//! `crate::markdown::render`, the app's own sanitising renderer.

use std::io::Write;
use std::sync::mpsc::{sync_channel, SyncSender};
use std::thread::JoinHandle;

use chrono::{DateTime, Utc};

use crate::error::Result;
use crate::model::{Entry, IncomingWatch};
use crate::rating::RatingScale;
use crate::transfer::{
    write_error, Context, ExportFormat, ExportReport, ListScope, Place, Poster, PosterSource,
    ReviewOrder, SpoilerMode,
};

use super::{facts_line, rating_label, watch_line, EntrySink, ReviewList};

/// The page's policy: nothing from anywhere, except the inline styles and
/// embedded images the page itself carries.
pub const CSP: &str = "default-src 'none'; style-src 'unsafe-inline'; img-src data:";

/// The look every exported page shares: the review page and the year in
/// review (which adds its own rules after these).
pub(crate) const STYLE: &str = r#"
:root {
  color-scheme: light dark;
  --bg: #fbfaf7; --fg: #1f1d1a; --muted: #6b665e; --rule: #e4e0d8;
  --card: #ffffff; --accent: #b4462b;
}
@media (prefers-color-scheme: dark) {
  :root { --bg: #161514; --fg: #ece8e1; --muted: #a39d93; --rule: #34312d;
          --card: #1f1d1b; --accent: #f08a6c; }
}
* { box-sizing: border-box; }
body { margin: 0; background: var(--bg); color: var(--fg);
  font: 17px/1.6 Charter, "Iowan Old Style", Georgia, "Apple SD Gothic Neo",
        "Noto Serif CJK KR", "Noto Serif", serif; }
main, header { max-width: 46rem; margin: 0 auto; padding: 0 1.25rem; }
header { padding-top: 3rem; padding-bottom: 1rem; }
h1 { font-size: 2.2rem; line-height: 1.2; margin: 0 0 .25rem; letter-spacing: -0.01em; }
h2 { font: 600 .85rem/1.4 system-ui, sans-serif; text-transform: uppercase;
  letter-spacing: .08em; color: var(--muted); border-bottom: 1px solid var(--rule);
  padding-bottom: .35rem; margin: 2.5rem 0 1rem; }
h3 { font-size: 1.3rem; line-height: 1.3; margin: 0; }
.meta, .facts, .watch { font: .85rem/1.5 system-ui, sans-serif; color: var(--muted); margin: .15rem 0; }
.entry { display: flex; gap: 1rem; padding: 1rem; margin: 0 0 1rem;
  background: var(--card); border: 1px solid var(--rule); border-radius: 10px;
  break-inside: avoid; }
.poster { flex: 0 0 72px; width: 72px; height: 108px; border-radius: 6px; object-fit: cover; }
.placeholder { display: flex; align-items: center; justify-content: center;
  color: #fff; font: 600 1.4rem/1 system-ui, sans-serif; }
.body { min-width: 0; flex: 1; }
.rating { color: var(--accent); font-weight: 600; }
.review { margin-top: .6rem; overflow-wrap: anywhere; }
.review > :first-child { margin-top: 0; }
.review > :last-child { margin-bottom: 0; }
.review blockquote { margin: .5rem 0; padding-left: 1rem; border-left: 3px solid var(--rule); color: var(--muted); }
.review table { border-collapse: collapse; }
.review td, .review th { border: 1px solid var(--rule); padding: .2rem .5rem; }
details.review summary { cursor: pointer; font: 600 .85rem/1.5 system-ui, sans-serif; color: var(--accent); }
.tags { font: .8rem/1.5 system-ui, sans-serif; color: var(--muted); }
.rank { flex: 0 0 2.2rem; font: 700 1.6rem/1.1 system-ui, sans-serif; color: var(--accent);
  text-align: right; font-variant-numeric: tabular-nums; }
.note { margin: .35rem 0 0; font-style: italic; overflow-wrap: anywhere; }
.note > :first-child { margin-top: 0; }
.note > :last-child { margin-bottom: 0; }
.description { color: var(--muted); overflow-wrap: anywhere; }
a { color: var(--accent); }
footer { max-width: 46rem; margin: 2rem auto; padding: 0 1.25rem 3rem;
  font: .8rem/1.5 system-ui, sans-serif; color: var(--muted); }
@media print {
  :root { --bg: #fff; --fg: #000; --muted: #444; --card: #fff; --rule: #bbb; --accent: #000; }
  body { font-size: 11pt; }
  header { padding-top: 0; }
  .entry { border: none; border-bottom: 1px solid var(--rule); border-radius: 0; padding: .5rem 0; }
  h2 { break-after: avoid; }
  details.review > summary { display: none; }
  a { color: inherit; text-decoration: none; }
}
"#;

/// The page being gathered: each kept entry's article is made as it is
/// read (its poster looked up then); the page is written when the list is
/// whole and ordered. Rendering the reviews is most of the page's cost,
/// so the articles are made on a thread of their own, beside the reading
/// of the library; they arrive there in order, so the list is the same.
pub(crate) struct Sink<'a> {
    out: &'a mut dyn Write,
    posters: &'a dyn PosterSource,
    scale: RatingScale,
    order: ReviewOrder,
    heading: String,
    exported_at: DateTime<Utc>,
    /// The list the page is of, when it is of one.
    list: Option<ListScope>,
    /// Kept entries not sent yet: they go in batches, so the two threads
    /// do not wake each other for every entry.
    batch: Batch,
    to_render: Option<SyncSender<Batch>>,
    rendered: Option<JoinHandle<ReviewList>>,
}

/// Kept entries with their posters, sent to the article thread together.
type Batch = Vec<(Entry, Option<Poster>, Option<Place>)>;

/// Entries sent to the article thread at a time, and batches read ahead
/// of it: enough to keep both threads busy, few enough that memory does
/// not grow with the library.
const BATCH: usize = 64;
const IN_FLIGHT: usize = 4;

pub(crate) fn start<'a>(
    ctx: &Context,
    posters: &'a dyn PosterSource,
    out: &'a mut dyn Write,
) -> Result<Sink<'a>> {
    let (to_render, arrive) = sync_channel::<Batch>(IN_FLIGHT);
    let (scale, spoilers) = (ctx.scale, ctx.options.spoilers);
    let rendered = std::thread::Builder::new()
        .name("html export".into())
        .spawn(move || {
            let mut list = ReviewList::default();
            for (e, poster, place) in arrive.into_iter().flatten() {
                let (body, left_out) = entry(&e, scale, spoilers, poster, place.as_ref());
                list.push(&e, body, left_out, place.map(|p| p.position));
            }
            list
        })
        .map_err(|e| write_error(ExportFormat::Html, e))?;
    Ok(Sink {
        out,
        posters,
        scale,
        order: ctx.options.order,
        heading: ctx
            .options
            .heading
            .clone()
            .or_else(|| ctx.list.as_ref().map(|l| l.list.name.clone()))
            .unwrap_or_else(|| "My reviews".to_string()),
        exported_at: ctx.exported_at,
        list: ctx.list.clone(),
        batch: Vec::with_capacity(BATCH),
        to_render: Some(to_render),
        rendered: Some(rendered),
    })
}

/// The thread making the articles ended before its time (it panicked).
fn renderer_stopped() -> crate::error::Error {
    write_error(
        ExportFormat::Html,
        std::io::Error::other("the page's articles could not be made"),
    )
}

impl Sink<'_> {
    fn send_batch(&mut self) -> Result<()> {
        let batch = std::mem::replace(&mut self.batch, Vec::with_capacity(BATCH));
        let to_render = self.to_render.as_ref().ok_or_else(renderer_stopped)?;
        to_render.send(batch).map_err(|_| renderer_stopped())
    }
}

impl EntrySink for Sink<'_> {
    fn entry(&mut self, e: &Entry, _: &[IncomingWatch], report: &mut ExportReport) -> Result<()> {
        let place = self.list.as_ref().and_then(|l| l.place(e.id)).cloned();
        if ReviewList::keeps(e, place.is_some(), report) {
            // The poster source reads the library, which stays on this
            // thread.
            let poster = self.posters.poster(e);
            self.batch.push((e.clone(), poster, place));
            if self.batch.len() == BATCH {
                self.send_batch()?;
            }
        }
        Ok(())
    }

    fn finish(self: Box<Self>, report: &mut ExportReport) -> Result<()> {
        let mut sink = *self;
        sink.send_batch()?;
        // The last entry is sent: the thread finishes the list and ends.
        drop(sink.to_render.take());
        let list = sink
            .rendered
            .take()
            .ok_or_else(renderer_stopped)?
            .join()
            .map_err(|_| renderer_stopped())?;
        let Sink {
            out,
            scale,
            order,
            heading,
            exported_at,
            list: scope,
            ..
        } = sink;
        report.written = list.count();
        let mut h = page_head(&heading, "");
        h.push_str(&format!("<h1>{}</h1>\n", escape(&heading)));
        match &scope {
            Some(l) => {
                if let Some(d) = l.list.description.as_deref() {
                    h.push_str(&format!(
                        "<div class=\"description\">{}</div>\n",
                        crate::markdown::render(d)
                    ));
                }
                h.push_str(&format!(
                    "<p class=\"meta\">{} · a {}list exported from Watchlog on {} · ratings out of {}</p>\n</header>\n<main>\n",
                    titles(list.count()),
                    if l.list.ranked { "ranked " } else { "" },
                    exported_at.format("%Y-%m-%d"),
                    scale.max()
                ));
            }
            None => h.push_str(&format!(
                "<p class=\"meta\">Exported from Watchlog on {} · ratings out of {}</p>\n</header>\n<main>\n",
                exported_at.format("%Y-%m-%d"),
                scale.max()
            )),
        }
        let fail = |e| write_error(ExportFormat::Html, e);
        for section in list.sections(order, scale) {
            h.push_str("<section>\n");
            if !section.heading.is_empty() {
                h.push_str(&format!("<h2>{}</h2>\n", escape(&section.heading)));
            }
            out.write_all(h.as_bytes()).map_err(fail)?;
            h.clear();
            for item in &section.items {
                item.note_spoiler(report);
                out.write_all(item.body.as_bytes()).map_err(fail)?;
            }
            h.push_str("</section>\n");
        }
        h.push_str("</main>\n<footer>Made with Watchlog.</footer>\n</body>\n</html>\n");
        out.write_all(h.as_bytes()).map_err(fail)
    }
}

/// A page up to its `<header>`: the doctype, the policy, the shared style
/// with `extra_style` after it, and `title`.
pub(crate) fn page_head(title: &str, extra_style: &str) -> String {
    let mut h = String::new();
    h.push_str("<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n");
    h.push_str(&format!(
        "<meta http-equiv=\"Content-Security-Policy\" content=\"{CSP}\">\n"
    ));
    h.push_str("<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n");
    h.push_str("<meta name=\"color-scheme\" content=\"light dark\">\n");
    h.push_str("<meta name=\"generator\" content=\"Watchlog\">\n");
    h.push_str(&format!("<title>{}</title>\n", escape(title)));
    h.push_str(&format!(
        "<style>{STYLE}{extra_style}</style>\n</head>\n<body>\n<header>\n"
    ));
    h
}

/// One entry's `<article>`; `true` beside it when its spoiler review was
/// left out.
fn entry(
    e: &Entry,
    scale: RatingScale,
    spoilers: SpoilerMode,
    poster: Option<Poster>,
    place: Option<&Place>,
) -> (String, bool) {
    let mut left_out = false;
    let mut h = String::new();
    let name = &e.title.facts.name;
    h.push_str("<article class=\"entry\">\n");
    if let Some(rank) = place.and_then(|p| p.rank) {
        h.push_str(&format!("<div class=\"rank\">{rank}</div>\n"));
    }
    match poster.and_then(data_uri) {
        Some(uri) => h.push_str(&format!(
            "<img class=\"poster\" src=\"{uri}\" alt=\"Poster of {}\">\n",
            escape(name)
        )),
        None => {
            let (initials, hue) = placeholder(name);
            h.push_str(&format!(
                "<div class=\"poster placeholder\" style=\"background:linear-gradient(160deg, hsl({hue} 45% 52%), hsl({} 45% 30%))\" aria-hidden=\"true\">{}</div>\n",
                (hue + 40) % 360,
                escape(&initials)
            ));
        }
    }
    h.push_str("<div class=\"body\">\n");
    h.push_str(&format!("<h3>{}</h3>\n", escape(name)));
    if let Some(note) = place.and_then(|p| p.note.as_deref()) {
        h.push_str(&format!(
            "<div class=\"note\">{}</div>\n",
            crate::markdown::render(note)
        ));
    }
    h.push_str(&format!(
        "<p class=\"facts\">{}</p>\n",
        escape(&facts_line(e))
    ));
    let mut line: Vec<String> = Vec::new();
    if let Some(r) = e.fields.rating {
        line.push(format!(
            "<span class=\"rating\">{}</span>",
            escape(&rating_label(r, scale))
        ));
    }
    if e.fields.favorite {
        line.push("♥ favourite".into());
    }
    let watched = watch_line(e);
    if !watched.is_empty() {
        line.push(escape(&watched));
    }
    if !line.is_empty() {
        h.push_str(&format!("<p class=\"watch\">{}</p>\n", line.join(" · ")));
    }
    if !e.fields.tags.is_empty() {
        h.push_str(&format!(
            "<p class=\"tags\">{}</p>\n",
            e.fields
                .tags
                .iter()
                .map(|t| format!("#{}", escape(t)))
                .collect::<Vec<_>>()
                .join(" ")
        ));
    }
    if let Some(review) = e.fields.review.as_deref().filter(|r| !r.trim().is_empty()) {
        let html = crate::markdown::render(review);
        match (e.fields.review_spoiler, spoilers) {
            (false, _) => h.push_str(&format!("<div class=\"review\">{html}</div>\n")),
            (true, SpoilerMode::Hide) => h.push_str(&format!(
                "<details class=\"review\"><summary>Spoiler</summary>{html}</details>\n"
            )),
            (true, SpoilerMode::Omit) => left_out = true,
        }
    }
    h.push_str("</div>\n</article>\n");
    (h, left_out)
}

/// "1 title", "12 titles".
fn titles(n: usize) -> String {
    match n {
        1 => "1 title".into(),
        n => format!("{n} titles"),
    }
}

/// Escapes text for HTML content and double-quoted attributes.
pub(crate) fn escape(text: &str) -> String {
    let mut s = String::with_capacity(text.len());
    for c in text.chars() {
        match c {
            '&' => s.push_str("&amp;"),
            '<' => s.push_str("&lt;"),
            '>' => s.push_str("&gt;"),
            '"' => s.push_str("&quot;"),
            '\'' => s.push_str("&#39;"),
            _ => s.push(c),
        }
    }
    s
}

/// A `data:` URI for a poster in a format every browser shows. Anything
/// else (SVG could carry script) gets the placeholder instead.
pub(crate) fn data_uri(p: Poster) -> Option<String> {
    let mime = p.mime.trim().to_ascii_lowercase();
    let allowed = [
        "image/jpeg",
        "image/png",
        "image/webp",
        "image/gif",
        "image/avif",
    ];
    if !allowed.contains(&mime.as_str()) || p.bytes.is_empty() {
        return None;
    }
    Some(format!("data:{mime};base64,{}", base64(&p.bytes)))
}

/// The placeholder's letters and hue. Letters: the first of the first two
/// words ("Reply 1988" → "R1"); for a title in Hangul, kana or hanzi, its
/// first two characters (스물다섯 → "스물"). The hue comes from a stable
/// hash of the title so a title keeps its colour across exports.
pub fn placeholder(name: &str) -> (String, u32) {
    let words: Vec<Vec<char>> = name
        .split(|c: char| c.is_whitespace() || "-–—:/·".contains(c))
        .map(|w| {
            w.chars()
                .filter(|c| c.is_alphanumeric())
                .collect::<Vec<_>>()
        })
        .filter(|w| !w.is_empty())
        .collect();
    let initials: String = match words.first() {
        None => "?".into(),
        Some(first) if is_cjk(first[0]) => first.iter().take(2).collect(),
        Some(_) => words
            .iter()
            .take(2)
            .flat_map(|w| w[0].to_uppercase())
            .collect(),
    };
    // FNV-1a: small, stable across runs and platforms.
    let mut h: u32 = 0x811c_9dc5;
    for unit in name.trim().to_lowercase().encode_utf16() {
        h ^= u32::from(unit);
        h = h.wrapping_mul(0x0100_0193);
    }
    (initials, h % 360)
}

fn is_cjk(c: char) -> bool {
    matches!(c as u32,
        0x1100..=0x11FF | 0x3040..=0x30FF | 0x3130..=0x318F | 0x3400..=0x4DBF
        | 0x4E00..=0x9FFF | 0xAC00..=0xD7AF | 0xF900..=0xFAFF)
}

fn base64(bytes: &[u8]) -> String {
    const ALPHABET: &[u8; 64] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
    let mut s = String::with_capacity(bytes.len().div_ceil(3) * 4);
    for chunk in bytes.chunks(3) {
        let b = [
            chunk[0],
            *chunk.get(1).unwrap_or(&0),
            *chunk.get(2).unwrap_or(&0),
        ];
        let n = (u32::from(b[0]) << 16) | (u32::from(b[1]) << 8) | u32::from(b[2]);
        for i in 0..4 {
            if i <= chunk.len() {
                s.push(ALPHABET[((n >> (18 - 6 * i)) & 63) as usize] as char);
            } else {
                s.push('=');
            }
        }
    }
    s
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn base64_matches_the_standard() {
        assert_eq!(base64(b""), "");
        assert_eq!(base64(b"f"), "Zg==");
        assert_eq!(base64(b"fo"), "Zm8=");
        assert_eq!(base64(b"foo"), "Zm9v");
        assert_eq!(base64(b"foobar"), "Zm9vYmFy");
    }

    #[test]
    fn placeholder_letters() {
        assert_eq!(placeholder("Reply 1988").0, "R1");
        assert_eq!(placeholder("사운드트랙 #2").0, "사운");
        assert_eq!(placeholder("  ").0, "?");
        assert_eq!(placeholder("Soundtrack #2"), placeholder("soundtrack #2"));
    }

    #[test]
    fn svg_posters_are_refused() {
        let svg = Poster {
            mime: "image/svg+xml".into(),
            bytes: b"<svg/>".to_vec(),
        };
        assert_eq!(data_uri(svg), None);
        let png = Poster {
            mime: "image/png".into(),
            bytes: vec![1, 2, 3],
        };
        assert_eq!(data_uri(png).as_deref(), Some("data:image/png;base64,AQID"));
    }
}
