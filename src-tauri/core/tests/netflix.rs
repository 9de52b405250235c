//! The Netflix reader on the six real files in
//! `../shared/fixtures/exports/netflix/` (viewing activity from Estonia,
//! Guatemala, Brazil and a spreadsheet-resaved US file; viewing history in
//! Japanese and Mexican Spanish): profiles, previews and short plays left
//! out (counted here from the CSV itself), date orders, shows and films,
//! idempotence, and bad input refused naming the file and line.

use std::collections::HashSet;
use std::path::{Path, PathBuf};

use watchlog_core::transfer::import::input::SourceFile;
use watchlog_core::transfer::import::{Import, ImportFormat, Mode, RunOptions};
use watchlog_core::{
    EpisodeRef, Error, ErrorPayload, IncomingEntry, IncomingEpisode, Kind, Library, ReadOptions,
    Status, WatchedWhen,
};
use watchlog_testkit::{fixtures, Sandbox};

const GT: &str = "ViewingActivity_GT_es_4profiles_NorthDataScience.csv";
const BR: &str = "ViewingActivity_BR_pt_5profiles_LuanHii.csv";
const EE: &str = "ViewingActivity_EE_1profile_laurileppik.csv";
const US: &str = "ViewingActivity_US_excel-resaved_MDY_zwiora.csv";
const JA: &str = "NetflixViewingHistory_ja_YMD_yoshi-heita.csv";
const MX: &str = "NetflixViewingHistory_es-MX_DMY_cosmoduende.csv";

fn fixture(name: &str) -> Option<PathBuf> {
    fixtures::path(&format!("exports/netflix/{name}"))
}

fn profile(name: &str) -> ReadOptions {
    ReadOptions {
        profile: Some(name.into()),
        ..Default::default()
    }
}

/// Reads with the format detected, which must be Netflix.
fn read(path: &Path, opts: &ReadOptions) -> Import {
    let import = Import::read_with(None, path, opts)
        .unwrap_or_else(|e| panic!("reading {}: {e}", path.display()));
    assert_eq!(import.format(), ImportFormat::Netflix);
    import
}

fn named<'a>(import: &'a Import, name: &str) -> &'a IncomingEntry {
    import
        .incoming()
        .entries
        .iter()
        .find(|e| e.title.name == name)
        .unwrap_or_else(|| panic!("no entry named {name}"))
}

fn seconds(d: &str) -> u64 {
    let p: Vec<u64> = d.split(':').map(|x| x.parse().unwrap()).collect();
    p[0] * 3600 + p[1] * 60 + p[2]
}

/// One profile's rows of a viewing-activity file, counted with the csv
/// crate alone: (previews, short plays, distinct titles played long
/// enough; "Ela dança, eu danço" and "Ela Dança, Eu Danço" are one).
fn count(path: &Path, who: &str, min_minutes: u64) -> (usize, usize, usize) {
    let mut rdr = csv::Reader::from_path(path).unwrap();
    let h = rdr.headers().unwrap().clone();
    let col = |n: &str| h.iter().position(|x| x == n).unwrap();
    let (p, s, d, t) = (
        col("Profile Name"),
        col("Supplemental Video Type"),
        col("Duration"),
        col("Title"),
    );
    let (mut previews, mut short) = (0, 0);
    let mut titles = HashSet::new();
    for r in rdr.records() {
        let r = r.unwrap();
        if &r[p] != who {
            continue;
        }
        if !r[s].is_empty() {
            previews += 1;
        } else if seconds(&r[d]) < min_minutes * 60 {
            short += 1;
        } else {
            titles.insert(r[t].to_lowercase());
        }
    }
    (previews, short, titles.len())
}

/// Distinct episodes of every show plus the films: one per distinct title.
fn watched(import: &Import) -> usize {
    import
        .incoming()
        .entries
        .iter()
        .map(|e| e.episodes.as_ref().map_or(1, Vec::len))
        .sum()
}

