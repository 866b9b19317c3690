//! What a policy allows and the risks it carries: [`analyze`] turns a [`PolicyDocument`] into
//! a [`PolicyReport`] (allowed, unrestricted and unrestrictable actions, findings per
//! [`Category`]). The rules are documented on [`Category`]; the data lists are in
//! [`super::risk`]. Rendering is left to [`crate::output`] (JSON: [`crate::output::report_json`]).

use std::sync::OnceLock;

use serde::Serialize;

use super::expand::{expand, statement_actions};
use super::policy::{ActionClause, Effect, PolicyDocument};
use super::risk::{self, EscalationMethod};
use super::set::ActionSet;
use crate::data::{AccessLevel, Action, Service};

/// How serious a finding is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Severity {
    Low,
    Medium,
    High,
    Critical,
}

impl Severity {
    /// The lowercase name, as in machine output.
    pub fn as_str(self) -> &'static str {
        match self {
            Severity::Low => "low",
            Severity::Medium => "medium",
            Severity::High => "high",
            Severity::Critical => "critical",
        }
    }
}

impl std::fmt::Display for Severity {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.as_str())
    }
}

/// A risk category. The names are those of machine output.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
pub enum Category {
    /// High: every action of a published privilege-escalation method is allowed.
    PrivilegeEscalation,
    /// High: `Permissions management` actions allowed without resource constraint.
    ResourceExposure,
    /// High: actions that return credentials.
    CredentialsExposure,
    /// Medium: read actions that return stored data or secrets.
    DataExfiltration,
    /// Medium: `service:*` or `*` granted.
    ServiceWildcard,
    /// Low: `Write`, `Tagging` or `Permissions management` actions allowed without resource
    /// constraint.
    InfrastructureModification,
    /// Low: actions that can expose resources on the network.
    NetworkExposure,
    /// Critical: a role's trust policy lets anyone assume it.
    AssumableByAnyPrincipal,
    /// Medium: a role's trust policy lets another account assume it.
    AssumableByCrossAccountPrincipal,
    /// Low: a role's trust policy lets a compute service assume it.
    AssumableByComputeService,
}

impl Category {
    /// The categories of permission policies, in report order.
    pub const POLICY: [Category; 7] = [
        Category::PrivilegeEscalation,
        Category::ResourceExposure,
        Category::CredentialsExposure,
        Category::DataExfiltration,
        Category::ServiceWildcard,
        Category::InfrastructureModification,
        Category::NetworkExposure,
    ];

    /// The categories of trust policies.
    pub const TRUST: [Category; 3] = [
        Category::AssumableByAnyPrincipal,
        Category::AssumableByCrossAccountPrincipal,
        Category::AssumableByComputeService,
    ];

    /// Every category.
    pub const ALL: [Category; 10] = [
        Category::PrivilegeEscalation,
        Category::ResourceExposure,
        Category::CredentialsExposure,
        Category::DataExfiltration,
        Category::ServiceWildcard,
        Category::InfrastructureModification,
        Category::NetworkExposure,
        Category::AssumableByAnyPrincipal,
        Category::AssumableByCrossAccountPrincipal,
        Category::AssumableByComputeService,
    ];

