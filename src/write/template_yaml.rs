//! Reading write-policy templates from YAML — including the seed-era
//! `policy_with_crud_levels:` / `policy_with_actions:` lists — with errors that name the key,
//! the list item and the value.
//!
//! This module checks shape only (keys, types, the `mode`). Whether an ARN is an ARN, a
//! service or action exists, is checked against the IAM reference when the policy is written
//! ([`super::template_check`]).

use indexmap::IndexMap;
use serde_norway::{Mapping, Value};

use super::template::{
    ACTIONS_KEYS, ActionsTemplate, CRUD_KEYS, CrudTemplate, Effect, STS_KEYS, Template,
    WILDCARD_ONLY_KEYS, WildcardOnly,
};
use crate::error::{Error, Result, suggest};

const SEED_CRUD_KEYS: [&str; 9] = [
    "name",
    "description",
    "role_arn",
    "read",
    "write",
    "list",
    "tagging",
    "permissions-management",
    "wildcard",
];
const SEED_ACTIONS_KEYS: [&str; 4] = ["name", "description", "role_arn", "actions"];
const SEED_TOP_KEYS: [&str; 2] = ["policy_with_crud_levels", "policy_with_actions"];

/// Reads every policy a template file holds: one for a `mode:` template, one per list entry
/// for the seed-era format (`policy_with_crud_levels:` entries first, then
/// `policy_with_actions:`, each in file order).
///
/// ```
/// let seed = "policy_with_actions:\n- name: a\n  actions: [s3:GetObject]\n- name: b\n  actions: [sqs:SendMessage]\n";
/// let templates = policy_sentry::write::parse_templates(seed)?;
/// assert_eq!(templates.len(), 2);
/// assert_eq!(templates[1].name(), Some("b"));
/// # Ok::<(), policy_sentry::Error>(())
/// ```
pub fn parse_templates(yaml: &str) -> Result<Vec<Template>> {
    let document: Value = serde_norway::from_str(yaml)
        .map_err(|error| Error::template("", format!("not valid YAML: {error}")))?;
    let top = match &document {
        Value::Mapping(top) => top,
        Value::Null => {
            return Err(Error::template(
                "",
                "the template is empty; run create-template for a starting point",
            ));
        }
        other => {
            return Err(Error::template(
                "",
                format!(
                    "a template is a mapping with a `mode` key, found {}",
                    describe(other)
                ),
            ));
        }
    };
    let has = |key: &str| top.iter().any(|(k, _)| k.as_str() == Some(key));
    if !has("mode") && SEED_TOP_KEYS.iter().any(|key| has(key)) {
        return parse_seed_era(top);
    }
    let mode = top
        .iter()
        .find(|(k, _)| k.as_str() == Some("mode"))
        .map(|(_, v)| v)
        .ok_or_else(|| {
            Error::template(
                "",
                "missing key `mode` (`mode: crud` or `mode: actions`); run create-template for a starting point",
            )
        })?;
    match mode.as_str() {
        Some("crud") => Ok(vec![Template::Crud(parse_crud(top)?)]),
        Some("actions") => Ok(vec![Template::Actions(parse_actions(top)?)]),
        _ => Err(Error::template(
            "mode",
            format!(
                "{} is not a template mode; expected crud or actions",
                describe(mode)
            ),
        )),
    }
}

fn parse_crud(top: &Mapping) -> Result<CrudTemplate> {
    let mut crud = CrudTemplate::default();
    for (key, value) in top {
        let key = key_name(key, "", &CRUD_KEYS, "a crud template")?;
        match key {
            "mode" => {}
            "name" => crud.name = name(value, key)?,
            "effect" => crud.effect = effect(value, key)?,
            "read" => crud.read = string_list(value, key)?,
            "write" => crud.write = string_list(value, key)?,
            "list" => crud.list = string_list(value, key)?,
            "tagging" => crud.tagging = string_list(value, key)?,
            "permissions-management" => crud.permissions_management = string_list(value, key)?,
            "wildcard-only" => crud.wildcard_only = wildcard_only(value)?,
            "skip-resource-constraints" => {
                crud.skip_resource_constraints = string_list(value, key)?
            }
            "exclude-actions" => crud.exclude_actions = string_list(value, key)?,
            "sts" => crud.sts = sts(value)?,
            _ => unreachable!("key_name only returns known keys"),
        }
    }
    Ok(crud)
}

fn parse_actions(top: &Mapping) -> Result<ActionsTemplate> {
    let mut template = ActionsTemplate::default();
    let mut seen_actions = false;
    for (key, value) in top {
        let key = key_name(key, "", &ACTIONS_KEYS, "an actions template")?;
        match key {
            "mode" => {}
            "name" => template.name = name(value, key)?,
            "effect" => template.effect = effect(value, key)?,
            "actions" => {
                template.actions = string_list(value, key)?;
                seen_actions = true;
            }
            _ => unreachable!("key_name only returns known keys"),
        }
    }
    if !seen_actions {
        return Err(Error::template(
            "",
            "missing key `actions` (an actions template lists actions such as s3:GetObject)",
        ));
    }
    Ok(template)
}

