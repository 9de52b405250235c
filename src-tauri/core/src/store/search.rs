//! Keeping the full-text indexes in step with the data, and turning what a
//! user types into queries against them.
//!
//! Two FTS5 indexes hold the same five fields of each entry:
//! - `entry_words` (unicode61, accents folded, 3-character prefix index)
//!   answers words of alphabetic scripts that separate words with spaces
//!   (Latin, Greek, Cyrillic) as word prefixes: `lov` finds "Love" and
//!   "Lovely", `pokemon` finds "Pokémon". Its lists are one entry per word,
//!   so a common prefix costs little to find and to rank.
//! - `entry_search` (trigram) answers everything else as a substring: Hangul,
//!   kana and hanzi have no spaces to split words on, and a word with
//!   punctuation in it ("Spider-Man", "don't") is matched as typed.

use rusqlite::Transaction;

use crate::error::Result;

/// The word index (Latin, Greek and Cyrillic word prefixes).
pub(super) const WORDS: &str = "entry_words";
/// The trigram index (substrings in any script).
pub(super) const GRAMS: &str = "entry_search";

/// The synced columns whose text the search rows hold, beside the title's
/// people (not synced): what [`reindex`] reads. Sync rewrites an entry's
/// search rows only when another device changed one of these.
pub(super) const SEARCHED: &[(&str, &str)] = &[
    ("titles", "name"),
    ("titles", "original_name"),
    ("entries", "review"),
    ("entries", "notes"),
];

/// Rewrites one entry's rows in both search indexes. Called inside the same
/// transaction as every write that changes what is searchable.
pub(super) fn reindex(tx: &Transaction, entry_id: i64) -> Result<()> {
    remove(tx, entry_id)?;
    tx.prepare_cached(
        "INSERT INTO entry_search (rowid, name, original_name, people, review, notes)
         SELECT e.id, t.name, coalesce(t.original_name, ''),
                coalesce((SELECT group_concat(name, ' ') FROM title_people WHERE title_id = t.id), ''),
                coalesce(e.review, ''), coalesce(e.notes, '')
         FROM entries e JOIN titles t ON t.id = e.title_id
         WHERE e.id = ?1",
    )?
    .execute([entry_id])?;
    // The same text, read back from the row just written, so the two
    // indexes can never disagree on what an entry says.
    tx.prepare_cached(
        "INSERT INTO entry_words (rowid, name, original_name, people, review, notes)
         SELECT rowid, name, original_name, people, review, notes
         FROM entry_search WHERE rowid = ?1",
    )?
    .execute([entry_id])?;
    Ok(())
}

/// Writes the search rows of many entries at once, for an import: `fresh`
/// entries have no rows yet, `changed` ones have rows to replace. The rows
/// are those [`reindex`] writes, read by the same statement. FTS5 starts a
/// new segment whenever a row's id is not above the last one it was given
/// in the transaction, so rewriting entry by entry (delete, then insert the
/// same id) wrote one segment per entry and merged them over and over;
/// here the stale rows are dropped in ascending id order, then every row
/// is added in ascending order, each run of consecutive ids by one
/// `INSERT … SELECT`.
pub(super) fn reindex_many(tx: &Transaction, fresh: &[i64], changed: &[i64]) -> Result<()> {
    let new: std::collections::HashSet<i64> = fresh.iter().copied().collect();
    let mut stale: Vec<i64> = changed
        .iter()
        .copied()
        .filter(|id| !new.contains(id))
        .collect();
    stale.sort_unstable();
    stale.dedup();
    for &id in &stale {
        remove(tx, id)?;
    }
    let mut all: Vec<i64> = fresh.iter().chain(changed).copied().collect();
    all.sort_unstable();
    all.dedup();
    let mut grams = tx.prepare_cached(
        "INSERT INTO entry_search (rowid, name, original_name, people, review, notes)
         SELECT e.id, t.name, coalesce(t.original_name, ''),
                coalesce((SELECT group_concat(name, ' ') FROM title_people WHERE title_id = t.id), ''),
                coalesce(e.review, ''), coalesce(e.notes, '')
         FROM entries e JOIN titles t ON t.id = e.title_id
         WHERE e.id BETWEEN ?1 AND ?2 ORDER BY e.id",
    )?;
    let mut words = tx.prepare_cached(
        "INSERT INTO entry_words (rowid, name, original_name, people, review, notes)
         SELECT rowid, name, original_name, people, review, notes
         FROM entry_search WHERE rowid BETWEEN ?1 AND ?2 ORDER BY rowid",
    )?;
    let mut i = 0;
    while i < all.len() {
        let mut j = i;
        while j + 1 < all.len() && all[j + 1] == all[j] + 1 {
            j += 1;
        }
        grams.execute([all[i], all[j]])?;
        words.execute([all[i], all[j]])?;
        i = j + 1;
    }
    Ok(())
}

