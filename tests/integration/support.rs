//! Helpers shared by the integration tests.

use std::path::PathBuf;

/// A path under the crate root.
pub fn repo_path(relative: &str) -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join(relative)
}

/// Reads a file under the crate root as text.
pub fn read(relative: &str) -> String {
    let path = repo_path(relative);
    std::fs::read_to_string(&path).unwrap_or_else(|error| panic!("{}: {error}", path.display()))
}

/// The `policy_sentry` binary built for these tests.
pub fn policy_sentry() -> assert_cmd::Command {
    assert_cmd::Command::cargo_bin("policy_sentry").expect("binary is built")
}
