//! Media-server events read from the real payloads in the shared fixtures:
//! what each says was watched, and what records nothing.

use watchlog_core::webhooks::{parse, Server};
use watchlog_core::{EpisodeRef, Kind};
use watchlog_testkit::fixtures;

#[test]
fn the_plex_multipart_body_is_read_and_a_pause_records_nothing() {
    let Some(body) = fixtures::read(
        "webhooks/plex/plex_media.pause_episode_multipart-body_bobs-burgers_icco-relay.txt",
    ) else {
        return;
    };
    let text = String::from_utf8_lossy(&body);
    let boundary = text
        .lines()
        .next()
        .unwrap()
        .trim()
        .strip_prefix("--")
        .unwrap();
    let ct = format!("multipart/form-data; boundary={boundary}");
    assert_eq!(parse(Server::Plex, Some(&ct), &body).unwrap(), None);
    // The same event as a scrobble is Bob's Burgers S9E15.
    let scrobble = text.replace("media.pause", "media.scrobble");
    let played = parse(Server::Plex, Some(&ct), scrobble.as_bytes())
        .unwrap()
        .expect("a scrobble records");
    assert_eq!(played.title, "Bob's Burgers");
    assert_eq!(played.kind, Kind::Series);
    assert_eq!(
        played.episode,
        Some(EpisodeRef {
            season: 9,
            number: 15
        })
    );
    assert_eq!(played.at.to_rfc3339(), "2023-06-26T23:25:24+00:00");
}

#[test]
fn films_from_each_server() {
    let (Some(jellyfin), Some(emby), Some(plex)) = (
        fixtures::read("webhooks/jellyfin/jellyfin_PlaybackStop_movie_allprops_10.8.8_movary.json"),
        fixtures::read("webhooks/emby/emby_playback.stop_movie_4.7.11_movary.json"),
        fixtures::read("webhooks/plex/plex_media.scrobble_movie_big-trouble_movary.json"),
    ) else {
        return;
    };
    let j = parse(Server::Jellyfin, Some("application/json"), &jellyfin)
        .unwrap()
        .unwrap();
    assert_eq!(
        (j.title.as_str(), j.year, j.kind),
        ("The Menu", Some(2022), Kind::Film)
    );
    assert_eq!(j.ids.imdb.as_deref(), Some("tt9764362"));
    assert_eq!(j.ids.tmdb.as_deref(), Some("movie/593643"));
    assert_eq!(j.at.to_rfc3339(), "2023-01-04T06:36:12.853591+00:00");
    // Emby's stop came before the end.
    assert_eq!(parse(Server::Emby, None, &emby).unwrap(), None);
    let p = parse(Server::Plex, None, &plex).unwrap().unwrap();
    assert_eq!(
        (p.title.as_str(), p.year),
        ("Big Trouble in Little China", Some(1986))
    );
    // A track is not a film or an episode.
    let Some(track) =
        fixtures::read("webhooks/plex/plex_docs-sample_media.play_track_telegraf.json")
    else {
        return;
    };
    assert_eq!(parse(Server::Plex, None, &track).unwrap(), None);
}

#[test]
fn broken_bodies_are_refused_in_words() {
    for (server, ct, body, words) in [
        (Server::Jellyfin, None, &b"{\"Name\":"[..], "not JSON"),
        (Server::Plex, None, &b"[1, 2]"[..], "not a JSON object"),
        (
            Server::Plex,
            Some("multipart/form-data; boundary=xyz"),
            &b"--xyz\r\nContent-Disposition: form-data; name=\"thumb\"\r\n\r\nabc\r\n--xyz--\r\n"[..],
            "no `payload` field",
        ),
        (
            Server::Plex,
            Some("multipart/form-data"),
            &b"--xyz\r\n"[..],
            "without a boundary",
        ),
    ] {
        let err = parse(server, ct, body).unwrap_err().to_string();
        assert!(err.contains(words), "{server} {ct:?}: {err}");
    }
}
