//! Verdict stage, one-shot check: the readable report `v6watch check` prints without `--json`.

use std::fmt::Write as _;

use probes::Family;

use super::CheckReport;
use crate::{DepVerdict, Verdict};

const GREEN: &str = "\u{1b}[32m";
const YELLOW: &str = "\u{1b}[33m";
const RED: &str = "\u{1b}[31m";
const RESET: &str = "\u{1b}[0m";

/// Control characters from the network never reach the terminal.
fn one_line(text: &str) -> String {
    text.chars()
        .map(|c| if c.is_control() { ' ' } else { c })
        .collect()
}

fn paint(text: &str, colour: &str, enabled: bool) -> String {
    if enabled {
        format!("{colour}{text}{RESET}")
    } else {
        text.to_string()
    }
}

impl CheckReport {
    /// The service line, then one line per dependency host with a marker: `6` (works over
    /// IPv6), `6*` (only through NAT64) or `4` (does not work over IPv6) and the reason, then
    /// the probe results. `colour` adds ANSI colours (green, yellow, red) to the markers.
    pub fn render_text(&self, colour: bool) -> String {
        let mut out = String::new();
        let broken = self
            .dependencies
            .iter()
            .filter(|d| d.verdict == DepVerdict::Broken)
            .count();
        let headline = match (self.verdict, self.reason) {
            (Verdict::Ready, _) if self.dependencies.is_empty() => {
                "ready: works over IPv6".to_string()
            }
            (Verdict::Ready, _) => format!(
                "ready: works over IPv6, and so do all {} dependency hosts",
                self.dependencies.len()
            ),
            (Verdict::Partial, _) => format!(
                "partial: works over IPv6, but {broken} of {} dependency hosts do not",
                self.dependencies.len()
            ),
            (Verdict::Broken, Some(reason)) => format!("broken over IPv6: {reason}"),
            (Verdict::Broken, None) => "broken over IPv6".to_string(),
        };
        let _ = writeln!(out, "{}: {headline}", one_line(&self.target));
        if self.nat64 {
            let _ = writeln!(out, "nat64: the service answers only through NAT64");
        }
        if self.degraded {
            let _ = writeln!(out, "degraded: works over IPv4 but not over IPv6");
        }
        if let Some(mtu) = self.path_mtu {
            let hole = if self.pmtu_blackhole {
                " (pmtu_blackhole: larger packets vanish without a Packet Too Big)"
            } else {
                ""
            };
            let _ = writeln!(out, "path MTU: {mtu}{hole}");
        }
        if self.truncated {
            let _ = writeln!(out, "truncated: some dependencies were not checked (caps)");
        }
        if self.judged_by.iter().any(|j| j == "browser") {
            let _ = writeln!(
                out,
                "judged by: the page's HTML and CSS, and Chromium through an IPv6-only proxy"
            );
        }
        if let Some(note) = &self.browser_note {
            let _ = writeln!(out, "static only: {}", one_line(note));
        }
        if !self.dependencies.is_empty() {
            let _ = writeln!(out, "dependencies:");
        }
        for dep in &self.dependencies {
            let (mark, ansi) = match dep.verdict {
                DepVerdict::Ready => ("6 ", GREEN),
                DepVerdict::Nat64 => ("6*", YELLOW),
                DepVerdict::Broken => ("4 ", RED),
            };
            let status = match dep.reason {
                Some(reason) => reason.as_str(),
                None => dep.verdict.as_str(),
            };
            let example = if dep.verdict == DepVerdict::Broken {
                dep.checked.clone().unwrap_or_default()
            } else {
                String::new()
            };
            // Only the browser found it: a script or a frame asked for it.
            let by = if dep.found_by.iter().all(|j| j == "browser") && !dep.found_by.is_empty() {
                " (browser)"
            } else {
                ""
            };
            let line = format!(
                "  {} {:<32} {:<22} {:<24} {}",
                paint(mark, ansi, colour),
                one_line(&dep.host),
                status,
                format!("{}{by}", dep.kinds.join(",")),
                one_line(&example),
            );
            let _ = writeln!(out, "{}", line.trim_end());
        }
        if !self.results.is_empty() {
            let _ = writeln!(out, "results:");
        }
        for result in &self.results {
            let mark = if result.is_ok() { '✓' } else { '✗' };
            let address = result
                .address
                .map(|a| a.to_string())
                .unwrap_or_else(|| "-".into());
            let _ = writeln!(
                out,
                "  {} {mark} {:<4} {:<24} {:<22} {}",
                match result.family {
                    Family::V6 => '6',
                    Family::V4 => '4',
                },
                result.probe.as_str(),
                address,
                result.reason.as_str(),
                one_line(&result.detail),
            );
        }
        out
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::DependencyVerdict;
    use chrono::Utc;
    use probes::Reason;

    fn dep(host: &str, verdict: DepVerdict, reason: Option<Reason>) -> DependencyVerdict {
        DependencyVerdict {
            host: host.into(),
            verdict,
            reason,
            addresses: Vec::new(),
            urls: Vec::new(),
            kinds: vec!["script".into()],
            checked: Some(format!("http://{host}/app.js\u{1b}[2J")),
            detail: String::new(),
            found_by: Vec::new(),
            requests: Vec::new(),
        }
    }

    fn report() -> CheckReport {
        CheckReport {
            target: "http://dual.lab.test/".into(),
            verdict: Verdict::Partial,
            reason: None,
            addresses: Vec::new(),
            dependencies: vec![
                dep("cdn6.lab.test", DepVerdict::Ready, None),
                dep("nat64web.lab.test", DepVerdict::Nat64, None),
                dep("v4only.lab.test", DepVerdict::Broken, Some(Reason::NoAaaa)),
            ],
            truncated: false,
            final_url: None,
            nat64: false,
            checked_at: Utc::now(),
            results: Vec::new(),
            degraded: false,
            judged_by: Vec::new(),
            browser_note: None,
            path_mtu: None,
            pmtu_blackhole: false,
        }
    }

    #[test]
    fn dependency_lines_have_markers_and_reasons() {
        let text = report().render_text(false);
        assert!(
            text.contains("partial: works over IPv6, but 1 of 3"),
            "{text}"
        );
        // host, marker, status
        let cases = [
            ("cdn6.lab.test", "6", "ready"),
            ("nat64web.lab.test", "6*", "nat64"),
            ("v4only.lab.test", "4", "no_aaaa"),
        ];
        for (host, mark, status) in cases {
            let line = text
                .lines()
                .find(|l| l.contains(host))
                .unwrap_or_else(|| panic!("{host}: {text}"));
            let words: Vec<&str> = line.split_whitespace().collect();
            assert_eq!(words[..3], [mark, host, status], "{line}");
            assert_eq!(line, line.trim_end());
        }
        assert!(!text.contains('\u{1b}'), "{text}");
    }

    #[test]
    fn colours_only_when_asked() {
        let text = report().render_text(true);
        assert!(text.contains("\u{1b}[32m6 \u{1b}[0m"), "{text}");
        assert!(text.contains("\u{1b}[33m6*\u{1b}[0m"), "{text}");
        assert!(text.contains("\u{1b}[31m4 \u{1b}[0m"), "{text}");
        // Only the markers are coloured: nothing from the network reaches the terminal raw.
        assert!(!text.contains("\u{1b}[2J"), "{text}");
    }

    #[test]
    fn the_report_says_which_judges_looked() {
        let mut seen = report();
        seen.judged_by = vec!["static".into(), "browser".into()];
        seen.dependencies[2].found_by = vec!["browser".into()];
        let text = seen.render_text(false);
        assert!(
            text.contains("Chromium through an IPv6-only proxy"),
            "{text}"
        );
        let line = text.lines().find(|l| l.contains("v4only")).unwrap();
        assert!(line.contains("(browser)"), "{line}");
        assert!(
            !text
                .lines()
                .find(|l| l.contains("cdn6"))
                .unwrap()
                .contains("(browser)")
        );

        let mut alone = report();
        alone.browser_note = Some("Chromium is not installed".into());
        let text = alone.render_text(false);
        assert!(
            text.contains("static only: Chromium is not installed"),
            "{text}"
        );
        assert!(!text.contains("IPv6-only proxy"), "{text}");
    }
}
