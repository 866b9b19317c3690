//! `lint`: findings about a policy's grammar, references to the IAM data and risky patterns,
//! each with a stable code and a severity. Where IAM Access Analyzer's policy validation has a
//! check of the same meaning its issue code is used; the others are this tool's own. The
//! codes are listed in [`Code`] and in the README.

use serde::Serialize;

use super::expand::{expand, pattern_matches};
use super::policy::{ActionClause, Effect, PolicyDocument, ResourceClause, Statement};
use crate::data::{Action, GlobalConditionKey, Service};
use crate::glob::has_wildcard;

/// How serious a finding is, from most to least.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum LintSeverity {
    Suggestion,
    Warning,
    SecurityWarning,
    Error,
}

impl LintSeverity {
    pub fn as_str(self) -> &'static str {
        match self {
            LintSeverity::Suggestion => "suggestion",
            LintSeverity::Warning => "warning",
            LintSeverity::SecurityWarning => "security-warning",
            LintSeverity::Error => "error",
        }
    }
}

/// The checks. Names are the codes printed.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
#[serde(rename_all = "SCREAMING_SNAKE_CASE")]
pub enum Code {
    /// The file is not a policy (JSON or grammar error).
    InvalidPolicy,
    /// `Version` is not `2012-10-17` or `2008-10-17`.
    InvalidVersion,
    /// An action's service prefix is not in the data.
    InvalidServiceInAction,
    /// An action (or pattern) of a known service matches no action.
    InvalidAction,
    /// A condition key of a service the data has, that the service does not define, or of
    /// an unknown service.
    InvalidServiceConditionKey,
    /// An `aws:` condition key that is not a documented global key (nor listed by a service).
    InvalidGlobalConditionKey,
    /// Allow of `iam:PassRole`, named, on a resource with a wildcard.
    PassRoleWithStarInResource,
    /// Allow of `iam:PassRole` through a wildcard action, on a resource with a wildcard.
    PassRoleWithStarInActionAndResource,
    /// Allow with `NotAction`: everything else, including actions AWS adds later.
    AllowWithNotAction,
    /// No `Version`: policy variables are then read literally.
    MissingVersion,
    /// A service condition key that no action of the statement supports.
    UnsupportedConditionKeyForActions,
    /// A named action that can act on none of the statement's resource ARNs.
    UnsupportedResourceArnForAction,
    /// The policy is over 6,144 characters (a managed policy's limit).
    PolicySizeExceedsIdentityPolicyQuota,
    /// An action pattern whose actions another pattern of the statement already covers.
    RedundantAction,
}

impl Code {
    /// Every code, for documentation and SARIF rules.
    pub const ALL: [Code; 14] = [
        Code::InvalidPolicy,
        Code::InvalidVersion,
        Code::InvalidServiceInAction,
        Code::InvalidAction,
        Code::InvalidServiceConditionKey,
        Code::InvalidGlobalConditionKey,
        Code::PassRoleWithStarInResource,
        Code::PassRoleWithStarInActionAndResource,
        Code::AllowWithNotAction,
        Code::MissingVersion,
        Code::UnsupportedConditionKeyForActions,
        Code::UnsupportedResourceArnForAction,
        Code::PolicySizeExceedsIdentityPolicyQuota,
        Code::RedundantAction,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            Code::InvalidPolicy => "INVALID_POLICY",
            Code::InvalidVersion => "INVALID_VERSION",
            Code::InvalidServiceInAction => "INVALID_SERVICE_IN_ACTION",
            Code::InvalidAction => "INVALID_ACTION",
            Code::InvalidServiceConditionKey => "INVALID_SERVICE_CONDITION_KEY",
            Code::InvalidGlobalConditionKey => "INVALID_GLOBAL_CONDITION_KEY",
            Code::PassRoleWithStarInResource => "PASS_ROLE_WITH_STAR_IN_RESOURCE",
            Code::PassRoleWithStarInActionAndResource => {
                "PASS_ROLE_WITH_STAR_IN_ACTION_AND_RESOURCE"
            }
            Code::AllowWithNotAction => "ALLOW_WITH_NOT_ACTION",
            Code::MissingVersion => "MISSING_VERSION",
            Code::UnsupportedConditionKeyForActions => "UNSUPPORTED_CONDITION_KEY_FOR_ACTIONS",
            Code::UnsupportedResourceArnForAction => "UNSUPPORTED_RESOURCE_ARN_FOR_ACTION",
            Code::PolicySizeExceedsIdentityPolicyQuota => {
                "POLICY_SIZE_EXCEEDS_IDENTITY_POLICY_QUOTA"
            }
            Code::RedundantAction => "REDUNDANT_ACTION",
        }
    }

    pub fn severity(self) -> LintSeverity {
        match self {
            Code::InvalidPolicy
            | Code::InvalidVersion
            | Code::InvalidServiceInAction
            | Code::InvalidAction
            | Code::InvalidServiceConditionKey
            | Code::InvalidGlobalConditionKey => LintSeverity::Error,
            Code::PassRoleWithStarInResource
            | Code::PassRoleWithStarInActionAndResource
            | Code::AllowWithNotAction => LintSeverity::SecurityWarning,
            Code::MissingVersion
            | Code::UnsupportedConditionKeyForActions
            | Code::UnsupportedResourceArnForAction
            | Code::PolicySizeExceedsIdentityPolicyQuota => LintSeverity::Warning,
            Code::RedundantAction => LintSeverity::Suggestion,
        }
    }

    /// Whether IAM Access Analyzer's policy validation has a check of this code.
    pub fn is_access_analyzers(self) -> bool {
        !matches!(
            self,
            Code::InvalidPolicy
                | Code::AllowWithNotAction
                | Code::UnsupportedConditionKeyForActions
                | Code::UnsupportedResourceArnForAction
        )
    }

    pub fn parse(text: &str) -> Option<Code> {
        Code::ALL.into_iter().find(|code| code.as_str() == text)
    }
}