#[test]
fn every_file_reads_on_the_platform_netflix() {
    for (name, who) in [
        (GT, Some("Kids")),
        (BR, Some("Luan")),
        (EE, None),
        (US, Some("User3")),
        (JA, None),
        (MX, None),
    ] {
        let Some(path) = fixture(name) else { return };
        let opts = who.map(profile).unwrap_or_default();
        let import = read(&path, &opts);
        let entries = &import.incoming().entries;
        assert!(entries.len() > 10, "{name}: {} entries", entries.len());
        for e in entries {
            assert_eq!(e.fields.platform.as_deref(), Some("Netflix"), "{name}");
            match e.title.kind {
                Kind::Film => {
                    assert_eq!(e.fields.status, Status::Completed, "{}", e.title.name);
                    assert!(e.fields.finished_on.is_some() && e.episodes.is_none());
                }
                _ => {
                    let eps = e.episodes.as_ref().expect("a show carries its episodes");
                    assert_eq!(e.fields.status, Status::Watching, "{}", e.title.name);
                    assert_eq!(e.fields.progress as usize, eps.len(), "{}", e.title.name);
                    assert!(e.fields.started_on.is_some());
                }
            }
        }
        assert!(
            entries.iter().any(|e| e.title.kind == Kind::Film)
                && entries.iter().any(|e| e.title.kind != Kind::Film),
            "{name} holds both shows and films"
        );
    }
}

#[test]
fn several_profiles_are_listed_and_one_is_read() {
    for (name, profiles) in [
        (GT, &["Abuelos", "herbert", "Kids", "Sheily"][..]),
        (BR, &["Alexandre", "Luan", "Lucas", "LUCIANA", "Outros"][..]),
    ] {
        let Some(path) = fixture(name) else { return };
        let e = Import::read_with(None, &path, &ReadOptions::default()).unwrap_err();
        let payload = ErrorPayload::from(&e);
        assert_eq!(payload.code, "needs_choice", "{e}");
        assert_eq!(payload.field.as_deref(), Some("profile"));
        assert_eq!(
            payload.choices.as_deref(),
            Some(&profiles.iter().map(|p| p.to_string()).collect::<Vec<_>>()[..])
        );
        assert!(e.to_string().contains("--profile"), "{e}");
        assert!(matches!(e, Error::NeedsChoice { .. }));
        for who in profiles {
            let import = read(&path, &profile(who));
            let (previews, short, titles) = count(&path, who, 5);
            let notes = import.notes().join("\n");
            assert!(notes.contains(&format!("profile '{who}'")), "{notes}");
            assert!(
                notes.contains(&format!("{previews} trailers")),
                "{name} {who}: {previews} previews; {notes}"
            );
            assert!(
                short == 0 || notes.contains(&format!("{short} plays shorter than 5 minutes")),
                "{name} {who}: {short} short plays; {notes}"
            );
            assert_eq!(
                watched(&import),
                titles,
                "{name} {who}: one watch per title played"
            );
        }
    }
    // A profile named in another case is the same profile; a missing one
    // is refused with the list.
    let Some(path) = fixture(GT) else { return };
    assert_eq!(
        read(&path, &profile("ABUELOS")).incoming(),
        read(&path, &profile("Abuelos")).incoming()
    );
    let e = Import::read_with(None, &path, &profile("Nadie")).unwrap_err();
    assert!(e.to_string().contains("no profile named 'Nadie'"), "{e}");
}

#[test]
fn the_threshold_is_the_readers_option() {
    let Some(path) = fixture(EE) else { return };
    for minutes in [0, 5, 30] {
        let opts = ReadOptions {
            min_play_minutes: Some(minutes),
            ..Default::default()
        };
        let import = read(&path, &opts);
        let (_, _, titles) = count(&path, "Lauri", u64::from(minutes));
        assert_eq!(watched(&import), titles, "threshold {minutes} minutes");
    }
}

