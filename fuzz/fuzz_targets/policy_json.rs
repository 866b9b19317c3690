//! Policy JSON: parsing, the analysis `analyze policy` runs, and wildcard expansion.
#![no_main]

use libfuzzer_sys::fuzz_target;
use policy_sentry::analyze::{Config, PolicyDocument, analyze, expand::expanded_policy};

fuzz_target!(|text: &str| {
    if let Ok(policy) = PolicyDocument::parse(text) {
        let _ = analyze(&policy, &Config::default());
    }
    if let Ok(value) = serde_json::from_str(text) {
        let _ = expanded_policy(&value);
    }
});
