//! `analyze account` end to end on a small hand-written account, and the HTML report in
//! headless Chromium.

use std::path::Path;

use serde_json::Value;

use crate::support::{policy_sentry, repo_path};

const INPUT: &str = "examples/account/authorization-details.json";

fn audit(dir: &Path, extra: &[&str]) -> (i32, String, String) {
    let output = policy_sentry()
        .current_dir(repo_path(""))
        .args(["analyze", "account", "--input", INPUT, "--output-dir"])
        .arg(dir)
        .args(extra)
        .output()
        .unwrap();
    (
        output.status.code().unwrap_or(-1),
        String::from_utf8(output.stdout).unwrap(),
        String::from_utf8(output.stderr).unwrap(),
    )
}

fn principal<'a>(report: &'a Value, name: &str) -> &'a Value {
    report["principals"]
        .as_array()
        .unwrap()
        .iter()
        .find(|p| p["principal"] == name)
        .unwrap_or_else(|| panic!("{name}"))
}

#[test]
fn account_report_attributes_findings_to_principals() {
    let dir = tempfile::tempdir().unwrap();
    let (code, stdout, stderr) = audit(dir.path(), &["--fmt", "json,csv,markdown,sarif,html"]);
    assert_eq!(code, 0, "{stderr}");
    assert!(stdout.starts_with("Account 111122223333: 3 users, 1 group, 4 roles; 6 policies"));
    for file in [
        "report.json",
        "report.csv",
        "report.md",
        "report.sarif",
        "report.html",
    ] {
        assert!(dir.path().join(file).is_file(), "{file}");
        assert!(stderr.contains(file), "{stderr}");
    }
    let report: Value =
        serde_json::from_str(&std::fs::read_to_string(dir.path().join("report.json")).unwrap())
            .unwrap();
    assert_eq!(report["account_id"], "111122223333");
    // alice: iam:PassRole inline + ec2:RunInstances from her group's (URL-encoded) policy.
    let alice = principal(&report, "alice");
    assert_eq!(
        alice["findings"]["PrivilegeEscalation"]["methods"],
        serde_json::json!(["CreateEC2WithExistingIP"])
    );
    let vias: Vec<&str> = alice["policies"]
        .as_array()
        .unwrap()
        .iter()
        .map(|p| p["via"].as_str().unwrap())
        .collect();
    assert_eq!(vias, ["direct", "direct", "group developers"]);
    // bob's s3 actions are scoped to a bucket: nothing to report.
    assert_eq!(
        principal(&report, "bob")["findings"]["InfrastructureModification"]["count"],
        0
    );
    // Trust policies.
    let public = principal(&report, "public-role");
    assert_eq!(
        public["findings"]["AssumableByAnyPrincipal"]["principals"],
        serde_json::json!(["*"])
    );
    assert_eq!(
        public["findings"]["AssumableByAnyPrincipal"]["severity"],
        "critical"
    );
    let partner = principal(&report, "partner-role");
    assert_eq!(
        partner["findings"]["AssumableByCrossAccountPrincipal"]["principals"],
        serde_json::json!(["arn:aws:iam::444455556666:root", "777788889999"])
    );
    assert_eq!(
        principal(&report, "web-server")["findings"]["AssumableByComputeService"]["principals"],
        serde_json::json!(["ec2"])
    );
    // The default exclusions skip service roles.
    assert_eq!(principal(&report, "lambda-exec")["excluded"], true);
    // The managed policy's default version (v2) is the one analysed, not v1's "*".
    let read_secrets = report["policies"]
        .as_array()
        .unwrap()
        .iter()
        .find(|p| p["policy"] == "ReadSecrets")
        .unwrap();
    assert_eq!(
        read_secrets["findings"]["ServiceWildcard"]["actions"],
        serde_json::json!([])
    );
    assert_eq!(
        read_secrets["attached_to"],
        serde_json::json!(["User/alice", "Role/public-role"])
    );
    let sarif: Value =
        serde_json::from_str(&std::fs::read_to_string(dir.path().join("report.sarif")).unwrap())
            .unwrap();
    let results = sarif["runs"][0]["results"].as_array().unwrap();
    assert!(results.iter().any(|r| r["ruleId"] == "PS101"));
    assert!(
        results
            .iter()
            .all(|r| r["locations"][0]["physicalLocation"]["artifactLocation"]["uri"] == INPUT)
    );
}

