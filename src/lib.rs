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
//! Writing a least-privilege policy from a template, as `policy_sentry write-policy` does:
//!
//! ```
//! use policy_sentry::write::{Template, write_policy_with_template};
//!
//! let template: Template = "mode: crud\nwrite:\n- arn:aws:sqs:us-east-1:123456789012:jobs\n".parse()?;
//! let policy = write_policy_with_template(&template, None)?;
//! assert_eq!(policy.statement[0].sid, "SqsWriteQueue");
//! assert_eq!(policy.statement[0].resource, ["arn:aws:sqs:us-east-1:123456789012:jobs"]);
//! # Ok::<(), policy_sentry::Error>(())
//! ```
//!
//! Modules: [`data`] holds the embedded tables (with run-time access-level
//! [`overrides`](data::overrides), [`info`](data::info) and [`diff`](data::diff)), [`query`]
//! answers questions over them, [`arn`] matches ARNs to resource types, [`write`](mod@write) turns
//! templates into policies, [`analyze`] audits policies and accounts,
//! [`output`] renders results, [`fetch`] downloads fresh AWS pages, [`config`] writes the
//! config folder, [`fs`] replaces files atomically, [`glob`] matches IAM and fnmatch patterns, [`account_file`] models the account file
//! (`aws iam get-account-authorization-details`) that `download` writes and `analyze account`
//! reads, and [`cli`] is the `policy_sentry` command line over all of them. With the default
//! cargo feature `download`, `download` fetches an
//! account's IAM data with the AWS SDK.

#![deny(clippy::print_stdout, clippy::print_stderr)]

// The CLI names the library by its crate name, as any user of it would.
extern crate self as policy_sentry;

pub mod account_file;
pub mod analyze;
pub mod arn;
// The command line: the one layer that parses arguments, prints and chooses exit codes. Both
// binaries are a call into it.
// Its doc comments are clap's help texts (`[action]` is not a link).
#[allow(
    clippy::print_stdout,
    clippy::print_stderr,
    rustdoc::broken_intra_doc_links
)]
pub mod cli;
pub mod config;
pub mod data;
pub mod date;
#[cfg(feature = "download")]
pub mod download;
pub mod error;
pub mod fetch;
pub mod fs;
pub mod glob;
pub mod output;
pub mod query;
pub mod resource_pattern;
pub mod simulate;
pub mod write;

pub use error::{Error, Result};
