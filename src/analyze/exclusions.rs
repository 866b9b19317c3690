//! The exclusions file of an account audit (YAML): policies, roles, users and groups to skip,
//! actions to add to or drop from findings, and accounts trusted in role trust policies. Names
//! match exactly or as case-insensitive globs (`AWSServiceRoleFor*`, `*ServiceRolePolicy`),
//! against the name or the path. This module decides what is excluded, not what is risky.

use std::path::Path;

use serde::{Deserialize, Serialize};

use super::report::Config;
use crate::error::{Error, Result};
use crate::glob::CaselessGlob;

/// What an account audit leaves out.
///
/// ```
/// use policy_sentry::analyze::exclusions::Exclusions;
///
/// let exclusions = Exclusions::parse("policies: [\"AWSServiceRoleFor*\"]\nroles: [admin]\n", "e.yml")?;
/// assert!(exclusions.excludes_policy("awsservicerolefordynamodb", "/"));
/// assert!(exclusions.excludes_role("Admin", "/"));
/// assert!(!exclusions.excludes_role("administrator", "/"));
/// # Ok::<(), policy_sentry::Error>(())
/// ```
#[derive(Debug, Clone, Default, PartialEq, Eq, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct Exclusions {
    /// Policy names or paths.
    #[serde(default, deserialize_with = "strings")]
    pub policies: Vec<String>,
    /// Role names or paths.
    #[serde(default, deserialize_with = "strings")]
    pub roles: Vec<String>,
    /// User names or paths.
    #[serde(default, deserialize_with = "strings")]
    pub users: Vec<String>,
    /// Group names or paths.
    #[serde(default, deserialize_with = "strings")]
    pub groups: Vec<String>,
    /// More actions to report as DataExfiltration.
    #[serde(default, rename = "include-actions", deserialize_with = "strings")]
    pub include_actions: Vec<String>,
    /// Actions never reported.
    #[serde(default, rename = "exclude-actions", deserialize_with = "strings")]
    pub exclude_actions: Vec<String>,
    /// Account IDs trusted in trust policies: not reported as cross-account principals.
    #[serde(default, rename = "known-accounts", deserialize_with = "strings")]
    pub known_accounts: Vec<String>,
}

/// A list of strings where empty entries and nulls (`- ""`, `-`) are dropped, and numbers
/// (account IDs written unquoted) are taken as text.
fn strings<'de, D: serde::Deserializer<'de>>(deserializer: D) -> Result<Vec<String>, D::Error> {
    #[derive(Deserialize)]
    #[serde(untagged)]
    enum Item {
        Text(String),
        Number(u64),
        Null(()),
    }
    let items: Option<Vec<Item>> = Option::deserialize(deserializer)?;
    Ok(items
        .unwrap_or_default()
        .into_iter()
        .filter_map(|item| match item {
            Item::Text(text) if !text.trim().is_empty() => Some(text),
            Item::Number(number) => Some(format!("{number:012}")),
            _ => None,
        })
        .collect())
}

/// The file `create-exclusions-file` writes, and the exclusions used when none are given.
pub const TEMPLATE: &str = r#"# policy_sentry exclusions for `analyze account`.
# Names match exactly or as globs with `*` (at either end), case-insensitively, against the
# name or the path (without its leading slash).

# Policies to skip (managed or inline).
policies:
  - "AWSServiceRoleFor*"
  - "*ServiceRolePolicy"
  - "*ServiceLinkedRolePolicy"
  - "service-role*"
  - "aws-service-role*"
# Principals to skip.
roles:
  - "service-role*"
  - "aws-service-role*"
users: []
groups: []
# More actions to report as DataExfiltration when allowed without resource constraint,
# e.g. "kms:Decrypt" or "dynamodb:GetItem".
include-actions: []
# Actions never reported in findings.
exclude-actions: []
# Your organisation's account IDs: roles they may assume are not reported as
# AssumableByCrossAccountPrincipal.
known-accounts: []
"#;

fn name_matches(patterns: &[String], name: &str, path: &str) -> bool {
    Matcher::new(patterns).matches(name, path)
}

/// One list of name patterns, compiled once for matching many names.
pub(crate) struct Matcher(Vec<CaselessGlob>);

impl Matcher {
    pub(crate) fn new(patterns: &[String]) -> Matcher {
        Matcher(
            patterns
                .iter()
                .map(|pattern| CaselessGlob::new(pattern.trim_start_matches('/')))
                .collect(),
        )
    }

