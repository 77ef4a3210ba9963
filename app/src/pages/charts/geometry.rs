//! Where things go on a chart: the plot area, axis ticks, the latency lines and bands (cut
//! into segments where a bucket has no data), the loss bars and the spans without data.
//! Pure numbers in the SVG's own units; the drawing is in `svg.rs`.

use crate::history::buckets::{Family, History};
use crate::history::range::{Range, Window};

/// The width of every chart's viewBox; CSS scales it to the page.
pub const WIDTH: f64 = 640.0;
pub const LATENCY_HEIGHT: f64 = 200.0;
pub const LOSS_HEIGHT: f64 = 110.0;
/// Room for the time labels under a plot.
pub const AXIS: f64 = 24.0;
const PAD: f64 = 6.0;

/// The plot area inside a chart of `height`.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Plot {
    pub left: f64,
    pub top: f64,
    pub width: f64,
    pub height: f64,
}

impl Plot {
    pub fn new(height: f64) -> Plot {
        Plot {
            left: PAD,
            top: PAD,
            width: WIDTH - 2.0 * PAD,
            height: height - PAD - AXIS,
        }
    }

    /// How a time label at `x` is anchored so it never runs off the chart's edge.
    pub fn anchor(&self, x: f64) -> &'static str {
        if x < self.left + 30.0 {
            "start"
        } else if x > self.right() - 30.0 {
            "end"
        } else {
            "middle"
        }
    }

    pub fn bottom(&self) -> f64 {
        self.top + self.height
    }

    pub fn right(&self) -> f64 {
        self.left + self.width
    }

    /// The x of time `at` (Unix ms) in `window`.
    pub fn x_of(&self, window: &Window, at: i64) -> f64 {
        let span = (window.end() - window.start).max(1) as f64;
        self.left + ((at - window.start) as f64 / span).clamp(0.0, 1.0) * self.width
    }

    /// The left edge and width of bucket `i`.
    pub fn slot(&self, window: &Window, i: usize) -> (f64, f64) {
        let count = window.count.max(1) as f64;
        let width = self.width / count;
        (self.left + i as f64 * width, width)
    }

    /// The y of `value` on a scale from 0 (bottom) to `max` (top).
    fn y_of(&self, value: f64, max: f64) -> f64 {
        let share = if max > 0.0 { value / max } else { 0.0 };
        self.bottom() - share.clamp(0.0, 1.0) * self.height
    }
}

/// An axis tick: its position and label.
#[derive(Clone, Debug, PartialEq)]
pub struct Tick {
    pub at: f64,
    pub label: String,
}

/// A point of a latency line: the bucket's mean, with its min and max for the band.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Point {
    pub bucket: usize,
    pub x: f64,
    pub y: f64,
    pub y_min: f64,
    pub y_max: f64,
}

/// One family's line, broken where buckets have no latency.
#[derive(Clone, Debug, PartialEq)]
pub struct Line {
    pub family: Family,
    pub segments: Vec<Vec<Point>>,
}

/// A stretch of the time axis without any run of either family: `(x, width)`.
pub type Gap = (f64, f64);

#[derive(Clone, Debug, PartialEq)]
pub struct LatencyLayout {
    pub plot: Plot,
    /// The top of the scale in ms.
    pub max_ms: f64,
    pub y_ticks: Vec<Tick>,
    pub x_ticks: Vec<Tick>,
    pub lines: Vec<Line>,
    pub gaps: Vec<Gap>,
}

/// A loss bar: one family in one bucket with failed runs.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Bar {
    pub family: Family,
    pub bucket: usize,
    pub x: f64,
    pub y: f64,
    pub width: f64,
    pub height: f64,
}

#[derive(Clone, Debug, PartialEq)]
pub struct LossLayout {
    pub plot: Plot,
    pub y_ticks: Vec<Tick>,
    pub x_ticks: Vec<Tick>,
    pub bars: Vec<Bar>,
    pub gaps: Vec<Gap>,
}