#[test]
fn a_spreadsheet_resaved_file_reads_month_first_in_utc() {
    let Some(path) = fixture(US) else { return };
    let import = read(&path, &profile("User4"));
    // User4,3/16/2019 23:32,0:50:15,…,Planet Earth II: Season 1: Islands (Episode 1)
    let show = named(&import, "Planet Earth II");
    let eps = show.episodes.as_ref().unwrap();
    let islands = eps
        .iter()
        .find(|w| {
            w.episode
                == IncomingEpisode::Numbered(EpisodeRef {
                    season: 1,
                    number: 1,
                })
        })
        .expect("Islands is S1E1");
    assert_eq!(
        islands.when,
        WatchedWhen::At("2019-03-16T23:32:00Z".parse().unwrap())
    );
    let (_, _, titles) = count(&path, "User4", 5);
    assert_eq!(watched(&import), titles);
}

#[test]
fn date_orders_are_found_from_the_file() {
    let (Some(ja), Some(mx)) = (fixture(JA), fixture(MX)) else {
        return;
    };
    let day = |y, m, d| chrono::NaiveDate::from_ymd_opt(y, m, d).unwrap();
    // "ザ・コード: シーズン1: エピソード3","2020/05/27"
    let import = read(&ja, &ReadOptions::default());
    let code = named(&import, "ザ・コード");
    assert_eq!(code.fields.progress, 3);
    let last = code.episodes.as_ref().unwrap().last().unwrap();
    assert_eq!(
        last.episode,
        IncomingEpisode::Numbered(EpisodeRef {
            season: 1,
            number: 3
        })
    );
    assert_eq!(last.when, WatchedWhen::On(day(2020, 5, 27)));
    // "Dark: Temporada 2: Materia oscura","16/06/20"
    let import = read(&mx, &ReadOptions::default());
    let dark = named(&import, "Dark");
    let w = dark
        .episodes
        .as_ref()
        .unwrap()
        .iter()
        .find(|w| {
            w.episode
                == IncomingEpisode::Named {
                    season: Some(2),
                    name: "Materia oscura".into(),
                }
        })
        .expect("Materia oscura, season 2");
    assert_eq!(w.when, WatchedWhen::On(day(2020, 6, 16)));
    // The file's own order asked for agrees; the other one is refused
    // naming the first line that contradicts it.
    let dmy = ReadOptions {
        date_order: Some(watchlog_core::DateOrder::Dmy),
        ..Default::default()
    };
    assert_eq!(read(&mx, &dmy).incoming(), import.incoming());
    let mdy = ReadOptions {
        date_order: Some(watchlog_core::DateOrder::Mdy),
        ..Default::default()
    };
    let e = Import::read_with(None, &mx, &mdy).unwrap_err().to_string();
    assert!(e.contains(MX) && e.contains("line 2"), "{e}");
}