    /// Whether the name, or the path without its leading slash, matches a pattern.
    pub(crate) fn matches(&self, name: &str, path: &str) -> bool {
        let path = path.trim_start_matches('/');
        self.0
            .iter()
            .any(|glob| glob.matches(name) || (!path.is_empty() && glob.matches(path)))
    }
}

/// The name lists of an [`Exclusions`], compiled.
pub(crate) struct Matchers {
    pub(crate) policies: Matcher,
    pub(crate) roles: Matcher,
    pub(crate) users: Matcher,
    pub(crate) groups: Matcher,
}

impl Exclusions {
    /// The default exclusions ([`TEMPLATE`]).
    pub fn defaults() -> Exclusions {
        Exclusions::parse(TEMPLATE, "<default exclusions>").unwrap_or_default()
    }

    /// Parses exclusions YAML; errors name `source` and the position.
    pub fn parse(text: &str, source: &str) -> Result<Exclusions> {
        if text.trim().is_empty() {
            return Ok(Exclusions::default());
        }
        serde_norway::from_str(text).map_err(|error| {
            let (line, column) = error
                .location()
                .map_or((0, 0), |at| (at.line(), at.column()));
            let mut message = error.to_string();
            if let Some(at) = message.find(" at line ") {
                message.truncate(at);
            }
            Error::InvalidPolicy {
                source_name: source.to_owned(),
                line,
                column,
                message,
            }
        })
    }

    /// Reads an exclusions file.
    pub fn from_path(path: &Path) -> Result<Exclusions> {
        let text = std::fs::read_to_string(path).map_err(|source| Error::io(path, source))?;
        Exclusions::parse(&text, &path.display().to_string())
    }

    /// The name lists compiled, for matching many names.
    pub(crate) fn matchers(&self) -> Matchers {
        Matchers {
            policies: Matcher::new(&self.policies),
            roles: Matcher::new(&self.roles),
            users: Matcher::new(&self.users),
            groups: Matcher::new(&self.groups),
        }
    }

    /// Whether a policy is skipped.
    pub fn excludes_policy(&self, name: &str, path: &str) -> bool {
        name_matches(&self.policies, name, path)
    }

    /// Whether a role is skipped.
    pub fn excludes_role(&self, name: &str, path: &str) -> bool {
        name_matches(&self.roles, name, path)
    }

    /// Whether a user is skipped.
    pub fn excludes_user(&self, name: &str, path: &str) -> bool {
        name_matches(&self.users, name, path)
    }

    /// Whether a group is skipped.
    pub fn excludes_group(&self, name: &str, path: &str) -> bool {
        name_matches(&self.groups, name, path)
    }

    /// Whether an account ID is trusted.
    pub fn is_known_account(&self, account: &str) -> bool {
        self.known_accounts.iter().any(|known| known == account)
    }

    /// A configuration with this file's include and exclude actions added.
    pub fn apply_to(&self, config: &Config) -> Config {
        let mut config = config.clone();
        config
            .include_actions
            .extend(self.include_actions.iter().cloned());
        config
            .exclude_actions
            .extend(self.exclude_actions.iter().cloned());
        config
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn template_parses_and_matches() {
        let exclusions = Exclusions::defaults();
        assert_eq!(exclusions.policies.len(), 5);
        assert!(exclusions.excludes_policy("AmazonECSServiceRolePolicy", "/"));
        assert!(exclusions.excludes_policy("Anything", "/service-role/"));
        assert!(exclusions.excludes_role("MyRole", "/aws-service-role/ecs.amazonaws.com/"));
        assert!(!exclusions.excludes_role("MyRole", "/"));
        assert!(exclusions.users.is_empty());
    }

    #[test]
    fn blanks_numbers_and_errors() {
        let exclusions = Exclusions::parse(
            "users: [\"\"]\nknown-accounts: [123456789012, \"0001\"]\n",
            "e",
        )
        .unwrap();
        assert!(exclusions.users.is_empty());
        assert_eq!(exclusions.known_accounts, ["123456789012", "0001"]);
        let error = Exclusions::parse("policy: [x]\n", "e.yml").unwrap_err();
        assert!(
            error
                .to_string()
                .starts_with("e.yml:1:1: unknown field `policy`"),
            "{error}"
        );
        assert!(Exclusions::parse("roles: 3\n", "e.yml").is_err());
    }
}
