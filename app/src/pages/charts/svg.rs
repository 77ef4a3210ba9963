//! The charts drawn as SVG on the server: latency (mean line, min-max band, a marker per
//! bucket with its numbers in a tooltip) and loss (bars), IPv6 solid with circles and IPv4
//! dashed with squares so the families never rest on colour alone. Colours come from CSS
//! classes, so light and dark themes both read. Each chart has a title and a description
//! (the summary a screen reader speaks), and the numbers are also given as a table.

use super::figures::{count, moment, ms, percent, summary};
use super::geometry::{self, Gap, LATENCY_HEIGHT, LOSS_HEIGHT, Plot, Point, Tick, WIDTH};
use crate::history::buckets::{Bucket, Family, History};
use crate::history::range::Range;
use leptos::prelude::*;

/// A coordinate as an attribute value.
fn n(v: f64) -> String {
    format!("{v:.1}")
}

fn view_box(height: f64) -> String {
    format!("0 0 {WIDTH} {height}")
}

/// "IPv6, Nov 26 14:00–14:15 UTC".
fn bucket_when(history: &History, i: usize) -> String {
    let from = history.bucket_start(i);
    let with_date = history.range != Range::Hour;
    format!(
        "{}–{} UTC",
        moment(from, with_date),
        moment(from + history.window.width, false)
    )
}

fn bucket_title(history: &History, family: Family, i: usize, b: &Bucket) -> String {
    let latency = match b.avg_ms {
        Some(_) => format!(
            "mean {} (min {}, max {})",
            ms(b.avg_ms),
            ms(b.min_ms),
            ms(b.max_ms)
        ),
        None => "no latency".into(),
    };
    format!(
        "{}, {}: {}; {} loss of {} runs",
        family.label(),
        bucket_when(history, i),
        latency,
        percent(b.loss_percent().unwrap_or(0.0), 1),
        count(u64::from(b.runs))
    )
}

/// Horizontal grid lines, drawn under the data.
fn y_grid(plot: Plot, ticks: &[Tick]) -> impl IntoView + use<> {
    ticks
        .iter()
        .map(|t| {
            view! { <line class="grid" x1=n(plot.left) x2=n(plot.right()) y1=n(t.at) y2=n(t.at)/> }
        })
        .collect_view()
}

/// The grid lines' labels inside the plot (so they need no margin), drawn over the data with
/// a halo: above their line, or below it at the very top where there is no room above.
fn y_labels(plot: Plot, ticks: Vec<Tick>) -> impl IntoView {
    ticks
        .into_iter()
        .filter(|t| !t.label.is_empty())
        .map(|t| {
            let (y, baseline) = if t.at - plot.top < 14.0 {
                (t.at + 3.0, "hanging")
            } else {
                (t.at - 3.0, "auto")
            };
            view! {
                <text class="tick y" x=n(plot.left + 3.0) y=n(y) dominant-baseline=baseline>{t.label}</text>
            }
        })
        .collect_view()
}

fn x_axis(plot: Plot, ticks: Vec<Tick>) -> impl IntoView {
    view! {
        <line class="axis" x1=n(plot.left) x2=n(plot.right()) y1=n(plot.bottom()) y2=n(plot.bottom())/>
        {ticks.into_iter().map(|t| view! {
            <line class="axis" x1=n(t.at) x2=n(t.at) y1=n(plot.bottom()) y2=n(plot.bottom() + 4.0)/>
            <text class="tick x" x=n(t.at) y=n(plot.bottom() + 17.0) text-anchor=plot.anchor(t.at)>{t.label}</text>
        }).collect_view()}
    }
}

/// Grey stripes where nothing ran: the lines stop there rather than invent data.
fn gap_view(plot: Plot, gaps: Vec<Gap>) -> impl IntoView {
    gaps.into_iter()
        .map(|(x, width)| {
            view! {
                <rect class="nodata" x=n(x) y=n(plot.top) width=n(width) height=n(plot.height)>
                    <title>"no data"</title>
                </rect>
            }
        })
        .collect_view()
}

