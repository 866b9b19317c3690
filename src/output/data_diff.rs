//! `data-diff`'s text report: one section per kind of change, each line marked `+`, `-` or
//! `~`. With policies or templates, the data changes are summed up in one line and each
//! policy and template that changes gets the actions it gains or loses.

use std::io::{self, Write};

use crate::data::diff::DataDiff;
use crate::data::diff::policies::{ActionEntry, PolicyDrift, StatementChange, TemplateDrift};
use crate::data::diff::report::DriftReport;
use crate::output::text::counted;

/// Actions listed per statement in text; `--fmt json` lists all.
const LISTED: usize = 50;

/// Writes the report as text.
pub fn write_text(report: &DriftReport, out: &mut impl Write) -> io::Result<()> {
    let diff = &report.data;
    writeln!(out, "from {} to {}", diff.from, diff.to)?;
    if report.policies.is_none() && report.templates.is_none() {
        return write_data(diff, out);
    }
    writeln!(out, "data: {}", summary(diff))?;
    if let Some(policies) = &report.policies {
        write_policies(policies, out)?;
    }
    if let Some(templates) = &report.templates {
        write_templates(templates, out)?;
    }
    Ok(())
}

/// The data changes in one line, e.g. `52 services added, 3,071 actions added, …`.
fn summary(diff: &DataDiff) -> String {
    if diff.is_empty() {
        return "no differences".to_owned();
    }
    let parts = [
        (diff.services_added.len(), "service added", "services added"),
        (
            diff.services_removed.len(),
            "service removed",
            "services removed",
        ),
        (diff.actions_added.len(), "action added", "actions added"),
        (
            diff.actions_removed.len(),
            "action removed",
            "actions removed",
        ),
        (
            diff.access_levels_changed.len(),
            "access level changed",
            "access levels changed",
        ),
        (
            diff.resource_types_changed.len(),
            "action's resource types changed",
            "actions' resource types changed",
        ),
        (
            diff.arn_formats_changed.len(),
            "ARN format changed",
            "ARN formats changed",
        ),
        (
            diff.condition_keys_added.len(),
            "condition key added",
            "condition keys added",
        ),
    ];
    parts
        .iter()
        .filter(|(count, ..)| *count > 0)
        .map(|(count, one, many)| counted(*count, one, many))
        .collect::<Vec<_>>()
        .join(", ")
}

fn section(out: &mut impl Write, title: &str, lines: Vec<String>) -> io::Result<()> {
    writeln!(out, "{title} ({}):", lines.len())?;
    for line in lines {
        writeln!(out, "  {line}")?;
    }
    Ok(())
}

fn type_list(types: &[String], sign: char) -> String {
    types
        .iter()
        .map(|name| match name.as_str() {
            "" => format!("{sign}(no resource type)"),
            name => format!("{sign}{name}"),
        })
        .collect::<Vec<_>>()
        .join(" ")
}

fn signed(items: &[String], sign: char) -> Vec<String> {
    items.iter().map(|item| format!("{sign} {item}")).collect()
}

