//! Who holds which policy: the account file's managed policies, users, groups and roles turned
//! into the report's policy and principal entries, with exclusions applied, managed policies
//! attached, and users given their groups' policies. Policy documents are only collected here
//! (as occurrences, in file order); deduplicating and analysing them is `documents`' job.

use std::collections::HashMap;
use std::sync::Arc;

use serde_json::Value;

use super::report::{PolicyEntry, PolicyKind, PrincipalEntry, PrincipalKind, TrustFindings, Via};
use crate::account_file::{
    AttachedPolicy, AuthorizationDetails, ManagedPolicyDetail, PolicyDetail,
};
use crate::analyze::exclusions::Matchers;
use crate::analyze::report::Findings;

/// The document of a policy the file gives none for (an inline policy without one, a managed
/// policy with no default version): analysed as an unreadable document.
static NO_DOCUMENT: Value = Value::Null;

/// The account's policies and principals, and the documents they refer to.
#[derive(Default)]
pub(super) struct Entries<'a> {
    /// Managed policies in file order, then the inline policies of each principal.
    pub policies: Vec<PolicyEntry>,
    /// Users, then groups, then roles, in file order.
    pub principals: Vec<PrincipalEntry>,
    /// Every policy document as it occurs, in order; `PolicyEntry::document` indexes this
    /// until the documents are deduplicated.
    pub occurrences: Vec<&'a Value>,
    /// Each principal's trust policy, as an index into `occurrences`.
    pub trust: Vec<Option<usize>>,
}

/// What the entries need of a user, group or role.
struct Holder<'a> {
    kind: PrincipalKind,
    name: &'a Option<String>,
    arn: &'a Option<String>,
    path: &'a Option<String>,
    inline: &'a [PolicyDetail],
    attached: &'a [AttachedPolicy],
    trust: Option<&'a Value>,
}

/// The entries of an account file.
pub(super) fn collect<'a>(details: &'a AuthorizationDetails, matchers: &Matchers) -> Entries<'a> {
    let mut entries = Entries::default();
    let mut managed: HashMap<&str, usize> = HashMap::with_capacity(details.policies.len());
    for policy in &details.policies {
        let arn = text(&policy.arn);
        let entry = managed_entry(policy, matchers);
        let document = entries.occurrence(policy.default_document().unwrap_or(&NO_DOCUMENT));
        entries.policies.push(PolicyEntry { document, ..entry });
        managed.insert(arn, entries.policies.len() - 1);
    }
    let no_findings = Arc::new(Findings::default());
    let users = details.user_detail_list.iter().map(|user| Holder {
        kind: PrincipalKind::User,
        name: &user.user_name,
        arn: &user.arn,
        path: &user.path,
        inline: &user.user_policy_list,
        attached: &user.attached_managed_policies,
        trust: None,
    });
    let groups = details.group_detail_list.iter().map(|group| Holder {
        kind: PrincipalKind::Group,
        name: &group.group_name,
        arn: &group.arn,
        path: &group.path,
        inline: &group.group_policy_list,
        attached: &group.attached_managed_policies,
        trust: None,
    });
    let roles = details.role_detail_list.iter().map(|role| Holder {
        kind: PrincipalKind::Role,
        name: &role.role_name,
        arn: &role.arn,
        path: &role.path,
        inline: &role.role_policy_list,
        attached: &role.attached_managed_policies,
        trust: role.assume_role_policy_document.as_ref(),
    });
    for holder in users.chain(groups).chain(roles) {
        entries.add_principal(&holder, matchers, &managed, &no_findings);
    }
    inherit_group_policies(details, &mut entries.principals);
    entries
}

impl<'a> Entries<'a> {
    /// Records a document occurrence; its index is mapped to a distinct document later.
    fn occurrence(&mut self, document: &'a Value) -> usize {
        self.occurrences.push(document);
        self.occurrences.len() - 1
    }

    /// Adds a principal with its inline policies and the managed policies attached to it.
    fn add_principal(
        &mut self,
        holder: &Holder<'a>,
        matchers: &Matchers,
        managed: &HashMap<&str, usize>,
        no_findings: &Arc<Findings>,
    ) {
        let index = self.principals.len();
        let (name, path) = (text(holder.name), text(holder.path));
        let excluded = match holder.kind {
            PrincipalKind::User => &matchers.users,
            PrincipalKind::Group => &matchers.groups,
            PrincipalKind::Role => &matchers.roles,
        }
        .matches(name, path);
        let owner = format!("{}/{}", holder.kind.as_str(), name);
        let mut held = Vec::new();
        for policy in holder.inline {
            let policy_name = text(&policy.policy_name);
            let document = self.occurrence(policy.policy_document.as_ref().unwrap_or(&NO_DOCUMENT));
            self.policies.push(PolicyEntry {
                kind: PolicyKind::Inline,
                name: policy_name.to_owned(),
                arn: None,
                owner: Some(owner.clone()),
                path: String::new(),
                excluded: matchers.policies.matches(policy_name, ""),
                document,
                attached_to: vec![index],
            });
            held.push((self.policies.len() - 1, Via::Direct));
        }
        for attached in holder.attached {
            if let Some(&policy) = managed.get(text(&attached.policy_arn))
                && !held.contains(&(policy, Via::Direct))
            {
                self.policies[policy].attached_to.push(index);
                held.push((policy, Via::Direct));
            }
        }
        self.principals.push(PrincipalEntry {
            kind: holder.kind,
            name: name.to_owned(),
            arn: text(holder.arn).to_owned(),
            path: path.to_owned(),
            excluded,
            policies: held,
            findings: Arc::clone(no_findings),
            trust: TrustFindings::default(),
        });
        let trust = holder.trust.map(|document| self.occurrence(document));
        self.trust.push(trust);
    }
}

/// A managed policy's entry, its document not yet numbered.
fn managed_entry(policy: &ManagedPolicyDetail, matchers: &Matchers) -> PolicyEntry {
    let (name, arn, path) = (
        text(&policy.policy_name),
        text(&policy.arn),
        text(&policy.path),
    );
    let kind = if policy.is_aws_managed() {
        PolicyKind::AwsManaged
    } else {
        PolicyKind::CustomerManaged
    };
    PolicyEntry {
        kind,
        name: name.to_owned(),
        arn: Some(arn.to_owned()),
        owner: None,
        path: path.to_owned(),
        excluded: matchers.policies.matches(name, path),
        document: 0,
        attached_to: Vec::new(),
    }
}

/// Gives each user the policies of its groups (the groups' direct policies, via the group).
fn inherit_group_policies(details: &AuthorizationDetails, principals: &mut [PrincipalEntry]) {
    let first_group = details.user_detail_list.len();
    let groups: HashMap<&str, usize> = details
        .group_detail_list
        .iter()
        .enumerate()
        .map(|(position, group)| (text(&group.group_name), first_group + position))
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
}

/// A text field of the file, empty when absent.
fn text(field: &Option<String>) -> &str {
    field.as_deref().unwrap_or_default()
}
