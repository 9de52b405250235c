//! Library listings: the filters of the library view, its sort orders, keyset
//! (cursor) pagination and the counts shown on the filter chips.
//!
//! Pages continue from the sort key of the last row seen rather than with
//! OFFSET, so page 2,000 of a 100,000-title library costs what page 1 does
//! and a row added or removed meanwhile never shifts a page. Every order
//! ends with a unique id, so rows with equal sort keys (two titles named
//! "Home") keep a stable order and are neither repeated nor skipped.

use rusqlite::types::Value;

use super::entries::{platform_id, rating, word};
use super::search;
use super::Library;
use crate::error::{Error, Result};
use crate::model::{rating_10, Count, EntrySummary, Facets, ListPage, ListQuery, SortKey, Status};
use crate::text;

/// The listing's columns. The sort-key columns are appended after these.
const SELECT: &str = "SELECT e.id, t.kind, t.name, t.original_name, t.year, t.country, e.status,
        e.rating, e.progress, t.episodes, p.name, e.favorite, t.poster_url, e.finished_on,
        e.added_at,
        (SELECT ps.hash FROM posters ps
         WHERE ps.title_id = t.id AND ps.source_url = t.poster_url)";
const SELECT_COLUMNS: usize = 16;

const FROM: &str = " FROM entries e
     JOIN titles t ON t.id = e.title_id
     LEFT JOIN platforms p ON p.id = e.platform_id";

/// The search join: bm25 weights favour the title fields over people,
/// review and notes.
const SEARCH_JOIN: &str = " JOIN (SELECT rowid AS id,
            bm25(entry_search, 10.0, 10.0, 3.0, 1.0, 1.0) AS rank
        FROM entry_search WHERE entry_search MATCH ?) s ON s.id = e.id";

/// A filter dimension that has its own chips, so its counts are computed
/// with its own filter left out.
#[derive(Clone, Copy, PartialEq)]
enum Dim {
    Status,
    Platform,
    Country,
    Genre,
}

/// The FROM and WHERE of a listing, with their parameters in the order the
/// `?`s appear.
struct Filtered {
    from: String,
    clauses: Vec<String>,
    params: Vec<Value>,
    /// The search join is present (`s.rank` can be ordered by).
    ranked: bool,
    /// The words searched for, to mark in the titles.
    terms: Vec<String>,
}

impl Filtered {
    fn where_clause(&self) -> String {
        if self.clauses.is_empty() {
            String::new()
        } else {
            format!(" WHERE {}", self.clauses.join(" AND "))
        }
    }
}

