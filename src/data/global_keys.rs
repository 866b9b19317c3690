//! The global condition keys: keys such as `aws:SourceIp` or `aws:PrincipalTag/${TagKey}`
//! that apply to requests of every service, so no service page lists them (the list is
//! vendored in `aws-docs/global-condition-keys.json`; see `codegen/global_keys.rs`).

use super::tables::GLOBAL_CONDITION_KEYS;

/// A documented global condition key.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct GlobalConditionKey {
    /// As documented, e.g. `aws:SourceIp`, `aws:RequestTag/${TagKey}`.
    pub key: &'static str,
    /// `principal`, `session`, `network`, `resource` or `request`.
    pub category: &'static str,
    /// The value type, e.g. `String`, `IPAddress`, `ArrayOfString`.
    pub value_type: &'static str,
}

impl GlobalConditionKey {
    /// Finds the global key a condition uses, case-insensitively; a tag key after
    /// `aws:PrincipalTag/`, `aws:RequestTag/` or `aws:ResourceTag/` may be anything.
    ///
    /// ```
    /// use policy_sentry::data::GlobalConditionKey;
    ///
    /// assert_eq!(GlobalConditionKey::find("AWS:sourceip").unwrap().value_type, "IPAddress");
    /// assert_eq!(GlobalConditionKey::find("aws:PrincipalTag/team").unwrap().key, "aws:PrincipalTag/${TagKey}");
    /// assert!(GlobalConditionKey::find("aws:SourceIP4").is_none());
    /// assert!(GlobalConditionKey::find("aws:PrincipalTag").is_none());
    /// ```
    pub fn find(used: &str) -> Option<GlobalConditionKey> {
        let lower = used.to_ascii_lowercase();
        let lookup = match lower.split_once('/') {
            Some((head, tail)) if !tail.is_empty() => format!("{head}/"),
            _ => lower,
        };
        GLOBAL_CONDITION_KEYS
            .get(lookup.as_str())
            .map(|&(key, category, value_type)| GlobalConditionKey {
                key,
                category,
                value_type,
            })
    }

    /// Every global key, in no particular order.
    pub fn all() -> impl Iterator<Item = GlobalConditionKey> {
        GLOBAL_CONDITION_KEYS
            .values()
            .map(|&(key, category, value_type)| GlobalConditionKey {
                key,
                category,
                value_type,
            })
    }
}
