//! Exports, imports, atomic writes, backups and restores, against real
//! SQLite files in temporary folders.

use std::io::{self, Write};
use std::path::{Path, PathBuf};

use chrono::{DateTime, NaiveDate, TimeZone, Utc};
use watchlog_core::backup::{self, backup_auto_at, check_backup, restore_at};
use watchlog_core::transfer::import::{
    watchlog_json, Import, ImportAction, ImportFormat, ImportReport, Incoming, Mode, ParsedExport,
    RunOptions,
};
use watchlog_core::transfer::{
    export, export_to_path, export_with_posters, write_atomically, ExportFilter, ExportFormat,
    ExportOptions, NoPosters, Poster, ReviewOrder, SpoilerMode,
};
use watchlog_core::{
    EntryFields, ExternalIds, Kind, Library, NewEntry, Person, Rating, RatingScale, Role, Status,
    TitleFacts, ViewingDetails,
};

fn fixed_time() -> DateTime<Utc> {
    Utc.with_ymd_and_hms(2024, 3, 1, 12, 0, 0).unwrap()
}

fn day(s: &str) -> NaiveDate {
    NaiveDate::parse_from_str(s, "%Y-%m-%d").unwrap()
}

/// A small library: Soundtrack #2, Reply 1988 (with a rewatch), Parasite
/// (a film), Little Forest (planned), with every timestamp fixed.
/// A library in a temporary file, removed with it; it derefs to the
/// library. A file, so tests can set what the store offers no way to set
/// (fixed timestamps) over a connection of their own.
struct FileLib {
    lib: Library,
    _dir: tempfile::TempDir,
}

impl std::ops::Deref for FileLib {
    type Target = Library;
    fn deref(&self) -> &Library {
        &self.lib
    }
}

impl std::ops::DerefMut for FileLib {
    fn deref_mut(&mut self) -> &mut Library {
        &mut self.lib
    }
}

fn small_library() -> FileLib {
    let dir = tempfile::tempdir().unwrap();
    let (_, lib) = file_library(dir.path());
    FileLib { lib, _dir: dir }
}

fn fill_small(lib: &mut Library) {
    let wanted = ["Soundtrack #2", "Reply 1988", "Parasite", "Little Forest"];
    let picked: Vec<NewEntry> = watchlog_core::sample::entries()
        .into_iter()
        .filter(|e| wanted.contains(&e.title.name.as_str()))
        .collect();
    assert_eq!(picked.len(), 4, "the sample library lost one of {wanted:?}");
    let mut ids = Vec::new();
    for e in &picked {
        ids.push(lib.add_entry_on(e, day("2024-02-01")).unwrap());
    }
    let reply = ids[picked
        .iter()
        .position(|e| e.title.name == "Reply 1988")
        .unwrap()];
    lib.add_viewing(
        reply,
        &ViewingDetails {
            started_on: Some(day("2023-12-01")),
            finished_on: Some(day("2024-01-10")),
            platform: Some("Netflix".into()),
            progress: 20,
        },
    )
    .unwrap();
    fix_timestamps(lib);
}

fn fix_timestamps(lib: &Library) {
    rusqlite::Connection::open(lib.path().expect("a library in a file"))
        .unwrap()
        .execute(
            "UPDATE entries SET added_at = ?1, updated_at = ?1",
            [Utc.with_ymd_and_hms(2024, 2, 1, 9, 30, 0).unwrap()],
        )
        .unwrap();
}

/// Runs what a Watchlog reader parsed through the import door.
fn run_import(
    lib: &mut Library,
    format: ImportFormat,
    incoming: &Incoming,
    mode: Mode,
) -> watchlog_core::Result<ImportReport> {
    let parsed = ParsedExport {
        incoming: incoming.clone(),
        ..Default::default()
    };
    Import::new(format, parsed).run(lib, mode, &RunOptions::default())
}

fn options() -> ExportOptions {
    ExportOptions {
        exported_at: Some(fixed_time()),
        ..Default::default()
    }
}

fn export_string(lib: &Library, format: ExportFormat, opts: &ExportOptions) -> String {
    let mut out = Vec::new();
    export(lib, format, opts, &mut out).unwrap();
    String::from_utf8(out).unwrap()
}

fn add(lib: &mut Library, name: &str, kind: Kind, fields: EntryFields) -> i64 {
    lib.add_entry_on(
        &NewEntry {
            title: TitleFacts {
                kind,
                name: name.into(),
                year: Some(2020),
                ..Default::default()
            },
            fields,
        },
        day("2024-02-01"),
    )
    .unwrap()
}

// ---------------------------------------------------------------- formats

#[test]
fn format_names_parse() {
    for f in ExportFormat::ALL {
        assert_eq!(f.as_str().parse::<ExportFormat>().unwrap(), f);
    }
    assert_eq!(
        "JSON".parse::<ExportFormat>().unwrap(),
        ExportFormat::WatchlogJson
    );
    let err = "pdf".parse::<ExportFormat>().unwrap_err().to_string();
    assert!(
        err.contains("watchlog-json, csv, markdown, html, letterboxd"),
        "{err}"
    );
    // Options travel over IPC as JSON; an empty object is the defaults.
    let o: ExportOptions = serde_json::from_str("{}").unwrap();
    assert_eq!(o, ExportOptions::default());
}

#[test]
fn csv_snapshot() {
    let lib = small_library();
    insta::assert_snapshot!(
        "csv_small_library",
        export_string(&lib, ExportFormat::Csv, &options())
    );
}

#[test]
fn csv_quotes_commas_quotes_and_newlines() {
    let mut lib = Library::open_in_memory().unwrap();
    add(
        &mut lib,
        "Hello, \"World\"",
        Kind::Film,
        EntryFields {
            review: Some("line one,\nline \"two\"".into()),
            ..Default::default()
        },
    );
    let text = export_string(&lib, ExportFormat::Csv, &options());
    let mut rdr = csv::Reader::from_reader(text.as_bytes());
    let row = rdr.records().next().unwrap().unwrap();
    assert_eq!(&row[1], "Hello, \"World\"");
    assert_eq!(&row[17], "line one,\nline \"two\"");
}

#[test]
fn markdown_snapshots() {
    let lib = small_library();
    insta::assert_snapshot!(
        "markdown_by_rating",
        export_string(&lib, ExportFormat::Markdown, &options())
    );
    let by_status = ExportOptions {
        order: ReviewOrder::Status,
        spoilers: SpoilerMode::Omit,
        scale: Some(RatingScale::Stars5),
        ..options()
    };
    insta::assert_snapshot!(
        "markdown_by_status_stars_no_spoilers",
        export_string(&lib, ExportFormat::Markdown, &by_status)
    );
}

#[test]
fn markdown_spoilers_are_hidden_or_left_out() {
    let lib = small_library();
    let hidden = export_string(&lib, ExportFormat::Markdown, &options());
    assert!(
        hidden.contains("<details><summary>Spoiler</summary>\n\nA small, warm love triangle"),
        "the spoiler review should sit in a details block:\n{hidden}"
    );
    let opts = ExportOptions {
        spoilers: SpoilerMode::Omit,
        order: ReviewOrder::Finished,
        ..options()
    };
    let mut out = Vec::new();
    let report = export(&lib, ExportFormat::Markdown, &opts, &mut out).unwrap();
    let omitted = String::from_utf8(out).unwrap();
    assert!(!omitted.contains("love triangle"), "{omitted}");
    assert!(
        omitted.contains("### Soundtrack #2"),
        "the title stays: {omitted}"
    );
    assert!(
        report
            .notes
            .iter()
            .any(|n| n.title == "Soundtrack #2" && n.reason.contains("spoiler")),
        "{report:?}"
    );
    // Little Forest is only planned: nothing to review.
    assert!(
        report.skipped.iter().any(|s| s.title == "Little Forest"),
        "{report:?}"
    );
    assert_eq!(report.written, 3);
}

