//! Write-policy templates: the typed [`Template`] (CRUD and actions modes), its keys, and
//! the text `create-template` writes. Reading templates from YAML is
//! `write::template_yaml`'s job; checking their values against the IAM reference is
//! `write::template_check`'s.

use indexmap::IndexMap;
use serde::{Deserialize, Serialize};

use super::template_yaml::parse_templates;
use crate::data::AccessLevel;
use crate::error::{Error, Result};

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

/// The non-empty entries of a template list with their positions in it (empty strings are
/// ignored, as in policy_sentry's starter templates).
pub(super) fn entries(list: &[String]) -> impl Iterator<Item = (usize, &str)> {
    list.iter()
        .enumerate()
        .filter(|(_, value)| !value.is_empty())
        .map(|(index, value)| (index, value.as_str()))
}

/// The key of a list item in errors and warnings, e.g. `read[2]`.
pub(super) fn at(key: &str, index: usize) -> String {
    format!("{key}[{index}]")
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