#[test]
fn exclusions_fail_on_and_jobs() {
    let dir = tempfile::tempdir().unwrap();
    let exclusions = dir.path().join("exclusions.yml");
    std::fs::write(
        &exclusions,
        "policies: [AdministratorAccess]\nroles: [public-*]\nknown-accounts: [\"444455556666\"]\nexclude-actions: [\"secretsmanager:*\"]\n",
    )
    .unwrap();
    let exclusions = exclusions.to_str().unwrap();
    let (code, _, stderr) = audit(
        dir.path(),
        &[
            "--fmt",
            "json",
            "--exclusions",
            exclusions,
            "--fail-on",
            "critical",
        ],
    );
    assert_eq!(
        code, 0,
        "public-role is excluded, so nothing is critical: {stderr}"
    );
    let report: Value =
        serde_json::from_str(&std::fs::read_to_string(dir.path().join("report.json")).unwrap())
            .unwrap();
    assert_eq!(principal(&report, "public-role")["excluded"], true);
    assert_eq!(
        principal(&report, "break-glass")["findings"]["ServiceWildcard"]["count"],
        0
    );
    assert_eq!(
        principal(&report, "partner-role")["findings"]["AssumableByCrossAccountPrincipal"]["principals"],
        serde_json::json!(["777788889999"])
    );
    assert_eq!(
        principal(&report, "alice")["findings"]["DataExfiltration"]["count"],
        4,
        "secretsmanager:GetSecretValue is excluded"
    );

    let (code, _, _) = audit(dir.path(), &["--fmt", "json", "--fail-on", "critical"]);
    assert_eq!(code, 1);
    let one = std::fs::read_to_string(dir.path().join("report.json")).unwrap();
    let (code, _, _) = audit(dir.path(), &["--fmt", "json", "--jobs", "2"]);
    assert_eq!(code, 0);
    let two = std::fs::read_to_string(dir.path().join("report.json")).unwrap();
    assert_eq!(
        one, two,
        "the report does not depend on the number of threads"
    );
    let (code, _, stderr) = audit(dir.path(), &["--jobs", "0"]);
    assert_eq!(code, 2, "{stderr}");
    let (code, _, stderr) = audit(dir.path(), &["--fmt", "pdf"]);
    assert_eq!(code, 2, "{stderr}");
}

#[test]
fn bad_account_data_is_an_error_with_position() {
    let dir = tempfile::tempdir().unwrap();
    let input = dir.path().join("details.json");
    std::fs::write(&input, "{\"UserDetailList\": [{\"UserName\": 5}]}").unwrap();
    let output = policy_sentry()
        .args(["analyze", "account", "--input"])
        .arg(&input)
        .arg("--output-dir")
        .arg(dir.path())
        .output()
        .unwrap();
    assert_eq!(output.status.code(), Some(2));
    let stderr = String::from_utf8(output.stderr).unwrap();
    assert!(
        stderr.contains("details.json:1:34: invalid type: integer `5`"),
        "{stderr}"
    );
}