/// One finding.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct LintFinding {
    pub code: &'static str,
    pub severity: LintSeverity,
    pub message: String,
    /// The statement it is about (from 0); `None` for the whole policy.
    pub statement: Option<usize>,
    pub sid: Option<String>,
}

/// A managed policy's size limit, in characters.
pub const SIZE_LIMIT: usize = 6_144;

fn finding(code: Code, message: String, statement: Option<(usize, &Statement)>) -> LintFinding {
    LintFinding {
        code: code.as_str(),
        severity: code.severity(),
        message,
        statement: statement.map(|(index, _)| index),
        sid: statement.and_then(|(_, s)| s.sid.clone()),
    }
}

/// Lints a parsed policy; `size` is its size as AWS counts it (characters without the white
/// space outside strings), when known.
///
/// ```
/// use policy_sentry::analyze::PolicyDocument;
/// use policy_sentry::analyze::lint::lint;
///
/// let policy = PolicyDocument::parse(r#"{"Statement": [
///     {"Effect": "Allow", "Action": ["s3:GetObject", "s3:Get*", "s3:Fly"], "Resource": "*"}]}"#)?;
/// let codes: Vec<&str> = lint(&policy, None).iter().map(|f| f.code).collect();
/// assert_eq!(codes, ["MISSING_VERSION", "INVALID_ACTION", "REDUNDANT_ACTION"]);
/// # Ok::<(), policy_sentry::Error>(())
/// ```
pub fn lint(policy: &PolicyDocument, size: Option<usize>) -> Vec<LintFinding> {
    let mut findings = Vec::new();
    match policy.version.as_deref() {
        None => findings.push(finding(
            Code::MissingVersion,
            "no Version: add \"Version\": \"2012-10-17\" (without it, policy variables are read as text)".to_owned(),
            None,
        )),
        Some("2012-10-17" | "2008-10-17") => {}
        Some(other) => findings.push(finding(
            Code::InvalidVersion,
            format!("Version {other:?} is not 2012-10-17 or 2008-10-17"),
            None,
        )),
    }
    if let Some(size) = size.filter(|size| *size > SIZE_LIMIT) {
        findings.push(finding(
            Code::PolicySizeExceedsIdentityPolicyQuota,
            format!("{size} characters, over a managed policy's {SIZE_LIMIT}"),
            None,
        ));
    }
    for (index, statement) in policy.statements.iter().enumerate() {
        lint_statement(index, statement, &mut findings);
    }
    findings
}

fn lint_statement(index: usize, statement: &Statement, findings: &mut Vec<LintFinding>) {
    let at = Some((index, statement));
    let patterns = statement.actions.patterns();
    let mut matched: Vec<Option<super::set::ActionSet>> = Vec::with_capacity(patterns.len());
    for pattern in patterns {
        let expansion = expand(std::slice::from_ref(pattern));
        if expansion.actions.is_empty() {
            let service = pattern.split_once(':').map(|(service, _)| service);
            let code = match service {
                Some(service) if !has_wildcard(service) && Service::find(service).is_none() => {
                    Code::InvalidServiceInAction
                }
                _ => Code::InvalidAction,
            };
            let message = match code {
                Code::InvalidServiceInAction => format!(
                    "{pattern:?}: no service {:?} in the data",
                    service.unwrap_or("")
                ),
                _ => format!("{pattern:?} matches no action"),
            };
            findings.push(finding(code, message, at));
            matched.push(None);
        } else {
            matched.push(Some(expansion.actions));
        }
    }
    // A pattern inside another's actions (the later of two equal ones).
    for (i, pattern) in patterns.iter().enumerate() {
        let Some(mine) = &matched[i] else { continue };
        let covered_by = patterns.iter().enumerate().find(|(j, _)| {
            *j != i
                && matched[*j].as_ref().is_some_and(|other| {
                    mine.is_subset(other) && (mine.len() < other.len() || *j < i)
                })
        });
        if let Some((_, other)) = covered_by {
            findings.push(finding(
                Code::RedundantAction,
                format!("{pattern:?} is already covered by {other:?}"),
                at,
            ));
        }
    }
    let ActionClause::Action(_) = &statement.actions else {
        if statement.effect == Effect::Allow {
            findings.push(finding(
                Code::AllowWithNotAction,
                "Allow with NotAction grants every other action, including those AWS adds later; list the actions".to_owned(),
                at,
            ));
        }
        lint_condition_keys(statement, None, at, findings);
        return;
    };
    let actions: Vec<Action> = matched
        .iter()
        .flatten()
        .flat_map(|set| set.iter())
        .collect();
    if statement.effect == Effect::Allow
        && let ResourceClause::Resource(resources) = &statement.resources
        && let Some(starred) = resources.iter().find(|r| r.contains('*'))
        && let Some(pass_role) = Action::find("iam:PassRole")
        && actions.contains(&pass_role)
    {
        let named = patterns
            .iter()
            .any(|p| !has_wildcard(p) && pattern_matches(p, pass_role));
        let code = match named {
            true => Code::PassRoleWithStarInResource,
            false => Code::PassRoleWithStarInActionAndResource,
        };
        findings.push(finding(
            code,
            format!("iam:PassRole on {starred:?} lets the principal pass any matching role to a service; name the roles"),
            at,
        ));
    }
    lint_resources(statement, patterns, at, findings);
    lint_condition_keys(statement, Some(&actions), at, findings);
}

