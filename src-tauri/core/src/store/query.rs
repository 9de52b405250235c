//! Library listings: the filters of the library view, its sort orders, keyset
//! (cursor) pagination and the counts shown on the filter chips.
//!
//! Pages continue from the sort key of the last row seen rather than with
//! OFFSET, so page 2,000 of a 100,000-title library costs what page 1 does
//! and a row added or removed meanwhile never shifts a page. Every order
//! ends with a unique id, so rows with equal sort keys (two titles named
//! "Home") keep a stable order and are neither repeated nor skipped.
//!
//! A search filters through the full-text indexes (`search`); ordered by
//! relevance, an unfiltered search ranks every match from the index alone
//! and reads only the rows that can reach the page, rather than joining
//! thousands of matches to their entries and titles to sort them. The chip
//! counts read covering indexes, and count from the title side in Rust
//! where a filter keeps most of the library.

use std::cmp::Ordering;
use std::collections::HashMap;
use std::fmt::Write as _;

use chrono::{DateTime, NaiveDate, Utc};
use rusqlite::types::{Value, ValueRef};

use super::entries::{platform_id, rating, word};
use super::search::{self, Plan};
use super::Library;
use crate::error::{Error, Result};
use crate::model::{
    rating_10, Count, EntrySummary, Facets, Kind, ListPage, ListQuery, NextEpisode, SortKey, Status,
};
use crate::text;

/// The listing's columns, as `summary` reads them. The sort-key columns are
/// appended after these.
macro_rules! columns {
    () => {
        "SELECT e.id, t.kind, t.name, t.original_name, t.year, t.country, e.status,
        e.rating, e.progress, t.episodes, p.name, e.favorite, t.poster_url, e.finished_on,
        e.added_at,
        (SELECT ps.hash FROM posters ps
         WHERE ps.title_id = t.id AND ps.source_url = t.poster_url),
        CASE WHEN e.status = 'watching' THEN e.next_season END, e.next_number, e.next_airs"
    };
}
const SELECT: &str = columns!();
const SELECT_COLUMNS: usize = 19;

/// The FROM of a key-only query (`key_at`), with and without the titles.
const KEY_FROM: &str = " FROM entries e";
const KEY_FROM_TITLES: &str = " FROM entries e JOIN titles t ON t.id = e.title_id";

/// Appends the ORDER BY of `parts`.
fn order_by(sql: &mut String, parts: &[Part], reverse: bool) {
    sql.push_str(" ORDER BY ");
    for (i, p) in parts.iter().enumerate() {
        if i > 0 {
            sql.push_str(", ");
        }
        sql.push_str(p.expr);
        if effective_desc(p, reverse) {
            sql.push_str(" DESC");
        }
    }
}

/// The rows of a ranked search page, by entry id (a JSON array), with the
/// title sort key and title id after the listing's columns.
const BY_IDS: &str = concat!(
    columns!(),
    ", t.sort_name, t.id
     FROM json_each(?1) j
     CROSS JOIN entries e ON e.id = j.value
     JOIN titles t ON t.id = e.title_id
     LEFT JOIN platforms p ON p.id = e.platform_id"
);

/// A filter dimension that has its own chips, so its counts are computed
/// with its own filter left out.
#[derive(Clone, Copy, PartialEq)]
enum Dim {
    Status,
    Platform,
    Country,
    Genre,
    Tag,
}

/// A typed search: how each word is matched, and the words to mark.
struct Search {
    plan: Plan,
    /// The words searched for, folded, to mark in the titles.
    terms: Vec<String>,
}

/// The typed search of `q`. Latin, Greek and Cyrillic words are word
/// prefixes; when those find nothing at all, every word is matched as a
/// substring instead (`ory` finds "Glory"), which costs one more look at
/// the word index.
fn search_of(lib: &Library, q: &ListQuery) -> Result<Option<Search>> {
    let Some(text) = q.search.as_deref().map(str::trim).filter(|s| !s.is_empty()) else {
        return Ok(None);
    };
    let mut plan = search::plan(text);
    if let Some(words) = plan.words.as_deref() {
        let found = lib
            .conn
            .prepare_cached(&format!("{} LIMIT 1", search::matching(search::WORDS)))?
            .exists([words])?;
        if !found {
            plan = search::substrings(&plan, text);
        }
    }
    Ok(Some(Search {
        plan,
        terms: text.split_whitespace().map(text::fold).collect(),
    }))
}

/// The search join and WHERE clauses of a listing, with their parameters in
/// the order the `?`s appear (the join's first).
#[derive(Default)]
struct Filtered {
    /// The ranked search join (`s.rank` can be ordered by), or empty.
    join: String,
    /// Each clause as the planner is left to choose from (counts, ranked
    /// searches), and its other forms for a page (`Start`).
    clauses: Vec<String>,
    forms: Vec<Forms>,
    params: Vec<Value>,
    /// Some clause reads the title row (`t.`).
    title: bool,
    /// Some clause is a full-text match: a set of ids the planner can start
    /// from.
    fts: bool,
    /// Some clause is more than the full-text match (a filter, or a short
    /// word matched with LIKE).
    narrowed: bool,
    /// Some clause keeps a small share of the library (a full-text match, a
    /// country, genre or tag, favourites), so a query is best started from
    /// it rather than from a status or platform.
    rare: bool,
}

/// A clause's two forms for a page: `start`, which an index can start the
/// query from, and `test`, which SQLite can only test row by row (a unary
/// `+` on the column, or a correlated EXISTS rather than IN), and the
/// query counting, up to `SMALL_START + 1`, the rows an index start would
/// read (`None`: no index starts from it).
struct Forms {
    start: String,
    test: String,
    probe: Option<(String, Vec<Value>)>,
    /// The most rows worth starting from (`SMALL_START`, or fewer for the
    /// full-text matches, whose test is a look-up in a set).
    most: u32,
}

/// How a page's query is to find its rows.
#[derive(Clone, Copy, PartialEq, Debug)]
enum Start {
    /// Every clause as it is; the planner chooses (counts, ranked searches).
    Planner,
    /// Down the order's own index, testing each row against every filter:
    /// no filter keeps few enough rows to be worth reading and sorting.
    Walk,
    /// From the rows of clause `i` (it keeps at most `SMALL_START` rows),
    /// read and sorted; every other clause only tests.
    From(usize),
}

/// The most rows a page starts from and sorts. Past it, walking the
/// order's index and testing each row is cheaper. Walking costs more a row
/// (an entry-side order tests a title-side filter by reading the wide title
/// row), so the two meet near 8,000 rows at 100,000 titles: 8,000 keys
/// read and sorted, or some 640 rows walked to find 51 of them.
const SMALL_START: u32 = 8_000;

/// The most full-text matches a page starts from: with 6,700 matches of
/// `lov`, reading and sorting them took 17 ms, walking the order's index
/// and looking each row up in the set of matches about 1 ms.
const SMALL_FTS_START: u32 = 1_500;

impl Filtered {
    /// Adds a clause with its parameters: `planner` is its form when the
    /// planner chooses, `start` and `test` its forms for a page (`Forms`),
    /// and `probe` the inner SELECT of the rows an index start reads (with
    /// the same parameters), when an index can start from it.
    fn add(
        &mut self,
        planner: &str,
        forms: (&str, &str),
        probe: Option<&str>,
        params: Vec<Value>,
        title: bool,
    ) {
        // A full-text match is tested by a look-up in the set of matches
        // gathered once, the cheapest test there is; started from, each
        // match reads its entry and title rows.
        let most = if probe.is_some_and(|p| p.contains(" MATCH ")) {
            SMALL_FTS_START
        } else {
            SMALL_START
        };
        self.clauses.push(planner.to_string());
        self.forms.push(Forms {
            start: forms.0.to_string(),
            test: forms.1.to_string(),
            probe: probe.map(|p| {
                (
                    format!("SELECT count(*) FROM ({p} LIMIT {})", most + 1),
                    params[..p.matches('?').count()].to_vec(),
                )
            }),
            most,
        });
        self.params.extend(params);
        self.title |= title;
        self.narrowed = true;
    }

