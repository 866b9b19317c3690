//! What a new version of a policy allows that the old one did not: `diff` and `check
//! no-new-access`. Each (action, resource pattern) an Allow statement of the new policy grants
//! is looked for in the old one: an old Allow statement that applies to the action, whose
//! resources plainly contain the pattern and whose conditions are a subset of the new
//! statement's (fewer conditions: as wide or wider). Deny statements count: a new one that
//! removes the grant outright drops it; an old one that may block part of it must be in the
//! new policy too. What cannot be shown old is reported: as new when the old policy grants
//! the action nowhere, else as possibly new, with the reason. Never the other way round.

use std::collections::HashSet;

use serde::Serialize;
use serde_json::{Map, Value};

use super::expand::statement_actions;
use super::policy::{Effect, PolicyDocument, ResourceClause, Statement};
use super::report::{Config, analyze};
use super::set::ActionSet;
use crate::data::Action;
use crate::resource_pattern::{is_all_stars, overlap, surely_contains};

/// How sure the report is that the access is new.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Newness {
    /// The old policy grants the action on no resource.
    New,
    /// The old policy grants the action, but not plainly on this resource under these
    /// conditions.
    MayBeNew,
}

/// One grant of the new policy that the old one is not shown to allow.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct NewAccess {
    pub action: String,
    pub access_level: &'static str,
    /// A `Resource` pattern, `NotResource …`, or `*` for a statement with neither.
    pub resource: String,
    /// The granting statement of the new policy.
    pub statement: usize,
    pub sid: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub conditions: Option<Map<String, Value>>,
    pub newness: Newness,
    /// Why it is not shown old.
    pub reason: String,
    /// Risk categories of the action (escalation methods by name).
    pub risks: Vec<String>,
}

/// What `new` allows that `old` did not, and what `old` allowed that `new` does not.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct PolicyDiff {
    pub added: Vec<NewAccess>,
    pub removed: Vec<NewAccess>,
}

impl PolicyDiff {
    pub fn is_empty(&self) -> bool {
        self.added.is_empty() && self.removed.is_empty()
    }
}

/// Both directions of [`new_access`]; the reasons of `removed` name the new policy.
pub fn diff(old: &PolicyDocument, new: &PolicyDocument) -> PolicyDiff {
    PolicyDiff {
        added: access_beyond(old, new, "the old policy"),
        removed: access_beyond(new, old, "the new policy"),
    }
}

/// Whether `wide`'s resource element plainly covers the resource `pattern` of a statement
/// whose element is `narrow`.
fn covers_resource(wide: &ResourceClause, narrow: &ResourceClause, pattern: Option<&str>) -> bool {
    match (wide, narrow) {
        (ResourceClause::Absent, _) => true,
        (ResourceClause::Resource(list), _) if list.iter().any(|p| is_all_stars(p)) => true,
        (ResourceClause::Resource(list), ResourceClause::Resource(_)) => {
            let pattern = pattern.unwrap_or("*");
            list.iter().any(|p| surely_contains(p, pattern))
        }
        (ResourceClause::NotResource(excluded), ResourceClause::Resource(_)) => {
            let pattern = pattern.unwrap_or("*");
            !excluded.iter().any(|p| overlap(p, pattern))
        }
        (ResourceClause::NotResource(wide_out), ResourceClause::NotResource(narrow_out)) => {
            // The wide one excludes only what the narrow one excludes too.
            wide_out
                .iter()
                .all(|w| narrow_out.iter().any(|n| surely_contains(n, w)))
        }
        _ => false,
    }
}

/// The condition block as (operator, key, sorted values) triples.
fn condition_triples(statement: &Statement) -> Vec<(String, String, Vec<String>)> {
    let mut triples = Vec::new();
    for (operator, keys) in statement.condition.iter().flatten() {
        let Value::Object(keys) = keys else {
            triples.push((operator.clone(), String::new(), vec![keys.to_string()]));
            continue;
        };
        for (key, values) in keys {
            let mut list: Vec<String> = match values {
                Value::Array(items) => items.iter().map(Value::to_string).collect(),
                other => vec![other.to_string()],
            };
            list.sort();
            list.dedup();
            // Condition keys are case-insensitive; operators are not.
            triples.push((operator.clone(), key.to_ascii_lowercase(), list));
        }
    }
    triples
}

