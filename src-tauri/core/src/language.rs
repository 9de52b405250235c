//! The languages Watchlog speaks, and which one a viewer gets: the one
//! chosen in Settings, else the system's. The UI shows its words in it and
//! the catalogues are asked for their facts in it (TMDB translates names
//! and overviews; the original title is always kept beside them).

use crate::error::{Error, Result};

/// The UI's languages as BCP 47 tags, each with the tag TMDB's `language`
/// parameter wants for it. The UI has a folder of messages for each (a
/// test holds the two lists together).
pub const LANGUAGES: &[(&str, &str)] = &[
    ("en", "en-US"),
    ("ko", "ko-KR"),
    ("ja", "ja-JP"),
    ("zh-Hans", "zh-CN"),
    ("zh-Hant", "zh-TW"),
    ("es", "es-ES"),
    ("pt-BR", "pt-BR"),
    ("id", "id-ID"),
];

/// A language setting checked against [`LANGUAGES`]: `None` or an empty
/// one follows the system.
pub fn checked(choice: Option<&str>) -> Result<Option<&'static str>> {
    let Some(choice) = choice.map(str::trim).filter(|c| !c.is_empty()) else {
        return Ok(None);
    };
    LANGUAGES
        .iter()
        .find(|(tag, _)| tag.eq_ignore_ascii_case(choice))
        .map(|(tag, _)| Some(*tag))
        .ok_or_else(|| {
            let known: Vec<&str> = LANGUAGES.iter().map(|(t, _)| *t).collect();
            Error::invalid_field(
                "language",
                format!(
                    "Watchlog does not speak '{choice}'; choose one of {}",
                    known.join(", ")
                ),
            )
        })
}

/// The language of a POSIX or BCP 47 locale name ("ko_KR.UTF-8", "zh-TW",
/// "pt_PT"), if Watchlog speaks it. Chinese takes its script from the
/// region when the name has none; any Portuguese gets the Brazilian one.
pub fn matching(locale: &str) -> Option<&'static str> {
    let name = locale.split(['.', '@']).next().unwrap_or_default();
    let mut parts = name.split(['_', '-']);
    let lang = parts.next()?.to_ascii_lowercase();
    let rest: Vec<String> = parts.map(str::to_ascii_lowercase).collect();
    let tag = match lang.as_str() {
        "zh" => {
            let traditional = rest.iter().any(|p| p == "hant")
                || (!rest.iter().any(|p| p == "hans")
                    && rest
                        .iter()
                        .any(|p| matches!(p.as_str(), "tw" | "hk" | "mo")));
            if traditional {
                "zh-Hant"
            } else {
                "zh-Hans"
            }
        }
        "pt" => "pt-BR",
        "in" => "id",
        other => return LANGUAGES.iter().map(|(t, _)| *t).find(|t| *t == other),
    };
    Some(tag)
}

/// The system's language from the environment the way POSIX orders it
/// (`LC_ALL`, then `LC_MESSAGES`, then `LANG`), if Watchlog speaks it.
pub fn system() -> Option<&'static str> {
    ["LC_ALL", "LC_MESSAGES", "LANG"]
        .iter()
        .filter_map(|k| std::env::var(k).ok())
        .find(|v| !v.trim().is_empty())
        .and_then(|v| matching(&v))
}

/// The language shown for a setting: the chosen one, else the system's,
/// else English.
pub fn effective(choice: Option<&str>) -> &'static str {
    checked(choice)
        .ok()
        .flatten()
        .or_else(system)
        .unwrap_or("en")
}

/// TMDB's `language` parameter for a language setting; `None` for
/// English, TMDB's own default, so English requests stay as they were.
pub fn catalog_tag(choice: Option<&str>) -> Option<&'static str> {
    let lang = effective(choice);
    LANGUAGES
        .iter()
        .find(|(t, _)| *t == lang && lang != "en")
        .map(|(_, tmdb)| *tmdb)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn locale_names_map_onto_the_languages_spoken() {
        assert_eq!(matching("ko_KR.UTF-8"), Some("ko"));
        assert_eq!(matching("ja_JP"), Some("ja"));
        assert_eq!(matching("zh_CN.UTF-8"), Some("zh-Hans"));
        assert_eq!(matching("zh_TW.UTF-8"), Some("zh-Hant"));
        assert_eq!(matching("zh-Hant-HK"), Some("zh-Hant"));
        assert_eq!(matching("zh-Hans-HK"), Some("zh-Hans"));
        assert_eq!(matching("pt_PT"), Some("pt-BR"));
        assert_eq!(matching("es_MX.UTF-8"), Some("es"));
        assert_eq!(matching("id_ID"), Some("id"));
        assert_eq!(matching("fr_FR"), None);
        assert_eq!(matching("C"), None);
        assert_eq!(matching(""), None);
    }

    #[test]
    fn a_setting_is_one_of_the_languages_or_follows_the_system() {
        assert_eq!(checked(Some("ko")).unwrap(), Some("ko"));
        assert_eq!(checked(Some("PT-br")).unwrap(), Some("pt-BR"));
        assert_eq!(checked(Some("  ")).unwrap(), None);
        assert_eq!(checked(None).unwrap(), None);
        let e = checked(Some("klingon")).unwrap_err().to_string();
        assert!(e.contains("'klingon'") && e.contains("zh-Hant"), "{e}");
        assert_eq!(catalog_tag(Some("zh-Hant")), Some("zh-TW"));
        assert_eq!(catalog_tag(Some("ko")), Some("ko-KR"));
        assert_eq!(catalog_tag(Some("en")), None);
    }

    #[test]
    fn the_ui_has_messages_for_every_language_and_no_other() {
        let dir = concat!(env!("CARGO_MANIFEST_DIR"), "/../../ui/src/lib/i18n/locales");
        let mut found: Vec<String> = std::fs::read_dir(dir)
            .unwrap_or_else(|e| panic!("the UI's messages should be in {dir}: {e}"))
            .filter_map(|e| e.ok())
            .filter(|e| e.path().is_dir())
            .map(|e| e.file_name().to_string_lossy().into_owned())
            .collect();
        found.sort();
        let mut want: Vec<String> = LANGUAGES.iter().map(|(t, _)| t.to_string()).collect();
        want.sort();
        assert_eq!(found, want);
    }
}
