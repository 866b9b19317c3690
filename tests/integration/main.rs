//! The one integration-test binary: modules per area.

mod cli;
mod data;
mod fetch;
mod http;
mod lifecycle_cli;
mod overrides;
mod query_golden;
mod scrape;
mod support;