fn marker(history: &History, family: Family, p: &Point) -> impl IntoView + use<> {
    let title = history
        .series(family)
        .buckets
        .get(p.bucket)
        .map(|b| bucket_title(history, family, p.bucket, b))
        .unwrap_or_default();
    match family {
        Family::V6 => view! {
            <circle class="pt v6" cx=n(p.x) cy=n(p.y) r="3"><title>{title}</title></circle>
        }
        .into_any(),
        Family::V4 => view! {
            <rect class="pt v4" x=n(p.x - 2.75) y=n(p.y - 2.75) width="5.5" height="5.5"><title>{title}</title></rect>
        }
        .into_any(),
    }
}

/// The latency chart of one check.
fn latency_chart(history: &History, id: &str, name: &str) -> AnyView {
    let layout = geometry::latency(history);
    let plot = layout.plot;
    let (title_id, desc_id) = (format!("{id}-latency-title"), format!("{id}-latency-desc"));
    let labelled = format!("{title_id} {desc_id}");
    let title = format!("Latency of {name} over {}", history.range.words());
    let empty = history.v6.runs == 0 && history.v4.runs == 0;
    let series = layout
        .lines
        .iter()
        .map(|line| {
            let family = line.family;
            let class = format!("series {}", family.as_str());
            let shapes = line
                .segments
                .iter()
                .map(|segment| {
                    let points = geometry::points_attr(segment.iter().map(|p| (p.x, p.y)));
                    let band = geometry::band_attr(segment);
                    let markers = segment
                        .iter()
                        .map(|p| marker(history, family, p))
                        .collect_view();
                    view! {
                        <polygon class="band" points=band/>
                        <polyline class="line" points=points/>
                        {markers}
                    }
                })
                .collect_view();
            view! { <g class=class>{shapes}</g> }
        })
        .collect_view();
    view! {
        <svg class="chart latency-chart" role="img" aria-labelledby=labelled viewBox=view_box(LATENCY_HEIGHT)
            xmlns="http://www.w3.org/2000/svg">
            <title id=title_id>{title}</title>
            <desc id=desc_id>{summary(history)}</desc>
            {gap_view(plot, layout.gaps)}
            {y_grid(plot, &layout.y_ticks)}
            {series}
            {y_labels(plot, layout.y_ticks)}
            {x_axis(plot, layout.x_ticks)}
            {empty.then(|| view! {
                <text class="no-runs" x=n(plot.left + plot.width / 2.0) y=n(plot.top + plot.height / 2.0)
                    text-anchor="middle">"No runs in this range"</text>
            })}
        </svg>
    }
    .into_any()
}

/// The loss chart of one check: a bar per bucket and family with failed runs.
fn loss_chart(history: &History, id: &str, name: &str) -> AnyView {
    let layout = geometry::loss(history);
    let plot = layout.plot;
    let (title_id, desc_id) = (format!("{id}-loss-title"), format!("{id}-loss-desc"));
    let labelled = format!("{title_id} {desc_id}");
    let title = format!("Failed runs of {name} over {}", history.range.words());
    let failing = layout.bars.len();
    let desc = format!(
        "{}. {} with failed runs.",
        summary(history),
        match failing {
            0 => "No bucket".to_string(),
            1 => "1 bucket".to_string(),
            n => format!("{n} buckets"),
        }
    );
    let bars = layout
        .bars
        .iter()
        .map(|bar| {
            let title = history
                .series(bar.family)
                .buckets
                .get(bar.bucket)
                .map(|b| bucket_title(history, bar.family, bar.bucket, b))
                .unwrap_or_default();
            view! {
                <rect class=format!("loss {}", bar.family.as_str()) x=n(bar.x) y=n(bar.y)
                    width=n(bar.width) height=n(bar.height)><title>{title}</title></rect>
            }
        })
        .collect_view();
    view! {
        <svg class="chart loss-chart" role="img" aria-labelledby=labelled viewBox=view_box(LOSS_HEIGHT)
            xmlns="http://www.w3.org/2000/svg">
            <title id=title_id>{title}</title>
            <desc id=desc_id>{desc}</desc>
            {gap_view(plot, layout.gaps)}
            {y_grid(plot, &layout.y_ticks)}
            {bars}
            {y_labels(plot, layout.y_ticks)}
            {x_axis(plot, layout.x_ticks)}
        </svg>
    }
    .into_any()
}