/// A round top for a scale holding `max`, and its step: 1, 2, 2.5 or 5 times a power of ten,
/// four steps or fewer.
pub fn nice_scale(max: f64) -> (f64, f64) {
    if !(max.is_finite() && max > 0.0) {
        return (1.0, 0.25);
    }
    let rough = max / 4.0;
    let power = 10f64.powf(rough.log10().floor());
    let step = [1.0, 2.0, 2.5, 5.0, 10.0]
        .into_iter()
        .map(|m| m * power)
        .find(|s| *s >= rough)
        .unwrap_or(10.0 * power);
    ((max / step).ceil() * step, step)
}

/// "12 ms", "7.5 ms", "0.375 ms": as many decimals as the step needs.
pub fn ms_label(value: f64, step: f64) -> String {
    let decimals = (0..3)
        .find(|d| {
            let scaled = step * 10f64.powi(*d);
            (scaled - scaled.round()).abs() < 1e-6
        })
        .unwrap_or(3) as usize;
    format!("{value:.decimals$} ms")
}

/// The time labels: UTC clock times for ranges up to a day, dates beyond.
pub fn time_label(range: Range, at_ms: i64) -> String {
    let format = match range {
        Range::Hour | Range::Day => "%H:%M",
        Range::Week => "%a %d",
        Range::Month => "%b %d",
    };
    chrono::DateTime::from_timestamp_millis(at_ms)
        .map(|t| t.format(format).to_string())
        .unwrap_or_default()
}

/// Ticks on the time axis at round times (midnight UTC for days).
pub fn x_ticks(plot: &Plot, range: Range, window: &Window) -> Vec<Tick> {
    let step = range.tick_ms();
    let mut at = (window.start.div_euclid(step) + 1) * step;
    let mut ticks = Vec::new();
    while at < window.end() {
        ticks.push(Tick {
            at: plot.x_of(window, at),
            label: time_label(range, at),
        });
        at += step;
    }
    ticks
}

/// Runs of buckets where neither family has a run.
fn gaps(plot: &Plot, history: &History) -> Vec<Gap> {
    let mut gaps: Vec<Gap> = Vec::new();
    let last = history.window.count.saturating_sub(1);
    let mut open: Option<usize> = None;
    for i in 0..history.window.count {
        // Nothing after now is missing: it has not happened yet.
        let future = history.bucket_start(i) > history.now;
        let empty = !future
            && Family::ALL
                .iter()
                .all(|f| !history.series(*f).buckets[i].has_runs());
        match (empty, open) {
            (true, None) => open = Some(i),
            (false, Some(from)) => {
                gaps.push(span(plot, history, from, i));
                open = None;
            }
            _ => {}
        }
        if i == last
            && let Some(from) = open
        {
            gaps.push(span(plot, history, from, i + 1));
        }
    }
    gaps
}

fn span(plot: &Plot, history: &History, from: usize, to: usize) -> Gap {
    let (x, width) = plot.slot(&history.window, from);
    (x, width * (to - from) as f64)
}

