//! Tunnel health from a tunnel's own checks (see `checks::tunnel_specs`): the newest result
//! of the echo to its outer remote endpoint, of the echo to its remote IPv6 address, and of
//! the path MTU probe through it, judged by `model::inventory::tunnel_health`.

use super::Result;
use model::inventory::tunnel_health::{TunnelReadings, TunnelState, judge};
use probes::Outcome;
use sqlx::SqlitePool;
use std::collections::BTreeMap;

/// One tunnel check's newest result.
#[derive(sqlx::FromRow)]
struct Latest {
    tunnel_id: i64,
    remote_v6: Option<String>,
    kind: String,
    address: Option<String>,
    ok: bool,
    reason: String,
    detail: String,
}

/// Every tunnel's state, by id; a tunnel whose checks have not run is `unknown`.
pub async fn states(pool: &SqlitePool) -> Result<BTreeMap<i64, TunnelState>> {
    let rows: Vec<Latest> = sqlx::query_as(
        "SELECT t.id AS tunnel_id, t.remote_v6, c.kind,
                json_extract(c.spec, '$.address') AS address, r.ok, r.reason, r.detail
           FROM tunnels t
           JOIN checks c ON c.subject_kind = 'tunnel' AND c.subject_id = t.id AND c.enabled = 1
           JOIN latest_results l ON l.check_id = c.id
           JOIN results r ON r.id = l.result_id",
    )
    .fetch_all(pool)
    .await?;
    let ids: Vec<(i64, Option<i64>)> = sqlx::query_as("SELECT id, mtu FROM tunnels")
        .fetch_all(pool)
        .await?;
    let mut readings: BTreeMap<i64, TunnelReadings> = ids
        .iter()
        .map(|(id, _)| (*id, TunnelReadings::default()))
        .collect();
    for row in &rows {
        let Some(r) = readings.get_mut(&row.tunnel_id) else {
            continue;
        };
        // A target the settings deny, or a probe without its socket, measured nothing.
        if matches!(row.reason.as_str(), "denied" | "socket_error") {
            continue;
        }
        let outcome = serde_json::from_str::<Vec<Outcome>>(&row.detail)
            .ok()
            .and_then(|o| o.into_iter().next());
        let far = row.address.is_some() && row.address == row.remote_v6;
        match row.kind.as_str() {
            "pmtu" => {
                r.path_mtu = outcome.as_ref().and_then(|o| o.path_mtu);
                r.pmtu_blackhole = row.reason == "pmtu_blackhole";
            }
            "icmp" if far => {
                r.v6_answers = Some(row.ok);
                r.v6_loss = outcome.and_then(|o| o.loss);
            }
            "icmp" => r.endpoint_answers = Some(row.ok),
            _ => {}
        }
    }
    let mtus: BTreeMap<i64, Option<u16>> = ids
        .into_iter()
        .map(|(id, mtu)| (id, mtu.and_then(|m| u16::try_from(m).ok())))
        .collect();
    Ok(readings
        .into_iter()
        .map(|(id, readings)| {
            let mtu = mtus.get(&id).copied().flatten();
            (
                id,
                TunnelState {
                    health: judge(&readings, mtu),
                    readings,
                },
            )
        })
        .collect())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::checks;
    use crate::results::{NewResult, insert_batch};
    use crate::test_pool;
    use model::inventory::tunnel_health::TunnelHealth;

    async fn tunnel(pool: &SqlitePool, endpoint: &str, remote_v6: &str, mtu: i64) -> i64 {
        sqlx::query_scalar(
            "INSERT INTO tunnels (name, kind, remote_endpoint, remote_v6, mtu)
             VALUES ('he', '6in4', ?, ?, ?) RETURNING id",
        )
        .bind(endpoint)
        .bind(remote_v6)
        .bind(mtu)
        .fetch_one(pool)
        .await
        .unwrap()
    }

    fn result(check_id: i64, family: &'static str, reason: &str, detail: &str) -> NewResult {
        NewResult {
            check_id,
            at: 1_000,
            family,
            address: None,
            reason: reason.into(),
            ok: reason == "ok",
            latency_ms: None,
            lateness_ms: None,
            detail: detail.into(),
        }
    }

    /// The tunnel's check ids by kind: (outer echo, far echo, path MTU).
    async fn own_checks(pool: &SqlitePool, id: i64) -> (i64, i64, i64) {
        let list = checks::of_subject(pool, "tunnel", id).await.unwrap();
        let find = |kind: &str, v4: bool| {
            list.iter()
                .find(|c| c.kind == kind && c.spec.contains('.') == v4)
                .map(|c| c.id)
                .unwrap()
        };
        (find("icmp", true), find("icmp", false), find("pmtu", false))
    }

    #[tokio::test]
    async fn a_tunnel_gets_its_own_checks_and_their_newest_results_judge_it() {
        let (pool, _dir) = test_pool().await;
        let id = tunnel(&pool, "198.51.100.41", "2001:db8:41::2", 1480).await;
        checks::sync_from_inventory(&pool).await.unwrap();
        let (outer, far, pmtu) = own_checks(&pool, id).await;
        assert_eq!(
            states(&pool).await.unwrap()[&id].health,
            TunnelHealth::Unknown
        );

        // (outer echo, far echo, path MTU outcome) → health
        let mtu = |mtu: u16, reason: &str| {
            format!(
                r#"[{{"probe":"pmtu","family":"v6","address":"2001:db8:41::2","reason":"{reason}","latency_ms":null,"detail":"","path_mtu":{mtu}}}]"#
            )
        };
        let cases: [(&str, &str, String, TunnelHealth); 5] = [
            ("ok", "ok", mtu(1480, "ok"), TunnelHealth::Up),
            ("ok", "ok", mtu(1280, "ok"), TunnelHealth::Degraded),
            (
                "ok",
                "ok",
                mtu(1420, "pmtu_blackhole"),
                TunnelHealth::Degraded,
            ),
            ("ok", "timeout", mtu(1480, "ok"), TunnelHealth::Down),
            (
                "timeout",
                "timeout",
                mtu(1480, "ok"),
                TunnelHealth::EndpointDown,
            ),
        ];
        for (i, (outer_reason, far_reason, pmtu_detail, want)) in cases.into_iter().enumerate() {
            let at = 2_000 + i as i64;
            let mut batch = vec![
                result(outer, "v4", outer_reason, "[]"),
                result(far, "v6", far_reason, "[]"),
                result(
                    pmtu,
                    "v6",
                    if pmtu_detail.contains("blackhole") {
                        "pmtu_blackhole"
                    } else {
                        "ok"
                    },
                    &pmtu_detail,
                ),
            ];
            for r in &mut batch {
                r.at = at;
            }
            insert_batch(&pool, &batch).await.unwrap();
            let state = states(&pool).await.unwrap()[&id];
            assert_eq!(state.health, want, "case {i}: {state:?}");
        }
        let state = states(&pool).await.unwrap()[&id];
        assert_eq!(state.readings.path_mtu, Some(1480));
        assert_eq!(state.readings.endpoint_answers, Some(false));

        // A denied endpoint is no reading: the far end's answer alone judges the tunnel.
        let mut batch = vec![
            result(outer, "v4", "denied", "[]"),
            result(far, "v6", "ok", "[]"),
        ];
        for r in &mut batch {
            r.at = 9_000;
        }
        insert_batch(&pool, &batch).await.unwrap();
        let state = states(&pool).await.unwrap()[&id];
        assert_eq!(state.readings.endpoint_answers, None, "{state:?}");
        assert_eq!(state.health, TunnelHealth::Up);

        // The tunnel deleted: its checks go with it.
        crate::tunnels::delete(&pool, id).await.unwrap();
        assert!(
            checks::of_subject(&pool, "tunnel", id)
                .await
                .unwrap()
                .is_empty()
        );
    }

    #[tokio::test]
    async fn the_upgrade_that_lets_tunnels_own_checks_keeps_every_result() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("v6watch.db");
        let before = crate::migrated_before(&path, 18).await;
        let host: i64 = sqlx::query_scalar("INSERT INTO hosts (name) VALUES ('pi') RETURNING id")
            .fetch_one(&before)
            .await
            .unwrap();
        let check: i64 = sqlx::query_scalar(
            "INSERT INTO checks (subject_kind, subject_id, kind, spec, interval_secs)
             VALUES ('host', ?, 'icmp', '{\"kind\":\"icmp\",\"address\":\"2001:db8::1\"}', 30)
             RETURNING id",
        )
        .bind(host)
        .fetch_one(&before)
        .await
        .unwrap();
        insert_batch(&before, &[result(check, "v6", "ok", "[]")])
            .await
            .unwrap();
        sqlx::query("INSERT INTO check_alert_thresholds (check_id, fail_after, recover_after) VALUES (?, 3, 1)")
            .bind(check)
            .execute(&before)
            .await
            .unwrap();
        // Before the upgrade a tunnel cannot own a check.
        let refused = sqlx::query(
            "INSERT INTO checks (subject_kind, subject_id, kind, spec) VALUES ('tunnel', 1, 'pmtu', '{}')",
        )
        .execute(&before)
        .await;
        assert!(refused.is_err());
        before.close().await;

        let pool = crate::open(&path).await.unwrap();
        let kept: (i64, i64, i64, i64) = sqlx::query_as(
            "SELECT (SELECT interval_secs FROM checks WHERE id = ?1),
                    (SELECT COUNT(*) FROM results WHERE check_id = ?1),
                    (SELECT COUNT(*) FROM latest_results WHERE check_id = ?1),
                    (SELECT COUNT(*) FROM check_alert_thresholds WHERE check_id = ?1)",
        )
        .bind(check)
        .fetch_one(&pool)
        .await
        .unwrap();
        assert_eq!(kept, (30, 1, 1, 1));
        sqlx::query(
            "INSERT INTO checks (subject_kind, subject_id, kind, spec) VALUES ('tunnel', 1, 'pmtu', '{}')",
        )
        .execute(&pool)
        .await
        .unwrap();
        // Foreign keys are on again for the pool: deleting the check takes its results.
        sqlx::query("DELETE FROM checks WHERE id = ?")
            .bind(check)
            .execute(&pool)
            .await
            .unwrap();
        let left: i64 = sqlx::query_scalar("SELECT COUNT(*) FROM results")
            .fetch_one(&pool)
            .await
            .unwrap();
        assert_eq!(left, 0);
    }
}
