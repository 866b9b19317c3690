//! What a change of data means for given policies and templates: the actions each policy
//! statement applies to under the old and the new data, and the statements a template's
//! generated policy gains, loses or changes.

use std::collections::{BTreeMap, BTreeSet};

use serde::Serialize;

use super::AccessLevelName;
use super::catalog::{Catalog, CatalogAction};
use crate::analyze::policy::{ActionClause, Effect, PolicyDocument, ResourceClause};

/// An action a statement gains or loses, with its access level on the side that has it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct ActionEntry {
    pub action: String,
    pub access_level: AccessLevelName,
}

/// A pattern whose number of matching actions differs.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct PatternCount {
    pub pattern: String,
    pub from: usize,
    pub to: usize,
}

/// A policy statement that applies to other actions under the new data.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct StatementChange {
    /// Position in the policy's statements, from 0.
    pub index: usize,
    pub sid: Option<String>,
    pub effect: Effect,
    /// `Action` or `NotAction`: a `NotAction` statement applies to every action but its
    /// patterns', so it gains each new action none of them matches.
    pub element: &'static str,
    /// Actions it now applies to (grants, or denies for `Deny`).
    pub added: Vec<ActionEntry>,
    /// Actions it no longer applies to.
    pub removed: Vec<ActionEntry>,
    /// Its patterns whose match count changed.
    pub patterns: Vec<PatternCount>,
}

/// The statements of `policy` that apply to other actions under `to` than under `from`.
///
/// ```
/// use policy_sentry::analyze::policy::PolicyDocument;
/// use policy_sentry::data::diff::{Catalog, policies::policy_changes};
///
/// let policy = PolicyDocument::parse(
///     r#"{"Statement": [{"Effect": "Allow", "Action": "s3:GetObject", "Resource": "*"}]}"#,
/// )?;
/// let old = Catalog::embedded("2024-07-15").unwrap();
/// assert!(policy_changes(&policy, &old, &old).is_empty());
/// # Ok::<(), policy_sentry::Error>(())
/// ```
pub fn policy_changes(
    policy: &PolicyDocument,
    from: &Catalog,
    to: &Catalog,
) -> Vec<StatementChange> {
    let mut changes = Vec::new();
    for (index, statement) in policy.statements.iter().enumerate() {
        let patterns = statement.actions.patterns();
        let (before, counts_before) = applies_to(&statement.actions, from);
        let (after, counts_after) = applies_to(&statement.actions, to);
        if before.keys().eq(after.keys()) {
            continue;
        }
        let entry = |action: &CatalogAction| ActionEntry {
            action: action.qualified.clone(),
            access_level: AccessLevelName(action.access_level),
        };
        changes.push(StatementChange {
            index,
            sid: statement.sid.clone(),
            effect: statement.effect,
            element: match statement.actions {
                ActionClause::Action(_) => "Action",
                ActionClause::NotAction(_) => "NotAction",
            },
            added: after
                .iter()
                .filter(|(key, _)| !before.contains_key(*key))
                .map(|(_, action)| entry(action))
                .collect(),
            removed: before
                .iter()
                .filter(|(key, _)| !after.contains_key(*key))
                .map(|(_, action)| entry(action))
                .collect(),
            patterns: patterns
                .iter()
                .zip(counts_before.iter().zip(&counts_after))
                .filter(|(_, (old, new))| old != new)
                .map(|(pattern, (old, new))| PatternCount {
                    pattern: pattern.clone(),
                    from: *old,
                    to: *new,
                })
                .collect(),
        });
    }
    changes
}

/// The actions a statement's action element applies to, by lowercase `prefix:name`, and each
/// pattern's match count.
fn applies_to<'a>(
    clause: &ActionClause,
    catalog: &'a Catalog,
) -> (BTreeMap<String, &'a CatalogAction>, Vec<usize>) {
    let mut matched = BTreeMap::new();
    let mut counts = Vec::new();
    for pattern in clause.patterns() {
        let actions = catalog.matching(pattern);
        counts.push(actions.len());
        for action in actions {
            matched.insert(action.qualified.to_ascii_lowercase(), action);
        }
    }
    if let ActionClause::NotAction(_) = clause {
        matched = catalog
            .actions()
            .map(|action| (action.qualified.to_ascii_lowercase(), action))
            .filter(|(key, _)| !matched.contains_key(key))
            .collect();
    }
    (matched, counts)
}

