//! Every entry of the library in one pass, for exports: one query for the
//! entries with their titles and platforms, and one per child table
//! (genres, people, catalogue ids, tags, viewings and, when asked, the
//! episode history), each ordered by entry id and read in step with the
//! entries. The whole library costs seven statements instead of seven per
//! entry, and only the entry being built is held in memory, however large
//! the library. The columns and orders are `entries.rs`'s own, so an entry
//! read here is exactly what [`Library::entry`] reads (a test in
//! `tests/transfer.rs` holds them to it).

use std::iter::Peekable;

use rusqlite::Row;

use super::entries::{
    fact_columns, facts_at, field_columns, fields_at, person_at, tag_order, viewing_at,
    viewing_columns, viewing_order,
};
use super::history::parse_stamp;
use super::Library;
use crate::error::Result;
use crate::model::{
    rating_10, Entry, EpisodeRef, IncomingEpisode, IncomingWatch, Title, Viewing, WatchedWhen,
};

impl Library {
    /// How many entries the library holds.
    pub fn entry_count(&self) -> Result<usize> {
        let n: i64 = self
            .conn
            .query_row("SELECT count(*) FROM entries", [], |r| r.get(0))?;
        Ok(n as usize)
    }

    /// Calls `each` with every entry, in id order, and its episode history
    /// when `history` is set (else an empty list), read in one snapshot.
    /// An error from `each` stops the pass and is returned. A rewatch's
    /// watches name it by its place in the entry's `viewings`.
    pub fn for_each_entry(
        &self,
        history: bool,
        mut each: impl FnMut(Entry, Vec<IncomingWatch>) -> Result<()>,
    ) -> Result<()> {
        let _snapshot = self.snapshot()?;
        let conn = &self.conn;
        let mut entries = conn.prepare(concat!(
            "SELECT e.id, t.id, ",
            field_columns!(),
            ", ",
            fact_columns!(),
            " FROM entries e JOIN titles t ON t.id = e.title_id
             LEFT JOIN platforms p ON p.id = e.platform_id
             ORDER BY e.id"
        ))?;
        // CROSS JOIN keeps entries the outer loop, so rows come in entry
        // order from the child table's own index with no sort.
        let mut genres = conn.prepare(
            "SELECT e.id, g.genre FROM entries e CROSS JOIN title_genres g
             ON g.title_id = e.title_id ORDER BY e.id, g.position",
        )?;
        let mut people = conn.prepare(
            "SELECT e.id, x.name, x.role, x.character FROM entries e CROSS JOIN title_people x
             ON x.title_id = e.title_id ORDER BY e.id, x.position",
        )?;
        let mut ids = conn.prepare(
            "SELECT e.id, x.provider, x.value FROM entries e CROSS JOIN external_ids x
             ON x.title_id = e.title_id ORDER BY e.id",
        )?;
        let mut tags = conn.prepare(concat!(
            "SELECT et.entry_id, t.name FROM entry_tags et JOIN tags t ON t.id = et.tag_id
             ORDER BY et.entry_id, ",
            tag_order!()
        ))?;
        let mut viewings = conn.prepare(concat!(
            "SELECT v.entry_id, ",
            viewing_columns!(),
            " FROM viewings v LEFT JOIN platforms p ON p.id = v.platform_id
             ORDER BY v.entry_id, ",
            viewing_order!()
        ))?;
        // Numbered and pending watches as one list, in the order files
        // carry them: the current viewing first, then each rewatch; by
        // number, then the ones known by name or catalogue id.
        let mut watches = conn.prepare(
            "SELECT * FROM (
                 SELECT entry_id, viewing_id AS v, season AS s, number AS n, NULL AS name,
                        NULL, NULL AS x, watched_on, watched_at, rating, note
                 FROM episode_watches
                 UNION ALL
                 SELECT entry_id, viewing_id, season, NULL, name, provider, external_id,
                        watched_on, watched_at, rating, note
                 FROM pending_watches)
             WHERE ?1
             ORDER BY entry_id, v IS NOT NULL, v, n IS NULL, s, n, name, x",
        )?;

