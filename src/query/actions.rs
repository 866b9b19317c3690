//! Action queries: by name, access level, resource type, condition key, wildcard-only.

use serde::Serialize;

use crate::data::overrides::AccessLevels;
use crate::data::{AccessLevel, Action, Service};
use crate::error::{Error, Result, suggest};
use crate::glob::CaselessGlob;
use crate::query::service;

/// One entry of an action's details: the action on one of its resource types (or on `*`).
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct ActionDetail {
    /// `prefix:Action`.
    pub action: String,
    pub description: &'static str,
    pub access_level: &'static str,
    pub api_documentation_link: Option<&'static str>,
    /// The resource type's ARN format, or `*` for the row without a type.
    pub resource_arn_format: &'static str,
    /// The resource type's condition keys followed by those usable with any resource type
    /// (the row without a type), as policy_sentry 0.15 reports them.
    pub condition_keys: Vec<&'static str>,
    /// This entry's own dependent actions.
    pub dependent_actions: Vec<&'static str>,
}

/// The action `name` of service `prefix`, case-insensitively.
///
/// ```
/// let action = policy_sentry::query::actions::action("s3", "getobject").unwrap();
/// assert_eq!(action.to_string(), "s3:GetObject");
/// ```
pub fn action(prefix: &str, name: &str) -> Result<Action> {
    let service = service(prefix)?;
    service.action(name).ok_or_else(|| Error::UnknownAction {
        service: service.prefix().to_owned(),
        name: name.to_owned(),
        suggestions: suggest(name, service.actions().map(Action::name)),
    })
}

/// Looks up `prefix:Action`, case-insensitively.
pub fn action_by_qualified_name(qualified_name: &str) -> Result<Action> {
    let (prefix, name) = qualified_name
        .split_once(':')
        .ok_or_else(|| Error::InvalidInput {
            what: format!("action {qualified_name:?}"),
            message: "expected service:Action, e.g. s3:GetObject".to_owned(),
        })?;
    action(prefix, name)
}

/// Every action of a service, in page order.
///
/// ```
/// let actions = policy_sentry::query::actions::actions_for_service("cloud9").unwrap();
/// assert!(actions.iter().any(|a| a.name() == "CreateEnvironmentEC2"));
/// ```
pub fn actions_for_service(prefix: &str) -> Result<Vec<Action>> {
    Ok(service(prefix)?.actions().collect())
}

/// The actions of a service whose name matches `pattern`: `*` for all, a glob such as
/// `Get*`, or a plain name (which must exist).
pub fn actions_matching_name(prefix: &str, pattern: &str) -> Result<Vec<Action>> {
    let service = service(prefix)?;
    if !pattern.contains(['*', '?']) {
        return Ok(vec![action(service.prefix(), pattern)?]);
    }
    let glob = CaselessGlob::new(pattern);
    let matched: Vec<Action> = service
        .actions()
        .filter(|action| glob.matches(action.name()))
        .collect();
    if matched.is_empty() {
        return Err(Error::UnknownAction {
            service: service.prefix().to_owned(),
            name: pattern.to_owned(),
            suggestions: Default::default(),
        });
    }
    Ok(matched)
}

/// Details of one action: an entry per resource type, as `query action-table --name` prints.
pub fn action_details(action: Action) -> Vec<ActionDetail> {
    let service = action.service();
    let any_resource_keys: Vec<&'static str> = action
        .rows()
        .find(|row| row.resource_type_name().is_empty())
        .map(|row| row.condition_keys().collect())
        .unwrap_or_default();
    action
        .rows()
        .map(|row| {
            let resource = service.resource_type_exact(row.resource_type_name());
            let mut condition_keys: Vec<&'static str> = resource
                .map(|resource| resource.condition_keys().collect())
                .unwrap_or_default();
            condition_keys.extend(&any_resource_keys);
            ActionDetail {
                action: action.to_string(),
                description: action.description(),
                access_level: action.access_level().as_str(),
                api_documentation_link: action.api_documentation_link(),
                resource_arn_format: resource.map_or("*", |resource| resource.arn_format()),
                condition_keys,
                dependent_actions: row.dependent_actions().collect(),
            }
        })
        .collect()
}

/// Actions of a service at an access level, in page order.
pub fn actions_with_access_level(prefix: &str, level: AccessLevel) -> Result<Vec<Action>> {
    Ok(AccessLevels::current().select(service(prefix)?.actions(), level))
}

/// Actions of a service that support no resource constraint (only `Resource: "*"`).
pub fn wildcard_only_actions(prefix: &str) -> Result<Vec<Action>> {
    Ok(service(prefix)?
        .actions()
        .filter(|action| action.is_wildcard_only())
        .collect())
}

/// Wildcard-only actions of a service at an access level.
pub fn wildcard_only_actions_with_access_level(
    prefix: &str,
    level: AccessLevel,
) -> Result<Vec<Action>> {
    Ok(AccessLevels::current().select(wildcard_only_actions(prefix)?.into_iter(), level))
}

