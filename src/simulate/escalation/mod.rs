//! Escalation paths: a graph whose nodes are an account's users and roles and whose edges
//! are single steps, and for each principal the shortest way to administrator.
//!
//! - An **act-as** edge `P → Q`: P can come to hold Q's credentials (assume Q, pass Q to a
//!   new compute resource, create Q's access key or password, rewrite Q's trust policy).
//! - A **grant** edge `P → Q`: P can give Q any permission (put or attach a policy on Q or
//!   its group, a new version of a managed policy Q has, an older version of it that allows
//!   everything made the default, add Q to an administrators' group), lifting Q's
//!   permissions boundary when Q has one.
//!
//! A principal is **administrator-equivalent** when its policies allow every action on
//! every resource. Every edge is decided by [`evaluate_refs`] with the principal's
//! policies, the organization's policies (SCPs and RCPs) and (for `sts:AssumeRole`) the
//! role's trust policy, and names the
//! statements that allow it; an edge that holds only if conditions on keys the account file
//! does not give hold is marked `conditional`. Administrators' own edges are left out: they
//! need no path.
//!
//! ```
//! use policy_sentry::account_file::AuthorizationDetails;
//! use policy_sentry::simulate::escalation::{escalation_graph, shortest_paths};
//!
//! let account: AuthorizationDetails = serde_json::from_str(r#"{
//!   "UserDetailList": [{"UserName": "dev", "Arn": "arn:aws:iam::111122223333:user/dev",
//!     "UserPolicyList": [{"PolicyName": "p", "PolicyDocument": {"Version": "2012-10-17",
//!       "Statement": [{"Effect": "Allow", "Action": "sts:AssumeRole", "Resource": "*"}]}}]}],
//!   "RoleDetailList": [{"RoleName": "admin", "Arn": "arn:aws:iam::111122223333:role/admin",
//!     "AssumeRolePolicyDocument": {"Statement": [{"Effect": "Allow",
//!       "Principal": {"AWS": "arn:aws:iam::111122223333:root"}, "Action": "sts:AssumeRole"}]},
//!     "RolePolicyList": [{"PolicyName": "all", "PolicyDocument": {"Version": "2012-10-17",
//!       "Statement": [{"Effect": "Allow", "Action": "*", "Resource": "*"}]}}]}],
//!   "GroupDetailList": [], "Policies": []}"#)?;
//! let graph = escalation_graph(&account, &[]);
//! assert!(graph.nodes[1].admin.is_some());
//! let paths = shortest_paths(&graph);
//! assert_eq!(paths[0].principal, "arn:aws:iam::111122223333:user/dev");
//! assert_eq!(graph.edges[paths[0].steps[0]].method, "AssumeRole");
//! # Ok::<(), serde_json::Error>(())
//! ```

pub mod methods;
mod paths;
mod subjects;

use std::collections::HashMap;
use std::sync::Arc;

use rayon::prelude::*;
use serde::Serialize;

pub use paths::{EscalationPath, shortest_paths};

use super::principal::Principal;
use super::resource_policy::statement_names;
use super::{Context, Decision, NamedPolicy, PolicyKind, Request, StatementRef, evaluate_refs};
use crate::account_file::{AuthorizationDetails, document_value};
use crate::analyze::PolicyDocument;
use crate::analyze::policy::Effect;
use methods::{
    BOUNDARY_LIFTS, DIRECT_GRANTS, GROUP_GRANTS, PassRoleMethod, USER_CREDENTIAL_STEPS,
    pass_role_methods, reference,
};
use subjects::{Subject, subjects};

/// Actions only a policy allowing every action allows: one in IAM, one in no service.
const EVERY_ACTION_PROBES: [&str; 2] = ["iam:PolicySentryEveryAction", "policysentry:EveryAction"];

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum NodeKind {
    User,
    Role,
}

/// Why a step or an administrator holds: the statements, and whether conditions on keys
/// not given decide.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Grounds {
    pub conditional: bool,
    pub statements: Vec<StatementRef>,
}

/// A user or role.
#[derive(Debug, Clone, Serialize)]
pub struct Node {
    pub arn: String,
    pub kind: NodeKind,
    /// Set when the principal is administrator-equivalent.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub admin: Option<Grounds>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum StepKind {
    /// The source comes to hold the target's credentials.
    ActAs,
    /// The source can give the target any permission.
    Grant,
}

/// One step, between the nodes at `source` and `target`.
#[derive(Debug, Clone)]
pub struct Edge {
    pub source: usize,
    pub target: usize,
    pub kind: StepKind,
    /// The method's name, e.g. `AssumeRole`, `CreateAccessKey`,
    /// `PassExistingRoleToNewLambdaThenInvoke`.
    pub method: &'static str,
    /// Where the method is described.
    pub reference: &'static str,
    /// The group, managed policy or service principal the step goes through.
    pub via: Option<String>,
    pub conditional: bool,
    /// Shared between the edges of one source that the same statements allow: a dense
    /// graph has hundreds of thousands of edges.
    pub statements: Arc<[StatementRef]>,
}

