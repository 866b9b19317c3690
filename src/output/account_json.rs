//! The account audit as JSON (`report.json` of `analyze account`): `account_id`, `summary`,
//! `policies` (each with its findings and their actions) and `principals` (each with its
//! policies, the counts of its policies' combined findings, escalation methods, and trust
//! findings). Computing the audit is `analyze::account`'s job.

use std::borrow::Cow;

use serde_json::{Value, json};

use crate::analyze::account::{AccountReport, PolicyEntry, PrincipalEntry, PrincipalKind, Via};
use crate::analyze::report::Category;
use crate::output::report_json::{CategorySummaryJson, FindingsJson};

impl AccountReport {
    fn summary_json(&self) -> Value {
        let summary: serde_json::Map<String, Value> = self
            .summary()
            .into_iter()
            .map(|(category, policies, principals)| {
                (
                    category.name().to_owned(),
                    json!({"severity": category.severity(), "policies": policies, "principals": principals}),
                )
            })
            .collect();
        Value::Object(summary)
    }

    fn policy_json<'a>(&'a self, policy: &'a PolicyEntry) -> PolicyJson<'a> {
        let document = &self.documents[policy.document];
        let report = &document.report;
        PolicyJson {
            policy: &policy.name,
            kind: policy.kind.as_str(),
            arn: policy.arn.as_deref(),
            owner: policy.owner.as_deref(),
            excluded: policy.excluded,
            attached_to: policy
                .attached_to
                .iter()
                .map(|i| self.principal_label(*i))
                .collect(),
            error: document.error.as_deref(),
            allowed_actions: report.grants.allowed.len(),
            unrestricted_actions: report.grants.unrestricted.len(),
            unrestrictable_actions: report.grants.unrestrictable.len(),
            unknown_actions: report.sorted_unknown_actions(),
            findings: (!policy.excluded).then_some(FindingsJson(&report.findings)),
        }
    }

    fn principal_json<'a>(&'a self, principal: &'a PrincipalEntry) -> PrincipalJson<'a> {
        PrincipalJson {
            principal: &principal.name,
            kind: principal.kind.as_str(),
            arn: &principal.arn,
            excluded: principal.excluded,
            policies: principal
                .policies
                .iter()
                .map(|(index, via)| {
                    let policy = &self.policies[*index];
                    HeldPolicyJson {
                        policy: &policy.name,
                        kind: policy.kind.as_str(),
                        via: match via {
                            Via::Direct => Cow::Borrowed("direct"),
                            Via::Group(group) => Cow::Owned(format!("group {group}")),
                        },
                        excluded: policy.excluded,
                    }
                })
                .collect(),
            findings: (!principal.excluded).then_some(PrincipalFindingsJson(principal)),
        }
    }

    /// The report as JSON: `account_id`, `summary`, `policies` (each with its findings and
    /// their actions) and `principals` (each with its policies, the counts of its policies'
    /// combined findings, escalation methods, and trust findings).
    pub fn to_json(&self) -> Value {
        let policies: Vec<PolicyJson> = self.policies.iter().map(|p| self.policy_json(p)).collect();
        let principals: Vec<PrincipalJson> = self
            .principals
            .iter()
            .map(|principal| self.principal_json(principal))
            .collect();
        json!({
            "account_id": self.account_id,
            "summary": self.summary_json(),
            "policies": policies,
            "principals": principals,
        })
    }
}

impl AccountReport {
    /// Writes [`AccountReport::to_json`] as 4-space-indented JSON (the `report.json` of
    /// `analyze account`), byte for byte what [`super::json::write_pretty`] gives for
    /// it, with policies and principals rendered in parallel on the current rayon pool (so a
    /// large report is never held whole in memory).
    pub fn write_json(&self, out: &mut (impl std::io::Write + Send)) -> std::io::Result<()> {
        use super::json::{write_pretty_array_parallel, write_pretty_nested};
        out.write_all(b"{\n    \"account_id\": ")?;
        write_pretty_nested(&self.account_id, 1, out)?;
        out.write_all(b",\n    \"summary\": ")?;
        write_pretty_nested(&self.summary_json(), 1, out)?;
        out.write_all(b",\n    \"policies\": ")?;
        write_pretty_array_parallel(&self.policies, 1, |policy| self.policy_json(policy), out)?;
        out.write_all(b",\n    \"principals\": ")?;
        write_pretty_array_parallel(
            &self.principals,
            1,
            |principal| self.principal_json(principal),
            out,
        )?;
        out.write_all(b"\n}\n")
    }
}

/// One policy of the account report.
#[derive(serde::Serialize)]
struct PolicyJson<'a> {
    policy: &'a str,
    #[serde(rename = "type")]
    kind: &'static str,
    arn: Option<&'a str>,
    owner: Option<&'a str>,
    excluded: bool,
    attached_to: Vec<String>,
    error: Option<&'a str>,
    allowed_actions: usize,
    unrestricted_actions: usize,
    unrestrictable_actions: usize,
    unknown_actions: Vec<&'a str>,
    findings: Option<FindingsJson<'a>>,
}

/// One principal of the account report.
#[derive(serde::Serialize)]
struct PrincipalJson<'a> {
    principal: &'a str,
    #[serde(rename = "type")]
    kind: &'static str,
    arn: &'a str,
    excluded: bool,
    policies: Vec<HeldPolicyJson<'a>>,
    findings: Option<PrincipalFindingsJson<'a>>,
}

/// A policy a principal holds, and how.
#[derive(serde::Serialize)]
struct HeldPolicyJson<'a> {
    policy: &'a str,
    #[serde(rename = "type")]
    kind: &'static str,
    via: Cow<'a, str>,
    excluded: bool,
}

/// A principal's combined findings (per category: severity, count, escalation methods or
/// wildcard services), plus the trust findings of a role.
struct PrincipalFindingsJson<'a>(&'a PrincipalEntry);

impl serde::Serialize for PrincipalFindingsJson<'_> {
    fn serialize<S: serde::Serializer>(
        &self,
        serializer: S,
    ) -> std::result::Result<S::Ok, S::Error> {
        use serde::ser::SerializeMap;
        let principal = self.0;
        let findings = &principal.findings;
        let mut map = serializer.serialize_map(None)?;
        for category in Category::POLICY {
            map.serialize_entry(category.name(), &CategorySummaryJson(findings, category))?;
        }
        if principal.kind == PrincipalKind::Role {
            for category in Category::TRUST {
                map.serialize_entry(
                    category.name(),
                    &json!({"severity": category.severity(), "principals": principal.trust.items(category)}),
                )?;
            }
        }
        map.end()
    }
}
