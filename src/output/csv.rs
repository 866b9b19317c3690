//! CSV output for lists (one column, `value`) and lists of flat records (a column per
//! field; list fields are joined with `;`).

use std::io::Write;

use serde_json::Value;

use crate::error::{Error, Result};

fn cell(value: &Value) -> String {
    match value {
        Value::Null => String::new(),
        Value::String(text) => text.clone(),
        Value::Array(items) => items.iter().map(cell).collect::<Vec<_>>().join(";"),
        other => other.to_string(),
    }
}

fn not_tabular() -> Error {
    Error::InvalidInput {
        what: "--fmt csv".to_owned(),
        message: "this result is not a table; use --fmt json or yaml".to_owned(),
    }
}

/// Writes a list as CSV.
pub fn write(value: &Value, out: &mut impl Write) -> Result<()> {
    let to_error = |error: csv::Error| Error::InvalidInput {
        what: "CSV output".to_owned(),
        message: error.to_string(),
    };
    let mut writer = csv::Writer::from_writer(out);
    let Value::Array(rows) = value else {
        return Err(not_tabular());
    };
    match rows.first() {
        Some(Value::Object(first)) => {
            let columns: Vec<&String> = first.keys().collect();
            writer.write_record(&columns).map_err(to_error)?;
            for row in rows {
                let Value::Object(fields) = row else {
                    return Err(not_tabular());
                };
                let record: Vec<String> = columns
                    .iter()
                    .map(|column| fields.get(*column).map(cell).unwrap_or_default())
                    .collect();
                writer.write_record(&record).map_err(to_error)?;
            }
        }
        _ => {
            writer.write_record(["value"]).map_err(to_error)?;
            for row in rows {
                writer.write_record([cell(row)]).map_err(to_error)?;
            }
        }
    }
    writer
        .flush()
        .map_err(|source| Error::io("<output>", source))
}

fn csv_error(error: csv::Error) -> Error {
    match error.into_kind() {
        csv::ErrorKind::Io(source) => Error::io("<output>", source),
        other => Error::InvalidInput {
            what: "CSV output".to_owned(),
            message: format!("{other:?}"),
        },
    }
}

/// Policy analyses as CSV: one row per policy with action counts and a count per category.
pub fn write_policies(
    reports: &[(String, crate::analyze::PolicyReport)],
    out: &mut impl Write,
) -> Result<()> {
    use crate::analyze::Category;
    let mut writer = csv::Writer::from_writer(out);
    let mut header = vec![
        "policy".to_owned(),
        "allowed".to_owned(),
        "unrestricted".to_owned(),
        "unrestrictable".to_owned(),
        "unknown".to_owned(),
    ];
    header.extend(Category::POLICY.iter().map(|c| c.name().to_owned()));
    writer.write_record(&header).map_err(csv_error)?;
    for (name, report) in reports {
        let mut row = vec![
            name.clone(),
            report.grants.allowed.len().to_string(),
            report.grants.unrestricted.len().to_string(),
            report.grants.unrestrictable.len().to_string(),
            report.unknown_actions.len().to_string(),
        ];
        row.extend(
            Category::POLICY
                .iter()
                .map(|c| report.findings.count(*c).to_string()),
        );
        writer.write_record(&row).map_err(csv_error)?;
    }
    writer
        .flush()
        .map_err(|source| Error::io("<output>", source))
}

/// An account audit as CSV: one row per principal and policy it holds, with the policy's
/// count per category; roles with trust findings get a row for their trust policy.
pub fn write_account(report: &crate::analyze::AccountReport, out: &mut impl Write) -> Result<()> {
    use crate::analyze::Category;
    use crate::analyze::account::Via;
    let mut writer = csv::Writer::from_writer(out);
    let mut header: Vec<String> = [
        "account_id",
        "principal_type",
        "principal",
        "principal_arn",
        "policy",
        "policy_type",
        "via",
        "excluded",
    ]
    .map(str::to_owned)
    .to_vec();
    header.extend(Category::ALL.iter().map(|c| c.name().to_owned()));
    writer.write_record(&header).map_err(csv_error)?;
    let account = report.account_id.clone().unwrap_or_default();
    for principal in &report.principals {
        let base = |policy: &str, kind: &str, via: &str, excluded: bool| {
            vec![
                account.clone(),
                principal.kind.as_str().to_owned(),
                principal.name.clone(),
                principal.arn.clone(),
                policy.to_owned(),
                kind.to_owned(),
                via.to_owned(),
                excluded.to_string(),
            ]
        };
        for (index, via) in &principal.policies {
            let policy = &report.policies[*index];
            let via = match via {
                Via::Direct => "direct".to_owned(),
                Via::Group(group) => format!("group {group}"),
            };
            let excluded = principal.excluded || policy.excluded;
            let mut row = base(&policy.name, policy.kind.as_str(), &via, excluded);
            let findings = &report.policy_report(policy).findings;
            row.extend(Category::ALL.iter().map(|c| {
                if excluded {
                    "0".to_owned()
                } else {
                    findings.count(*c).to_string()
                }
            }));
            writer.write_record(&row).map_err(csv_error)?;
        }
        if !principal.trust.is_empty() {
            let mut row = base(
                "AssumeRolePolicyDocument",
                "trust",
                "direct",
                principal.excluded,
            );
            row.extend(
                Category::ALL
                    .iter()
                    .map(|c| principal.trust.items(*c).len().to_string()),
            );
            writer.write_record(&row).map_err(csv_error)?;
        }
    }
    writer
        .flush()
        .map_err(|source| Error::io("<output>", source))
}
