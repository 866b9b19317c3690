//! Turning the statements under construction into the policy, as policy_sentry 0.12.15's
//! `get_rendered_policy` does: statements without actions are dropped, excluded actions are
//! left out, actions are sorted (or minimized, merging statements on the same resources).

use indexmap::IndexMap;

use super::exclusions::Exclusions;
use super::minimize::Minimizer;
use super::policy::{POLICY_VERSION, PolicyDocument, Statement};
use super::sid_group::Group;
use super::sid_name::merged_sid;
use super::template::Effect;

/// The policy of the statements, in order.
pub(super) fn render(
    sids: IndexMap<String, Group>,
    exclusions: &Exclusions,
    minimize: Option<usize>,
    effect: Effect,
) -> PolicyDocument {
    let mut statements: Vec<Statement> = Vec::new();
    let mut merged_into: Vec<String> = Vec::new();
    let mut minimizer = Minimizer::default();
    for (sid, group) in sids {
        if group.actions.is_empty() {
            continue;
        }
        let mut actions: Vec<String> = if exclusions.any() {
            let mut kept: Vec<String> = Vec::new();
            for action in group.actions {
                if !exclusions.excludes(&action) && !kept.contains(&action) {
                    kept.push(action);
                }
            }
            kept
        } else {
            group.actions
        };
        if actions.is_empty() {
            continue;
        }
        if let Some(min_chars) = minimize {
            actions = minimizer.minimize(&actions, min_chars);
            // Statements on the same resources are merged into the first of them.
            if let Some(earlier) = statements
                .iter_mut()
                .find(|statement| statement.resource.iter().eq(&group.arns))
            {
                for action in actions {
                    if !earlier.action.contains(&action) {
                        earlier.action.push(action);
                    }
                }
                merged_into.push(earlier.sid.clone());
                continue;
            }
        }
        actions.sort();
        statements.push(Statement {
            sid,
            effect,
            action: actions,
            resource: group.arns.into_iter().collect(),
        });
    }
    if let Some(min_chars) = minimize {
        for statement in &mut statements {
            if !merged_into.contains(&statement.sid) {
                continue;
            }
            // policy_sentry crashes naming a merge of `*` statements (issue #405); they
            // keep the first statement's Sid here.
            if let Some(sid) = merged_sid(&statement.resource[0]) {
                statement.sid = sid;
            }
            statement.action = minimizer.minimize(&statement.action, min_chars);
        }
    }
    PolicyDocument {
        version: POLICY_VERSION.to_owned(),
        statement: statements,
    }
}
