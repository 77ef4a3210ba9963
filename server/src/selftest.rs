//! The monitor's own health: the probe stage's self-test at start and every ten minutes,
//! kept where the pages read it.

use crate::scheduler::live_prober::LiveProber;
use app::queries::status::{SelfTestProblem, SelfTestStatus, StatusBoard};
use probes::Prober;
use std::time::Duration;
use tokio_util::sync::CancellationToken;

/// How often the self-test runs again.
pub const EVERY: Duration = Duration::from_secs(600);

/// One run: test this machine and put the answer on the board.
pub async fn step(prober: &Prober, board: &StatusBoard) -> SelfTestStatus {
    let found = probes::selftest::run(prober).await;
    let status = SelfTestStatus {
        at: now_text(),
        global_ipv6: found.global_ipv6,
        default_route_v6: found.default_route_v6,
        icmp_socket: found.icmp_socket,
        resolver_answers: found.resolver_answers,
        problems: found
            .problems
            .into_iter()
            .map(|p| SelfTestProblem {
                found: p.found,
                advice: p.advice,
            })
            .collect(),
    };
    if status.passed() {
        tracing::info!("self-test passed");
    } else {
        tracing::warn!(problems = ?status.problems, "self-test found problems: results cannot be trusted");
    }
    board.set(status.clone());
    status
}

pub async fn run(
    prober: std::sync::Arc<LiveProber>,
    board: StatusBoard,
    cancel: CancellationToken,
) {
    let mut tick = tokio::time::interval(EVERY);
    tick.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
    loop {
        tokio::select! {
            () = cancel.cancelled() => return,
            _ = tick.tick() => {}
        }
        step(&prober.get(), &board).await;
    }
}

fn now_text() -> String {
    chrono::Utc::now().format("%Y-%m-%dT%H:%M:%SZ").to_string()
}
