//! `watchlog serve-webhooks` as a media server meets it: the real Jellyfin,
//! Emby and Plex payloads in the shared fixtures posted over HTTP to the
//! running listener. A film or an episode watched to the end is recorded
//! once however often the event comes; a pause, a stop half-way or a song
//! records nothing; a wrong token, a malformed or an oversized body is
//! refused and the library file is not touched.

use std::io::{BufRead, BufReader, Read, Write};
use std::net::TcpStream;
use std::process::{Child, Stdio};

use serde_json::Value;
use watchlog_testkit::{fixtures, Cli};

const TOKEN: &str = "a-secret-for-tests";

struct Listener {
    child: Child,
    /// `host:port`.
    addr: String,
}

impl Drop for Listener {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

fn listen(lib: &Cli) -> Listener {
    let mut child = lib
        .command(&["serve-webhooks", "--port", "0", "--token", TOKEN])
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        .spawn()
        .unwrap();
    let mut urls = Vec::new();
    let mut out = BufReader::new(child.stdout.take().unwrap());
    for _ in 0..3 {
        let mut line = String::new();
        out.read_line(&mut line).unwrap();
        urls.push(line.trim().to_string());
    }
    for (url, server) in urls.iter().zip(["jellyfin", "emby", "plex"]) {
        assert!(
            url.starts_with("http://127.0.0.1:")
                && url.ends_with(&format!("/webhooks/{server}?token={TOKEN}")),
            "{urls:?}"
        );
    }
    let addr = urls[0]
        .trim_start_matches("http://")
        .split('/')
        .next()
        .unwrap()
        .to_string();
    Listener { child, addr }
}

/// POSTs `body` and gives the status and the answer's text.
fn post(l: &Listener, path: &str, content_type: &str, body: &[u8]) -> (u16, String) {
    let mut s = TcpStream::connect(&l.addr).unwrap();
    write!(
        s,
        "POST {path} HTTP/1.1\r\nHost: {}\r\nContent-Type: {content_type}\r\nContent-Length: {}\r\nConnection: close\r\n\r\n",
        l.addr,
        body.len()
    )
    .unwrap();
    s.write_all(body).unwrap();
    let mut answer = String::new();
    s.read_to_string(&mut answer).unwrap();
    let status = answer[9..12].parse().unwrap();
    let text = answer
        .split("\r\n\r\n")
        .nth(1)
        .unwrap_or("")
        .trim()
        .to_string();
    (status, text)
}

fn hook(server: &str) -> String {
    format!("/webhooks/{server}?token={TOKEN}")
}

fn entries(lib: &Cli) -> Vec<Value> {
    lib.json(&["list"]).as_array().unwrap().clone()
}

#[test]
fn finished_films_and_episodes_are_recorded_once() {
    let (Some(jellyfin), Some(plex_movie), Some(scrubs)) = (
        fixtures::read("webhooks/jellyfin/jellyfin_PlaybackStop_movie_allprops_10.8.8_movary.json"),
        fixtures::read("webhooks/plex/plex_media.scrobble_movie_big-trouble_movary.json"),
        fixtures::read(
            "webhooks/plex/plex_media.scrobble_episode_legacy-tvdb-agent_scrubs_anonymised_movary.json",
        ),
    ) else {
        return;
    };
    let lib = Cli::new(env!("CARGO_BIN_EXE_watchlog"));
    lib.ok(&["add", "Scrubs", "--status", "watching"]);
    let l = listen(&lib);

    let (status, text) = post(&l, &hook("jellyfin"), "application/json", &jellyfin);
    assert_eq!(status, 200, "{text}");
    assert!(
        text.contains("The Menu") && text.contains("new entry"),
        "{text}"
    );
    let (_, again) = post(&l, &hook("jellyfin"), "application/json", &jellyfin);
    assert!(again.contains("already recorded"), "{again}");

    // Plex sends the JSON as the `payload` field of a form.
    let form = |json: &[u8]| {
        let mut body = b"payload=".to_vec();
        body.extend(
            form_urlencoded::byte_serialize(json)
                .collect::<String>()
                .into_bytes(),
        );
        body
    };
    let (status, text) = post(
        &l,
        &hook("plex"),
        "application/x-www-form-urlencoded",
        &form(&plex_movie),
    );
    assert_eq!(status, 200, "{text}");
    let (status, text) = post(
        &l,
        &hook("plex"),
        "application/x-www-form-urlencoded",
        &form(&scrubs),
    );
    assert_eq!(status, 200, "{text}");
    assert!(
        text.contains("Scrubs S1E18") && text.contains("recorded in entry 1"),
        "{text}"
    );
    post(
        &l,
        &hook("plex"),
        "application/x-www-form-urlencoded",
        &form(&scrubs),
    );

    let all = entries(&lib);
    let menu = all.iter().find(|e| e["name"] == "The Menu").unwrap();
    assert_eq!(menu["status"], "completed");
    assert_eq!(menu["finished_on"], "2023-01-04");
    let trouble = all
        .iter()
        .find(|e| e["name"] == "Big Trouble in Little China")
        .unwrap();
    assert_eq!(trouble["finished_on"], "2022-06-11");
    let episodes = lib.json(&["episodes", "1"]);
    let watched: Vec<&Value> = episodes
        .as_array()
        .unwrap()
        .iter()
        .filter(|e| e["watched"] == true)
        .collect();
    assert_eq!(
        watched.len(),
        1,
        "one watch however often it came: {episodes:#}"
    );
    assert_eq!(
        (&watched[0]["season"], &watched[0]["number"]),
        (&1.into(), &18.into())
    );
    assert_eq!(all.len(), 3, "{all:#?}");
}

#[test]
fn what_records_nothing_and_what_is_refused() {
    let (Some(pause), Some(track), Some(emby)) = (
        fixtures::read(
            "webhooks/plex/plex_media.pause_episode_multipart-body_bobs-burgers_icco-relay.txt",
        ),
        fixtures::read("webhooks/plex/plex_docs-sample_media.play_track_telegraf.json"),
        fixtures::read("webhooks/emby/emby_playback.stop_movie_4.7.11_movary.json"),
    ) else {
        return;
    };
    let lib = Cli::new(env!("CARGO_BIN_EXE_watchlog"));
    lib.ok(&["add", "Bob's Burgers"]);
    let l = listen(&lib);
    let before = lib.hash();

    // The real multipart body, with its own boundary.
    let text = String::from_utf8_lossy(&pause);
    let boundary = text
        .lines()
        .next()
        .unwrap()
        .trim()
        .strip_prefix("--")
        .unwrap();
    let (status, said) = post(
        &l,
        &hook("plex"),
        &format!("multipart/form-data; boundary={boundary}"),
        &pause,
    );
    assert_eq!(
        (status, said.contains("nothing to record")),
        (200, true),
        "{said}"
    );
    let (status, said) = post(&l, &hook("plex"), "application/json", &track);
    assert_eq!(
        (status, said.contains("nothing to record")),
        (200, true),
        "{said}"
    );
    // Emby's stop came before the end of the film.
    let mut form = b"data=".to_vec();
    form.extend(
        form_urlencoded::byte_serialize(&emby)
            .collect::<String>()
            .into_bytes(),
    );
    let (status, said) = post(
        &l,
        &hook("emby"),
        "application/x-www-form-urlencoded",
        &form,
    );
    assert_eq!(
        (status, said.contains("nothing to record")),
        (200, true),
        "{said}"
    );

    let wrong = format!("/webhooks/plex?token={}", "x".repeat(TOKEN.len()));
    assert_eq!(post(&l, &wrong, "application/json", &track).0, 401);
    assert_eq!(
        post(&l, "/webhooks/plex", "application/json", &track).0,
        401
    );
    assert_eq!(post(&l, &hook("kodi"), "application/json", &track).0, 404);
    let (status, said) = post(
        &l,
        &hook("jellyfin"),
        "application/json",
        b"{\"NotificationType\":",
    );
    assert_eq!(status, 400, "{said}");
    assert!(said.contains("not JSON"), "{said}");
    let big = vec![b' '; 5 << 20];
    assert_eq!(post(&l, &hook("jellyfin"), "application/json", &big).0, 413);
    assert_eq!(
        lib.hash(),
        before,
        "nothing refused or empty wrote to the library"
    );

    // The same Emby stop played to the end is recorded.
    let done = String::from_utf8_lossy(&emby).replace(
        "\"PlayedToCompletion\":false",
        "\"PlayedToCompletion\":true",
    );
    assert_ne!(
        done.as_bytes(),
        &emby[..],
        "the fixture says it was not played to the end"
    );
    let (status, said) = post(&l, &hook("emby"), "application/json", done.as_bytes());
    assert_eq!(status, 200, "{said}");
    assert!(said.contains("2 Fast 2 Furious"), "{said}");
}
