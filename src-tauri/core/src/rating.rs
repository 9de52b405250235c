//! Ratings are stored as an integer 0–100 and shown in the user's chosen
//! scale. Every value a scale can express maps to exactly one stored value and
//! back, so a rating typed in any scale survives a round trip unchanged.

use std::fmt;
use std::str::FromStr;

use serde::{Deserialize, Serialize};

use crate::error::{Error, Result};

/// A rating on the 0–100 scale the library stores.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(try_from = "u8", into = "u8")]
#[cfg_attr(feature = "ts", derive(ts_rs::TS), ts(type = "number"))]
pub struct Rating(u8);

impl Rating {
    pub const MAX: u8 = 100;

    pub fn new(value: u8) -> Result<Self> {
        if value > Self::MAX {
            return Err(Error::invalid(format!(
                "a rating must be between 0 and 100, not {value}"
            )));
        }
        Ok(Rating(value))
    }

    pub fn get(self) -> u8 {
        self.0
    }

    /// Reads a rating typed in `scale` ("8.5" on the 10-point scale, "4.5"
    /// stars, "85" on the 100-point scale). Only values the scale can show are
    /// accepted: halves on the 5- and 10-point scales, whole numbers on 100.
    pub fn parse_in(text: &str, scale: RatingScale) -> Result<Self> {
        let t = text.trim();
        let bad = || {
            Error::invalid(format!(
                "'{t}' is not a rating on the {} scale ({})",
                scale.label(),
                scale.hint()
            ))
        };
        if t.starts_with(['-', '+']) {
            return Err(bad());
        }
        // Work in halves to stay exact: "8.5" -> 17 halves.
        let halves: u32 = match t.split_once('.') {
            None => t
                .parse::<u32>()
                .map_err(|_| bad())?
                .checked_mul(2)
                .ok_or_else(bad)?,
            Some((whole, frac)) => {
                let whole: u32 = if whole.is_empty() {
                    0
                } else {
                    whole.parse().map_err(|_| bad())?
                };
                let frac = frac.trim_end_matches('0');
                let half = match frac {
                    "" => 0,
                    "5" => 1,
                    _ => return Err(bad()),
                };
                whole
                    .checked_mul(2)
                    .and_then(|w| w.checked_add(half))
                    .ok_or_else(bad)?
            }
        };
        match scale {
            RatingScale::Hundred if halves % 2 != 0 => Err(bad()),
            _ if halves > scale.max_halves() => Err(bad()),
            // Exact: halves is even on the 100-point scale, and 100 is a
            // multiple of the other scales' half-step counts.
            _ => Ok(Rating(
                (halves * u32::from(Rating::MAX) / scale.max_halves()) as u8,
            )),
        }
    }

    /// The value in `scale`, in halves (so 8.5/10 is 17). Stored values
    /// between two steps of a coarse scale round half up to the nearest step.
    pub fn halves_in(self, scale: RatingScale) -> u32 {
        // Scaled by 100 to stay in integers: the 100-point scale has two
        // halves per stored point, so "stored points per half" is not whole
        // there (it was once computed as 100 / 200 = 0 and divided by it).
        let max = u32::from(Rating::MAX);
        (u32::from(self.0) * scale.max_halves() + max / 2) / max
    }

    /// The value in `scale` as a number for display and JSON (8.5, 4.5, 85).
    pub fn value_in(self, scale: RatingScale) -> f64 {
        f64::from(self.halves_in(scale)) / 2.0
    }

    /// "8.5/10", "4.5/5", "85/100": the value with the scale it is on,
    /// where a rating is shown on its own (the CLI, the merge log).
    pub fn out_of(self, scale: RatingScale) -> String {
        format!("{}/{}", self.format_in(scale), scale.max())
    }

    /// "8.5", "4.5", "85": the value in `scale` without trailing zeros.
    pub fn format_in(self, scale: RatingScale) -> String {
        let h = self.halves_in(scale);
        if h % 2 == 0 {
            format!("{}", h / 2)
        } else {
            format!("{}.5", h / 2)
        }
    }
}

