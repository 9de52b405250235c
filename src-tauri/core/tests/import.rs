//! Imports from other services: every real export sample in
//! `../shared/fixtures/exports/`, the Simkl and MyDramaList samples in
//! `tests/data/import/` (no real ones exist), idempotence, merging across
//! services, conflict policy, undo, cancellation, and bad input that must
//! leave the library file byte-for-byte as it was.

use std::path::{Path, PathBuf};

use proptest::prelude::*;
use watchlog_core::progress::CancelToken;
use watchlog_core::transfer::import::input::SourceFile;
use watchlog_core::transfer::import::merge::Prefer;
use watchlog_core::transfer::import::{
    undo, Import, ImportAction, ImportFormat, ImportReport, IncomingEntry, Mode, RunOptions,
};
use watchlog_core::{
    Entry, EpisodeRef, IncomingEpisode, IncomingWatch, Kind, Library, ListQuery, Status,
    WatchedWhen,
};
use watchlog_testkit::{fixtures, Sandbox};

/// The export fixture `rel`, or `None` when it is missing (see
/// `fixtures::path`).
fn fixture(rel: &str) -> Option<PathBuf> {
    fixtures::path(&format!("exports/{rel}"))
}

fn data(rel: &str) -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("tests/data/import")
        .join(rel)
}

struct Lib {
    sandbox: Sandbox,
    lib: Library,
}

fn new_lib() -> Lib {
    let sandbox = Sandbox::new();
    let lib = Library::open(&sandbox.db).unwrap();
    Lib { sandbox, lib }
}

fn import(l: &mut Lib, format: Option<ImportFormat>, path: &Path, apply: bool) -> ImportReport {
    import_prefer(l, format, path, apply, Prefer::Newer)
}

fn import_prefer(
    l: &mut Lib,
    format: Option<ImportFormat>,
    path: &Path,
    apply: bool,
    prefer: Prefer,
) -> ImportReport {
    let import =
        Import::read(format, path).unwrap_or_else(|e| panic!("reading {}: {e}", path.display()));
    let mode = if apply { Mode::Apply } else { Mode::Preview };
    let opts = RunOptions {
        prefer,
        ..Default::default()
    };
    import
        .run(&mut l.lib, mode, &opts)
        .unwrap_or_else(|e| panic!("importing {}: {e}", path.display()))
}

fn all(lib: &Library) -> Vec<Entry> {
    lib.list(&ListQuery::default())
        .unwrap()
        .into_iter()
        .map(|s| lib.entry(s.id).unwrap())
        .collect()
}

fn find<'a>(entries: &'a [Entry], name: &str) -> &'a Entry {
    entries
        .iter()
        .find(|e| e.title.facts.name == name)
        .unwrap_or_else(|| panic!("no entry named {name}"))
}

/// Imports, then imports again and asserts the second changes nothing,
/// not even a byte of the file.
fn twice(l: &mut Lib, format: Option<ImportFormat>, path: &Path) -> ImportReport {
    let first = import(l, format, path, true);
    let bytes = snapshot(l);
    let second = import(l, format, path, true);
    assert_eq!(
        second.added + second.updated,
        0,
        "second import of {} changed things: {second:#?}",
        path.display()
    );
    assert_eq!(
        second.lists_added + second.lists_updated,
        0,
        "second import of {} changed lists: {second:#?}",
        path.display()
    );
    assert_eq!(
        bytes,
        snapshot(l),
        "second import of {} changed the file",
        path.display()
    );
    first
}

/// The library file's bytes after a checkpoint (the WAL folded in), taken
/// on a connection of its own beside the library's.
fn snapshot(l: &Lib) -> Vec<u8> {
    rusqlite::Connection::open(&l.sandbox.db)
        .unwrap()
        .execute_batch("PRAGMA wal_checkpoint(TRUNCATE)")
        .unwrap();
    std::fs::read(&l.sandbox.db).unwrap()
}

#[test]
fn letterboxd_csvs_import_with_utf8_names_ratings_reviews_and_rewatches() {
    let Some(dir) = fixture("letterboxd") else {
        return;
    };
    let mut l = new_lib();
    let preview = import(&mut l, None, &dir, false);
    assert_eq!(preview.format.as_deref(), Some("letterboxd"));
    assert!(!preview.applied);
    assert!(all(&l.lib).is_empty(), "a preview must not write");
    let r = twice(&mut l, None, &dir);
    assert_eq!(r.added, preview.added, "the preview said what applying did");
    let entries = all(&l.lib);
    assert_eq!(entries.len(), r.added);
    let f = find(&entries, "Filipiñana");
    assert_eq!(f.title.facts.year, Some(2026));
    assert_eq!(f.title.facts.kind, Kind::Film);
    assert_eq!(f.fields.rating.map(|r| r.get()), Some(40), "2 stars of 5");
    assert_eq!(f.fields.status, Status::Completed);
    let g2 = find(&entries, "The Godfather Part II");
    assert_eq!(g2.fields.review.as_deref(), Some("test review"));
    assert_eq!(
        g2.viewings.len(),
        1,
        "the Rewatch line is a viewing of its own"
    );
    assert_eq!(
        g2.viewings[0].details.finished_on.unwrap().to_string(),
        "2025-02-24"
    );
    let oak = find(&entries, "The End of Oak Street");
    assert_eq!(oak.fields.rating.map(|r| r.get()), Some(70), "3.5 stars");
    assert_eq!(
        find(&entries, "The Godfather")
            .fields
            .rating
            .map(|r| r.get()),
        Some(100)
    );
    // Every film appears once although it is in several files. Two films
    // may share a name and year ("Lost Country", 2023, twice): their
    // Letterboxd addresses tell them apart.
    let mut names: Vec<_> = entries
        .iter()
        .map(|e| {
            (
                &e.title.facts.name,
                e.title.facts.year,
                &e.title.facts.external_ids.letterboxd,
            )
        })
        .collect();
    names.sort();
    let n = names.len();
    names.dedup();
    assert_eq!(n, names.len(), "a film was imported twice");
}

#[test]
fn letterboxd_zip_and_lists_with_metadata_block() {
    let Some(dir) = fixture("letterboxd") else {
        return;
    };
    let mut zip = zip::ZipWriter::new(std::io::Cursor::new(Vec::new()));
    let opts = zip::write::SimpleFileOptions::default();
    for f in ["diary.csv", "ratings.csv", "reviews.csv", "watched.csv"] {
        zip.start_file(format!("letterboxd-user-2026/{f}"), opts)
            .unwrap();
        std::io::Write::write_all(&mut zip, &std::fs::read(dir.join(f)).unwrap()).unwrap();
    }
    zip.start_file("letterboxd-user-2026/lists/k-films.csv", opts)
        .unwrap();
    std::io::Write::write_all(
        &mut zip,
        b"Letterboxd list export v7\nDate,Name,Tags,URL,Description\n2026-01-01,Korean cinema,,https://boxd.it/x,\"Mine, all mine\"\n\nPosition,Name,Year,URL,Description\n1,Train to Busan,2016,https://boxd.it/a,\n2,Boiling Point,2023,https://boxd.it/J00O,\n",
    )
    .unwrap();
    let bytes = zip.finish().unwrap().into_inner();
    let mut l = new_lib();
    let zpath = l.sandbox.file("letterboxd.zip");
    std::fs::write(&zpath, bytes).unwrap();
    twice(&mut l, None, &zpath);
    let entries = all(&l.lib);
    let busan = find(&entries, "Train to Busan");
    assert_eq!(busan.fields.status, Status::PlanToWatch);
    assert!(busan.fields.tags.is_empty(), "a list is a list, not a tag");
    let bp = find(&entries, "Boiling Point");
    assert_eq!(
        bp.fields.status,
        Status::Completed,
        "a list does not move a watched film back"
    );
    let lists = lists_of(&l.lib);
    assert_eq!(lists.len(), 1, "{lists:#?}");
    let (name, description, ranked, items) = &lists[0];
    assert_eq!(name, "Korean cinema");
    assert_eq!(description.as_deref(), Some("Mine, all mine"));
    assert!(!ranked);
    assert_eq!(
        items.iter().map(|i| i.0.as_str()).collect::<Vec<_>>(),
        ["Train to Busan", "Boiling Point"]
    );
}

/// Every list of the library: name, description, ranked, and its items
/// (title, note) in order.
#[allow(clippy::type_complexity)]
fn lists_of(lib: &Library) -> Vec<(String, Option<String>, bool, Vec<(String, Option<String>)>)> {
    lib.lists()
        .unwrap()
        .into_iter()
        .map(|l| {
            let d = lib.list_detail(l.id).unwrap();
            let items = d
                .items
                .into_iter()
                .map(|i| (i.entry.name, i.note))
                .collect();
            (l.name, l.description, l.ranked, items)
        })
        .collect()
}

/// Writes `files` (name, text) as a Letterboxd export folder and imports
/// it [`twice`].
fn letterboxd_twice(l: &mut Lib, files: &[(&str, &str)]) -> ImportReport {
    let dir = l.sandbox.file("export");
    for (name, text) in files {
        let p = dir.join(name);
        std::fs::create_dir_all(p.parent().unwrap()).unwrap();
        std::fs::write(p, text).unwrap();
    }
    twice(l, Some(ImportFormat::Letterboxd), &dir)
}

