//! Write-policy templates: the typed [`Template`] (CRUD and actions modes), reading it from
//! YAML — including the seed-era `policy_with_crud_levels:` / `policy_with_actions:` lists —
//! with errors that name the key, the list item and the value, and the text `create-template`
//! writes.
//!
//! This module checks shape only (keys, types, the `mode`). Whether an ARN is an ARN, a
//! service or action exists, is checked against the IAM reference when the policy is written
//! ([`super::write_policy`]).

use indexmap::IndexMap;
use serde::{Deserialize, Serialize};
use serde_norway::{Mapping, Value};

use crate::data::AccessLevel;
use crate::error::{Error, Result, suggest};

/// The `Effect` of every statement of a policy (`effect:` in a template, as in policy_sentry
/// 0.15).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default, Serialize, Deserialize)]
pub enum Effect {
    /// Grant the actions.
    #[default]
    Allow,
    /// Refuse the actions.
    Deny,
}

impl Effect {
    /// `Allow` or `Deny`.
    pub const fn as_str(self) -> &'static str {
        match self {
            Effect::Allow => "Allow",
            Effect::Deny => "Deny",
        }
    }

    fn is_allow(&self) -> bool {
        *self == Effect::Allow
    }
}

/// A write-policy template: resource ARNs per access level (CRUD mode) or a list of actions.
///
/// ```
/// use policy_sentry::write::Template;
///
/// let template: Template = "mode: crud\nread:\n- arn:aws:s3:::my-bucket\n".parse()?;
/// let Template::Crud(crud) = &template else { unreachable!() };
/// assert_eq!(crud.read, ["arn:aws:s3:::my-bucket"]);
/// # Ok::<(), policy_sentry::Error>(())
/// ```
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "mode", rename_all = "lowercase")]
#[allow(clippy::large_enum_variant)] // one value per policy; boxing would only complicate matching
pub enum Template {
    /// `mode: crud`: ARNs per access level.
    Crud(CrudTemplate),
    /// `mode: actions`: a list of actions.
    Actions(ActionsTemplate),
}

/// A CRUD-mode template. Empty strings in any list are ignored.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case", deny_unknown_fields)]
pub struct CrudTemplate {
    /// A label; not used in the policy.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub name: Option<String>,
    /// The effect of every statement.
    #[serde(default, skip_serializing_if = "Effect::is_allow")]
    pub effect: Effect,
    /// ARNs to grant Read actions on.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub read: Vec<String>,
    /// ARNs to grant Write actions on.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub write: Vec<String>,
    /// ARNs to grant List actions on.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub list: Vec<String>,
    /// ARNs to grant Tagging actions on.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub tagging: Vec<String>,
    /// ARNs to grant Permissions management actions on.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub permissions_management: Vec<String>,
    /// Actions that cannot be restricted to resources, granted on `*`.
    #[serde(default, skip_serializing_if = "WildcardOnly::is_empty")]
    pub wildcard_only: WildcardOnly,
    /// Actions granted on `*` although they could be restricted, copied verbatim.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub skip_resource_constraints: Vec<String>,
    /// Actions (or `service:Glob*` patterns, or `*`) left out of every statement.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub exclude_actions: Vec<String>,
    /// Role ARNs per `assume-role`, `assume-role-with-saml`, `assume-role-with-web-identity`.
    #[serde(default, skip_serializing_if = "IndexMap::is_empty")]
    pub sts: IndexMap<String, Vec<String>>,
}

impl CrudTemplate {
    /// The ARNs listed under an access level.
    pub fn arns(&self, level: AccessLevel) -> &[String] {
        match level {
            AccessLevel::Read => &self.read,
            AccessLevel::Write => &self.write,
            AccessLevel::List => &self.list,
            AccessLevel::Tagging => &self.tagging,
            AccessLevel::PermissionsManagement => &self.permissions_management,
        }
    }
}

/// The `wildcard-only` section of a CRUD template.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case", deny_unknown_fields)]
pub struct WildcardOnly {
    /// Single actions, e.g. `ec2:DescribeInstances`; those that can take a resource are
    /// left out (with a warning).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub single_actions: Vec<String>,
    /// Services whose wildcard-only Read actions are all granted.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub service_read: Vec<String>,
    /// Services whose wildcard-only Write actions are all granted.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub service_write: Vec<String>,
    /// Services whose wildcard-only List actions are all granted.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub service_list: Vec<String>,
    /// Services whose wildcard-only Tagging actions are all granted.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub service_tagging: Vec<String>,
    /// Services whose wildcard-only Permissions management actions are all granted.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub service_permissions_management: Vec<String>,
}

impl WildcardOnly {
    fn is_empty(&self) -> bool {
        *self == WildcardOnly::default()
    }

    /// The services listed for an access level (`service-read` and so on).
    pub fn services(&self, level: AccessLevel) -> &[String] {
        match level {
            AccessLevel::Read => &self.service_read,
            AccessLevel::Write => &self.service_write,
            AccessLevel::List => &self.service_list,
            AccessLevel::Tagging => &self.service_tagging,
            AccessLevel::PermissionsManagement => &self.service_permissions_management,
        }
    }
}