impl TryFrom<u8> for Rating {
    type Error = Error;
    fn try_from(v: u8) -> Result<Self> {
        Rating::new(v)
    }
}

impl From<Rating> for u8 {
    fn from(r: Rating) -> u8 {
        r.0
    }
}

/// The scale a user rates in.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, Default)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub enum RatingScale {
    /// 0–5 stars in halves.
    #[serde(rename = "5")]
    Stars5,
    /// 0–10 in halves.
    #[default]
    #[serde(rename = "10")]
    Ten,
    /// 0–100 in whole points.
    #[serde(rename = "100")]
    Hundred,
}

impl RatingScale {
    pub const ALL: [RatingScale; 3] = [RatingScale::Stars5, RatingScale::Ten, RatingScale::Hundred];

    fn max_halves(self) -> u32 {
        match self {
            RatingScale::Stars5 => 10,
            RatingScale::Ten => 20,
            RatingScale::Hundred => 200,
        }
    }

    pub fn max(self) -> u32 {
        self.max_halves() / 2
    }

    pub fn as_str(self) -> &'static str {
        match self {
            RatingScale::Stars5 => "5",
            RatingScale::Ten => "10",
            RatingScale::Hundred => "100",
        }
    }

    fn label(self) -> &'static str {
        match self {
            RatingScale::Stars5 => "5-star",
            RatingScale::Ten => "10-point",
            RatingScale::Hundred => "100-point",
        }
    }

    fn hint(self) -> &'static str {
        match self {
            RatingScale::Stars5 => "0 to 5 in steps of 0.5",
            RatingScale::Ten => "0 to 10 in steps of 0.5",
            RatingScale::Hundred => "a whole number from 0 to 100",
        }
    }
}

impl FromStr for RatingScale {
    type Err = Error;
    fn from_str(s: &str) -> Result<Self> {
        match s.trim() {
            "5" => Ok(RatingScale::Stars5),
            "10" => Ok(RatingScale::Ten),
            "100" => Ok(RatingScale::Hundred),
            other => Err(Error::invalid(format!(
                "'{other}' is not a rating scale (use 5, 10 or 100)"
            ))),
        }
    }
}

impl fmt::Display for RatingScale {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// One value a scale can show: its stored value and how it is written.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct RatingStep {
    pub stored: Rating,
    pub label: String,
}

/// A scale as the core defines it, so the UI shows and reads ratings by
/// looking them up instead of repeating this module's arithmetic.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct RatingTable {
    pub scale: RatingScale,
    /// Every value the scale can show, lowest first.
    pub steps: Vec<RatingStep>,
    /// For each stored value 0–100, the index in `steps` it is shown as.
    pub step_of: Vec<u32>,
    /// The top of the scale as written ("5", "10", "100").
    pub max_label: String,
    /// What the scale accepts, for messages ("0 to 10 in steps of 0.5").
    pub hint: String,
}

