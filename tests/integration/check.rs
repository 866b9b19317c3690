//! `check access-not-granted`: hand-written policies whose answer is known, run through the
//! binary; the exit code says whether access is granted, the JSON which statement grants what.

use serde_json::{Value, json};

use crate::support::{Run, policy_sentry};

fn check(policy: &Value, args: &[&str]) -> (Run, Value) {
    let temp = tempfile::tempdir().unwrap();
    let path = temp.path().join("policy.json");
    std::fs::write(&path, policy.to_string()).unwrap();
    let output = policy_sentry()
        .args(["check", "access-not-granted", "--fmt", "json"])
        .args(args)
        .arg(&path)
        .output()
        .unwrap();
    let run = Run::from(output);
    let grants = match run.code {
        0 | 1 => serde_json::from_str::<Value>(&run.stdout).unwrap()[0]["grants"].take(),
        _ => Value::Null,
    };
    (run, grants)
}

fn statements(list: Value) -> Value {
    json!({"Version": "2012-10-17", "Statement": list})
}

/// (what, statements, --actions, --resources, the granting statements with their actions).
type Case = (&'static str, Value, &'static str, &'static str, Value);

fn cases() -> Vec<Case> {
    let allow = |action: &str, resource: &str| json!({"Effect": "Allow", "Action": action, "Resource": resource});
    let deny = |action: &str, resource: &str| json!({"Effect": "Deny", "Action": action, "Resource": resource});
    vec![
        (
            "exact action on *",
            json!([allow("iam:PassRole", "*")]),
            "iam:PassRole",
            "",
            json!([[0, ["iam:PassRole"]]]),
        ),
        (
            "a wildcard in the policy",
            json!([allow("iam:Pass*", "*")]),
            "iam:PassRole",
            "",
            json!([[0, ["iam:PassRole"]]]),
        ),
        (
            "case does not matter for actions",
            json!([allow("IAM:passrole", "*")]),
            "iam:PassRole",
            "",
            json!([[0, ["iam:PassRole"]]]),
        ),
        (
            "another action",
            json!([allow("iam:GetRole", "*")]),
            "iam:PassRole",
            "",
            json!([]),
        ),
        (
            "a wildcard in the query",
            json!([allow("s3:DeleteObject", "*"), allow("s3:GetObject", "*")]),
            "s3:Delete*",
            "",
            json!([[0, ["s3:DeleteObject"]]]),
        ),
        (
            "* grants everything",
            json!([allow("*", "*")]),
            "iam:PassRole,kms:Decrypt",
            "",
            json!([[0, ["iam:PassRole", "kms:Decrypt"]]]),
        ),
        (
            "an unconditional Deny removes it",
            json!([allow("iam:*", "*"), deny("iam:PassRole", "*")]),
            "iam:PassRole",
            "",
            json!([]),
        ),
        (
            "a Deny on part of the resources does not",
            json!([
                allow("iam:*", "*"),
                deny("iam:PassRole", "arn:aws:iam::1:role/a")
            ]),
            "iam:PassRole",
            "",
            json!([[0, ["iam:PassRole"]]]),
        ),
        (
            "a conditional Deny does not",
            json!([allow("iam:*", "*"), {"Effect": "Deny", "Action": "iam:PassRole", "Resource": "*", "Condition": {"Bool": {"aws:MultiFactorAuthPresent": "false"}}}]),
            "iam:PassRole",
            "",
            json!([[0, ["iam:PassRole"]]]),
        ),
        (
            "a conditional Allow counts",
            json!([{"Effect": "Allow", "Action": "iam:PassRole", "Resource": "*", "Condition": {"StringEquals": {"iam:PassedToService": "ec2.amazonaws.com"}}}]),
            "iam:PassRole",
            "",
            json!([[0, ["iam:PassRole"]]]),
        ),
        (
            "NotAction grants what it does not list",
            json!([{"Effect": "Allow", "NotAction": "iam:*", "Resource": "*"}]),
            "iam:PassRole,kms:Decrypt",
            "",
            json!([[0, ["kms:Decrypt"]]]),
        ),
        (
            "a Deny with NotAction",
            json!([allow("*", "*"), {"Effect": "Deny", "NotAction": "s3:*", "Resource": "*"}]),
            "iam:PassRole,s3:GetObject",
            "",
            json!([[0, ["s3:GetObject"]]]),
        ),
        (
            "resources that overlap",
            json!([allow("s3:GetObject", "arn:aws:s3:::prod-*/*")]),
            "s3:GetObject",
            "arn:aws:s3:::*-data/report",
            json!([[0, ["s3:GetObject"]]]),
        ),
        (
            "resources that cannot overlap",
            json!([allow("s3:GetObject", "arn:aws:s3:::test-*/*")]),
            "s3:GetObject",
            "arn:aws:s3:::prod-*",
            json!([]),
        ),
        (
            "resource ARNs are case-sensitive",
            json!([allow("s3:GetObject", "arn:aws:s3:::Prod/*")]),
            "s3:GetObject",
            "arn:aws:s3:::prod/*",
            json!([]),
        ),
        (
            "NotResource that excludes the resource",
            json!([{"Effect": "Allow", "Action": "s3:*", "NotResource": "arn:aws:s3:::prod/*"}]),
            "s3:GetObject",
            "arn:aws:s3:::prod/x",
            json!([]),
        ),
        (
            "NotResource that excludes another",
            json!([{"Effect": "Allow", "Action": "s3:*", "NotResource": "arn:aws:s3:::prod/*"}]),
            "s3:GetObject",
            "arn:aws:s3:::test/x",
            json!([[0, ["s3:GetObject"]]]),
        ),
        (
            "a Deny covering the resource asked about",
            json!([allow("s3:*", "*"), deny("s3:Get*", "arn:aws:s3:::prod/*")]),
            "s3:GetObject",
            "arn:aws:s3:::prod/x",
            json!([]),
        ),
        (
            "the first granting statements are all named",
            json!([
                allow("iam:PassRole", "*"),
                allow("iam:Get*", "*"),
                allow("iam:P*", "*")
            ]),
            "iam:PassRole",
            "",
            json!([[0, ["iam:PassRole"]], [2, ["iam:PassRole"]]]),
        ),
    ]
}

#[test]
fn known_answers() {
    for (what, list, actions, resources, expected) in cases() {
        let mut args = vec!["--actions", actions];
        if !resources.is_empty() {
            args.extend(["--resources", resources]);
        }
        let (run, grants) = check(&statements(list), &args);
        let found: Vec<Value> = grants
            .as_array()
            .unwrap_or_else(|| panic!("{what}: {}", run.stderr))
            .iter()
            .map(|grant| json!([grant["statement"], grant["actions"]]))
            .collect();
        assert_eq!(Value::Array(found.clone()), expected, "{what}");
        let expected_code = if found.is_empty() { 0 } else { 1 };
        assert_eq!(run.code, expected_code, "{what}: {}", run.stderr);
    }
}

#[test]
fn text_names_the_policy_statement_and_actions_and_errors_name_the_input() {
    let temp = tempfile::tempdir().unwrap();
    let dir = temp.path();
    std::fs::write(
        dir.join("a.json"),
        statements(json!([{"Sid": "Launch", "Effect": "Allow", "Action": ["iam:PassRole", "ec2:RunInstances"], "Resource": "*"}])).to_string(),
    )
    .unwrap();
    std::fs::write(
        dir.join("b.json"),
        statements(json!([{"Effect": "Allow", "Action": "s3:GetObject", "Resource": "*"}]))
            .to_string(),
    )
    .unwrap();
    let run = |args: &[&str]| Run::from(policy_sentry().args(args).output().unwrap());
    let path = dir.to_str().unwrap();
    let granted = run(&[
        "check",
        "access-not-granted",
        "--actions",
        "iam:PassRole",
        path,
    ]);
    assert_eq!(granted.code, 1);
    assert_eq!(
        granted.stdout,
        format!(
            "{path}/a.json: statement 0 \"Launch\" grants iam:PassRole on *\n\
             access granted: 1 of 2 policies grant some of iam:PassRole\n"
        )
    );
    let clean = run(&[
        "check",
        "access-not-granted",
        "--actions",
        "kms:Decrypt",
        "--actions",
        "iam:CreateUser",
        path,
    ]);
    assert_eq!(clean.code, 0);
    assert_eq!(
        clean.stdout,
        "access not granted: no policy of 2 grants kms:Decrypt, iam:CreateUser\n"
    );

    let unknown = run(&["check", "access-not-granted", "--actions", "iam:Fly", path]);
    assert_eq!(unknown.code, 2);
    assert_eq!(
        unknown.stderr,
        "error: --actions: iam:Fly matches no documented action of the data in use\n"
    );
    std::fs::write(
        dir.join("c.json"),
        "{\"Statement\": [{\"Effect\": \"Allow\",\n\"Action\": 5}]}",
    )
    .unwrap();
    let bad = run(&[
        "check",
        "access-not-granted",
        "--actions",
        "iam:PassRole",
        path,
    ]);
    assert_eq!(bad.code, 2);
    assert!(
        bad.stderr.starts_with(&format!("error: {path}/c.json:2:")),
        "{}",
        bad.stderr
    );
    assert_eq!(bad.stdout, "", "nothing printed before every file was read");
    let usage = run(&["check", "access-not-granted", path]);
    assert_eq!(usage.code, 2);
    assert!(
        usage.stderr.contains("--actions <ACTIONS>"),
        "{}",
        usage.stderr
    );
}

#[test]
fn policies_inside_plans_and_templates_are_checked_one_by_one() {
    let dir = crate::support::repo_path("tests/fixtures/review");
    let output = policy_sentry()
        .current_dir(&dir)
        .args([
            "check",
            "access-not-granted",
            "--actions",
            "iam:PassRole",
            "plan.json",
            "template.yaml",
        ])
        .output()
        .unwrap();
    let run = Run::from(output);
    assert_eq!(run.code, 1, "{}", run.stderr);
    assert_eq!(
        run.stdout,
        "plan.json: aws_iam_policy.deploy.policy: statement 0 grants iam:PassRole on *\n\
         template.yaml: Resources.AppRole.Policies[0].PolicyDocument: statement 1 grants iam:PassRole on *\n\
         access granted: 2 of 7 policies grant some of iam:PassRole\n"
    );
}