/// Counts of one read as English in every summary: stdout, stderr, Markdown and HTML.
#[test]
fn counts_of_one_are_singular() {
    let dir = tempfile::tempdir().unwrap();
    let input = dir.path().join("account.json");
    let account = serde_json::json!({
        "UserDetailList": [{
            "Path": "/", "UserName": "solo", "UserId": "AIDAEXAMPLE",
            "Arn": "arn:aws:iam::111122223333:user/solo", "GroupList": [], "UserPolicyList": [],
            "AttachedManagedPolicies": [{"PolicyName": "Reader", "PolicyArn": "arn:aws:iam::111122223333:policy/Reader"}]
        }],
        "GroupDetailList": [],
        "RoleDetailList": [],
        "Policies": [{
            "PolicyName": "Reader", "PolicyId": "ANPAEXAMPLE", "Path": "/",
            "Arn": "arn:aws:iam::111122223333:policy/Reader", "DefaultVersionId": "v1",
            "AttachmentCount": 1, "IsAttachable": true,
            "PolicyVersionList": [{
                "VersionId": "v1", "IsDefaultVersion": true,
                "Document": {"Version": "2012-10-17", "Statement": [
                    {"Effect": "Allow", "Action": ["s3:GetObject", "s3:GetObjekt"], "Resource": "*"}
                ]}
            }]
        }]
    });
    std::fs::write(&input, account.to_string()).unwrap();
    let output = policy_sentry()
        .args(["analyze", "account", "--fmt", "markdown,html", "--input"])
        .arg(&input)
        .arg("--output-dir")
        .arg(dir.path().join("report"))
        .output()
        .unwrap();
    let stdout = String::from_utf8(output.stdout).unwrap();
    let stderr = String::from_utf8(output.stderr).unwrap();
    assert_eq!(output.status.code(), Some(0), "{stderr}");
    assert!(
        stdout.starts_with(
            "Account 111122223333: 1 user, 0 groups, 0 roles; 1 policy (1 distinct document)\n"
        ),
        "{stdout}"
    );
    assert!(
        stderr.contains("warning: 1 policy names actions the reference does not know"),
        "{stderr}"
    );
    let counts = "1 principal, 1 policy, 1 distinct policy document.";
    for file in ["report.md", "report.html"] {
        let text = std::fs::read_to_string(dir.path().join("report").join(file)).unwrap();
        assert!(text.contains(counts), "{file}: {text}");
    }
}

/// `analyze account` on `input` in a fresh output directory: exit code and standard error.
fn audit_file(input: &Path, extra: &[&str]) -> (i32, String) {
    let dir = tempfile::tempdir().unwrap();
    let output = policy_sentry()
        .args(["analyze", "account", "--input"])
        .arg(input)
        .arg("--output-dir")
        .arg(dir.path())
        .args(extra)
        .output()
        .unwrap();
    (
        output.status.code().unwrap_or(-1),
        String::from_utf8(output.stderr).unwrap(),
    )
}

#[test]
fn a_top_level_array_is_not_an_account() {
    let dir = tempfile::tempdir().unwrap();
    let input = dir.path().join("details.json");
    std::fs::write(&input, "[]").unwrap();
    let (code, stderr) = audit_file(&input, &[]);
    assert_eq!(code, 2, "{stderr}");
    assert!(
        stderr.contains("details.json:1:1: the top level must be an object"),
        "{stderr}"
    );
}

#[test]
fn a_file_too_large_to_hold_is_an_error_not_an_abort() {
    let dir = tempfile::tempdir().unwrap();
    let input = dir.path().join("huge.json");
    let file = std::fs::File::create(&input).unwrap();
    // Sparse: 8 TiB that take no disk space, more than the memory of any test machine.
    if file.set_len(1 << 43).is_err() {
        return;
    }
    let (code, stderr) = audit_file(&input, &["--jobs", "2"]);
    assert_eq!(code, 2, "{stderr}");
    assert!(stderr.contains("huge.json"), "{stderr}");
}

#[test]
fn jobs_are_capped() {
    let input = repo_path(INPUT);
    let (code, stderr) = audit_file(&input, &["--jobs", "4000"]);
    assert_eq!(code, 2, "{stderr}");
    assert!(stderr.contains("4000 is not in 1..=256"), "{stderr}");
    assert_eq!(audit_file(&input, &["--jobs", "256"]).0, 0);
}

#[test]
fn an_unreadable_document_fails_the_gate() {
    let dir = tempfile::tempdir().unwrap();
    let input = dir.path().join("details.json");
    std::fs::write(
        &input,
        r#"{"UserDetailList": [{"UserName": "u", "Arn": "arn:aws:iam::111111111111:user/u",
            "UserPolicyList": [{"PolicyName": "broken", "PolicyDocument": "%7Bnot json"}]}]}"#,
    )
    .unwrap();
    let (code, stderr) = audit_file(&input, &[]);
    assert_eq!(code, 0, "{stderr}");
    assert!(stderr.contains("warning: policy broken:"), "{stderr}");
    let (code, stderr) = audit_file(&input, &["--fail-on", "critical"]);
    assert_eq!(code, 1, "{stderr}");
}
