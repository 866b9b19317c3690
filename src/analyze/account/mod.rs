//! Whole-account audits over the account file (the output of `aws iam
//! get-account-authorization-details`, modelled in [`crate::account_file`]): [`audit_account`]
//! analyses every distinct policy document once (in parallel with rayon), attributes the
//! results to the users, groups and roles that hold them (inline, managed and group-inherited
//! policies, combined per principal), and checks role trust policies. The result is an
//! [`AccountReport`]; rendering it is the output module's job.
//!
//! The steps live in their own files: `principals` (who holds which policy), `documents`
//! (decoding, deduplication, analysis, combination per principal) and `trust` (trust
//! policies); `report` is the result's model.

mod documents;
mod principals;
mod report;
mod trust;

pub use report::{
    AccountReport, DocumentReport, PolicyEntry, PolicyKind, PrincipalEntry, PrincipalKind,
    TrustFindings, Via,
};
pub use trust::analyze_trust;

use super::exclusions::Exclusions;
use super::report::{Config, Rules};
pub use crate::account_file::AuthorizationDetails;

/// Audits an account: see the module documentation.
///
/// ```
/// use policy_sentry::analyze::{Category, Config};
/// use policy_sentry::analyze::account::{AuthorizationDetails, audit_account};
/// use policy_sentry::analyze::exclusions::Exclusions;
///
/// let details = AuthorizationDetails::parse(r#"{
///   "UserDetailList": [{"UserName": "alice", "Arn": "arn:aws:iam::123456789012:user/alice", "Path": "/",
///       "GroupList": ["devs"],
///       "UserPolicyList": [{"PolicyName": "pass", "PolicyDocument":
///           {"Statement": {"Effect": "Allow", "Action": "iam:PassRole", "Resource": "*"}}}]}],
///   "GroupDetailList": [{"GroupName": "devs", "Arn": "arn:aws:iam::123456789012:group/devs", "Path": "/",
///       "GroupPolicyList": [{"PolicyName": "ec2", "PolicyDocument":
///           {"Statement": {"Effect": "Allow", "Action": "ec2:RunInstances", "Resource": "*"}}}]}]
/// }"#, "details.json")?;
/// let report = audit_account(&details, &Exclusions::default(), &Config::default());
/// let alice = &report.principals[0];
/// // Neither policy alone escalates; alice holds both.
/// assert_eq!(alice.findings.privilege_escalation[0].name, "CreateEC2WithExistingIP");
/// assert_eq!(report.account_id.as_deref(), Some("123456789012"));
/// # Ok::<(), policy_sentry::Error>(())
/// ```
pub fn audit_account(
    details: &AuthorizationDetails,
    exclusions: &Exclusions,
    config: &Config,
) -> AccountReport {
    audit_account_with_progress(details, exclusions, config, &|_, _| {})
}

