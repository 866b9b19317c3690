//! `write-policy` against the outputs recorded from policy_sentry 0.12.15 in
//! `tests/golden/write/` (see `record.py` there for the exact commands): every recorded
//! success must come out byte for byte, through the CLI and through the library, except the
//! deliberate differences in [`DEVIATIONS`], whose expected output is kept in
//! `tests/golden/write/deviations/`.

use std::path::Path;

use serde_json::Value;

use policy_sentry::write::{PolicyFormat, Template, write_policy};

use crate::support::{policy_sentry, read, repo_path};

/// Recorded cases where this implementation deliberately differs, with the reason.
const DEVIATIONS: &[(&str, &str)] = &[
    (
        "51-empty-first-elements",
        "`read: ['', arn]`: empty strings are ignored, so the ARN is used (policy_sentry skips a list whose first item is empty)",
    ),
    (
        "19-lambda-function",
        "strict ARN matching: `function:f` is no alias or version, `function:f:1` a version only",
    ),
    (
        "24-logs-group-stream",
        "strict ARN matching: `log-group:g:log-stream:s` is a log stream, not also a log group",
    ),
    (
        "36-events-rule",
        "strict ARN matching: `rule/r` is a rule on the default bus, not a rule on a custom bus",
    ),
    (
        "68-exclude-with-dependents",
        "strict ARN matching: `function:f` is no alias or version",
    ),
    (
        "76-apigateway-v2-api",
        "strict ARN matching: `/apis/abc123` is one API, not the `/apis` collection",
    ),
    (
        "79-actions-mode-mixed-case-services",
        "strict ARN matching: the log-stream format is no log group, so the statements come in another order",
    ),
    (
        "03-s3-bucket-all-levels",
        "dependent actions scoped: s3:GetReplicationConfiguration on the asked ARN, not on `*`",
    ),
    (
        "04-s3-exclude-acl-glob",
        "dependent actions scoped: s3:GetReplicationConfiguration on the asked ARN, not on `*`",
    ),
    (
        "08-ec2-instance-write",
        "dependent actions scoped: ec2:CreateTags on the asked ARN, not on `*`",
    ),
    (
        "09-ec2-security-group",
        "dependent actions scoped: ec2:CreateTags on the asked ARN, not on `*`",
    ),
    (
        "11-ec2-wildcard-all-types-write",
        "dependent actions scoped: ec2:CreateTags on the asked ARN, not on `*`",
    ),
    (
        "16-kms-key-exclude-delete",
        "dependent actions scoped: kms:PutKeyPolicy, kms:TagResource on the asked ARN, not on `*`",
    ),
    (
        "20-dynamodb-table-index",
        "dependent actions scoped: dynamodb:GetItem, Query, Scan on the asked ARN, not on `*`",
    ),
    (
        "25-rds-db",
        "dependent actions scoped: rds:AddTagsToResource on the asked ARN, not on `*`",
    ),
    (
        "31-glue-database-table",
        "dependent actions scoped: glue:GetTable on the asked ARN, not on `*`",
    ),
    (
        "38-sagemaker-notebook-endpoint",
        "dependent actions scoped: sagemaker:AddTags on the asked ARN, not on `*`",
    ),
    (
        "46-partition-aws-cn",
        "dependent actions scoped: kms:PutKeyPolicy, kms:TagResource on the asked ARN, not on `*`",
    ),
    (
        "59-duplicate-arns",
        "dependent actions scoped: s3:GetReplicationConfiguration on the asked ARN, not on `*`",
    ),
    (
        "63-efs-filesystem",
        "dependent actions scoped: elasticfilesystem:TagResource on the asked ARN, not on `*`",
    ),
    (
        "71-rds-cluster-snapshot",
        "dependent actions scoped: rds:AddTagsToResource on the asked ARN, not on `*`",
    ),
    (
        "77-ec2-wildcard-region-account",
        "dependent actions scoped: ec2:CreateTags on the asked ARN, not on `*`",
    ),
];

struct Case {
    template: String,
    args: Vec<String>,
    output: String,
}

fn cases() -> Vec<Case> {
    let cases: Value = serde_json::from_str(&read("tests/golden/write/cases.json")).unwrap();
    cases
        .as_array()
        .unwrap()
        .iter()
        .map(|case| Case {
            template: case["template"].as_str().unwrap().to_owned(),
            args: case["args"]
                .as_array()
                .unwrap()
                .iter()
                .map(|arg| arg.as_str().unwrap().to_owned())
                .collect(),
            output: case["output"].as_str().unwrap().to_owned(),
        })
        .collect()
}