fn wildcard_only(value: &Value) -> Result<WildcardOnly> {
    let section = mapping(value, "wildcard-only")?;
    let mut wildcard = WildcardOnly::default();
    for (key, value) in section {
        let key = key_name(
            key,
            "wildcard-only.",
            &WILDCARD_ONLY_KEYS,
            "the wildcard-only section",
        )?;
        let path = format!("wildcard-only.{key}");
        let list = string_list(value, &path)?;
        match key {
            "single-actions" => wildcard.single_actions = list,
            "service-read" => wildcard.service_read = list,
            "service-write" => wildcard.service_write = list,
            "service-list" => wildcard.service_list = list,
            "service-tagging" => wildcard.service_tagging = list,
            "service-permissions-management" => wildcard.service_permissions_management = list,
            _ => unreachable!("key_name only returns known keys"),
        }
    }
    Ok(wildcard)
}

fn sts(value: &Value) -> Result<IndexMap<String, Vec<String>>> {
    let section = mapping(value, "sts")?;
    let mut sts = IndexMap::new();
    for (key, value) in section {
        let key = key_name(key, "sts.", &STS_KEYS, "the sts section")?;
        sts.insert(key.to_owned(), string_list(value, &format!("sts.{key}"))?);
    }
    Ok(sts)
}

fn parse_seed_era(top: &Mapping) -> Result<Vec<Template>> {
    let mut crud_entries = Vec::new();
    let mut action_entries = Vec::new();
    for (key, value) in top {
        let key = key_name(key, "", &SEED_TOP_KEYS, "a seed-era template")?;
        let Value::Sequence(entries) = value else {
            return Err(Error::template(
                key,
                format!("expected a list of policies, found {}", describe(value)),
            ));
        };
        for (index, entry) in entries.iter().enumerate() {
            let path = format!("{key}[{index}]");
            let entry = mapping(entry, &path)?;
            if key == "policy_with_crud_levels" {
                crud_entries.push(Template::Crud(seed_crud(entry, &path)?));
            } else {
                action_entries.push(Template::Actions(seed_actions(entry, &path)?));
            }
        }
    }
    crud_entries.extend(action_entries);
    if crud_entries.is_empty() {
        return Err(Error::template("", "the template lists no policies"));
    }
    Ok(crud_entries)
}

fn seed_crud(entry: &Mapping, path: &str) -> Result<CrudTemplate> {
    let mut crud = CrudTemplate::default();
    let prefix = format!("{path}.");
    for (key, value) in entry {
        let key = key_name(
            key,
            &prefix,
            &SEED_CRUD_KEYS,
            "a policy_with_crud_levels entry",
        )?;
        let at = format!("{prefix}{key}");
        match key {
            "name" => crud.name = name(value, &at)?,
            "description" | "role_arn" => {
                name(value, &at)?;
            }
            "read" => crud.read = string_list(value, &at)?,
            "write" => crud.write = string_list(value, &at)?,
            "list" => crud.list = string_list(value, &at)?,
            "tagging" => crud.tagging = string_list(value, &at)?,
            "permissions-management" => crud.permissions_management = string_list(value, &at)?,
            "wildcard" => crud.wildcard_only.single_actions = string_list(value, &at)?,
            _ => unreachable!("key_name only returns known keys"),
        }
    }
    Ok(crud)
}

fn seed_actions(entry: &Mapping, path: &str) -> Result<ActionsTemplate> {
    let mut template = ActionsTemplate::default();
    let prefix = format!("{path}.");
    let mut seen_actions = false;
    for (key, value) in entry {
        let key = key_name(
            key,
            &prefix,
            &SEED_ACTIONS_KEYS,
            "a policy_with_actions entry",
        )?;
        let at = format!("{prefix}{key}");
        match key {
            "name" => template.name = name(value, &at)?,
            "description" | "role_arn" => {
                name(value, &at)?;
            }
            "actions" => {
                template.actions = string_list(value, &at)?;
                seen_actions = true;
            }
            _ => unreachable!("key_name only returns known keys"),
        }
    }
    if !seen_actions {
        return Err(Error::template(path, "missing key `actions`"));
    }
    Ok(template)
}

/// A short description of a YAML value for error messages: its type and, for scalars, the
/// value itself.
fn describe(value: &Value) -> String {
    match value {
        Value::Null => "nothing (null)".to_owned(),
        Value::Bool(flag) => format!("a boolean ({flag})"),
        Value::Number(number) => format!("a number ({number})"),
        Value::String(text) => format!("a string ({text:?})"),
        Value::Sequence(_) => "a list".to_owned(),
        Value::Mapping(_) => "a mapping".to_owned(),
        Value::Tagged(tagged) => format!("a value tagged {}", tagged.tag),
    }
}

