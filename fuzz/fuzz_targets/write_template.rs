//! write-policy templates: parsing and writing each policy, with and without minimizing.
#![no_main]

use libfuzzer_sys::fuzz_target;
use policy_sentry::write::{parse_templates, write_policy};

fuzz_target!(|yaml: &str| {
    for template in parse_templates(yaml).into_iter().flatten() {
        let _ = write_policy(&template, None);
        let _ = write_policy(&template, Some(0));
    }
});
