//! How Netflix names what was watched, and what the names say: a film is
//! its name ("El Camino: A Breaking Bad Movie"), an episode is
//! `Show: Season 1: Episode title` in the account's language ("Temporada
//! 3", "シーズン1", "1. řada", "Limited Series", "Part 2"), where the show
//! and the episode title may hold colons of their own. Pure rules on
//! strings, kept apart from the reader so they can be tested one by one.
//!
//! The words are data ([`SEASONS`], [`EPISODES`]): a pattern is the words
//! around a number, written `#`, in lower case. A title is read in three
//! passes over the whole file ([`read_titles`]):
//! 1. a segment that is a season marker, with something after it, splits
//!    the title: the show before it, the episode after it;
//! 2. a title that starts with a show found in pass 1 is an episode of it
//!    (a segment "Stranger Things 2" after "Stranger Things" is season 2);
//! 3. titles sharing the part before their first colon are one show's
//!    episodes when one of them carries an episode number ("East Blue:
//!    Episode 28") or at least [`SHOW_FROM_SUFFIXES`] differ; two are
//!    taken for films ("The Lord of the Rings: The Two Towers" and "…: The
//!    Return of the King").
//!
//! Everything else is a film.

use std::collections::{HashMap, HashSet};

/// What a season marker says.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Season {
    /// A numbered season: "Season 2", "Temporada 3", "シーズン1", "1. řada",
    /// and a part or volume in its place ("Part 2", "Volumen 1").
    Numbered(u32),
    /// A limited series or miniseries: its one season.
    Limited,
}

impl Season {
    /// The season number the title gives, if it gives one.
    pub fn number(self) -> Option<u32> {
        match self {
            Season::Numbered(n) => Some(n),
            Season::Limited => Some(1),
        }
    }
}

#[derive(Clone, Copy)]
enum Shape {
    Numbered,
    Limited,
    /// A part, volume, collection, book or chapter where a season's name
    /// goes ("Money Heist: Part 3"): Netflix numbers its episodes afresh
    /// like a season's, and catalogues list it as that season.
    Part,
}

/// Season markers in the languages Netflix writes titles in. `#` is the
/// number; a pattern without one is a limited series.
const SEASONS: &[(&str, Shape)] = &[
    // English, and British English's "Series 2".
    ("season #", Shape::Numbered),
    ("series #", Shape::Numbered),
    ("limited series", Shape::Limited),
    ("miniseries", Shape::Limited),
    ("part #", Shape::Part),
    ("volume #", Shape::Part),
    ("vol. #", Shape::Part),
    ("collection #", Shape::Part),
    ("book #", Shape::Part),
    ("chapter #", Shape::Part),
    // Spanish.
    ("temporada #", Shape::Numbered),
    ("miniserie", Shape::Limited),
    ("serie limitada", Shape::Limited),
    ("parte #", Shape::Part),
    ("volumen #", Shape::Part),
    ("colección #", Shape::Part),
    ("libro #", Shape::Part),
    ("capítulo #", Shape::Part),
    ("nivel #", Shape::Part),
    // Portuguese.
    ("#.ª temporada", Shape::Numbered),
    ("#ª temporada", Shape::Numbered),
    ("minissérie", Shape::Limited),
    ("série limitada", Shape::Limited),
    ("coleção #", Shape::Part),
    ("livro #", Shape::Part),
    // French.
    ("saison #", Shape::Numbered),
    ("minisérie", Shape::Limited),
    ("mini-série", Shape::Limited),
    ("série limitée", Shape::Limited),
    ("partie #", Shape::Part),
    ("livre #", Shape::Part),
    // German.
    ("staffel #", Shape::Numbered),
    ("teil #", Shape::Part),
    ("buch #", Shape::Part),
    // Italian.
    ("stagione #", Shape::Numbered),
    ("serie limitata", Shape::Limited),
    // Dutch, Swedish, Danish, Norwegian, Finnish, Estonian.
    ("seizoen #", Shape::Numbered),
    ("säsong #", Shape::Numbered),
    ("sæson #", Shape::Numbered),
    ("sesong #", Shape::Numbered),
    ("kausi #", Shape::Numbered),
    ("hooaeg #", Shape::Numbered),
    ("deel #", Shape::Part),
    ("del #", Shape::Part),
    ("osa #", Shape::Part),
    // Czech and Slovak.
    ("#. řada", Shape::Numbered),
    ("#. séria", Shape::Numbered),
    ("minisérie", Shape::Limited),
    ("část #", Shape::Part),
    // Polish.
    ("sezon #", Shape::Numbered),
    ("miniserial", Shape::Limited),
    ("część #", Shape::Part),
    // Turkish.
    ("#. sezon", Shape::Numbered),
    ("mini dizi", Shape::Limited),
    ("kısım #", Shape::Part),
    // Hungarian, Romanian, Greek, Russian, Ukrainian.
    ("#. évad", Shape::Numbered),
    ("sezonul #", Shape::Numbered),
    ("σεζόν #", Shape::Numbered),
    ("сезон #", Shape::Numbered),
    ("частина #", Shape::Part),
    ("часть #", Shape::Part),
    // Indonesian, Malay, Vietnamese, Filipino.
    ("musim #", Shape::Numbered),
    ("mùa #", Shape::Numbered),
    ("bagian #", Shape::Part),
    ("phần #", Shape::Part),
    // Japanese.
    ("シーズン#", Shape::Numbered),
    ("第#シリーズ", Shape::Numbered),
    ("第#シーズン", Shape::Numbered),
    ("リミテッドシリーズ", Shape::Limited),
    ("パート#", Shape::Part),
    ("第#部", Shape::Part),
    ("第#章", Shape::Part),
    // Korean.
    ("시즌 #", Shape::Numbered),
    ("리미티드 시리즈", Shape::Limited),
    ("파트 #", Shape::Part),
    // Chinese.
    ("第#季", Shape::Numbered),
    ("迷你剧", Shape::Limited),
    ("迷你影集", Shape::Limited),
    ("限定剧", Shape::Limited),
    // Thai.
    ("ซีซั่น #", Shape::Numbered),
    ("ลิมิเต็ดซีรีส์", Shape::Limited),
    ("ภาค #", Shape::Part),
    // Arabic, Hebrew, Hindi.
    ("الموسم #", Shape::Numbered),
    ("עונה #", Shape::Numbered),
    ("सीज़न #", Shape::Numbered),
];

