//! The prober every job shares, rebuilt when the settings page changes the resolvers or
//! NAT64 prefixes: probes already running finish with the old one, the next use the new.
//! It carries the page's browser-judge switch too, for the verdict stage to read.

use super::ProbeRunner;
use model::settings::ProbeSettings;
use probes::{ProbeConfig, ProbeReport, ProbeSpec, Prober, SetupError, parse_nameserver};
use std::future::Future;
use std::sync::{Arc, RwLock};

pub struct LiveProber {
    /// What the serve flags ask for; stored settings override parts of it.
    base: ProbeConfig,
    current: RwLock<Arc<Prober>>,
    /// The settings page's browser-judge switch; `None`: as `--browser-judge` says.
    browser_judge: RwLock<Option<bool>>,
}

/// The flags' configuration with the stored settings laid over it. Stored entries were
/// validated when saved; one that no longer parses is left out.
pub fn effective(base: &ProbeConfig, stored: &ProbeSettings) -> ProbeConfig {
    let mut config = base.clone();
    if !stored.resolvers.is_empty() {
        config.nameservers = stored
            .resolvers
            .iter()
            .filter_map(|r| parse_nameserver(r).ok())
            .collect();
    }
    if !stored.nat64_prefixes.is_empty() {
        config.nat64_prefixes = stored
            .nat64_prefixes
            .iter()
            .filter_map(|p| p.parse().ok())
            .collect();
    }
    config
}

impl LiveProber {
    pub fn start(base: ProbeConfig, stored: &ProbeSettings) -> Result<Self, SetupError> {
        let prober = Prober::new(effective(&base, stored))?;
        Ok(LiveProber {
            base,
            current: RwLock::new(Arc::new(prober)),
            browser_judge: RwLock::new(stored.browser_judge),
        })
    }

    /// The prober to use now.
    pub fn get(&self) -> Arc<Prober> {
        match self.current.read() {
            Ok(current) => current.clone(),
            Err(poisoned) => poisoned.into_inner().clone(),
        }
    }

    /// Rebuilds the prober from the flags and `stored`; the old one stays on error.
    pub fn apply(&self, stored: &ProbeSettings) -> Result<(), SetupError> {
        let prober = Arc::new(Prober::new(effective(&self.base, stored))?);
        match self.current.write() {
            Ok(mut current) => *current = prober,
            Err(poisoned) => *poisoned.into_inner() = prober,
        }
        match self.browser_judge.write() {
            Ok(mut switch) => *switch = stored.browser_judge,
            Err(poisoned) => *poisoned.into_inner() = stored.browser_judge,
        }
        Ok(())
    }

    /// The browser judge turned on or off on the settings page, if it was.
    pub fn browser_judge(&self) -> Option<bool> {
        match self.browser_judge.read() {
            Ok(switch) => *switch,
            Err(poisoned) => *poisoned.into_inner(),
        }
    }
}

impl ProbeRunner for LiveProber {
    fn run(&self, spec: &ProbeSpec) -> impl Future<Output = ProbeReport> + Send {
        let prober = self.get();
        async move { prober.run(spec).await }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[tokio::test]
    async fn stored_settings_replace_the_flags_and_empty_ones_keep_them() {
        let base = ProbeConfig {
            nameservers: vec!["192.0.2.1:53".parse().unwrap()],
            ..ProbeConfig::default()
        };
        let live = LiveProber::start(base, &ProbeSettings::default()).unwrap();
        assert_eq!(
            live.get().config().nameservers,
            ["192.0.2.1:53".parse().unwrap()]
        );
        let stored = ProbeSettings {
            resolvers: vec!["[2001:db8::53]:5353".into()],
            nat64_prefixes: vec!["2001:db8:64::/96".into()],
            browser_judge: None,
        };
        live.apply(&stored).unwrap();
        let config = live.get().config().clone();
        assert_eq!(config.nameservers, ["[2001:db8::53]:5353".parse().unwrap()]);
        assert!(
            config
                .nat64_prefixes
                .contains(&"2001:db8:64::/96".parse().unwrap())
        );
        live.apply(&ProbeSettings::default()).unwrap();
        assert_eq!(
            live.get().config().nameservers,
            ["192.0.2.1:53".parse().unwrap()],
            "the flag again"
        );
    }
}
