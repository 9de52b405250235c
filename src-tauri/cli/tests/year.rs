//! The year in review through the real `watchlog` binary, on a generated
//! library made from the shared datasets (finishes over many years, an
//! episode history, rewatches): `stats --year` as JSON and as text, the
//! exported page holding exactly those numbers and loading nothing, the
//! PNG card, an empty year, and every refusal leaving the library as it was.

use std::collections::BTreeMap;

use serde_json::Value;
use watchlog_testkit::{fixtures, Cli};

fn new_lib() -> Cli {
    Cli::new(env!("CARGO_BIN_EXE_watchlog"))
}

/// 400 titles and 3,000 episode watches, seeded: the same library on every
/// run. `None` (skipped) when the datasets are missing outside CI.
fn generated() -> Option<Cli> {
    let datasets = fixtures::path("datasets")?;
    let lib = new_lib();
    lib.ok(&[
        "dev",
        "generate",
        "--titles",
        "400",
        "--seed",
        "1",
        "--episodes",
        "3000",
        "--datasets",
        datasets.to_str().unwrap(),
    ]);
    Some(lib)
}

/// Every `data-figure="name" data-value="v"` on the page.
fn figures(html: &str) -> BTreeMap<String, String> {
    let mut out = BTreeMap::new();
    for part in html.split("data-figure=\"").skip(1) {
        let (name, rest) = part.split_once('"').unwrap();
        let value = rest
            .strip_prefix(" data-value=\"")
            .and_then(|v| v.split_once('"'))
            .map_or("", |(v, _)| v);
        out.insert(name.to_string(), value.to_string());
    }
    out
}

/// The entry ids of the page's best-rated list, in its order.
fn best_rated_ids(html: &str) -> Vec<i64> {
    html.split("<li data-entry=\"")
        .skip(1)
        .map(|p| p.split_once('"').unwrap().0.parse().unwrap())
        .collect()
}

fn assert_inert(html: &str, what: &str) {
    let lower = html.to_ascii_lowercase();
    assert!(!lower.contains("<script"), "{what} holds a script");
    for load in [
        "src=\"http",
        "href=\"http",
        "src=\"//",
        "href=\"//",
        "url(",
        "@import",
    ] {
        assert!(!lower.contains(load), "{what} loads from outside: {load}");
    }
    assert!(
        !lower.contains("http://") && !lower.contains("https://"),
        "{what} names no address at all"
    );
    assert!(
        html.contains("<meta http-equiv=\"Content-Security-Policy\" content=\"default-src 'none'; style-src 'unsafe-inline'; img-src data:\">"),
        "{what} carries the strict policy"
    );
}

#[test]
fn the_page_holds_the_numbers_stats_gives() {
    let Some(lib) = generated() else { return };
    let dir = tempfile::tempdir().unwrap();
    let mut seen_rewatch = false;
    for year in ["2023", "2024"] {
        let json = lib.json(&["stats", "--year", year]);
        assert_eq!(json["year"].as_i64().unwrap().to_string(), year);
        assert!(
            json["titles_finished"].as_u64().unwrap() > 0
                && json["episodes_watched"].as_u64().unwrap() > 0,
            "the generated library watched in {year}: {json}"
        );
        seen_rewatch |= json["rewatches"].as_u64().unwrap() > 0;

        let path = dir.path().join(format!("{year}.html"));
        let (_, stderr) = lib.ok_with_stderr(&[
            "export",
            "year",
            "--year",
            year,
            "--out",
            path.to_str().unwrap(),
        ]);
        assert!(
            stderr.contains(&format!("{year} in review page")),
            "{stderr}"
        );
        let html = std::fs::read_to_string(&path).unwrap();
        assert_inert(&html, &format!("the {year} page"));
        let f = figures(&html);
        for key in [
            "titles_finished",
            "new_titles",
            "rewatches",
            "episodes_watched",
            "days_watched",
        ] {
            assert_eq!(
                f[key],
                json[key].as_u64().unwrap().to_string(),
                "{key} of {year}: the page and `stats --year --json` agree"
            );
        }
        assert_eq!(
            f["hours_watched"].parse::<f64>().unwrap(),
            json["hours_watched"].as_f64().unwrap(),
            "hours of {year}"
        );
        assert_eq!(
            f["longest_streak"],
            json["longest_streak"]["days"].to_string(),
            "streak of {year}"
        );
        assert_eq!(
            f["busiest_month"],
            json["busiest_month"]["month"].as_str().unwrap()
        );
        assert_eq!(
            f["first_finish"],
            json["first_finish"]["entry_id"].to_string()
        );
        assert_eq!(
            f["last_finish"],
            json["last_finish"]["entry_id"].to_string()
        );
        let best: Vec<i64> = json["best_rated"]
            .as_array()
            .unwrap()
            .iter()
            .map(|t| t["entry_id"].as_i64().unwrap())
            .collect();
        assert!(!best.is_empty());
        assert_eq!(best_rated_ids(&html), best, "best rated of {year}");
        assert_eq!(
            html.matches("<figure class=\"chart\"").count(),
            3,
            "hours, finishes and episodes by month"
        );

        // To stdout it is the same page; with --out, --json prints the
        // numbers it holds.
        assert_eq!(lib.ok(&["export", "year", "--year", year]), html);
        let again = dir.path().join("again.html");
        let printed = lib.json(&[
            "export",
            "year",
            "--year",
            year,
            "--out",
            again.to_str().unwrap(),
        ]);
        assert_eq!(printed, json);

        // The text summary says the same numbers.
        let text = lib.ok(&["stats", "--year", year]);
        assert!(text.starts_with(&format!("{year} in review\n")), "{text}");
        assert!(
            text.contains(&format!(
                "{} titles ({} new · {} rewatched)",
                json["titles_finished"], json["new_titles"], json["rewatches"]
            )),
            "{text}"
        );
        assert!(
            text.contains(&format!("{} hours", json["hours_watched"])),
            "{text}"
        );
        assert_eq!(
            text.lines()
                .filter(|l| l.starts_with(&format!("  {year}-")))
                .count(),
            12,
            "a line a month: {text}"
        );
    }
    assert!(seen_rewatch, "one of the years holds a rewatch");
}

