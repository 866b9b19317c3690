//! Offline evaluation of one request in one account, by AWS's documented policy evaluation
//! logic: an explicit Deny in any policy wins; every SCP level given must allow; the identity
//! policies must allow; a permissions boundary, when there is one, must allow. Each decision
//! names the statements that decided it.
//!
//! ```
//! use policy_sentry::analyze::PolicyDocument;
//! use policy_sentry::simulate::{Context, Decision, NamedPolicy, PolicyKind, Request, evaluate};
//!
//! let identity = PolicyDocument::parse(r#"{"Version": "2012-10-17", "Statement": [
//!     {"Sid": "Read", "Effect": "Allow", "Action": "s3:Get*", "Resource": "arn:aws:s3:::data/${aws:username}/*"}]}"#)?;
//! let scp = PolicyDocument::parse(r#"{"Version": "2012-10-17", "Statement": [
//!     {"Effect": "Allow", "Action": "*", "Resource": "*"},
//!     {"Sid": "NoEu", "Effect": "Deny", "Action": "*", "Resource": "*",
//!      "Condition": {"StringEquals": {"aws:RequestedRegion": "eu-west-1"}}}]}"#)?;
//! let policies = [
//!     NamedPolicy { kind: PolicyKind::Identity, name: "read".into(), document: identity },
//!     NamedPolicy { kind: PolicyKind::Scp(0), name: "root".into(), document: scp },
//! ];
//! let request = |region: &str| Request {
//!     action: "s3:GetObject".into(),
//!     resource: "arn:aws:s3:::data/bob/report.csv".into(),
//!     context: Context::complete_from([
//!         ("aws:username".to_owned(), vec!["bob".to_owned()]),
//!         ("aws:RequestedRegion".to_owned(), vec![region.to_owned()]),
//!     ]),
//! };
//! assert_eq!(evaluate(&policies, &request("us-east-1")).decision, Decision::Allowed);
//! let denied = evaluate(&policies, &request("eu-west-1"));
//! assert_eq!(denied.decision, Decision::ExplicitDeny);
//! assert_eq!(denied.deciding[0].sid.as_deref(), Some("NoEu"));
//! # Ok::<(), policy_sentry::Error>(())
//! ```

pub mod conditions;
mod context;
pub mod escalation;
mod glob;
pub mod organization;
pub mod principal;
pub mod principal_can;
pub mod resource_policy;
pub mod who_can;

use serde::Serialize;

use crate::account_file::account_of_arn;
use crate::analyze::policy::{Effect, PolicyDocument, ResourceClause, Statement};
use crate::data::Action;
use crate::error::Error;
use crate::query::actions::action_by_qualified_name;
use crate::resource_pattern::may_name;
pub use conditions::Outcome;
pub use context::Context;
use glob::{matches, substitute};
use resource_policy::Named;

/// Which kind of policy a document is, for the evaluation logic.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum PolicyKind {
    /// Inline or managed, of the principal or its groups.
    Identity,
    PermissionsBoundary,
    /// A service control policy attached at this level of the organization (0 for the
    /// root, then each OU, then the account): at every level, some SCP must allow.
    Scp(u16),
    /// A resource control policy at this level: at every level, some RCP must allow a
    /// request to a resource of a service RCPs govern ([`RCP_SERVICES`]).
    Rcp(u16),
    /// A resource-based policy of the resource, such as a bucket policy: its statements
    /// apply to the callers they name, and may allow without the identity policies.
    ResourcePolicy,
    /// A resource policy that must allow: a role's trust policy (for `sts:AssumeRole`), a
    /// KMS key policy. Naming the caller's account, it leaves the grant to the identity
    /// policies; naming the caller, it grants alone.
    TrustPolicy,
}

impl PolicyKind {
    /// The kind's name in reports: `identity`, `permissions-boundary`, `scp`, `rcp`,
    /// `resource-policy`, `trust-policy`.
    pub fn as_str(self) -> &'static str {
        match self {
            PolicyKind::Identity => "identity",
            PolicyKind::PermissionsBoundary => "permissions-boundary",
            PolicyKind::Scp(_) => "scp",
            PolicyKind::Rcp(_) => "rcp",
            PolicyKind::ResourcePolicy => "resource-policy",
            PolicyKind::TrustPolicy => "trust-policy",
        }
    }
}