/// Shaped like the real exports of heavy users: a list whose quoted
/// description holds paragraphs (blank lines, CRLF inside the quotes), a
/// list that begins with an empty line, a list with a long name,
/// `likes/reviews.csv` (other people's reviews), and a list
/// that is not a list at all, which is named in the preview, not dropped.
#[test]
fn letterboxd_lists_with_paragraphs_blank_lines_and_a_broken_one() {
    let mut l = new_lib();
    let long = "Trying to Fall Asleep to Films I’ve Managed to Avoid Thus Far in Life Despite Every Person Alive Telling Me";
    let rant = format!(
        "Letterboxd list export v7\r\nDate,Name,Tags,URL,Description\r\n2021-02-28,{long},\"genx, 80s\",https://boxd.it/bkDWo,\"<b>Incessantly</b>\r\n\r\nA second paragraph, with \"\"quotes\"\".\r\n\r\nJust kill me, okay?\"\r\n\r\nPosition,Name,Year,URL,Description\r\n1,Kill Bill: Vol. 1,2003,https://boxd.it/70w,\r\n2,Pulp Fiction,1994,https://boxd.it/29Pq,\"A note\r\n\r\non two lines\"\r\n"
    );
    let first = letterboxd_twice(
        &mut l,
        &[
            (
                "ratings.csv",
                "Date,Name,Year,Letterboxd URI,Rating\n2017-12-15,Pulp Fiction,1994,https://boxd.it/29Pq,2\n",
            ),
            ("likes/reviews.csv", "Date,Content\n2020-01-01,https://boxd.it/abc\n"),
            ("lists/trying-to-fall-asleep.csv", &rant),
            (
                "lists/5-star-movies.csv",
                "\nLetterboxd list export v7\nDate,Name,Tags,URL,Description\n2023-05-01,5 Star Movies,,https://boxd.it/q1,\"[This list is continually in progress.]\n\nOnly the best.\"\n\nPosition,Name,Year,URL,Description\n1,Past Lives,2023,https://boxd.it/oNB8,\n",
            ),
            ("lists/broken.csv", "Letterboxd list export v7\nDate,Name\n2023-05-01,Nothing here\n"),
        ],
    );
    assert_eq!(first.added, 3, "{first:#?}");
    let skipped: Vec<_> = first
        .items
        .iter()
        .filter(|i| i.action == ImportAction::Skipped)
        .collect();
    assert_eq!(
        skipped.len(),
        1,
        "only the broken list is left out: {skipped:#?}"
    );
    assert_eq!(skipped[0].title, "lists/broken.csv");
    let reason = skipped[0].reason.as_deref().unwrap();
    assert!(
        reason.contains("'position'") && !reason.contains("nothing was imported"),
        "the reason says what is missing, and that the rest is imported: {reason}"
    );
    assert_eq!(first.lists_added, 2, "{first:#?}");
    let entries = all(&l.lib);
    let pulp = find(&entries, "Pulp Fiction");
    assert_eq!(pulp.fields.status, Status::Completed, "rated, then listed");
    assert_eq!(pulp.fields.rating.map(|r| r.get()), Some(40));
    assert!(pulp.fields.tags.is_empty());
    let kb = find(&entries, "Kill Bill: Vol. 1");
    assert_eq!(kb.fields.status, Status::PlanToWatch);
    assert_eq!(kb.title.facts.year, Some(2003));
    let lists = lists_of(&l.lib);
    let names: Vec<&str> = lists.iter().map(|l| l.0.as_str()).collect();
    assert_eq!(
        names,
        ["5 Star Movies", long],
        "by name, the whole name kept"
    );
    let (_, description, _, items) = &lists[1];
    assert_eq!(
        description.as_deref(),
        Some("<b>Incessantly</b>\n\nA second paragraph, with \"quotes\".\n\nJust kill me, okay?"),
        "paragraphs kept, one kind of line end"
    );
    assert_eq!(
        items,
        &[
            ("Kill Bill: Vol. 1".to_string(), None),
            (
                "Pulp Fiction".to_string(),
                Some("A note\n\non two lines".to_string())
            )
        ],
        "in position order, each film's note with it"
    );
    assert_eq!(lists[0].3, [("Past Lives".to_string(), None)]);
}

/// Two films whose names differ only by accents (or not at all) are two
/// films when the export names them by different ids: Letterboxd URIs,
/// IMDb ids, Trakt ids. They stay two, and match their own entries again.
#[test]
fn different_source_ids_are_never_one_film() {
    let mut l = new_lib();
    let first = letterboxd_twice(
        &mut l,
        &[
            (
                "watched.csv",
                "Date,Name,Year,Letterboxd URI\n2024-01-01,Veronica,2017,https://boxd.it/f1a\n2024-01-02,Verónica,2017,https://boxd.it/f1b\n2024-01-03,Lost Country,2023,https://boxd.it/BLKe\n2024-01-04,Lost Country,2023,https://boxd.it/RCP2\n",
            ),
            (
                "ratings.csv",
                "Date,Name,Year,Letterboxd URI,Rating\n2024-01-05,Verónica,2017,https://boxd.it/f1b,4\n2024-01-05,Veronica,2017,https://boxd.it/f1a,2\n",
            ),
        ],
    );
    assert_eq!(first.added, 4, "{first:#?}");
    let entries = all(&l.lib);
    assert_eq!(
        find(&entries, "Veronica").fields.rating.map(|r| r.get()),
        Some(40)
    );
    assert_eq!(
        find(&entries, "Verónica").fields.rating.map(|r| r.get()),
        Some(80)
    );
    assert_eq!(
        find(&entries, "Verónica")
            .title
            .facts
            .external_ids
            .letterboxd
            .as_deref(),
        Some("https://boxd.it/f1b"),
        "the film's address is kept to match it next time"
    );
    // A diary line has no film address: it goes to the film written the same.
    let diary = l.sandbox.file("diary.csv");
    std::fs::write(&diary, "Date,Name,Year,Letterboxd URI,Rating,Rewatch,Tags,Watched Date\n2024-02-01,Verónica,2017,https://boxd.it/entry9,,,,2024-01-31\n").unwrap();
    let r = import(&mut l, Some(ImportFormat::Letterboxd), &diary, true);
    assert_eq!((r.added, r.updated, r.ambiguous), (0, 1, 0), "{r:#?}");
    let entries = all(&l.lib);
    assert_eq!(
        find(&entries, "Verónica")
            .fields
            .finished_on
            .map(|d| d.to_string())
            .as_deref(),
        Some("2024-01-31")
    );
    assert_eq!(find(&entries, "Veronica").fields.finished_on, None);

    // IMDb ids and Trakt's own ids tell rows apart the same way.
    let files = vec![
        SourceFile {
            name: "imdb.csv".into(),
            bytes: b"Const,Title,Title Type,Year,Your Rating\ntt0000001,Veronica,Movie,2017,7\ntt0000002,Ver\xC3\xB3nica,Movie,2017,9\n".to_vec(),
        },
    ];
    let imdb = Import::from_files(Some(ImportFormat::Imdb), files).unwrap();
    assert_eq!(imdb.incoming().entries.len(), 2, "two IMDb ids, two films");
    let trakt = r#"[{"rated_at":"2024-01-01T00:00:00.000Z","rating":7,"type":"movie","movie":{"title":"Veronica","year":2017,"ids":{"trakt":11}}},
        {"rated_at":"2024-01-01T00:00:00.000Z","rating":9,"type":"movie","movie":{"title":"Verónica","year":2017,"ids":{"trakt":12}}},
        {"rated_at":"2024-01-02T00:00:00.000Z","rating":8,"type":"movie","movie":{"title":"Verónica","year":2017,"ids":{"trakt":12}}}]"#;
    let files = vec![SourceFile {
        name: "ratings-movies.json".into(),
        bytes: trakt.as_bytes().to_vec(),
    }];
    let trakt = Import::from_files(Some(ImportFormat::Trakt), files).unwrap();
    assert_eq!(
        trakt.incoming().entries.len(),
        2,
        "two Trakt ids, two films; one id twice, one film"
    );
}

/// A film listed with its year in one file and without one in another is
/// one entry, and the next import finds it again rather than two.
#[test]
fn a_film_with_and_without_a_year_is_one_entry() {
    let mut l = new_lib();
    let first = letterboxd_twice(
        &mut l,
        &[
            (
                "diary.csv",
                "Date,Name,Year,Letterboxd URI,Rating,Rewatch,Tags,Watched Date\n2023-07-26,\"One of the Roughs, a Kosmos\",,https://boxd.it/4AvAJT,,,,2017-03-06\n",
            ),
            (
                "ratings.csv",
                "Date,Name,Year,Letterboxd URI,Rating\n2023-07-27,\"One of the Roughs, a Kosmos\",2016,https://boxd.it/kQ1,4\n",
            ),
            (
                "watchlist.csv",
                "Date,Name,Year,Letterboxd URI\n2023-01-01,Heat 2,,https://boxd.it/h2\n",
            ),
            (
                "lists/sequels.csv",
                "Letterboxd list export v7\nDate,Name,Tags,URL,Description\n2023-01-01,Sequels,,https://boxd.it/l1,\n\nPosition,Name,Year,URL,Description\n1,Heat 2,2027,https://boxd.it/h2,\n",
            ),
        ],
    );
    assert_eq!(first.added, 2, "{first:#?}");
    let entries = all(&l.lib);
    let kosmos = find(&entries, "One of the Roughs, a Kosmos");
    assert_eq!(kosmos.title.facts.year, Some(2016));
    assert_eq!(kosmos.fields.rating.map(|r| r.get()), Some(80));
    assert_eq!(
        kosmos.fields.finished_on.map(|d| d.to_string()).as_deref(),
        Some("2017-03-06")
    );
    let heat = find(&entries, "Heat 2");
    assert_eq!(heat.title.facts.year, Some(2027));
    assert_eq!(
        lists_of(&l.lib)[0].3,
        [("Heat 2".to_string(), None)],
        "the list names the one entry"
    );
}

/// Every list of the two real full Letterboxd exports arrives as a list:
/// its name, its films in `Position` order (read here with the csv crate
/// on its own), each film's note, the "… Ranked" ones ranked; and a
/// second import changes nothing.
#[test]
fn real_letterboxd_lists_arrive_as_lists_in_their_order() {
    for user in ["full_export_extratone", "full_export_AgosVenezia"] {
        let Some(dir) = fixture(&format!("letterboxd/{user}")) else {
            return;
        };
        let mut l = new_lib();
        let first = twice(&mut l, Some(ImportFormat::Letterboxd), &dir);
        // Each list's name, and its films: position, name, note.
        type Films = Vec<(u32, String, Option<String>)>;
        let mut want: Vec<(String, Films)> = Vec::new();
        for f in std::fs::read_dir(dir.join("lists")).unwrap() {
            let text = std::fs::read_to_string(f.unwrap().path()).unwrap();
            let mut rows = csv::ReaderBuilder::new()
                .has_headers(false)
                .flexible(true)
                .from_reader(text.as_bytes())
                .into_records()
                .map(|r| r.unwrap());
            let mut name = String::new();
            let mut films = Vec::new();
            let mut in_films = false;
            while let Some(r) = rows.next() {
                if &r[0] == "Date" {
                    name = rows.next().unwrap()[1].trim().to_string();
                } else if &r[0] == "Position" {
                    in_films = true;
                } else if in_films && r.len() >= 5 {
                    let note = Some(r[4].replace("\r\n", "\n").trim_end().to_string())
                        .filter(|n| !n.trim().is_empty());
                    films.push((r[0].parse().unwrap(), r[1].to_string(), note));
                }
            }
            films.sort_by_key(|f| f.0);
            want.push((name, films));
        }
        assert_eq!(first.lists_added, want.len(), "{user}");
        let got = lists_of(&l.lib);
        assert_eq!(got.len(), want.len(), "{user}");
        let mut notes = 0;
        for (name, films) in &want {
            let (_, _, ranked, items) = got
                .iter()
                .find(|g| &g.0 == name)
                .unwrap_or_else(|| panic!("{user}: list '{name}' arrived"));
            assert_eq!(
                *ranked,
                name.to_lowercase().contains("ranked"),
                "{user}: {name}"
            );
            let titles: Vec<&str> = items.iter().map(|i| i.0.as_str()).collect();
            let wanted: Vec<&str> = films.iter().map(|f| f.1.as_str()).collect();
            assert_eq!(titles, wanted, "{user}: '{name}' in its order");
            for (item, film) in items.iter().zip(films) {
                assert_eq!(item.1, film.2, "{user}: the note of {} on '{name}'", film.1);
                notes += usize::from(film.2.is_some());
            }
        }
        if user == "full_export_AgosVenezia" {
            assert_eq!(want.len(), 91);
            assert!(notes > 200, "the notes of five lists: {notes}");
        }
    }
}

