//! Library listings at the core's public API: every filter, keyset
//! pagination walked to the end, filter-chip counts, search highlights, the
//! stats added for the charts, and the sample-library generator.

use std::collections::HashSet;
use std::path::{Path, PathBuf};

use chrono::NaiveDate;
use watchlog_core::devdata::{self, SourceTitle};
use watchlog_core::store::{MARK_END, MARK_START};
use watchlog_core::{
    EntryFields, EntryPatch, Error, Kind, Library, ListQuery, NewEntry, Rating, SortKey, Status,
    TitleFacts,
};
use watchlog_testkit::fixtures;

fn day(s: &str) -> NaiveDate {
    NaiveDate::parse_from_str(s, "%Y-%m-%d").unwrap()
}

#[allow(clippy::too_many_arguments)]
fn entry(
    name: &str,
    year: Option<i32>,
    country: &str,
    genres: &[&str],
    status: Status,
    rating: Option<u8>,
    platform: Option<&str>,
    tags: &[&str],
) -> NewEntry {
    NewEntry {
        title: TitleFacts {
            kind: Kind::Series,
            name: name.into(),
            year,
            country: Some(country.into()),
            genres: genres.iter().map(|g| g.to_string()).collect(),
            episodes: Some(10),
            runtime_minutes: Some(60),
            ..Default::default()
        },
        fields: EntryFields {
            status,
            rating: rating.map(|r| Rating::new(r).unwrap()),
            platform: platform.map(str::to_string),
            tags: tags.iter().map(|t| t.to_string()).collect(),
            ..Default::default()
        },
    }
}

/// A small library where every filter has something to find and something
/// to leave out.
fn library() -> Library {
    let mut lib = Library::open_in_memory().unwrap();
    use Status::*;
    let rows = [
        entry(
            "Reply 1988",
            Some(2015),
            "KR",
            &["Drama", "Comedy"],
            Completed,
            Some(100),
            Some("Netflix"),
            &["comfort"],
        ),
        entry(
            "The Glory",
            Some(2022),
            "KR",
            &["Thriller"],
            Completed,
            Some(85),
            Some("Netflix"),
            &[],
        ),
        entry(
            "Pokémon",
            Some(1997),
            "JP",
            &["Animation"],
            Watching,
            None,
            Some("Viki"),
            &["Comfort"],
        ),
        entry(
            "Midnight Diner",
            Some(2016),
            "JP",
            &["Drama"],
            OnHold,
            Some(70),
            Some("Netflix"),
            &[],
        ),
        entry(
            "The Untamed",
            Some(2019),
            "CN",
            &["Fantasy", "drama"],
            Dropped,
            Some(50),
            Some("WeTV"),
            &[],
        ),
        entry(
            "Bad Genius",
            None,
            "TH",
            &["Thriller"],
            PlanToWatch,
            None,
            None,
            &[],
        ),
    ];
    for r in &rows {
        lib.add_entry(r).unwrap();
    }
    let viki = lib
        .platforms()
        .unwrap()
        .into_iter()
        .find(|p| p.name == "Viki")
        .unwrap();
    lib.update_platform(viki.id, "Viki", true).unwrap();
    let glory = lib
        .list(&ListQuery {
            search: Some("glory".into()),
            ..Default::default()
        })
        .unwrap()[0]
        .id;
    let mut f = lib.entry(glory).unwrap().fields;
    f.favorite = true;
    lib.update_entry(glory, &EntryPatch::all(&f)).unwrap();
    lib
}

fn names(lib: &Library, q: ListQuery) -> Vec<String> {
    let mut n: Vec<String> = lib
        .list(&q)
        .unwrap_or_else(|e| panic!("listing {q:?} failed: {e}"))
        .into_iter()
        .map(|s| s.name)
        .collect();
    n.sort();
    n
}

#[test]
fn every_filter_keeps_exactly_its_rows() {
    let lib = library();
    let q = ListQuery::default;
    assert_eq!(
        names(
            &lib,
            ListQuery {
                country: Some("kr".into()),
                ..q()
            }
        ),
        ["Reply 1988", "The Glory"]
    );
    assert_eq!(
        names(
            &lib,
            ListQuery {
                genre: Some("DRAMA".into()),
                ..q()
            }
        ),
        ["Midnight Diner", "Reply 1988", "The Untamed"],
        "genre matches in any case"
    );
    assert_eq!(
        names(
            &lib,
            ListQuery {
                tag: Some("comfort".into()),
                ..q()
            }
        ),
        ["Pokémon", "Reply 1988"]
    );
    assert_eq!(
        names(
            &lib,
            ListQuery {
                year_min: Some(2016),
                year_max: Some(2020),
                ..q()
            }
        ),
        ["Midnight Diner", "The Untamed"],
        "year range is inclusive and leaves out titles without a year"
    );
    assert_eq!(
        names(
            &lib,
            ListQuery {
                rating_min: Some(Rating::new(70).unwrap()),
                rating_max: Some(Rating::new(85).unwrap()),
                ..q()
            }
        ),
        ["Midnight Diner", "The Glory"]
    );
    assert_eq!(
        names(
            &lib,
            ListQuery {
                favorite: Some(true),
                ..q()
            }
        ),
        ["The Glory"]
    );
    assert_eq!(
        names(
            &lib,
            ListQuery {
                favorite: Some(false),
                ..q()
            }
        )
        .len(),
        5
    );
    assert_eq!(
        names(
            &lib,
            ListQuery {
                on_my_services: Some(true),
                ..q()
            }
        ),
        ["Pokémon"]
    );
    assert_eq!(
        names(
            &lib,
            ListQuery {
                on_my_services: Some(false),
                ..q()
            }
        )
        .len(),
        5,
        "not on my services includes entries with no platform"
    );
    assert_eq!(
        names(
            &lib,
            ListQuery {
                country: Some("KR".into()),
                status: Some(Status::Completed),
                platform: Some("netflix".into()),
                genre: Some("Thriller".into()),
                ..q()
            }
        ),
        ["The Glory"],
        "filters combine"
    );
    let empty = lib.list(&ListQuery {
        year_min: Some(2020),
        year_max: Some(2010),
        ..q()
    });
    assert!(
        matches!(&empty, Err(Error::InvalidInput(m)) if m.contains("2020–2010")),
        "an empty year range is a clear error: {empty:?}"
    );
}