/// Drops one entry from both search indexes (the entry is being deleted or
/// rewritten).
pub(super) fn remove(tx: &Transaction, entry_id: i64) -> Result<()> {
    tx.prepare_cached("DELETE FROM entry_search WHERE rowid = ?1")?
        .execute([entry_id])?;
    tx.prepare_cached("DELETE FROM entry_words WHERE rowid = ?1")?
        .execute([entry_id])?;
    Ok(())
}

/// Every match of an FTS5 query on `index` with its bm25 score (lower is
/// better): the title fields weighted over people, and people over review
/// and notes. Its one parameter is the FTS5 query.
pub(super) fn scored(index: &str) -> &'static str {
    if index == WORDS {
        "SELECT rowid AS id, bm25(entry_words, 10.0, 10.0, 3.0, 1.0, 1.0) AS rank
         FROM entry_words WHERE entry_words MATCH ?"
    } else {
        "SELECT rowid AS id, bm25(entry_search, 10.0, 10.0, 3.0, 1.0, 1.0) AS rank
         FROM entry_search WHERE entry_search MATCH ?"
    }
}

/// The subquery giving every match of `index` with its relevance, `tier`
/// then `rank` (lower is better): the entries whose title (or original
/// title) matches come first (tier 0), ranked by the bm25 of the query on
/// the title fields; then the rest (tier 1), ranked by the bm25 of the
/// query on every field. A title that matches is what a search is most
/// often for, and ranking it first means a page full of title matches
/// never ranks the reviews that mention the word. Its parameters are the
/// title query (`in_titles`), the query, and the title query again.
pub(super) fn ranked(index: &str) -> &'static str {
    if index == WORDS {
        "SELECT rowid AS id, 0 AS tier, bm25(entry_words, 10.0, 10.0, 3.0, 1.0, 1.0) AS rank
         FROM entry_words WHERE entry_words MATCH ?
         UNION ALL
         SELECT rowid, 1, bm25(entry_words, 10.0, 10.0, 3.0, 1.0, 1.0)
         FROM entry_words WHERE entry_words MATCH ?
           AND rowid NOT IN (SELECT rowid FROM entry_words WHERE entry_words MATCH ?)"
    } else {
        "SELECT rowid AS id, 0 AS tier, bm25(entry_search, 10.0, 10.0, 3.0, 1.0, 1.0) AS rank
         FROM entry_search WHERE entry_search MATCH ?
         UNION ALL
         SELECT rowid, 1, bm25(entry_search, 10.0, 10.0, 3.0, 1.0, 1.0)
         FROM entry_search WHERE entry_search MATCH ?
           AND rowid NOT IN (SELECT rowid FROM entry_search WHERE entry_search MATCH ?)"
    }
}

/// An FTS5 query limited to the title fields (name and original name).
pub(super) fn in_titles(query: &str) -> String {
    format!("{{name original_name}} : ({query})")
}

/// The ids matching an FTS5 query on `index`, without ranking them.
pub(super) fn matching(index: &str) -> &'static str {
    if index == WORDS {
        "SELECT rowid FROM entry_words WHERE entry_words MATCH ?"
    } else {
        "SELECT rowid FROM entry_search WHERE entry_search MATCH ?"
    }
}

/// How a typed search is answered.
#[derive(Debug, Default, Clone, PartialEq)]
pub(super) struct Plan {
    /// An FTS5 query for the word index: each word a prefix, all required.
    pub words: Option<String>,
    /// An FTS5 query for the trigram index: each word a substring, all
    /// required.
    pub grams: Option<String>,
    /// One- and two-character words, matched as substrings of the title
    /// fields.
    pub short_terms: Vec<String>,
}

impl Plan {
    /// The index whose bm25 orders the matches: the word index when it
    /// takes part (its lists are shorter), else the trigram index. The
    /// other index, if any, only filters.
    pub fn rank_index(&self) -> Option<(&'static str, &str)> {
        match (&self.words, &self.grams) {
            (Some(w), _) => Some((WORDS, w)),
            (None, Some(g)) => Some((GRAMS, g)),
            (None, None) => None,
        }
    }

    /// The index that only filters, when both take part.
    pub fn filter_index(&self) -> Option<(&'static str, &str)> {
        match (&self.words, &self.grams) {
            (Some(_), Some(g)) => Some((GRAMS, g)),
            _ => None,
        }
    }
}