impl Serialize for PolicyKind {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.serialize_str(self.as_str())
    }
}

/// The services whose resources resource control policies govern, as AWS lists them.
pub const RCP_SERVICES: &[&str] = &["s3", "sts", "kms", "sqs", "secretsmanager"];

/// A policy and what it is.
#[derive(Debug, Clone)]
pub struct NamedPolicy {
    pub kind: PolicyKind,
    /// How reports name it (a file, a policy ARN or name).
    pub name: String,
    pub document: PolicyDocument,
}

/// One request: an action on a resource, with its context.
#[derive(Debug, Clone)]
pub struct Request {
    pub action: String,
    pub resource: String,
    pub context: Context,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum Decision {
    Allowed,
    /// A Deny statement applies.
    ExplicitDeny,
    /// Nothing allows it where it must be allowed.
    ImplicitDeny,
    /// Allowed if conditions on keys the request did not give hold (and denied otherwise).
    AllowedIf,
}

impl Decision {
    /// The decision's name, as JSON gives it: `allowed`, `explicit-deny`, `implicit-deny`,
    /// `allowed-if`.
    pub fn as_str(self) -> &'static str {
        match self {
            Decision::Allowed => "allowed",
            Decision::ExplicitDeny => "explicit-deny",
            Decision::ImplicitDeny => "implicit-deny",
            Decision::AllowedIf => "allowed-if",
        }
    }
}

/// A statement that decided.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize)]
pub struct StatementRef {
    pub kind: PolicyKind,
    pub policy: String,
    /// From 0.
    pub statement: usize,
    pub sid: Option<String>,
    pub effect: Effect,
    /// Keys whose values the request did not give, on which this statement depends.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub depends_on: Vec<String>,
}

/// The decision and why.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Evaluation {
    pub decision: Decision,
    /// The Deny statements that apply (explicit deny), the Allow statements that allow in
    /// each place that must allow (allowed), the statements whose conditions decide
    /// (allowed if).
    pub deciding: Vec<StatementRef>,
    /// For an implicit deny: the policy kinds (or SCP levels) where nothing allows.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub not_allowed_by: Vec<String>,
}

/// Checks a request against the data: the action exists, and the resource is one it can act
/// on (an ARN of one of its resource types, by [`may_name`]; `*` for an action that takes
/// no resource type, or for any action as "every resource").
///
/// ```
/// use policy_sentry::simulate::check_request;
///
/// assert!(check_request("s3:GetObject", "arn:aws:s3:::bucket/key").is_ok());
/// let error = check_request("s3:GetObject", "arn:aws:s3:::bucket").unwrap_err();
/// assert!(error.to_string().contains("s3:GetObject cannot act on arn:aws:s3:::bucket"));
/// assert!(check_request("s3:GetObjekt", "*").is_err());
/// ```
pub fn check_request(action: &str, resource: &str) -> crate::error::Result<Action> {
    let action = action_by_qualified_name(action)?;
    if resource == "*" {
        return Ok(action);
    }
    let formats: Vec<&str> = action
        .rows()
        .filter_map(|row| row.resource_type())
        .flat_map(|resource_type| resource_type.arn_format().split(", "))
        .collect();
    if formats.iter().any(|format| may_name(resource, format)) {
        return Ok(action);
    }
    let expected = match formats.is_empty() {
        true => "it takes no resource type, so the resource is \"*\"".to_owned(),
        false => format!("its resource types are {}", formats.join(", ")),
    };
    Err(Error::InvalidInput {
        what: format!("--resource {resource}"),
        message: format!("{action} cannot act on {resource}: {expected}"),
    })
}

