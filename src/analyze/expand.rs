//! Expansion of action patterns (`s3:Get*`, `*:Describe*`, `iam:?assRole`, `*`) into the
//! documented actions of the embedded reference, and of statements into the actions they
//! apply to (`NotAction` included). Patterns are case-insensitive globs with `*` and `?` in the
//! service part and in the action part. Patterns that name no documented action are collected,
//! never fatal. Deciding what a set of statements allows is [`super::report`]'s job.

use serde_json::Value;

use super::policy::{ActionClause, ResourceClause, Statement};
use super::set::ActionSet;
use crate::data::{Action, Service};
use crate::glob::{CaselessGlob as Glob, has_wildcard};

/// What a list of patterns expands to.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Expansion {
    /// The documented actions matched by at least one pattern.
    pub actions: ActionSet,
    /// The patterns that matched no documented action, as written.
    pub unknown: Vec<String>,
}

/// Adds the actions `pattern` matches to `into`; false when it matches none (an unknown
/// service or action, or a glob that matches nothing).
///
/// ```
/// use policy_sentry::analyze::{ActionSet, expand::expand_pattern_into};
///
/// let mut set = ActionSet::new();
/// assert!(expand_pattern_into("S3:getobject", &mut set));
/// assert!(expand_pattern_into("s3*:GetBucketPolicy*", &mut set));
/// assert!(!expand_pattern_into("s4:Get*", &mut set));
/// assert_eq!(set.len(), 5); // s3:GetObject; GetBucketPolicy of s3, s3-outposts, s3express; s3:GetBucketPolicyStatus
/// ```
pub fn expand_pattern_into(pattern: &str, into: &mut ActionSet) -> bool {
    if pattern == "*" {
        into.union_with(&ActionSet::all());
        return true;
    }
    let Some((service_part, name_part)) = pattern.split_once(':') else {
        return false;
    };
    let mut found = false;
    let mut add_service = |service: Service, into: &mut ActionSet| {
        if name_part == "*" {
            let mut actions = service.actions();
            found |= actions.len() > 0;
            into.extend(&mut actions);
        } else if !has_wildcard(name_part) {
            if let Some(action) = service.action(name_part) {
                into.insert(action);
                found = true;
            }
        } else {
            let glob = Glob::new(name_part);
            for action in service.actions().filter(|a| glob.matches(a.name())) {
                into.insert(action);
                found = true;
            }
        }
    };
    if has_wildcard(service_part) {
        let glob = Glob::new(service_part);
        for service in Service::all().filter(|s| glob.matches(s.prefix())) {
            add_service(service, into);
        }
    } else if let Some(service) = Service::find(service_part) {
        add_service(service, into);
    }
    found
}

/// Expands patterns into documented actions, collecting those that match nothing.
///
/// ```
/// use policy_sentry::analyze::expand;
///
/// let expansion = expand(&["s3:GetObject", "ec2:RunInstance?", "nosuch:Thing"]);
/// assert_eq!(expansion.actions.sorted_names(), ["ec2:RunInstances", "s3:GetObject"]);
/// assert_eq!(expansion.unknown, ["nosuch:Thing"]);
/// ```
pub fn expand<S: AsRef<str>>(patterns: &[S]) -> Expansion {
    let mut expansion = Expansion::default();
    // A set beside the list keeps a policy of many unknown patterns linear.
    let mut seen_unknown = std::collections::HashSet::new();
    for pattern in patterns {
        let pattern = pattern.as_ref();
        if !expand_pattern_into(pattern, &mut expansion.actions) && seen_unknown.insert(pattern) {
            expansion.unknown.push(pattern.to_owned());
        }
    }
    expansion
}

/// The actions a statement applies to: its `Action` patterns expanded, or for `NotAction`
/// every action of its scope except the expanded patterns. The scope of a `NotAction`
/// statement is every action when it covers all resources (`Resource: "*"`, `NotResource` or
/// no resource element); otherwise the actions that can take one of its resource ARNs (or, for
/// an ARN the reference cannot place, every action of the ARN's service).
pub fn statement_actions(statement: &Statement) -> Expansion {
    match &statement.actions {
        ActionClause::Action(patterns) => expand(patterns),
        ActionClause::NotAction(patterns) => {
            let excluded = expand(patterns);
            let mut actions = not_action_scope(&statement.resources);
            actions.subtract(&excluded.actions);
            Expansion {
                actions,
                unknown: excluded.unknown,
            }
        }
    }
}

fn not_action_scope(resources: &ResourceClause) -> ActionSet {
    let ResourceClause::Resource(arns) = resources else {
        return ActionSet::all();
    };
    if arns.iter().any(|arn| arn == "*") {
        return ActionSet::all();
    }
    let mut scope = ActionSet::new();
    for arn in arns {
        match crate::query::arns::actions_matching_arn(arn) {
            Ok(actions) if !actions.is_empty() => scope.extend(actions),
            _ => {
                // An ARN with wildcards in its type part, or one the reference has no format
                // for: fall back to its service's actions.
                let service = arn.split(':').nth(2).unwrap_or("");
                if has_wildcard(service) || service.is_empty() {
                    return ActionSet::all();
                }
                if let Some(service) = Service::find(service) {
                    scope.extend(service.actions());
                }
            }
        }
    }
    scope
}

/// Documented action names for the patterns, sorted, followed by the unknown patterns as
/// written: the `Action` list `expand-policy` prints.
pub fn expanded_names<S: AsRef<str>>(patterns: &[S]) -> (Vec<String>, Vec<String>) {
    let expansion = expand(patterns);
    let mut names = expansion.actions.sorted_names();
    names.extend(expansion.unknown.iter().cloned());
    (names, expansion.unknown)
}

