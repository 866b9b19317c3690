//! The analysis commands end to end: formats, exit codes, errors, exclusions, account reports.

use serde_json::Value;

use crate::support::{Run, policy_sentry, repo_path};

const POLICIES: &str = "examples/policies";

fn run(args: &[&str]) -> Run {
    let output = policy_sentry()
        .current_dir(repo_path(""))
        .args(args)
        .output()
        .unwrap();
    Run::from(output)
}

#[test]
fn policy_file_json_has_the_documented_keys() {
    let run = run(&[
        "analyze",
        "policy-file",
        "--policy",
        "examples/policies/privesc-passrole.json",
        "--fmt",
        "json",
    ]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    let value: Value = serde_json::from_str(&run.stdout).unwrap();
    assert_eq!(value["policy"], "examples/policies/privesc-passrole.json");
    let findings = value["findings"].as_object().unwrap();
    let names: Vec<&String> = findings.keys().collect();
    assert_eq!(
        names,
        [
            "PrivilegeEscalation",
            "ResourceExposure",
            "CredentialsExposure",
            "DataExfiltration",
            "ServiceWildcard",
            "InfrastructureModification",
            "NetworkExposure"
        ]
    );
    assert_eq!(
        findings["PrivilegeEscalation"]["methods"][0]["method"],
        "CreateEC2WithExistingIP"
    );
    assert_eq!(findings["PrivilegeEscalation"]["severity"], "high");
    // Sorted, documented case; s3:Delete* is denied on "*".
    let allowed: Vec<&str> = value["allowed_actions"]
        .as_array()
        .unwrap()
        .iter()
        .map(|v| v.as_str().unwrap())
        .collect();
    let mut sorted = allowed.clone();
    sorted.sort_unstable();
    assert_eq!(allowed, sorted);
    assert!(allowed.contains(&"s3:GetObject"));
    assert!(!allowed.contains(&"s3:DeleteObject"));
}

#[test]
fn text_summary_and_unknown_action_warnings() {
    let run = run(&[
        "analyze",
        "policy-file",
        "--policy",
        "examples/policies/unknown.json",
        "--fmt",
        "text",
    ]);
    assert_eq!(run.code, 0);
    assert_eq!(
        run.stdout,
        "examples/policies/unknown.json: 1 allowed actions (1 unrestricted, 0 unrestrictable)\n  \
         medium   DataExfiltration (1): s3:GetObject\n  unknown actions: s3:GetObjekt, madeup:Thing, madeup:*\n"
    );
    assert!(
        run.stderr
            .contains("warning: examples/policies/unknown.json: unknown action madeup:Thing")
    );
}

#[test]
fn fail_on_sets_the_exit_code() {
    let policy = "examples/policies/wildcards.json";
    let args = |level: &'static str| {
        [
            "analyze",
            "policy-file",
            "--policy",
            policy,
            "--fmt",
            "json",
            "--fail-on",
            level,
        ]
    };
    // Its worst finding is medium (DataExfiltration, ServiceWildcard).
    assert_eq!(run(&args("high")).code, 0);
    assert_eq!(run(&args("medium")).code, 1);
    assert_eq!(run(&args("low")).code, 1);
    assert_eq!(
        run(&[
            "analyze",
            "policy-file",
            "--policy",
            policy,
            "--fail-on",
            "severe"
        ])
        .code,
        2
    );
}

#[test]
fn bad_input_is_an_error_with_position() {
    let dir = tempfile::tempdir().unwrap();
    let bad = dir.path().join("bad.json");
    std::fs::write(
        &bad,
        "{\n  \"Statement\": {\"Effect\": \"Allow\", \"Action\": [\"s3:GetObject\", 7]}\n}\n",
    )
    .unwrap();
    let run = run(&["analyze", "policy-file", "--policy", bad.to_str().unwrap()]);
    assert_eq!(run.code, 2);
    assert_eq!(
        run.stderr,
        format!(
            "error: {}:2:63: invalid type: integer `7`, expected a string\n",
            bad.display()
        )
    );
    std::fs::write(&bad, "{\"Statement\": [").unwrap();
    let run2 = crate::analyze_cli::run(&["expand-policy", "--policy", bad.to_str().unwrap()]);
    assert_eq!(run2.code, 2);
    assert!(
        run2.stderr.contains("bad.json:1:15: EOF while parsing"),
        "{}",
        run2.stderr
    );
}

