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