    fn where_clause(&self, sql: &mut String) {
        self.where_from(sql, Start::Planner);
    }

    fn where_from(&self, sql: &mut String, start: Start) {
        for (i, c) in self.clauses.iter().enumerate() {
            sql.push_str(if i == 0 { " WHERE " } else { " AND " });
            sql.push_str(match start {
                Start::Planner => c,
                Start::From(j) if i == j => &self.forms[i].start,
                Start::Walk | Start::From(_) => &self.forms[i].test,
            });
        }
    }
}

/// What a query built from the filters is for.
#[derive(Clone, Copy, PartialEq)]
enum Use {
    /// A page of the listing; `rank`: ordered by relevance.
    List { rank: bool },
    /// A count for the chips.
    Count,
}

/// The filters of `q` (less the `skip` dimension's own). When ranked, the
/// search joins the ranked matches of one index so the listing can be
/// ordered by relevance; otherwise each index only filters, which spares
/// computing bm25 for every match.
fn filtered(
    lib: &Library,
    q: &ListQuery,
    search: Option<&Search>,
    skip: &[Dim],
    purpose: Use,
) -> Result<Filtered> {
    check_ranges(q)?;
    let rank = purpose == Use::List { rank: true };
    let mut f = Filtered::default();
    let text_value = |s: &str| Value::Text(s.to_string());
    if let Some(s) = search {
        let plan = &s.plan;
        let ranked = if rank { plan.rank_index() } else { None };
        if let Some((index, query)) = ranked {
            f.join = format!(" JOIN ({}) s ON s.id = e.id", search::ranked(index));
            let titles = search::in_titles(query);
            f.params.push(text_value(&titles));
            f.params.push(text_value(query));
            f.params.push(Value::Text(titles));
        }
        let filters = match ranked {
            Some(_) => [plan.filter_index(), None],
            None => [
                plan.words.as_deref().map(|w| (search::WORDS, w)),
                plan.grams.as_deref().map(|g| (search::GRAMS, g)),
            ],
        };
        for (index, query) in filters.into_iter().flatten() {
            let matching = search::matching(index);
            // Tested, the matches are gathered once into a set each row is
            // looked up in.
            f.add(
                &format!("e.id IN ({matching})"),
                (
                    &format!("e.id IN ({matching})"),
                    &format!("+e.id IN ({matching})"),
                ),
                Some(matching),
                vec![text_value(query)],
                false,
            );
        }
        f.fts = ranked.is_some() || !f.clauses.is_empty();
        // Only the match sets so far: a search alone is not "narrowed".
        f.narrowed = false;
        for term in &plan.short_terms {
            let pattern = format!("%{}%", search::escape_like(term));
            let like = "(t.name LIKE ? ESCAPE '\\' OR t.original_name LIKE ? ESCAPE '\\')";
            f.add(
                like,
                (like, like),
                None,
                vec![text_value(&pattern), Value::Text(pattern)],
                true,
            );
        }
    }
    let country = blank_to_none(&q.country).filter(|_| !skip.contains(&Dim::Country));
    let genre = blank_to_none(&q.genre).filter(|_| !skip.contains(&Dim::Genre));
    let tag = blank_to_none(&q.tag).filter(|_| !skip.contains(&Dim::Tag));
    f.rare = f.fts
        || country.is_some()
        || genre.is_some()
        || tag.is_some()
        || q.list.is_some()
        || q.favorite == Some(true);
    if let Some(status) = q.status.filter(|_| !skip.contains(&Dim::Status)) {
        // Each status holds a large share of a library, so its index is a
        // poor place to start from: a page reads faster down its sort index
        // keeping the rows of that status (a tab of 45,000 entries sorted
        // by title: 0.1 ms, against 30 ms through the status index), and a
        // count starts better from a rarer filter when there is one. The
        // unary `+` keeps SQLite from choosing the status index then; SQLite
        // has no statistics to tell on its own. A page still starts from a
        // status that its probe finds small.
        let weak = match purpose {
            Use::List { .. } => true,
            Use::Count => f.rare,
        };
        f.add(
            if weak {
                "+e.status = ?"
            } else {
                "e.status = ?"
            },
            ("e.status = ?", "+e.status = ?"),
            Some("SELECT 1 FROM entries WHERE status = ?"),
            vec![text_value(status.as_str())],
            false,
        );
    }
    if let Some(platform) = q
        .platform
        .as_deref()
        .filter(|_| !skip.contains(&Dim::Platform))
    {
        let id = platform_id(&lib.conn, platform)?;
        f.add(
            "e.platform_id = ?",
            ("e.platform_id = ?", "+e.platform_id = ?"),
            Some("SELECT 1 FROM entries WHERE platform_id = ?"),
            vec![Value::Integer(id)],
            false,
        );
    }
    const SUBSCRIBED: &str = "SELECT id FROM platforms WHERE subscribed = 1";
    match q.on_my_services {
        Some(true) => f.add(
            &format!("e.platform_id IN ({SUBSCRIBED})"),
            (
                &format!("e.platform_id IN ({SUBSCRIBED})"),
                &format!("+e.platform_id IN ({SUBSCRIBED})"),
            ),
            Some(&format!(
                "SELECT 1 FROM entries WHERE platform_id IN ({SUBSCRIBED})"
            )),
            vec![],
            false,
        ),
        Some(false) => {
            let not = format!("(e.platform_id IS NULL OR e.platform_id NOT IN ({SUBSCRIBED}))");
            f.add(&not, (&not, &not), None, vec![], false);
        }
        None => {}
    }
    if let Some(country) = country {
        f.add(
            "t.country = ?",
            ("t.country = ?", "+t.country = ?"),
            Some("SELECT 1 FROM titles WHERE country = ?"),
            vec![Value::Text(country.to_ascii_uppercase())],
            true,
        );
    }
    if let Some(genre) = genre {
        // Matches the NOCASE index on title_genres. Through the entry's
        // title id, so counting needs no visit to the title row. Tested
        // row by row, a title's few genres are read by its key.
        f.add(
            "e.title_id IN (SELECT title_id FROM title_genres WHERE genre = ? COLLATE NOCASE)",
            (
                "e.title_id IN (SELECT title_id FROM title_genres WHERE genre = ? COLLATE NOCASE)",
                "EXISTS (SELECT 1 FROM title_genres g WHERE g.title_id = e.title_id
                         AND g.genre = ? COLLATE NOCASE)",
            ),
            Some("SELECT 1 FROM title_genres WHERE genre = ? COLLATE NOCASE"),
            vec![text_value(genre)],
            false,
        );
    }
    if let Some(tag) = tag {
        // tags.name is COLLATE NOCASE, so this matches any case.
        const TAGGED: &str =
            "SELECT et.entry_id FROM entry_tags et JOIN tags tg ON tg.id = et.tag_id
                      WHERE tg.name = ?";
        f.add(
            &format!("e.id IN ({TAGGED})"),
            (
                &format!("e.id IN ({TAGGED})"),
                "EXISTS (SELECT 1 FROM entry_tags et JOIN tags tg ON tg.id = et.tag_id
                         WHERE et.entry_id = e.id AND tg.name = ?)",
            ),
            Some(TAGGED),
            vec![text_value(tag)],
            false,
        );
    }
    if let Some(list) = q.list {
        // A list is short: its items are read by the list's position index.
        const LISTED: &str = "SELECT entry_id FROM list_items WHERE list_id = ?";
        f.add(
            &format!("e.id IN ({LISTED})"),
            (
                &format!("e.id IN ({LISTED})"),
                "EXISTS (SELECT 1 FROM list_items li WHERE li.entry_id = e.id AND li.list_id = ?)",
            ),
            Some(LISTED),
            vec![Value::Integer(list)],
            false,
        );
    }
    if let Some(y) = q.year_min {
        f.add(
            "t.year >= ?",
            ("t.year >= ?", "+t.year >= ?"),
            None,
            vec![Value::Integer(y.into())],
            true,
        );
    }
    if let Some(y) = q.year_max {
        f.add(
            "t.year <= ?",
            ("t.year <= ?", "+t.year <= ?"),
            None,
            vec![Value::Integer(y.into())],
            true,
        );
    }
    if let Some(r) = q.rating_min {
        f.add(
            "e.rating >= ?",
            ("e.rating >= ?", "+e.rating >= ?"),
            None,
            vec![Value::Integer(r.get().into())],
            false,
        );
    }
    if let Some(r) = q.rating_max {
        f.add(
            "e.rating <= ?",
            ("e.rating <= ?", "+e.rating <= ?"),
            None,
            vec![Value::Integer(r.get().into())],
            false,
        );
    }
    if let Some(fav) = q.favorite {
        // Written out rather than bound, so SQLite sees that the partial
        // index of the favourites fits `favorite = 1`.
        let (planner, test) = if fav {
            ("e.favorite = 1", "+e.favorite = 1")
        } else {
            ("e.favorite = 0", "+e.favorite = 0")
        };
        let probe = fav.then_some("SELECT 1 FROM entries WHERE favorite = 1");
        f.add(planner, (planner, test), probe, vec![], false);
    }
    Ok(f)
}