pub fn latency(history: &History) -> LatencyLayout {
    let plot = Plot::new(LATENCY_HEIGHT);
    let highest = Family::ALL
        .iter()
        .flat_map(|f| history.series(*f).buckets.iter())
        .filter_map(|b| b.max_ms.or(b.avg_ms))
        .fold(0.0, f64::max);
    let (max_ms, step) = nice_scale(highest);
    let y_ticks = (0..)
        .map(|i| f64::from(i) * step)
        .take_while(|v| *v <= max_ms + step / 1000.0)
        .map(|v| Tick {
            at: plot.y_of(v, max_ms),
            label: ms_label(v, step),
        })
        .collect();
    let lines = Family::ALL
        .iter()
        .map(|family| {
            let mut segments: Vec<Vec<Point>> = Vec::new();
            let mut current: Vec<Point> = Vec::new();
            for (i, b) in history.series(*family).buckets.iter().enumerate() {
                match b.avg_ms {
                    Some(avg) => {
                        let (x, width) = plot.slot(&history.window, i);
                        current.push(Point {
                            bucket: i,
                            x: x + width / 2.0,
                            y: plot.y_of(avg, max_ms),
                            y_min: plot.y_of(b.min_ms.unwrap_or(avg), max_ms),
                            y_max: plot.y_of(b.max_ms.unwrap_or(avg), max_ms),
                        });
                    }
                    None if !current.is_empty() => segments.push(std::mem::take(&mut current)),
                    None => {}
                }
            }
            if !current.is_empty() {
                segments.push(current);
            }
            Line {
                family: *family,
                segments,
            }
        })
        .collect();
    LatencyLayout {
        plot,
        max_ms,
        y_ticks,
        x_ticks: x_ticks(&plot, history.range, &history.window),
        lines,
        gaps: gaps(&plot, history),
    }
}

pub fn loss(history: &History) -> LossLayout {
    let plot = Plot::new(LOSS_HEIGHT);
    // The axis is 0 %; its label would sit among the bars.
    let y_ticks = [0.0, 50.0, 100.0]
        .into_iter()
        .map(|v| Tick {
            at: plot.y_of(v, 100.0),
            label: if v > 0.0 {
                format!("{v:.0} %")
            } else {
                String::new()
            },
        })
        .collect();
    let mut bars = Vec::new();
    for (side, family) in Family::ALL.iter().enumerate() {
        for (i, b) in history.series(*family).buckets.iter().enumerate() {
            let Some(loss) = b.loss_percent().filter(|l| *l > 0.0) else {
                continue;
            };
            let (x, width) = plot.slot(&history.window, i);
            // Side by side in the bucket: IPv6 left, IPv4 right.
            let half = width / 2.0;
            let y = plot.y_of(loss, 100.0);
            bars.push(Bar {
                family: *family,
                bucket: i,
                x: x + side as f64 * half + half * 0.1,
                y,
                width: half * 0.8,
                height: (plot.bottom() - y).max(1.0),
            });
        }
    }
    LossLayout {
        plot,
        y_ticks,
        x_ticks: x_ticks(&plot, history.range, &history.window),
        bars,
        gaps: gaps(&plot, history),
    }
}

/// Points as the SVG `points` attribute wants them.
pub fn points_attr(points: impl Iterator<Item = (f64, f64)>) -> String {
    points
        .map(|(x, y)| format!("{x:.1},{y:.1}"))
        .collect::<Vec<_>>()
        .join(" ")
}

