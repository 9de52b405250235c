//! Hostile text for the end-to-end tests: script payloads for every field a
//! library holds, a canary server that counts every request a payload could
//! make, a Watchlog JSON file carrying them, and the check run in a page that
//! nothing ran, nothing was fetched and nothing active was added to it.
//!
//! Every payload, if it ran, sets `window.__hostile` to the place it came
//! from, changes `document.title` and fetches `<canary>/<place>`, so a
//! failure names the field that let it through.

use serde_json::{json, Value};
use watchlog_testkit::{Reply, Server};

use super::App;

/// A real HTTP server on 127.0.0.1 that keeps every request and answers
/// 404 (so an `<img>` pointed at it also fires its `onerror`).
pub struct Canary {
    server: Server,
}

impl Canary {
    pub fn start() -> Canary {
        Canary {
            server: Server::start(|_| Reply::not_found()),
        }
    }

    /// `http://127.0.0.1:<port>`.
    pub fn base(&self) -> &str {
        &self.server.base
    }

    /// The paths asked for so far.
    pub fn hits(&self) -> Vec<String> {
        self.server.hits().into_iter().map(|r| r.path).collect()
    }
}

/// The payloads, all aimed at one canary.
pub struct Payloads {
    canary: String,
}

impl Payloads {
    pub fn new(canary: &Canary) -> Payloads {
        Payloads {
            canary: canary.base().to_string(),
        }
    }

    /// The script a payload runs: the flag, the title, the fetch.
    pub fn run(&self, place: &str) -> String {
        format!(
            // No spaces: a Markdown link's address cannot hold one.
            "__hostile='{place}';document.title='ran:{place}';fetch('{}/{place}')",
            self.canary
        )
    }

    /// One short payload for a field of limited length (a tag holds 100
    /// characters): an image that fails and runs its handler.
    pub fn short(&self, place: &str) -> String {
        format!(
            "<img src=x onerror=\"__hostile='{place}';fetch('{}/{place}')\">",
            self.canary
        )
    }

    /// Every payload this test knows, as Markdown with raw HTML, for the
    /// long text fields (reviews, notes, summaries). `place` prefixes each
    /// one's own place.
    pub fn long(&self, place: &str) -> String {
        let c = &self.canary;
        let run = |n: &str| self.run(&format!("{place}-{n}"));
        let url = |n: &str| format!("{c}/{place}-{n}");
        [
            format!("Hostile {place} text stays text."),
            format!("<img src=x onerror=\"{}\">", run("img")),
            format!("<img src=\"{}\">", url("img-src")),
            format!("<script>{}</script>", run("script")),
            format!("<script src=\"{}\"></script>", url("script-src")),
            format!("[a javascript link](javascript:{})", run("md-link")),
            format!("<a href=\"javascript:{}\">a raw link</a>", run("a-href")),
            format!("![a Markdown image]({})", url("md-image")),
            format!("</textarea><img src=x onerror=\"{}\">", run("textarea")),
            format!("</details><img src=x onerror=\"{}\">", run("details")),
            format!(
                "<svg onload=\"{}\"><script>{}</script><image href=\"{}\"/></svg>",
                run("svg-onload"),
                run("svg-script"),
                url("svg-image")
            ),
            format!(
                "<iframe srcdoc=\"<script>parent.{}</script>\" src=\"{}\"></iframe>",
                run("srcdoc"),
                url("iframe")
            ),
            format!(
                "<style>@import url({}); body {{ background: url({}) }}</style>",
                url("style-import"),
                url("style-bg")
            ),
            format!("<link rel=\"stylesheet\" href=\"{}\">", url("link")),
            format!(
                "<object data=\"{}\"></object><embed src=\"{}\">",
                url("object"),
                url("embed")
            ),
            format!(
                "<meta http-equiv=\"refresh\" content=\"0;url={}\">",
                url("meta")
            ),
            format!("<base href=\"{c}/{place}-base/\">"),
            format!(
                "<form action=\"{}\"><button formaction=\"javascript:{}\">go</button></form>",
                url("form"),
                run("formaction")
            ),
            format!("<details open ontoggle=\"{}\">x</details>", run("ontoggle")),
            format!("<input autofocus onfocus=\"{}\">", run("onfocus")),
            format!("<video poster=\"{}\"></video>", url("video")),
            format!(
                "<div style=\"background:url({})\">styled</div>",
                url("inline-style")
            ),
            "<p>\u{202E}lmth.exe\u{202C} right-to-left and zero\u{200B}width\u{200D}joined\u{FEFF}</p>".to_string(),
            format!("A long word: {}", "W".repeat(3000)),
        ]
        .join("\n\n")
    }
}

