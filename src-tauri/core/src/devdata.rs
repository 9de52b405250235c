//! A large, realistic library for development and benchmarks, built from
//! real catalogue rows: the streaming catalogues (Netflix, Hulu, Disney+,
//! Prime Video), the MyDramaList K-drama lists and the IMDb TV shows with
//! synopses. Titles, years, countries, genres, people, runtimes and
//! descriptions are the real ones; the user's side (status, rating, review,
//! dates, platform, tags) is drawn from a seeded generator, so the same seed
//! always builds the same library.

use std::path::{Path, PathBuf};

use chrono::{DateTime, Duration, NaiveDate, TimeZone, Utc};

use crate::catalog::Episode;
use crate::error::{Error, Result};
use crate::model::{
    Airing, EntryFields, EpisodeRef, Kind, NewEntry, Person, Role, Status, TitleFacts,
    ViewingDetails,
};
use crate::rating::Rating;
use crate::store::{Dated, GeneratedShow, Library};

/// The "now" generated episode lists are laid around (the end of the
/// generated ten years of use), so Up next and the calendar of a generated
/// library look the same whenever they are asked with this clock.
pub const GENERATED_NOW: &str = "2025-01-01T12:00:00Z";

/// A real title read from one of the datasets.
#[derive(Debug, Clone, PartialEq)]
pub struct SourceTitle {
    pub name: String,
    pub kind: Kind,
    pub year: Option<i32>,
    pub country: Option<String>,
    pub genres: Vec<String>,
    pub people: Vec<Person>,
    pub synopsis: Option<String>,
    pub episodes: Option<u32>,
    pub runtime_minutes: Option<u32>,
    /// Where the catalogue row came from, when that is a platform.
    pub platform: Option<&'static str>,
}

/// The datasets folder beside the project, relative to a crate's manifest
/// directory (`CARGO_MANIFEST_DIR`) or the current directory.
pub fn default_datasets_dir(base: &Path) -> PathBuf {
    base.join("../shared/fixtures/datasets")
}

/// Reads every dataset under `dir`. A missing folder or file is a clear
/// error naming it.
pub fn load_sources(dir: &Path) -> Result<Vec<SourceTitle>> {
    if !dir.is_dir() {
        return Err(Error::invalid(format!(
            "the datasets folder {} does not exist; give its path with --datasets",
            dir.display()
        )));
    }
    let mut out = Vec::new();
    for (file, platform) in [
        ("streaming/netflix_titles.csv", "Netflix"),
        ("streaming/hulu_titles.csv", "Hulu"),
        ("streaming/disney_plus_titles.csv", "Disney+"),
        ("streaming/amazon_prime_titles.csv", "Prime Video"),
    ] {
        read_streaming(&dir.join(file), platform, &mut out)?;
    }
    read_kdrama_top250(&dir.join("kdrama/kdrama_top250_mydramalist.csv"), &mut out)?;
    read_kdrama_top100(&dir.join("kdrama/top100_kdrama_mydramalist.csv"), &mut out)?;
    read_imdb(&dir.join("imdb_tv_shows_with_synopsis_2470.csv"), &mut out)?;
    Ok(out)
}

/// A CSV file with a header row, columns looked up by name.
struct Table {
    path: PathBuf,
    headers: Vec<String>,
    reader: csv::Reader<std::fs::File>,
}

impl Table {
    fn open(path: &Path) -> Result<Table> {
        let mut reader = csv::ReaderBuilder::new()
            .flexible(true)
            .from_path(path)
            .map_err(|e| {
                Error::invalid(format!("cannot read the dataset {}: {e}", path.display()))
            })?;
        let headers = reader
            .headers()
            .map_err(|e| {
                Error::invalid(format!("cannot read the dataset {}: {e}", path.display()))
            })?
            .iter()
            // The top-100 list starts with a byte-order mark.
            .map(|h| h.trim_start_matches('\u{feff}').trim().to_string())
            .collect();
        Ok(Table {
            path: path.to_path_buf(),
            headers,
            reader,
        })
    }

    fn column(&self, name: &str) -> Result<usize> {
        self.headers.iter().position(|h| h == name).ok_or_else(|| {
            Error::invalid(format!(
                "the dataset {} has no column '{name}'",
                self.path.display()
            ))
        })
    }