/// A spoiler review that holds raw HTML cannot close the export's own
/// `<details>` block and show the spoiler, or add markup of its own.
#[test]
fn markdown_reviews_cannot_break_out_of_their_spoiler_block() {
    let mut lib = Library::open_in_memory().unwrap();
    add(
        &mut lib,
        "Hostile",
        Kind::Film,
        EntryFields {
            status: Status::Completed,
            review: Some("Twist: </details>\n\nthe butler <b onclick=x>did it</b>\n<script>alert(1)</script>".into()),
            review_spoiler: true,
            ..Default::default()
        },
    );
    let md = export_string(&lib, ExportFormat::Markdown, &options());
    assert_eq!(
        md.matches("</details>").count(),
        1,
        "only the export's own: {md}"
    );
    assert!(!md.contains("<script") && !md.contains("<b "), "{md}");
    let html = watchlog_core::markdown::render(&md);
    let inside = &html[html.find("<details>").unwrap()..html.find("</details>").unwrap()];
    assert!(
        inside.contains("the butler"),
        "the spoiler stays folded: {html}"
    );
}

/// Rendered by a Markdown renderer that keeps raw HTML, the export holds
/// no markup, image or `javascript:` link of a review's or a tag's: an
/// open code fence at the end of one review is closed before the next
/// title (whose own fence would otherwise close it and free its raw HTML),
/// and a tag with a line break stays one code span.
#[test]
fn markdown_reviews_and_tags_keep_to_themselves() {
    let mut lib = Library::open_in_memory().unwrap();
    let rated = |rating, review: &str, tags: Vec<String>| EntryFields {
        status: Status::Completed,
        rating: Some(Rating::new(rating).unwrap()),
        review: Some(review.into()),
        tags,
        ..Default::default()
    };
    add(
        &mut lib,
        "First",
        Kind::Film,
        rated(
            90,
            "Good.\n\n```\nan open fence",
            vec!["md\n\n<img src=x onerror=alert(1)>".into()],
        ),
    );
    add(
        &mut lib,
        "Second",
        Kind::Film,
        rated(
            80,
            "```\n<img src=x onerror=alert(2)>\n```\n\n[x](javascript:alert(3)) ![y](https://example.com/y.png)",
            Vec::new(),
        ),
    );
    let md = export_string(&lib, ExportFormat::Markdown, &options());
    let mut html = String::new();
    pulldown_cmark::html::push_html(&mut html, pulldown_cmark::Parser::new(&md));
    assert!(
        !html.contains("<img") && !html.contains("href=\"javascript:"),
        "raw HTML, an image or a script link got through: {html}"
    );
    assert!(
        html.contains("<h3>Second</h3>"),
        "the second title is a heading: {html}"
    );
    assert!(
        html.contains("&lt;img src=x onerror=alert(2)&gt;"),
        "the second review's code is still code: {html}"
    );
}

/// Found by fuzzing (`fuzz/fuzz_targets/markdown_export.rs`): a review
/// that leaves a code fence open ran to the end of the document, so the
/// export's own `</details>` became code, the spoiler block never closed
/// and every title after it was folded inside; a tag holding a blank line
/// ended its code span and its `</details>` closed the block early.
#[test]
fn markdown_open_fences_and_multi_line_tags_stay_in_their_entry() {
    let mut lib = Library::open_in_memory().unwrap();
    add(
        &mut lib,
        "Fenced",
        Kind::Film,
        EntryFields {
            status: Status::Completed,
            rating: Some(Rating::new(90).unwrap()),
            review: Some("The ending:\n\n```\n</details>\nthe butler did it".into()),
            review_spoiler: true,
            tags: vec!["tag\n\n</details>".into()],
            ..Default::default()
        },
    );
    add(
        &mut lib,
        "After",
        Kind::Film,
        EntryFields {
            status: Status::Completed,
            rating: Some(Rating::new(50).unwrap()),
            review: Some("~~~~\nopen tilde fence".into()),
            ..Default::default()
        },
    );
    add(
        &mut lib,
        "Last",
        Kind::Film,
        EntryFields {
            status: Status::Completed,
            rating: Some(Rating::new(10).unwrap()),
            ..Default::default()
        },
    );
    let md = export_string(&lib, ExportFormat::Markdown, &options());
    let html = watchlog_core::markdown::render(&md);
    assert_eq!(
        html.matches("</details>").count(),
        1,
        "one spoiler block, closed once:\n{md}\n{html}"
    );
    let close = html.find("</details>").unwrap();
    let butler = html.find("the butler").expect("the spoiler is kept");
    assert!(butler < close, "the spoiler stays folded:\n{html}");
    for title in ["<h3>After</h3>", "<h3>Last</h3>"] {
        let at = html
            .find(title)
            .unwrap_or_else(|| panic!("{title} is a heading:\n{md}\n{html}"));
        assert!(at > close, "{title} is outside the spoiler block:\n{html}");
    }
    assert!(
        md.contains("Tags: `tag  </details>`"),
        "the tag stays on its line, in its code span:\n{md}"
    );
}

/// Found by fuzzing: once the review's `<div>` block was made text, the
/// code fence it held opened instead, paired with the next fence, and the
/// `<script>` that fence had kept as code stood in the export as raw HTML.
#[test]
fn markdown_html_uncovered_by_escaping_is_escaped_too() {
    let mut lib = Library::open_in_memory().unwrap();
    add(
        &mut lib,
        "Layered",
        Kind::Film,
        EntryFields {
            status: Status::Completed,
            review: Some(
                "<div>\n```\n\n```\n<script>alert(1)</script>\n```\n\nx <!--\n</details> -->"
                    .into(),
            ),
            review_spoiler: true,
            ..Default::default()
        },
    );
    let md = export_string(&lib, ExportFormat::Markdown, &options());
    assert!(!md.contains("<script"), "{md}");
    assert_eq!(md.matches("</details>").count(), 1, "{md}");
}

#[test]
fn rating_labels() {
    use watchlog_core::transfer::export::rating_label;
    let r = Rating::new(85).unwrap();
    assert_eq!(rating_label(r, RatingScale::Ten), "8.5/10");
    assert_eq!(rating_label(r, RatingScale::Stars5), "★★★★½");
    assert_eq!(rating_label(r, RatingScale::Hundred), "85/100");
}

const HOSTILE: &str = concat!(
    "Fine show.\n\n<script>alert(1)</script>\n\n",
    "<img src=x onerror=\"alert(2)\">\n\n",
    "[click](javascript:alert(3))\n\n",
    "<a href=\"javascript:alert(4)\">a</a>"
);