fn blank_to_none(s: &Option<String>) -> Option<&str> {
    s.as_deref().map(str::trim).filter(|s| !s.is_empty())
}

fn check_ranges(q: &ListQuery) -> Result<()> {
    if let (Some(a), Some(b)) = (q.year_min, q.year_max) {
        if a > b {
            return Err(Error::invalid(format!(
                "the year range {a}–{b} is empty: the first year is after the last"
            )));
        }
    }
    if let (Some(a), Some(b)) = (q.rating_min, q.rating_max) {
        if a > b {
            return Err(Error::invalid(
                "the rating range is empty: the lowest rating is above the highest",
            ));
        }
    }
    Ok(())
}

/// One part of an order: an SQL expression and its direction. `fixed` parts
/// (the "is it missing" flags) keep their direction when the order is
/// reversed, so titles without a year or rating stay at the end either way.
struct Part {
    expr: &'static str,
    desc: bool,
    fixed: bool,
}

const fn asc(expr: &'static str) -> Part {
    Part {
        expr,
        desc: false,
        fixed: false,
    }
}

const fn desc(expr: &'static str) -> Part {
    Part {
        expr,
        desc: true,
        fixed: false,
    }
}

const fn missing_last(expr: &'static str) -> Part {
    Part {
        expr,
        desc: false,
        fixed: true,
    }
}

const RELEVANCE: &[Part] = &[
    asc("s.tier"),
    asc("s.rank"),
    asc("t.sort_name"),
    asc("t.id"),
];
const ADDED: &[Part] = &[desc("e.added_at"), desc("e.id")];
const TITLE: &[Part] = &[asc("t.sort_name"), asc("t.id")];
const YEAR: &[Part] = &[
    missing_last("(t.year IS NULL)"),
    desc("t.year"),
    asc("t.sort_name"),
    asc("t.id"),
];
const RATING: &[Part] = &[
    missing_last("(e.rating IS NULL)"),
    desc("e.rating"),
    asc("t.sort_name"),
    asc("t.id"),
];
const FINISHED: &[Part] = &[
    missing_last("(e.finished_on IS NULL)"),
    desc("e.finished_on"),
    asc("t.sort_name"),
    asc("t.id"),
];

/// The order of a listing, ending in a unique id. Orders on title columns
/// end with the title's id, which every index on `titles` carries, so such
/// an index answers the whole ORDER BY.
fn order(sort: Option<SortKey>, ranked: bool) -> (&'static str, &'static [Part]) {
    match (sort, ranked) {
        (None, true) => ("relevance", RELEVANCE),
        (None, false) | (Some(SortKey::Added), _) => ("added", ADDED),
        (Some(SortKey::Title), _) => ("title", TITLE),
        (Some(SortKey::Year), _) => ("year", YEAR),
        (Some(SortKey::Rating), _) => ("rating", RATING),
        (Some(SortKey::Finished), _) => ("finished", FINISHED),
    }
}

fn effective_desc(p: &Part, reverse: bool) -> bool {
    if p.fixed {
        p.desc
    } else {
        p.desc != reverse
    }
}

/// "After the cursor" for an order: the rows whose key sorts after `key`,
/// written as the lexicographic OR-chain. Equality uses `IS` so a NULL key
/// part (a title with no year) compares equal to NULL; `<`/`>` against NULL
/// is never true, which is right because such rows are ordered by the
/// "missing" flag before them.
fn after(parts: &[Part], reverse: bool) -> String {
    let mut ors = Vec::new();
    for i in 0..parts.len() {
        let mut ands: Vec<String> = parts[..i]
            .iter()
            .map(|p| format!("{} IS ?", p.expr))
            .collect();
        let op = if effective_desc(&parts[i], reverse) {
            "<"
        } else {
            ">"
        };
        ands.push(format!("{} {op} ?", parts[i].expr));
        ors.push(format!("({})", ands.join(" AND ")));
    }
    // The chain implies the first part is at or past its cursor value;
    // saying so outright lets SQLite seek in the sort index instead of
    // testing every row before the cursor.
    let op = if effective_desc(&parts[0], reverse) {
        "<="
    } else {
        ">="
    };
    format!("({} {op} ? AND ({}))", parts[0].expr, ors.join(" OR "))
}

/// The parameters `after` binds: for each OR term, the key values up to it.
fn after_params(key: &[Value]) -> Vec<Value> {
    std::iter::once(key[0].clone())
        .chain((0..key.len()).flat_map(|i| key[..=i].iter().cloned()))
        .collect()
}

/// Cursor text: hex of a small JSON document naming the order it belongs
/// to and the last row's key. Hex keeps it opaque and safe in any URL or
/// shell without another dependency.
fn encode_cursor(signature: &str, key: &[Value]) -> String {
    let values: Vec<serde_json::Value> = key
        .iter()
        .map(|v| match v {
            Value::Null => serde_json::Value::Null,
            Value::Integer(i) => serde_json::json!(i),
            // The bits, not a decimal: the row's rank must come back
            // exactly, or rows tied with it would repeat or go missing.
            Value::Real(f) => serde_json::json!({ "f": f.to_bits() }),
            Value::Text(s) => serde_json::json!(s),
            Value::Blob(_) => serde_json::Value::Null,
        })
        .collect();
    let doc = serde_json::json!({ "o": signature, "k": values });
    let doc = doc.to_string();
    let mut out = String::with_capacity(doc.len() * 2);
    for b in doc.bytes() {
        let _ = write!(out, "{b:02x}");
    }
    out
}

fn bad_cursor() -> Error {
    Error::invalid(
        "the page marker is not one this library gave out; start again from the first page",
    )
}