fn filtered(lib: &Library, q: &ListQuery, skip: Option<Dim>) -> Result<Filtered> {
    check_ranges(q)?;
    let mut f = Filtered {
        from: FROM.to_string(),
        clauses: Vec::new(),
        params: Vec::new(),
        ranked: false,
        terms: Vec::new(),
    };
    let text_value = |s: &str| Value::Text(s.to_string());
    if let Some(text) = q.search.as_deref().map(str::trim).filter(|s| !s.is_empty()) {
        let plan = search::plan(text);
        if let Some(fts) = plan.fts {
            f.from.push_str(SEARCH_JOIN);
            f.params.push(Value::Text(fts));
            f.ranked = true;
        }
        for term in plan.short_terms {
            let pattern = format!("%{}%", search::escape_like(&term));
            f.clauses
                .push("(t.name LIKE ? ESCAPE '\\' OR t.original_name LIKE ? ESCAPE '\\')".into());
            f.params.push(text_value(&pattern));
            f.params.push(text_value(&pattern));
        }
        f.terms = text.split_whitespace().map(text::fold).collect();
    }
    if let Some(status) = q.status.filter(|_| skip != Some(Dim::Status)) {
        f.clauses.push("e.status = ?".into());
        f.params.push(text_value(status.as_str()));
    }
    if let Some(platform) = q
        .platform
        .as_deref()
        .filter(|_| skip != Some(Dim::Platform))
    {
        let id = platform_id(&lib.conn, platform)?;
        f.clauses.push("e.platform_id = ?".into());
        f.params.push(Value::Integer(id));
    }
    match q.on_my_services {
        Some(true) => f
            .clauses
            .push("e.platform_id IN (SELECT id FROM platforms WHERE subscribed = 1)".into()),
        Some(false) => f.clauses.push(
            "(e.platform_id IS NULL OR e.platform_id NOT IN (SELECT id FROM platforms WHERE subscribed = 1))"
                .into(),
        ),
        None => {}
    }
    if let Some(country) = blank_to_none(&q.country).filter(|_| skip != Some(Dim::Country)) {
        f.clauses.push("t.country = ?".into());
        f.params.push(Value::Text(country.to_ascii_uppercase()));
    }
    if let Some(genre) = blank_to_none(&q.genre).filter(|_| skip != Some(Dim::Genre)) {
        // Matches the NOCASE index on title_genres.
        f.clauses.push(
            "t.id IN (SELECT title_id FROM title_genres WHERE genre = ? COLLATE NOCASE)".into(),
        );
        f.params.push(text_value(genre));
    }
    if let Some(tag) = blank_to_none(&q.tag) {
        // tags.name is COLLATE NOCASE, so this matches any case.
        f.clauses.push(
            "e.id IN (SELECT et.entry_id FROM entry_tags et JOIN tags tg ON tg.id = et.tag_id
                      WHERE tg.name = ?)"
                .into(),
        );
        f.params.push(text_value(tag));
    }
    if let Some(y) = q.year_min {
        f.clauses.push("t.year >= ?".into());
        f.params.push(Value::Integer(y.into()));
    }
    if let Some(y) = q.year_max {
        f.clauses.push("t.year <= ?".into());
        f.params.push(Value::Integer(y.into()));
    }
    if let Some(r) = q.rating_min {
        f.clauses.push("e.rating >= ?".into());
        f.params.push(Value::Integer(r.get().into()));
    }
    if let Some(r) = q.rating_max {
        f.clauses.push("e.rating <= ?".into());
        f.params.push(Value::Integer(r.get().into()));
    }
    if let Some(fav) = q.favorite {
        f.clauses.push("e.favorite = ?".into());
        f.params.push(Value::Integer(fav.into()));
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

/// The order of a listing, ending in a unique id. Orders on title columns
/// end with the title's id, which every index on `titles` carries, so such
/// an index answers the whole ORDER BY.
fn order(sort: Option<SortKey>, ranked: bool) -> (&'static str, Vec<Part>) {
    match (sort, ranked) {
        (None, true) => (
            "relevance",
            vec![asc("s.rank"), asc("t.sort_name"), asc("t.id")],
        ),
        (None, false) | (Some(SortKey::Added), _) => {
            ("added", vec![desc("e.added_at"), desc("e.id")])
        }
        (Some(SortKey::Title), _) => ("title", vec![asc("t.sort_name"), asc("t.id")]),
        (Some(SortKey::Year), _) => (
            "year",
            vec![
                missing_last("(t.year IS NULL)"),
                desc("t.year"),
                asc("t.sort_name"),
                asc("t.id"),
            ],
        ),
        (Some(SortKey::Rating), _) => (
            "rating",
            vec![
                missing_last("(e.rating IS NULL)"),
                desc("e.rating"),
                asc("t.sort_name"),
                asc("t.id"),
            ],
        ),
        (Some(SortKey::Finished), _) => (
            "finished",
            vec![
                missing_last("(e.finished_on IS NULL)"),
                desc("e.finished_on"),
                asc("t.sort_name"),
                asc("t.id"),
            ],
        ),
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
            Value::Real(f) => serde_json::json!({ "r": f }),
            Value::Text(s) => serde_json::json!(s),
            Value::Blob(_) => serde_json::Value::Null,
        })
        .collect();
    let doc = serde_json::json!({ "o": signature, "k": values });
    doc.to_string()
        .bytes()
        .map(|b| format!("{b:02x}"))
        .collect()
}

