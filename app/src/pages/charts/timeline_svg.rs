//! A service's IPv6-only verdict over the chosen range as one SVG band: a coloured stretch
//! per verdict, named in words inside when it is wide enough and always in its tooltip.

use super::figures::{moment, percent};
use super::geometry::{Plot, WIDTH, x_ticks};
use crate::history::range::Range;
use crate::history::timeline::Timeline;
use leptos::prelude::*;

const HEIGHT: f64 = 62.0;
/// Stretches narrower than this carry no label, only their tooltip.
const LABEL_MIN_WIDTH: f64 = 56.0;

fn n(v: f64) -> String {
    format!("{v:.1}")
}

fn word(verdict: Option<&str>) -> &'static str {
    match verdict {
        Some("ready") => "ready",
        Some("partial") => "partial",
        Some("broken") => "broken",
        _ => "not judged",
    }
}

/// "ready 92 % of the time, partial 8 %", or that there was no verdict.
pub fn describe(timeline: &Timeline) -> String {
    let shares = timeline.shares();
    if shares.is_empty() {
        return format!("No verdict in {}.", timeline.range.words());
    }
    let parts: Vec<String> = shares
        .iter()
        .map(|(v, share)| format!("{v} {}", percent(*share, 1)))
        .collect();
    format!(
        "Over {}: {} of the time.",
        timeline.range.words(),
        parts.join(", ")
    )
}

#[component]
pub fn VerdictTimeline(timeline: Timeline) -> impl IntoView {
    let plot = Plot::new(HEIGHT);
    let window = timeline.window;
    let with_date = timeline.range != Range::Hour;
    let spans = timeline
        .spans
        .iter()
        .map(|s| {
            let x = plot.x_of(&window, s.from);
            let width = (plot.x_of(&window, s.to) - x).max(0.5);
            let what = word(s.verdict.as_deref());
            let title = format!(
                "{what}, {} to {} UTC",
                moment(s.from, with_date),
                moment(s.to, with_date)
            );
            let kind = s.verdict.as_deref().unwrap_or("unjudged");
            let class = format!("span {kind}");
            let label_class = format!("span-label {kind}");
            let label = (width >= LABEL_MIN_WIDTH).then(|| {
                view! {
                    <text class=label_class x=n(x + width / 2.0) y=n(plot.top + plot.height / 2.0 + 4.0)
                        text-anchor="middle">{what}</text>
                }
            });
            view! {
                <rect class=class x=n(x) y=n(plot.top) width=n(width) height=n(plot.height)>
                    <title>{title}</title>
                </rect>
                {label}
            }
        })
        .collect_view();
    let ticks = x_ticks(&plot, timeline.range, &window)
        .into_iter()
        .map(|t| {
            view! {
                <line class="axis" x1=n(t.at) x2=n(t.at) y1=n(plot.bottom()) y2=n(plot.bottom() + 4.0)/>
                <text class="tick x" x=n(t.at) y=n(plot.bottom() + 17.0) text-anchor=plot.anchor(t.at)>{t.label}</text>
            }
        })
        .collect_view();
    let title = format!("IPv6-only verdict over {}", timeline.range.words());
    let desc = describe(&timeline);
    view! {
        <figure class="chart-figure">
            <svg class="chart timeline" role="img" aria-labelledby="verdict-timeline-title verdict-timeline-desc"
                viewBox=format!("0 0 {WIDTH} {HEIGHT}") xmlns="http://www.w3.org/2000/svg">
                <title id="verdict-timeline-title">{title}</title>
                <desc id="verdict-timeline-desc">{desc.clone()}</desc>
                {spans}
                {ticks}
            </svg>
            <figcaption class="legend-note">{desc}</figcaption>
        </figure>
    }
    .into_any()
}