/// Splits what the user typed into words and decides how to match each:
/// - one or two characters (a Korean name like 빈, "#2"): LIKE on the
///   title fields, since neither index answers them well;
/// - a word made only of letters and digits of a script that separates
///   words with spaces: a word prefix in the word index;
/// - anything else of three characters or more (Hangul, kana, hanzi,
///   "Spider-Man"): a substring in the trigram index.
pub(super) fn plan(text: &str) -> Plan {
    let mut words = Vec::new();
    let mut grams = Vec::new();
    let mut short_terms = Vec::new();
    for term in text.split_whitespace() {
        if term.chars().count() < 3 {
            short_terms.push(term.to_string());
        } else if is_spaced_word(term) {
            // Only letters and digits, so nothing in it needs quoting; the
            // quotes keep words like AND, OR, NOT and NEAR plain words.
            words.push(format!("\"{term}\"*"));
        } else {
            // A quoted FTS5 string: only `"` needs escaping, by doubling.
            grams.push(format!("\"{}\"", term.replace('"', "\"\"")));
        }
    }
    Plan {
        words: (!words.is_empty()).then(|| words.join(" AND ")),
        grams: (!grams.is_empty()).then(|| grams.join(" AND ")),
        short_terms,
    }
}

/// The plan with its word prefixes matched as substrings instead (`ory`
/// finds "Glory" and "Story"), through the trigram index: what a search
/// falls back to when the word prefixes find nothing.
pub(super) fn substrings(plan: &Plan, text: &str) -> Plan {
    let mut grams = Vec::new();
    for term in text.split_whitespace() {
        if term.chars().count() >= 3 {
            grams.push(format!("\"{}\"", term.replace('"', "\"\"")));
        }
    }
    Plan {
        words: None,
        grams: (!grams.is_empty()).then(|| grams.join(" AND ")),
        short_terms: plan.short_terms.clone(),
    }
}

/// A word the unicode61 tokenizer keeps whole and that the text around it
/// separates with spaces: letters and digits of Latin (with its accented
/// and extended forms), Greek and Cyrillic only.
fn is_spaced_word(term: &str) -> bool {
    term.chars().all(|c| {
        let cp = u32::from(c);
        c.is_alphanumeric() && (cp < 0x0530 || (0x1E00..=0x1FFF).contains(&cp))
    })
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
    fn plans_each_word_for_the_index_that_answers_it() {
        let p = plan("사운드트랙 #2");
        assert_eq!(p.words, None);
        assert_eq!(p.grams.as_deref(), Some("\"사운드트랙\""));
        assert_eq!(p.short_terms, vec!["#2"]);
        assert_eq!(plan("  "), Plan::default());
        assert_eq!(plan("a\"b\"c").grams.as_deref(), Some("\"a\"\"b\"\"c\""));

        let p = plan("Pokémon lov Ёлки 1988 δράμα");
        assert_eq!(
            p.words.as_deref(),
            Some("\"Pokémon\"* AND \"lov\"* AND \"Ёлки\"* AND \"1988\"* AND \"δράμα\"*")
        );
        assert_eq!(p.grams, None);
        assert_eq!(p.rank_index(), Some((WORDS, p.words.as_deref().unwrap())));
        assert_eq!(p.filter_index(), None);

        // Punctuation inside a word, or a script without spaces: substrings.
        let p = plan("Spider-Man NEAR( ミュウツー love");
        assert_eq!(
            p.grams.as_deref(),
            Some("\"Spider-Man\" AND \"NEAR(\" AND \"ミュウツー\"")
        );
        assert_eq!(p.words.as_deref(), Some("\"love\"*"));
        assert_eq!(p.rank_index().map(|r| r.0), Some(WORDS));
        assert_eq!(p.filter_index().map(|r| r.0), Some(GRAMS));
        assert_eq!(plan("최고의").rank_index().map(|r| r.0), Some(GRAMS));
    }

    #[test]
    fn falls_back_to_substrings_for_every_long_word() {
        let text = "ory 사운드 #2";
        let p = substrings(&plan(text), text);
        assert_eq!(p.words, None);
        assert_eq!(p.grams.as_deref(), Some("\"ory\" AND \"사운드\""));
        assert_eq!(p.short_terms, vec!["#2"]);
        assert_eq!(in_titles("\"ory\""), "{name original_name} : (\"ory\")");
    }

    #[test]
    fn escapes_like_wildcards() {
        assert_eq!(escape_like("100%_\\"), "100\\%\\_\\\\");
    }
}