#[test]
fn search_is_accent_insensitive_and_marks_the_match() {
    let lib = library();
    let hits = lib
        .list(&ListQuery {
            search: Some("pokemon".into()),
            ..Default::default()
        })
        .unwrap();
    assert_eq!(hits.len(), 1, "pokemon finds Pokémon");
    assert_eq!(
        hits[0].highlight.as_deref(),
        Some(&*format!("{MARK_START}Pokémon{MARK_END}"))
    );
    let hits = lib
        .list(&ListQuery {
            search: Some("glo".into()),
            ..Default::default()
        })
        .unwrap();
    assert_eq!(
        hits[0].highlight.as_deref(),
        Some(&*format!("The {MARK_START}Glo{MARK_END}ry")),
        "a prefix is found and marked"
    );
    let plain = lib.list(&ListQuery::default()).unwrap();
    assert!(
        plain.iter().all(|r| r.highlight.is_none()),
        "no marks without a search"
    );
}

/// Walks every page of `q` and checks the pages together are exactly the
/// unpaged listing, in the same order.
fn walk(lib: &Library, q: &ListQuery, page: u32) -> Vec<i64> {
    let all: Vec<i64> = lib
        .list(&ListQuery {
            limit: None,
            ..q.clone()
        })
        .unwrap()
        .iter()
        .map(|r| r.id)
        .collect();
    let mut seen = Vec::new();
    let mut cursor = None;
    loop {
        let p = lib
            .list_page(&ListQuery {
                limit: Some(page),
                cursor: cursor.clone(),
                ..q.clone()
            })
            .unwrap_or_else(|e| panic!("page after {cursor:?} of {q:?} failed: {e}"));
        assert!(p.rows.len() <= page as usize);
        seen.extend(p.rows.iter().map(|r| r.id));
        match p.next_cursor {
            Some(c) => cursor = Some(c),
            None => break,
        }
        assert!(seen.len() <= all.len(), "paging {q:?} does not end");
    }
    let unique: HashSet<_> = seen.iter().collect();
    assert_eq!(
        unique.len(),
        seen.len(),
        "a row repeats across pages of {q:?}"
    );
    assert_eq!(
        seen, all,
        "pages of {q:?} differ from the whole listing (gap or reorder)"
    );
    // Jumping in with an offset gives the same rows as walking there, and
    // its cursor carries on from where the jump landed.
    for offset in [0, 1, page, all.len() as u32 / 2, all.len() as u32] {
        let p = lib
            .list_page(&ListQuery {
                limit: Some(page),
                offset: Some(offset),
                ..q.clone()
            })
            .unwrap();
        let start = (offset as usize).min(all.len());
        let end = (start + page as usize).min(all.len());
        let ids: Vec<i64> = p.rows.iter().map(|r| r.id).collect();
        assert_eq!(ids, all[start..end], "offset {offset} of {q:?}");
        assert_eq!(p.next_cursor.is_some(), end < all.len());
        if let Some(c) = p.next_cursor {
            let next = lib
                .list_page(&ListQuery {
                    limit: Some(page),
                    cursor: Some(c),
                    offset: Some(offset),
                    ..q.clone()
                })
                .unwrap();
            let end2 = (end + page as usize).min(all.len());
            let ids: Vec<i64> = next.rows.iter().map(|r| r.id).collect();
            assert_eq!(
                ids,
                all[end..end2],
                "the page after offset {offset} of {q:?}"
            );
        }
    }
    seen
}

#[test]
fn cursor_pages_have_no_gaps_or_repeats_even_with_equal_keys() {
    let mut lib = Library::open_in_memory().unwrap();
    // Many equal sort keys: the same names, years, ratings and no years.
    let mut rows = Vec::new();
    for i in 0..47 {
        let year = if i % 5 == 0 {
            None
        } else {
            Some(2000 + (i % 3))
        };
        let rating = if i % 4 == 0 {
            None
        } else {
            Some(((i % 3) * 10) as u8)
        };
        let mut e = entry(
            if i % 2 == 0 { "Home" } else { "The Home" },
            year,
            "KR",
            &["Drama"],
            Status::Completed,
            rating,
            Some("Netflix"),
            &[],
        );
        e.fields.finished_on = if i % 6 == 0 {
            None
        } else {
            Some(day("2024-01-01"))
        };
        e.fields.started_on = Some(day("2023-12-01"));
        rows.push(e);
    }
    lib.add_entries(&rows).unwrap();
    for sort in [
        None,
        Some(SortKey::Title),
        Some(SortKey::Year),
        Some(SortKey::Rating),
        Some(SortKey::Added),
        Some(SortKey::Finished),
    ] {
        for reverse in [false, true] {
            for page in [1, 7, 50] {
                let q = ListQuery {
                    sort,
                    reverse,
                    ..Default::default()
                };
                assert_eq!(walk(&lib, &q, page).len(), 47);
            }
        }
    }
    // Searching: relevance order, and a filter on top.
    let q = ListQuery {
        search: Some("home".into()),
        ..Default::default()
    };
    assert_eq!(walk(&lib, &q, 4).len(), 47);
    let q = ListQuery {
        search: Some("home".into()),
        sort: Some(SortKey::Year),
        year_min: Some(2001),
        ..Default::default()
    };
    walk(&lib, &q, 3);
}

#[test]
fn a_cursor_from_another_listing_is_refused() {
    let lib = library();
    let page = lib
        .list_page(&ListQuery {
            sort: Some(SortKey::Title),
            limit: Some(2),
            ..Default::default()
        })
        .unwrap();
    let cursor = page
        .next_cursor
        .expect("six rows make more than one page of two");
    let other = lib.list_page(&ListQuery {
        sort: Some(SortKey::Year),
        limit: Some(2),
        cursor: Some(cursor),
        ..Default::default()
    });
    assert!(
        matches!(&other, Err(Error::InvalidInput(m)) if m.contains("another order")),
        "{other:?}"
    );
    let junk = lib.list_page(&ListQuery {
        cursor: Some("not a cursor".into()),
        ..Default::default()
    });
    assert!(
        matches!(&junk, Err(Error::InvalidInput(m)) if m.contains("page marker")),
        "{junk:?}"
    );
}

