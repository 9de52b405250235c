//! The one Markdown renderer. Reviews and notes are written in Markdown and
//! shown as HTML in the app's preview and, later, in the HTML export; both go
//! through here, so nothing a review contains can run: pulldown-cmark turns
//! the text into HTML and ammonia keeps only a safe allow-list of tags,
//! attributes and URL schemes.

use std::collections::HashSet;
use std::sync::OnceLock;

use pulldown_cmark::{html, CodeBlockKind, Event, Options, Parser, Tag, TagEnd};

/// The only schemes a link may have: none of them can run code.
const URL_SCHEMES: [&str; 3] = ["http", "https", "mailto"];

fn sanitizer() -> &'static ammonia::Builder<'static> {
    static CLEANER: OnceLock<ammonia::Builder<'static>> = OnceLock::new();
    CLEANER.get_or_init(|| {
        let mut b = ammonia::Builder::default();
        // Links open outside the app; keep only schemes that cannot run code.
        b.url_schemes(HashSet::from(URL_SCHEMES))
            .link_rel(Some("noopener noreferrer nofollow"))
            // Remote images would leak that the page was opened and break
            // offline use; reviews keep text, not pictures.
            .rm_tags(["img"]);
        b
    })
}

fn options() -> Options {
    let mut options = Options::empty();
    options.insert(Options::ENABLE_STRIKETHROUGH);
    options.insert(Options::ENABLE_TABLES);
    options.insert(Options::ENABLE_FOOTNOTES);
    options.insert(Options::ENABLE_TASKLISTS);
    options
}

/// Renders Markdown to sanitised HTML.
pub fn render(markdown: &str) -> String {
    let parser = Parser::new_ext(markdown, options());
    let mut unsafe_html = String::with_capacity(markdown.len() * 3 / 2);
    html::push_html(&mut unsafe_html, parser);
    sanitizer().clean(&unsafe_html).to_string()
}

/// The Markdown as written, with what the app's renderer would not show
/// made text: every `<` that opens an HTML block or inline tag becomes
/// `&lt;`, and an image, or a link to anything but the allowed schemes
/// (`javascript:`), has its opening bracket escaped. So a review pasted
/// into a Markdown file cannot close the export's own `<details>` spoiler
/// block, add markup of its own or load anything, even in a viewer that
/// keeps raw HTML, while its Markdown (and any `<` inside code) stays
/// exactly as typed. A code fence left open at the end is closed: in a
/// document it would swallow what follows, and the next review's fence
/// would then close it and free the raw HTML that review kept as code.
pub fn inert_html(markdown: &str) -> String {
    // HTML, images and links all start with `<` or `[`, and only a fence
    // (`` ` `` or `~`) leaves a code block open: text with none of them
    // has nothing to change, and most reviews are such text, which an
    // export of a whole library would otherwise parse three times each.
    if !markdown.contains(['<', '[', '`', '~']) {
        return markdown.to_string();
    }
    // Made text, an HTML block stops being one and what it held is read
    // anew (joined to the line before as an inline comment, or a code fence
    // freed so a later `<script>` leaves its code block), and a link made
    // text can leave its brackets to form another one: so this runs until
    // nothing changes. Real reviews settle in one or two passes; text shaped
    // against the rule past `MAX_PASSES` has every `<` and `[` made text,
    // in code too, which leaves no HTML and no link at all.
    let mut text = inert_pass(markdown);
    let mut settled = false;
    for _ in 0..MAX_PASSES {
        let next = inert_pass(&text);
        if next == text {
            settled = true;
            break;
        }
        text = next;
    }
    if !settled {
        text = markdown.replace('<', "&lt;").replace('[', "\\[");
    }
    if swallows_what_follows(&text) {
        // Only a fence at the top level runs on past a blank line and an
        // unindented paragraph, and it is then the last one to open.
        let last_fence = Parser::new_ext(&text, options())
            .into_offset_iter()
            .filter_map(|(event, range)| {
                matches!(
                    event,
                    Event::Start(Tag::CodeBlock(CodeBlockKind::Fenced(_)))
                )
                .then_some(range.start)
            })
            .last();
        if let Some(fence) = last_fence.and_then(|start| fence_of(&text[start..])) {
            text.push('\n');
            text.push_str(&fence);
        }
    }
    text
}

/// Passes of [`inert_html`] before it stops looking (found by fuzzing: the
/// hardest cases need two or three).
const MAX_PASSES: usize = 8;