/// Trakt's own lists (`lists-<slug>.json`, the same item shape as the
/// watchlist; these are the real watchlist's items with their ranks
/// turned round) arrive as lists in rank order, named and described by
/// `lists-lists.json`, each item's notes its note on the list.
#[test]
fn trakt_lists_arrive_as_lists_in_rank_order() {
    let Some(src) = fixture("trakt/export/lists-watchlist.json") else {
        return;
    };
    let mut items: Vec<serde_json::Value> =
        serde_json::from_slice(&std::fs::read(&src).unwrap()).unwrap();
    let n = items.len();
    assert!(n >= 3, "the fixture has a few items");
    for (i, it) in items.iter_mut().enumerate() {
        it["rank"] = serde_json::json!(n - i);
    }
    items[0]["notes"] = serde_json::json!("Watch this one *last*.");
    let mut l = new_lib();
    let dir = l.sandbox.file("trakt");
    std::fs::create_dir_all(&dir).unwrap();
    std::fs::write(
        dir.join("lists-kdrama-comfort.json"),
        serde_json::to_vec_pretty(&items).unwrap(),
    )
    .unwrap();
    std::fs::write(
        dir.join("lists-lists.json"),
        r#"[{"name":"K-drama comfort","description":"For bad days.","privacy":"private","display_numbers":true,"ids":{"trakt":1,"slug":"kdrama-comfort"}}]"#,
    )
    .unwrap();
    let first = twice(&mut l, Some(ImportFormat::Trakt), &dir);
    assert_eq!(first.lists_added, 1, "{first:#?}");
    let lists = lists_of(&l.lib);
    let (name, description, ranked, got) = &lists[0];
    assert_eq!(name, "K-drama comfort");
    assert_eq!(description.as_deref(), Some("For bad days."));
    assert!(ranked);
    let title = |v: &serde_json::Value| {
        v.get("movie")
            .or(v.get("show"))
            .and_then(|m| m["title"].as_str())
            .unwrap()
            .to_string()
    };
    let want: Vec<String> = items.iter().rev().map(title).collect();
    let got_titles: Vec<String> = got.iter().map(|g| g.0.clone()).collect();
    assert_eq!(got_titles, want, "by rank, not by the file's order");
    assert_eq!(
        got.last().unwrap().1.as_deref(),
        Some("Watch this one *last*.")
    );
    let entries = all(&l.lib);
    assert!(
        find(&entries, &title(&items[0])).fields.notes.is_none(),
        "a list's note is the list's, not the entry's"
    );
}

#[test]
fn trakt_export_and_api_shapes() {
    let Some(export) = fixture("trakt/export") else {
        return;
    };
    let Some(api) = fixture("trakt/api") else {
        return;
    };
    let mut l = new_lib();
    let r = twice(&mut l, Some(ImportFormat::Trakt), &export);
    assert!(
        r.notes.iter().any(|n| n.contains("Trakt's own ids")),
        "{:?}",
        r.notes
    );
    let entries = all(&l.lib);
    let frieren = find(&entries, "Frieren: Beyond Journey's End");
    assert_eq!(frieren.fields.rating.map(|r| r.get()), Some(80));
    assert_eq!(
        frieren.title.facts.external_ids.imdb.as_deref(),
        Some("tt22248376")
    );
    assert_eq!(
        frieren.title.facts.external_ids.tvdb.as_deref(),
        Some("424536")
    );
    let blue = find(&entries, "Perfect Blue");
    assert_eq!(blue.fields.status, Status::PlanToWatch);
    assert_eq!(
        blue.title.facts.external_ids.tmdb.as_deref(),
        Some("movie/10494")
    );
    twice(&mut l, Some(ImportFormat::Trakt), &api);
    let entries = all(&l.lib);
    let sp = find(&entries, "South Park");
    assert_eq!(sp.fields.progress, 13, "watched episodes count as progress");
    assert_eq!(sp.fields.status, Status::Watching);
    // Each episode is in the history with the time Trakt gives.
    let history = l.lib.episode_progress(sp.id).unwrap();
    assert_eq!(history.len(), 13);
    assert!(history.iter().all(|e| e.season == 1
        && e.watched
        && e.watched_at.map(|t| t.to_rfc3339()).as_deref() == Some("2024-09-10T13:52:56+00:00")));
    assert_eq!(
        find(&entries, "Pulp Fiction")
            .fields
            .rating
            .map(|r| r.get()),
        Some(80)
    );
}

#[test]
fn imdb_list_classifies_kinds_and_skips_what_is_not_a_title() {
    let Some(f) = fixture("imdb/imdb_list_export.csv") else {
        return;
    };
    let mut l = new_lib();
    let r = twice(&mut l, None, &f);
    assert_eq!(r.format.as_deref(), Some("imdb"));
    let entries = all(&l.lib);
    let dk = find(&entries, "The Dark Knight");
    assert_eq!(
        dk.fields.rating.map(|r| r.get()),
        Some(80),
        "the two Dark Knight lines are one title"
    );
    assert_eq!(
        entries
            .iter()
            .filter(|e| e.title.facts.name == "The Dark Knight")
            .count(),
        1
    );
    assert_eq!(
        find(&entries, "Chernobyl").title.facts.kind,
        Kind::Miniseries
    );
    assert_eq!(
        find(&entries, "Game of Thrones").title.facts.kind,
        Kind::Series
    );
    assert_eq!(
        find(&entries, "Game of Thrones").fields.status,
        Status::PlanToWatch
    );
    let henry = find(&entries, "The Wonderful Story of Henry Sugar");
    assert_eq!(
        henry.title.facts.external_ids.imdb.as_deref(),
        Some("tt16968450")
    );
    let skipped: Vec<_> = r
        .items
        .iter()
        .filter(|i| i.action == ImportAction::Skipped)
        .collect();
    for name in [
        "Breaking Bad: Ozymandias",
        "The Last of Us",
        "Dan Carlin's Hardcore History",
    ] {
        assert!(
            skipped.iter().any(|i| i.title == name),
            "{name} should be skipped: {skipped:#?}"
        );
    }
    assert!(skipped
        .iter()
        .all(|i| i.reason.as_deref().is_some_and(|r| r.contains("line"))));
}

#[test]
fn imdb_localised_title_types_and_reordered_columns() {
    let mut l = new_lib();
    let p = l.sandbox.file("ratings.csv");
    std::fs::write(&p, "Title Type,Your Rating,Title,Year,Const,Date Rated\nSerie TV,9,Il Trono di Spade,2011,tt0944947,2024-01-02\nMini serie TV,8,Chernobyl,2019,tt7366338,2024-01-03\nFilm,7,La vita è bella,1997,tt0118799,2024-01-04\n").unwrap();
    twice(&mut l, Some(ImportFormat::Imdb), &p);
    let entries = all(&l.lib);
    assert_eq!(
        find(&entries, "Il Trono di Spade").title.facts.kind,
        Kind::Series
    );
    assert_eq!(
        find(&entries, "Chernobyl").title.facts.kind,
        Kind::Miniseries
    );
    assert_eq!(
        find(&entries, "La vita è bella")
            .fields
            .rating
            .map(|r| r.get()),
        Some(70)
    );
}

#[test]
fn tmdb_ratings_and_watchlist() {
    let Some(dir) = fixture("tmdb") else { return };
    let mut l = new_lib();
    let r = twice(&mut l, Some(ImportFormat::Tmdb), &dir);
    let entries = all(&l.lib);
    assert_eq!(
        find(&entries, "부산행").fields.rating.map(|r| r.get()),
        Some(70)
    );
    assert_eq!(
        find(&entries, "부산행")
            .title
            .facts
            .external_ids
            .tmdb
            .as_deref(),
        Some("movie/396535")
    );
    assert_eq!(
        find(&entries, "Breaking Bad").fields.status,
        Status::PlanToWatch
    );
    assert!(r
        .items
        .iter()
        .any(|i| i.action == ImportAction::Skipped && i.title == "Friends S1E1"));
}

#[test]
fn simkl_csv_and_json_are_the_same_library() {
    let mut l = new_lib();
    let r = twice(&mut l, None, &data("simkl.csv"));
    assert_eq!(r.format.as_deref(), Some("simkl"));
    assert_eq!(r.added, 4);
    let entries = all(&l.lib);
    let st = find(&entries, "Soundtrack #2");
    assert_eq!(st.fields.rating.map(|r| r.get()), Some(90));
    assert_eq!(st.fields.notes.as_deref(), Some("Loved the duet, twice"));
    assert_eq!(find(&entries, "Kingdom").fields.status, Status::PlanToWatch);
    // The JSON backup of the same account merges into the same entries.
    let r = import(&mut l, None, &data("simkl.json"), true);
    assert_eq!(r.added, 0, "{r:#?}");
    assert_eq!(all(&l.lib).len(), 4);
}

