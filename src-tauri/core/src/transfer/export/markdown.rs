//! The review list as Markdown: a heading per section (a rating, a year
//! finished or a status), then each title with its facts, the rating in the
//! user's scale, where and when it was watched, and the review. Reviews are
//! Markdown already and go in as written, but for their raw HTML, images
//! and links that could run script, which are made text
//! (`markdown::inert_html`) so a review cannot break out of its block or
//! run anything in a viewer that keeps raw HTML; spoiler reviews sit in a
//! `<details>` block (which GitHub, Obsidian and most renderers fold) or
//! are left out.

use std::io::Write;

use crate::error::Result;
use crate::transfer::{write_error, Context, ExportFormat, ExportReport, SpoilerMode};

use super::{facts_line, rating_label, review_sections, watch_line};

pub(crate) fn write(ctx: &Context, out: &mut dyn Write, report: &mut ExportReport) -> Result<()> {
    let mut md = String::new();
    let heading = ctx.options.heading.as_deref().unwrap_or("My reviews");
    md.push_str(&format!("# {}\n\n", escape(heading)));
    md.push_str(&format!(
        "_Exported from Watchlog on {}; ratings out of {}._\n",
        ctx.exported_at.format("%Y-%m-%d"),
        ctx.scale.max()
    ));
    for section in review_sections(ctx.entries, ctx.options.order, ctx.scale, report) {
        md.push_str(&format!("\n## {}\n", escape(&section.heading)));
        for e in section.entries {
            md.push_str(&format!("\n### {}\n\n", escape(&e.title.facts.name)));
            md.push_str(&escape(&facts_line(e)));
            md.push_str("  \n");
            let mut line: Vec<String> = Vec::new();
            if let Some(r) = e.fields.rating {
                line.push(format!("**{}**", rating_label(r, ctx.scale)));
            }
            if e.fields.favorite {
                line.push("♥ favourite".into());
            }
            let watched = watch_line(e);
            if !watched.is_empty() {
                line.push(escape(&watched));
            }
            md.push_str(&line.join(" · "));
            md.push('\n');
            if !e.fields.tags.is_empty() {
                let tags: Vec<String> = e
                    .fields
                    .tags
                    .iter()
                    .map(|t| format!("`{}`", code_span_text(t)))
                    .collect();
                md.push_str(&format!("\nTags: {}\n", tags.join(" ")));
            }
            let Some(review) = e
                .fields
                .review
                .as_deref()
                .map(str::trim)
                .filter(|r| !r.is_empty())
                .map(crate::markdown::inert_html)
            else {
                continue;
            };
            match (e.fields.review_spoiler, ctx.options.spoilers) {
                (false, _) => md.push_str(&format!("\n{review}\n")),
                (true, SpoilerMode::Hide) => md.push_str(&format!(
                    "\n<details><summary>Spoiler</summary>\n\n{review}\n\n</details>\n"
                )),
                (true, SpoilerMode::Omit) => {
                    report.note(e, "review left out: it is marked as a spoiler");
                }
            }
        }
    }
    report.written = ctx.entries.len() - report.skipped.len();
    out.write_all(md.as_bytes())
        .map_err(|e| write_error(ExportFormat::Markdown, e))?;
    Ok(())
}

/// A tag as the text of a one-line code span: a backtick would end the
/// span, and a line break (a tag may hold one) would end the line and let
/// the rest be read as Markdown or raw HTML.
fn code_span_text(tag: &str) -> String {
    tag.chars()
        .map(|c| match c {
            '`' => '\'',
            c if c.is_control() => ' ',
            c => c,
        })
        .collect()
}

/// `text` on one line: a line break in a title or a tag would end the
/// heading or the code span it is written in, and what follows a blank
/// line starts a block of its own (a `</details>` closing the spoiler
/// block early, a heading of its own).
fn one_line(text: &str) -> String {
    text.replace(['\r', '\n'], " ")
}

/// Escapes the characters that would turn a title into Markdown syntax
/// ("*Killer* Paper" stays literal, a leading "#" stays text), on one line.
fn escape(text: &str) -> String {
    let mut s = String::with_capacity(text.len());
    for (i, c) in one_line(text).chars().enumerate() {
        // A "#" only means a heading at the start of a line.
        if matches!(
            c,
            '\\' | '`' | '*' | '_' | '[' | ']' | '<' | '>' | '|' | '~'
        ) || (c == '#' && i == 0)
        {
            s.push('\\');
        }
        s.push(c);
    }
    s
}

#[cfg(test)]
mod tests {
    #[test]
    fn escapes_markdown_in_titles() {
        assert_eq!(super::escape("Soundtrack #2"), "Soundtrack #2");
        assert_eq!(super::escape("#Alive"), "\\#Alive");
        assert_eq!(super::escape("*Killer* <b>"), "\\*Killer\\* \\<b\\>");
    }

    #[test]
    fn a_tag_stays_one_code_span() {
        assert_eq!(
            super::code_span_text("a`b\n\n<img src=x>\r\tc"),
            "a'b  <img src=x>  c"
        );
    }
}