    fn rows(&mut self) -> impl Iterator<Item = csv::StringRecord> + '_ {
        // A malformed row in a third-party file is skipped, not fatal.
        self.reader.records().flatten()
    }
}

fn cell(r: &csv::StringRecord, i: usize) -> Option<&str> {
    r.get(i).map(str::trim).filter(|s| !s.is_empty())
}

fn list(text: Option<&str>, at_most: usize) -> Vec<String> {
    text.map(|t| {
        t.split(',')
            .map(|s| {
                s.trim()
                    .trim_matches(|c| c == '[' || c == ']' || c == '\'' || c == '"')
            })
            .filter(|s| !s.is_empty())
            .take(at_most)
            .map(str::to_string)
            .collect()
    })
    .unwrap_or_default()
}

fn people(directors: &[String], writers: &[String], cast: &[String]) -> Vec<Person> {
    let person = |role: Role| {
        move |name: &String| Person {
            name: name.clone(),
            role,
            character: None,
        }
    };
    directors
        .iter()
        .map(person(Role::Director))
        .chain(writers.iter().map(person(Role::Writer)))
        .chain(cast.iter().map(person(Role::Cast)))
        .collect()
}

/// "52 min." or "1 hr. 10 min." → minutes.
fn minutes(text: Option<&str>) -> Option<u32> {
    let t = text?;
    let mut total = 0;
    let mut number = None;
    for word in t.split(|c: char| c.is_whitespace()) {
        if let Ok(n) = word.parse::<u32>() {
            number = Some(n);
        } else if let Some(n) = number.take() {
            if word.starts_with("hr") || word.starts_with('h') {
                total += n * 60;
            } else if word.starts_with("min") {
                total += n;
            }
        }
    }
    (total > 0).then_some(total)
}

/// The countries the datasets name, as ISO codes; the first one listed wins.
fn country_code(text: Option<&str>) -> Option<String> {
    let first = text?.split(',').next()?.trim().trim_matches('\'');
    let code = match first {
        "United States" | "USA" => "US",
        "United Kingdom" | "UK" => "GB",
        "South Korea" | "Korea" => "KR",
        "Japan" => "JP",
        "China" => "CN",
        "Taiwan" => "TW",
        "Hong Kong" => "HK",
        "Thailand" => "TH",
        "India" => "IN",
        "France" => "FR",
        "Canada" => "CA",
        "Spain" => "ES",
        "Mexico" => "MX",
        "Germany" => "DE",
        "Australia" => "AU",
        "Brazil" => "BR",
        "Italy" => "IT",
        "Turkey" => "TR",
        "Philippines" => "PH",
        "Indonesia" => "ID",
        "Egypt" => "EG",
        "Nigeria" => "NG",
        "Argentina" => "AR",
        "Ireland" => "IE",
        "Denmark" => "DK",
        "Sweden" => "SE",
        "Norway" => "NO",
        "Belgium" => "BE",
        "Netherlands" => "NL",
        "Poland" => "PL",
        "Israel" => "IL",
        "Colombia" => "CO",
        "New Zealand" => "NZ",
        "South Africa" => "ZA",
        _ => return None,
    };
    Some(code.to_string())
}

fn read_streaming(path: &Path, platform: &'static str, out: &mut Vec<SourceTitle>) -> Result<()> {
    let mut t = Table::open(path)?;
    let (title, kind, director, cast, country, year, duration, desc) = (
        t.column("title")?,
        t.column("type")?,
        t.column("director")?,
        t.column("cast")?,
        t.column("country")?,
        t.column("release_year")?,
        t.column("duration")?,
        t.column("description")?,
    );
    let genre = t.column("listed_in").or_else(|_| t.column("genre"))?;
    for r in t.rows() {
        let Some(name) = cell(&r, title) else {
            continue;
        };
        let film = cell(&r, kind) == Some("Movie");
        let dur = cell(&r, duration);
        // "2 Seasons": a series' duration is its season count.
        let seasons = dur
            .filter(|d| d.contains("Season"))
            .and_then(|d| d.split_whitespace().next()?.parse::<u32>().ok());
        out.push(SourceTitle {
            name: name.to_string(),
            kind: if film { Kind::Film } else { Kind::Series },
            year: cell(&r, year).and_then(|y| y.parse().ok()),
            country: country_code(cell(&r, country)),
            genres: list(cell(&r, genre), 3),
            people: people(&list(cell(&r, director), 1), &[], &list(cell(&r, cast), 4)),
            synopsis: cell(&r, desc).map(str::to_string),
            episodes: if film {
                Some(1)
            } else {
                seasons.map(|s| s * 10)
            },
            runtime_minutes: if film { minutes(dur) } else { Some(45) },
            platform: Some(platform),
        });
    }
    Ok(())
}