#[test]
fn an_empty_year_says_so_in_words() {
    let lib = new_lib();
    lib.ok(&["sample"]);
    let text = lib.ok(&["stats", "--year", "1999"]);
    assert_eq!(text, "1999 in review\nNothing was watched in 1999 yet.\n");
    let json = lib.json(&["stats", "--year", "1999"]);
    assert_eq!(json["titles_finished"], 0);
    assert_eq!(json["months"].as_array().unwrap().len(), 12);
    assert_eq!(json["busiest_month"], Value::Null);
    let html = lib.ok(&["export", "year", "--year", "1999"]);
    assert_inert(&html, "the empty page");
    assert!(html.contains("Nothing was watched in 1999 yet."));
}

#[test]
fn the_card_is_a_portrait_png() {
    let lib = new_lib();
    lib.ok(&["sample"]);
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("card.png");
    lib.ok(&[
        "export",
        "year",
        "--year",
        "2023",
        "--png",
        "--title",
        "나의 2023 <&>",
        "--out",
        path.to_str().unwrap(),
    ]);
    let img = image::load_from_memory_with_format(
        &std::fs::read(&path).unwrap(),
        image::ImageFormat::Png,
    )
    .expect("the card is a PNG")
    .to_rgba8();
    assert_eq!((img.width(), img.height()), (1080, 1350));
    // The heading's band holds light text on the dark card.
    let lit = (130..200)
        .flat_map(|y| (70..700).map(move |x| (x, y)))
        .filter(|&(x, y)| img.get_pixel(x, y).0[0] > 180)
        .count();
    assert!(lit > 500, "the heading is drawn ({lit} pixels)");
}

#[test]
fn stats_without_a_year_is_as_it_was() {
    let lib = new_lib();
    lib.ok(&["sample"]);
    let json = lib.json(&["stats"]);
    let keys: Vec<&str> = json
        .as_object()
        .unwrap()
        .keys()
        .map(String::as_str)
        .collect();
    assert!(keys.contains(&"by_status") && keys.contains(&"finished_per_month"));
    assert!(!keys.contains(&"year") && !keys.contains(&"months"));
    assert!(lib.ok(&["stats"]).starts_with("Titles"));
}

#[test]
fn refusals_change_nothing() {
    let lib = new_lib();
    lib.ok(&["sample"]);
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("x.png");
    let out = out.to_str().unwrap();
    lib.refused(&["export", "year"], 2, "--year");
    lib.refused(&["export", "year", "--out", out], 2, "--year");
    lib.refused(&["export", "year", "--year", "2023", "--png"], 2, "--out");
    lib.refused(&["export", "csv", "--png"], 2, "card");
    lib.refused(&["export", "html", "--year", "2023"], 2, "--finished-from");
    lib.refused(
        &["export", "year", "--year", "2023", "--status", "completed"],
        2,
        "--status",
    );
    lib.refused(&["export", "yaer"], 2, "year");
    lib.refused(&["stats", "--year", "0"], 2, "plausible year");
    let e = lib.refused(&["stats", "--year", "99999", "--json"], 2, "99999");
    assert!(
        e.contains("\"field\":\"year\"") || e.contains("\"field\": \"year\""),
        "{e}"
    );
    assert!(!dir.path().join("x.png").exists());
}
