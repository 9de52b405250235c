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

use chrono::{DateTime, Utc};

use crate::error::Result;
use crate::model::{Entry, IncomingWatch};
use crate::rating::RatingScale;
use crate::transfer::{
    write_error, Context, ExportFormat, ExportReport, ListScope, Place, ReviewOrder, SpoilerMode,
};

use super::{facts_line, rating_label, watch_line, EntrySink, ReviewList};

/// The review list being gathered: each kept entry's block is made as it
/// is read; the file is written when the list is whole and ordered.
pub(crate) struct Sink<'a> {
    out: &'a mut dyn Write,
    scale: RatingScale,
    order: ReviewOrder,
    spoilers: SpoilerMode,
    heading: String,
    exported_at: DateTime<Utc>,
    list: ReviewList,
    /// The list the document is of, when it is of one.
    scope: Option<ListScope>,
}

pub(crate) fn start<'a>(ctx: &Context, out: &'a mut dyn Write) -> Sink<'a> {
    Sink {
        out,
        scale: ctx.scale,
        order: ctx.options.order,
        spoilers: ctx.options.spoilers,
        heading: ctx
            .options
            .heading
            .clone()
            .or_else(|| ctx.list.as_ref().map(|l| l.list.name.clone()))
            .unwrap_or_else(|| "My reviews".to_string()),
        exported_at: ctx.exported_at,
        list: ReviewList::default(),
        scope: ctx.list.clone(),
    }
}

impl EntrySink for Sink<'_> {
    fn entry(&mut self, e: &Entry, _: &[IncomingWatch], report: &mut ExportReport) -> Result<()> {
        let place = self.scope.as_ref().and_then(|l| l.place(e.id));
        if ReviewList::keeps(e, place.is_some(), report) {
            let (body, left_out) = block(e, self.scale, self.spoilers, place);
            self.list.push(e, body, left_out, place.map(|p| p.position));
        }
        Ok(())
    }

    fn finish(self: Box<Self>, report: &mut ExportReport) -> Result<()> {
        let Sink {
            out,
            scale,
            order,
            heading,
            exported_at,
            list,
            scope,
            ..
        } = *self;
        report.written = list.count();
        let mut md = String::new();
        md.push_str(&format!("# {}\n\n", escape(&heading)));
        if let Some(d) = scope.as_ref().and_then(|l| l.list.description.as_deref()) {
            md.push_str(&crate::markdown::inert_html(d.trim()));
            md.push_str("\n\n");
        }
        md.push_str(&format!(
            "_{}Exported from Watchlog on {}; ratings out of {}._\n",
            match &scope {
                Some(l) if l.list.ranked => "A ranked list. ",
                Some(_) => "A list. ",
                None => "",
            },
            exported_at.format("%Y-%m-%d"),
            scale.max()
        ));
        let fail = |e| write_error(ExportFormat::Markdown, e);
        for section in list.sections(order, scale) {
            if !section.heading.is_empty() {
                md.push_str(&format!("\n## {}\n", escape(&section.heading)));
            }
            out.write_all(md.as_bytes()).map_err(fail)?;
            md.clear();
            for item in &section.items {
                item.note_spoiler(report);
                out.write_all(item.body.as_bytes()).map_err(fail)?;
            }
        }
        out.write_all(md.as_bytes()).map_err(fail)
    }
}

/// One entry's block; `true` beside it when its spoiler review was left
/// out.
fn block(
    e: &Entry,
    scale: RatingScale,
    spoilers: SpoilerMode,
    place: Option<&Place>,
) -> (String, bool) {
    let mut md = String::new();
    // "1\." so the rank is not read as the start of a numbered list.
    let rank = place
        .and_then(|p| p.rank)
        .map(|r| format!("{r}\\. "))
        .unwrap_or_default();
    md.push_str(&format!("\n### {rank}{}\n\n", escape(&e.title.facts.name)));
    md.push_str(&escape(&facts_line(e)));
    md.push_str("  \n");
    let mut line: Vec<String> = Vec::new();
    if let Some(r) = e.fields.rating {
        line.push(format!("**{}**", rating_label(r, scale)));
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
    if let Some(note) = place.and_then(|p| p.note.as_deref()) {
        let note = crate::markdown::inert_html(note.trim());
        md.push('\n');
        for l in note.lines() {
            md.push_str(&format!("> {l}\n").replace("> \n", ">\n"));
        }
    }
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
        return (md, false);
    };
    match (e.fields.review_spoiler, spoilers) {
        (false, _) => md.push_str(&format!("\n{review}\n")),
        (true, SpoilerMode::Hide) => md.push_str(&format!(
            "\n<details><summary>Spoiler</summary>\n\n{review}\n\n</details>\n"
        )),
        (true, SpoilerMode::Omit) => return (md, true),
    }
    (md, false)
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