#[test]
fn facet_counts_leave_out_their_own_filter() {
    let lib = library();
    let count = |v: &[watchlog_core::Count], label: &str| {
        v.iter().find(|c| c.label == label).map_or(0, |c| c.count)
    };
    let all = lib.facet_counts(&ListQuery::default()).unwrap();
    assert_eq!(all.total, 6);
    assert_eq!(
        all.status
            .iter()
            .map(|c| c.label.as_str())
            .collect::<Vec<_>>(),
        [
            "plan_to_watch",
            "watching",
            "completed",
            "on_hold",
            "dropped"
        ]
    );
    assert_eq!(count(&all.status, "completed"), 2);
    assert_eq!(
        (
            count(&all.platform, "Netflix"),
            count(&all.platform, "Viki")
        ),
        (3, 1)
    );
    assert_eq!(
        (count(&all.country, "KR"), count(&all.country, "TH")),
        (2, 1)
    );
    assert_eq!(count(&all.genre, "Thriller"), 2);

    let q = ListQuery {
        platform: Some("Netflix".into()),
        status: Some(Status::Completed),
        ..Default::default()
    };
    let f = lib.facet_counts(&q).unwrap();
    assert_eq!(f.total, 2, "completed on Netflix");
    assert_eq!(
        count(&f.status, "on_hold"),
        1,
        "status chips count under the platform filter only"
    );
    assert_eq!(
        count(&f.platform, "Netflix"),
        2,
        "platform chips count under the status filter only"
    );
    assert_eq!(count(&f.platform, "Viki"), 0);
    assert_eq!(count(&f.country, "KR"), 2);
    assert_eq!(count(&f.country, "JP"), 0);
    assert_eq!(
        (count(&f.genre, "Drama"), count(&f.genre, "Thriller")),
        (1, 1)
    );
}

#[test]
fn stats_per_month_genre_and_platform() {
    let mut lib = library();
    let id = lib
        .list(&ListQuery {
            search: Some("reply".into()),
            ..Default::default()
        })
        .unwrap()[0]
        .id;
    let mut f = lib.entry(id).unwrap().fields;
    f.started_on = Some(day("2024-01-02"));
    f.finished_on = Some(day("2024-01-20"));
    lib.update_entry(id, &EntryPatch::all(&f)).unwrap();
    let glory = lib
        .list(&ListQuery {
            search: Some("glory".into()),
            ..Default::default()
        })
        .unwrap()[0]
        .id;
    let mut f = lib.entry(glory).unwrap().fields;
    f.started_on = Some(day("2024-01-05"));
    f.finished_on = Some(day("2024-03-01"));
    lib.update_entry(glory, &EntryPatch::all(&f)).unwrap();
    lib.add_viewing(
        glory,
        &watchlog_core::ViewingDetails {
            started_on: Some(day("2024-03-02")),
            finished_on: Some(day("2024-03-09")),
            platform: None,
            progress: 4,
        },
    )
    .unwrap();

    let s = lib.stats().unwrap();
    let months: Vec<(&str, f64, u32)> = s
        .hours_per_month
        .iter()
        .map(|m| (m.label.as_str(), m.value, m.count))
        .collect();
    // Reply: 10 episodes × 60 min in January; The Glory: 10 × 60 plus a
    // 4-episode rewatch, both finished in March.
    assert_eq!(months, [("2024-01", 10.0, 1), ("2024-03", 14.0, 2)]);
    let finished: Vec<(&str, u32)> = s
        .finished_per_month
        .iter()
        .map(|c| (c.label.as_str(), c.count))
        .collect();
    assert_eq!(
        finished,
        [("2024-01", 1), ("2024-03", 2)],
        "the same months as titles finished"
    );
    assert_eq!(s.top_genres[0].label, "Drama");
    assert_eq!(s.top_genres[0].count, 3, "genres are counted in any case");
    let by_platform: Vec<(&str, f64, u32)> = s
        .rating_by_platform
        .iter()
        .map(|m| (m.label.as_str(), m.value, m.count))
        .collect();
    assert_eq!(
        by_platform,
        [("Netflix", 8.5, 3), ("WeTV", 5.0, 1)],
        "average of 100, 85, 70 and of 50; unrated entries left out"
    );
}

/// The shared datasets, or `None` when they are missing (see
/// `fixtures::path`).
fn datasets() -> Option<PathBuf> {
    fixtures::path("datasets/streaming/netflix_titles.csv")
        .map(|_| fixtures::dir().join("datasets"))
}

#[test]
fn the_generator_is_deterministic_and_plausible() {
    let Some(dir) = datasets() else { return };
    let sources: Vec<SourceTitle> = devdata::load_sources(&dir).expect("the datasets read");
    assert!(
        sources.len() > 20_000,
        "the datasets hold over 20k real rows, read {}",
        sources.len()
    );
    let a = devdata::generate(&sources, 400, 42);
    assert_eq!(
        a,
        devdata::generate(&sources, 400, 42),
        "the same seed builds the same entries"
    );
    assert_ne!(
        a,
        devdata::generate(&sources, 400, 43),
        "another seed builds another library"
    );

    let mut lib = Library::open_in_memory().unwrap();
    assert_eq!(lib.generate_sample(&dir, 400, 42).unwrap(), 400);
    let s = lib.stats().unwrap();
    assert_eq!(s.titles, 400);
    for (status, n) in [
        ("completed", s.by_status.completed),
        ("plan", s.by_status.plan_to_watch),
        ("watching", s.by_status.watching),
        ("dropped", s.by_status.dropped),
    ] {
        assert!(
            n > 10,
            "{n} {status} entries out of 400 is not a plausible mix"
        );
    }
    assert!(s.reviews > 20 && s.average_rating.is_some() && !s.finished_per_month.is_empty());
    let korean = a
        .iter()
        .filter_map(|d| d.entry.fields.review.as_deref())
        .filter(|r| r.chars().any(|c| ('가'..='힣').contains(&c)))
        .count();
    assert!(korean > 3, "some reviews have Korean sentences ({korean})");
    assert!(
        !lib.list(&ListQuery {
            search: Some("좋았다".into()),
            ..Default::default()
        })
        .unwrap()
        .is_empty(),
        "a Hangul substring of a review is found"
    );
    let err = lib.generate_sample(&dir, 10, 1);
    assert!(
        matches!(err, Err(Error::InvalidInput(_))),
        "a library with entries is refused"
    );
    let missing =
        Library::open_in_memory()
            .unwrap()
            .generate_sample(Path::new("no/such/folder"), 10, 1);
    assert!(
        matches!(&missing, Err(Error::InvalidInput(m)) if m.contains("no/such/folder")),
        "{missing:?}"
    );
}

fn search_names(lib: &Library, text: &str) -> Vec<String> {
    names(
        lib,
        ListQuery {
            search: Some(text.into()),
            ..Default::default()
        },
    )
}

fn titled(name: &str, original: Option<&str>, review: Option<&str>) -> NewEntry {
    let mut e = entry(
        name,
        Some(2020),
        "KR",
        &["Drama"],
        Status::Completed,
        None,
        None,
        &[],
    );
    e.title.original_name = original.map(str::to_string);
    e.fields.review = review.map(str::to_string);
    e
}

