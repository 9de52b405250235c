//! Lists on a real library file: making them, putting entries on them in
//! order, and every bad input leaving the file as it was; the library's
//! list filter; the exports of one list (HTML, Markdown, Letterboxd's list
//! CSV); and lists through a Watchlog JSON export and back, byte for byte.

use watchlog_core::transfer::import::{Import, Mode, RunOptions};
use watchlog_core::transfer::{self, ExportFormat, ExportOptions};
use watchlog_core::{Library, ListPatch, ListQuery, NewList};
use watchlog_testkit::{sha256, Sandbox};

fn sample() -> (Sandbox, Library) {
    let sandbox = Sandbox::new();
    let mut lib = Library::open(&sandbox.db).unwrap();
    assert_eq!(lib.load_sample().unwrap(), 14);
    (sandbox, lib)
}

fn ids(lib: &Library) -> Vec<i64> {
    lib.list(&ListQuery::default())
        .unwrap()
        .into_iter()
        .map(|r| r.id)
        .collect()
}

fn order(lib: &Library, list: i64) -> Vec<i64> {
    lib.list_detail(list)
        .unwrap()
        .items
        .iter()
        .map(|i| i.entry.id)
        .collect()
}

fn ranked(name: &str) -> NewList {
    NewList {
        name: name.into(),
        description: None,
        ranked: Some(true),
    }
}

/// The library file's bytes with the WAL folded in.
fn file_hash(s: &Sandbox) -> String {
    rusqlite::Connection::open(&s.db)
        .unwrap()
        .execute_batch("PRAGMA wal_checkpoint(TRUNCATE)")
        .unwrap();
    sha256(&s.db)
}

#[test]
fn a_ranked_list_is_made_filled_reordered_and_trimmed() {
    let (_s, mut lib) = sample();
    let e = ids(&lib);
    let top = lib.create_list(&ranked("Top 10 of 2023")).unwrap();
    assert!(top.ranked);
    assert_eq!(top.items, 0);
    for &id in &e[..3] {
        lib.put_on_list(top.id, id, None, None).unwrap();
    }
    assert_eq!(order(&lib, top.id), e[..3]);
    // At the top, with a note.
    let d = lib
        .put_on_list(
            top.id,
            e[3],
            Some(Some("the best **by far**".into())),
            Some(1),
        )
        .unwrap();
    assert_eq!(
        d.items.iter().map(|i| i.position).collect::<Vec<_>>(),
        [1, 2, 3, 4]
    );
    assert_eq!(d.items[0].entry.id, e[3]);
    assert_eq!(d.items[0].note.as_deref(), Some("the best **by far**"));
    // Moving an entry already there by giving it a position.
    lib.put_on_list(top.id, e[3], None, Some(4)).unwrap();
    assert_eq!(order(&lib, top.id), [e[0], e[1], e[2], e[3]]);
    // A drag sends the whole order.
    let d = lib.reorder_list(top.id, &[e[2], e[0], e[3], e[1]]).unwrap();
    assert_eq!(d.list.items, 4);
    assert_eq!(order(&lib, top.id), [e[2], e[0], e[3], e[1]]);
    assert_eq!(
        d.items[2].note.as_deref(),
        Some("the best **by far**"),
        "a note moves with its entry"
    );
    lib.take_from_list(top.id, e[0]).unwrap();
    assert_eq!(order(&lib, top.id), [e[2], e[3], e[1]]);
    // The description is rendered through the one sanitiser.
    let l = lib
        .update_list(
            top.id,
            &ListPatch {
                description: Some(Some("My *favourites*<script>alert(1)</script>".into())),
                ..Default::default()
            },
        )
        .unwrap();
    assert_eq!(l.name, "Top 10 of 2023", "only the keys sent change");
    let html = lib.list_detail(top.id).unwrap().description_html.unwrap();
    assert!(
        html.contains("<em>favourites</em>") && !html.contains("<script"),
        "{html}"
    );
    // An entry can be on many lists; the library filters by one.
    let comfort = lib.create_list(&NewList {
        name: "Comfort rewatches".into(),
        ..Default::default()
    });
    let comfort = comfort.unwrap();
    let put = lib
        .put_entries_on_list(comfort.id, &[e[1], e[5], e[1]])
        .unwrap();
    assert_eq!((put.added, put.already), (2, 1));
    assert_eq!(
        lib.lists_of_entry(e[1])
            .unwrap()
            .iter()
            .map(|l| l.name.as_str())
            .collect::<Vec<_>>(),
        ["Comfort rewatches", "Top 10 of 2023"]
    );
    let mut listed: Vec<i64> = lib
        .list(&ListQuery {
            list: Some(comfort.id),
            ..Default::default()
        })
        .unwrap()
        .into_iter()
        .map(|r| r.id)
        .collect();
    listed.sort();
    let mut want = vec![e[1], e[5]];
    want.sort();
    assert_eq!(listed, want);
    let facets = lib
        .facet_counts(&ListQuery {
            list: Some(top.id),
            ..Default::default()
        })
        .unwrap();
    assert_eq!(facets.total, 3);
}