/// How an episode's own number is written, alone ("Episode 5") or in
/// brackets after its title ("Islands (Episode 1)").
const EPISODES: &[&str] = &[
    "episode #",
    "episodio #",
    "episódio #",
    "capítulo #",
    "capitulo #",
    "épisode #",
    "folge #",
    "episodi #",
    "aflevering #",
    "avsnitt #",
    "jakso #",
    "odcinek #",
    "epizoda #",
    "díl #",
    "#. díl",
    "bölüm #",
    "#. bölüm",
    "epizód #",
    "#. rész",
    "серия #",
    "επεισόδιο #",
    "episod #",
    "tập #",
    "エピソード#",
    "第#話",
    "에피소드 #",
    "#화",
    "第#集",
    "ตอนที่ #",
    "الحلقة #",
    "פרק #",
];

/// Marker-less titles sharing their first part are one show's episodes
/// from this many different rests on.
pub const SHOW_FROM_SUFFIXES: usize = 3;

/// A segment of a title as patterns are written: lower case, spaces
/// (no-break ones too) single, full-width digits as ASCII.
fn norm(s: &str) -> String {
    let s: String = s
        .chars()
        .map(|c| match c {
            '０'..='９' => char::from(b'0' + (c as u32 - '０' as u32) as u8),
            c if c.is_whitespace() => ' ',
            c => c,
        })
        .collect();
    s.split(' ')
        .filter(|w| !w.is_empty())
        .collect::<Vec<_>>()
        .join(" ")
        .to_lowercase()
}

/// A number as titles write one: digits (a letter after them, as in
/// "Temporada 3B", is a half of that season), or a Roman numeral up to 20.
fn number(s: &str) -> Option<u32> {
    let s = s.trim();
    let digits: String = s.chars().take_while(char::is_ascii_digit).collect();
    if !digits.is_empty() {
        let rest = &s[digits.len()..];
        let tail_ok = rest.is_empty()
            || (rest.chars().count() == 1 && rest.chars().all(|c| c.is_alphabetic()));
        return digits.parse().ok().filter(|n| *n > 0 && tail_ok);
    }
    const ROMAN: [&str; 20] = [
        "i", "ii", "iii", "iv", "v", "vi", "vii", "viii", "ix", "x", "xi", "xii", "xiii", "xiv",
        "xv", "xvi", "xvii", "xviii", "xix", "xx",
    ];
    ROMAN.iter().position(|r| *r == s).map(|i| i as u32 + 1)
}

