//! `explain`: a hand-written policy whose answers are known.

use policy_sentry::data::{AccessLevel, Action};
use serde_json::{Value, json};

use crate::support::{Run, policy_sentry};

const POLICY: &str = r#"{"Version": "2012-10-17", "Statement": [
    {"Sid": "Keys", "Effect": "Allow", "Action": ["kms:Decrypt", "kms:Encrypt", "kms:Get*"], "Resource": "*"},
    {"Effect": "Allow", "Action": "s3:*", "Resource": ["arn:aws:s3:::logs", "arn:aws:s3:::logs/*"]},
    {"Sid": "NoDeletes", "Effect": "Deny", "Action": "s3:Delete*", "Resource": "*"},
    {"Sid": "TlsOnly", "Effect": "Deny", "NotAction": "iam:*", "Resource": "*",
     "Condition": {"Bool": {"aws:SecureTransport": "false"}}}
]}"#;

fn explain(args: &[&str]) -> Run {
    let temp = tempfile::tempdir().unwrap();
    let path = temp.path().join("policy.json");
    std::fs::write(&path, POLICY).unwrap();
    Run::from(
        policy_sentry()
            .arg("explain")
            .arg(&path)
            .args(args)
            .output()
            .unwrap(),
    )
}

fn explain_file(args: &[&str]) -> Run {
    Run::from(policy_sentry().arg("explain").args(args).output().unwrap())
}

fn types_of(name: &str) -> Vec<Value> {
    Action::find(name)
        .unwrap()
        .rows()
        .filter_map(|row| {
            let resource = row.resource_type()?;
            let marker = if row.required() { "*" } else { "" };
            Some(json!({"name": format!("{}{marker}", resource.name()), "arn_format": resource.arn_format()}))
        })
        .collect()
}

#[test]
fn each_action_names_what_grants_and_denies_it() {
    let run = explain(&[
        "--action",
        "kms:Decrypt,s3:DeleteObject",
        "--action",
        "iam:PassRole",
        "--fmt",
        "json",
    ]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    let explanations: Value = serde_json::from_str(&run.stdout).unwrap();
    // A Write action granted at all is InfrastructureModification (kms:Decrypt is documented
    // as Write); it is in no other list.
    let decrypt_level = Action::find("kms:Decrypt").unwrap().access_level();
    let decrypt_risks: Vec<&str> = match decrypt_level {
        AccessLevel::Read | AccessLevel::List => vec![],
        _ => vec!["InfrastructureModification"],
    };
    let tls = json!({"index": 3, "sid": "TlsOnly", "matched_by": ["NotAction", "iam:*"], "resources": ["*"],
        "conditions": {"Bool": {"aws:SecureTransport": "false"}}, "removes_all": false});
    assert_eq!(
        explanations,
        json!([
            {"action": "iam:PassRole", "allowed": false, "access_level": "Permissions management",
             "granted_by": [], "denied_by": [], "resource_types": types_of("iam:PassRole"), "risks": []},
            {"action": "kms:Decrypt", "allowed": true, "access_level": Action::find("kms:Decrypt").unwrap().access_level().as_str(),
             "granted_by": [{"index": 0, "sid": "Keys", "matched_by": ["kms:Decrypt"], "resources": ["*"]}],
             "denied_by": [tls.clone()],
             "resource_types": types_of("kms:Decrypt"), "risks": decrypt_risks},
            {"action": "s3:DeleteObject", "allowed": false, "access_level": "Write",
             "granted_by": [{"index": 1, "sid": null, "matched_by": ["s3:*"], "resources": ["arn:aws:s3:::logs", "arn:aws:s3:::logs/*"]}],
             "denied_by": [
                 {"index": 2, "sid": "NoDeletes", "matched_by": ["s3:Delete*"], "resources": ["*"], "removes_all": true},
                 tls,
             ],
             "resource_types": types_of("s3:DeleteObject"), "risks": []},
        ])
    );
}

#[test]
fn risks_and_text() {
    let run = explain(&["--action", "s3:GetObject"]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    let lines: Vec<&str> = run.stdout.lines().collect();
    assert_eq!(lines[0], "s3:GetObject (Read): allowed");
    assert_eq!(
        lines[1],
        "  granted by statement 1: s3:* on arn:aws:s3:::logs, arn:aws:s3:::logs/*"
    );
    assert_eq!(
        lines[2],
        "  denied in part by statement 3 \"TlsOnly\": NotAction, iam:* on * when {\"Bool\":{\"aws:SecureTransport\":\"false\"}}"
    );
    assert!(lines[3].starts_with("  resource types: "), "{}", lines[3]);
    // s3:GetObject returns stored data; s3:* grants the whole service.
    assert_eq!(lines[4], "  risks: DataExfiltration, ServiceWildcard");

    // Without --action: every allowed action, by service; the denied deletes are not listed.
    let all = explain(&[]);
    assert_eq!(all.code, 0, "{}", all.stderr);
    let kms_get = Action::all()
        .filter(|a| a.service().prefix() == "kms" && a.name().starts_with("Get"))
        .count();
    let s3 = policy_sentry::data::Service::find("s3").unwrap();
    let s3_kept = s3
        .actions()
        .filter(|a| !a.name().starts_with("Delete"))
        .count();
    assert_eq!(
        all.stdout.lines().next().unwrap(),
        format!("{} actions allowed", 2 + kms_get + s3_kept)
    );
    assert!(
        all.stdout.contains("\nkms:\n  kms:Decrypt ("),
        "{}",
        all.stdout
    );
    assert!(!all.stdout.contains("s3:DeleteObject "));

    let unknown = explain(&["--action", "kms:Fly"]);
    assert_eq!(unknown.code, 2);
    assert_eq!(
        unknown.stderr,
        "error: --action: kms:Fly matches no documented action of the data in use\n"
    );
}

/// A CloudFormation template: each policy explained under its path, in text and JSON, the
/// functions read as wildcards noted.
#[test]
fn each_policy_of_a_template() {
    let template = crate::support::repo_path("tests/fixtures/review/template.yaml");
    let run = explain_file(&[
        template.to_str().unwrap(),
        "--action",
        "iam:PassRole",
        "--fmt",
        "json",
    ]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    let all: Value = serde_json::from_str(&run.stdout).unwrap();
    let allowed: Vec<String> = all
        .as_array()
        .unwrap()
        .iter()
        .map(|p| {
            let name = p["policy"]
                .as_str()
                .unwrap()
                .rsplit(": ")
                .next()
                .unwrap()
                .to_owned();
            format!("{name} {}", p["explanations"][0]["allowed"])
        })
        .collect();
    assert_eq!(
        allowed,
        [
            "Resources.AppRole.AssumeRolePolicyDocument false",
            "Resources.AppRole.Policies[0].PolicyDocument true",
            "Resources.DeployPolicy.PolicyDocument false",
        ]
    );
    assert!(
        run.stderr
            .contains("Resources.AppRole.Policies[0].PolicyDocument: CloudFormation functions")
    );
    let text = explain_file(&[template.to_str().unwrap()]);
    assert!(
        text.stdout.contains("== ")
            && text
                .stdout
                .contains("Resources.DeployPolicy.PolicyDocument ==\n"),
        "{}",
        text.stdout
    );
}