#[test]
fn deleting_an_entry_takes_it_off_its_lists_and_the_lists_stay() {
    let (_s, mut lib) = sample();
    let e = ids(&lib);
    let top = lib.create_list(&ranked("Top")).unwrap();
    for &id in &e[..4] {
        lib.put_on_list(top.id, id, None, None).unwrap();
    }
    lib.delete_entry(e[1]).unwrap();
    let d = lib.list_detail(top.id).unwrap();
    assert_eq!(d.list.items, 3);
    assert_eq!(
        d.items
            .iter()
            .map(|i| (i.position, i.entry.id))
            .collect::<Vec<_>>(),
        [(1, e[0]), (2, e[2]), (3, e[3])],
        "ranks close up over the deleted entry"
    );
    // Writing after the gap keeps the order whole.
    lib.put_on_list(top.id, e[5], None, Some(2)).unwrap();
    assert_eq!(order(&lib, top.id), [e[0], e[5], e[2], e[3]]);
    // Deleting a list keeps its entries.
    lib.delete_list(top.id).unwrap();
    assert_eq!(ids(&lib).len(), 13);
    assert!(lib.lists().unwrap().is_empty());
}

#[test]
fn bad_input_says_what_is_wrong_and_changes_nothing() {
    let (s, mut lib) = sample();
    let e = ids(&lib);
    let top = lib.create_list(&ranked("Top 10 of 2023")).unwrap();
    lib.put_on_list(top.id, e[0], None, None).unwrap();
    lib.put_on_list(top.id, e[1], None, None).unwrap();
    let before = file_hash(&s);
    let cases: Vec<(watchlog_core::Error, &str, &str)> = vec![
        (
            lib.create_list(&ranked("  ")).unwrap_err(),
            "invalid_input",
            "needs a name",
        ),
        (
            lib.create_list(&ranked("top 10 OF 2023")).unwrap_err(),
            "conflict",
            "already a list called 'top 10 OF 2023'",
        ),
        (
            lib.create_list(&ranked(&"x".repeat(201))).unwrap_err(),
            "invalid_input",
            "at most 200 characters",
        ),
        (
            lib.put_on_list(top.id, e[0], None, None).unwrap_err(),
            "conflict",
            "already on 'Top 10 of 2023' (at 1)",
        ),
        (
            lib.put_on_list(top.id, e[2], None, Some(4)).unwrap_err(),
            "invalid_input",
            "position 4 is out of range: 'Top 10 of 2023' holds 2 entries, so it can be 1 to 3",
        ),
        (
            lib.put_on_list(top.id, e[0], None, Some(3)).unwrap_err(),
            "invalid_input",
            "so it can be 1 to 2",
        ),
        (
            lib.put_on_list(top.id, e[2], None, Some(0)).unwrap_err(),
            "invalid_input",
            "position 0 is out of range",
        ),
        (
            lib.put_on_list(top.id, 999_999, None, None).unwrap_err(),
            "not_found",
            "no entry with id 999999",
        ),
        (
            lib.put_on_list(999, e[0], None, None).unwrap_err(),
            "not_found",
            "no list with id 999",
        ),
        (
            lib.take_from_list(top.id, e[5]).unwrap_err(),
            "invalid_input",
            "is not on 'Top 10 of 2023'",
        ),
        (
            lib.reorder_list(top.id, &[e[1]]).unwrap_err(),
            "invalid_input",
            "leaves out 1 of its entries",
        ),
        (
            lib.reorder_list(top.id, &[e[1], e[1]]).unwrap_err(),
            "invalid_input",
            "is named twice",
        ),
        (
            lib.put_entries_on_list(top.id, &[e[5], 999_999])
                .unwrap_err(),
            "not_found",
            "no entry with id 999999",
        ),
        (
            lib.find_list("Bottom 10").unwrap_err(),
            "invalid_input",
            "there is no list called 'Bottom 10'",
        ),
    ];
    for (err, code, says) in cases {
        assert_eq!(err.code(), code, "{err}");
        assert!(err.to_string().contains(says), "{err} does not say {says}");
    }
    assert_eq!(
        lib.update_list(
            top.id,
            &ListPatch {
                name: Some("".into()),
                ..Default::default()
            }
        )
        .unwrap_err()
        .field(),
        Some("name")
    );
    assert_eq!(before, file_hash(&s), "the library is as it was");
    assert_eq!(order(&lib, top.id), [e[0], e[1]]);
}

