//! A service's IPv6-only verdict over a range, as spans between verdict changes. Pure: the
//! store gives the verdict in force at the start and the changes since.

use super::range::{Range, Window};
use serde::{Deserialize, Serialize};

/// One verdict change: when, and the verdict after it (`ready`, `partial`, `broken`).
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct VerdictStep {
    pub at: i64,
    pub verdict: String,
}

/// A stretch of time with one verdict; `None` before the first verdict.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Span {
    pub from: i64,
    pub to: i64,
    pub verdict: Option<String>,
}

/// The verdict timeline of a range.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Timeline {
    pub range: Range,
    pub window: Window,
    pub now: i64,
    pub spans: Vec<Span>,
}

impl Timeline {
    /// The spans from the window's start to `now` (never beyond the window): `before` is the
    /// verdict in force at the start, `changes` those after it, oldest first. Changes outside
    /// the window are ignored; equal neighbours merge.
    pub fn build(
        range: Range,
        now: i64,
        before: Option<String>,
        changes: &[VerdictStep],
    ) -> Timeline {
        let window = range.window(now);
        let end = now.clamp(window.start, window.end());
        let mut spans: Vec<Span> = Vec::new();
        let mut from = window.start;
        let mut verdict = before;
        for change in changes
            .iter()
            .filter(|c| c.at >= window.start && c.at < end)
        {
            if change.at > from && spans.last().is_none_or(|s| s.verdict != verdict) {
                spans.push(Span {
                    from,
                    to: change.at,
                    verdict: verdict.clone(),
                });
            } else if let Some(last) = spans.last_mut().filter(|s| s.verdict == verdict) {
                last.to = change.at;
            }
            from = from.max(change.at);
            verdict = Some(change.verdict.clone());
        }
        if end > from {
            match spans.last_mut().filter(|s| s.verdict == verdict) {
                Some(last) => last.to = end,
                None => spans.push(Span {
                    from,
                    to: end,
                    verdict,
                }),
            }
        }
        Timeline {
            range,
            window,
            now,
            spans,
        }
    }

    /// The share of the drawn time each verdict held, in per cent, worst first.
    pub fn shares(&self) -> Vec<(String, f64)> {
        let total: i64 = self.spans.iter().map(|s| s.to - s.from).sum();
        if total <= 0 {
            return Vec::new();
        }
        ["broken", "partial", "ready"]
            .into_iter()
            .filter_map(|v| {
                let held: i64 = self
                    .spans
                    .iter()
                    .filter(|s| s.verdict.as_deref() == Some(v))
                    .map(|s| s.to - s.from)
                    .sum();
                (held > 0).then(|| (v.to_string(), held as f64 * 100.0 / total as f64))
            })
            .collect()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const NOW: i64 = 1_764_120_000_000;

    fn change(at: i64, verdict: &str) -> VerdictStep {
        VerdictStep {
            at,
            verdict: verdict.into(),
        }
    }

    fn view(t: &Timeline) -> Vec<(i64, i64, Option<&str>)> {
        let start = t.window.start;
        t.spans
            .iter()
            .map(|s| (s.from - start, s.to - start, s.verdict.as_deref()))
            .collect()
    }

    #[test]
    fn spans_run_from_change_to_change_and_end_now() {
        let w = Range::Hour.window(NOW);
        let s = w.start;
        let t = Timeline::build(
            Range::Hour,
            NOW,
            Some("ready".into()),
            &[
                change(s - 10, "broken"),
                change(s + 1_000, "partial"),
                change(s + 5_000, "partial"),
                change(s + 9_000, "ready"),
                change(NOW + 1, "broken"),
            ],
        );
        assert_eq!(
            view(&t),
            vec![
                (0, 1_000, Some("ready")),
                (1_000, 9_000, Some("partial")),
                (9_000, NOW - s, Some("ready")),
            ]
        );
        let shares = t.shares();
        assert_eq!(
            shares.iter().map(|(v, _)| v.as_str()).collect::<Vec<_>>(),
            vec!["partial", "ready"]
        );
    }

    #[test]
    fn time_before_the_first_verdict_is_not_judged() {
        let w = Range::Day.window(NOW);
        let t = Timeline::build(Range::Day, NOW, None, &[change(w.start + 60_000, "broken")]);
        assert_eq!(
            view(&t),
            vec![(0, 60_000, None), (60_000, NOW - w.start, Some("broken"))]
        );
        assert_eq!(t.shares()[0].0, "broken");
        let empty = Timeline::build(Range::Day, NOW, None, &[]);
        assert_eq!(view(&empty), vec![(0, NOW - w.start, None)]);
        assert!(empty.shares().is_empty());
    }

    #[test]
    fn a_change_at_the_very_start_leaves_no_empty_span() {
        let w = Range::Week.window(NOW);
        let t = Timeline::build(Range::Week, NOW, None, &[change(w.start, "ready")]);
        assert_eq!(view(&t), vec![(0, NOW - w.start, Some("ready"))]);
    }
}
