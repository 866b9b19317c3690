//! Plain text: a list prints one item per line; records print their fields tab-separated;
//! an object prints `key: value` lines.

use std::io::{self, Write};

use serde_json::Value;

fn scalar(value: &Value) -> String {
    match value {
        Value::Null => String::new(),
        Value::String(text) => text.clone(),
        Value::Array(items) => items.iter().map(scalar).collect::<Vec<_>>().join(", "),
        Value::Object(fields) => fields.values().map(scalar).collect::<Vec<_>>().join("\t"),
        other => other.to_string(),
    }
}

/// Writes `value` as text.
pub fn write(value: &Value, out: &mut impl Write) -> io::Result<()> {
    match value {
        Value::Array(items) => {
            for item in items {
                writeln!(out, "{}", scalar(item))?;
            }
        }
        Value::Object(fields) => {
            for (key, field) in fields {
                match field {
                    Value::Array(items) if items.iter().any(Value::is_object) => {
                        for item in items {
                            writeln!(out, "{key}\t{}", scalar(item))?;
                        }
                    }
                    _ => writeln!(out, "{key}: {}", scalar(field))?,
                }
            }
        }
        other => writeln!(out, "{}", scalar(other))?,
    }
    Ok(())
}

/// Each privilege-escalation method found, as `Name (iam:A + iam:B)`: the one way the text,
/// Markdown and SARIF reports name a method.
pub fn escalation_methods(findings: &crate::analyze::Findings) -> Vec<String> {
    findings
        .privilege_escalation
        .iter()
        .map(|m| format!("{} ({})", m.name, m.actions.join(" + ")))
        .collect()
}

/// A statement as reports name it: `statement 2 "ReadLogs"`, or `statement 2` without a Sid.
pub fn statement_label(index: usize, sid: Option<&str>) -> String {
    match sid {
        Some(sid) => format!("statement {index} {sid:?}"),
        None => format!("statement {index}"),
    }
}

/// At most `limit` items joined with `, `, then how many more there are.
pub fn join_limited(items: &[String], limit: usize) -> String {
    if items.len() <= limit {
        return items.join(", ");
    }
    format!(
        "{}, … ({} more)",
        items[..limit].join(", "),
        items.len() - limit
    )
}

/// The first `limit` actions of a category joined with `, `, then how many more there are.
pub fn actions_limited(
    findings: &crate::analyze::Findings,
    category: crate::analyze::Category,
    limit: usize,
) -> String {
    let (shown, total) = findings.actions_limited(category, limit);
    if total > shown.len() {
        format!("{}, … ({} more)", shown.join(", "), total - shown.len())
    } else {
        shown.join(", ")
    }
}

fn write_findings(
    findings: &crate::analyze::Findings,
    out: &mut impl Write,
    indent: &str,
) -> io::Result<()> {
    use crate::analyze::Category;
    let mut any = false;
    for category in findings.categories() {
        any = true;
        let severity = category.severity().as_str();
        if category == Category::PrivilegeEscalation {
            writeln!(
                out,
                "{indent}{severity:<8} {category}: {}",
                join_limited(&escalation_methods(findings), 6)
            )?;
        } else {
            writeln!(
                out,
                "{indent}{severity:<8} {category} ({}): {}",
                findings.count(category),
                actions_limited(findings, category, 8)
            )?;
        }
    }
    if !any {
        writeln!(out, "{indent}no findings")?;
    }
    Ok(())
}

/// A short readable summary of one policy's analysis.
pub fn write_policy_summary(
    name: &str,
    report: &crate::analyze::PolicyReport,
    out: &mut impl Write,
) -> io::Result<()> {
    let grants = &report.grants;
    writeln!(
        out,
        "{name}: {} allowed actions ({} unrestricted, {} unrestrictable)",
        grants.allowed.len(),
        grants.unrestricted.len(),
        grants.unrestrictable.len()
    )?;
    write_findings(&report.findings, out, "  ")?;
    if !report.unknown_actions.is_empty() {
        writeln!(
            out,
            "  unknown actions: {}",
            report.unknown_actions.join(", ")
        )?;
    }
    if report.uses_not_action {
        writeln!(out, "  note: uses NotAction; review it by hand")?;
    }
    Ok(())
}

/// `n` and the noun for `n` things: "1 user", "2 users".
pub fn counted<N: std::fmt::Display + PartialEq + From<u8>>(n: N, one: &str, many: &str) -> String {
    let noun = if n == N::from(1) { one } else { many };
    format!("{n} {noun}")
}

/// The size of an audited account, as the reports' headers give it: "2 principals, 1 policy,
/// 1 distinct policy document".
pub fn account_size(report: &crate::analyze::AccountReport) -> String {
    format!(
        "{}, {}, {}",
        counted(report.principals.len(), "principal", "principals"),
        counted(report.policies.len(), "policy", "policies"),
        counted(
            report.documents.len(),
            "distinct policy document",
            "distinct policy documents"
        )
    )
}

/// A short readable summary of an account audit: counts per category.
pub fn write_account_summary(
    report: &crate::analyze::AccountReport,
    out: &mut impl Write,
) -> io::Result<()> {
    use crate::analyze::account::PrincipalKind;
    let count = |kind| report.principals.iter().filter(|p| p.kind == kind).count();
    writeln!(
        out,
        "Account {}: {}, {}, {}; {} ({})",
        report.account_id.as_deref().unwrap_or("(unknown)"),
        counted(count(PrincipalKind::User), "user", "users"),
        counted(count(PrincipalKind::Group), "group", "groups"),
        counted(count(PrincipalKind::Role), "role", "roles"),
        counted(report.policies.len(), "policy", "policies"),
        counted(
            report.documents.len(),
            "distinct document",
            "distinct documents"
        )
    )?;
    writeln!(
        out,
        "{:<34} {:<9} {:>8} {:>10}",
        "Category", "Severity", "Policies", "Principals"
    )?;
    for (category, policies, principals) in report.summary() {
        writeln!(
            out,
            "{:<34} {:<9} {policies:>8} {principals:>10}",
            category.name(),
            category.severity().as_str()
        )?;
    }
    Ok(())
}
