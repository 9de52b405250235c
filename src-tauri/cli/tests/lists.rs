//! `watchlog lists` on real library files: the commands scripts rely on,
//! their JSON keys, a list exported as a page, and bad input refused with
//! one clear line and the file unchanged.

use watchlog_testkit::Cli;

fn sample() -> Cli {
    let lib = Cli::new(env!("CARGO_BIN_EXE_watchlog"));
    lib.ok(&["sample"]);
    lib
}

fn entry_ids(lib: &Cli) -> Vec<i64> {
    lib.json(&["list"])
        .as_array()
        .unwrap()
        .iter()
        .map(|r| r["id"].as_i64().unwrap())
        .collect()
}

#[test]
fn a_ranked_list_made_filled_reordered_and_exported() {
    let lib = sample();
    let e: Vec<String> = entry_ids(&lib).iter().map(|i| i.to_string()).collect();
    assert_eq!(
        lib.ok(&["lists"]).trim(),
        "No lists yet. Make one with `watchlog lists add NAME`."
    );
    let id = lib.ok(&["lists", "add", "Top 10 of 2023", "--ranked"]);
    let id = id.trim();
    assert!(id.parse::<i64>().is_ok(), "prints the new id: {id}");
    lib.ok(&["lists", "put", "Top 10 of 2023", &e[0]]);
    lib.ok(&["lists", "put", id, &e[1], "--note", "watch it twice"]);
    lib.ok(&["lists", "put", "top 10 of 2023", &e[2], "--position", "1"]);
    // Moving an entry already on the list.
    lib.ok(&["lists", "put", id, &e[0], "--position", "3"]);
    let shown = lib.json(&["lists", "show", id]);
    assert_eq!(shown["list"]["name"], "Top 10 of 2023");
    assert_eq!(shown["list"]["ranked"], true);
    assert_eq!(shown["list"]["items"], 3);
    let items = shown["items"].as_array().unwrap();
    let order: Vec<String> = items.iter().map(|i| i["entry"]["id"].to_string()).collect();
    assert_eq!(order, [e[2].clone(), e[1].clone(), e[0].clone()]);
    assert_eq!(
        items
            .iter()
            .map(|i| i["position"].as_u64().unwrap())
            .collect::<Vec<_>>(),
        [1, 2, 3]
    );
    assert_eq!(items[1]["note"], "watch it twice");
    for key in [
        "id",
        "name",
        "description",
        "ranked",
        "items",
        "created_at",
        "updated_at",
    ] {
        assert!(shown["list"].get(key).is_some(), "list key {key}");
    }
    let listed = lib.json(&["list", "--list", "Top 10 of 2023"]);
    assert_eq!(
        listed.as_array().unwrap().len(),
        3,
        "the library filtered by the list"
    );
    let all = lib.json(&["lists"]);
    assert_eq!(all.as_array().unwrap().len(), 1);
    assert_eq!(all[0]["items"], 3);
    let text = lib.ok(&["lists", "show", id]);
    assert!(
        text.starts_with("Top 10 of 2023 (3 entries, ranked)\n"),
        "{text}"
    );
    assert!(text.contains("watch it twice"), "{text}");

    lib.ok(&["lists", "take", id, &e[1]]);
    assert_eq!(lib.json(&["lists", "show", id])["list"]["items"], 2);

    let page = lib.sandbox.file("top.html");
    lib.ok_with_stderr(&[
        "export",
        "html",
        "--list",
        "Top 10 of 2023",
        "-o",
        page.to_str().unwrap(),
    ]);
    let html = std::fs::read_to_string(&page).unwrap();
    assert!(html.contains("<title>Top 10 of 2023</title>"));
    assert!(!html.contains("<script"));
    let name = |i: usize| items[i]["entry"]["name"].as_str().unwrap().to_string();
    let (a, b) = (
        html.find(&format!("<h3>{}</h3>", name(0))).unwrap(),
        html.find(&format!("<h3>{}</h3>", name(2))).unwrap(),
    );
    assert!(a < b, "in the list's order");
    assert!(
        !html.contains(&format!("<h3>{}</h3>", name(1))),
        "taken off"
    );

    // Deleting an entry takes it off; the list stays.
    lib.ok(&["delete", &e[2]]);
    assert_eq!(lib.json(&["lists", "show", id])["list"]["items"], 1);
    lib.ok(&["lists", "delete", id]);
    assert_eq!(lib.json(&["lists"]), serde_json::json!([]));
    assert_eq!(entry_ids(&lib).len(), 13, "a list's entries stay");
}

#[test]
fn bad_list_input_is_refused_and_changes_nothing() {
    let lib = sample();
    let e: Vec<String> = entry_ids(&lib).iter().map(|i| i.to_string()).collect();
    lib.ok(&["lists", "add", "Comfort"]);
    lib.ok(&["lists", "put", "Comfort", &e[0]]);
    lib.refused(&["lists", "add", " "], 2, "needs a name");
    lib.refused(&["lists", "add", "comfort"], 2, "already a list called");
    lib.refused(
        &["lists", "put", "Comfort", &e[0]],
        2,
        "already on 'Comfort'",
    );
    lib.refused(
        &["lists", "put", "Comfort", &e[1], "--position", "3"],
        2,
        "so it can be 1 to 2",
    );
    lib.refused(&["lists", "put", "Nope", &e[1]], 2, "no list called 'Nope'");
    lib.refused(
        &["lists", "put", "Comfort", "99999"],
        2,
        "no entry with id 99999",
    );
    lib.refused(
        &["lists", "take", "Comfort", &e[1]],
        2,
        "is not on 'Comfort'",
    );
    lib.refused(&["lists", "edit", "Comfort"], 2, "nothing to change");
    let err = lib.refused(&["lists", "add", "comfort", "--json"], 2, "already");
    assert!(err.contains("\"code\""), "{err}");
}

/// `export list LIST --png` writes a portrait card; without --png, the
/// list's page. Its refusals change nothing and write no file.
#[test]
fn a_list_exports_as_a_card_and_a_page() {
    let lib = sample();
    let e: Vec<String> = entry_ids(&lib).iter().map(|i| i.to_string()).collect();
    lib.ok(&["lists", "add", "나의 최고", "--ranked"]);
    for id in &e[..4] {
        lib.ok(&["lists", "put", "나의 최고", id]);
    }
    let png = lib.sandbox.file("top.png");
    let (_, said) = lib.ok_with_stderr(&[
        "export",
        "list",
        "나의 최고",
        "--png",
        "--out",
        png.to_str().unwrap(),
    ]);
    assert!(said.contains("(4 titles)"), "{said}");
    let img = image::open(&png).unwrap();
    assert_eq!((img.width(), img.height()), (1080, 1350));
    let page = lib.sandbox.file("top.html");
    lib.ok_with_stderr(&["export", "list", "1", "--out", page.to_str().unwrap()]);
    let html = std::fs::read_to_string(&page).unwrap();
    assert!(html.contains("<title>나의 최고</title>"), "the list's page");
    let nowhere = lib.sandbox.file("no.png");
    let out = nowhere.to_str().unwrap();
    lib.refused(
        &["export", "list", "--png", "--out", out],
        2,
        "needs the list",
    );
    lib.refused(&["export", "list", "1", "--png"], 2, "--out");
    lib.refused(
        &["export", "list", "Nope", "--png", "--out", out],
        2,
        "no list called",
    );
    lib.refused(
        &["export", "list", "1", "--status", "completed"],
        2,
        "holds the list",
    );
    lib.refused(&["export", "csv", "1"], 2, "second word");
    assert!(!nowhere.exists());
}