#[test]
fn html_is_self_contained_and_inert() {
    let mut lib = small_library();
    add(
        &mut lib,
        "<b>Hostile</b> \"show\"",
        Kind::Series,
        EntryFields {
            status: Status::Completed,
            rating: Some(Rating::new(20).unwrap()),
            review: Some(HOSTILE.into()),
            ..Default::default()
        },
    );
    let html = export_string(&lib, ExportFormat::Html, &options());
    let lower = html.to_ascii_lowercase();
    for needle in [
        "<script",
        "onerror",
        "javascript:",
        "<img src=x",
        "<b>hostile",
    ] {
        assert!(!lower.contains(needle), "'{needle}' reached the HTML page");
    }
    assert!(html.contains(
        "<meta http-equiv=\"Content-Security-Policy\" content=\"default-src 'none'; style-src 'unsafe-inline'; img-src data:\">"
    ));
    assert!(html.contains("&lt;b&gt;Hostile&lt;/b&gt; &quot;show&quot;"));
    assert!(
        html.contains("Fine show."),
        "the harmless part of the review stays"
    );
    assert!(html.contains("prefers-color-scheme: dark") && html.contains("@media print"));
    for external in ["http://", "https://", "<link", "@import", "url("] {
        assert!(
            !lower.contains(external),
            "'{external}' would load something from outside"
        );
    }
    assert!(html.contains("<details class=\"review\"><summary>Spoiler</summary>"));
    assert!(
        html.contains("<strong>Spoiler:</strong>"),
        "reviews are rendered Markdown"
    );
    // No poster hook: every entry gets its placeholder.
    assert!(html.contains("class=\"poster placeholder\""));
}

#[test]
fn html_embeds_posters_from_the_hook() {
    let lib = small_library();
    let posters = |e: &watchlog_core::Entry| {
        (e.title.facts.name == "Parasite").then(|| Poster {
            mime: "image/png".into(),
            bytes: vec![0x89, b'P', b'N', b'G'],
        })
    };
    let mut out = Vec::new();
    export_with_posters(&lib, ExportFormat::Html, &options(), &posters, &mut out).unwrap();
    let html = String::from_utf8(out).unwrap();
    assert_eq!(
        html.matches("src=\"data:image/png;base64,iVBORw==\"")
            .count(),
        1,
        "{html}"
    );
    assert_eq!(
        html.matches("poster placeholder").count(),
        2,
        "Soundtrack #2 and Reply 1988 have none"
    );
}

#[test]
fn letterboxd_holds_films_and_reports_the_rest() {
    let mut lib = small_library();
    let mini = add(
        &mut lib,
        "A Miniseries",
        Kind::Miniseries,
        EntryFields {
            status: Status::Completed,
            rating: Some(Rating::new(73).unwrap()),
            finished_on: Some(day("2024-01-05")),
            ..Default::default()
        },
    );
    let mut out = Vec::new();
    let report = export(&lib, ExportFormat::Letterboxd, &options(), &mut out).unwrap();
    let text = String::from_utf8(out).unwrap();
    let mut rdr = csv::Reader::from_reader(text.as_bytes());
    assert_eq!(
        rdr.headers().unwrap().iter().collect::<Vec<_>>(),
        watchlog_core::transfer::export::letterboxd::COLUMNS
    );
    let rows: Vec<csv::StringRecord> = rdr.records().map(Result::unwrap).collect();
    let titles: Vec<&str> = rows.iter().map(|r| &r[3]).collect();
    assert_eq!(titles, ["Parasite", "A Miniseries"], "{text}");
    assert_eq!(&rows[1][6], "3.5", "73 rounds to three and a half stars");
    assert_eq!(&rows[1][7], "7");
    assert_eq!(&rows[1][8], "2024-01-05");
    assert!(report
        .notes
        .iter()
        .any(|n| n.entry_id == mini && n.reason.contains("rounded to 3.5 stars")));
    let reasons: Vec<(&str, &str)> = report
        .skipped
        .iter()
        .map(|s| (s.title.as_str(), s.reason.as_str()))
        .collect();
    assert!(
        reasons.contains(&(
            "Soundtrack #2",
            "Letterboxd lists films and miniseries, not series"
        )),
        "{reasons:?}"
    );
    assert!(
        reasons
            .iter()
            .any(|(t, r)| *t == "Little Forest" && r.contains("not watched yet")),
        "{reasons:?}"
    );
    assert_eq!(report.written, 2);
}

#[test]
fn filters_apply_to_every_format() {
    let lib = small_library();
    let opts = ExportOptions {
        filter: ExportFilter {
            statuses: vec![Status::Completed],
            min_rating: Some(Rating::new(96).unwrap()),
            ..Default::default()
        },
        ..options()
    };
    for format in ExportFormat::ALL {
        let mut out = Vec::new();
        let report = export(&lib, format, &opts, &mut out).unwrap();
        let text = String::from_utf8(out).unwrap();
        assert_eq!(
            report.filtered_out, 3,
            "{format}: only Reply 1988 is rated over 95"
        );
        if format == ExportFormat::Letterboxd {
            // A series: Letterboxd cannot hold it, and says so.
            assert_eq!(report.skipped.len(), 1, "{report:?}");
        } else {
            assert!(text.contains("Reply 1988"), "{format}");
        }
        assert!(
            !text.contains("Soundtrack"),
            "{format} kept a filtered-out entry"
        );
    }
    let by = |f: ExportFilter| {
        let mut out = Vec::new();
        export(
            &lib,
            ExportFormat::Csv,
            &ExportOptions {
                filter: f,
                ..options()
            },
            &mut out,
        )
        .unwrap()
        .written
    };
    assert_eq!(
        by(ExportFilter {
            platform: Some("disney+".into()),
            ..Default::default()
        }),
        1
    );
    assert_eq!(
        by(ExportFilter {
            tag: Some("COMFORT".into()),
            ..Default::default()
        }),
        2
    );
    assert_eq!(
        by(ExportFilter {
            only_with_review: true,
            ..Default::default()
        }),
        3
    );
    assert_eq!(
        by(ExportFilter {
            finished_from: Some(day("2023-01-01")),
            finished_to: Some(day("2023-12-31")),
            ..Default::default()
        }),
        1,
        "only Soundtrack #2 was finished in 2023"
    );
}

// ---------------------------------------------------------- Watchlog JSON

#[test]
fn json_export_matches_its_schema() {
    let mut lib = small_library();
    lib.add_platform("Laftel", true).unwrap();
    // Lists too: one with a description and a note, one bare.
    let first = lib.list(&Default::default()).unwrap()[0].id;
    let top = lib
        .create_list(&watchlog_core::NewList {
            name: "Top 10 of 2023".into(),
            description: Some("The *best*".into()),
            ranked: Some(true),
        })
        .unwrap();
    lib.put_on_list(top.id, first, Some(Some("why".into())), None)
        .unwrap();
    let bare = lib
        .create_list(&watchlog_core::NewList {
            name: "Later".into(),
            ..Default::default()
        })
        .unwrap();
    lib.put_on_list(bare.id, first, None, None).unwrap();
    let text = export_string(&lib, ExportFormat::WatchlogJson, &options());
    assert!(text.contains("\"lists\": ["));
    let schema_path =
        Path::new(env!("CARGO_MANIFEST_DIR")).join("../../docs/watchlog-export.schema.json");
    let schema: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(&schema_path).unwrap()).unwrap();
    let validator = jsonschema::validator_for(&schema).expect("the schema itself is valid");
    let instance: serde_json::Value = serde_json::from_str(&text).unwrap();
    let errors: Vec<String> = validator
        .iter_errors(&instance)
        .map(|e| format!("{} at {}", e, e.instance_path))
        .collect();
    assert!(
        errors.is_empty(),
        "the export breaks docs/watchlog-export.schema.json: {errors:#?}"
    );
    // And the schema is not vacuous: a broken file fails it.
    let mut broken = instance.clone();
    broken["entries"][0]["rating"] = serde_json::json!(101);
    assert!(
        !validator.is_valid(&broken),
        "a rating of 101 should break the schema"
    );
    assert_eq!(instance["entries"].as_array().unwrap().len(), 4);
    assert_eq!(instance["exported_at"], "2024-03-01T12:00:00Z");
}

