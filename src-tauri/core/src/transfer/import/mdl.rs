//! Reads a MyDramaList list as the community exporter writes it (MyDramaList
//! itself has no export): tab-separated `Title, Status, Episodes watched,
//! Total episodes, Country of Origin, Show type, Rating, Started on, Ended
//! on, Re-watched`. There is no year column, so titles match the library by
//! name and kind (and are reported as ambiguous when two entries share the
//! name). Ratings are MyDramaList's 0.5–10.

use super::input::{csv_files, SourceFile, Table};
use super::merge::{keys, Gather};
use crate::error::{Error, Result};
use crate::model::{
    EntryFields, IncomingEntry, Kind, ParsedExport, Status, TitleFacts, ViewingDetails,
};

/// Most rewatches one line may ask for: a typo should be an error, not a
/// thousand empty viewings.
const MAX_REWATCHES: u32 = 100;

fn country(name: &str) -> Option<String> {
    let code = match crate::text::fold(name).as_str() {
        "south korea" | "korea" | "kr" => "KR",
        "japan" | "jp" => "JP",
        "china" | "cn" => "CN",
        "taiwan" | "tw" => "TW",
        "hong kong" | "hk" => "HK",
        "thailand" | "th" => "TH",
        "philippines" | "ph" => "PH",
        "singapore" | "sg" => "SG",
        "vietnam" | "vn" => "VN",
        "indonesia" | "id" => "ID",
        "malaysia" | "my" => "MY",
        _ => return None,
    };
    Some(code.to_string())
}

pub fn read(files: &[SourceFile]) -> Result<ParsedExport> {
    let mut parsed = ParsedExport::default();
    let mut gather = Gather::default();
    let mut any = false;
    for f in csv_files(files) {
        let text = f.text(&mut parsed.notes);
        let t = Table::read(&f.name, &text, &["title", "status"])?;
        any = true;
        for row in &t.rows {
            let c = t.row(row);
            let name = c
                .get("title")
                .ok_or_else(|| c.bad("title", "a row without a title"))?;
            let status = match c.get("status").map(|s| crate::text::fold(s).replace(['-', '_'], " ")) {
                Some(s) if s == "watching" || s == "currently watching" => Status::Watching,
                Some(s) if s == "completed" => Status::Completed,
                Some(s) if s == "plan to watch" => Status::PlanToWatch,
                Some(s) if s == "on hold" => Status::OnHold,
                Some(s) if s == "dropped" || s == "not interested" => Status::Dropped,
                Some(s) => return Err(c.bad("status", format!("'{s}' is not a MyDramaList status (Watching, Completed, Plan to Watch, On-Hold, Dropped)"))),
                None => Status::PlanToWatch,
            };
            let kind = match c.get("show type").map(crate::text::fold).as_deref() {
                Some("movie") => Kind::Film,
                Some("special") => Kind::Special,
                _ => Kind::Series,
            };
            let total = c.number("total episodes")?.filter(|n| *n > 0);
            let watched = c.number("episodes watched")?.unwrap_or(0);
            if let Some(t) = total {
                if watched > t {
                    return Err(c.bad(
                        "episodes watched",
                        format!("{watched} episodes watched of {t}"),
                    ));
                }
            }
            let rewatched = c
                .number("re watched")?
                .or(c.number("re-watched")?)
                .unwrap_or(0);
            if rewatched > MAX_REWATCHES {
                return Err(c.bad("re-watched", format!("{rewatched} rewatches is more than Watchlog accepts from a file (up to {MAX_REWATCHES})")));
            }
            let started = c.date("started on")?;
            let ended = c.date("ended on")?;
            if let (Some(s), Some(e)) = (started, ended) {
                if e < s {
                    return Err(c.bad("ended on", format!("ends ({e}) before it starts ({s})")));
                }
            }
            let title = TitleFacts {
                kind,
                name: name.to_string(),
                country: c.get("country of origin").and_then(country),
                episodes: total,
                ..Default::default()
            };
            let when = ended
                .or(started)
                .and_then(|d| d.and_hms_opt(0, 0, 0))
                .map(|t| t.and_utc());
            gather.add(
                keys(&title),
                IncomingEntry {
                    title,
                    fields: EntryFields {
                        status,
                        rating: c.rating("rating", 0.0, 10.0)?.filter(|r| r.get() > 0),
                        progress: watched,
                        started_on: started,
                        finished_on: ended,
                        ..Default::default()
                    },
                    viewings: vec![
                        ViewingDetails {
                            progress: total.unwrap_or(0),
                            ..Default::default()
                        };
                        rewatched as usize
                    ],
                    added_at: when,
                    updated_at: when,
                    episodes: None,
                    ..Default::default()
                },
            );
        }
    }
    if !any {
        return Err(Error::invalid(
            "this MyDramaList export holds no TSV or CSV file",
        ));
    }
    parsed.incoming.entries = gather.into_entries();
    Ok(parsed)
}
