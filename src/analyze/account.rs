//! Whole-account audits over the output of `aws iam get-account-authorization-details`:
//! [`AuthorizationDetails`] reads it, [`audit_account`] analyses every distinct policy
//! document once (in parallel with rayon), attributes the results to the users, groups and
//! roles that hold them (inline, managed and group-inherited policies, combined per
//! principal), and checks role trust policies. Reports are rendered by [`crate::output`].

use std::borrow::Cow;
use std::collections::HashMap;
use std::path::Path;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Mutex, PoisonError};

use rayon::prelude::*;
use serde::Deserialize;
use serde_json::value::RawValue;
use serde_json::{Value, json};

use super::exclusions::{Exclusions, Matchers};
use super::expand::pattern_matches;
use super::policy::{ActionClause, Effect, PolicyDocument, policy_error};
use super::report::{Category, Config, Findings, Grants, PolicyReport, Rules, Severity};
use super::risk::COMPUTE_SERVICE_PRINCIPALS;
use crate::data::Action;
use crate::error::{Error, Result};
use crate::output::report_json::{CategorySummaryJson, FindingsJson};

/// The account data file: the JSON `aws iam get-account-authorization-details` prints.
/// Policy documents may be objects or URL-encoded JSON strings (the raw API's form).
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct AuthorizationDetails {
    #[serde(default)]
    pub user_detail_list: Vec<UserDetail>,
    #[serde(default)]
    pub group_detail_list: Vec<GroupDetail>,
    #[serde(default)]
    pub role_detail_list: Vec<RoleDetail>,
    #[serde(default)]
    pub policies: Vec<ManagedPolicyDetail>,
}

/// A user.
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct UserDetail {
    #[serde(default)]
    pub path: String,
    pub user_name: String,
    #[serde(default)]
    pub arn: String,
    #[serde(default)]
    pub user_policy_list: Vec<InlinePolicy>,
    #[serde(default)]
    pub group_list: Vec<String>,
    #[serde(default)]
    pub attached_managed_policies: Vec<AttachedPolicy>,
}

/// A group.
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct GroupDetail {
    #[serde(default)]
    pub path: String,
    pub group_name: String,
    #[serde(default)]
    pub arn: String,
    #[serde(default)]
    pub group_policy_list: Vec<InlinePolicy>,
    #[serde(default)]
    pub attached_managed_policies: Vec<AttachedPolicy>,
}

/// A role.
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct RoleDetail {
    #[serde(default)]
    pub path: String,
    pub role_name: String,
    #[serde(default)]
    pub arn: String,
    #[serde(default)]
    pub assume_role_policy_document: Option<Value>,
    #[serde(default)]
    pub role_policy_list: Vec<InlinePolicy>,
    #[serde(default)]
    pub attached_managed_policies: Vec<AttachedPolicy>,
}

/// An inline policy.
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct InlinePolicy {
    pub policy_name: String,
    pub policy_document: Value,
}

/// A reference to a managed policy.
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct AttachedPolicy {
    #[serde(default)]
    pub policy_name: String,
    pub policy_arn: String,
}

/// A managed policy with its versions.
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct ManagedPolicyDetail {
    pub policy_name: String,
    pub arn: String,
    #[serde(default)]
    pub path: String,
    #[serde(default)]
    pub default_version_id: String,
    #[serde(default)]
    pub policy_version_list: Vec<PolicyVersion>,
}

/// One version of a managed policy.
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct PolicyVersion {
    pub document: Value,
    #[serde(default)]
    pub version_id: String,
    #[serde(default)]
    pub is_default_version: bool,
}

impl AuthorizationDetails {
    /// Parses the JSON text; errors name `source` with line and column.
    ///
    /// The scan of the file's four lists hands their elements, a batch at a time, to the
    /// current rayon pool, which parses them while the scan goes on: building the policy
    /// documents is most of the work, and a large account file would otherwise be parsed on
    /// one core.
    pub fn parse(text: &str, source: &str) -> Result<AuthorizationDetails> {
        let lists = ParsedLists::default();
        rayon::scope(|scope| {
            let mut deserializer = serde_json::Deserializer::from_str(text);
            serde::Deserializer::deserialize_struct(
                &mut deserializer,
                "AuthorizationDetails",
                &DETAILS_FIELDS,
                DetailsVisitor {
                    scope,
                    lists: &lists,
                },
            )
            .and_then(|()| deserializer.end())
        })
        .map_err(|error| policy_error(source, &error))?;
        let ParsedLists {
            users,
            groups,
            roles,
            policies,
        } = lists;
        // Each list is gathered from its batches in one copy, the four side by side.
        let (
            ((users, user_failures), (groups, group_failures)),
            ((roles, role_failures), (policies, policy_failures)),
        ) = rayon::join(
            || rayon::join(|| users.into_elements(), || groups.into_elements()),
            || rayon::join(|| roles.into_elements(), || policies.into_elements()),
        );
        // Report the error that comes first in the file, as a serial parse would.
        let first_error = [
            user_failures,
            group_failures,
            role_failures,
            policy_failures,
        ]
        .into_iter()
        .flatten()
        .min_by_key(|(item, _)| item.get().as_ptr() as usize);
        if let Some((item, error)) = first_error {
            return Err(element_error(text, source, item, &error));
        }
        Ok(AuthorizationDetails {
            user_detail_list: users,
            group_detail_list: groups,
            role_detail_list: roles,
            policies,
        })
    }

