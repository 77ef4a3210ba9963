//! The settings table: one row per setting changed on the settings page.

use super::{Result, split_lines};
use model::settings::ProbeSettings;
use sqlx::SqlitePool;

const RESOLVERS: &str = "probe.resolvers";
const NAT64: &str = "probe.nat64_prefixes";
const BROWSER_JUDGE: &str = "verdict.browser_judge";

pub async fn probe_settings(pool: &SqlitePool) -> Result<ProbeSettings> {
    let rows: Vec<(String, String)> = sqlx::query_as("SELECT key, value FROM settings")
        .fetch_all(pool)
        .await?;
    let read = |key: &str| {
        rows.iter()
            .find(|(k, _)| k == key)
            .map(|(_, v)| split_lines(v))
            .unwrap_or_default()
    };
    // A value this version does not know reads as "as started", never as an error.
    let browser_judge = rows
        .iter()
        .find(|(k, _)| k == BROWSER_JUDGE)
        .and_then(|(_, v)| match v.as_str() {
            "on" => Some(true),
            "off" => Some(false),
            _ => None,
        });
    Ok(ProbeSettings {
        resolvers: read(RESOLVERS),
        nat64_prefixes: read(NAT64),
        browser_judge,
    })
}

/// Stores both lists at once; an empty list removes its row, so the flag applies again.
pub async fn save_probe_settings(pool: &SqlitePool, settings: &ProbeSettings) -> Result<()> {
    let mut tx = super::write_tx(pool).await?;
    let switch = model::settings::switch_value(settings.browser_judge);
    for (key, value) in [
        (RESOLVERS, settings.resolvers.join("\n")),
        (NAT64, settings.nat64_prefixes.join("\n")),
        (BROWSER_JUDGE, switch.to_string()),
    ] {
        if value.is_empty() {
            sqlx::query("DELETE FROM settings WHERE key = ?")
                .bind(key)
                .execute(&mut *tx)
                .await?;
        } else {
            sqlx::query(
                "INSERT INTO settings (key, value) VALUES (?, ?)
                 ON CONFLICT (key) DO UPDATE SET value = excluded.value,
                     updated_at = strftime('%Y-%m-%dT%H:%M:%SZ', 'now')",
            )
            .bind(key)
            .bind(value)
            .execute(&mut *tx)
            .await?;
        }
    }
    tx.commit().await?;
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::test_pool;

    #[tokio::test]
    async fn settings_round_trip_and_emptied_lists_fall_back() {
        let (pool, _dir) = test_pool().await;
        assert_eq!(
            probe_settings(&pool).await.unwrap(),
            ProbeSettings::default()
        );
        let set = ProbeSettings {
            resolvers: vec!["[2001:db8::53]:53".into(), "192.0.2.53:53".into()],
            nat64_prefixes: vec!["2001:db8:64::/96".into()],
            browser_judge: Some(false),
        };
        save_probe_settings(&pool, &set).await.unwrap();
        assert_eq!(probe_settings(&pool).await.unwrap(), set);
        let fewer = ProbeSettings {
            resolvers: Vec::new(),
            ..set
        };
        save_probe_settings(&pool, &fewer).await.unwrap();
        assert_eq!(probe_settings(&pool).await.unwrap(), fewer);
        let as_started = ProbeSettings {
            browser_judge: None,
            ..fewer
        };
        save_probe_settings(&pool, &as_started).await.unwrap();
        assert_eq!(probe_settings(&pool).await.unwrap(), as_started);
    }
}