fn decode_cursor(cursor: &str, signature: &str, parts: usize) -> Result<Vec<Value>> {
    let bad = bad_cursor;
    if cursor.len() % 2 != 0 || !cursor.is_ascii() {
        return Err(bad());
    }
    let bytes = (0..cursor.len())
        .step_by(2)
        .map(|i| u8::from_str_radix(&cursor[i..i + 2], 16))
        .collect::<std::result::Result<Vec<u8>, _>>()
        .map_err(|_| bad())?;
    let doc: serde_json::Value = serde_json::from_slice(&bytes).map_err(|_| bad())?;
    if doc.get("o").and_then(|o| o.as_str()) != Some(signature) {
        return Err(Error::invalid(
            "the page marker belongs to a listing in another order; start again from the first page",
        ));
    }
    let values = doc.get("k").and_then(|k| k.as_array()).ok_or_else(bad)?;
    if values.len() != parts {
        return Err(bad());
    }
    values
        .iter()
        .map(|v| match v {
            serde_json::Value::Null => Ok(Value::Null),
            serde_json::Value::Number(n) => n.as_i64().map(Value::Integer).ok_or_else(bad),
            serde_json::Value::String(s) => Ok(Value::Text(s.clone())),
            serde_json::Value::Object(o) => o
                .get("f")
                .and_then(|r| r.as_u64())
                .map(|bits| Value::Real(f64::from_bits(bits)))
                .ok_or_else(bad),
            _ => Err(bad()),
        })
        .collect()
}

/// A match's relevance: its tier (0 when its title matches) and its bm25
/// rank within the tier, both lower first.
type Score = (i64, f64);

/// A row of a ranked search page with its place in the relevance order:
/// tier and rank, then title sort key, then title id.
struct Ranked {
    score: Score,
    sort_name: String,
    title_id: i64,
    row: EntrySummary,
}

fn key_of(x: &Ranked) -> (Score, &str, i64) {
    (x.score, x.sort_name.as_str(), x.title_id)
}

/// Relevance order of two keys (score, title sort key, title id), reversed
/// with `reverse`. Ranks compare as SQLite compares REALs; sort keys as
/// SQLite's BINARY collation does (byte order of the UTF-8).
fn relevance_cmp(a: (Score, &str, i64), b: (Score, &str, i64), reverse: bool) -> Ordering {
    let o = score_cmp(a.0, b.0)
        .then_with(|| a.1.as_bytes().cmp(b.1.as_bytes()))
        .then(a.2.cmp(&b.2));
    if reverse {
        o.reverse()
    } else {
        o
    }
}

fn score_cmp(a: Score, b: Score) -> Ordering {
    a.0.cmp(&b.0)
        .then_with(|| a.1.partial_cmp(&b.1).unwrap_or(Ordering::Equal))
}

/// What `page_plan` found: a page already read (a ranked search, or a
/// jump past the end), or the statements that read it.
enum PagePlan {
    Ranked(ListPage),
    Done(ListPage),
    Statements {
        statements: Vec<(String, Vec<Value>)>,
        signature: String,
        parts: usize,
        terms: Vec<String>,
    },
}

/// The statements of a page: one, or two for an order on an entry column
/// that can be missing (rating, date finished). The entries without one
/// come last, ordered by title alone; asked as one ORDER BY, SQLite walks
/// the order's index and sorts each run of equal keys by title, and the
/// missing ones are one run holding every unrated or unfinished entry the
/// filters keep (25,000 in the plan-to-watch tab), sorted whole for every
/// page. As a second statement they are read down the title index.
fn page_statements(
    f: &Filtered,
    start: Start,
    parts: &[Part],
    reverse: bool,
    key: Option<&[Value]>,
    limit: Option<u32>,
) -> Vec<(String, Vec<Value>)> {
    // Keys first, rows after: the inner query finds the page's entry ids
    // and sort keys, reading only the columns the filters and the order
    // need, and the outer one reads the listing's columns for those rows
    // alone. Where SQLite has to sort (a run of equal ratings is sorted by
    // title), it then sorts narrow keys rather than whole listing rows
    // with their poster and platform looked up first.
    let statement = |order: &[Part], extra: Option<String>, key: Option<&[Value]>| {
        let mut inner = String::with_capacity(1024);
        inner.push_str("SELECT e.id AS id");
        for (i, p) in parts.iter().enumerate() {
            let _ = write!(inner, ", {} AS k{i}", p.expr);
        }
        inner.push_str(" FROM entries e JOIN titles t ON t.id = e.title_id");
        inner.push_str(&f.join);
        f.where_from(&mut inner, start);
        let mut params = f.params.clone();
        let mut more = Vec::new();
        more.extend(extra);
        if let Some(key) = key {
            more.push(after(order, reverse));
            params.extend(after_params(key));
        }
        for (i, c) in more.iter().enumerate() {
            inner.push_str(if i == 0 && f.clauses.is_empty() {
                " WHERE "
            } else {
                " AND "
            });
            inner.push_str(c);
        }
        order_by(&mut inner, order, reverse);
        // One row more than asked tells whether there is a next page.
        if let Some(limit) = limit {
            let _ = write!(inner, " LIMIT {}", u64::from(limit) + 1);
        }
        let mut sql = String::with_capacity(inner.len() + 1024);
        sql.push_str(SELECT);
        for i in 0..parts.len() {
            let _ = write!(sql, ", k.k{i}");
        }
        let _ = write!(
            sql,
            " FROM ({inner}) k CROSS JOIN entries e ON e.id = k.id
             JOIN titles t ON t.id = e.title_id
             LEFT JOIN platforms p ON p.id = e.platform_id ORDER BY "
        );
        // The same order, on the keys read: `order` is the tail of `parts`
        // for the second statement of a split order.
        let skip = parts.len() - order.len();
        for (i, p) in order.iter().enumerate() {
            if i > 0 {
                sql.push_str(", ");
            }
            let _ = write!(sql, "k.k{}", skip + i);
            if effective_desc(p, reverse) {
                sql.push_str(" DESC");
            }
        }
        (sql, params)
    };
    let split = parts.len() > 2 && parts[0].fixed && parts[1].expr.starts_with("e.");
    if !split {
        return vec![statement(parts, None, key)];
    }
    let column = parts[1].expr;
    // The "missing" flag is 1 in a key among the missing ones.
    let among_missing = key.is_some_and(|k| k[0] == Value::Integer(1));
    let mut out = Vec::with_capacity(2);
    if !among_missing {
        out.push(statement(
            parts,
            Some(format!("+{column} IS NOT NULL")),
            key,
        ));
    }
    out.push(statement(
        &parts[2..],
        Some(format!("+{column} IS NULL")),
        key.filter(|_| among_missing).map(|k| &k[2..]),
    ));
    out
}

impl Library {
    /// The library listing, filtered and sorted: the first `limit` rows, or
    /// every row without a limit. For later pages use `list_page`.
    pub fn list(&self, q: &ListQuery) -> Result<Vec<EntrySummary>> {
        Ok(self.list_page(q)?.rows)
    }

    /// One page of the library listing. `q.limit` is the page size (no
    /// limit: everything from the cursor on); `q.cursor` continues after the
    /// page whose `next_cursor` it is, and `q.offset` (without a cursor)
    /// starts that many rows in.
    pub fn list_page(&self, q: &ListQuery) -> Result<ListPage> {
        let (statements, signature, parts, terms) = match self.page_plan(q)? {
            PagePlan::Ranked(page) | PagePlan::Done(page) => return Ok(page),
            PagePlan::Statements {
                statements,
                signature,
                parts,
                terms,
            } => (statements, signature, parts, terms),
        };
        let mut out = Vec::with_capacity(q.limit.map_or(64, |l| l.min(1000) as usize));
        let mut last_key = Vec::new();
        for (sql, params) in &statements {
            let mut stmt = self.conn.prepare_cached(sql)?;
            let mut rows = stmt.query(rusqlite::params_from_iter(params.iter()))?;
            while let Some(r) = rows.next()? {
                if q.limit.is_some_and(|l| out.len() == l as usize) {
                    return Ok(ListPage {
                        next_cursor: Some(encode_cursor(&signature, &last_key)),
                        rows: finish(out, &terms),
                    });
                }
                out.push(summary(r)?);
                // Only the page's last row's key is needed, for the cursor.
                if q.limit.is_some_and(|l| out.len() == l as usize) {
                    last_key = (0..parts)
                        .map(|i| r.get::<_, Value>(SELECT_COLUMNS + i))
                        .collect::<rusqlite::Result<_>>()?;
                }
            }
        }
        Ok(ListPage {
            rows: finish(out, &terms),
            next_cursor: None,
        })
    }

