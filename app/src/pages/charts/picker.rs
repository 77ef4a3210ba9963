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

/// The range of `?range=`, or `fallback` when the address names none.
pub fn range_param_or(fallback: Range) -> Memo<Range> {
    let query = use_query_map();
    Memo::new(move |_| match query.read().get("range") {
        Some(text) => Range::parse(Some(&text)),
        None => fallback,
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