/// The key as a string, if it is one of `allowed`.
fn key_name(
    key: &Value,
    parent: &str,
    allowed: &[&'static str],
    what: &str,
) -> Result<&'static str> {
    let Some(text) = key.as_str() else {
        return Err(Error::template(
            parent.trim_end_matches('.'),
            format!("keys must be strings, found {}", describe(key)),
        ));
    };
    if let Some(known) = allowed.iter().find(|allowed| **allowed == text) {
        return Ok(known);
    }
    // One close match is a likely typo; several would only repeat the list.
    let suggestions = suggest(text, allowed.iter().copied());
    let hint = match suggestions.0.as_slice() {
        [one] => format!(" (did you mean {one}?)"),
        _ => String::new(),
    };
    Err(Error::template(
        format!("{parent}{text}"),
        format!("unknown key{hint}; {what} takes {}", allowed.join(", ")),
    ))
}

fn mapping<'a>(value: &'a Value, key: &str) -> Result<&'a Mapping> {
    match value {
        Value::Mapping(mapping) => Ok(mapping),
        other => Err(Error::template(
            key,
            format!("expected a mapping, found {}", describe(other)),
        )),
    }
}

fn string_list(value: &Value, key: &str) -> Result<Vec<String>> {
    let Value::Sequence(items) = value else {
        return Err(Error::template(
            key,
            format!("expected a list of strings, found {}", describe(value)),
        ));
    };
    items
        .iter()
        .enumerate()
        .map(|(index, item)| match item {
            Value::String(text) => Ok(text.clone()),
            other => Err(Error::template(
                format!("{key}[{index}]"),
                format!("expected a string, found {}", describe(other)),
            )),
        })
        .collect()
}

/// `name` (and the seed era's `description`, `role_arn`): any scalar, as policy_sentry
/// converts it to text.
fn name(value: &Value, key: &str) -> Result<Option<String>> {
    match value {
        Value::Null => Ok(None),
        Value::String(text) => Ok(Some(text.clone())),
        Value::Bool(flag) => Ok(Some(flag.to_string())),
        Value::Number(number) => Ok(Some(number.to_string())),
        other => Err(Error::template(
            key,
            format!("expected a string, found {}", describe(other)),
        )),
    }
}

fn effect(value: &Value, key: &str) -> Result<Effect> {
    match value.as_str() {
        Some("Allow") => Ok(Effect::Allow),
        Some("Deny") => Ok(Effect::Deny),
        _ => Err(Error::template(
            key,
            format!(
                "{} is not an effect; expected Allow or Deny",
                describe(value)
            ),
        )),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn error(yaml: &str) -> String {
        parse_templates(yaml).unwrap_err().to_string()
    }

    #[test]
    fn shape_errors_name_key_item_and_value() {
        assert_eq!(
            error("mode: crud\nread: arn:aws:s3:::b\n"),
            "read: expected a list of strings, found a string (\"arn:aws:s3:::b\")"
        );
        assert_eq!(
            error("mode: crud\nread:\n- arn:aws:s3:::b\n- 3\n"),
            "read[1]: expected a string, found a number (3)"
        );
        assert!(
            error("mode: crud\nreed: []\n").starts_with("reed: unknown key (did you mean read?)")
        );
        assert!(
            error("mode: crud\nwildcard-only:\n  service-everything: [s3]\n")
                .starts_with("wildcard-only.service-everything: unknown key")
        );
        assert!(
            error("mode: crud\nsts:\n  assume-role-with-foo: []\n")
                .starts_with("sts.assume-role-with-foo: unknown key")
        );
        assert_eq!(
            error("mode: something\n"),
            "mode: a string (\"something\") is not a template mode; expected crud or actions"
        );
        assert!(error("read: []\n").starts_with("missing key `mode`"));
        assert!(error("mode: actions\nname: x\n").starts_with("missing key `actions`"));
        assert!(error("").starts_with("the template is empty"));
        assert!(error("mode: crud\nread:\n- a\n  write: [x\n").starts_with("not valid YAML"));
        assert!(
            error("mode: crud\neffect: deny\n")
                .starts_with("effect: a string (\"deny\") is not an effect")
        );
    }

    #[test]
    fn seed_era_entries_become_policies() {
        let yaml = "policy_with_crud_levels:\n- name: one\n  description: ''\n  role_arn: ''\n  read:\n  - arn:aws:s3:::b\n  wildcard:\n  - s3:ListAllMyBuckets\npolicy_with_actions:\n- name: two\n  actions:\n  - s3:GetObject\n";
        let templates = parse_templates(yaml).unwrap();
        assert_eq!(templates.len(), 2);
        let Template::Crud(crud) = &templates[0] else {
            panic!("not crud")
        };
        assert_eq!(crud.wildcard_only.single_actions, ["s3:ListAllMyBuckets"]);
        assert_eq!(templates[1].name(), Some("two"));
        assert!(
            Template::from_yaml(yaml)
                .unwrap_err()
                .to_string()
                .contains("write-policy-dir")
        );
        assert!(
            error("policy_with_actions:\n- name: x\n  read: []\n")
                .starts_with("policy_with_actions[0].read: unknown key")
        );
    }
}