    /// The name in machine output, e.g. `PrivilegeEscalation`.
    pub fn name(self) -> &'static str {
        match self {
            Category::PrivilegeEscalation => "PrivilegeEscalation",
            Category::ResourceExposure => "ResourceExposure",
            Category::CredentialsExposure => "CredentialsExposure",
            Category::DataExfiltration => "DataExfiltration",
            Category::ServiceWildcard => "ServiceWildcard",
            Category::InfrastructureModification => "InfrastructureModification",
            Category::NetworkExposure => "NetworkExposure",
            Category::AssumableByAnyPrincipal => "AssumableByAnyPrincipal",
            Category::AssumableByCrossAccountPrincipal => "AssumableByCrossAccountPrincipal",
            Category::AssumableByComputeService => "AssumableByComputeService",
        }
    }

    /// The category's severity.
    pub fn severity(self) -> Severity {
        match self {
            Category::AssumableByAnyPrincipal => Severity::Critical,
            Category::PrivilegeEscalation
            | Category::ResourceExposure
            | Category::CredentialsExposure => Severity::High,
            Category::DataExfiltration
            | Category::ServiceWildcard
            | Category::AssumableByCrossAccountPrincipal => Severity::Medium,
            Category::InfrastructureModification
            | Category::NetworkExposure
            | Category::AssumableByComputeService => Severity::Low,
        }
    }

    /// A stable rule id (SARIF), e.g. `PS001`.
    pub fn rule_id(self) -> &'static str {
        match self {
            Category::PrivilegeEscalation => "PS001",
            Category::ResourceExposure => "PS002",
            Category::CredentialsExposure => "PS003",
            Category::DataExfiltration => "PS004",
            Category::ServiceWildcard => "PS005",
            Category::InfrastructureModification => "PS006",
            Category::NetworkExposure => "PS007",
            Category::AssumableByAnyPrincipal => "PS101",
            Category::AssumableByCrossAccountPrincipal => "PS102",
            Category::AssumableByComputeService => "PS103",
        }
    }

    /// One sentence saying what the category means.
    pub fn description(self) -> &'static str {
        match self {
            Category::PrivilegeEscalation => {
                "All actions of a published privilege-escalation method are allowed: the principal can give itself more permissions."
            }
            Category::ResourceExposure => {
                "Permissions-management actions are allowed without resource constraint: resource policies and IAM entities can be changed to expose resources."
            }
            Category::CredentialsExposure => {
                "Actions whose response contains credentials (keys, tokens, passwords) are allowed without resource constraint."
            }
            Category::DataExfiltration => {
                "Read actions that return stored data or secrets are allowed without resource constraint."
            }
            Category::ServiceWildcard => "All actions of a service (service:* or *) are granted.",
            Category::InfrastructureModification => {
                "Write, Tagging or Permissions-management actions are allowed without resource constraint."
            }
            Category::NetworkExposure => {
                "Actions that can expose resources on the network are allowed without resource constraint."
            }
            Category::AssumableByAnyPrincipal => {
                "The role's trust policy lets any principal assume it, without a condition."
            }
            Category::AssumableByCrossAccountPrincipal => {
                "The role's trust policy lets principals of other, unknown accounts assume it."
            }
            Category::AssumableByComputeService => {
                "The role can be assumed by a compute service (EC2, ECS tasks, EKS, Lambda): code running there acts with it."
            }
        }
    }

    /// Parses a machine name, case-insensitively.
    pub fn parse(name: &str) -> Option<Category> {
        Category::ALL
            .into_iter()
            .find(|category| category.name().eq_ignore_ascii_case(name))
    }
}

impl std::fmt::Display for Category {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.name())
    }
}

/// How findings are counted.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Config {
    /// Count every allowed action (the seed's rule), not only actions granted on every
    /// resource without a condition.
    pub flag_all_risky_actions: bool,
    /// More actions (patterns) to report as DataExfiltration: the exclusions file's
    /// `include-actions`.
    pub include_actions: Vec<String>,
    /// Actions (patterns) never reported in findings: the exclusions file's `exclude-actions`.
    pub exclude_actions: Vec<String>,
}

/// A [`Config`] with its action lists expanded, for analysing many policies.
#[derive(Debug, Clone)]
pub struct Rules {
    /// See [`Config::flag_all_risky_actions`].
    pub flag_all_risky_actions: bool,
    data_exfiltration: ActionSet,
    excluded: ActionSet,
}

impl Rules {
    /// Expands the configuration's action lists.
    pub fn new(config: &Config) -> Rules {
        let mut data_exfiltration = risk::data_exfiltration().clone();
        data_exfiltration.union_with(&expand(&config.include_actions).actions);
        Rules {
            flag_all_risky_actions: config.flag_all_risky_actions,
            data_exfiltration,
            excluded: expand(&config.exclude_actions).actions,
        }
    }
}

struct LevelSets {
    wildcard_only: ActionSet,
    levels: [ActionSet; 5],
    modify: ActionSet,
}

