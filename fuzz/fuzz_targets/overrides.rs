//! Access-level overrides files: parsing, and the rewrite that comments out unknown actions.
#![no_main]

use libfuzzer_sys::fuzz_target;
use policy_sentry::data::overrides::{AccessLevelOverlay, comment_out_unknown_actions};

fuzz_target!(|yaml: &str| {
    if let Ok(overlay) = AccessLevelOverlay::parse("fuzz", yaml) {
        let _ = overlay.changes().count();
    }
    let _ = comment_out_unknown_actions("fuzz", yaml, "fuzz");
});
