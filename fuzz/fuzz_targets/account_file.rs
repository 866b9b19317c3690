//! Account files (`aws iam get-account-authorization-details`): parsing and the audit
//! `analyze account` runs.
#![no_main]

use libfuzzer_sys::fuzz_target;
use policy_sentry::analyze::{AuthorizationDetails, Config, Exclusions, audit_account};

fuzz_target!(|text: &str| {
    if let Ok(details) = AuthorizationDetails::parse(text, "fuzz") {
        let _ = audit_account(&details, &Exclusions::default(), &Config::default());
    }
});