/// Whether every condition of `wide` is also a condition of `narrow`.
fn conditions_subset(wide: &Statement, narrow: &Statement) -> bool {
    let narrow = condition_triples(narrow);
    condition_triples(wide)
        .iter()
        .all(|triple| narrow.contains(triple))
}

/// Whether a Deny statement may block the action on the pattern.
fn may_block(deny: &Statement, pattern: &str) -> bool {
    match &deny.resources {
        ResourceClause::Resource(list) => list.iter().any(|p| overlap(p, pattern)),
        ResourceClause::NotResource(excluded) => {
            !excluded.iter().any(|p| surely_contains(p, pattern))
        }
        ResourceClause::Absent => true,
    }
}

/// Whether an unconditional Deny removes the action on the whole of the pattern.
fn removes(deny: &Statement, clause: &ResourceClause, pattern: Option<&str>) -> bool {
    !deny.has_condition() && covers_resource(&deny.resources, clause, pattern)
}

/// Each (action, resource) that `new` allows and `old` is not shown to allow, by action then
/// statement.
///
/// ```
/// use policy_sentry::analyze::PolicyDocument;
/// use policy_sentry::analyze::access_diff::{Newness, new_access};
///
/// let old = PolicyDocument::parse(r#"{"Statement": [
///     {"Effect": "Allow", "Action": "s3:GetObject", "Resource": "arn:aws:s3:::b/*"}]}"#)?;
/// let new = PolicyDocument::parse(r#"{"Statement": [
///     {"Effect": "Allow", "Action": ["s3:GetObject", "s3:PutObject"], "Resource": "arn:aws:s3:::b/logs/*"}]}"#)?;
/// let added = new_access(&old, &new);
/// assert_eq!(added.len(), 1);
/// assert_eq!((added[0].action.as_str(), added[0].newness), ("s3:PutObject", Newness::New));
/// assert!(new_access(&new, &new).is_empty());
/// # Ok::<(), policy_sentry::Error>(())
/// ```
pub fn new_access(old: &PolicyDocument, new: &PolicyDocument) -> Vec<NewAccess> {
    access_beyond(old, new, "the base")
}

/// Comparisons of a grant with a statement [`new_access`] makes at most; past it, each grant
/// left is reported as possibly new. Real policies are far below it (a managed policy holds a
/// few dozen statements); hostile ones of many thousand distinct statements stay linear.
pub const WORK_BOUND: usize = 20_000_000;

/// A statement's rule as a text key: equal keys, the same effect, actions, resources and
/// conditions.
fn rule_key(statement: &Statement) -> String {
    format!(
        "{:?}{:?}{:?}{:?}",
        statement.effect,
        statement.actions,
        statement.resources,
        condition_triples(statement)
    )
}

/// The first statement of each distinct rule (repeats allow nothing more).
fn distinct(policy: &PolicyDocument) -> Vec<usize> {
    let mut seen = HashSet::new();
    (0..policy.statements.len())
        .filter(|index| seen.insert(rule_key(&policy.statements[*index])))
        .collect()
}

