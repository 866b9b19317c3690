//! Text and Markdown for `diff` and `check no-new-access`: grants grouped by service, each
//! with its access level, resource, granting statement, why it is (possibly) new and its
//! risks.

use std::io::{self, Write};

use crate::analyze::access_diff::{NewAccess, Newness};

fn statement_name(access: &NewAccess) -> String {
    crate::output::text::statement_label(access.statement, access.sid.as_deref())
}

/// Whether a list holds grants the new side adds or grants it drops.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Side {
    Added,
    Removed,
}

fn newness(access: &NewAccess, side: Side) -> &'static str {
    match (access.newness, side) {
        (Newness::New, Side::Added) => "new",
        (Newness::MayBeNew, Side::Added) => "may be new",
        (Newness::New, Side::Removed) => "removed",
        (Newness::MayBeNew, Side::Removed) => "may be removed",
    }
}

/// One line per grant under a line per service, each marked `+` (added) or `-` (removed).
pub fn write_text(
    list: &[NewAccess],
    side: Side,
    indent: &str,
    out: &mut impl Write,
) -> io::Result<()> {
    let sign = match side {
        Side::Added => '+',
        Side::Removed => '-',
    };
    let mut service = "";
    for access in list {
        let prefix = access.action.split(':').next().unwrap_or_default();
        if prefix != service {
            service = prefix;
            writeln!(out, "{indent}{prefix}:")?;
        }
        let conditions = access
            .conditions
            .as_ref()
            .map(|block| format!(" when {}", serde_json::Value::Object(block.clone())))
            .unwrap_or_default();
        let risks = match access.risks.is_empty() {
            true => String::new(),
            false => format!("; risks: {}", access.risks.join(", ")),
        };
        writeln!(
            out,
            "{indent}  {sign} {} ({}) on {}{conditions}, {}: {}: {}{risks}",
            access.action,
            access.access_level,
            access.resource,
            statement_name(access),
            newness(access, side),
            access.reason
        )?;
    }
    Ok(())
}

fn cell(text: &str) -> String {
    text.replace('|', "\\|").replace('\n', " ")
}

/// A Markdown table of grants (for a pull-request comment), after a heading.
pub fn write_markdown(
    heading: &str,
    list: &[NewAccess],
    side: Side,
    out: &mut impl Write,
) -> io::Result<()> {
    writeln!(out, "### {heading} ({})\n", list.len())?;
    if list.is_empty() {
        return writeln!(out, "None.\n");
    }
    writeln!(
        out,
        "| action | access level | resource | statement | | why | risks |"
    )?;
    writeln!(out, "|---|---|---|---|---|---|---|")?;
    for access in list {
        writeln!(
            out,
            "| `{}` | {} | `{}` | {} | {} | {} | {} |",
            access.action,
            access.access_level,
            cell(&access.resource),
            cell(&statement_name(access)),
            newness(access, side),
            cell(&access.reason),
            cell(&access.risks.join(", "))
        )?;
    }
    writeln!(out)
}

/// One file's grants for [`sarif`]: its path (the result URI), where each statement starts,
/// the grants, and which side they are.
#[derive(Debug, Clone, Copy)]
pub struct SarifFile<'a> {
    pub uri: &'a str,
    pub positions: &'a [(usize, usize)],
    pub grants: &'a [NewAccess],
    pub side: Side,
}

const RULES: [(&str, &str, &str); 3] = [
    (
        "NEW_ACCESS",
        "error",
        "The new policy grants an action the base grants nowhere",
    ),
    (
        "MAY_BE_NEW_ACCESS",
        "warning",
        "The new policy grants access the base is not shown to grant",
    ),
    (
        "REMOVED_ACCESS",
        "note",
        "The new policy no longer grants access the old one did",
    ),
];

/// A SARIF log with one result per grant, at its statement.
pub fn sarif(files: &[SarifFile]) -> serde_json::Value {
    use serde_json::json;
    let rules: Vec<serde_json::Value> = RULES
        .iter()
        .map(|(id, level, text)| {
            json!({"id": id, "shortDescription": {"text": text}, "defaultConfiguration": {"level": level}})
        })
        .collect();
    let mut results = Vec::new();
    for file in files {
        for access in file.grants {
            let rule = match (file.side, access.newness) {
                (Side::Removed, _) => 2,
                (Side::Added, Newness::New) => 0,
                (Side::Added, Newness::MayBeNew) => 1,
            };
            let (line, column) = file
                .positions
                .get(access.statement)
                .copied()
                .unwrap_or((1, 1));
            results.push(json!({
                "ruleId": RULES[rule].0,
                "ruleIndex": rule,
                "level": RULES[rule].1,
                "message": {"text": format!(
                    "{} ({}) on {}: {}: {}",
                    access.action, access.access_level, access.resource, newness(access, file.side), access.reason
                )},
                "locations": [{"physicalLocation": {
                    "artifactLocation": {"uri": file.uri},
                    "region": {"startLine": line, "startColumn": column},
                }}],
            }));
        }
    }
    crate::output::sarif::envelope(rules, results)
}