#[test]
fn mydramalist_tsv() {
    let mut l = new_lib();
    let r = twice(&mut l, None, &data("mdl.tsv"));
    assert_eq!(r.format.as_deref(), Some("mdl"));
    let entries = all(&l.lib);
    let st = find(&entries, "Soundtrack #2");
    assert_eq!(st.fields.rating.map(|r| r.get()), Some(85));
    assert_eq!(st.title.facts.country.as_deref(), Some("KR"));
    assert_eq!(st.viewings.len(), 1, "Re-watched 1");
    assert_eq!(
        find(&entries, "Never Let Me Go").title.facts.kind,
        Kind::Film
    );
    assert_eq!(
        find(&entries, "Never Let Me Go")
            .fields
            .finished_on
            .unwrap()
            .to_string(),
        "2023-04-10"
    );
    assert_eq!(find(&entries, "Filipiñana").fields.status, Status::Dropped);
}

/// The incoming entry named `name` of an import.
fn incoming<'a>(i: &'a Import, name: &str) -> &'a IncomingEntry {
    i.incoming()
        .entries
        .iter()
        .find(|e| e.title.name == name)
        .unwrap_or_else(|| panic!("no incoming entry named {name}"))
}

/// An incoming entry's watch of SxE in the current viewing.
fn watch_of(e: &IncomingEntry, season: u32, number: u32) -> &IncomingWatch {
    e.episodes
        .iter()
        .flatten()
        .find(|w| {
            w.viewing.is_none()
                && w.episode == IncomingEpisode::Numbered(EpisodeRef { season, number })
        })
        .unwrap_or_else(|| panic!("{} has no watch of S{season}E{number}", e.title.name))
}

fn at(w: &IncomingWatch) -> String {
    match w.when {
        WatchedWhen::At(t) => t.to_rfc3339(),
        other => panic!("a watch without its instant: {other:?}"),
    }
}

#[test]
fn tvtime_2024_export_shows_films_episodes_rewatches_and_times() {
    let Some(dir) = fixture("tvtime/tvtime_gdpr_2024_samindika97") else {
        return;
    };
    let i = Import::read(None, &dir).unwrap();
    assert_eq!(
        i.format(),
        ImportFormat::TvTime,
        "detected from the headers"
    );
    let entries = &i.incoming().entries;
    let series: Vec<_> = entries
        .iter()
        .filter(|e| e.title.kind == Kind::Series)
        .collect();
    let films: Vec<_> = entries
        .iter()
        .filter(|e| e.title.kind == Kind::Film)
        .collect();
    // followed_tv_show.csv's 64 shows and the two user-series rows with no
    // name; the 228 films of tracking-prod-records.csv (one uuid each).
    assert_eq!(series.len(), 66);
    assert_eq!(films.len(), 228);
    let count = |s: Status| films.iter().filter(|e| e.fields.status == s).count();
    assert_eq!(
        (count(Status::Completed), count(Status::PlanToWatch)),
        (207, 21)
    );
    let count = |s: Status| series.iter().filter(|e| e.fields.status == s).count();
    // 47 shows with watched episodes (the nameless one among them), 19 not started.
    assert_eq!(
        (count(Status::Watching), count(Status::PlanToWatch)),
        (47, 19)
    );
    // 1,100 watch-episode rows (the v1 episode rows and the most recent
    // episodes are among them) and one rewatch-episode row.
    let watches: Vec<&IncomingWatch> = series
        .iter()
        .flat_map(|e| e.episodes.iter().flatten())
        .collect();
    assert_eq!(watches.len(), 1101);
    assert_eq!(watches.iter().filter(|w| w.viewing.is_some()).count(), 1);
    assert!(series.iter().all(|e| e.title.external_ids.tvdb.is_some()));

    // Breaking Bad: 62 episodes marked at once, wall clock 07:11:08 in the
    // account's zone, three hours behind UTC as the export's exact times show.
    let bb = incoming(&i, "Breaking Bad");
    assert_eq!(bb.title.external_ids.tvdb.as_deref(), Some("81189"));
    assert_eq!(bb.episodes.as_ref().unwrap().len(), 62);
    assert_eq!(bb.fields.progress, 62);
    assert_eq!(bb.fields.status, Status::Watching);
    let w = watch_of(bb, 1, 1);
    assert_eq!(at(w), "2020-07-26T10:11:08+00:00");
    assert_eq!(w.day.unwrap().to_string(), "2020-07-26");
    // …and the last of them, whose exact time the show's most recent
    // episode (a Go map dump) gives.
    assert_eq!(at(watch_of(bb, 5, 16)), "2020-07-26T10:11:08+00:00");
    // House of the Dragon: each row carries its Unix time (gsi).
    let hotd = incoming(&i, "House of the Dragon");
    assert_eq!(
        hotd.episodes.as_ref().unwrap().len(),
        10,
        "ep_watch_count says 9; the rows are 10"
    );
    assert_eq!(at(watch_of(hotd, 1, 1)), "2022-09-04T13:38:04+00:00");
    assert_eq!(at(watch_of(hotd, 1, 10)), "2022-12-28T05:11:46+00:00");
    assert_eq!(hotd.fields.started_on.unwrap().to_string(), "2022-09-04");
    // The Fast and the Furious: the most recent episode's time comes from
    // a Go map dump whose ids and times are floats.
    let ff = incoming(&i, "The Fast and the Furious");
    assert_eq!(at(watch_of(ff, 2, 1)), "2020-07-26T12:07:07+00:00");
    // Blindspot: S1E1 rewatched once — a viewing of its own.
    let bs = incoming(&i, "Blindspot");
    assert_eq!(bs.viewings.len(), 1);
    assert_eq!(bs.viewings[0].progress, 1);
    assert_eq!(bs.viewings[0].started_on.unwrap().to_string(), "2020-07-26");
    let re = bs
        .episodes
        .iter()
        .flatten()
        .find(|w| w.viewing == Some(0))
        .unwrap();
    assert_eq!(
        re.episode,
        IncomingEpisode::Numbered(EpisodeRef {
            season: 1,
            number: 1
        })
    );
    assert_eq!(at(re), "2020-07-26T12:05:11+00:00");
    // A show with no name anywhere in the export.
    let unnamed = incoming(&i, "TVDB 362299");
    assert_eq!(unnamed.episodes.as_ref().unwrap().len(), 23);
    assert_eq!(
        incoming(&i, "TVDB 356520").fields.status,
        Status::PlanToWatch
    );
    // "Prehistoric Planet (2022)": the year TV Time added to the name.
    assert_eq!(incoming(&i, "Prehistoric Planet").title.year, Some(2022));
    // Two shows named Prison Break, two TVDB ids: two entries.
    assert_eq!(
        series
            .iter()
            .filter(|e| e.title.name == "Prison Break")
            .count(),
        2
    );
    // A film: watched 2021-11-24 00:11 in the account's zone, released
    // 2017-08-18 (written 2017-08-17 21:00 in that zone), 7,380 s long.
    let film = incoming(&i, "What Happened to Monday");
    assert_eq!(film.fields.status, Status::Completed);
    assert_eq!(film.fields.finished_on.unwrap().to_string(), "2021-11-24");
    assert_eq!(film.title.year, Some(2017));
    assert_eq!(film.title.runtime_minutes, Some(123));
    let notes = i.notes().join("\n");
    assert!(notes.contains("UTC−03:00"), "{notes}");
    assert!(
        notes.contains("2 shows are known only by their TVDB ids"),
        "{notes}"
    );
    assert!(
        notes.contains("Left out tracking-deployment-prod-tracks.csv"),
        "{notes}"
    );

    // Applied, and applied again: nothing changes the second time.
    let mut l = new_lib();
    let r = twice(&mut l, None, &dir);
    assert_eq!(r.added, 294, "{r:#?}");
    assert_eq!(r.episodes, 1101);
    let lib = all(&l.lib);
    let bb = find(&lib, "Breaking Bad");
    assert_eq!(bb.fields.status, Status::Watching);
    assert_eq!(bb.fields.started_on.unwrap().to_string(), "2020-07-26");
    let eps = l.lib.episode_progress(bb.id).unwrap();
    assert_eq!(eps.iter().filter(|e| e.watched).count(), 62);
    assert_eq!(find(&lib, "Blindspot").viewings.len(), 1);
}

#[test]
fn tvtime_2020_export_shows_by_tvdb_id_and_history_that_needs_the_catalogue() {
    let Some(dir) = fixture("tvtime/tvtime_gdpr_2020_arlessweschler") else {
        return;
    };
    let i = Import::read(None, &dir).unwrap();
    assert_eq!(i.format(), ImportFormat::TvTime);
    let entries = &i.incoming().entries;
    assert_eq!(entries.len(), 194, "user_tv_show_data.csv's rows");
    assert!(
        entries.iter().all(|e| e.episodes.is_none()),
        "no episode can be tied to a show"
    );
    let s = incoming(&i, "TVDB 70533");
    assert_eq!(s.title.external_ids.tvdb.as_deref(), Some("70533"));
    assert_eq!((s.fields.status, s.fields.progress), (Status::Watching, 48));
    let stopped = incoming(&i, "TVDB 71663");
    assert_eq!(
        (stopped.fields.status, stopped.fields.progress),
        (Status::Dropped, 35)
    );
    assert_eq!(entries.iter().filter(|e| e.fields.favorite).count(), 11);
    let notes = i.notes().join("\n");
    assert!(
        notes.contains("194 shows are known only by their TVDB ids"),
        "{notes}"
    );
    assert!(
        notes.contains(
            "7723 watched episodes and 519 rewatches (rewatched_episode.csv, seen_episode.csv)"
        ),
        "{notes}"
    );
    // Kept whole, to be placed by matching: every seen row, and each
    // rewatch `cpt` counts.
    let loose = &i.incoming().loose;
    assert_eq!(loose.len(), 7723 + 519);
    let first = loose
        .iter()
        .find(|w| w.id == "11673" && w.rewatch == 0)
        .unwrap();
    assert_eq!(
        first.when,
        WatchedWhen::At("2017-05-02T21:24:51Z".parse().unwrap())
    );
    assert!(loose.iter().all(|w| w.provider == "tvdb"));
    let mut l = new_lib();
    let r = twice(&mut l, None, &dir);
    assert_eq!(
        (r.added, r.episodes, r.loose_episodes),
        (194, 0, 7723 + 519),
        "{r:#?}"
    );
}

/// A TV Time export of `files`, in memory.
fn tvtime_files(files: &[(&str, Vec<u8>)]) -> Result<Import, String> {
    Import::from_files(
        Some(ImportFormat::TvTime),
        files
            .iter()
            .map(|(name, bytes)| SourceFile {
                name: name.to_string(),
                bytes: bytes.clone(),
            })
            .collect(),
    )
    .map_err(|e| e.to_string())
}