fn round_trip(lib: &Library) -> (String, Library) {
    let first = export_string(lib, ExportFormat::WatchlogJson, &options());
    let incoming = watchlog_json::parse(first.as_bytes()).unwrap();
    let mut fresh = Library::open_in_memory().unwrap();
    let report = run_import(
        &mut fresh,
        ImportFormat::WatchlogJson,
        &incoming,
        Mode::Apply,
    )
    .unwrap();
    assert_eq!(report.added, incoming.entries.len());
    (first, fresh)
}

#[test]
fn json_round_trip_is_byte_identical() {
    let mut lib = small_library();
    lib.add_platform("Laftel", true).unwrap();
    let (first, fresh) = round_trip(&lib);
    let second = export_string(&fresh, ExportFormat::WatchlogJson, &options());
    assert_eq!(first, second, "export → import → export changed the file");
}

#[test]
fn importing_twice_changes_nothing() {
    let lib = small_library();
    let (first, mut fresh) = round_trip(&lib);
    let incoming = watchlog_json::parse(first.as_bytes()).unwrap();
    let preview = run_import(
        &mut fresh,
        ImportFormat::WatchlogJson,
        &incoming,
        Mode::Preview,
    )
    .unwrap();
    assert!(!preview.applied);
    assert_eq!(
        (preview.added, preview.updated, preview.unchanged),
        (0, 0, 4),
        "{preview:?}"
    );
    let again = run_import(
        &mut fresh,
        ImportFormat::WatchlogJson,
        &incoming,
        Mode::Apply,
    )
    .unwrap();
    assert_eq!((again.added, again.updated, again.unchanged), (0, 0, 4));
    assert_eq!(fresh.status_counts().unwrap().all, 4);
    assert_eq!(
        export_string(&fresh, ExportFormat::WatchlogJson, &options()),
        first
    );
}

#[test]
fn import_matches_by_catalogue_id_then_by_folded_name() {
    let mut lib = Library::open_in_memory().unwrap();
    let by_name = add(&mut lib, "Pokémon", Kind::Film, EntryFields::default());
    let by_id = lib
        .add_entry(&NewEntry {
            title: TitleFacts {
                kind: Kind::Series,
                name: "Old name".into(),
                external_ids: ExternalIds {
                    tmdb: Some("42".into()),
                    ..Default::default()
                },
                ..Default::default()
            },
            fields: EntryFields::default(),
        })
        .unwrap();
    let mut other = Library::open_in_memory().unwrap();
    add(
        &mut other,
        "POKEMON",
        Kind::Film,
        EntryFields {
            rating: Some(Rating::new(60).unwrap()),
            ..Default::default()
        },
    );
    other
        .add_entry(&NewEntry {
            title: TitleFacts {
                kind: Kind::Series,
                name: "New name".into(),
                external_ids: ExternalIds {
                    tmdb: Some("42".into()),
                    ..Default::default()
                },
                ..Default::default()
            },
            fields: EntryFields::default(),
        })
        .unwrap();
    add(&mut other, "Pokémon", Kind::Series, EntryFields::default()); // another kind: new
    let text = export_string(&other, ExportFormat::WatchlogJson, &options());
    let report = run_import(
        &mut lib,
        ImportFormat::WatchlogJson,
        &watchlog_json::parse(text.as_bytes()).unwrap(),
        Mode::Apply,
    )
    .unwrap();
    let actions: Vec<(ImportAction, i64)> = report
        .items
        .iter()
        .map(|i| (i.action, i.entry_id))
        .collect();
    assert_eq!(actions[0], (ImportAction::Updated, by_name));
    assert_eq!(actions[1], (ImportAction::Updated, by_id));
    assert_eq!(actions[2].0, ImportAction::Added);
    assert_eq!(
        lib.entry(by_name).unwrap().fields.rating,
        Some(Rating::new(60).unwrap())
    );
    assert_eq!(lib.entry(by_id).unwrap().title.facts.name, "New name");
}

#[test]
fn import_is_all_or_nothing() {
    let lib = small_library();
    let text = export_string(&lib, ExportFormat::WatchlogJson, &options());
    let mut value: serde_json::Value = serde_json::from_str(&text).unwrap();
    // The third entry finishes before it starts: the editor would refuse it.
    value["entries"][2]["started_on"] = serde_json::json!("2030-01-01");
    value["entries"][2]["finished_on"] = serde_json::json!("2020-01-01");
    let bad = serde_json::to_string(&value).unwrap();
    let mut target = Library::open_in_memory().unwrap();
    add(
        &mut target,
        "Already here",
        Kind::Film,
        EntryFields::default(),
    );
    let before = export_string(&target, ExportFormat::WatchlogJson, &options());
    let err = run_import(
        &mut target,
        ImportFormat::WatchlogJson,
        &watchlog_json::parse(bad.as_bytes()).unwrap(),
        Mode::Apply,
    )
    .unwrap_err();
    let msg = err.to_string();
    assert!(
        msg.contains("entry 3 of the file") && msg.contains("before the start date"),
        "{msg}"
    );
    assert!(msg.contains("nothing was imported"), "{msg}");
    assert_eq!(
        export_string(&target, ExportFormat::WatchlogJson, &options()),
        before
    );
}

#[test]
fn import_refuses_bad_files_clearly() {
    let cases: [(&str, &str); 6] = [
        ("not json at all", "not a Watchlog export"),
        ("{\"format\": \"trakt\", \"version\": 1}", "its format is 'trakt'"),
        ("[1, 2]", "not a Watchlog export"),
        (
            "{\"format\": \"watchlog\", \"version\": 5, \"entries\": []}",
            "newer Watchlog (export version 5",
        ),
        ("{\"format\": \"watchlog\"}", "no valid \"version\""),
        (
            "{\"format\": \"watchlog\", \"version\": 1, \"exported_at\": \"2024-01-01T00:00:00Z\", \"platforms\": [], \"entries\": [{\"id\": 1}]}",
            "damaged",
        ),
    ];
    for (text, expected) in cases {
        let err = watchlog_json::parse(text.as_bytes())
            .unwrap_err()
            .to_string();
        assert!(
            err.contains(expected),
            "for {text:?} expected '{expected}' in: {err}"
        );
    }
    let err = watchlog_json::parse(&[0xff, 0xfe, 0x00][..])
        .unwrap_err()
        .to_string();
    assert!(err.contains("not UTF-8"), "{err}");
}

mod round_trip_property {
    use super::*;
    use proptest::prelude::*;

    fn text() -> impl Strategy<Value = String> {
        prop_oneof![
            "[a-zA-Z0-9 ,\"]{1,12}",
            "[가-힣 ]{1,8}",
            "[ぁ-んァ-ン一-龥]{1,8}",
            "[😀-🙏🎬 a-z]{1,6}",
        ]
    }

    fn review() -> impl Strategy<Value = Option<String>> {
        prop_oneof![
            Just(None),
            Just(Some(String::new())),
            text().prop_map(Some),
            (text(), 200usize..2000).prop_map(|(t, n)| Some(t.repeat(n))),
            Just(Some(
                "**Bold** and\n\n> quote, \"quoted\"\n\n- list".to_string()
            )),
        ]
    }

    fn rating() -> impl Strategy<Value = Option<Rating>> {
        prop::option::of((0u8..=100).prop_map(|v| Rating::new(v).unwrap()))
    }