/// One pass of [`inert_html`]'s replacements.
fn inert_pass(markdown: &str) -> String {
    let mut out = String::with_capacity(markdown.len());
    let mut done = 0;
    for (event, range) in Parser::new_ext(markdown, options()).into_offset_iter() {
        if range.start < done {
            continue;
        }
        let (upto, with) = match &event {
            Event::Html(_) | Event::InlineHtml(_) => {
                (range.end, markdown[range.clone()].replace('<', "&lt;"))
            }
            Event::Start(Tag::Image { .. }) => (range.start + 2, "!\\[".to_string()),
            Event::Start(Tag::Link { dest_url, .. }) if !allowed_url(dest_url) => {
                match markdown.as_bytes()[range.start] {
                    b'<' => (range.start + 1, "&lt;".to_string()),
                    b'[' => (range.start + 1, "\\[".to_string()),
                    _ => continue,
                }
            }
            _ => continue,
        };
        out.push_str(&markdown[done..range.start]);
        out.push_str(&with);
        done = upto;
    }
    out.push_str(&markdown[done..]);
    out
}

/// Whether a link to `url` is one the renderer keeps: no scheme (a
/// relative address) or one of [`URL_SCHEMES`]. Browsers ignore tabs,
/// line breaks and surrounding spaces in an address, so this does too.
fn allowed_url(url: &str) -> bool {
    let url: String = url
        .chars()
        .filter(|c| !c.is_whitespace() && !c.is_control())
        .collect();
    match url.split_once(':') {
        Some((scheme, _)) if !scheme.contains(['/', '?', '#']) => {
            URL_SCHEMES.contains(&scheme.to_ascii_lowercase().as_str())
        }
        _ => true,
    }
}

/// Whether a paragraph written after `markdown` would be read as part of
/// a code block in it.
fn swallows_what_follows(markdown: &str) -> bool {
    let probe = format!("{markdown}\n\nafter");
    let (mut in_code, mut last_in_code) = (false, false);
    for event in Parser::new_ext(&probe, options()) {
        match event {
            Event::Start(Tag::CodeBlock(_)) => in_code = true,
            Event::End(TagEnd::CodeBlock) => in_code = false,
            Event::Text(_) => last_in_code = in_code,
            _ => {}
        }
    }
    last_in_code
}

/// The run of backticks or tildes that opens the fenced code block
/// `block`, which also closes it.
fn fence_of(block: &str) -> Option<String> {
    let opening = block.trim_start();
    let mark = opening.chars().next().filter(|c| matches!(c, '`' | '~'))?;
    Some(opening.chars().take_while(|&c| c == mark).collect())
}

#[cfg(test)]
mod tests {
    use super::{inert_html, options, render};
    use pulldown_cmark::{Event, Parser};

    /// The shortcut for text with no `<`, `[`, `` ` `` or `~` gives what
    /// the whole rule gives.
    #[test]
    fn text_without_markup_openers_is_what_the_whole_rule_leaves() {
        for text in [
            "A quiet drama.\n\n    indented, not a fence\n\nafter",
            "*Loved* it & the _ending_: 8/10 — worth it!",
            "  leading spaces\n1. a list\n> a quote\n\n---\n# heading",
            "사운드트랙 #2: 좋아요 | a | b |\n|---|---|",
        ] {
            assert_eq!(super::inert_pass(text), text, "{text:?}");
            assert!(!super::swallows_what_follows(text), "{text:?}");
            assert_eq!(inert_html(text), text);
        }
    }

    #[test]
    fn raw_html_in_markdown_becomes_text_and_markdown_stays() {
        let review = "**Great** `</details>` OST.\n\n</details>\n<script>alert(1)</script>\n\nA <b>bold</b> end.\n\n```\n<kept in code>\n```\n";
        let inert = inert_html(review);
        assert_eq!(
            inert,
            "**Great** `</details>` OST.\n\n&lt;/details>\n&lt;script>alert(1)&lt;/script>\n\nA &lt;b>bold&lt;/b> end.\n\n```\n<kept in code>\n```\n"
        );
        let html = render(&inert);
        assert!(!html.contains("<b>") && !html.contains("<script"), "{html}");
        assert!(html.contains("&lt;/details&gt;"), "shown as text: {html}");
        assert_eq!(inert_html("plain *text*"), "plain *text*");
    }

    #[test]
    fn an_open_code_fence_is_closed_so_it_keeps_to_its_review() {
        // Alone each is harmless; one after the other in a document, the
        // second fence would close the first and free the image.
        let first = inert_html("A review.\n\n````\nan open fence");
        let second = inert_html("````\n<img src=x onerror=alert(1)>\n````");
        assert_eq!(first, "A review.\n\n````\nan open fence\n````");
        let mut html = String::new();
        pulldown_cmark::html::push_html(
            &mut html,
            Parser::new_ext(&format!("{first}\n\n{second}\n"), options()),
        );
        assert!(!html.contains("<img"), "{html}");
        for review in [
            "A fence ``` inside a line",
            "- ```\n  open in a list",
            "~~~\nclosed\n~~~",
        ] {
            assert_eq!(inert_html(review), review, "nothing to close");
        }
        assert_eq!(inert_html("~~~~\nopen"), "~~~~\nopen\n~~~~");
    }