fn read_kdrama_top250(path: &Path, out: &mut Vec<SourceTitle>) -> Result<()> {
    let mut t = Table::open(path)?;
    let (name, year, eps, dur, syn, genre, director, writer, cast, network) = (
        t.column("Name")?,
        t.column("Year of release")?,
        t.column("Number of Episodes")?,
        t.column("Duration")?,
        t.column("Synopsis")?,
        t.column("Genre")?,
        t.column("Director")?,
        t.column("Screenwriter")?,
        t.column("Cast")?,
        t.column("Original Network")?,
    );
    for r in t.rows() {
        let Some(n) = cell(&r, name) else { continue };
        out.push(SourceTitle {
            name: n.to_string(),
            kind: Kind::Series,
            year: cell(&r, year).and_then(|y| y.parse().ok()),
            country: Some("KR".into()),
            genres: list(cell(&r, genre), 3),
            people: people(
                &list(cell(&r, director), 1),
                &list(cell(&r, writer), 1),
                &list(cell(&r, cast), 4),
            ),
            synopsis: cell(&r, syn).map(str::to_string),
            episodes: cell(&r, eps).and_then(|e| e.parse().ok()),
            runtime_minutes: minutes(cell(&r, dur)),
            platform: match cell(&r, network) {
                Some(n) if n.contains("Netflix") => Some("Netflix"),
                Some(n) if n.contains("tvN") || n.contains("TVING") => Some("TVING"),
                Some(n) if n.contains("Disney") => Some("Disney+"),
                _ => Some("Viki"),
            },
        });
    }
    Ok(())
}

fn read_kdrama_top100(path: &Path, out: &mut Vec<SourceTitle>) -> Result<()> {
    let mut t = Table::open(path)?;
    let (name, genre, syn, eps, dur, cast, start) = (
        t.column("Title")?,
        t.column("Genre")?,
        t.column("Synopsis")?,
        t.column("Episodes")?,
        t.column("Duration")?,
        t.column("Main Role")?,
        t.column("Start_date")?,
    );
    for r in t.rows() {
        let Some(n) = cell(&r, name) else { continue };
        out.push(SourceTitle {
            name: n.to_string(),
            kind: Kind::Series,
            // "2021-05-14" or "May 14, 2021": the first four digits in a row.
            year: cell(&r, start).and_then(|s| {
                s.split(|c: char| !c.is_ascii_digit())
                    .find(|w| w.len() == 4)?
                    .parse()
                    .ok()
            }),
            country: Some("KR".into()),
            genres: list(cell(&r, genre), 3),
            people: people(&[], &[], &list(cell(&r, cast), 4)),
            synopsis: cell(&r, syn).map(str::to_string),
            episodes: cell(&r, eps).and_then(|e| e.parse().ok()),
            runtime_minutes: minutes(cell(&r, dur)),
            platform: Some("Viki"),
        });
    }
    Ok(())
}