    /// Reads an account data file.
    pub fn from_path(path: &Path) -> Result<AuthorizationDetails> {
        let text = read_text(path).map_err(|source| Error::io(path, source))?;
        AuthorizationDetails::parse(&text, &path.display().to_string())
    }

    /// The account ID, taken from the first principal or customer-managed policy ARN.
    pub fn account_id(&self) -> Option<String> {
        let arns = self
            .user_detail_list
            .iter()
            .map(|u| u.arn.as_str())
            .chain(self.group_detail_list.iter().map(|g| g.arn.as_str()))
            .chain(self.role_detail_list.iter().map(|r| r.arn.as_str()))
            .chain(self.policies.iter().map(|p| p.arn.as_str()));
        arns.filter_map(account_of_arn)
            .find(|account| *account != "aws")
            .map(str::to_owned)
    }
}

/// Reads a UTF-8 file; invalid UTF-8 is an error naming its byte offset. A large file is read
/// as two halves side by side on the current rayon pool: copying an account file out of the
/// page cache into fresh memory takes a millisecond or more, which the parse, waiting for the
/// whole text, cannot overlap.
fn read_text(path: &Path) -> std::io::Result<String> {
    use std::io::{Read, Seek, SeekFrom};
    const SPLIT_FROM: u64 = 1 << 20;
    let mut front_file = std::fs::File::open(path)?;
    let len = front_file.metadata()?.len();
    let bytes = if len < SPLIT_FROM || rayon::current_num_threads() < 2 {
        let mut bytes = Vec::new();
        front_file.read_to_end(&mut bytes)?;
        bytes
    } else {
        let mut back_file = std::fs::File::open(path)?;
        let middle = len / 2;
        back_file.seek(SeekFrom::Start(middle))?;
        let mut bytes = vec![0u8; usize::try_from(len).map_err(std::io::Error::other)?];
        let (front, back) = bytes.split_at_mut(middle as usize);
        let (front_read, back_read) = rayon::join(
            || front_file.read_exact(front),
            || back_file.read_exact(back),
        );
        match front_read.and(back_read) {
            // The file may have grown since its length was read: keep whatever follows.
            Ok(()) => {
                back_file.read_to_end(&mut bytes)?;
                bytes
            }
            // It shrank: read it again, whole.
            Err(error) if error.kind() == std::io::ErrorKind::UnexpectedEof => std::fs::read(path)?,
            Err(error) => return Err(error),
        }
    };
    String::from_utf8(bytes).map_err(|error| {
        std::io::Error::new(
            std::io::ErrorKind::InvalidData,
            format!(
                "not UTF-8: invalid byte at offset {}",
                error.utf8_error().valid_up_to()
            ),
        )
    })
}

/// A list element that could not be parsed: its raw text, and why.
type Failure<'a> = (&'a RawValue, serde_json::Error);

/// One batch of a list: its number, the elements parsed, and those that failed.
type Batch<'a, T> = (usize, Vec<T>, Vec<Failure<'a>>);

/// One list's batches, in the order they finish.
struct Batches<'a, T>(Mutex<Vec<Batch<'a, T>>>);

impl<T> Default for Batches<'_, T> {
    fn default() -> Self {
        Batches(Mutex::new(Vec::new()))
    }
}

impl<'a, T> Batches<'a, T> {
    /// The elements parsed, in file order, and the failures.
    fn into_elements(self) -> (Vec<T>, Vec<Failure<'a>>) {
        let mut batches = self.0.into_inner().unwrap_or_else(PoisonError::into_inner);
        batches.sort_unstable_by_key(|(number, _, _)| *number);
        let mut elements = Vec::with_capacity(batches.iter().map(|batch| batch.1.len()).sum());
        let mut failures = Vec::new();
        for (_, parsed, failed) in batches {
            elements.extend(parsed);
            failures.extend(failed);
        }
        (elements, failures)
    }
}

/// The four lists of the account data file.
#[derive(Default)]
struct ParsedLists<'a> {
    users: Batches<'a, UserDetail>,
    groups: Batches<'a, GroupDetail>,
    roles: Batches<'a, RoleDetail>,
    policies: Batches<'a, ManagedPolicyDetail>,
}

/// The lists of the account data file, in the order of [`DetailsKey`].
const DETAILS_FIELDS: [&str; 4] = [
    "UserDetailList",
    "GroupDetailList",
    "RoleDetailList",
    "Policies",
];

/// The keys of the account data file; others are skipped.
#[derive(Deserialize)]
enum DetailsKey {
    UserDetailList,
    GroupDetailList,
    RoleDetailList,
    Policies,
    #[serde(other)]
    Other,
}

/// Reads the top-level object, handing each list to a [`ListVisitor`].
struct DetailsVisitor<'s, 'scope, 'a> {
    scope: &'s rayon::Scope<'scope>,
    lists: &'scope ParsedLists<'a>,
}