#[test]
fn shows_are_grouped_in_spanish_portuguese_and_japanese() {
    let (Some(gt), Some(br), Some(ja)) = (fixture(GT), fixture(BR), fixture(JA)) else {
        return;
    };
    // Spanish: "La Reina del Sur: Temporada 2: Episodio 58 (Capítulo 58)",
    // played in two sittings, is one watch of S2E58.
    let import = read(&gt, &profile("Abuelos"));
    let reina = named(&import, "La Reina del Sur");
    assert_eq!(reina.title.kind, Kind::Series);
    let eps = reina.episodes.as_ref().unwrap();
    let s2e58: Vec<_> = eps
        .iter()
        .filter(|w| {
            w.episode
                == IncomingEpisode::Numbered(EpisodeRef {
                    season: 2,
                    number: 58,
                })
        })
        .collect();
    assert_eq!(s2e58.len(), 1, "played in several sittings, watched once");
    let mut plays = csv::Reader::from_path(&gt).unwrap();
    let first = plays
        .records()
        .map(Result::unwrap)
        .filter(|r| {
            &r[0] == "Abuelos"
                && &r[4] == "La Reina del Sur: Temporada 2: Episodio 58 (Capítulo 58)"
                && seconds(&r[2]) >= 300
        })
        .map(|r| format!("{}Z", r[1].replace(' ', "T")))
        .min()
        .unwrap();
    assert_eq!(
        s2e58[0].when,
        WatchedWhen::At(first.parse().unwrap()),
        "at its first play"
    );
    assert!(eps.iter().any(|w| w.episode
        == IncomingEpisode::Numbered(EpisodeRef {
            season: 3,
            number: 1
        })));
    assert!(
        import
            .incoming()
            .entries
            .iter()
            .all(|e| !e.title.name.starts_with("La Reina del Sur:")),
        "no season of it is a title of its own"
    );
    // Portuguese: a show whose name holds a colon, and a miniseries.
    let import = read(&br, &profile("Alexandre"));
    let names: Vec<&str> = import
        .incoming()
        .entries
        .iter()
        .map(|e| e.title.name.as_str())
        .collect();
    let shows: Vec<&IncomingEntry> = import
        .incoming()
        .entries
        .iter()
        .filter(|e| e.title.kind != Kind::Film)
        .collect();
    assert!(
        shows.iter().any(|e| e.title.name.contains(": ")),
        "a show named with a colon: {names:?}"
    );
    assert!(
        shows.iter().any(|e| e.title.kind == Kind::Miniseries),
        "a Minissérie: {names:?}"
    );
    // Japanese: seasons by シーズン, and a show with no season words at all.
    let import = read(&ja, &ReadOptions::default());
    let survivor = named(&import, "サバイバー: 宿命の大統領");
    let seasons: HashSet<Option<u32>> = survivor
        .episodes
        .as_ref()
        .unwrap()
        .iter()
        .map(|w| match &w.episode {
            IncomingEpisode::Named { season, .. } => *season,
            IncomingEpisode::Numbered(e) => Some(e.season),
            other => panic!("{other:?}"),
        })
        .collect();
    assert_eq!(seasons, HashSet::from([Some(1), Some(2)]));
    let kimetsu = named(&import, "鬼滅の刃");
    assert_eq!(kimetsu.title.kind, Kind::Series);
    assert!(kimetsu.fields.progress >= 20);
}

#[test]
fn films_with_colons_stay_films() {
    let (Some(ee), Some(ja)) = (fixture(EE), fixture(JA)) else {
        return;
    };
    let import = read(&ee, &ReadOptions::default());
    for film in ["The Hangover: Part II", "The Hangover"] {
        let e = named(&import, film);
        assert_eq!(e.title.kind, Kind::Film, "{film}");
    }
    let import = read(&ja, &ReadOptions::default());
    assert_eq!(
        named(&import, "エルカミーノ: ブレイキング・バッド THE MOVIE")
            .title
            .kind,
        Kind::Film
    );
}

/// The library file's bytes after a checkpoint.
fn snapshot(db: &Path) -> Vec<u8> {
    rusqlite::Connection::open(db)
        .unwrap()
        .execute_batch("PRAGMA wal_checkpoint(TRUNCATE)")
        .unwrap();
    std::fs::read(db).unwrap()
}

