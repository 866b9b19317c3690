//! Analyses an IAM policy file and prints its findings: library use of the analysis API.
//!
//! ```console
//! cargo run --example analyze_policy -- my-policy.json
//! ```

use policy_sentry::analyze::{Category, Config, PolicyDocument, analyze};

fn main() -> Result<(), policy_sentry::Error> {
    let path = std::env::args()
        .nth(1)
        .unwrap_or_else(|| "examples/policies/privesc-passrole.json".to_owned());
    let policy = PolicyDocument::from_path(path.as_ref())?;
    let report = analyze(&policy, &Config::default());
    println!(
        "{path}: {} allowed, {} unrestricted, {} unrestrictable",
        report.grants.allowed.len(),
        report.grants.unrestricted.len(),
        report.grants.unrestrictable.len()
    );
    for category in Category::POLICY {
        let actions = report.findings.actions(category);
        if !actions.is_empty() {
            println!("{} {category}: {}", category.severity(), actions.join(", "));
        }
    }
    for method in &report.findings.privilege_escalation {
        println!(
            "  escalation {}: {}",
            method.name,
            method.actions.join(" + ")
        );
    }
    for unknown in &report.unknown_actions {
        eprintln!("warning: unknown action {unknown}");
    }
    Ok(())
}
