//! Condition-key queries.

use serde::Serialize;

use crate::data::ConditionKey;
use crate::error::{Error, Result, suggest};
use crate::query::service;

/// A condition key's description and value type (lowercased, as policy_sentry prints it).
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct ConditionKeyDetails {
    pub name: &'static str,
    pub description: &'static str,
    pub condition_value_type: String,
}

/// The condition keys of a service, in page order.
pub fn condition_keys_for_service(prefix: &str) -> Result<Vec<&'static str>> {
    Ok(service(prefix)?
        .condition_keys()
        .map(ConditionKey::key)
        .collect())
}

/// Whether a documented key (which may end in a `${TagKey}`, `<key>` or `tag-key` template)
/// covers the key a user wrote, case-insensitively.
///
/// ```
/// use policy_sentry::query::conditions::condition_key_matches;
/// assert!(condition_key_matches("s3:ExistingObjectTag/<key>", "s3:existingobjecttag/team"));
/// assert!(condition_key_matches("aws:RequestTag/${TagKey}", "aws:RequestTag/env"));
/// assert!(!condition_key_matches("s3:prefix", "s3:delimiter"));
/// ```
pub fn condition_key_matches(documented: &str, wanted: &str) -> bool {
    let documented = documented.to_lowercase();
    let wanted = wanted.to_lowercase();
    let template_head = ["$", "<", "tag-key"]
        .into_iter()
        .find_map(|marker| documented.split_once(marker).map(|(head, _)| head));
    match template_head {
        Some(head) if wanted.starts_with(head) => true,
        _ => documented == wanted,
    }
}

/// Details of the first condition key of the service that covers `name`.
pub fn condition_key_details(prefix: &str, name: &str) -> Result<ConditionKeyDetails> {
    let service = service(prefix)?;
    service
        .condition_keys()
        .find(|condition| condition_key_matches(condition.key(), name))
        .map(|condition| ConditionKeyDetails {
            name: condition.key(),
            description: condition.description(),
            condition_value_type: condition.value_type().to_lowercase(),
        })
        .ok_or_else(|| Error::UnknownConditionKey {
            service: service.prefix().to_owned(),
            name: name.to_owned(),
            suggestions: suggest(name, service.condition_keys().map(ConditionKey::key)),
        })
}