/// Checks that `name` is a resource type of the service, either in its resource-type table or
/// on a row of its action table (types of other services can appear there).
fn check_resource_type(service: Service, name: &str) -> Result<()> {
    let known = service.resource_type(name).is_some()
        || service.actions().any(|action| {
            action
                .rows()
                .any(|row| row.resource_type_name().eq_ignore_ascii_case(name))
        });
    if known {
        return Ok(());
    }
    Err(Error::UnknownResourceType {
        service: service.prefix().to_owned(),
        name: name.to_owned(),
        suggestions: suggest(name, service.resource_types().map(|r| r.name())),
    })
}

fn has_resource_type(action: Action, name: &str) -> bool {
    action
        .rows()
        .any(|row| row.resource_type_name().eq_ignore_ascii_case(name))
}

/// Actions of a service that take resource type `name` (`*`: the wildcard-only actions).
pub fn actions_with_resource_type(prefix: &str, name: &str) -> Result<Vec<Action>> {
    if name == "*" {
        return wildcard_only_actions(prefix);
    }
    let service = service(prefix)?;
    check_resource_type(service, name)?;
    Ok(service
        .actions()
        .filter(|action| has_resource_type(*action, name))
        .collect())
}

/// Actions of a service at an access level that take resource type `name` (`*`: the
/// wildcard-only actions at that level).
pub fn actions_with_resource_type_and_access_level(
    prefix: &str,
    name: &str,
    level: AccessLevel,
) -> Result<Vec<Action>> {
    Ok(
        AccessLevels::current()
            .select(actions_with_resource_type(prefix, name)?.into_iter(), level),
    )
}

/// Actions of a service that list condition key `key` (exact spelling) on a row of the action
/// table. As in policy_sentry, an action is listed once per row that names the key.
pub fn actions_with_condition_key(prefix: &str, key: &str) -> Result<Vec<Action>> {
    let service = service(prefix)?;
    let mut matched = Vec::new();
    for action in service.actions() {
        for row in action.rows() {
            if row.condition_keys().any(|listed| listed == key) {
                matched.push(action);
            }
        }
    }
    let documented = service
        .condition_keys()
        .any(|condition| condition.key() == key);
    if matched.is_empty() && !documented {
        let mut candidates: Vec<&'static str> = service.condition_keys().map(|c| c.key()).collect();
        for action in service.actions() {
            for row in action.rows() {
                candidates.extend(row.condition_keys());
            }
        }
        candidates.sort_unstable();
        candidates.dedup();
        return Err(Error::UnknownConditionKey {
            service: service.prefix().to_owned(),
            name: key.to_owned(),
            suggestions: suggest(key, candidates),
        });
    }
    Ok(matched)
}

/// The dependent actions of the given actions (`prefix:Action`, case-insensitive), with each
/// dependent in its documented case, in order of first mention. Unknown names are errors.
pub fn dependent_actions(actions: &[&str]) -> Result<Vec<String>> {
    let mut out: Vec<String> = Vec::new();
    for name in actions {
        let action = action_by_qualified_name(name)?;
        for dependent in action.dependent_actions() {
            let documented = Action::find(dependent)
                .map(|action| action.to_string())
                .unwrap_or_else(|| dependent.to_owned());
            if !out.contains(&documented) {
                out.push(documented);
            }
        }
    }
    Ok(out)
}

/// Every action of every service as `prefix:Action`, sorted.
pub fn all_actions() -> Vec<String> {
    Action::all_by_name()
        .map(|action| action.to_string())
        .collect()
}

/// Every action with its API documentation link (actions without one are left out).
pub fn all_action_links() -> Vec<(Action, &'static str)> {
    Action::all()
        .filter_map(|action| Some((action, action.api_documentation_link()?)))
        .collect()
}

/// The given actions (`prefix:Action`, any case; `prefix:*` or other globs allowed) that are
/// at an access level, in documented case and input order, without duplicates.
///
/// ```
/// use policy_sentry::data::AccessLevel;
/// use policy_sentry::query::actions::keep_access_level;
/// let writes = keep_access_level(&["s3:getobject", "s3:PutObject", "kms:DescribeKey"], AccessLevel::Write).unwrap();
/// let names: Vec<String> = writes.iter().map(|a| a.to_string()).collect();
/// assert_eq!(names, ["s3:PutObject"]);
/// ```
pub fn keep_access_level(actions: &[&str], level: AccessLevel) -> Result<Vec<Action>> {
    let mut kept: Vec<Action> = Vec::new();
    for name in actions {
        let (prefix, pattern) = name.split_once(':').ok_or_else(|| Error::InvalidInput {
            what: format!("action {name:?}"),
            message: "expected service:Action, e.g. s3:GetObject".to_owned(),
        })?;
        for action in actions_matching_name(prefix, pattern)? {
            if action.access_level() == level && !kept.contains(&action) {
                kept.push(action);
            }
        }
    }
    Ok(kept)
}
