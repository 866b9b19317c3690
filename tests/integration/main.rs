//! The one integration-test binary: modules per area.

/// Every test here compares with policy_sentry 0.12.15 or with outputs recorded from the
/// 2024-07-15 pages, so the library reads that snapshot in this whole process, selected
/// before any test runs (the selection is process-wide and fixed by the first read; the
/// binary under test is pinned the same way by `support::hermetic`). Safe before `main`: it
/// only sets atomics.
#[ctor::ctor(unsafe)]
fn pin_the_data_snapshot() {
    policy_sentry::data::snapshot::select(policy_sentry::data::snapshot::COMPATIBLE_DATE)
        .expect("the 2024-07-15 pages are embedded");
}

mod account;
mod analyze;
mod analyze_cli;
mod arn_oracle;
mod arn_props;
mod check;
mod cli;
mod data;
mod data_diff;
mod data_snapshots;
#[cfg(feature = "download")]
mod download;
mod escalation;
mod explain;
mod fetch;
mod hostile;
mod html_report;
mod http;
mod leaked_links;
mod lifecycle_cli;
mod lint;
mod overrides;
mod policy_diff;
mod query_golden;
mod readme;
mod scrape;
mod simulate;
mod support;
mod write_cli;
mod write_fixed;
mod write_golden;
mod write_policy_dir;
mod write_props;
mod write_size;
