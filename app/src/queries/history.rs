//! History over a range, as the detail pages chart it: a check's runs bucketed per family,
//! and a service's verdict timeline.

use crate::history::{History, Timeline};
use leptos::prelude::*;

#[cfg(feature = "ssr")]
use crate::history::Range;

/// At most this many verdict changes are drawn on one timeline.
pub const TIMELINE_CHANGES: i64 = 2_000;

#[cfg(feature = "ssr")]
fn now_ms() -> i64 {
    chrono::Utc::now().timestamp_millis()
}

/// A check's history over `range` at `now`: raw results up to a day, older hours from the
/// rollups (the window's reads never overlap, so no run counts twice).
#[cfg(feature = "ssr")]
pub(crate) async fn read_history(
    pool: &sqlx::SqlitePool,
    check_id: i64,
    range: Range,
    now: i64,
) -> store::Result<History> {
    use crate::history::buckets::bucket;
    let reads = range.window(now).reads(range.source(), now);
    let runs = store::results::runs_between(pool, check_id, reads.raw.0, reads.raw.1).await?;
    let rollups = match reads.rollups {
        Some((from, to)) => store::results::rollups_between(pool, check_id, from, to).await?,
        None => Vec::new(),
    };
    Ok(bucket(range, now, &runs, &rollups))
}

/// One check's history over `range` (`1h`, `24h`, `7d`, `30d`; anything else is 24 hours).
#[server]
pub async fn load_history(check_id: i64, range: String) -> Result<History, ServerFnError> {
    use super::context::{pool, store_error};
    let pool = pool()?;
    read_history(&pool, check_id, Range::parse(Some(&range)), now_ms())
        .await
        .map_err(store_error)
}

/// A service's IPv6-only verdict over `range`.
#[server]
pub async fn load_verdict_timeline(
    service_id: i64,
    range: String,
) -> Result<Timeline, ServerFnError> {
    use super::context::{pool, store_error};
    use crate::history::timeline::VerdictStep;
    let pool = pool()?;
    let (range, now) = (Range::parse(Some(&range)), now_ms());
    let window = range.window(now);
    let before = store::verdicts::verdict_before(&pool, service_id, window.start)
        .await
        .map_err(store_error)?;
    let changes: Vec<VerdictStep> = store::verdicts::verdicts_between(
        &pool,
        service_id,
        window.start,
        window.end(),
        TIMELINE_CHANGES,
    )
    .await
    .map_err(store_error)?
    .into_iter()
    .map(|(at, verdict)| VerdictStep { at, verdict })
    .collect();
    Ok(Timeline::build(range, now, before, &changes))
}
