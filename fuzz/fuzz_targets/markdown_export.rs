//! The Markdown review export with an entry of arbitrary title, review,
//! notes, tags and platform, and `markdown::inert_html` on its own. The
//! property, not just "no panic": read back by a CommonMark parser, the
//! export holds no HTML but the exporter's own spoiler block, opened and
//! closed exactly once per spoiler review — so no `</details>`, `<script`
//! or other tag from the input survives as markup, and a review cannot
//! close its spoiler block early or keep it from closing.
#![no_main]

use std::cell::RefCell;

use libfuzzer_sys::fuzz_target;
use pulldown_cmark::{Event, Options, Parser};
use watchlog_core::transfer::{export, ExportFormat, ExportOptions};
use watchlog_core::{markdown, EntryFields, Library, NewEntry, Rating, TitleFacts};

const OPEN: &str = "<details><summary>Spoiler</summary>";
const CLOSE: &str = "</details>";

thread_local! {
    // One library for the whole run: opening and migrating one per input
    // would be most of the time spent.
    static LIB: RefCell<Library> = RefCell::new(Library::open_in_memory().expect("an in-memory library"));
}

/// A parser like the renderers the export is read in (GitHub, Obsidian):
/// CommonMark with the usual extensions.
fn parse(md: &str) -> Parser<'_> {
    let mut o = Options::empty();
    o.insert(Options::ENABLE_STRIKETHROUGH);
    o.insert(Options::ENABLE_TABLES);
    o.insert(Options::ENABLE_FOOTNOTES);
    o.insert(Options::ENABLE_TASKLISTS);
    Parser::new_ext(md, o)
}

/// Every line of raw HTML the parser finds in `md`.
fn html_lines(md: &str) -> Vec<String> {
    let mut out = Vec::new();
    for event in parse(md) {
        if let Event::Html(h) | Event::InlineHtml(h) = event {
            out.extend(h.lines().map(str::trim).filter(|l| !l.is_empty()).map(str::to_string));
        }
    }
    out
}

fuzz_target!(|data: &[u8]| {
    let text = String::from_utf8_lossy(data);
    // The raw-HTML neutraliser alone: nothing it returns parses as HTML.
    let inert = markdown::inert_html(&text);
    assert!(html_lines(&inert).is_empty(), "raw HTML survived inert_html: {inert:?}");

    // Fields separated by U+0001, which no field needs.
    let mut parts = text.split('\u{1}');
    let mut next = || parts.next().map(str::to_string);
    let flags = data.first().copied().unwrap_or(0);
    let new = NewEntry {
        title: TitleFacts {
            name: next().unwrap_or_default(),
            ..Default::default()
        },
        fields: EntryFields {
            review: next(),
            notes: next(),
            tags: next()
                .map(|t| t.split(',').map(str::to_string).collect())
                .unwrap_or_default(),
            platform: next(),
            review_spoiler: flags & 1 == 1,
            favorite: flags & 2 == 2,
            rating: Rating::new(flags % 101).ok(),
            ..Default::default()
        },
    };
    LIB.with_borrow_mut(|lib| {
        // What the store refuses (an empty title, a tag too long) is fine.
        let Ok(id) = lib.add_entry(&new) else { return };
        let stored = lib.entry(id).expect("the entry just added");
        let mut out = Vec::new();
        let report = export(lib, ExportFormat::Markdown, &ExportOptions::default(), &mut out);
        lib.delete_entry(id).expect("deleting the entry again");
        report.expect("the Markdown export");
        let md = String::from_utf8(out).expect("the export is UTF-8");
        let spoiler = stored.fields.review_spoiler
            && stored.fields.review.as_deref().is_some_and(|r| !r.trim().is_empty());
        let expected: Vec<&str> = if spoiler { vec![OPEN, CLOSE] } else { vec![] };
        assert_eq!(
            html_lines(&md),
            expected,
            "the export's HTML is not only its own spoiler block:\n{md}"
        );
    });
});
