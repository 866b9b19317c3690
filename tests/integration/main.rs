//! The one integration-test binary: modules per area.

mod cli;
mod data;
mod query_golden;
mod scrape;
mod support;