    prop_compose! {
        fn entry(i: usize)(
            name in text().prop_filter("a name", |n| !n.trim().is_empty()),
            original in prop::option::of(text()),
            kind in prop::sample::select(Kind::ALL.to_vec()),
            year in prop::option::of(1950i32..2030),
            status in prop::sample::select(Status::ALL.to_vec()),
            rating in rating(),
            story in rating(),
            review in review(),
            spoiler in any::<bool>(),
            notes in prop::option::of(text()),
            platform in prop::option::of(prop::sample::select(vec!["Netflix", "Disney+", "Viki", "Laftel"])),
            progress in 0u32..10,
            favorite in any::<bool>(),
            tags in prop::collection::vec(text().prop_filter("short", |t| t.chars().count() <= 100), 0..4),
            viewings in prop::collection::vec((0u32..10, any::<bool>()), 0..3),
            with_ids in any::<bool>(),
            genres in prop::collection::vec(text(), 0..3),
        ) -> (NewEntry, Vec<ViewingDetails>) {
            let new = NewEntry {
                title: TitleFacts {
                    kind,
                    name,
                    original_name: original,
                    year,
                    episodes: Some(12),
                    genres,
                    people: vec![Person { name: "Kim Hee-won".into(), role: Role::Director, character: None },
                                 Person { name: "DEMIAN".into(), role: Role::Cast, character: Some("Hyun-seo".into()) }],
                    external_ids: ExternalIds {
                        tmdb: with_ids.then(|| format!("{}", 1000 + i)),
                        imdb: with_ids.then(|| format!("tt{:07}", i)),
                        ..Default::default()
                    },
                    ..Default::default()
                },
                fields: EntryFields {
                    status,
                    rating,
                    scores: watchlog_core::SubScores { story, ..Default::default() },
                    review,
                    review_spoiler: spoiler,
                    notes,
                    platform: platform.map(str::to_string),
                    progress,
                    favorite,
                    tags,
                    started_on: Some(day("2023-01-01")),
                    finished_on: None,
                },
            };
            let viewings = viewings
                .into_iter()
                .map(|(p, finished)| ViewingDetails {
                    started_on: Some(day("2023-06-01")),
                    finished_on: finished.then(|| day("2023-07-01")),
                    platform: Some("Viki".into()),
                    progress: p,
                })
                .collect();
            (new, viewings)
        }
    }

    fn library() -> impl Strategy<Value = Vec<(NewEntry, Vec<ViewingDetails>)>> {
        (0usize..6).prop_flat_map(|n| (0..n).map(entry).collect::<Vec<_>>())
    }

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(48))]

        /// Export → import into an empty library → export gives the same
        /// bytes, and importing again changes nothing.
        #[test]
        fn json_round_trip(entries in library(), delete_first in any::<bool>()) {
            let mut lib = Library::open_in_memory().unwrap();
            lib.add_platform("Laftel", true).unwrap();
            for (new, viewings) in &entries {
                let id = lib.add_entry(new).unwrap();
                for v in viewings {
                    lib.add_viewing(id, v).unwrap();
                }
            }
            if delete_first && !entries.is_empty() {
                // A gap in the ids must survive too.
                lib.delete_entry(1).unwrap();
            }
            let (first, mut fresh) = round_trip(&lib);
            let second = export_string(&fresh, ExportFormat::WatchlogJson, &options());
            prop_assert_eq!(&first, &second);
            let again = run_import(&mut fresh, ImportFormat::WatchlogJson, &watchlog_json::parse(first.as_bytes()).unwrap(), Mode::Apply).unwrap();
            prop_assert_eq!(again.added + again.updated, 0, "{:?}", again);
            prop_assert_eq!(export_string(&fresh, ExportFormat::WatchlogJson, &options()), first);
        }
    }
}

// ------------------------------------------------------------- one pass

/// Rows of `sql` (one integer) on a connection of the test's own.
fn count(db: &Path, sql: &str) -> i64 {
    rusqlite::Connection::open(db)
        .unwrap()
        .query_row(sql, [], |r| r.get(0))
        .unwrap()
}

/// Exports read the whole library in one pass, one query per table
/// (`Library::for_each_entry`). Every entry read so must be exactly the
/// entry `Library::entry` reads alone, and its history the library's
/// watches, on a library of real titles with every child table filled:
/// genres, people, catalogue ids, tags, rewatches, numbered watches (a
/// rewatch's own among them) and watches waiting for a number.
#[test]
fn entries_read_in_one_pass_are_each_entry_read_alone() {
    let Some(datasets) = watchlog_testkit::fixtures::path("datasets/streaming/netflix_titles.csv")
        .map(|_| watchlog_testkit::fixtures::dir().join("datasets"))
    else {
        return;
    };
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("watchlog.db");
    let mut lib = Library::open(&db).unwrap();
    lib.generate_sample(&datasets, 1_500, 16).unwrap();
    lib.generate_episode_history(6_000, 16).unwrap();
    let clock = watchlog_core::clock::Clock::fixed(fixed_time(), chrono_tz::Asia::Seoul);
    // A rewatch that keeps the earlier viewing's watches under its id.
    let watched: i64 = count(&db, "SELECT min(entry_id) FROM episode_watches");
    lib.start_rewatch(watched, day("2024-02-20"), &clock)
        .unwrap();
    // Watches another service named without a number wait for one.
    let pending = watchlog_core::IncomingEntry {
        title: TitleFacts {
            kind: Kind::Series,
            name: "A show with no episode list".into(),
            year: Some(2023),
            external_ids: ExternalIds {
                imdb: Some("tt9424242".into()),
                tvdb: Some("424242".into()),
                ..Default::default()
            },
            ..Default::default()
        },
        fields: EntryFields {
            status: Status::Watching,
            tags: vec!["Pending".into(), "already".into()],
            ..Default::default()
        },
        episodes: Some(vec![watchlog_core::IncomingWatch {
            episode: watchlog_core::IncomingEpisode::Named {
                season: Some(1),
                name: "Pilot".into(),
            },
            when: watchlog_core::WatchedWhen::On(day("2024-01-05")),
            ..Default::default()
        }]),
        ..Default::default()
    };
    let incoming = Incoming {
        entries: vec![pending],
        ..Default::default()
    };
    run_import(&mut lib, ImportFormat::Trakt, &incoming, Mode::Apply).unwrap();
    for table in [
        "title_genres",
        "title_people",
        "external_ids",
        "entry_tags",
        "viewings",
        "episode_watches",
        "pending_watches",
    ] {
        assert!(
            count(&db, &format!("SELECT count(*) FROM {table}")) > 0,
            "the library has no {table} rows, so the test would prove nothing about them"
        );
    }
    assert!(
        count(
            &db,
            "SELECT count(*) FROM episode_watches WHERE viewing_id IS NOT NULL"
        ) > 0,
        "no rewatch has watches of its own"
    );

    let mut read = Vec::new();
    lib.for_each_entry(true, |e, history| {
        read.push((e, history));
        Ok(())
    })
    .unwrap();
    let conn = rusqlite::Connection::open(&db).unwrap();
    let ids: Vec<i64> = conn
        .prepare("SELECT id FROM entries ORDER BY id")
        .unwrap()
        .query_map([], |r| r.get(0))
        .unwrap()
        .collect::<rusqlite::Result<_>>()
        .unwrap();
    assert_eq!(
        read.iter().map(|(e, _)| e.id).collect::<Vec<_>>(),
        ids,
        "every entry once, in id order"
    );
    let mut watches_seen = 0;
    for (e, history) in &read {
        assert_eq!(
            e,
            &lib.entry(e.id).unwrap(),
            "entry {} read in one pass is not the entry read alone",
            e.id
        );
        // The history: the entry's rows in both tables, each rewatch's
        // watches under that rewatch's place in `viewings`.
        let mut stored: Vec<(Option<i64>, Option<u32>, Option<u32>)> = conn
            .prepare(
                "SELECT viewing_id, season, number FROM episode_watches WHERE entry_id = ?1
                 UNION ALL
                 SELECT viewing_id, season, NULL FROM pending_watches WHERE entry_id = ?1",
            )
            .unwrap()
            .query_map([e.id], |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)))
            .unwrap()
            .collect::<rusqlite::Result<_>>()
            .unwrap();
        let mut got: Vec<(Option<i64>, Option<u32>, Option<u32>)> = history
            .iter()
            .map(|w| {
                let viewing = w.viewing.map(|place| e.viewings[place].id);
                match &w.episode {
                    watchlog_core::IncomingEpisode::Numbered(ep) => {
                        (viewing, Some(ep.season), Some(ep.number))
                    }
                    watchlog_core::IncomingEpisode::Named { season, .. } => {
                        (viewing, *season, None)
                    }
                    watchlog_core::IncomingEpisode::Catalog { .. } => (viewing, None, None),
                }
            })
            .collect();
        stored.sort();
        got.sort();
        assert_eq!(got, stored, "the history of entry {}", e.id);
        watches_seen += history.len();
    }
    assert_eq!(
        watches_seen as i64,
        count(
            &db,
            "SELECT (SELECT count(*) FROM episode_watches) + (SELECT count(*) FROM pending_watches)"
        )
    );

    // Written entry by entry, Watchlog JSON is byte for byte the whole
    // file written at once by serde_json's pretty printer; so is an empty
    // library's.
    let empty = Library::open_in_memory().unwrap();
    for l in [&lib, &empty] {
        let text = export_string(l, ExportFormat::WatchlogJson, &options());
        let file: watchlog_core::transfer::export::watchlog_json::WatchlogFile =
            serde_json::from_str(&text).unwrap();
        assert!(
            text == serde_json::to_string_pretty(&file).unwrap() + "\n",
            "the JSON written entry by entry is not the file written whole"
        );
    }

    // Without the history asked for, none is read.
    let mut any = false;
    lib.for_each_entry(false, |_, history| {
        any |= !history.is_empty();
        Ok(())
    })
    .unwrap();
    assert!(!any, "the history was read though not asked for");
}