/// The graph, and the principals left out (a policy that does not parse, a managed policy
/// the file lacks) with the reason.
#[derive(Debug, Clone, Default)]
pub struct EscalationGraph {
    pub nodes: Vec<Node>,
    pub edges: Vec<Edge>,
    pub unreadable: Vec<(String, String)>,
}

/// What some grants reach: groups whose policies make their members administrators (by
/// name and ARN), and customer managed policies with a version other than the default that
/// does (setting it as the default is the grant).
struct AdministratorHolders {
    groups: Vec<(String, String)>,
    versions: Vec<String>,
}

/// Asks whether `policies` allow the request; `None` when denied.
fn ask(policies: &[&NamedPolicy], request: &Request) -> Option<Grounds> {
    let evaluation = evaluate_refs(policies, request);
    match evaluation.decision {
        Decision::Allowed => Some(Grounds {
            conditional: false,
            statements: evaluation.deciding,
        }),
        Decision::AllowedIf => Some(Grounds {
            conditional: true,
            statements: evaluation.deciding,
        }),
        Decision::ExplicitDeny | Decision::ImplicitDeny => None,
    }
}

/// Joins the grounds of steps that must all hold.
fn join(grounds: impl IntoIterator<Item = Grounds>) -> Grounds {
    let mut joined = Grounds {
        conditional: false,
        statements: Vec::new(),
    };
    for part in grounds {
        joined.conditional |= part.conditional;
        for statement in part.statements {
            if !joined.statements.contains(&statement) {
                joined.statements.push(statement);
            }
        }
    }
    joined
}

/// One actor's questions: its policies, with room for a role's trust policy, and one
/// request reused, so that a dense graph costs no copy of the context per question.
struct Asker<'a> {
    policies: Vec<&'a NamedPolicy>,
    request: Request,
}

