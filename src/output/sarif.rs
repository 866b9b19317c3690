//! SARIF 2.1.0 logs of findings, for GitHub code scanning and other CI tools: one rule per
//! [`Category`] with a stable id (`PS001`…), one result per policy (or role) and category.

use std::io::{self, Write};

use serde_json::{Value, json};

use crate::analyze::account::AccountReport;
use crate::analyze::{Category, Findings, PolicyReport, Severity};
use crate::output::text::{escalation_methods, join_limited};

fn level(severity: Severity) -> &'static str {
    match severity {
        Severity::Critical | Severity::High => "error",
        Severity::Medium => "warning",
        Severity::Low => "note",
    }
}

/// GitHub's `security-severity` scale (0–10).
fn security_severity(severity: Severity) -> &'static str {
    match severity {
        Severity::Critical => "9.5",
        Severity::High => "8.0",
        Severity::Medium => "5.5",
        Severity::Low => "3.0",
    }
}

fn rules() -> Vec<Value> {
    Category::ALL
        .iter()
        .map(|category| {
            json!({
                "id": category.rule_id(),
                "name": category.name(),
                "shortDescription": {"text": category.name()},
                "fullDescription": {"text": category.description()},
                "defaultConfiguration": {"level": level(category.severity())},
                "properties": {
                    "security-severity": security_severity(category.severity()),
                    "tags": ["security", "iam", category.severity().as_str()],
                },
            })
        })
        .collect()
}

fn result(category: Category, uri: &str, subject: &str, details: &str) -> Value {
    let rule_index = Category::ALL.iter().position(|c| *c == category);
    json!({
        "ruleId": category.rule_id(),
        "ruleIndex": rule_index,
        "level": level(category.severity()),
        "message": {"text": format!("{subject}: {category} ({}): {details}", category.severity())},
        "locations": [{
            "physicalLocation": {
                "artifactLocation": {"uri": uri},
                "region": {"startLine": 1},
            },
            "logicalLocations": [{"name": subject, "kind": "resource"}],
        }],
        "partialFingerprints": {"policySentryFinding/v1": format!("{}/{subject}", category.rule_id())},
    })
}

fn details(findings: &Findings, category: Category) -> String {
    if category == Category::PrivilegeEscalation {
        return join_limited(&escalation_methods(findings), 20);
    }
    crate::output::text::actions_limited(findings, category, 30)
}

fn log(results: Vec<Value>) -> Value {
    envelope(rules(), results)
}

/// A SARIF 2.1.0 log of one run of this tool with these rules and results.
pub fn envelope(rules: Vec<Value>, results: Vec<Value>) -> Value {
    json!({
        "$schema": "https://json.schemastore.org/sarif-2.1.0.json",
        "version": "2.1.0",
        "runs": [{
            "tool": {"driver": {
                "name": "policy_sentry",
                "version": env!("CARGO_PKG_VERSION"),
                "rules": rules,
            }},
            "results": results,
        }],
    })
}

/// The SARIF log of policy-file analyses; each name is the file's path (the result's URI).
pub fn policies(reports: &[(String, PolicyReport)]) -> Value {
    let mut results = Vec::new();
    for (name, report) in reports {
        for category in report.findings.categories() {
            let uri = name.replace('\\', "/");
            results.push(result(
                category,
                &uri,
                name,
                &details(&report.findings, category),
            ));
        }
    }
    log(results)
}

/// The SARIF log of an account audit; results point at the input file `uri`.
pub fn account(report: &AccountReport, uri: &str) -> Value {
    let mut results = Vec::new();
    for policy in report.policies.iter().filter(|p| !p.excluded) {
        let findings = &report.policy_report(policy).findings;
        let subject = match &policy.owner {
            Some(owner) => format!("{owner} inline policy {}", policy.name),
            None => format!("{} policy {}", policy.kind.as_str(), policy.name),
        };
        for category in findings.categories() {
            results.push(result(
                category,
                uri,
                &subject,
                &details(findings, category),
            ));
        }
    }
    for principal in report.principals.iter().filter(|p| !p.excluded) {
        for category in Category::TRUST {
            let items = principal.trust.items(category);
            if !items.is_empty() {
                let subject = format!("Role/{}", principal.name);
                results.push(result(category, uri, &subject, &items.join(", ")));
            }
        }
    }
    log(results)
}

/// Writes a SARIF log.
pub fn write(log: &Value, out: &mut impl Write) -> io::Result<()> {
    crate::output::json::write_pretty(log, out)
}
