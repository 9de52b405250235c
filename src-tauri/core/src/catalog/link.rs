//! `watchlog://` links: a web page, a chat message or another program can
//! hand the app a show to add, such as `watchlog://add?tvmaze=82` or
//! `watchlog://add?tmdb=tv/1399` (`tmdb=movie/603` for a film). A link only
//! names a show; the app asks the viewer before anything is added, so a
//! link can never change the library on its own.
//!
//! The whole address comes from outside, so every way it can be wrong has a
//! message that says what a good link looks like, and the address itself is
//! quoted only when it is short.

use url::Url;

use super::{tmdb, CatalogRef, Provider};
use crate::error::{Error, Result};

/// The scheme the app is registered for.
pub const LINK_SCHEME: &str = "watchlog";

/// What a link asks for.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum CatalogLink {
    /// Add this catalogue show or film, once the viewer agrees.
    Add(CatalogRef),
}

/// Longer than any good link by far; a longer one is refused unread.
const MAX_LINK_LEN: usize = 2_000;

/// How much of a bad value a message repeats.
const MAX_QUOTE: usize = 60;

const EXAMPLES: &str =
    "watchlog://add?tvmaze=ID, watchlog://add?tmdb=tv/ID or watchlog://add?tmdb=movie/ID";

/// Reads a `watchlog://` link.
pub fn parse_link(link: &str) -> Result<CatalogLink> {
    let link = link.trim();
    if link.len() > MAX_LINK_LEN {
        return Err(Error::invalid(format!(
            "this link is too long to be a Watchlog link ({} characters); a Watchlog link looks like {EXAMPLES}",
            link.chars().count()
        )));
    }
    let not_ours = || {
        Error::invalid(format!(
            "'{}' is not a Watchlog link; a Watchlog link looks like {EXAMPLES}",
            quote(link)
        ))
    };
    let url = Url::parse(link).map_err(|_| not_ours())?;
    if !url.scheme().eq_ignore_ascii_case(LINK_SCHEME) {
        return Err(not_ours());
    }
    // `watchlog://add?…` puts the action in the host, `watchlog:add?…` in
    // the path; both are the same request.
    let action = match url.host_str() {
        Some(host) => (url.path().trim_matches('/').is_empty()).then_some(host),
        None => Some(url.path().trim_matches('/')),
    };
    match action {
        Some(a) if a.eq_ignore_ascii_case("add") => {}
        Some(a) if !a.is_empty() && !a.contains('/') => {
            return Err(Error::invalid(format!(
                "'{}' is not something a Watchlog link can do: a link can only add a show, as in {EXAMPLES}",
                quote(a)
            )))
        }
        _ => return Err(not_ours()),
    }

    let mut found = None;
    for (key, value) in url.query_pairs() {
        let reference = match key.to_ascii_lowercase().as_str() {
            "tvmaze" => tvmaze_ref(&value)?,
            "tmdb" => tmdb_ref(&value)?,
            other => {
                return Err(Error::invalid(format!(
                    "'{}' is not a catalogue a Watchlog link can name (use tvmaze or tmdb, as in {EXAMPLES})",
                    quote(other)
                )))
            }
        };
        if found.replace(reference).is_some() {
            return Err(Error::invalid(format!(
                "this link names more than one show; a Watchlog link adds one, as in {EXAMPLES}"
            )));
        }
    }
    found.map(CatalogLink::Add).ok_or_else(|| {
        Error::invalid(format!(
            "this link does not say which show to add; a Watchlog link looks like {EXAMPLES}"
        ))
    })
}

fn tvmaze_ref(value: &str) -> Result<CatalogRef> {
    let id = value.trim();
    if !is_number(id) {
        return Err(Error::invalid(format!(
            "'{}' is not a TVmaze show id: it is a number, as in watchlog://add?tvmaze=82",
            quote(id)
        )));
    }
    Ok(CatalogRef::new(Provider::Tvmaze, id))
}

/// TMDB numbers shows and films apart, so its ids say which: `tv/ID`,
/// `movie/ID`.
fn tmdb_ref(value: &str) -> Result<CatalogRef> {
    let value = value.trim();
    let bad = || {
        Error::invalid(format!(
            "'{}' is not a TMDB id: write tmdb=tv/ID for a show or tmdb=movie/ID for a film, as in watchlog://add?tmdb=tv/1399",
            quote(value)
        ))
    };
    let (kind, id) = value.split_once('/').ok_or_else(bad)?;
    if !is_number(id) {
        return Err(bad());
    }
    match kind.to_ascii_lowercase().as_str() {
        "tv" => Ok(CatalogRef::new(Provider::Tmdb, id)),
        "movie" => Ok(CatalogRef::new(
            Provider::Tmdb,
            format!("{}{id}", tmdb::FILM),
        )),
        _ => Err(bad()),
    }
}

/// A catalogue id: digits, and few enough of them to be one.
fn is_number(s: &str) -> bool {
    !s.is_empty() && s.len() <= 12 && s.bytes().all(|b| b.is_ascii_digit())
}

