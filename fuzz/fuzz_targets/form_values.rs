//! Every form's validation on any URL-encoded body, decoded into `FormValues` by the same
//! strict decoder the server's form extractor uses: no panic, a refusal always names a field,
//! and what is accepted keeps the documented bounds.
#![no_main]

use libfuzzer_sys::fuzz_target;
use model::channels::ChannelInput;
use model::domain::FieldErrors;
use model::domain::FormValues;
use model::domain::account::NewAccount;
use model::domain::alerts::{parse_mute, parse_thresholds};
use model::domain::api_token::TokenInput;
use model::inventory::{ContainerInput, HostInput, PrefixInput, ServiceInput, TunnelInput};
use model::settings::ProbeSettings;

fn refused<T>(result: Result<T, FieldErrors>) -> Option<T> {
    match result {
        Ok(value) => Some(value),
        Err(errors) => {
            assert!(!errors.is_empty(), "refused without saying why");
            None
        }
    }
}

fuzz_target!(|data: &[u8]| {
    let Ok(values): Result<FormValues, String> = model::domain::form::parse_urlencoded(data) else {
        return;
    };
    if let Some(host) = refused(HostInput::validate(&values)) {
        assert!(!host.name.is_empty() && host.name.chars().count() <= 64);
        assert!(host.notes.len() <= 4000);
        assert!(host.tags.len() <= 20);
        for (i, a) in host.addresses.iter().enumerate() {
            assert!(!host.addresses[..i].contains(a), "duplicate address {a}");
        }
        let lines = values.get("addresses").map_or(0, |t| t.lines().count());
        assert!(host.addresses.len() <= lines);
    }
    refused(PrefixInput::validate(&values));
    refused(TunnelInput::validate(&values));
    refused(ContainerInput::validate(&values));
    refused(ServiceInput::validate(&values));
    refused(ChannelInput::validate(&values));
    refused(ProbeSettings::validate(&values));
    refused(NewAccount::validate(&values));
    refused(TokenInput::validate(&values));
    refused(parse_mute(&values, 1_764_000_000_000));
    refused(parse_thresholds(&values));
});