#[test]
fn latin_words_match_as_prefixes_and_other_scripts_as_substrings() {
    let mut lib = Library::open_in_memory().unwrap();
    lib.add_entries(&[
        titled("Love Next Door", None, None),
        titled("Lovely Runner", Some("선재 업고 튀어"), None),
        titled("Glove Story", None, Some("A masterclass in pacing.")),
        titled("Soundtrack #2", Some("사운드트랙 #2"), None),
        titled(
            "Spider-Man: Lotus",
            None,
            Some("Ёлки и δράμα, très émouvant"),
        ),
    ])
    .unwrap();
    assert_eq!(
        search_names(&lib, "lov"),
        ["Love Next Door", "Lovely Runner"],
        "a Latin word matches the start of a word, not its middle"
    );
    assert_eq!(search_names(&lib, "LOVELY"), ["Lovely Runner"]);
    assert_eq!(search_names(&lib, "love door"), ["Love Next Door"]);
    assert_eq!(
        search_names(&lib, "pac master"),
        ["Glove Story"],
        "review words in any order"
    );
    assert_eq!(search_names(&lib, "tres emou"), ["Spider-Man: Lotus"]);
    assert_eq!(search_names(&lib, "ёлки"), ["Spider-Man: Lotus"]);
    assert_eq!(search_names(&lib, "ΔΡΆΜΑ"), ["Spider-Man: Lotus"]);
    assert_eq!(
        search_names(&lib, "der-man"),
        ["Spider-Man: Lotus"],
        "a word with punctuation is a substring"
    );
    assert_eq!(search_names(&lib, "사운드"), ["Soundtrack #2"]);
    assert_eq!(search_names(&lib, "운드트"), ["Soundtrack #2"]);
    assert_eq!(search_names(&lib, "사운드 #2"), ["Soundtrack #2"]);
    assert_eq!(search_names(&lib, "sound 사운드트랙"), ["Soundtrack #2"]);
    assert!(search_names(&lib, "lovely 사운드").is_empty());
    assert_eq!(search_names(&lib, "업고 runner"), ["Lovely Runner"]);
    for plain in ["and", "not", "near"] {
        assert!(
            search_names(&lib, plain).is_empty(),
            "{plain:?} is a plain word"
        );
    }
    // Relevance puts a title hit before a review hit.
    let hits = lib
        .list(&ListQuery {
            search: Some("glo".into()),
            ..Default::default()
        })
        .unwrap();
    assert_eq!(hits[0].name, "Glove Story");
}

/// A library in a temporary file, for tests that check it with SQL of
/// their own.
fn file_library() -> (tempfile::TempDir, Library) {
    let dir = tempfile::tempdir().unwrap();
    let lib = Library::open(dir.path().join("watchlog.db")).unwrap();
    (dir, lib)
}

/// A connection of its own to a file library, for SQL written by hand.
fn raw(lib: &Library) -> rusqlite::Connection {
    rusqlite::Connection::open(lib.path().expect("a library in a file")).unwrap()
}

/// Row counts of the entries and both search indexes.
fn index_rows(lib: &Library) -> (i64, i64, i64) {
    raw(lib)
        .query_row(
            "SELECT (SELECT count(*) FROM entries), (SELECT count(*) FROM entry_search),
                    (SELECT count(*) FROM entry_words)",
            [],
            |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)),
        )
        .unwrap()
}

#[test]
fn both_search_indexes_follow_every_write() {
    let (_dir, mut lib) = file_library();
    let id = lib
        .add_entry(&titled(
            "Moving",
            Some("무빙"),
            Some("Superb fight choreography"),
        ))
        .unwrap();
    lib.add_entries(&[titled("Signal", None, Some("Cold case radio"))])
        .unwrap();
    assert_eq!(index_rows(&lib), (2, 2, 2));
    assert_eq!(search_names(&lib, "choreo"), ["Moving"]);
    assert_eq!(search_names(&lib, "radio"), ["Signal"]);

    let mut f = lib.entry(id).unwrap().fields;
    f.review = Some("Tender family drama".into());
    f.notes = Some("재미있다".into());
    lib.update_entry(id, &EntryPatch::all(&f)).unwrap();
    assert!(
        search_names(&lib, "choreo").is_empty(),
        "the old review is gone"
    );
    assert_eq!(search_names(&lib, "tender fam"), ["Moving"]);
    assert_eq!(search_names(&lib, "재미있"), ["Moving"]);
    assert_eq!(index_rows(&lib), (2, 2, 2));

    lib.delete_entry(id).unwrap();
    assert_eq!(index_rows(&lib), (1, 1, 1));
    assert!(search_names(&lib, "tender").is_empty());
    assert!(search_names(&lib, "무빙").is_empty());
}

/// The relevance order written as one SQL statement: every match joined to
/// its entry and title; the title matches first, by the bm25 of the query
/// on the title fields, then the others by the bm25 of the query on every
/// field; then title sort key and title id.
fn relevance_by_sql(lib: &Library, index: &str, fts: &str, reverse: bool) -> Vec<i64> {
    let dir = if reverse { " DESC" } else { "" };
    let bm25 = format!("bm25({index}, 10.0, 10.0, 3.0, 1.0, 1.0)");
    let sql = format!(
        "SELECT e.id FROM entries e JOIN titles t ON t.id = e.title_id
         JOIN (SELECT rowid AS id, 0 AS tier, {bm25} AS rank FROM {index} WHERE {index} MATCH ?1
               UNION ALL
               SELECT rowid, 1, {bm25} FROM {index} WHERE {index} MATCH ?2
                 AND rowid NOT IN (SELECT rowid FROM {index} WHERE {index} MATCH ?1)) s
           ON s.id = e.id
         ORDER BY s.tier{dir}, s.rank{dir}, t.sort_name{dir}, t.id{dir}"
    );
    let conn = raw(lib);
    let mut stmt = conn.prepare(&sql).unwrap();
    let titles = format!("{{name original_name}} : ({fts})");
    let ids = stmt
        .query_map([titles.as_str(), fts], |r| r.get(0))
        .unwrap()
        .collect::<Result<_, _>>()
        .unwrap();
    ids
}

/// bm25 alone, over every field: the order relevance had before title
/// matches came first.
fn bm25_order(lib: &Library, index: &str, fts: &str) -> Vec<i64> {
    let conn = raw(lib);
    let mut stmt = conn
        .prepare(&format!(
            "SELECT rowid FROM {index} WHERE {index} MATCH ?1
             ORDER BY bm25({index}, 10.0, 10.0, 3.0, 1.0, 1.0)"
        ))
        .unwrap();
    let ids = stmt
        .query_map([fts], |r| r.get(0))
        .unwrap()
        .collect::<Result<_, _>>()
        .unwrap();
    ids
}

