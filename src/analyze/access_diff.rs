//! What a new version of a policy allows that the old one did not: `diff` and `check
//! no-new-access`. Each (action, resource pattern) an Allow statement of the new policy grants
//! is looked for in the old one: an old Allow statement that applies to the action, whose
//! resources plainly contain the pattern and whose conditions are a subset of the new
//! statement's (fewer conditions: as wide or wider). Deny statements count: a new one that
//! removes the grant outright drops it; an old one that may block part of it must be in the
//! new policy too. What cannot be shown old is reported: as new when the old policy grants
//! the action nowhere, else as possibly new, with the reason. Never the other way round.

use serde::Serialize;
use serde_json::{Map, Value};

use super::expand::statement_actions;
use super::policy::{Effect, PolicyDocument, ResourceClause, Statement};
use super::report::{Config, analyze};
use super::set::ActionSet;
use crate::data::Action;
use crate::resource_pattern::{overlap, surely_contains};

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

/// Resource patterns of a statement as reported: `NotResource p` for each excluded pattern.
fn resource_names(clause: &ResourceClause) -> Vec<String> {
    match clause {
        ResourceClause::Resource(list) => list.clone(),
        ResourceClause::NotResource(list) => {
            vec![format!("NotResource {}", list.join(", "))]
        }
        ResourceClause::Absent => vec!["*".to_owned()],
    }
}

fn is_everything(pattern: &str) -> bool {
    !pattern.is_empty() && pattern.chars().all(|ch| ch == '*')
}

/// Whether `wide`'s resource element plainly covers the resource `pattern` of a statement
/// whose element is `narrow`.
fn covers_resource(wide: &ResourceClause, narrow: &ResourceClause, pattern: Option<&str>) -> bool {
    match (wide, narrow) {
        (ResourceClause::Absent, _) => true,
        (ResourceClause::Resource(list), _) if list.iter().any(|p| is_everything(p)) => true,
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

/// Whether two statements are the same rule (same effect, actions, resources, conditions).
fn same_rule(a: &Statement, b: &Statement) -> bool {
    a.effect == b.effect
        && a.actions == b.actions
        && a.resources == b.resources
        && condition_triples(a) == condition_triples(b)
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
    let mut old_granted = ActionSet::new();
    for (statement, actions) in old.statements.iter().zip(&old_actions) {
        if statement.effect == Effect::Allow {
            old_granted.union_with(actions);
        }
    }
    let report = analyze(
        new,
        &Config {
            flag_all_risky_actions: true,
            ..Config::default()
        },
    );
    let mut found = Vec::new();
    for (index, statement) in new.statements.iter().enumerate() {
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
                let removed = new
                    .statements
                    .iter()
                    .zip(&new_actions)
                    .any(|(deny, denied)| {
                        deny.effect == Effect::Deny
                            && denied.contains(action)
                            && removes(deny, &statement.resources, pattern)
                    });
                if removed {
                    continue;
                }
                let Some(reason) =
                    why_not_old(old, &old_actions, new, statement, action, pattern, label)
                else {
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
                        .unwrap_or_else(|| resource_names(&statement.resources).join(", ")),
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

/// Why the old policy is not shown to allow the action on the pattern, or `None` when it is.
fn why_not_old(
    old: &PolicyDocument,
    old_actions: &[ActionSet],
    new: &PolicyDocument,
    statement: &Statement,
    action: Action,
    pattern: Option<&str>,
    label: &str,
) -> Option<String> {
    let granting: Vec<&Statement> = old
        .statements
        .iter()
        .zip(old_actions)
        .filter(|(old_statement, actions)| {
            old_statement.effect == Effect::Allow && actions.contains(action)
        })
        .map(|(old_statement, _)| old_statement)
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
                .flat_map(|s| resource_names(&s.resources))
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
    for (deny, denied) in old.statements.iter().zip(old_actions) {
        if deny.effect == Effect::Deny
            && denied.contains(action)
            && may_block(deny, checked)
            && !new.statements.iter().any(|kept| same_rule(kept, deny))
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
