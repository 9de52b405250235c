//! The year in review on a real library file built through the public API:
//! finishes in several years, rewatches recorded both ways (a typed-in
//! earlier viewing, a viewing finished after the current one), an episode
//! history across a run of days and the turn of the year; every figure
//! checked, then the page and the card made from it.

use chrono::{DateTime, NaiveDate, Utc};
use watchlog_core::catalog::{Details, Episode};
use watchlog_core::clock::Clock;
use watchlog_core::transfer::{self, Poster};
use watchlog_core::{
    card, Count, EntryFields, EpisodeRef, Error, Kind, Library, NewEntry, Rating, RatingScale,
    Status, TitleFacts, ViewingDetails, WatchedWhen, YearReview,
};
use watchlog_testkit::Sandbox;

fn day(s: &str) -> NaiveDate {
    NaiveDate::parse_from_str(s, "%Y-%m-%d").unwrap()
}

fn clock() -> Clock {
    let now: DateTime<Utc> = "2025-06-01T12:00:00Z".parse().unwrap();
    Clock::fixed(now, chrono_tz::Asia::Seoul)
}

struct Finished<'a> {
    kind: Kind,
    name: &'a str,
    country: &'a str,
    genres: &'a [&'a str],
    runtime: Option<u32>,
    finished: &'a str,
    rating: Option<u8>,
    platform: Option<&'a str>,
}

fn add_finished(lib: &mut Library, f: Finished) -> i64 {
    lib.add_entry(&NewEntry {
        title: TitleFacts {
            kind: f.kind,
            name: f.name.into(),
            country: Some(f.country.into()),
            genres: f.genres.iter().map(|g| g.to_string()).collect(),
            runtime_minutes: f.runtime,
            ..Default::default()
        },
        fields: EntryFields {
            status: Status::Completed,
            rating: f.rating.map(|r| Rating::new(r).unwrap()),
            platform: f.platform.map(String::from),
            finished_on: Some(day(f.finished)),
            ..Default::default()
        },
    })
    .unwrap_or_else(|e| panic!("adding {} failed: {e}", f.name))
}

struct Library2023 {
    _sandbox: Sandbox,
    lib: Library,
    past_lives: i64,
    my_mister: i64,
    quiet: i64,
    reply: i64,
    spirited: i64,
    show: i64,
}

