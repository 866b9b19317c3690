//! Turning `GetAccountAuthorizationDetails` pages from the SDK into the account file model
//! ([`crate::account_file`]): the CLI's dates (`2024-01-31T12:00:00+00:00`) and policy
//! documents as JSON objects rather than the URL-encoded strings the service sends.

use aws_sdk_iam::operation::get_account_authorization_details::GetAccountAuthorizationDetailsOutput;
use aws_sdk_iam::primitives::{DateTime, DateTimeFormat};
use aws_sdk_iam::types as sdk;
use serde_json::Value;

use crate::account_file::{
    AttachedPolicy, AuthorizationDetails, GroupDetail, InstanceProfile, ManagedPolicyDetail,
    PermissionsBoundary, PolicyDetail, PolicyVersion, Role, RoleDetail, RoleLastUsed, Tag,
    UserDetail, decode_policy_document,
};
use crate::error::{Error, Result};

impl AuthorizationDetails {
    /// Appends one page, decoding its policy documents. `context` names the profile for errors.
    pub(super) fn extend_from(
        &mut self,
        page: GetAccountAuthorizationDetailsOutput,
        context: &str,
    ) -> Result<()> {
        let decoder = Decoder { context };
        for user in page.user_detail_list.unwrap_or_default() {
            let name = user.user_name.clone().unwrap_or_default();
            self.user_detail_list.push(UserDetail {
                path: user.path,
                user_name: user.user_name,
                user_id: user.user_id,
                arn: user.arn,
                create_date: user.create_date.as_ref().map(cli_date),
                user_policy_list: decoder.inline(user.user_policy_list, "user", &name)?,
                group_list: user.group_list.unwrap_or_default(),
                attached_managed_policies: attached(user.attached_managed_policies),
                permissions_boundary: user.permissions_boundary.map(boundary),
                tags: tags(user.tags),
            });
        }
        for group in page.group_detail_list.unwrap_or_default() {
            let name = group.group_name.clone().unwrap_or_default();
            self.group_detail_list.push(GroupDetail {
                path: group.path,
                group_name: group.group_name,
                group_id: group.group_id,
                arn: group.arn,
                create_date: group.create_date.as_ref().map(cli_date),
                group_policy_list: decoder.inline(group.group_policy_list, "group", &name)?,
                attached_managed_policies: attached(group.attached_managed_policies),
            });
        }
        for role in page.role_detail_list.unwrap_or_default() {
            let name = role.role_name.clone().unwrap_or_default();
            let trust = decoder.optional(role.assume_role_policy_document.as_deref(), || {
                format!("trust policy of role {name}")
            })?;
            let instance_profiles = role
                .instance_profile_list
                .unwrap_or_default()
                .into_iter()
                .map(|profile| decoder.instance_profile(profile))
                .collect::<Result<Vec<_>>>()?;
            self.role_detail_list.push(RoleDetail {
                path: role.path,
                role_name: role.role_name,
                role_id: role.role_id,
                arn: role.arn,
                create_date: role.create_date.as_ref().map(cli_date),
                assume_role_policy_document: trust,
                instance_profile_list: instance_profiles,
                role_policy_list: decoder.inline(role.role_policy_list, "role", &name)?,
                attached_managed_policies: attached(role.attached_managed_policies),
                permissions_boundary: role.permissions_boundary.map(boundary),
                tags: tags(role.tags),
                role_last_used: role.role_last_used.map(last_used),
            });
        }
        for policy in page.policies.unwrap_or_default() {
            // The service always names the policy; moto (5.2) sends only the ARN, whose last
            // part is the name.
            let policy_name = policy.policy_name.clone().or_else(|| {
                let arn = policy.arn.as_deref()?;
                let resource = arn.splitn(6, ':').nth(5)?;
                resource
                    .starts_with("policy/")
                    .then(|| resource.rsplit('/').next())?
                    .map(str::to_owned)
            });
            let name = policy_name.clone().unwrap_or_default();
            let versions = policy
                .policy_version_list
                .unwrap_or_default()
                .into_iter()
                .map(|version| {
                    let id = version.version_id.clone().unwrap_or_default();
                    Ok(PolicyVersion {
                        document: decoder.optional(version.document.as_deref(), || {
                            format!("version {id} of managed policy {name}")
                        })?,
                        version_id: version.version_id,
                        is_default_version: version.is_default_version,
                        create_date: version.create_date.as_ref().map(cli_date),
                    })
                })
                .collect::<Result<Vec<_>>>()?;
            self.policies.push(ManagedPolicyDetail {
                policy_name,
                policy_id: policy.policy_id,
                arn: policy.arn,
                path: policy.path,
                default_version_id: policy.default_version_id,
                attachment_count: policy.attachment_count,
                permissions_boundary_usage_count: policy.permissions_boundary_usage_count,
                is_attachable: policy.is_attachable,
                description: policy.description,
                create_date: policy.create_date.as_ref().map(cli_date),
                update_date: policy.update_date.as_ref().map(cli_date),
                policy_version_list: versions,
            });
        }
        Ok(())
    }
}