    /// The SQL statements (with their parameters) that `list_page` runs for
    /// `q`, in order: the page is their rows, one more than the limit
    /// telling whether there is a next page. Empty for a search ordered by
    /// relevance without other filters, which ranks in Rust
    /// (`ranked_page`). For benchmarks and tests that run the same SQL on a
    /// connection of their own.
    pub fn list_statements(&self, q: &ListQuery) -> Result<Vec<(String, Vec<Value>)>> {
        Ok(match self.page_plan(q)? {
            PagePlan::Statements { statements, .. } => statements,
            PagePlan::Ranked(_) | PagePlan::Done(_) => Vec::new(),
        })
    }

    /// How a page is read: the filters, the order, where the query starts
    /// (`Start`, from the probes) and the cursor, made into statements.
    fn page_plan(&self, q: &ListQuery) -> Result<PagePlan> {
        let search = search_of(self, q)?;
        let ranked = q.sort.is_none()
            && search
                .as_ref()
                .is_some_and(|s| s.plan.rank_index().is_some());
        let f = filtered(self, q, search.as_ref(), &[], Use::List { rank: ranked })?;
        let (name, parts) = order(q.sort, ranked);
        let signature = if q.reverse {
            format!("{name}-rev")
        } else {
            name.to_string()
        };
        let key = match q.cursor.as_deref().filter(|c| !c.is_empty()) {
            Some(cursor) => Some(decode_cursor(cursor, &signature, parts.len())?),
            None => None,
        };
        let offset = if key.is_some() {
            0
        } else {
            q.offset.unwrap_or(0)
        };
        let terms: Vec<String> = search.as_ref().map_or(Vec::new(), |s| s.terms.clone());
        if let (true, false, Some(s)) = (ranked, f.narrowed, &search) {
            return Ok(PagePlan::Ranked(self.ranked_page(
                &s.plan,
                key.as_deref(),
                offset,
                q,
                &signature,
                &terms,
            )?));
        }
        // A relevance order ranks every match whatever the start.
        let start = if ranked {
            Start::Planner
        } else {
            self.start_of(&f)?
        };
        let mut key = key;
        if offset > 0 {
            // A jump far into the listing: find the sort key of the row
            // before it with a query that reads only what the filters and
            // the order need, then continue from that key as a cursor would.
            // Skipping 50,000 rows this way reads an index; skipping them in
            // the full query joins each one to its title first (~150 ms).
            match self.key_at(&f, start, parts, q.reverse, offset - 1)? {
                Some(k) => key = Some(k),
                None => {
                    return Ok(PagePlan::Done(ListPage {
                        rows: Vec::new(),
                        next_cursor: None,
                    }))
                }
            }
        }
        Ok(PagePlan::Statements {
            statements: page_statements(&f, start, parts, q.reverse, key.as_deref(), q.limit),
            signature,
            parts: parts.len(),
            terms,
        })
    }

    /// Where a page's query starts: from the filter that keeps the fewest
    /// rows when that is at most `SMALL_START`, else down the order's
    /// index. Each probe reads at most `SMALL_START + 1` index entries, so
    /// choosing costs a fraction of a millisecond; SQLite's planner has no
    /// statistics telling a genre of 40 titles from one of 40,000.
    fn start_of(&self, f: &Filtered) -> Result<Start> {
        let mut best: Option<(u32, usize)> = None;
        for (i, forms) in f.forms.iter().enumerate() {
            let Some((sql, params)) = &forms.probe else {
                continue;
            };
            let n: u32 = self
                .conn
                .prepare_cached(sql)?
                .query_row(rusqlite::params_from_iter(params.iter()), |r| r.get(0))?;
            if n <= forms.most && best.is_none_or(|(m, _)| n < m) {
                best = Some((n, i));
            }
        }
        Ok(match best {
            Some((_, i)) => Start::From(i),
            None => Start::Walk,
        })
    }

    /// The sort key of row `index` (from 0) of a filtered listing, or
    /// `None` past its end. Titles are joined only when a filter or the
    /// order reads them; platforms never are (filters use the entry's id).
    fn key_at(
        &self,
        f: &Filtered,
        start: Start,
        parts: &[Part],
        reverse: bool,
        index: u32,
    ) -> Result<Option<Vec<Value>>> {
        let title = f.title || parts.iter().any(|p| p.expr.contains("t."));
        let mut sql = String::with_capacity(512);
        sql.push_str("SELECT ");
        for (i, p) in parts.iter().enumerate() {
            if i > 0 {
                sql.push_str(", ");
            }
            sql.push_str(p.expr);
        }
        sql.push_str(if title { KEY_FROM_TITLES } else { KEY_FROM });
        sql.push_str(&f.join);
        f.where_from(&mut sql, start);
        order_by(&mut sql, parts, reverse);
        let _ = write!(sql, " LIMIT 1 OFFSET {index}");
        let mut stmt = self.conn.prepare_cached(&sql)?;
        let mut rows = stmt.query(rusqlite::params_from_iter(f.params.iter()))?;
        match rows.next()? {
            Some(r) => Ok(Some(
                (0..parts.len())
                    .map(|i| r.get::<_, Value>(i))
                    .collect::<rusqlite::Result<_>>()?,
            )),
            None => Ok(None),
        }
    }