fn quote(s: &str) -> String {
    if s.chars().count() <= MAX_QUOTE {
        s.to_string()
    } else {
        let mut q: String = s.chars().take(MAX_QUOTE).collect();
        q.push('…');
        q
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn added(link: &str) -> CatalogRef {
        match parse_link(link) {
            Ok(CatalogLink::Add(r)) => r,
            Err(e) => panic!("{link} should be read, got: {e}"),
        }
    }

    fn refused(link: &str) -> String {
        match parse_link(link) {
            Ok(l) => panic!("{link} should be refused, was read as {l:?}"),
            Err(e) => {
                assert_eq!(e.code(), "invalid_input", "{link}: {e}");
                e.to_string()
            }
        }
    }

    #[test]
    fn reads_each_kind_of_show() {
        assert_eq!(
            added("watchlog://add?tvmaze=123"),
            CatalogRef::new(Provider::Tvmaze, "123")
        );
        assert_eq!(
            added("watchlog://add?tmdb=tv/1234"),
            CatalogRef::new(Provider::Tmdb, "1234")
        );
        assert_eq!(
            added("watchlog://add?tmdb=movie/603"),
            CatalogRef::new(Provider::Tmdb, "movie/603")
        );
        // The reference is the one the Add dialog uses for a TMDB film.
        assert_eq!(
            added("watchlog://add?tmdb=movie/603"),
            CatalogRef::tmdb_film("603")
        );
    }

    #[test]
    fn reads_the_spellings_browsers_and_shells_produce() {
        let show = CatalogRef::new(Provider::Tvmaze, "82");
        for link in [
            "watchlog://add?tvmaze=82",
            "  watchlog://add?tvmaze=82\n",
            "WATCHLOG://ADD?TVMAZE=82",
            "watchlog://add/?tvmaze=82",
            "watchlog:add?tvmaze=82",
            "watchlog://add?tvmaze=%38%32",
        ] {
            assert_eq!(added(link), show, "{link:?}");
        }
        assert_eq!(
            added("watchlog://add?tmdb=tv%2F1399"),
            CatalogRef::new(Provider::Tmdb, "1399")
        );
    }

    #[test]
    fn an_unknown_catalogue_is_named() {
        let m = refused("watchlog://add?imdb=tt0944947");
        assert!(m.contains("'imdb' is not a catalogue"), "{m}");
        assert!(m.contains("tvmaze or tmdb"), "{m}");
    }

    #[test]
    fn a_malformed_id_says_what_an_id_looks_like() {
        let m = refused("watchlog://add?tvmaze=abc");
        assert!(m.contains("'abc' is not a TVmaze show id"), "{m}");
        for (link, value) in [
            ("watchlog://add?tmdb=tv/", "tv/"),
            ("watchlog://add?tmdb=person/1", "person/1"),
            ("watchlog://add?tmdb=1399", "1399"),
            ("watchlog://add?tmdb=tv/13a", "tv/13a"),
        ] {
            let m = refused(link);
            assert!(
                m.contains(&format!("'{value}' is not a TMDB id")),
                "{link}: {m}"
            );
            assert!(m.contains("tmdb=tv/ID"), "{link}: {m}");
        }
        let m = refused("watchlog://add?tvmaze=");
        assert!(m.contains("is not a TVmaze show id"), "{m}");
        let m = refused("watchlog://add?tvmaze=1234567890123456789");
        assert!(m.contains("is not a TVmaze show id"), "{m}");
    }

    #[test]
    fn only_adding_is_allowed() {
        for action in ["remove", "delete", "rate"] {
            let m = refused(&format!("watchlog://{action}?tvmaze=82"));
            assert!(m.contains(&format!("'{action}' is not something")), "{m}");
            assert!(m.contains("can only add a show"), "{m}");
        }
    }

    #[test]
    fn a_link_names_exactly_one_show() {
        let m = refused("watchlog://add");
        assert!(m.contains("does not say which show"), "{m}");
        let m = refused("watchlog://add?tvmaze=82&tmdb=tv/1399");
        assert!(m.contains("more than one show"), "{m}");
    }

    #[test]
    fn other_addresses_are_not_watchlog_links() {
        for link in [
            "https://www.tvmaze.com/shows/82",
            "tvmaze:82",
            "watchlog://",
            "watchlog://add/more?tvmaze=82",
            "not a link at all",
            "",
        ] {
            let m = refused(link);
            assert!(m.contains("is not a Watchlog link"), "{link:?}: {m}");
            assert!(m.contains("watchlog://add?tvmaze=ID"), "{link:?}: {m}");
        }
    }

    #[test]
    fn a_long_link_is_not_repeated_whole() {
        let long = format!("https://example.com/{}", "x".repeat(500));
        let m = refused(&long);
        assert!(m.len() < 300, "the message repeats too much: {m}");
        let m = refused(&format!("watchlog://add?tvmaze={}", "9".repeat(5_000)));
        assert!(m.contains("too long"), "{m}");
    }
}