impl Payloads {
    /// The distinct places of the payloads in `text` (each payload names
    /// its place in its flag, its fetch or its address).
    pub fn places(&self, text: &str) -> std::collections::BTreeSet<String> {
        let mut found = std::collections::BTreeSet::new();
        for marker in [format!("{}/", self.canary), "__hostile='".to_string()] {
            for (at, _) in text.match_indices(&marker) {
                let place: String = text[at + marker.len()..]
                    .chars()
                    .take_while(|c| c.is_ascii_alphanumeric() || *c == '-')
                    .collect();
                found.insert(place);
            }
        }
        found
    }
}

/// One entry of the hostile library, with what the test looks for.
pub struct HostileEntry {
    pub id: i64,
    pub name: String,
    pub original_name: String,
    pub notes: String,
    pub tags: Vec<String>,
    pub platform: String,
}

/// The hostile library: the Watchlog JSON file's text, and its entries.
pub struct HostileLibrary {
    pub json: String,
    pub entries: Vec<HostileEntry>,
}

impl Payloads {
    /// A Watchlog JSON export with three entries whose every text field
    /// carries payloads: names, original names, language, networks,
    /// genres, people, synopses, an id, reviews (one a spoiler), notes,
    /// tags, platforms and the platforms of rewatches. Every name holds
    /// "Hostile", so one search finds them all. No poster address: the app
    /// itself, not the page, would fetch it.
    pub fn library(&self) -> HostileLibrary {
        let p = self;
        let platforms = [
            "<svg onload=\"__hostile='platform-svg'\">".to_string(),
            format!("<img src={}/platform-img>", self.canary),
            "</textarea>\u{202E}Rtl+".to_string(),
        ];
        for name in &platforms {
            assert!(name.chars().count() <= 60, "a platform name fits: {name}");
        }
        let entries = vec![
            HostileEntry {
                id: 101,
                name: format!("Hostile {} One", p.short("a-name")),
                original_name: format!("<script>{}</script>", p.run("a-original")),
                notes: p.long("a-notes"),
                tags: vec![
                    p.short("a-tag"),
                    "</textarea><svg onload=\"__hostile='a-tag-svg'\">".to_string(),
                    "\u{202E}gat\u{200B}\u{200D}".to_string(),
                    // A tag is one line in the app; in a Markdown export it
                    // must not end its line and start raw HTML.
                    format!("md\n\n{}", p.short("a-tag-md")),
                ],
                platform: platforms[0].clone(),
            },
            HostileEntry {
                id: 102,
                name: format!(
                    "Hostile \u{202E}owT\u{202C} zero\u{200B}width </details><svg onload=\"{}\">",
                    p.run("b-name")
                ),
                original_name: format!(
                    "</textarea><iframe srcdoc=\"<script>parent.{}</script>\">",
                    p.run("b-original")
                ),
                notes: format!("</textarea>{}", p.long("b-notes")),
                tags: vec!["<script>__hostile='b-tag'</script>".to_string()],
                platform: platforms[1].clone(),
            },
            HostileEntry {
                id: 103,
                name: format!("Hostile long {}", "W".repeat(480)),
                original_name: format!("<a href=\"javascript:{}\">x</a>", p.run("c-original")),
                notes: format!("[notes link](javascript:{})", p.run("c-notes")),
                tags: vec![format!(
                    "<style>*{{background:url({}/c-tag)}}</style>",
                    self.canary
                )],
                platform: platforms[2].clone(),
            },
        ];
        for e in &entries {
            for tag in &e.tags {
                assert!(tag.chars().count() <= 100, "a tag fits: {tag}");
            }
        }
        // An open code fence at the end of the first review (the
        // highest-rated, so first in a review list) and a fenced payload in
        // the second: each is harmless alone, but in one Markdown document
        // the second fence would close the first and free the payload.
        let reviews = [
            format!("{}\n\n```\nan open fence", p.long("a-review")),
            format!(
                "```\n{}\n```\n\n{}",
                p.short("b-review-fence"),
                p.long("b-review")
            ),
            format!(
                "{}\n\n[x](javascript:{})",
                "W".repeat(5000),
                p.run("c-review")
            ),
        ];
        let file_entries: Vec<Value> = entries
            .iter()
            .zip(reviews)
            .enumerate()
            .map(|(i, (e, review))| {
                let place = ["a", "b", "c"][i];
                json!({
                    "id": e.id,
                    "title": {
                        "kind": if i == 1 { "film" } else { "series" },
                        "name": e.name,
                        "original_name": e.original_name,
                        "year": 2017 + i as i32,
                        "country": "KR",
                        "language": format!("<b onmouseover=\"{}\">ko</b>", p.run(&format!("{place}-language"))),
                        "network": format!("<iframe src=\"{}/{place}-network\"></iframe>", self.canary),
                        "genres": [p.short(&format!("{place}-genre")), format!("</textarea><svg onload=\"__hostile='{place}-genre-svg'\">")],
                        "seasons": 1,
                        "episodes": 12,
                        "runtime_minutes": 60,
                        "airing": null,
                        "synopsis": p.long(&format!("{place}-synopsis")),
                        "poster_url": null,
                        "people": [
                            { "name": p.short(&format!("{place}-person")), "role": "cast", "character": format!("<script>{}</script>", p.run(&format!("{place}-character"))) },
                            { "name": format!("javascript:{}", p.run(&format!("{place}-director"))), "role": "director", "character": null },
                            { "name": "</textarea>\u{202E}rotirw", "role": "writer", "character": null }
                        ],
                        "external_ids": {
                            "tvmaze": null, "tmdb": null,
                            "imdb": format!("\"><img src=x onerror=\"{}\">", p.run(&format!("{place}-imdb"))),
                            "tvdb": null, "mydramalist": null, "letterboxd": null
                        }
                    },
                    "status": "completed",
                    "rating": 90 - 10 * i as i64,
                    "scores": { "story": 80, "acting": null, "music": null, "rewatch_value": null },
                    "review": review,
                    "review_spoiler": i == 1,
                    "notes": e.notes,
                    "platform": e.platform,
                    "progress": 12,
                    "favorite": i == 0,
                    "tags": e.tags,
                    "started_on": "2024-01-01",
                    "finished_on": "2024-02-01",
                    "viewings": [{
                        "started_on": "2024-03-01",
                        "finished_on": "2024-03-10",
                        "platform": platforms[(i + 1) % platforms.len()],
                        "progress": 12
                    }],
                    "added_at": "2024-01-01T00:00:00Z",
                    "updated_at": "2024-01-01T00:00:00Z"
                })
            })
            .collect();
        let file = json!({
            "format": "watchlog",
            "version": 1,
            "exported_at": "2024-06-01T00:00:00Z",
            "platforms": platforms.iter().map(|n| json!({ "name": n, "subscribed": true })).collect::<Vec<_>>(),
            "entries": file_entries,
        });
        HostileLibrary {
            json: serde_json::to_string_pretty(&file).unwrap(),
            entries,
        }
    }
}