#[test]
fn tvtime_bad_input_names_the_file_and_line() {
    let followed = "tv_show_name,tv_show_id,created_at,active,archived\nLost,73739,2020-07-26 07:22:07,1,0\nDark,334824,2020-07-26 07:29:28,1,1\n";
    // A byte-order mark, and UTF-16 as spreadsheets save it: the same export.
    let utf16: Vec<u8> = [0xFF, 0xFE]
        .into_iter()
        .chain(followed.encode_utf16().flat_map(u16::to_le_bytes))
        .collect();
    let bom = [b"\xEF\xBB\xBF".as_slice(), followed.as_bytes()].concat();
    for bytes in [bom, utf16] {
        let f = SourceFile {
            name: "followed_tv_show.csv".into(),
            bytes,
        };
        let i = Import::from_files(None, vec![f]).unwrap();
        assert_eq!(i.format(), ImportFormat::TvTime);
        let e = &i.incoming().entries;
        assert_eq!(e.len(), 2);
        assert_eq!(e[0].title.external_ids.tvdb.as_deref(), Some("73739"));
        assert_eq!(e[1].fields.status, Status::Dropped, "archived");
    }
    // Another version of the export: the file is named, nothing imported.
    let e =
        tvtime_files(&[("followed_tv_show.csv", b"show,tvdb\nLost,73739\n".to_vec())]).unwrap_err();
    assert!(
        e.contains("followed_tv_show.csv") && e.contains("version of TV Time's export"),
        "{e}"
    );
    assert!(e.contains("nothing was imported"), "{e}");
    // Only unrelated files: refused, in TV Time's name or when detecting.
    let e = tvtime_files(&[(
        "user_ip_addresses.csv",
        b"ip,created_at\n1.2.3.4,2020-01-01\n".to_vec(),
    )])
    .unwrap_err();
    assert!(
        e.contains("none of TV Time's files") && e.contains("user_ip_addresses.csv"),
        "{e}"
    );
    let e = Import::from_files(
        None,
        vec![SourceFile {
            name: "user_ip_addresses.csv".into(),
            bytes: b"ip,created_at\n1.2.3.4,2020-01-01\n".to_vec(),
        }],
    )
    .unwrap_err()
    .to_string();
    assert!(e.contains("cannot tell which service"), "{e}");
    // A broken time and a broken id: those lines are left out, named, and
    // the rest is imported.
    let v2 = "series_name,created_at,s_id,key,season_number,episode_number\n\
              Lost,2020-07-26 07:22:07,73739,watch-episode-a-b,1,1\n\
              Lost,26/07/2020,73739,watch-episode-a-c,1,2\n\
              Lost,2020-07-26 07:22:09,7.3e+1.5,watch-episode-a-d,1,3\n";
    let i = tvtime_files(&[(
        "export/tracking-prod-records-v2.csv",
        v2.as_bytes().to_vec(),
    )])
    .unwrap();
    let lost = incoming(&i, "Lost");
    assert_eq!(lost.episodes.as_ref().unwrap().len(), 1);
    let skipped: Vec<String> = i
        .skipped()
        .iter()
        .map(|s| s.reason.clone().unwrap())
        .collect();
    assert_eq!(skipped.len(), 2, "{skipped:?}");
    assert!(
        skipped[0].contains("export/tracking-prod-records-v2.csv, line 3, column 2 (created_at)"),
        "{skipped:?}"
    );
    assert!(
        skipped[1].contains("line 4, column 3 (s_id)") && skipped[1].contains("7.3e+1.5"),
        "{skipped:?}"
    );
    assert!(
        i.notes().iter().any(|n| n.contains("read as UTC")),
        "{:?}",
        i.notes()
    );
}

/// The tables other trackers document for exports between 2020's and
/// 2024's: episodes by show name and numbers, rewatch counts, "watch
/// later" and favourites, and the account's zone in user.csv.
#[test]
fn tvtime_tables_of_other_export_versions_and_the_zone_user_csv_names() {
    let i = tvtime_files(&[
        ("user.csv", b"id,name,timezone\n1,someone,Asia/Kolkata\n".to_vec()),
        (
            "seen_episode_source.csv",
            b"tv_show_name,episode_season_number,episode_number,created_at\nDark,1,1,2018-10-18 12:56:10\nDark,1,2,2018-10-19 00:10:00\n".to_vec(),
        ),
        (
            "watched_on_episode.csv",
            b"tv_show_name,episode_season_number,episode_number,created_at\nDark,1,2,2018-10-20 21:00:00\n".to_vec(),
        ),
        (
            "rewatched_episode.csv",
            b"tv_show_name,episode_season_number,episode_number,cpt,created_at\nDark,1,1,2,2019-01-05 20:00:00\n".to_vec(),
        ),
        (
            "user_show_special_status.csv",
            b"tv_show_name,tv_show_id,status\nDark,334824,favorite\nLost,73739,for_later\n".to_vec(),
        ),
        (
            "lists-prod-lists.csv",
            b"name,objects\nMind-benders,[map[id:334824 type:series uuid:ca08] map[id:7 type:movie uuid:0b9d]]\nLater,\"[{\"\"id\"\":75340,\"\"type\"\":\"\"series\"\"}]\"\n".to_vec(),
        ),
    ])
    .unwrap();
    let dark = incoming(&i, "Dark");
    assert!(dark.fields.favorite);
    assert_eq!(dark.fields.status, Status::Watching);
    assert_eq!(dark.title.external_ids.tvdb.as_deref(), Some("334824"));
    // Kolkata is UTC+05:30; the day is the one the viewer lived.
    assert_eq!(at(watch_of(dark, 1, 1)), "2018-10-18T07:26:10+00:00");
    let w = watch_of(dark, 1, 2);
    assert_eq!(
        at(w),
        "2018-10-18T18:40:00+00:00",
        "the earlier of two rows"
    );
    assert_eq!(w.day.unwrap().to_string(), "2018-10-19");
    // cpt 2: two rewatches, each with S1E1.
    assert_eq!(dark.viewings.len(), 2);
    let re: Vec<_> = dark
        .episodes
        .iter()
        .flatten()
        .filter_map(|w| w.viewing)
        .collect();
    assert_eq!(re, [0, 1]);
    assert_eq!(incoming(&i, "Lost").fields.status, Status::PlanToWatch);
    // Lists: their names become tags; a show only on a list is planned; a
    // film the export names nowhere else is counted, not imported.
    assert_eq!(dark.fields.tags, ["Mind-benders"]);
    let listed = incoming(&i, "TVDB 75340");
    assert_eq!(
        (listed.fields.status, listed.fields.tags.clone()),
        (Status::PlanToWatch, vec!["Later".to_string()])
    );
    assert!(
        i.notes().iter().any(|n| n.contains("1 listed titles")),
        "{:?}",
        i.notes()
    );
    assert!(
        i.notes().iter().any(|n| n.contains("Asia/Kolkata")),
        "{:?}",
        i.notes()
    );
}