// ---------------------------------------------------------- atomic writes

fn dir_entries(dir: &Path) -> Vec<String> {
    let mut names: Vec<String> = std::fs::read_dir(dir)
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .collect();
    names.sort();
    names
}

/// A writer that accepts `limit` bytes and then fails like a full disk.
struct FillsUp<'a> {
    inner: &'a mut dyn Write,
    left: usize,
}

impl Write for FillsUp<'_> {
    fn write(&mut self, buf: &[u8]) -> io::Result<usize> {
        if self.left == 0 {
            return Err(io::Error::new(
                io::ErrorKind::StorageFull,
                "No space left on device",
            ));
        }
        let n = buf.len().min(self.left);
        self.left -= n;
        self.inner.write(&buf[..n])
    }
    fn flush(&mut self) -> io::Result<()> {
        self.inner.flush()
    }
}

#[test]
fn export_to_a_file_replaces_it_whole() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("reviews.md");
    std::fs::write(&path, "old").unwrap();
    let lib = small_library();
    let report =
        export_to_path(&lib, ExportFormat::Markdown, &options(), &NoPosters, &path).unwrap();
    assert_eq!(report.written, 3);
    assert!(std::fs::read_to_string(&path)
        .unwrap()
        .starts_with("# My reviews"));
    assert_eq!(dir_entries(dir.path()), ["reviews.md"]);
}

#[test]
fn a_disk_filling_mid_export_leaves_the_old_file_and_no_temp() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("library.json");
    std::fs::write(&path, "the previous export").unwrap();
    let lib = small_library();
    let err = write_atomically(&path, |w| {
        let mut full = FillsUp {
            inner: w,
            left: 700,
        };
        export(&lib, ExportFormat::WatchlogJson, &options(), &mut full)
    });
    let err = err.unwrap_err();
    let msg = err.to_string();
    assert!(msg.contains("the disk is full"), "{msg}");
    assert_eq!(
        std::fs::read_to_string(&path).unwrap(),
        "the previous export"
    );
    assert_eq!(
        dir_entries(dir.path()),
        ["library.json"],
        "a temporary file was left behind"
    );
}

/// An export reports its progress over every entry, and one cancelled
/// midway is an error that leaves no file: neither a new one nor a
/// temporary one, and a file already there as it was.
#[test]
fn a_cancelled_export_leaves_no_file_and_progress_counts_every_entry() {
    use std::cell::RefCell;
    use watchlog_core::progress::CancelToken;
    use watchlog_core::transfer::{export_to_path_with, ExportRun};

    let lib = small_library();
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("library.csv");
    let steps = RefCell::new(Vec::new());
    let record = |done: usize, total: usize| steps.borrow_mut().push((done, total));
    let run = ExportRun {
        progress: Some(&record),
        ..ExportRun::default()
    };
    let report = export_to_path_with(&lib, ExportFormat::Csv, &options(), &run, &path).unwrap();
    assert_eq!(report.written, 4);
    assert_eq!(
        steps.take(),
        [(0, 4), (1, 4), (2, 4), (3, 4), (4, 4)],
        "every step of a small library, from the start to the end"
    );

    for format in ExportFormat::ALL {
        for before in [None, Some("the previous export")] {
            let path = dir.path().join(format!("cancelled.{}", format.extension()));
            let _ = std::fs::remove_file(&path);
            if let Some(text) = before {
                std::fs::write(&path, text).unwrap();
            }
            let cancel = CancelToken::new();
            let stop_at_two = |done: usize, _: usize| {
                if done == 2 {
                    cancel.cancel();
                }
            };
            let run = ExportRun {
                progress: Some(&stop_at_two),
                cancel: Some(&cancel),
                ..ExportRun::default()
            };
            let err = export_to_path_with(&lib, format, &options(), &run, &path).unwrap_err();
            assert_eq!(err.code(), "cancelled", "{format}: {err}");
            assert_eq!(
                std::fs::read_to_string(&path).ok().as_deref(),
                before,
                "{format}: the cancelled export touched the file"
            );
            let mut expected = vec!["library.csv".to_string()];
            if before.is_some() {
                expected.insert(0, format!("cancelled.{}", format.extension()));
            }
            assert_eq!(dir_entries(dir.path()), expected, "{format}: left behind");
            let _ = std::fs::remove_file(&path);
        }
    }
}

#[test]
fn missing_and_read_only_folders_are_clear_errors() {
    let dir = tempfile::tempdir().unwrap();
    let lib = small_library();
    let missing = dir.path().join("nope").join("out.csv");
    let msg = export_to_path(&lib, ExportFormat::Csv, &options(), &NoPosters, &missing)
        .unwrap_err()
        .to_string();
    assert!(msg.contains("does not exist"), "{msg}");

    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        let ro = dir.path().join("ro");
        std::fs::create_dir(&ro).unwrap();
        std::fs::write(ro.join("out.csv"), "old").unwrap();
        std::fs::set_permissions(&ro, std::fs::Permissions::from_mode(0o555)).unwrap();
        // Root ignores permissions; only check where they apply.
        let enforced = std::fs::write(ro.join("probe"), "x").is_err();
        if enforced {
            let msg = export_to_path(
                &lib,
                ExportFormat::Csv,
                &options(),
                &NoPosters,
                &ro.join("out.csv"),
            )
            .unwrap_err()
            .to_string();
            assert!(msg.contains("you may not write to that folder"), "{msg}");
            assert_eq!(std::fs::read_to_string(ro.join("out.csv")).unwrap(), "old");
            assert_eq!(dir_entries(&ro), ["out.csv"]);
        } else {
            eprintln!("running as a user that ignores permissions: read-only check skipped");
        }
        std::fs::set_permissions(&ro, std::fs::Permissions::from_mode(0o755)).unwrap();
    }
}