/// A copy of a policy (as JSON) with each statement's `Action` and `NotAction` patterns
/// replaced by the sorted documented actions they match; every other element is kept as
/// written. Returns the unknown patterns too. Unlike policy_sentry's `get_expanded_policy`,
/// Deny statements and `NotAction` lists are expanded as well, not emptied.
///
/// ```
/// use serde_json::json;
/// let policy = json!({"Statement": {"Effect": "Allow", "Action": "s3:GetObjectT*", "Resource": "*"}});
/// let (expanded, unknown) = policy_sentry::analyze::expand::expanded_policy(&policy);
/// assert_eq!(expanded["Statement"]["Action"], json!(["s3:GetObjectTagging", "s3:GetObjectTorrent"]));
/// assert!(unknown.is_empty());
/// ```
pub fn expanded_policy(policy: &Value) -> (Value, Vec<String>) {
    let mut out = policy.clone();
    let mut unknown: Vec<String> = Vec::new();
    let mut seen_unknown = std::collections::HashSet::new();
    let mut expand_statement = |statement: &mut Value| {
        let Some(object) = statement.as_object_mut() else {
            return;
        };
        for key in ["Action", "NotAction"] {
            let Some(element) = object.get_mut(key) else {
                continue;
            };
            let patterns: Vec<String> = match element {
                Value::String(one) => vec![one.clone()],
                Value::Array(items) => items
                    .iter()
                    .filter_map(|item| item.as_str().map(str::to_owned))
                    .collect(),
                _ => continue,
            };
            let (names, missing) = expanded_names(&patterns);
            for pattern in missing {
                if seen_unknown.insert(pattern.clone()) {
                    unknown.push(pattern);
                }
            }
            *element = Value::Array(names.into_iter().map(Value::String).collect());
        }
    };
    match out.get_mut("Statement") {
        Some(Value::Array(statements)) => statements.iter_mut().for_each(&mut expand_statement),
        Some(statement @ Value::Object(_)) => expand_statement(statement),
        _ => {}
    }
    (out, unknown)
}

/// Whether a documented action matches a pattern (both case-insensitive).
pub fn pattern_matches(pattern: &str, action: Action) -> bool {
    if pattern == "*" {
        return true;
    }
    let Some((service_part, name_part)) = pattern.split_once(':') else {
        return false;
    };
    Glob::new(service_part).matches(action.service().prefix())
        && Glob::new(name_part).matches(action.name())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::analyze::PolicyDocument;

    #[test]
    fn star_and_service_wildcards() {
        assert_eq!(expand(&["*"]).actions.len(), Action::count());
        let s3 = Service::find("s3").unwrap();
        assert_eq!(expand(&["s3:*"]).actions.len(), s3.actions().len());
        assert_eq!(expand(&["S3:*"]).actions.len(), s3.actions().len());
        let describe = expand(&["*:Describe*"]);
        assert!(describe.actions.len() > 1000);
        assert!(
            describe
                .actions
                .iter()
                .all(|a| a.name().starts_with("Describe"))
        );
    }

    #[test]
    fn question_mark_and_inner_stars() {
        let names = expand(&["iam:?assRole"]).actions.sorted_names();
        assert_eq!(names, ["iam:PassRole"]);
        let names = expand(&["s3:Get*Acl"]).actions.sorted_names();
        assert!(names.contains(&"s3:GetObjectAcl".to_owned()), "{names:?}");
        assert!(names.iter().all(|n| n.ends_with("Acl")));
    }

    #[test]
    fn unknowns_are_collected_once() {
        let expansion = expand(&["s3:Nope", "nosvc:*", "s3:Nope", "s3:Zz*", "noseparator", ""]);
        assert!(expansion.actions.is_empty());
        assert_eq!(
            expansion.unknown,
            ["s3:Nope", "nosvc:*", "s3:Zz*", "noseparator", ""]
        );
    }

    #[test]
    fn not_action_on_star_is_everything_else() {
        let policy = PolicyDocument::parse(
            r#"{"Statement": {"Effect": "Allow", "NotAction": ["iam:*", "sts:*"], "Resource": "*"}}"#,
        )
        .unwrap();
        let actions = statement_actions(&policy.statements[0]).actions;
        let iam = Service::find("iam").unwrap().actions().len();
        let sts = Service::find("sts").unwrap().actions().len();
        assert_eq!(actions.len(), Action::count() - iam - sts);
        assert!(!actions.contains(Action::find("iam:PassRole").unwrap()));
    }

    #[test]
    fn not_action_on_an_arn_is_scoped_to_it() {
        let policy = PolicyDocument::parse(
            r#"{"Statement": {"Effect": "Allow", "NotAction": "s3:Delete*", "Resource": "arn:aws:s3:::bucket/key"}}"#,
        )
        .unwrap();
        let actions = statement_actions(&policy.statements[0]).actions;
        assert!(actions.contains(Action::find("s3:GetObject").unwrap()));
        assert!(!actions.contains(Action::find("s3:DeleteObject").unwrap()));
        assert!(!actions.contains(Action::find("s3:CreateBucket").unwrap()));
        assert!(actions.iter().all(|a| a.service().prefix() == "s3"));
    }

    #[test]
    fn pattern_matching_agrees_with_expansion() {
        for pattern in ["s3:Get*", "*:List?ags*", "ec2:*", "*"] {
            let expanded = expand(&[pattern]).actions;
            let brute: ActionSet = Action::all()
                .filter(|a| pattern_matches(pattern, *a))
                .collect();
            assert_eq!(expanded, brute, "{pattern}");
        }
    }
}