#[test]
fn importing_twice_changes_nothing_the_second_time() {
    let Some(path) = fixture(GT) else { return };
    let sandbox = Sandbox::new();
    let mut lib = Library::open(&sandbox.db).unwrap();
    let import = read(&path, &profile("Abuelos"));
    let opts = RunOptions::default();
    let preview = import.run(&mut lib, Mode::Preview, &opts).unwrap();
    let first = import.run(&mut lib, Mode::Apply, &opts).unwrap();
    assert_eq!(
        (first.added, first.episodes),
        (preview.added, preview.episodes),
        "the preview said what applying did"
    );
    assert_eq!(first.added, import.incoming().entries.len());
    let episodes: usize = import
        .incoming()
        .entries
        .iter()
        .filter_map(|e| e.episodes.as_ref())
        .map(Vec::len)
        .sum();
    assert_eq!(first.episodes, episodes, "every episode watch is recorded");
    let before = snapshot(&sandbox.db);
    let again = read(&path, &profile("Abuelos"));
    let second = again.run(&mut lib, Mode::Apply, &opts).unwrap();
    assert_eq!(
        (second.added, second.updated, second.episodes),
        (0, 0, 0),
        "{second:#?}"
    );
    assert_eq!(before, snapshot(&sandbox.db), "the second import wrote");
    let reina = lib
        .list(&Default::default())
        .unwrap()
        .into_iter()
        .map(|s| lib.entry(s.id).unwrap())
        .find(|e| e.title.facts.name == "La Reina del Sur")
        .unwrap();
    assert_eq!(reina.fields.platform.as_deref(), Some("Netflix"));
    assert_eq!(reina.fields.status, Status::Watching);
    let history = lib.episode_progress(reina.id).unwrap();
    assert!(
        history
            .iter()
            .any(|p| p.season == 2 && p.number == 58 && p.watched),
        "S2E58 is in the history: {history:#?}"
    );
}

fn as_file(name: &str, bytes: Vec<u8>) -> Vec<SourceFile> {
    vec![SourceFile {
        name: name.into(),
        bytes,
    }]
}

#[test]
fn utf16_and_bom_files_read_as_the_original() {
    let Some(bytes) = fixtures::read(&format!("exports/netflix/{MX}")) else {
        return;
    };
    let text = String::from_utf8(bytes.clone()).unwrap();
    let original = Import::from_files(None, as_file(MX, bytes.clone())).unwrap();
    let le: Vec<u8> = [0xFF, 0xFE]
        .into_iter()
        .chain(text.encode_utf16().flat_map(u16::to_le_bytes))
        .collect();
    let bom: Vec<u8> = b"\xEF\xBB\xBF".iter().copied().chain(bytes).collect();
    for (what, b) in [("UTF-16", le), ("a BOM", bom)] {
        let import = Import::from_files(None, as_file(MX, b)).unwrap();
        assert_eq!(import.format(), ImportFormat::Netflix, "{what}");
        assert_eq!(import.incoming(), original.incoming(), "{what}");
    }
}

#[test]
fn bad_lines_are_refused_naming_the_file_and_line() {
    let Some(bytes) = fixtures::read(&format!("exports/netflix/{MX}")) else {
        return;
    };
    let text = String::from_utf8(bytes).unwrap();
    let text = text.trim_end();
    let lines = text.lines().count();
    let fail = |text: String| {
        Import::from_files(
            None,
            as_file("NetflixViewingHistory.csv", text.into_bytes()),
        )
        .unwrap_err()
        .to_string()
    };
    // A month-first date after the file's day-first ones.
    let e = fail(format!("{text}\n\"Dark: Temporada 3: Luz\",\"10/13/20\"\n"));
    assert!(
        e.contains(&format!("NetflixViewingHistory.csv, line {}", lines + 1))
            && e.contains("mixes date formats"),
        "{e}"
    );
    // A quote that never closes, on the last line.
    let e = fail(format!("{text}\n\"Dark: Temporada 3: Luz,16/06/20\n"));
    assert!(
        e.contains(&format!("NetflixViewingHistory.csv, line {}", lines + 1))
            && e.contains("never closed"),
        "{e}"
    );
    // A title with a comma and no quotes.
    let mut broken: Vec<&str> = text.lines().collect();
    broken[2] = "Dark: Temporada 2: Materia, oscura,16/06/20";
    let e = fail(broken.join("\n"));
    assert!(e.contains("NetflixViewingHistory.csv, line 3"), "{e}");
    // A date that is no date.
    let mut broken: Vec<&str> = text.lines().collect();
    broken[5] = "\"Dark: Temporada 2: Materia oscura\",\"ayer\"";
    let e = fail(broken.join("\n"));
    assert!(e.contains("line 6") && e.contains("'ayer'"), "{e}");
}
