//! The one integration-test binary: modules per area.

mod account;
mod analyze;
mod analyze_cli;
mod cli;
mod data;
mod query_golden;
mod scrape;
mod support;
