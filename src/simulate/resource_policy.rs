//! Whom a resource-based policy statement (a bucket policy, a key policy, a role's trust
//! policy) names, and whether that is the caller: by its ARN, by its account, or everyone.
//! The caller is the request's `aws:PrincipalArn`, its account `aws:PrincipalAccount`.

use crate::account_file::{AuthorizationDetails, account_of_arn, document_value};
use crate::analyze::PolicyDocument;
use crate::analyze::policy::{Principal, Statement};
use crate::error::{Error, Result};

use super::{Context, NamedPolicy, PolicyKind};

/// A role's trust policy (an object, or URL-encoded as the IAM API returns it), named
/// `trust policy of ROLE`.
pub fn trust_policy(value: &serde_json::Value, role: &str) -> Result<NamedPolicy> {
    let name = format!("trust policy of {role}");
    let value = document_value(value).map_err(|message| Error::InvalidPolicy {
        source_name: name.clone(),
        line: 0,
        column: 0,
        message,
    })?;
    Ok(NamedPolicy {
        kind: PolicyKind::TrustPolicy,
        document: PolicyDocument::from_value(&value, &name)?,
        name,
    })
}

/// The trust policy that must allow a request: for `sts:AssumeRole…` on a role of the
/// account file, that role's; `None` for other requests.
pub fn trust_policy_for(
    account: &AuthorizationDetails,
    action: &str,
    resource: &str,
) -> Result<Option<NamedPolicy>> {
    if !action.to_ascii_lowercase().starts_with("sts:assumerole") {
        return Ok(None);
    }
    let role = account
        .role_detail_list
        .iter()
        .find(|role| role.arn.as_deref() == Some(resource));
    match role.and_then(|role| role.assume_role_policy_document.as_ref()) {
        Some(value) => trust_policy(value, resource).map(Some),
        None => Ok(None),
    }
}

/// Resource-based policies by the ARN of the resource they are attached to, as a JSON
/// object `{"arn:aws:s3:::bucket": {policy}, …}` (the `Policy` string a `get-…-policy` call
/// returns works too, URL-encoded or not).
///
/// ```
/// use policy_sentry::simulate::resource_policy::ResourcePolicies;
///
/// let policies = ResourcePolicies::parse(r#"{"arn:aws:s3:::prod-data": {"Version": "2012-10-17",
///     "Statement": [{"Effect": "Allow", "Principal": {"AWS": "arn:aws:iam::111122223333:role/app"},
///     "Action": "s3:GetObject", "Resource": "arn:aws:s3:::prod-data/*"}]}}"#, "policies.json")?;
/// // A bucket's policy also governs its objects.
/// assert_eq!(policies.for_resource("arn:aws:s3:::prod-data/report.csv").len(), 1);
/// assert!(policies.for_resource("arn:aws:s3:::other/report.csv").is_empty());
/// # Ok::<(), policy_sentry::Error>(())
/// ```
#[derive(Debug, Clone, Default)]
pub struct ResourcePolicies {
    policies: Vec<(String, NamedPolicy)>,
}

impl ResourcePolicies {
    pub fn parse(text: &str, source: &str) -> Result<ResourcePolicies> {
        let map: indexmap::IndexMap<String, serde_json::Value> =
            serde_json::from_str(text).map_err(|error| Error::invalid_json(source, &error))?;
        let mut policies = Vec::new();
        for (arn, value) in map {
            let name = format!("resource policy of {arn}");
            let value = document_value(&value).map_err(|message| Error::InvalidInput {
                what: format!("{source}: {arn}"),
                message,
            })?;
            let document = PolicyDocument::from_value(&value, &format!("{source}: {arn}"))?;
            policies.push((
                arn,
                NamedPolicy {
                    kind: PolicyKind::ResourcePolicy,
                    name,
                    document,
                },
            ));
        }
        Ok(ResourcePolicies { policies })
    }

    pub fn from_path(path: &std::path::Path) -> Result<ResourcePolicies> {
        let text = std::fs::read_to_string(path).map_err(|source| Error::io(path, source))?;
        ResourcePolicies::parse(&text, &path.display().to_string())
    }

    /// The policies of the resource, or of the resource it is inside (a bucket for an
    /// object: `arn:aws:s3:::bucket` for `arn:aws:s3:::bucket/key`); a KMS key's policy as
    /// [`PolicyKind::TrustPolicy`], since it must allow.
    pub fn for_resource(&self, resource: &str) -> Vec<NamedPolicy> {
        self.policies
            .iter()
            .filter(|(arn, _)| {
                resource == arn
                    || resource
                        .strip_prefix(arn.as_str())
                        .is_some_and(|rest| rest.starts_with('/'))
            })
            .map(|(_, policy)| {
                let mut policy = policy.clone();
                // A key policy must allow, as a trust policy must.
                if is_kms_key(resource) {
                    policy.kind = PolicyKind::TrustPolicy;
                }
                policy
            })
            .collect()
    }
}