/// Whether the statement's action and resource elements take the request.
fn applies(statement: &Statement, request: &Request, variables_on: bool) -> bool {
    if !statement.actions.matches(&request.action) {
        return false;
    }
    // A pattern whose variable has no value matches nothing.
    let resource_matches = |pattern: &String| {
        substitute(pattern, &request.context, variables_on)
            .is_ok_and(|tokens| matches(&tokens, &request.resource))
    };
    match &statement.resources {
        ResourceClause::Resource(patterns) => patterns.iter().any(resource_matches),
        ResourceClause::NotResource(patterns) => !patterns.iter().any(resource_matches),
        ResourceClause::Absent => true,
    }
}

/// What a place that must allow says: it allows (by these statements, as indexes into the
/// applying ones), it allows only if their conditions hold, or nothing there allows (these
/// places).
enum Verdict {
    Yes(Vec<usize>),
    Maybe(Vec<usize>),
    No(Vec<String>),
}

/// Every part must allow.
fn all_of(parts: Vec<Verdict>) -> Verdict {
    let (mut yes, mut maybe, mut no) = (Vec::new(), false, Vec::new());
    for part in parts {
        match part {
            Verdict::Yes(statements) => yes.extend(statements),
            Verdict::Maybe(statements) => {
                maybe = true;
                yes.extend(statements);
            }
            Verdict::No(places) => no.extend(places),
        }
    }
    no.dedup();
    match (no.is_empty(), maybe) {
        (false, _) => Verdict::No(no),
        (true, true) => Verdict::Maybe(yes),
        (true, false) => Verdict::Yes(yes),
    }
}

/// One part must allow: the first that surely does, else all that may.
fn any_of(parts: Vec<Verdict>) -> Verdict {
    let (mut maybe, mut no) = (Vec::new(), Vec::new());
    let mut any_maybe = false;
    for part in parts {
        match part {
            Verdict::Yes(statements) => return Verdict::Yes(statements),
            Verdict::Maybe(statements) => {
                any_maybe = true;
                maybe.extend(statements);
            }
            Verdict::No(places) => no.extend(places),
        }
    }
    no.sort();
    no.dedup();
    match any_maybe {
        true => Verdict::Maybe(maybe),
        false => Verdict::No(no),
    }
}

/// A statement that takes the request: the policy's position, the statement's, its effect,
/// its condition's outcome, and for a resource policy how it names the caller.
struct Applying {
    position: usize,
    index: usize,
    effect: Effect,
    outcome: Outcome,
    named: Option<Named>,
}

impl Applying {
    /// The statement as reports name it (built only for those that decide).
    fn reference(&self, policies: &[&NamedPolicy]) -> StatementRef {
        let policy = policies[self.position];
        StatementRef {
            kind: policy.kind,
            policy: policy.name.clone(),
            statement: self.index,
            sid: policy.document.statements[self.index].sid.clone(),
            effect: self.effect,
            depends_on: match &self.outcome {
                Outcome::Unknown(keys) => keys.clone(),
                _ => Vec::new(),
            },
        }
    }
}

/// What the Allow statements of the policies `member` picks say, as the place `place`.
fn place_verdict(
    applying: &[Applying],
    member: impl Fn(&Applying) -> bool,
    place: &str,
) -> Verdict {
    let allows: Vec<usize> = (0..applying.len())
        .filter(|&at| applying[at].effect == Effect::Allow && member(&applying[at]))
        .collect();
    if let Some(&sure) = allows
        .iter()
        .find(|&&at| applying[at].outcome == Outcome::Match)
    {
        return Verdict::Yes(vec![sure]);
    }
    match allows.is_empty() {
        true => Verdict::No(vec![place.to_owned()]),
        false => Verdict::Maybe(allows),
    }
}

/// One level of SCPs or RCPs: the policies' positions and names.
type OrganizationLevel = (Vec<usize>, Vec<String>);

