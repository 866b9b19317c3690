//! Role trust policies: who may assume a role (anyone, other accounts, compute services).

use std::collections::HashMap;

use super::report::TrustFindings;
use crate::account_file::account_of_arn;
use crate::analyze::exclusions::Exclusions;
use crate::analyze::expand::pattern_matches;
use crate::analyze::policy::{ActionClause, Effect, PolicyDocument};
use crate::analyze::risk::COMPUTE_SERVICE_PRINCIPALS;
use crate::data::Action;

/// Analyses a role trust policy.
///
/// ```
/// use policy_sentry::analyze::PolicyDocument;
/// use policy_sentry::analyze::account::analyze_trust;
/// use policy_sentry::analyze::exclusions::Exclusions;
///
/// let trust = PolicyDocument::parse(r#"{"Statement": [{"Effect": "Allow", "Action": "sts:AssumeRole",
///     "Principal": {"AWS": "arn:aws:iam::999999999999:root", "Service": "lambda.amazonaws.com"}}]}"#)?;
/// let findings = analyze_trust(&trust, Some("123456789012"), &Exclusions::default());
/// assert_eq!(findings.cross_account, ["arn:aws:iam::999999999999:root"]);
/// assert_eq!(findings.compute_services, ["lambda"]);
/// assert!(findings.any_principal.is_empty());
/// # Ok::<(), policy_sentry::Error>(())
/// ```
pub fn analyze_trust(
    trust: &PolicyDocument,
    own_account: Option<&str>,
    exclusions: &Exclusions,
) -> TrustFindings {
    let assume_role = Action::find("sts:AssumeRole");
    let mut out = TrustFindings::default();
    let push = |list: &mut Vec<String>, item: &str| {
        if !list.iter().any(|seen| seen == item) {
            list.push(item.to_owned());
        }
    };
    for statement in &trust.statements {
        let ActionClause::Action(patterns) = &statement.actions else {
            continue;
        };
        let assumes = assume_role.is_some_and(|action| {
            patterns
                .iter()
                .any(|pattern| pattern_matches(pattern, action))
        });
        if statement.effect != Effect::Allow || !assumes {
            continue;
        }
        let Some(principal) = &statement.principal else {
            continue;
        };
        for aws in principal.values("AWS") {
            if aws == "*" || is_every_accounts_root(aws) {
                if !statement.has_condition() {
                    push(&mut out.any_principal, aws);
                }
                continue;
            }
            let account = if aws.len() == 12 && aws.bytes().all(|b| b.is_ascii_digit()) {
                Some(aws)
            } else {
                account_of_arn(aws)
            };
            if let Some(account) = account
                && Some(account) != own_account
                && !exclusions.is_known_account(account)
            {
                push(&mut out.cross_account, aws);
            }
        }
        for service in principal.values("Service") {
            // China regions name service principals `….amazonaws.com.cn`.
            if let Some(name) = service
                .strip_suffix(".amazonaws.com")
                .or_else(|| service.strip_suffix(".amazonaws.com.cn"))
                && COMPUTE_SERVICE_PRINCIPALS.iter().any(|(s, _)| *s == name)
            {
                push(&mut out.compute_services, name);
            }
        }
    }
    out
}
/// `arn:PARTITION:iam::*:root`: the root of every account, in any partition.
fn is_every_accounts_root(principal: &str) -> bool {
    let parts: Vec<&str> = principal.split(':').collect();
    matches!(parts.as_slice(), ["arn", _, "iam", "", "*", "root"])
}

/// The trust findings of each distinct trust document (by index into `documents`); documents
/// that are not valid policies have none.
pub(super) fn trust_findings(
    documents: &[Option<&serde_json::Value>],
    trust_documents: &[Option<usize>],
    own_account: Option<&str>,
    exclusions: &Exclusions,
) -> HashMap<usize, TrustFindings> {
    let mut findings = HashMap::new();
    for index in trust_documents.iter().flatten() {
        if findings.contains_key(index) {
            continue;
        }
        let Some(value) = documents[*index] else {
            continue;
        };
        if let Ok(document) = PolicyDocument::from_value(value, "") {
            findings.insert(*index, analyze_trust(&document, own_account, exclusions));
        }
    }
    findings
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_partition_counts() {
        let trust = PolicyDocument::parse(
            r#"{"Statement": [{"Effect": "Allow", "Action": "sts:AssumeRole",
            "Principal": {"AWS": "arn:aws-cn:iam::*:root", "Service": "ec2.amazonaws.com.cn"}}]}"#,
        )
        .unwrap();
        let findings = analyze_trust(&trust, Some("123456789012"), &Exclusions::default());
        assert_eq!(findings.any_principal, ["arn:aws-cn:iam::*:root"]);
        assert_eq!(findings.compute_services, ["ec2"]);
        assert!(findings.cross_account.is_empty());
    }
}
