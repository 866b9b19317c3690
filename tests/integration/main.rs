//! The one integration-test binary: modules per area.

mod account;
mod analyze;
mod analyze_cli;
mod arn_oracle;
mod arn_props;
mod cli;
mod data;
mod data_snapshots;
#[cfg(feature = "download")]
mod download;
mod fetch;
mod hostile;
mod http;
mod leaked_links;
mod lifecycle_cli;
mod overrides;
mod query_golden;
mod readme;
mod scrape;
mod support;
mod write_cli;
mod write_fixed;
mod write_golden;
mod write_policy_dir;
mod write_props;
