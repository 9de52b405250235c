//! A stand-in for TVmaze made of its recorded answers in the shared
//! fixtures: the `/search/shows?q=robot` results (whatever the query), and
//! `/shows/{id}` for each recorded show, Mr. Robot (1871) with its real
//! episode list embedded as `embed[]=episodes` gives it, and, on asking,
//! the shows of the recorded `/schedule` answers. Tests add their own
//! routes around [`Tvmaze::route`].

use serde_json::Value;

use crate::fixtures;
use crate::server::{Reply, Req};

/// The recorded `/schedule` answers under `catalog/tvmaze/schedule/`.
pub const SCHEDULES: &[&str] = &[
    "schedule_US_2024-03-17_trimmed3_whatsontv.json",
    "schedule_web_2024-03-15_trimmed3_whatsontv.json",
];

/// The recorded answers; see the module doc.
#[derive(Debug, Clone)]
pub struct Tvmaze {
    /// The body of `/search/shows?q=robot`.
    pub search: Vec<u8>,
    /// The show objects `/shows/{id}` answers with; the first of an id wins.
    pub shows: Vec<Value>,
    /// Mr. Robot's recorded episodes.
    pub robot_episodes: Value,
}

impl Tvmaze {
    /// The recorded search and its shows; `None` when the fixtures are
    /// missing.
    pub fn load() -> Option<Self> {
        let search = fixtures::read("catalog/tvmaze/search_shows_q_robot.json")?;
        let robot_episodes = fixtures::json("catalog/tvmaze/shows_1871_episodes.json")?;
        let shows = shows_of(&search);
        Some(Tvmaze {
            search,
            shows,
            robot_episodes,
        })
    }

    /// Adds, ahead of the search's shows, every show object recorded in
    /// the Flexget cassettes (found through their `_index.json`).
    pub fn with_flexget_shows(mut self) -> Option<Self> {
        let index = fixtures::json("catalog/tvmaze/flexget/_index.json")?;
        let mut shows = Vec::new();
        for item in index.as_array().expect("the index is a list") {
            let (file, status) = (item["file"].as_str().unwrap(), item["status"].as_u64());
            let uri = item["uri"].as_str().unwrap();
            let is_show = uri.contains("/singlesearch/shows") || uri.contains("?embed=seasons");
            if status == Some(200) && is_show && !uri.contains("episode") {
                shows.push(fixtures::json(&format!("catalog/tvmaze/flexget/{file}"))?);
            }
        }
        shows.append(&mut self.shows);
        self.shows = shows;
        Some(self)
    }

    /// Adds, ahead of the others, the show of each episode in the recorded
    /// `/schedule` (US, 17 March 2024) and `/schedule/web` (15 March 2024)
    /// answers, [`SCHEDULES`], with that episode embedded as
    /// `embed[]=episodes` gives it: real airstamps for a calendar. The US
    /// answer carries the show beside each episode, the web one under the
    /// episode's `_embedded`.
    pub fn with_schedule_shows(mut self) -> Option<Self> {
        let mut shows = Vec::new();
        for file in SCHEDULES {
            let schedule = fixtures::json(&format!("catalog/tvmaze/schedule/{file}"))?;
            for item in schedule.as_array().expect("a schedule is a list") {
                let mut episode = item.clone();
                let episode_fields = episode.as_object_mut().expect("an episode");
                let mut show = episode_fields
                    .remove("show")
                    .or_else(|| {
                        episode_fields
                            .remove("_embedded")
                            .map(|e| e["show"].clone())
                    })
                    .expect("each scheduled episode names its show");
                show["_embedded"] = serde_json::json!({ "episodes": [episode], "cast": [] });
                shows.push(show);
            }
        }
        shows.append(&mut self.shows);
        self.shows = shows;
        Some(self)
    }

    /// Points every show's image, in the search and in `/shows/{id}`, at
    /// `url`.
    pub fn with_poster(mut self, url: &str) -> Self {
        let image = serde_json::json!({ "medium": url, "original": url });
        let mut hits: Value = serde_json::from_slice(&self.search).expect("the search is JSON");
        for h in hits.as_array_mut().expect("a list of results") {
            h["show"]["image"] = image.clone();
        }
        self.search = hits.to_string().into_bytes();
        for s in &mut self.shows {
            s["image"] = image.clone();
        }
        self
    }

    /// The show objects of the recorded search, in its order.
    pub fn search_shows(&self) -> Vec<Value> {
        shows_of(&self.search)
    }

    /// `/shows/{id}` as TVmaze answers it; `None` for a show never recorded.
    pub fn show(&self, id: &str) -> Option<Value> {
        let mut show = self
            .shows
            .iter()
            .find(|s| s["id"].as_u64().is_some_and(|n| n.to_string() == id))
            .cloned()?;
        if id == "1871" {
            show["_embedded"] = serde_json::json!({ "episodes": self.robot_episodes, "cast": [] });
        }
        Some(show)
    }

    /// Answers `/search/shows` and `/shows/{id}` (a 404 for a show never
    /// recorded); `None` for every other path.
    pub fn route(&self, req: &Req) -> Option<Reply> {
        let parts: Vec<&str> = req.path.trim_matches('/').split('/').collect();
        match parts.as_slice() {
            ["search", "shows"] => Some(Reply::json(200, self.search.clone())),
            ["shows", id] => Some(match self.show(id) {
                Some(show) => Reply::json(200, show.to_string()),
                None => Reply::not_found(),
            }),
            _ => None,
        }
    }
}

fn shows_of(search: &[u8]) -> Vec<Value> {
    let hits: Value = serde_json::from_slice(search).expect("the search is JSON");
    hits.as_array()
        .expect("a list of results")
        .iter()
        .map(|h| h["show"].clone())
        .collect()
}
