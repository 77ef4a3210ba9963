//! The verdict with the browser judge beside the static one: both look at the page at once,
//! then the browser's findings are folded in. Without a browser the static verdict stands
//! and says why.

use std::sync::Arc;

use probes::Prober;
use url::Url;

use super::chromium::Chromium;
use super::merge::merge;
use super::visit::VisitLimits;
use crate::extract::Limits;
use crate::{ServiceVerdict, Verdict, judge_url};

/// Whether verdicts use a real browser.
pub enum BrowserJudge<'a> {
    On(&'a Chromium, VisitLimits),
    /// Not used, and why (shown with the verdict).
    Off(String),
}

/// Why there is no browser judge when Chromium cannot be found.
pub const NOT_INSTALLED: &str = "Chromium is not installed, so this verdict comes from the page's \
     HTML and CSS only: what scripts load (fetch, inserted scripts, module imports, WebSockets, \
     frames' own requests) is not seen. Install Debian's chromium package, or set \
     V6WATCH_CHROMIUM to a Chromium binary.";

/// Why there is no browser judge when it is turned off (`by`: the flag or the page that did).
pub fn turned_off(by: &str) -> String {
    format!(
        "The browser judge is turned off ({by}), so this verdict comes from the page's HTML and \
         CSS only: what scripts load (fetch, inserted scripts, module imports, WebSockets, \
         frames' own requests) is not seen."
    )
}

/// Judges `url` with the static judge and, when on, a real browser through an IPv6-only
/// proxy. Never fails: a browser that cannot be used leaves the static verdict, with a note.
pub async fn judge_with_browser(
    prober: Arc<Prober>,
    browser: BrowserJudge<'_>,
    url: &Url,
    declared: &[String],
    limits: &Limits,
) -> ServiceVerdict {
    let (chromium, visit_limits) = match browser {
        BrowserJudge::Off(why) => {
            let mut judged = judge_url(&prober, url, declared, limits).await;
            judged.browser_note = Some(why);
            return judged;
        }
        BrowserJudge::On(chromium, visit_limits) => (chromium, visit_limits),
    };
    let (mut judged, visit) = tokio::join!(
        judge_url(&prober, url, declared, limits),
        chromium.visit(prober.clone(), url, visit_limits)
    );
    if judged.verdict == Verdict::Broken {
        // The service itself fails over IPv6: what its page would load does not matter.
        return judged;
    }
    match visit {
        Ok(visit) => merge(judged, &visit),
        Err(err) => {
            judged.browser_note = Some(format!(
                "The browser judge failed ({err}), so this verdict comes from the page's HTML \
                 and CSS only."
            ));
            judged
        }
    }
}
