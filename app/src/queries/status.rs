//! The monitor's own health: the self-test of this machine's IPv6, which says whether the
//! results can be trusted.

use leptos::prelude::*;
use serde::{Deserialize, Serialize};

/// The newest self-test, as the banner shows it.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
pub struct SelfTestStatus {
    /// When it ran, `YYYY-MM-DDTHH:MM:SSZ`.
    pub at: String,
    pub global_ipv6: bool,
    pub default_route_v6: bool,
    pub icmp_socket: bool,
    pub resolver_answers: bool,
    /// What is wrong, with what it means and what to do; empty when all is well.
    pub problems: Vec<SelfTestProblem>,
}

#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
pub struct SelfTestProblem {
    /// What was found: "no global IPv6 address: only ::1 (loopback)".
    pub found: String,
    /// What it means for the results and what to do.
    pub advice: String,
}

/// The banner's content: the self-test, and whether this session has read it already (then
/// it stays folded).
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
pub struct SelfTestBanner {
    pub status: SelfTestStatus,
    pub seen: bool,
}

impl SelfTestStatus {
    pub fn passed(&self) -> bool {
        self.problems.is_empty()
    }
}

/// Where the server keeps the newest self-test; put in the Leptos context at start-up.
#[cfg(feature = "ssr")]
#[derive(Clone, Debug, Default)]
pub struct StatusBoard(std::sync::Arc<std::sync::RwLock<Option<SelfTestStatus>>>);

#[cfg(feature = "ssr")]
impl StatusBoard {
    pub fn set(&self, status: SelfTestStatus) {
        if let Ok(mut slot) = self.0.write() {
            *slot = Some(status);
        }
    }

    pub fn get(&self) -> Option<SelfTestStatus> {
        self.0.read().ok().and_then(|slot| slot.clone())
    }
}

/// Session key of the self-test (its `at`) this session was shown unfolded.
#[cfg(feature = "ssr")]
const SEEN_KEY: &str = "self_test_seen";

/// The newest self-test when it failed, or `None` (passed, none run yet, no scheduler). The
/// first view of a failed test in a session unfolds it; later views keep it folded.
#[server]
pub async fn load_self_test() -> Result<Option<SelfTestBanner>, ServerFnError> {
    let Some(status) = use_context::<StatusBoard>()
        .and_then(|board| board.get())
        .filter(|s| !s.passed())
    else {
        return Ok(None);
    };
    let session: tower_sessions::Session = leptos_axum::extract().await?;
    let seen = session
        .get::<String>(SEEN_KEY)
        .await
        .ok()
        .flatten()
        .as_deref()
        == Some(status.at.as_str());
    if !seen {
        let _ = session.insert(SEEN_KEY, status.at.clone()).await;
    }
    Ok(Some(SelfTestBanner { status, seen }))
}

/// Whether the newest self-test failed, so this machine's own IPv6 may explain failures.
#[cfg(feature = "ssr")]
pub fn monitor_suspect() -> bool {
    use_context::<StatusBoard>()
        .and_then(|board| board.get())
        .is_some_and(|s| !s.passed())
}

/// A sentence saying the database cannot be written (so signing in cannot work), or `None`
/// when a test write went through.
#[server]
pub async fn database_write_problem() -> Result<Option<String>, ServerFnError> {
    let pool: sqlx::SqlitePool = expect_context();
    Ok(match store::write_check(&pool).await {
        Ok(()) => None,
        Err(err) => {
            tracing::error!(error = %err, "the database cannot be written");
            let cause = match store::unwritable_reason(&err) {
                Some(reason) => format!("{reason}: {err}"),
                None => err.to_string(),
            };
            Some(format!(
                "The database cannot be written ({cause}): signing in will not work until it can. See the server log."
            ))
        }
    })
}
