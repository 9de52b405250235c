//! Text folding shared by sorting and matching.

use unicode_normalization::char::is_combining_mark;
use unicode_normalization::UnicodeNormalization;

/// Lower-cases and strips accents (`Pokémon` → `pokemon`), leaving scripts
/// without accents (Hangul, kana, hanzi) as they are.
pub fn fold(text: &str) -> String {
    // Plain ASCII has no accents to drop and nothing to recompose, and it
    // is most titles of a large import: the same result, without the two
    // normalisation passes.
    if text.is_ascii() {
        return text.to_ascii_lowercase();
    }
    // NFD splits "é" into "e" + a combining accent; Hangul syllables decompose
    // into jamo under NFD, so recompose them (NFC) after dropping the marks.
    text.nfd()
        .filter(|c| !is_combining_mark(*c))
        .nfc()
        .flat_map(char::to_lowercase)
        .collect()
}

/// The key titles sort by: folded, with a leading English article dropped so
/// "The Glory" sorts under G.
pub fn sort_key(title: &str) -> String {
    let folded = fold(title.trim());
    for article in ["the ", "a ", "an "] {
        if let Some(rest) = folded.strip_prefix(article) {
            if !rest.trim().is_empty() {
                return rest.trim_start().to_string();
            }
        }
    }
    folded
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn folds_accents_but_keeps_hangul() {
        assert_eq!(fold("Pokémon"), "pokemon");
        assert_eq!(fold("사운드트랙 #2"), "사운드트랙 #2");
        assert_eq!(fold("Filipiñana"), "filipinana");
        assert_eq!(fold("Reply 1988: The FINAL #2"), "reply 1988: the final #2");
    }

    #[test]
    fn sort_key_drops_articles() {
        assert_eq!(sort_key("The Glory"), "glory");
        assert_eq!(sort_key("A Business Proposal"), "business proposal");
        assert_eq!(sort_key("The"), "the");
        assert_eq!(sort_key("Theory of Love"), "theory of love");
    }
}