/// The SCPs and RCPs by level, in order: ("SCP" or "RCP", levels).
fn organization_levels(policies: &[&NamedPolicy]) -> Vec<(&'static str, Vec<OrganizationLevel>)> {
    let mut out = Vec::new();
    for (label, level_of) in [
        (
            "SCP",
            (|kind| match kind {
                PolicyKind::Scp(level) => Some(level),
                _ => None,
            }) as fn(PolicyKind) -> Option<u16>,
        ),
        ("RCP", |kind| match kind {
            PolicyKind::Rcp(level) => Some(level),
            _ => None,
        }),
    ] {
        let mut levels: Vec<(u16, Vec<usize>, Vec<String>)> = Vec::new();
        for (at, policy) in policies.iter().enumerate() {
            let Some(level) = level_of(policy.kind) else {
                continue;
            };
            match levels.iter_mut().find(|(known, _, _)| *known == level) {
                Some((_, members, names)) => {
                    members.push(at);
                    names.push(policy.name.clone());
                }
                None => levels.push((level, vec![at], vec![policy.name.clone()])),
            }
        }
        levels.sort_by_key(|(level, _, _)| *level);
        let levels = levels
            .into_iter()
            .map(|(_, members, names)| (members, names))
            .collect();
        out.push((label, levels));
    }
    out
}

/// Evaluates `request` under `policies`.
///
/// Resource policies ([`PolicyKind::ResourcePolicy`]) take part by whom they name: within
/// one account, a statement naming the caller's ARN (or everyone) allows without its
/// identity policies; a role so named is still held to its permissions boundary, a user is
/// not. Across accounts (the resource's account, `aws:ResourceAccount` or the ARN's, differs
/// from `aws:PrincipalAccount`), both the identity policies and a resource policy naming the
/// caller or its account must allow.
pub fn evaluate(policies: &[NamedPolicy], request: &Request) -> Evaluation {
    let policies: Vec<&NamedPolicy> = policies.iter().collect();
    evaluate_refs(&policies, request)
}