/// Records every Content Security Policy violation in the page from now
/// on: a payload the policy stopped still reached the page as markup.
pub async fn watch_violations(app: &App) {
    app.driver
        .execute(
            "window.__violations = [];
             document.addEventListener('securitypolicyviolation',
                 e => window.__violations.push(e.violatedDirective + ' ' + e.blockedURI));
             return true;",
            vec![],
        )
        .await
        .expect("the violation listener is installed");
}

/// What the page holds that a payload would have added, as JSON: the flag
/// and title, elements with an `on…` attribute, script, frame, object,
/// embed, base, meta-refresh, form and stylesheet elements that are not
/// the page's own, links and sources with `javascript:` or the canary's
/// address, loaded resources that are not the app's own (`own` lists the
/// allowed URL prefixes), and any policy violations recorded.
pub async fn findings(app: &App, canary: &Canary, own: &[&str]) -> Value {
    app.driver
        .execute(
            r#"const [canary, own] = arguments;
               const isOwn = u => own.some(p => u.startsWith(p));
               const found = [];
               const describe = el => '<' + el.localName + ' ' +
                   [...el.attributes].map(a => a.name + '="' + a.value.slice(0, 60) + '"').join(' ') + '>';
               for (const el of document.querySelectorAll('*')) {
                   for (const a of el.attributes) {
                       const name = a.name.toLowerCase(), value = a.value.replace(/\s/g, '').toLowerCase();
                       if (name.startsWith('on')) found.push('handler ' + describe(el));
                       if (['href', 'src', 'action', 'formaction', 'xlink:href', 'data', 'poster', 'srcdoc', 'background']
                               .includes(name) && (value.startsWith('javascript:') || value.includes(canary.slice(7)) || name === 'srcdoc'))
                           found.push('address ' + describe(el));
                       if (name === 'style' && value.includes('url(')) found.push('style url ' + describe(el));
                   }
               }
               const active = 'script, iframe, frame, frameset, object, embed, applet, base, form[action], portal, '
                   + 'meta[http-equiv]:not([http-equiv="Content-Security-Policy" i]), link, style';
               for (const el of document.querySelectorAll(active)) {
                   const src = el.getAttribute('src') ?? el.getAttribute('href');
                   const pageOwn = (el.localName === 'script' && src && isOwn(el.src) && !el.textContent.trim())
                       || (el.localName === 'link' && src && isOwn(el.href))
                       || (el.localName === 'style' && !el.textContent.includes(canary.slice(7)) && !el.closest('body main, body .markdown, body article'));
                   if (!pageOwn) found.push('element ' + describe(el) + ' ' + el.textContent.slice(0, 80));
               }
               const resources = performance.getEntriesByType('resource').map(r => r.name).filter(u => !isOwn(u));
               return {
                   flag: window.__hostile ?? null,
                   title: document.title,
                   found,
                   resources,
                   violations: window.__violations ?? null,
               };"#,
            vec![json!(canary.base()), json!(own)],
        )
        .await
        .expect("the page can be searched")
        .json()
        .clone()
}

