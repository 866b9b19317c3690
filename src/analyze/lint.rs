//! `lint`: findings about a policy's grammar, references to the IAM data and risky patterns,
//! each with a stable code and a severity. Where IAM Access Analyzer's policy validation has a
//! check of the same meaning its issue code is used; the others are this tool's own. The
//! codes are listed in [`Code`] and in the README.

use std::collections::HashMap;

use serde::Serialize;

use super::expand::{expand, pattern_matches};
use super::policy::{ActionClause, Effect, PolicyDocument, ResourceClause, Statement};
use crate::data::{Action, GlobalConditionKey, Service};
use crate::glob::has_wildcard;
use crate::resource_pattern::{is_all_stars, may_name, surely_contains};

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
    /// A condition key without a `service:` prefix.
    InvalidConditionKeyFormat,
    /// A condition operator IAM does not have (`StringEqualz`).
    InvalidConditionOperator,
    /// A `Resource` or `NotResource` value that is neither an ARN nor `*`.
    InvalidArnPrefix,
    /// A statement of an identity policy (no `Principal`) without `Resource` or `NotResource`.
    MissingResource,
    /// Two statements with the same `Sid`.
    UniqueSidsRequired,
    /// A `Sid` with characters other than ASCII letters and digits in an identity policy.
    UnsupportedSid,
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
    pub const ALL: [Code; 20] = [
        Code::InvalidPolicy,
        Code::InvalidVersion,
        Code::InvalidServiceInAction,
        Code::InvalidAction,
        Code::InvalidServiceConditionKey,
        Code::InvalidGlobalConditionKey,
        Code::InvalidConditionKeyFormat,
        Code::InvalidConditionOperator,
        Code::InvalidArnPrefix,
        Code::MissingResource,
        Code::UniqueSidsRequired,
        Code::UnsupportedSid,
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
            Code::InvalidConditionKeyFormat => "INVALID_CONDITION_KEY_FORMAT",
            Code::InvalidConditionOperator => "INVALID_CONDITION_OPERATOR",
            Code::InvalidArnPrefix => "INVALID_ARN_PREFIX",
            Code::MissingResource => "MISSING_RESOURCE",
            Code::UniqueSidsRequired => "UNIQUE_SIDS_REQUIRED",
            Code::UnsupportedSid => "UNSUPPORTED_SID",
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
            | Code::InvalidGlobalConditionKey
            | Code::InvalidConditionKeyFormat
            | Code::InvalidConditionOperator
            | Code::InvalidArnPrefix
            | Code::MissingResource
            | Code::UniqueSidsRequired
            | Code::UnsupportedSid => LintSeverity::Error,
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
    let mut sids: HashMap<&str, usize> = HashMap::new();
    for (index, statement) in policy.statements.iter().enumerate() {
        if let Some(sid) = statement.sid.as_deref().filter(|sid| !sid.is_empty())
            && let Some(first) = sids.insert(sid, index)
        {
            sids.insert(sid, first);
            findings.push(finding(
                Code::UniqueSidsRequired,
                format!("Sid {sid:?} is also statement {first}'s: Sids must be unique"),
                Some((index, statement)),
            ));
        }
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
    lint_redundant(patterns, &matched, at, findings);
    lint_grammar(statement, at, findings);
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
    lint_resources(statement, patterns, &matched, at, findings);
    lint_condition_keys(statement, Some(&actions), at, findings);
}

/// Pattern pairs [`lint_redundant`] compares at most in one statement: only a statement of
/// thousands of wildcard patterns reaches it, and the check is a suggestion.
const REDUNDANCY_COMPARISONS: usize = 1_000_000;

/// Patterns whose text another's covers (the later of two equal ones). Compared as patterns,
/// not by today's actions: `sns:*Remove*` is not redundant beside `sns:*Permission*` even if
/// every action it matches today matches both, since an action AWS adds later may match only
/// one. Equal patterns are found by hashing; only wildcard patterns are compared with others.
fn lint_redundant(
    patterns: &[String],
    matched: &[Option<super::set::ActionSet>],
    at: Option<(usize, &Statement)>,
    findings: &mut Vec<LintFinding>,
) {
    let known: Vec<(usize, String)> = patterns
        .iter()
        .enumerate()
        .filter(|(index, _)| matched[*index].is_some())
        .map(|(index, pattern)| (index, pattern.to_ascii_lowercase()))
        .collect();
    let wildcards: Vec<&(usize, String)> = known.iter().filter(|(_, p)| has_wildcard(p)).collect();
    let mut first: HashMap<&str, usize> = HashMap::new();
    let mut budget = REDUNDANCY_COMPARISONS;
    let mut covered: Vec<(usize, usize)> = Vec::new();
    for (index, lowered) in &known {
        if let Some(&earlier) = first.get(lowered.as_str()) {
            covered.push((*index, earlier));
            continue;
        }
        first.insert(lowered, *index);
        if budget < wildcards.len() {
            continue;
        }
        budget -= wildcards.len();
        if let Some((other, _)) = wildcards.iter().find(|(other, wide)| {
            other != index && wide != lowered && surely_contains(wide, lowered)
        }) {
            covered.push((*index, *other));
        }
    }
    covered.sort_unstable();
    for (index, other) in covered {
        findings.push(finding(
            Code::RedundantAction,
            format!(
                "{:?} is already covered by {:?}",
                patterns[index], patterns[other]
            ),
            at,
        ));
    }
}

/// Checks of the statement's form that the IAM data does not enter: `Sid`, the resource
/// element, condition operators and key formats.
fn lint_grammar(
    statement: &Statement,
    at: Option<(usize, &Statement)>,
    findings: &mut Vec<LintFinding>,
) {
    let identity = statement.principal.is_none() && statement.not_principal.is_none();
    if identity
        && let Some(sid) = &statement.sid
        && !sid.chars().all(|ch| ch.is_ascii_alphanumeric())
    {
        findings.push(finding(
            Code::UnsupportedSid,
            format!("Sid {sid:?}: an identity policy's Sids are ASCII letters and digits only"),
            at,
        ));
    }
    match &statement.resources {
        ResourceClause::Absent if identity => findings.push(finding(
            Code::MissingResource,
            "no Resource or NotResource: an identity policy's statement needs one".to_owned(),
            at,
        )),
        ResourceClause::Resource(list) | ResourceClause::NotResource(list) => {
            for resource in list
                .iter()
                .filter(|r| !is_all_stars(r) && !r.starts_with("arn:"))
            {
                findings.push(finding(
                    Code::InvalidArnPrefix,
                    format!("{resource:?} is neither an ARN (arn:…) nor \"*\""),
                    at,
                ));
            }
        }
        ResourceClause::Absent => {}
    }
    for (operator, keys) in statement.condition.iter().flatten() {
        if !is_operator(operator) {
            findings.push(finding(
                Code::InvalidConditionOperator,
                format!("{operator:?} is not a condition operator"),
                at,
            ));
        }
        for key in keys.as_object().into_iter().flat_map(|keys| keys.keys()) {
            if !key.contains(':') {
                findings.push(finding(
                    Code::InvalidConditionKeyFormat,
                    format!("condition key {key:?} has no service prefix (service:key)"),
                    at,
                ));
            }
        }
    }
}

/// The condition operators of the IAM grammar, optionally with a `ForAllValues:` or
/// `ForAnyValue:` set prefix and an `IfExists` suffix (not on `Null`); compared without
/// regard to case.
fn is_operator(operator: &str) -> bool {
    const OPERATORS: [&str; 27] = [
        "StringEquals",
        "StringNotEquals",
        "StringEqualsIgnoreCase",
        "StringNotEqualsIgnoreCase",
        "StringLike",
        "StringNotLike",
        "NumericEquals",
        "NumericNotEquals",
        "NumericLessThan",
        "NumericLessThanEquals",
        "NumericGreaterThan",
        "NumericGreaterThanEquals",
        "DateEquals",
        "DateNotEquals",
        "DateLessThan",
        "DateLessThanEquals",
        "DateGreaterThan",
        "DateGreaterThanEquals",
        "Bool",
        "BinaryEquals",
        "IpAddress",
        "NotIpAddress",
        "ArnEquals",
        "ArnLike",
        "ArnNotEquals",
        "ArnNotLike",
        "Null",
    ];
    let lower = operator.to_ascii_lowercase();
    let base = ["forallvalues:", "foranyvalue:"]
        .iter()
        .find_map(|set| lower.strip_prefix(set))
        .unwrap_or(&lower);
    let (base, if_exists) = match base.strip_suffix("ifexists") {
        Some(base) => (base, true),
        None => (base, false),
    };
    OPERATORS
        .iter()
        .any(|known| known.eq_ignore_ascii_case(base) && !(if_exists && *known == "Null"))
}

/// Action patterns (named, or every action a wildcard matches) that can act on none of the
/// statement's resource ARNs. Each resource is compared with each ARN format of the action's
/// resource types by [`may_name`], so a finding means no request could ever match. An action
/// without resource types takes only `"*"`.
fn lint_resources(
    statement: &Statement,
    patterns: &[String],
    matched: &[Option<super::set::ActionSet>],
    at: Option<(usize, &Statement)>,
    findings: &mut Vec<LintFinding>,
) {
    let ResourceClause::Resource(resources) = &statement.resources else {
        return;
    };
    if resources.iter().any(|r| is_all_stars(r)) {
        return;
    }
    let resources: Vec<&String> = resources.iter().filter(|r| r.starts_with("arn:")).collect();
    if resources.is_empty() {
        return;
    }
    // Per ARN format: whether some resource overlaps it.
    let mut reached: HashMap<&'static str, bool> = HashMap::new();
    let mut applies = |action: Action| {
        action
            .rows()
            .filter_map(|row| row.resource_type())
            .flat_map(|resource_type| resource_type.arn_format().split(", "))
            .any(|format| {
                *reached
                    .entry(format)
                    .or_insert_with(|| resources.iter().any(|resource| may_name(resource, format)))
            })
    };
    for (pattern, actions) in patterns.iter().zip(matched) {
        let Some(actions) = actions else { continue };
        if !actions.iter().any(&mut applies) {
            let listed = resources
                .iter()
                .map(|r| r.as_str())
                .collect::<Vec<_>>()
                .join(", ");
            let message = match has_wildcard(pattern) {
                true => {
                    format!("no action of {pattern} can act on {listed}: it never applies here")
                }
                false => format!("{pattern} can act on none of {listed}: it never applies here"),
            };
            findings.push(finding(Code::UnsupportedResourceArnForAction, message, at));
        }
    }
}

/// Whether a documented condition key names the key used: the same, or a template
/// (`aws:RequestTag/${TagKey}`, `kms:EncryptionContext:${EncryptionContextKey}`,
/// `s3:ExistingObjectTag/<key>`, `secretsmanager:ResourceTag/tag-key`) whose fixed start the
/// key begins with, followed by something.
fn key_matches(documented: &str, used: &str) -> bool {
    if documented.eq_ignore_ascii_case(used) {
        return true;
    }
    let lower = documented.to_ascii_lowercase();
    let fixed = lower.find("${").or_else(|| lower.find('<')).or_else(|| {
        lower
            .ends_with("/tag-key")
            .then(|| lower.len() - "tag-key".len())
    });
    fixed.is_some_and(|end| {
        used.len() > end
            && used.is_char_boundary(end)
            && used[..end].eq_ignore_ascii_case(&documented[..end])
    })
}

/// Whether any service documents the key: a few keys carry another prefix than their
/// service's (`catalog:ChangeType` is AWS Marketplace Catalog's).
fn documented_anywhere(key: &str) -> bool {
    Service::all().any(|service| service.condition_keys().any(|c| key_matches(c.key(), key)))
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
                if documented_anywhere(key) {
                    continue;
                }
                findings.push(finding(
                    Code::InvalidServiceConditionKey,
                    format!("{key:?}: no service {prefix:?} in the data"),
                    at,
                ));
                continue;
            };
            if !service.condition_keys().any(|c| key_matches(c.key(), key))
                && !documented_anywhere(key)
            {
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
