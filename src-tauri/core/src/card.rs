//! Shareable PNG cards: a portrait image (1080×1350, the shape social
//! feeds show whole) drawn as SVG here and rendered with resvg, text set in
//! the system's fonts so Hangul, kana and hanzi titles show their glyphs.
//!
//! [`render_png`] renders any SVG this module builds; [`list_card`] is a
//! ranked list of posters with a line each (any list of titles), and
//! [`year_card`] the year in review. Every piece of user text goes through
//! the page's escaping, so a title with `<&>` stays text; images come only
//! from `data:` URIs of raster posters, never from a file or the network.

use std::fmt::Write as _;
use std::sync::{Arc, OnceLock};

use chrono::NaiveDate;
use resvg::{tiny_skia, usvg};

use crate::error::{Error, Result};
use crate::model::YearReview;
use crate::rating::RatingScale;
use crate::transfer::export::html::{data_uri, escape, placeholder};
use crate::transfer::export::rating_label;
use crate::transfer::Poster;

/// The card's size in pixels.
pub const WIDTH: u32 = 1080;
pub const HEIGHT: u32 = 1350;

/// The largest image `render_png` makes, a side: a card is far smaller, so
/// anything bigger is a mistake, not a card.
const MAX_SIDE: u32 = 4096;

/// Families tried in order; a character none of them has is looked for in
/// every installed font. The CJK face comes first: it has Latin too, so a
/// title mixing Hangul and Latin is set in one face, not two.
const FONTS: &str = "'Noto Sans CJK KR', 'Noto Sans', 'DejaVu Sans', sans-serif";

const BG_TOP: &str = "#1f1d1b";
const BG_BOTTOM: &str = "#3a1f17";
const FG: &str = "#ece8e1";
const MUTED: &str = "#a39d93";
const ACCENT: &str = "#f08a6c";

/// One title on a list card.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CardItem {
    /// Its place in a ranked list, drawn before it.
    pub rank: Option<u32>,
    pub name: String,
    /// A short line under the name: a rating, a year, a note.
    pub line: String,
    pub poster: Option<Poster>,
}

/// The fonts installed on this computer, loaded once per process (a scan
/// of the font folders; the files are mapped, not read).
fn fonts() -> Arc<usvg::fontdb::Database> {
    static FONT_DB: OnceLock<Arc<usvg::fontdb::Database>> = OnceLock::new();
    FONT_DB
        .get_or_init(|| {
            let mut db = usvg::fontdb::Database::new();
            db.load_system_fonts();
            db.set_sans_serif_family("Noto Sans");
            Arc::new(db)
        })
        .clone()
}

/// Renders SVG text to PNG bytes at its own size. Images load only from
/// `data:` URIs of PNG, JPEG, WebP or GIF; a path or address is ignored.
pub fn render_png(svg: &str) -> Result<Vec<u8>> {
    let options = usvg::Options {
        fontdb: fonts(),
        font_family: "Noto Sans".into(),
        image_href_resolver: usvg::ImageHrefResolver {
            resolve_data: Box::new(|mime, data, _| match mime {
                "image/png" => Some(usvg::ImageKind::PNG(data)),
                "image/jpeg" | "image/jpg" => Some(usvg::ImageKind::JPEG(data)),
                "image/webp" => Some(usvg::ImageKind::WEBP(data)),
                "image/gif" => Some(usvg::ImageKind::GIF(data)),
                _ => None,
            }),
            resolve_string: Box::new(|_, _| None),
        },
        ..usvg::Options::default()
    };
    let tree = usvg::Tree::from_str(svg, &options).map_err(|e| failed(format!("{e}")))?;
    let size = tree.size().to_int_size();
    if size.width() > MAX_SIDE || size.height() > MAX_SIDE {
        return Err(failed(format!(
            "{}×{} is larger than a card",
            size.width(),
            size.height()
        )));
    }
    let mut pixmap = tiny_skia::Pixmap::new(size.width(), size.height())
        .ok_or_else(|| failed("the image has no size"))?;
    resvg::render(
        &tree,
        tiny_skia::Transform::identity(),
        &mut pixmap.as_mut(),
    );
    pixmap.encode_png().map_err(|e| failed(format!("{e}")))
}

fn failed(why: impl std::fmt::Display) -> Error {
    Error::io(
        "could not draw the card",
        std::io::Error::other(why.to_string()),
    )
}

/// A list of titles as a card: `title` and `subtitle` at the top, then up
/// to ten items, each with its poster (or its placeholder), rank, name and
/// line.
pub fn list_card(title: &str, subtitle: &str, items: &[CardItem]) -> Result<Vec<u8>> {
    render_png(&list_card_svg(title, subtitle, items))
}

