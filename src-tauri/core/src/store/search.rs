//! Keeping the full-text index in step with the data, and turning what a
//! user types into a query against it.

use rusqlite::Transaction;

use crate::error::Result;

/// Rewrites one entry's row in the search index. Called inside the same
/// transaction as every write that changes what is searchable.
pub(super) fn reindex(tx: &Transaction, entry_id: i64) -> Result<()> {
    tx.execute("DELETE FROM entry_search WHERE rowid = ?1", [entry_id])?;
    tx.execute(
        "INSERT INTO entry_search (rowid, name, original_name, people, review, notes)
         SELECT e.id, t.name, coalesce(t.original_name, ''),
                coalesce((SELECT group_concat(name, ' ') FROM title_people WHERE title_id = t.id), ''),
                coalesce(e.review, ''), coalesce(e.notes, '')
         FROM entries e JOIN titles t ON t.id = e.title_id
         WHERE e.id = ?1",
        [entry_id],
    )?;
    Ok(())
}

/// How a typed search is answered.
#[derive(Debug, Default, PartialEq)]
pub(super) struct Plan {
    /// An FTS5 query for the words the trigram index can answer (three
    /// characters or more), all of which must match.
    pub fts: Option<String>,
    /// Shorter words, matched as substrings of the title fields.
    pub short_terms: Vec<String>,
}

/// Splits what the user typed into words and decides how to match each. The
/// trigram index finds any substring of three or more characters, in any
/// script; one- and two-character words (a Korean name like 빈, "#2") are
/// matched with LIKE instead.
pub(super) fn plan(text: &str) -> Plan {
    let mut phrases = Vec::new();
    let mut short_terms = Vec::new();
    for term in text.split_whitespace() {
        if term.chars().count() >= 3 {
            // A quoted FTS5 string: only `"` needs escaping, by doubling.
            phrases.push(format!("\"{}\"", term.replace('"', "\"\"")));
        } else {
            short_terms.push(term.to_string());
        }
    }
    Plan {
        fts: (!phrases.is_empty()).then(|| phrases.join(" AND ")),
        short_terms,
    }
}

/// Escapes LIKE's wildcards so a typed `%` or `_` matches itself.
pub(super) fn escape_like(term: &str) -> String {
    let mut out = String::with_capacity(term.len());
    for c in term.chars() {
        if matches!(c, '%' | '_' | '\\') {
            out.push('\\');
        }
        out.push(c);
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn plans_long_and_short_words() {
        let p = plan("사운드트랙 #2");
        assert_eq!(p.fts.as_deref(), Some("\"사운드트랙\""));
        assert_eq!(p.short_terms, vec!["#2"]);
        assert_eq!(plan("  ").fts, None);
        assert_eq!(plan("a\"b\"c").fts.as_deref(), Some("\"a\"\"b\"\"c\""));
    }

    #[test]
    fn escapes_like_wildcards() {
        assert_eq!(escape_like("100%_\\"), "100\\%\\_\\\\");
    }
}
