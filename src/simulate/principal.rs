//! A principal of an account file (`get-account-authorization-details`) as the evaluation
//! sees it: its identity policies (inline, managed, its groups'), its permissions boundary,
//! and the context keys it decides (`aws:PrincipalArn`, `aws:PrincipalAccount`,
//! `aws:username`, `aws:userid`, `aws:PrincipalType`, `aws:PrincipalTag/…`).

use serde_json::Value;

use super::{NamedPolicy, PolicyKind};
use crate::account_file::{
    AttachedPolicy, AuthorizationDetails, GroupDetail, PermissionsBoundary, PolicyDetail,
    RoleDetail, Tag, UserDetail, document_value,
};
use crate::analyze::PolicyDocument;
use crate::error::{Error, Result};

/// What the account file says of one principal.
#[derive(Debug, Clone)]
pub struct Principal {
    pub arn: String,
    /// Identity policies and the boundary, named `inline NAME`, `group G inline NAME` or
    /// by ARN.
    pub policies: Vec<NamedPolicy>,
    /// Context keys (as written) the principal gives, with their values.
    pub context: Vec<(String, Vec<String>)>,
}

fn document(value: &Value, name: &str) -> Result<PolicyDocument> {
    // Inline documents may come URL-encoded, as the IAM API returns them.
    let value = document_value(value).map_err(|message| Error::InvalidPolicy {
        source_name: name.to_owned(),
        line: 0,
        column: 0,
        message,
    })?;
    PolicyDocument::from_value(&value, name)
}

fn inline(list: &[PolicyDetail], prefix: &str, policies: &mut Vec<NamedPolicy>) -> Result<()> {
    for detail in list {
        let name = format!(
            "{prefix}inline {}",
            detail.policy_name.as_deref().unwrap_or("?")
        );
        if let Some(value) = &detail.policy_document {
            policies.push(NamedPolicy {
                kind: PolicyKind::Identity,
                document: document(value, &name)?,
                name,
            });
        }
    }
    Ok(())
}

fn managed(
    account: &AuthorizationDetails,
    arn: &str,
    kind: PolicyKind,
    policies: &mut Vec<NamedPolicy>,
) -> Result<()> {
    let found = account
        .policies
        .iter()
        .find(|policy| policy.arn.as_deref() == Some(arn))
        .and_then(|policy| policy.default_document());
    let Some(value) = found else {
        return Err(Error::InvalidInput {
            what: arn.to_owned(),
            message: "the account file has no document for this attached policy \
                      (download it with its AWS managed policies)"
                .to_owned(),
        });
    };
    policies.push(NamedPolicy {
        kind,
        document: document(value, arn)?,
        name: arn.to_owned(),
    });
    Ok(())
}

fn attached(
    account: &AuthorizationDetails,
    list: &[AttachedPolicy],
    policies: &mut Vec<NamedPolicy>,
) -> Result<()> {
    for policy in list {
        if let Some(arn) = &policy.policy_arn {
            managed(account, arn, PolicyKind::Identity, policies)?;
        }
    }
    Ok(())
}

fn boundary(
    account: &AuthorizationDetails,
    boundary: Option<&PermissionsBoundary>,
    policies: &mut Vec<NamedPolicy>,
) -> Result<()> {
    match boundary.and_then(|b| b.permissions_boundary_arn.as_deref()) {
        Some(arn) => managed(account, arn, PolicyKind::PermissionsBoundary, policies),
        None => Ok(()),
    }
}

/// The keys every principal gives: its ARN, account, type and tags.
fn principal_context(arn: &str, kind: &str, tags: &[Tag]) -> Vec<(String, Vec<String>)> {
    let account_id = arn.split(':').nth(4).unwrap_or("").to_owned();
    let mut context = vec![
        ("aws:PrincipalArn".to_owned(), vec![arn.to_owned()]),
        ("aws:PrincipalAccount".to_owned(), vec![account_id]),
        ("aws:PrincipalType".to_owned(), vec![kind.to_owned()]),
    ];
    for tag in tags {
        context.push((
            format!("aws:PrincipalTag/{}", tag.key),
            vec![tag.value.clone()],
        ));
    }
    context
}

