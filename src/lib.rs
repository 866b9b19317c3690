//! # policy_sentry
//!
//! AWS IAM least-privilege tooling with the AWS *Service Authorization Reference* compiled in:
//! look up actions, access levels, resource (ARN) types and condition keys offline, with no
//! database or data file.
//!
//! ```
//! use policy_sentry::data::AccessLevel;
//! use policy_sentry::query::actions;
//!
//! let get_object = actions::action("s3", "getobject")?;
//! assert_eq!(get_object.to_string(), "s3:GetObject");
//! assert_eq!(get_object.access_level(), AccessLevel::Read);
//!
//! let ram_admin = actions::actions_with_access_level("ram", AccessLevel::PermissionsManagement)?;
//! assert!(ram_admin.iter().any(|action| action.name() == "CreateResourceShare"));
//! # Ok::<(), policy_sentry::Error>(())
//! ```
//!
//! Modules: [`data`] holds the embedded tables, [`query`] answers questions over them,
//! [`arn`] matches ARNs to resource types, [`analyze`] audits policies, [`output`] renders
//! results.

#![deny(clippy::print_stdout, clippy::print_stderr)]

pub mod analyze;
pub mod arn;
pub mod data;
pub mod error;
pub mod output;
pub mod query;

pub use error::{Error, Result};