#[test]
fn a_title_that_matches_comes_before_a_review_that_mentions_it() {
    let (_dir, mut lib) = file_library();
    // A long title that names the word once, among short titles, and
    // entries whose reviews repeat it: bm25 alone, its title weight
    // outdone by the title's length, ranks the reviews first.
    let long = std::iter::once("Glory".to_string())
        .chain((0..59).map(|i| format!("w{i}")))
        .collect::<Vec<_>>()
        .join(" ");
    let mut rows = vec![titled(&long, None, None)];
    for i in 0..6 {
        rows.push(titled(
            &format!("Nocturne{i}"),
            None,
            Some(&["glory"; 20].join(" ")),
        ));
    }
    for i in 0..24 {
        rows.push(titled(&format!("Filler{i}"), None, None));
    }
    lib.add_entries(&rows).unwrap();
    let ids = |text: &str| -> Vec<i64> {
        lib.list(&ListQuery {
            search: Some(text.into()),
            ..Default::default()
        })
        .unwrap()
        .iter()
        .map(|r| r.id)
        .collect()
    };
    let long_id = lib
        .list(&ListQuery {
            search: Some("w58".into()),
            ..Default::default()
        })
        .unwrap()[0]
        .id;
    let before = bm25_order(&lib, "entry_words", "\"glory\"*");
    assert_ne!(
        before[0], long_id,
        "the fixture is one where bm25 alone puts a review first"
    );
    let found = ids("glory");
    assert_eq!(found.len(), 7, "the title and the six reviews");
    assert_eq!(found[0], long_id, "the title match comes first");
    assert_eq!(
        found,
        relevance_by_sql(&lib, "entry_words", "\"glory\"*", false)
    );
    // The same when a filter on top takes the general query, and in pages.
    let q = ListQuery {
        search: Some("glory".into()),
        status: Some(Status::Completed),
        ..Default::default()
    };
    assert_eq!(walk(&lib, &q, 2)[0], long_id);
    let q = ListQuery {
        search: Some("glory".into()),
        ..Default::default()
    };
    assert_eq!(walk(&lib, &q, 1), found, "one row a page");
    // Hangul through the trigram index: the original title first.
    let (_dir2, mut lib) = file_library();
    lib.add_entries(&[
        titled("Midnight", None, Some("영광 영광 영광 영광의 순간")),
        titled(
            "The Glory",
            Some("더 글로리 영광의 이야기와 아주 긴 원제"),
            None,
        ),
    ])
    .unwrap();
    assert_eq!(
        names_of(
            &lib,
            ListQuery {
                search: Some("영광의".into()),
                ..Default::default()
            }
        ),
        ["The Glory", "Midnight"]
    );
}

#[test]
fn latin_words_fall_back_to_substrings_when_no_word_starts_so() {
    let mut lib = Library::open_in_memory().unwrap();
    lib.add_entries(&[
        titled("The Glory", None, None),
        titled("Love Story", None, Some("A memory play.")),
        titled("Orynth", None, None),
        titled("Signal", None, Some("Cold case radio")),
    ])
    .unwrap();
    // A word starts with "ory": word prefixes, nothing inside words.
    assert_eq!(search_names(&lib, "ory"), ["Orynth"]);
    let mut lib = Library::open_in_memory().unwrap();
    lib.add_entries(&[
        titled("The Glory", None, None),
        titled("Love Story", None, Some("A memory play.")),
        titled("Signal", None, Some("Cold case radio")),
    ])
    .unwrap();
    // No word starts with "ory": substrings, inside words, titles first.
    let hits = lib
        .list(&ListQuery {
            search: Some("ory".into()),
            ..Default::default()
        })
        .unwrap();
    let names: HashSet<&str> = hits.iter().map(|r| r.name.as_str()).collect();
    assert_eq!(names, HashSet::from(["The Glory", "Love Story"]));
    assert_eq!(
        hits[0]
            .highlight
            .as_deref()
            .map(|h| h.contains(&format!("{MARK_START}ory{MARK_END}"))),
        Some(true),
        "the substring is marked: {:?}",
        hits[0].highlight
    );
    assert_eq!(
        search_names(&lib, "emor"),
        ["Love Story"],
        "a review's word too"
    );
    assert_eq!(
        search_names(&lib, "ory sig").len(),
        0,
        "every word must match"
    );
    assert_eq!(search_names(&lib, "lory ign").len(), 0);
    assert_eq!(search_names(&lib, "adi"), ["Signal"]);
    // Sorted, filtered and counted the same way.
    assert_eq!(
        names_of(
            &lib,
            ListQuery {
                search: Some("ory".into()),
                sort: Some(SortKey::Title),
                ..Default::default()
            }
        ),
        ["The Glory", "Love Story"]
    );
    let facets = lib
        .facet_counts(&ListQuery {
            search: Some("ory".into()),
            ..Default::default()
        })
        .unwrap();
    assert_eq!(facets.total, 2);
}

fn names_of(lib: &Library, q: ListQuery) -> Vec<String> {
    lib.list(&q).unwrap().into_iter().map(|r| r.name).collect()
}

#[test]
fn ranked_search_pages_follow_the_relevance_order_exactly() {
    // Many equal ranks: the same words in titles of the same length.
    let (_dir, mut lib) = file_library();
    let mut rows = Vec::new();
    for i in 0..60 {
        let name = match i % 4 {
            0 => "Home Sweet Home",
            1 => "The Home",
            2 => "Homecoming",
            _ => "Away",
        };
        let review = (i % 3 == 0).then_some("Felt like home; 집 같은 드라마");
        rows.push(titled(name, Some("집으로"), review));
    }
    lib.add_entries(&rows).unwrap();
    for (text, index, fts) in [
        ("home", "entry_words", "\"home\"*"),
        ("hom felt", "entry_words", "\"hom\"* AND \"felt\"*"),
        ("집으로", "entry_search", "\"집으로\""),
        ("집으로 드라마", "entry_search", "\"집으로\" AND \"드라마\""),
    ] {
        for reverse in [false, true] {
            let q = ListQuery {
                search: Some(text.into()),
                reverse,
                ..Default::default()
            };
            let expected = relevance_by_sql(&lib, index, fts, reverse);
            assert!(!expected.is_empty(), "{text:?} finds something");
            for page in [1, 4, 50] {
                assert_eq!(
                    walk(&lib, &q, page),
                    expected,
                    "pages of {text:?} (reverse {reverse}) in relevance order"
                );
            }
        }
    }
    // A filter on top takes the general query; its order is the same.
    let q = ListQuery {
        search: Some("home".into()),
        status: Some(Status::Completed),
        ..Default::default()
    };
    assert_eq!(
        walk(&lib, &q, 7),
        relevance_by_sql(&lib, "entry_words", "\"home\"*", false)
    );
    // Words of both indexes: the trigram index narrows, the word index ranks.
    let q = ListQuery {
        search: Some("home 드라마".into()),
        ..Default::default()
    };
    let with_review: HashSet<i64> = relevance_by_sql(&lib, "entry_search", "\"드라마\"", false)
        .into_iter()
        .collect();
    let expected: Vec<i64> = relevance_by_sql(&lib, "entry_words", "\"home\"*", false)
        .into_iter()
        .filter(|id| with_review.contains(id))
        .collect();
    assert_eq!(walk(&lib, &q, 3), expected);
}