// ------------------------------------------------------- backup and restore

fn file_library(dir: &Path) -> (PathBuf, Library) {
    let path = dir.join("watchlog.db");
    let mut lib = Library::open(&path).unwrap();
    fill_small(&mut lib);
    (path, lib)
}

#[test]
fn backup_while_another_connection_writes_is_sound() {
    let dir = tempfile::tempdir().unwrap();
    let (path, lib) = file_library(dir.path());
    let stop = std::sync::Arc::new(std::sync::atomic::AtomicBool::new(false));
    let writer = {
        let path = path.clone();
        let stop = stop.clone();
        std::thread::spawn(move || {
            let mut other = Library::open(&path).unwrap();
            let mut n = 0u32;
            while !stop.load(std::sync::atomic::Ordering::Relaxed) {
                add(
                    &mut other,
                    &format!("Busy {n}"),
                    Kind::Film,
                    EntryFields::default(),
                );
                n += 1;
            }
            n
        })
    };
    std::thread::sleep(std::time::Duration::from_millis(50));
    let mut copies = Vec::new();
    for i in 0..5 {
        let dest = dir.path().join(format!("copy-{i}.db"));
        lib.backup_to(&dest).unwrap();
        copies.push(dest);
    }
    stop.store(true, std::sync::atomic::Ordering::Relaxed);
    let written = writer.join().unwrap();
    assert!(written > 0, "the writer thread never wrote");
    for c in copies {
        let copy = Library::open(&c).unwrap();
        assert_eq!(
            copy.integrity_check().unwrap(),
            ["ok"],
            "{} is damaged",
            c.display()
        );
        assert!(copy.status_counts().unwrap().all >= 4);
    }
}

#[test]
fn auto_backups_are_named_and_pruned() {
    let dir = tempfile::tempdir().unwrap();
    let (path, lib) = file_library(dir.path());
    let backups = backup::default_backup_dir(&path);
    std::fs::create_dir_all(&backups).unwrap();
    std::fs::write(backups.join("keep-me.txt"), "not a backup").unwrap();
    let mut last = None;
    for minute in 0..5 {
        let at = Utc.with_ymd_and_hms(2024, 3, 1, 12, minute, 0).unwrap();
        last = Some(backup_auto_at(&lib, None, Some(3), at).unwrap());
    }
    let last = last.unwrap();
    assert_eq!(last.path, backups.join("watchlog-20240301-120400.db"));
    assert_eq!(last.pruned, [backups.join("watchlog-20240301-120100.db")]);
    assert_eq!(
        dir_entries(&backups),
        [
            "keep-me.txt",
            "watchlog-20240301-120200.db",
            "watchlog-20240301-120300.db",
            "watchlog-20240301-120400.db"
        ]
    );
    // Two in the same second do not overwrite each other.
    let again = backup_auto_at(
        &lib,
        None,
        Some(10),
        Utc.with_ymd_and_hms(2024, 3, 1, 12, 4, 0).unwrap(),
    )
    .unwrap();
    assert_eq!(again.path, backups.join("watchlog-20240301-120400-2.db"));
    let msg = backup_auto_at(&lib, None, Some(0), fixed_time())
        .unwrap_err()
        .to_string();
    assert!(msg.contains("at least one"), "{msg}");
}

#[test]
fn restore_round_trip_keeps_the_old_library_aside() {
    let dir = tempfile::tempdir().unwrap();
    let (path, mut lib) = file_library(dir.path());
    let backup_path = dir.path().join("before.db");
    lib.backup_to(&backup_path).unwrap();
    check_backup(&backup_path).unwrap();
    let before = export_string(&lib, ExportFormat::WatchlogJson, &options());
    add(
        &mut lib,
        "Added after the backup",
        Kind::Film,
        EntryFields::default(),
    );
    drop(lib);
    let info = restore_at(&path, &backup_path, fixed_time()).unwrap();
    let aside = info.previous_kept_at.unwrap();
    assert_eq!(
        aside,
        dir.path()
            .join("watchlog.db.before-restore-20240301-120000")
    );
    let restored = Library::open(&path).unwrap();
    assert_eq!(
        export_string(&restored, ExportFormat::WatchlogJson, &options()),
        before
    );
    let kept = Library::open(&aside).unwrap();
    assert_eq!(
        kept.status_counts().unwrap().all,
        5,
        "the replaced library keeps the later entry"
    );
}

#[test]
fn restore_refuses_what_is_not_a_good_backup_and_touches_nothing() {
    let dir = tempfile::tempdir().unwrap();
    let (path, lib) = file_library(dir.path());
    drop(lib);
    // A newer Watchlog's library.
    let newer = dir.path().join("newer.db");
    {
        drop(Library::open(&newer).unwrap());
        let c = rusqlite::Connection::open(&newer).unwrap();
        c.pragma_update(None, "user_version", 99).unwrap();
        c.pragma_update(None, "journal_mode", "DELETE").unwrap();
    }
    // Another program's database.
    let foreign = dir.path().join("foreign.db");
    {
        let c = rusqlite::Connection::open(&foreign).unwrap();
        c.execute_batch("CREATE TABLE notes (x TEXT); INSERT INTO notes VALUES ('hi');")
            .unwrap();
    }
    // Damaged: a good backup with its middle overwritten.
    let corrupt = dir.path().join("corrupt.db");
    {
        let l = Library::open(&path).unwrap();
        l.backup_to(&corrupt).unwrap();
    }
    let mut bytes = std::fs::read(&corrupt).unwrap();
    let mid = bytes.len() / 2;
    bytes[mid..mid + 4096].fill(0xA5);
    std::fs::write(&corrupt, &bytes).unwrap();
    let empty = dir.path().join("empty.db");
    std::fs::write(&empty, b"").unwrap();
    let text = dir.path().join("notes.txt");
    std::fs::write(
        &text,
        "just some text, long enough to not be a header ........................................",
    )
    .unwrap();

    let snapshot = |p: &Path| std::fs::read(p).unwrap();
    let library_bytes = snapshot(&path);
    let listing = dir_entries(dir.path());
    for (file, expected) in [
        (&newer, "newer version of Watchlog"),
        (&foreign, "not a Watchlog library"),
        (&corrupt, "damaged"),
        (&empty, "not a Watchlog library"),
        (&text, "not a Watchlog library or is damaged"),
    ] {
        let file_bytes = snapshot(file);
        let msg = restore_at(&path, file, fixed_time())
            .unwrap_err()
            .to_string();
        assert!(
            msg.contains(expected),
            "{}: expected '{expected}' in: {msg}",
            file.display()
        );
        assert_eq!(
            snapshot(&path),
            library_bytes,
            "the library changed after refusing {}",
            file.display()
        );
        assert_eq!(snapshot(file), file_bytes, "{} changed", file.display());
        assert_eq!(
            dir_entries(dir.path()),
            listing,
            "files appeared or vanished"
        );
    }
}

#[test]
fn restore_refuses_while_the_library_is_open() {
    let dir = tempfile::tempdir().unwrap();
    let (path, lib) = file_library(dir.path());
    let backup_path = dir.path().join("b.db");
    lib.backup_to(&backup_path).unwrap();
    let before = export_string(&lib, ExportFormat::WatchlogJson, &options());
    let msg = restore_at(&path, &backup_path, fixed_time())
        .unwrap_err()
        .to_string();
    assert!(msg.contains("open in another program"), "{msg}");
    assert!(
        !dir.path()
            .join("watchlog.db.before-restore-20240301-120000")
            .exists(),
        "nothing should be kept aside when nothing was restored"
    );
    assert_eq!(
        export_string(&lib, ExportFormat::WatchlogJson, &options()),
        before
    );
}