/// The number a normalised segment holds in `pattern`, or `Some(0)` for a
/// pattern without a number that the segment is.
fn fits(segment: &str, pattern: &str) -> Option<u32> {
    let Some((before, after)) = pattern.split_once('#') else {
        return (segment == pattern).then_some(0);
    };
    let rest = segment.strip_prefix(before.trim_end())?;
    let mid = rest.strip_suffix(after.trim_start())?;
    // "seasonal 1" is not "season 1": only spaces may sit between the
    // words and the number.
    number(mid)
}

/// What a segment says about the season, if it is a season marker.
pub fn season_marker(segment: &str) -> Option<Season> {
    let s = norm(segment);
    SEASONS.iter().find_map(|(pattern, shape)| {
        let n = fits(&s, pattern)?;
        Some(match shape {
            Shape::Numbered | Shape::Part => Season::Numbered(n),
            Shape::Limited => Season::Limited,
        })
    })
}

/// The episode number a text is ("Episode 5", "エピソード1"), if it is one.
fn episode_number(text: &str) -> Option<u32> {
    let s = norm(text);
    EPISODES.iter().find_map(|p| fits(&s, p).filter(|n| *n > 0))
}

/// An episode as its title names it: the name without a bracketed number
/// after it, and that number.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct EpisodeName {
    pub name: String,
    pub number: Option<u32>,
}

/// Reads what follows the season in a title: "Islands (Episode 1)",
/// "Episode 258", "East Blue: Episode 28", or a plain name.
pub fn episode_name(rest: &str) -> EpisodeName {
    let rest = rest.trim();
    if let Some(open) = rest.rfind(" (") {
        if let Some(inner) = rest[open + 2..].strip_suffix(')') {
            if let Some(n) = episode_number(inner) {
                return EpisodeName {
                    name: rest[..open].trim().to_string(),
                    number: Some(n),
                };
            }
        }
    }
    let last = rest.rsplit(": ").next().unwrap_or(rest);
    EpisodeName {
        name: rest.to_string(),
        number: episode_number(last),
    }
}

/// What one title of the file is.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Reading {
    Film,
    Episode {
        /// The show's name as this title writes it.
        show: String,
        season: Option<Season>,
        episode: EpisodeName,
    },
}

/// A title cut at its first season marker that has something after it:
/// the show, the season and the rest.
fn split_at_marker(title: &str) -> Option<(String, Season, String)> {
    let parts: Vec<&str> = title.split(": ").collect();
    (1..parts.len().saturating_sub(1)).find_map(|i| {
        let show = parts[..i].join(": ");
        let season = season_marker(parts[i]).or_else(|| own_name_season(&show, parts[i]))?;
        Some((show, season, parts[i + 1..].join(": ")))
    })
}

/// "Stranger Things 2" after "Stranger Things": the show's own name and a
/// number is that season.
fn own_name_season(show: &str, segment: &str) -> Option<Season> {
    let rest = norm(segment).strip_prefix(&norm(show))?.to_string();
    rest.strip_prefix(' ')
        .filter(|n| n.chars().all(|c| c.is_ascii_digit()))
        .and_then(number)
        .map(Season::Numbered)
}

