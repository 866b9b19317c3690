//! The one integration-test binary: modules per area.

mod arn_props;
mod cli;
mod data;
#[cfg(feature = "download")]
mod download;
mod query_golden;
mod scrape;
mod support;