fn level_sets() -> &'static LevelSets {
    static SETS: OnceLock<LevelSets> = OnceLock::new();
    SETS.get_or_init(|| {
        let mut levels: [ActionSet; 5] = Default::default();
        let mut wildcard_only = ActionSet::new();
        for action in Action::all() {
            let level = AccessLevel::ALL
                .iter()
                .position(|l| *l == action.access_level())
                .unwrap_or(0);
            levels[level].insert(action);
            if action.is_wildcard_only() {
                wildcard_only.insert(action);
            }
        }
        let mut modify = levels[1].clone();
        modify.union_with(&levels[3]);
        modify.union_with(&levels[4]);
        LevelSets {
            wildcard_only,
            levels,
            modify,
        }
    })
}

/// The actions of one access level.
pub fn access_level_set(level: AccessLevel) -> &'static ActionSet {
    let index = AccessLevel::ALL
        .iter()
        .position(|l| *l == level)
        .unwrap_or(0);
    &level_sets().levels[index]
}

/// Every action that supports no resource constraint.
pub fn wildcard_only_set() -> &'static ActionSet {
    &level_sets().wildcard_only
}

/// What a policy (or a principal's policies together) grants: the input of the risk rules.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Grants {
    /// Actions allowed by some Allow statement, minus those denied on `*` unconditionally.
    pub allowed: ActionSet,
    /// Allowed actions that support a resource constraint but are granted on every resource
    /// (`Resource: "*"` or `NotResource`) without a condition.
    pub unrestricted: ActionSet,
    /// Allowed actions that support no resource constraint, granted on every resource
    /// without a condition.
    pub unrestrictable: ActionSet,
    /// Actions denied on `*` without a condition.
    pub denied: ActionSet,
    /// Services all of whose actions are granted by `service:*` or `*` (without a condition,
    /// unless all risky actions are flagged).
    pub service_wildcards: Vec<Service>,
}

impl Grants {
    /// The grants of several policies together: unions, minus every policy's denials.
    pub fn combine<'a>(all: impl IntoIterator<Item = &'a Grants>) -> Grants {
        let mut out = Grants::default();
        for grants in all {
            out.allowed.union_with(&grants.allowed);
            out.unrestricted.union_with(&grants.unrestricted);
            out.unrestrictable.union_with(&grants.unrestrictable);
            out.denied.union_with(&grants.denied);
            for service in &grants.service_wildcards {
                if !out.service_wildcards.contains(service) {
                    out.service_wildcards.push(*service);
                }
            }
        }
        out.allowed.subtract(&out.denied);
        out.unrestricted.subtract(&out.denied);
        out.unrestrictable.subtract(&out.denied);
        out.service_wildcards.sort_by_key(|s| s.prefix());
        out
    }
}

/// Findings of the permission-policy categories.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Findings {
    /// The methods whose actions are all allowed.
    pub privilege_escalation: Vec<EscalationMethod>,
    pub resource_exposure: ActionSet,
    pub credentials_exposure: ActionSet,
    pub data_exfiltration: ActionSet,
    /// Services granted whole.
    pub service_wildcard: Vec<Service>,
    pub infrastructure_modification: ActionSet,
    pub network_exposure: ActionSet,
}

impl Findings {
    /// Applies the risk rules to what is granted.
    pub fn from_grants(grants: &Grants, rules: &Rules) -> Findings {
        let sets = level_sets();
        let (restrictable, unrestrictable) = if rules.flag_all_risky_actions {
            let mut restrictable = grants.allowed.clone();
            restrictable.subtract(&sets.wildcard_only);
            (
                restrictable,
                grants.allowed.intersection(&sets.wildcard_only),
            )
        } else {
            (grants.unrestricted.clone(), grants.unrestrictable.clone())
        };
        let mut flagged = restrictable.clone();
        flagged.union_with(&unrestrictable);
        let keep = |mut set: ActionSet| {
            set.subtract(&rules.excluded);
            set
        };
        let privilege_escalation = risk::escalation_sets()
            .iter()
            .filter_map(|(method, actions)| {
                let actions = actions.as_ref()?;
                (actions.is_subset(&flagged) && actions.is_disjoint(&rules.excluded))
                    .then_some(*method)
            })
            .collect();
        Findings {
            privilege_escalation,
            resource_exposure: keep(restrictable.intersection(&sets.levels[4])),
            credentials_exposure: keep(flagged.intersection(risk::credentials_exposure())),
            data_exfiltration: keep(flagged.intersection(&rules.data_exfiltration)),
            service_wildcard: grants.service_wildcards.clone(),
            infrastructure_modification: keep(restrictable.intersection(&sets.modify)),
            network_exposure: keep(flagged.intersection(risk::network_exposure())),
        }
    }

