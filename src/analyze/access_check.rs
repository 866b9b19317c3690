//! `check access-not-granted`: does a policy allow any of some actions (on some resources)?
//! Offline and conservative, like IAM Access Analyzer's `CheckAccessNotGranted`: "not
//! granted" only when no Allow statement can grant the access, or an unconditional Deny
//! plainly removes it; a conditional grant counts as granted.

use serde::Serialize;

use super::expand::{expand, statement_actions};
use super::policy::{Effect, PolicyDocument, ResourceClause, Statement};
use super::set::ActionSet;
use crate::error::{Error, Result};
use crate::resource_pattern::{overlap, surely_contains};

/// The access that must not be granted: documented actions and, optionally, resources.
#[derive(Debug, Clone)]
pub struct AccessQuery {
    actions: ActionSet,
    /// Resource patterns; empty means any resource.
    resources: Vec<String>,
}

impl AccessQuery {
    /// Expands the action patterns (`iam:PassRole`, `s3:Delete*`) against the data; a pattern
    /// that names no documented action is an error naming it, since it could never be found.
    ///
    /// ```
    /// use policy_sentry::analyze::access_check::{AccessQuery, granted};
    /// use policy_sentry::analyze::PolicyDocument;
    ///
    /// let query = AccessQuery::new(&["iam:PassRole".into()], vec![])?;
    /// let policy = PolicyDocument::parse(
    ///     r#"{"Statement": [{"Effect": "Allow", "Action": "iam:Pass*", "Resource": "*"}]}"#,
    /// )?;
    /// assert_eq!(granted(&policy, &query)[0].actions, ["iam:PassRole"]);
    /// assert!(AccessQuery::new(&["iam:Fly".into()], vec![]).is_err());
    /// # Ok::<(), policy_sentry::Error>(())
    /// ```
    pub fn new(action_patterns: &[String], resources: Vec<String>) -> Result<AccessQuery> {
        let expansion = expand(action_patterns);
        if !expansion.unknown.is_empty() {
            return Err(Error::InvalidInput {
                what: "--actions".to_owned(),
                message: format!(
                    "{} matches no documented action of the data in use",
                    expansion.unknown.join(", ")
                ),
            });
        }
        Ok(AccessQuery {
            actions: expansion.actions,
            resources,
        })
    }

    /// Whether the statement's resource element can apply to one of the query's resources;
    /// the statement's patterns that do (all of them for `NotResource` or none given).
    fn resources_reached(&self, clause: &ResourceClause) -> Option<Vec<String>> {
        match clause {
            ResourceClause::Resource(patterns) => {
                let reached: Vec<String> = patterns
                    .iter()
                    .filter(|pattern| {
                        self.resources.is_empty()
                            || self.resources.iter().any(|wanted| overlap(pattern, wanted))
                    })
                    .cloned()
                    .collect();
                (!reached.is_empty()).then_some(reached)
            }
            ResourceClause::NotResource(excluded) => {
                // Out of reach only when every wanted resource is surely excluded.
                let all_excluded = !self.resources.is_empty()
                    && self.resources.iter().all(|wanted| {
                        excluded
                            .iter()
                            .any(|pattern| surely_contains(pattern, wanted))
                    });
                (!all_excluded).then(|| clause.labels())
            }
            ResourceClause::Absent => Some(vec!["*".to_owned()]),
        }
    }

    /// Whether an unconditional Deny statement covers every resource of the query.
    fn denied_everywhere(&self, statement: &Statement) -> bool {
        if statement.effect != Effect::Deny || statement.has_condition() {
            return false;
        }
        let wanted: Vec<&str> = match self.resources.is_empty() {
            true => vec!["*"],
            false => self.resources.iter().map(String::as_str).collect(),
        };
        match &statement.resources {
            ResourceClause::Resource(patterns) => wanted
                .iter()
                .all(|resource| patterns.iter().any(|p| surely_contains(p, resource))),
            ResourceClause::NotResource(excluded) => wanted
                .iter()
                .all(|resource| !excluded.iter().any(|p| overlap(p, resource))),
            ResourceClause::Absent => true,
        }
    }
}

/// An Allow statement that grants some of the queried access.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Grant {
    /// Position in the policy's statements, from 0.
    pub statement: usize,
    pub sid: Option<String>,
    /// The queried actions it grants, sorted.
    pub actions: Vec<String>,
    /// Its resource patterns that reach the queried resources.
    pub resources: Vec<String>,
    /// Whether it grants them only under its conditions.
    pub conditional: bool,
}

/// The Allow statements of `policy` that grant some of the queried access, less what an
/// unconditional Deny of the policy removes on every queried resource.
pub fn granted(policy: &PolicyDocument, query: &AccessQuery) -> Vec<Grant> {
    let mut denied = ActionSet::new();
    for statement in &policy.statements {
        if query.denied_everywhere(statement) {
            denied.union_with(&statement_actions(statement).actions);
        }
    }
    let mut grants = Vec::new();
    for (index, statement) in policy.statements.iter().enumerate() {
        if statement.effect != Effect::Allow {
            continue;
        }
        let mut actions = statement_actions(statement).actions;
        actions.intersect_with(&query.actions);
        actions.subtract(&denied);
        if actions.is_empty() {
            continue;
        }
        let Some(resources) = query.resources_reached(&statement.resources) else {
            continue;
        };
        grants.push(Grant {
            statement: index,
            sid: statement.sid.clone(),
            actions: actions.sorted_names(),
            resources,
            conditional: statement.has_condition(),
        });
    }
    grants
}
