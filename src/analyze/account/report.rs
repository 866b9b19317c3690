//! The audit of an account as data: its policies (managed, and inline per owner), its
//! principals with their combined findings and trust findings, and the distinct policy
//! documents with their analyses. Computing it is [`super::audit_account`]'s job; rendering it
//! is the output module's.

use std::sync::Arc;

use crate::analyze::report::{Category, Findings, PolicyReport, Severity};

/// Where a policy comes from.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum PolicyKind {
    AwsManaged,
    CustomerManaged,
    Inline,
}

impl PolicyKind {
    /// The name in reports.
    pub fn as_str(self) -> &'static str {
        match self {
            PolicyKind::AwsManaged => "AWS-managed",
            PolicyKind::CustomerManaged => "customer-managed",
            PolicyKind::Inline => "inline",
        }
    }
}

/// A kind of principal.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum PrincipalKind {
    User,
    Group,
    Role,
}

impl PrincipalKind {
    /// The name in reports.
    pub fn as_str(self) -> &'static str {
        match self {
            PrincipalKind::User => "User",
            PrincipalKind::Group => "Group",
            PrincipalKind::Role => "Role",
        }
    }
}

/// One policy of the account: a managed policy, or one principal's inline policy.
#[derive(Debug, Clone)]
pub struct PolicyEntry {
    pub kind: PolicyKind,
    pub name: String,
    /// The ARN of a managed policy; `None` for inline policies.
    pub arn: Option<String>,
    /// The inline policy's owner as `Kind/name`.
    pub owner: Option<String>,
    pub path: String,
    /// Skipped by the exclusions.
    pub excluded: bool,
    /// Index into [`AccountReport::documents`].
    pub document: usize,
    /// Indices of the principals it is attached to directly.
    pub attached_to: Vec<usize>,
}

/// How a principal holds a policy.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Via {
    /// Attached to the principal or inline in it.
    Direct,
    /// Through membership of this group.
    Group(String),
}

/// A user, group or role with its findings.
#[derive(Debug, Clone)]
pub struct PrincipalEntry {
    pub kind: PrincipalKind,
    pub name: String,
    pub arn: String,
    pub path: String,
    pub excluded: bool,
    /// Its policies: index into [`AccountReport::policies`] and how it holds it.
    pub policies: Vec<(usize, Via)>,
    /// Findings of all its (non-excluded) policies together, shared by the principals that
    /// hold the same documents.
    pub findings: Arc<Findings>,
    /// Trust-policy findings of a role.
    pub trust: TrustFindings,
}

/// What a role's trust policy allows.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct TrustFindings {
    /// `*` or `arn:aws:iam::*:root` principals allowed without condition.
    pub any_principal: Vec<String>,
    /// Principals of other accounts that are not known accounts.
    pub cross_account: Vec<String>,
    /// Compute services (`ec2`, `lambda`, …) that may assume it.
    pub compute_services: Vec<String>,
}

impl TrustFindings {
    /// The entries of a trust category.
    pub fn items(&self, category: Category) -> &[String] {
        match category {
            Category::AssumableByAnyPrincipal => &self.any_principal,
            Category::AssumableByCrossAccountPrincipal => &self.cross_account,
            Category::AssumableByComputeService => &self.compute_services,
            _ => &[],
        }
    }

    /// Whether there is nothing to report.
    pub fn is_empty(&self) -> bool {
        Category::TRUST.iter().all(|c| self.items(*c).is_empty())
    }
}

/// A distinct policy document and its analysis.
#[derive(Debug, Clone)]
pub struct DocumentReport {
    /// The analysis; empty when the document could not be read.
    pub report: PolicyReport,
    /// Why the document could not be read, if it could not.
    pub error: Option<String>,
}

/// The audit of an account.
#[derive(Debug, Clone)]
pub struct AccountReport {
    pub account_id: Option<String>,
    /// Every policy (managed, and inline per owner), managed first.
    pub policies: Vec<PolicyEntry>,
    /// Users, then groups, then roles, in input order.
    pub principals: Vec<PrincipalEntry>,
    /// The distinct documents, each analysed once.
    pub documents: Vec<DocumentReport>,
}

impl AccountReport {
    /// The analysis of a policy.
    pub fn policy_report(&self, policy: &PolicyEntry) -> &PolicyReport {
        &self.documents[policy.document].report
    }

    /// The highest severity of any finding (policies, principals, trust policies).
    pub fn max_severity(&self) -> Option<Severity> {
        let policies = self
            .policies
            .iter()
            .filter(|p| !p.excluded)
            .filter_map(|p| self.policy_report(p).findings.max_severity());
        let principals = self.principals.iter().filter_map(|p| {
            let trust = Category::TRUST
                .into_iter()
                .filter(|c| !p.trust.items(*c).is_empty())
                .map(Category::severity)
                .max();
            p.findings.max_severity().max(trust)
        });
        policies.chain(principals).max()
    }

    /// The severity a `--fail-on` gate compares with: [`AccountReport::max_severity`], or
    /// critical when a document that is not excluded could not be read (it may hold any
    /// finding, so it never passes silently).
    pub fn gate_severity(&self) -> Option<Severity> {
        let unreadable = self
            .policies
            .iter()
            .any(|policy| !policy.excluded && self.documents[policy.document].error.is_some());
        if unreadable {
            Some(Severity::Critical)
        } else {
            self.max_severity()
        }
    }
}

impl AccountReport {
    /// Findings per category: how many non-excluded policies and principals have some.
    pub fn summary(&self) -> Vec<(Category, usize, usize)> {
        Category::ALL
            .into_iter()
            .map(|category| {
                let policies = self
                    .policies
                    .iter()
                    .filter(|p| !p.excluded && self.policy_report(p).findings.has(category))
                    .count();
                let principals = self
                    .principals
                    .iter()
                    .filter(|p| {
                        !p.excluded
                            && (p.findings.has(category) || !p.trust.items(category).is_empty())
                    })
                    .count();
                (category, policies, principals)
            })
            .collect()
    }

    /// The name of the principal at an index, as `Kind/name`.
    pub fn principal_label(&self, index: usize) -> String {
        let principal = &self.principals[index];
        format!("{}/{}", principal.kind.as_str(), principal.name)
    }
}