#[test]
fn trakt_then_letterboxd_then_imdb_merge_the_same_film() {
    let mut l = new_lib();
    let dir = l.sandbox.dir().to_path_buf();
    std::fs::write(dir.join("ratings-movies.json"), r#"[{"rated_at":"2024-01-01T00:00:00Z","rating":6,"type":"movie","movie":{"title":"Parasite","year":2019,"ids":{"trakt":1,"imdb":"tt6751668","tmdb":496243}}}]"#).unwrap();
    std::fs::write(
        dir.join("ratings.csv"),
        "Date,Name,Year,Letterboxd URI,Rating\n2025-06-01,Parasite,2019,https://boxd.it/x,4.5\n",
    )
    .unwrap();
    std::fs::write(dir.join("imdb.csv"), "Const,Your Rating,Date Rated,Title,Title Type,Year\ntt6751668,7,2023-01-01,Parasite,Movie,2019\n").unwrap();
    import(
        &mut l,
        Some(ImportFormat::Trakt),
        &dir.join("ratings-movies.json"),
        true,
    );
    let r = import(
        &mut l,
        Some(ImportFormat::Letterboxd),
        &dir.join("ratings.csv"),
        true,
    );
    assert_eq!((r.added, r.updated), (0, 1), "{r:#?}");
    assert!(
        r.items[0]
            .changes
            .iter()
            .any(|c| c.starts_with("rating 60/100 → 90/100")),
        "{:?}",
        r.items[0].changes
    );
    // IMDb's rating is older than Letterboxd's: under "newer" it loses.
    let r = import(
        &mut l,
        Some(ImportFormat::Imdb),
        &dir.join("imdb.csv"),
        true,
    );
    assert_eq!(r.added, 0);
    let entries = all(&l.lib);
    assert_eq!(entries.len(), 1);
    assert_eq!(entries[0].fields.rating.map(|r| r.get()), Some(90));
    // "incoming" makes the file win.
    let r = import_prefer(
        &mut l,
        Some(ImportFormat::Imdb),
        &dir.join("imdb.csv"),
        false,
        Prefer::Incoming,
    );
    assert!(r.policy.as_deref().unwrap().contains("the file's win"));
    assert_eq!(r.updated, 1);
    // "existing" keeps the library's.
    let r = import_prefer(
        &mut l,
        Some(ImportFormat::Imdb),
        &dir.join("imdb.csv"),
        false,
        Prefer::Existing,
    );
    assert_eq!(r.updated, 0);
}

#[test]
fn two_entries_with_one_name_are_reported_ambiguous() {
    let mut l = new_lib();
    for _ in 0..2 {
        l.lib
            .add_entry(&watchlog_core::NewEntry {
                title: watchlog_core::TitleFacts {
                    kind: Kind::Film,
                    name: "Oldboy".into(),
                    year: Some(2003),
                    ..Default::default()
                },
                fields: Default::default(),
            })
            .unwrap();
    }
    let p = l.sandbox.file("ratings.csv");
    std::fs::write(
        &p,
        "Date,Name,Year,Letterboxd URI,Rating\n2025-06-01,Oldboy,2003,https://boxd.it/x,5\n",
    )
    .unwrap();
    let r = import(&mut l, Some(ImportFormat::Letterboxd), &p, true);
    assert_eq!((r.added, r.updated, r.ambiguous), (0, 0, 1), "{r:#?}");
}

#[test]
fn undo_restores_the_library_from_before_the_import() {
    let Some(dir) = fixture("letterboxd") else {
        return;
    };
    let mut l = new_lib();
    l.lib
        .add_entry(&watchlog_core::NewEntry {
            title: watchlog_core::TitleFacts {
                kind: Kind::Series,
                name: "Soundtrack #2".into(),
                year: Some(2023),
                ..Default::default()
            },
            fields: Default::default(),
        })
        .unwrap();
    let r = import(&mut l, None, &dir, true);
    let backup = r
        .backup
        .clone()
        .expect("an applied import names its backup");
    assert_eq!(
        undo::last_import_backup(&l.lib).unwrap().as_deref(),
        Some(backup.as_str())
    );
    assert!(all(&l.lib).len() > 1);
    let path = l.sandbox.db.clone();
    drop(std::mem::replace(
        &mut l.lib,
        Library::open_in_memory().unwrap(),
    ));
    let u = undo::undo_last_import(&path).unwrap();
    assert_eq!(u.restored, backup);
    l.lib = Library::open(&path).unwrap();
    let entries = all(&l.lib);
    assert_eq!(entries.len(), 1, "only the entry from before the import");
    drop(std::mem::replace(
        &mut l.lib,
        Library::open_in_memory().unwrap(),
    ));
    let e = undo::undo_last_import(&path).unwrap_err();
    assert!(e.to_string().contains("no import to undo"), "{e}");
}

#[test]
fn cancelling_rolls_back_and_progress_is_reported() {
    let Some(dir) = fixture("letterboxd") else {
        return;
    };
    let mut l = new_lib();
    let before = snapshot(&l);
    let import = Import::read(None, &dir).unwrap();
    let cancel = CancelToken::new();
    let seen = std::sync::Mutex::new(Vec::new());
    // Cancelled at the first report after the start.
    let progress = |done: usize, total: usize| {
        seen.lock().unwrap().push((done, total));
        if done > 0 {
            cancel.cancel();
        }
    };
    let opts = RunOptions {
        prefer: Prefer::Newer,
        progress: Some(&progress),
        cancel: Some(&cancel),
    };
    let e = import.run(&mut l.lib, Mode::Apply, &opts).unwrap_err();
    assert_eq!(e.code(), "cancelled");
    let total = import.incoming().entries.len();
    assert!(total > 1_000, "a file big enough to throttle: {total}");
    assert_eq!(
        seen.into_inner().unwrap(),
        [(0, total), (total.div_ceil(100), total)],
        "the start, then one report a percent on, then nothing after the cancel"
    );
    assert!(all(&l.lib).is_empty());
    assert_eq!(
        before,
        snapshot(&l),
        "a cancelled import leaves the file as it was"
    );
    assert_eq!(undo::last_import_backup(&l.lib).unwrap(), None);
}

// ------------------------------------------------------------ bad input

/// Reads and applies `bytes` as `name`; the error must mention every
/// string in `expect`, and the library file must be byte-identical.
fn refused(format: Option<ImportFormat>, name: &str, bytes: &[u8], expect: &[&str]) {
    let mut l = new_lib();
    l.lib
        .add_entry(&watchlog_core::NewEntry {
            title: watchlog_core::TitleFacts {
                kind: Kind::Film,
                name: "Keep me".into(),
                ..Default::default()
            },
            fields: Default::default(),
        })
        .unwrap();
    let before = snapshot(&l);
    let files = vec![SourceFile {
        name: name.into(),
        bytes: bytes.to_vec(),
    }];
    let result = Import::from_files(format, files)
        .and_then(|i| i.run(&mut l.lib, Mode::Apply, &RunOptions::default()));
    let e = match result {
        Err(e) => e.to_string(),
        Ok(r) => panic!("{name} was accepted: {r:#?}"),
    };
    for x in expect {
        assert!(e.contains(x), "error for {name} should mention {x:?}: {e}");
    }
    assert_eq!(before, snapshot(&l), "{name}: the library changed");
}

#[test]
fn bad_csv_gets_file_line_and_column() {
    let lb = Some(ImportFormat::Letterboxd);
    refused(lb, "ratings.csv", b"Date,Name,Year,Letterboxd URI,Rating\n2024-01-01,\"Oops,2020,x,3\n2024-01-02,Fine,2020,y,3\n", &["ratings.csv", "line 2", "column 12", "unbalanced"]);
    refused(
        lb,
        "ratings.csv",
        b"Date,Name,Year,Letterboxd URI,Rating\n2024-01-01,Film,2020,x,3,extra,more\n",
        &["line 2", "column 6", "fields"],
    );
    refused(
        lb,
        "ratings.csv",
        b"Date,Title,Year\n2024-01-01,Film,2020\n",
        &["ratings.csv", "line 1", "'name'"],
    );
    refused(
        lb,
        "ratings.csv",
        b"Date,Name,Year,Letterboxd URI,Rating\n2024-01-01,Film,2020,x,7\n",
        &["line 2", "column 5 (rating)", "outside 0.5"],
    );
    refused(lb, "diary.csv", b"Date,Name,Year,Letterboxd URI,Rating,Rewatch,Tags,Watched Date\n2024-01-01,Film,2020,x,3,,,03/04/2024\n", &["line 2", "watched date", "not a date"]);
    refused(
        Some(ImportFormat::Imdb),
        "r.csv",
        b"Const,Title,Your Rating\nxx12,Film,5\n",
        &["line 2", "const", "not an IMDb id"],
    );
    refused(
        Some(ImportFormat::Mdl),
        "l.tsv",
        b"Title\tStatus\tRating\nA\tFinished\t5\n",
        &["line 2", "status"],
    );
    refused(
        None,
        "mystery.csv",
        b"foo,bar\n1,2\n",
        &["cannot tell which service"],
    );
}

#[test]
fn bom_crlf_semicolons_and_latin1_are_read() {
    let mut l = new_lib();
    let dir = l.sandbox.dir().to_path_buf();
    // BOM + CRLF + semicolons (a spreadsheet in a European locale).
    std::fs::write(dir.join("ratings.csv"), b"\xEF\xBB\xBFDate;Name;Year;Letterboxd URI;Rating\r\n2024-01-01;Am\xC3\xA9lie;2001;x;4,5\r\n").unwrap();
    let r = import(
        &mut l,
        Some(ImportFormat::Letterboxd),
        &dir.join("ratings.csv"),
        true,
    );
    assert_eq!(r.added, 1);
    let e = all(&l.lib);
    assert_eq!(find(&e, "Amélie").fields.rating.map(|r| r.get()), Some(90));
    // Latin-1: read, and said so.
    std::fs::write(
        dir.join("watched.csv"),
        b"Date,Name,Year,Letterboxd URI\n2024-01-01,Filipi\xF1ana,2026,y\n",
    )
    .unwrap();
    let r = import(
        &mut l,
        Some(ImportFormat::Letterboxd),
        &dir.join("watched.csv"),
        true,
    );
    assert!(
        r.notes.iter().any(|n| n.contains("Latin-1")),
        "{:?}",
        r.notes
    );
    assert!(all(&l.lib)
        .iter()
        .any(|e| e.title.facts.name == "Filipiñana"));
}

#[test]
fn wrong_json_shape_and_bad_ratings() {
    let t = Some(ImportFormat::Trakt);
    refused(
        t,
        "ratings-movies.json",
        b"{\"not\": \"a list\"}",
        &["ratings-movies.json", "list"],
    );
    refused(
        t,
        "ratings-movies.json",
        b"[{\"rating\": 8, \"type\": \"movie\"",
        &["line 1", "column", "not valid JSON"],
    );
    refused(
        t,
        "ratings-movies.json",
        b"[{\"rating\": 11, \"type\": \"movie\", \"movie\": {\"title\": \"X\", \"year\": 2000}}]",
        &["item 1", "outside"],
    );
    refused(
        t,
        "ratings-movies.json",
        b"[{\"rating\": 5, \"type\": \"movie\", \"movie\": {\"title\": \"X\", \"year\": 99999}}]",
        &["item 1", "year"],
    );
    refused(
        Some(ImportFormat::Simkl),
        "s.json",
        b"{\"shows\": 3}",
        &["not a list"],
    );
}

fn zip_of(entries: &[(&str, Vec<u8>)]) -> Vec<u8> {
    let mut zip = zip::ZipWriter::new(std::io::Cursor::new(Vec::new()));
    let opts = zip::write::SimpleFileOptions::default()
        .compression_method(zip::CompressionMethod::Deflated);
    for (name, bytes) in entries {
        zip.start_file(*name, opts).unwrap();
        std::io::Write::write_all(&mut zip, bytes).unwrap();
    }
    zip.finish().unwrap().into_inner()
}

#[test]
fn hostile_zips_are_refused() {
    let lb = Some(ImportFormat::Letterboxd);
    let traversal = zip_of(&[("../../etc/ratings.csv", b"Date,Name,Year\n".to_vec())]);
    refused(lb, "export.zip", &traversal, &["outside the export"]);
    // 300 MiB of zeros compresses to a few hundred KiB.
    let bomb = zip_of(&[("ratings.csv", vec![0u8; 300 << 20])]);
    assert!(bomb.len() < 2 << 20);
    let mut l = new_lib();
    let p = l.sandbox.file("bomb.zip");
    std::fs::write(&p, &bomb).unwrap();
    let e = Import::read(lb, &p).unwrap_err().to_string();
    assert!(e.contains("larger than"), "{e}");
    let before = snapshot(&l);
    assert!(all(&l.lib).is_empty());
    assert_eq!(before, snapshot(&l));
    let _ = &mut l;
}

/// Zips inside a zip share the import's one budget: each of them under the
/// cap, together far over it, used to pass (each got a fresh allowance,
/// about a thousandfold amplification). Deeper nesting is refused.
#[test]
fn nested_zips_share_one_budget_and_nest_only_once() {
    let lb = Some(ImportFormat::Letterboxd);
    // 100 MiB of zeros, zipped: a few hundred KiB. Three of them unpack to
    // 300 MiB, over the 256 MiB an import may unpack.
    let inner = zip_of(&[("ratings.csv", vec![0u8; 100 << 20])]);
    let outer = zip_of(&[
        ("a.zip", inner.clone()),
        ("b.zip", inner.clone()),
        ("c.zip", inner),
    ]);
    assert!(outer.len() < 4 << 20);
    let l = new_lib();
    let p = l.sandbox.file("nested.zip");
    std::fs::write(&p, &outer).unwrap();
    let e = Import::read(lb, &p).unwrap_err().to_string();
    assert!(e.contains("larger than"), "{e}");

    // One level of nesting reads; a zip in a zip in a zip is refused.
    let ratings = b"Date,Name,Year,Letterboxd URI,Rating\n2024-01-05,Parasite,2019,https://boxd.it/hTha,4.5\n";
    let once = zip_of(&[("export.zip", zip_of(&[("ratings.csv", ratings.to_vec())]))]);
    std::fs::write(&p, &once).unwrap();
    let import = Import::read(lb, &p).expect("a zipped export zipped again reads");
    assert_eq!(import.incoming().entries.len(), 1);
    let thrice = zip_of(&[("x.zip", once)]);
    std::fs::write(&p, &thrice).unwrap();
    let e = Import::read(lb, &p).unwrap_err().to_string();
    assert!(e.contains("zip inside a zip inside a zip"), "{e}");
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 64, .. ProptestConfig::default() })]

    /// No reader panics on arbitrary bytes; each either reads or refuses.
    #[test]
    fn readers_never_panic(bytes in proptest::collection::vec(any::<u8>(), 0..600), pick in 0usize..ImportFormat::ALL.len()) {
        let format = ImportFormat::ALL[pick];
        let name = match format {
            ImportFormat::Trakt | ImportFormat::WatchlogJson => "ratings-movies.json",
            ImportFormat::Simkl => "backup.json",
            ImportFormat::Mdl => "list.tsv",
            ImportFormat::TvTime => "tracking-prod-records-v2.csv",
            _ => "ratings.csv",
        };
        let _ = Import::from_files(Some(format), vec![SourceFile { name: name.into(), bytes: bytes.clone() }]);
        let _ = Import::from_files(None, vec![SourceFile { name: name.into(), bytes }]);
    }

    /// Text that looks like each CSV format, with arbitrary cells.
    #[test]
    fn csv_readers_never_panic(cells in proptest::collection::vec("[ -~\t\"\n,;ñ]{0,12}", 0..40)) {
        for header in [
            "Date,Name,Year,Letterboxd URI,Rating,Rewatch,Tags,Watched Date,Review\n",
            "Const,Title,Title Type,Your Rating,Date Rated,Year,Runtime (mins)\n",
            "TMDb ID,IMDb ID,Type,Name,Release Date,Season Number,Episode Number,Rating,Your Rating,Date Rated\n",
            "SIMKL_ID,Title,Type,Year,Watchlist,LastEpWatched,WatchedDate,Rating,Memo,TVDB,TMDB,IMDB\n",
            "Title\tStatus\tEpisodes watched\tTotal episodes\tCountry of Origin\tShow type\tRating\tStarted on\tEnded on\tRe-watched\n",
        ] {
            let text = format!("{header}{}", cells.join(","));
            let _ = Import::from_files(None, vec![SourceFile { name: "x.csv".into(), bytes: text.into_bytes() }]);
        }
        // TV Time's tables are known by their names.
        for (name, header) in [
            ("tracking-prod-records-v2.csv", "series_name,gsi,created_at,s_id,key,season_number,episode_number,s_no,ep_no,episode_id,most_recent_ep_watched,is_archived,followed_at\nx,watch-episode-1595765111,2020-07-26 07:21:34,82066,watch-episode-a-b,"),
            ("tracking-prod-records.csv", "series_name,created_at,series_id,uuid,type,movie_name,entity_type,season_number,episode_number,watch_date,release_date_range_key,release_date,runtime,rewatch_count\n"),
            ("followed_tv_show.csv", "tv_show_name,tv_show_id,created_at,active,archived\n"),
            ("rewatched_episode.csv", "tv_show_name,episode_season_number,episode_number,cpt,created_at\n"),
        ] {
            let text = format!("{header}{}", cells.join(","));
            let _ = Import::from_files(None, vec![SourceFile { name: name.into(), bytes: text.into_bytes() }]);
        }
    }
}

