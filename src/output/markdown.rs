//! Markdown reports of policy analyses and account audits: a summary table, then a table per
//! category, then (for accounts) a section per principal. Pipes in names are escaped.

use std::io::{self, Write};

use crate::analyze::account::{AccountReport, Via};
use crate::analyze::{Category, Findings, PolicyReport};
use crate::output::text::{escalation_methods, join_limited};

fn cell(text: &str) -> String {
    text.replace('|', "\\|").replace('\n', " ")
}

/// The findings of a category as one table cell.
fn findings_cell(findings: &Findings, category: Category, limit: usize) -> String {
    if category == Category::PrivilegeEscalation {
        return cell(&join_limited(&escalation_methods(findings), limit));
    }
    let (shown, total) = findings.actions_limited(category, limit);
    let mut actions: Vec<String> = shown.iter().map(|a| format!("`{a}`")).collect();
    if total > shown.len() {
        actions.push(format!("… ({} more)", total - shown.len()));
    }
    cell(&actions.join(", "))
}

/// A report of policy files: a summary table of counts, then each policy's findings.
pub fn write_policies(reports: &[(String, PolicyReport)], out: &mut impl Write) -> io::Result<()> {
    writeln!(out, "# IAM policy analysis\n")?;
    write!(out, "| Policy | Allowed | Unrestricted |")?;
    for category in Category::POLICY {
        write!(out, " {category} ({}) |", category.severity())?;
    }
    writeln!(out)?;
    writeln!(
        out,
        "|---|---:|---:|{}",
        "---:|".repeat(Category::POLICY.len())
    )?;
    for (name, report) in reports {
        write!(
            out,
            "| {} | {} | {} |",
            cell(name),
            report.grants.allowed.len(),
            report.grants.unrestricted.len()
        )?;
        for category in Category::POLICY {
            write!(out, " {} |", report.findings.count(category))?;
        }
        writeln!(out)?;
    }
    for (name, report) in reports {
        writeln!(out, "\n## {}\n", cell(name))?;
        if report.findings.max_severity().is_none() {
            writeln!(out, "No findings.")?;
        } else {
            writeln!(out, "| Category | Severity | Findings |\n|---|---|---|")?;
            for category in report.findings.categories() {
                writeln!(
                    out,
                    "| {category} | {} | {} |",
                    category.severity(),
                    findings_cell(&report.findings, category, 40)
                )?;
            }
        }
        if !report.unknown_actions.is_empty() {
            writeln!(
                out,
                "\nUnknown actions: {}",
                cell(&report.unknown_actions.join(", "))
            )?;
        }
    }
    Ok(())
}

/// An account audit report.
pub fn write_account(report: &AccountReport, out: &mut impl Write) -> io::Result<()> {
    let account = report.account_id.as_deref().unwrap_or("(unknown account)");
    writeln!(out, "# IAM audit of account {account}\n")?;
    writeln!(out, "{}.\n", super::text::account_size(report))?;
    writeln!(out, "## Summary\n")?;
    writeln!(
        out,
        "| Category | Severity | Policies | Principals | Meaning |\n|---|---|---:|---:|---|"
    )?;
    for (category, policies, principals) in report.summary() {
        writeln!(
            out,
            "| {category} | {} | {policies} | {principals} | {} |",
            category.severity(),
            category.description()
        )?;
    }
    writeln!(out, "\n## Findings by category")?;
    for category in Category::POLICY {
        let rows: Vec<_> = report
            .policies
            .iter()
            .filter(|p| !p.excluded && report.policy_report(p).findings.has(category))
            .collect();
        if rows.is_empty() {
            continue;
        }
        writeln!(out, "\n### {category} ({})\n", category.severity())?;
        writeln!(
            out,
            "| Policy | Type | Attached to | Findings |\n|---|---|---|---|"
        )?;
        for policy in rows {
            let name = match &policy.owner {
                Some(owner) => format!("{} ({owner})", policy.name),
                None => policy.name.clone(),
            };
            let attached: Vec<String> = policy
                .attached_to
                .iter()
                .map(|i| report.principal_label(*i))
                .collect();
            writeln!(
                out,
                "| {} | {} | {} | {} |",
                cell(&name),
                policy.kind.as_str(),
                cell(&join_limited(&attached, 5)),
                findings_cell(&report.policy_report(policy).findings, category, 20)
            )?;
        }
    }
    for category in Category::TRUST {
        let roles: Vec<_> = report
            .principals
            .iter()
            .filter(|p| !p.excluded && !p.trust.items(category).is_empty())
            .collect();
        if roles.is_empty() {
            continue;
        }
        writeln!(out, "\n### {category} ({})\n", category.severity())?;
        writeln!(out, "| Role | Trusted |\n|---|---|")?;
        for role in roles {
            writeln!(
                out,
                "| {} | {} |",
                cell(&role.name),
                cell(&role.trust.items(category).join(", "))
            )?;
        }
    }
    writeln!(out, "\n## Principals")?;
    for (index, principal) in report.principals.iter().enumerate() {
        if principal.excluded {
            continue;
        }
        let categories: Vec<Category> = principal.findings.categories().collect();
        if categories.is_empty() && principal.trust.is_empty() {
            continue;
        }
        writeln!(out, "\n### {}\n", cell(&report.principal_label(index)))?;
        let policies: Vec<String> = principal
            .policies
            .iter()
            .map(|(p, via)| {
                let policy = &report.policies[*p];
                match via {
                    Via::Direct => policy.name.clone(),
                    Via::Group(group) => format!("{} (via group {group})", policy.name),
                }
            })
            .collect();
        writeln!(out, "Policies: {}\n", cell(&policies.join(", ")))?;
        writeln!(out, "| Category | Severity | Findings |\n|---|---|---|")?;
        for category in categories {
            writeln!(
                out,
                "| {category} | {} | {} |",
                category.severity(),
                findings_cell(&principal.findings, category, 20)
            )?;
        }
        for category in Category::TRUST {
            let items = principal.trust.items(category);
            if !items.is_empty() {
                writeln!(
                    out,
                    "| {category} | {} | {} |",
                    category.severity(),
                    cell(&items.join(", "))
                )?;
            }
        }
    }
    Ok(())
}
