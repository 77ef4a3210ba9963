//! Alert channels and their delivery logs, as the channel pages show them.

use leptos::prelude::*;
use model::channels::{Channel, DeliveryEntry, TestOutcome};
use serde::{Deserialize, Serialize};

#[cfg(feature = "ssr")]
use {
    super::context::{pool, store_error},
    model::channels::delivery::TEST_OUTCOME_KEY,
    store,
};

/// How many deliveries a channel page lists.
pub const LOG_LENGTH: i64 = 50;

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct ChannelDetail {
    pub channel: Channel,
    pub deliveries: Vec<DeliveryEntry>,
}

#[server]
pub async fn list_channels() -> Result<Vec<Channel>, ServerFnError> {
    store::channels::list(&pool()?).await.map_err(store_error)
}

#[server]
pub async fn load_channel(id: i64) -> Result<ChannelDetail, ServerFnError> {
    let pool = pool()?;
    Ok(ChannelDetail {
        channel: store::channels::get(&pool, id).await.map_err(store_error)?,
        deliveries: store::deliveries::log(&pool, id, LOG_LENGTH)
            .await
            .map_err(store_error)?,
    })
}

/// Takes the outcome of a just-sent test alert to this channel out of the session.
#[server]
pub async fn take_test_outcome(channel_id: i64) -> Result<Option<TestOutcome>, ServerFnError> {
    let session: tower_sessions::Session = leptos_axum::extract().await?;
    let outcome: Option<TestOutcome> = session.get(TEST_OUTCOME_KEY).await.ok().flatten();
    match outcome {
        Some(outcome) if outcome.channel_id == channel_id => {
            let _ = session.remove::<TestOutcome>(TEST_OUTCOME_KEY).await;
            Ok(Some(outcome))
        }
        _ => Ok(None),
    }
}
