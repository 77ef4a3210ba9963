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
    /// One readable sentence per problem; empty when all is well.
    pub problems: Vec<String>,
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

/// The newest self-test, or `None` while none has run (or no scheduler runs).
#[server]
pub async fn load_self_test() -> Result<Option<SelfTestStatus>, ServerFnError> {
    Ok(use_context::<StatusBoard>().and_then(|board| board.get()))
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
