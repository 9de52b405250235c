//! "Now" and the viewer's time zone, in one value every time-dependent rule
//! takes: whether an episode has aired, what Up next shows, which days the
//! calendar covers. Tests fix it (`Clock::fixed`); the faces take
//! `Clock::system()`, which honours `WATCHLOG_NOW` (an RFC 3339 instant)
//! and `TZ`, so a face's own tests can fix it too.

use chrono::{DateTime, LocalResult, NaiveDate, NaiveDateTime, NaiveTime, TimeZone, Utc};
use chrono_tz::Tz;

use crate::error::{Error, Result};

/// Fixes "now" for a whole process (tests of the faces).
pub const NOW_ENV: &str = "WATCHLOG_NOW";

/// The instant and the zone the viewer is in.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Clock {
    now: DateTime<Utc>,
    tz: Tz,
}

impl Clock {
    /// The computer's clock and zone; `WATCHLOG_NOW` and `TZ` override
    /// them. A zone that cannot be found is UTC.
    pub fn system() -> Clock {
        let now = std::env::var(NOW_ENV)
            .ok()
            .and_then(|v| DateTime::parse_from_rfc3339(v.trim()).ok())
            .map_or_else(Utc::now, |t| t.with_timezone(&Utc));
        let tz = std::env::var("TZ")
            .ok()
            .map(|v| v.trim_start_matches(':').to_string())
            .filter(|v| !v.is_empty())
            .or_else(|| iana_time_zone::get_timezone().ok())
            .and_then(|name| name.parse::<Tz>().ok())
            .unwrap_or(Tz::UTC);
        Clock { now, tz }
    }

    /// A clock stopped at `now` in `tz`.
    pub fn fixed(now: DateTime<Utc>, tz: Tz) -> Clock {
        Clock { now, tz }
    }

    pub fn now(&self) -> DateTime<Utc> {
        self.now
    }

    pub fn tz(&self) -> Tz {
        self.tz
    }

    /// The viewer's calendar day.
    pub fn today(&self) -> NaiveDate {
        self.now.with_timezone(&self.tz).date_naive()
    }

    /// The instant a local day starts. Where the clocks jump over midnight
    /// (some zones start summer time at 00:00), the day starts when the
    /// clocks show its first minute.
    pub fn start_of(&self, day: NaiveDate) -> DateTime<Utc> {
        let mut t = day.and_time(NaiveTime::MIN);
        for _ in 0..(24 * 4) {
            if let Some(at) = self.tz.from_local_datetime(&t).earliest() {
                return at.with_timezone(&Utc);
            }
            t += chrono::Duration::minutes(15);
        }
        Utc.from_utc_datetime(&day.and_time(NaiveTime::MIN))
    }

    /// A local wall-clock time as an instant. A time the clocks skipped (a
    /// summer-time gap) is refused in words; one they showed twice is the
    /// first of the two.
    pub fn local(&self, at: NaiveDateTime) -> Result<DateTime<Utc>> {
        match self.tz.from_local_datetime(&at) {
            LocalResult::Single(t) | LocalResult::Ambiguous(t, _) => Ok(t.with_timezone(&Utc)),
            LocalResult::None => Err(Error::invalid(format!(
                "{} did not happen in {}: the clocks went forward past it",
                at.format("%Y-%m-%d %H:%M"),
                self.tz.name()
            ))),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn at(s: &str) -> DateTime<Utc> {
        DateTime::parse_from_rfc3339(s).unwrap().with_timezone(&Utc)
    }

    #[test]
    fn today_is_the_viewers_day() {
        // 23:30 UTC on 1 Dec is already 2 Dec in Seoul, still 1 Dec in New York.
        let now = at("2026-12-01T23:30:00Z");
        let seoul = Clock::fixed(now, chrono_tz::Asia::Seoul);
        let ny = Clock::fixed(now, chrono_tz::America::New_York);
        assert_eq!(seoul.today().to_string(), "2026-12-02");
        assert_eq!(ny.today().to_string(), "2026-12-01");
    }

    #[test]
    fn a_skipped_local_time_is_refused_and_a_day_starts_after_the_gap() {
        let ny = Clock::fixed(at("2026-03-01T00:00:00Z"), chrono_tz::America::New_York);
        let gap = NaiveDate::from_ymd_opt(2026, 3, 8)
            .unwrap()
            .and_hms_opt(2, 30, 0)
            .unwrap();
        let e = ny.local(gap).unwrap_err().to_string();
        assert!(
            e.contains("2026-03-08 02:30") && e.contains("America/New_York"),
            "{e}"
        );
        // Santiago moves its clocks at midnight: that day starts at 01:00.
        let scl = Clock::fixed(at("2026-09-01T00:00:00Z"), chrono_tz::America::Santiago);
        let day = NaiveDate::from_ymd_opt(2026, 9, 6).unwrap();
        let start = scl
            .start_of(day)
            .with_timezone(&chrono_tz::America::Santiago);
        assert_eq!(start.date_naive(), day);
        assert_eq!(start.format("%H:%M").to_string(), "01:00");
    }
}
