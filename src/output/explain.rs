//! `explain`'s text: per action, a block of why (with `--action`), or one line per allowed
//! action under a header per service (the whole policy).

use std::io::{self, Write};

use crate::analyze::explain::{Explanation, StatementUse};

fn statement_name(statement: &StatementUse) -> String {
    crate::output::text::statement_label(statement.index, statement.sid.as_deref())
}

fn condition_text(statement: &StatementUse) -> String {
    statement
        .conditions
        .as_ref()
        .map(|block| format!(" when {}", serde_json::Value::Object(block.clone())))
        .unwrap_or_default()
}

/// A block per action: verdict, granting and denying statements, resource types, risks.
pub fn write_detailed(explanations: &[Explanation], out: &mut impl Write) -> io::Result<()> {
    for (position, why) in explanations.iter().enumerate() {
        if position > 0 {
            writeln!(out)?;
        }
        let verdict = match (why.allowed, why.granted_by.is_empty()) {
            (true, _) => "allowed",
            (false, true) => "not allowed: no statement grants it",
            (false, false) => "not allowed: denied on every resource it is granted on",
        };
        writeln!(out, "{} ({}): {verdict}", why.action, why.access_level)?;
        for grant in &why.granted_by {
            writeln!(
                out,
                "  granted by {}: {} on {}{}",
                statement_name(grant),
                grant.matched_by.join(", "),
                grant.resources.join(", "),
                condition_text(grant)
            )?;
        }
        for deny in &why.denied_by {
            let how = match deny.removes_all {
                Some(true) => "denied by",
                _ => "denied in part by",
            };
            writeln!(
                out,
                "  {how} {}: {} on {}{}",
                statement_name(deny),
                deny.matched_by.join(", "),
                deny.resources.join(", "),
                condition_text(deny)
            )?;
        }
        if why.resource_types.is_empty() {
            writeln!(out, "  resource types: none (only Resource \"*\")")?;
        } else {
            let types: Vec<String> = why
                .resource_types
                .iter()
                .map(|resource| format!("{} ({})", resource.name, resource.arn_format))
                .collect();
            writeln!(out, "  resource types: {}", types.join(", "))?;
        }
        if !why.risks.is_empty() {
            writeln!(out, "  risks: {}", why.risks.join(", "))?;
        }
    }
    Ok(())
}

/// The allowed actions, one line each, under a header per service.
pub fn write_grouped(explanations: &[Explanation], out: &mut impl Write) -> io::Result<()> {
    let allowed: Vec<&Explanation> = explanations.iter().filter(|why| why.allowed).collect();
    writeln!(out, "{} actions allowed", allowed.len())?;
    let mut service = "";
    for why in allowed {
        let prefix = why.action.split(':').next().unwrap_or_default();
        if prefix != service {
            service = prefix;
            writeln!(out, "{prefix}:")?;
        }
        let by: Vec<String> = why.granted_by.iter().map(statement_name).collect();
        let mut line = format!(
            "  {} ({}) by {}",
            why.action,
            why.access_level,
            by.join(", ")
        );
        let partial: Vec<String> = why.denied_by.iter().map(statement_name).collect();
        if !partial.is_empty() {
            line.push_str(&format!("; denied in part by {}", partial.join(", ")));
        }
        if !why.risks.is_empty() {
            line.push_str(&format!("; risks: {}", why.risks.join(", ")));
        }
        writeln!(out, "{line}")?;
    }
    Ok(())
}