impl<'a, 'scope> serde::de::Visitor<'a> for DetailsVisitor<'_, 'scope, 'a> {
    type Value = ();

    fn expecting(&self, formatter: &mut std::fmt::Formatter) -> std::fmt::Result {
        formatter.write_str("struct AuthorizationDetails")
    }

    fn visit_map<M: serde::de::MapAccess<'a>>(
        self,
        mut map: M,
    ) -> std::result::Result<(), M::Error> {
        let mut seen = [false; DETAILS_FIELDS.len()];
        let mut first = |index: usize| {
            if std::mem::replace(&mut seen[index], true) {
                Err(serde::de::Error::duplicate_field(DETAILS_FIELDS[index]))
            } else {
                Ok(())
            }
        };
        let lists = self.lists;
        while let Some(key) = map.next_key::<DetailsKey>()? {
            match key {
                DetailsKey::UserDetailList => {
                    first(0)?;
                    map.next_value_seed(ListVisitor::new(self.scope, &lists.users))?;
                }
                DetailsKey::GroupDetailList => {
                    first(1)?;
                    map.next_value_seed(ListVisitor::new(self.scope, &lists.groups))?;
                }
                DetailsKey::RoleDetailList => {
                    first(2)?;
                    map.next_value_seed(ListVisitor::new(self.scope, &lists.roles))?;
                }
                DetailsKey::Policies => {
                    first(3)?;
                    map.next_value_seed(ListVisitor::new(self.scope, &lists.policies))?;
                }
                DetailsKey::Other => {
                    map.next_value::<serde::de::IgnoredAny>()?;
                }
            }
        }
        Ok(())
    }

    /// The lists in field order, as serde reads a struct written as an array.
    fn visit_seq<S: serde::de::SeqAccess<'a>>(
        self,
        mut seq: S,
    ) -> std::result::Result<(), S::Error> {
        let lists = self.lists;
        let _ = seq
            .next_element_seed(ListVisitor::new(self.scope, &lists.users))?
            .is_some()
            && seq
                .next_element_seed(ListVisitor::new(self.scope, &lists.groups))?
                .is_some()
            && seq
                .next_element_seed(ListVisitor::new(self.scope, &lists.roles))?
                .is_some()
            && seq
                .next_element_seed(ListVisitor::new(self.scope, &lists.policies))?
                .is_some();
        Ok(())
    }
}

/// Scans a list, spawning the parse of every [`ListVisitor::BATCH`] elements.
struct ListVisitor<'s, 'scope, 'a, T> {
    scope: &'s rayon::Scope<'scope>,
    batches: &'scope Batches<'a, T>,
}

impl<'s, 'scope, 'a, T> ListVisitor<'s, 'scope, 'a, T> {
    /// Small enough that a second worker starts early, large enough that spawning is cheap.
    const BATCH: usize = 32;

    fn new(scope: &'s rayon::Scope<'scope>, batches: &'scope Batches<'a, T>) -> Self {
        ListVisitor { scope, batches }
    }
}

impl<'a, 'scope, T: Deserialize<'a> + Send + 'scope> ListVisitor<'_, 'scope, 'a, T> {
    fn spawn(&self, number: usize, items: Vec<&'a RawValue>) {
        let batches = self.batches;
        self.scope.spawn(move |_| {
            let mut elements = Vec::with_capacity(items.len());
            let mut failures = Vec::new();
            for item in items {
                match serde_json::from_str(item.get()) {
                    Ok(element) => elements.push(element),
                    Err(error) => failures.push((item, error)),
                }
            }
            batches
                .0
                .lock()
                .unwrap_or_else(PoisonError::into_inner)
                .push((number, elements, failures));
        });
    }
}

impl<'a, 'scope, T: Deserialize<'a> + Send + 'scope> serde::de::DeserializeSeed<'a>
    for ListVisitor<'_, 'scope, 'a, T>
{
    type Value = ();

    fn deserialize<D: serde::Deserializer<'a>>(
        self,
        deserializer: D,
    ) -> std::result::Result<(), D::Error> {
        deserializer.deserialize_seq(self)
    }
}

impl<'a, 'scope, T: Deserialize<'a> + Send + 'scope> serde::de::Visitor<'a>
    for ListVisitor<'_, 'scope, 'a, T>
{
    type Value = ();

    fn expecting(&self, formatter: &mut std::fmt::Formatter) -> std::fmt::Result {
        formatter.write_str("a sequence")
    }

    fn visit_seq<S: serde::de::SeqAccess<'a>>(
        self,
        mut seq: S,
    ) -> std::result::Result<(), S::Error> {
        let mut number = 0;
        let mut items = Vec::with_capacity(Self::BATCH);
        while let Some(item) = seq.next_element::<&'a RawValue>()? {
            items.push(item);
            if items.len() == Self::BATCH {
                self.spawn(
                    number,
                    std::mem::replace(&mut items, Vec::with_capacity(Self::BATCH)),
                );
                number += 1;
            }
        }
        if !items.is_empty() {
            self.spawn(number, items);
        }
        Ok(())
    }
}