impl<'a> Asker<'a> {
    fn new(actor: &'a Subject) -> Asker<'a> {
        Asker {
            policies: actor.refs(),
            request: Request {
                action: String::new(),
                resource: String::new(),
                context: actor.context.clone(),
            },
        }
    }

    fn ask(&mut self, action: &str, resource: &str) -> Option<Grounds> {
        self.request.action.clear();
        self.request.action.push_str(action);
        self.request.resource.clear();
        self.request.resource.push_str(resource);
        ask(&self.policies, &self.request)
    }

    /// Asks with a trust policy that must allow too.
    fn ask_trusted(
        &mut self,
        trust: &'a NamedPolicy,
        action: &str,
        resource: &str,
    ) -> Option<Grounds> {
        self.policies.push(trust);
        let answer = self.ask(action, resource);
        self.policies.pop();
        answer
    }

    /// Asks with one more context key.
    fn ask_with_key(
        &mut self,
        key: &str,
        value: &str,
        action: &str,
        resource: &str,
    ) -> Option<Grounds> {
        let with = self.request.context.with(key, vec![value.to_owned()]);
        let before = std::mem::replace(&mut self.request.context, with);
        let answer = self.ask(action, resource);
        self.request.context = before;
        answer
    }
}

/// Whether the policies allow every action on every resource.
fn administrator(policies: &[&NamedPolicy], context: &Context) -> Option<Grounds> {
    let probes: Option<Vec<Grounds>> = EVERY_ACTION_PROBES
        .iter()
        .map(|action| {
            ask(
                policies,
                &Request {
                    action: (*action).to_owned(),
                    resource: "*".to_owned(),
                    context: context.clone(),
                },
            )
        })
        .collect();
    probes.map(join)
}

/// Builds the escalation graph of the account under the `organization` policies (SCPs and
/// RCPs, as [`PolicyKind::Scp`] and [`PolicyKind::Rcp`] levels), in parallel.
pub fn escalation_graph(
    account: &AuthorizationDetails,
    organization: &[NamedPolicy],
) -> EscalationGraph {
    let mut graph = EscalationGraph::default();
    let mut all: Vec<Subject> = Vec::new();
    for result in subjects(account, organization) {
        match result {
            Ok(subject) => all.push(subject),
            Err(unreadable) => graph.unreadable.push(unreadable),
        }
    }
    let nobody = Context::partial_from(Vec::new(), Vec::new());
    let sure_administrator = |mut policies: Vec<NamedPolicy>| {
        policies.extend(organization.iter().cloned());
        let refs: Vec<&NamedPolicy> = policies.iter().collect();
        administrator(&refs, &nobody).is_some_and(|grounds| !grounds.conditional)
    };
    let holders = AdministratorHolders {
        groups: account
            .group_detail_list
            .par_iter()
            .filter_map(|group| {
                let policies = Principal::group_policies(account, group).ok()?;
                sure_administrator(policies)
                    .then_some((group.group_name.clone()?, group.arn.clone()?))
            })
            .collect(),
        versions: account
            .policies
            .par_iter()
            .filter(|policy| !policy.is_aws_managed())
            .filter_map(|policy| {
                let arn = policy.arn.clone()?;
                let administrator_version = policy
                    .policy_version_list
                    .iter()
                    .filter(|version| !version.is_default_version)
                    .filter_map(|version| version.document.as_ref())
                    .filter_map(|value| document_value(value).ok())
                    .filter_map(|value| PolicyDocument::from_value(&value, &arn).ok())
                    .any(|document| {
                        sure_administrator(vec![NamedPolicy {
                            kind: PolicyKind::Identity,
                            name: arn.clone(),
                            document,
                        }])
                    });
                administrator_version.then_some(arn)
            })
            .collect(),
    };
    graph.nodes = all
        .par_iter()
        .map(|subject| Node {
            arn: subject.arn.clone(),
            kind: subject.kind,
            admin: administrator(&subject.refs(), &subject.context),
        })
        .collect();
    let pass_methods = pass_role_methods();
    let edges: Vec<Vec<Edge>> = (0..all.len())
        .into_par_iter()
        .map(|source| {
            let sure_admin = graph.nodes[source]
                .admin
                .as_ref()
                .is_some_and(|g| !g.conditional);
            match sure_admin {
                true => Vec::new(),
                false => edges_from(source, &all, &pass_methods, &holders),
            }
        })
        .collect();
    graph.edges = edges.into_iter().flatten().collect();
    graph
}

fn edges_from(
    source: usize,
    all: &[Subject],
    pass_methods: &[PassRoleMethod],
    holders: &AdministratorHolders,
) -> Vec<Edge> {
    let actor = &all[source];
    let mut edges = Vec::new();
    let mut shared: HashMap<Vec<StatementRef>, Arc<[StatementRef]>> = HashMap::new();
    let mut push = |target: usize,
                    kind: StepKind,
                    method: &'static str,
                    via: Option<String>,
                    grounds: Grounds| {
        let statements = shared
            .entry(grounds.statements)
            .or_insert_with_key(|statements| statements.as_slice().into())
            .clone();
        edges.push(Edge {
            source,
            target,
            kind,
            method,
            reference: reference(method),
            via,
            conditional: grounds.conditional,
            statements,
        });
    };
    let may_assume = actor.may_step("sts:AssumeRole");
    let may_update_trust = actor.may_step("iam:UpdateAssumeRolePolicy");
    let credential_steps: Vec<&(&str, &str)> = USER_CREDENTIAL_STEPS
        .iter()
        .filter(|(_, action)| actor.may_step(action))
        .collect();
    // A trust policy naming the actor, for a role whose trust it can rewrite.
    let own_trust = NamedPolicy {
        kind: PolicyKind::TrustPolicy,
        name: "a trust policy naming it".to_owned(),
        document: PolicyDocument::from_value(
            &serde_json::json!({"Version": "2012-10-17", "Statement": [{"Effect": "Allow",
                "Principal": {"AWS": actor.arn}, "Action": "sts:AssumeRole"}]}),
            "trust",
        )
        .expect("a fixed trust policy parses"),
    };
    let mut asker = Asker::new(actor);
    for (target, subject) in all.iter().enumerate() {
        if target == source {
            continue;
        }
        if let Some(trust) = &subject.trust {
            let named = trust
                .document
                .statements
                .iter()
                .filter(|s| s.effect == Effect::Allow)
                .filter_map(|s| statement_names(s, &actor.context))
                .max();
            let worth_asking = match named {
                Some(
                    super::resource_policy::Named::Directly
                    | super::resource_policy::Named::Everyone,
                ) => true,
                Some(super::resource_policy::Named::Account) => may_assume,
                None => false,
            };
            if worth_asking
                && let Some(grounds) = asker.ask_trusted(trust, "sts:AssumeRole", &subject.arn)
            {
                push(target, StepKind::ActAs, "AssumeRole", None, grounds);
            }
        }
        if subject.kind == NodeKind::Role && may_update_trust {
            let update = asker.ask("iam:UpdateAssumeRolePolicy", &subject.arn);
            if let Some(update) = update
                && let Some(assume) = asker.ask_trusted(&own_trust, "sts:AssumeRole", &subject.arn)
            {
                push(
                    target,
                    StepKind::ActAs,
                    "UpdateRolePolicyToAssumeIt",
                    None,
                    join([update, assume]),
                );
            }
        }
        if subject.kind == NodeKind::User {
            for (method, action) in &credential_steps {
                if let Some(grounds) = asker.ask(action, &subject.arn) {
                    push(target, StepKind::ActAs, method, None, grounds);
                }
            }
        }
    }
    pass_role_edges(actor, &mut asker, all, pass_methods, &mut push);
    let grants_anything = actor.steps.iter().any(|action| {
        !matches!(
            *action,
            "sts:AssumeRole" | "iam:UpdateAssumeRolePolicy" | "iam:PassRole"
        ) && !USER_CREDENTIAL_STEPS.iter().any(|(_, step)| step == action)
    });
    if !grants_anything {
        return edges;
    }
    for (target, subject) in all.iter().enumerate() {
        for (method, via, grounds) in grants(actor, &mut asker, subject, holders) {
            push(target, StepKind::Grant, method, via, grounds);
        }
    }
    edges
}

/// Pass-role edges: the actor can create the method's compute resource and pass it a role
/// that trusts the method's service.
fn pass_role_edges(
    actor: &Subject,
    asker: &mut Asker,
    all: &[Subject],
    pass_methods: &[PassRoleMethod],
    push: &mut impl FnMut(usize, StepKind, &'static str, Option<String>, Grounds),
) {
    if !actor.may_step("iam:PassRole") {
        return;
    }
    for method in pass_methods {
        if !all
            .iter()
            .any(|s| s.services.iter().any(|svc| svc == method.service_principal))
        {
            continue;
        }
        if !method.actions.iter().all(|action| actor.may_allow(action)) {
            continue;
        }
        // Each action allowed on some resource the actor may name.
        let creates: Option<Vec<Grounds>> = method
            .actions
            .iter()
            .map(|action| {
                actor
                    .candidate_resources(action)
                    .iter()
                    .filter_map(|resource| asker.ask(action, resource))
                    .min_by_key(|grounds| grounds.conditional)
            })
            .collect();
        let Some(creates) = creates else { continue };
        for (target, subject) in all.iter().enumerate() {
            if !subject
                .services
                .iter()
                .any(|svc| svc == method.service_principal)
            {
                continue;
            }
            let passed = asker.ask_with_key(
                "iam:PassedToService",
                method.service_principal,
                "iam:PassRole",
                &subject.arn,
            );
            if let Some(grounds) = passed {
                let joined = join(creates.iter().cloned().chain([grounds]));
                push(
                    target,
                    StepKind::ActAs,
                    method.method.name,
                    Some(method.service_principal.to_owned()),
                    joined,
                );
            }
        }
    }
}

/// The ways the actor can give the subject any permission.
fn grants(
    actor: &Subject,
    asker: &mut Asker,
    subject: &Subject,
    holders: &AdministratorHolders,
) -> Vec<(&'static str, Option<String>, Grounds)> {
    let is_user = subject.kind == NodeKind::User;
    let mut allowed = |action: &str, resource: &str| match actor.may_step(action) {
        true => asker.ask(action, resource),
        false => None,
    };
    // A boundary caps any grant: it must be lifted too.
    let lift = match subject.has_boundary {
        false => Some(Grounds {
            conditional: false,
            statements: Vec::new(),
        }),
        true => BOUNDARY_LIFTS
            .iter()
            .find_map(|(user, role)| allowed(if is_user { user } else { role }, &subject.arn)),
    };
    let Some(lift) = lift else { return Vec::new() };
    let mut found = Vec::new();
    for (method, user_action, role_action) in DIRECT_GRANTS {
        let action = if is_user { user_action } else { role_action };
        if action.is_empty() {
            continue;
        }
        if let Some(grounds) = allowed(action, &subject.arn) {
            found.push((*method, None, grounds));
        }
    }
    for (name, arn) in &subject.groups {
        for (method, action) in GROUP_GRANTS {
            if let Some(grounds) = allowed(action, arn) {
                found.push((*method, Some(format!("group {name}")), grounds));
            }
        }
    }
    for policy in &subject.managed {
        if let Some(grounds) = allowed("iam:CreatePolicyVersion", policy) {
            found.push(("CreateNewPolicyVersion", Some(policy.clone()), grounds));
        }
        if holders.versions.contains(policy)
            && let Some(grounds) = allowed("iam:SetDefaultPolicyVersion", policy)
        {
            found.push((
                "SetExistingDefaultPolicyVersion",
                Some(policy.clone()),
                grounds,
            ));
        }
    }
    if is_user {
        for (name, arn) in &holders.groups {
            if subject
                .groups
                .iter()
                .any(|(member_of, _)| member_of == name)
            {
                continue;
            }
            if let Some(grounds) = allowed("iam:AddUserToGroup", arn) {
                found.push(("AddUserToGroup", Some(format!("group {name}")), grounds));
            }
        }
    }
    found
        .into_iter()
        .map(|(method, via, grounds)| (method, via, join([grounds, lift.clone()])))
        .collect()
}
