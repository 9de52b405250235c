//! The airing calendar as an iCalendar file (RFC 5545), for subscribing to
//! in a calendar app: one event per episode, from the calendar's
//! [`CalendarItem`]s.
//!
//! Written by hand rather than with a crate: the calendar apps that refuse
//! feeds refuse them for the details a general serializer leaves loose
//! (bare LF line ends, lines folded by characters rather than octets, no
//! DTSTAMP; see the real feeds in the shared fixtures), and the format we
//! need is a few properties. Every line ends in CRLF and is folded at 75
//! octets, never inside a UTF-8 sequence; each event has a UID that stays
//! the same for the same episode from one export to the next, so a
//! subscribed calendar updates its events instead of doubling them.

use chrono::{DateTime, Duration, NaiveDate, Utc};

use crate::model::CalendarItem;

/// The longest a line may be, in octets, CRLF not counted (RFC 5545 3.1).
pub const MAX_LINE_OCTETS: usize = 75;

/// The calendar as iCalendar text. `stamp` is when it was made (DTSTAMP):
/// the clock's now, so a fixed clock gives the same file twice.
pub fn calendar_ics(items: &[CalendarItem], stamp: DateTime<Utc>) -> String {
    let mut out = String::new();
    let mut line = |l: &str| fold_into(&mut out, l);
    line("BEGIN:VCALENDAR");
    line("VERSION:2.0");
    line(&format!(
        "PRODID:-//Watchlog//Watchlog {}//EN",
        env!("CARGO_PKG_VERSION")
    ));
    line("CALSCALE:GREGORIAN");
    line("METHOD:PUBLISH");
    line("X-WR-CALNAME:Watchlog");
    let stamp = utc(stamp);
    for item in items {
        line("BEGIN:VEVENT");
        line(&format!("UID:{}", uid(item)));
        line(&format!("DTSTAMP:{stamp}"));
        match item.airstamp {
            Some(start) => {
                line(&format!("DTSTART:{}", utc(start)));
                // Without a runtime the event is the instant it airs
                // (RFC 5545 3.6.1: no DTEND, no DURATION).
                if let Some(m) = item.runtime_minutes.filter(|m| *m > 0) {
                    line(&format!(
                        "DTEND:{}",
                        utc(start + Duration::minutes(i64::from(m)))
                    ));
                }
            }
            None => {
                line(&format!("DTSTART;VALUE=DATE:{}", date(item.day)));
                line(&format!(
                    "DTEND;VALUE=DATE:{}",
                    date(item.day + Duration::days(1))
                ));
            }
        }
        line(&format!("SUMMARY:{}", text(&summary(item))));
        if let Some(d) = description(item) {
            line(&format!("DESCRIPTION:{}", text(&d)));
        }
        if let Some(n) = &item.network {
            line(&format!("CATEGORIES:{}", text(n)));
        }
        line("TRANSP:TRANSPARENT");
        line("END:VEVENT");
    }
    line("END:VCALENDAR");
    out
}

/// The episode's UID: the entry, the season and the number, so it is the
/// same in every export and names one episode of one entry.
pub fn uid(item: &CalendarItem) -> String {
    format!(
        "watchlog-{}-s{}e{}@watchlog",
        item.entry_id, item.season, item.number
    )
}

/// "Title S1E3 · name", or without the name when the list has none.
pub fn summary(item: &CalendarItem) -> String {
    let mut s = format!("{} S{}E{}", item.title, item.season, item.number);
    if let Some(n) = item
        .episode_name
        .as_deref()
        .filter(|n| !n.trim().is_empty())
    {
        s.push_str(" · ");
        s.push_str(n);
    }
    s
}

fn description(item: &CalendarItem) -> Option<String> {
    let mut parts = Vec::new();
    if item.premiere {
        parts.push(if item.number == 1 && item.season == 1 {
            "Series premiere".to_string()
        } else {
            "Season premiere".to_string()
        });
    }
    if item.finale {
        parts.push("Season finale".to_string());
    }
    if let Some(n) = &item.network {
        parts.push(format!("On {n}"));
    }
    if let Some(p) = item
        .platform
        .as_ref()
        .filter(|p| Some(*p) != item.network.as_ref())
    {
        parts.push(format!("Watching on {p}"));
    }
    (!parts.is_empty()).then(|| parts.join(" · "))
}

fn utc(t: DateTime<Utc>) -> String {
    t.format("%Y%m%dT%H%M%SZ").to_string()
}

fn date(d: NaiveDate) -> String {
    d.format("%Y%m%d").to_string()
}

/// A TEXT value escaped (RFC 5545 3.3.11): backslash, semicolon and comma
/// escaped, line breaks as `\n`, other control characters dropped (they
/// may not appear in a value at all).
fn text(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    let mut chars = s.chars().peekable();
    while let Some(c) = chars.next() {
        match c {
            '\\' => out.push_str("\\\\"),
            ';' => out.push_str("\\;"),
            ',' => out.push_str("\\,"),
            '\r' => {
                if chars.peek() == Some(&'\n') {
                    chars.next();
                }
                out.push_str("\\n");
            }
            '\n' => out.push_str("\\n"),
            c if c.is_control() => {}
            c => out.push(c),
        }
    }
    out
}

/// Appends one content line, folded: at most 75 octets a line, each
/// continuation starting with a space, cut only between characters.
fn fold_into(out: &mut String, line: &str) {
    let mut room = MAX_LINE_OCTETS;
    let mut used = 0;
    for c in line.chars() {
        if used + c.len_utf8() > room {
            out.push_str("\r\n ");
            // The leading space counts towards the next line's 75.
            room = MAX_LINE_OCTETS - 1;
            used = 0;
        }
        out.push(c);
        used += c.len_utf8();
    }
    out.push_str("\r\n");
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn folds_at_75_octets_between_characters() {
        let mut out = String::new();
        let long = format!("SUMMARY:{}", "가나다라마바사".repeat(10));
        fold_into(&mut out, &long);
        let lines: Vec<&str> = out.split("\r\n").filter(|l| !l.is_empty()).collect();
        assert!(lines.len() > 1, "{out}");
        for l in &lines {
            assert!(l.len() <= MAX_LINE_OCTETS, "{} octets: {l}", l.len());
        }
        assert!(lines[1..].iter().all(|l| l.starts_with(' ')));
        let unfolded: String = lines
            .iter()
            .enumerate()
            .map(|(i, l)| if i == 0 { *l } else { &l[1..] })
            .collect();
        assert_eq!(unfolded, long);
    }

    #[test]
    fn text_is_escaped_and_control_characters_dropped() {
        assert_eq!(
            text("a,b;c\\d\r\ne\rf\ng\u{7}h"),
            "a\\,b\\;c\\\\d\\ne\\nf\\ngh"
        );
    }
}