/// An actions-mode template.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ActionsTemplate {
    /// A label; not used in the policy.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub name: Option<String>,
    /// The effect of every statement.
    #[serde(default, skip_serializing_if = "Effect::is_allow")]
    pub effect: Effect,
    /// Actions as `service:Action`, in any case.
    pub actions: Vec<String>,
}

impl Template {
    /// The template's `name`, if it has one.
    pub fn name(&self) -> Option<&str> {
        match self {
            Template::Crud(crud) => crud.name.as_deref(),
            Template::Actions(actions) => actions.name.as_deref(),
        }
    }

    /// The effect of the policy's statements.
    pub fn effect(&self) -> Effect {
        match self {
            Template::Crud(crud) => crud.effect,
            Template::Actions(actions) => actions.effect,
        }
    }

    /// Reads a template that holds one policy. A seed-era file with several entries is an
    /// error (see [`parse_templates`]).
    pub fn from_yaml(yaml: &str) -> Result<Template> {
        let mut templates = parse_templates(yaml)?;
        if templates.len() != 1 {
            return Err(Error::template(
                "",
                format!(
                    "the file holds {} policies; write-policy-dir writes one file per policy",
                    templates.len()
                ),
            ));
        }
        Ok(templates.remove(0))
    }
}

impl std::str::FromStr for Template {
    type Err = Error;

    fn from_str(yaml: &str) -> Result<Template> {
        Template::from_yaml(yaml)
    }
}

/// The keys of a CRUD template, in the order `create-template` writes them.
pub const CRUD_KEYS: [&str; 12] = [
    "mode",
    "name",
    "effect",
    "read",
    "write",
    "list",
    "tagging",
    "permissions-management",
    "wildcard-only",
    "skip-resource-constraints",
    "exclude-actions",
    "sts",
];

/// The keys of an actions template.
pub const ACTIONS_KEYS: [&str; 4] = ["mode", "name", "effect", "actions"];

/// The keys of the `wildcard-only` section.
pub const WILDCARD_ONLY_KEYS: [&str; 6] = [
    "single-actions",
    "service-read",
    "service-write",
    "service-list",
    "service-tagging",
    "service-permissions-management",
];

/// The keys of the `sts` section, each naming an `sts` action with its dashes removed.
pub const STS_KEYS: [&str; 3] = [
    "assume-role",
    "assume-role-with-saml",
    "assume-role-with-web-identity",
];

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

/// The kinds of template `create-template` writes.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum TemplateKind {
    /// ARNs per access level.
    Crud,
    /// A list of actions.
    Actions,
}

/// The actions template, byte for byte as policy_sentry 0.12.15 writes it.
pub const ACTIONS_TEMPLATE: &str = "mode: actions
name: ''
actions:
- ''
";

/// The CRUD template, byte for byte as policy_sentry 0.12.15 writes it.
pub const CRUD_TEMPLATE: &str = "mode: crud
name: ''
# Specify resource ARNs
read:
- ''
write:
- ''
list:
- ''
tagging:
- ''
permissions-management:
- ''
# Actions that do not support resource constraints
wildcard-only:
  single-actions: # standalone actions
  - ''
  # Service-wide - like 's3' or 'ec2'
  service-read:
  - ''
  service-write:
  - ''
  service-list:
  - ''
  service-tagging:
  - ''
  service-permissions-management:
  - ''
# Skip resource constraint requirements by listing actions here.
skip-resource-constraints:
- ''
# Exclude actions from the output by specifying them here. Accepts wildcards, like kms:Delete*
exclude-actions:
- ''
# If this policy needs to include an AssumeRole action
sts:
  assume-role:
    - ''
  assume-role-with-saml:
    - ''
  assume-role-with-web-identity:
    - ''
";

/// The text of a new template of this kind.
///
/// ```
/// use policy_sentry::write::{TemplateKind, Template, create_template};
/// let text = create_template(TemplateKind::Actions);
/// assert!(matches!(text.parse::<Template>()?, Template::Actions(_)));
/// # Ok::<(), policy_sentry::Error>(())
/// ```
pub fn create_template(kind: TemplateKind) -> &'static str {
    match kind {
        TemplateKind::Crud => CRUD_TEMPLATE,
        TemplateKind::Actions => ACTIONS_TEMPLATE,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn error(yaml: &str) -> String {
        parse_templates(yaml).unwrap_err().to_string()
    }

    #[test]
    fn created_templates_parse() {
        let Template::Crud(crud) = CRUD_TEMPLATE.parse().unwrap() else {
            panic!("not crud");
        };
        assert_eq!(crud.read, [""]);
        assert_eq!(crud.sts.len(), 3);
        assert!(matches!(
            ACTIONS_TEMPLATE.parse().unwrap(),
            Template::Actions(_)
        ));
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

    #[test]
    fn serde_form_matches_the_yaml_reader() {
        let yaml = "mode: crud\nname: x\nread:\n- arn:aws:s3:::b\nwildcard-only:\n  single-actions:\n  - s3:ListAllMyBuckets\nsts:\n  assume-role:\n  - arn:aws:iam::1:role/r\n";
        let parsed = Template::from_yaml(yaml).unwrap();
        let via_serde: Template = serde_norway::from_str(yaml).unwrap();
        assert_eq!(parsed, via_serde);
        let round_trip: Template =
            serde_json::from_value(serde_json::to_value(&parsed).unwrap()).unwrap();
        assert_eq!(parsed, round_trip);
    }
}