/// [`evaluate`] over borrowed policies, for callers that add one (a trust policy, say) to
/// a principal's without copying them.
pub fn evaluate_refs(policies: &[&NamedPolicy], request: &Request) -> Evaluation {
    let has_boundary = policies
        .iter()
        .any(|policy| policy.kind == PolicyKind::PermissionsBoundary);
    let mut applying: Vec<Applying> = Vec::new();
    for (position, policy) in policies.iter().enumerate() {
        let variables_on = policy.document.version.as_deref() == Some("2012-10-17");
        for (index, statement) in policy.document.statements.iter().enumerate() {
            let named = match policy.kind {
                PolicyKind::ResourcePolicy | PolicyKind::TrustPolicy => {
                    match resource_policy::statement_names(statement, &request.context) {
                        Some(named) => Some(named),
                        // AWS: a Deny with NotPrincipal always denies a caller with a
                        // permissions boundary, whatever it lists.
                        None if statement.effect == Effect::Deny
                            && statement.not_principal.is_some()
                            && has_boundary =>
                        {
                            Some(Named::Directly)
                        }
                        None => continue,
                    }
                }
                _ => None,
            };
            if !applies(statement, request, variables_on) {
                continue;
            }
            let outcome = match &statement.condition {
                Some(block) => conditions::evaluate(block, &request.context, variables_on),
                None => Outcome::Match,
            };
            if outcome == Outcome::NoMatch {
                continue;
            }
            applying.push(Applying {
                position,
                index,
                effect: statement.effect,
                outcome,
                named,
            });
        }
    }
    let denies: Vec<&Applying> = applying
        .iter()
        .filter(|entry| entry.effect == Effect::Deny)
        .collect();
    let sure_denies: Vec<StatementRef> = denies
        .iter()
        .filter(|entry| entry.outcome == Outcome::Match)
        .map(|entry| entry.reference(policies))
        .collect();
    if !sure_denies.is_empty() {
        return Evaluation {
            decision: Decision::ExplicitDeny,
            deciding: sure_denies,
            not_allowed_by: Vec::new(),
        };
    }
    let of_kind = |kind: PolicyKind| move |entry: &Applying| policies[entry.position].kind == kind;
    let identity = place_verdict(
        &applying,
        of_kind(PolicyKind::Identity),
        "identity policies",
    );
    let mut identity_path = vec![identity];
    let mut boundary = None;
    for (at, policy) in policies.iter().enumerate() {
        if policy.kind == PolicyKind::PermissionsBoundary {
            let place = format!("permissions boundary {}", policy.name);
            identity_path.push(place_verdict(
                &applying,
                |entry| entry.position == at,
                &place,
            ));
            boundary = Some((at, place));
        }
    }
    let identity_path = all_of(identity_path);
    let resource_kind = |kind: PolicyKind| policies.iter().any(|policy| policy.kind == kind);
    let (optional, mandatory) = (
        resource_kind(PolicyKind::ResourcePolicy),
        resource_kind(PolicyKind::TrustPolicy),
    );
    let (caller_arn, caller_account) = resource_policy::caller(&request.context);
    let resource_account = request
        .context
        .get("aws:ResourceAccount")
        .and_then(|values| values.first())
        .map(String::as_str)
        .or_else(|| account_of_arn(&request.resource));
    let same_account = match (caller_account, resource_account) {
        (Some(caller), Some(resource)) => caller == resource,
        _ => true,
    };
    let resource_place = |accepts: fn(Named) -> bool| {
        place_verdict(
            &applying,
            move |entry| entry.named.is_some_and(accepts),
            "resource policies",
        )
    };
    // Named directly, a resource policy grants alone (a role still within its boundary,
    // unless named as everyone); naming the account, it leaves the grant to the identity
    // policies. Another account's resource is reached only if its policy allows too.
    let direct = || {
        let is_user = caller_arn.is_some_and(|arn| arn.contains(":user/"));
        let by_arn = resource_place(|named| named == Named::Directly);
        let mut by_arn = vec![by_arn];
        if let (false, Some((at, place))) = (is_user, &boundary) {
            by_arn.push(place_verdict(
                &applying,
                |entry| entry.position == *at,
                place,
            ));
        }
        any_of(vec![
            all_of(by_arn),
            resource_place(|named| named == Named::Everyone),
        ])
    };
    let named_at_all = |_: Named| true;
    let grant = match (same_account, optional, mandatory) {
        (false, _, _) => all_of(vec![identity_path, resource_place(named_at_all)]),
        (true, false, false) => identity_path,
        (true, true, false) => any_of(vec![identity_path, direct()]),
        (true, _, true) => any_of(vec![
            direct(),
            all_of(vec![identity_path, resource_place(named_at_all)]),
        ]),
    };
    let mut required = vec![grant];
    let rcps_apply = request
        .action
        .split(':')
        .next()
        .is_some_and(|service| RCP_SERVICES.iter().any(|s| s.eq_ignore_ascii_case(service)));
    for (kind, levels) in organization_levels(policies) {
        if kind == "RCP" && !rcps_apply {
            continue;
        }
        for (members, names) in levels {
            let place = match names.len() {
                1 => format!("{kind} {}", names[0]),
                _ => format!("{kind}s {}", names.join(", ")),
            };
            required.push(place_verdict(
                &applying,
                |entry| members.contains(&entry.position),
                &place,
            ));
        }
    }
    let (deciding, conditional) = match all_of(required) {
        Verdict::No(not_allowed_by) => {
            return Evaluation {
                decision: Decision::ImplicitDeny,
                deciding: Vec::new(),
                not_allowed_by,
            };
        }
        Verdict::Maybe(deciding) => (deciding, true),
        Verdict::Yes(deciding) => (deciding, false),
    };
    let mut deciding: Vec<StatementRef> = deciding
        .iter()
        .map(|&at| applying[at].reference(policies))
        .collect();
    // A Deny that may apply makes the allow conditional on its condition failing.
    if conditional || !denies.is_empty() {
        deciding.extend(denies.iter().map(|entry| entry.reference(policies)));
        return Evaluation {
            decision: Decision::AllowedIf,
            deciding,
            not_allowed_by: Vec::new(),
        };
    }
    Evaluation {
        decision: Decision::Allowed,
        deciding,
        not_allowed_by: Vec::new(),
    }
}