/// Whether the resource is a KMS key (or alias) ARN, whose key policy must allow.
pub fn is_kms_key(resource: &str) -> bool {
    resource.starts_with("arn:") && resource.split(':').nth(2) == Some("kms")
}

/// How a statement names the caller, when it does.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum Named {
    /// By its account (`123456789012` or `arn:aws:iam::123456789012:root`): within that
    /// account the caller's identity policies must allow too.
    Account,
    /// By its own ARN (or, with `NotPrincipal`, by leaving it out).
    Directly,
    /// As everyone (`"*"`), which takes a role's sessions too: a role's permissions
    /// boundary does not limit such a grant, as it limits one naming the role's ARN.
    Everyone,
}

/// The caller's ARN and account, from the context.
pub fn caller(context: &Context) -> (Option<&str>, Option<&str>) {
    let arn = context
        .get("aws:PrincipalArn")
        .and_then(|values| values.first())
        .map(String::as_str);
    let account = context
        .get("aws:PrincipalAccount")
        .and_then(|values| values.first())
        .map(String::as_str)
        .or_else(|| arn.and_then(account_of_arn));
    (arn, account)
}

/// How one `AWS` principal value names the caller.
fn names(value: &str, arn: Option<&str>, account: Option<&str>) -> Option<Named> {
    if value == "*" {
        return Some(Named::Everyone);
    }
    if arn.is_some_and(|arn| arn == value || arn.eq_ignore_ascii_case(value)) {
        return Some(Named::Directly);
    }
    let account = account?;
    let root = value
        .strip_prefix("arn:")
        .and_then(|rest| rest.split_once(":iam::"))
        .and_then(|(_, rest)| rest.strip_suffix(":root"));
    (value == account || root == Some(account)).then_some(Named::Account)
}

fn principal_names(principal: &Principal, context: &Context) -> Option<Named> {
    let (arn, account) = caller(context);
    principal
        .values("AWS")
        .into_iter()
        .filter_map(|value| names(value, arn, account))
        .max()
}

/// How the statement's `Principal` (or `NotPrincipal`) takes the caller; `None` when it
/// does not, or names no principal at all.
pub fn statement_names(statement: &Statement, context: &Context) -> Option<Named> {
    if let Some(principal) = &statement.principal {
        return principal_names(principal, context);
    }
    // NotPrincipal: everyone but those listed (an account listed excludes its principals).
    let listed = statement.not_principal.as_ref()?;
    match principal_names(listed, context) {
        Some(_) => None,
        None => Some(Named::Directly),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::analyze::PolicyDocument;

    fn named(principal: &str, arn: &str) -> Option<Named> {
        let document = PolicyDocument::parse(&format!(
            r#"{{"Statement": [{{"Effect": "Allow", "Action": "s3:GetObject", "Resource": "*", {principal}}}]}}"#
        ))
        .unwrap();
        let context =
            Context::complete_from([("aws:PrincipalArn".to_owned(), vec![arn.to_owned()])]);
        statement_names(&document.statements[0], &context)
    }

    #[test]
    fn names_by_arn_account_or_everyone() {
        let alice = "arn:aws:iam::111122223333:user/alice";
        assert_eq!(
            named(&format!(r#""Principal": {{"AWS": "{alice}"}}"#), alice),
            Some(Named::Directly)
        );
        assert_eq!(named(r#""Principal": "*""#, alice), Some(Named::Everyone));
        assert_eq!(
            named(r#""Principal": {"AWS": "111122223333"}"#, alice),
            Some(Named::Account)
        );
        assert_eq!(
            named(
                r#""Principal": {"AWS": ["arn:aws:iam::111122223333:root", "arn:aws:iam::111122223333:user/alice"]}"#,
                alice
            ),
            Some(Named::Directly)
        );
        assert_eq!(
            named(
                r#""Principal": {"AWS": "arn:aws:iam::999999999999:root"}"#,
                alice
            ),
            None
        );
        assert_eq!(
            named(
                r#""Principal": {"AWS": "arn:aws:iam::111122223333:user/bob"}"#,
                alice
            ),
            None
        );
        assert_eq!(
            named(r#""Principal": {"Service": "lambda.amazonaws.com"}"#, alice),
            None
        );
        assert_eq!(
            named(
                r#""NotPrincipal": {"AWS": "arn:aws:iam::111122223333:user/bob"}"#,
                alice
            ),
            Some(Named::Directly)
        );
        assert_eq!(
            named(r#""NotPrincipal": {"AWS": "111122223333"}"#, alice),
            None
        );
    }
}