    /// A page of an unfiltered search in relevance order, without joining
    /// every match to its entry and title: ranks the title matches from the
    /// index alone, and the other matches only when the page reaches past
    /// the title matches (or the order is reversed); keeps only those that
    /// can reach the page (the best `offset + limit + 1` scores, every row
    /// tied with the last of them, and the cursor's own score), then reads
    /// and orders just those rows. The order and the cursors are exactly
    /// those of the general query (`s.tier, s.rank, t.sort_name, t.id`), so
    /// a page can continue either way.
    fn ranked_page(
        &self,
        plan: &Plan,
        key: Option<&[Value]>,
        offset: u32,
        q: &ListQuery,
        signature: &str,
        terms: &[String],
    ) -> Result<ListPage> {
        let reverse = q.reverse;
        let (index, query) = plan
            .rank_index()
            .expect("a ranked page has an index to rank by");
        let cursor = match key {
            Some(
                [Value::Integer(tier), Value::Real(rank), Value::Text(name), Value::Integer(id)],
            ) => Some(((*tier, *rank), name.as_str(), *id)),
            Some(_) => return Err(bad_cursor()),
            None => None,
        };
        let in_order = |a: Score, b: Score| {
            if reverse {
                score_cmp(b, a)
            } else {
                score_cmp(a, b)
            }
        };
        // Only the other index's matches count when both take part.
        let kept: Option<Vec<i64>> = match plan.filter_index() {
            Some((index, query)) => {
                let mut stmt = self.conn.prepare_cached(search::matching(index))?;
                let mut ids: Vec<i64> = stmt
                    .query_map([query], |r| r.get(0))?
                    .collect::<rusqlite::Result<_>>()?;
                ids.sort_unstable();
                Some(ids)
            }
            None => None,
        };
        let scored = |fts: &str, tier: i64| -> Result<Vec<(i64, Score)>> {
            let mut stmt = self.conn.prepare_cached(search::scored(index))?;
            let rows = stmt.query_map([fts], |r| Ok((r.get(0)?, (tier, r.get(1)?))))?;
            let mut out: Vec<(i64, Score)> = rows.collect::<rusqlite::Result<_>>()?;
            if let Some(ids) = &kept {
                out.retain(|(id, _)| ids.binary_search(id).is_ok());
            }
            Ok(out)
        };
        let need = q.limit.map(|l| offset as usize + l as usize + 1);
        let after_cursor = |s: Score| cursor.is_none_or(|c| in_order(s, c.0) == Ordering::Greater);
        let mut matches = scored(&search::in_titles(query), 0)?;
        // In relevance order every title match comes before every other
        // match: when the title matches after the cursor fill the page, the
        // others need no ranking at all.
        let page_in_titles = !reverse
            && need
                .is_some_and(|need| matches.iter().filter(|m| after_cursor(m.1)).count() >= need);
        if !page_in_titles {
            let mut titled: Vec<i64> = matches.iter().map(|m| m.0).collect();
            titled.sort_unstable();
            let others = scored(query, 1)?
                .into_iter()
                .filter(|(id, _)| titled.binary_search(id).is_err());
            matches.extend(others);
        }
        // Rows scored strictly after the cursor's score all come after it;
        // the best `need` of them bound the page's last score from above.
        let mut cut = None;
        if let Some(need) = need {
            let mut later: Vec<Score> = matches
                .iter()
                .map(|m| m.1)
                .filter(|&s| after_cursor(s))
                .collect();
            if need < later.len() {
                let (_, nth, _) = later.select_nth_unstable_by(need - 1, |a, b| in_order(*a, *b));
                cut = Some(*nth);
            }
        }
        let wanted: HashMap<i64, Score> = matches
            .into_iter()
            .filter(|&(_, s)| {
                cursor.is_none_or(|c| in_order(s, c.0) != Ordering::Less)
                    && cut.is_none_or(|k| in_order(s, k) != Ordering::Greater)
            })
            .collect();
        if wanted.is_empty() {
            return Ok(ListPage {
                rows: Vec::new(),
                next_cursor: None,
            });
        }
        let mut ids = String::with_capacity(wanted.len() * 8 + 2);
        ids.push('[');
        for (i, id) in wanted.keys().enumerate() {
            if i > 0 {
                ids.push(',');
            }
            let _ = write!(ids, "{id}");
        }
        ids.push(']');
        let mut stmt = self.conn.prepare_cached(BY_IDS)?;
        let mut rows = stmt.query([ids])?;
        let mut found = Vec::with_capacity(wanted.len());
        while let Some(r) = rows.next()? {
            let id: i64 = r.get(0)?;
            found.push(Ranked {
                score: wanted[&id],
                sort_name: r.get(SELECT_COLUMNS)?,
                title_id: r.get(SELECT_COLUMNS + 1)?,
                row: summary(r)?,
            });
        }
        found.sort_by(|a, b| relevance_cmp(key_of(a), key_of(b), reverse));
        if let Some(c) = cursor {
            found.retain(|x| relevance_cmp(key_of(x), c, reverse) == Ordering::Greater);
        }
        let mut page: Vec<Ranked> = found.into_iter().skip(offset as usize).collect();
        let mut next_cursor = None;
        if let Some(limit) = q.limit.map(|l| l as usize) {
            if page.len() > limit {
                page.truncate(limit);
                let last = &page[limit - 1];
                next_cursor = Some(encode_cursor(
                    signature,
                    &[
                        Value::Integer(last.score.0),
                        Value::Real(last.score.1),
                        Value::Text(last.sort_name.clone()),
                        Value::Integer(last.title_id),
                    ],
                ));
            }
        }
        Ok(ListPage {
            rows: finish(page.into_iter().map(|x| x.row).collect(), terms),
            next_cursor,
        })
    }

    /// Counts for the filter chips under `q`'s filters: per status, platform,
    /// country and genre, each computed with its own filter left out. The
    /// cursor, limit and sort are ignored.
    pub fn facet_counts(&self, q: &ListQuery) -> Result<Facets> {
        let search = search_of(self, q)?;
        let search = search.as_ref();
        // The total and the status and platform chips from one count per
        // status and platform under every other filter: the status chips
        // keep the platform filter, the platform chips the status filter,
        // the total both. One pass of an index that leads with the status
        // and carries the platform, where three counts read it three times.
        let want_status = q.status.map(|s| s.as_str());
        let want_platform = match q.platform.as_deref() {
            Some(p) => Some(platform_id(&self.conn, p)?),
            None => None,
        };
        // Whether every filter but a status and a platform is off for the
        // chips of `dim`: then they come from the counts kept on write
        // (`store::tally`), a few thousand rows, instead of the indexes.
        let kept_counts = |dim: Dim| -> Result<bool> {
            let others = filtered(
                self,
                q,
                search,
                &[dim, Dim::Status, Dim::Platform],
                Use::Count,
            )?;
            Ok(others.clauses.is_empty())
        };
        let (total, by_status, platform) = {
            let f = filtered(self, q, search, &[Dim::Status, Dim::Platform], Use::Count)?;
            let (sql, params) = if f.clauses.is_empty() {
                // Each entry counts once for its title's kind.
                let sql = "SELECT status, nullif(platform, 0), sum(n) FROM tally
                     WHERE dim = 'kind' GROUP BY status, platform";
                (sql.to_string(), Vec::new())
            } else {
                let mut sql =
                    String::from("SELECT e.status, e.platform_id, count(*) FROM entries e");
                if f.title {
                    sql.push_str(" JOIN titles t ON t.id = e.title_id");
                }
                f.where_clause(&mut sql);
                sql.push_str(" GROUP BY e.status, e.platform_id");
                (sql, f.params)
            };
            let mut total = 0u32;
            let mut by_status: HashMap<String, u32> = HashMap::new();
            let mut by_platform: HashMap<i64, u32> = HashMap::new();
            let mut stmt = self.conn.prepare_cached(&sql)?;
            let mut rows = stmt.query(rusqlite::params_from_iter(params.iter()))?;
            while let Some(r) = rows.next()? {
                let s: String = r.get(0)?;
                let p: Option<i64> = r.get(1)?;
                let n: u32 = r.get(2)?;
                let status_kept = want_status.is_none_or(|x| x == s);
                let platform_kept = want_platform.is_none_or(|x| p == Some(x));
                if status_kept && platform_kept {
                    total += n;
                }
                if status_kept {
                    if let Some(p) = p {
                        *by_platform.entry(p).or_default() += n;
                    }
                }
                if platform_kept {
                    *by_status.entry(s).or_default() += n;
                }
            }
            let mut named = Vec::with_capacity(by_platform.len());
            let mut stmt = self.conn.prepare_cached("SELECT id, name FROM platforms")?;
            let mut rows = stmt.query([])?;
            while let Some(r) = rows.next()? {
                if let Some(&count) = by_platform.get(&r.get::<_, i64>(0)?) {
                    named.push(Count {
                        label: r.get(1)?,
                        count,
                    });
                }
            }
            // Platform names are COLLATE NOCASE, and so is their order.
            named.sort_by(|a, b| {
                b.count
                    .cmp(&a.count)
                    .then_with(|| nocase_cmp(&a.label, &b.label))
            });
            (total, by_status, named)
        };
        let mut kept_before: Option<(String, Vec<Value>, Kept)> = None;
        let mut group = |dim: Dim| -> Result<Vec<Count>> {
            if matches!(dim, Dim::Country | Dim::Genre | Dim::Tag) && kept_counts(dim)? {
                let (sql, name) = match dim {
                    // Tags are counted by id, and named as the tag is now.
                    Dim::Tag => (
                        "SELECT tg.name, c.n FROM
                         (SELECT CAST(label AS INTEGER) AS id, sum(n) AS n FROM tally
                          WHERE dim = ?1 AND (?2 IS NULL OR status = ?2)
                            AND (?3 IS NULL OR platform = ?3)
                          GROUP BY label HAVING n > 0) c
                         JOIN tags tg ON tg.id = c.id ORDER BY c.n DESC, tg.name",
                        "tag",
                    ),
                    _ => (
                        "SELECT label, sum(n) AS c FROM tally
                         WHERE dim = ?1 AND (?2 IS NULL OR status = ?2)
                           AND (?3 IS NULL OR platform = ?3)
                         GROUP BY label HAVING c > 0 ORDER BY c DESC, label",
                        if dim == Dim::Country {
                            "country"
                        } else {
                            "genre"
                        },
                    ),
                };
                let mut stmt = self.conn.prepare_cached(sql)?;
                let rows =
                    stmt.query_map(rusqlite::params![name, want_status, want_platform], |r| {
                        Ok(Count {
                            label: r.get(0)?,
                            count: r.get(1)?,
                        })
                    })?;
                return Ok(rows.collect::<rusqlite::Result<_>>()?);
            }
            let f = filtered(self, q, search, &[dim], Use::Count)?;
            let unfiltered = f.clauses.is_empty();
            // The entries the filters keep, joined to `join` (and to their
            // titles when a filter or the label reads them).
            let entries = |join: &str, titles: bool| {
                let mut sql = String::from(" FROM entries e");
                sql.push_str(join);
                if titles || f.title {
                    sql.push_str(" JOIN titles t ON t.id = e.title_id");
                }
                f.where_clause(&mut sql);
                sql
            };
            let and = if unfiltered { " WHERE " } else { " AND " };
            let sql = match dim {
                // Counted above, with the total.
                Dim::Status | Dim::Platform => return Ok(Vec::new()),
                // A rare filter (a search, a tag, a genre) is a short list
                // of entries to start from.
                Dim::Country if f.rare => format!(
                    "SELECT t.country, count(*) AS n{}{and}t.country IS NOT NULL
                     GROUP BY t.country ORDER BY n DESC, t.country",
                    entries("", true)
                ),
                Dim::Genre if f.rare => format!(
                    "SELECT g.genre, count(*) AS n{} GROUP BY g.genre ORDER BY n DESC, g.genre",
                    entries(" JOIN title_genres g ON g.title_id = e.title_id", false)
                ),
                // Tags under other filters: counted by id through the
                // entry-tag pairs of the entries kept, then named.
                Dim::Tag => format!(
                    "SELECT tg.name, c.n FROM
                     (SELECT et.tag_id AS id, count(*) AS n{} GROUP BY et.tag_id) c
                     JOIN tags tg ON tg.id = c.id ORDER BY c.n DESC, tg.name",
                    entries(" JOIN entry_tags et ON et.entry_id = e.id", false)
                ),
                // Otherwise the filters keep a large share of the library
                // (a status, a platform), and joining that many entries to
                // their titles or genres costs more than reading the whole
                // country or genre index once, in label order, and
                // counting the rows whose title the filters keep.
                Dim::Country | Dim::Genre => {
                    let sql = format!("SELECT e.title_id{}", entries("", false));
                    // The country and the genre chips keep the same titles
                    // unless one of the two is filtered: read them once.
                    let reuse =
                        matches!(&kept_before, Some((s, p, _)) if *s == sql && *p == f.params);
                    if !reuse {
                        let mut stmt = self.conn.prepare_cached(&sql)?;
                        let ids = stmt
                            .query_map(rusqlite::params_from_iter(f.params.iter()), |r| r.get(0))?;
                        let kept = Kept::new(ids.collect::<rusqlite::Result<_>>()?);
                        kept_before = Some((sql, f.params.clone(), kept));
                    }
                    let kept = &kept_before.as_ref().expect("just read").2;
                    let index = if dim == Dim::Country {
                        "SELECT country, id FROM titles WHERE country IS NOT NULL ORDER BY country"
                    } else {
                        "SELECT genre, title_id FROM title_genres ORDER BY genre"
                    };
                    return self.count_kept(index, kept);
                }
            };
            let mut stmt = self.conn.prepare_cached(&sql)?;
            let rows = stmt.query_map(rusqlite::params_from_iter(f.params.iter()), |r| {
                Ok(Count {
                    label: r.get(0)?,
                    count: r.get(1)?,
                })
            })?;
            Ok(rows.collect::<rusqlite::Result<_>>()?)
        };
        // Every tab, in tab order, even when empty.
        let status = Status::ALL
            .iter()
            .map(|s| Count {
                label: s.as_str().to_string(),
                count: by_status.get(s.as_str()).copied().unwrap_or(0),
            })
            .collect();
        Ok(Facets {
            total,
            status,
            platform,
            country: group(Dim::Country)?,
            genre: group(Dim::Genre)?,
            tag: group(Dim::Tag)?,
        })
    }
}

