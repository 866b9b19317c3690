//! Policy analysis: parse IAM policy documents ([`policy`]), expand their action patterns to
//! documented actions ([`expand`](mod@expand)), and apply the risk rules ([`report`]) with the data lists
//! of [`risk`]. The library computes; it never prints. Rendering lives in [`crate::output`].
//!
//! ```
//! use policy_sentry::analyze::{Category, Config, PolicyDocument, analyze};
//!
//! let policy = PolicyDocument::parse(r#"{
//!     "Version": "2012-10-17",
//!     "Statement": {"Effect": "Allow", "Action": ["iam:CreateAccessKey", "s3:Get*"], "Resource": "*"}
//! }"#)?;
//! let report = analyze(&policy, &Config::default());
//! assert_eq!(report.findings.actions(Category::CredentialsExposure), ["iam:CreateAccessKey"]);
//! assert_eq!(report.findings.privilege_escalation[0].name, "CreateAccessKey");
//! # Ok::<(), policy_sentry::Error>(())
//! ```

pub mod access_check;
pub mod access_diff;
pub mod account;
pub mod exclusions;
pub mod expand;
pub mod explain;
pub mod lint;
pub mod policy;
pub mod positions;
pub mod report;
pub mod risk;
mod set;
pub mod sources;

pub use account::{AccountReport, AuthorizationDetails, audit_account};
pub use exclusions::Exclusions;
pub use expand::{Expansion, expand};
pub use policy::{ActionClause, Effect, PolicyDocument, Principal, ResourceClause, Statement};
pub use report::{
    Category, Config, Findings, Grants, PolicyReport, Rules, Severity, analyze, analyze_with_rules,
};
pub use set::ActionSet;
