//! The charts as HTML: a marker per bucket with data, a grey stripe where there is none, the
//! summary and uptime in words, and names escaped.

use super::*;
use crate::history::buckets::{Sample, bucket};
use crate::history::timeline::VerdictStep;
use leptos::prelude::*;

const NOW: i64 = 1_764_120_000_000 + 30 * 60_000 + 5_000;

fn render(history: History, name: &str) -> String {
    let name = name.to_string();
    view! { <HistoryCharts history id="check-7".to_string() name/> }.to_html()
}

fn runs(range: Range, buckets: &[usize], family: Family, ok_every: usize) -> Vec<Sample> {
    let w = range.window(NOW);
    buckets
        .iter()
        .enumerate()
        .map(|(n, i)| Sample {
            at: w.start + *i as i64 * w.width + 1,
            family,
            ok: n % ok_every != 0 || ok_every == 1,
            latency_ms: Some(10.0 + *i as f64),
        })
        .collect()
}

#[test]
fn every_bucket_with_runs_gets_a_marker_and_missing_data_is_greyed() {
    let mut samples = runs(Range::Hour, &[0, 1, 2, 10, 11], Family::V6, 1);
    samples.extend(runs(Range::Hour, &[0, 1], Family::V4, 1));
    let page = render(bucket(Range::Hour, NOW, &samples, &[]), "2001:db8::1");
    assert_eq!(
        page.matches(r#"class="pt v6""#).count(),
        5 + 1,
        "five markers and the legend's"
    );
    assert_eq!(
        page.matches(r#"class="pt v4""#).count(),
        2 + 1,
        "two markers and the legend's"
    );
    // Two IPv6 segments (0-2 and 10-11), one IPv4: one polyline each.
    assert_eq!(
        page.matches(r#"class="line""#).count(),
        3 + 2,
        "and the legend's two"
    );
    // Buckets 3-9 and 12-59 have no run: a grey stripe in both charts.
    assert_eq!(page.matches(r#"class="nodata""#).count(), 2 * 2, "{page}");
    assert!(page.contains("<title>no data</title>"));
    assert!(page.contains(r#"role="img""#));
    assert!(page.contains(r#"aria-labelledby="check-7-latency-title check-7-latency-desc""#));
    assert!(page.contains("Latency of 2001:db8::1 over the last hour"));
    assert!(
        page.contains("IPv6: median 12.0 ms, 0 % loss, up 100 % of 5 runs"),
        "{page}"
    );
    assert!(page.contains("IPv6 uptime"));
}

#[test]
fn a_check_without_runs_draws_no_line_and_says_so() {
    let page = render(bucket(Range::Day, NOW, &[], &[]), "x");
    assert_eq!(
        page.matches(r#"class="pt v6""#).count(),
        1,
        "only the legend's"
    );
    assert!(
        !page.contains(r#"<polyline class="line" points="#),
        "{page}"
    );
    assert!(page.contains("No runs in this range"));
    assert!(page.contains("IPv6: no runs; IPv4: no runs"));
}

#[test]
fn failed_runs_show_as_loss_bars_with_their_numbers() {
    // Bucket 4: 3 runs, the first failed.
    let samples = runs(Range::Hour, &[4, 4, 4], Family::V6, 3);
    let page = render(bucket(Range::Hour, NOW, &samples, &[]), "nas");
    assert_eq!(page.matches(r#"class="loss v6""#).count(), 1, "{page}");
    assert!(page.contains("33.3 % loss of 3 runs"), "{page}");
    assert!(page.contains("up 66.67 % of 3 runs"));
}

#[test]
fn names_are_escaped_in_titles() {
    let page = render(
        bucket(Range::Hour, NOW, &[], &[]),
        r#"</title><script>alert("x")</script>&"#,
    );
    assert!(!page.contains("<script>"), "{page}");
    assert!(page.contains("&lt;/title&gt;&lt;script&gt;"), "{page}");
}

#[test]
fn the_verdict_timeline_names_each_stretch() {
    let w = Range::Day.window(NOW);
    let timeline = Timeline::build(
        Range::Day,
        NOW,
        Some("ready".into()),
        &[VerdictStep {
            at: w.start + 12 * 3_600_000,
            verdict: "broken".into(),
        }],
    );
    let page = view! { <VerdictTimeline timeline/> }.to_html();
    assert_eq!(page.matches(r#"class="span ready""#).count(), 1, "{page}");
    assert_eq!(page.matches(r#"class="span broken""#).count(), 1);
    assert!(
        page.contains(">ready</text>") && page.contains(">broken</text>"),
        "{page}"
    );
    assert!(page.contains("Over the last 24 hours: broken"), "{page}");
}