/// A preview takes no write lock: it runs to the end while another face
/// holds the library's write lock (an import in the CLI), where one that
/// wrote and rolled back would wait out the busy timeout and fail, and
/// the library file never sees its writes.
#[test]
fn a_preview_runs_while_the_other_face_holds_the_write_lock() {
    let Some(f) = fixture("imdb/imdb_list_export.csv") else {
        return;
    };
    let mut l = new_lib();
    let other = rusqlite::Connection::open(&l.sandbox.db).unwrap();
    other
        .execute_batch("BEGIN IMMEDIATE; UPDATE settings SET value = value;")
        .unwrap();
    let report = import(&mut l, None, &f, false);
    assert!(!report.applied);
    assert!(report.added > 0, "the preview says what would be added");
    other.execute_batch("COMMIT").unwrap();
    assert!(all(&l.lib).is_empty(), "nothing was written");
}

// ------------------------------------------------------- bulk writing

/// Every row of an FTS5 index as `fts5vocab` lists it: (term, entry,
/// column, offset), read on a connection of the test's own (the vocabulary
/// table is a temporary one, so the file is not changed).
fn index_rows(db: &Path, index: &str) -> Vec<(String, i64, String, i64)> {
    let conn = rusqlite::Connection::open(db).unwrap();
    conn.execute_batch(&format!(
        "CREATE VIRTUAL TABLE temp.vocab USING fts5vocab(main, '{index}', 'instance')"
    ))
    .unwrap();
    let rows = conn
        .prepare("SELECT term, doc, col, offset FROM temp.vocab ORDER BY 1, 2, 3, 4")
        .unwrap()
        .query_map([], |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?, r.get(3)?)))
        .unwrap()
        .collect::<rusqlite::Result<_>>()
        .unwrap();
    conn.execute_batch(&format!(
        "INSERT INTO {index} ({index}) VALUES ('integrity-check')"
    ))
    .unwrap_or_else(|e| panic!("{index} fails its integrity check: {e}"));
    rows
}

fn assert_same_indexes(per_row: &Path, bulk: &Path, when: &str) {
    for index in ["entry_search", "entry_words"] {
        let want = index_rows(per_row, index);
        let got = index_rows(bulk, index);
        assert!(want.len() > 100, "{index} holds the sample ({when})");
        assert_eq!(
            got.len(),
            want.len(),
            "{index}: as many terms written in bulk as entry by entry ({when})"
        );
        assert!(
            got == want,
            "{index}: the bulk import indexed other terms than the editor ({when}): first difference {:?}",
            got.iter().zip(&want).find(|(a, b)| a != b)
        );
    }
}

fn export_json(lib: &Library) -> Vec<SourceFile> {
    let mut bytes = Vec::new();
    watchlog_core::transfer::export(
        lib,
        watchlog_core::transfer::ExportFormat::WatchlogJson,
        &Default::default(),
        &mut bytes,
    )
    .unwrap();
    vec![SourceFile {
        name: "library.json".into(),
        bytes,
    }]
}

/// An import writes the search rows of what it adds and changes in bulk at
/// the end; both indexes must hold exactly what the editor's entry-by-entry
/// indexing holds for the same entries: Hangul, kana and accented names,
/// people, reviews and notes, after adding and after replacing.
#[test]
fn indexes_written_in_bulk_equal_those_written_entry_by_entry() {
    let mut editor = new_lib();
    editor.lib.load_sample().unwrap();
    for (name, original, notes) in [
        (
            "Pokémon: Mewtwo Strikes Back",
            "ミュウツーの逆襲",
            "Rewatched with my nephew",
        ),
        (
            "Reply 1994",
            "응답하라 1994",
            "Sinchon, 1994; don't skip episode 9",
        ),
        ("Nirvana in Fire", "琅琊榜", "Éclat — a slow, patient plot"),
    ] {
        let id = editor
            .lib
            .add_entry(&watchlog_core::NewEntry {
                title: watchlog_core::TitleFacts {
                    kind: Kind::Series,
                    name: name.into(),
                    original_name: Some(original.into()),
                    ..Default::default()
                },
                fields: Default::default(),
            })
            .unwrap();
        editor
            .lib
            .update_entry(
                id,
                &watchlog_core::EntryPatch {
                    notes: Some(Some(notes.into())),
                    ..Default::default()
                },
            )
            .unwrap();
    }
    let mut bulk = new_lib();
    let r = Import::from_files(Some(ImportFormat::WatchlogJson), export_json(&editor.lib))
        .unwrap()
        .run(&mut bulk.lib, Mode::Apply, &RunOptions::default())
        .unwrap();
    assert_eq!(r.added, all(&editor.lib).len(), "{r:#?}");
    assert_same_indexes(&editor.sandbox.db, &bulk.sandbox.db, "after adding");

    // The editor rewrites some entries' searchable text one by one; the
    // import replaces the same entries' rows in bulk.
    let entries = all(&editor.lib);
    for e in entries.iter().step_by(2) {
        editor
            .lib
            .update_entry(
                e.id,
                &watchlog_core::EntryPatch {
                    review: Some(Some(format!(
                        "Seen again: {} — 다시 봤다",
                        e.title.facts.name
                    ))),
                    notes: Some(None),
                    ..Default::default()
                },
            )
            .unwrap();
    }
    let r = Import::from_files(Some(ImportFormat::WatchlogJson), export_json(&editor.lib))
        .unwrap()
        .run(&mut bulk.lib, Mode::Apply, &RunOptions::default())
        .unwrap();
    assert_eq!(
        (r.added, r.updated),
        (0, entries.len().div_ceil(2)),
        "{r:#?}"
    );
    assert_same_indexes(&editor.sandbox.db, &bulk.sandbox.db, "after replacing");
}

fn csv_file(text: &str) -> Import {
    Import::from_files(
        Some(ImportFormat::WatchlogCsv),
        vec![SourceFile {
            name: "library.csv".into(),
            bytes: text.as_bytes().to_vec(),
        }],
    )
    .unwrap()
}