/// The min-max band of a segment: along the maxima, back along the minima.
pub fn band_attr(segment: &[Point]) -> String {
    points_attr(
        segment
            .iter()
            .map(|p| (p.x, p.y_max))
            .chain(segment.iter().rev().map(|p| (p.x, p.y_min))),
    )
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::history::buckets::{Sample, bucket};

    const NOW: i64 = 1_764_120_000_000 + 30 * 60_000 + 5_000;

    fn history(runs: &[(usize, Family, bool, Option<f64>)]) -> History {
        let w = Range::Hour.window(NOW);
        let samples: Vec<Sample> = runs
            .iter()
            .map(|(i, family, ok, ms)| Sample {
                at: w.start + *i as i64 * w.width + 1,
                family: *family,
                ok: *ok,
                latency_ms: *ms,
            })
            .collect();
        bucket(Range::Hour, NOW, &samples, &[])
    }

    #[test]
    fn scales_end_on_round_numbers() {
        let cases = [
            (12.3, 15.0, 5.0),
            (100.0, 100.0, 25.0),
            (0.42, 0.6, 0.2),
            (3.0, 3.0, 1.0),
            (0.0, 1.0, 0.25),
            (f64::NAN, 1.0, 0.25),
            (870.0, 1000.0, 250.0),
        ];
        for (max, top, step) in cases {
            let (got_top, got_step) = nice_scale(max);
            assert!(
                (got_top - top).abs() < 1e-9 && (got_step - step).abs() < 1e-9,
                "{max}: {got_top} {got_step}"
            );
        }
        assert_eq!(ms_label(10.0, 5.0), "10 ms");
        assert_eq!(ms_label(7.5, 2.5), "7.5 ms");
        assert_eq!(ms_label(0.25, 0.25), "0.25 ms");
        assert_eq!(ms_label(0.375, 0.125), "0.375 ms");
    }

    #[test]
    fn a_line_is_cut_where_buckets_have_no_latency() {
        let h = history(&[
            (0, Family::V6, true, Some(5.0)),
            (1, Family::V6, true, Some(6.0)),
            // 2 and 3: nothing. 4: failed, no latency.
            (4, Family::V6, false, None),
            (5, Family::V6, true, Some(20.0)),
            (7, Family::V4, true, Some(9.0)),
        ]);
        let layout = latency(&h);
        let v6 = &layout.lines[0];
        assert_eq!(v6.family, Family::V6);
        let buckets: Vec<Vec<usize>> = v6
            .segments
            .iter()
            .map(|s| s.iter().map(|p| p.bucket).collect())
            .collect();
        assert_eq!(buckets, vec![vec![0, 1], vec![5]]);
        assert_eq!(layout.lines[1].segments.len(), 1);
        // 20 ms is the highest value: the scale tops at 20 and the point sits at the top.
        assert_eq!(layout.max_ms, 20.0);
        assert!((v6.segments[1][0].y - layout.plot.top).abs() < 1e-9);
        assert_eq!(
            layout.y_ticks.first().map(|t| t.label.as_str()),
            Some("0 ms")
        );
        assert_eq!(
            layout.y_ticks.last().map(|t| t.label.as_str()),
            Some("20 ms")
        );
        // Buckets 2-3 and 6 have no run at all; 8 up to the bucket of now likewise.
        let slot = layout.plot.width / 60.0;
        let gaps: Vec<(i64, i64)> = layout
            .gaps
            .iter()
            .map(|(x, w)| {
                (
                    ((x - layout.plot.left) / slot).round() as i64,
                    (w / slot).round() as i64,
                )
            })
            .collect();
        assert_eq!(gaps, vec![(2, 2), (6, 1), (8, 52)]);
    }

    #[test]
    fn loss_bars_stand_only_where_runs_failed() {
        let h = history(&[
            (3, Family::V6, false, None),
            (3, Family::V6, true, Some(1.0)),
            (3, Family::V4, false, None),
            (4, Family::V6, true, Some(1.0)),
        ]);
        let layout = loss(&h);
        let bars: Vec<(Family, usize)> = layout.bars.iter().map(|b| (b.family, b.bucket)).collect();
        assert_eq!(bars, vec![(Family::V6, 3), (Family::V4, 3)]);
        let (v6, v4) = (layout.bars[0], layout.bars[1]);
        assert!(
            (v6.height * 2.0 - v4.height).abs() < 1e-9,
            "50 % is half of 100 %"
        );
        assert!(v6.x < v4.x, "IPv6 left of IPv4");
        assert!((v4.y - layout.plot.top).abs() < 1e-9);
    }

    #[test]
    fn time_ticks_fall_on_round_times() {
        let h = history(&[]);
        let labels: Vec<String> = latency(&h).x_ticks.into_iter().map(|t| t.label).collect();
        assert_eq!(labels.len(), 6, "{labels:?}");
        assert!(labels.iter().all(|l| l.ends_with('0')), "{labels:?}");
        let week = bucket(Range::Week, NOW, &[], &[]);
        let days: Vec<String> = latency(&week)
            .x_ticks
            .into_iter()
            .map(|t| t.label)
            .collect();
        assert_eq!(days.len(), 7, "{days:?}");
        assert_eq!(time_label(Range::Month, NOW), "Nov 26");
    }
}