/// Facet counts worked out from the listing itself, one dimension at a
/// time with its own filter removed, for comparison with `facet_counts`.
fn counted(lib: &Library, q: &ListQuery) -> watchlog_core::Facets {
    use std::collections::BTreeMap;
    // Every row under `q`, with one dimension's filter cleared by `clear`.
    let rows = |clear: fn(&mut ListQuery)| {
        let mut q = ListQuery {
            limit: None,
            cursor: None,
            offset: None,
            ..q.clone()
        };
        clear(&mut q);
        lib.list(&q).unwrap()
    };
    let tally = |labels: Vec<String>| {
        let mut m: BTreeMap<String, u32> = BTreeMap::new();
        for l in labels {
            *m.entry(l).or_default() += 1;
        }
        m.into_iter()
            .map(|(label, count)| watchlog_core::Count { label, count })
            .collect::<Vec<_>>()
    };
    let total = rows(|_| {}).len() as u32;
    let by_status = tally(
        rows(|q| q.status = None)
            .iter()
            .map(|r| r.status.as_str().to_string())
            .collect(),
    );
    let status = Status::ALL
        .iter()
        .map(|s| watchlog_core::Count {
            label: s.as_str().into(),
            count: by_status
                .iter()
                .find(|c| c.label == s.as_str())
                .map_or(0, |c| c.count),
        })
        .collect();
    let platform = tally(
        rows(|q| q.platform = None)
            .into_iter()
            .filter_map(|r| r.platform)
            .collect(),
    );
    let country = tally(
        rows(|q| q.country = None)
            .into_iter()
            .filter_map(|r| r.country)
            .collect(),
    );
    let genre = tally(
        rows(|q| q.genre = None)
            .iter()
            .flat_map(|r| lib.entry(r.id).unwrap().title.facts.genres)
            .collect(),
    );
    let tag = tally(
        rows(|q| q.tag = None)
            .iter()
            .flat_map(|r| lib.entry(r.id).unwrap().fields.tags)
            .collect(),
    );
    watchlog_core::Facets {
        total,
        status,
        platform,
        country,
        genre,
        tag,
    }
}

/// The counts as sets, after checking that `facet_counts` lists each from
/// the largest count down.
fn sorted(mut f: watchlog_core::Facets, check_order: bool) -> watchlog_core::Facets {
    for v in [&mut f.platform, &mut f.country, &mut f.genre, &mut f.tag] {
        assert!(
            !check_order || v.windows(2).all(|w| w[0].count >= w[1].count),
            "largest first: {v:?}"
        );
        v.sort_by(|a, b| a.label.cmp(&b.label));
    }
    f
}

#[test]
fn facet_counts_equal_counting_the_listing() {
    let lib = library();
    let mut queries = vec![
        ListQuery::default(),
        ListQuery {
            status: Some(Status::Completed),
            ..Default::default()
        },
        ListQuery {
            status: Some(Status::Completed),
            country: Some("kr".into()),
            ..Default::default()
        },
        ListQuery {
            genre: Some("DRAMA".into()),
            platform: Some("Netflix".into()),
            ..Default::default()
        },
        ListQuery {
            search: Some("the".into()),
            status: Some(Status::Completed),
            ..Default::default()
        },
        ListQuery {
            search: Some("glory 1988 midnight".into()),
            ..Default::default()
        },
        ListQuery {
            tag: Some("comfort".into()),
            year_min: Some(1990),
            ..Default::default()
        },
        ListQuery {
            on_my_services: Some(false),
            rating_min: Some(Rating::new(60).unwrap()),
            ..Default::default()
        },
        ListQuery {
            favorite: Some(true),
            ..Default::default()
        },
        ListQuery {
            search: Some("diner ni".into()),
            ..Default::default()
        },
    ];
    let generated = datasets().map(|dir| {
        let (tmp, mut lib) = file_library();
        lib.generate_sample(&dir, 400, 7).unwrap();
        (tmp, lib)
    });
    queries.push(ListQuery {
        search: Some("love".into()),
        ..Default::default()
    });
    for q in &queries {
        assert_eq!(
            sorted(lib.facet_counts(q).unwrap(), true),
            sorted(counted(&lib, q), false),
            "{q:?}"
        );
        if let Some((_, big)) = &generated {
            assert_eq!(
                sorted(big.facet_counts(q).unwrap(), true),
                sorted(counted(big, q), false),
                "{q:?} on the generated library"
            );
        }
    }
    if let Some((_, big)) = &generated {
        assert_eq!(index_rows(big), (400, 400, 400));
    }
}