/// Reads every title of one file together (which names are shows depends
/// on the other titles): each distinct title's [`Reading`].
pub fn read_titles<'a>(titles: impl IntoIterator<Item = &'a str>) -> HashMap<&'a str, Reading> {
    let titles: Vec<&str> = {
        let mut seen = HashSet::new();
        titles.into_iter().filter(|t| seen.insert(*t)).collect()
    };
    let mut out: HashMap<&str, Reading> = HashMap::new();
    // Pass 1: season markers.
    let mut shows: HashSet<String> = HashSet::new();
    for t in &titles {
        if let Some((show, season, rest)) = split_at_marker(t) {
            shows.insert(norm(&show));
            out.insert(
                t,
                Reading::Episode {
                    show,
                    season: Some(season),
                    episode: episode_name(&rest),
                },
            );
        }
    }
    // Pass 2: titles under a show pass 1 found, the longest that fits.
    let unread: Vec<&str> = titles
        .iter()
        .copied()
        .filter(|t| !out.contains_key(t))
        .collect();
    for t in unread {
        let parts: Vec<&str> = t.split(": ").collect();
        let under = (1..parts.len()).rev().find_map(|i| {
            let show = parts[..i].join(": ");
            shows
                .contains(&norm(&show))
                .then(|| (show, parts[i..].join(": ")))
        });
        if let Some((show, rest)) = under {
            let (season, rest) = match rest.split_once(": ") {
                Some((first, after)) => match own_name_season(&show, first) {
                    Some(s) => (Some(s), after.to_string()),
                    None => (None, rest.clone()),
                },
                None => (None, rest.clone()),
            };
            out.insert(
                t,
                Reading::Episode {
                    show,
                    season,
                    episode: episode_name(&rest),
                },
            );
        }
    }
    // Pass 3: titles sharing the part before their first colon.
    let mut groups: HashMap<String, Vec<(&str, &str, &str)>> = HashMap::new();
    for t in titles.iter().filter(|t| !out.contains_key(**t)) {
        if let Some((head, rest)) = t.split_once(": ") {
            groups.entry(norm(head)).or_default().push((t, head, rest));
        }
    }
    for members in groups.values() {
        let suffixes: HashSet<String> = members.iter().map(|(_, _, r)| norm(r)).collect();
        let numbered = members
            .iter()
            .any(|(_, _, r)| episode_name(r).number.is_some());
        if !numbered && suffixes.len() < SHOW_FROM_SUFFIXES {
            continue;
        }
        for (t, head, rest) in members {
            out.insert(
                t,
                Reading::Episode {
                    show: head.to_string(),
                    season: None,
                    episode: episode_name(rest),
                },
            );
        }
    }
    for t in titles {
        out.entry(t).or_insert(Reading::Film);
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn episode(show: &str, season: Option<Season>, name: &str, number: Option<u32>) -> Reading {
        Reading::Episode {
            show: show.into(),
            season,
            episode: EpisodeName {
                name: name.into(),
                number,
            },
        }
    }

    fn one(title: &str) -> Reading {
        read_titles([title]).remove(title).unwrap()
    }

    #[test]
    fn season_markers_in_many_languages() {
        for (segment, season) in [
            ("Season 1", Season::Numbered(1)),
            ("SEASON 12", Season::Numbered(12)),
            ("Temporada 3", Season::Numbered(3)),
            ("Temporada 3B", Season::Numbered(3)),
            ("2.ª temporada", Season::Numbered(2)),
            ("シーズン1", Season::Numbered(1)),
            ("シーズン２", Season::Numbered(2)),
            ("第2シリーズ", Season::Numbered(2)),
            ("1. řada", Season::Numbered(1)),
            ("Sezon 4", Season::Numbered(4)),
            ("2. Sezon", Season::Numbered(2)),
            ("Staffel 5", Season::Numbered(5)),
            ("시즌 2", Season::Numbered(2)),
            ("第3季", Season::Numbered(3)),
            ("ซีซั่น 1", Season::Numbered(1)),
            ("Series\u{a0}2", Season::Numbered(2)),
            ("Limited Series", Season::Limited),
            ("Minissérie", Season::Limited),
            ("Miniserie", Season::Limited),
            ("リミテッドシリーズ", Season::Limited),
            ("Part 2", Season::Numbered(2)),
            ("Parte II", Season::Numbered(2)),
            ("Volume 1", Season::Numbered(1)),
            ("Volumen 2", Season::Numbered(2)),
            ("パート3", Season::Numbered(3)),
            ("Livro 2", Season::Numbered(2)),
        ] {
            assert_eq!(season_marker(segment), Some(season), "{segment}");
        }
        for not in [
            "Seasonal 1",
            "Season",
            "Season 0",
            "Temporada final",
            "Stranger Things 2",
            "East Blue",
            "Part Two",
        ] {
            assert_eq!(season_marker(not), None, "{not}");
        }
    }

    #[test]
    fn episode_numbers_alone_or_in_brackets() {
        let e = episode_name("Islands (Episode 1)");
        assert_eq!((e.name.as_str(), e.number), ("Islands", Some(1)));
        let e = episode_name("Morir para vivir (Capítulo 1)");
        assert_eq!((e.name.as_str(), e.number), ("Morir para vivir", Some(1)));
        let e = episode_name("Episode 258");
        assert_eq!((e.name.as_str(), e.number), ("Episode 258", Some(258)));
        let e = episode_name("エピソード3");
        assert_eq!(e.number, Some(3));
        let e = episode_name("East Blue: Episode 28");
        assert_eq!(e.number, Some(28));
        // A bracket that is not a number stays in the name.
        let e = episode_name("Déjà vu (1858-1961) (Episode 1)");
        assert_eq!(
            (e.name.as_str(), e.number),
            ("Déjà vu (1858-1961)", Some(1))
        );
        let e = episode_name("Capítulo uno (Parte 1)");
        assert_eq!(
            (e.name.as_str(), e.number),
            ("Capítulo uno (Parte 1)", None)
        );
    }

    #[test]
    fn shows_whose_names_and_episodes_hold_colons() {
        assert_eq!(
            one("Cyberpunk: Mercenários: Temporada 1: Fique (Episódio 8)"),
            episode(
                "Cyberpunk: Mercenários",
                Some(Season::Numbered(1)),
                "Fique",
                Some(8)
            )
        );
        assert_eq!(
            one("Black Lightning: Temporada 3: El libro de la ocupación: Capítulo 1: El nacimiento del mirlo"),
            episode(
                "Black Lightning",
                Some(Season::Numbered(3)),
                "El libro de la ocupación: Capítulo 1: El nacimiento del mirlo",
                None
            )
        );
        assert_eq!(
            one("ザ・コード: シーズン1: エピソード3"),
            episode(
                "ザ・コード",
                Some(Season::Numbered(1)),
                "エピソード3",
                Some(3)
            )
        );
        assert_eq!(
            one("Inside Bill's Brain: Decoding Bill Gates: Limited Series: Part 3 (Episode 3)"),
            episode(
                "Inside Bill's Brain: Decoding Bill Gates",
                Some(Season::Limited),
                "Part 3",
                Some(3)
            )
        );
    }

    #[test]
    fn films_with_colons_stay_films() {
        for film in [
            "El Camino: A Breaking Bad Movie",
            "The Hangover: Part II",
            "Nymphomaniac: Volume 1",
            "Rogue One: A Star Wars Story",
            "Barbie y los delfines mágicos",
        ] {
            assert_eq!(one(film), Reading::Film, "{film}");
        }
        // Two films of one series are not a show.
        let r = read_titles([
            "The Lord of the Rings: The Two Towers",
            "The Lord of the Rings: The Return of the King",
        ]);
        assert!(r.values().all(|x| *x == Reading::Film), "{r:?}");
    }

    #[test]
    fn a_show_found_by_its_marker_claims_its_other_titles() {
        let r = read_titles([
            "Stranger Things: Stranger Things 2: Chapter One: MADMAX",
            "Stranger Things: Season 1: Chapter One: The Vanishing of Will Byers",
            "Stranger Things: Stranger Things 3: Chapter Three: The Case of the Missing Lifeguard",
            "Star Trek: Prodigy: Temporada 1: Achados e perdidos – Parte 1 (Episódio 1)",
            "Star Trek: Sem Fronteiras",
        ]);
        assert_eq!(
            r["Stranger Things: Stranger Things 2: Chapter One: MADMAX"],
            episode(
                "Stranger Things",
                Some(Season::Numbered(2)),
                "Chapter One: MADMAX",
                None
            )
        );
        assert_eq!(
            r["Stranger Things: Stranger Things 3: Chapter Three: The Case of the Missing Lifeguard"],
            episode(
                "Stranger Things",
                Some(Season::Numbered(3)),
                "Chapter Three: The Case of the Missing Lifeguard",
                None
            )
        );
        assert_eq!(r["Star Trek: Sem Fronteiras"], Reading::Film);
    }

    #[test]
    fn shows_without_markers_are_found_by_their_rows() {
        let r = read_titles([
            "鬼滅の刃: 己の鋼",
            "鬼滅の刃: 幻惑の血の香り",
            "鬼滅の刃: ヒノカミ",
            "ONE PIECE: East Blue: Episode 28",
            "Spider-Man: Un nuevo universo",
            "Spider-Man: De regreso a casa",
        ]);
        assert_eq!(
            r["鬼滅の刃: ヒノカミ"],
            episode("鬼滅の刃", None, "ヒノカミ", None)
        );
        assert_eq!(
            r["ONE PIECE: East Blue: Episode 28"],
            episode("ONE PIECE", None, "East Blue: Episode 28", Some(28))
        );
        assert_eq!(r["Spider-Man: Un nuevo universo"], Reading::Film);
    }
}