        let mut genres = genres
            .query_map([], |r| Ok((r.get(0)?, r.get::<_, String>(1)?)))?
            .peekable();
        let mut people = people
            .query_map([], |r| Ok((r.get(0)?, person_at(r, 1)?)))?
            .peekable();
        let mut ids = ids
            .query_map([], |r| {
                Ok((r.get(0)?, (r.get::<_, String>(1)?, r.get::<_, String>(2)?)))
            })?
            .peekable();
        let mut tags = tags
            .query_map([], |r| Ok((r.get(0)?, r.get::<_, String>(1)?)))?
            .peekable();
        let mut viewings = viewings
            .query_map([], |r| Ok((r.get(0)?, viewing_at(r, 1)?)))?
            .peekable();
        let mut watches = watches
            .query_map([history], |r| Ok((r.get(0)?, watch_at(r)?)))?
            .peekable();
        let mut rows = entries.query([])?;
        while let Some(r) = rows.next()? {
            let id: i64 = r.get(0)?;
            let (mut fields, added_at, updated_at) = fields_at(r, 2)?;
            let mut facts = facts_at(r, 18)?;
            facts.genres = rows_of(&mut genres, id)?;
            facts.people = rows_of(&mut people, id)?;
            for (provider, value) in rows_of(&mut ids, id)? {
                facts.external_ids.set(&provider, value);
            }
            fields.tags = rows_of(&mut tags, id)?;
            let seen: Vec<Viewing> = rows_of(&mut viewings, id)?;
            let history = rows_of(&mut watches, id)?
                .into_iter()
                .map(|(viewing_id, mut w): (Option<i64>, IncomingWatch)| {
                    w.viewing = viewing_id.and_then(|v| seen.iter().position(|x| x.id == v));
                    w
                })
                .collect();
            let entry = Entry {
                id,
                title: Title {
                    id: r.get(1)?,
                    facts,
                },
                rating_10: rating_10(fields.rating),
                rewatch_count: seen.len() as u32,
                fields,
                viewings: seen,
                added_at,
                updated_at,
            };
            each(entry, history)?;
        }
        Ok(())
    }
}

/// The rows of entry `id` from a child query ordered by entry id, whose
/// rows of earlier entries have been taken already.
fn rows_of<T, I>(rows: &mut Peekable<I>, id: i64) -> Result<Vec<T>>
where
    I: Iterator<Item = rusqlite::Result<(i64, T)>>,
{
    let mut out = Vec::new();
    while let Some(next) = rows.peek() {
        if matches!(next, Ok((of, _)) if *of > id) {
            break;
        }
        // An error is taken here and returned; rows of an entry that is not
        // in the list (none, in one snapshot) are passed over.
        if let Some((of, row)) = rows.next().transpose()? {
            if of == id {
                out.push(row);
            }
        }
    }
    Ok(out)
}

/// One watch of the history query, with the id of the viewing it belongs
/// to (`None`: the current one), which the caller turns into a place.
fn watch_at(r: &Row) -> rusqlite::Result<(Option<i64>, IncomingWatch)> {
    let season: Option<u32> = r.get(2)?;
    let number: Option<u32> = r.get(3)?;
    let episode = match (number, r.get::<_, Option<String>>(4)?) {
        (Some(number), _) => IncomingEpisode::Numbered(EpisodeRef {
            season: season.unwrap_or(0),
            number,
        }),
        (None, Some(name)) => IncomingEpisode::Named { season, name },
        (None, None) => IncomingEpisode::Catalog {
            provider: r.get(5)?,
            id: r.get(6)?,
        },
    };
    let on = super::entries::day_at(r, 7)?;
    let at = parse_stamp(r.get(8)?);
    let rating = super::entries::rating(r, 9)?;
    Ok((
        r.get(1)?,
        IncomingWatch {
            episode,
            when: WatchedWhen::from_stored(at, on),
            day: on,
            viewing: None,
            rating,
            note: r.get(10)?,
        },
    ))
}