/// The stats as the store computed them before migration 10: one plain
/// statement per figure, over the entry and title rows.
fn stats_by_plain_statements(conn: &rusqlite::Connection) -> watchlog_core::Stats {
    use watchlog_core::{Count, Measure, StatusCounts};
    let counts = |sql: &str| -> Vec<Count> {
        let mut stmt = conn.prepare(sql).unwrap();
        let rows = stmt
            .query_map([], |r| {
                Ok(Count {
                    label: r.get(0)?,
                    count: r.get(1)?,
                })
            })
            .unwrap();
        rows.collect::<rusqlite::Result<_>>().unwrap()
    };
    let measures = |sql: &str, round_to: f64| -> Vec<Measure> {
        let mut stmt = conn.prepare(sql).unwrap();
        let rows = stmt
            .query_map([], |r| {
                Ok(Measure {
                    label: r.get(0)?,
                    value: (r.get::<_, f64>(1)? * round_to).round() / round_to,
                    count: r.get(2)?,
                })
            })
            .unwrap();
        rows.collect::<rusqlite::Result<_>>().unwrap()
    };
    let mut by_status = StatusCounts::default();
    for c in counts("SELECT status, count(*) FROM entries GROUP BY status") {
        by_status.all += c.count;
        match c.label.parse::<Status>().unwrap() {
            Status::PlanToWatch => by_status.plan_to_watch = c.count,
            Status::Watching => by_status.watching = c.count,
            Status::Completed => by_status.completed = c.count,
            Status::OnHold => by_status.on_hold = c.count,
            Status::Dropped => by_status.dropped = c.count,
        }
    }
    let mut rating_distribution: Vec<Count> = (0..=20)
        .map(|h| Count {
            label: if h % 2 == 0 {
                format!("{}", h / 2)
            } else {
                format!("{}.5", h / 2)
            },
            count: 0,
        })
        .collect();
    for c in counts(
        "SELECT CAST((rating + 2) / 5 AS TEXT), count(*) FROM entries
         WHERE rating IS NOT NULL GROUP BY (rating + 2) / 5",
    ) {
        rating_distribution[c.label.parse::<usize>().unwrap()].count = c.count;
    }
    let (average_rating, episodes_watched, minutes, reviews, favorites): (
        Option<f64>,
        u32,
        f64,
        u32,
        u32,
    ) = conn
        .query_row(
            "SELECT avg(e.rating) / 10.0,
                    coalesce(sum(e.progress), 0)
                      + coalesce((SELECT sum(progress) FROM viewings), 0),
                    coalesce(sum(e.progress * t.runtime_minutes), 0)
                      + coalesce((SELECT sum(v.progress * t2.runtime_minutes) FROM viewings v
                                  JOIN entries e2 ON e2.id = v.entry_id
                                  JOIN titles t2 ON t2.id = e2.title_id), 0),
                    count(e.review), sum(e.favorite)
             FROM entries e JOIN titles t ON t.id = e.title_id",
            [],
            |r| {
                Ok((
                    r.get(0)?,
                    r.get(1)?,
                    r.get::<_, Option<f64>>(2)?.unwrap_or(0.0),
                    r.get(3)?,
                    r.get::<_, Option<u32>>(4)?.unwrap_or(0),
                ))
            },
        )
        .unwrap();
    watchlog_core::Stats {
        titles: by_status.all,
        by_status,
        by_kind: counts(
            "SELECT t.kind, count(*) FROM entries e JOIN titles t ON t.id = e.title_id
             GROUP BY t.kind ORDER BY count(*) DESC, t.kind",
        ),
        by_platform: counts(
            "SELECT p.name, count(*) FROM entries e JOIN platforms p ON p.id = e.platform_id
             GROUP BY p.id ORDER BY count(*) DESC, p.name",
        ),
        by_country: counts(
            "SELECT t.country, count(*) FROM entries e JOIN titles t ON t.id = e.title_id
             WHERE t.country IS NOT NULL GROUP BY t.country ORDER BY count(*) DESC, t.country",
        ),
        rating_distribution,
        average_rating: average_rating.map(|a| (a * 100.0).round() / 100.0),
        episodes_watched,
        hours_watched: (minutes / 60.0 * 10.0).round() / 10.0,
        finished_per_month: counts(
            "SELECT substr(finished_on, 1, 7) AS month, count(*) FROM (
                 SELECT finished_on FROM entries WHERE finished_on IS NOT NULL
                 UNION ALL
                 SELECT finished_on FROM viewings WHERE finished_on IS NOT NULL)
             GROUP BY month ORDER BY month",
        ),
        reviews,
        favorites,
        hours_per_month: measures(
            "SELECT substr(finished_on, 1, 7) AS month, sum(minutes) / 60.0, count(*) FROM (
                 SELECT e.finished_on, e.progress * coalesce(t.runtime_minutes, 0) AS minutes
                 FROM entries e JOIN titles t ON t.id = e.title_id
                 WHERE e.finished_on IS NOT NULL
                 UNION ALL
                 SELECT v.finished_on, v.progress * coalesce(t.runtime_minutes, 0)
                 FROM viewings v JOIN entries e ON e.id = v.entry_id
                 JOIN titles t ON t.id = e.title_id
                 WHERE v.finished_on IS NOT NULL)
             GROUP BY month ORDER BY month",
            10.0,
        ),
        top_genres: counts(
            "SELECT min(g.genre), count(*) AS n FROM title_genres g
             JOIN entries e ON e.title_id = g.title_id
             GROUP BY g.genre COLLATE NOCASE ORDER BY n DESC, 1 LIMIT 12",
        ),
        rating_by_platform: measures(
            "SELECT p.name, avg(e.rating) / 10.0 AS average, count(*) FROM entries e
             JOIN platforms p ON p.id = e.platform_id
             WHERE e.rating IS NOT NULL
             GROUP BY p.id ORDER BY average DESC, p.name",
            100.0,
        ),
    }
}

/// The stats read from covering indexes in a few passes are exactly what
/// one plain statement per figure gives: on the small library (rewatches,
/// genres in two cases, an unrated platform), on a generated one, and with
/// a title that has no entry (so the title-side counts go through the
/// entries).
#[test]
fn stats_equal_one_plain_statement_per_figure() {
    let (_dir, mut lib) = file_library();
    let rows = [
        entry(
            "Reply 1988",
            Some(2015),
            "KR",
            &["Drama", "comedy"],
            Status::Completed,
            Some(100),
            Some("Netflix"),
            &["comfort"],
        ),
        entry(
            "The Glory",
            Some(2022),
            "KR",
            &["drama", "Thriller"],
            Status::Completed,
            Some(85),
            Some("netflix"),
            &[],
        ),
        entry(
            "Midnight Diner",
            None,
            "JP",
            &["Drama"],
            Status::Watching,
            Some(70),
            Some("Netflix"),
            &[],
        ),
        entry(
            "Nirvana in Fire",
            Some(2015),
            "CN",
            &["Historical"],
            Status::Dropped,
            Some(50),
            Some("WeTV"),
            &[],
        ),
        entry(
            "Signal",
            Some(2016),
            "KR",
            &["Crime"],
            Status::PlanToWatch,
            None,
            Some("Viki"),
            &[],
        ),
        entry(
            "Film",
            Some(2001),
            "US",
            &[],
            Status::OnHold,
            Some(33),
            None,
            &[],
        ),
    ];
    let ids = lib.add_entries(&rows).unwrap();
    let mut f = lib.entry(ids[0]).unwrap().fields;
    f.started_on = Some(day("2024-01-02"));
    f.finished_on = Some(day("2024-01-20"));
    f.review = Some("Warm.".into());
    f.favorite = true;
    lib.update_entry(ids[0], &EntryPatch::all(&f)).unwrap();
    let mut f = lib.entry(ids[1]).unwrap().fields;
    f.finished_on = Some(day("2024-03-01"));
    lib.update_entry(ids[1], &EntryPatch::all(&f)).unwrap();
    lib.add_viewing(
        ids[1],
        &watchlog_core::ViewingDetails {
            started_on: Some(day("2024-03-02")),
            finished_on: Some(day("2024-03-09")),
            platform: None,
            progress: 4,
        },
    )
    .unwrap();
    assert_eq!(lib.stats().unwrap(), stats_by_plain_statements(&raw(&lib)));

    // A title left without its entry.
    raw(&lib)
        .execute_batch(
            "INSERT INTO titles (kind, name, sort_name, country, created_at, updated_at)
             VALUES ('film', 'Orphan', 'orphan', 'FR', 'x', 'x');
             INSERT INTO title_genres (title_id, position, genre)
             VALUES ((SELECT max(id) FROM titles), 0, 'Drama');",
        )
        .unwrap();
    assert_eq!(lib.stats().unwrap(), stats_by_plain_statements(&raw(&lib)));

    if let Some(dir) = datasets() {
        let (_dir, mut big) = file_library();
        big.generate_sample(&dir, 400, 7).unwrap();
        assert_eq!(big.stats().unwrap(), stats_by_plain_statements(&raw(&big)));
    }
}

