//! The one integration-test binary: modules per area.

mod cli;
mod data;
mod scrape;
mod support;