impl RatingTable {
    pub fn new(scale: RatingScale) -> Self {
        // A step per half on the 5- and 10-point scales, per point on 100.
        let per_step = if scale == RatingScale::Hundred { 2 } else { 1 };
        let steps: Vec<RatingStep> = (0..=scale.max_halves() / per_step)
            .map(|i| {
                let halves = i * per_step;
                let label = if halves % 2 == 0 {
                    format!("{}", halves / 2)
                } else {
                    format!("{}.5", halves / 2)
                };
                RatingStep {
                    stored: Rating::parse_in(&label, scale).expect("every step parses"),
                    label,
                }
            })
            .collect();
        let step_of = (0..=Rating::MAX)
            .map(|v| Rating(v).halves_in(scale) / per_step)
            .collect();
        RatingTable {
            scale,
            steps,
            step_of,
            max_label: scale.max().to_string(),
            hint: scale.hint().to_string(),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    #[test]
    fn soundtrack_rating() {
        let r = Rating::parse_in("8.5", RatingScale::Ten).unwrap();
        assert_eq!(r.get(), 85);
        assert_eq!(r.format_in(RatingScale::Ten), "8.5");
        assert_eq!(r.format_in(RatingScale::Hundred), "85");
        // 85 sits between 4 and 4.5 stars; it rounds half up.
        assert_eq!(r.format_in(RatingScale::Stars5), "4.5");
    }

    #[test]
    fn rejects_values_the_scale_cannot_show() {
        for (text, scale) in [
            ("8.3", RatingScale::Ten),
            ("10.5", RatingScale::Ten),
            ("11", RatingScale::Ten),
            ("-1", RatingScale::Ten),
            ("5.5", RatingScale::Stars5),
            ("99.5", RatingScale::Hundred),
            ("101", RatingScale::Hundred),
            ("", RatingScale::Ten),
            ("eight", RatingScale::Ten),
            ("1e1", RatingScale::Ten),
        ] {
            assert!(
                Rating::parse_in(text, scale).is_err(),
                "'{text}' should be refused on the {scale} scale"
            );
        }
        assert!(Rating::new(101).is_err());
    }

    #[test]
    fn accepts_spellings() {
        assert_eq!(
            Rating::parse_in("8.50", RatingScale::Ten).unwrap().get(),
            85
        );
        assert_eq!(Rating::parse_in("7.0", RatingScale::Ten).unwrap().get(), 70);
        assert_eq!(
            Rating::parse_in(".5", RatingScale::Stars5).unwrap().get(),
            10
        );
        assert_eq!(
            Rating::parse_in(" 100 ", RatingScale::Hundred)
                .unwrap()
                .get(),
            100
        );
    }

    proptest! {
        /// Every value a scale can express maps to one stored value and back.
        #[test]
        fn every_scale_value_round_trips(halves in 0u32..=200, scale_ix in 0usize..3) {
            let scale = RatingScale::ALL[scale_ix];
            // Folded into the scale's range rather than rejected: rejecting
            // most draws on the small scales made the test abort at random.
            let halves = halves % (scale.max_halves() + 1);
            let halves = if scale == RatingScale::Hundred { halves - halves % 2 } else { halves };
            let text = if halves % 2 == 0 { format!("{}", halves / 2) } else { format!("{}.5", halves / 2) };
            let r = Rating::parse_in(&text, scale).unwrap();
            prop_assert_eq!(r.halves_in(scale), halves);
            prop_assert_eq!(r.format_in(scale), text.clone());
            prop_assert_eq!(Rating::parse_in(&r.format_in(scale), scale).unwrap(), r);
        }

        /// Converting a stored value to any scale and back lands on the
        /// nearest value that scale can express, and is stable after that.
        #[test]
        fn stored_values_settle_after_one_conversion(v in 0u8..=100, scale_ix in 0usize..3) {
            let scale = RatingScale::ALL[scale_ix];
            let once = Rating::parse_in(&Rating(v).format_in(scale), scale).unwrap();
            prop_assert!((i32::from(once.get()) - i32::from(v)).abs() <= (50 / scale.max_halves()) as i32);
            let twice = Rating::parse_in(&once.format_in(scale), scale).unwrap();
            prop_assert_eq!(once, twice);
        }

        #[test]
        fn serde_refuses_out_of_range(v in 101u8..=255) {
            prop_assert!(serde_json::from_str::<Rating>(&v.to_string()).is_err());
        }
    }

    #[test]
    fn the_table_agrees_with_parsing_and_formatting() {
        for scale in RatingScale::ALL {
            let t = RatingTable::new(scale);
            assert_eq!(t.steps.first().unwrap().stored.get(), 0, "{scale}");
            assert_eq!(t.steps.last().unwrap().stored.get(), 100, "{scale}");
            for step in &t.steps {
                assert_eq!(Rating::parse_in(&step.label, scale).unwrap(), step.stored);
            }
            for v in 0..=Rating::MAX {
                let shown = &t.steps[t.step_of[v as usize] as usize];
                assert_eq!(shown.label, Rating(v).format_in(scale), "{v} on {scale}");
            }
        }
        assert_eq!(RatingTable::new(RatingScale::Stars5).steps.len(), 11);
        assert_eq!(RatingTable::new(RatingScale::Ten).steps.len(), 21);
        assert_eq!(RatingTable::new(RatingScale::Hundred).steps.len(), 101);
    }
}