/// The counts the Stats screen and the chips read are kept by triggers on
/// every write: after each kind of change (an edit of every counted field,
/// a catalogue refresh of genres, country, kind and runtime, a platform
/// deleted, a delete and its undo, a bulk change of status, platform and
/// tags and its undo, a rewatch)
/// they agree with counting the rows (`integrity_check` compares them) and
/// the stats equal one plain statement per figure.
#[test]
fn the_kept_counts_follow_every_write() {
    let (_dir, mut lib) = file_library();
    if let Some(dir) = datasets() {
        lib.generate_sample(&dir, 300, 3).unwrap();
    }
    let ids = lib
        .add_entries(&[
            entry(
                "Reply 1988",
                Some(2015),
                "KR",
                &["Drama", "comedy"],
                Status::Completed,
                Some(100),
                Some("Netflix"),
                &["comfort"],
            ),
            entry(
                "Signal",
                Some(2016),
                "KR",
                &["Crime"],
                Status::PlanToWatch,
                None,
                Some("Viki"),
                &[],
            ),
        ])
        .unwrap();
    let check = |lib: &Library, after: &str| {
        assert_eq!(lib.integrity_check().unwrap(), ["ok"], "after {after}");
        assert_eq!(
            lib.stats().unwrap(),
            stats_by_plain_statements(&raw(lib)),
            "after {after}"
        );
        let q = ListQuery {
            status: Some(Status::Completed),
            ..Default::default()
        };
        let f = lib.facet_counts(&q).unwrap();
        assert_eq!(f.total, lib.list(&q).unwrap().len() as u32, "after {after}");
        for t in &f.tag {
            let tagged = ListQuery {
                tag: Some(t.label.clone()),
                ..q.clone()
            };
            assert_eq!(
                t.count,
                lib.list(&tagged).unwrap().len() as u32,
                "after {after}"
            );
        }
    };
    check(&lib, "adding");

    let mut f = lib.entry(ids[1]).unwrap().fields;
    f.status = Status::Completed;
    f.rating = Some(Rating::new(85).unwrap());
    f.platform = Some("WeTV".into());
    f.review = Some("Tense.".into());
    f.favorite = true;
    f.progress = 8;
    f.finished_on = Some(day("2024-02-29"));
    lib.update_entry(ids[1], &EntryPatch::all(&f)).unwrap();
    check(&lib, "an edit of every counted field");
    f.review = None;
    f.favorite = false;
    f.rating = None;
    lib.update_entry(ids[1], &EntryPatch::all(&f)).unwrap();
    check(&lib, "clearing them");

    let mut facts = lib.entry(ids[0]).unwrap().title.facts;
    facts.genres = vec!["Romance".into(), "Drama".into(), "Family".into()];
    facts.country = Some("JP".into());
    facts.kind = Kind::Miniseries;
    facts.runtime_minutes = Some(90);
    lib.update_title(ids[0], &facts).unwrap();
    check(&lib, "a catalogue refresh");

    lib.add_viewing(
        ids[0],
        &watchlog_core::ViewingDetails {
            started_on: Some(day("2024-03-02")),
            finished_on: Some(day("2024-03-09")),
            platform: None,
            progress: 4,
        },
    )
    .unwrap();
    check(&lib, "a rewatch");

    let viki = lib
        .platforms()
        .unwrap()
        .into_iter()
        .find(|p| p.name == "WeTV")
        .unwrap();
    lib.delete_platform(viki.id).unwrap();
    check(&lib, "deleting a platform");

    let step = lib.delete_entries(&ids).unwrap();
    check(&lib, "deleting");
    lib.undo(step.id).unwrap();
    check(&lib, "undoing the delete");

    let all: Vec<i64> = lib
        .list(&ListQuery::default())
        .unwrap()
        .iter()
        .map(|e| e.id)
        .collect();
    let outcome = lib
        .bulk_change(
            &all,
            &watchlog_core::BulkChange {
                status: Some(Status::Dropped),
                platform: Some(Some("Netflix".into())),
                add_tags: vec!["late night".into()],
                remove_tags: vec!["comfort".into()],
                ..Default::default()
            },
        )
        .unwrap();
    check(&lib, "a bulk change");
    lib.undo(outcome.undo.id).unwrap();
    check(&lib, "undoing the bulk change");

    // A title deleted under its entry: the cascade runs after the title's
    // row is gone, and both halves of the entry's counts still leave.
    let conn = raw(&lib);
    conn.execute_batch(
        "PRAGMA foreign_keys = ON;
         DELETE FROM titles WHERE id IN (SELECT title_id FROM entries ORDER BY id DESC LIMIT 3);",
    )
    .unwrap();
    drop(conn);
    check(&lib, "deleting titles under their entries");

    // And a count gone wrong is found.
    raw(&lib)
        .execute_batch(
            "UPDATE tally SET n = n + 1 WHERE (dim, status, platform, label) =
             (SELECT dim, status, platform, label FROM tally WHERE dim = 'genre' LIMIT 1)",
        )
        .unwrap();
    let found = lib.integrity_check().unwrap();
    assert!(found[0].contains("counts kept"), "{found:?}");
}