/// SQLite's NOCASE collation: ASCII letters folded, then bytes compared.
pub(super) fn nocase_cmp(a: &str, b: &str) -> Ordering {
    a.bytes()
        .map(|c| c.to_ascii_lowercase())
        .cmp(b.bytes().map(|c| c.to_ascii_lowercase()))
}

/// A set of title ids: a bitmap when the ids are small, as the store's
/// own ids are, else a sorted list.
enum Kept {
    Bits(Vec<u64>),
    Sorted(Vec<i64>),
}

impl Kept {
    fn new(mut ids: Vec<i64>) -> Kept {
        const MAX_BITS: i64 = 1 << 26;
        if ids.iter().all(|&id| (0..MAX_BITS).contains(&id)) {
            let top = ids.iter().copied().max().unwrap_or(0) as usize;
            let mut bits = vec![0u64; top / 64 + 1];
            for id in ids {
                bits[id as usize / 64] |= 1 << (id % 64);
            }
            Kept::Bits(bits)
        } else {
            ids.sort_unstable();
            Kept::Sorted(ids)
        }
    }

    fn contains(&self, id: i64) -> bool {
        match self {
            Kept::Bits(bits) => usize::try_from(id)
                .ok()
                .and_then(|i| bits.get(i / 64))
                .is_some_and(|w| w & (1 << (id % 64)) != 0),
            Kept::Sorted(ids) => ids.binary_search(&id).is_ok(),
        }
    }
}

impl Library {
    /// Counts per label over `index` (label, title id; in label order) of
    /// the rows whose title id is in `kept`, largest count first and then
    /// by label, as `GROUP BY … ORDER BY n DESC, label` would.
    fn count_kept(&self, index: &str, kept: &Kept) -> Result<Vec<Count>> {
        let mut stmt = self.conn.prepare_cached(index)?;
        let mut rows = stmt.query([])?;
        let mut out: Vec<Count> = Vec::new();
        let mut label: Vec<u8> = Vec::new();
        let mut n = 0u32;
        let flush = |label: &[u8], n: u32, out: &mut Vec<Count>| -> Result<()> {
            if n > 0 {
                let label = String::from_utf8(label.to_vec()).map_err(|e| {
                    rusqlite::Error::FromSqlConversionFailure(
                        0,
                        rusqlite::types::Type::Text,
                        e.into(),
                    )
                })?;
                out.push(Count { label, count: n });
            }
            Ok(())
        };
        while let Some(r) = rows.next()? {
            let ValueRef::Text(this) = r.get_ref(0)? else {
                continue;
            };
            if this != label.as_slice() {
                flush(&label, n, &mut out)?;
                label.clear();
                label.extend_from_slice(this);
                n = 0;
            }
            if kept.contains(r.get(1)?) {
                n += 1;
            }
        }
        flush(&label, n, &mut out)?;
        out.sort_by(|a, b| b.count.cmp(&a.count).then_with(|| a.label.cmp(&b.label)));
        Ok(out)
    }
}

/// The listing rows of `ids` (any order, unknown ids left out), by id.
pub(super) fn summaries_by_id(
    conn: &rusqlite::Connection,
    ids: &[i64],
) -> Result<HashMap<i64, EntrySummary>> {
    let json = serde_json::to_string(ids).map_err(|e| Error::invalid(e.to_string()))?;
    let mut stmt = conn.prepare_cached(BY_IDS)?;
    let mut rows = stmt.query([json])?;
    let mut out = HashMap::with_capacity(ids.len());
    while let Some(r) = rows.next()? {
        let row = summary(r)?;
        out.insert(row.id, row);
    }
    Ok(out)
}

