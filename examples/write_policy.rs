//! Writes a least-privilege policy from a template: library use of the write API.
//!
//! ```console
//! cargo run --example write_policy                      # a built-in CRUD template
//! cargo run --example write_policy -- my-template.yml   # your own
//! ```

use policy_sentry::write::{PolicyFormat, Template, write_policy};

const EXAMPLE: &str = "
mode: crud
read:
- arn:aws:s3:::example-bucket/*
write:
- arn:aws:sqs:us-east-1:123456789012:example-queue
wildcard-only:
  single-actions:
  - s3:ListAllMyBuckets
exclude-actions:
- sqs:Purge*
";

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let text = match std::env::args().nth(1) {
        Some(path) => std::fs::read_to_string(path)?,
        None => EXAMPLE.to_owned(),
    };
    let template: Template = text.parse()?;
    let written = write_policy(&template, None)?;
    for warning in &written.warnings {
        eprintln!("warning: {warning}");
    }
    print!("{}", written.policy.to_string_in(PolicyFormat::Json));
    Ok(())
}
