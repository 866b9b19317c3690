//! Service control policies (SCPs) and resource control policies (RCPs) by level of the
//! organization, root first. At every level some policy must allow; a Deny anywhere denies.
//!
//! Two inputs:
//! - a folder ([`organization_folder`], given the files the caller's walk found): each
//!   `*.json` file directly in it is a level of its own, and each subfolder is one level
//!   holding the `*.json` files under it (several policies attached to one OU), in name
//!   order;
//! - a file ([`organization_file`]): one policy document (one level), or what
//!   `aws organizations` says of the path from the root to the account, a JSON array of
//!   levels, each
//!   `{"Target": "r-…|ou-…|ACCOUNT", "Policies": [P, …]}` where P is the output of
//!   `aws organizations describe-policy` (`{"Policy": {"PolicySummary": {…}, "Content": "…"}}`)
//!   or its `Policy` object. Each policy's `PolicySummary.Type` says SCP or RCP.
//!
//! ```
//! use policy_sentry::simulate::PolicyKind;
//! use policy_sentry::simulate::organization::{OrganizationPolicy, parse_organization};
//!
//! let levels = r#"[
//!   {"Target": "r-ab12", "Policies": [{"Policy": {"PolicySummary": {"Name": "FullAWSAccess",
//!     "Type": "SERVICE_CONTROL_POLICY"}, "Content": "{\"Version\":\"2012-10-17\",\"Statement\":[{\"Effect\":\"Allow\",\"Action\":\"*\",\"Resource\":\"*\"}]}"}}]},
//!   {"Target": "ou-ab12-cd34", "Policies": [{"PolicySummary": {"Name": "NoDeletes",
//!     "Type": "SERVICE_CONTROL_POLICY"}, "Content": "{\"Statement\":[{\"Effect\":\"Allow\",\"Action\":\"*\",\"Resource\":\"*\"},{\"Effect\":\"Deny\",\"Action\":\"s3:Delete*\",\"Resource\":\"*\"}]}"}]}
//! ]"#;
//! let policies = parse_organization(levels, "org.json", OrganizationPolicy::Scp)?;
//! assert_eq!(policies.len(), 2);
//! assert_eq!(policies[1].kind, PolicyKind::Scp(1));
//! assert_eq!(policies[1].name, "ou-ab12-cd34 NoDeletes");
//! # Ok::<(), policy_sentry::Error>(())
//! ```

use std::path::{Path, PathBuf};

use serde::Deserialize;

use super::{NamedPolicy, PolicyKind};
use crate::analyze::PolicyDocument;
use crate::error::{Error, Result};

/// Which organization policies a folder holds (a file says for itself).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum OrganizationPolicy {
    Scp,
    Rcp,
}

impl OrganizationPolicy {
    fn kind(self, level: u16) -> PolicyKind {
        match self {
            OrganizationPolicy::Scp => PolicyKind::Scp(level),
            OrganizationPolicy::Rcp => PolicyKind::Rcp(level),
        }
    }
}

#[derive(Debug, Deserialize)]
#[serde(rename_all = "PascalCase")]
struct Level {
    #[serde(default)]
    target: Option<String>,
    policies: Vec<Described>,
}

/// `describe-policy`'s output, or its `Policy`.
#[derive(Debug, Deserialize)]
#[serde(untagged)]
enum Described {
    Wrapped {
        #[serde(rename = "Policy")]
        policy: Policy,
    },
    Bare(Policy),
}

#[derive(Debug, Deserialize)]
#[serde(rename_all = "PascalCase")]
struct Policy {
    policy_summary: Summary,
    content: String,
}

#[derive(Debug, Deserialize)]
#[serde(rename_all = "PascalCase")]
struct Summary {
    #[serde(default)]
    name: Option<String>,
    #[serde(default)]
    id: Option<String>,
    #[serde(rename = "Type", default)]
    kind: Option<String>,
}

/// Parses an `aws organizations` levels file; `default` is the kind of a policy whose
/// summary has no `Type`.
pub fn parse_organization(
    text: &str,
    source: &str,
    default: OrganizationPolicy,
) -> Result<Vec<NamedPolicy>> {
    let levels: Vec<Level> =
        serde_json::from_str(text).map_err(|error| Error::invalid_json(source, &error))?;
    let mut policies = Vec::new();
    for (index, level) in levels.into_iter().enumerate() {
        let level_number = u16::try_from(index).map_err(|_| Error::InvalidInput {
            what: source.to_owned(),
            message: "more levels than an organization can have".to_owned(),
        })?;
        let target = level.target.unwrap_or_else(|| format!("level {index}"));
        for described in level.policies {
            let policy = match described {
                Described::Wrapped { policy } | Described::Bare(policy) => policy,
            };
            let summary = &policy.policy_summary;
            let label = summary
                .name
                .as_deref()
                .or(summary.id.as_deref())
                .unwrap_or("?");
            let name = format!("{target} {label}");
            let kind = match summary.kind.as_deref() {
                None => default,
                Some("SERVICE_CONTROL_POLICY") => OrganizationPolicy::Scp,
                Some("RESOURCE_CONTROL_POLICY") => OrganizationPolicy::Rcp,
                // Tag, backup and other policies do not decide access.
                Some(_) => continue,
            };
            let document =
                PolicyDocument::parse_named(&policy.content, &format!("{source}: {name}"))?;
            policies.push(NamedPolicy {
                kind: kind.kind(level_number),
                name,
                document,
            });
        }
    }
    Ok(policies)
}

/// Reads one file: a policy (one level), or an organizations levels file (see the module's
/// documentation).
pub fn organization_file(path: &Path, kind: OrganizationPolicy) -> Result<Vec<NamedPolicy>> {
    let text = std::fs::read_to_string(path).map_err(|source| Error::io(path, source))?;
    let source = path.display().to_string();
    if text.trim_start().starts_with('[') {
        return parse_organization(&text, &source, kind);
    }
    Ok(vec![NamedPolicy {
        kind: kind.kind(0),
        document: PolicyDocument::parse_named(&text, &source)?,
        name: source,
    }])
}

/// Reads the `*.json` files found under the folder `root` (named, in name order, as the
/// caller's walk gives them) by level: a file directly in `root` is a level of its own, the
/// files under one subfolder are one level.
pub fn organization_folder(
    root: &Path,
    files: &[(String, PathBuf)],
    kind: OrganizationPolicy,
) -> Result<Vec<NamedPolicy>> {
    let too_many = || Error::InvalidInput {
        what: root.display().to_string(),
        message: "more levels than an organization can have".to_owned(),
    };
    let mut policies = Vec::new();
    let mut level: u16 = 0;
    let mut current: Option<PathBuf> = None;
    for (name, file) in files {
        let relative = file.strip_prefix(root).unwrap_or(file);
        let subfolder = match relative.components().count() {
            1 => None,
            _ => relative
                .components()
                .next()
                .map(|c| PathBuf::from(c.as_os_str())),
        };
        // A new level for every top-level file, and for the first file of each subfolder.
        if !policies.is_empty() && (subfolder.is_none() || subfolder != current) {
            level = level.checked_add(1).ok_or_else(too_many)?;
        }
        current = subfolder;
        policies.push(NamedPolicy {
            kind: kind.kind(level),
            document: PolicyDocument::from_path(file)?,
            name: name.clone(),
        });
    }
    if policies.is_empty() {
        return Err(Error::InvalidInput {
            what: root.display().to_string(),
            message: "no .json policy files".to_owned(),
        });
    }
    Ok(policies)
}
