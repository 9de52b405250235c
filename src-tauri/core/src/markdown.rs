//! The one Markdown renderer. Reviews and notes are written in Markdown and
//! shown as HTML in the app's preview and, later, in the HTML export; both go
//! through here, so nothing a review contains can run: pulldown-cmark turns
//! the text into HTML and ammonia keeps only a safe allow-list of tags,
//! attributes and URL schemes.

use std::collections::HashSet;
use std::sync::OnceLock;

use pulldown_cmark::{html, CodeBlockKind, Event, Options, Parser, Tag, TagEnd};

fn sanitizer() -> &'static ammonia::Builder<'static> {
    static CLEANER: OnceLock<ammonia::Builder<'static>> = OnceLock::new();
    CLEANER.get_or_init(|| {
        let mut b = ammonia::Builder::default();
        // Links open outside the app; keep only schemes that cannot run code.
        b.url_schemes(HashSet::from(["http", "https", "mailto"]))
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

/// The Markdown as written, with its raw HTML made text: every `<` that
/// opens an HTML block or inline tag becomes `&lt;`, so a review pasted into
/// a Markdown file cannot close the export's own `<details>` spoiler block
/// or add markup of its own, while its Markdown (and any `<` inside code)
/// stays exactly as typed. A code fence left open at the end is closed:
/// in a document it would swallow what follows, and the next review's
/// fence would then close it and free the raw HTML that review kept as code.
pub fn inert_html(markdown: &str) -> String {
    let mut out = String::with_capacity(markdown.len());
    let mut done = 0;
    let mut last_fence = None;
    for (event, range) in Parser::new_ext(markdown, options()).into_offset_iter() {
        if matches!(event, Event::Html(_) | Event::InlineHtml(_)) && range.start >= done {
            out.push_str(&markdown[done..range.start]);
            out.push_str(&markdown[range.clone()].replace('<', "&lt;"));
            done = range.end;
        }
        if let Event::Start(Tag::CodeBlock(CodeBlockKind::Fenced(_))) = event {
            last_fence = Some(range);
        }
    }
    out.push_str(&markdown[done..]);
    if swallows_what_follows(&out) {
        // Only a fence at the top level runs on past a blank line and an
        // unindented paragraph, and it is then the last one to open.
        if let Some(fence) = last_fence.and_then(|r| fence_of(&markdown[r])) {
            out.push('\n');
            out.push_str(&fence);
        }
    }
    out
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
    use pulldown_cmark::Parser;

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