/// Five finishes in 2023 (two of them rewatches), one in 2021, 2022 and
/// 2024 each, and a show whose episodes are watched from 31 December 2022
/// to 1 January 2024 (the last at an instant that is already 2024 in the
/// viewer's zone) with a run of four days in July.
fn library() -> Library2023 {
    let sandbox = Sandbox::new();
    let mut lib = Library::open(&sandbox.db).unwrap();
    let past_lives = add_finished(
        &mut lib,
        Finished {
            kind: Kind::Film,
            name: "Past Lives",
            country: "US",
            genres: &["Drama"],
            runtime: Some(106),
            finished: "2023-03-10",
            rating: Some(90),
            platform: Some("Netflix"),
        },
    );
    // Finished the same day as Past Lives, added after it.
    let quiet = add_finished(
        &mut lib,
        Finished {
            kind: Kind::Film,
            name: "The Quiet Girl",
            country: "KR",
            genres: &["Drama", "Romance"],
            runtime: None,
            finished: "2023-03-10",
            rating: Some(80),
            platform: None,
        },
    );
    // A rewatch: finished first in 2022 (a viewing typed in), again in 2023.
    let my_mister = add_finished(
        &mut lib,
        Finished {
            kind: Kind::Series,
            name: "My Mister",
            country: "KR",
            genres: &["drama", "Comedy"],
            runtime: Some(70),
            finished: "2023-07-20",
            rating: Some(100),
            platform: Some("Netflix"),
        },
    );
    lib.add_viewing(
        my_mister,
        &ViewingDetails {
            started_on: Some(day("2022-04-01")),
            finished_on: Some(day("2022-05-01")),
            platform: Some("Viki".into()),
            progress: 0,
        },
    )
    .unwrap();
    // A rewatch the other way round: the current viewing finished in
    // 2021, a viewing typed in for 2023.
    let reply = add_finished(
        &mut lib,
        Finished {
            kind: Kind::Series,
            name: "Reply 1988",
            country: "KR",
            genres: &["Comedy", "Family"],
            runtime: Some(90),
            finished: "2021-01-10",
            rating: Some(95),
            platform: Some("Netflix"),
        },
    );
    lib.add_viewing(
        reply,
        &ViewingDetails {
            started_on: Some(day("2023-04-01")),
            finished_on: Some(day("2023-05-05")),
            platform: Some("Viki".into()),
            progress: 0,
        },
    )
    .unwrap();
    let spirited = add_finished(
        &mut lib,
        Finished {
            kind: Kind::Film,
            name: "Spirited Away",
            country: "JP",
            genres: &["Animation"],
            runtime: Some(120),
            finished: "2023-12-31",
            rating: None,
            platform: Some("Disney+"),
        },
    );
    add_finished(
        &mut lib,
        Finished {
            kind: Kind::Film,
            name: "Next Year",
            country: "FR",
            genres: &["Drama"],
            runtime: Some(95),
            finished: "2024-02-01",
            rating: Some(100),
            platform: Some("Netflix"),
        },
    );

    // A show with an episode list: 60 minutes an episode but E5, which
    // has no runtime of its own and takes the title's 50.
    let episodes = (1..=10)
        .map(|n| Episode {
            season: 1,
            number: n,
            name: Some(format!("Episode {n}")),
            airdate: Some(day("2022-06-01")),
            airstamp: None,
            runtime_minutes: (n != 5).then_some(60),
        })
        .collect();
    let show = lib
        .add_from_catalog(
            &Details {
                facts: TitleFacts {
                    kind: Kind::Series,
                    name: "나의 아저씨 (the show)".into(),
                    country: Some("KR".into()),
                    runtime_minutes: Some(50),
                    episodes: Some(10),
                    ..Default::default()
                },
                episodes,
                poster_url: None,
                providers: Vec::new(),
                catalog_updated: None,
            },
            &EntryFields::default(),
        )
        .unwrap();
    let watches = [
        (1, "2022-12-31"),
        (2, "2023-07-01"),
        (3, "2023-07-01"),
        (4, "2023-07-02"),
        (5, "2023-07-03"),
        (6, "2023-07-04"),
        (7, "2023-11-02"),
        (8, "2024-01-01"),
    ];
    for (n, on) in watches {
        lib.mark_episode(
            show,
            EpisodeRef::new(1, n).unwrap(),
            WatchedWhen::On(day(on)),
            &clock(),
        )
        .unwrap_or_else(|e| panic!("marking E{n} on {on}: {e}"));
    }
    // 31 December at 15:30 UTC is already 1 January in Seoul, the viewer's
    // zone: the watch belongs to 2024.
    lib.mark_episode(
        show,
        EpisodeRef::new(1, 9).unwrap(),
        WatchedWhen::At("2023-12-31T15:30:00Z".parse().unwrap()),
        &clock(),
    )
    .unwrap();
    Library2023 {
        _sandbox: sandbox,
        lib,
        past_lives,
        my_mister,
        quiet,
        reply,
        spirited,
        show,
    }
}

fn counts(v: &[Count]) -> Vec<(&str, u32)> {
    v.iter().map(|c| (c.label.as_str(), c.count)).collect()
}