/// The SVG [`list_card`] renders.
pub fn list_card_svg(title: &str, subtitle: &str, items: &[CardItem]) -> String {
    const SHOWN: usize = 10;
    const ROW: u32 = 108;
    let mut s = open(title);
    heading(&mut s, title, subtitle);
    let top = 250;
    for (i, item) in items.iter().take(SHOWN).enumerate() {
        let y = top + i as u32 * ROW;
        let mut x = 70;
        if let Some(rank) = item.rank {
            let _ = write!(
                s,
                r#"<text x="{x}" y="{}" font-size="40" font-weight="700" fill="{ACCENT}">{rank}</text>"#,
                y + 60
            );
            x += 70;
        }
        poster(
            &mut s,
            item.poster.as_ref(),
            &item.name,
            (x, y),
            (64, 96),
            i,
        );
        let tx = x + 88;
        let _ = write!(
            s,
            r#"<text x="{tx}" y="{}" font-size="36" font-weight="600" fill="{FG}">{}</text>"#,
            y + 44,
            escape(&fit(&item.name, 40))
        );
        if !item.line.is_empty() {
            let _ = write!(
                s,
                r#"<text x="{tx}" y="{}" font-size="26" fill="{MUTED}">{}</text>"#,
                y + 82,
                escape(&fit(&item.line, 56))
            );
        }
    }
    if items.is_empty() {
        let _ = write!(
            s,
            r#"<text x="540" y="640" font-size="36" fill="{MUTED}" text-anchor="middle">Nothing here yet.</text>"#
        );
    }
    close(s)
}

/// The year in review as a card: `title` ("My 2023 in review" by default
/// in the faces), the year's big numbers and the best-rated posters.
/// `posters` follows `review.best_rated` (missing ones get placeholders).
pub fn year_card(
    review: &YearReview,
    title: &str,
    posters: &[Option<Poster>],
    scale: RatingScale,
) -> Result<Vec<u8>> {
    render_png(&year_card_svg(review, title, posters, scale))
}

/// The SVG [`year_card`] renders.
pub fn year_card_svg(
    review: &YearReview,
    title: &str,
    posters: &[Option<Poster>],
    scale: RatingScale,
) -> String {
    let mut s = open(title);
    heading(&mut s, title, &format!("{} · Watchlog", review.year));
    if review.days_watched == 0 {
        let _ = write!(
            s,
            r#"<text x="540" y="660" font-size="44" fill="{MUTED}" text-anchor="middle">{}</text>"#,
            escape(&crate::transfer::year::nothing_watched(review.year))
        );
        return close(s);
    }
    let big = [
        (number(review.titles_finished.into()), "titles finished"),
        (number(review.episodes_watched.into()), "episodes"),
        (number(review.hours_watched.round() as i64), "hours watched"),
        (number(review.days_watched.into()), "days with a watch"),
    ];
    for (i, (value, label)) in big.iter().enumerate() {
        let (x, y) = (70 + (i as u32 % 2) * 480, 330 + (i as u32 / 2) * 190);
        let _ = write!(
            s,
            r#"<text x="{x}" y="{y}" font-size="104" font-weight="800" fill="{FG}">{}</text><text x="{x}" y="{}" font-size="30" fill="{MUTED}">{}</text>"#,
            escape(value),
            y + 46,
            escape(label)
        );
    }
    let mut facts: Vec<String> = Vec::new();
    if review.rewatches > 0 {
        facts.push(format!(
            "{} new · {} rewatched",
            review.new_titles, review.rewatches
        ));
    }
    if let Some(m) = &review.busiest_month {
        facts.push(format!("Busiest month: {}", month_name(&m.month)));
    }
    if let Some(st) = &review.longest_streak {
        if st.days > 1 {
            facts.push(format!("Longest streak: {} days in a row", st.days));
        }
    }
    for (i, f) in facts.iter().take(3).enumerate() {
        let _ = write!(
            s,
            r#"<text x="70" y="{}" font-size="32" fill="{FG}">{}</text>"#,
            720 + i as u32 * 48,
            escape(f)
        );
    }
    if !review.best_rated.is_empty() {
        let _ = write!(
            s,
            r#"<text x="70" y="920" font-size="26" font-weight="700" letter-spacing="3" fill="{ACCENT}">BEST RATED</text>"#
        );
        for (i, t) in review.best_rated.iter().take(5).enumerate() {
            let x = 70 + i as u32 * 192;
            let p = posters.get(i).and_then(Option::as_ref);
            poster(&mut s, p, &t.name, (x, 950), (172, 258), i);
            let _ = write!(
                s,
                r#"<text x="{x}" y="1250" font-size="22" font-weight="600" fill="{FG}">{}</text><text x="{x}" y="1284" font-size="24" fill="{ACCENT}">{}</text>"#,
                escape(&fit(&t.name, 12)),
                escape(&rating_label(t.rating, scale))
            );
        }
    }
    close(s)
}