/// [`audit_account`], calling `progress(done, total)` as documents are analysed.
pub fn audit_account_with_progress(
    details: &AuthorizationDetails,
    exclusions: &Exclusions,
    config: &Config,
    progress: &(dyn Fn(usize, usize) + Sync),
) -> AccountReport {
    let account_id = details.account_id();
    let rules = Rules::new(&exclusions.apply_to(config));
    let principals::Entries {
        mut policies,
        mut principals,
        occurrences,
        trust,
    } = principals::collect(details, &exclusions.matchers());

    // Each distinct document is analysed once; the entries point at distinct documents.
    let (distinct, of_occurrence) = documents::deduplicate(&occurrences);
    for policy in &mut policies {
        policy.document = of_occurrence[policy.document];
    }
    let trust: Vec<Option<usize>> = trust
        .into_iter()
        .map(|occurrence| occurrence.map(|o| of_occurrence[o]))
        .collect();
    let documents = documents::analyse(&distinct, &rules, progress);

    let findings = documents::combine_per_principal(&principals, &policies, &documents, &rules);
    let values: Vec<_> = distinct.iter().map(|d| d.as_deref().ok()).collect();
    let trust_findings = trust::trust_findings(&values, &trust, account_id.as_deref(), exclusions);
    for ((principal, findings), trust) in principals.iter_mut().zip(findings).zip(&trust) {
        if principal.excluded {
            continue;
        }
        principal.findings = findings;
        if let Some(found) = trust.and_then(|index| trust_findings.get(&index)) {
            principal.trust = found.clone();
        }
    }

    AccountReport {
        account_id,
        policies,
        principals,
        documents,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::analyze::report::Severity;

    #[test]
    fn url_encoded_documents_are_read() {
        let encoded = "%7B%22Statement%22%3A%7B%22Effect%22%3A%22Allow%22%2C%22Action%22%3A%22s3%3AGetObject%22%2C%22Resource%22%3A%22%2A%22%7D%7D";
        let encoded = serde_json::Value::String(encoded.into());
        let (documents, _) = documents::deduplicate(&[&encoded]);
        let value = documents[0].as_ref().unwrap();
        assert_eq!(value["Statement"]["Action"], "s3:GetObject");
    }

    #[test]
    fn documents_are_deduplicated_and_exclusions_apply() {
        let doc = r#"{"Statement": {"Effect": "Allow", "Action": "s3:*", "Resource": "*"}}"#;
        let text = format!(
            r#"{{"RoleDetailList": [
                {{"RoleName": "a", "Arn": "arn:aws:iam::111111111111:role/a", "RolePolicyList": [{{"PolicyName": "p", "PolicyDocument": {doc}}}],
                  "AssumeRolePolicyDocument": {{"Statement": {{"Effect": "Allow", "Action": "sts:AssumeRole", "Principal": {{"AWS": "*"}}}}}}}},
                {{"RoleName": "b", "Arn": "arn:aws:iam::111111111111:role/b", "RolePolicyList": [{{"PolicyName": "p", "PolicyDocument": {doc}}}]}},
                {{"RoleName": "skip", "Path": "/service-role/", "Arn": "arn:aws:iam::111111111111:role/service-role/skip", "RolePolicyList": [{{"PolicyName": "p", "PolicyDocument": {doc}}}]}}
            ]}}"#
        );
        let details = AuthorizationDetails::parse(&text, "t").unwrap();
        let report = audit_account(&details, &Exclusions::defaults(), &Config::default());
        assert_eq!(
            report.documents.len(),
            2,
            "one policy document and one trust policy"
        );
        assert_eq!(report.policies.len(), 3);
        let [a, b, skip] = report.principals.as_slice() else {
            panic!()
        };
        assert_eq!(a.trust.any_principal, ["*"]);
        assert_eq!(b.findings.service_wildcard.len(), 1);
        assert!(skip.excluded && skip.findings.service_wildcard.is_empty());
        assert_eq!(report.max_severity(), Some(Severity::Critical));
    }

    #[test]
    fn managed_policies_in_any_partition_and_without_a_default_version() {
        let details = AuthorizationDetails::parse(
            r#"{"Policies": [
                {"PolicyName": "ReadOnlyAccess", "Arn": "arn:aws-cn:iam::aws:policy/ReadOnlyAccess",
                 "DefaultVersionId": "v2", "PolicyVersionList": [
                    {"VersionId": "v1", "IsDefaultVersion": false, "Document": {"Statement": {"Effect": "Allow", "Action": "s3:*", "Resource": "*"}}},
                    {"VersionId": "v2", "IsDefaultVersion": true, "Document": {"Statement": {"Effect": "Allow", "Action": "s3:GetObject", "Resource": "*"}}}]},
                {"PolicyName": "mine", "Arn": "arn:aws:iam::111111111111:policy/mine",
                 "PolicyVersionList": [{"VersionId": "v1", "IsDefaultVersion": false, "Document": {"Statement": {"Effect": "Allow", "Action": "iam:*", "Resource": "*"}}}]}
            ]}"#,
            "t",
        )
        .unwrap();
        let report = audit_account(&details, &Exclusions::default(), &Config::default());
        let [aws, mine] = report.policies.as_slice() else {
            panic!("{:?}", report.policies)
        };
        assert_eq!(aws.kind, PolicyKind::AwsManaged);
        assert_eq!(mine.kind, PolicyKind::CustomerManaged);
        // The default version is read, not the first.
        let allowed = &report.documents[aws.document].report.grants.allowed;
        assert_eq!(allowed.len(), 1, "s3:GetObject only");
        // No default version: an unreadable document, never version 1 in its place.
        assert!(report.documents[mine.document].error.is_some());
    }

    #[test]
    fn bad_documents_are_reported_not_fatal() {
        let details = AuthorizationDetails::parse(
            r#"{"UserDetailList": [{"UserName": "u", "UserPolicyList": [{"PolicyName": "bad", "PolicyDocument": {"Statement": 3}}]}]}"#,
            "t",
        )
        .unwrap();
        let report = audit_account(&details, &Exclusions::default(), &Config::default());
        assert!(report.documents[0].error.is_some());
        // No finding, but the unreadable document fails any --fail-on gate.
        assert_eq!(report.max_severity(), None);
        assert_eq!(report.gate_severity(), Some(Severity::Critical));
    }
}
