//! Cuts a check's runs (raw results, hourly rollups, or both) into a chart's buckets: per
//! bucket and address family the runs, the passes, min/mean/max latency; per family the
//! uptime and the median latency. Pure: the store reads, this counts.

use super::range::{Range, Source, Window};
pub use model::Family;
use serde::{Deserialize, Serialize};
pub use store::rows::{HourRollup, Sample};

/// One bucket of one family. No runs means no data: the chart leaves a gap.
#[derive(Clone, Copy, Debug, Default, PartialEq, Serialize, Deserialize)]
pub struct Bucket {
    pub runs: u32,
    pub ok: u32,
    pub min_ms: Option<f64>,
    pub avg_ms: Option<f64>,
    pub max_ms: Option<f64>,
}

impl Bucket {
    pub fn has_runs(&self) -> bool {
        self.runs > 0
    }

    /// The share of failed runs in per cent; `None` without runs.
    pub fn loss_percent(&self) -> Option<f64> {
        (self.runs > 0).then(|| f64::from(self.runs - self.ok) * 100.0 / f64::from(self.runs))
    }
}

/// One family over the whole window.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
pub struct Series {
    pub buckets: Vec<Bucket>,
    pub runs: u64,
    pub ok: u64,
    /// The median latency of the runs (an hour's mean stands for its runs where only its
    /// rollup is left).
    pub median_ms: Option<f64>,
}

impl Series {
    /// The share of passed runs in per cent; `None` without runs.
    pub fn uptime_percent(&self) -> Option<f64> {
        (self.runs > 0).then(|| self.ok as f64 * 100.0 / self.runs as f64)
    }

    pub fn loss_percent(&self) -> Option<f64> {
        self.uptime_percent().map(|u| 100.0 - u)
    }

    /// How many buckets have runs: the points the chart draws.
    pub fn points(&self) -> usize {
        self.buckets.iter().filter(|b| b.has_runs()).count()
    }
}

/// A check's history over one range, ready to draw.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct History {
    pub range: Range,
    pub window: Window,
    /// Unix ms when it was read: nothing after this is drawn.
    pub now: i64,
    pub source: Source,
    pub v6: Series,
    pub v4: Series,
}

impl History {
    pub fn series(&self, family: Family) -> &Series {
        match family {
            Family::V6 => &self.v6,
            Family::V4 => &self.v4,
        }
    }

    /// The bucket's start time (Unix ms).
    pub fn bucket_start(&self, index: usize) -> i64 {
        self.window.start + index as i64 * self.window.width
    }
}

/// Running totals of one bucket and family.
#[derive(Clone, Copy, Default)]
struct Totals {
    runs: u64,
    ok: u64,
    min: Option<f64>,
    max: Option<f64>,
    sum: f64,
    weight: f64,
}

impl Totals {
    fn add(&mut self, runs: u64, ok: u64, min: Option<f64>, mean: Option<f64>, max: Option<f64>) {
        self.runs += runs;
        self.ok += ok;
        self.min = fold(self.min, min, f64::min);
        self.max = fold(self.max, max, f64::max);
        if let Some(mean) = mean.filter(|m| m.is_finite()) {
            // An hour's mean weighs as much as its passed runs (those carry a latency).
            let weight = ok.max(1) as f64;
            self.sum += mean * weight;
            self.weight += weight;
        }
    }

    fn bucket(&self) -> Bucket {
        Bucket {
            runs: u32::try_from(self.runs).unwrap_or(u32::MAX),
            ok: u32::try_from(self.ok).unwrap_or(u32::MAX),
            min_ms: self.min,
            avg_ms: (self.weight > 0.0).then(|| self.sum / self.weight),
            max_ms: self.max,
        }
    }
}

fn fold(a: Option<f64>, b: Option<f64>, pick: fn(f64, f64) -> f64) -> Option<f64> {
    match (a, b.filter(|v| v.is_finite())) {
        (Some(a), Some(b)) => Some(pick(a, b)),
        (a, b) => a.or(b),
    }
}