#[test]
fn policy_dir_reports_every_file_and_keeps_going() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::copy(
        repo_path("examples/policies/credentials.json"),
        dir.path().join("a.json"),
    )
    .unwrap();
    std::fs::write(dir.path().join("b.json"), "not json").unwrap();
    let dir_arg = dir.path().to_str().unwrap();
    let run = run(&[
        "analyze",
        "policy-dir",
        "--input-dir",
        dir_arg,
        "--fmt",
        "json",
    ]);
    assert_eq!(run.code, 2, "an unreadable file is an input error");
    let value: Value = serde_json::from_str(&run.stdout).unwrap();
    assert_eq!(value.as_array().unwrap().len(), 1);
    assert!(
        run.stderr.contains("b.json:1:2: expected ident"),
        "{}",
        run.stderr
    );
}

#[test]
fn policy_dir_sarif_is_valid_2_1_0() {
    let run = run(&[
        "analyze",
        "policy-dir",
        "--input-dir",
        POLICIES,
        "--fmt",
        "sarif",
    ]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    let log: Value = serde_json::from_str(&run.stdout).unwrap();
    assert_eq!(log["version"], "2.1.0");
    let run0 = &log["runs"][0];
    let rules = run0["tool"]["driver"]["rules"].as_array().unwrap();
    let ids: Vec<&str> = rules.iter().map(|r| r["id"].as_str().unwrap()).collect();
    assert_eq!(
        ids,
        [
            "PS001", "PS002", "PS003", "PS004", "PS005", "PS006", "PS007", "PS101", "PS102",
            "PS103"
        ]
    );
    let results = run0["results"].as_array().unwrap();
    // The examples hold findings of every level; an empty list would check nothing below.
    assert!(results.len() > 10, "{} results", results.len());
    for level in ["error", "warning", "note"] {
        assert!(
            results.iter().any(|result| result["level"] == level),
            "no {level} result"
        );
    }
    for result in results {
        let index = result["ruleIndex"].as_u64().unwrap() as usize;
        assert_eq!(rules[index]["id"], result["ruleId"]);
        let uri = result["locations"][0]["physicalLocation"]["artifactLocation"]["uri"]
            .as_str()
            .unwrap();
        assert!(
            repo_path(uri).is_file(),
            "{uri} resolves from the working directory"
        );
        assert!(["error", "warning", "note"].contains(&result["level"].as_str().unwrap()));
    }
}

#[test]
fn csv_and_markdown_of_policies() {
    let run = run(&[
        "analyze",
        "policy-dir",
        "--input-dir",
        POLICIES,
        "--fmt",
        "csv",
    ]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    let mut lines = run.stdout.lines();
    assert_eq!(
        lines.next().unwrap(),
        "policy,allowed,unrestricted,unrestrictable,unknown,PrivilegeEscalation,ResourceExposure,CredentialsExposure,DataExfiltration,ServiceWildcard,InfrastructureModification,NetworkExposure"
    );
    assert!(
        run.stdout
            .contains("examples/policies/credentials.json,8,6,2,0,1,3,8,0,0,5,0\n"),
        "{}",
        run.stdout
    );
    let run = crate::analyze_cli::run(&[
        "analyze",
        "policy-dir",
        "--input-dir",
        POLICIES,
        "--fmt",
        "markdown",
    ]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    assert!(run.stdout.starts_with("# IAM policy analysis\n"));
    assert!(
        run.stdout
            .contains("| CredentialsExposure | high | `ec2:GetPasswordData`")
    );
}

#[test]
fn expand_policy_prints_documented_actions() {
    let run = run(&[
        "expand-policy",
        "--policy",
        "examples/policies/wildcards.json",
    ]);
    assert_eq!(run.code, 0);
    let value: Value = serde_json::from_str(&run.stdout).unwrap();
    let actions = value["Statement"][0]["Action"].as_array().unwrap();
    assert!(actions.contains(&Value::from("dynamodb:PutItem")));
    assert!(actions.contains(&Value::from("kms:Decrypt")));
    assert_eq!(
        value["Statement"][1]["Resource"],
        "arn:aws:sqs:us-east-1:123456789012:queue"
    );
}

#[test]
fn create_exclusions_file_writes_the_defaults_once() {
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("exclusions.yml");
    let path = file.to_str().unwrap();
    assert_eq!(
        run(&["create-exclusions-file", "--output-file", path]).code,
        0
    );
    let exclusions = policy_sentry::analyze::Exclusions::from_path(&file).unwrap();
    assert_eq!(exclusions, policy_sentry::analyze::Exclusions::defaults());
    let again = run(&["create-exclusions-file", "--output-file", path]);
    assert_eq!(again.code, 2);
    assert!(again.stderr.contains("exists; use --force"));
    assert_eq!(
        run(&["create-exclusions-file", "--output-file", path, "--force"]).code,
        0
    );
}

#[cfg(unix)]
#[test]
fn create_exclusions_file_force_replaces_a_symlink_instead_of_writing_through_it() {
    let dir = tempfile::tempdir().unwrap();
    let victim = dir.path().join("victim");
    std::fs::write(&victim, "precious").unwrap();
    let file = dir.path().join("e.yml");
    std::os::unix::fs::symlink(&victim, &file).unwrap();
    let path = file.to_str().unwrap();
    let forced = run(&["create-exclusions-file", "--output-file", path, "--force"]);
    assert_eq!(forced.code, 0, "{}", forced.stderr);
    assert_eq!(std::fs::read_to_string(&victim).unwrap(), "precious");
    assert!(std::fs::symlink_metadata(&file).unwrap().is_file());
    let exclusions = policy_sentry::analyze::Exclusions::from_path(&file).unwrap();
    assert_eq!(exclusions, policy_sentry::analyze::Exclusions::defaults());
}

#[test]
fn downloaded_policies_reads_the_seed_layout() {
    let dir = tempfile::tempdir().unwrap();
    for (kind, name) in [
        ("customer-managed", "credentials"),
        ("aws-managed", "admin"),
    ] {
        let target = dir.path().join("111122223333").join(kind);
        std::fs::create_dir_all(&target).unwrap();
        std::fs::copy(
            repo_path(&format!("{POLICIES}/{name}.json")),
            target.join(format!("{name}.json")),
        )
        .unwrap();
    }
    std::fs::write(dir.path().join("report.json"), "{}").unwrap();
    let run = run(&[
        "analyze",
        "downloaded-policies",
        "--path",
        dir.path().to_str().unwrap(),
        "--fmt",
        "csv",
        "--fail-on",
        "critical",
    ]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    let names: Vec<&str> = run
        .stdout
        .lines()
        .skip(1)
        .map(|l| l.split(',').next().unwrap())
        .collect();
    assert_eq!(
        names,
        [
            "111122223333/aws-managed/admin.json",
            "111122223333/customer-managed/credentials.json"
        ]
    );
}

#[test]
fn closed_pipe_is_success_for_large_outputs() {
    for args in [
        "expand-policy --policy examples/policies/admin.json",
        "analyze policy-dir --input-dir examples/policies --fmt json",
    ] {
        let output = crate::support::hermetic(&mut std::process::Command::new("bash"))
            .current_dir(repo_path(""))
            .arg("-c")
            .arg(format!(
                "'{}' {args} | head -c 10 >/dev/null; exit ${{PIPESTATUS[0]}}",
                assert_cmd::cargo::cargo_bin("policy_sentry").display()
            ))
            .output()
            .unwrap();
        let stderr = String::from_utf8_lossy(&output.stderr);
        assert!(!stderr.contains("error:"), "{args}: {stderr}");
        assert_eq!(output.status.code(), Some(0), "{args}: {stderr}");
    }
}