/// Named actions that can act on none of the statement's resource ARNs.
fn lint_resources(
    statement: &Statement,
    patterns: &[String],
    at: Option<(usize, &Statement)>,
    findings: &mut Vec<LintFinding>,
) {
    let ResourceClause::Resource(resources) = &statement.resources else {
        return;
    };
    if resources.iter().any(|r| r == "*" || !r.starts_with("arn:")) {
        return;
    }
    let mut takers: Vec<Action> = Vec::new();
    for arn in resources {
        // An ARN the data cannot place (a wildcard in its type part, say): undecided, no finding.
        let Ok(actions) = crate::query::arns::actions_matching_arn(arn) else {
            return;
        };
        takers.extend(actions);
    }
    for pattern in patterns.iter().filter(|p| !has_wildcard(p)) {
        let Some(action) = Action::find(pattern) else {
            continue;
        };
        if !takers.contains(&action) {
            findings.push(finding(
                Code::UnsupportedResourceArnForAction,
                format!(
                    "{pattern} can act on none of {}: it never applies here",
                    resources.join(", ")
                ),
                at,
            ));
        }
    }
}

/// Whether a documented condition key (`s3:ExistingObjectTag/<key>`, `aws:RequestTag/${TagKey}`)
/// names the key used.
fn key_matches(documented: &str, used: &str) -> bool {
    if documented.eq_ignore_ascii_case(used) {
        return true;
    }
    match documented.split_once('/') {
        Some((head, tail)) if tail.starts_with("${") || tail.starts_with('<') => used
            .split_once('/')
            .is_some_and(|(used_head, _)| used_head.eq_ignore_ascii_case(head)),
        _ => false,
    }
}

fn lint_condition_keys(
    statement: &Statement,
    actions: Option<&[Action]>,
    at: Option<(usize, &Statement)>,
    findings: &mut Vec<LintFinding>,
) {
    for keys in statement.condition.iter().flat_map(|block| block.values()) {
        let Some(keys) = keys.as_object() else {
            continue;
        };
        for key in keys.keys() {
            let Some((prefix, _)) = key.split_once(':') else {
                continue;
            };
            // Global keys apply to every action, so only their name is checked. A few are
            // another service's (`ec2:SourceInstanceArn`); services also list some `aws:`
            // tag keys.
            if GlobalConditionKey::find(key).is_some() {
                continue;
            }
            if prefix.eq_ignore_ascii_case("aws") {
                findings.push(finding(
                    Code::InvalidGlobalConditionKey,
                    format!("{key:?} is not a global condition key"),
                    at,
                ));
                continue;
            }
            let Some(service) = Service::find(prefix) else {
                findings.push(finding(
                    Code::InvalidServiceConditionKey,
                    format!("{key:?}: no service {prefix:?} in the data"),
                    at,
                ));
                continue;
            };
            if !service.condition_keys().any(|c| key_matches(c.key(), key)) {
                findings.push(finding(
                    Code::InvalidServiceConditionKey,
                    format!("{key:?} is not a condition key of {}", service.prefix()),
                    at,
                ));
                continue;
            }
            let Some(actions) = actions else { continue };
            let supported = actions.iter().any(|action| {
                action.rows().any(|row| {
                    row.condition_keys().any(|c| key_matches(c, key))
                        || row
                            .resource_type()
                            .is_some_and(|t| t.condition_keys().any(|c| key_matches(c, key)))
                })
            });
            if !actions.is_empty() && !supported {
                findings.push(finding(
                    Code::UnsupportedConditionKeyForActions,
                    format!("{key:?} is supported by none of the statement's actions: the condition never matches as meant"),
                    at,
                ));
            }
        }
    }
}