/// An error in a list element, positioned in the whole file: serde_json counts lines and
/// columns from the start of the element's own text.
fn element_error(text: &str, source: &str, item: &RawValue, error: &serde_json::Error) -> Error {
    let offset = item.get().as_ptr() as usize - text.as_ptr() as usize;
    let before = &text[..offset];
    let start_line = before.matches('\n').count() + 1;
    let start_column = offset - before.rfind('\n').map_or(0, |newline| newline + 1);
    let (line, column) = match error.line() {
        0 => (start_line, start_column + 1),
        1 => (start_line, start_column + error.column()),
        line => (start_line + line - 1, error.column()),
    };
    match policy_error(source, error) {
        Error::InvalidPolicy {
            source_name,
            message,
            ..
        } => Error::InvalidPolicy {
            source_name,
            line,
            column,
            message,
        },
        other => other,
    }
}

fn account_of_arn(arn: &str) -> Option<&str> {
    let mut parts = arn.split(':');
    (parts.next()? == "arn").then_some(())?;
    parts.nth(3).filter(|account| !account.is_empty())
}

/// Decodes `%XX` escapes and `+` (the raw IAM API's URL-encoded documents).
fn url_decode(text: &str) -> String {
    let bytes = text.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut index = 0;
    while index < bytes.len() {
        match bytes[index] {
            b'%' if index + 2 < bytes.len() => {
                let hex = |byte: u8| (byte as char).to_digit(16);
                match (hex(bytes[index + 1]), hex(bytes[index + 2])) {
                    (Some(high), Some(low)) => {
                        out.push((high * 16 + low) as u8);
                        index += 3;
                        continue;
                    }
                    _ => out.push(b'%'),
                }
            }
            b'+' => out.push(b' '),
            byte => out.push(byte),
        }
        index += 1;
    }
    String::from_utf8_lossy(&out).into_owned()
}

/// A document as JSON: objects as they are, strings URL-decoded and parsed.
fn document_value(value: &Value) -> std::result::Result<Cow<'_, Value>, String> {
    match value {
        Value::String(encoded) => serde_json::from_str(&url_decode(encoded))
            .map(Cow::Owned)
            .map_err(|error| error.to_string()),
        other => Ok(Cow::Borrowed(other)),
    }
}

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
        let mut unknown_actions: Vec<&str> =
            report.unknown_actions.iter().map(String::as_str).collect();
        unknown_actions.sort_unstable();
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
            unknown_actions,
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
        serde_json::to_value(self.json_stream()).unwrap_or(Value::Null)
    }

    /// [`AccountReport::to_json`] as a value to serialise, built one policy or principal at a
    /// time, so writing a large report does not hold it all in memory.
    pub fn json_stream(&self) -> impl serde::Serialize + '_ {
        JsonStream(self)
    }
}

impl AccountReport {
    /// Writes [`AccountReport::to_json`] as 4-space-indented JSON (the `report.json` of
    /// `analyze account`), byte for byte what [`crate::output::json::write_pretty`] gives for
    /// it, with policies and principals rendered in parallel on the current rayon pool.
    pub fn write_json(&self, out: &mut (impl std::io::Write + Send)) -> std::io::Result<()> {
        use crate::output::json::{write_pretty_array_parallel, write_pretty_nested};
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

struct JsonStream<'a>(&'a AccountReport);

/// A list serialised one element at a time.
struct Lazy<'a, T, R>(
    &'a [T],
    &'a AccountReport,
    fn(&'a AccountReport, &'a T) -> R,
);

impl<'a, T, R: serde::Serialize> serde::Serialize for Lazy<'a, T, R> {
    fn serialize<S: serde::Serializer>(
        &self,
        serializer: S,
    ) -> std::result::Result<S::Ok, S::Error> {
        use serde::ser::SerializeSeq;
        let mut seq = serializer.serialize_seq(Some(self.0.len()))?;
        for item in self.0 {
            seq.serialize_element(&(self.2)(self.1, item))?;
        }
        seq.end()
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

/// A principal's combined findings as [`Findings::to_summary_json`] gives them, plus the
/// trust findings of a role.
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

impl serde::Serialize for JsonStream<'_> {
    fn serialize<S: serde::Serializer>(
        &self,
        serializer: S,
    ) -> std::result::Result<S::Ok, S::Error> {
        use serde::ser::SerializeMap;
        let report = self.0;
        let mut map = serializer.serialize_map(Some(4))?;
        map.serialize_entry("account_id", &report.account_id)?;
        map.serialize_entry("summary", &report.summary_json())?;
        map.serialize_entry(
            "policies",
            &Lazy(&report.policies, report, AccountReport::policy_json),
        )?;
        map.serialize_entry(
            "principals",
            &Lazy(&report.principals, report, AccountReport::principal_json),
        )?;
        map.end()
    }
}

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
            if aws == "*" || aws == "arn:aws:iam::*:root" {
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
            if let Some(name) = service.strip_suffix(".amazonaws.com")
                && COMPUTE_SERVICE_PRINCIPALS.iter().any(|(s, _)| *s == name)
            {
                push(&mut out.compute_services, name);
            }
        }
    }
    out
}

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

/// Most items per rayon job where item costs differ by orders of magnitude (documents and
/// their combinations): left to itself, rayon runs a quarter of the items as one job that no
/// other worker can share, and the others wait for it at the end.
const UNEVEN: usize = 4;