fn export_list(lib: &Library, format: ExportFormat, list: i64) -> (String, transfer::ExportReport) {
    let mut out = Vec::new();
    let options = ExportOptions {
        list: Some(list),
        exported_at: Some("2026-12-01T12:00:00Z".parse().unwrap()),
        ..Default::default()
    };
    let report = transfer::export(lib, format, &options, &mut out).unwrap();
    (String::from_utf8(out).unwrap(), report)
}

#[test]
fn a_list_exports_as_an_inert_page_markdown_and_letterboxd_csv_in_its_order() {
    let (_s, mut lib) = sample();
    let top = lib.create_list(&ranked("Top <3 of 2023")).unwrap();
    lib.update_list(
        top.id,
        &ListPatch {
            description: Some(Some(
                "Start *here*.<img src=https://x.example/t.png>".into(),
            )),
            ..Default::default()
        },
    )
    .unwrap();
    let all = lib.list(&ListQuery::default()).unwrap();
    let unrated = all.iter().find(|r| r.rating.is_none()).unwrap();
    let film = all
        .iter()
        .find(|r| r.kind == watchlog_core::Kind::Film)
        .unwrap();
    let picks = [unrated.id, all[0].id, film.id];
    let mut picks: Vec<i64> = picks.to_vec();
    picks.dedup();
    for &id in &picks {
        lib.put_on_list(top.id, id, None, None).unwrap();
    }
    lib.put_on_list(
        top.id,
        picks[0],
        Some(Some("watch it *twice*\n\n<script>x</script>".into())),
        None,
    )
    .unwrap();
    let name_of = |id: i64| all.iter().find(|r| r.id == id).unwrap().name.clone();

    let (html, report) = export_list(&lib, ExportFormat::Html, top.id);
    assert_eq!(
        report.written,
        picks.len(),
        "an unrated entry is kept on a list"
    );
    assert_eq!(
        report.filtered_out, 0,
        "the other entries are not 'left out'"
    );
    assert!(!html.to_lowercase().contains("<script"), "no script");
    assert!(
        !html.contains("src=\"http") && !html.contains("src=http"),
        "nothing loaded"
    );
    assert!(html.contains("Content-Security-Policy"));
    assert!(html.contains("<title>Top &lt;3 of 2023</title>"));
    assert!(html.contains("Start <em>here</em>."));
    assert!(
        html.contains("watch it <em>twice</em>"),
        "{}",
        &html[html.find("<main>").unwrap()..]
    );
    let at: Vec<usize> = picks
        .iter()
        .map(|&id| {
            html.find(&format!("<h3>{}</h3>", name_of(id)))
                .unwrap_or_else(|| panic!("{} is on the page", name_of(id)))
        })
        .collect();
    assert!(at.windows(2).all(|w| w[0] < w[1]), "in the list's order");
    assert!(html.contains("<div class=\"rank\">1</div>"));

    let (md, _) = export_list(&lib, ExportFormat::Markdown, top.id);
    assert!(md.starts_with("# Top \\<3 of 2023\n"), "{md}");
    let at: Vec<usize> = picks
        .iter()
        .enumerate()
        .map(|(i, &id)| {
            md.find(&format!("### {}\\. {}", i + 1, name_of(id)))
                .unwrap()
        })
        .collect();
    assert!(at.windows(2).all(|w| w[0] < w[1]), "{md}");
    assert!(
        md.contains("> watch it *twice*\n>\n> &lt;script>x&lt;/script>"),
        "{md}"
    );

    let (csv, report) = export_list(&lib, ExportFormat::Letterboxd, top.id);
    let mut r = csv::Reader::from_reader(csv.as_bytes());
    assert_eq!(
        r.headers().unwrap().iter().collect::<Vec<_>>(),
        [
            "Position",
            "LetterboxdURI",
            "tmdbID",
            "imdbID",
            "Title",
            "Year",
            "Directors",
            "Review"
        ]
    );
    let rows: Vec<csv::StringRecord> = r.records().map(|r| r.unwrap()).collect();
    assert_eq!(rows.len() + report.skipped.len(), picks.len());
    let positions: Vec<u32> = rows.iter().map(|r| r[0].parse().unwrap()).collect();
    assert!(positions.windows(2).all(|w| w[0] < w[1]), "{csv}");
    assert!(
        rows.iter().any(|r| r[4] == name_of(film.id)),
        "films are listed: {csv}"
    );
    assert!(
        report
            .skipped
            .iter()
            .all(|s| s.reason.contains("not series") || s.reason.contains("not specials")),
        "{:?}",
        report.skipped
    );
}

