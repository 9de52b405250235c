//! Numbers about the whole library, for the stats screen and `watchlog stats`.

use super::Library;
use crate::error::Result;
use crate::model::{Count, Measure, Stats};

impl Library {
    pub fn stats(&self) -> Result<Stats> {
        let counts = |sql: &str| -> Result<Vec<Count>> {
            let mut stmt = self.conn.prepare(sql)?;
            let rows = stmt.query_map([], |r| {
                Ok(Count {
                    label: r.get(0)?,
                    count: r.get(1)?,
                })
            })?;
            Ok(rows.collect::<rusqlite::Result<_>>()?)
        };
        let by_status = self.status_counts()?;
        let by_kind = counts(
            "SELECT t.kind, count(*) FROM entries e JOIN titles t ON t.id = e.title_id
             GROUP BY t.kind ORDER BY count(*) DESC, t.kind",
        )?;
        let by_platform = counts(
            "SELECT p.name, count(*) FROM entries e JOIN platforms p ON p.id = e.platform_id
             GROUP BY p.id ORDER BY count(*) DESC, p.name",
        )?;
        let by_country = counts(
            "SELECT t.country, count(*) FROM entries e JOIN titles t ON t.id = e.title_id
             WHERE t.country IS NOT NULL GROUP BY t.country ORDER BY count(*) DESC, t.country",
        )?;
        // Buckets of half a point on the 10-point scale, rounding half up as
        // the display does; every bucket is listed so a chart has its axis.
        let mut rating_distribution: Vec<Count> = (0..=20)
            .map(|h| Count {
                label: if h % 2 == 0 {
                    format!("{}", h / 2)
                } else {
                    format!("{}.5", h / 2)
                },
                count: 0,
            })
            .collect();
        for c in counts(
            "SELECT CAST((rating + 2) / 5 AS TEXT), count(*) FROM entries
             WHERE rating IS NOT NULL GROUP BY (rating + 2) / 5",
        )? {
            if let Some(bucket) = c
                .label
                .parse::<usize>()
                .ok()
                .and_then(|i| rating_distribution.get_mut(i))
            {
                bucket.count = c.count;
            }
        }
        let (average_rating, episodes_watched, minutes, reviews, favorites): (
            Option<f64>,
            u32,
            f64,
            u32,
            u32,
        ) = self.conn.query_row(
            "SELECT avg(e.rating) / 10.0,
                    coalesce(sum(e.progress), 0)
                      + coalesce((SELECT sum(progress) FROM viewings), 0),
                    coalesce(sum(e.progress * t.runtime_minutes), 0)
                      + coalesce((SELECT sum(v.progress * t2.runtime_minutes) FROM viewings v
                                  JOIN entries e2 ON e2.id = v.entry_id
                                  JOIN titles t2 ON t2.id = e2.title_id), 0),
                    count(e.review), sum(e.favorite)
             FROM entries e JOIN titles t ON t.id = e.title_id",
            [],
            |r| {
                Ok((
                    r.get(0)?,
                    r.get(1)?,
                    r.get::<_, Option<f64>>(2)?.unwrap_or(0.0),
                    r.get(3)?,
                    r.get::<_, Option<u32>>(4)?.unwrap_or(0),
                ))
            },
        )?;
        let finished_per_month = counts(
            "SELECT substr(finished_on, 1, 7) AS month, count(*) FROM (
                 SELECT finished_on FROM entries WHERE finished_on IS NOT NULL
                 UNION ALL
                 SELECT finished_on FROM viewings WHERE finished_on IS NOT NULL)
             GROUP BY month ORDER BY month",
        )?;
        let measures = |sql: &str, round_to: f64| -> Result<Vec<Measure>> {
            let mut stmt = self.conn.prepare(sql)?;
            let rows = stmt.query_map([], |r| {
                Ok(Measure {
                    label: r.get(0)?,
                    value: (r.get::<_, f64>(1)? * round_to).round() / round_to,
                    count: r.get(2)?,
                })
            })?;
            Ok(rows.collect::<rusqlite::Result<_>>()?)
        };
        // There is no date per episode, so a viewing's hours count in the
        // month it was finished: the same months as `finished_per_month`.
        let hours_per_month = measures(
            "SELECT substr(finished_on, 1, 7) AS month, sum(minutes) / 60.0, count(*) FROM (
                 SELECT e.finished_on, e.progress * coalesce(t.runtime_minutes, 0) AS minutes
                 FROM entries e JOIN titles t ON t.id = e.title_id
                 WHERE e.finished_on IS NOT NULL
                 UNION ALL
                 SELECT v.finished_on, v.progress * coalesce(t.runtime_minutes, 0)
                 FROM viewings v JOIN entries e ON e.id = v.entry_id
                 JOIN titles t ON t.id = e.title_id
                 WHERE v.finished_on IS NOT NULL)
             GROUP BY month ORDER BY month",
            10.0,
        )?;
        let top_genres = counts(
            "SELECT min(g.genre), count(*) AS n FROM title_genres g
             JOIN entries e ON e.title_id = g.title_id
             GROUP BY g.genre COLLATE NOCASE ORDER BY n DESC, 1 LIMIT 12",
        )?;
        let rating_by_platform = measures(
            "SELECT p.name, avg(e.rating) / 10.0 AS average, count(*) FROM entries e
             JOIN platforms p ON p.id = e.platform_id
             WHERE e.rating IS NOT NULL
             GROUP BY p.id ORDER BY average DESC, p.name",
            100.0,
        )?;
        Ok(Stats {
            hours_per_month,
            top_genres,
            rating_by_platform,
            titles: by_status.all,
            by_status,
            by_kind,
            by_platform,
            by_country,
            rating_distribution,
            average_rating: average_rating.map(|a| (a * 100.0).round() / 100.0),
            episodes_watched,
            hours_watched: (minutes / 60.0 * 10.0).round() / 10.0,
            finished_per_month,
            reviews,
            favorites,
        })
    }
}
