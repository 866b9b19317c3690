//! The account file: `GetAccountAuthorizationDetails` in the shape the AWS CLI prints it
//! (`aws iam get-account-authorization-details`), with the CLI's field names, its dates
//! (`2024-01-31T12:00:00+00:00`) and policy documents as JSON objects rather than the
//! URL-encoded strings the service sends.
//!
//! Fields the service left out are left out; lists the service always sends are always
//! written, empty or not; `Tags` only when there are some, as the CLI shows them.

use aws_sdk_iam::operation::get_account_authorization_details::GetAccountAuthorizationDetailsOutput;
use aws_sdk_iam::primitives::{DateTime, DateTimeFormat};
use aws_sdk_iam::types as sdk;
use serde::{Deserialize, Serialize};
use serde_json::Value;

use crate::error::{Error, Result};

/// Everything `GetAccountAuthorizationDetails` returned, all pages merged.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct AuthorizationDetails {
    pub user_detail_list: Vec<UserDetail>,
    pub group_detail_list: Vec<GroupDetail>,
    pub role_detail_list: Vec<RoleDetail>,
    pub policies: Vec<ManagedPolicyDetail>,
}

#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct UserDetail {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub path: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub user_name: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub user_id: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub arn: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub create_date: Option<String>,
    #[serde(default)]
    pub user_policy_list: Vec<PolicyDetail>,
    #[serde(default)]
    pub group_list: Vec<String>,
    #[serde(default)]
    pub attached_managed_policies: Vec<AttachedPolicy>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub permissions_boundary: Option<PermissionsBoundary>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub tags: Vec<Tag>,
}

#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct GroupDetail {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub path: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub group_name: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub group_id: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub arn: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub create_date: Option<String>,
    #[serde(default)]
    pub group_policy_list: Vec<PolicyDetail>,
    #[serde(default)]
    pub attached_managed_policies: Vec<AttachedPolicy>,
}

#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct RoleDetail {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub path: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub role_name: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub role_id: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub arn: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub create_date: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub assume_role_policy_document: Option<Value>,
    #[serde(default)]
    pub instance_profile_list: Vec<InstanceProfile>,
    #[serde(default)]
    pub role_policy_list: Vec<PolicyDetail>,
    #[serde(default)]
    pub attached_managed_policies: Vec<AttachedPolicy>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub permissions_boundary: Option<PermissionsBoundary>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub tags: Vec<Tag>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub role_last_used: Option<RoleLastUsed>,
}

/// An inline policy.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct PolicyDetail {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub policy_name: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub policy_document: Option<Value>,
}

#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct AttachedPolicy {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub policy_name: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub policy_arn: Option<String>,
}

#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct PermissionsBoundary {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub permissions_boundary_type: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub permissions_boundary_arn: Option<String>,
}

#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct Tag {
    pub key: String,
    pub value: String,
}

#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct RoleLastUsed {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub last_used_date: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub region: Option<String>,
}

#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct InstanceProfile {
    pub path: String,
    pub instance_profile_name: String,
    pub instance_profile_id: String,
    pub arn: String,
    pub create_date: String,
    #[serde(default)]
    pub roles: Vec<Role>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub tags: Vec<Tag>,
}

/// A role as an instance profile lists it.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct Role {
    pub path: String,
    pub role_name: String,
    pub role_id: String,
    pub arn: String,
    pub create_date: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub assume_role_policy_document: Option<Value>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub description: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub max_session_duration: Option<i32>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub permissions_boundary: Option<PermissionsBoundary>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub tags: Vec<Tag>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub role_last_used: Option<RoleLastUsed>,
}

/// A managed policy with its versions (the default one at least).
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct ManagedPolicyDetail {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub policy_name: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub policy_id: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub arn: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub path: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub default_version_id: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub attachment_count: Option<i32>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub permissions_boundary_usage_count: Option<i32>,
    #[serde(default)]
    pub is_attachable: bool,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub description: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub create_date: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub update_date: Option<String>,
    #[serde(default)]
    pub policy_version_list: Vec<PolicyVersion>,
}