/// [`new_access`], with `old` called `label` in the reasons.
fn access_beyond(old: &PolicyDocument, new: &PolicyDocument, label: &str) -> Vec<NewAccess> {
    let actions_of = |policy: &PolicyDocument| -> Vec<ActionSet> {
        policy
            .statements
            .iter()
            .map(|statement| statement_actions(statement).actions)
            .collect()
    };
    let (old_actions, new_actions) = (actions_of(old), actions_of(new));
    let (old_rules, new_rules) = (distinct(old), distinct(new));
    let mut old_granted = ActionSet::new();
    for index in &old_rules {
        if old.statements[*index].effect == Effect::Allow {
            old_granted.union_with(&old_actions[*index]);
        }
    }
    let new_denies: Vec<usize> = new_rules
        .iter()
        .copied()
        .filter(|index| new.statements[*index].effect == Effect::Deny)
        .collect();
    let report = analyze(
        new,
        &Config {
            flag_all_risky_actions: true,
            ..Config::default()
        },
    );
    let old_view = OldView {
        rules: old_rules
            .iter()
            .map(|&index| (&old.statements[index], &old_actions[index]))
            .collect(),
        new_rules: new.statements.iter().map(rule_key).collect(),
        label,
    };
    let mut work = 0usize;
    let mut found = Vec::new();
    for &index in &new_rules {
        let statement = &new.statements[index];
        if statement.effect != Effect::Allow {
            continue;
        }
        let patterns: Vec<Option<String>> = match &statement.resources {
            ResourceClause::Resource(list) => list.iter().cloned().map(Some).collect(),
            _ => vec![None],
        };
        for action in new_actions[index].iter() {
            for pattern in &patterns {
                let pattern = pattern.as_deref();
                work = work.saturating_add(new_denies.len() + old_rules.len());
                let reason = if work > WORK_BOUND {
                    Some(format!(
                        "not compared: the policies are too large to compare within {WORK_BOUND} steps"
                    ))
                } else {
                    let removed = new_denies.iter().any(|&deny| {
                        new_actions[deny].contains(action)
                            && removes(&new.statements[deny], &statement.resources, pattern)
                    });
                    if removed {
                        continue;
                    }
                    old_view.why_not(statement, action, pattern)
                };
                let Some(reason) = reason else {
                    continue;
                };
                let newness = match old_granted.contains(action) {
                    true => Newness::MayBeNew,
                    false => Newness::New,
                };
                found.push(NewAccess {
                    action: action.to_string(),
                    access_level: action.access_level().as_str(),
                    resource: pattern
                        .map(str::to_owned)
                        .unwrap_or_else(|| statement.resources.labels().join(", ")),
                    statement: index,
                    sid: statement.sid.clone(),
                    conditions: statement
                        .condition
                        .clone()
                        .filter(|block| !block.is_empty()),
                    newness,
                    reason,
                    risks: report.findings.risks_of(action),
                });
            }
        }
    }
    found.sort_by(|a, b| (&a.action, a.statement).cmp(&(&b.action, b.statement)));
    found
}

/// The old policy as the comparison reads it: its distinct rules with their actions, the
/// new policy's rules (for Denies kept), and the name the reasons give the old one.
struct OldView<'a> {
    rules: Vec<(&'a Statement, &'a ActionSet)>,
    new_rules: HashSet<String>,
    label: &'a str,
}

impl OldView<'_> {
    fn why_not(
        &self,
        statement: &Statement,
        action: Action,
        pattern: Option<&str>,
    ) -> Option<String> {
        why_not_old(
            &self.rules,
            &self.new_rules,
            statement,
            action,
            pattern,
            self.label,
        )
    }
}

/// Why the old policy is not shown to allow the action on the pattern, or `None` when it is.
fn why_not_old(
    old: &[(&Statement, &ActionSet)],
    new_rules: &HashSet<String>,
    statement: &Statement,
    action: Action,
    pattern: Option<&str>,
    label: &str,
) -> Option<String> {
    let granting: Vec<&Statement> = old
        .iter()
        .filter(|(old_statement, actions)| {
            old_statement.effect == Effect::Allow && actions.contains(action)
        })
        .map(|(old_statement, _)| *old_statement)
        .collect();
    if granting.is_empty() {
        return Some(format!("{label} grants it nowhere"));
    }
    let on_resource: Vec<&&Statement> = granting
        .iter()
        .filter(|old_statement| {
            covers_resource(&old_statement.resources, &statement.resources, pattern)
        })
        .collect();
    if on_resource.is_empty() {
        return Some(format!(
            "{label} grants it only on {}",
            granting
                .iter()
                .flat_map(|s| s.resources.labels())
                .collect::<Vec<_>>()
                .join(", ")
        ));
    }
    if !on_resource
        .iter()
        .any(|old_statement| conditions_subset(old_statement, statement))
    {
        return Some(format!(
            "{label} grants it there only under other conditions"
        ));
    }
    // An old Deny that may block part of it must still be there.
    let checked = pattern.unwrap_or("*");
    for (deny, denied) in old {
        if deny.effect == Effect::Deny
            && denied.contains(action)
            && may_block(deny, checked)
            && !new_rules.contains(&rule_key(deny))
        {
            let name = deny
                .sid
                .as_deref()
                .map(|sid| format!(" {sid:?}"))
                .unwrap_or_default();
            return Some(format!(
                "a Deny of the base{name} that may block it is gone"
            ));
        }
    }
    None
}
