//! Writing least-privilege policies from templates, compatible with policy_sentry 0.12.15's
//! `write-policy`: [`template`] holds templates, `template_yaml` reads them, `template_check`
//! checks them against the IAM reference, [`sid_group`] turns them into statements (with
//! `crud`, `by_actions`, `exclusions`, `resource_types`), `render` and [`minimize`] make the
//! policy, [`policy`] holds and prints the result.
//!
//! ```
//! use policy_sentry::write::{PolicyFormat, Template, write_policy_with_template};
//!
//! let template: Template = "
//! mode: crud
//! read:
//! - arn:aws:ssm:us-east-1:123456789012:parameter/myparameter
//! ".parse()?;
//! let policy = write_policy_with_template(&template, None)?;
//! assert_eq!(policy.statement[0].sid, "SsmReadParameter");
//! assert!(policy.statement[0].action.contains(&"ssm:GetParameter".to_owned()));
//! print!("{}", policy.to_string_in(PolicyFormat::Yaml));
//! # Ok::<(), policy_sentry::Error>(())
//! ```
//!
//! Templates that cannot mean anything (a value that is not an ARN, an unknown service or
//! action, a wrong key or type) are errors; values policy_sentry silently drops are dropped
//! with a [`Warning`] (see [`write_policy`]).

mod by_actions;
mod caseless_set;
mod crud;
mod exclusions;
pub mod minimize;
pub mod policy;
mod render;
mod resource_types;
pub mod sid_group;
mod sid_name;
pub mod size;
pub mod template;
mod template_check;
mod template_yaml;

pub use minimize::minimize_actions;
pub use policy::{POLICY_VERSION, PolicyDocument, PolicyFormat, Statement};
pub use sid_group::{Warning, WrittenPolicy, write_policy};
pub use template::{
    ActionsTemplate, CrudTemplate, Effect, Template, TemplateKind, WildcardOnly, create_template,
};
pub use template_yaml::parse_templates;

use crate::error::Result;

/// Writes the policy for a template, as policy_sentry's `write_policy_with_template` does.
/// `minimize` is `--minimize`'s minimum action-name length (0: none), `None` not to
/// minimize. Warnings are dropped; use [`write_policy`] to get them.
///
/// ```
/// use policy_sentry::write::{ActionsTemplate, Template, write_policy_with_template};
///
/// let template = Template::Actions(ActionsTemplate {
///     actions: vec!["s3:ListAllMyBuckets".into(), "kms:Decrypt".into()],
///     ..Default::default()
/// });
/// let policy = write_policy_with_template(&template, Some(0))?;
/// let sids: Vec<&str> = policy.statement.iter().map(|s| s.sid.as_str()).collect();
/// assert_eq!(sids, ["KmsWriteKey", "MultMultNone"]);
/// assert_eq!(policy.statement[1].action, ["s3:listal*"]);
/// # Ok::<(), policy_sentry::Error>(())
/// ```
pub fn write_policy_with_template(
    template: &Template,
    minimize: Option<usize>,
) -> Result<PolicyDocument> {
    Ok(write_policy(template, minimize)?.policy)
}
