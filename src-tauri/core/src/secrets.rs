//! Secrets never reach a log. Two secrets live in a library: the user's
//! TMDB key (or read-access token) and the webhook token the media-server
//! addresses carry. The types that hold them print them as `<redacted>`
//! in `Debug`, and [`scrub`] is the last line of defence every log line of
//! the app passes through: it blanks whatever a line carries in the places
//! those secrets travel (`token=` and `api_key=` in an address, a
//! `Bearer` header), whoever wrote the line, a dependency included.

use std::borrow::Cow;

/// What a secret is printed as.
pub const REDACTED: &str = "<redacted>";

/// Query parameters and headers that carry a secret, lower case.
const SECRET_KEYS: &[&str] = &["token=", "api_key=", "apikey=", "access_token=", "bearer "];

/// `line` with the value after each secret-carrying key blanked: up to
/// the next character that ends a query value or a header word.
pub fn scrub(line: &str) -> Cow<'_, str> {
    let lower = line.to_ascii_lowercase();
    if !SECRET_KEYS.iter().any(|k| lower.contains(k)) {
        return Cow::Borrowed(line);
    }
    let mut out = String::with_capacity(line.len());
    let mut i = 0;
    'outer: while i < line.len() {
        for key in SECRET_KEYS {
            // ASCII lower-casing keeps byte offsets, so `lower` indexes `line`.
            if lower[i..].starts_with(key) && starts_word(&lower, i) {
                out.push_str(&line[i..i + key.len()]);
                let value = i + key.len();
                let end = line[value..]
                    .find(|c: char| c.is_whitespace() || "&\"'<>,;)".contains(c))
                    .map_or(line.len(), |n| value + n);
                if end > value {
                    out.push_str(REDACTED);
                }
                i = end;
                continue 'outer;
            }
        }
        let c = line[i..].chars().next().expect("i is on a char boundary");
        out.push(c);
        i += c.len_utf8();
    }
    Cow::Owned(out)
}

/// A key starts a word: `webhook_token=` carries a token, `mytoken=` is
/// some other word.
fn starts_word(lower: &str, i: usize) -> bool {
    lower[..i]
        .chars()
        .next_back()
        .is_none_or(|c| !c.is_ascii_alphanumeric())
}

/// A secret field as `Debug` shows it: whether it is set, never its value.
pub(crate) fn redacted(secret: &Option<String>) -> Option<&'static str> {
    secret.as_ref().map(|_| REDACTED)
}

#[cfg(test)]
mod tests {
    use super::*;

    const TOKEN: &str = "3f9a0c1d2e3b4a5f60718293a4b5c6d7e8f90a1b2c3d4e5f";
    const KEY: &str = "0123456789abcdef0123456789abcdef";

    #[test]
    fn webhook_addresses_lose_their_token() {
        let line = format!("POST http://127.0.0.1:8787/webhooks/plex?token={TOKEN}&x=1 -> 200");
        let s = scrub(&line);
        assert!(!s.contains(TOKEN), "{s}");
        assert_eq!(
            s,
            "POST http://127.0.0.1:8787/webhooks/plex?token=<redacted>&x=1 -> 200"
        );
    }

    #[test]
    fn tmdb_keys_and_tokens_are_blanked_wherever_they_are() {
        for line in [
            format!("GET https://api.themoviedb.org/3/tv/1399?api_key={KEY}"),
            format!("GET https://api.themoviedb.org/3/tv/1399?language=ko&API_KEY={KEY}"),
            format!("header Authorization: Bearer {KEY}"),
            format!("settings: webhook_token={TOKEN}, tmdb"),
            format!("\"access_token={KEY}\""),
        ] {
            let s = scrub(&line);
            assert!(!s.contains(KEY) && !s.contains(TOKEN), "{line} became {s}");
            assert!(s.contains(REDACTED), "{s}");
        }
    }

    #[test]
    fn settings_and_catalogue_config_never_print_a_secret() {
        let settings = crate::model::Settings {
            webhook_port: Some(8787),
            webhook_token: Some(TOKEN.into()),
            ..Default::default()
        };
        let shown = format!("{settings:?} {settings:#?}");
        assert!(
            !shown.contains(TOKEN),
            "Settings' Debug shows the token: {shown}"
        );
        assert!(
            shown.contains("webhook_token: Some(\"<redacted>\")"),
            "{shown}"
        );
        assert!(
            shown.contains("8787"),
            "the rest of the settings should show: {shown}"
        );

        let config = crate::catalog::CatalogConfig {
            tmdb_key: Some(KEY.into()),
            ..Default::default()
        };
        let shown = format!("{config:?}");
        assert!(
            !shown.contains(KEY),
            "CatalogConfig's Debug shows the key: {shown}"
        );
        assert!(shown.contains(REDACTED), "{shown}");
        let catalog = crate::catalog::Catalog::new(config).expect("a catalogue");
        let shown = format!("{catalog:?}");
        assert!(
            !shown.contains(KEY),
            "Catalog's Debug shows the key: {shown}"
        );
    }

    #[test]
    fn lines_without_secrets_are_untouched() {
        for line in [
            "opened the library (1204 titles)",
            "a link was refused: 'abc' is not a TVmaze show id",
            "tokenizer=unicode61 ready",
            "사운드트랙 #2 added",
        ] {
            assert!(matches!(scrub(line), Cow::Borrowed(_)), "{line}");
        }
        // A key name inside another word is no key.
        assert_eq!(scrub("mytoken=1 token=2"), "mytoken=1 token=<redacted>");
    }
}