/// Decodes documents, naming the entity and profile when one is not JSON.
struct Decoder<'a> {
    context: &'a str,
}

impl Decoder<'_> {
    fn optional(&self, raw: Option<&str>, what: impl FnOnce() -> String) -> Result<Option<Value>> {
        let Some(raw) = raw else { return Ok(None) };
        decode_policy_document(raw)
            .map(Some)
            .map_err(|message| Error::InvalidInput {
                what: format!("{}: {}", self.context, what()),
                message,
            })
    }

    fn inline(
        &self,
        policies: Option<Vec<sdk::PolicyDetail>>,
        kind: &str,
        owner: &str,
    ) -> Result<Vec<PolicyDetail>> {
        policies
            .unwrap_or_default()
            .into_iter()
            .map(|policy| {
                let name = policy.policy_name.clone().unwrap_or_default();
                Ok(PolicyDetail {
                    policy_document: self.optional(policy.policy_document.as_deref(), || {
                        format!("inline policy {name} of {kind} {owner}")
                    })?,
                    policy_name: policy.policy_name,
                })
            })
            .collect()
    }

    fn instance_profile(&self, profile: sdk::InstanceProfile) -> Result<InstanceProfile> {
        let roles = profile
            .roles
            .into_iter()
            .map(|role| {
                let name = role.role_name.clone();
                Ok(Role {
                    assume_role_policy_document: self
                        .optional(role.assume_role_policy_document.as_deref(), || {
                            format!("trust policy of role {name}")
                        })?,
                    path: role.path,
                    role_name: role.role_name,
                    role_id: role.role_id,
                    arn: role.arn,
                    create_date: cli_date(&role.create_date),
                    description: role.description,
                    max_session_duration: role.max_session_duration,
                    permissions_boundary: role.permissions_boundary.map(boundary),
                    tags: tags(role.tags),
                    role_last_used: role.role_last_used.map(last_used),
                })
            })
            .collect::<Result<Vec<_>>>()?;
        Ok(InstanceProfile {
            path: profile.path,
            instance_profile_name: profile.instance_profile_name,
            instance_profile_id: profile.instance_profile_id,
            arn: profile.arn,
            create_date: cli_date(&profile.create_date),
            roles,
            tags: tags(profile.tags),
        })
    }
}

/// A date as the AWS CLI prints it: `2024-01-31T12:00:00+00:00`, with microseconds only when
/// there are some (Python's `isoformat`).
fn cli_date(date: &DateTime) -> String {
    let seconds = date.secs();
    let whole = DateTime::from_secs(seconds)
        .fmt(DateTimeFormat::DateTime)
        .unwrap_or_else(|_| seconds.to_string());
    let base = whole.trim_end_matches('Z');
    let micros = date.subsec_nanos() / 1_000;
    if micros == 0 {
        format!("{base}+00:00")
    } else {
        format!("{base}.{micros:06}+00:00")
    }
}

fn attached(policies: Option<Vec<sdk::AttachedPolicy>>) -> Vec<AttachedPolicy> {
    policies
        .unwrap_or_default()
        .into_iter()
        .map(|policy| AttachedPolicy {
            policy_name: policy.policy_name,
            policy_arn: policy.policy_arn,
        })
        .collect()
}

fn boundary(boundary: sdk::AttachedPermissionsBoundary) -> PermissionsBoundary {
    PermissionsBoundary {
        permissions_boundary_type: boundary
            .permissions_boundary_type
            .map(|kind| kind.as_str().to_owned()),
        permissions_boundary_arn: boundary.permissions_boundary_arn,
    }
}

fn tags(tags: Option<Vec<sdk::Tag>>) -> Vec<Tag> {
    tags.unwrap_or_default()
        .into_iter()
        .map(|tag| Tag {
            key: tag.key,
            value: tag.value,
        })
        .collect()
}

fn last_used(last_used: sdk::RoleLastUsed) -> RoleLastUsed {
    RoleLastUsed {
        last_used_date: last_used.last_used_date.as_ref().map(cli_date),
        region: last_used.region,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn dates_print_as_the_cli_prints_them() {
        assert_eq!(
            cli_date(&DateTime::from_secs(1_700_000_000)),
            "2023-11-14T22:13:20+00:00"
        );
        assert_eq!(
            cli_date(&DateTime::from_secs_and_nanos(1_700_000_000, 123_456_789)),
            "2023-11-14T22:13:20.123456+00:00"
        );
    }
}
