//! The policies a command-line path holds, for `check`, `diff` and `explain`: a policy file
//! is one policy; a Terraform plan or a CloudFormation template is each policy in it, named
//! by its place (`aws_iam_role.app.assume_role_policy`, `Resources.AppRole.PolicyDocument`).

use std::path::Path;

use policy_sentry::analyze::PolicyDocument;
use policy_sentry::analyze::positions::statement_positions;
use policy_sentry::analyze::sources::{Source, read_source};
use policy_sentry::error::Error;

use super::CliError;

/// One policy read from a file.
#[derive(Debug)]
pub struct InputPolicy {
    /// How reports name it: the file's name, or `name: place` for a policy inside a plan or
    /// template.
    pub label: String,
    /// Its place inside a plan or template, which pairs it with the same place in another
    /// version of the file; `None` for a policy file.
    pub place: Option<String>,
    /// The file, with forward slashes (SARIF's URI).
    pub path: String,
    pub policy: PolicyDocument,
    /// Where each statement starts in the file, as (line, column).
    pub positions: Vec<(usize, usize)>,
    /// Whether CloudFormation functions were read as wildcards.
    pub placeholders: bool,
}

impl InputPolicy {
    /// No policy: the side of a pair where a policy is missing (it allows nothing).
    pub fn empty() -> InputPolicy {
        InputPolicy {
            label: String::new(),
            place: None,
            path: String::new(),
            policy: PolicyDocument {
                version: None,
                id: None,
                statements: Vec::new(),
            },
            positions: Vec::new(),
            placeholders: false,
        }
    }
}

/// What one file holds.
#[derive(Debug)]
pub enum FilePolicies {
    /// A policy document.
    One(InputPolicy),
    /// The policies of a Terraform plan or CloudFormation template (maybe none).
    Embedded(Vec<InputPolicy>),
}

impl FilePolicies {
    pub fn into_vec(self) -> Vec<InputPolicy> {
        match self {
            FilePolicies::One(policy) => vec![policy],
            FilePolicies::Embedded(policies) => policies,
        }
    }
}

/// Reads the file at `path`, named `name` in reports and errors. Any policy that does not
/// parse is an error naming the file (and the policy's place).
pub fn read_policies(name: &str, path: &Path) -> Result<FilePolicies, CliError> {
    let text = std::fs::read_to_string(path).map_err(|source| Error::io(path, source))?;
    let uri = path.display().to_string().replace('\\', "/");
    match read_source(name, &text)? {
        Source::Policy => Ok(FilePolicies::One(InputPolicy {
            label: name.to_owned(),
            place: None,
            path: uri,
            policy: PolicyDocument::parse_named(&text, name)?,
            positions: statement_positions(&text),
            placeholders: false,
        })),
        Source::Embedded(embedded) => {
            let mut policies = Vec::with_capacity(embedded.len());
            for found in embedded {
                let label = format!("{name}: {}", found.name);
                let policy = PolicyDocument::parse_named(&found.text, &label)?;
                // A statement whose place is unknown points at its resource.
                let positions = match found.statements.len() == policy.statements.len() {
                    true => found.statements,
                    false => vec![(found.line, 1); policy.statements.len()],
                };
                policies.push(InputPolicy {
                    label,
                    place: Some(found.name),
                    path: uri.clone(),
                    policy,
                    positions,
                    placeholders: found.placeholders,
                });
            }
            Ok(FilePolicies::Embedded(policies))
        }
    }
}

/// Says on stderr which policies had CloudFormation functions read as wildcards: what they
/// grant may be narrower once deployed.
pub fn note_placeholders(policies: &[InputPolicy]) {
    for policy in policies.iter().filter(|policy| policy.placeholders) {
        eprintln!(
            "note: {}: CloudFormation functions (Ref, Fn::Sub, Fn::GetAtt, …) read as \"*\", which matches anything",
            policy.label
        );
    }
}
