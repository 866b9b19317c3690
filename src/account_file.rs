//! The account file: the output of `aws iam get-account-authorization-details`
//! (`GetAccountAuthorizationDetails` in the shape the AWS CLI prints it, all pages merged),
//! which `download` writes and `analyze account` reads. This module owns its model, reading
//! it from disk with positioned errors, and decoding policy documents (the service sends them
//! URL-encoded). It does not call AWS (see `download`) or analyse anything (see `analyze`).
//!
//! Field names and optional fields follow the CLI: fields the service left out are left out;
//! lists the service always sends are always written; `Tags` only when there are some.

use std::path::Path;

use serde::{Deserialize, Serialize};
use serde_json::Value;

use crate::error::{Error, Result};

/// Everything `GetAccountAuthorizationDetails` returned, all pages merged: the whole file.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
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

    /// Parses the JSON text; errors name `source` with line and column. The top level must
    /// be an object (serde would also read a struct written as an array).
    pub fn parse(text: &str, source: &str) -> Result<AuthorizationDetails> {
        let start = text.len() - text.trim_start().len();
        if text[start..].starts_with('[') {
            let before = &text[..start];
            return Err(Error::InvalidPolicy {
                source_name: source.to_owned(),
                line: before.matches('\n').count() + 1,
                column: start - before.rfind('\n').map_or(0, |newline| newline + 1) + 1,
                message: "the top level must be an object, as `aws iam \
                          get-account-authorization-details` prints it, not an array"
                    .to_owned(),
            });
        }
        serde_json::from_str(text).map_err(|error| Error::invalid_json(source, &error))
    }

    /// Reads an account file.
    pub fn from_path(path: &Path) -> Result<AuthorizationDetails> {
        let text = read_text(path).map_err(|source| Error::io(path, source))?;
        AuthorizationDetails::parse(&text, &path.display().to_string())
    }

    /// The account ID, taken from the first principal or customer-managed policy ARN.
    pub fn account_id(&self) -> Option<String> {
        let arns = self
            .user_detail_list
            .iter()
            .map(|u| u.arn.as_deref())
            .chain(self.group_detail_list.iter().map(|g| g.arn.as_deref()))
            .chain(self.role_detail_list.iter().map(|r| r.arn.as_deref()))
            .chain(self.policies.iter().map(|p| p.arn.as_deref()));
        arns.flatten()
            .filter_map(account_of_arn)
            .find(|account| *account != "aws")
            .map(str::to_owned)
    }
}

/// Reads a UTF-8 file; invalid UTF-8 is an error naming its byte offset.
fn read_text(path: &Path) -> std::io::Result<String> {
    String::from_utf8(std::fs::read(path)?).map_err(|error| {
        std::io::Error::new(
            std::io::ErrorKind::InvalidData,
            format!(
                "not UTF-8: invalid byte at offset {}",
                error.utf8_error().valid_up_to()
            ),
        )
    })
}

/// The account field of an ARN (`arn:PARTITION:SERVICE:REGION:ACCOUNT:…`), if not empty.
pub fn account_of_arn(arn: &str) -> Option<&str> {
    let mut parts = arn.split(':');
    (parts.next()? == "arn").then_some(())?;
    parts.nth(3).filter(|account| !account.is_empty())
}

/// A document field as JSON: an object as it is, a string URL-decoded and parsed (see
/// [`decode_policy_document`]).
pub fn document_value(value: &Value) -> std::result::Result<std::borrow::Cow<'_, Value>, String> {
    match value {
        Value::String(encoded) => decode_policy_document(encoded).map(std::borrow::Cow::Owned),
        other => Ok(std::borrow::Cow::Borrowed(other)),
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

    #[test]
    fn the_top_level_must_be_an_object() {
        let error = AuthorizationDetails::parse("\n  []", "a.json").unwrap_err();
        assert!(
            error
                .to_string()
                .starts_with("a.json:2:3: the top level must be an object"),
            "{error}"
        );
        assert!(
            AuthorizationDetails::parse("{}", "a.json")
                .unwrap()
                .is_empty()
        );
        let error = AuthorizationDetails::parse("{\"UserDetailList\": 3}", "a.json").unwrap_err();
        assert!(error.to_string().starts_with("a.json:1:"), "{error}");
    }

    #[test]
    fn files_that_are_not_utf8_name_the_offset() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("bad.json");
        std::fs::write(&path, b"{\"a\": \"\xff\"}").unwrap();
        let error = read_text(&path).unwrap_err();
        assert_eq!(error.to_string(), "not UTF-8: invalid byte at offset 7");
    }
}
