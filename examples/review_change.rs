//! Reviews a change of a policy: what the new version grants that the old did not, and the
//! new version's lint findings. Library use of `access_diff` and `lint`.
//!
//! ```console
//! cargo run --example review_change -- old.json new.json
//! ```

use policy_sentry::analyze::PolicyDocument;
use policy_sentry::analyze::access_diff::new_access;
use policy_sentry::analyze::lint::lint;

fn main() -> Result<(), policy_sentry::Error> {
    let mut args = std::env::args().skip(1);
    let old = args
        .next()
        .unwrap_or_else(|| "examples/review/before.json".to_owned());
    let new = args
        .next()
        .unwrap_or_else(|| "examples/review/after.json".to_owned());
    let old_policy = PolicyDocument::from_path(old.as_ref())?;
    let new_policy = PolicyDocument::from_path(new.as_ref())?;
    let added = new_access(&old_policy, &new_policy);
    println!(
        "{} grants {} new or possibly new (action, resource) pairs",
        new,
        added.len()
    );
    for access in &added {
        println!(
            "  {} ({}) on {}: {}",
            access.action, access.access_level, access.resource, access.reason
        );
    }
    for finding in lint(&new_policy, None) {
        println!(
            "  {} {}: {}",
            finding.severity.as_str(),
            finding.code,
            finding.message
        );
    }
    Ok(())
}