fn write_data(diff: &DataDiff, out: &mut impl Write) -> io::Result<()> {
    writeln!(out, "files read: {}", diff.pages)?;
    if diff.is_empty() {
        return writeln!(out, "no differences");
    }
    let service_line = |sign: char, service: &crate::data::diff::ServiceChange| {
        format!(
            "{sign} {} ({}, {})",
            service.prefix,
            service.name,
            counted(service.actions, "action", "actions")
        )
    };
    let services = |list: &[crate::data::diff::ServiceChange], sign| {
        list.iter().map(|s| service_line(sign, s)).collect()
    };
    section(out, "services added", services(&diff.services_added, '+'))?;
    section(
        out,
        "services removed",
        services(&diff.services_removed, '-'),
    )?;
    section(out, "actions added", signed(&diff.actions_added, '+'))?;
    section(out, "actions removed", signed(&diff.actions_removed, '-'))?;
    section(
        out,
        "access levels changed",
        diff.access_levels_changed
            .iter()
            .map(|change| {
                format!(
                    "~ {}: {} -> {}",
                    change.action,
                    change.from.0.as_str(),
                    change.to.0.as_str()
                )
            })
            .collect(),
    )?;
    section(
        out,
        "resource types changed",
        diff.resource_types_changed
            .iter()
            .map(|change| {
                let mut parts = vec![format!("~ {}:", change.action)];
                if !change.added.is_empty() {
                    parts.push(type_list(&change.added, '+'));
                }
                if !change.removed.is_empty() {
                    parts.push(type_list(&change.removed, '-'));
                }
                parts.join(" ")
            })
            .collect(),
    )?;
    section(
        out,
        "resource types added",
        signed(&diff.resource_types_added, '+'),
    )?;
    section(
        out,
        "resource types removed",
        signed(&diff.resource_types_removed, '-'),
    )?;
    section(
        out,
        "ARN formats changed",
        diff.arn_formats_changed
            .iter()
            .map(|change| format!("~ {}: {} -> {}", change.name, change.from, change.to))
            .collect(),
    )?;
    section(
        out,
        "condition keys added",
        signed(&diff.condition_keys_added, '+'),
    )?;
    section(
        out,
        "condition keys removed",
        signed(&diff.condition_keys_removed, '-'),
    )?;
    section(
        out,
        "condition key types changed",
        diff.condition_key_types_changed
            .iter()
            .map(|change| format!("~ {}: {} -> {}", change.name, change.from, change.to))
            .collect(),
    )
}

fn entries(entries: &[ActionEntry], sign: char, out: &mut impl Write) -> io::Result<()> {
    for entry in entries.iter().take(LISTED) {
        writeln!(
            out,
            "    {sign} {} ({})",
            entry.action,
            entry.access_level.0.as_str()
        )?;
    }
    if entries.len() > LISTED {
        writeln!(
            out,
            "    {sign} … {} more (--fmt json lists all)",
            entries.len() - LISTED
        )?;
    }
    Ok(())
}

fn statement_name(statement: &StatementChange) -> String {
    crate::output::text::statement_label(statement.index, statement.sid.as_deref())
}

fn write_policies(policies: &[PolicyDrift], out: &mut impl Write) -> io::Result<()> {
    let changed = policies.iter().filter(|p| !p.statements.is_empty()).count();
    writeln!(
        out,
        "policies: {changed} of {} apply to other actions",
        policies.len()
    )?;
    for policy in policies {
        if policy.statements.is_empty() {
            writeln!(out, "  {}: unchanged", policy.file)?;
            continue;
        }
        for statement in &policy.statements {
            writeln!(
                out,
                "  {} {} ({:?}, {}): +{} -{}",
                policy.file,
                statement_name(statement),
                statement.effect,
                statement.element,
                statement.added.len(),
                statement.removed.len()
            )?;
            for pattern in &statement.patterns {
                writeln!(
                    out,
                    "    {} matches {} -> {}",
                    pattern.pattern, pattern.from, pattern.to
                )?;
            }
            entries(&statement.added, '+', out)?;
            entries(&statement.removed, '-', out)?;
        }
    }
    Ok(())
}

fn write_templates(templates: &[TemplateDrift], out: &mut impl Write) -> io::Result<()> {
    let changed = templates.iter().filter(|t| t.is_changed()).count();
    writeln!(
        out,
        "templates: {changed} of {} generate a different policy",
        templates.len()
    )?;
    for template in templates {
        if !template.is_changed() {
            writeln!(out, "  {}: unchanged", template.file)?;
            continue;
        }
        for (side, error) in [("old", &template.from_error), ("new", &template.to_error)] {
            if let Some(error) = error {
                writeln!(
                    out,
                    "  {}: fails with the {side} data: {error}",
                    template.file
                )?;
            }
        }
        for statement in &template.statements {
            writeln!(out, "  {} statement {:?}:", template.file, statement.sid)?;
            for (items, sign, what) in [
                (&statement.actions_added, '+', ""),
                (&statement.actions_removed, '-', ""),
                (&statement.resources_added, '+', "resource "),
                (&statement.resources_removed, '-', "resource "),
            ] {
                for item in items {
                    writeln!(out, "    {sign} {what}{item}")?;
                }
            }
        }
    }
    Ok(())
}