fn read_imdb(path: &Path, out: &mut Vec<SourceTitle>) -> Result<()> {
    let mut t = Table::open(path)?;
    let (name, cast, details, seasons, runtime, syn, keywords) = (
        t.column("title")?,
        t.column("cast")?,
        t.column("details")?,
        t.column("num_seasons")?,
        t.column("runtime")?,
        t.column("synopsis")?,
        t.column("keywords")?,
    );
    for r in t.rows() {
        let Some(n) = cell(&r, name) else { continue };
        // Keywords such as 'drama' or 'fantasy' double as genres.
        let genres = list(cell(&r, keywords), 12)
            .into_iter()
            .filter(|k| {
                matches!(
                    k.as_str(),
                    "drama"
                        | "comedy"
                        | "fantasy"
                        | "romance"
                        | "thriller"
                        | "crime"
                        | "horror"
                        | "mystery"
                        | "action"
                        | "documentary"
                        | "animation"
                        | "family"
                )
            })
            .map(|k| {
                let mut c = k.chars();
                c.next()
                    .map(|f| f.to_uppercase().chain(c).collect())
                    .unwrap_or_default()
            })
            .collect();
        out.push(SourceTitle {
            name: n.to_string(),
            kind: Kind::Series,
            year: None,
            country: country_code(cell(&r, details).map(|d| d.trim_start_matches('['))),
            genres,
            people: people(&[], &[], &list(cell(&r, cast), 4)),
            synopsis: cell(&r, syn).map(str::to_string),
            episodes: cell(&r, seasons)
                .and_then(|s| s.parse::<u32>().ok())
                .map(|s| s * 10),
            runtime_minutes: minutes(cell(&r, runtime)),
            platform: None,
        });
    }
    Ok(())
}

/// SplitMix64: a tiny, well-known generator whose output is fixed by its
/// definition, so a seed builds the same library with every build (a
/// library RNG may change its stream between versions).
#[derive(Debug, Clone)]
pub struct Rng(u64);

impl Rng {
    pub fn new(seed: u64) -> Rng {
        Rng(seed)
    }

    pub fn next_u64(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    }

    /// A number in `0..n` (n > 0).
    pub fn below(&mut self, n: u64) -> u64 {
        self.next_u64() % n
    }

    /// True with probability `percent` / 100.
    pub fn chance(&mut self, percent: u64) -> bool {
        self.below(100) < percent
    }

    pub fn pick<'a, T>(&mut self, items: &'a [T]) -> &'a T {
        &items[self.below(items.len() as u64) as usize]
    }
}

const OPENINGS: &[&str] = &[
    "I went in expecting very little and came out with a new favourite.",
    "Slow first episodes, but it earns every minute after that.",
    "Watched it over a rainy weekend and could not stop.",
    "The kind of show you recommend to everyone and then worry they will not love it as much.",
    "Beautifully shot, with a soundtrack I still hum.",
    "Started strong, lost its way in the middle, found it again at the end.",
    "Comfort viewing of the highest order.",
    "Not my usual genre, and it won me over anyway.",
    "Too long by a few episodes, but the ending lands.",
    "I dropped it once and came back; glad I did.",
];

const MIDDLES: &[&str] = &[
    "{person} carries every scene they are in.",
    "The writing trusts the audience, which is rare.",
    "The second lead deserved better.",
    "For a {genre} story it is surprisingly gentle.",
    "Some episodes drag, but the characters are worth it.",
    "The chemistry between the leads is the whole show.",
    "The last {n} episodes are a masterclass in pacing.",
    "It handles grief without ever becoming maudlin.",
    "The supporting cast steals the show more than once.",
    "I laughed out loud more than I expected.",
];

const HANGUL: &[&str] = &[
    "정말 최고의 드라마였다.",
    "사운드트랙이 너무 좋았다.",
    "마지막 회에서 울었다.",
    "배우들의 연기가 훌륭했다.",
    "다시 보고 싶은 작품이다.",
    "중반부는 조금 지루했지만 결말이 좋았다.",
];

const CLOSINGS: &[&str] = &[
    "Would rewatch.",
    "Recommended, with tissues.",
    "Worth it for the finale alone.",
    "A solid watch, not a masterpiece.",
    "I will be thinking about it for a while.",
    "Skip it unless you love the genre.",
];

const NOTES: &[&str] = &[
    "Recommended by my sister.",
    "Watch the director's other series next.",
    "Subtitles on Viki are better.",
    "Paused at a cliffhanger, pick up soon.",
    "Watched with the family on Sundays.",
];

const TAGS: &[&str] = &[
    "comfort",
    "slow burn",
    "weekend binge",
    "with family",
    "ost",
    "cried",
    "recommended",
    "rewatch someday",
    "subbed",
    "short",
];

const OTHER_PLATFORMS: &[&str] = &[
    "Netflix",
    "Viki",
    "Prime Video",
    "Disney+",
    "Apple TV+",
    "WeTV",
    "iQIYI",
    "Wavve",
    "TVING",
    "Crunchyroll",
];

