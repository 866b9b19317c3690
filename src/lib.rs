//! policy_sentry: AWS IAM least-privilege policy generation, querying and analysis, with the
//! AWS IAM reference compiled in.

pub mod data;