/// A statement of a generated policy that differs between the old and the new data, paired
/// by Sid.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
pub struct GeneratedChange {
    pub sid: String,
    pub actions_added: Vec<String>,
    pub actions_removed: Vec<String>,
    pub resources_added: Vec<String>,
    pub resources_removed: Vec<String>,
}

/// The statements of the policy a template generates under the new data (`to`) that differ
/// from those under the old (`from`). A statement on one side only lists everything it holds
/// as added or removed.
pub fn generated_changes(from: &PolicyDocument, to: &PolicyDocument) -> Vec<GeneratedChange> {
    let before = by_sid(from);
    let after = by_sid(to);
    let sids: BTreeSet<&String> = before.keys().chain(after.keys()).collect();
    let empty = (BTreeSet::new(), BTreeSet::new());
    sids.into_iter()
        .filter_map(|sid| {
            let (old_actions, old_resources) = before.get(sid).unwrap_or(&empty);
            let (new_actions, new_resources) = after.get(sid).unwrap_or(&empty);
            let change = GeneratedChange {
                sid: sid.clone(),
                actions_added: new_actions.difference(old_actions).cloned().collect(),
                actions_removed: old_actions.difference(new_actions).cloned().collect(),
                resources_added: new_resources.difference(old_resources).cloned().collect(),
                resources_removed: old_resources.difference(new_resources).cloned().collect(),
            };
            (change
                != GeneratedChange {
                    sid: sid.clone(),
                    ..GeneratedChange::default()
                })
            .then_some(change)
        })
        .collect()
}

type Contents = (BTreeSet<String>, BTreeSet<String>);

/// Each statement's actions and resources by Sid; statements without one are named by
/// position, and a repeated Sid gets its occurrence number.
fn by_sid(policy: &PolicyDocument) -> BTreeMap<String, Contents> {
    let mut statements: BTreeMap<String, Contents> = BTreeMap::new();
    for (index, statement) in policy.statements.iter().enumerate() {
        let mut sid = statement.sid.clone().unwrap_or_else(|| format!("#{index}"));
        let mut occurrence = 1;
        while statements.contains_key(&sid) {
            occurrence += 1;
            sid = format!("{}#{occurrence}", statement.sid.as_deref().unwrap_or(""));
        }
        let resources = match &statement.resources {
            ResourceClause::Resource(list) | ResourceClause::NotResource(list) => list.clone(),
            ResourceClause::Absent => Vec::new(),
        };
        statements.insert(
            sid,
            (
                statement.actions.patterns().iter().cloned().collect(),
                resources.into_iter().collect(),
            ),
        );
    }
    statements
}

/// A policy file and its statements that apply to other actions (none: unchanged).
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct PolicyDrift {
    pub file: String,
    pub statements: Vec<StatementChange>,
}

/// A template file and how the policy it generates changes. A side where generating failed
/// has its error instead of statements.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct TemplateDrift {
    pub file: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub from_error: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub to_error: Option<String>,
    pub statements: Vec<GeneratedChange>,
}

impl TemplateDrift {
    /// Compares what a template generated (or the error it gave) under the two sides.
    pub fn new(
        file: String,
        from: Result<PolicyDocument, String>,
        to: Result<PolicyDocument, String>,
    ) -> TemplateDrift {
        match (from, to) {
            (Ok(from), Ok(to)) => TemplateDrift {
                file,
                from_error: None,
                to_error: None,
                statements: generated_changes(&from, &to),
            },
            (from, to) => TemplateDrift {
                file,
                from_error: from.err(),
                to_error: to.err(),
                statements: Vec::new(),
            },
        }
    }

    /// Whether the template generates something different (or fails on one side only, or
    /// with another error).
    pub fn is_changed(&self) -> bool {
        !self.statements.is_empty() || self.from_error != self.to_error
    }
}