#[test]
fn every_figure_of_a_year() {
    let l = library();
    let r = l.lib.year_review(2023).unwrap();
    assert_eq!(r.year, 2023);
    assert_eq!(
        r.titles_finished, 5,
        "two films on 10 March, My Mister, Reply 1988's viewing, Spirited Away"
    );
    assert_eq!(
        (r.new_titles, r.rewatches),
        (3, 2),
        "My Mister and Reply 1988 were finished before"
    );
    assert_eq!(
        r.episodes_watched, 6,
        "E2 to E7: E1 was in 2022, E8 and E9 in 2024 on the viewer's days"
    );
    // Episodes 4×60 + 50 in July and 60 in November; films 106 and 120
    // (The Quiet Girl has no runtime); series finishes add nothing.
    assert_eq!(r.hours_watched, 9.6, "576 minutes");
    assert_eq!(
        r.days_watched, 9,
        "10 Mar, 5 May, 1–4 Jul, 20 Jul, 2 Nov, 31 Dec"
    );

    let months: Vec<(String, u32, u32, f64)> = r
        .months
        .iter()
        .map(|m| (m.month.clone(), m.finished, m.episodes, m.hours))
        .collect();
    assert_eq!(months.len(), 12);
    assert_eq!(months[0], ("2023-01".into(), 0, 0, 0.0));
    assert_eq!(months[2], ("2023-03".into(), 2, 0, 1.8));
    assert_eq!(months[4], ("2023-05".into(), 1, 0, 0.0));
    assert_eq!(months[6], ("2023-07".into(), 1, 5, 4.8));
    assert_eq!(months[10], ("2023-11".into(), 0, 1, 1.0));
    assert_eq!(months[11], ("2023-12".into(), 1, 0, 2.0));
    assert_eq!(
        months.iter().map(|m| m.1).sum::<u32>(),
        r.titles_finished,
        "the months add up to the year"
    );
    assert_eq!(
        r.busiest_month.as_ref().map(|m| m.month.as_str()),
        Some("2023-07")
    );

    let streak = r.longest_streak.as_ref().expect("a streak");
    assert_eq!(
        (streak.days, streak.first, streak.last),
        (4, day("2023-07-01"), day("2023-07-04"))
    );
    let first = r.first_finish.as_ref().unwrap();
    assert_eq!(
        (first.entry_id, first.name.as_str(), first.on),
        (l.past_lives, "Past Lives", day("2023-03-10")),
        "of two finishes on one day, the entry added first"
    );
    let last = r.last_finish.as_ref().unwrap();
    assert_eq!((last.entry_id, last.on), (l.spirited, day("2023-12-31")));

    let best: Vec<(i64, u8, NaiveDate)> = r
        .best_rated
        .iter()
        .map(|t| (t.entry_id, t.rating.get(), t.finished_on))
        .collect();
    assert_eq!(
        best,
        [
            (l.my_mister, 100, day("2023-07-20")),
            (l.reply, 95, day("2023-05-05")),
            (l.past_lives, 90, day("2023-03-10")),
            (l.quiet, 80, day("2023-03-10")),
        ],
        "rated finishes of the year, best first; Next Year (2024) and the unrated film are not"
    );

    assert_eq!(counts(&r.top_countries), [("KR", 3), ("JP", 1), ("US", 1)]);
    assert_eq!(
        counts(&r.top_platforms),
        [("Netflix", 2), ("Disney+", 1), ("Viki", 1)],
        "a rewatch counts on the platform of its own viewing"
    );
    assert_eq!(
        counts(&r.top_genres),
        [
            ("Drama", 3),
            ("Comedy", 2),
            ("Animation", 1),
            ("Family", 1),
            ("Romance", 1)
        ],
        "genres fold case as the library's stats do"
    );
    let _ = l.show;
}