fn open(title: &str) -> String {
    let mut s = String::with_capacity(64 * 1024);
    let _ = write!(
        s,
        r#"<svg xmlns="http://www.w3.org/2000/svg" width="{WIDTH}" height="{HEIGHT}" viewBox="0 0 {WIDTH} {HEIGHT}" font-family="{FONTS}"><title>{}</title><defs><linearGradient id="bg" x1="0" y1="0" x2="0" y2="1"><stop offset="0" stop-color="{BG_TOP}"/><stop offset="1" stop-color="{BG_BOTTOM}"/></linearGradient></defs><rect width="{WIDTH}" height="{HEIGHT}" fill="url(#bg)"/>"#,
        escape(title)
    );
    s
}

fn heading(s: &mut String, title: &str, subtitle: &str) {
    let _ = write!(
        s,
        r#"<text x="70" y="140" font-size="64" font-weight="800" fill="{FG}">{}</text><text x="70" y="192" font-size="30" fill="{MUTED}">{}</text>"#,
        escape(&fit(title, 28)),
        escape(&fit(subtitle, 56))
    );
}

fn close(mut s: String) -> String {
    s.push_str("</svg>");
    s
}

/// A poster at (x, y) of `size` with rounded corners, or the title's
/// placeholder (its letters on its hue) when there is no usable image.
fn poster(
    s: &mut String,
    p: Option<&Poster>,
    name: &str,
    (x, y): (u32, u32),
    (w, h): (u32, u32),
    n: usize,
) {
    let clip = format!("p{n}");
    let _ = write!(
        s,
        r#"<clipPath id="{clip}"><rect x="{x}" y="{y}" width="{w}" height="{h}" rx="10"/></clipPath>"#
    );
    // resvg decodes these; anything else (AVIF, SVG) gets the placeholder.
    let raster = p.filter(|p| {
        matches!(
            p.mime.trim().to_ascii_lowercase().as_str(),
            "image/png" | "image/jpeg" | "image/webp" | "image/gif"
        )
    });
    match raster.and_then(|p| data_uri(p.clone())) {
        Some(uri) => {
            let _ = write!(
                s,
                r#"<image x="{x}" y="{y}" width="{w}" height="{h}" preserveAspectRatio="xMidYMid slice" clip-path="url(#{clip})" href="{uri}"/>"#
            );
        }
        None => {
            let (initials, hue) = placeholder(name);
            let _ = write!(
                s,
                r#"<rect x="{x}" y="{y}" width="{w}" height="{h}" rx="10" fill="hsl({hue}, 45%, 42%)"/><text x="{}" y="{}" font-size="{}" font-weight="700" fill="white" text-anchor="middle">{}</text>"#,
                x + w / 2,
                y + h / 2 + w / 8,
                w / 3,
                escape(&initials)
            );
        }
    }
}

/// `text` cut to about `width` narrow characters (a Hangul, kana or hanzi
/// character counts two), with an ellipsis when cut: SVG text does not wrap.
fn fit(text: &str, width: usize) -> String {
    let mut used = 0;
    let mut out = String::new();
    for c in text.chars() {
        let w = if is_wide(c) { 2 } else { 1 };
        if used + w > width {
            out.push('…');
            return out;
        }
        used += w;
        out.push(c);
    }
    out
}

fn is_wide(c: char) -> bool {
    matches!(c as u32, 0x1100..=0x115F | 0x2E80..=0xA4CF | 0xAC00..=0xD7A3 | 0xF900..=0xFAFF | 0xFF00..=0xFF60)
}

/// 12,345.
fn number(n: i64) -> String {
    let digits = n.unsigned_abs().to_string();
    let mut out = String::new();
    for (i, c) in digits.chars().enumerate() {
        if i > 0 && (digits.len() - i) % 3 == 0 {
            out.push(',');
        }
        out.push(c);
    }
    if n < 0 {
        out.insert(0, '-');
    }
    out
}

/// "2023-03" → "March".
fn month_name(month: &str) -> String {
    NaiveDate::parse_from_str(&format!("{month}-01"), "%Y-%m-%d")
        .map_or_else(|_| month.to_string(), |d| d.format("%B").to_string())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn text_is_cut_by_its_width() {
        assert_eq!(fit("Soundtrack #2", 40), "Soundtrack #2");
        assert_eq!(fit("abcdef", 4), "abcd…");
        assert_eq!(fit("나의 아저씨", 6), "나의 …");
        assert_eq!(number(1234567), "1,234,567");
        assert_eq!(number(999), "999");
        assert_eq!(month_name("2023-03"), "March");
    }

    #[test]
    fn user_text_stays_text_in_the_svg() {
        let items = [CardItem {
            rank: Some(1),
            name: "<script>&\"x\"</script>".into(),
            line: "a < b".into(),
            poster: Some(Poster {
                mime: "image/svg+xml".into(),
                bytes: b"<svg onload=\"x\"/>".to_vec(),
            }),
        }];
        let svg = list_card_svg("Top <1> & more", "sub", &items);
        assert!(!svg.contains("<script"), "{svg}");
        assert!(
            !svg.contains("onload"),
            "an SVG poster is not embedded: {svg}"
        );
        assert!(svg.contains("Top &lt;1&gt; &amp; more"), "{svg}");
    }
}