impl ManagedPolicyDetail {
    /// The document of the default version: the version flagged as default, else the one
    /// named by `DefaultVersionId`.
    pub fn default_document(&self) -> Option<&Value> {
        let flagged = self
            .policy_version_list
            .iter()
            .find(|version| version.is_default_version);
        let named = || {
            self.policy_version_list.iter().find(|version| {
                version.version_id.is_some() && version.version_id == self.default_version_id
            })
        };
        flagged.or_else(named)?.document.as_ref()
    }

    /// Whether AWS owns the policy (`arn:PARTITION:iam::aws:policy/…`).
    pub fn is_aws_managed(&self) -> bool {
        self.arn
            .as_deref()
            .and_then(|arn| arn.split(':').nth(4))
            .is_some_and(|account| account == "aws")
    }

    /// Whether a user, group or role has it attached (as the seed's `OnlyAttached` means it:
    /// permissions-boundary use does not count).
    pub fn is_attached(&self) -> bool {
        self.attachment_count.unwrap_or(0) > 0
    }
}

#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct PolicyVersion {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub document: Option<Value>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub version_id: Option<String>,
    #[serde(default)]
    pub is_default_version: bool,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub create_date: Option<String>,
}

impl AuthorizationDetails {
    /// Entities held: users, groups, roles and managed policies.
    pub fn len(&self) -> usize {
        self.user_detail_list.len()
            + self.group_detail_list.len()
            + self.role_detail_list.len()
            + self.policies.len()
    }

    /// Whether nothing is held.
    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

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

/// A policy document as JSON. The service sends documents URL-encoded (RFC 3986); some
/// stand-ins (moto) send some raw. A document that starts with `{` is raw JSON: an encoded
/// one starts with `%7B`, and decoding raw JSON would corrupt a literal `%` in it.
pub fn decode_policy_document(raw: &str) -> std::result::Result<Value, String> {
    let trimmed = raw.trim_start();
    if trimmed.starts_with('{') || trimmed.starts_with('[') {
        return serde_json::from_str(raw).map_err(|error| format!("not JSON: {error}"));
    }
    let decoded = percent_encoding::percent_decode_str(raw)
        .decode_utf8()
        .map_err(|error| format!("URL-decoded text is not UTF-8: {error}"))?;
    serde_json::from_str(&decoded).map_err(|error| format!("not JSON after URL-decoding: {error}"))
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
    use serde_json::json;

    #[test]
    fn documents_decode_encoded_and_raw() {
        let expected = json!({"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Action": "s3:GetObject", "Resource": "arn:aws:s3:::b/100%"}]});
        let raw = expected.to_string();
        let encoded =
            percent_encoding::utf8_percent_encode(&raw, percent_encoding::NON_ALPHANUMERIC)
                .to_string();
        assert!(encoded.starts_with("%7B"));
        assert_eq!(decode_policy_document(&encoded).unwrap(), expected);
        // Raw JSON with a literal `%` stays as it is.
        assert_eq!(decode_policy_document(&raw).unwrap(), expected);
        assert_eq!(
            decode_policy_document(&format!("\n  {raw}")).unwrap(),
            expected
        );
        assert!(
            decode_policy_document("%7Bnot json")
                .unwrap_err()
                .contains("not JSON")
        );
        assert!(
            decode_policy_document("%FF%FE")
                .unwrap_err()
                .contains("UTF-8")
        );
    }

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

    #[test]
    fn default_document_and_kinds() {
        let policy = ManagedPolicyDetail {
            arn: Some("arn:aws:iam::aws:policy/ReadOnlyAccess".into()),
            default_version_id: Some("v2".into()),
            attachment_count: Some(0),
            policy_version_list: vec![
                PolicyVersion {
                    document: Some(json!({"v": 1})),
                    version_id: Some("v1".into()),
                    ..PolicyVersion::default()
                },
                PolicyVersion {
                    document: Some(json!({"v": 2})),
                    version_id: Some("v2".into()),
                    ..PolicyVersion::default()
                },
            ],
            ..ManagedPolicyDetail::default()
        };
        assert_eq!(policy.default_document(), Some(&json!({"v": 2})));
        assert!(policy.is_aws_managed());
        assert!(!policy.is_attached());
        let local = ManagedPolicyDetail {
            arn: Some("arn:aws-cn:iam::123456789012:policy/x".into()),
            ..ManagedPolicyDetail::default()
        };
        assert!(!local.is_aws_managed());
    }
}