#[test]
fn the_years_around_it_and_an_empty_year() {
    let l = library();
    let r2024 = l.lib.year_review(2024).unwrap();
    assert_eq!(r2024.titles_finished, 1);
    assert_eq!(
        r2024.episodes_watched, 2,
        "E8, and E9 watched on 1 January in Seoul"
    );
    assert_eq!(
        r2024.hours_watched, 3.6,
        "E8's and E9's 60 minutes and the film's 95"
    );
    assert_eq!(r2024.days_watched, 2, "1 January and 1 February");
    let r2022 = l.lib.year_review(2022).unwrap();
    assert_eq!(
        (r2022.titles_finished, r2022.new_titles),
        (1, 1),
        "My Mister's first time"
    );
    assert_eq!(r2022.episodes_watched, 1, "E1 on 31 December");

    let empty = l.lib.year_review(2019).unwrap();
    assert_eq!(empty.days_watched, 0);
    assert_eq!(empty.titles_finished + empty.episodes_watched, 0);
    assert_eq!(empty.months.len(), 12);
    assert!(empty
        .months
        .iter()
        .all(|m| m.finished == 0 && m.hours == 0.0));
    assert!(empty.best_rated.is_empty() && empty.top_genres.is_empty());
    assert_eq!(empty.busiest_month, None);
    assert_eq!(empty.longest_streak, None);
    assert_eq!(empty.first_finish, None);
}

#[test]
fn an_impossible_year_is_refused_by_field() {
    let l = library();
    for year in [0, 99999, -4] {
        match l.lib.year_review(year) {
            Err(e @ Error::InvalidField { field: "year", .. }) => {
                assert!(e.to_string().contains(&year.to_string()), "{e}")
            }
            other => panic!("year {year} gave {other:?}"),
        }
    }
}

fn review() -> (Library2023, YearReview) {
    let l = library();
    let r = l.lib.year_review(2023).unwrap();
    (l, r)
}

/// What a page may not hold: script, or anything that loads from outside.
fn assert_inert(html: &str) {
    let lower = html.to_ascii_lowercase();
    assert!(!lower.contains("<script"), "no script");
    for load in [
        "src=\"http",
        "href=\"http",
        "src='http",
        "href='http",
        "url(http",
        "@import",
    ] {
        assert!(!lower.contains(load), "nothing loads from outside ({load})");
    }
    assert!(
        !lower.contains("http://") && !lower.contains("https://"),
        "no address at all"
    );
    assert!(
        html.contains(&format!(
            "<meta http-equiv=\"Content-Security-Policy\" content=\"{}\">",
            transfer::export::html::CSP
        )),
        "the policy is the page's first guard"
    );
}

#[test]
fn the_page_is_inert_and_carries_the_figures() {
    let (l, r) = review();
    let posters = vec![
        Some(Poster {
            mime: "image/png".into(),
            bytes: vec![0x89, b'P', b'N', b'G'],
        }),
        None,
        Some(Poster {
            mime: "image/svg+xml".into(),
            bytes: b"<svg onload='x'/>".to_vec(),
        }),
    ];
    let html = transfer::year::page(
        &r,
        "My <2023> & more",
        &posters,
        RatingScale::Ten,
        day("2025-06-01"),
    )
    .unwrap();
    assert_inert(&html);
    assert!(html.contains("<h1>My &lt;2023&gt; &amp; more</h1>"));
    assert!(html.contains("data-figure=\"titles_finished\" data-value=\"5\""));
    assert!(html.contains("data-figure=\"hours_watched\" data-value=\"9.6\""));
    assert!(html.contains("data-figure=\"longest_streak\" data-value=\"4\""));
    assert!(html.contains("data-figure=\"busiest_month\" data-value=\"2023-07\""));
    assert_eq!(html.matches("<figure class=\"chart\"").count(), 3);
    assert_eq!(html.matches("<svg").count(), 3, "each chart is inline SVG");
    assert!(
        html.contains("src=\"data:image/png;base64,iVBORw==\""),
        "the first poster is embedded"
    );
    assert!(!html.contains("onload"), "an SVG poster is never embedded");
    assert_eq!(
        html.matches("class=\"poster placeholder\"").count(),
        3,
        "the others get placeholders"
    );
    assert!(!html.contains("Nothing was watched"));
    let _ = l;

    let empty = l.lib.year_review(2019).unwrap();
    let html =
        transfer::year::page(&empty, "My 2019", &[], RatingScale::Ten, day("2025-06-01")).unwrap();
    assert_inert(&html);
    assert!(html.contains("Nothing was watched in 2019 yet."));
    assert!(!html.contains("<svg"), "an empty year draws no charts");
}

