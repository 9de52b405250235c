//! The one Markdown renderer. Reviews and notes are written in Markdown and
//! shown as HTML in the app's preview and, later, in the HTML export; both go
//! through here, so nothing a review contains can run: pulldown-cmark turns
//! the text into HTML and ammonia keeps only a safe allow-list of tags,
//! attributes and URL schemes.

use std::collections::HashSet;
use std::sync::OnceLock;

use pulldown_cmark::{html, CodeBlockKind, Event, Options, Parser, Tag};

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
/// stays exactly as typed. A code fence the text leaves open is closed at
/// its end: an open fence runs to the end of the whole document, so it
/// would swallow the export's closing `</details>` and every title after it.
pub fn inert_html(markdown: &str) -> String {
    let mut text = markdown.to_string();
    for _ in 0..MAX_PASSES {
        let pass = escape_html(&text);
        if !pass.found_html {
            return with_fence_closed(pass);
        }
        text = pass.text;
    }
    // Each layer made text uncovered another: text shaped against this
    // rule. Every `<` becomes text, in code too; no HTML can remain.
    with_fence_closed(escape_html(&markdown.replace('<', "&lt;")))
}

/// Passes of [`inert_html`] before it stops looking. Made text, an HTML
/// block becomes a paragraph, and that can join lines into new inline
/// HTML (a comment opened on the line before), or free a code fence that
/// sat inside it so later `<` leave their code; real reviews need one
/// pass, and the fuzzer's hardest cases two or three.
const MAX_PASSES: usize = 8;

/// One pass of [`inert_html`]: the text with the raw HTML *this* parse
/// finds made text.
struct Pass {
    text: String,
    found_html: bool,
    /// The fence that closes the last top-level block, when that is a
    /// fenced code block left open.
    open_fence: Option<String>,
}

fn escape_html(markdown: &str) -> Pass {
    let mut out = String::with_capacity(markdown.len());
    let mut done = 0;
    let mut depth = 0usize;
    let mut open_fence = None;
    let mut found_html = false;
    for (event, range) in Parser::new_ext(markdown, options()).into_offset_iter() {
        match event {
            Event::Html(_) | Event::InlineHtml(_) if range.start >= done => {
                found_html = true;
                out.push_str(&markdown[done..range.start]);
                out.push_str(&markdown[range.clone()].replace('<', "&lt;"));
                done = range.end;
            }
            Event::Start(Tag::CodeBlock(CodeBlockKind::Fenced(_))) if depth == 0 => {
                open_fence = unclosed_fence(&markdown[range.clone()]);
                depth += 1;
            }
            Event::Start(_) => depth += 1,
            Event::End(_) => depth -= 1,
            _ => {}
        }
    }
    out.push_str(&markdown[done..]);
    Pass {
        text: out,
        found_html,
        open_fence,
    }
}

/// The pass's text with its open fence closed. Only the last top-level
/// block can still be open at the end; one inside a list or quote ends
/// with it when the next block starts.
fn with_fence_closed(pass: Pass) -> String {
    let mut text = pass.text;
    if let Some(fence) = pass.open_fence {
        text.push('\n');
        text.push_str(&fence);
    }
    text
}

/// The fence that would close `block` (a fenced code block's text, from its
/// opening fence on) when its own closing fence is missing: a line of only
/// the fence's character, at least as many, at most three spaces in.
fn unclosed_fence(block: &str) -> Option<String> {
    // CommonMark ends lines at \n, \r\n or a lone \r.
    let mut lines = block.split(['\n', '\r']).filter(|l| !l.is_empty());
    let opener = lines.next()?.trim_start_matches(' ');
    let c = opener.chars().next().filter(|c| *c == '`' || *c == '~')?;
    let n = opener.chars().take_while(|x| *x == c).count();
    let closed = lines.next_back().is_some_and(|last| {
        let fence = last.trim_start_matches(' ');
        let indent = last.len() - fence.len();
        let fence = fence.trim_end_matches([' ', '\t']);
        indent <= 3 && fence.chars().all(|x| x == c) && fence.chars().count() >= n
    });
    (!closed).then(|| c.to_string().repeat(n))
}

#[cfg(test)]
mod tests {
    use super::{inert_html, options, render};
    use pulldown_cmark::{Event, Parser};

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