fn summary(r: &rusqlite::Row) -> rusqlite::Result<EntrySummary> {
    let rating = rating(r, 7)?;
    Ok(EntrySummary {
        id: r.get(0)?,
        kind: stored(r, 1, Kind::ALL, Kind::as_str)?,
        name: r.get(2)?,
        original_name: r.get(3)?,
        year: r.get(4)?,
        country: r.get(5)?,
        status: stored(r, 6, Status::ALL, Status::as_str)?,
        rating,
        rating_10: rating_10(rating),
        progress: r.get(8)?,
        episodes: r.get(9)?,
        platform: r.get(10)?,
        favorite: r.get(11)?,
        poster_url: r.get(12)?,
        finished_on: date(r, 13)?,
        added_at: timestamp(r, 14)?,
        poster: r.get(15)?,
        next_episode: next_episode(r, 16)?,
        highlight: None,
        highlight_original: None,
    })
}

/// The stored next episode of a show being watched (`history::refresh_next`)
/// at columns `i` (season, NULL unless watching), `i + 1` (number) and
/// `i + 2` (when it airs: an instant, or a day when only that is known).
fn next_episode(r: &rusqlite::Row, i: usize) -> rusqlite::Result<Option<NextEpisode>> {
    let (Some(season), Some(number)) = (r.get(i)?, r.get(i + 1)?) else {
        return Ok(None);
    };
    let airs: Option<String> = r.get(i + 2)?;
    let airdate = match airs.as_deref() {
        Some(day) if day.len() == 10 => date(r, i + 2)?,
        _ => None,
    };
    Ok(Some(NextEpisode {
        season,
        number,
        airstamp: super::history::parse_stamp(airs.filter(|_| airdate.is_none())),
        airdate,
    }))
}

/// A stored word (`completed`, `series`): the store's own spelling is
/// matched in place, anything else goes through the lenient parser and its
/// error.
fn stored<T: Copy + std::str::FromStr>(
    r: &rusqlite::Row,
    i: usize,
    all: &[T],
    word_of: fn(T) -> &'static str,
) -> rusqlite::Result<T> {
    if let ValueRef::Text(b) = r.get_ref(i)? {
        if let Some(v) = all.iter().find(|v| word_of(**v).as_bytes() == b) {
            return Ok(*v);
        }
    }
    word(r, i)
}

/// `YYYY-MM-DD`, the way the store writes dates, read without a format
/// parser; anything else is left to rusqlite's.
fn date(r: &rusqlite::Row, i: usize) -> rusqlite::Result<Option<NaiveDate>> {
    match r.get_ref(i)? {
        ValueRef::Null => Ok(None),
        ValueRef::Text(b) => match ymd(b).filter(|_| b.len() == 10) {
            Some(d) => Ok(Some(d)),
            None => r.get(i),
        },
        _ => r.get(i),
    }
}

/// `YYYY-MM-DD HH:MM:SS+00:00`, the way the store writes times, read
/// without a format parser; anything else is left to rusqlite's.
fn timestamp(r: &rusqlite::Row, i: usize) -> rusqlite::Result<DateTime<Utc>> {
    if let ValueRef::Text(b) = r.get_ref(i)? {
        if b.len() == 25 && b[10] == b' ' && b[13] == b':' && b[16] == b':' && &b[19..] == b"+00:00"
        {
            let time = (number(&b[11..13]), number(&b[14..16]), number(&b[17..19]));
            if let (Some(d), (Some(h), Some(m), Some(s))) = (ymd(b), time) {
                if let Some(t) = d.and_hms_opt(h, m, s) {
                    return Ok(t.and_utc());
                }
            }
        }
    }
    r.get(i)
}

fn ymd(b: &[u8]) -> Option<NaiveDate> {
    if b.len() < 10 || b[4] != b'-' || b[7] != b'-' {
        return None;
    }
    let year = i32::try_from(number(&b[0..4])?).ok()?;
    NaiveDate::from_ymd_opt(year, number(&b[5..7])?, number(&b[8..10])?)
}

fn number(digits: &[u8]) -> Option<u32> {
    digits.iter().try_fold(0u32, |n, d| {
        d.is_ascii_digit().then(|| n * 10 + u32::from(d - b'0'))
    })
}

/// Marks the searched words in the page's titles. Done here, for the rows
/// of one page only, rather than with FTS5's `highlight()` over every match:
/// it costs nothing per page, and it also marks the one- and two-letter
/// words the index does not answer.
fn finish(mut rows: Vec<EntrySummary>, terms: &[String]) -> Vec<EntrySummary> {
    if terms.is_empty() {
        return rows;
    }
    for row in &mut rows {
        row.highlight = mark(&row.name, terms);
        row.highlight_original = row.original_name.as_deref().and_then(|o| mark(o, terms));
    }
    rows
}

/// Start and end markers of a highlighted part: control characters, which
/// never occur in a title, so the UI can split on them without any escaping.
pub const MARK_START: char = '\u{2}';
pub const MARK_END: char = '\u{3}';

/// `text` with every case- and accent-insensitive occurrence of a term
/// between `MARK_START` and `MARK_END`, or `None` when nothing matched.
pub fn mark(text: &str, terms: &[String]) -> Option<String> {
    // Fold character by character, remembering which original character
    // each folded one came from, so matches map back onto the original.
    let chars: Vec<char> = text.chars().collect();
    let mut folded: Vec<char> = Vec::with_capacity(chars.len());
    let mut origin: Vec<usize> = Vec::with_capacity(chars.len());
    let mut buf = [0u8; 4];
    for (i, c) in chars.iter().enumerate() {
        // ASCII folds to its lower case; only other characters need the
        // Unicode decomposition.
        if c.is_ascii() {
            folded.push(c.to_ascii_lowercase());
            origin.push(i);
            continue;
        }
        for f in text::fold(c.encode_utf8(&mut buf)).chars() {
            folded.push(f);
            origin.push(i);
        }
    }
    let mut marked = vec![false; chars.len()];
    let mut any = false;
    for term in terms {
        let t: Vec<char> = term.chars().collect();
        if t.is_empty() || t.len() > folded.len() {
            continue;
        }
        for start in 0..=folded.len() - t.len() {
            if folded[start..start + t.len()] == t[..] {
                any = true;
                for &o in &origin[start..start + t.len()] {
                    marked[o] = true;
                }
            }
        }
    }
    if !any {
        return None;
    }
    let mut out = String::with_capacity(text.len() + 8);
    let mut open = false;
    for (c, m) in chars.iter().zip(&marked) {
        if *m != open {
            out.push(if *m { MARK_START } else { MARK_END });
            open = *m;
        }
        out.push(*c);
    }
    if open {
        out.push(MARK_END);
    }
    Some(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn marks_matches_ignoring_case_and_accents() {
        assert_eq!(
            mark("Pokémon Journeys", &["pokemon".into()]).as_deref(),
            Some("\u{2}Pokémon\u{3} Journeys")
        );
        assert_eq!(
            mark("사운드트랙 #2", &["사운드".into(), "#2".into()]).as_deref(),
            Some("\u{2}사운드\u{3}트랙 \u{2}#2\u{3}")
        );
        assert_eq!(mark("Reply 1988", &["glory".into()]), None);
    }

    #[test]
    fn cursors_round_trip_and_refuse_others() {
        let key = vec![
            Value::Integer(0),
            Value::Null,
            Value::Text("glory \"x\"".into()),
            Value::Real(-1.25e-7),
        ];
        let c = encode_cursor("year", &key);
        assert_eq!(decode_cursor(&c, "year", 4).unwrap(), key);
        assert!(decode_cursor(&c, "title", 4).is_err());
        assert!(decode_cursor("zz", "year", 4).is_err());
        assert!(decode_cursor("", "year", 4).is_err());
    }
}