    /// The actions of a category (for PrivilegeEscalation the union of the methods' actions;
    /// for ServiceWildcard `service:*` per service), sorted, in documented case.
    pub fn actions(&self, category: Category) -> Vec<String> {
        match category {
            Category::PrivilegeEscalation => {
                let mut names: Vec<String> = self
                    .privilege_escalation
                    .iter()
                    .flat_map(|method| method.actions.iter().map(|a| (*a).to_owned()))
                    .collect();
                names.sort_unstable();
                names.dedup();
                names
            }
            Category::ServiceWildcard => self
                .service_wildcard
                .iter()
                .map(|service| format!("{}:*", service.prefix()))
                .collect(),
            _ => self
                .action_set(category)
                .map(ActionSet::sorted_names)
                .unwrap_or_default(),
        }
    }

    /// The first `limit` entries of [`Findings::actions`] and how many there are in all,
    /// without naming the rest (for summaries of large findings).
    pub fn actions_limited(&self, category: Category, limit: usize) -> (Vec<String>, usize) {
        match self.action_set(category) {
            Some(set) => (
                set.sorted_prefix(limit)
                    .iter()
                    .map(|a| a.to_string())
                    .collect(),
                set.len(),
            ),
            None => {
                let mut all = self.actions(category);
                let total = all.len();
                all.truncate(limit);
                (all, total)
            }
        }
    }

    /// The actions of a category whose findings are actions (not escalation methods or
    /// service wildcards).
    pub fn action_set(&self, category: Category) -> Option<&ActionSet> {
        match category {
            Category::ResourceExposure => Some(&self.resource_exposure),
            Category::CredentialsExposure => Some(&self.credentials_exposure),
            Category::DataExfiltration => Some(&self.data_exfiltration),
            Category::InfrastructureModification => Some(&self.infrastructure_modification),
            Category::NetworkExposure => Some(&self.network_exposure),
            _ => None,
        }
    }

    /// How many findings a category has: methods, services or actions.
    pub fn count(&self, category: Category) -> usize {
        match category {
            Category::PrivilegeEscalation => self.privilege_escalation.len(),
            Category::ServiceWildcard => self.service_wildcard.len(),
            _ => self.action_set(category).map_or(0, ActionSet::len),
        }
    }

    /// Whether a category has findings (cheaper than [`Findings::count`]).
    pub fn has(&self, category: Category) -> bool {
        match category {
            Category::PrivilegeEscalation => !self.privilege_escalation.is_empty(),
            Category::ServiceWildcard => !self.service_wildcard.is_empty(),
            _ => self.action_set(category).is_some_and(|set| !set.is_empty()),
        }
    }

    /// The categories whose findings include the action, in report order; escalation
    /// methods by name, e.g. `PrivilegeEscalation (CreateAccessKey)`.
    pub fn risks_of(&self, action: Action) -> Vec<String> {
        let name = action.to_string();
        let mut risks = Vec::new();
        for category in Category::POLICY {
            match category {
                Category::PrivilegeEscalation => {
                    for method in &self.privilege_escalation {
                        if method.actions.iter().any(|a| a.eq_ignore_ascii_case(&name)) {
                            risks.push(format!("{} ({})", category.name(), method.name));
                        }
                    }
                }
                Category::ServiceWildcard => {
                    if self.service_wildcard.contains(&action.service()) {
                        risks.push(category.name().to_owned());
                    }
                }
                _ => {
                    if self
                        .action_set(category)
                        .is_some_and(|set| set.contains(action))
                    {
                        risks.push(category.name().to_owned());
                    }
                }
            }
        }
        risks
    }

    /// The categories with findings, in report order.
    pub fn categories(&self) -> impl Iterator<Item = Category> + '_ {
        Category::POLICY
            .into_iter()
            .filter(|category| self.has(*category))
    }

    /// The highest severity among the findings.
    pub fn max_severity(&self) -> Option<Severity> {
        self.categories().map(Category::severity).max()
    }
}