impl Principal {
    /// Finds the user or role with this ARN (exactly, or ignoring case).
    pub fn find(account: &AuthorizationDetails, arn: &str) -> Result<Principal> {
        let same = |candidate: &Option<String>| {
            candidate
                .as_deref()
                .is_some_and(|c| c == arn || c.eq_ignore_ascii_case(arn))
        };
        if let Some(user) = account.user_detail_list.iter().find(|user| same(&user.arn)) {
            return Principal::of_user(account, user);
        }
        if let Some(role) = account.role_detail_list.iter().find(|role| same(&role.arn)) {
            return Principal::of_role(account, role);
        }
        Err(Error::InvalidInput {
            what: format!("--principal {arn}"),
            message: "no user or role with this ARN in the account file".to_owned(),
        })
    }

    /// How many users and roles the account file has: [`Principal::at`] takes `0..count`.
    pub fn count(account: &AuthorizationDetails) -> usize {
        account.user_detail_list.len() + account.role_detail_list.len()
    }

    /// The user or role at `index`, users first, with its ARN as the file gives it (for
    /// naming one that cannot be read).
    pub fn at(account: &AuthorizationDetails, index: usize) -> (String, Result<Principal>) {
        let users = account.user_detail_list.len();
        let (arn, principal) = match index < users {
            true => {
                let user = &account.user_detail_list[index];
                (&user.arn, Principal::of_user(account, user))
            }
            false => {
                let role = &account.role_detail_list[index - users];
                (&role.arn, Principal::of_role(account, role))
            }
        };
        (arn.clone().unwrap_or_default(), principal)
    }

    pub fn of_user(account: &AuthorizationDetails, user: &UserDetail) -> Result<Principal> {
        let arn = user.arn.clone().unwrap_or_default();
        let mut policies = Vec::new();
        inline(&user.user_policy_list, "", &mut policies)?;
        attached(account, &user.attached_managed_policies, &mut policies)?;
        for group_name in &user.group_list {
            let Some(group) = account
                .group_detail_list
                .iter()
                .find(|group| group.group_name.as_deref() == Some(group_name))
            else {
                continue;
            };
            policies.extend(Principal::group_policies(account, group)?);
        }
        boundary(account, user.permissions_boundary.as_ref(), &mut policies)?;
        let mut context = principal_context(&arn, "User", &user.tags);
        if let Some(name) = &user.user_name {
            context.push(("aws:username".to_owned(), vec![name.clone()]));
        }
        if let Some(id) = &user.user_id {
            context.push(("aws:userid".to_owned(), vec![id.clone()]));
        }
        Ok(Principal {
            arn,
            policies,
            context,
        })
    }

    pub fn of_role(account: &AuthorizationDetails, role: &RoleDetail) -> Result<Principal> {
        let arn = role.arn.clone().unwrap_or_default();
        let mut policies = Vec::new();
        inline(&role.role_policy_list, "", &mut policies)?;
        attached(account, &role.attached_managed_policies, &mut policies)?;
        boundary(account, role.permissions_boundary.as_ref(), &mut policies)?;
        let context = principal_context(&arn, "AssumedRole", &role.tags);
        Ok(Principal {
            arn,
            policies,
            context,
        })
    }

    /// A group's policies, inline and attached, as its members get them.
    pub fn group_policies(
        account: &AuthorizationDetails,
        group: &GroupDetail,
    ) -> Result<Vec<NamedPolicy>> {
        let name = group.group_name.as_deref().unwrap_or("?");
        let mut policies = Vec::new();
        inline(
            &group.group_policy_list,
            &format!("group {name} "),
            &mut policies,
        )?;
        attached(account, &group.attached_managed_policies, &mut policies)?;
        Ok(policies)
    }

    /// The request's context: the principal's keys, with `given` ones added or replacing
    /// them (the request says best what it carries).
    pub fn context_with(&self, given: &[(String, Vec<String>)]) -> Vec<(String, Vec<String>)> {
        let mut keys = self.context.clone();
        for (key, values) in given {
            match keys
                .iter_mut()
                .find(|(known, _)| known.eq_ignore_ascii_case(key))
            {
                Some((_, known)) => *known = values.clone(),
                None => keys.push((key.clone(), values.clone())),
            }
        }
        keys
    }

    /// Keys whose absence the principal decides: its tags are all known.
    pub fn decided_keys() -> Vec<String> {
        [
            "aws:principalarn",
            "aws:principalaccount",
            "aws:principaltype",
            "aws:username",
            "aws:principaltag/",
        ]
        .map(str::to_owned)
        .to_vec()
    }
}
