//! The time ranges a history chart covers, and how each is cut into buckets.

use serde::{Deserialize, Serialize};

const MINUTE_MS: i64 = 60_000;
pub const HOUR_MS: i64 = 60 * MINUTE_MS;
const DAY_MS: i64 = 24 * HOUR_MS;

/// Raw results are read for the last hours even on ranges drawn from rollups: the hourly job
/// may not have rolled up the newest hours yet (it re-rolls the last three each run).
pub const RAW_TAIL_HOURS: i64 = 3;

/// A chart range, chosen with `?range=1h|24h|7d|30d`.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub enum Range {
    Hour,
    #[default]
    Day,
    Week,
    Month,
}

/// Where a range's numbers come from.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub enum Source {
    /// Every run, from `results` (kept 7 days).
    Raw,
    /// Hourly rollups, from `result_rollups`, plus the newest hours from `results`.
    Rollups,
}

impl Range {
    pub const ALL: [Range; 4] = [Range::Hour, Range::Day, Range::Week, Range::Month];

    /// The range a query value names; anything else is the default, 24 hours.
    pub fn parse(text: Option<&str>) -> Range {
        Range::ALL
            .into_iter()
            .find(|r| Some(r.code()) == text)
            .unwrap_or_default()
    }

    /// The value of `?range=`.
    pub fn code(self) -> &'static str {
        match self {
            Range::Hour => "1h",
            Range::Day => "24h",
            Range::Week => "7d",
            Range::Month => "30d",
        }
    }

    /// For the range links: "1 h", "24 h", "7 d", "30 d".
    pub fn short(self) -> &'static str {
        match self {
            Range::Hour => "1 h",
            Range::Day => "24 h",
            Range::Week => "7 d",
            Range::Month => "30 d",
        }
    }

    /// For sentences: "the last hour", "the last 30 days".
    pub fn words(self) -> &'static str {
        match self {
            Range::Hour => "the last hour",
            Range::Day => "the last 24 hours",
            Range::Week => "the last 7 days",
            Range::Month => "the last 30 days",
        }
    }

    /// How many buckets the chart has, and how wide each is. Ranges read from rollups use
    /// whole hours per bucket, so an hour never straddles two buckets.
    pub fn buckets(self) -> (usize, i64) {
        match self {
            Range::Hour => (60, MINUTE_MS),
            Range::Day => (96, 15 * MINUTE_MS),
            Range::Week => (84, 2 * HOUR_MS),
            Range::Month => (60, 12 * HOUR_MS),
        }
    }

    /// Up to 24 hours every run is read; beyond, hourly rollups.
    pub fn source(self) -> Source {
        match self {
            Range::Hour | Range::Day => Source::Raw,
            Range::Week | Range::Month => Source::Rollups,
        }
    }

    /// The spacing of the time axis' ticks.
    pub fn tick_ms(self) -> i64 {
        match self {
            Range::Hour => 10 * MINUTE_MS,
            Range::Day => 4 * HOUR_MS,
            Range::Week => DAY_MS,
            Range::Month => 5 * DAY_MS,
        }
    }

    /// The buckets ending with the one that holds `now_ms`, aligned to the bucket width.
    pub fn window(self, now_ms: i64) -> Window {
        let (count, width) = self.buckets();
        let end = (now_ms.div_euclid(width) + 1) * width;
        Window {
            start: end - count as i64 * width,
            width,
            count,
        }
    }
}

/// The buckets of one chart: `count` buckets of `width` ms from `start` (Unix ms).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Window {
    pub start: i64,
    pub width: i64,
    pub count: usize,
}

/// What to read for a window: raw results in `raw`, rollups of the hours in `rollups`
/// (both half-open, in Unix ms). The two never overlap, so no run is counted twice.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Reads {
    pub raw: (i64, i64),
    pub rollups: Option<(i64, i64)>,
}

impl Window {
    pub fn end(&self) -> i64 {
        self.start + self.count as i64 * self.width
    }

    /// The bucket holding `at`, if the window does.
    pub fn bucket_of(&self, at: i64) -> Option<usize> {
        if at < self.start || at >= self.end() {
            return None;
        }
        usize::try_from((at - self.start) / self.width).ok()
    }

    /// Raw results for ranges up to a day; otherwise rollups up to a few hours before `now_ms`
    /// and raw results since.
    pub fn reads(&self, source: Source, now_ms: i64) -> Reads {
        match source {
            Source::Raw => Reads {
                raw: (self.start, self.end()),
                rollups: None,
            },
            Source::Rollups => {
                let cut = (now_ms.div_euclid(HOUR_MS) - (RAW_TAIL_HOURS - 1)) * HOUR_MS;
                let cut = cut.clamp(self.start, self.end());
                Reads {
                    raw: (cut, self.end()),
                    rollups: Some((self.start, cut)),
                }
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn query_values_pick_a_range_and_anything_else_is_24_hours() {
        let cases = [
            (Some("1h"), Range::Hour),
            (Some("24h"), Range::Day),
            (Some("7d"), Range::Week),
            (Some("30d"), Range::Month),
            (Some("1y"), Range::Day),
            (Some("7D"), Range::Day),
            (Some("<script>"), Range::Day),
            (Some(""), Range::Day),
            (None, Range::Day),
        ];
        for (text, want) in cases {
            assert_eq!(Range::parse(text), want, "{text:?}");
        }
        for r in Range::ALL {
            assert_eq!(Range::parse(Some(r.code())), r);
        }
    }

    #[test]
    fn windows_cover_the_range_and_end_with_the_bucket_holding_now() {
        let now = 1_764_120_000_000 + 17 * MINUTE_MS + 5_000;
        for r in Range::ALL {
            let w = r.window(now);
            let (count, width) = r.buckets();
            assert_eq!((w.count, w.width), (count, width));
            assert_eq!(w.start % width, 0, "{r:?} aligned");
            assert_eq!(w.bucket_of(now), Some(count - 1), "{r:?}");
            assert_eq!(w.bucket_of(w.start), Some(0));
            assert_eq!(w.bucket_of(w.start - 1), None);
            assert_eq!(w.bucket_of(w.end()), None);
            // The window spans the range, plus at most the unfinished part of the last bucket.
            let span = w.end() - w.start;
            assert!(span >= count as i64 * width && now - w.start >= span - width);
        }
        assert_eq!(
            Range::Week.window(now).end() - Range::Week.window(now).start,
            7 * DAY_MS
        );
        assert_eq!(
            Range::Month.window(now).end() - Range::Month.window(now).start,
            30 * DAY_MS
        );
    }

    #[test]
    fn short_ranges_read_raw_results_and_long_ones_rollups_then_the_newest_hours_raw() {
        let now = 1_764_120_000_000 + 17 * MINUTE_MS;
        for r in [Range::Hour, Range::Day] {
            let w = r.window(now);
            assert_eq!(r.source(), Source::Raw);
            let reads = w.reads(r.source(), now);
            assert_eq!(reads.rollups, None, "{r:?}");
            assert_eq!(reads.raw, (w.start, w.end()));
        }
        for r in [Range::Week, Range::Month] {
            let w = r.window(now);
            assert_eq!(r.source(), Source::Rollups);
            let reads = w.reads(r.source(), now);
            let hour_start = now / HOUR_MS * HOUR_MS;
            let cut = hour_start - 2 * HOUR_MS;
            assert_eq!(reads.rollups, Some((w.start, cut)), "{r:?}");
            assert_eq!(reads.raw, (cut, w.end()), "{r:?}");
            assert_eq!(cut % HOUR_MS, 0, "rollups are read by whole hours");
        }
    }
}
