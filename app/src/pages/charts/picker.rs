//! The range links above a page's charts: plain links with `?range=`, so they work without
//! JavaScript; the current range is marked for screen readers too.

use crate::history::range::Range;
use leptos::prelude::*;
use leptos_router::hooks::use_query_map;

/// The range the page's `?range=` names (24 hours when missing or unknown).
pub fn range_param() -> Memo<Range> {
    let query = use_query_map();
    Memo::new(move |_| Range::parse(query.read().get("range").as_deref()))
}

/// The range a page's charts cover, as resources need it: `?range=` when the address names
/// one, else the page's default, which may wait for the subject to load (a service added
/// today shows its first hour). Resources take [`ChartRange::chosen`] as part of their
/// source and [`ChartRange::resolve`] it in their fetcher.
#[derive(Clone, Copy)]
pub struct ChartRange {
    chosen: Memo<Option<Range>>,
    default: Option<Resource<Range>>,
}

impl ChartRange {
    /// `?range=`, or 24 hours.
    pub fn from_query() -> Self {
        Self {
            chosen: chosen_param(),
            default: None,
        }
    }

    /// `?range=`, or what `default` resolves to.
    pub fn from_query_or(default: Resource<Range>) -> Self {
        Self {
            chosen: chosen_param(),
            default: Some(default),
        }
    }

    /// The range the address names, if any (tracked).
    pub fn chosen(self) -> Option<Range> {
        self.chosen.get()
    }

    /// The range to load for `chosen`.
    pub async fn resolve(self, chosen: Option<Range>) -> Range {
        match (chosen, self.default) {
            (Some(range), _) => range,
            (None, Some(default)) => default.await,
            (None, None) => Range::default(),
        }
    }

    /// The range to show, for views rendered once the page's data is in: `?range=` or
    /// `fallback` (the default that data implies).
    pub fn shown_or(self, fallback: Range) -> Memo<Range> {
        let chosen = self.chosen;
        Memo::new(move |_| chosen.get().unwrap_or(fallback))
    }
}

fn chosen_param() -> Memo<Option<Range>> {
    let query = use_query_map();
    Memo::new(move |_| {
        query
            .read()
            .get("range")
            .map(|text| Range::parse(Some(&text)))
    })
}

/// Links to the same page (`path`) over each range.
#[component]
pub fn RangePicker(path: String, range: Memo<Range>) -> impl IntoView {
    view! {
        <nav class="ranges" aria-label="Chart range">
            <span class="ranges-label">"History over"</span>
            {Range::ALL.into_iter().map(|r| {
                let href = format!("{path}?range={}", r.code());
                let current = move || (range.get() == r).then_some("page");
                view! { <a href=href aria-current=current>{r.short()}</a> }
            }).collect_view()}
        </nav>
    }
}