/// Builds `count` entries from `sources`, deterministically for `seed`.
/// Sources are reused in order when `count` is larger than there are rows;
/// a reused title gets a number ("Kingdom 2") so names stay distinct.
pub fn generate(sources: &[SourceTitle], count: usize, seed: u64) -> Vec<Dated> {
    let mut rng = Rng::new(seed);
    if sources.is_empty() {
        return Vec::new();
    }
    // The library spans ten years of use, ending at a fixed day so the
    // result does not depend on when it is generated.
    let first_day = NaiveDate::from_ymd_opt(2015, 1, 1).expect("a valid date");
    let span_days = 3_650;
    (0..count)
        .map(|i| {
            let src = &sources[i % sources.len()];
            let round = i / sources.len();
            let name = if round == 0 {
                src.name.clone()
            } else {
                format!("{} {}", src.name, round + 1)
            };
            let added_day = first_day + Duration::days(rng.below(span_days) as i64);
            let added_at: DateTime<Utc> = Utc
                .from_utc_datetime(&added_day.and_hms_opt(0, 0, 0).expect("midnight"))
                + Duration::seconds(rng.below(86_400) as i64);
            let status = match rng.below(100) {
                0..=44 => Status::Completed,
                45..=69 => Status::PlanToWatch,
                70..=79 => Status::Watching,
                80..=87 => Status::OnHold,
                _ => Status::Dropped,
            };
            let episodes = src.episodes.filter(|&e| e > 0);
            let eps = episodes.unwrap_or(12);
            let progress = match status {
                Status::Completed => eps,
                Status::PlanToWatch => 0,
                _ => rng.below(u64::from(eps)) as u32,
            };
            let started_on = (status != Status::PlanToWatch)
                .then(|| added_day + Duration::days(rng.below(60) as i64));
            let finished_on = (status == Status::Completed).then(|| {
                started_on.expect("completed entries have a start")
                    + Duration::days(i64::from(eps / 2) + rng.below(30) as i64)
            });
            let rating = match status {
                Status::Completed if rng.chance(85) => Some(50 + rng.below(11) * 5),
                Status::Dropped if rng.chance(40) => Some(10 + rng.below(9) * 5),
                Status::Watching | Status::OnHold if rng.chance(30) => Some(40 + rng.below(13) * 5),
                _ => None,
            };
            let review = (rating.is_some() && rng.chance(40)).then(|| review(&mut rng, src, eps));
            let platform = if rng.chance(70) {
                src.platform.map(str::to_string)
            } else {
                Some(rng.pick(OTHER_PLATFORMS).to_string())
            };
            let tags: Vec<String> = (0..rng.below(3))
                .map(|_| rng.pick(TAGS).to_string())
                .collect::<std::collections::BTreeSet<_>>()
                .into_iter()
                .collect();
            let favorite = rating.is_some_and(|r| r >= 90) && rng.chance(30);
            let notes = rng.chance(8).then(|| rng.pick(NOTES).to_string());
            let viewings = if status == Status::Completed && rng.chance(3) {
                let start =
                    finished_on.expect("completed") + Duration::days(200 + rng.below(400) as i64);
                vec![ViewingDetails {
                    started_on: Some(start),
                    finished_on: Some(start + Duration::days(i64::from(eps / 3) + 1)),
                    platform: platform.clone(),
                    progress: eps,
                }]
            } else {
                Vec::new()
            };
            Dated {
                entry: NewEntry {
                    title: TitleFacts {
                        kind: src.kind,
                        name,
                        year: src.year,
                        country: src.country.clone(),
                        genres: src.genres.clone(),
                        episodes: Some(eps),
                        runtime_minutes: src.runtime_minutes,
                        synopsis: src.synopsis.clone(),
                        people: src.people.clone(),
                        ..Default::default()
                    },
                    fields: EntryFields {
                        status,
                        rating: rating.map(|r| Rating::new(r as u8).expect("0–100")),
                        review_spoiler: review.is_some() && rng.chance(10),
                        review,
                        notes,
                        platform,
                        progress,
                        favorite,
                        tags,
                        started_on,
                        finished_on,
                        ..Default::default()
                    },
                },
                added_at,
                viewings,
            }
        })
        .collect()
}