/// The analysis of one policy document.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct PolicyReport {
    /// What the policy grants.
    pub grants: Grants,
    /// Patterns that name no documented action, as written, in order of appearance.
    pub unknown_actions: Vec<String>,
    /// Whether some statement uses `NotAction` (worth a manual look).
    pub uses_not_action: bool,
    /// The findings under the configuration it was analysed with.
    pub findings: Findings,
}

impl PolicyReport {
    /// The unknown action patterns, sorted.
    pub fn sorted_unknown_actions(&self) -> Vec<&str> {
        let mut unknown: Vec<&str> = self.unknown_actions.iter().map(String::as_str).collect();
        unknown.sort_unstable();
        unknown
    }
}

/// Analyses a policy under a configuration.
///
/// ```
/// use policy_sentry::analyze::{Category, Config, PolicyDocument, analyze};
///
/// let policy = PolicyDocument::parse(r#"{"Version": "2012-10-17", "Statement": [
///     {"Effect": "Allow", "Action": ["iam:PassRole", "ec2:RunInstances", "s3:GetObject"], "Resource": "*"},
///     {"Effect": "Allow", "Action": "s3:PutObject", "Resource": "arn:aws:s3:::my-bucket/*"}
/// ]}"#)?;
/// let report = analyze(&policy, &Config::default());
/// assert_eq!(report.grants.allowed.len(), 4);
/// assert_eq!(report.findings.privilege_escalation[0].name, "CreateEC2WithExistingIP");
/// assert_eq!(report.findings.actions(Category::DataExfiltration), ["s3:GetObject"]);
/// // s3:PutObject is constrained to a bucket: not a finding unless every action is flagged.
/// assert!(!report.findings.actions(Category::InfrastructureModification).contains(&"s3:PutObject".to_owned()));
/// let all = analyze(&policy, &Config { flag_all_risky_actions: true, ..Config::default() });
/// assert!(all.findings.actions(Category::InfrastructureModification).contains(&"s3:PutObject".to_owned()));
/// # Ok::<(), policy_sentry::Error>(())
/// ```
pub fn analyze(policy: &PolicyDocument, config: &Config) -> PolicyReport {
    analyze_with_rules(policy, &Rules::new(config))
}

/// [`analyze`] with the configuration already expanded.
pub fn analyze_with_rules(policy: &PolicyDocument, rules: &Rules) -> PolicyReport {
    let wildcard_only = wildcard_only_set();
    let mut grants = Grants::default();
    let mut report = PolicyReport::default();
    // A set beside the list keeps a policy of many unknown actions linear.
    let mut seen_unknown = std::collections::HashSet::new();
    for statement in &policy.statements {
        let expansion = statement_actions(statement);
        for pattern in expansion.unknown {
            if seen_unknown.insert(pattern.clone()) {
                report.unknown_actions.push(pattern);
            }
        }
        let unconditional = !statement.has_condition();
        let everywhere = statement.resources.covers_all_resources();
        match statement.effect {
            Effect::Allow => {
                grants.allowed.union_with(&expansion.actions);
                if everywhere && unconditional {
                    let mut restrictable = expansion.actions.clone();
                    restrictable.subtract(wildcard_only);
                    grants.unrestricted.union_with(&restrictable);
                    grants
                        .unrestrictable
                        .union_with(&expansion.actions.intersection(wildcard_only));
                }
                if unconditional || rules.flag_all_risky_actions {
                    add_service_wildcards(&statement.actions, &mut grants.service_wildcards);
                }
            }
            Effect::Deny => {
                let on_star = matches!(&statement.resources,
                    super::policy::ResourceClause::Resource(r) if r.iter().any(|r| r == "*"));
                if on_star && unconditional {
                    grants.denied.union_with(&expansion.actions);
                }
            }
        }
        report.uses_not_action |= matches!(statement.actions, ActionClause::NotAction(_));
    }
    grants.allowed.subtract(&grants.denied);
    grants.unrestricted.subtract(&grants.denied);
    grants.unrestrictable.subtract(&grants.denied);
    grants.service_wildcards.sort_by_key(|s| s.prefix());
    report.findings = Findings::from_grants(&grants, rules);
    report.grants = grants;
    report
}

