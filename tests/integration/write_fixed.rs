//! The `Expect::Fixed` write outputs (`tests/golden/write/fixed/`, ours where policy_sentry
//! 0.12.15 crashes or writes an invalid policy) agree with the reference's own output under
//! the documented rule, or with our output for the input the rule says is the same, so none
//! rests on our output alone.

use crate::support::{policy_sentry, read};

fn fixed(case: &str) -> String {
    read(&format!("tests/golden/write/fixed/{case}.json"))
}

/// Our standard output for a template given as text (exit 0 asserted).
fn ours(template: &str, extra: &[&str]) -> String {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("t.yml");
    std::fs::write(&path, template).unwrap();
    let mut command = policy_sentry();
    command
        .arg("write-policy")
        .args(extra)
        .arg("--input-file")
        .arg(&path);
    let output = command.output().unwrap();
    assert!(output.status.success(), "{template}");
    String::from_utf8(output.stdout).unwrap()
}

fn template(case: &str) -> String {
    read(&format!("tests/golden/write/errors/{case}.yml"))
}

#[test]
fn catalog_actions_are_the_references_with_the_documented_prefix() {
    for case in ["catalog-prefix-crud", "catalog-prefix-actions-catalog-name"] {
        let recorded = read(&format!("tests/golden/write/errors/{case}.reference.txt"));
        let reference = recorded.split_once("\nstdout:\n").unwrap().1;
        assert_eq!(
            fixed(case).trim_end(),
            reference
                .replace("\"catalog:", "\"servicecatalog:")
                .trim_end(),
            "{case}"
        );
    }
}

#[test]
fn fixed_inputs_write_what_their_plain_equivalents_write() {
    let cases = [
        // Any case of a service prefix: as if written in lowercase.
        (
            "actions-uppercase-service",
            template("actions-uppercase-service").replace("S3:", "s3:"),
            vec![],
        ),
        (
            "uppercase-service-single-action",
            template("uppercase-service-single-action").replace("EC2:", "ec2:"),
            vec![],
        ),
        // Empty strings are ignored.
        (
            "arn-then-empty-string",
            template("arn-then-empty-string").replace("- ''\n", ""),
            vec![],
        ),
        // `--minimize` before another option is length 0.
        (
            "cli-minimize-before-short-i",
            template("cli-minimize-before-short-i"),
            vec!["--minimize", "0"],
        ),
    ];
    for (case, plain, extra) in cases {
        assert!(
            !extra.is_empty() || plain != template(case),
            "{case}: the rewrite changed nothing"
        );
        assert_eq!(fixed(case), ours(&plain, &extra), "{case}");
    }
}