/// Fails, naming everything found, unless the page is as inert as it
/// should be: no flag, the title untouched, nothing active added, no
/// foreign resource, no violation, and no request at the canary.
pub async fn assert_inert(app: &App, canary: &Canary, own: &[&str], title: &str, where_: &str) {
    let f = findings(app, canary, own).await;
    let hits = canary.hits();
    let clean = f["flag"].is_null()
        && f["title"] == json!(title)
        && f["found"].as_array().is_some_and(|a| a.is_empty())
        && f["resources"].as_array().is_some_and(|a| a.is_empty())
        && f["violations"].as_array().is_none_or(|a| a.is_empty())
        && hits.is_empty();
    assert!(
        clean,
        "hostile text was active in {where_}:\n{}\ncanary requests: {hits:?}",
        serde_json::to_string_pretty(&f).unwrap()
    );
}

/// Whether the page shows `text` (laid out, so not hidden) somewhere.
pub async fn shows_text(app: &App, text: &str) -> bool {
    app.driver
        .execute(
            "return document.body.innerText.includes(arguments[0]);",
            vec![json!(text)],
        )
        .await
        .is_ok_and(|r| r.json() == &Value::Bool(true))
}

/// Fails unless no part of the page scrolls sideways: a very long word
/// must wrap, not push the layout past the window.
pub async fn assert_no_sideways_scroll(app: &App, where_: &str) {
    let wide = app
        .driver
        .execute(
            "return [...document.querySelectorAll('*')]
                 .filter(e => !['INPUT', 'TEXTAREA', 'SELECT'].includes(e.tagName))
                 .filter(e => ['auto', 'scroll'].includes(getComputedStyle(e).overflowX)
                     || e === document.scrollingElement)
                 .filter(e => e.scrollWidth > e.clientWidth + 1)
                 .map(e => {
                     const name = el => el.tagName.toLowerCase() + '.' + [...el.classList].join('.');
                     const edge = e.getBoundingClientRect().left + e.clientWidth;
                     // The innermost parts that reach past the edge.
                     const past = [...e.querySelectorAll('*')]
                         .filter(d => d.getBoundingClientRect().right > edge + 1)
                         .filter(d => ![...d.children].some(c => c.getBoundingClientRect().right > edge + 1))
                         .slice(0, 3).map(name);
                     return name(e) + ' ' + e.scrollWidth + ' > ' + e.clientWidth + ': ' + past.join(', ');
                 });",
            vec![],
        )
        .await
        .expect("the page can be measured")
        .json()
        .clone();
    assert_eq!(wide, json!([]), "{where_} scrolls sideways");
}