// ------------------------------------------------------------ CSV read-back

mod csv_read_back {
    use super::*;
    use watchlog_core::transfer::import::watchlog_csv;

    /// The small library plus the awkward cases: a review with commas,
    /// quotes and paragraphs, a Hangul title, a rating not on whole points.
    fn library() -> FileLib {
        let mut lib = small_library();
        let id = add(
            &mut lib,
            "Move to Heaven",
            Kind::Series,
            EntryFields {
                status: Status::Completed,
                rating: Some(Rating::new(87).unwrap()),
                review: Some("Tears, \"quietly\".\n\nSecond paragraph; with a semicolon.".into()),
                review_spoiler: true,
                notes: Some("  keeps its spaces".into()),
                favorite: true,
                tags: vec!["grief".into(), "found family".into()],
                finished_on: Some(day("2021-06-01")),
                ..Default::default()
            },
        );
        let mut t = lib.entry(id).unwrap().title.facts;
        t.original_name = Some("무브 투 헤븐".into());
        t.country = Some("KR".into());
        t.external_ids.imdb = Some("tt14444186".into());
        lib.update_title(id, &t).unwrap();
        fix_timestamps(&lib);
        lib
    }

    #[test]
    fn export_parse_apply_export_is_identical() {
        let lib = library();
        let first = export_string(&lib, ExportFormat::Csv, &options());
        let incoming = watchlog_csv::parse(first.as_bytes()).unwrap();
        assert_eq!(incoming.entries.len(), 5);
        let mut fresh = Library::open_in_memory().unwrap();
        let report = run_import(
            &mut fresh,
            ImportFormat::WatchlogCsv,
            &incoming,
            Mode::Apply,
        )
        .unwrap();
        assert_eq!(report.added, 5, "{report:?}");
        let second = export_string(&fresh, ExportFormat::Csv, &options());
        assert_eq!(
            first, second,
            "CSV export → import → export changed the file"
        );
        // The exact 0–100 value came back, not the rounded shown one.
        let heaven = fresh
            .list(&Default::default())
            .unwrap()
            .into_iter()
            .find(|e| e.name == "Move to Heaven")
            .unwrap();
        assert_eq!(
            fresh
                .entry(heaven.id)
                .unwrap()
                .fields
                .rating
                .map(Rating::get),
            Some(87)
        );
        // Importing the same CSV again matches every row and changes nothing.
        let again = run_import(
            &mut fresh,
            ImportFormat::WatchlogCsv,
            &incoming,
            Mode::Apply,
        )
        .unwrap();
        assert_eq!(
            (again.added, again.updated, again.unchanged),
            (0, 0, 5),
            "{again:?}"
        );
    }

    #[test]
    fn columns_are_found_by_name_in_any_order() {
        let text = "\u{feff}Status,Title,rating,rating_scale,tags,favourite\ncompleted,Parasite,4.5,5,thriller; class,yes\n";
        let inc = watchlog_csv::parse(text.as_bytes()).unwrap();
        let e = &inc.entries[0];
        assert_eq!(e.title.name, "Parasite");
        assert_eq!(e.fields.status, Status::Completed);
        assert_eq!(e.fields.rating.map(Rating::get), Some(90));
        assert_eq!(e.fields.tags, ["thriller", "class"]);
        assert!(e.fields.favorite);
    }

    #[test]
    fn bad_rows_name_their_line_and_column_and_change_nothing() {
        let cases: [(&str, &str); 8] = [
            ("name,year\nParasite,2019\n", "no 'title' column"),
            (
                "title,year\nParasite,twenty\n",
                "line 2, column 'year': 'twenty' is not a whole number",
            ),
            (
                "title,status\nA,completed\nB,finished\n",
                "line 3, column 'status': 'finished' is not a status",
            ),
            (
                "title,finished\nA,2023-02-30\n",
                "line 2, column 'finished': '2023-02-30' is not a date",
            ),
            ("title,rating_100\nA,101\n", "line 2, column 'rating_100'"),
            (
                "title,rating,rating_scale\nA,8.3,10\n",
                "line 2, column 'rating': '8.3' is not a rating",
            ),
            (
                "title,year\nA,2019,extra\n",
                "line 2 has 3 fields where the header has 2",
            ),
            (
                "title,year\n,2019\n",
                "line 2, column 'title': every row needs a title",
            ),
        ];
        for (text, expected) in cases {
            let err = watchlog_csv::parse(text.as_bytes())
                .unwrap_err()
                .to_string();
            assert!(
                err.contains(expected),
                "for {text:?} expected '{expected}' in: {err}"
            );
        }
        let err = watchlog_csv::parse(&[b't', b'i', 0xff, b'\n'][..])
            .unwrap_err()
            .to_string();
        assert!(err.contains("not UTF-8"), "{err}");

        // A row the core refuses (progress beyond the episodes) stops the
        // whole import, and the library is as it was.
        let mut lib = small_library();
        let before = export_string(&lib, ExportFormat::WatchlogJson, &options());
        let text = "title,episodes,progress\nNew One,6,3\nBroken,6,9\n";
        let inc = watchlog_csv::parse(text.as_bytes()).unwrap();
        let err = run_import(&mut lib, ImportFormat::WatchlogCsv, &inc, Mode::Apply)
            .unwrap_err()
            .to_string();
        assert!(err.contains("entry 2 of the file ('Broken')"), "{err}");
        assert_eq!(
            export_string(&lib, ExportFormat::WatchlogJson, &options()),
            before
        );
    }
}

/// An export while the other face deletes and edits entries is one
/// snapshot: it neither aborts on an entry deleted halfway nor mixes states.
/// Reading each entry in its own statement did both.
#[test]
fn an_export_is_one_snapshot_while_the_other_face_writes() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("watchlog.db");
    let mut lib = Library::open(&path).unwrap();
    let new: Vec<NewEntry> = (0..1500)
        .map(|i| NewEntry {
            title: TitleFacts {
                kind: Kind::Film,
                name: format!("Film {i}"),
                ..Default::default()
            },
            fields: EntryFields::default(),
        })
        .collect();
    let ids = lib.add_entries(&new).unwrap();
    let stop = std::sync::Arc::new(std::sync::atomic::AtomicBool::new(false));
    let writer = {
        let (path, stop) = (path.clone(), stop.clone());
        std::thread::spawn(move || {
            let mut other = Library::open(&path).unwrap();
            let mut deleted = 0;
            // Deletes from the end, where the export reads last.
            for &id in ids.iter().rev() {
                if stop.load(std::sync::atomic::Ordering::Relaxed) {
                    break;
                }
                other.delete_entry(id).unwrap();
                deleted += 1;
            }
            deleted
        })
    };
    let mut exports = 0;
    while !writer.is_finished() && exports < 50 {
        let mut out = Vec::new();
        let report = export(&lib, ExportFormat::WatchlogJson, &options(), &mut out)
            .expect("an export is not aborted by the other face's deletes");
        let value: serde_json::Value = serde_json::from_slice(&out).unwrap();
        assert_eq!(
            value["entries"].as_array().unwrap().len(),
            report.written,
            "the export is whole"
        );
        exports += 1;
    }
    stop.store(true, std::sync::atomic::Ordering::Relaxed);
    let deleted = writer.join().unwrap();
    assert!(
        exports > 0 && deleted > 0,
        "both sides ran: {exports} exports, {deleted} deletes"
    );
}