/// A library with lists goes through a Watchlog JSON export into an empty
/// library and out again byte for byte; importing the file again changes
/// nothing.
#[test]
fn lists_go_through_a_watchlog_export_byte_for_byte() {
    let (_s, mut lib) = sample();
    let e = ids(&lib);
    let top = lib.create_list(&ranked("Top 10 of 2023")).unwrap();
    lib.update_list(
        top.id,
        &ListPatch {
            description: Some(Some("Two lines\nof *Markdown*".into())),
            ..Default::default()
        },
    )
    .unwrap();
    lib.put_on_list(top.id, e[4], Some(Some("first".into())), None)
        .unwrap();
    lib.put_on_list(top.id, e[2], None, None).unwrap();
    lib.put_on_list(top.id, e[7], None, Some(1)).unwrap();
    let other = lib
        .create_list(&NewList {
            name: "스물다섯 comfort".into(),
            ..Default::default()
        })
        .unwrap();
    lib.put_on_list(other.id, e[2], None, None).unwrap();
    lib.create_list(&NewList {
        name: "Empty for now".into(),
        ..Default::default()
    })
    .unwrap();
    let options = ExportOptions {
        exported_at: Some("2026-12-01T12:00:00Z".parse().unwrap()),
        ..Default::default()
    };
    let mut first = Vec::new();
    transfer::export(&lib, ExportFormat::WatchlogJson, &options, &mut first).unwrap();
    let text = std::str::from_utf8(&first).unwrap();
    assert!(text.contains("\"lists\": ["), "{}", &text[..400]);

    let to = Sandbox::new();
    let mut into = Library::open(&to.db).unwrap();
    let path = to.file("library.json");
    std::fs::write(&path, &first).unwrap();
    let import = Import::read(None, &path).unwrap();
    let r = import
        .run(&mut into, Mode::Apply, &RunOptions::default())
        .unwrap();
    assert_eq!((r.lists_added, r.lists_updated), (3, 0), "{r:#?}");
    let mut second = Vec::new();
    transfer::export(&into, ExportFormat::WatchlogJson, &options, &mut second).unwrap();
    assert_eq!(
        std::str::from_utf8(&second).unwrap(),
        text,
        "the second export is the first"
    );
    let again = import
        .run(&mut into, Mode::Apply, &RunOptions::default())
        .unwrap();
    assert_eq!(
        (
            again.added,
            again.updated,
            again.lists_added,
            again.lists_updated
        ),
        (0, 0, 0, 0),
        "{again:#?}"
    );
    // A list changed in the library is put back as the file has it.
    let top_there = into.find_list("top 10 of 2023").unwrap();
    let d = into.list_detail(top_there.id).unwrap();
    let reversed: Vec<i64> = d.items.iter().rev().map(|i| i.entry.id).collect();
    into.reorder_list(top_there.id, &reversed).unwrap();
    let back = import
        .run(&mut into, Mode::Apply, &RunOptions::default())
        .unwrap();
    assert_eq!(back.lists_updated, 1, "{back:#?}");
    assert_eq!(order(&into, top_there.id), order(&lib, top.id));
}

/// Two faces putting entries on one list at the same time (the app and
/// the CLI, each with its own connection) lose none of them: each write
/// reads and rewrites the list's order under the write lock.
#[test]
fn two_faces_putting_entries_on_one_list_at_once_keep_them_all() {
    let s = Sandbox::new();
    let mut lib = Library::open(&s.db).unwrap();
    lib.load_sample().unwrap();
    let top = lib.create_list(&ranked("Both at once")).unwrap();
    let e = ids(&lib);
    let (a, b): (Vec<i64>, Vec<i64>) = e.iter().partition(|id| *id % 2 == 0);
    let run = |mine: Vec<i64>| {
        let db = s.db.clone();
        std::thread::spawn(move || {
            let mut lib = Library::open(&db).unwrap();
            for id in mine {
                lib.put_on_list(top.id, id, None, None).unwrap();
            }
        })
    };
    let (ta, tb) = (run(a), run(b));
    ta.join().unwrap();
    tb.join().unwrap();
    let mut on = order(&lib, top.id);
    on.sort();
    let mut all = e.clone();
    all.sort();
    assert_eq!(on, all, "every entry either face put is on the list");
    let d = lib.list_detail(top.id).unwrap();
    assert_eq!(
        d.items.iter().map(|i| i.position).collect::<Vec<_>>(),
        (1..=e.len() as u32).collect::<Vec<_>>()
    );
}