/// Importing a file the library already agrees with is answered by
/// comparing in a read transaction: no write lock (it finishes while
/// another face holds it, where a pass that wrote would wait out the busy
/// timeout and fail), no backup, not a byte of the file changed. Values
/// the store keeps in another form (spaces around them, a platform or a
/// tag in another case) are the same values; a real change is still found
/// and written once the lock is free.
#[test]
fn an_unchanged_file_is_compared_without_writing_or_the_write_lock() {
    let mut l = new_lib();
    let first = "title,kind,year,status,rating_100,platform,tags,review\n\
                 Soundtrack #2,series,2023,completed,85,Disney+,Seoul;music,A quiet one\n\
                 Parasite,film,2019,completed,95,Netflix,,\n\
                 Reply 1988,series,2015,watching,,,family,\n";
    let r = csv_file(first)
        .run(&mut l.lib, Mode::Apply, &RunOptions::default())
        .unwrap();
    assert_eq!(r.added, 3);
    let bytes = snapshot(&l);
    let backups = l.sandbox.db.parent().unwrap().join("backups");
    let count = || std::fs::read_dir(&backups).map_or(0, |d| d.count());
    assert_eq!(count(), 1, "the first import's backup");

    let same = "title,kind,year,status,rating_100,platform,tags,review\n\
                \" Soundtrack #2 \",series,2023,completed,85,disney+,MUSIC; seoul,A quiet one\n\
                Parasite,film,2019,completed,95, NETFLIX ,,\"  \"\n\
                Reply 1988,series,2015,watching,,,Family,\n";
    let other = rusqlite::Connection::open(&l.sandbox.db).unwrap();
    other
        .execute_batch("BEGIN IMMEDIATE; UPDATE settings SET value = value;")
        .unwrap();
    for mode in [Mode::Preview, Mode::Apply] {
        let r = csv_file(same)
            .run(&mut l.lib, mode, &RunOptions::default())
            .unwrap();
        assert_eq!(
            (r.added, r.updated, r.unchanged),
            (0, 0, 3),
            "{mode:?}: {r:#?}"
        );
        assert_eq!(r.backup, None, "nothing changed, so no backup is kept");
    }
    other.execute_batch("COMMIT").unwrap();
    assert_eq!(bytes, snapshot(&l), "the file is as it was");
    assert_eq!(
        count(),
        1,
        "no backup was written for an import that changes nothing"
    );

    // One rating and one tag differ: those two entries are updated, the
    // third is left alone.
    let changed = "title,kind,year,status,rating_100,platform,tags,review\n\
                   Soundtrack #2,series,2023,completed,90,Disney+,Seoul;music,A quiet one\n\
                   Parasite,film,2019,completed,95,Netflix,,\n\
                   Reply 1988,series,2015,watching,,,family;rewatch,\n";
    let r = csv_file(changed)
        .run(&mut l.lib, Mode::Apply, &RunOptions::default())
        .unwrap();
    assert_eq!((r.added, r.updated, r.unchanged), (0, 2, 1), "{r:#?}");
    assert!(r.backup.is_some(), "a change is backed up first");
    let entries = all(&l.lib);
    assert_eq!(
        find(&entries, "Soundtrack #2")
            .fields
            .rating
            .map(|r| r.get()),
        Some(90)
    );
    assert_eq!(
        find(&entries, "Reply 1988").fields.tags,
        ["family", "rewatch"]
    );
    let r = csv_file(changed)
        .run(&mut l.lib, Mode::Apply, &RunOptions::default())
        .unwrap();
    assert_eq!((r.updated, r.unchanged), (0, 3), "and again: {r:#?}");
}

/// The schema's indexes, by name, with their definitions.
fn schema_indexes(db: &Path) -> Vec<(String, String)> {
    let conn = rusqlite::Connection::open(db).unwrap();
    let mut stmt = conn
        .prepare(
            "SELECT name, coalesce(sql, '') FROM sqlite_schema WHERE type = 'index' ORDER BY name",
        )
        .unwrap();
    let rows = stmt
        .query_map([], |r| Ok((r.get(0)?, r.get(1)?)))
        .unwrap()
        .collect::<rusqlite::Result<Vec<_>>>()
        .unwrap();
    rows
}

fn many_rows(n: usize) -> String {
    let mut text = String::from("title,kind,year,status,rating_100,platform\n");
    for i in 0..n {
        text.push_str(&format!(
            "Drama {i},series,{},completed,{},Netflix\n",
            2000 + i % 20,
            i % 100
        ));
    }
    text
}

/// A file bigger than the library fills the listing and stats indexes
/// once at the end (dropped and made again inside the import's
/// transaction): the schema comes out as it was and the planner still
/// sorts by them; a big import cancelled halfway leaves every index and
/// no entry.
#[test]
fn a_big_import_builds_the_listing_indexes_once_and_keeps_them() {
    let n = 2_500;
    let mut l = new_lib();
    let before = schema_indexes(&l.sandbox.db);
    assert!(before
        .iter()
        .any(|(name, _)| name == "entries_rating_order"));

    let cancel = CancelToken::new();
    let halfway = |done: usize, _: usize| {
        if done > n / 2 {
            cancel.cancel();
        }
    };
    let opts = RunOptions {
        progress: Some(&halfway),
        cancel: Some(&cancel),
        ..Default::default()
    };
    let err = csv_file(&many_rows(n))
        .run(&mut l.lib, Mode::Apply, &opts)
        .unwrap_err();
    assert!(matches!(err, watchlog_core::Error::Cancelled(_)), "{err}");
    assert_eq!(schema_indexes(&l.sandbox.db), before, "after a cancel");
    assert_eq!(l.lib.status_counts().unwrap().all, 0);
    // The kept counts, paused for the import, are as they were and running.
    assert_eq!(l.lib.integrity_check().unwrap(), ["ok"], "after a cancel");

    let r = csv_file(&many_rows(n))
        .run(&mut l.lib, Mode::Apply, &RunOptions::default())
        .unwrap();
    assert_eq!(r.added, n);
    assert_eq!(schema_indexes(&l.sandbox.db), before, "after the import");
    // Counted once at the end, and running again for the next write.
    assert_eq!(l.lib.integrity_check().unwrap(), ["ok"], "after the import");
    assert_eq!(l.lib.stats().unwrap().by_status.completed, n as u32);
    let conn = rusqlite::Connection::open(&l.sandbox.db).unwrap();
    let plan: String = conn
        .query_row(
            "EXPLAIN QUERY PLAN SELECT id FROM entries
             ORDER BY rating IS NULL, rating DESC LIMIT 5",
            [],
            |r| r.get(3),
        )
        .unwrap();
    assert!(plan.contains("entries_rating_order"), "{plan}");
    let best: String = conn
        .query_row(
            "SELECT t.name FROM entries e JOIN titles t ON t.id = e.title_id
             ORDER BY e.rating IS NULL, e.rating DESC, t.name LIMIT 1",
            [],
            |r| r.get(0),
        )
        .unwrap();
    assert_eq!(best, "Drama 1099");

    // A small file into the now bigger library writes row by row, the
    // indexes in place throughout.
    let r = csv_file("title,kind,year,status\nOne more,film,2024,plan-to-watch\n")
        .run(&mut l.lib, Mode::Apply, &RunOptions::default())
        .unwrap();
    assert_eq!(r.added, 1);
    assert_eq!(
        schema_indexes(&l.sandbox.db),
        before,
        "after a small import"
    );
    assert_eq!(l.lib.integrity_check().unwrap(), ["ok"]);
    assert_eq!(l.lib.stats().unwrap().titles, n as u32 + 1);
}

/// The watches TV Time's oldest export names by a TVDB episode id alone go
/// through a Watchlog JSON export and back: the library the file is
/// imported into keeps them waiting for a match, with their times, and
/// importing the file again adds none.
#[test]
fn loose_watches_go_through_a_watchlog_export() {
    let Some(dir) = fixture("tvtime/tvtime_gdpr_2020_arlessweschler") else {
        return;
    };
    let mut from = new_lib();
    import(&mut from, Some(ImportFormat::TvTime), &dir, true);
    let kept = from.lib.loose_watches().unwrap();
    assert_eq!(kept.len(), 7723 + 519);

    let file = export_json(&from.lib);
    let text = std::str::from_utf8(&file[0].bytes).unwrap();
    assert!(text.contains("\"version\": 4"), "{}", &text[..200]);
    assert!(text.contains("\"loose_watches\": ["));
    let whole: watchlog_core::transfer::export::watchlog_json::WatchlogFile =
        serde_json::from_str(text).unwrap();
    assert!(
        text == serde_json::to_string_pretty(&whole).unwrap() + "\n",
        "written entry by entry, the file is not the one written whole"
    );
    let mut to = new_lib();
    let r = Import::from_files(Some(ImportFormat::WatchlogJson), file.clone())
        .unwrap()
        .run(&mut to.lib, Mode::Apply, &RunOptions::default())
        .unwrap();
    assert_eq!((r.added, r.loose_episodes), (194, kept.len()), "{r:#?}");
    assert_eq!(to.lib.loose_watches().unwrap(), kept);
    let again = Import::from_files(Some(ImportFormat::WatchlogJson), file)
        .unwrap()
        .run(&mut to.lib, Mode::Apply, &RunOptions::default())
        .unwrap();
    assert_eq!(
        (again.added, again.updated, again.loose_episodes),
        (0, 0, 0)
    );

    // A library with none writes a file without the key, as version 2 did.
    let empty = new_lib();
    let file = export_json(&empty.lib);
    assert!(!std::str::from_utf8(&file[0].bytes)
        .unwrap()
        .contains("loose_watches"));
}

/// What a person drops or picks by mistake: a folder with no export in it,
/// an empty folder, a file of no service. Each gets a message naming what
/// was chosen (nothing is read into a library before the format is known).
#[test]
fn a_folder_or_file_that_is_no_export_is_refused_by_name() {
    let sandbox = Sandbox::new();

    let holiday = sandbox.file("Holiday photos");
    std::fs::create_dir(&holiday).unwrap();
    std::fs::write(holiday.join("notes.txt"), "packing list: socks, charger\n").unwrap();
    let e = Import::read(None, &holiday).unwrap_err();
    assert_eq!(e.code(), "invalid_input", "{e}");
    let e = e.to_string();
    assert!(
        e.contains("none of the files in the folder Holiday photos is an export"),
        "a folder without an export is named as a folder: {e}"
    );

    let empty = sandbox.file("Empty");
    std::fs::create_dir(&empty).unwrap();
    let e = Import::read(None, &empty).unwrap_err().to_string();
    assert!(e.contains("the folder Empty holds no files"), "{e}");

    let e = Import::read(None, &holiday.join("notes.txt"))
        .unwrap_err()
        .to_string();
    assert!(
        e.contains("cannot tell which service notes.txt comes from"),
        "a file of no known service is named: {e}"
    );

    // An unpacked export is a folder too, and is read as one.
    if let Some(letterboxd) = fixture("letterboxd") {
        let i = Import::read(None, &letterboxd).unwrap();
        assert_eq!(i.format(), ImportFormat::Letterboxd);
    }
}