fn review(rng: &mut Rng, src: &SourceTitle, eps: u32) -> String {
    let person = src
        .people
        .iter()
        .find(|p| p.role == Role::Cast)
        .map_or("The lead", |p| p.name.as_str());
    let genre = src
        .genres
        .first()
        .map_or("drama".to_string(), |g| g.to_lowercase());
    let mut parts = vec![rng.pick(OPENINGS).to_string()];
    for _ in 0..1 + rng.below(2) {
        parts.push(
            rng.pick(MIDDLES)
                .replace("{person}", person)
                .replace("{genre}", &genre)
                .replace("{n}", &(eps.clamp(2, 4)).to_string()),
        );
    }
    // Korean titles get a Korean sentence more often, as a bilingual
    // viewer's reviews would.
    let korean = if src.country.as_deref() == Some("KR") {
        60
    } else {
        15
    };
    if rng.chance(korean) {
        parts.push(rng.pick(HANGUL).to_string());
    }
    parts.push(rng.pick(CLOSINGS).to_string());
    parts.join(" ")
}

/// Episode lists for `candidates` (entry id, status, episode count) until
/// `budget` episode rows, shows being watched first: seasons of 8 to 24,
/// one or two episodes a week at a KST, US or European evening hour (one
/// show in ten known only by its days), some still airing around
/// [`GENERATED_NOW`]. Watched shows have watched the first episodes that
/// aired, at times after each aired; completed ones every episode, day
/// unknown.
pub fn generate_shows(
    candidates: &[(i64, Status, u32)],
    budget: usize,
    seed: u64,
) -> Vec<GeneratedShow> {
    let now = DateTime::parse_from_rfc3339(GENERATED_NOW)
        .expect("a valid instant")
        .with_timezone(&Utc);
    let mut rng = Rng::new(seed ^ 0x0E15_0DE5);
    let mut order: Vec<&(i64, Status, u32)> = candidates.iter().collect();
    order.sort_by_key(|(id, status, _)| (*status != Status::Watching, *id));
    // Where the library's own episode counts fall short of the budget,
    // every list is made longer by the same factor.
    let natural: usize = order.iter().map(|(_, _, eps)| list_len(*eps)).sum();
    let stretch = budget.div_ceil(natural.max(1)).max(1);
    let mut shows = Vec::new();
    let mut left = budget;
    for &(entry_id, status, eps) in order {
        if left == 0 {
            break;
        }
        let count = (list_len(eps) * stretch).min(left);
        left -= count;
        let season_len = *rng.pick(&[8u32, 10, 12, 16, 16, 20, 24]);
        let twice_weekly = rng.chance(40);
        let hour = *rng.pick(&[(12u32, 10u32), (2, 0), (20, 0)]);
        let date_only = rng.chance(10);
        let runtime = 45 + rng.below(26) as u32;
        // Where the last episode falls: watched and planned shows may
        // still be airing; completed ones ended a while ago.
        let last_offset = match status {
            Status::Completed => -30 - rng.below(3_000) as i64,
            Status::PlanToWatch if rng.chance(5) => 7 + rng.below(60) as i64,
            _ => 180 - rng.below(900) as i64,
        };
        let span = count as i64 * if twice_weekly { 7 } else { 14 } / 2;
        let first_day = (now + Duration::days(last_offset - span)).date_naive();
        let mut episodes: Vec<Episode> = (0..count as u32)
            .map(|i| {
                let day = first_day
                    + Duration::days(if twice_weekly {
                        i64::from(i / 2) * 7 + i64::from(i % 2)
                    } else {
                        i64::from(i) * 7
                    });
                let at = Utc
                    .from_utc_datetime(&day.and_hms_opt(hour.0, hour.1, 0).expect("a valid time"));
                Episode {
                    season: i / season_len + 1,
                    number: i % season_len + 1,
                    name: Some(format!("Episode {}", i % season_len + 1)),
                    airdate: Some(day),
                    airstamp: (!date_only).then_some(at),
                    runtime_minutes: Some(runtime),
                }
            })
            .collect();
        if rng.chance(5) {
            let day = first_day + Duration::days(span / 2);
            episodes.push(Episode {
                season: 0,
                number: 1,
                name: Some("Special".into()),
                airdate: Some(day),
                airstamp: None,
                runtime_minutes: Some(runtime),
            });
        }
        let aired: Vec<&Episode> = episodes
            .iter()
            .filter(|e| e.season > 0 && e.airdate.is_some_and(|d| d <= now.date_naive()))
            .collect();
        let watched: Vec<(EpisodeRef, Option<DateTime<Utc>>)> = match status {
            Status::Completed => aired.iter().map(|e| (ep_ref(e), None)).collect(),
            Status::Watching => {
                let k = rng.below(aired.len() as u64 + 1) as usize;
                aired[..k]
                    .iter()
                    .map(|e| {
                        let aired_at = e.airstamp.unwrap_or_else(|| {
                            Utc.from_utc_datetime(
                                &e.airdate.expect("aired").and_time(chrono::NaiveTime::MIN),
                            )
                        });
                        let seen = aired_at + Duration::hours(1 + rng.below(24 * 20) as i64);
                        (ep_ref(e), Some(seen.min(now)))
                    })
                    .collect()
            }
            Status::OnHold | Status::Dropped => {
                let k = rng.below(aired.len() as u64 + 1) as usize;
                aired[..k].iter().map(|e| (ep_ref(e), None)).collect()
            }
            Status::PlanToWatch => Vec::new(),
        };
        let airing = match episodes.iter().filter_map(|e| e.airdate).max() {
            Some(d) if d > now.date_naive() && aired.is_empty() => Airing::Upcoming,
            Some(d) if d > now.date_naive() => Airing::Running,
            _ => Airing::Ended,
        };
        shows.push(GeneratedShow {
            entry_id,
            airing,
            episodes,
            watched,
        });
    }
    shows
}