/// A legend entry's sample of the line and marker.
fn swatch(family: Family) -> impl IntoView {
    let marker = match family {
        Family::V6 => view! { <circle class="pt v6" cx="14" cy="6" r="3"/> }.into_any(),
        Family::V4 => {
            view! { <rect class="pt v4" x="11.25" y="3.25" width="5.5" height="5.5"/> }.into_any()
        }
    };
    view! {
        <svg class=format!("swatch series {}", family.as_str()) viewBox="0 0 28 12" aria-hidden="true">
            <line class="line" x1="0" y1="6" x2="28" y2="6"/>
            {marker}
        </svg>
    }
}

/// Uptime per family for the range, as large figures.
fn uptime(history: &History) -> AnyView {
    let rows = Family::ALL
        .iter()
        .map(|f| {
            let s = history.series(*f);
            let (figure, detail) = match s.uptime_percent() {
                Some(up) => (
                    percent(up, 2),
                    format!("{} of {} runs passed", count(s.ok), count(s.runs)),
                ),
                None => ("—".to_string(), "no runs".to_string()),
            };
            view! {
                <div class=format!("uptime-figure {}", f.as_str())>
                    <dt>{format!("{} uptime", f.label())}</dt>
                    <dd><strong>{figure}</strong> <small>{detail}</small></dd>
                </div>
            }
        })
        .collect_view();
    view! { <dl class="uptime">{rows}</dl> }.into_any()
}

/// The numbers behind the charts, for readers who cannot see them.
fn data_table(history: &History) -> AnyView {
    let rows = (0..history.window.count)
        .filter(|i| {
            Family::ALL
                .iter()
                .any(|f| history.series(*f).buckets[*i].has_runs())
        })
        .map(|i| {
            let cells = Family::ALL
                .iter()
                .map(|f| {
                    let b = history.series(*f).buckets[i];
                    let loss = b
                        .loss_percent()
                        .map_or_else(|| "—".to_string(), |l| percent(l, 1));
                    view! { <td>{ms(b.avg_ms)}</td><td>{loss}</td> }
                })
                .collect_view();
            view! { <tr><th scope="row">{bucket_when(history, i)}</th>{cells}</tr> }
        })
        .collect_view();
    view! {
        <details class="chart-data">
            <summary>"The numbers as a table"</summary>
            <table class="list">
                <thead><tr><th scope="col">"Time"</th>
                    <th scope="col">"IPv6 mean"</th><th scope="col">"IPv6 loss"</th>
                    <th scope="col">"IPv4 mean"</th><th scope="col">"IPv4 loss"</th></tr></thead>
                <tbody>{rows}</tbody>
            </table>
        </details>
    }
    .into_any()
}

/// Uptime, latency and loss of one check over one range. `id` makes the element ids unique
/// on the page; `name` says what was probed.
#[component]
pub fn HistoryCharts(history: History, id: String, name: String) -> impl IntoView {
    let source = match history.source {
        crate::history::range::Source::Raw => "every run",
        crate::history::range::Source::Rollups => "hourly summaries, the last hours from every run",
    };
    let note = format!(
        "{} buckets of {} min, from {source}; times in UTC.",
        history.window.count,
        history.window.width / 60_000
    );
    view! {
        <div class="history">
            {uptime(&history)}
            <figure class="chart-figure">
                {latency_chart(&history, &id, &name)}
                <figcaption>
                    <ul class="legend">
                        <li>{swatch(Family::V6)} "IPv6: solid line, circles"</li>
                        <li>{swatch(Family::V4)} "IPv4: dashed line, squares"</li>
                        <li><span class="band-sample" aria-hidden="true"></span> "band: slowest to fastest run"</li>
                        <li><span class="nodata-sample" aria-hidden="true"></span> "grey stripe: no data"</li>
                    </ul>
                </figcaption>
            </figure>
            <figure class="chart-figure">
                {loss_chart(&history, &id, &name)}
                <figcaption class="legend-note">"Failed runs per bucket: IPv6 left bar, IPv4 right bar (outlined)."</figcaption>
            </figure>
            <p class="chart-note">{note}</p>
            {data_table(&history)}
        </div>
    }
    .into_any()
}
