//! Queries over the embedded IAM reference, mirroring policy_sentry's querying API: actions by
//! access level, resource type, condition key; ARN formats; condition keys; services.
//!
//! Every function takes user input (prefixes, names) case-insensitively and fails with an
//! [`Error`](crate::Error) naming the unknown input, with close matches. Results keep the
//! reference's order (page order). Formatting is left to [`crate::output`].

pub mod actions;
pub mod arns;
pub mod conditions;
pub mod services;

pub use actions::ActionDetail;
pub use arns::ArnTypeDetails;
pub use conditions::ConditionKeyDetails;
pub use services::{ServiceSummary, service};

/// Case-insensitive glob match with `*` (any run) and `?` (one character), as IAM uses for
/// action patterns.
///
/// ```
/// use policy_sentry::query::glob_matches;
/// assert!(glob_matches("Get*", "GetObject"));
/// assert!(glob_matches("*object?cl", "getobjectacl"));
/// assert!(!glob_matches("Put*", "GetObject"));
/// ```
pub fn glob_matches(pattern: &str, text: &str) -> bool {
    wildmatch::WildMatch::new_case_insensitive(pattern).matches(text)
}