/// The weighted median of (value, weight) pairs.
fn median(mut values: Vec<(f64, f64)>) -> Option<f64> {
    values.sort_by(|a, b| a.0.total_cmp(&b.0));
    let total: f64 = values.iter().map(|v| v.1).sum();
    let mut seen = 0.0;
    for (value, weight) in values {
        seen += weight;
        if seen * 2.0 >= total {
            return Some(value);
        }
    }
    None
}

/// Buckets the runs of one check. Rollups and samples outside the window are ignored; the
/// caller reads them so that no run is in both (see [`Window::reads`]).
pub fn bucket(range: Range, now: i64, samples: &[Sample], rollups: &[HourRollup]) -> History {
    let window = range.window(now);
    let mut totals = [
        vec![Totals::default(); window.count],
        vec![Totals::default(); window.count],
    ];
    let mut latencies: [Vec<(f64, f64)>; 2] = [Vec::new(), Vec::new()];
    let slot = |f: Family| usize::from(f == Family::V4);
    for s in samples {
        let Some(i) = window.bucket_of(s.at) else {
            continue;
        };
        let latency = s.latency_ms.filter(|l| l.is_finite());
        totals[slot(s.family)][i].add(1, u64::from(s.ok), latency, latency, latency);
        if let Some(l) = latency {
            latencies[slot(s.family)].push((l, 1.0));
        }
    }
    for r in rollups {
        let Some(i) = window.bucket_of(r.hour_ms) else {
            continue;
        };
        let (count, ok) = (
            u64::try_from(r.count).unwrap_or(0),
            u64::try_from(r.ok_count).unwrap_or(0),
        );
        totals[slot(r.family)][i].add(count, ok.min(count), r.min_ms, r.avg_ms, r.max_ms);
        if let Some(avg) = r.avg_ms.filter(|a| a.is_finite()) {
            latencies[slot(r.family)].push((avg, ok.max(1) as f64));
        }
    }
    let [v6_totals, v4_totals] = totals;
    let [v6_latencies, v4_latencies] = latencies;
    let series = |totals: Vec<Totals>, latencies| Series {
        runs: totals.iter().map(|t| t.runs).sum(),
        ok: totals.iter().map(|t| t.ok).sum(),
        buckets: totals.iter().map(Totals::bucket).collect(),
        median_ms: median(latencies),
    };
    History {
        range,
        window,
        now,
        source: range.source(),
        v6: series(v6_totals, v6_latencies),
        v4: series(v4_totals, v4_latencies),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::history::range::HOUR_MS;

    const NOW: i64 = 1_764_120_000_000 + 30 * 60_000 + 5_000;

    fn run(at: i64, family: Family, ok: bool, ms: Option<f64>) -> Sample {
        Sample {
            at,
            family,
            ok,
            latency_ms: ms,
        }
    }

    #[test]
    fn a_bucket_has_its_runs_loss_and_min_mean_max_latency() {
        let w = Range::Hour.window(NOW);
        let at = w.start + 5 * w.width;
        let samples = [
            run(at, Family::V6, true, Some(10.0)),
            run(at + 1_000, Family::V6, true, Some(30.0)),
            run(at + 2_000, Family::V6, false, None),
            run(at + 3_000, Family::V6, true, Some(20.0)),
            run(at + 4_000, Family::V4, false, None),
        ];
        let h = bucket(Range::Hour, NOW, &samples, &[]);
        let b = h.v6.buckets[5];
        assert_eq!((b.runs, b.ok), (4, 3));
        assert_eq!(b.loss_percent(), Some(25.0));
        assert_eq!(
            (b.min_ms, b.avg_ms, b.max_ms),
            (Some(10.0), Some(20.0), Some(30.0))
        );
        let v4 = h.v4.buckets[5];
        assert_eq!((v4.runs, v4.ok, v4.avg_ms), (1, 0, None));
        assert_eq!(v4.loss_percent(), Some(100.0));
        assert_eq!(h.v6.uptime_percent(), Some(75.0));
        assert_eq!(h.v4.uptime_percent(), Some(0.0));
        assert_eq!(h.v6.median_ms, Some(20.0));
    }

    #[test]
    fn buckets_without_runs_stay_empty_and_runs_outside_the_window_are_ignored() {
        let w = Range::Hour.window(NOW);
        let samples = [
            run(w.start, Family::V6, true, Some(1.0)),
            run(w.start + 59 * w.width, Family::V6, true, Some(2.0)),
            run(w.start - 1, Family::V6, false, None),
            run(w.end(), Family::V6, false, None),
        ];
        let h = bucket(Range::Hour, NOW, &samples, &[]);
        assert_eq!(h.v6.buckets.len(), 60);
        assert_eq!(h.v6.points(), 2);
        assert!(h.v6.buckets[1..59].iter().all(|b| *b == Bucket::default()));
        assert_eq!(
            h.v6.buckets[30].loss_percent(),
            None,
            "no runs is no data, not 0 % loss"
        );
        assert_eq!((h.v6.runs, h.v6.ok), (2, 2));
        assert_eq!(h.v4.points(), 0);
        assert_eq!(h.v4.uptime_percent(), None);
        assert_eq!(h.v4.median_ms, None);
    }

    #[test]
    fn rollups_fill_their_bucket_weighted_by_their_runs() {
        let w = Range::Week.window(NOW);
        // Bucket 3 holds two hours: one slow with few passes, one fast with many.
        let hour = |i: i64, count, ok, min, avg, max| HourRollup {
            hour_ms: w.start + 3 * w.width + i * HOUR_MS,
            family: Family::V6,
            count,
            ok_count: ok,
            min_ms: Some(min),
            avg_ms: Some(avg),
            max_ms: Some(max),
        };
        let rollups = [
            hour(0, 10, 1, 90.0, 100.0, 110.0),
            hour(1, 60, 60, 5.0, 10.0, 40.0),
        ];
        let h = bucket(Range::Week, NOW, &[], &rollups);
        let b = h.v6.buckets[3];
        assert_eq!((b.runs, b.ok), (70, 61));
        assert_eq!((b.min_ms, b.max_ms), (Some(5.0), Some(110.0)));
        let mean = (100.0 + 10.0 * 60.0) / 61.0;
        assert!((b.avg_ms.unwrap() - mean).abs() < 1e-9);
        assert_eq!(h.v6.median_ms, Some(10.0), "the fast hour holds most runs");
        assert_eq!(h.v6.points(), 1);
        assert_eq!(h.source, Source::Rollups);
    }

    #[test]
    fn rollups_and_the_newest_raw_runs_add_up_in_one_bucket() {
        let w = Range::Month.window(NOW);
        let last = w.count - 1;
        let rollup = HourRollup {
            hour_ms: w.start + last as i64 * w.width,
            family: Family::V4,
            count: 60,
            ok_count: 30,
            min_ms: None,
            avg_ms: None,
            max_ms: None,
        };
        let samples = [run(NOW - 1_000, Family::V4, true, Some(7.0))];
        let h = bucket(Range::Month, NOW, &samples, &[rollup]);
        let b = h.v4.buckets[last];
        assert_eq!((b.runs, b.ok, b.avg_ms), (61, 31, Some(7.0)));
    }

    #[test]
    fn odd_numbers_do_not_poison_the_figures() {
        let w = Range::Hour.window(NOW);
        let samples = [
            run(w.start, Family::V6, true, Some(f64::NAN)),
            run(w.start, Family::V6, true, Some(4.0)),
        ];
        let rollups = [HourRollup {
            hour_ms: w.start,
            family: Family::V6,
            count: -5,
            ok_count: 9,
            min_ms: Some(f64::INFINITY),
            avg_ms: None,
            max_ms: None,
        }];
        let h = bucket(Range::Hour, NOW, &samples, &rollups);
        let b = h.v6.buckets[0];
        assert_eq!((b.runs, b.ok), (2, 2));
        assert_eq!(
            (b.min_ms, b.avg_ms, b.max_ms),
            (Some(4.0), Some(4.0), Some(4.0))
        );
    }
}