fn decode(png: &[u8]) -> image::RgbaImage {
    image::load_from_memory_with_format(png, image::ImageFormat::Png)
        .expect("a valid PNG")
        .to_rgba8()
}

/// Pixels that differ from the card's background at a text's place.
fn ink(img: &image::RgbaImage, (x0, y0, x1, y1): (u32, u32, u32, u32)) -> usize {
    (y0..y1)
        .flat_map(|y| (x0..x1).map(move |x| (x, y)))
        .filter(|&(x, y)| {
            img.get_pixel(x, y).0[..3]
                .iter()
                .map(|&c| u32::from(c))
                .sum::<u32>()
                > 300
        })
        .count()
}

#[test]
fn the_card_is_a_portrait_png_and_hangul_shows_glyphs() {
    let (_l, r) = review();
    let png = card::year_card(&r, "My 2023 in review", &[], RatingScale::Ten).unwrap();
    let img = decode(&png);
    assert_eq!((img.width(), img.height()), (card::WIDTH, card::HEIGHT));
    assert_eq!((card::WIDTH, card::HEIGHT), (1080, 1350));

    // A title's row on a list card: the name is drawn in light ink on the
    // dark card, in the band 250..358 beside the poster.
    let row = (230, 250, 1010, 310);
    let with = |name: &str| {
        let items = [card::CardItem {
            rank: None,
            name: name.into(),
            line: String::new(),
            poster: None,
        }];
        decode(&card::list_card("Top", "", &items).unwrap())
    };
    let hangul = with("나의 아저씨");
    let other = with("가나다 라마바");
    let blank = with("");
    let (h, o, b) = (ink(&hangul, row), ink(&other, row), ink(&blank, row));
    assert_eq!(b, 0, "an empty name draws nothing there");
    assert!(h > 400, "나의 아저씨 draws glyphs ({h} pixels of ink)");
    assert!(o > 400, "가나다 라마바 too ({o})");
    // Missing glyphs are all the same box: two different texts drawing
    // the same pixels would be boxes.
    let differ = (row.1..row.3)
        .flat_map(|y| (row.0..row.2).map(move |x| (x, y)))
        .filter(|&(x, y)| hangul.get_pixel(x, y) != other.get_pixel(x, y))
        .count();
    assert!(
        differ > 200,
        "different Hangul words draw different glyphs ({differ})"
    );

    // A text no installed font covers still renders.
    assert!(card::list_card("\u{E000}\u{E001}", "", &[]).is_ok());
}

#[test]
fn a_poster_is_drawn_on_the_card() {
    let (_l, r) = review();
    // A plain green poster, as the cache would give one (any raster format).
    let green = image::RgbaImage::from_pixel(60, 90, image::Rgba([0, 200, 0, 255]));
    let mut bytes = Vec::new();
    image::DynamicImage::ImageRgba8(green)
        .write_to(
            &mut std::io::Cursor::new(&mut bytes),
            image::ImageFormat::Png,
        )
        .unwrap();
    let poster = Poster {
        mime: "image/png".into(),
        bytes,
    };
    let img = decode(&card::year_card(&r, "Mine", &[Some(poster)], RatingScale::Ten).unwrap());
    // The first best-rated poster's middle.
    let p = img.get_pixel(70 + 86, 950 + 129).0;
    assert!(
        p[1] > 150 && p[0] < 60 && p[2] < 60,
        "the poster shows: {p:?}"
    );
    // The second has none: its placeholder is not green.
    let q = img.get_pixel(262 + 86, 950 + 40).0;
    assert!(!(q[1] > 150 && q[0] < 60), "{q:?}");

    let empty = _l.lib.year_review(2019).unwrap();
    let img = decode(&card::year_card(&empty, "My 2019", &[], RatingScale::Ten).unwrap());
    assert!(
        ink(&img, (100, 600, 980, 680)) > 300,
        "the empty year says so in words"
    );
}