fn add_service_wildcards(actions: &ActionClause, out: &mut Vec<Service>) {
    let ActionClause::Action(patterns) = actions else {
        return;
    };
    for pattern in patterns {
        let services: Vec<Service> = if pattern == "*" {
            Service::all().collect()
        } else if let Some((service, "*")) = pattern.split_once(':') {
            if service.contains(['*', '?']) {
                let glob = crate::glob::CaselessGlob::new(service);
                Service::all()
                    .filter(|s| glob.matches(s.prefix()))
                    .collect()
            } else {
                Service::find(service).into_iter().collect()
            }
        } else {
            continue;
        };
        for service in services {
            if !out.contains(&service) {
                out.push(service);
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn report(text: &str) -> PolicyReport {
        analyze(&PolicyDocument::parse(text).unwrap(), &Config::default())
    }

    #[test]
    fn deny_on_star_is_subtracted_conditional_deny_is_not() {
        let r = report(
            r#"{"Statement": [
                {"Effect": "Allow", "Action": "s3:*", "Resource": "*"},
                {"Effect": "Deny", "Action": "s3:Delete*", "Resource": "*"},
                {"Effect": "Deny", "Action": "s3:Put*", "Resource": "*", "Condition": {"Bool": {"aws:MultiFactorAuthPresent": "false"}}},
                {"Effect": "Deny", "Action": "s3:GetObject", "Resource": "arn:aws:s3:::b/*"}
            ]}"#,
        );
        let allowed = &r.grants.allowed;
        assert!(!allowed.contains(Action::find("s3:DeleteObject").unwrap()));
        assert!(allowed.contains(Action::find("s3:PutObject").unwrap()));
        assert!(allowed.contains(Action::find("s3:GetObject").unwrap()));
        assert_eq!(r.findings.service_wildcard, [Service::find("s3").unwrap()]);
    }

    #[test]
    fn unrestricted_versus_unrestrictable() {
        let r = report(
            r#"{"Statement": [
                {"Effect": "Allow", "Action": ["s3:GetObject", "s3:ListAllMyBuckets"], "Resource": "*"},
                {"Effect": "Allow", "Action": "s3:PutObject", "Resource": "arn:aws:s3:::b/*"},
                {"Effect": "Allow", "Action": "s3:DeleteObject", "Resource": "*", "Condition": {"StringEquals": {"aws:PrincipalTag/team": "x"}}}
            ]}"#,
        );
        assert_eq!(r.grants.unrestricted.sorted_names(), ["s3:GetObject"]);
        assert_eq!(
            r.grants.unrestrictable.sorted_names(),
            ["s3:ListAllMyBuckets"]
        );
        assert_eq!(r.grants.allowed.len(), 4);
        assert!(r.findings.infrastructure_modification.is_empty());
    }

    #[test]
    fn escalation_needs_every_action() {
        let r = report(
            r#"{"Statement": {"Effect": "Allow", "Action": ["iam:PassRole", "lambda:CreateFunction"], "Resource": "*"}}"#,
        );
        assert!(r.findings.privilege_escalation.is_empty());
        let r = report(
            r#"{"Statement": {"Effect": "Allow", "Action": ["iam:PassRole", "lambda:CreateFunction", "lambda:InvokeFunction"], "Resource": "*"}}"#,
        );
        let names: Vec<_> = r
            .findings
            .privilege_escalation
            .iter()
            .map(|m| m.name)
            .collect();
        assert_eq!(names, ["PassExistingRoleToNewLambdaThenInvoke"]);
    }

    #[test]
    fn exclusions_and_inclusions() {
        let policy = PolicyDocument::parse(
            r#"{"Statement": {"Effect": "Allow", "Action": ["s3:GetObject", "kms:Decrypt", "iam:CreateAccessKey"], "Resource": "*"}}"#,
        )
        .unwrap();
        let config = Config {
            include_actions: vec!["kms:decrypt".into()],
            exclude_actions: vec!["iam:Create*".into()],
            ..Config::default()
        };
        let r = analyze(&policy, &config);
        assert_eq!(
            r.findings.actions(Category::DataExfiltration),
            ["kms:Decrypt", "s3:GetObject"]
        );
        assert!(r.findings.credentials_exposure.is_empty());
        assert!(r.findings.privilege_escalation.is_empty());
    }
}