/// A generated list's length before stretching: the title's own count,
/// within reason.
fn list_len(eps: u32) -> usize {
    eps.clamp(1, 120) as usize
}

fn ep_ref(e: &Episode) -> EpisodeRef {
    EpisodeRef {
        season: e.season,
        number: e.number,
    }
}

impl Library {
    /// Gives a generated library's series episode lists and watch history
    /// ([`generate_shows`]) up to `episode_rows` episodes, in one
    /// transaction. Returns the episode rows written.
    pub fn generate_episode_history(&mut self, episode_rows: usize, seed: u64) -> Result<usize> {
        let shows = generate_shows(&self.generated_show_candidates()?, episode_rows, seed);
        self.add_generated_shows(&shows)
    }

    /// Fills an empty library with `count` generated entries from the
    /// datasets in `datasets`, in one transaction. Returns how many were
    /// added. Netflix and Viki are marked as subscribed, so "on my
    /// services" has something to show.
    pub fn generate_sample(&mut self, datasets: &Path, count: usize, seed: u64) -> Result<usize> {
        if self.status_counts()?.all > 0 {
            return Err(Error::invalid(
                "a generated library can only be built in an empty library",
            ));
        }
        let sources = load_sources(datasets)?;
        let items = generate(&sources, count, seed);
        let ids = self.add_dated_entries(&items)?;
        for p in self.platforms()? {
            if matches!(p.name.as_str(), "Netflix" | "Viki") && !p.subscribed {
                self.update_platform(p.id, &p.name, true)?;
            }
        }
        Ok(ids.len())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_durations() {
        assert_eq!(minutes(Some("52 min.")), Some(52));
        assert_eq!(minutes(Some("1 hr. 10 min.")), Some(70));
        assert_eq!(minutes(Some("2 Seasons")), None);
        assert_eq!(minutes(None), None);
    }

    #[test]
    fn the_generator_is_fixed_by_its_seed() {
        let a: Vec<u64> = {
            let mut r = Rng::new(7);
            (0..4).map(|_| r.next_u64()).collect()
        };
        let b: Vec<u64> = {
            let mut r = Rng::new(7);
            (0..4).map(|_| r.next_u64()).collect()
        };
        assert_eq!(a, b);
        // SplitMix64's published first output for seed 0.
        assert_eq!(Rng::new(0).next_u64(), 0xE220_A839_7B1D_CDAF);
    }
}