    #[test]
    fn images_and_links_that_could_run_become_text() {
        let review = concat!(
            "[ok](https://example.com) [rel](../x) [mail](mailto:a@b.c) ",
            "[bad](javascript:alert(1)) [tab](<java\tscript:x>) <javascript:alert(2)> ",
            "[ref][r] ![pic](https://example.com/p.png) [a [b](JavaScript:x)\n\n",
            "[r]: javascript:alert(3)\n"
        );
        let inert = inert_html(review);
        assert_eq!(
            inert,
            concat!(
                "[ok](https://example.com) [rel](../x) [mail](mailto:a@b.c) ",
                "\\[bad](javascript:alert(1)) \\[tab](&lt;java\tscript:x>) &lt;javascript:alert(2)> ",
                // Freed of its link, `<java script:x>` reads as a tag; `[r]`
                // alone is a link to the same address, made text next.
                "\\[ref]\\[r] !\\[pic](https://example.com/p.png) \\[a \\[b](JavaScript:x)\n\n",
                "[r]: javascript:alert(3)\n"
            )
        );
        let mut html = String::new();
        pulldown_cmark::html::push_html(&mut html, Parser::new_ext(&inert, options()));
        assert!(
            !html.to_ascii_lowercase().contains("href=\"javascript") && !html.contains("<img"),
            "{html}"
        );
        assert_eq!(
            html.matches("<a href").count(),
            3,
            "the safe links stay: {html}"
        );
    }

    #[test]
    fn a_fence_left_open_is_closed_and_others_are_kept() {
        assert_eq!(
            inert_html("a\n\n```rust\nlet x;"),
            "a\n\n```rust\nlet x;\n```"
        );
        assert_eq!(inert_html("~~~~\n~~~"), "~~~~\n~~~\n~~~~");
        assert_eq!(inert_html("```\r</details>"), "```\r</details>\n```");
        for kept in [
            "```\ncode\n```",
            "```\ncode\n  ````  ",
            "```\r\ncode\r\n```\r\n",
            "> ```\n> quoted",
            "- ```\n  in a list",
        ] {
            assert_eq!(inert_html(kept), kept);
        }
        assert!(
            !render(&format!("{}\n\n</details>", inert_html("```\nx"))).contains("&lt;/details")
        );
    }

    /// Found by fuzzing: made text, an HTML block stops being one, and
    /// what it held is read anew — joined to the line before as an inline
    /// comment, or a code fence freed so that later `<script>` leaves its
    /// code block.
    #[test]
    fn html_uncovered_by_making_html_text_is_made_text_too() {
        let has_html = |md: &str| {
            Parser::new_ext(md, options())
                .any(|e| matches!(e, Event::Html(_) | Event::InlineHtml(_)))
        };
        for review in [
            "x <!--\n</details> -->",
            "<div>\n```\n\n```\n<script>alert(1)</script>\n```",
            "#Alive\u{1}<'-` </de>\n\n<d\"#Alive\u{1}<!-- \n </details> -->\n\n<d   <stails> -->",
        ] {
            let inert = inert_html(review);
            assert!(!has_html(&inert), "{review:?} became {inert:?}");
        }
        // Layer upon layer: past the passes, every `<` is made text.
        let deep = "<div>\n```\n\n".repeat(20) + "<script>alert(1)</script>";
        let inert = inert_html(&deep);
        assert!(!has_html(&inert) && !inert.contains("<script"), "{inert:?}");
    }

    #[test]
    fn renders_markdown() {
        let html = render("**Great** OST.\n\n> quiet *and* warm");
        assert!(html.contains("<strong>Great</strong>"), "{html}");
        assert!(html.contains("<blockquote>"), "{html}");
        assert!(html.contains("<em>and</em>"), "{html}");
    }

    #[test]
    fn hostile_review_renders_inert() {
        let hostile = concat!(
            "<script>alert(1)</script>\n\n",
            "<img src=x onerror=\"alert(2)\">\n\n",
            "[click](javascript:alert(3))\n\n",
            "<a href=\"javascript:alert(4)\">a</a>\n\n",
            "<div onclick=\"alert(5)\" style=\"position:fixed\">x</div>\n\n",
            "<iframe src=\"https://example.com\"></iframe>\n\n",
            "[data](data:text/html;base64,PHNjcmlwdD5hbGVydCg2KTwvc2NyaXB0Pg==)"
        );
        let html = render(hostile).to_ascii_lowercase();
        for needle in [
            "<script",
            "onerror",
            "onclick",
            "javascript:",
            "<iframe",
            "<img",
            "data:",
            "style=",
        ] {
            assert!(
                !html.contains(needle),
                "'{needle}' survived sanitising: {html}"
            );
        }
    }

    #[test]
    fn keeps_safe_links() {
        let html = render("[TVmaze](https://www.tvmaze.com/)");
        assert!(html.contains("href=\"https://www.tvmaze.com/\""), "{html}");
        assert!(html.contains("noopener"), "{html}");
    }
}
