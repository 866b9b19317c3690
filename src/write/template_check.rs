//! Checking a template's values against the IAM reference before a policy is written:
//! values that cannot mean anything (a string that is not an ARN, an unknown service or
//! action, an unknown `sts` key) are errors naming the key, list item and value. Values
//! policy_sentry would silently drop are not errors; the writer drops them with a warning.

use super::template::{ActionsTemplate, CrudTemplate, STS_KEYS, at, entries};
use crate::arn::Arn;
use crate::data::{AccessLevel, Action};
use crate::error::{Error, Result, suggest};
use crate::query;

fn check_arn(key: &str, index: usize, arn: &str) -> Result<()> {
    match Arn::parse(arn) {
        Ok(_) => Ok(()),
        Err(Error::InvalidArn { reason, .. }) => Err(Error::template(
            at(key, index),
            format!("{arn:?} is not an ARN: {reason}"),
        )),
        Err(other) => Err(other),
    }
}

/// Resolves `service:Action` in any case (and the `catalog` alias), or explains why not.
pub(super) fn resolve_action(text: &str) -> std::result::Result<Action, String> {
    let Some((prefix, name)) = text.split_once(':').filter(|(_, name)| !name.contains(':')) else {
        return Err(format!(
            "{text:?} is not an action: expected service:Action, e.g. s3:GetObject"
        ));
    };
    let service = query::service(prefix).map_err(|error| format!("{text:?}: {error}"))?;
    if name.contains(['*', '?']) {
        return Err(format!(
            "{text:?} is a pattern; list the actions it should stand for"
        ));
    }
    service.action(name).ok_or_else(|| {
        let suggestions = suggest(name, service.actions().map(Action::name));
        format!(
            "{text:?}: {} has no action {name:?}{suggestions}",
            service.prefix()
        )
    })
}

/// Checks a CRUD template's ARNs, single actions, services and `sts` keys.
pub(super) fn check_crud(crud: &CrudTemplate) -> Result<()> {
    for level in AccessLevel::ALL {
        for (index, arn) in entries(crud.arns(level)) {
            check_arn(level.cli_name(), index, arn)?;
        }
    }
    for (index, text) in entries(&crud.wildcard_only.single_actions) {
        let key = "wildcard-only.single-actions";
        // Entries that are not `service:action` at all are skipped, as policy_sentry does.
        if text.split(':').count() == 2 {
            resolve_action(text).map_err(|message| Error::template(at(key, index), message))?;
        }
    }
    for level in AccessLevel::ALL {
        let key = format!("wildcard-only.service-{}", level.cli_name());
        for (index, prefix) in entries(crud.wildcard_only.services(level)) {
            query::service(prefix)
                .map_err(|error| Error::template(at(&key, index), error.to_string()))?;
        }
    }
    for (key, arns) in &crud.sts {
        if !STS_KEYS.contains(&key.as_str()) {
            return Err(Error::template(
                format!("sts.{key}"),
                format!("unknown key; the sts section takes {}", STS_KEYS.join(", ")),
            ));
        }
        for (index, arn) in entries(arns) {
            check_arn(&format!("sts.{key}"), index, arn)?;
        }
    }
    Ok(())
}

/// The actions the non-empty entries name, in order, or the error of the first that names none.
pub(super) fn check_actions(template: &ActionsTemplate) -> Result<Vec<Action>> {
    entries(&template.actions)
        .map(|(index, text)| {
            resolve_action(text).map_err(|message| Error::template(at("actions", index), message))
        })
        .collect()
}