fn deviation(output: &str) -> Option<&'static str> {
    DEVIATIONS
        .iter()
        .find(|(stem, _)| output.starts_with(&format!("{stem}.")))
        .map(|(_, reason)| *reason)
}

/// What this implementation must print for a case.
fn expected(case: &Case) -> String {
    let dir = "tests/golden/write";
    match deviation(&case.output) {
        Some(_) => read(&format!("{dir}/deviations/{}", case.output)),
        None => read(&format!("{dir}/{}", case.output)),
    }
}

#[test]
fn there_are_enough_recorded_cases() {
    let cases = cases();
    let templates: std::collections::BTreeSet<&str> =
        cases.iter().map(|case| case.template.as_str()).collect();
    assert!(templates.len() >= 40, "{} templates", templates.len());
    for variant in ["json", "yaml", "terraform", "json-min0", "json-min4"] {
        assert!(
            cases
                .iter()
                .any(|case| case.output.ends_with(&format!(".{variant}.out"))),
            "no {variant} case"
        );
    }
}

#[test]
fn cli_output_matches_the_reference() {
    let dir = repo_path("tests/golden/write");
    let mut mismatches = Vec::new();
    for case in cases() {
        let output = policy_sentry()
            .args(&case.args)
            .current_dir(&dir)
            .output()
            .unwrap();
        let stdout = String::from_utf8(output.stdout).unwrap();
        if !output.status.success() || stdout != expected(&case) {
            mismatches.push(format!(
                "{} ({}): exit {:?}\n{}",
                case.output,
                case.args.join(" "),
                output.status.code(),
                String::from_utf8_lossy(&output.stderr)
            ));
        }
    }
    assert!(
        mismatches.is_empty(),
        "{} mismatches:\n{}",
        mismatches.len(),
        mismatches.join("\n")
    );
}

/// The options a recorded command line asks for, as policy_sentry reads them.
fn options(args: &[String]) -> (PolicyFormat, Option<usize>) {
    let mut format = PolicyFormat::Json;
    let mut minimize = false;
    let mut length = 0;
    let mut index = 0;
    while index < args.len() {
        match args[index].as_str() {
            "--fmt" => {
                format = match args[index + 1].as_str() {
                    "yaml" => PolicyFormat::Yaml,
                    "terraform" => PolicyFormat::Terraform,
                    _ => PolicyFormat::Json,
                };
                index += 1;
            }
            "-m" => minimize = true,
            "--minimize" => {
                minimize = true;
                if let Some(value) = args.get(index + 1).and_then(|v| v.parse().ok()) {
                    length = value;
                    index += 1;
                }
            }
            "--minimize_length" => {
                length = args[index + 1].parse().unwrap();
                index += 1;
            }
            other => {
                if let Some(value) = other.strip_prefix("--minimize=") {
                    minimize = true;
                    length = value.parse().unwrap();
                }
            }
        }
        index += 1;
    }
    (format, minimize.then_some(length))
}

#[test]
fn library_output_matches_the_reference() {
    let dir = repo_path("tests/golden/write");
    for case in cases() {
        let text = std::fs::read_to_string(dir.join(&case.template)).unwrap();
        let template = Template::from_yaml(&text).unwrap();
        let (format, minimize) = options(&case.args);
        let written = write_policy(&template, minimize).unwrap();
        assert_eq!(
            written.policy.to_string_in(format),
            expected(&case),
            "{}",
            case.output
        );
    }
}

#[test]
fn deviations_really_differ_and_are_documented() {
    let dir = repo_path("tests/golden/write");
    let notes = read("tests/golden/write/deviations/README.md");
    for (stem, _) in DEVIATIONS {
        assert!(
            notes.contains(stem),
            "{stem} is not explained in deviations/README.md"
        );
        let mut seen = 0;
        for case in cases()
            .iter()
            .filter(|case| deviation(&case.output).is_some())
        {
            if !case.output.starts_with(stem) {
                continue;
            }
            seen += 1;
            let reference = std::fs::read_to_string(dir.join(&case.output)).unwrap();
            assert_ne!(reference, expected(case), "{} does not differ", case.output);
        }
        assert!(seen > 0, "{stem} matches no recorded case");
    }
}

#[test]
fn create_template_writes_the_reference_templates() {
    for (kind, golden) in [
        ("crud", "tests/golden/write/template-crud.yml.golden"),
        ("actions", "tests/golden/write/template-actions.yml.golden"),
    ] {
        let output = policy_sentry()
            .args(["create-template", "--template-type", kind])
            .output()
            .unwrap();
        assert!(output.status.success());
        assert_eq!(
            String::from_utf8(output.stdout).unwrap(),
            read(golden),
            "{kind}"
        );
        assert!(Path::new(&repo_path(golden)).exists());
    }
}