fn decode_cursor(cursor: &str, signature: &str, parts: usize) -> Result<Vec<Value>> {
    let bad = || {
        Error::invalid(
            "the page marker is not one this library gave out; start again from the first page",
        )
    };
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
                .get("r")
                .and_then(|r| r.as_f64())
                .map(Value::Real)
                .ok_or_else(bad),
            _ => Err(bad()),
        })
        .collect()
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
        let f = filtered(self, q, None)?;
        let (name, parts) = order(q.sort, f.ranked);
        let signature = format!("{name}{}", if q.reverse { "-rev" } else { "" });
        let mut clauses = f.clauses.clone();
        let mut params = f.params.clone();
        if let Some(cursor) = q.cursor.as_deref().filter(|c| !c.is_empty()) {
            let key = decode_cursor(cursor, &signature, parts.len())?;
            clauses.push(after(&parts, q.reverse));
            params.extend(after_params(&key));
        }
        let mut sql = String::from(SELECT);
        for p in &parts {
            sql.push_str(", ");
            sql.push_str(p.expr);
        }
        sql.push_str(&f.from);
        if !clauses.is_empty() {
            sql.push_str(" WHERE ");
            sql.push_str(&clauses.join(" AND "));
        }
        sql.push_str(" ORDER BY ");
        sql.push_str(
            &parts
                .iter()
                .map(|p| {
                    let dir = if effective_desc(p, q.reverse) {
                        " DESC"
                    } else {
                        ""
                    };
                    format!("{}{dir}", p.expr)
                })
                .collect::<Vec<_>>()
                .join(", "),
        );
        let offset = match q.cursor.as_deref() {
            Some(c) if !c.is_empty() => 0,
            _ => q.offset.unwrap_or(0),
        };
        match q.limit {
            // One row more than asked tells whether there is a next page.
            Some(limit) => sql.push_str(&format!(" LIMIT {}", u64::from(limit) + 1)),
            None if offset > 0 => sql.push_str(" LIMIT -1"),
            None => {}
        }
        if offset > 0 {
            sql.push_str(&format!(" OFFSET {offset}"));
        }
        let mut stmt = self.conn.prepare_cached(&sql)?;
        let mut rows = stmt.query(rusqlite::params_from_iter(params.iter()))?;
        let mut out = Vec::new();
        let mut last_key = Vec::new();
        while let Some(r) = rows.next()? {
            if q.limit.is_some_and(|l| out.len() == l as usize) {
                return Ok(ListPage {
                    next_cursor: Some(encode_cursor(&signature, &last_key)),
                    rows: finish(out, &f.terms),
                });
            }
            out.push(summary(r)?);
            last_key = (0..parts.len())
                .map(|i| r.get::<_, Value>(SELECT_COLUMNS + i))
                .collect::<rusqlite::Result<_>>()?;
        }
        Ok(ListPage {
            rows: finish(out, &f.terms),
            next_cursor: None,
        })
    }

    /// Counts for the filter chips under `q`'s filters: per status, platform,
    /// country and genre, each computed with its own filter left out. The
    /// cursor, limit and sort are ignored.
    pub fn facet_counts(&self, q: &ListQuery) -> Result<Facets> {
        let total = {
            let f = filtered(self, q, None)?;
            let sql = format!("SELECT count(*){}{}", f.from, f.where_clause());
            self.conn
                .prepare_cached(&sql)?
                .query_row(rusqlite::params_from_iter(f.params.iter()), |r| r.get(0))?
        };
        let group =
            |dim: Dim, label: &str, extra_join: &str, not_null: &str| -> Result<Vec<Count>> {
                let mut f = filtered(self, q, Some(dim))?;
                f.from.push_str(extra_join);
                f.clauses.push(format!("{not_null} IS NOT NULL"));
                let sql = format!(
                    "SELECT {label}, count(*) AS n{}{} GROUP BY {label} ORDER BY n DESC, {label}",
                    f.from,
                    f.where_clause()
                );
                let mut stmt = self.conn.prepare_cached(&sql)?;
                let rows = stmt.query_map(rusqlite::params_from_iter(f.params.iter()), |r| {
                    Ok(Count {
                        label: r.get(0)?,
                        count: r.get(1)?,
                    })
                })?;
                Ok(rows.collect::<rusqlite::Result<_>>()?)
            };
        let by_status = group(Dim::Status, "e.status", "", "e.status")?;
        // Every tab, in tab order, even when empty.
        let status = Status::ALL
            .iter()
            .map(|s| Count {
                label: s.as_str().to_string(),
                count: by_status
                    .iter()
                    .find(|c| c.label == s.as_str())
                    .map_or(0, |c| c.count),
            })
            .collect();
        Ok(Facets {
            total,
            status,
            platform: group(Dim::Platform, "p.name", "", "e.platform_id")?,
            country: group(Dim::Country, "t.country", "", "t.country")?,
            genre: group(
                Dim::Genre,
                "g.genre",
                " JOIN title_genres g ON g.title_id = t.id",
                "g.genre",
            )?,
        })
    }
}

fn summary(r: &rusqlite::Row) -> rusqlite::Result<EntrySummary> {
    let rating = rating(r, 7)?;
    Ok(EntrySummary {
        id: r.get(0)?,
        kind: word(r, 1)?,
        name: r.get(2)?,
        original_name: r.get(3)?,
        year: r.get(4)?,
        country: r.get(5)?,
        status: word(r, 6)?,
        rating,
        rating_10: rating_10(rating),
        progress: r.get(8)?,
        episodes: r.get(9)?,
        platform: r.get(10)?,
        favorite: r.get(11)?,
        poster_url: r.get(12)?,
        finished_on: r.get(13)?,
        added_at: r.get(14)?,
        poster: r.get(15)?,
        highlight: None,
        highlight_original: None,
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
    for (i, c) in chars.iter().enumerate() {
        for f in text::fold(&c.to_string()).chars() {
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