/// What the audit reads of a user, group or role.
struct PrincipalSource<'a> {
    kind: PrincipalKind,
    name: &'a str,
    arn: &'a str,
    path: &'a str,
    inline: &'a [InlinePolicy],
    attached: &'a [AttachedPolicy],
    trust: Option<&'a Value>,
}

/// A principal before its policies are numbered: its entry (without policies), its inline
/// policies with their documents, the managed policies attached to it (indices into the
/// policies), its trust policy.
struct PrincipalDraft<'a> {
    entry: PrincipalEntry,
    inline: Vec<(PolicyEntry, &'a Value)>,
    attached: Vec<usize>,
    trust: Option<&'a Value>,
}

struct Builder<'a> {
    matchers: Matchers,
    /// Every document occurrence, in order; deduplicated after collection.
    occurrences: Vec<&'a Value>,
    policies: Vec<PolicyEntry>,
}

impl<'a> Builder<'a> {
    /// Records a document occurrence; the index is mapped to a distinct document later.
    fn document(&mut self, value: &'a Value) -> usize {
        self.occurrences.push(value);
        self.occurrences.len() - 1
    }
}

/// [`audit_account`], calling `progress(done, total)` as documents are analysed.
pub fn audit_account_with_progress<'a>(
    details: &'a AuthorizationDetails,
    exclusions: &Exclusions,
    config: &Config,
    progress: &(dyn Fn(usize, usize) + Sync),
) -> AccountReport {
    let account_id = details.account_id();
    let rules = Rules::new(&exclusions.apply_to(config));
    let mut builder = Builder {
        matchers: exclusions.matchers(),
        occurrences: Vec::new(),
        policies: Vec::new(),
    };

    // Managed policies: the default version's document. Entries are made in parallel
    // (names copied, exclusions matched), then numbered in order.
    let managed_entries: Vec<(PolicyEntry, &'a Value)> = details
        .policies
        .par_iter()
        .map(|policy| {
            let version = policy
                .policy_version_list
                .iter()
                .find(|v| v.is_default_version || v.version_id == policy.default_version_id)
                .or(policy.policy_version_list.first());
            let kind = if policy.arn.starts_with("arn:aws:iam::aws:") {
                PolicyKind::AwsManaged
            } else {
                PolicyKind::CustomerManaged
            };
            let entry = PolicyEntry {
                kind,
                excluded: builder
                    .matchers
                    .policies
                    .matches(&policy.policy_name, &policy.path),
                name: policy.policy_name.clone(),
                arn: Some(policy.arn.clone()),
                owner: None,
                path: policy.path.clone(),
                document: 0,
                attached_to: Vec::new(),
            };
            (
                entry,
                version.map_or(&Value::Null, |version| &version.document),
            )
        })
        .collect();
    let mut managed: HashMap<&str, usize> = HashMap::with_capacity(details.policies.len());
    for (policy, (mut entry, document)) in details.policies.iter().zip(managed_entries) {
        entry.document = builder.document(document);
        builder.policies.push(entry);
        managed.insert(policy.arn.as_str(), builder.policies.len() - 1);
    }

    // Principals, with their direct policies: drafted in parallel (names copied, exclusions
    // matched, managed policies looked up), then numbered in order.
    let no_findings = Arc::new(Findings::default());
    let matchers = &builder.matchers;
    let draft = |source: PrincipalSource<'a>| {
        let excluded = match source.kind {
            PrincipalKind::User => &matchers.users,
            PrincipalKind::Group => &matchers.groups,
            PrincipalKind::Role => &matchers.roles,
        }
        .matches(source.name, source.path);
        let owner = format!("{}/{}", source.kind.as_str(), source.name);
        let inline: Vec<(PolicyEntry, &'a Value)> = source
            .inline
            .iter()
            .map(|policy| {
                let entry = PolicyEntry {
                    kind: PolicyKind::Inline,
                    excluded: matchers.policies.matches(&policy.policy_name, ""),
                    name: policy.policy_name.clone(),
                    arn: None,
                    owner: Some(owner.clone()),
                    path: String::new(),
                    document: 0,
                    attached_to: Vec::new(),
                };
                (entry, &policy.policy_document)
            })
            .collect();
        let mut attached: Vec<usize> = Vec::new();
        for policy in source.attached {
            if let Some(index) = managed.get(policy.policy_arn.as_str())
                && !attached.contains(index)
            {
                attached.push(*index);
            }
        }
        PrincipalDraft {
            entry: PrincipalEntry {
                kind: source.kind,
                name: source.name.to_owned(),
                arn: source.arn.to_owned(),
                path: source.path.to_owned(),
                excluded,
                policies: Vec::new(),
                findings: Arc::clone(&no_findings),
                trust: TrustFindings::default(),
            },
            inline,
            attached,
            trust: source.trust,
        }
    };
    let drafts: Vec<PrincipalDraft<'a>> = details
        .user_detail_list
        .par_iter()
        .map(|user| {
            draft(PrincipalSource {
                kind: PrincipalKind::User,
                name: &user.user_name,
                arn: &user.arn,
                path: &user.path,
                inline: &user.user_policy_list,
                attached: &user.attached_managed_policies,
                trust: None,
            })
        })
        .chain(details.group_detail_list.par_iter().map(|group| {
            draft(PrincipalSource {
                kind: PrincipalKind::Group,
                name: &group.group_name,
                arn: &group.arn,
                path: &group.path,
                inline: &group.group_policy_list,
                attached: &group.attached_managed_policies,
                trust: None,
            })
        }))
        .chain(details.role_detail_list.par_iter().map(|role| {
            draft(PrincipalSource {
                kind: PrincipalKind::Role,
                name: &role.role_name,
                arn: &role.arn,
                path: &role.path,
                inline: &role.role_policy_list,
                attached: &role.attached_managed_policies,
                trust: role.assume_role_policy_document.as_ref(),
            })
        }))
        .collect();
    let mut principals: Vec<PrincipalEntry> = Vec::with_capacity(drafts.len());
    let mut trust_documents: Vec<Option<usize>> = Vec::with_capacity(drafts.len());
    for draft in drafts {
        let index = principals.len();
        let mut entry = draft.entry;
        for (mut policy, document) in draft.inline {
            policy.document = builder.document(document);
            policy.attached_to.push(index);
            builder.policies.push(policy);
            entry
                .policies
                .push((builder.policies.len() - 1, Via::Direct));
        }
        for policy in draft.attached {
            builder.policies[policy].attached_to.push(index);
            entry.policies.push((policy, Via::Direct));
        }
        principals.push(entry);
        trust_documents.push(draft.trust.map(|document| builder.document(document)));
    }
    // Group-inherited policies of users, added while the documents are keyed (below): the
    // two are independent, and the inheritance is serial. (In parallel, growing the users'
    // lists, which the other worker allocated, cost more than it saved.)
    let inherit_group_policies = || {
        let groups: HashMap<&str, usize> = details
            .group_detail_list
            .iter()
            .enumerate()
            .map(|(position, group)| {
                (
                    group.group_name.as_str(),
                    details.user_detail_list.len() + position,
                )
            })
            .collect();
        for (index, user) in details.user_detail_list.iter().enumerate() {
            for group_name in &user.group_list {
                if let Some(group) = groups.get(group_name.as_str()) {
                    let inherited: Vec<(usize, Via)> = principals[*group]
                        .policies
                        .iter()
                        .map(|(policy, _)| (*policy, Via::Group(group_name.clone())))
                        .collect();
                    principals[index].policies.extend(inherited);
                }
            }
        }
    };

    // Decode and key every occurrence in parallel, then keep one copy of each distinct
    // document: the analysis below runs once per distinct document.
    // Keys are hashed in parallel too, so the serial pass below only compares hashes (and
    // the texts of documents whose hashes are equal).
    use std::hash::BuildHasher;
    let hashing = std::hash::RandomState::new();
    let key_documents = || -> Vec<(u64, String, Cow<'_, Value>, Option<String>)> {
        builder
            .occurrences
            .par_iter()
            .with_max_len(UNEVEN)
            .map(|value| match document_value(value) {
                Ok(value) => {
                    let key = value.to_string();
                    (hashing.hash_one(&key), key, value, None)
                }
                Err(error) => (0, String::new(), Cow::Owned(Value::Null), Some(error)),
            })
            .collect()
    };
    let ((), prepared) = rayon::join(inherit_group_policies, key_documents);
    let mut distinct: Vec<(Cow<'_, Value>, Option<String>)> = Vec::new();
    // Distinct documents by key: (hash, key, index into `distinct`).
    let mut by_key: hashbrown::HashTable<(u64, String, usize)> = hashbrown::HashTable::new();
    let mut occurrence_to_document = Vec::with_capacity(prepared.len());
    for (hash, key, value, error) in prepared {
        let index = if error.is_some() {
            distinct.push((value, error));
            distinct.len() - 1
        } else {
            let entry = by_key.entry(
                hash,
                |(other_hash, other, _)| *other_hash == hash && *other == key,
                |(hash, _, _)| *hash,
            );
            entry
                .or_insert_with(|| {
                    distinct.push((value, None));
                    (hash, key, distinct.len() - 1)
                })
                .get()
                .2
        };
        occurrence_to_document.push(index);
    }
    let mut policies = builder.policies;
    for policy in &mut policies {
        policy.document = occurrence_to_document[policy.document];
    }
    let trust_documents: Vec<Option<usize>> = trust_documents
        .into_iter()
        .map(|occurrence| occurrence.map(|o| occurrence_to_document[o]))
        .collect();

    // The documents are analysed while the principals' combinations are keyed: keying needs
    // only which documents each principal holds, and would otherwise be a serial step.
    let total = distinct.len();
    let done = AtomicUsize::new(0);
    let analyse_documents = || -> Vec<DocumentReport> {
        distinct
            .par_iter()
            .with_max_len(UNEVEN)
            .enumerate()
            .map(|(index, (value, error))| {
                let result = match error {
                    Some(error) => Err(error.clone()),
                    None => PolicyDocument::from_value(value, &format!("document {index}"))
                        .map_err(|error| error.to_string()),
                };
                let report = match result {
                    Ok(document) => DocumentReport {
                        report: super::report::analyze_with_rules(&document, &rules),
                        error: None,
                    },
                    Err(error) => DocumentReport {
                        report: PolicyReport::default(),
                        error: Some(error),
                    },
                };
                progress(done.fetch_add(1, Ordering::Relaxed) + 1, total);
                report
            })
            .collect()
    };
    // Principals: their policies together. Principals holding the same set of documents
    // (users of the same groups, say) share one combination.
    let key_combinations = || -> (Vec<Vec<usize>>, Vec<usize>) {
        let held: Vec<(u64, Vec<usize>)> = principals
            .par_iter()
            .map(|principal| {
                let mut set: Vec<usize> = principal
                    .policies
                    .iter()
                    .filter(|(policy, _)| !principal.excluded && !policies[*policy].excluded)
                    .map(|(policy, _)| policies[*policy].document)
                    .collect();
                set.sort_unstable();
                set.dedup();
                (hashing.hash_one(&set), set)
            })
            .collect();
        // Combinations by set: (hash, index into `combinations`).
        let mut combination_of: hashbrown::HashTable<(u64, usize)> = hashbrown::HashTable::new();
        let mut combinations: Vec<Vec<usize>> = Vec::new();
        let principal_combination: Vec<usize> = held
            .into_iter()
            .map(|(hash, set)| {
                match combination_of.entry(
                    hash,
                    |(other_hash, other)| *other_hash == hash && combinations[*other] == set,
                    |(hash, _)| *hash,
                ) {
                    hashbrown::hash_table::Entry::Occupied(entry) => entry.get().1,
                    hashbrown::hash_table::Entry::Vacant(entry) => {
                        combinations.push(set);
                        entry.insert((hash, combinations.len() - 1));
                        combinations.len() - 1
                    }
                }
            })
            .collect();
        (combinations, principal_combination)
    };
    let (documents, (combinations, principal_combination)) =
        rayon::join(analyse_documents, key_combinations);
    let combined: Vec<Arc<Findings>> = combinations
        .par_iter()
        .with_max_len(UNEVEN)
        .map(|set| {
            let grants = Grants::combine(set.iter().map(|d| &documents[*d].report.grants));
            Arc::new(Findings::from_grants(&grants, &rules))
        })
        .collect();
    // Trust policies: each distinct document analysed once.
    let mut trust_distinct: Vec<usize> = trust_documents.iter().flatten().copied().collect();
    trust_distinct.sort_unstable();
    trust_distinct.dedup();
    let trust_findings: HashMap<usize, TrustFindings> = trust_distinct
        .par_iter()
        .filter_map(|index| {
            let document = PolicyDocument::from_value(&distinct[*index].0, "").ok()?;
            Some((
                *index,
                analyze_trust(&document, account_id.as_deref(), exclusions),
            ))
        })
        .collect();
    principals
        .par_iter_mut()
        .zip(trust_documents.par_iter())
        .zip(principal_combination.par_iter())
        .for_each(|((principal, trust), combination)| {
            if principal.excluded {
                return;
            }
            principal.findings = Arc::clone(&combined[*combination]);
            if let Some(findings) = trust.and_then(|index| trust_findings.get(&index)) {
                principal.trust = findings.clone();
            }
        });

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

    #[test]
    fn url_encoded_documents_are_read() {
        let encoded = "%7B%22Statement%22%3A%7B%22Effect%22%3A%22Allow%22%2C%22Action%22%3A%22s3%3AGetObject%22%2C%22Resource%22%3A%22%2A%22%7D%7D";
        let encoded = Value::String(encoded.into());
        let value = document_value(&encoded).unwrap();
        assert_eq!(value["Statement"]["Action"], "s3:GetObject");
        assert_eq!(url_decode("a+b%2"), "a b%2");
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
    fn large_files_read_in_halves_equal_a_whole_read() {
        let dir = tempfile::tempdir().unwrap();
        let pool = rayon::ThreadPoolBuilder::new()
            .num_threads(2)
            .build()
            .unwrap();
        // Two-byte characters throughout, so the middle falls inside one for some lengths.
        for len in [(1 << 20) + 1, (1 << 20) + 2, 3 << 20] {
            let text: String = "é".repeat(len / 2) + &"a".repeat(len % 2);
            let path = dir.path().join(format!("{len}.json"));
            std::fs::write(&path, &text).unwrap();
            assert!(pool.install(|| read_text(&path)).unwrap() == text, "{len}");
        }
        let path = dir.path().join("bad.json");
        let mut bytes = vec![b'a'; 3 << 20];
        bytes[(3 << 20) - 10] = 0xff;
        std::fs::write(&path, &bytes).unwrap();
        let error = pool.install(|| read_text(&path)).unwrap_err();
        assert_eq!(error.kind(), std::io::ErrorKind::InvalidData);
        assert_eq!(
            error.to_string(),
            format!("not UTF-8: invalid byte at offset {}", (3 << 20) - 10)
        );
        // A small file, read whole, says the same.
        std::fs::write(&path, b"{\"a\": \"\xff\"}").unwrap();
        let error = read_text(&path).unwrap_err();
        assert_eq!(error.to_string(), "not UTF-8: invalid byte at offset 7");
    }

    #[test]
    fn streamed_json_equals_the_value() {
        let details = AuthorizationDetails::parse(
            r#"{"UserDetailList": [{"UserName": "u", "Arn": "arn:aws:iam::111111111111:user/u",
                "UserPolicyList": [{"PolicyName": "p", "PolicyDocument": {"Statement": {"Effect": "Allow", "Action": "iam:*", "Resource": "*"}}}]}]}"#,
            "t",
        )
        .unwrap();
        let report = audit_account(&details, &Exclusions::default(), &Config::default());
        let streamed = serde_json::to_value(report.json_stream()).unwrap();
        assert_eq!(streamed, report.to_json());
    }

    #[test]
    fn parallel_parse_equals_a_whole_document_parse() {
        let text = r#"{
  "Policies": [
    {"PolicyName": "p", "Arn": "arn:aws:iam::123456789012:policy/p", "DefaultVersionId": "v1",
     "PolicyVersionList": [{"Document": {"Statement": []}, "VersionId": "v1", "IsDefaultVersion": true}]}
  ],
  "UserDetailList": [
    {"UserName": "alice", "Arn": "arn:aws:iam::123456789012:user/alice", "GroupList": ["devs"]},
    {"UserName": "bob", "Arn": "arn:aws:iam::123456789012:user/bob",
     "AttachedManagedPolicies": [{"PolicyArn": "arn:aws:iam::123456789012:policy/p"}]}
  ],
  "GroupDetailList": [{"GroupName": "devs", "Arn": "arn:aws:iam::123456789012:group/devs"}],
  "RoleDetailList": [],
  "IsTruncated": false
}"#;
        let parallel = AuthorizationDetails::parse(text, "details.json").unwrap();
        let whole: AuthorizationDetails = serde_json::from_str(text).unwrap();
        assert_eq!(format!("{parallel:?}"), format!("{whole:?}"));
        assert_eq!(parallel.user_detail_list[1].user_name, "bob");

        // Errors are placed in the whole file, as a whole-document parse places them: on an
        // element's first line, on a later line, and the first of two errors in file order.
        let broken = [
            text.replace(r#""UserName": "bob""#, r#""UserName": 5"#),
            text.replace(
                r#""IsDefaultVersion": true"#,
                r#""IsDefaultVersion": "yes""#,
            ),
            text.replace(r#""GroupName": "devs""#, r#""GroupName": null"#),
            text.replace(
                "\"GroupList\": [\"devs\"]}",
                "\"GroupList\": [\"devs\"]\n     , \"Path\": 7}",
            ),
            text.replace(r#""UserName": "alice""#, r#""UserName": 1"#)
                .replace(r#""GroupName": "devs""#, r#""GroupName": 2"#),
            text.replace(r#""UserName": "bob""#, r#""UserName": 5"#)
                .replace(r#""VersionId": "v1","#, r#""VersionId": 1,"#),
        ];
        let odd = [
            "5",
            "[5]",
            "[[], [], [], [], 1]",
            r#"{"Policies": [], "Policies": []}"#,
        ];
        for text in broken.iter().map(String::as_str).chain(odd) {
            let expected = serde_json::from_str::<AuthorizationDetails>(text).unwrap_err();
            let expected = policy_error("details.json", &expected);
            let error = AuthorizationDetails::parse(text, "details.json").unwrap_err();
            assert!(matches!(error, Error::InvalidPolicy { .. }), "{error}");
            // Same file, line, column and message.
            assert_eq!(error.to_string(), expected.to_string(), "{text}");
        }
    }

    #[test]
    fn lists_longer_than_a_batch_keep_their_order_on_any_pool() {
        let users: Vec<String> = (0..150)
            .map(|n| {
                format!(r#"{{"UserName": "u{n}", "Arn": "arn:aws:iam::123456789012:user/u{n}"}}"#)
            })
            .collect();
        let text = format!(
            "{{\"Policies\": [],\n\"UserDetailList\": [\n{}\n]}}",
            users.join(",\n")
        );
        let broken = text.replace(r#""UserName": "u120""#, r#""UserName": 120"#);
        let whole: AuthorizationDetails = serde_json::from_str(&text).unwrap();
        let expected_error = policy_error(
            "d.json",
            &serde_json::from_str::<AuthorizationDetails>(&broken).unwrap_err(),
        );
        for threads in [1, 2, 3] {
            let pool = rayon::ThreadPoolBuilder::new()
                .num_threads(threads)
                .build()
                .unwrap();
            let parsed = pool
                .install(|| AuthorizationDetails::parse(&text, "d.json"))
                .unwrap();
            assert_eq!(format!("{parsed:?}"), format!("{whole:?}"), "{threads}");
            let error = pool.install(|| AuthorizationDetails::parse(&broken, "d.json"));
            assert_eq!(error.unwrap_err().to_string(), expected_error.to_string());
        }
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
        let error = AuthorizationDetails::parse("{\"UserDetailList\": 3}", "a.json").unwrap_err();
        assert!(error.to_string().starts_with("a.json:1:"), "{error}");
    }
}
