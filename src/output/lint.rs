//! `lint`'s outputs: one text line per finding (`file:line:column: severity CODE: message`),
//! JSON, and SARIF 2.1.0 with one rule per code.

use std::io::{self, Write};

use serde::Serialize;
use serde_json::{Value, json};

use crate::analyze::lint::{Code, LintFinding, LintSeverity};

/// A finding located in a file.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Located {
    pub file: String,
    pub line: usize,
    pub column: usize,
    #[serde(flatten)]
    pub finding: LintFinding,
}

pub fn write_text(findings: &[Located], out: &mut impl Write) -> io::Result<()> {
    for located in findings {
        let finding = &located.finding;
        let place = match (finding.statement, &finding.sid) {
            (Some(index), sid) => format!(
                " ({})",
                crate::output::text::statement_label(index, sid.as_deref())
            ),
            _ => String::new(),
        };
        writeln!(
            out,
            "{}:{}:{}: {} {}: {}{place}",
            located.file,
            located.line,
            located.column,
            finding.severity.as_str(),
            finding.code,
            finding.message
        )?;
    }
    Ok(())
}

fn level(severity: LintSeverity) -> &'static str {
    match severity {
        LintSeverity::Error | LintSeverity::SecurityWarning => "error",
        LintSeverity::Warning => "warning",
        LintSeverity::Suggestion => "note",
    }
}

/// A SARIF log of the findings.
pub fn sarif(findings: &[Located]) -> Value {
    let rules: Vec<Value> = Code::ALL
        .iter()
        .map(|code| {
            json!({
                "id": code.as_str(),
                "shortDescription": {"text": code.as_str()},
                "defaultConfiguration": {"level": level(code.severity())},
                "properties": {"tags": if code.is_access_analyzers() {
                    json!(["iam", code.severity().as_str(), "access-analyzer"])
                } else {
                    json!(["iam", code.severity().as_str()])
                }},
            })
        })
        .collect();
    let results: Vec<Value> = findings
        .iter()
        .map(|located| {
            let rule_index = Code::ALL
                .iter()
                .position(|code| code.as_str() == located.finding.code);
            json!({
                "ruleId": located.finding.code,
                "ruleIndex": rule_index,
                "level": level(located.finding.severity),
                "message": {"text": located.finding.message},
                "locations": [{
                    "physicalLocation": {
                        "artifactLocation": {"uri": located.file},
                        "region": {"startLine": located.line, "startColumn": located.column},
                    },
                }],
            })
        })
        .collect();
    crate::output::sarif::envelope(rules, results)
}
